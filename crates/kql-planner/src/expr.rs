//! Scalar expressions: KQL AST → typed DataFusion `Expr`.

use crate::literal::{literal_value, scalar};
use crate::scope::Scope;
use crate::{PlanError, Planner};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Column, DFSchema, ExprSchema};
use datafusion::logical_expr::{Expr, ExprSchemable, Operator, binary_expr, cast, lit};
use kql_functions::KustoType;
use kql_functions::catalog::{self, Arg};
use kql_functions::scalar::{conversion, datetime as dt, dynamic, strings};
use kql_functions::value::KValue;
use kql_syntax::ast::{self, BinaryOp, ExprKind, InOp, Span, StringOp, UnaryOp};

/// A lowered expression with its Kusto type and, when known, its constant value.
#[derive(Debug, Clone)]
pub struct TExpr {
    pub expr: Expr,
    pub ty: KustoType,
    pub constant: Option<KValue>,
}

impl TExpr {
    pub fn new(expr: Expr, ty: KustoType) -> Self {
        TExpr {
            expr,
            ty,
            constant: None,
        }
    }

    pub fn constant(v: KValue, ty: KustoType) -> Self {
        TExpr {
            expr: lit(scalar(&v, ty)),
            ty,
            constant: Some(v),
        }
    }

    pub fn arg(self) -> Arg {
        Arg {
            expr: self.expr,
            ty: self.ty,
            literal: self.constant,
        }
    }
}

/// A reference to a column by its unqualified name (names may contain dots).
pub fn col(name: &str) -> Expr {
    Expr::Column(Column::new_unqualified(name))
}

/// Converts to `ty` the way Kusto's `to*` functions do.
pub fn convert_to(e: TExpr, ty: KustoType) -> TExpr {
    if e.ty == ty {
        return e;
    }
    if let Some(c) = &e.constant {
        let v = kql_functions::value::convert_folded(c, ty);
        return TExpr::constant(v, ty);
    }
    TExpr::new(conversion::to_type(e.arg(), ty), ty)
}

fn kusto_type_of(expr: &Expr, schema: &DFSchema, span: Span) -> Result<KustoType, PlanError> {
    let dt = expr
        .get_type(schema as &dyn ExprSchema)
        .map_err(|e| PlanError::datafusion(e, span))?;
    KustoType::from_arrow(&dt)
        .ok_or_else(|| PlanError::at(format!("unsupported value type {dt}"), span))
}

fn typed(expr: Expr, schema: &DFSchema, span: Span) -> Result<TExpr, PlanError> {
    let ty = kusto_type_of(&expr, schema, span)?;
    Ok(TExpr::new(expr, ty))
}

const MAX_DEPTH: usize = 200;

pub fn lower(
    p: &Planner<'_>,
    scope: &Scope,
    schema: &DFSchema,
    e: &ast::Expr,
) -> Result<TExpr, PlanError> {
    lower_depth(p, scope, schema, e, 0)
}

fn lower_depth(
    p: &Planner<'_>,
    scope: &Scope,
    schema: &DFSchema,
    e: &ast::Expr,
    depth: usize,
) -> Result<TExpr, PlanError> {
    if depth > MAX_DEPTH {
        return Err(PlanError::at("expression nested too deeply", e.span));
    }
    let l = |x: &ast::Expr| lower_depth(p, scope, schema, x, depth + 1);
    match &e.kind {
        ExprKind::Literal(lit_) => {
            let (v, ty) = literal_value(lit_, e.span)?;
            Ok(TExpr::constant(v, ty))
        }
        ExprKind::Ident(id) => resolve_ident(scope, schema, id),
        ExprKind::Paren(inner) => l(inner),
        ExprKind::Star => Err(PlanError::at(
            "'*' is only allowed as a function argument here",
            e.span,
        )),
        ExprKind::Unary { op, operand } => {
            let v = l(operand)?;
            match op {
                UnaryOp::Plus => Ok(v),
                UnaryOp::Neg => negate(v, e.span),
            }
        }
        ExprKind::Binary { op, left, right } if matches!(left.kind, ExprKind::Star) => {
            // `* has "x"`: true when any string-like column matches.
            let needle = l(right)?;
            let mut any: Option<Expr> = None;
            for f in schema.fields() {
                let Some(ty) = KustoType::from_arrow(f.data_type()) else {
                    continue;
                };
                let m = binary(
                    *op,
                    TExpr::new(col(f.name()), ty),
                    needle.clone(),
                    schema,
                    e.span,
                )?;
                // A negated operator must hold for every column (`* !has x`:
                // no column has x); a positive one for any column.
                let negated = matches!(
                    op,
                    BinaryOp::Str { negated: true, .. } | BinaryOp::NotEq | BinaryOp::NotEqCi
                );
                any = Some(match any {
                    None => m.expr,
                    Some(prev) if negated => prev.and(m.expr),
                    Some(prev) => prev.or(m.expr),
                });
            }
            Ok(TExpr::new(any.unwrap_or(lit(false)), KustoType::Bool))
        }
        ExprKind::Binary { op, left, right } => {
            let (a, b) = (l(left)?, l(right)?);
            binary(*op, a, b, schema, e.span)
        }
        ExprKind::Member { target, name } => {
            let t = l(target)?;
            member(t, lit(name.name.as_str()), e.span)
        }
        ExprKind::Index { target, index } => {
            let t = l(target)?;
            let i = l(index)?;
            member(t, i.expr, e.span)
        }
        ExprKind::In { op, target, list } => {
            let t = l(target)?;
            let items = list.iter().map(l).collect::<Result<Vec<_>, _>>()?;
            in_list(*op, t, items, e.span)
        }
        ExprKind::Between {
            negated,
            target,
            low,
            high,
        } => {
            let (t, lo, hi) = (l(target)?, l(low)?, l(high)?);
            let ge = binary(BinaryOp::GtEq, t.clone(), lo, schema, e.span)?;
            let hi = if t.ty == KustoType::DateTime && hi.ty == KustoType::Timespan {
                // `dt between (start .. 1h)` is not Kusto; keep types strict.
                return Err(PlanError::at(
                    "between: both bounds must have the value's type",
                    e.span,
                ));
            } else {
                hi
            };
            let le = binary(BinaryOp::LtEq, t, hi, schema, e.span)?;
            let both = ge.expr.and(le.expr);
            Ok(TExpr::new(
                if *negated {
                    Expr::Not(Box::new(both))
                } else {
                    both
                },
                KustoType::Bool,
            ))
        }
        ExprKind::Call { name, args } => call(p, scope, schema, name, args, e.span, depth),
        ExprKind::TabularArg(_) => Err(PlanError::at(
            "a tabular expression is not supported here yet",
            e.span,
        )),
        ExprKind::JoinSide { .. } => Err(PlanError::at(
            "$left/$right are only allowed in join conditions",
            e.span,
        )),
    }
}

fn resolve_ident(scope: &Scope, schema: &DFSchema, id: &ast::Ident) -> Result<TExpr, PlanError> {
    if let Some(v) = scope.scalars.get(&id.name) {
        return Ok(v.clone());
    }
    if let Ok(field) = schema.field_with_unqualified_name(&id.name) {
        let ty = KustoType::from_arrow(field.data_type()).ok_or_else(|| {
            PlanError::at(
                format!(
                    "column '{}' has an unsupported type {}",
                    id.name,
                    field.data_type()
                ),
                id.span,
            )
        })?;
        return Ok(TExpr::new(col(&id.name), ty));
    }
    let mut candidates: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    candidates.extend(scope.scalar_names());
    let what = if schema.fields().is_empty() {
        "name"
    } else {
        "column"
    };
    Err(PlanError::unknown(what, &id.name, id.span, candidates))
}

fn negate(v: TExpr, span: Span) -> Result<TExpr, PlanError> {
    if let Some(c) = &v.constant {
        let n = match c {
            KValue::Long(i) => Some(KValue::Long(i.wrapping_neg())),
            KValue::Int(i) => Some(KValue::Int(i.wrapping_neg())),
            KValue::Real(f) => Some(KValue::Real(-f)),
            KValue::Decimal(f) => Some(KValue::Decimal(-f)),
            KValue::Timespan(t) => Some(KValue::Timespan(-t)),
            _ => None,
        };
        if let Some(n) = n {
            return Ok(TExpr::constant(n, v.ty));
        }
    }
    match v.ty {
        t if t.is_numeric() => Ok(TExpr::new(Expr::Negative(Box::new(v.expr)), t)),
        KustoType::Timespan => Ok(TExpr::new(
            dt::from_nanos(
                Expr::Negative(Box::new(dt::nanos(v.expr))),
                KustoType::Timespan,
            ),
            KustoType::Timespan,
        )),
        t => Err(PlanError::at(format!("cannot negate a {t}"), span)),
    }
}

/// `target.key` / `target[key]` on a dynamic value.
fn member(t: TExpr, key: Expr, span: Span) -> Result<TExpr, PlanError> {
    match t.ty {
        KustoType::Dynamic => Ok(TExpr::new(dynamic::get(t.expr, key), KustoType::Dynamic)),
        other => Err(PlanError::at(
            format!("cannot access a member of a {other} value (only dynamic values have members)"),
            span,
        )),
    }
}

fn as_bool(v: TExpr, span: Span) -> Result<Expr, PlanError> {
    match v.ty {
        KustoType::Bool => Ok(v.expr),
        KustoType::Dynamic => Ok(conversion::to_type(v.arg(), KustoType::Bool)),
        t => Err(PlanError::at(format!("expected a bool, got {t}"), span)),
    }
}

pub fn as_string(v: TExpr) -> Expr {
    conversion::as_string(v.arg())
}

/// Binary operators with Kusto's typing rules.
pub fn binary(
    op: BinaryOp,
    a: TExpr,
    b: TExpr,
    schema: &DFSchema,
    span: Span,
) -> Result<TExpr, PlanError> {
    use KustoType as K;
    match op {
        BinaryOp::And => Ok(TExpr::new(
            as_bool(a, span)?.and(as_bool(b, span)?),
            K::Bool,
        )),
        BinaryOp::Or => Ok(TExpr::new(as_bool(a, span)?.or(as_bool(b, span)?), K::Bool)),
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
            arithmetic(op, a, b, schema, span)
        }
        BinaryOp::EqCi | BinaryOp::NotEqCi => {
            let eq = strings::lower(as_string(a)).eq(strings::lower(as_string(b)));
            Ok(TExpr::new(
                if op == BinaryOp::EqCi {
                    eq
                } else {
                    Expr::Not(Box::new(eq))
                },
                K::Bool,
            ))
        }
        BinaryOp::Str { op: sop, negated } => {
            let (l, r) = (as_string(a), as_string(b));
            let e = match sop {
                StringOp::MatchesRegex => strings::matches_regex(l, r),
                StringOp::Contains { cs } => {
                    strings::predicate(strings::StrPredicate::Contains, cs, l, r)
                }
                StringOp::Has { cs } => strings::predicate(strings::StrPredicate::Has, cs, l, r),
                StringOp::HasPrefix { cs } => {
                    strings::predicate(strings::StrPredicate::HasPrefix, cs, l, r)
                }
                StringOp::HasSuffix { cs } => {
                    strings::predicate(strings::StrPredicate::HasSuffix, cs, l, r)
                }
                StringOp::StartsWith { cs } => {
                    strings::predicate(strings::StrPredicate::StartsWith, cs, l, r)
                }
                StringOp::EndsWith { cs } => {
                    strings::predicate(strings::StrPredicate::EndsWith, cs, l, r)
                }
            };
            Ok(TExpr::new(
                if negated { Expr::Not(Box::new(e)) } else { e },
                K::Bool,
            ))
        }
        BinaryOp::Eq
        | BinaryOp::NotEq
        | BinaryOp::Lt
        | BinaryOp::LtEq
        | BinaryOp::Gt
        | BinaryOp::GtEq => {
            let is_real = a.ty == K::Real || b.ty == K::Real;
            let (a, b) = comparable(a, b, span)?;
            // Kusto compares nulls as values: `null == 1` is false and
            // `null != 1` is true; NaN equals nothing.
            let not_nan = |e: Expr| {
                if is_real {
                    Expr::Not(Box::new(datafusion::functions::expr_fn::isnan(cast(
                        e,
                        DataType::Float64,
                    ))))
                } else {
                    lit(true)
                }
            };
            let e = match op {
                BinaryOp::Eq => {
                    binary_expr(a.clone(), Operator::IsNotDistinctFrom, b).and(not_nan(a))
                }
                BinaryOp::NotEq => binary_expr(a.clone(), Operator::IsDistinctFrom, b)
                    .or(Expr::Not(Box::new(not_nan(a)))),
                BinaryOp::Lt => a.lt(b),
                BinaryOp::LtEq => a.lt_eq(b),
                BinaryOp::Gt => a.gt(b),
                _ => a.gt_eq(b),
            };
            Ok(TExpr::new(e, K::Bool))
        }
    }
}

/// Brings two operands of a comparison to a common type, or says why not.
fn comparable(a: TExpr, b: TExpr, span: Span) -> Result<(Expr, Expr), PlanError> {
    use KustoType as K;
    let (ta, tb) = (a.ty, b.ty);
    if ta == tb {
        if ta == K::Dynamic {
            return Ok((as_string(a), as_string(b)));
        }
        return Ok((a.expr, b.expr));
    }
    match (ta, tb) {
        (K::Dynamic, t) => Ok((convert_to(a, t).expr, b.expr)),
        (t, K::Dynamic) => Ok((a.expr, convert_to(b, t).expr)),
        (x, y) if x.is_numeric() && y.is_numeric() => Ok((a.expr, b.expr)),
        (K::String, K::Guid) | (K::Guid, K::String) => Ok((as_string(a), as_string(b))),
        _ if a.constant.as_ref().is_some_and(KValue::is_null) => {
            Ok((convert_to(a, tb).expr, b.expr))
        }
        _ if b.constant.as_ref().is_some_and(KValue::is_null) => {
            Ok((a.expr, convert_to(b, ta).expr))
        }
        (x, y) => Err(PlanError::at(
            format!("cannot compare a {x} with a {y}"),
            span,
        )),
    }
}

fn real(e: Expr) -> Expr {
    cast(e, DataType::Float64)
}

fn arithmetic(
    op: BinaryOp,
    a: TExpr,
    b: TExpr,
    schema: &DFSchema,
    span: Span,
) -> Result<TExpr, PlanError> {
    use KustoType as K;
    // Kusto refuses arithmetic on dynamic values: they must be converted first.
    let (ta, tb) = (a.ty, b.ty);
    let ns = |x: TExpr| dt::nanos(x.expr);
    let out = |e: Expr, t: K| TExpr::new(dt::from_nanos(e, t), t);
    let bad = || {
        PlanError::at(
            format!(
                "operator {} cannot be applied to {ta} and {tb}",
                op_symbol(op)
            ),
            span,
        )
    };
    Ok(match (op, ta, tb) {
        (BinaryOp::Sub, K::DateTime, K::DateTime) => out(ns(a) - ns(b), K::Timespan),
        (BinaryOp::Add, K::DateTime, K::Timespan) => out(ns(a) + ns(b), K::DateTime),
        (BinaryOp::Add, K::Timespan, K::DateTime) => out(ns(a) + ns(b), K::DateTime),
        (BinaryOp::Sub, K::DateTime, K::Timespan) => out(ns(a) - ns(b), K::DateTime),
        (BinaryOp::Add, K::Timespan, K::Timespan) => out(ns(a) + ns(b), K::Timespan),
        (BinaryOp::Sub, K::Timespan, K::Timespan) => out(ns(a) - ns(b), K::Timespan),
        (BinaryOp::Mod, K::Timespan, K::Timespan) => out(ns(a) % ns(b), K::Timespan),
        (BinaryOp::Div, K::Timespan, K::Timespan) => TExpr::new(real(ns(a)) / real(ns(b)), K::Real),
        (BinaryOp::Mul, K::Timespan, n) if n.is_numeric() => out(
            cast(real(ns(a)) * real(b.expr), DataType::Int64),
            K::Timespan,
        ),
        (BinaryOp::Mul, n, K::Timespan) if n.is_numeric() => out(
            cast(real(a.expr) * real(ns(b)), DataType::Int64),
            K::Timespan,
        ),
        (BinaryOp::Div, K::Timespan, n) if n.is_numeric() => out(
            cast(real(ns(a)) / real(b.expr), DataType::Int64),
            K::Timespan,
        ),
        (_, x, y) if x.is_numeric() && y.is_numeric() => {
            // Kusto computes int arithmetic in long.
            let widen = |v: TExpr| {
                if v.ty == K::Int {
                    cast(v.expr, DataType::Int64)
                } else {
                    v.expr
                }
            };
            let (l, r) = (widen(a), widen(b));
            let integral = x.is_integer() && y.is_integer();
            // Integer division by zero is null in Kusto, not an error.
            let r_div = if integral {
                datafusion::functions::expr_fn::nullif(r.clone(), lit(0i64))
            } else {
                r.clone()
            };
            let e = match op {
                BinaryOp::Add => l + r,
                BinaryOp::Sub => l - r,
                // Decimal(38,18) products and quotients overflow DataFusion's
                // decimal arithmetic (the scales add up); compute them in
                // doubles and return a decimal.
                BinaryOp::Mul if x == K::Decimal || y == K::Decimal => {
                    cast(real(l) * real(r), K::Decimal.to_arrow())
                }
                BinaryOp::Mul => l * r,
                BinaryOp::Div if x == K::Decimal || y == K::Decimal => {
                    cast(real(l) / real(r), K::Decimal.to_arrow())
                }
                BinaryOp::Div => l / r_div,
                // Kusto's modulo is never negative (Euclidean remainder).
                _ => {
                    let m = datafusion::functions::expr_fn::abs(r_div.clone());
                    ((l % r_div) + m.clone()) % m
                }
            };
            typed(e, schema, span)?
        }
        _ => return Err(bad()),
    })
}

fn op_symbol(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        _ => "%",
    }
}

fn in_list(op: InOp, t: TExpr, items: Vec<TExpr>, span: Span) -> Result<TExpr, PlanError> {
    // Dynamic array constants in the list contribute their elements.
    let mut values = Vec::new();
    for it in items {
        match (&it.constant, it.ty) {
            (Some(KValue::Dynamic(serde_json::Value::Array(a))), _) => {
                for j in a {
                    let v = KValue::Dynamic(j.clone());
                    values.push(TExpr::constant(v, KustoType::Dynamic));
                }
            }
            _ => values.push(it),
        }
    }
    match op {
        InOp::HasAny | InOp::HasAll => {
            if values.is_empty() {
                return Ok(TExpr::constant(
                    KValue::Bool(op == InOp::HasAll),
                    KustoType::Bool,
                ));
            }
            let hay = as_string(t);
            let preds = values.into_iter().map(|v| {
                strings::predicate(strings::StrPredicate::Has, false, hay.clone(), as_string(v))
            });
            let combined = preds.reduce(|x, y| {
                if op == InOp::HasAny {
                    x.or(y)
                } else {
                    x.and(y)
                }
            });
            Ok(TExpr::new(combined.unwrap_or(lit(false)), KustoType::Bool))
        }
        InOp::InCi | InOp::NotInCi => {
            let target = strings::lower(as_string(t));
            let list = values
                .into_iter()
                .map(|v| strings::lower(as_string(v)))
                .collect();
            Ok(TExpr::new(
                target.in_list(list, op == InOp::NotInCi),
                KustoType::Bool,
            ))
        }
        InOp::In | InOp::NotIn => {
            let negated = op == InOp::NotIn;
            let target_ty = t.ty;
            let list: Vec<Expr> = values
                .into_iter()
                .map(|v| {
                    if v.ty == target_ty || (v.ty.is_numeric() && target_ty.is_numeric()) {
                        Ok(v.expr)
                    } else if v.ty == KustoType::Dynamic || target_ty == KustoType::String {
                        Ok(convert_to(v, target_ty).expr)
                    } else {
                        Err(PlanError::at(
                            format!(
                                "'in' list has a {} value but the left side is {}",
                                v.ty, target_ty
                            ),
                            span,
                        ))
                    }
                })
                .collect::<Result<_, _>>()?;
            if list.is_empty() {
                return Ok(TExpr::constant(KValue::Bool(negated), KustoType::Bool));
            }
            let target = if target_ty == KustoType::Dynamic {
                as_string(t)
            } else {
                t.expr
            };
            // Like `!=`, `!in` keeps rows whose value is null.
            let e = if negated {
                target.clone().in_list(list, true).or(target.is_null())
            } else {
                target.in_list(list, false)
            };
            Ok(TExpr::new(e, KustoType::Bool))
        }
    }
}

fn call(
    p: &Planner<'_>,
    scope: &Scope,
    schema: &DFSchema,
    name: &ast::Ident,
    args: &[ast::Expr],
    span: Span,
    depth: usize,
) -> Result<TExpr, PlanError> {
    if let Some(f) = scope.functions.get(&name.name) {
        return call_user_function(p, scope, schema, name, f, args, span, depth);
    }
    if name.name == "toscalar" {
        return toscalar(p, scope, args, span);
    }
    if name.name == "bin_auto" {
        return bin_auto(p, scope, schema, args, span, depth);
    }
    if crate::window::is_window_function(&name.name) {
        let lowered = args
            .iter()
            .map(|a| lower_depth(p, scope, schema, a, depth + 1))
            .collect::<Result<Vec<_>, _>>()?;
        let e = crate::window::window_call(&name.name, lowered, span)?;
        return typed(e, schema, span);
    }
    let Some(func) = catalog::scalar_function(&name.name) else {
        if kql_functions::aggregate::aggregate_names().any(|a| a == name.name) {
            return Err(PlanError::at(
                format!(
                    "'{}' is an aggregation function; use it in summarize",
                    name.name
                ),
                name.span,
            ));
        }
        let mut cands: Vec<&str> = catalog::scalar_function_names().collect();
        cands.extend(scope.functions.keys().map(String::as_str));
        return Err(PlanError::unknown("function", &name.name, name.span, cands));
    };
    if args.len() < func.min_args || args.len() > func.max_args {
        let want = if func.min_args == func.max_args {
            format!("{}", func.min_args)
        } else if func.max_args >= 64 {
            format!("at least {}", func.min_args)
        } else {
            format!("{} to {}", func.min_args, func.max_args)
        };
        return Err(PlanError::at(
            format!(
                "{}() takes {want} argument(s), got {}",
                name.name,
                args.len()
            ),
            span,
        ));
    }
    let lowered = args
        .iter()
        .map(|a| lower_depth(p, scope, schema, a, depth + 1).map(TExpr::arg))
        .collect::<Result<Vec<_>, _>>()?;
    let expr = (func.build)(lowered, &p.call_context()).map_err(|m| PlanError::at(m, span))?;
    typed(expr, schema, span)
}

#[allow(clippy::too_many_arguments)]
fn call_user_function(
    p: &Planner<'_>,
    scope: &Scope,
    schema: &DFSchema,
    name: &ast::Ident,
    f: &ast::FunctionDef,
    args: &[ast::Expr],
    span: Span,
    depth: usize,
) -> Result<TExpr, PlanError> {
    let Some(body) = &f.scalar_body else {
        return Err(PlanError::at(
            format!("'{}' is a tabular function; call it as a table", name.name),
            span,
        ));
    };
    if args.len() > f.params.len() {
        return Err(PlanError::at(
            format!(
                "{}() takes {} argument(s), got {}",
                name.name,
                f.params.len(),
                args.len()
            ),
            span,
        ));
    }
    let mut inner = scope.clone();
    // Kusto functions cannot call themselves; without this a self-call would recurse forever.
    inner.functions.remove(&name.name);
    for (i, param) in f.params.iter().enumerate() {
        let value = match (args.get(i), &param.default) {
            (Some(a), _) => lower_depth(p, scope, schema, a, depth + 1)?,
            (None, Some(d)) => lower_depth(p, scope, schema, d, depth + 1)?,
            (None, None) => {
                return Err(PlanError::at(
                    format!("{}(): missing argument '{}'", name.name, param.name.name),
                    span,
                ));
            }
        };
        let value = match KustoType::from_name(&param.ty.name) {
            Some(t) => convert_to(value, t),
            None => value,
        };
        inner.scalars.insert(param.name.name.clone(), value);
    }
    for st in &f.body {
        if let ast::Statement::Let(l) = st {
            crate::scope::bind_let(p, &mut inner, l)?;
        }
    }
    lower_depth(p, &inner, schema, body, depth + 1)
}

/// `bin_auto(x)`: `bin` with the size (and fixed point) the query set with
/// `set query_bin_auto_size=…; set query_bin_auto_at=…;`.
fn bin_auto(
    p: &Planner<'_>,
    scope: &Scope,
    schema: &DFSchema,
    args: &[ast::Expr],
    span: Span,
    depth: usize,
) -> Result<TExpr, PlanError> {
    let [value] = args else {
        return Err(PlanError::at("bin_auto() takes one value", span));
    };
    let Some(Some(size)) = scope.options.get("query_bin_auto_size") else {
        return Err(PlanError::at(
            "bin_auto() needs the bin size: put `set query_bin_auto_size=1h;` before the query",
            span,
        ));
    };
    let mut bin_args = vec![value.clone(), size.clone()];
    let func = match scope.options.get("query_bin_auto_at") {
        Some(Some(at)) => {
            bin_args.push(at.clone());
            "bin_at"
        }
        _ => "bin",
    };
    let call = ast::Expr {
        kind: ExprKind::Call {
            name: ast::Ident {
                name: func.to_string(),
                span,
            },
            args: bin_args,
        },
        span,
    };
    lower_depth(p, scope, schema, &call, depth + 1)
}

/// `toscalar(T)`: the first column of the first row of a tabular expression, as
/// a scalar subquery that DataFusion evaluates once.
fn toscalar(
    p: &Planner<'_>,
    scope: &Scope,
    args: &[ast::Expr],
    span: Span,
) -> Result<TExpr, PlanError> {
    let [arg] = args else {
        return Err(PlanError::at(
            "toscalar() takes one tabular expression",
            span,
        ));
    };
    let plan = match &arg.kind {
        ExprKind::TabularArg(t) => p.plan_tabular(&mut scope.clone(), t)?.0,
        ExprKind::Ident(id) => match scope.tables.get(&id.name) {
            Some(plan) => plan.clone(),
            None => {
                crate::source::plan_source(p, &mut scope.clone(), &ast::Source::Table(id.clone()))?
            }
        },
        _ => {
            return Err(PlanError::at(
                "toscalar() takes a tabular expression",
                arg.span,
            ));
        }
    };
    let Some(first) = plan.schema().fields().first().cloned() else {
        return Err(PlanError::at(
            "toscalar(): the expression has no columns",
            arg.span,
        ));
    };
    let ty = KustoType::from_arrow(first.data_type())
        .ok_or_else(|| PlanError::at("toscalar(): unsupported column type", arg.span))?;
    let one = datafusion::logical_expr::LogicalPlanBuilder::from(plan)
        .limit(0, Some(1))
        .and_then(|b| b.project(vec![col(first.name()).alias(first.name())]))
        .and_then(datafusion::logical_expr::LogicalPlanBuilder::build)
        .map_err(|e| PlanError::datafusion(e, span))?;
    let sub = datafusion::logical_expr::expr_fn::scalar_subquery(std::sync::Arc::new(one));
    Ok(TExpr::new(sub, ty))
}
