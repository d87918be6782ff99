//! From query text to chart: the visualization the planner attaches to a real
//! query over the bundled sample logs, read as a chart specification
//! (snapshots of kind, x, y and series), and the chart drawn from it.

use kql_engine::Session;
use kql_render::chart::{ChartFormat, ChartOptions, chart_spec};

fn sample() -> Session {
    let mut session = Session::new();
    session.load_sample().expect("bundled sample logs");
    session
}

/// The spec of `query`'s result, and a check that it draws.
fn spec_of(session: &Session, query: &str) -> String {
    let result = session.query_blocking(query).expect("query runs");
    let visualization = result.visualization.as_ref();
    let spec = chart_spec(&result.schema, &result.batches, visualization).expect("spec");
    let mut png = Vec::new();
    kql_render::write_chart(
        &mut png,
        &result.schema,
        &result.batches,
        visualization,
        ChartFormat::Png,
        ChartOptions {
            width: 320,
            height: 200,
        },
    )
    .expect("chart drawn");
    assert!(png.starts_with(b"\x89PNG"));
    spec.to_string()
}

#[test]
fn render_results_read_as_kusto_reads_them() {
    let s = sample();
    let cases = [
        (
            "ApiManagementGatewayLogs | summarize count() by bin(TimeGenerated, 1h), ApiId | render timechart",
            "timechart x=TimeGenerated:datetime y=[count_:number] series=[ApiId:text]",
        ),
        (
            "ApiManagementGatewayLogs | summarize count(), avg(TotalTime) by bin(TimeGenerated, 1h) | render timechart with (ysplit=axes)",
            "timechart x=TimeGenerated:datetime y=[count_:number, avg_TotalTime:number]",
        ),
        (
            "ApiManagementGatewayLogs | summarize count() by ApiId | render columnchart",
            "columnchart x=ApiId:text y=[count_:number]",
        ),
        (
            "ApiManagementGatewayLlmLog | summarize sum(TotalTokens) by DeploymentName | render piechart",
            "piechart x=DeploymentName:text y=[sum_TotalTokens:number]",
        ),
        (
            "ApiManagementGatewayLogs | make-series n = count() on TimeGenerated step 6h by ApiId | render timechart",
            "timechart x=TimeGenerated:datetime[] y=[n:number[]] series=[ApiId:text]",
        ),
        (
            "ApiManagementGatewayLogs | summarize calls = count() by ApiId, Region | render barchart with (series=Region, ycolumns=calls)",
            "barchart x=ApiId:text y=[calls:number] series=[Region:text]",
        ),
        (
            "ApiManagementGatewayLogs | summarize p95 = percentile(TotalTime * 1ms, 95) by bin(TimeGenerated, 6h) | render linechart",
            "linechart x=TimeGenerated:datetime y=[p95:timespan]",
        ),
        (
            "ApiManagementGatewayLogs | summarize count()",
            "table y=[count_:number]",
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(spec_of(&s, query), expected, "{query}");
    }
}
