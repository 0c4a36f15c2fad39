//! Finding and reading the scoring table: header roles, then row kinds, and
//! what each row says beyond its scores: its rubric lines ([`rubric`]) and
//! the documents its evidence cell cites ([`evidence`]).

pub mod evidence;
pub mod header;
pub mod rows;
pub mod rubric;
mod scan_codes;
mod tokens;

use crate::config::{Deadline, TimeLimit};
use crate::grid::{Document, Location, Table};
use crate::model::{CellLocation, CellLocations, Citation, Column, Restoration, Scores, TableKind};
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
    /// The score cells of this row read by OCR, left to right.
    pub scanned: Vec<ScannedValue>,
    /// The row was read from a scan: a score it lacks may be one OCR did not read.
    pub from_scan: bool,
    /// What the row's title and rubric cells say of the rubric (option rows included).
    pub rubric: rubric::Reading,
    /// The lowest OCR confidence of the title and rubric cells, when read from a scan.
    pub text_confidence: Option<u8>,
    /// The evidence cell covering the row; `None` when the table has no evidence column.
    pub evidence: Option<EvidenceCell>,
    /// Where the row's code, title, scores and evidence were read.
    pub cells: CellLocations,
}

/// An evidence cell (tài liệu kiểm chứng) as it covers a row: a cell merged
/// over several rows covers each of them, and every one of them gets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceCell {
    /// The row where the cell starts (`Location::table`, `Location::row`):
    /// rows covered by one merged cell share it.
    pub origin: (usize, usize),
    /// The cell's text, trimmed; empty when nothing is written.
    pub text: String,
    pub citations: Vec<Citation>,
    /// The lowest OCR confidence of the cell's words, when read from a scan.
    pub confidence: Option<u8>,
    /// Read as empty, but it may be part of a merged cell whose text was read
    /// elsewhere (an empty cell merged over rows).
    pub unsure: bool,
    /// Where the text was read (the merge's first cell for the rows it covers).
    pub at: Option<CellLocation>,
}

/// A score read from a scan: the text OCR gave and how sure it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedValue {
    pub column: Column,
    /// The cell's text, trimmed.
    pub text: String,
    /// The lowest confidence (0–100) among the cell's words.
    pub confidence: u8,
    /// Two independent readings of the cell agreed.
    pub confirmed: bool,
    /// Read on a page legible enough for a reading to be confirmed at all.
    pub legible: bool,
    /// Set when the value is not the text read: the table's arithmetic
    /// restored it (the tree stage, `tree::restore`).
    pub restored: Option<Restoration>,
}

/// Below this confidence (of the weakest word) two readings that agree are
/// taken for one guess twice, not for a confirmation.
const AGREEMENT_FLOOR: u8 = 50;

impl ScannedValue {
    /// Two independent readings agreed on the text, confidently, on a
    /// legible page (whether the value is plausible is the checks' matter).
    pub fn agreed(&self) -> bool {
        self.legible && self.confirmed && self.confidence >= AGREEMENT_FLOOR && self.restored.is_none()
    }
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
                                                      // Section state of the last piece, handed on to a piece it will be joined with.
    let mut carry: Option<(Vec<header::Role>, rows::Continuation)> = None;
    let mut read = |table: &Table, header: &Header, rows: &[usize]| {
        let mut state = match &carry {
            Some((roles, state)) if same_roles(roles, &header.roles) => state.clone(),
            _ => rows::Continuation::default(),
        };
        let piece = read_piece(table, header, rows, &mut state, deadline);
        carry = Some((header.roles.clone(), state));
        piece
    };
    let headers_of = document_headers(document, deadline)?;
    for (table, headers) in document.tables.iter().zip(&headers_of) {
        if headers.is_empty() {
            match &previous {
                Some((header, width)) if *width == table.width && table.width > 0 => {
                    let all: Vec<usize> = (0..table.rows.len()).collect();
                    pieces.push((header.clone(), read(table, header, &all)?));
                }
                _ => previous = None,
            }
            continue;
        }
        for (k, header) in headers.iter().enumerate() {
            let start = header.first_row + header.row_count;
            let end = headers.get(k + 1).map_or(table.rows.len(), |h| h.first_row);
            let indices: Vec<usize> = (start..end).collect();
            pieces.push((header.clone(), read(table, header, &indices)?));
        }
        previous = headers.last().map(|h| (h.clone(), table.width));
    }
    let criterion_rows = |t: &ScoringTable| t.rows.iter().filter(|r| r.kind == RowKind::Criterion).count();
    Ok(join_continued(pieces)
        .into_iter()
        .filter(|t| t.rows.iter().any(|r| r.kind == RowKind::Criterion && !r.values.is_empty()))
        .max_by_key(criterion_rows))
}

/// The headers of each table of the document, those OCR misread restored
/// from the others (see [`recover_unnamed_headers`], [`restore_misread_roles`]).
pub fn document_headers(document: &Document, deadline: &Deadline) -> Result<Vec<Vec<Header>>, TimeLimit> {
    let mut headers_of = Vec::with_capacity(document.tables.len());
    for table in &document.tables {
        headers_of.push(header::find_headers(table, deadline)?);
    }
    // Named before the headers recovered from them copy their roles, and again after.
    let name_maxima = |headers_of: &mut [Vec<Header>]| {
        for (table, headers) in document.tables.iter().zip(headers_of.iter_mut()) {
            headers.iter_mut().for_each(|header| name_unread_maximum(table, header));
        }
    };
    name_maxima(&mut headers_of);
    recover_unnamed_headers(&document.tables, &mut headers_of);
    restore_misread_roles(&mut headers_of);
    name_maxima(&mut headers_of);
    Ok(headers_of)
}

fn read_piece(
    table: &Table,
    header: &Header,
    rows: &[usize],
    carry: &mut rows::Continuation,
    deadline: &Deadline,
) -> Result<ScoringTable, TimeLimit> {
    let mut notes = Vec::new();
    let rows = rows::read_rows(table, header, rows, carry, &mut notes, deadline)?;
    let columns = header.score_columns();
    Ok(ScoringTable { kind: TableKind::of_columns(&columns), columns, rows, notes })
}

/// Whether two headers assign the same roles, a cell whose text says
/// nothing (`Other`: an OCR misreading of "TT") matching a code column.
fn same_roles(a: &[header::Role], b: &[header::Role]) -> bool {
    use header::Role::{Code, Other};
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || matches!((x, y), (Other, Code) | (Code, Other)))
}

/// How alike two header cells must read (normalized edit distance of their
/// folded letters and digits) to be the same cell, one of them misread.
const SAME_HEADER_CELL: f64 = 0.6;

/// A header repeated on a new page that OCR misread (`Điểm -thuấn _D_` for
/// `Điểm chuẩn`, on either page): a column one header cannot name whose text
/// is a near spelling of the neighbouring header's in the same column, holds
/// a word OCR was unsure of (`H221 Ê đa` under a seal), or is a scan's that
/// agrees with the other on two named columns at least (a copy's `_.` for
/// `Điểm tối đa`), takes that header's role, when the two have the same width
/// and no column named differently. Joined, the pages' rows keep their scores.
fn restore_misread_roles(headers_of: &mut [Vec<Header>]) {
    let mut headers: Vec<&mut Header> = headers_of.iter_mut().flatten().collect();
    for i in 1..headers.len() {
        let before = headers[i - 1].clone();
        restore_from(headers[i], &before);
    }
    for i in (1..headers.len()).rev() {
        let after = headers[i].clone();
        restore_from(headers[i - 1], &after);
    }
}

fn restore_from(header: &mut Header, other: &Header) {
    use header::Role::Other;
    if header.roles.len() != other.roles.len() {
        return;
    }
    let agreeing = header.roles.iter().zip(&other.roles).filter(|(a, b)| **a != Other && a == b).count();
    let repeated_scan = header.scanned && other.scanned && agreeing >= 2;
    let conflicting = |c: usize| {
        let (a, b) = (header.roles[c], other.roles[c]);
        a != Other && b != Other && !same_roles(&[a], &[b])
    };
    // A scan's header cell that lost the line between two columns spans both
    // and names them alike (`Điểm thẩm định` run into `Tài liệu kiểm chứng`);
    // the other header, naming the neighbour the same, names this column apart.
    let run_into = |c: usize| {
        let neighbours = [c.checked_sub(1), Some(c + 1)];
        neighbours
            .into_iter()
            .flatten()
            .any(|n| header.roles.get(n) == Some(&header.roles[c]) && other.roles.get(n) == Some(&header.roles[c]))
    };
    let conflicts: Vec<usize> = (0..header.roles.len()).filter(|&c| conflicting(c)).collect();
    if !conflicts.iter().all(|&c| repeated_scan && run_into(c)) {
        return;
    }
    for &c in &conflicts {
        header.roles[c] = other.roles[c];
    }
    for col in 0..header.roles.len() {
        let (own, theirs) = (header.first_row_texts.get(col), other.first_row_texts.get(col));
        let (Some(own), Some(theirs)) = (own.map(|t| header_letters(t)), theirs.map(|t| header_letters(t))) else {
            continue;
        };
        if header.roles[col] == Other
            && other.roles[col] != Other
            && (repeated_scan
                || !own.is_empty()
                    && (header.misread.get(col) == Some(&true)
                        || strsim::normalized_levenshtein(&own, &theirs) >= SAME_HEADER_CELL))
        {
            header.roles[col] = other.roles[col];
        }
    }
}

/// A scan's header that OCR misread too badly to name a score column
/// (`B141. đa` for `Điểm tối đa`) is no header to the search, and the rows
/// under it up to the next header found would be lost. A row above the
/// next scanned header found, in its table or an earlier one of the same
/// width (a page's own table), that reads like that header's first row
/// ([`reads_like`]) is that header, printed on an earlier page; so is a row
/// under a scanned header that reads like it (the header printed again on a
/// later page, its code and title cells garbled), not a criterion.
fn recover_unnamed_headers(tables: &[Table], headers_of: &mut [Vec<Header>]) {
    let mut next: Option<Header> = None;
    for (table, headers) in tables.iter().zip(headers_of.iter_mut()).rev() {
        if let Some(first) = headers.first() {
            next = Some(first.clone());
        }
        let Some(found) = next.as_ref().filter(|h| h.scanned && h.roles.len() == table.width) else { continue };
        let above = if headers.is_empty() { table.rows.len() } else { found.first_row };
        let rows = &table.rows[..above.min(table.rows.len())];
        let Some(first_row) = rows.iter().position(|row| reads_like(found, row)) else { continue };
        let first_row_texts = (0..table.width).map(|c| table.rows[first_row].text_at(c).to_owned()).collect();
        let recovered = Header { first_row, row_count: 1, first_row_texts, ..found.clone() };
        headers.insert(0, recovered.clone());
        next = Some(recovered);
    }
    for (table, headers) in tables.iter().zip(headers_of.iter_mut()) {
        let mut k = 0;
        while k < headers.len() {
            let header = &headers[k];
            let end = headers.get(k + 1).map_or(table.rows.len(), |h| h.first_row);
            let start = header.first_row + header.row_count;
            // Typed headers are read as typed: a big sheet's rows are not searched.
            let rows = if header.scanned { start..end } else { start..start };
            let repeated = rows.into_iter().find(|&r| reads_like(header, &table.rows[r]));
            if let Some(first_row) = repeated {
                let first_row_texts = (0..table.width).map(|c| table.rows[first_row].text_at(c).to_owned()).collect();
                let numbered = table.rows.get(first_row + 1).is_some_and(header::is_column_number_row);
                let row_count = 1 + usize::from(numbered);
                let recovered = Header { first_row, row_count, first_row_texts, ..header.clone() };
                headers.insert(k + 1, recovered);
            }
            k += 1;
        }
    }
}

/// Whether `row` reads like `header`'s first row in two of its named
/// columns at least (`TT`, `Tài liệu kiếm chứng`).
fn reads_like(header: &Header, row: &crate::grid::Row) -> bool {
    let alike = |c: usize| {
        let own = header_letters(row.text_at(c));
        let theirs = header.first_row_texts.get(c).map(|t| header_letters(t));
        !own.is_empty() && theirs.is_some_and(|t| strsim::normalized_levenshtein(&own, &t) >= SAME_HEADER_CELL)
    };
    (0..header.roles.len()).filter(|&c| header.roles[c] != header::Role::Other && alike(c)).count() >= 2
}

/// A self-assessment table always has a maximum before its scores. On a
/// scan whose header names none, the column right before the first score
/// column whose header OCR read as no word at all (`_—` on a standard-
/// resolution fax) and whose cells below hold numbers is that maximum.
fn name_unread_maximum(table: &Table, header: &mut Header) {
    use header::Role::{Other, Score};
    let has_max = header.roles.contains(&Score(crate::model::Column::MaxPoints));
    let Some(first_score) = header.roles.iter().position(|r| matches!(r, Score(_))) else { return };
    if !header.scanned || has_max || first_score == 0 || header.roles[first_score - 1] != Other {
        return;
    }
    let column = first_score - 1;
    let letters = header.first_row_texts.get(column).map_or(0, |t| t.chars().filter(|c| c.is_alphabetic()).count());
    let below = table.rows.iter().skip(header.first_row + header.row_count).map(|r| r.text_at(column).trim());
    let filled: Vec<&str> = below.filter(|t| !t.is_empty()).collect();
    let numbers = filled.iter().filter(|t| crate::number::parse_score(t).is_some()).count();
    if letters < 2 && numbers >= 5 && numbers * 2 > filled.len() {
        header.roles[column] = Score(crate::model::Column::MaxPoints);
    }
}

/// A header cell's folded letters and digits, as two readings of it are compared.
fn header_letters(text: &str) -> String {
    crate::text::fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
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

/// Rows for the tests of later stages.
#[cfg(test)]
pub(crate) mod test_rows {
    use super::{RowKind, ScannedValue, TableRow};
    use crate::grid::Location;
    use crate::model::{Column, Scores};

    /// How OCR read a value: its text, confidence, and whether a second reading agreed.
    pub type Reading<'a> = (&'a str, u8, bool);

    /// A self-assessment criterion row read from a scan at table row `line`: its maximum
    /// and self score as OCR read them, each value what its text parses to.
    pub fn scanned_row(code: &str, max: Reading, own: Reading, line: usize) -> TableRow {
        let scanned = |column, (text, confidence, confirmed): Reading| ScannedValue {
            column,
            text: text.to_owned(),
            confidence,
            confirmed,
            legible: true,
            restored: None,
        };
        let value = |(text, _, _): Reading| crate::number::parse_score(text);
        TableRow {
            kind: RowKind::Criterion,
            code: Some(code.to_owned()),
            title: format!("tiêu chí {code}"),
            values: Scores([value(max), value(own), None, None]),
            location: Location { table: 1, row: line, page: Some(2), sheet: None },
            scanned: vec![scanned(Column::MaxPoints, max), scanned(Column::SelfScore, own)],
            from_scan: true,
            rubric: Default::default(),
            text_confidence: None,
            evidence: None,
            cells: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;
    use crate::extract::sheets::delimited;
    use crate::extract::Budget;

    /// The first header of a one-table CSV.
    fn header(text: &str) -> Header {
        let mut document = delimited::extract(text.as_bytes(), &mut Budget::new(Limits::default())).expect("csv");
        crate::text::normalize_document(&mut document);
        header::find_headers(&document.tables[0], &Deadline::none()).expect("in time").remove(0)
    }

    /// A running-number table whose header comes back on the next page as
    /// OCR misread it (a header of its own, not a repeat): a section row
    /// after it is still the next section, not a row count.
    #[test]
    fn sections_continue_across_a_repeated_header() {
        let csv = "STT;Tiêu chí;Điểm tối đa;Điểm tự chấm\n\
            1. CHỈ ĐẠO;;3;3\n1.;1.1. Kế hoạch;1;1\n2.;1.2. Báo cáo;1;1\n3.;1.3. Kiểm tra;1;1\n\
            TT;Tiêu chí/Tiêu chí thành phần;Điểm tối đa;Điểm tự chấm\n\
            2. XÂY DỰNG;;3;3\n4.;2.1. Theo dõi;1;1\n5.;2.2. Rà soát;1;1\n6.;2.3. Kiểm tra;1;1\n";
        let mut document = delimited::extract(csv.as_bytes(), &mut Budget::new(Limits::default())).expect("csv");
        crate::text::normalize_document(&mut document);
        let deadline = Deadline::after(std::time::Duration::from_secs(60));
        let table = find_scoring_table(&document, &deadline).expect("in time").expect("a scoring table");
        let codes: Vec<&str> = table.rows.iter().filter_map(|r| r.code.as_deref()).collect();
        assert_eq!(codes, ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2", "2.3"]);
    }

    /// In a running-number table, a row whose title lost its code and whose
    /// number follows the last row's is a row count even where it is also the
    /// next section's number (`2.` after leaf `1.`); a section titled in
    /// capitals after leaf `1.` is the section.
    #[test]
    fn a_row_count_that_is_also_the_next_sections_number_is_no_section() {
        let codes = |csv: &str| {
            let mut document = delimited::extract(csv.as_bytes(), &mut Budget::new(Limits::default())).expect("csv");
            crate::text::normalize_document(&mut document);
            let deadline = Deadline::after(std::time::Duration::from_secs(60));
            let table = find_scoring_table(&document, &deadline).expect("in time").expect("a scoring table");
            table.rows.iter().map(|r| r.code.clone().unwrap_or_default()).collect::<Vec<_>>()
        };
        let lost = "STT;Tiêu chí;Điểm tối đa;Điểm tự chấm\n\
            1. CHỈ ĐẠO;;3;3\n1.;1.1. Kế hoạch;1;1\n2.;Báo cáo định kỳ;1;1\n3.;1.3. Kiểm tra;1;1\n\
            2. XÂY DỰNG;;2;2\n4.;2.1. Theo dõi;2;2\n";
        assert_eq!(codes(lost), ["1", "1.1", "", "1.3", "2", "2.1"]);
        let section = "STT;Tiêu chí;Điểm tối đa;Điểm tự chấm\n\
            1. CHỈ ĐẠO;;1;1\n1.;1.1. Kế hoạch;1;1\n2;XÂY DỰNG VĂN BẢN;2;2\n2.;2.1. Theo dõi;2;2\n";
        assert_eq!(codes(section), ["1", "1.1", "2", "2.1"]);
    }

    /// The repeated header of the next page with its score cells misread
    /// keeps the columns of the first: the second page's scores are read.
    /// An annex of the same width whose cells say something else is no part of it.
    #[test]
    fn a_misread_repeated_header_keeps_the_first_headers_columns() {
        let csv = "STT;Tiêu chí;Điểm chuẩn;Điểm tự đánh giá\n\
            1;CHỈ ĐẠO;3;3\n1.1;Kế hoạch;1;1\n1.2;Báo cáo;2;2\n\
            STT;Tiêu chí;Điểm -thuấn _D_;Điếm tự đánh giá\n\
            2;XÂY DỰNG;2;1\n2.1;Theo dõi;1;0,5\n2.2;Rà soát;1;0,5\n";
        let mut document = delimited::extract(csv.as_bytes(), &mut Budget::new(Limits::default())).expect("csv");
        crate::text::normalize_document(&mut document);
        let deadline = Deadline::after(std::time::Duration::from_secs(60));
        let table = find_scoring_table(&document, &deadline).expect("in time").expect("a scoring table");
        let max: Vec<String> =
            table.rows.iter().filter_map(|r| r.values.get(Column::MaxPoints)).map(|v| v.to_string()).collect();
        assert_eq!(max, ["3", "1", "2", "2", "1", "1"]);

        let other = "STT;Tiêu chí;Ghi chú khác;Điểm tự đánh giá\n2;XÂY DỰNG;x;1\n2.1;Theo dõi;y;0,5\n";
        // The first page's header misread, the second's right: the first takes its columns too.
        let misread_first = "STT;Tiêu chí;Điểm -thuấn _D_;Điểm tự đánh giá\n1;CHỈ ĐẠO;3;3\n";
        let mut pages = vec![vec![header(misread_first)], vec![header(csv)]];
        assert_eq!(pages[0][0].roles[2], header::Role::Other);
        restore_misread_roles(&mut pages);
        assert_eq!(pages[0][0].roles[2], header::Role::Score(Column::MaxPoints));
        let mut headers = vec![vec![header(csv)], vec![header(other)]];
        restore_misread_roles(&mut headers);
        assert_eq!(headers[1][0].roles[2], header::Role::Other);
    }

    /// A seal over the repeated header's "Điểm tối đa", read `H221 Ê đa`: no
    /// near spelling, but a word OCR was unsure of, so the cell takes the
    /// first header's column; typed, the same text would be another column.
    #[test]
    fn a_repeated_header_cell_ocr_was_unsure_of_keeps_the_first_headers_column() {
        let first = "STT;Tiêu chí;Điểm tối đa;Điểm tự đánh giá\n1;CHỈ ĐẠO;3;3\n";
        let sealed = "STT;Tiêu chí;H221 Ê đa;Điểm tự đánh giá\n2;XÂY DỰNG;2;1\n";
        let mut typed = vec![vec![header(first)], vec![header(sealed)]];
        restore_misread_roles(&mut typed);
        assert_eq!(typed[1][0].roles[2], header::Role::Other);
        let mut scanned = vec![vec![header(first)], vec![header(sealed)]];
        scanned[1][0].misread[2] = true;
        restore_misread_roles(&mut scanned);
        assert_eq!(scanned[1][0].roles[2], header::Role::Score(Column::MaxPoints));
    }

    /// A copy's repeated header whose "Điểm tối đa" came out as `_.` (no letters,
    /// Tesseract sure of it): two scanned headers that agree on their other named
    /// columns are one table's; typed, the cell stays unnamed.
    #[test]
    fn a_scanned_repeated_header_cell_without_letters_keeps_the_first_headers_column() {
        let first = "STT;Tiêu chí;Điểm tối đa;Điểm tự đánh giá\n1;CHỈ ĐẠO;3;3\n";
        let copied = "STT;Tiêu chí;_.;Điểm tự đánh giá\n2;XÂY DỰNG;2;1\n";
        let mut typed = vec![vec![header(first)], vec![header(copied)]];
        restore_misread_roles(&mut typed);
        assert_eq!(typed[1][0].roles[2], header::Role::Other);
        let mut scanned = vec![vec![header(first)], vec![header(copied)]];
        scanned.iter_mut().flatten().for_each(|h| h.scanned = true);
        restore_misread_roles(&mut scanned);
        assert_eq!(scanned[1][0].roles[2], header::Role::Score(Column::MaxPoints));
    }

    /// A scan's repeated header whose line between "Điểm thẩm định" and
    /// "Tài liệu kiểm chứng" was lost: one cell over both, both columns
    /// evidence. The other scanned header names them apart and is taken;
    /// typed, or with no neighbour named alike, the header stays as read.
    #[test]
    fn a_scanned_header_cell_run_into_its_neighbour_keeps_the_other_headers_column() {
        let first = "STT;Tiêu chí;Điểm tối đa;Điểm tự đánh giá;Điểm thẩm định;Tài liệu kiểm chứng\n1;CHỈ ĐẠO;3;3;3;x\n";
        let merged = || {
            let mut spanning = header("STT;Tiêu chí;Điểm tối đa;Điểm tự đánh giá;Tài liệu kiểm chứng;\n2;A;2;1;1;y\n");
            spanning.roles[5] = header::Role::Evidence; // as a cell over both columns names them
            spanning
        };
        let appraisal = header::Role::Score(Column::AppraisalScore);
        let mut typed = vec![vec![header(first)], vec![merged()]];
        restore_misread_roles(&mut typed);
        assert_eq!(typed[1][0].roles[4], header::Role::Evidence);
        let mut scanned = vec![vec![header(first)], vec![merged()]];
        scanned.iter_mut().flatten().for_each(|h| h.scanned = true);
        restore_misread_roles(&mut scanned);
        assert_eq!((scanned[1][0].roles[4], scanned[1][0].roles[5]), (appraisal, header::Role::Evidence));
        let swapped = "STT;Tiêu chí;Điểm tối đa;Điểm tự đánh giá;Tài liệu kiểm chứng;Điểm thẩm định\n2;A;2;1;y;1\n";
        let mut apart = vec![vec![header(first)], vec![header(swapped)]];
        apart.iter_mut().flatten().for_each(|h| h.scanned = true);
        restore_misread_roles(&mut apart);
        assert_eq!(apart[1][0].roles[4], header::Role::Evidence);
    }
}

#[cfg(test)]
mod scanned_header_tests;
