//! The Kusto conformance suite: every case in testdata/conformance/kusto-cases.jsonl
//! is run through a fresh `Session` and compared with the answer a real Kusto
//! engine gave (rules in testdata/conformance/README.md).
//!
//! Not every case is expected to pass. The test fails only when the overall pass
//! rate drops below testdata/conformance/threshold.txt, so the threshold can be
//! raised as the engine grows and a regression still fails CI.
//!
//! ```text
//! cargo test -p kql-engine --test conformance -- --nocapture          # table per family
//! KQL_CONFORMANCE_FILTER=r1-string-ops cargo test -p kql-engine --test conformance -- --nocapture
//! ```
//!
//! The per-case outcome goes to target/conformance-report.txt. With a filter set,
//! mismatches are printed in full and the threshold is not applied.

#[path = "conformance/compare.rs"]
mod compare;

use compare::{Actual, Expect};
use kql_engine::{KustoType, QueryResult, Session};
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Once, mpsc};
use std::thread;
use std::time::Duration;

/// Far above any sane case (each builds a few rows); a case past it is stuck.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);
/// Deeply nested queries recurse in the parser and planner; give them room so a
/// stack overflow (which aborts the whole test binary) is not what we measure.
const CASE_STACK: usize = 64 * 1024 * 1024;

#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    family: String,
    kql: String,
    expect: Expect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Pass,
    /// Kusto rejected the query, we answered it: wrong.
    ErrorExpectedButAnswered,
    /// We answered differently from Kusto: wrong.
    WrongAnswer,
    /// We rejected a query Kusto answered: an acceptable gap.
    Unsupported,
    /// The engine panicked: always a bug.
    Panic,
    /// No answer within [`CASE_TIMEOUT`].
    Timeout,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::ErrorExpectedButAnswered => "error-expected-but-answered",
            Outcome::WrongAnswer => "wrong-answer",
            Outcome::Unsupported => "unsupported",
            Outcome::Panic => "panic",
            Outcome::Timeout => "timeout",
        }
    }

    fn is_wrong(self) -> bool {
        matches!(
            self,
            Outcome::ErrorExpectedButAnswered | Outcome::WrongAnswer
        )
    }
}

/// How one run of a query ended, as sent back from its thread.
enum Ran {
    Answered(Actual),
    Failed(String),
    Panicked(String),
}

struct Verdict {
    outcome: Outcome,
    reason: String,
    actual: Option<Actual>,
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/conformance")
}

fn load_cases() -> Vec<Case> {
    let path = testdata().join("kusto-cases.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: bad case: {e}", path.display(), i + 1))
        })
        .collect()
}

fn threshold() -> f64 {
    let path = testdata().join("threshold.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("0");
    line.parse()
        .unwrap_or_else(|e| panic!("{}: not a number '{line}': {e}", path.display()))
}

thread_local! {
    /// Set on case threads: their panics are outcomes, not noise for stderr.
    static QUIET_PANICS: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps the default panic report for every thread except case threads, which
/// record the message (with its location) for the report instead.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET_PANICS.with(Cell::get) {
                LAST_PANIC.with(|m| *m.borrow_mut() = Some(info.to_string()));
            } else {
                default(info);
            }
        }));
    });
}

fn type_name(dt: &datafusion::arrow::datatypes::DataType) -> String {
    KustoType::from_arrow(dt).map_or_else(|| format!("(arrow {dt})"), |t| t.name().to_string())
}

fn to_actual(result: &QueryResult) -> Actual {
    let columns = result
        .schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), type_name(f.data_type())))
        .collect();
    let mut rows = Vec::with_capacity(result.row_count());
    for batch in &result.batches {
        for row in 0..batch.num_rows() {
            rows.push(
                batch
                    .columns()
                    .iter()
                    .map(|column| kql_functions::format::cell_to_json(column.as_ref(), row))
                    .collect(),
            );
        }
    }
    Actual { columns, rows }
}

/// Runs one query on its own thread (for the stack size and so a stuck case
/// can be abandoned), with panics caught.
fn run_query(id: &str, kql: &str) -> Option<Ran> {
    let (tx, rx) = mpsc::channel();
    let kql = kql.to_string();
    let spawned = thread::Builder::new()
        .name(format!("case {id}"))
        .stack_size(CASE_STACK)
        .spawn(move || {
            QUIET_PANICS.with(|q| q.set(true));
            let result = panic::catch_unwind(AssertUnwindSafe(|| {
                match Session::new().query_blocking(&kql) {
                    Ok(result) => Ran::Answered(to_actual(&result)),
                    Err(error) => Ran::Failed(error.to_string()),
                }
            }));
            let ran = result.unwrap_or_else(|payload| {
                let message = LAST_PANIC
                    .with(|m| m.borrow_mut().take())
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".to_string());
                Ran::Panicked(message)
            });
            let _ = tx.send(ran);
        });
    if let Err(e) = spawned {
        return Some(Ran::Failed(format!("cannot spawn a thread: {e}")));
    }
    rx.recv_timeout(CASE_TIMEOUT).ok()
}

fn judge(case: &Case) -> Verdict {
    let verdict = |outcome, reason: String, actual| Verdict {
        outcome,
        reason,
        actual,
    };
    match (run_query(&case.id, &case.kql), case.expect.error) {
        (None, _) => verdict(
            Outcome::Timeout,
            format!("no answer within {CASE_TIMEOUT:?}"),
            None,
        ),
        (Some(Ran::Panicked(message)), _) => verdict(Outcome::Panic, message, None),
        (Some(Ran::Failed(message)), true) => verdict(
            Outcome::Pass,
            format!("rejected as expected: {message}"),
            None,
        ),
        (Some(Ran::Answered(actual)), true) => verdict(
            Outcome::ErrorExpectedButAnswered,
            format!(
                "Kusto rejects this query; we returned {} row(s)",
                actual.rows.len()
            ),
            Some(actual),
        ),
        (Some(Ran::Failed(message)), false) => verdict(Outcome::Unsupported, message, None),
        (Some(Ran::Answered(actual)), false) => match compare::compare(&case.expect, &actual) {
            Ok(()) => verdict(Outcome::Pass, String::new(), Some(actual)),
            Err(reason) => verdict(Outcome::WrongAnswer, reason, Some(actual)),
        },
    }
}

/// One line of at most `max` characters, for the report.
fn short(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// Everything about one failing case, for debugging with the filter.
fn detail(case: &Case, verdict: &Verdict) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "--- {} [{}] {}",
        case.id,
        case.family,
        verdict.outcome.label()
    );
    let _ = writeln!(out, "query:    {}", case.kql);
    let _ = writeln!(out, "reason:   {}", verdict.reason);
    if case.expect.error {
        let _ = writeln!(out, "expected: an error");
    } else {
        let e = &case.expect;
        let cols: Vec<String> = e
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, c.ty))
            .collect();
        let _ = writeln!(
            out,
            "expected: ({}) {} row(s), ordered={} keys={:?}",
            cols.join(", "),
            e.row_count,
            e.ordered,
            e.order_keys
        );
        for row in e.rows.iter().chain(&e.rows_prefix).flatten() {
            let _ = writeln!(out, "          {}", serde_json::Value::Array(row.clone()));
        }
    }
    if let Some(actual) = &verdict.actual {
        let cols: Vec<String> = actual
            .columns
            .iter()
            .map(|(n, t)| format!("{n}:{t}"))
            .collect();
        let _ = writeln!(
            out,
            "actual:   ({}) {} row(s)",
            cols.join(", "),
            actual.rows.len()
        );
        for row in actual.rows.iter().take(40) {
            let _ = writeln!(out, "          {}", serde_json::Value::Array(row.clone()));
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    cases: usize,
    passed: usize,
    wrong: usize,
    unsupported: usize,
    crashed: usize,
}

impl Tally {
    fn add(&mut self, outcome: Outcome) {
        self.cases += 1;
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Unsupported => self.unsupported += 1,
            Outcome::Panic | Outcome::Timeout => self.crashed += 1,
            o if o.is_wrong() => self.wrong += 1,
            _ => {}
        }
    }

    fn rate(&self) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            100.0 * self.passed as f64 / self.cases as f64
        }
    }
}

fn summary(families: &BTreeMap<String, Tally>, total: &Tally) -> String {
    let mut out = String::new();
    let width = families.keys().map(String::len).max().unwrap_or(6).max(6);
    let _ = writeln!(
        out,
        "{:<width$}  {:>5}  {:>6}  {:>6}  {:>5}  {:>11}  {:>11}",
        "family", "cases", "passed", "pass %", "wrong", "unsupported", "panic/stuck"
    );
    let line = |out: &mut String, name: &str, t: &Tally| {
        let _ = writeln!(
            out,
            "{name:<width$}  {:>5}  {:>6}  {:>6.1}  {:>5}  {:>11}  {:>11}",
            t.cases,
            t.passed,
            t.rate(),
            t.wrong,
            t.unsupported,
            t.crashed
        );
    };
    for (family, tally) in families {
        line(&mut out, family, tally);
    }
    line(&mut out, "TOTAL", total);
    out
}

fn report_path() -> PathBuf {
    // Integration tests know target/tmp at compile time; the report sits beside it.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("conformance-report.txt")
}

/// The comparator must accept Kusto's own answers, and must understand every
/// datetime and timespan text in them (else it would silently fall back to
/// comparing strings).
#[test]
fn every_recorded_answer_matches_itself() {
    for case in load_cases() {
        let Some(rows) = &case.expect.rows else {
            continue;
        };
        let columns = &case.expect.columns;
        for row in rows {
            for (column, cell) in columns.iter().zip(row) {
                let Some(text) = cell.as_str() else { continue };
                let parsed = match column.ty.as_str() {
                    "datetime" => compare::datetime_ticks(text).is_some(),
                    "timespan" => compare::timespan_ticks(text).is_some(),
                    _ => true,
                };
                assert!(parsed, "{}: cannot parse {} '{text}'", case.id, column.ty);
            }
        }
        let actual = Actual {
            columns: columns
                .iter()
                .map(|c| (c.name.clone(), c.ty.clone()))
                .collect(),
            rows: rows.clone(),
        };
        assert_eq!(
            compare::compare(&case.expect, &actual),
            Ok(()),
            "{}",
            case.id
        );
    }
}

#[test]
fn kusto_conformance() {
    install_panic_hook();
    let filter = std::env::var("KQL_CONFORMANCE_FILTER")
        .ok()
        .filter(|f| !f.is_empty());
    let cases: Vec<Case> = load_cases()
        .into_iter()
        .filter(|c| filter.as_deref().is_none_or(|f| c.id.contains(f)))
        .collect();
    assert!(
        !cases.is_empty(),
        "no conformance case matches the filter {filter:?}"
    );

    let mut families: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    let mut lines = String::new();
    for case in &cases {
        let verdict = judge(case);
        families
            .entry(case.family.clone())
            .or_default()
            .add(verdict.outcome);
        total.add(verdict.outcome);
        let _ = writeln!(
            lines,
            "{}\t{}\t{}\t{}",
            case.id,
            case.family,
            verdict.outcome.label(),
            short(&verdict.reason, 240)
        );
        if filter.is_some() && verdict.outcome != Outcome::Pass {
            println!("{}", detail(case, &verdict));
        }
    }

    let table = summary(&families, &total);
    let overall = total.rate();
    println!("{table}");
    println!(
        "conformance: {} of {} cases pass ({overall:.1}%); {} wrong answers",
        total.passed, total.cases, total.wrong
    );
    let path = report_path();
    let report = format!(
        "# kql conformance report: one line per case (id, family, outcome, reason)\n\
         # outcomes: pass, unsupported (we error, Kusto answers), wrong-answer,\n\
         # error-expected-but-answered, panic, timeout\n{}#\n{}\n{lines}",
        filter
            .as_deref()
            .map_or_else(String::new, |f| format!("# only ids containing '{f}'\n")),
        table
            .lines()
            .map(|l| format!("# {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    match std::fs::write(&path, report) {
        Ok(()) => println!("per-case report: {}", path.display()),
        Err(e) => println!("cannot write {}: {e}", path.display()),
    }

    if filter.is_none() {
        let minimum = threshold();
        assert!(
            overall >= minimum,
            "conformance pass rate {overall:.1}% is below the threshold {minimum:.1}% \
             (testdata/conformance/threshold.txt); see {}",
            path.display()
        );
    }
}
