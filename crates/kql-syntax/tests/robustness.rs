//! The parser never panics or overflows the stack: hostile and random inputs
//! yield a tree or an error with an in-bounds span.

mod common;

use kql_syntax::parse_query;

/// Parses `text` and checks the outcome is sane; successful parses must also
/// round-trip.
fn check(text: &str) {
    match parse_query(text) {
        Ok(_) => {
            common::round_trip(text);
        }
        Err(e) => {
            assert!(
                e.span.start <= e.span.end && e.span.end <= text.len(),
                "span {:?} out of bounds for {text:?}",
                e.span
            );
            assert!(text.is_char_boundary(e.span.start), "{text:?}: {e:?}");
            assert!(!e.message.is_empty());
            // The caret rendering must cope with any span the parser reports.
            let _ = kql_syntax::render_caret(text, e.span, &e.message);
        }
    }
}

#[test]
fn degenerate_inputs() {
    for text in [
        "",
        " ",
        "|",
        "||",
        ";",
        ";;",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "'",
        "@\"",
        "```",
        "T |",
        "T | where (",
        "T | where x == 'abc",
        "let",
        "let x",
        "let x =",
        "let x = (",
        "declare",
        "declare query_parameters(",
        "datatable",
        "datatable(a:long)[",
        "print",
        "print datetime(",
        "print dynamic(",
        "print dynamic([[[",
        "print guid(",
        "T | join",
        "T | join (U",
        "T | render",
        "T | render x with (",
        "T | mv-expand",
        "T | summarize by",
        "range",
        "union",
        "T | parse x with \"",
        "é",
        "T | where é",
        "T | where x == \"é",
        "print ['é",
        "$",
        "$left",
        "T | where $left.",
        "0x",
        "1e",
        "1.",
        "T | where x in~",
        "T | where x !",
        "T | where x !~",
        "print time(99999999999999999999d)",
        "print datetime(9999-12-31)",
        "print 99999999999999999999",
        "print 1tick1",
        "T // only a comment",
        "// nothing",
        "let f = (x:long) {",
        "let f = (x:long) { x",
        "let f = () { let y = 1 }; T",
        "T | take 1 |",
        "T | where x between (1 ..",
    ] {
        check(text);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 10_000;
    let cases = [
        format!("print {}1{}", "(".repeat(depth), ")".repeat(depth)),
        format!("print {}1", "-".repeat(depth)),
        format!("print {}1{}", "f(".repeat(depth), ")".repeat(depth)),
        format!("print x{}", "[0".repeat(depth)),
        format!("{}T{}", "(".repeat(depth), ")".repeat(depth)),
        format!(
            "T | where x in ({}1{})",
            "(".repeat(depth),
            ")".repeat(depth)
        ),
        format!("let x = {}1{}; T", "(".repeat(depth), ")".repeat(depth)),
        format!("print dynamic({}{})", "[".repeat(depth), "]".repeat(depth)),
        format!("{}T", "union (".repeat(depth)),
        format!("print toscalar({}", "toscalar(T | where ".repeat(depth)),
        "(".repeat(depth),
    ];
    for text in &cases {
        let result = parse_query(text);
        let err = result.expect_err("deep nesting must be rejected");
        assert!(err.span.end <= text.len());
    }
    let err = parse_query(&cases[0]).expect_err("deep nesting");
    assert_eq!(err.message, "expression nested too deeply");
    // Moderate nesting is fine.
    check(&format!("print {}1{}", "(".repeat(50), ")".repeat(50)));
}

/// A small deterministic generator (xorshift) so the test needs no crates
/// and failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const TOKENS: &[&str] = &[
    "T",
    "U",
    "x",
    "y",
    "|",
    "where",
    "project",
    "extend",
    "summarize",
    "by",
    "count()",
    "join",
    "on",
    "kind=inner",
    "union",
    "take",
    "5",
    "-",
    "+",
    "*",
    "/",
    "==",
    "!=",
    "=",
    "<",
    "and",
    "or",
    "not",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    "let",
    "=",
    "\"s\"",
    "'q",
    "\"",
    "1.5",
    "1d",
    "2h",
    "datetime(2024-01-01)",
    "datetime(",
    "dynamic({\"a\":1})",
    "dynamic(",
    "guid(",
    "int(",
    "null",
    "in",
    "!in",
    "in~",
    "has_any",
    "between",
    "..",
    "contains",
    "!has",
    "matches",
    "regex",
    "$left.a",
    "$right",
    ".",
    "print",
    "range",
    "from",
    "to",
    "step",
    "datatable(a:long)",
    "mv-expand",
    "render",
    "with",
    "top",
    "asc",
    "desc",
    "nulls",
    "first",
    "sort",
    "distinct",
    "parse",
    "make-series",
    "// c\n",
    "\n",
    "['n']",
    "@'v'",
    "```m```",
    "0x1F",
    "toscalar(",
    "materialize(",
    "é",
    "😀",
    "?",
    "#",
];

#[test]
fn random_token_soup_never_panics() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..5_000 {
        let len = 1 + rng.next() % 24;
        let mut text = String::new();
        for _ in 0..len {
            text.push_str(rng.pick(TOKENS));
            if !rng.next().is_multiple_of(3) {
                text.push(' ');
            }
        }
        check(&text);
    }
}

#[test]
fn random_prefixes_of_valid_queries_never_panic() {
    let queries = [
        "let x = 1; T | where a > x and b has \"y\" | summarize c = count() by bin(ts, 1h) | top 3 by c desc",
        "T | join kind=leftouter (U | where x in (1, 2)) on $left.a == $right.b | project a, b",
        "datatable(a:long, s:string)[1, \"x\", -2, 'y'] | mv-expand with_itemindex=i s to typeof(string)",
        "print d = dynamic({\"k\": [1, {\"n\": null}]}), t = datetime(2024-02-10 12:00), g = guid(74be27de-1e4e-49d9-b579-fe0b331d3642)",
        "let f = (t:(*), n:long = 3) { t | take n }; f(T) | render timechart with (ycolumns=a, b)",
    ];
    for query in queries {
        for (i, _) in query.char_indices() {
            check(&query[..i]);
            check(&query[i..]);
        }
    }
}
