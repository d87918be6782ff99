//! Event Hubs payloads, Log Analytics exports (data export, Azure CLI JSON,
//! portal CSV) and Azure OpenAI records: each lands in its table with the
//! documented columns, and values that arrive as text get their types.

mod common;

use common::*;

/// 2026-11-25T00:00:00Z in epoch nanoseconds.
const DAY: i64 = 1_795_564_800_000_000_000;
const HOUR: i64 = 3_600_000_000_000;

#[tokio::test]
async fn event_hubs_batches_and_captures() {
    let loaded = load_testdata("eventhubs", true).unwrap();
    assert_eq!(
        table_names(&loaded),
        [
            "ApiManagementGatewayLlmLog",
            "ApiManagementGatewayLogs",
            "AzureDiagnostics"
        ]
    );
    let rows: Vec<usize> = loaded
        .tables
        .iter()
        .map(|(_, t)| t.report().records)
        .collect();
    assert_eq!(rows, [13, 22, 13]);
    for (_, t) in &loaded.tables {
        // Batches one per line, and a gzipped array of batches.
        assert_eq!(t.sources().len(), 2, "{:?}", t.sources());
        // The consumer's system fields belong to the envelope, not to records.
        assert!(
            !columns(t)
                .iter()
                .any(|c| c.starts_with("Event") || c.starts_with("PartitionId"))
        );
    }
    let gw = table(&loaded, "ApiManagementGatewayLogs");
    let b = scan_ref(gw, &["TimeGenerated", "ResponseCode"]).await;
    // 16 calls of 16:00 and 6 of 17:00, in file order.
    let hours: Vec<i64> = column(&b, "TimeGenerated")
        .iter()
        .map(|t| (t.as_deref().unwrap().parse::<i64>().unwrap() - DAY) / HOUR)
        .collect();
    assert_eq!(hours.iter().filter(|&&h| h == 16).count(), 16);
    assert_eq!(hours.iter().filter(|&&h| h == 17).count(), 6);
}

#[tokio::test]
async fn log_analytics_exports() {
    let loaded = load_testdata("la-export", true).unwrap();
    assert_eq!(
        table_names(&loaded),
        [
            "ApiManagementGatewayLlmLog",
            "ApiManagementGatewayLogs",
            "AzureDiagnostics"
        ]
    );
    let gw = table(&loaded, "ApiManagementGatewayLogs");
    // 10 rows of a data-export blob, 8 from the Azure CLI, 8 from a CSV.
    assert_eq!(gw.report().records, 26);
    assert_eq!(gw.sources().len(), 3);
    let cols = columns(gw);
    assert_eq!(cols.len(), 60);
    assert_eq!(cols[13], "ResponseCode:int");
    // The CLI's result-table name is a field like any other.
    assert_eq!(cols[59], "TableName:string");

    let b = scan_ref(
        gw,
        &[
            "TimeGenerated",
            "ResponseCode",
            "IsRequestSuccess",
            "TotalTime",
            "BackendResponseCode",
            "RequestHeaders",
            "TableName",
        ],
    )
    .await;
    let table_name = column(&b, "TableName");
    // Strings are never null: a row without the field has "".
    let cli: Vec<usize> = (0..26)
        .filter(|&i| table_name[i].as_deref().is_some_and(|s| !s.is_empty()))
        .collect();
    assert_eq!(cli, (10..18).collect::<Vec<_>>());
    // Every value of the CLI's JSON is a string; the columns still have
    // their types, and dynamic text is decoded.
    let codes = column(&b, "ResponseCode");
    assert!(
        codes
            .iter()
            .all(|c| c.as_deref().is_some_and(|c| c.parse::<i32>().is_ok()))
    );
    assert!(column(&b, "IsRequestSuccess").iter().all(Option::is_some));
    assert!(column(&b, "TotalTime").iter().all(Option::is_some));
    let headers = column(&b, "RequestHeaders");
    assert!(
        headers.iter().all(|h| h
            .as_deref()
            .is_some_and(|h| h.starts_with("{\"User-Agent\":"))),
        "{headers:?}"
    );
    // The CSV's `TimeGenerated [UTC]` in the portal's en-US form: 20:00 UTC.
    let times = column(&b, "TimeGenerated");
    assert_eq!(
        times[18].as_deref(),
        Some((DAY + 20 * HOUR).to_string().as_str())
    );
    assert!(times.iter().all(Option::is_some));
    // Throttled rows of the CSV: empty cells are nulls (strings: empty), not errors.
    let csv_codes: Vec<_> = codes[18..].iter().map(|c| c.as_deref().unwrap()).collect();
    assert_eq!(
        csv_codes,
        ["200", "200", "200", "200", "200", "429", "429", "200"]
    );
    let backend = column(&b, "BackendResponseCode");
    assert_eq!(
        (backend[23].as_deref(), backend[22].as_deref()),
        (None, Some("200"))
    );

    let llm = table(&loaded, "ApiManagementGatewayLlmLog");
    assert_eq!(llm.report().records, 3);
    assert_eq!(columns(llm).len(), 22, "{:?}", columns(llm));
    let diag = table(&loaded, "AzureDiagnostics");
    let cols = columns(diag);
    assert_eq!(
        cols[27..],
        ["location_s:string", "event_s:string", "Tenant_s:string"]
    );
}

#[tokio::test]
async fn openai_request_response_records() {
    let loaded = load_testdata("openai", true).unwrap();
    assert_eq!(table_names(&loaded), ["AzureDiagnostics"]);
    let diag = table(&loaded, "AzureDiagnostics");
    let b = scan_ref(
        diag,
        &[
            "OperationName",
            "DurationMs",
            "ResultSignature",
            "CallerIPAddress",
            "properties_s",
            "Resource",
            "SubscriptionId",
            "_ResourceId",
        ],
    )
    .await;
    assert_eq!(
        column(&b, "OperationName"),
        some(&[
            "Create_Thread",
            "ChatCompletions_Create",
            "ChatCompletions_Create",
            "Embeddings_Create"
        ])
    );
    // `"durationMs":"78"` is a number all the same.
    assert_eq!(column(&b, "DurationMs"), some(&["98", "1021", "35", "78"]));
    // `resultSignature` is a string, also when written as a number.
    assert_eq!(
        column(&b, "ResultSignature"),
        some(&["200", "200", "429", "200"])
    );
    assert_eq!(
        column(&b, "CallerIPAddress")[0].as_deref(),
        Some("20.81.111.***")
    );
    assert_eq!(
        column(&b, "Resource")[0].as_deref(),
        Some("CONTOSO-AOAI-EASTUS")
    );
    assert_eq!(
        column(&b, "SubscriptionId")[0].as_deref(),
        Some("0D3C6A52-7F4B-4C1E-9A2D-5B8E1F3C7A90")
    );
    assert!(
        column(&b, "_ResourceId")[0]
            .as_deref()
            .unwrap()
            .starts_with("/subscriptions/0d3c6a52")
    );
    let props = column(&b, "properties_s");
    // JSON text kept as written; an object is written as compact JSON.
    assert!(props[0].as_deref().unwrap().starts_with("{\"apiName\":"));
    assert!(!props[0].as_deref().unwrap().contains("modelName"));
    assert_eq!(
        props[2].as_deref(),
        Some(
            "{\"apiName\":\"Azure OpenAI API version 2024-10-21\",\"modelDeploymentName\":\"gpt-4o\",\"modelName\":\"gpt-4o\",\"streamType\":\"Streaming\"}"
        )
    );
    let v: serde_json::Value = serde_json::from_str(props[1].as_deref().unwrap()).unwrap();
    assert_eq!(v["modelName"], "gpt-4o");
    assert_eq!(
        v["requestTime"].as_i64(),
        Some(639_312_372_600_000_000 + 600_000_000)
    );
}

#[test]
fn named_table_takes_every_record_but_keeps_azure_columns() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/eventhubs");
    let inputs = kql_ingest::find_files(&root)
        .unwrap()
        .into_iter()
        .map(|f| kql_ingest::Input {
            data: kql_ingest::SourceData::File(f),
            table: Some("Hub".to_owned()),
        })
        .collect();
    let loaded = kql_ingest::load(inputs, &kql_ingest::IngestOptions::default()).unwrap();
    assert_eq!(table_names(&loaded), ["Hub"]);
    let hub = table(&loaded, "Hub");
    assert_eq!(hub.report().records, 48);
    let cols = columns(hub);
    // The documented columns of every table its records belong to.
    assert!(cols.contains(&"TotalTime:long".to_owned()));
    assert!(cols.contains(&"PromptTokens:int".to_owned()));
    assert!(cols.contains(&"properties_s:string".to_owned()));
}
