//! One `ScalarUDFImpl` shared by Kusto's row-wise functions: each function is a
//! name, a return-type rule and an evaluation function over Arrow arrays. They
//! are ordinary DataFusion UDFs, so any DataFusion session (local or distributed)
//! can run plans that use them once [`crate::register_all`] has run.

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use std::sync::Arc;

/// Computes the result type from the argument types.
pub type ReturnFn = fn(&[DataType]) -> Result<DataType>;
/// Evaluates over arrays of equal length `rows` (scalars already expanded).
pub type EvalFn = fn(&[ArrayRef], usize) -> Result<ArrayRef>;

#[derive(Debug)]
pub struct KustoUdf {
    name: &'static str,
    signature: Signature,
    ret: ReturnFn,
    eval: EvalFn,
}

// UDF names are unique, so they identify a function (comparing function
// pointers would not be reliable).
impl PartialEq for KustoUdf {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for KustoUdf {}

impl std::hash::Hash for KustoUdf {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl KustoUdf {
    pub fn new(name: &'static str, ret: ReturnFn, eval: EvalFn) -> Self {
        KustoUdf {
            name,
            signature: Signature::variadic_any(Volatility::Immutable),
            ret,
            eval,
        }
    }

    pub fn into_udf(self) -> Arc<ScalarUDF> {
        Arc::new(ScalarUDF::new_from_impl(self))
    }
}

impl ScalarUDFImpl for KustoUdf {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        (self.ret)(arg_types)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let rows = if all_scalar { 1 } else { args.number_rows };
        let arrays = args
            .args
            .iter()
            .map(|a| a.clone().into_array(rows))
            .collect::<Result<Vec<_>>>()?;
        let out = (self.eval)(&arrays, rows)?;
        if all_scalar {
            let scalar = datafusion::common::ScalarValue::try_from_array(&out, 0)?;
            Ok(ColumnarValue::Scalar(scalar))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

/// Calls a UDF on arguments.
pub fn call(udf: &Arc<ScalarUDF>, args: Vec<Expr>) -> Expr {
    udf.call(args)
}

/// Return-type rules shared by many functions.
pub mod ret {
    use super::*;
    pub fn utf8(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    pub fn dynamic(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::LargeUtf8)
    }
    pub fn boolean(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    pub fn int64(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }
    pub fn int32(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }
    pub fn float64(_: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }
    pub fn datetime(_: &[DataType]) -> Result<DataType> {
        Ok(crate::KustoType::DateTime.to_arrow())
    }
    pub fn timespan(_: &[DataType]) -> Result<DataType> {
        Ok(crate::KustoType::Timespan.to_arrow())
    }
    pub fn first_arg(args: &[DataType]) -> Result<DataType> {
        Ok(args.first().cloned().unwrap_or(DataType::Null))
    }
}
