//! `project` and `extend`: every expression of one step is bound against
//! the step's input, as in Kusto, and functions returning several columns
//! (`series_stats`) expand into them.

use crate::expr::{self, col};
use crate::naming;
use crate::operators::{build_plan, matching};
use crate::scope::Scope;
use crate::source::column_names;
use crate::{PlanError, Planner};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder};
use kql_syntax::ast::{self, Span};

/// The output name of an unnamed expression in project/extend.
fn output_name(c: &ast::NamedExpr, taken: &[String]) -> Result<String, PlanError> {
    match c.names.as_slice() {
        [] => Ok(naming::derived_name(&c.expr).unwrap_or_else(|| naming::next_column_name(taken))),
        [one] => Ok(one.name.clone()),
        _ => Err(PlanError::at(
            "several names are only allowed for functions returning several columns",
            c.span,
        )),
    }
}

/// DataFusion's projection merging confuses `x + 1 AS x` stacked on `x + 1 AS x`
/// (same expression name); an alias node after a projection that redefines an
/// input column keeps the two computations apart.
fn fence(plan: LogicalPlan, span: Span) -> Result<LogicalPlan, PlanError> {
    let aliased = build_plan(LogicalPlanBuilder::from(plan).alias("__kql_step"), span)?;
    crate::source::normalize(aliased, span)
}

pub(crate) fn project(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    columns: &[ast::NamedExpr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let inputs = column_names(&plan);
    let mut redefined = false;
    let mut names: Vec<String> = Vec::new();
    let mut exprs = Vec::new();
    for c in columns {
        if let (ast::ExprKind::Ident(id), true) = (&c.expr.kind, c.names.is_empty())
            && id.name.contains('*')
        {
            for n in matching(&plan, &id.name) {
                if !names.contains(&n) {
                    exprs.push(col(&n).alias(n.clone()));
                    names.push(n);
                }
            }
            continue;
        }
        for (name, v) in outputs(p, scope, &plan, c, &names)
            .map_err(|e| same_step_reference(e, names.iter(), "project"))?
        {
            if names.contains(&name) {
                return Err(PlanError::at(
                    format!("column '{name}' is projected twice"),
                    c.span,
                ));
            }
            redefined |= inputs.contains(&name) && !matches!(v.expr, Expr::Column(_));
            exprs.push(v.expr.alias(name.clone()));
            names.push(name);
        }
    }
    let (windowed, exprs) = crate::window::with_windows(plan, exprs, span)?;
    let projected = build_plan(LogicalPlanBuilder::from(windowed).project(exprs), span)?;
    if redefined {
        fence(projected, span)
    } else {
        Ok(projected)
    }
}

pub(crate) fn extend(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    columns: &[ast::NamedExpr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let inputs = column_names(&plan);
    // Kusto binds every expression of one extend against the extend's input:
    // `extend a = 1, b = a + 1` is an error there and `extend x = x + 1, y = x`
    // reads the old `x`, so all expressions are lowered over the same schema.
    let mut new: Vec<(String, Expr)> = Vec::new();
    let mut taken = inputs.clone();
    for c in columns {
        let produced = outputs(p, scope, &plan, c, &taken)
            .map_err(|e| same_step_reference(e, new.iter().map(|(n, _)| n), "extend"))?;
        for (name, v) in produced {
            if new.iter().any(|(n, _)| *n == name) {
                return Err(PlanError::at(
                    format!("column '{name}' is defined twice in this extend"),
                    c.names.first().map_or(c.span, |n| n.span),
                ));
            }
            if !taken.contains(&name) {
                taken.push(name.clone());
            }
            new.push((name, v.expr));
        }
    }
    let mut replaced = false;
    let mut exprs: Vec<Expr> = Vec::new();
    for n in &inputs {
        match new.iter().find(|(name, _)| name == n) {
            Some((_, e)) => {
                replaced |= !matches!(e, Expr::Column(c) if c.name == *n);
                exprs.push(e.clone().alias(n.clone()));
            }
            None => exprs.push(col(n).alias(n.clone())),
        }
    }
    for (n, e) in &new {
        if !inputs.contains(n) {
            exprs.push(e.clone().alias(n.clone()));
        }
    }
    let (windowed, exprs) = crate::window::with_windows(plan, exprs, span)?;
    let plan = build_plan(LogicalPlanBuilder::from(windowed).project(exprs), span)?;
    if replaced {
        fence(plan, span)
    } else {
        Ok(plan)
    }
}

/// The named columns one expression of project/extend produces: one, or
/// several for a function returning several columns.
fn outputs(
    p: &Planner<'_>,
    scope: &Scope,
    plan: &LogicalPlan,
    c: &ast::NamedExpr,
    taken: &[String],
) -> Result<Vec<(String, expr::TExpr)>, PlanError> {
    if let Some(cols) = crate::multi_output::expand(p, scope, plan.schema(), c) {
        return cols;
    }
    let v = expr::lower(p, scope, plan.schema(), &c.expr)?;
    Ok(vec![(output_name(c, taken)?, v)])
}

/// An unknown-column error about a column that the same operator defines
/// earlier says so, since that is the usual cause and the fix differs.
pub(crate) fn same_step_reference<'n>(
    e: PlanError,
    mut new: impl Iterator<Item = &'n String>,
    op: &str,
) -> PlanError {
    match new.find(|n| e.message.starts_with(&format!("unknown column '{n}'"))) {
        Some(n) => PlanError::new(
            format!(
                "column '{n}' is defined in this same {op}, whose expressions only see its input; \
                 use it in a following `| extend`"
            ),
            e.span,
        ),
        None => e,
    }
}
