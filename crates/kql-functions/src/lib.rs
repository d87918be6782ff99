//! `kql-functions` holds what every stage of kql shares about Kusto values: the
//! Kusto type system and its Arrow mapping ([`types`]), Kusto's text forms of
//! datetimes and timespans ([`format`], [`datetime`]), and the Kusto scalar and
//! aggregate functions as DataFusion UDFs/UDAFs with the catalog that the planner
//! looks names up in. Registering them all in one place ([`register_all`]) keeps
//! them ordinary DataFusion functions, usable by any DataFusion session.

pub mod aggregate;
pub mod catalog;
pub mod datetime;
pub mod format;
pub mod scalar;
pub mod timespan;
pub mod types;
pub mod udf;
pub mod value;
pub mod visualization;
pub mod window;

pub use types::KustoType;

/// Registers every Kusto UDF and UDAF with a DataFusion session, so that plans
/// using them can be run (and, later, shipped to other DataFusion executors).
pub fn register_all(ctx: &datafusion::prelude::SessionContext) {
    for udf in scalar::all_udfs() {
        ctx.register_udf(udf.as_ref().clone());
    }
    for udaf in aggregate::all_udafs() {
        ctx.register_udaf(udaf.as_ref().clone());
    }
    for udwf in window::all_udwfs() {
        ctx.register_udwf(udwf.as_ref().clone());
    }
}
