//! The Excel workbook, laid out like a provincial summary table: sheet
//! "Tài liệu" (one row per document: unit, level, year, framework, totals per
//! column, the table's total beside the cover letter's and the recalculated
//! one, each field's points under the framework's name of the field, ratings,
//! rank, counts, file), sheet "Phát hiện" (one row per finding, its location in
//! separate columns and in a form to type into Excel's Name Box or a PDF
//! viewer's page box, coloured by severity, linked to the document; the rubric
//! and evidence findings as a group of their own, with the rubric or citation
//! each rests on). Frozen headers, filters, landscape A4 fitted to the page width.
//!
//! Findings are streamed in constant-memory mode; the documents sheet is
//! written at the end, because its field columns and ranks depend on every
//! document.

use std::path::{Path, PathBuf};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatBorder, Url, Workbook, Worksheet, XlsxError};

use super::fields::{self, Field};
use super::labels::{
    badge, catalog_label, code_label, column_heading, readable_message, rubric_basis, status_label, table_kind_label,
};
use super::main_column;
use crate::model::{Column, Severity, TableKind};
use crate::report::rubric::Value;
use crate::report::{DocumentReport, Finding};

pub const DOCUMENTS_SHEET: &str = "Tài liệu";
pub const FINDINGS_SHEET: &str = "Phát hiện";

/// Columns of the documents sheet before the field columns, and after them.
const DOCUMENT_HEADERS: [(&str, f64); 13] = [
    ("STT", 5.0),
    ("Đơn vị", 30.0),
    ("Cấp", 7.0),
    ("Năm", 6.0),
    ("Bộ tiêu chí", 22.0),
    ("Loại bảng", 12.0),
    ("Điểm tối đa", 8.0),
    ("Điểm tự đánh giá", 9.0),
    ("Điểm thẩm định", 9.0),
    ("Điểm bị mất", 8.0),
    ("Tổng điểm của bảng", 9.0),
    ("Tổng điểm báo cáo ghi", 9.0),
    ("Tổng điểm tính lại", 9.0),
];
const DOCUMENT_TRAILERS: [(&str, f64); 8] = [
    ("Xếp loại (báo cáo ghi)", 11.0),
    ("Xếp loại (tính lại)", 11.0),
    ("Thứ hạng", 7.0),
    ("Số lỗi", 6.0),
    ("Số cảnh báo", 8.0),
    ("Kết quả", 14.0),
    ("Trạng thái tệp", 16.0),
    ("Tệp", 40.0),
];

pub const FINDING_HEADERS: [(&str, f64); 17] = [
    ("Đơn vị", 26.0),
    ("Năm", 6.0),
    ("Mã tiêu chí", 9.0),
    ("Loại", 24.0),
    ("Cột", 14.0),
    ("Giá trị ghi", 8.0),
    ("Giá trị tính lại / đúng", 9.0),
    ("Mức độ", 9.0),
    ("Nội dung", 60.0),
    ("Bảng", 6.0),
    ("Dòng", 6.0),
    ("Trang", 6.0),
    ("Trang tính", 12.0),
    ("Tệp", 36.0),
    ("Nhóm", 16.0),
    ("Căn cứ (thang điểm, văn bản)", 44.0),
    ("Đi tới (Name Box của Excel, số trang PDF)", 22.0),
];

/// The group of the rubric and evidence findings, and of all others.
const RUBRIC_GROUP: &str = "Thang điểm, kiểm chứng";
const TABLE_GROUP: &str = "Bảng điểm";
const STATISTICS_GROUP: &str = "Số liệu thống kê";

/// What the documents sheet keeps of one document.
struct DocumentRow {
    unit: String,
    level: String,
    year: Option<i32>,
    framework: String,
    kind: Option<TableKind>,
    totals: [Option<Decimal>; 4],
    /// The table's total row, the cover letter's claim and the sum of the leaves, in the main column.
    table_total: Option<Decimal>,
    stated: Option<Decimal>,
    recalculated: Option<Decimal>,
    fields: Vec<Field>,
    rating_stated: String,
    rating_computed: String,
    errors: usize,
    warnings: usize,
    badge: String,
    status: &'static str,
    path: String,
}

pub struct XlsxReport {
    path: PathBuf,
    workbook: Workbook,
    documents: Vec<DocumentRow>,
    finding_rows: u32,
    header: Format,
    severity: [Format; 3],
    differs: Format,
}

fn page_setup(sheet: &mut Worksheet, headers: &[(String, f64)], format: &Format) -> Result<(), XlsxError> {
    for (col, (title, width)) in headers.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(0, col as u16, title, format)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

fn owned(headers: &[(&str, f64)]) -> Vec<(String, f64)> {
    headers.iter().map(|(t, w)| (t.to_string(), *w)).collect()
}

impl XlsxReport {
    pub fn new(path: &Path) -> Result<XlsxReport, XlsxError> {
        let mut workbook = Workbook::new();
        let header =
            Format::new().set_bold().set_text_wrap().set_background_color("#DDEBF7").set_border(FormatBorder::Thin);
        workbook.add_worksheet().set_name(DOCUMENTS_SHEET)?;
        let findings = workbook.add_worksheet_with_constant_memory()?;
        findings.set_name(FINDINGS_SHEET)?;
        page_setup(findings, &owned(&FINDING_HEADERS), &header)?;
        let fill = |color: u32| Format::new().set_background_color(Color::RGB(color)).set_text_wrap();
        Ok(XlsxReport {
            path: path.to_owned(),
            workbook,
            documents: Vec::new(),
            finding_rows: 0,
            header,
            severity: [fill(0xE8F1FB), fill(0xFFF3CD), fill(0xFDE2E2)],
            differs: Format::new().set_background_color(Color::RGB(0xF8B4B4)).set_bold(),
        })
    }

    pub fn add(&mut self, d: &DocumentReport) -> Result<(), XlsxError> {
        let column = main_column(d);
        let table_or_recalculated = |col: Column| {
            d.totals.table.as_ref().and_then(|v| v.get(col)).or(d.totals.recalculated.as_ref().and_then(|v| v.get(col)))
        };
        self.documents.push(DocumentRow {
            unit: d.unit.clone().unwrap_or_default(),
            level: d.metadata.unit_level.clone().unwrap_or_default(),
            year: d.year,
            framework: d.metadata.framework.as_deref().map(catalog_label).unwrap_or_default(),
            kind: d.table_kind,
            totals: Column::ALL.map(table_or_recalculated),
            table_total: d.totals.table.as_ref().and_then(|v| v.get(column)),
            stated: d.totals.stated.as_ref().and_then(|v| v.get(column)),
            recalculated: d.totals.recalculated.as_ref().and_then(|v| v.get(column)),
            fields: fields::of(d),
            rating_stated: d.metadata.stated_rating.clone().unwrap_or_default(),
            rating_computed: d
                .metadata
                .computed_rating
                .clone()
                .or_else(|| d.metadata.rating_note.clone())
                .unwrap_or_default(),
            errors: d.count(Severity::Error),
            warnings: d.count(Severity::Warning),
            badge: badge(d),
            status: status_label(d.status),
            path: d.source.path.clone(),
        });

        let link = document_url(&d.source.path);
        let sheet = self.workbook.worksheet_from_index(1)?;
        for f in &d.findings {
            self.finding_rows += 1;
            let format = &self.severity[f.severity as usize];
            finding_row(sheet, self.finding_rows, d, f, format, link.as_ref())?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), XlsxError> {
        // One column per field, by the framework's name, in the order the documents list them.
        let mut columns: Vec<(String, String)> = Vec::new();
        for field in self.documents.iter().flat_map(|d| &d.fields) {
            if !columns.iter().any(|(key, _)| *key == field.key()) {
                columns.push((field.key(), field.name.clone()));
            }
        }
        let mut headers = owned(&DOCUMENT_HEADERS);
        headers.extend(columns.iter().map(|(_, name)| (name.clone(), 12.0)));
        headers.extend(owned(&DOCUMENT_TRAILERS));
        let ranks = ranks(&self.documents);
        let sheet = self.workbook.worksheet_from_index(0)?;
        page_setup(sheet, &headers, &self.header)?;
        for (k, d) in self.documents.iter().enumerate() {
            let row = k as u32 + 1;
            sheet.write_number(row, 0, row as f64)?;
            sheet.write_string(row, 1, &d.unit)?;
            sheet.write_string(row, 2, &d.level)?;
            write_number(sheet, row, 3, d.year.map(Decimal::from))?;
            sheet.write_string(row, 4, &d.framework)?;
            sheet.write_string(row, 5, d.kind.map(table_kind_label).unwrap_or(""))?;
            for (i, value) in d.totals.iter().enumerate() {
                write_number(sheet, row, 6 + i as u16, *value)?;
            }
            write_number(sheet, row, 10, d.table_total)?;
            // The cover letter's claim stands out when the table does not add up to it.
            match (d.stated.and_then(|v| v.to_f64()), d.recalculated) {
                (Some(stated), Some(sum)) if Some(sum) != d.stated => {
                    sheet.write_number_with_format(row, 11, stated, &self.differs)?;
                }
                _ => write_number(sheet, row, 11, d.stated)?,
            }
            write_number(sheet, row, 12, d.recalculated)?;
            let mut col = DOCUMENT_HEADERS.len() as u16;
            for (key, _) in &columns {
                write_number(sheet, row, col, d.fields.iter().find(|f| f.key() == *key).and_then(|f| f.points))?;
                col += 1;
            }
            sheet.write_string(row, col, &d.rating_stated)?;
            sheet.write_string(row, col + 1, &d.rating_computed)?;
            write_number(sheet, row, col + 2, ranks[k].map(Decimal::from))?;
            sheet.write_number(row, col + 3, d.errors as f64)?;
            sheet.write_number(row, col + 4, d.warnings as f64)?;
            sheet.write_string(row, col + 5, &d.badge)?;
            sheet.write_string(row, col + 6, d.status)?;
            match document_url(&d.path) {
                Some(url) => sheet.write_url(row, col + 7, url)?,
                None => sheet.write_string(row, col + 7, &d.path)?,
            };
        }
        sheet.autofilter(0, 0, self.documents.len() as u32, headers.len() as u16 - 1)?;
        let findings = self.workbook.worksheet_from_index(1)?;
        findings.autofilter(0, 0, self.finding_rows, FINDING_HEADERS.len() as u16 - 1)?;
        self.workbook.save(&self.path)
    }
}

/// One finding as a row: the document's unit and year, the finding's code,
/// kind, column, values, severity and message, where it is, the file.
fn finding_row(
    sheet: &mut Worksheet,
    row: u32,
    d: &DocumentReport,
    f: &Finding,
    format: &Format,
    link: Option<&Url>,
) -> Result<(), XlsxError> {
    let location = f.location.as_ref();
    // A date or a rubric's options are text; numbers stay numbers.
    let value_text = |v: Option<&Value>| v.filter(|v| v.number().is_none()).map(Value::display);
    let expected = f.recalculated.map(Value::Number).or(f.expected.clone());
    let texts: [(u16, Option<String>); 9] = [
        (0, d.unit.clone()),
        (2, f.code.as_deref().map(|c| code_label(c).to_owned())),
        (3, Some(f.kind.label().to_owned())),
        (4, f.column.as_ref().map(|c| c.score().map_or_else(|| c.name().to_owned(), |s| column_heading(s).to_owned()))),
        (5, value_text(f.stated.as_ref())),
        (6, value_text(expected.as_ref())),
        (7, Some(f.severity.label().to_owned())),
        (8, Some(readable_message(&f.message))),
        (12, location.and_then(|l| l.sheet.clone())),
    ];
    let numbers: [(u16, Option<Decimal>); 6] = [
        (1, d.year.map(Decimal::from)),
        (5, f.stated.as_ref().and_then(Value::number)),
        (6, expected.as_ref().and_then(Value::number)),
        (9, location.map(|l| Decimal::from(l.table))),
        (10, location.map(|l| Decimal::from(l.row))),
        (11, location.and_then(|l| l.page).or(f.sentence.as_ref().and_then(|s| s.page)).map(Decimal::from)),
    ];
    let has_text = |col: u16| texts.iter().any(|(c, t)| *c == col && t.is_some());
    for (col, value) in numbers {
        match value.and_then(|v| v.to_f64()) {
            Some(number) => sheet.write_number_with_format(row, col, number, format)?,
            None if has_text(col) => sheet,
            None => sheet.write_blank(row, col, format)?,
        };
    }
    for (col, text) in &texts {
        match text {
            Some(text) => sheet.write_string_with_format(row, *col, text, format)?,
            None if numbers.iter().any(|(c, v)| c == col && v.is_some()) => sheet,
            None => sheet.write_blank(row, *col, format)?,
        };
    }
    match link {
        Some(url) => sheet.write_url_with_format(row, 13, url.clone(), format)?,
        None => sheet.write_string_with_format(row, 13, &d.source.path, format)?,
    };
    let (group, basis) = if f.kind.is_rubric() {
        (RUBRIC_GROUP, rubric_basis(d, f))
    } else if f.kind.is_statistics() {
        (STATISTICS_GROUP, String::new())
    } else {
        (TABLE_GROUP, String::new())
    };
    sheet.write_string_with_format(row, 14, group, format)?;
    sheet.write_string_with_format(row, 15, &basis, format)?;
    match go_to(f) {
        Some(GoTo::Page(page)) => sheet.write_number_with_format(row, 16, page, format)?,
        Some(GoTo::Text(text)) => sheet.write_string_with_format(row, 16, &text, format)?,
        None => sheet.write_blank(row, 16, format)?,
    };
    Ok(())
}

/// Where to go for a finding, in a form the user can type.
#[derive(Debug, PartialEq)]
enum GoTo {
    /// A PDF viewer's page box.
    Page(u32),
    /// Excel's Name Box (`'Biểu 01'!45:45`), else words for Word (`bảng 4, dòng 102`, `đoạn 7`).
    Text(String),
}

fn go_to(f: &Finding) -> Option<GoTo> {
    if let Some(sentence) = &f.sentence {
        return Some(sentence.page.map_or_else(|| GoTo::Text(format!("đoạn {}", sentence.paragraph)), GoTo::Page));
    }
    let location = f.location.as_ref()?;
    Some(match (&location.sheet, location.page) {
        (Some(sheet), _) => GoTo::Text(format!("'{}'!{row}:{row}", sheet.replace('\'', "''"), row = location.row)),
        (None, Some(page)) => GoTo::Page(page),
        (None, None) => GoTo::Text(format!("bảng {}, dòng {}", location.table, location.row)),
    })
}

/// Rank by recalculated total, highest first, among documents of the same
/// level, year and table kind (ties share a rank).
fn ranks(documents: &[DocumentRow]) -> Vec<Option<usize>> {
    documents
        .iter()
        .map(|d| {
            let score = d.recalculated?;
            let peers = documents.iter().filter(|o| o.level == d.level && o.year == d.year && o.kind == d.kind);
            Some(1 + peers.filter(|o| o.recalculated.is_some_and(|s| s > score)).count())
        })
        .collect()
}

/// A link to the document (absolute `file://` URL), or `None` when the path cannot be one.
fn document_url(path: &str) -> Option<Url> {
    let absolute = std::fs::canonicalize(path).ok()?;
    let text = absolute.to_str()?;
    if text.chars().any(|c| c.is_control() || c == '#' || c == '"') || text.len() > 2000 {
        return None;
    }
    // Three slashes and the absolute path: `/home/…` keeps its leading slash
    // (rust_xlsxwriter drops `file:///` and would store a relative `home/…`).
    Some(Url::new(format!("file:///{text}")).set_text(path))
}

/// Excel stores numbers as binary floats; the exact decimals stay in the NDJSON.
fn write_number(sheet: &mut Worksheet, row: u32, col: u16, value: Option<Decimal>) -> Result<(), XlsxError> {
    if let Some(number) = value.and_then(|v| v.to_f64()) {
        sheet.write_number(row, col, number)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_among_peers() {
        let doc = |score: Option<i64>, year| DocumentRow {
            unit: String::new(),
            level: "xã".into(),
            year: Some(year),
            framework: String::new(),
            kind: Some(TableKind::SelfAssessment),
            totals: [None; 4],
            table_total: None,
            stated: None,
            recalculated: score.map(Decimal::from),
            fields: Vec::new(),
            rating_stated: String::new(),
            rating_computed: String::new(),
            errors: 0,
            warnings: 0,
            badge: String::new(),
            status: "",
            path: String::new(),
        };
        let docs = [doc(Some(80), 2021), doc(Some(90), 2021), doc(Some(80), 2021), doc(None, 2021), doc(Some(1), 2020)];
        assert_eq!(ranks(&docs), [Some(2), Some(1), Some(2), None, Some(1)]);
    }
}
