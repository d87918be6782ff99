//! The exact text of error messages people see: wording, line:column and the
//! caret. Each case in `tests/snapshots/errors.txt` is a query and its whole
//! rendered error; `KQL_UPDATE_SNAPSHOTS=1` rewrites the file after a
//! deliberate change (review the diff).

use kql_engine::Session;
use std::path::Path;

const QUERIES: &[&str] = &[
    "T | take 1",
    "datatable(a:long)[1] | wher a > 1",
    "datatable(a:long)[1]\n| where b > 1",
    "datatable(TotalTime:long)[1] | where TotalTme > 1000",
    "datatable(a:long)[1] | extend x = a + \"s\"",
    "datatable(a:long)[1] | summarize count() by nope",
    "print strlen(1, 2)",
    "print tolowr('A')",
    "print 1 +",
    "datatable(a:long)[1] | where a == 1 | project-away zz",
    "datatable(a:string)[\"x\"] | extend n = count()",
    "datatable(a:long)[1]\n| wher a > 1\n| project b,\n| take 1",
    "print x = 'unterminated",
    "datatable(a:long)[1] | render piechartt",
    "datatable(d:dynamic)[dynamic([1])] | sort by d",
    "datatable(a:long)[1] | fork (take 1)",
    "datatable(a:long)[1] | scan declare (w:long) with (step s: true => w = prev(a);)",
    "let f = (x:long) { f(x) }; print f(1)",
    "datatable(a:long)[1] | join (datatable(b:long)[1]) on c",
    "datatable(a:long)[1]\n| extend b = a + 1, c = b * 2",
    "print x = 1 | extend missing = x",
    "print format_datetime(now(), 'yyyy-MM-ddTHH:mm')",
    "datatable(a:long)[1]\n| facet by a with (take 1)\n| take 1",
];

fn render_all() -> String {
    let session = Session::new();
    let mut out = String::new();
    for q in QUERIES {
        let text = match session.plan(q) {
            Ok(_) => "(no error)".to_string(),
            Err(e) => e.render(),
        };
        out.push_str(&format!("=== query\n{q}\n--- error\n{text}\n\n"));
    }
    out
}

#[test]
fn error_messages_match_the_snapshot() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/errors.txt");
    let got = render_all();
    if std::env::var_os("KQL_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).expect("snapshot is writable");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if got != want {
        let first = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "error messages changed (first difference at line {}); review and run KQL_UPDATE_SNAPSHOTS=1 cargo test -p kql-engine --test error_snapshots\n--- got ---\n{got}",
            first + 1
        );
    }
}
