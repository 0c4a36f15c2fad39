//! Scanned headers put right from the table around them: a maximum column
//! read as no word, a header printed again on a later page and misread.

use super::header::{Header, Role};
use super::*;
use crate::grid::{Cell, Row, Run};
use crate::model::Column;

fn row(texts: &[&str]) -> Row {
    let cells = texts
        .iter()
        .enumerate()
        .map(|(col, text)| {
            let mut cell = Cell::new(col, 1, vec![Run::plain(*text)]);
            cell.text = text.to_string();
            cell
        })
        .collect();
    Row { cells, location: Location::default(), repeats_as_header: false }
}

/// A fax's header whose `Điểm tối đa` OCR read as `_—`, over rows of numbers.
fn named(scanned: bool, third: &str) -> Role {
    let mut rows = vec![row(&["TT", "Tiêu chí", third, "Điểm tự chấm"])];
    rows.extend((1..=6).map(|i| row(&[&i.to_string(), "Ban hành kế hoạch", "0,5", "0,5"])));
    let table = Table::new(rows);
    let mut header = Header {
        first_row: 0,
        row_count: 1,
        roles: vec![Role::Code, Role::Title, Role::Other, Role::Score(Column::SelfScore)],
        first_row_texts: vec!["TT".into(), "Tiêu chí".into(), third.into(), "Điểm tự chấm".into()],
        misread: vec![false; 4],
        scanned,
    };
    name_unread_maximum(&table, &mut header);
    header.roles[2]
}

#[test]
fn a_scanned_header_cell_read_as_no_word_over_numbers_before_the_scores_is_the_maximum() {
    assert_eq!(named(true, "_—"), Role::Score(Column::MaxPoints));
    // Typed, or naming something else in words: as it reads.
    assert_eq!(named(false, "_—"), Role::Other);
    assert_eq!(named(true, "Ghi chú"), Role::Other);
}

/// A scan whose header comes back on the next page with its code and title
/// cells garbled (`5`, `Lnn VựcC/ Lieu chứ`) and its score cells read.
#[test]
fn a_repeated_header_misread_under_a_scanned_header_is_a_header_not_a_criterion() {
    let scanned = |texts: &[&str]| {
        let mut row = row(texts);
        for cell in &mut row.cells {
            cell.runs[0].reading = Some(crate::grid::Reading { confidence: 60, confirmed: false, legible: true });
        }
        row
    };
    let table = Table::new(vec![
        scanned(&["STT", "Tiêu chí", "Điểm chuẩn", "Điểm tự đánh giá"]),
        scanned(&["1.1", "Ban hành kế hoạch", "0,5", "0,5"]),
        scanned(&["5", "Lnn VựcC/ Lieu chứ", "Điểm chuẩn |", "Điểm tự đánh giá"]),
        scanned(&["1.2", "Báo cáo", "1", "1"]),
    ]);
    let document = Document { tables: vec![table], ..Document::default() };
    let headers = document_headers(&document, &Deadline::none()).unwrap();
    assert_eq!(headers[0].iter().map(|h| h.first_row).collect::<Vec<_>>(), [0, 2]);
}
