//! Compares one engine result with a Kusto-recorded answer, following
//! "Comparing an engine's result with a case" in testdata/conformance/README.md.
//!
//! Cells on both sides are Kusto JSON values (our side from
//! `kql_functions::format::cell_to_json`); the column's expected Kusto type picks
//! the rule, because the same JSON text means different things per type (a
//! datetime string is an instant, a timespan string a tick count).

use serde::Deserialize;
use serde_json::Value;

/// The `expect` object of a case.
#[derive(Debug, Clone, Deserialize)]
pub struct Expect {
    #[serde(default)]
    pub error: bool,
    #[serde(default)]
    pub columns: Vec<ExpectedColumn>,
    #[serde(default)]
    pub row_count: usize,
    #[serde(default)]
    pub rows: Option<Vec<Vec<Value>>>,
    #[serde(default)]
    pub rows_prefix: Option<Vec<Vec<Value>>>,
    #[serde(default)]
    pub ordered: bool,
    #[serde(default)]
    pub order_keys: Option<Vec<String>>,
    #[serde(default)]
    pub unordered_arrays: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ExpectedColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub type_alts: Vec<String>,
}

/// What our engine answered, reduced to what the comparison needs.
#[derive(Debug, Clone, Default)]
pub struct Actual {
    /// (column name, Kusto type name).
    pub columns: Vec<(String, String)>,
    pub rows: Vec<Vec<Value>>,
}

/// `Ok` when `actual` is the answer `expect` describes, else the first difference.
pub fn compare(expect: &Expect, actual: &Actual) -> Result<(), String> {
    let expected_names: Vec<&str> = expect.columns.iter().map(|c| c.name.as_str()).collect();
    let actual_names: Vec<&str> = actual.columns.iter().map(|(n, _)| n.as_str()).collect();
    if expected_names != actual_names {
        return Err(format!(
            "columns: expected {expected_names:?}, got {actual_names:?}"
        ));
    }
    for (column, (_, ty)) in expect.columns.iter().zip(&actual.columns) {
        if *ty != column.ty && !column.type_alts.contains(ty) {
            return Err(format!(
                "column {}: expected type {}, got {ty}",
                column.name, column.ty
            ));
        }
    }
    if actual.rows.len() != expect.row_count {
        return Err(format!(
            "row count: expected {}, got {}",
            expect.row_count,
            actual.rows.len()
        ));
    }
    let (rows, prefix) = match (&expect.rows, &expect.rows_prefix) {
        (Some(rows), _) => (rows, false),
        (None, Some(rows)) => (rows, true),
        (None, None) => return Ok(()),
    };
    let cmp = RowComparer {
        kinds: expect.columns.iter().map(|c| c.ty.as_str()).collect(),
        unordered_arrays: expect.unordered_arrays,
    };
    if expect.ordered {
        let keys = key_indices(expect);
        compare_ordered(&cmp, rows, &actual.rows, keys.as_deref(), prefix)
    } else {
        let expected: Vec<&Vec<Value>> = rows.iter().collect();
        let actual: Vec<&Vec<Value>> = actual.rows.iter().collect();
        match unmatched(&cmp, &expected, &actual) {
            None => Ok(()),
            Some(row) => Err(format!(
                "expected row {} has no match in the result (unordered); nearest: {}",
                Value::Array(row.clone()),
                cmp.nearest(row, &actual).map_or_else(
                    || "none".to_string(),
                    |r| Value::Array(r.clone()).to_string()
                )
            )),
        }
    }
}

/// Column positions of `order_keys`; `None` (compare strictly) when there are
/// no keys or one is not an output column.
fn key_indices(expect: &Expect) -> Option<Vec<usize>> {
    let keys = expect.order_keys.as_ref().filter(|k| !k.is_empty())?;
    keys.iter()
        .map(|k| expect.columns.iter().position(|c| &c.name == k))
        .collect()
}

/// Ordered comparison. Rows whose order keys are equal form a run that may come
/// in any order; a run cut off by the end of `rows_prefix` may be completed by
/// any further result rows with the same keys.
fn compare_ordered(
    cmp: &RowComparer<'_>,
    expected: &[Vec<Value>],
    actual: &[Vec<Value>],
    keys: Option<&[usize]>,
    prefix: bool,
) -> Result<(), String> {
    if expected.len() > actual.len() {
        return Err(format!(
            "expected at least {} rows, got {}",
            expected.len(),
            actual.len()
        ));
    }
    let Some(keys) = keys else {
        for (i, (e, a)) in expected.iter().zip(actual).enumerate() {
            if !cmp.rows_equal(e, a) {
                return Err(row_mismatch(i, e, a));
            }
        }
        return Ok(());
    };
    let mut start = 0;
    while start < expected.len() {
        let mut end = start + 1;
        while end < expected.len() && cmp.keys_equal(keys, &expected[start], &expected[end]) {
            end += 1;
        }
        let mut actual_end = end;
        if prefix && end == expected.len() {
            // The prefix positions themselves must hold rows of this run; only the
            // rows that fill them may come from beyond the prefix.
            if let Some(i) =
                (start..end).find(|&i| !cmp.keys_equal(keys, &expected[start], &actual[i]))
            {
                return Err(row_mismatch(i, &expected[i], &actual[i]));
            }
            while actual_end < actual.len()
                && cmp.keys_equal(keys, &expected[start], &actual[actual_end])
            {
                actual_end += 1;
            }
        }
        let run: Vec<&Vec<Value>> = expected[start..end].iter().collect();
        let candidates: Vec<&Vec<Value>> = actual[start..actual_end].iter().collect();
        if let Some(row) = unmatched(cmp, &run, &candidates) {
            if end - start == 1 {
                return Err(row_mismatch(start, row, &actual[start]));
            }
            return Err(format!(
                "rows {start}..{end} (tied on the order keys): expected row {} not found there",
                Value::Array(row.clone())
            ));
        }
        start = end;
    }
    Ok(())
}

fn row_mismatch(i: usize, expected: &[Value], actual: &[Value]) -> String {
    format!(
        "row {i}: expected {}, got {}",
        Value::Array(expected.to_vec()),
        Value::Array(actual.to_vec())
    )
}

/// The first expected row that cannot be given its own distinct actual row, or
/// `None` when all can. Tolerant equality is not transitive, so a greedy pick
/// could fail where an assignment exists; this is a bipartite matching (Kuhn's
/// augmenting paths), cheap at the ≤ 30 rows the cases have.
fn unmatched<'r>(
    cmp: &RowComparer<'_>,
    expected: &[&'r Vec<Value>],
    actual: &[&Vec<Value>],
) -> Option<&'r Vec<Value>> {
    let edges: Vec<Vec<usize>> = expected
        .iter()
        .map(|e| {
            (0..actual.len())
                .filter(|&j| cmp.rows_equal(e, actual[j]))
                .collect()
        })
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; actual.len()];
    for (i, row) in expected.iter().enumerate() {
        let mut seen = vec![false; actual.len()];
        if !augment(i, &edges, &mut owner, &mut seen) {
            return Some(row);
        }
    }
    None
}

fn augment(i: usize, edges: &[Vec<usize>], owner: &mut [Option<usize>], seen: &mut [bool]) -> bool {
    for &j in &edges[i] {
        if seen[j] {
            continue;
        }
        seen[j] = true;
        let free = match owner[j] {
            None => true,
            Some(other) => augment(other, edges, owner, seen),
        };
        if free {
            owner[j] = Some(i);
            return true;
        }
    }
    false
}

/// Row and cell equality under the expected column types.
struct RowComparer<'a> {
    kinds: Vec<&'a str>,
    unordered_arrays: bool,
}

impl RowComparer<'_> {
    fn rows_equal(&self, expected: &[Value], actual: &[Value]) -> bool {
        expected.len() == actual.len()
            && self.kinds.len() == expected.len()
            && self
                .kinds
                .iter()
                .zip(expected.iter().zip(actual))
                .all(|(kind, (e, a))| cell_equal(kind, e, a, self.unordered_arrays))
    }

    /// The actual row agreeing with `expected` in the most cells, to show
    /// next to an unmatched row.
    fn nearest<'r>(&self, expected: &[Value], actual: &[&'r Vec<Value>]) -> Option<&'r Vec<Value>> {
        actual.iter().copied().max_by_key(|row| {
            self.kinds
                .iter()
                .zip(expected.iter().zip(row.iter()))
                .filter(|(kind, (e, a))| cell_equal(kind, e, a, self.unordered_arrays))
                .count()
        })
    }

    fn keys_equal(&self, keys: &[usize], a: &[Value], b: &[Value]) -> bool {
        keys.iter()
            .all(|&k| match (self.kinds.get(k), a.get(k), b.get(k)) {
                (Some(kind), Some(x), Some(y)) => cell_equal(kind, x, y, self.unordered_arrays),
                _ => false,
            })
    }
}

/// One cell under the rules for Kusto type `kind`.
pub fn cell_equal(kind: &str, expected: &Value, actual: &Value, unordered_arrays: bool) -> bool {
    if expected.is_null() || actual.is_null() {
        return expected.is_null() && actual.is_null();
    }
    match kind {
        "int" | "long" => ints_equal(expected, actual),
        "real" | "decimal" => match (real_of(expected), real_of(actual)) {
            (Some(e), Some(a)) => reals_equal(e, a),
            _ => false,
        },
        "datetime" => texts_equal_by(expected, actual, datetime_ticks),
        "timespan" => texts_equal_by(expected, actual, timespan_ticks),
        "dynamic" => json_equal(expected, actual, unordered_arrays),
        _ => expected == actual,
    }
}

fn ints_equal(expected: &Value, actual: &Value) -> bool {
    match (expected.as_i64(), actual.as_i64()) {
        (Some(e), Some(a)) => e == a,
        _ => matches!((expected.as_u64(), actual.as_u64()), (Some(e), Some(a)) if e == a),
    }
}

/// A real cell: a JSON number, or the strings Kusto uses for values JSON lacks.
/// Other numeric strings are accepted because decimals may travel as text.
fn real_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            other => other.parse().ok(),
        },
        _ => None,
    }
}

/// Equal within 1e-9 relative (1e-12 absolute near zero); NaN only equals NaN
/// and an infinity only itself.
pub fn reals_equal(e: f64, a: f64) -> bool {
    if e.is_nan() || a.is_nan() {
        return e.is_nan() && a.is_nan();
    }
    if e == a {
        return true;
    }
    if e.is_infinite() || a.is_infinite() {
        return false;
    }
    let diff = (e - a).abs();
    diff <= 1e-9 * e.abs().max(a.abs()) || diff <= 1e-12
}

/// Strings compared through `parse` when both parse, else exactly.
fn texts_equal_by(expected: &Value, actual: &Value, parse: fn(&str) -> Option<i128>) -> bool {
    match (expected.as_str(), actual.as_str()) {
        (Some(e), Some(a)) => match (parse(e), parse(a)) {
            (Some(x), Some(y)) => x == y,
            _ => e == a,
        },
        _ => expected == actual,
    }
}

/// A datetime's instant in 100 ns ticks since the Unix epoch; any RFC 3339 text
/// (so `…00Z` and `…00.0000000Z` agree). Precision below a tick is dropped, as
/// Kusto keeps none.
pub fn datetime_ticks(text: &str) -> Option<i128> {
    let parsed = chrono::DateTime::parse_from_rfc3339(text.trim()).ok()?;
    let secs = i128::from(parsed.timestamp());
    let ticks = i128::from(parsed.timestamp_subsec_nanos() / 100);
    Some(secs * 10_000_000 + ticks)
}

/// A timespan `[-][d.]hh:mm:ss[.fffffff]` in 100 ns ticks.
pub fn timespan_ticks(text: &str) -> Option<i128> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (head, rest) = body.split_once(':')?;
    let (days, hours) = match head.split_once('.') {
        Some((d, h)) => (number(d)?, number(h)?),
        None => (0, number(head)?),
    };
    let (minutes, seconds) = rest.split_once(':')?;
    let (seconds, fraction) = match seconds.split_once('.') {
        Some((s, f)) => (s, f),
        None => (seconds, ""),
    };
    if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Seven digits are ticks; extra digits (nanoseconds) fall below a tick.
    let ticks_text: String = fraction.chars().chain("0000000".chars()).take(7).collect();
    let whole_seconds = ((days * 24 + hours) * 60 + number(minutes)?) * 60 + number(seconds)?;
    let total = whole_seconds * 10_000_000 + number(&ticks_text)?;
    Some(if negative { -total } else { total })
}

fn number(text: &str) -> Option<i128> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Dynamic values as JSON: key order never matters, array order unless
/// `unordered_arrays`, numbers by the real rule (so `1` and `1.0` are equal).
/// Datetime and timespan strings inside dynamic values also match when they
/// denote the same instant or duration, since their text layout is not data.
pub fn json_equal(expected: &Value, actual: &Value, unordered_arrays: bool) -> bool {
    match (expected, actual) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(e), Value::Bool(a)) => e == a,
        (Value::Number(e), Value::Number(a)) => match (e.as_i64(), a.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => matches!((e.as_f64(), a.as_f64()), (Some(x), Some(y)) if reals_equal(x, y)),
        },
        (Value::String(e), Value::String(a)) => {
            e == a
                || matches!((datetime_ticks(e), datetime_ticks(a)), (Some(x), Some(y)) if x == y)
                || matches!((timespan_ticks(e), timespan_ticks(a)), (Some(x), Some(y)) if x == y)
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return false;
            }
            if unordered_arrays {
                let cmp = |x: &Value, y: &Value| json_equal(x, y, true);
                multiset_equal(e, a, cmp)
            } else {
                e.iter()
                    .zip(a)
                    .all(|(x, y)| json_equal(x, y, unordered_arrays))
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len()
                && e.iter().all(|(key, x)| {
                    a.get(key)
                        .is_some_and(|y| json_equal(x, y, unordered_arrays))
                })
        }
        _ => false,
    }
}

/// Same-length slices that pair up one to one under `eq`.
fn multiset_equal(e: &[Value], a: &[Value], eq: impl Fn(&Value, &Value) -> bool) -> bool {
    let edges: Vec<Vec<usize>> = e
        .iter()
        .map(|x| (0..a.len()).filter(|&j| eq(x, &a[j])).collect())
        .collect();
    let mut owner = vec![None; a.len()];
    (0..e.len()).all(|i| augment(i, &edges, &mut owner, &mut vec![false; a.len()]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn expect(value: Value) -> Expect {
        serde_json::from_value(value).expect("test expectation parses")
    }

    fn actual(columns: &[(&str, &str)], rows: Value) -> Actual {
        Actual {
            columns: columns
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            rows: serde_json::from_value(rows).expect("test rows parse"),
        }
    }

    const KV: &[(&str, &str)] = &[("k", "long"), ("v", "string")];

    fn kv_expect(rows: Value, ordered: bool, keys: Value) -> Expect {
        let count = rows.as_array().map_or(0, Vec::len);
        expect(json!({
            "columns": [{"name": "k", "type": "long"}, {"name": "v", "type": "string"}],
            "row_count": count, "rows": rows, "ordered": ordered, "order_keys": keys,
        }))
    }

    #[test]
    fn ordered_rows_may_permute_only_within_ties() {
        let e = kv_expect(json!([[1, "a"], [1, "b"], [2, "c"]]), true, json!(["k"]));
        assert_eq!(
            compare(&e, &actual(KV, json!([[1, "b"], [1, "a"], [2, "c"]]))),
            Ok(())
        );
        assert!(compare(&e, &actual(KV, json!([[1, "a"], [2, "c"], [1, "b"]]))).is_err());
        // Without usable keys the order is strict.
        let strict = kv_expect(json!([[1, "a"], [1, "b"]]), true, Value::Null);
        assert!(compare(&strict, &actual(KV, json!([[1, "b"], [1, "a"]]))).is_err());
    }

    #[test]
    fn unordered_rows_are_a_multiset() {
        let e = kv_expect(json!([[1, "a"], [1, "a"], [2, "b"]]), false, Value::Null);
        assert_eq!(
            compare(&e, &actual(KV, json!([[2, "b"], [1, "a"], [1, "a"]]))),
            Ok(())
        );
        assert!(compare(&e, &actual(KV, json!([[1, "a"], [2, "b"], [2, "b"]]))).is_err());
    }

    #[test]
    fn prefix_is_a_prefix_or_an_inclusion() {
        let rows: Vec<Value> = (0..10).map(|i| json!([i / 2, format!("r{i}")])).collect();
        let ordered = expect(json!({
            "columns": [{"name": "k", "type": "long"}, {"name": "v", "type": "string"}],
            "row_count": 10, "rows_prefix": [[0, "r0"], [0, "r1"], [1, "r2"]],
            "ordered": true, "order_keys": ["k"],
        }));
        assert_eq!(
            compare(&ordered, &actual(KV, Value::Array(rows.clone()))),
            Ok(())
        );
        // The run cut off by the prefix (k = 1) may be completed by a later tied row.
        let mut swapped = rows.clone();
        swapped.swap(2, 3);
        assert_eq!(
            compare(&ordered, &actual(KV, Value::Array(swapped))),
            Ok(())
        );
        let mut moved = rows.clone();
        moved.swap(2, 4);
        assert!(compare(&ordered, &actual(KV, Value::Array(moved))).is_err());

        let unordered = expect(json!({
            "columns": [{"name": "k", "type": "long"}, {"name": "v", "type": "string"}],
            "row_count": 10, "rows_prefix": [[4, "r9"], [0, "r0"]], "ordered": false,
        }));
        assert_eq!(
            compare(&unordered, &actual(KV, Value::Array(rows.clone()))),
            Ok(())
        );
        assert!(compare(&unordered, &actual(KV, Value::Array(rows[..9].to_vec()))).is_err());
    }

    #[test]
    fn columns_and_types_must_match() {
        let e = expect(json!({
            "columns": [{"name": "n", "type": "int", "type_alts": ["int", "long"]}],
            "row_count": 1, "rows": [[1]], "ordered": false,
        }));
        assert_eq!(compare(&e, &actual(&[("n", "long")], json!([[1]]))), Ok(()));
        assert!(compare(&e, &actual(&[("n", "real")], json!([[1.0]]))).is_err());
        assert!(compare(&e, &actual(&[("N", "int")], json!([[1]]))).is_err());
        assert!(compare(&e, &actual(&[("n", "int")], json!([]))).is_err());
    }

    #[test]
    fn reals_use_tolerance_and_special_values() {
        let nan = json!("NaN");
        assert!(cell_equal("real", &nan, &nan, false));
        assert!(!cell_equal("real", &nan, &json!(1.0), false));
        assert!(!cell_equal(
            "real",
            &json!("Infinity"),
            &json!("-Infinity"),
            false
        ));
        assert!(cell_equal(
            "real",
            &json!("-Infinity"),
            &json!("-Infinity"),
            false
        ));
        assert!(cell_equal("real", &json!(0.1 + 0.2), &json!(0.3), false));
        assert!(!cell_equal("real", &json!(1.0), &json!(1.000001), false));
        assert!(cell_equal("real", &json!(0.0), &json!(1e-15), false));
    }

    #[test]
    fn datetimes_compare_as_instants() {
        let kusto = json!("2020-01-01T00:00:00.0000000Z");
        assert!(cell_equal(
            "datetime",
            &kusto,
            &json!("2020-01-01T00:00:00Z"),
            false
        ));
        assert!(!cell_equal(
            "datetime",
            &kusto,
            &json!("2020-01-01T00:00:00.5Z"),
            false
        ));
        assert!(cell_equal(
            "datetime",
            &json!("0001-01-01T00:00:00.0000001Z"),
            &json!("0001-01-01T00:00:00.0000001Z"),
            false
        ));
    }

    #[test]
    fn timespans_compare_as_ticks() {
        assert_eq!(
            timespan_ticks("1.02:03:04.5000000"),
            timespan_ticks("1.02:03:04.5")
        );
        assert_eq!(timespan_ticks("-00:30:00"), Some(-30 * 60 * 10_000_000));
        assert_eq!(timespan_ticks("00:00:00.0000001"), Some(1));
        assert_eq!(timespan_ticks("junk"), None);
        assert!(!cell_equal(
            "timespan",
            &json!("00:15:00"),
            &json!("00:15:01"),
            false
        ));
    }

    #[test]
    fn dynamic_values_compare_as_json() {
        let e = json!({"a": 1, "b": [1, 2]});
        assert!(cell_equal(
            "dynamic",
            &e,
            &json!({"b": [1, 2], "a": 1.0}),
            false
        ));
        assert!(!cell_equal(
            "dynamic",
            &e,
            &json!({"a": 1, "b": [2, 1]}),
            false
        ));
        assert!(cell_equal(
            "dynamic",
            &e,
            &json!({"a": 1, "b": [2, 1]}),
            true
        ));
        assert!(!cell_equal("dynamic", &e, &json!({"a": 1}), false));
    }

    #[test]
    fn null_only_equals_null() {
        assert!(cell_equal("string", &Value::Null, &Value::Null, false));
        assert!(!cell_equal("string", &json!(""), &Value::Null, false));
        assert!(!cell_equal("long", &Value::Null, &json!(0), false));
    }
}
