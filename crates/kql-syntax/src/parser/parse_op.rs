//! `parse`, `parse-where` and `lookup`.

use super::lexical::Tok;
use super::{PResult, Parser};
use crate::ast::{JoinKind, Operator, ParsePart, SeriesAggregate};

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
}
