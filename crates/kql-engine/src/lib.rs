//! `kql-engine` is the one session API that the CLI and every end-to-end test use:
//! it owns a DataFusion `SessionContext` with the Kusto functions registered, the
//! tables loaded from JSON logs (`kql-ingest`), and runs a query through the whole
//! pipeline: parse (`kql-syntax`) → plan (`kql-planner`) → execute (DataFusion) →
//! Arrow batches with Kusto types, plus the visualization a `render` asked for.

mod error;
mod sample;
mod session;

pub use error::EngineError;
pub use kql_functions::KustoType;
pub use kql_functions::visualization::Visualization;
pub use kql_ingest::{IngestOptions, IngestReport};
pub use session::{QueryResult, Session};
