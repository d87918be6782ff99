//! Runs one query over the bundled sample logs and prints the result as a table:
//! `cargo run -p kql-engine --example q -- 'print x = 1'`.

fn main() {
    let query = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "print x = 1".into());
    let mut session = kql_engine::Session::new();
    if let Err(e) = session.load_sample() {
        eprintln!("{}", e.render());
    }
    if std::env::var_os("KQL_PLAN").is_some()
        && let Ok(p) = session.plan(&query)
    {
        eprintln!("{}", p.plan.display_indent());
    }
    match session.query_blocking(&query) {
        Ok(r) => {
            let opts = kql_render::RenderOptions {
                max_width: None,
                visualization: r.visualization.as_ref(),
            };
            let mut out = std::io::stdout();
            if let Err(e) = kql_render::write_result(
                &mut out,
                &r.schema,
                &r.batches,
                kql_render::OutputFormat::Json,
                &opts,
            ) {
                eprintln!("{e}");
            }
        }
        Err(e) => eprintln!("{}", e.render()),
    }
}
