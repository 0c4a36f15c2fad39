//! The one way every reader builds rows and cells: a [`TableBuilder`] numbers
//! and locates the rows, a [`RowBuilder`] places the cells (a cell starts at
//! a column the reader names or right after the previous one) and the empty
//! cells a vertical merge covers, and [`RowSpans`] remembers which columns a
//! cell spanning rows still covers, for the formats that only say so once.
//! Each reader keeps its own parsing; only the assembly is here.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Cell, CellPlace, Location, Row, Run, Table, VerticalMerge};

/// A table being read: its number in the document, the sheet it lies on, its rows.
#[derive(Debug, Clone, Default)]
pub struct TableBuilder {
    index: usize,
    sheet: Option<Arc<str>>,
    /// 1-based sheet column of grid column 0, for a table on a sheet.
    first_column: Option<u32>,
    rows: Vec<Row>,
}

impl TableBuilder {
    /// Table `index` (1-based) of a document.
    pub fn new(index: usize) -> Self {
        TableBuilder { index, sheet: None, first_column: None, rows: Vec::new() }
    }

    /// Table `index` of a spreadsheet, on the sheet its rows are located by.
    pub fn on_sheet(index: usize, sheet: Arc<str>) -> Self {
        TableBuilder { index, sheet: Some(sheet), first_column: None, rows: Vec::new() }
    }

    /// Cells counted by the file's columns (a sheet's, a CSV file's fields),
    /// grid column 0 being column `first_column` (1-based), instead of by
    /// their place in the row.
    pub fn with_first_column(mut self, first_column: u32) -> Self {
        self.first_column = Some(first_column);
        self
    }

    /// The table's 1-based number.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Rows added so far.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds the next row, numbered after those already added (Word, PDF rows).
    pub fn push(&mut self, row: RowBuilder) {
        let number = self.rows.len() + 1;
        self.push_numbered(number, row);
    }

    /// Adds a row under the number the file gives it (a sheet's or a CSV file's row).
    /// Cells are numbered here, in the order the reader placed them.
    pub fn push_numbered(&mut self, number: usize, mut row: RowBuilder) {
        for (ordinal, cell) in row.cells.iter_mut().enumerate() {
            cell.place.column = match self.first_column {
                Some(first) => first.saturating_add(u32::try_from(cell.col).unwrap_or(u32::MAX)),
                None => u32::try_from(ordinal + 1).unwrap_or(u32::MAX),
            };
        }
        let location = Location { table: self.index, row: number, page: row.page, sheet: self.sheet.clone() };
        self.rows.push(Row { cells: row.cells, location, repeats_as_header: row.header });
    }

    pub fn finish(self) -> Table {
        Table::new(self.rows)
    }
}

/// A row being read: its cells in the order the reader meets them.
#[derive(Debug, Clone, Default)]
pub struct RowBuilder {
    cells: Vec<Cell>,
    next_col: usize,
    page: Option<u32>,
    header: bool,
}

impl RowBuilder {
    /// A row on `page`, when the format knows it.
    pub fn new(page: Option<u32>) -> Self {
        RowBuilder { page, ..RowBuilder::default() }
    }

    /// Room for `cells` cells, when the reader knows how many the row has:
    /// grown one by one, a row's cells took room for twice as many.
    pub fn reserve(&mut self, cells: usize) {
        self.cells.reserve_exact(cells);
    }

    /// Marks the row as a header repeated on every page.
    pub fn set_header(&mut self, header: bool) {
        self.header = header;
    }

    /// The column right after the last cell placed (or where [`Self::skip_to`] moved it).
    pub fn next_col(&self) -> usize {
        self.next_col
    }

    /// Moves the next cell's column (cells left out before it, covered cells after a span).
    pub fn skip_to(&mut self, col: usize) {
        self.next_col = col;
    }

    /// Places a cell at grid column `col`, covering `span` columns; the
    /// reader adds what it knows of the cell's place (a merged range, a box).
    pub fn push_at(&mut self, col: usize, span: usize, vmerge: VerticalMerge, runs: Vec<Run>) -> &mut CellPlace {
        let mut cell = Cell::new(col, span, runs);
        cell.vmerge = vmerge;
        self.next_col = col + cell.col_span;
        let last = self.cells.len();
        self.cells.push(cell);
        &mut self.cells[last].place
    }

    /// Places a cell right after the previous one.
    pub fn push(&mut self, span: usize, vmerge: VerticalMerge, runs: Vec<Run>) -> &mut CellPlace {
        self.push_at(self.next_col, span, vmerge, runs)
    }

    /// Places the empty cell a vertical merge from above covers at `col`: kept
    /// so that columns stay aligned, marked so no stage reads it as empty.
    pub fn push_covered(&mut self, col: usize, span: usize) {
        self.push_at(col, span, VerticalMerge::Continue, Vec::new());
    }

    /// The last cell placed, for formats that widen it with the cells merged into it.
    pub fn last_mut(&mut self) -> Option<&mut Cell> {
        self.cells.last_mut()
    }

    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }
}

/// Cells spanning rows in formats that state the span once, on the first
/// cell (HTML `rowspan`, ODF `number-rows-spanned`): start column → (span,
/// rows still covered below).
#[derive(Debug, Clone, Default)]
pub struct RowSpans(HashMap<usize, (usize, usize)>);

impl RowSpans {
    /// A cell at `col` covering `span` columns reaches `below` rows further down.
    pub fn open(&mut self, col: usize, span: usize, below: usize) {
        if below > 0 {
            self.0.insert(col, (span, below));
        } else {
            self.0.remove(&col);
        }
    }

    /// Whether a span from above covers `col` in this row; if so, counts the
    /// row off and places its covered cell. Returns the covered cell's span.
    pub fn cover(&mut self, col: usize, row: &mut RowBuilder) -> Option<usize> {
        let (span, below) = self.0.get_mut(&col).filter(|(_, below)| *below > 0)?;
        let span = *span;
        *below -= 1;
        if *below == 0 {
            self.0.remove(&col);
        }
        row.push_covered(col, span);
        Some(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_and_located_and_cells_follow_each_other() {
        let mut table = TableBuilder::on_sheet(2, Arc::from("Biểu")).with_first_column(3);
        let mut row = RowBuilder::new(None);
        row.push(2, VerticalMerge::Start, vec![Run::plain("a")]);
        row.push(1, VerticalMerge::None, vec![Run::plain("b")]);
        table.push_numbered(7, row);
        let mut row = RowBuilder::new(None);
        row.push_covered(0, 2);
        row.push(1, VerticalMerge::None, Vec::new());
        table.push(row);
        let table = table.finish();
        let shape: Vec<Vec<_>> =
            table.rows.iter().map(|r| r.cells.iter().map(|c| (c.col, c.col_span, c.vmerge)).collect()).collect();
        assert_eq!(
            shape,
            [
                vec![(0, 2, VerticalMerge::Start), (2, 1, VerticalMerge::None)],
                vec![(0, 2, VerticalMerge::Continue), (2, 1, VerticalMerge::None)]
            ]
        );
        let rows: Vec<_> = table.rows.iter().map(|r| (r.location.table, r.location.row)).collect();
        assert_eq!(rows, [(2, 7), (2, 2)]);
        assert_eq!(table.rows[0].location.sheet.as_deref(), Some("Biểu"));
        let columns: Vec<_> = table.rows[0].cells.iter().map(|c| c.place.column).collect();
        assert_eq!(columns, [3, 5], "sheet columns C and E");
        let mut word = TableBuilder::new(1);
        let mut row = RowBuilder::new(Some(2));
        row.skip_to(1);
        row.push(2, VerticalMerge::None, Vec::new());
        row.push(1, VerticalMerge::None, Vec::new());
        word.push(row);
        let columns: Vec<_> = word.finish().rows[0].cells.iter().map(|c| c.place.column).collect();
        assert_eq!(columns, [1, 2], "a merged cell counts once, as Word counts");
    }

    #[test]
    fn a_row_span_covers_the_rows_below_it_once_each() {
        let mut spans = RowSpans::default();
        spans.open(1, 2, 2);
        let mut covered = Vec::new();
        for _ in 0..3 {
            let mut row = RowBuilder::new(None);
            covered.push((spans.cover(0, &mut row), spans.cover(1, &mut row), row.cells().len()));
        }
        assert_eq!(covered, [(None, Some(2), 1), (None, Some(2), 1), (None, None, 0)]);
        spans.open(1, 2, 1);
        spans.open(1, 1, 0);
        assert_eq!(spans.cover(1, &mut RowBuilder::new(None)), None);
    }
}
