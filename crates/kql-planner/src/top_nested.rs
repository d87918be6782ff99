//! `top-nested`: the top values of a first key by an aggregate, then within
//! each of those the top values of a second key, and so on.

use crate::expr::{self, col};
use crate::naming;
use crate::operators::build_plan;
use crate::scope::Scope;
use crate::source::constant;
use crate::summarize::aggregate_call;
use crate::{PlanError, Planner};
use datafusion::common::{Column, JoinType};
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{Expr, ExprFunctionExt, LogicalPlan, LogicalPlanBuilder, lit};
use kql_functions::value::KValue;
use kql_syntax::ast::{self, ExprKind, Span, TopNestedLevel};

pub fn top_nested(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    levels: &[TopNestedLevel],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let schema = plan.schema().clone();
    let mut keys: Vec<(String, Expr)> = Vec::new();
    let mut result: Option<LogicalPlan> = None;
    let mut out_cols: Vec<String> = Vec::new();
    for (i, level) in levels.iter().enumerate() {
        if let Some(o) = &level.others {
            return Err(PlanError::at(
                "top-nested 'with others' is not supported",
                o.span,
            ));
        }
        let key_v = expr::lower(p, scope, &schema, &level.of.expr)?;
        let key_name = match level.of.names.as_slice() {
            [n] => n.name.clone(),
            _ => naming::derived_name(&level.of.expr).unwrap_or_else(|| format!("Column{}", i + 1)),
        };
        let ExprKind::Call { name, args } = &level.by.expr.kind else {
            return Err(PlanError::at(
                "top-nested needs an aggregation after 'by'",
                level.by.expr.span,
            ));
        };
        let cols = aggregate_call(p, scope, &schema, name, args, &[], level.by.expr.span)?;
        let [(agg, _)] = <[_; 1]>::try_from(cols).map_err(|_| {
            PlanError::at(
                "top-nested needs a single-column aggregation",
                level.by.expr.span,
            )
        })?;
        let agg_name = match level.by.names.as_slice() {
            [n] => n.name.clone(),
            _ => format!("aggregated_{key_name}"),
        };
        let previous: Vec<String> = keys.iter().map(|(n, _)| n.clone()).collect();
        keys.push((key_name.clone(), key_v.expr));
        let groups: Vec<Expr> = keys
            .iter()
            .map(|(n, e)| e.clone().alias(n.clone()))
            .collect();
        let mut level_plan = build_plan(
            LogicalPlanBuilder::from(plan.clone())
                .aggregate(groups, vec![agg.alias(agg_name.clone())]),
            span,
        )?;
        if let Some(n) = &level.count {
            let n = constant(p, scope, n, "the top-nested count")?
                .constant
                .as_ref()
                .and_then(KValue::as_i64)
                .ok_or_else(|| {
                    PlanError::at("the top-nested count must be a whole number", n.span)
                })?;
            let asc = level.order == Some(ast::SortOrder::Asc);
            let rank = row_number()
                .partition_by(previous.iter().map(|k| col(k)).collect())
                .order_by(vec![col(&agg_name).sort(asc, !asc)])
                .build()
                .map_err(|e| PlanError::datafusion(e, span))?;
            let ranked = build_plan(
                LogicalPlanBuilder::from(level_plan).window(vec![rank.clone().alias("__kql_rank")]),
                span,
            )?;
            let kept = build_plan(
                LogicalPlanBuilder::from(ranked).filter(col("__kql_rank").lt_eq(lit(n as u64))),
                span,
            )?;
            let cols: Vec<Expr> = keys
                .iter()
                .map(|(k, _)| col(k).alias(k.clone()))
                .chain([col(&agg_name).alias(agg_name.clone())])
                .collect();
            level_plan = build_plan(LogicalPlanBuilder::from(kept).project(cols), span)?;
        }
        result = Some(match result {
            None => level_plan,
            Some(prev) => {
                let l = build_plan(LogicalPlanBuilder::from(prev).alias("__kql_outer"), span)?;
                let r = build_plan(
                    LogicalPlanBuilder::from(level_plan).alias("__kql_inner"),
                    span,
                )?;
                let lk: Vec<Column> = previous
                    .iter()
                    .map(|k| Column::new(Some("__kql_outer"), k))
                    .collect();
                let rk: Vec<Column> = previous
                    .iter()
                    .map(|k| Column::new(Some("__kql_inner"), k))
                    .collect();
                let joined = build_plan(
                    LogicalPlanBuilder::from(l).join(r, JoinType::Inner, (lk, rk), None),
                    span,
                )?;
                let mut cols: Vec<Expr> = out_cols
                    .iter()
                    .map(|c| Expr::Column(Column::new(Some("__kql_outer"), c)).alias(c.clone()))
                    .collect();
                cols.push(
                    Expr::Column(Column::new(Some("__kql_inner"), &key_name))
                        .alias(key_name.clone()),
                );
                cols.push(
                    Expr::Column(Column::new(Some("__kql_inner"), &agg_name))
                        .alias(agg_name.clone()),
                );
                build_plan(LogicalPlanBuilder::from(joined).project(cols), span)?
            }
        });
        out_cols.push(key_name);
        out_cols.push(agg_name);
    }
    result.ok_or_else(|| PlanError::at("top-nested needs at least one level", span))
}
