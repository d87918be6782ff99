//! The legend: a band under the plot (as the portal draws it), entries
//! flowing left to right over as many rows as the height allows. It never
//! overlaps the data; entries that do not fit are counted in a last "+N more".

use super::scene::{Align, Rect, Rgb, Scene, TEXT};
use super::text::{fit, text_width};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swatch {
    /// A short thick line (line charts).
    Line,
    /// A filled square (areas, columns, slices).
    Square,
    /// A dot (scatter points, anomalies).
    Dot,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub label: String,
    pub color: Rgb,
    pub swatch: Swatch,
}

/// Entries placed in rows, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    rows: Vec<Vec<(Entry, f64)>>,
    size: f64,
}

impl Legend {
    /// Lays `entries` out in `width` pixels with at most `max_rows` rows.
    pub fn layout(entries: &[Entry], width: f64, size: f64, max_rows: usize) -> Legend {
        let swatch = size * 1.4;
        let gap = size * 1.5;
        let max_label = (width / 3.0).max(size * 4.0);
        let item_width = |label: &str| swatch + text_width(label, size, false) + gap;
        let mut rows: Vec<Vec<(Entry, f64)>> = Vec::new();
        let mut used = 0.0;
        let mut placed = 0;
        for entry in entries {
            let label = fit(&entry.label, max_label, size, false);
            let w = item_width(&label);
            if rows.is_empty() || (used + w > width && !rows.last().is_some_and(Vec::is_empty)) {
                if rows.len() == max_rows.max(1) {
                    break;
                }
                rows.push(Vec::new());
                used = 0.0;
            }
            if let Some(row) = rows.last_mut() {
                row.push((
                    Entry {
                        label,
                        ..entry.clone()
                    },
                    used,
                ));
            }
            used += w;
            placed += 1;
        }
        let hidden = entries.len() - placed;
        if hidden > 0
            && let Some(row) = rows.last_mut()
        {
            // Make room on the last row for the count of what is left out.
            let mut hidden = hidden;
            loop {
                let more = format!("+{hidden} more");
                let end = row.last().map_or(0.0, |(e, x)| x + item_width(&e.label));
                if end + text_width(&more, size, false) <= width || row.len() <= 1 {
                    row.push((
                        Entry {
                            label: more,
                            color: TEXT,
                            swatch: Swatch::Dot,
                        },
                        end,
                    ));
                    break;
                }
                row.pop();
                hidden += 1;
            }
        }
        Legend { rows, size }
    }

    pub fn height(&self) -> f64 {
        self.rows.len() as f64 * self.size * 1.6
    }

    pub fn draw(&self, scene: &mut Scene, area: Rect) {
        let size = self.size;
        let row_height = size * 1.6;
        for (r, row) in self.rows.iter().enumerate() {
            let top = area.y0 + r as f64 * row_height;
            let mid = top + size / 2.0;
            for (entry, offset) in row {
                let x = area.x0 + offset;
                let is_more = entry.color == TEXT && entry.label.starts_with('+');
                if !is_more {
                    draw_swatch(scene, entry, x, mid, size);
                }
                let text_x = if is_more { x } else { x + size * 1.4 };
                scene.label(&entry.label, text_x, top, size, TEXT, Align::Start);
            }
        }
    }
}

fn draw_swatch(scene: &mut Scene, entry: &Entry, x: f64, mid: f64, size: f64) {
    let clip = Rect::new(x - 1.0, mid - size, x + size + 1.0, mid + size);
    match entry.swatch {
        Swatch::Line => scene.line(
            &[(x, mid), (x + size, mid)],
            entry.color.solid(),
            (size / 4.0).max(2.0),
            clip,
        ),
        Swatch::Square => scene.rect(
            Rect::new(x, mid - size * 0.4, x + size * 0.8, mid + size * 0.4),
            entry.color.solid(),
        ),
        Swatch::Dot => scene.circle(
            (x + size * 0.4, mid),
            size * 0.35,
            entry.color.solid(),
            None,
            clip,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize, label: &str) -> Vec<Entry> {
        (0..n)
            .map(|i| Entry {
                label: format!("{label}{i}"),
                color: Rgb(1, 2, 3),
                swatch: Swatch::Line,
            })
            .collect()
    }

    #[test]
    fn entries_flow_into_rows() {
        let legend = Legend::layout(&entries(6, "series-"), 400.0, 12.0, 4);
        assert!(legend.rows.len() >= 2, "{legend:?}");
        let placed: usize = legend.rows.iter().map(Vec::len).sum();
        assert_eq!(placed, 6);
    }

    #[test]
    fn overflow_is_counted_in_a_more_entry() {
        let legend = Legend::layout(&entries(300, "api-number-"), 600.0, 12.0, 2);
        assert_eq!(legend.rows.len(), 2);
        let last = legend.rows[1]
            .last()
            .map(|(e, _)| e.label.clone())
            .unwrap_or_default();
        let shown: usize = legend.rows.iter().map(Vec::len).sum::<usize>() - 1;
        assert_eq!(last, format!("+{} more", 300 - shown));
    }

    #[test]
    fn very_long_labels_are_shortened() {
        let legend = Legend::layout(&entries(1, &"x".repeat(500)), 300.0, 12.0, 2);
        let label = &legend.rows[0][0].0.label;
        assert!(label.ends_with('…') && label.chars().count() < 100);
    }
}
