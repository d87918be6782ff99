//! Times opening tables and scanning some of their columns, without the
//! query engine: `cargo run --release -p kql-ingest --example scan -- DIR
//! TABLE [COLUMN…]`. A tool for profiling the JSON path alone.

use std::sync::Arc;
use std::time::Instant;

use datafusion::prelude::SessionContext;
use futures::StreamExt;
use kql_ingest::{IngestOptions, Input, SourceData};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("usage: scan DIR TABLE [COLUMN…]")?;
    let table = args.next().ok_or("usage: scan DIR TABLE [COLUMN…]")?;
    let columns: Vec<String> = args.collect();

    let t = Instant::now();
    let inputs = kql_ingest::find_files(std::path::Path::new(&dir))?
        .into_iter()
        .map(|f| Input::new(SourceData::File(f)))
        .collect();
    let loaded = kql_ingest::load(inputs, &IngestOptions::default())?;
    eprintln!("load: {:.3} s", t.elapsed().as_secs_f64());
    let (_, json) = loaded
        .tables
        .into_iter()
        .find(|(name, _)| *name == table)
        .ok_or("no such table")?;
    let schema = json.schema();
    let projection: Vec<usize> = columns
        .iter()
        .map(|c| schema.index_of(c))
        .collect::<Result<_, _>>()?;

    let t = Instant::now();
    let ctx = SessionContext::new();
    let state = ctx.state();
    let provider: Arc<dyn datafusion::catalog::TableProvider> = Arc::new(json);
    let plan = provider.scan(&state, Some(&projection), &[], None).await?;
    let mut stream = plan.execute(0, ctx.task_ctx())?;
    let mut rows = 0;
    while let Some(batch) = stream.next().await {
        rows += batch?.num_rows();
    }
    eprintln!("scan: {:.3} s, {rows} rows", t.elapsed().as_secs_f64());
    Ok(())
}
