//! Tests of the percentile aggregate: nearest rank, merges of partial
//! states, nulls and NaN, exactness beyond 2^53, datetimes and timespans.

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
