//! Records that already have Log Analytics column names (exports), and the
//! generic path for everything else.

use super::{Extra, Known, Sink, Target, diagnostics};
use crate::coerce::Cell;
use crate::value::Val;

/// Fields matching a documented column (ignoring case) go there; others
/// keep their names. `AzureDiagnostics` names carry their type as a suffix,
/// which matters for CSV exports where every value is text.
pub(crate) fn map_export(known: Known, rec: &Val<'_>, sink: &mut impl Sink) {
    let Val::Obj(entries) = rec else {
        return;
    };
    for (key, v) in entries {
        let target = match known.column_ci(key) {
            Some(i) => Target::Col(known, i),
            None => {
                let extra = match known {
                    Known::Diagnostics => {
                        diagnostics::suffix_type(key).map_or(Extra::Plain, Extra::Declared)
                    }
                    _ => Extra::Plain,
                };
                Target::Extra(key, extra)
            }
        };
        sink.put(target, Cell::Json(v));
    }
}

/// Every field is a column under its own name.
pub(crate) fn map_generic(rec: &Val<'_>, sink: &mut impl Sink) {
    if let Val::Obj(entries) = rec {
        for (key, v) in entries {
            sink.put(Target::Extra(key, Extra::Plain), Cell::Json(v));
        }
    }
}
