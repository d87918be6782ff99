//! `--explain`: what a query became at each stage, for people debugging a
//! query or the engine.

use crate::{EngineError, Session};
use datafusion::physical_plan::displayable;

/// A query at each stage of the pipeline, as text.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The parsed query printed back as KQL (the AST's `Display`).
    pub parsed: String,
    /// The DataFusion logical plan as the planner built it.
    pub logical: String,
    /// The logical plan after DataFusion's optimizer.
    pub optimized: String,
    /// The physical plan that would run.
    pub physical: String,
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sections = [
            ("Parsed query", &self.parsed),
            ("Logical plan", &self.logical),
            ("Optimized logical plan", &self.optimized),
            ("Physical plan", &self.physical),
        ];
        for (i, (title, body)) in sections.into_iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "== {title} ==")?;
            writeln!(f, "{}", body.trim_end())?;
        }
        Ok(())
    }
}

impl Session {
    /// Plans a query without running it and describes every stage.
    pub async fn explain<K: AsRef<str>, V: AsRef<str>>(
        &self,
        text: &str,
        params: &[(K, V)],
    ) -> Result<Explanation, EngineError> {
        let parsed = crate::error::parse(text)?.to_string();
        let planned = self.plan_with_params(text, params)?;
        let state = self.context().state();
        let optimized = state.optimize(&planned.plan)?;
        let physical = state.create_physical_plan(&optimized).await?;
        Ok(Explanation {
            parsed,
            logical: planned.plan.display_indent().to_string(),
            optimized: optimized.display_indent().to_string(),
            physical: displayable(physical.as_ref()).indent(true).to_string(),
        })
    }
}
