//! `kql-render` prints a finished query result — an Arrow schema plus its record
//! batches — as a text table, CSV, a single JSON document, or NDJSON. It is the
//! last stage of kql: the engine has already planned and run the query, and this
//! crate only turns values into Kusto's text and JSON forms (taken from
//! [`kql_functions::format`], so printed values match what `tostring` and the
//! rest of the engine produce). [`chart`] draws a result as the PNG or SVG
//! chart its `render` asked for. Row counts, chart notes and choosing the
//! output file belong to the caller.
//!
//! ```
//! use kql_render::{OutputFormat, RenderOptions, write_result};
//! use datafusion::arrow::array::{Int64Array, RecordBatch};
//! use datafusion::arrow::datatypes::{DataType, Field, Schema};
//! use std::sync::Arc;
//!
//! let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![1, 2]))])?;
//! let mut out = Vec::new();
//! write_result(&mut out, &schema, &[batch], OutputFormat::Csv, &RenderOptions::default())?;
//! assert_eq!(String::from_utf8(out)?, "n\n1\n2\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod chart;
mod csv;
mod json;
mod table;

pub use chart::{ChartError, ChartFormat, ChartInfo, ChartOptions, write_chart};

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::{DataType, Schema};
use kql_functions::format::is_supported;
use kql_functions::visualization::Visualization;
use std::fmt;
use std::io::{BufWriter, Write};
use std::str::FromStr;

/// How [`write_result`] lays the result out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OutputFormat {
    /// A bordered text table for people.
    #[default]
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// One JSON object holding typed columns and rows as arrays.
    Json,
    /// One JSON object per row, keyed by column name.
    Ndjson,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 4] = [
        OutputFormat::Table,
        OutputFormat::Csv,
        OutputFormat::Json,
        OutputFormat::Ndjson,
    ];

    /// The name accepted by [`FromStr`] and printed by [`Display`](fmt::Display).
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Csv => "csv",
            OutputFormat::Json => "json",
            OutputFormat::Ndjson => "ndjson",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The text given to [`OutputFormat::from_str`] names no format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown output format `{0}` (expected table, csv, json or ndjson)")]
pub struct ParseOutputFormatError(pub String);

impl FromStr for OutputFormat {
    type Err = ParseOutputFormatError;

    /// Case-insensitive, so `-f JSON` works as well as `-f json`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OutputFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseOutputFormatError(s.to_owned()))
    }
}

/// Settings that do not change the values printed, only their surroundings.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// Width the table must fit in (wrapping cell text to fit); `None` lets it be
    /// as wide as its content. Only [`OutputFormat::Table`] looks at it.
    pub max_width: Option<u16>,
    /// The chart the query asked for with `render`; only [`OutputFormat::Json`]
    /// emits it, as a `"visualization"` member.
    pub visualization: Option<&'a Visualization>,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("cannot encode the result as JSON: {0}")]
    Json(#[source] serde_json::Error),
    #[error("column `{column}` has type {data_type}, which has no Kusto form")]
    UnsupportedType { column: String, data_type: DataType },
    /// A batch does not have the schema's shape; a bug upstream, reported rather
    /// than printed as misaligned columns.
    #[error("a result batch has {found} columns but the result schema has {expected}")]
    SchemaMismatch { expected: usize, found: usize },
}

impl From<serde_json::Error> for RenderError {
    /// serde_json wraps write failures in its own error; unwrapping them keeps a
    /// closed pipe an [`RenderError::Io`] the caller can recognise.
    fn from(e: serde_json::Error) -> Self {
        if e.is_io() {
            RenderError::Io(e.into())
        } else {
            RenderError::Json(e)
        }
    }
}

/// Prints `batches` (all with `schema`'s columns) to `out` in `format`.
///
/// The whole result is checked before anything is written, so an unsupported
/// column never leaves half a document behind.
pub fn write_result(
    out: &mut dyn Write,
    schema: &Schema,
    batches: &[RecordBatch],
    format: OutputFormat,
    opts: &RenderOptions<'_>,
) -> Result<(), RenderError> {
    check_shape(schema, batches)?;
    let mut out = BufWriter::new(out);
    match format {
        OutputFormat::Table => table::write(&mut out, schema, batches, opts.max_width)?,
        OutputFormat::Csv => csv::write(&mut out, schema, batches)?,
        OutputFormat::Json => json::write(&mut out, schema, batches, opts.visualization)?,
        OutputFormat::Ndjson => json::write_ndjson(&mut out, schema, batches)?,
    }
    out.flush()?;
    Ok(())
}

fn check_shape(schema: &Schema, batches: &[RecordBatch]) -> Result<(), RenderError> {
    let unsupported = |column: &str, data_type: &DataType| RenderError::UnsupportedType {
        column: column.to_owned(),
        data_type: data_type.clone(),
    };
    for field in schema.fields() {
        if !is_supported(field.data_type()) {
            return Err(unsupported(field.name(), field.data_type()));
        }
    }
    for batch in batches {
        if batch.num_columns() != schema.fields().len() {
            return Err(RenderError::SchemaMismatch {
                expected: schema.fields().len(),
                found: batch.num_columns(),
            });
        }
        // A batch may carry a different encoding (a dictionary, a view) than the
        // schema says, so its own types are checked too.
        for (field, column) in schema.fields().iter().zip(batch.columns()) {
            if !is_supported(column.data_type()) {
                return Err(unsupported(field.name(), column.data_type()));
            }
        }
    }
    Ok(())
}
