//! `evaluate` plugins. `bag_unpack` turns the keys of a dynamic column into
//! columns; which columns depends on the data, so the input is run while
//! planning (through the resolver) to find the keys and their types.

use crate::expr::{self, TExpr, col};
use crate::operators::build_plan;
use crate::scope::Scope;
use crate::source::{column_names, constant};
use crate::{PlanError, Planner};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, lit};
use kql_functions::KustoType;
use kql_functions::scalar::dynamic;
use kql_functions::value::KValue;
use kql_syntax::ast::{self, Span};
use serde_json::Value as Json;

/// The `evaluate` plugins the planner runs.
pub const PLUGINS: &[&str] = &["bag_unpack", "pivot", "narrow"];

pub fn evaluate(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    plugin: &ast::Ident,
    args: &[ast::Expr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    match plugin.name.as_str() {
        "bag_unpack" => bag_unpack(p, scope, plan, args, span),
        "pivot" => crate::reshape::pivot(p, scope, plan, args, span),
        "narrow" => crate::reshape::narrow(plan, span),
        other => Err(PlanError::at(
            format!("evaluate plugin '{other}' is not supported yet"),
            plugin.span,
        )),
    }
}

/// The Kusto type that holds every value seen for a key.
fn widen(seen: Option<KustoType>, j: &Json) -> Option<KustoType> {
    let t = match j {
        Json::Null => return seen,
        Json::Bool(_) => KustoType::Bool,
        Json::Number(n) if n.is_i64() => KustoType::Long,
        Json::Number(_) => KustoType::Real,
        Json::String(_) => KustoType::String,
        _ => KustoType::Dynamic,
    };
    Some(match seen {
        None => t,
        Some(s) if s == t => s,
        Some(KustoType::Long) if t == KustoType::Real => KustoType::Real,
        Some(KustoType::Real) if t == KustoType::Long => KustoType::Real,
        Some(_) => KustoType::Dynamic,
    })
}

fn bag_unpack(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    args: &[ast::Expr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let Some(column) = args.first() else {
        return Err(PlanError::at("bag_unpack() takes a dynamic column", span));
    };
    let prefix = match args.get(1) {
        Some(a) => constant(p, scope, a, "the column prefix")?
            .constant
            .map(|c| c.to_kusto_string())
            .unwrap_or_default(),
        None => String::new(),
    };
    let bag = expr::lower(p, scope, plan.schema(), column)?;
    if bag.ty != KustoType::Dynamic {
        return Err(PlanError::at(
            format!("bag_unpack() needs a dynamic column, got {}", bag.ty),
            column.span,
        ));
    }
    let probe = build_plan(
        LogicalPlanBuilder::from(plan.clone()).project(vec![bag.expr.clone().alias("__kql_bag")]),
        span,
    )?;
    let batches = match p.resolver.execute(&probe) {
        Some(Ok(b)) => b,
        Some(Err(e)) => return Err(PlanError::at(format!("bag_unpack(): {e}"), span)),
        None => return Err(PlanError::at("bag_unpack() is not available here", span)),
    };
    let mut keys: Vec<(String, Option<KustoType>)> = Vec::new();
    for b in &batches {
        let Some(arr) = b.columns().first() else {
            continue;
        };
        for row in 0..b.num_rows() {
            if let KValue::Dynamic(Json::Object(m)) =
                KValue::from_array(arr, row).map_err(|e| PlanError::datafusion(e, span))?
            {
                for (k, v) in m {
                    match keys.iter_mut().find(|(n, _)| *n == k) {
                        Some(slot) => slot.1 = widen(slot.1, &v),
                        None => keys.push((k.clone(), widen(None, &v))),
                    }
                }
            }
        }
    }
    let source_name = match &column.kind {
        ast::ExprKind::Ident(id) => Some(id.name.clone()),
        _ => None,
    };
    let mut exprs: Vec<Expr> = column_names(&plan)
        .into_iter()
        .filter(|n| Some(n) != source_name.as_ref())
        .map(|n| col(&n).alias(n))
        .collect();
    for (k, ty) in keys {
        let value = TExpr::new(
            dynamic::get(bag.expr.clone(), lit(k.as_str())),
            KustoType::Dynamic,
        );
        let ty = ty.unwrap_or(KustoType::Dynamic);
        exprs.push(
            expr::convert_to(value, ty)
                .expr
                .alias(format!("{prefix}{k}")),
        );
    }
    build_plan(LogicalPlanBuilder::from(plan).project(exprs), span)
}
