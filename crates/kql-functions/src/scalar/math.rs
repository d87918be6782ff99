//! Math functions. Results follow Kusto's types: `round`/`abs` keep the input's
//! type family, the rest are `real`.

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use datafusion::arrow::datatypes::DataType;
use datafusion::functions::expr_fn as df;
use datafusion::logical_expr::{Expr, ScalarUDF, cast, lit};
use std::sync::Arc;

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    Vec::new()
}

fn num(a: Vec<Arg>, func: &str) -> Result<Arg, String> {
    let arg = a
        .into_iter()
        .next()
        .ok_or_else(|| format!("{func}() takes a number"))?;
    if arg.ty.is_numeric() {
        Ok(arg)
    } else {
        Err(super::type_error(func, "a number", arg.ty))
    }
}

fn real(e: Expr) -> Expr {
    cast(e, DataType::Float64)
}

pub fn abs(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let arg = a.into_iter().next().ok_or("abs() takes a number")?;
    match arg.ty {
        KustoType::Timespan => Ok(cast(
            df::abs(cast(arg.expr, DataType::Int64)),
            arg.ty.to_arrow(),
        )),
        KustoType::Int => Ok(df::abs(cast(arg.expr, DataType::Int64))),
        t if t.is_numeric() => Ok(df::abs(arg.expr)),
        t => Err(super::type_error("abs", "a number", t)),
    }
}

pub fn round(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut it = a.into_iter();
    let v = num(it.next().into_iter().collect(), "round")?;
    let digits = it
        .next()
        .map_or(lit(0i64), |d| cast(d.expr, DataType::Int64));
    Ok(match v.ty {
        KustoType::Int | KustoType::Long => v.expr,
        _ => df::round(vec![real(v.expr), digits]),
    })
}

pub fn ceiling(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let v = num(a, "ceiling")?;
    Ok(match v.ty {
        KustoType::Int | KustoType::Long => v.expr,
        _ => df::ceil(real(v.expr)),
    })
}

/// sqrt of a negative number is NaN in Kusto (DataFusion's sqrt fails instead).
pub fn sqrt(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(df::power(real(num(a, "sqrt")?.expr), lit(0.5)))
}
pub fn exp(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(df::exp(real(num(a, "exp")?.expr)))
}
/// The logarithm of a negative number is null in Kusto.
fn positive_log(e: Expr, f: fn(Expr) -> Expr) -> Result<Expr, String> {
    datafusion::logical_expr::when(
        e.clone().lt(lit(0.0)),
        lit(datafusion::common::ScalarValue::Float64(None)),
    )
    .otherwise(f(e))
    .map_err(|e| e.to_string())
}

pub fn log(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    positive_log(real(num(a, "log")?.expr), df::ln)
}
pub fn log10(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    positive_log(real(num(a, "log10")?.expr), df::log10)
}
pub fn log2(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    positive_log(real(num(a, "log2")?.expr), df::log2)
}
pub fn pow(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut it = a.into_iter();
    match (it.next(), it.next()) {
        (Some(b), Some(e)) => Ok(df::power(real(b.expr), real(e.expr))),
        _ => Err("pow(base, exponent)".into()),
    }
}
pub fn sign(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    // Kusto's sign is real, and 0 for NaN.
    let v = real(num(a, "sign")?.expr);
    datafusion::logical_expr::when(df::isnan(v.clone()), lit(0.0))
        .otherwise(df::signum(v))
        .map_err(|e| e.to_string())
}
pub fn isnan(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(df::isnan(real(num(a, "isnan")?.expr)))
}
pub fn isinf(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let v = real(num(a, "isinf")?.expr);
    Ok(v.clone()
        .eq(lit(f64::INFINITY))
        .or(v.eq(lit(f64::NEG_INFINITY))))
}
pub fn isfinite(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let v = real(num(a, "isfinite")?.expr);
    Ok(Expr::Not(Box::new(df::isnan(v.clone())))
        .and(v.clone().not_eq(lit(f64::INFINITY)))
        .and(v.not_eq(lit(f64::NEG_INFINITY))))
}

macro_rules! real_fn {
    ($name:ident, $df:ident) => {
        pub fn $name(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
            Ok(df::$df(real(num(a, stringify!($name))?.expr)))
        }
    };
}

real_fn!(sin, sin);
real_fn!(cos, cos);
real_fn!(tan, tan);
real_fn!(asin, asin);
real_fn!(acos, acos);
real_fn!(atan, atan);
real_fn!(degrees, degrees);
real_fn!(radians, radians);
real_fn!(cot, cot);

pub fn atan2(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut it = a.into_iter();
    match (it.next(), it.next()) {
        (Some(y), Some(x)) => Ok(df::atan2(real(y.expr), real(x.expr))),
        _ => Err("atan2(y, x)".into()),
    }
}

pub fn pi(_: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(lit(std::f64::consts::PI))
}

pub fn exp2(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(df::power(lit(2.0), real(num(a, "exp2")?.expr)))
}

pub fn exp10(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(df::power(lit(10.0), real(num(a, "exp10")?.expr)))
}
