//! Bad input (`testdata/bad`, plus a 10 MB line made here): each case is
//! reported with file, line and a specific reason, the rest of the data is
//! still read, and strict mode turns the first loss into an error.

mod common;

use std::io::Write as _;

use common::*;
use kql_ingest::{IngestError, IngestOptions, Input, Skipped, SourceData};

fn find<'a>(issues: &'a [Skipped], file: &str) -> Vec<(usize, &'a str)> {
    issues
        .iter()
        .filter(|s| s.source.ends_with(file))
        .map(|s| (s.line, s.reason.as_str()))
        .collect()
}

#[test]
fn every_case_is_reported_and_the_rest_is_read() {
    let loaded = load_testdata("bad", false).expect("bad input is not fatal");
    assert_eq!(
        table_names(&loaded),
        ["ApiManagementGatewayLogs", "type-change"]
    );
    let gw = table(&loaded, "ApiManagementGatewayLogs");
    let r = gw.report();
    // latin1 1, not-object 2, timestamps 4, truncated 2, truncated.gz 1,
    // type-change 1.
    assert_eq!(r.records, 11);

    let truncated = find(&r.skipped, "bad/truncated.json");
    assert_eq!(truncated.len(), 1);
    assert_eq!(truncated[0].0, 3);
    assert!(
        truncated[0]
            .1
            .starts_with("invalid JSON: EOF while parsing"),
        "{truncated:?}"
    );

    let gz = find(&r.skipped, "bad/truncated.json.gz");
    assert_eq!(gz.len(), 2, "{gz:?}");
    assert!(
        gz.iter()
            .any(|(_, why)| why.starts_with("gzip data is damaged or cut off"))
    );
    assert!(
        gz.iter()
            .any(|(_, why)| why.starts_with("invalid JSON: EOF while parsing"))
    );

    assert_eq!(
        find(&r.skipped, "bad/not-object.json"),
        [
            (2, "not a JSON object (found a number)"),
            (3, "not a JSON object (found a string)"),
            (4, "not a JSON object (found a string)"),
            (4, "not a JSON object (found a string)"),
            (5, "not a JSON object (found null)"),
        ]
    );
    assert_eq!(r.skipped_count, 8);

    assert_eq!(
        find(&r.value_issues, "bad/timestamps.json"),
        [
            (
                3,
                "column TimeGenerated: \"25/11/2026 22:08\" is not a valid datetime; stored as null"
            ),
            (
                4,
                "column TimeGenerated: 1795644480 is not a valid datetime; stored as null"
            ),
        ]
    );
    assert_eq!(
        find(&r.value_issues, "bad/type-change.json"),
        [(
            5,
            "column ResponseCode: \"OK\" is not a valid int; stored as null"
        )]
    );
    assert_eq!(
        find(&r.value_issues, "bad/latin1.json"),
        [(
            1,
            "bytes that are not UTF-8 were replaced by U+FFFD (is the file in another encoding?)"
        )]
    );
    assert_eq!(r.value_issue_count, 4);
    assert_eq!(
        r.skipped[0].to_string(),
        format!(
            "{}:2: not a JSON object (found a number)",
            r.skipped[0].source
        )
    );

    // A field whose type changes in a generic log: kept whole, and said so.
    let generic = table(&loaded, "type-change");
    assert_eq!(generic.report().records, 4);
    assert_eq!(
        columns(generic),
        ["id:long", "status:dynamic", "at:datetime"]
    );
    let notes = &generic.report().notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].line, 3);
    assert!(
        notes[0]
            .reason
            .starts_with("field \"status\" changes type: long (first at "),
        "{}",
        notes[0]
    );
    assert!(
        notes[0].reason.ends_with("the column is dynamic"),
        "{}",
        notes[0]
    );

    // An empty file has no table, but its report says so.
    let (_, empty) = loaded
        .reports
        .iter()
        .find(|(name, _)| name == "empty")
        .expect("a report for empty.json");
    assert_eq!(empty.records, 0);
    assert_eq!(
        empty.notes[0].to_string(),
        format!("{}: empty file: no records", empty.notes[0].source)
    );
}

#[tokio::test]
async fn values_around_the_damage_are_kept() {
    let loaded = load_testdata("bad", false).unwrap();
    let gw = table(&loaded, "ApiManagementGatewayLogs");
    let b = scan_ref(gw, &["TimeGenerated", "Url", "ResponseCode", "Was"]).await;
    let times = column(&b, "TimeGenerated");
    // Two of the four odd timestamps are forms Azure and Kusto accept.
    assert_eq!(times.iter().filter(|t| t.is_none()).count(), 2);
    let urls = column(&b, "Url");
    assert_eq!(
        urls.iter()
            .filter(|u| u.as_deref().is_some_and(|u| u.contains("/caf\u{FFFD}/")))
            .count(),
        1
    );
    // The unconvertible response code is null; the record's other fields stay.
    let codes = column(&b, "ResponseCode");
    let was = column(&b, "Was");
    let i = was.iter().position(Option::is_some).expect("the Was field");
    assert_eq!(codes[i], None);
}

#[test]
fn strict_mode_stops_at_the_first_loss() {
    match load_testdata("bad", true) {
        Err(IngestError::Strict {
            input,
            line,
            reason,
        }) => {
            // Files load in name order; empty.json loses nothing.
            assert!(input.ends_with("bad/latin1.json"), "{input}");
            assert_eq!(line, 1);
            assert!(reason.contains("not UTF-8"), "{reason}");
        }
        other => panic!("expected a strict error, got {other:?}"),
    }
    for file in ["bad/empty.json", "storage"] {
        assert!(load_testdata(file, true).is_ok(), "{file}");
    }
    assert!(matches!(
        load_testdata("bad/timestamps.json", true),
        Err(IngestError::Strict { line: 3, .. })
    ));
}

#[tokio::test]
async fn a_ten_megabyte_line() {
    let dir = tempfile::tempdir().unwrap();
    let body = "x".repeat(10 << 20);
    let path = dir.path().join("big.json");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(
        f,
        r#"{{"time":"2026-11-25T22:00:00Z","category":"GatewayLogs","properties":{{"responseCode":200,"backendResponseBody":"{body}"}}}}"#
    )
    .unwrap();
    // Garbage of the same size: skipped with a short reason, not echoed.
    writeln!(
        f,
        "{{\"category\":\"GatewayLogs\",\"properties\":{{\"url\":\"{body}}}"
    )
    .unwrap();
    writeln!(f, r#"{{"time":"2026-11-25T22:01:00Z","category":"GatewayLogs","properties":{{"responseCode":429}}}}"#).unwrap();
    drop(f);
    let loaded = kql_ingest::load(
        vec![Input::new(SourceData::File(path))],
        &IngestOptions::default(),
    )
    .unwrap();
    let gw = table(&loaded, "ApiManagementGatewayLogs");
    let r = gw.report();
    assert_eq!((r.records, r.skipped_count), (2, 1));
    assert_eq!(r.skipped[0].line, 2);
    assert!(
        r.skipped[0].reason.len() < 200,
        "{}",
        r.skipped[0].reason.len()
    );
    let b = scan_ref(gw, &["BackendResponseBody", "ResponseCode"]).await;
    assert_eq!(
        column(&b, "BackendResponseBody")[0]
            .as_ref()
            .map(String::len),
        Some(10 << 20)
    );
    assert_eq!(column(&b, "ResponseCode"), some(&["200", "429"]));
}
