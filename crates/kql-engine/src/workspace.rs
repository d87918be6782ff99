//! A columnar workspace: logs converted once into Parquet (`kql ingest`) and
//! queried many times (`kql query --workspace`).
//!
//! Layout: `DIR/<Table>/day=YYYY-MM-DD/part-<run>-<n>.parquet`, one dataset per
//! table, split by the UTC day of `TimeGenerated` (`day=unknown` for rows
//! without one), plus `DIR/_kql_manifest.json` listing every ingested source
//! (path, size, mtime) and every data file (table, rows, min/max
//! `TimeGenerated`).
//!
//! Atomicity: a run writes its files under `DIR/.kql-tmp-<run>/`, renames them
//! into place only after every write succeeded, and replaces the manifest
//! last (temp file + rename). Readers only read files the manifest lists, so
//! an interrupted run — leftover temp folder, or files renamed but not yet
//! listed — changes nothing a query sees.
//!
//! Types: Arrow types round-trip through Parquet because the writer embeds the
//! Arrow schema (`LargeUtf8` dynamic, `Timestamp(ns, UTC)`, `Duration(ns)`,
//! `FixedSizeBinary(16)` come back as written); the reader turns off
//! DataFusion's Utf8View coercion so `dynamic` stays `LargeUtf8`.

use crate::{EngineError, Session, TIME_COLUMN};
use async_trait::async_trait;
use datafusion::arrow::array::{Array, BooleanArray, TimestampNanosecondArray};
use datafusion::arrow::compute::filter_record_batch;
use datafusion::arrow::datatypes::{DataType, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::{Session as DfSession, TableProvider};
use datafusion::datasource::TableType;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::logical_expr::{BinaryExpr, Expr, Operator, TableProviderFilterPushDown};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::prelude::SessionContext;
use datafusion::scalar::ScalarValue;
use futures::StreamExt;
use kql_ingest::{IngestOptions, IngestReport, Input, SourceData};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The manifest's file name; its presence in a folder makes it a workspace.
pub const MANIFEST: &str = "_kql_manifest.json";
const NANOS_PER_DAY: i64 = 86_400_000_000_000;

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a kql workspace manifest: {reason}")]
    Manifest { path: String, reason: String },
    #[error("{0}")]
    Ingest(#[from] kql_ingest::IngestError),
    #[error("{0}")]
    DataFusion(#[from] datafusion::error::DataFusionError),
    #[error("{0}")]
    Parquet(#[from] datafusion::parquet::errors::ParquetError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WorkspaceError + '_ {
    move |source| WorkspaceError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// An ingested source, identified by its path, size and modification time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SourceEntry {
    pub path: String,
    pub size: u64,
    pub mtime_ns: i128,
}

/// A data file of the workspace, relative to its folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub table: String,
    pub path: String,
    pub rows: usize,
    /// Range of `TimeGenerated` in the file (ns since the epoch); `None`
    /// when the table has no such column or every value is null.
    pub min_time: Option<i64>,
    pub max_time: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub sources: Vec<SourceEntry>,
    pub files: Vec<FileEntry>,
}

impl Manifest {
    /// The manifest of `dir`; an empty one when the folder is not a workspace yet.
    pub fn read(dir: &Path) -> Result<Manifest, WorkspaceError> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Manifest {
                    version: 1,
                    ..Manifest::default()
                });
            }
            Err(e) => return Err(io(&path)(e)),
        };
        serde_json::from_str(&text).map_err(|e| WorkspaceError::Manifest {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// Replaces the manifest atomically: a reader sees the old or the new one.
    fn write(&self, dir: &Path) -> Result<(), WorkspaceError> {
        let path = dir.join(MANIFEST);
        let tmp = dir.join(format!(".{MANIFEST}.tmp"));
        let text = serde_json::to_string_pretty(self).map_err(|e| WorkspaceError::Manifest {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        std::fs::write(&tmp, text).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))
    }
}

/// What one `ingest` run did.
#[derive(Debug, Default)]
pub struct IngestSummary {
    /// Rows appended per table.
    pub rows: BTreeMap<String, usize>,
    /// Data files written.
    pub files: usize,
    /// Sources skipped because an earlier run ingested them.
    pub already_ingested: usize,
    /// Sources ingested earlier that changed since (size or mtime): skipped,
    /// as reading them again would duplicate their earlier records.
    pub changed: Vec<String>,
    pub reports: Vec<(String, IngestReport)>,
}

fn source_entry(path: &Path) -> Result<SourceEntry, WorkspaceError> {
    let abs = std::fs::canonicalize(path).map_err(io(path))?;
    let meta = std::fs::metadata(&abs).map_err(io(&abs))?;
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    Ok(SourceEntry {
        path: abs.display().to_string(),
        size: meta.len(),
        mtime_ns,
    })
}

/// Appends the records of `files` not ingested before to the workspace `dir`.
pub async fn ingest(
    files: &[PathBuf],
    dir: &Path,
    options: &IngestOptions,
) -> Result<IngestSummary, WorkspaceError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut manifest = Manifest::read(dir)?;
    let known: HashMap<String, SourceEntry> = manifest
        .sources
        .iter()
        .map(|s| (s.path.clone(), s.clone()))
        .collect();
    let mut summary = IngestSummary::default();
    let mut new_sources = Vec::new();
    for file in files {
        let entry = source_entry(file)?;
        match known.get(&entry.path) {
            Some(old) if *old == entry => summary.already_ingested += 1,
            Some(_) => summary.changed.push(entry.path),
            None if new_sources
                .iter()
                .any(|s: &SourceEntry| s.path == entry.path) => {}
            None => new_sources.push(entry),
        }
    }
    if new_sources.is_empty() {
        return Ok(summary);
    }
    let inputs = new_sources
        .iter()
        .map(|s| Input::new(SourceData::File(PathBuf::from(&s.path))))
        .collect();
    let loaded = kql_ingest::load(inputs, options)?;
    summary.reports = loaded.reports;

    let run = run_id();
    let tmp_root = dir.join(format!(".kql-tmp-{run}"));
    let written = write_tables(loaded.tables, &tmp_root, &run, &mut summary).await;
    let written = match written {
        Ok(w) => w,
        Err(e) => {
            // Best effort: the temp folder is never read, so failing to remove it is harmless.
            let _ = std::fs::remove_dir_all(&tmp_root);
            return Err(e);
        }
    };
    for (tmp, entry) in written {
        let target = dir.join(&entry.path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::rename(&tmp, &target).map_err(io(&target))?;
        manifest.files.push(entry);
    }
    manifest.version = 1;
    manifest.sources.extend(new_sources);
    manifest.write(dir)?;
    let _ = std::fs::remove_dir_all(&tmp_root);
    Ok(summary)
}

/// A name unique to this run, so parts of different runs never collide.
fn run_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{:x}", std::process::id())
}

/// One open Parquet file of a (table, day).
struct Part {
    writer: ArrowWriter<File>,
    tmp: PathBuf,
    entry: FileEntry,
}

/// Writes every table into `tmp_root`, one file per (table, day); returns
/// each temp file with its manifest entry (path relative to the workspace).
async fn write_tables(
    tables: Vec<(String, kql_ingest::JsonTable)>,
    tmp_root: &Path,
    run: &str,
    summary: &mut IngestSummary,
) -> Result<Vec<(PathBuf, FileEntry)>, WorkspaceError> {
    let ctx = SessionContext::new();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut done = Vec::new();
    for (table, json) in tables {
        let schema = json.schema();
        let time_col = schema
            .index_of(TIME_COLUMN)
            .ok()
            .filter(|&i| matches!(schema.field(i).data_type(), DataType::Timestamp(_, _)));
        let folder = table_folder(&table);
        let mut parts: BTreeMap<Option<i64>, Part> = BTreeMap::new();
        let mut stream = ctx.read_table(Arc::new(json))?.execute_stream().await?;
        while let Some(batch) = stream.next().await {
            let batch = batch?;
            for (day, rows) in split_by_day(&batch, time_col)? {
                let part = match parts.entry(day) {
                    std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::btree_map::Entry::Vacant(v) => {
                        let rel = format!(
                            "{folder}/day={}/part-{run}-{}.parquet",
                            day.map_or_else(|| "unknown".to_string(), day_name),
                            summary.files
                        );
                        summary.files += 1;
                        let tmp = tmp_root.join(&rel);
                        if let Some(parent) = tmp.parent() {
                            std::fs::create_dir_all(parent).map_err(io(parent))?;
                        }
                        let file = File::create(&tmp).map_err(io(&tmp))?;
                        let writer =
                            ArrowWriter::try_new(file, schema.clone(), Some(props.clone()))?;
                        v.insert(Part {
                            writer,
                            tmp,
                            entry: FileEntry {
                                table: table.clone(),
                                path: rel,
                                rows: 0,
                                min_time: None,
                                max_time: None,
                            },
                        })
                    }
                };
                let (min, max) = time_bounds(&rows, time_col);
                part.entry.rows += rows.num_rows();
                part.entry.min_time = min_opt(part.entry.min_time, min);
                part.entry.max_time = max_opt(part.entry.max_time, max);
                part.writer.write(&rows)?;
            }
        }
        for (_, part) in parts {
            part.writer.close()?;
            *summary.rows.entry(table.clone()).or_default() += part.entry.rows;
            done.push((part.tmp, part.entry));
        }
    }
    Ok(done)
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// A folder name for a table: names come from file stems, so anything that
/// is not a plain character is replaced (the manifest keeps the real name).
fn table_folder(table: &str) -> String {
    let clean: String = table
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() { "_".into() } else { clean }
}

fn time_values(batch: &RecordBatch, time_col: Option<usize>) -> Option<&TimestampNanosecondArray> {
    batch
        .column(time_col?)
        .as_any()
        .downcast_ref::<TimestampNanosecondArray>()
}

fn time_bounds(batch: &RecordBatch, time_col: Option<usize>) -> (Option<i64>, Option<i64>) {
    let Some(times) = time_values(batch, time_col) else {
        return (None, None);
    };
    let values = times.iter().flatten();
    (values.clone().min(), values.max())
}

/// The batch's rows grouped by UTC day (days since the epoch; `None` for no time).
fn split_by_day(
    batch: &RecordBatch,
    time_col: Option<usize>,
) -> Result<Vec<(Option<i64>, RecordBatch)>, WorkspaceError> {
    let Some(times) = time_values(batch, time_col) else {
        return Ok(vec![(None, batch.clone())]);
    };
    let days: Vec<Option<i64>> = times
        .iter()
        .map(|t| t.map(|t| t.div_euclid(NANOS_PER_DAY)))
        .collect();
    let mut distinct: Vec<Option<i64>> = days.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() == 1 {
        return Ok(vec![(distinct[0], batch.clone())]);
    }
    let mut out = Vec::with_capacity(distinct.len());
    for day in distinct {
        let mask: BooleanArray = days.iter().map(|d| Some(*d == day)).collect();
        out.push((
            day,
            filter_record_batch(batch, &mask).map_err(datafusion::error::DataFusionError::from)?,
        ));
    }
    Ok(out)
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01), by the civil-from-days
/// algorithm, so no date library is needed for a folder name.
fn day_name(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A file of a workspace table, with its `TimeGenerated` range.
#[derive(Debug, Clone)]
struct DataFile {
    url: ListingTableUrl,
    min_time: Option<i64>,
    max_time: Option<i64>,
}

/// A workspace table: the Parquet files the manifest lists for it, read
/// through a DataFusion `ListingTable` over only the files whose
/// `TimeGenerated` range can match the query's time filters.
#[derive(Debug)]
pub struct WorkspaceTable {
    schema: SchemaRef,
    files: Vec<DataFile>,
    /// Files handed to scans so far: lets tests and benchmarks see pruning work.
    files_scanned: AtomicUsize,
}

impl WorkspaceTable {
    pub fn files_scanned(&self) -> usize {
        self.files_scanned.load(Ordering::Relaxed)
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    fn format() -> ParquetFormat {
        // Views would turn `dynamic` (LargeUtf8) into Utf8View, a type the
        // Kusto functions do not expect.
        ParquetFormat::new().with_force_view_types(false)
    }
}

/// Opens the workspace `dir`: one table per table name in its manifest.
pub fn open(dir: &Path) -> Result<Vec<(String, Arc<WorkspaceTable>)>, WorkspaceError> {
    let manifest_path = dir.join(MANIFEST);
    if !manifest_path.is_file() {
        return Err(WorkspaceError::Manifest {
            path: manifest_path.display().to_string(),
            reason: "file not found (create the workspace with `kql ingest SOURCE --into DIR`)"
                .into(),
        });
    }
    let manifest = Manifest::read(dir)?;
    let mut by_table: BTreeMap<String, Vec<&FileEntry>> = BTreeMap::new();
    for file in &manifest.files {
        by_table.entry(file.table.clone()).or_default().push(file);
    }
    let mut tables = Vec::new();
    for (name, entries) in by_table {
        let mut schemas = Vec::new();
        let mut files = Vec::new();
        for entry in entries {
            let path =
                std::fs::canonicalize(dir.join(&entry.path)).map_err(io(&dir.join(&entry.path)))?;
            let file = File::open(&path).map_err(io(&path))?;
            // The footer's embedded Arrow schema gives the written types back.
            let schema = ParquetRecordBatchReaderBuilder::try_new(file)?
                .schema()
                .clone();
            schemas.push(Schema::new(schema.fields().clone()));
            let url = ListingTableUrl::parse(path.display().to_string())?;
            files.push(DataFile {
                url,
                min_time: entry.min_time,
                max_time: entry.max_time,
            });
        }
        // Runs may infer extra columns differently: the table has them all,
        // files without one read it as null.
        let schema =
            Schema::try_merge(schemas).map_err(datafusion::error::DataFusionError::from)?;
        tables.push((
            name,
            Arc::new(WorkspaceTable {
                schema: Arc::new(schema),
                files,
                files_scanned: AtomicUsize::new(0),
            }),
        ));
    }
    Ok(tables)
}

/// The `TimeGenerated` range (inclusive bounds) the filters allow.
fn time_window(filters: &[Expr]) -> (Option<i64>, Option<i64>) {
    let mut low: Option<i64> = None;
    let mut high: Option<i64> = None;
    for filter in filters {
        for conjunct in datafusion::logical_expr::utils::split_conjunction(filter) {
            if let Some((op, value)) = time_comparison(conjunct) {
                match op {
                    Operator::Gt | Operator::GtEq => low = max_opt(low, Some(value)),
                    Operator::Lt | Operator::LtEq => high = min_opt(high, Some(value)),
                    Operator::Eq => {
                        low = max_opt(low, Some(value));
                        high = min_opt(high, Some(value));
                    }
                    _ => {}
                }
            } else if let Expr::Between(between) = conjunct
                && !between.negated
                && is_time_column(&between.expr)
                && let (Some(lo), Some(hi)) = (timestamp(&between.low), timestamp(&between.high))
            {
                low = max_opt(low, Some(lo));
                high = min_opt(high, Some(hi));
            }
        }
    }
    (low, high)
}

fn is_time_column(expr: &Expr) -> bool {
    matches!(expr, Expr::Column(c) if c.name == TIME_COLUMN)
}

fn timestamp(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Literal(ScalarValue::TimestampNanosecond(Some(v), _), _) => Some(*v),
        Expr::Literal(ScalarValue::TimestampMicrosecond(Some(v), _), _) => v.checked_mul(1_000),
        Expr::Literal(ScalarValue::TimestampMillisecond(Some(v), _), _) => v.checked_mul(1_000_000),
        Expr::Literal(ScalarValue::TimestampSecond(Some(v), _), _) => v.checked_mul(1_000_000_000),
        Expr::Cast(cast) => timestamp(&cast.expr),
        Expr::TryCast(cast) => timestamp(&cast.expr),
        _ => None,
    }
}

/// `TimeGenerated <op> literal` (either way round) as (op with the column on the left, value).
fn time_comparison(expr: &Expr) -> Option<(Operator, i64)> {
    let Expr::BinaryExpr(BinaryExpr { left, op, right }) = expr else {
        return None;
    };
    if is_time_column(left) {
        return Some((*op, timestamp(right)?));
    }
    if is_time_column(right) {
        return Some((op.swap()?, timestamp(left)?));
    }
    None
}

#[async_trait]
impl TableProvider for WorkspaceTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> datafusion::error::Result<Vec<TableProviderFilterPushDown>> {
        // Inexact: filters only choose files (and row groups); the plan still
        // applies every filter to the rows.
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }

    async fn scan(
        &self,
        state: &dyn DfSession,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        let (low, high) = time_window(filters);
        let urls: Vec<ListingTableUrl> = self
            .files
            .iter()
            .filter(|f| {
                // A file without a time range (no TimeGenerated) can hold
                // null times only, which no time comparison matches.
                let below = matches!((high, f.min_time), (Some(h), Some(min)) if min > h);
                let above = matches!((low, f.max_time), (Some(l), Some(max)) if max < l);
                let timeless = f.min_time.is_none() && (low.is_some() || high.is_some());
                !(below || above || timeless)
            })
            .map(|f| f.url.clone())
            .collect();
        self.files_scanned.fetch_add(urls.len(), Ordering::Relaxed);
        if urls.is_empty() {
            let schema = match projection {
                Some(p) => Arc::new(self.schema.project(p)?),
                None => self.schema.clone(),
            };
            return Ok(Arc::new(EmptyExec::new(schema)));
        }
        let options = ListingOptions::new(Arc::new(Self::format())).with_file_extension(".parquet");
        let config = ListingTableConfig::new_with_multi_paths(urls)
            .with_listing_options(options)
            .with_schema(self.schema.clone());
        let table = ListingTable::try_new(config)?;
        table.scan(state, projection, filters, limit).await
    }
}

impl Session {
    /// Registers every table of the workspace `dir` (see [`ingest`]).
    pub fn load_workspace(&mut self, dir: &Path) -> Result<(), EngineError> {
        let tables = open(dir).map_err(|e| EngineError::Usage(e.to_string()))?;
        for (name, table) in tables {
            self.register_table(&name, table);
        }
        Ok(())
    }
}
