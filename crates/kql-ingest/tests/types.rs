//! Schema inference and the Arrow values built for each Kusto type.

mod common;

use common::*;
use datafusion::arrow::datatypes::{DataType, TimeUnit};

const NS: i64 = 1_000_000_000;
/// 2024-07-02T06:31:31Z in epoch seconds.
const T0: i64 = 1_719_901_891;

#[tokio::test]
async fn scalar_types() {
    let t = open(
        r#"{"b": true, "l": 1, "r": 1.5, "s": "x", "big": 18446744073709551615}
{"b": false, "l": -2, "r": 2, "s": null, "big": 1}"#,
    );
    assert_eq!(field_type(&t, "b"), DataType::Boolean);
    assert_eq!(field_type(&t, "l"), DataType::Int64);
    assert_eq!(field_type(&t, "r"), DataType::Float64);
    assert_eq!(field_type(&t, "s"), DataType::Utf8);
    assert_eq!(field_type(&t, "big"), DataType::Float64);
    let b = scan(t, &[]).await;
    assert_eq!(column(&b, "b"), some(&["true", "false"]));
    assert_eq!(column(&b, "l"), some(&["1", "-2"]));
    assert_eq!(column(&b, "r"), some(&["1.5", "2"]));
    // A missing string is "" (Kusto strings are never null).
    assert_eq!(column(&b, "s"), some(&["x", ""]));
    assert_eq!(column(&b, "big"), some(&["18446744073709552000", "1"]));
}

#[tokio::test]
async fn widening() {
    let t = open(
        r#"{"lr": 1, "ls": 1, "bl": true, "so": "a"}
{"lr": 2.25, "ls": "two", "bl": 3, "so": {"k": 1}}"#,
    );
    assert_eq!(field_type(&t, "lr"), DataType::Float64);
    assert_eq!(field_type(&t, "ls"), DataType::LargeUtf8);
    assert_eq!(field_type(&t, "bl"), DataType::LargeUtf8);
    assert_eq!(field_type(&t, "so"), DataType::LargeUtf8);
    let b = scan(t, &[]).await;
    assert_eq!(column(&b, "lr"), some(&["1", "2.25"]));
    // Scalars in a dynamic column are their JSON text.
    assert_eq!(column(&b, "ls"), some(&["1", "\"two\""]));
    assert_eq!(column(&b, "bl"), some(&["true", "3"]));
    assert_eq!(column(&b, "so"), some(&["\"a\"", "{\"k\":1}"]));
}

#[tokio::test]
async fn datetimes() {
    let t = open(
        r#"{"time": "2024-07-02T06:31:31.4465902Z", "d": "2024-07-02", "mixed": "2024-07-02T06:31:31Z", "e": ""}
{"time": "2024-07-02T08:31:31+02:00", "d": "", "mixed": "soon", "e": ""}
{"time": null, "d": "Tue, 02 Jul 2024 06:31:31 GMT", "mixed": null}"#,
    );
    let ts = DataType::Timestamp(TimeUnit::Nanosecond, None);
    assert_eq!(field_type(&t, "time"), ts);
    assert_eq!(field_type(&t, "d"), ts);
    assert_eq!(field_type(&t, "mixed"), DataType::Utf8);
    assert_eq!(field_type(&t, "e"), DataType::Utf8);
    let b = scan(t, &[]).await;
    assert_eq!(
        column(&b, "time"),
        vec![
            Some((T0 * NS + 446_590_200).to_string()),
            Some((T0 * NS).to_string()),
            None
        ]
    );
    let midnight = (T0 - (6 * 3600 + 31 * 60 + 31)) * NS;
    assert_eq!(
        column(&b, "d"),
        vec![
            Some(midnight.to_string()),
            None,
            Some((T0 * NS).to_string())
        ]
    );
    assert_eq!(
        column(&b, "mixed"),
        some(&["2024-07-02T06:31:31Z", "soon", ""])
    );
    assert_eq!(column(&b, "e"), some(&["", "", ""]));
}

#[tokio::test]
async fn nested_values_are_compact_json_text() {
    let t = open(
        "{\"h\": { \"x-ms-region\" : \"East US\", \"z\": 1, \"a\": [1, 2.5, null, {\"q\": \"\\\"\"}] }, \"errs\": [ ]}\n\
         {\"h\": null, \"errs\": [{\"source\": \"rate-limit\"}]}\n\
         {\"other\": 1}",
    );
    assert_eq!(field_type(&t, "h"), DataType::LargeUtf8);
    assert_eq!(field_type(&t, "errs"), DataType::LargeUtf8);
    let b = scan(t, &[]).await;
    // Key order is the input's, not sorted.
    assert_eq!(
        column(&b, "h"),
        vec![
            Some(r#"{"x-ms-region":"East US","z":1,"a":[1,2.5,null,{"q":"\""}]}"#.into()),
            None,
            None
        ]
    );
    assert_eq!(
        column(&b, "errs"),
        vec![
            Some("[]".into()),
            Some(r#"[{"source":"rate-limit"}]"#.into()),
            None
        ]
    );
}

#[tokio::test]
async fn nulls_and_missing_fields() {
    let t = open("{\"a\": null, \"b\": 1}\n{\"b\": null}\n{\"c\": \"x\"}");
    assert_eq!(field_names(&t), ["a", "b", "c"]);
    // Only ever null: no evidence of a type, so string.
    assert_eq!(field_type(&t, "a"), DataType::Utf8);
    assert_eq!(field_type(&t, "b"), DataType::Int64);
    let b = scan(t, &[]).await;
    assert_eq!(column(&b, "a"), some(&["", "", ""]));
    assert_eq!(column(&b, "b"), vec![Some("1".into()), None, None]);
    assert_eq!(column(&b, "c"), some(&["", "", "x"]));
}

#[tokio::test]
async fn numbers_in_strings_stay_strings() {
    let t = open("{\"durationMs\": \"78\", \"resultSignature\": \"200\"}");
    assert_eq!(field_type(&t, "durationMs"), DataType::Utf8);
    assert_eq!(column(&scan(t, &[]).await, "durationMs"), some(&["78"]));
}

#[tokio::test]
async fn field_order_is_first_seen_across_sources() {
    use kql_ingest::{IngestOptions, JsonTable};
    let t = JsonTable::open(
        vec![
            src("1.json", "{\"b\":1,\"a\":1}"),
            src("2.json", "{\"c\":1,\"a\":1.5}\n{\"d\":1,\"b\":1}"),
        ],
        &IngestOptions::default(),
    )
    .unwrap();
    assert_eq!(field_names(&t), ["b", "a", "c", "d"]);
    assert_eq!(field_type(&t, "a"), DataType::Float64);
}

#[tokio::test]
async fn escaped_and_unicode_keys() {
    let t = open("{\"caf\\u00e9\": 1, \"naïve\": \"ü\", \"a\\\"b\": 2}\n{\"café\": 3}");
    assert_eq!(field_names(&t), ["café", "naïve", "a\"b"]);
    let b = scan(t, &[]).await;
    assert_eq!(column(&b, "café"), some(&["1", "3"]));
    assert_eq!(column(&b, "naïve"), some(&["ü", ""]));
}

#[tokio::test]
async fn repeated_key_keeps_the_first_value() {
    let t = open("{\"a\": 1, \"a\": 2}");
    assert_eq!(column(&scan(t, &[]).await, "a"), some(&["1"]));
}
