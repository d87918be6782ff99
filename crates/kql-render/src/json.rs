//! JSON and NDJSON, written row by row so a large result is never held twice.

use crate::RenderError;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::Schema;
use kql_functions::KustoType;
use kql_functions::format::cell_to_json;
use kql_functions::visualization::Visualization;
use serde_json::{Map, Value, json};
use std::io::Write;

/// `{"columns":[{"name":…,"type":…}],"rows":[[…]],"visualization":{…}}` and a
/// newline; `visualization` only when the query had a `render`.
pub(crate) fn write(
    out: &mut dyn Write,
    schema: &Schema,
    batches: &[RecordBatch],
    visualization: Option<&Visualization>,
) -> Result<(), RenderError> {
    let mut columns = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let kusto = KustoType::from_arrow(field.data_type()).ok_or_else(|| {
            RenderError::UnsupportedType {
                column: field.name().clone(),
                data_type: field.data_type().clone(),
            }
        })?;
        columns.push(json!({ "name": field.name(), "type": kusto.name() }));
    }
    out.write_all(b"{\"columns\":")?;
    serde_json::to_writer(&mut *out, &columns)?;
    out.write_all(b",\"rows\":[")?;
    let mut first = true;
    let mut cells = Vec::with_capacity(columns.len());
    for batch in batches {
        for row in 0..batch.num_rows() {
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            cells.clear();
            cells.extend(
                batch
                    .columns()
                    .iter()
                    .map(|column| cell_to_json(column.as_ref(), row)),
            );
            serde_json::to_writer(&mut *out, &cells)?;
        }
    }
    out.write_all(b"]")?;
    if let Some(vis) = visualization {
        let properties: Map<String, Value> = vis.properties.iter().cloned().collect();
        out.write_all(b",\"visualization\":")?;
        serde_json::to_writer(
            &mut *out,
            &json!({ "kind": vis.kind, "properties": properties }),
        )?;
    }
    out.write_all(b"}\n")?;
    Ok(())
}

/// One object per row, keys in column order. Written by hand rather than through
/// a `Map` so that duplicate column names are all kept.
pub(crate) fn write_ndjson(
    out: &mut dyn Write,
    schema: &Schema,
    batches: &[RecordBatch],
) -> Result<(), RenderError> {
    let keys: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| serde_json::to_string(f.name()))
        .collect::<Result<_, _>>()?;
    for batch in batches {
        for row in 0..batch.num_rows() {
            out.write_all(b"{")?;
            for (i, (key, column)) in keys.iter().zip(batch.columns()).enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(key.as_bytes())?;
                out.write_all(b":")?;
                serde_json::to_writer(&mut *out, &cell_to_json(column.as_ref(), row))?;
            }
            out.write_all(b"}\n")?;
        }
    }
    Ok(())
}
