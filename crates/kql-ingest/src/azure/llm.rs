//! `ApiManagementGatewayLlmLog`, from API Management's `GatewayLlmLogs`
//! category (the generative-AI gateway log).
//!
//! Microsoft does not document the raw record; it is read like the gateway
//! log — common top level plus camelCase `properties` holding the columns'
//! camelCase forms (`promptTokens`, `deploymentName`, …) — and fields with no
//! column (`promptCachedTokens`) are kept as extra columns.

use kql_functions::KustoType::{self, *};

use super::{Known, Sink, find, pascal, put_col, put_field, put_ingestion, put_resource_la};
use crate::coerce::Cell;
use crate::value::Val;

pub(crate) const TABLE: &str = "ApiManagementGatewayLlmLog";

/// In the documented order.
pub(crate) const COLUMNS: &[(&str, KustoType)] = &[
    ("TimeGenerated", DateTime),
    ("CorrelationId", String),
    ("OperationName", String),
    ("Region", String),
    ("ApiVersion", String),
    ("DeploymentName", String),
    ("ModelName", String),
    ("RequestId", String),
    ("IsStreamCompletion", Bool),
    ("PromptTokens", Int),
    ("CompletionTokens", Int),
    ("TotalTokens", Int),
    ("RequestMessages", Dynamic),
    ("ResponseMessages", Dynamic),
    ("SequenceNumber", Int),
    ("_ResourceId", String),
    ("_SubscriptionId", String),
    ("TenantId", String),
    ("SourceSystem", String),
    ("Type", String),
    ("_BilledSize", Real),
    ("_IsBillable", String),
];

const K: Known = Known::Llm;
const REGION: Option<u16> = find(COLUMNS, "Region");

pub(crate) fn map_raw(rec: &Val<'_>, sink: &mut impl Sink) {
    let Val::Obj(entries) = rec else {
        return;
    };
    for (key, v) in entries {
        let is = |name: &str| key.eq_ignore_ascii_case(name);
        if is("time") {
            put_col(sink, K, K.fixed().time, Cell::Json(v));
        } else if is("location") {
            put_col(sink, K, REGION, Cell::Json(v));
        } else if is("resourceId") {
            put_resource_la(sink, K, v);
        } else if is("properties") {
            super::each_property(sink, v, |sink, key, v| put_field(sink, K, key, v, pascal));
        } else {
            put_field(sink, K, key, v, pascal);
        }
    }
    put_ingestion(sink, K);
}
