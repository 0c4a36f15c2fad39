//! Extractors, by family, all producing a [`Document`] grid:
//!
//! - [`containers`]: the zip and XML guards every package format opens through;
//! - [`word`]: the Word family (.docx, .doc, .odt, .rtf, Word/portal HTML);
//! - [`sheets`]: spreadsheets (.xlsx, .xls, .ods, CSV/TSV, formulas);
//! - [`paged`]: paged documents (PDF text pages and scans, image files, OCR),
//!   all read into one page model.
//!
//! A family uses the containers and this module's [`Budget`] and
//! [`ExtractError`], never another family's internals.
//!
//! Every extractor takes the whole file as bytes and a [`Budget`] that bounds
//! what one file may cost (decompressed bytes, cells, pages, time). Exceeding
//! a limit or meeting a malformed file is an [`ExtractError`], never a panic;
//! the pipeline turns it into the document's `status` and message.

pub mod containers;
pub mod paged;
pub mod sheets;
pub mod word;

use ::image::GrayImage;

use crate::config::{Deadline, Limits, TimeLimit};
use crate::grid::Document;
use crate::model::Status;
use crate::sniff::Format;

/// What went wrong, for callers that act on it (status, retry, statistics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Damaged content: bad structure, invalid values, a reader that gave up.
    Corrupt,
    /// The file ends before its structure does.
    Truncated,
    /// A format or variant the tool does not read (Word 6, a scan without OCR).
    Unsupported,
    /// Protected by a password.
    Encrypted,
    /// The file exceeds one of the per-document limits.
    LimitExceeded,
}

/// Why a file could not be read: a kind, a Vietnamese message for the user,
/// and the technical text of the library that failed, kept apart so that the
/// message never ends in a library's English.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("{message}")]
pub struct ExtractError {
    pub kind: ErrorKind,
    pub message: String,
    pub detail: Option<String>,
    /// What the extractor had noted before it gave up (sheets skipped …):
    /// they reach the report whatever its status.
    pub notes: Vec<String>,
}

impl ExtractError {
    /// An error whose message says what happened and, unless it already
    /// does, what the user can do about it ([`action`]).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if !has_action(&message) {
            message = format!("{message}; {}", action(kind, &message));
        }
        ExtractError { kind, message, detail: None, notes: Vec::new() }
    }
    pub fn corrupt(message: String) -> Self {
        Self::new(ErrorKind::Corrupt, message)
    }
    pub fn truncated(message: String) -> Self {
        Self::new(ErrorKind::Truncated, message)
    }
    pub fn unsupported(message: String) -> Self {
        Self::new(ErrorKind::Unsupported, message)
    }
    pub fn encrypted(message: String) -> Self {
        Self::new(ErrorKind::Encrypted, message)
    }
    pub fn limit(message: String) -> Self {
        Self::new(ErrorKind::LimitExceeded, message)
    }

    /// Attaches the failing library's own text.
    pub fn with_detail(mut self, detail: impl std::fmt::Display) -> Self {
        self.detail = Some(detail.to_string());
        self
    }

    /// Carries the notes taken before the error.
    pub fn with_notes(mut self, notes: Vec<String>) -> Self {
        self.notes.extend(notes);
        self
    }

    /// The document status this error gives: formats and variants the tool
    /// cannot read (encrypted ones included) are `unsupported`, the rest `error`.
    pub fn status(&self) -> Status {
        match self.kind {
            ErrorKind::Unsupported | ErrorKind::Encrypted => Status::Unsupported,
            ErrorKind::Corrupt | ErrorKind::Truncated | ErrorKind::LimitExceeded => Status::Error,
        }
    }
}

pub type ExtractResult<T> = Result<T, ExtractError>;

/// Whether a message already tells the user what to do.
pub fn has_action(message: &str) -> bool {
    message.contains("hãy ")
}

/// What the user can do about an error of this kind, in Vietnamese: a limit
/// names the option that raises it; a damaged file is saved again or asked
/// for again; an unread variant is saved in a format that is read.
pub fn action(kind: ErrorKind, message: &str) -> String {
    match kind {
        ErrorKind::Corrupt | ErrorKind::Truncated => {
            "hãy mở tệp bằng phần mềm đã tạo ra nó và lưu lại (hoặc xin đơn vị gửi lại bản khác) rồi kiểm tra lại"
                .into()
        }
        ErrorKind::Unsupported => {
            format!(
                "hãy lưu báo cáo thành một định dạng parcheck đọc được ({}) rồi gửi lại",
                crate::sniff::READ_FORMATS
            )
        }
        ErrorKind::Encrypted => "hãy gỡ mật khẩu và gửi lại".into(),
        ErrorKind::LimitExceeded => {
            const OPTIONS: [(&str, &str); 9] = [
                ("dung lượng", "--max-file-mb"),
                ("bộ nhớ", "--isolate-memory-mb"),
                ("thời gian", "--max-seconds"),
                ("giải nén", "--max-decompressed-mb"),
                ("lồng", "--max-depth"),
                ("trang", "--max-pages"),
                ("mục", "--max-zip-entries"),
                ("tỉ lệ nén", "--max-compression-ratio"),
                ("ô", "--max-cells"),
            ];
            // Whole words, first in what follows the last "vượt giới hạn" (its
            // unit): "bỏ qua trang tính …: số ô … vượt giới hạn 2000000 ô" is cells.
            let words = |text: &str| -> String {
                let spaced: String = text.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
                format!(" {} ", spaced.split_whitespace().collect::<Vec<_>>().join(" "))
            };
            let find = |text: &str| {
                let text = words(text);
                OPTIONS.iter().find(|(word, _)| text.contains(&format!(" {word} "))).map(|&(_, option)| option)
            };
            let tail = message.rfind("vượt giới hạn").map(|at| &message[at + "vượt giới hạn".len()..]);
            let option = tail.and_then(find).or_else(|| find(message));
            match option {
                Some(option) => format!("nếu đây đúng là báo cáo, hãy chạy lại với {option} lớn hơn"),
                None => "nếu đây đúng là báo cáo, hãy chạy lại với giới hạn lớn hơn (xem parcheck check --help)".into(),
            }
        }
    }
}

impl From<TimeLimit> for ExtractError {
    fn from(e: TimeLimit) -> Self {
        ExtractError::limit(e.to_string())
    }
}

/// What one document may still spend: the limits plus a running count of
/// decompressed bytes and cells, and the deadline.
#[derive(Debug)]
pub struct Budget {
    pub limits: Limits,
    deadline: Deadline,
    decompressed: u64,
    cells: usize,
}

impl Budget {
    pub fn new(limits: Limits) -> Self {
        let deadline = Deadline::after(limits.max_time);
        Budget::with_deadline(limits, deadline)
    }

    /// A budget whose time runs out at `deadline`, shared with the later stages.
    pub fn with_deadline(limits: Limits, deadline: Deadline) -> Self {
        Budget { limits, deadline, decompressed: 0, cells: 0 }
    }

    /// Fails once the document's wall-time budget is spent.
    pub fn check_time(&self) -> ExtractResult<()> {
        Ok(self.deadline.check()?)
    }

    /// The document's deadline.
    pub fn deadline(&self) -> &Deadline {
        &self.deadline
    }

    /// Grants the OCR allowance for `pages` scanned pages before they are read.
    pub fn grant_ocr_pages(&mut self, pages: usize) {
        let pages = u32::try_from(pages).unwrap_or(u32::MAX);
        self.deadline.extend(self.limits.ocr_time_per_page.saturating_mul(pages));
    }

    /// Records `n` more decompressed bytes; fails past the limit.
    pub fn spend_bytes(&mut self, n: u64) -> ExtractResult<()> {
        self.decompressed = self.decompressed.saturating_add(n);
        if self.decompressed > self.limits.max_decompressed_bytes {
            return Err(ExtractError::limit(format!(
                "dữ liệu giải nén vượt giới hạn {} MB (nghi là bom nén)",
                self.limits.max_decompressed_bytes / (1024 * 1024)
            )));
        }
        Ok(())
    }

    /// Cells still allowed to be read.
    pub fn cells_left(&self) -> usize {
        self.limits.max_cells.saturating_sub(self.cells)
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
            return Err(ExtractError::limit(format!("số ô bảng vượt giới hạn {} ô", self.limits.max_cells)));
        }
        self.check_time()
    }
}

/// Reads the grid of a file whose format has been sniffed.
pub fn extract(format: Format, bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    if let Some(reason) = crate::sniff::unsupported_variant(format, bytes) {
        return Err(ExtractError::unsupported(reason));
    }
    match format {
        Format::Docx => word::docx::extract(bytes, budget),
        Format::Doc => word::doc::extract(bytes, budget),
        Format::Rtf => word::rtf::extract(bytes, budget),
        Format::Odt => word::odt::extract(bytes, budget),
        Format::Html => word::html::extract(bytes, budget),
        Format::Xlsx | Format::Xls | Format::Ods => sheets::extract(format, bytes, budget),
        Format::Delimited => sheets::delimited::extract(bytes, budget),
        Format::Pdf => paged::pdf::extract(bytes, budget),
        Format::Jpeg | Format::Png | Format::Tiff => paged::image::extract(format, bytes, budget),
        // Bytes that match no document format are damaged or not a report at all.
        Format::Unknown | Format::Empty => Err(ExtractError::corrupt(format.unsupported_message())),
        Format::Container => Err(ExtractError::unsupported(crate::sniff::container_message(bytes))),
        other => Err(ExtractError::unsupported(other.unsupported_message())),
    }
}

/// Page `number` of a scanned document (a PDF of page images or an image
/// file) as gray pixels, turned and deskewed as OCR read it (`turned`
/// degrees clockwise, `skew` degrees: the document's `extraction.scans[]`),
/// the image `criteria[].cells[].pixels` count in.
pub fn page_image(
    format: Format,
    bytes: &[u8],
    number: u32,
    (turned, skew): (u16, f32),
    budget: &mut Budget,
) -> ExtractResult<Option<GrayImage>> {
    let gray = paged::image::page_pixels(format, bytes, number, budget)?.map(|g| paged::ocr::as_read(g, turned, skew));
    Ok(gray.and_then(|g| GrayImage::from_raw(g.width as u32, g.height as u32, g.data)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error says what happened and what to do; a limit names the option that raises it.
    #[test]
    fn every_error_kind_carries_an_action() {
        for make in [
            ExtractError::corrupt,
            ExtractError::truncated,
            ExtractError::unsupported,
            ExtractError::encrypted,
            ExtractError::limit,
        ] {
            let error = make("tệp bị lỗi".into());
            assert!(has_action(&error.message), "{}", error.message);
            assert!(error.message.starts_with("tệp bị lỗi; "), "{}", error.message);
        }
        let kept = ExtractError::encrypted("có mật khẩu; hãy gỡ mật khẩu và gửi lại".into());
        assert_eq!(kept.message, "có mật khẩu; hãy gỡ mật khẩu và gửi lại");
        assert!(ExtractError::limit("số ô bảng vượt giới hạn 10 ô".into()).message.contains("--max-cells"));
        let sheet = "không còn trang tính nào để đọc: bỏ qua trang tính 'A': số ô có dữ liệu (9) vượt giới hạn 5 ô";
        assert!(ExtractError::limit(sheet.into()).message.contains("--max-cells"));
        let pages = ExtractError::limit("tệp PDF có 900 trang, vượt giới hạn 500 trang".into());
        assert!(pages.message.contains("--max-pages"), "{}", pages.message);
        let bomb = ExtractError::limit("dữ liệu giải nén vượt giới hạn 256 MB (nghi là bom nén)".into());
        assert!(bomb.message.contains("--max-decompressed-mb"), "{}", bomb.message);
        assert!(ExtractError::from(crate::config::TimeLimit { seconds: 3 }).message.contains("--max-seconds"));
    }
}
