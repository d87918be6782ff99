//! AST literals to DataFusion scalar values with their Kusto types.

use crate::PlanError;
use datafusion::common::ScalarValue;
use kql_functions::KustoType;
use kql_functions::value::KValue;
use kql_syntax::ast::{Literal, Span};

/// The value and Kusto type of a literal.
pub fn literal_value(lit: &Literal, span: Span) -> Result<(KValue, KustoType), PlanError> {
    Ok(match lit {
        Literal::Bool(b) => (KValue::Bool(*b), KustoType::Bool),
        Literal::Long(i) => (KValue::Long(*i), KustoType::Long),
        Literal::Int(i) => (KValue::Int(*i), KustoType::Int),
        Literal::Real(f) => (KValue::Real(*f), KustoType::Real),
        Literal::Decimal(s) => {
            let f: f64 = s
                .trim()
                .parse()
                .map_err(|_| PlanError::at(format!("invalid decimal '{s}'"), span))?;
            (KValue::Decimal(f), KustoType::Decimal)
        }
        Literal::String(s) => (KValue::String(s.clone()), KustoType::String),
        Literal::DateTime { nanos, .. } => (KValue::DateTime(*nanos), KustoType::DateTime),
        Literal::Timespan { nanos, .. } => (KValue::Timespan(*nanos), KustoType::Timespan),
        Literal::Guid(g) => {
            let bytes = kql_functions::format::parse_guid(g)
                .ok_or_else(|| PlanError::at(format!("invalid guid '{g}'"), span))?;
            (KValue::Guid(bytes), KustoType::Guid)
        }
        Literal::Dynamic(text) => {
            let j: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| PlanError::at(format!("invalid dynamic literal: {e}"), span))?;
            let v = if j.is_null() {
                KValue::Null
            } else {
                KValue::Dynamic(j)
            };
            (v, KustoType::Dynamic)
        }
        Literal::Null(ty) => {
            let t = KustoType::from_name(ty)
                .ok_or_else(|| PlanError::at(format!("unknown type '{ty}'"), span))?;
            (KValue::Null, t)
        }
    })
}

/// A DataFusion literal of Kusto type `ty`.
pub fn scalar(v: &KValue, ty: KustoType) -> ScalarValue {
    match (v, ty) {
        // A typed null string is still a (non-null) empty string in Kusto.
        (KValue::Null, KustoType::String) => ScalarValue::Utf8(Some(String::new())),
        _ => v.to_scalar(ty),
    }
}
