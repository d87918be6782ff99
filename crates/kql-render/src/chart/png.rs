//! A minimal PNG writer (8-bit RGB, one IDAT chunk) on top of flate2, which
//! the workspace already builds. The `png` and `image` crates would switch on
//! features of compression crates DataFusion depends on and rebuild it.

use flate2::Compression;
use flate2::write::ZlibEncoder;
use std::io::{self, Write};

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Writes `rgb` (`width * height * 3` bytes, rows top to bottom) as a PNG.
pub fn write_rgb(out: &mut dyn Write, width: u32, height: u32, rgb: &[u8]) -> io::Result<()> {
    let row = width as usize * 3;
    if rgb.len() != row * height as usize {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "pixel buffer does not match the image size",
        ));
    }
    out.write_all(SIGNATURE)?;
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, color type 2 (RGB), deflate, adaptive filtering, no interlace.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(out, b"IHDR", &header)?;

    let mut zlib = ZlibEncoder::new(Vec::new(), Compression::default());
    let mut filtered = vec![0u8; row + 1];
    for y in 0..height as usize {
        let line = &rgb[y * row..(y + 1) * row];
        // The "Sub" filter (each byte minus the pixel to its left) turns the
        // flat areas of a chart into runs of zeros, which deflate well.
        filtered[0] = 1;
        for (i, &b) in line.iter().enumerate() {
            let left = if i >= 3 { line[i - 3] } else { 0 };
            filtered[i + 1] = b.wrapping_sub(left);
        }
        zlib.write_all(&filtered)?;
    }
    chunk(out, b"IDAT", &zlib.finish()?)?;
    chunk(out, b"IEND", &[])
}

fn chunk(out: &mut dyn Write, kind: &[u8; 4], data: &[u8]) -> io::Result<()> {
    let len = u32::try_from(data.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "PNG chunk too large"))?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(kind)?;
    out.write_all(data)?;
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.write_all(&crc.sum().to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::ZlibDecoder;
    use std::io::Read;

    #[test]
    fn writes_a_well_formed_png() {
        let rgb: Vec<u8> = (0..2 * 2 * 3).map(|i| (i * 20) as u8).collect();
        let mut out = Vec::new();
        write_rgb(&mut out, 2, 2, &rgb).expect("encode");
        assert!(out.starts_with(SIGNATURE));
        assert_eq!(&out[12..16], b"IHDR");
        assert_eq!(
            u32::from_be_bytes(out[16..20].try_into().expect("4 bytes")),
            2
        );
        assert!(out.ends_with(&[0xAE, 0x42, 0x60, 0x82]), "IEND CRC");
        // Undo the Sub filter and compare.
        let idat_len = u32::from_be_bytes(out[33..37].try_into().expect("4 bytes")) as usize;
        let mut raw = Vec::new();
        ZlibDecoder::new(&out[41..41 + idat_len])
            .read_to_end(&mut raw)
            .expect("inflate");
        let mut decoded = Vec::new();
        for line in raw.chunks(7) {
            assert_eq!(line[0], 1);
            let mut row: Vec<u8> = Vec::new();
            for (i, &b) in line[1..].iter().enumerate() {
                let left = if i >= 3 { row[i - 3] } else { 0 };
                row.push(b.wrapping_add(left));
            }
            decoded.extend(row);
        }
        assert_eq!(decoded, rgb);
    }

    #[test]
    fn a_mismatched_buffer_is_an_error() {
        assert!(write_rgb(&mut Vec::new(), 3, 3, &[0; 5]).is_err());
    }
}
