//! The `kql` binary over the Azure log samples in `testdata/`, run from the
//! repository root as the README's examples are.

use std::path::Path;
use std::process::{Command, Output};

const KQL: &str = env!("CARGO_BIN_EXE_kql");

fn kql(args: &[&str]) -> Output {
    Command::new(KQL)
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .env_remove("COLUMNS")
        .output()
        .expect("run kql")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

#[test]
fn query_a_storage_archive() {
    let out = kql(&[
        "query",
        "-d",
        "testdata/storage",
        "-f",
        "csv",
        "ApiManagementGatewayLogs | where ResponseCode == 429 | summarize count() by LastErrorReason | order by LastErrorReason asc",
    ]);
    ok(&out);
    assert_eq!(
        stdout(&out),
        "LastErrorReason,count_\n,2\nRateLimitExceeded,5\n"
    );
    // Nothing was lost, so nothing is said.
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn tables_of_a_storage_archive() {
    let out = kql(&["tables", "-d", "testdata/storage"]);
    ok(&out);
    let text = stdout(&out);
    let rows: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with(' '))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[0].to_owned(), f[1].to_owned())
        })
        .collect();
    let expected = [
        ("ApiManagementGatewayLlmLog", "43"),
        ("ApiManagementGatewayLogs", "123"),
        ("AzureDiagnostics", "44"),
        ("AzureMetrics", "9"),
    ];
    assert_eq!(
        rows,
        expected.map(|(a, b)| (a.to_owned(), b.to_owned())),
        "{text}"
    );
    assert!(!text.contains("PT1H "), "{text}");
    assert!(
        text.contains("insights-logs-gatewaylogs/resourceId=/SUBSCRIPTIONS/"),
        "{text}"
    );
}

#[test]
fn schema_agrees_with_getschema() {
    let schema = kql(&["schema", "-d", "testdata/storage", "AzureDiagnostics"]);
    ok(&schema);
    let from_schema: Vec<(String, String)> = stdout(&schema)
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[0].to_owned(), f[1].to_owned())
        })
        .collect();
    let get = kql(&[
        "query",
        "-d",
        "testdata/storage",
        "-f",
        "csv",
        "AzureDiagnostics | getschema | project ColumnName, ColumnType",
    ]);
    ok(&get);
    let from_query: Vec<(String, String)> = stdout(&get)
        .lines()
        .skip(1)
        .map(|l| {
            let (a, b) = l.split_once(',').expect("two cells");
            (a.to_owned(), b.to_owned())
        })
        .collect();
    assert_eq!(from_schema, from_query);
    assert_eq!(
        from_schema[7],
        ("ResultSignature".to_owned(), "string".to_owned())
    );
    assert!(from_schema.contains(&("AssetIdentity_g".to_owned(), "guid".to_owned())));
}

#[test]
fn bad_input_is_reported_and_strict_refuses_it() {
    let out = kql(&[
        "query",
        "-d",
        "testdata/bad",
        "-f",
        "csv",
        "ApiManagementGatewayLogs | count",
    ]);
    ok(&out);
    assert_eq!(stdout(&out), "Count\n11\n");
    let err = stderr(&out);
    for expected in [
        "kql: warning: skipped 8 record(s) in ApiManagementGatewayLogs",
        "bad/not-object.json:2: not a JSON object (found a number)",
        "kql: warning: 4 value(s) in ApiManagementGatewayLogs could not be stored as written",
        "bad/latin1.json:1: bytes that are not UTF-8 were replaced by U+FFFD",
        "bad/timestamps.json:3: column TimeGenerated: \"25/11/2026 22:08\" is not a valid datetime; stored as null",
        "bad/empty.json: empty file: no records",
        "bad/type-change.json:3: field \"status\" changes type",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    let strict = kql(&[
        "query",
        "--strict",
        "-d",
        "testdata/bad",
        "ApiManagementGatewayLogs | count",
    ]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    assert!(
        stderr(&strict).contains("bad/latin1.json:1:"),
        "{}",
        stderr(&strict)
    );
}

#[test]
fn exports_and_event_hubs_and_gzip() {
    let out = kql(&[
        "query",
        "-d",
        "testdata/la-export/query_data.csv",
        "-d",
        "testdata/eventhubs/capture-2026-11-25-17.json.gz",
        "-f",
        "csv",
        "ApiManagementGatewayLogs | summarize count() by bin(TimeGenerated, 1h) | order by TimeGenerated asc",
    ]);
    ok(&out);
    assert_eq!(
        stdout(&out),
        "TimeGenerated,count_\n2026-11-25T17:00:00Z,6\n2026-11-25T20:00:00Z,8\n"
    );
}
