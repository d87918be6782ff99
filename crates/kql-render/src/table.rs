//! The human-readable table.

use crate::RenderError;
use comfy_table::presets::ASCII_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::Schema;
use kql_functions::KustoType;
use kql_functions::format::cell_to_text;
use std::io::Write;

pub(crate) fn write(
    out: &mut dyn Write,
    schema: &Schema,
    batches: &[RecordBatch],
    max_width: Option<u16>,
) -> Result<(), RenderError> {
    if schema.fields().is_empty() {
        return Ok(());
    }
    let mut table = Table::new();
    // Plain ASCII renders the same in every terminal, file and pipe; the caller
    // picks the width, so comfy-table must not probe whichever stdout it sees.
    table.load_preset(ASCII_FULL_CONDENSED).force_no_tty();
    match max_width {
        Some(width) => table
            .set_width(width)
            .set_content_arrangement(ContentArrangement::Dynamic),
        None => table.set_content_arrangement(ContentArrangement::Disabled),
    };
    table.set_header(schema.fields().iter().map(|f| Cell::new(f.name())));
    for batch in batches {
        for row in 0..batch.num_rows() {
            table.add_row(
                batch
                    .columns()
                    .iter()
                    .map(|column| Cell::new(printable(cell_to_text(column.as_ref(), row)))),
            );
        }
    }
    for (index, field) in schema.fields().iter().enumerate() {
        let numeric = KustoType::from_arrow(field.data_type()).is_some_and(KustoType::is_numeric);
        if let (true, Some(column)) = (numeric, table.column_mut(index)) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{table}")?;
    Ok(())
}

/// Escapes control characters other than newline: a tab or carriage return would
/// break the column layout, and an escape sequence from the data would be
/// interpreted by the terminal.
fn printable(text: String) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return text;
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
