//! Arbitrary input never panics anywhere before execution: random sequences
//! of KQL tokens (deterministic pseudo-random, so failures reproduce) go
//! through the parser and the planner and must come back as a plan or an error.

use kql_engine::Session;

const TOKENS: &[&str] = &[
    "T",
    "datatable(a:long, s:string)[1, \"x\"]",
    "print",
    "range",
    "x",
    "from",
    "to",
    "step",
    "|",
    "where",
    "project",
    "extend",
    "summarize",
    "by",
    "count",
    "take",
    "top",
    "sort",
    "order",
    "asc",
    "desc",
    "join",
    "on",
    "union",
    "mv-expand",
    "parse",
    "with",
    "make-series",
    "render",
    "timechart",
    "let",
    "=",
    ";",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    "==",
    "!=",
    "=~",
    "<",
    ">",
    "+",
    "-",
    "*",
    "/",
    "%",
    "and",
    "or",
    "not",
    "has",
    "contains",
    "in",
    "!in",
    "between",
    "..",
    "1",
    "0",
    "-1",
    "1.5",
    "1h",
    "\"s\"",
    "'q'",
    "a",
    "s",
    "datetime(2024-01-01)",
    "dynamic([1,2])",
    "long(null)",
    "count()",
    "sum(a)",
    "bin(a, 1)",
    "iff(",
    "case(",
    "strlen(",
    "tostring(",
    "toscalar(",
    "$left",
    "$right",
    "@'v'",
    "*",
    "arg_max(a, *)",
    "percentile(a, 50)",
    "serialize",
    "row_number()",
    "prev(a)",
    "top-nested",
    "of",
    "mv-apply",
    "search",
    "lookup",
    "getschema",
    "distinct",
    "as",
    "//c\n",
    "\n",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_token_streams_never_panic() {
    let session = Session::new();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..4_000 {
        let len = 1 + (rng.next() % 24) as usize;
        let query: Vec<&str> = (0..len)
            .map(|_| TOKENS[(rng.next() % TOKENS.len() as u64) as usize])
            .collect();
        let query = query.join(" ");
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = session.plan(&query);
        }));
        assert!(outcome.is_ok(), "case {case} panicked: {query}");
    }
}

#[test]
fn random_valid_prefixes_never_panic() {
    // Every prefix of realistic queries: what a user has typed so far.
    let session = Session::new();
    let queries = [
        "datatable(t:datetime, v:long)[datetime(2024-01-01), 1] | summarize count(), avg(v) by bin(t, 1h) | top 10 by count_ desc | render timechart",
        "let L = datatable(k:long, a:string)[1, \"x\"]; L | join kind=leftouter (datatable(k:long, b:string)[1, \"y\"]) on k | project a, b",
        "print d = dynamic({\"a\": [1, 2]}) | mv-expand v = d.a to typeof(long) | extend s = strcat(\"v=\", v) | parse s with \"v=\" n:int",
    ];
    for q in queries {
        for end in (0..=q.len()).filter(|i| q.is_char_boundary(*i)) {
            let prefix = &q[..end];
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let _ = session.plan(prefix);
            }));
            assert!(outcome.is_ok(), "prefix panicked: {prefix}");
        }
    }
}
