//! Reports for people: an Excel workbook and a self-contained HTML page built
//! from the same document objects as the NDJSON output. Labels are Vietnamese.

pub mod html;
pub mod xlsx;

use std::path::Path;

use crate::model::Status;
use crate::report::DocumentReport;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_labels_are_vietnamese() {
        assert_eq!(status_label(Status::NoTable), "Không có bảng điểm");
    }
}
