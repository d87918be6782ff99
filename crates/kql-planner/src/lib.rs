//! `kql-planner` lowers a parsed KQL query (`kql-syntax` AST) to a DataFusion
//! `LogicalPlan`, built only through DataFusion's builders (never SQL text). It
//! sits between the parser and execution: it resolves names (tables, columns,
//! `let` bindings, functions from `kql-functions`), checks meaning (unknown
//! names with "did you mean", arity, types) and points errors at the span they
//! are about. Kusto's rules (column naming, default sort order, string
//! predicates) are applied here, so the plan computes what Kusto computes.

mod error;
mod evaluate;
mod expr;
mod facet;
mod functions;
mod join;
mod literal;
mod make_series;
mod multi_output;
mod mv_expand;
mod naming;
mod operators;
mod parse;
mod partition;
mod projection;
mod reshape;
mod scan;
mod scan_eval;
mod scope;
mod search;
mod source;
mod summarize;
mod top_nested;
mod window;

pub use error::PlanError;

use datafusion::logical_expr::LogicalPlan;
use kql_functions::visualization::Visualization;
use kql_syntax::ast;
use scope::Scope;

/// Scalar functions the planner handles itself rather than through the
/// catalog: they read the query's options or tables, or return several
/// columns.
pub fn planner_function_names() -> &'static [&'static str] {
    &[
        "toscalar",
        "bin_auto",
        "series_stats",
        "series_fit_line",
        "series_decompose",
    ]
}

/// The `evaluate` plugins that are supported.
pub fn evaluate_plugin_names() -> &'static [&'static str] {
    evaluate::PLUGINS
}

/// Functions over serialized rows the planner lowers to window functions.
pub fn window_function_names() -> &'static [&'static str] {
    window::WINDOW_FUNCTIONS
}

/// Where the planner finds tables that a query names.
pub trait TableResolver {
    /// A plan scanning the table, or `None` when there is no such table.
    fn resolve_table(&self, name: &str) -> Option<LogicalPlan>;
    /// Every table name, for suggestions.
    fn table_names(&self) -> Vec<String>;

    /// Runs a plan while planning, for operators whose output columns depend
    /// on the data (`evaluate bag_unpack`). `None` when the resolver cannot.
    fn execute(
        &self,
        _plan: &LogicalPlan,
    ) -> Option<Result<Vec<datafusion::arrow::record_batch::RecordBatch>, String>> {
        None
    }
}

/// A planned query: the plan and the chart its `render` asked for.
#[derive(Debug, Clone)]
pub struct PlannedQuery {
    /// The first (usually the only) result table.
    pub plan: LogicalPlan,
    pub visualization: Option<Visualization>,
    /// The result tables after the first, in order: empty unless the query
    /// ends with an operator returning several tables (`facet`).
    pub more: Vec<LogicalPlan>,
}

pub struct Planner<'a> {
    resolver: &'a dyn TableResolver,
    now: i64,
    /// Values passed for `declare query_parameters` names; they override defaults.
    parameters: Vec<(String, kql_functions::value::KValue)>,
}

impl<'a> Planner<'a> {
    pub fn new(resolver: &'a dyn TableResolver) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        Planner {
            resolver,
            now: now / 100 * 100,
            parameters: Vec::new(),
        }
    }

    /// Pins `now()` (nanoseconds since the epoch), so runs over old logs are reproducible.
    pub fn with_now(mut self, now: i64) -> Self {
        self.now = now;
        self
    }

    /// Values for declared query parameters, already of their declared types;
    /// a declared parameter without a value here keeps its default.
    pub fn with_parameters(mut self, values: Vec<(String, kql_functions::value::KValue)>) -> Self {
        self.parameters = values;
        self
    }

    pub(crate) fn parameter(&self, name: &str) -> Option<&kql_functions::value::KValue> {
        self.parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    pub fn plan_query(&self, query: &ast::Query) -> Result<PlannedQuery, PlanError> {
        let mut scope = Scope::default();
        let mut result = None;
        // Only the final tabular statement may end with `facet`.
        let last = query
            .statements
            .iter()
            .rposition(|s| matches!(s, ast::Statement::Tabular(_)));
        for (i, statement) in query.statements.iter().enumerate() {
            match statement {
                ast::Statement::Let(l) => scope::bind_let(self, &mut scope, l)?,
                ast::Statement::DeclareQueryParameters(params, _) => {
                    scope::bind_parameters(self, &mut scope, params)?
                }
                ast::Statement::Tabular(t) if Some(i) == last => {
                    result = Some(self.plan_final(&mut scope, t)?);
                }
                ast::Statement::Tabular(t) => {
                    let (plan, visualization) = self.plan_tabular(&mut scope, t)?;
                    result = Some((plan, visualization, Vec::new()));
                }
                ast::Statement::Set { name, value, .. } => {
                    scope.options.insert(name.name.clone(), value.clone());
                }
            }
        }
        let (plan, visualization, more) = result
            .ok_or_else(|| PlanError::new("the query has no tabular expression to run", None))?;
        Ok(PlannedQuery {
            plan,
            visualization,
            more,
        })
    }

    /// The query's final tabular expression: its result tables, of which
    /// there are several when it ends with `facet`.
    fn plan_final(
        &self,
        scope: &mut Scope,
        t: &ast::TabularExpr,
    ) -> Result<(LogicalPlan, Option<Visualization>, Vec<LogicalPlan>), PlanError> {
        let Some((
            ast::Operator::Facet {
                columns,
                with,
                span,
            },
            before,
        )) = t.operators.split_last()
        else {
            let (plan, visualization) = self.plan_tabular(scope, t)?;
            return Ok((plan, visualization, Vec::new()));
        };
        let input = ast::TabularExpr {
            source: t.source.clone(),
            operators: before.to_vec(),
            span: t.span,
        };
        let (plan, visualization) = self.plan_tabular(scope, &input)?;
        let mut tables = facet::facet(self, scope, plan, columns, with)?.into_iter();
        let first = tables
            .next()
            .ok_or_else(|| PlanError::at("facet needs a column", *span))?;
        Ok((first, visualization, tables.collect()))
    }

    /// Lowers a tabular expression; the visualization of its last `render`, if any.
    pub(crate) fn plan_tabular(
        &self,
        scope: &mut Scope,
        t: &ast::TabularExpr,
    ) -> Result<(LogicalPlan, Option<Visualization>), PlanError> {
        let mut plan = source::plan_source(self, scope, &t.source)?;
        let mut vis = None;
        for op in &t.operators {
            let (p, v) = operators::plan_operator(self, scope, plan, op)?;
            plan = p;
            if v.is_some() {
                vis = v;
            }
        }
        Ok((plan, vis))
    }

    pub(crate) fn call_context(&self) -> kql_functions::catalog::CallContext {
        kql_functions::catalog::CallContext { now: self.now }
    }
}
