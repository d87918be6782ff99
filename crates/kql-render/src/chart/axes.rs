//! Choosing the axes of a cartesian chart from its data and properties:
//! the x axis by the kind of x values, y axes over the values shown (with
//! zero included where bars and areas need a baseline, `ymin`/`ymax`
//! honoured, log scales where asked).

use super::data::{ChartData, XKind};
use super::props::ChartProps;
use super::scale::Axis;
use super::style::Style;

/// The x axis for `data`, sized for a plot about `width` pixels wide.
pub fn x_axis(data: &ChartData, props: &ChartProps, width: f64, style: &Style) -> Axis {
    let target = ((width / (style.text * 7.0)) as usize).clamp(2, 14);
    if data.x_kind == XKind::Category {
        return Axis::categories(&data.categories);
    }
    let xs = data
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(data.ladder.iter().flat_map(|b| [b.start, b.end]));
    let (lo, hi) = min_max(xs, props.xlog && data.x_kind != XKind::Time);
    match data.x_kind {
        XKind::Time => Axis::time(lo.unwrap_or(0.0), hi.unwrap_or(0.0), target),
        _ if props.xlog => Axis::log(lo.unwrap_or(1.0), hi.unwrap_or(10.0), target, ""),
        XKind::Timespan(unit) => Axis::linear(
            lo.unwrap_or(0.0),
            hi.unwrap_or(1.0),
            target,
            true,
            unit.suffix(),
        ),
        _ => Axis::linear(lo.unwrap_or(0.0), hi.unwrap_or(1.0), target, true, ""),
    }
}

/// Where an x value sits on the x axis: categories are bands, their points
/// in the middle.
pub fn x_position(kind: XKind, x: f64) -> f64 {
    if kind == XKind::Category { x + 0.5 } else { x }
}

/// A y axis over `values`, about `length` pixels long.
pub fn y_axis(
    values: impl Iterator<Item = f64>,
    props: &ChartProps,
    include_zero: bool,
    length: f64,
    style: &Style,
    suffix: &str,
) -> Axis {
    let target = ((length / (style.text * 3.2)) as usize).clamp(2, 10);
    let (lo, hi) = min_max(values, props.ylog);
    if props.ylog {
        let lo = props.ymin.filter(|v| *v > 0.0).or(lo).unwrap_or(1.0);
        let hi = props.ymax.filter(|v| *v > 0.0).or(hi).unwrap_or(10.0);
        let mut axis = Axis::log(lo.min(hi), hi.max(lo), target, suffix);
        clamp_to(
            &mut axis,
            props.ymin.filter(|v| *v > 0.0),
            props.ymax.filter(|v| *v > 0.0),
        );
        return axis;
    }
    let (mut lo, mut hi) = (lo.unwrap_or(0.0), hi.unwrap_or(1.0));
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let lo = props.ymin.unwrap_or(lo);
    let hi = props.ymax.unwrap_or(hi);
    let mut axis = Axis::linear(lo.min(hi), hi.max(lo), target, true, suffix);
    clamp_to(&mut axis, props.ymin, props.ymax);
    axis
}

/// `ymin`/`ymax` are exact ends, not rounded out to the next tick.
fn clamp_to(axis: &mut Axis, lo: Option<f64>, hi: Option<f64>) {
    if let Some(lo) = lo
        && lo < axis.hi
    {
        axis.lo = lo;
    }
    if let Some(hi) = hi
        && hi > axis.lo
    {
        axis.hi = hi;
    }
    let (lo, hi) = (axis.lo, axis.hi);
    let eps = (hi - lo).abs() * 1e-9;
    axis.ticks
        .retain(|t| t.value >= lo - eps && t.value <= hi + eps);
}

/// The smallest and largest finite value (only positive ones for log scales).
pub fn min_max(values: impl Iterator<Item = f64>, positive: bool) -> (Option<f64>, Option<f64>) {
    let mut lo: Option<f64> = None;
    let mut hi: Option<f64> = None;
    for v in values {
        if !v.is_finite() || (positive && v <= 0.0) {
            continue;
        }
        lo = Some(lo.map_or(v, |l| l.min(v)));
        hi = Some(hi.map_or(v, |h| h.max(v)));
    }
    (lo, hi)
}
