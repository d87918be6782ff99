//! `kql run NAME`: a saved query by name, with parameters; and the step that
//! every query-running command shares (explain, or run behind a spinner).

use crate::app::{UsageError, note};
use crate::args::RunArgs;
use crate::output::write_to;
use crate::progress;
use crate::templates::{Catalog, user_dir};
use kql_engine::{QueryResult, Session};

pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    let RunArgs {
        name,
        queries,
        mut query,
    } = args;
    // `kql run` shares `kql query`'s options; the query text is the template's.
    if query.query.is_some() || query.query_file.is_some() {
        return Err(UsageError(format!(
            "kql run takes a template name only (got more after '{name}'); \
             use `kql query` to run query text"
        ))
        .into());
    }
    let catalog = Catalog::load(user_dir().as_deref(), &queries.queries).map_err(UsageError)?;
    let template = catalog.get(&name).map_err(UsageError)?;
    if let Some(needs) = &template.needs {
        note(&format!(
            "kql: template '{name}' waits for a language feature kql lacks: {needs}"
        ));
    }
    query.query = Some(template.text.clone());
    super::query::run(query).await
}

/// Runs `text`, or with `explain` prints how it would run and returns `None`.
pub async fn execute(
    session: &Session,
    text: &str,
    params: &[(String, String)],
    explain: bool,
) -> anyhow::Result<Option<QueryResult>> {
    if explain {
        let explanation = session.explain(text, params).await?;
        write_to(None, |out| Ok(write!(out, "{explanation}")?))?;
        return Ok(None);
    }
    let busy = progress::busy("running the query");
    let result = session.query_with_params(text, params).await;
    drop(busy);
    Ok(Some(result?))
}
