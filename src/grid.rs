//! The cell grid: what every extractor produces and every later stage reads.
//!
//! A [`Document`] is a list of [`Table`]s (rows of [`Cell`]s, merges resolved)
//! plus the prose outside tables. Cells keep their text as runs with the font
//! each run was typed in, because legacy Vietnamese encodings (TCVN3, VNI) are
//! recognised by font name; [`crate::text::normalize_document`] turns the runs
//! into clean Unicode text once, before any stage matches on it.

use std::sync::Arc;

use serde::Serialize;

mod build;
pub use build::{RowBuilder, RowSpans, TableBuilder};

/// Where a row came from, in the terms a reader of the original file uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// 1-based index of the table in the document (or of the table on its sheet).
    pub table: usize,
    /// 1-based row number: the table row for Word/PDF, the sheet row for spreadsheets.
    pub row: usize,
    /// 1-based page, when the format knows it (PDF always; Word when it recorded page breaks).
    pub page: Option<u32>,
    /// Sheet name for spreadsheets, shared by the rows of the sheet.
    pub sheet: Option<Arc<str>>,
}

impl Location {
    /// "bảng 2, dòng 5, trang 3" or "trang tính 'Bieu', dòng 12": where a row
    /// is, in the words of every message and report.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match &self.sheet {
            Some(sheet) => parts.push(format!("trang tính '{sheet}'")),
            None => parts.push(format!("bảng {}", self.table)),
        }
        parts.push(format!("dòng {}", self.row));
        if let Some(page) = self.page {
            parts.push(format!("trang {page}"));
        }
        parts.join(", ")
    }
}

/// A piece of text in one font. Line breaks inside a cell are runs holding `"\n"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    /// The font the run is typed in, when the format records one.
    pub font: Option<String>,
    /// How OCR read the text, when the run was read from a scan.
    pub reading: Option<Reading>,
}

/// How OCR read a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// How sure Tesseract was (0–100, the lowest of the words).
    pub confidence: u8,
    /// Two independent readings of the cell agreed on it.
    pub confirmed: bool,
    /// The page was legible enough for a reading to count as confirmed
    /// ([`ScanQuality::problems`] empty).
    pub legible: bool,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Self {
        Run { text: text.into(), font: None, reading: None }
    }

    pub fn in_font(text: impl Into<String>, font: Option<String>) -> Self {
        Run { text: text.into(), font, reading: None }
    }
}

/// Appends text as the readers meet it: joined to the last run when that is in
/// the same font (so legacy-font decoding sees whole words), a line break
/// always its own run.
pub fn append_run(runs: &mut Vec<Run>, text: &str, font: Option<&str>) {
    match runs.last_mut() {
        Some(last) if last.font.as_deref() == font && last.text != "\n" && text != "\n" => last.text.push_str(text),
        _ => runs.push(Run::in_font(text, font.map(str::to_owned))),
    }
}

/// How a cell takes part in a vertical merge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum VerticalMerge {
    #[default]
    None,
    /// First cell of a vertically merged range; it holds the text.
    Start,
    /// A cell covered by the merge above it: empty by construction, kept so
    /// that columns stay aligned, and marked so no stage reads it as "empty".
    Continue,
}

/// Where a cell is in the user's program (set by [`TableBuilder`]): the
/// column as Word, Excel or a PDF viewer counts it and, per family, the
/// merged range of a spreadsheet cell or the box of a PDF or scanned cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellPlace {
    /// 1-based column: the sheet column in spreadsheets, else the cell's
    /// place in its row with a merged cell counted once (as Word counts).
    pub column: u32,
    /// Sheet rows a merged spreadsheet cell covers (1 when not merged).
    pub rows: u32,
    /// The cell's box in hundredths of a PDF point, origin at the page's
    /// top-left corner, y down: x0, y0, x1, y1.
    pub bbox: Option<[i32; 4]>,
    /// The same box in the pixels of a scanned page's image.
    pub pixels: Option<[u32; 4]>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    /// 0-based grid column where the cell starts.
    pub col: usize,
    /// Number of grid columns the cell covers (1 when not merged).
    pub col_span: usize,
    pub vmerge: VerticalMerge,
    /// Raw runs as extracted; consumed by the normalization stage.
    pub runs: Vec<Run>,
    /// Normalized text (NFC, repaired, whitespace folded per line, lines joined by `\n`).
    pub text: String,
    pub place: CellPlace,
}

impl Cell {
    pub fn new(col: usize, col_span: usize, runs: Vec<Run>) -> Self {
        let place = CellPlace { rows: 1, ..CellPlace::default() };
        Cell { col, col_span: col_span.max(1), vmerge: VerticalMerge::None, runs, text: String::new(), place }
    }

    /// The grid columns this cell covers.
    pub fn columns(&self) -> std::ops::Range<usize> {
        self.col..self.col + self.col_span.max(1)
    }

    /// The raw text of the runs, before normalization.
    pub fn raw_text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub location: Location,
    /// Marked as a header row that repeats on every page (Word `w:tblHeader`).
    pub repeats_as_header: bool,
}

impl Row {
    /// The cell covering grid column `col`, if any. Cells are in column order
    /// ([`Table::new`] sorts them), so this is a binary search: table reading
    /// asks it for every column of every row, and a wide grid made a linear
    /// scan quadratic. Where hostile cells overlap, the one starting nearest
    /// to the left of `col` is taken.
    pub fn cell_at(&self, col: usize) -> Option<&Cell> {
        let after = self.cells.partition_point(|c| c.col <= col);
        self.cells[..after].last().filter(|c| c.columns().contains(&col))
    }

    /// Normalized text of the cell covering `col`, or "".
    pub fn text_at(&self, col: usize) -> &str {
        self.cell_at(col).map(|c| c.text.as_str()).unwrap_or("")
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.text.trim().is_empty())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Row>,
    /// Number of grid columns (the widest row).
    pub width: usize,
}

/// Grid columns kept per table. A scoring table has a dozen; a cell placed far
/// away (column XFD, a `gridSpan` of thousands) would make every column scan of
/// table reading that much slower, so cells past this are dropped.
pub const MAX_WIDTH: usize = 512;

impl Table {
    pub fn new(mut rows: Vec<Row>) -> Self {
        for row in &mut rows {
            row.cells.retain(|c| c.col < MAX_WIDTH);
            // Readers emit cells left to right; a stable sort keeps that and orders any that are not.
            row.cells.sort_by_key(|c| c.col);
            for cell in &mut row.cells {
                cell.col_span = cell.col_span.min(MAX_WIDTH - cell.col);
            }
        }
        let width = rows.iter().flat_map(|r| r.cells.iter().map(|c| c.col + c.col_span)).max().unwrap_or(0);
        Table { rows, width }
    }
}

/// A paragraph of prose outside tables (cover letter, headings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paragraph {
    pub runs: Vec<Run>,
    pub text: String,
    pub page: Option<u32>,
    /// The row a spreadsheet's text cell was read from (cover sheets, title
    /// blocks): where a reader finds the sentence, rather than a paragraph number.
    pub row: Option<Location>,
}

impl Paragraph {
    pub fn new(runs: Vec<Run>, page: Option<u32>) -> Self {
        Paragraph { runs, text: String::new(), page, row: None }
    }
}

/// Everything an extractor read from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub tables: Vec<Table>,
    pub prose: Vec<Paragraph>,
    /// Things the extractor noticed and could not fully read (unmapped glyphs …),
    /// reported to the user as `info` findings.
    pub notes: Vec<String>,
    /// How the pages were read, when some needed OCR (`None`: all text).
    pub extraction: Option<Extraction>,
}

/// How a document with scanned pages was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extraction {
    pub text_pages: usize,
    pub ocr_pages: usize,
    /// The OCR engine and version ("tesseract 5.3.0").
    pub engine: Option<String>,
    /// How well each page read by OCR could be read.
    pub scans: Vec<ScanQuality>,
}

/// The measures of one scanned page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanQuality {
    /// The page's number in the document.
    pub page: u32,
    /// Pixels per inch of the page image.
    pub dpi: u32,
    /// The skew corrected, in degrees.
    pub skew: rust_decimal::Decimal,
    /// How far the page was turned clockwise to read it upright.
    pub turned: u16,
    /// Paper level minus ink level (0–255).
    pub contrast: u8,
    /// Pixels fading between ink and paper per ink pixel (0 for a fax).
    pub blur: rust_decimal::Decimal,
    /// The share of the page's words Tesseract read with confidence.
    pub sure_words: rust_decimal::Decimal,
    /// What makes the page hard to read (Vietnamese); empty for a legible page.
    pub problems: Vec<String>,
}

impl Extraction {
    /// The contract's `extraction.method`.
    pub fn method(&self) -> &'static str {
        match (self.text_pages, self.ocr_pages) {
            (_, 0) => "text",
            (0, _) => "ocr",
            _ => "mixed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_away_cells_do_not_widen_the_grid() {
        let row = Row {
            cells: vec![
                Cell::new(0, 1, Vec::new()),
                Cell::new(3, 100_000, Vec::new()),
                Cell::new(16_383, 1, Vec::new()),
            ],
            ..Row::default()
        };
        let table = Table::new(vec![row]);
        assert_eq!(table.width, MAX_WIDTH);
        assert_eq!(table.rows[0].cells.len(), 2);
    }

    #[test]
    fn cell_at_finds_the_cell_covering_a_column_in_any_emitted_order() {
        let row = Row {
            cells: vec![Cell::new(4, 1, Vec::new()), Cell::new(0, 2, Vec::new()), Cell::new(2, 1, Vec::new())],
            ..Row::default()
        };
        let table = Table::new(vec![row]);
        let row = &table.rows[0];
        let start = |col| row.cell_at(col).map(|c| c.col);
        assert_eq!(
            [start(0), start(1), start(2), start(3), start(4), start(5)],
            [Some(0), Some(0), Some(2), None, Some(4), None]
        );
        assert_eq!(Row::default().cell_at(0), None);
    }
}
