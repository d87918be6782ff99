//! The trees the planner relies on, checked node by node.

use kql_syntax::ast::*;
use kql_syntax::parse_query;

fn parse(text: &str) -> Query {
    parse_query(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
}

fn last_tabular(query: &Query) -> &TabularExpr {
    match query.statements.last() {
        Some(Statement::Tabular(t)) => t,
        other => panic!("expected a tabular statement, got {other:?}"),
    }
}

/// The expression of `print <expr>`.
fn print_expr(text: &str) -> Expr {
    let query = parse(&format!("print {text}"));
    match &last_tabular(&query).source {
        Source::Print { columns, .. } => columns[0].expr.clone(),
        other => panic!("{other:?}"),
    }
}

fn literal(text: &str) -> Literal {
    match print_expr(text).kind {
        ExprKind::Literal(l) => l,
        other => panic!("{text:?} is not a literal: {other:?}"),
    }
}

fn let_value(text: &str) -> LetValue {
    match &parse(&format!("let v = {text}; T")).statements[0] {
        Statement::Let(l) => l.value.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn let_values_are_classified() {
    assert!(matches!(let_value("1 + 2"), LetValue::Scalar(_)));
    assert!(matches!(
        let_value("T"),
        LetValue::Scalar(Expr {
            kind: ExprKind::Ident(_),
            ..
        })
    ));
    assert!(matches!(
        let_value("toscalar(T | count)"),
        LetValue::Scalar(_)
    ));
    assert!(matches!(let_value("range(1, 5, 1)"), LetValue::Scalar(_)));
    for tabular in [
        "T | take 1",
        "(T | take 1)",
        "datatable(a:long)[1]",
        "print 1",
        "range i from 1 to 2 step 1",
        "union A, B",
        "materialize(T)",
    ] {
        assert!(
            matches!(let_value(tabular), LetValue::Tabular(_)),
            "{tabular}"
        );
    }
    let LetValue::Function(f) = let_value("(x:long, t:(*), s:string = \"d\") { let y = x; y * 2 }")
    else {
        panic!("not a function");
    };
    assert_eq!(f.params.len(), 3);
    assert_eq!(f.params[1].ty.name, "(*)");
    assert!(f.params[2].default.is_some());
    assert_eq!(f.body.len(), 1);
    assert!(f.scalar_body.is_some());
    let LetValue::Function(f) = let_value("() { T | take 1 }") else {
        panic!("not a function");
    };
    assert!(f.scalar_body.is_none());
    assert!(matches!(f.body[0], Statement::Tabular(_)));
}

#[test]
fn literal_values() {
    assert_eq!(literal("42"), Literal::Long(42));
    assert_eq!(literal("0xFF"), Literal::Long(255));
    assert_eq!(literal("1.5"), Literal::Real(1.5));
    assert_eq!(literal("int(-5)"), Literal::Int(-5));
    assert_eq!(literal("long(-5)"), Literal::Long(-5));
    assert_eq!(literal("real(1)"), Literal::Real(1.0));
    assert_eq!(literal("real(-inf)"), Literal::Real(f64::NEG_INFINITY));
    assert!(matches!(literal("real(nan)"), Literal::Real(v) if v.is_nan()));
    assert_eq!(literal("decimal(1.25)"), Literal::Decimal("1.25".into()));
    assert_eq!(literal("bool(true)"), Literal::Bool(true));
    assert_eq!(literal("long(null)"), Literal::Null("long".into()));
    assert_eq!(literal("datetime(null)"), Literal::Null("datetime".into()));
    assert_eq!(literal("dynamic(null)"), Literal::Dynamic("null".into()));
    assert_eq!(literal("\"a\" 'b' @\"c\""), Literal::String("abc".into()));
    assert_eq!(
        literal("datetime(2024-02-10 12:00)"),
        Literal::DateTime {
            nanos: 1_707_566_400_000_000_000,
            raw: "2024-02-10 12:00".into()
        }
    );
    assert_eq!(
        literal("datetime(\"2024-02-10\")"),
        Literal::DateTime {
            nanos: 1_707_523_200_000_000_000,
            raw: "2024-02-10".into()
        }
    );
    let hour = 3_600_000_000_000;
    assert_eq!(
        literal("1.5h"),
        Literal::Timespan {
            nanos: hour * 3 / 2,
            raw: "1.5h".into()
        }
    );
    assert_eq!(
        literal("time( 1.02:00:00 )"),
        Literal::Timespan {
            nanos: 26 * hour,
            raw: "time(1.02:00:00)".into()
        }
    );
    assert_eq!(
        literal("guid(74BE27DE-1E4E-49D9-B579-FE0B331D3642)"),
        Literal::Guid("74be27de-1e4e-49d9-b579-fe0b331d3642".into())
    );
    assert_eq!(
        literal("dynamic({ 'a' : [1, 2.50, \"x\"] })"),
        Literal::Dynamic(r#"{"a":[1,2.50,"x"]}"#.into())
    );
}

#[test]
fn expressions_follow_precedence() {
    let e = print_expr("a or b and c == 1 + 2 * 3");
    let ExprKind::Binary {
        op: BinaryOp::Or,
        right,
        ..
    } = e.kind
    else {
        panic!("or is loosest");
    };
    let ExprKind::Binary {
        op: BinaryOp::And,
        right,
        ..
    } = right.kind
    else {
        panic!("then and");
    };
    let ExprKind::Binary {
        op: BinaryOp::Eq,
        right,
        ..
    } = right.kind
    else {
        panic!("then ==");
    };
    let ExprKind::Binary {
        op: BinaryOp::Add,
        right,
        ..
    } = right.kind
    else {
        panic!("then +");
    };
    assert!(matches!(
        right.kind,
        ExprKind::Binary {
            op: BinaryOp::Mul,
            ..
        }
    ));

    let e = print_expr("s !contains_cs \"x\"");
    let expected = BinaryOp::Str {
        op: StringOp::Contains { cs: true },
        negated: true,
    };
    assert!(matches!(e.kind, ExprKind::Binary { op, .. } if op == expected));
    assert!(matches!(
        print_expr("x !in~ (1, 2)").kind,
        ExprKind::In { op: InOp::NotInCi, ref list, .. } if list.len() == 2
    ));
    assert!(matches!(
        print_expr("x between (1 .. 2)").kind,
        ExprKind::Between { negated: false, .. }
    ));
    let e = print_expr("x in (T | project a)");
    let ExprKind::In { list, .. } = e.kind else {
        panic!("in");
    };
    assert!(matches!(
        list[..],
        [Expr {
            kind: ExprKind::TabularArg(_),
            ..
        }]
    ));
    assert!(matches!(
        print_expr("-5").kind,
        ExprKind::Unary {
            op: UnaryOp::Neg,
            ..
        }
    ));
    assert!(matches!(
        print_expr("count(*)").kind,
        ExprKind::Call { ref args, .. } if args[0].kind == ExprKind::Star
    ));
}

#[test]
fn spans_cover_their_text() {
    let text = "T | where a + b > 1";
    let query = parse(text);
    let Operator::Where { predicate, span } = &last_tabular(&query).operators[0] else {
        panic!("where");
    };
    assert_eq!(&text[span.start..span.end], "where a + b > 1");
    assert_eq!(&text[predicate.span.start..predicate.span.end], "a + b > 1");
    let ExprKind::Binary { left, .. } = &predicate.kind else {
        panic!("binary");
    };
    assert_eq!(&text[left.span.start..left.span.end], "a + b");
}

#[test]
fn operators_carry_their_parts() {
    let query = parse(
        "datatable(a:long, b:real)[-5, -1.5] \
         | join kind=leftanti hint.strategy=broadcast (U) on k, $right.y == $left.x \
         | summarize hint.shufflekey=k (t, v) = arg_max(ts, v), n = count() by k \
         | mv-expand bagexpansion=array with_itemindex=i tags to typeof(string) limit 5 \
         | render timechart with (ycolumns=a, b, title=\"t\") \
         | parse x with * \"=\" y:int \
         | top 3 by x desc nulls last",
    );
    let t = last_tabular(&query);
    let Source::Datatable {
        values, columns, ..
    } = &t.source
    else {
        panic!("datatable");
    };
    assert_eq!(columns[1].ty.name, "real");
    assert_eq!(values[0].kind, ExprKind::Literal(Literal::Long(-5)));
    assert_eq!(values[1].kind, ExprKind::Literal(Literal::Real(-1.5)));
    let Operator::Join {
        params, kind, on, ..
    } = &t.operators[0]
    else {
        panic!("join");
    };
    assert_eq!(*kind, JoinKind::LeftAnti);
    assert_eq!(params[0].name.name, "hint.strategy");
    assert!(matches!(&on[0], JoinCondition::Column(c) if c.name == "k"));
    assert!(matches!(
        &on[1],
        JoinCondition::LeftRight { left, right } if left.name == "x" && right.name == "y"
    ));
    let Operator::Summarize {
        params,
        aggregates,
        by,
        ..
    } = &t.operators[1]
    else {
        panic!("summarize");
    };
    assert_eq!(params.len(), 1);
    assert_eq!(aggregates[0].names.len(), 2);
    assert_eq!(aggregates[1].names[0].name, "n");
    assert_eq!(by.len(), 1);
    let Operator::MvExpand {
        params,
        columns,
        item_index,
        limit,
        ..
    } = &t.operators[2]
    else {
        panic!("mv-expand");
    };
    assert_eq!(params[0].name.name, "bagexpansion");
    assert_eq!(item_index.as_ref().map(|i| i.name.as_str()), Some("i"));
    assert_eq!(
        columns[0].to_type.as_ref().map(|t| t.name.as_str()),
        Some("string")
    );
    assert!(limit.is_some());
    let Operator::Render {
        kind, properties, ..
    } = &t.operators[3]
    else {
        panic!("render");
    };
    assert_eq!(kind.name, "timechart");
    assert!(matches!(
        &properties[0].value.kind,
        ExprKind::Call { name, args } if name.name == "__list" && args.len() == 2
    ));
    let Operator::Parse { pattern, .. } = &t.operators[4] else {
        panic!("parse");
    };
    assert_eq!(pattern.len(), 3);
    let Operator::Top { by, .. } = &t.operators[5] else {
        panic!("top");
    };
    assert_eq!(
        (by.order, by.nulls),
        (Some(SortOrder::Desc), Some(NullsOrder::Last))
    );
}

#[test]
fn sources() {
    let query = parse("union kind=outer withsource=Src (A | take 1), B");
    let Source::Union { params, tables, .. } = &last_tabular(&query).source else {
        panic!("union");
    };
    assert_eq!(params.len(), 2);
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0].operators.len(), 1);
    let query = parse("range x from 1 to 10 step 2");
    assert!(matches!(&last_tabular(&query).source, Source::Range { name, .. } if name.name == "x"));
    let query = parse("declare query_parameters(n:long = 5); T | take n");
    assert!(
        matches!(&query.statements[0], Statement::DeclareQueryParameters(p, _) if p.len() == 1)
    );
}

#[test]
fn facet_keeps_its_columns_and_with_pipe() {
    let text = "T | facet by a, b with (where x > 1 | take 5) ";
    let query = parse(text);
    let Operator::Facet {
        columns,
        with,
        span,
    } = &last_tabular(&query).operators[0]
    else {
        panic!("{query:?}");
    };
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(matches!(
        with.as_slice(),
        [Operator::Where { .. }, Operator::Take { .. }]
    ));
    assert_eq!(
        &text[span.start..span.end],
        "facet by a, b with (where x > 1 | take 5)"
    );

    let query = parse("T | facet by a");
    assert!(matches!(
        &last_tabular(&query).operators[0],
        Operator::Facet { with, .. } if with.is_empty()
    ));
    assert!(parse_query("T | facet a").is_err(), "`by` is required");
    assert!(parse_query("T | facet by a with ()").is_err());
}
