//! Getting a source's bytes into memory: decompressed, and valid UTF-8 —
//! once to open a table, and again, piece by piece, for each scan ([`Body`]).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use flate2::read::MultiGzDecoder;

use crate::{IngestError, SourceData};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A source's bytes and what had to be done to them.
#[derive(Debug)]
pub(crate) struct Raw {
    pub data: Bytes,
    /// Set when decompression stopped early: the bytes before the damage
    /// are kept, and this says what was lost.
    pub truncated: Option<String>,
    /// Lines where bytes that are not UTF-8 were replaced by U+FFFD.
    pub replaced: Vec<usize>,
    /// The source was gzip-compressed.
    pub gzip: bool,
}

/// Reads a source once. Gzip is recognised by content rather than by the
/// `.gz` suffix so that embedded bytes and misnamed files work too; the
/// multi-member decoder accepts concatenated gzip streams, which is what
/// appending to a `.gz` log file produces.
pub(crate) fn load(src: &SourceData) -> Result<Raw, IngestError> {
    let raw = match src {
        SourceData::File(path) => {
            let mut buf = pool::take();
            File::open(path)
                .and_then(|mut f| f.read_to_end(&mut buf))
                .map_err(|source| IngestError::Io {
                    path: path.clone(),
                    source,
                })?;
            Bytes::Pooled(buf)
        }
        SourceData::Bytes { data, .. } => Bytes::Shared(Arc::clone(data)),
    };
    let gzip = raw.starts_with(&GZIP_MAGIC);
    let (data, truncated) = if gzip {
        let mut out = pool::take();
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
        raw.recycle();
        (Bytes::Pooled(out), truncated)
    } else {
        (raw, None)
    };
    let (data, replaced) = repair_utf8(data);
    Ok(Raw {
        data,
        truncated,
        replaced,
        gzip,
    })
}

/// Where a scan finds a source's bytes again. Opening a table reads every
/// source once; keeping those bytes would make memory grow with the input,
/// so a plain file is read again by byte range and a gzip file is
/// decompressed again, both from the file (usually still in the OS page
/// cache). Bytes that cannot be found again as they were read — embedded
/// data, text whose bad UTF-8 was repaired, a damaged gzip stream — stay in
/// memory.
#[derive(Debug)]
pub(crate) enum Body {
    Mem(Arc<[u8]>),
    File(Stamp),
    Gz(Stamp),
}

/// A file as it was when its table was opened. Spans of records are only
/// meaningful in those bytes, so a file that changed since is refused.
#[derive(Debug)]
pub(crate) struct Stamp {
    pub path: PathBuf,
    /// Size on disk, and for gzip the decompressed size too.
    pub len: u64,
    pub plain_len: u64,
    pub modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path, plain_len: u64) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            path: path.to_owned(),
            len: meta.len(),
            plain_len,
            modified: meta.modified().ok(),
        })
    }

    fn check(&self, file: &File) -> Result<(), String> {
        let meta = file.metadata().map_err(|e| e.to_string())?;
        if meta.len() != self.len || meta.modified().ok() != self.modified {
            return Err(self.changed());
        }
        Ok(())
    }

    fn changed(&self) -> String {
        format!(
            "{} changed after it was loaded; load it again to query the new content",
            self.path.display()
        )
    }

    fn open(&self) -> Result<File, String> {
        let file = File::open(&self.path).map_err(|e| format!("{}: {e}", self.path.display()))?;
        self.check(&file)?;
        Ok(file)
    }
}

impl Body {
    /// How a scan will find `raw`'s bytes again: from the file when they are
    /// exactly what the file holds (after decompression).
    pub(crate) fn after_load(src: &SourceData, raw: &Raw) -> Body {
        let keep = || Body::Mem(raw.data.share());
        let SourceData::File(path) = src else {
            return keep();
        };
        if raw.truncated.is_some() || !raw.replaced.is_empty() {
            return keep();
        }
        match Stamp::of(path, raw.data.len() as u64) {
            Some(stamp) if raw.gzip => Body::Gz(stamp),
            Some(stamp) if stamp.len == stamp.plain_len => Body::File(stamp),
            _ => keep(),
        }
    }

    /// The size of the whole (decompressed) source.
    pub(crate) fn plain_len(&self) -> usize {
        match self {
            Body::Mem(data) => data.len(),
            Body::File(stamp) | Body::Gz(stamp) => stamp.plain_len as usize,
        }
    }

    /// Whether reading a range costs reading the whole source (gzip cannot
    /// seek), so a scan should read it once for all its records.
    pub(crate) fn whole_only(&self) -> bool {
        matches!(self, Body::Gz(_))
    }

    /// The bytes `range` of the (decompressed) source, and the offset they
    /// start at (a whole gzip source is returned from 0 whatever the range).
    pub(crate) fn read(&self, range: std::ops::Range<usize>) -> Result<Piece, String> {
        match self {
            Body::Mem(data) => Ok(Piece::Shared(Arc::clone(data))),
            Body::File(stamp) => {
                let mut file = stamp.open()?;
                let mut buf = pool::take();
                buf.resize(range.len(), 0);
                file.seek(SeekFrom::Start(range.start as u64))
                    .and_then(|_| file.read_exact(&mut buf))
                    .map_err(|e| format!("{}: {e}", stamp.path.display()))?;
                Ok(Piece::Owned {
                    bytes: buf,
                    base: range.start,
                })
            }
            Body::Gz(stamp) => {
                let file = stamp.open()?;
                let mut out = pool::take();
                out.reserve(stamp.plain_len as usize);
                MultiGzDecoder::new(std::io::BufReader::with_capacity(1 << 16, file))
                    .read_to_end(&mut out)
                    .map_err(|e| format!("{}: {e}", stamp.path.display()))?;
                if out.len() as u64 != stamp.plain_len {
                    return Err(stamp.changed());
                }
                Ok(Piece::Owned {
                    bytes: out,
                    base: 0,
                })
            }
        }
    }
}

/// Bytes of a source read for a scan: `get(start, end)` takes offsets in
/// the whole source.
pub(crate) enum Piece {
    Shared(Arc<[u8]>),
    Owned { bytes: Vec<u8>, base: usize },
}

impl Piece {
    /// Hands a buffer back for the next read on this thread.
    pub(crate) fn recycle(self) {
        if let Piece::Owned { bytes, .. } = self {
            pool::give_back(bytes);
        }
    }

    pub(crate) fn get(&self, start: usize, end: usize) -> Option<&[u8]> {
        match self {
            Piece::Shared(data) => data.get(start..end),
            Piece::Owned { bytes, base } => {
                bytes.get(start.checked_sub(*base)?..end.checked_sub(*base)?)
            }
        }
    }
}

/// Replaces bytes that are not UTF-8 (a log written in Latin-1, a cut
/// multi-byte character) by U+FFFD so that the rest of their record is
/// still read, and says on which lines that happened.
fn repair_utf8(data: Bytes) -> (Bytes, Vec<usize>) {
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
    data.recycle();
    (Bytes::Pooled(out), lines)
}

/// A source's bytes: shared (embedded data) or in a buffer of this thread's
/// pool.
#[derive(Debug)]
pub(crate) enum Bytes {
    Shared(Arc<[u8]>),
    Pooled(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Shared(a) => a,
            Bytes::Pooled(v) => v,
        }
    }
}

impl Bytes {
    /// The bytes as a shared copy, for a source that must stay in memory.
    pub(crate) fn share(&self) -> Arc<[u8]> {
        match self {
            Bytes::Shared(a) => Arc::clone(a),
            Bytes::Pooled(v) => Arc::from(&v[..]),
        }
    }

    /// Hands a pooled buffer back for the next source read on this thread.
    pub(crate) fn recycle(self) {
        if let Bytes::Pooled(v) = self {
            pool::give_back(v);
        }
    }
}

/// One reusable read buffer per thread. Sources and scan ranges are read
/// into buffers of several megabytes, one after another on each thread;
/// allocating each afresh makes the allocator keep freed ones around (a
/// large buffer freed raises glibc's mmap threshold, so the next ones come
/// from the heap and stay), which cost ~80 MB of peak memory on 1 GB of
/// logs. Reusing one buffer per thread bounds that to the largest read.
mod pool {
    use std::cell::RefCell;

    /// Buffers larger than this are freed rather than kept.
    const KEEP_AT_MOST: usize = 256 << 20;

    thread_local! {
        static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }

    pub(crate) fn take() -> Vec<u8> {
        BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()))
    }

    pub(crate) fn give_back(mut v: Vec<u8>) {
        if v.capacity() > KEEP_AT_MOST {
            return;
        }
        v.clear();
        BUFFER.with(|b| {
            let mut b = b.borrow_mut();
            if v.capacity() > b.capacity() {
                *b = v;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_replaced_per_line() {
        let (data, lines) = repair_utf8(Bytes::Shared(Arc::from(
            &b"{\"a\":\"ok\"}\n{\"a\":\"M\xfcller\xff\"}\n"[..],
        )));
        assert_eq!(lines, vec![2]);
        assert_eq!(
            std::str::from_utf8(&data).unwrap(),
            "{\"a\":\"ok\"}\n{\"a\":\"M\u{FFFD}ller\u{FFFD}\"}\n"
        );
    }
}
