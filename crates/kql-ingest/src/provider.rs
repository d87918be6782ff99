//! [`JsonTable`]: a DataFusion table over records of JSON (or CSV) sources.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::{Field, Schema, SchemaRef};
use datafusion::catalog::{Session, TableProvider};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown, TableType};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::streaming::StreamingTableExec;

use crate::build::Projection;
use crate::infer::{Issues, Layout, TableStats};
use crate::load::{Input, Rec, Source, load_with};
use crate::scan::{JsonScan, tasks};
use crate::{IngestError, IngestOptions, IngestReport, Skipped, SourceData};
use kql_functions::KustoType;

/// A table over records of one or more sources. Opening read every record
/// once to route it, settle the schema and account for bad input; each scan
/// reads the sources again and builds only the projected columns (see
/// [`crate::scan`]), so memory holds neither the input nor a decoded copy
/// of it. Cloning is cheap.
#[derive(Clone)]
pub struct JsonTable {
    schema: SchemaRef,
    layout: Arc<Layout>,
    parts: Vec<Part>,
    report: IngestReport,
    /// Kept so that tables loaded separately can be combined.
    stats: TableStats,
}

/// The records of one source that belong to this table.
#[derive(Clone)]
pub(crate) struct Part {
    pub source: Arc<Source>,
    /// A `Vec` behind the `Arc`: turning it into `Arc<[Rec]>` would copy
    /// millions of records at once.
    pub recs: Arc<Vec<Rec>>,
}

impl JsonTable {
    /// The generic path: every record of every source in one table, each
    /// field a column under its own name, typed by inference — no routing
    /// or Azure mapping (see [`crate::load`] for that). In strict mode the
    /// first skipped input — by source order, then line — is an error.
    pub fn open(sources: Vec<SourceData>, opts: &IngestOptions) -> Result<JsonTable, IngestError> {
        let inputs = sources
            .into_iter()
            .map(|data| Input {
                data,
                table: Some(String::new()),
            })
            .collect();
        let mut loaded = load_with(inputs, opts, false, None)?;
        if let Some((_, table)) = loaded.tables.pop() {
            return Ok(table);
        }
        let report = loaded.reports.pop().map(|(_, r)| r).unwrap_or_default();
        Ok(JsonTable {
            schema: Arc::new(Schema::empty()),
            layout: Arc::default(),
            parts: Vec::new(),
            report,
            stats: TableStats::default(),
        })
    }

    pub(crate) fn new(
        mut stats: TableStats,
        parts: Vec<Part>,
        mut skipped: Issues,
        records: usize,
        labels: &[String],
    ) -> JsonTable {
        let label = |i: usize| labels.get(i).cloned().unwrap_or_default();
        let (layout, type_notes) = stats.layout(label);
        let mut notes = std::mem::take(&mut stats.notes);
        notes.merge(type_notes);
        let mut values = std::mem::take(&mut stats.value_issues);
        skipped.sort();
        values.sort();
        notes.sort();
        let details = |issues: Issues| -> Vec<Skipped> {
            issues
                .list
                .into_iter()
                .map(|(src, line, reason)| Skipped {
                    source: label(src),
                    line,
                    reason,
                })
                .collect()
        };
        let report = IngestReport {
            records,
            skipped_count: skipped.count,
            skipped: details(skipped),
            value_issue_count: values.count,
            value_issues: details(values),
            note_count: notes.count,
            notes: details(notes),
        };
        JsonTable {
            schema: schema_of(&layout),
            layout: Arc::new(layout),
            parts,
            report,
            stats,
        }
    }

    /// The schema: documented columns first (for known tables), then every
    /// other field in first-seen order.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    pub fn report(&self) -> &IngestReport {
        &self.report
    }

    /// The sources that hold records of this table, in load order.
    pub fn sources(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        self.parts
            .iter()
            .map(|p| p.source.label.clone())
            .filter(|l| seen.insert(l.clone()))
            .collect()
    }

    /// One table with the records of both, as if loaded together (the
    /// schema is settled again); e.g. the same table found under two `-d`
    /// folders.
    pub fn combine(&self, other: &JsonTable) -> JsonTable {
        let mut stats = self.stats.clone();
        stats.merge(other.stats.clone());
        let (layout, _) = stats.layout(|_| String::new());
        let mut report = self.report.clone();
        report.merge(other.report.clone());
        JsonTable {
            schema: schema_of(&layout),
            layout: Arc::new(layout),
            parts: self.parts.iter().chain(&other.parts).cloned().collect(),
            report,
            stats,
        }
    }

    fn projection(&self, projection: Option<&Vec<usize>>) -> DfResult<Projection> {
        let all: Vec<usize> = (0..self.layout.columns.len()).collect();
        let cols = projection.unwrap_or(&all);
        // Fails on an index out of range, before the layout is indexed.
        let schema = Arc::new(self.schema.project(cols)?);
        let mut slots = vec![None; self.layout.columns.len()];
        let mut types = Vec::with_capacity(cols.len());
        for (slot, &c) in cols.iter().enumerate() {
            slots[c] = Some(slot);
            let info = &self.layout.columns[c];
            types.push((info.ty, info.typed));
        }
        Ok(Projection {
            schema,
            slots,
            types,
            extras: cols.iter().any(|&c| self.layout.is_extra(c)),
        })
    }
}

fn schema_of(layout: &Layout) -> SchemaRef {
    Arc::new(Schema::new(
        layout
            .columns
            .iter()
            // Strings are built never null (see `ColBuilder`), which lets
            // the planner skip turning nulls into "".
            .map(|c| Field::new(&c.name, c.ty.to_arrow(), c.ty != KustoType::String))
            .collect::<Vec<_>>(),
    ))
}

impl fmt::Debug for JsonTable {
    // Derived Debug would dump every byte of every source.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonTable")
            .field("sources", &self.sources())
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
        let proj = Arc::new(self.projection(projection)?);
        // Filters are applied above the scan, so a limit only bounds the
        // records to build when nothing is filtered out first.
        let limit = if filters.is_empty() { limit } else { None };
        let scan = JsonScan {
            parts: self.parts.clone(),
            layout: Arc::clone(&self.layout),
            tasks: tasks(&self.parts, limit).into(),
            proj: Arc::clone(&proj),
        };
        let exec = StreamingTableExec::try_new(
            Arc::clone(&proj.schema),
            vec![Arc::new(scan)],
            None,
            [],
            false,
            None,
        )?;
        Ok(Arc::new(exec))
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
