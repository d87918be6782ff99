//! Conditionals and null tests: `iff`, `case`, `isnull`, `isempty`, `coalesce`, …

use super::conversion::{as_string, to_type};
use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use datafusion::functions::expr_fn as df;
use datafusion::logical_expr::{Expr, lit, when};

/// A condition argument as a boolean expression (dynamic values are converted).
pub fn condition(arg: Arg) -> Result<Expr, String> {
    match arg.ty {
        KustoType::Bool => Ok(arg.expr),
        KustoType::Dynamic => Ok(to_type(arg, KustoType::Bool)),
        other => Err(format!("expected a bool condition, got {other}")),
    }
}

/// Brings branch values to one type the way Kusto unifies them (a typed null
/// or numeric widening); mismatched kinds are an error.
pub fn unify(values: Vec<Arg>) -> Result<Vec<Expr>, String> {
    let target = common_type(
        values
            .iter()
            .map(|a| (a.ty, a.literal.as_ref().is_some_and(|l| l.is_null()))),
    )
    .ok_or_else(|| {
        let names: Vec<_> = values.iter().map(|a| a.ty.name()).collect();
        format!("branches have different types: {}", names.join(", "))
    })?;
    Ok(values.into_iter().map(|a| to_type(a, target)).collect())
}

/// The common type of branch types; a null literal adapts to the others.
pub fn common_type(types: impl Iterator<Item = (KustoType, bool)>) -> Option<KustoType> {
    let mut best: Option<KustoType> = None;
    let mut null_only: Option<KustoType> = None;
    for (t, is_null) in types {
        if is_null {
            null_only.get_or_insert(t);
            continue;
        }
        best = Some(match best {
            None => t,
            Some(b) if b == t => b,
            // int and long mix; other types (even long and real) must match, as in Kusto.
            Some(b) if b.is_integer() && t.is_integer() => widen(b, t),
            Some(_) => return None,
        });
    }
    best.or(null_only)
}

fn widen(a: KustoType, b: KustoType) -> KustoType {
    use KustoType::*;
    match (a, b) {
        (Real, _) | (_, Real) => Real,
        (Decimal, _) | (_, Decimal) => Decimal,
        (Long, _) | (_, Long) => Long,
        _ => Int,
    }
}

pub fn iff(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut it = a.into_iter();
    let (c, t, e) = match (it.next(), it.next(), it.next()) {
        (Some(c), Some(t), Some(e)) => (c, t, e),
        _ => return Err("iff() takes 3 arguments".into()),
    };
    let c = condition(c)?;
    let mut v = unify(vec![t, e])?.into_iter();
    let (t, e) = (v.next().unwrap_or(lit(0)), v.next().unwrap_or(lit(0)));
    when(c, t).otherwise(e).map_err(|e| e.to_string())
}

pub fn case(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    if a.len().is_multiple_of(2) {
        return Err("case() takes pairs of (condition, value) and an else value".into());
    }
    let mut conds = Vec::new();
    let mut values = Vec::new();
    let mut it = a.into_iter();
    while let Some(first) = it.next() {
        match it.next() {
            Some(v) => {
                conds.push(condition(first)?);
                values.push(v);
            }
            None => values.push(first),
        }
    }
    let mut values = unify(values)?;
    let otherwise = values.pop().unwrap_or(lit(0));
    let mut builder: Option<datafusion::logical_expr::conditional_expressions::CaseBuilder> = None;
    for (c, v) in conds.into_iter().zip(values) {
        builder = Some(match builder {
            None => when(c, v),
            Some(mut b) => b.when(c, v),
        });
    }
    match builder {
        Some(mut b) => b.otherwise(otherwise).map_err(|e| e.to_string()),
        None => Ok(otherwise),
    }
}

fn single(a: Vec<Arg>) -> Result<Arg, String> {
    a.into_iter()
        .next()
        .ok_or_else(|| "missing argument".to_string())
}

pub fn isnull(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(single(a)?.expr.is_null())
}

pub fn isnotnull(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(single(a)?.expr.is_not_null())
}

pub fn isempty(a: Vec<Arg>, c: &CallContext) -> Result<Expr, String> {
    let arg = single(a)?;
    Ok(match arg.ty {
        KustoType::String => arg.expr.clone().is_null().or(arg.expr.eq(lit(""))),
        KustoType::Dynamic => {
            let s = as_string(arg.clone());
            arg.expr.is_null().or(s.eq(lit("")))
        }
        _ => return isnull(vec![arg], c),
    })
}

pub fn isnotempty(a: Vec<Arg>, c: &CallContext) -> Result<Expr, String> {
    Ok(Expr::Not(Box::new(isempty(a, c)?)))
}

pub fn not(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(Expr::Not(Box::new(condition(single(a)?)?)))
}

pub fn coalesce(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let is_string = a.iter().all(|x| x.ty == KustoType::String);
    let values = unify(a)?;
    if !is_string {
        return Ok(df::coalesce(values));
    }
    // Kusto's coalesce skips empty strings, not only nulls.
    let mut values = values;
    let last = values.pop().unwrap_or(lit(""));
    let mut builder: Option<datafusion::logical_expr::conditional_expressions::CaseBuilder> = None;
    for v in values {
        let c = v.clone().is_not_null().and(v.clone().not_eq(lit("")));
        builder = Some(match builder {
            None => when(c, v),
            Some(mut b) => b.when(c, v),
        });
    }
    match builder {
        Some(mut b) => b.otherwise(last).map_err(|e| e.to_string()),
        None => Ok(last),
    }
}

pub fn max_of(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(df::greatest(unify(a)?))
}

pub fn min_of(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(df::least(unify(a)?))
}
