//! `to*` conversions: never fail, give null (or `""` for strings) when a value
//! does not convert, as Kusto does.

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::udf::ret;
use crate::value::{KValue, convert, convert_folded, map_rows, try_map_rows};
use datafusion::arrow::array::ArrayRef;
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, ScalarUDF};
use std::sync::Arc;

macro_rules! converter {
    ($static:ident, $eval:ident, $name:literal, $ret:expr, $ty:expr) => {
        kusto_udf!($static, $name, $ret, $eval);
        fn $eval(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
            map_rows(args, rows, $ty, |v| convert(&v[0], $ty))
        }
    };
}

converter!(
    TOSTRING,
    eval_tostring,
    "kql_tostring",
    ret::utf8,
    KustoType::String
);
kusto_udf!(TOINT, "kql_toint", ret::int32, eval_toint);
kusto_udf!(TOLONG, "kql_tolong", ret::int64, eval_tolong);

/// A second argument marks a conversion Kusto would fold while planning
/// (see [`crate::value::convert_folded`]).
fn to_whole(args: &[ArrayRef], rows: usize, ty: KustoType) -> Result<ArrayRef> {
    let folded = args.len() > 1;
    map_rows(&args[..1], rows, ty, |v| {
        if folded {
            convert_folded(&v[0], ty)
        } else {
            convert(&v[0], ty)
        }
    })
}
fn eval_toint(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    to_whole(args, rows, KustoType::Int)
}
fn eval_tolong(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    to_whole(args, rows, KustoType::Long)
}
converter!(
    TOREAL,
    eval_toreal,
    "kql_toreal",
    ret::float64,
    KustoType::Real
);
converter!(
    TOBOOL,
    eval_tobool,
    "kql_tobool",
    ret::boolean,
    KustoType::Bool
);
kusto_udf!(TODATETIME, "kql_todatetime", ret::datetime, eval_todatetime);

fn eval_todatetime(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    try_map_rows(args, rows, KustoType::DateTime, |v| {
        let out = convert(&v[0], KustoType::DateTime);
        // A finite number always names a datetime in Kusto (ticks since year
        // 1); null here means only that it lies outside our range.
        let number = match &v[0] {
            KValue::Dynamic(serde_json::Value::Number(_)) => v[0].as_f64(),
            KValue::Int(_) | KValue::Long(_) | KValue::Real(_) | KValue::Decimal(_) => {
                v[0].as_f64()
            }
            _ => None,
        };
        match number {
            Some(f) if out.is_null() && f.is_finite() => {
                Err(crate::datetime::out_of_range(&format!(
                    "todatetime({}) ({} ticks from 0001-01-01)",
                    v[0].to_kusto_string(),
                    f
                )))
            }
            _ => Ok(out),
        }
    })
}
converter!(
    TOTIMESPAN,
    eval_totimespan,
    "kql_totimespan",
    ret::timespan,
    KustoType::Timespan
);
converter!(
    TODECIMAL,
    eval_todecimal,
    "kql_todecimal",
    ret_decimal,
    KustoType::Decimal
);
converter!(TOGUID, eval_toguid, "kql_toguid", ret_guid, KustoType::Guid);
kusto_udf!(TODYNAMIC, "kql_todynamic", ret::dynamic, eval_todynamic);

fn ret_decimal(
    _: &[datafusion::arrow::datatypes::DataType],
) -> Result<datafusion::arrow::datatypes::DataType> {
    Ok(KustoType::Decimal.to_arrow())
}

fn ret_guid(
    _: &[datafusion::arrow::datatypes::DataType],
) -> Result<datafusion::arrow::datatypes::DataType> {
    Ok(KustoType::Guid.to_arrow())
}

/// `parse_json`/`todynamic`: strings holding JSON become the JSON value; other
/// strings stay strings inside the dynamic.
fn eval_todynamic(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| match &v[0] {
        KValue::String(s) if s.trim().is_empty() => KValue::Null,
        KValue::String(s) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(serde_json::Value::Null) => KValue::Null,
            Ok(j) => KValue::Dynamic(j),
            Err(_) => KValue::Dynamic(serde_json::Value::String(s.clone())),
        },
        other => convert(other, KustoType::Dynamic),
    })
}

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    [
        &TOSTRING,
        &TOINT,
        &TOLONG,
        &TOREAL,
        &TOBOOL,
        &TODATETIME,
        &TOTIMESPAN,
        &TODECIMAL,
        &TOGUID,
        &TODYNAMIC,
    ]
    .into_iter()
    .map(|u| Arc::clone(u))
    .collect()
}

/// Converts an argument to `ty`, skipping the call when it already has that type.
pub fn to_type(arg: Arg, ty: KustoType) -> Expr {
    if arg.ty == ty && ty != KustoType::String {
        return arg.expr;
    }
    let udf = match ty {
        KustoType::String => &TOSTRING,
        KustoType::Int => &TOINT,
        KustoType::Long => &TOLONG,
        KustoType::Real => &TOREAL,
        KustoType::Bool => &TOBOOL,
        KustoType::DateTime => &TODATETIME,
        KustoType::Timespan => &TOTIMESPAN,
        KustoType::Decimal => &TODECIMAL,
        KustoType::Guid => &TOGUID,
        KustoType::Dynamic => &TODYNAMIC,
    };
    // A real that reads no column is a constant Kusto folds with .NET's cast.
    let folded = matches!(ty, KustoType::Int | KustoType::Long)
        && matches!(arg.ty, KustoType::Real | KustoType::Decimal)
        && arg.expr.column_refs().is_empty();
    if folded {
        return udf.call(vec![arg.expr, datafusion::logical_expr::lit(true)]);
    }
    udf.call(vec![arg.expr])
}

/// The argument as a string expression (strings pass through).
pub fn as_string(arg: Arg) -> Expr {
    if arg.ty == KustoType::String {
        arg.expr
    } else {
        TOSTRING.call(vec![arg.expr])
    }
}

fn one(args: Vec<Arg>) -> Arg {
    args.into_iter()
        .next()
        .expect("arity checked by the planner")
}

pub fn tostring(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(as_string(one(a)))
}
pub fn toint(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(to_type(one(a), KustoType::Int))
}
pub fn tolong(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(to_type(one(a), KustoType::Long))
}
pub fn toreal(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(to_type(one(a), KustoType::Real))
}
pub fn tobool(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(to_type(one(a), KustoType::Bool))
}
pub fn todatetime(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(to_type(one(a), KustoType::DateTime))
}
pub fn totimespan(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(to_type(one(a), KustoType::Timespan))
}
pub fn todecimal(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(to_type(one(a), KustoType::Decimal))
}
pub fn toguid(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(to_type(one(a), KustoType::Guid))
}
pub fn todynamic(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let arg = one(a);
    if arg.ty == KustoType::Dynamic {
        return Ok(arg.expr);
    }
    Ok(TODYNAMIC.call(vec![arg.expr]))
}
