//! Array and set functions over dynamic values: `set_union`, `set_intersect`,
//! `set_difference`, `zip`, `array_rotate_*`, `array_shift_*`, `array_split`,
//! `array_iff`, `strcat_array`.

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::udf::ret;
use crate::value::{KValue, map_rows};
use datafusion::arrow::array::ArrayRef;
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, ScalarUDF, lit};
use serde_json::Value as Json;
use std::sync::Arc;

kusto_udf!(SET_UNION, "kql_set_union", ret::dynamic, eval_set_union);
kusto_udf!(
    SET_INTERSECT,
    "kql_set_intersect",
    ret::dynamic,
    eval_set_intersect
);
kusto_udf!(
    SET_DIFFERENCE,
    "kql_set_difference",
    ret::dynamic,
    eval_set_difference
);
kusto_udf!(ZIP, "kql_zip", ret::dynamic, eval_zip);
kusto_udf!(ROTATE, "kql_array_rotate", ret::dynamic, eval_rotate);
kusto_udf!(SHIFT, "kql_array_shift", ret::dynamic, eval_shift);
kusto_udf!(SPLIT, "kql_array_split", ret::dynamic, eval_split);
kusto_udf!(IFF, "kql_array_iff", ret::dynamic, eval_iff);
kusto_udf!(
    STRCAT_ARRAY,
    "kql_strcat_array",
    ret::utf8,
    eval_strcat_array
);

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    [
        &SET_UNION,
        &SET_INTERSECT,
        &SET_DIFFERENCE,
        &ZIP,
        &ROTATE,
        &SHIFT,
        &SPLIT,
        &IFF,
        &STRCAT_ARRAY,
    ]
    .into_iter()
    .map(|u| Arc::clone(u))
    .collect()
}

fn array(v: &KValue) -> Option<Vec<Json>> {
    match v {
        KValue::Dynamic(Json::Array(a)) => Some(a.clone()),
        _ => None,
    }
}

fn all_arrays(v: &[KValue]) -> Option<Vec<Vec<Json>>> {
    v.iter().map(array).collect()
}

fn distinct_push(out: &mut Vec<Json>, x: Json) {
    if !out.contains(&x) {
        out.push(x);
    }
}

fn eval_set_union(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| match all_arrays(v) {
        Some(arrays) => {
            let mut out = Vec::new();
            for x in arrays.into_iter().flatten() {
                distinct_push(&mut out, x);
            }
            KValue::Dynamic(Json::Array(out))
        }
        None => KValue::Null,
    })
}

fn eval_set_intersect(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| match all_arrays(v) {
        Some(arrays) if !arrays.is_empty() => {
            let mut out = Vec::new();
            for x in &arrays[0] {
                if arrays[1..].iter().all(|a| a.contains(x)) {
                    distinct_push(&mut out, x.clone());
                }
            }
            KValue::Dynamic(Json::Array(out))
        }
        _ => KValue::Null,
    })
}

fn eval_set_difference(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| match all_arrays(v) {
        Some(arrays) if !arrays.is_empty() => {
            let mut out = Vec::new();
            for x in &arrays[0] {
                if !arrays[1..].iter().any(|a| a.contains(x)) {
                    distinct_push(&mut out, x.clone());
                }
            }
            KValue::Dynamic(Json::Array(out))
        }
        _ => KValue::Null,
    })
}

fn eval_zip(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| match all_arrays(v) {
        Some(arrays) => {
            let n = arrays.iter().map(Vec::len).max().unwrap_or(0);
            let out = (0..n)
                .map(|i| {
                    Json::Array(
                        arrays
                            .iter()
                            .map(|a| a.get(i).cloned().unwrap_or(Json::Null))
                            .collect(),
                    )
                })
                .collect();
            KValue::Dynamic(Json::Array(out))
        }
        None => KValue::Null,
    })
}

/// `rotate(arr, n)`: positive n rotates right.
fn eval_rotate(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        match (array(&v[0]), v[1].as_i64()) {
            (Some(mut a), Some(n)) => {
                if !a.is_empty() {
                    let k = n.rem_euclid(a.len() as i64) as usize;
                    a.rotate_right(k);
                }
                KValue::Dynamic(Json::Array(a))
            }
            _ => KValue::Null,
        }
    })
}

/// `shift(arr, n, fill)`: positive n shifts right, filling with `fill` (null).
fn eval_shift(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        match (array(&v[0]), v[1].as_i64()) {
            (Some(a), Some(n)) => {
                let fill = v.get(2).map_or(Json::Null, KValue::to_json);
                let len = a.len() as i64;
                let out = (0..len)
                    .map(|i| {
                        let src = i - n;
                        if (0..len).contains(&src) {
                            a[src as usize].clone()
                        } else {
                            fill.clone()
                        }
                    })
                    .collect();
                KValue::Dynamic(Json::Array(out))
            }
            _ => KValue::Null,
        }
    })
}

fn eval_split(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let Some(a) = array(&v[0]) else {
            return KValue::Null;
        };
        let mut idx: Vec<i64> = match &v[1] {
            KValue::Dynamic(Json::Array(ix)) => ix.iter().filter_map(Json::as_i64).collect(),
            other => other.as_i64().into_iter().collect(),
        };
        let n = a.len() as i64;
        idx = idx
            .into_iter()
            .map(|i| if i < 0 { (n + i).max(0) } else { i.min(n) })
            .collect();
        idx.sort_unstable();
        let mut out = Vec::new();
        let mut prev = 0usize;
        for i in idx.into_iter().map(|i| i as usize).chain([a.len()]) {
            out.push(Json::Array(a[prev.min(i)..i].to_vec()));
            prev = i;
        }
        KValue::Dynamic(Json::Array(out))
    })
}

fn eval_iff(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let Some(cond) = array(&v[0]) else {
            return KValue::Null;
        };
        let pick = |x: &KValue, i: usize| match x {
            KValue::Dynamic(Json::Array(a)) => a.get(i).cloned().unwrap_or(Json::Null),
            other => other.to_json(),
        };
        let out = cond
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let truthy = c
                    .as_bool()
                    .unwrap_or_else(|| c.as_f64().is_some_and(|f| f != 0.0));
                if c.is_null() {
                    Json::Null
                } else if truthy {
                    pick(&v[1], i)
                } else {
                    pick(&v[2], i)
                }
            })
            .collect();
        KValue::Dynamic(Json::Array(out))
    })
}

fn eval_strcat_array(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        let Some(a) = array(&v[0]) else {
            return KValue::String(String::new());
        };
        let delim = v[1].to_kusto_string();
        let parts: Vec<String> = a
            .iter()
            .map(|j| KValue::Dynamic(j.clone()))
            .map(|k| {
                if matches!(k, KValue::Dynamic(Json::Null)) {
                    String::new()
                } else {
                    crate::value::convert(&k, KustoType::String).to_kusto_string()
                }
            })
            .collect();
        KValue::String(parts.join(&delim))
    })
}

pub fn set_union(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&SET_UNION, a)
}
pub fn set_intersect(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&SET_INTERSECT, a)
}
pub fn set_difference(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&SET_DIFFERENCE, a)
}
pub fn zip(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&ZIP, a)
}
pub fn array_rotate_right(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&ROTATE, a)
}
pub fn array_rotate_left(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut it = a.into_iter();
    let (arr, n) = (
        it.next().ok_or("array_rotate_left(array, n)")?,
        it.next().ok_or("array_rotate_left(array, n)")?,
    );
    Ok(ROTATE.call(vec![arr.expr, lit(0i64) - n.expr]))
}
pub fn array_shift_right(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&SHIFT, a)
}
pub fn array_shift_left(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut args: Vec<Expr> = a.into_iter().map(|x| x.expr).collect();
    if args.len() < 2 {
        return Err("array_shift_left(array, n [, fill])".into());
    }
    args[1] = lit(0i64) - args[1].clone();
    Ok(SHIFT.call(args))
}
pub fn array_split(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&SPLIT, a)
}
pub fn array_iff(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&IFF, a)
}
pub fn strcat_array(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&STRCAT_ARRAY, a)
}
