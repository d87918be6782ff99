//! The `kql` command line: `kql query`, saved queries (`kql run`, `kql
//! templates`), `kql tables`, `kql schema` and the interactive shell over JSON
//! logs loaded into a [`kql_engine::Session`].
//!
//! The binary's `main` only parses arguments and hands them to [`app::run`]; the
//! commands live here as a library so the logic stays testable and `main` thin.
//!
//! Exit codes (also printed by `kql --help`):
//!
//! | code | meaning |
//! |-----:|---------|
//! | 0 | success, including a reader of stdout that went away early (`kql … \| head`) |
//! | 1 | the query failed while running, or the data could not be read |
//! | 2 | usage error, or a syntax or semantic error in the query |

pub mod app;
pub mod args;
mod commands;
mod data;
mod output;
mod progress;
pub mod shell;
pub mod templates;
