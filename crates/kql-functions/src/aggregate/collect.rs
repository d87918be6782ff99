//! Aggregates that collect values: `make_list`, `make_list_with_nulls`,
//! `make_set` (first-seen order) and `make_bag` (percentiles keep typed
//! numbers instead, in `percentile.rs`).
//! The partial state is the collected values as one JSON array, so partial
//! aggregates can be merged across partitions or machines.

use crate::value::KValue;
use datafusion::arrow::array::{Array, ArrayRef};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility,
};
use serde_json::Value as Json;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CollectKind {
    List,
    ListWithNulls,
    Set,
    Bag,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Collect {
    kind: CollectKind,
    signature: Signature,
}

pub fn collect_udaf(kind: CollectKind) -> Arc<AggregateUDF> {
    Arc::new(AggregateUDF::new_from_impl(Collect {
        kind,
        signature: Signature::variadic_any(Volatility::Immutable),
    }))
}

impl AggregateUDFImpl for Collect {
    fn name(&self) -> &str {
        match self.kind {
            CollectKind::List => "kql_make_list",
            CollectKind::ListWithNulls => "kql_make_list_with_nulls",
            CollectKind::Set => "kql_make_set",
            CollectKind::Bag => "kql_make_bag",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::LargeUtf8)
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> Result<Vec<FieldRef>> {
        Ok(vec![
            Arc::new(Field::new(
                format!("{}_values", args.name),
                DataType::LargeUtf8,
                true,
            )),
            Arc::new(Field::new(
                format!("{}_param", args.name),
                DataType::Float64,
                true,
            )),
        ])
    }

    fn accumulator(&self, _args: AccumulatorArgs<'_>) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(CollectAcc {
            kind: self.kind,
            values: Vec::new(),
            seen: HashSet::new(),
            param: None,
        }))
    }
}

#[derive(Debug)]
struct CollectAcc {
    kind: CollectKind,
    values: Vec<Json>,
    seen: HashSet<String>,
    /// The size limit.
    param: Option<f64>,
}

impl CollectAcc {
    fn limit(&self) -> usize {
        self.param.map_or(1_048_576, |p| p.max(0.0) as usize)
    }

    fn push(&mut self, v: Json) {
        if self.values.len() >= self.limit() {
            return;
        }
        match self.kind {
            // Kusto's make_list/make_set splice array values in.
            CollectKind::List | CollectKind::ListWithNulls if v.is_array() => {
                if let Json::Array(items) = v {
                    for item in items {
                        self.push(item);
                    }
                }
            }
            CollectKind::List => {
                if !v.is_null() {
                    self.values.push(v);
                }
            }
            CollectKind::ListWithNulls => self.values.push(v),
            CollectKind::Set if v.is_array() => {
                if let Json::Array(items) = v {
                    for item in items {
                        self.push(item);
                    }
                }
            }
            CollectKind::Set => {
                if !v.is_null() && self.seen.insert(v.to_string()) {
                    self.values.push(v);
                }
            }
            CollectKind::Bag => {
                if v.is_object() {
                    self.values.push(v);
                }
            }
        }
    }
}

impl Accumulator for CollectAcc {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let Some(data) = values.first() else {
            return Ok(());
        };
        if self.param.is_none()
            && let Some(p) = values.get(1)
            && !p.is_empty()
        {
            self.param = KValue::from_array(p, 0)?.as_f64();
        }
        // A dynamic null is a value make_list keeps; a typed null is not.
        let keep_nulls =
            matches!(data.data_type(), DataType::LargeUtf8) && self.kind == CollectKind::List;
        for row in 0..data.len() {
            let v = KValue::from_array(data, row)?;
            if keep_nulls && v.is_null() {
                if self.values.len() < self.limit() {
                    self.values.push(Json::Null);
                }
                continue;
            }
            self.push(v.to_json());
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let (Some(vals), Some(params)) = (states.first(), states.get(1)) else {
            return Ok(());
        };
        for row in 0..vals.len() {
            if self.param.is_none() {
                self.param = KValue::from_array(params, row)?.as_f64();
            }
            if let KValue::Dynamic(Json::Array(items)) = KValue::from_array(vals, row)? {
                // Partial states hold values already accepted (and spliced):
                // only sets still need to drop duplicates across partitions.
                for j in items {
                    match self.kind {
                        CollectKind::Set | CollectKind::Bag => self.push(j),
                        _ if self.values.len() < self.limit() => self.values.push(j),
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![
            ScalarValue::LargeUtf8(Some(Json::Array(self.values.clone()).to_string())),
            ScalarValue::Float64(self.param),
        ])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        match self.kind {
            CollectKind::Bag => {
                let mut bag = serde_json::Map::new();
                for v in &self.values {
                    if let Json::Object(m) = v {
                        for (k, x) in m {
                            bag.entry(k.clone()).or_insert_with(|| x.clone());
                        }
                    }
                }
                Ok(ScalarValue::LargeUtf8(Some(Json::Object(bag).to_string())))
            }
            _ => Ok(ScalarValue::LargeUtf8(Some(
                Json::Array(self.values.clone()).to_string(),
            ))),
        }
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.values.len() * 32
    }
}
