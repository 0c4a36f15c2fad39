//! Header rows and column roles, matched by meaning on folded text
//! ("Điểm tự chấm", "ĐIỂM TỰ ĐÁNH GIÁ", "Điểm đơn vị tự chấm" are one role).
//! A header may span two rows ("Điểm" merged over "Chuẩn | Tự chấm | Thẩm
//! định"): the texts of both rows are read together per grid column.

use crate::config::{Deadline, TimeLimit};
use crate::grid::{Row, Table};
use crate::model::Column;
pub use crate::text::vocabulary::Role;
use crate::text::vocabulary::{
    header_fold, header_fold_into, is_header, may_name_score, nearest_role, roles_of_texts, score_across,
};

/// Under this confidence, Tesseract's word is a misreading more often than not.
const MISREAD_CONFIDENCE: u8 = 50;

/// A header found in a table: the rows it spans and the role of each grid column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Index of the first header row in `table.rows`.
    pub first_row: usize,
    /// Number of rows the header spans (1 or 2), plus a column-number row if one follows.
    pub row_count: usize,
    pub roles: Vec<Role>,
    /// Text of the header's first row per grid column, kept with the header
    /// because a continuation table (with no header of its own) is read with
    /// the header of the table before it.
    pub first_row_texts: Vec<String>,
    /// Per grid column: OCR was unsure of a word of its header text (a seal
    /// or a blot over "Điểm tối đa" read `H221 Ê đa`), so the text may name
    /// the column wrongly or not at all.
    pub misread: Vec<bool>,
    /// The header was read from a scan.
    pub scanned: bool,
}

impl Header {
    /// The first grid column with `role`.
    pub fn column_of(&self, role: Role) -> Option<usize> {
        self.roles.iter().position(|r| *r == role)
    }

    /// Every grid column with `role`: more than one when the header cell
    /// spans several grid columns (rows shifted by `gridBefore` put their
    /// code in the second of them).
    pub fn columns_of(&self, role: Role) -> Vec<usize> {
        (0..self.roles.len()).filter(|&c| self.roles[c] == role).collect()
    }

    /// The score columns present, in contract order.
    pub fn score_columns(&self) -> Vec<Column> {
        Column::ALL.into_iter().filter(|c| self.column_of(Role::Score(*c)).is_some()).collect()
    }

    /// Whether `row` repeats this header (a table continued on a new page):
    /// the same text in every column as the header's first row.
    pub fn is_repeated_by(&self, row: &Row) -> bool {
        let own = &self.first_row_texts;
        own.iter().any(|t| !t.is_empty()) && own.iter().enumerate().all(|(c, text)| row.text_at(c) == text)
    }
}

/// The folded header text of each grid column of one row.
fn folded_texts(table: &Table, row: &Row) -> Vec<String> {
    (0..table.width).map(|col| header_fold(row.text_at(col))).collect()
}

/// Roles of each grid column from the folded texts of header rows read
/// together (`rows` pairs each row with its [`folded_texts`]).
fn roles_of_folded(rows: &[(&Row, &[String])]) -> Vec<Role> {
    // The header cell (in the last header row) covering each column: columns
    // under one spanning cell share its role.
    let owner = |col: usize| rows.last().and_then(|(r, _)| r.cells.iter().position(|c| c.columns().contains(&col)));
    let same_cell_as_previous = |col: usize| owner(col).is_some() && owner(col) == owner(col - 1);
    // One row's texts are read as they are: joining them would copy each.
    if let [(_, texts)] = rows {
        return roles_of_texts(texts, same_cell_as_previous);
    }
    let width = rows.iter().map(|(_, texts)| texts.len()).max().unwrap_or(0);
    let texts: Vec<String> =
        (0..width).map(|col| joined(rows.iter().filter_map(|(_, texts)| texts.get(col)))).collect();
    roles_of_texts(&texts, same_cell_as_previous)
}

/// The folded texts of one column's header rows read as one: each part once
/// (a cell merged over both rows gives its text to each).
fn joined<'t>(parts: impl Iterator<Item = &'t String>) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for text in parts {
        if !text.is_empty() && kept.last() != Some(&text.as_str()) {
            kept.push(text);
        }
    }
    kept.join(" ")
}

/// Roles of each grid column from the text of `rows` read together.
#[cfg(test)]
fn roles_of(table: &Table, rows: &[&Row]) -> Vec<Role> {
    let texts: Vec<Vec<String>> = rows.iter().map(|row| folded_texts(table, row)).collect();
    let rows: Vec<(&Row, &[String])> = rows.iter().copied().zip(texts.iter().map(Vec::as_slice)).collect();
    roles_of_folded(&rows)
}

/// One row read as a header alone.
#[derive(Default)]
struct Alone {
    /// The folded text of each grid column.
    texts: Vec<String>,
    /// Whether each text may name a score column.
    scores: Vec<bool>,
    roles: Vec<Role>,
}

impl Alone {
    /// Reads row `i` of `table` over this one's buffers (a sheet's every row is
    /// read so, into the buffers of a row read before); `false` past the last row.
    /// A row none of whose texts may name a score is no header alone: its
    /// roles are not read (that they hold no score is all the search asks).
    fn read(&mut self, table: &Table, i: usize) -> bool {
        let Some(row) = table.rows.get(i) else { return false };
        self.texts.resize_with(table.width, String::new);
        for (col, text) in self.texts.iter_mut().enumerate() {
            header_fold_into(row.text_at(col), text);
        }
        self.scores.clear();
        self.scores.extend(self.texts.iter().map(|t| may_name_score(t)));
        if self.scores.contains(&true) {
            self.roles = roles_of_folded(&[(row, self.texts.as_slice())]);
        } else {
            self.roles.clear();
            self.roles.resize(self.texts.len(), Role::Other);
        }
        true
    }
}

/// Finds every header in a table (a sheet may hold two tables one below the other).
/// Each row is tried as a header: the deadline is checked per row. Each row's
/// texts are folded and read alone once, then reused as the next row of a pair.
pub fn find_headers(table: &Table, deadline: &Deadline) -> Result<Vec<Header>, TimeLimit> {
    let mut headers = Vec::new();
    let mut i = 0;
    let (mut current, mut following) = (Alone::default(), Alone::default());
    let mut scratch = String::new();
    let mut more = current.read(table, 0);
    while more {
        deadline.check()?;
        let row = &table.rows[i];
        let Alone { texts, scores, roles: single } = &mut current;
        let next = following.read(table, i + 1).then_some(&following);
        // Nor is a pair of rows whose texts, read together, name no score.
        let double = next
            .as_ref()
            .filter(|n| {
                (0..texts.len()).any(|c| scores[c] || n.scores[c] || score_across(&texts[c], &n.texts[c], &mut scratch))
            })
            .map(|n| roles_of_folded(&[(row, texts.as_slice()), (&table.rows[i + 1], n.texts.as_slice())]));
        // Distinct score roles: "Điểm" spanning three columns is one role, not three.
        let count = |roles: &[Role]| Column::ALL.iter().filter(|c| roles.contains(&Role::Score(**c))).count();
        // The pair is a two-row header only when it reads more than either row
        // alone: a title line above a complete header ("Ngày xuất dữ liệu: …")
        // is not part of it, and the next row starts the header itself.
        let next_is_whole =
            |d: &[Role]| next.as_ref().is_some_and(|n| is_header(&n.roles) && count(&n.roles) >= count(d));
        let chosen = match double {
            Some(d) if is_header(&d) && count(&d) > count(single) && !next_is_whole(&d) => Some((d, 2)),
            _ if is_header(single) => Some((std::mem::take(single), 1)),
            _ => None,
        };
        let has_next = next.is_some();
        let step = match chosen {
            Some((mut roles, mut row_count)) => {
                let misread = misread_columns(table, &table.rows[i..i + row_count]);
                name_misread_columns(table, &table.rows[i..i + row_count], &misread, &mut roles);
                if table.rows.get(i + row_count).is_some_and(is_column_number_row) {
                    row_count += 1;
                }
                let first_row_texts = (0..table.width).map(|c| row.text_at(c).to_owned()).collect();
                let scanned = row.cells.iter().flat_map(|c| &c.runs).any(|r| r.reading.is_some());
                headers.push(Header { first_row: i, row_count, roles, first_row_texts, misread, scanned });
                row_count
            }
            None => 1,
        };
        i += step;
        // The next row, read already, becomes the current one.
        more = if step == 1 {
            std::mem::swap(&mut current, &mut following);
            has_next
        } else {
            current.read(table, i)
        };
    }
    Ok(headers)
}

/// Which grid columns of header `rows` hold a word OCR was unsure of.
fn misread_columns(table: &Table, rows: &[Row]) -> Vec<bool> {
    let unsure = |row: &Row, col: usize| {
        let runs = row.cell_at(col).map_or(&[][..], |c| c.runs.as_slice());
        runs.iter().any(|r| r.reading.is_some_and(|w| w.confidence < MISREAD_CONFIDENCE))
    };
    (0..table.width).map(|col| rows.iter().any(|row| unsure(row, col))).collect()
}

/// A misread header cell that names no role ("Điểm tự q..n giá") takes the
/// role whose usual spelling it is clearly nearest, unless another column has it.
fn name_misread_columns(table: &Table, rows: &[Row], misread: &[bool], roles: &mut [Role]) {
    let texts: Vec<Vec<String>> = rows.iter().map(|row| folded_texts(table, row)).collect();
    for col in 0..table.width {
        if !misread[col] || roles[col] != Role::Other {
            continue;
        }
        let text = joined(texts.iter().filter_map(|texts| texts.get(col)));
        if let Some(role) = nearest_role(&text).filter(|r| !roles.contains(r)) {
            roles[col] = role;
        }
    }
}

/// The row under a header that numbers its columns: "1 2 3 4 5" or "(1) (2) (3)".
/// OCR garbles some of a scan's brackets and digits (`(@)`, `G®)`): a scanned
/// row still numbers its columns when the cells it reads as numbers give each
/// its place and the others are a few marks without a word.
pub(super) fn is_column_number_row(row: &Row) -> bool {
    let scanned = row.cells.iter().flat_map(|c| &c.runs).any(|r| r.reading.is_some());
    let texts: Vec<&str> = row.cells.iter().map(|c| c.text.trim()).filter(|t| !t.is_empty()).collect();
    let (mut first, mut numbers) = (None, 0);
    for (place, text) in texts.iter().enumerate() {
        // A scan's column rule may be read into the cell as `|`.
        match text.trim_matches(|c: char| "()|".contains(c) || c.is_whitespace()).parse::<usize>() {
            Ok(n) => {
                // Numbering starts at 0 or 1 and goes up by one a column.
                let start = n.checked_sub(place).filter(|s| *s <= 1);
                if start.is_none() || first.is_some_and(|f| Some(f) != start) {
                    return false;
                }
                (first, numbers) = (start, numbers + 1);
            }
            Err(_) if scanned && is_garbled_mark(text) => {}
            Err(_) => return false,
        }
    }
    numbers >= 3 || scanned && numbers >= 2 && texts.len() >= 4
}

/// A few characters with no two letters in a row: a bracket or digit OCR misread.
fn is_garbled_mark(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.len() <= 4 && !chars.windows(2).any(|w| w[0].is_alphabetic() && w[1].is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Cell, Location, Reading, Run};
    use crate::text::fold;
    use crate::text::vocabulary::classify;

    fn row(cells: &[(&str, usize)]) -> Row {
        let mut col = 0;
        let cells = cells
            .iter()
            .map(|(text, span)| {
                let mut cell = Cell::new(col, *span, vec![Run::plain(*text)]);
                cell.text = text.to_string();
                col += span;
                cell
            })
            .collect();
        Row { cells, location: Location::default(), repeats_as_header: false }
    }

    #[test]
    fn classifies_the_seed_headers() {
        use Column::*;
        for (text, role) in [
            ("STT", Role::Code),
            ("TT", Role::Code),
            ("Lĩnh vực/Tiêu chí/Tiêu chí thành phần", Role::Title),
            ("Tên TC/TCTP", Role::Title),
            ("Điểm chuẩn", Role::Score(MaxPoints)),
            ("Điểm tối đa", Role::Score(MaxPoints)),
            ("Điểm tự đánh giá", Role::Score(SelfScore)),
            ("Điểm tự chấm", Role::Score(SelfScore)),
            ("Điểm đơn vị tự chấm", Role::Score(SelfScore)),
            ("Điểm Thẩm định", Role::Score(AppraisalScore)),
            ("Điểm bị mất", Role::Score(LostPoints)),
            ("Điểm đạt được", Role::Score(SelfScore)),
            ("Điểm Sở Nội vụ thẩm định", Role::Score(AppraisalScore)),
            ("Tài liệu kiểm chứng", Role::Evidence),
            ("TÀI LIỆU KIỂM CHỨNG/ GHI CHÚ", Role::Evidence),
            ("Văn bản, hồ sơ minh chứng", Role::Evidence),
            ("Cách tính điểm", Role::Rubric),
            ("Hướng dẫn chấm điểm", Role::Rubric),
            ("Ghi chú", Role::Other),
        ] {
            assert_eq!(classify(&fold(text)), Some(role), "{text}");
        }
    }

    #[test]
    fn stt_beside_a_code_column_only_counts_rows() {
        let table = Table::new(vec![
            row(&[("STT", 1), ("Mã tiêu chí", 1), ("Lĩnh vực/Tiêu chí/Tiêu chí thành phần", 1)]),
            row(&[("", 1), ("", 1), ("", 1), ("Điểm tự đánh giá", 1), ("Điểm chuẩn", 1), ("Điểm chênh lệch", 1)]),
        ]);
        let roles = roles_of(&table, &[&table.rows[0], &table.rows[1]]);
        use Column::*;
        assert_eq!(
            roles,
            [Role::RowNumber, Role::Code, Role::Title, Role::Score(SelfScore), Role::Score(MaxPoints), Role::Other]
        );
        // Without a code column beside it, STT is the code column.
        let alone = Table::new(vec![row(&[("STT", 1), ("Nội dung", 1), ("Điểm chuẩn", 1), ("Điểm tự chấm", 1)])]);
        assert_eq!(roles_of(&alone, &[&alone.rows[0]])[0], Role::Code);
        for text in ["Điểm chênh lệch", "Chênh lệch điểm thẩm định so với tự đánh giá"] {
            assert_eq!(classify(&fold(text)), Some(Role::Other), "{text}");
        }
        for text in ["Mã tiêu chí", "Mã TC", "Ký hiệu", "Mã"] {
            assert_eq!(classify(&fold(text)), Some(Role::Code), "{text}");
        }
    }

    #[test]
    fn header_text_split_over_two_merged_rows_is_read_as_one() {
        // "Điểm tự" above "đánh giá" (a label Word wrapped into two rows), "Điểm" spanning over "chuẩn".
        let table = Table::new(vec![
            row(&[("TT", 1), ("Tiêu chí", 1), ("Điểm", 1), ("Điểm tự", 1)]),
            row(&[("", 1), ("", 1), ("chuẩn", 1), ("đánh giá", 1)]),
            row(&[("1", 1), ("CÔNG TÁC", 1), ("14", 1), ("12", 1)]),
        ]);
        let headers = find_headers(&table, &Deadline::none()).unwrap();
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[0].row_count, 2);
        assert_eq!(headers[0].score_columns(), vec![Column::MaxPoints, Column::SelfScore]);
    }

    #[test]
    fn a_title_line_above_a_whole_header_is_not_part_of_it() {
        let table = Table::new(vec![
            row(&[("Ngày xuất dữ liệu: 01/12/2021 08:00", 1), ("", 1), ("", 1), ("", 1)]),
            row(&[("Mã tiêu chí", 1), ("Nội dung", 1), ("Điểm chuẩn", 1), ("Điểm tự đánh giá", 1)]),
            row(&[("1", 1), ("Công tác chỉ đạo", 1), ("14", 1), ("14", 1)]),
        ]);
        let headers = find_headers(&table, &Deadline::none()).unwrap();
        assert_eq!((headers[0].first_row, headers[0].row_count), (1, 1));
        assert_eq!(headers[0].roles[0], Role::Code);
    }

    #[test]
    fn two_row_header_reads_sub_columns() {
        let table = Table::new(vec![
            row(&[("STT", 1), ("Nội dung", 1), ("Điểm", 3), ("Ghi chú", 1)]),
            row(&[("", 1), ("", 1), ("Chuẩn", 1), ("Tự chấm", 1), ("Thẩm định", 1), ("", 1)]),
            row(&[("1", 1), ("2", 1), ("3", 1), ("4", 1), ("5", 1), ("6", 1)]),
            row(&[("1", 1), ("CÔNG TÁC", 1), ("14", 1), ("12", 1), ("", 1), ("", 1)]),
        ]);
        let headers = find_headers(&table, &Deadline::none()).unwrap();
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[0].row_count, 3);
        assert_eq!(headers[0].score_columns(), vec![Column::MaxPoints, Column::SelfScore, Column::AppraisalScore]);
        assert_eq!(headers[0].column_of(Role::Title), Some(1));
    }

    #[test]
    fn a_header_cell_ocr_misread_takes_the_role_its_letters_are_nearest() {
        let read = |text: &str, confidence: u8| Run {
            text: text.into(),
            font: None,
            reading: Some(Reading { confidence, confirmed: false, legible: true }),
        };
        let role = |misread_word: Option<u8>| {
            let texts =
                [("Mã", 1), ("Tiêu chí", 1), ("Điểm tối đa", 1), ("Điểm tự q..n giá", 1), ("Điểm thẩm định", 1)];
            let mut header = row(&texts);
            if let Some(confidence) = misread_word {
                header.cells[3].runs = vec![read("Điểm tự ", 90), read("q..n", confidence), read(" giá", 90)];
            }
            let table = Table::new(vec![header, row(&[("1", 1), ("CÔNG TÁC", 1), ("14", 1), ("12", 1), ("", 1)])]);
            find_headers(&table, &Deadline::none()).unwrap().remove(0).roles[3]
        };
        assert_eq!(role(Some(0)), Role::Score(Column::SelfScore));
        // Read sure, or typed: the text says what it says.
        assert_eq!(role(Some(90)), Role::Other);
        assert_eq!(role(None), Role::Other);
    }

    #[test]
    fn a_scanned_column_number_row_with_garbled_marks() {
        let scanned = |texts: &[&str]| {
            let mut row = row(&texts.iter().map(|t| (*t, 1)).collect::<Vec<_>>());
            for cell in &mut row.cells {
                cell.runs[0].reading = Some(Reading { confidence: 40, confirmed: false, legible: true });
            }
            row
        };
        assert!(is_column_number_row(&scanned(&["(", "2", "3", "4", "G)"])));
        assert!(is_column_number_row(&scanned(&["()", "@)", "3", "4", "@)"])));
        assert!(is_column_number_row(&scanned(&["1", "(2) |", "@)", "4", "®)"])));
        assert!(is_column_number_row(&row(&[("(1)", 1), ("(2)", 1), ("(3)", 1)])));
        // Typed text says what it says; a scanned row with a word is a row.
        assert!(!is_column_number_row(&row(&[("(", 1), ("2", 1), ("3", 1), ("4", 1), ("G)", 1)])));
        assert!(!is_column_number_row(&scanned(&["1", "CÔNG TÁC", "14", "12"])));
        assert!(!is_column_number_row(&scanned(&["(", "2", "4", "5", "G)"])));
        assert!(!is_column_number_row(&scanned(&["1.1", "Kế", "3", "3"])));
    }
}
