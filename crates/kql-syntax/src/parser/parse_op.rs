//! `parse`, `parse-where` and `lookup`.

use super::lexical::Tok;
use super::{PResult, Parser};
use crate::ast::{
    BinaryOp, Expr, ExprKind, JoinKind, Operator, ParsePart, SeriesAggregate, SortOrder, StringOp,
    TopNestedLevel,
};

impl<'a> Parser<'a> {
    pub(super) fn parse_op(&mut self, start: usize) -> PResult<Operator> {
        self.parse_common(start, false)
    }

    pub(super) fn parse_where_op(&mut self, start: usize) -> PResult<Operator> {
        self.parse_common(start, true)
    }

    fn parse_common(&mut self, start: usize, filter: bool) -> PResult<Operator> {
        let params = self.operator_params(&["kind", "flags"])?;
        let source = self.expr()?;
        self.expect_kw("with")?;
        let mut pattern = Vec::new();
        loop {
            match self.peek().tok {
                Tok::Str(_) => {
                    let mut text = String::new();
                    while let Tok::Str(more) = self.peek().tok {
                        self.bump();
                        text.push_str(&more);
                    }
                    pattern.push(ParsePart::Text(text));
                }
                Tok::Punct("*") => {
                    self.bump();
                    pattern.push(ParsePart::Wildcard);
                }
                Tok::Ident(_) | Tok::Punct("[") if self.at_ident() => {
                    let name = self.ident("column name")?;
                    let ty = match self.eat(":") {
                        Some(_) => Some(self.type_name()?),
                        None => None,
                    };
                    pattern.push(ParsePart::Column { name, ty });
                }
                _ => break,
            }
        }
        if pattern.is_empty() {
            return Err(self.unexpected(&["string", "column name", "'*'"]));
        }
        Ok(Operator::Parse {
            params,
            source,
            pattern,
            filter,
            span: self.span_from(start),
        })
    }

    /// `lookup` reads like `join`; its default kind is `leftouter`.
    pub(super) fn lookup(&mut self, start: usize) -> PResult<Operator> {
        match self.join(start)? {
            Operator::Join {
                kind,
                right,
                on,
                span,
                ..
            } => Ok(Operator::Lookup {
                kind: if kind == JoinKind::InnerUnique {
                    JoinKind::LeftOuter
                } else {
                    kind
                },
                right,
                on,
                span,
            }),
            other => Ok(other),
        }
    }

    pub(super) fn make_series(&mut self, start: usize) -> PResult<Operator> {
        let params = self.operator_params(&["kind"])?;
        let mut aggregates = Vec::new();
        loop {
            let aggregate = self.named_expr()?;
            let default = match self.eat_kw("default") {
                Some(_) => {
                    self.expect("=")?;
                    Some(self.expr()?)
                }
                None => None,
            };
            aggregates.push(SeriesAggregate { aggregate, default });
            if self.eat(",").is_none() {
                break;
            }
        }
        self.expect_kw("on")?;
        let axis = self.expr()?;
        let from = match self.eat_kw("from") {
            Some(_) => Some(self.expr()?),
            None => None,
        };
        let to = match self.eat_kw("to") {
            Some(_) => Some(self.expr()?),
            None => None,
        };
        self.expect_kw("step")?;
        let step = self.expr()?;
        let by = match self.eat_kw("by") {
            Some(_) => self.named_exprs()?,
            None => Vec::new(),
        };
        Ok(Operator::MakeSeries {
            params,
            aggregates,
            axis,
            from,
            to,
            step,
            by,
            span: self.span_from(start),
        })
    }

    pub(super) fn search(&mut self, start: usize) -> PResult<Operator> {
        let params = self.operator_params(&["kind"])?;
        let mut predicate = self.search_term()?;
        loop {
            let op = if self.eat_kw("and").is_some() {
                BinaryOp::And
            } else if self.eat_kw("or").is_some() {
                BinaryOp::Or
            } else {
                break;
            };
            let right = self.search_term()?;
            predicate = Expr {
                span: predicate.span.to(right.span),
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(predicate),
                    right: Box::new(right),
                },
            };
        }
        Ok(Operator::Search {
            params,
            predicate,
            span: self.span_from(start),
        })
    }

    /// `Col:"text"` (a column term) or any other expression.
    fn search_term(&mut self) -> PResult<Expr> {
        if matches!(self.peek().tok, Tok::Ident(_)) && self.peek_second().tok == Tok::Punct(":") {
            let column = self.ident("column name")?;
            self.expect(":")?;
            let value = self.primary_expr()?;
            let span = column.span.to(value.span);
            return Ok(Expr {
                span,
                kind: ExprKind::Binary {
                    op: BinaryOp::Str {
                        op: StringOp::Has { cs: false },
                        negated: false,
                    },
                    left: Box::new(Expr {
                        span: column.span,
                        kind: ExprKind::Ident(column),
                    }),
                    right: Box::new(value),
                },
            });
        }
        self.comparison_expr()
    }

    pub(super) fn parse_kv(&mut self, start: usize) -> PResult<Operator> {
        let source = self.expr()?;
        self.expect_kw("as")?;
        let columns = self.column_decls()?;
        let mut options = Vec::new();
        if self.eat_kw("with").is_some() {
            self.expect("(")?;
            loop {
                let name = self.ident("option name")?;
                self.expect("=")?;
                let value = self.expr()?;
                options.push(crate::ast::OperatorParam { name, value });
                if self.eat(",").is_none() {
                    break;
                }
            }
            self.expect(")")?;
        }
        Ok(Operator::ParseKv {
            source,
            columns,
            options,
            span: self.span_from(start),
        })
    }

    pub(super) fn top_nested(&mut self, start: usize) -> PResult<Operator> {
        let mut levels = Vec::new();
        loop {
            let count = if self.at_kw("of") {
                None
            } else {
                Some(self.expr()?)
            };
            self.expect_kw("of")?;
            let of = self.named_expr()?;
            let others = match self.eat_kw("with") {
                Some(_) => {
                    self.expect_kw("others")?;
                    self.expect("=")?;
                    Some(self.expr()?)
                }
                None => None,
            };
            self.expect_kw("by")?;
            let by = self.named_expr()?;
            let order = if self.eat_kw("asc").is_some() {
                Some(SortOrder::Asc)
            } else if self.eat_kw("desc").is_some() {
                Some(SortOrder::Desc)
            } else {
                None
            };
            levels.push(TopNestedLevel {
                count,
                of,
                others,
                by,
                order,
            });
            // Levels are separated by `, top-nested`.
            if self.at(",") && matches!(&self.peek_second().tok, Tok::Ident(n) if n == "top") {
                self.bump();
                if let Some((name, span)) = super::lexical::lex_operator_name(self.text, self.pos)
                    && name == "top-nested"
                {
                    self.advance_to(span.end);
                    continue;
                }
                return Err(self.unexpected(&["'top-nested'"]));
            }
            break;
        }
        Ok(Operator::TopNested {
            levels,
            span: self.span_from(start),
        })
    }

    pub(super) fn evaluate(&mut self, start: usize) -> PResult<Operator> {
        self.operator_params(&[])?;
        let call = self.primary_expr()?;
        let ExprKind::Call { name, args } = call.kind else {
            return Err(Self::error(
                call.span,
                "expected a plugin call such as bag_unpack(column)",
                &[],
            ));
        };
        Ok(Operator::Evaluate {
            plugin: name,
            args,
            span: self.span_from(start),
        })
    }

    pub(super) fn invoke(&mut self, start: usize) -> PResult<Operator> {
        let call = self.primary_expr()?;
        let ExprKind::Call { name, args } = call.kind else {
            return Err(Self::error(
                call.span,
                "expected a function call such as f(10)",
                &[],
            ));
        };
        Ok(Operator::Invoke {
            function: name,
            args,
            span: self.span_from(start),
        })
    }

    pub(super) fn sample(&mut self, start: usize) -> PResult<Operator> {
        let count = self.expr()?;
        Ok(Operator::Sample {
            count,
            span: self.span_from(start),
        })
    }

    pub(super) fn sample_distinct(&mut self, start: usize) -> PResult<Operator> {
        self.operator_params(&[])?;
        let count = self.expr()?;
        self.expect_kw("of")?;
        let column = self.expr()?;
        Ok(Operator::SampleDistinct {
            count,
            column,
            span: self.span_from(start),
        })
    }
}
