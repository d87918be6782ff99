//! `join`: Kusto's join kinds on DataFusion joins. `innerunique` (the default)
//! first keeps one left row per key; right-side columns whose names clash with
//! left ones get a numeric suffix (`k1`); unmatched string cells are `""`.

use crate::expr::col;
use crate::operators::build_plan;
use crate::scope::Scope;
use crate::source::column_names;
use crate::{PlanError, Planner};
use datafusion::common::{Column, JoinType, NullEquality};
use datafusion::functions_aggregate::expr_fn::first_value;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, lit};
use kql_functions::KustoType;
use kql_syntax::ast::{self, JoinCondition, JoinKind, Span};

const LEFT: &str = "__kql_left";
const RIGHT: &str = "__kql_right";

pub fn join(
    p: &Planner<'_>,
    scope: &Scope,
    left: LogicalPlan,
    kind: &JoinKind,
    right: &ast::TabularExpr,
    on: &[JoinCondition],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    join_impl(p, scope, left, kind, right, on, span, false)
}

/// `lookup`: a join whose result keeps the key columns once (from the left).
pub fn lookup(
    p: &Planner<'_>,
    scope: &Scope,
    left: LogicalPlan,
    kind: &JoinKind,
    right: &ast::TabularExpr,
    on: &[JoinCondition],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    if !matches!(kind, JoinKind::LeftOuter | JoinKind::Inner) {
        return Err(PlanError::at(
            "lookup supports kind=leftouter and kind=inner",
            span,
        ));
    }
    join_impl(p, scope, left, kind, right, on, span, true)
}

#[allow(clippy::too_many_arguments)]
fn join_impl(
    p: &Planner<'_>,
    scope: &Scope,
    left: LogicalPlan,
    kind: &JoinKind,
    right: &ast::TabularExpr,
    on: &[JoinCondition],
    span: Span,
    is_lookup: bool,
) -> Result<LogicalPlan, PlanError> {
    let (right, _) = p.plan_tabular(&mut scope.clone(), right)?;
    let left_names = column_names(&left);
    let right_names = column_names(&right);
    if on.is_empty() {
        return Err(PlanError::at("join needs 'on' conditions", span));
    }
    let mut lkeys = Vec::new();
    let mut rkeys = Vec::new();
    for c in on {
        let (l, r) = match c {
            JoinCondition::Column(id) => (id, id),
            JoinCondition::LeftRight { left, right } => (left, right),
        };
        if !left_names.contains(&l.name) {
            return Err(PlanError::unknown(
                "column on the left side",
                &l.name,
                l.span,
                left_names.iter().map(String::as_str),
            ));
        }
        if !right_names.contains(&r.name) {
            return Err(PlanError::unknown(
                "column on the right side",
                &r.name,
                r.span,
                right_names.iter().map(String::as_str),
            ));
        }
        lkeys.push(l.name.clone());
        rkeys.push(r.name.clone());
    }
    let left = if *kind == JoinKind::InnerUnique {
        dedup_by_keys(left, &lkeys, span)?
    } else {
        left
    };
    let join_type = match kind {
        JoinKind::InnerUnique | JoinKind::Inner => JoinType::Inner,
        JoinKind::LeftOuter => JoinType::Left,
        JoinKind::RightOuter => JoinType::Right,
        JoinKind::FullOuter => JoinType::Full,
        JoinKind::LeftAnti => JoinType::LeftAnti,
        JoinKind::RightAnti => JoinType::RightAnti,
        JoinKind::LeftSemi => JoinType::LeftSemi,
        JoinKind::RightSemi => JoinType::RightSemi,
    };
    let l = build_plan(LogicalPlanBuilder::from(left).alias(LEFT), span)?;
    let r = build_plan(LogicalPlanBuilder::from(right).alias(RIGHT), span)?;
    let lcols: Vec<Column> = lkeys.iter().map(|k| Column::new(Some(LEFT), k)).collect();
    let rcols: Vec<Column> = rkeys.iter().map(|k| Column::new(Some(RIGHT), k)).collect();
    // Kusto matches null keys with each other.
    let joined = build_plan(
        LogicalPlanBuilder::from(l).join_detailed(
            r,
            join_type,
            (lcols, rcols),
            None,
            NullEquality::NullEqualsNull,
        ),
        span,
    )?;

    let schema = joined.schema().clone();
    let string_col = |q: &str, n: &str| {
        schema
            .field_with_qualified_name(&q.into(), n)
            .ok()
            .and_then(|f| KustoType::from_arrow(f.data_type()))
            == Some(KustoType::String)
    };
    let out = |q: &str, n: &str, name: String| -> Expr {
        let c = Expr::Column(Column::new(Some(q), n));
        if string_col(q, n) {
            datafusion::functions::expr_fn::coalesce(vec![c, lit("")]).alias(name)
        } else {
            c.alias(name)
        }
    };
    let mut exprs = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    let keep_left = !matches!(join_type, JoinType::RightAnti | JoinType::RightSemi);
    let keep_right = !matches!(join_type, JoinType::LeftAnti | JoinType::LeftSemi);
    if keep_left {
        for n in &left_names {
            exprs.push(out(LEFT, n, n.clone()));
            taken.push(n.clone());
        }
    }
    if keep_right {
        for n in &right_names {
            if is_lookup && rkeys.contains(n) {
                continue;
            }
            let mut name = n.clone();
            let mut i = 1;
            while taken.contains(&name) {
                name = format!("{n}{i}");
                i += 1;
            }
            exprs.push(out(RIGHT, n, name.clone()));
            taken.push(name);
        }
    }
    build_plan(LogicalPlanBuilder::from(joined).project(exprs), span)
}

/// One row per key (Kusto's `innerunique` keeps an arbitrary left row per key).
fn dedup_by_keys(plan: LogicalPlan, keys: &[String], span: Span) -> Result<LogicalPlan, PlanError> {
    let names = column_names(&plan);
    let groups: Vec<Expr> = keys.iter().map(|k| col(k).alias(k.clone())).collect();
    let aggs: Vec<Expr> = names
        .iter()
        .filter(|n| !keys.contains(n))
        .map(|n| first_value(col(n), vec![]).alias(n.clone()))
        .collect();
    let deduped = build_plan(LogicalPlanBuilder::from(plan).aggregate(groups, aggs), span)?;
    let order: Vec<Expr> = names.iter().map(|n| col(n).alias(n.clone())).collect();
    build_plan(LogicalPlanBuilder::from(deduped).project(order), span)
}
