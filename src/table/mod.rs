//! Finding and reading the scoring table: header roles, then row kinds.

pub mod header;
pub mod rows;

use crate::config::{Deadline, TimeLimit};
use crate::grid::{Document, Location, Table};
use crate::model::{Column, Scores, TableKind};
use header::Header;

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
///
/// Every table is searched for headers (a sheet may hold two tables). Rows
/// under a header belong to it up to the next header; a table without a
/// header of its own that follows a scoring table of the same width continues
/// it (Word tables split per page). Pieces with the same column roles that
/// follow each other are joined. The piece with the most criterion rows wins.
/// Stops with [`TimeLimit`] once `deadline` has passed (checked per row).
pub fn find_scoring_table(document: &Document, deadline: &Deadline) -> Result<Option<ScoringTable>, TimeLimit> {
    let mut pieces: Vec<(Header, ScoringTable)> = Vec::new();
    let mut previous: Option<(Header, usize)> = None; // last header and its table's width
    for table in &document.tables {
        let headers = header::find_headers(table, deadline)?;
        if headers.is_empty() {
            match &previous {
                Some((header, width)) if *width == table.width && table.width > 0 => {
                    let all: Vec<usize> = (0..table.rows.len()).collect();
                    pieces.push((header.clone(), read_piece(table, header, &all, deadline)?));
                }
                _ => previous = None,
            }
            continue;
        }
        for (k, header) in headers.iter().enumerate() {
            let start = header.first_row + header.row_count;
            let end = headers.get(k + 1).map_or(table.rows.len(), |h| h.first_row);
            let indices: Vec<usize> = (start..end).collect();
            pieces.push((header.clone(), read_piece(table, header, &indices, deadline)?));
        }
        previous = headers.last().map(|h| (h.clone(), table.width));
    }
    let criterion_rows = |t: &ScoringTable| t.rows.iter().filter(|r| r.kind == RowKind::Criterion).count();
    Ok(join_continued(pieces)
        .into_iter()
        .filter(|t| t.rows.iter().any(|r| r.kind == RowKind::Criterion && !r.values.is_empty()))
        .max_by_key(criterion_rows))
}

fn read_piece(table: &Table, header: &Header, rows: &[usize], deadline: &Deadline) -> Result<ScoringTable, TimeLimit> {
    let mut notes = Vec::new();
    let rows = rows::read_rows(table, header, rows, &mut notes, deadline)?;
    let columns = header.score_columns();
    Ok(ScoringTable { kind: TableKind::of_columns(&columns), columns, rows, notes })
}

/// Whether two headers assign the same roles, a cell whose text says
/// nothing (`Other`: an OCR misreading of "TT") matching a code column.
fn same_roles(a: &[header::Role], b: &[header::Role]) -> bool {
    use header::Role::{Code, Other};
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || matches!((x, y), (Other, Code) | (Code, Other)))
}

/// Joins consecutive pieces whose headers assign the same roles: one table
/// continued over several Word tables or repeated headers.
fn join_continued(pieces: Vec<(Header, ScoringTable)>) -> Vec<ScoringTable> {
    let mut joined: Vec<(Vec<header::Role>, ScoringTable)> = Vec::new();
    for (header, piece) in pieces {
        match joined.last_mut() {
            Some((roles, last)) if same_roles(roles, &header.roles) => {
                last.rows.extend(piece.rows);
                last.notes.extend(piece.notes);
            }
            _ => joined.push((header.roles, piece)),
        }
    }
    joined.into_iter().map(|(_, t)| t).collect()
}
