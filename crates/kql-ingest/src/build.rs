//! Building Arrow columns from record spans, for the projected fields only.
//!
//! Each record is parsed straight into the column builders: fields that are
//! not projected are skipped by the parser without being materialised, and
//! scalar values never pass through a `serde_json::Value`.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int64Builder, LargeStringBuilder, StringBuilder,
    TimestampNanosecondBuilder,
};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use datafusion::error::{DataFusionError, Result};
use kql_functions::KustoType;
use kql_functions::datetime::parse_datetime;
use serde::Deserialize;
use serde::de::{
    self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

/// Builds one batch with the columns of `schema` (already projected) from
/// the records at `spans` in `doc`.
pub(crate) fn build_batch(
    doc: &[u8],
    spans: &[(usize, usize)],
    schema: &SchemaRef,
) -> Result<RecordBatch> {
    let options = RecordBatchOptions::new().with_row_count(Some(spans.len()));
    if schema.fields().is_empty() {
        // e.g. `count`: only the number of rows matters, so nothing is parsed.
        return Ok(RecordBatch::try_new_with_options(
            Arc::clone(schema),
            vec![],
            &options,
        )?);
    }
    let mut cols = schema
        .fields()
        .iter()
        .map(|f| ColBuilder::new(f.data_type(), spans.len()))
        .collect::<Result<Vec<_>>>()?;
    let lookup: HashMap<&str, usize> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name().as_str(), i))
        .collect();
    let mut filled = vec![false; cols.len()];
    for &(start, end) in spans {
        let mut de = serde_json::Deserializer::from_slice(&doc[start..end]);
        let row = RowVisitor {
            lookup: &lookup,
            cols: &mut cols,
            filled: &mut filled,
        };
        // The spans were validated when the table was opened and the bytes
        // are immutable, so this only fails on a bug; report it, don't panic.
        (&mut de).deserialize_map(row).map_err(|e| {
            DataFusionError::Internal(format!("record at byte {start} no longer parses: {e}"))
        })?;
        for (col, seen) in cols.iter_mut().zip(filled.iter_mut()) {
            if !*seen {
                col.append_null();
            }
            *seen = false;
        }
    }
    let arrays: Vec<ArrayRef> = cols.into_iter().map(ColBuilder::finish).collect();
    Ok(RecordBatch::try_new_with_options(
        Arc::clone(schema),
        arrays,
        &options,
    )?)
}

/// A column under construction, one variant per Kusto type inference produces.
enum ColBuilder {
    Bool(BooleanBuilder),
    Long(Int64Builder),
    Real(Float64Builder),
    DateTime(TimestampNanosecondBuilder),
    Str(StringBuilder),
    Dynamic(LargeStringBuilder),
}

impl ColBuilder {
    fn new(dt: &datafusion::arrow::datatypes::DataType, rows: usize) -> Result<ColBuilder> {
        Ok(match KustoType::from_arrow(dt) {
            Some(KustoType::Bool) => ColBuilder::Bool(BooleanBuilder::with_capacity(rows)),
            Some(KustoType::Long) => ColBuilder::Long(Int64Builder::with_capacity(rows)),
            Some(KustoType::Real) => ColBuilder::Real(Float64Builder::with_capacity(rows)),
            Some(KustoType::DateTime) => {
                ColBuilder::DateTime(TimestampNanosecondBuilder::with_capacity(rows))
            }
            Some(KustoType::String) => ColBuilder::Str(StringBuilder::new()),
            Some(KustoType::Dynamic) => ColBuilder::Dynamic(LargeStringBuilder::new()),
            _ => {
                return Err(DataFusionError::Internal(format!(
                    "JSON tables do not produce columns of type {dt}"
                )));
            }
        })
    }

    fn append_null(&mut self) {
        match self {
            ColBuilder::Bool(b) => b.append_null(),
            ColBuilder::Long(b) => b.append_null(),
            ColBuilder::Real(b) => b.append_null(),
            ColBuilder::DateTime(b) => b.append_null(),
            ColBuilder::Str(b) => b.append_null(),
            ColBuilder::Dynamic(b) => b.append_null(),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            ColBuilder::Bool(mut b) => Arc::new(b.finish()),
            ColBuilder::Long(mut b) => Arc::new(b.finish()),
            ColBuilder::Real(mut b) => Arc::new(b.finish()),
            ColBuilder::DateTime(mut b) => Arc::new(b.finish()),
            ColBuilder::Str(mut b) => Arc::new(b.finish()),
            ColBuilder::Dynamic(mut b) => Arc::new(b.finish()),
        }
    }
}

struct RowVisitor<'a> {
    lookup: &'a HashMap<&'a str, usize>,
    cols: &'a mut [ColBuilder],
    filled: &'a mut [bool],
}

impl<'de> Visitor<'de> for RowVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(slot) = map.next_key_seed(SlotSeed(self.lookup))? {
            match slot {
                // A repeated key keeps its first value: the column already has
                // this row's entry and must get exactly one per row.
                Some(i) if !self.filled[i] => {
                    map.next_value_seed(CellSeed(&mut self.cols[i]))?;
                    self.filled[i] = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Resolves a field name to its projected column, if any.
struct SlotSeed<'a>(&'a HashMap<&'a str, usize>);

impl<'de> DeserializeSeed<'de> for SlotSeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for SlotSeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.get(v).copied())
    }
}

/// Appends exactly one entry — a value or a null — to its column.
struct CellSeed<'a>(&'a mut ColBuilder);

impl<'de> DeserializeSeed<'de> for CellSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.0 {
            ColBuilder::Dynamic(b) => {
                let value = serde_json::Value::deserialize(d)?;
                if value.is_null() {
                    b.append_null();
                } else {
                    // `Value`'s Display is compact JSON; writing it into the
                    // builder avoids an intermediate String.
                    write!(b, "{value}").map_err(de::Error::custom)?;
                    b.append_value("");
                }
                Ok(())
            }
            col => d.deserialize_any(ScalarVisitor(col)),
        }
    }
}

/// Scalars into non-dynamic columns. Inference saw every value, so a value
/// of another kind cannot occur; if it did, null is the honest answer.
struct ScalarVisitor<'a>(&'a mut ColBuilder);

impl<'de> Visitor<'de> for ScalarVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        match self.0 {
            ColBuilder::Bool(b) => b.append_value(v),
            col => col.append_null(),
        }
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        match self.0 {
            ColBuilder::Long(b) => b.append_value(v),
            ColBuilder::Real(b) => b.append_value(v as f64),
            col => col.append_null(),
        }
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        match self.0 {
            ColBuilder::Long(b) => b.append_option(i64::try_from(v).ok()),
            ColBuilder::Real(b) => b.append_value(v as f64),
            col => col.append_null(),
        }
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        match self.0 {
            ColBuilder::Real(b) => b.append_value(v),
            col => col.append_null(),
        }
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        match self.0 {
            ColBuilder::Str(b) => b.append_value(v),
            // `""` (and anything unparseable) in a datetime column is null.
            ColBuilder::DateTime(b) => b.append_option(parse_datetime(v)),
            col => col.append_null(),
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.append_null();
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.0.append_null();
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.0.append_null();
        Ok(())
    }
}
