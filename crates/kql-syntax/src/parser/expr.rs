//! Scalar expressions: precedence climbing over the binary operators, then
//! unary, postfix (`.member`, `[index]`) and primary expressions.

use super::lexical::{self, Tok};
use super::{PResult, Parser};
use crate::ast::{
    BinaryOp, Expr, ExprKind, Ident, InOp, JoinSide, Literal, NamedExpr, NullsOrder, SortKey,
    SortOrder, Span, StringOp, UnaryOp,
};

/// Binding strength of binary operators; higher binds tighter.
const OR: u8 = 1;
const AND: u8 = 2;
const COMPARISON: u8 = 3;
const ADDITIVE: u8 = 4;
const MULTIPLICATIVE: u8 = 5;

/// Precedence of a binary operator, shared with `Display` so that it can
/// parenthesize hand-built trees correctly.
pub(crate) fn precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => OR,
        BinaryOp::And => AND,
        BinaryOp::Add | BinaryOp::Sub => ADDITIVE,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => MULTIPLICATIVE,
        _ => COMPARISON,
    }
}

/// Precedence of comparisons, which also covers `in`, `has_any` and `between`.
pub(crate) const COMPARISON_PRECEDENCE: u8 = COMPARISON;

/// Words that are operators after an operand; as operands they would only
/// hide a missing expression (`where and x`), so they are rejected there.
/// Words Kusto refuses as unquoted column names in assignments. `select`,
/// `from` and `order` are not among them: Kusto answers `extend order = 1`.
pub(crate) const RESERVED_NAMES: &[&str] = &[
    "and", "or", "asc", "desc", "by", "on", "with", "where", "let", "first", "last", "missing",
];

pub(crate) const OPERATOR_WORDS: &[&str] = &[
    "and",
    "or",
    "by",
    "in",
    "between",
    "has_any",
    "has_all",
    "contains",
    "contains_cs",
    "has",
    "has_cs",
    "hasprefix",
    "hasprefix_cs",
    "hassuffix",
    "hassuffix_cs",
    "startswith",
    "startswith_cs",
    "endswith",
    "endswith_cs",
    "matches",
];

enum Infix {
    Binary(BinaryOp),
    In(InOp),
    Between { negated: bool },
}

impl Infix {
    fn precedence(&self) -> u8 {
        match self {
            Infix::Binary(op) => precedence(*op),
            Infix::In(_) | Infix::Between { .. } => COMPARISON,
        }
    }
}

/// Kusto accepts these spellings of the boolean literals.
fn bool_word(word: &str) -> Option<bool> {
    match word {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn string_op(word: &str) -> Option<StringOp> {
    let (base, cs) = match word.strip_suffix("_cs") {
        Some(base) => (base, true),
        None => (word, false),
    };
    Some(match base {
        "contains" => StringOp::Contains { cs },
        "has" => StringOp::Has { cs },
        "hasprefix" => StringOp::HasPrefix { cs },
        "hassuffix" => StringOp::HasSuffix { cs },
        "startswith" => StringOp::StartsWith { cs },
        "endswith" => StringOp::EndsWith { cs },
        _ => return None,
    })
}

impl Parser<'_> {
    // The functions on the recursive path (expr → binary → unary → postfix →
    // primary → paren/call → expr) stay small and leave the bulky work to
    // helpers that return before the recursion: debug builds give every local
    // its own stack slot, and MAX_DEPTH levels must fit in a 2 MiB thread.

    /// A full scalar expression.
    pub(super) fn expr(&mut self) -> PResult<Expr> {
        let expr = self.nested(|p| p.binary(OR))?;
        self.reject_assignment()?;
        Ok(expr)
    }

    /// An expression without top-level `and`/`or` (a `search` term).
    pub(super) fn comparison_expr(&mut self) -> PResult<Expr> {
        self.nested(|p| p.binary(COMPARISON))
    }

    /// A single operand: a literal, name, call or parenthesized expression.
    pub(super) fn primary_expr(&mut self) -> PResult<Expr> {
        self.nested(|p| p.postfix())
    }

    /// Nothing continues an expression with `=`; it is a typo for `==`.
    fn reject_assignment(&mut self) -> PResult<()> {
        if !self.at("=") {
            return Ok(());
        }
        Err(Self::error(
            self.peek().span,
            "unexpected '='; use '==' to compare values",
            &["'=='"],
        ))
    }

    /// The infix operator at the current position and the offset after it.
    fn peek_infix(&mut self) -> Option<(Infix, usize)> {
        let token = self.peek();
        let end = token.span.end;
        let op = match token.tok {
            Tok::Punct(p) => match p {
                "+" => BinaryOp::Add,
                "-" => BinaryOp::Sub,
                "*" => BinaryOp::Mul,
                "/" => BinaryOp::Div,
                "%" => BinaryOp::Mod,
                "==" => BinaryOp::Eq,
                "!=" => BinaryOp::NotEq,
                "=~" => BinaryOp::EqCi,
                "!~" => BinaryOp::NotEqCi,
                "<" => BinaryOp::Lt,
                "<=" => BinaryOp::LtEq,
                ">" => BinaryOp::Gt,
                ">=" => BinaryOp::GtEq,
                "!" => {
                    let word = lexical::lex(self.text, end);
                    let Tok::Ident(word_text) = word.tok else {
                        return None;
                    };
                    return self.word_infix(&word_text, true, word.span.end);
                }
                _ => return None,
            },
            Tok::Ident(word) => return self.word_infix(&word, false, end),
            _ => return None,
        };
        Some((Infix::Binary(op), end))
    }

    fn word_infix(&self, word: &str, negated: bool, end: usize) -> Option<(Infix, usize)> {
        if let Some(op) = string_op(word) {
            return Some((Infix::Binary(BinaryOp::Str { op, negated }), end));
        }
        let next = lexical::lex(self.text, end);
        let op = match (word, negated) {
            ("and", false) => Infix::Binary(BinaryOp::And),
            ("or", false) => Infix::Binary(BinaryOp::Or),
            ("matches", false) if next.tok == Tok::Ident("regex".into()) => {
                let op = BinaryOp::Str {
                    op: StringOp::MatchesRegex,
                    negated: false,
                };
                return Some((Infix::Binary(op), next.span.end));
            }
            ("in", _) => {
                // `in~` is written without a space.
                if next.tok == Tok::Punct("~") && next.span.start == end {
                    let op = if negated { InOp::NotInCi } else { InOp::InCi };
                    return Some((Infix::In(op), next.span.end));
                }
                Infix::In(if negated { InOp::NotIn } else { InOp::In })
            }
            ("has_any", false) => Infix::In(InOp::HasAny),
            ("has_all", false) => Infix::In(InOp::HasAll),
            ("between", _) => Infix::Between { negated },
            _ => return None,
        };
        Some((op, end))
    }

    /// Precedence climbing: operands joined by operators binding at least
    /// as tightly as `min_precedence`.
    fn binary(&mut self, min_precedence: u8) -> PResult<Expr> {
        let mut left = self.unary()?;
        let mut after_comparison = false;
        while let Some((op, end)) = self.peek_infix() {
            let precedence = op.precedence();
            if precedence < min_precedence {
                break;
            }
            if precedence == COMPARISON && after_comparison {
                return Err(self.chained_comparison(end));
            }
            self.advance_to(end);
            left = match op {
                Infix::Binary(op) => self.binary_rhs(left, op)?,
                Infix::In(op) => self.in_list(left, op)?,
                Infix::Between { negated } => self.between(left, negated)?,
            };
            after_comparison = precedence == COMPARISON;
        }
        Ok(left)
    }

    fn chained_comparison(&mut self, end: usize) -> crate::error::ParseError {
        let span = Span::new(self.peek().span.start, end);
        Self::error(span, "comparisons cannot be chained; add parentheses", &[])
    }

    fn binary_rhs(&mut self, left: Expr, op: BinaryOp) -> PResult<Expr> {
        let right = self.binary(precedence(op) + 1)?;
        Ok(Expr {
            span: left.span.to(right.span),
            kind: ExprKind::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            },
        })
    }

    /// `x in (…)` after the operator.
    fn in_list(&mut self, target: Expr, op: InOp) -> PResult<Expr> {
        self.expect("(")?;
        let list = self.args()?;
        self.expect(")")?;
        Ok(Expr {
            span: self.span_from(target.span.start),
            kind: ExprKind::In {
                op,
                target: Box::new(target),
                list,
            },
        })
    }

    /// `x between (lo .. hi)` after the operator.
    fn between(&mut self, target: Expr, negated: bool) -> PResult<Expr> {
        self.expect("(")?;
        let low = self.expr()?;
        self.expect("..")?;
        let high = self.expr()?;
        self.expect(")")?;
        Ok(Expr {
            span: self.span_from(target.span.start),
            kind: ExprKind::Between {
                negated,
                target: Box::new(target),
                low: Box::new(low),
                high: Box::new(high),
            },
        })
    }

    fn unary(&mut self) -> PResult<Expr> {
        let Some((op, start)) = self.eat_unary_op() else {
            return self.postfix();
        };
        let operand = self.nested(Self::unary)?;
        Ok(Expr {
            span: Span::new(start, operand.span.end),
            kind: ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
        })
    }

    /// After a minus, the digits of long.MinValue, which as a positive
    /// literal would not fit a long. Kusto takes them only where it reads a
    /// literal value (`datatable(l:long)[-9223372036854775808]`, `long(…)`);
    /// in an expression the positive literal overflows, an error there too.
    pub(super) fn eat_min_long_digits(&mut self) -> Option<usize> {
        const DIGITS: &str = "9223372036854775808";
        let token = self.peek();
        let rest = self.text.get(token.span.start..)?;
        let after = rest.strip_prefix(DIGITS)?;
        if after
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            return None;
        }
        let end = token.span.start + DIGITS.len();
        self.advance_to(end);
        Some(end)
    }

    fn eat_unary_op(&mut self) -> Option<(UnaryOp, usize)> {
        let op = match self.peek().tok {
            Tok::Punct("-") => UnaryOp::Neg,
            Tok::Punct("+") => UnaryOp::Plus,
            _ => return None,
        };
        Some((op, self.bump().span.start))
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut expr = self.primary()?;
        loop {
            if self.at(".") {
                expr = self.member(expr)?;
            } else if self.at("[") {
                expr = self.index(expr)?;
            } else {
                return Ok(expr);
            }
        }
    }

    /// `.name` or `.['name']`
    fn member(&mut self, target: Expr) -> PResult<Expr> {
        self.expect(".")?;
        let name = self.ident("property name")?;
        Ok(Expr {
            span: Span::new(target.span.start, name.span.end),
            kind: ExprKind::Member {
                target: Box::new(target),
                name,
            },
        })
    }

    /// `[index]`
    fn index(&mut self, target: Expr) -> PResult<Expr> {
        self.expect("[")?;
        let index = self.expr()?;
        self.expect("]")?;
        Ok(Expr {
            span: self.span_from(target.span.start),
            kind: ExprKind::Index {
                target: Box::new(target),
                index: Box::new(index),
            },
        })
    }

    fn primary(&mut self) -> PResult<Expr> {
        // `* has "x"`: a term over every column (the planner expands it).
        if self.at("*") {
            let span = self.expect("*")?;
            return Ok(Expr {
                kind: ExprKind::Star,
                span,
            });
        }
        if self.at("(") {
            self.paren()
        } else if self.at_call() {
            self.call()
        } else {
            self.atom()
        }
    }

    fn paren(&mut self) -> PResult<Expr> {
        let start = self.expect("(")?.start;
        let inner = self.expr()?;
        self.expect(")")?;
        Ok(Expr {
            kind: ExprKind::Paren(Box::new(inner)),
            span: self.span_from(start),
        })
    }

    /// At `name(` where `name` is a function rather than a typed literal.
    fn at_call(&mut self) -> bool {
        let Tok::Ident(name) = self.peek().tok else {
            return false;
        };
        self.peek_second().tok == Tok::Punct("(")
            && !super::literals::is_typed_literal(&name)
            && bool_word(&name).is_none()
    }

    fn call(&mut self) -> PResult<Expr> {
        let name = self.ident("function name")?;
        self.expect("(")?;
        let args = self.args()?;
        self.expect(")")?;
        Ok(Expr {
            span: self.span_from(name.span.start),
            kind: ExprKind::Call { name, args },
        })
    }

    /// Comma-separated arguments up to (not including) `)`.
    pub(super) fn args(&mut self) -> PResult<Vec<Expr>> {
        let mut args = Vec::new();
        if self.at(")") {
            return Ok(args);
        }
        loop {
            args.push(self.arg()?);
            if self.eat(",").is_none() {
                return Ok(args);
            }
        }
    }

    /// `*`, a tabular expression (`toscalar(T | count)`), or a scalar.
    fn arg(&mut self) -> PResult<Expr> {
        if let Some(star) = self.eat_star_arg() {
            Ok(star)
        } else if self.looks_tabular(true) {
            self.tabular_arg()
        } else {
            self.expr()
        }
    }

    fn eat_star_arg(&mut self) -> Option<Expr> {
        let alone = self.at("*") && matches!(self.peek_second().tok, Tok::Punct(")" | ","));
        alone.then(|| Expr {
            kind: ExprKind::Star,
            span: self.bump().span,
        })
    }

    fn tabular_arg(&mut self) -> PResult<Expr> {
        let tabular = self.tabular()?;
        Ok(Expr {
            span: tabular.span,
            kind: ExprKind::TabularArg(Box::new(tabular)),
        })
    }

    /// Primaries that do not nest: literals, names, `$left.x`.
    pub(super) fn atom(&mut self) -> PResult<Expr> {
        let token = self.peek();
        let span = token.span;
        let literal = |lit| Expr {
            kind: ExprKind::Literal(lit),
            span,
        };
        match token.tok {
            Tok::Long(v) => {
                self.bump();
                Ok(literal(Literal::Long(v)))
            }
            Tok::Real(v) => {
                self.bump();
                Ok(literal(Literal::Real(v)))
            }
            Tok::Timespan(nanos) => {
                self.bump();
                let raw = self
                    .text
                    .get(span.start..span.end)
                    .unwrap_or("")
                    .to_string();
                Ok(literal(Literal::Timespan { nanos, raw }))
            }
            Tok::Str(mut value) => {
                self.bump();
                // Adjacent string literals concatenate: "a" "b" is "ab".
                while let Tok::Str(more) = self.peek().tok {
                    self.bump();
                    value.push_str(&more);
                }
                Ok(Expr {
                    kind: ExprKind::Literal(Literal::String(value)),
                    span: self.span_from(span.start),
                })
            }
            Tok::Punct("[") if self.at_ident() => {
                let ident = self.ident("identifier")?;
                Ok(Expr {
                    span: ident.span,
                    kind: ExprKind::Ident(ident),
                })
            }
            Tok::Ident(name) => self.word(name, span),
            _ => Err(self.unexpected(&["expression"])),
        }
    }

    /// A primary starting with a word (not a call): `true`, a typed literal,
    /// `$left.x`, or a name.
    fn word(&mut self, name: String, span: Span) -> PResult<Expr> {
        if let Some(b) = bool_word(&name) {
            self.bump();
            return Ok(Expr {
                kind: ExprKind::Literal(Literal::Bool(b)),
                span,
            });
        }
        if self.peek_second().tok == Tok::Punct("(") {
            return self.typed_literal();
        }
        let side = match name.as_str() {
            "$left" => Some(JoinSide::Left),
            "$right" => Some(JoinSide::Right),
            _ => None,
        };
        if let Some(side) = side {
            self.bump();
            self.expect(".")?;
            let column = self.ident("column name")?;
            return Ok(Expr {
                span: span.to(column.span),
                kind: ExprKind::JoinSide { side, name: column },
            });
        }
        if OPERATOR_WORDS.contains(&name.as_str()) {
            return Err(self.unexpected(&["expression"]));
        }
        self.bump();
        Ok(Expr {
            kind: ExprKind::Ident(Ident { name, span }),
            span,
        })
    }

    /// `[name =] expr` or `(a, b) = expr`.
    pub(super) fn named_expr(&mut self) -> PResult<NamedExpr> {
        let start = self.peek().span.start;
        let names = self.try_assignment_names().unwrap_or_default();
        // Kusto keywords name a column only when quoted (`['desc'] = …`).
        for n in &names {
            let quoted = self
                .text
                .get(n.span.start..n.span.end)
                .is_some_and(|t| t.starts_with('['));
            if !quoted && RESERVED_NAMES.contains(&n.name.as_str()) {
                return Err(Self::error(
                    n.span,
                    format!(
                        "'{}' is a keyword; write ['{}'] to use it as a column name",
                        n.name, n.name
                    ),
                    &[],
                ));
            }
        }
        let expr = self.expr()?;
        Ok(NamedExpr {
            names,
            span: Span::new(start, expr.span.end),
            expr,
        })
    }

    pub(super) fn named_exprs(&mut self) -> PResult<Vec<NamedExpr>> {
        let mut list = vec![self.named_expr()?];
        while self.eat(",").is_some() {
            list.push(self.named_expr()?);
        }
        Ok(list)
    }

    /// Consumes `name =` or `(a, b) =` when present; otherwise leaves the
    /// input untouched.
    fn try_assignment_names(&mut self) -> Option<Vec<Ident>> {
        let saved = (self.pos, self.prev_end);
        let names = self.assignment_names();
        if names.is_none() {
            (self.pos, self.prev_end) = saved;
        }
        names
    }

    fn assignment_names(&mut self) -> Option<Vec<Ident>> {
        let names = if self.eat("(").is_some() {
            let mut names = vec![self.ident("name").ok()?];
            while self.eat(",").is_some() {
                names.push(self.ident("name").ok()?);
            }
            self.eat(")")?;
            names
        } else if self.at_ident() {
            vec![self.ident("name").ok()?]
        } else {
            return None;
        };
        self.eat("=")?;
        Some(names)
    }

    /// `expr [asc|desc] [nulls first|last]`
    pub(super) fn sort_key(&mut self) -> PResult<SortKey> {
        let expr = self.expr()?;
        let order = if self.eat_kw("asc").is_some() {
            Some(SortOrder::Asc)
        } else if self.eat_kw("desc").is_some() {
            Some(SortOrder::Desc)
        } else {
            None
        };
        let nulls = if self.eat_kw("nulls").is_some() {
            if self.eat_kw("first").is_some() {
                Some(NullsOrder::First)
            } else if self.eat_kw("last").is_some() {
                Some(NullsOrder::Last)
            } else {
                return Err(self.unexpected(&["'first'", "'last'"]));
            }
        } else {
            None
        };
        Ok(SortKey { expr, order, nulls })
    }
}
