//! Where a command's output goes (stdout or `-o FILE`), and noticing when the
//! reader of stdout has gone away.

use anyhow::Context as _;
use kql_engine::QueryResult;
use kql_render::{OutputFormat, RenderOptions, write_result};
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal as _, Write};
use std::path::Path;

/// Passes writes through and remembers whether one failed with EPIPE. Printers
/// may wrap or flatten I/O errors into their own types; this flag lets the caller
/// still recognise a closed pipe and exit quietly.
struct PipeAware<W> {
    inner: W,
    broken_pipe: bool,
}

impl<W: Write> PipeAware<W> {
    fn track<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result
            && e.kind() == io::ErrorKind::BrokenPipe
        {
            self.broken_pipe = true;
        }
        result
    }
}

impl<W: Write> Write for PipeAware<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.track(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.track(result)
    }
}

/// Runs `produce` against stdout, or against `path` when given, then flushes.
/// A closed stdout comes back as an `io::ErrorKind::BrokenPipe` error whatever
/// `produce` turned it into.
pub fn write_to<F>(path: Option<&Path>, produce: F) -> anyhow::Result<()>
where
    F: FnOnce(&mut dyn Write) -> anyhow::Result<()>,
{
    match path {
        None => {
            let mut out = BufWriter::new(PipeAware {
                inner: io::stdout().lock(),
                broken_pipe: false,
            });
            let result = produce(&mut out).and_then(|()| Ok(out.flush()?));
            if out.get_ref().broken_pipe {
                return Err(io::Error::from(io::ErrorKind::BrokenPipe).into());
            }
            result
        }
        Some(path) => {
            let file = File::create(path)
                .with_context(|| format!("cannot create '{}'", path.display()))?;
            let mut out = BufWriter::new(file);
            produce(&mut out)?;
            out.flush()
                .with_context(|| format!("cannot write '{}'", path.display()))
        }
    }
}

/// Prints every result table of a query. One table prints exactly as
/// `write_result` prints it. Several (`facet`) print one after another: a
/// blank line between `table` and `csv` tables, `ndjson` rows back to back,
/// and `json` as an array of the one-table objects, so a reader of `json`
/// can tell one table from several by the first character.
pub fn write_results(
    out: &mut dyn Write,
    result: &QueryResult,
    format: OutputFormat,
    max_width: Option<u16>,
) -> anyhow::Result<()> {
    let write_one = |out: &mut dyn Write, table: &QueryResult| {
        let options = RenderOptions {
            max_width,
            visualization: table.visualization.as_ref(),
        };
        write_result(out, &table.schema, &table.batches, format, &options)
            .map_err(anyhow::Error::new)
    };
    if result.more.is_empty() {
        return write_one(out, result);
    }
    if format == OutputFormat::Json {
        out.write_all(b"[")?;
        for (i, table) in result.tables().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            // Each object is written with its own line end; inside the
            // array the objects are separated by commas instead.
            let mut object = Vec::new();
            write_one(&mut object, table)?;
            out.write_all(object.strip_suffix(b"\n").unwrap_or(&object))?;
        }
        out.write_all(b"]\n")?;
        return Ok(());
    }
    for (i, table) in result.tables().enumerate() {
        if i > 0 && format != OutputFormat::Ndjson {
            out.write_all(b"\n")?;
        }
        write_one(out, table)?;
    }
    Ok(())
}

/// "(7 rows)", or with several result tables "(3 tables: 7, 2 and 5 rows)".
pub fn rows_note(result: &QueryResult) -> String {
    let counts: Vec<usize> = result.tables().map(QueryResult::row_count).collect();
    match counts.as_slice() {
        [rows] => format!("({rows} {})", if *rows == 1 { "row" } else { "rows" }),
        [first @ .., last] => {
            let first: Vec<String> = first.iter().map(usize::to_string).collect();
            format!(
                "({} tables: {} and {last} rows)",
                counts.len(),
                first.join(", ")
            )
        }
        [] => String::new(),
    }
}

/// The width a table may take: the terminal's (`COLUMNS` when the shell
/// exports it, else asked of the terminal) when stdout is a terminal;
/// unlimited for pipes and files.
pub fn table_width(path: Option<&Path>) -> Option<u16> {
    if path.is_some() || !io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|&w| w > 0)
        .or_else(|| {
            console::Term::stdout()
                .size_checked()
                .map(|(_, width)| width)
                .filter(|&w| w > 0)
        })
}

/// Whether decoration (colour) may go to the terminal: only on a terminal,
/// and never when `NO_COLOR` is set (<https://no-color.org>) or `TERM=dumb`.
pub fn color_enabled() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    !no_color && !dumb && io::stdout().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn broken_pipe_is_remembered_even_if_the_error_is_swallowed() {
        let mut w = PipeAware {
            inner: ClosedPipe,
            broken_pipe: false,
        };
        let _ = w.write_all(b"x").map_err(|e| e.to_string());
        assert!(w.broken_pipe);
    }
}
