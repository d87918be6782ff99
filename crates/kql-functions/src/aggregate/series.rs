//! The aggregate behind `make-series`: gathers (bin, value) pairs of one group
//! and lays them out as a JSON array over the series' bins, filling empty bins
//! with the default. Also the axis (the bins' own values) as a scalar UDF.

use crate::format::format_datetime_fixed7;
use crate::value::KValue;
use datafusion::arrow::array::{Array, ArrayRef};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Expr, ScalarUDF, Signature, Volatility,
};
use serde_json::Value as Json;
use std::sync::{Arc, LazyLock};

/// Series bins never exceed this many entries (Kusto's own limit is similar).
pub const MAX_BINS: i64 = 1_000_000;

#[derive(Debug, PartialEq, Eq, Hash)]
struct Series {
    signature: Signature,
}

static SERIES: LazyLock<Arc<AggregateUDF>> = LazyLock::new(|| {
    Arc::new(AggregateUDF::new_from_impl(Series {
        signature: Signature::variadic_any(Volatility::Immutable),
    }))
});

pub fn series_udaf() -> Arc<AggregateUDF> {
    Arc::clone(&SERIES)
}

/// `series(bin, value, start, step, count, default)`: bin, start and step are
/// Int64 (nanoseconds for datetimes) or Float64; count is Int64.
pub fn series(bin: Expr, value: Expr, start: Expr, step: Expr, count: Expr, default: Expr) -> Expr {
    SERIES.call(vec![bin, value, start, step, count, default])
}

impl AggregateUDFImpl for Series {
    fn name(&self) -> &str {
        "kql_make_series"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::LargeUtf8)
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format!("{}_pairs", args.name),
            DataType::LargeUtf8,
            true,
        ))])
    }

    fn accumulator(&self, _: AccumulatorArgs<'_>) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(SeriesAcc::default()))
    }
}

#[derive(Debug, Default)]
struct SeriesAcc {
    /// (bin index, value) pairs.
    pairs: Vec<(i64, Json)>,
    count: i64,
    default: Json,
}

impl Accumulator for SeriesAcc {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let [bin, value, start, step, count, default] = values else {
            return Ok(());
        };
        for row in 0..bin.len() {
            let (Some(b), Some(s), Some(st)) = (
                KValue::from_array(bin, row)?.as_f64(),
                KValue::from_array(start, row)?.as_f64(),
                KValue::from_array(step, row)?.as_f64(),
            ) else {
                continue;
            };
            self.count = KValue::from_array(count, row)?
                .as_i64()
                .unwrap_or(0)
                .clamp(0, MAX_BINS);
            self.default = KValue::from_array(default, row)?.to_json();
            if st > 0.0 {
                let idx = ((b - s) / st).round() as i64;
                self.pairs
                    .push((idx, KValue::from_array(value, row)?.to_json()));
            }
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let Some(state) = states.first() else {
            return Ok(());
        };
        for row in 0..state.len() {
            if let KValue::Dynamic(Json::Array(items)) = KValue::from_array(state, row)?
                && let [Json::Number(c), d, Json::Array(pairs)] = items.as_slice()
            {
                self.count = c.as_i64().unwrap_or(0);
                self.default = d.clone();
                for p in pairs {
                    if let Json::Array(kv) = p
                        && let [Json::Number(i), v] = kv.as_slice()
                    {
                        self.pairs.push((i.as_i64().unwrap_or(-1), v.clone()));
                    }
                }
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let pairs: Vec<Json> = self
            .pairs
            .iter()
            .map(|(i, v)| Json::Array(vec![Json::from(*i), v.clone()]))
            .collect();
        let state = Json::Array(vec![
            Json::from(self.count),
            self.default.clone(),
            Json::Array(pairs),
        ]);
        Ok(vec![ScalarValue::LargeUtf8(Some(state.to_string()))])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let mut out = vec![self.default.clone(); usize::try_from(self.count).unwrap_or(0)];
        for (i, v) in &self.pairs {
            if let Some(slot) = usize::try_from(*i).ok().and_then(|i| out.get_mut(i)) {
                *slot = if v.is_null() {
                    self.default.clone()
                } else {
                    v.clone()
                };
            }
        }
        Ok(ScalarValue::LargeUtf8(Some(Json::Array(out).to_string())))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.pairs.len() * 48
    }
}

static AXIS: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| {
    crate::udf::KustoUdf::new("kql_series_axis", crate::udf::ret::dynamic, eval_axis).into_udf()
});

pub fn axis_udf() -> Arc<ScalarUDF> {
    Arc::clone(&AXIS)
}

/// `axis(start, step, count, is_datetime)`: the bins' values as a JSON array.
pub fn axis(start: Expr, step: Expr, count: Expr, is_datetime: bool) -> Expr {
    AXIS.call(vec![
        start,
        step,
        count,
        datafusion::logical_expr::lit(is_datetime),
    ])
}

fn eval_axis(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    crate::value::map_rows(args, rows, crate::KustoType::Dynamic, |v| {
        let count = v[2].as_i64().unwrap_or(0).clamp(0, MAX_BINS);
        let is_dt = matches!(v[3], KValue::Bool(true));
        let items: Vec<Json> = (0..count)
            .map(|i| match (&v[0], &v[1]) {
                (KValue::Long(s), KValue::Long(st)) if is_dt => {
                    Json::String(format_datetime_fixed7(s + i * st))
                }
                (KValue::Long(s), KValue::Long(st)) => Json::from(s + i * st),
                (a, b) => crate::value::real_json(
                    a.as_f64().unwrap_or(0.0) + i as f64 * b.as_f64().unwrap_or(0.0),
                ),
            })
            .collect();
        KValue::Dynamic(Json::Array(items))
    })
}
