//! Odd results never crash a chart: every kind is drawn, as PNG and as SVG,
//! for empty results, single rows, nulls and NaNs, hundreds of series, huge
//! values and very long labels.

mod common;

use common::*;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::Schema;
use kql_render::chart::{ChartKind, ChartOptions, ChartSpec, draw_scene, palette};
use serde_json::json;
use std::sync::Arc;

const KINDS: [&str; 13] = [
    "timechart",
    "linechart",
    "areachart",
    "stackedareachart",
    "columnchart",
    "barchart",
    "piechart",
    "scatterchart",
    "card",
    "table",
    "anomalychart",
    "ladderchart",
    "pivotchart",
];

fn datasets() -> Vec<(&'static str, Result)> {
    let n = 300;
    let names: Vec<String> = (0..n).map(|i| format!("api-{i:03}")).collect();
    let long_label = "very-long-api-name-".repeat(120);
    let empty = {
        let full = result(vec![
            ("TimeGenerated", times(&[0])),
            ("ApiId", strings(&["a"])),
            ("n", longs(&[1])),
        ]);
        let schema = Arc::new(full.schema.clone());
        Result {
            schema: full.schema.clone(),
            batches: vec![RecordBatch::new_empty(schema)],
        }
    };
    vec![
        ("no rows", empty),
        (
            "no batches",
            Result {
                schema: Schema::empty(),
                batches: Vec::new(),
            },
        ),
        (
            "one row",
            result(vec![
                ("TimeGenerated", times(&[0])),
                ("ApiId", strings(&["a"])),
                ("n", longs(&[7])),
            ]),
        ),
        (
            "one point per series",
            result(vec![
                ("TimeGenerated", times(&[0, 1, 2])),
                ("ApiId", strings(&["a", "b", "c"])),
                ("n", longs(&[1, 2, 3])),
            ]),
        ),
        (
            "all null and NaN",
            result(vec![
                ("TimeGenerated", times(&[0, 1, 2])),
                ("v", reals(&[None, Some(f64::NAN), Some(f64::INFINITY)])),
            ]),
        ),
        (
            "single category",
            result(vec![
                ("ApiId", strings(&["only", "only"])),
                ("n", longs(&[4, 5])),
            ]),
        ),
        (
            "hundreds of series",
            result(vec![
                (
                    "TimeGenerated",
                    times(&(0..n as i64).map(|i| i % 5).collect::<Vec<_>>()),
                ),
                (
                    "ApiId",
                    strings(&names.iter().map(String::as_str).collect::<Vec<_>>()),
                ),
                ("n", longs(&(0..n as i64).collect::<Vec<_>>())),
            ]),
        ),
        (
            "huge and negative values",
            result(vec![
                ("TimeGenerated", times(&[0, 1, 2, 3])),
                ("big", longs(&[i64::MAX, i64::MIN, 0, -5])),
                (
                    "real",
                    reals(&[Some(1e300), Some(-1e300), Some(f64::MAX), Some(-1e-300)]),
                ),
                ("span", timespans(&[-5_000_000_000, i64::MAX, 0, 1])),
            ]),
        ),
        (
            "very long labels",
            result(vec![
                ("ApiId", strings(&[long_label.as_str(), "short"])),
                (long_label.as_str(), longs(&[1, 2])),
            ]),
        ),
        (
            "text only",
            result(vec![
                ("a", strings(&["x", "y"])),
                ("b", strings(&["z", "w"])),
            ]),
        ),
        (
            "odd arrays",
            result(vec![
                ("key", strings(&["a", "b"])),
                ("values", dynamics(&["[1,\"x\",null,{\"a\":1}]", "[]"])),
                ("axis", dynamics(&["[1,2]", "[\"2026-01-01T00:00:00Z\"]"])),
            ]),
        ),
        (
            "same instant everywhere",
            result(vec![
                ("TimeGenerated", times(&[5, 5, 5])),
                ("n", longs(&[1, 1, 1])),
            ]),
        ),
    ]
}

#[test]
fn every_kind_survives_every_odd_result() {
    for (name, data) in datasets() {
        for kind in KINDS {
            for props in [
                vec![],
                vec![
                    ("kind", json!("stacked100")),
                    ("yaxis", json!("log")),
                    ("xaxis", json!("log")),
                    ("accumulate", json!(true)),
                    ("ysplit", json!("panels")),
                ],
                vec![
                    ("ysplit", json!("axes")),
                    ("ymin", json!(-10)),
                    ("ymax", json!(-20)),
                ],
            ] {
                let v = vis(kind, &props);
                let what = format!("{kind} {props:?} on {name}");
                let (_, image) = png_of(&data, Some(&v), 400, 300);
                assert_eq!((image.width, image.height), (400, 300), "{what}");
                svg_of(&data, Some(&v));
            }
        }
    }
}

#[test]
fn empty_results_say_there_is_nothing_to_chart() {
    let data = &datasets()[0].1;
    for kind in ["timechart", "columnchart", "piechart", "card", "table"] {
        let spec = ChartSpec::derive(&data.schema, &data.batches, &vis(kind, &[])).expect("spec");
        let (scene, _) = draw_scene(&spec, &data.batches, ChartOptions::default()).expect("scene");
        let said = scene.shapes.iter().any(|s| match s {
            kql_render::chart::scene::Shape::Text(t) => t.text.starts_with("No "),
            _ => false,
        });
        assert!(said, "{kind} says so");
    }
}

#[test]
fn hundreds_of_series_fold_and_say_so() {
    let data = &datasets()[6].1;
    let (info, image) = png(data, &vis("timechart", &[]));
    assert!(
        info.notes.iter().any(|n| n.contains("280 series")),
        "{:?}",
        info.notes
    );
    assert!(
        image.count(info.plots[0], palette::FOLDED, 10) > 0,
        "folded series in gray"
    );
    let (info, _) = png(data, &vis("stackedareachart", &[]));
    assert!(
        info.notes.iter().any(|n| n.contains("\"other\"")),
        "{:?}",
        info.notes
    );
}

#[test]
fn a_single_point_is_still_visible() {
    let data = &datasets()[2].1;
    for kind in [
        "timechart",
        "linechart",
        "areachart",
        "scatterchart",
        "columnchart",
        "barchart",
        "piechart",
    ] {
        let (info, image) = png(data, &vis(kind, &[]));
        assert!(has_series(&info, &image, 0), "{kind}");
    }
}

#[test]
fn kinds_round_trip_their_names() {
    for kind in ChartKind::ALL {
        assert_eq!(ChartKind::from_name(kind.name()), Some(kind));
    }
    assert_eq!(
        ChartKind::from_name("TimeChart"),
        Some(ChartKind::TimeChart)
    );
    assert_eq!(ChartKind::from_name("treemap"), None);
}
