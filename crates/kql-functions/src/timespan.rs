//! Parsing timespan text: Kusto's `[-][d.]hh:mm[:ss[.fffffff]]` and literal forms
//! such as `1h`, `30s`, `2d`, `100ms` (what `totimespan` accepts).

pub const NANOS_PER_TICK: i64 = 100;
pub const NANOS_PER_SEC: i64 = 1_000_000_000;
pub const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SEC;

/// Nanoseconds of a unit suffix (`d`, `h`, `m`, `s`, `ms`, `microsecond`, `tick`…).
pub fn unit_nanos(unit: &str) -> Option<i64> {
    Some(match unit {
        "d" | "day" | "days" => NANOS_PER_DAY,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600 * NANOS_PER_SEC,
        "m" | "min" | "minute" | "minutes" => 60 * NANOS_PER_SEC,
        "s" | "sec" | "second" | "seconds" => NANOS_PER_SEC,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1_000_000,
        "microsecond" | "microseconds" | "micros" | "micro" => 1_000,
        "tick" | "ticks" => NANOS_PER_TICK,
        "nanosecond" | "nanoseconds" | "nanos" => 1,
        _ => return None,
    })
}

/// Parses timespan text; `None` when it is not one.
pub fn parse_timespan(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let v = if body.contains(':') {
        parse_clock(body)?
    } else {
        parse_unit(body)?
    };
    Some(if neg { -v } else { v })
}

fn parse_unit(body: &str) -> Option<i64> {
    let split = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (num, unit) = body.split_at(split);
    let n: f64 = num.parse().ok()?;
    let unit = if unit.is_empty() { "d" } else { unit };
    let nanos = n * unit_nanos(unit)? as f64;
    nanos.is_finite().then_some(nanos.round() as i64)
}

/// `[d.]hh:mm[:ss[.fffffff]]`
fn parse_clock(body: &str) -> Option<i64> {
    let (days, clock) = match body.split_once(':') {
        Some((head, _)) if head.contains('.') => {
            let (d, rest) = body.split_once('.')?;
            (d.parse::<i64>().ok()?, rest)
        }
        _ => (0, body),
    };
    let mut parts = clock.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let (sec, frac) = match parts.next() {
        Some(s) => match s.split_once('.') {
            Some((sec, frac)) => (sec.parse::<i64>().ok()?, frac),
            None => (s.parse::<i64>().ok()?, ""),
        },
        None => (0, ""),
    };
    if parts.next().is_some() || m >= 60 || sec >= 60 || frac.len() > 9 {
        return None;
    }
    let mut frac_nanos = 0i64;
    for (i, c) in frac.chars().enumerate() {
        let d = c.to_digit(10)? as i64;
        frac_nanos += d * 10i64.pow(8 - i as u32);
    }
    let secs = ((days * 24 + h) * 60 + m) * 60 + sec;
    secs.checked_mul(NANOS_PER_SEC)?.checked_add(frac_nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_clock_and_units() {
        assert_eq!(
            parse_timespan("1.02:03:04"),
            Some(((26 * 60 + 3) * 60 + 4) * NANOS_PER_SEC)
        );
        assert_eq!(parse_timespan("00:00:00.5"), Some(NANOS_PER_SEC / 2));
        assert_eq!(parse_timespan("-00:30:00"), Some(-1800 * NANOS_PER_SEC));
        assert_eq!(parse_timespan("1h"), Some(3600 * NANOS_PER_SEC));
        assert_eq!(parse_timespan("100ms"), Some(100_000_000));
        assert_eq!(parse_timespan("junk"), None);
    }
}
