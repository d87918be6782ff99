//! The JSON inside `dynamic(…)`, re-emitted as compact JSON text.
//!
//! Kusto accepts a little more than JSON here (single-quoted strings, `//`
//! comments); the output is always strict, compact JSON with numbers kept as
//! written, so it prints back inside `dynamic(…)` unchanged.

use super::{MAX_DEPTH, PResult, lexical};
use crate::ast::Span;
use crate::error::ParseError;

/// Parses one JSON value starting at `pos`; returns its compact text and the
/// offset after it (and after trailing whitespace).
pub(super) fn parse(text: &str, pos: usize) -> PResult<(String, usize)> {
    let mut json = Json {
        text,
        pos,
        out: String::new(),
    };
    json.value(0)?;
    Ok((json.out, json.pos))
}

struct Json<'a> {
    text: &'a str,
    pos: usize,
    out: String,
}

impl<'a> Json<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_whitespace(&mut self) {
        self.pos = lexical::skip_trivia(self.text, self.pos);
    }

    fn error(&self, message: &str, expected: &[&str]) -> ParseError {
        let len = self.peek().map_or(0, char::len_utf8);
        ParseError {
            message: message.to_string(),
            span: Span::new(self.pos, self.pos + len),
            expected: expected.iter().map(|e| e.to_string()).collect(),
        }
    }

    /// Consumes `c` (after whitespace) or fails expecting it.
    fn expect(&mut self, c: char) -> PResult<()> {
        self.skip_whitespace();
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            Ok(())
        } else {
            Err(self.error("invalid dynamic literal", &[&format!("'{c}'")]))
        }
    }

    fn value(&mut self, depth: usize) -> PResult<()> {
        if depth >= MAX_DEPTH {
            return Err(self.error("dynamic value nested too deeply", &[]));
        }
        self.skip_whitespace();
        match self.peek() {
            Some('{') => self.object(depth)?,
            Some('[') => self.array(depth)?,
            Some('"' | '\'') => {
                let s = self.string()?;
                push_json_string(&mut self.out, &s);
            }
            Some(c) if c == '-' || c.is_ascii_digit() => self.number()?,
            Some(c) if c.is_ascii_alphabetic() => {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(rest.len());
                let word = &rest[..len];
                if !matches!(word, "true" | "false" | "null") {
                    return Err(self.error("invalid dynamic literal", &["JSON value"]));
                }
                self.out.push_str(word);
                self.pos += len;
            }
            _ => return Err(self.error("invalid dynamic literal", &["JSON value"])),
        }
        self.skip_whitespace();
        Ok(())
    }

    fn object(&mut self, depth: usize) -> PResult<()> {
        self.pos += 1;
        self.out.push('{');
        self.skip_whitespace();
        if self.peek() == Some('}') {
            self.pos += 1;
            self.out.push('}');
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            if !matches!(self.peek(), Some('"' | '\'')) {
                return Err(self.error("invalid dynamic literal", &["property name"]));
            }
            let key = self.string()?;
            push_json_string(&mut self.out, &key);
            self.expect(':')?;
            self.out.push(':');
            self.value(depth + 1)?;
            match self.peek() {
                Some(',') => {
                    self.pos += 1;
                    self.out.push(',');
                }
                Some('}') => {
                    self.pos += 1;
                    self.out.push('}');
                    return Ok(());
                }
                _ => return Err(self.error("invalid dynamic literal", &["','", "'}'"])),
            }
        }
    }

    fn array(&mut self, depth: usize) -> PResult<()> {
        self.pos += 1;
        self.out.push('[');
        self.skip_whitespace();
        if self.peek() == Some(']') {
            self.pos += 1;
            self.out.push(']');
            return Ok(());
        }
        loop {
            self.value(depth + 1)?;
            match self.peek() {
                Some(',') => {
                    self.pos += 1;
                    self.out.push(',');
                }
                Some(']') => {
                    self.pos += 1;
                    self.out.push(']');
                    return Ok(());
                }
                _ => return Err(self.error("invalid dynamic literal", &["','", "']'"])),
            }
        }
    }

    /// A number, kept exactly as written after checking it is JSON-shaped.
    fn number(&mut self) -> PResult<()> {
        let rest = self.rest();
        let bytes = rest.as_bytes();
        let mut i = usize::from(bytes.first() == Some(&b'-'));
        let digits = |i: &mut usize| {
            let start = *i;
            while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > start
        };
        let mut valid = digits(&mut i);
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            valid &= digits(&mut i);
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            valid &= digits(&mut i);
        }
        if !valid {
            return Err(self.error("invalid number in dynamic literal", &[]));
        }
        // Only ASCII bytes were consumed, so `i` is a char boundary.
        self.out.push_str(&rest[..i]);
        self.pos += i;
        Ok(())
    }

    /// A `"…"` or `'…'` string with JSON escapes; returns its value.
    fn string(&mut self) -> PResult<String> {
        let start = self.pos;
        let rest = self.rest();
        let mut chars = rest.char_indices();
        let Some((_, quote)) = chars.next() else {
            return Err(self.error("invalid dynamic literal", &["string"]));
        };
        let mut value = String::new();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c == quote => {
                    self.pos = start + i + 1;
                    return Ok(value);
                }
                '\\' => {
                    let Some((j, e)) = chars.next() else { break };
                    let decoded = match e {
                        '"' | '\'' | '\\' | '/' => e,
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'u' => {
                            let (ch, used) =
                                decode_unicode_escape(&rest[j + 1..]).ok_or_else(|| {
                                    ParseError {
                                        message: "invalid \\u escape in dynamic literal"
                                            .to_string(),
                                        span: Span::new(start + i, start + j + 1),
                                        expected: Vec::new(),
                                    }
                                })?;
                            // Escapes are ASCII: skip them char by char.
                            for _ in 0..used {
                                chars.next();
                            }
                            ch
                        }
                        _ => {
                            return Err(ParseError {
                                message: format!("unknown escape '\\{e}' in dynamic literal"),
                                span: Span::new(start + i, start + j + e.len_utf8()),
                                expected: Vec::new(),
                            });
                        }
                    };
                    value.push(decoded);
                }
                c => value.push(c),
            }
        }
        Err(ParseError {
            message: "unterminated string in dynamic literal".to_string(),
            span: Span::new(start, start + 1),
            expected: Vec::new(),
        })
    }
}

/// Decodes the `XXXX` after `\u`, including a following `\uXXXX` low
/// surrogate. Returns the char and how many bytes after `\u` it used.
fn decode_unicode_escape(after_u: &str) -> Option<(char, usize)> {
    let hex4 = |s: &str| {
        let h = s.get(..4)?;
        h.chars()
            .all(|c| c.is_ascii_hexdigit())
            .then(|| u32::from_str_radix(h, 16).ok())
            .flatten()
    };
    let high = hex4(after_u)?;
    if let Some(c) = char::from_u32(high) {
        return Some((c, 4));
    }
    let low = hex4(after_u.get(4..)?.strip_prefix("\\u")?)?;
    if !(0xD800..0xDC00).contains(&high) || !(0xDC00..0xE000).contains(&low) {
        return None;
    }
    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
    char::from_u32(code).map(|c| (c, 10))
}

/// Appends `s` as a JSON string literal.
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn json(text: &str) -> String {
        match parse(text, 0) {
            Ok((s, end)) if end == text.len() => s,
            Ok((_, end)) => format!("error: trailing input at {end}"),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn compacts_and_normalizes_quotes() {
        assert_eq!(json(r#"{ "a" : [1, 2.5e3, -3] }"#), r#"{"a":[1,2.5e3,-3]}"#);
        assert_eq!(
            json("['x', \"y\\n\", null, true]"),
            r#"["x","y\n",null,true]"#
        );
        assert_eq!(json(r#""\ud83d\ude00""#), "\"😀\"");
        assert_eq!(json("{}"), "{}");
    }

    #[test]
    fn rejects_malformed_json() {
        for bad in ["{", "[1,", "{a:1}", "01x", "nope", "\"abc", "[1 2]", "-"] {
            assert!(json(bad).starts_with("error"), "{bad}");
        }
    }
}
