//! `AzureDiagnostics`, where every Azure OpenAI (Cognitive Services) log
//! category lands.
//!
//! Common fields map to fixed columns (`resultSignature` → `ResultSignature`,
//! `callerIpAddress` → `CallerIPAddress`, `durationMs` → `DurationMs`, …),
//! the resource id is spread over `Resource*`/`SubscriptionId` columns,
//! `properties` is kept whole as JSON text in `properties_s` (queries open it
//! with `parse_json`), and any other field becomes `<name>_<suffix>` with
//! the suffix naming its type: `_s` string, `_d` number, `_b` bool, `_t`
//! datetime, `_g` guid. Nested objects and mixed-type fields become `_s`
//! JSON text.

use kql_functions::KustoType::{self, *};

use super::{Extra, Known, Sink, Target, find, put_col, put_ingestion, put_resource_parts};
use crate::coerce::Cell;
use crate::value::Val;

pub(crate) const TABLE: &str = "AzureDiagnostics";

/// The base columns in the order the reference lists them, between the
/// standard columns every table has.
pub(crate) const COLUMNS: &[(&str, KustoType)] = &[
    ("TenantId", String),
    ("SourceSystem", String),
    ("TimeGenerated", DateTime),
    ("Category", String),
    ("OperationName", String),
    ("OperationVersion", String),
    ("ResultType", String),
    ("ResultSignature", String),
    ("ResultDescription", String),
    ("DurationMs", Long),
    ("CallerIPAddress", String),
    ("CorrelationId", String),
    ("Level", String),
    ("Resource", String),
    ("ResourceGroup", String),
    ("ResourceProvider", String),
    ("ResourceType", String),
    ("ResourceId", String),
    ("_ResourceId", String),
    ("SubscriptionId", String),
    ("properties_s", String),
    ("Message", String),
    ("AdditionalFields", Dynamic),
    ("Type", String),
    ("_SubscriptionId", String),
    ("_BilledSize", Real),
    ("_IsBillable", String),
];

const K: Known = Known::Diagnostics;
const PROPERTIES: Option<u16> = find(COLUMNS, "properties_s");

pub(crate) fn map_raw(rec: &Val<'_>, sink: &mut impl Sink) {
    let Val::Obj(entries) = rec else {
        return;
    };
    for (key, v) in entries {
        let is = |name: &str| key.eq_ignore_ascii_case(name);
        if is("time") {
            put_col(sink, K, K.fixed().time, Cell::Json(v));
        } else if is("resourceId") {
            put_resource_parts(sink, K, v);
        } else if is("properties") {
            // A string stays the text it is; an object is written as JSON.
            put_col(sink, K, PROPERTIES, Cell::Json(v));
        } else {
            match K.column_ci(key) {
                Some(i) => sink.put(Target::Col(K, i), Cell::Json(v)),
                None => sink.put(Target::Extra(key, Extra::DiagSuffix), Cell::Json(v)),
            }
        }
    }
    put_ingestion(sink, K);
}

/// The type an `AzureDiagnostics` column name's suffix stands for.
pub(crate) fn suffix_type(name: &str) -> Option<KustoType> {
    let (_, suffix) = name.rsplit_once('_')?;
    Some(match suffix {
        "s" => String,
        "d" => Real,
        "b" => Bool,
        "t" => DateTime,
        "g" => Guid,
        _ => return None,
    })
}

/// The suffix for a raw field of inferred type `ty`, and the type the
/// column then has: numbers are doubles, anything nested or mixed is text.
pub(crate) fn suffixed(ty: KustoType) -> (&'static str, KustoType) {
    match ty {
        Bool => ("_b", Bool),
        Int | Long | Real | Decimal => ("_d", Real),
        DateTime => ("_t", DateTime),
        Guid => ("_g", Guid),
        _ => ("_s", String),
    }
}
