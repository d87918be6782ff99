//! `kql-ingest` turns JSON log files into Arrow data for the kql engine. It
//! reads the shapes Azure Monitor writes (JSON Lines archives, `{"records":[…]}`
//! Event Hubs batches, plain or enveloped arrays, pretty-printed objects, any of
//! them gzip-compressed), infers a Kusto-typed schema from every record, and
//! exposes each table as a [`JsonTable`] — a DataFusion
//! [`TableProvider`](datafusion::catalog::TableProvider) that the engine
//! registers under the name [`discover`] derives from the file names.
//!
//! Work is split so that queries only pay for what they read: [`JsonTable::open`]
//! parses every record once to infer the schema and to account for bad input
//! (skipped and reported, or an error in strict mode — never dropped
//! silently), then keeps only the raw bytes and the byte span of each record;
//! each scan re-parses those spans in parallel and materialises only the
//! projected columns.
//!
//! Column types follow [`kql_functions::types`]: `dynamic` values are compact
//! JSON text in `LargeUtf8`, datetimes are `Timestamp(Nanosecond)` in UTC, and
//! JSON `null` or a missing field is an Arrow null.

mod build;
mod discover;
mod error;
mod infer;
mod provider;
mod shape;
mod source;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

pub use discover::discover;
pub use error::IngestError;
pub use provider::JsonTable;

/// How [`JsonTable::open`] treats input it cannot use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestOptions {
    /// Fail on the first bad line or record instead of skipping and reporting it.
    pub strict: bool,
}

/// One input of a table.
#[derive(Debug, Clone)]
pub enum SourceData {
    /// A file on disk; gzip content is detected by its magic bytes.
    File(PathBuf),
    /// Bytes already in memory (e.g. embedded sample data); `label` names the
    /// source in reports and errors.
    Bytes { label: String, data: Arc<[u8]> },
}

impl SourceData {
    /// The name used for this source in reports and errors.
    pub fn label(&self) -> String {
        match self {
            SourceData::File(path) => path.display().to_string(),
            SourceData::Bytes { label, .. } => label.clone(),
        }
    }
}

/// A line or record that was not ingested, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub source: String,
    /// 1-based line of the input (after decompression) where the problem is.
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.reason)
    }
}

/// What [`JsonTable::open`] ingested and what it had to skip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// Records ingested.
    pub records: usize,
    /// The first [`IngestReport::MAX_SKIPPED_DETAILS`] skipped inputs, in
    /// source order then line order.
    pub skipped: Vec<Skipped>,
    /// All skipped inputs, including those beyond `skipped`.
    pub skipped_count: usize,
}

impl IngestReport {
    /// How many skipped inputs are kept in detail; a file of garbage should not
    /// cost memory proportional to its size just to be reported.
    pub const MAX_SKIPPED_DETAILS: usize = 100;
}
