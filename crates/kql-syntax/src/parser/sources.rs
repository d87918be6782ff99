//! Tabular expressions: sources (`T`, `datatable`, `print`, `range`,
//! `union`, calls, parentheses) and the pipeline of operators after them.

use super::lexical::{self, Tok};
use super::{PResult, Parser, TABULAR_DEPTH_COST};
use crate::ast::{
    ColumnDecl, Expr, ExprKind, Ident, Literal, OperatorParam, Source, Span, TabularExpr, UnaryOp,
};
use crate::error::ParseError;

impl Parser<'_> {
    /// A source followed by any number of `| operator` stages.
    pub(super) fn tabular(&mut self) -> PResult<TabularExpr> {
        self.nested_with_cost(TABULAR_DEPTH_COST, Self::pipeline)
    }

    // As with expressions, the functions on the recursive path (tabular →
    // pipeline → source → paren_source → tabular) are kept small.
    fn pipeline(&mut self) -> PResult<TabularExpr> {
        let start = self.peek().span.start;
        let source = self.source()?;
        let mut operators = Vec::new();
        // Only a top-level pipeline recovers: inside brackets the skip could
        // not tell where the bracket ends.
        let top_level = self.depth <= super::TABULAR_DEPTH_COST;
        while self.eat("|").is_some() {
            match self.operator() {
                Ok(op) => operators.push(op),
                Err(e) if top_level && self.recovered.len() < 20 => {
                    self.recovered.push(e);
                    self.skip_operator_args()?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(TabularExpr {
            source,
            operators,
            span: self.span_from(start),
        })
    }

    fn source(&mut self) -> PResult<Source> {
        if self.at("(") {
            self.paren_source()
        } else {
            self.keyword_source()
        }
    }

    fn paren_source(&mut self) -> PResult<Source> {
        self.expect("(")?;
        let inner = self.tabular()?;
        self.expect(")")?;
        Ok(Source::Paren(Box::new(inner)))
    }

    /// Sources introduced by a word: `datatable`, `print`, `range`, `union`,
    /// a table name or a call.
    fn keyword_source(&mut self) -> PResult<Source> {
        let token = self.peek();
        let name = match token.tok {
            Tok::Ident(name) => name,
            Tok::Punct("[") if self.at_ident() => String::new(),
            _ => return Err(self.unexpected(&["tabular expression"])),
        };
        let next = self.peek_second().tok;
        match name.as_str() {
            "datatable" if next == Tok::Punct("(") => self.datatable(),
            "print" => self.print(),
            "range" if matches!(next, Tok::Ident(_) | Tok::Punct("[")) => self.range(),
            "union" => self.union_source(),
            "externaldata" | "search" | "find" | "evaluate" => {
                Err(unsupported_source(&name, token.span))
            }
            _ => self.named_source(),
        }
    }

    fn print(&mut self) -> PResult<Source> {
        let start = self.expect_kw("print")?.start;
        let columns = self.named_exprs()?;
        Ok(Source::Print {
            columns,
            span: self.span_from(start),
        })
    }

    fn union_source(&mut self) -> PResult<Source> {
        let start = self.expect_kw("union")?.start;
        let (params, tables) = self.union_body()?;
        Ok(Source::Union {
            params,
            tables,
            span: self.span_from(start),
        })
    }

    /// A table name, or a call of a tabular function (`materialize(T)`, `f(1)`).
    pub(super) fn named_source(&mut self) -> PResult<Source> {
        let name = self.ident("table name")?;
        if self.eat("(").is_none() {
            return Ok(Source::Table(name));
        }
        let args = self.args()?;
        self.expect(")")?;
        Ok(Source::Call {
            span: self.span_from(name.span.start),
            name,
            args,
        })
    }

    /// `(name:type, …)`, as in `datatable` and `parse-kv … as`.
    pub(super) fn column_decls(&mut self) -> PResult<Vec<ColumnDecl>> {
        self.expect("(")?;
        let mut columns = Vec::new();
        loop {
            let name = self.ident("column name")?;
            self.expect(":")?;
            let ty = self.type_name()?;
            columns.push(ColumnDecl { name, ty });
            if self.eat(",").is_none() {
                break;
            }
        }
        self.expect(")")?;
        Ok(columns)
    }

    fn datatable(&mut self) -> PResult<Source> {
        let start = self.bump().span.start;
        let columns = self.column_decls()?;
        self.expect("[")?;
        let mut values = Vec::new();
        // Kusto accepts a trailing comma after the last value.
        while !self.at("]") {
            match self.min_long_value() {
                Some(v) => values.push(v),
                None => values.push(fold_negative_literal(self.expr()?)),
            }
            if self.eat(",").is_none() {
                break;
            }
        }
        if self.eat("]").is_none() {
            return Err(self.unexpected(&["','", "']'"]));
        }
        Ok(Source::Datatable {
            columns,
            values,
            span: self.span_from(start),
        })
    }

    /// `-9223372036854775808` as a datatable value, which Kusto accepts
    /// though its digits alone overflow a long; anything else is left alone.
    fn min_long_value(&mut self) -> Option<Expr> {
        if !self.at("-") {
            return None;
        }
        let saved = (self.pos, self.prev_end);
        let minus = self.bump().span.start;
        match self.eat_min_long_digits() {
            Some(end) => Some(Expr {
                span: Span::new(minus, end),
                kind: ExprKind::Literal(Literal::Long(i64::MIN)),
            }),
            None => {
                (self.pos, self.prev_end) = saved;
                None
            }
        }
    }

    fn range(&mut self) -> PResult<Source> {
        let start = self.bump().span.start;
        let name = self.ident("column name")?;
        self.expect_kw("from")?;
        let from = self.expr()?;
        self.expect_kw("to")?;
        let to = self.expr()?;
        self.expect_kw("step")?;
        let step = self.expr()?;
        Ok(Source::Range {
            name,
            from,
            to,
            step,
            span: self.span_from(start),
        })
    }

    /// What follows `union`: parameters, then tables separated by commas.
    pub(super) fn union_body(&mut self) -> PResult<(Vec<OperatorParam>, Vec<TabularExpr>)> {
        let params = self.operator_params(&["kind", "withsource", "isfuzzy"])?;
        let mut tables = vec![self.union_item()?];
        while self.eat(",").is_some() {
            tables.push(self.union_item()?);
        }
        Ok((params, tables))
    }

    /// `(tabular)`, a table name / call, or a table name pattern (`Events*`,
    /// `*`), kept as a `Source::Table` named by the pattern. A `|` after a
    /// bare name belongs to the union as a whole, so names take no operators.
    fn union_item(&mut self) -> PResult<TabularExpr> {
        if self.eat("(").is_some() {
            let inner = self.tabular()?;
            self.expect(")")?;
            return Ok(inner);
        }
        if let Some((name, span)) = lexical::lex_column_pattern(self.text, self.pos) {
            self.advance_to(span.end);
            return Ok(TabularExpr {
                source: Source::Table(Ident { name, span }),
                operators: Vec::new(),
                span,
            });
        }
        if !self.at_ident() {
            return Err(self.unexpected(&["table name", "'('"]));
        }
        let start = self.peek().span.start;
        let source = self.named_source()?;
        Ok(TabularExpr {
            source,
            operators: Vec::new(),
            span: self.span_from(start),
        })
    }

    /// `name=value` parameters before an operator's arguments: the listed
    /// names plus any `hint.*`.
    pub(super) fn operator_params(&mut self, names: &[&str]) -> PResult<Vec<OperatorParam>> {
        let mut params = Vec::new();
        loop {
            let token = self.peek();
            let Tok::Ident(word) = token.tok else {
                break;
            };
            let (name, end) = if word == "hint" {
                let dot = lexical::lex(self.text, token.span.end);
                let key = lexical::lex(self.text, dot.span.end);
                match (dot.tok, key.tok) {
                    (Tok::Punct("."), Tok::Ident(key_name)) => {
                        (format!("hint.{key_name}"), key.span.end)
                    }
                    _ => break,
                }
            } else if names.contains(&word.as_str()) {
                (word, token.span.end)
            } else {
                break;
            };
            let eq = lexical::lex(self.text, end);
            if eq.tok != Tok::Punct("=") {
                break;
            }
            self.advance_to(eq.span.end);
            let value = self.param_value()?;
            params.push(OperatorParam {
                name: Ident {
                    name,
                    span: Span::new(token.span.start, end),
                },
                value,
            });
        }
        Ok(params)
    }

    /// A parameter value: a name or a literal. Never a call, so that
    /// `kind=inner (T2)` does not read as `inner(T2)`.
    pub(super) fn param_value(&mut self) -> PResult<Expr> {
        let token = self.peek();
        match token.tok {
            Tok::Ident(ref name) if matches!(name.as_str(), "true" | "false") => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Literal(Literal::Bool(name == "true")),
                    span: token.span,
                })
            }
            Tok::Ident(_) | Tok::Punct("[") if self.at_ident() => {
                let ident = self.ident("value")?;
                Ok(Expr {
                    span: ident.span,
                    kind: ExprKind::Ident(ident),
                })
            }
            // `atom` rather than `expr`: in `union hint.x=5 ['T 1']` the
            // brackets are the table, not an index into 5.
            Tok::Long(_) | Tok::Real(_) | Tok::Str(_) | Tok::Timespan(_) => self.atom(),
            Tok::Punct("-") if matches!(self.peek_second().tok, Tok::Long(_) | Tok::Real(_)) => {
                self.bump();
                let operand = self.atom()?;
                Ok(Expr {
                    span: token.span.to(operand.span),
                    kind: ExprKind::Unary {
                        op: UnaryOp::Neg,
                        operand: Box::new(operand),
                    },
                })
            }
            _ => Err(self.unexpected(&["value"])),
        }
    }
}

/// `-5` in a datatable is the value -5, not a negation to evaluate.
fn fold_negative_literal(expr: Expr) -> Expr {
    let folded = match &expr.kind {
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => match operand.kind {
            ExprKind::Literal(Literal::Long(v)) => v.checked_neg().map(Literal::Long),
            ExprKind::Literal(Literal::Real(v)) => Some(Literal::Real(-v)),
            _ => None,
        },
        _ => None,
    };
    match folded {
        Some(lit) => Expr {
            kind: ExprKind::Literal(lit),
            span: expr.span,
        },
        None => expr,
    }
}

fn unsupported_source(name: &str, span: Span) -> ParseError {
    Parser::error(span, format!("'{name}' is not supported yet"), &[])
}
