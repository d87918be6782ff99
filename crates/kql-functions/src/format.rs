//! Kusto text forms of values: datetimes, timespans, reals, decimals, guids, and
//! single Arrow cells as display text or as Kusto JSON values.
//!
//! Kusto has two text forms for some types: the display form the result grid and
//! JSON output use (fractions trimmed: `2023-06-25T12:00:00.5Z`) and the
//! `tostring()` form (`…00.5000000Z`, always seven digits). Both are here so the
//! printers and the `tostring` UDF cannot drift apart.

use crate::datetime::civil_from_days;
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{
    ArrowDictionaryKeyType, ArrowNativeType, ArrowPrimitiveType, DataType, Date32Type, Date64Type,
    Decimal128Type, Decimal256Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, Float16Type, Float32Type, Float64Type, Int8Type,
    Int16Type, Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use serde_json::Value;
use std::fmt::Write as _;

const NANOS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
/// .NET ticks are 100 ns; Kusto never shows more precision than that.
const NANOS_PER_TICK: u32 = 100;
const TICKS_PER_SEC: u128 = 10_000_000;

/// Display form of a datetime (nanoseconds since the Unix epoch, UTC):
/// `2023-06-25T12:00:00Z`, with up to seven fraction digits, trailing zeros trimmed.
pub fn format_datetime(nanos: i64) -> String {
    let (secs, sub) = split_nanos(nanos);
    datetime_text(secs, sub, false)
}

/// `tostring(datetime)` form: always seven fraction digits
/// (`2020-01-01T00:00:00.0000000Z`).
pub fn format_datetime_fixed7(nanos: i64) -> String {
    let (secs, sub) = split_nanos(nanos);
    datetime_text(secs, sub, true)
}

/// Display form of a timespan: `[-][d.]hh:mm:ss[.fffffff]` with the fraction's
/// trailing zeros trimmed (`1.02:03:04.5`). Truncated to 100 ns ticks.
pub fn format_timespan(nanos: i64) -> String {
    timespan_text(i128::from(nanos), false)
}

/// `tostring(timespan)` form: seven fraction digits when the fraction is non-zero
/// (`00:00:00.5000000`), none otherwise (`00:15:00`).
pub fn format_timespan_fixed7(nanos: i64) -> String {
    timespan_text(i128::from(nanos), true)
}

/// `tostring(real)`: the shortest text that round-trips, laid out the way .NET's
/// `double.ToString()` does (`15`, `1.5`, `1E+21`, `1E-07`, `NaN`, `Infinity`).
pub fn format_real(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Rust's `{:e}` already yields the shortest round-trip digits; only the layout
    // differs from .NET, so split it into digits and a decimal exponent.
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return v.to_string();
    }
    let mut out = String::with_capacity(digits.len() + 8);
    if v < 0.0 {
        out.push('-');
    }
    // .NET switches to scientific notation when the decimal point would sit past
    // max(digit count, 15) or more than four zeros after it (Number.Formatting.cs,
    // FormatGeneral), which is why 1e-5 prints as `1E-05` but 0.0001 does not.
    let max_digits = i32::try_from(digits.len()).unwrap_or(i32::MAX).max(15);
    if exp >= max_digits || exp < -4 {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        let _ = write!(out, "E{sign}{:02}", exp.unsigned_abs());
    } else if exp < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', exp.unsigned_abs() as usize - 1));
        out.push_str(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() > int_len {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        } else {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', int_len - digits.len()));
        }
    }
    out
}

/// Lowercase hyphenated guid text; the bytes are printed in storage order.
pub fn format_guid(bytes: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Parses the guid forms .NET accepts: `D` (hyphenated), `N` (32 hex digits), and
/// `D` wrapped in braces or parentheses. Case-insensitive; surrounding blanks ignored.
pub fn parse_guid(s: &str) -> Option<[u8; 16]> {
    let s = s.trim();
    let s = s
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .or_else(|| s.strip_prefix('(').and_then(|t| t.strip_suffix(')')))
        .unwrap_or(s);
    let hex: Vec<u8> = match s.len() {
        32 => s.bytes().collect(),
        36 => {
            let b = s.as_bytes();
            if [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
                return None;
            }
            b.iter().copied().filter(|&c| c != b'-').collect()
        }
        _ => return None,
    };
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (slot, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let hi = char::from(pair[0]).to_digit(16)?;
        let lo = char::from(pair[1]).to_digit(16)?;
        *slot = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

/// A decimal's value `v × 10^-scale` with minimal digits (`1.25`, `3`).
pub fn format_decimal(v: i128, scale: i8) -> String {
    decimal_text(v < 0, &v.unsigned_abs().to_string(), scale)
}

/// Whether [`cell_to_text`] and [`cell_to_json`] know the Kusto form of this
/// Arrow type (every type [`crate::KustoType::from_arrow`] maps, except through
/// dictionaries whose values are not themselves supported).
pub fn is_supported(dt: &DataType) -> bool {
    match dt {
        DataType::Dictionary(key, value) => key.is_dictionary_key_type() && is_supported(value),
        DataType::FixedSizeBinary(n) => *n == 16,
        DataType::Null
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal128(_, _)
        | DataType::Decimal256(_, _)
        | DataType::Utf8
        | DataType::Utf8View
        | DataType::LargeUtf8
        | DataType::Timestamp(_, _)
        | DataType::Date32
        | DataType::Date64
        | DataType::Duration(_) => true,
        _ => false,
    }
}

/// One cell as Kusto's JSON encodes it: reals that JSON cannot hold become the
/// strings `"NaN"`, `"Infinity"`, `"-Infinity"`; datetimes, timespans and guids
/// become their display text; dynamic values are embedded as parsed JSON.
pub fn cell_to_json(array: &dyn Array, row: usize) -> Value {
    match cell(array, row) {
        Cell::Null => Value::Null,
        Cell::Bool(b) => Value::Bool(b),
        Cell::Int(i) => Value::from(i),
        Cell::UInt(u) => Value::from(u),
        Cell::Real(v) => match serde_json::Number::from_f64(v) {
            Some(n) => Value::Number(n),
            None => Value::String(format_real(v)),
        },
        Cell::Decimal(text) => decimal_json(text),
        Cell::Str(s) => Value::String(s.to_owned()),
        Cell::Dynamic(s) => serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_owned())),
        Cell::DateTime { secs, sub } => Value::String(datetime_text(secs, sub, false)),
        Cell::Timespan(n) => Value::String(timespan_text(n, false)),
        Cell::Guid(g) => Value::String(format_guid(&g)),
        Cell::Other(s) => Value::String(s),
    }
}

/// One cell as table and CSV output show it: null is the empty string, dynamic is
/// its stored compact JSON text, everything else its Kusto display form.
pub fn cell_to_text(array: &dyn Array, row: usize) -> String {
    match cell(array, row) {
        Cell::Null => String::new(),
        Cell::Bool(b) => b.to_string(),
        Cell::Int(i) => i.to_string(),
        Cell::UInt(u) => u.to_string(),
        Cell::Real(v) => format_real(v),
        Cell::Decimal(text) | Cell::Other(text) => text,
        Cell::Str(s) | Cell::Dynamic(s) => s.to_owned(),
        Cell::DateTime { secs, sub } => datetime_text(secs, sub, false),
        Cell::Timespan(n) => timespan_text(n, false),
        Cell::Guid(g) => format_guid(&g),
    }
}

/// A cell reduced to the handful of shapes Kusto distinguishes, so the text and
/// JSON encoders share one walk over Arrow's types.
enum Cell<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Real(f64),
    /// Already scaled to minimal decimal text.
    Decimal(String),
    Str(&'a str),
    Dynamic(&'a str),
    /// Seconds since the epoch plus sub-second nanoseconds, so second- and
    /// millisecond-unit timestamps far outside i64 nanoseconds still print.
    DateTime {
        secs: i64,
        sub: u32,
    },
    /// Nanoseconds; i128 so second-unit durations cannot overflow.
    Timespan(i128),
    Guid([u8; 16]),
    /// Types outside the Kusto mapping, in Arrow's own display form.
    Other(String),
}

fn cell(array: &dyn Array, row: usize) -> Cell<'_> {
    if row >= array.len() || array.is_null(row) {
        return Cell::Null;
    }
    let other = || Cell::Other(arrow_display(array, row));
    match array.data_type() {
        // NullArray reports no null buffer, so `is_null` above says false.
        DataType::Null => Cell::Null,
        DataType::Boolean => match array.as_boolean_opt() {
            Some(a) => Cell::Bool(a.value(row)),
            None => other(),
        },
        DataType::Int8 => prim::<Int8Type>(array, row).map_or_else(other, |v| Cell::Int(v.into())),
        DataType::Int16 => {
            prim::<Int16Type>(array, row).map_or_else(other, |v| Cell::Int(v.into()))
        }
        DataType::Int32 => {
            prim::<Int32Type>(array, row).map_or_else(other, |v| Cell::Int(v.into()))
        }
        DataType::Int64 => prim::<Int64Type>(array, row).map_or_else(other, Cell::Int),
        DataType::UInt8 => {
            prim::<UInt8Type>(array, row).map_or_else(other, |v| Cell::UInt(v.into()))
        }
        DataType::UInt16 => {
            prim::<UInt16Type>(array, row).map_or_else(other, |v| Cell::UInt(v.into()))
        }
        DataType::UInt32 => {
            prim::<UInt32Type>(array, row).map_or_else(other, |v| Cell::UInt(v.into()))
        }
        DataType::UInt64 => prim::<UInt64Type>(array, row).map_or_else(other, Cell::UInt),
        DataType::Float16 => prim::<Float16Type>(array, row)
            .map_or_else(other, |v| Cell::Real(widen_f32(v.to_f32()))),
        DataType::Float32 => {
            prim::<Float32Type>(array, row).map_or_else(other, |v| Cell::Real(widen_f32(v)))
        }
        DataType::Float64 => prim::<Float64Type>(array, row).map_or_else(other, Cell::Real),
        DataType::Decimal128(_, scale) => prim::<Decimal128Type>(array, row)
            .map_or_else(other, |v| Cell::Decimal(format_decimal(v, *scale))),
        DataType::Decimal256(_, scale) => {
            prim::<Decimal256Type>(array, row).map_or_else(other, |v| {
                let text = v.to_string();
                let (negative, digits) = match text.strip_prefix('-') {
                    Some(d) => (true, d),
                    None => (false, text.as_str()),
                };
                Cell::Decimal(decimal_text(negative, digits, *scale))
            })
        }
        DataType::Utf8 => match array.as_string_opt::<i32>() {
            Some(a) => Cell::Str(a.value(row)),
            None => other(),
        },
        DataType::Utf8View => match array.as_string_view_opt() {
            Some(a) => Cell::Str(a.value(row)),
            None => other(),
        },
        DataType::LargeUtf8 => match array.as_string_opt::<i64>() {
            Some(a) => Cell::Dynamic(a.value(row)),
            None => other(),
        },
        DataType::Timestamp(unit, _) => {
            let v = match unit {
                TimeUnit::Second => prim::<TimestampSecondType>(array, row),
                TimeUnit::Millisecond => prim::<TimestampMillisecondType>(array, row),
                TimeUnit::Microsecond => prim::<TimestampMicrosecondType>(array, row),
                TimeUnit::Nanosecond => prim::<TimestampNanosecondType>(array, row),
            };
            v.map_or_else(other, |v| datetime_cell(v, *unit))
        }
        DataType::Date32 => {
            prim::<Date32Type>(array, row).map_or_else(other, |days| Cell::DateTime {
                secs: i64::from(days) * SECS_PER_DAY,
                sub: 0,
            })
        }
        DataType::Date64 => prim::<Date64Type>(array, row)
            .map_or_else(other, |ms| datetime_cell(ms, TimeUnit::Millisecond)),
        DataType::Duration(unit) => {
            let (v, per_unit) = match unit {
                TimeUnit::Second => (prim::<DurationSecondType>(array, row), 1_000_000_000),
                TimeUnit::Millisecond => (prim::<DurationMillisecondType>(array, row), 1_000_000),
                TimeUnit::Microsecond => (prim::<DurationMicrosecondType>(array, row), 1_000),
                TimeUnit::Nanosecond => (prim::<DurationNanosecondType>(array, row), 1),
            };
            v.map_or_else(other, |v| Cell::Timespan(i128::from(v) * per_unit))
        }
        DataType::FixedSizeBinary(16) => array
            .as_fixed_size_binary_opt()
            .and_then(|a| <[u8; 16]>::try_from(a.value(row)).ok())
            .map_or_else(other, Cell::Guid),
        DataType::Dictionary(key, _) => match dictionary_entry(array, key, row) {
            Some((values, index)) => cell(values.as_ref(), index),
            None => Cell::Null,
        },
        _ => other(),
    }
}

fn prim<T: ArrowPrimitiveType>(array: &dyn Array, row: usize) -> Option<T::Native> {
    array.as_primitive_opt::<T>().map(|a| a.value(row))
}

/// The values array and index a dictionary cell points at; `None` for a null key.
fn dictionary_entry<'a>(
    array: &'a dyn Array,
    key: &DataType,
    row: usize,
) -> Option<(&'a ArrayRef, usize)> {
    fn entry<K: ArrowDictionaryKeyType>(
        array: &dyn Array,
        row: usize,
    ) -> Option<(&ArrayRef, usize)> {
        let dict = array.as_dictionary_opt::<K>()?;
        if dict.keys().is_null(row) {
            return None;
        }
        let index = dict.keys().value(row).as_usize();
        (index < dict.values().len()).then_some((dict.values(), index))
    }
    match key {
        DataType::Int8 => entry::<Int8Type>(array, row),
        DataType::Int16 => entry::<Int16Type>(array, row),
        DataType::Int32 => entry::<Int32Type>(array, row),
        DataType::Int64 => entry::<Int64Type>(array, row),
        DataType::UInt8 => entry::<UInt8Type>(array, row),
        DataType::UInt16 => entry::<UInt16Type>(array, row),
        DataType::UInt32 => entry::<UInt32Type>(array, row),
        DataType::UInt64 => entry::<UInt64Type>(array, row),
        _ => None,
    }
}

fn arrow_display(array: &dyn Array, row: usize) -> String {
    match ArrayFormatter::try_new(array, &FormatOptions::default()) {
        Ok(f) => f.value(row).to_string(),
        Err(_) => String::new(),
    }
}

/// f32 → f64 through the f32's shortest text, so `0.1f32` shows as `0.1` rather
/// than `0.10000000149011612`.
fn widen_f32(v: f32) -> f64 {
    if v.is_finite() {
        v.to_string().parse().unwrap_or(f64::from(v))
    } else {
        f64::from(v)
    }
}

fn datetime_cell(v: i64, unit: TimeUnit) -> Cell<'static> {
    let per_sec: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => NANOS_PER_SEC,
    };
    let secs = v.div_euclid(per_sec);
    // rem_euclid is in [0, per_sec), so the product stays below 1e9.
    let sub = v.rem_euclid(per_sec) * (NANOS_PER_SEC / per_sec);
    Cell::DateTime {
        secs,
        sub: u32::try_from(sub).unwrap_or(0),
    }
}

fn decimal_json(text: String) -> Value {
    // serde_json numbers are i64/u64/f64 (no arbitrary_precision), so fractional
    // decimals go through f64; integral ones stay exact when they fit.
    if !text.contains('.') {
        if let Ok(i) = text.parse::<i64>() {
            return Value::from(i);
        }
        if let Ok(u) = text.parse::<u64>() {
            return Value::from(u);
        }
    }
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::String(text), Value::Number)
}

fn split_nanos(nanos: i64) -> (i64, u32) {
    let secs = nanos.div_euclid(NANOS_PER_SEC);
    let sub = u32::try_from(nanos.rem_euclid(NANOS_PER_SEC)).unwrap_or(0);
    (secs, sub)
}

fn datetime_text(secs: i64, sub_nanos: u32, fixed7: bool) -> String {
    let days = secs.div_euclid(SECS_PER_DAY);
    let sod = secs.rem_euclid(SECS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let mut out = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    );
    push_fraction(&mut out, sub_nanos / NANOS_PER_TICK, fixed7);
    out.push('Z');
    out
}

fn timespan_text(nanos: i128, fixed7: bool) -> String {
    // Truncate toward zero, as .NET's TimeSpan does, so the sign applies to the
    // magnitude and -0.5 s prints as `-00:00:00.5`.
    let ticks = nanos.unsigned_abs() / u128::from(NANOS_PER_TICK);
    let frac = u32::try_from(ticks % TICKS_PER_SEC).unwrap_or(0);
    let total_secs = ticks / TICKS_PER_SEC;
    let days = total_secs / 86_400;
    let mut out = String::with_capacity(24);
    if nanos < 0 && ticks != 0 {
        out.push('-');
    }
    if days > 0 {
        let _ = write!(out, "{days}.");
    }
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        total_secs % 86_400 / 3600,
        total_secs % 3600 / 60,
        total_secs % 60
    );
    push_fraction(&mut out, frac, fixed7 && frac != 0);
    out
}

/// Appends `.fffffff` for a tick count below one second: all seven digits when
/// `fixed7`, otherwise trimmed and omitted entirely when zero.
fn push_fraction(out: &mut String, ticks: u32, fixed7: bool) {
    if ticks == 0 && !fixed7 {
        return;
    }
    let digits = format!("{ticks:07}");
    let digits = if fixed7 {
        digits.as_str()
    } else {
        digits.trim_end_matches('0')
    };
    out.push('.');
    out.push_str(digits);
}

/// `digits × 10^-scale` with trailing fraction zeros dropped; `digits` has no sign.
fn decimal_text(negative: bool, digits: &str, scale: i8) -> String {
    let mut out = String::with_capacity(digits.len() + 3);
    let is_zero = digits.bytes().all(|b| b == b'0');
    if negative && !is_zero {
        out.push('-');
    }
    if scale <= 0 {
        out.push_str(digits);
        if !is_zero {
            out.extend(std::iter::repeat_n('0', scale.unsigned_abs() as usize));
        }
        return out;
    }
    let scale = scale as usize;
    let padded;
    let (int, frac) = if digits.len() > scale {
        digits.split_at(digits.len() - scale)
    } else {
        padded = format!("{}{digits}", "0".repeat(scale - digits.len()));
        ("0", padded.as_str())
    };
    out.push_str(int);
    let frac = frac.trim_end_matches('0');
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{
        BooleanArray, Decimal128Array, DictionaryArray, DurationNanosecondArray,
        FixedSizeBinaryArray, Float32Array, Float64Array, Int32Array, LargeStringArray, NullArray,
        StringArray, StringViewArray, TimestampNanosecondArray, TimestampSecondArray,
    };
    use serde_json::json;

    const SEC: i64 = NANOS_PER_SEC;
    /// 2023-06-25T12:00:00Z
    const T0: i64 = 1_687_694_400 * SEC;

    #[test]
    fn datetime_display_trims_the_fraction() {
        assert_eq!(format_datetime(T0), "2023-06-25T12:00:00Z");
        assert_eq!(format_datetime(T0 + SEC / 2), "2023-06-25T12:00:00.5Z");
        assert_eq!(
            format_datetime(T0 + 123_456_789),
            "2023-06-25T12:00:00.1234567Z"
        );
        assert_eq!(format_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_datetime(951_782_400 * SEC), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn datetime_fixed7_always_has_seven_digits() {
        assert_eq!(
            format_datetime_fixed7(1_577_836_800 * SEC),
            "2020-01-01T00:00:00.0000000Z"
        );
        assert_eq!(
            format_datetime_fixed7(T0 + 50),
            "2023-06-25T12:00:00.0000000Z"
        );
        assert_eq!(
            format_datetime_fixed7(T0 + 100),
            "2023-06-25T12:00:00.0000001Z"
        );
    }

    #[test]
    fn datetime_before_1970() {
        assert_eq!(format_datetime(-1), "1969-12-31T23:59:59.9999999Z");
        assert_eq!(format_datetime(-SEC / 2), "1969-12-31T23:59:59.5Z");
        // 1900-01-01: not a leap year despite being divisible by 4.
        assert_eq!(
            format_datetime(-2_208_988_800 * SEC),
            "1900-01-01T00:00:00Z"
        );
        assert_eq!(format_datetime(i64::MIN), "1677-09-21T00:12:43.1452241Z");
        assert_eq!(format_datetime(i64::MAX), "2262-04-11T23:47:16.8547758Z");
    }

    #[test]
    fn timespan_forms() {
        let span = ((26 * 60 + 3) * 60 + 4) * SEC; // 1.02:03:04
        assert_eq!(format_timespan(span), "1.02:03:04");
        assert_eq!(format_timespan(15 * 60 * SEC), "00:15:00");
        assert_eq!(format_timespan(-30 * 60 * SEC), "-00:30:00");
        assert_eq!(format_timespan(span + SEC / 2), "1.02:03:04.5");
        assert_eq!(format_timespan(0), "00:00:00");
        assert_eq!(format_timespan(-SEC / 2), "-00:00:00.5");
        // Below one tick: truncated to zero, and no lone minus sign.
        assert_eq!(format_timespan(-99), "00:00:00");
        assert_eq!(format_timespan(i64::MIN), "-106751.23:47:16.8547758");
        assert_eq!(format_timespan_fixed7(SEC / 2), "00:00:00.5000000");
        assert_eq!(format_timespan_fixed7(15 * 60 * SEC), "00:15:00");
        assert_eq!(format_timespan_fixed7(span + 100), "1.02:03:04.0000001");
        assert_eq!(format_timespan_fixed7(-span - 199), "-1.02:03:04.0000001");
    }

    #[test]
    fn real_matches_dotnet() {
        let cases: &[(f64, &str)] = &[
            (15.0, "15"),
            (1.5, "1.5"),
            (-60.0, "-60"),
            (0.1 + 0.2, "0.30000000000000004"),
            (0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1e21, "1E+21"),
            (1e15, "1E+15"),
            (1e14, "100000000000000"),
            (123_456_789_012_345_680.0, "1.2345678901234568E+17"),
            (1_234_567_890_123_456.0, "1234567890123456"),
            (1e-7, "1E-07"),
            (-2.5e-7, "-2.5E-07"),
            (1e-5, "1E-05"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (1e308, "1E+308"),
            (5e-324, "5E-324"),
        ];
        for &(v, want) in cases {
            assert_eq!(format_real(v), want, "{v:e}");
        }
    }

    #[test]
    fn guid_round_trip() {
        let text = "0123abcd-4567-89ef-0123-456789abcdef";
        let bytes = parse_guid(text).expect("valid guid");
        assert_eq!(bytes[0], 0x01);
        assert_eq!(bytes[15], 0xef);
        assert_eq!(format_guid(&bytes), text);
        assert_eq!(parse_guid("0123ABCD456789EF0123456789ABCDEF"), Some(bytes));
        assert_eq!(
            parse_guid("{0123abcd-4567-89ef-0123-456789abcdef}"),
            Some(bytes)
        );
        assert_eq!(
            parse_guid(" (0123abcd-4567-89ef-0123-456789abcdef) "),
            Some(bytes)
        );
        assert_eq!(parse_guid("0123abcd-4567-89ef-0123-456789abcdeg"), None);
        assert_eq!(parse_guid("0123abcd04567-89ef-0123-456789abcdef"), None);
        assert_eq!(parse_guid("é123abcd-4567-89ef-0123-456789abcde"), None);
        assert_eq!(parse_guid(""), None);
    }

    #[test]
    fn decimal_minimal_digits() {
        assert_eq!(format_decimal(125, 2), "1.25");
        assert_eq!(format_decimal(3_000_000_000_000_000_000, 18), "3");
        assert_eq!(format_decimal(-5, 3), "-0.005");
        assert_eq!(format_decimal(0, 18), "0");
        assert_eq!(format_decimal(12, -2), "1200");
        assert_eq!(format_decimal(-1_500, 3), "-1.5");
        assert_eq!(format_decimal(i128::MIN, 0), i128::MIN.to_string());
    }

    #[test]
    fn cells_as_text_and_json() {
        let ints = Int32Array::from(vec![Some(7), None]);
        assert_eq!(cell_to_text(&ints, 0), "7");
        assert_eq!(cell_to_text(&ints, 1), "");
        assert_eq!(cell_to_json(&ints, 1), Value::Null);
        // Out of range rows are null rather than a panic.
        assert_eq!(cell_to_json(&ints, 9), Value::Null);

        let reals = Float64Array::from(vec![1.5, f64::NAN, f64::NEG_INFINITY, 1e21]);
        assert_eq!(cell_to_json(&reals, 0), json!(1.5));
        assert_eq!(cell_to_json(&reals, 1), json!("NaN"));
        assert_eq!(cell_to_json(&reals, 2), json!("-Infinity"));
        assert_eq!(cell_to_text(&reals, 3), "1E+21");
        assert_eq!(cell_to_text(&Float32Array::from(vec![0.1f32]), 0), "0.1");

        let bools = BooleanArray::from(vec![true, false]);
        assert_eq!(cell_to_text(&bools, 1), "false");
        assert_eq!(cell_to_json(&bools, 0), json!(true));

        let dec = Decimal128Array::from(vec![1_250_000_000_000_000_000i128, 3])
            .with_precision_and_scale(38, 18)
            .expect("valid decimal");
        assert_eq!(cell_to_text(&dec, 0), "1.25");
        assert_eq!(cell_to_json(&dec, 0), json!(1.25));
        assert_eq!(cell_to_text(&dec, 1), "0.000000000000000003");

        let dynamic = LargeStringArray::from(vec![r#"{"a":[1,2]}"#, "not json"]);
        assert_eq!(cell_to_json(&dynamic, 0), json!({"a": [1, 2]}));
        assert_eq!(cell_to_json(&dynamic, 1), json!("not json"));
        assert_eq!(cell_to_text(&dynamic, 0), r#"{"a":[1,2]}"#);

        let strings = StringArray::from(vec!["héllo"]);
        assert_eq!(cell_to_json(&strings, 0), json!("héllo"));
        let view = StringViewArray::from(vec!["a view string longer than twelve"]);
        assert_eq!(cell_to_text(&view, 0), "a view string longer than twelve");

        let dt = TimestampNanosecondArray::from(vec![T0 + SEC / 2]);
        assert_eq!(cell_to_json(&dt, 0), json!("2023-06-25T12:00:00.5Z"));
        // Second-unit timestamps past 2262 would overflow i64 nanoseconds.
        let far = TimestampSecondArray::from(vec![253_402_300_799]);
        assert_eq!(cell_to_text(&far, 0), "9999-12-31T23:59:59Z");

        let ts = DurationNanosecondArray::from(vec![-30 * 60 * SEC]);
        assert_eq!(cell_to_json(&ts, 0), json!("-00:30:00"));

        let guid = FixedSizeBinaryArray::try_from_iter([[0xabu8; 16]].into_iter())
            .expect("valid guid array");
        assert_eq!(
            cell_to_text(&guid, 0),
            "abababab-abab-abab-abab-abababababab"
        );

        assert_eq!(cell_to_json(&NullArray::new(2), 0), Value::Null);
    }

    #[test]
    fn dictionary_cells_read_through_to_values() {
        let dict: DictionaryArray<Int32Type> = vec![Some("x"), None, Some("y"), Some("x")]
            .into_iter()
            .collect();
        assert_eq!(cell_to_text(&dict, 0), "x");
        assert_eq!(cell_to_json(&dict, 1), Value::Null);
        assert_eq!(cell_to_json(&dict, 2), json!("y"));
        assert!(is_supported(dict.data_type()));
        assert!(!is_supported(&DataType::Binary));
        assert!(!is_supported(&DataType::FixedSizeBinary(8)));
    }
}
