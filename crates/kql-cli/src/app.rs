//! Runs a parsed command line and turns its outcome into an exit code and a
//! message on stderr.

use crate::args::{Cli, Command, ShellArgs};
use crate::commands;
use anyhow::Context as _;
use kql_engine::EngineError;
use std::fmt;
use std::io::{self, IsTerminal as _, Write as _};
use std::process::ExitCode;

/// Success, or a reader of stdout that left early.
pub const EXIT_OK: u8 = 0;
/// The query failed while running, or the data could not be read.
pub const EXIT_RUNTIME: u8 = 1;
/// Bad usage, or a syntax or semantic error in the query.
pub const EXIT_USAGE: u8 = 2;

/// A mistake in how kql was called that clap cannot see (an unreadable query
/// file, an unknown table name, …): reported like clap's own errors, exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Runs one command and returns the process exit code; every error has been
/// printed to stderr by then.
pub fn run(cli: Cli) -> ExitCode {
    // `kql` alone opens the shell on a terminal; a script or pipe gets the
    // usage instead of a shell that would wait on its stdin.
    if cli.command.is_none() && !io::stdin().is_terminal() {
        let help = <Cli as clap::CommandFactory>::command().render_help();
        note(&help.to_string());
        return ExitCode::from(EXIT_USAGE);
    }
    // Planning recurses over the query's expression tree: run on a thread with a
    // large stack (address space only) so deep queries cannot overflow it.
    let worker = std::thread::Builder::new()
        .name("kql".into())
        .stack_size(256 * 1024 * 1024)
        .spawn(move || execute(cli));
    let outcome = match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("internal error: the query thread stopped"))),
        Err(e) => Err(anyhow::anyhow!("cannot start the query thread: {e}")),
    };
    match outcome {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(error) => ExitCode::from(report_error(&error)),
    }
}

fn execute(cli: Cli) -> anyhow::Result<()> {
    // DataFusion spreads a plan's partitions over tokio tasks, so a multi-threaded
    // runtime is what lets a query use more than one core.
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = kql_engine::threads::from_env() {
        kql_engine::threads::init_scan_pool(n);
        runtime.worker_threads(n);
    }
    let runtime = runtime
        .enable_all()
        .thread_stack_size(64 * 1024 * 1024)
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match cli.command {
            Some(Command::Query(args)) => commands::query::run(args).await,
            Some(Command::Run(args)) => commands::run::run(args).await,
            Some(Command::Templates(args)) => commands::templates::run(args),
            Some(Command::Tables(args)) => commands::tables::run(args).await,
            Some(Command::Schema(args)) => commands::schema::run(args),
            Some(Command::Shell(args)) => crate::shell::run(args).await,
            Some(Command::Completions(args)) => commands::completions::run(args),
            Some(Command::Ingest(args)) => commands::ingest::run(args).await,
            None => crate::shell::run(ShellArgs::default()).await,
        }
    })
}

/// Prints `error` the way its kind calls for and picks the exit code.
fn report_error(error: &anyhow::Error) -> u8 {
    if is_broken_pipe(error) {
        // The reader of our output is gone (`kql … | head`): nothing to report.
        return EXIT_OK;
    }
    let (message, code) = describe(error);
    note(&message);
    code
}

/// The message and exit code for an error, without printing anything.
pub fn describe(error: &anyhow::Error) -> (String, u8) {
    if let Some(engine) = error.chain().find_map(|e| e.downcast_ref::<EngineError>()) {
        let code = if engine.is_usage() {
            EXIT_USAGE
        } else {
            EXIT_RUNTIME
        };
        return (engine.render(), code);
    }
    if let Some(usage) = error.chain().find_map(|e| e.downcast_ref::<UsageError>()) {
        return (format!("error: {usage}"), EXIT_USAGE);
    }
    (format!("error: {error:#}"), EXIT_RUNTIME)
}

/// True when some cause of `error` is an EPIPE from writing our output. Rust
/// ignores SIGPIPE, so a closed pipe shows up as this error instead of a signal.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// One line for the user on stderr. A failure to write stderr has nowhere left
/// to be reported, so it is ignored rather than turned into a panic.
pub fn note(message: &str) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{}", message.trim_end_matches('\n'));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pipe_is_found_behind_context() {
        let error = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe))
            .context("writing the result");
        assert!(is_broken_pipe(&error));
        let other = anyhow::Error::new(io::Error::from(io::ErrorKind::NotFound));
        assert!(!is_broken_pipe(&other));
    }

    #[test]
    fn usage_errors_exit_with_2_and_others_with_1() {
        let usage = anyhow::Error::new(UsageError("bad".into()));
        assert_eq!(describe(&usage), ("error: bad".to_string(), EXIT_USAGE));
        let other = anyhow::anyhow!("disk on fire");
        assert_eq!(describe(&other).1, EXIT_RUNTIME);
        let engine = anyhow::Error::new(EngineError::Usage("no files".into()));
        assert_eq!(describe(&engine).1, EXIT_USAGE);
    }
}
