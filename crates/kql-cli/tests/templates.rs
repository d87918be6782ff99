//! Every saved query runs on the bundled sample logs (plus a small Azure
//! OpenAI diagnostic-log fixture for the AzureDiagnostics ones) with `now()`
//! pinned, and its whole result is compared with a snapshot in
//! `tests/snapshots/templates/NAME.snap`, so a template can never break
//! silently. A template that waits for a language feature says so in a
//! `// needs:` header and its snapshot holds the error it gets today.
//!
//! After an intended change: `UPDATE_SNAPSHOTS=1 cargo test -p kql-cli --test templates`,
//! then review the diff of the snapshot files.

use kql_cli::templates::{BUILTIN_TEMPLATES, Catalog, Template};
use kql_engine::{NO_PARAMS, QueryResult, Session};
use kql_render::{OutputFormat, RenderOptions, write_result};
use std::path::PathBuf;

/// Pinned `now()`: the day after the sample logs end.
const NOW: &str = "2026-11-26T00:00:00Z";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn session() -> Session {
    let mut session = Session::new();
    session.load_sample().expect("the sample loads");
    session
        .load_path(&manifest_dir().join("tests/fixtures/azure-openai"), None)
        .expect("the Azure OpenAI fixture loads");
    session.set_now(kql_engine::parse_datetime(NOW));
    session
}

fn run(session: &Session, text: &str) -> Result<QueryResult, kql_engine::EngineError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(session.query_with_params(text, NO_PARAMS))
}

/// The snapshot text of a run: column types, then the CSV header and rows.
/// Rows are sorted because summarize and joins give no order; which rows a
/// `top` keeps is still pinned.
fn snapshot_of(
    template: &Template,
    outcome: Result<QueryResult, kql_engine::EngineError>,
) -> String {
    let mut text = format!("# template: {}\n", template.name);
    match outcome {
        Err(e) => {
            text.push_str(&format!(
                "# error ({}):\n{}\n",
                if e.is_usage() { "usage" } else { "runtime" },
                e.render().trim_end()
            ));
        }
        Ok(result) => {
            let types: Vec<String> = result
                .schema
                .fields()
                .iter()
                .map(|f| {
                    let ty = kql_engine::KustoType::from_arrow(f.data_type())
                        .map_or_else(|| f.data_type().to_string(), |t| t.name().to_string());
                    format!("{}:{ty}", f.name())
                })
                .collect();
            text.push_str(&format!("# columns: {}\n", types.join(", ")));
            let mut csv = Vec::new();
            let options = RenderOptions {
                max_width: None,
                visualization: None,
            };
            write_result(
                &mut csv,
                &result.schema,
                &result.batches,
                OutputFormat::Csv,
                &options,
            )
            .expect("CSV renders");
            let csv = String::from_utf8(csv).expect("CSV is UTF-8");
            let mut lines = csv.lines();
            let header = lines.next().unwrap_or("");
            let mut rows: Vec<&str> = lines.collect();
            rows.sort_unstable();
            text.push_str(&format!("# rows: {}\n{header}\n", rows.len()));
            for row in rows {
                text.push_str(row);
                text.push('\n');
            }
        }
    }
    text
}

/// Equal, or equal but for the last digits of real numbers (their sums
/// depend on how DataFusion split the rows among threads).
fn same_snapshot(expected: &str, actual: &str) -> bool {
    if expected == actual {
        return true;
    }
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    e.len() == a.len()
        && e.iter().zip(&a).all(|(el, al)| {
            el == al || {
                let (ec, ac): (Vec<&str>, Vec<&str>) =
                    (el.split(',').collect(), al.split(',').collect());
                ec.len() == ac.len()
                    && ec.iter().zip(&ac).all(|(x, y)| {
                        x == y
                            || matches!((x.parse::<f64>(), y.parse::<f64>()), (Ok(x), Ok(y))
                                if (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0))
                    })
            }
        })
}

fn snapshot_path(name: &str) -> PathBuf {
    manifest_dir().join(format!("tests/snapshots/templates/{name}.snap"))
}

#[test]
fn every_template_matches_its_snapshot() {
    let session = session();
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    let catalog = Catalog::builtin();
    assert!(catalog.len() >= 25, "only {} templates", catalog.len());
    for template in catalog.iter() {
        let outcome = run(&session, &template.text);
        match (&outcome, &template.needs) {
            (Ok(_), Some(needs)) => failures.push(format!(
                "{} runs now: drop its `// needs: {needs}` header and update its snapshot",
                template.name
            )),
            (Err(e), None) => failures.push(format!("{} fails:\n{}", template.name, e.render())),
            _ => {}
        }
        let actual = snapshot_of(template, outcome);
        let path = snapshot_path(&template.name);
        if update {
            std::fs::create_dir_all(path.parent().expect("snapshot folder")).expect("mkdir");
            std::fs::write(&path, &actual).expect("write snapshot");
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if same_snapshot(&expected, &actual) => {}
            Ok(expected) => failures.push(format!(
                "{} differs from {}\n{}",
                template.name,
                path.display(),
                first_difference(&expected, &actual)
            )),
            Err(_) => failures.push(format!(
                "{} has no snapshot {}",
                template.name,
                path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\n(UPDATE_SNAPSHOTS=1 cargo test -p kql-cli --test templates rewrites the snapshots)",
        failures.join("\n\n")
    );
}

fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        let (el, al) = (
            e.get(i).copied().unwrap_or("<none>"),
            a.get(i).copied().unwrap_or("<none>"),
        );
        if el != al {
            return format!("line {}:\n  expected: {el}\n  actual:   {al}", i + 1);
        }
    }
    String::new()
}

#[test]
fn every_snapshot_belongs_to_a_template() {
    let names: Vec<&str> = BUILTIN_TEMPLATES.iter().map(|(n, _)| *n).collect();
    let dir = manifest_dir().join("tests/snapshots/templates");
    for entry in std::fs::read_dir(&dir).expect("snapshot folder") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        assert!(names.contains(&stem), "stale snapshot {}", path.display());
    }
}

/// The embedded list is generated from `queries/`; this keeps the two equal
/// (a stale build script output would show here).
#[test]
fn embedded_templates_are_the_queries_folder() {
    let dir = manifest_dir().join("../../queries");
    let mut on_disk: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("queries folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "kql"))
        .map(|p| {
            let name = p
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 name")
                .to_string();
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect();
    on_disk.sort();
    let embedded: Vec<(String, String)> = BUILTIN_TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    assert_eq!(embedded, on_disk);
}

#[test]
fn every_template_has_a_header_and_plain_name() {
    for template in Catalog::builtin().iter() {
        let name = &template.name;
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{name}: names are lower-case words joined by '-'"
        );
        assert_ne!(&template.title, name, "{name}: no `// name:` header");
        assert!(
            !template.description.is_empty(),
            "{name}: no `// description:` header"
        );
        assert!(
            template.text.contains("// source:"),
            "{name}: say where the query comes from in a `// source:` header"
        );
        // The portal's time picker (`--timespan`) sets the window, never the text.
        let hard_coded = template
            .text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .any(|l| l.contains("ago("));
        assert!(!hard_coded, "{name}: hard-codes a time window");
        if template.needs.is_none() {
            kql_engine::query_parameters(&template.text)
                .unwrap_or_else(|e| panic!("{name}: {}", e.render()));
        }
    }
}

/// The gallery's fifteen API Management templates are all there.
#[test]
fn the_portal_gallery_is_complete() {
    let catalog = Catalog::builtin();
    let titles: Vec<&str> = catalog.iter().map(|t| t.title.as_str()).collect();
    for title in [
        "Logs of the last 100 calls",
        "Number of requests",
        "Number of calls by APIs",
        "Request sizes",
        "Response sizes",
        "Bandwidth consumed",
        "Overall latency",
        "Backend latency",
        "Client latency",
        "Cache hit ratio",
        "Client TLS versions",
        "Error reasons breakdown",
        "Last 100 failed requests",
        "Get failed requests due to issues related to the backend",
        "Get failed requests due to issues not related to the backend",
    ] {
        assert!(
            titles.contains(&title),
            "missing gallery template '{title}'"
        );
    }
}

/// Parameters change results as declared: fewer rows with a smaller `n`, and
/// the time window narrows what a template sees.
#[test]
fn parameters_and_time_window_apply_to_templates() {
    let mut session = session();
    let catalog = Catalog::builtin();
    let latest = catalog.get("latest-100-calls").expect("template");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let five = rt
        .block_on(session.query_with_params(&latest.text, &[("n", "5")]))
        .expect("runs");
    assert_eq!(five.row_count(), 5);
    let all = run(
        &session,
        &catalog.get("number-of-requests").expect("template").text,
    )
    .expect("runs");
    let hour: i64 = 3_600_000_000_000;
    let now = kql_engine::parse_datetime(NOW).expect("datetime");
    session.set_time_range(Some(kql_engine::TimeRange::last(24 * hour, now)));
    let last_day = run(
        &session,
        &catalog.get("number-of-requests").expect("template").text,
    )
    .expect("runs");
    let count = |r: &QueryResult| {
        let mut csv = Vec::new();
        let options = RenderOptions {
            max_width: None,
            visualization: None,
        };
        write_result(&mut csv, &r.schema, &r.batches, OutputFormat::Csv, &options).expect("csv");
        String::from_utf8(csv).expect("utf-8")
    };
    assert_ne!(count(&all), count(&last_day));
}
