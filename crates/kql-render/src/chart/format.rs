//! Text on axes and labels: numbers with thousands separators, UTC dates and
//! times at the precision the tick step calls for, and timespan units.

use kql_functions::datetime::civil_from_days;

pub const NANOS_PER_SEC: f64 = 1e9;
pub const NANOS_PER_MIN: f64 = 60.0 * NANOS_PER_SEC;
pub const NANOS_PER_HOUR: f64 = 60.0 * NANOS_PER_MIN;
pub const NANOS_PER_DAY: f64 = 24.0 * NANOS_PER_HOUR;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The unit a timespan axis is shown in, picked from the largest value so the
/// ticks read as `250 ms` or `1.5 h` rather than raw ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnitLabel {
    Milliseconds,
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnitLabel {
    pub fn for_nanos(max_abs: f64) -> TimeUnitLabel {
        if max_abs < NANOS_PER_SEC {
            TimeUnitLabel::Milliseconds
        } else if max_abs < 2.0 * NANOS_PER_MIN {
            TimeUnitLabel::Seconds
        } else if max_abs < 2.0 * NANOS_PER_HOUR {
            TimeUnitLabel::Minutes
        } else if max_abs < 2.0 * NANOS_PER_DAY {
            TimeUnitLabel::Hours
        } else {
            TimeUnitLabel::Days
        }
    }

    pub fn nanos(self) -> f64 {
        match self {
            TimeUnitLabel::Milliseconds => 1e6,
            TimeUnitLabel::Seconds => NANOS_PER_SEC,
            TimeUnitLabel::Minutes => NANOS_PER_MIN,
            TimeUnitLabel::Hours => NANOS_PER_HOUR,
            TimeUnitLabel::Days => NANOS_PER_DAY,
        }
    }

    pub fn suffix(self) -> &'static str {
        match self {
            TimeUnitLabel::Milliseconds => "ms",
            TimeUnitLabel::Seconds => "s",
            TimeUnitLabel::Minutes => "min",
            TimeUnitLabel::Hours => "h",
            TimeUnitLabel::Days => "d",
        }
    }
}

/// `1,234,567.5`. `step` (the distance between neighbouring ticks) decides the
/// decimals, so ticks 0.25 apart show two and ticks 1,000 apart none. Values
/// too large or too small for that read better in scientific notation.
pub fn format_number(v: f64, step: Option<f64>) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN".into()
        } else if v > 0.0 {
            "∞".into()
        } else {
            "-∞".into()
        };
    }
    let magnitude = step.unwrap_or(v).abs().max(v.abs());
    if magnitude >= 1e15 || (v != 0.0 && v.abs() < 1e-6 && step.is_none_or(|s| s.abs() < 1e-6)) {
        return format!("{v:.2e}");
    }
    let decimals = match step {
        Some(s) if s > 0.0 && s.is_finite() => {
            let mut d = 0usize;
            while d < 8
                && ((s * 10f64.powi(d as i32)).round() - s * 10f64.powi(d as i32)).abs() > 1e-6
            {
                d += 1;
            }
            d
        }
        _ => {
            if v.fract() == 0.0 {
                0
            } else if v.abs() >= 100.0 {
                1
            } else {
                3
            }
        }
    };
    let text = format!("{:.*}", decimals, v);
    let text = if step.is_none() && text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    group_thousands(&text)
}

fn group_thousands(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    // "-0" after rounding is just 0.
    let sign = if grouped.chars().all(|c| c == '0' || c == ',')
        && frac.is_none_or(|f| f.chars().all(|c| c == '0'))
    {
        ""
    } else {
        sign
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Calendar parts of a UTC instant in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

pub fn civil(nanos: f64) -> Civil {
    let nanos = nanos.clamp(-9.2e18, 9.2e18);
    // f64 nanoseconds are only exact to ~256 ns at today's dates: allow a
    // microsecond so 12:00:00.250 does not print as .249.
    let millis_total = (nanos / 1e6 + 1e-3).floor() as i64;
    let days = millis_total.div_euclid(86_400_000);
    let in_day = millis_total.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (in_day / 3_600_000) as u32,
        minute: (in_day / 60_000 % 60) as u32,
        second: (in_day / 1000 % 60) as u32,
        millis: (in_day % 1000) as u32,
    }
}

pub fn month_name(month: u32) -> &'static str {
    MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("?")
}

/// A datetime category (a column chart bar) in the shortest form that still
/// tells the categories apart: the date when all are at midnight, else date and time.
pub fn format_category_time(nanos: f64, all: &[f64]) -> String {
    let c = civil(nanos);
    let all_midnight = all.iter().all(|&n| {
        let c = civil(n);
        c.hour == 0 && c.minute == 0 && c.second == 0 && c.millis == 0
    });
    let date = format!("{}-{:02}-{:02}", c.year, c.month, c.day);
    if all_midnight {
        date
    } else if c.second == 0 && c.millis == 0 {
        format!(
            "{} {} {:02}:{:02}",
            month_name(c.month),
            c.day,
            c.hour,
            c.minute
        )
    } else {
        format!(
            "{} {} {:02}:{:02}:{:02}",
            month_name(c.month),
            c.day,
            c.hour,
            c.minute,
            c.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators_and_step_decimals() {
        assert_eq!(format_number(1234567.0, Some(1000.0)), "1,234,567");
        assert_eq!(format_number(-1234.5, Some(0.5)), "-1,234.5");
        assert_eq!(format_number(0.25, Some(0.25)), "0.25");
        assert_eq!(format_number(0.0, Some(0.25)), "0.00");
        assert_eq!(format_number(999.0, None), "999");
        assert_eq!(format_number(12.3456, None), "12.346");
        assert_eq!(format_number(2e15, Some(1e15)), "2.00e15");
        assert_eq!(format_number(-0.0001, Some(1.0)), "0");
    }

    #[test]
    fn timespan_units_follow_the_largest_value() {
        assert_eq!(TimeUnitLabel::for_nanos(5e8), TimeUnitLabel::Milliseconds);
        assert_eq!(
            TimeUnitLabel::for_nanos(30.0 * NANOS_PER_SEC),
            TimeUnitLabel::Seconds
        );
        assert_eq!(
            TimeUnitLabel::for_nanos(3.0 * NANOS_PER_HOUR),
            TimeUnitLabel::Hours
        );
        assert_eq!(
            TimeUnitLabel::for_nanos(5.0 * NANOS_PER_DAY),
            TimeUnitLabel::Days
        );
    }

    #[test]
    fn civil_parts_of_an_instant() {
        // 2026-11-23T06:30:15.250Z
        let n = 1_795_415_415_250_000_000.0;
        let c = civil(n);
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis),
            (2026, 11, 23, 6, 30, 15, 250)
        );
        assert_eq!(format_category_time(n, &[n]), "Nov 23 06:30:15");
    }
}
