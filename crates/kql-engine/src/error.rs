//! Errors of a query run, each able to print itself with the query text and a
//! caret under the position it is about.

use kql_syntax::{ParseError, render_caret};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The first syntax error; `more` holds the ones found after recovering
    /// at the next `|`.
    #[error("{error}")]
    Syntax {
        error: ParseError,
        more: Vec<ParseError>,
        query: String,
    },
    #[error("{error}")]
    Plan {
        error: kql_planner::PlanError,
        query: String,
    },
    #[error("query failed: {0}")]
    Execution(#[from] datafusion::error::DataFusionError),
    #[error("{0}")]
    Ingest(#[from] kql_ingest::IngestError),
    #[error("{0}")]
    Usage(String),
}

impl EngineError {
    /// The message a person reads: for query errors, the offending line with a caret.
    pub fn render(&self) -> String {
        match self {
            EngineError::Syntax { error, more, query } => std::iter::once(error)
                .chain(more)
                .map(|e| render_caret(query, e.span, &e.to_string()))
                .collect::<Vec<_>>()
                .join("\n"),
            EngineError::Plan { error, query } => match error.span() {
                Some(span) => render_caret(query, span, &error.to_string()),
                None => format!("error: {error}"),
            },
            other => format!("error: {other}"),
        }
    }

    /// True for errors in the query text or the command's use (exit code 2), false
    /// for failures while running (exit code 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            EngineError::Syntax { .. } | EngineError::Plan { .. } | EngineError::Usage(_)
        )
    }
}

/// Parses a query, reporting every syntax error the parser could recover from.
pub(crate) fn parse(text: &str) -> Result<kql_syntax::ast::Query, EngineError> {
    kql_syntax::parse_query_all(text).map_err(|mut errors| {
        let error = errors.remove(0);
        EngineError::Syntax {
            error,
            more: errors,
            query: text.to_string(),
        }
    })
}
