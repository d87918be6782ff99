//! Bad input never panics: every query below must come back as an error with a
//! position (or a result), through the whole pipeline.

use kql_engine::Session;

fn run(q: &str) -> Result<(), String> {
    let session = Session::new();
    session
        .query_blocking(q)
        .map(|_| ())
        .map_err(|e| e.render())
}

#[test]
fn degenerate_queries_are_errors_not_panics() {
    let nested = format!("print x = {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let deep_ok = format!("print x = {}1{}", "(".repeat(100), ")".repeat(100));
    let deep_ops = format!("print x = 1{}", " + 1".repeat(2_000));
    let cases = [
        "",
        "|",
        "| | |",
        "print 'unbalanced",
        "print \"unbalanced",
        "print ```never closed",
        "print x = (1",
        "datatable(a:long)[1, 2",
        "range x from 1 to 10 step 0",
        "range x from 1 to 100000000000 step 1",
        "print 1 / 0",
        "print datetime(99999-01-01)",
        "print toint('\u{0}')",
        "let f = (x:long) { f(x) }; print f(1)",
        nested.as_str(),
        deep_ok.as_str(),
        deep_ops.as_str(),
    ];
    for q in cases {
        // Each query runs on a thread with the default test stack, as a CLI would.
        let owned = q.to_string();
        let outcome = std::thread::spawn(move || run(&owned)).join();
        assert!(outcome.is_ok(), "query panicked: {}", &q[..q.len().min(80)]);
    }
}

#[test]
fn errors_point_at_the_query() {
    let e = run("datatable(a:long)[1]\n| where b > 1").unwrap_err();
    assert!(e.contains("at 2:9"), "{e}");
    assert!(e.contains("^"), "{e}");
}
