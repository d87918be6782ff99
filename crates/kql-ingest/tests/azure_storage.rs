//! A diagnostic-setting storage archive (`testdata/storage`): every blob is
//! found, records are routed by category (no table is named after
//! `PT1H.json`), and each table has Log Analytics' columns, types and rows.

mod common;

use std::collections::HashSet;

use common::*;

/// `ApiManagementGatewayLogs` as documented: every column, in the order of
/// the schema-ordered 2020 reference, then those added since.
pub const GATEWAY_COLUMNS: [&str; 59] = [
    "TenantId:string",
    "SourceSystem:string",
    "TimeGenerated:datetime",
    "OperationName:string",
    "CorrelationId:string",
    "Region:string",
    "IsRequestSuccess:bool",
    "Category:string",
    "TotalTime:long",
    "CallerIpAddress:string",
    "Method:string",
    "Url:string",
    "ClientProtocol:string",
    "ResponseCode:int",
    "BackendMethod:string",
    "BackendUrl:string",
    "BackendResponseCode:int",
    "BackendProtocol:string",
    "RequestSize:int",
    "ResponseSize:int",
    "Cache:string",
    "CacheTime:long",
    "BackendTime:long",
    "ClientTime:long",
    "ApiId:string",
    "OperationId:string",
    "ProductId:string",
    "UserId:string",
    "ApimSubscriptionId:string",
    "BackendId:string",
    "LastErrorElapsed:long",
    "LastErrorSource:string",
    "LastErrorScope:string",
    "LastErrorSection:string",
    "LastErrorReason:string",
    "LastErrorMessage:string",
    "ApiRevision:string",
    "ClientTlsVersion:string",
    "RequestHeaders:dynamic",
    "ResponseHeaders:dynamic",
    "BackendRequestHeaders:dynamic",
    "BackendResponseHeaders:dynamic",
    "Errors:dynamic",
    "Type:string",
    "_ResourceId:string",
    "RequestBody:string",
    "ResponseBody:string",
    "BackendRequestBody:string",
    "BackendResponseBody:string",
    "TraceRecords:dynamic",
    "IsTraceRequested:bool",
    "IsTraceAllowed:bool",
    "IsTraceExpired:bool",
    "IsMasterTrace:bool",
    "Timestamp:datetime",
    "WorkspaceId:string",
    "_SubscriptionId:string",
    "_BilledSize:real",
    "_IsBillable:string",
];

const LLM_COLUMNS: [&str; 22] = [
    "TimeGenerated:datetime",
    "CorrelationId:string",
    "OperationName:string",
    "Region:string",
    "ApiVersion:string",
    "DeploymentName:string",
    "ModelName:string",
    "RequestId:string",
    "IsStreamCompletion:bool",
    "PromptTokens:int",
    "CompletionTokens:int",
    "TotalTokens:int",
    "RequestMessages:dynamic",
    "ResponseMessages:dynamic",
    "SequenceNumber:int",
    "_ResourceId:string",
    "_SubscriptionId:string",
    "TenantId:string",
    "SourceSystem:string",
    "Type:string",
    "_BilledSize:real",
    "_IsBillable:string",
];

const DIAGNOSTICS_COLUMNS: [&str; 27] = [
    "TenantId:string",
    "SourceSystem:string",
    "TimeGenerated:datetime",
    "Category:string",
    "OperationName:string",
    "OperationVersion:string",
    "ResultType:string",
    "ResultSignature:string",
    "ResultDescription:string",
    "DurationMs:long",
    "CallerIPAddress:string",
    "CorrelationId:string",
    "Level:string",
    "Resource:string",
    "ResourceGroup:string",
    "ResourceProvider:string",
    "ResourceType:string",
    "ResourceId:string",
    "_ResourceId:string",
    "SubscriptionId:string",
    "properties_s:string",
    "Message:string",
    "AdditionalFields:dynamic",
    "Type:string",
    "_SubscriptionId:string",
    "_BilledSize:real",
    "_IsBillable:string",
];

#[test]
fn every_blob_is_routed_by_category() {
    let loaded = load_testdata("storage", true).expect("the archive loads in strict mode");
    assert_eq!(
        table_names(&loaded),
        [
            "ApiManagementGatewayLlmLog",
            "ApiManagementGatewayLogs",
            "AzureDiagnostics",
            "AzureMetrics"
        ]
    );
    let rows: Vec<usize> = loaded
        .tables
        .iter()
        .map(|(_, t)| t.report().records)
        .collect();
    // Three hours of 40 calls plus the 3-record legacy blob; an LLM row per
    // successful OpenAI call (and a message row on the dev API); an OpenAI
    // record per call that reached Azure OpenAI, plus two audit records; three
    // metrics over three minutes.
    assert_eq!(rows, [43, 123, 44, 9]);
    for (name, report) in &loaded.reports {
        assert_eq!(
            (
                report.skipped_count,
                report.value_issue_count,
                report.note_count
            ),
            (0, 0, 0),
            "{name}: {report:?}"
        );
    }
    let gw = table(&loaded, "ApiManagementGatewayLogs");
    assert_eq!(gw.sources().len(), 4);
    assert!(gw.sources().iter().all(|s| s.ends_with("PT1H.json")));
}

#[tokio::test]
async fn gateway_logs_have_the_documented_columns() {
    let loaded = load_testdata("storage", false).unwrap();
    let gw = table(&loaded, "ApiManagementGatewayLogs");
    let cols = columns(gw);
    assert_eq!(cols[..59], GATEWAY_COLUMNS);
    // Raw fields with no column are kept, after the documented ones.
    assert_eq!(
        cols[59..],
        [
            "Level:long",
            "DeploymentVersion:string",
            "Sku:string",
            "ResultType:string",
            "Truncated:long"
        ]
    );

    let b = scan_ref(
        gw,
        &[
            "TimeGenerated",
            "TotalTime",
            "Region",
            "ResponseCode",
            "BackendResponseCode",
            "LastErrorReason",
            "_ResourceId",
            "_SubscriptionId",
            "SourceSystem",
            "Type",
            "Method",
        ],
    )
    .await;
    assert_eq!(rows(&b), 123);
    let codes = column(&b, "ResponseCode");
    let reasons = column(&b, "LastErrorReason");
    let backend = column(&b, "BackendResponseCode");
    let throttled: Vec<usize> = (0..codes.len())
        .filter(|&i| reasons[i].as_deref() == Some("RateLimitExceeded"))
        .collect();
    assert_eq!(throttled.len(), 5);
    for &i in &throttled {
        assert_eq!(codes[i].as_deref(), Some("429"));
        // Rejected by a policy: the backend was never called.
        assert_eq!(backend[i], None);
    }
    let outage = reasons
        .iter()
        .filter(|r| r.as_deref() == Some("BackendConnectionFailure"))
        .count();
    assert_eq!(outage, 10);
    assert!(column(&b, "TotalTime").iter().all(Option::is_some));
    assert!(
        column(&b, "Region")
            .iter()
            .all(|r| matches!(r.as_deref(), Some("East US" | "West Europe")))
    );
    let resource = "/subscriptions/0d3c6a52-7f4b-4c1e-9a2d-5b8e1f3c7a90/resourcegroups/rg-apim-prod/providers/microsoft.apimanagement/service/contoso-apim";
    assert!(
        column(&b, "_ResourceId")
            .iter()
            .all(|r| r.as_deref() == Some(resource))
    );
    assert!(
        column(&b, "_SubscriptionId")
            .iter()
            .all(|r| r.as_deref() == Some("0d3c6a52-7f4b-4c1e-9a2d-5b8e1f3c7a90"))
    );
    assert!(
        column(&b, "Type")
            .iter()
            .all(|r| r.as_deref() == Some("ApiManagementGatewayLogs"))
    );
    assert!(
        column(&b, "SourceSystem")
            .iter()
            .all(|r| r.as_deref() == Some("Azure"))
    );
    // The legacy `{"records":[…]}` blob of 2018-10-31 is read too.
    let old = column(&b, "TimeGenerated")
        .iter()
        .filter(|t| {
            t.as_deref()
                .is_some_and(|t| t.len() == 19 && t.starts_with("15410"))
        })
        .count();
    assert_eq!(old, 3);
}

#[tokio::test]
async fn llm_rows_join_successful_openai_calls() {
    let loaded = load_testdata("storage", false).unwrap();
    let llm = table(&loaded, "ApiManagementGatewayLlmLog");
    let cols = columns(llm);
    assert_eq!(cols[..22], LLM_COLUMNS);
    // The table has no Category; the raw field is kept like any other.
    assert_eq!(cols[22..], ["Category:string", "ApiId:string"]);
    let b = scan_ref(
        llm,
        &[
            "CorrelationId",
            "PromptTokens",
            "TotalTokens",
            "DeploymentName",
            "RequestMessages",
        ],
    )
    .await;
    let gw = scan_ref(
        table(&loaded, "ApiManagementGatewayLogs"),
        &["CorrelationId", "ResponseCode"],
    )
    .await;
    let ok: HashSet<_> = column(&gw, "CorrelationId")
        .into_iter()
        .zip(column(&gw, "ResponseCode"))
        .filter(|(_, code)| code.as_deref() == Some("200"))
        .map(|(id, _)| id)
        .collect();
    assert!(column(&b, "CorrelationId").iter().all(|id| ok.contains(id)));
    let tokens = column(&b, "PromptTokens");
    let deployments = column(&b, "DeploymentName");
    // Token rows name their deployment; message rows carry messages only.
    for (i, messages) in column(&b, "RequestMessages").iter().enumerate() {
        match messages {
            Some(m) => {
                assert!(m.starts_with("[{\"role\":\"user\""), "{m}");
                // A string column without a value holds "" (never null).
                assert_eq!((&tokens[i], deployments[i].as_deref()), (&None, Some("")));
            }
            None => assert!(tokens[i].is_some() && deployments[i].as_deref() != Some("")),
        }
    }
}

#[tokio::test]
async fn openai_records_land_in_azure_diagnostics() {
    let loaded = load_testdata("storage", false).unwrap();
    let diag = table(&loaded, "AzureDiagnostics");
    let cols = columns(diag);
    assert_eq!(cols[..27], DIAGNOSTICS_COLUMNS);
    // Other fields are named with their type's suffix, as Log Analytics does.
    assert_eq!(
        cols[27..],
        [
            "AssetIdentity_g:guid",
            "Tenant_s:string",
            "event_s:string",
            "location_s:string"
        ]
    );
    let b = scan_ref(
        diag,
        &[
            "Category",
            "ResultSignature",
            "DurationMs",
            "CallerIPAddress",
            "properties_s",
            "ResourceProvider",
            "Resource",
            "ResourceType",
            "ResourceGroup",
            "location_s",
        ],
    )
    .await;
    let categories = column(&b, "Category");
    assert_eq!(
        categories
            .iter()
            .filter(|c| c.as_deref() == Some("Audit"))
            .count(),
        2
    );
    for (i, props) in column(&b, "properties_s").iter().enumerate() {
        let props = props.as_deref().expect("properties_s");
        let v: serde_json::Value = serde_json::from_str(props).expect("JSON text");
        if categories[i].as_deref() == Some("RequestResponse") {
            assert!(v["modelDeploymentName"].is_string(), "{props}");
        }
    }
    assert!(
        column(&b, "ResourceProvider")
            .iter()
            .all(|p| p.as_deref() == Some("MICROSOFT.COGNITIVESERVICES"))
    );
    assert!(
        column(&b, "ResourceType")
            .iter()
            .all(|p| p.as_deref() == Some("ACCOUNTS"))
    );
    assert!(
        column(&b, "ResourceGroup")
            .iter()
            .all(|p| p.as_deref() == Some("RG-AI-PROD"))
    );
    let resources: HashSet<_> = column(&b, "Resource").into_iter().flatten().collect();
    assert_eq!(resources.len(), 2);
    let sigs = column(&b, "ResultSignature");
    assert!(
        sigs.iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .all(|s| s.parse::<u16>().is_ok())
    );
    assert!(sigs.iter().any(|s| s.as_deref() == Some("200")));
}

#[tokio::test]
async fn exported_metrics_land_in_azure_metrics() {
    let loaded = load_testdata("storage", false).unwrap();
    let metrics = table(&loaded, "AzureMetrics");
    assert_eq!(
        columns(metrics),
        [
            "TimeGenerated:datetime",
            "Resource:string",
            "ResourceGroup:string",
            "ResourceProvider:string",
            "ResourceId:string",
            "_ResourceId:string",
            "SubscriptionId:string",
            "_SubscriptionId:string",
            "MetricName:string",
            "Total:real",
            "Count:real",
            "Maximum:real",
            "Minimum:real",
            "Average:real",
            "TimeGrain:string",
            "UnitName:string",
            "Type:string",
            "SourceSystem:string",
            "TenantId:string",
        ]
    );
    let b = scan_ref(metrics, &["MetricName", "Total", "Count"]).await;
    assert_eq!(
        column(&b, "MetricName")[1].as_deref(),
        Some("ProcessedPromptTokens")
    );
    assert_eq!(column(&b, "Total")[1].as_deref(), Some("9120"));
    assert_eq!(column(&b, "Count")[1].as_deref(), Some("14"));
}

#[test]
fn any_sub_folder_is_enough() {
    let hour = "storage/insights-logs-gatewaylogs/resourceId=/SUBSCRIPTIONS/0D3C6A52-7F4B-4C1E-9A2D-5B8E1F3C7A90/RESOURCEGROUPS/RG-APIM-PROD/PROVIDERS/MICROSOFT.APIMANAGEMENT/SERVICE/CONTOSO-APIM/y=2026/m=11/d=25/h=14";
    let loaded = load_testdata(hour, true).unwrap();
    assert_eq!(table_names(&loaded), ["ApiManagementGatewayLogs"]);
    assert_eq!(
        table(&loaded, "ApiManagementGatewayLogs").report().records,
        40
    );
    let blob = format!("{hour}/m=00/PT1H.json");
    let loaded = load_testdata(&blob, true).unwrap();
    assert_eq!(table_names(&loaded), ["ApiManagementGatewayLogs"]);
}
