//! Finding the records in a source's bytes, whatever shape the file has.
//!
//! Shapes accepted, detected per source:
//!
//! * JSON Lines: one value per line, blank lines ignored. A line may itself be
//!   a record, a `{"records":[…]}` envelope or an array of either.
//! * A stream of (possibly pretty-printed) values one after another: a single
//!   array, a single envelope, concatenated objects, …
//!
//! JSON Lines is tried first because it is what Azure archives to storage and
//! because a bad line there does not affect the others; the stream reader is
//! used only when the first value visibly spans several lines. Here we only
//! find spans; whether a span is a valid record is decided by inference, which
//! parses each span anyway.

use serde::de::IgnoredAny;
use serde_json::Deserializer;

use crate::IngestReport;

/// A span of the document that is a record, or for `may_wrap` items possibly
/// an Event Hubs envelope that still has to be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Item {
    pub start: usize,
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    pub may_wrap: bool,
}

/// Something wrong at byte offset `at`.
#[derive(Debug)]
pub(crate) enum Fault {
    /// serde_json's error while parsing text that starts at `at`; its line and
    /// column are relative to `at`.
    Json { at: usize, err: serde_json::Error },
    /// A structural problem detected here, located exactly at `at`.
    Syntax { at: usize, msg: &'static str },
}

impl Fault {
    pub(crate) fn at(&self) -> usize {
        match self {
            Fault::Json { at, .. } | Fault::Syntax { at, .. } => *at,
        }
    }

    /// The 1-based line of the problem and a reason with its column, given the
    /// line that `self.at()` is on.
    pub(crate) fn describe(&self, doc: &[u8], line_of_at: usize) -> (usize, String) {
        let at = self.at();
        let col_base = at - line_start(doc, at);
        match self {
            Fault::Json { err, .. } => {
                let text = err.to_string();
                // serde_json appends a position relative to the parsed slice;
                // we report an absolute one instead.
                let msg = text.rfind(" at line ").map_or(&text[..], |i| &text[..i]);
                let (rel_line, rel_col) = (err.line().max(1), err.column());
                let col = if rel_line == 1 {
                    col_base + rel_col
                } else {
                    rel_col
                };
                (
                    line_of_at + rel_line - 1,
                    format!("invalid JSON: {msg} (column {col})"),
                )
            }
            Fault::Syntax { msg, .. } => (
                line_of_at,
                format!("invalid JSON: {msg} (column {})", col_base + 1),
            ),
        }
    }
}

/// The result of splitting a document: candidate records in document order and
/// the problems that stopped or interrupted the split, as (line, reason).
#[derive(Debug, Default)]
pub(crate) struct Split {
    pub items: Vec<Item>,
    /// The first `IngestReport::MAX_SKIPPED_DETAILS` faults.
    pub faults: Vec<(usize, String)>,
    pub fault_count: usize,
}

impl Split {
    fn fault(&mut self, describe: impl FnOnce() -> (usize, String)) {
        self.fault_count += 1;
        if self.faults.len() < IngestReport::MAX_SKIPPED_DETAILS {
            self.faults.push(describe());
        }
    }
}

/// Maps increasing byte offsets to line numbers, counting each newline once.
pub(crate) struct Lines<'a> {
    doc: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    /// A counter that knows `pos` is on `line`.
    pub(crate) fn new(doc: &'a [u8], pos: usize, line: usize) -> Self {
        Lines { doc, pos, line }
    }

    pub(crate) fn line_at(&mut self, offset: usize) -> usize {
        if offset < self.pos {
            // Offsets normally only grow; recount rather than fail if not.
            let back = count_newlines(&self.doc[offset..self.pos]);
            return self.line.saturating_sub(back).max(1);
        }
        self.line += count_newlines(&self.doc[self.pos..offset]);
        self.pos = offset;
        self.line
    }
}

fn count_newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

fn line_start(doc: &[u8], at: usize) -> usize {
    doc[..at.min(doc.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The first non-whitespace offset in `pos..limit`.
fn skip_ws(doc: &[u8], pos: usize, limit: usize) -> Option<usize> {
    (pos..limit).find(|&i| !is_ws(doc[i]))
}

/// Whether an item mentions `"records"`. Asked of every record, so the
/// searcher is built once rather than per call (building it cost more than
/// searching a log line).
fn mentions_records(haystack: &[u8]) -> bool {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"records\""));
    FINDER.find(haystack).is_some()
}

/// Splits a whole document into candidate records.
pub(crate) fn split(doc: &[u8]) -> Split {
    let body = if doc.starts_with(BOM) { BOM.len() } else { 0 };
    let Some(first) = skip_ws(doc, body, doc.len()) else {
        return Split::default();
    };
    let first_end = memchr::memchr(b'\n', &doc[first..]).map_or(doc.len(), |i| first + i);
    let first_line = doc[first..first_end].trim_ascii_end();
    let line_is_value = serde_json::from_slice::<IgnoredAny>(first_line).is_ok();
    // A value that continues past the first line (even a broken one) means
    // pretty-printed JSON; a first line that is merely broken means JSON Lines
    // with a bad line, which must not cost the lines after it. A lone opening
    // bracket, the common pretty-printed case, needs no trial parse.
    let multi_line = !line_is_value
        && (first_line == b"["
            || first_line == b"{"
            || match value_span(doc, first, doc.len()) {
                Ok((_, end)) => end > first_end,
                Err(Fault::Json { err, .. }) => err.line() > 1,
                Err(Fault::Syntax { .. }) => false,
            });
    if multi_line {
        stream(doc, first)
    } else {
        json_lines(doc, body)
    }
}

fn json_lines(doc: &[u8], body: usize) -> Split {
    let mut out = Split::default();
    let mut start = body;
    let mut line = 1;
    while start < doc.len() {
        let end = memchr::memchr(b'\n', &doc[start..]).map_or(doc.len(), |i| start + i);
        if let Some(s) = skip_ws(doc, start, end) {
            let e = s + doc[s..end].trim_ascii_end().len();
            if doc[s] == b'[' {
                // Arrays are opened here rather than during (parallel)
                // inference so that one huge single-line array is still
                // inferred in parallel.
                let fault = match walk_array(doc, s, e) {
                    Ok((spans, close)) => {
                        push_spans(&mut out, &spans, line);
                        skip_ws(doc, close, e).map(|at| Fault::Syntax {
                            at,
                            msg: "unexpected text after the array",
                        })
                    }
                    Err((spans, fault)) => {
                        push_spans(&mut out, &spans, line);
                        Some(fault)
                    }
                };
                if let Some(fault) = fault {
                    out.fault(|| fault.describe(doc, line));
                }
            } else {
                out.items.push(Item {
                    start: s,
                    end: e,
                    line,
                    may_wrap: true,
                });
            }
        }
        start = end + 1;
        line += 1;
    }
    out
}

fn push_spans(out: &mut Split, spans: &[(usize, usize)], line: usize) {
    out.items.extend(spans.iter().map(|&(start, end)| Item {
        start,
        end,
        line,
        may_wrap: true,
    }));
}

/// Reads values one after another. Unlike JSON Lines there is no way to
/// resynchronise after a syntax error, so the first error ends the source and
/// says so.
fn stream(doc: &[u8], first: usize) -> Split {
    let mut out = Split::default();
    let mut lines = Lines::new(doc, 0, 1);
    let mut pos = first;
    while let Some(p) = skip_ws(doc, pos, doc.len()) {
        let (spans, fault) = if doc[p] == b'[' {
            match walk_array(doc, p, doc.len()) {
                Ok((spans, close)) => {
                    pos = close;
                    (spans, None)
                }
                Err((spans, fault)) => (spans, Some(fault)),
            }
        } else {
            match value_span(doc, p, doc.len()) {
                Ok(span) => {
                    pos = span.1;
                    (vec![span], None)
                }
                Err(fault) => (Vec::new(), Some(fault)),
            }
        };
        for (start, end) in spans {
            let line = lines.line_at(start);
            let item = Item {
                start,
                end,
                line,
                may_wrap: false,
            };
            // Envelopes are opened here, not in parallel inference, so that
            // a single big `{"records":[…]}` file still infers in parallel.
            match envelope(doc, item) {
                Some(records) => out.items.extend(records.into_iter().map(|(s, e)| Item {
                    start: s,
                    end: e,
                    line: lines.line_at(s),
                    may_wrap: false,
                })),
                None => out.items.push(item),
            }
        }
        if let Some(fault) = fault {
            let (line, reason) = fault.describe(doc, lines.line_at(fault.at()));
            out.fault(|| {
                (
                    line,
                    format!("{reason}; the rest of the input was not read"),
                )
            });
            break;
        }
    }
    out
}

/// The span of the JSON value starting at the first non-whitespace byte of
/// `pos..limit`.
pub(crate) fn value_span(doc: &[u8], pos: usize, limit: usize) -> Result<(usize, usize), Fault> {
    let Some(p) = skip_ws(doc, pos, limit) else {
        return Err(Fault::Syntax {
            at: limit,
            msg: "unexpected end of input",
        });
    };
    let mut values = Deserializer::from_slice(&doc[p..limit]).into_iter::<IgnoredAny>();
    match values.next() {
        Some(Ok(_)) => Ok((p, p + values.byte_offset())),
        Some(Err(err)) => Err(Fault::Json { at: p, err }),
        None => Err(Fault::Syntax {
            at: limit,
            msg: "unexpected end of input",
        }),
    }
}

type Spans = Vec<(usize, usize)>;

/// The element spans of the array whose `[` is at `open`, and the offset just
/// past its `]`. On error, the elements read before it are returned too so
/// that a damaged array still yields what precedes the damage.
pub(crate) fn walk_array(
    doc: &[u8],
    open: usize,
    limit: usize,
) -> Result<(Spans, usize), (Spans, Fault)> {
    const EOF: &str = "unexpected end of input inside an array";
    let mut spans = Vec::new();
    let mut pos = open + 1;
    match skip_ws(doc, pos, limit) {
        None => {
            return Err((
                spans,
                Fault::Syntax {
                    at: limit,
                    msg: EOF,
                },
            ));
        }
        Some(p) if doc[p] == b']' => return Ok((spans, p + 1)),
        Some(_) => {}
    }
    loop {
        match value_span(doc, pos, limit) {
            Ok(span) => {
                spans.push(span);
                pos = span.1;
            }
            Err(fault) => return Err((spans, fault)),
        }
        match skip_ws(doc, pos, limit) {
            Some(p) if doc[p] == b',' => pos = p + 1,
            Some(p) if doc[p] == b']' => return Ok((spans, p + 1)),
            Some(p) => {
                let fault = Fault::Syntax {
                    at: p,
                    msg: "expected `,` or `]` in an array",
                };
                return Err((spans, fault));
            }
            None => {
                return Err((
                    spans,
                    Fault::Syntax {
                        at: limit,
                        msg: EOF,
                    },
                ));
            }
        }
    }
}

/// The record spans of an Event Hubs envelope: a valid object with a
/// top-level `"records"` array that is empty or starts with an object. Other siblings (e.g. `EventEnqueuedUtcTime`
/// added by consumers) are ignored. Anything else — including invalid JSON,
/// which inference will report — is `None` and treated as a record.
pub(crate) fn envelope(doc: &[u8], item: Item) -> Option<Spans> {
    let Item { start, end, .. } = item;
    if doc.get(start) != Some(&b'{') || !mentions_records(&doc[start..end]) {
        return None;
    }
    let mut records = None;
    let mut pos = start + 1;
    if doc[skip_ws(doc, pos, end)?] == b'}' {
        return None;
    }
    loop {
        let key_at = skip_ws(doc, pos, end)?;
        let mut keys = Deserializer::from_slice(&doc[key_at..end]).into_iter::<String>();
        let key = keys.next()?.ok()?;
        let colon = skip_ws(doc, key_at + keys.byte_offset(), end)?;
        if doc[colon] != b':' {
            return None;
        }
        let value_at = skip_ws(doc, colon + 1, end)?;
        if key == "records" && doc[value_at] == b'[' {
            let (spans, close) = walk_array(doc, value_at, end).ok()?;
            // A record may have a field called `records` too; an envelope's
            // array holds objects, so anything else means this is a record.
            if spans.first().is_some_and(|&(s, _)| doc[s] != b'{') {
                return None;
            }
            records = Some(spans);
            pos = close;
        } else {
            pos = value_span(doc, value_at, end).ok()?.1;
        }
        let sep = skip_ws(doc, pos, end)?;
        match doc[sep] {
            b',' => pos = sep + 1,
            b'}' => {
                return records.filter(|_| skip_ws(doc, sep + 1, end).is_none());
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(doc: &'a [u8], split: &Split) -> Vec<(&'a str, usize)> {
        split
            .items
            .iter()
            .map(|i| (std::str::from_utf8(&doc[i.start..i.end]).unwrap(), i.line))
            .collect()
    }

    #[test]
    fn json_lines_with_blank_and_crlf() {
        let doc = b"{\"a\":1}\r\n\n  {\"a\":2}  \r\n";
        let s = split(doc);
        assert_eq!(texts(doc, &s), vec![("{\"a\":1}", 1), ("{\"a\":2}", 3)]);
        assert!(s.faults.is_empty());
    }

    #[test]
    fn pretty_objects_stream() {
        let doc = b"{\n \"a\": 1\n}\n{\n \"a\": 2\n}\n";
        let s = split(doc);
        assert_eq!(
            texts(doc, &s),
            vec![("{\n \"a\": 1\n}", 1), ("{\n \"a\": 2\n}", 4)]
        );
    }

    #[test]
    fn arrays_and_envelopes() {
        let doc = b"[\n {\"records\": [{\"a\":1},\n {\"a\":2}]},\n {\"a\":3}\n]";
        let s = split(doc);
        assert_eq!(
            texts(doc, &s),
            vec![("{\"a\":1}", 2), ("{\"a\":2}", 3), ("{\"a\":3}", 4)]
        );
        assert!(s.items.iter().all(|i| !i.may_wrap));
    }

    #[test]
    fn damaged_array_keeps_prefix() {
        let doc = b"[{\"a\":1},\n{\"a\":2} {\"a\":3}]";
        let s = split(doc);
        assert_eq!(texts(doc, &s), vec![("{\"a\":1}", 1), ("{\"a\":2}", 2)]);
        assert_eq!(s.faults.len(), 1);
        assert_eq!(s.faults[0].0, 2);
        assert!(
            s.faults[0].1.contains("expected `,` or `]`"),
            "{:?}",
            s.faults
        );
    }

    #[test]
    fn envelope_detection() {
        let doc = br#"{"x":{"records":[1]},"records":[{"a":1},{"b":2}],"PartitionId":"0"}"#;
        let item = Item {
            start: 0,
            end: doc.len(),
            line: 1,
            may_wrap: true,
        };
        let spans = envelope(doc, item).unwrap();
        assert_eq!(spans.len(), 2);
        for not_env in [
            &br#"{"records":"x"}"#[..],
            br#"{"id":1,"records":[1,{"a":1}]}"#,
            br#"{"records":[1]"#,
            br#"{"nested":{"records":[]}}"#,
            br#"{"records":[1]} x"#,
        ] {
            let item = Item {
                end: not_env.len(),
                ..item
            };
            assert_eq!(envelope(not_env, item), None);
        }
    }

    #[test]
    fn empty_and_whitespace() {
        assert!(split(b"").items.is_empty());
        assert!(split(b" \n\r\n\t").items.is_empty());
        assert!(split(b"\xEF\xBB\xBF\n").items.is_empty());
    }
}
