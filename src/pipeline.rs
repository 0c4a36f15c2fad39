//! One document through every stage: read → sniff → extract → normalize →
//! find the table → build the tree → check → report.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::extract::{self, Budget, ExtractError, Limits};
use crate::grid::Document;
use crate::report::{DocumentReport, Source, Status};
use crate::sniff::{self, Format};
use crate::{check, framework, prose, table, text, tree};

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

/// Checks one file on disk. Never fails and never panics: an unreadable file
/// becomes a report with `status` other than `ok`.
pub fn check_file(path: &Path, options: &Options) -> DocumentReport {
    let display = path.to_string_lossy().into_owned();
    let unreadable = |message: String| {
        let source = Source { path: display.clone(), sha256: String::new(), format: "unknown".into(), bytes: 0 };
        DocumentReport::failed(source, Status::Error, message)
    };
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => return unreadable(format!("không đọc được tệp: {e}")),
    };
    if size > options.limits.max_file_bytes {
        let source = Source { path: display, sha256: String::new(), format: "unknown".into(), bytes: size };
        let message = format!(
            "tệp có dung lượng {} MB, vượt giới hạn {} MB",
            size / (1024 * 1024),
            options.limits.max_file_bytes / (1024 * 1024)
        );
        return DocumentReport::failed(source, Status::Error, message);
    }
    match std::fs::read(path) {
        Ok(bytes) => check_bytes(&display, &bytes, options),
        Err(e) => unreadable(format!("không đọc được tệp: {e}")),
    }
}

/// SHA-256 of a file's bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks one document held in memory; `path` only names it in the output.
pub fn check_bytes(path: &str, bytes: &[u8], options: &Options) -> DocumentReport {
    let format = sniff::sniff(bytes);
    let source = Source {
        path: path.to_owned(),
        sha256: sha256_hex(bytes),
        format: format.name().to_owned(),
        bytes: bytes.len() as u64,
    };
    match read_document(format, bytes, options) {
        Ok(document) => {
            let analyzed = catch_unwind(AssertUnwindSafe(|| analyze(&document, source.clone(), options)));
            analyzed.unwrap_or_else(|panic| {
                DocumentReport::failed(
                    source,
                    Status::Error,
                    format!("lỗi nội bộ khi phân tích bảng: {}", panic_text(&*panic)),
                )
            })
        }
        Err(ExtractError::Unsupported(message)) => DocumentReport::failed(source, Status::Unsupported, message),
        Err(ExtractError::Corrupt(message) | ExtractError::LimitExceeded(message)) => {
            DocumentReport::failed(source, Status::Error, message)
        }
    }
}

/// Extracts and normalizes the grid. A panic inside a dependency is contained
/// here and reported as this document's error, so the batch goes on.
pub fn read_document(format: Format, bytes: &[u8], options: &Options) -> Result<Document, ExtractError> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut budget = Budget::new(options.limits.clone());
        let mut document = extract::extract(format, bytes, &mut budget)?;
        text::normalize_document(&mut document);
        Ok(document)
    }));
    outcome.unwrap_or_else(|panic| {
        Err(ExtractError::Corrupt(format!("tệp bị hỏng, trình đọc dừng bất thường: {}", panic_text(&*panic))))
    })
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Runs the table, tree and check stages on an extracted document.
pub fn analyze(document: &Document, source: Source, options: &Options) -> DocumentReport {
    let prose_facts = prose::read(document);
    let Some(mut scoring) = table::find_scoring_table(document) else {
        let mut report = DocumentReport::failed(
            source,
            Status::NoTable,
            "không tìm thấy bảng chấm điểm (cần các cột như Điểm chuẩn, Điểm tự đánh giá, Điểm thẩm định)".into(),
        );
        report.unit = prose_facts.unit;
        report.year = prose_facts.year;
        return report;
    };
    let repairs = if options.repair_codes {
        framework::repair_codes(options.framework.as_deref(), &mut scoring, &prose_facts)
    } else {
        Vec::new()
    };
    let criteria_tree = tree::build(&scoring);
    let mut report = check::report(source, &scoring, &criteria_tree, prose_facts, document, options);
    report.findings.extend(repairs);
    report
}
