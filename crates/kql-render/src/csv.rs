//! CSV with a header row, quoted as RFC 4180 says. Lines end in `\n`, as most
//! Unix tools expect; RFC 4180 readers accept that too.

use crate::RenderError;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::Schema;
use kql_functions::format::cell_to_text;
use std::io::Write;

pub(crate) fn write(
    out: &mut dyn Write,
    schema: &Schema,
    batches: &[RecordBatch],
) -> Result<(), RenderError> {
    // With no columns every line would be empty, which reads back as one empty
    // column; printing nothing is the honest CSV for that.
    if schema.fields().is_empty() {
        return Ok(());
    }
    write_record(out, schema.fields().iter().map(|f| f.name().as_str()))?;
    for batch in batches {
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = batch
                .columns()
                .iter()
                .map(|column| cell_to_text(column.as_ref(), row))
                .collect();
            write_record(out, cells.iter().map(String::as_str))?;
        }
    }
    Ok(())
}

fn write_record<'a>(
    out: &mut dyn Write,
    fields: impl Iterator<Item = &'a str>,
) -> std::io::Result<()> {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_field(out, field)?;
    }
    out.write_all(b"\n")
}

fn write_field(out: &mut dyn Write, field: &str) -> std::io::Result<()> {
    if field.contains([',', '"', '\r', '\n']) {
        out.write_all(b"\"")?;
        out.write_all(field.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(field.as_bytes())
    }
}
