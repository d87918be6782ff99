//! `make-series`: aggregates per bin of an axis column, laid out as arrays over
//! every bin from `from` (or the first value) to `to` (or the last), with
//! empty bins filled by the default; the axis itself becomes an array too.

use crate::expr::{self, TExpr, col};
use crate::naming;
use crate::operators::build_plan;
use crate::scope::Scope;
use crate::source::constant;
use crate::summarize::aggregate_call;
use crate::{PlanError, Planner};
use datafusion::arrow::datatypes::DataType;
use datafusion::functions_aggregate::expr_fn::{max, min};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, cast, lit};
use kql_functions::KustoType;
use kql_functions::aggregate::series;
use kql_functions::catalog;
use kql_functions::value::KValue;
use kql_syntax::ast::{self, ExprKind, SeriesAggregate, Span};

const BIN: &str = "__kql_bin";
const START: &str = "__kql_start";
const COUNT: &str = "__kql_count";

/// The axis value as the series key: Int64 nanoseconds / integers, or Float64.
fn key(e: Expr, ty: KustoType) -> Expr {
    match ty {
        KustoType::Real | KustoType::Decimal => cast(e, DataType::Float64),
        _ => cast(e, DataType::Int64),
    }
}

fn key_value(v: &KValue) -> Option<f64> {
    match v {
        KValue::DateTime(t) | KValue::Timespan(t) => Some(*t as f64),
        other => other.as_f64(),
    }
}

#[allow(clippy::too_many_arguments)]
pub fn make_series(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    params: &[ast::OperatorParam],
    aggregates: &[SeriesAggregate],
    axis: &ast::Expr,
    from: Option<&ast::Expr>,
    to: Option<&ast::Expr>,
    step: &ast::Expr,
    by: &[ast::NamedExpr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    if let Some(prm) = params.first() {
        return Err(PlanError::at(
            format!(
                "make-series parameter '{}' is not supported yet",
                prm.name.name
            ),
            prm.name.span,
        ));
    }
    let schema = plan.schema().clone();
    let axis_v = expr::lower(p, scope, &schema, axis)?;
    let axis_ty = axis_v.ty;
    let is_dt = axis_ty == KustoType::DateTime;
    if !(axis_ty.is_numeric() || matches!(axis_ty, KustoType::DateTime | KustoType::Timespan)) {
        return Err(PlanError::at(
            format!("make-series needs a numeric or datetime axis, got {axis_ty}"),
            axis.span,
        ));
    }
    let axis_name = naming::derived_name(axis).unwrap_or_else(|| "Column1".to_string());
    let step_v = constant(p, scope, step, "the series step")?;
    let step_key = step_v
        .constant
        .as_ref()
        .and_then(key_value)
        .filter(|s| *s > 0.0)
        .ok_or_else(|| PlanError::at("the series step must be a positive constant", step.span))?;
    let from_v = from
        .map(|f| constant(p, scope, f, "the series start"))
        .transpose()?;
    let to_v = to
        .map(|t| constant(p, scope, t, "the series end"))
        .transpose()?;

    // Stage 1: keep the rows inside [from, to) and compute each row's bin.
    let mut filter = axis_v.expr.clone().is_not_null();
    if let Some(f) = &from_v {
        filter = filter.and(
            expr::binary(
                ast::BinaryOp::GtEq,
                axis_v.clone(),
                f.clone(),
                &schema,
                span,
            )?
            .expr,
        );
    }
    if let Some(t) = &to_v {
        filter = filter
            .and(expr::binary(ast::BinaryOp::Lt, axis_v.clone(), t.clone(), &schema, span)?.expr);
    }
    let ctx = p.call_context();
    let bin = match &from_v {
        Some(f) => (catalog::scalar_function("bin_at")
            .map(|f| f.build)
            .ok_or_else(|| PlanError::at("bin_at missing", span))?)(
            vec![axis_v.clone().arg(), step_v.clone().arg(), f.clone().arg()],
            &ctx,
        ),
        None => (catalog::scalar_function("bin")
            .map(|f| f.build)
            .ok_or_else(|| PlanError::at("bin missing", span))?)(
            vec![axis_v.clone().arg(), step_v.clone().arg()],
            &ctx,
        ),
    }
    .map_err(|m| PlanError::at(m, step.span))?;
    let filtered = build_plan(LogicalPlanBuilder::from(plan).filter(filter), span)?;

    // Stage 2: aggregate per group and bin.
    let (group_exprs, group_names) = crate::summarize::group_keys(p, scope, &schema, by)?;
    let mut per_bin_groups = group_exprs.clone();
    per_bin_groups.push(key(bin, axis_ty).alias(BIN));
    let mut agg_exprs = Vec::new();
    let mut outputs = Vec::new();
    let mut taken = group_names.clone();
    for (i, a) in aggregates.iter().enumerate() {
        let ExprKind::Call { name, args } = &a.aggregate.expr.kind else {
            return Err(PlanError::at(
                "make-series needs an aggregation (sum(), count(), avg(), …)",
                a.aggregate.expr.span,
            ));
        };
        let cols = aggregate_call(
            p,
            scope,
            &schema,
            name,
            args,
            &group_names,
            a.aggregate.expr.span,
        )?;
        let [(agg, default_name)] = <[_; 1]>::try_from(cols).map_err(|_| {
            PlanError::at(
                format!("{}() cannot be used in make-series", name.name),
                a.aggregate.expr.span,
            )
        })?;
        let out = match a.aggregate.names.as_slice() {
            [n] => n.name.clone(),
            _ => naming::unique(default_name, &taken),
        };
        taken.push(out.clone());
        let fill = match &a.default {
            Some(d) => constant(p, scope, d, "the default")?,
            None => TExpr::constant(KValue::Long(0), KustoType::Long),
        };
        agg_exprs.push(agg.alias(format!("__kql_s{i}")));
        outputs.push((out, fill));
    }
    let per_bin = build_plan(
        LogicalPlanBuilder::from(filtered).aggregate(per_bin_groups, agg_exprs),
        span,
    )?;

    // Stage 3: the series' first bin and bin count, over all groups.
    let stats = build_plan(
        LogicalPlanBuilder::from(per_bin.clone()).aggregate(
            Vec::<Expr>::new(),
            vec![
                min(col(BIN)).alias("__kql_min"),
                max(col(BIN)).alias("__kql_max"),
            ],
        ),
        span,
    )?;
    let joined = build_plan(LogicalPlanBuilder::from(per_bin).cross_join(stats), span)?;
    let step_lit = key(
        step_v.expr.clone(),
        if axis_ty == KustoType::Real {
            KustoType::Real
        } else {
            KustoType::Long
        },
    );
    let start = match &from_v {
        Some(f) => key(f.expr.clone(), axis_ty),
        None => col("__kql_min"),
    };
    let count = match (&from_v, &to_v) {
        (Some(f), Some(t)) => {
            let (a, b) = (
                f.constant.as_ref().and_then(key_value),
                t.constant.as_ref().and_then(key_value),
            );
            match (a, b) {
                (Some(a), Some(b)) => lit(((b - a) / step_key)
                    .ceil()
                    .clamp(0.0, series::MAX_BINS as f64)
                    as i64),
                _ => lit(0i64),
            }
        }
        (_, Some(t)) => cast(
            datafusion::functions::expr_fn::ceil(
                cast(
                    key(t.expr.clone(), axis_ty) - start.clone(),
                    DataType::Float64,
                ) / lit(step_key),
            ),
            DataType::Int64,
        ),
        (_, None) => {
            cast(
                (col("__kql_max") - start.clone()) / step_lit.clone(),
                DataType::Int64,
            ) + lit(1i64)
        }
    };
    let with_bounds: Vec<Expr> = group_names
        .iter()
        .map(|n| col(n).alias(n.clone()))
        .chain([col(BIN).alias(BIN), start.alias(START), count.alias(COUNT)])
        .chain((0..outputs.len()).map(|i| col(&format!("__kql_s{i}")).alias(format!("__kql_s{i}"))))
        .collect();
    let bounded = build_plan(LogicalPlanBuilder::from(joined).project(with_bounds), span)?;

    // Stage 4: one row per group with the arrays.
    let mut final_groups: Vec<Expr> = group_names
        .iter()
        .map(|n| col(n).alias(n.clone()))
        .collect();
    final_groups.push(col(START).alias(START));
    final_groups.push(col(COUNT).alias(COUNT));
    let series_exprs: Vec<Expr> = outputs
        .iter()
        .enumerate()
        .map(|(i, (name, fill))| {
            series::series(
                col(BIN),
                col(&format!("__kql_s{i}")),
                col(START),
                step_lit.clone(),
                col(COUNT),
                fill.expr.clone(),
            )
            .alias(name.clone())
        })
        .collect();
    let grouped = build_plan(
        LogicalPlanBuilder::from(bounded).aggregate(final_groups, series_exprs),
        span,
    )?;
    // A series with no bins (from == to) has no rows, as in Kusto.
    let nonempty = build_plan(
        LogicalPlanBuilder::from(grouped).filter(col(COUNT).gt(lit(0i64))),
        span,
    )?;
    let mut projection: Vec<Expr> = group_names
        .iter()
        .map(|n| col(n).alias(n.clone()))
        .collect();
    projection.extend(outputs.iter().map(|(n, _)| col(n).alias(n.clone())));
    projection.push(series::axis(col(START), step_lit, col(COUNT), is_dt).alias(axis_name));
    build_plan(LogicalPlanBuilder::from(nonempty).project(projection), span)
}
