//! Builds the session every command works on: loads `-d`/`-t` sources (or the
//! bundled sample) and tells the user about records that could not be read.

use crate::app::note;
use crate::args::DataArgs;
use kql_engine::Session;

/// How many skipped records are listed per table; the count covers the rest.
const SKIPS_SHOWN: usize = 5;

/// A session with the requested tables loaded, warnings already printed.
pub fn open_session(args: &DataArgs) -> anyhow::Result<Session> {
    let mut session = Session::new();
    session.set_strict(args.strict);
    if args.is_empty() {
        note(
            "kql: no data given (-d/-t); querying the bundled sample logs \
             (tables: ApiManagementGatewayLogs, ApiManagementGatewayLlmLog)",
        );
        session.load_sample()?;
    } else {
        for path in &args.data {
            session.load_path(path, None)?;
        }
        for (name, path) in &args.tables {
            session.load_path(path, Some(name))?;
        }
    }
    warn_about_skips(&session);
    Ok(session)
}

/// Skipped records and values that could not be stored change query answers
/// silently, so each table that lost any gets a warning with the first few
/// reasons (file, line, reason); notes (an empty file, a field whose type
/// changes) follow, as they explain a schema rather than a loss.
fn warn_about_skips(session: &Session) {
    for (table, report) in session.reports() {
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
