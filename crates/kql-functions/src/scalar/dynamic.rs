//! Functions over `dynamic` values (JSON arrays and property bags), plus the
//! member and index access behind `d.a.b`, `d["k"]` and `d[0]`.

use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::udf::ret;
use crate::value::{KValue, map_rows};
use datafusion::arrow::array::ArrayRef;
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, ScalarUDF, lit};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

kusto_udf!(GET, "kql_dynamic_get", ret::dynamic, eval_get);
kusto_udf!(GETTYPE, "kql_gettype", ret::utf8, eval_gettype);
kusto_udf!(
    ARRAY_LENGTH,
    "kql_array_length",
    ret::int64,
    eval_array_length
);
kusto_udf!(BAG_KEYS, "kql_bag_keys", ret::dynamic, eval_bag_keys);
kusto_udf!(PACK_ARRAY, "kql_pack_array", ret::dynamic, eval_pack_array);
kusto_udf!(PACK, "kql_pack", ret::dynamic, eval_pack);
kusto_udf!(
    ARRAY_CONCAT,
    "kql_array_concat",
    ret::dynamic,
    eval_array_concat
);
kusto_udf!(ARRAY_SUM, "kql_array_sum", ret::float64, eval_array_sum);
kusto_udf!(ARRAY_SORT, "kql_array_sort", ret::dynamic, eval_array_sort);
kusto_udf!(
    ARRAY_REVERSE,
    "kql_array_reverse",
    ret::dynamic,
    eval_array_reverse
);
kusto_udf!(
    ARRAY_SLICE,
    "kql_array_slice",
    ret::dynamic,
    eval_array_slice
);
kusto_udf!(
    ARRAY_INDEX_OF,
    "kql_array_index_of",
    ret::int64,
    eval_array_index_of
);
kusto_udf!(BAG_MERGE, "kql_bag_merge", ret::dynamic, eval_bag_merge);
kusto_udf!(TO_JSON, "kql_dynamic_to_json", ret::utf8, eval_to_json);

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    [
        &GET,
        &GETTYPE,
        &ARRAY_LENGTH,
        &BAG_KEYS,
        &PACK_ARRAY,
        &PACK,
        &ARRAY_CONCAT,
        &ARRAY_SUM,
        &ARRAY_SORT,
        &ARRAY_REVERSE,
        &ARRAY_SLICE,
        &ARRAY_INDEX_OF,
        &BAG_MERGE,
        &TO_JSON,
    ]
    .into_iter()
    .map(|u| Arc::clone(u))
    .collect()
}

/// `target.key` / `target[index]`: a dynamic value, null when absent.
pub fn get(target: Expr, key: Expr) -> Expr {
    GET.call(vec![target, key])
}

fn json_of(v: &KValue) -> Option<Json> {
    match v {
        KValue::Null => None,
        KValue::Dynamic(j) => Some(j.clone()),
        other => Some(other.to_json()),
    }
}

fn eval_get(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let Some(j) = json_of(&v[0]) else {
            return KValue::Null;
        };
        let found = match (&j, &v[1]) {
            (Json::Object(m), KValue::String(k)) => m.get(k).cloned(),
            (Json::Array(a), key) => key.as_i64().and_then(|i| {
                let i = if i < 0 { a.len() as i64 + i } else { i };
                usize::try_from(i).ok().and_then(|i| a.get(i).cloned())
            }),
            _ => None,
        };
        match found {
            None | Some(Json::Null) => KValue::Null,
            Some(x) => KValue::Dynamic(x),
        }
    })
}

fn type_name(v: &KValue) -> &'static str {
    match v {
        KValue::Null => "null",
        KValue::Bool(_) => "bool",
        KValue::Int(_) => "int",
        KValue::Long(_) => "long",
        KValue::Real(_) => "real",
        KValue::Decimal(_) => "decimal",
        KValue::String(_) => "string",
        KValue::DateTime(_) => "datetime",
        KValue::Timespan(_) => "timespan",
        KValue::Guid(_) => "guid",
        KValue::Dynamic(j) => match j {
            Json::Null => "null",
            Json::Bool(_) => "bool",
            Json::Number(n) if n.is_i64() || n.is_u64() => "long",
            Json::Number(_) => "double",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "dictionary",
        },
    }
}

fn eval_gettype(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        KValue::String(type_name(&v[0]).into())
    })
}

fn eval_array_length(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Long, |v| match json_of(&v[0]) {
        Some(Json::Array(a)) => KValue::Long(a.len() as i64),
        _ => KValue::Null,
    })
}

fn eval_bag_keys(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| match json_of(&v[0]) {
        Some(Json::Object(m)) => KValue::Dynamic(Json::Array(
            m.keys().map(|k| Json::String(k.clone())).collect(),
        )),
        _ => KValue::Null,
    })
}

fn eval_pack_array(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        KValue::Dynamic(Json::Array(
            v.iter().map(|x| json_of(x).unwrap_or(Json::Null)).collect(),
        ))
    })
}

fn eval_pack(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let mut m = Map::new();
        for pair in v.chunks(2) {
            if let [k, val] = pair {
                m.insert(k.to_kusto_string(), json_of(val).unwrap_or(Json::Null));
            }
        }
        KValue::Dynamic(Json::Object(m))
    })
}

fn eval_array_concat(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let mut out = Vec::new();
        for x in v {
            // Kusto skips arguments that are not arrays.
            if let Some(Json::Array(a)) = json_of(x) {
                out.extend(a);
            }
        }
        KValue::Dynamic(Json::Array(out))
    })
}

fn eval_array_sum(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Real, |v| match json_of(&v[0]) {
        Some(Json::Array(a)) if !a.is_empty() => {
            let mut s = 0.0;
            for x in &a {
                match x.as_f64() {
                    Some(f) => s += f,
                    None => return KValue::Null,
                }
            }
            KValue::Real(s)
        }
        _ => KValue::Null,
    })
}

fn cmp_json(a: &Json, b: &Json) -> std::cmp::Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => match (a, b) {
            (Json::String(x), Json::String(y)) => x.cmp(y),
            _ => a.to_string().cmp(&b.to_string()),
        },
    }
}

fn eval_array_sort(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| match json_of(&v[0]) {
        Some(Json::Array(mut a)) => {
            let desc = matches!(v.get(1), Some(KValue::Bool(true)));
            let nulls_last = !matches!(v.get(2), Some(KValue::Bool(false)));
            let (mut nulls, mut vals): (Vec<Json>, Vec<Json>) =
                a.drain(..).partition(Json::is_null);
            vals.sort_by(|x, y| if desc { cmp_json(y, x) } else { cmp_json(x, y) });
            if nulls_last {
                vals.append(&mut nulls);
                KValue::Dynamic(Json::Array(vals))
            } else {
                nulls.append(&mut vals);
                KValue::Dynamic(Json::Array(nulls))
            }
        }
        _ => KValue::Null,
    })
}

fn eval_array_reverse(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| match json_of(&v[0]) {
        Some(Json::Array(mut a)) => {
            a.reverse();
            KValue::Dynamic(Json::Array(a))
        }
        _ => KValue::Null,
    })
}

fn eval_array_slice(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        match (json_of(&v[0]), v[1].as_i64(), v[2].as_i64()) {
            (Some(Json::Array(a)), Some(s), Some(e)) => {
                let n = a.len() as i64;
                let fix = |i: i64| if i < 0 { n + i } else { i };
                let (s, e) = (fix(s).max(0), fix(e).min(n - 1));
                if s > e || s >= n {
                    return KValue::Dynamic(Json::Array(vec![]));
                }
                KValue::Dynamic(Json::Array(a[s as usize..=e as usize].to_vec()))
            }
            _ => KValue::Null,
        }
    })
}

fn eval_array_index_of(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Long, |v| {
        match (json_of(&v[0]), json_of(&v[1])) {
            (Some(Json::Array(a)), Some(needle)) => {
                let pos = a.iter().position(|x| {
                    x == &needle || (x.as_f64().is_some() && x.as_f64() == needle.as_f64())
                });
                KValue::Long(pos.map_or(-1, |p| p as i64))
            }
            _ => KValue::Null,
        }
    })
}

fn eval_bag_merge(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let mut out = Map::new();
        for x in v {
            if let Some(Json::Object(m)) = json_of(x) {
                for (k, val) in m {
                    out.entry(k).or_insert(val);
                }
            }
        }
        KValue::Dynamic(Json::Object(out))
    })
}

/// Kusto's dynamic_to_json writes property bags with sorted keys.
fn sorted(j: Json) -> Json {
    match j {
        Json::Object(m) => {
            let mut entries: Vec<(String, Json)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Json::Array(a) => Json::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

fn eval_to_json(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        KValue::String(sorted(json_of(&v[0]).unwrap_or(Json::Null)).to_string())
    })
}

/// Non-dynamic values have their static type, even when null.
pub fn gettype(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    match a.first() {
        Some(arg) if arg.ty != KustoType::Dynamic => Ok(lit(arg.ty.name())),
        _ => super::call_udf(&GETTYPE, a),
    }
}
pub fn array_length(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&ARRAY_LENGTH, a)
}
pub fn bag_keys(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&BAG_KEYS, a)
}
pub fn pack_array(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    if a.is_empty() {
        return Ok(lit(datafusion::common::ScalarValue::LargeUtf8(Some(
            "[]".into(),
        ))));
    }
    super::call_udf(&PACK_ARRAY, a)
}
pub fn pack(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    if !a.len().is_multiple_of(2) {
        return Err("bag_pack() takes key/value pairs".into());
    }
    if a.is_empty() {
        return Ok(lit(datafusion::common::ScalarValue::LargeUtf8(Some(
            "{}".into(),
        ))));
    }
    super::call_udf(&PACK, a)
}
pub fn array_concat(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&ARRAY_CONCAT, a)
}
pub fn array_sum(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&ARRAY_SUM, a)
}
pub fn array_sort_asc(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut args: Vec<Expr> = a.into_iter().map(|x| x.expr).collect();
    args.insert(1, lit(false));
    Ok(ARRAY_SORT.call(args))
}
pub fn array_sort_desc(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut args: Vec<Expr> = a.into_iter().map(|x| x.expr).collect();
    args.insert(1, lit(true));
    Ok(ARRAY_SORT.call(args))
}
pub fn array_reverse(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&ARRAY_REVERSE, a)
}
pub fn array_slice(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&ARRAY_SLICE, a)
}
pub fn array_index_of(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&ARRAY_INDEX_OF, a)
}
pub fn set_has_element(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(super::call_udf(&ARRAY_INDEX_OF, a)?.gt_eq(lit(0i64)))
}
pub fn bag_merge(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&BAG_MERGE, a)
}
pub fn dynamic_to_json(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&TO_JSON, a)
}
