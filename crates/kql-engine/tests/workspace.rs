//! `kql ingest` workspaces: the same answers as the raw logs, appends without
//! duplicates, interrupted runs invisible, time filters prune files.

use datafusion::arrow::util::pretty::pretty_format_batches;
use kql_engine::workspace::{self, MANIFEST};
use kql_engine::{IngestOptions, Session};
use std::path::{Path, PathBuf};

fn storage() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/storage")
}

fn ingest(source: &Path, dir: &Path) -> workspace::IngestSummary {
    let files = kql_engine::find_files(source).expect("files");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(workspace::ingest(&files, dir, &IngestOptions::default()))
        .expect("ingest")
}

fn raw(source: &Path) -> Session {
    let mut s = Session::new();
    s.load_path(source, None).expect("load");
    s
}

fn ws(dir: &Path) -> Session {
    let mut s = Session::new();
    s.load_workspace(dir).expect("workspace");
    s
}

/// A result as sorted text lines with its column types: equal answers in any row order.
fn answer(session: &Session, query: &str) -> (Vec<String>, Vec<String>) {
    let result = session
        .query_blocking(query)
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    let types = result
        .schema
        .fields()
        .iter()
        .map(|f| format!("{}: {}", f.name(), f.data_type()))
        .collect();
    let text = pretty_format_batches(&result.batches)
        .expect("format")
        .to_string();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.sort();
    (types, lines)
}

fn count(session: &Session, table: &str) -> String {
    answer(session, &format!("{table} | count")).1.join("\n")
}

#[test]
fn a_workspace_answers_as_the_raw_logs_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = ingest(&storage(), dir.path());
    assert!(summary.rows.values().sum::<usize>() > 0);
    let (a, b) = (raw(&storage()), ws(dir.path()));
    let names: Vec<String> = a.tables().into_iter().map(|(n, _)| n).collect();
    let ws_names: Vec<String> = b.tables().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ws_names);
    for table in &names {
        // Every row and column, with their types.
        let q = format!("['{table}']");
        assert_eq!(answer(&a, &q), answer(&b, &q), "{table}");
    }
    for q in [
        "ApiManagementGatewayLogs | summarize n = count(), t = avg(TotalTime) by ApiId, ResponseCode",
        "ApiManagementGatewayLogs | summarize count() by bin(TimeGenerated, 1h)",
        "ApiManagementGatewayLogs | where ResponseCode >= 400 | project TimeGenerated, ApiId, ResponseCode",
        "ApiManagementGatewayLogs | where TimeGenerated > datetime(2026-01-01) | count",
        "ApiManagementGatewayLlmLog | summarize sum(TotalTokens) by DeploymentName",
    ] {
        assert_eq!(answer(&a, q), answer(&b, q), "{q}");
    }
}

#[test]
fn ingesting_again_appends_only_new_blobs() {
    let src = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let gateway = storage().join("insights-logs-gatewaylogs");
    let files = kql_engine::find_files(&gateway).expect("files");
    std::fs::copy(&files[0], src.path().join("a.json")).expect("copy");
    let first = ingest(src.path(), dir.path());
    let before = count(&ws(dir.path()), "ApiManagementGatewayLogs");

    let again = ingest(src.path(), dir.path());
    assert_eq!(again.already_ingested, 1);
    assert!(again.rows.is_empty());
    assert_eq!(count(&ws(dir.path()), "ApiManagementGatewayLogs"), before);

    std::fs::copy(&files[1], src.path().join("b.json")).expect("copy");
    let third = ingest(src.path(), dir.path());
    assert_eq!(third.already_ingested, 1);
    let raw_both = count(&raw(src.path()), "ApiManagementGatewayLogs");
    assert_eq!(count(&ws(dir.path()), "ApiManagementGatewayLogs"), raw_both);
    assert_ne!(raw_both, before);
    assert!(first.files > 0 && third.files > 0);
}

#[test]
fn an_interrupted_run_is_invisible() {
    let dir = tempfile::tempdir().expect("tempdir");
    ingest(&storage(), dir.path());
    let before = count(&ws(dir.path()), "ApiManagementGatewayLogs");
    let manifest: workspace::Manifest =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(MANIFEST)).expect("read"))
            .expect("manifest");
    let file = manifest
        .files
        .iter()
        .find(|f| f.table == "ApiManagementGatewayLogs")
        .expect("a gateway file");
    let data = dir.path().join(&file.path);
    // A run killed while writing, and one killed between renaming and the manifest.
    let tmp = dir
        .path()
        .join(".kql-tmp-dead/ApiManagementGatewayLogs/day=2026-11-25");
    std::fs::create_dir_all(&tmp).expect("mkdir");
    std::fs::copy(&data, tmp.join("part-dead-0.parquet")).expect("copy");
    std::fs::copy(&data, data.with_file_name("part-orphan-0.parquet")).expect("copy");
    std::fs::write(data.with_file_name("part-half.parquet"), b"PAR1 truncated").expect("write");
    assert_eq!(count(&ws(dir.path()), "ApiManagementGatewayLogs"), before);
}

#[test]
fn a_time_filter_reads_fewer_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    ingest(&storage().join("insights-logs-gatewaylogs"), dir.path());
    let tables = workspace::open(dir.path()).expect("open");
    let (_, table) = tables
        .iter()
        .find(|(n, _)| n == "ApiManagementGatewayLogs")
        .expect("table");
    // The sample spans two days (2018-10-31 and 2026-11-25).
    assert_eq!(table.file_count(), 2);
    let mut session = Session::new();
    session.register_table("ApiManagementGatewayLogs", table.clone());
    session
        .query_blocking("ApiManagementGatewayLogs | count")
        .expect("count");
    assert_eq!(table.files_scanned(), 2);
    let r = session
        .query_blocking(
            "ApiManagementGatewayLogs | where TimeGenerated >= datetime(2026-11-25) | count",
        )
        .expect("filtered");
    assert_eq!(table.files_scanned(), 3);
    assert_eq!(r.row_count(), 1);
    session
        .query_blocking("ApiManagementGatewayLogs | where TimeGenerated between (datetime(2030-01-01) .. datetime(2030-01-02)) | count")
        .expect("none");
    assert_eq!(table.files_scanned(), 3);
    // The time picker (--from/--to) prunes the same way.
    let from = kql_engine::parse_datetime("2026-11-25").expect("datetime");
    session.set_time_range(Some(kql_engine::TimeRange {
        from: Some(from),
        to: None,
    }));
    session
        .query_blocking("ApiManagementGatewayLogs | count")
        .expect("picked");
    assert_eq!(table.files_scanned(), 4);
}
