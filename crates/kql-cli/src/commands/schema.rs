//! `kql schema [TABLE]`: the columns of a table with their Kusto types, as the
//! planner sees them (so it matches what queries get).

use super::table_ref;
use crate::app::UsageError;
use crate::args::SchemaArgs;
use crate::data::open_session;
use crate::output::write_to;
use kql_engine::{KustoType, Session};

pub fn run(args: SchemaArgs) -> anyhow::Result<()> {
    let session = open_session(&args.data)?;
    let names: Vec<String> = session.tables().into_iter().map(|(n, _)| n).collect();
    let selected = match &args.table {
        Some(table) if names.contains(table) => vec![table.clone()],
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
        let columns = columns_of(&session, &name)?;
        described.push((name, columns));
    }

    let single = args.table.is_some();
    write_to(None, |out| {
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
    })
}

/// (column, Kusto type name) pairs of `table`, from planning a bare table reference.
fn columns_of(session: &Session, table: &str) -> anyhow::Result<Vec<(String, String)>> {
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
