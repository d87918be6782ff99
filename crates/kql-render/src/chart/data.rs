//! A result read as chart series: points in x order, one series per y column
//! and distinct combination of the series columns, `make-series` arrays
//! unrolled, `accumulate` applied, and beyond [`MAX_SERIES`] the smallest
//! series folded so the legend stays readable.

use super::format::{TimeUnitLabel, format_category_time, format_number};
use super::spec::{ChartColumn, ChartKind, ChartSpec, ColumnKind};
use super::values::{Value, read_column};
use datafusion::arrow::array::RecordBatch;
use std::collections::HashMap;

/// At most this many series get their own color and legend entry.
pub const MAX_SERIES: usize = 20;

/// Values beyond this are clamped so sums, ranges and pixel arithmetic stay finite.
const LIMIT: f64 = 1e300;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum XKind {
    /// Nanoseconds since the epoch, UTC.
    Time,
    Number,
    /// A timespan axis, in the given unit.
    Timespan(TimeUnitLabel),
    /// x is an index into [`ChartData::categories`].
    Category,
    /// `make-series` arrays without an axis column: the position in the array.
    Index,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// `(x, y)` in x order; a NaN y is a gap.
    pub points: Vec<(f64, f64)>,
    /// Palette slot; `None` for series folded into the gray background.
    pub color: Option<usize>,
    /// Which y column of the spec the values come from.
    pub ycol: usize,
    /// Indices into `points` flagged as anomalies (anomalychart).
    pub anomalies: Vec<usize>,
}

/// One bar of a ladder chart.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderBar {
    pub lane: usize,
    pub start: f64,
    pub end: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub x_kind: XKind,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Set when every y column is a timespan: values are in this unit.
    pub y_unit: Option<TimeUnitLabel>,
    /// How many series were folded into "other" or the gray background.
    pub folded: usize,
    pub ladder: Vec<LadderBar>,
}

impl ChartData {
    pub fn is_empty(&self) -> bool {
        self.ladder.is_empty()
            && self.series.iter().all(|s| {
                s.points
                    .iter()
                    .all(|(x, y)| !x.is_finite() || !y.is_finite())
            })
    }
}

/// Reads `batches` as `spec` describes them.
pub fn read(spec: &ChartSpec, batches: &[RecordBatch]) -> ChartData {
    let column = |c: &ChartColumn| -> Vec<Value> {
        batches
            .iter()
            .flat_map(|b| match b.columns().get(c.index) {
                Some(array) => read_column(array.as_ref(), c.kind),
                None => vec![Value::Null; b.num_rows()],
            })
            .collect()
    };
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let x_values = spec.x.as_ref().map(column);
    let keys = series_keys(&spec.series.iter().map(column).collect::<Vec<_>>(), rows);

    if spec.kind == ChartKind::LadderChart {
        return ladder(spec, x_values, spec.x_end.as_ref().map(column), &keys);
    }

    let categorical = matches!(
        spec.kind,
        ChartKind::ColumnChart | ChartKind::BarChart | ChartKind::PieChart
    ) || spec.x.as_ref().is_some_and(|x| x.kind == ColumnKind::Text);
    let mut x_kind = match spec.x.as_ref().map(|x| x.kind) {
        _ if categorical => XKind::Category,
        Some(ColumnKind::DateTime | ColumnKind::DateTimeArray) => XKind::Time,
        Some(ColumnKind::Timespan) => XKind::Timespan(TimeUnitLabel::Seconds),
        Some(ColumnKind::Number | ColumnKind::NumberArray) => XKind::Number,
        _ if spec.is_array_mode() => XKind::Index,
        _ => XKind::Index,
    };
    let (xs, categories) = if categorical {
        categories(spec.x.as_ref(), x_values.as_deref(), rows)
    } else {
        (
            x_values.unwrap_or_else(|| vec![Value::Null; rows]),
            Vec::new(),
        )
    };

    let y_values: Vec<Vec<Value>> = spec.y.iter().map(column).collect();
    let anomaly_values: Vec<Vec<Value>> = spec.anomalies.iter().map(column).collect();
    let single_y = spec.y.len() == 1;
    let mut order: Vec<(String, usize)> = Vec::new();
    let mut by_id: HashMap<(String, usize), Series> = HashMap::new();
    for row in 0..rows {
        let key = keys.get(row).cloned().unwrap_or_default();
        for (j, ys) in y_values.iter().enumerate() {
            let id = (key.clone(), j);
            let series = by_id.entry(id.clone()).or_insert_with(|| {
                order.push(id.clone());
                Series {
                    name: series_name(&key, &spec.y[j].name, single_y, spec.series.is_empty()),
                    points: Vec::new(),
                    color: None,
                    ycol: j,
                    anomalies: Vec::new(),
                }
            });
            let marks = anomaly_values.get(j).or(anomaly_values.first());
            push_points(
                series,
                xs.get(row),
                ys.get(row),
                marks.and_then(|m| m.get(row)),
            );
        }
    }
    let mut series: Vec<Series> = order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .collect();

    if let XKind::Timespan(_) = x_kind {
        let unit =
            TimeUnitLabel::for_nanos(max_abs(series.iter().map(|s| s.points.iter().map(|p| p.0))));
        for s in &mut series {
            for p in &mut s.points {
                p.0 /= unit.nanos();
            }
        }
        x_kind = XKind::Timespan(unit);
    }
    let y_unit = (!spec.y.is_empty() && spec.y.iter().all(|c| c.kind == ColumnKind::Timespan))
        .then(|| {
            let unit = TimeUnitLabel::for_nanos(max_abs(
                series.iter().map(|s| s.points.iter().map(|p| p.1)),
            ));
            for s in &mut series {
                for p in &mut s.points {
                    p.1 /= unit.nanos();
                }
            }
            unit
        });

    for s in &mut series {
        sort_points(s);
        if spec.props.accumulate {
            let mut total = 0.0;
            for p in &mut s.points {
                if p.1.is_finite() {
                    total = (total + p.1).clamp(-LIMIT, LIMIT);
                    p.1 = total;
                }
            }
        }
    }
    if spec.kind == ChartKind::AnomalyChart && spec.anomalies.is_empty() {
        for s in &mut series {
            s.anomalies = tukey_outliers(&s.points);
        }
    }
    let folded = fold(&mut series, spec.kind.is_additive());
    ChartData {
        x_kind,
        categories,
        series,
        y_unit,
        folded,
        ladder: Vec::new(),
    }
}

fn series_name(key: &str, ycol: &str, single_y: bool, no_series_columns: bool) -> String {
    if no_series_columns {
        ycol.to_owned()
    } else if single_y {
        key.to_owned()
    } else {
        format!("{key}: {ycol}")
    }
}

/// The combined series-column values of each row (`"a, b"`); empty cells are
/// shown as `(empty)` so that series still has a visible name.
fn series_keys(columns: &[Vec<Value>], rows: usize) -> Vec<String> {
    (0..rows)
        .map(|row| {
            columns
                .iter()
                .map(|c| match c.get(row).map(Value::label) {
                    Some(s) if !s.is_empty() => s,
                    _ => "(empty)".to_owned(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

/// Category labels and each row's category index. Text keeps the order of the
/// rows (the query's `sort` decides); numbers and datetimes are ordered by value.
fn categories(
    x: Option<&ChartColumn>,
    values: Option<&[Value]>,
    rows: usize,
) -> (Vec<Value>, Vec<String>) {
    let Some((x, values)) = x.zip(values) else {
        return (vec![Value::Num(0.0); rows], vec![String::new()]);
    };
    let mut distinct: Vec<Value> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for v in values {
        let key = category_key(v);
        if let std::collections::hash_map::Entry::Vacant(slot) = index.entry(key) {
            slot.insert(distinct.len());
            distinct.push(v.clone());
        }
    }
    let by_value = matches!(
        x.kind,
        ColumnKind::DateTime | ColumnKind::Number | ColumnKind::Timespan
    );
    if by_value {
        distinct.sort_by(|a, b| {
            let (a, b) = (
                a.num().unwrap_or(f64::INFINITY),
                b.num().unwrap_or(f64::INFINITY),
            );
            a.total_cmp(&b)
        });
        index = distinct
            .iter()
            .enumerate()
            .map(|(i, v)| (category_key(v), i))
            .collect();
    }
    let labels = category_labels(x.kind, &distinct);
    let xs = values
        .iter()
        .map(|v| Value::Num(index.get(&category_key(v)).copied().unwrap_or(0) as f64))
        .collect();
    (xs, labels)
}

fn category_key(v: &Value) -> String {
    match v {
        Value::Num(n) => format!("n{}", n.to_bits()),
        other => format!("t{}", other.label()),
    }
}

fn category_labels(kind: ColumnKind, values: &[Value]) -> Vec<String> {
    let nums: Vec<f64> = values.iter().filter_map(Value::num).collect();
    values
        .iter()
        .map(|v| match (kind, v) {
            (_, Value::Null) => "(empty)".to_owned(),
            (ColumnKind::DateTime, Value::Num(n)) => format_category_time(*n, &nums),
            (ColumnKind::Timespan, Value::Num(n)) => kql_functions::format::format_timespan(
                n.clamp(i64::MIN as f64, i64::MAX as f64) as i64,
            ),
            (_, Value::Num(n)) => format_number(*n, None),
            (_, other) => match other.label() {
                s if s.is_empty() => "(empty)".to_owned(),
                s => s,
            },
        })
        .collect()
}

/// Adds one row's values to a series: one point, or a whole `make-series` array.
fn push_points(series: &mut Series, x: Option<&Value>, y: Option<&Value>, mark: Option<&Value>) {
    let clean = |v: f64| {
        if v.is_finite() {
            v.clamp(-LIMIT, LIMIT)
        } else {
            f64::NAN
        }
    };
    let is_mark = |v: Option<f64>| v.is_some_and(|v| v != 0.0 && v.is_finite());
    match y {
        Some(Value::Array(ys)) => {
            let xs: Option<&Vec<Option<f64>>> = match x {
                Some(Value::Array(xs)) => Some(xs),
                _ => None,
            };
            let marks: Option<&Vec<Option<f64>>> = match mark {
                Some(Value::Array(m)) => Some(m),
                _ => None,
            };
            for (i, y) in ys.iter().enumerate() {
                let x = match xs {
                    Some(xs) => match xs.get(i).copied().flatten() {
                        Some(x) => x,
                        None => continue,
                    },
                    None => i as f64,
                };
                if is_mark(marks.and_then(|m| m.get(i).copied().flatten())) {
                    series.anomalies.push(series.points.len());
                }
                series.points.push((clean(x), y.map_or(f64::NAN, clean)));
            }
        }
        _ => {
            let Some(x) = x.and_then(Value::num).filter(|x| x.is_finite()) else {
                return;
            };
            if is_mark(mark.and_then(Value::num)) {
                series.anomalies.push(series.points.len());
            }
            let y = y.and_then(Value::num).map_or(f64::NAN, clean);
            series.points.push((clean(x), y));
        }
    }
}

/// Sorts by x, keeping anomaly marks on the points they were attached to.
fn sort_points(series: &mut Series) {
    let mut order: Vec<usize> = (0..series.points.len()).collect();
    order.sort_by(|&a, &b| series.points[a].0.total_cmp(&series.points[b].0));
    if order.iter().enumerate().all(|(i, &o)| i == o) {
        return;
    }
    let mut new_pos = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_pos[old] = new;
    }
    series.points = order.iter().map(|&i| series.points[i]).collect();
    for a in &mut series.anomalies {
        *a = new_pos[*a];
    }
    series.anomalies.sort_unstable();
}

fn max_abs<'a>(values: impl Iterator<Item = impl Iterator<Item = f64> + 'a>) -> f64 {
    values
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0, |m: f64, v| m.max(v.abs()))
}

/// Points outside Tukey's fences (k = 1.5) around the series' quartiles: the
/// rule `series_decompose_anomalies` applies to its residuals, used when the
/// query did not compute anomalies itself.
fn tukey_outliers(points: &[(f64, f64)]) -> Vec<usize> {
    let mut values: Vec<f64> = points
        .iter()
        .map(|p| p.1)
        .filter(|v| v.is_finite())
        .collect();
    if values.len() < 8 {
        return Vec::new();
    }
    values.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        let pos = q * (values.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
    };
    let (q1, q3) = (quantile(0.25), quantile(0.75));
    let fence = 1.5 * (q3 - q1);
    points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.1.is_finite() && (p.1 < q1 - fence || p.1 > q3 + fence))
        .map(|(i, _)| i)
        .collect()
}

/// Gives the largest series colors and folds the rest: summed into one
/// "other" series when values add up, otherwise drawn in gray without a
/// legend entry. Returns how many series were folded.
fn fold(series: &mut Vec<Series>, additive: bool) -> usize {
    if series.len() <= MAX_SERIES {
        for (i, s) in series.iter_mut().enumerate() {
            s.color = Some(i);
        }
        return 0;
    }
    let keep_count = if additive { MAX_SERIES - 1 } else { MAX_SERIES };
    let mut ranked: Vec<(usize, f64)> = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let total: f64 = s
                .points
                .iter()
                .map(|p| p.1)
                .filter(|v| v.is_finite())
                .map(f64::abs)
                .sum();
            (i, total)
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut keep = vec![false; series.len()];
    for (i, _) in ranked.iter().take(keep_count) {
        keep[*i] = true;
    }
    let folded_count = series.len() - keep_count;
    let mut kept = Vec::new();
    let mut rest = Vec::new();
    for (s, k) in std::mem::take(series).into_iter().zip(keep) {
        if k { kept.push(s) } else { rest.push(s) }
    }
    for (i, s) in kept.iter_mut().enumerate() {
        s.color = Some(i);
    }
    if additive {
        let mut sums: Vec<(f64, f64)> = Vec::new();
        let mut at: HashMap<u64, usize> = HashMap::new();
        for s in &rest {
            for &(x, y) in &s.points {
                let slot = *at.entry(x.to_bits()).or_insert_with(|| {
                    sums.push((x, 0.0));
                    sums.len() - 1
                });
                if y.is_finite() {
                    sums[slot].1 = (sums[slot].1 + y).clamp(-LIMIT, LIMIT);
                }
            }
        }
        sums.sort_by(|a, b| a.0.total_cmp(&b.0));
        kept.push(Series {
            name: format!("other ({folded_count} series)"),
            points: sums,
            color: Some(keep_count),
            ycol: 0,
            anomalies: Vec::new(),
        });
        *series = kept;
    } else {
        // Gray first, so the colored series are drawn over them.
        rest.append(&mut kept);
        *series = rest;
    }
    folded_count
}

fn ladder(
    spec: &ChartSpec,
    starts: Option<Vec<Value>>,
    ends: Option<Vec<Value>>,
    keys: &[String],
) -> ChartData {
    let mut lanes: Vec<String> = Vec::new();
    let mut lane_of: HashMap<String, usize> = HashMap::new();
    let mut bars = Vec::new();
    let starts = starts.unwrap_or_default();
    let ends = ends.unwrap_or_default();
    for (row, (start, end)) in starts.iter().zip(&ends).enumerate() {
        let (Some(a), Some(b)) = (start.num(), end.num()) else {
            continue;
        };
        if !a.is_finite() || !b.is_finite() {
            continue;
        }
        let label = match keys.get(row) {
            Some(k) if !spec.series.is_empty() => k.clone(),
            _ => format!("row {}", row + 1),
        };
        let lane = *lane_of.entry(label.clone()).or_insert_with(|| {
            lanes.push(label);
            lanes.len() - 1
        });
        let (a, b) = (a.clamp(-LIMIT, LIMIT), b.clamp(-LIMIT, LIMIT));
        bars.push(LadderBar {
            lane,
            start: a.min(b),
            end: a.max(b),
        });
    }
    let x_kind = match spec.x.as_ref().map(|x| x.kind) {
        Some(ColumnKind::DateTime) => XKind::Time,
        _ => XKind::Number,
    };
    ChartData {
        x_kind,
        categories: lanes,
        series: Vec::new(),
        y_unit: None,
        folded: 0,
        ladder: bars,
    }
}
