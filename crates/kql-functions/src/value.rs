//! A Kusto value of any type, read from and written to Arrow arrays, and Kusto's
//! conversion rules between types. Row-wise functions are written against this
//! type so that each Kusto function is a few lines about Kusto semantics rather
//! than about Arrow downcasts.

use crate::KustoType;
use crate::format;
use datafusion::arrow::array::{Array, ArrayRef};
use datafusion::common::{Result, ScalarValue};
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
pub enum KValue {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Real(f64),
    /// Decimals are computed as doubles; the column type stays `decimal`.
    Decimal(f64),
    String(String),
    DateTime(i64),
    Timespan(i64),
    Guid([u8; 16]),
    Dynamic(Json),
}

impl KValue {
    pub fn is_null(&self) -> bool {
        matches!(self, KValue::Null)
    }

    /// Reads one cell.
    pub fn from_array(array: &ArrayRef, row: usize) -> Result<KValue> {
        if array.is_null(row) {
            return Ok(KValue::Null);
        }
        Ok(KValue::from_scalar(ScalarValue::try_from_array(
            array, row,
        )?))
    }

    pub fn from_scalar(s: ScalarValue) -> KValue {
        match s {
            ScalarValue::Boolean(Some(b)) => KValue::Bool(b),
            ScalarValue::Int8(Some(v)) => KValue::Int(v.into()),
            ScalarValue::Int16(Some(v)) => KValue::Int(v.into()),
            ScalarValue::Int32(Some(v)) => KValue::Int(v),
            ScalarValue::Int64(Some(v)) => KValue::Long(v),
            ScalarValue::UInt8(Some(v)) => KValue::Int(v.into()),
            ScalarValue::UInt16(Some(v)) => KValue::Int(v.into()),
            ScalarValue::UInt32(Some(v)) => KValue::Long(v.into()),
            ScalarValue::UInt64(Some(v)) => KValue::Long(v as i64),
            ScalarValue::Float32(Some(v)) => KValue::Real(v.into()),
            ScalarValue::Float64(Some(v)) => KValue::Real(v),
            ScalarValue::Decimal128(Some(v), _, s) => {
                KValue::Decimal(v as f64 / 10f64.powi(s.into()))
            }
            ScalarValue::Utf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => KValue::String(s),
            ScalarValue::LargeUtf8(Some(s)) => match serde_json::from_str::<Json>(&s) {
                Ok(Json::Null) => KValue::Null,
                Ok(j) => KValue::Dynamic(j),
                Err(_) => KValue::Dynamic(Json::String(s)),
            },
            ScalarValue::TimestampNanosecond(Some(v), _) => KValue::DateTime(v),
            ScalarValue::TimestampMicrosecond(Some(v), _) => KValue::DateTime(v * 1_000),
            ScalarValue::TimestampMillisecond(Some(v), _) => KValue::DateTime(v * 1_000_000),
            ScalarValue::TimestampSecond(Some(v), _) => KValue::DateTime(v * 1_000_000_000),
            ScalarValue::DurationNanosecond(Some(v)) => KValue::Timespan(v),
            ScalarValue::DurationMicrosecond(Some(v)) => KValue::Timespan(v * 1_000),
            ScalarValue::DurationMillisecond(Some(v)) => KValue::Timespan(v * 1_000_000),
            ScalarValue::DurationSecond(Some(v)) => KValue::Timespan(v * 1_000_000_000),
            ScalarValue::FixedSizeBinary(16, Some(b)) => {
                let mut g = [0u8; 16];
                g.copy_from_slice(&b);
                KValue::Guid(g)
            }
            _ => KValue::Null,
        }
    }

    /// Writes the value as a cell of Kusto type `ty`, converting where Kusto would.
    pub fn to_scalar(&self, ty: KustoType) -> ScalarValue {
        let v = convert(self, ty);
        match (v, ty) {
            (KValue::Bool(b), _) => ScalarValue::Boolean(Some(b)),
            (KValue::Int(i), _) => ScalarValue::Int32(Some(i)),
            (KValue::Long(i), _) => ScalarValue::Int64(Some(i)),
            (KValue::Real(f), _) => ScalarValue::Float64(Some(f)),
            (KValue::Decimal(f), _) => decimal_scalar(f),
            (KValue::String(s), _) => ScalarValue::Utf8(Some(s)),
            (KValue::DateTime(t), _) => ScalarValue::TimestampNanosecond(Some(t), None),
            (KValue::Timespan(t), _) => ScalarValue::DurationNanosecond(Some(t)),
            (KValue::Guid(g), _) => ScalarValue::FixedSizeBinary(16, Some(g.to_vec())),
            (KValue::Dynamic(j), _) => ScalarValue::LargeUtf8(Some(j.to_string())),
            (KValue::Null, KustoType::String) => ScalarValue::Utf8(Some(String::new())),
            (KValue::Null, t) => ScalarValue::try_from(&t.to_arrow()).unwrap_or(ScalarValue::Null),
        }
    }

    /// Kusto's `tostring`: never null (null is `""`).
    pub fn to_kusto_string(&self) -> String {
        match self {
            KValue::Null => String::new(),
            KValue::Bool(true) => "True".to_string(),
            KValue::Bool(false) => "False".to_string(),
            KValue::Int(i) => i.to_string(),
            KValue::Long(i) => i.to_string(),
            KValue::Real(f) => real_text(*f),
            KValue::Decimal(f) => format::format_real(*f),
            KValue::String(s) => s.clone(),
            KValue::DateTime(t) => format::format_datetime_fixed7(*t),
            KValue::Timespan(t) => format::format_timespan_fixed7(*t),
            KValue::Guid(g) => format::format_guid(g),
            KValue::Dynamic(Json::String(s)) => s.clone(),
            KValue::Dynamic(j) => j.to_string(),
        }
    }

    /// The value as a JSON value inside a `dynamic` (datetimes as strings, as Kusto does).
    pub fn to_json(&self) -> Json {
        match self {
            KValue::Null => Json::Null,
            KValue::Bool(b) => Json::Bool(*b),
            KValue::Int(i) => Json::from(*i),
            KValue::Long(i) => Json::from(*i),
            KValue::Real(f) => real_json(*f),
            // Kusto keeps decimals exact inside dynamic values by writing them as text.
            KValue::Decimal(f) => Json::String(format::format_real(*f)),
            KValue::String(s) => Json::String(s.clone()),
            KValue::DateTime(t) => Json::String(format::format_datetime_fixed7(*t)),
            KValue::Timespan(t) => Json::String(format::format_timespan_fixed7(*t)),
            KValue::Guid(g) => Json::String(format::format_guid(g)),
            KValue::Dynamic(j) => j.clone(),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match convert(self, KustoType::Real) {
            KValue::Real(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match convert(self, KustoType::Long) {
            KValue::Long(i) => Some(i),
            _ => None,
        }
    }
}

/// `tostring` of a real: whole numbers keep a `.0` (Kusto prints 1500.0).
fn real_text(f: f64) -> String {
    let s = format::format_real(f);
    if f.is_finite() && f.fract() == 0.0 && !s.contains(['.', 'E', 'e']) {
        format!("{s}.0")
    } else {
        s
    }
}

pub fn real_json(f: f64) -> Json {
    serde_json::Number::from_f64(f)
        .map(Json::Number)
        .unwrap_or_else(|| Json::String(format::format_real(f)))
}

fn decimal_scalar(f: f64) -> ScalarValue {
    let scaled = f * 10f64.powi(crate::types::DECIMAL_SCALE.into());
    if scaled.is_finite() && scaled.abs() < 1e37 {
        ScalarValue::Decimal128(
            Some(scaled.round() as i128),
            crate::types::DECIMAL_PRECISION,
            crate::types::DECIMAL_SCALE,
        )
    } else {
        ScalarValue::Decimal128(
            None,
            crate::types::DECIMAL_PRECISION,
            crate::types::DECIMAL_SCALE,
        )
    }
}

/// Kusto's conversion of a value to type `ty`; null when it does not convert
/// (`toint("x")` is null, never an error).
pub fn convert(v: &KValue, ty: KustoType) -> KValue {
    use KValue as V;
    if let V::Dynamic(j) = v {
        return convert_json(j, ty);
    }
    match ty {
        KustoType::String => V::String(v.to_kusto_string()),
        KustoType::Dynamic => match v {
            V::Null => V::Null,
            other => V::Dynamic(other.to_json()),
        },
        KustoType::Bool => match v {
            V::Bool(b) => V::Bool(*b),
            V::Int(i) => V::Bool(*i != 0),
            V::Long(i) => V::Bool(*i != 0),
            V::Real(f) | V::Decimal(f) => V::Bool(*f != 0.0),
            V::String(s) => match s.to_ascii_lowercase().as_str() {
                "true" => V::Bool(true),
                "false" => V::Bool(false),
                other => parse_long(other).map_or(V::Null, |i| V::Bool(i != 0)),
            },
            _ => V::Null,
        },
        KustoType::Long | KustoType::Int => {
            let l = match v {
                V::Bool(b) => Some(i64::from(*b)),
                V::Int(i) => Some(i64::from(*i)),
                V::Long(i) => Some(*i),
                V::Real(f) | V::Decimal(f) => real_to_i64(*f),
                V::String(s) => parse_long(s),
                // Datetimes count 100 ns ticks from 0001-01-01, as .NET does.
                V::DateTime(t) => Some(*t / 100 + TICKS_TO_UNIX_EPOCH),
                V::Timespan(t) => Some(*t / 100),
                _ => None,
            };
            match (l, ty) {
                (Some(l), KustoType::Long) => V::Long(l),
                // Like .NET's unchecked conversion, a long wraps into an int,
                // while a real saturates.
                (Some(l), _) if matches!(v, V::Real(_) | V::Decimal(_)) => {
                    V::Int(l.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
                }
                // Text that does not fit an int is not an int.
                (Some(l), _) if matches!(v, V::String(_)) => {
                    i32::try_from(l).map_or(V::Null, V::Int)
                }
                (Some(l), _) => V::Int(l as i32),
                (None, _) => V::Null,
            }
        }
        KustoType::Real | KustoType::Decimal => {
            let f = match v {
                V::Bool(b) => Some(f64::from(u8::from(*b))),
                V::Int(i) => Some(f64::from(*i)),
                V::Long(i) => Some(*i as f64),
                V::Real(f) | V::Decimal(f) => Some(*f),
                V::String(s) => parse_real(s),
                V::DateTime(t) | V::Timespan(t) => Some((*t / 100) as f64),
                _ => None,
            };
            match (f, ty) {
                (Some(f), KustoType::Real) => V::Real(f),
                (Some(f), _) => V::Decimal(f),
                (None, _) => V::Null,
            }
        }
        KustoType::DateTime => match v {
            V::DateTime(t) => V::DateTime(*t),
            V::String(s) => crate::datetime::parse_datetime(s).map_or(V::Null, V::DateTime),
            // A number counts 100 ns ticks from 0001-01-01, as .NET does;
            // ticks outside what nanosecond timestamps hold give null here,
            // and `todatetime` turns that into an error.
            V::Int(_) | V::Long(_) | V::Real(_) | V::Decimal(_) => v
                .as_f64()
                .filter(|f| f.is_finite())
                .and_then(|f| {
                    let ticks = match v {
                        V::Long(i) => *i,
                        _ => f.trunc() as i64,
                    };
                    ticks.checked_sub(TICKS_TO_UNIX_EPOCH)?.checked_mul(100)
                })
                .map_or(V::Null, V::DateTime),
            _ => V::Null,
        },
        KustoType::Timespan => match v {
            V::Timespan(t) => V::Timespan(*t),
            V::String(s) => crate::timespan::parse_timespan(s).map_or(V::Null, V::Timespan),
            V::Long(i) => i.checked_mul(100).map_or(V::Null, V::Timespan),
            V::Int(i) => V::Timespan(i64::from(*i) * 100),
            V::Real(f) => V::Timespan((*f * 100.0) as i64),
            _ => V::Null,
        },
        KustoType::Guid => match v {
            V::Guid(g) => V::Guid(*g),
            V::String(s) => format::parse_guid(s).map_or(V::Null, V::Guid),
            _ => V::Null,
        },
    }
}

fn convert_json(j: &Json, ty: KustoType) -> KValue {
    use KValue as V;
    match (j, ty) {
        (Json::Null, KustoType::String) => V::String(String::new()),
        (Json::Null, _) => V::Null,
        (_, KustoType::Dynamic) => V::Dynamic(j.clone()),
        // A dynamic scalar prints as its JSON text (`true`, `1.5`).
        (Json::Bool(_) | Json::Number(_), KustoType::String) => V::String(j.to_string()),
        (Json::String(s), _) => convert(&V::String(s.clone()), ty),
        (Json::Bool(b), _) => convert(&V::Bool(*b), ty),
        (Json::Number(n), _) => {
            let v = match n.as_i64() {
                Some(i) => V::Long(i),
                None => V::Real(n.as_f64().unwrap_or(f64::NAN)),
            };
            convert(&v, ty)
        }
        (_, KustoType::String) => V::String(j.to_string()),
        _ => V::Null,
    }
}

/// A real truncated to a long as Kusto's query engine converts column
/// values: out of range saturates (`tolong(1e19)` is long.MaxValue).
fn real_to_i64(f: f64) -> Option<i64> {
    // `as` saturates, which is the behaviour wanted here.
    f.is_finite().then(|| f.trunc() as i64)
}

/// Kusto's conversion of a value that it folds while planning (a constant
/// expression such as `tolong(todouble(9223372036854775807))`). Folding uses
/// .NET's unchecked cast, where a real out of the long range becomes
/// long.MinValue, unlike the saturating conversion of column values.
pub fn convert_folded(v: &KValue, ty: KustoType) -> KValue {
    match (v, ty) {
        (KValue::Real(f) | KValue::Decimal(f), KustoType::Long)
            if f.is_finite()
                && !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(f) =>
        {
            KValue::Long(i64::MIN)
        }
        (KValue::Real(f) | KValue::Decimal(f), KustoType::Int)
            if f.is_finite() && !(-2_147_483_648.0..2_147_483_648.0).contains(f) =>
        {
            KValue::Int(i32::MIN)
        }
        _ => convert(v, ty),
    }
}

/// Ticks (100 ns) from 0001-01-01 to 1970-01-01.
pub const TICKS_TO_UNIX_EPOCH: i64 = 621_355_968_000_000_000;

/// Integer text as Kusto's `toint`/`tolong` read it: decimal or `0x` hex,
/// never a fraction or exponent.
fn parse_long(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        let v = u64::from_str_radix(hex, 16).ok()? as i64;
        return if neg { None } else { Some(v) };
    }
    t.parse::<i64>().ok()
}

fn parse_real(s: &str) -> Option<f64> {
    let t = s.trim();
    match t {
        "NaN" | "nan" => Some(f64::NAN),
        "Infinity" | "+Infinity" | "inf" => Some(f64::INFINITY),
        "-Infinity" | "-inf" => Some(f64::NEG_INFINITY),
        _ => t.parse::<f64>().ok(),
    }
}

/// Evaluates `f` row by row and builds an array of Kusto type `out`.
/// [`map_rows`] for functions that can fail on a value.
pub fn try_map_rows(
    args: &[ArrayRef],
    rows: usize,
    out: KustoType,
    mut f: impl FnMut(&[KValue]) -> Result<KValue>,
) -> Result<ArrayRef> {
    let mut failure = None;
    let array = map_rows(args, rows, out, |v| match f(v) {
        Ok(x) => x,
        Err(e) => {
            failure.get_or_insert(e);
            KValue::Null
        }
    })?;
    match failure {
        Some(e) => Err(e),
        None => Ok(array),
    }
}

pub fn map_rows(
    args: &[ArrayRef],
    rows: usize,
    out: KustoType,
    mut f: impl FnMut(&[KValue]) -> KValue,
) -> Result<ArrayRef> {
    let mut cells = Vec::with_capacity(rows);
    let mut row_vals = Vec::with_capacity(args.len());
    for row in 0..rows {
        row_vals.clear();
        for a in args {
            row_vals.push(KValue::from_array(a, row)?);
        }
        cells.push(f(&row_vals).to_scalar(out));
    }
    if cells.is_empty() {
        return Ok(datafusion::arrow::array::new_empty_array(&out.to_arrow()));
    }
    ScalarValue::iter_to_array(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_follow_kusto() {
        assert_eq!(
            convert(&KValue::String("x".into()), KustoType::Int),
            KValue::Null
        );
        assert_eq!(convert(&KValue::Real(3.9), KustoType::Int), KValue::Int(3));
        assert_eq!(
            convert(&KValue::Real(-3.9), KustoType::Long),
            KValue::Long(-3)
        );
        assert_eq!(KValue::Null.to_kusto_string(), "");
        assert_eq!(
            convert(&KValue::Dynamic(Json::String("5".into())), KustoType::Long),
            KValue::Long(5)
        );
    }
}
