//! Mapping files and folders to table names.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::IngestError;

const EXTENSIONS: [&str; 4] = [".json", ".jsonl", ".ndjson", ".csv"];
const GZ: &str = ".gz";

/// The tables under `path`, as `(table name, files)` sorted by name, files
/// sorted by path, so that registration order and row order are reproducible.
///
/// * A file is one table named after its stem: `.gz`, then one of
///   `.json`/`.jsonl`/`.ndjson` are stripped (case-insensitively), e.g.
///   `ApiManagementGatewayLogs.json.gz` → `ApiManagementGatewayLogs`. A file
///   named explicitly is taken whatever its extension (only the last one is
///   stripped then).
/// * A folder is walked recursively for `*.json`, `*.jsonl`, `*.ndjson`,
///   `*.csv` (optionally `.gz`); files with the same stem, in any subfolder, form one
///   table. Hidden entries (`.name`) are skipped, and symbolic links to
///   folders are not followed, which rules out cycles.
pub fn discover(path: &Path) -> Result<Vec<(String, Vec<PathBuf>)>, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(io)?;
    if !meta.is_dir() {
        let name = file_name(path);
        let stem = table_name(&name).unwrap_or_else(|| {
            path.file_stem()
                .map_or_else(|| name.clone(), |s| s.to_string_lossy().into_owned())
        });
        return Ok(vec![(stem, vec![path.to_path_buf()])]);
    }
    let mut tables: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    walk(path, &mut tables)?;
    if tables.is_empty() {
        return Err(IngestError::NoData {
            what: format!("{} (no .json/.jsonl/.ndjson/.csv files)", path.display()),
        });
    }
    Ok(tables
        .into_iter()
        .map(|(name, mut files)| {
            files.sort();
            (name, files)
        })
        .collect())
}

/// Every log file under `path` (or `path` itself when it is a file), sorted,
/// for [`load`](crate::load) to route by content: a storage container holds
/// thousands of `PT1H.json` blobs whose names say nothing about their tables.
pub fn find_files(path: &Path) -> Result<Vec<PathBuf>, IngestError> {
    let mut files: Vec<PathBuf> = discover(path)?
        .into_iter()
        .flat_map(|(_, files)| files)
        .collect();
    files.sort();
    Ok(files)
}

fn walk(dir: &Path, tables: &mut BTreeMap<String, Vec<PathBuf>>) -> Result<(), IngestError> {
    let io = |source| IngestError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let name = file_name(&path);
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type().map_err(io)?;
        if kind.is_dir() {
            walk(&path, tables)?;
            continue;
        }
        // A symlink counts as a file only if it resolves to one.
        let is_file = kind.is_file() || (kind.is_symlink() && path.is_file());
        if let Some(stem) = table_name(&name).filter(|_| is_file) {
            tables.entry(stem).or_default().push(path);
        }
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// The table name for a file name with a log extension, else `None`.
pub(crate) fn table_name(name: &str) -> Option<String> {
    let name = strip_suffix_ci(name, GZ).unwrap_or(name);
    EXTENSIONS
        .iter()
        .find_map(|ext| strip_suffix_ci(name, ext))
        .filter(|stem| !stem.is_empty())
        .map(str::to_owned)
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            table_name("ApiManagementGatewayLogs.json.gz").as_deref(),
            Some("ApiManagementGatewayLogs")
        );
        assert_eq!(table_name("a.JSONL").as_deref(), Some("a"));
        assert_eq!(table_name("a.ndjson").as_deref(), Some("a"));
        assert_eq!(table_name("a.b.json").as_deref(), Some("a.b"));
        assert_eq!(table_name("a.gz"), None);
        assert_eq!(table_name("a.txt"), None);
        assert_eq!(table_name(".json"), None);
        assert_eq!(table_name("é.json").as_deref(), Some("é"));
        assert_eq!(table_name("ééé"), None);
    }
}
