//! `format_datetime` and `format_timespan` with Kusto's format specifiers
//! (`yyyy-MM-dd HH:mm:ss.fff`, `d.hh:mm:ss`, …).

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::datetime::civil_from_days;
use crate::timespan::{NANOS_PER_DAY, NANOS_PER_SEC};
use crate::udf::ret;
use crate::value::{KValue, map_rows};
use datafusion::arrow::array::ArrayRef;
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, ScalarUDF};
use std::sync::Arc;

kusto_udf!(
    FORMAT_DATETIME,
    "kql_format_datetime",
    ret::utf8,
    eval_format_datetime
);
kusto_udf!(
    FORMAT_TIMESPAN,
    "kql_format_timespan",
    ret::utf8,
    eval_format_timespan
);

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    vec![Arc::clone(&FORMAT_DATETIME), Arc::clone(&FORMAT_TIMESPAN)]
}

/// Splits a format into runs of one repeated letter and other characters.
/// Kusto reads runs longer than two of the two-digit specifiers (`dddd`) as
/// repeated `dd`, so those are split into pairs.
fn tokens(fmt: &str, split_pairs: bool) -> Vec<(char, usize)> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut n = 1;
        if c.is_ascii_alphabetic() {
            while i + n < chars.len() && chars[i + n] == c {
                n += 1;
            }
        }
        if split_pairs && matches!(c, 'd' | 'M' | 'H' | 'h' | 'm' | 's') && n > 2 {
            out.extend(std::iter::repeat_n((c, 2), n / 2));
            if n % 2 == 1 {
                out.push((c, 1));
            }
        } else {
            out.push((c, n));
        }
        i += n;
    }
    out
}

/// The first `n` digits of the 9-digit fraction; `trim` drops trailing zeros (the `F` form).
fn fraction(frac_nanos: i64, n: usize, trim: bool) -> String {
    let digits = format!("{frac_nanos:09}");
    let mut s: String = digits.chars().take(n.min(9)).collect();
    while s.len() < n {
        s.push('0');
    }
    if trim {
        while s.ends_with('0') {
            s.pop();
        }
    }
    s
}

pub fn format_datetime(t: i64, fmt: &str) -> String {
    let days = t.div_euclid(NANOS_PER_DAY);
    let tod = t.rem_euclid(NANOS_PER_DAY);
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s, frac) = (
        tod / (3600 * NANOS_PER_SEC),
        tod / (60 * NANOS_PER_SEC) % 60,
        tod / NANOS_PER_SEC % 60,
        tod % NANOS_PER_SEC,
    );
    let mut out = String::new();
    for (c, n) in tokens(fmt, true) {
        let piece = match (c, n) {
            ('y', 1) => (y % 100).to_string(),
            ('y', 2) => format!("{:02}", y % 100),
            ('y', n) => format!("{y:0n$}"),
            ('M', 1) => mo.to_string(),
            ('M', _) => format!("{mo:02}"),
            ('d', 1) => d.to_string(),
            ('d', _) => format!("{d:02}"),
            ('H', 1) => h.to_string(),
            ('H', _) => format!("{h:02}"),
            ('h', n) => {
                let h12 = if h % 12 == 0 { 12 } else { h % 12 };
                if n == 1 {
                    h12.to_string()
                } else {
                    format!("{h12:02}")
                }
            }
            ('m', 1) => mi.to_string(),
            ('m', _) => format!("{mi:02}"),
            ('s', 1) => s.to_string(),
            ('s', _) => format!("{s:02}"),
            ('f', n) => fraction(frac, n, false),
            ('F', n) => fraction(frac, n, true),
            ('t', 1) => (if h < 12 { "A" } else { "P" }).to_string(),
            ('t', _) => (if h < 12 { "AM" } else { "PM" }).to_string(),
            (other, n) => other.to_string().repeat(n),
        };
        out.push_str(&piece);
    }
    out
}

pub fn format_timespan(t: i64, fmt: &str) -> String {
    let neg = t < 0;
    let a = t.unsigned_abs() as i64;
    let days = a / NANOS_PER_DAY;
    let tod = a % NANOS_PER_DAY;
    let (h, mi, s, frac) = (
        tod / (3600 * NANOS_PER_SEC),
        tod / (60 * NANOS_PER_SEC) % 60,
        tod / NANOS_PER_SEC % 60,
        tod % NANOS_PER_SEC,
    );
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    for (c, n) in tokens(fmt, false) {
        let piece = match (c, n) {
            ('d', n) => format!("{days:0n$}"),
            ('h' | 'H', 1) => h.to_string(),
            ('h' | 'H', _) => format!("{h:02}"),
            ('m', 1) => mi.to_string(),
            ('m', _) => format!("{mi:02}"),
            ('s', 1) => s.to_string(),
            ('s', _) => format!("{s:02}"),
            ('f', n) => fraction(frac, n, false),
            ('F', n) => fraction(frac, n, true),
            (other, n) => other.to_string().repeat(n),
        };
        out.push_str(&piece);
    }
    out
}

fn eval_format_datetime(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| match &v[0] {
        KValue::DateTime(t) => KValue::String(format_datetime(*t, &v[1].to_kusto_string())),
        _ => KValue::String(String::new()),
    })
}

fn eval_format_timespan(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| match &v[0] {
        KValue::Timespan(t) => KValue::String(format_timespan(*t, &v[1].to_kusto_string())),
        _ => KValue::String(String::new()),
    })
}

fn two(a: Vec<Arg>, want: KustoType, func: &str) -> Result<Vec<Expr>, String> {
    if let Some(first) = a.first()
        && first.ty != want
    {
        return Err(super::type_error(func, &format!("a {want}"), first.ty));
    }
    Ok(a.into_iter().map(|x| x.expr).collect())
}

/// Characters Kusto accepts between format specifiers; any other character
/// (`T` in `yyyy-MM-ddTHH`) makes Kusto reject the query, so a constant
/// format is checked here instead of printing the character through.
const DELIMITERS: &str = " /-:,._[]";

fn check_format(a: &[Arg], specifiers: &str, func: &str) -> Result<(), String> {
    let Some(KValue::String(fmt)) = a.get(1).and_then(|f| f.literal.as_ref()) else {
        return Ok(());
    };
    match fmt
        .chars()
        .find(|c| !specifiers.contains(*c) && !DELIMITERS.contains(*c))
    {
        Some(c) => Err(format!(
            "{func}: '{c}' in the format \"{fmt}\" is neither a format specifier ({specifiers}) \
             nor a delimiter Kusto accepts (space / - : , . _ [ ])"
        )),
        None => Ok(()),
    }
}

pub fn format_datetime_fn(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    check_format(&a, "dfFhHmMsty", "format_datetime")?;
    Ok(FORMAT_DATETIME.call(two(a, KustoType::DateTime, "format_datetime")?))
}

pub fn format_timespan_fn(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    check_format(&a, "dfFhHms", "format_timespan")?;
    Ok(FORMAT_TIMESPAN.call(two(a, KustoType::Timespan, "format_timespan")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_kusto() {
        let t = crate::datetime::parse_datetime("2024-02-10T13:04:05.1234567Z").unwrap_or_default();
        assert_eq!(
            format_datetime(t, "yyyy-MM-dd HH:mm:ss.fff"),
            "2024-02-10 13:04:05.123"
        );
        assert_eq!(format_datetime(t, "M/d/yy h:mm tt"), "2/10/24 1:04 PM");
        let ts = ((26 * 60 + 3) * 60 + 4) * NANOS_PER_SEC;
        assert_eq!(format_timespan(ts, "d.hh:mm:ss"), "1.02:03:04");
    }
}
