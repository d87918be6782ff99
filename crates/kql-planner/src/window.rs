//! Kusto's functions over serialized rows (`row_number`, `prev`, `next`,
//! `row_cumsum`) as DataFusion window functions over the whole input in its
//! current order.

use crate::PlanError;
use crate::expr::TExpr;
use crate::operators::build_plan;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::functions_window::expr_fn::{lag, lead, row_number};
use datafusion::logical_expr::expr::WindowFunction;
use datafusion::logical_expr::utils::find_window_exprs;
use datafusion::logical_expr::{
    Expr, ExprFunctionExt, LogicalPlan, LogicalPlanBuilder, WindowFrame, WindowFrameBound,
    WindowFrameUnits, cast, lit,
};
use kql_functions::KustoType;
use kql_functions::value::KValue;
use kql_functions::window::{SerialKind, serial_udwf};
use kql_syntax::ast::Span;

pub(crate) const WINDOW_FUNCTIONS: &[&str] = &[
    "row_number",
    "prev",
    "next",
    "row_cumsum",
    "row_rank_min",
    "row_rank_dense",
];

pub fn is_window_function(name: &str) -> bool {
    WINDOW_FUNCTIONS.contains(&name)
}

fn constant_long(v: &TExpr, what: &str, span: Span) -> Result<i64, PlanError> {
    v.constant
        .as_ref()
        .and_then(KValue::as_i64)
        .filter(|_| v.ty.is_integer())
        .ok_or_else(|| PlanError::at(format!("{what} must be a whole-number constant"), span))
}

pub fn window_call(name: &str, args: Vec<TExpr>, span: Span) -> Result<Expr, PlanError> {
    let mut it = args.into_iter();
    match name {
        "row_number" => {
            let start = match it.next() {
                Some(s) => constant_long(&s, "row_number's start", span)?,
                None => 1,
            };
            if let Some(restart) = it.next() {
                let restart = condition(restart, span)?;
                return Ok(serial(SerialKind::RowNumber, vec![lit(start), restart]));
            }
            let rn = cast(row_number(), DataType::Int64);
            Ok(if start == 1 {
                rn
            } else {
                rn + datafusion::logical_expr::lit(start - 1)
            })
        }
        "row_rank_min" | "row_rank_dense" => {
            let term = it
                .next()
                .ok_or_else(|| PlanError::at(format!("{name}() takes a value"), span))?;
            let kind = if name == "row_rank_min" {
                SerialKind::RankMin
            } else {
                SerialKind::RankDense
            };
            Ok(serial(kind, vec![term.expr]))
        }
        "prev" | "next" => {
            let col = it
                .next()
                .ok_or_else(|| PlanError::at(format!("{name}() takes a column"), span))?;
            let offset = match it.next() {
                Some(o) => constant_long(&o, "the offset", span)?,
                None => 1,
            };
            if offset < 1 {
                return Err(PlanError::at(
                    format!("{name}(): the offset must be at least 1"),
                    span,
                ));
            }
            let default = match it.next() {
                Some(d) => {
                    let v = d
                        .constant
                        .ok_or_else(|| PlanError::at("the default must be a constant", span))?;
                    Some(v.to_scalar(col.ty))
                }
                None if col.ty == KustoType::String => {
                    Some(KValue::String(String::new()).to_scalar(col.ty))
                }
                None => None,
            };
            Ok(if name == "prev" {
                lag(col.expr, Some(offset), default)
            } else {
                lead(col.expr, Some(offset), default)
            })
        }
        _ => {
            let term = it
                .next()
                .ok_or_else(|| PlanError::at("row_cumsum() takes a value", span))?;
            if let Some(restart) = it.next() {
                if !term.ty.is_numeric() {
                    return Err(PlanError::at(
                        format!("row_cumsum(): expected a number, got {}", term.ty),
                        span,
                    ));
                }
                let restart = condition(restart, span)?;
                return Ok(serial(SerialKind::CumSum, vec![term.expr, restart]));
            }
            if !term.ty.is_numeric() {
                return Err(PlanError::at(
                    format!("row_cumsum(): expected a number, got {}", term.ty),
                    span,
                ));
            }
            let ty = term.ty;
            let sum_fn = datafusion::functions_aggregate::sum::sum_udaf();
            let running = Expr::from(WindowFunction::new(sum_fn, vec![term.expr]))
                .window_frame(WindowFrame::new_bounds(
                    WindowFrameUnits::Rows,
                    WindowFrameBound::Preceding(ScalarValue::UInt64(None)),
                    WindowFrameBound::CurrentRow,
                ))
                .build()
                .map_err(|e| PlanError::datafusion(e, span))?;
            Ok(if ty.is_integer() {
                cast(running, DataType::Int64)
            } else {
                running
            })
        }
    }
}

/// Adds the window computations `exprs` need below their projection and
/// returns the expressions to project. Windows are ordered by the pipeline's
/// last sort, so the optimizer cannot evaluate them over rows in another order.
pub fn with_windows(
    plan: LogicalPlan,
    exprs: Vec<Expr>,
    span: Span,
) -> Result<(LogicalPlan, Vec<Expr>), PlanError> {
    if find_window_exprs(&exprs).is_empty() {
        return Ok((plan, exprs));
    }
    let order = serial_order(&plan);
    let exprs = exprs
        .into_iter()
        .map(|e| {
            e.transform_up(|node| match node {
                Expr::WindowFunction(mut f)
                    if !order.is_empty() && f.params.order_by.is_empty() =>
                {
                    f.params.order_by = order.clone();
                    Ok(Transformed::yes(Expr::WindowFunction(f)))
                }
                other => Ok(Transformed::no(other)),
            })
            .map(|t| t.data)
        })
        .collect::<datafusion::common::Result<Vec<_>>>()
        .map_err(|e| PlanError::datafusion(e, span))?;
    add_windows(plan, exprs, span)
}

/// Window nodes for every window function in `exprs`; returns `exprs` with
/// inner windows replaced by their columns. A window inside another one's
/// arguments (`row_cumsum(v, g != prev(g))`) is computed by an earlier node,
/// since DataFusion cannot nest them.
fn add_windows(
    plan: LogicalPlan,
    exprs: Vec<Expr>,
    span: Span,
) -> Result<(LogicalPlan, Vec<Expr>), PlanError> {
    let windows = find_window_exprs(&exprs);
    if windows.is_empty() {
        return Ok((plan, exprs));
    }
    // The same inner window (`prev(g)` in two restarts) is computed once:
    // two identical window columns would clash by name.
    let mut nested: Vec<Expr> = Vec::new();
    for inner in windows.iter().flat_map(|w| match w {
        Expr::WindowFunction(f) => find_window_exprs(&f.params.args),
        _ => Vec::new(),
    }) {
        if !nested.contains(&inner) {
            nested.push(inner);
        }
    }
    let (plan, exprs) = if nested.is_empty() {
        (plan, exprs)
    } else {
        let (plan, nested) = add_windows(plan, nested, span)?;
        // Inner windows get plain hidden names: DataFusion's common
        // subexpression pass loses columns named after window expressions
        // when several outer windows read them.
        let names: Vec<(Expr, String)> = nested
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), format!("__kql_window_{i}")))
            .collect();
        let projection: Vec<Expr> = plan
            .schema()
            .fields()
            .iter()
            .map(|f| {
                let c = Expr::Column(datafusion::common::Column::from_name(f.name().clone()));
                match names
                    .iter()
                    .find(|(n, _)| n.schema_name().to_string() == *f.name())
                {
                    Some((_, hidden)) => c.alias(hidden.clone()),
                    None => c,
                }
            })
            .collect();
        let plan = build_plan(LogicalPlanBuilder::from(plan).project(projection), span)?;
        let rewritten = exprs
            .into_iter()
            .map(|e| {
                e.transform_down(|node| match names.iter().find(|(n, _)| *n == node) {
                    Some((_, name)) => Ok(Transformed::yes(Expr::Column(
                        datafusion::common::Column::from_name(name.clone()),
                    ))),
                    None => Ok(Transformed::no(node)),
                })
                .map(|t| t.data)
            })
            .collect::<datafusion::common::Result<Vec<_>>>()
            .map_err(|e| PlanError::datafusion(e, span))?;
        (plan, rewritten)
    };
    let windows = find_window_exprs(&exprs);
    let plan = build_plan(
        LogicalPlanBuilder::window_plan(plan, windows).map(LogicalPlanBuilder::from),
        span,
    )?;
    Ok((plan, exprs))
}

/// The sort that fixes the current row order: the last `sort`/`order`/`top`
/// below only row-preserving nodes, when its keys are still columns here.
pub(crate) fn serial_order(plan: &LogicalPlan) -> Vec<datafusion::logical_expr::SortExpr> {
    let names = crate::source::column_names(plan);
    let mut node = plan;
    loop {
        match node {
            LogicalPlan::Sort(s) => {
                let ok = s.expr.iter().all(|e| match &e.expr {
                    Expr::Column(c) => names.contains(&c.name),
                    _ => false,
                });
                return if ok { s.expr.clone() } else { Vec::new() };
            }
            LogicalPlan::Projection(_)
            | LogicalPlan::Filter(_)
            | LogicalPlan::Limit(_)
            | LogicalPlan::Window(_)
            | LogicalPlan::SubqueryAlias(_) => match node.inputs().first() {
                Some(i) => node = i,
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        }
    }
}

/// A Kusto serialized-row function from `kql-functions` as a window expression.
fn serial(kind: SerialKind, args: Vec<Expr>) -> Expr {
    Expr::from(WindowFunction::new(serial_udwf(kind), args))
}

fn condition(v: TExpr, span: Span) -> Result<Expr, PlanError> {
    kql_functions::scalar::logic::condition(v.arg()).map_err(|m| PlanError::at(m, span))
}
