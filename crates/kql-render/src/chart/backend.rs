//! Replays a [`Scene`] onto plotters' bitmap backend (encoded as PNG by
//! [`super::png`]) or its SVG backend. Text positions are corrected per backend
//! so both put the baseline where the layout expects it.
//!
//! plotters' bitmap backend does not anti-alias lines, so PNGs are drawn at
//! twice their size and averaged down: smooth lines and text, same layout.

use super::ChartError;
use super::scene::{Align, Paint, Rgb, Scene, Shape, Text};
use super::text::{ensure_fonts, font, layout_glyphs};
use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::element::{Circle, PathElement, Polygon, Rectangle};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontTransform, RGBColor, ShapeStyle, TextStyle};
use std::io::Write;

/// Where each backend puts the baseline below a top-anchored text position,
/// as a fraction of the font size: ab_glyph draws it half a size down, SVG
/// at `dy=0.76em` of a font size of `size / 1.24`.
const BITMAP_BASELINE: f64 = 0.5;
const SVG_BASELINE: f64 = 0.76 / 1.24;
/// DejaVu Sans' ascent as a fraction of its line height.
const ASCENT: f64 = 0.797;

/// Images up to this many pixels are supersampled; larger ones are big
/// enough for their jagged edges not to show, and would cost too much memory.
const SUPERSAMPLE_MAX_PIXELS: u64 = 4_000_000;

pub fn write_png(scene: &Scene, out: &mut dyn Write) -> Result<(), ChartError> {
    let (w, h) = (scene.width, scene.height);
    let factor: u32 = if u64::from(w) * u64::from(h) <= SUPERSAMPLE_MAX_PIXELS {
        2
    } else {
        1
    };
    let (sw, sh) = (w * factor, h * factor);
    let mut big = vec![255u8; sw as usize * sh as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut big, (sw, sh)).into_drawing_area();
        let mode = Mode {
            scale: f64::from(factor),
            baseline: BITMAP_BASELINE,
            glyphs: true,
        };
        replay(scene, &area, mode)?;
        area.present().map_err(draw_error)?;
    }
    let pixels = if factor == 1 {
        big
    } else {
        downsample(&big, w, h, factor)
    };
    super::png::write_rgb(out, w, h, &pixels)?;
    Ok(())
}

pub fn write_svg(scene: &Scene, out: &mut dyn Write) -> Result<(), ChartError> {
    let mut text = String::new();
    {
        let area =
            SVGBackend::with_string(&mut text, (scene.width, scene.height)).into_drawing_area();
        let mode = Mode {
            scale: 1.0,
            baseline: SVG_BASELINE,
            glyphs: false,
        };
        replay(scene, &area, mode)?;
        area.present().map_err(draw_error)?;
    }
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// Averages `factor`×`factor` blocks of an RGB image `factor` times larger.
fn downsample(big: &[u8], w: u32, h: u32, factor: u32) -> Vec<u8> {
    let (w, h, f) = (w as usize, h as usize, factor as usize);
    let big_row = w * f * 3;
    let mut out = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut sum = 0u32;
                for dy in 0..f {
                    for dx in 0..f {
                        sum += u32::from(big[(y * f + dy) * big_row + (x * f + dx) * 3 + c]);
                    }
                }
                out[(y * w + x) * 3 + c] = ((sum + (f * f / 2) as u32) / (f * f) as u32) as u8;
            }
        }
    }
    out
}

/// How a backend wants the scene: its scale, where it puts text baselines,
/// and whether it is the bitmap (text placed glyph by glyph, rectangles
/// filled corner to corner inclusive).
#[derive(Debug, Clone, Copy)]
struct Mode {
    scale: f64,
    baseline: f64,
    glyphs: bool,
}

fn draw_error(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Pixel coordinates for plotters; the scene has clipped shapes to the
/// image, so the clamp only guards against rounding surprises.
fn px(v: f64) -> i32 {
    v.round().clamp(-100_000.0, 100_000.0) as i32
}

fn point((x, y): (f64, f64)) -> (i32, i32) {
    (px(x), px(y))
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn paint(p: Paint) -> plotters::style::RGBAColor {
    rgb(p.rgb).mix(p.alpha.clamp(0.0, 1.0))
}

fn replay<DB: DrawingBackend>(
    scene: &Scene,
    area: &DrawingArea<DB, Shift>,
    mode: Mode,
) -> Result<(), ChartError> {
    if !ensure_fonts() {
        return Err(ChartError::Draw(
            "the embedded font could not be loaded".into(),
        ));
    }
    let k = mode.scale;
    let at = |(x, y): (f64, f64)| point((x * k, y * k));
    for shape in &scene.shapes {
        match shape {
            Shape::Rect { rect, fill } => {
                let (x0, y0) = at((rect.x0, rect.y0));
                // The bitmap backend fills both corners, SVG spans x0..x1: the
                // scene's rectangles end just before x1/y1 in both.
                let inclusive = i32::from(mode.glyphs);
                let x1 = px(rect.x1 * k).max(x0 + 1) - inclusive;
                let y1 = px(rect.y1 * k).max(y0 + 1) - inclusive;
                let style = ShapeStyle::from(paint(*fill)).filled();
                area.draw(&Rectangle::new([(x0, y0), (x1, y1)], style))
                    .map_err(draw_error)?;
            }
            Shape::Line {
                points,
                color,
                width,
            } => {
                let style = ShapeStyle::from(paint(*color))
                    .stroke_width((width * k).round().max(1.0) as u32);
                let points: Vec<(i32, i32)> = points.iter().copied().map(at).collect();
                area.draw(&PathElement::new(points, style))
                    .map_err(draw_error)?;
            }
            Shape::Polygon { points, fill } => {
                let points: Vec<(i32, i32)> = points.iter().copied().map(at).collect();
                area.draw(&Polygon::new(
                    points,
                    ShapeStyle::from(paint(*fill)).filled(),
                ))
                .map_err(draw_error)?;
            }
            Shape::Circle {
                center,
                radius,
                fill,
                outline,
            } => {
                let c = at(*center);
                let r = (radius * k).round().max(1.0) as u32;
                area.draw(&Circle::new(c, r, ShapeStyle::from(paint(*fill)).filled()))
                    .map_err(draw_error)?;
                if let Some(o) = outline {
                    let stroke = k.round().max(1.0) as u32;
                    area.draw(&Circle::new(
                        c,
                        r,
                        ShapeStyle::from(rgb(*o)).stroke_width(stroke),
                    ))
                    .map_err(draw_error)?;
                }
            }
            Shape::Text(text) => draw_text(area, text, mode)?,
        }
    }
    Ok(())
}

fn draw_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &Text,
    mode: Mode,
) -> Result<(), ChartError> {
    let k = mode.scale;
    let size = text.size * k;
    let (x, y) = (text.x * k, text.y * k);
    let shift = (ASCENT - mode.baseline) * size;
    let color = rgb(text.color);
    let base = TextStyle::from(font(size, text.bold)).color(&color);
    let base = if text.vertical {
        base.transform(FontTransform::Rotate270)
    } else {
        base
    };
    let draw = |s: &str, pos: (i32, i32), h: HPos| {
        let style = base.pos(Pos::new(h, VPos::Top));
        area.draw(&plotters::element::Text::new(s, pos, style))
            .map_err(draw_error)
    };
    if !mode.glyphs {
        return if text.vertical {
            draw(&text.text, (px(x + shift), px(y)), HPos::Center)
        } else {
            let h = match text.align {
                Align::Start => HPos::Left,
                Align::Middle => HPos::Center,
                Align::End => HPos::Right,
            };
            draw(&text.text, (px(x), px(y + shift)), h)
        };
    }
    let (glyphs, width) = layout_glyphs(&text.text, size, text.bold);
    let mut buf = [0u8; 4];
    if text.vertical {
        // Read bottom to top, centred on y: the pen moves up from y + width / 2.
        let start = y + width / 2.0;
        for (c, offset) in glyphs {
            draw(
                c.encode_utf8(&mut buf),
                (px(x + shift), px(start - offset)),
                HPos::Left,
            )?;
        }
    } else {
        let start = match text.align {
            Align::Start => x,
            Align::Middle => x - width / 2.0,
            Align::End => x - width,
        };
        for (c, offset) in glyphs {
            draw(
                c.encode_utf8(&mut buf),
                (px(start + offset), px(y + shift)),
                HPos::Left,
            )?;
        }
    }
    Ok(())
}
