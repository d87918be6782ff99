//! What a table learns from its records: which documented schemas it
//! carries, the extra fields with the kinds of their values, and values
//! that did not fit their column. From that, [`TableStats::layout`] settles
//! the columns: documented ones first in documented order, then extras in
//! first-seen order.
//!
//! Extra fields are typed by the narrowest Kusto type that holds every
//! value (see [`inferred_type`]): `long` ⊔ `real` = `real`; strings that all
//! parse as datetimes are `datetime` (`""` decides nothing); objects, arrays
//! and other mixes are `dynamic`; a field only ever null is `string`. Kinds
//! are kept as bit sets, so partial results merge in any order; the first
//! position of each kind is kept too, so a field whose type changes can be
//! reported at the line where it does.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use kql_functions::KustoType;

use crate::IngestReport;
use crate::azure::{Extra, Known, Sink, Target};
use crate::coerce::{Cell, classify, inferred_type, kinds, to_scalar};

/// FNV-1a: extra fields are looked up by name for every record, and
/// SipHash's DoS resistance buys nothing for names from one's own logs.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        self.0 = h;
    }
}

pub(crate) type NameMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// (source index, line, reason) of the first problems, and how many.
#[derive(Debug, Default, Clone)]
pub(crate) struct Issues {
    pub list: Vec<(usize, usize, String)>,
    pub count: usize,
}

impl Issues {
    pub(crate) fn push(&mut self, src: usize, line: usize, reason: impl FnOnce() -> String) {
        self.count += 1;
        // Describing can cost (formatting, line counting); stop once enough
        // details are kept.
        if self.list.len() < IngestReport::MAX_SKIPPED_DETAILS {
            self.list.push((src, line, reason()));
        }
    }

    /// Appends problems found after ours.
    pub(crate) fn merge(&mut self, later: Issues) {
        self.count += later.count;
        let room = IngestReport::MAX_SKIPPED_DETAILS.saturating_sub(self.list.len());
        self.list.extend(later.list.into_iter().take(room));
    }

    /// Source order, then line order, which is how a reader expects them.
    pub(crate) fn sort(&mut self) {
        self.list.sort_by_key(|&(src, line, _)| (src, line));
    }

    pub(crate) fn first(&self) -> Option<&(usize, usize, String)> {
        self.list.iter().min_by_key(|&&(src, line, _)| (src, line))
    }
}

/// An extra field and the kinds of its values.
#[derive(Debug, Clone)]
pub(crate) struct ExtraStat {
    pub name: String,
    pub diag: bool,
    pub declared: Option<KustoType>,
    pub bits: u16,
    /// Where each kind (by its bit's position) was first seen.
    pub first: [Option<(usize, usize)>; 9],
}

#[derive(Debug, Default, Clone)]
pub(crate) struct TableStats {
    /// Documented schemas of the table's records, in first-seen order.
    pub known: Vec<Known>,
    pub extras: Vec<ExtraStat>,
    plain: NameMap<usize>,
    diag: NameMap<usize>,
    /// Values that could not be converted to their column's type.
    pub value_issues: Issues,
    /// Observations that lost nothing.
    pub notes: Issues,
}

/// A column of the final schema.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColumnInfo {
    pub name: String,
    pub ty: KustoType,
    /// The type is documented or declared, not inferred: strings holding
    /// JSON are decoded into `dynamic` columns.
    pub typed: bool,
}

/// The columns of a table and where each mapped target lands.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    pub columns: Vec<ColumnInfo>,
    known: [Vec<usize>; 4],
    plain: NameMap<usize>,
    diag: NameMap<usize>,
}

impl Layout {
    /// Whether column `c` holds a field without a documented column.
    pub(crate) fn is_extra(&self, c: usize) -> bool {
        !self.known.iter().any(|cols| cols.contains(&c))
    }

    pub(crate) fn resolve(&self, target: Target<'_>) -> Option<usize> {
        match target {
            Target::Col(k, i) => self.known[k.index()].get(usize::from(i)).copied(),
            Target::Extra(name, Extra::DiagSuffix) => self.diag.get(name).copied(),
            Target::Extra(name, _) => self.plain.get(name).copied(),
        }
    }
}

impl TableStats {
    /// Stats as [`crate::index`] stored them; the name maps are derived.
    pub(crate) fn rebuild(
        known: Vec<Known>,
        extras: Vec<ExtraStat>,
        value_issues: Issues,
        notes: Issues,
    ) -> TableStats {
        let mut stats = TableStats {
            known,
            value_issues,
            notes,
            ..TableStats::default()
        };
        for (i, e) in extras.iter().enumerate() {
            let map = if e.diag {
                &mut stats.diag
            } else {
                &mut stats.plain
            };
            map.insert(e.name.clone(), i);
        }
        stats.extras = extras;
        stats
    }

    pub(crate) fn add_known(&mut self, k: Known) {
        if !self.known.contains(&k) {
            self.known.push(k);
        }
    }

    fn extra(&mut self, name: &str, style: Extra) -> usize {
        let diag = style == Extra::DiagSuffix;
        let map = if diag {
            &mut self.diag
        } else {
            &mut self.plain
        };
        if let Some(&i) = map.get(name) {
            if let Extra::Declared(ty) = style {
                self.extras[i].declared.get_or_insert(ty);
            }
            return i;
        }
        map.insert(name.to_owned(), self.extras.len());
        self.extras.push(ExtraStat {
            name: name.to_owned(),
            diag,
            declared: match style {
                Extra::Declared(ty) => Some(ty),
                _ => None,
            },
            bits: 0,
            first: [None; 9],
        });
        self.extras.len() - 1
    }

    /// Adds what later records taught; first-seen order and first
    /// positions stay ours.
    pub(crate) fn merge(&mut self, later: TableStats) {
        for k in later.known {
            self.add_known(k);
        }
        for e in later.extras {
            let style = match (e.diag, e.declared) {
                (true, _) => Extra::DiagSuffix,
                (false, Some(ty)) => Extra::Declared(ty),
                (false, None) => Extra::Plain,
            };
            let i = self.extra(&e.name, style);
            let mine = &mut self.extras[i];
            mine.bits |= e.bits;
            for (m, l) in mine.first.iter_mut().zip(e.first) {
                if m.is_none() {
                    *m = l;
                }
            }
        }
        self.value_issues.merge(later.value_issues);
        self.notes.merge(later.notes);
    }

    /// The final columns, and notes on fields whose type changed (only
    /// known once every record has been seen); `label` names a source.
    pub(crate) fn layout(&self, label: impl Fn(usize) -> String) -> (Layout, Issues) {
        let mut layout = Layout::default();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for &k in &self.known {
            let map = k
                .columns()
                .iter()
                .map(|&(name, ty)| {
                    *by_name.entry(name.to_owned()).or_insert_with(|| {
                        layout.columns.push(ColumnInfo {
                            name: name.to_owned(),
                            ty,
                            typed: true,
                        });
                        layout.columns.len() - 1
                    })
                })
                .collect();
            layout.known[k.index()] = map;
        }
        let mut notes = Vec::new();
        for e in &self.extras {
            let inferred = inferred_type(e.bits, e.diag);
            let (name, ty) = if e.diag {
                let (suffix, ty) = crate::azure::suffixed(e.declared.unwrap_or(inferred));
                (format!("{}{suffix}", e.name), ty)
            } else {
                (e.name.clone(), e.declared.unwrap_or(inferred))
            };
            if e.declared.is_none()
                && let Some(note) = type_change(e, ty, &label)
            {
                notes.push(note);
            }
            let col = *by_name.entry(name.clone()).or_insert_with(|| {
                layout.columns.push(ColumnInfo {
                    name,
                    ty,
                    typed: e.declared.is_some(),
                });
                layout.columns.len() - 1
            });
            let map = if e.diag {
                &mut layout.diag
            } else {
                &mut layout.plain
            };
            map.insert(e.name.clone(), col);
        }
        let mut issues = Issues::default();
        for (src, line, reason) in notes {
            issues.push(src, line, || reason);
        }
        (layout, issues)
    }
}

/// A note when a field's values have kinds that do not share a type, at
/// the first value of the kind that came last.
fn type_change(
    e: &ExtraStat,
    ty: KustoType,
    label: &impl Fn(usize) -> String,
) -> Option<(usize, usize, String)> {
    use kinds::*;
    let seen = e.bits & !NULL;
    // Untyped text (CSV) is text whatever it looks like; nothing changed.
    if seen & TEXT != 0 {
        return None;
    }
    let groups = [BOOL, LONG | REAL, EMPTY | DATETIME | GUID | STR, NESTED];
    let mixed = groups.iter().filter(|&&g| seen & g != 0).count() >= 2;
    let dates_and_text = seen & DATETIME != 0 && seen & STR != 0;
    if !(mixed || dates_and_text) {
        return None;
    }
    let mut found: Vec<(usize, usize, u16)> = kinds::ALL
        .iter()
        .enumerate()
        .filter(|&(_, &k)| seen & k != 0 && k != EMPTY)
        .filter_map(|(i, &k)| e.first[i].map(|(s, l)| (s, l, k)))
        .collect();
    found.sort_unstable();
    let &(src, line, _) = found.last()?;
    let list = found
        .iter()
        .map(|&(s, l, k)| format!("{} (first at {}:{l})", kinds::name(k), label(s)))
        .collect::<Vec<_>>()
        .join(", ");
    let name = &e.name;
    Some((
        src,
        line,
        format!(
            "field {name:?} changes type: {list}; the column is {}",
            ty.name()
        ),
    ))
}

/// Observes the cells of one record into a table's stats.
pub(crate) struct Observer<'s> {
    pub stats: &'s mut TableStats,
    pub src: usize,
    pub line: usize,
    seen_cols: [u64; 4],
    seen_extras: Vec<usize>,
}

impl<'s> Observer<'s> {
    pub(crate) fn new(stats: &'s mut TableStats, src: usize, line: usize) -> Self {
        Observer {
            stats,
            src,
            line,
            seen_cols: [0; 4],
            seen_extras: Vec::new(),
        }
    }

    fn check(&mut self, column: &str, ty: KustoType, cell: Cell<'_>) {
        if matches!(ty, KustoType::String | KustoType::Dynamic) {
            return;
        }
        if let Err(why) = to_scalar(cell, ty) {
            self.stats.value_issues.push(self.src, self.line, || {
                format!("column {column}: {why}; stored as null")
            });
        }
    }
}

impl Sink for Observer<'_> {
    fn put(&mut self, target: Target<'_>, cell: Cell<'_>) {
        match target {
            Target::Col(k, i) => {
                // A repeated field keeps its first value, as the scan does.
                let bit = 1u64 << (i % 64);
                if self.seen_cols[k.index()] & bit != 0 {
                    return;
                }
                self.seen_cols[k.index()] |= bit;
                if let Some(&(name, ty)) = k.columns().get(usize::from(i)) {
                    self.check(name, ty, cell);
                }
            }
            Target::Extra(name, style) => {
                let i = self.stats.extra(name, style);
                if self.seen_extras.contains(&i) {
                    return;
                }
                self.seen_extras.push(i);
                let e = &mut self.stats.extras[i];
                let kind = classify(cell, e.bits & kinds::STR != 0);
                let new = kind & !e.bits & !kinds::TEXT;
                if new != 0 {
                    let slot = new.trailing_zeros() as usize;
                    if let Some(first) = e.first.get_mut(slot) {
                        first.get_or_insert((self.src, self.line));
                    }
                }
                e.bits |= kind;
                if let Some(ty) = e.declared {
                    let column = e.name.clone();
                    self.check(&column, ty, cell);
                }
            }
        }
    }

    fn note(&mut self, reason: String) {
        self.stats.notes.push(self.src, self.line, || reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Val;

    fn observe(stats: &mut TableStats, line: usize, name: &str, v: &Val<'_>) {
        let mut o = Observer::new(stats, 0, line);
        o.put(Target::Extra(name, Extra::Plain), Cell::Json(v));
    }

    #[test]
    fn type_changes_are_noted_where_they_happen() {
        let mut s = TableStats::default();
        observe(&mut s, 1, "a", &Val::I64(1));
        observe(&mut s, 2, "a", &Val::F64(1.5));
        observe(&mut s, 3, "a", &Val::Str("x".into()));
        observe(&mut s, 1, "b", &Val::I64(1));
        observe(&mut s, 2, "b", &Val::F64(2.5));
        let (layout, notes) = s.layout(|_| "t.json".into());
        assert_eq!(layout.columns[0].ty, KustoType::Dynamic);
        assert_eq!(layout.columns[1].ty, KustoType::Real);
        assert_eq!(notes.count, 1);
        let (_, line, reason) = &notes.list[0];
        assert_eq!(*line, 3);
        assert_eq!(
            reason,
            "field \"a\" changes type: long (first at t.json:1), real (first at t.json:2), \
             string (first at t.json:3); the column is dynamic"
        );
    }

    #[test]
    fn documented_columns_come_first_and_are_checked() {
        let mut s = TableStats::default();
        s.add_known(Known::Llm);
        let mut o = Observer::new(&mut s, 0, 7);
        let i = Known::Llm.column_ci("prompttokens").unwrap();
        o.put(Target::Col(Known::Llm, i), Cell::Str("many"));
        o.put(Target::Extra("x", Extra::DiagSuffix), Cell::Str("y"));
        let (layout, _) = s.layout(|_| String::new());
        assert_eq!(layout.columns[0].name, "TimeGenerated");
        assert_eq!(layout.columns.last().unwrap().name, "x_s");
        assert_eq!(
            layout.resolve(Target::Extra("x", Extra::DiagSuffix)),
            Some(layout.columns.len() - 1)
        );
        assert_eq!(s.value_issues.list[0].1, 7);
        assert_eq!(
            s.value_issues.list[0].2,
            "column PromptTokens: \"many\" is not a valid int; stored as null"
        );
    }

    #[test]
    fn documented_tables_fit_the_duplicate_mask() {
        for k in Known::ALL {
            assert!(k.columns().len() <= 64, "{}", k.name());
        }
    }
}
