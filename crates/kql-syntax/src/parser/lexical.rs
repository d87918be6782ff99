//! Tokens of KQL, lexed on demand at a byte offset.
//!
//! The parser pulls one token at a time rather than tokenizing the whole query
//! up front, because several constructs (`datetime(2024-02-10 12:00)`,
//! `guid(…)`, `dynamic({…})`, `mv-expand`) need the raw text after a known
//! prefix, which a context-free tokenizer would already have chopped up.

use crate::ast::Span;
use crate::error::ParseError;
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_till, take_while, take_while1},
    character::complete::{char, digit1, one_of, satisfy},
    combinator::{opt, recognize},
    multi::many0_count,
};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A plain identifier or keyword (`where`, `Col1`, `90th_Percentile`, `$left`).
    Ident(String),
    /// An integer literal (decimal or `0x…`).
    Long(i64),
    Real(f64),
    /// A timespan literal with a unit suffix (`1.5h`), in nanoseconds.
    Timespan(i64),
    /// A string literal after escape processing.
    Str(String),
    Punct(&'static str),
    Eof,
    /// A lexical error, reported when the parser reaches this token. Keeping it
    /// as a token lets lookahead stay infallible.
    Error(Box<ParseError>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Longest first, so that `==` wins over `=`.
const PUNCTS: &[&str] = &[
    "..", "==", "!=", "!~", "=~", "<=", ">=", "=>", "|", "(", ")", "[", "]", "{", "}", ",", ";",
    ":", ".", "=", "<", ">", "+", "-", "*", "/", "%", "!", "~", "?", "#",
];

/// Unit suffixes of timespan literals and their length in nanoseconds.
const TIMESPAN_UNITS: &[(&str, i64)] = &[
    ("d", 86_400_000_000_000),
    ("day", 86_400_000_000_000),
    ("days", 86_400_000_000_000),
    ("h", 3_600_000_000_000),
    ("hr", 3_600_000_000_000),
    ("hrs", 3_600_000_000_000),
    ("hour", 3_600_000_000_000),
    ("hours", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("min", 60_000_000_000),
    ("minute", 60_000_000_000),
    ("minutes", 60_000_000_000),
    ("s", 1_000_000_000),
    ("sec", 1_000_000_000),
    ("second", 1_000_000_000),
    ("seconds", 1_000_000_000),
    ("ms", 1_000_000),
    ("milli", 1_000_000),
    ("millis", 1_000_000),
    ("millisecond", 1_000_000),
    ("milliseconds", 1_000_000),
    ("micro", 1_000),
    ("micros", 1_000),
    ("microsecond", 1_000),
    ("microseconds", 1_000),
    ("nano", 1),
    ("nanos", 1),
    ("nanosecond", 1),
    ("nanoseconds", 1),
    ("tick", 100),
    ("ticks", 100),
];

pub(crate) fn timespan_unit(suffix: &str) -> Option<i64> {
    TIMESPAN_UNITS
        .iter()
        .find(|(name, _)| *name == suffix)
        .map(|&(_, nanos)| nanos)
}

pub(crate) fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

pub(crate) fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Byte offset of the first character after whitespace and `//` comments.
pub(crate) fn skip_trivia(text: &str, pos: usize) -> usize {
    let input = text.get(pos..).unwrap_or("");
    let comment = recognize((tag("//"), take_till(|c| c == '\n')));
    let result: IResult<&str, usize> =
        many0_count(alt((take_while1(char::is_whitespace), comment))).parse(input);
    let rest = result.map_or(input, |(rest, _)| rest);
    text.len() - rest.len()
}

/// A lexical error local to the text being lexed: offset and length are
/// relative to the start of the token.
struct LexError {
    at: usize,
    len: usize,
    message: String,
}

impl LexError {
    fn new(at: usize, len: usize, message: impl Into<String>) -> Self {
        LexError {
            at,
            len,
            message: message.into(),
        }
    }
}

/// Lexes the token that starts at or after `pos` (after trivia).
pub(crate) fn lex(text: &str, pos: usize) -> Token {
    let start = skip_trivia(text, pos);
    let input = text.get(start..).unwrap_or("");
    let mut chars = input.chars();
    let Some(c) = chars.next() else {
        return Token {
            tok: Tok::Eof,
            span: Span::new(start, start),
        };
    };
    let second = chars.next();
    let result = if c.is_ascii_digit() || (c == '.' && second.is_some_and(|d| d.is_ascii_digit())) {
        lex_number(input)
    } else if c == '"' || c == '\'' || c == '@' || input.starts_with("```") {
        lex_string(input)
    } else if (c == 'h' || c == 'H') && matches!(second, Some('"' | '\'' | '@')) {
        // Obfuscated string literals (`h"secret"`) are ordinary strings to us.
        lex_string(&input[1..]).map(|(len, tok)| (len + 1, tok))
    } else if is_ident_start(c) || (c == '$' && second.is_some_and(is_ident_start)) {
        // At least one character, so that lexing always makes progress.
        let len = ident_len(input).max(c.len_utf8());
        Ok((len, Tok::Ident(input[..len].to_string())))
    } else if let Some(p) = PUNCTS.iter().copied().find(|p| input.starts_with(p)) {
        Ok((p.len(), Tok::Punct(p)))
    } else {
        Err(LexError::new(
            0,
            c.len_utf8(),
            format!("unexpected character '{c}'"),
        ))
    };
    match result {
        Ok((len, tok)) => Token {
            tok,
            span: Span::new(start, start + len),
        },
        Err(e) => {
            let span = Span::new(start + e.at, start + e.at + e.len);
            Token {
                tok: Tok::Error(Box::new(ParseError {
                    message: e.message,
                    span,
                    expected: Vec::new(),
                })),
                span,
            }
        }
    }
}

/// Length of an identifier at the start of `input` (which starts with one).
fn ident_len(input: &str) -> usize {
    let word: IResult<&str, &str> = recognize((
        opt(char('$')),
        satisfy(is_ident_start),
        take_while(is_ident_char),
    ))
    .parse(input);
    word.map_or(0, |(_, w)| w.len())
}

/// An operator name after `|`: an identifier that may contain dashes
/// (`project-away`, `mv-expand`, `top-nested`). Returns the name and its span.
pub(crate) fn lex_operator_name(text: &str, pos: usize) -> Option<(String, Span)> {
    let start = skip_trivia(text, pos);
    let input = text.get(start..)?;
    let word: IResult<&str, &str> = recognize((
        satisfy(is_ident_start),
        take_while(is_ident_char),
        many0_count((
            char('-'),
            satisfy(is_ident_start),
            take_while(is_ident_char),
        )),
    ))
    .parse(input);
    let (_, name) = word.ok()?;
    Some((name.to_string(), Span::new(start, start + name.len())))
}

/// A name pattern with wildcards (`prefix*`, `*_id`) as accepted by
/// `project-away` and friends, and by `union` for table names. Returns `None` when there is no `*` in it, so
/// that ordinary names go through the identifier path.
pub(crate) fn lex_column_pattern(text: &str, pos: usize) -> Option<(String, Span)> {
    let start = skip_trivia(text, pos);
    let input = text.get(start..)?;
    let len = input
        .find(|c: char| !(is_ident_char(c) || c == '*'))
        .unwrap_or(input.len());
    let word = &input[..len];
    (word.contains('*')).then(|| (word.to_string(), Span::new(start, start + len)))
}

fn lex_number(input: &str) -> Result<(usize, Tok), LexError> {
    if let Some(hex) = input
        .strip_prefix("0x")
        .or_else(|| input.strip_prefix("0X"))
    {
        let digits = hex
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(hex.len());
        let len = 2 + digits;
        let value = u64::from_str_radix(&hex[..digits], 16)
            .map_err(|_| LexError::new(0, len, "invalid hexadecimal literal"))?;
        // Kusto reads 64-bit hex literals as two's complement longs.
        return Ok((len, Tok::Long(value as i64)));
    }
    let number: IResult<&str, (&str, Option<&str>, Option<&str>)> = (
        take_while(|c: char| c.is_ascii_digit()),
        opt(recognize((char('.'), digit1))),
        opt(recognize((one_of("eE"), opt(one_of("+-")), digit1))),
    )
        .parse(input);
    let Ok((rest, (int_part, frac, exp))) = number else {
        return Err(LexError::new(0, 1, "invalid number"));
    };
    let num_len = input.len() - rest.len();
    let suffix_len = rest.find(|c| !is_ident_char(c)).unwrap_or(rest.len());
    let suffix = &rest[..suffix_len];
    let total = num_len + suffix_len;
    if !suffix.is_empty() {
        if exp.is_none()
            && let Some(unit) = timespan_unit(suffix)
        {
            let frac_digits = frac.map_or("", |f| &f[1..]);
            let nanos = scaled_nanos(int_part, frac_digits, unit)
                .ok_or_else(|| LexError::new(0, total, "timespan literal out of range"))?;
            return Ok((total, Tok::Timespan(nanos)));
        }
        if frac.is_none() && exp.is_none() && !int_part.is_empty() {
            // Kusto identifiers may start with digits: `90th_Percentile`.
            return Ok((total, Tok::Ident(input[..total].to_string())));
        }
        return Err(LexError::new(0, total, "invalid number"));
    }
    let text = &input[..num_len];
    if frac.is_none() && exp.is_none() {
        return text
            .parse::<i64>()
            .map(|v| (num_len, Tok::Long(v)))
            .map_err(|_| LexError::new(0, num_len, "integer literal out of range"));
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok((num_len, Tok::Real(v))),
        _ => Err(LexError::new(0, num_len, "real literal out of range")),
    }
}

/// `int.frac` × `unit` nanoseconds, truncated to whole nanoseconds.
pub(crate) fn scaled_nanos(int_part: &str, frac_digits: &str, unit: i64) -> Option<i64> {
    let int: i128 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().ok()?
    };
    // Digits beyond nanosecond precision of a day cannot change the result.
    let frac_digits = &frac_digits[..frac_digits.len().min(18)];
    let frac: i128 = if frac_digits.is_empty() {
        0
    } else {
        frac_digits.parse().ok()?
    };
    let scale = 10i128.checked_pow(u32::try_from(frac_digits.len()).ok()?)?;
    let total = int.checked_mul(i128::from(unit))? + frac * i128::from(unit) / scale;
    i64::try_from(total).ok()
}

fn lex_string(input: &str) -> Result<(usize, Tok), LexError> {
    if let Some(body) = input.strip_prefix("```") {
        let end = body
            .find("```")
            .ok_or_else(|| LexError::new(0, 3, "unterminated multi-line string literal"))?;
        return Ok((end + 6, Tok::Str(body[..end].to_string())));
    }
    if let Some(rest) = input.strip_prefix('@') {
        return lex_verbatim(rest).map(|(len, tok)| (len + 1, tok));
    }
    let mut chars = input.char_indices();
    let Some((_, quote)) = chars.next() else {
        return Err(LexError::new(0, 0, "expected a string literal"));
    };
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == quote => return Ok((i + 1, Tok::Str(value))),
            '\n' => break,
            '\\' => {
                let Some((j, e)) = chars.next() else { break };
                let decoded = match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    '\\' | '\'' | '"' => e,
                    'u' => {
                        let hex = input.get(j + 1..j + 5).unwrap_or("");
                        let code = u32::from_str_radix(hex, 16).ok().filter(|_| hex.len() == 4);
                        let Some(ch) = code.and_then(char::from_u32) else {
                            return Err(LexError::new(i, 2, "invalid \\u escape in string"));
                        };
                        // The four hex digits are ASCII, so skipping them by
                        // chars is the same as by bytes.
                        for _ in 0..4 {
                            chars.next();
                        }
                        ch
                    }
                    other => {
                        return Err(LexError::new(
                            i,
                            1 + other.len_utf8(),
                            format!("unknown escape sequence '\\{other}' in string"),
                        ));
                    }
                };
                value.push(decoded);
            }
            c => value.push(c),
        }
    }
    Err(LexError::new(0, 1, "unterminated string literal"))
}

/// `@"…"`: no escapes; a doubled quote stands for one quote.
fn lex_verbatim(input: &str) -> Result<(usize, Tok), LexError> {
    let mut chars = input.char_indices().peekable();
    let quote = match chars.next() {
        Some((_, q @ ('"' | '\''))) => q,
        _ => return Err(LexError::new(0, 1, "expected a quote after '@'")),
    };
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        if c == quote {
            if chars.peek().is_some_and(|&(_, n)| n == quote) {
                chars.next();
                value.push(quote);
            } else {
                return Ok((i + 1, Tok::Str(value)));
            }
        } else if c == '\n' {
            break;
        } else {
            value.push(c);
        }
    }
    Err(LexError::new(0, 1, "unterminated string literal"))
}

/// True when `name` prints as itself and lexes back as the same identifier.
pub(crate) fn is_plain_identifier(name: &str) -> bool {
    let token = lex(name, 0);
    token.span == Span::new(0, name.len()) && token.tok == Tok::Ident(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str) -> Tok {
        lex(text, 0).tok
    }

    #[test]
    fn numbers_and_timespans() {
        assert_eq!(tok("42"), Tok::Long(42));
        assert_eq!(tok("0xff"), Tok::Long(255));
        assert_eq!(tok("1.5"), Tok::Real(1.5));
        assert_eq!(tok(".5"), Tok::Real(0.5));
        assert_eq!(tok("1e3"), Tok::Real(1000.0));
        assert_eq!(tok("1.5h"), Tok::Timespan(5_400_000_000_000));
        assert_eq!(tok("1tick"), Tok::Timespan(100));
        assert_eq!(tok("10microsecond"), Tok::Timespan(10_000));
        assert_eq!(tok("90th_Percentile"), Tok::Ident("90th_Percentile".into()));
        assert_eq!(lex("1..2", 0).span, Span::new(0, 1));
        assert!(matches!(tok("99999999999999999999"), Tok::Error(_)));
    }

    #[test]
    fn strings() {
        assert_eq!(tok(r#""a\"b\n""#), Tok::Str("a\"b\n".into()));
        assert_eq!(tok(r"'it\'s'"), Tok::Str("it's".into()));
        assert_eq!(tok(r#"@"c:\x""y""#), Tok::Str(r#"c:\x"y"#.into()));
        assert_eq!(tok("```a\nb```"), Tok::Str("a\nb".into()));
        assert_eq!(tok(r#"h"secret""#), Tok::Str("secret".into()));
        assert_eq!(tok(r#""\u00e9""#), Tok::Str("é".into()));
        assert!(matches!(tok("\"abc"), Tok::Error(_)));
    }

    #[test]
    fn trivia_and_operator_names() {
        assert_eq!(lex("  // c\n  x", 0).span, Span::new(9, 10));
        let (name, span) = lex_operator_name(" project-away a", 0).unwrap_or_default();
        assert_eq!((name.as_str(), span), ("project-away", Span::new(1, 13)));
        assert!(is_plain_identifier("Col_1"));
        assert!(!is_plain_identifier("1d"));
        assert!(!is_plain_identifier("a b"));
    }
}
