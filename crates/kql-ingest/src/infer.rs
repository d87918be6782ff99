//! Schema inference: the union of top-level fields over all records, in
//! first-seen order, each with the narrowest Kusto type that holds every value.
//!
//! Per field, the kinds of its non-null values are joined in this lattice:
//!
//! * `long` ⊔ `real` = `real` (JSON integers beyond `i64` are `real` already);
//! * strings that all parse with [`parse_datetime`] are `datetime`; mixed with
//!   other strings they are `string`. Empty strings do not decide either way,
//!   so a timestamp that is sometimes `""` stays a `datetime` (`""` → null);
//! * objects, arrays and any other mix (number + string, bool + number, …)
//!   are `dynamic`;
//! * JSON `null` and missing fields do not affect the type, and a field that is
//!   only ever null (or `""`) is a `string`: it carries no information, and
//!   `string` is the type Kusto gives such columns in most ingestion mappings.
//!
//! Numbers written as strings stay strings here; Azure-specific coercion is
//! not this crate's concern.

use std::collections::HashMap;
use std::fmt;

use datafusion::arrow::datatypes::{Field, Schema};
use kql_functions::KustoType;
use kql_functions::datetime::parse_datetime;
use serde::de::{
    self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::IngestReport;
use crate::shape::{Fault, Item, Lines, envelope};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    /// The empty string: compatible with both `datetime` and `string`.
    Empty,
    Bool,
    Long,
    Real,
    DateTime,
    Str,
    Dynamic,
}

impl Kind {
    pub(crate) fn join(self, other: Kind) -> Kind {
        use Kind::*;
        match (self, other) {
            (Null, k) | (k, Null) => k,
            (a, b) if a == b => a,
            (Long, Real) | (Real, Long) => Real,
            (Empty, DateTime) | (DateTime, Empty) => DateTime,
            (Empty | DateTime | Str, Empty | DateTime | Str) => Str,
            _ => Dynamic,
        }
    }

    pub(crate) fn kusto(self) -> KustoType {
        match self {
            Kind::Null | Kind::Empty | Kind::Str => KustoType::String,
            Kind::Bool => KustoType::Bool,
            Kind::Long => KustoType::Long,
            Kind::Real => KustoType::Real,
            Kind::DateTime => KustoType::DateTime,
            Kind::Dynamic => KustoType::Dynamic,
        }
    }
}

/// Fields in first-seen order with the join of their kinds so far.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    index: HashMap<String, usize>,
    list: Vec<(String, Kind)>,
}

impl Fields {
    fn observe(&mut self, name: FieldRef, kind: Kind) {
        let slot = match name {
            FieldRef::Known(i) => i,
            FieldRef::New(name) => match self.index.get(&name) {
                Some(&i) => i,
                None => {
                    self.index.insert(name.clone(), self.list.len());
                    self.list.push((name, Kind::Null));
                    self.list.len() - 1
                }
            },
        };
        let entry = &mut self.list[slot].1;
        *entry = entry.join(kind);
    }

    /// Adds the fields of records that come after ours: new names are
    /// appended, so first-seen order is the same as a sequential pass.
    pub(crate) fn merge(&mut self, later: Fields) {
        for (name, kind) in later.list {
            self.observe(FieldRef::New(name), kind);
        }
    }

    pub(crate) fn columns(&self) -> impl Iterator<Item = (&str, KustoType)> {
        self.list.iter().map(|(n, k)| (n.as_str(), k.kusto()))
    }

    pub(crate) fn to_schema(&self) -> Schema {
        Schema::new(
            self.columns()
                .map(|(name, t)| Field::new(name, t.to_arrow(), true))
                .collect::<Vec<_>>(),
        )
    }
}

/// A field seen in the record being parsed, resolved without allocating when
/// the name is already known (the overwhelmingly common case).
enum FieldRef {
    Known(usize),
    New(String),
}

/// What inference found in one chunk of items, in document order.
#[derive(Debug, Default)]
pub(crate) struct Partial {
    pub records: Vec<(usize, usize)>,
    pub fields: Fields,
    /// (line, reason) of the first skipped inputs, at most
    /// `IngestReport::MAX_SKIPPED_DETAILS`.
    pub skipped: Vec<(usize, String)>,
    pub skipped_count: usize,
}

impl Partial {
    fn skip(&mut self, describe: impl FnOnce() -> (usize, String)) {
        self.skipped_count += 1;
        // Describing costs a scan for line and column; skip it once enough
        // details are kept.
        if self.skipped.len() < IngestReport::MAX_SKIPPED_DETAILS {
            self.skipped.push(describe());
        }
    }
}

/// Opens envelopes among `items`, checks every record and infers its fields.
pub(crate) fn infer_items(doc: &[u8], items: &[Item]) -> Partial {
    let mut out = Partial::default();
    let mut scratch = Vec::new();
    for &item in items {
        let wrapped = if item.may_wrap {
            envelope(doc, item)
        } else {
            None
        };
        match wrapped {
            Some(records) => {
                let mut lines = Lines::new(doc, item.start, item.line);
                for (start, end) in records {
                    check_record(doc, start, end, &mut out, &mut scratch, |at| {
                        lines.line_at(at)
                    });
                }
            }
            None => check_record(doc, item.start, item.end, &mut out, &mut scratch, |at| {
                Lines::new(doc, item.start, item.line).line_at(at)
            }),
        }
    }
    out
}

fn check_record(
    doc: &[u8],
    start: usize,
    end: usize,
    out: &mut Partial,
    scratch: &mut Vec<(FieldRef, Kind)>,
    mut line_at: impl FnMut(usize) -> usize,
) {
    match observe_record(&doc[start..end], &mut out.fields, scratch) {
        Ok(()) => out.records.push((start, end)),
        Err(RecordError::Json(err)) => {
            out.skip(|| Fault::Json { at: start, err }.describe(doc, line_at(start)))
        }
        Err(RecordError::NotObject(kind)) => {
            out.skip(|| (line_at(start), format!("not a JSON object (found {kind})")))
        }
    }
}

enum RecordError {
    Json(serde_json::Error),
    NotObject(&'static str),
}

impl From<serde_json::Error> for RecordError {
    fn from(err: serde_json::Error) -> Self {
        RecordError::Json(err)
    }
}

/// Observes one record's fields. `fields` is only updated once the whole
/// record proved valid, so a record that breaks off half-way leaves no trace
/// in the schema.
fn observe_record(
    bytes: &[u8],
    fields: &mut Fields,
    scratch: &mut Vec<(FieldRef, Kind)>,
) -> Result<(), RecordError> {
    scratch.clear();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let found = (&mut de).deserialize_any(RecordVisitor {
        fields: &*fields,
        scratch: &mut *scratch,
    })?;
    de.end()?;
    if let Some(kind) = found {
        return Err(RecordError::NotObject(kind));
    }
    for (name, kind) in scratch.drain(..) {
        fields.observe(name, kind);
    }
    Ok(())
}

/// Visits a top-level value: an object's fields are collected, anything else
/// is consumed and named so the skip can say what was found instead.
struct RecordVisitor<'a> {
    fields: &'a Fields,
    scratch: &'a mut Vec<(FieldRef, Kind)>,
}

impl<'de> Visitor<'de> for RecordVisitor<'_> {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while let Some(name) = map.next_key_seed(KeySeed(self.fields))? {
            // Once a field is known to be a plain string (or dynamic), its
            // strings need no datetime parse; that is most of the strings.
            let settled = match name {
                FieldRef::Known(i) => matches!(self.fields.list[i].1, Kind::Str | Kind::Dynamic),
                FieldRef::New(_) => false,
            };
            let kind = map.next_value_seed(KindSeed { settled })?;
            self.scratch.push((name, kind));
        }
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Some("an array"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Some("a string"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some("a bool"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Some("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Some("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Some("a number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some("null"))
    }
}

struct KeySeed<'a>(&'a Fields);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = FieldRef;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<FieldRef, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = FieldRef;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldRef, E> {
        Ok(match self.0.index.get(v) {
            Some(&i) => FieldRef::Known(i),
            None => FieldRef::New(v.to_owned()),
        })
    }
}

/// The kind of a field value; nested values are skipped, not built.
struct KindSeed {
    /// Strings of this field are already known not to be all datetimes.
    settled: bool,
}

impl<'de> DeserializeSeed<'de> for KindSeed {
    type Value = Kind;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KindSeed {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Kind, E> {
        Ok(Kind::Bool)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Kind, E> {
        Ok(Kind::Long)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Kind, E> {
        Ok(if i64::try_from(v).is_ok() {
            Kind::Long
        } else {
            Kind::Real
        })
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Kind, E> {
        Ok(Kind::Real)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Kind, E> {
        Ok(if self.settled {
            Kind::Str
        } else if v.is_empty() {
            Kind::Empty
        } else if parse_datetime(v).is_some() {
            Kind::DateTime
        } else {
            Kind::Str
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Kind::Dynamic)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Kind::Dynamic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Kind::*;

    #[test]
    fn lattice() {
        assert_eq!(Long.join(Real), Real);
        assert_eq!(Null.join(Long), Long);
        assert_eq!(Long.join(Str), Dynamic);
        assert_eq!(Bool.join(Long), Dynamic);
        assert_eq!(DateTime.join(Empty), DateTime);
        assert_eq!(DateTime.join(Str), Str);
        assert_eq!(Empty.join(Str), Str);
        assert_eq!(Dynamic.join(Null), Dynamic);
        // Order of observation must not matter.
        let all = [Null, Empty, Bool, Long, Real, DateTime, Str, Dynamic];
        for a in all {
            for b in all {
                assert_eq!(a.join(b), b.join(a));
                for c in all {
                    assert_eq!(a.join(b).join(c), a.join(b.join(c)), "{a:?} {b:?} {c:?}");
                }
            }
        }
    }

    #[test]
    fn broken_record_leaves_no_trace() {
        let mut fields = Fields::default();
        let mut scratch = Vec::new();
        assert!(observe_record(br#"{"a": 1, "b": "#, &mut fields, &mut scratch).is_err());
        assert!(observe_record(br#"{"a": 1} x"#, &mut fields, &mut scratch).is_err());
        assert!(fields.list.is_empty());
        assert!(observe_record(br#"{"a": 1, "a": 2.5}"#, &mut fields, &mut scratch).is_ok());
        assert_eq!(fields.list, vec![("a".to_owned(), Real)]);
    }
}
