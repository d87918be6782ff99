//! End-to-end tests of the `kql` binary: arguments, data loading, output formats,
//! messages on stderr and exit codes.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const KQL: &str = env!("CARGO_BIN_EXE_kql");

/// Three good records in JSON Lines, as a file named `requests.json` (table `requests`).
const REQUESTS: &str = r#"{"Name": "a", "Value": 1}
{"Name": "b", "Value": 2}
{"Name": "c", "Value": 3}
"#;

fn kql(args: &[&str]) -> Output {
    kql_with_stdin(args, "")
}

fn kql_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(KQL)
        .args(args)
        .env_remove("COLUMNS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kql");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for kql")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// A temp folder holding `requests.json` with `content`.
fn requests_dir(content: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("requests.json");
    std::fs::write(&file, content).expect("write log file");
    (dir, file)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

fn json_result(output: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).expect("stdout is one JSON document")
}

#[test]
fn sample_data_is_used_without_sources_and_printed_as_a_table() {
    let out = kql(&["query", "ApiManagementGatewayLogs | count"]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("kql: no data given (-d/-t); querying the bundled sample logs"));
    assert!(err.contains("(1 row)"), "{err}");
    assert!(stdout(&out).contains("Count"));
}

#[test]
fn sample_data_as_csv() {
    let out = kql(&["query", "-f", "csv", "ApiManagementGatewayLogs | count"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], "Count");
    assert!(lines[1].parse::<u64>().is_ok(), "{text}");
    // The row count note is for tables only.
    assert!(!stderr(&out).contains("(1 row)"));
}

#[test]
fn sample_data_as_json() {
    let out = kql(&["query", "-f", "json", "ApiManagementGatewayLogs | count"]);
    assert_exit(&out, 0);
    let doc = json_result(&out);
    assert_eq!(doc["columns"].as_array().map(Vec::len), Some(1), "{doc}");
    let rows = doc["rows"].as_array().expect("rows array");
    assert_eq!(rows.len(), 1);
    assert!(rows[0][0].is_u64(), "{doc}");
}

#[test]
fn sample_data_as_ndjson() {
    let out = kql(&["query", "-f", "ndjson", "ApiManagementGatewayLogs | take 3"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let count = kql(&["query", "-f", "csv", "ApiManagementGatewayLogs | count"]);
    let count: usize = stdout(&count)
        .lines()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert_eq!(lines.len(), count.min(3), "{text}");
    for line in lines {
        let record: serde_json::Value = serde_json::from_str(line).expect("one JSON per line");
        assert!(record.is_object(), "{record}");
    }
}

#[test]
fn data_folder_names_tables_by_file_stem() {
    let (dir, _) = requests_dir(REQUESTS);
    let out = kql(&[
        "query",
        "-d",
        path_str(dir.path()),
        "-f",
        "json",
        "requests | where Name == 'b' | project Name",
    ]);
    assert_exit(&out, 0);
    assert_eq!(json_result(&out)["rows"], serde_json::json!([["b"]]));
    assert!(!stderr(&out).contains("no data given"));
}

#[test]
fn data_file_is_a_table_too() {
    let (_dir, file) = requests_dir(REQUESTS);
    let out = kql(&[
        "query",
        "-d",
        path_str(&file),
        "-f",
        "csv",
        "requests | count",
    ]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out).lines().nth(1), Some("3"));
}

#[test]
fn named_table_from_t_option() {
    let (_dir, file) = requests_dir(REQUESTS);
    let arg = format!("Gw={}", path_str(&file));
    let out = kql(&["query", "-t", &arg, "-f", "csv", "Gw | count"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out).lines().nth(1), Some("3"));
}

#[test]
fn query_from_file() {
    let (dir, file) = requests_dir(REQUESTS);
    let query_file = dir.path().join("q.kql");
    std::fs::write(&query_file, "requests\n| count\n").expect("write query");
    let out = kql(&[
        "query",
        "-d",
        path_str(&file),
        "-f",
        "csv",
        "-q",
        path_str(&query_file),
    ]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out).lines().nth(1), Some("3"));
}

#[test]
fn query_from_stdin() {
    let (_dir, file) = requests_dir(REQUESTS);
    let data = path_str(&file);
    // `-` works both as the query argument and as the -q file.
    for args in [
        &["query", "-d", data, "-f", "csv", "-"][..],
        &["query", "-d", data, "-f", "csv", "-q", "-"],
    ] {
        let out = kql_with_stdin(args, "requests | count");
        assert_exit(&out, 0);
        assert_eq!(stdout(&out).lines().nth(1), Some("3"));
    }
}

#[test]
fn syntax_error_exits_2_with_a_caret() {
    let out = kql(&["query", "print x = (1 +"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    let caret_line = |l: &str| l.contains('^') && l.chars().all(|c| matches!(c, ' ' | '|' | '^'));
    assert!(err.lines().any(caret_line), "{err}");
    assert!(err.contains("1:"), "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn unknown_column_exits_2() {
    let (_dir, file) = requests_dir(REQUESTS);
    let out = kql(&[
        "query",
        "-d",
        path_str(&file),
        "requests | project NoSuchColumn",
    ]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("NoSuchColumn"), "{}", stderr(&out));
}

#[test]
fn skipped_bad_line_is_reported() {
    let (_dir, file) = requests_dir(
        "{\"Name\": \"a\", \"Value\": 1}\n{not json\n{\"Name\": \"c\", \"Value\": 3}\n",
    );
    let out = kql(&[
        "query",
        "-d",
        path_str(&file),
        "-f",
        "csv",
        "requests | count",
    ]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(
        err.contains("kql: warning: skipped 1 record(s) in requests"),
        "{err}"
    );
    assert!(err.contains("requests.json:2:"), "{err}");
    assert_eq!(stdout(&out).lines().nth(1), Some("2"));
}

#[test]
fn strict_fails_on_a_bad_line() {
    let (_dir, file) = requests_dir("{\"Name\": \"a\"}\n{not json\n");
    let out = kql(&[
        "query",
        "--strict",
        "-d",
        path_str(&file),
        "requests | count",
    ]);
    assert_exit(&out, 1);
    assert!(stderr(&out).starts_with("error"), "{}", stderr(&out));
}

#[test]
fn missing_data_path_fails() {
    let out = kql(&["query", "-d", "/no/such/kql/path", "T | count"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("/no/such/kql/path"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn tables_lists_counts_and_sources() {
    let (dir, file) = requests_dir(REQUESTS);
    let out = kql(&["tables", "-d", path_str(dir.path())]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    let row = text
        .lines()
        .find(|l| l.starts_with("requests "))
        .unwrap_or_else(|| panic!("no requests row in:\n{text}"));
    let fields: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(fields.get(1), Some(&"3"), "{row}");
    assert!(row.contains("requests.json"), "{row}");
    assert!(file.exists());
}

#[test]
fn tables_of_the_sample() {
    let out = kql(&["tables"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("ApiManagementGatewayLogs"), "{text}");
    assert!(text.contains("ApiManagementGatewayLlmLog"), "{text}");
}

#[test]
fn schema_of_one_table() {
    let (_dir, file) = requests_dir(REQUESTS);
    let out = kql(&["schema", "requests", "-d", path_str(&file)]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    let name = text.lines().find(|l| l.starts_with("Name "));
    assert_eq!(
        name.map(|l| l.split_whitespace().collect::<Vec<_>>()),
        Some(vec!["Name", "string"]),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("Value ")), "{text}");
}

#[test]
fn schema_of_all_tables_and_of_an_unknown_one() {
    let out = kql(&["schema"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.lines().any(|l| l == "ApiManagementGatewayLogs"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l == "ApiManagementGatewayLlmLog"),
        "{text}"
    );

    let out = kql(&["schema", "NoSuchTable"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("unknown table 'NoSuchTable'"));
}

#[test]
fn output_file_and_chart_file() {
    let (dir, file) = requests_dir(REQUESTS);
    let target = dir.path().join("out.csv");
    let out = kql(&[
        "query",
        "-d",
        path_str(&file),
        "-f",
        "csv",
        "-o",
        path_str(&target),
        "requests | count",
    ]);
    assert_exit(&out, 0);
    assert!(stdout(&out).is_empty());
    let written = std::fs::read_to_string(&target).expect("output file");
    assert_eq!(written.lines().nth(1), Some("3"));

    let png = dir.path().join("chart.png");
    let out = kql(&["query", "-o", path_str(&png), "print x = 1 | render card"]);
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("drew the card (1280×720)"),
        "{}",
        stderr(&out)
    );
    let image = std::fs::read(&png).expect("chart file");
    assert!(image.starts_with(b"\x89PNG\r\n\x1a\n"));

    // A render naming a missing column is the query's mistake: nothing is written.
    let bad = dir.path().join("bad.svg");
    let out = kql(&[
        "query",
        "-o",
        path_str(&bad),
        "print x = 1 | render timechart with (ycolumns=y)",
    ]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("`y`"), "{}", stderr(&out));
    assert!(!bad.exists());
}

#[test]
fn render_prints_a_hint_and_the_table() {
    let out = kql(&["query", "range x from 1 to 3 step 1 | render linechart"]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(
        err.contains(
            "kql: the query renders a linechart; add -o FILE.png or -o FILE.svg to draw it"
        ),
        "{err}"
    );
    assert!(err.contains("(3 rows)"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    assert_exit(&kql(&["query"]), 2);
    assert_exit(&kql(&["query", "-f", "xml", "print x = 1"]), 2);
    assert_exit(&kql(&["query", "-t", "nopath", "print x = 1"]), 2);
    assert_exit(&kql(&["query", "-q", "/no/such/query.kql"]), 2);
    assert_exit(&kql(&["frobnicate"]), 2);
}

#[test]
fn help_lists_exit_codes_and_examples() {
    for args in [
        &["--help"][..],
        &["query", "--help"],
        &["tables", "--help"],
        &["schema", "--help"],
    ] {
        let out = kql(args);
        assert_exit(&out, 0);
        let text = stdout(&out);
        assert!(text.contains("Examples:"), "{text}");
        assert!(text.contains("Exit codes:"), "{text}");
    }
}

#[test]
fn closed_stdout_exits_quietly() {
    let mut child = Command::new(KQL)
        .args(["query", "-f", "csv", "range x from 1 to 2000000 step 1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kql");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("wait for kql");
    assert_exit(&out, 0);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}
