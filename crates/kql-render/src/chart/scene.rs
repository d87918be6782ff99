//! What a chart draws, as a list of shapes in pixels, before any backend sees
//! it. Charts are laid out once into a scene and the scene is replayed onto
//! PNG or SVG, so both formats show the same picture; shapes are clipped here
//! so no backend ever receives coordinates far outside the image.

use super::text::text_width;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// A color with opacity (1.0 opaque).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paint {
    pub rgb: Rgb,
    pub alpha: f64,
}

impl Rgb {
    pub const fn solid(self) -> Paint {
        Paint {
            rgb: self,
            alpha: 1.0,
        }
    }

    pub const fn alpha(self, alpha: f64) -> Paint {
        Paint { rgb: self, alpha }
    }
}

pub const WHITE: Rgb = Rgb(255, 255, 255);
pub const TEXT: Rgb = Rgb(50, 49, 48);
pub const MUTED: Rgb = Rgb(96, 94, 92);
pub const GRID: Rgb = Rgb(225, 223, 221);
pub const AXIS: Rgb = Rgb(161, 159, 157);

/// A rectangle in pixels, `x0 <= x1`, `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }

    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Shrinks by the given margins, never below zero size.
    pub fn inset(&self, left: f64, top: f64, right: f64, bottom: f64) -> Rect {
        let x0 = (self.x0 + left).min(self.x1);
        let y0 = (self.y0 + top).min(self.y1);
        Rect {
            x0,
            y0,
            x1: (self.x1 - right).max(x0),
            y1: (self.y1 - bottom).max(y0),
        }
    }

    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }

    fn intersect(&self, other: &Rect) -> Option<Rect> {
        let r = Rect {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        };
        (r.x1 > r.x0 && r.y1 > r.y0).then_some(r)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Start,
    Middle,
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub text: String,
    /// Horizontal text: `x` per `align` and `y` the top of the line box.
    /// Vertical text (read bottom to top): `x` the left of the line box and
    /// `y` the middle of the text.
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub bold: bool,
    pub color: Rgb,
    pub align: Align,
    pub vertical: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect {
        rect: Rect,
        fill: Paint,
    },
    Line {
        points: Vec<(f64, f64)>,
        color: Paint,
        width: f64,
    },
    Polygon {
        points: Vec<(f64, f64)>,
        fill: Paint,
    },
    Circle {
        center: (f64, f64),
        radius: f64,
        fill: Paint,
        outline: Option<Rgb>,
    },
    Text(Text),
}

/// The drawing of one chart, with where its plots ended up (for tests and notes).
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    pub shapes: Vec<Shape>,
    pub plots: Vec<Rect>,
}

impl Scene {
    pub fn new(width: u32, height: u32) -> Scene {
        Scene {
            width,
            height,
            shapes: vec![Shape::Rect {
                rect: Rect::new(0.0, 0.0, f64::from(width), f64::from(height)),
                fill: WHITE.solid(),
            }],
            plots: Vec::new(),
        }
    }

    fn bounds(&self) -> Rect {
        Rect::new(0.0, 0.0, f64::from(self.width), f64::from(self.height))
    }

    pub fn rect(&mut self, rect: Rect, fill: Paint) {
        if let Some(rect) = rect.intersect(&self.bounds()) {
            self.shapes.push(Shape::Rect { rect, fill });
        }
    }

    /// A polyline clipped to `clip`; a NaN coordinate breaks the line.
    pub fn line(&mut self, points: &[(f64, f64)], color: Paint, width: f64, clip: Rect) {
        // A line along the edge of the plot (a value at the top of the range)
        // stays whole rather than vanishing to rounding.
        let clip = Rect::new(
            clip.x0 - width / 2.0,
            clip.y0 - width / 2.0,
            clip.x1 + width / 2.0,
            clip.y1 + width / 2.0,
        );
        let mut current: Vec<(f64, f64)> = Vec::new();
        let flush = |current: &mut Vec<(f64, f64)>, shapes: &mut Vec<Shape>| {
            if current.len() >= 2 {
                shapes.push(Shape::Line {
                    points: std::mem::take(current),
                    color,
                    width,
                });
            }
            current.clear();
        };
        for pair in points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if !(finite(a) && finite(b)) {
                flush(&mut current, &mut self.shapes);
                continue;
            }
            match clip_segment(a, b, &clip) {
                Some((ca, cb)) => {
                    if current.last().is_none_or(|&last| !same(last, ca)) {
                        flush(&mut current, &mut self.shapes);
                        current.push(ca);
                    }
                    current.push(cb);
                    if !same(cb, b) {
                        flush(&mut current, &mut self.shapes);
                    }
                }
                None => flush(&mut current, &mut self.shapes),
            }
        }
        flush(&mut current, &mut self.shapes);
    }

    /// A filled polygon clipped to `clip`.
    pub fn polygon(&mut self, points: &[(f64, f64)], fill: Paint, clip: Rect) {
        if points.iter().any(|&p| !finite(p)) {
            return;
        }
        let clipped = clip_polygon(points, &clip);
        if clipped.len() >= 3 {
            self.shapes.push(Shape::Polygon {
                points: clipped,
                fill,
            });
        }
    }

    pub fn circle(
        &mut self,
        center: (f64, f64),
        radius: f64,
        fill: Paint,
        outline: Option<Rgb>,
        clip: Rect,
    ) {
        // A marker on the edge of the plot (a value at the top of the range) is kept.
        let clip = Rect::new(clip.x0 - 1.0, clip.y0 - 1.0, clip.x1 + 1.0, clip.y1 + 1.0);
        if finite(center) && clip.contains(center) {
            self.shapes.push(Shape::Circle {
                center,
                radius,
                fill,
                outline,
            });
        }
    }

    pub fn text(&mut self, text: Text) {
        if !text.text.is_empty() && text.x.is_finite() && text.y.is_finite() {
            self.shapes.push(Shape::Text(text));
        }
    }

    /// Left-to-right text with its line box top at `y`.
    pub fn label(&mut self, text: &str, x: f64, y: f64, size: f64, color: Rgb, align: Align) {
        self.text(Text {
            text: text.to_owned(),
            x,
            y,
            size,
            bold: false,
            color,
            align,
            vertical: false,
        });
    }

    /// A message in the middle of `area`, for charts with nothing to draw.
    pub fn notice(&mut self, area: Rect, message: &str, size: f64) {
        let message = super::text::fit(message, area.width() - 8.0, size, false);
        let x = (area.x0 + area.x1) / 2.0;
        let y = (area.y0 + area.y1) / 2.0 - size / 2.0;
        self.label(&message, x, y, size, MUTED, Align::Middle);
    }
}

fn finite((x, y): (f64, f64)) -> bool {
    x.is_finite() && y.is_finite()
}

fn same(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
}

/// Liang–Barsky: the part of segment `a`–`b` inside `r`.
fn clip_segment(a: (f64, f64), b: (f64, f64), r: &Rect) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let mut t0 = 0.0f64;
    let mut t1 = 1.0f64;
    for (p, q) in [
        (-dx, a.0 - r.x0),
        (dx, r.x1 - a.0),
        (-dy, a.1 - r.y0),
        (dy, r.y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| (a.0 + t * dx, a.1 + t * dy);
    Some((
        if t0 > 0.0 { at(t0) } else { a },
        if t1 < 1.0 { at(t1) } else { b },
    ))
}

/// Sutherland–Hodgman against the four sides of `r`.
fn clip_polygon(points: &[(f64, f64)], r: &Rect) -> Vec<(f64, f64)> {
    type Inside = fn((f64, f64), &Rect) -> bool;
    type Cross = fn((f64, f64), (f64, f64), &Rect) -> (f64, f64);
    let edges: [(Inside, Cross); 4] = [
        (
            |p, r| p.0 >= r.x0,
            |a, b, r| {
                let t = if b.0 == a.0 {
                    0.0
                } else {
                    (r.x0 - a.0) / (b.0 - a.0)
                };
                (r.x0, a.1 + t * (b.1 - a.1))
            },
        ),
        (
            |p, r| p.0 <= r.x1,
            |a, b, r| {
                let t = if b.0 == a.0 {
                    0.0
                } else {
                    (r.x1 - a.0) / (b.0 - a.0)
                };
                (r.x1, a.1 + t * (b.1 - a.1))
            },
        ),
        (
            |p, r| p.1 >= r.y0,
            |a, b, r| {
                let t = if b.1 == a.1 {
                    0.0
                } else {
                    (r.y0 - a.1) / (b.1 - a.1)
                };
                (a.0 + t * (b.0 - a.0), r.y0)
            },
        ),
        (
            |p, r| p.1 <= r.y1,
            |a, b, r| {
                let t = if b.1 == a.1 {
                    0.0
                } else {
                    (r.y1 - a.1) / (b.1 - a.1)
                };
                (a.0 + t * (b.0 - a.0), r.y1)
            },
        ),
    ];
    let mut out = points.to_vec();
    for (inside, cross) in edges {
        if out.is_empty() {
            break;
        }
        let input = std::mem::take(&mut out);
        let mut prev = input[input.len() - 1];
        for &cur in &input {
            match (inside(cur, r), inside(prev, r)) {
                (true, true) => out.push(cur),
                (true, false) => {
                    out.push(cross(prev, cur, r));
                    out.push(cur);
                }
                (false, true) => out.push(cross(prev, cur, r)),
                (false, false) => {}
            }
            prev = cur;
        }
    }
    out
}

/// Width of `text` in pixels at `size`, for layout.
pub fn measure(text: &str, size: f64, bold: bool) -> f64 {
    text_width(text, size, bold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_clipped_to_the_rectangle() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        assert_eq!(
            clip_segment((-10.0, 5.0), (20.0, 5.0), &r),
            Some(((0.0, 5.0), (10.0, 5.0)))
        );
        assert_eq!(clip_segment((-10.0, -5.0), (-1.0, -5.0), &r), None);
        assert_eq!(
            clip_segment((2.0, 2.0), (3.0, 3.0), &r),
            Some(((2.0, 2.0), (3.0, 3.0)))
        );
    }

    #[test]
    fn polygons_are_clipped_to_the_rectangle() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        let p = clip_polygon(
            &[(-5.0, -5.0), (15.0, -5.0), (15.0, 15.0), (-5.0, 15.0)],
            &r,
        );
        assert_eq!(p.len(), 4);
        assert!(p.iter().all(|&q| r.contains(q)));
        assert!(clip_polygon(&[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], &r).is_empty());
    }

    #[test]
    fn lines_break_at_gaps_and_leave_the_plot() {
        let mut s = Scene::new(100, 100);
        let clip = Rect::new(0.0, 0.0, 50.0, 50.0);
        s.line(
            &[
                (1.0, 1.0),
                (10.0, 10.0),
                (f64::NAN, 1.0),
                (20.0, 20.0),
                (30.0, 30.0),
                (1e9, 30.0),
            ],
            Rgb(1, 2, 3).solid(),
            2.0,
            clip,
        );
        let lines: Vec<_> = s
            .shapes
            .iter()
            .filter_map(|sh| match sh {
                Shape::Line { points, .. } => Some(points.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(lines.len(), 2);
        // Clipped half a line width past the edge.
        assert_eq!(lines[1].last(), Some(&(51.0, 30.0)));
    }
}
