//! Card: the first row of the result as big values, one tile per column,
//! each under its column name.

use super::format::format_number;
use super::scene::{Align, MUTED, Rect, Rgb, Scene, TEXT};
use super::spec::{ChartColumn, ColumnKind};
use super::style::Style;
use super::text::{fit, text_width};
use datafusion::arrow::array::RecordBatch;
use kql_functions::format::cell_to_text;

/// More columns than this are left out (and noted).
const MAX_TILES: usize = 12;
const TILE_BACKGROUND: Rgb = Rgb(243, 242, 241);

pub fn draw(
    scene: &mut Scene,
    area: Rect,
    columns: &[ChartColumn],
    batches: &[RecordBatch],
    style: &Style,
    notes: &mut Vec<String>,
) {
    scene.plots.push(area);
    let Some((batch, row)) = batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .map(|b| (b, 0usize))
    else {
        scene.notice(area, "No data to show", style.axis_title);
        return;
    };
    if columns.len() > MAX_TILES {
        notes.push(format!(
            "card: {MAX_TILES} of {} columns shown",
            columns.len()
        ));
    }
    let tiles: Vec<(String, String)> = columns
        .iter()
        .take(MAX_TILES)
        .map(|c| {
            let value = batch
                .columns()
                .get(c.index)
                .map(|array| value_text(array.as_ref(), row, c.kind))
                .unwrap_or_default();
            (c.name.clone(), value)
        })
        .collect();
    if tiles.is_empty() {
        scene.notice(area, "No columns to show", style.axis_title);
        return;
    }
    let n = tiles.len();
    let cols = if n <= 4 { n } else { n.div_ceil(2).min(4) };
    let rows = n.div_ceil(cols);
    let gap = style.pad;
    let tile_w = (area.width() - gap * (cols as f64 - 1.0)) / cols as f64;
    let tile_h = ((area.height() - gap * (rows as f64 - 1.0)) / rows as f64).min(tile_w * 0.8);
    let top = area.y0 + (area.height() - (tile_h * rows as f64 + gap * (rows as f64 - 1.0))) / 2.0;
    for (i, (name, value)) in tiles.iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        let x0 = area.x0 + c as f64 * (tile_w + gap);
        let y0 = top + r as f64 * (tile_h + gap);
        let tile = Rect::new(x0, y0, x0 + tile_w, y0 + tile_h);
        scene.rect(tile, TILE_BACKGROUND.solid());
        let inner = tile.inset(gap, gap, gap, gap);
        let label_size = (tile_h * 0.09).clamp(style.text, style.title);
        let label = fit(name, inner.width(), label_size, false);
        scene.label(&label, inner.x0, inner.y0, label_size, MUTED, Align::Start);
        // As large as fits the tile, both ways.
        let mut size = (tile_h * 0.38).max(style.text);
        let width = text_width(value, size, true);
        if width > inner.width() && width > 0.0 {
            size = (size * inner.width() / width * 0.97).max(style.text);
        }
        let value = fit(value, inner.width(), size, true);
        let cy = (inner.y0 + label_size * 1.2 + inner.y1) / 2.0;
        scene.text(super::scene::Text {
            text: value,
            x: inner.x0,
            y: cy - size / 2.0,
            size,
            bold: true,
            color: TEXT,
            align: Align::Start,
            vertical: false,
        });
    }
}

/// Numbers with thousands separators; everything else in Kusto's display form.
fn value_text(array: &dyn datafusion::arrow::array::Array, row: usize, kind: ColumnKind) -> String {
    if array.is_null(row) {
        return "—".to_owned();
    }
    let text = cell_to_text(array, row);
    if kind == ColumnKind::Number
        && let Ok(v) = text.parse::<f64>()
    {
        return format_number(v, None);
    }
    text
}
