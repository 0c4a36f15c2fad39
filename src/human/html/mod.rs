//! One self-contained HTML page for the appraisal meeting (no network, no
//! external assets): counts first, then one sortable, searchable, filterable
//! list of the documents that says per document which findings of which kind
//! it has and in which fields; a document's detail (its table with the flagged
//! cells, its located findings) is built in the browser on demand from compact
//! JSON embedded in the page ([`detail`]), so a thousand documents stay a few
//! megabytes.
//!
//! The page is a `maud` template ([`page`]). Each document's JSON is spooled
//! to a file next to the output as the document arrives, so only a one-line
//! summary per document stays in memory; `finish` writes the page and copies
//! the JSON in.

mod detail;
mod page;

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use base64::prelude::{Engine, BASE64_STANDARD};
use rust_decimal::Decimal;
use serde_json::Value;

use super::labels::{badge, catalog_label, status_label};
use super::{fields, visual};
use super::{main_column, Category};
use crate::config::Options;
use crate::model::{Column, FindingKind, Severity};
use crate::report::{ColumnValues, DocumentReport};
pub use detail::place;
use detail::{detail_json, Titles};

/// The `generator` meta tag of every HTML report (lower case: the walk compares lowercased heads).
pub const GENERATOR: &str = "parcheck";

/// What the list keeps of each document.
struct Entry {
    index: usize,
    category: Category,
    path: String,
    unit: String,
    level: String,
    year: Option<i32>,
    framework: String,
    max: Option<Decimal>,
    /// The table's own total row.
    table_total: Option<Decimal>,
    /// The total the cover letter claims.
    stated: Option<Decimal>,
    recalculated: Option<Decimal>,
    rating_stated: String,
    rating_computed: String,
    rating_note: String,
    errors: usize,
    warnings: usize,
    /// Findings per kind, most first.
    kinds: Vec<(FindingKind, usize)>,
    /// The severities the document's findings have.
    severities: Vec<Severity>,
    /// Indexes into [`FieldNames`] of the fields with findings.
    fields: Vec<usize>,
    /// The codes of those fields in the document ("1", "3", "II").
    field_codes: Vec<String>,
    status: &'static str,
    badge: String,
    /// Byte range of the document's JSON in the spool file.
    offset: u64,
    len: u64,
    /// Byte range of its crops' elements, written after it.
    crops_len: u64,
}

/// The fields of every document, one per name: the filter's options.
#[derive(Default)]
struct FieldNames {
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl FieldNames {
    fn id(&mut self, field: &fields::Field) -> usize {
        let next = self.names.len();
        *self.index.entry(field.key()).or_insert_with(|| {
            self.names.push(field.name.clone());
            next
        })
    }
}

pub struct HtmlReport {
    path: PathBuf,
    spool_path: PathBuf,
    spool: BufWriter<File>,
    written: u64,
    entries: Vec<Entry>,
    inputs: Vec<String>,
    titles: Titles,
    fields: FieldNames,
}

impl HtmlReport {
    pub fn new(path: &Path, inputs: &[String]) -> std::io::Result<HtmlReport> {
        let mut spool_path = path.as_os_str().to_owned();
        spool_path.push(".part");
        let spool_path = PathBuf::from(spool_path);
        let spool =
            BufWriter::new(File::options().read(true).write(true).create(true).truncate(true).open(&spool_path)?);
        Ok(HtmlReport {
            path: path.to_owned(),
            spool_path,
            spool,
            written: 0,
            entries: Vec::new(),
            inputs: inputs.to_vec(),
            titles: Titles::default(),
            fields: FieldNames::default(),
        })
    }

    pub fn add(&mut self, d: &DocumentReport) -> std::io::Result<()> {
        let crops = visual::crops::for_document(d, &Options::default());
        let json = script_safe(&detail_json(d, &mut self.titles, &crops).to_string());
        self.spool.write_all(json.as_bytes())?;
        // Each crop in an element of its own that the page never parses as
        // HTML or JSON: the script reads one when its finding is opened.
        let index = self.entries.len();
        let mut crops_len = 0;
        for (k, c) in crops.iter().enumerate() {
            let element = format!(
                "<script type=\"text/plain\" id=\"c{index}-{k}\">{}</script>\n",
                BASE64_STANDARD.encode(&c.crop.jpeg)
            );
            self.spool.write_all(element.as_bytes())?;
            crops_len += element.len() as u64;
        }
        let column = main_column(d);
        let total = |values: &Option<ColumnValues>, col: Column| values.as_ref().and_then(|v| v.get(col));
        let mut kinds: BTreeMap<FindingKind, usize> = BTreeMap::new();
        d.findings.iter().for_each(|f| *kinds.entry(f.kind).or_default() += 1);
        let mut kinds: Vec<(FindingKind, usize)> = kinds.into_iter().collect();
        kinds.sort_by_key(|&(kind, n)| std::cmp::Reverse((worst(d, kind), n)));
        let mut severities: Vec<Severity> = d.findings.iter().map(|f| f.severity).collect();
        severities.sort();
        severities.dedup();
        let doc_fields = fields::of(d);
        let ids: Vec<usize> = doc_fields.iter().map(|f| self.fields.id(f)).collect();
        // The document's own fields with findings, in its order.
        let mut local: Vec<usize> =
            d.findings.iter().filter_map(|f| fields::field_of(d, &doc_fields, f.code.as_deref()?)).collect();
        local.sort();
        local.dedup();
        let field_codes = local.iter().map(|&i| doc_fields[i].code.clone()).collect();
        let mut with_findings: Vec<usize> = local.iter().map(|&i| ids[i]).collect();
        with_findings.sort();
        self.entries.push(Entry {
            index: self.entries.len(),
            category: Category::of(d),
            path: d.source.path.clone(),
            unit: d.unit.clone().unwrap_or_default(),
            level: d.metadata.unit_level.clone().unwrap_or_default(),
            year: d.year,
            framework: d.metadata.framework.as_deref().map(catalog_label).unwrap_or_default(),
            max: total(&d.totals.recalculated, Column::MaxPoints).or(total(&d.totals.table, Column::MaxPoints)),
            table_total: total(&d.totals.table, column),
            stated: total(&d.totals.stated, column),
            recalculated: total(&d.totals.recalculated, column),
            rating_stated: d.metadata.stated_rating.clone().unwrap_or_default(),
            rating_computed: d.metadata.computed_rating.clone().unwrap_or_default(),
            rating_note: d.metadata.rating_note.clone().unwrap_or_default(),
            errors: d.count(Severity::Error),
            warnings: d.count(Severity::Warning),
            kinds,
            severities,
            fields: with_findings,
            field_codes,
            status: status_label(d.status),
            badge: badge(d),
            offset: self.written,
            len: json.len() as u64,
            crops_len,
        });
        self.written += json.len() as u64 + crops_len;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        // Worst first: error findings (most first), unreadable, warnings, no table, clean.
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        order.sort_by_key(|&i| {
            let e = &self.entries[i];
            (e.category, std::cmp::Reverse(e.errors), std::cmp::Reverse(e.warnings), e.index)
        });
        let mut spool = self.spool.into_inner().map_err(|e| e.into_error())?;
        let mut out = BufWriter::new(File::create(&self.path)?);
        let (head, tail) = page::page(&self.entries, &order, &self.inputs, &self.fields.names);
        out.write_all(head.as_bytes())?;
        // Documents in arrival order: the list's `data-i` indexes this array.
        let mut buffer = Vec::new();
        for (k, entry) in self.entries.iter().enumerate() {
            if k > 0 {
                out.write_all(b",\n")?;
            }
            spool.seek(SeekFrom::Start(entry.offset))?;
            buffer.clear();
            (&mut spool).take(entry.len).read_to_end(&mut buffer)?;
            out.write_all(&buffer)?;
        }
        out.write_all(b"]</script>\n")?;
        for entry in self.entries.iter().filter(|e| e.crops_len > 0) {
            spool.seek(SeekFrom::Start(entry.offset + entry.len))?;
            buffer.clear();
            (&mut spool).take(entry.crops_len).read_to_end(&mut buffer)?;
            out.write_all(&buffer)?;
        }
        out.write_all(b"<script type=\"application/json\" id=\"titles\">")?;
        out.write_all(script_safe(&Value::from(std::mem::take(&mut self.titles.list)).to_string()).as_bytes())?;
        out.write_all(tail.as_bytes())?;
        out.flush()?;
        drop(spool);
        self.entries.clear();
        std::fs::remove_file(&self.spool_path)
    }
}

/// The worst severity of a kind's findings in a document, to list the kinds worst first.
fn worst(d: &DocumentReport, kind: FindingKind) -> Severity {
    d.findings.iter().filter(|f| f.kind == kind).map(|f| f.severity).max().unwrap_or(Severity::Info)
}

/// JSON made safe inside `<script>`: no `</script>` or `<!--` can close or
/// change the element, and U+2028/2029 are escaped for old parsers. These
/// characters only occur inside JSON strings, where the escapes mean the same.
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_close_the_script() {
        let safe = script_safe(r#"{"t":"</script><!-- a&b"}"#);
        assert!(!safe.contains('<') && !safe.contains('>'));
        let back: Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back["t"], "</script><!-- a&b");
        assert_eq!(script_safe("\u{2028}"), "\\u2028");
    }
}
