//! `kql query`: run one query and print its result.

use crate::app::{UsageError, note};
use crate::args::QueryArgs;
use crate::data::open_query_session;
use crate::output::{table_width, write_to};
use kql_render::{OutputFormat, RenderOptions, write_result};
use std::io::Read as _;
use std::path::Path;

pub async fn run(args: QueryArgs) -> anyhow::Result<()> {
    let format: OutputFormat = args
        .format
        .parse()
        .map_err(|e: kql_render::ParseOutputFormatError| UsageError(e.to_string()))?;
    let is_table = format == OutputFormat::Table;
    if let Some(path) = &args.output {
        reject_chart_file(path)?;
    }
    // Read the query before loading data so a typo in -q fails fast.
    let text = query_text(&args)?;
    let session = open_query_session(&args.data, &args.time)?;
    let Some(result) = super::run::execute(&session, &text, &args.params, args.explain).await?
    else {
        return Ok(());
    };

    let options = RenderOptions {
        max_width: table_width(args.output.as_deref()),
        visualization: result.visualization.as_ref(),
    };
    write_to(args.output.as_deref(), |out| {
        write_result(out, &result.schema, &result.batches, format, &options)
            .map_err(|e| anyhow::Error::new(e).context("cannot print the result"))
    })?;

    if is_table {
        if let Some(chart) = &result.visualization {
            note(&format!(
                "kql: the query renders a {}; charts are not drawn yet (the table is shown)",
                chart.kind
            ));
        }
        let rows = result.row_count();
        note(&format!(
            "({rows} {})",
            if rows == 1 { "row" } else { "rows" }
        ));
    }
    Ok(())
}

/// Image outputs need the chart renderer, which does not exist yet; saying so
/// beats writing a text table into a file named `.png`.
fn reject_chart_file(path: &Path) -> Result<(), UsageError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png" | "svg") => Err(UsageError(format!(
            "charts are not supported yet (cannot write '{}'); use -f table|csv|json|ndjson",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// The query from the argument, `-q FILE`, or stdin (`-` in either place).
fn query_text(args: &QueryArgs) -> Result<String, UsageError> {
    let text = match (&args.query, &args.query_file) {
        (Some(q), _) if q == "-" => read_stdin()?,
        (Some(q), _) => q.clone(),
        (None, Some(file)) if file.as_os_str() == "-" => read_stdin()?,
        (None, Some(file)) => std::fs::read_to_string(file)
            .map_err(|e| UsageError(format!("cannot read query file '{}': {e}", file.display())))?,
        (None, None) => {
            return Err(UsageError(
                "no query given (pass it as an argument, with -q FILE, or '-' for stdin)".into(),
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(UsageError("the query is empty".into()));
    }
    Ok(text)
}

fn read_stdin() -> Result<String, UsageError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| UsageError(format!("cannot read the query from stdin: {e}")))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_outputs_are_refused() {
        assert!(reject_chart_file(Path::new("out.PNG")).is_err());
        assert!(reject_chart_file(Path::new("out.svg")).is_err());
        assert!(reject_chart_file(Path::new("out.csv")).is_ok());
        assert!(reject_chart_file(Path::new("out")).is_ok());
    }
}
