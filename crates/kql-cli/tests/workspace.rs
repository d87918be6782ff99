//! `kql ingest` then `kql query --workspace`: the same answers as `-d`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn storage() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/storage")
}

fn kql(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kql"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run kql")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "kql failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn ingest_then_query_the_workspace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let src = storage();
    let (src, ws_s) = (src.to_str().expect("utf-8"), ws.to_str().expect("utf-8"));
    let here = dir.path();

    let first = stdout(&kql(&["ingest", src, "--into", ws_s], here));
    assert!(
        first.contains("ApiManagementGatewayLogs: 123 record(s)"),
        "{first}"
    );
    assert!(ws.join("_kql_manifest.json").is_file());
    let again = stdout(&kql(&["ingest", src, "--into", ws_s], here));
    assert!(again.starts_with("0 record(s) appended"), "{again}");

    for q in [
        "ApiManagementGatewayLogs | summarize n = count() by ApiId, ResponseCode | sort by ApiId asc, ResponseCode asc",
        "ApiManagementGatewayLlmLog | summarize sum(TotalTokens) by bin(TimeGenerated, 1h) | sort by TimeGenerated asc",
        "AzureDiagnostics | count",
    ] {
        let raw = stdout(&kql(&["query", "-f", "csv", "-d", src, q], here));
        let from_ws = stdout(&kql(&["query", "-f", "csv", "--workspace", ws_s, q], here));
        assert_eq!(raw, from_ws, "{q}");
        // A workspace in the current folder is found without --workspace.
        let from_cwd = stdout(&kql(&["query", "-f", "csv", q], &ws));
        assert_eq!(raw, from_cwd, "{q}");
    }
}

#[test]
fn a_missing_workspace_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = kql(&["query", "--workspace", "nowhere", "print 1"], dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("_kql_manifest.json"), "{err}");
}
