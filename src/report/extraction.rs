//! `extraction`: how a document with scanned pages was read, page by page.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How a document with scanned pages was read (`extraction` of the contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractionInfo {
    /// "text", "ocr" or "mixed".
    pub method: String,
    pub ocr_engine: Option<String>,
    pub ocr_pages: usize,
    /// How well each page read by OCR could be read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scans: Vec<ScanInfo>,
}

/// One scanned page's measures (`extraction.scans[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanInfo {
    pub page: u32,
    pub dpi: u32,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub skew: Decimal,
    pub turned: u16,
    pub contrast: u8,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub blur: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub sure_words: Decimal,
    /// Good enough for a value read on it to be confirmed.
    pub legible: bool,
    /// What makes the page hard to read, in Vietnamese.
    pub problems: Vec<String>,
}

impl From<&crate::grid::Extraction> for ExtractionInfo {
    fn from(e: &crate::grid::Extraction) -> Self {
        let scans = e
            .scans
            .iter()
            .map(|q| ScanInfo {
                page: q.page,
                dpi: q.dpi,
                skew: q.skew.normalize(),
                turned: q.turned,
                contrast: q.contrast,
                blur: q.blur.normalize(),
                sure_words: q.sure_words.normalize(),
                legible: q.problems.is_empty(),
                problems: q.problems.clone(),
            })
            .collect();
        ExtractionInfo { method: e.method().to_owned(), ocr_engine: e.engine.clone(), ocr_pages: e.ocr_pages, scans }
    }
}
