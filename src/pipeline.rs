//! One document through every stage: read → sniff → extract → normalize →
//! find the table → build the tree → check → report.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::config::Options;
use crate::extract::{self, Allowance, Budget, ExtractError};
use crate::grid::Document;
use crate::model::Status;
use crate::report::{DocumentReport, ExtractionInfo, Source};
use crate::sniff::{self, Format};
use crate::{check, framework, prose, table, text, tree};

/// Checks one file on disk. Never fails and never panics: an unreadable file
/// becomes a report with `status` other than `ok`.
pub fn check_file(path: &Path, options: &Options) -> DocumentReport {
    check_file_watched(path, options, &Allowance::default())
}

/// [`check_file`], publishing the extra time granted to the document (OCR)
/// to the watchdog that holds `allowance`.
pub fn check_file_watched(path: &Path, options: &Options, allowance: &Allowance) -> DocumentReport {
    let display = path.to_string_lossy().into_owned();
    let unreadable = |message: String| {
        let source = Source {
            path: display.clone(),
            path_bytes: None,
            sha256: String::new(),
            format: "unknown".into(),
            bytes: 0,
        };
        DocumentReport::failed(source, Status::Error, message)
    };
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => return unreadable(format!("không đọc được tệp: {e}")),
    };
    if size > options.limits.max_file_bytes {
        let source =
            Source { path: display, path_bytes: None, sha256: String::new(), format: "unknown".into(), bytes: size };
        let message = format!(
            "tệp có dung lượng {} MB, vượt giới hạn {} MB",
            size / (1024 * 1024),
            options.limits.max_file_bytes / (1024 * 1024)
        );
        return DocumentReport::failed(source, Status::Error, message);
    }
    match std::fs::read(path) {
        Ok(bytes) => check_bytes_watched(&display, &bytes, options, allowance),
        Err(e) => unreadable(format!("không đọc được tệp: {e}")),
    }
}

/// SHA-256 of a file's bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks one document held in memory; `path` only names it in the output.
pub fn check_bytes(path: &str, bytes: &[u8], options: &Options) -> DocumentReport {
    check_bytes_watched(path, bytes, options, &Allowance::default())
}

/// [`check_bytes`] under a watchdog (see [`check_file_watched`]).
pub fn check_bytes_watched(path: &str, bytes: &[u8], options: &Options, allowance: &Allowance) -> DocumentReport {
    let format = sniff::sniff(bytes);
    let source = Source {
        path: path.to_owned(),
        path_bytes: None,
        sha256: sha256_hex(bytes),
        format: format.name().to_owned(),
        bytes: bytes.len() as u64,
    };
    match read_watched(format, bytes, options, allowance) {
        Ok(document) => {
            let analyzed = catch_unwind(AssertUnwindSafe(|| analyze(&document, source.clone(), options)));
            analyzed.unwrap_or_else(|panic| {
                let error =
                    ExtractError::corrupt("lỗi nội bộ khi phân tích bảng".into()).with_detail(panic_text(&*panic));
                DocumentReport::from_error(source, error)
            })
        }
        Err(error) => DocumentReport::from_error(source, error),
    }
}

/// Extracts and normalizes the grid. A panic inside a dependency is contained
/// here and reported as this document's error, so the batch goes on.
pub fn read_document(format: Format, bytes: &[u8], options: &Options) -> Result<Document, ExtractError> {
    read_watched(format, bytes, options, &Allowance::default())
}

fn read_watched(
    format: Format,
    bytes: &[u8],
    options: &Options,
    allowance: &Allowance,
) -> Result<Document, ExtractError> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut budget = Budget::watched(options.limits.clone(), allowance.clone());
        let mut document = extract::extract(format, bytes, &mut budget)?;
        text::normalize_document(&mut document);
        Ok(document)
    }));
    outcome.unwrap_or_else(|panic| {
        Err(ExtractError::corrupt("tệp bị hỏng, trình đọc dừng bất thường".into()).with_detail(panic_text(&*panic)))
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
        report.extraction = document.extraction.as_ref().map(ExtractionInfo::from);
        report.finish();
        return report;
    };
    let catalog = framework::choose(options.framework.as_deref(), &scoring, &prose_facts);
    let repairs = match catalog {
        Some(catalog) if options.repair_codes => framework::repair_codes(catalog, &mut scoring),
        _ => Vec::new(),
    };
    let criteria_tree = tree::build(&scoring);
    let mut checked = check::check(&scoring, &criteria_tree, &prose_facts, document, catalog, options);
    checked.findings.extend(repairs);
    let mut report = DocumentReport::assemble(source, &scoring, &criteria_tree, prose_facts, checked, catalog);
    report.extraction = document.extraction.as_ref().map(ExtractionInfo::from);
    report
}
