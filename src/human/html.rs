//! One self-contained HTML page for the appraisal meeting (no network, no
//! external assets): counts first, then one sortable, searchable, filterable
//! list of the documents; a document's detail (its table with the flagged
//! cells, its located findings) is built in the browser on demand from compact
//! JSON embedded in the page, so a thousand documents stay a few megabytes.
//!
//! The page is a `maud` template (auto-escaping, compiled, lighter to build
//! than askama's parser). Each document's JSON is spooled to a file next to the
//! output as the document arrives, so only a one-line summary per document
//! stays in memory; `finish` writes the page and copies the JSON in.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use maud::{html, Markup, PreEscaped, DOCTYPE};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::labels::{
    badge, catalog_label, code_label, column_heading, readable, readable_message, rubric_basis, status_label,
    table_kind_label,
};
use super::{main_column, Category};
use crate::model::{Column, FindingKind, Severity};
use crate::number::format_vi;
use crate::report::{self, ColumnValues, DocumentReport, Finding, FindingColumn};

/// The `generator` meta tag of every HTML report (lower case: the walk compares lowercased heads).
pub const GENERATOR: &str = "parcheck";
const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Widths of the list's columns in percent: a fixed table layout lays out
/// a thousand rows without measuring every cell first.
const WIDTHS: [u8; 13] = [15, 5, 5, 12, 6, 6, 6, 7, 7, 5, 6, 9, 11];

/// Rows of the list laid out when the page opens (the script pages the rest).
const FIRST_PAGE: usize = 100;

/// Longest criterion title kept in the embedded JSON; the rest is rubric text.
const TITLE_CHARS: usize = 160;

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
    stated: Option<Decimal>,
    recalculated: Option<Decimal>,
    rating_stated: String,
    rating_computed: String,
    errors: usize,
    warnings: usize,
    status: &'static str,
    badge: String,
    /// Byte range of the document's JSON in the spool file.
    offset: u64,
    len: u64,
}

pub struct HtmlReport {
    path: PathBuf,
    spool_path: PathBuf,
    spool: BufWriter<File>,
    written: u64,
    entries: Vec<Entry>,
    inputs: Vec<String>,
    titles: Titles,
}

/// Criterion titles are mostly the official framework's, repeated in every
/// document: the page stores each distinct title once and rows refer to it.
#[derive(Default)]
struct Titles {
    index: HashMap<String, usize>,
    list: Vec<String>,
}

impl Titles {
    fn id(&mut self, title: &str) -> usize {
        let title = truncated(title);
        if let Some(&id) = self.index.get(&title) {
            return id;
        }
        self.list.push(title.clone());
        self.index.insert(title, self.list.len() - 1);
        self.list.len() - 1
    }
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
        })
    }

    pub fn add(&mut self, d: &DocumentReport) -> std::io::Result<()> {
        let json = script_safe(&detail_json(d, &mut self.titles).to_string());
        self.spool.write_all(json.as_bytes())?;
        let column = main_column(d);
        let total = |values: &Option<ColumnValues>, col: Column| values.as_ref().and_then(|v| v.get(col));
        self.entries.push(Entry {
            index: self.entries.len(),
            category: Category::of(d),
            path: d.source.path.clone(),
            unit: d.unit.clone().unwrap_or_default(),
            level: d.metadata.unit_level.clone().unwrap_or_default(),
            year: d.year,
            framework: d.metadata.framework.as_deref().map(catalog_label).unwrap_or_default(),
            max: total(&d.totals.recalculated, Column::MaxPoints).or(total(&d.totals.table, Column::MaxPoints)),
            stated: total(&d.totals.table, column).or(total(&d.totals.stated, column)),
            recalculated: total(&d.totals.recalculated, column),
            rating_stated: d.metadata.stated_rating.clone().unwrap_or_default(),
            rating_computed: d.metadata.computed_rating.clone().unwrap_or_default(),
            errors: d.count(Severity::Error),
            warnings: d.count(Severity::Warning),
            status: status_label(d.status),
            badge: badge(d),
            offset: self.written,
            len: json.len() as u64,
        });
        self.written += json.len() as u64;
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
        let (head, tail) = page(&self.entries, &order, &self.inputs);
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
        out.write_all(b"]</script>\n<script type=\"application/json\" id=\"titles\">")?;
        out.write_all(script_safe(&Value::from(std::mem::take(&mut self.titles.list)).to_string()).as_bytes())?;
        out.write_all(tail.as_bytes())?;
        out.flush()?;
        drop(spool);
        self.entries.clear();
        std::fs::remove_file(&self.spool_path)
    }
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

fn num(value: Option<Decimal>) -> Value {
    value.map_or(Value::Null, |v| Value::String(format_vi(v)))
}

/// A finding's `stated` or `expected` as shown: `0,5`, `0; 0,5`, `2021-12-31`.
fn shown(value: Option<&report::rubric::Value>) -> Value {
    value.map_or(Value::Null, |v| Value::String(v.display()))
}

fn truncated(title: &str) -> String {
    match title.char_indices().nth(TITLE_CHARS) {
        Some((cut, _)) => format!("{}…", &title[..cut]),
        None => title.to_owned(),
    }
}

/// Findings as people read them: Vietnamese labels, catalog names, and all
/// `missing_criterion` of the document in one line listing the codes. The
/// rubric and evidence findings are a group of their own ([`rubric_findings`]).
fn display_findings(findings: &[Finding]) -> Vec<Value> {
    let missing: Vec<&Finding> = findings.iter().filter(|f| f.kind == FindingKind::MissingCriterion).collect();
    let mut out = Vec::new();
    let mut grouped = false;
    for f in findings.iter().filter(|f| !f.kind.is_rubric()) {
        if f.kind == FindingKind::MissingCriterion && missing.len() > 1 {
            if !grouped {
                grouped = true;
                let codes: Vec<&str> = missing.iter().filter_map(|f| f.code.as_deref()).collect();
                let severity = missing.iter().map(|f| f.severity).max().unwrap_or(f.severity);
                out.push(json!([
                    severity.name(),
                    f.kind,
                    "",
                    null,
                    null,
                    null,
                    format!("Bảng thiếu {} tiêu chí của bộ tiêu chí: {}", codes.len(), codes.join(", ")),
                    ""
                ]));
            }
            continue;
        }
        out.push(json!([
            f.severity.name(),
            f.kind,
            f.code.as_deref().map(code_label).unwrap_or(""),
            f.column.as_ref().map(FindingColumn::name),
            shown(f.stated.as_ref()),
            f.recalculated.map_or_else(|| shown(f.expected.as_ref()), |r| num(Some(r))),
            readable_message(&f.message),
            f.location.as_ref().map(report::Location::describe).unwrap_or_default()
        ]));
    }
    out
}

/// The rubric and evidence findings, each with the rubric or citation it rests on.
fn rubric_findings(d: &DocumentReport) -> Vec<Value> {
    d.findings
        .iter()
        .filter(|f| f.kind.is_rubric())
        .map(|f| {
            json!([
                f.severity.name(),
                f.kind,
                f.code.as_deref().map(code_label).unwrap_or(""),
                f.column.as_ref().map(FindingColumn::name),
                shown(f.stated.as_ref()),
                shown(f.expected.as_ref()),
                readable_message(&f.message),
                rubric_basis(d, f),
                f.location.as_ref().map(report::Location::describe).unwrap_or_default()
            ])
        })
        .collect()
}

/// The compact detail of one document: arrays, not objects, to stay small.
fn detail_json(d: &DocumentReport, titles: &mut Titles) -> Value {
    let columns: Vec<&str> = d.columns.iter().map(|c| column_heading(*c)).collect();
    let totals: Vec<Value> = [
        ("Báo cáo ghi", &d.totals.stated),
        ("Dòng tổng của bảng", &d.totals.table),
        ("Tính lại", &d.totals.recalculated),
    ]
    .into_iter()
    .filter_map(|(label, values)| {
        let values = values.as_ref()?;
        Some(json!([label, d.columns.iter().map(|c| num(values.get(*c))).collect::<Vec<_>>()]))
    })
    .collect();
    let rows: Vec<Value> = d
        .criteria
        .iter()
        .map(|c| {
            let scores = c.scores();
            json!([
                code_label(&c.code),
                titles.id(&c.title),
                d.columns.iter().map(|col| num(scores.get(*col))).collect::<Vec<_>>(),
                c.location.row,
                c.location.page
            ])
        })
        .collect();
    // Flagged cells: [row index, column index or -1 for the whole row, severity].
    let mut marks = Vec::new();
    for f in &d.findings {
        let Some(code) = f.code.as_deref() else { continue };
        let column = f
            .column
            .as_ref()
            .and_then(FindingColumn::score)
            .and_then(|col| d.columns.iter().position(|c| *c == col))
            .map_or(-1, |i| i as i64);
        for (i, _) in d.criteria.iter().enumerate().filter(|(_, c)| c.code == code) {
            marks.push(json!([i, column, f.severity.name()]));
        }
    }
    let mut meta = Vec::new();
    if let Some(kind) = d.table_kind {
        meta.push(format!("Loại bảng: {}", table_kind_label(kind)));
    }
    if let Some(number) = &d.metadata.report_number {
        meta.push(format!("Số báo cáo: {number}"));
    }
    if let Some(date) = &d.metadata.report_date {
        meta.push(format!("Ngày: {date}"));
    }
    meta.push(format!("Định dạng: {}", d.source.format));
    json!({
        "p": d.source.path,
        "u": d.unit,
        "s": status_label(d.status),
        "ok": readable(d.status),
        "e": d.error,
        "m": meta,
        "c": columns,
        "t": totals,
        "r": rows,
        "k": marks,
        "f": display_findings(&d.findings),
        "g": rubric_findings(d),
    })
}

fn number_cell(value: Option<Decimal>) -> Markup {
    let sort = value.map(|v| v.normalize().to_string()).unwrap_or_default();
    html! { td.n data-v=(sort) { (value.map(format_vi).unwrap_or_default()) } }
}

/// Every label the script shows for a code in the embedded data, from [`super::labels`].
fn label_table() -> Value {
    let kinds: serde_json::Map<String, Value> =
        FindingKind::ALL.iter().map(|k| (k.name().to_owned(), Value::from(k.label()))).collect();
    let severities: serde_json::Map<String, Value> = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|s| (s.name().to_owned(), Value::from(s.label())))
        .collect();
    let columns: serde_json::Map<String, Value> = Column::ALL
        .into_iter()
        .chain([Column::Evidence])
        .map(|c| (c.name().to_owned(), Value::from(column_heading(c))))
        .collect();
    json!({"kind": kinds, "severity": severities, "column": columns, "other": "Phát hiện khác"})
}

/// The page around the embedded JSON: (everything before it, everything after).
fn page(entries: &[Entry], order: &[usize], inputs: &[String]) -> (String, String) {
    let count = |c: Category| entries.iter().filter(|e| e.category == c).count();
    let levels: BTreeSet<&str> = entries.iter().map(|e| e.level.as_str()).filter(|l| !l.is_empty()).collect();
    let now = chrono::DateTime::from_timestamp(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
        0,
    )
    .map(|t| {
        use chrono::{Datelike, Timelike};
        format!("{:02}/{:02}/{} {:02}:{:02} UTC", t.day(), t.month(), t.year(), t.hour(), t.minute())
    })
    .unwrap_or_default();
    let headings = [
        "Đơn vị",
        "Cấp",
        "Năm",
        "Bộ tiêu chí",
        "Điểm tối đa",
        "Tổng điểm ghi",
        "Tổng điểm tính lại",
        "Xếp loại ghi",
        "Xếp loại tính lại",
        "Lỗi",
        "Cảnh báo",
        "Trạng thái",
        "Tệp",
    ];
    let head = html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                // Lets a later run recognise this page as its own report, whatever its name.
                meta name="generator" content=(GENERATOR);
                title { "Kết quả kiểm tra bảng điểm Chỉ số CCHC" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Kết quả kiểm tra bảng điểm Chỉ số CCHC" }
                    p.total { (entries.len()) " tài liệu" }
                    div.cards {
                        @for c in Category::ALL {
                            button.card type="button" data-cat=(c.name()) {
                                span.count { (count(c)) }
                                span { (c.label()) }
                            }
                        }
                    }
                }
                div.controls {
                    label { "Tìm " input #q type="search" placeholder="đơn vị, tệp, bộ tiêu chí…"; }
                    label { "Nhóm "
                        select #cat {
                            option value="" { "Tất cả" }
                            @for c in Category::ALL { option value=(c.name()) { (c.label()) } }
                        }
                    }
                    label { "Cấp "
                        select #level {
                            option value="" { "Tất cả" }
                            @for l in &levels { option value=(l) { (l) } }
                        }
                    }
                    span #shown {}
                    button #prev type="button" { "« Trước" }
                    span #page {}
                    button #next type="button" { "Sau »" }
                    button #print-all type="button" { "In các tài liệu khớp" }
                }
                div.wrap {
                    table #list.list {
                        colgroup { @for w in WIDTHS { col style=(format!("width:{w}%")); } }
                        thead { tr { @for h in headings { th scope="col" tabindex="0" { (h) } } } }
                        tbody {
                            @for (k, &i) in order.iter().enumerate() {
                                @let e = &entries[i];
                                tr class=(format!("cat-{}", e.category.name())) data-i=(e.index) data-cat=(e.category.name())
                                    data-level=(e.level) data-errors=(e.errors) hidden[k >= FIRST_PAGE] {
                                    td { button.open type="button" { (if e.unit.is_empty() { "(không rõ đơn vị)" } else { e.unit.as_str() }) } }
                                    td { (e.level) }
                                    td.n data-v=(e.year.map(|y| y.to_string()).unwrap_or_default()) { (e.year.map(|y| y.to_string()).unwrap_or_default()) }
                                    td { (e.framework) }
                                    (number_cell(e.max))
                                    (number_cell(e.stated))
                                    (number_cell(e.recalculated))
                                    td { (e.rating_stated) }
                                    td class=[(!e.rating_stated.is_empty() && !e.rating_computed.is_empty() && e.rating_stated.to_lowercase() != e.rating_computed.to_lowercase()).then_some("differs")] { (e.rating_computed) }
                                    td.n data-v=(e.errors) { (e.errors) }
                                    td.n data-v=(e.warnings) { (e.warnings) }
                                    td { span class=(format!("badge b-{}", e.category.name())) { (e.badge) } br; small { (e.status) } }
                                    td.path { (e.path) }
                                }
                            }
                        }
                    }
                }
                p #empty hidden { "Không có tài liệu nào khớp." }
                div #detail {}
                footer {
                    p { "Lập lúc " (now) " bằng parcheck " (crate::TOOL_VERSION) "." }
                    p { "Đầu vào: " (inputs.join(", ")) }
                    p { "Xem bảng như parcheck đã đọc (ô, vai trò cột, loại dòng): " code { "parcheck tables TỆP" } }
                }
                (PreEscaped("<script type=\"application/json\" id=\"docs\">["))
            }
        }
    }
    .into_string();
    // maud closes the elements; the JSON goes where the script element opens.
    let cut = head.rfind("</body>").unwrap_or(head.len());
    let (before, after) = head.split_at(cut);
    let labels = script_safe(&label_table().to_string());
    let tail = format!(
        "</script>\n<script type=\"application/json\" id=\"labels\">{labels}</script>\n<script>{SCRIPT}</script>{after}"
    );
    (before.to_owned(), tail)
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

    #[test]
    fn missing_criteria_are_one_line() {
        let missing = |code: &str| Finding {
            kind: FindingKind::MissingCriterion,
            code: Some(code.into()),
            column: None,
            label: None,
            stated: None,
            recalculated: None,
            expected: None,
            severity: Severity::Warning,
            message: format!("Tiêu chí {code} thiếu"),
            location: None,
            sentence: None,
            uncertain: false,
            read: None,
            citation: None,
            deadline: None,
        };
        let lines = display_findings(&[missing("1.1"), missing("2.3"), missing("4")]);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0][6], "Bảng thiếu 3 tiêu chí của bộ tiêu chí: 1.1, 2.3, 4");
        assert_eq!(lines[0][1], "missing_criterion");
        assert_eq!(truncated(&"a".repeat(200)).chars().count(), TITLE_CHARS + 1);
    }
}
