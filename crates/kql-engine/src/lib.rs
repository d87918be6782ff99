//! `kql-engine` is the one session API that the CLI and every end-to-end test use:
//! it owns a DataFusion `SessionContext` with the Kusto functions registered, the
//! tables loaded from JSON logs (`kql-ingest`), and runs a query through the whole
//! pipeline: parse (`kql-syntax`) → plan (`kql-planner`) → execute (DataFusion) →
//! Arrow batches with Kusto types, plus the visualization a `render` asked for.

mod error;
mod explain;
mod params;
mod sample;
mod session;
pub mod threads;
mod time_range;
pub mod workspace;

pub use error::EngineError;
pub use explain::Explanation;
pub use kql_functions::KustoType;
pub use kql_functions::visualization::Visualization;
pub use kql_ingest::{IngestOptions, IngestReport, find_files};
pub use params::{DeclaredParam, NO_PARAMS, parse_value};
pub use session::{QueryResult, Session};
pub use time_range::{TIME_COLUMN, TimeRange};

/// Kusto's datetime text (`2026-11-25T00:00:00Z`, RFC 1123, …) to nanoseconds
/// since the epoch; `None` when it is not one.
pub fn parse_datetime(text: &str) -> Option<i64> {
    kql_functions::datetime::parse_datetime(text)
}

/// Kusto's timespan text (`15m`, `1d`, `01:30:00`) to nanoseconds; `None`
/// when it is not one.
pub fn parse_timespan(text: &str) -> Option<i64> {
    kql_functions::timespan::parse_timespan(text)
}

/// The parameters a query declares with `declare query_parameters`, in order.
pub fn query_parameters(text: &str) -> Result<Vec<DeclaredParam>, EngineError> {
    Ok(params::declared_params(&error::parse(text)?))
}

/// Names of the language, for completion in the shell.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Tabular operators (`where`, `summarize`, `mv-expand`, …).
    pub operators: Vec<&'static str>,
    /// Scalar, aggregate and window functions.
    pub functions: Vec<&'static str>,
}

/// Every operator and function name the engine knows.
pub fn vocabulary() -> Vocabulary {
    let mut functions: Vec<&'static str> = kql_functions::catalog::scalar_function_names()
        .chain(kql_functions::aggregate::aggregate_names())
        .chain(kql_planner::window_function_names().iter().copied())
        .collect();
    functions.sort_unstable();
    functions.dedup();
    Vocabulary {
        operators: kql_syntax::modeled_operators().to_vec(),
        functions,
    }
}
