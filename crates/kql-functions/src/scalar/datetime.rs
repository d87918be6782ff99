//! Datetime and timespan functions. Datetimes are nanoseconds since the Unix
//! epoch (UTC) and timespans nanoseconds; Kusto's resolution is 100 ns ticks.

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::datetime::{civil_from_days, days_from_civil, days_in_month};
use crate::timespan::{NANOS_PER_DAY, NANOS_PER_SEC};
use crate::udf::ret;
use crate::value::{KValue, map_rows, try_map_rows};
use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, ScalarValue};
use datafusion::functions::expr_fn as df;
use datafusion::logical_expr::{Expr, ScalarUDF, cast, lit};
use std::sync::Arc;

kusto_udf!(STARTOF, "kql_startof", ret::datetime, eval_startof);
kusto_udf!(ENDOF, "kql_endof", ret::datetime, eval_endof);
kusto_udf!(
    DATEPART,
    "kql_datetime_part",
    ret::int32,
    eval_datetime_part
);
kusto_udf!(
    DATEADD,
    "kql_datetime_add",
    ret::datetime,
    eval_datetime_add
);
kusto_udf!(
    DATEDIFF,
    "kql_datetime_diff",
    ret::int64,
    eval_datetime_diff
);
kusto_udf!(
    MAKE_DATETIME,
    "kql_make_datetime",
    ret::datetime,
    eval_make_datetime
);
kusto_udf!(
    MAKE_TIMESPAN,
    "kql_make_timespan",
    ret::timespan,
    eval_make_timespan
);

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    [
        &STARTOF,
        &ENDOF,
        &DATEPART,
        &DATEADD,
        &DATEDIFF,
        &MAKE_DATETIME,
        &MAKE_TIMESPAN,
    ]
    .into_iter()
    .map(|u| Arc::clone(u))
    .collect()
}

fn split_nanos(t: i64) -> (i64, i64) {
    (t.div_euclid(NANOS_PER_DAY), t.rem_euclid(NANOS_PER_DAY))
}

fn add_months(t: i64, months: i64) -> Option<i64> {
    let (days, tod) = split_nanos(t);
    let (y, m, d) = civil_from_days(days);
    let total = y.checked_mul(12)? + i64::from(m) - 1 + months;
    let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    let dim = days_in_month(ny, nm);
    let nd = days_from_civil(ny, nm, d.min(dim));
    nd.checked_mul(NANOS_PER_DAY)?.checked_add(tod)
}

#[derive(Clone, Copy, PartialEq)]
enum Period {
    Day,
    Week,
    Month,
    Year,
}

fn period_of(name: &str) -> Option<Period> {
    Some(match name {
        "day" => Period::Day,
        "week" => Period::Week,
        "month" => Period::Month,
        "year" => Period::Year,
        _ => return None,
    })
}

/// Start of the period containing `t`, shifted by `offset` periods.
fn start_of(t: i64, p: Period, offset: i64) -> Option<i64> {
    let (days, _) = split_nanos(t);
    let start_days = match p {
        Period::Day => days.checked_add(offset)?,
        // 1970-01-01 was a Thursday; Kusto weeks start on Sunday.
        Period::Week => days - (days + 4).rem_euclid(7) + offset.checked_mul(7)?,
        Period::Month => {
            let (y, m, _) = civil_from_days(days);
            return add_months(days_from_civil(y, m, 1) * NANOS_PER_DAY, offset);
        }
        Period::Year => {
            let (y, _, _) = civil_from_days(days);
            days_from_civil(y.checked_add(offset)?, 1, 1)
        }
    };
    start_days.checked_mul(NANOS_PER_DAY)
}

fn eval_startof(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::DateTime, |v| {
        let (KValue::DateTime(t), Some(p)) = (&v[0], period_of(&v[1].to_kusto_string())) else {
            return KValue::Null;
        };
        let off = v.get(2).and_then(KValue::as_i64).unwrap_or(0);
        start_of(*t, p, off).map_or(KValue::Null, KValue::DateTime)
    })
}

fn eval_endof(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::DateTime, |v| {
        let (KValue::DateTime(t), Some(p)) = (&v[0], period_of(&v[1].to_kusto_string())) else {
            return KValue::Null;
        };
        let off = v.get(2).and_then(KValue::as_i64).unwrap_or(0);
        start_of(*t, p, off + 1).map_or(KValue::Null, |s| KValue::DateTime(s - 100))
    })
}

fn part_value(t: i64, part: &str) -> Option<i64> {
    let (days, tod) = split_nanos(t);
    let (y, m, d) = civil_from_days(days);
    Some(match part {
        "year" => y,
        "quarter" => i64::from((m - 1) / 3 + 1),
        "month" => i64::from(m),
        "week_of_year" | "weekofyear" | "week" => iso_week(days),
        "day" => i64::from(d),
        "dayofyear" => days - days_from_civil(y, 1, 1) + 1,
        "hour" => tod / (3600 * NANOS_PER_SEC),
        "minute" => tod / (60 * NANOS_PER_SEC) % 60,
        "second" => tod / NANOS_PER_SEC % 60,
        "millisecond" => tod / 1_000_000 % 1000,
        "microsecond" => tod / 1_000 % 1_000_000,
        "nanosecond" => tod % 1_000_000_000,
        _ => return None,
    })
}

/// ISO 8601 week number (weeks start Monday; week 1 holds the first Thursday).
fn iso_week(days: i64) -> i64 {
    let weekday = (days + 3).rem_euclid(7); // Monday = 0
    let thursday = days - weekday + 3;
    let (y, _, _) = civil_from_days(thursday);
    (thursday - days_from_civil(y, 1, 1)) / 7 + 1
}

fn eval_datetime_part(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Int, |v| match &v[1] {
        KValue::DateTime(t) => part_value(*t, &v[0].to_kusto_string().to_lowercase())
            .map_or(KValue::Null, |x| KValue::Int(x as i32)),
        _ => KValue::Null,
    })
}

fn unit_nanos(part: &str) -> Option<i64> {
    Some(match part {
        "week" => 7 * NANOS_PER_DAY,
        "day" => NANOS_PER_DAY,
        "hour" => 3600 * NANOS_PER_SEC,
        "minute" => 60 * NANOS_PER_SEC,
        "second" => NANOS_PER_SEC,
        "millisecond" => 1_000_000,
        "microsecond" => 1_000,
        "nanosecond" => 1,
        _ => return None,
    })
}

fn eval_datetime_add(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::DateTime, |v| {
        let (part, Some(n), KValue::DateTime(t)) =
            (v[0].to_kusto_string().to_lowercase(), v[1].as_i64(), &v[2])
        else {
            return KValue::Null;
        };
        let r = match part.as_str() {
            "year" => n.checked_mul(12).and_then(|m| add_months(*t, m)),
            "quarter" => n.checked_mul(3).and_then(|m| add_months(*t, m)),
            "month" => add_months(*t, n),
            p => unit_nanos(p)
                .and_then(|u| n.checked_mul(u))
                .and_then(|d| t.checked_add(d)),
        };
        r.map_or(KValue::Null, KValue::DateTime)
    })
}

fn eval_datetime_diff(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Long, |v| {
        let (part, KValue::DateTime(a), KValue::DateTime(b)) =
            (v[0].to_kusto_string().to_lowercase(), &v[1], &v[2])
        else {
            return KValue::Null;
        };
        let (da, db) = (split_nanos(*a).0, split_nanos(*b).0);
        let (ya, ma, _) = civil_from_days(da);
        let (yb, mb, _) = civil_from_days(db);
        let r = match part.as_str() {
            "year" => ya - yb,
            "quarter" => (ya * 4 + i64::from((ma - 1) / 3)) - (yb * 4 + i64::from((mb - 1) / 3)),
            "month" => (ya * 12 + i64::from(ma)) - (yb * 12 + i64::from(mb)),
            // Week boundaries fall on Sundays.
            "week" => ((da - (da + 4).rem_euclid(7)) - (db - (db + 4).rem_euclid(7))) / 7,
            "day" => da - db,
            p => match unit_nanos(p) {
                Some(u) => a.div_euclid(u) - b.div_euclid(u),
                None => return KValue::Null,
            },
        };
        KValue::Long(r)
    })
}

fn eval_make_datetime(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    try_map_rows(args, rows, KustoType::DateTime, |v| {
        let int = |i: usize, d: i64| v.get(i).map_or(Some(d), KValue::as_i64);
        let (Some(y), Some(mo), Some(d), Some(h), Some(mi)) =
            (int(0, 1), int(1, 1), int(2, 1), int(3, 0), int(4, 0))
        else {
            return Ok(KValue::Null);
        };
        let s = v.get(5).map_or(Some(0.0), KValue::as_f64);
        let Some(s) = s else { return Ok(KValue::Null) };
        if !(1..=9999).contains(&y)
            || !(1..=12).contains(&mo)
            || d < 1
            || d > i64::from(days_in_month(y, mo as u32))
            || !(0..24).contains(&h)
            || !(0..60).contains(&mi)
            || !(0.0..60.0).contains(&s)
        {
            return Ok(KValue::Null);
        }
        // Kusto holds years 1 to 9999; those a nanosecond timestamp cannot
        // are an error rather than a null Kusto would never give.
        let days = days_from_civil(y, mo as u32, d as u32);
        days.checked_mul(NANOS_PER_DAY)
            .and_then(|n| {
                n.checked_add((h * 3600 + mi * 60) * NANOS_PER_SEC + (s * 1e9).round() as i64)
            })
            .map(KValue::DateTime)
            .ok_or_else(|| {
                crate::datetime::out_of_range(&format!("make_datetime({y}, {mo}, {d}, …)"))
            })
    })
}

fn eval_make_timespan(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Timespan, |v| {
        let vals: Vec<Option<f64>> = v.iter().map(KValue::as_f64).collect();
        if vals.iter().any(Option::is_none) {
            return KValue::Null;
        }
        let f: Vec<f64> = vals.into_iter().flatten().collect();
        // (h, m) | (h, m, s) | (d, h, m, s); out-of-range parts give null.
        let (h, m, s) = match f.len() {
            2 => (f[0], f[1], 0.0),
            3 => (f[0], f[1], f[2]),
            4 => (f[1], f[2], f[3]),
            _ => (0.0, 0.0, 0.0),
        };
        if f.iter().any(|x| *x < 0.0) || (f.len() >= 2 && (h >= 24.0 || m >= 60.0 || s >= 60.0)) {
            return KValue::Null;
        }
        let secs = match f.len() {
            1 => f[0] * 86_400.0,
            2 => f[0] * 3600.0 + f[1] * 60.0,
            3 => f[0] * 3600.0 + f[1] * 60.0 + f[2],
            _ => f[0] * 86_400.0 + f[1] * 3600.0 + f[2] * 60.0 + f[3],
        };
        KValue::Timespan((secs * 1e9).round() as i64)
    })
}

fn datetime_arg(a: &Arg, func: &str) -> Result<(), String> {
    match a.ty {
        KustoType::DateTime => Ok(()),
        t => Err(super::type_error(func, "a datetime", t)),
    }
}

/// The Int64 nanos of a datetime or timespan expression, for vectorized arithmetic.
pub fn nanos(e: Expr) -> Expr {
    cast(e, DataType::Int64)
}

/// Back from Int64 nanos to a datetime or timespan expression.
pub fn from_nanos(e: Expr, ty: KustoType) -> Expr {
    cast(e, ty.to_arrow())
}

fn now_expr(ctx: &CallContext, offset: i64) -> Expr {
    lit(ScalarValue::TimestampNanosecond(
        Some(ctx.now + offset),
        None,
    ))
}

pub fn now(a: Vec<Arg>, c: &CallContext) -> Result<Expr, String> {
    match a.into_iter().next() {
        None => Ok(now_expr(c, 0)),
        Some(Arg {
            literal: Some(KValue::Timespan(t)),
            ..
        }) => Ok(now_expr(c, t)),
        Some(_) => Err("now(): the offset must be a timespan constant".into()),
    }
}

pub fn ago(a: Vec<Arg>, c: &CallContext) -> Result<Expr, String> {
    let arg = a.into_iter().next().ok_or("ago() takes a timespan")?;
    match (arg.ty, arg.literal) {
        (_, Some(KValue::Timespan(t))) => Ok(now_expr(c, -t)),
        (KustoType::Timespan, _) => Ok(from_nanos(
            lit(c.now) - nanos(arg.expr),
            KustoType::DateTime,
        )),
        (t, _) => Err(super::type_error("ago", "a timespan", t)),
    }
}

/// `floor(value / size) * size` on Int64, exact for negatives too.
fn floor_to(v: Expr, size: Expr) -> Expr {
    let rem = ((v.clone() % size.clone()) + size.clone()) % size;
    v - rem
}

pub fn bin(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut it = a.into_iter();
    let (v, size) = (
        it.next().ok_or("bin(value, size)")?,
        it.next().ok_or("bin(value, size)")?,
    );
    bin_exprs(v, size)
}

fn bin_exprs(v: Arg, size: Arg) -> Result<Expr, String> {
    match (v.ty, size.ty) {
        (KustoType::DateTime | KustoType::Timespan, KustoType::Timespan) => {
            if let Some(KValue::Timespan(s)) = size.literal
                && s <= 0
            {
                return Err("bin(): the bin size must be positive".into());
            }
            // Kusto bins datetimes from 0001-01-01 (.NET's origin), not 1970:
            // shift by the origin's offset modulo the bin size.
            let shift = match (v.ty, &size.literal) {
                (KustoType::DateTime, Some(KValue::Timespan(s))) if *s > 0 => {
                    let origin = i128::from(crate::value::TICKS_TO_UNIX_EPOCH) * 100;
                    (origin % i128::from(*s)) as i64
                }
                _ => 0,
            };
            if shift == 0 {
                return Ok(from_nanos(floor_to(nanos(v.expr), nanos(size.expr)), v.ty));
            }
            let shifted = nanos(v.expr) + lit(shift);
            Ok(from_nanos(
                floor_to(shifted, nanos(size.expr)) - lit(shift),
                v.ty,
            ))
        }
        (KustoType::Int | KustoType::Long, KustoType::Int | KustoType::Long) => {
            let t = if v.ty == KustoType::Long || size.ty == KustoType::Long {
                DataType::Int64
            } else {
                DataType::Int32
            };
            Ok(cast(
                floor_to(
                    cast(v.expr, DataType::Int64),
                    cast(size.expr, DataType::Int64),
                ),
                t,
            ))
        }
        (a, b) if a.is_numeric() && b.is_numeric() => {
            let x = cast(v.expr, DataType::Float64);
            let s = cast(size.expr, DataType::Float64);
            Ok(df::floor(x / s.clone()) * s)
        }
        (a, b) => Err(format!("bin(): cannot bin a {a} by a {b}")),
    }
}

pub fn bin_at(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut it = a.into_iter();
    let (v, size, at) = match (it.next(), it.next(), it.next()) {
        (Some(v), Some(s), Some(at)) => (v, s, at),
        _ => return Err("bin_at(value, size, start)".into()),
    };
    if v.ty != at.ty {
        return Err(format!(
            "bin_at(): value is {} but start is {}",
            v.ty, at.ty
        ));
    }
    match v.ty {
        KustoType::DateTime | KustoType::Timespan => {
            let shifted = nanos(v.expr) - nanos(at.expr.clone());
            Ok(from_nanos(
                floor_to(shifted, nanos(size.expr)) + nanos(at.expr),
                v.ty,
            ))
        }
        t if t.is_numeric() => {
            let x = cast(v.expr, DataType::Float64) - cast(at.expr.clone(), DataType::Float64);
            let s = cast(size.expr, DataType::Float64);
            let r = df::floor(x / s.clone()) * s + cast(at.expr, DataType::Float64);
            Ok(if t == KustoType::Real {
                r
            } else {
                cast(r, t.to_arrow())
            })
        }
        t => Err(super::type_error(
            "bin_at",
            "a number, datetime or timespan",
            t,
        )),
    }
}

fn period_call(
    udf: &Arc<ScalarUDF>,
    a: Vec<Arg>,
    period: &str,
    func: &str,
) -> Result<Expr, String> {
    let mut it = a.into_iter();
    let dt = it
        .next()
        .ok_or_else(|| format!("{func}() takes a datetime"))?;
    datetime_arg(&dt, func)?;
    let mut args = vec![dt.expr, lit(period)];
    if let Some(off) = it.next() {
        args.push(off.expr);
    }
    Ok(udf.call(args))
}

pub fn startofday(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    period_call(&STARTOF, a, "day", "startofday")
}
pub fn startofweek(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    period_call(&STARTOF, a, "week", "startofweek")
}
pub fn startofmonth(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    period_call(&STARTOF, a, "month", "startofmonth")
}
pub fn startofyear(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    period_call(&STARTOF, a, "year", "startofyear")
}
pub fn endofday(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    period_call(&ENDOF, a, "day", "endofday")
}
pub fn endofweek(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    period_call(&ENDOF, a, "week", "endofweek")
}
pub fn endofmonth(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    period_call(&ENDOF, a, "month", "endofmonth")
}
pub fn endofyear(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    period_call(&ENDOF, a, "year", "endofyear")
}

fn part(a: Vec<Arg>, part: &str, func: &str) -> Result<Expr, String> {
    let dt = a
        .into_iter()
        .next()
        .ok_or_else(|| format!("{func}() takes a datetime"))?;
    datetime_arg(&dt, func)?;
    Ok(DATEPART.call(vec![lit(part), dt.expr]))
}

pub fn dayofweek(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let dt = a.into_iter().next().ok_or("dayofweek() takes a datetime")?;
    datetime_arg(&dt, "dayofweek")?;
    let days = df::floor(cast(nanos(dt.expr), DataType::Float64) / lit(NANOS_PER_DAY as f64));
    let wd = ((cast(days, DataType::Int64) + lit(4i64)) % lit(7i64) + lit(7i64)) % lit(7i64);
    Ok(from_nanos(wd * lit(NANOS_PER_DAY), KustoType::Timespan))
}
pub fn dayofmonth(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    part(a, "day", "dayofmonth")
}
pub fn dayofyear(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    part(a, "dayofyear", "dayofyear")
}
pub fn hourofday(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    part(a, "hour", "hourofday")
}
pub fn getyear(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    part(a, "year", "getyear")
}
pub fn getmonth(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    part(a, "month", "getmonth")
}
pub fn week_of_year(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    part(a, "week_of_year", "week_of_year")
}
pub fn datetime_part(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&DATEPART, a)
}
pub fn datetime_add(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&DATEADD, a)
}
/// Kusto types a week difference as real (its value is still whole weeks).
pub fn datetime_diff(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let weeks = matches!(a.first().and_then(|p| p.literal.as_ref()), Some(KValue::String(p)) if p.eq_ignore_ascii_case("week"));
    let e = DATEDIFF.call(a.into_iter().map(|x| x.expr).collect());
    Ok(if weeks { cast(e, DataType::Float64) } else { e })
}
pub fn make_datetime(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&MAKE_DATETIME, a)
}
pub fn make_timespan(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&MAKE_TIMESPAN, a)
}
pub fn unixtime_seconds(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let v = a.into_iter().next().ok_or("takes a number")?;
    Ok(from_nanos(
        cast(cast(v.expr, DataType::Float64) * lit(1e9), DataType::Int64),
        KustoType::DateTime,
    ))
}
pub fn unixtime_micros(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let v = a.into_iter().next().ok_or("takes a number")?;
    Ok(from_nanos(
        cast(cast(v.expr, DataType::Float64) * lit(1e3), DataType::Int64),
        KustoType::DateTime,
    ))
}
pub fn unixtime_nanos(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let v = a.into_iter().next().ok_or("takes a number")?;
    Ok(from_nanos(
        cast(v.expr, DataType::Int64),
        KustoType::DateTime,
    ))
}
pub fn unixtime_millis(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let v = a.into_iter().next().ok_or("takes a number")?;
    Ok(from_nanos(
        cast(cast(v.expr, DataType::Float64) * lit(1e6), DataType::Int64),
        KustoType::DateTime,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for d in [-800_000, -1, 0, 1, 19_000, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn weeks_start_on_sunday() {
        // 2024-02-14 is a Wednesday; its week starts Sunday 2024-02-11.
        let t = days_from_civil(2024, 2, 14) * NANOS_PER_DAY;
        assert_eq!(
            start_of(t, Period::Week, 0),
            Some(days_from_civil(2024, 2, 11) * NANOS_PER_DAY)
        );
    }
}
