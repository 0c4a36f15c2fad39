//! Hidden rows and columns of a worksheet. Their cells are read as the unit
//! submitted them (appraisers score what was sent, and a hidden row still
//! counts in a SUM), but a note names the rows and columns that Excel or Calc
//! would not show, so nobody is surprised by a value they cannot see.

use std::collections::BTreeSet;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::extract::containers::xml::attr;

/// Ranges kept per sheet; a file declaring more gets the first ones only.
const MAX_RANGES: usize = 100_000;

/// Row and column numbers listed one by one in a note; the rest are counted.
const LISTED: usize = 12;

/// Hidden rows and columns of one sheet, as inclusive 0-based ranges.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hidden {
    rows: Vec<(u32, u32)>,
    cols: Vec<(u32, u32)>,
}

impl Hidden {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.cols.is_empty()
    }

    pub fn hide_rows(&mut self, first: u32, last: u32) {
        if self.rows.len() < MAX_RANGES && first <= last {
            self.rows.push((first, last));
        }
    }

    pub fn hide_cols(&mut self, first: u32, last: u32) {
        if self.cols.len() < MAX_RANGES && first <= last {
            self.cols.push((first, last));
        }
    }

    /// The note for the hidden rows and columns that hold a used cell (a
    /// hidden empty row changes nothing), or `None` when there are none.
    pub fn note<'a>(&self, sheet: &str, used: impl Iterator<Item = &'a (u32, u32)>) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let (rows, cols) = (merged(&self.rows), merged(&self.cols));
        let mut hidden_rows = BTreeSet::new();
        let mut hidden_cols = BTreeSet::new();
        for &(row, col) in used {
            if contains(&rows, row) {
                hidden_rows.insert(row);
            }
            if contains(&cols, col) {
                hidden_cols.insert(col);
            }
        }
        let rows = listed(hidden_rows.iter().map(|r| (r + 1).to_string()), hidden_rows.len(), "hàng");
        let cols = listed(hidden_cols.iter().map(|c| column_name(*c)), hidden_cols.len(), "cột");
        let what = match (rows, cols) {
            (None, None) => return None,
            (Some(rows), None) => rows,
            (None, Some(cols)) => cols,
            (Some(rows), Some(cols)) => format!("{rows} và {cols}"),
        };
        Some(format!("trang tính '{sheet}': {what}; giá trị trong đó vẫn được đọc và tính điểm"))
    }
}

/// "3 hàng ẩn (12, 13, 40)", the first numbers only when there are many.
fn listed(names: impl Iterator<Item = String>, count: usize, what: &str) -> Option<String> {
    if count == 0 {
        return None;
    }
    let mut list: Vec<String> = names.take(LISTED).collect();
    if count > LISTED {
        list.push("…".to_owned());
    }
    Some(format!("{count} {what} ẩn ({})", list.join(", ")))
}

/// Sorted, overlapping ranges joined.
fn merged(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut sorted = ranges.to_vec();
    sorted.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(sorted.len());
    for (first, last) in sorted {
        match out.last_mut() {
            Some(prev) if first <= prev.1.saturating_add(1) => prev.1 = prev.1.max(last),
            _ => out.push((first, last)),
        }
    }
    out
}

fn contains(ranges: &[(u32, u32)], n: u32) -> bool {
    let at = ranges.partition_point(|&(first, _)| first <= n);
    at > 0 && ranges[at - 1].1 >= n
}

/// 0-based column → `F`, `AA`.
pub fn column_name(col: u32) -> String {
    let name = super::formula::cell_name((0, col));
    name.trim_end_matches('1').to_owned()
}

/// Hidden rows (`<row r="12" hidden="1">`) and columns (`<col min="6"
/// max="6" hidden="1">`) of an .xlsx worksheet part. Cheap when nothing is
/// hidden: the part is parsed only if it contains `hidden=` at all.
pub fn xlsx_sheet(xml: &[u8]) -> Hidden {
    let mut hidden = Hidden::default();
    if memchr::memmem::find(xml, b"hidden=").is_none() {
        return hidden;
    }
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let is_true = |v: Option<String>| v.is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
    // Rows without `r` follow the previous one, as calamine reads them.
    let mut next_row = 0u32;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "row" => {
                    let row =
                        attr(&e, "r").and_then(|r| r.parse::<u32>().ok()).map_or(next_row, |r| r.saturating_sub(1));
                    next_row = row.saturating_add(1);
                    if is_true(attr(&e, "hidden")) {
                        hidden.hide_rows(row, row);
                    }
                }
                "col" => {
                    let bound = |name: &str| attr(&e, name).and_then(|v| v.parse::<u32>().ok());
                    if let (Some(min), Some(max)) = (bound("min"), bound("max")) {
                        if is_true(attr(&e, "hidden")) && min >= 1 {
                            hidden.hide_cols(min - 1, max.saturating_sub(1));
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "sheetData" => break,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    hidden
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_name_only_hidden_lines_that_hold_values() {
        let mut hidden = Hidden::default();
        hidden.hide_rows(11, 12);
        hidden.hide_rows(39, 39);
        hidden.hide_rows(100, 200); // empty: not named
        hidden.hide_cols(5, 5);
        let used = [(11, 0), (12, 1), (39, 5), (3, 5), (3, 6)];
        assert_eq!(
            hidden.note("Bảng điểm", used.iter()).as_deref(),
            Some("trang tính 'Bảng điểm': 3 hàng ẩn (12, 13, 40) và 1 cột ẩn (F); giá trị trong đó vẫn được đọc và tính điểm")
        );
        assert_eq!(hidden.note("x", [(0, 0)].iter()), None);
        assert_eq!(Hidden::default().note("x", used.iter()), None);
    }

    #[test]
    fn long_lists_are_cut() {
        let mut hidden = Hidden::default();
        hidden.hide_rows(0, 99);
        let used: Vec<(u32, u32)> = (0..100).map(|r| (r, 0)).collect();
        let note = hidden.note("S", used.iter()).unwrap();
        assert!(note.contains("100 hàng ẩn (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, …)"), "{note}");
    }

    #[test]
    fn xlsx_rows_and_columns() {
        let xml = br#"<worksheet><cols><col min="2" max="3" hidden="1"/><col min="4" max="4"/></cols>
            <sheetData><row r="1"/><row r="5" hidden="true"><c r="A5"/></row><row hidden="1"/><row r="9" hidden="0"/></sheetData></worksheet>"#;
        let hidden = xlsx_sheet(xml);
        assert_eq!(hidden.rows, vec![(4, 4), (5, 5)]);
        assert_eq!(hidden.cols, vec![(1, 2)]);
        assert!(xlsx_sheet(b"<worksheet><sheetData><row r=\"1\"/></sheetData></worksheet>").is_empty());
        assert_eq!(column_name(5), "F");
        assert_eq!(column_name(26), "AA");
    }
}
