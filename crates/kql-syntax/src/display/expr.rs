//! `Display` for expressions, literals and identifiers.

use super::comma_list;
use crate::ast::{BinaryOp, Expr, ExprKind, Ident, InOp, JoinSide, Literal, StringOp, UnaryOp};
use crate::parser::{COMPARISON_PRECEDENCE, is_plain_identifier, precedence};
use std::fmt::{self, Display, Formatter, Write};

/// Names that would read as keywords somewhere if printed bare, so they are
/// printed quoted (`['by']`).
/// Words that need quoting besides the parser's operator words and the names
/// it refuses in assignments (`crate::parser::{OPERATOR_WORDS, RESERVED_NAMES}`).
const KEYWORDS: &[&str] = &[
    "on",
    "asc",
    "desc",
    "nulls",
    "with",
    "to",
    "step",
    "from",
    "limit",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "let",
    "declare",
    "print",
    "range",
    "datatable",
    "union",
    "$left",
    "$right",
];

/// Precedence of expressions that are not binary operations.
const UNARY_PRECEDENCE: u8 = 6;
const ATOM_PRECEDENCE: u8 = 7;

/// An identifier as KQL text: bare when that lexes back to the same name and
/// is not a keyword, `['quoted']` otherwise.
pub(crate) struct IdentText<'a>(pub &'a str);

impl Display for IdentText<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let keyword = KEYWORDS.contains(&self.0)
            || crate::parser::OPERATOR_WORDS.contains(&self.0)
            || crate::parser::RESERVED_NAMES.contains(&self.0);
        if is_plain_identifier(self.0) && !keyword {
            f.write_str(self.0)
        } else {
            f.write_char('[')?;
            write_quoted(f, self.0, '\'')?;
            f.write_char(']')
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

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        IdentText(&self.name).fmt(f)
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
