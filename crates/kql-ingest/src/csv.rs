//! CSV exports of Log Analytics query results.
//!
//! The first row names the columns. The portal appends the time zone to
//! datetime columns (`TimeGenerated [UTC]`); that suffix is dropped so the
//! column keeps its table name, and cells stay untyped text until a column
//! gives them a type.

use std::borrow::Cow;

use crate::shape::Lines;
use crate::value::Val;

/// A CSV document split into records.
#[derive(Debug, Default)]
pub(crate) struct CsvDoc {
    pub header: Vec<String>,
    /// (start, end, line) of each data record.
    pub records: Vec<(usize, usize, usize)>,
    /// (line, reason) of rows that cannot be records.
    pub faults: Vec<(usize, String)>,
    /// (line, reason) of things worth knowing that lose nothing.
    pub notes: Vec<(usize, String)>,
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
}

/// Splits `doc` (UTF-8, BOM allowed) into a header and record spans.
pub(crate) fn split(doc: &[u8]) -> CsvDoc {
    let body = if doc.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut out = CsvDoc::default();
    let mut rdr = reader(&doc[body..]);
    let mut rec = csv::ByteRecord::new();
    let mut first = true;
    // The reader's own line numbers lag behind with CRLF and blank lines;
    // counting newlines up to each record is exact.
    let mut lines = Lines::new(doc, 0, 1);
    loop {
        let mut start = body + rdr.position().byte() as usize;
        let line = lines.line_at(start);
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                out.faults.push((
                    line,
                    format!("invalid CSV: {e}; the rest of the input was not read"),
                ));
                break;
            }
        }
        let end = body + rdr.position().byte() as usize;
        // A record's span starts with the blank lines the reader skipped.
        while start < end && matches!(doc[start], b'\r' | b'\n') {
            start += 1;
        }
        let line = lines.line_at(start);
        if first {
            first = false;
            out.header = rec
                .iter()
                .map(|h| column_name(h, line, &mut out.notes))
                .collect();
            continue;
        }
        if rec.len() == 1 && rec[0].is_empty() {
            continue;
        }
        if rec.len() != out.header.len() {
            out.faults.push((
                line,
                format!(
                    "CSV row has {} fields but the header has {}",
                    rec.len(),
                    out.header.len()
                ),
            ));
            continue;
        }
        out.records.push((start, end, line));
    }
    out
}

/// A header cell as a column name: `TimeGenerated [UTC]` → `TimeGenerated`.
fn column_name(cell: &[u8], line: usize, notes: &mut Vec<(usize, String)>) -> String {
    let text = String::from_utf8_lossy(cell);
    let text = text.trim();
    if let Some(open) = text.rfind(" [")
        && text.ends_with(']')
    {
        let (name, zone) = (&text[..open], &text[open + 2..text.len() - 1]);
        if !zone.eq_ignore_ascii_case("UTC") {
            notes.push((
                line,
                format!("column {name:?} is exported in {zone} time; its values are read as UTC"),
            ));
        }
        return name.trim().to_owned();
    }
    text.to_owned()
}

/// One CSV record as an object of text cells named by `header`.
pub(crate) fn parse_record<'h>(header: &'h [String], bytes: &[u8]) -> Result<Val<'h>, String> {
    let mut rec = csv::StringRecord::new();
    match reader(bytes).read_record(&mut rec) {
        Ok(true) => {}
        Ok(false) => return Err("empty CSV record".to_owned()),
        Err(e) => return Err(format!("invalid CSV: {e}")),
    }
    Ok(Val::Obj(
        header
            .iter()
            .zip(rec.iter())
            .map(|(h, cell)| {
                (
                    Cow::Borrowed(h.as_str()),
                    Val::Text(Cow::Owned(cell.to_owned())),
                )
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_records_and_quotes() {
        let doc = "\u{feff}TimeGenerated [UTC],Url,ResponseCode\r\n\
                   \"11/25/2026, 1:00:00.000 PM\",\"https://x/a,b\",200\r\n\
                   \r\n\
                   2026-11-25T13:00:00Z,\"multi\nline\",\r\n\
                   short\n";
        let d = split(doc.as_bytes());
        assert_eq!(d.header, ["TimeGenerated", "Url", "ResponseCode"]);
        assert_eq!(d.records.len(), 2);
        assert_eq!(d.records[1].2, 4);
        assert_eq!(
            d.faults,
            vec![(6, "CSV row has 1 fields but the header has 3".to_owned())]
        );
        let (s, e, _) = d.records[1];
        let v = parse_record(&d.header, &doc.as_bytes()[s..e]).unwrap();
        assert_eq!(v.get_ci("url").and_then(Val::as_str), Some("multi\nline"));
        assert_eq!(v.get_ci("ResponseCode").and_then(Val::as_str), Some(""));
    }

    #[test]
    fn local_time_is_noted() {
        let d = split(b"TimeGenerated [Local Time],x\n1,2\n");
        assert_eq!(d.header, ["TimeGenerated", "x"]);
        assert_eq!(d.notes.len(), 1);
    }
}
