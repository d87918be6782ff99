//! `kql completions SHELL`: a completion script generated from the clap definition.

use crate::args::{Cli, CompletionsArgs};
use crate::output::write_to;
use clap::CommandFactory as _;

pub fn run(args: CompletionsArgs) -> anyhow::Result<()> {
    let mut command = Cli::command();
    write_to(None, |out| {
        clap_complete::generate(args.shell, &mut command, "kql", out);
        Ok(())
    })
}
