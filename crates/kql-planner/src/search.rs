//! `search`: rows where a predicate holds, where a bare string term means "any
//! column has this term"; the result starts with a `$table` column.

use crate::expr::{self, col};
use crate::operators::build_plan;
use crate::scope::Scope;
use crate::source::column_names;
use crate::{PlanError, Planner};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, lit};
use kql_syntax::ast::{self, BinaryOp, ExprKind, Literal, Span, StringOp};

/// Turns bare string terms into `* has "term"` (or `has_cs`).
fn terms_to_predicates(e: &ast::Expr, cs: bool) -> ast::Expr {
    match &e.kind {
        ExprKind::Literal(Literal::String(term)) => {
            // `"a*"` matches terms starting with a, `"*a"` ending with a.
            let (op, text) = match (term.strip_prefix('*'), term.strip_suffix('*')) {
                (Some(_), Some(_)) if term.len() >= 2 => (
                    StringOp::Contains { cs },
                    term[1..term.len() - 1].to_string(),
                ),
                (None, Some(t)) => (StringOp::HasPrefix { cs }, t.to_string()),
                (Some(t), None) => (StringOp::HasSuffix { cs }, t.to_string()),
                _ => (StringOp::Has { cs }, term.clone()),
            };
            ast::Expr {
                span: e.span,
                kind: ExprKind::Binary {
                    op: BinaryOp::Str { op, negated: false },
                    left: Box::new(ast::Expr {
                        kind: ExprKind::Star,
                        span: e.span,
                    }),
                    right: Box::new(ast::Expr {
                        kind: ExprKind::Literal(Literal::String(text)),
                        span: e.span,
                    }),
                },
            }
        }
        ExprKind::Binary {
            op: op @ (BinaryOp::And | BinaryOp::Or),
            left,
            right,
        } => ast::Expr {
            span: e.span,
            kind: ExprKind::Binary {
                op: *op,
                left: Box::new(terms_to_predicates(left, cs)),
                right: Box::new(terms_to_predicates(right, cs)),
            },
        },
        ExprKind::Binary {
            op:
                BinaryOp::Str {
                    op: StringOp::Has { .. },
                    negated,
                },
            left,
            right,
        } => ast::Expr {
            span: e.span,
            kind: ExprKind::Binary {
                op: BinaryOp::Str {
                    op: StringOp::Has { cs },
                    negated: *negated,
                },
                left: left.clone(),
                right: right.clone(),
            },
        },
        ExprKind::Paren(inner) => terms_to_predicates(inner, cs),
        _ => e.clone(),
    }
}

pub fn search(
    p: &Planner<'_>,
    scope: &Scope,
    plan: LogicalPlan,
    params: &[ast::OperatorParam],
    predicate: &ast::Expr,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let mut cs = false;
    for prm in params {
        match (&prm.value.kind, prm.name.name.as_str()) {
            (ExprKind::Ident(k), "kind") if k.name == "case_sensitive" => cs = true,
            (ExprKind::Ident(k), "kind") if k.name == "case_insensitive" || k.name == "default" => {
                cs = false
            }
            _ => {
                return Err(PlanError::at(
                    "search supports kind=case_sensitive|case_insensitive",
                    prm.name.span,
                ));
            }
        }
    }
    let pred = terms_to_predicates(predicate, cs);
    let v = expr::lower(p, scope, plan.schema(), &pred)?;
    let filtered = build_plan(LogicalPlanBuilder::from(plan).filter(v.expr), span)?;
    let mut exprs: Vec<Expr> = vec![lit("search_arg0").alias("$table")];
    exprs.extend(
        column_names(&filtered)
            .into_iter()
            .map(|n| col(&n).alias(n)),
    );
    build_plan(LogicalPlanBuilder::from(filtered).project(exprs), span)
}
