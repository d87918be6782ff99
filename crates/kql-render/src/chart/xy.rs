//! Charts of series over a continuous x: timechart, linechart, areachart,
//! stackedareachart, scatterchart and anomalychart, with `ysplit` panels or
//! per-series axes.

use super::axes::{x_axis, x_position, y_axis};
use super::data::{ChartData, Series};
use super::frame::{SideAxis, Titles, axis_color, draw_frame};
use super::palette::{self, ANOMALY, FOLDED};
use super::props::{Stacking, YSplit};
use super::scene::{Align, MUTED, Rect, Scene, WHITE};
use super::spec::{ChartKind, ChartSpec};
use super::style::Style;
use super::text::fit;
use std::collections::HashMap;

/// At most this many panels (`ysplit=panels`) or axes (`ysplit=axes`).
const MAX_PANELS: usize = 6;
const MAX_AXES: usize = 4;

/// Draws `data` into `area`; notes what could not be shown.
pub fn draw(
    scene: &mut Scene,
    area: Rect,
    spec: &ChartSpec,
    data: &ChartData,
    style: &Style,
    titles: Titles<'_>,
    notes: &mut Vec<String>,
) {
    let groups = panel_groups(spec, data);
    if groups.len() > MAX_PANELS {
        notes.push(format!(
            "ysplit=panels: {} panels shown of {}",
            MAX_PANELS,
            groups.len()
        ));
    }
    let groups: Vec<(String, Vec<usize>)> = groups.into_iter().take(MAX_PANELS).collect();
    let count = groups.len().max(1) as f64;
    let gap = style.pad;
    let panel_height = (area.height() - gap * (count - 1.0)) / count;
    for (i, (name, members)) in groups.iter().enumerate() {
        let top = area.y0 + i as f64 * (panel_height + gap);
        let mut panel = Rect::new(area.x0, top, area.x1, top + panel_height);
        if groups.len() > 1 {
            let label = fit(name, panel.width(), style.text, true);
            scene.text(super::scene::Text {
                text: label,
                x: panel.x0,
                y: panel.y0,
                size: style.text,
                bold: true,
                color: MUTED,
                align: Align::Start,
                vertical: false,
            });
            panel = panel.inset(0.0, style.text * 1.3, 0.0, 0.0);
        }
        let series: Vec<&Series> = members.iter().map(|&k| &data.series[k]).collect();
        draw_panel(scene, panel, spec, data, &series, style, titles);
    }
}

/// Series grouped into panels: one group unless `ysplit=panels`, then one per
/// y column, or per series when there is a single y column.
fn panel_groups(spec: &ChartSpec, data: &ChartData) -> Vec<(String, Vec<usize>)> {
    let all: Vec<usize> = (0..data.series.len()).collect();
    if spec.props.ysplit != YSplit::Panels || data.series.len() <= 1 {
        return vec![(String::new(), all)];
    }
    if spec.y.len() > 1 {
        return spec
            .y
            .iter()
            .enumerate()
            .map(|(j, col)| {
                let members = all
                    .iter()
                    .copied()
                    .filter(|&k| data.series[k].ycol == j)
                    .collect();
                (col.name.clone(), members)
            })
            .filter(|(_, m): &(String, Vec<usize>)| !m.is_empty())
            .collect();
    }
    all.into_iter()
        .filter(|&k| data.series[k].color.is_some())
        .map(|k| (data.series[k].name.clone(), vec![k]))
        .collect()
}

/// Which y axis each series uses: all the first, unless `ysplit=axes` gives
/// each y column (or each series) its own, up to [`MAX_AXES`].
fn axis_of(spec: &ChartSpec, series: &[&Series]) -> Vec<usize> {
    if spec.props.ysplit != YSplit::Axes {
        return vec![0; series.len()];
    }
    if spec.y.len() > 1 {
        return series.iter().map(|s| s.ycol.min(MAX_AXES - 1)).collect();
    }
    let mut next = 0;
    series
        .iter()
        .map(|s| {
            if s.color.is_none() {
                return 0;
            }
            let a = next.min(MAX_AXES - 1);
            next += 1;
            a
        })
        .collect()
}

fn stacking(spec: &ChartSpec) -> Option<bool> {
    match (spec.kind, spec.props.stacking) {
        (ChartKind::AreaChart | ChartKind::StackedAreaChart, Stacking::Stacked100) => Some(true),
        (ChartKind::AreaChart, Stacking::Stacked) | (ChartKind::StackedAreaChart, _) => Some(false),
        _ => None,
    }
}

fn draw_panel(
    scene: &mut Scene,
    area: Rect,
    spec: &ChartSpec,
    data: &ChartData,
    series: &[&Series],
    style: &Style,
    titles: Titles<'_>,
) {
    let (x_title, y_title) = (titles.x, titles.y);
    let kind = spec.kind;
    let bottom = x_axis(data, &spec.props, area.width(), style);
    let axes = axis_of(spec, series);
    let axis_count = axes.iter().copied().max().map_or(1, |m| m + 1);
    let stack = stacking(spec);
    let stacked = stack.map(|percent| stack_layers(data, series, percent));
    let suffix = if stack == Some(true) {
        "%".to_owned()
    } else {
        data.y_unit
            .map(|u| u.suffix().to_owned())
            .unwrap_or_default()
    };
    let include_zero = kind != ChartKind::ScatterChart;
    let mut sides = Vec::with_capacity(axis_count);
    for a in 0..axis_count {
        let values: Vec<f64> = match &stacked {
            Some(layers) => layers
                .bands
                .iter()
                .flatten()
                .flat_map(|&(l, u)| [l, u])
                .collect(),
            None => series
                .iter()
                .zip(&axes)
                .filter(|(_, ax)| **ax == a)
                .flat_map(|(s, _)| s.points.iter().map(|p| p.1))
                .collect(),
        };
        let axis = y_axis(
            values.into_iter(),
            &spec.props,
            include_zero,
            area.height(),
            style,
            &suffix,
        );
        let owner = series
            .iter()
            .zip(&axes)
            .filter(|(_, ax)| **ax == a)
            .map(|(s, _)| s)
            .collect::<Vec<_>>();
        let (title, color) = if axis_count > 1 {
            let color = match owner.as_slice() {
                [only] => axis_color(only.color),
                _ => None,
            };
            let title = if spec.y.len() > 1 {
                spec.y.get(a).map(|c| c.name.clone())
            } else {
                owner.first().map(|s| s.name.clone())
            };
            (
                if a == 0 {
                    y_title.map(str::to_owned).or(title)
                } else {
                    title
                },
                color,
            )
        } else {
            (y_title.map(str::to_owned), None)
        };
        sides.push(SideAxis { axis, title, color });
    }
    let frame = draw_frame(scene, area, &bottom, x_title, &sides, false, style);
    scene.plots.push(frame.plot);
    let plot = frame.plot;
    if plot.width() < 4.0 || plot.height() < 4.0 {
        return;
    }
    if series
        .iter()
        .all(|s| s.points.iter().all(|p| !p.1.is_finite()))
    {
        scene.notice(plot, "No data to chart", style.axis_title);
        return;
    }
    let xk = data.x_kind;
    let to_px = |a: usize, (x, y): (f64, f64)| (frame.px(x_position(xk, x)), frame.py(a, y));

    if let Some(layers) = stacked {
        // All fills first, then the edges, so no fill covers a neighbour's line.
        let mut edges = Vec::with_capacity(series.len());
        for (k, s) in series.iter().enumerate() {
            let color = s.color.map_or(FOLDED, palette::color);
            let band = &layers.bands[k];
            let upper: Vec<(f64, f64)> = layers
                .xs
                .iter()
                .zip(band)
                .map(|(&x, &(_, u))| to_px(0, (x, u)))
                .collect();
            let mut outline = upper.clone();
            outline.extend(
                layers
                    .xs
                    .iter()
                    .zip(band)
                    .rev()
                    .map(|(&x, &(l, _))| to_px(0, (x, l))),
            );
            scene.polygon(&outline, color.alpha(0.7), plot);
            edges.push((upper, color));
        }
        for (upper, color) in edges {
            scene.line(&upper, color.solid(), style.line, plot);
        }
        return;
    }

    let base = frame.sides.first().map_or(0.0, |a| {
        if a.log {
            a.lo
        } else {
            0.0_f64.clamp(a.lo, a.hi)
        }
    });
    for (s, &a) in series.iter().zip(&axes) {
        let color = s.color.map_or(FOLDED, palette::color);
        let width = if s.color.is_some() {
            style.line
        } else {
            style.line * 0.5
        };
        let pts: Vec<(f64, f64)> = s.points.iter().map(|&p| to_px(a, p)).collect();
        match kind {
            ChartKind::ScatterChart => {
                for &p in &pts {
                    scene.circle(p, style.line * 1.8, color.solid(), None, plot);
                }
            }
            ChartKind::AreaChart => {
                let base_y = frame.py(a, base);
                for run in runs(&pts) {
                    let mut poly = run.to_vec();
                    if let (Some(first), Some(last)) = (run.first(), run.last()) {
                        poly.push((last.0, base_y));
                        poly.push((first.0, base_y));
                    }
                    scene.polygon(&poly, color.alpha(0.3), plot);
                }
                scene.line(&pts, color.solid(), width, plot);
                mark_isolated(scene, &pts, style.line * 1.8, color.solid(), plot);
            }
            _ => {
                scene.line(&pts, color.solid(), width, plot);
                mark_isolated(scene, &pts, style.line * 1.8, color.solid(), plot);
            }
        }
        if kind == ChartKind::AnomalyChart {
            for &i in &s.anomalies {
                if let Some(&p) = pts.get(i) {
                    scene.circle(p, style.line * 2.6, ANOMALY.solid(), Some(WHITE), plot);
                }
            }
        }
    }
}

/// Runs of consecutive drawable points (a NaN ends a run).
fn runs(points: &[(f64, f64)]) -> Vec<&[(f64, f64)]> {
    points
        .split(|p| !(p.0.is_finite() && p.1.is_finite()))
        .filter(|r| !r.is_empty())
        .collect()
}

/// A point with no drawable neighbour gets a dot, or a one-point series
/// would not show at all.
fn mark_isolated(
    scene: &mut Scene,
    pts: &[(f64, f64)],
    radius: f64,
    color: super::scene::Paint,
    clip: Rect,
) {
    for run in runs(pts) {
        if let [only] = run {
            scene.circle(*only, radius, color, None, clip);
        }
    }
}

/// Stacked areas: for every x of any series, each series' lower and upper edge.
struct Layers {
    xs: Vec<f64>,
    bands: Vec<Vec<(f64, f64)>>,
}

fn stack_layers(data: &ChartData, series: &[&Series], percent: bool) -> Layers {
    let _ = data;
    let mut xs: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .filter(|x| x.is_finite())
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let index: HashMap<u64, usize> = xs
        .iter()
        .enumerate()
        .map(|(i, x)| (x.to_bits(), i))
        .collect();
    let mut values = vec![vec![0.0; xs.len()]; series.len()];
    for (k, s) in series.iter().enumerate() {
        for &(x, y) in &s.points {
            if let (Some(&i), true) = (index.get(&x.to_bits()), y.is_finite()) {
                values[k][i] += y;
            }
        }
    }
    if percent {
        for i in 0..xs.len() {
            let total: f64 = values.iter().map(|v| v[i].abs()).sum();
            for v in &mut values {
                v[i] = if total > 0.0 {
                    v[i].abs() / total * 100.0
                } else {
                    0.0
                };
            }
        }
    }
    let mut running = vec![0.0; xs.len()];
    let bands = values
        .iter()
        .map(|v| {
            v.iter()
                .zip(running.iter_mut())
                .map(|(&y, r)| {
                    let lower = *r;
                    *r += y;
                    (lower, *r)
                })
                .collect()
        })
        .collect();
    Layers { xs, bands }
}
