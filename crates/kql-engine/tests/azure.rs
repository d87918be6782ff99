//! Loading Azure logs into a session: folders feed several tables, a table
//! met in two folders is one table, and `-t NAME=PATH` names the table.

use std::path::{Path, PathBuf};

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::Int64Type;
use kql_engine::Session;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn count(session: &Session, table: &str) -> i64 {
    let r = session
        .query_blocking(&format!("{table} | count"))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let b = &r.batches[0];
    let c = b.column(0).as_primitive::<Int64Type>();
    assert!(!c.is_null(0));
    c.value(0)
}

const HOURS: &str = "storage/insights-logs-gatewaylogs/resourceId=/SUBSCRIPTIONS/0D3C6A52-7F4B-4C1E-9A2D-5B8E1F3C7A90/RESOURCEGROUPS/RG-APIM-PROD/PROVIDERS/MICROSOFT.APIMANAGEMENT/SERVICE/CONTOSO-APIM/y=2026/m=11/d=25";

#[test]
fn a_storage_container_gives_every_table() {
    let mut s = Session::new();
    s.load_path(&testdata("storage"), None).unwrap();
    let names: Vec<String> = s.tables().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "ApiManagementGatewayLlmLog",
            "ApiManagementGatewayLogs",
            "AzureDiagnostics",
            "AzureMetrics"
        ]
    );
    assert_eq!(count(&s, "ApiManagementGatewayLogs"), 123);
    assert!(s.reports().iter().all(|(_, r)| r.skipped_count == 0));
}

#[test]
fn the_same_table_from_two_folders_is_one_table() {
    let mut s = Session::new();
    s.load_path(&testdata(&format!("{HOURS}/h=13")), None)
        .unwrap();
    s.load_path(&testdata(&format!("{HOURS}/h=14")), None)
        .unwrap();
    s.load_path(&testdata("eventhubs"), None).unwrap();
    assert_eq!(count(&s, "ApiManagementGatewayLogs"), 40 + 40 + 22);
    let (_, sources) = s
        .tables()
        .into_iter()
        .find(|(n, _)| n == "ApiManagementGatewayLogs")
        .unwrap();
    assert_eq!(sources.len(), 4);
    assert!(sources[0].contains("h=13"), "{sources:?}");
    // Two loads of the same table: one report each.
    let reports = s
        .reports()
        .iter()
        .filter(|(n, _)| n == "ApiManagementGatewayLogs")
        .count();
    assert_eq!(reports, 3);
}

#[test]
fn a_named_table_takes_every_record_with_its_azure_columns() {
    let mut s = Session::new();
    s.load_path(&testdata(&format!("{HOURS}/h=15")), Some("Gw"))
        .unwrap();
    let names: Vec<String> = s.tables().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Gw"]);
    let r = s
        .query_blocking(
            "Gw | where TotalTime > 0 | summarize n = count() by Region | order by Region asc",
        )
        .unwrap_or_else(|e| panic!("{}", e.render()));
    assert_eq!(r.row_count(), 2);
}

#[test]
fn the_bundled_sample_keeps_its_tables_and_counts() {
    let mut s = Session::new();
    s.load_sample().unwrap();
    assert_eq!(count(&s, "ApiManagementGatewayLogs"), 600);
    assert_eq!(count(&s, "ApiManagementGatewayLlmLog"), 256);
    // The sample is an export: its tables have every documented column.
    let r = s
        .query_blocking("ApiManagementGatewayLogs | getschema | count")
        .unwrap();
    let n = r.batches[0].column(0).as_primitive::<Int64Type>().value(0);
    assert_eq!(n, 59);
}
