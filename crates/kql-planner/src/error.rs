//! Semantic errors, each pointing at the span of the query it is about.

use kql_syntax::ast::Span;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct PlanError {
    pub message: String,
    pub span: Option<Span>,
}

impl std::error::Error for PlanError {}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl PlanError {
    pub fn new(message: impl Into<String>, span: Option<Span>) -> Self {
        PlanError {
            message: message.into(),
            span,
        }
    }

    pub fn at(message: impl Into<String>, span: Span) -> Self {
        PlanError::new(message, Some(span))
    }

    pub fn span(&self) -> Option<Span> {
        self.span
    }

    /// An error from DataFusion while building the plan, attributed to `span`.
    pub fn datafusion(e: datafusion::error::DataFusionError, span: Span) -> Self {
        PlanError::at(clean_df_message(&e.to_string()), span)
    }

    /// "unknown X 'name'" with the closest candidates suggested.
    pub fn unknown<'c>(
        what: &str,
        name: &str,
        span: Span,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Self {
        let mut msg = format!("unknown {what} '{name}'");
        if let Some(s) = suggest(name, candidates) {
            msg.push_str(&format!("; did you mean '{s}'?"));
        }
        PlanError::at(msg, span)
    }
}

fn clean_df_message(s: &str) -> String {
    s.trim_start_matches("Error during planning: ")
        .trim_start_matches("Schema error: ")
        .to_string()
}

/// The candidate closest to `name` by edit distance (case-insensitive), when close enough.
pub fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = if c.to_lowercase() == lower {
            0
        } else {
            edit_distance(&lower, &c.to_lowercase())
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    // Short names are close to everything; a suggestion must keep part of the name.
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    best.filter(|(d, _)| *d <= limit && *d < len)
        .map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        let c = ["TotalTime", "BackendTime", "ApiId"];
        assert_eq!(suggest("TotalTme", c), Some("TotalTime".into()));
        assert_eq!(suggest("totaltime", c), Some("TotalTime".into()));
        assert_eq!(suggest("Zebra", c), None);
    }
}
