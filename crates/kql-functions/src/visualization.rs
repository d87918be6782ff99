//! The chart a query asked for with `render`: carried next to the result, never
//! applied to the data (Kusto's `render` does not change rows).

/// `render timechart with (title="x", ycolumns=a, b)` as kind + ordered properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Visualization {
    /// The chart kind as written (`timechart`, `columnchart`, …).
    pub kind: String,
    /// `with (...)` properties in the order written; values as JSON
    /// (strings, numbers, booleans, or arrays of column names).
    pub properties: Vec<(String, serde_json::Value)>,
}
