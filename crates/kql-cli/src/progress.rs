//! Progress on stderr for long work — reading a large folder, a query that
//! takes a while — only when stderr is a terminal: pipes, files and CI logs
//! get nothing, so scripts see exactly the messages they always saw.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Folders smaller than this load too fast for a bar to help.
const MIN_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes per load call: large enough to keep every core busy, small enough to move the bar.
const PART_BYTES: u64 = 64 * 1024 * 1024;
/// A query shows a spinner only after running this long.
const BUSY_AFTER: Duration = Duration::from_millis(800);

fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// A folder's files split into parts, with a bar counting their bytes.
pub struct FileProgress {
    bar: ProgressBar,
    parts: Vec<(Vec<PathBuf>, u64)>,
}

/// A progress bar for loading `path`, when stderr is a terminal and the files
/// are large enough to take a while; `None` otherwise (load in one go).
pub fn for_files(path: &Path) -> Option<FileProgress> {
    if !stderr_is_terminal() {
        return None;
    }
    let files = kql_engine::find_files(path).ok()?;
    let sized: Vec<(PathBuf, u64)> = files
        .into_iter()
        .map(|f| {
            let size = std::fs::metadata(&f).map_or(0, |m| m.len());
            (f, size)
        })
        .collect();
    let total: u64 = sized.iter().map(|(_, s)| s).sum();
    if total < MIN_BYTES {
        return None;
    }
    let parts = split(sized, PART_BYTES);
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "reading {prefix} {wide_bar} {binary_bytes}/{binary_total_bytes} ({eta} left)",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(path.display().to_string());
    Some(FileProgress { bar, parts })
}

/// Files in order, grouped into parts of at least `part_bytes` (the last may
/// be smaller), each with its total size.
fn split(files: Vec<(PathBuf, u64)>, part_bytes: u64) -> Vec<(Vec<PathBuf>, u64)> {
    let mut parts: Vec<(Vec<PathBuf>, u64)> = Vec::new();
    for (file, size) in files {
        match parts.last_mut() {
            Some((files, bytes)) if *bytes < part_bytes => {
                files.push(file);
                *bytes += size;
            }
            _ => parts.push((vec![file], size)),
        }
    }
    parts
}

impl FileProgress {
    /// The parts to load, each with its size in bytes.
    pub fn parts(&self) -> Vec<(Vec<PathBuf>, u64)> {
        self.parts.clone()
    }

    pub fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for FileProgress {
    fn drop(&mut self) {
        // A failed load must not leave a half-drawn bar above its error message.
        self.bar.finish_and_clear();
    }
}

/// A spinner that appears if the work outlives [`BUSY_AFTER`] and is wiped
/// when dropped, before the result is printed.
pub struct Busy {
    bar: ProgressBar,
    reveal: tokio::task::JoinHandle<()>,
}

/// A spinner for work in progress on a terminal stderr; `None` elsewhere.
/// Must be called inside a tokio runtime.
pub fn busy(message: &str) -> Option<Busy> {
    if !stderr_is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    let style = ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_message(message.to_string());
    let shown = bar.clone();
    let reveal = tokio::spawn(async move {
        tokio::time::sleep(BUSY_AFTER).await;
        shown.set_draw_target(ProgressDrawTarget::stderr());
        shown.enable_steady_tick(Duration::from_millis(120));
    });
    Some(Busy { bar, reveal })
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.reveal.abort();
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_grouped_in_order_into_parts_of_a_size() {
        let files: Vec<(PathBuf, u64)> = [("a", 5), ("b", 5), ("c", 20), ("d", 1), ("e", 1)]
            .into_iter()
            .map(|(n, s)| (PathBuf::from(n), s))
            .collect();
        let parts = split(files, 10);
        let shown: Vec<(Vec<&str>, u64)> = parts
            .iter()
            .map(|(f, s)| (f.iter().filter_map(|p| p.to_str()).collect(), *s))
            .collect();
        assert_eq!(
            shown,
            [(vec!["a", "b"], 10), (vec!["c"], 20), (vec!["d", "e"], 2)]
        );
        assert!(split(Vec::new(), 10).is_empty());
    }

    #[test]
    fn nothing_is_drawn_when_stderr_is_not_a_terminal() {
        // Test runs capture stderr, so it is never a terminal here.
        if !stderr_is_terminal() {
            assert!(for_files(Path::new(".")).is_none());
        }
    }
}
