//! Calls of user functions whose body ends in a tabular expression: as a
//! source (`f(10)`) or through `invoke` (`T | invoke f(10)`), where the
//! piped table is the first, tabular, parameter.

use crate::expr;
use crate::scope::Scope;
use crate::{PlanError, Planner};
use datafusion::logical_expr::LogicalPlan;
use kql_functions::KustoType;
use kql_syntax::ast::{self, Span};

/// A tabular parameter is declared with a schema: `(T:(*))`, `(T:(a:long))`.
fn is_tabular(param: &ast::ParamDecl) -> bool {
    param.ty.name.starts_with('(')
}

pub fn call_tabular_function(
    p: &Planner<'_>,
    scope: &Scope,
    name: &ast::Ident,
    f: &ast::FunctionDef,
    input: Option<LogicalPlan>,
    args: &[ast::Expr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    if f.scalar_body.is_some() {
        return Err(PlanError::at(
            format!(
                "'{}' is a scalar function; call it in an expression",
                name.name
            ),
            span,
        ));
    }
    let mut params = f.params.iter();
    let mut inner = scope.clone();
    // A function cannot call itself; this also stops endless recursion.
    inner.functions.remove(&name.name);
    if let Some(plan) = input {
        match params.next() {
            Some(first) if is_tabular(first) => {
                inner.tables.insert(first.name.name.clone(), plan);
            }
            _ => {
                return Err(PlanError::at(
                    format!(
                        "invoke needs a function whose first parameter is a table, like ({}:(*))",
                        f.params.first().map_or("T", |p| p.name.name.as_str())
                    ),
                    name.span,
                ));
            }
        }
    }
    let params: Vec<&ast::ParamDecl> = params.collect();
    if args.len() > params.len() {
        return Err(PlanError::at(
            format!(
                "{}() takes {} argument(s), got {}",
                name.name,
                params.len(),
                args.len()
            ),
            span,
        ));
    }
    let empty = datafusion::common::DFSchema::empty();
    for (i, param) in params.iter().enumerate() {
        if is_tabular(param) {
            let Some(arg) = args.get(i) else {
                return Err(PlanError::at(
                    format!(
                        "{}(): missing table argument '{}'",
                        name.name, param.name.name
                    ),
                    span,
                ));
            };
            let plan = match &arg.kind {
                ast::ExprKind::TabularArg(t) => p.plan_tabular(&mut scope.clone(), t)?.0,
                ast::ExprKind::Ident(id) => crate::source::plan_source(
                    p,
                    &mut scope.clone(),
                    &ast::Source::Table(id.clone()),
                )?,
                _ => {
                    return Err(PlanError::at(
                        format!("'{}' takes a table", param.name.name),
                        arg.span,
                    ));
                }
            };
            inner.tables.insert(param.name.name.clone(), plan);
            continue;
        }
        let value = match (args.get(i), &param.default) {
            (Some(a), _) => expr::lower(p, scope, &empty, a)?,
            (None, Some(d)) => expr::lower(p, scope, &empty, d)?,
            (None, None) => {
                return Err(PlanError::at(
                    format!("{}(): missing argument '{}'", name.name, param.name.name),
                    span,
                ));
            }
        };
        let value = match KustoType::from_name(&param.ty.name) {
            Some(t) => expr::convert_to(value, t),
            None => value,
        };
        inner.tables.remove(&param.name.name);
        inner.scalars.insert(param.name.name.clone(), value);
    }
    let mut result = None;
    for st in &f.body {
        match st {
            ast::Statement::Let(l) => crate::scope::bind_let(p, &mut inner, l)?,
            ast::Statement::Tabular(t) => result = Some(p.plan_tabular(&mut inner.clone(), t)?.0),
            ast::Statement::DeclareQueryParameters(_, s) | ast::Statement::Set { span: s, .. } => {
                return Err(PlanError::at(
                    "declare and set are not allowed in a function body",
                    *s,
                ));
            }
        }
    }
    result.ok_or_else(|| PlanError::at(format!("'{}' has no tabular result", name.name), f.span))
}
