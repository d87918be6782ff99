//! The session: tables, the DataFusion context, and running queries.

use crate::EngineError;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::TableProvider;
use datafusion::datasource::provider_as_source;
use datafusion::logical_expr::{LogicalPlan, LogicalPlanBuilder};
use datafusion::prelude::{SessionConfig, SessionContext};
use kql_functions::visualization::Visualization;
use kql_ingest::{IngestOptions, IngestReport, Input, JsonTable, Loaded, SourceData};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Stack for query threads: address space only, pages are touched on use.
const QUERY_STACK_BYTES: usize = 256 * 1024 * 1024;

/// What a query returned: Arrow batches whose column types map to Kusto types,
/// and the chart that `render` asked for, if any. These fields are the first
/// result table; a query ending in `facet` returns the others in `more`.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    pub visualization: Option<Visualization>,
    /// The result tables after the first, in order (each with an empty
    /// `more` and no visualization); empty for a query with one table.
    pub more: Vec<QueryResult>,
}

impl QueryResult {
    /// Rows of the first table only (see [`QueryResult::tables`]).
    pub fn row_count(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// Every result table in order: this one, then those in `more`.
    pub fn tables(&self) -> impl Iterator<Item = &QueryResult> {
        std::iter::once(self).chain(&self.more)
    }
}

/// A table known to the session, with where it came from.
struct TableEntry {
    provider: Arc<dyn TableProvider>,
    /// Set for tables read from logs, so that more of the same table (from
    /// another `-d` folder) can be added to it.
    json: Option<Arc<JsonTable>>,
    sources: Vec<String>,
}

/// One session: the tables a user pointed kql at and a DataFusion context with
/// every Kusto function registered.
pub struct Session {
    ctx: SessionContext,
    tables: BTreeMap<String, TableEntry>,
    reports: Vec<(String, IngestReport)>,
    options: IngestOptions,
    /// The time picker and pinned clock (`time_range.rs`).
    pub(crate) run: crate::time_range::RunOptions,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

impl Session {
    pub fn new() -> Self {
        let mut config = SessionConfig::new().with_information_schema(false);
        if let Some(n) = crate::threads::from_env() {
            config = config.with_target_partitions(n);
        }
        let ctx = SessionContext::new_with_config(config);
        kql_functions::register_all(&ctx);
        Session {
            ctx,
            tables: BTreeMap::new(),
            reports: Vec::new(),
            options: IngestOptions::default(),
            run: Default::default(),
        }
    }

    /// `--strict`: a record that cannot be read fails the load instead of being skipped.
    pub fn set_strict(&mut self, strict: bool) {
        self.options.strict = strict;
    }

    /// Whether loads keep and reuse the index of each file in the user's
    /// cache folder (see [`kql_ingest::IngestOptions::index`]); off by default.
    pub fn set_index(&mut self, on: bool) {
        self.options.index = on;
    }

    /// Registers any DataFusion table provider under a Kusto table name.
    pub fn register_table(&mut self, name: &str, provider: Arc<dyn TableProvider>) {
        self.tables.insert(
            name.to_string(),
            TableEntry {
                provider,
                json: None,
                sources: Vec::new(),
            },
        );
    }

    /// Loads a log file or folder (searched recursively). Each record goes
    /// to the table its content names — raw `GatewayLogs` records to
    /// `ApiManagementGatewayLogs`, Log Analytics exports to their `Type`, … —
    /// or else to the table named after its file; with `name`, every record
    /// goes to that table (still mapped to its Azure columns). Tables that
    /// already exist get the new records added.
    pub fn load_path(&mut self, path: &Path, name: Option<&str>) -> Result<(), EngineError> {
        let files = kql_ingest::find_files(path)?;
        if files.is_empty() {
            return Err(EngineError::Usage(format!(
                "no log files found in '{}'",
                path.display()
            )));
        }
        self.load_files(files, name)
    }

    /// Loads these files, as [`Session::load_path`] loads the files of a
    /// folder; a caller can load a large folder in parts to show progress.
    pub fn load_files(
        &mut self,
        files: Vec<std::path::PathBuf>,
        name: Option<&str>,
    ) -> Result<(), EngineError> {
        let inputs = files
            .into_iter()
            .map(|f| Input {
                data: SourceData::File(f),
                table: name.map(str::to_string),
            })
            .collect();
        let loaded = kql_ingest::load(inputs, &self.options)?;
        self.add_loaded(loaded, |label| label.to_string());
        Ok(())
    }

    /// Loads the sample logs bundled in the binary.
    pub fn load_sample(&mut self) -> Result<(), EngineError> {
        let inputs = crate::sample::SAMPLE_FILES
            .iter()
            .map(|(label, bytes)| {
                Input::new(SourceData::Bytes {
                    label: label.to_string(),
                    data: Arc::from(*bytes),
                })
            })
            .collect();
        let loaded = kql_ingest::load(inputs, &self.options)?;
        self.add_loaded(loaded, |label| format!("(bundled) {label}"));
        Ok(())
    }

    fn add_loaded(&mut self, loaded: Loaded, source_name: impl Fn(&str) -> String) {
        self.reports.extend(loaded.reports);
        for (table, json) in loaded.tables {
            let mut sources: Vec<String> = json.sources().iter().map(|s| source_name(s)).collect();
            let json = match self.tables.get(&table) {
                Some(TableEntry {
                    json: Some(existing),
                    sources: before,
                    ..
                }) => {
                    sources.splice(0..0, before.iter().cloned());
                    existing.combine(&json)
                }
                _ => json,
            };
            let json = Arc::new(json);
            self.tables.insert(
                table,
                TableEntry {
                    provider: json.clone(),
                    json: Some(json),
                    sources,
                },
            );
        }
    }

    /// What each load read and skipped, per table.
    pub fn reports(&self) -> &[(String, IngestReport)] {
        &self.reports
    }

    /// Table names with their sources.
    pub fn tables(&self) -> Vec<(String, Vec<String>)> {
        self.tables
            .iter()
            .map(|(n, e)| (n.clone(), e.sources.clone()))
            .collect()
    }

    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Parses and plans a query without running it.
    pub fn plan(&self, text: &str) -> Result<kql_planner::PlannedQuery, EngineError> {
        self.plan_with_params(text, crate::NO_PARAMS)
    }

    /// Runs every result table of a planned query, in order.
    pub(crate) async fn run_planned(
        &self,
        planned: kql_planner::PlannedQuery,
    ) -> Result<QueryResult, EngineError> {
        let mut first = self.run_plan(planned.plan, planned.visualization).await?;
        for plan in planned.more {
            first.more.push(self.run_plan(plan, None).await?);
        }
        Ok(first)
    }

    async fn run_plan(
        &self,
        plan: LogicalPlan,
        visualization: Option<Visualization>,
    ) -> Result<QueryResult, EngineError> {
        let df = self.ctx.execute_logical_plan(plan).await?;
        let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
        let batches = df.collect().await?;
        Ok(QueryResult {
            schema,
            batches,
            visualization,
            more: Vec::new(),
        })
    }

    /// Runs a query to completion.
    pub async fn query(&self, text: &str) -> Result<QueryResult, EngineError> {
        self.query_with_params(text, crate::NO_PARAMS).await
    }

    /// [`Session::query`] for callers without an async runtime (the CLI, tests).
    ///
    /// Planning and optimizing recurse over the query's expression tree, so the
    /// query runs on a thread with a large stack: a deeply nested query fails
    /// with an error (or succeeds) instead of overflowing a small stack.
    pub fn query_blocking(&self, text: &str) -> Result<QueryResult, EngineError> {
        std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .name("kql-query".into())
                .stack_size(QUERY_STACK_BYTES)
                .spawn_scoped(scope, || {
                    let rt = tokio::runtime::Builder::new_multi_thread()
                        .enable_all()
                        .thread_stack_size(QUERY_STACK_BYTES)
                        .build()
                        .map_err(|e| EngineError::Usage(format!("cannot start runtime: {e}")))?;
                    rt.block_on(self.query(text))
                })
                .map_err(|e| EngineError::Usage(format!("cannot start query thread: {e}")))?;
            worker
                .join()
                .unwrap_or_else(|_| Err(EngineError::Usage("the query thread failed".into())))
        })
    }
}

impl kql_planner::TableResolver for Session {
    fn resolve_table(&self, name: &str) -> Option<LogicalPlan> {
        let entry = self.tables.get(name)?;
        LogicalPlanBuilder::scan(name, provider_as_source(entry.provider.clone()), None)
            .and_then(LogicalPlanBuilder::build)
            .and_then(|scan| crate::time_range::restrict(scan, self.run.range))
            .ok()
    }

    fn table_names(&self) -> Vec<String> {
        self.tables.keys().cloned().collect()
    }

    fn execute(&self, plan: &LogicalPlan) -> Option<Result<Vec<RecordBatch>, String>> {
        let run = async {
            let df = self.ctx.execute_logical_plan(plan.clone()).await?;
            df.collect().await
        };
        // Planning runs inside the query's runtime (a multi-threaded one) or
        // outside any runtime; block on the sub-query accordingly.
        let result = match tokio::runtime::Handle::try_current() {
            Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| handle.block_on(run))
            }
            Ok(_) => return None,
            Err(_) => match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt.block_on(run),
                Err(e) => return Some(Err(e.to_string())),
            },
        };
        Some(result.map_err(|e| e.to_string()))
    }
}
