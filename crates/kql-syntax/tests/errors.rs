//! Syntax errors point at the offending text and say what was expected.

use kql_syntax::{ParseError, parse_query, render_caret};

fn error(text: &str) -> ParseError {
    match parse_query(text) {
        Ok(query) => panic!("{text:?} parsed as {query}"),
        Err(e) => e,
    }
}

/// Asserts the error message contains `message`, starts at byte `at`, and
/// that `expected` equals the given list (when one is given).
fn check(text: &str, message: &str, at: usize, expected: Option<&[&str]>) {
    let e = error(text);
    assert!(
        e.message.contains(message),
        "{text:?}: message {:?} lacks {message:?}",
        e.message
    );
    assert_eq!(e.span.start, at, "{text:?}: wrong position in {e:?}");
    if let Some(expected) = expected {
        assert_eq!(e.expected, expected, "{text:?}");
    }
}

#[test]
fn positions_and_expectations() {
    check(
        "",
        "unexpected end of query",
        0,
        Some(&["tabular expression"]),
    );
    check("|", "unexpected '|'", 0, Some(&["tabular expression"]));
    check(
        "T | where",
        "unexpected end of query",
        9,
        Some(&["expression"]),
    );
    check(
        "T | where x >",
        "unexpected end of query",
        13,
        Some(&["expression"]),
    );
    check(
        "T | take 5 xyz",
        "unexpected 'xyz'",
        11,
        Some(&["'|'", "';'", "end of query"]),
    );
    check("T | sort a", "unexpected 'a'", 9, Some(&["'by'"]));
    check("T | top 5 x", "unexpected 'x'", 10, Some(&["'by'"]));
    check(
        "T | summarize",
        "unexpected end of query",
        13,
        Some(&["aggregation", "'by'"]),
    );
    check(
        "T | summarize count() by",
        "unexpected end of query",
        24,
        Some(&["expression"]),
    );
    check("T | join U", "unexpected end of query", 10, Some(&["'on'"]));
    check(
        "T | where (x > 1",
        "unexpected end of query",
        16,
        Some(&["')'"]),
    );
    check("T | where x in 1", "unexpected '1'", 15, Some(&["'('"]));
    check(
        "T | where x between (1, 2)",
        "unexpected ','",
        22,
        Some(&["'..'"]),
    );
    check("let x = 1", "unexpected end of query", 9, Some(&["';'"]));
    check(
        "let x = 1;",
        "unexpected end of query",
        10,
        Some(&["tabular expression"]),
    );
    check(
        "range x from 1 to 10",
        "unexpected end of query",
        20,
        Some(&["'step'"]),
    );
    check("T | 5", "unexpected '5'", 4, Some(&["operator"]));
    check(
        "T | where x > 1 |",
        "unexpected end of query",
        17,
        Some(&["operator"]),
    );
    check(
        "T | where and x",
        "unexpected 'and'",
        10,
        Some(&["expression"]),
    );
    check(
        "datatable(a:long)[1 2]",
        "unexpected '2'",
        20,
        Some(&["','", "']'"]),
    );
    check(
        "T\n| extend x = 1,",
        "unexpected end of query",
        17,
        Some(&["expression"]),
    );
}

#[test]
fn helpful_messages() {
    check(
        "T | wher x > 1",
        "unknown operator 'wher'; did you mean 'where'?",
        4,
        None,
    );
    check(
        "T | Summarize count()",
        "did you mean 'summarize'?",
        4,
        None,
    );
    check("T | projectaway a", "did you mean 'project-away'?", 4, None);
    check("T | frobnicate", "unknown operator 'frobnicate'", 4, None);
    let e = error("T | frobnicate");
    assert!(!e.message.contains("did you mean"), "{e:?}");
    assert!(e.expected.contains(&"'where'".to_string()));
    check(
        "T | where x = 1",
        "use '==' to compare",
        12,
        Some(&["'=='"]),
    );
    check(
        "T | where a == b == c",
        "comparisons cannot be chained",
        17,
        None,
    );
    check(
        "T | join kind=sideways U on k",
        "unknown join kind",
        14,
        None,
    );
    check(
        "print long(x)",
        "use tolong() to convert",
        11,
        Some(&["integer"]),
    );
    check("print int(3000000000)", "out of range", 10, None);
    check(
        "print datetime(2024-13-01)",
        "invalid datetime literal",
        15,
        None,
    );
    check("print datetime(2023-02-29)", "no such date", 15, None);
    check(
        "print datetime(1066-10-14)",
        "out of the supported range",
        15,
        None,
    );
    check(
        "print time(1 fortnight)",
        "invalid timespan literal",
        11,
        None,
    );
    check("print guid(not-a-guid)", "invalid guid literal", 11, None);
    check(
        "print dynamic({\"a\":})",
        "invalid dynamic literal",
        19,
        Some(&["JSON value"]),
    );
    check(
        "print dynamic([1,2)",
        "invalid dynamic literal",
        18,
        Some(&["','", "']'"]),
    );
    check(
        "T | where x == \"abc",
        "unterminated string literal",
        15,
        None,
    );
    check(
        "T | where x == 'a\\qb'",
        "unknown escape sequence",
        17,
        None,
    );
    check(
        "print 99999999999999999999",
        "integer literal out of range",
        6,
        None,
    );
    check("print 1.5xyz", "invalid number", 6, None);
    check("T | where x == #", "unexpected '#'", 15, None);
    check("T | where x == §", "unexpected character '§'", 15, None);
    check(
        "T | where $left.a == $left.b | join U on $left.a == $left.b",
        "must compare a $left column",
        41,
        None,
    );
    check(
        "externaldata (a:long) [\"http://x\"]",
        "'externaldata' is not supported yet",
        0,
        None,
    );
}

#[test]
fn caret_rendering_points_at_the_error() {
    let text = "T\n| where x > 1\n| summarise count()";
    let e = error(text);
    let rendered = render_caret(text, e.span, &e.to_string());
    assert!(rendered.contains("at 3:3"), "{rendered}");
    assert!(rendered.contains("did you mean 'summarize'?"), "{rendered}");
    assert!(rendered.ends_with("  ^^^^^^^^^"), "{rendered}");
}

#[test]
fn error_display_lists_expectations() {
    let e = error("T | where");
    assert_eq!(
        e.to_string(),
        "unexpected end of query (expected expression)"
    );
}

#[test]
fn recovery_reports_every_broken_operator() {
    let errors = kql_syntax::parse_query_all("T\n| wher a > 1\n| project b,\n| take 1")
        .expect_err("two broken operators");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].message.contains("did you mean 'where'"),
        "{errors:?}"
    );
    assert_eq!(
        kql_syntax::line_col(
            "T\n| wher a > 1\n| project b,\n| take 1",
            errors[1].span.start
        ),
        (4, 1)
    );
    // A query without errors parses the same way as with parse_query.
    assert!(kql_syntax::parse_query_all("T | take 1").is_ok());
}
