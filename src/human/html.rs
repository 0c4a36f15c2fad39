//! One self-contained HTML page for the appraisal meeting: an overview, then
//! every document (most errors first) with its findings and its criteria table,
//! the offending cells highlighted. No scripts, no external assets.
//!
//! Each document's section is rendered when the document arrives and spooled to
//! a file next to the output, so only a one-line overview per document stays in
//! memory; `finish` copies the sections in severity order.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::status_label;
use crate::model::{Column, Severity, Status, TableKind};
use crate::number::format_vi;
use crate::report::{self, ColumnValues, DocumentReport, Finding};

const STYLE: &str = "
body{font-family:'Segoe UI',Arial,sans-serif;margin:1.5em;color:#222;font-size:14px}
h1{font-size:1.5em}h2{font-size:1.15em;margin:0 0 .3em;word-break:break-all}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #bbb;padding:2px 6px;vertical-align:top}
th{background:#eef3f8}td.n{text-align:right;white-space:nowrap}
section.doc{border:1px solid #ccc;border-left:6px solid #6a6;border-radius:4px;padding:.6em 1em;margin:1em 0}
section.rank-0{border-left-color:#c22}section.rank-1{border-left-color:#888}section.rank-2{border-left-color:#e90}
.badge{display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;background:#6a6;font-size:.85em}
.st-error,.st-unsupported{background:#888}.st-no_table{background:#aaa}
.sev-error{background:#fde2e2}.sev-warning{background:#fff3cd}.sev-info{background:#e8f1fb}
td.bad-error{background:#f8b4b4;font-weight:bold}td.bad-warning{background:#ffe08a;font-weight:bold}td.bad-info{background:#cfe2ff}
tr.row-error td{background:#fde2e2}tr.row-warning td{background:#fff3cd}
.meta{color:#555;margin:.2em 0}.err{color:#a00}
";

/// What the overview keeps of each document.
struct Entry {
    rank: u8,
    errors: usize,
    warnings: usize,
    index: usize,
    path: String,
    unit: Option<String>,
    status: Status,
    /// Byte range of the rendered section in the spool file.
    offset: u64,
    len: u64,
}

pub struct HtmlReport {
    path: PathBuf,
    spool_path: PathBuf,
    spool: BufWriter<File>,
    written: u64,
    entries: Vec<Entry>,
}

impl HtmlReport {
    pub fn new(path: &Path) -> std::io::Result<HtmlReport> {
        let mut spool_path = path.as_os_str().to_owned();
        spool_path.push(".part");
        let spool_path = PathBuf::from(spool_path);
        let spool =
            BufWriter::new(File::options().read(true).write(true).create(true).truncate(true).open(&spool_path)?);
        Ok(HtmlReport { path: path.to_owned(), spool_path, spool, written: 0, entries: Vec::new() })
    }

    pub fn add(&mut self, d: &DocumentReport) -> std::io::Result<()> {
        let index = self.entries.len();
        let section = render_document(d, index);
        self.spool.write_all(section.as_bytes())?;
        self.entries.push(Entry {
            rank: rank(d),
            errors: d.count(Severity::Error),
            warnings: d.count(Severity::Warning),
            index,
            path: d.source.path.clone(),
            unit: d.unit.clone(),
            status: d.status,
            offset: self.written,
            len: section.len() as u64,
        });
        self.written += section.len() as u64;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.entries.sort_by_key(|e| (e.rank, std::cmp::Reverse(e.errors), std::cmp::Reverse(e.warnings), e.index));
        let mut spool = self.spool.into_inner().map_err(|e| e.into_error())?;
        let mut out = BufWriter::new(File::create(&self.path)?);
        out.write_all(render_overview(&self.entries).as_bytes())?;
        let mut section = Vec::new();
        for entry in &self.entries {
            spool.seek(SeekFrom::Start(entry.offset))?;
            section.clear();
            (&mut spool).take(entry.len).read_to_end(&mut section)?;
            out.write_all(&section)?;
        }
        out.write_all(b"</body></html>\n")?;
        out.flush()?;
        drop(spool);
        std::fs::remove_file(&self.spool_path)
    }
}

/// 0: error findings; 1: unreadable; 2: warnings only; 3: no table; 4: clean.
fn rank(d: &DocumentReport) -> u8 {
    match d.status {
        _ if d.count(Severity::Error) > 0 => 0,
        Status::Error | Status::Unsupported => 1,
        _ if d.count(Severity::Warning) > 0 => 2,
        Status::NoTable => 3,
        Status::Ok => 4,
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn table_kind_label(kind: TableKind) -> &'static str {
    match kind {
        TableKind::SelfAssessment => "Tự đánh giá",
        TableKind::Appraisal => "Thẩm định",
        TableKind::Remediation => "Khắc phục (điểm bị mất)",
    }
}

/// A column label as a table header: "Điểm chuẩn".
fn column_header(col: Column) -> String {
    let label = col.label();
    let mut chars = label.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn number_cell(value: Option<rust_decimal::Decimal>) -> String {
    value.map(format_vi).unwrap_or_default()
}

fn render_overview(entries: &[Entry]) -> String {
    let documents = entries.len();
    let errors: usize = entries.iter().map(|e| e.errors).sum();
    let flagged = entries.iter().filter(|e| e.errors > 0).count();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Kết quả kiểm tra bảng điểm CCHC</title><style>{STYLE}</style></head><body>\n\
         <h1>Kết quả kiểm tra bảng điểm Chỉ số CCHC</h1>\n\
         <p class=\"summary\">{documents} tài liệu; {flagged} tài liệu có phát hiện mức lỗi; tổng cộng {errors} phát hiện mức lỗi.</p>\n\
         <table class=\"overview\"><tr><th>Tệp</th><th>Đơn vị</th><th>Trạng thái</th><th>Lỗi</th><th>Cảnh báo</th></tr>\n"
    );
    for e in entries {
        let _ = writeln!(
            h,
            "<tr class=\"{}\"><td><a href=\"#doc-{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            if e.errors > 0 { "sev-error" } else { "" },
            e.index,
            escape(&e.path),
            escape(e.unit.as_deref().unwrap_or("")),
            status_label(e.status),
            e.errors,
            e.warnings
        );
    }
    h.push_str("</table>\n");
    h
}

fn render_document(d: &DocumentReport, index: usize) -> String {
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<section class=\"doc rank-{}\" id=\"doc-{index}\">\n<h2><span class=\"badge st-{}\">{}</span> {}</h2>",
        rank(d),
        d.status.name(),
        status_label(d.status),
        escape(&d.source.path)
    );
    let mut meta = Vec::new();
    if let Some(unit) = &d.unit {
        meta.push(format!("Đơn vị: {}", escape(unit)));
    }
    if let Some(year) = d.year {
        meta.push(format!("Năm: {year}"));
    }
    if let Some(kind) = d.table_kind {
        meta.push(format!("Loại bảng: {}", table_kind_label(kind)));
    }
    meta.push(format!("Định dạng: {}", escape(&d.source.format)));
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", meta.join(" · "));
    if let Some(error) = &d.error {
        let _ = writeln!(h, "<p class=\"err\">{}</p>", escape(error));
    }
    if d.status == Status::Ok {
        render_totals(&mut h, d);
        render_findings(&mut h, &d.findings);
        render_criteria(&mut h, d);
    }
    h.push_str("</section>\n");
    h
}

fn render_totals(h: &mut String, d: &DocumentReport) {
    let rows = [
        ("Báo cáo ghi", &d.totals.stated),
        ("Dòng tổng của bảng", &d.totals.table),
        ("Tính lại", &d.totals.recalculated),
    ];
    h.push_str("<table class=\"totals\"><tr><th>Tổng điểm</th>");
    for col in &d.columns {
        let _ = write!(h, "<th>{}</th>", column_header(*col));
    }
    h.push_str("</tr>\n");
    for (label, values) in rows {
        let _ = write!(h, "<tr><th>{label}</th>");
        for col in &d.columns {
            let value = values.as_ref().and_then(|v: &ColumnValues| v.get(*col));
            let _ = write!(h, "<td class=\"n\">{}</td>", number_cell(value));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

fn render_findings(h: &mut String, findings: &[Finding]) {
    if findings.is_empty() {
        h.push_str("<p>Không có phát hiện nào.</p>\n");
        return;
    }
    h.push_str(
        "<table class=\"findings\"><tr><th>Mức độ</th><th>Mã</th><th>Loại</th><th>Cột</th>\
         <th>Giá trị ghi</th><th>Tính lại / đúng</th><th>Nội dung</th><th>Vị trí</th></tr>\n",
    );
    for f in findings {
        let _ = writeln!(
            h,
            "<tr class=\"finding sev-{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            f.severity.name(),
            f.severity.label(),
            escape(f.code.as_deref().unwrap_or("")),
            escape(f.kind.label()),
            f.column.map(column_header).unwrap_or_default(),
            number_cell(f.stated),
            number_cell(f.recalculated.or(f.expected)),
            escape(&f.message),
            f.location.as_ref().map(report::Location::describe).map(|l| escape(&l)).unwrap_or_default()
        );
    }
    h.push_str("</table>\n");
}

/// The worst finding (and its messages) per (code, column); `None` column flags the whole row.
type Marks<'a> = HashMap<(&'a str, Option<Column>), (Severity, Vec<&'a str>)>;

fn marks(findings: &[Finding]) -> Marks<'_> {
    let mut marks: Marks = HashMap::new();
    for f in findings {
        let Some(code) = f.code.as_deref() else { continue };
        let mark = marks.entry((code, f.column)).or_insert((f.severity, Vec::new()));
        mark.0 = mark.0.max(f.severity);
        mark.1.push(&f.message);
    }
    marks
}

fn render_criteria(h: &mut String, d: &DocumentReport) {
    if d.criteria.is_empty() {
        return;
    }
    let marks = marks(&d.findings);
    let _ = write!(
        h,
        "<details{}><summary>Bảng tiêu chí ({} dòng)</summary>\n<table class=\"criteria\"><tr><th>Mã</th><th>Tiêu chí</th>",
        if d.findings.is_empty() { "" } else { " open" },
        d.criteria.len()
    );
    for col in &d.columns {
        let _ = write!(h, "<th>{}</th>", column_header(*col));
    }
    h.push_str("</tr>\n");
    for c in &d.criteria {
        let row_class = marks.get(&(c.code.as_str(), None)).map(|(s, _)| format!(" class=\"row-{}\"", s.name()));
        let _ =
            write!(h, "<tr{}><td>{}</td><td>{}</td>", row_class.unwrap_or_default(), escape(&c.code), escape(&c.title));
        let scores = c.scores();
        for col in &d.columns {
            let value = number_cell(scores.get(*col));
            match marks.get(&(c.code.as_str(), Some(*col))) {
                Some((severity, messages)) => {
                    let _ = write!(
                        h,
                        "<td class=\"n bad-{}\" title=\"{}\">{value}</td>",
                        severity.name(),
                        escape(&messages.join("\n"))
                    );
                }
                None => {
                    let _ = write!(h, "<td class=\"n\">{value}</td>");
                }
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></details>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_document_text() {
        assert_eq!(escape("<p>a & \"b\"</p>"), "&lt;p&gt;a &amp; &quot;b&quot;&lt;/p&gt;");
    }
}
