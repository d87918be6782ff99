//! Sizes that scale with the image, so a 800×450 gallery chart and a
//! 1920×1080 report chart have the same proportions.

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Tick labels and legend text.
    pub text: f64,
    pub title: f64,
    pub axis_title: f64,
    /// Outer margin and gaps between parts.
    pub pad: f64,
    /// Series line width.
    pub line: f64,
}

impl Style {
    pub fn for_size(width: u32, height: u32) -> Style {
        let scale = (f64::from(width) / 1280.0)
            .min(f64::from(height) / 720.0)
            .clamp(0.45, 4.0);
        let text = (13.0 * scale).max(9.0);
        Style {
            text,
            title: (19.0 * scale).max(11.0),
            axis_title: (14.0 * scale).max(9.5),
            pad: (14.0 * scale).max(5.0),
            line: (2.0 * scale).clamp(1.0, 6.0),
        }
    }
}
