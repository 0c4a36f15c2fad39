//! One document through every stage: read → sniff → extract → normalize →
//! find the table → build the tree → check → report.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use rust_decimal::prelude::ToPrimitive;
use sha2::{Digest, Sha256};

use crate::config::{Allowance, Deadline, Options, TimeLimit};
use crate::extract::{self, Budget, ExtractError};
use crate::grid::Document;
use crate::model::Status;
use crate::report::{DocumentReport, ExtractionInfo, Source};
use crate::sniff::{self, Format};
use crate::{checks, framework, prose, statistics, table, text, tree};

/// Checks one file on disk. Never fails and never panics: an unreadable file
/// becomes a report with `status` other than `ok`.
pub fn check_file(path: &Path, options: &Options) -> DocumentReport {
    check_file_watched(path, options, &Allowance::default())
}

/// [`check_file`], publishing the extra time granted to the document (OCR of
/// its scanned pages) to the watchdog that holds `allowance`.
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
        Err(e) => return unreadable(format!("không đọc được tệp: {}", io_cause(&e))).with_detail(Some(e.to_string())),
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
        Err(e) => unreadable(format!("không đọc được tệp: {}", io_cause(&e))).with_detail(Some(e.to_string())),
    }
}

/// The images of scanned pages of a checked document, as OCR read them
/// (turned and deskewed as `extraction.scans[]` says, so that
/// `criteria[].cells[].pixels` fall on them), for the crops the human
/// reports show beside the values read. A file that is gone, over the size
/// limit or changed since it was checked (`sha256` differs) gives none; a
/// page that fails to decode is left out.
pub fn page_images(d: &DocumentReport, pages: &[u32], options: &Options) -> Vec<(u32, image::GrayImage)> {
    let path = Path::new(&d.source.path);
    let fits = std::fs::metadata(path).is_ok_and(|m| m.len() <= options.limits.max_file_bytes);
    let Some(bytes) = fits.then(|| std::fs::read(path).ok()).flatten() else { return Vec::new() };
    if sha256_hex(&bytes) != d.source.sha256 {
        return Vec::new();
    }
    let format = sniff::sniff(&bytes);
    let as_read = |page: u32| {
        let scans = d.extraction.iter().flat_map(|e| &e.scans);
        let scan = scans.filter(|s| s.page == page).map(|s| (s.turned, s.skew.to_f32().unwrap_or(0.0))).next();
        scan.unwrap_or((0, 0.0))
    };
    pages
        .iter()
        .filter_map(|&page| {
            let mut budget = Budget::new(options.limits.clone());
            let decoded = catch_unwind(AssertUnwindSafe(|| {
                extract::page_image(format, &bytes, page, as_read(page), &mut budget)
            }));
            Some((page, decoded.ok()?.ok()??))
        })
        .collect()
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
    // One deadline for the whole document: a grid that reads fast but is
    // pathological for table analysis still stops at the limit.
    let deadline = Deadline::watched(options.limits.max_time, allowance);
    match read_document_within(format, bytes, options, deadline.clone()) {
        Ok(document) => {
            let analyzed =
                catch_unwind(AssertUnwindSafe(|| analyze_within(document, source.clone(), options, &deadline)));
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
    read_document_within(format, bytes, options, Deadline::after(options.limits.max_time))
}

fn read_document_within(
    format: Format,
    bytes: &[u8],
    options: &Options,
    deadline: Deadline,
) -> Result<Document, ExtractError> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut budget = Budget::with_deadline(options.limits.clone(), deadline);
        let mut document = extract::extract(format, bytes, &mut budget)?;
        text::normalize_document(&mut document);
        Ok(document)
    }));
    outcome.unwrap_or_else(|panic| {
        Err(ExtractError::corrupt("tệp bị hỏng, trình đọc dừng bất thường".into()).with_detail(panic_text(&*panic)))
    })
}

thread_local! {
    /// The last panic on this thread, as the panic hook recorded it.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Records a panic's text and place for the `error_detail` of the document
/// whose reading it stops; a program's panic hook calls it. Returns the text.
pub fn record_panic(info: &std::panic::PanicHookInfo) -> String {
    let message = payload_text(info.payload());
    let text = match info.location() {
        Some(at) => format!("{message} tại {}:{}", at.file(), at.line()),
        None => message,
    };
    LAST_PANIC.with(|last| *last.borrow_mut() = Some(text.clone()));
    text
}

/// The text of a contained panic: as the hook recorded it, else its payload.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    LAST_PANIC.with(|last| last.borrow_mut().take()).unwrap_or_else(|| payload_text(panic))
}

fn payload_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Runs the table, tree and check stages on an extracted document.
pub fn analyze(document: Document, source: Source, options: &Options) -> DocumentReport {
    analyze_within(document, source, options, &Deadline::after(options.limits.max_time))
}

/// [`analyze`] that stops with a time-limit error once `deadline` has passed.
pub fn analyze_within(document: Document, source: Source, options: &Options, deadline: &Deadline) -> DocumentReport {
    stages(document, source.clone(), options, deadline)
        .unwrap_or_else(|late| DocumentReport::from_error(source, ExtractError::from(late)))
}

/// Each stage takes what it needs from the one before, and what is no longer
/// read is dropped on the way: the memory it held serves the next stage
/// instead of fresh pages (on a big sheet the kernel's page faults were a
/// fifth of the CPU).
fn stages(
    mut document: Document,
    source: Source,
    options: &Options,
    deadline: &Deadline,
) -> Result<DocumentReport, TimeLimit> {
    let prose_facts = prose::read(&document);
    let extraction = document.extraction.as_ref().map(ExtractionInfo::from);
    let Some(mut scoring) = table::find_scoring_table(&document, deadline)? else {
        let mut report = DocumentReport::failed(
            source,
            Status::NoTable,
            "không tìm thấy bảng chấm điểm (cần các cột như Điểm chuẩn, Điểm tự đánh giá, Điểm thẩm định)".into(),
        );
        report.unit = prose_facts.unit;
        report.year = prose_facts.year;
        report.extraction = extraction;
        report.add_notes(&document.notes);
        report.finish();
        deadline.check()?;
        let statistics = statistics::read(&document, &[]);
        report.add_statistics(&statistics, checks::check_statistics(&statistics));
        return Ok(report);
    };
    let catalog = framework::choose(options.framework.as_deref(), &scoring, &prose_facts);
    if let Some(catalog) = catalog {
        framework::repair_misread_codes(catalog, &mut scoring);
    }
    let repairs = match catalog {
        Some(catalog) if options.repair_codes => framework::repair_codes(catalog, &mut scoring),
        _ => Vec::new(),
    };
    // The scoring table is v1's; every other table and the prose are read as statistics.
    let scoring_tables: Vec<_> = scoring.rows.iter().map(|r| r.location.clone()).collect();
    let statistics = statistics::read(&document, &scoring_tables);
    // The grid has been read for good: it goes, and the checks get the only
    // part of the document they read, the extractor's notes.
    let notes = Document { notes: std::mem::take(&mut document.notes), ..Document::default() };
    drop(document);
    let criteria_tree = tree::build_taking(&mut scoring, deadline)?;
    let mut checked = checks::check(&scoring, &criteria_tree, &prose_facts, &notes, catalog, options, deadline)?;
    checked.findings.extend(repairs);
    let mut report = DocumentReport::assemble(source, scoring, criteria_tree, prose_facts, checked, catalog);
    report.extraction = extraction;
    deadline.check()?;
    report.add_statistics(&statistics, checks::check_statistics(&statistics));
    Ok(report)
}

/// What an I/O error means for the user and what they can do, in Vietnamese;
/// the system's own text goes to `error_detail`.
pub fn io_cause(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "không có quyền đọc; hãy cấp quyền đọc cho người dùng chạy parcheck rồi chạy lại"
        }
        std::io::ErrorKind::NotFound => "không tồn tại; hãy kiểm tra lại đường dẫn",
        std::io::ErrorKind::IsADirectory => "là thư mục, không phải tệp; hãy chọn các tệp trong thư mục đó",
        std::io::ErrorKind::OutOfMemory => "không đủ bộ nhớ; hãy chạy lại với ít luồng hơn (--jobs)",
        _ => "lỗi hệ thống tệp; hãy kiểm tra ổ đĩa hoặc thư mục mạng rồi chạy lại",
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::grid::{Cell, Location, Row, Table};

    /// A grid as an extractor leaves it, text already normalized: a header and
    /// one criterion whose self score exceeds its maximum.
    fn scoring_document() -> Document {
        let row = |texts: &[&str], number: usize| Row {
            cells: texts
                .iter()
                .enumerate()
                .map(|(c, t)| Cell { text: t.to_string(), ..Cell::new(c, 1, Vec::new()) })
                .collect(),
            location: Location { table: 1, row: number, ..Location::default() },
            ..Row::default()
        };
        let rows = vec![
            row(&["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"], 1),
            row(&["1", "Kế hoạch CCHC", "2", "3"], 2),
        ];
        Document { tables: vec![Table::new(rows)], ..Document::default() }
    }

    fn source() -> Source {
        Source { path: "a.docx".into(), path_bytes: None, sha256: String::new(), format: "docx".into(), bytes: 0 }
    }

    fn passed_deadline() -> Deadline {
        let deadline = Deadline::after(Duration::ZERO);
        std::thread::sleep(Duration::from_millis(2));
        deadline
    }

    #[test]
    fn the_deadline_reaches_table_reading_and_the_document_reports_the_time_limit() {
        let document = scoring_document();
        let options = Options::default();
        let in_time = analyze_within(document.clone(), source(), &options, &Deadline::none());
        assert_eq!(in_time.status, Status::Ok);
        assert_eq!(in_time.findings.len(), 1, "{:?}", in_time.findings);

        let late = passed_deadline();
        assert_eq!(table::find_scoring_table(&document, &late), Err(TimeLimit { seconds: 0 }));
        let report = analyze_within(document, source(), &options, &late);
        assert_eq!(report.status, Status::Error);
        let message = report.error.as_deref().unwrap_or_default();
        assert!(message.starts_with("vượt giới hạn thời gian xử lý một tài liệu (0 giây); "), "{message}");
        assert!(message.contains("--max-seconds"), "{message}");
        assert!(report.criteria.is_empty() && report.findings.is_empty());
    }

    #[test]
    fn checking_stops_once_the_deadline_has_passed() {
        let document = scoring_document();
        let scoring = table::find_scoring_table(&document, &Deadline::none()).unwrap().expect("a scoring table");
        let built = tree::build(&scoring, &Deadline::none()).unwrap();
        let prose = prose::read(&document);
        let options = Options::default();
        let late = passed_deadline();
        let checked = checks::check(&scoring, &built, &prose, &document, None, &options, &late);
        assert_eq!(checked.err(), Some(TimeLimit { seconds: 0 }));
        assert!(checks::check(&scoring, &built, &prose, &document, None, &options, &Deadline::none()).is_ok());
    }
}
