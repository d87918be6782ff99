//! Axes: the value range shown and the ticks on it. Linear ticks fall on
//! 1-2-2.5-5 steps, log ticks on decades, datetime ticks on calendar steps
//! (seconds to years, UTC) labelled at the precision the step needs.

use super::format::{
    Civil, NANOS_PER_DAY, NANOS_PER_HOUR, NANOS_PER_MIN, NANOS_PER_SEC, civil, format_number,
    month_name,
};
use kql_functions::datetime::days_from_civil;

/// A tick: its value, its label, and an optional second label line (the date
/// under a time of day, the year under a month).
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub value: f64,
    pub label: String,
    pub sub: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    /// Ticks name bands (categories) rather than values: their labels are
    /// shortened to fit before any is skipped.
    pub categorical: bool,
    pub ticks: Vec<Tick>,
}

/// Never more ticks than this, whatever the range; keeps degenerate ranges cheap.
const MAX_TICKS: usize = 100;

impl Axis {
    /// Where `v` falls between `lo` (0) and `hi` (1); may lie outside for
    /// values beyond the range, `None` where the axis has no place for it
    /// (zero or negative on a log axis, NaN).
    pub fn frac(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        let f = if self.log {
            if v <= 0.0 {
                return None;
            }
            (v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        f.is_finite().then_some(f)
    }

    /// Categories `0..n` as bands, a tick in the middle of each.
    pub fn categories(labels: &[String]) -> Axis {
        Axis {
            lo: 0.0,
            hi: labels.len().max(1) as f64,
            log: false,
            categorical: true,
            ticks: labels
                .iter()
                .enumerate()
                .map(|(i, l)| Tick {
                    value: i as f64 + 0.5,
                    label: l.clone(),
                    sub: None,
                })
                .collect(),
        }
    }

    /// A linear axis over `[lo, hi]` with about `target` ticks. `nice` widens
    /// the range to whole steps (y axes); otherwise it is kept as given (x axes).
    pub fn linear(lo: f64, hi: f64, target: usize, nice: bool, suffix: &str) -> Axis {
        let (lo, hi) = widen(lo, hi);
        let step = nice_step(hi - lo, target);
        let (lo, hi) = if nice {
            let l = (lo / step).floor() * step;
            let h = (hi / step).ceil() * step;
            if h > l { (l, h) } else { (lo, hi) }
        } else {
            (lo, hi)
        };
        let mut ticks = Vec::new();
        let first = (lo / step).ceil();
        // Bounded by count as well as by value: at extreme magnitudes adding
        // one step may not change a float at all.
        for k in 0..MAX_TICKS * 2 {
            let value = (first + k as f64) * step;
            if value > hi + step * 1e-9 || ticks.len() >= MAX_TICKS {
                break;
            }
            if ticks.last().is_none_or(|t: &Tick| value > t.value) {
                let label = trim_zeros(format_number(value, Some(step)));
                let label = if suffix.is_empty() {
                    label
                } else {
                    format!("{label} {suffix}")
                };
                ticks.push(Tick {
                    value,
                    label,
                    sub: None,
                });
            }
        }
        Axis {
            lo,
            hi,
            log: false,
            categorical: false,
            ticks,
        }
    }

    /// A log-10 axis over the positive part of `[lo, hi]`, widened to decades.
    pub fn log(lo: f64, hi: f64, target: usize, suffix: &str) -> Axis {
        let (lo, hi) = if hi > 0.0 && hi.is_finite() {
            let lo = if lo > 0.0 { lo } else { hi / 10.0 };
            (lo, hi)
        } else {
            (1.0, 10.0)
        };
        let mut d0 = lo.log10().floor();
        let mut d1 = hi.log10().ceil();
        if d1 <= d0 {
            d1 = d0 + 1.0;
        }
        d0 = d0.max(-300.0);
        d1 = d1.min(300.0);
        let decades = (d1 - d0) as usize;
        let every = decades.div_ceil(target.max(1)).max(1);
        let mut ticks = Vec::new();
        let label = |v: f64| {
            let text = format_number(v, None);
            if suffix.is_empty() {
                text
            } else {
                format!("{text} {suffix}")
            }
        };
        for (i, d) in (d0 as i32..=d1 as i32).enumerate() {
            if i % every != 0 {
                continue;
            }
            let base = 10f64.powi(d);
            ticks.push(Tick {
                value: base,
                label: label(base),
                sub: None,
            });
            if decades <= 2 && d < d1 as i32 {
                for m in [2.0, 5.0] {
                    ticks.push(Tick {
                        value: base * m,
                        label: label(base * m),
                        sub: None,
                    });
                }
            }
        }
        Axis {
            lo: 10f64.powf(d0),
            hi: 10f64.powf(d1),
            log: true,
            categorical: false,
            ticks,
        }
    }

    /// A datetime axis (nanoseconds, UTC) over exactly `[lo, hi]`.
    pub fn time(lo: f64, hi: f64, target: usize) -> Axis {
        let (lo, hi) = if hi - lo >= 1e6 {
            (lo, hi)
        } else {
            (lo - NANOS_PER_HOUR, hi + NANOS_PER_HOUR)
        };
        let span = hi - lo;
        let target = target.max(2) as f64;
        let step = TimeStep::pick(span, target);
        let values = step.ticks(lo, hi);
        let mut ticks = Vec::with_capacity(values.len());
        let mut previous: Option<Civil> = None;
        for value in values {
            let c = civil(value);
            let (label, sub) = step.label(c, previous);
            previous = Some(c);
            ticks.push(Tick { value, label, sub });
        }
        Axis {
            lo,
            hi,
            log: false,
            categorical: false,
            ticks,
        }
    }
}

/// `2.50` → `2.5`, `5.0` → `5`: ticks 2.5 apart read 0, 2.5, 5, 7.5.
fn trim_zeros(text: String) -> String {
    if text.contains('.') && !text.contains('e') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A range with some width: equal ends are spread apart around the value.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    // Keeps hi - lo finite for any input.
    let (lo, hi) = (lo.clamp(-1e300, 1e300), hi.clamp(-1e300, 1e300));
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    let scale = lo.abs().max(hi.abs());
    if hi - lo > scale * 1e-12 && hi > lo {
        (lo, hi)
    } else if scale == 0.0 {
        (0.0, 1.0)
    } else {
        (lo - scale * 0.1, hi + scale * 0.1)
    }
}

/// The 1-2-2.5-5 step giving about `target` intervals over `range`.
fn nice_step(range: f64, target: usize) -> f64 {
    let raw = range / target.max(1) as f64;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TimeStep {
    /// A fixed length in nanoseconds, aligned to the epoch (weeks to Mondays).
    Fixed(f64),
    Months(u32),
    Years(u32),
}

const FIXED_STEPS: [f64; 28] = [
    1e6,
    2e6,
    5e6,
    1e7,
    2e7,
    5e7,
    1e8,
    2e8,
    5e8,
    NANOS_PER_SEC,
    2.0 * NANOS_PER_SEC,
    5.0 * NANOS_PER_SEC,
    10.0 * NANOS_PER_SEC,
    15.0 * NANOS_PER_SEC,
    30.0 * NANOS_PER_SEC,
    NANOS_PER_MIN,
    2.0 * NANOS_PER_MIN,
    5.0 * NANOS_PER_MIN,
    10.0 * NANOS_PER_MIN,
    15.0 * NANOS_PER_MIN,
    30.0 * NANOS_PER_MIN,
    NANOS_PER_HOUR,
    2.0 * NANOS_PER_HOUR,
    3.0 * NANOS_PER_HOUR,
    6.0 * NANOS_PER_HOUR,
    12.0 * NANOS_PER_HOUR,
    NANOS_PER_DAY,
    2.0 * NANOS_PER_DAY,
];

impl TimeStep {
    fn pick(span: f64, target: f64) -> TimeStep {
        let fits = |len: f64| span / len <= target;
        if let Some(&s) = FIXED_STEPS.iter().find(|&&s| fits(s)) {
            return TimeStep::Fixed(s);
        }
        if fits(7.0 * NANOS_PER_DAY) {
            return TimeStep::Fixed(7.0 * NANOS_PER_DAY);
        }
        let month = 30.44 * NANOS_PER_DAY;
        if let Some(&m) = [1u32, 2, 3, 6].iter().find(|&&m| fits(m as f64 * month)) {
            return TimeStep::Months(m);
        }
        let year = 365.25 * NANOS_PER_DAY;
        let mut y = 1u32;
        while !fits(y as f64 * year) && y < 1_000_000 {
            y = match y.to_string().as_bytes()[0] {
                b'1' => y * 2,
                b'2' => y / 2 * 5,
                _ => y * 2,
            };
        }
        TimeStep::Years(y)
    }

    fn ticks(self, lo: f64, hi: f64) -> Vec<f64> {
        let mut out = Vec::new();
        match self {
            TimeStep::Fixed(step) => {
                // Weeks start on Monday; the epoch was a Thursday.
                let offset = if step >= 7.0 * NANOS_PER_DAY {
                    4.0 * NANOS_PER_DAY
                } else {
                    0.0
                };
                let mut v = ((lo - offset) / step).ceil() * step + offset;
                while v <= hi && out.len() < MAX_TICKS {
                    out.push(v);
                    v += step;
                }
            }
            TimeStep::Months(m) => {
                let c = civil(lo);
                let (mut year, mut month) = (c.year, c.month);
                loop {
                    let v = days_from_civil(year, month, 1) as f64 * NANOS_PER_DAY;
                    if v > hi || out.len() >= MAX_TICKS {
                        break;
                    }
                    if v >= lo && (month - 1) % m == 0 {
                        out.push(v);
                    }
                    month += 1;
                    if month > 12 {
                        month = 1;
                        year += 1;
                    }
                }
            }
            TimeStep::Years(y) => {
                let y = i64::from(y);
                let mut year = civil(lo).year.div_euclid(y) * y;
                while out.len() < MAX_TICKS {
                    let v = days_from_civil(year, 1, 1) as f64 * NANOS_PER_DAY;
                    if v > hi {
                        break;
                    }
                    if v >= lo {
                        out.push(v);
                    }
                    year += y;
                }
            }
        }
        out
    }

    fn label(self, c: Civil, previous: Option<Civil>) -> (String, Option<String>) {
        let date = || format!("{} {}", month_name(c.month), c.day);
        let new_day = previous.is_none_or(|p| (p.year, p.month, p.day) != (c.year, c.month, c.day));
        let new_year = previous.is_none_or(|p| p.year != c.year);
        match self {
            TimeStep::Fixed(s) if s < NANOS_PER_SEC => (
                format!(
                    "{:02}:{:02}:{:02}.{:03}",
                    c.hour, c.minute, c.second, c.millis
                ),
                new_day.then(date),
            ),
            TimeStep::Fixed(s) if s < NANOS_PER_MIN => (
                format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second),
                new_day.then(date),
            ),
            TimeStep::Fixed(s) if s < NANOS_PER_DAY => {
                (format!("{:02}:{:02}", c.hour, c.minute), new_day.then(date))
            }
            TimeStep::Fixed(_) => (date(), new_year.then(|| c.year.to_string())),
            TimeStep::Months(_) => (
                month_name(c.month).to_owned(),
                new_year.then(|| c.year.to_string()),
            ),
            TimeStep::Years(_) => (c.year.to_string(), None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(axis: &Axis) -> Vec<String> {
        axis.ticks
            .iter()
            .map(|t| match &t.sub {
                Some(s) => format!("{}|{}", t.label, s),
                None => t.label.clone(),
            })
            .collect()
    }

    #[test]
    fn linear_ticks_are_nice_and_cover_the_data() {
        let a = Axis::linear(0.0, 97.0, 5, true, "");
        assert_eq!((a.lo, a.hi), (0.0, 100.0));
        assert_eq!(labels(&a), ["0", "20", "40", "60", "80", "100"]);
        let a = Axis::linear(-3.2, 7.9, 5, true, "ms");
        assert_eq!(
            labels(&a),
            [
                "-5 ms", "-2.5 ms", "0 ms", "2.5 ms", "5 ms", "7.5 ms", "10 ms"
            ]
        );
    }

    #[test]
    fn degenerate_ranges_get_a_width() {
        let a = Axis::linear(5.0, 5.0, 5, true, "");
        assert!(a.lo < 5.0 && a.hi > 5.0);
        let a = Axis::linear(0.0, 0.0, 5, true, "");
        assert_eq!((a.lo, a.hi), (0.0, 1.0));
        let a = Axis::linear(f64::NAN, f64::INFINITY, 5, true, "");
        assert!(a.lo.is_finite() && a.hi.is_finite() && !a.ticks.is_empty());
        let a = Axis::linear(-1e300, 1e300, 5, true, "");
        assert!(a.ticks.len() >= 2 && a.ticks.len() <= MAX_TICKS);
        assert!(a.frac(0.0).is_some());
    }

    #[test]
    fn log_ticks_are_decades() {
        let a = Axis::log(3.0, 45_000.0, 8, "");
        assert_eq!(labels(&a), ["1", "10", "100", "1,000", "10,000", "100,000"]);
        assert_eq!(a.frac(-1.0), None);
        let a = Axis::log(2.0, 30.0, 8, "");
        assert_eq!(labels(&a), ["1", "2", "5", "10", "20", "50", "100"]);
    }

    #[test]
    fn time_ticks_fall_on_calendar_steps_with_dates_under_times() {
        let day = 1_795_392_000e9; // 2026-11-23T00:00:00Z
        let a = Axis::time(day + 3.0 * NANOS_PER_HOUR, day + 2.0 * NANOS_PER_DAY, 8);
        assert_eq!(
            labels(&a),
            [
                "06:00|Nov 23",
                "12:00",
                "18:00",
                "00:00|Nov 24",
                "06:00",
                "12:00",
                "18:00",
                "00:00|Nov 25"
            ]
        );
        let a = Axis::time(day, day + 40.0 * NANOS_PER_DAY, 8);
        assert_eq!(labels(&a)[0], "Nov 23|2026");
        let a = Axis::time(day, day + 400.0 * NANOS_PER_DAY, 8);
        assert_eq!(
            labels(&a)[..3],
            ["Jan|2027".to_string(), "Mar".into(), "May".into()]
        );
        // A single instant still gets an axis around it.
        let a = Axis::time(day, day, 8);
        assert!(a.lo < day && a.hi > day && !a.ticks.is_empty());
    }
}
