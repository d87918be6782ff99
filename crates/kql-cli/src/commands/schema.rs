//! `kql schema [TABLE]`: the columns of a table with their Kusto types, as the
//! planner sees them (so it matches what queries get).

use super::table_ref;
use crate::app::UsageError;
use crate::args::SchemaArgs;
use crate::data::open_session;
use crate::output::write_to;
use kql_engine::{KustoType, Session};
use std::io::Write;

pub fn run(args: SchemaArgs) -> anyhow::Result<()> {
    let session = open_session(&args.data)?;
    let described = describe(&session, args.table.as_deref())?;
    write_to(None, |out| {
        write_schema(out, &described, args.table.is_some())
    })
}

/// The columns of `table`, or of every table; an unknown table is a usage error.
pub fn describe(session: &Session, table: Option<&str>) -> anyhow::Result<Vec<Described>> {
    let names: Vec<String> = session.tables().into_iter().map(|(n, _)| n).collect();
    let selected = match table {
        Some(table) if names.iter().any(|n| n == table) => vec![table.to_string()],
        Some(table) => {
            return Err(UsageError(format!(
                "unknown table '{table}' (tables: {})",
                names.join(", ")
            ))
            .into());
        }
        None => names,
    };
    let mut described = Vec::with_capacity(selected.len());
    for name in selected {
        let columns = columns_of(session, &name)?;
        described.push((name, columns));
    }
    Ok(described)
}

/// A table and its (column, Kusto type) pairs.
pub type Described = (String, Vec<(String, String)>);

/// One table's columns bare, or every table's under its name.
pub fn write_schema(
    out: &mut dyn Write,
    described: &[Described],
    single: bool,
) -> anyhow::Result<()> {
    for (i, (name, columns)) in described.iter().enumerate() {
        let indent = if single { "" } else { "  " };
        if !single {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "{name}")?;
        }
        let width = columns.iter().map(|(c, _)| c.chars().count()).max();
        for (column, kind) in columns {
            let width = width.unwrap_or(0);
            writeln!(out, "{indent}{column:<width$}  {kind}")?;
        }
    }
    Ok(())
}

/// (column, Kusto type name) pairs of `table`, from planning a bare table reference.
pub fn columns_of(session: &Session, table: &str) -> anyhow::Result<Vec<(String, String)>> {
    let planned = session.plan(&table_ref(table))?;
    Ok(planned
        .plan
        .schema()
        .fields()
        .iter()
        .map(|field| {
            let data_type = field.data_type();
            let kind = KustoType::from_arrow(data_type)
                .map_or_else(|| format!("({data_type})"), |t| t.name().to_string());
            (field.name().clone(), kind)
        })
        .collect())
}
