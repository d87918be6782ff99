//! Arrow columns read as the few value shapes charts need: numbers (datetimes
//! and timespans as nanoseconds), text, and arrays from dynamic columns.

use super::spec::ColumnKind;
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::{CastOptions, cast_with_options};
use datafusion::arrow::datatypes::{
    DataType, DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType,
    DurationSecondType, Float64Type, TimeUnit, TimestampNanosecondType,
};
use kql_functions::datetime::parse_datetime;
use kql_functions::format::cell_to_text;

/// One cell, as the chart sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// A number; datetimes and timespans in nanoseconds.
    Num(f64),
    Text(String),
    Array(Vec<Option<f64>>),
}

impl Value {
    pub fn num(&self) -> Option<f64> {
        match self {
            Value::Num(v) => Some(*v),
            _ => None,
        }
    }

    /// Text for labels and series keys.
    pub fn label(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Num(v) => v.to_string(),
            Value::Text(s) => s.clone(),
            Value::Array(items) => format!("[{} values]", items.len()),
        }
    }
}

/// Every cell of one column as `kind` reads it; failed conversions become nulls.
pub fn read_column(column: &dyn Array, kind: ColumnKind) -> Vec<Value> {
    let len = column.len();
    match kind {
        ColumnKind::Number => numbers(column).unwrap_or_else(|| vec![Value::Null; len]),
        ColumnKind::DateTime => datetimes(column).unwrap_or_else(|| vec![Value::Null; len]),
        ColumnKind::Timespan => timespans(column).unwrap_or_else(|| vec![Value::Null; len]),
        ColumnKind::Text => (0..len)
            .map(|row| {
                if column.is_null(row) {
                    Value::Null
                } else {
                    Value::Text(cell_to_text(column, row))
                }
            })
            .collect(),
        ColumnKind::NumberArray | ColumnKind::DateTimeArray => (0..len)
            .map(|row| {
                if column.is_null(row) {
                    return Value::Null;
                }
                array_value(&cell_to_text(column, row))
            })
            .collect(),
    }
}

/// A JSON array of numbers or datetime strings; anything else in it is a gap.
fn array_value(text: &str) -> Value {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return Value::Null;
    };
    Value::Array(
        items
            .iter()
            .map(|item| match item {
                serde_json::Value::Number(n) => n.as_f64(),
                serde_json::Value::String(s) => parse_datetime(s).map(|n| n as f64),
                _ => None,
            })
            .collect(),
    )
}

fn numbers(column: &dyn Array) -> Option<Vec<Value>> {
    let safe = CastOptions {
        safe: true,
        ..Default::default()
    };
    let floats = cast_with_options(column, &DataType::Float64, &safe).ok()?;
    let floats = floats.as_primitive_opt::<Float64Type>()?;
    Some(
        (0..floats.len())
            .map(|row| {
                if floats.is_null(row) {
                    Value::Null
                } else {
                    Value::Num(floats.value(row))
                }
            })
            .collect(),
    )
}

fn datetimes(column: &dyn Array) -> Option<Vec<Value>> {
    let safe = CastOptions {
        safe: true,
        ..Default::default()
    };
    let ts = cast_with_options(
        column,
        &DataType::Timestamp(TimeUnit::Nanosecond, None),
        &safe,
    )
    .ok()?;
    let ts = ts.as_primitive_opt::<TimestampNanosecondType>()?;
    Some(
        (0..ts.len())
            .map(|row| {
                if ts.is_null(row) {
                    Value::Null
                } else {
                    Value::Num(ts.value(row) as f64)
                }
            })
            .collect(),
    )
}

fn timespans(column: &dyn Array) -> Option<Vec<Value>> {
    let (values, per_unit): (Vec<Option<i64>>, f64) = match column.data_type() {
        DataType::Duration(TimeUnit::Nanosecond) => (
            column
                .as_primitive::<DurationNanosecondType>()
                .iter()
                .collect(),
            1.0,
        ),
        DataType::Duration(TimeUnit::Microsecond) => (
            column
                .as_primitive::<DurationMicrosecondType>()
                .iter()
                .collect(),
            1e3,
        ),
        DataType::Duration(TimeUnit::Millisecond) => (
            column
                .as_primitive::<DurationMillisecondType>()
                .iter()
                .collect(),
            1e6,
        ),
        DataType::Duration(TimeUnit::Second) => (
            column.as_primitive::<DurationSecondType>().iter().collect(),
            1e9,
        ),
        _ => return None,
    };
    Some(
        values
            .into_iter()
            .map(|v| v.map_or(Value::Null, |v| Value::Num(v as f64 * per_unit)))
            .collect(),
    )
}
