//! Series colors. The first ten follow the hues of the Azure portal's charts
//! (blue, orange, green, red, purple, …); the next ten are darker or lighter
//! companions picked to stay apart from all of them, so up to twenty series
//! remain distinguishable before the rest are folded into "other".

use super::scene::Rgb;

pub const PALETTE: [Rgb; 20] = [
    Rgb(0, 120, 212),   // blue
    Rgb(255, 140, 0),   // orange
    Rgb(16, 124, 16),   // green
    Rgb(209, 52, 56),   // red
    Rgb(135, 100, 184), // purple
    Rgb(0, 183, 195),   // cyan
    Rgb(227, 0, 140),   // magenta
    Rgb(152, 111, 11),  // ochre
    Rgb(105, 121, 126), // slate
    Rgb(140, 189, 24),  // lime
    Rgb(0, 59, 115),    // navy
    Rgb(202, 80, 16),   // rust
    Rgb(0, 91, 80),     // pine
    Rgb(117, 11, 28),   // wine
    Rgb(79, 107, 237),  // periwinkle
    Rgb(3, 131, 135),   // teal
    Rgb(234, 163, 186), // rose
    Rgb(194, 156, 0),   // gold
    Rgb(92, 46, 145),   // violet
    Rgb(50, 50, 50),    // charcoal
];

/// Series folded into the background (more series than colors).
pub const FOLDED: Rgb = Rgb(200, 198, 196);

/// Markers for anomalies.
pub const ANOMALY: Rgb = Rgb(232, 17, 35);

pub fn color(slot: usize) -> Rgb {
    PALETTE[slot % PALETTE.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Squared distance in RGB, weighted for how the eye sees green and red.
    fn distance(a: Rgb, b: Rgb) -> f64 {
        let d = |x: u8, y: u8| f64::from(x) - f64::from(y);
        2.0 * d(a.0, b.0).powi(2) + 4.0 * d(a.1, b.1).powi(2) + 3.0 * d(a.2, b.2).powi(2)
    }

    #[test]
    fn colors_are_distinct_from_each_other_and_the_background() {
        for (i, &a) in PALETTE.iter().enumerate() {
            assert!(
                distance(a, Rgb(255, 255, 255)) > 20_000.0,
                "color {i} too close to white"
            );
            assert!(
                distance(a, FOLDED) > 5_000.0,
                "color {i} too close to the folded gray"
            );
            for (j, &b) in PALETTE.iter().enumerate().skip(i + 1) {
                assert!(distance(a, b) > 5_000.0, "colors {i} and {j} are too alike");
            }
        }
    }
}
