//! Building small results by hand and looking at the charts drawn from them.
#![allow(dead_code)]

use datafusion::arrow::array::{
    ArrayRef, DurationNanosecondArray, Float64Array, Int64Array, LargeStringArray, RecordBatch,
    StringArray, TimestampNanosecondArray,
};
use datafusion::arrow::datatypes::{Field, Schema};
use kql_functions::visualization::Visualization;
use kql_render::chart::{ChartFormat, ChartInfo, ChartOptions, Rect, Rgb, palette};
use serde_json::Value;
use std::sync::Arc;

/// 2026-11-23T00:00:00Z in nanoseconds.
pub const DAY: i64 = 1_795_392_000_000_000_000;
pub const HOUR: i64 = 3_600_000_000_000;

pub struct Result {
    pub schema: Schema,
    pub batches: Vec<RecordBatch>,
}

pub fn result(columns: Vec<(&str, ArrayRef)>) -> Result {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, array)| Field::new(*name, array.data_type().clone(), true))
        .collect();
    let schema = Schema::new(fields);
    let arrays: Vec<ArrayRef> = columns.into_iter().map(|(_, a)| a).collect();
    let batch = RecordBatch::try_new(Arc::new(schema.clone()), arrays).expect("valid batch");
    Result {
        schema,
        batches: vec![batch],
    }
}

pub fn times(hours: &[i64]) -> ArrayRef {
    Arc::new(TimestampNanosecondArray::from(
        hours.iter().map(|h| DAY + h * HOUR).collect::<Vec<_>>(),
    ))
}

pub fn longs(values: &[i64]) -> ArrayRef {
    Arc::new(Int64Array::from(values.to_vec()))
}

pub fn reals(values: &[Option<f64>]) -> ArrayRef {
    Arc::new(Float64Array::from(values.to_vec()))
}

pub fn strings(values: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

pub fn dynamics(values: &[&str]) -> ArrayRef {
    Arc::new(LargeStringArray::from(values.to_vec()))
}

pub fn timespans(nanos: &[i64]) -> ArrayRef {
    Arc::new(DurationNanosecondArray::from(nanos.to_vec()))
}

pub fn vis(kind: &str, properties: &[(&str, Value)]) -> Visualization {
    Visualization {
        kind: kind.to_owned(),
        properties: properties
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    }
}

/// A decoded PNG.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Image {
    pub fn pixel(&self, x: u32, y: u32) -> Rgb {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        Rgb(self.rgb[i], self.rgb[i + 1], self.rgb[i + 2])
    }

    /// Pixels within `rect` whose color is within `tolerance` (per channel) of `color`.
    pub fn count(&self, rect: Rect, color: Rgb, tolerance: u8) -> usize {
        let x0 = rect.x0.max(0.0).ceil() as u32;
        let y0 = rect.y0.max(0.0).ceil() as u32;
        let x1 = (rect.x1.min(f64::from(self.width)).floor() as u32).min(self.width);
        let y1 = (rect.y1.min(f64::from(self.height)).floor() as u32).min(self.height);
        let near = |a: u8, b: u8| a.abs_diff(b) <= tolerance;
        let mut n = 0;
        for y in y0..y1 {
            for x in x0..x1 {
                let p = self.pixel(x, y);
                if near(p.0, color.0) && near(p.1, color.1) && near(p.2, color.2) {
                    n += 1;
                }
            }
        }
        n
    }

    pub fn whole(&self) -> Rect {
        Rect::new(0.0, 0.0, f64::from(self.width), f64::from(self.height))
    }
}

/// Decodes the 8-bit RGB, non-interlaced PNGs kql writes (any filter type).
pub fn decode_png(bytes: &[u8]) -> Image {
    use std::io::Read;
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let mut pos = 8;
    let (mut width, mut height) = (0u32, 0u32);
    let mut idat = Vec::new();
    let mut seen_end = false;
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().expect("length")) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = &bytes[pos + 8..pos + 8 + len];
        let crc = u32::from_be_bytes(
            bytes[pos + 8 + len..pos + 12 + len]
                .try_into()
                .expect("crc"),
        );
        let mut check = flate2::Crc::new();
        check.update(kind);
        check.update(data);
        assert_eq!(check.sum(), crc, "chunk CRC");
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().expect("width"));
                height = u32::from_be_bytes(data[4..8].try_into().expect("height"));
                assert_eq!(&data[8..13], &[8, 2, 0, 0, 0], "8-bit RGB, not interlaced");
            }
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => seen_end = true,
            _ => {}
        }
        pos += 12 + len;
    }
    assert!(seen_end && width > 0 && height > 0, "PNG structure");
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(idat.as_slice())
        .read_to_end(&mut raw)
        .expect("inflate IDAT");
    let row = width as usize * 3;
    assert_eq!(raw.len(), (row + 1) * height as usize, "scanline data size");
    let mut rgb = vec![0u8; row * height as usize];
    for y in 0..height as usize {
        let filter = raw[y * (row + 1)];
        let line = &raw[y * (row + 1) + 1..(y + 1) * (row + 1)];
        for i in 0..row {
            let a = if i >= 3 { rgb[y * row + i - 3] } else { 0 };
            let b = if y > 0 { rgb[(y - 1) * row + i] } else { 0 };
            let c = if y > 0 && i >= 3 {
                rgb[(y - 1) * row + i - 3]
            } else {
                0
            };
            let predictor = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                other => panic!("unknown PNG filter {other}"),
            };
            rgb[y * row + i] = line[i].wrapping_add(predictor);
        }
    }
    Image { width, height, rgb }
}

pub fn png_of(
    r: &Result,
    v: Option<&Visualization>,
    width: u32,
    height: u32,
) -> (ChartInfo, Image) {
    let mut out = Vec::new();
    let info = kql_render::write_chart(
        &mut out,
        &r.schema,
        &r.batches,
        v,
        ChartFormat::Png,
        ChartOptions { width, height },
    )
    .expect("chart drawn");
    (info, decode_png(&out))
}

pub fn svg_of(r: &Result, v: Option<&Visualization>) -> String {
    let mut out = Vec::new();
    kql_render::write_chart(
        &mut out,
        &r.schema,
        &r.batches,
        v,
        ChartFormat::Svg,
        ChartOptions::default(),
    )
    .expect("chart drawn");
    let text = String::from_utf8(out).expect("SVG is UTF-8");
    assert!(
        text.trim_start().starts_with("<svg"),
        "not an SVG: {}",
        &text[..text.len().min(200)]
    );
    assert!(text.trim_end().ends_with("</svg>"));
    text
}

/// Renders at 1280×720 and checks the basics every chart must have.
pub fn png(r: &Result, v: &Visualization) -> (ChartInfo, Image) {
    let (info, image) = png_of(r, Some(v), 1280, 720);
    assert_eq!((image.width, image.height), (1280, 720));
    (info, image)
}

/// Series color `slot` appears inside the first plot area (or on its edge,
/// where a line at the top of the range is drawn).
pub fn has_series(info: &ChartInfo, image: &Image, slot: usize) -> bool {
    let p = info.plots[0];
    let plot = Rect::new(p.x0 - 3.0, p.y0 - 3.0, p.x1 + 3.0, p.y1 + 3.0);
    image.count(plot, palette::color(slot), 12) >= 10
}

pub fn svg_hex(c: Rgb) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}
