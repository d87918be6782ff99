//! Parsing datetime text (ISO 8601 and the forms Azure writes) into nanoseconds.
//!
//! Kusto datetimes have 100 ns ticks, so extra fractional digits are truncated
//! to that precision; the result is nanoseconds since the Unix epoch in UTC,
//! the value carried by `Timestamp(Nanosecond, None)` columns. Everything here
//! is total: malformed or out-of-range text yields `None`, never a panic.

const NANOS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// Parses the datetime forms Kusto's `todatetime` and Azure logs use:
///
/// * ISO 8601: `2024-07-02T06:31:31.4465902Z`, `2024-07-02T06:31:31Z`,
///   `2024-07-02 06:31:31`, `2024-07-02T06:31`, `2024-07-02`, with up to 9
///   fractional digits and an optional `Z` or `±HH:MM` / `±HHMM` / `±HH` offset;
/// * RFC 1123 / RFC 822: `Tue, 02 Jul 2024 06:31:31 GMT` (weekday optional,
///   zone `GMT`, `UTC`, `Z` or `±HHMM`).
///
/// Text without an offset is taken as UTC. Returns nanoseconds since the Unix
/// epoch, or `None` for anything else, including dates outside what an `i64`
/// of nanoseconds can hold (years 1677–2262).
/// The error for a datetime that Kusto can hold (years 1 to 9999) but a
/// nanosecond timestamp cannot: failing beats answering with a wrong value.
pub fn out_of_range(what: &str) -> datafusion::error::DataFusionError {
    datafusion::error::DataFusionError::Execution(format!(
        "datetime out of supported range: {what} falls outside the years 1678 to 2261 \
         that kql can represent"
    ))
}

pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    let first = *s.as_bytes().first()?;
    if first.is_ascii_digit()
        && let Some(v) = parse_iso(s)
    {
        return Some(v);
    }
    parse_rfc1123(s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`). `m` is 1–12 and `d` 1–31; no validation is done, so
/// callers that accept user input should check with [`days_in_month`] first.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March-based month, [0, 11]
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The (year, month 1–12, day 1–31) of a day count since 1970-01-01; the
/// inverse of [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let y = yoe + era * 400 + i64::from(m <= 2);
    // The ranges above are guaranteed by the algorithm, so the casts cannot truncate.
    (y, m as u32, d as u32)
}

pub fn is_leap_year(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Number of days in month `m` (1–12) of year `y`; 0 for an invalid month.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Combines validated civil fields into epoch nanoseconds, or `None` when the
/// fields are out of range or the instant does not fit in an `i64`.
fn to_nanos(
    date: (i64, u32, u32),
    time: (u32, u32, u32),
    frac_nanos: i64,
    offset_secs: i64,
) -> Option<i64> {
    let (y, m, d) = date;
    let (hh, mm, ss) = time;
    if !(1..=9999).contains(&y) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    if hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let secs = days_from_civil(y, m, d) * SECS_PER_DAY
        + i64::from(hh) * 3600
        + i64::from(mm) * 60
        + i64::from(ss)
        - offset_secs;
    secs.checked_mul(NANOS_PER_SEC)?.checked_add(frac_nanos)
}

/// A tiny cursor over ASCII bytes; every accessor fails softly at the end.
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor {
            b: s.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.b.len()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Exactly `n` ASCII digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let c = self.peek().filter(u8::is_ascii_digit)?;
            v = v * 10 + u32::from(c - b'0');
            self.pos += 1;
        }
        Some(v)
    }

    /// Between `min` and `max` ASCII digits, greedily.
    fn digits_between(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let mut v = 0u32;
        let mut n = 0;
        while n < max {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    v = v * 10 + u32::from(c - b'0');
                    self.pos += 1;
                    n += 1;
                }
                _ => break,
            }
        }
        (n >= min).then_some((v, n))
    }

    fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
        self.pos - start
    }

    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        &self.b[start..self.pos]
    }
}

fn parse_iso(s: &str) -> Option<i64> {
    let mut c = Cursor::new(s);
    let y = c.digits(4)?;
    c.eat(b'-').then_some(())?;
    let m = c.digits(2)?;
    c.eat(b'-').then_some(())?;
    let d = c.digits(2)?;
    let date = (i64::from(y), m, d);
    if c.at_end() {
        return to_nanos(date, (0, 0, 0), 0, 0);
    }
    if !(c.eat(b'T') || c.eat(b' ')) {
        return None;
    }
    let hh = c.digits(2)?;
    c.eat(b':').then_some(())?;
    let mm = c.digits(2)?;
    let mut ss = 0;
    let mut frac = 0;
    if c.eat(b':') {
        ss = c.digits(2)?;
        if c.eat(b'.') {
            frac = fraction(&mut c)?;
        }
    }
    let offset = zone(&mut c)?;
    c.at_end().then_some(())?;
    to_nanos(date, (hh, mm, ss), frac, offset)
}

/// 1–9 fractional digits, truncated to whole 100 ns ticks as Kusto stores them.
fn fraction(c: &mut Cursor<'_>) -> Option<i64> {
    let (v, n) = c.digits_between(1, 9)?;
    let scaled = i64::from(v) * 10_i64.pow(9 - n as u32);
    Some(scaled - scaled % 100)
}

/// An optional trailing zone: nothing or `Z` (UTC), or `±HH[:MM]` / `±HHMM`.
/// Returns the offset east of UTC in seconds.
fn zone(c: &mut Cursor<'_>) -> Option<i64> {
    if c.at_end() || c.eat(b'Z') || c.eat(b'z') {
        return Some(0);
    }
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return None;
    };
    let hh = c.digits(2)?;
    let mm = if c.at_end() {
        0
    } else {
        c.eat(b':');
        c.digits(2)?
    };
    if hh > 14 || mm > 59 {
        return None;
    }
    Some(sign * i64::from(hh * 3600 + mm * 60))
}

const MONTHS: [&[u8]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];
const WEEKDAYS: [&[u8]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];

/// `[Ddd, ]D[D] Mon YYYY HH:MM[:SS] (GMT|UTC|Z|±HHMM)` as in HTTP headers.
fn parse_rfc1123(s: &str) -> Option<i64> {
    let mut c = Cursor::new(s);
    if c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        let day_name = c.word().to_ascii_lowercase();
        WEEKDAYS.contains(&day_name.as_slice()).then_some(())?;
        c.eat(b',').then_some(())?;
        c.skip_spaces();
    }
    let (d, _) = c.digits_between(1, 2)?;
    (c.skip_spaces() > 0).then_some(())?;
    let month_name = c.word().to_ascii_lowercase();
    let m = MONTHS.iter().position(|&n| n == month_name.as_slice())? as u32 + 1;
    (c.skip_spaces() > 0).then_some(())?;
    let y = c.digits(4)?;
    (c.skip_spaces() > 0).then_some(())?;
    let hh = c.digits(2)?;
    c.eat(b':').then_some(())?;
    let mm = c.digits(2)?;
    let ss = if c.eat(b':') { c.digits(2)? } else { 0 };
    (c.skip_spaces() > 0).then_some(())?;
    let offset = match c.peek()? {
        b'+' | b'-' => zone(&mut c)?,
        _ => {
            let name = c.word().to_ascii_lowercase();
            matches!(name.as_slice(), b"gmt" | b"utc" | b"ut" | b"z").then_some(0)?
        }
    };
    c.at_end().then_some(())?;
    to_nanos((i64::from(y), m, d), (hh, mm, ss), 0, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-07-02T06:31:31Z in epoch seconds.
    const T0: i64 = 1_719_901_891;

    fn secs(s: &str) -> Option<i64> {
        parse_datetime(s).map(|n| n.div_euclid(NANOS_PER_SEC))
    }

    #[test]
    fn iso_forms() {
        assert_eq!(
            parse_datetime("2024-07-02T06:31:31.4465902Z"),
            Some(T0 * NANOS_PER_SEC + 446_590_200)
        );
        assert_eq!(secs("2024-07-02T06:31:31Z"), Some(T0));
        assert_eq!(secs("2024-07-02 06:31:31"), Some(T0));
        assert_eq!(secs("2024-07-02T06:31"), Some(T0 - 31));
        assert_eq!(secs("2024-07-02"), Some(T0 - (6 * 3600 + 31 * 60 + 31)));
        assert_eq!(
            parse_datetime("2024-07-02T06:31:31.446Z"),
            Some(T0 * NANOS_PER_SEC + 446_000_000)
        );
        assert_eq!(
            parse_datetime("  2024-07-02T06:31:31Z \n"),
            Some(T0 * NANOS_PER_SEC)
        );
    }

    #[test]
    fn fractions_truncate_to_ticks() {
        assert_eq!(
            parse_datetime("2024-07-02T06:31:31.123456789Z"),
            Some(T0 * NANOS_PER_SEC + 123_456_700)
        );
        assert_eq!(
            parse_datetime("2024-07-02T06:31:31.5"),
            Some(T0 * NANOS_PER_SEC + 500_000_000)
        );
        assert_eq!(parse_datetime("2024-07-02T06:31:31.1234567891Z"), None);
        assert_eq!(parse_datetime("2024-07-02T06:31:31.Z"), None);
    }

    #[test]
    fn offsets_convert_to_utc() {
        assert_eq!(secs("2024-07-02T08:31:31+02:00"), Some(T0));
        assert_eq!(secs("2024-07-02T01:31:31-0500"), Some(T0));
        assert_eq!(secs("2024-07-02T01:31:31-05"), Some(T0));
        assert_eq!(secs("2024-07-02T06:31:31.000+00:00"), Some(T0));
        assert_eq!(secs("2024-07-02T06:31:31+2:00"), None);
    }

    #[test]
    fn rfc1123() {
        assert_eq!(secs("Tue, 02 Jul 2024 06:31:31 GMT"), Some(T0));
        assert_eq!(secs("2 Jul 2024 06:31:31 UTC"), Some(T0));
        assert_eq!(secs("Tue, 02 Jul 2024 08:31:31 +0200"), Some(T0));
        assert_eq!(secs("tue, 02 jul 2024 06:31:31 gmt"), Some(T0));
        assert_eq!(secs("Tue, 02 Jul 2024 06:31:31 PST"), None);
        assert_eq!(secs("Tue, 02 Foo 2024 06:31:31 GMT"), None);
        assert_eq!(secs("Tue 02 Jul 2024 06:31:31 GMT"), None);
    }

    #[test]
    fn rejects_everything_else() {
        for s in [
            "",
            " ",
            "2024",
            "2024-07",
            "2024-7-2",
            "2024-13-01",
            "2024-02-30",
            "2023-02-29",
            "2024-07-02T24:00:00Z",
            "2024-07-02T06:60",
            "2024-07-02T06:31:61",
            "2024-07-02X06:31",
            "2024-07-02T06:31:31ZZ",
            "2024-07-02T06:31:31 GMT",
            "2024-07-02Z",
            "hello",
            "200",
            "0000-01-01",
            "1000-01-01",
            "9999-12-31",
            "２０２４-07-02",
            "2024-07-02T06:31:31+99:00",
        ] {
            assert_eq!(parse_datetime(s), None, "{s:?}");
        }
        assert_eq!(secs("2024-02-29"), Some(1_709_164_800));
    }

    #[test]
    fn never_panics_on_prefixes() {
        let full = "Tue, 02 Jul 2024 06:31:31 GMT 2024-07-02T06:31:31.4465902+02:00";
        for (i, _) in full.char_indices() {
            let _ = parse_datetime(&full[i..]);
            let _ = parse_datetime(&full[..i]);
        }
    }

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert!(d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2000, 13), 0);
    }
}
