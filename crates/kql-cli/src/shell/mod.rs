//! The interactive shell: `kql` on a terminal. Queries may span lines (an
//! unfinished one goes on to the next line, Alt-Enter adds one), Tab completes
//! names, history is kept between runs, results print as tables, and Ctrl-C
//! cancels the running query rather than the shell.

mod helper;

use crate::app::{describe, note};
use crate::args::ShellArgs;
use crate::commands::{schema, tables, templates as list};
use crate::data::open_query_session;
use crate::output::{color_enabled, rows_note, table_width, write_results, write_to};
use crate::templates::{Catalog, closest, user_dir};
use helper::{COMMANDS, KqlHelper, Names};
use kql_engine::Session;
use kql_render::OutputFormat;
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{Cmd, CompletionType, Config, Editor, EventHandler, KeyCode, KeyEvent, Modifiers};
use std::path::PathBuf;
use std::sync::Arc;

const PROMPT: &str = "kql> ";

const HELP: &str = "\
Type a KQL query and press Enter to run it, e.g.
  ApiManagementGatewayLogs | summarize count() by ApiId
A query ending in '|', ',', '(' or 'by' goes on to the next line; Alt-Enter starts a new line.

Commands:
  .tables                 the tables, their row counts and sources
  .schema [TABLE]         the columns and types of a table (or of all)
  .templates              the saved queries
  .run NAME [N=V …]       run a saved query, with parameter values
  .help                   this text
  .quit                   leave (also Ctrl-D)

Keys: Tab completes names, Up/Down walk the history, Ctrl-R searches it,
Ctrl-C cancels the running query or clears the line.";

/// What the loop does after a command.
#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

pub async fn run(args: ShellArgs) -> anyhow::Result<()> {
    // Shared with the task each query runs in, so the prompt can return while
    // a cancelled query winds down.
    let session = Arc::new(open_query_session(&args.data, &args.time)?);
    let catalog = Catalog::load(user_dir().as_deref(), &args.queries.queries)
        .map_err(crate::app::UsageError)?;
    // Listening for SIGINT replaces the default "terminate" for the life of
    // the process, so a Ctrl-C between queries cannot kill the shell either.
    #[cfg(unix)]
    let _sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());

    let config = Config::builder()
        .max_history_size(5000)?
        .history_ignore_dups(true)?
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .build();
    let mut editor: Editor<KqlHelper, FileHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(KqlHelper::new(
        names(&session, &catalog),
        color_enabled(),
    )));
    editor.bind_sequence(
        KeyEvent(KeyCode::Enter, Modifiers::ALT),
        EventHandler::Simple(Cmd::Newline),
    );
    let history = history_path();
    if let Some(path) = &history
        && path.exists()
        && let Err(e) = editor.load_history(path)
    {
        note(&format!(
            "kql: cannot read the history '{}': {e}",
            path.display()
        ));
    }
    note(&format!(
        "kql {} — Enter runs a query, Tab completes, .help for help, Ctrl-D leaves",
        env!("CARGO_PKG_VERSION")
    ));

    let mut history_warned = false;
    loop {
        let line = match editor.readline(PROMPT) {
            Ok(line) => line,
            // Ctrl-C at the prompt drops the line being typed, as in bash.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        };
        let input = line.trim();
        if input.is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(input);
        if let Some(path) = &history
            && let Err(e) = save_history(&mut editor, path)
            && !history_warned
        {
            history_warned = true;
            note(&format!(
                "kql: cannot save the history to '{}': {e}",
                path.display()
            ));
        }
        let flow = match input.strip_prefix('.') {
            Some(command) => dot_command(command, &session, &catalog).await,
            None => {
                run_query(&session, input, &[]).await;
                Flow::Continue
            }
        };
        if flow == Flow::Quit {
            break;
        }
    }
    Ok(())
}

/// `$XDG_STATE_HOME/kql/history`, else `~/.local/state/kql/history`.
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(base.join("kql").join("history"))
}

fn save_history(
    editor: &mut Editor<KqlHelper, FileHistory>,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Appending keeps entries that another shell saved meanwhile.
    editor.append_history(path)?;
    Ok(())
}

/// Everything Tab can complete: tables and their columns, operators,
/// functions and template names.
fn names(session: &Session, catalog: &Catalog) -> Names {
    let vocabulary = kql_engine::vocabulary();
    let mut names = Names {
        tables: session.tables().into_iter().map(|(n, _)| n).collect(),
        operators: vocabulary.operators.iter().map(|s| s.to_string()).collect(),
        functions: vocabulary.functions.iter().map(|s| s.to_string()).collect(),
        templates: catalog.iter().map(|t| t.name.clone()).collect(),
        ..Names::default()
    };
    for table in &names.tables {
        if let Ok(columns) = schema::columns_of(session, table) {
            names.columns.extend(columns.into_iter().map(|(c, _)| c));
        }
    }
    names.columns.sort();
    names.columns.dedup();
    names
}

/// Runs a query until it ends or Ctrl-C cancels it, and prints the outcome.
async fn run_query(session: &Arc<Session>, text: &str, params: &[(String, String)]) {
    let busy = crate::progress::busy("running the query (Ctrl-C cancels)");
    // The query runs in its own task: a stretch of work that does not yield
    // cannot then keep this one from seeing Ctrl-C, and aborting the task
    // drops the query, which stops DataFusion's work at its next yield.
    let query = {
        let session = Arc::clone(session);
        let text = text.to_string();
        let params = params.to_vec();
        tokio::spawn(async move { session.query_with_params(&text, &params).await })
    };
    let abort = query.abort_handle();
    let outcome = tokio::select! {
        biased;
        _ = tokio::signal::ctrl_c() => None,
        joined = query => Some(joined),
    };
    drop(busy);
    let result = match outcome {
        None => {
            abort.abort();
            note("kql: query cancelled");
            return;
        }
        Some(Err(join)) => {
            note(&format!("error: the query stopped: {join}"));
            return;
        }
        Some(Ok(Err(e))) => {
            report(&anyhow::Error::new(e));
            return;
        }
        Some(Ok(Ok(result))) => result,
    };
    let max_width = table_width(None);
    let printed = write_to(None, |out| {
        write_results(out, &result, OutputFormat::Table, max_width)
    });
    if let Err(e) = printed {
        report(&e);
        return;
    }
    if let Some(chart) = &result.visualization {
        note(&format!(
            "kql: the query renders a {}; `kql query … -o FILE.png` draws it",
            chart.kind
        ));
    }
    note(&rows_note(&result));
}

fn report(error: &anyhow::Error) {
    let (message, _) = describe(error);
    note(&message);
}

async fn dot_command(command: &str, session: &Arc<Session>, catalog: &Catalog) -> Flow {
    let mut words = command.split_whitespace();
    let name = words.next().unwrap_or("");
    let rest: Vec<&str> = words.collect();
    let outcome: anyhow::Result<()> = match name {
        "quit" | "exit" | "q" => return Flow::Quit,
        "help" | "h" | "?" => {
            println!("{HELP}");
            Ok(())
        }
        "tables" => match tables::table_rows(session).await {
            Ok(rows) => write_to(None, |out| tables::write_tables(out, &rows)),
            Err(e) => Err(e),
        },
        "schema" => schema::describe(session, rest.first().copied()).and_then(|described| {
            write_to(None, |out| {
                schema::write_schema(out, &described, !rest.is_empty())
            })
        }),
        "templates" => write_to(None, |out| list::write_list(out, catalog)),
        "run" => {
            run_template(&rest, session, catalog).await;
            Ok(())
        }
        other => {
            let typed = format!(".{other}");
            let hint = closest(&typed, COMMANDS.iter().copied())
                .map(|c| format!("; did you mean '{c}'?"))
                .unwrap_or_default();
            note(&format!(
                "kql: unknown command '{typed}'{hint} (.help lists them)"
            ));
            Ok(())
        }
    };
    if let Err(e) = outcome {
        report(&e);
    }
    Flow::Continue
}

/// `.run NAME [NAME=VALUE …]`
async fn run_template(words: &[&str], session: &Arc<Session>, catalog: &Catalog) {
    let Some((name, values)) = words.split_first() else {
        note("kql: .run needs a template name (.templates lists them)");
        return;
    };
    let template = match catalog.get(name) {
        Ok(t) => t,
        Err(message) => {
            note(&format!("error: {message}"));
            return;
        }
    };
    let mut params = Vec::with_capacity(values.len());
    for value in values {
        match value.split_once('=') {
            Some((k, v)) if !k.is_empty() => params.push((k.to_string(), v.to_string())),
            _ => {
                note(&format!("error: expected NAME=VALUE, got '{value}'"));
                return;
            }
        }
    }
    run_query(session, &template.text, &params).await;
}
