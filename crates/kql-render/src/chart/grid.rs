//! `render table` (and results without `render`) as a picture: a header row,
//! striped rows, numbers right-aligned, as many rows and columns as fit and
//! a footer saying how many did not.

use super::scene::{Align, MUTED, Rect, Rgb, Scene, TEXT};
use super::spec::{ChartColumn, ColumnKind};
use super::style::Style;
use super::text::{fit, text_width};
use datafusion::arrow::array::RecordBatch;
use kql_functions::format::cell_to_text;

const HEADER: Rgb = Rgb(237, 235, 233);
const STRIPE: Rgb = Rgb(248, 248, 248);
const RULE: Rgb = Rgb(200, 198, 196);

pub fn draw(
    scene: &mut Scene,
    area: Rect,
    columns: &[ChartColumn],
    batches: &[RecordBatch],
    style: &Style,
) {
    scene.plots.push(area);
    let size = style.text;
    let row_h = size * 1.7;
    let cell_pad = size * 0.6;
    let total_rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    // Room for the header, and a footer line when rows are left out.
    let fit_rows = (((area.height() - row_h * 2.0) / row_h).floor().max(0.0)) as usize;
    let shown_rows = total_rows.min(fit_rows);
    let mut cells: Vec<Vec<String>> = vec![Vec::with_capacity(shown_rows); columns.len()];
    'rows: for batch in batches {
        for row in 0..batch.num_rows() {
            if cells.first().map_or(0, Vec::len) >= shown_rows {
                break 'rows;
            }
            for (c, col) in columns.iter().enumerate() {
                let text = batch
                    .columns()
                    .get(col.index)
                    .map(|a| cell_to_text(a.as_ref(), row))
                    .unwrap_or_default();
                cells[c].push(text);
            }
        }
    }
    if columns.is_empty() {
        scene.notice(area, "No columns to show", style.axis_title);
        return;
    }
    // Each column as wide as its widest text, but no column wider than 40%
    // of the picture; columns that do not fit at all are left out.
    let max_col = (area.width() * 0.4).max(size * 4.0);
    let mut widths = Vec::new();
    let mut used = 0.0;
    for (c, col) in columns.iter().enumerate() {
        let widest = cells[c]
            .iter()
            .map(|t| text_width(t, size, false))
            .fold(text_width(&col.name, size, true), f64::max);
        let w = (widest + cell_pad * 2.0).min(max_col);
        if used + w > area.width() && !widths.is_empty() {
            break;
        }
        let w = w.min(area.width() - used);
        widths.push(w);
        used += w;
    }
    let hidden_columns = columns.len() - widths.len();
    let mut y = area.y0;
    scene.rect(
        Rect::new(area.x0, y, area.x0 + used, y + row_h),
        HEADER.solid(),
    );
    let mut x = area.x0;
    for (c, w) in widths.iter().enumerate() {
        let name = fit(&columns[c].name, w - cell_pad * 2.0, size, true);
        scene.text(super::scene::Text {
            text: name,
            x: x + cell_pad,
            y: y + (row_h - size) / 2.0,
            size,
            bold: true,
            color: TEXT,
            align: Align::Start,
            vertical: false,
        });
        x += w;
    }
    y += row_h;
    scene.rect(Rect::new(area.x0, y - 1.0, area.x0 + used, y), RULE.solid());
    for r in 0..shown_rows {
        if r % 2 == 1 {
            scene.rect(
                Rect::new(area.x0, y, area.x0 + used, y + row_h),
                STRIPE.solid(),
            );
        }
        let mut x = area.x0;
        for (c, w) in widths.iter().enumerate() {
            let text = cells[c].get(r).map(String::as_str).unwrap_or_default();
            let text = fit(text, w - cell_pad * 2.0, size, false);
            let right = matches!(columns[c].kind, ColumnKind::Number | ColumnKind::Timespan);
            let (tx, align) = if right {
                (x + w - cell_pad, Align::End)
            } else {
                (x + cell_pad, Align::Start)
            };
            scene.label(&text, tx, y + (row_h - size) / 2.0, size, TEXT, align);
            x += w;
        }
        y += row_h;
    }
    let mut footer = Vec::new();
    if total_rows == 0 {
        footer.push("No rows".to_owned());
    } else if shown_rows < total_rows {
        footer.push(format!("{} more rows", total_rows - shown_rows));
    }
    if hidden_columns > 0 {
        footer.push(format!("{hidden_columns} more columns"));
    }
    if !footer.is_empty() {
        scene.label(
            &footer.join(", "),
            area.x0 + cell_pad,
            y + (row_h - size) / 2.0,
            size,
            MUTED,
            Align::Start,
        );
    }
}
