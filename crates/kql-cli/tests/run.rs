//! The saved-query commands and the rest of issue 6's command line, end to
//! end through the `kql` binary: `kql templates`, `kql run` with parameters,
//! user templates, the time picker and pinned clock, `--explain`, shell
//! completions, and `kql` alone without a terminal.

use std::path::Path;
use std::process::{Command, Output, Stdio};

const KQL: &str = env!("CARGO_BIN_EXE_kql");
const NOW: &str = "2026-11-26T00:00:00Z";

/// `kql ARGS` with its config and state folders under `home`, no terminal.
fn kql_in(home: &Path, args: &[&str]) -> Output {
    Command::new(KQL)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run kql")
}

fn kql(args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("temp home");
    kql_in(home.path(), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

/// The data rows of a CSV result.
fn csv_rows(o: &Output) -> Vec<String> {
    stdout(o).lines().skip(1).map(str::to_string).collect()
}

#[test]
fn templates_are_listed_with_parameters_and_descriptions() {
    let out = kql(&["templates"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.starts_with("NAME"), "{text}");
    let latest = text
        .lines()
        .find(|l| l.starts_with("latest-100-calls "))
        .expect("latest-100-calls is listed");
    assert!(latest.contains("n:long = 100"), "{latest}");
    assert!(latest.contains("most recent calls"), "{latest}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("llm-tokens-by-deployment "))
    );
}

#[test]
fn a_template_prints_its_text() {
    let out = kql(&["templates", "calls-by-api"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("summarize count(CorrelationId) by ApiId"));
    assert!(stderr(&out).contains("template 'calls-by-api' (built-in)"));
}

#[test]
fn run_uses_defaults_and_parameter_values() {
    let out = kql(&["run", "latest-100-calls", "-f", "csv"]);
    assert_exit(&out, 0);
    assert_eq!(csv_rows(&out).len(), 100);
    let out = kql(&["run", "latest-100-calls", "--param", "n=7", "-f", "csv"]);
    assert_exit(&out, 0);
    assert_eq!(csv_rows(&out).len(), 7);
    let out = kql(&["run", "latest-100-calls", "-p", "n=2", "-f", "json"]);
    assert_exit(&out, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(doc["rows"].as_array().map(Vec::len), Some(2));
}

#[test]
fn an_unknown_template_suggests_the_closest() {
    let out = kql(&["run", "latest-calls"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("no template named 'latest-calls'; did you mean 'latest-100-calls'?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bad_parameter_names_the_parameter_and_its_type() {
    let out = kql(&["run", "latest-100-calls", "--param", "n=many"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("parameter 'n' wants a long value"),
        "{}",
        stderr(&out)
    );
    let out = kql(&["run", "overall-latency", "--param", "bin_size=soon"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("parameter 'bin_size' wants a timespan value"));
    let out = kql(&["run", "calls-by-api", "--param", "n=5"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("unknown parameter 'n'"),
        "{}",
        stderr(&out)
    );
    let out = kql(&["run", "calls-by-api", "--param", "n"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("expected NAME=VALUE"));
}

#[test]
fn user_templates_shadow_built_in_ones() {
    let home = tempfile::tempdir().expect("temp home");
    let user = home.path().join("config/kql/queries");
    std::fs::create_dir_all(&user).expect("user folder");
    std::fs::write(
        user.join("calls-by-api.kql"),
        "// name: Mine\n// description: My calls by API.\n\
         declare query_parameters(api:string = \"echo-api\");\n\
         ApiManagementGatewayLogs | where ApiId == api | summarize calls = count() by ApiId\n",
    )
    .expect("write template");
    let out = kql_in(home.path(), &["run", "calls-by-api", "-f", "csv"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.starts_with("ApiId,calls\necho-api,"), "{text}");
    let out = kql_in(
        home.path(),
        &[
            "run",
            "calls-by-api",
            "-f",
            "csv",
            "--param",
            "api=petstore",
        ],
    );
    assert!(stdout(&out).contains("petstore,"), "{}", stdout(&out));
    let list = kql_in(home.path(), &["templates"]);
    let line = stdout(&list)
        .lines()
        .find(|l| l.starts_with("calls-by-api "))
        .map(str::to_string)
        .expect("listed");
    assert!(line.contains("My calls by API."), "{line}");
    assert!(
        line.contains("config/kql/queries/calls-by-api.kql"),
        "{line}"
    );

    // --queries folders come last and win over the user's folder.
    let team = tempfile::tempdir().expect("team folder");
    std::fs::write(
        team.path().join("calls-by-api.kql"),
        "// name: Team\n// description: Team's.\nprint who = 'team'\n",
    )
    .expect("write template");
    let out = kql_in(
        home.path(),
        &[
            "run",
            "calls-by-api",
            "--queries",
            team.path().to_str().expect("UTF-8 path"),
            "-f",
            "csv",
        ],
    );
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "who\nteam\n");
    let out = kql_in(home.path(), &["run", "x", "--queries", "/nonexistent/kql"]);
    assert_exit(&out, 2);
}

#[test]
fn the_time_picker_restricts_every_table() {
    let all = kql(&["run", "number-of-requests", "-f", "csv"]);
    assert_exit(&all, 0);
    let last_day = kql(&[
        "run",
        "number-of-requests",
        "--now",
        NOW,
        "--timespan",
        "24h",
        "-f",
        "csv",
    ]);
    assert_exit(&last_day, 0);
    let count = |o: &Output| -> u64 {
        csv_rows(o)[0]
            .rsplit(',')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a count")
    };
    assert!(
        count(&last_day) < count(&all),
        "{} vs {}",
        count(&last_day),
        count(&all)
    );
    let same_day = kql(&[
        "query",
        "-f",
        "csv",
        "ApiManagementGatewayLogs | where TimeGenerated >= datetime(2026-11-25) | summarize count(CorrelationId) by _ResourceId",
    ]);
    assert_eq!(csv_rows(&same_day), csv_rows(&last_day));
    let window = kql(&[
        "query",
        "-f",
        "csv",
        "--from",
        "2026-11-24",
        "--to",
        "2026-11-25",
        "ApiManagementGatewayLlmLog | summarize min(TimeGenerated), max(TimeGenerated)",
    ]);
    assert_exit(&window, 0);
    let row = &csv_rows(&window)[0];
    assert!(
        row.starts_with("2026-11-24T") && row.contains(",2026-11-24T"),
        "{row}"
    );

    let bad = kql(&["query", "--timespan", "soon", "print 1"]);
    assert_exit(&bad, 2);
    let backwards = kql(&[
        "query",
        "--from",
        "2026-11-25",
        "--to",
        "2026-11-24",
        "print 1",
    ]);
    assert_exit(&backwards, 2);
    assert!(stderr(&backwards).contains("--from must be before --to"));
}

#[test]
fn now_pins_now_and_ago() {
    let out = kql(&[
        "query",
        "--now",
        NOW,
        "-f",
        "csv",
        "print n = now(), a = ago(1d)",
    ]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "n,a\n2026-11-26T00:00:00Z,2026-11-25T00:00:00Z\n"
    );
}

#[test]
fn explain_shows_the_parsed_query_and_both_plans() {
    let out = kql(&[
        "query",
        "--explain",
        "ApiManagementGatewayLogs | where ResponseCode == 429 | summarize n = count() by ApiId",
    ]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    for part in [
        "== Parsed query ==",
        "ApiManagementGatewayLogs | where ResponseCode == 429 | summarize n = count() by ApiId",
        "== Logical plan ==",
        "Aggregate",
        "== Physical plan ==",
        "AggregateExec",
    ] {
        assert!(text.contains(part), "missing '{part}' in\n{text}");
    }
    let out = kql(&["run", "latest-100-calls", "--explain", "--param", "n=3"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("declare query_parameters"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_kql()"),
        ("zsh", "#compdef kql"),
        ("fish", "complete -c kql"),
    ] {
        let out = kql(&["completions", shell]);
        assert_exit(&out, 0);
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("templates"),
            "{shell} completes subcommands"
        );
    }
    assert_exit(&kql(&["completions", "tcsh"]), 2);
}

#[test]
fn kql_alone_without_a_terminal_prints_usage_and_exits_2() {
    let out = kql(&[]);
    assert_exit(&out, 2);
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.contains("Usage: kql [COMMAND]"), "{err}");
    assert!(err.contains("Exit codes:"), "{err}");
}

#[test]
fn every_help_lists_the_exit_codes() {
    for command in ["query", "run", "templates", "tables", "schema", "shell"] {
        let out = kql(&[command, "--help"]);
        assert_exit(&out, 0);
        assert!(
            stdout(&out).contains("Exit codes:\n  0  success"),
            "{command} --help"
        );
    }
}

/// Without a terminal there is no progress or colour on stderr: only the
/// messages a script can rely on.
#[test]
fn non_terminals_get_plain_output() {
    let out = kql(&["run", "calls-by-api"]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(!err.contains("running the query"), "{err}");
    assert!(!stdout(&out).contains('\x1b'));
}
