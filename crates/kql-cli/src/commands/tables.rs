//! `kql tables`: every loaded table with its row count and where it came from.

use super::table_ref;
use crate::args::TablesArgs;
use crate::data::open_session;
use crate::output::write_to;
use datafusion::arrow::array::{Array as _, AsArray as _};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use kql_engine::Session;
use std::io::Write;

pub async fn run(args: TablesArgs) -> anyhow::Result<()> {
    let session = open_session(&args.data)?;
    let rows = table_rows(&session).await?;
    write_to(None, |out| write_tables(out, &rows))
}

/// (name, row count, sources) of every table.
pub async fn table_rows(session: &Session) -> anyhow::Result<Vec<(String, String, Vec<String>)>> {
    let mut rows = Vec::new();
    for (name, sources) in session.tables() {
        let count = row_count(session, &name).await?;
        rows.push((name, count.to_string(), sources));
    }
    Ok(rows)
}

/// The table listing: name, rows, and sources one per line.
pub fn write_tables(
    out: &mut dyn Write,
    rows: &[(String, String, Vec<String>)],
) -> anyhow::Result<()> {
    let name_width = rows
        .iter()
        .map(|(n, _, _)| n.chars().count())
        .chain(["TABLE".len()])
        .max()
        .unwrap_or(0);
    let count_width = rows
        .iter()
        .map(|(_, c, _)| c.len())
        .chain(["ROWS".len()])
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "{:<name_width$}  {:>count_width$}  SOURCES",
        "TABLE", "ROWS"
    )?;
    for (name, count, sources) in rows {
        let mut sources = sources.iter();
        let first = sources.next().map_or("", String::as_str);
        writeln!(out, "{name:<name_width$}  {count:>count_width$}  {first}")?;
        // Further files of the same table line up under the first one.
        for source in sources {
            writeln!(out, "{:<name_width$}  {:>count_width$}  {source}", "", "")?;
        }
    }
    Ok(())
}

/// Rows in `table`, by running `T | count` like a user would.
async fn row_count(session: &Session, table: &str) -> anyhow::Result<i64> {
    let result = session
        .query(&format!("{} | count", table_ref(table)))
        .await?;
    let batch = result
        .batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .ok_or_else(|| anyhow::anyhow!("`{table} | count` returned no rows"))?;
    // `count` is a long in Kusto; casting tolerates any integer type the planner picks.
    let column = cast(batch.column(0), &DataType::Int64)?;
    let counts = column.as_primitive::<Int64Type>();
    if counts.is_null(0) {
        anyhow::bail!("`{table} | count` returned null");
    }
    Ok(counts.value(0))
}
