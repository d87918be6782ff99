//! End-to-end checks of every output format over hand-built batches.

use datafusion::arrow::array::{
    ArrayRef, BinaryArray, BooleanArray, Decimal128Array, DictionaryArray, DurationNanosecondArray,
    FixedSizeBinaryArray, Float64Array, Int32Array, Int64Array, LargeStringArray, RecordBatch,
    StringArray, StringViewArray, TimestampNanosecondArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Int8Type, Schema, SchemaRef, TimeUnit};
use kql_functions::visualization::Visualization;
use kql_render::{OutputFormat, RenderError, RenderOptions, write_result};
use serde_json::{Value, json};
use std::sync::Arc;

const SEC: i64 = 1_000_000_000;

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, array)| Field::new(*name, array.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, columns.into_iter().map(|(_, a)| a).collect())
        .expect("valid batch")
}

fn render_with(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    format: OutputFormat,
    opts: &RenderOptions<'_>,
) -> String {
    let mut out = Vec::new();
    write_result(&mut out, schema, batches, format, opts).expect("render succeeds");
    String::from_utf8(out).expect("utf-8 output")
}

fn render(b: &RecordBatch, format: OutputFormat) -> String {
    render_with(
        &b.schema(),
        std::slice::from_ref(b),
        format,
        &RenderOptions::default(),
    )
}

/// One column per Kusto type; row 0 holds awkward values, row 1 nulls.
fn every_type() -> RecordBatch {
    let guid = [
        0x01, 0x23, 0xab, 0xcd, 0x45, 0x67, 0x89, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
        0xef,
    ];
    let decimal = Decimal128Array::from(vec![Some(-1_250_000_000_000_000_000i128), None])
        .with_precision_and_scale(38, 18)
        .expect("valid decimal");
    batch(vec![
        ("b", Arc::new(BooleanArray::from(vec![Some(true), None]))),
        ("i", Arc::new(Int32Array::from(vec![Some(-7), None]))),
        ("l", Arc::new(Int64Array::from(vec![Some(i64::MAX), None]))),
        (
            "r",
            Arc::new(Float64Array::from(vec![Some(f64::NAN), None])),
        ),
        ("d", Arc::new(decimal)),
        (
            "s",
            Arc::new(StringArray::from(vec![Some("a,\"b\"\nc"), None])),
        ),
        (
            // 1969-07-20T20:17:40Z, before the epoch.
            "dt",
            Arc::new(TimestampNanosecondArray::from(vec![
                Some(-14_182_940 * SEC),
                None,
            ])),
        ),
        (
            "ts",
            Arc::new(DurationNanosecondArray::from(vec![
                Some(-(90 * 60 * SEC + SEC / 4)),
                None,
            ])),
        ),
        (
            "g",
            Arc::new(
                FixedSizeBinaryArray::try_from_sparse_iter_with_size(
                    vec![Some(guid), None].into_iter(),
                    16,
                )
                .expect("valid guid array"),
            ),
        ),
        (
            "dyn",
            Arc::new(LargeStringArray::from(vec![
                Some(r#"{"a":[1,"x"],"b":null}"#),
                None,
            ])),
        ),
    ])
}

#[test]
fn json_covers_every_type() {
    let text = render(&every_type(), OutputFormat::Json);
    assert!(text.ends_with("}\n"));
    assert_eq!(text.lines().count(), 1);
    let value: Value = serde_json::from_str(&text).expect("one JSON document");
    assert_eq!(
        value,
        json!({
            "columns": [
                {"name": "b", "type": "bool"},
                {"name": "i", "type": "int"},
                {"name": "l", "type": "long"},
                {"name": "r", "type": "real"},
                {"name": "d", "type": "decimal"},
                {"name": "s", "type": "string"},
                {"name": "dt", "type": "datetime"},
                {"name": "ts", "type": "timespan"},
                {"name": "g", "type": "guid"},
                {"name": "dyn", "type": "dynamic"},
            ],
            "rows": [
                [true, -7, i64::MAX, "NaN", -1.25, "a,\"b\"\nc",
                 "1969-07-20T20:17:40Z", "-01:30:00.25",
                 "0123abcd-4567-89ef-0123-456789abcdef", {"a": [1, "x"], "b": null}],
                [null, null, null, null, null, null, null, null, null, null],
            ],
        })
    );
    assert!(value.get("visualization").is_none());
}

#[test]
fn csv_covers_every_type_and_quotes() {
    let text = render(&every_type(), OutputFormat::Csv);
    assert_eq!(
        text,
        "b,i,l,r,d,s,dt,ts,g,dyn\n\
         true,-7,9223372036854775807,NaN,-1.25,\"a,\"\"b\"\"\nc\",1969-07-20T20:17:40Z,\
         -01:30:00.25,0123abcd-4567-89ef-0123-456789abcdef,\"{\"\"a\"\":[1,\"\"x\"\"],\"\"b\"\":null}\"\n\
         ,,,,,,,,,\n"
    );
}

#[test]
fn ndjson_is_one_object_per_row_in_column_order() {
    let text = render(&every_type(), OutputFormat::Ndjson);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with(r#"{"b":true,"i":-7,"l":9223372036854775807,"r":"NaN","#));
    assert!(lines[0].ends_with(r#""dyn":{"a":[1,"x"],"b":null}}"#));
    assert_eq!(
        lines[1],
        r#"{"b":null,"i":null,"l":null,"r":null,"d":null,"s":null,"dt":null,"ts":null,"g":null,"dyn":null}"#
    );
}

#[test]
fn table_shows_values_and_right_aligns_numbers() {
    let b = batch(vec![
        (
            "name",
            Arc::new(StringArray::from(vec!["x", "日本語"])) as ArrayRef,
        ),
        ("count", Arc::new(Int64Array::from(vec![Some(5), None]))),
        ("ratio", Arc::new(Float64Array::from(vec![1e21, 1.5]))),
    ]);
    let text = render(&b, OutputFormat::Table);
    let expected = "\
+--------+-------+-------+
| name   | count | ratio |
+========================+
| x      |     5 | 1E+21 |
| 日本語 |       |   1.5 |
+--------+-------+-------+
";
    assert_eq!(text, expected);
}

#[test]
fn table_escapes_control_characters_but_keeps_newlines() {
    let b = batch(vec![(
        "s",
        Arc::new(StringArray::from(vec!["a\tb\u{1b}[31m", "two\nlines"])) as ArrayRef,
    )]);
    let text = render(&b, OutputFormat::Table);
    assert!(text.contains(r"a\tb\u{1b}[31m"), "{text}");
    assert!(!text.contains('\u{1b}'));
    assert!(text.contains("| two"));
    assert!(text.contains("| lines"));
}

#[test]
fn table_respects_max_width() {
    let long = "word ".repeat(40);
    let b = batch(vec![
        ("k", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
        ("text", Arc::new(StringArray::from(vec![long.as_str()]))),
    ]);
    let opts = RenderOptions {
        max_width: Some(40),
        visualization: None,
    };
    let text = render_with(
        &b.schema(),
        std::slice::from_ref(&b),
        OutputFormat::Table,
        &opts,
    );
    assert!(text.lines().count() > 4);
    for line in text.lines() {
        assert!(line.chars().count() <= 40, "{line:?}");
    }
    // Without a limit the text stays on one line.
    assert_eq!(render(&b, OutputFormat::Table).lines().count(), 5);
    // Widths too small for the content do not panic.
    let tiny = RenderOptions {
        max_width: Some(3),
        visualization: None,
    };
    render_with(&b.schema(), &[b], OutputFormat::Table, &tiny);
}

#[test]
fn empty_result_keeps_the_header() {
    let schema: SchemaRef = Arc::new(Schema::new(vec![
        Field::new("k", DataType::Int64, true),
        Field::new(
            "when",
            DataType::Timestamp(TimeUnit::Nanosecond, None),
            true,
        ),
    ]));
    let opts = RenderOptions::default();
    let table = render_with(&schema, &[], OutputFormat::Table, &opts);
    assert!(table.contains("| k | when |"), "{table}");
    assert_eq!(
        render_with(&schema, &[], OutputFormat::Csv, &opts),
        "k,when\n"
    );
    assert_eq!(
        render_with(&schema, &[], OutputFormat::Json, &opts),
        "{\"columns\":[{\"name\":\"k\",\"type\":\"long\"},{\"name\":\"when\",\"type\":\"datetime\"}],\"rows\":[]}\n"
    );
    assert_eq!(render_with(&schema, &[], OutputFormat::Ndjson, &opts), "");
    // An empty batch is the same as none.
    let empty = RecordBatch::new_empty(schema.clone());
    assert_eq!(
        render_with(&schema, &[empty], OutputFormat::Csv, &opts),
        "k,when\n"
    );
}

#[test]
fn json_includes_visualization_only_when_given() {
    let b = batch(vec![(
        "n",
        Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef,
    )]);
    let vis = Visualization {
        kind: "timechart".to_owned(),
        properties: vec![
            ("title".to_owned(), json!("Load")),
            ("ycolumns".to_owned(), json!(["n"])),
        ],
    };
    let opts = RenderOptions {
        max_width: None,
        visualization: Some(&vis),
    };
    let text = render_with(
        &b.schema(),
        std::slice::from_ref(&b),
        OutputFormat::Json,
        &opts,
    );
    assert_eq!(
        text,
        "{\"columns\":[{\"name\":\"n\",\"type\":\"long\"}],\"rows\":[[1],[2]],\
         \"visualization\":{\"kind\":\"timechart\",\"properties\":{\"title\":\"Load\",\"ycolumns\":[\"n\"]}}}\n"
    );
    // The other formats never print the chart.
    let csv = render_with(&b.schema(), &[b], OutputFormat::Csv, &opts);
    assert_eq!(csv, "n\n1\n2\n");
}

#[test]
fn rows_from_several_batches_are_concatenated() {
    let a = batch(vec![("n", Arc::new(Int64Array::from(vec![1])) as ArrayRef)]);
    let b = batch(vec![(
        "n",
        Arc::new(Int64Array::from(vec![2, 3])) as ArrayRef,
    )]);
    let schema = a.schema();
    let opts = RenderOptions::default();
    assert_eq!(
        render_with(&schema, &[a.clone(), b.clone()], OutputFormat::Json, &opts),
        "{\"columns\":[{\"name\":\"n\",\"type\":\"long\"}],\"rows\":[[1],[2],[3]]}\n"
    );
    assert_eq!(
        render_with(&schema, &[a, b], OutputFormat::Ndjson, &opts),
        "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n"
    );
}

#[test]
fn string_encodings_and_special_reals() {
    let dict: DictionaryArray<Int8Type> = vec![Some("red"), None].into_iter().collect();
    let b = batch(vec![
        (
            "v",
            Arc::new(StringViewArray::from(vec!["ünïcödé ✓", "plain"])) as ArrayRef,
        ),
        ("c", Arc::new(dict)),
        (
            "r",
            Arc::new(Float64Array::from(vec![f64::INFINITY, f64::NEG_INFINITY])),
        ),
    ]);
    assert_eq!(
        render(&b, OutputFormat::Ndjson),
        "{\"v\":\"ünïcödé ✓\",\"c\":\"red\",\"r\":\"Infinity\"}\n\
         {\"v\":\"plain\",\"c\":null,\"r\":\"-Infinity\"}\n"
    );
    assert_eq!(
        render(&b, OutputFormat::Csv),
        "v,c,r\nünïcödé ✓,red,Infinity\nplain,,-Infinity\n"
    );
    let json: Value = serde_json::from_str(&render(&b, OutputFormat::Json)).expect("valid JSON");
    assert_eq!(json["columns"][1], json!({"name": "c", "type": "string"}));
}

#[test]
fn dynamic_arrays_and_invalid_json() {
    let b = batch(vec![(
        "d",
        Arc::new(LargeStringArray::from(vec![
            "[1,2,{\"k\":\"v\"}]",
            "not json",
            "\"text\"",
        ])) as ArrayRef,
    )]);
    assert_eq!(
        render(&b, OutputFormat::Ndjson),
        "{\"d\":[1,2,{\"k\":\"v\"}]}\n{\"d\":\"not json\"}\n{\"d\":\"text\"}\n"
    );
    assert_eq!(
        render(&b, OutputFormat::Csv),
        "d\n\"[1,2,{\"\"k\"\":\"\"v\"\"}]\"\nnot json\n\"\"\"text\"\"\"\n"
    );
}

#[test]
fn unsupported_types_are_refused_before_writing() {
    let b = batch(vec![
        ("ok", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
        ("bin", Arc::new(BinaryArray::from(vec![&b"x"[..]]))),
    ]);
    for format in OutputFormat::ALL {
        let mut out = Vec::new();
        let err = write_result(
            &mut out,
            &b.schema(),
            std::slice::from_ref(&b),
            format,
            &RenderOptions::default(),
        )
        .expect_err("binary has no Kusto form");
        assert!(
            matches!(&err, RenderError::UnsupportedType { column, data_type }
                if column == "bin" && *data_type == DataType::Binary),
            "{err:?}"
        );
        assert!(out.is_empty());
    }
}

#[test]
fn mismatched_batches_are_an_error() {
    let one = batch(vec![("a", Arc::new(Int64Array::from(vec![1])) as ArrayRef)]);
    let schema: SchemaRef = Arc::new(Schema::new(vec![
        Field::new("a", DataType::Int64, true),
        Field::new("b", DataType::Int64, true),
    ]));
    let err = write_result(
        &mut Vec::new(),
        &schema,
        &[one],
        OutputFormat::Csv,
        &RenderOptions::default(),
    )
    .expect_err("shape mismatch");
    assert!(matches!(
        err,
        RenderError::SchemaMismatch {
            expected: 2,
            found: 1
        }
    ));
}

#[test]
fn output_format_names() {
    for format in OutputFormat::ALL {
        assert_eq!(format.to_string().parse::<OutputFormat>(), Ok(format));
    }
    assert_eq!("NDJSON".parse::<OutputFormat>(), Ok(OutputFormat::Ndjson));
    assert!("xml".parse::<OutputFormat>().is_err());
    assert_eq!(OutputFormat::default(), OutputFormat::Table);
}

#[test]
fn write_errors_surface_as_io() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }
    let b = every_type();
    for format in OutputFormat::ALL {
        let err = write_result(
            &mut Broken,
            &b.schema(),
            std::slice::from_ref(&b),
            format,
            &RenderOptions::default(),
        )
        .expect_err("writes fail");
        assert!(
            matches!(&err, RenderError::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe),
            "{format}: {err:?}"
        );
    }
}
