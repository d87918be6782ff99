//! The catalog the planner looks function names up in: one row per Kusto scalar
//! function (name, arity, how to build its DataFusion expression). Builders
//! receive lowered, typed arguments; many map onto DataFusion built-ins, the
//! rest onto the Kusto UDFs of this crate.

use crate::KustoType;
use crate::value::KValue;
use datafusion::logical_expr::Expr;

/// A lowered argument: its expression, its Kusto type, and its value when it is
/// a constant the planner could evaluate (needed by e.g. `bin`'s size).
#[derive(Debug, Clone)]
pub struct Arg {
    pub expr: Expr,
    pub ty: KustoType,
    pub literal: Option<KValue>,
}

/// What a builder may depend on besides its arguments.
#[derive(Debug, Clone, Copy)]
pub struct CallContext {
    /// `now()` for this query, nanoseconds since the epoch (constant within a query).
    pub now: i64,
}

pub type BuildFn = fn(Vec<Arg>, &CallContext) -> Result<Expr, String>;

pub struct ScalarFunction {
    pub name: &'static str,
    pub min_args: usize,
    pub max_args: usize,
    pub build: BuildFn,
}

/// Looks a scalar function up by its exact (case-sensitive) Kusto name.
pub fn scalar_function(name: &str) -> Option<&'static ScalarFunction> {
    crate::scalar::FUNCTIONS.iter().find(|f| f.name == name)
}

/// Every scalar function name, for "did you mean" suggestions and the support table.
pub fn scalar_function_names() -> impl Iterator<Item = &'static str> {
    crate::scalar::FUNCTIONS.iter().map(|f| f.name)
}
