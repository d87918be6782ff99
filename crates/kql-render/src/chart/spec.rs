//! Which columns a chart uses, by Kusto's rules for reading a result: the x
//! axis is the first column of a suitable type, numeric columns are y series,
//! string columns split rows into series, and `make-series` arrays are series
//! of their own. Derived from the schema and the properties (plus a peek at
//! dynamic values to tell arrays apart), so it can be tested without drawing.

use super::ChartError;
use super::props::ChartProps;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Schema};
use kql_functions::KustoType;
use kql_functions::datetime::parse_datetime;
use kql_functions::visualization::Visualization;
use std::fmt;

/// The chart kinds `render` accepts that kql draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    TimeChart,
    LineChart,
    AreaChart,
    StackedAreaChart,
    ColumnChart,
    BarChart,
    PieChart,
    ScatterChart,
    Card,
    Table,
    AnomalyChart,
    LadderChart,
}

impl ChartKind {
    pub const ALL: [ChartKind; 12] = [
        ChartKind::TimeChart,
        ChartKind::LineChart,
        ChartKind::AreaChart,
        ChartKind::StackedAreaChart,
        ChartKind::ColumnChart,
        ChartKind::BarChart,
        ChartKind::PieChart,
        ChartKind::ScatterChart,
        ChartKind::Card,
        ChartKind::Table,
        ChartKind::AnomalyChart,
        ChartKind::LadderChart,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ChartKind::TimeChart => "timechart",
            ChartKind::LineChart => "linechart",
            ChartKind::AreaChart => "areachart",
            ChartKind::StackedAreaChart => "stackedareachart",
            ChartKind::ColumnChart => "columnchart",
            ChartKind::BarChart => "barchart",
            ChartKind::PieChart => "piechart",
            ChartKind::ScatterChart => "scatterchart",
            ChartKind::Card => "card",
            ChartKind::Table => "table",
            ChartKind::AnomalyChart => "anomalychart",
            ChartKind::LadderChart => "ladderchart",
        }
    }

    pub fn from_name(name: &str) -> Option<ChartKind> {
        let name = name.trim();
        ChartKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// Whether values of several series may be added up (stacks, "other" sums).
    pub fn is_additive(self) -> bool {
        matches!(
            self,
            ChartKind::AreaChart
                | ChartKind::StackedAreaChart
                | ChartKind::ColumnChart
                | ChartKind::BarChart
                | ChartKind::PieChart
        )
    }
}

impl fmt::Display for ChartKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a column holds, as far as charts care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    DateTime,
    Timespan,
    Number,
    /// Strings, bools, guids and non-array dynamic values: labels and series keys.
    Text,
    /// A dynamic column of arrays of datetimes (the axis of `make-series`).
    DateTimeArray,
    /// A dynamic column of arrays of numbers (the values of `make-series`).
    NumberArray,
}

impl ColumnKind {
    fn name(self) -> &'static str {
        match self {
            ColumnKind::DateTime => "datetime",
            ColumnKind::Timespan => "timespan",
            ColumnKind::Number => "number",
            ColumnKind::Text => "text",
            ColumnKind::DateTimeArray => "datetime[]",
            ColumnKind::NumberArray => "number[]",
        }
    }

    fn is_array(self) -> bool {
        matches!(self, ColumnKind::DateTimeArray | ColumnKind::NumberArray)
    }

    fn is_measure(self) -> bool {
        matches!(self, ColumnKind::Number | ColumnKind::Timespan)
    }
}

/// One column of the result the chart uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartColumn {
    pub name: String,
    /// Position in the result schema.
    pub index: usize,
    pub kind: ColumnKind,
}

impl fmt::Display for ChartColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, self.kind.name())
    }
}

/// The chart a result will be drawn as.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub kind: ChartKind,
    /// The x axis (categories for column, bar and pie charts; the start for a ladder).
    pub x: Option<ChartColumn>,
    /// The end of each ladder bar.
    pub x_end: Option<ChartColumn>,
    pub y: Vec<ChartColumn>,
    /// Columns whose combined values name a series.
    pub series: Vec<ChartColumn>,
    /// Columns marking anomalies (anomalychart).
    pub anomalies: Vec<ChartColumn>,
    pub props: ChartProps,
    /// Things the reader should know (a kind drawn as another, …).
    pub notes: Vec<String>,
}

impl fmt::Display for ChartSpec {
    /// One line, stable enough for snapshot tests:
    /// `timechart x=TimeGenerated:datetime y=[count_:number] series=[ApiId:text]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |cols: &[ChartColumn]| {
            cols.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(f, "{}", self.kind)?;
        if let Some(x) = &self.x {
            write!(f, " x={x}")?;
        }
        if let Some(x) = &self.x_end {
            write!(f, " x_end={x}")?;
        }
        write!(f, " y=[{}]", list(&self.y))?;
        if !self.series.is_empty() {
            write!(f, " series=[{}]", list(&self.series))?;
        }
        if !self.anomalies.is_empty() {
            write!(f, " anomalies=[{}]", list(&self.anomalies))?;
        }
        Ok(())
    }
}

impl ChartSpec {
    /// Reads `visualization` against the result's columns. Fails only when a
    /// property names a column the result does not have, or one that cannot
    /// play the role asked of it; odd data never fails here.
    pub fn derive(
        schema: &Schema,
        batches: &[RecordBatch],
        visualization: &Visualization,
    ) -> Result<ChartSpec, ChartError> {
        let props = ChartProps::parse(&visualization.properties);
        let mut notes = Vec::new();
        let kind = match ChartKind::from_name(&visualization.kind) {
            Some(kind) => kind,
            None => {
                notes.push(format!(
                    "{} is not drawn by kql; the result is drawn as a table",
                    visualization.kind
                ));
                ChartKind::Table
            }
        };
        let columns: Vec<ChartColumn> = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(index, field)| ChartColumn {
                name: field.name().clone(),
                index,
                kind: column_kind(field.data_type(), batches, index),
            })
            .collect();
        let find = |name: &str| -> Result<ChartColumn, ChartError> {
            columns
                .iter()
                .find(|c| c.name == name)
                .or_else(|| columns.iter().find(|c| c.name.eq_ignore_ascii_case(name)))
                .cloned()
                .ok_or_else(|| ChartError::UnknownColumn {
                    column: name.to_owned(),
                    available: columns.iter().map(|c| c.name.clone()).collect(),
                })
        };
        let explicit_y = props
            .ycolumns
            .iter()
            .map(|n| find(n))
            .collect::<Result<Vec<_>, _>>()?;
        for y in &explicit_y {
            if !(y.kind.is_measure()
                || y.kind == ColumnKind::NumberArray
                || matches!(kind, ChartKind::Card | ChartKind::Table))
            {
                return Err(ChartError::NotNumeric(y.name.clone()));
            }
        }
        let explicit_series = props
            .series
            .iter()
            .map(|n| find(n))
            .collect::<Result<Vec<_>, _>>()?;
        let anomalies = props
            .anomaly_columns
            .iter()
            .map(|n| find(n))
            .collect::<Result<Vec<_>, _>>()?;
        let explicit_x = props.xcolumn.as_deref().map(find).transpose()?;

        let mut spec = ChartSpec {
            kind,
            x: None,
            x_end: None,
            y: Vec::new(),
            series: Vec::new(),
            anomalies,
            props,
            notes,
        };
        if matches!(kind, ChartKind::Card | ChartKind::Table) {
            // Both show the columns themselves, as many as the user kept.
            spec.y = if explicit_y.is_empty() {
                columns
            } else {
                explicit_y
            };
            return Ok(spec);
        }

        let array_mode = explicit_y
            .iter()
            .chain(columns.iter())
            .any(|c| c.kind == ColumnKind::NumberArray);
        if kind == ChartKind::LadderChart && explicit_x.is_none() && columns.len() >= 2 {
            spec.x = Some(columns[columns.len() - 2].clone());
            spec.x_end = Some(columns[columns.len() - 1].clone());
        } else {
            spec.x = explicit_x.or_else(|| default_x(kind, &columns, array_mode));
        }
        let taken = |c: &ChartColumn, spec: &ChartSpec| {
            spec.x.as_ref().is_some_and(|x| x.index == c.index)
                || spec.x_end.as_ref().is_some_and(|x| x.index == c.index)
                || spec.anomalies.iter().any(|a| a.index == c.index)
        };
        spec.series = if explicit_series.is_empty() {
            if kind == ChartKind::PieChart {
                Vec::new()
            } else {
                columns
                    .iter()
                    .filter(|c| c.kind == ColumnKind::Text && !taken(c, &spec))
                    .cloned()
                    .collect()
            }
        } else {
            explicit_series
        };
        spec.y = if explicit_y.is_empty() {
            columns
                .iter()
                .filter(|c| {
                    let wanted = if array_mode {
                        c.kind == ColumnKind::NumberArray
                    } else {
                        c.kind.is_measure()
                    };
                    wanted && !taken(c, &spec) && !spec.series.iter().any(|s| s.index == c.index)
                })
                .cloned()
                .collect()
        } else {
            explicit_y
        };
        if kind == ChartKind::PieChart {
            // A pie has one value per slice: the first numeric column.
            spec.y.truncate(1);
        }
        Ok(spec)
    }

    /// True when the values come from `make-series` arrays, one row per series.
    pub fn is_array_mode(&self) -> bool {
        self.y.iter().any(|c| c.kind == ColumnKind::NumberArray)
    }
}

fn default_x(kind: ChartKind, columns: &[ChartColumn], array_mode: bool) -> Option<ChartColumn> {
    let first =
        |wanted: &dyn Fn(ColumnKind) -> bool| columns.iter().find(|c| wanted(c.kind)).cloned();
    if array_mode {
        if let Some(x) = first(&|k| k == ColumnKind::DateTimeArray) {
            return Some(x);
        }
        // make-series puts its axis last: with numbers on both sides, the last
        // array is the axis.
        let numeric: Vec<&ChartColumn> = columns
            .iter()
            .filter(|c| c.kind == ColumnKind::NumberArray)
            .collect();
        return match (kind, numeric.as_slice()) {
            (ChartKind::TimeChart | ChartKind::AnomalyChart, _) => None,
            (_, [_, .., last]) => Some((*last).clone()),
            _ => None,
        };
    }
    match kind {
        ChartKind::TimeChart | ChartKind::AnomalyChart => first(&|k| k == ColumnKind::DateTime)
            .or_else(|| first(&|k| !k.is_array()))
            .or_else(|| columns.first().cloned()),
        ChartKind::ColumnChart | ChartKind::BarChart => columns.first().cloned(),
        ChartKind::PieChart => first(&|k| k == ColumnKind::Text)
            .or_else(|| first(&|k| !k.is_measure()))
            .or_else(|| columns.first().cloned()),
        _ => first(&|k| {
            matches!(
                k,
                ColumnKind::DateTime | ColumnKind::Number | ColumnKind::Timespan
            )
        })
        .or_else(|| columns.first().cloned()),
    }
}

/// The chart role of a column; dynamic columns are classified by their first
/// non-null value, since a `make-series` result is only known as arrays by
/// looking.
fn column_kind(data_type: &DataType, batches: &[RecordBatch], index: usize) -> ColumnKind {
    match KustoType::from_arrow(data_type) {
        Some(KustoType::DateTime) => ColumnKind::DateTime,
        Some(KustoType::Timespan) => ColumnKind::Timespan,
        Some(t) if t.is_numeric() => ColumnKind::Number,
        Some(KustoType::Dynamic) => dynamic_kind(batches, index),
        _ => ColumnKind::Text,
    }
}

fn dynamic_kind(batches: &[RecordBatch], index: usize) -> ColumnKind {
    for batch in batches {
        let Some(column) = batch.columns().get(index) else {
            return ColumnKind::Text;
        };
        let Some(strings) = column.as_string_opt::<i64>() else {
            return ColumnKind::Text;
        };
        for row in 0..strings.len() {
            if strings.is_null(row) {
                continue;
            }
            let text = strings.value(row).trim_start();
            if !text.starts_with('[') {
                return ColumnKind::Text;
            }
            let Ok(serde_json::Value::Array(items)) =
                serde_json::from_str::<serde_json::Value>(text)
            else {
                return ColumnKind::Text;
            };
            match items.iter().find(|v| !v.is_null()) {
                None => continue,
                Some(serde_json::Value::Number(_)) => return ColumnKind::NumberArray,
                Some(serde_json::Value::String(s)) if parse_datetime(s).is_some() => {
                    return ColumnKind::DateTimeArray;
                }
                Some(_) => return ColumnKind::Text,
            }
        }
    }
    ColumnKind::Text
}
