//! Where a command's output goes (stdout or `-o FILE`), and noticing when the
//! reader of stdout has gone away.

use anyhow::Context as _;
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
