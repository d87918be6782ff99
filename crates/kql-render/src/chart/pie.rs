//! Piechart: the first column names the slices, the first numeric column
//! sizes them. Slices start at twelve o'clock and run clockwise in the order
//! of the rows; beyond [`MAX_SLICES`] the smallest are summed into "other".
//! Negative, null and NaN values have no slice.

use super::data::ChartData;
use super::palette;
use super::scene::{Align, Rect, Rgb, Scene, WHITE};
use super::style::Style;
use super::text::text_width;

const MAX_SLICES: usize = 12;

#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub label: String,
    pub value: f64,
    pub color: Rgb,
}

impl Slice {
    pub fn percent(&self, total: f64) -> f64 {
        if total > 0.0 {
            self.value / total * 100.0
        } else {
            0.0
        }
    }
}

/// The slices to draw (and list in the legend), plus how many categories
/// could not be drawn because their value was negative or missing.
pub fn slices(data: &ChartData) -> (Vec<Slice>, usize) {
    let Some(series) = data.series.first() else {
        return (Vec::new(), 0);
    };
    let mut sums: Vec<Option<f64>> = vec![None; data.categories.len()];
    for &(x, y) in &series.points {
        let c = x as usize;
        if x >= 0.0 && c < sums.len() && y.is_finite() {
            sums[c] = Some(sums[c].unwrap_or(0.0) + y);
        }
    }
    let mut skipped = 0;
    let mut raw: Vec<(String, f64)> = Vec::new();
    for (c, sum) in sums.into_iter().enumerate() {
        match sum {
            Some(v) if v > 0.0 => raw.push((data.categories[c].clone(), v)),
            Some(0.0) => {}
            _ => skipped += 1,
        }
    }
    if raw.len() > MAX_SLICES {
        let mut order: Vec<usize> = (0..raw.len()).collect();
        order.sort_by(|&a, &b| raw[b].1.total_cmp(&raw[a].1).then(a.cmp(&b)));
        let mut keep = vec![false; raw.len()];
        for &i in order.iter().take(MAX_SLICES - 1) {
            keep[i] = true;
        }
        let folded = raw.len() - (MAX_SLICES - 1);
        let other: f64 = raw
            .iter()
            .zip(&keep)
            .filter(|(_, k)| !**k)
            .map(|(r, _)| r.1)
            .sum();
        raw = raw
            .into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(r, _)| r)
            .collect();
        raw.push((format!("other ({folded})"), other));
    }
    let slices = raw
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| Slice {
            label,
            value,
            color: palette::color(i),
        })
        .collect();
    (slices, skipped)
}

pub fn draw(scene: &mut Scene, area: Rect, slices: &[Slice], style: &Style) {
    scene.plots.push(area);
    let total: f64 = slices.iter().map(|s| s.value).sum();
    if !(total > 0.0 && total.is_finite()) {
        scene.notice(area, "No data to chart", style.axis_title);
        return;
    }
    let radius = (area.width().min(area.height()) / 2.0 - style.pad).max(2.0);
    let center = ((area.x0 + area.x1) / 2.0, (area.y0 + area.y1) / 2.0);
    let point = |angle: f64, r: f64| {
        // 0 is twelve o'clock, growing clockwise.
        (center.0 + r * angle.sin(), center.1 - r * angle.cos())
    };
    let mut start = 0.0f64;
    let full = std::f64::consts::TAU;
    for s in slices {
        let sweep = s.value / total * full;
        let steps = ((sweep / full * 360.0).ceil() as usize).clamp(1, 360);
        let mut poly = vec![center];
        for i in 0..=steps {
            poly.push(point(start + sweep * i as f64 / steps as f64, radius));
        }
        scene.polygon(&poly, s.color.solid(), area);
        start += sweep;
    }
    // White edges between slices, as the portal separates them.
    if slices.len() > 1 {
        let mut angle = 0.0;
        for s in slices {
            scene.line(
                &[center, point(angle, radius)],
                WHITE.solid(),
                style.line.max(1.5),
                area,
            );
            angle += s.value / total * full;
        }
    }
    let mut angle = 0.0;
    for s in slices {
        let sweep = s.value / total * full;
        let pct = s.percent(total);
        let label = format!("{pct:.1}%");
        let (x, y) = point(angle + sweep / 2.0, radius * 0.68);
        let fits = text_width(&label, style.text, true) < sweep * radius * 0.68 * 0.9;
        if pct >= 3.0 && fits {
            scene.text(super::scene::Text {
                text: label,
                x,
                y: y - style.text / 2.0,
                size: style.text,
                bold: true,
                color: label_color(s.color),
                align: Align::Middle,
                vertical: false,
            });
        }
        angle += sweep;
    }
}

/// White on dark slices, black on light ones.
fn label_color(background: Rgb) -> Rgb {
    let luma = 0.299 * f64::from(background.0)
        + 0.587 * f64::from(background.1)
        + 0.114 * f64::from(background.2);
    if luma > 150.0 { Rgb(0, 0, 0) } else { WHITE }
}
