//! `evaluate pivot()` and `evaluate narrow()`: plugins that turn values into
//! columns and columns into rows.

use crate::expr::{self, col};
use crate::operators::build_plan;
use crate::scope::Scope;
use crate::source::column_names;
use crate::{PlanError, Planner};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, lit};
use kql_functions::KustoType;
use kql_functions::value::KValue;
use kql_syntax::ast::{self, ExprKind, Span};

/// Aggregates pivot accepts, with the `…if` form that counts one value.
const PIVOT_AGGREGATES: &[(&str, &str)] = &[
    ("count", "countif"),
    ("sum", "sumif"),
    ("avg", "avgif"),
    ("min", "minif"),
    ("max", "maxif"),
    ("dcount", "dcountif"),
    ("make_list", "make_list_if"),
    ("make_set", "make_set_if"),
    ("make_bag", "make_bag_if"),
];

fn ident(name: &str, span: Span) -> ast::Expr {
    ast::Expr {
        kind: ExprKind::Ident(ast::Ident {
            name: name.to_string(),
            span,
        }),
        span,
    }
}

fn named(expr: ast::Expr, name: Option<&str>, span: Span) -> ast::NamedExpr {
    ast::NamedExpr {
        names: name
            .map(|n| {
                vec![ast::Ident {
                    name: n.to_string(),
                    span,
                }]
            })
            .unwrap_or_default(),
        expr,
        span,
    }
}

/// `pivot(PivotColumn [, Aggregate(x)] [, Column, …])`: one row per value of
/// the columns (all others by default), one column per value of the pivot
/// column (in order of first appearance), holding the aggregate over those rows.
/// The values are read by running the input while planning.
pub fn pivot(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    args: &[ast::Expr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let Some(ast::Expr {
        kind: ExprKind::Ident(pivot_col),
        ..
    }) = args.first()
    else {
        return Err(PlanError::at(
            "pivot() takes the column to pivot first",
            span,
        ));
    };
    let names = column_names(&plan);
    if !names.contains(&pivot_col.name) {
        return Err(PlanError::unknown(
            "column",
            &pivot_col.name,
            pivot_col.span,
            names.iter().map(String::as_str),
        ));
    }
    let (aggregate, columns) = match args.get(1) {
        Some(
            a @ ast::Expr {
                kind: ExprKind::Call { .. },
                ..
            },
        ) => (Some(a), &args[2..]),
        _ => (None, &args[1..]),
    };
    let (func, agg_args, agg_span) = match aggregate {
        Some(ast::Expr {
            kind: ExprKind::Call { name, args },
            span,
        }) => (name.name.as_str(), args.clone(), *span),
        _ => ("count", Vec::new(), span),
    };
    let Some((_, func_if)) = PIVOT_AGGREGATES.iter().find(|(f, _)| *f == func) else {
        return Err(PlanError::at(
            format!("pivot(): aggregate '{func}' is not supported yet"),
            agg_span,
        ));
    };
    let mut keys: Vec<String> = Vec::new();
    for c in columns {
        match &c.kind {
            ExprKind::Ident(id) if names.contains(&id.name) => keys.push(id.name.clone()),
            _ => return Err(PlanError::at("pivot() groups by column names", c.span)),
        }
    }
    if columns.is_empty() {
        let used: Vec<&str> = agg_args
            .iter()
            .filter_map(|a| match &a.kind {
                ExprKind::Ident(id) => Some(id.name.as_str()),
                _ => None,
            })
            .collect();
        keys = names
            .iter()
            .filter(|n| **n != pivot_col.name && !used.contains(&n.as_str()))
            .cloned()
            .collect();
    }

    // The pivot values, as text: they become column names.
    let as_text = expr::convert_to(
        expr::lower(p, scope, plan.schema(), &ident(&pivot_col.name, span))?,
        KustoType::String,
    );
    // Value columns follow the values' first appearance, as Kusto's
    // documented examples show (ARKANSAS before ARIZONA).
    let probe = build_plan(
        LogicalPlanBuilder::from(plan.clone())
            .window(vec![
                datafusion::functions_window::expr_fn::row_number().alias("__kql_row"),
            ])
            .and_then(|b| {
                b.aggregate(
                    vec![as_text.expr.alias("__kql_pivot")],
                    vec![
                        datafusion::functions_aggregate::expr_fn::min(col("__kql_row"))
                            .alias("__kql_first"),
                    ],
                )
            })
            .and_then(|b| b.sort(vec![col("__kql_first").sort(true, false)]))
            .and_then(|b| b.project(vec![col("__kql_pivot")])),
        span,
    )?;
    let batches = match p.resolver.execute(&probe) {
        Some(Ok(b)) => b,
        Some(Err(e)) => return Err(PlanError::at(format!("pivot(): {e}"), span)),
        None => return Err(PlanError::at("pivot() is not available here", span)),
    };
    let mut values: Vec<String> = Vec::new();
    for b in &batches {
        if let Some(a) = b.columns().first() {
            for row in 0..b.num_rows() {
                let v = KValue::from_array(a, row).map_err(|e| PlanError::datafusion(e, span))?;
                values.push(v.to_kusto_string());
            }
        }
    }
    values.dedup();

    let mut aggregates = Vec::new();
    for v in &values {
        let condition = ast::Expr {
            kind: ExprKind::Binary {
                op: ast::BinaryOp::Eq,
                left: Box::new(ast::Expr {
                    kind: ExprKind::Call {
                        name: ast::Ident {
                            name: "tostring".into(),
                            span,
                        },
                        args: vec![ident(&pivot_col.name, span)],
                    },
                    span,
                }),
                right: Box::new(ast::Expr {
                    kind: ExprKind::Literal(ast::Literal::String(v.clone())),
                    span,
                }),
            },
            span,
        };
        let mut call_args = agg_args.clone();
        call_args.insert(call_args.len().min(1), condition);
        let call = ast::Expr {
            kind: ExprKind::Call {
                name: ast::Ident {
                    name: (*func_if).to_string(),
                    span,
                },
                args: call_args,
            },
            span: agg_span,
        };
        aggregates.push(named(call, Some(v), span));
    }
    let by: Vec<ast::NamedExpr> = keys
        .iter()
        .map(|k| named(ident(k, span), None, span))
        .collect();
    crate::summarize::summarize(p, scope, plan, &aggregates, &by, span)
}

/// `narrow()`: every cell becomes a row (`Row`, `Column`, `Value` as text),
/// row by row in the input's order.
pub fn narrow(plan: LogicalPlan, span: Span) -> Result<LogicalPlan, PlanError> {
    let names = column_names(&plan);
    let numbered = build_plan(
        LogicalPlanBuilder::from(plan).window(vec![
            datafusion::functions_window::expr_fn::row_number().alias("__kql_row"),
        ]),
        span,
    )?;
    let mut legs: Option<LogicalPlanBuilder> = None;
    for (i, n) in names.iter().enumerate() {
        let value = expr::convert_to(
            expr::TExpr::new(
                col(n),
                KustoType::from_arrow(
                    numbered
                        .schema()
                        .field_with_unqualified_name(n)
                        .map_err(|e| PlanError::datafusion(e, span))?
                        .data_type(),
                )
                .unwrap_or(KustoType::String),
            ),
            KustoType::String,
        );
        let leg = build_plan(
            LogicalPlanBuilder::from(numbered.clone()).project(vec![
                (datafusion::logical_expr::cast(
                    col("__kql_row"),
                    datafusion::arrow::datatypes::DataType::Int64,
                ) - lit(1i64))
                .alias("Row"),
                lit(n.as_str()).alias("Column"),
                value.expr.alias("Value"),
                lit(i as i64).alias("__kql_col"),
            ]),
            span,
        )?;
        legs = Some(match legs {
            None => LogicalPlanBuilder::from(leg),
            Some(b) => b.union(leg).map_err(|e| PlanError::datafusion(e, span))?,
        });
    }
    let Some(all) = legs else {
        return Err(PlanError::at("narrow() needs at least one column", span));
    };
    let sorted = build_plan(
        all.sort(vec![
            col("Row").sort(true, false),
            col("__kql_col").sort(true, false),
        ]),
        span,
    )?;
    let out: Vec<Expr> = ["Row", "Column", "Value"]
        .iter()
        .map(|n| col(n).alias(*n))
        .collect();
    build_plan(LogicalPlanBuilder::from(sorted).project(out), span)
}
