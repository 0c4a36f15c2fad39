//! Extractors: one module per file format, all producing a [`Document`] grid.
//!
//! Every extractor takes the whole file as bytes and a [`Budget`] that bounds
//! what one file may cost (decompressed bytes, cells, pages, time). Exceeding
//! a limit or meeting a malformed file is an [`ExtractError`], never a panic;
//! the pipeline turns it into the document's `status` and message.

pub mod docx;
pub mod html;
pub mod image;
pub mod pdf;
pub mod sheet;
pub mod zip_guard;

use std::time::{Duration, Instant};

use crate::grid::Document;
use crate::sniff::Format;

/// Why a file could not be read. Messages are in Vietnamese: they reach the user.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// A format or variant the tool does not read (legacy .doc, scanned PDF, encrypted file).
    #[error("{0}")]
    Unsupported(String),
    /// Corrupt, truncated or otherwise unreadable content.
    #[error("{0}")]
    Corrupt(String),
    /// The file exceeds one of the per-document limits.
    #[error("{0}")]
    LimitExceeded(String),
}

pub type ExtractResult<T> = Result<T, ExtractError>;

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
        }
    }
}

/// What one document may still spend: the limits plus a running count of
/// decompressed bytes and cells, and the deadline.
#[derive(Debug)]
pub struct Budget {
    pub limits: Limits,
    deadline: Instant,
    decompressed: u64,
    cells: usize,
}

impl Budget {
    pub fn new(limits: Limits) -> Self {
        let deadline = Instant::now() + limits.max_time;
        Budget { limits, deadline, decompressed: 0, cells: 0 }
    }

    /// Fails once the document's wall-time budget is spent.
    pub fn check_time(&self) -> ExtractResult<()> {
        if Instant::now() > self.deadline {
            return Err(ExtractError::LimitExceeded(format!(
                "vượt giới hạn thời gian xử lý một tài liệu ({} giây)",
                self.limits.max_time.as_secs()
            )));
        }
        Ok(())
    }

    /// Records `n` more decompressed bytes; fails past the limit.
    pub fn spend_bytes(&mut self, n: u64) -> ExtractResult<()> {
        self.decompressed = self.decompressed.saturating_add(n);
        if self.decompressed > self.limits.max_decompressed_bytes {
            return Err(ExtractError::LimitExceeded(format!(
                "dữ liệu giải nén vượt giới hạn {} MB (nghi là bom nén)",
                self.limits.max_decompressed_bytes / (1024 * 1024)
            )));
        }
        Ok(())
    }

    /// When the document's wall-time budget ends.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Bytes still allowed to be decompressed.
    pub fn bytes_left(&self) -> u64 {
        self.limits.max_decompressed_bytes.saturating_sub(self.decompressed)
    }

    /// Records `n` more cells; fails past the limit. Also checks the time,
    /// since cells are counted inside every extractor's main loop.
    pub fn spend_cells(&mut self, n: usize) -> ExtractResult<()> {
        self.cells = self.cells.saturating_add(n);
        if self.cells > self.limits.max_cells {
            return Err(ExtractError::LimitExceeded(format!("số ô bảng vượt giới hạn {} ô", self.limits.max_cells)));
        }
        self.check_time()
    }
}

/// Reads the grid of a file whose format has been sniffed.
pub fn extract(format: Format, bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    match format {
        Format::Docx => docx::extract(bytes, budget),
        Format::Xlsx | Format::Xls | Format::Ods => sheet::extract(format, bytes, budget),
        Format::Html => html::extract(bytes, budget),
        Format::Pdf => pdf::extract(bytes, budget),
        Format::Jpeg | Format::Png | Format::Tiff => image::extract(format, bytes, budget),
        // Bytes that match no document format are damaged or not a report at all.
        Format::Unknown | Format::Empty => Err(ExtractError::Corrupt(format.unsupported_message())),
        other => Err(ExtractError::Unsupported(other.unsupported_message())),
    }
}
