//! Scanning a [`JsonTable`](crate::JsonTable): batches built in parallel
//! and streamed in source order.
//!
//! Memory stays bounded whatever the input size: sources are read again
//! piece by piece ([`Body`](crate::source::Body)), and only a window of a
//! few batches per core is built ahead of the consumer. Batches leave in
//! load order on one partition, so `take` and other order-sensitive
//! operators see the records as the files hold them; DataFusion
//! repartitions downstream where parallelism pays.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_plan::stream::RecordBatchReceiverStream;
use datafusion::physical_plan::streaming::PartitionStream;
use rayon::prelude::*;

use crate::build::{Projection, build_batch};
use crate::infer::Layout;
use crate::provider::Part;

/// Rows per `RecordBatch`.
pub(crate) const BATCH_ROWS: usize = 8192;

/// Records of one part read together: one byte range of a plain file, or a
/// whole gzip source (which cannot be read by range).
#[derive(Debug, Clone)]
pub(crate) struct Task {
    pub part: usize,
    pub rows: Range<usize>,
}

/// The tasks covering the first `limit` records (all when `None`) of
/// `parts`, in load order.
pub(crate) fn tasks(parts: &[Part], limit: Option<usize>) -> Vec<Task> {
    let mut left = limit.unwrap_or(usize::MAX);
    let mut tasks = Vec::new();
    for (p, part) in parts.iter().enumerate() {
        let n = part.recs.len().min(left);
        left -= n;
        if n == 0 {
            continue;
        }
        if part.source.body.whole_only() {
            tasks.push(Task {
                part: p,
                rows: 0..n,
            });
        } else {
            tasks.extend((0..n).step_by(BATCH_ROWS).map(|i| Task {
                part: p,
                rows: i..(i + BATCH_ROWS).min(n),
            }));
        }
    }
    tasks
}

/// One scan's work, run when DataFusion executes it. Cloning shares it.
#[derive(Clone)]
pub(crate) struct JsonScan {
    pub parts: Vec<Part>,
    pub layout: Arc<Layout>,
    pub proj: Arc<Projection>,
    pub tasks: Arc<[Task]>,
}

impl fmt::Debug for JsonScan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonScan")
            .field("tasks", &self.tasks.len())
            .field("schema", &self.proj.schema)
            .finish()
    }
}

impl JsonScan {
    /// Reads a task's bytes once and builds its batches.
    fn run(&self, task: &Task) -> Result<Vec<RecordBatch>> {
        let part = &self.parts[task.part];
        let recs = &part.recs[task.rows.clone()];
        let (Some(first), Some(last)) = (recs.first(), recs.last()) else {
            return Ok(Vec::new());
        };
        let build = |text: &str, base: usize| -> Result<Vec<RecordBatch>> {
            recs.chunks(BATCH_ROWS)
                .map(|chunk| build_batch(&part.source, text, base, chunk, &self.layout, &self.proj))
                .collect()
        };
        if self.proj.types.is_empty() {
            // Only row counts: no byte is needed.
            return build("", first.start);
        }
        let range = first.start..last.end();
        let piece = part
            .source
            .body
            .read(range.clone())
            .map_err(DataFusionError::Execution)?;
        let bytes = piece.get(range.start, range.end).ok_or_else(|| {
            DataFusionError::Execution(format!(
                "{}: shorter than when it was loaded; load it again",
                part.source.label
            ))
        })?;
        // Checked once for the whole range, so that each record (and each
        // string in it) can be read as text without checking again.
        let text = std::str::from_utf8(bytes).map_err(|e| {
            DataFusionError::Execution(format!(
                "{}: no longer valid UTF-8 ({e}); load it again",
                part.source.label
            ))
        })?;
        let batches = build(text, range.start);
        piece.recycle();
        batches
    }
}

/// Bytes of source text a window of tasks may hold per thread; a window of
/// whole gzip sources would otherwise hold as many decompressed files.
const WINDOW_BYTES_PER_THREAD: usize = 32 << 20;

impl JsonScan {
    /// How many of `tasks` form the next window: at most `width`, and no
    /// more bytes than the budget unless it is a single task.
    fn window(&self, tasks: &[Task], width: usize) -> usize {
        let budget = WINDOW_BYTES_PER_THREAD * rayon::current_num_threads().max(1);
        let mut bytes = 0;
        let mut n = 0;
        for t in tasks.iter().take(width) {
            let part = &self.parts[t.part];
            let recs = &part.recs[t.rows.clone()];
            bytes += match (part.source.body.whole_only(), recs.first(), recs.last()) {
                (true, _, _) => part.source.body.plain_len(),
                (false, Some(first), Some(last)) => last.end() - first.start,
                _ => 0,
            };
            if n > 0 && bytes > budget {
                break;
            }
            n += 1;
        }
        n.max(1)
    }
}

impl PartitionStream for JsonScan {
    fn schema(&self) -> &SchemaRef {
        &self.proj.schema
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let width = rayon::current_num_threads().max(1) * 2;
        let mut builder = RecordBatchReceiverStream::builder(self.schema().clone(), width);
        let tx = builder.tx();
        let scan = self.clone();
        builder.spawn_blocking(move || {
            // A window of tasks is built in parallel, then sent in order;
            // the next window starts while the consumer works on this one.
            let mut rest = &scan.tasks[..];
            while !rest.is_empty() {
                let n = scan.window(rest, width);
                let (window, later) = rest.split_at(n);
                rest = later;
                let built: Vec<Result<Vec<RecordBatch>>> =
                    window.par_iter().map(|t| scan.run(t)).collect();
                for batches in built {
                    for batch in batches? {
                        if tx.blocking_send(Ok(batch)).is_err() {
                            // The consumer is gone (e.g. `take` had enough).
                            return Ok(());
                        }
                    }
                }
            }
            Ok(())
        });
        builder.build()
    }
}
