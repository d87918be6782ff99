//! Every chart kind and property drawn and checked in the image: a valid PNG
//! (and SVG) of the requested size whose plot area holds the series colors.

mod common;

use common::*;
use kql_render::chart::scene::{Shape, Text};
use kql_render::chart::{ChartOptions, ChartSpec, Scene, draw_scene, palette};
use serde_json::{Value, json};

fn two_apis() -> Result {
    result(vec![
        ("TimeGenerated", times(&[0, 0, 1, 1, 2, 2, 3, 3])),
        (
            "ApiId",
            strings(&[
                "orders", "users", "orders", "users", "orders", "users", "orders", "users",
            ]),
        ),
        ("count_", longs(&[5, 3, 7, 2, 9, 4, 6, 8])),
    ])
}

fn by_api() -> Result {
    result(vec![
        ("ApiId", strings(&["orders", "users", "payments"])),
        ("calls", longs(&[50, 30, 20])),
        ("errors", longs(&[5, 9, 2])),
    ])
}

fn scene(r: &Result, kind: &str, props: &[(&str, Value)]) -> Scene {
    let spec = ChartSpec::derive(&r.schema, &r.batches, &vis(kind, props)).expect("spec");
    draw_scene(&spec, &r.batches, ChartOptions::default())
        .expect("scene")
        .0
}

fn texts(scene: &Scene) -> Vec<&Text> {
    scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Text(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn has_text(scene: &Scene, wanted: &str) -> bool {
    texts(scene).iter().any(|t| t.text == wanted)
}

#[test]
fn timechart_draws_one_line_per_series() {
    let (info, image) = png(&two_apis(), &vis("timechart", &[]));
    assert!(has_series(&info, &image, 0) && has_series(&info, &image, 1));
    assert!(!has_series(&info, &image, 2), "only two series");
    let svg = svg_of(&two_apis(), Some(&vis("timechart", &[])));
    assert!(svg.contains(&svg_hex(palette::color(0))) && svg.contains(&svg_hex(palette::color(1))));
    assert!(
        svg.contains(r#"<rect x="0" y="0" width="1280" height="720""#),
        "background covers the image"
    );
}

#[test]
fn every_kind_draws_its_series() {
    for kind in [
        "linechart",
        "areachart",
        "stackedareachart",
        "scatterchart",
        "anomalychart",
    ] {
        let (info, image) = png(&two_apis(), &vis(kind, &[]));
        assert!(has_series(&info, &image, 0), "{kind}: first series");
        assert!(has_series(&info, &image, 1), "{kind}: second series");
    }
    for kind in ["columnchart", "barchart"] {
        let (info, image) = png(&by_api(), &vis(kind, &[]));
        assert!(
            has_series(&info, &image, 0) && has_series(&info, &image, 1),
            "{kind}"
        );
    }
    let (info, image) = png(&by_api(), &vis("piechart", &[]));
    for slice in 0..3 {
        assert!(has_series(&info, &image, slice), "pie slice {slice}");
    }
}

#[test]
fn columns_stand_on_the_x_axis_and_bars_grow_to_the_right() {
    let one = result(vec![
        ("ApiId", strings(&["a", "b"])),
        ("n", longs(&[10, 5])),
    ]);
    let (info, image) = png(&one, &vis("columnchart", &[]));
    let plot = info.plots[0];
    let blue = palette::color(0);
    // The taller column reaches the top half of the plot; both touch the bottom.
    let top_half =
        kql_render::chart::Rect::new(plot.x0, plot.y0, plot.x1, (plot.y0 + plot.y1) / 2.0);
    assert!(image.count(top_half, blue, 0) > 100);
    let (info, image) = png(&one, &vis("barchart", &[]));
    let plot = info.plots[0];
    let right_half =
        kql_render::chart::Rect::new((plot.x0 + plot.x1) / 2.0, plot.y0, plot.x1, plot.y1);
    assert!(
        image.count(right_half, blue, 0) > 100,
        "the longer bar reaches the right half"
    );
}

#[test]
fn card_table_and_ladder_are_drawn() {
    let s = scene(&by_api(), "card", &[]);
    assert!(has_text(&s, "ApiId") && has_text(&s, "orders") && has_text(&s, "50"));
    let s = scene(&by_api(), "table", &[]);
    assert!(
        [
            "ApiId", "calls", "errors", "orders", "users", "payments", "30"
        ]
        .iter()
        .all(|t| has_text(&s, t))
    );
    let (_, image) = png(&by_api(), &vis("table", &[]));
    assert_eq!(image.width, 1280);

    let ladder = result(vec![
        ("Operation", strings(&["GET /a", "POST /b", "GET /a"])),
        ("Start", times(&[0, 1, 3])),
        ("End", times(&[2, 4, 5])),
    ]);
    let (info, image) = png(&ladder, &vis("ladderchart", &[]));
    assert!(has_series(&info, &image, 0) && has_series(&info, &image, 1));
    let s = scene(&ladder, "ladderchart", &[]);
    assert!(has_text(&s, "GET /a") && has_text(&s, "POST /b"));
}

#[test]
fn titles_come_from_the_properties() {
    let props = [
        ("title", json!("Calls per hour")),
        ("xtitle", json!("hour")),
        ("ytitle", json!("calls")),
    ];
    for kind in ["timechart", "columnchart", "barchart", "scatterchart"] {
        let s = scene(&two_apis(), kind, &props);
        assert!(has_text(&s, "Calls per hour"), "{kind}: title");
        assert!(
            has_text(&s, "hour") && has_text(&s, "calls"),
            "{kind}: axis titles"
        );
    }
    let s = scene(&two_apis(), "timechart", &[]);
    assert!(
        has_text(&s, "TimeGenerated (UTC)") && has_text(&s, "count_"),
        "default titles"
    );
    let s = scene(&by_api(), "piechart", &[("title", json!("Share"))]);
    assert!(has_text(&s, "Share"));
}

#[test]
fn legend_is_below_the_plot_and_can_be_hidden() {
    let r = two_apis();
    let (info, image) = png(&r, &vis("timechart", &[]));
    let plot = info.plots[0];
    let below = kql_render::chart::Rect::new(0.0, plot.y1 + 1.0, 1280.0, 720.0);
    assert!(
        image.count(below, palette::color(1), 12) > 5,
        "legend swatch under the plot"
    );
    assert!(has_text(&scene(&r, "timechart", &[]), "users"));
    let (info, image) = png(&r, &vis("timechart", &[("legend", json!("hidden"))]));
    let below = kql_render::chart::Rect::new(0.0, info.plots[0].y1 + 1.0, 1280.0, 720.0);
    assert_eq!(image.count(below, palette::color(1), 12), 0);
    assert!(!has_text(
        &scene(&r, "timechart", &[("legend", json!("hidden"))]),
        "users"
    ));
}

#[test]
fn log_axes_have_decade_ticks() {
    let r = result(vec![
        ("x", longs(&[1, 10, 100, 1000])),
        ("y", longs(&[3, 30, 3000, 30_000])),
    ]);
    let s = scene(
        &r,
        "linechart",
        &[("xaxis", json!("log")), ("yaxis", json!("log"))],
    );
    for tick in ["1", "10", "100", "1,000", "10,000", "100,000"] {
        assert!(has_text(&s, tick), "tick {tick}");
    }
    let (info, image) = png(&r, &vis("scatterchart", &[("yaxis", json!("log"))]));
    assert!(has_series(&info, &image, 0));
}

#[test]
fn ymin_and_ymax_fix_the_value_range() {
    let s = scene(
        &two_apis(),
        "timechart",
        &[("ymin", json!(0)), ("ymax", json!(100))],
    );
    assert!(has_text(&s, "100") && has_text(&s, "0"));
    assert!(!has_text(&s, "120"));
    // Values beyond ymax are clipped to the plot, not drawn over the title.
    let (info, image) = png(&two_apis(), &vis("linechart", &[("ymax", json!(4))]));
    let plot = info.plots[0];
    let above = kql_render::chart::Rect::new(0.0, 0.0, 1280.0, plot.y0 - 2.0);
    assert_eq!(image.count(above, palette::color(0), 12), 0);
}

#[test]
fn stacking_kinds_change_the_value_axis() {
    let r = by_api();
    let stacked100 = scene(&r, "columnchart", &[("kind", json!("stacked100"))]);
    assert!(has_text(&stacked100, "100 %"));
    let stacked = scene(&r, "columnchart", &[("kind", json!("stacked"))]);
    assert!(has_text(&stacked, "60"), "orders: 50 + 5 stacks past 50");
    let unstacked = scene(&r, "columnchart", &[("kind", json!("unstacked"))]);
    assert!(!has_text(&unstacked, "60"));
    for kind in ["stacked", "stacked100", "unstacked", "default"] {
        for chart in ["columnchart", "barchart", "areachart"] {
            let (info, image) = png(&two_apis(), &vis(chart, &[("kind", json!(kind))]));
            assert!(
                has_series(&info, &image, 0) && has_series(&info, &image, 1),
                "{chart} kind={kind}"
            );
        }
    }
    assert!(has_text(
        &scene(&two_apis(), "areachart", &[("kind", json!("stacked100"))]),
        "100 %"
    ));
}

#[test]
fn ysplit_panels_draws_one_plot_per_y_column() {
    let r = result(vec![
        ("TimeGenerated", times(&[0, 1, 2])),
        ("calls", longs(&[50, 30, 20])),
        ("errors", longs(&[5, 9, 2])),
    ]);
    let (info, image) = png(&r, &vis("linechart", &[("ysplit", json!("panels"))]));
    assert_eq!(info.plots.len(), 2);
    assert!(image.count(info.plots[0], palette::color(0), 12) > 10);
    assert!(image.count(info.plots[1], palette::color(1), 12) > 10);
    let (info, _) = png(
        &two_apis(),
        &vis("timechart", &[("ysplit", json!("panels"))]),
    );
    assert_eq!(
        info.plots.len(),
        2,
        "one panel per series when there is one y column"
    );
}

#[test]
fn ysplit_axes_gives_each_series_an_axis_in_its_color() {
    let r = result(vec![
        ("TimeGenerated", times(&[0, 1, 2])),
        ("calls", longs(&[1000, 2000, 1500])),
        ("latency", reals(&[Some(0.2), Some(0.5), Some(0.3)])),
    ]);
    let s = scene(&r, "timechart", &[("ysplit", json!("axes"))]);
    let colored: Vec<_> = texts(&s)
        .into_iter()
        .filter(|t| t.color == palette::color(1))
        .collect();
    assert!(
        colored.iter().any(|t| t.text == "0.5"),
        "right axis labels in the second color"
    );
    assert!(
        texts(&s)
            .iter()
            .any(|t| t.text == "2,000" && t.color == palette::color(0))
    );
}

#[test]
fn accumulate_draws_running_totals() {
    let r = result(vec![
        ("TimeGenerated", times(&[0, 1, 2])),
        ("n", longs(&[10, 10, 10])),
    ]);
    let s = scene(
        &r,
        "timechart",
        &[("accumulate", json!(true)), ("ymin", json!(0))],
    );
    assert!(has_text(&s, "30"));
    let plain = scene(&r, "timechart", &[]);
    assert!(!has_text(&plain, "30"));
}

#[test]
fn series_and_columns_can_be_named() {
    let r = result(vec![
        ("TimeGenerated", times(&[0, 0, 1, 1])),
        ("Region", strings(&["eu", "us", "eu", "us"])),
        ("ApiId", strings(&["a", "a", "b", "b"])),
        ("calls", longs(&[1, 2, 3, 4])),
        ("errors", longs(&[0, 1, 0, 1])),
    ]);
    let s = scene(
        &r,
        "timechart",
        &[
            ("series", json!(["Region"])),
            ("ycolumns", json!(["errors"])),
        ],
    );
    assert!(has_text(&s, "eu") && has_text(&s, "us") && !has_text(&s, "a"));
    let s = scene(
        &r,
        "linechart",
        &[("xcolumn", json!("calls")), ("ycolumns", json!(["errors"]))],
    );
    assert!(has_text(&s, "calls"), "x title is the chosen column");
}

#[test]
fn anomalies_are_marked() {
    let values: Vec<i64> = vec![10, 11, 9, 10, 12, 10, 95, 11, 10, 9, 10, 11];
    let hours: Vec<i64> = (0..values.len() as i64).collect();
    let r = result(vec![
        ("TimeGenerated", times(&hours)),
        ("n", longs(&values)),
    ]);
    let (info, image) = png(&r, &vis("anomalychart", &[]));
    assert!(
        image.count(info.plots[0], palette::ANOMALY, 12) > 10,
        "the spike is marked"
    );
    assert!(has_text(&scene(&r, "anomalychart", &[]), "anomaly"));
}

#[test]
fn sizes_are_honoured_and_checked() {
    let (_, image) = png_of(&two_apis(), Some(&vis("timechart", &[])), 800, 450);
    assert_eq!((image.width, image.height), (800, 450));
    let (_, image) = png_of(&two_apis(), Some(&vis("timechart", &[])), 2400, 1800);
    assert_eq!((image.width, image.height), (2400, 1800));
    let mut out = Vec::new();
    let err = kql_render::write_chart(
        &mut out,
        &two_apis().schema,
        &two_apis().batches,
        None,
        kql_render::ChartFormat::Png,
        ChartOptions {
            width: 10,
            height: 10,
        },
    );
    assert!(matches!(err, Err(kql_render::ChartError::Size { .. })));
}
