//! `ApiManagementGatewayLogs`, from API Management's `GatewayLogs` category.
//!
//! Raw records carry a common top level (`time`, `durationMs`, `location`,
//! `resourceId`, …) and camelCase `properties`; the table has PascalCase
//! columns. Renames: `time` → `TimeGenerated`, `durationMs` → `TotalTime`,
//! `location` → `Region`, `resourceId` → `_ResourceId` (and
//! `_SubscriptionId`), `properties.lastError.x` → `LastErrorX`; every other
//! `properties.x` is column `X`. `Level`, `Sku`, `resultType`, … have no
//! column and are kept as extra columns (`Level`, `Sku`, `ResultType`).

use kql_functions::KustoType::{self, *};

use super::{
    Extra, Known, Sink, Target, find, pascal, put_col, put_field, put_ingestion, put_resource_la,
    with_object,
};
use crate::coerce::Cell;
use crate::value::Val;

pub(crate) const TABLE: &str = "ApiManagementGatewayLogs";

/// In the order of the 2020 generated reference, which listed the schema
/// order; columns added since follow in the order they were documented.
pub(crate) const COLUMNS: &[(&str, KustoType)] = &[
    ("TenantId", String),
    ("SourceSystem", String),
    ("TimeGenerated", DateTime),
    ("OperationName", String),
    ("CorrelationId", String),
    ("Region", String),
    ("IsRequestSuccess", Bool),
    ("Category", String),
    ("TotalTime", Long),
    ("CallerIpAddress", String),
    ("Method", String),
    ("Url", String),
    ("ClientProtocol", String),
    ("ResponseCode", Int),
    ("BackendMethod", String),
    ("BackendUrl", String),
    ("BackendResponseCode", Int),
    ("BackendProtocol", String),
    ("RequestSize", Int),
    ("ResponseSize", Int),
    ("Cache", String),
    ("CacheTime", Long),
    ("BackendTime", Long),
    ("ClientTime", Long),
    ("ApiId", String),
    ("OperationId", String),
    ("ProductId", String),
    ("UserId", String),
    ("ApimSubscriptionId", String),
    ("BackendId", String),
    ("LastErrorElapsed", Long),
    ("LastErrorSource", String),
    ("LastErrorScope", String),
    ("LastErrorSection", String),
    ("LastErrorReason", String),
    ("LastErrorMessage", String),
    ("ApiRevision", String),
    ("ClientTlsVersion", String),
    ("RequestHeaders", Dynamic),
    ("ResponseHeaders", Dynamic),
    ("BackendRequestHeaders", Dynamic),
    ("BackendResponseHeaders", Dynamic),
    ("Errors", Dynamic),
    ("Type", String),
    ("_ResourceId", String),
    ("RequestBody", String),
    ("ResponseBody", String),
    ("BackendRequestBody", String),
    ("BackendResponseBody", String),
    ("TraceRecords", Dynamic),
    ("IsTraceRequested", Bool),
    ("IsTraceAllowed", Bool),
    ("IsTraceExpired", Bool),
    ("IsMasterTrace", Bool),
    ("Timestamp", DateTime),
    ("WorkspaceId", String),
    ("_SubscriptionId", String),
    ("_BilledSize", Real),
    ("_IsBillable", String),
];

const K: Known = Known::Gateway;
const TOTAL_TIME: Option<u16> = find(COLUMNS, "TotalTime");
const REGION: Option<u16> = find(COLUMNS, "Region");

pub(crate) fn map_raw(rec: &Val<'_>, sink: &mut impl Sink) {
    let Val::Obj(entries) = rec else {
        return;
    };
    for (key, v) in entries {
        let is = |name: &str| key.eq_ignore_ascii_case(name);
        if is("time") {
            put_col(sink, K, K.fixed().time, Cell::Json(v));
        } else if is("durationMs") {
            put_col(sink, K, TOTAL_TIME, Cell::Json(v));
        } else if is("location") {
            put_col(sink, K, REGION, Cell::Json(v));
        } else if is("resourceId") {
            put_resource_la(sink, K, v);
        } else if is("properties") {
            properties(sink, v);
        } else {
            put_field(sink, K, key, v, pascal);
        }
    }
    put_ingestion(sink, K);
}

fn properties(sink: &mut impl Sink, v: &Val<'_>) {
    super::each_property(sink, v, |sink, key, v| {
        if key.eq_ignore_ascii_case("lastError") {
            last_error(sink, v);
        } else {
            put_field(sink, K, key, v, pascal);
        }
    });
}

fn last_error(sink: &mut impl Sink, v: &Val<'_>) {
    if matches!(v, Val::Null) {
        return;
    }
    with_object(v, |obj| match obj {
        Some(Val::Obj(entries)) => {
            for (key, v) in entries {
                let name = format!("LastError{}", pascal(key));
                match K.column_ci(&name) {
                    Some(i) => sink.put(Target::Col(K, i), Cell::Json(v)),
                    None => sink.put(Target::Extra(&name, Extra::Plain), Cell::Json(v)),
                }
            }
        }
        _ => sink.put(Target::Extra("LastError", Extra::Plain), Cell::Json(v)),
    });
}
