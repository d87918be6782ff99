//! Getting a source's bytes into memory: decompressed, and valid UTF-8.

use std::io::Read;
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::{IngestError, SourceData};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A source's bytes and what had to be done to them.
#[derive(Debug)]
pub(crate) struct Raw {
    pub data: Arc<[u8]>,
    /// Set when decompression stopped early: the bytes before the damage
    /// are kept, and this says what was lost.
    pub truncated: Option<String>,
    /// Lines where bytes that are not UTF-8 were replaced by U+FFFD.
    pub replaced: Vec<usize>,
}

/// Reads a source once. Gzip is recognised by content rather than by the
/// `.gz` suffix so that embedded bytes and misnamed files work too; the
/// multi-member decoder accepts concatenated gzip streams, which is what
/// appending to a `.gz` log file produces.
pub(crate) fn load(src: &SourceData) -> Result<Raw, IngestError> {
    let raw: Arc<[u8]> = match src {
        SourceData::File(path) => std::fs::read(path)
            .map_err(|source| IngestError::Io {
                path: path.clone(),
                source,
            })?
            .into(),
        SourceData::Bytes { data, .. } => Arc::clone(data),
    };
    let (data, truncated) = if raw.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::new();
        // `read_to_end` keeps what it decoded before an error: a blob cut off
        // mid-upload still yields its complete records.
        let truncated = MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .err()
            .map(|e| {
                format!(
                    "gzip data is damaged or cut off ({e}); read the {} bytes before the damage, \
                     anything after it is lost",
                    out.len()
                )
            });
        (Arc::from(out), truncated)
    } else {
        (raw, None)
    };
    let (data, replaced) = repair_utf8(data);
    Ok(Raw {
        data,
        truncated,
        replaced,
    })
}

/// Replaces bytes that are not UTF-8 (a log written in Latin-1, a cut
/// multi-byte character) by U+FFFD so that the rest of their record is
/// still read, and says on which lines that happened.
fn repair_utf8(data: Arc<[u8]>) -> (Arc<[u8]>, Vec<usize>) {
    if std::str::from_utf8(&data).is_ok() {
        return (data, Vec::new());
    }
    let mut out = Vec::with_capacity(data.len() + 64);
    let mut lines = Vec::new();
    let mut line = 1;
    for chunk in data.utf8_chunks() {
        let valid = chunk.valid().as_bytes();
        line += valid.iter().filter(|&&b| b == b'\n').count();
        out.extend_from_slice(valid);
        if !chunk.invalid().is_empty() {
            out.extend_from_slice("\u{FFFD}".as_bytes());
            if lines.last() != Some(&line) {
                lines.push(line);
            }
        }
    }
    (out.into(), lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_replaced_per_line() {
        let (data, lines) = repair_utf8(Arc::from(
            &b"{\"a\":\"ok\"}\n{\"a\":\"M\xfcller\xff\"}\n"[..],
        ));
        assert_eq!(lines, vec![2]);
        assert_eq!(
            std::str::from_utf8(&data).unwrap(),
            "{\"a\":\"ok\"}\n{\"a\":\"M\u{FFFD}ller\u{FFFD}\"}\n"
        );
    }
}
