//! `partition by Column (operators)`: the operators run per value of the
//! column. Rather than one plan per value, each operator is planned once
//! with the column as an extra group: `summarize` adds it to its keys,
//! `take`/`top` keep the first rows of each value, and row-wise operators
//! (`where`, `extend`, `project`…) run as they are, since they never look
//! across rows. Operators whose answer would depend on the other values'
//! rows are refused rather than answered wrongly.

use crate::expr::col;
use crate::operators::build_plan;
use crate::scope::Scope;
use crate::source::column_names;
use crate::{PlanError, Planner};
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder};
use kql_syntax::ast::{self, Operator, Span};

pub fn partition(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    by: &ast::Expr,
    subquery: &[Operator],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let ast::ExprKind::Ident(key) = &by.kind else {
        return Err(PlanError::at("partition by takes a column name", by.span));
    };
    let names = column_names(&plan);
    if !names.contains(&key.name) {
        return Err(PlanError::unknown(
            "column",
            &key.name,
            key.span,
            names.iter().map(String::as_str),
        ));
    }
    // The key travels under a hidden name, so the subquery may drop or
    // redefine the column itself.
    let hidden = "__kql_partition";
    let mut exprs: Vec<Expr> = names.iter().map(|n| col(n).alias(n.clone())).collect();
    exprs.push(col(&key.name).alias(hidden));
    let mut cur = build_plan(LogicalPlanBuilder::from(plan).project(exprs), span)?;
    let hidden_keys = vec![hidden.to_string()];
    let mut inner = scope.clone();
    for op in subquery {
        cur = match op {
            Operator::Summarize {
                aggregates,
                by,
                span: s,
                ..
            } => {
                let mut all_by = vec![key_expr(hidden, *s)];
                all_by.extend(by.iter().cloned());
                crate::summarize::summarize(p, &inner, cur, aggregates, &all_by, *s)?
            }
            Operator::Take { count, span: s } => {
                crate::mv_expand::first_rows(p, &inner, cur, count, &[], &hidden_keys, *s)?
            }
            Operator::Top { count, by, span: s } => crate::mv_expand::first_rows(
                p,
                &inner,
                cur,
                count,
                std::slice::from_ref(by),
                &hidden_keys,
                *s,
            )?,
            // scan runs over each value's rows on its own.
            Operator::Scan {
                match_id,
                declare,
                steps,
                span: s,
            } => crate::scan::scan(
                p,
                &inner,
                cur,
                match_id.as_ref(),
                declare,
                steps,
                &hidden_keys,
                *s,
            )?,
            Operator::Where { .. }
            | Operator::Extend { .. }
            | Operator::Parse { .. }
            | Operator::ParseKv { .. }
            | Operator::MvExpand { .. }
            | Operator::Sort { .. } => {
                let windows = count_windows(&cur);
                let next = crate::operators::plan_operator(p, &mut inner, cur, op)?.0;
                if count_windows(&next) > windows {
                    return Err(PlanError::at(
                        "functions over serialized rows (row_number, prev, …) are not supported inside partition yet",
                        op_span(op),
                    ));
                }
                next
            }
            Operator::Project { columns, span: s } => {
                let mut columns = columns.clone();
                columns.push(key_expr(hidden, *s));
                let op = Operator::Project { columns, span: *s };
                crate::operators::plan_operator(p, &mut inner, cur, &op)?.0
            }
            Operator::ProjectKeep { columns, span: s } => {
                let mut columns = columns.clone();
                columns.push(ast::Ident {
                    name: hidden.to_string(),
                    span: *s,
                });
                let op = Operator::ProjectKeep { columns, span: *s };
                crate::operators::plan_operator(p, &mut inner, cur, &op)?.0
            }
            Operator::ProjectAway { .. }
            | Operator::ProjectRename { .. }
            | Operator::ProjectReorder { .. } => {
                crate::operators::plan_operator(p, &mut inner, cur, op)?.0
            }
            Operator::Facet { span: s, .. } => return Err(crate::facet::not_last(*s)),
            other => {
                return Err(PlanError::at(
                    "inside partition only where, extend, project, parse, mv-expand, sort, summarize, take, top and scan are supported yet",
                    op_span(other),
                ));
            }
        };
    }
    let out: Vec<Expr> = column_names(&cur)
        .into_iter()
        .filter(|n| n != hidden)
        .map(|n| col(&n).alias(n))
        .collect();
    build_plan(LogicalPlanBuilder::from(cur).project(out), span)
}

fn key_expr(name: &str, span: Span) -> ast::NamedExpr {
    let expr = ast::Expr {
        kind: ast::ExprKind::Ident(ast::Ident {
            name: name.to_string(),
            span,
        }),
        span,
    };
    ast::NamedExpr {
        names: vec![],
        expr,
        span,
    }
}

fn count_windows(plan: &LogicalPlan) -> usize {
    let mut n = 0;
    let _ = plan.apply(|node| {
        if matches!(node, LogicalPlan::Window(_)) {
            n += 1;
        }
        Ok(TreeNodeRecursion::Continue)
    });
    n
}

fn op_span(op: &Operator) -> Span {
    match op {
        Operator::Where { span, .. }
        | Operator::Extend { span, .. }
        | Operator::Parse { span, .. }
        | Operator::ParseKv { span, .. }
        | Operator::MvExpand { span, .. }
        | Operator::Sort { span, .. }
        | Operator::Project { span, .. }
        | Operator::ProjectAway { span, .. }
        | Operator::ProjectKeep { span, .. }
        | Operator::ProjectRename { span, .. }
        | Operator::ProjectReorder { span, .. }
        | Operator::Summarize { span, .. }
        | Operator::Take { span, .. }
        | Operator::Top { span, .. }
        | Operator::Distinct { span, .. }
        | Operator::Count { span }
        | Operator::Join { span, .. }
        | Operator::Union { span, .. }
        | Operator::Serialize { span, .. }
        | Operator::Scan { span, .. }
        | Operator::Partition { span, .. }
        | Operator::Unsupported { span, .. } => *span,
        _ => Span::default(),
    }
}
