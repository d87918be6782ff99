//! The Log Analytics time picker: a window of `TimeGenerated` applied to every
//! table a query reads, and a pinned `now()`.
//!
//! The portal applies its picker to each table's `TimeGenerated` before the
//! query sees the rows, so `T | count` counts only the picked window and a
//! `join` of two tables matches only rows that are both inside it. Filtering
//! each scan reproduces exactly that, whatever the query does afterwards.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::{Column, ScalarValue};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, lit};

/// The column the portal's time picker restricts.
pub const TIME_COLUMN: &str = "TimeGenerated";

/// A half-open window `[from, to)` of datetimes in nanoseconds since the Unix
/// epoch; a missing end is unbounded. Half-open so that consecutive windows
/// (`--from A --to B`, then `--from B --to C`) never count a row twice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl TimeRange {
    /// The last `span` nanoseconds before `now`, as the portal's "Last 24 hours".
    pub fn last(span: i64, now: i64) -> TimeRange {
        TimeRange {
            from: Some(now.saturating_sub(span)),
            to: Some(now),
        }
    }

    pub fn is_unbounded(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

/// Run-wide settings of a session that change what queries see.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RunOptions {
    /// `now()` for every query, nanoseconds since the epoch; the clock when `None`.
    pub now: Option<i64>,
    pub range: Option<TimeRange>,
}

/// `scan` restricted to `range` when its table has a datetime `TimeGenerated`;
/// tables without one (user CSVs, lookups) are left whole, as in the portal.
pub(crate) fn restrict(
    scan: LogicalPlan,
    range: Option<TimeRange>,
) -> datafusion::error::Result<LogicalPlan> {
    let Some(range) = range.filter(|r| !r.is_unbounded()) else {
        return Ok(scan);
    };
    match predicate(&scan, range) {
        Some(predicate) => LogicalPlanBuilder::from(scan).filter(predicate)?.build(),
        None => Ok(scan),
    }
}

fn predicate(scan: &LogicalPlan, range: TimeRange) -> Option<Expr> {
    let (qualifier, field) = scan
        .schema()
        .iter()
        .find(|(_, f)| f.name() == TIME_COLUMN)?;
    let DataType::Timestamp(unit, tz) = field.data_type() else {
        return None;
    };
    let column = Expr::Column(Column::new(qualifier.cloned(), TIME_COLUMN));
    let bound = |nanos: i64| lit(timestamp(nanos, *unit, tz.clone()));
    let lower = range.from.map(|f| column.clone().gt_eq(bound(f)));
    let upper = range.to.map(|t| column.clone().lt(bound(t)));
    match (lower, upper) {
        (Some(l), Some(u)) => Some(l.and(u)),
        (l, u) => l.or(u),
    }
}

/// A timestamp literal of the column's own unit and zone, so the comparison
/// needs no cast (and the filter can be pushed into the scan).
fn timestamp(nanos: i64, unit: TimeUnit, tz: Option<std::sync::Arc<str>>) -> ScalarValue {
    match unit {
        TimeUnit::Second => ScalarValue::TimestampSecond(Some(nanos.div_euclid(1_000_000_000)), tz),
        TimeUnit::Millisecond => {
            ScalarValue::TimestampMillisecond(Some(nanos.div_euclid(1_000_000)), tz)
        }
        TimeUnit::Microsecond => {
            ScalarValue::TimestampMicrosecond(Some(nanos.div_euclid(1_000)), tz)
        }
        TimeUnit::Nanosecond => ScalarValue::TimestampNanosecond(Some(nanos), tz),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_window_ends_now() {
        let r = TimeRange::last(10, 100);
        assert_eq!((r.from, r.to), (Some(90), Some(100)));
        assert!(TimeRange::default().is_unbounded());
    }

    #[test]
    fn literals_keep_the_column_unit() {
        assert_eq!(
            timestamp(1_500_000_000, TimeUnit::Second, None),
            ScalarValue::TimestampSecond(Some(1), None)
        );
        assert_eq!(
            timestamp(-1, TimeUnit::Microsecond, None),
            ScalarValue::TimestampMicrosecond(Some(-1), None)
        );
    }
}
