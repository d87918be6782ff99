//! Folder and file discovery.

use std::fs;
use std::path::{Path, PathBuf};

use kql_ingest::{IngestError, discover};

fn touch(root: &Path, rel: &str) -> PathBuf {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, "{}\n").unwrap();
    path
}

#[test]
fn folders_are_walked_and_grouped_by_stem() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let a1 = touch(root, "b/2024/ApiManagementGatewayLogs.json");
    let a2 = touch(root, "a/ApiManagementGatewayLogs.json.gz");
    let a3 = touch(root, "ApiManagementGatewayLogs.ndjson");
    let l = touch(root, "deep/er/still/ApiManagementGatewayLlmLog.JSONL");
    touch(root, "notes.txt");
    touch(root, "x.gz");
    touch(root, ".hidden/Secret.json");
    touch(root, ".Dot.json");

    let found = discover(root).unwrap();
    let mut first = vec![a3, a2, a1];
    first.sort();
    assert_eq!(
        found,
        vec![
            ("ApiManagementGatewayLlmLog".to_owned(), vec![l]),
            ("ApiManagementGatewayLogs".to_owned(), first),
        ]
    );
}

#[test]
fn a_file_is_one_table() {
    let dir = tempfile::tempdir().unwrap();
    let f = touch(dir.path(), "ApiManagementGatewayLogs.json.gz");
    assert_eq!(
        discover(&f).unwrap(),
        vec![("ApiManagementGatewayLogs".to_owned(), vec![f])]
    );
    // Named explicitly, any extension is accepted.
    let f = touch(dir.path(), "export.log");
    assert_eq!(discover(&f).unwrap(), vec![("export".to_owned(), vec![f])]);
}

#[test]
fn nothing_to_find() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "readme.md");
    assert!(matches!(
        discover(dir.path()),
        Err(IngestError::NoData { .. })
    ));
    assert!(matches!(
        discover(&dir.path().join("missing")),
        Err(IngestError::Io { .. })
    ));
}
