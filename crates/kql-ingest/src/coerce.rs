//! Values on their way into a column: what kind each one is (for inference)
//! and how it converts to a column's Kusto type (for columns whose type is
//! fixed by a table's documentation).
//!
//! Azure does not always write numbers as numbers (`"durationMs":"78"`,
//! `"resultSignature":"200"`), CSV exports have no types at all, and a value
//! may simply be wrong. Conversions are lenient where the meaning is clear
//! (numeric text, whole floats, `"true"`, empty text as null) and report
//! anything else, so a value is never silently lost.

use std::borrow::Cow;

use kql_functions::KustoType;
use kql_functions::datetime::parse_datetime;

use crate::datetime::parse_export_datetime;
use crate::value::Val;

/// One value handed to a column by a table mapping.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    /// A value from the record as it was read.
    Json(&'a Val<'a>),
    /// A string the mapping derived (a part of a resource id, a constant).
    Str(&'a str),
}

/// Kinds of values seen in a column, as bits so that sets merge by `|` in
/// any order.
pub(crate) mod kinds {
    pub const NULL: u16 = 1;
    /// `""`: no evidence for or against `datetime`.
    pub const EMPTY: u16 = 1 << 1;
    pub const BOOL: u16 = 1 << 2;
    pub const LONG: u16 = 1 << 3;
    pub const REAL: u16 = 1 << 4;
    pub const DATETIME: u16 = 1 << 5;
    pub const GUID: u16 = 1 << 6;
    pub const STR: u16 = 1 << 7;
    /// Objects and arrays.
    pub const NESTED: u16 = 1 << 8;
    /// Not a kind: set when a value came from untyped text (CSV).
    pub const TEXT: u16 = 1 << 9;
    pub const ALL: [u16; 9] = [NULL, EMPTY, BOOL, LONG, REAL, DATETIME, GUID, STR, NESTED];

    pub fn name(kind: u16) -> &'static str {
        match kind {
            NULL => "null",
            EMPTY => "empty string",
            BOOL => "bool",
            LONG => "long",
            REAL => "real",
            DATETIME => "datetime",
            GUID => "guid",
            STR => "string",
            _ => "object/array",
        }
    }
}

/// The kind of `cell`. `settled` says the column already holds plain
/// strings, so a string needs no datetime parse — that is most strings.
pub(crate) fn classify(cell: Cell<'_>, settled: bool) -> u16 {
    use kinds::*;
    match cell {
        Cell::Str(s) => classify_str(s, settled),
        Cell::Json(v) => match v {
            Val::Null => NULL,
            Val::Bool(_) => BOOL,
            Val::I64(_) => LONG,
            // Beyond i64: only a real can hold it.
            Val::U64(_) | Val::F64(_) => REAL,
            Val::Str(s) => classify_str(s, settled),
            Val::Text(s) => TEXT | classify_text(s, settled),
            Val::Arr(_) | Val::Obj(_) => NESTED,
        },
    }
}

fn classify_str(s: &str, settled: bool) -> u16 {
    use kinds::*;
    if s.is_empty() {
        EMPTY
    } else if settled {
        STR
    } else if is_guid(s) {
        GUID
    } else if parse_datetime(s).is_some() {
        DATETIME
    } else {
        STR
    }
}

fn classify_text(s: &str, settled: bool) -> u16 {
    use kinds::*;
    let t = s.trim();
    if t.is_empty() {
        return EMPTY;
    }
    if settled {
        return STR;
    }
    if looks_numeric(t) {
        if t.parse::<i64>().is_ok() {
            return LONG;
        }
        if t.parse::<f64>().is_ok() {
            return REAL;
        }
    }
    if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") {
        BOOL
    } else if is_guid(t) {
        GUID
    } else if parse_datetime(t).is_some() || parse_export_datetime(t).is_some() {
        DATETIME
    } else if crate::value::parse_embedded(t).is_some() {
        NESTED
    } else {
        STR
    }
}

fn looks_numeric(t: &str) -> bool {
    let b = t.as_bytes();
    let digits = match b.first() {
        Some(b'-' | b'+') => &b[1..],
        _ => b,
    };
    digits
        .first()
        .is_some_and(|c| c.is_ascii_digit() || *c == b'.')
}

/// `8-4-4-4-12` hex digits, the form Azure writes GUIDs in.
pub(crate) fn is_guid(s: &str) -> bool {
    parse_guid(s).is_some()
}

pub(crate) fn parse_guid(s: &str) -> Option<[u8; 16]> {
    let b = s.trim().as_bytes();
    if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
        return None;
    }
    let mut out = [0u8; 16];
    let mut hex = b.iter().filter(|&&c| c != b'-');
    for byte in &mut out {
        let hi = (*hex.next()? as char).to_digit(16)?;
        let lo = (*hex.next()? as char).to_digit(16)?;
        *byte = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// The column type inference settles on for a set of kinds; `raw_diag`
/// marks `AzureDiagnostics` fields, where GUID strings get their own type.
pub(crate) fn inferred_type(bits: u16, guid_type: bool) -> KustoType {
    use kinds::*;
    let seen = bits & !(NULL | TEXT);
    let only = |allowed: u16| seen & !allowed == 0;
    if seen == 0 || only(EMPTY) {
        KustoType::String
    } else if only(BOOL) {
        KustoType::Bool
    } else if only(LONG) {
        KustoType::Long
    } else if only(LONG | REAL) {
        KustoType::Real
    } else if only(DATETIME | EMPTY) {
        KustoType::DateTime
    } else if only(GUID | EMPTY) && guid_type {
        KustoType::Guid
    } else if only(EMPTY | DATETIME | GUID | STR) {
        KustoType::String
    } else if only(NESTED) {
        KustoType::Dynamic
    } else if bits & TEXT != 0 {
        // Untyped text that is sometimes a number and sometimes not is text.
        KustoType::String
    } else {
        KustoType::Dynamic
    }
}

/// A value converted to a non-string, non-dynamic column type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Real(f64),
    DateTime(i64),
    Guid([u8; 16]),
}

/// Converts `cell` to `ty`, one of bool, int, long, real, datetime, guid.
/// The error says what the value was and why it does not fit.
pub(crate) fn to_scalar(cell: Cell<'_>, ty: KustoType) -> Result<Scalar, String> {
    let (text, is_text) = match cell {
        Cell::Str(s) => (Some(s), false),
        Cell::Json(Val::Str(s)) => (Some(s.as_ref()), false),
        Cell::Json(Val::Text(s)) => (Some(s.as_ref()), true),
        Cell::Json(_) => (None, false),
    };
    if let Some(s) = text {
        return text_to_scalar(s, ty, is_text);
    }
    let Cell::Json(v) = cell else {
        return Ok(Scalar::Null);
    };
    let bad = || Err(format!("{} is not a valid {}", describe(v), ty.name()));
    match (v, ty) {
        (Val::Null, _) => Ok(Scalar::Null),
        (Val::Bool(b), KustoType::Bool) => Ok(Scalar::Bool(*b)),
        (Val::I64(0 | 1), KustoType::Bool) => Ok(Scalar::Bool(matches!(v, Val::I64(1)))),
        (Val::I64(i), KustoType::Long) => Ok(Scalar::Long(*i)),
        (Val::I64(i), KustoType::Int) => i32::try_from(*i).map(Scalar::Int).or_else(|_| bad()),
        (Val::I64(i), KustoType::Real) => Ok(Scalar::Real(*i as f64)),
        (Val::U64(u), KustoType::Real) => Ok(Scalar::Real(*u as f64)),
        (Val::F64(f), KustoType::Real) => Ok(Scalar::Real(*f)),
        (Val::F64(f), KustoType::Long | KustoType::Int) => {
            whole(*f, ty).ok_or(()).or_else(|_| bad())
        }
        _ => bad(),
    }
}

fn text_to_scalar(s: &str, ty: KustoType, is_text: bool) -> Result<Scalar, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(Scalar::Null);
    }
    let parsed = match ty {
        KustoType::Bool => {
            if t.eq_ignore_ascii_case("true") || t == "1" {
                Some(Scalar::Bool(true))
            } else if t.eq_ignore_ascii_case("false") || t == "0" {
                Some(Scalar::Bool(false))
            } else {
                None
            }
        }
        KustoType::Long => t
            .parse::<i64>()
            .ok()
            .map(Scalar::Long)
            .or_else(|| t.parse::<f64>().ok().and_then(|f| whole(f, ty))),
        KustoType::Int => t
            .parse::<i32>()
            .ok()
            .map(Scalar::Int)
            .or_else(|| t.parse::<f64>().ok().and_then(|f| whole(f, ty))),
        KustoType::Real => t.parse::<f64>().ok().map(Scalar::Real),
        KustoType::DateTime => parse_datetime(t)
            .or_else(|| is_text.then(|| parse_export_datetime(t)).flatten())
            .map(Scalar::DateTime),
        KustoType::Guid => parse_guid(t).map(Scalar::Guid),
        _ => None,
    };
    parsed.ok_or_else(|| format!("{} is not a valid {}", quote(s), ty.name()))
}

/// A float that is a whole number within range of `ty` (long or int).
fn whole(f: f64, ty: KustoType) -> Option<Scalar> {
    if !f.is_finite() || f.fract() != 0.0 {
        return None;
    }
    match ty {
        KustoType::Int if (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&f) => {
            Some(Scalar::Int(f as i32))
        }
        // 2^63 itself is out of range; every smaller whole float fits.
        KustoType::Long if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) => {
            Some(Scalar::Long(f as i64))
        }
        _ => None,
    }
}

/// A value as a report shows it: short, quoted, never the whole 10 MB.
pub(crate) fn describe(v: &Val<'_>) -> String {
    match v {
        Val::Str(s) | Val::Text(s) => quote(s),
        Val::Arr(_) | Val::Obj(_) => v.kind_name().to_owned(),
        other => other.to_json(),
    }
}

pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", &s[..cut]),
        None => format!("{s:?}"),
    }
}

/// The text a string column stores for `cell`: strings as they are, other
/// scalars as their JSON text, objects and arrays as compact JSON.
pub(crate) fn to_text<'a>(cell: Cell<'a>) -> Option<Cow<'a, str>> {
    match cell {
        Cell::Str(s) => Some(Cow::Borrowed(s)),
        Cell::Json(Val::Null) => None,
        Cell::Json(Val::Str(s) | Val::Text(s)) => Some(Cow::Borrowed(s.as_ref())),
        Cell::Json(v) => Some(Cow::Owned(v.to_json())),
    }
}

#[cfg(test)]
mod tests {
    use super::kinds::*;
    use super::*;

    fn text(s: &str) -> Val<'_> {
        Val::Text(Cow::Borrowed(s))
    }

    #[test]
    fn numbers_in_strings_convert() {
        let s = Val::Str("78".into());
        assert_eq!(
            to_scalar(Cell::Json(&s), KustoType::Long),
            Ok(Scalar::Long(78))
        );
        assert_eq!(
            to_scalar(Cell::Str(" 200 "), KustoType::Int),
            Ok(Scalar::Int(200))
        );
        assert_eq!(
            to_scalar(Cell::Json(&Val::F64(200.0)), KustoType::Int),
            Ok(Scalar::Int(200))
        );
        assert_eq!(to_scalar(Cell::Str(""), KustoType::Long), Ok(Scalar::Null));
        let err = to_scalar(Cell::Str("OK"), KustoType::Int).unwrap_err();
        assert_eq!(err, "\"OK\" is not a valid int");
        assert!(to_scalar(Cell::Json(&Val::F64(1.5)), KustoType::Long).is_err());
        assert!(to_scalar(Cell::Json(&Val::I64(1 << 40)), KustoType::Int).is_err());
        assert!(to_scalar(Cell::Json(&Val::Obj(vec![])), KustoType::Long).is_err());
    }

    #[test]
    fn bools_datetimes_guids() {
        assert_eq!(
            to_scalar(Cell::Str("True"), KustoType::Bool),
            Ok(Scalar::Bool(true))
        );
        assert_eq!(
            to_scalar(Cell::Json(&Val::I64(0)), KustoType::Bool),
            Ok(Scalar::Bool(false))
        );
        assert!(to_scalar(Cell::Str("2026-11-25T13:00:00Z"), KustoType::DateTime).is_ok());
        // Locale forms only from untyped text: in JSON they are ambiguous.
        let portal = text("11/25/2026, 1:00:00.000 PM");
        assert!(to_scalar(Cell::Json(&portal), KustoType::DateTime).is_ok());
        assert!(to_scalar(Cell::Str("11/25/2026, 1:00:00.000 PM"), KustoType::DateTime).is_err());
        let g = "3f06647e-1234-4cde-9f00-530eb9f15261";
        assert!(matches!(
            to_scalar(Cell::Str(g), KustoType::Guid),
            Ok(Scalar::Guid(_))
        ));
        assert!(!is_guid("3f06647e-1234-4cde-9f00-530eb9f1526x"));
    }

    #[test]
    fn kinds_and_types() {
        assert_eq!(classify(Cell::Json(&text("42")), false), TEXT | LONG);
        assert_eq!(classify(Cell::Json(&text("4.5")), false), TEXT | REAL);
        assert_eq!(
            classify(Cell::Json(&text("{\"a\":1}")), false),
            TEXT | NESTED
        );
        assert_eq!(classify(Cell::Str("x"), true), STR);
        assert_eq!(inferred_type(LONG | NULL, false), KustoType::Long);
        assert_eq!(inferred_type(LONG | STR, false), KustoType::Dynamic);
        assert_eq!(inferred_type(TEXT | LONG | STR, false), KustoType::String);
        assert_eq!(inferred_type(GUID | EMPTY, true), KustoType::Guid);
        assert_eq!(inferred_type(GUID | EMPTY, false), KustoType::String);
        assert_eq!(inferred_type(DATETIME | STR, false), KustoType::String);
        assert_eq!(inferred_type(NULL, false), KustoType::String);
    }

    #[test]
    fn reports_stay_short() {
        let long = "x".repeat(10_000);
        assert!(describe(&Val::Str(long.into())).chars().count() < 50);
    }
}
