//! The fast path of [`crate::value::parse_value`]: a JSON reader for the
//! common case, written for speed on log records.
//!
//! Every record is parsed when a table is opened and again by each scan, so
//! parsing is most of what a query over raw files costs. This reader works
//! on text already known to be UTF-8 (sources are checked once, as a whole),
//! borrows every string without escapes, and allocates only for objects and
//! arrays. It gives up — returns `None` — on anything unusual: invalid JSON,
//! deep nesting, integers beyond 64 bits, decimals that need more than one
//! correctly rounded operation. serde_json then parses the same text, so
//! errors are described exactly as before and every value it accepts comes
//! out identical either way.

use std::borrow::Cow;

use crate::value::Val;

/// serde_json's default recursion limit; deeper input goes to serde_json,
/// which reports it.
const MAX_DEPTH: usize = 128;

/// Parses `text` as one JSON value with nothing but whitespace around it.
pub(crate) fn parse(text: &str) -> Option<Val<'_>> {
    let mut r = Reader {
        text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    r.ws();
    let v = r.value()?;
    r.ws();
    (r.i == r.b.len()).then_some(v)
}

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn value(&mut self) -> Option<Val<'a>> {
        match self.peek()? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string().map(Val::Str),
            b't' => self.literal(b"true", Val::Bool(true)),
            b'f' => self.literal(b"false", Val::Bool(false)),
            b'n' => self.literal(b"null", Val::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8], v: Val<'a>) -> Option<Val<'a>> {
        if self.b.get(self.i..self.i + word.len())? == word {
            self.i += word.len();
            Some(v)
        } else {
            None
        }
    }

    fn object(&mut self) -> Option<Val<'a>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.i += 1;
        // Records have dozens of fields; growing from empty would
        // reallocate several times.
        let mut entries = Vec::with_capacity(if self.depth <= 2 { 32 } else { 8 });
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            self.depth -= 1;
            return Some(Val::Obj(entries));
        }
        loop {
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            self.ws();
            if self.peek()? != b':' {
                return None;
            }
            self.i += 1;
            self.ws();
            let v = self.value()?;
            entries.push((key, v));
            self.ws();
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b'}' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(Val::Obj(entries));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self) -> Option<Val<'a>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            self.depth -= 1;
            return Some(Val::Arr(items));
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b']' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(Val::Arr(items));
                }
                _ => return None,
            }
        }
    }

    /// A string starting at the opening quote.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.i + 1;
        let end = start + find_special(&self.b[start..])?;
        match self.b[end] {
            b'"' => {
                self.i = end + 1;
                // Quotes are ASCII, so both ends are character boundaries.
                self.text.get(start..end).map(Cow::Borrowed)
            }
            b'\\' => self.escaped(start, end),
            // A raw control character: not JSON.
            _ => None,
        }
    }

    /// The rest of a string from its first backslash at `at`.
    fn escaped(&mut self, start: usize, mut at: usize) -> Option<Cow<'a, str>> {
        let mut out = String::with_capacity(at - start + 16);
        out.push_str(self.text.get(start..at)?);
        loop {
            match self.b[at] {
                b'"' => {
                    self.i = at + 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let c = *self.b.get(at + 1)?;
                    at += 2;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4(at)?;
                            at += 4;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                // A surrogate pair; a lone half is left to
                                // serde_json to judge.
                                if self.b.get(at..at + 2)? != b"\\u" {
                                    return None;
                                }
                                let lo = self.hex4(at + 2)?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                at += 6;
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            out.push(char::from_u32(code)?);
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }
            let run = find_special(self.b.get(at..)?)?;
            out.push_str(self.text.get(at..at + run)?);
            at += run;
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.text.get(at..at + 4)?;
        if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }

    fn number(&mut self) -> Option<Val<'a>> {
        let start = self.i;
        let b = self.b;
        let mut i = start;
        let negative = b[i] == b'-';
        if negative {
            i += 1;
        }
        let int_start = i;
        // The digits' value, while it cannot overflow (19 digits always fit).
        let mut value: u64 = 0;
        match b.get(i)? {
            b'0' => i += 1,
            b'1'..=b'9' => {
                while let Some(&d) = b.get(i).filter(|d| d.is_ascii_digit()) {
                    value = value.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                    i += 1;
                }
            }
            _ => return None,
        }
        let int_digits = i - int_start;
        let mut frac_digits = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let f = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            frac_digits = i - f;
            if frac_digits == 0 {
                return None;
            }
        }
        let has_exp = matches!(b.get(i), Some(b'e' | b'E'));
        if has_exp {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let e = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == e {
                return None;
            }
        }
        let text = &self.text[start..i];
        self.i = i;
        if frac_digits == 0 && !has_exp {
            // serde_json reads `-0` as a float; leave it the rare case.
            if negative && b[int_start] == b'0' {
                return None;
            }
            if int_digits <= 18 {
                // Exact: at most 18 digits is below 2^63.
                let v = value as i64;
                return Some(Val::I64(if negative { -v } else { v }));
            }
            return if negative {
                text.parse::<i64>().ok().map(Val::I64)
            } else {
                text.parse::<u64>()
                    .ok()
                    .map(|v| i64::try_from(v).map_or(Val::U64(v), Val::I64))
            };
        }
        // Exact when the digits fit a double's mantissa and the power of ten
        // is exact too: one correctly rounded operation, the same result
        // whichever correct parser computes it. Anything else is left to
        // serde_json so values never depend on which reader saw them.
        if has_exp || int_digits + frac_digits > 15 {
            return None;
        }
        text.parse::<f64>().ok().map(Val::F64)
    }
}

/// Bytes that end the plain run of a string: its closing quote, an escape,
/// or a control character (invalid inside JSON strings).
fn special(c: u8) -> bool {
    c == b'"' || c == b'\\' || c < 0x20
}

/// The position of the first [`special`] byte. Strings are most of a log
/// record's bytes, so they are scanned eight bytes at a time: each test
/// below sets the high bit of a matching byte, and can only also set it in
/// bytes after a true match, so the lowest bit set is the first match.
fn find_special(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let hits = zero_byte(w ^ (ONES * u64::from(b'"')))
            | zero_byte(w ^ (ONES * u64::from(b'\\')))
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGH);
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| special(c))
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) {
        let slow = {
            let mut de = serde_json::Deserializer::from_str(text);
            serde::Deserialize::deserialize(&mut de)
                .and_then(|v: Val<'_>| de.end().map(|_| v))
                .ok()
        };
        // When the fast path gives up, serde_json decides: nothing to compare.
        if let Some(fast) = parse(text) {
            assert_eq!(Some(fast), slow, "{text}");
        }
    }

    #[test]
    fn agrees_with_serde_json() {
        for text in [
            r#"{"a":1,"b":[true,false,null],"c":{"d":"x"},"a":2}"#,
            r#" { "s" : "tab\there \"q\" \\ \/ \u00e9 \ud83d\ude00" , "n" : -12.5 } "#,
            r#"{"big":18446744073709551615,"neg":-9223372036854775808,"f":0.1,"g":123456.789}"#,
            r#"[1, 2.0, 3e2, -0, -0.0, 1E-7, 12345678901234567890123]"#,
            r#""just a string""#,
            "{}",
            "[]",
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            "[1 2]",
            "\"raw \n newline\"",
            r#""\ud800 lone""#,
            "01",
            "1.",
            "{\"a\":1} x",
            "nul",
            "",
        ] {
            both(text);
        }
    }

    #[test]
    fn rejects_what_json_rejects() {
        for bad in [
            "{\"a\":1,}",
            "[1 2]",
            "01",
            "1.",
            "\"a\u{1}b\"",
            "{\"a\" 1}",
            "tru",
            "{} {}",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&deep).is_none());
    }

    #[test]
    fn special_bytes_found_at_any_offset() {
        for len in 0..40 {
            for at in 0..len {
                for c in [b'"', b'\\', b'\n', 0u8, 0x1f] {
                    let mut b = vec![b'a'; len];
                    b[at] = c;
                    // Bytes after the first match must not confuse it.
                    for x in b.iter_mut().skip(at + 1) {
                        *x = 0x80;
                    }
                    assert_eq!(find_special(&b), Some(at), "len {len} at {at} byte {c}");
                }
            }
            assert_eq!(find_special(&vec![0x7f; len]), None);
            assert_eq!(find_special(&vec![0x20; len]), None);
        }
    }

    #[test]
    fn borrows_plain_strings() {
        let Some(Val::Obj(e)) = parse(r#"{"k":"v","e\n":"w\"x"}"#) else {
            panic!("object expected")
        };
        assert!(matches!(e[0].0, Cow::Borrowed("k")));
        assert!(matches!(e[0].1, Val::Str(Cow::Borrowed("v"))));
        assert_eq!(e[1].0, "e\n");
        assert!(matches!(&e[1].1, Val::Str(Cow::Owned(s)) if s == "w\"x"));
    }
}
