//! Settings for checking documents: the per-document resource limits and the
//! checking options. Every stage reads them from here; the CLI fills them in.

use std::time::Duration;

use rust_decimal::Decimal;

/// Per-document resource limits. Defaults are generous for real reports
/// (a few MB, a few thousand cells) and small enough that no single hostile
/// file can exhaust memory or stall a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest input file read at all.
    pub max_file_bytes: u64,
    /// Total bytes decompressed from one file (zip members, PDF streams).
    pub max_decompressed_bytes: u64,
    /// Largest number of entries in a zip container.
    pub max_zip_entries: usize,
    /// Largest decompressed/compressed ratio of one zip member (zip bombs).
    pub max_compression_ratio: u64,
    /// Largest number of cells read from one document.
    pub max_cells: usize,
    /// Largest number of PDF pages read.
    pub max_pages: usize,
    /// Deepest nesting of PDF objects / XML elements followed.
    pub max_depth: usize,
    /// Wall time for one document.
    pub max_time: Duration,
    /// Scanned pages are read by OCR (`--ocr auto`); off, they stay unsupported.
    pub ocr: bool,
    /// Wall time added to a document's budget for each page it reads by OCR:
    /// recognising a scanned page takes seconds, not the milliseconds of text.
    pub ocr_time_per_page: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 100 * 1024 * 1024,
            max_decompressed_bytes: 256 * 1024 * 1024,
            max_zip_entries: 10_000,
            max_compression_ratio: 200,
            max_cells: 2_000_000,
            max_pages: 2_000,
            max_depth: 64,
            max_time: Duration::from_secs(60),
            ocr: true,
            ocr_time_per_page: Duration::from_secs(60),
        }
    }
}

/// Settings for checking documents.
#[derive(Debug, Clone)]
pub struct Options {
    pub limits: Limits,
    /// Largest difference between a stated and a recalculated value that is not a finding.
    pub tolerance: Decimal,
    /// Check every table against this framework catalog instead of the one it resembles.
    pub framework: Option<String>,
    /// Replace codes the framework says are wrong (title and position agree
    /// with another catalog code) before summing. Off by default: the output
    /// contract reports codes as written.
    pub repair_codes: bool,
    /// OCR confidence (0–100) below which a value read from a scan is reported as uncertain.
    pub ocr_min_confidence: f32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            tolerance: Decimal::new(5, 3),
            framework: None,
            repair_codes: false,
            ocr_min_confidence: 80.0,
        }
    }
}
