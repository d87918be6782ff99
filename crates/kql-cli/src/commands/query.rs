//! `kql query`: run one query and print its result.

use crate::app::{UsageError, note};
use crate::args::QueryArgs;
use crate::data::open_query_session;
use crate::output::{rows_note, table_width, write_results, write_to};
use anyhow::Context as _;
use kql_engine::QueryResult;
use kql_render::{ChartError, ChartFormat, ChartOptions, OutputFormat, write_chart};
use std::io::Read as _;
use std::path::Path;

pub async fn run(args: QueryArgs) -> anyhow::Result<()> {
    let format: OutputFormat = args
        .format
        .parse()
        .map_err(|e: kql_render::ParseOutputFormatError| UsageError(e.to_string()))?;
    let is_table = format == OutputFormat::Table;
    let chart = args.output.as_deref().and_then(ChartFormat::from_path);
    // Read the query before loading data so a typo in -q fails fast.
    let text = query_text(&args)?;
    let session = open_query_session(&args.data, &args.time)?;
    let Some(result) = super::run::execute(&session, &text, &args.params, args.explain).await?
    else {
        return Ok(());
    };
    if let (Some(chart), Some(path)) = (chart, args.output.as_deref()) {
        let size = ChartOptions {
            width: args.width,
            height: args.height,
        };
        return write_chart_file(path, chart, size, &result);
    }

    let max_width = table_width(args.output.as_deref());
    write_to(args.output.as_deref(), |out| {
        write_results(out, &result, format, max_width).context("cannot print the result")
    })?;

    if is_table {
        if let Some(chart) = &result.visualization {
            note(&format!(
                "kql: the query renders a {}; add -o FILE.png or -o FILE.svg to draw it",
                chart.kind
            ));
        }
        note(&rows_note(&result));
    }
    Ok(())
}

/// Draws the chart into memory first, so a failure leaves no half-written image.
fn write_chart_file(
    path: &Path,
    format: ChartFormat,
    size: ChartOptions,
    result: &QueryResult,
) -> anyhow::Result<()> {
    let mut image = Vec::new();
    let visualization = result.visualization.as_ref();
    let info = write_chart(
        &mut image,
        &result.schema,
        &result.batches,
        visualization,
        format,
        size,
    )
    .map_err(|e| match e {
        // A render property naming a missing column is the query's mistake.
        ChartError::UnknownColumn { .. } | ChartError::NotNumeric(_) | ChartError::Size { .. } => {
            anyhow::Error::new(UsageError(e.to_string()))
        }
        other => anyhow::Error::new(other).context("cannot draw the chart"),
    })?;
    write_to(Some(path), |out| Ok(out.write_all(&image)?))?;
    if visualization.is_none() {
        note(
            "kql: the query has no `render`; the result is drawn as a table (end it with e.g. `| render timechart`)",
        );
    }
    for message in &info.notes {
        note(&format!("kql: {message}"));
    }
    note(&format!(
        "kql: drew the {} ({}×{}) into '{}'",
        info.spec.kind,
        size.width,
        size.height,
        path.display()
    ));
    Ok(())
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
    fn image_outputs_are_recognised_by_extension() {
        assert_eq!(
            ChartFormat::from_path(Path::new("out.PNG")),
            Some(ChartFormat::Png)
        );
        assert_eq!(
            ChartFormat::from_path(Path::new("out.svg")),
            Some(ChartFormat::Svg)
        );
        assert_eq!(ChartFormat::from_path(Path::new("out.csv")), None);
        assert_eq!(ChartFormat::from_path(Path::new("out")), None);
    }
}
