//! Reading sources into tables: every source is read once (in parallel),
//! split into records, and each record is routed to its table — so one
//! storage folder or Event Hubs capture holding several categories feeds
//! several tables.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::azure::{self, Known, Mapping};
use crate::infer::{Issues, Observer, TableStats};
use crate::provider::{JsonTable, Part};
use crate::shape::{self, Fault, Item, Lines};
use crate::source::Body;
use crate::value::{self, RecordError, Val};
use crate::{IngestError, IngestOptions, IngestReport, SourceData, csv, discover, source};

/// Candidate records per parallel task.
const CHUNK: usize = 4096;

/// One input of [`load`].
#[derive(Debug, Clone)]
pub struct Input {
    pub data: SourceData,
    /// Every record goes to this table (`-t NAME=PATH`); Azure records are
    /// still mapped to their table's columns.
    pub table: Option<String>,
}

impl Input {
    pub fn new(data: SourceData) -> Input {
        Input { data, table: None }
    }
}

/// What [`load`] produced.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Tables with at least one record, by name.
    pub tables: Vec<(String, JsonTable)>,
    /// What was read and skipped, per table name — including names that
    /// only bad input was attributed to and that therefore have no table.
    pub reports: Vec<(String, IngestReport)>,
}

/// A source, shared by every table it feeds.
#[derive(Debug)]
pub(crate) struct Source {
    pub label: String,
    /// Where scans read the bytes again.
    pub body: Body,
    /// The column names of a CSV source; `None` for JSON.
    pub header: Option<Vec<String>>,
}

/// A record: its span in its source and how its fields map to columns.
/// Sixteen bytes: tables keep one per record (10 GB of logs hold ~9 M).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rec {
    pub start: usize,
    pub len: u32,
    pub mapping: Mapping,
}

impl Rec {
    pub(crate) fn end(&self) -> usize {
        self.start + self.len as usize
    }
}

/// Reads `inputs` and routes each record to its table (see the crate docs).
/// In strict mode the first skipped record or unconvertible value — by
/// input order, then line — is an error.
pub fn load(inputs: Vec<Input>, opts: &IngestOptions) -> Result<Loaded, IngestError> {
    let dir = if opts.index {
        crate::index::cache_dir()
    } else {
        None
    };
    load_with(inputs, opts, true, dir.as_deref())
}

/// [`load`], keeping the index of each file in `index_dir` (see
/// [`IngestOptions::index`]) whatever the options and environment say.
pub fn load_indexed(
    inputs: Vec<Input>,
    opts: &IngestOptions,
    index_dir: &Path,
) -> Result<Loaded, IngestError> {
    load_with(inputs, opts, true, Some(index_dir))
}

/// `route: false` puts every record of an input in its named table as is
/// (the generic path of [`JsonTable::open`]).
pub(crate) fn load_with(
    inputs: Vec<Input>,
    opts: &IngestOptions,
    route: bool,
    index_dir: Option<&Path>,
) -> Result<Loaded, IngestError> {
    if inputs.is_empty() {
        return Err(IngestError::NoData {
            what: "an empty list of sources".to_owned(),
        });
    }
    let open = |i: usize, parallel: bool| -> Result<Opened, IngestError> {
        let input = &inputs[i];
        if let (Some(dir), SourceData::File(file)) = (index_dir, &input.data) {
            let label = input.data.label();
            if let Some(key) = crate::index::Key::new(&label, file, input.table.as_deref(), route) {
                if let Some(found) = crate::index::get(dir, &key, i) {
                    return Ok(found);
                }
                let opened = open_source(i, input, route, parallel)?;
                crate::index::put(dir, &key, &opened);
                return Ok(opened);
            }
        }
        open_source(i, input, route, parallel)
    };
    // Sources are opened side by side, one per thread, except large ones
    // too few to occupy every thread: those are opened one at a time with
    // all threads on their records. Either way at most about one source
    // per thread is in memory — nested parallelism (a thread waiting on a
    // file's chunks steals another file) opened many large files at once,
    // and peak memory grew with file size times files in flight.
    let sizes: Vec<u64> = inputs.iter().map(|i| text_size(&i.data)).collect();
    let (large, small): (Vec<usize>, Vec<usize>) =
        (0..inputs.len()).partition(|&i| sizes[i] >= LARGE_SOURCE);
    let threads = rayon::current_num_threads();
    let largest = large.iter().map(|&i| sizes[i]).max().unwrap_or(0);
    // Large ones go side by side too when there are enough of them to keep
    // every thread busy and one per thread fits.
    let (side_by_side, one_at_a_time) =
        if large.len() >= threads && largest.saturating_mul(threads as u64) <= LARGE_IN_FLIGHT {
            (small.into_iter().chain(large).collect(), Vec::new())
        } else {
            (small, large)
        };
    let mut opened = side_by_side
        .into_par_iter()
        .map(|i| open(i, false).map(|o| (i, o)))
        .collect::<Result<Vec<_>, _>>()?;
    for i in one_at_a_time {
        opened.push((i, open(i, true)?));
    }
    opened.sort_by_key(|&(i, _)| i);
    let opened: Vec<Opened> = opened.into_iter().map(|(_, o)| o).collect();
    let labels: Vec<String> = opened.iter().map(|o| o.source.label.clone()).collect();

    let mut accs: BTreeMap<String, Acc> = BTreeMap::new();
    for o in opened {
        // Input that could not be routed is reported with the table the
        // rest of its source went to.
        let mut home = (0, o.home.clone());
        for (name, _, recs) in &o.tables.list {
            if recs.len() > home.0 {
                home = (recs.len(), name.clone());
            }
        }
        let home = home.1;
        for (name, stats, recs) in o.tables.list {
            let acc = accs.entry(name).or_default();
            acc.stats.merge(stats);
            acc.records += recs.len();
            if !recs.is_empty() {
                acc.parts.push(Part {
                    source: Arc::clone(&o.source),
                    recs: Arc::new(recs),
                });
            }
        }
        let acc = accs.entry(home).or_default();
        acc.skipped.merge(o.skipped);
        acc.stats.value_issues.merge(o.values);
        acc.stats.notes.merge(o.notes);
    }

    if opts.strict {
        let first = accs
            .values()
            .flat_map(|a| [a.skipped.first(), a.stats.value_issues.first()])
            .flatten()
            .min_by_key(|&&(src, line, _)| (src, line));
        if let Some((src, line, reason)) = first {
            return Err(IngestError::Strict {
                input: labels[*src].clone(),
                line: *line,
                reason: reason.clone(),
            });
        }
    }

    let mut loaded = Loaded::default();
    for (name, acc) in accs {
        let table = JsonTable::new(acc.stats, acc.parts, acc.skipped, acc.records, &labels);
        loaded.reports.push((name.clone(), table.report().clone()));
        if acc.records > 0 {
            loaded.tables.push((name, table));
        }
    }
    Ok(loaded)
}

/// One table being assembled from every source.
#[derive(Default)]
struct Acc {
    stats: TableStats,
    parts: Vec<Part>,
    records: usize,
    skipped: Issues,
}

/// Tables found in part of a source, in first-seen order.
#[derive(Default)]
pub(crate) struct Tables {
    pub list: Vec<(String, TableStats, Vec<Rec>)>,
    index: HashMap<String, usize>,
}

impl Tables {
    pub(crate) fn entry(&mut self, name: &str) -> &mut (String, TableStats, Vec<Rec>) {
        let i = match self.index.get(name) {
            Some(&i) => i,
            None => {
                self.index.insert(name.to_owned(), self.list.len());
                self.list
                    .push((name.to_owned(), TableStats::default(), Vec::new()));
                self.list.len() - 1
            }
        };
        &mut self.list[i]
    }

    fn merge(&mut self, later: Tables) {
        for (name, stats, recs) in later.list {
            let mine = self.entry(&name);
            mine.1.merge(stats);
            mine.2.extend(recs);
        }
    }
}

/// Which table a source's records go to when their content does not say.
struct Naming {
    forced: Option<String>,
    fallback: String,
    fallback_mapping: Mapping,
    /// A storage blob (`PT1H.json`): its name says nothing about its table.
    blob: bool,
    route: bool,
}

impl Naming {
    fn new(label: &str, forced: Option<String>, route: bool) -> Naming {
        let path = Path::new(label);
        let file = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let stem = discover::table_name(&file).unwrap_or_else(|| {
            path.file_stem()
                .map_or_else(|| file.clone(), |s| s.to_string_lossy().into_owned())
        });
        let blob = is_blob_name(&stem);
        let known = |name: &str| match Known::from_table_name(name) {
            Some(k) => (k.name().to_owned(), Mapping::Export(k)),
            None => (name.to_owned(), Mapping::Generic),
        };
        let (fallback, fallback_mapping) = match &forced {
            Some(name) => (name.clone(), known(name).1),
            None if blob => {
                let upper = label.to_ascii_uppercase();
                path.ancestors()
                    .skip(1)
                    .filter_map(|dir| dir.file_name())
                    .find_map(|dir| azure::table_of_container(&dir.to_string_lossy(), &upper))
                    .unwrap_or((stem, Mapping::Generic))
            }
            None => known(&stem),
        };
        Naming {
            forced,
            fallback,
            fallback_mapping,
            blob,
            route,
        }
    }

    fn route<'r>(&'r self, rec: &'r Val<'_>) -> (&'r str, Mapping) {
        let named = self.forced.as_deref().unwrap_or(&self.fallback);
        if !self.route {
            return (named, Mapping::Generic);
        }
        let classified = azure::classify(rec);
        if self.forced.is_some() {
            return (named, classified.map_or(self.fallback_mapping, |(_, m)| m));
        }
        if let Some(found) = classified {
            return found;
        }
        if self.blob
            && let Some(category) = rec.get_ci("category").and_then(Val::as_str)
            && azure::is_table_name(category)
        {
            return (category, Mapping::Generic);
        }
        (&self.fallback, self.fallback_mapping)
    }
}

/// `PT1H`, `PT05M`, …: the names Azure gives archive and export blobs.
fn is_blob_name(stem: &str) -> bool {
    let b = stem.as_bytes();
    b.len() >= 4
        && b[..2].eq_ignore_ascii_case(b"PT")
        && b[2..b.len() - 1].iter().all(u8::is_ascii_digit)
        && matches!(b[b.len() - 1].to_ascii_uppercase(), b'H' | b'M')
}

/// One source, read and routed.
pub(crate) struct Opened {
    pub source: Arc<Source>,
    pub tables: Tables,
    pub skipped: Issues,
    pub values: Issues,
    pub notes: Issues,
    /// Where the source's problems are reported if none of it was read.
    pub home: String,
}

/// Sources from this size on are opened with care for memory (see
/// [`load_with`]).
const LARGE_SOURCE: u64 = 32 << 20;
/// Large sources are opened side by side only while one per thread fits
/// in this many bytes.
const LARGE_IN_FLIGHT: u64 = 1 << 30;

/// About how many bytes of text a source holds.
fn text_size(data: &SourceData) -> u64 {
    let size = match data {
        SourceData::File(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
        SourceData::Bytes { data, .. } => data.len() as u64,
    };
    // Compressed logs hold ~10 times their size.
    let gz = data.label().ends_with(".gz");
    size.saturating_mul(if gz { 10 } else { 1 })
}

/// Opens one source; `parallel` spreads its records over the threads.
fn open_source(
    i: usize,
    input: &Input,
    route: bool,
    parallel: bool,
) -> Result<Opened, IngestError> {
    let label = input.data.label();
    let naming = Naming::new(&label, input.table.clone(), route);
    let raw = source::load(&input.data)?;
    let (mut skipped, mut values, mut notes) =
        (Issues::default(), Issues::default(), Issues::default());
    if let Some(why) = &raw.truncated {
        let last_line = raw.data.iter().filter(|&&b| b == b'\n').count() + 1;
        skipped.push(i, last_line, || why.clone());
    }
    for &line in &raw.replaced {
        values.push(i, line, || {
            "bytes that are not UTF-8 were replaced by U+FFFD (is the file in another encoding?)"
                .to_owned()
        });
    }
    let body = raw.data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&raw.data);
    if body.iter().all(u8::is_ascii_whitespace) {
        notes.push(i, 0, || "empty file: no records".to_owned());
    }

    let lower = label.to_ascii_lowercase();
    let is_csv = lower.ends_with(".csv") || lower.ends_with(".csv.gz");
    let (source, mut tables);
    if is_csv {
        let doc = csv::split(&raw.data);
        for (line, reason) in doc.faults {
            skipped.push(i, line, || reason);
        }
        for (line, reason) in doc.notes {
            notes.push(i, line, || reason);
        }
        // CSV exports are small and their records span quoted newlines:
        // they stay in memory rather than being re-read by range.
        let header = doc.header;
        let chunk =
            |recs: &[(usize, usize, usize)]| csv_chunk(i, &raw.data, &header, recs, &naming);
        let outs: Vec<ChunkOut> = if parallel {
            doc.records.par_chunks(CHUNK).map(chunk).collect()
        } else {
            doc.records.chunks(CHUNK).map(chunk).collect()
        };
        source = Arc::new(Source {
            label,
            body: Body::Mem(raw.data.share()),
            header: Some(header),
        });
        tables = Tables::default();
        for out in outs {
            tables.merge(out.tables);
            skipped.merge(out.skipped);
        }
    } else {
        let split = shape::split(&raw.data);
        let undescribed = split.fault_count - split.faults.len();
        for (line, reason) in split.faults {
            skipped.push(i, line, || reason);
        }
        skipped.count += undescribed;
        // Checked once here (bad bytes were already replaced), so records
        // are parsed as text without checking each string again.
        let text = std::str::from_utf8(&raw.data).ok();
        let chunk = |items: &[Item]| json_chunk(i, &raw.data, text, items, &naming);
        let outs: Vec<ChunkOut> = if parallel {
            split.items.par_chunks(CHUNK).map(chunk).collect()
        } else {
            split.items.chunks(CHUNK).map(chunk).collect()
        };
        source = Arc::new(Source {
            label,
            body: Body::after_load(&input.data, &raw),
            header: None,
        });
        tables = Tables::default();
        for out in outs {
            tables.merge(out.tables);
            skipped.merge(out.skipped);
        }
    }
    raw.data.recycle();
    // Kept for the table's lifetime: growth slack would be a third more.
    for (_, _, recs) in &mut tables.list {
        recs.shrink_to_fit();
    }
    // Faults found while splitting and while reading records come from
    // different passes; line order is what a reader of the report expects.
    skipped.sort();
    Ok(Opened {
        source,
        tables,
        skipped,
        values,
        notes,
        home: naming.fallback,
    })
}

#[derive(Default)]
struct ChunkOut {
    tables: Tables,
    skipped: Issues,
}

impl ChunkOut {
    fn observe(
        &mut self,
        src: usize,
        line: usize,
        span: (usize, usize),
        rec: &Val<'_>,
        naming: &Naming,
    ) {
        let Ok(len) = u32::try_from(span.1 - span.0) else {
            self.skipped.push(src, line, || {
                "a record larger than 4 GiB is not read".to_owned()
            });
            return;
        };
        let (table, mapping) = naming.route(rec);
        let (_, stats, recs) = self.tables.entry(table);
        if let Some(k) = mapping.known() {
            stats.add_known(k);
        }
        azure::map(mapping, rec, &mut Observer::new(stats, src, line));
        recs.push(Rec {
            start: span.0,
            len,
            mapping,
        });
    }

    fn record(
        &mut self,
        src: usize,
        doc: &[u8],
        text: Option<&str>,
        span: (usize, usize),
        line: usize,
        naming: &Naming,
    ) {
        let parsed = match text.and_then(|t| t.get(span.0..span.1)) {
            Some(t) => value::parse_record_str(t),
            None => value::parse_record(&doc[span.0..span.1]),
        };
        match parsed {
            Ok(rec) => self.observe(src, line, span, &rec, naming),
            Err(RecordError::Json(err)) => {
                let (line, reason) = Fault::Json { at: span.0, err }.describe(doc, line);
                self.skipped.push(src, line, || reason);
            }
            Err(RecordError::NotObject(kind)) => {
                self.skipped
                    .push(src, line, || format!("not a JSON object (found {kind})"));
            }
        }
    }
}

/// Opens Event Hubs envelopes among `items` and routes every record.
fn json_chunk(
    src: usize,
    doc: &[u8],
    text: Option<&str>,
    items: &[Item],
    naming: &Naming,
) -> ChunkOut {
    let mut out = ChunkOut::default();
    for &item in items {
        let wrapped = if item.may_wrap {
            shape::envelope(doc, item)
        } else {
            None
        };
        match wrapped {
            Some(records) => {
                let mut lines = Lines::new(doc, item.start, item.line);
                for span in records {
                    let line = lines.line_at(span.0);
                    out.record(src, doc, text, span, line, naming);
                }
            }
            None => out.record(src, doc, text, (item.start, item.end), item.line, naming),
        }
    }
    out
}

fn csv_chunk(
    src: usize,
    data: &[u8],
    header: &[String],
    records: &[(usize, usize, usize)],
    naming: &Naming,
) -> ChunkOut {
    let mut out = ChunkOut::default();
    for &(start, end, line) in records {
        match csv::parse_record(header, &data[start..end]) {
            Ok(rec) => out.observe(src, line, (start, end), &rec, naming),
            Err(reason) => out.skipped.push(src, line, || reason),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_names() {
        for yes in ["PT1H", "pt1h", "PT05M", "PT1M"] {
            assert!(is_blob_name(yes), "{yes}");
        }
        for no in [
            "PT",
            "PTH",
            "PT1X",
            "ApiManagementGatewayLogs",
            "PT1",
            "xPT1H",
        ] {
            assert!(!is_blob_name(no), "{no}");
        }
    }

    #[test]
    fn naming_from_paths() {
        let n = Naming::new(
            "/d/insights-logs-gatewaylogs/resourceId=/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.APIMANAGEMENT/SERVICE/A/y=2026/m=11/d=25/h=13/m=00/PT1H.json",
            None,
            true,
        );
        assert_eq!(n.fallback, "ApiManagementGatewayLogs");
        assert_eq!(n.fallback_mapping, Mapping::Raw(Known::Gateway));
        let n = Naming::new(
            "x/insights-logs-audit/resourceId=/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/A/y=2026/m=11/d=25/h=13/m=00/PT1H.json",
            None,
            true,
        );
        assert_eq!(n.fallback, "AzureDiagnostics");
        let n = Naming::new(
            "x/am-apimanagementgatewaylogs/WorkspaceResourceId=/a/PT05M.json",
            None,
            true,
        );
        assert_eq!(n.fallback, "ApiManagementGatewayLogs");
        assert_eq!(n.fallback_mapping, Mapping::Export(Known::Gateway));
        let n = Naming::new("x/PT1H.json", None, true);
        assert_eq!(n.fallback, "PT1H");
        let n = Naming::new("logs/azurediagnostics.json.gz", None, true);
        assert_eq!(n.fallback, "AzureDiagnostics");
        let n = Naming::new("logs/mine.json", Some("Gw".into()), true);
        assert_eq!(
            (n.fallback.as_str(), n.fallback_mapping),
            ("Gw", Mapping::Generic)
        );
    }
}
