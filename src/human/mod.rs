//! Reports for people: an Excel workbook and a self-contained HTML page built
//! from the same document objects as the NDJSON output, and the `tables` view
//! of what was read. Every label comes from [`labels`].

pub mod fields;
pub mod html;
pub mod labels;
pub mod pages;
pub mod tables;
pub mod visual;
pub mod xlsx;

use std::path::Path;

use crate::model::{Column, Severity, Status, TableKind};
use crate::report::DocumentReport;

/// Why a human report could not be made; the library's or system's error is the source.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("không ghi được báo cáo Excel")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("không ghi được báo cáo HTML")]
    Html(#[from] std::io::Error),
}

/// The human reports requested for a batch; documents are added in path order.
pub struct Reports {
    xlsx: Option<xlsx::XlsxReport>,
    html: Option<html::HtmlReport>,
}

impl Reports {
    /// `None` when neither report was asked for. `inputs` are named in the HTML footer.
    pub fn create(xlsx: Option<&Path>, html: Option<&Path>, inputs: &[String]) -> Result<Option<Reports>, ReportError> {
        if xlsx.is_none() && html.is_none() {
            return Ok(None);
        }
        Ok(Some(Reports {
            xlsx: xlsx.map(xlsx::XlsxReport::new).transpose()?,
            html: html.map(|path| html::HtmlReport::new(path, inputs)).transpose()?,
        }))
    }

    pub fn add(&mut self, document: &DocumentReport) -> Result<(), ReportError> {
        if let Some(x) = &mut self.xlsx {
            x.add(document)?;
        }
        if let Some(h) = &mut self.html {
            h.add(document)?;
        }
        Ok(())
    }

    /// Writes the files.
    pub fn finish(self) -> Result<(), ReportError> {
        if let Some(x) = self.xlsx {
            x.finish()?;
        }
        if let Some(h) = self.html {
            h.finish()?;
        }
        Ok(())
    }
}

/// The groups of the overview, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Errors,
    Unreadable,
    Warnings,
    NoTable,
    Clean,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::Errors, Category::Warnings, Category::Clean, Category::NoTable, Category::Unreadable];

    pub fn of(d: &DocumentReport) -> Category {
        match d.status {
            Status::Error | Status::Unsupported => Category::Unreadable,
            _ if d.count(Severity::Error) > 0 => Category::Errors,
            _ if d.count(Severity::Warning) > 0 => Category::Warnings,
            Status::NoTable => Category::NoTable,
            Status::Ok => Category::Clean,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Category::Errors => "errors",
            Category::Unreadable => "unreadable",
            Category::Warnings => "warnings",
            Category::NoTable => "no-table",
            Category::Clean => "clean",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Errors => "có lỗi",
            Category::Warnings => "chỉ có cảnh báo",
            Category::Clean => "không có lỗi",
            Category::NoTable => "đọc được, không có bảng điểm",
            Category::Unreadable => "không đọc được",
        }
    }
}

/// The score column a document's total is about: self scores, appraisal
/// scores, or lost points for remediation tables.
pub fn main_column(d: &DocumentReport) -> Column {
    match d.table_kind {
        Some(TableKind::Remediation) => Column::LostPoints,
        Some(TableKind::Appraisal) => Column::AppraisalScore,
        _ if !d.columns.contains(&Column::SelfScore) && d.columns.contains(&Column::AppraisalScore) => {
            Column::AppraisalScore
        }
        _ => Column::SelfScore,
    }
}
