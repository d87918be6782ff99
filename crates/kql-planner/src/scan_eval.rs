//! Runs a planned `scan` over the rows of its input, in order, as Kusto's
//! documentation defines the matching: each record is checked against the
//! steps from the last to the first; step k matches when the previous
//! step holds a sequence and the condition holds over that sequence's state
//! (the sequence moves on to step k), or when step k holds a sequence, or is
//! the first step, and the condition holds over step k's own state (its
//! state is replaced; an empty first step starts a new sequence and match id).
//! Every match outputs the record, extended by the step's assignments,
//! unless the step says `output=none`.

use datafusion::arrow::array::{Array, ArrayRef, ListArray, RecordBatch, StructArray};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, SchemaRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{
    PartitionEvaluator, Signature, Volatility, WindowUDF, WindowUDFImpl,
};
use datafusion::physical_expr::PhysicalExpr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutput {
    All,
    None,
}

#[derive(Debug)]
pub struct ScanStepProgram {
    pub condition: Arc<dyn PhysicalExpr>,
    /// (index among the declared columns, value)
    pub assignments: Vec<(usize, Arc<dyn PhysicalExpr>)>,
    pub output: StepOutput,
}

#[derive(Debug)]
pub struct ScanProgram {
    pub input_types: Vec<DataType>,
    /// (name, type, default)
    pub declared: Vec<(String, DataType, ScalarValue)>,
    pub match_id: Option<String>,
    pub steps: Vec<ScanStepProgram>,
    /// Current row, declared columns, then every column once per step.
    pub eval_schema: SchemaRef,
}

impl ScanProgram {
    /// The columns each output row adds to the input's.
    pub fn output_fields(&self) -> Vec<FieldRef> {
        let mut f: Vec<FieldRef> = self
            .declared
            .iter()
            .map(|(n, t, _)| Arc::new(Field::new(n.clone(), t.clone(), true)))
            .collect();
        if let Some(m) = &self.match_id {
            f.push(Arc::new(Field::new(m.clone(), DataType::Int64, true)));
        }
        f
    }

    fn defaults(&self) -> Vec<ScalarValue> {
        self.input_types
            .iter()
            .map(|t| ScalarValue::try_from(t).unwrap_or(ScalarValue::Null))
            .chain(self.declared.iter().map(|(_, _, d)| d.clone()))
            .collect()
    }
}

/// Each scan is its own function; the id keeps two of them apart.
#[derive(Debug)]
struct ScanUdwf {
    id: usize,
    program: Arc<ScanProgram>,
    signature: Signature,
}

impl PartialEq for ScanUdwf {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for ScanUdwf {}
impl std::hash::Hash for ScanUdwf {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

pub fn scan_udwf(program: ScanProgram) -> Arc<WindowUDF> {
    Arc::new(WindowUDF::new_from_impl(ScanUdwf {
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        program: Arc::new(program),
        signature: Signature::variadic_any(Volatility::Immutable),
    }))
}

fn list_type(program: &ScanProgram) -> DataType {
    let item = Field::new(
        "item",
        DataType::Struct(Fields::from(program.output_fields())),
        true,
    );
    DataType::List(Arc::new(item))
}

impl WindowUDFImpl for ScanUdwf {
    fn name(&self) -> &str {
        "kql_scan"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn partition_evaluator(
        &self,
        _args: PartitionEvaluatorArgs<'_>,
    ) -> Result<Box<dyn PartitionEvaluator>> {
        Ok(Box::new(ScanEval {
            program: Arc::clone(&self.program),
        }))
    }

    fn field(&self, args: WindowUDFFieldArgs<'_>) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(
            args.name(),
            list_type(&self.program),
            true,
        )))
    }
}

#[derive(Debug)]
struct ScanEval {
    program: Arc<ScanProgram>,
}

/// A sequence in progress: its match id and one row per step it went through.
#[derive(Clone)]
struct Sequence {
    id: i64,
    rows: Vec<Vec<ScalarValue>>,
}

impl ScanEval {
    /// One-row batch of the record and the state a step is checked against.
    fn batch(&self, record: &[ScalarValue], seq: Option<&Sequence>) -> Result<RecordBatch> {
        let p = &self.program;
        let defaults = p.defaults();
        let mut cells: Vec<ScalarValue> = record.to_vec();
        for k in 0..p.steps.len() {
            let row = seq.and_then(|s| s.rows.get(k)).unwrap_or(&defaults);
            cells.extend(row.iter().cloned());
        }
        let columns = cells
            .iter()
            .map(|c| c.to_array_of_size(1))
            .collect::<Result<Vec<_>>>()?;
        Ok(RecordBatch::try_new(Arc::clone(&p.eval_schema), columns)?)
    }

    fn eval(expr: &Arc<dyn PhysicalExpr>, batch: &RecordBatch) -> Result<ScalarValue> {
        let array = expr.evaluate(batch)?.into_array(1)?;
        ScalarValue::try_from_array(&array, 0)
    }

    /// Checks step `k` against `seq`; on a match, extends the record.
    fn matches(
        &self,
        k: usize,
        record: &mut [ScalarValue],
        seq: Option<&Sequence>,
    ) -> Result<bool> {
        let step = &self.program.steps[k];
        let batch = self.batch(record, seq)?;
        if Self::eval(&step.condition, &batch)? != ScalarValue::Boolean(Some(true)) {
            return Ok(false);
        }
        let inputs = self.program.input_types.len();
        let values = step
            .assignments
            .iter()
            .map(|(i, e)| Ok((*i, Self::eval(e, &batch)?)))
            .collect::<Result<Vec<_>>>()?;
        for (i, v) in values {
            record[inputs + i] = v;
        }
        Ok(true)
    }
}

impl PartitionEvaluator for ScanEval {
    fn evaluate_all(&mut self, values: &[ArrayRef], num_rows: usize) -> Result<ArrayRef> {
        let p = Arc::clone(&self.program);
        let n = p.steps.len();
        let inputs = p.input_types.len();
        let mut state: Vec<Option<Sequence>> = vec![None; n];
        let mut next_id = 0i64;
        let mut out: Vec<Vec<ScalarValue>> = Vec::new();
        let mut offsets = vec![0usize];
        for row in 0..num_rows {
            let mut record: Vec<ScalarValue> = values
                .iter()
                .take(inputs)
                .map(|a| ScalarValue::try_from_array(a, row))
                .collect::<Result<_>>()?;
            record.extend(p.declared.iter().map(|(_, _, d)| d.clone()));
            for k in (0..n).rev() {
                let output = p.steps[k].output == StepOutput::All;
                if k > 0
                    && let Some(prev) = state[k - 1].clone()
                    && self.matches(k, &mut record, Some(&prev))?
                {
                    let mut seq = prev;
                    seq.rows.push(record.clone());
                    state[k - 1] = None;
                    if output {
                        out.push(emit(&record, inputs, p.match_id.is_some(), seq.id));
                    }
                    state[k] = Some(seq);
                    continue;
                }
                if (k == 0 || state[k].is_some())
                    && self.matches(k, &mut record, state[k].as_ref())?
                {
                    // The first step starts a sequence (and a match id) only
                    // when it holds none: in Kusto's session example, every
                    // record of a session matches the first step again and
                    // keeps the session's id.
                    let seq = if k == 0 && state[0].is_none() {
                        next_id += 1;
                        Sequence {
                            id: next_id - 1,
                            rows: vec![record.clone()],
                        }
                    } else {
                        let mut seq = state[k].clone().unwrap_or(Sequence {
                            id: next_id - 1,
                            rows: Vec::new(),
                        });
                        seq.rows.truncate(k);
                        seq.rows.push(record.clone());
                        seq
                    };
                    if output {
                        out.push(emit(&record, inputs, p.match_id.is_some(), seq.id));
                    }
                    state[k] = Some(seq);
                }
            }
            offsets.push(out.len());
        }
        list_array(&p, out, offsets)
    }
}

fn emit(record: &[ScalarValue], inputs: usize, with_id: bool, id: i64) -> Vec<ScalarValue> {
    let mut v: Vec<ScalarValue> = record[inputs..].to_vec();
    if with_id {
        v.push(ScalarValue::Int64(Some(id)));
    }
    v
}

fn list_array(
    p: &ScanProgram,
    rows: Vec<Vec<ScalarValue>>,
    offsets: Vec<usize>,
) -> Result<ArrayRef> {
    let fields = p.output_fields();
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        let column = if rows.is_empty() {
            datafusion::arrow::array::new_empty_array(f.data_type())
        } else {
            let cells = rows.iter().map(|r| r[i].clone());
            let a = ScalarValue::iter_to_array(cells)?;
            if a.data_type() == f.data_type() {
                a
            } else {
                datafusion::arrow::compute::cast(&a, f.data_type())?
            }
        };
        columns.push(column);
    }
    let len = rows.len();
    let structs: ArrayRef = if fields.is_empty() {
        Arc::new(StructArray::new_empty_fields(len, None))
    } else {
        Arc::new(StructArray::try_new(Fields::from(fields), columns, None)?)
    };
    let DataType::List(item) = list_type(p) else {
        return Err(datafusion::error::DataFusionError::Internal(
            "scan: the result type is not a list".into(),
        ));
    };
    debug_assert_eq!(structs.len(), len);
    Ok(Arc::new(ListArray::try_new(
        item,
        OffsetBuffer::from_lengths(offsets.windows(2).map(|w| w[1] - w[0])),
        structs,
        None,
    )?))
}
