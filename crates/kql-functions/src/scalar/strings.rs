//! String functions and Kusto's string predicates (`has`, `contains`, …).

use super::conversion::as_string;
use crate::KustoType;
use crate::catalog::{Arg, CallContext};
use crate::udf::ret;
use crate::value::{KValue, map_rows};
use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::functions::expr_fn as df;
use datafusion::logical_expr::{Expr, ScalarUDF, cast as cast_expr, lit};
use std::sync::Arc;

/// The string predicates of KQL, each with a case-sensitive flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrPredicate {
    Contains,
    Has,
    HasPrefix,
    HasSuffix,
    StartsWith,
    EndsWith,
}

macro_rules! predicate_udf {
    ($static:ident, $eval:ident, $name:literal, $pred:expr, $cs:expr) => {
        kusto_udf!($static, $name, ret::boolean, $eval);
        fn $eval(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
            eval_predicate(args, rows, $pred, $cs)
        }
    };
}

predicate_udf!(
    CONTAINS,
    e_contains,
    "kql_contains",
    StrPredicate::Contains,
    false
);
predicate_udf!(
    CONTAINS_CS,
    e_contains_cs,
    "kql_contains_cs",
    StrPredicate::Contains,
    true
);
predicate_udf!(HAS, e_has, "kql_has", StrPredicate::Has, false);
predicate_udf!(HAS_CS, e_has_cs, "kql_has_cs", StrPredicate::Has, true);
predicate_udf!(
    HASPREFIX,
    e_hasprefix,
    "kql_hasprefix",
    StrPredicate::HasPrefix,
    false
);
predicate_udf!(
    HASPREFIX_CS,
    e_hasprefix_cs,
    "kql_hasprefix_cs",
    StrPredicate::HasPrefix,
    true
);
predicate_udf!(
    HASSUFFIX,
    e_hassuffix,
    "kql_hassuffix",
    StrPredicate::HasSuffix,
    false
);
predicate_udf!(
    HASSUFFIX_CS,
    e_hassuffix_cs,
    "kql_hassuffix_cs",
    StrPredicate::HasSuffix,
    true
);
predicate_udf!(
    STARTSWITH,
    e_startswith,
    "kql_startswith",
    StrPredicate::StartsWith,
    false
);
predicate_udf!(
    STARTSWITH_CS,
    e_startswith_cs,
    "kql_startswith_cs",
    StrPredicate::StartsWith,
    true
);
predicate_udf!(
    ENDSWITH,
    e_endswith,
    "kql_endswith",
    StrPredicate::EndsWith,
    false
);
predicate_udf!(
    ENDSWITH_CS,
    e_endswith_cs,
    "kql_endswith_cs",
    StrPredicate::EndsWith,
    true
);
kusto_udf!(
    MATCHES_REGEX,
    "kql_matches_regex",
    ret::boolean,
    eval_matches_regex
);
kusto_udf!(SUBSTRING, "kql_substring", ret::utf8, eval_substring);
kusto_udf!(INDEXOF, "kql_indexof", ret::int64, eval_indexof);
kusto_udf!(COUNTOF, "kql_countof", ret::int64, eval_countof);
kusto_udf!(SPLIT, "kql_split", ret::dynamic, eval_split);
kusto_udf!(REVERSE, "kql_reverse", ret::utf8, eval_reverse);
kusto_udf!(STRREP, "kql_strrep", ret::utf8, eval_strrep);
kusto_udf!(TRIM, "kql_trim", ret::utf8, eval_trim);
kusto_udf!(TRIM_START, "kql_trim_start", ret::utf8, eval_trim_start);
kusto_udf!(TRIM_END, "kql_trim_end", ret::utf8, eval_trim_end);
kusto_udf!(EXTRACT, "kql_extract", ret::utf8, eval_extract);
kusto_udf!(REGEX_GROUP, "kql_regex_group", ret::utf8, eval_regex_group);

pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    [
        &CONTAINS,
        &CONTAINS_CS,
        &HAS,
        &HAS_CS,
        &HASPREFIX,
        &HASPREFIX_CS,
        &HASSUFFIX,
        &HASSUFFIX_CS,
        &STARTSWITH,
        &STARTSWITH_CS,
        &ENDSWITH,
        &ENDSWITH_CS,
        &MATCHES_REGEX,
        &SUBSTRING,
        &INDEXOF,
        &COUNTOF,
        &SPLIT,
        &REVERSE,
        &STRREP,
        &TRIM,
        &TRIM_START,
        &TRIM_END,
        &EXTRACT,
        &REGEX_GROUP,
    ]
    .into_iter()
    .map(|u| Arc::clone(u))
    .collect()
}

/// `left <op> right` as an expression over string arguments.
pub fn predicate(op: StrPredicate, case_sensitive: bool, left: Expr, right: Expr) -> Expr {
    let udf = match (op, case_sensitive) {
        (StrPredicate::Contains, false) => &CONTAINS,
        (StrPredicate::Contains, true) => &CONTAINS_CS,
        (StrPredicate::Has, false) => &HAS,
        (StrPredicate::Has, true) => &HAS_CS,
        (StrPredicate::HasPrefix, false) => &HASPREFIX,
        (StrPredicate::HasPrefix, true) => &HASPREFIX_CS,
        (StrPredicate::HasSuffix, false) => &HASSUFFIX,
        (StrPredicate::HasSuffix, true) => &HASSUFFIX_CS,
        (StrPredicate::StartsWith, false) => &STARTSWITH,
        (StrPredicate::StartsWith, true) => &STARTSWITH_CS,
        (StrPredicate::EndsWith, false) => &ENDSWITH,
        (StrPredicate::EndsWith, true) => &ENDSWITH_CS,
    };
    udf.call(vec![left, right])
}

/// `left matches regex right`
pub fn matches_regex(left: Expr, right: Expr) -> Expr {
    MATCHES_REGEX.call(vec![left, right])
}

fn utf8(a: &ArrayRef) -> Result<StringArray> {
    let c = cast(a, &DataType::Utf8)?;
    Ok(c.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .unwrap_or_else(|| StringArray::from(vec![None::<&str>; a.len()])))
}

fn is_term_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether `needle` occurs in `hay` starting (and/or ending) at a term boundary.
fn term_match(hay: &str, needle: &str, start_bound: bool, end_bound: bool) -> bool {
    if needle.is_empty() {
        return true;
    }
    let mut from = 0;
    while let Some(pos) = hay[from..].find(needle) {
        let s = from + pos;
        let e = s + needle.len();
        let ok_start = !start_bound
            || hay[..s]
                .chars()
                .next_back()
                .is_none_or(|c| !is_term_char(c));
        let ok_end = !end_bound || hay[e..].chars().next().is_none_or(|c| !is_term_char(c));
        if ok_start && ok_end {
            return true;
        }
        from = s + hay[s..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

pub fn string_predicate(hay: &str, needle: &str, op: StrPredicate, cs: bool) -> bool {
    let (h, n);
    let (hay, needle) = if cs {
        (hay, needle)
    } else {
        h = hay.to_lowercase();
        n = needle.to_lowercase();
        (h.as_str(), n.as_str())
    };
    match op {
        StrPredicate::Contains => hay.contains(needle),
        StrPredicate::StartsWith => hay.starts_with(needle),
        StrPredicate::EndsWith => hay.ends_with(needle),
        // A needle without term characters cannot be a term: it matches as text.
        StrPredicate::Has if !needle.chars().any(is_term_char) => hay.contains(needle),
        StrPredicate::Has => term_match(hay, needle, true, true),
        StrPredicate::HasPrefix => term_match(hay, needle, true, false),
        StrPredicate::HasSuffix => term_match(hay, needle, false, true),
    }
}

fn eval_predicate(args: &[ArrayRef], rows: usize, op: StrPredicate, cs: bool) -> Result<ArrayRef> {
    let (hay, needle) = (utf8(&args[0])?, utf8(&args[1])?);
    let out: BooleanArray = (0..rows)
        .map(|i| {
            let h = if hay.is_null(i) { "" } else { hay.value(i) };
            let n = if needle.is_null(i) {
                ""
            } else {
                needle.value(i)
            };
            Some(string_predicate(h, n, op, cs))
        })
        .collect();
    Ok(Arc::new(out))
}

fn eval_matches_regex(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let mut cache: Option<(String, Option<regex::Regex>)> = None;
    map_rows(args, rows, KustoType::Bool, |v| {
        let s = v[0].to_kusto_string();
        let pat = v[1].to_kusto_string();
        if cache.as_ref().is_none_or(|(p, _)| *p != pat) {
            cache = Some((pat.clone(), regex::Regex::new(&pat).ok()));
        }
        match cache.as_ref().and_then(|(_, r)| r.as_ref()) {
            Some(r) => KValue::Bool(r.is_match(&s)),
            None => KValue::Null,
        }
    })
}

fn chars_of(v: &KValue) -> Vec<char> {
    v.to_kusto_string().chars().collect()
}

fn eval_substring(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        let s = chars_of(&v[0]);
        let n = s.len() as i64;
        let Some(mut start) = v[1].as_i64() else {
            return KValue::String(String::new());
        };
        let len = match v.get(2) {
            Some(l) if !l.is_null() => l.as_i64().unwrap_or(0),
            _ => n,
        };
        // A negative start counts from the end.
        if start < 0 {
            start += n;
            if start < 0 {
                return KValue::String(String::new());
            }
        }
        let end = start.saturating_add(len.max(0)).min(n);
        if start >= n || end <= start {
            return KValue::String(String::new());
        }
        KValue::String(s[start as usize..end as usize].iter().collect())
    })
}

fn eval_indexof(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Long, |v| {
        if v[0].is_null() || v[1].is_null() || v[1].to_kusto_string().is_empty() {
            return KValue::Null;
        }
        let s = chars_of(&v[0]);
        let needle = chars_of(&v[1]);
        let start = v.get(2).and_then(KValue::as_i64).unwrap_or(0);
        let length = v.get(3).and_then(KValue::as_i64).unwrap_or(-1);
        let occurrence = v.get(4).and_then(KValue::as_i64).unwrap_or(1);
        if start < 0 || start as usize > s.len() || occurrence < 1 {
            return KValue::Long(-1);
        }
        let end = if length < 0 {
            s.len()
        } else {
            (start as usize + length as usize).min(s.len())
        };
        let mut found = 0;
        let mut i = start as usize;
        while i + needle.len() <= end {
            if s[i..i + needle.len()] == needle[..] {
                found += 1;
                if found == occurrence {
                    return KValue::Long(i as i64);
                }
            }
            i += 1;
        }
        KValue::Long(-1)
    })
}

fn eval_countof(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Long, |v| {
        let s = v[0].to_kusto_string();
        let needle = v[1].to_kusto_string();
        let kind = v.get(2).map(KValue::to_kusto_string).unwrap_or_default();
        if needle.is_empty() {
            return KValue::Long(0);
        }
        if kind == "regex" {
            return match regex::Regex::new(&needle) {
                Ok(r) => KValue::Long(r.find_iter(&s).count() as i64),
                Err(_) => KValue::Null,
            };
        }
        // Kusto counts overlapping occurrences for plain text.
        let mut count = 0;
        let mut from = 0;
        while let Some(p) = s[from..].find(&needle) {
            count += 1;
            from += p + s[from + p..].chars().next().map_or(1, char::len_utf8);
        }
        KValue::Long(count)
    })
}

fn eval_split(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::Dynamic, |v| {
        let s = v[0].to_kusto_string();
        let d = v[1].to_kusto_string();
        let parts: Vec<serde_json::Value> = if d.is_empty() {
            vec![serde_json::Value::String(s)]
        } else {
            s.split(d.as_str())
                .map(|p| serde_json::Value::String(p.to_string()))
                .collect()
        };
        match v.get(2) {
            Some(i) if !i.is_null() => match i.as_i64() {
                Some(i) if i >= 0 && (i as usize) < parts.len() => {
                    KValue::Dynamic(serde_json::Value::Array(vec![parts[i as usize].clone()]))
                }
                _ => KValue::Dynamic(serde_json::Value::Array(vec![])),
            },
            _ => KValue::Dynamic(serde_json::Value::Array(parts)),
        }
    })
}

fn eval_reverse(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        KValue::String(v[0].to_kusto_string().chars().rev().collect())
    })
}

fn eval_strrep(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        let s = v[0].to_kusto_string();
        let n = v[1].as_i64().unwrap_or(0).clamp(0, 1024) as usize;
        let d = v.get(2).map(KValue::to_kusto_string).unwrap_or_default();
        KValue::String(vec![s; n].join(&d))
    })
}

fn trim_with(args: &[ArrayRef], rows: usize, start: bool, end: bool) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        let pat = v[0].to_kusto_string();
        let s = v[1].to_kusto_string();
        // One match is removed at each end, as Kusto's trim does.
        let Ok(re_start) = regex::Regex::new(&format!("^(?:{pat})")) else {
            return KValue::String(s);
        };
        let Ok(re_end) = regex::Regex::new(&format!("(?:{pat})$")) else {
            return KValue::String(s);
        };
        let mut out = s.as_str();
        if start && let Some(m) = re_start.find(out) {
            out = &out[m.end()..];
        }
        if end && let Some(m) = re_end.find(out) {
            out = &out[..m.start()];
        }
        KValue::String(out.to_string())
    })
}

fn eval_trim(a: &[ArrayRef], r: usize) -> Result<ArrayRef> {
    trim_with(a, r, true, true)
}
fn eval_trim_start(a: &[ArrayRef], r: usize) -> Result<ArrayRef> {
    trim_with(a, r, true, false)
}
fn eval_trim_end(a: &[ArrayRef], r: usize) -> Result<ArrayRef> {
    trim_with(a, r, false, true)
}

fn eval_extract(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    map_rows(args, rows, KustoType::String, |v| {
        let pat = v[0].to_kusto_string();
        let group = v[1].as_i64().unwrap_or(0).max(0) as usize;
        let s = v[2].to_kusto_string();
        let Ok(re) = regex::Regex::new(&pat) else {
            return KValue::String(String::new());
        };
        let found = re
            .captures(&s)
            .and_then(|c| c.get(group))
            .map_or(String::new(), |m| m.as_str().to_string());
        KValue::String(found)
    })
}

/// `regex_group(text, pattern, n)`: capture group `n` of the first match, `""`
/// when the pattern does not match (what `parse` extracts per column).
pub fn regex_group(text: Expr, pattern: &str, group: usize) -> Expr {
    REGEX_GROUP.call(vec![text, lit(pattern), lit(group as i64)])
}

fn eval_regex_group(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let mut cache: Option<(String, Option<regex::Regex>)> = None;
    map_rows(args, rows, KustoType::String, |v| {
        let pat = v[1].to_kusto_string();
        if cache.as_ref().is_none_or(|(p, _)| *p != pat) {
            cache = Some((pat.clone(), regex::Regex::new(&pat).ok()));
        }
        let text = v[0].to_kusto_string();
        let group = v[2].as_i64().unwrap_or(0).max(0) as usize;
        let found = cache
            .as_ref()
            .and_then(|(_, r)| r.as_ref())
            .and_then(|r| r.captures(&text))
            .and_then(|c| c.get(group))
            .map_or(String::new(), |m| m.as_str().to_string());
        KValue::String(found)
    })
}

fn strings(a: Vec<Arg>) -> Vec<Expr> {
    a.into_iter().map(as_string).collect()
}

fn first(a: Vec<Arg>) -> Result<Arg, String> {
    a.into_iter()
        .next()
        .ok_or_else(|| "missing argument".to_string())
}

pub fn strlen(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(cast_expr(
        df::character_length(as_string(first(a)?)),
        DataType::Int64,
    ))
}
pub fn string_size(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(cast_expr(
        df::octet_length(as_string(first(a)?)),
        DataType::Int64,
    ))
}
pub fn tolower(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(df::lower(as_string(first(a)?)))
}
pub fn toupper(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(df::upper(as_string(first(a)?)))
}
pub fn strcat(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    Ok(df::concat(strings(a)))
}
pub fn strcat_delim(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut s = strings(a);
    let delim = s.remove(0);
    Ok(df::concat_ws(delim, s))
}
pub fn substring(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&SUBSTRING, a)
}
pub fn indexof(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&INDEXOF, a)
}
pub fn countof(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&COUNTOF, a)
}
pub fn split(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&SPLIT, a)
}
pub fn replace_string(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    let mut s = strings(a).into_iter();
    match (s.next(), s.next(), s.next()) {
        // An empty lookup replaces nothing (DataFusion would insert between characters).
        (Some(t), Some(from), Some(to)) => {
            datafusion::logical_expr::when(from.clone().eq(lit("")), t.clone())
                .otherwise(df::replace(t, from, to))
                .map_err(|e| e.to_string())
        }
        _ => Err("replace_string() takes 3 arguments".into()),
    }
}
pub fn reverse(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&REVERSE, a)
}
pub fn strrep(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&STRREP, a)
}
pub fn trim(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&TRIM, a)
}
pub fn trim_start(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&TRIM_START, a)
}
pub fn trim_end(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    super::call_udf(&TRIM_END, a)
}
pub fn extract(a: Vec<Arg>, _: &CallContext) -> Result<Expr, String> {
    if a.len() == 4 {
        return Err("extract() with a typeof() argument is not supported yet".into());
    }
    super::call_udf(&EXTRACT, a)
}

/// Used by the planner for `=~`: both sides lower-cased.
pub fn lower(e: Expr) -> Expr {
    df::lower(e)
}

/// The empty string literal, for places that must not produce null strings.
pub fn empty() -> Expr {
    lit("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_matches_whole_terms_only() {
        assert!(string_predicate(
            "error code 500",
            "error",
            StrPredicate::Has,
            false
        ));
        assert!(!string_predicate(
            "error code",
            "err",
            StrPredicate::Has,
            false
        ));
        assert!(string_predicate(
            "Error code",
            "error code",
            StrPredicate::Has,
            false
        ));
        assert!(!string_predicate("Error", "error", StrPredicate::Has, true));
        assert!(string_predicate(
            "/api/chat/completions",
            "chat",
            StrPredicate::Has,
            false
        ));
        assert!(string_predicate(
            "hello world",
            "wor",
            StrPredicate::HasPrefix,
            false
        ));
        assert!(string_predicate(
            "hello world",
            "rld",
            StrPredicate::HasSuffix,
            false
        ));
    }
}
