//! Sources of a pipeline: tables, `datatable`, `print`, `range`, `union`, `( … )`.

use crate::expr::{self, TExpr, col};
use crate::literal::scalar;

use crate::operators::plan_union;
use crate::scope::Scope;
use crate::{PlanError, Planner};
use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array};
use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::datasource::{MemTable, provider_as_source};
use datafusion::logical_expr::{EmptyRelation, Expr, LogicalPlan, LogicalPlanBuilder, lit};
use kql_functions::KustoType;
use kql_functions::value::{KValue, convert};
use kql_syntax::ast::{self, Source, Span};
use std::sync::Arc;

/// Rows `range` may produce; beyond this the query is refused rather than
/// exhausting memory.
const MAX_RANGE_ROWS: i64 = 100_000_000;

pub fn plan_source(
    p: &Planner<'_>,
    scope: &mut Scope,
    s: &Source,
) -> Result<LogicalPlan, PlanError> {
    match s {
        Source::Table(id) => table(p, scope, id),
        Source::Paren(t) => Ok(p.plan_tabular(&mut scope.clone(), t)?.0),
        Source::Datatable {
            columns,
            values,
            span,
        } => datatable(p, scope, columns, values, *span),
        Source::Print { columns, span } => print(p, scope, columns, *span),
        Source::Range {
            name,
            from,
            to,
            step,
            span,
        } => range(p, scope, name, from, to, step, *span),
        Source::Union {
            params,
            tables,
            span,
        } => {
            let plans = tables
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    p.plan_tabular(&mut scope.clone(), t)
                        .map(|r| (r.0, union_source_name(scope, t, i)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            plan_union(params, plans, *span)
        }
        Source::Call { name, args, span } => match name.name.as_str() {
            "materialize" | "view" => match args.first().map(|a| &a.kind) {
                Some(ast::ExprKind::TabularArg(t)) => Ok(p.plan_tabular(&mut scope.clone(), t)?.0),
                Some(ast::ExprKind::Ident(id)) => table(p, scope, id),
                _ => Err(PlanError::at(
                    format!("{}() takes a tabular expression", name.name),
                    *span,
                )),
            },
            other => match scope.functions.get(other) {
                Some(f) => {
                    crate::functions::call_tabular_function(p, scope, name, f, None, args, *span)
                }
                None => Err(PlanError::at(
                    format!("tabular function '{other}' is not supported yet"),
                    *span,
                )),
            },
        },
    }
}

fn table(p: &Planner<'_>, scope: &Scope, id: &ast::Ident) -> Result<LogicalPlan, PlanError> {
    if let Some(plan) = scope.tables.get(&id.name) {
        return Ok(plan.clone());
    }
    let Some(scan) = p.resolver.resolve_table(&id.name) else {
        let mut names = p.resolver.table_names();
        names.extend(scope.tables.keys().cloned());
        return Err(PlanError::unknown(
            "table",
            &id.name,
            id.span,
            names.iter().map(String::as_str),
        ));
    };
    normalize(scan, id.span)
}

/// The `withsource=` value of a union leg: a stored table's name, otherwise
/// `union_arg<i>` as Kusto names computed legs.
pub fn union_source_name(scope: &Scope, t: &ast::TabularExpr, i: usize) -> String {
    match &t.source {
        Source::Table(id) if t.operators.is_empty() && !scope.tables.contains_key(&id.name) => {
            id.name.clone()
        }
        _ => format!("union_arg{i}"),
    }
}

/// Projects a scan to unqualified columns and makes strings non-null: Kusto
/// strings are never null, a missing string is `""`.
pub fn normalize(plan: LogicalPlan, span: Span) -> Result<LogicalPlan, PlanError> {
    let exprs: Vec<Expr> = plan
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let c = col(f.name());
            let e = match KustoType::from_arrow(f.data_type()) {
                Some(KustoType::String) if f.is_nullable() => {
                    datafusion::functions::expr_fn::coalesce(vec![c, lit("")])
                }
                _ => c,
            };
            e.alias(f.name())
        })
        .collect();
    LogicalPlanBuilder::from(plan)
        .project(exprs)
        .and_then(LogicalPlanBuilder::build)
        .map_err(|e| PlanError::datafusion(e, span))
}

/// A constant value of an expression, evaluated at plan time.
pub fn constant(
    p: &Planner<'_>,
    scope: &Scope,
    e: &ast::Expr,
    what: &str,
) -> Result<TExpr, PlanError> {
    let v = expr::lower(p, scope, &DFSchema::empty(), e)?;
    if v.constant.is_some() {
        return Ok(v);
    }
    if let Expr::Literal(s, _) = &v.expr {
        let k = KValue::from_scalar(s.clone());
        return Ok(TExpr {
            constant: Some(k),
            ..v
        });
    }
    Err(PlanError::at(format!("{what} must be a constant"), e.span))
}

fn datatable(
    p: &Planner<'_>,
    scope: &Scope,
    columns: &[ast::ColumnDecl],
    values: &[ast::Expr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    if columns.is_empty() {
        return Err(PlanError::at("datatable needs at least one column", span));
    }
    let mut fields = Vec::new();
    let mut types = Vec::new();
    for c in columns {
        let t = KustoType::from_name(&c.ty.name).ok_or_else(|| {
            PlanError::unknown(
                "type",
                &c.ty.name,
                c.ty.span,
                [
                    "bool", "int", "long", "real", "decimal", "string", "datetime", "timespan",
                    "guid", "dynamic",
                ],
            )
        })?;
        if fields.iter().any(|f: &Field| f.name() == &c.name.name) {
            return Err(PlanError::at(
                format!("duplicate column '{}'", c.name.name),
                c.name.span,
            ));
        }
        fields.push(Field::new(
            c.name.name.clone(),
            t.to_arrow(),
            t != KustoType::String,
        ));
        types.push(t);
    }
    if !values.len().is_multiple_of(columns.len()) {
        return Err(PlanError::at(
            format!(
                "datatable has {} values, not a multiple of its {} columns",
                values.len(),
                columns.len()
            ),
            span,
        ));
    }
    let mut rows = Vec::new();
    for chunk in values.chunks(columns.len()) {
        let mut row = Vec::new();
        for ((v, t), c) in chunk.iter().zip(&types).zip(columns) {
            let value = constant(p, scope, v, "a datatable value")?;
            let k = value.constant.unwrap_or(KValue::Null);
            let compatible = k.is_null()
                || value.ty == *t
                || (value.ty.is_numeric() && t.is_numeric())
                || *t == KustoType::Dynamic
                || (value.ty == KustoType::String && *t == KustoType::Guid);
            if !compatible {
                return Err(PlanError::at(
                    format!(
                        "value of type {} does not fit column '{}' of type {t}",
                        value.ty, c.name.name
                    ),
                    v.span,
                ));
            }
            let k = convert(&k, *t);
            row.push(lit(scalar(&k, *t)));
        }
        rows.push(row);
    }
    let schema = Arc::new(
        DFSchema::try_from(Schema::new(fields)).map_err(|e| PlanError::datafusion(e, span))?,
    );
    if rows.is_empty() {
        return Ok(LogicalPlan::EmptyRelation(EmptyRelation {
            produce_one_row: false,
            schema,
        }));
    }
    // VALUES names its columns column1, column2…; give them the declared names.
    let names: Vec<Expr> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| col(&format!("column{}", i + 1)).alias(c.name.name.clone()))
        .collect();
    LogicalPlanBuilder::values_with_schema(rows, &schema)
        .and_then(|b| b.project(names))
        .and_then(LogicalPlanBuilder::build)
        .map_err(|e| PlanError::datafusion(e, span))
}

fn print(
    p: &Planner<'_>,
    scope: &Scope,
    columns: &[ast::NamedExpr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let empty = DFSchema::empty();
    let mut names: Vec<String> = Vec::new();
    let mut exprs = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        let v = expr::lower(p, scope, &empty, &c.expr)?;
        let name = match c.names.first() {
            Some(n) => n.name.clone(),
            None => format!("print_{i}"),
        };
        if names.contains(&name) {
            return Err(PlanError::at(format!("duplicate column '{name}'"), c.span));
        }
        exprs.push(v.expr.alias(name.clone()));
        names.push(name);
    }
    LogicalPlanBuilder::empty(true)
        .project(exprs)
        .and_then(LogicalPlanBuilder::build)
        .map_err(|e| PlanError::datafusion(e, span))
}

fn range(
    p: &Planner<'_>,
    scope: &Scope,
    name: &ast::Ident,
    from: &ast::Expr,
    to: &ast::Expr,
    step: &ast::Expr,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let (f, t, s) = (
        constant(p, scope, from, "range start")?,
        constant(p, scope, to, "range end")?,
        constant(p, scope, step, "range step")?,
    );
    let (fv, tv, sv) = (
        f.constant.clone().unwrap_or(KValue::Null),
        t.constant.clone().unwrap_or(KValue::Null),
        s.constant.clone().unwrap_or(KValue::Null),
    );
    let array: (ArrayRef, KustoType) = match (f.ty, t.ty) {
        (KustoType::DateTime, KustoType::DateTime) | (KustoType::Timespan, KustoType::Timespan) => {
            let (
                KValue::DateTime(a) | KValue::Timespan(a),
                KValue::DateTime(b) | KValue::Timespan(b),
                KValue::Timespan(st),
            ) = (&fv, &tv, &sv)
            else {
                return Err(PlanError::at(
                    "range over datetimes or timespans needs a timespan step",
                    step.span,
                ));
            };
            let vals = stepped(*a, *b, *st, span)?;
            let arr = ScalarValue::iter_to_array(
                vals.into_iter()
                    .map(|v| KValue::DateTime(v).to_scalar(f.ty)),
            )
            .map_err(|e| PlanError::datafusion(e, span))?;
            (arr, f.ty)
        }
        (x, y) if x.is_integer() && y.is_integer() && s.ty.is_integer() => {
            let (Some(a), Some(b), Some(st)) = (fv.as_i64(), tv.as_i64(), sv.as_i64()) else {
                return Err(PlanError::at("range bounds must not be null", span));
            };
            (
                Arc::new(Int64Array::from(stepped(a, b, st, span)?)),
                KustoType::Long,
            )
        }
        (x, y) if x.is_numeric() && y.is_numeric() => {
            let (Some(a), Some(b), Some(st)) = (fv.as_f64(), tv.as_f64(), sv.as_f64()) else {
                return Err(PlanError::at("range bounds must not be null", span));
            };
            if st == 0.0 || ((b - a) / st) > MAX_RANGE_ROWS as f64 {
                return Err(PlanError::at(
                    "range step is zero or produces too many rows",
                    step.span,
                ));
            }
            let n = if (b - a) / st < 0.0 {
                0
            } else {
                ((b - a) / st).floor() as i64 + 1
            };
            let vals: Vec<f64> = (0..n).map(|i| a + st * i as f64).collect();
            (Arc::new(Float64Array::from(vals)), KustoType::Real)
        }
        (x, y) => {
            return Err(PlanError::at(
                format!("range cannot go from a {x} to a {y}"),
                span,
            ));
        }
    };
    let (arr, ty) = array;
    let schema = Arc::new(Schema::new(vec![Field::new(
        name.name.clone(),
        ty.to_arrow(),
        false,
    )]));
    let batch = RecordBatch::try_new(schema.clone(), vec![arr])
        .map_err(|e| PlanError::at(e.to_string(), span))?;
    let table =
        MemTable::try_new(schema, vec![vec![batch]]).map_err(|e| PlanError::datafusion(e, span))?;
    let scan = LogicalPlanBuilder::scan("range", provider_as_source(Arc::new(table)), None)
        .and_then(LogicalPlanBuilder::build)
        .map_err(|e| PlanError::datafusion(e, span))?;
    normalize(scan, span)
}

fn stepped(a: i64, b: i64, step: i64, span: Span) -> Result<Vec<i64>, PlanError> {
    if step == 0 {
        return Err(PlanError::at("range step must not be zero", span));
    }
    let n = (i128::from(b) - i128::from(a)) / i128::from(step);
    if n < 0 {
        return Ok(Vec::new());
    }
    if n >= i128::from(MAX_RANGE_ROWS) {
        return Err(PlanError::at(
            format!("range would produce more than {MAX_RANGE_ROWS} rows"),
            span,
        ));
    }
    Ok((0..=n as i64).map(|i| a + i * step).collect())
}

/// Column names of a plan, in order.
pub fn column_names(plan: &LogicalPlan) -> Vec<String> {
    plan.schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}
