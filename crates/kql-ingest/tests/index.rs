//! The load index: a load that reuses it must give exactly what reading
//! the files gives — tables, schemas, reports and every value — and must
//! not be used for a file that changed or an entry that is damaged.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use datafusion::arrow::util::pretty::pretty_format_batches;
use kql_ingest::{IngestOptions, Input, Loaded, SourceData};

/// A copy of every kind of testdata (storage blobs, Event Hubs batches,
/// exports, bad files), so files can be changed without touching the repo.
fn copy_testdata(to: &Path) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let mut out = Vec::new();
    for rel in ["storage", "eventhubs", "la-export", "openai", "bad"] {
        for f in kql_ingest::find_files(&root.join(rel)).expect("find") {
            let dest = to.join(f.strip_prefix(&root).expect("under testdata"));
            std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&f, &dest).expect("copy");
            out.push(dest);
        }
    }
    out
}

fn inputs(files: &[PathBuf]) -> Vec<Input> {
    files
        .iter()
        .map(|f| Input::new(SourceData::File(f.clone())))
        .collect()
}

fn load(files: &[PathBuf], index: Option<&Path>) -> Loaded {
    let opts = IngestOptions::default();
    match index {
        Some(dir) => kql_ingest::load_indexed(inputs(files), &opts, dir),
        None => kql_ingest::load(inputs(files), &opts),
    }
    .expect("load")
}

/// Everything a load gives, as text: tables, columns, reports, all values.
async fn everything(loaded: &Loaded) -> String {
    let mut out = format!("{:#?}\n", loaded.reports);
    for (name, table) in &loaded.tables {
        out += &format!("== {name} {:?}\n", columns(table));
        let batches = scan_ref(table, &[]).await;
        out += &pretty_format_batches(&batches).expect("format").to_string();
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn an_indexed_load_gives_what_reading_the_files_gives() {
    let data = tempfile::tempdir().expect("tempdir");
    let index = tempfile::tempdir().expect("tempdir");
    let files = copy_testdata(data.path());

    let plain = everything(&load(&files, None)).await;
    let cold = everything(&load(&files, Some(index.path()))).await;
    let entries = std::fs::read_dir(index.path()).expect("index dir").count();
    assert!(entries > 0, "the first load writes the index");
    let warm = everything(&load(&files, Some(index.path()))).await;
    assert_eq!(cold, plain);
    assert_eq!(warm, plain);
    assert!(plain.contains("skipped"), "bad files are part of the check");
}

#[tokio::test]
async fn a_changed_file_is_read_again() {
    let data = tempfile::tempdir().expect("tempdir");
    let index = tempfile::tempdir().expect("tempdir");
    let file = data.path().join("gw.json");
    let record = |id: &str| {
        format!(
            "{{\"time\":\"2026-11-25T10:00:00Z\",\"category\":\"GatewayLogs\",\"durationMs\":5,\"correlationId\":\"{id}\",\"properties\":{{\"apiId\":\"a\"}}}}\n"
        )
    };
    std::fs::write(&file, record("one")).expect("write");
    let files = vec![file.clone()];
    let first = load(&files, Some(index.path()));
    assert_eq!(first.reports[0].1.records, 1);
    // Same size, new content and time: the entry must not be trusted.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&file, record("two") + &record("333")).expect("rewrite");
    let second = load(&files, Some(index.path()));
    assert_eq!(second.reports[0].1.records, 2);
    let (_, t) = &second.tables[0];
    let ids = column(&scan_ref(t, &["CorrelationId"]).await, "CorrelationId");
    assert_eq!(ids, some(&["two", "333"]));
}

#[tokio::test]
async fn a_damaged_entry_is_ignored() {
    let data = tempfile::tempdir().expect("tempdir");
    let index = tempfile::tempdir().expect("tempdir");
    let files = copy_testdata(data.path());
    let plain = everything(&load(&files, None)).await;
    load(&files, Some(index.path()));
    for entry in std::fs::read_dir(index.path()).expect("index dir") {
        let path = entry.expect("entry").path();
        let mut bytes = std::fs::read(&path).expect("read");
        let keep = bytes.len() / 2;
        bytes.truncate(keep);
        std::fs::write(&path, bytes).expect("damage");
    }
    assert_eq!(everything(&load(&files, Some(index.path()))).await, plain);
}

#[tokio::test]
async fn an_unchanged_file_is_not_read_again() {
    let data = tempfile::tempdir().expect("tempdir");
    let index = tempfile::tempdir().expect("tempdir");
    let file = data.path().join("t.json");
    std::fs::write(&file, "{\"a\":\"1234567\"}\n").expect("write");
    let files = vec![file.clone()];
    let when = std::fs::metadata(&file)
        .expect("meta")
        .modified()
        .expect("mtime");
    assert_eq!(load(&files, Some(index.path())).reports[0].1.records, 1);
    // Same size and time, different records: only a load that trusts its
    // index still sees one record — which is how this test knows the index
    // was used (a real change of content also changes the time).
    std::fs::write(&file, "{\"a\":1}\n{\"a\":2}\n").expect("rewrite");
    std::fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_modified(when))
        .expect("set mtime");
    assert_eq!(load(&files, Some(index.path())).reports[0].1.records, 1);
    assert_eq!(load(&files, None).reports[0].1.records, 2);
}

#[cfg(unix)]
#[tokio::test]
async fn the_same_file_under_another_name_is_routed_by_that_name() {
    let data = tempfile::tempdir().expect("tempdir");
    let index = tempfile::tempdir().expect("tempdir");
    let folder = data.path().join("insights-logs-gatewaylogs").join("y=2026");
    std::fs::create_dir_all(&folder).expect("mkdir");
    // No category: only the container the blob sits in names its table.
    let blob = folder.join("PT1H.json");
    std::fs::write(
        &blob,
        "{\"time\":\"2026-11-25T10:00:00Z\",\"durationMs\":5}\n",
    )
    .expect("write");
    let link = data.path().join("other.json");
    std::os::unix::fs::symlink(&blob, &link).expect("symlink");

    let names = |l: &Loaded| {
        table_names(l)
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let by_blob = load(std::slice::from_ref(&blob), Some(index.path()));
    assert_eq!(names(&by_blob), ["ApiManagementGatewayLogs"]);
    let by_link = load(std::slice::from_ref(&link), Some(index.path()));
    assert_eq!(names(&by_link), names(&load(&[link], None)));
    assert_eq!(names(&by_link), ["other"]);
}
