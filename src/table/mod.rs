//! Finding and reading the scoring table: header roles, then row kinds.

pub mod header;
pub mod rows;

use crate::grid::{Document, Location};
use crate::report::{Column, Scores, TableKind};

/// What a row of the scoring table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A numbered criterion, section or component (`1`, `1.1`, `1.1.1`).
    Criterion,
    /// A Roman group row (`I`, `II`, `VIII`).
    Roman,
    /// The grand-total row (`Tổng I + II`, `TỔNG ĐIỂM`).
    Total,
    /// An unnumbered row: rubric option, scored sub-item, note. Never a child in sums.
    Unnumbered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub kind: RowKind,
    /// Normalized code for criterion and Roman rows, `"TOTAL"` for the total row.
    pub code: Option<String>,
    pub title: String,
    pub values: Scores,
    pub location: Location,
}

/// The scoring table of a document, read into typed rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoringTable {
    pub kind: TableKind,
    /// The score columns the table has, in contract order.
    pub columns: Vec<Column>,
    pub rows: Vec<TableRow>,
    /// Notes on what was repaired or skipped while reading (info findings).
    pub notes: Vec<String>,
}

/// Finds the document's scoring table, or `None` when it has none.
pub fn find_scoring_table(_document: &Document) -> Option<ScoringTable> {
    None
}
