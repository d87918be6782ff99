//! The tabular operators after `|`: modeled ones become `Operator` variants,
//! known unmodeled ones `Operator::Unsupported`, anything else an error.

use super::lexical::{self, Tok};
use super::{PResult, Parser};
use crate::ast::{
    Expr, ExprKind, Ident, JoinCondition, JoinKind, JoinSide, MvExpandColumn, Operator,
    OperatorParam, Span, TabularExpr,
};

/// Operators modeled in the AST, listed in "unknown operator" errors.
pub const SUPPORTED: &[&str] = &[
    "where",
    "filter",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "extend",
    "summarize",
    "count",
    "take",
    "limit",
    "top",
    "sort",
    "order",
    "distinct",
    "join",
    "union",
    "mv-expand",
    "serialize",
    "as",
    "getschema",
    "render",
    "parse",
    "parse-where",
    "lookup",
    "make-series",
    "search",
    "parse-kv",
    "top-nested",
    "mv-apply",
    "evaluate",
    "sample",
    "sample-distinct",
    "scan",
    "partition",
    "invoke",
    "facet",
];

/// Real Kusto operators that are recognized but not modeled: they become
/// `Operator::Unsupported` so the planner can name them in its error.
pub const UNSUPPORTED: &[&str] = &[
    "top-hitters",
    "fork",
    "consume",
    "reduce",
    "find",
    "externaldata",
    "assert-schema",
    "execute-and-cache",
    "macro-expand",
    "make-graph",
    "graph-match",
    "graph-merge",
    "graph-to-table",
    "graph-shortest-paths",
    "graph-mark-components",
    "project-smart",
];

/// Join kinds by their Kusto spelling, including the aliases.
const JOIN_KINDS: &[(&str, JoinKind)] = &[
    ("innerunique", JoinKind::InnerUnique),
    ("inner", JoinKind::Inner),
    ("leftouter", JoinKind::LeftOuter),
    ("rightouter", JoinKind::RightOuter),
    ("fullouter", JoinKind::FullOuter),
    ("leftanti", JoinKind::LeftAnti),
    ("anti", JoinKind::LeftAnti),
    ("leftantisemi", JoinKind::LeftAnti),
    ("rightanti", JoinKind::RightAnti),
    ("rightantisemi", JoinKind::RightAnti),
    ("leftsemi", JoinKind::LeftSemi),
    ("semi", JoinKind::LeftSemi),
    ("rightsemi", JoinKind::RightSemi),
];

/// Parses an operator's arguments; gets the offset where the operator began.
type OperatorParser<'a> = fn(&mut Parser<'a>, usize) -> PResult<Operator>;

/// Name of the synthetic call that holds a column list in `render`
/// properties (`ycolumns=a, b`); see `ast::Operator::Render`.
pub(crate) const LIST_CALL: &str = "__list";

impl<'a> Parser<'a> {
    /// True where an operator's argument list must end.
    fn at_operator_end(&mut self) -> bool {
        matches!(
            self.peek().tok,
            Tok::Eof | Tok::Punct("|" | ";" | ")" | "]" | "}")
        )
    }

    pub(super) fn operator(&mut self) -> PResult<Operator> {
        let Some((name, name_span)) = lexical::lex_operator_name(self.text, self.pos) else {
            return Err(self.unexpected(&["operator"]));
        };
        let Some(parse) = Self::operator_parser(&name) else {
            return self.unsupported_operator(name, name_span);
        };
        self.advance_to(name_span.end);
        parse(self, name_span.start)
    }

    /// The parser of a modeled operator's arguments. A table of functions
    /// keeps `operator` itself small, as it sits on the recursive path.
    fn operator_parser(name: &str) -> Option<OperatorParser<'a>> {
        let parse: OperatorParser<'a> = match name {
            "where" | "filter" => Self::where_op,
            "project" => Self::project,
            "project-away" => Self::project_away,
            "project-keep" => Self::project_keep,
            "project-rename" => Self::project_rename,
            "project-reorder" => Self::project_reorder,
            "extend" => Self::extend,
            "summarize" => Self::summarize,
            "count" => |p, start| {
                Ok(Operator::Count {
                    span: p.span_from(start),
                })
            },
            "take" | "limit" => Self::take,
            "top" => Self::top,
            "sort" | "order" => Self::sort,
            "distinct" => Self::distinct,
            "join" => Self::join,
            "union" => Self::union_op,
            "mv-expand" => Self::mv_expand,
            "serialize" => Self::serialize,
            "as" => Self::as_op,
            "getschema" => |p, start| {
                Ok(Operator::Getschema {
                    span: p.span_from(start),
                })
            },
            "render" => Self::render,
            "parse" => Self::parse_op,
            "parse-where" => Self::parse_where_op,
            "lookup" => Self::lookup,
            "make-series" => Self::make_series,
            "search" => Self::search,
            "parse-kv" => Self::parse_kv,
            "top-nested" => Self::top_nested,
            "mv-apply" => Self::mv_apply,
            "evaluate" => Self::evaluate,
            "sample" => Self::sample,
            "sample-distinct" => Self::sample_distinct,
            "scan" => Self::scan,
            "partition" => Self::partition,
            "invoke" => Self::invoke,
            "facet" => Self::facet,
            _ => return None,
        };
        Some(parse)
    }

    /// Known but unmodeled operators become `Unsupported`; anything else is
    /// an error suggesting the closest operator name.
    fn unsupported_operator(&mut self, name: String, name_span: Span) -> PResult<Operator> {
        if !UNSUPPORTED.contains(&name.as_str()) {
            return Err(unknown_operator(&name, name_span));
        }
        self.advance_to(name_span.end);
        self.skip_operator_args()?;
        Ok(Operator::Unsupported {
            name,
            span: self.span_from(name_span.start),
        })
    }

    fn where_op(&mut self, start: usize) -> PResult<Operator> {
        let predicate = self.expr()?;
        Ok(Operator::Where {
            predicate,
            span: self.span_from(start),
        })
    }

    fn project(&mut self, start: usize) -> PResult<Operator> {
        let columns = self.named_exprs()?;
        Ok(Operator::Project {
            columns,
            span: self.span_from(start),
        })
    }

    fn project_away(&mut self, start: usize) -> PResult<Operator> {
        let columns = self.column_patterns()?;
        Ok(Operator::ProjectAway {
            columns,
            span: self.span_from(start),
        })
    }

    fn project_keep(&mut self, start: usize) -> PResult<Operator> {
        let columns = self.column_patterns()?;
        Ok(Operator::ProjectKeep {
            columns,
            span: self.span_from(start),
        })
    }

    fn extend(&mut self, start: usize) -> PResult<Operator> {
        let columns = self.named_exprs()?;
        Ok(Operator::Extend {
            columns,
            span: self.span_from(start),
        })
    }

    fn take(&mut self, start: usize) -> PResult<Operator> {
        let count = self.expr()?;
        Ok(Operator::Take {
            count,
            span: self.span_from(start),
        })
    }

    fn top(&mut self, start: usize) -> PResult<Operator> {
        let count = self.expr()?;
        self.expect_kw("by")?;
        let by = self.sort_key()?;
        Ok(Operator::Top {
            count,
            by,
            span: self.span_from(start),
        })
    }

    fn sort(&mut self, start: usize) -> PResult<Operator> {
        self.expect_kw("by")?;
        let mut keys = vec![self.sort_key()?];
        while self.eat(",").is_some() {
            keys.push(self.sort_key()?);
        }
        Ok(Operator::Sort {
            keys,
            span: self.span_from(start),
        })
    }

    fn distinct(&mut self, start: usize) -> PResult<Operator> {
        let mut columns = Vec::new();
        if self.eat("*").is_none() {
            columns.push(self.expr()?);
            while self.eat(",").is_some() {
                columns.push(self.expr()?);
            }
        }
        Ok(Operator::Distinct {
            columns,
            span: self.span_from(start),
        })
    }

    fn union_op(&mut self, start: usize) -> PResult<Operator> {
        let (params, tables) = self.union_body()?;
        Ok(Operator::Union {
            params,
            tables,
            span: self.span_from(start),
        })
    }

    fn serialize(&mut self, start: usize) -> PResult<Operator> {
        let columns = if self.at_operator_end() {
            Vec::new()
        } else {
            self.named_exprs()?
        };
        Ok(Operator::Serialize {
            columns,
            span: self.span_from(start),
        })
    }

    fn as_op(&mut self, start: usize) -> PResult<Operator> {
        // `hint.materialized=true` changes nothing for a local engine.
        self.operator_params(&[])?;
        let name = self.ident("name")?;
        Ok(Operator::As {
            name,
            span: self.span_from(start),
        })
    }

    /// Skips an unsupported operator's arguments: everything up to the next
    /// `|` or `;` outside brackets, or a bracket that closes an outer one.
    pub(super) fn skip_operator_args(&mut self) -> PResult<()> {
        let mut depth = 0usize;
        loop {
            let token = self.peek();
            match token.tok {
                Tok::Eof => return Ok(()),
                Tok::Error(_) => return Err(self.unexpected(&[])),
                Tok::Punct("|" | ";") if depth == 0 => return Ok(()),
                Tok::Punct("(" | "[" | "{") => depth += 1,
                Tok::Punct(")" | "]" | "}") => match depth.checked_sub(1) {
                    Some(d) => depth = d,
                    None => return Ok(()),
                },
                _ => {}
            }
            self.bump();
        }
    }

    /// Column names for `project-away`/`project-keep`, wildcards allowed.
    fn column_patterns(&mut self) -> PResult<Vec<Ident>> {
        let mut columns = vec![self.column_pattern()?];
        while self.eat(",").is_some() {
            columns.push(self.column_pattern()?);
        }
        Ok(columns)
    }

    fn column_pattern(&mut self) -> PResult<Ident> {
        if let Some((name, span)) = lexical::lex_column_pattern(self.text, self.pos) {
            self.advance_to(span.end);
            return Ok(Ident { name, span });
        }
        self.ident("column name")
    }

    fn project_rename(&mut self, start: usize) -> PResult<Operator> {
        let mut renames = Vec::new();
        loop {
            let new = self.ident("new column name")?;
            self.expect("=")?;
            let old = self.ident("column name")?;
            renames.push((new, old));
            if self.eat(",").is_none() {
                break;
            }
        }
        Ok(Operator::ProjectRename {
            renames,
            span: self.span_from(start),
        })
    }

    fn project_reorder(&mut self, start: usize) -> PResult<Operator> {
        let mut columns = Vec::new();
        loop {
            let column = self.column_pattern()?;
            let order = if self.eat_kw("asc").is_some() {
                Some(crate::ast::SortOrder::Asc)
            } else if self.eat_kw("desc").is_some() {
                Some(crate::ast::SortOrder::Desc)
            } else {
                None
            };
            columns.push(crate::ast::SortKey {
                expr: Expr {
                    span: column.span,
                    kind: ExprKind::Ident(column),
                },
                order,
                nulls: None,
            });
            if self.eat(",").is_none() {
                break;
            }
        }
        Ok(Operator::ProjectReorder {
            columns,
            span: self.span_from(start),
        })
    }

    fn summarize(&mut self, start: usize) -> PResult<Operator> {
        let params = self.operator_params(&[])?;
        if self.at_operator_end() {
            return Err(self.unexpected(&["aggregation", "'by'"]));
        }
        let aggregates = if self.at_kw("by") {
            Vec::new()
        } else {
            self.named_exprs()?
        };
        let by = match self.eat_kw("by") {
            Some(_) => self.named_exprs()?,
            None => Vec::new(),
        };
        Ok(Operator::Summarize {
            params,
            aggregates,
            by,
            span: self.span_from(start),
        })
    }

    pub(super) fn join(&mut self, start: usize) -> PResult<Operator> {
        let mut params = self.operator_params(&["kind"])?;
        let mut kind = JoinKind::InnerUnique;
        if let Some(i) = params.iter().position(|p| p.name.name == "kind") {
            let param = params.remove(i);
            let name = match &param.value.kind {
                ExprKind::Ident(ident) => ident.name.as_str(),
                _ => "",
            };
            let Some((_, k)) = JOIN_KINDS.iter().find(|(n, _)| *n == name) else {
                let expected: Vec<String> =
                    JOIN_KINDS.iter().map(|(n, _)| format!("'{n}'")).collect();
                let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
                return Err(Self::error(
                    param.value.span,
                    "unknown join kind",
                    &expected,
                ));
            };
            kind = k.clone();
        }
        let right = if self.eat("(").is_some() {
            let inner = self.tabular()?;
            self.expect(")")?;
            inner
        } else if self.at_ident() {
            let start = self.peek().span.start;
            let source = self.named_source()?;
            TabularExpr {
                source,
                operators: Vec::new(),
                span: self.span_from(start),
            }
        } else {
            return Err(self.unexpected(&["'('", "table name"]));
        };
        self.expect_kw("on")?;
        let mut on = vec![self.join_condition()?];
        while self.eat(",").is_some() || self.eat_kw("and").is_some() {
            on.push(self.join_condition()?);
        }
        Ok(Operator::Join {
            params,
            kind,
            right: Box::new(right),
            on,
            span: self.span_from(start),
        })
    }

    /// `Key` or `$left.A == $right.B` (either order).
    fn join_condition(&mut self) -> PResult<JoinCondition> {
        let starts_with_side = matches!(
            &self.peek().tok,
            Tok::Ident(name) if name == "$left" || name == "$right"
        );
        if !starts_with_side {
            return Ok(JoinCondition::Column(self.ident("join key")?));
        }
        let start = self.peek().span.start;
        let first = self.join_side()?;
        self.expect("==")?;
        let second = self.join_side()?;
        match (first, second) {
            ((JoinSide::Left, left), (JoinSide::Right, right))
            | ((JoinSide::Right, right), (JoinSide::Left, left)) => {
                Ok(JoinCondition::LeftRight { left, right })
            }
            _ => Err(Self::error(
                self.span_from(start),
                "a join condition must compare a $left column with a $right column",
                &[],
            )),
        }
    }

    fn join_side(&mut self) -> PResult<(JoinSide, Ident)> {
        let side = match &self.peek().tok {
            Tok::Ident(name) if name == "$left" => JoinSide::Left,
            Tok::Ident(name) if name == "$right" => JoinSide::Right,
            _ => return Err(self.unexpected(&["'$left'", "'$right'"])),
        };
        self.bump();
        self.expect(".")?;
        Ok((side, self.ident("column name")?))
    }

    fn mv_apply(&mut self, start: usize) -> PResult<Operator> {
        let expand = self.mv_expand(start)?;
        self.expect_kw("on")?;
        self.expect("(")?;
        let mut subquery = vec![self.nested(Self::operator)?];
        while self.eat("|").is_some() {
            subquery.push(self.nested(Self::operator)?);
        }
        self.expect(")")?;
        Ok(Operator::MvApply {
            expand: Box::new(expand),
            subquery,
            span: self.span_from(start),
        })
    }

    fn mv_expand(&mut self, start: usize) -> PResult<Operator> {
        let mut params = self.operator_params(&["bagexpansion", "kind", "with_itemindex"])?;
        let mut item_index = None;
        if let Some(i) = params.iter().position(|p| p.name.name == "with_itemindex") {
            let param = params.remove(i);
            match param.value.kind {
                ExprKind::Ident(ident) => item_index = Some(ident),
                _ => return Err(Self::error(param.value.span, "expected a column name", &[])),
            }
        }
        let mut columns = Vec::new();
        loop {
            let column = self.named_expr()?;
            let to_type = match self.eat_kw("to") {
                Some(_) => {
                    self.expect_kw("typeof")?;
                    self.expect("(")?;
                    let ty = self.type_name()?;
                    self.expect(")")?;
                    Some(ty)
                }
                None => None,
            };
            columns.push(MvExpandColumn { column, to_type });
            if self.eat(",").is_none() {
                break;
            }
        }
        let limit = match self.eat_kw("limit") {
            Some(_) => Some(self.expr()?),
            None => None,
        };
        Ok(Operator::MvExpand {
            params,
            columns,
            item_index,
            limit,
            span: self.span_from(start),
        })
    }

    fn render(&mut self, start: usize) -> PResult<Operator> {
        let kind = self.ident("visualization kind")?;
        let mut properties = Vec::new();
        if self.eat_kw("with").is_some() {
            self.expect("(")?;
            while !self.at(")") {
                let name = self.ident("property name")?;
                self.expect("=")?;
                let mut items = vec![self.param_value()?];
                while let Some(item) = self.try_list_item()? {
                    items.push(item);
                }
                let value = if items.len() == 1 {
                    items.remove(0)
                } else {
                    let span = items[0].span.to(items[items.len() - 1].span);
                    Expr {
                        kind: ExprKind::Call {
                            name: Ident {
                                name: LIST_CALL.to_string(),
                                span,
                            },
                            args: items,
                        },
                        span,
                    }
                };
                properties.push(OperatorParam { name, value });
                if self.eat(",").is_none() {
                    break;
                }
            }
            self.expect(")")?;
        } else {
            // The older form without `with`: `render areachart kind=unstacked`.
            while matches!(self.peek().tok, Tok::Ident(_))
                && self.peek_second().tok == Tok::Punct("=")
            {
                let name = self.ident("property name")?;
                self.expect("=")?;
                let value = self.param_value()?;
                properties.push(OperatorParam { name, value });
            }
        }
        Ok(Operator::Render {
            kind,
            properties,
            span: self.span_from(start),
        })
    }

    /// In `ycolumns=a, b, title="x"`, `, b` continues the column list while
    /// `, title=` starts the next property.
    fn try_list_item(&mut self) -> PResult<Option<Expr>> {
        let saved = (self.pos, self.prev_end);
        if self.eat(",").is_none() || !self.at_ident() {
            (self.pos, self.prev_end) = saved;
            return Ok(None);
        }
        let ident = self.ident("column name")?;
        if self.at("=") {
            (self.pos, self.prev_end) = saved;
            return Ok(None);
        }
        Ok(Some(Expr {
            span: ident.span,
            kind: ExprKind::Ident(ident),
        }))
    }
}

fn unknown_operator(name: &str, span: Span) -> crate::error::ParseError {
    let suggestion = SUPPORTED
        .iter()
        .chain(UNSUPPORTED)
        .map(|known| (edit_distance(name, known), *known))
        .min()
        .filter(|&(distance, _)| distance <= (name.chars().count() / 3).max(1));
    let message = match suggestion {
        Some((_, known)) => format!("unknown operator '{name}'; did you mean '{known}'?"),
        None => format!("unknown operator '{name}'"),
    };
    // With a suggestion the full list only buries it.
    let expected: Vec<String> = if suggestion.is_some() {
        Vec::new()
    } else {
        SUPPORTED.iter().map(|op| format!("'{op}'")).collect()
    };
    crate::error::ParseError {
        message,
        span,
        expected,
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{Parser, SUPPORTED, UNSUPPORTED, edit_distance};

    #[test]
    fn every_listed_operator_has_a_parser() {
        for name in SUPPORTED {
            assert!(Parser::operator_parser(name).is_some(), "{name}");
        }
        for name in UNSUPPORTED {
            assert!(Parser::operator_parser(name).is_none(), "{name}");
        }
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("wher", "where"), 1);
        assert_eq!(edit_distance("summarise", "summarize"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
