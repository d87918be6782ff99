//! Getting a source's bytes into memory, decompressed.

use std::io::Read;
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::{IngestError, SourceData};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Reads a source once. Gzip is recognised by content rather than by the
/// `.gz` suffix so that embedded bytes and misnamed files work too; the
/// multi-member decoder accepts concatenated gzip streams, which is what
/// appending to a `.gz` log file produces.
pub(crate) fn load(src: &SourceData) -> Result<Arc<[u8]>, IngestError> {
    let raw: Arc<[u8]> = match src {
        SourceData::File(path) => std::fs::read(path)
            .map_err(|source| IngestError::Io {
                path: path.clone(),
                source,
            })?
            .into(),
        SourceData::Bytes { data, .. } => Arc::clone(data),
    };
    if !raw.starts_with(&GZIP_MAGIC) {
        return Ok(raw);
    }
    let mut out = Vec::new();
    MultiGzDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .map_err(|source| IngestError::Gzip {
            input: src.label(),
            source,
        })?;
    Ok(out.into())
}
