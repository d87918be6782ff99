//! `AzureMetrics`, from metric records a diagnostic setting exports
//! (`insights-metrics-pt1m` blobs, Event Hubs): `count`, `total`, `minimum`,
//! `maximum`, `average`, `metricName`, `timeGrain` become the PascalCase
//! columns and `resourceId` is spread over the `Resource*` columns.

use kql_functions::KustoType::{self, *};

use super::{Known, Sink, pascal, put_col, put_field, put_ingestion, put_resource_parts};
use crate::coerce::Cell;
use crate::value::Val;

pub(crate) const TABLE: &str = "AzureMetrics";

/// The non-deprecated columns, in the order the reference lists them.
pub(crate) const COLUMNS: &[(&str, KustoType)] = &[
    ("TimeGenerated", DateTime),
    ("Resource", String),
    ("ResourceGroup", String),
    ("ResourceProvider", String),
    ("ResourceId", String),
    ("_ResourceId", String),
    ("SubscriptionId", String),
    ("_SubscriptionId", String),
    ("MetricName", String),
    ("Total", Real),
    ("Count", Real),
    ("Maximum", Real),
    ("Minimum", Real),
    ("Average", Real),
    ("TimeGrain", String),
    ("UnitName", String),
    ("Type", String),
    ("SourceSystem", String),
    ("TenantId", String),
];

const K: Known = Known::Metrics;

pub(crate) fn map_raw(rec: &Val<'_>, sink: &mut impl Sink) {
    let Val::Obj(entries) = rec else {
        return;
    };
    for (key, v) in entries {
        if key.eq_ignore_ascii_case("time") {
            put_col(sink, K, K.fixed().time, Cell::Json(v));
        } else if key.eq_ignore_ascii_case("resourceId") {
            put_resource_parts(sink, K, v);
        } else {
            put_field(sink, K, key, v, pascal);
        }
    }
    put_ingestion(sink, K);
}
