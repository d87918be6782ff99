//! The result tables of `facet` through the Session API: the first table in
//! the usual fields, the others in `more`; other queries leave `more` empty.

use kql_engine::Session;

#[test]
fn facet_tables_come_in_order_and_others_have_one() {
    let session = Session::new();
    let q = "datatable(a:string, b:long)[\"x\",1, \"y\",2, \"x\",3] | facet by a, b with (take 1)";
    let planned = session.plan(q).expect("plans");
    assert_eq!(planned.more.len(), 2);

    let r = session.query_blocking(q).expect("runs");
    let names: Vec<Vec<String>> = r
        .tables()
        .map(|t| t.schema.fields().iter().map(|f| f.name().clone()).collect())
        .collect();
    assert_eq!(
        names,
        [vec!["a", "b"], vec!["a", "count_a"], vec!["b", "count_b"]]
    );
    let rows: Vec<usize> = r.tables().map(|t| t.row_count()).collect();
    assert_eq!(rows, [1, 2, 3]);
    assert!(r.more.iter().all(|t| t.more.is_empty()));

    let single = session.query_blocking("print x = 1").expect("runs");
    assert!(single.more.is_empty());
    assert_eq!(single.tables().count(), 1);
}
