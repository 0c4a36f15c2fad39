//! Settings for checking documents: the per-document resource limits and the
//! checking options. Every stage reads them from here; the CLI fills them in.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// Wall time granted to a document beyond `Limits::max_time` while it is
/// read (the OCR allowance of its scanned pages), shared with the watchdog
/// that would otherwise abandon a document that outlives the limit.
#[derive(Debug, Clone, Default)]
pub struct Allowance(Arc<AtomicU64>);

impl Allowance {
    /// Extra time granted so far.
    pub fn granted(&self) -> Duration {
        Duration::from_millis(self.0.load(Ordering::Relaxed))
    }

    fn grant(&self, extra: Duration) {
        let millis = u64::try_from(extra.as_millis()).unwrap_or(u64::MAX);
        let _ = self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |m| Some(m.saturating_add(millis)));
    }
}

/// When one document's work must stop: its wall-time limit counted from the
/// start of its reading, plus what it was granted since ([`Allowance`]).
/// Extraction, table reading, tree building and checking all look at the
/// same deadline, between rows or sections (a clock read).
#[derive(Debug, Clone)]
pub struct Deadline {
    /// `None`: no limit (a limit too large to represent).
    at: Option<Instant>,
    seconds: u64,
    extra: Allowance,
}

/// The document ran past its wall-time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("vượt giới hạn thời gian xử lý một tài liệu ({seconds} giây)")]
pub struct TimeLimit {
    pub seconds: u64,
}

impl Deadline {
    /// `limit` from now.
    pub fn after(limit: Duration) -> Deadline {
        Deadline::watched(limit, &Allowance::default())
    }

    /// `limit` from now, extended by what `allowance` is granted.
    pub fn watched(limit: Duration, allowance: &Allowance) -> Deadline {
        Deadline { at: Instant::now().checked_add(limit), seconds: limit.as_secs(), extra: allowance.clone() }
    }

    /// No limit: for tools and tests that read one known document.
    pub fn none() -> Deadline {
        Deadline { at: None, seconds: u64::MAX, extra: Allowance::default() }
    }

    /// Grants `extra` more time, to this document and its watchdog.
    pub fn extend(&self, extra: Duration) {
        self.extra.grant(extra);
    }

    /// The instant the deadline passes (a day ahead when there is no limit),
    /// for work that runs outside the process (the OCR engine).
    pub fn instant(&self) -> Instant {
        let at = self.at.and_then(|at| at.checked_add(self.extra.granted()));
        at.unwrap_or_else(|| Instant::now() + Duration::from_secs(24 * 3600))
    }

    /// Fails once the deadline has passed.
    pub fn check(&self) -> Result<(), TimeLimit> {
        match self.at.map(|at| at.checked_add(self.extra.granted())) {
            Some(Some(at)) if Instant::now() > at => {
                Err(TimeLimit { seconds: self.seconds.saturating_add(self.extra.granted().as_secs()) })
            }
            _ => Ok(()),
        }
    }
}
