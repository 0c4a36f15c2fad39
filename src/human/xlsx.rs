//! The Excel workbook: sheet "Tài liệu" (one row per document) and sheet
//! "Phát hiện" (one row per finding), with filters and frozen headers.
//! Both sheets are written in constant-memory mode, row by row.

use std::path::{Path, PathBuf};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::status_label;
use crate::model::{Column, Severity};
use crate::report::{self, ColumnValues, DocumentReport};

pub const DOCUMENTS_SHEET: &str = "Tài liệu";
pub const FINDINGS_SHEET: &str = "Phát hiện";

const DOCUMENT_HEADERS: [(&str, f64); 12] = [
    ("Tệp", 50.0),
    ("Đơn vị", 35.0),
    ("Năm", 8.0),
    ("Trạng thái", 18.0),
    ("Thông báo lỗi", 40.0),
    ("Tổng tự đánh giá (báo cáo ghi)", 16.0),
    ("Tổng tự đánh giá (dòng tổng của bảng)", 16.0),
    ("Tổng tự đánh giá (tính lại)", 16.0),
    ("Số tiêu chí", 10.0),
    ("Phát hiện mức lỗi", 10.0),
    ("Phát hiện mức cảnh báo", 10.0),
    ("Phát hiện mức thông tin", 10.0),
];

const FINDING_HEADERS: [(&str, f64); 9] = [
    ("Tệp", 50.0),
    ("Mã tiêu chí", 10.0),
    ("Loại", 28.0),
    ("Cột", 18.0),
    ("Giá trị ghi", 12.0),
    ("Giá trị tính lại / đúng", 12.0),
    ("Mức độ", 10.0),
    ("Nội dung", 80.0),
    ("Vị trí", 28.0),
];

pub struct XlsxReport {
    path: PathBuf,
    workbook: Workbook,
    document_rows: u32,
    finding_rows: u32,
}

impl XlsxReport {
    pub fn new(path: &Path) -> Result<XlsxReport, XlsxError> {
        let mut workbook = Workbook::new();
        let header = Format::new().set_bold().set_text_wrap().set_background_color("#DDEBF7");
        start_sheet(workbook.add_worksheet_with_constant_memory()?, DOCUMENTS_SHEET, &DOCUMENT_HEADERS, &header)?;
        start_sheet(workbook.add_worksheet_with_constant_memory()?, FINDINGS_SHEET, &FINDING_HEADERS, &header)?;
        Ok(XlsxReport { path: path.to_owned(), workbook, document_rows: 0, finding_rows: 0 })
    }

    pub fn add(&mut self, d: &DocumentReport) -> Result<(), XlsxError> {
        let self_total = |values: &Option<ColumnValues>| values.as_ref().and_then(|v| v.get(Column::SelfScore));
        self.document_rows += 1;
        let row = self.document_rows;
        let sheet = self.workbook.worksheet_from_index(0)?;
        sheet.write_string(row, 0, &d.source.path)?;
        write_opt_string(sheet, row, 1, d.unit.as_deref())?;
        if let Some(year) = d.year {
            sheet.write_number(row, 2, year)?;
        }
        sheet.write_string(row, 3, status_label(d.status))?;
        write_opt_string(sheet, row, 4, d.error.as_deref())?;
        write_opt_number(sheet, row, 5, self_total(&d.totals.stated))?;
        write_opt_number(sheet, row, 6, self_total(&d.totals.table))?;
        write_opt_number(sheet, row, 7, self_total(&d.totals.recalculated))?;
        sheet.write_number(row, 8, d.criteria.len() as f64)?;
        for (col, severity) in [(9, Severity::Error), (10, Severity::Warning), (11, Severity::Info)] {
            sheet.write_number(row, col, d.count(severity) as f64)?;
        }

        let sheet = self.workbook.worksheet_from_index(1)?;
        for f in &d.findings {
            self.finding_rows += 1;
            let row = self.finding_rows;
            sheet.write_string(row, 0, &d.source.path)?;
            write_opt_string(sheet, row, 1, f.code.as_deref())?;
            sheet.write_string(row, 2, f.kind.label())?;
            write_opt_string(sheet, row, 3, f.column.map(Column::label))?;
            write_opt_number(sheet, row, 4, f.stated)?;
            write_opt_number(sheet, row, 5, f.recalculated.or(f.expected))?;
            sheet.write_string(row, 6, f.severity.label())?;
            sheet.write_string(row, 7, &f.message)?;
            write_opt_string(sheet, row, 8, f.location.as_ref().map(report::Location::describe).as_deref())?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), XlsxError> {
        let sheets = [(self.document_rows, DOCUMENT_HEADERS.len()), (self.finding_rows, FINDING_HEADERS.len())];
        for (index, (rows, columns)) in sheets.into_iter().enumerate() {
            self.workbook.worksheet_from_index(index)?.autofilter(0, 0, rows, columns as u16 - 1)?;
        }
        self.workbook.save(&self.path)
    }
}

fn start_sheet(sheet: &mut Worksheet, name: &str, headers: &[(&str, f64)], format: &Format) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (col, (title, width)) in headers.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(0, col as u16, *title, format)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_opt_string(sheet: &mut Worksheet, row: u32, col: u16, value: Option<&str>) -> Result<(), XlsxError> {
    if let Some(text) = value {
        sheet.write_string(row, col, text)?;
    }
    Ok(())
}

/// Excel stores numbers as binary floats; the exact decimals stay in the NDJSON.
fn write_opt_number(sheet: &mut Worksheet, row: u32, col: u16, value: Option<Decimal>) -> Result<(), XlsxError> {
    if let Some(number) = value.and_then(|v| v.to_f64()) {
        sheet.write_number(row, col, number)?;
    }
    Ok(())
}
