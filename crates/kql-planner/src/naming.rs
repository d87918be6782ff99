//! Kusto's rules for naming result columns that the query did not name.

use kql_syntax::ast::{Expr, ExprKind, Literal};

/// The name Kusto gives an unnamed expression in `project`/`extend`/`by`, when
/// it derives one from the expression: a column keeps its name, `d.a.b` becomes
/// `d_a_b`, and `bin(x, …)`-like calls keep the column's name.
pub fn derived_name(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Ident(id) => Some(id.name.clone()),
        ExprKind::Paren(inner) => derived_name(inner),
        ExprKind::Member { target, name } => {
            Some(format!("{}_{}", derived_name(target)?, name.name))
        }
        ExprKind::Index { target, index } => match &index.kind {
            ExprKind::Literal(Literal::String(s)) => {
                Some(format!("{}_{}", derived_name(target)?, s))
            }
            ExprKind::Literal(Literal::Long(i)) => Some(format!("{}_{}", derived_name(target)?, i)),
            _ => None,
        },
        ExprKind::Call { name, args }
            if matches!(name.name.as_str(), "bin" | "floor" | "bin_at" | "bin_auto") =>
        {
            args.first().and_then(derived_name)
        }
        _ => None,
    }
}

/// The name of an unnamed `summarize … by` key: as [`derived_name`], and a
/// conversion keeps the column's name (`by tostring(x)` is `x`).
pub fn group_name(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Call { name, args } if args.len() == 1 && name.name.starts_with("to") => {
            args.first().and_then(group_name)
        }
        _ => derived_name(e),
    }
}

/// The column an aggregate's first argument names, for `avg_TotalTime`; a
/// conversion of a column counts too (`sum(toint(v))` is `sum_v`).
pub fn plain_column(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Ident(id) => Some(id.name.clone()),
        ExprKind::Paren(inner) => plain_column(inner),
        ExprKind::Call { name, args } if args.len() == 1 && name.name.starts_with("to") => {
            plain_column(&args[0])
        }
        _ => None,
    }
}

/// `name`, or `name_1`, `name_2`… when `name` is taken.
pub fn unique(name: String, taken: &[String]) -> String {
    if !taken.contains(&name) {
        return name;
    }
    (1..)
        .map(|i| format!("{name}{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or(name)
}

/// The next free `ColumnN` (Kusto numbers unnamed columns from 1).
pub fn next_column_name(taken: &[String]) -> String {
    (1..)
        .map(|i| format!("Column{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| "Column".to_string())
}
