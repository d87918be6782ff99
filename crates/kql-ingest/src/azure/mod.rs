//! Azure records as Log Analytics tables.
//!
//! A record is classified by what it carries ([`classify`]):
//!
//! * a `Type` naming a table — a Log Analytics export (portal, API, data
//!   export rule); its fields already are that table's columns;
//! * a diagnostic `category`: `GatewayLogs` → `ApiManagementGatewayLogs`,
//!   `GatewayLlmLogs` → `ApiManagementGatewayLlmLog`, and any category of a
//!   `MICROSOFT.COGNITIVESERVICES` resource → `AzureDiagnostics` (Azure
//!   OpenAI has no resource-specific table);
//! * a `metricName` with a `time` — an exported metric → `AzureMetrics`;
//! * anything else follows the generic path, named by the caller.
//!
//! Each known table (one module each) lists its documented columns in
//! documented order with their Kusto types, and maps raw field names onto
//! them. Fields a mapping does not know are kept as extra columns. Keys are
//! matched ignoring ASCII case, because Azure mixes `time` and `Level` at
//! the top level and exports may change case.

mod diagnostics;
mod export;
mod gateway;
mod llm;
mod metrics;
mod resource;

use std::borrow::Cow;
use std::sync::LazyLock;

use kql_functions::KustoType;

use crate::coerce::Cell;
use crate::value::Val;

pub(crate) use diagnostics::suffixed;

/// A table whose columns Log Analytics documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Known {
    Gateway,
    Llm,
    Diagnostics,
    Metrics,
}

/// Documented columns: name and Kusto type, in documented order.
pub(crate) type Columns = &'static [(&'static str, KustoType)];

impl Known {
    pub(crate) const ALL: [Known; 4] = [
        Known::Gateway,
        Known::Llm,
        Known::Diagnostics,
        Known::Metrics,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Known::Gateway => gateway::TABLE,
            Known::Llm => llm::TABLE,
            Known::Diagnostics => diagnostics::TABLE,
            Known::Metrics => metrics::TABLE,
        }
    }

    pub(crate) fn columns(self) -> Columns {
        match self {
            Known::Gateway => gateway::COLUMNS,
            Known::Llm => llm::COLUMNS,
            Known::Diagnostics => diagnostics::COLUMNS,
            Known::Metrics => metrics::COLUMNS,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The known table called `name`, ignoring case.
    pub(crate) fn from_table_name(name: &str) -> Option<Known> {
        Known::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// The documented column called `name` (ignoring ASCII case), by position.
    pub(crate) fn column_ci(self, name: &str) -> Option<u16> {
        LOOKUP[self.index()].get(name)
    }
}

/// Case-insensitive lookup of documented columns: every key of every record
/// goes through it, so it hashes the key's lower case on the fly and probes
/// an open-addressed table, allocating nothing.
struct CiTable {
    slots: Vec<Option<u16>>,
    columns: Columns,
}

/// Length and three letters, lower-cased: O(1) per key, and enough to keep
/// a few dozen column names apart (equality is checked after the probe).
fn hash_ci(s: &str) -> usize {
    let b = s.as_bytes();
    let at = |i: usize| usize::from(b.get(i).map_or(0, u8::to_ascii_lowercase));
    let n = b.len();
    (n.wrapping_mul(0x9E37)
        ^ at(0).wrapping_mul(0x85EB)
        ^ at(n / 2).wrapping_mul(0xC2B3)
        ^ at(n.wrapping_sub(1)))
    .wrapping_mul(0x27D4_EB2F)
        >> 7
}

impl CiTable {
    fn new(columns: Columns) -> CiTable {
        let size = (columns.len() * 4).next_power_of_two();
        let mut slots = vec![None; size];
        for (i, (name, _)) in columns.iter().enumerate() {
            let mut at = hash_ci(name) & (size - 1);
            while slots[at].is_some() {
                at = (at + 1) & (size - 1);
            }
            slots[at] = Some(i as u16);
        }
        CiTable { slots, columns }
    }

    fn get(&self, key: &str) -> Option<u16> {
        let mask = self.slots.len() - 1;
        let mut at = hash_ci(key) & mask;
        while let Some(i) = self.slots[at] {
            if same_name(self.columns[usize::from(i)].0, key) {
                return Some(i);
            }
            at = (at + 1) & mask;
        }
        None
    }
}

/// Equal ignoring ASCII case. Raw names are the columns' camelCase forms, so
/// comparing the first letter alone and the rest exactly settles almost
/// every lookup; every key of every record comes here, twice per query.
fn same_name(column: &str, key: &str) -> bool {
    let (c, k) = (column.as_bytes(), key.as_bytes());
    c.len() == k.len()
        && match (c.split_first(), k.split_first()) {
            (Some((c0, c_rest)), Some((k0, k_rest))) => {
                (c0.eq_ignore_ascii_case(k0) && same_bytes(c_rest, k_rest))
                    || c.eq_ignore_ascii_case(k)
            }
            _ => true,
        }
}

/// `a == b` for slices of equal length, a word at a time: names are a few
/// bytes long, where calling memcmp costs more than comparing.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let word = |s: &[u8], i: usize| {
        let mut w = [0; 8];
        w.copy_from_slice(&s[i..i + 8]);
        u64::from_le_bytes(w)
    };
    let n = a.len();
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let mut i = 0;
    while i + 8 <= n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    // The last word overlaps the ones before; it covers the tail.
    i == n || word(a, n - 8) == word(b, n - 8)
}

/// The position of `name` in `columns`, evaluated at compile time for the
/// columns the mappings fill themselves.
pub(crate) const fn find(columns: Columns, name: &str) -> Option<u16> {
    let mut i = 0;
    while i < columns.len() {
        let c = columns[i].0.as_bytes();
        let n = name.as_bytes();
        if c.len() == n.len() {
            let mut j = 0;
            while j < c.len() && c[j] == n[j] {
                j += 1;
            }
            if j == c.len() {
                return Some(i as u16);
            }
        }
        i += 1;
    }
    None
}

/// Columns several mappings fill, by position per table.
pub(crate) struct Fixed {
    pub time: Option<u16>,
    pub resource_id: Option<u16>,
    pub la_resource_id: Option<u16>,
    pub la_subscription_id: Option<u16>,
    pub subscription_id: Option<u16>,
    pub resource_group: Option<u16>,
    pub resource_provider: Option<u16>,
    pub resource_type: Option<u16>,
    pub resource: Option<u16>,
    pub source_system: Option<u16>,
    pub type_: Option<u16>,
}

const fn fixed(columns: Columns) -> Fixed {
    Fixed {
        time: find(columns, "TimeGenerated"),
        resource_id: find(columns, "ResourceId"),
        la_resource_id: find(columns, "_ResourceId"),
        la_subscription_id: find(columns, "_SubscriptionId"),
        subscription_id: find(columns, "SubscriptionId"),
        resource_group: find(columns, "ResourceGroup"),
        resource_provider: find(columns, "ResourceProvider"),
        resource_type: find(columns, "ResourceType"),
        resource: find(columns, "Resource"),
        source_system: find(columns, "SourceSystem"),
        type_: find(columns, "Type"),
    }
}

static FIXED: [Fixed; 4] = [
    fixed(gateway::COLUMNS),
    fixed(llm::COLUMNS),
    fixed(diagnostics::COLUMNS),
    fixed(metrics::COLUMNS),
];

impl Known {
    pub(crate) fn fixed(self) -> &'static Fixed {
        &FIXED[self.index()]
    }
}

static LOOKUP: LazyLock<Vec<CiTable>> = LazyLock::new(|| {
    Known::ALL
        .iter()
        .map(|k| CiTable::new(k.columns()))
        .collect()
});

/// How a record's fields become columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Mapping {
    /// Every field is a column under its own name, typed by inference.
    Generic,
    /// Fields already are columns of this table (a Log Analytics export).
    Export(Known),
    /// A raw diagnostic record of this table's category.
    Raw(Known),
}

impl Mapping {
    pub(crate) fn known(self) -> Option<Known> {
        match self {
            Mapping::Generic => None,
            Mapping::Export(k) | Mapping::Raw(k) => Some(k),
        }
    }
}

/// Where a mapped value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target<'k> {
    /// A documented column, by position in [`Known::columns`].
    Col(Known, u16),
    /// A field the mapping does not know, kept under `name`.
    Extra(&'k str, Extra),
}

/// How an extra column is named and typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Extra {
    /// As written, typed by inference.
    Plain,
    /// As written, with a type its name implies (`AzureDiagnostics`' `_d`,
    /// `_b`, … suffixes in exports).
    Declared(KustoType),
    /// A raw field landing in `AzureDiagnostics`: the column is named
    /// `<name>_<suffix>` after the inferred type, as Log Analytics does.
    DiagSuffix,
}

/// Receives the cells of one record.
pub(crate) trait Sink {
    fn put(&mut self, target: Target<'_>, cell: Cell<'_>);
    /// Something worth reporting that lost no data.
    fn note(&mut self, _reason: String) {}
    /// Whether fields without a documented column matter to this sink; a
    /// scan that projects none of them skips naming them.
    fn wants_extras(&self) -> bool {
        true
    }
}

/// The table and mapping a record's own content asks for, if any.
pub(crate) fn classify<'r>(rec: &'r Val<'_>) -> Option<(&'r str, Mapping)> {
    if let Some(t) = rec.get_ci("Type").and_then(Val::as_str) {
        if let Some(k) = Known::from_table_name(t) {
            return Some((k.name(), Mapping::Export(k)));
        }
        if is_table_name(t) && rec.get_ci("TimeGenerated").is_some() {
            return Some((t, Mapping::Generic));
        }
    }
    if let Some(category) = rec.get_ci("category").and_then(Val::as_str) {
        let known = if resource::is_cognitive_services(rec) {
            Some(Known::Diagnostics)
        } else if category.eq_ignore_ascii_case("GatewayLogs") {
            Some(Known::Gateway)
        } else if category.eq_ignore_ascii_case("GatewayLlmLogs") {
            Some(Known::Llm)
        } else {
            None
        };
        if let Some(k) = known {
            return Some((k.name(), Mapping::Raw(k)));
        }
    }
    if rec.get_ci("metricName").is_some() && rec.get_ci("time").is_some() {
        return Some((Known::Metrics.name(), Mapping::Raw(Known::Metrics)));
    }
    None
}

/// A name Kusto accepts without quoting; anything else in `Type` is data,
/// not a table.
pub(crate) fn is_table_name(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 256
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Sends every cell of `rec` to `sink` according to `mapping`.
pub(crate) fn map(mapping: Mapping, rec: &Val<'_>, sink: &mut impl Sink) {
    match mapping {
        Mapping::Generic => export::map_generic(rec, sink),
        Mapping::Export(k) => export::map_export(k, rec, sink),
        Mapping::Raw(Known::Gateway) => gateway::map_raw(rec, sink),
        Mapping::Raw(Known::Llm) => llm::map_raw(rec, sink),
        Mapping::Raw(Known::Diagnostics) => diagnostics::map_raw(rec, sink),
        Mapping::Raw(Known::Metrics) => metrics::map_raw(rec, sink),
    }
}

/// The table (and mapping) a storage container stands for, as
/// `insights-logs-gatewaylogs` stands for raw `ApiManagementGatewayLogs`
/// records; `path_upper` is the blob's whole path, upper-cased, whose
/// `resourceId=` part names the resource provider.
pub(crate) fn table_of_container(dir: &str, path_upper: &str) -> Option<(String, Mapping)> {
    let lower = dir.to_ascii_lowercase();
    if let Some(table) = lower.strip_prefix("am-") {
        // Data export rules write one `am-<table>` container per table.
        return Some(match Known::from_table_name(table) {
            Some(k) => (k.name().to_owned(), Mapping::Export(k)),
            None => (table.to_owned(), Mapping::Generic),
        });
    }
    if lower.starts_with("insights-metrics-") {
        return Some((
            Known::Metrics.name().to_owned(),
            Mapping::Raw(Known::Metrics),
        ));
    }
    let category = lower.strip_prefix("insights-logs-")?;
    let known = if path_upper.contains("/PROVIDERS/MICROSOFT.COGNITIVESERVICES/") {
        Some(Known::Diagnostics)
    } else {
        match category {
            "gatewaylogs" => Some(Known::Gateway),
            "gatewayllmlogs" => Some(Known::Llm),
            _ => None,
        }
    };
    Some(match known {
        Some(k) => (k.name().to_owned(), Mapping::Raw(k)),
        None => (category.to_owned(), Mapping::Generic),
    })
}

/// `field` → `Field`: how a raw camelCase name reads as a column.
pub(crate) fn pascal(name: &str) -> Cow<'_, str> {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => {
            // Sized up front: collecting chars grows the string byte by byte.
            let mut out = String::with_capacity(name.len() + 2);
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(name),
    }
}

/// Emits one documented column of `known`, by position (see [`find`]).
fn put_col(sink: &mut impl Sink, known: Known, at: Option<u16>, cell: Cell<'_>) {
    if let Some(i) = at {
        sink.put(Target::Col(known, i), cell);
    }
}

/// What Log Analytics adds to every row at ingestion.
fn put_ingestion(sink: &mut impl Sink, known: Known) {
    let f = known.fixed();
    put_col(sink, known, f.source_system, Cell::Str("Azure"));
    put_col(sink, known, f.type_, Cell::Str(known.name()));
}

/// A key that is a documented column of `known` goes there; others are
/// extra columns named by `rename`.
fn put_field<'k>(
    sink: &mut impl Sink,
    known: Known,
    key: &'k str,
    v: &Val<'_>,
    rename: impl FnOnce(&'k str) -> Cow<'k, str>,
) {
    match known.column_ci(key) {
        Some(i) => sink.put(Target::Col(known, i), Cell::Json(v)),
        None if sink.wants_extras() => {
            let name = rename(key);
            sink.put(Target::Extra(&name, Extra::Plain), Cell::Json(v));
        }
        None => {}
    }
}

/// `_ResourceId` and `_SubscriptionId` from a raw `resourceId`, lower-cased
/// as Log Analytics shows them.
fn put_resource_la(sink: &mut impl Sink, known: Known, v: &Val<'_>) {
    let f = known.fixed();
    let Some(id) = v.as_str() else {
        put_col(sink, known, f.la_resource_id, Cell::Json(v));
        return;
    };
    // Every record of a resource carries the same id: derive its parts once.
    LAST_RESOURCE.with_borrow_mut(|last| {
        if last.0 != id {
            *last = (
                id.to_owned(),
                resource::la_resource_id(id),
                resource::ResourceId::parse(id)
                    .subscription
                    .map(str::to_ascii_lowercase),
            );
        }
        put_col(sink, known, f.la_resource_id, Cell::Str(&last.1));
        if let Some(sub) = &last.2 {
            put_col(sink, known, f.la_subscription_id, Cell::Str(sub));
        }
    });
}

thread_local! {
    /// (raw id, `_ResourceId`, `_SubscriptionId`) of the latest resource id.
    static LAST_RESOURCE: std::cell::RefCell<(String, String, Option<String>)> =
        const { std::cell::RefCell::new((String::new(), String::new(), None)) };
}

/// The resource id spread over `AzureDiagnostics`/`AzureMetrics` columns;
/// parts keep the raw casing (`ResourceProvider == "MICROSOFT.COGNITIVESERVICES"`).
fn put_resource_parts(sink: &mut impl Sink, known: Known, v: &Val<'_>) {
    let f = known.fixed();
    put_col(sink, known, f.resource_id, Cell::Json(v));
    let Some(id) = v.as_str() else {
        return;
    };
    put_resource_la(sink, known, v);
    let r = resource::ResourceId::parse(id);
    for (at, part) in [
        (f.subscription_id, r.subscription),
        (f.resource_group, r.group),
        (f.resource_provider, r.provider),
        (f.resource_type, r.kind),
        (f.resource, r.name),
    ] {
        if let Some(part) = part {
            put_col(sink, known, at, Cell::Str(part));
        }
    }
}

/// `properties` that is neither an object nor JSON text of one: kept whole
/// in a `Properties` column, and said so, since none of its fields could be
/// mapped.
fn keep_odd_properties(sink: &mut impl Sink, v: &Val<'_>) {
    sink.put(Target::Extra("Properties", Extra::Plain), Cell::Json(v));
    sink.note(format!(
        "properties is {} rather than an object; kept as column Properties",
        crate::coerce::describe(v)
    ));
}

/// Calls `field` for each field of a raw record's `properties` (an object,
/// or JSON text of one); null has none, and anything else is kept whole.
fn each_property<S: Sink>(
    sink: &mut S,
    v: &Val<'_>,
    mut field: impl FnMut(&mut S, &str, &Val<'_>),
) {
    if matches!(v, Val::Null) {
        return;
    }
    with_object(v, |obj| match obj {
        Some(Val::Obj(entries)) => {
            for (key, v) in entries {
                field(sink, key, v);
            }
        }
        _ => keep_odd_properties(sink, v),
    });
}

/// An object as it is, or decoded from a JSON-encoded string, as Azure
/// OpenAI writes `properties`.
fn with_object<R>(v: &Val<'_>, f: impl FnOnce(Option<&Val<'_>>) -> R) -> R {
    match v {
        Val::Obj(_) => f(Some(v)),
        Val::Str(s) | Val::Text(s) => {
            let decoded = crate::value::parse_embedded(s).filter(|d| matches!(d, Val::Obj(_)));
            f(decoded.as_ref())
        }
        _ => f(None),
    }
}

#[cfg(test)]
mod tests;
