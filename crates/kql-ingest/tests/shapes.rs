//! Every input shape, gzip, and how bad input is reported.

mod common;

use std::io::Write;
use std::sync::Arc;

use common::*;
use flate2::Compression;
use flate2::write::GzEncoder;
use kql_ingest::{IngestError, IngestOptions, IngestReport, JsonTable, SourceData};

async fn ids(table: JsonTable) -> Vec<Option<String>> {
    column(&scan(table, &["id"]).await, "id")
}

fn one_to(n: usize) -> Vec<Option<String>> {
    (1..=n).map(|i| Some(i.to_string())).collect()
}

#[tokio::test]
async fn json_lines_with_blank_lines() {
    let t = open("{\"id\":1,\"a\":\"x\"}\n\n   \n{\"id\":2,\"b\":true}\r\n{\"id\":3}");
    assert_eq!(t.report().records, 3);
    assert_eq!(t.report().skipped_count, 0);
    assert_eq!(field_names(&t), ["id", "a", "b"]);
    assert_eq!(ids(t).await, one_to(3));
}

#[tokio::test]
async fn array_of_records() {
    let t = open("[\n  {\"id\": 1},\n  {\"id\": 2}\n]\n");
    assert_eq!(ids(t).await, one_to(2));
    let t = open("[{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]");
    assert_eq!(ids(t).await, one_to(3));
}

#[tokio::test]
async fn records_envelope() {
    let t = open("{\n  \"records\": [\n    {\"id\": 1},\n    {\"id\": 2}\n  ]\n}\n");
    assert_eq!(field_names(&t), ["id"]);
    assert_eq!(ids(t).await, one_to(2));
    let t = open(r#"{"records":[{"id":1},{"id":2}]}"#);
    assert_eq!(ids(t).await, one_to(2));
}

#[tokio::test]
async fn json_lines_of_envelopes() {
    let t = open(
        "{\"records\":[{\"id\":1},{\"id\":2}]}\n{\"records\":[]}\n{\"records\":[{\"id\":3}]}\n{\"id\":4}\n",
    );
    assert_eq!(ids(t).await, one_to(4));
}

#[tokio::test]
async fn array_of_envelopes_with_consumer_fields() {
    // The Event Hubs example shape: siblings of "records" are not records.
    let t = open(
        r#"[
  {"records": [{"id": 1}, {"id": 2}], "EventProcessedUtcTime": "2024-07-02T06:31:31Z", "PartitionId": 0},
  {"records": [{"id": 3}], "EventEnqueuedUtcTime": "2024-07-02T06:31:30Z", "PartitionId": 1}
]"#,
    );
    assert_eq!(field_names(&t), ["id"]);
    assert_eq!(ids(t).await, one_to(3));
}

#[tokio::test]
async fn pretty_printed_objects_in_a_row() {
    let t =
        open("{\n  \"id\": 1,\n  \"x\": {\n    \"y\": 2\n  }\n}\n{\n  \"id\": 2\n}\n{\"id\": 3}");
    assert_eq!(t.report().skipped_count, 0);
    assert_eq!(ids(t).await, one_to(3));
}

fn gzip(text: &str) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap()
}

#[tokio::test]
async fn gzip_files_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("T.json.gz");
    std::fs::write(&path, gzip("{\"id\":1}\n{\"id\":2}\n")).unwrap();
    let t = JsonTable::open(vec![SourceData::File(path)], &IngestOptions::default()).unwrap();
    assert_eq!(ids(t).await, one_to(2));

    // Concatenated members, as appending to a .gz log produces.
    let mut data = gzip("{\"id\":1}\n");
    data.extend(gzip("{\"id\":2}\n"));
    let t = JsonTable::open(
        vec![SourceData::Bytes {
            label: "mem.gz".into(),
            data: Arc::from(data),
        }],
        &IngestOptions::default(),
    )
    .unwrap();
    assert_eq!(ids(t).await, one_to(2));
}

#[tokio::test]
async fn truncated_gzip_keeps_what_precedes_the_damage() {
    let mut data = gzip("{\"id\":1}\n{\"id\":2}\n");
    data.truncate(data.len() - 6);
    let bad = || SourceData::Bytes {
        label: "bad.gz".into(),
        data: Arc::from(data.clone()),
    };
    let t = JsonTable::open(vec![bad()], &IngestOptions::default()).unwrap();
    let r = t.report().clone();
    assert_eq!((r.records, r.skipped_count), (2, 1));
    assert!(
        r.skipped[0]
            .reason
            .starts_with("gzip data is damaged or cut off"),
        "{}",
        r.skipped[0]
    );
    assert_eq!(ids(t).await, one_to(2));
    let err = JsonTable::open(
        vec![bad()],
        &IngestOptions {
            strict: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, IngestError::Strict { ref input, .. } if input == "bad.gz"),
        "{err}"
    );
}

#[tokio::test]
async fn bad_lines_are_skipped_and_reported() {
    let text = [
        r#"{"id":1}"#,
        r#"{"id":2, "a": "#,
        r#"42"#,
        r#"{"id":3}"#,
        r#"["x", {"id":4}]"#,
        r#"{"id":5} trailing"#,
        r#"{"records":[{"id":6}, "nope"]}"#,
        r#"not json at all"#,
    ]
    .join("\n");
    let t = open(&text);
    let report = t.report().clone();
    assert_eq!(report.records, 4);
    assert_eq!(report.skipped_count, 6);
    let lines: Vec<_> = report
        .skipped
        .iter()
        .map(|s| (s.source.as_str(), s.line))
        .collect();
    assert_eq!(
        lines,
        [
            ("t.json", 2),
            ("t.json", 3),
            ("t.json", 5),
            ("t.json", 6),
            ("t.json", 7),
            ("t.json", 8),
        ]
    );
    let reasons: Vec<_> = report.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(
        reasons[0].starts_with("invalid JSON: EOF while parsing"),
        "{reasons:?}"
    );
    assert_eq!(reasons[1], "not a JSON object (found a number)");
    assert_eq!(reasons[2], "not a JSON object (found a string)");
    assert!(
        reasons[3].contains("trailing characters (column 10)"),
        "{reasons:?}"
    );
    assert_eq!(reasons[4], "not a JSON object (found a string)");
    assert!(
        reasons[5].starts_with("invalid JSON: expected ident"),
        "{reasons:?}"
    );
    assert_eq!(
        report.skipped[1].to_string(),
        "t.json:3: not a JSON object (found a number)"
    );
    assert_eq!(
        column(&scan(t, &["id"]).await, "id"),
        some(&["1", "3", "4", "6"])
    );
}

#[test]
fn strict_mode_fails_on_the_first_bad_line() {
    let err = strict("{\"id\":1}\n{\"id\":2}\n[1]\n{oops}\n").unwrap_err();
    match err {
        IngestError::Strict {
            input,
            line,
            reason,
        } => {
            assert_eq!((input.as_str(), line), ("t.json", 3));
            assert_eq!(reason, "not a JSON object (found a number)");
        }
        other => panic!("expected a strict error, got {other}"),
    }
    assert!(strict("{\"id\":1}\n\n{\"id\":2}\n").is_ok());
}

#[tokio::test]
async fn damaged_pretty_input_keeps_what_precedes_the_damage() {
    let t = open("[\n {\"id\": 1},\n {\"id\": 2},\n {\"id\": 3 \"x\": 1},\n {\"id\": 4}\n]");
    let r = t.report().clone();
    assert_eq!((r.records, r.skipped_count), (2, 1));
    assert_eq!(r.skipped[0].line, 4);
    assert!(
        r.skipped[0]
            .reason
            .ends_with("the rest of the input was not read"),
        "{}",
        r.skipped[0]
    );
    assert_eq!(ids(t).await, one_to(2));
}

#[tokio::test]
async fn empty_inputs() {
    for text in ["", "\n\n  \n", "[]", "{\"records\": []}", "\u{feff}"] {
        let t = open(text);
        // A file with nothing in it is worth a note (a failed upload?); an
        // empty array or batch is a valid answer of "no records".
        let mut report = t.report().clone();
        let notes = std::mem::take(&mut report.notes);
        report.note_count = 0;
        assert_eq!(report, IngestReport::default(), "{text:?}");
        let empty = !text.contains(['[', '{']);
        assert_eq!(notes.len(), usize::from(empty), "{text:?}");
        if empty {
            assert_eq!(notes[0].to_string(), "t.json: empty file: no records");
        }
        assert!(t.schema().fields().is_empty());
        assert_eq!(rows(&scan(t, &[]).await), 0);
    }
    assert!(matches!(
        JsonTable::open(vec![], &IngestOptions::default()),
        Err(IngestError::NoData { .. })
    ));
}

#[test]
fn skipped_details_are_capped_but_counted() {
    let text = "x\n".repeat(150) + "{\"id\":1}\n";
    let t = open(&text);
    let r = t.report();
    assert_eq!((r.records, r.skipped_count), (1, 150));
    assert_eq!(r.skipped.len(), IngestReport::MAX_SKIPPED_DETAILS);
    assert_eq!(r.skipped[99].line, 100);
}

#[tokio::test]
async fn several_sources_keep_their_order_and_labels() {
    let t = JsonTable::open(
        vec![
            src("a.json", "{\"id\":1}\n{\"id\":2}"),
            src("b.json", "[{\"id\":3}]"),
            src("c.json", "{\"id\":4}\nbad"),
        ],
        &IngestOptions::default(),
    )
    .unwrap();
    assert_eq!(
        t.report().skipped[0].to_string(),
        "c.json:2: invalid JSON: expected value (column 1)"
    );
    assert_eq!(ids(t).await, one_to(4));
}

#[test]
fn missing_file_is_an_io_error() {
    let err = JsonTable::open(
        vec![SourceData::File("/nonexistent/x.json".into())],
        &IngestOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, IngestError::Io { .. }), "{err}");
}
