//! Values for `declare query_parameters`, given as text (`--param n=50`) and
//! converted to the type the query declares, and the session API that plans
//! and runs a query with them.

use crate::time_range::TimeRange;
use crate::{EngineError, QueryResult, Session};
use kql_functions::KustoType;
use kql_functions::value::KValue;
use kql_syntax::ast;

/// No parameter values: every declared parameter keeps its default.
pub const NO_PARAMS: &[(&str, &str)] = &[];

/// A parameter a query declares: name, type as written, default as KQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredParam {
    pub name: String,
    pub ty: String,
    pub default: Option<String>,
}

/// The parameters a parsed query declares, in order.
pub(crate) fn declared_params(query: &ast::Query) -> Vec<DeclaredParam> {
    query
        .statements
        .iter()
        .filter_map(|s| match s {
            ast::Statement::DeclareQueryParameters(params, _) => Some(params),
            _ => None,
        })
        .flatten()
        .map(|p| DeclaredParam {
            name: p.name.name.clone(),
            ty: p.ty.name.clone(),
            default: p.default.as_ref().map(ToString::to_string),
        })
        .collect()
}

/// Converts each `(name, text)` to the type `query` declares for `name`.
/// Unknown names and text that is not a value of the type are usage errors
/// that name the parameter and the type.
pub(crate) fn bind<K: AsRef<str>, V: AsRef<str>>(
    query: &ast::Query,
    values: &[(K, V)],
) -> Result<Vec<(String, KValue)>, EngineError> {
    let declared = declared_params(query);
    let mut bound: Vec<(String, KValue)> = Vec::with_capacity(values.len());
    for (name, text) in values {
        let (name, text) = (name.as_ref(), text.as_ref());
        let Some(decl) = declared.iter().find(|d| d.name == name) else {
            return Err(EngineError::Usage(unknown_parameter(name, &declared)));
        };
        // An unknown type is the query's error, reported by the planner with its span.
        let Some(ty) = KustoType::from_name(&decl.ty) else {
            continue;
        };
        let value = parse_value(text, ty).ok_or_else(|| {
            EngineError::Usage(format!(
                "parameter '{name}' wants a {} value ({}), got '{text}'",
                ty.name(),
                example(ty)
            ))
        })?;
        bound.retain(|(n, _)| n != name);
        bound.push((name.to_string(), value));
    }
    Ok(bound)
}

fn unknown_parameter(name: &str, declared: &[DeclaredParam]) -> String {
    if declared.is_empty() {
        return format!("unknown parameter '{name}': the query declares no parameters");
    }
    let names: Vec<&str> = declared.iter().map(|d| d.name.as_str()).collect();
    format!(
        "unknown parameter '{name}' (the query declares: {})",
        names.join(", ")
    )
}

/// The value of `text` as a `ty`, written as a user would on a command line:
/// bare (`50`, `1h`, `2026-11-25T00:00:00Z`) or as a KQL literal
/// (`long(50)`, `timespan(1h)`, `datetime(2026-11-25)`).
pub fn parse_value(text: &str, ty: KustoType) -> Option<KValue> {
    // Strings are taken as typed, spaces included.
    if ty == KustoType::String {
        return Some(KValue::String(text.to_string()));
    }
    let text = unwrap_literal(text.trim(), ty);
    Some(match ty {
        KustoType::String => KValue::String(text.to_string()),
        KustoType::Bool => match text.to_ascii_lowercase().as_str() {
            "true" => KValue::Bool(true),
            "false" => KValue::Bool(false),
            _ => return None,
        },
        KustoType::Int => KValue::Int(text.parse().ok()?),
        KustoType::Long => KValue::Long(text.parse().ok()?),
        KustoType::Real => KValue::Real(parse_real(text)?),
        KustoType::Decimal => KValue::Decimal(parse_real(text)?),
        KustoType::DateTime => KValue::DateTime(kql_functions::datetime::parse_datetime(text)?),
        KustoType::Timespan => KValue::Timespan(kql_functions::timespan::parse_timespan(text)?),
        KustoType::Guid => KValue::Guid(kql_functions::format::parse_guid(text)?),
        KustoType::Dynamic => match serde_json::from_str(text).ok()? {
            serde_json::Value::Null => KValue::Null,
            json => KValue::Dynamic(json),
        },
    })
}

/// `long(50)` → `50` for the type's own name (and its aliases).
fn unwrap_literal(text: &str, ty: KustoType) -> &str {
    let Some((head, rest)) = text.split_once('(') else {
        return text;
    };
    match (KustoType::from_name(head.trim()), rest.strip_suffix(')')) {
        (Some(named), Some(inner)) if named == ty => inner.trim(),
        _ => text,
    }
}

fn parse_real(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn example(ty: KustoType) -> &'static str {
    match ty {
        KustoType::Bool => "true or false",
        KustoType::Int | KustoType::Long => "a whole number such as 100",
        KustoType::Real | KustoType::Decimal => "a number such as 0.5",
        KustoType::String => "any text",
        KustoType::DateTime => "such as 2026-11-25T00:00:00Z",
        KustoType::Timespan => "such as 15m, 1h or 1d",
        KustoType::Guid => "such as 00000000-0000-0000-0000-000000000000",
        KustoType::Dynamic => "JSON such as [1,2] or {\"a\":1}",
    }
}

impl Session {
    /// Pins `now()` (and so `ago()`) for every query, nanoseconds since the
    /// epoch, so that runs over old logs are reproducible.
    pub fn set_now(&mut self, now: Option<i64>) {
        self.run.now = now;
    }

    /// `now()` as queries see it: the pinned time or the clock.
    pub fn now(&self) -> i64 {
        self.run.now.unwrap_or_else(|| {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
            // Kusto datetimes tick in 100 ns.
            nanos / 100 * 100
        })
    }

    /// Restricts every table's `TimeGenerated` to `range`, like the portal's
    /// time picker; `None` reads all rows.
    pub fn set_time_range(&mut self, range: Option<TimeRange>) {
        self.run.range = range;
    }

    pub fn time_range(&self) -> Option<TimeRange> {
        self.run.range
    }

    /// Parses and plans a query, with values for its declared parameters.
    pub fn plan_with_params<K: AsRef<str>, V: AsRef<str>>(
        &self,
        text: &str,
        params: &[(K, V)],
    ) -> Result<kql_planner::PlannedQuery, EngineError> {
        let query = crate::error::parse(text)?;
        let values = bind(&query, params)?;
        kql_planner::Planner::new(self)
            .with_now(self.now())
            .with_parameters(values)
            .plan_query(&query)
            .map_err(|error| EngineError::Plan {
                error,
                query: text.to_string(),
            })
    }

    /// Runs a query to completion, with values for its declared parameters
    /// (`declare query_parameters(n:long = 100);` and `[("n", "50")]`).
    pub async fn query_with_params<K: AsRef<str>, V: AsRef<str>>(
        &self,
        text: &str,
        params: &[(K, V)],
    ) -> Result<QueryResult, EngineError> {
        let planned = self.plan_with_params(text, params)?;
        self.run_planned(planned).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_as_their_declared_type() {
        assert_eq!(parse_value("50", KustoType::Long), Some(KValue::Long(50)));
        assert_eq!(
            parse_value("long(7)", KustoType::Long),
            Some(KValue::Long(7))
        );
        assert_eq!(parse_value("x", KustoType::Long), None);
        assert_eq!(parse_value("1.5", KustoType::Long), None);
        assert_eq!(
            parse_value("1h", KustoType::Timespan),
            Some(KValue::Timespan(3_600_000_000_000))
        );
        assert_eq!(
            parse_value("TRUE", KustoType::Bool),
            Some(KValue::Bool(true))
        );
        assert_eq!(
            parse_value(" a b ", KustoType::String),
            Some(KValue::String(" a b ".into()))
        );
        assert_eq!(parse_value("nan", KustoType::Real), None);
        assert!(parse_value("2026-11-25", KustoType::DateTime).is_some());
        assert!(parse_value("datetime(2026-11-25)", KustoType::DateTime).is_some());
        assert_eq!(parse_value("{", KustoType::Dynamic), None);
    }
}
