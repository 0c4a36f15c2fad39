//! Reports for people: an Excel workbook and a self-contained HTML page built
//! from the same document objects as the NDJSON output. Labels are Vietnamese.

pub mod html;
pub mod xlsx;

use std::path::Path;

use rust_decimal::Decimal;

use crate::grid::Location;
use crate::report::{DocumentReport, Severity, Status};

/// The human reports requested for a batch; documents are added in path order.
pub struct Reports {
    xlsx: Option<xlsx::XlsxReport>,
    html: Option<html::HtmlReport>,
}

impl Reports {
    /// `None` when neither report was asked for.
    pub fn create(xlsx: Option<&Path>, html: Option<&Path>) -> anyhow::Result<Option<Reports>> {
        if xlsx.is_none() && html.is_none() {
            return Ok(None);
        }
        Ok(Some(Reports {
            xlsx: xlsx.map(xlsx::XlsxReport::new).transpose()?,
            html: html.map(html::HtmlReport::new).transpose()?,
        }))
    }

    pub fn add(&mut self, document: &DocumentReport) -> anyhow::Result<()> {
        if let Some(x) = &mut self.xlsx {
            x.add(document)?;
        }
        if let Some(h) = &mut self.html {
            h.add(document)?;
        }
        Ok(())
    }

    /// Writes the files.
    pub fn finish(self) -> anyhow::Result<()> {
        if let Some(x) = self.xlsx {
            x.finish()?;
        }
        if let Some(h) = self.html {
            h.finish()?;
        }
        Ok(())
    }
}

pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Ok => "Hợp lệ",
        Status::NoTable => "Không có bảng điểm",
        Status::Unsupported => "Chưa hỗ trợ",
        Status::Error => "Lỗi",
    }
}

pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Lỗi",
        Severity::Warning => "Cảnh báo",
        Severity::Info => "Thông tin",
    }
}

/// A short Vietnamese name for a finding kind; unknown kinds keep their code.
pub fn kind_label(kind: &str) -> &str {
    match kind {
        "sum_mismatch" => "Tổng không khớp",
        "exceeds_max" => "Vượt điểm chuẩn",
        "stated_total_mismatch" => "Tổng điểm trong báo cáo không khớp",
        "lost_points_mismatch" => "Điểm bị mất không khớp",
        "missing_score" => "Thiếu điểm",
        "missing_max" => "Thiếu điểm chuẩn",
        "duplicate_code" => "Trùng mã tiêu chí",
        other => other,
    }
}

/// "bảng 2, dòng 5, trang 3" (or the sheet name for spreadsheets).
pub fn location_label(location: &Location) -> String {
    let mut parts = Vec::new();
    if let Some(sheet) = &location.sheet {
        parts.push(format!("trang tính {sheet}"));
    }
    parts.push(format!("bảng {}", location.table));
    parts.push(format!("dòng {}", location.row));
    if let Some(page) = location.page {
        parts.push(format!("trang {page}"));
    }
    parts.join(", ")
}

/// A number the way Vietnamese readers write it: decimal comma, no trailing zeros.
pub fn number_label(value: Decimal) -> String {
    value.normalize().to_string().replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(number_label(Decimal::new(9774, 2)), "97,74");
        assert_eq!(number_label(Decimal::new(1000, 1)), "100");
        let loc = Location { table: 2, row: 5, page: Some(3), sheet: None };
        assert_eq!(location_label(&loc), "bảng 2, dòng 5, trang 3");
        assert_eq!(kind_label("sum_mismatch"), "Tổng không khớp");
        assert_eq!(kind_label("new_kind"), "new_kind");
    }
}
