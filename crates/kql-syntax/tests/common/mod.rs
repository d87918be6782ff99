//! Helpers shared by the integration tests.

#![allow(dead_code)]

use kql_syntax::ast::Query;
use kql_syntax::parse_query;

/// The `Debug` text of a tree with every `Span { .. }` blanked, so trees can
/// be compared ignoring positions (and `NaN` compares equal to itself).
pub fn without_spans(query: &Query) -> String {
    let debug = format!("{query:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        out.push_str("Span");
        let after = &rest[i..];
        let end = after.find('}').map_or(after.len(), |e| e + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Parses `text`, prints it, parses the print and checks both trees agree;
/// returns the printed text.
pub fn round_trip(text: &str) -> String {
    let first = parse_query(text).unwrap_or_else(|e| panic!("parse {text:?}: {e:?}"));
    let printed = first.to_string();
    let second = parse_query(&printed)
        .unwrap_or_else(|e| panic!("reparse of {text:?} printed as {printed:?}: {e:?}"));
    assert_eq!(
        without_spans(&first),
        without_spans(&second),
        "round trip changed the tree\n  input:   {text}\n  printed: {printed}"
    );
    assert_eq!(
        printed,
        second.to_string(),
        "printing is not stable for {text:?}"
    );
    printed
}
