//! Scanning through DataFusion: projection, limits, batching, aggregation.

mod common;

use std::sync::Arc;

use common::*;
use datafusion::arrow::datatypes::DataType;
use datafusion::functions_aggregate::expr_fn::{count, max};
use datafusion::prelude::{SessionContext, col, lit};
use kql_ingest::{IngestOptions, JsonTable};

fn many(n: usize) -> String {
    (0..n)
        .map(|i| format!("{{\"i\":{i},\"s\":\"r{i}\",\"o\":{{\"k\":{i}}}}}\n"))
        .collect()
}

#[tokio::test]
async fn projection_returns_only_selected_columns() {
    let t = open("{\"a\":1,\"b\":\"x\",\"c\":{\"n\":[1]}}\n{\"a\":2,\"c\":null,\"b\":\"y\"}");
    let batches = scan(t, &["c", "a"]).await;
    let schema = batches[0].schema();
    let names: Vec<_> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["c", "a"]);
    assert_eq!(schema.field(0).data_type(), &DataType::LargeUtf8);
    assert_eq!(
        column(&batches, "c"),
        vec![Some("{\"n\":[1]}".into()), None]
    );
    assert_eq!(column(&batches, "a"), some(&["1", "2"]));
}

#[tokio::test]
async fn the_scan_itself_builds_only_projected_columns() {
    let t = open("{\"a\":1,\"b\":\"x\"}");
    let ctx = SessionContext::new();
    let plan =
        datafusion::catalog::TableProvider::scan(&t, &ctx.state(), Some(&vec![1]), &[], None)
            .await
            .unwrap();
    let schema = plan.schema();
    assert_eq!(schema.fields().len(), 1);
    assert_eq!(schema.field(0).name(), "b");
}

#[tokio::test]
async fn many_records_span_batches_in_order() {
    let n = 20_000;
    let t = open(&many(n));
    assert_eq!(t.report().records, n);
    let batches = scan(t, &["i"]).await;
    assert!(batches.len() >= 3, "{} batches", batches.len());
    let expected: Vec<_> = (0..n).map(|i| Some(i.to_string())).collect();
    assert_eq!(column(&batches, "i"), expected);
}

#[tokio::test]
async fn limit_without_and_with_filters() {
    let ctx = SessionContext::new();
    let df = ctx.read_table(Arc::new(open(&many(10_000)))).unwrap();
    let batches = df
        .clone()
        .limit(0, Some(3))
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(column(&batches, "s"), some(&["r0", "r1", "r2"]));

    let filtered = df
        .filter(col("i").gt_eq(lit(9_000_i64)))
        .unwrap()
        .limit(0, Some(2))
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(column(&filtered, "s"), some(&["r9000", "r9001"]));
}

#[tokio::test]
async fn count_needs_no_columns() {
    let ctx = SessionContext::new();
    let df = ctx.read_table(Arc::new(open(&many(12_345)))).unwrap();
    assert_eq!(df.count().await.unwrap(), 12_345);
}

#[tokio::test]
async fn registered_table_answers_queries() {
    let ctx = SessionContext::new();
    let t = JsonTable::open(
        vec![src("a.json", &many(100)), src("b.json", &many(50))],
        &IngestOptions::default(),
    )
    .unwrap();
    ctx.register_table("T", Arc::new(t)).unwrap();
    let batches = ctx
        .table("T")
        .await
        .unwrap()
        .filter(col("s").like(lit("r4%")))
        .unwrap()
        .aggregate(
            vec![],
            vec![count(lit(1)).alias("n"), max(col("i")).alias("m")],
        )
        .unwrap()
        .collect()
        .await
        .unwrap();
    // r4 and r40..r49 in both sources: 11 + 11.
    assert_eq!(column(&batches, "n"), some(&["22"]));
    assert_eq!(column(&batches, "m"), some(&["49"]));
}

#[tokio::test]
async fn repeated_scans_give_the_same_rows() {
    let ctx = SessionContext::new();
    let df = ctx.read_table(Arc::new(open(&many(300)))).unwrap();
    let a = df.clone().collect().await.unwrap();
    let b = df.collect().await.unwrap();
    assert_eq!(a, b);
}

/// Tables over files read them again at each scan instead of keeping their
/// bytes: the answers must be those of the bytes as loaded.
mod reread {
    use super::*;
    use std::io::Write;

    fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    fn gzip(text: &str) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(text.as_bytes()).expect("gzip");
        enc.finish().expect("gzip")
    }

    fn open_files(paths: Vec<std::path::PathBuf>) -> JsonTable {
        JsonTable::open(
            paths
                .into_iter()
                .map(kql_ingest::SourceData::File)
                .collect(),
            &IngestOptions::default(),
        )
        .expect("open")
    }

    #[tokio::test]
    async fn plain_and_gzip_files_give_the_loaded_records_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Several batches per file, so byte ranges start mid-file.
        let text = many(20_000);
        let a = write(dir.path(), "a.json", text.as_bytes());
        let b = write(dir.path(), "b.json.gz", &gzip(&text));
        let t = open_files(vec![a, b]);
        let batches = scan(t, &["i", "s"]).await;
        assert_eq!(rows(&batches), 40_000);
        let ids = column(&batches, "i");
        let expected: Vec<Option<String>> = (0..20_000)
            .chain(0..20_000)
            .map(|i| Some(i.to_string()))
            .collect();
        assert_eq!(ids, expected);
        assert_eq!(column(&batches, "s")[39_999].as_deref(), Some("r19999"));
    }

    #[tokio::test]
    async fn a_file_changed_after_loading_is_an_error_not_a_wrong_answer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(dir.path(), "a.json", many(10).as_bytes());
        let t = open_files(vec![path.clone()]);
        std::fs::write(&path, many(12)).expect("rewrite");
        let ctx = SessionContext::new();
        let err = ctx
            .read_table(Arc::new(t))
            .and_then(|df| df.select_columns(&["i"]))
            .expect("plan")
            .collect()
            .await
            .expect_err("changed file");
        assert!(
            err.to_string().contains("changed after it was loaded"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn repaired_bytes_are_kept_and_scanned_as_loaded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(
            dir.path(),
            "a.json",
            b"{\"s\":\"M\xfcller\"}\n{\"s\":\"ok\"}\n",
        );
        let t = open_files(vec![path.clone()]);
        // The scan reads the repaired copy, not the file.
        std::fs::remove_file(&path).expect("remove");
        let batches = scan(t, &["s"]).await;
        assert_eq!(column(&batches, "s"), some(&["M\u{FFFD}ller", "ok"]));
    }
}
