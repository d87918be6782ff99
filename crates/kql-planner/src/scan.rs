//! `scan`: Kusto's state machine over the rows in order. Conditions and
//! assignments are lowered like any expression, over a schema that holds the
//! current row, the declared columns and one copy of every column per step
//! (`s.col`); `scan_eval` then walks the rows once, as a window function over
//! the whole input (or over each partition of `partition by`), and lists the
//! rows each record produces, which are unnested back into rows.

use crate::expr::{self, col};
use crate::operators::build_plan;
use crate::scan_eval::{ScanProgram, ScanStepProgram, StepOutput};
use crate::scope::Scope;
use crate::source::{column_names, constant};
use crate::{PlanError, Planner};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::common::{Column, DFSchema, ScalarValue, UnnestOptions};
use datafusion::logical_expr::expr::WindowFunction;
use datafusion::logical_expr::utils::find_window_exprs;
use datafusion::logical_expr::{Expr, ExprFunctionExt, LogicalPlan, LogicalPlanBuilder};
use kql_functions::KustoType;
use kql_syntax::ast::{self, ExprKind, Span};
use std::sync::Arc;

const LISTED: &str = "__kql_scan";

/// The column that holds step `k`'s state value of `name`.
fn state_column(k: usize, name: &str) -> String {
    format!("__kql_scan_{k}_{name}")
}

#[allow(clippy::too_many_arguments)]
pub fn scan(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    match_id: Option<&ast::Ident>,
    declare: &[ast::ParamDecl],
    steps: &[ast::ScanStep],
    partition_by: &[String],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let inputs: Vec<(String, DataType)> = plan
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    let mut declared: Vec<(String, KustoType, ScalarValue)> = Vec::new();
    for d in declare {
        let ty = KustoType::from_name(&d.ty.name)
            .ok_or_else(|| PlanError::at(format!("unknown type '{}'", d.ty.name), d.ty.span))?;
        if inputs.iter().any(|(n, _)| *n == d.name.name)
            || declared.iter().any(|(n, _, _)| *n == d.name.name)
        {
            return Err(PlanError::at(
                format!("column '{}' is already defined", d.name.name),
                d.name.span,
            ));
        }
        let default = match &d.default {
            Some(e) => {
                let v = constant(p, scope, e, "a scan default")?;
                let v = expr::convert_to(v, ty);
                v.constant
                    .map(|c| c.to_scalar(ty))
                    .unwrap_or(ScalarValue::try_from(&ty.to_arrow()).unwrap_or(ScalarValue::Null))
            }
            None => ScalarValue::try_from(&ty.to_arrow()).unwrap_or(ScalarValue::Null),
        };
        declared.push((d.name.name.clone(), ty, default));
    }
    let step_names: Vec<String> = steps.iter().map(|s| s.name.name.clone()).collect();
    for (i, s) in steps.iter().enumerate() {
        if step_names[..i].contains(&s.name.name) {
            return Err(PlanError::at(
                format!("step '{}' is defined twice", s.name.name),
                s.name.span,
            ));
        }
    }

    // The schema conditions and assignments see.
    let mut all: Vec<(String, DataType)> = inputs.clone();
    all.extend(declared.iter().map(|(n, t, _)| (n.clone(), t.to_arrow())));
    let mut fields: Vec<Field> = all
        .iter()
        .map(|(n, t)| Field::new(n.clone(), t.clone(), true))
        .collect();
    for k in 0..steps.len() {
        fields.extend(
            all.iter()
                .map(|(n, t)| Field::new(state_column(k, n), t.clone(), true)),
        );
    }
    let eval_schema =
        DFSchema::try_from(Schema::new(fields)).map_err(|e| PlanError::datafusion(e, span))?;

    let state = datafusion::execution::SessionStateBuilder::new()
        .with_default_features()
        .build();
    let compile = |e: Expr, at: Span| {
        state
            .create_physical_expr(e, &eval_schema)
            .map_err(|err| PlanError::datafusion(err, at))
    };
    let mut programs = Vec::new();
    for s in steps {
        let output = match s.output.as_ref().map(|o| o.name.as_str()) {
            None | Some("all") => StepOutput::All,
            Some("none") => StepOutput::None,
            Some("last") => {
                return Err(PlanError::at(
                    "scan: output=last is not supported yet",
                    s.output.as_ref().map_or(s.span, |o| o.span),
                ));
            }
            Some(other) => {
                return Err(PlanError::at(
                    format!("scan: output must be all, last or none, not '{other}'"),
                    s.output.as_ref().map_or(s.span, |o| o.span),
                ));
            }
        };
        let cond = lower_step_expr(p, scope, &eval_schema, &step_names, &s.condition)?;
        let cond = match cond.ty {
            KustoType::Bool => cond,
            KustoType::Dynamic => expr::convert_to(cond, KustoType::Bool),
            t => {
                return Err(PlanError::at(
                    format!("a scan step needs a bool condition, got {t}"),
                    s.condition.span,
                ));
            }
        };
        let mut assignments = Vec::new();
        for (target, e) in &s.assignments {
            let Some(index) = declared.iter().position(|(n, _, _)| *n == target.name) else {
                return Err(PlanError::unknown(
                    "declared column",
                    &target.name,
                    target.span,
                    declared.iter().map(|(n, _, _)| n.as_str()),
                ));
            };
            let v = lower_step_expr(p, scope, &eval_schema, &step_names, e)?;
            let v = expr::convert_to(v, declared[index].1);
            assignments.push((index, compile(v.expr, e.span)?));
        }
        programs.push(ScanStepProgram {
            condition: compile(cond.expr, s.condition.span)?,
            assignments,
            output,
        });
    }

    let program = ScanProgram {
        input_types: inputs.iter().map(|(_, t)| t.clone()).collect(),
        declared: declared
            .iter()
            .map(|(n, t, d)| (n.clone(), t.to_arrow(), d.clone()))
            .collect(),
        match_id: match_id.map(|m| m.name.clone()),
        steps: programs,
        eval_schema: Arc::new(eval_schema.as_arrow().clone()),
    };
    let out_fields = program.output_fields();
    let order = crate::window::serial_order(&plan);
    let args: Vec<Expr> = inputs.iter().map(|(n, _)| col(n)).collect();
    let window = Expr::from(WindowFunction::new(
        crate::scan_eval::scan_udwf(program),
        args,
    ))
    .partition_by(partition_by.iter().map(|k| col(k)).collect())
    .order_by(order)
    .build()
    .map_err(|e| PlanError::datafusion(e, span))?;
    let windowed = build_plan(
        LogicalPlanBuilder::window_plan(plan, vec![window.clone()]).map(LogicalPlanBuilder::from),
        span,
    )?;
    let mut listed: Vec<Expr> = inputs
        .iter()
        .map(|(n, _)| col(n).alias(n.clone()))
        .collect();
    listed.push(Expr::Column(Column::from_name(window.schema_name().to_string())).alias(LISTED));
    let listed = build_plan(LogicalPlanBuilder::from(windowed).project(listed), span)?;
    let unnested = build_plan(
        LogicalPlanBuilder::from(listed).unnest_columns_with_options(
            vec![Column::new_unqualified(LISTED)],
            UnnestOptions::new().with_preserve_nulls(false),
        ),
        span,
    )?;
    let mut out: Vec<Expr> = inputs
        .iter()
        .map(|(n, _)| col(n).alias(n.clone()))
        .collect();
    for f in &out_fields {
        out.push(
            datafusion::functions::core::expr_fn::get_field(col(LISTED), f.name().as_str())
                .alias(f.name().clone()),
        );
    }
    let result = build_plan(LogicalPlanBuilder::from(unnested).project(out), span)?;
    debug_assert!(column_names(&result).len() == inputs.len() + out_fields.len());
    Ok(result)
}

/// Lowers a step's condition or assignment, with `step.col` read from the
/// state columns; the window functions of serialized rows have no meaning
/// inside a step, so they are refused, as Kusto does.
fn lower_step_expr(
    p: &Planner<'_>,
    scope: &Scope,
    schema: &DFSchema,
    steps: &[String],
    e: &ast::Expr,
) -> Result<expr::TExpr, PlanError> {
    let mut e = e.clone();
    to_state_columns(&mut e, steps);
    let v = expr::lower(p, scope, schema, &e)?;
    if !find_window_exprs(std::slice::from_ref(&v.expr)).is_empty() {
        return Err(PlanError::at(
            "functions over serialized rows (prev, next, row_number, …) cannot be used inside scan steps",
            e.span,
        ));
    }
    Ok(v)
}

fn to_state_columns(e: &mut ast::Expr, steps: &[String]) {
    if let ExprKind::Member { target, name } = &e.kind
        && let ExprKind::Ident(step) = &target.kind
        && let Some(k) = steps.iter().position(|s| *s == step.name)
    {
        e.kind = ExprKind::Ident(ast::Ident {
            name: state_column(k, &name.name),
            span: e.span,
        });
        return;
    }
    match &mut e.kind {
        ExprKind::Unary { operand, .. } => to_state_columns(operand, steps),
        ExprKind::Binary { left, right, .. } => {
            to_state_columns(left, steps);
            to_state_columns(right, steps);
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|a| to_state_columns(a, steps)),
        ExprKind::Member { target, .. } => to_state_columns(target, steps),
        ExprKind::Index { target, index } => {
            to_state_columns(target, steps);
            to_state_columns(index, steps);
        }
        ExprKind::In { target, list, .. } => {
            to_state_columns(target, steps);
            list.iter_mut().for_each(|a| to_state_columns(a, steps));
        }
        ExprKind::Between {
            target, low, high, ..
        } => {
            to_state_columns(target, steps);
            to_state_columns(low, steps);
            to_state_columns(high, steps);
        }
        ExprKind::Paren(inner) => to_state_columns(inner, steps),
        ExprKind::Literal(_)
        | ExprKind::Ident(_)
        | ExprKind::Star
        | ExprKind::TabularArg(_)
        | ExprKind::JoinSide { .. } => {}
    }
}
