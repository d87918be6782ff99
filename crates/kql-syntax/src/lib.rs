//! `kql-syntax` turns KQL text into an AST ([`ast::Query`]) with spans. It is the
//! first stage of the kql pipeline (text → AST → DataFusion plan → Arrow results),
//! depends only on `nom`, and checks syntax only: names and types are the planner's
//! job. Every AST node prints back as KQL through `Display`.

pub mod ast;
mod display;
mod error;
mod parser;

pub use error::{ParseError, line_col, render_caret};
pub use parser::{parse_query, parse_query_all};

/// Tabular operator names the parser models (each has an AST variant).
pub fn modeled_operators() -> &'static [&'static str] {
    parser::operators::SUPPORTED
}

/// Real Kusto operators that parse but are reported as not supported yet.
pub fn unsupported_operators() -> &'static [&'static str] {
    parser::operators::UNSUPPORTED
}
