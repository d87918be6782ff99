//! The `with (...)` properties of `render`, read leniently the way the portal
//! reads them: unknown names and unusable values are ignored rather than
//! failing a query whose rows are fine.

use serde_json::Value;

/// How several y series share the plot (`kind=` on column, bar and area charts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stacking {
    /// Side by side (columns) or overlapping (areas): Kusto's `default` and `unstacked`.
    #[default]
    Unstacked,
    /// One on top of the other.
    Stacked,
    /// Stacked and stretched so every x adds up to 100%.
    Stacked100,
}

/// `ysplit=`: how several y series are split over axes or panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum YSplit {
    /// One y axis for all series.
    #[default]
    None,
    /// One chart, one y axis per series.
    Axes,
    /// One chart per y column (or per series when there is one y column).
    Panels,
}

/// The properties after parsing; `None`/empty means "let the chart decide".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartProps {
    pub title: Option<String>,
    pub xtitle: Option<String>,
    pub ytitle: Option<String>,
    pub xcolumn: Option<String>,
    pub ycolumns: Vec<String>,
    pub series: Vec<String>,
    /// `anomalycolumns=`: columns whose non-zero values mark anomalies (anomalychart).
    pub anomaly_columns: Vec<String>,
    pub legend_hidden: bool,
    pub xlog: bool,
    pub ylog: bool,
    pub ymin: Option<f64>,
    pub ymax: Option<f64>,
    pub stacking: Stacking,
    pub ysplit: YSplit,
    pub accumulate: bool,
}

impl ChartProps {
    /// Reads `(name, value)` pairs as the planner recorded them. Later
    /// properties override earlier ones, as in Kusto.
    pub fn parse(properties: &[(String, Value)]) -> ChartProps {
        let mut p = ChartProps::default();
        for (name, value) in properties {
            match name.to_ascii_lowercase().as_str() {
                "title" => p.title = text(value),
                "xtitle" => p.xtitle = text(value),
                "ytitle" => p.ytitle = text(value),
                "xcolumn" => p.xcolumn = names(value).into_iter().next(),
                "ycolumns" => p.ycolumns = names(value),
                "series" => p.series = names(value),
                "anomalycolumns" => p.anomaly_columns = names(value),
                "legend" => p.legend_hidden = word(value).as_deref() == Some("hidden"),
                "xaxis" => p.xlog = word(value).as_deref() == Some("log"),
                "yaxis" => p.ylog = word(value).as_deref() == Some("log"),
                "ymin" => p.ymin = number(value),
                "ymax" => p.ymax = number(value),
                "accumulate" => p.accumulate = boolean(value),
                "kind" => {
                    p.stacking = match word(value).as_deref() {
                        Some("stacked") => Stacking::Stacked,
                        Some("stacked100") => Stacking::Stacked100,
                        _ => Stacking::Unstacked,
                    }
                }
                "ysplit" => {
                    p.ysplit = match word(value).as_deref() {
                        Some("axes") => YSplit::Axes,
                        Some("panels") => YSplit::Panels,
                        _ => YSplit::None,
                    }
                }
                _ => {}
            }
        }
        // A reversed range is more likely a typo than a wish for an empty chart.
        if let (Some(lo), Some(hi)) = (p.ymin, p.ymax)
            && lo > hi
        {
            p.ymin = Some(hi);
            p.ymax = Some(lo);
        }
        p
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn word(value: &Value) -> Option<String> {
    text(value).map(|s| s.trim().to_ascii_lowercase())
}

/// A column list: a JSON array of names, or one name, or `"a, b"` written as a string.
fn names(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |s: &str| {
        out.extend(
            s.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
        );
    };
    match value {
        Value::Array(items) => {
            for item in items {
                if let Some(s) = text(item) {
                    push(&s);
                }
            }
        }
        other => {
            if let Some(s) = text(other) {
                push(&s);
            }
        }
    }
    out
}

fn number(value: &Value) -> Option<f64> {
    let v = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }?;
    v.is_finite().then_some(v)
}

fn boolean(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => s.trim().eq_ignore_ascii_case("true"),
        Value::Number(n) => n.as_f64().is_some_and(|v| v != 0.0),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(pairs: &[(&str, Value)]) -> ChartProps {
        let owned: Vec<(String, Value)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        ChartProps::parse(&owned)
    }

    #[test]
    fn every_property_is_read() {
        let p = parse(&[
            ("title", json!("Calls")),
            ("xtitle", json!("time")),
            ("ytitle", json!("count")),
            ("xcolumn", json!("t")),
            ("ycolumns", json!(["a", "b"])),
            ("series", json!("ApiId")),
            ("legend", json!("hidden")),
            ("xaxis", json!("log")),
            ("yaxis", json!("log")),
            ("ymin", json!(5)),
            ("ymax", json!("10")),
            ("kind", json!("stacked100")),
            ("ysplit", json!("panels")),
            ("accumulate", json!(true)),
            ("anomalycolumns", json!(["anom"])),
        ]);
        assert_eq!(p.title.as_deref(), Some("Calls"));
        assert_eq!(p.xtitle.as_deref(), Some("time"));
        assert_eq!(p.ytitle.as_deref(), Some("count"));
        assert_eq!(p.xcolumn.as_deref(), Some("t"));
        assert_eq!(p.ycolumns, ["a", "b"]);
        assert_eq!(p.series, ["ApiId"]);
        assert_eq!(p.anomaly_columns, ["anom"]);
        assert!(p.legend_hidden && p.xlog && p.ylog && p.accumulate);
        assert_eq!((p.ymin, p.ymax), (Some(5.0), Some(10.0)));
        assert_eq!(p.stacking, Stacking::Stacked100);
        assert_eq!(p.ysplit, YSplit::Panels);
    }

    #[test]
    fn odd_values_fall_back_to_defaults() {
        let p = parse(&[
            ("kind", json!("sideways")),
            ("ysplit", json!(3)),
            ("ymin", json!("lots")),
            ("legend", json!("visible")),
            ("ycolumns", json!("a, b,,c")),
            ("nonsense", json!(1)),
        ]);
        assert_eq!(p.stacking, Stacking::Unstacked);
        assert_eq!(p.ysplit, YSplit::None);
        assert_eq!(p.ymin, None);
        assert!(!p.legend_hidden);
        assert_eq!(p.ycolumns, ["a", "b", "c"]);
    }

    #[test]
    fn reversed_y_range_is_swapped() {
        let p = parse(&[("ymin", json!(10)), ("ymax", json!(1))]);
        assert_eq!((p.ymin, p.ymax), (Some(1.0), Some(10.0)));
    }
}
