//! `to*` conversions: never fail, give null (or `""` for strings) when a value
//! does not convert, as Kusto does.

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::udf::ret;
use crate::value::{KValue, convert, map_rows};
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
converter!(TOINT, eval_toint, "kql_toint", ret::int32, KustoType::Int);
converter!(
    TOLONG,
    eval_tolong,
    "kql_tolong",
    ret::int64,
    KustoType::Long
);
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
converter!(
    TODATETIME,
    eval_todatetime,
    "kql_todatetime",
    ret::datetime,
    KustoType::DateTime
);
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
