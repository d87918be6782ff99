//! Tabular operators: one lowering function per Kusto operator, named after it.

use crate::expr::{self, col};
use crate::projection::{extend, project};
use crate::scope::Scope;
use crate::source::{column_names, constant};
use crate::{PlanError, Planner};
use datafusion::arrow::array::{Int32Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::{MemTable, provider_as_source};
use datafusion::functions_aggregate::expr_fn::count;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, SortExpr, lit};
use kql_functions::KustoType;
use kql_functions::visualization::Visualization;
use kql_syntax::ast::{self, Operator, Span};
use std::sync::Arc;

type Planned = (LogicalPlan, Option<Visualization>);

pub fn build_plan(
    b: datafusion::common::Result<LogicalPlanBuilder>,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    b.and_then(LogicalPlanBuilder::build)
        .map_err(|e| PlanError::datafusion(e, span))
}

pub fn plan_operator(
    p: &Planner<'_>,
    scope: &mut Scope,
    plan: LogicalPlan,
    op: &Operator,
) -> Result<Planned, PlanError> {
    let plan = match op {
        Operator::Where { predicate, span } => where_(p, scope, plan, predicate, *span)?,
        Operator::Project { columns, span } => project(p, scope, plan, columns, *span)?,
        Operator::ProjectAway { columns, span } => project_away(plan, columns, *span)?,
        Operator::ProjectKeep { columns, span } => project_keep(plan, columns, *span)?,
        Operator::ProjectRename { renames, span } => project_rename(plan, renames, *span)?,
        Operator::ProjectReorder { columns, span } => project_reorder(plan, columns, *span)?,
        Operator::Extend { columns, span } => extend(p, scope, plan, columns, *span)?,
        Operator::Summarize {
            aggregates,
            by,
            span,
            ..
        } => crate::summarize::summarize(p, scope, plan, aggregates, by, *span)?,
        Operator::Count { span } => build_plan(
            LogicalPlanBuilder::from(plan)
                .aggregate(Vec::<Expr>::new(), vec![count(lit(1i64)).alias("Count")]),
            *span,
        )?,
        Operator::Take { count, span } => take(p, scope, plan, count, *span)?,
        Operator::Top { count, by, span } => {
            let sorted = sort(p, scope, plan, std::slice::from_ref(by), *span)?;
            take(p, scope, sorted, count, *span)?
        }
        Operator::Sort { keys, span } => sort(p, scope, plan, keys, *span)?,
        Operator::Distinct { columns, span } => distinct(p, scope, plan, columns, *span)?,
        Operator::Union {
            params,
            tables,
            span,
        } => {
            let mut plans = vec![(plan, "union_arg0".to_string())];
            for (i, t) in tables.iter().enumerate() {
                let name = crate::source::union_source_name(scope, t, i + 1);
                plans.push((p.plan_tabular(&mut scope.clone(), t)?.0, name));
            }
            plan_union(params, plans, *span)?
        }
        Operator::As { name, .. } => {
            scope.tables.insert(name.name.clone(), plan.clone());
            plan
        }
        Operator::Getschema { span } => getschema(&plan, *span)?,
        Operator::Serialize { columns, span } => extend(p, scope, plan, columns, *span)?,
        Operator::Render {
            kind,
            properties,
            span,
        } => {
            let vis = render(p, scope, kind, properties, *span)?;
            return Ok((plan, Some(vis)));
        }
        Operator::Join {
            kind,
            right,
            on,
            span,
            ..
        } => crate::join::join(p, scope, plan, kind, right, on, *span)?,
        Operator::MvExpand {
            params,
            columns,
            item_index,
            limit,
            span,
        } => crate::mv_expand::mv_expand(
            p,
            scope,
            plan,
            params,
            columns,
            item_index.as_ref(),
            limit.as_ref(),
            *span,
        )?,
        Operator::Parse {
            params,
            source,
            pattern,
            filter,
            span,
        } => crate::parse::parse(p, scope, plan, params, source, pattern, *filter, *span)?,
        Operator::Lookup {
            kind,
            right,
            on,
            span,
        } => crate::join::lookup(p, scope, plan, kind, right, on, *span)?,
        Operator::MakeSeries {
            params,
            aggregates,
            axis,
            from,
            to,
            step,
            by,
            span,
        } => crate::make_series::make_series(
            p,
            scope,
            plan,
            params,
            aggregates,
            axis,
            from.as_ref(),
            to.as_ref(),
            step,
            by,
            *span,
        )?,
        Operator::Search {
            params,
            predicate,
            span,
        } => crate::search::search(p, scope, plan, params, predicate, *span)?,
        Operator::ParseKv {
            source,
            columns,
            options,
            span,
        } => crate::parse::parse_kv(p, scope, plan, source, columns, options, *span)?,
        Operator::TopNested { levels, span } => {
            crate::top_nested::top_nested(p, scope, plan, levels, *span)?
        }
        Operator::MvApply {
            expand,
            subquery,
            span,
        } => crate::mv_expand::mv_apply(p, scope, plan, expand, subquery, *span)?,
        Operator::Evaluate { plugin, args, span } => {
            crate::evaluate::evaluate(p, scope, plan, plugin, args, *span)?
        }
        Operator::Sample { count, span } => {
            // Random order, then the first N rows.
            let shuffled = build_plan(
                LogicalPlanBuilder::from(plan).sort(vec![
                    datafusion::functions::expr_fn::random().sort(true, false),
                ]),
                *span,
            )?;
            take(p, scope, shuffled, count, *span)?
        }
        Operator::SampleDistinct {
            count,
            column,
            span,
        } => {
            let d = distinct(p, scope, plan, std::slice::from_ref(column), *span)?;
            take(p, scope, d, count, *span)?
        }
        Operator::Scan {
            match_id,
            declare,
            steps,
            span,
        } => crate::scan::scan(
            p,
            scope,
            plan,
            match_id.as_ref(),
            declare,
            steps,
            &[],
            *span,
        )?,
        Operator::Partition {
            by, subquery, span, ..
        } => crate::partition::partition(p, scope, plan, by, subquery, *span)?,
        Operator::Invoke {
            function,
            args,
            span,
        } => match scope.functions.get(&function.name) {
            Some(f) => crate::functions::call_tabular_function(
                p,
                scope,
                function,
                &f.clone(),
                Some(plan),
                args,
                *span,
            )?,
            None => {
                return Err(PlanError::unknown(
                    "function",
                    &function.name,
                    function.span,
                    scope.functions.keys().map(String::as_str),
                ));
            }
        },
        // The final `facet` of a query is planned by `Planner::plan_query`;
        // one reaching here has operators (or a statement) after it.
        Operator::Facet { span, .. } => return Err(crate::facet::not_last(*span)),
        Operator::Unsupported { name, span } => {
            return Err(PlanError::at(
                format!("operator '{name}' is not supported yet"),
                *span,
            ));
        }
    };
    Ok((plan, None))
}

fn where_(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    pred: &ast::Expr,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let v = expr::lower(p, scope, plan.schema(), pred)?;
    let cond = match v.ty {
        KustoType::Bool => v.expr,
        KustoType::Dynamic => expr::convert_to(v, KustoType::Bool).expr,
        t => {
            return Err(PlanError::at(
                format!("where needs a bool predicate, got {t}"),
                pred.span,
            ));
        }
    };
    build_plan(LogicalPlanBuilder::from(plan).filter(cond), span)
}

/// Columns matching a name that may contain `*` wildcards.
pub(crate) fn matching(plan: &LogicalPlan, pattern: &str) -> Vec<String> {
    column_names(plan)
        .into_iter()
        .filter(|n| wildcard_match(pattern, n))
        .collect()
}

fn wildcard_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, rest)) => {
            let Some(tail) = name.strip_prefix(head) else {
                return false;
            };
            if rest.is_empty() {
                return true;
            }
            (0..=tail.len())
                .filter(|i| tail.is_char_boundary(*i))
                .any(|i| wildcard_match(rest, &tail[i..]))
        }
    }
}

fn resolve_columns(plan: &LogicalPlan, columns: &[ast::Ident]) -> Result<Vec<String>, PlanError> {
    let all = column_names(plan);
    let mut out = Vec::new();
    for c in columns {
        let found = matching(plan, &c.name);
        if found.is_empty() && !c.name.contains('*') {
            return Err(PlanError::unknown(
                "column",
                &c.name,
                c.span,
                all.iter().map(String::as_str),
            ));
        }
        out.extend(found);
    }
    Ok(out)
}

fn select(plan: LogicalPlan, names: &[String], span: Span) -> Result<LogicalPlan, PlanError> {
    let exprs: Vec<Expr> = names.iter().map(|n| col(n).alias(n.clone())).collect();
    build_plan(LogicalPlanBuilder::from(plan).project(exprs), span)
}

fn project_away(
    plan: LogicalPlan,
    columns: &[ast::Ident],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let drop = resolve_columns(&plan, columns)?;
    let keep: Vec<String> = column_names(&plan)
        .into_iter()
        .filter(|n| !drop.contains(n))
        .collect();
    select(plan, &keep, span)
}

fn project_keep(
    plan: LogicalPlan,
    columns: &[ast::Ident],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let keep_set = resolve_columns(&plan, columns)?;
    let keep: Vec<String> = column_names(&plan)
        .into_iter()
        .filter(|n| keep_set.contains(n))
        .collect();
    select(plan, &keep, span)
}

fn project_rename(
    plan: LogicalPlan,
    renames: &[(ast::Ident, ast::Ident)],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let all = column_names(&plan);
    for (_, old) in renames {
        if !all.contains(&old.name) {
            return Err(PlanError::unknown(
                "column",
                &old.name,
                old.span,
                all.iter().map(String::as_str),
            ));
        }
    }
    let exprs: Vec<Expr> = all
        .iter()
        .map(|n| {
            let new = renames
                .iter()
                .find(|(_, old)| &old.name == n)
                .map_or(n.clone(), |(new, _)| new.name.clone());
            col(n).alias(new)
        })
        .collect();
    build_plan(LogicalPlanBuilder::from(plan).project(exprs), span)
}

fn project_reorder(
    plan: LogicalPlan,
    columns: &[ast::SortKey],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let mut first = Vec::new();
    for k in columns {
        match &k.expr.kind {
            ast::ExprKind::Ident(id) => {
                let found = resolve_columns(&plan, std::slice::from_ref(id))?;
                let mut found: Vec<String> =
                    found.into_iter().filter(|n| !first.contains(n)).collect();
                if k.order.is_some() {
                    found.sort();
                    if k.order == Some(ast::SortOrder::Desc) {
                        found.reverse();
                    }
                }
                first.extend(found);
            }
            _ => {
                return Err(PlanError::at(
                    "project-reorder takes column names",
                    k.expr.span,
                ));
            }
        }
    }
    let rest = column_names(&plan)
        .into_iter()
        .filter(|n| !first.contains(n));
    let order: Vec<String> = first.clone().into_iter().chain(rest).collect();
    select(plan, &order, span)
}

fn take(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    n: &ast::Expr,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let v = constant(p, scope, n, "the row count")?;
    let n = v
        .constant
        .as_ref()
        .and_then(kql_functions::value::KValue::as_i64)
        .filter(|_| v.ty.is_integer())
        .ok_or_else(|| PlanError::at("the row count must be a whole number", span))?;
    build_plan(
        LogicalPlanBuilder::from(plan).limit(0, Some(n.max(0) as usize)),
        span,
    )
}

/// Kusto sorts descending by default; nulls go last when descending and first
/// when ascending unless said otherwise.
pub fn sort_exprs(
    p: &Planner<'_>,
    scope: &Scope,
    plan: &LogicalPlan,
    keys: &[ast::SortKey],
) -> Result<Vec<SortExpr>, PlanError> {
    keys.iter()
        .map(|k| {
            let v = expr::lower(p, scope, plan.schema(), &k.expr)?;
            if v.ty == KustoType::Dynamic {
                return Err(PlanError::at(
                    "cannot sort by a dynamic value; convert it first (tostring(), tolong(), …)",
                    k.expr.span,
                ));
            }
            let e = v.expr;
            let asc = k.order == Some(ast::SortOrder::Asc);
            let nulls_first = match k.nulls {
                Some(ast::NullsOrder::First) => true,
                Some(ast::NullsOrder::Last) => false,
                None => asc,
            };
            Ok(e.sort(asc, nulls_first))
        })
        .collect()
}

fn sort(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    keys: &[ast::SortKey],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let exprs = sort_exprs(p, scope, &plan, keys)?;
    build_plan(LogicalPlanBuilder::from(plan).sort(exprs), span)
}

fn distinct(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    columns: &[ast::Expr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let star = columns.is_empty()
        || columns
            .iter()
            .any(|c| matches!(c.kind, ast::ExprKind::Star));
    if star {
        return build_plan(LogicalPlanBuilder::from(plan).distinct(), span);
    }
    let named: Vec<ast::NamedExpr> = columns
        .iter()
        .map(|c| ast::NamedExpr {
            names: vec![],
            expr: c.clone(),
            span: c.span,
        })
        .collect();
    let projected = project(p, scope, plan, &named, span)?;
    build_plan(LogicalPlanBuilder::from(projected).distinct(), span)
}

/// `union`: columns matched by name, missing ones null (Kusto's `kind=outer`),
/// or only the columns common to all with `kind=inner`.
pub fn plan_union(
    params: &[ast::OperatorParam],
    legs: Vec<(LogicalPlan, String)>,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let mut inner = false;
    let mut source_column: Option<String> = None;
    for prm in params {
        match (prm.name.name.as_str(), &prm.value.kind) {
            ("kind", ast::ExprKind::Ident(v)) if v.name == "inner" => inner = true,
            ("kind", ast::ExprKind::Ident(v)) if v.name == "outer" => inner = false,
            ("withsource", ast::ExprKind::Ident(v)) => source_column = Some(v.name.clone()),
            ("isfuzzy", _) => {}
            (other, _) => {
                return Err(PlanError::at(
                    format!("union parameter '{other}' is not supported yet"),
                    prm.name.span,
                ));
            }
        }
    }
    // withsource=Name: a first column saying which leg each row came from.
    let plans: Vec<LogicalPlan> = match &source_column {
        None => legs.into_iter().map(|(p, _)| p).collect(),
        Some(col_name) => legs
            .into_iter()
            .map(|(p, leg)| {
                let mut exprs = vec![lit(leg).alias(col_name.clone())];
                exprs.extend(
                    column_names(&p)
                        .into_iter()
                        .filter(|n| n != col_name)
                        .map(|n| col(&n).alias(n)),
                );
                build_plan(LogicalPlanBuilder::from(p).project(exprs), span)
            })
            .collect::<Result<_, _>>()?,
    };
    let mut iter = plans.into_iter();
    let Some(first) = iter.next() else {
        return Err(PlanError::at("union needs at least one table", span));
    };
    let rest: Vec<LogicalPlan> = iter.collect();
    if rest.is_empty() {
        return Ok(first);
    }
    // Outer union: every column in first-seen order; each input padded with typed nulls.
    let mut all: Vec<(String, DataType)> = Vec::new();
    let mut common: Option<Vec<String>> = None;
    for p in std::iter::once(&first).chain(rest.iter()) {
        let names = column_names(p);
        for f in p.schema().fields() {
            match all.iter().find(|(n, _)| n == f.name()) {
                Some((_, t)) if t != f.data_type() => {
                    return Err(PlanError::at(
                        format!(
                            "union: column '{}' has different types ({t} and {}); this is not supported yet",
                            f.name(),
                            f.data_type()
                        ),
                        span,
                    ));
                }
                Some(_) => {}
                None => all.push((f.name().clone(), f.data_type().clone())),
            }
        }
        common = Some(match common {
            None => names,
            Some(c) => c.into_iter().filter(|n| names.contains(n)).collect(),
        });
    }
    let targets: Vec<(String, DataType)> = if inner {
        let common = common.unwrap_or_default();
        all.into_iter()
            .filter(|(n, _)| common.contains(n))
            .collect()
    } else {
        all
    };
    let pad = |p: LogicalPlan| -> Result<LogicalPlan, PlanError> {
        let names = column_names(&p);
        let exprs: Vec<Expr> = targets
            .iter()
            .map(|(n, t)| {
                if names.contains(n) {
                    col(n).alias(n.clone())
                } else {
                    let null = datafusion::common::ScalarValue::try_from(t)
                        .unwrap_or(datafusion::common::ScalarValue::Null);
                    let v = if KustoType::from_arrow(t) == Some(KustoType::String) {
                        lit("")
                    } else {
                        lit(null)
                    };
                    v.alias(n.clone())
                }
            })
            .collect();
        build_plan(LogicalPlanBuilder::from(p).project(exprs), span)
    };
    let mut b = LogicalPlanBuilder::from(pad(first)?);
    for p in rest {
        b = b
            .union(pad(p)?)
            .map_err(|e| PlanError::datafusion(e, span))?;
    }
    build_plan(Ok(b), span)
}

fn getschema(plan: &LogicalPlan, span: Span) -> Result<LogicalPlan, PlanError> {
    let mut names = Vec::new();
    let mut ordinals = Vec::new();
    let mut dotnet = Vec::new();
    let mut kusto = Vec::new();
    for (i, f) in plan.schema().fields().iter().enumerate() {
        let t = KustoType::from_arrow(f.data_type()).unwrap_or(KustoType::Dynamic);
        names.push(f.name().clone());
        ordinals.push(i as i32);
        dotnet.push(t.dotnet_name());
        kusto.push(t.name());
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("ColumnName", DataType::Utf8, false),
        Field::new("ColumnOrdinal", DataType::Int32, false),
        Field::new("DataType", DataType::Utf8, false),
        Field::new("ColumnType", DataType::Utf8, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(names)),
            Arc::new(Int32Array::from(ordinals)),
            Arc::new(StringArray::from(dotnet)),
            Arc::new(StringArray::from(kusto)),
        ],
    )
    .map_err(|e| PlanError::at(e.to_string(), span))?;
    let table =
        MemTable::try_new(schema, vec![vec![batch]]).map_err(|e| PlanError::datafusion(e, span))?;
    let scan = build_plan(
        LogicalPlanBuilder::scan("getschema", provider_as_source(Arc::new(table)), None),
        span,
    )?;
    crate::source::normalize(scan, span)
}

const CHART_KINDS: &[&str] = &[
    "timechart",
    "linechart",
    "areachart",
    "stackedareachart",
    "columnchart",
    "barchart",
    "piechart",
    "scatterchart",
    "card",
    "table",
    "anomalychart",
    "ladderchart",
    "pivotchart",
    "timepivot",
    "treemap",
];

fn render(
    p: &Planner<'_>,
    scope: &Scope,
    kind: &ast::Ident,
    props: &[ast::OperatorParam],
    _span: Span,
) -> Result<Visualization, PlanError> {
    if !CHART_KINDS.contains(&kind.name.as_str()) {
        return Err(PlanError::unknown(
            "chart kind",
            &kind.name,
            kind.span,
            CHART_KINDS.iter().copied(),
        ));
    }
    let mut properties = Vec::new();
    for prop in props {
        let value = property_value(p, scope, &prop.value)?;
        properties.push((prop.name.name.clone(), value));
    }
    Ok(Visualization {
        kind: kind.name.clone(),
        properties,
    })
}

/// A `with (...)` property value: a constant, a column name, or a list of column names.
fn property_value(
    p: &Planner<'_>,
    scope: &Scope,
    e: &ast::Expr,
) -> Result<serde_json::Value, PlanError> {
    match &e.kind {
        ast::ExprKind::Ident(id) => Ok(serde_json::Value::String(id.name.clone())),
        ast::ExprKind::Call { name, args } if name.name == "__list" => {
            let items = args
                .iter()
                .map(|a| property_value(p, scope, a))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(serde_json::Value::Array(items))
        }
        _ => {
            let v = constant(p, scope, e, "a render property")?;
            Ok(v.constant.map_or(serde_json::Value::Null, |c| c.to_json()))
        }
    }
}
