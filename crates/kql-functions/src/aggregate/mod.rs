//! Kusto aggregate functions: the catalog of `summarize` functions and the
//! UDAFs that DataFusion lacks (`make_list`, `make_set`, `make_bag`,
//! nearest-rank `percentile`). Naming of result columns is the planner's job.

mod collect;
mod percentile;
pub mod series;

use crate::KustoType;
use crate::catalog::Arg;
use crate::scalar::conversion::to_type;
use datafusion::arrow::datatypes::DataType;
use datafusion::functions::expr_fn::coalesce;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::logical_expr::{AggregateUDF, Expr, ExprFunctionExt, cast, lit};
use std::sync::Arc;

pub use collect::{CollectKind, collect_udaf};
pub use percentile::{PercentileKind, percentile_udaf};

pub type AggBuildFn = fn(Vec<Arg>) -> Result<Expr, String>;

pub struct AggregateFunction {
    pub name: &'static str,
    pub min_args: usize,
    pub max_args: usize,
    pub build: AggBuildFn,
}

macro_rules! a {
    ($name:literal, $min:expr, $max:expr, $build:expr) => {
        AggregateFunction {
            name: $name,
            min_args: $min,
            max_args: $max,
            build: $build,
        }
    };
}

pub static AGGREGATES: &[AggregateFunction] = &[
    a!("count", 0, 1, count),
    a!("countif", 1, 1, countif),
    a!("sum", 1, 1, sum),
    a!("sumif", 2, 2, sumif),
    a!("avg", 1, 1, avg),
    a!("avgif", 2, 2, avgif),
    a!("min", 1, 1, min),
    a!("minif", 2, 2, minif),
    a!("max", 1, 1, max),
    a!("maxif", 2, 2, maxif),
    a!("dcount", 1, 2, dcount),
    a!("dcountif", 2, 3, dcountif),
    a!("count_distinct", 1, 1, dcount),
    a!("take_any", 1, 1, take_any),
    a!("any", 1, 1, take_any),
    a!("make_list", 1, 2, make_list),
    a!("make_list_if", 2, 3, make_list_if),
    a!("make_list_with_nulls", 1, 2, make_list_with_nulls),
    a!("make_set", 1, 2, make_set),
    a!("make_set_if", 2, 3, make_set_if),
    a!("make_bag", 1, 2, make_bag),
    a!("percentile", 2, 2, percentile),
    a!("percentiles_array", 2, 64, percentiles_array),
    a!("make_bag_if", 2, 3, make_bag_if),
    a!("hll", 1, 2, hll),
    a!("hll_if", 2, 3, hll_if),
    a!("hll_merge", 1, 1, hll_merge),
    a!("stdev", 1, 1, stdev),
    a!("stdevp", 1, 1, stdevp),
    a!("variance", 1, 1, variance),
    a!("variancep", 1, 1, variancep),
];

/// `arg_max`/`arg_min`/`percentiles` expand to several columns and are planned
/// by the planner itself; they are listed here for lookups and suggestions.
pub const MULTI_COLUMN_AGGREGATES: &[&str] = &["arg_max", "arg_min", "percentiles"];

pub fn aggregate_function(name: &str) -> Option<&'static AggregateFunction> {
    AGGREGATES.iter().find(|f| f.name == name)
}

pub fn aggregate_names() -> impl Iterator<Item = &'static str> {
    AGGREGATES
        .iter()
        .map(|f| f.name)
        .chain(MULTI_COLUMN_AGGREGATES.iter().copied())
}

pub fn all_udafs() -> Vec<Arc<AggregateUDF>> {
    [
        CollectKind::List,
        CollectKind::ListWithNulls,
        CollectKind::Set,
        CollectKind::Bag,
    ]
    .into_iter()
    .map(collect_udaf)
    .chain([PercentileKind::One, PercentileKind::Array].map(percentile_udaf))
    .chain(std::iter::once(series::series_udaf()))
    .collect()
}

fn args2(a: Vec<Arg>) -> Result<(Arg, Arg), String> {
    let mut it = a.into_iter();
    match (it.next(), it.next()) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err("expected two arguments".into()),
    }
}

fn first(a: Vec<Arg>) -> Result<Arg, String> {
    a.into_iter()
        .next()
        .ok_or_else(|| "missing argument".to_string())
}

fn predicate(p: Arg) -> Result<Expr, String> {
    crate::scalar::logic::condition(p)
}

fn filtered(e: Expr, pred: Expr) -> Result<Expr, String> {
    e.filter(pred).build().map_err(|e| e.to_string())
}

fn numeric(a: Arg, func: &str) -> Result<Expr, String> {
    match a.ty {
        t if t.is_numeric() => Ok(a.expr),
        KustoType::Dynamic => Ok(to_type(a, KustoType::Real)),
        KustoType::Bool => Ok(cast(a.expr, DataType::Int64)),
        t => Err(format!("{func}(): expected a number, got {t}")),
    }
}

/// `sum` keeps timespans as timespans by summing their nanoseconds.
fn sum_of(a: Arg, func: &str) -> Result<Expr, String> {
    if a.ty == KustoType::Timespan {
        return Ok(cast(
            agg::sum(cast(a.expr, DataType::Int64)),
            a.ty.to_arrow(),
        ));
    }
    let ty = a.ty;
    let s = agg::sum(numeric(a, func)?);
    // Kusto's sum of no values is 0, not null.
    Ok(if ty.is_integer() {
        coalesce(vec![cast(s, DataType::Int64), lit(0i64)])
    } else if ty == KustoType::Real {
        coalesce(vec![s, lit(0.0f64)])
    } else {
        s
    })
}

/// Kusto's `count(x)` counts rows, like `count()`, whatever `x` holds.
fn count(_: Vec<Arg>) -> Result<Expr, String> {
    Ok(agg::count(lit(1i64)))
}
fn countif(a: Vec<Arg>) -> Result<Expr, String> {
    filtered(agg::count(lit(1i64)), predicate(first(a)?)?)
}
fn sum(a: Vec<Arg>) -> Result<Expr, String> {
    sum_of(first(a)?, "sum")
}
fn sumif(a: Vec<Arg>) -> Result<Expr, String> {
    let (x, p) = args2(a)?;
    let ty = x.ty;
    let e = filtered(agg::sum(numeric(x, "sumif")?), predicate(p)?)?;
    // As with sum, no matching rows sum to 0.
    Ok(if ty.is_integer() {
        coalesce(vec![cast(e, DataType::Int64), lit(0i64)])
    } else {
        coalesce(vec![e, lit(0.0f64)])
    })
}
fn avg(a: Vec<Arg>) -> Result<Expr, String> {
    let x = first(a)?;
    if x.ty == KustoType::Timespan {
        return Ok(cast(
            cast(agg::avg(cast(x.expr, DataType::Int64)), DataType::Int64),
            x.ty.to_arrow(),
        ));
    }
    if x.ty == KustoType::Decimal {
        return Ok(cast(
            agg::avg(cast(x.expr, DataType::Float64)),
            KustoType::Decimal.to_arrow(),
        ));
    }
    average(x, None, "avg")
}
fn avgif(a: Vec<Arg>) -> Result<Expr, String> {
    let (x, p) = args2(a)?;
    average(x, Some(predicate(p)?), "avgif")
}

/// Kusto averages whole numbers through their `long` sum, which wraps on
/// overflow like `sum` does (the average of `[i64::MAX, 1, 2]` is negative);
/// reals average as reals. The average of no values is NaN.
fn average(x: Arg, pred: Option<Expr>, func: &str) -> Result<Expr, String> {
    let when = |e: Expr| match &pred {
        Some(p) => filtered(e, p.clone()),
        None => Ok(e),
    };
    let e = if x.ty.is_integer() {
        let v = cast(numeric(x, func)?, DataType::Int64);
        let total = when(agg::sum(v.clone()))?;
        let n = when(agg::count(v))?;
        cast(total, DataType::Float64) / cast(n, DataType::Float64)
    } else {
        when(agg::avg(cast(numeric(x, func)?, DataType::Float64)))?
    };
    Ok(coalesce(vec![e, lit(f64::NAN)]))
}
fn min(a: Vec<Arg>) -> Result<Expr, String> {
    Ok(agg::min(first(a)?.expr))
}
fn minif(a: Vec<Arg>) -> Result<Expr, String> {
    let (x, p) = args2(a)?;
    filtered(agg::min(x.expr), predicate(p)?)
}
fn max(a: Vec<Arg>) -> Result<Expr, String> {
    Ok(agg::max(first(a)?.expr))
}
fn maxif(a: Vec<Arg>) -> Result<Expr, String> {
    let (x, p) = args2(a)?;
    filtered(agg::max(x.expr), predicate(p)?)
}
fn dcount(a: Vec<Arg>) -> Result<Expr, String> {
    Ok(agg::count_distinct(first(a)?.expr))
}
fn dcountif(a: Vec<Arg>) -> Result<Expr, String> {
    let mut it = a.into_iter();
    let (x, p) = (
        it.next().ok_or("dcountif(x, predicate)")?,
        it.next().ok_or("dcountif(x, predicate)")?,
    );
    filtered(agg::count_distinct(x.expr), predicate(p)?)
}
fn take_any(a: Vec<Arg>) -> Result<Expr, String> {
    Ok(agg::first_value(first(a)?.expr, vec![]))
}
// Kusto reports 0 for the spread of fewer than two values.
fn zero_if_null(e: Expr) -> Expr {
    coalesce(vec![e, lit(0.0f64)])
}
fn stdev(a: Vec<Arg>) -> Result<Expr, String> {
    Ok(zero_if_null(agg::stddev(cast(
        numeric(first(a)?, "stdev")?,
        DataType::Float64,
    ))))
}
fn stdevp(a: Vec<Arg>) -> Result<Expr, String> {
    Ok(zero_if_null(agg::stddev_pop(cast(
        numeric(first(a)?, "stdevp")?,
        DataType::Float64,
    ))))
}
fn variance(a: Vec<Arg>) -> Result<Expr, String> {
    Ok(zero_if_null(agg::var_sample(cast(
        numeric(first(a)?, "variance")?,
        DataType::Float64,
    ))))
}
fn variancep(a: Vec<Arg>) -> Result<Expr, String> {
    Ok(zero_if_null(agg::var_pop(cast(
        numeric(first(a)?, "variancep")?,
        DataType::Float64,
    ))))
}

fn collect_call(kind: CollectKind, a: Vec<Arg>, pred: Option<Arg>) -> Result<Expr, String> {
    let mut args: Vec<Expr> = a.into_iter().map(|x| x.expr).collect();
    if args.len() == 1 {
        args.push(lit(1_048_576i64));
    }
    let e = collect_udaf(kind).call(args);
    match pred {
        Some(p) => filtered(e, predicate(p)?),
        None => Ok(e),
    }
}

fn make_list(a: Vec<Arg>) -> Result<Expr, String> {
    collect_call(CollectKind::List, a, None)
}
fn make_list_with_nulls(a: Vec<Arg>) -> Result<Expr, String> {
    collect_call(CollectKind::ListWithNulls, a, None)
}
fn make_set(a: Vec<Arg>) -> Result<Expr, String> {
    collect_call(CollectKind::Set, a, None)
}
fn make_bag(a: Vec<Arg>) -> Result<Expr, String> {
    collect_call(CollectKind::Bag, a, None)
}
fn split_if(a: Vec<Arg>) -> (Vec<Arg>, Option<Arg>) {
    let mut a = a;
    let pred = if a.len() >= 2 {
        Some(a.remove(1))
    } else {
        None
    };
    (a, pred)
}
fn make_list_if(a: Vec<Arg>) -> Result<Expr, String> {
    let (a, p) = split_if(a);
    collect_call(CollectKind::List, a, p)
}
fn make_set_if(a: Vec<Arg>) -> Result<Expr, String> {
    let (a, p) = split_if(a);
    collect_call(CollectKind::Set, a, p)
}
fn percentile(a: Vec<Arg>) -> Result<Expr, String> {
    let (x, p) = args2(a)?;
    if !x.ty.is_numeric() && !matches!(x.ty, KustoType::DateTime | KustoType::Timespan) {
        return Err(format!("percentile(): expected a number, got {}", x.ty));
    }
    Ok(percentile_udaf(PercentileKind::One).call(vec![x.expr, cast(p.expr, DataType::Float64)]))
}

fn make_bag_if(a: Vec<Arg>) -> Result<Expr, String> {
    let (a, p) = split_if(a);
    collect_call(CollectKind::Bag, a, p)
}

/// `hll` sketches are exact here: the distinct values themselves, as a
/// dynamic array (`dcount_hll` counts them, `hll_merge` unions them), so
/// answers are exact where Kusto's are estimates.
fn hll(a: Vec<Arg>) -> Result<Expr, String> {
    collect_call(CollectKind::Set, a.into_iter().take(1).collect(), None)
}
fn hll_if(a: Vec<Arg>) -> Result<Expr, String> {
    let mut a = a;
    let pred = if a.len() >= 2 {
        Some(a.remove(1))
    } else {
        None
    };
    collect_call(CollectKind::Set, a.into_iter().take(1).collect(), pred)
}
fn hll_merge(a: Vec<Arg>) -> Result<Expr, String> {
    collect_call(CollectKind::Set, a, None)
}

/// `percentiles_array(x, p1, p2, …)`: nearest-rank percentiles as one array.
fn percentiles_array(a: Vec<Arg>) -> Result<Expr, String> {
    let mut it = a.into_iter();
    let x = it.next().ok_or("percentiles_array(x, p, …)")?;
    if !x.ty.is_numeric() && !matches!(x.ty, KustoType::DateTime | KustoType::Timespan) {
        return Err(format!(
            "percentiles_array(): expected a number, got {}",
            x.ty
        ));
    }
    let mut args = vec![x.expr];
    args.extend(it.map(|p| cast(p.expr, DataType::Float64)));
    Ok(percentile_udaf(PercentileKind::Array).call(args))
}
