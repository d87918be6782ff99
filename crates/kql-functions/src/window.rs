//! Kusto's functions over serialized rows that DataFusion has no direct
//! counterpart for: `row_cumsum` and `row_number` with a restart condition,
//! `row_rank_min` and `row_rank_dense`. Each walks the rows of the window in
//! order once.

use crate::KustoType;
use crate::value::KValue;
use datafusion::arrow::array::{ArrayRef, Int64Array};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{
    PartitionEvaluator, Signature, Volatility, WindowUDF, WindowUDFImpl,
};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SerialKind {
    /// `row_cumsum(term, restart)`
    CumSum,
    /// `row_number(start, restart)`
    RowNumber,
    /// `row_rank_min(term)`
    RankMin,
    /// `row_rank_dense(term)`
    RankDense,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Serial {
    kind: SerialKind,
    signature: Signature,
}

pub fn serial_udwf(kind: SerialKind) -> Arc<WindowUDF> {
    Arc::new(WindowUDF::new_from_impl(Serial {
        kind,
        signature: Signature::variadic_any(Volatility::Immutable),
    }))
}

pub fn all_udwfs() -> Vec<Arc<WindowUDF>> {
    [
        SerialKind::CumSum,
        SerialKind::RowNumber,
        SerialKind::RankMin,
        SerialKind::RankDense,
    ]
    .into_iter()
    .map(serial_udwf)
    .collect()
}

impl WindowUDFImpl for Serial {
    fn name(&self) -> &str {
        match self.kind {
            SerialKind::CumSum => "kql_row_cumsum",
            SerialKind::RowNumber => "kql_row_number",
            SerialKind::RankMin => "kql_row_rank_min",
            SerialKind::RankDense => "kql_row_rank_dense",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn partition_evaluator(
        &self,
        _args: PartitionEvaluatorArgs<'_>,
    ) -> Result<Box<dyn PartitionEvaluator>> {
        Ok(Box::new(SerialEval { kind: self.kind }))
    }

    fn field(&self, args: WindowUDFFieldArgs<'_>) -> Result<FieldRef> {
        let dt = match (
            self.kind,
            args.input_fields().first().map(|f| f.data_type()),
        ) {
            (SerialKind::CumSum, Some(DataType::Float64 | DataType::Float32)) => DataType::Float64,
            (SerialKind::CumSum, Some(d @ DataType::Decimal128(_, _))) => d.clone(),
            _ => DataType::Int64,
        };
        Ok(Arc::new(Field::new(args.name(), dt, true)))
    }
}

#[derive(Debug)]
struct SerialEval {
    kind: SerialKind,
}

fn restart_at(values: &[ArrayRef], index: usize, row: usize) -> Result<bool> {
    Ok(match values.get(index) {
        Some(a) => matches!(KValue::from_array(a, row)?, KValue::Bool(true)),
        None => false,
    })
}

impl PartitionEvaluator for SerialEval {
    fn evaluate_all(&mut self, values: &[ArrayRef], num_rows: usize) -> Result<ArrayRef> {
        match self.kind {
            SerialKind::RowNumber => {
                let start = match values.first() {
                    Some(a) if num_rows > 0 => KValue::from_array(a, 0)?.as_i64().unwrap_or(1),
                    _ => 1,
                };
                let mut n = start - 1;
                let mut out = Vec::with_capacity(num_rows);
                for row in 0..num_rows {
                    n = if row > 0 && restart_at(values, 1, row)? {
                        start
                    } else {
                        n + 1
                    };
                    out.push(n);
                }
                Ok(Arc::new(Int64Array::from(out)))
            }
            SerialKind::CumSum => {
                let Some(term) = values.first() else {
                    return Ok(Arc::new(Int64Array::from(vec![0i64; num_rows])));
                };
                let real = matches!(
                    term.data_type(),
                    DataType::Float64 | DataType::Float32 | DataType::Decimal128(_, _)
                );
                let mut cells = Vec::with_capacity(num_rows);
                let (mut si, mut sf) = (0i64, 0f64);
                for row in 0..num_rows {
                    if restart_at(values, 1, row)? {
                        si = 0;
                        sf = 0.0;
                    }
                    let v = KValue::from_array(term, row)?;
                    if real {
                        sf += v.as_f64().unwrap_or(0.0);
                        cells.push(KValue::Real(sf).to_scalar(KustoType::Real));
                    } else {
                        si = si.wrapping_add(v.as_i64().unwrap_or(0));
                        cells.push(ScalarValue::Int64(Some(si)));
                    }
                }
                if cells.is_empty() {
                    return Ok(datafusion::arrow::array::new_empty_array(if real {
                        &DataType::Float64
                    } else {
                        &DataType::Int64
                    }));
                }
                let out = ScalarValue::iter_to_array(cells)?;
                match term.data_type() {
                    d @ DataType::Decimal128(_, _) => {
                        Ok(datafusion::arrow::compute::cast(&out, d)?)
                    }
                    _ => Ok(out),
                }
            }
            SerialKind::RankMin | SerialKind::RankDense => {
                let Some(term) = values.first() else {
                    return Ok(Arc::new(Int64Array::from(vec![1i64; num_rows])));
                };
                let mut out = Vec::with_capacity(num_rows);
                let mut prev: Option<KValue> = None;
                let mut rank = 0i64;
                for row in 0..num_rows {
                    let v = KValue::from_array(term, row)?;
                    let same = prev.as_ref() == Some(&v);
                    if !same {
                        rank = if self.kind == SerialKind::RankMin {
                            row as i64 + 1
                        } else {
                            rank + 1
                        };
                    }
                    out.push(rank);
                    prev = Some(v);
                }
                Ok(Arc::new(Int64Array::from(out)))
            }
        }
    }
}
