//! Builds the session every command works on: loads `-d`/`-t` sources (or the
//! bundled sample), applies the time picker and pinned clock, and tells the
//! user about records that could not be read.

use crate::app::{UsageError, note};
use crate::args::{DataArgs, TimeArgs};
use crate::progress;
use kql_engine::{IngestReport, Session, TimeRange};
use std::path::Path;

/// How many skipped records are listed per table; the count covers the rest.
const SKIPS_SHOWN: usize = 5;

/// A session with the requested tables loaded, warnings already printed.
pub fn open_session(args: &DataArgs) -> anyhow::Result<Session> {
    let mut session = Session::new();
    session.set_strict(args.strict);
    // A folder of logs is usually queried again and again: the first pass
    // over each file is kept (KQL_CACHE=off turns this off).
    session.set_index(true);
    if let Some(dir) = &args.workspace {
        session.load_workspace(dir)?;
    }
    if args.is_empty() && Path::new(kql_engine::workspace::MANIFEST).is_file() {
        // `cd` into a workspace and query it, as `-d .` would query a log folder.
        session.load_workspace(Path::new("."))?;
    } else if args.is_empty() {
        note(
            "kql: no data given (-d/-t); querying the bundled sample logs \
             (tables: ApiManagementGatewayLogs, ApiManagementGatewayLlmLog)",
        );
        session.load_sample()?;
    } else {
        for path in &args.data {
            load(&mut session, path, None)?;
        }
        for (name, path) in &args.tables {
            load(&mut session, path, Some(name))?;
        }
    }
    warn_about_skips(&merged_reports(session.reports()));
    Ok(session)
}

/// [`open_session`], then the time range and clock of `time`.
pub fn open_query_session(data: &DataArgs, time: &TimeArgs) -> anyhow::Result<Session> {
    let mut session = open_session(data)?;
    apply_time(&mut session, time)?;
    Ok(session)
}

/// Pins the clock and sets the portal-style time range.
pub fn apply_time(session: &mut Session, time: &TimeArgs) -> Result<(), UsageError> {
    session.set_now(time.now);
    let range = time_range(time, session.now())?;
    session.set_time_range(range);
    Ok(())
}

/// The window `--timespan`/`--from`/`--to` pick: a span ends at `--to`, or
/// starts at `--from`, or else ends now, as the portal's "Last 24 hours" does.
pub fn time_range(time: &TimeArgs, now: i64) -> Result<Option<TimeRange>, UsageError> {
    let range = match (time.timespan, time.from, time.to) {
        (None, None, None) => return Ok(None),
        (Some(_), Some(_), Some(_)) => {
            return Err(UsageError(
                "--timespan with both --from and --to over-determines the window; give two of them"
                    .into(),
            ));
        }
        (Some(span), Some(from), None) => TimeRange {
            from: Some(from),
            to: Some(from.saturating_add(span)),
        },
        (Some(span), None, Some(to)) => TimeRange {
            from: Some(to.saturating_sub(span)),
            to: Some(to),
        },
        (Some(span), None, None) => TimeRange::last(span, now),
        (None, from, to) => TimeRange { from, to },
    };
    if let (Some(from), Some(to)) = (range.from, range.to)
        && from >= to
    {
        return Err(UsageError(
            "--from must be before --to (the window would be empty)".into(),
        ));
    }
    Ok(Some(range))
}

/// Loads a file or folder; a large one in parts behind a progress bar when
/// stderr is a terminal.
fn load(session: &mut Session, path: &Path, name: Option<&str>) -> anyhow::Result<()> {
    let Some(bar) = progress::for_files(path) else {
        session.load_path(path, name)?;
        return Ok(());
    };
    for (part, bytes) in bar.parts() {
        session.load_files(part, name)?;
        bar.advance(bytes);
    }
    bar.finish();
    Ok(())
}

/// Skipped records and values that could not be stored change query answers
/// silently, so each table that lost any gets a warning with the first few
/// reasons (file, line, reason); notes (an empty file, a field whose type
/// changes) follow, as they explain a schema rather than a loss.
pub fn warn_about_skips(reports: &[(String, IngestReport)]) {
    for (table, report) in reports {
        let sections = [
            (
                report.skipped_count,
                &report.skipped,
                format!(
                    "kql: warning: skipped {} record(s) in {table}",
                    report.skipped_count
                ),
            ),
            (
                report.value_issue_count,
                &report.value_issues,
                format!(
                    "kql: warning: {} value(s) in {table} could not be stored as written",
                    report.value_issue_count
                ),
            ),
            (
                report.note_count,
                &report.notes,
                format!(
                    "kql: note: {table}: {} remark(s) on the input",
                    report.note_count
                ),
            ),
        ];
        for (count, details, headline) in sections {
            if count == 0 {
                continue;
            }
            note(&headline);
            for issue in details.iter().take(SKIPS_SHOWN) {
                note(&format!("  {issue}"));
            }
            let listed = details.len().min(SKIPS_SHOWN);
            if count > listed {
                note(&format!(
                    "  … and {} more (--strict stops at the first skip)",
                    count - listed
                ));
            }
        }
    }
}

/// One report per table: a folder loaded in parts has one per part and table.
pub fn merged_reports(reports: &[(String, IngestReport)]) -> Vec<(String, IngestReport)> {
    let mut tables: Vec<(String, IngestReport)> = Vec::new();
    for (table, report) in reports {
        match tables.iter_mut().find(|(t, _)| t == table) {
            Some((_, merged)) => merged.merge(report.clone()),
            None => tables.push((table.clone(), report.clone())),
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000_000_000;

    fn window(
        timespan: Option<i64>,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Result<Option<TimeRange>, String> {
        let args = TimeArgs {
            timespan,
            from,
            to,
            now: None,
        };
        time_range(&args, 100 * HOUR).map_err(|e| e.0)
    }

    #[test]
    fn a_span_ends_now_unless_anchored() {
        let r = |from, to| Ok(Some(TimeRange { from, to }));
        assert_eq!(window(None, None, None), Ok(None));
        assert_eq!(
            window(Some(24 * HOUR), None, None),
            r(Some(76 * HOUR), Some(100 * HOUR))
        );
        assert_eq!(
            window(Some(HOUR), Some(10 * HOUR), None),
            r(Some(10 * HOUR), Some(11 * HOUR))
        );
        assert_eq!(
            window(Some(HOUR), None, Some(10 * HOUR)),
            r(Some(9 * HOUR), Some(10 * HOUR))
        );
        assert_eq!(window(None, Some(HOUR), None), r(Some(HOUR), None));
    }

    #[test]
    fn contradictory_windows_are_usage_errors() {
        assert!(window(Some(HOUR), Some(HOUR), Some(2 * HOUR)).is_err());
        assert!(window(None, Some(2 * HOUR), Some(HOUR)).is_err());
        assert!(window(None, Some(HOUR), Some(HOUR)).is_err());
    }
}
