use super::*;
use crate::value::parse_value;

/// Collects (column name, cell text) pairs.
#[derive(Default)]
struct Record {
    cells: Vec<(String, String)>,
    notes: Vec<String>,
}

impl Sink for Record {
    fn put(&mut self, target: Target<'_>, cell: Cell<'_>) {
        let name = match target {
            Target::Col(k, i) => k.columns()[usize::from(i)].0.to_owned(),
            Target::Extra(name, Extra::DiagSuffix) => format!("{name}_<suffix>"),
            Target::Extra(name, _) => name.to_owned(),
        };
        let text = match cell {
            Cell::Str(s) => s.to_owned(),
            Cell::Json(v) => v.to_json(),
        };
        self.cells.push((name, text));
    }

    fn note(&mut self, reason: String) {
        self.notes.push(reason);
    }
}

fn mapped(text: &str) -> (String, Record) {
    let v = parse_value(text.as_bytes()).unwrap();
    let (table, mapping) = classify(&v).expect("classified");
    let mut r = Record::default();
    map(mapping, &v, &mut r);
    (table.to_owned(), r)
}

fn cell<'a>(r: &'a Record, name: &str) -> Option<&'a str> {
    r.cells
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn raw_gateway_record() {
    let (table, r) = mapped(
        r#"{"Level":4,"time":"2024-07-02T06:31:31.4465902Z","resourceId":"/SUBSCRIPTIONS/AB-CD/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.APIMANAGEMENT/SERVICE/APIM-X",
            "operationName":"Microsoft.ApiManagement/GatewayLogs","category":"GatewayLogs","durationMs":"78","LOCATION":"East US",
            "properties":{"method":"POST","responseCode":429,"clientTlsCipherSuite":"TLS_AES",
              "lastError":{"elapsed":12,"reason":"RateLimitExceeded","extra":1}}}"#,
    );
    assert_eq!(table, "ApiManagementGatewayLogs");
    assert_eq!(
        cell(&r, "TimeGenerated"),
        Some("\"2024-07-02T06:31:31.4465902Z\"")
    );
    assert_eq!(cell(&r, "TotalTime"), Some("\"78\""));
    assert_eq!(cell(&r, "Region"), Some("\"East US\""));
    assert_eq!(
        cell(&r, "_ResourceId"),
        Some(
            "/subscriptions/ab-cd/resourcegroups/rg/providers/microsoft.apimanagement/service/apim-x"
        )
    );
    assert_eq!(cell(&r, "_SubscriptionId"), Some("ab-cd"));
    assert_eq!(cell(&r, "Method"), Some("\"POST\""));
    assert_eq!(cell(&r, "ResponseCode"), Some("429"));
    assert_eq!(cell(&r, "LastErrorElapsed"), Some("12"));
    assert_eq!(cell(&r, "LastErrorReason"), Some("\"RateLimitExceeded\""));
    assert_eq!(cell(&r, "LastErrorExtra"), Some("1"));
    assert_eq!(cell(&r, "ClientTlsCipherSuite"), Some("\"TLS_AES\""));
    assert_eq!(cell(&r, "Level"), Some("4"));
    assert_eq!(cell(&r, "SourceSystem"), Some("Azure"));
    assert_eq!(cell(&r, "Type"), Some("ApiManagementGatewayLogs"));
}

#[test]
fn openai_record_goes_to_azure_diagnostics() {
    let (table, r) = mapped(
        r#"{"time":"2024-04-08T12:23:02.4350000Z","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/OAI",
            "category":"RequestResponse","operationName":"ChatCompletions_Create","durationMs":1021,"resultSignature":"200",
            "callerIpAddress":"81.2.69.***","location":"eastus","properties":"{\"modelName\":\"gpt-4o\"}"}"#,
    );
    assert_eq!(table, "AzureDiagnostics");
    assert_eq!(
        cell(&r, "ResourceProvider"),
        Some("MICROSOFT.COGNITIVESERVICES")
    );
    assert_eq!(cell(&r, "Resource"), Some("OAI"));
    assert_eq!(cell(&r, "ResourceType"), Some("ACCOUNTS"));
    assert_eq!(cell(&r, "ResourceGroup"), Some("RG"));
    assert_eq!(cell(&r, "SubscriptionId"), Some("S"));
    assert_eq!(cell(&r, "CallerIPAddress"), Some("\"81.2.69.***\""));
    assert_eq!(cell(&r, "DurationMs"), Some("1021"));
    assert_eq!(
        cell(&r, "properties_s"),
        Some(r#""{\"modelName\":\"gpt-4o\"}""#)
    );
    assert_eq!(cell(&r, "location_<suffix>"), Some("\"eastus\""));
}

#[test]
fn llm_record_with_string_properties() {
    let (table, r) = mapped(
        r#"{"time":"2026-11-25T13:00:00Z","category":"GatewayLlmLogs","Region":"eastus",
            "properties":"{\"promptTokens\":14,\"deploymentName\":\"gpt-4o\",\"promptCachedTokens\":0}"}"#,
    );
    assert_eq!(table, "ApiManagementGatewayLlmLog");
    assert_eq!(cell(&r, "Region"), Some("\"eastus\""));
    assert_eq!(cell(&r, "PromptTokens"), Some("14"));
    assert_eq!(cell(&r, "DeploymentName"), Some("\"gpt-4o\""));
    assert_eq!(cell(&r, "PromptCachedTokens"), Some("0"));
}

#[test]
fn odd_properties_are_kept_and_noted() {
    let (_, r) = mapped(r#"{"category":"GatewayLogs","properties":"not json"}"#);
    assert_eq!(cell(&r, "Properties"), Some("\"not json\""));
    assert_eq!(r.notes.len(), 1);
}

#[test]
fn exports_and_metrics() {
    let (table, r) = mapped(
        r#"{"type":"azurediagnostics","timegenerated":"2026-11-25T13:00:00Z","DurationMs":"5","httpStatusCode_d":"200"}"#,
    );
    assert_eq!(table, "AzureDiagnostics");
    assert_eq!(cell(&r, "DurationMs"), Some("\"5\""));
    assert_eq!(cell(&r, "TimeGenerated"), Some("\"2026-11-25T13:00:00Z\""));
    assert_eq!(cell(&r, "httpStatusCode_d"), Some("\"200\""));

    let (table, _) = mapped(r#"{"Type":"MyTable_CL","TimeGenerated":"2026-11-25T13:00:00Z"}"#);
    assert_eq!(table, "MyTable_CL");
    let v = parse_value(br#"{"Type":"click","at":1}"#).unwrap();
    assert!(classify(&v).is_none());

    let (table, r) = mapped(
        r#"{"count":2,"total":0.217,"resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/A","time":"2023-04-18T09:03:00.0000000Z","metricName":"TokenTransaction","timeGrain":"PT1M"}"#,
    );
    assert_eq!(table, "AzureMetrics");
    assert_eq!(cell(&r, "MetricName"), Some("\"TokenTransaction\""));
    assert_eq!(cell(&r, "Count"), Some("2"));
    assert_eq!(cell(&r, "Resource"), Some("A"));
}

#[test]
fn fixed_columns_are_found() {
    // `find` is evaluated at compile time; a misspelled name would be None.
    for k in Known::ALL {
        let f = k.fixed();
        assert!(f.time.is_some() && f.type_.is_some() && f.source_system.is_some());
        assert!(f.la_resource_id.is_some() && f.la_subscription_id.is_some());
    }
    for k in [Known::Diagnostics, Known::Metrics] {
        let f = k.fixed();
        for at in [
            f.resource_id,
            f.subscription_id,
            f.resource_group,
            f.resource_provider,
            f.resource,
        ] {
            assert!(at.is_some(), "{}", k.name());
        }
    }
    assert!(Known::Diagnostics.fixed().resource_type.is_some());
    assert_eq!(find(gateway::COLUMNS, "TotalTime"), Some(8));
    assert_eq!(find(gateway::COLUMNS, "totaltime"), None);
}

#[test]
fn containers() {
    assert_eq!(
        table_of_container("insights-logs-gatewayllmlogs", "/X/"),
        Some((
            "ApiManagementGatewayLlmLog".to_owned(),
            Mapping::Raw(Known::Llm)
        ))
    );
    assert_eq!(
        table_of_container("insights-logs-websocketconnectionlogs", "/X/"),
        Some(("websocketconnectionlogs".to_owned(), Mapping::Generic))
    );
    assert_eq!(table_of_container("resourceId=", "/X/"), None);
    assert_eq!(pascal("clientTlsVersion"), "ClientTlsVersion");
    assert!(is_table_name("My_Table2"));
    assert!(!is_table_name("my table"));
}

#[test]
fn case_insensitive_lookup_finds_every_column() {
    for k in Known::ALL {
        for (i, (name, _)) in k.columns().iter().enumerate() {
            assert_eq!(k.column_ci(name), Some(i as u16), "{name}");
            assert_eq!(k.column_ci(&name.to_ascii_uppercase()), Some(i as u16));
        }
        assert_eq!(k.column_ci(""), None);
        assert_eq!(k.column_ci("NoSuchColumnAnywhere"), None);
    }
}
