//! Functions that return several columns (`series_stats`, `series_fit_line`)
//! in `extend`/`project`: `(a, b) = f(x)` names the first outputs, one name
//! keeps only the first output (`fit = series_fit_line(y)` is its rsquare),
//! and no name gives `f_x_field` columns, as Kusto does. Each is computed as
//! one bag and read field by field.

use crate::expr::{self, TExpr};
use crate::{PlanError, Planner, scope::Scope};
use datafusion::common::DFSchema;
use datafusion::logical_expr::lit;
use kql_functions::KustoType;
use kql_functions::catalog::{Arg, CallContext};
use kql_functions::scalar::{dynamic, series, series_filters};
use kql_syntax::ast::{self, ExprKind};

type BagFn = fn(Vec<Arg>, &CallContext) -> Result<datafusion::logical_expr::Expr, String>;

/// Output fields with their types.
type Fields = &'static [(&'static str, KustoType)];

/// (function, the builder of all its outputs as one bag, its outputs)
const MULTI: &[(&str, BagFn, Fields)] = &[
    (
        "series_stats",
        series::series_stats_dynamic,
        &[
            ("min", KustoType::Real),
            ("min_idx", KustoType::Long),
            ("max", KustoType::Real),
            ("max_idx", KustoType::Long),
            ("avg", KustoType::Real),
            ("stdev", KustoType::Real),
            ("variance", KustoType::Real),
        ],
    ),
    (
        "series_decompose",
        series_filters::series_decompose_bag,
        &[
            ("baseline", KustoType::Dynamic),
            ("seasonal", KustoType::Dynamic),
            ("trend", KustoType::Dynamic),
            ("residual", KustoType::Dynamic),
        ],
    ),
    (
        "series_fit_line",
        series::series_fit_line_dynamic,
        &[
            ("rsquare", KustoType::Real),
            ("slope", KustoType::Real),
            ("variance", KustoType::Real),
            ("rvariance", KustoType::Real),
            ("interception", KustoType::Real),
            ("line_fit", KustoType::Dynamic),
        ],
    ),
];

/// The columns of `c` when it calls a several-column function.
pub fn expand(
    p: &Planner<'_>,
    scope: &Scope,
    schema: &DFSchema,
    c: &ast::NamedExpr,
) -> Option<Result<Vec<(String, TExpr)>, PlanError>> {
    let ExprKind::Call { name, args } = &c.expr.kind else {
        return None;
    };
    let (fname, bag_of, fields) = MULTI.iter().find(|(f, _, _)| *f == name.name)?;
    Some((|| {
        if c.names.len() > fields.len() {
            return Err(PlanError::at(
                format!("{fname}() returns {} columns", fields.len()),
                c.span,
            ));
        }
        let lowered = args
            .iter()
            .map(|a| expr::lower(p, scope, schema, a).map(TExpr::arg))
            .collect::<Result<Vec<_>, _>>()?;
        let bag = TExpr::new(
            bag_of(lowered, &p.call_context()).map_err(|m| PlanError::at(m, c.span))?,
            KustoType::Dynamic,
        );
        let prefix = match args.first().and_then(crate::naming::plain_column) {
            Some(col) => format!("{fname}_{col}"),
            None => (*fname).to_string(),
        };
        // One name keeps only the first output (Kusto answers
        // `fit = series_fit_line(y)` with the rsquare alone); a list names the
        // first outputs and the rest keep their default names.
        let names: Vec<String> = match c.names.as_slice() {
            [one] => vec![one.name.clone()],
            given => fields
                .iter()
                .enumerate()
                .map(|(i, (f, _))| match given.get(i) {
                    Some(n) => n.name.clone(),
                    None => format!("{prefix}_{f}"),
                })
                .collect(),
        };
        Ok(names
            .into_iter()
            .zip(fields.iter())
            .map(|(n, (field, ty))| {
                let value = TExpr::new(
                    dynamic::get(bag.expr.clone(), lit(*field)),
                    KustoType::Dynamic,
                );
                (n, expr::convert_to(value, *ty))
            })
            .collect())
    })())
}
