//! Nearest-rank `percentile(x, p)` and `percentiles_array(x, p1, …)`.
//!
//! Exact percentiles need every value, so what matters is how each value is
//! kept: as a plain `i64` (int, long, datetime, timespan — so the answer is
//! the exact element, even beyond 2^53) or `f64` (real, decimal), read from
//! the input arrays a batch at a time. The partial state is the values as an
//! Arrow `LargeList` plus the percentages, so partial aggregates merge without
//! any text round trip. Groups live in one [`GroupsAccumulator`], one vector
//! per group, rather than one boxed accumulator per group.
//!
//! Kusto semantics kept from the JSON-based version this replaces: nulls are
//! skipped, and so are NaN and ±∞ reals (they had no JSON number form); the
//! percentage is the first non-null one seen (50 if none), clamped to
//! 0..=100; the result has the input's type (`percentile`) or is a dynamic
//! array of JSON numbers, datetimes and timespans as nanoseconds
//! (`percentiles_array`).

use crate::value::{KValue, real_json};
use datafusion::arrow::array::{
    Array, ArrayRef, ArrowPrimitiveType, AsArray, BooleanArray, Float64Array, LargeListArray,
    PrimitiveArray, new_empty_array,
};
use datafusion::arrow::buffer::{OffsetBuffer, ScalarBuffer};
use datafusion::arrow::datatypes::{
    ArrowNativeType, DataType, DurationNanosecondType, Field, FieldRef, Float64Type, Int32Type,
    Int64Type, TimeUnit, TimestampNanosecondType,
};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, EmitTo, GroupsAccumulator, Signature, Volatility,
};
use serde_json::Value as Json;
use std::cmp::Ordering;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PercentileKind {
    /// `percentile(x, p)`: one value of `x`'s type.
    One,
    /// `percentiles_array(x, p1, …)`: a dynamic array.
    Array,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Percentile {
    kind: PercentileKind,
    signature: Signature,
}

pub fn percentile_udaf(kind: PercentileKind) -> Arc<AggregateUDF> {
    Arc::new(AggregateUDF::new_from_impl(Percentile {
        kind,
        signature: Signature::variadic_any(Volatility::Immutable),
    }))
}

/// Whole numbers, datetimes and timespans are kept as `i64`, the rest as `f64`.
fn keeps_longs(input: &DataType) -> bool {
    input.is_integer() || matches!(input, DataType::Timestamp(..) | DataType::Duration(_))
}

impl AggregateUDFImpl for Percentile {
    fn name(&self) -> &str {
        match self.kind {
            PercentileKind::One => "kql_percentile",
            PercentileKind::Array => "kql_percentiles_array",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(match self.kind {
            PercentileKind::One => arg_types.first().cloned().unwrap_or(DataType::Float64),
            PercentileKind::Array => DataType::LargeUtf8,
        })
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> Result<Vec<FieldRef>> {
        let input = args.input_fields.first().map(|f| f.data_type());
        let item = if input.is_some_and(keeps_longs) {
            DataType::Int64
        } else {
            DataType::Float64
        };
        let mut fields = vec![Arc::new(Field::new(
            format!("{}_values", args.name),
            DataType::LargeList(Arc::new(Field::new_list_field(item, true))),
            true,
        ))];
        for i in 1..args.input_fields.len().max(2) {
            fields.push(Arc::new(Field::new(
                format!("{}_param{i}", args.name),
                DataType::Float64,
                true,
            )));
        }
        Ok(fields)
    }

    fn accumulator(&self, args: AccumulatorArgs<'_>) -> Result<Box<dyn Accumulator>> {
        Ok(if keeps_longs_arg(&args) {
            Box::new(Single(Groups::<i64>::new(self.kind, &args)))
        } else {
            Box::new(Single(Groups::<f64>::new(self.kind, &args)))
        })
    }

    fn groups_accumulator_supported(&self, _args: AccumulatorArgs<'_>) -> bool {
        true
    }

    fn create_groups_accumulator(
        &self,
        args: AccumulatorArgs<'_>,
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(if keeps_longs_arg(&args) {
            Box::new(Groups::<i64>::new(self.kind, &args))
        } else {
            Box::new(Groups::<f64>::new(self.kind, &args))
        })
    }
}

fn keeps_longs_arg(args: &AccumulatorArgs<'_>) -> bool {
    args.expr_fields
        .first()
        .is_some_and(|f| keeps_longs(f.data_type()))
}

/// How one kind of kept number is read, ordered and written back.
trait Num: ArrowNativeType {
    type Arrow: ArrowPrimitiveType<Native = Self>;
    /// Calls `f(row, value)` for each value Kusto's percentile counts.
    fn each(array: &ArrayRef, f: impl FnMut(usize, Self)) -> Result<()>;
    fn order(a: &Self, b: &Self) -> Ordering;
    /// The result as a cell of `percentile`'s output type (the input's).
    fn to_scalar(self, out: &DataType) -> Result<ScalarValue>;
    /// The result as an item of `percentiles_array`'s dynamic array.
    fn to_json(self) -> Json;
}

/// The non-null values of a primitive array, without a per-row downcast.
fn each_primitive<P: ArrowPrimitiveType>(array: &ArrayRef, mut f: impl FnMut(usize, P::Native)) {
    let a = array.as_primitive::<P>();
    let values = a.values();
    match a.nulls() {
        Some(nulls) if nulls.null_count() > 0 => {
            for row in nulls.valid_indices() {
                f(row, values[row]);
            }
        }
        _ => {
            for (row, v) in values.iter().enumerate() {
                f(row, *v);
            }
        }
    }
}

impl Num for i64 {
    type Arrow = Int64Type;

    fn each(array: &ArrayRef, mut f: impl FnMut(usize, i64)) -> Result<()> {
        match array.data_type() {
            DataType::Int64 => each_primitive::<Int64Type>(array, f),
            DataType::Int32 => each_primitive::<Int32Type>(array, |r, v| f(r, v.into())),
            DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                each_primitive::<TimestampNanosecondType>(array, f)
            }
            DataType::Duration(TimeUnit::Nanosecond) => {
                each_primitive::<DurationNanosecondType>(array, f)
            }
            // Other widths and units are not Kusto columns; read them as Kusto
            // values would be (datetimes and timespans in nanoseconds).
            _ => {
                for row in 0..array.len() {
                    match KValue::from_array(array, row)? {
                        KValue::Int(i) => f(row, i.into()),
                        KValue::Long(t) | KValue::DateTime(t) | KValue::Timespan(t) => f(row, t),
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    fn order(a: &i64, b: &i64) -> Ordering {
        a.cmp(b)
    }

    fn to_scalar(self, out: &DataType) -> Result<ScalarValue> {
        Ok(match out {
            DataType::Int32 => ScalarValue::Int32(Some(self as i32)),
            DataType::Int64 => ScalarValue::Int64(Some(self)),
            DataType::Timestamp(_, tz) => ScalarValue::TimestampNanosecond(Some(self), tz.clone()),
            DataType::Duration(_) => ScalarValue::DurationNanosecond(Some(self)),
            other => ScalarValue::Float64(Some(self as f64)).cast_to(other)?,
        })
    }

    fn to_json(self) -> Json {
        Json::from(self)
    }
}

impl Num for f64 {
    type Arrow = Float64Type;

    fn each(array: &ArrayRef, mut f: impl FnMut(usize, f64)) -> Result<()> {
        match array.data_type() {
            DataType::Float64 => each_primitive::<Float64Type>(array, |r, v| {
                if v.is_finite() {
                    f(r, v)
                }
            }),
            // Decimals (and other numbers) as doubles, exactly as Kusto values read them.
            _ => {
                for row in 0..array.len() {
                    if let Some(v) = KValue::from_array(array, row)?.as_f64()
                        && v.is_finite()
                    {
                        f(row, v);
                    }
                }
            }
        }
        Ok(())
    }

    fn order(a: &f64, b: &f64) -> Ordering {
        a.total_cmp(b)
    }

    fn to_scalar(self, out: &DataType) -> Result<ScalarValue> {
        Ok(match out {
            DataType::Float64 => ScalarValue::Float64(Some(self)),
            other => ScalarValue::Float64(Some(self)).cast_to(other)?,
        })
    }

    fn to_json(self) -> Json {
        real_json(self)
    }
}

/// Nearest rank: the smallest value with at least p% of the values ≤ it.
/// Selection instead of a full sort; it only reorders `values`.
fn nearest_rank<T: Num>(values: &mut [T], p: Option<f64>) -> Option<T> {
    if values.is_empty() {
        return None;
    }
    let p = p.unwrap_or(50.0).clamp(0.0, 100.0);
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    let k = rank.saturating_sub(1).min(values.len() - 1);
    Some(*values.select_nth_unstable_by(k, T::order).1)
}

/// The percentage in one row: a double, as the planner casts it to.
fn param_at(array: &ArrayRef, row: usize) -> Result<Option<f64>> {
    Ok(match array.as_primitive_opt::<Float64Type>() {
        Some(d) => d.is_valid(row).then(|| d.value(row)),
        None => KValue::from_array(array, row)?.as_f64(),
    })
}

/// The kept values and percentages of every group.
#[derive(Debug)]
struct Groups<T: Num> {
    kind: PercentileKind,
    out: DataType,
    values: Vec<Vec<T>>,
    /// `params[i][group]`: the group's i-th percentage, once one is seen.
    params: Vec<Vec<Option<f64>>>,
}

impl<T: Num> Groups<T> {
    fn new(kind: PercentileKind, args: &AccumulatorArgs<'_>) -> Self {
        // One percentage per argument after `x`, as many as `state_fields` lists.
        let n = args.exprs.len().saturating_sub(1).max(1);
        Groups {
            kind,
            out: args.return_field.data_type().clone(),
            values: Vec::new(),
            params: vec![Vec::new(); n],
        }
    }

    fn resize(&mut self, groups: usize) {
        if self.values.len() < groups {
            self.values.resize_with(groups, Vec::new);
        }
        for p in &mut self.params {
            if p.len() < groups {
                p.resize(groups, None);
            }
        }
    }

    /// Takes each group's i-th percentage from its first row (that `keep`
    /// accepts) with a non-null one.
    fn fill_params(
        &mut self,
        arrays: &[ArrayRef],
        group_indices: &[usize],
        keep: impl Fn(usize) -> bool,
    ) -> Result<()> {
        for (param, array) in self.params.iter_mut().zip(arrays) {
            for (row, &g) in group_indices.iter().enumerate() {
                if param[g].is_none() && keep(row) {
                    param[g] = param_at(array, row)?;
                }
            }
        }
        Ok(())
    }

    /// The percentile(s) of one group, as `percentile` or `percentiles_array`
    /// gives them; `params[i][group]` is the group's i-th percentage.
    fn result(
        &self,
        values: &mut [T],
        params: &[Vec<Option<f64>>],
        group: usize,
    ) -> Result<ScalarValue> {
        let param = |i: usize| params.get(i).and_then(|p| p.get(group)).copied().flatten();
        match self.kind {
            PercentileKind::One => match nearest_rank(values, param(0)) {
                Some(v) => v.to_scalar(&self.out),
                None => ScalarValue::try_from(&self.out),
            },
            PercentileKind::Array => {
                let items = (0..params.len())
                    .map(|i| nearest_rank(values, param(i)).map_or(Json::Null, T::to_json))
                    .collect();
                Ok(ScalarValue::LargeUtf8(Some(Json::Array(items).to_string())))
            }
        }
    }

    /// The values of `groups` as one `LargeList` array (the partial state).
    fn values_state(groups: &[Vec<T>]) -> ArrayRef {
        let mut flat = Vec::with_capacity(groups.iter().map(Vec::len).sum());
        for g in groups {
            flat.extend_from_slice(g);
        }
        list_array(groups.iter().map(Vec::len), flat)
    }
}

/// A `LargeList` of `T` whose rows hold `lengths` items each, taken in order from `flat`.
fn list_array<T: Num>(lengths: impl IntoIterator<Item = usize>, flat: Vec<T>) -> ArrayRef {
    let items = PrimitiveArray::<T::Arrow>::new(ScalarBuffer::from(flat), None);
    Arc::new(LargeListArray::new(
        Arc::new(Field::new_list_field(T::Arrow::DATA_TYPE, true)),
        OffsetBuffer::<i64>::from_lengths(lengths),
        Arc::new(items),
        None,
    ))
}

impl<T: Num> GroupsAccumulator for Groups<T> {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.resize(total_num_groups);
        let Some(data) = values.first() else {
            return Ok(());
        };
        let keep = |row: usize| opt_filter.is_none_or(|f| f.is_valid(row) && f.value(row));
        self.fill_params(&values[1..], group_indices, keep)?;
        let groups = &mut self.values;
        T::each(data, |row, v| {
            if keep(row) {
                groups[group_indices[row]].push(v);
            }
        })
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        total_num_groups: usize,
    ) -> Result<()> {
        self.resize(total_num_groups);
        let Some(lists) = values.first() else {
            return Ok(());
        };
        let lists = lists.as_list::<i64>();
        let items = lists.values().as_primitive::<T::Arrow>().values();
        let offsets = lists.value_offsets();
        for (row, &g) in group_indices.iter().enumerate() {
            if lists.is_valid(row) {
                let (start, end) = (offsets[row] as usize, offsets[row + 1] as usize);
                self.values[g].extend_from_slice(&items[start..end]);
            }
        }
        self.fill_params(&values[1..], group_indices, |_| true)
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let groups = emit_to.take_needed(&mut self.values);
        let params: Vec<_> = self
            .params
            .iter_mut()
            .map(|p| emit_to.take_needed(p))
            .collect();
        let cells = groups
            .into_iter()
            .enumerate()
            .map(|(g, mut v)| self.result(&mut v, &params, g))
            .collect::<Result<Vec<_>>>()?;
        if cells.is_empty() {
            return Ok(new_empty_array(&self.out));
        }
        ScalarValue::iter_to_array(cells)
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let groups = emit_to.take_needed(&mut self.values);
        let lengths: Vec<usize> = groups.iter().map(Vec::len).collect();
        let mut flat = Vec::with_capacity(lengths.iter().sum());
        // Each group's vector is freed once copied, so the values are not held
        // twice over while the state is built.
        for g in groups {
            flat.extend_from_slice(&g);
        }
        let mut state = vec![list_array(lengths, flat)];
        for p in &mut self.params {
            state.push(Arc::new(Float64Array::from(emit_to.take_needed(p))) as ArrayRef);
        }
        Ok(state)
    }

    /// Each row as its own group, for when DataFusion finds that partial
    /// aggregation does not reduce the rows enough to be worth it.
    fn convert_to_state(
        &self,
        values: &[ArrayRef],
        opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        let rows = values.first().map_or(0, |v| v.len());
        let keep = |row: usize| opt_filter.is_none_or(|f| f.is_valid(row) && f.value(row));
        let mut lengths = vec![0usize; rows];
        let mut flat = Vec::new();
        if let Some(data) = values.first() {
            // Rows come in increasing order, so `flat` lines up with `lengths`.
            T::each(data, |row, v| {
                if keep(row) {
                    lengths[row] = 1;
                    flat.push(v);
                }
            })?;
        }
        let mut state = vec![list_array(lengths, flat)];
        for i in 0..self.params.len() {
            let column = (0..rows)
                .map(|row| match values.get(i + 1) {
                    Some(p) if keep(row) => param_at(p, row),
                    _ => Ok(None),
                })
                .collect::<Result<Float64Array>>()?;
            state.push(Arc::new(column));
        }
        Ok(state)
    }

    fn size(&self) -> usize {
        let values: usize = self
            .values
            .iter()
            .map(|v| v.capacity() * size_of::<T>())
            .sum();
        let params: usize = self
            .params
            .iter()
            .map(|p| p.capacity() * size_of::<Option<f64>>())
            .sum();
        size_of::<Self>() + self.values.capacity() * size_of::<Vec<T>>() + values + params
    }
}

/// The ungrouped aggregate (`summarize percentile(x, 95)` with no `by`) is
/// the same state with a single group.
#[derive(Debug)]
struct Single<T: Num>(Groups<T>);

impl<T: Num> Accumulator for Single<T> {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let rows = values.first().map_or(0, |v| v.len());
        self.0.update_batch(values, &vec![0; rows], None, 1)
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let rows = states.first().map_or(0, |v| v.len());
        GroupsAccumulator::merge_batch(&mut self.0, states, &vec![0; rows], 1)
    }

    // Neither `state` nor `evaluate` consumes the values, so either may be
    // called again (as a window aggregate does); selection only reorders them.
    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        self.0.resize(1);
        let values = Groups::values_state(&self.0.values[..1]);
        let mut state = vec![ScalarValue::try_from_array(&values, 0)?];
        for p in &self.0.params {
            state.push(ScalarValue::Float64(p[0]));
        }
        Ok(state)
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        self.0.resize(1);
        let mut values = std::mem::take(&mut self.0.values[0]);
        let result = self.0.result(&mut values, &self.0.params, 0);
        self.0.values[0] = values;
        result
    }

    fn size(&self) -> usize {
        GroupsAccumulator::size(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{
        Decimal128Array, DurationNanosecondArray, Int32Array, Int64Array, TimestampNanosecondArray,
    };

    fn groups<T: Num>(kind: PercentileKind, out: DataType, params: usize) -> Groups<T> {
        Groups {
            kind,
            out,
            values: Vec::new(),
            params: vec![Vec::new(); params],
        }
    }

    fn ps(p: &[f64], rows: usize) -> Vec<ArrayRef> {
        p.iter()
            .map(|&p| Arc::new(Float64Array::from(vec![p; rows])) as ArrayRef)
            .collect()
    }

    /// `percentile(x, p)` of one group fed `x` in one batch.
    fn one<T: Num>(x: ArrayRef, p: f64) -> ScalarValue {
        let mut acc = Single(groups::<T>(PercentileKind::One, x.data_type().clone(), 1));
        let mut args = vec![x.clone()];
        args.extend(ps(&[p], x.len()));
        acc.update_batch(&args).unwrap();
        acc.evaluate().unwrap()
    }

    fn longs(v: &[Option<i64>]) -> ArrayRef {
        Arc::new(Int64Array::from(v.to_vec()))
    }

    #[test]
    fn nearest_rank_of_longs() {
        let x = longs(&[Some(5), Some(1), Some(4), Some(2), Some(3)]);
        for (p, want) in [
            (0.0, 1),
            (20.0, 1),
            (21.0, 2),
            (50.0, 3),
            (95.0, 5),
            (100.0, 5),
        ] {
            assert_eq!(
                one::<i64>(x.clone(), p),
                ScalarValue::Int64(Some(want)),
                "p={p}"
            );
        }
        // Percentages outside 0..=100 are clamped.
        assert_eq!(one::<i64>(x.clone(), 250.0), ScalarValue::Int64(Some(5)));
        assert_eq!(one::<i64>(x, -3.0), ScalarValue::Int64(Some(1)));
    }

    #[test]
    fn longs_beyond_2_pow_53_are_exact() {
        let big = 1i64 << 53;
        let x = longs(&[Some(big + 5), Some(big + 1), Some(big + 3), Some(i64::MAX)]);
        assert_eq!(
            one::<i64>(x.clone(), 50.0),
            ScalarValue::Int64(Some(big + 3))
        );
        assert_eq!(
            one::<i64>(x.clone(), 25.0),
            ScalarValue::Int64(Some(big + 1))
        );
        assert_eq!(one::<i64>(x, 100.0), ScalarValue::Int64(Some(i64::MAX)));
    }

    #[test]
    fn nulls_are_skipped_and_no_values_give_null() {
        let x = longs(&[None, Some(7), None, Some(1), None]);
        assert_eq!(one::<i64>(x, 50.0), ScalarValue::Int64(Some(1)));
        assert_eq!(
            one::<i64>(longs(&[None, None]), 50.0),
            ScalarValue::Int64(None)
        );
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![Some(3), None, Some(9)]));
        assert_eq!(one::<i64>(ints, 100.0), ScalarValue::Int32(Some(9)));
    }

    #[test]
    fn nan_and_infinities_are_skipped() {
        let x: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(f64::NAN),
            Some(1.5),
            Some(f64::INFINITY),
            None,
            Some(-0.5),
            Some(f64::NEG_INFINITY),
            Some(3.0),
        ]));
        assert_eq!(one::<f64>(x.clone(), 0.0), ScalarValue::Float64(Some(-0.5)));
        assert_eq!(one::<f64>(x.clone(), 50.0), ScalarValue::Float64(Some(1.5)));
        assert_eq!(one::<f64>(x, 100.0), ScalarValue::Float64(Some(3.0)));
        let only_nan: ArrayRef = Arc::new(Float64Array::from(vec![f64::NAN]));
        assert_eq!(one::<f64>(only_nan, 50.0), ScalarValue::Float64(None));
    }

    #[test]
    fn datetimes_and_timespans_keep_their_type() {
        let tz: Option<Arc<str>> = Some("UTC".into());
        let t = 1_700_000_000_123_456_789i64;
        let x: ArrayRef = Arc::new(
            TimestampNanosecondArray::from(vec![Some(t + 2), None, Some(t), Some(t + 1)])
                .with_timezone_opt(tz.clone()),
        );
        assert_eq!(
            one::<i64>(x, 50.0),
            ScalarValue::TimestampNanosecond(Some(t + 1), tz)
        );
        let d: ArrayRef = Arc::new(DurationNanosecondArray::from(vec![30, 10, 20]));
        assert_eq!(
            one::<i64>(d, 90.0),
            ScalarValue::DurationNanosecond(Some(30))
        );
    }

    #[test]
    fn decimals_are_doubles_and_stay_decimals() {
        let (prec, scale) = (crate::types::DECIMAL_PRECISION, crate::types::DECIMAL_SCALE);
        let unit = 10i128.pow(scale as u32);
        let x: ArrayRef = Arc::new(
            Decimal128Array::from(vec![Some(3 * unit), None, Some(unit / 2)])
                .with_precision_and_scale(prec, scale)
                .unwrap(),
        );
        let want = ScalarValue::Float64(Some(0.5))
            .cast_to(&DataType::Decimal128(prec, scale))
            .unwrap();
        assert_eq!(one::<f64>(x, 50.0), want);
    }

    #[test]
    fn the_first_non_null_percentage_counts() {
        let mut acc = Single(groups::<i64>(PercentileKind::One, DataType::Int64, 1));
        let x = longs(&[Some(1), Some(2), Some(3), Some(4)]);
        let p: ArrayRef = Arc::new(Float64Array::from(vec![None, Some(100.0), Some(0.0), None]));
        acc.update_batch(&[x, p]).unwrap();
        assert_eq!(acc.evaluate().unwrap(), ScalarValue::Int64(Some(4)));
        // No percentage at all is the median.
        let mut acc = Single(groups::<i64>(PercentileKind::One, DataType::Int64, 1));
        let x = longs(&[Some(1), Some(2), Some(3)]);
        let p: ArrayRef = Arc::new(Float64Array::from(vec![None::<f64>; 3]));
        acc.update_batch(&[x, p]).unwrap();
        assert_eq!(acc.evaluate().unwrap(), ScalarValue::Int64(Some(2)));
    }

    #[test]
    fn evaluate_and_state_can_be_repeated() {
        let mut acc = Single(groups::<i64>(PercentileKind::One, DataType::Int64, 1));
        let x = longs(&[Some(9), Some(1), Some(5)]);
        acc.update_batch(&[x.clone(), ps(&[50.0], 3).remove(0)])
            .unwrap();
        assert_eq!(acc.evaluate().unwrap(), ScalarValue::Int64(Some(5)));
        assert_eq!(acc.evaluate().unwrap(), ScalarValue::Int64(Some(5)));
        let s1 = acc.state().unwrap();
        assert_eq!(acc.state().unwrap(), s1);
        acc.update_batch(&[x, ps(&[50.0], 3).remove(0)]).unwrap();
        assert_eq!(acc.evaluate().unwrap(), ScalarValue::Int64(Some(5)));
    }

    /// Partial states of two accumulators merged give what one accumulator
    /// fed everything gives, grouped and ungrouped.
    #[test]
    fn merged_partial_states_agree() {
        let big = (1i64 << 53) + 1;
        let a = longs(&[Some(10), None, Some(big), Some(30), Some(40)]);
        let b = longs(&[Some(20), Some(big + 2), None, Some(50)]);
        let (ga, gb) = ([0usize, 1, 0, 1, 0], [1usize, 0, 2, 0]);

        let mut whole = groups::<i64>(PercentileKind::One, DataType::Int64, 1);
        let mut left = groups::<i64>(PercentileKind::One, DataType::Int64, 1);
        let mut right = groups::<i64>(PercentileKind::One, DataType::Int64, 1);
        let args = |x: &ArrayRef| {
            let mut v = vec![x.clone()];
            v.extend(ps(&[80.0], x.len()));
            v
        };
        whole.update_batch(&args(&a), &ga, None, 2).unwrap();
        whole.update_batch(&args(&b), &gb, None, 3).unwrap();
        left.update_batch(&args(&a), &ga, None, 2).unwrap();
        right.update_batch(&args(&b), &gb, None, 3).unwrap();

        // The left partial emits its first group on its own, as DataFusion
        // does under memory pressure; the partials' group i is the final's i.
        let mut merged = groups::<i64>(PercentileKind::One, DataType::Int64, 1);
        merged
            .merge_batch(&left.state(EmitTo::First(1)).unwrap(), &[0], 1)
            .unwrap();
        merged
            .merge_batch(&right.state(EmitTo::All).unwrap(), &[0, 1, 2], 3)
            .unwrap();
        merged
            .merge_batch(&left.state(EmitTo::All).unwrap(), &[1], 3)
            .unwrap();
        let want = whole.evaluate(EmitTo::All).unwrap();
        let got = merged.evaluate(EmitTo::All).unwrap();
        // g0 = {10, big, 40, big+2, 50}, g1 = {30, 20}, g2 = {} (nulls only).
        assert_eq!(want.as_primitive::<Int64Type>().values(), &[big, 30, 0]);
        assert!(want.is_null(2));
        assert_eq!(&got, &want);

        // Ungrouped, through ScalarValue states.
        let mut one_acc = Single(groups::<i64>(PercentileKind::One, DataType::Int64, 1));
        let mut all = Single(groups::<i64>(PercentileKind::One, DataType::Int64, 1));
        for x in [&a, &b] {
            let mut part = Single(groups::<i64>(PercentileKind::One, DataType::Int64, 1));
            part.update_batch(&args(x)).unwrap();
            all.update_batch(&args(x)).unwrap();
            let state: Vec<ArrayRef> = part
                .state()
                .unwrap()
                .iter()
                .map(|s| s.to_array().unwrap())
                .collect();
            one_acc.merge_batch(&state).unwrap();
        }
        assert_eq!(one_acc.evaluate().unwrap(), all.evaluate().unwrap());
        // All seven values: the 6th smallest.
        assert_eq!(one_acc.evaluate().unwrap(), ScalarValue::Int64(Some(big)));
    }

    #[test]
    fn convert_to_state_and_filters() {
        let x = longs(&[Some(3), None, Some(1), Some(2)]);
        let filter = BooleanArray::from(vec![Some(true), Some(true), None, Some(true)]);
        let mut args = vec![x];
        args.extend(ps(&[100.0], 4));
        let g = groups::<i64>(PercentileKind::One, DataType::Int64, 1);
        let state = g.convert_to_state(&args, Some(&filter)).unwrap();
        let mut merged = groups::<i64>(PercentileKind::One, DataType::Int64, 1);
        merged.merge_batch(&state, &[0, 0, 0, 0], 1).unwrap();
        // Row 2 (1) is filtered out; row 1 is null.
        assert_eq!(merged.values, vec![vec![3, 2]]);
        let mut direct = groups::<i64>(PercentileKind::One, DataType::Int64, 1);
        direct
            .update_batch(&args, &[0, 0, 0, 0], Some(&filter), 1)
            .unwrap();
        assert_eq!(direct.values, merged.values);
        assert_eq!(
            merged
                .evaluate(EmitTo::All)
                .unwrap()
                .as_primitive::<Int64Type>()
                .values(),
            &[3]
        );
    }

    #[test]
    fn percentiles_array_is_a_dynamic_array() {
        let mut g = groups::<f64>(PercentileKind::Array, DataType::LargeUtf8, 3);
        let x: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(2.5),
            Some(1.0),
            Some(f64::NAN),
            Some(7.0),
            None,
        ]));
        let mut args = vec![x];
        args.extend(ps(&[0.0, 50.0, 100.0], 5));
        g.update_batch(&args, &[0, 0, 0, 0, 2], None, 3).unwrap();
        let out = g.evaluate(EmitTo::All).unwrap();
        let out = out.as_string::<i64>();
        assert_eq!(out.value(0), "[1.0,2.5,7.0]");
        assert_eq!(out.value(1), "[null,null,null]");
        assert_eq!(out.value(2), "[null,null,null]");

        // Datetimes are items in nanoseconds, exact.
        let mut g = groups::<i64>(PercentileKind::Array, DataType::LargeUtf8, 2);
        let t = 1_700_000_000_123_456_789i64;
        let x: ArrayRef = Arc::new(TimestampNanosecondArray::from(vec![t, t + 1, t + 2]));
        let mut args = vec![x];
        args.extend(ps(&[10.0, 90.0], 3));
        g.update_batch(&args, &[0, 0, 0], None, 1).unwrap();
        let out = g.evaluate(EmitTo::All).unwrap();
        assert_eq!(out.as_string::<i64>().value(0), format!("[{t},{}]", t + 2));
    }
}
