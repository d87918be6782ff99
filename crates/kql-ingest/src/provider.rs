//! [`JsonTable`]: a DataFusion table over JSON sources.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown, TableType};
use datafusion::physical_plan::ExecutionPlan;
use rayon::prelude::*;

use crate::build::build_batch;
use crate::infer::{Fields, Partial, infer_items};
use crate::{IngestError, IngestOptions, IngestReport, Skipped, SourceData, shape, source};

/// Rows per `RecordBatch`, and so the unit of parallel work in a scan.
const BATCH_ROWS: usize = 8192;
/// Candidate records per parallel inference task.
const INFER_CHUNK: usize = 4096;

/// A table over one or more JSON sources. Opening infers the schema and
/// validates every record; each scan builds the projected columns afresh from
/// the raw bytes, so memory holds the input once, not a decoded copy of it.
pub struct JsonTable {
    schema: SchemaRef,
    sources: Vec<Loaded>,
    report: IngestReport,
}

/// A source's bytes (decompressed) and the spans of its valid records.
struct Loaded {
    label: String,
    data: Arc<[u8]>,
    records: Vec<(usize, usize)>,
}

/// One source after inference, before sources are combined.
struct Opened {
    loaded: Loaded,
    fields: Fields,
    /// (line, reason), sorted by line, at most `MAX_SKIPPED_DETAILS`.
    skipped: Vec<(usize, String)>,
    skipped_count: usize,
}

impl JsonTable {
    /// Reads all sources (in parallel), infers the schema and records what
    /// was skipped. In strict mode the first skipped input — by source order,
    /// then line — is an error instead.
    pub fn open(sources: Vec<SourceData>, opts: &IngestOptions) -> Result<JsonTable, IngestError> {
        if sources.is_empty() {
            return Err(IngestError::NoData {
                what: "an empty list of sources".to_owned(),
            });
        }
        let opened = sources
            .par_iter()
            .map(open_source)
            .collect::<Result<Vec<_>, _>>()?;

        let first_bad = opened
            .iter()
            .find_map(|o| o.skipped.first().map(|(line, reason)| (o, *line, reason)));
        if opts.strict
            && let Some((o, line, reason)) = first_bad
        {
            return Err(IngestError::Strict {
                input: o.loaded.label.clone(),
                line,
                reason: reason.clone(),
            });
        }

        let mut fields = Fields::default();
        let mut report = IngestReport::default();
        let mut loaded = Vec::with_capacity(opened.len());
        for o in opened {
            fields.merge(o.fields);
            report.records += o.loaded.records.len();
            report.skipped_count += o.skipped_count;
            let room = IngestReport::MAX_SKIPPED_DETAILS - report.skipped.len();
            report.skipped.extend(
                o.skipped
                    .into_iter()
                    .take(room)
                    .map(|(line, reason)| Skipped {
                        source: o.loaded.label.clone(),
                        line,
                        reason,
                    }),
            );
            loaded.push(o.loaded);
        }
        Ok(JsonTable {
            schema: Arc::new(fields.to_schema()),
            sources: loaded,
            report,
        })
    }

    /// The inferred schema: every top-level field, in first-seen order.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    pub fn report(&self) -> &IngestReport {
        &self.report
    }

    /// Batch-sized runs of records, `(source, record indices)`, covering the
    /// first `limit` records (all when `None`) in source order.
    fn tasks(&self, limit: Option<usize>) -> Vec<(usize, Range<usize>)> {
        let mut left = limit.unwrap_or(usize::MAX);
        let mut tasks = Vec::new();
        for (s, src) in self.sources.iter().enumerate() {
            let n = src.records.len().min(left);
            left -= n;
            tasks.extend(
                (0..n)
                    .step_by(BATCH_ROWS)
                    .map(|i| (s, i..(i + BATCH_ROWS).min(n))),
            );
        }
        tasks
    }
}

fn open_source(src: &SourceData) -> Result<Opened, IngestError> {
    let data = source::load(src)?;
    let split = shape::split(&data);
    let partials: Vec<Partial> = split
        .items
        .par_chunks(INFER_CHUNK)
        .map(|items| infer_items(&data, items))
        .collect();

    let mut fields = Fields::default();
    let mut records = Vec::with_capacity(split.items.len());
    let mut skipped = split.faults;
    let mut skipped_count = split.fault_count;
    for p in partials {
        fields.merge(p.fields);
        records.extend(p.records);
        skipped.extend(p.skipped);
        skipped_count += p.skipped_count;
    }
    // Faults found while splitting and while inferring come from different
    // passes; line order is what a reader of the report expects.
    skipped.sort_by_key(|&(line, _)| line);
    skipped.truncate(IngestReport::MAX_SKIPPED_DETAILS);
    Ok(Opened {
        loaded: Loaded {
            label: src.label(),
            data,
            records,
        },
        fields,
        skipped,
        skipped_count,
    })
}

impl fmt::Debug for JsonTable {
    // Derived Debug would dump every byte of every source.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonTable")
            .field(
                "sources",
                &self.sources.iter().map(|s| &s.label).collect::<Vec<_>>(),
            )
            .field("records", &self.report.records)
            .field("skipped", &self.report.skipped_count)
            .field("schema", &self.schema)
            .finish()
    }
}

#[async_trait]
impl TableProvider for JsonTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let schema = match projection {
            Some(p) => Arc::new(self.schema.project(p)?),
            None => Arc::clone(&self.schema),
        };
        // Filters are applied above the scan, so a limit only bounds the
        // records to build when nothing is filtered out first.
        let limit = if filters.is_empty() { limit } else { None };
        let batches = self
            .tasks(limit)
            .into_par_iter()
            .map(|(s, rows)| {
                let src = &self.sources[s];
                build_batch(&src.data, &src.records[rows], &schema)
            })
            .collect::<DfResult<Vec<_>>>()?;
        // One partition keeps the file order, so `take` and friends are
        // deterministic; DataFusion repartitions downstream where it pays.
        let exec = MemorySourceConfig::try_new_exec(&[batches], schema, None)?;
        Ok(exec)
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> DfResult<Vec<TableProviderFilterPushDown>> {
        Ok(vec![
            TableProviderFilterPushDown::Unsupported;
            filters.len()
        ])
    }
}
