//! `parse` and `parse-where`: the pattern becomes one regular expression whose
//! capture groups are the new columns, converted to their declared types.

use crate::expr::{self, TExpr, col};
use crate::operators::build_plan;
use crate::scope::Scope;
use crate::source::column_names;
use crate::{PlanError, Planner};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder};
use kql_functions::KustoType;
use kql_functions::scalar::strings;
use kql_syntax::ast::{self, ParsePart, Span};

/// The regular expression text that captures one column of type `ty`.
fn capture(ty: KustoType, last: bool, regex_kind: bool) -> &'static str {
    match ty {
        KustoType::Int | KustoType::Long => r"(-?\d+)",
        KustoType::Real | KustoType::Decimal => r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)",
        // In kind=regex strings are greedy; in the simple kind the last column
        // takes the rest of the text and the others as little as possible.
        _ if last || regex_kind => "(.*)",
        _ => "(.*?)",
    }
}

#[allow(clippy::too_many_arguments)]
pub fn parse(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    params: &[ast::OperatorParam],
    source: &ast::Expr,
    pattern: &[ParsePart],
    filter: bool,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let mut regex_kind = false;
    for prm in params {
        match (prm.name.name.as_str(), &prm.value.kind) {
            ("kind", ast::ExprKind::Ident(k)) if k.name == "regex" => regex_kind = true,
            ("kind", ast::ExprKind::Ident(k)) if k.name == "simple" => regex_kind = false,
            ("kind", ast::ExprKind::Ident(k)) => {
                return Err(PlanError::at(
                    format!("parse kind={} is not supported yet", k.name),
                    prm.value.span,
                ));
            }
            (other, _) => {
                return Err(PlanError::at(
                    format!("parse parameter '{other}' is not supported yet"),
                    prm.name.span,
                ));
            }
        }
    }
    let text = expr::lower(p, scope, plan.schema(), source)?;
    let text = expr::as_string(text);
    let last_column = pattern
        .iter()
        .rposition(|pp| matches!(pp, ParsePart::Column { .. }));
    let trailing_text = last_column.is_some_and(|i| i + 1 < pattern.len());
    let mut regex = String::from("^");
    let mut columns: Vec<(String, KustoType, Span)> = Vec::new();
    for (i, part) in pattern.iter().enumerate() {
        match part {
            ParsePart::Text(t) => regex.push_str(&if regex_kind {
                format!("(?:{t})")
            } else {
                regex::escape(t)
            }),
            ParsePart::Wildcard => regex.push_str(".*?"),
            ParsePart::Column { name, ty } => {
                let t = match ty {
                    Some(t) => KustoType::from_name(&t.name).ok_or_else(|| {
                        PlanError::at(format!("unknown type '{}'", t.name), t.span)
                    })?,
                    None => KustoType::String,
                };
                let last = Some(i) == last_column && !trailing_text;
                if regex_kind && i > 0 && matches!(pattern[i - 1], ParsePart::Column { .. }) {
                    return Err(PlanError::at(
                        "parse kind=regex needs text between two columns",
                        name.span,
                    ));
                }
                regex.push_str(capture(t, last, regex_kind));
                columns.push((name.name.clone(), t, name.span));
            }
        }
    }
    if trailing_text && !regex_kind {
        regex.push('$');
    }
    if regex::Regex::new(&regex).is_err() {
        return Err(PlanError::at(
            "the parse pattern is not a valid regular expression",
            span,
        ));
    }
    let plan = if filter {
        let matches =
            strings::matches_regex(text.clone(), datafusion::logical_expr::lit(regex.clone()));
        build_plan(LogicalPlanBuilder::from(plan).filter(matches), span)?
    } else {
        plan
    };
    let inputs = column_names(&plan);
    let mut exprs: Vec<(String, Expr)> = inputs.iter().map(|n| (n.clone(), col(n))).collect();
    for (i, (name, ty, _)) in columns.iter().enumerate() {
        let group = TExpr::new(
            strings::regex_group(text.clone(), &regex, i + 1),
            KustoType::String,
        );
        let value = expr::convert_to(group, *ty).expr;
        match exprs.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => exprs.push((name.clone(), value)),
        }
    }
    let projection: Vec<Expr> = exprs.into_iter().map(|(n, e)| e.alias(n)).collect();
    build_plan(LogicalPlanBuilder::from(plan).project(projection), span)
}

/// `parse-kv`: each requested key's value, found as `key<kv>value` between
/// pair delimiters, converted to the column's type.
pub fn parse_kv(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    source: &ast::Expr,
    columns: &[ast::ColumnDecl],
    options: &[ast::OperatorParam],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let mut pair = ";".to_string();
    let mut kv = ":".to_string();
    let mut quote = String::new();
    for o in options {
        let value = crate::source::constant(p, scope, &o.value, "a parse-kv option")?;
        let text = value
            .constant
            .map(|c| c.to_kusto_string())
            .unwrap_or_default();
        match o.name.name.as_str() {
            "pair_delimiter" => pair = text,
            "kv_delimiter" => kv = text,
            "quote" => quote = text,
            other => {
                return Err(PlanError::at(
                    format!("parse-kv option '{other}' is not supported yet"),
                    o.name.span,
                ));
            }
        }
    }
    if pair.is_empty() || kv.is_empty() {
        return Err(PlanError::at("parse-kv delimiters must not be empty", span));
    }
    let text = expr::as_string(expr::lower(p, scope, plan.schema(), source)?);
    let mut exprs: Vec<(String, Expr)> = column_names(&plan)
        .into_iter()
        .map(|n| (n.clone(), col(&n)))
        .collect();
    for c in columns {
        let ty = KustoType::from_name(&c.ty.name)
            .ok_or_else(|| PlanError::at(format!("unknown type '{}'", c.ty.name), c.ty.span))?;
        // A quoted value may contain the pair delimiter; the quotes are dropped.
        // The value runs to the next pair delimiter (the whole delimiter text),
        // or is quoted when a quote character is given.
        let delim = regex::escape(&pair);
        let value_re = match quote.chars().next() {
            Some(q) => {
                let q = regex::escape(&q.to_string());
                format!("({q}[^{q}]*{q}|.*?)(?:{delim}|$)")
            }
            None => format!("(.*?)(?:{delim}|$)"),
        };
        let pattern = format!(
            r"(?:^|{})\s*{}\s*{}\s*{}",
            regex::escape(&pair),
            regex::escape(&c.name.name),
            regex::escape(&kv),
            value_re
        );
        let mut trim_args = vec![strings::regex_group(text.clone(), &pattern, 1)];
        let trimmed = datafusion::functions::expr_fn::btrim(std::mem::take(&mut trim_args));
        let unquoted = if quote.is_empty() {
            trimmed
        } else {
            datafusion::functions::expr_fn::btrim(vec![
                trimmed,
                datafusion::logical_expr::lit(quote.clone()),
            ])
        };
        let raw = TExpr::new(unquoted, KustoType::String);
        let value = expr::convert_to(raw, ty).expr;
        match exprs.iter_mut().find(|(n, _)| *n == c.name.name) {
            Some(slot) => slot.1 = value,
            None => exprs.push((c.name.name.clone(), value)),
        }
    }
    let projection: Vec<Expr> = exprs.into_iter().map(|(n, e)| e.alias(n)).collect();
    build_plan(LogicalPlanBuilder::from(plan).project(projection), span)
}
