//! `facet by A, B [with (operators)]`: several result tables from one input.
//! The `with` pipe's table comes first when there is one, then per column a
//! table of its distinct values and `count_A`. The tables are results, not an
//! input: `facet` must end the query's final tabular statement, which
//! `Planner::plan_query` checks before calling here.
//!
//! Kusto's examples list values in order of first appearance, but here the
//! input's order is not fixed once DataFusion splits it across threads (a
//! `where` before `facet` is enough), so numbering rows would give a different
//! order from run to run and hold the whole input on one thread. Values are
//! sorted ascending instead, nulls first as in Kusto's `sort … asc`; a
//! `dynamic` column sorts by its JSON text.

use crate::expr::col;
use crate::operators::{build_plan, plan_operator};
use crate::scope::Scope;
use crate::source::column_names;
use crate::{PlanError, Planner};
use datafusion::functions_aggregate::expr_fn::count;
use datafusion::logical_expr::{LogicalPlan, LogicalPlanBuilder, lit};
use kql_syntax::ast::{Ident, Operator, Span};

/// The error for a `facet` anywhere but at the end of the query.
pub(crate) fn not_last(span: Span) -> PlanError {
    PlanError::at(
        "facet must be the last operator of the query: its result tables cannot be used by other operators",
        span,
    )
}

/// The result tables of `facet` over `plan`, in the order Kusto returns them.
pub(crate) fn facet(
    p: &Planner<'_>,
    scope: &mut Scope,
    plan: LogicalPlan,
    columns: &[Ident],
    with: &[Operator],
) -> Result<Vec<LogicalPlan>, PlanError> {
    let names = column_names(&plan);
    for c in columns {
        if !names.contains(&c.name) {
            return Err(PlanError::unknown(
                "column",
                &c.name,
                c.span,
                names.iter().map(String::as_str),
            ));
        }
    }
    let mut tables = Vec::with_capacity(columns.len() + 1);
    if !with.is_empty() {
        // The pipe sees the same `let`s and `as` names as the input did,
        // but what it binds stays inside it.
        let mut inner = scope.clone();
        let mut filtered = plan.clone();
        for op in with {
            filtered = plan_operator(p, &mut inner, filtered, op)?.0;
        }
        tables.push(filtered);
    }
    for c in columns {
        let counted = format!("count_{}", c.name);
        tables.push(build_plan(
            LogicalPlanBuilder::from(plan.clone())
                .aggregate(vec![col(&c.name)], vec![count(lit(1i64)).alias(&counted)])
                .and_then(|b| b.sort(vec![col(&c.name).sort(true, true)]))
                .and_then(|b| b.project(vec![col(&c.name).alias(&c.name), col(&counted)])),
            c.span,
        )?);
    }
    Ok(tables)
}
