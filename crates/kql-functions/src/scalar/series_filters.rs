//! `series_fir` and the parts of `series_decompose`: filters and
//! decompositions over a numeric dynamic array. Null elements count as 0,
//! as in the other series functions here.

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::udf::ret;
use crate::value::{KValue, map_rows, real_json, try_map_rows};
use datafusion::arrow::array::ArrayRef;
use datafusion::common::Result;
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{Expr, ScalarUDF};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

kusto_udf!(FIR, "kql_series_fir", ret::dynamic, eval_fir);
kusto_udf!(
    DECOMPOSE,
    "kql_series_decompose",
    ret::dynamic,
    eval_decompose
);

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    vec![Arc::clone(&FIR), Arc::clone(&DECOMPOSE)]
}

fn numbers(v: &KValue) -> Option<Vec<f64>> {
    match v {
        KValue::Dynamic(Json::Array(a)) => {
            Some(a.iter().map(|x| x.as_f64().unwrap_or(0.0)).collect())
        }
        _ => None,
    }
}

fn array(xs: impl IntoIterator<Item = f64>) -> KValue {
    KValue::Dynamic(Json::Array(xs.into_iter().map(real_json).collect()))
}

/// `series_fir(x, filter [, normalize = true, center = false])`:
/// y[i] = Σ filter[j]·x[i − j], points outside the series counting 0; a
/// centered filter is shifted back by half its length (a filter of 5 reads
/// x[i−2] … x[i+2]); normalizing divides by the sum of the coefficients.
pub fn fir(x: &[f64], filter: &[f64], normalize: bool, center: bool) -> Vec<f64> {
    let total: f64 = filter.iter().sum();
    let scale = if normalize && total != 0.0 {
        total
    } else {
        1.0
    };
    let shift = if center { (filter.len() / 2) as i64 } else { 0 };
    (0..x.len() as i64)
        .map(|i| {
            let sum: f64 = filter
                .iter()
                .enumerate()
                .map(|(j, f)| {
                    let k = i + shift - j as i64;
                    if (0..x.len() as i64).contains(&k) {
                        f * x[k as usize]
                    } else {
                        0.0
                    }
                })
                .sum();
            sum / scale
        })
        .collect()
}

fn eval_fir(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let (Some(x), Some(f)) = (numbers(&v[0]), v.get(1).and_then(numbers)) else {
            return KValue::Null;
        };
        let flag = |i: usize, d: bool| match v.get(i) {
            Some(KValue::Bool(b)) => *b,
            _ => d,
        };
        array(fir(&x, &f, flag(2, true), flag(3, false)))
    })
}

fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// `series_decompose` as its documentation orders it: the seasonal part is
/// the median of the learning points in the same phase (0 without a
/// period), the trend is fitted to the series minus its seasonal part
/// (`avg`, `linefit` or `none`), baseline = seasonal + trend and
/// residual = x − baseline. The last `test_points` points are left out of
/// the learning.
pub fn decompose(
    x: &[f64],
    period: usize,
    trend: &str,
    test_points: usize,
) -> std::result::Result<[Vec<f64>; 4], String> {
    let n = x.len();
    let learn = n.saturating_sub(test_points);
    let seasonal: Vec<f64> = if period == 0 {
        vec![0.0; n]
    } else {
        let phase: Vec<f64> = (0..period)
            .map(|p| median((p..learn).step_by(period).map(|i| x[i]).collect()))
            .collect();
        (0..n).map(|i| phase[i % period]).collect()
    };
    let rest: Vec<f64> = x.iter().zip(&seasonal).map(|(a, s)| a - s).collect();
    let trend_part: Vec<f64> = match trend {
        "none" => vec![0.0; n],
        "avg" => {
            let avg = if learn == 0 {
                0.0
            } else {
                rest[..learn].iter().sum::<f64>() / learn as f64
            };
            vec![avg; n]
        }
        "linefit" => {
            let m = learn as f64;
            let (mx, my) = if learn == 0 {
                (0.0, 0.0)
            } else {
                (
                    (0..learn).map(|i| i as f64).sum::<f64>() / m,
                    rest[..learn].iter().sum::<f64>() / m,
                )
            };
            let sxy: f64 = (0..learn).map(|i| (i as f64 - mx) * (rest[i] - my)).sum();
            let sxx: f64 = (0..learn).map(|i| (i as f64 - mx).powi(2)).sum();
            let slope = if sxx == 0.0 { 0.0 } else { sxy / sxx };
            (0..n).map(|i| my + slope * (i as f64 - mx)).collect()
        }
        other => {
            return Err(format!(
                "series_decompose(): trend must be avg, linefit or none, not '{other}'"
            ));
        }
    };
    let baseline: Vec<f64> = seasonal
        .iter()
        .zip(&trend_part)
        .map(|(s, t)| s + t)
        .collect();
    let residual: Vec<f64> = x.iter().zip(&baseline).map(|(a, b)| a - b).collect();
    Ok([baseline, seasonal, trend_part, residual])
}

fn eval_decompose(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    try_map_rows(args, rows, KustoType::Dynamic, |v| {
        let Some(x) = numbers(&v[0]) else {
            return Ok(KValue::Null);
        };
        let period = v.get(1).and_then(KValue::as_i64).unwrap_or(-1);
        if period < 0 {
            return Err(DataFusionError::Execution(
                "series_decompose(): detecting the seasonality (-1, the default) is not supported yet; give the period in bins, or 0".into(),
            ));
        }
        let trend = match v.get(2) {
            Some(KValue::String(s)) => s.clone(),
            _ => "avg".to_string(),
        };
        let test_points = v.get(3).and_then(KValue::as_i64).unwrap_or(0).max(0) as usize;
        let parts = decompose(&x, period as usize, &trend, test_points)
            .map_err(DataFusionError::Execution)?;
        let mut m = Map::new();
        for (name, part) in ["baseline", "seasonal", "trend", "residual"]
            .iter()
            .zip(parts)
        {
            m.insert(
                (*name).to_string(),
                Json::Array(part.into_iter().map(real_json).collect()),
            );
        }
        Ok(KValue::Dynamic(Json::Object(m)))
    })
}

pub fn series_fir(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&FIR, a)
}

/// The four parts of `series_decompose` as one bag; the planner splits it
/// into the baseline, seasonal, trend and residual columns.
pub fn series_decompose_bag(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    if a.len() > 4 {
        return Err("series_decompose(): the seasonality threshold is not supported yet".into());
    }
    super::call_udf(&DECOMPOSE, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fir_matches_kusto_examples() {
        let x: Vec<f64> = (0..10).map(f64::from).collect();
        let ones = [1.0; 5];
        assert_eq!(
            fir(&x, &ones, false, false),
            vec![0.0, 1.0, 3.0, 6.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0]
        );
        let centered = fir(&x, &ones, true, true);
        assert!((centered[0] - 0.6).abs() < 1e-12);
        assert!((centered[9] - 4.8).abs() < 1e-12);
    }

    #[test]
    fn decompose_splits_a_period() {
        let x = [1.0, 5.0, 1.0, 5.0, 1.0, 5.0];
        let [baseline, seasonal, trend, residual] = decompose(&x, 2, "avg", 0).unwrap_or_default();
        assert_eq!(seasonal, vec![1.0, 5.0, 1.0, 5.0, 1.0, 5.0]);
        assert_eq!(trend, vec![0.0; 6]);
        assert_eq!(baseline, seasonal);
        assert_eq!(residual, vec![0.0; 6]);
    }
}
