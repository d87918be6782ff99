//! Kusto scalar types and how each is carried in Arrow.
//!
//! Every stage agrees on this one mapping, so the Kusto type of any Arrow column
//! can be read back from its data type alone:
//!
//! | Kusto      | Arrow                                   |
//! |------------|-----------------------------------------|
//! | `bool`     | `Boolean`                               |
//! | `int`      | `Int32`                                 |
//! | `long`     | `Int64`                                 |
//! | `real`     | `Float64`                               |
//! | `decimal`  | `Decimal128(38, 18)`                    |
//! | `string`   | `Utf8` (also `Utf8View` from scans)     |
//! | `datetime` | `Timestamp(Nanosecond, None)` (UTC)     |
//! | `timespan` | `Duration(Nanosecond)`                  |
//! | `guid`     | `FixedSizeBinary(16)`                   |
//! | `dynamic`  | `LargeUtf8` holding compact JSON text   |
//!
//! `dynamic` rides on `LargeUtf8` because nothing else in the pipeline produces
//! that type, so it never collides with strings; a JSON `null` is stored as an
//! Arrow null.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KustoType {
    Bool,
    Int,
    Long,
    Real,
    Decimal,
    String,
    DateTime,
    Timespan,
    Guid,
    Dynamic,
}

pub const DECIMAL_PRECISION: u8 = 38;
pub const DECIMAL_SCALE: i8 = 18;

impl KustoType {
    /// The Kusto name (`long`, `datetime`, …) as `getschema` and the JSON output print it.
    pub fn name(self) -> &'static str {
        match self {
            KustoType::Bool => "bool",
            KustoType::Int => "int",
            KustoType::Long => "long",
            KustoType::Real => "real",
            KustoType::Decimal => "decimal",
            KustoType::String => "string",
            KustoType::DateTime => "datetime",
            KustoType::Timespan => "timespan",
            KustoType::Guid => "guid",
            KustoType::Dynamic => "dynamic",
        }
    }

    /// The .NET type name `getschema` reports in its `DataType` column.
    pub fn dotnet_name(self) -> &'static str {
        match self {
            KustoType::Bool => "System.Boolean",
            KustoType::Int => "System.Int32",
            KustoType::Long => "System.Int64",
            KustoType::Real => "System.Double",
            KustoType::Decimal => "System.Data.SqlTypes.SqlDecimal",
            KustoType::String => "System.String",
            KustoType::DateTime => "System.DateTime",
            KustoType::Timespan => "System.TimeSpan",
            KustoType::Guid => "System.Guid",
            KustoType::Dynamic => "System.Object",
        }
    }

    /// Parses a type name as written in KQL, including its aliases.
    pub fn from_name(name: &str) -> Option<KustoType> {
        Some(match name {
            "bool" | "boolean" => KustoType::Bool,
            "int" | "int32" => KustoType::Int,
            "long" | "int64" => KustoType::Long,
            "real" | "double" => KustoType::Real,
            "decimal" => KustoType::Decimal,
            "string" => KustoType::String,
            "datetime" | "date" => KustoType::DateTime,
            "timespan" | "time" => KustoType::Timespan,
            "guid" | "uuid" | "uniqueid" => KustoType::Guid,
            "dynamic" => KustoType::Dynamic,
            _ => return None,
        })
    }

    pub fn to_arrow(self) -> DataType {
        match self {
            KustoType::Bool => DataType::Boolean,
            KustoType::Int => DataType::Int32,
            KustoType::Long => DataType::Int64,
            KustoType::Real => DataType::Float64,
            KustoType::Decimal => DataType::Decimal128(DECIMAL_PRECISION, DECIMAL_SCALE),
            KustoType::String => DataType::Utf8,
            KustoType::DateTime => DataType::Timestamp(TimeUnit::Nanosecond, None),
            KustoType::Timespan => DataType::Duration(TimeUnit::Nanosecond),
            KustoType::Guid => DataType::FixedSizeBinary(16),
            KustoType::Dynamic => DataType::LargeUtf8,
        }
    }

    /// The Kusto type of an Arrow column. Types outside the mapping are folded to
    /// their nearest Kusto type (any integer is `long`, any float `real`) so that
    /// results of DataFusion built-ins always have a Kusto type.
    pub fn from_arrow(dt: &DataType) -> Option<KustoType> {
        Some(match dt {
            DataType::Boolean => KustoType::Bool,
            DataType::Int32 => KustoType::Int,
            DataType::Int8 | DataType::Int16 | DataType::UInt8 | DataType::UInt16 => KustoType::Int,
            DataType::Int64 | DataType::UInt32 | DataType::UInt64 => KustoType::Long,
            DataType::Float16 | DataType::Float32 | DataType::Float64 => KustoType::Real,
            DataType::Decimal128(_, _) | DataType::Decimal256(_, _) => KustoType::Decimal,
            DataType::Utf8 | DataType::Utf8View => KustoType::String,
            DataType::LargeUtf8 => KustoType::Dynamic,
            DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => KustoType::DateTime,
            DataType::Duration(_) => KustoType::Timespan,
            DataType::FixedSizeBinary(16) => KustoType::Guid,
            DataType::Null => KustoType::Dynamic,
            DataType::Dictionary(_, v) => return KustoType::from_arrow(v),
            _ => return None,
        })
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            KustoType::Int | KustoType::Long | KustoType::Real | KustoType::Decimal
        )
    }

    pub fn is_integer(self) -> bool {
        matches!(self, KustoType::Int | KustoType::Long)
    }
}

impl fmt::Display for KustoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_through_arrow() {
        for t in [
            KustoType::Bool,
            KustoType::Int,
            KustoType::Long,
            KustoType::Real,
            KustoType::Decimal,
            KustoType::String,
            KustoType::DateTime,
            KustoType::Timespan,
            KustoType::Guid,
            KustoType::Dynamic,
        ] {
            assert_eq!(KustoType::from_arrow(&t.to_arrow()), Some(t));
            assert_eq!(KustoType::from_name(t.name()), Some(t));
        }
    }
}
