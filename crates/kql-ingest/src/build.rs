//! Building Arrow columns from records, for the projected columns only.
//!
//! Each record is parsed again and sent through its table mapping; cells
//! whose column is not projected are dropped on the spot.

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, FixedSizeBinaryBuilder, Float64Builder, Int32Builder, Int64Builder,
    LargeStringBuilder, StringBuilder, TimestampNanosecondBuilder,
};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use datafusion::error::{DataFusionError, Result};
use kql_functions::KustoType;

use crate::azure::{self, Sink, Target};
use crate::coerce::{Cell, Scalar, to_scalar, to_text};
use crate::infer::Layout;
use crate::load::{Rec, Source};
use crate::value::{self, Val};

/// The columns a scan builds: for each table column its slot in the batch.
#[derive(Debug)]
pub(crate) struct Projection {
    pub schema: SchemaRef,
    pub slots: Vec<Option<usize>>,
    /// (type, typed) per slot; see `ColumnInfo::typed`.
    pub types: Vec<(KustoType, bool)>,
    /// Some projected column holds undocumented fields.
    pub extras: bool,
}

/// Builds one batch of the projected columns from `recs` of `source`;
/// `text` holds the source's bytes from offset `base` on, at least up to
/// the end of the last record.
pub(crate) fn build_batch(
    source: &Source,
    text: &str,
    base: usize,
    recs: &[Rec],
    layout: &Layout,
    proj: &Projection,
) -> Result<RecordBatch> {
    let options = RecordBatchOptions::new().with_row_count(Some(recs.len()));
    if proj.types.is_empty() {
        // e.g. `count`: only the number of rows matters, so nothing is parsed.
        return Ok(RecordBatch::try_new_with_options(
            Arc::clone(&proj.schema),
            vec![],
            &options,
        )?);
    }
    let mut cols: Vec<ColBuilder> = proj
        .types
        .iter()
        .map(|&(ty, typed)| ColBuilder::new(ty, typed, recs.len()))
        .collect::<Result<_>>()?;
    let mut filled = vec![false; cols.len()];
    let mut scratch = Vec::new();
    for rec in recs {
        // Every span was read successfully when the table was opened, and
        // a source that changed since is refused before it gets here, so
        // failing now is a bug: report, don't panic.
        let again = |e: String| {
            DataFusionError::Internal(format!(
                "{}: record at byte {} no longer parses: {e}",
                source.label, rec.start
            ))
        };
        let rec_text = rec
            .start
            .checked_sub(base)
            .and_then(|start| text.get(start..rec.end() - base))
            .ok_or_else(|| again("outside the bytes read".to_owned()))?;
        let val = match &source.header {
            Some(header) => crate::csv::parse_record(header, rec_text.as_bytes()).map_err(again)?,
            None => value::parse_record_str(rec_text).map_err(|e| again(format!("{e:?}")))?,
        };
        let mut row = RowSink {
            layout,
            proj,
            cols: &mut cols,
            filled: &mut filled,
            scratch: &mut scratch,
        };
        azure::map(rec.mapping, &val, &mut row);
        for (col, seen) in cols.iter_mut().zip(filled.iter_mut()) {
            if !*seen {
                col.append_null();
            }
            *seen = false;
        }
    }
    let arrays: Vec<ArrayRef> = cols.into_iter().map(ColBuilder::finish).collect();
    Ok(RecordBatch::try_new_with_options(
        Arc::clone(&proj.schema),
        arrays,
        &options,
    )?)
}

struct RowSink<'a> {
    layout: &'a Layout,
    proj: &'a Projection,
    cols: &'a mut [ColBuilder],
    filled: &'a mut [bool],
    scratch: &'a mut Vec<u8>,
}

impl Sink for RowSink<'_> {
    fn put(&mut self, target: Target<'_>, cell: Cell<'_>) {
        let Some(col) = self.layout.resolve(target) else {
            return;
        };
        let Some(Some(slot)) = self.proj.slots.get(col).copied() else {
            return;
        };
        // A repeated field keeps its first value: one entry per row.
        if std::mem::replace(&mut self.filled[slot], true) {
            return;
        }
        self.cols[slot].append(cell, self.scratch);
    }

    fn wants_extras(&self) -> bool {
        self.proj.extras
    }
}

/// A column under construction.
enum ColBuilder {
    Bool(BooleanBuilder),
    Int(Int32Builder),
    Long(Int64Builder),
    Real(Float64Builder),
    DateTime(TimestampNanosecondBuilder),
    Guid(FixedSizeBinaryBuilder),
    Str(StringBuilder),
    Dynamic(LargeStringBuilder, bool),
}

impl ColBuilder {
    fn new(ty: KustoType, typed: bool, rows: usize) -> Result<ColBuilder> {
        Ok(match ty {
            KustoType::Bool => ColBuilder::Bool(BooleanBuilder::with_capacity(rows)),
            KustoType::Int => ColBuilder::Int(Int32Builder::with_capacity(rows)),
            KustoType::Long => ColBuilder::Long(Int64Builder::with_capacity(rows)),
            KustoType::Real => ColBuilder::Real(Float64Builder::with_capacity(rows)),
            KustoType::DateTime => {
                ColBuilder::DateTime(TimestampNanosecondBuilder::with_capacity(rows))
            }
            KustoType::Guid => ColBuilder::Guid(FixedSizeBinaryBuilder::with_capacity(rows, 16)),
            KustoType::String => ColBuilder::Str(StringBuilder::new()),
            KustoType::Dynamic => ColBuilder::Dynamic(LargeStringBuilder::new(), typed),
            other => {
                return Err(DataFusionError::Internal(format!(
                    "JSON tables do not produce columns of type {}",
                    other.name()
                )));
            }
        })
    }

    fn append_null(&mut self) {
        match self {
            ColBuilder::Bool(b) => b.append_null(),
            ColBuilder::Int(b) => b.append_null(),
            ColBuilder::Long(b) => b.append_null(),
            ColBuilder::Real(b) => b.append_null(),
            ColBuilder::DateTime(b) => b.append_null(),
            ColBuilder::Guid(b) => b.append_null(),
            // Kusto strings are never null: a missing string is "", and
            // saying so in the schema spares every query a coalesce.
            ColBuilder::Str(b) => b.append_value(""),
            ColBuilder::Dynamic(b, _) => b.append_null(),
        }
    }

    fn append(&mut self, cell: Cell<'_>, scratch: &mut Vec<u8>) {
        let ty = match self {
            ColBuilder::Str(b) => {
                b.append_value(to_text(cell).as_deref().unwrap_or(""));
                return;
            }
            ColBuilder::Dynamic(b, typed) => {
                scratch.clear();
                if dynamic_json(cell, *typed, scratch) {
                    // The bytes are JSON text written by serde_json.
                    b.append_value(std::str::from_utf8(scratch).unwrap_or("null"));
                } else {
                    b.append_null();
                }
                return;
            }
            ColBuilder::Bool(_) => KustoType::Bool,
            ColBuilder::Int(_) => KustoType::Int,
            ColBuilder::Long(_) => KustoType::Long,
            ColBuilder::Real(_) => KustoType::Real,
            ColBuilder::DateTime(_) => KustoType::DateTime,
            ColBuilder::Guid(_) => KustoType::Guid,
        };
        // Values that do not convert were reported when the table was
        // opened; here they are null.
        match (self, to_scalar(cell, ty)) {
            (ColBuilder::Bool(b), Ok(Scalar::Bool(v))) => b.append_value(v),
            (ColBuilder::Int(b), Ok(Scalar::Int(v))) => b.append_value(v),
            (ColBuilder::Long(b), Ok(Scalar::Long(v))) => b.append_value(v),
            (ColBuilder::Real(b), Ok(Scalar::Real(v))) => b.append_value(v),
            (ColBuilder::DateTime(b), Ok(Scalar::DateTime(v))) => b.append_value(v),
            (ColBuilder::Guid(b), Ok(Scalar::Guid(v))) => {
                if b.append_value(v).is_err() {
                    b.append_null();
                }
            }
            (col, _) => col.append_null(),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            ColBuilder::Bool(mut b) => Arc::new(b.finish()),
            ColBuilder::Int(mut b) => Arc::new(b.finish()),
            ColBuilder::Long(mut b) => Arc::new(b.finish()),
            ColBuilder::Real(mut b) => Arc::new(b.finish()),
            ColBuilder::DateTime(mut b) => Arc::new(b.finish()),
            ColBuilder::Guid(mut b) => Arc::new(b.finish()),
            ColBuilder::Str(mut b) => Arc::new(b.finish()),
            ColBuilder::Dynamic(mut b, _) => Arc::new(b.finish()),
        }
    }
}

/// Writes the `dynamic` JSON of `cell` into `out`; false for null.
///
/// Untyped text (CSV) is JSON if it parses, else a string. A JSON string is
/// decoded only into a documented (`typed`) column — a `RequestMessages`
/// logged as JSON text is still an array to query — and stays a string in
/// inferred columns, which hold whatever the data held.
fn dynamic_json(cell: Cell<'_>, typed: bool, out: &mut Vec<u8>) -> bool {
    let string = |s: &str, out: &mut Vec<u8>| {
        let _ = serde_json::to_writer(&mut *out, s);
    };
    match cell {
        Cell::Json(Val::Null) => return false,
        Cell::Json(Val::Text(s)) => {
            if s.trim().is_empty() {
                return false;
            }
            match value::parse_value(s.as_bytes()) {
                Ok(v) => v.write_json(out),
                Err(_) => string(s, out),
            }
        }
        Cell::Json(Val::Str(s)) => str_json(s, typed, out),
        Cell::Str(s) => str_json(s, typed, out),
        Cell::Json(v) => v.write_json(out),
    }
    true
}

fn str_json(s: &str, typed: bool, out: &mut Vec<u8>) {
    match typed.then(|| value::parse_embedded(s)).flatten() {
        Some(v) => v.write_json(out),
        None => {
            let _ = serde_json::to_writer(&mut *out, s);
        }
    }
}
