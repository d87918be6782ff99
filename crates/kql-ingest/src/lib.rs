//! `kql-ingest` turns Azure log files into Arrow data for the kql engine, as
//! the tables Log Analytics would show. It reads the shapes Azure writes —
//! JSON Lines storage archives (`insights-logs-*/…/PT1H.json`), `{"records":[…]}`
//! Event Hubs batches, plain or enveloped arrays, pretty-printed objects, Log
//! Analytics exports in JSON or CSV, any of them gzip-compressed — and routes
//! each record to its table by content ([`load`]): `GatewayLogs` records to
//! `ApiManagementGatewayLogs`, `GatewayLlmLogs` to `ApiManagementGatewayLlmLog`,
//! Azure OpenAI categories to `AzureDiagnostics`, metrics to `AzureMetrics`,
//! exported rows to the table their `Type` names, anything else to a table
//! named after its file. Known tables get every documented column, in
//! documented order and type, with raw field names mapped to them; fields no
//! mapping knows are kept as extra columns with inferred types.
//!
//! Each table is a [`JsonTable`], a DataFusion
//! [`TableProvider`](datafusion::catalog::TableProvider). Work is split so
//! that queries only pay for what they read: loading parses every record
//! once to route it, settle the schema and account for bad input (skipped and
//! reported with file, line and reason, or an error in strict mode — never
//! dropped silently), then keeps only where each record is; each scan reads
//! the sources again, re-parses those spans in parallel and streams out only
//! the projected columns, so memory does not grow with the input.
//!
//! Column types follow [`kql_functions::types`]: `dynamic` values are compact
//! JSON text in `LargeUtf8`, datetimes are `Timestamp(Nanosecond)` in UTC, and
//! JSON `null` or a missing field is an Arrow null.

mod azure;
mod build;
mod coerce;
mod csv;
mod datetime;
mod discover;
mod error;
mod fastjson;
mod index;
mod infer;
mod load;
mod provider;
mod scan;
mod shape;
mod source;
mod value;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

pub use discover::{discover, find_files};
pub use error::IngestError;
pub use index::cache_dir as index_dir;
pub use load::{Input, Loaded, load, load_indexed};
pub use provider::JsonTable;

/// How loading treats input it cannot use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestOptions {
    /// Fail on the first bad line or record instead of skipping and reporting it.
    pub strict: bool,
    /// Keep what loading learns about each file in the user's cache folder
    /// ([`index_dir`]), and reuse it while the file is unchanged: a later
    /// load of the same logs skips its first pass over them.
    pub index: bool,
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

/// Something in the input worth reporting: a record that was skipped, a
/// value that could not be stored as written, or a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub source: String,
    /// 1-based line of the input (after decompression) where the problem
    /// is; 0 when it concerns the whole source.
    pub line: usize,
    pub reason: String,
}

/// [`Skipped`] under the name that fits its other uses.
pub type Issue = Skipped;

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.source, self.reason)
        } else {
            write!(f, "{}:{}: {}", self.source, self.line, self.reason)
        }
    }
}

/// What a table ingested and what it could not. Each list keeps the first
/// [`IngestReport::MAX_SKIPPED_DETAILS`] entries in source order, then
/// line order; the counts cover all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// Records ingested.
    pub records: usize,
    /// Lines or records that were not ingested.
    pub skipped: Vec<Skipped>,
    pub skipped_count: usize,
    /// Values that could not be stored as written: not convertible to their
    /// column's type (stored as null), or bytes that were not UTF-8.
    pub value_issues: Vec<Issue>,
    pub value_issue_count: usize,
    /// Nothing lost, but worth knowing: an empty file, a field whose type
    /// changes between records, a CSV column in local time.
    pub notes: Vec<Issue>,
    pub note_count: usize,
}

impl IngestReport {
    /// How many entries of each kind are kept in detail; a file of garbage
    /// should not cost memory proportional to its size just to be reported.
    pub const MAX_SKIPPED_DETAILS: usize = 100;

    /// Adds the report of more input of the same table.
    pub fn merge(&mut self, other: IngestReport) {
        fn add(mine: &mut Vec<Skipped>, theirs: Vec<Skipped>) {
            let room = IngestReport::MAX_SKIPPED_DETAILS.saturating_sub(mine.len());
            mine.extend(theirs.into_iter().take(room));
        }
        self.records += other.records;
        self.skipped_count += other.skipped_count;
        add(&mut self.skipped, other.skipped);
        self.value_issue_count += other.value_issue_count;
        add(&mut self.value_issues, other.value_issues);
        self.note_count += other.note_count;
        add(&mut self.notes, other.notes);
    }
}
