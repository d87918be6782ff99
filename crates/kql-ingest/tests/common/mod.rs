//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Float64Type, Int32Type, Int64Type, TimestampNanosecondType,
};
use datafusion::prelude::SessionContext;
use kql_ingest::{IngestError, IngestOptions, JsonTable, SourceData};

pub fn src(label: &str, text: &str) -> SourceData {
    SourceData::Bytes {
        label: label.to_owned(),
        data: Arc::from(text.as_bytes()),
    }
}

pub fn open(text: &str) -> JsonTable {
    try_open(text).expect("open")
}

pub fn try_open(text: &str) -> Result<JsonTable, IngestError> {
    JsonTable::open(vec![src("t.json", text)], &IngestOptions::default())
}

pub fn strict(text: &str) -> Result<JsonTable, IngestError> {
    JsonTable::open(
        vec![src("t.json", text)],
        &IngestOptions {
            strict: true,
            ..Default::default()
        },
    )
}

pub fn field_names(table: &JsonTable) -> Vec<String> {
    table
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

pub fn field_type(table: &JsonTable, name: &str) -> DataType {
    table
        .schema()
        .field_with_name(name)
        .expect("field")
        .data_type()
        .clone()
}

/// Scans `table` through DataFusion, selecting `cols` (all when empty).
pub async fn scan(table: JsonTable, cols: &[&str]) -> Vec<RecordBatch> {
    let ctx = SessionContext::new();
    let df = ctx.read_table(Arc::new(table)).expect("read_table");
    let df = if cols.is_empty() {
        df
    } else {
        df.select_columns(cols).expect("select")
    };
    df.collect().await.expect("collect")
}

pub fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(RecordBatch::num_rows).sum()
}

/// The values of column `name` as text: strings and dynamic JSON as is,
/// numbers and bools via Display, datetimes as epoch nanoseconds.
pub fn column(batches: &[RecordBatch], name: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for b in batches {
        let a = b.column_by_name(name).expect("column");
        for i in 0..a.len() {
            if a.is_null(i) {
                out.push(None);
                continue;
            }
            out.push(Some(match a.data_type() {
                DataType::Utf8 => a.as_string::<i32>().value(i).to_owned(),
                DataType::LargeUtf8 => a.as_string::<i64>().value(i).to_owned(),
                DataType::Int64 => a.as_primitive::<Int64Type>().value(i).to_string(),
                DataType::Int32 => a.as_primitive::<Int32Type>().value(i).to_string(),
                DataType::FixedSizeBinary(_) => a
                    .as_fixed_size_binary()
                    .value(i)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
                DataType::Float64 => a.as_primitive::<Float64Type>().value(i).to_string(),
                DataType::Boolean => a.as_boolean().value(i).to_string(),
                DataType::Timestamp(_, _) => a
                    .as_primitive::<TimestampNanosecondType>()
                    .value(i)
                    .to_string(),
                other => panic!("unexpected type {other}"),
            }));
        }
    }
    out
}

pub fn some(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| Some((*v).to_owned())).collect()
}

/// A folder (or file) of the repository's `testdata/`, loaded and routed
/// the way `kql -d` loads it.
pub fn load_testdata(rel: &str, strict: bool) -> Result<kql_ingest::Loaded, IngestError> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel);
    let inputs = kql_ingest::find_files(&root)?
        .into_iter()
        .map(|f| kql_ingest::Input::new(SourceData::File(f)))
        .collect();
    kql_ingest::load(
        inputs,
        &IngestOptions {
            strict,
            ..Default::default()
        },
    )
}

pub fn table<'a>(loaded: &'a kql_ingest::Loaded, name: &str) -> &'a JsonTable {
    loaded
        .tables
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t)
        .unwrap_or_else(|| {
            let names: Vec<_> = loaded.tables.iter().map(|(n, _)| n.as_str()).collect();
            panic!("no table {name} in {names:?}")
        })
}

pub fn table_names(loaded: &kql_ingest::Loaded) -> Vec<&str> {
    loaded.tables.iter().map(|(n, _)| n.as_str()).collect()
}

/// `name:type` of every column, with Kusto type names, in schema order.
pub fn columns(table: &JsonTable) -> Vec<String> {
    table
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let ty = kql_functions::KustoType::from_arrow(f.data_type())
                .map_or("?", kql_functions::KustoType::name);
            format!("{}:{ty}", f.name())
        })
        .collect()
}

/// Scans a table of a load (tables are not `Clone`; the load is rebuilt).
pub async fn scan_ref(table: &JsonTable, cols: &[&str]) -> Vec<RecordBatch> {
    let ctx = SessionContext::new();
    let provider: Arc<dyn datafusion::catalog::TableProvider> = Arc::new(table.clone());
    let df = ctx.read_table(provider).expect("read_table");
    let df = if cols.is_empty() {
        df
    } else {
        df.select_columns(cols).expect("select")
    };
    df.collect().await.expect("collect")
}
