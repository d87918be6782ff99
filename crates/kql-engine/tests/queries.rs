//! Data-driven end-to-end tests: every `tests/queries/*.test` file holds blocks
//!
//! ```text
//! # comment
//! query            (or `query unordered`, or `error`)
//! <KQL, one or more lines>
//! ----
//! <columns as name:type, separated by two spaces>     (query blocks)
//! <one JSON array per row, Kusto JSON encoding>
//! <a text the error message must contain>             (error blocks)
//! ```
//!
//! A query with several result tables (`facet`) lists each table's header
//! and rows in order, with a `====` line between tables.
//!
//! separated by blank lines. Queries run on the bundled sample logs, so the
//! files also pin what the sample data answers — unless the file starts with
//! `# data: PATH[, PATH…]` (paths from the repository root), which loads those
//! logs instead, as `kql -d PATH` would.

use kql_engine::{KustoType, QueryResult, Session};
use std::path::Path;

struct Block {
    file: String,
    line: usize,
    kind: String,
    query: String,
    expected: Vec<String>,
}

fn parse_blocks(file: &str, text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim_end();
        if l.is_empty() || l.starts_with('#') {
            i += 1;
            continue;
        }
        let start = i + 1;
        let kind = l.to_string();
        i += 1;
        let mut query = Vec::new();
        while i < lines.len() && lines[i].trim_end() != "----" {
            query.push(lines[i]);
            i += 1;
        }
        i += 1;
        let mut expected = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() {
            expected.push(lines[i].trim_end().to_string());
            i += 1;
        }
        blocks.push(Block {
            file: file.to_string(),
            line: start,
            kind,
            query: query.join("\n"),
            expected,
        });
    }
    blocks
}

fn render(r: &QueryResult) -> (String, Vec<String>) {
    let header = r
        .schema
        .fields()
        .iter()
        .map(|f| {
            let t = KustoType::from_arrow(f.data_type()).map_or("?", KustoType::name);
            format!("{}:{t}", f.name())
        })
        .collect::<Vec<_>>()
        .join("  ");
    let mut rows = Vec::new();
    for b in &r.batches {
        for row in 0..b.num_rows() {
            let cells: Vec<serde_json::Value> = b
                .columns()
                .iter()
                .map(|c| kql_functions::format::cell_to_json(c.as_ref(), row))
                .collect();
            rows.push(serde_json::Value::Array(cells).to_string());
        }
    }
    (header, rows)
}

fn run_block(session: &Session, b: &Block) -> Result<(), String> {
    let result = session.query_blocking(&b.query);
    match (b.kind.as_str(), result) {
        ("error", Ok(_)) => Err("expected an error, the query succeeded".into()),
        ("error", Err(e)) => {
            let msg = e.render();
            let want = b.expected.join("\n");
            if msg.contains(&want) {
                Ok(())
            } else {
                Err(format!("error message\n{msg}\ndoes not contain\n{want}"))
            }
        }
        (_, Err(e)) => Err(format!("query failed:\n{}", e.render())),
        (kind, Ok(r)) => {
            let wanted: Vec<&[String]> = b.expected.split(|l| l == "====").collect();
            let got: Vec<&QueryResult> = r.tables().collect();
            if wanted.len() != got.len() {
                return Err(format!(
                    "expected {} result tables, got {}",
                    wanted.len(),
                    got.len()
                ));
            }
            for (want, table) in wanted.iter().zip(got) {
                check_table(kind, want, table)?;
            }
            Ok(())
        }
    }
}

/// Compares one result table with its expected header and rows.
fn check_table(kind: &str, expected: &[String], r: &QueryResult) -> Result<(), String> {
    let (header, mut rows) = render(r);
    let mut want_rows: Vec<String> = expected.iter().skip(1).cloned().collect();
    let want_header = expected.first().cloned().unwrap_or_default();
    // Normalise the expected rows through serde_json so spacing does not matter.
    want_rows = want_rows
        .iter()
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(r)
                .map(|v| v.to_string())
                .unwrap_or_else(|_| r.clone())
        })
        .collect();
    if kind == "query unordered" {
        rows.sort();
        want_rows.sort();
    }
    if header != want_header || rows != want_rows {
        return Err(format!(
            "expected:\n{want_header}\n{}\ngot:\n{header}\n{}",
            want_rows.join("\n"),
            rows.join("\n")
        ));
    }
    Ok(())
}

/// The session a file's queries run on: the sample, or its `# data:` logs.
fn session_for(text: &str) -> Session {
    let mut session = Session::new();
    let data = text.lines().next().and_then(|l| l.strip_prefix("# data:"));
    match data {
        Some(paths) => {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            for path in paths.split(',').map(str::trim) {
                session
                    .load_path(&root.join(path), None)
                    .unwrap_or_else(|e| panic!("{path}: {}", e.render()));
            }
        }
        None => session.load_sample().expect("sample data loads"),
    }
    session
}

#[test]
fn query_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/queries");
    let sample = session_for("");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/queries")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "test"))
    {
        let text = std::fs::read_to_string(f).expect("readable test file");
        let own = text.starts_with("# data:").then(|| session_for(&text));
        let session = own.as_ref().unwrap_or(&sample);
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for b in parse_blocks(&name, &text) {
            count += 1;
            if let Err(e) = run_block(session, &b) {
                failures.push(format!("{}:{}:\n{}\n{e}\n", b.file, b.line, b.query));
            }
        }
    }
    assert!(count > 0, "no test blocks found");
    assert!(
        failures.is_empty(),
        "{} of {count} blocks failed:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}
