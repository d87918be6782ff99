//! Bars: columnchart (vertical), barchart (horizontal, categories top to
//! bottom as the portal lists them) and ladderchart (a bar from start to end
//! per row, lanes named by the other columns).

use super::axes::{x_axis, y_axis};
use super::data::ChartData;
use super::frame::{SideAxis, Titles, draw_frame};
use super::palette;
use super::props::Stacking;
use super::scale::Axis;
use super::scene::{Rect, Scene};
use super::spec::{ChartKind, ChartSpec};
use super::style::Style;

/// Draws a column or bar chart of `data` (x holds category indices).
pub fn draw(
    scene: &mut Scene,
    area: Rect,
    spec: &ChartSpec,
    data: &ChartData,
    style: &Style,
    titles: Titles<'_>,
) {
    let (x_title, y_title) = (titles.x, titles.y);
    let horizontal = spec.kind == ChartKind::BarChart;
    let categories = data.categories.len().max(1);
    // values[series][category], summed where a category repeats.
    let mut values = vec![vec![f64::NAN; categories]; data.series.len()];
    for (k, s) in data.series.iter().enumerate() {
        for &(x, y) in &s.points {
            let c = x as usize;
            if x >= 0.0 && c < categories && y.is_finite() {
                let slot = &mut values[k][c];
                *slot = if slot.is_nan() { y } else { *slot + y };
            }
        }
    }
    let stacking = spec.props.stacking;
    if stacking == Stacking::Stacked100 {
        for c in 0..categories {
            let total: f64 = values
                .iter()
                .map(|v| v[c])
                .filter(|v| v.is_finite())
                .map(f64::abs)
                .sum();
            for v in &mut values {
                v[c] = if total > 0.0 && v[c].is_finite() {
                    v[c].abs() / total * 100.0
                } else {
                    f64::NAN
                };
            }
        }
    }
    // Each bar as (series, category, from, to) in values.
    let mut bars: Vec<(usize, usize, f64, f64)> = Vec::new();
    match stacking {
        Stacking::Unstacked => {
            for (k, v) in values.iter().enumerate() {
                for (c, &y) in v.iter().enumerate() {
                    if y.is_finite() {
                        bars.push((k, c, 0.0, y));
                    }
                }
            }
        }
        Stacking::Stacked | Stacking::Stacked100 => {
            // Positive values stack up from zero, negative ones down.
            let mut up = vec![0.0; categories];
            let mut down = vec![0.0; categories];
            for (k, v) in values.iter().enumerate() {
                for (c, &y) in v.iter().enumerate() {
                    if !y.is_finite() {
                        continue;
                    }
                    let edge = if y >= 0.0 { &mut up[c] } else { &mut down[c] };
                    bars.push((k, c, *edge, *edge + y));
                    *edge += y;
                }
            }
        }
    }
    let suffix = if stacking == Stacking::Stacked100 {
        "%".to_owned()
    } else {
        data.y_unit
            .map(|u| u.suffix().to_owned())
            .unwrap_or_default()
    };
    // A bottom value axis needs wider spacing than a side one for its labels.
    let length = if horizontal {
        area.width() * 0.55
    } else {
        area.height()
    };
    let value_axis = y_axis(
        bars.iter().flat_map(|b| [b.2, b.3]),
        &spec.props,
        true,
        length,
        style,
        &suffix,
    );
    let category_axis = Axis::categories(&data.categories);
    let (bottom, side, bottom_title, side_title) = if horizontal {
        (value_axis, category_axis, y_title, x_title)
    } else {
        (category_axis, value_axis, x_title, y_title)
    };
    let sides = [SideAxis {
        axis: side,
        title: side_title.map(str::to_owned),
        color: None,
    }];
    let frame = draw_frame(
        scene,
        area,
        &bottom,
        bottom_title,
        &sides,
        horizontal,
        style,
    );
    scene.plots.push(frame.plot);
    let plot = frame.plot;
    if plot.width() < 4.0 || plot.height() < 4.0 {
        return;
    }
    if bars.is_empty() {
        scene.notice(plot, "No data to chart", style.axis_title);
        return;
    }
    let value_axis = if horizontal {
        &frame.bottom
    } else {
        &frame.sides[0]
    };
    let to_value_px = |v: f64| {
        let v = if value_axis.log && v <= 0.0 {
            value_axis.lo
        } else {
            v
        };
        if horizontal {
            frame.px(v)
        } else {
            frame.py(0, v)
        }
    };
    let band = if horizontal {
        plot.height()
    } else {
        plot.width()
    } / categories as f64;
    let group = band * 0.8;
    let grouped = stacking == Stacking::Unstacked && data.series.len() > 1;
    let slot = if grouped {
        group / data.series.len() as f64
    } else {
        group
    };
    for &(k, c, from, to) in &bars {
        let start =
            c as f64 * band + (band - group) / 2.0 + if grouped { k as f64 * slot } else { 0.0 };
        // Keep a visible gap between neighbouring bars once they get thin.
        let thickness = if slot > 3.0 {
            slot - slot.min(2.0) * 0.5
        } else {
            slot.max(1.0)
        };
        let (a, b) = (to_value_px(from), to_value_px(to));
        if !(a.is_finite() && b.is_finite()) {
            continue;
        }
        let color = palette::color(data.series[k].color.unwrap_or(k));
        let rect = if horizontal {
            let y = plot.y0 + start;
            Rect::new(a, y, b, y + thickness)
        } else {
            let x = plot.x0 + start;
            Rect::new(x, a, x + thickness, b)
        };
        // Clip to the plot, and keep zero-height bars visible as a hairline.
        let rect = Rect::new(
            rect.x0.clamp(plot.x0, plot.x1),
            rect.y0.clamp(plot.y0, plot.y1),
            rect.x1.clamp(plot.x0, plot.x1),
            rect.y1.clamp(plot.y0, plot.y1),
        );
        let rect = if horizontal && rect.width() < 1.0 {
            Rect::new(rect.x0, rect.y0, rect.x0 + 1.0, rect.y1)
        } else if !horizontal && rect.height() < 1.0 {
            Rect::new(rect.x0, rect.y1 - 1.0, rect.x1, rect.y1)
        } else {
            rect
        };
        scene.rect(rect, color.solid());
    }
}

/// A ladder: one lane per distinct label, a bar from start to end per row.
pub fn ladder(
    scene: &mut Scene,
    area: Rect,
    spec: &ChartSpec,
    data: &ChartData,
    style: &Style,
    titles: Titles<'_>,
) {
    let (x_title, y_title) = (titles.x, titles.y);
    let bottom = x_axis(data, &spec.props, area.width(), style);
    let lanes = Axis::categories(&data.categories);
    let sides = [SideAxis {
        axis: lanes,
        title: y_title.map(str::to_owned),
        color: None,
    }];
    let frame = draw_frame(scene, area, &bottom, x_title, &sides, true, style);
    scene.plots.push(frame.plot);
    let plot = frame.plot;
    if plot.width() < 4.0 || plot.height() < 4.0 {
        return;
    }
    if data.ladder.is_empty() {
        scene.notice(plot, "No data to chart", style.axis_title);
        return;
    }
    let band = plot.height() / data.categories.len().max(1) as f64;
    for bar in &data.ladder {
        let (a, b) = (frame.px(bar.start), frame.px(bar.end));
        if !(a.is_finite() && b.is_finite()) {
            continue;
        }
        let y = plot.y0 + bar.lane as f64 * band + band * 0.2;
        let (a, b) = (a.clamp(plot.x0, plot.x1), b.clamp(plot.x0, plot.x1));
        let rect = Rect::new(a, y, b.max(a + 2.0), y + (band * 0.6).max(1.0));
        scene.rect(rect, palette::color(bar.lane).solid());
    }
}
