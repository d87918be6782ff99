//! The load index: what opening a file learned, kept in the user's cache
//! folder so that the next load of the same, unchanged file skips it.
//!
//! Opening a table reads every record once to route it, settle the schema
//! and account for bad input; each query then reads the records it needs
//! again. Someone exploring a folder of logs runs query after query over
//! the same files, so the first pass is worth keeping: per file, the
//! tables its records went to, where each record is, the schema evidence
//! and every reported problem. An entry is used only for the same path,
//! size and modification time, the same table naming and the same format
//! version; anything else — a changed file, a damaged or foreign entry —
//! is read afresh, as if there were no index. Sources whose bytes are kept
//! in memory (embedded data, repaired text, damaged gzip) are not indexed.
//!
//! Layout of an entry: `KQLIDX01`, the length of a JSON header (u64 LE),
//! the header, then per table its records as (start u64, length u32,
//! mapping u8), little-endian.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::azure::{Known, Mapping};
use crate::infer::{ExtraStat, Issues, TableStats};
use crate::load::{Opened, Rec, Source, Tables};
use crate::source::{Body, Stamp};

const MAGIC: &[u8; 8] = b"KQLIDX01";
/// Bumped whenever what loading records, or how, changes.
const FORMAT: u64 = 1;
const REC_BYTES: usize = 13;

/// The folder entries live in: `KQL_CACHE_DIR`, else `$XDG_CACHE_HOME/kql`,
/// else `~/.cache/kql`; `None` when `KQL_CACHE` is `off` (or `0`, `false`,
/// `no`) or no folder is known.
pub fn cache_dir() -> Option<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(v) = env("KQL_CACHE") {
        let v = v.to_string_lossy().to_ascii_lowercase();
        if matches!(v.as_str(), "off" | "0" | "false" | "no") {
            return None;
        }
    }
    let base = env("KQL_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| env("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("kql")))
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".cache").join("kql")))?;
    Some(base.join("index"))
}

/// What identifies an entry besides the file's own state.
pub(crate) struct Key<'a> {
    /// The name the source goes by in reports, as the user gave it.
    pub label: &'a str,
    /// The file's canonical path: a relative path names another file from
    /// another folder.
    pub path: String,
    pub forced: Option<&'a str>,
    pub route: bool,
}

impl<'a> Key<'a> {
    pub(crate) fn new(
        label: &'a str,
        file: &Path,
        forced: Option<&'a str>,
        route: bool,
    ) -> Option<Key<'a>> {
        let path = std::fs::canonicalize(file).ok()?.to_str()?.to_owned();
        Some(Key {
            label,
            path,
            forced,
            route,
        })
    }

    fn file(&self, dir: &Path) -> PathBuf {
        use std::hash::Hasher;
        let mut h = crate::infer::Fnv::default();
        h.write(self.path.as_bytes());
        h.write(&[0xff, u8::from(self.route)]);
        if let Some(f) = self.forced {
            h.write(f.as_bytes());
        }
        dir.join(format!("{:016x}.idx", h.finish()))
    }

    fn header_matches(&self, h: &Value) -> bool {
        h["format"] == json!(FORMAT)
            && h["kql"] == json!(env!("CARGO_PKG_VERSION"))
            && h["path"] == json!(self.path)
            // Tables of records whose content names none come from the path
            // as given (its folders, its file name).
            && h["label"] == json!(self.label)
            && h["forced"] == json!(self.forced)
            && h["route"] == json!(self.route)
    }
}

fn mtime_ns(t: Option<SystemTime>) -> Option<String> {
    let d = t?.duration_since(UNIX_EPOCH).ok()?;
    Some(d.as_nanos().to_string())
}

/// The entry for `key`, if there is a valid one for the file as it is now;
/// its problems are attributed to source `src`.
pub(crate) fn get(dir: &Path, key: &Key<'_>, src: usize) -> Option<Opened> {
    let bytes = std::fs::read(key.file(dir)).ok()?;
    let rest = bytes.strip_prefix(MAGIC)?;
    let (len, rest) = rest.split_at_checked(8)?;
    let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
    let (header, mut recs) = rest.split_at_checked(len)?;
    let h: Value = serde_json::from_slice(header).ok()?;
    if !key.header_matches(&h) {
        return None;
    }
    let path = PathBuf::from(&key.path);
    let meta = std::fs::metadata(&path).ok()?;
    let modified = meta.modified().ok();
    if h["len"] != json!(meta.len()) || h["mtime"] != json!(mtime_ns(modified)?) {
        return None;
    }
    let stamp = Stamp {
        path,
        len: meta.len(),
        plain_len: h["plain_len"].as_u64()?,
        modified,
    };
    let body = if h["gzip"].as_bool()? {
        Body::Gz(stamp)
    } else {
        Body::File(stamp)
    };
    let mut tables = Tables::default();
    for t in h["tables"].as_array()? {
        let n = usize::try_from(t["records"].as_u64()?).ok()?;
        let (mine, more) = recs.split_at_checked(n.checked_mul(REC_BYTES)?)?;
        recs = more;
        let list = mine
            .chunks_exact(REC_BYTES)
            .map(decode_rec)
            .collect::<Option<Vec<Rec>>>()?;
        let entry = tables.entry(t["name"].as_str()?);
        entry.1 = decode_stats(t, src)?;
        entry.2 = list;
    }
    Some(Opened {
        source: Arc::new(Source {
            label: key.label.to_owned(),
            body,
            header: None,
        }),
        tables,
        skipped: decode_issues(&h["skipped"], src)?,
        values: decode_issues(&h["values"], src)?,
        notes: decode_issues(&h["notes"], src)?,
        home: h["home"].as_str()?.to_owned(),
    })
}

/// Stores what opening a file found. Failing to store is not an error:
/// the next load simply reads the file again.
pub(crate) fn put(dir: &Path, key: &Key<'_>, opened: &Opened) {
    let (stamp, gzip) = match &opened.source.body {
        Body::File(s) => (s, false),
        Body::Gz(s) => (s, true),
        Body::Mem(_) => return,
    };
    let Some(mtime) = mtime_ns(stamp.modified) else {
        return;
    };
    let mut recs = Vec::new();
    let tables: Vec<Value> = opened
        .tables
        .list
        .iter()
        .map(|(name, stats, list)| {
            for r in list {
                encode_rec(r, &mut recs);
            }
            let mut t = encode_stats(stats);
            t["name"] = json!(name);
            t["records"] = json!(list.len());
            t
        })
        .collect();
    let header = json!({
        "format": FORMAT,
        "kql": env!("CARGO_PKG_VERSION"),
        "path": key.path,
        "label": key.label,
        "forced": key.forced,
        "route": key.route,
        "len": stamp.len,
        "mtime": mtime,
        "gzip": gzip,
        "plain_len": stamp.plain_len,
        "home": opened.home,
        "skipped": encode_issues(&opened.skipped),
        "values": encode_issues(&opened.values),
        "notes": encode_issues(&opened.notes),
        "tables": tables,
    });
    let Ok(header) = serde_json::to_vec(&header) else {
        return;
    };
    let file = key.file(dir);
    // Written aside and renamed into place, so a reader never sees half an
    // entry and concurrent loads of the same file do not clash.
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    let written = std::fs::create_dir_all(dir).and_then(|_| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        f.write_all(MAGIC)?;
        f.write_all(&(header.len() as u64).to_le_bytes())?;
        f.write_all(&header)?;
        f.write_all(&recs)?;
        f.into_inner().map_err(|e| e.into_error())?.sync_all()
    });
    if written.and_then(|_| std::fs::rename(&tmp, &file)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

fn mapping_code(m: Mapping) -> u8 {
    match m {
        Mapping::Generic => 0,
        Mapping::Export(k) => 1 + k.index() as u8,
        Mapping::Raw(k) => 1 + Known::ALL.len() as u8 + k.index() as u8,
    }
}

fn mapping_of(code: u8) -> Option<Mapping> {
    let n = Known::ALL.len();
    match usize::from(code) {
        0 => Some(Mapping::Generic),
        c if c <= n => Some(Mapping::Export(Known::ALL[c - 1])),
        c if c <= 2 * n => Some(Mapping::Raw(Known::ALL[c - 1 - n])),
        _ => None,
    }
}

fn encode_rec(r: &Rec, out: &mut Vec<u8>) {
    out.extend_from_slice(&(r.start as u64).to_le_bytes());
    out.extend_from_slice(&r.len.to_le_bytes());
    out.push(mapping_code(r.mapping));
}

fn decode_rec(b: &[u8]) -> Option<Rec> {
    let start = usize::try_from(u64::from_le_bytes(b[0..8].try_into().ok()?)).ok()?;
    let len = u32::from_le_bytes(b[8..12].try_into().ok()?);
    start.checked_add(len as usize)?;
    Some(Rec {
        start,
        len,
        mapping: mapping_of(b[12])?,
    })
}

/// Lines and reasons; the source index is the loading one, given back on
/// reading.
fn encode_issues(issues: &Issues) -> Value {
    let list: Vec<Value> = issues
        .list
        .iter()
        .map(|(_, line, reason)| json!([line, reason]))
        .collect();
    json!({ "count": issues.count, "list": list })
}

fn decode_issues(v: &Value, src: usize) -> Option<Issues> {
    let mut list = Vec::new();
    for item in v["list"].as_array()? {
        let line = usize::try_from(item[0].as_u64()?).ok()?;
        list.push((src, line, item[1].as_str()?.to_owned()));
    }
    Some(Issues {
        list,
        count: usize::try_from(v["count"].as_u64()?).ok()?,
    })
}

fn encode_stats(stats: &TableStats) -> Value {
    let extras: Vec<Value> = stats
        .extras
        .iter()
        .map(|e| {
            json!({
                "name": e.name,
                "diag": e.diag,
                "declared": e.declared.map(|t| t.name()),
                "bits": e.bits,
                "first": e.first.iter().map(|f| f.map(|(_, line)| line)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "known": stats.known.iter().map(|k| k.index()).collect::<Vec<_>>(),
        "extras": extras,
        "value_issues": encode_issues(&stats.value_issues),
        "stat_notes": encode_issues(&stats.notes),
    })
}

fn decode_stats(t: &Value, src: usize) -> Option<TableStats> {
    let known = t["known"]
        .as_array()?
        .iter()
        .map(|k| Known::ALL.get(usize::try_from(k.as_u64()?).ok()?).copied())
        .collect::<Option<Vec<_>>>()?;
    let mut extras = Vec::new();
    for e in t["extras"].as_array()? {
        let mut first = [None; 9];
        for (slot, f) in first.iter_mut().zip(e["first"].as_array()?) {
            *slot = match f.as_u64() {
                Some(line) => Some((src, usize::try_from(line).ok()?)),
                None => None,
            };
        }
        extras.push(ExtraStat {
            name: e["name"].as_str()?.to_owned(),
            diag: e["diag"].as_bool()?,
            declared: match e["declared"].as_str() {
                Some(name) => Some(kql_functions::KustoType::from_name(name)?),
                None => None,
            },
            bits: u16::try_from(e["bits"].as_u64()?).ok()?,
            first,
        });
    }
    Some(TableStats::rebuild(
        known,
        extras,
        decode_issues(&t["value_issues"], src)?,
        decode_issues(&t["stat_notes"], src)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_round_trip() {
        let mut all = vec![Mapping::Generic];
        for k in Known::ALL {
            all.push(Mapping::Export(k));
            all.push(Mapping::Raw(k));
        }
        for m in all {
            assert_eq!(mapping_of(mapping_code(m)), Some(m));
        }
        assert_eq!(mapping_of(200), None);
    }
}
