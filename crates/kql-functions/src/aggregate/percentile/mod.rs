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
mod tests;
