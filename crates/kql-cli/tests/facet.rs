//! `facet` through the binary: every result table is printed, in order, in
//! each output format; a query with one table prints as it always has.

use std::process::{Command, Output};

const KQL: &str = env!("CARGO_BIN_EXE_kql");

fn kql(args: &[&str]) -> Output {
    let out = Command::new(KQL)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("kql runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

/// Rows of the bundled `ApiManagementGatewayLogs`.
fn sample_rows() -> u64 {
    let out = kql(&["query", "-f", "csv", "ApiManagementGatewayLogs | count"]);
    stdout(&out)
        .lines()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a count")
}

fn counts(table: &serde_json::Value) -> Vec<u64> {
    table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r[1].as_u64().expect("a long count"))
        .collect()
}

#[test]
fn one_facet_column_prints_one_json_object() {
    let out = kql(&[
        "query",
        "-f",
        "json",
        "ApiManagementGatewayLogs | facet by ResponseCode",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(
        doc["columns"],
        serde_json::json!([
            {"name": "ResponseCode", "type": "int"},
            {"name": "count_ResponseCode", "type": "long"}
        ])
    );
    let codes: Vec<u64> = doc["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r[0].as_u64().expect("a code"))
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "one row per code, ascending");
    assert_eq!(counts(&doc).iter().sum::<u64>(), sample_rows());
}

#[test]
fn several_tables_print_as_a_json_array() {
    let out = kql(&[
        "query",
        "-f",
        "json",
        "ApiManagementGatewayLogs | facet by ResponseCode, Method with (project Method | take 2)",
    ]);
    let text = stdout(&out);
    assert!(text.starts_with('[') && text.ends_with("]\n"), "{text}");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
    let tables = doc.as_array().expect("an array of tables");
    assert_eq!(tables.len(), 3);
    assert_eq!(
        tables[0]["columns"],
        serde_json::json!([{"name": "Method", "type": "string"}])
    );
    assert_eq!(tables[0]["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(tables[1]["columns"][1]["name"], "count_ResponseCode");
    assert_eq!(tables[2]["columns"][0]["name"], "Method");
    assert_eq!(tables[2]["columns"][1]["type"], "long");
    for table in &tables[1..] {
        assert_eq!(counts(table).iter().sum::<u64>(), sample_rows());
    }
}

#[test]
fn tables_are_separated_by_a_blank_line() {
    let query = "ApiManagementGatewayLogs | facet by ResponseCode, Method";
    let out = kql(&["query", "-f", "table", query]);
    let text = stdout(&out);
    let parts: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(parts.len(), 2, "{text}");
    assert!(parts[0].contains("count_ResponseCode"), "{text}");
    assert!(parts[1].contains("count_Method"), "{text}");
    let note = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(note.contains("(2 tables: "), "{note}");

    let csv = stdout(&kql(&["query", "-f", "csv", query]));
    let parts: Vec<&str> = csv.split("\n\n").collect();
    assert_eq!(parts.len(), 2, "{csv}");
    assert!(parts[0].starts_with("ResponseCode,count_ResponseCode\n"));
    assert!(parts[1].starts_with("Method,count_Method\n"));
}

#[test]
fn ndjson_prints_every_row_of_every_table() {
    let query = "ApiManagementGatewayLogs | facet by ResponseCode, Method";
    let text = stdout(&kql(&["query", "-f", "ndjson", query]));
    let json = stdout(&kql(&["query", "-f", "json", query]));
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let rows: usize = doc
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| t["rows"].as_array().map_or(0, Vec::len))
        .sum();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), rows, "{text}");
    assert!(lines[0].contains("count_ResponseCode"));
    assert!(lines[lines.len() - 1].contains("count_Method"));
}
