//! `mv-expand`: one row per element of dynamic arrays (several columns expand
//! side by side), through DataFusion's unnest of the element lists that
//! `kql-functions` computes.

use crate::expr::{self, col};
use crate::naming;
use crate::operators::build_plan;
use crate::scope::Scope;
use crate::source::{column_names, constant};
use crate::{PlanError, Planner};
use datafusion::common::{Column, UnnestOptions};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, lit};
use kql_functions::KustoType;
use kql_functions::scalar::expand;
use kql_syntax::ast::{self, MvExpandColumn, Span};

#[allow(clippy::too_many_arguments)]
pub fn mv_expand(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    params: &[ast::OperatorParam],
    columns: &[MvExpandColumn],
    item_index: Option<&ast::Ident>,
    limit: Option<&ast::Expr>,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    for prm in params {
        match prm.name.name.as_str() {
            "bagexpansion" | "kind" => {
                if let ast::ExprKind::Ident(v) = &prm.value.kind
                    && v.name == "array"
                {
                    return Err(PlanError::at(
                        "mv-expand bagexpansion=array is not supported yet",
                        prm.name.span,
                    ));
                }
            }
            other => {
                return Err(PlanError::at(
                    format!("mv-expand parameter '{other}' is not supported yet"),
                    prm.name.span,
                ));
            }
        }
    }
    let limit_expr = match limit {
        Some(l) => {
            let v = constant(p, scope, l, "the mv-expand limit")?;
            v.expr
        }
        None => lit(i64::MAX),
    };
    let inputs = column_names(&plan);
    let mut exprs: Vec<(String, Expr)> = inputs.iter().map(|n| (n.clone(), col(n))).collect();
    let mut expanded: Vec<(String, Option<KustoType>)> = Vec::new();
    let mut first_list: Option<Expr> = None;
    for c in columns {
        let v = expr::lower(p, scope, plan.schema(), &c.column.expr)?;
        if v.ty != KustoType::Dynamic {
            return Err(PlanError::at(
                format!("mv-expand needs a dynamic value, got {}", v.ty),
                c.column.expr.span,
            ));
        }
        let name = match c.column.names.as_slice() {
            [n] => n.name.clone(),
            [] => naming::derived_name(&c.column.expr)
                .unwrap_or_else(|| naming::next_column_name(&inputs)),
            _ => {
                return Err(PlanError::at(
                    "mv-expand takes one name per column",
                    c.column.span,
                ));
            }
        };
        let to = match &c.to_type {
            Some(t) => Some(
                KustoType::from_name(&t.name)
                    .ok_or_else(|| PlanError::at(format!("unknown type '{}'", t.name), t.span))?,
            ),
            None => None,
        };
        let list = expand::values(v.expr.clone(), limit_expr.clone());
        if first_list.is_none() {
            first_list = Some(v.expr);
        }
        match exprs.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = list,
            None => exprs.push((name.clone(), list)),
        }
        expanded.push((name, to));
    }
    let index_name = item_index.map(|i| i.name.clone());
    if let (Some(n), Some(d)) = (&index_name, &first_list) {
        exprs.push((n.clone(), expand::index(d.clone(), limit_expr)));
    }
    let projection: Vec<Expr> = exprs.into_iter().map(|(n, e)| e.alias(n)).collect();
    let listed = build_plan(LogicalPlanBuilder::from(plan).project(projection), span)?;
    let mut unnest_cols: Vec<Column> = expanded
        .iter()
        .map(|(n, _)| Column::new_unqualified(n))
        .collect();
    if let Some(n) = &index_name {
        unnest_cols.push(Column::new_unqualified(n));
    }
    // Empty arrays produce no rows; a null value was already turned into one null element.
    let options = UnnestOptions::new().with_preserve_nulls(false);
    let unnested = build_plan(
        LogicalPlanBuilder::from(listed).unnest_columns_with_options(unnest_cols, options),
        span,
    )?;
    // `to typeof(T)` converts the expanded values.
    let out: Vec<Expr> = column_names(&unnested)
        .into_iter()
        .map(|n| {
            let conv = expanded.iter().find(|(e, _)| *e == n).and_then(|(_, t)| *t);
            match conv {
                Some(t) => {
                    let v = expr::TExpr::new(col(&n), KustoType::Dynamic);
                    expr::convert_to(v, t).expr.alias(n)
                }
                None => col(&n).alias(n),
            }
        })
        .collect();
    build_plan(LogicalPlanBuilder::from(unnested).project(out), span)
}
