//! Datetimes as the Azure portal writes them into CSV exports.
//!
//! Since late 2020 the portal's "Export to CSV" writes datetimes the way its
//! grid shows them, in the browser's locale (MicrosoftDocs/azure-docs#66181:
//! `2020-10-15T00:00:00.247Z` became `2020/10/16 0:00:01.403` for a Japanese
//! locale); the column header then carries the zone, `TimeGenerated [UTC]`.
//! Only untyped text is read with these forms — in JSON, `3/4/2026` is too
//! ambiguous to guess at.
//!
//! Accepted, with optional fractional seconds (up to 9 digits, truncated to
//! Kusto's 100 ns ticks) and an optional comma after the date:
//!
//! * `M/D/YYYY h:mm:ss AM|PM` (en-US; the AM/PM marks the month-first order);
//! * `YYYY/M/D H:mm:ss` (year first, e.g. ja-JP);
//! * `D/M/YYYY H:mm:ss` and `D.M.YYYY H:mm:ss` (day first, 24-hour).

use kql_functions::datetime::{days_from_civil, days_in_month};

/// Epoch nanoseconds of an exported datetime, taken as UTC.
pub(crate) fn parse_export_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = s.split_once([' ', ','])?;
    let rest = rest.trim_start_matches([',', ' ']);
    let (time, meridiem) = match rest.rsplit_once(' ') {
        Some((t, m)) if m.eq_ignore_ascii_case("AM") || m.eq_ignore_ascii_case("PM") => {
            (t.trim(), Some(m.eq_ignore_ascii_case("PM")))
        }
        _ => (rest, None),
    };
    let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    let num = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|c| c.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (y, m, d) = if a.len() == 4 {
        (num(a)?, num(b)?, num(c)?)
    } else if meridiem.is_some() {
        (num(c)?, num(a)?, num(b)?)
    } else {
        (num(c)?, num(b)?, num(a)?)
    };
    if y < 1000 || !(1..=12).contains(&m) || d == 0 || d > days_in_month(i64::from(y), m) {
        return None;
    }
    let nanos_of_day = parse_time(time, meridiem)?;
    let days = days_from_civil(i64::from(y), m, d);
    days.checked_mul(86_400_000_000_000)?
        .checked_add(nanos_of_day)
}

/// Nanoseconds since midnight of `H:mm[:ss[.f…]]`, on a 12-hour clock when
/// `pm` says which half of the day it is.
fn parse_time(time: &str, pm: Option<bool>) -> Option<i64> {
    let mut fields = time.split(':');
    let h: i64 = digits(fields.next()?, 2)?;
    let min: i64 = digits(fields.next()?, 2)?;
    let (sec, frac) = match fields.next() {
        Some(s) => match s.split_once('.') {
            Some((whole, frac)) => (digits(whole, 2)?, fraction(frac)?),
            None => (digits(s, 2)?, 0),
        },
        None => (0, 0),
    };
    if fields.next().is_some() || min > 59 || sec > 59 {
        return None;
    }
    let h = match pm {
        Some(pm) if (1..=12).contains(&h) => h % 12 + if pm { 12 } else { 0 },
        Some(_) => return None,
        None if h <= 23 => h,
        None => return None,
    };
    Some(((h * 60 + min) * 60 + sec) * 1_000_000_000 + frac)
}

fn digits(s: &str, max: usize) -> Option<i64> {
    (!s.is_empty() && s.len() <= max && s.bytes().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Fractional seconds in nanoseconds, truncated to 100 ns ticks.
fn fraction(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{s:0<9}");
    let nanos: i64 = padded.parse().ok()?;
    Some(nanos - nanos % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-25T13:04:09.123Z
    const T: i64 = 1_795_611_849_123_000_000;

    #[test]
    fn locales() {
        assert_eq!(parse_export_datetime("11/25/2026, 1:04:09.123 PM"), Some(T));
        assert_eq!(parse_export_datetime("11/25/2026 1:04:09.123 pm"), Some(T));
        assert_eq!(parse_export_datetime("2026/11/25 13:04:09.123"), Some(T));
        assert_eq!(parse_export_datetime("25/11/2026, 13:04:09.123"), Some(T));
        assert_eq!(parse_export_datetime("25.11.2026 13:04:09.123"), Some(T));
        assert_eq!(
            parse_export_datetime("11/25/2026, 12:00:00 AM"),
            Some(T - (13 * 3600 + 4 * 60 + 9) * 1_000_000_000 - 123_000_000)
        );
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "yesterday",
            "13/25/2026, 1:00:00 PM",
            "31/02/2026 10:00:00",
            "11/25/2026, 13:00:00 PM",
            "2026/11/25 24:00:00",
            "2026/11/25 10:00:00.1234567890",
            "1/2/3 4:5:6",
        ] {
            assert_eq!(parse_export_datetime(bad), None, "{bad}");
        }
    }
}
