//! Kusto scalar functions, one family per file. [`FUNCTIONS`] is the catalog
//! (name, arity, builder); [`all_udfs`] lists every UDF the builders may emit so
//! that [`crate::register_all`] can register them with a session.

use crate::catalog::{Arg, ScalarFunction};
use datafusion::logical_expr::{Expr, ScalarUDF};
use std::sync::Arc;

/// Declares a lazily built Kusto UDF.
macro_rules! kusto_udf {
    ($static:ident, $name:literal, $ret:expr, $eval:expr) => {
        pub static $static: std::sync::LazyLock<
            std::sync::Arc<datafusion::logical_expr::ScalarUDF>,
        > = std::sync::LazyLock::new(|| crate::udf::KustoUdf::new($name, $ret, $eval).into_udf());
    };
}

/// A catalog row.
macro_rules! f {
    ($name:literal, $min:expr, $max:expr, $build:expr) => {
        ScalarFunction {
            name: $name,
            min_args: $min,
            max_args: $max,
            build: $build,
        }
    };
}

pub mod arrays;
pub mod conversion;
pub mod datetime;
pub mod dynamic;
pub mod expand;
pub mod formatting;
pub mod hash;
pub mod logic;
pub mod math;
pub mod series;
pub mod series_filters;
pub mod strings;
pub mod text;

const MANY: usize = 64;

pub static FUNCTIONS: &[ScalarFunction] = &[
    // conversion
    f!("tostring", 1, 1, conversion::tostring),
    f!("toint", 1, 1, conversion::toint),
    f!("tolong", 1, 1, conversion::tolong),
    f!("todouble", 1, 1, conversion::toreal),
    f!("toreal", 1, 1, conversion::toreal),
    f!("tobool", 1, 1, conversion::tobool),
    f!("toboolean", 1, 1, conversion::tobool),
    f!("todatetime", 1, 1, conversion::todatetime),
    f!("totimespan", 1, 1, conversion::totimespan),
    f!("todecimal", 1, 1, conversion::todecimal),
    f!("toguid", 1, 1, conversion::toguid),
    f!("todynamic", 1, 1, conversion::todynamic),
    f!("parse_json", 1, 1, conversion::todynamic),
    f!("gettype", 1, 1, dynamic::gettype),
    // logic
    f!("iff", 3, 3, logic::iff),
    f!("iif", 3, 3, logic::iff),
    f!("case", 3, MANY, logic::case),
    f!("isnull", 1, 1, logic::isnull),
    f!("isnotnull", 1, 1, logic::isnotnull),
    f!("isempty", 1, 1, logic::isempty),
    f!("isnotempty", 1, 1, logic::isnotempty),
    f!("not", 1, 1, logic::not),
    f!("coalesce", 1, MANY, logic::coalesce),
    f!("max_of", 1, MANY, logic::max_of),
    f!("min_of", 1, MANY, logic::min_of),
    // strings
    f!("strlen", 1, 1, strings::strlen),
    f!("tolower", 1, 1, strings::tolower),
    f!("toupper", 1, 1, strings::toupper),
    f!("strcat", 1, MANY, strings::strcat),
    f!("strcat_delim", 2, MANY, strings::strcat_delim),
    f!("substring", 2, 3, strings::substring),
    f!("indexof", 2, 5, strings::indexof),
    f!("countof", 2, 3, strings::countof),
    f!("split", 2, 3, strings::split),
    f!("replace_string", 3, 3, strings::replace_string),
    f!("reverse", 1, 1, strings::reverse),
    f!("strrep", 2, 3, strings::strrep),
    f!("trim", 2, 2, strings::trim),
    f!("trim_start", 2, 2, strings::trim_start),
    f!("trim_end", 2, 2, strings::trim_end),
    f!("extract", 3, 4, strings::extract),
    f!("string_size", 1, 1, strings::string_size),
    f!("replace_regex", 3, 3, text::replace_regex),
    f!("extract_all", 2, 3, text::extract_all),
    f!("strcmp", 2, 2, text::strcmp),
    f!("url_encode", 1, 1, text::url_encode),
    f!("url_encode_component", 1, 1, text::url_encode),
    f!("url_decode", 1, 1, text::url_decode),
    f!("base64_encode_tostring", 1, 1, text::base64_encode_tostring),
    f!("base64_decode_tostring", 1, 1, text::base64_decode_tostring),
    f!("parse_url", 1, 1, text::parse_url),
    f!("parse_path", 1, 1, text::parse_path),
    f!("format_bytes", 1, 3, text::format_bytes),
    f!("ipv4_is_private", 1, 1, text::ipv4_is_private),
    f!("ipv4_is_in_range", 2, 2, text::ipv4_is_in_range),
    f!("parse_ipv4", 1, 1, text::parse_ipv4),
    // datetime
    f!("now", 0, 1, datetime::now),
    f!("ago", 1, 1, datetime::ago),
    f!("bin", 2, 2, datetime::bin),
    f!("floor", 2, 2, datetime::bin),
    f!("bin_at", 3, 3, datetime::bin_at),
    f!("startofday", 1, 2, datetime::startofday),
    f!("startofweek", 1, 2, datetime::startofweek),
    f!("startofmonth", 1, 2, datetime::startofmonth),
    f!("startofyear", 1, 2, datetime::startofyear),
    f!("endofday", 1, 2, datetime::endofday),
    f!("endofweek", 1, 2, datetime::endofweek),
    f!("endofmonth", 1, 2, datetime::endofmonth),
    f!("endofyear", 1, 2, datetime::endofyear),
    f!("dayofweek", 1, 1, datetime::dayofweek),
    f!("dayofmonth", 1, 1, datetime::dayofmonth),
    f!("dayofyear", 1, 1, datetime::dayofyear),
    f!("hourofday", 1, 1, datetime::hourofday),
    f!("getyear", 1, 1, datetime::getyear),
    f!("getmonth", 1, 1, datetime::getmonth),
    f!("monthofyear", 1, 1, datetime::getmonth),
    f!("week_of_year", 1, 1, datetime::week_of_year),
    f!("datetime_add", 3, 3, datetime::datetime_add),
    f!("datetime_diff", 3, 3, datetime::datetime_diff),
    f!("datetime_part", 2, 2, datetime::datetime_part),
    f!("format_datetime", 2, 2, formatting::format_datetime_fn),
    f!("format_timespan", 2, 2, formatting::format_timespan_fn),
    f!("weekofyear", 1, 1, datetime::week_of_year),
    f!("make_datetime", 1, 7, datetime::make_datetime),
    f!("make_timespan", 1, 5, datetime::make_timespan),
    f!(
        "unixtime_seconds_todatetime",
        1,
        1,
        datetime::unixtime_seconds
    ),
    f!(
        "unixtime_milliseconds_todatetime",
        1,
        1,
        datetime::unixtime_millis
    ),
    // math
    f!("abs", 1, 1, math::abs),
    f!("round", 1, 2, math::round),
    f!("ceiling", 1, 1, math::ceiling),
    f!("sqrt", 1, 1, math::sqrt),
    f!("pow", 2, 2, math::pow),
    f!("exp", 1, 1, math::exp),
    f!("log", 1, 1, math::log),
    f!("log10", 1, 1, math::log10),
    f!("log2", 1, 1, math::log2),
    f!("sign", 1, 1, math::sign),
    f!("isnan", 1, 1, math::isnan),
    f!("isinf", 1, 1, math::isinf),
    f!("isfinite", 1, 1, math::isfinite),
    f!("sin", 1, 1, math::sin),
    f!("cos", 1, 1, math::cos),
    f!("tan", 1, 1, math::tan),
    f!("asin", 1, 1, math::asin),
    f!("acos", 1, 1, math::acos),
    f!("atan", 1, 1, math::atan),
    f!("atan2", 2, 2, math::atan2),
    f!("cot", 1, 1, math::cot),
    f!("degrees", 1, 1, math::degrees),
    f!("radians", 1, 1, math::radians),
    f!("pi", 0, 0, math::pi),
    f!("exp2", 1, 1, math::exp2),
    f!("exp10", 1, 1, math::exp10),
    // dynamic
    f!("array_length", 1, 1, dynamic::array_length),
    f!("bag_keys", 1, 1, dynamic::bag_keys),
    f!("pack_array", 0, MANY, dynamic::pack_array),
    f!("pack", 0, MANY, dynamic::pack),
    f!("bag_pack", 0, MANY, dynamic::pack),
    f!("array_concat", 1, MANY, dynamic::array_concat),
    f!("array_sum", 1, 1, dynamic::array_sum),
    f!("array_sort_asc", 1, 2, dynamic::array_sort_asc),
    f!("array_sort_desc", 1, 2, dynamic::array_sort_desc),
    f!("array_reverse", 1, 1, dynamic::array_reverse),
    f!("array_slice", 3, 3, dynamic::array_slice),
    f!("array_index_of", 2, 2, dynamic::array_index_of),
    f!("set_has_element", 2, 2, dynamic::set_has_element),
    f!("bag_merge", 1, MANY, dynamic::bag_merge),
    f!("dynamic_to_json", 1, 1, dynamic::dynamic_to_json),
    f!("set_union", 2, MANY, arrays::set_union),
    f!("set_intersect", 2, MANY, arrays::set_intersect),
    f!("set_difference", 2, MANY, arrays::set_difference),
    f!("zip", 2, MANY, arrays::zip),
    f!("array_rotate_left", 2, 2, arrays::array_rotate_left),
    f!("array_rotate_right", 2, 2, arrays::array_rotate_right),
    f!("array_shift_left", 2, 3, arrays::array_shift_left),
    f!("array_shift_right", 2, 3, arrays::array_shift_right),
    f!("array_split", 2, 2, arrays::array_split),
    f!("array_iff", 3, 3, arrays::array_iff),
    f!("array_iif", 3, 3, arrays::array_iff),
    f!("strcat_array", 2, 2, arrays::strcat_array),
    f!("series_stats_dynamic", 1, 2, series::series_stats_dynamic),
    f!("series_fill_forward", 1, 2, series::series_fill_forward),
    f!("series_fill_backward", 1, 2, series::series_fill_backward),
    f!(
        "series_fit_line_dynamic",
        1,
        1,
        series::series_fit_line_dynamic
    ),
    f!("series_iir", 3, 3, series::series_iir),
    f!("series_fir", 2, 4, series_filters::series_fir),
    f!(
        "series_pearson_correlation",
        2,
        2,
        series::series_pearson_correlation
    ),
    f!("range", 2, 3, series::range),
    f!("jaccard_index", 2, 2, series::jaccard_index),
    f!("treepath", 1, 1, series::treepath),
    f!("dcount_hll", 1, 1, series::dcount_hll),
    f!("hash_sha256", 1, 1, text::hash_sha256),
    f!("hash", 1, 2, hash::hash),
    f!(
        "unixtime_microseconds_todatetime",
        1,
        1,
        datetime::unixtime_micros
    ),
    f!(
        "unixtime_nanoseconds_todatetime",
        1,
        1,
        datetime::unixtime_nanos
    ),
];

/// Every UDF the scalar builders can emit.
pub fn all_udfs() -> Vec<Arc<ScalarUDF>> {
    let mut v = Vec::new();
    v.extend(arrays::udfs());
    v.extend(conversion::udfs());
    v.extend(strings::udfs());
    v.extend(datetime::udfs());
    v.extend(dynamic::udfs());
    v.extend(expand::udfs());
    v.extend(formatting::udfs());
    v.extend(hash::udfs());
    v.push(crate::aggregate::series::axis_udf());
    v.extend(math::udfs());
    v.extend(text::udfs());
    v.extend(series::udfs());
    v.extend(series_filters::udfs());
    v
}

/// A UDF applied to lowered arguments as they are.
pub(crate) fn call_udf(udf: &Arc<ScalarUDF>, a: Vec<Arg>) -> Result<Expr, String> {
    Ok(udf.call(a.into_iter().map(|x| x.expr).collect()))
}

/// Shorthand for builders: a constant-free error when a type is not accepted.
pub(crate) fn type_error(func: &str, what: &str, got: crate::KustoType) -> String {
    format!("{func}(): expected {what}, got {got}")
}
