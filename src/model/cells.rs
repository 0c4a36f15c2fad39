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

    /// The A1 address of a spreadsheet cell, a range for a merged one
    /// (`E45`, `E45:F46`); `None` outside spreadsheets.
    pub fn address(&self) -> Option<String> {
        self.row.sheet.as_ref()?;
        let (row, column) = (u32::try_from(self.row.row).ok()?, self.place.column);
        let first = format!("{}{row}", column_letters(column));
        let last_row = row + self.place.rows.max(1) - 1;
        let last_column = column + self.columns.max(1) - 1;
        Some(if (last_row, last_column) == (row, column) {
            first
        } else {
            format!("{first}:{}{last_row}", column_letters(last_column))
        })
    }
}

/// Excel's letters of a 1-based column (1 → A, 27 → AA).
fn column_letters(mut column: u32) -> String {
    let mut letters = Vec::new();
    while column > 0 {
        let digit = (column - 1) % 26;
        letters.push(char::from(b'A' + digit as u8));
        column = (column - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Where each value of a criterion was read; only fields that hold a value,
/// in the contract's order. A list of the fields present rather than a slot
/// for each: a big sheet holds several of these per row, and seven slots of
/// which two or three are used took most of a row's memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellLocations(Vec<(CellField, CellLocation)>);

impl CellLocations {
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
        assert_eq!(at(5, 1, 1).address().as_deref(), Some("E45"));
        assert_eq!(at(5, 2, 2).address().as_deref(), Some("E45:F46"));
        assert_eq!(at(27, 1, 1).address().as_deref(), Some("AA45"));
        let word = CellLocation { row: Location { sheet: None, ..row }, ..at(5, 1, 1) };
        assert_eq!(word.address(), None);
    }
}
