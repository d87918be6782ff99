//! The committed sample logs load cleanly with the documented column types.

mod common;

use std::collections::HashSet;
use std::path::PathBuf;

use common::*;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use kql_ingest::{IngestOptions, JsonTable, SourceData};

fn sample(name: &str) -> JsonTable {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(name);
    JsonTable::open(
        vec![SourceData::File(path)],
        &IngestOptions {
            strict: true,
            ..Default::default()
        },
    )
    .expect("sample data opens in strict mode")
}

#[tokio::test]
async fn gateway_logs() {
    let t = sample("ApiManagementGatewayLogs.json");
    assert_eq!(t.report().records, 600);
    // The first record carries every column, so the schema is in table order.
    assert_eq!(
        field_names(&t),
        [
            "TenantId",
            "TimeGenerated",
            "OperationName",
            "CorrelationId",
            "Region",
            "IsRequestSuccess",
            "Category",
            "TotalTime",
            "CallerIpAddress",
            "Method",
            "Url",
            "ClientProtocol",
            "ResponseCode",
            "BackendMethod",
            "BackendUrl",
            "BackendResponseCode",
            "BackendProtocol",
            "RequestSize",
            "ResponseSize",
            "Cache",
            "CacheTime",
            "BackendTime",
            "ClientTime",
            "ApiId",
            "OperationId",
            "ProductId",
            "UserId",
            "ApimSubscriptionId",
            "BackendId",
            "LastErrorElapsed",
            "LastErrorSource",
            "LastErrorScope",
            "LastErrorSection",
            "LastErrorReason",
            "LastErrorMessage",
            "ApiRevision",
            "ClientTlsVersion",
            "RequestHeaders",
            "ResponseHeaders",
            "BackendRequestHeaders",
            "BackendResponseHeaders",
            "Errors",
            "Type",
            "_ResourceId",
        ]
    );
    let ts = DataType::Timestamp(TimeUnit::Nanosecond, None);
    assert_eq!(field_type(&t, "TimeGenerated"), ts);
    assert_eq!(field_type(&t, "IsRequestSuccess"), DataType::Boolean);
    for long in [
        "TotalTime",
        "ResponseCode",
        "BackendResponseCode",
        "BackendTime",
    ] {
        assert_eq!(field_type(&t, long), DataType::Int64, "{long}");
    }
    for dynamic in ["RequestHeaders", "ResponseHeaders", "Errors"] {
        assert_eq!(field_type(&t, dynamic), DataType::LargeUtf8, "{dynamic}");
    }
    assert_eq!(field_type(&t, "ApiRevision"), DataType::Utf8);

    let b = scan(
        t,
        &["ResponseCode", "LastErrorReason", "BackendResponseCode"],
    )
    .await;
    let codes = column(&b, "ResponseCode");
    let reasons = column(&b, "LastErrorReason");
    let throttled = codes
        .iter()
        .zip(&reasons)
        .filter(|(c, r)| c.as_deref() == Some("429") && r.as_deref() == Some("RateLimitExceeded"))
        .count();
    assert!(throttled > 30, "{throttled} rate-limited requests");
    // Requests rejected before the backend have no backend status.
    assert!(
        column(&b, "BackendResponseCode")
            .iter()
            .any(Option::is_none)
    );
}

#[tokio::test]
async fn llm_log_joins_successful_openai_calls() {
    let llm = sample("ApiManagementGatewayLlmLog.json");
    assert_eq!(field_type(&llm, "PromptTokens"), DataType::Int64);
    assert_eq!(field_type(&llm, "IsStreamCompletion"), DataType::Boolean);
    let llm_ids = column(&scan(llm, &["CorrelationId"]).await, "CorrelationId");

    let gw = scan(
        sample("ApiManagementGatewayLogs.json"),
        &["CorrelationId", "ResponseCode"],
    )
    .await;
    let ok: HashSet<_> = column(&gw, "CorrelationId")
        .into_iter()
        .zip(column(&gw, "ResponseCode"))
        .filter(|(_, code)| code.as_deref() == Some("200"))
        .map(|(id, _)| id)
        .collect();
    assert!(llm_ids.len() > 200);
    assert!(llm_ids.iter().all(|id| ok.contains(id)));
}
