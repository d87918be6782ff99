//! `summarize`: group keys first, then aggregates, named as Kusto names them
//! (`count_`, `avg_TotalTime`, `percentile_TotalTime_95`, `bin` keeping the
//! column's name). Expressions over aggregates (`sum(x) / count()`) are
//! computed in a projection after the aggregation.

use crate::expr::{self, TExpr, col};
use crate::naming;
use crate::operators::build_plan;
use crate::scope::Scope;
use crate::{PlanError, Planner};
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::logical_expr::{Expr, ExprFunctionExt, LogicalPlan, LogicalPlanBuilder};
use kql_functions::KustoType;
use kql_functions::aggregate::{self as aggs, aggregate_function};
use kql_functions::catalog::Arg;
use kql_syntax::ast::{self, ExprKind, Span};

/// One aggregate column produced by the `Aggregate` node.
struct AggCol {
    expr: Expr,
    name: String,
}

/// One output column after the aggregation.
enum Output {
    /// Columns produced directly by the aggregation (by name).
    Direct(Vec<String>),
    /// An expression over hidden aggregate columns, with its output name.
    Computed { expr: ast::Expr, name: String },
}

pub fn summarize(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    aggregates: &[ast::NamedExpr],
    by: &[ast::NamedExpr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let lists = aggregates.iter().any(|a| {
        matches!(&a.expr.kind, ExprKind::Call { name, .. }
            if name.name.starts_with("make_list") || name.name.starts_with("make_set"))
    });
    let mut plan = plan;
    if lists && crate::window::serial_order(&plan).is_empty() {
        let keys = group_order(&plan);
        if !keys.is_empty() {
            plan = build_plan(LogicalPlanBuilder::from(plan).sort(keys), span)?;
        }
    }
    let schema = plan.schema().clone();
    // make_list and friends keep the rows' order after a sort, as in Kusto.
    let order = crate::window::serial_order(&plan);
    let keep_order = |name: &str, e: Expr| -> Result<Expr, PlanError> {
        if order.is_empty() || !name.starts_with("make_list") && !name.starts_with("make_set") {
            return Ok(e);
        }
        e.order_by(order.clone())
            .build()
            .map_err(|err| PlanError::datafusion(err, span))
    };
    let (group_exprs, group_names) = group_keys(p, scope, &schema, by)?;
    let mut taken = group_names.clone();

    let mut agg_cols: Vec<AggCol> = Vec::new();
    let mut outputs: Vec<Output> = Vec::new();
    let mut hidden = 0usize;
    for a in aggregates {
        if let ExprKind::Call { name, args } = &a.expr.kind
            && is_aggregate(&name.name)
        {
            let cols = aggregate_call(p, scope, &schema, name, args, &group_names, a.expr.span)?;
            let (cols, defaults): (Vec<Expr>, Vec<String>) = cols.into_iter().unzip();
            let names = name_outputs(a, &name.name, defaults, &mut taken)?;
            let mut produced = Vec::new();
            for (c, n) in cols.into_iter().zip(names) {
                produced.push(n.clone());
                agg_cols.push(AggCol {
                    expr: keep_order(&name.name, c)?,
                    name: n,
                });
            }
            outputs.push(Output::Direct(produced));
            continue;
        }
        // An expression over aggregates: aggregate the calls under hidden names.
        let mut rewritten = a.expr.clone();
        let mut found = Vec::new();
        extract_aggregates(&mut rewritten, &mut found, &mut hidden);
        if found.is_empty() {
            return Err(PlanError::at(
                "summarize needs an aggregation function here (count(), sum(), …)",
                a.expr.span,
            ));
        }
        for (hidden_name, fname, args, fspan) in found {
            let cols = aggregate_call(p, scope, &schema, &fname, &args, &group_names, fspan)?;
            if cols.len() != 1 {
                return Err(PlanError::at(
                    format!("{}() cannot be used inside an expression", fname.name),
                    fspan,
                ));
            }
            agg_cols.extend(cols.into_iter().map(|(c, _)| AggCol {
                expr: c,
                name: hidden_name.clone(),
            }));
        }
        let name = match a.names.as_slice() {
            [n] => n.name.clone(),
            [] => naming::next_column_name(&taken),
            _ => return Err(PlanError::at("an expression has one name", a.span)),
        };
        let name = naming::unique(name, &taken);
        taken.push(name.clone());
        outputs.push(Output::Computed {
            expr: rewritten,
            name,
        });
    }

    let aggregated = aggregate_node(plan, group_exprs, &group_names, agg_cols, span)?;
    if outputs.iter().all(|o| matches!(o, Output::Direct(_))) {
        return Ok(aggregated);
    }
    let mut exprs: Vec<Expr> = group_names
        .iter()
        .map(|n| col(n).alias(n.clone()))
        .collect();
    let agg_schema = aggregated.schema().clone();
    for o in outputs {
        match o {
            Output::Direct(names) => exprs.extend(names.iter().map(|n| col(n).alias(n.clone()))),
            Output::Computed { expr: e, name } => {
                let v = expr::lower(p, scope, &agg_schema, &e)?;
                exprs.push(v.expr.alias(name));
            }
        }
    }
    build_plan(LogicalPlanBuilder::from(aggregated).project(exprs), span)
}

/// The Aggregate node, then a projection for aggregates that a catalog
/// builder wrapped in scalar expressions (`coalesce(sum(x), 0)`, avg as
/// `sum / count`): DataFusion wants bare aggregate calls, and two wrapped
/// calls over the same `sum(x)` would otherwise produce clashing names.
fn aggregate_node(
    plan: LogicalPlan,
    group_exprs: Vec<Expr>,
    group_names: &[String],
    agg_cols: Vec<AggCol>,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let mut parts: Vec<Expr> = Vec::new();
    let mut outer: Vec<Expr> = Vec::new();
    let mut wrapped = false;
    for c in agg_cols {
        if matches!(c.expr, Expr::AggregateFunction(_)) {
            parts.push(c.expr.alias(c.name.clone()));
            outer.push(col(&c.name).alias(c.name));
            continue;
        }
        wrapped = true;
        let e = c
            .expr
            .transform_down(|e| {
                if !matches!(e, Expr::AggregateFunction(_)) {
                    return Ok(Transformed::no(e));
                }
                let hidden = format!("__kql_part_{}", parts.len());
                parts.push(e.alias(hidden.clone()));
                Ok(Transformed::new(
                    col(&hidden),
                    true,
                    TreeNodeRecursion::Jump,
                ))
            })
            .map_err(|e| PlanError::datafusion(e, span))?
            .data;
        outer.push(e.alias(c.name));
    }
    let aggregated = build_plan(
        LogicalPlanBuilder::from(plan).aggregate(group_exprs, parts),
        span,
    )?;
    if !wrapped {
        return Ok(aggregated);
    }
    let exprs: Vec<Expr> = group_names
        .iter()
        .map(|n| col(n).alias(n.clone()))
        .chain(outer)
        .collect();
    build_plan(LogicalPlanBuilder::from(aggregated).project(exprs), span)
}

/// Over an earlier summarize's groups, whose order DataFusion leaves to
/// its parallel hash tables, lists follow the group keys (ascending), so
/// `make_list` gives the same answer on every run; Kusto emits small
/// results' groups in first-seen order, which ascending keys often match.
fn group_order(plan: &LogicalPlan) -> Vec<datafusion::logical_expr::SortExpr> {
    let here = crate::source::column_names(plan);
    let mut node = plan;
    loop {
        match node {
            LogicalPlan::Aggregate(a) => {
                let keys = a.group_expr.len();
                return a
                    .schema
                    .fields()
                    .iter()
                    .take(keys)
                    .filter(|f| here.contains(f.name()))
                    .map(|f| col(f.name()).sort(true, true))
                    .collect();
            }
            LogicalPlan::Projection(_) | LogicalPlan::Filter(_) | LogicalPlan::SubqueryAlias(_) => {
                match node.inputs().first() {
                    Some(i) => node = i,
                    None => return Vec::new(),
                }
            }
            _ => return Vec::new(),
        }
    }
}

/// The `by` keys of summarize-like operators, aliased with Kusto's names
/// (`bin(TimeGenerated, 1h)` keeps `TimeGenerated`; others are `Column1`, …).
pub(crate) fn group_keys(
    p: &Planner<'_>,
    scope: &Scope,
    schema: &datafusion::common::DFSchema,
    by: &[ast::NamedExpr],
) -> Result<(Vec<Expr>, Vec<String>), PlanError> {
    let mut exprs = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for g in by {
        let v = expr::lower(p, scope, schema, &g.expr)?;
        let name = match g.names.as_slice() {
            [n] => n.name.clone(),
            [] => naming::group_name(&g.expr).unwrap_or_else(|| naming::next_column_name(&names)),
            _ => return Err(PlanError::at("a group key has one name", g.span)),
        };
        if names.contains(&name) {
            return Err(PlanError::at(
                format!("duplicate column '{name}' in summarize"),
                g.span,
            ));
        }
        names.push(name.clone());
        exprs.push(v.expr.alias(name));
    }
    Ok((exprs, names))
}

fn is_aggregate(name: &str) -> bool {
    aggs::aggregate_names().any(|a| a == name)
}

/// Replaces aggregate calls inside `e` with hidden column names.
fn extract_aggregates(
    e: &mut ast::Expr,
    found: &mut Vec<(String, ast::Ident, Vec<ast::Expr>, Span)>,
    counter: &mut usize,
) {
    if let ExprKind::Call { name, args } = &e.kind
        && is_aggregate(&name.name)
    {
        let hidden = format!("__kql_agg_{counter}");
        *counter += 1;
        found.push((hidden.clone(), name.clone(), args.clone(), e.span));
        e.kind = ExprKind::Ident(ast::Ident {
            name: hidden,
            span: e.span,
        });
        return;
    }
    match &mut e.kind {
        ExprKind::Unary { operand, .. } => extract_aggregates(operand, found, counter),
        ExprKind::Binary { left, right, .. } => {
            extract_aggregates(left, found, counter);
            extract_aggregates(right, found, counter);
        }
        ExprKind::Paren(inner) => extract_aggregates(inner, found, counter),
        ExprKind::Call { args, .. } => args
            .iter_mut()
            .for_each(|a| extract_aggregates(a, found, counter)),
        ExprKind::Member { target, .. } => extract_aggregates(target, found, counter),
        ExprKind::Index { target, index } => {
            extract_aggregates(target, found, counter);
            extract_aggregates(index, found, counter);
        }
        ExprKind::In { target, list, .. } => {
            extract_aggregates(target, found, counter);
            list.iter_mut()
                .for_each(|a| extract_aggregates(a, found, counter));
        }
        ExprKind::Between {
            target, low, high, ..
        } => {
            extract_aggregates(target, found, counter);
            extract_aggregates(low, found, counter);
            extract_aggregates(high, found, counter);
        }
        _ => {}
    }
}

/// Output names of a direct aggregate call.
fn name_outputs(
    a: &ast::NamedExpr,
    fname: &str,
    defaults: Vec<String>,
    taken: &mut Vec<String>,
) -> Result<Vec<String>, PlanError> {
    let n = defaults.len();
    let mut names = Vec::new();
    // `x = arg_max(v, d)` names only the first column; the rest keep theirs.
    if a.names.len() == 1 && n > 1 && matches!(fname, "arg_max" | "arg_min") {
        let first = &a.names[0];
        if taken.contains(&first.name) {
            return Err(PlanError::at(
                format!("duplicate column '{}' in summarize", first.name),
                first.span,
            ));
        }
        taken.push(first.name.clone());
        let mut names = vec![first.name.clone()];
        for d in defaults.into_iter().skip(1) {
            let u = naming::unique(d, taken);
            taken.push(u.clone());
            names.push(u);
        }
        return Ok(names);
    }
    if !a.names.is_empty() {
        if a.names.len() != n {
            return Err(PlanError::at(
                format!(
                    "{fname}() returns {n} column(s) but {} name(s) were given",
                    a.names.len()
                ),
                a.span,
            ));
        }
        for id in &a.names {
            if taken.contains(&id.name) {
                return Err(PlanError::at(
                    format!("duplicate column '{}' in summarize", id.name),
                    id.span,
                ));
            }
            taken.push(id.name.clone());
            names.push(id.name.clone());
        }
        return Ok(names);
    }
    for d in defaults {
        let u = naming::unique(d, taken);
        taken.push(u.clone());
        names.push(u);
    }
    Ok(names)
}

fn percentile_name(x: &ast::Expr, pct: &ast::Expr) -> String {
    format!(
        "percentile_{}_{}",
        naming::plain_column(x).unwrap_or_default(),
        percent_text(pct)
    )
}

fn percent_text(e: &ast::Expr) -> String {
    match &e.kind {
        ExprKind::Literal(ast::Literal::Long(i)) => i.to_string(),
        ExprKind::Literal(ast::Literal::Real(f)) => {
            kql_functions::format::format_real(*f).replace('.', "_")
        }
        _ => String::new(),
    }
}

/// Aggregate expressions for one call (several for arg_max and percentiles),
/// each with the name Kusto gives it when the query names none.
pub(crate) fn aggregate_call(
    p: &Planner<'_>,
    scope: &Scope,
    schema: &datafusion::common::DFSchema,
    fname: &ast::Ident,
    args: &[ast::Expr],
    group_names: &[String],
    span: Span,
) -> Result<Vec<(Expr, String)>, PlanError> {
    let lower = |e: &ast::Expr| expr::lower(p, scope, schema, e);
    match fname.name.as_str() {
        "arg_max" | "arg_min" => {
            if args.len() < 2 {
                return Err(PlanError::at(
                    format!(
                        "{}() takes an expression and the columns to return",
                        fname.name
                    ),
                    span,
                ));
            }
            let key = lower(&args[0])?;
            let desc = fname.name == "arg_max";
            let mut order = vec![key.expr.clone().sort(!desc, false)];
            // Kusto lets a NaN key win both arg_max and arg_min; the sort
            // already ranks NaN highest, so arg_min puts NaN keys first.
            if !desc && key.ty == KustoType::Real {
                let nan = datafusion::functions::math::expr_fn::isnan(key.expr.clone());
                order.insert(0, nan.sort(false, false));
            }
            let key_col = naming::plain_column(&args[0]);
            let key_name = key_col
                .clone()
                .unwrap_or_else(|| format!("{}_", &fname.name[4..]));
            let mut out = vec![(agg::first_value(key.expr.clone(), order.clone()), key_name)];
            for a in &args[1..] {
                if matches!(a.kind, ExprKind::Star) {
                    for c in schema.fields().iter().map(|f| f.name().clone()) {
                        if Some(&c) != key_col.as_ref() && !group_names.contains(&c) {
                            out.push((agg::first_value(col(&c), order.clone()), c));
                        }
                    }
                } else {
                    let n =
                        naming::derived_name(a).unwrap_or_else(|| format!("{}_", &fname.name[4..]));
                    out.push((agg::first_value(lower(a)?.expr, order.clone()), n));
                }
            }
            Ok(out)
        }
        "percentiles" => {
            if args.len() < 2 {
                return Err(PlanError::at(
                    "percentiles() takes a value and one or more percentages",
                    span,
                ));
            }
            let x = lower(&args[0])?;
            let mut out = Vec::new();
            for pe in &args[1..] {
                let pv = lower(pe)?;
                let f = aggregate_function("percentile")
                    .ok_or_else(|| PlanError::at("percentile missing", span))?;
                let e = (f.build)(vec![x.clone().arg(), pv.arg()])
                    .map_err(|m| PlanError::at(m, span))?;
                out.push((e, percentile_name(&args[0], pe)));
            }
            Ok(out)
        }
        name => {
            let f = aggregate_function(name).ok_or_else(|| {
                PlanError::at(format!("unknown aggregation '{name}'"), fname.span)
            })?;
            let is_star = |a: &ast::Expr| matches!(a.kind, ExprKind::Star);
            let real_args: Vec<&ast::Expr> = args.iter().filter(|a| !is_star(a)).collect();
            if real_args.len() < f.min_args || real_args.len() > f.max_args {
                return Err(PlanError::at(
                    format!(
                        "{name}() takes {} to {} argument(s), got {}",
                        f.min_args,
                        f.max_args,
                        real_args.len()
                    ),
                    span,
                ));
            }
            let lowered: Vec<Arg> = real_args
                .into_iter()
                .map(|a| lower(a).map(TExpr::arg))
                .collect::<Result<_, _>>()?;
            let e = (f.build)(lowered).map_err(|m| PlanError::at(m, span))?;
            let default = if name == "percentile" {
                percentile_name(&args[0], &args[1])
            } else {
                // Kusto drops the `make_` prefix: make_list(x) is `list_x`.
                let prefix = match name {
                    "make_list" | "make_list_with_nulls" | "make_list_if" => "list",
                    "make_set" | "make_set_if" => "set",
                    "make_bag" | "make_bag_if" => "bag",
                    "percentiles_array" => "percentiles",
                    other => other,
                };
                match args.first().and_then(naming::plain_column) {
                    Some(c) => format!("{prefix}_{c}"),
                    None => format!("{prefix}_"),
                }
            };
            Ok(vec![(e, default)])
        }
    }
}
