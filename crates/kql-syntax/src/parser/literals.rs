//! Typed literals: `datetime(…)`, `time(…)`/`timespan(…)`, `guid(…)`,
//! `dynamic(…)` and the scalar forms `long(5)`, `int(null)`, `real(nan)`,
//! `decimal(1.5)`, `bool(true)`, `string(null)`.
//!
//! The contents of `datetime`, `timespan` and `guid` are not KQL tokens
//! (`2024-02-10T12:00:00Z`, `1.02:03:04`), so they are read as raw text.

use super::lexical::{self, Tok};
use super::{PResult, Parser, json};
use crate::ast::{Expr, ExprKind, Literal, Span};
use nom::{
    IResult, Parser as _,
    branch::alt,
    bytes::complete::take_while_m_n,
    character::complete::{alpha0, char, digit1, one_of, space0, space1},
    combinator::{all_consuming, opt, recognize},
    sequence::{preceded, terminated},
};

const NANOS_PER_SECOND: i128 = 1_000_000_000;
const NANOS_PER_DAY: i128 = 86_400 * NANOS_PER_SECOND;

/// Names that form a literal when followed by `(`.
pub(super) fn is_typed_literal(name: &str) -> bool {
    matches!(
        name,
        "datetime"
            | "time"
            | "timespan"
            | "guid"
            | "dynamic"
            | "long"
            | "int64"
            | "int"
            | "int32"
            | "real"
            | "double"
            | "decimal"
            | "bool"
            | "boolean"
            | "string"
    )
}

impl Parser<'_> {
    /// At `name(`, with `name` one of [`is_typed_literal`].
    pub(super) fn typed_literal(&mut self) -> PResult<Expr> {
        let name_token = self.bump();
        let Tok::Ident(name) = name_token.tok else {
            return Err(self.unexpected(&["literal"]));
        };
        let start = name_token.span.start;
        self.expect("(")?;
        let literal = match name.as_str() {
            "datetime" => {
                let (content, span) = self.raw_content()?;
                if content == "null" {
                    Literal::Null(name)
                } else {
                    let nanos = parse_datetime(&content).map_err(|reason| {
                        Self::error(span, format!("invalid datetime literal: {reason}"), &[])
                    })?;
                    Literal::DateTime {
                        nanos,
                        raw: content,
                    }
                }
            }
            "time" | "timespan" => {
                let (content, span) = self.raw_content()?;
                if content == "null" {
                    Literal::Null(name)
                } else {
                    let nanos = parse_timespan(&content).ok_or_else(|| {
                        Self::error(
                            span,
                            "invalid timespan literal",
                            &["timespan like 1.5h, 2d, 00:30:00 or 1.02:03:04.5"],
                        )
                    })?;
                    Literal::Timespan {
                        nanos,
                        raw: format!("{name}({content})"),
                    }
                }
            }
            "guid" => {
                let (content, span) = self.raw_content()?;
                if content == "null" {
                    Literal::Null(name)
                } else {
                    Literal::Guid(parse_guid(&content).ok_or_else(|| {
                        Self::error(
                            span,
                            "invalid guid literal",
                            &["guid like 74be27de-1e4e-49d9-b579-fe0b331d3642"],
                        )
                    })?)
                }
            }
            "dynamic" => {
                let (text, end) = json::parse(self.text, self.pos)?;
                self.advance_to(end);
                self.expect(")")?;
                Literal::Dynamic(text)
            }
            _ => self.scalar_literal(name)?,
        };
        Ok(Expr {
            kind: ExprKind::Literal(literal),
            span: self.span_from(start),
        })
    }

    /// The raw text up to `)` (consumed), trimmed, or the value of a string
    /// literal written there (`datetime("2024-01-01")`).
    fn raw_content(&mut self) -> PResult<(String, Span)> {
        let token = self.peek();
        if let Tok::Str(value) = token.tok {
            self.bump();
            self.expect(")")?;
            return Ok((value, token.span));
        }
        let start = lexical::skip_trivia(self.text, self.pos);
        let rest = self.text.get(start..).unwrap_or("");
        let len = rest.find([')', '(', '\n']).unwrap_or(rest.len());
        let content = rest[..len].trim_end();
        let span = Span::new(start, start + content.len());
        if !rest[len..].starts_with(')') {
            return Err(Self::error(
                Span::new(start + len, start + len),
                "unterminated literal",
                &["')'"],
            ));
        }
        self.advance_to(start + len);
        self.expect(")")?;
        Ok((content.to_string(), span))
    }

    /// `long(…)`, `int(…)`, `real(…)`, `decimal(…)`, `bool(…)`, `string(…)`:
    /// the argument must be a literal of that type or `null`.
    fn scalar_literal(&mut self, name: String) -> PResult<Literal> {
        let start = self.peek().span.start;
        if self.eat_kw("null").is_some() {
            self.expect(")")?;
            return Ok(Literal::Null(name));
        }
        let negative = self.eat("-").is_some();
        if !negative {
            self.eat("+");
        }
        if negative
            && matches!(name.as_str(), "long" | "int64")
            && self.eat_min_long_digits().is_some()
        {
            self.expect(")")?;
            return Ok(Literal::Long(i64::MIN));
        }
        let token = self.bump();
        if let Tok::Error(err) = token.tok {
            return Err(*err);
        }
        let text = self
            .text
            .get(token.span.start..token.span.end)
            .unwrap_or("");
        let literal = match (name.as_str(), &token.tok) {
            ("long" | "int64", Tok::Long(v)) => signed(*v, negative).map(Literal::Long),
            ("int" | "int32", Tok::Long(v)) => signed(*v, negative)
                .and_then(|v| i32::try_from(v).ok())
                .map(Literal::Int),
            ("real" | "double", Tok::Long(v)) => Some(Literal::Real(sign(*v as f64, negative))),
            ("real" | "double", Tok::Real(v)) => Some(Literal::Real(sign(*v, negative))),
            ("real" | "double", Tok::Ident(word)) => match word.as_str() {
                "nan" | "NaN" if !negative => Some(Literal::Real(f64::NAN)),
                "inf" | "infinity" => Some(Literal::Real(sign(f64::INFINITY, negative))),
                _ => None,
            },
            ("decimal", Tok::Long(_) | Tok::Real(_))
                if text
                    .chars()
                    .all(|c| c.is_ascii_digit() || ".eE+-".contains(c)) =>
            {
                Some(Literal::Decimal(format!(
                    "{}{text}",
                    if negative { "-" } else { "" }
                )))
            }
            ("bool" | "boolean", Tok::Ident(word)) if !negative => {
                match word.to_ascii_lowercase().as_str() {
                    "true" => Some(Literal::Bool(true)),
                    "false" => Some(Literal::Bool(false)),
                    _ => None,
                }
            }
            ("string", Tok::Str(s)) if !negative => Some(Literal::String(s.clone())),
            _ => None,
        };
        let Some(literal) = literal else {
            let span = Span::new(start, token.span.end.max(start));
            let (what, convert) = literal_kind(&name);
            let message = if matches!(token.tok, Tok::Long(_) | Tok::Real(_)) {
                format!("value out of range for '{name}'")
            } else {
                format!(
                    "'{name}(…)' takes a literal {what} or null; use {convert}() to convert an expression"
                )
            };
            return Err(Self::error(span, message, &[what]));
        };
        self.expect(")")?;
        Ok(literal)
    }
}

fn signed(v: i64, negative: bool) -> Option<i64> {
    if negative { v.checked_neg() } else { Some(v) }
}

fn sign(v: f64, negative: bool) -> f64 {
    if negative { -v } else { v }
}

/// What a scalar typed literal holds, and the function that converts to it.
fn literal_kind(name: &str) -> (&'static str, &'static str) {
    match name {
        "long" | "int64" => ("integer", "tolong"),
        "int" | "int32" => ("integer", "toint"),
        "real" | "double" => ("number", "toreal"),
        "decimal" => ("number", "todecimal"),
        "bool" | "boolean" => ("boolean", "tobool"),
        _ => ("string", "tostring"),
    }
}

type NomResult<'a, T> = IResult<&'a str, T>;

fn digits(min: usize, max: usize) -> impl FnMut(&str) -> NomResult<'_, &str> {
    move |input| take_while_m_n(min, max, |c: char| c.is_ascii_digit()).parse(input)
}

fn number(input: &str) -> u32 {
    input.parse().unwrap_or(0)
}

/// Nanoseconds since the Unix epoch (UTC) of an ISO 8601 date-time:
/// `2024-02-10`, `2024-02-10 12:00`, `2024-02-10T12:00:00.1234567Z`,
/// `2024-02-10T12:00:00+01:00`.
pub(crate) fn parse_datetime(text: &str) -> Result<i64, &'static str> {
    let date = (
        digits(4, 4),
        char('-'),
        digits(1, 2),
        char('-'),
        digits(1, 2),
    );
    let time = (
        alt((recognize(char('T')), space1)),
        digits(1, 2),
        char(':'),
        digits(1, 2),
        opt(preceded(char(':'), digits(1, 2))),
        opt(preceded(char('.'), digit1)),
    );
    let zone = alt((
        recognize(char('Z')),
        recognize((one_of("+-"), digits(2, 2), char(':'), digits(2, 2))),
    ));
    let result: NomResult<'_, _> =
        all_consuming((date, opt(time), opt(preceded(space0, zone)), space0)).parse(text);
    let Ok((_, ((year, _, month, _, day), time, zone, _))) = result else {
        return Err("expected a date like 2024-02-10 or 2024-02-10T12:00:00Z");
    };
    let (year, month, day) = (number(year), number(month), number(day));
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err("no such date");
    }
    let mut nanos = i128::from(days_from_civil(year, month, day)) * NANOS_PER_DAY;
    if let Some((_, hour, _, minute, second, fraction)) = time {
        let (hour, minute, second) = (number(hour), number(minute), second.map_or(0, number));
        if hour > 23 || minute > 59 || second > 59 {
            return Err("time of day out of range");
        }
        let seconds = i128::from((hour * 60 + minute) * 60 + second);
        nanos += seconds * NANOS_PER_SECOND + fraction_nanos(fraction.unwrap_or(""));
    }
    if let Some(zone) = zone
        && let Some(sign) = zone.chars().next().filter(|c| *c != 'Z')
    {
        let hours = number(zone.get(1..3).unwrap_or("0"));
        let minutes = number(zone.get(4..6).unwrap_or("0"));
        let offset = i128::from(hours * 60 + minutes) * 60 * NANOS_PER_SECOND;
        // Local time = UTC + offset.
        nanos += if sign == '+' { -offset } else { offset };
    }
    i64::try_from(nanos).map_err(|_| "out of the supported range (years 1678 to 2261)")
}

/// `.1234567` → nanoseconds; digits beyond nanoseconds are dropped.
fn fraction_nanos(digits: &str) -> i128 {
    let digits = &digits[..digits.len().min(9)];
    let padded = format!("{digits:0<9}");
    padded.parse().unwrap_or(0)
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub(crate) fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let (year, month, day) = (i64::from(year), i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Nanoseconds of a timespan written inside `time(…)`: `2d`, `1.5h`,
/// `15 seconds`, `2` (days), `12:30`, `1.02:03:04.5`, with an optional sign.
pub(crate) fn parse_timespan(text: &str) -> Option<i64> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text.strip_prefix('+').unwrap_or(text).trim_start()),
    };
    let clock: NomResult<'_, _> = all_consuming((
        opt(terminated(digit1, char('.'))),
        digit1,
        char(':'),
        digit1,
        opt(preceded(char(':'), digit1)),
        opt(preceded(char('.'), digit1)),
    ))
    .parse(body);
    let nanos = if let Ok((_, (days, hours, _, minutes, seconds, fraction))) = clock {
        // Each part fits an i64, so the i128 arithmetic below cannot overflow.
        let whole = |s: &str| s.parse::<i64>().ok().map(i128::from);
        let days = days.map_or(Some(0), whole)?;
        let seconds = ((days * 24 + whole(hours)?) * 60 + whole(minutes)?) * 60
            + seconds.map_or(Some(0), whole)?;
        seconds * NANOS_PER_SECOND + fraction_nanos(fraction.unwrap_or(""))
    } else {
        let with_unit: NomResult<'_, _> =
            all_consuming((digit1, opt(preceded(char('.'), digit1)), space0, alpha0)).parse(body);
        let (_, (int, fraction, _, unit)) = with_unit.ok()?;
        let unit = if unit.is_empty() {
            86_400_000_000_000
        } else {
            lexical::timespan_unit(unit)?
        };
        i128::from(lexical::scaled_nanos(int, fraction.unwrap_or(""), unit)?)
    };
    i64::try_from(if negative { -nanos } else { nanos }).ok()
}

/// `74BE27DE-1E4E-49D9-B579-FE0B331D3642` → lower-case canonical form.
fn parse_guid(text: &str) -> Option<String> {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    let valid = groups.len() == lengths.len()
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()));
    valid.then(|| text.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes() {
        assert_eq!(parse_datetime("1970-01-01"), Ok(0));
        assert_eq!(parse_datetime("2024-02-10"), Ok(1_707_523_200_000_000_000));
        assert_eq!(
            parse_datetime("2024-02-10T12:00:00.1234567Z"),
            Ok(1_707_566_400_123_456_700)
        );
        assert_eq!(
            parse_datetime("2024-02-10 12:00"),
            Ok(1_707_566_400_000_000_000)
        );
        assert_eq!(
            parse_datetime("2024-02-10T13:00:00+01:00"),
            Ok(1_707_566_400_000_000_000)
        );
        assert_eq!(parse_datetime("1969-12-31"), Ok(-86_400_000_000_000));
        assert!(parse_datetime("2023-02-29").is_err());
        assert!(parse_datetime("2024-13-01").is_err());
        assert!(parse_datetime("0001-01-01").is_err());
        assert!(parse_datetime("yesterday").is_err());
    }

    #[test]
    fn timespans() {
        let s = 1_000_000_000;
        assert_eq!(parse_timespan("2"), Some(2 * 86_400 * s));
        assert_eq!(parse_timespan("15 seconds"), Some(15 * s));
        assert_eq!(parse_timespan("1.5h"), Some(5_400 * s));
        assert_eq!(parse_timespan("00:01:00"), Some(60 * s));
        assert_eq!(
            parse_timespan("0.12:34:56.7"),
            Some((12 * 3600 + 34 * 60 + 56) * s + 700_000_000)
        );
        assert_eq!(parse_timespan("-1d"), Some(-86_400 * s));
        assert_eq!(parse_timespan("1x"), None);
    }

    #[test]
    fn guids() {
        assert_eq!(
            parse_guid("74BE27DE-1E4E-49D9-B579-FE0B331D3642").as_deref(),
            Some("74be27de-1e4e-49d9-b579-fe0b331d3642")
        );
        assert_eq!(parse_guid("74be27de-1e4e-49d9-b579"), None);
    }
}
