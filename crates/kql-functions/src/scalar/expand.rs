//! The element lists behind `mv-expand`: a dynamic value becomes the list of
//! rows it expands to (array elements; one-property bags for a property bag;
//! itself for a scalar or null; nothing for an empty array), which DataFusion's
//! unnest then turns into rows.

use crate::value::KValue;
use datafusion::arrow::array::{ArrayRef, Int64Builder, LargeStringBuilder, ListBuilder};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, ScalarUDF};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

kusto_udf!(VALUES, "kql_mv_expand_values", ret_values, eval_values);
kusto_udf!(INDEXES, "kql_mv_expand_index", ret_index, eval_index);

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    vec![Arc::clone(&VALUES), Arc::clone(&INDEXES)]
}

fn ret_values(_: &[DataType]) -> Result<DataType> {
    Ok(DataType::List(Arc::new(Field::new(
        "item",
        DataType::LargeUtf8,
        true,
    ))))
}

fn ret_index(_: &[DataType]) -> Result<DataType> {
    Ok(DataType::List(Arc::new(Field::new(
        "item",
        DataType::Int64,
        true,
    ))))
}

/// `values(d, limit, bags_as_arrays)`: the expanded elements as dynamic JSON
/// texts; a property bag expands to `{key: value}` bags, or to `[key, value]`
/// arrays with `bagexpansion=array`.
pub fn values(d: Expr, limit: Expr, bags_as_arrays: bool) -> Expr {
    VALUES.call(vec![
        d,
        limit,
        datafusion::logical_expr::lit(bags_as_arrays),
    ])
}

/// `index(d, limit)`: 0, 1, … alongside [`values`].
pub fn index(d: Expr, limit: Expr) -> Expr {
    INDEXES.call(vec![d, limit])
}

fn elements(v: &KValue, limit: usize, bags_as_arrays: bool) -> Vec<Option<String>> {
    let items: Vec<Option<String>> = match v {
        KValue::Null => vec![None],
        KValue::Dynamic(Json::Array(a)) => a
            .iter()
            .map(|j| (!j.is_null()).then(|| j.to_string()))
            .collect(),
        KValue::Dynamic(Json::Object(m)) => m
            .iter()
            .map(|(k, val)| {
                if bags_as_arrays {
                    return Some(
                        Json::Array(vec![Json::String(k.clone()), val.clone()]).to_string(),
                    );
                }
                let mut one = Map::new();
                one.insert(k.clone(), val.clone());
                Some(Json::Object(one).to_string())
            })
            .collect(),
        other => vec![Some(other.to_json().to_string())],
    };
    items.into_iter().take(limit).collect()
}

fn limit_of(args: &[ArrayRef], row: usize) -> Result<usize> {
    Ok(match args.get(1) {
        Some(a) => KValue::from_array(a, row)?
            .as_i64()
            .map_or(usize::MAX, |l| l.max(0) as usize),
        None => usize::MAX,
    })
}

fn eval_values(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let mut b = ListBuilder::new(LargeStringBuilder::new());
    for row in 0..rows {
        let v = KValue::from_array(&args[0], row)?;
        let as_arrays = match args.get(2) {
            Some(a) => matches!(KValue::from_array(a, row)?, KValue::Bool(true)),
            None => false,
        };
        for e in elements(&v, limit_of(args, row)?, as_arrays) {
            b.values().append_option(e);
        }
        b.append(true);
    }
    Ok(Arc::new(b.finish()))
}

fn eval_index(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let mut b = ListBuilder::new(Int64Builder::new());
    for row in 0..rows {
        let v = KValue::from_array(&args[0], row)?;
        for i in 0..elements(&v, limit_of(args, row)?, false).len() {
            b.values().append_value(i as i64);
        }
        b.append(true);
    }
    Ok(Arc::new(b.finish()))
}
