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
    let mut bags_as_arrays = false;
    for prm in params {
        match prm.name.name.as_str() {
            "bagexpansion" | "kind" => {
                if let ast::ExprKind::Ident(v) = &prm.value.kind
                    && v.name == "array"
                {
                    bags_as_arrays = true;
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
        let list = expand::values(v.expr.clone(), limit_expr.clone(), bags_as_arrays);
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

const ROW: &str = "__kql_row";

/// `mv-apply`: expands as `mv-expand` does, tagging each expanded row with the
/// row it came from, then runs the subquery per source row: `summarize` groups
/// by the source row (keeping its other columns), `take`/`top` keep the first
/// rows of each source row, row-wise operators run as they are.
pub fn mv_apply(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    expand: &ast::Operator,
    subquery: &[ast::Operator],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let ast::Operator::MvExpand {
        params,
        columns,
        item_index,
        limit,
        ..
    } = expand
    else {
        return Err(PlanError::at("mv-apply needs columns to expand", span));
    };
    let originals = column_names(&plan);
    let row_id = datafusion::functions_window::expr_fn::row_number();
    let with_window = build_plan(
        LogicalPlanBuilder::from(plan).window(vec![row_id.clone().alias(ROW)]),
        span,
    )?;
    let expanded = mv_expand(
        p,
        scope,
        with_window,
        params,
        columns,
        item_index.as_ref(),
        limit.as_ref(),
        span,
    )?;
    let expanded_names: Vec<String> = columns
        .iter()
        .map(|c| match c.column.names.as_slice() {
            [n] => n.name.clone(),
            _ => naming::derived_name(&c.column.expr).unwrap_or_default(),
        })
        .collect();
    let keys: Vec<String> = originals
        .iter()
        .filter(|n| !expanded_names.contains(n))
        .cloned()
        .chain([ROW.to_string()])
        .collect();
    let key_idents = |s: Span| -> Vec<ast::NamedExpr> {
        keys.iter()
            .map(|k| {
                let id = ast::Ident {
                    name: k.clone(),
                    span: s,
                };
                ast::NamedExpr {
                    names: vec![],
                    expr: ast::Expr {
                        kind: ast::ExprKind::Ident(id),
                        span: s,
                    },
                    span: s,
                }
            })
            .collect()
    };
    let mut cur = expanded;
    let mut inner_scope = scope.clone();
    for op in subquery {
        cur = match op {
            ast::Operator::Summarize {
                aggregates,
                by,
                span: s,
                ..
            } => {
                let mut all_by = key_idents(*s);
                all_by.extend(by.iter().cloned());
                crate::summarize::summarize(p, scope, cur, aggregates, &all_by, *s)?
            }
            ast::Operator::Take { count, span: s } => {
                first_rows(p, scope, cur, count, &[], &[ROW.to_string()], *s)?
            }
            ast::Operator::Top { count, by, span: s } => first_rows(
                p,
                scope,
                cur,
                count,
                std::slice::from_ref(by),
                &[ROW.to_string()],
                *s,
            )?,
            ast::Operator::Project { span: s, .. }
            | ast::Operator::ProjectAway { span: s, .. }
            | ast::Operator::ProjectKeep { span: s, .. } => {
                return Err(PlanError::at(
                    "project inside mv-apply is not supported yet; use extend",
                    *s,
                ));
            }
            other => crate::operators::plan_operator(p, &mut inner_scope, cur, other)?.0,
        };
    }
    let out: Vec<Expr> = column_names(&cur)
        .into_iter()
        .filter(|n| n != ROW)
        .map(|n| col(&n).alias(n))
        .collect();
    build_plan(LogicalPlanBuilder::from(cur).project(out), span)
}

/// The first `count` rows of each group of `keys` (an mv-apply source row,
/// a partition), in `by` order.
pub(crate) fn first_rows(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    count: &ast::Expr,
    by: &[ast::SortKey],
    keys: &[String],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    use datafusion::logical_expr::ExprFunctionExt;
    let n = constant(p, scope, count, "the row count")?
        .constant
        .as_ref()
        .and_then(kql_functions::value::KValue::as_i64)
        .ok_or_else(|| PlanError::at("the row count must be a whole number", count.span))?;
    // `take` after a sort keeps the sorted rows' first ones.
    let order = if by.is_empty() {
        crate::window::serial_order(&plan)
    } else {
        crate::operators::sort_exprs(p, scope, &plan, by)?
    };
    let rank = datafusion::functions_window::expr_fn::row_number()
        .partition_by(keys.iter().map(|k| col(k)).collect())
        .order_by(order)
        .build()
        .map_err(|e| PlanError::datafusion(e, span))?;
    let names = column_names(&plan);
    let ranked = build_plan(
        LogicalPlanBuilder::from(plan).window(vec![rank.alias("__kql_rank")]),
        span,
    )?;
    let kept = build_plan(
        LogicalPlanBuilder::from(ranked).filter(col("__kql_rank").lt_eq(lit(n.max(0) as u64))),
        span,
    )?;
    build_plan(
        LogicalPlanBuilder::from(kept).project(
            names
                .into_iter()
                .map(|n| col(&n).alias(n))
                .collect::<Vec<_>>(),
        ),
        span,
    )
}
