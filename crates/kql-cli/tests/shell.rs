//! The interactive shell driven through a real pseudo-terminal, as a person
//! would use it: multi-line queries, Tab completion, dot commands, Ctrl-C on
//! a running query and at the prompt, and history kept between runs.

#![cfg(unix)]

use rexpect::session::{PtySession, spawn_command};
use std::path::Path;
use std::process::Command;

const KQL: &str = env!("CARGO_BIN_EXE_kql");
/// Generous: the debug build plans and runs queries slowly on a busy machine.
const TIMEOUT_MS: u64 = 60_000;
const PROMPT: &str = "kql> ";

/// `kql` alone on a terminal, with its state and config folders in `home`;
/// `NO_COLOR` set unless `color`.
fn shell(home: &Path, color: bool) -> PtySession {
    let mut command = Command::new(KQL);
    command
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("TERM", "xterm")
        .env("COLUMNS", "200")
        .env_remove("RUST_LOG");
    if color {
        command.env_remove("NO_COLOR");
    } else {
        command.env("NO_COLOR", "1");
    }
    let mut session = spawn_command(command, Some(TIMEOUT_MS)).expect("spawn kql in a pty");
    session.exp_string("Ctrl-D leaves").expect("banner");
    session.exp_string(PROMPT).expect("first prompt");
    session
}

#[test]
fn the_shell_runs_queries_completes_names_and_cancels() {
    let home = tempfile::tempdir().expect("temp home");
    let mut p = shell(home.path(), false);

    // A query ending in '|' goes on to the next line; Enter on the last runs it.
    p.send_line("ApiManagementGatewayLogs |").unwrap();
    p.send_line(" where ApiId == 'echo-api' | summarize calls = count() by ApiId")
        .unwrap();
    p.exp_string("calls").unwrap();
    p.exp_string("echo-api").unwrap();
    p.exp_string("(1 row)").unwrap();
    p.exp_string(PROMPT).unwrap();

    // Tab completes a table name, then an operator after the pipe.
    p.send("ApiManagementGatewayLl\t").unwrap();
    p.flush().unwrap();
    p.exp_string("ApiManagementGatewayLlmLog").unwrap();
    p.send(" | summ\t").unwrap();
    p.flush().unwrap();
    p.exp_string("summarize").unwrap();
    p.send_line(" tokens = sum(TotalTokens)").unwrap();
    p.exp_string("tokens").unwrap();
    p.exp_string("(1 row)").unwrap();
    p.exp_string(PROMPT).unwrap();

    // Dot commands.
    p.send_line(".tables").unwrap();
    p.exp_string("ROWS").unwrap();
    p.exp_string("ApiManagementGatewayLlmLog").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line(".schema ApiManagementGatewayLlmLog").unwrap();
    p.exp_string("PromptTokens").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line(".help").unwrap();
    p.exp_string(".schema [TABLE]").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line(".run latest-100-calls n=2").unwrap();
    p.exp_string("(2 rows)").unwrap();
    p.exp_string(PROMPT).unwrap();

    // An error is printed with its caret and the shell goes on.
    p.send_line("ApiManagementGatewayLogs | where NoSuchColumn > 1")
        .unwrap();
    p.exp_string("unknown column 'NoSuchColumn'").unwrap();
    p.exp_string(PROMPT).unwrap();

    // Ctrl-C cancels a long query, not the shell.
    p.send_line(
        "range x from 1 to 99000000 step 1 | extend y = strcat(tostring(x), '-', tostring(x)) | summarize count() by y | count",
    )
    .unwrap();
    // On a terminal a spinner shows that the query is still running.
    p.exp_string("running the query").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("query cancelled").unwrap();
    p.exp_string(PROMPT).unwrap();

    // Ctrl-C at the prompt drops the line being typed.
    p.send("print dropped = 1").unwrap();
    p.flush().unwrap();
    p.send_control('c').unwrap();
    // Input typed before the next prompt would be thrown away when the terminal
    // goes back to raw mode, as in any line editor.
    p.exp_string(PROMPT).unwrap();
    p.send_line("print answer = 41 + 1").unwrap();
    p.exp_string("answer").unwrap();
    p.exp_string("42").unwrap();
    p.exp_string(PROMPT).unwrap();

    p.send_line(".quit").unwrap();
    p.exp_eof().unwrap();

    // The history was kept, multi-line query included, and a new shell reads it.
    let history = std::fs::read_to_string(home.path().join("state/kql/history")).unwrap();
    assert!(history.contains("print answer = 41 + 1"), "{history}");
    assert!(history.contains("where ApiId == 'echo-api'"), "{history}");
    assert!(!history.contains("dropped"), "{history}");

    // With colour allowed (no NO_COLOR) the prompt is coloured.
    let mut again = shell(home.path(), true);
    assert!(again_prompt_was_coloured(&mut again));
    // Up three times: past this run's print and the last run's `.quit` to the
    // last run's print; Enter runs it again.
    again.send("\x1b[A\x1b[A\x1b[A").unwrap();
    again.flush().unwrap();
    again.exp_string("print answer").unwrap();
    again.send_line("").unwrap();
    again.exp_string("42").unwrap();
    again.exp_string(PROMPT).unwrap();
    // Ctrl-D on an empty line leaves.
    again.send_control('d').unwrap();
    again.exp_eof().unwrap();
}

/// The banner and first prompt were read by `shell`; a fresh prompt shows
/// whether it is drawn in colour.
fn again_prompt_was_coloured(p: &mut PtySession) -> bool {
    p.send_line("print c = 1").unwrap();
    p.exp_string("(1 row)").unwrap();
    p.exp_string("\x1b[1;36mkql> ").is_ok()
}
