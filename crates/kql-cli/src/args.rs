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
  kql run latest-100-calls --param n=20 --timespan 24h
  kql templates
  kql tables -d ./logs
  kql schema ApiManagementGatewayLogs
  kql shell -d ./logs

Without -d/-t, kql queries the sample logs bundled in the binary.
With no command on a terminal, kql opens the interactive shell.

Environment:
  KQL_THREADS=N      use at most N threads (default: one per core)
  KQL_CACHE=off      do not keep an index of loaded files (default: on; an
                     unchanged file is then not read twice by later queries)
  KQL_CACHE_DIR=DIR  where that index lives (default: ~/.cache/kql)",
    exit_codes!()
);

const RUN_AFTER_HELP: &str = concat!(
    "Examples:
  kql run latest-100-calls
  kql run latest-100-calls --param n=20 -f csv
  kql run calls-by-api -d ./logs --timespan 24h
  kql run overall-latency --param bin_size=1h -o latency.png
  kql run error-reasons --from 2026-11-24 --to 2026-11-25
  kql run number-of-requests --now 2026-11-26T00:00:00Z --timespan 1d
  kql run my-report --queries ./team-queries

Templates come from the binary, from $XDG_CONFIG_HOME/kql/queries (else
~/.config/kql/queries) and from --queries folders; a template found later in
that list replaces a built-in one of the same name.",
    exit_codes!()
);

const TEMPLATES_AFTER_HELP: &str = concat!(
    "Examples:
  kql templates
  kql templates latest-100-calls
  kql templates --queries ./team-queries

A template is a .kql file named after it, starting with comment lines:
  // name: Calls per API
  // description: Number of calls per API.
  declare query_parameters(api:string = \"\");
  ApiManagementGatewayLogs | where isempty(api) or ApiId == api | summarize count() by ApiId
Save it in ~/.config/kql/queries/ (or $XDG_CONFIG_HOME/kql/queries/) to run it by name.",
    exit_codes!()
);

const SHELL_AFTER_HELP: &str = concat!(
    "Keys:
  Enter        run the query (a query ending in '|', ',' or '(' goes on to the next line)
  Alt-Enter    start a new line
  Tab          complete table, column, operator and function names
  Ctrl-C       cancel the running query, or clear the line
  Ctrl-D       leave (also .quit)
  Up/Down      history, kept in $XDG_STATE_HOME/kql/history (else ~/.local/state/kql/history)

Commands: .help  .tables  .schema [TABLE]  .templates  .run NAME [NAME=VALUE…]  .quit",
    exit_codes!()
);

const COMPLETIONS_AFTER_HELP: &str = "Examples:
  kql completions bash > ~/.local/share/bash-completion/completions/kql
  kql completions zsh > ~/.zfunc/_kql
  kql completions fish > ~/.config/fish/completions/kql.fish";

const QUERY_AFTER_HELP: &str = concat!(
    "Examples:
  kql query 'ApiManagementGatewayLogs | summarize count() by ResponseCode'
  kql query -d ./logs 'ApiManagementGatewayLogs | where ResponseCode >= 500 | take 20'
  kql query -t Gw=./gateway.json 'Gw | summarize avg(TotalTime) by bin(TimeGenerated, 1h)'
  kql query -q report.kql -f csv -o report.csv
  kql query 'ApiManagementGatewayLogs | summarize count() by bin(TimeGenerated, 1h), ApiId | render timechart' -o calls.png
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
    /// With no command, a terminal gets the interactive shell
    #[command(subcommand)]
    pub command: Option<Command>,
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
    /// Run a saved query (template) by name
    #[command(
        after_help = RUN_AFTER_HELP,
        mut_arg("query", |a| a.hide(true)),
        mut_arg("query_file", |a| a.hide(true))
    )]
    Run(RunArgs),
    /// List the saved queries (templates), or print one
    #[command(after_help = TEMPLATES_AFTER_HELP)]
    Templates(TemplatesArgs),
    /// Open the interactive shell (what `kql` alone does on a terminal)
    #[command(after_help = SHELL_AFTER_HELP)]
    Shell(ShellArgs),
    /// Print a shell completion script for kql
    #[command(after_help = COMPLETIONS_AFTER_HELP)]
    Completions(CompletionsArgs),
    /// Convert logs into a Parquet workspace once, to query many times with --workspace
    #[command(after_help = INGEST_AFTER_HELP)]
    Ingest(IngestArgs),
}

const INGEST_AFTER_HELP: &str = concat!(
    "Examples:
  kql ingest ./logs --into ./ws
  kql ingest ./logs ./more-logs --into ./ws     (later runs append only new files)
  kql query --workspace ./ws 'ApiManagementGatewayLogs | count'
  cd ./ws && kql query 'ApiManagementGatewayLogs | count'",
    exit_codes!()
);

/// `kql ingest SOURCE… --into DIR`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Log files or folders, as -d takes them
    #[arg(value_name = "SOURCE", required = true)]
    pub sources: Vec<PathBuf>,

    /// The workspace folder (created when missing)
    #[arg(long = "into", value_name = "DIR")]
    pub into: PathBuf,

    /// Fail when a record cannot be read, instead of skipping it with a warning
    #[arg(long)]
    pub strict: bool,
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

    /// Query the Parquet workspace DIR that `kql ingest` wrote (default: the current folder, when it is one)
    #[arg(long = "workspace", value_name = "DIR")]
    pub workspace: Option<PathBuf>,
}

impl DataArgs {
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.tables.is_empty() && self.workspace.is_none()
    }
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query text; `-` reads it from stdin
    #[arg(
        value_name = "QUERY",
        allow_hyphen_values = true,
        conflicts_with = "query_file"
    )]
    pub query: Option<String>,

    /// Read the query from FILE (`-` for stdin)
    #[arg(short = 'q', long = "query-file", value_name = "FILE")]
    pub query_file: Option<PathBuf>,

    #[command(flatten)]
    pub data: DataArgs,

    #[command(flatten)]
    pub time: TimeArgs,

    /// A value for a parameter the query declares with `declare query_parameters(…)`
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,

    /// Print the parsed query and DataFusion's logical and physical plans instead of running it
    #[arg(long)]
    pub explain: bool,

    /// Output format. A query with several result tables (`facet`) prints
    /// them in order: table and csv with a blank line between tables, ndjson
    /// every row of every table, json an array of the one-table objects
    #[arg(
        short = 'f',
        long = "format",
        value_name = "FORMAT",
        default_value = "table",
        ignore_case = true,
        value_parser = ["table", "csv", "json", "ndjson"]
    )]
    pub format: String,

    /// Write the result to FILE instead of stdout; a FILE ending in .png or .svg gets the chart
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Chart width in pixels (for -o FILE.png/.svg)
    #[arg(long, value_name = "PIXELS", default_value_t = 1280, value_parser = clap::value_parser!(u32).range(100..=8_000))]
    pub width: u32,

    /// Chart height in pixels (for -o FILE.png/.svg)
    #[arg(long, value_name = "PIXELS", default_value_t = 720, value_parser = clap::value_parser!(u32).range(100..=8_000))]
    pub height: u32,
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

/// The portal's time picker and a pinned clock; shared by the commands that run queries.
#[derive(Debug, Clone, Default, Args)]
pub struct TimeArgs {
    /// Only rows whose TimeGenerated lies in the last SPAN (`30m`, `24h`, `7d`), like the portal's time range
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    pub timespan: Option<i64>,

    /// Only rows whose TimeGenerated is at or after DATETIME (`2026-11-24`, `2026-11-24T06:00:00Z`)
    #[arg(long, value_name = "DATETIME", value_parser = parse_datetime)]
    pub from: Option<i64>,

    /// Only rows whose TimeGenerated is before DATETIME
    #[arg(long, value_name = "DATETIME", value_parser = parse_datetime)]
    pub to: Option<i64>,

    /// Pin now() and ago() (and the end of --timespan) to DATETIME, so runs over old logs repeat
    #[arg(long, value_name = "DATETIME", value_parser = parse_datetime)]
    pub now: Option<i64>,
}

/// Where saved queries come from besides the built-in ones.
#[derive(Debug, Clone, Default, Args)]
pub struct QueriesArgs {
    /// Also read templates from DIR (repeatable); they replace built-in and user templates of the same name
    #[arg(long = "queries", value_name = "DIR")]
    pub queries: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The template's name (`kql templates` lists them)
    #[arg(value_name = "TEMPLATE")]
    pub name: String,

    #[command(flatten)]
    pub queries: QueriesArgs,

    /// Everything `kql query` takes besides the query text (which the template gives)
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Print this template's text instead of the list
    #[arg(value_name = "TEMPLATE")]
    pub name: Option<String>,

    #[command(flatten)]
    pub queries: QueriesArgs,
}

#[derive(Debug, Args)]
pub struct ShellArgs {
    #[command(flatten)]
    pub data: DataArgs,

    #[command(flatten)]
    pub time: TimeArgs,

    #[command(flatten)]
    pub queries: QueriesArgs,
}

impl Default for ShellArgs {
    fn default() -> Self {
        ShellArgs {
            data: DataArgs {
                data: Vec::new(),
                tables: Vec::new(),
                strict: false,
                workspace: None,
            },
            time: TimeArgs::default(),
            queries: QueriesArgs::default(),
        }
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete kql in
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: clap_complete::Shell,
}

/// `NAME=VALUE` for `--param`; the value may be empty or contain `=`.
fn parse_param(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, got '{text}'"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!(
            "missing parameter name in '{text}' (expected NAME=VALUE)"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

/// A positive Kusto timespan (`15m`, `24h`, `7d`, `01:30:00`) in nanoseconds.
fn parse_span(text: &str) -> Result<i64, String> {
    match kql_engine::parse_timespan(text) {
        Some(nanos) if nanos > 0 => Ok(nanos),
        Some(_) => Err("the time span must be longer than zero".into()),
        None => Err("expected a time span such as 30m, 24h or 7d".into()),
    }
}

/// A datetime (`2026-11-24`, `2026-11-24T06:00:00Z`, RFC 1123) in nanoseconds since the epoch.
fn parse_datetime(text: &str) -> Result<i64, String> {
    kql_engine::parse_datetime(text)
        .ok_or_else(|| "expected a datetime such as 2026-11-24 or 2026-11-24T06:00:00Z".into())
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

    #[test]
    fn params_split_at_first_equals_and_may_be_empty() {
        assert_eq!(parse_param("n=5"), Ok(("n".into(), "5".into())));
        assert_eq!(parse_param("q=a=b"), Ok(("q".into(), "a=b".into())));
        assert_eq!(parse_param("api="), Ok(("api".into(), String::new())));
        assert!(parse_param("n").is_err());
        assert!(parse_param("=5").is_err());
    }

    #[test]
    fn spans_and_datetimes_parse_as_in_kql() {
        assert_eq!(parse_span("1h"), Ok(3_600_000_000_000));
        assert!(parse_span("0s").is_err());
        assert!(parse_span("soon").is_err());
        assert_eq!(parse_datetime("1970-01-02"), Ok(86_400_000_000_000));
        assert!(parse_datetime("yesterday").is_err());
    }
}
