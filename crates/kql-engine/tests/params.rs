//! Query parameters given as text, the time picker (`TimeRange`) and a pinned
//! `now()`, end to end on the bundled sample logs.

use datafusion::arrow::array::{Array as _, AsArray as _};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use kql_engine::{EngineError, NO_PARAMS, QueryResult, Session, TimeRange};

fn sample() -> Session {
    let mut session = Session::new();
    session.load_sample().expect("sample loads");
    session
}

fn run(session: &Session, text: &str, params: &[(&str, &str)]) -> Result<QueryResult, EngineError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(session.query_with_params(text, params))
}

/// The single long (or int) cell of a one-row result.
fn scalar(result: &QueryResult) -> i64 {
    let batch = result
        .batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .expect("a row");
    let column = cast(batch.column(0), &DataType::Int64).expect("integer column");
    let values = column.as_primitive::<Int64Type>();
    assert!(!values.is_null(0));
    values.value(0)
}

fn nanos(text: &str) -> i64 {
    kql_engine::parse_datetime(text).expect("datetime")
}

const TAKE_N: &str =
    "declare query_parameters(n:long = 3);\nApiManagementGatewayLogs | take n | count";

#[test]
fn defaults_apply_and_values_override_them() {
    let s = sample();
    assert_eq!(scalar(&run(&s, TAKE_N, NO_PARAMS).unwrap()), 3);
    assert_eq!(scalar(&run(&s, TAKE_N, &[("n", "5")]).unwrap()), 5);
    assert_eq!(scalar(&run(&s, TAKE_N, &[("n", "long(7)")]).unwrap()), 7);
}

#[test]
fn string_and_timespan_parameters_convert() {
    let s = sample();
    let q = "declare query_parameters(api:string = \"\", window:timespan = 1000d);
        ApiManagementGatewayLogs
        | where isempty(api) or ApiId == api
        | where TimeGenerated > datetime(2026-11-26) - window
        | count";
    let all = scalar(&run(&s, q, NO_PARAMS).unwrap());
    let echo = scalar(&run(&s, q, &[("api", "echo-api")]).unwrap());
    assert!(echo > 0 && echo < all, "{echo} of {all}");
    let last_day = scalar(&run(&s, q, &[("window", "1d")]).unwrap());
    assert!(last_day > 0 && last_day < all, "{last_day} of {all}");
}

#[test]
fn a_parameter_without_default_needs_a_value() {
    let s = sample();
    let q = "declare query_parameters(code:int);\nApiManagementGatewayLogs | where ResponseCode == code | count";
    let err = run(&s, q, NO_PARAMS).unwrap_err();
    assert!(err.is_usage());
    assert!(
        err.render().contains("query parameter 'code' has no value"),
        "{}",
        err.render()
    );
    assert!(scalar(&run(&s, q, &[("code", "429")]).unwrap()) > 0);
}

#[test]
fn a_bad_value_names_the_parameter_and_the_type() {
    let s = sample();
    let err = run(&s, TAKE_N, &[("n", "lots")]).unwrap_err();
    assert!(err.is_usage());
    let message = err.render();
    assert!(
        message.contains("parameter 'n' wants a long value"),
        "{message}"
    );
    assert!(message.contains("got 'lots'"), "{message}");
}

#[test]
fn an_undeclared_parameter_is_a_usage_error() {
    let s = sample();
    let err = run(&s, TAKE_N, &[("m", "1")]).unwrap_err();
    assert!(err.is_usage());
    assert!(
        err.render()
            .contains("unknown parameter 'm' (the query declares: n)"),
        "{}",
        err.render()
    );
    let err = run(&s, "print 1", &[("m", "1")]).unwrap_err();
    assert!(
        err.render().contains("declares no parameters"),
        "{}",
        err.render()
    );
}

#[test]
fn declared_parameters_are_listed() {
    let params = kql_engine::query_parameters(
        "declare query_parameters(n:long = 100, api:string = \"\", since:datetime);\nT | take n",
    )
    .unwrap();
    let shown: Vec<String> = params
        .iter()
        .map(|p| format!("{}:{}={:?}", p.name, p.ty, p.default))
        .collect();
    assert_eq!(
        shown,
        [
            "n:long=Some(\"100\")",
            "api:string=Some(\"\\\"\\\"\")",
            "since:datetime=None"
        ]
    );
}

#[test]
fn a_pinned_now_drives_now_and_ago() {
    let mut s = sample();
    let now = nanos("2026-11-26T00:00:00Z");
    s.set_now(Some(now));
    assert_eq!(s.now(), now);
    let day = "ApiManagementGatewayLogs | where TimeGenerated > ago(1d) | count";
    let last_day = scalar(&run(&s, day, NO_PARAMS).unwrap());
    let direct = scalar(
        &run(
            &s,
            "ApiManagementGatewayLogs | where TimeGenerated > datetime(2026-11-25) | count",
            NO_PARAMS,
        )
        .unwrap(),
    );
    assert_eq!(last_day, direct);
    assert!(last_day > 0);
}

#[test]
fn the_time_range_restricts_every_table() {
    let mut s = sample();
    let total = scalar(&run(&s, "ApiManagementGatewayLogs | count", NO_PARAMS).unwrap());
    let from = nanos("2026-11-24T00:00:00Z");
    let to = nanos("2026-11-25T00:00:00Z");
    let in_day = scalar(
        &run(
            &s,
            "ApiManagementGatewayLogs | where TimeGenerated >= datetime(2026-11-24) and TimeGenerated < datetime(2026-11-25) | count",
            NO_PARAMS,
        )
        .unwrap(),
    );
    s.set_time_range(Some(TimeRange {
        from: Some(from),
        to: Some(to),
    }));
    assert_eq!(
        scalar(&run(&s, "ApiManagementGatewayLogs | count", NO_PARAMS).unwrap()),
        in_day
    );
    assert!(in_day > 0 && in_day < total);
    // Both sides of a join are restricted, and so is a table named in a `let`.
    let joined = "let llm = ApiManagementGatewayLlmLog;
        llm | join kind=inner ApiManagementGatewayLogs on CorrelationId
        | where TimeGenerated < datetime(2026-11-24) or TimeGenerated >= datetime(2026-11-25)
        | count";
    assert_eq!(scalar(&run(&s, joined, NO_PARAMS).unwrap()), 0);
    // Tables without TimeGenerated are not touched.
    assert_eq!(
        scalar(&run(&s, "range x from 1 to 4 step 1 | count", NO_PARAMS).unwrap()),
        4
    );
    // Only a lower bound.
    s.set_time_range(Some(TimeRange {
        from: Some(to),
        to: None,
    }));
    let after = scalar(&run(&s, "ApiManagementGatewayLogs | count", NO_PARAMS).unwrap());
    assert!(after > 0 && after + in_day < total);
    s.set_time_range(None);
    assert_eq!(
        scalar(&run(&s, "ApiManagementGatewayLogs | count", NO_PARAMS).unwrap()),
        total
    );
}

#[test]
fn explain_shows_every_stage() {
    let mut s = sample();
    s.set_time_range(Some(TimeRange::last(
        86_400_000_000_000,
        nanos("2026-11-26T00:00:00Z"),
    )));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let explained = rt
        .block_on(s.explain(
            "ApiManagementGatewayLogs | where ResponseCode >= 500 | summarize count() by ApiId",
            NO_PARAMS,
        ))
        .unwrap();
    let text = explained.to_string();
    for section in [
        "== Parsed query ==",
        "== Logical plan ==",
        "== Optimized logical plan ==",
        "== Physical plan ==",
    ] {
        assert!(text.contains(section), "{text}");
    }
    assert!(
        explained.parsed.contains("summarize count() by ApiId"),
        "{}",
        explained.parsed
    );
    assert!(
        explained.logical.contains("TimeGenerated"),
        "{}",
        explained.logical
    );
    assert!(
        explained.physical.contains("AggregateExec"),
        "{}",
        explained.physical
    );
}
