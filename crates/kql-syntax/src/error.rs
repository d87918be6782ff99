//! Syntax errors with a position, and the caret rendering shared with the planner's errors.

use crate::ast::Span;
use std::fmt;

/// A syntax error: where it is, what was found there and what would have been accepted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    /// What the parser would have accepted at `span` (`"expression"`, `"'by'"`, …).
    pub expected: Vec<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if !self.expected.is_empty() {
            write!(f, " (expected {})", self.expected.join(", "))?;
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders `message` with the offending line of `text` and a caret under `span`:
///
/// ```text
/// error: expected expression at 1:9
///   |
/// 1 | T | where
///   |         ^
/// ```
pub fn render_caret(text: &str, span: Span, message: &str) -> String {
    let (line, col) = line_col(text, span.start);
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    let width = text[start..end]
        .lines()
        .next()
        .map_or(1, |s| s.chars().count().max(1));
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    format!(
        "error: {message} at {line}:{col}\n{pad} |\n{line} | {line_text}\n{pad} | {}{}",
        " ".repeat(col - 1),
        "^".repeat(width)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_second_line() {
        let q = "T\n| wher x";
        let s = render_caret(q, Span::new(4, 8), "unknown operator 'wher'");
        assert!(s.contains("at 2:3"), "{s}");
        assert!(s.ends_with("  ^^^^"), "{s}");
    }

    #[test]
    fn line_col_counts_chars_not_bytes() {
        assert_eq!(line_col("é|x", 3), (1, 3));
    }
}
