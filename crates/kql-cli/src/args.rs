//! The command line as clap sees it. Help texts live here so that `--help`
//! stays the one place a user learns the commands, their examples and exit codes.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The exit-code table every `--help` ends with (a macro so `concat!` can splice it).
macro_rules! exit_codes {
    () => {
        "\n\nExit codes:
  0  success (also when the reader of stdout goes away early, as with `| head`)
  1  the query failed while running, or the data could not be read
  2  usage error, or a syntax or semantic error in the query"
    };
}

const MAIN_AFTER_HELP: &str = concat!(
    "Examples:
  kql query 'ApiManagementGatewayLogs | summarize count() by ResponseCode'
  kql query -d ./logs 'ApiManagementGatewayLogs | take 10'
  kql tables -d ./logs
  kql schema ApiManagementGatewayLogs

Without -d/-t, kql queries the sample logs bundled in the binary.",
    exit_codes!()
);

const QUERY_AFTER_HELP: &str = concat!(
    "Examples:
  kql query 'ApiManagementGatewayLogs | summarize count() by ResponseCode'
  kql query -d ./logs 'ApiManagementGatewayLogs | where ResponseCode >= 500 | take 20'
  kql query -t Gw=./gateway.json 'Gw | summarize avg(TotalTime) by bin(TimeGenerated, 1h)'
  kql query -q report.kql -f csv -o report.csv
  echo 'print x = 1' | kql query -
  kql query -f ndjson 'ApiManagementGatewayLlmLog | take 5' | head -n 2",
    exit_codes!()
);

const TABLES_AFTER_HELP: &str = concat!(
    "Examples:
  kql tables
  kql tables -d ./logs -t Llm=./llm-2024-06.json",
    exit_codes!()
);

const SCHEMA_AFTER_HELP: &str = concat!(
    "Examples:
  kql schema
  kql schema ApiManagementGatewayLogs
  kql schema -d ./logs Gateway",
    exit_codes!()
);

/// Run KQL (Kusto Query Language) over Azure API Management and Azure OpenAI JSON logs.
#[derive(Debug, Parser)]
#[command(
    name = "kql",
    version,
    long_about = "Run KQL (Kusto Query Language) queries locally over Azure API Management \
                  and Azure OpenAI JSON logs.\n\n\
                  Each log file becomes a table named after its file stem (or the name given \
                  with -t NAME=PATH).",
    after_help = MAIN_AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a query and print its result
    #[command(after_help = QUERY_AFTER_HELP)]
    Query(QueryArgs),
    /// List the tables with their row counts and sources
    #[command(after_help = TABLES_AFTER_HELP)]
    Tables(TablesArgs),
    /// Print the columns and Kusto types of one table, or of every table
    #[command(after_help = SCHEMA_AFTER_HELP)]
    Schema(SchemaArgs),
}

/// Where the tables come from; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// A JSON log file, or a folder of them; each file is a table named after its stem
    #[arg(short = 'd', long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,

    /// Load PATH (a file or folder) as the table NAME
    #[arg(short = 't', long = "table", value_name = "NAME=PATH", value_parser = parse_named_path)]
    pub tables: Vec<(String, PathBuf)>,

    /// Fail when a record cannot be read, instead of skipping it with a warning
    #[arg(long)]
    pub strict: bool,
}

impl DataArgs {
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.tables.is_empty()
    }
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query text; `-` reads it from stdin
    #[arg(
        value_name = "QUERY",
        allow_hyphen_values = true,
        required_unless_present = "query_file",
        conflicts_with = "query_file"
    )]
    pub query: Option<String>,

    /// Read the query from FILE (`-` for stdin)
    #[arg(short = 'q', long = "query-file", value_name = "FILE")]
    pub query_file: Option<PathBuf>,

    #[command(flatten)]
    pub data: DataArgs,

    /// Output format
    #[arg(
        short = 'f',
        long = "format",
        value_name = "FORMAT",
        default_value = "table",
        ignore_case = true,
        value_parser = ["table", "csv", "json", "ndjson"]
    )]
    pub format: String,

    /// Write the result to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TablesArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The table to describe; every table when omitted
    #[arg(value_name = "TABLE")]
    pub table: Option<String>,

    #[command(flatten)]
    pub data: DataArgs,
}

/// `NAME=PATH`, split at the first `=` because paths may contain `=` but table
/// names cannot.
fn parse_named_path(text: &str) -> Result<(String, PathBuf), String> {
    let (name, path) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=PATH, got '{text}'"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!(
            "missing table name in '{text}' (expected NAME=PATH)"
        ));
    }
    if path.is_empty() {
        return Err(format!("missing path in '{text}' (expected NAME=PATH)"));
    }
    Ok((name.to_string(), PathBuf::from(path)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn named_path_splits_at_first_equals() {
        assert_eq!(
            parse_named_path("T=a=b.json"),
            Ok(("T".to_string(), PathBuf::from("a=b.json")))
        );
        assert!(parse_named_path("nopath").is_err());
        assert!(parse_named_path("=x.json").is_err());
        assert!(parse_named_path("T=").is_err());
    }
}
