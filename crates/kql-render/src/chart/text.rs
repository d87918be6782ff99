//! The embedded font and text measurement. DejaVu Sans (see
//! `crates/kql-render/FONT-LICENSE.txt`) is compiled into the binary and
//! registered with plotters' ab_glyph renderer as `sans-serif`, so charts
//! render the same on a machine with no fonts installed.

use ab_glyph::{Font, FontRef, ScaleFont};
use plotters::style::{FontDesc, FontFamily, FontStyle, register_font};
use std::sync::OnceLock;

struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn fonts() -> Option<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                regular: FontRef::try_from_slice(dejavu::sans::regular()).ok()?,
                bold: FontRef::try_from_slice(dejavu::sans::bold()).ok()?,
            })
        })
        .as_ref()
}

/// Registers the embedded fonts with plotters once; false if the font data
/// was unusable (a packaging bug, reported as an error by the caller).
pub fn ensure_fonts() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| {
        fonts().is_some()
            && register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold()).is_ok()
    })
}

pub fn font(size: f64, bold: bool) -> FontDesc<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::SansSerif, size, style)
}

/// Each visible glyph of `text` with where its outline's box starts along the
/// line, and the width of the whole line. plotters' ab_glyph renderer puts a
/// glyph's box at the pen position, dropping its left side bearing (which
/// spreads `1.5` into `1 .5`), so the bitmap backend draws glyph by glyph at
/// these offsets instead.
pub fn layout_glyphs(text: &str, size: f64, bold: bool) -> (Vec<(char, f64)>, f64) {
    let Some(fonts) = fonts() else {
        return (Vec::new(), 0.0);
    };
    let font = if bold { &fonts.bold } else { &fonts.regular };
    let scaled = font.as_scaled(size as f32);
    let mut pen = 0.0f32;
    let mut previous = None;
    let mut glyphs = Vec::new();
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            pen += scaled.kern(p, id);
        }
        previous = Some(id);
        let glyph = id.with_scale_and_position(scaled.scale(), ab_glyph::point(pen.round(), 0.0));
        if let Some(outline) = font.outline_glyph(glyph) {
            glyphs.push((c, f64::from(outline.px_bounds().min.x)));
        }
        pen += scaled.h_advance(id);
    }
    (glyphs, f64::from(pen))
}

/// Width of `text` in pixels at `size` (the line height in pixels).
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    if text.is_empty() {
        return 0.0;
    }
    let Some(fonts) = fonts() else {
        // Without a font there is nothing better than a typical glyph width.
        return text.chars().count() as f64 * size * 0.55;
    };
    let font = if bold { &fonts.bold } else { &fonts.regular };
    let scaled = font.as_scaled(size as f32);
    let mut width = 0.0f32;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            width += scaled.kern(p, id);
        }
        previous = Some(id);
        width += scaled.h_advance(id);
    }
    f64::from(width)
}

/// `text` shortened with an ellipsis to fit `max_width` pixels.
pub fn fit(text: &str, max_width: f64, size: f64, bold: bool) -> String {
    // Control characters (newlines in labels) would draw as boxes.
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // Half a pixel of slack: widths measured once and compared again after
    // adding and removing padding must not lose a character to rounding.
    let max_width = max_width + 0.5;
    if text_width(&clean, size, bold) <= max_width {
        return clean;
    }
    let chars: Vec<char> = clean.chars().collect();
    // Binary search on the number of characters kept before the ellipsis.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "…";
        if text_width(&candidate, size, bold) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        if text_width("…", size, bold) <= max_width {
            "…".to_owned()
        } else {
            String::new()
        }
    } else {
        chars[..lo].iter().collect::<String>().trim_end().to_owned() + "…"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_measures_text() {
        assert!(ensure_fonts());
        let narrow = text_width("ii", 14.0, false);
        let wide = text_width("WW", 14.0, false);
        assert!(narrow > 0.0 && wide > narrow);
        assert!(text_width("WW", 14.0, true) >= wide);
    }

    #[test]
    fn glyphs_keep_their_side_bearings() {
        let (glyphs, width) = layout_glyphs("1.5", 20.0, false);
        assert_eq!(glyphs.len(), 3);
        let dot = glyphs[1].1;
        // The period sits inside its advance, not at its start.
        assert!(dot > text_width("1", 20.0, false), "{glyphs:?}");
        assert!((width - text_width("1.5", 20.0, false)).abs() < 1e-6);
        assert!(layout_glyphs("a b", 20.0, false).0.len() == 2);
    }

    #[test]
    fn long_text_is_shortened_with_an_ellipsis() {
        let long = "a-very-long-api-name-that-goes-on-and-on";
        let short = fit(long, 80.0, 12.0, false);
        assert!(short.ends_with('…') && short.len() < long.len());
        assert!(text_width(&short, 12.0, false) <= 80.0);
        assert_eq!(fit("ok", 80.0, 12.0, false), "ok");
        assert_eq!(fit("line\nbreak", 500.0, 12.0, false), "line break");
        assert_eq!(fit("abc", 0.0, 12.0, false), "");
    }
}
