use std::path::PathBuf;

/// Why ingestion failed. Bad records are only errors in strict mode; otherwise
/// they are skipped and listed in the [`IngestReport`](crate::IngestReport).
///
/// The input a problem is in is named `input`, not `source`, because
/// `thiserror` reserves a field called `source` for the underlying error.
#[derive(thiserror::Error, Debug)]
pub enum IngestError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The first skipped record or unconvertible value met in strict mode.
    #[error("{input}:{line}: {reason}")]
    Strict {
        input: String,
        line: usize,
        reason: String,
    },
    /// Nothing to ingest: no sources given, or no JSON files under a folder.
    #[error("no JSON data found in {what}")]
    NoData { what: String },
}
