//! A borrowed JSON tree for one record.
//!
//! Routing a record needs fields that may come after the ones being mapped
//! (`category` after `properties`), so each record is parsed into a tree once
//! and then classified and mapped. Strings without escapes borrow from the
//! input, objects keep their key order (and duplicates), and CSV cells are
//! kept apart as [`Val::Text`] because their type is unknown until a column
//! asks for one.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(Cow<'a, str>),
    /// Untyped text, as read from a CSV cell.
    Text(Cow<'a, str>),
    Arr(Vec<Val<'a>>),
    Obj(Vec<(Cow<'a, str>, Val<'a>)>),
}

/// Why a span is not a record.
#[derive(Debug)]
pub(crate) enum RecordError {
    Json(serde_json::Error),
    NotObject(&'static str),
}

impl<'a> Val<'a> {
    /// The value of the first key equal to `name`, ignoring ASCII case: raw
    /// Azure records mix `time` and `Level`, exports may lower-case names.
    pub(crate) fn get_ci(&self, name: &str) -> Option<&Val<'a>> {
        match self {
            Val::Obj(entries) => entries
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string or CSV cell.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) | Val::Text(s) => Some(s),
            _ => None,
        }
    }

    /// What a non-object is called in a report.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "a bool",
            Val::I64(_) | Val::U64(_) | Val::F64(_) => "a number",
            Val::Str(_) | Val::Text(_) => "a string",
            Val::Arr(_) => "an array",
            Val::Obj(_) => "an object",
        }
    }

    /// Compact JSON text, as `dynamic` columns carry it. Text cells are
    /// written as JSON strings.
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) {
        // Serializing into a Vec cannot fail: every value here is valid JSON
        // (non-finite floats become null, as serde_json writes them).
        let _ = serde_json::to_writer(out, self);
    }

    pub(crate) fn to_json(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Parses one record; anything but an object is a [`RecordError::NotObject`].
pub(crate) fn parse_record(bytes: &[u8]) -> Result<Val<'_>, RecordError> {
    let v = parse_value(bytes).map_err(RecordError::Json)?;
    match v {
        Val::Obj(_) => Ok(v),
        other => Err(RecordError::NotObject(other.kind_name())),
    }
}

/// [`parse_record`] of text known to be UTF-8, the fast way.
pub(crate) fn parse_record_str(text: &str) -> Result<Val<'_>, RecordError> {
    match crate::fastjson::parse(text) {
        Some(v @ Val::Obj(_)) => Ok(v),
        Some(other) => Err(RecordError::NotObject(other.kind_name())),
        None => parse_record(text.as_bytes()),
    }
}

/// Parses any JSON value, requiring nothing but whitespace after it.
pub(crate) fn parse_value(bytes: &[u8]) -> Result<Val<'_>, serde_json::Error> {
    if let Some(v) = std::str::from_utf8(bytes)
        .ok()
        .and_then(crate::fastjson::parse)
    {
        return Ok(v);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = Val::deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// Parses text that holds JSON (a `properties` string, a CSV cell), if it
/// is an object or array; other text is not decoded.
pub(crate) fn parse_embedded(text: &str) -> Option<Val<'_>> {
    let t = text.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    parse_value(text.as_bytes()).ok()
}

impl<'de> Deserialize<'de> for Val<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValVisitor)
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Val<'de>, E> {
        Ok(Val::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Val<'de>, E> {
        Ok(Val::I64(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val<'de>, E> {
        Ok(i64::try_from(v).map_or(Val::U64(v), Val::I64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Val<'de>, E> {
        Ok(Val::F64(v))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Owned(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(Val::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Val<'de>, A::Error> {
        // JSON gives no size hint; records have dozens of fields, and
        // growing from empty would reallocate five times.
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(16).min(256));
        while let Some(k) = map.next_key::<KeyCow<'de>>()? {
            entries.push((k.0, map.next_value()?));
        }
        Ok(Val::Obj(entries))
    }
}

/// A key that borrows when the input allows it.
struct KeyCow<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for KeyCow<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyCow<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<KeyCow<'de>, E> {
                Ok(KeyCow(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyCow<'de>, E> {
                Ok(KeyCow(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<KeyCow<'de>, E> {
                Ok(KeyCow(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl Serialize for Val<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Null => s.serialize_unit(),
            Val::Bool(b) => s.serialize_bool(*b),
            Val::I64(v) => s.serialize_i64(*v),
            Val::U64(v) => s.serialize_u64(*v),
            Val::F64(v) => s.serialize_f64(*v),
            Val::Str(v) | Val::Text(v) => s.serialize_str(v),
            Val::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Val::Obj(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_compact_and_ordered() {
        let text =
            r#"{ "b" : [1, 2.5, null, true], "a": {"q": "\"x\""}, "u": 18446744073709551615 }"#;
        let v = parse_value(text.as_bytes()).unwrap();
        assert_eq!(
            v.to_json(),
            r#"{"b":[1,2.5,null,true],"a":{"q":"\"x\""},"u":18446744073709551615}"#
        );
        assert!(matches!(v.get_ci("B"), Some(Val::Arr(_))));
    }

    #[test]
    fn borrowed_unless_escaped() {
        let v = parse_value(br#"{"plain": "x", "esc\u0041": "a\nb"}"#).unwrap();
        let Val::Obj(entries) = v else {
            panic!("object expected")
        };
        assert!(matches!(entries[0].0, Cow::Borrowed(_)));
        assert!(matches!(entries[0].1, Val::Str(Cow::Borrowed("x"))));
        assert_eq!(entries[1].0, "escA");
        assert!(matches!(entries[1].1, Val::Str(Cow::Owned(_))));
    }

    #[test]
    fn records_must_be_objects() {
        assert!(matches!(
            parse_record(b"[1]"),
            Err(RecordError::NotObject("an array"))
        ));
        assert!(matches!(parse_record(b"{} x"), Err(RecordError::Json(_))));
        assert!(parse_embedded("not json").is_none());
        assert!(parse_embedded(" {\"a\":1}").is_some());
    }
}
