//! Charts for `render`: a result and its [`Visualization`] drawn as PNG or
//! SVG with plotters, looking like the portal's charts.
//!
//! The pipeline is [`ChartSpec::derive`] (which columns play which role, by
//! Kusto's rules) → [`data::read`] (series of points) → a [`Scene`] of shapes
//! laid out in pixels → a backend. Odd data never fails: empty results, one
//! row, NaNs, hundreds of series or huge values all give a chart, at worst
//! one saying there is nothing to draw.

mod axes;
mod backend;
mod bars;
mod card;
pub mod data;
pub mod format;
mod frame;
mod grid;
mod legend;
pub mod palette;
mod pie;
mod png;
pub mod props;
pub mod scale;
pub mod scene;
pub mod spec;
mod style;
mod text;
mod values;
mod xy;

pub use props::{ChartProps, Stacking, YSplit};
pub use scene::{Rect, Rgb, Scene};
pub use spec::{ChartColumn, ChartKind, ChartSpec, ColumnKind};

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::Schema;
use kql_functions::visualization::Visualization;
use legend::{Entry, Legend, Swatch};
use scene::{Align, TEXT};
use std::io::Write;
use std::path::Path;
use style::Style;

/// Image sizes accepted, in pixels per side.
pub const MIN_SIZE: u32 = 100;
pub const MAX_SIZE: u32 = 8_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    Png,
    Svg,
}

impl ChartFormat {
    /// The format a file name asks for, by its extension.
    pub fn from_path(path: &Path) -> Option<ChartFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(ChartFormat::Png),
            "svg" => Some(ChartFormat::Svg),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartOptions {
    pub width: u32,
    pub height: u32,
}

impl Default for ChartOptions {
    /// A size suited to a report or an incident write-up.
    fn default() -> Self {
        ChartOptions {
            width: 1280,
            height: 720,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("render names column `{column}`, which the result does not have (columns: {})", available.join(", "))]
    UnknownColumn {
        column: String,
        available: Vec<String>,
    },
    #[error("render uses column `{0}` for y values, but it is not numeric")]
    NotNumeric(String),
    #[error(
        "a chart must be between {MIN_SIZE} and {MAX_SIZE} pixels wide and high (got {width}×{height})"
    )]
    Size { width: u32, height: u32 },
    #[error("cannot draw the chart: {0}")]
    Draw(String),
}

/// What was drawn, for the caller to report.
#[derive(Debug, Clone)]
pub struct ChartInfo {
    pub spec: ChartSpec,
    /// The plot rectangles in pixels (one per panel).
    pub plots: Vec<Rect>,
    /// Things left out or changed (folded series, hidden panels, …).
    pub notes: Vec<String>,
}

/// The spec for a result: from its `render`, or a picture of the table when
/// the query had none (Kusto's default visualization).
pub fn chart_spec(
    schema: &Schema,
    batches: &[RecordBatch],
    visualization: Option<&Visualization>,
) -> Result<ChartSpec, ChartError> {
    let table = Visualization {
        kind: "table".into(),
        properties: Vec::new(),
    };
    ChartSpec::derive(schema, batches, visualization.unwrap_or(&table))
}

/// Draws the result as `format` into `out`.
pub fn write_chart(
    out: &mut dyn Write,
    schema: &Schema,
    batches: &[RecordBatch],
    visualization: Option<&Visualization>,
    format: ChartFormat,
    options: ChartOptions,
) -> Result<ChartInfo, ChartError> {
    let spec = chart_spec(schema, batches, visualization)?;
    let (scene, notes) = draw_scene(&spec, batches, options)?;
    match format {
        ChartFormat::Png => backend::write_png(&scene, out)?,
        ChartFormat::Svg => backend::write_svg(&scene, out)?,
    }
    Ok(ChartInfo {
        plots: scene.plots.clone(),
        spec,
        notes,
    })
}

/// Lays the chart out as shapes, without encoding it.
pub fn draw_scene(
    spec: &ChartSpec,
    batches: &[RecordBatch],
    options: ChartOptions,
) -> Result<(Scene, Vec<String>), ChartError> {
    let ChartOptions { width, height } = options;
    if !(MIN_SIZE..=MAX_SIZE).contains(&width) || !(MIN_SIZE..=MAX_SIZE).contains(&height) {
        return Err(ChartError::Size { width, height });
    }
    if !text::ensure_fonts() {
        return Err(ChartError::Draw(
            "the embedded font could not be loaded".into(),
        ));
    }
    let style = Style::for_size(width, height);
    let mut scene = Scene::new(width, height);
    let mut notes = spec.notes.clone();
    let full = Rect::new(0.0, 0.0, f64::from(width), f64::from(height));
    let mut area = full.inset(style.pad, style.pad, style.pad, style.pad);
    if let Some(title) = spec.props.title.as_deref().filter(|t| !t.trim().is_empty()) {
        let title = text::fit(title, area.width(), style.title, true);
        scene.text(scene::Text {
            text: title,
            x: (area.x0 + area.x1) / 2.0,
            y: area.y0,
            size: style.title,
            bold: true,
            color: TEXT,
            align: Align::Middle,
            vertical: false,
        });
        area = area.inset(0.0, style.title * 1.6, 0.0, 0.0);
    }

    match spec.kind {
        ChartKind::Card => {
            card::draw(&mut scene, area, &spec.y, batches, &style, &mut notes);
            return Ok((scene, notes));
        }
        ChartKind::Table => {
            grid::draw(&mut scene, area, &spec.y, batches, &style);
            return Ok((scene, notes));
        }
        _ => {}
    }

    let data = data::read(spec, batches);
    if data.folded > 0 {
        notes.push(if spec.kind.is_additive() {
            format!(
                "{} series were folded into \"other\" ({} shown)",
                data.folded,
                data::MAX_SERIES - 1
            )
        } else {
            format!(
                "{} series are drawn in gray without a legend entry ({} shown in color)",
                data.folded,
                data::MAX_SERIES
            )
        });
    }
    let slices = (spec.kind == ChartKind::PieChart).then(|| pie::slices(&data));
    if let Some((_, skipped)) = &slices
        && *skipped > 0
    {
        notes.push(format!(
            "{skipped} slices with negative or missing values are not drawn"
        ));
    }

    let entries = legend_entries(spec, &data, slices.as_ref().map(|s| s.0.as_slice()));
    if !spec.props.legend_hidden && !entries.is_empty() {
        let max_rows = ((area.height() * 0.22) / (style.text * 1.6))
            .floor()
            .max(1.0) as usize;
        let legend = Legend::layout(&entries, area.width(), style.text, max_rows);
        let top = area.y1 - legend.height();
        legend.draw(&mut scene, Rect::new(area.x0, top, area.x1, area.y1));
        area = area.inset(0.0, 0.0, 0.0, legend.height() + style.pad * 0.6);
    }

    let x_title = spec.props.xtitle.clone().or_else(|| {
        spec.x.as_ref().map(|x| match data.x_kind {
            data::XKind::Time => format!("{} (UTC)", x.name),
            _ => x.name.clone(),
        })
    });
    let y_title = spec
        .props
        .ytitle
        .clone()
        .or_else(|| match spec.y.as_slice() {
            [only] => Some(only.name.clone()),
            _ => None,
        });
    let titles = frame::Titles {
        x: x_title.as_deref(),
        y: y_title.as_deref(),
    };
    match spec.kind {
        ChartKind::PieChart => {
            let slices = slices.map(|s| s.0).unwrap_or_default();
            pie::draw(&mut scene, area, &slices, &style);
        }
        ChartKind::ColumnChart | ChartKind::BarChart => {
            bars::draw(&mut scene, area, spec, &data, &style, titles);
        }
        ChartKind::LadderChart => {
            // Lanes are named by the other columns; say which.
            let lanes = spec
                .series
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let lanes = (!lanes.is_empty()).then_some(lanes);
            let titles = frame::Titles {
                y: spec.props.ytitle.as_deref().or(lanes.as_deref()),
                ..titles
            };
            bars::ladder(&mut scene, area, spec, &data, &style, titles);
        }
        _ => xy::draw(&mut scene, area, spec, &data, &style, titles, &mut notes),
    }
    Ok((scene, notes))
}

fn legend_entries(
    spec: &ChartSpec,
    data: &data::ChartData,
    slices: Option<&[pie::Slice]>,
) -> Vec<Entry> {
    if let Some(slices) = slices {
        let total: f64 = slices.iter().map(|s| s.value).sum();
        return slices
            .iter()
            .map(|s| Entry {
                label: format!("{} ({:.1}%)", s.label, s.percent(total)),
                color: s.color,
                swatch: Swatch::Square,
            })
            .collect();
    }
    let swatch = match spec.kind {
        ChartKind::ScatterChart => Swatch::Dot,
        ChartKind::AreaChart
        | ChartKind::StackedAreaChart
        | ChartKind::ColumnChart
        | ChartKind::BarChart => Swatch::Square,
        _ => Swatch::Line,
    };
    let mut entries: Vec<Entry> = data
        .series
        .iter()
        .filter_map(|s| {
            s.color.map(|c| Entry {
                label: s.name.clone(),
                color: palette::color(c),
                swatch,
            })
        })
        .collect();
    if data.folded > 0 && !spec.kind.is_additive() {
        entries.push(Entry {
            label: format!("{} more series", data.folded),
            color: palette::FOLDED,
            swatch,
        });
    }
    if spec.kind == ChartKind::AnomalyChart && data.series.iter().any(|s| !s.anomalies.is_empty()) {
        entries.push(Entry {
            label: "anomaly".into(),
            color: palette::ANOMALY,
            swatch: Swatch::Dot,
        });
    }
    entries
}
