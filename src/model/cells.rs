//! Where each value of a criterion was read: the cell as the user's program
//! shows it (Word's table/row/column, Excel's sheet and address, a PDF page
//! and box), so an appraiser can go from a finding to the cell.

use crate::grid::{CellPlace, Location};

/// A value of a criterion: the contract's names of `criteria[].cells`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellField {
    Code,
    Title,
    MaxPoints,
    SelfScore,
    AppraisalScore,
    LostPoints,
    Evidence,
}

impl CellField {
    /// Every field, in the contract's order.
    pub const ALL: [CellField; 7] = [
        CellField::Code,
        CellField::Title,
        CellField::MaxPoints,
        CellField::SelfScore,
        CellField::AppraisalScore,
        CellField::LostPoints,
        CellField::Evidence,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CellField::Code => "code",
            CellField::Title => "title",
            CellField::MaxPoints => "max_points",
            CellField::SelfScore => "self_score",
            CellField::AppraisalScore => "appraisal_score",
            CellField::LostPoints => "lost_points",
            CellField::Evidence => "evidence",
        }
    }

    /// The field of a score column.
    pub fn of(column: super::Column) -> Self {
        match column {
            super::Column::MaxPoints => CellField::MaxPoints,
            super::Column::SelfScore => CellField::SelfScore,
            super::Column::AppraisalScore => CellField::AppraisalScore,
            super::Column::LostPoints => CellField::LostPoints,
            super::Column::Evidence => CellField::Evidence,
        }
    }
}

/// One cell: its row's location (sheet name shared, not copied) and its place in the row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellLocation {
    pub row: Location,
    pub place: CellPlace,
    /// Sheet columns a merged spreadsheet cell covers.
    pub columns: u32,
}

impl CellLocation {
    pub fn new(row: &Location, cell: &crate::grid::Cell) -> Self {
        let columns = u32::try_from(cell.col_span).unwrap_or(u32::MAX);
        CellLocation { row: row.clone(), place: cell.place, columns }
    }

    /// The sheet and A1 address of a spreadsheet cell, a range for a merged
    /// one (`Biểu!E45`, `Biểu!E45:F46`); `None` outside spreadsheets. Written
    /// into one string: a big sheet has several of these a row.
    pub fn sheet_cell(&self) -> Option<String> {
        let sheet = self.row.sheet.as_deref()?;
        let (row, column) = (u32::try_from(self.row.row).ok()?, self.place.column);
        let last_row = row + self.place.rows.max(1) - 1;
        let last_column = column + self.columns.max(1) - 1;
        // Two addresses of at most 7 letters and 10 digits, and the colon.
        let mut address = [0u8; 35];
        let mut len = push_a1(&mut address, 0, column, row);
        if (last_row, last_column) != (row, column) {
            address[len] = b':';
            len = push_a1(&mut address, len + 1, last_column, last_row);
        }
        // Sized exactly: a big sheet keeps several of these a row to the end.
        let mut out = String::with_capacity(sheet.len() + 1 + len);
        out.push_str(sheet);
        out.push('!');
        out.extend(address[..len].iter().map(|&b| char::from(b)));
        Some(out)
    }
}

/// Writes Excel's letters of a 1-based column (1 → A, 27 → AA), then the
/// row number, into `out` from `at`; returns where they end.
fn push_a1(out: &mut [u8; 35], at: usize, mut column: u32, mut row: u32) -> usize {
    // A u32 has at most 7 letters (26^7 > 2^32) and 10 digits.
    let mut reversed = [0u8; 17];
    let mut len = 0;
    loop {
        reversed[len] = b'0' + (row % 10) as u8;
        len += 1;
        row /= 10;
        if row == 0 {
            break;
        }
    }
    while column > 0 {
        reversed[len] = b'A' + ((column - 1) % 26) as u8;
        len += 1;
        column = (column - 1) / 26;
    }
    for (k, &b) in reversed[..len].iter().rev().enumerate() {
        out[at + k] = b;
    }
    at + len
}

/// Where each value of a criterion was read; only fields that hold a value,
/// in the contract's order. A list of the fields present rather than a slot
/// for each: a big sheet holds several of these per row, and seven slots of
/// which two or three are used took most of a row's memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellLocations(Vec<(CellField, CellLocation)>);

impl CellLocations {
    /// Room for `fields` located values: set one by one, a row's five took room for eight.
    pub fn with_capacity(fields: usize) -> Self {
        CellLocations(Vec::with_capacity(fields))
    }

    pub fn get(&self, field: CellField) -> Option<&CellLocation> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, at)| at)
    }

    pub fn set(&mut self, field: CellField, at: Option<CellLocation>) {
        let slot = self.0.binary_search_by_key(&(field as usize), |(f, _)| *f as usize);
        match (slot, at) {
            (Ok(i), Some(at)) => self.0[i].1 = at,
            (Ok(i), None) => drop(self.0.remove(i)),
            (Err(i), Some(at)) => self.0.insert(i, (field, at)),
            (Err(_), None) => {}
        }
    }

    /// The located fields in the contract's order.
    pub fn iter(&self) -> impl Iterator<Item = (CellField, &CellLocation)> {
        self.0.iter().map(|(f, at)| (*f, at))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn addresses_name_the_sheet_cell_or_the_merged_range() {
        let row = Location { table: 1, row: 45, page: None, sheet: Some(Arc::from("Biểu 01")) };
        let at = |column, rows, columns| CellLocation {
            row: row.clone(),
            place: CellPlace { column, rows, ..CellPlace::default() },
            columns,
        };
        assert_eq!(at(5, 1, 1).sheet_cell().as_deref(), Some("Biểu 01!E45"));
        assert_eq!(at(5, 2, 2).sheet_cell().as_deref(), Some("Biểu 01!E45:F46"));
        assert_eq!(at(27, 1, 1).sheet_cell().as_deref(), Some("Biểu 01!AA45"));
        assert_eq!(at(26 * 27 + 1, 1, 1).sheet_cell().as_deref(), Some("Biểu 01!AAA45"));
        let word = CellLocation { row: Location { sheet: None, ..row }, ..at(5, 1, 1) };
        assert_eq!(word.sheet_cell(), None);
    }
}
