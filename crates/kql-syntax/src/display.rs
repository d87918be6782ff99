//! `Display` for the AST: prints KQL that parses back to the same tree (spans
//! aside), with canonical spacing. Parentheses written by the user are kept as
//! `ExprKind::Paren`; extra ones are only added for hand-built trees whose
//! shape the precedence rules could not have produced.

use crate::ast::{
    BinaryOp, ColumnDecl, Expr, ExprKind, FunctionDef, Ident, InOp, JoinCondition, JoinKind,
    JoinSide, LetStatement, LetValue, Literal, MvExpandColumn, NamedExpr, NullsOrder, Operator,
    OperatorParam, ParamDecl, Query, SortKey, SortOrder, Source, Statement, StringOp, TabularExpr,
    TypeName, UnaryOp,
};
use crate::parser::{LIST_CALL, COMPARISON_PRECEDENCE, is_plain_identifier, precedence};
use std::fmt::{self, Display, Formatter, Write};

/// Names that would read as keywords somewhere if printed bare, so they are
/// printed quoted (`['by']`).
const KEYWORDS: &[&str] = &[
    "and", "or", "by", "on", "in", "between", "has_any", "has_all", "contains", "contains_cs",
    "has", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs", "startswith",
    "startswith_cs", "endswith", "endswith_cs", "matches", "asc", "desc", "nulls", "with", "to",
    "step", "from", "limit", "true", "True", "TRUE", "false", "False", "FALSE", "let", "declare",
    "print", "range", "datatable", "union", "$left", "$right",
];

/// Precedence of expressions that are not binary operations.
const UNARY_PRECEDENCE: u8 = 6;
const ATOM_PRECEDENCE: u8 = 7;

/// An identifier as KQL text: bare when that lexes back to the same name and
/// is not a keyword, `['quoted']` otherwise.
pub(crate) struct IdentText<'a>(pub &'a str);

impl Display for IdentText<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if is_plain_identifier(self.0) && !KEYWORDS.contains(&self.0) {
            f.write_str(self.0)
        } else {
            f.write_char('[')?;
            write_quoted(f, self.0, '\'')?;
            f.write_char(']')
        }
    }
}

/// A column name that may be a wildcard pattern (`prefix*`).
struct ColumnPattern<'a>(&'a str);

impl Display for ColumnPattern<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let is_pattern = self.0.contains('*')
            && self
                .0
                .chars()
                .all(|c| c == '*' || c == '_' || c.is_alphanumeric());
        if is_pattern {
            f.write_str(self.0)
        } else {
            IdentText(self.0).fmt(f)
        }
    }
}

fn write_quoted(f: &mut Formatter<'_>, s: &str, quote: char) -> fmt::Result {
    f.write_char(quote)?;
    for c in s.chars() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if c == quote => write!(f, "\\{c}")?,
            c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char(quote)
}

/// Writes `items` separated by `", "`.
fn comma_list<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        item.fmt(f)?;
    }
    Ok(())
}

fn params(f: &mut Formatter<'_>, params: &[OperatorParam]) -> fmt::Result {
    for param in params {
        write!(f, " {param}")?;
    }
    Ok(())
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        IdentText(&self.name).fmt(f)
    }
}

impl Display for TypeName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, statement) in self.statements.iter().enumerate() {
            if i > 0 {
                f.write_str(";\n")?;
            }
            statement.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Let(let_statement) => let_statement.fmt(f),
            Statement::DeclareQueryParameters(decls, _) => {
                f.write_str("declare query_parameters(")?;
                comma_list(f, decls)?;
                f.write_char(')')
            }
            Statement::Tabular(tabular) => tabular.fmt(f),
        }
    }
}

impl Display for LetStatement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "let {} = {}", self.name, self.value)
    }
}

impl Display for LetValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            LetValue::Scalar(expr) => expr.fmt(f),
            LetValue::Tabular(tabular) => tabular.fmt(f),
            LetValue::Function(function) => function.fmt(f),
        }
    }
}

impl Display for FunctionDef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        comma_list(f, &self.params)?;
        f.write_str(") {")?;
        for statement in &self.body {
            match statement {
                Statement::Tabular(_) => write!(f, " {statement}")?,
                _ => write!(f, " {statement};")?,
            }
        }
        if let Some(expr) = &self.scalar_body {
            write!(f, " {expr}")?;
        }
        f.write_str(" }")
    }
}

impl Display for ParamDecl {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, self.ty)?;
        if let Some(default) = &self.default {
            write!(f, " = {default}")?;
        }
        Ok(())
    }
}

impl Display for ColumnDecl {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, self.ty)
    }
}

impl Display for TabularExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.source.fmt(f)?;
        for operator in &self.operators {
            write!(f, " | {operator}")?;
        }
        Ok(())
    }
}

/// A tabular operand of `union`/`join`: bare when it is a plain name or call,
/// parenthesized otherwise (a bare `|` would end the operator).
struct TabularOperand<'a>(&'a TabularExpr);

impl Display for TabularOperand<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let bare = self.0.operators.is_empty()
            && matches!(self.0.source, Source::Table(_) | Source::Call { .. });
        if bare {
            self.0.fmt(f)
        } else {
            write!(f, "({})", self.0)
        }
    }
}

impl Display for Source {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Source::Table(name) => name.fmt(f),
            Source::Datatable {
                columns, values, ..
            } => {
                f.write_str("datatable(")?;
                comma_list(f, columns)?;
                f.write_str(")[")?;
                let values: Vec<DatatableValue<'_>> = values.iter().map(DatatableValue).collect();
                comma_list(f, &values)?;
                f.write_char(']')
            }
            Source::Print { columns, .. } => {
                f.write_str("print ")?;
                comma_list(f, columns)
            }
            Source::Range {
                name, from, to, step, ..
            } => write!(f, "range {name} from {from} to {to} step {step}"),
            Source::Union {
                params: union_params,
                tables,
                ..
            } => union(f, union_params, tables),
            Source::Paren(inner) => write!(f, "({inner})"),
            Source::Call { name, args, .. } => {
                write!(f, "{}(", name.name)?;
                comma_list(f, args)?;
                f.write_char(')')
            }
        }
    }
}

fn union(f: &mut Formatter<'_>, union_params: &[OperatorParam], tables: &[TabularExpr]) -> fmt::Result {
    f.write_str("union")?;
    params(f, union_params)?;
    f.write_char(' ')?;
    let tables: Vec<TabularOperand<'_>> = tables.iter().map(TabularOperand).collect();
    comma_list(f, &tables)
}

/// Datatable values print negative numbers bare (`-5`), as they are written.
struct DatatableValue<'a>(&'a Expr);

impl Display for DatatableValue<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            ExprKind::Literal(Literal::Long(v)) if *v < 0 && *v != i64::MIN => write!(f, "{v}"),
            ExprKind::Literal(Literal::Real(v)) if v.is_finite() && v.is_sign_negative() => {
                write!(f, "-{:?}", -v)
            }
            _ => self.0.fmt(f),
        }
    }
}

impl Display for OperatorParam {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        // Parameter names (`hint.strategy`) are dotted words, never quoted.
        write!(f, "{}={}", self.name.name, self.value)
    }
}

impl Display for NamedExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.names.as_slice() {
            [] => {}
            [name] => write!(f, "{name} = ")?,
            names => {
                f.write_char('(')?;
                comma_list(f, names)?;
                f.write_str(") = ")?;
            }
        }
        self.expr.fmt(f)
    }
}

impl Display for SortKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)?;
        match self.order {
            Some(SortOrder::Asc) => f.write_str(" asc")?,
            Some(SortOrder::Desc) => f.write_str(" desc")?,
            None => {}
        }
        match self.nulls {
            Some(NullsOrder::First) => f.write_str(" nulls first"),
            Some(NullsOrder::Last) => f.write_str(" nulls last"),
            None => Ok(()),
        }
    }
}

impl Display for JoinKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JoinKind::InnerUnique => "innerunique",
            JoinKind::Inner => "inner",
            JoinKind::LeftOuter => "leftouter",
            JoinKind::RightOuter => "rightouter",
            JoinKind::FullOuter => "fullouter",
            JoinKind::LeftAnti => "leftanti",
            JoinKind::RightAnti => "rightanti",
            JoinKind::LeftSemi => "leftsemi",
            JoinKind::RightSemi => "rightsemi",
        })
    }
}

impl Display for JoinCondition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            JoinCondition::Column(name) => name.fmt(f),
            JoinCondition::LeftRight { left, right } => {
                write!(f, "$left.{left} == $right.{right}")
            }
        }
    }
}

impl Display for MvExpandColumn {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.column.fmt(f)?;
        if let Some(ty) = &self.to_type {
            write!(f, " to typeof({ty})")?;
        }
        Ok(())
    }
}

impl Display for Operator {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Operator::Where { predicate, .. } => write!(f, "where {predicate}"),
            Operator::Project { columns, .. } => {
                f.write_str("project ")?;
                comma_list(f, columns)
            }
            Operator::ProjectAway { columns, .. } | Operator::ProjectKeep { columns, .. } => {
                let name = match self {
                    Operator::ProjectAway { .. } => "project-away ",
                    _ => "project-keep ",
                };
                f.write_str(name)?;
                let columns: Vec<ColumnPattern<'_>> =
                    columns.iter().map(|c| ColumnPattern(&c.name)).collect();
                comma_list(f, &columns)
            }
            Operator::ProjectRename { renames, .. } => {
                f.write_str("project-rename ")?;
                let renames: Vec<String> = renames
                    .iter()
                    .map(|(new, old)| format!("{new} = {old}"))
                    .collect();
                comma_list(f, &renames)
            }
            Operator::ProjectReorder { columns, .. } => {
                f.write_str("project-reorder ")?;
                for (i, key) in columns.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match &key.expr.kind {
                        ExprKind::Ident(ident) => ColumnPattern(&ident.name).fmt(f)?,
                        _ => key.expr.fmt(f)?,
                    }
                    match key.order {
                        Some(SortOrder::Asc) => f.write_str(" asc")?,
                        Some(SortOrder::Desc) => f.write_str(" desc")?,
                        None => {}
                    }
                }
                Ok(())
            }
            Operator::Extend { columns, .. } => {
                f.write_str("extend ")?;
                comma_list(f, columns)
            }
            Operator::Summarize {
                params: hints,
                aggregates,
                by,
                ..
            } => {
                f.write_str("summarize")?;
                params(f, hints)?;
                if !aggregates.is_empty() {
                    f.write_char(' ')?;
                    comma_list(f, aggregates)?;
                }
                if !by.is_empty() {
                    f.write_str(" by ")?;
                    comma_list(f, by)?;
                }
                Ok(())
            }
            Operator::Count { .. } => f.write_str("count"),
            Operator::Take { count, .. } => write!(f, "take {count}"),
            Operator::Top { count, by, .. } => write!(f, "top {count} by {by}"),
            Operator::Sort { keys, .. } => {
                f.write_str("sort by ")?;
                comma_list(f, keys)
            }
            Operator::Distinct { columns, .. } => {
                if columns.is_empty() {
                    f.write_str("distinct *")
                } else {
                    f.write_str("distinct ")?;
                    comma_list(f, columns)
                }
            }
            Operator::Join {
                params: join_params,
                kind,
                right,
                on,
                ..
            } => {
                f.write_str("join")?;
                if *kind != JoinKind::InnerUnique {
                    write!(f, " kind={kind}")?;
                }
                params(f, join_params)?;
                write!(f, " ({right}) on ")?;
                comma_list(f, on)
            }
            Operator::Union {
                params: union_params,
                tables,
                ..
            } => union(f, union_params, tables),
            Operator::MvExpand {
                params: expand_params,
                columns,
                item_index,
                limit,
                ..
            } => {
                f.write_str("mv-expand")?;
                params(f, expand_params)?;
                if let Some(index) = item_index {
                    write!(f, " with_itemindex={index}")?;
                }
                f.write_char(' ')?;
                comma_list(f, columns)?;
                if let Some(limit) = limit {
                    write!(f, " limit {limit}")?;
                }
                Ok(())
            }
            Operator::Serialize { columns, .. } => {
                f.write_str("serialize")?;
                if !columns.is_empty() {
                    f.write_char(' ')?;
                    comma_list(f, columns)?;
                }
                Ok(())
            }
            Operator::As { name, .. } => write!(f, "as {name}"),
            Operator::Getschema { .. } => f.write_str("getschema"),
            Operator::Render {
                kind, properties, ..
            } => {
                write!(f, "render {kind}")?;
                if !properties.is_empty() {
                    f.write_str(" with (")?;
                    let properties: Vec<RenderProperty<'_>> =
                        properties.iter().map(RenderProperty).collect();
                    comma_list(f, &properties)?;
                    f.write_char(')')?;
                }
                Ok(())
            }
            // The arguments of unmodeled operators are not kept.
            Operator::Unsupported { name, .. } => f.write_str(name),
        }
    }
}

/// `ycolumns=a, b`: a column list is stored as a `__list` call.
struct RenderProperty<'a>(&'a OperatorParam);

impl Display for RenderProperty<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}=", self.0.name)?;
        match &self.0.value.kind {
            ExprKind::Call { name, args } if name.name == LIST_CALL && args.len() > 1 => {
                comma_list(f, args)
            }
            _ => self.0.value.fmt(f),
        }
    }
}

fn expr_precedence(expr: &Expr) -> u8 {
    match &expr.kind {
        ExprKind::Binary { op, .. } => precedence(*op),
        ExprKind::In { .. } | ExprKind::Between { .. } => COMPARISON_PRECEDENCE,
        ExprKind::Unary { .. } => UNARY_PRECEDENCE,
        _ => ATOM_PRECEDENCE,
    }
}

/// Writes `expr`, in parentheses when it binds looser than `min`.
fn operand(f: &mut Formatter<'_>, expr: &Expr, min: u8) -> fmt::Result {
    if expr_precedence(expr) < min {
        write!(f, "({expr})")
    } else {
        expr.fmt(f)
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(literal) => literal.fmt(f),
            ExprKind::Ident(ident) => ident.fmt(f),
            ExprKind::Star => f.write_char('*'),
            ExprKind::Unary { op, operand: inner } => {
                f.write_char(match op {
                    UnaryOp::Neg => '-',
                    UnaryOp::Plus => '+',
                })?;
                operand(f, inner, UNARY_PRECEDENCE)
            }
            ExprKind::Binary { op, left, right } => {
                let p = precedence(*op);
                // Comparisons do not chain, so a comparison operand needs
                // parentheses on either side.
                let left_min = if p == COMPARISON_PRECEDENCE { p + 1 } else { p };
                operand(f, left, left_min)?;
                write!(f, " {op} ")?;
                operand(f, right, p + 1)
            }
            ExprKind::Call { name, args } => {
                // Call names come from bare words; quoting would not parse.
                write!(f, "{}(", name.name)?;
                comma_list(f, args)?;
                f.write_char(')')
            }
            ExprKind::Member { target, name } => {
                operand(f, target, ATOM_PRECEDENCE)?;
                write!(f, ".{name}")
            }
            ExprKind::Index { target, index } => {
                operand(f, target, ATOM_PRECEDENCE)?;
                write!(f, "[{index}]")
            }
            ExprKind::In { op, target, list } => {
                operand(f, target, COMPARISON_PRECEDENCE + 1)?;
                write!(f, " {op} (")?;
                comma_list(f, list)?;
                f.write_char(')')
            }
            ExprKind::Between {
                negated,
                target,
                low,
                high,
            } => {
                operand(f, target, COMPARISON_PRECEDENCE + 1)?;
                let op = if *negated { "!between" } else { "between" };
                write!(f, " {op} ({low} .. {high})")
            }
            ExprKind::Paren(inner) => write!(f, "({inner})"),
            ExprKind::TabularArg(tabular) => tabular.fmt(f),
            ExprKind::JoinSide { side, name } => match side {
                JoinSide::Left => write!(f, "$left.{name}"),
                JoinSide::Right => write!(f, "$right.{name}"),
            },
        }
    }
}

impl Display for InOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InOp::In => "in",
            InOp::NotIn => "!in",
            InOp::InCi => "in~",
            InOp::NotInCi => "!in~",
            InOp::HasAny => "has_any",
            InOp::HasAll => "has_all",
        })
    }
}

impl Display for BinaryOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let text = match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::EqCi => "=~",
            BinaryOp::NotEqCi => "!~",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Str { op, negated } => {
                if *negated {
                    f.write_char('!')?;
                }
                return op.fmt(f);
            }
        };
        f.write_str(text)
    }
}

impl Display for StringOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (name, cs) = match *self {
            StringOp::Contains { cs } => ("contains", cs),
            StringOp::Has { cs } => ("has", cs),
            StringOp::HasPrefix { cs } => ("hasprefix", cs),
            StringOp::HasSuffix { cs } => ("hassuffix", cs),
            StringOp::StartsWith { cs } => ("startswith", cs),
            StringOp::EndsWith { cs } => ("endswith", cs),
            StringOp::MatchesRegex => ("matches regex", false),
        };
        f.write_str(name)?;
        if cs {
            f.write_str("_cs")?;
        }
        Ok(())
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Bool(b) => write!(f, "{b}"),
            // The lexer has no negative numbers and cannot read i64::MIN's
            // magnitude, hence the typed and hex forms.
            Literal::Long(i64::MIN) => f.write_str("0x8000000000000000"),
            Literal::Long(v) if *v < 0 => write!(f, "long({v})"),
            Literal::Long(v) => write!(f, "{v}"),
            Literal::Int(v) => write!(f, "int({v})"),
            Literal::Real(v) => write_real(f, *v),
            Literal::Decimal(text) => write!(f, "decimal({text})"),
            Literal::String(s) => write_quoted(f, s, '"'),
            Literal::DateTime { nanos, raw } => {
                if raw.is_empty() {
                    write!(f, "datetime({})", format_datetime(*nanos))
                } else {
                    write!(f, "datetime({raw})")
                }
            }
            Literal::Timespan { nanos, raw } => {
                if raw.is_empty() {
                    write!(f, "time({nanos}nanoseconds)")
                } else {
                    f.write_str(raw)
                }
            }
            Literal::Guid(g) => write!(f, "guid({g})"),
            Literal::Dynamic(json) => write!(f, "dynamic({json})"),
            Literal::Null(ty) => write!(f, "{ty}(null)"),
        }
    }
}

fn write_real(f: &mut Formatter<'_>, v: f64) -> fmt::Result {
    if v.is_nan() {
        f.write_str("real(nan)")
    } else if v.is_infinite() {
        f.write_str(if v > 0.0 { "real(+inf)" } else { "real(-inf)" })
    } else if v.is_sign_negative() {
        write!(f, "real({v:?})")
    } else {
        // `{:?}` is the shortest text that reads back as the same f64 and
        // always shows a `.` or exponent, so it lexes as a real.
        write!(f, "{v:?}")
    }
}

/// ISO 8601 text for nanoseconds since the epoch, for literals built without
/// their source text.
fn format_datetime(nanos: i64) -> String {
    let days = nanos.div_euclid(86_400_000_000_000);
    let within_day = nanos.rem_euclid(86_400_000_000_000);
    // Howard Hinnant's `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let seconds = within_day / 1_000_000_000;
    let fraction = within_day % 1_000_000_000;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:09}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Span;

    fn lit(literal: Literal) -> String {
        Expr {
            kind: ExprKind::Literal(literal),
            span: Span::default(),
        }
        .to_string()
    }

    #[test]
    fn literals_print_as_kql() {
        assert_eq!(lit(Literal::Real(1.0)), "1.0");
        assert_eq!(lit(Literal::Real(1e300)), "1e300");
        assert_eq!(lit(Literal::Real(-2.5)), "real(-2.5)");
        assert_eq!(lit(Literal::Long(-3)), "long(-3)");
        assert_eq!(lit(Literal::String("a\"b\n".into())), r#""a\"b\n""#);
        let epoch = Literal::DateTime {
            nanos: 1_707_566_400_123_456_700,
            raw: String::new(),
        };
        assert_eq!(lit(epoch), "datetime(2024-02-10T12:00:00.123456700Z)");
    }

    #[test]
    fn identifiers_are_quoted_when_needed() {
        assert_eq!(IdentText("Col1").to_string(), "Col1");
        assert_eq!(IdentText("my col").to_string(), "['my col']");
        assert_eq!(IdentText("by").to_string(), "['by']");
        assert_eq!(IdentText("it's").to_string(), r"['it\'s']");
        assert_eq!(IdentText("1d").to_string(), "['1d']");
    }
}
