fn main() {
    let q = std::env::args().nth(1).unwrap();
    match kql_syntax::parse_query(&q) {
        Ok(ast) => { println!("{ast}"); if std::env::var("AST").is_ok() { println!("{ast:#?}"); } }
        Err(e) => println!("{}\n{e:?}", kql_syntax::render_caret(&q, e.span, &e.to_string())),
    }
}
