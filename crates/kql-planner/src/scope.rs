//! Names bound by `let` and `declare query_parameters`: tabular values, scalar
//! values and user functions, visible to the statements that follow.

use crate::expr::{self, TExpr};
use crate::{PlanError, Planner};
use datafusion::common::DFSchema;
use datafusion::logical_expr::LogicalPlan;
use kql_syntax::ast;
use std::collections::HashMap;

#[derive(Default, Clone)]
pub struct Scope {
    pub tables: HashMap<String, LogicalPlan>,
    pub scalars: HashMap<String, TExpr>,
    pub functions: HashMap<String, ast::FunctionDef>,
    /// `set name = value;` options, as written.
    pub options: HashMap<String, Option<ast::Expr>>,
}

impl Scope {
    pub fn scalar_names(&self) -> impl Iterator<Item = &str> {
        self.scalars.keys().map(String::as_str)
    }
}

pub fn bind_let(
    planner: &Planner<'_>,
    scope: &mut Scope,
    l: &ast::LetStatement,
) -> Result<(), PlanError> {
    let name = l.name.name.clone();
    match &l.value {
        ast::LetValue::Tabular(t) => {
            let (plan, _) = planner.plan_tabular(&mut scope.clone(), t)?;
            scope.tables.insert(name, plan);
        }
        ast::LetValue::Function(f) => {
            scope.functions.insert(name, f.clone());
        }
        ast::LetValue::Scalar(e) => {
            // `let T2 = T;` names a table when T is one.
            if let ast::ExprKind::Ident(id) = &e.kind
                && !scope.scalars.contains_key(&id.name)
                && let Some(plan) = scope.tables.get(&id.name).cloned().map(Ok).or_else(|| {
                    planner
                        .resolver
                        .resolve_table(&id.name)
                        .map(|p| crate::source::normalize(p, id.span))
                })
            {
                scope.tables.insert(name, plan?);
                return Ok(());
            }
            let empty = DFSchema::empty();
            let value = expr::lower(planner, scope, &empty, e)?;
            scope.tables.remove(&name);
            scope.scalars.insert(name, value);
        }
    }
    Ok(())
}

pub fn bind_parameters(
    planner: &Planner<'_>,
    scope: &mut Scope,
    params: &[ast::ParamDecl],
) -> Result<(), PlanError> {
    let empty = DFSchema::empty();
    for p in params {
        let ty = kql_functions::KustoType::from_name(&p.ty.name)
            .ok_or_else(|| PlanError::at(format!("unknown type '{}'", p.ty.name), p.ty.span))?;
        let value = match (planner.parameter(&p.name.name), &p.default) {
            (Some(given), _) => TExpr::constant(given.clone(), ty),
            (None, Some(d)) => expr::lower(planner, scope, &empty, d)?,
            (None, None) => {
                return Err(PlanError::at(
                    format!(
                        "query parameter '{}' has no value (give it a default or pass it)",
                        p.name.name
                    ),
                    p.name.span,
                ));
            }
        };
        let value = expr::convert_to(value, ty);
        scope.scalars.insert(p.name.name.clone(), value);
    }
    Ok(())
}
