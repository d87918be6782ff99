//! `kql`: run KQL queries over Azure API Management / Azure OpenAI JSON logs.
//! See `kql --help` and the `kql_cli` library docs for commands and exit codes.

use clap::Parser;
use kql_cli::{app, args::Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap exits by itself on bad arguments (code 2) and for --help/--version (code 0).
    app::run(Cli::parse())
}
