//! A recursive-descent parser for KQL. Tokens come from `lexical` on demand at
//! the current byte offset, so spans are plain offsets into the query text and
//! backtracking is just resetting `pos`. nom does the character-level work
//! (trivia, identifiers, numbers, date and time texts); the grammar is split by
//! area: statements here, scalar expressions in `expr`, tabular sources in
//! `sources`, operators in `operators`, typed literals in `literals` and the
//! JSON of `dynamic(…)` in `json`.

mod expr;
mod json;
mod lexical;
mod literals;
pub(crate) mod operators;
mod parse_op;
mod scan_op;
mod sources;

pub(crate) use expr::{COMPARISON_PRECEDENCE, OPERATOR_WORDS, RESERVED_NAMES, precedence};
pub(crate) use lexical::is_plain_identifier;
pub(crate) use operators::LIST_CALL;

use crate::ast::{
    FunctionDef, Ident, LetStatement, LetValue, ParamDecl, Query, Span, Statement, TypeName,
};
use crate::error::ParseError;
use lexical::{Tok, Token};

/// How deep expressions may nest, in units of one expression level (a
/// tabular level costs [`TABULAR_DEPTH_COST`]). Recursion is bounded so that
/// hostile input such as 10 000 opening parentheses yields an error instead of
/// overflowing the stack. The budget is sized for unoptimized builds on a
/// 2 MiB thread (the test harness default), where one expression level takes
/// about 8 KiB of stack and one tabular level up to 13 KiB.
const MAX_DEPTH: usize = 128;

/// Depth units charged for a nested tabular expression, whose parsing
/// functions carry larger values (`Source`, `TabularExpr`) on the stack.
const TABULAR_DEPTH_COST: usize = 2;

type PResult<T> = Result<T, ParseError>;

/// Parses a whole query: `let`/`declare` statements and tabular expressions
/// separated by `;`.
pub fn parse_query(text: &str) -> Result<Query, ParseError> {
    parse_query_all(text).map_err(|mut errors| errors.remove(0))
}

/// Like [`parse_query`], but after an error in an operator of a top-level
/// pipeline it skips to the next `|` and goes on, so that several problems
/// are reported at once. The errors are in query order; never empty on `Err`.
pub fn parse_query_all(text: &str) -> Result<Query, Vec<ParseError>> {
    let mut parser = Parser::new(text);
    let result = parser.query();
    let mut errors = std::mem::take(&mut parser.recovered);
    match result {
        Ok(query) if errors.is_empty() => Ok(query),
        Ok(_) => Err(errors),
        Err(e) => {
            errors.push(e);
            errors.sort_by_key(|e| e.span.start);
            errors.dedup();
            Err(errors)
        }
    }
}

pub(crate) struct Parser<'a> {
    text: &'a str,
    /// Byte offset of the next unconsumed input (possibly before trivia).
    pos: usize,
    /// End of the last consumed token: where spans of finished nodes end.
    prev_end: usize,
    depth: usize,
    /// The token lexed at `pos`, which is asked for many times in a row.
    cache: Option<(usize, Token)>,
    /// Errors in operators that parsing recovered from (see [`parse_query_all`]).
    recovered: Vec<ParseError>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            pos: 0,
            prev_end: 0,
            depth: 0,
            cache: None,
            recovered: Vec::new(),
        }
    }

    // ---- token access -------------------------------------------------------

    fn peek(&mut self) -> Token {
        if let Some((pos, token)) = &self.cache
            && *pos == self.pos
        {
            return token.clone();
        }
        let token = lexical::lex(self.text, self.pos);
        self.cache = Some((self.pos, token.clone()));
        token
    }

    /// The token after the next one.
    fn peek_second(&mut self) -> Token {
        let first = self.peek();
        lexical::lex(self.text, first.span.end)
    }

    fn bump(&mut self) -> Token {
        let token = self.peek();
        if !matches!(token.tok, Tok::Eof | Tok::Error(_)) {
            self.pos = token.span.end;
            self.prev_end = token.span.end;
        }
        token
    }

    /// Moves past input that was consumed outside the token stream (raw
    /// literal contents, operator names).
    fn advance_to(&mut self, end: usize) {
        self.pos = end;
        self.prev_end = end;
    }

    fn at(&mut self, punct: &str) -> bool {
        matches!(self.peek().tok, Tok::Punct(p) if p == punct)
    }

    fn eat(&mut self, punct: &str) -> Option<Span> {
        self.at(punct).then(|| self.bump().span)
    }

    fn expect(&mut self, punct: &str) -> PResult<Span> {
        self.eat(punct)
            .ok_or_else(|| self.unexpected(&[&format!("'{punct}'")]))
    }

    /// A keyword is a plain (unquoted) identifier with this exact spelling:
    /// KQL keywords are case-sensitive.
    fn at_kw(&mut self, keyword: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(name) if name == keyword)
    }

    fn eat_kw(&mut self, keyword: &str) -> Option<Span> {
        self.at_kw(keyword).then(|| self.bump().span)
    }

    fn expect_kw(&mut self, keyword: &str) -> PResult<Span> {
        self.eat_kw(keyword)
            .ok_or_else(|| self.unexpected(&[&format!("'{keyword}'")]))
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.prev_end.max(start))
    }

    // ---- errors ---------------------------------------------------------------

    /// "unexpected X" at the next token, or the lexical error found there.
    fn unexpected(&mut self, expected: &[&str]) -> ParseError {
        let token = self.peek();
        let expected = expected.iter().map(|e| e.to_string()).collect();
        if let Tok::Error(err) = token.tok {
            // The lexical problem is more precise than what was expected here.
            return *err;
        }
        ParseError {
            message: format!("unexpected {}", self.describe(&token)),
            span: token.span,
            expected,
        }
    }

    fn error(span: Span, message: impl Into<String>, expected: &[&str]) -> ParseError {
        ParseError {
            message: message.into(),
            span,
            expected: expected.iter().map(|e| e.to_string()).collect(),
        }
    }

    fn describe(&self, token: &Token) -> String {
        match &token.tok {
            Tok::Eof => "end of query".to_string(),
            Tok::Str(_) => "string literal".to_string(),
            _ => {
                let text = self
                    .text
                    .get(token.span.start..token.span.end)
                    .unwrap_or("");
                let short: String = text.chars().take(40).collect();
                format!("'{short}'")
            }
        }
    }

    /// Runs `f` one nesting level deeper, failing past [`MAX_DEPTH`].
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        self.nested_with_cost(1, f)
    }

    fn nested_with_cost<T>(
        &mut self,
        cost: usize,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        if self.depth + cost > MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.depth += cost;
        let result = f(self);
        self.depth -= cost;
        result
    }

    fn too_deep(&mut self) -> ParseError {
        Self::error(self.peek().span, "expression nested too deeply", &[])
    }

    // ---- identifiers and types ----------------------------------------------

    /// True at `name` or `['quoted name']`.
    fn at_ident(&mut self) -> bool {
        match self.peek().tok {
            Tok::Ident(_) => true,
            Tok::Punct("[") => matches!(self.peek_second().tok, Tok::Str(_)),
            _ => false,
        }
    }

    /// `name` or `['quoted name']` / `["quoted name"]`; `what` names it in errors.
    fn ident(&mut self, what: &str) -> PResult<Ident> {
        let token = self.peek();
        match token.tok {
            Tok::Ident(name) => {
                self.bump();
                Ok(Ident {
                    name,
                    span: token.span,
                })
            }
            Tok::Punct("[") => {
                if let Tok::Str(name) = self.peek_second().tok {
                    self.bump();
                    self.bump();
                    self.expect("]")?;
                    return Ok(Ident {
                        name,
                        span: self.span_from(token.span.start),
                    });
                }
                Err(self.unexpected(&[what]))
            }
            _ => Err(self.unexpected(&[what])),
        }
    }

    /// A type name: `long`, `string`… or a tabular schema `(*)` / `(a:long)`,
    /// whose canonical text becomes the name.
    fn type_name(&mut self) -> PResult<TypeName> {
        let start = self.peek().span.start;
        if self.eat("(").is_none() {
            let ident = self.ident("type name")?;
            return Ok(TypeName {
                name: ident.name,
                span: ident.span,
            });
        }
        let name = if self.eat("*").is_some() {
            "(*)".to_string()
        } else {
            let mut columns = Vec::new();
            loop {
                let column = self.ident("column name")?;
                self.expect(":")?;
                let ty = self.nested(Self::type_name)?;
                columns.push(format!(
                    "{}:{}",
                    crate::display::IdentText(&column.name),
                    ty.name
                ));
                if self.eat(",").is_none() {
                    break;
                }
            }
            format!("({})", columns.join(", "))
        };
        self.expect(")")?;
        Ok(TypeName {
            name,
            span: self.span_from(start),
        })
    }

    /// `name:type [= default]`, comma separated, up to (not including) `)`.
    fn param_decls(&mut self) -> PResult<Vec<ParamDecl>> {
        let mut params = Vec::new();
        if self.at(")") {
            return Ok(params);
        }
        loop {
            let name = self.ident("parameter name")?;
            self.expect(":")?;
            let ty = self.type_name()?;
            let default = match self.eat("=") {
                Some(_) => Some(self.expr()?),
                None => None,
            };
            params.push(ParamDecl { name, ty, default });
            if self.eat(",").is_none() {
                return Ok(params);
            }
        }
    }

    // ---- statements -----------------------------------------------------------

    fn query(&mut self) -> PResult<Query> {
        let mut statements = Vec::new();
        loop {
            while self.eat(";").is_some() {}
            if self.peek().tok == Tok::Eof {
                break;
            }
            let statement = self.statement()?;
            let is_tabular = matches!(statement, Statement::Tabular(_));
            statements.push(statement);
            if self.eat(";").is_none() {
                if self.peek().tok == Tok::Eof && is_tabular {
                    break;
                }
                let expected: &[&str] = if is_tabular {
                    &["'|'", "';'", "end of query"]
                } else {
                    &["';'"]
                };
                return Err(self.unexpected(expected));
            }
        }
        if !statements
            .iter()
            .any(|s| matches!(s, Statement::Tabular(_)))
        {
            return Err(self.unexpected(&["tabular expression"]));
        }
        Ok(Query { statements })
    }

    fn statement(&mut self) -> PResult<Statement> {
        if self.at_kw("let") {
            return Ok(Statement::Let(self.let_statement()?));
        }
        // `set name …`; `set` alone or before `|` is a table of that name.
        if self.at_kw("set") && matches!(self.peek_second().tok, Tok::Ident(_)) {
            let start = self.bump().span.start;
            let name = self.ident("option name")?;
            let value = match self.eat("=") {
                Some(_) => Some(self.expr()?),
                None => None,
            };
            return Ok(Statement::Set {
                name,
                value,
                span: self.span_from(start),
            });
        }
        if self.at_kw("declare") {
            let start = self.bump().span.start;
            self.expect_kw("query_parameters")?;
            self.expect("(")?;
            let params = self.param_decls()?;
            self.expect(")")?;
            return Ok(Statement::DeclareQueryParameters(
                params,
                self.span_from(start),
            ));
        }
        Ok(Statement::Tabular(self.tabular()?))
    }

    fn let_statement(&mut self) -> PResult<LetStatement> {
        let start = self.expect_kw("let")?.start;
        let name = self.ident("name")?;
        self.expect("=")?;
        let value = if self.at_kw("view") && self.peek_second().tok == Tok::Punct("(") {
            self.bump();
            LetValue::Function(self.function_def()?)
        } else if self.at("(") && self.is_function_def() {
            LetValue::Function(self.function_def()?)
        } else if self.looks_tabular(false) {
            LetValue::Tabular(self.tabular()?)
        } else {
            LetValue::Scalar(self.expr()?)
        };
        Ok(LetStatement {
            name,
            value,
            span: self.span_from(start),
        })
    }

    /// At `(`: is this `(params) {`?
    fn is_function_def(&mut self) -> bool {
        self.matching_close(self.pos)
            .is_some_and(|end| matches!(lexical::lex(self.text, end).tok, Tok::Punct("{")))
    }

    fn function_def(&mut self) -> PResult<FunctionDef> {
        let start = self.expect("(")?.start;
        let params = self.param_decls()?;
        self.expect(")")?;
        self.expect("{")?;
        let mut body = Vec::new();
        let mut scalar_body = None;
        loop {
            while self.eat(";").is_some() {}
            if self.at("}") {
                break;
            }
            if self.at_kw("let") {
                body.push(Statement::Let(self.let_statement()?));
                if self.eat(";").is_none() {
                    return Err(self.unexpected(&["';'"]));
                }
                continue;
            }
            // The final statement is the function's result.
            if self.looks_tabular(false) {
                body.push(Statement::Tabular(self.tabular()?));
            } else {
                scalar_body = Some(self.expr()?);
            }
            while self.eat(";").is_some() {}
            break;
        }
        if !self.at("}") {
            let expected: &[&str] = match body.last() {
                Some(Statement::Tabular(_)) => &["'|'", "'}'"],
                _ => &["'}'"],
            };
            return Err(self.unexpected(expected));
        }
        self.bump();
        Ok(FunctionDef {
            params,
            body,
            scalar_body,
            span: self.span_from(start),
        })
    }

    // ---- lookahead scans ------------------------------------------------------

    /// Byte offset just after the bracket that closes the one at `pos`.
    fn matching_close(&self, pos: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut pos = pos;
        loop {
            let token = lexical::lex(self.text, pos);
            match token.tok {
                Tok::Punct("(" | "[" | "{") => depth += 1,
                Tok::Punct(")" | "]" | "}") => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(token.span.end);
                    }
                }
                Tok::Eof | Tok::Error(_) => return None,
                _ => {}
            }
            pos = token.span.end;
        }
    }

    /// Decides whether the item starting here is tabular: it begins with a
    /// tabular source keyword, or has a `|` that is not inside a bracket of its
    /// own (`(T | take 1)` is tabular, `toscalar(T | count) + 1` is not). The
    /// scan ends at `;`, at a bracket closing an outer one, and at `,` when
    /// the item is one of a list (`stop_at_comma`).
    fn looks_tabular(&mut self, stop_at_comma: bool) -> bool {
        let mut pos = self.pos;
        let mut leading = 0usize;
        loop {
            let token = lexical::lex(self.text, pos);
            if token.tok != Tok::Punct("(") {
                break;
            }
            leading += 1;
            pos = token.span.end;
        }
        if self.starts_tabular_source(pos) {
            return true;
        }
        // Depth of the leading parentheses that are still open: a `|` at that
        // depth belongs to the item itself rather than to some call inside it.
        let mut open_leading = leading;
        let mut depth = leading;
        loop {
            let token = lexical::lex(self.text, pos);
            match token.tok {
                Tok::Punct("(" | "[" | "{") => depth += 1,
                Tok::Punct(")" | "]" | "}") => {
                    let Some(d) = depth.checked_sub(1) else {
                        return false;
                    };
                    depth = d;
                    open_leading = open_leading.min(depth);
                }
                Tok::Punct("|") if depth == open_leading => return true,
                Tok::Punct(";") if depth == 0 => return false,
                Tok::Punct(",") if depth == 0 && stop_at_comma => return false,
                Tok::Eof | Tok::Error(_) => return false,
                _ => {}
            }
            pos = token.span.end;
        }
    }

    /// Does a tabular source keyword (`datatable(`, `print`, `range x`,
    /// `union`, `materialize(`) start at `pos`?
    fn starts_tabular_source(&self, pos: usize) -> bool {
        let token = lexical::lex(self.text, pos);
        let Tok::Ident(name) = &token.tok else {
            return false;
        };
        let next = lexical::lex(self.text, token.span.end).tok;
        match name.as_str() {
            "print" | "union" => true,
            "datatable" | "materialize" => next == Tok::Punct("("),
            "range" => matches!(next, Tok::Ident(_) | Tok::Punct("[")),
            _ => false,
        }
    }
}
