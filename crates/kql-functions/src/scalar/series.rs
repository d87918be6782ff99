//! Series functions over dynamic arrays of numbers (what `make-series`
//! produces): statistics, fill, line fit, IIR filter, correlation, plus
//! `range`, `jaccard_index` and `treepath`.

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::udf::ret;
use crate::value::{KValue, map_rows, real_json};
use datafusion::arrow::array::ArrayRef;
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, ScalarUDF};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

kusto_udf!(STATS, "kql_series_stats_dynamic", ret::dynamic, eval_stats);
kusto_udf!(
    FILL_FORWARD,
    "kql_series_fill_forward",
    ret::dynamic,
    eval_fill_forward
);
kusto_udf!(
    FILL_BACKWARD,
    "kql_series_fill_backward",
    ret::dynamic,
    eval_fill_backward
);
kusto_udf!(
    FIT_LINE,
    "kql_series_fit_line_dynamic",
    ret::dynamic,
    eval_fit_line
);
kusto_udf!(IIR, "kql_series_iir", ret::dynamic, eval_iir);
kusto_udf!(
    PEARSON,
    "kql_series_pearson_correlation",
    ret::float64,
    eval_pearson
);
kusto_udf!(RANGE, "kql_range", ret::dynamic, eval_range);
kusto_udf!(JACCARD, "kql_jaccard_index", ret::float64, eval_jaccard);
kusto_udf!(TREEPATH, "kql_treepath", ret::dynamic, eval_treepath);
kusto_udf!(
    PERCENTILES_OF,
    "kql_percentiles_of",
    ret::dynamic,
    eval_percentiles_of
);
kusto_udf!(DCOUNT_HLL, "kql_dcount_hll", ret::int64, eval_dcount_hll);

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    [
        &STATS,
        &FILL_FORWARD,
        &FILL_BACKWARD,
        &FIT_LINE,
        &IIR,
        &PEARSON,
        &RANGE,
        &JACCARD,
        &TREEPATH,
        &PERCENTILES_OF,
        &DCOUNT_HLL,
    ]
    .into_iter()
    .map(|u| Arc::clone(u))
    .collect()
}

fn items(v: &KValue) -> Option<Vec<Json>> {
    match v {
        KValue::Dynamic(Json::Array(a)) => Some(a.clone()),
        _ => None,
    }
}

fn numbers(v: &KValue) -> Option<Vec<Option<f64>>> {
    items(v).map(|a| a.iter().map(Json::as_f64).collect())
}

fn stats(xs: &[f64]) -> Map<String, Json> {
    let n = xs.len();
    let mut m = Map::new();
    let (mut min_i, mut max_i) = (0usize, 0usize);
    for (i, x) in xs.iter().enumerate() {
        if *x < xs[min_i] {
            min_i = i;
        }
        if *x > xs[max_i] {
            max_i = i;
        }
    }
    let sum: f64 = xs.iter().sum();
    let avg = if n > 0 { sum / n as f64 } else { f64::NAN };
    let variance = if n > 1 {
        xs.iter().map(|x| (x - avg).powi(2)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    let opt = |i: usize| xs.get(i).copied().map_or(Json::Null, real_json);
    m.insert("min".into(), opt(min_i));
    m.insert(
        "min_idx".into(),
        if n > 0 { Json::from(min_i) } else { Json::Null },
    );
    m.insert("max".into(), opt(max_i));
    m.insert(
        "max_idx".into(),
        if n > 0 { Json::from(max_i) } else { Json::Null },
    );
    m.insert("avg".into(), real_json(avg));
    m.insert("stdev".into(), real_json(variance.sqrt()));
    m.insert("variance".into(), real_json(variance));
    m.insert("sum".into(), real_json(sum));
    m.insert("len".into(), Json::from(n));
    m
}

fn eval_stats(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| match numbers(&v[0]) {
        Some(xs) => {
            let xs: Vec<f64> = xs.into_iter().flatten().collect();
            KValue::Dynamic(Json::Object(stats(&xs)))
        }
        None => KValue::Null,
    })
}

/// Missing values are nulls (or the given placeholder); they take the last
/// (forward) or next (backward) present value.
fn fill(v: &[KValue], backward: bool) -> KValue {
    let Some(mut a) = items(&v[0]) else {
        return KValue::Null;
    };
    let missing = v.get(1).map_or(Json::Null, KValue::to_json);
    let is_missing = |j: &Json| j.is_null() || (!missing.is_null() && *j == missing);
    let mut last: Option<Json> = None;
    let order: Vec<usize> = if backward {
        (0..a.len()).rev().collect()
    } else {
        (0..a.len()).collect()
    };
    for i in order {
        if is_missing(&a[i]) {
            if let Some(l) = &last {
                a[i] = l.clone();
            }
        } else {
            last = Some(a[i].clone());
        }
    }
    KValue::Dynamic(Json::Array(a))
}

fn eval_fill_forward(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| fill(v, false))
}

fn eval_fill_backward(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| fill(v, true))
}

/// Least-squares line over x = 1, 2, … (Kusto's series_fit_line).
fn eval_fit_line(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let Some(ys) = numbers(&v[0]) else {
            return KValue::Null;
        };
        let ys: Vec<f64> = ys.into_iter().map(|y| y.unwrap_or(0.0)).collect();
        let n = ys.len() as f64;
        if ys.is_empty() {
            return KValue::Null;
        }
        let xs: Vec<f64> = (1..=ys.len()).map(|i| i as f64).collect();
        let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
        let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
        let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
        let slope = if sxx == 0.0 { 0.0 } else { sxy / sxx };
        let intercept = my - slope * mx;
        let line: Vec<f64> = xs.iter().map(|x| intercept + slope * x).collect();
        let ss_res: f64 = ys.iter().zip(&line).map(|(y, l)| (y - l).powi(2)).sum();
        let ss_tot: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
        let rsquare = if ss_tot == 0.0 {
            1.0
        } else {
            1.0 - ss_res / ss_tot
        };
        let variance = if ys.len() > 1 {
            ss_res / (n - 1.0)
        } else {
            0.0
        };
        let rvariance = ss_res / n;
        let mut m = Map::new();
        m.insert("rsquare".into(), real_json(rsquare));
        m.insert("slope".into(), real_json(slope));
        m.insert("variance".into(), real_json(variance));
        m.insert("rvariance".into(), real_json(rvariance));
        m.insert("interception".into(), real_json(intercept));
        m.insert(
            "line_fit".into(),
            Json::Array(line.into_iter().map(real_json).collect()),
        );
        KValue::Dynamic(Json::Object(m))
    })
}

/// `series_iir(x, numerators, denominators)`: y[n] = (Σ b[i]x[n-i] − Σ_{j≥1} a[j]y[n-j]) / a[0].
fn eval_iir(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let (Some(x), Some(b), Some(a)) = (numbers(&v[0]), numbers(&v[1]), numbers(&v[2])) else {
            return KValue::Null;
        };
        let x: Vec<f64> = x.into_iter().map(|e| e.unwrap_or(0.0)).collect();
        let b: Vec<f64> = b.into_iter().map(|e| e.unwrap_or(0.0)).collect();
        let a: Vec<f64> = a.into_iter().map(|e| e.unwrap_or(0.0)).collect();
        let a0 = a.first().copied().unwrap_or(1.0);
        if a0 == 0.0 {
            return KValue::Null;
        }
        let mut y = vec![0.0; x.len()];
        for n in 0..x.len() {
            let mut acc = 0.0;
            for (i, bi) in b.iter().enumerate() {
                if n >= i {
                    acc += bi * x[n - i];
                }
            }
            for (j, aj) in a.iter().enumerate().skip(1) {
                if n >= j {
                    acc -= aj * y[n - j];
                }
            }
            y[n] = acc / a0;
        }
        KValue::Dynamic(Json::Array(y.into_iter().map(real_json).collect()))
    })
}

fn eval_pearson(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Real, |v| {
        let (Some(x), Some(y)) = (numbers(&v[0]), numbers(&v[1])) else {
            return KValue::Null;
        };
        let pairs: Vec<(f64, f64)> = x
            .into_iter()
            .zip(y)
            .filter_map(|(a, b)| Some((a?, b?)))
            .collect();
        let n = pairs.len() as f64;
        if pairs.len() < 2 {
            return KValue::Null;
        }
        let (sx, sy) = pairs
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        let (sxx, syy, sxy) = pairs.iter().fold((0.0, 0.0, 0.0), |(a, b, c), (x, y)| {
            (a + x * x, b + y * y, c + x * y)
        });
        let num = n * sxy - sx * sy;
        let den = ((n * sxx - sx * sx) * (n * syy - sy * sy)).sqrt();
        KValue::Real(num / den)
    })
}

fn eval_range(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let step = v.get(2).map_or(KValue::Long(1), Clone::clone);
        match (&v[0], &v[1], &step) {
            (
                KValue::DateTime(s) | KValue::Timespan(s),
                KValue::DateTime(e) | KValue::Timespan(e),
                KValue::Timespan(st),
            ) if *st != 0 => {
                let is_dt = matches!(v[0], KValue::DateTime(_));
                let mut out = Vec::new();
                let mut cur = *s;
                while (*st > 0 && cur <= *e || *st < 0 && cur >= *e) && out.len() < 1_048_576 {
                    out.push(if is_dt {
                        KValue::DateTime(cur).to_json()
                    } else {
                        KValue::Timespan(cur).to_json()
                    });
                    cur += st;
                }
                KValue::Dynamic(Json::Array(out))
            }
            (a, b, st) => match (a.as_f64(), b.as_f64(), st.as_f64()) {
                (Some(s), Some(e), Some(step)) if step != 0.0 => {
                    let integral = [a, b, st]
                        .iter()
                        .all(|x| matches!(x, KValue::Long(_) | KValue::Int(_)));
                    let mut out = Vec::new();
                    let mut i = 0.0;
                    loop {
                        let cur = s + i * step;
                        if (step > 0.0 && cur > e)
                            || (step < 0.0 && cur < e)
                            || out.len() >= 1_048_576
                        {
                            break;
                        }
                        out.push(if integral {
                            Json::from(cur as i64)
                        } else {
                            real_json(cur)
                        });
                        i += 1.0;
                    }
                    KValue::Dynamic(Json::Array(out))
                }
                _ => KValue::Null,
            },
        }
    })
}

fn eval_jaccard(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Real, |v| {
        let (Some(a), Some(b)) = (items(&v[0]), items(&v[1])) else {
            return KValue::Null;
        };
        let mut union: Vec<&Json> = Vec::new();
        for x in a.iter().chain(&b) {
            if !union.contains(&x) {
                union.push(x);
            }
        }
        if union.is_empty() {
            return KValue::Real(f64::NAN);
        }
        let inter = union
            .iter()
            .filter(|x| a.contains(x) && b.contains(x))
            .count();
        KValue::Real(inter as f64 / union.len() as f64)
    })
}

fn paths(j: &Json, prefix: String, out: &mut Vec<Json>) {
    match j {
        Json::Object(m) => {
            for (k, v) in m {
                let p = format!("{prefix}['{k}']");
                out.push(Json::String(p.clone()));
                paths(v, p, out);
            }
        }
        Json::Array(a) if a.iter().any(|x| x.is_object() || x.is_array()) => {
            let p = format!("{prefix}[0]");
            out.push(Json::String(p.clone()));
            if let Some(first) = a.first() {
                paths(first, p, out);
            }
        }
        _ => {}
    }
}

fn eval_treepath(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| match &v[0] {
        KValue::Dynamic(j) => {
            let mut out = Vec::new();
            paths(j, String::new(), &mut out);
            KValue::Dynamic(Json::Array(out))
        }
        _ => KValue::Null,
    })
}

pub fn series_stats_dynamic(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&STATS, a)
}
pub fn series_fill_forward(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&FILL_FORWARD, a)
}
pub fn series_fill_backward(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&FILL_BACKWARD, a)
}
pub fn series_fit_line_dynamic(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&FIT_LINE, a)
}
pub fn series_iir(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&IIR, a)
}
pub fn series_pearson_correlation(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&PEARSON, a)
}
pub fn range(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&RANGE, a)
}
pub fn jaccard_index(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&JACCARD, a)
}
pub fn treepath(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&TREEPATH, a)
}

/// `percentiles_of(values, p1, …)`: nearest-rank percentiles of a number array.
pub fn percentiles_of(args: Vec<Expr>) -> Expr {
    PERCENTILES_OF.call(args)
}

fn eval_percentiles_of(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let Some(values) = items(&v[0]) else {
            return KValue::Null;
        };
        let mut nums: Vec<&Json> = values.iter().filter(|j| j.is_number()).collect();
        nums.sort_by(|a, b| {
            a.as_f64()
                .unwrap_or(0.0)
                .total_cmp(&b.as_f64().unwrap_or(0.0))
        });
        let out = v[1..]
            .iter()
            .map(|p| {
                let p = p.as_f64().unwrap_or(50.0).clamp(0.0, 100.0);
                if nums.is_empty() {
                    return Json::Null;
                }
                let rank = ((p / 100.0) * nums.len() as f64).ceil() as usize;
                nums[rank.saturating_sub(1).min(nums.len() - 1)].clone()
            })
            .collect();
        KValue::Dynamic(Json::Array(out))
    })
}

fn eval_dcount_hll(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Long, |v| match items(&v[0]) {
        Some(a) => KValue::Long(a.len() as i64),
        None => KValue::Long(0),
    })
}

pub fn dcount_hll(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&DCOUNT_HLL, a)
}
