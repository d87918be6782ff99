//! The frame of a cartesian chart: where the plot goes once room is made for
//! tick labels and axis titles, the grid, and the labels themselves, thinned
//! or shortened so they never collide.

use super::palette;
use super::scale::Axis;
use super::scene::{AXIS, Align, GRID, MUTED, Rect, Rgb, Scene, TEXT, Text};
use super::style::Style;
use super::text::{fit, text_width};

/// The axis titles of a cartesian chart (x along the bottom for most kinds).
#[derive(Debug, Clone, Copy, Default)]
pub struct Titles<'a> {
    pub x: Option<&'a str>,
    pub y: Option<&'a str>,
}

/// A value axis drawn at the side of the plot.
#[derive(Debug, Clone)]
pub struct SideAxis {
    pub axis: Axis,
    pub title: Option<String>,
    /// Labels in a series color, when several axes share a chart.
    pub color: Option<Rgb>,
}

/// The plot rectangle and the axes mapping values into it.
#[derive(Debug, Clone)]
pub struct Frame {
    pub plot: Rect,
    pub bottom: Axis,
    pub sides: Vec<Axis>,
    /// The side axis runs top to bottom (categories of a bar chart).
    pub side_down: bool,
}

impl Frame {
    /// Pixel x of a bottom-axis value (NaN where the axis has no place for it).
    pub fn px(&self, v: f64) -> f64 {
        self.bottom
            .frac(v)
            .map_or(f64::NAN, |f| self.plot.x0 + f * self.plot.width())
    }

    /// Pixel y of a value on side axis `i`.
    pub fn py(&self, i: usize, v: f64) -> f64 {
        let Some(axis) = self.sides.get(i).or(self.sides.first()) else {
            return f64::NAN;
        };
        axis.frac(v).map_or(f64::NAN, |f| {
            if self.side_down {
                self.plot.y0 + f * self.plot.height()
            } else {
                self.plot.y1 - f * self.plot.height()
            }
        })
    }
}

/// Lays out and draws the frame in `area`: side axes (the first on the left,
/// the others on the right), the bottom axis, grid lines along the value
/// axis, and the axis titles. Returns the frame to draw data into.
pub fn draw_frame(
    scene: &mut Scene,
    area: Rect,
    bottom: &Axis,
    bottom_title: Option<&str>,
    sides: &[SideAxis],
    side_down: bool,
    style: &Style,
) -> Frame {
    let size = style.text;
    let gap = size * 0.6;
    let max_side_label = (area.width() * 0.3).max(size * 3.0);
    let side_labels: Vec<Vec<String>> = sides
        .iter()
        .map(|s| {
            s.axis
                .ticks
                .iter()
                .map(|t| fit(&t.label, max_side_label, size, false))
                .collect()
        })
        .collect();
    let side_width = |i: usize| {
        side_labels[i]
            .iter()
            .map(|l| text_width(l, size, false))
            .fold(0.0, f64::max)
            + gap
            + if sides[i].title.is_some() {
                style.axis_title * 1.4
            } else {
                0.0
            }
    };
    let left = if sides.is_empty() { gap } else { side_width(0) };
    let right_widths: Vec<f64> = (1..sides.len()).map(side_width).collect();
    let last_bottom = bottom
        .ticks
        .last()
        .map_or(0.0, |t| text_width(&t.label, size, false) / 2.0);
    let right = right_widths
        .iter()
        .sum::<f64>()
        .max(last_bottom.min(area.width() * 0.1))
        .max(gap);
    let has_sub = bottom.ticks.iter().any(|t| t.sub.is_some());
    let bottom_height = gap
        + size * if has_sub { 2.3 } else { 1.2 }
        + if bottom_title.is_some() {
            style.axis_title * 1.6
        } else {
            0.0
        };
    let plot = area.inset(left, size * 0.6, right, bottom_height);
    let frame = Frame {
        plot,
        bottom: bottom.clone(),
        sides: sides.iter().map(|s| s.axis.clone()).collect(),
        side_down,
    };
    if plot.width() < 4.0 || plot.height() < 4.0 {
        return frame;
    }

    // Grid along the value axis: horizontal lines for the side axis unless it
    // holds categories, vertical lines for the bottom axis when it holds values.
    if side_down {
        for t in &bottom.ticks {
            let x = frame.px(t.value);
            scene.line(&[(x, plot.y0), (x, plot.y1)], GRID.solid(), 1.0, plot);
        }
    } else if let Some(first) = sides.first() {
        for t in &first.axis.ticks {
            let y = frame.py(0, t.value);
            scene.line(&[(plot.x0, y), (plot.x1, y)], GRID.solid(), 1.0, plot);
        }
    }
    let outline = Rect::new(0.0, 0.0, f64::from(scene.width), f64::from(scene.height));
    scene.line(
        &[(plot.x0, plot.y1), (plot.x1, plot.y1)],
        AXIS.solid(),
        1.0,
        outline,
    );

    draw_bottom_labels(scene, &frame, area, style);
    if let Some(title) = bottom_title {
        let y = plot.y1 + gap + size * if has_sub { 2.3 } else { 1.2 } + style.axis_title * 0.3;
        let title = fit(title, plot.width(), style.axis_title, false);
        scene.label(
            &title,
            (plot.x0 + plot.x1) / 2.0,
            y,
            style.axis_title,
            MUTED,
            Align::Middle,
        );
    }

    let mut right_x = plot.x1;
    for (i, side) in sides.iter().enumerate() {
        let color = side.color.unwrap_or(TEXT);
        let on_left = i == 0;
        let band = side_band(&frame, i);
        let every = thin_every(band, size * 1.15, side.axis.ticks.len());
        for (k, t) in side.axis.ticks.iter().enumerate() {
            if k % every != 0 {
                continue;
            }
            let y = frame.py(i, t.value);
            if !(y >= plot.y0 - 1.0 && y <= plot.y1 + 1.0) {
                continue;
            }
            let (x, align) = if on_left {
                (plot.x0 - gap, Align::End)
            } else {
                (right_x + gap, Align::Start)
            };
            scene.label(&side_labels[i][k], x, y - size / 2.0, size, color, align);
        }
        if let Some(title) = &side.title {
            let title = fit(title, plot.height(), style.axis_title, false);
            let x = if on_left {
                area.x0
            } else {
                right_x + side_width(i) - style.axis_title * 1.2
            };
            scene.text(Text {
                text: title,
                x,
                y: (plot.y0 + plot.y1) / 2.0,
                size: style.axis_title,
                bold: false,
                color: side.color.unwrap_or(MUTED),
                align: Align::Middle,
                vertical: true,
            });
        }
        if !on_left {
            right_x += side_width(i);
        }
    }
    frame
}

/// Pixels between neighbouring ticks of side axis `i`.
fn side_band(frame: &Frame, i: usize) -> f64 {
    match frame.sides.get(i).map(|a| a.ticks.as_slice()) {
        Some([a, b, ..]) => (frame.py(i, a.value) - frame.py(i, b.value)).abs(),
        _ => f64::INFINITY,
    }
}

/// Show every n-th label so labels `need` pixels apart fit ticks `band` apart.
fn thin_every(band: f64, need: f64, count: usize) -> usize {
    if !(band.is_finite() && band > 0.0) {
        return 1;
    }
    ((need / band).ceil() as usize).clamp(1, count.max(1))
}

fn draw_bottom_labels(scene: &mut Scene, frame: &Frame, area: Rect, style: &Style) {
    let size = style.text;
    let plot = frame.plot;
    let ticks = &frame.bottom.ticks;
    let band = match ticks.as_slice() {
        [a, b, ..] => (frame.px(b.value) - frame.px(a.value)).abs(),
        _ => plot.width(),
    };
    let widest = ticks
        .iter()
        .map(|t| text_width(&t.label, size, false))
        .fold(0.0, f64::max);
    // Category labels are shortened before they are thinned: a column chart
    // with long names keeps one label per column as long as five letters fit.
    let min_label = size * 3.0;
    let (every, max_width) = if !frame.bottom.categorical {
        // Values are never shortened, only spaced out.
        (thin_every(band, widest + size, ticks.len()), f64::INFINITY)
    } else if widest + size <= band {
        (1, band)
    } else if band - size * 0.5 >= min_label {
        (1, band - size * 0.5)
    } else {
        let every = thin_every(band, min_label.min(widest) + size, ticks.len());
        (every, band * every as f64 - size)
    };
    let y = plot.y1 + size * 0.6;
    for (k, t) in ticks.iter().enumerate() {
        let x = frame.px(t.value);
        if k % every != 0 || !(x >= plot.x0 - 1.0 && x <= plot.x1 + 1.0) {
            continue;
        }
        scene.line(
            &[(x, plot.y1), (x, plot.y1 + size * 0.3)],
            AXIS.solid(),
            1.0,
            area,
        );
        let label = fit(&t.label, max_width, size, false);
        let half = text_width(&label, size, false) / 2.0;
        // Keep the first and last labels inside the image.
        let cx = x.clamp(area.x0 + half, (area.x1 - half).max(area.x0 + half));
        scene.label(&label, cx, y, size, TEXT, Align::Middle);
        if let Some(sub) = &t.sub {
            let half = text_width(sub, size, false) / 2.0;
            let cx = x.clamp(area.x0 + half, (area.x1 - half).max(area.x0 + half));
            scene.label(sub, cx, y + size * 1.15, size, MUTED, Align::Middle);
        }
    }
}

/// Colors for the axes of `ysplit=axes`: each axis in its series' color.
pub fn axis_color(slot: Option<usize>) -> Option<Rgb> {
    slot.map(palette::color)
}
