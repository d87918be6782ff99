//! `kql ingest SOURCE… --into DIR`: converts logs into a Parquet workspace
//! (see `kql_engine::workspace`) and prints what it appended.

use crate::app::note;
use crate::args::IngestArgs;
use crate::data::{merged_reports, warn_about_skips};
use crate::progress;
use anyhow::Context as _;
use kql_engine::IngestOptions;
use kql_engine::workspace::{self, IngestSummary};
use std::path::PathBuf;

pub async fn run(args: IngestArgs) -> anyhow::Result<()> {
    let options = IngestOptions {
        strict: args.strict,
        ..IngestOptions::default()
    };
    let mut total = IngestSummary::default();
    for source in &args.sources {
        // Large folders go in parts behind a bar; each part is its own atomic
        // run, so an interruption keeps every part finished before it.
        let parts: Vec<Vec<PathBuf>> = match progress::for_files(source) {
            Some(bar) => {
                for (part, bytes) in bar.parts() {
                    let summary = workspace::ingest(&part, &args.into, &options).await?;
                    add(&mut total, summary);
                    bar.advance(bytes);
                }
                bar.finish();
                Vec::new()
            }
            None => {
                let files = kql_engine::find_files(source)
                    .with_context(|| format!("cannot read '{}'", source.display()))?;
                if files.is_empty() {
                    anyhow::bail!(crate::app::UsageError(format!(
                        "no log files found in '{}'",
                        source.display()
                    )));
                }
                vec![files]
            }
        };
        for part in parts {
            let summary = workspace::ingest(&part, &args.into, &options).await?;
            add(&mut total, summary);
        }
    }
    warn_about_skips(&merged_reports(&total.reports));
    for path in &total.changed {
        note(&format!(
            "kql: warning: {path} changed since it was ingested; skipped \
             (ingesting it again would duplicate its earlier records)"
        ));
    }
    let appended: usize = total.rows.values().sum();
    println!(
        "{} record(s) appended to {} in {} file(s); {} source file(s) already ingested",
        appended,
        args.into.display(),
        total.files,
        total.already_ingested
    );
    for (table, rows) in &total.rows {
        println!("  {table}: {rows} record(s)");
    }
    for (table, report) in merged_reports(&total.reports) {
        if report.skipped_count > 0 {
            println!("  {table}: {} record(s) skipped", report.skipped_count);
        }
    }
    Ok(())
}

fn add(total: &mut IngestSummary, part: IngestSummary) {
    for (table, n) in part.rows {
        *total.rows.entry(table).or_default() += n;
    }
    total.files += part.files;
    total.already_ingested += part.already_ingested;
    total.changed.extend(part.changed);
    total.reports.extend(part.reports);
}
