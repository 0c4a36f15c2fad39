//! Pages → document: tables continued across pages become one table (repeated
//! header rows dropped, rows split by the page break joined), the remaining
//! text becomes prose paragraphs, page numbers are dropped.
//!
//! [`Assembler`] is the entry point for any page source (the PDF content
//! interpreter, OCR): pages go in as [`PageLayout`]s, one [`Document`] comes out.

use std::collections::HashMap;

use super::lattice::{self, PageRow, PageTable};
use super::layout::{self, Line};
use super::page::{Glyph, PageLayout};
use super::stream;
use super::{faded_rules, furniture};
use crate::extract::{Budget, ExtractResult};
use crate::grid::{Document, Paragraph, RowBuilder, Run, TableBuilder, VerticalMerge};

/// Column edges of two page tables closer than this (points) are the same columns.
const COLUMN_TOLERANCE: f32 = 3.0;
/// Share of the page height at the top and bottom where page numbers live.
const MARGIN_BAND: f32 = 0.1;

#[derive(Debug)]
struct DocTable {
    columns: Vec<f32>,
    rows: Vec<(PageRow, u32)>,
    /// The column model of an unruled table, carried to pages without its header.
    model: Option<stream::ColumnModel>,
}

/// Collects the pages of one document, in reading order, and reads them into
/// one grid when all are in (furniture repeated across pages is recognised
/// only by comparing pages).
#[derive(Debug, Default)]
pub struct Assembler {
    pages: Vec<PageLayout>,
}

impl Assembler {
    pub fn new() -> Self {
        Assembler::default()
    }

    /// Adds the next page of the document.
    pub fn add_page(&mut self, page: PageLayout) {
        self.pages.push(page);
    }

    /// Reads the tables and prose of all pages added; extraction notes (text
    /// set aside) are in the document's `notes`.
    pub fn finish(mut self, budget: &mut Budget) -> ExtractResult<Document> {
        let set_aside = furniture::prepare(&mut self.pages);
        faded_rules::restore(&mut self.pages);
        let mut builder = Builder::default();
        for page in &self.pages {
            budget.check_time()?;
            builder.add_page(page, budget)?;
        }
        let mut document = builder.finish();
        document.notes.extend(set_aside.notes());
        Ok(document)
    }
}

/// The running state of reading pages in order.
#[derive(Debug, Default)]
struct Builder {
    tables: Vec<DocTable>,
    prose: Vec<Paragraph>,
    /// The last table ended its page with no text below it, so it may go on.
    open: bool,
    /// Pixels per point of the pages read by OCR, by page number.
    scans: HashMap<u32, (f32, f32)>,
}

/// Page numbers and "Trang 3", "- 3 -", "3/14" lines: one number, or two
/// with a slash between — not a scanned row's code and scores (`423 1 1`).
fn is_page_number(text: &str) -> bool {
    let stripped = text.trim().trim_start_matches("Trang").trim_start_matches("trang");
    let core = stripped.trim_matches(|c: char| c == '-' || c.is_whitespace());
    // OCR may read the slash as a fraction slash (`1⁄6`).
    let slash = ['/', '⁄'];
    let numbers = core.split([slash[0], slash[1], ' ']).filter(|n| !n.is_empty()).count();
    core.chars().all(|c| c.is_ascii_digit() || slash.contains(&c) || c == ' ')
        && (numbers == 1 || numbers == 2 && core.contains(slash))
}

/// A value cell: only a number (so the row carrying it is a real row).
fn is_number(text: &str) -> bool {
    let t = text.trim();
    t.chars().any(|c| c.is_ascii_digit()) && t.chars().all(|c| c.is_ascii_digit() || ",. ".contains(c))
}

fn same_columns(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= COLUMN_TOLERANCE)
}

fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Appends a row fragment that a page break cut off its row to that row's
/// cells. Returns false (changing nothing) when the fragment is not one: it
/// has a code, a value of its own, or cells the row does not have.
pub fn merge_split_row(row: &mut PageRow, fragment: &PageRow) -> bool {
    let is_fragment = fragment.text_at(0).trim().is_empty()
        && fragment.cells.iter().all(|c| c.vmerge == VerticalMerge::None)
        && fragment.cells.iter().any(|c| !c.runs.is_empty())
        && !fragment.cells.iter().any(|c| is_number(&c.runs.iter().map(|r| r.text.as_str()).collect::<String>()))
        && fragment
            .cells
            .iter()
            .all(|f| f.runs.is_empty() || row.cells.iter().any(|c| c.col == f.col && c.col_span == f.col_span));
    if !is_fragment {
        return false;
    }
    for piece in fragment.cells.iter().filter(|c| !c.runs.is_empty()) {
        if let Some(cell) = row.cells.iter_mut().find(|c| c.col == piece.col) {
            if !cell.runs.is_empty() {
                let text: String = piece.runs.iter().map(|r| r.text.as_str()).collect();
                let starts_item = text.trim_start().starts_with(['-', '+', '•', '–']);
                cell.runs.push(Run::plain(if starts_item { "\n" } else { " " }));
            }
            cell.runs.extend(piece.runs.iter().cloned());
        }
    }
    true
}

impl Builder {
    fn add_page(&mut self, page: &PageLayout, budget: &mut Budget) -> ExtractResult<()> {
        if let Some(scale) = page.pixels_per_point {
            self.scans.insert(page.number, scale);
        }
        let (mut tables, rest) = lattice::find_tables(&page.rulings, &page.glyphs);
        let band = page.height * MARGIN_BAND;
        let is_artefact =
            |text: &str, baseline: f32| is_page_number(text) && (baseline < band || baseline > page.height - band);
        let mut rest: Vec<&Glyph> = rest.iter().filter_map(|i| page.glyphs.get(*i)).collect();
        // Ruled tables are preferred; a page without any is searched for an unruled one.
        if tables.is_empty() {
            (tables, rest) = stream::find_tables(&rest, is_artefact);
        }
        // A page of an unruled table whose header was printed on its first page only.
        let carried = self.tables.last().and_then(|t| t.model.as_ref()).filter(|_| self.open);
        if let Some(model) = carried.filter(|_| tables.is_empty()) {
            if let Some((table, left)) = stream::continue_table(&rest, model, is_artefact) {
                tables.push(table);
                rest = left;
            }
        }
        let lines: Vec<Line> =
            layout::lines(&rest, true).into_iter().filter(|l| !is_artefact(&l.text(), l.baseline)).collect();
        for (index, table) in tables.iter().enumerate() {
            budget.spend_cells(table.rows.iter().map(|r| r.cells.len()).sum())?;
            let continues = index == 0 && self.open && !lines.iter().any(|l| l.baseline < table.top);
            self.add_table(table, page.number, continues);
        }
        // A footer line the running-furniture search missed (OCR read it
        // differently on each page) does not end the table.
        let footer = page.height - band;
        self.open = tables.last().is_some_and(|t| !lines.iter().any(|l| l.top() > t.bottom && l.baseline < footer));
        self.add_prose(&lines, page.number);
        Ok(())
    }

    fn add_table(&mut self, table: &PageTable, page: u32, continues: bool) {
        let previous = self.tables.last_mut().filter(|t| continues && same_columns(&t.columns, &table.columns));
        let Some(previous) = previous else {
            self.tables.push(DocTable {
                columns: table.columns.clone(),
                rows: table.rows.iter().map(|r| (r.clone(), page)).collect(),
                model: table.model.clone(),
            });
            return;
        };
        if table.model.is_some() {
            previous.model = table.model.clone();
        }
        let repeated = table
            .rows
            .iter()
            .zip(&previous.rows)
            .take_while(|(new, (old, _))| normalized(&new.text()) == normalized(&old.text()))
            .count();
        let mut rows = table.rows.iter().skip(repeated);
        if let (Some(first), Some((last, _))) = (rows.clone().next(), previous.rows.last_mut()) {
            if merge_split_row(last, first) {
                rows.next();
            }
        }
        previous.rows.extend(rows.map(|r| (r.clone(), page)));
    }

    /// Groups lines into paragraphs: a line continues the paragraph whose
    /// last line is just above it and overlaps it, unless the break is hard.
    fn add_prose(&mut self, lines: &[Line], page: u32) {
        let right = lines.iter().map(|l| l.x1).fold(0.0, f32::max);
        let mut paragraphs: Vec<(Vec<Run>, Line)> = Vec::new();
        for line in lines {
            let open = paragraphs.iter_mut().rev().find(|(_, last)| {
                let gap = line.top() - last.baseline;
                gap > -0.5 * last.size && gap < 0.8 * last.size && line.x0 < last.x1 && last.x0 < line.x1
            });
            match open {
                // A first-line indent starts a new paragraph.
                Some((runs, last)) if line.x0 <= last.x0 + last.size && !layout::is_hard_break(last, line, right) => {
                    runs.push(Run::plain(layout::separator(last, line, right)));
                    runs.extend(line.runs.iter().cloned());
                    *last = line.clone();
                }
                _ => paragraphs.push((line.runs.clone(), line.clone())),
            }
        }
        self.prose.extend(paragraphs.into_iter().map(|(runs, _)| Paragraph::new(runs, Some(page))));
    }

    fn finish(self) -> Document {
        let tables = self
            .tables
            .into_iter()
            .enumerate()
            .map(|(index, table)| {
                let mut rows = TableBuilder::new(index + 1);
                for (row, page) in table.rows {
                    let mut cells = RowBuilder::new(Some(page));
                    let scale = self.scans.get(&page);
                    for cell in row.cells {
                        let place = cells.push_at(cell.col, cell.col_span, cell.vmerge, cell.runs);
                        place.bbox = cell.bbox.map(|b| b.map(|v| (v * 100.0).round() as i32));
                        place.pixels = cell.bbox.zip(scale).map(|(b, &(sx, sy))| {
                            [b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy].map(|v| v.round().max(0.0) as u32)
                        });
                    }
                    rows.push(cells);
                }
                rows.finish()
            })
            .collect();
        Document { tables, prose: self.prose, ..Document::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::paged::lattice::PageCell;

    fn row(texts: &[&str]) -> PageRow {
        PageRow {
            cells: texts
                .iter()
                .enumerate()
                .map(|(col, t)| PageCell::plain(col, if t.is_empty() { Vec::new() } else { vec![Run::plain(*t)] }))
                .collect(),
        }
    }

    fn texts(row: &PageRow) -> Vec<String> {
        (0..row.cells.len()).map(|c| row.text_at(c)).collect()
    }

    #[test]
    fn merges_a_row_split_by_the_page_break() {
        let mut last = row(&["1.1.1", "Ban hành kế hoạch", "0,5", "0,5", "- Kế hoạch số 52"]);
        assert!(merge_split_row(&mut last, &row(&["", "kịp thời", "", "", "- Báo cáo số 79"])));
        assert_eq!(
            texts(&last),
            vec!["1.1.1", "Ban hành kế hoạch kịp thời", "0,5", "0,5", "- Kế hoạch số 52\n- Báo cáo số 79"]
        );
    }

    #[test]
    fn keeps_real_rows_at_the_top_of_a_page() {
        let mut last = row(&["1.2", "Báo cáo", "3", "3", ""]);
        let before = last.clone();
        assert!(!merge_split_row(&mut last, &row(&["1.3", "Tuyên truyền", "3", "3", ""])));
        assert!(!merge_split_row(&mut last, &row(&["", "- Báo cáo quý I", "0,5", "0,5", ""])));
        assert_eq!(last, before);
    }

    #[test]
    fn page_numbers() {
        assert!(is_page_number("12"));
        assert!(is_page_number("- 3 -"));
        assert!(is_page_number("Trang 2/14") && is_page_number("2 / 14") && is_page_number("Trang 1⁄6"));
        assert!(!is_page_number("423 1 1") && !is_page_number("1 1") && !is_page_number(""));
        assert!(!is_page_number("1.1"));
        assert!(!is_page_number("Tiêu chí"));
    }
}
