//! Snapshots of the chart specification read from a result: which columns
//! become the x axis, the y series and the series keys, by Kusto's rules.

mod common;

use common::*;
use kql_render::ChartError;
use kql_render::chart::{ChartSpec, Stacking, YSplit, chart_spec, data};
use serde_json::json;

fn spec(r: &Result, kind: &str, props: &[(&str, serde_json::Value)]) -> ChartSpec {
    ChartSpec::derive(&r.schema, &r.batches, &vis(kind, props)).expect("spec")
}

fn calls_by_api() -> Result {
    result(vec![
        ("TimeGenerated", times(&[0, 0, 1, 1])),
        ("ApiId", strings(&["orders", "users", "orders", "users"])),
        ("count_", longs(&[5, 3, 7, 2])),
    ])
}

#[test]
fn timechart_takes_the_datetime_as_x_numbers_as_y_strings_as_series() {
    let s = spec(&calls_by_api(), "timechart", &[]);
    assert_eq!(
        s.to_string(),
        "timechart x=TimeGenerated:datetime y=[count_:number] series=[ApiId:text]"
    );
}

#[test]
fn timechart_finds_the_datetime_column_wherever_it_is() {
    let r = result(vec![
        ("ApiId", strings(&["a"])),
        ("avg_TotalTime", reals(&[Some(1.5)])),
        ("TimeGenerated", times(&[0])),
        ("n", longs(&[1])),
    ]);
    assert_eq!(
        spec(&r, "timechart", &[]).to_string(),
        "timechart x=TimeGenerated:datetime y=[avg_TotalTime:number, n:number] series=[ApiId:text]"
    );
}

#[test]
fn linechart_takes_the_first_numeric_column_as_x() {
    let r = result(vec![
        ("bucket", longs(&[0, 100])),
        ("count_", longs(&[4, 9])),
        ("p95", timespans(&[1_000_000, 2_000_000])),
    ]);
    assert_eq!(
        spec(&r, "linechart", &[]).to_string(),
        "linechart x=bucket:number y=[count_:number, p95:timespan]"
    );
}

#[test]
fn column_bar_and_pie_charts_take_categories_from_the_first_column() {
    let r = result(vec![
        ("ApiId", strings(&["a", "b"])),
        ("count_", longs(&[4, 9])),
        ("avg", reals(&[Some(1.0), Some(2.0)])),
    ]);
    assert_eq!(
        spec(&r, "columnchart", &[]).to_string(),
        "columnchart x=ApiId:text y=[count_:number, avg:number]"
    );
    assert_eq!(
        spec(&r, "barchart", &[]).to_string(),
        "barchart x=ApiId:text y=[count_:number, avg:number]"
    );
    // A pie has one value per slice.
    assert_eq!(
        spec(&r, "piechart", &[]).to_string(),
        "piechart x=ApiId:text y=[count_:number]"
    );
}

#[test]
fn make_series_arrays_are_series() {
    let r = result(vec![
        ("ApiId", strings(&["orders", "users"])),
        ("count_", dynamics(&["[1,2,3]", "[4,null,6]"])),
        (
            "TimeGenerated",
            dynamics(&[
                r#"["2026-11-23T00:00:00Z","2026-11-23T01:00:00Z","2026-11-23T02:00:00Z"]"#,
                r#"["2026-11-23T00:00:00Z","2026-11-23T01:00:00Z","2026-11-23T02:00:00Z"]"#,
            ]),
        ),
    ]);
    let s = spec(&r, "timechart", &[]);
    assert_eq!(
        s.to_string(),
        "timechart x=TimeGenerated:datetime[] y=[count_:number[]] series=[ApiId:text]"
    );
    let d = data::read(&s, &r.batches);
    assert_eq!(d.series.len(), 2);
    assert_eq!(d.series[0].name, "orders");
    assert_eq!(d.series[0].points.len(), 3);
    assert_eq!(d.series[0].points[1].0, (DAY + HOUR) as f64);
    assert!(d.series[1].points[1].1.is_nan(), "null stays a gap");
}

#[test]
fn properties_choose_the_columns() {
    let r = result(vec![
        ("TimeGenerated", times(&[0, 1])),
        ("Region", strings(&["eu", "us"])),
        ("ApiId", strings(&["a", "b"])),
        ("calls", longs(&[1, 2])),
        ("errors", longs(&[0, 1])),
    ]);
    let s = spec(
        &r,
        "timechart",
        &[
            ("xcolumn", json!("TimeGenerated")),
            ("ycolumns", json!(["errors"])),
            ("series", json!(["Region"])),
        ],
    );
    assert_eq!(
        s.to_string(),
        "timechart x=TimeGenerated:datetime y=[errors:number] series=[Region:text]"
    );
    let s = spec(&r, "linechart", &[("xcolumn", json!("calls"))]);
    assert_eq!(
        s.to_string(),
        "linechart x=calls:number y=[errors:number] series=[Region:text, ApiId:text]"
    );
}

#[test]
fn ladderchart_uses_the_last_two_columns_as_x() {
    let r = result(vec![
        ("Operation", strings(&["GET /a", "POST /b"])),
        ("Start", times(&[0, 1])),
        ("End", times(&[2, 3])),
    ]);
    assert_eq!(
        spec(&r, "ladderchart", &[]).to_string(),
        "ladderchart x=Start:datetime x_end=End:datetime y=[] series=[Operation:text]"
    );
}

#[test]
fn card_and_table_show_every_column() {
    let r = calls_by_api();
    assert_eq!(
        spec(&r, "card", &[]).to_string(),
        "card y=[TimeGenerated:datetime, ApiId:text, count_:number]"
    );
    let t = chart_spec(&r.schema, &r.batches, None).expect("spec");
    assert_eq!(
        t.to_string(),
        "table y=[TimeGenerated:datetime, ApiId:text, count_:number]"
    );
}

#[test]
fn kinds_kql_does_not_draw_become_a_table_with_a_note() {
    let s = spec(&calls_by_api(), "pivotchart", &[]);
    assert_eq!(s.kind.name(), "table");
    assert!(s.notes[0].contains("pivotchart"), "{:?}", s.notes);
}

#[test]
fn properties_are_parsed_into_the_spec() {
    let s = spec(
        &calls_by_api(),
        "columnchart",
        &[
            ("kind", json!("stacked")),
            ("ysplit", json!("axes")),
            ("accumulate", json!(true)),
            ("legend", json!("hidden")),
            ("title", json!("Calls")),
        ],
    );
    assert_eq!(s.props.stacking, Stacking::Stacked);
    assert_eq!(s.props.ysplit, YSplit::Axes);
    assert!(s.props.accumulate && s.props.legend_hidden);
    assert_eq!(s.props.title.as_deref(), Some("Calls"));
}

#[test]
fn a_property_naming_a_missing_column_is_an_error() {
    let r = calls_by_api();
    let err = ChartSpec::derive(
        &r.schema,
        &r.batches,
        &vis("timechart", &[("ycolumns", json!(["nope"]))]),
    )
    .expect_err("unknown column");
    assert!(matches!(err, ChartError::UnknownColumn { .. }));
    assert!(err.to_string().contains("`nope`") && err.to_string().contains("count_"));
    let err = ChartSpec::derive(
        &r.schema,
        &r.batches,
        &vis("timechart", &[("ycolumns", json!(["ApiId"]))]),
    )
    .expect_err("text as y");
    assert!(matches!(err, ChartError::NotNumeric(_)));
}

#[test]
fn series_are_read_in_x_order_and_accumulated() {
    let r = result(vec![
        ("TimeGenerated", times(&[2, 0, 1])),
        ("n", longs(&[30, 10, 20])),
    ]);
    let s = spec(&r, "timechart", &[("accumulate", json!(true))]);
    let d = data::read(&s, &r.batches);
    let ys: Vec<f64> = d.series[0].points.iter().map(|p| p.1).collect();
    assert_eq!(ys, [10.0, 30.0, 60.0]);
    let xs: Vec<f64> = d.series[0].points.iter().map(|p| p.0).collect();
    assert!(xs.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn timespans_are_shown_in_a_readable_unit() {
    let r = result(vec![
        ("TimeGenerated", times(&[0, 1])),
        ("p95", timespans(&[250_000_000, 750_000_000])),
    ]);
    let d = data::read(&spec(&r, "timechart", &[]), &r.batches);
    assert_eq!(d.y_unit.map(|u| u.suffix()), Some("ms"));
    assert_eq!(d.series[0].points[1].1, 750.0);
}

#[test]
fn hundreds_of_series_are_folded() {
    let n = 300;
    let names: Vec<String> = (0..n).map(|i| format!("api-{i}")).collect();
    let r = result(vec![
        ("TimeGenerated", times(&vec![0; n])),
        (
            "ApiId",
            strings(&names.iter().map(String::as_str).collect::<Vec<_>>()),
        ),
        ("n", longs(&(0..n as i64).collect::<Vec<_>>())),
    ]);
    let lines = data::read(&spec(&r, "timechart", &[]), &r.batches);
    assert_eq!(lines.folded, n - data::MAX_SERIES);
    assert_eq!(
        lines.series.iter().filter(|s| s.color.is_some()).count(),
        data::MAX_SERIES
    );
    // The largest series keep their colors.
    assert!(
        lines
            .series
            .iter()
            .any(|s| s.name == "api-299" && s.color.is_some())
    );

    let columns = data::read(&spec(&r, "columnchart", &[]), &r.batches);
    assert_eq!(
        columns.series.len(),
        data::MAX_SERIES,
        "19 series and other"
    );
    let stacked = data::read(&spec(&r, "stackedareachart", &[]), &r.batches);
    assert_eq!(stacked.series.len(), data::MAX_SERIES);
    let other = stacked.series.last().expect("other");
    assert_eq!(
        other.name,
        format!("other ({} series)", n - data::MAX_SERIES + 1)
    );
    let folded_total: f64 = (0..(n - data::MAX_SERIES + 1)).map(|i| i as f64).sum();
    assert_eq!(other.points[0].1, folded_total);
}
