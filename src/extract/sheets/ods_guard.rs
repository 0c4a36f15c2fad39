//! Bounds what calamine allocates for an .ods before it parses it.
//!
//! calamine parses every table of `content.xml` when the workbook opens: it
//! stores each row up to its last non-empty cell (empty cells before it
//! included) and then expands the used area of each table into a dense grid,
//! repeated rows and columns (`table:number-rows-repeated`,
//! `number-columns-repeated`) multiplied out. One far-away cell, or one value
//! repeated a million times, costs gigabytes. This guard scans `content.xml`
//! with quick-xml first, counting as calamine will, and empties the tables
//! that would pass the limits (with a note naming them) so that the others
//! are still read. It also collects each table's hidden rows and columns.

use std::ops::Range;

use calamine::Dimensions;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::extract::containers::xml::attr;
use crate::extract::sheets::hidden::Hidden;
use crate::extract::{Budget, ExtractError, ExtractResult};

/// calamine caps a table at Excel's grid.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// What the scan learnt about one top-level table.
#[derive(Debug, Default)]
pub struct TableScan {
    pub name: String,
    pub hidden: Hidden,
    /// Non-empty cells, repeats multiplied out.
    used: u64,
    /// Cells calamine stores before expanding: per row element, up to its last non-empty cell.
    stored: u64,
    /// (first row, first column, last row, last column) of the non-empty cells.
    extent: Option<(u64, u64, u64, u64)>,
    /// Byte range of the table's content (between its start and end tags).
    inner: Range<usize>,
    /// Merged cells (`table:number-rows-spanned`, `number-columns-spanned`):
    /// calamine reads the covered cells as empty and keeps no merges.
    merges: Vec<Dimensions>,
}

impl TableScan {
    /// Grid positions of the dense range calamine builds.
    fn area(&self) -> u64 {
        self.extent.map_or(0, |(top, left, bottom, right)| (bottom - top + 1).saturating_mul(right - left + 1))
    }
}

/// The content to give calamine (with refused tables emptied, when any) and
/// what the scan found.
pub struct Guarded {
    pub content: Option<Vec<u8>>,
    pub notes: Vec<String>,
    /// Hidden rows and columns by table name.
    pub hidden: Vec<(String, Hidden)>,
    /// Merged cells by table name, in calamine's positions.
    pub merges: Vec<(String, Vec<Dimensions>)>,
}

/// Scans `content.xml` and refuses the tables whose cells would pass the
/// document's cell budget or the dense-grid limit (counted over the tables
/// kept, since calamine holds all of them at once).
pub fn guard(content: &[u8], budget: &Budget) -> ExtractResult<Guarded> {
    let tables = scan(content, budget)?;
    let dense_limit = budget.limits.max_cells.min(super::xls_guard::MAX_DENSE_CELLS) as u64;
    let used_limit = budget.cells_left() as u64;
    let (mut dense, mut used) = (0u64, 0u64);
    let mut notes = Vec::new();
    let mut refused: Vec<Range<usize>> = Vec::new();
    for table in &tables {
        let cost = table.area().max(table.stored);
        let name = &table.name;
        let why = if used.saturating_add(table.used) > used_limit {
            Some(format!("số ô có dữ liệu ({}) vượt giới hạn {used_limit} ô", table.used))
        } else if dense.saturating_add(cost) > dense_limit {
            let (top, left, bottom, right) = table.extent.unwrap_or_default();
            Some(format!(
                "dữ liệu trải rộng {} dòng × {} cột (kể cả các dòng, cột lặp lại), vượt giới hạn {dense_limit} ô",
                bottom - top + 1,
                right - left + 1
            ))
        } else {
            None
        };
        match why {
            Some(why) => {
                notes.push(format!("bỏ qua trang tính '{name}': {why}"));
                refused.push(table.inner.clone());
            }
            None => {
                dense += cost;
                used += table.used;
            }
        }
    }
    if !refused.is_empty() && used == 0 {
        return Err(ExtractError::limit(format!("không còn trang tính nào để đọc: {}", notes.join("; "))));
    }
    let content = (!refused.is_empty()).then(|| {
        let mut out = Vec::with_capacity(content.len());
        let mut at = 0;
        for range in &refused {
            out.extend_from_slice(&content[at..range.start]);
            at = range.end;
        }
        out.extend_from_slice(&content[at..]);
        out
    });
    // A refused table is read empty: its merges would make rows of nothing.
    let kept = |t: &&TableScan| !t.merges.is_empty() && !refused.contains(&t.inner);
    let merges = tables.iter().filter(kept).map(|t| (t.name.clone(), t.merges.clone())).collect();
    let hidden = tables.into_iter().filter(|t| !t.hidden.is_empty()).map(|t| (t.name, t.hidden)).collect();
    Ok(Guarded { content, notes, hidden, merges })
}

/// A repeat count as calamine reads it; absent or unreadable is 1 (calamine
/// then refuses the file itself).
fn repeats(e: &BytesStart, name: &str, cap: u64) -> u64 {
    attr(e, name).and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(1).clamp(1, cap)
}

fn is_hidden(e: &BytesStart) -> bool {
    attr(e, "visibility").is_some_and(|v| v == "collapse" || v == "filter")
}

/// The row being scanned.
#[derive(Default)]
struct RowScan {
    repeats: u64,
    col: u64,
    non_empty: u64,
    first: Option<u64>,
    last: u64,
}

fn scan(content: &[u8], budget: &Budget) -> ExtractResult<Vec<TableScan>> {
    let mut reader = Reader::from_reader(content);
    reader.config_mut().check_end_names = false;
    let mut tables = Vec::new();
    let mut table: Option<TableScan> = None;
    // Depth inside the current top-level table: nested tables (in cells) are calamine's to misread.
    let mut nested = 0usize;
    let (mut row_at, mut col_at) = (0u64, 0u64);
    let mut row: Option<RowScan> = None;
    let mut events = 0usize;
    loop {
        events += 1;
        if events.is_multiple_of(65_536) {
            budget.check_time()?;
        }
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            ExtractError::corrupt("nội dung bảng tính (content.xml) bị hỏng, không đọc được".into()).with_detail(e)
        })?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let local = e.local_name();
                match (local.as_ref(), table.as_mut()) {
                    ("table", None) => {
                        let at = reader.buffer_position() as usize;
                        let name = attr(&e, "name").unwrap_or_default();
                        let scan = TableScan { name, inner: at..at, ..TableScan::default() };
                        if empty {
                            tables.push(scan);
                        } else {
                            table = Some(scan);
                            (nested, row_at, col_at) = (0, 0, 0);
                        }
                    }
                    ("table", Some(_)) if !empty => nested += 1,
                    (_, Some(_)) if nested > 0 => {}
                    ("table-column", Some(t)) => {
                        let n = repeats(&e, "number-columns-repeated", MAX_COLUMNS);
                        if is_hidden(&e) && col_at < MAX_COLUMNS {
                            t.hidden.hide_cols(col_at as u32, (col_at + n - 1).min(MAX_COLUMNS - 1) as u32);
                        }
                        col_at = col_at.saturating_add(n);
                    }
                    ("table-row", Some(t)) => {
                        let n = repeats(&e, "number-rows-repeated", MAX_ROWS);
                        if is_hidden(&e) && row_at < MAX_ROWS {
                            t.hidden.hide_rows(row_at as u32, (row_at + n - 1).min(MAX_ROWS - 1) as u32);
                        }
                        let scan = RowScan { repeats: n, ..RowScan::default() };
                        if empty {
                            row_at = row_at.saturating_add(n);
                        } else {
                            row = Some(scan);
                        }
                    }
                    ("table-cell" | "covered-table-cell", Some(t)) => {
                        if let Some(r) = row.as_mut() {
                            let n = repeats(&e, "number-columns-repeated", MAX_COLUMNS);
                            let rows = repeats(&e, "number-rows-spanned", MAX_ROWS - row_at.min(MAX_ROWS - 1));
                            let cols = repeats(&e, "number-columns-spanned", MAX_COLUMNS - r.col.min(MAX_COLUMNS - 1));
                            if (rows > 1 || cols > 1) && row_at < MAX_ROWS && r.col < MAX_COLUMNS {
                                let (top, left) = (row_at as u32, r.col as u32);
                                let end = ((row_at + rows - 1) as u32, (r.col + cols - 1) as u32);
                                t.merges.push(Dimensions { start: (top, left), end });
                            }
                            // Written out, a cell has content (text, annotation): count it as used.
                            let has_value = !empty || attr(&e, "value-type").is_some() || attr(&e, "formula").is_some();
                            if has_value && r.col < MAX_COLUMNS {
                                let n = n.min(MAX_COLUMNS - r.col);
                                r.non_empty += n;
                                r.first.get_or_insert(r.col);
                                r.last = r.col + n - 1;
                            }
                            r.col = r.col.saturating_add(n);
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                let local = e.local_name();
                match (local.as_ref(), table.as_mut()) {
                    ("table", Some(_)) if nested > 0 => nested -= 1,
                    ("table", Some(_)) => {
                        let mut done = table.take().unwrap_or_default();
                        done.inner.end = before;
                        tables.push(done);
                    }
                    ("table-row", Some(t)) if nested == 0 => {
                        if let Some(r) = row.take() {
                            finish_row(t, &r, row_at);
                            row_at = row_at.saturating_add(r.repeats);
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(mut open) = table.take() {
        // An unclosed table: calamine will refuse the file; count it anyway.
        open.inner.end = content.len();
        tables.push(open);
    }
    Ok(tables)
}

fn finish_row(table: &mut TableScan, row: &RowScan, at: u64) {
    let Some(first) = row.first else { return };
    if at >= MAX_ROWS {
        return;
    }
    let repeats = row.repeats.min(MAX_ROWS - at);
    table.used = table.used.saturating_add(row.non_empty.saturating_mul(repeats));
    table.stored = table.stored.saturating_add(row.last + 1);
    let bottom = at + repeats - 1;
    table.extent = Some(match table.extent {
        None => (at, first, bottom, row.last),
        Some((top, left, _, right)) => (top, left.min(first), bottom, right.max(row.last)),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;

    fn content(tables: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        )
        .into_bytes()
    }

    const SMALL: &str = r#"<table:table table:name="Bảng điểm"><table:table-column table:number-columns-repeated="3"/><table:table-row><table:table-cell office:value-type="string"><text:p>STT</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1020"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#;

    #[test]
    fn honest_tables_pass_and_empty_repeats_cost_nothing() {
        let guarded = guard(&content(SMALL), &Budget::new(Limits::default())).unwrap();
        assert!(guarded.content.is_none());
        assert!(guarded.notes.is_empty());
    }

    #[test]
    fn a_far_away_cell_empties_its_table_only() {
        let far = r#"<table:table table:name="Xa"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        let xml = content(&format!("{far}{SMALL}"));
        let guarded = guard(&xml, &Budget::new(Limits::default())).unwrap();
        assert_eq!(guarded.notes.len(), 1, "{:?}", guarded.notes);
        assert!(guarded.notes[0].contains("'Xa'") && guarded.notes[0].contains("1048002 dòng × 16001 cột"));
        let patched = String::from_utf8(guarded.content.unwrap()).unwrap();
        assert!(patched.contains(r#"<table:table table:name="Xa"></table:table>"#), "{patched}");
        assert!(patched.contains(SMALL));
    }

    #[test]
    fn a_value_repeated_a_million_times_is_counted() {
        let repeated = r#"<table:table table:name="Lap"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        let refused = guard(&content(repeated), &Budget::new(Limits::default())).err().expect("nothing left to read");
        assert!(refused.message.contains("'Lap'") && refused.message.contains("100000000"), "{}", refused.message);
        let guarded = guard(&content(&format!("{repeated}{SMALL}")), &Budget::new(Limits::default())).unwrap();
        assert!(guarded.notes[0].contains("'Lap'"), "{:?}", guarded.notes);
    }

    #[test]
    fn merged_cells_are_collected_where_calamine_puts_them() {
        let table = r#"<table:table table:name="M"><table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell table:number-rows-spanned="3" office:value-type="string"><text:p>KH 52</text:p></table:table-cell><table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="1"/><table:covered-table-cell/></table:table-row><table:table-row><table:covered-table-cell table:number-columns-repeated="3"/></table:table-row></table:table>"#;
        let guarded = guard(&content(table), &Budget::new(Limits::default())).unwrap();
        let merges = vec![Dimensions { start: (2, 2), end: (4, 2) }, Dimensions { start: (2, 3), end: (2, 4) }];
        assert_eq!(guarded.merges, vec![("M".to_owned(), merges)]);
    }

    #[test]
    fn hidden_rows_and_columns_are_collected() {
        let table = r#"<table:table table:name="S"><table:table-column/><table:table-column table:visibility="collapse" table:number-columns-repeated="2"/><table:table-row><table:table-cell/></table:table-row><table:table-row table:visibility="collapse" table:number-rows-repeated="2"><table:table-cell/></table:table-row><table:table-row table:visibility="filter"/></table:table>"#;
        let guarded = guard(&content(table), &Budget::new(Limits::default())).unwrap();
        let mut expected = Hidden::default();
        expected.hide_cols(1, 2);
        expected.hide_rows(1, 2);
        expected.hide_rows(3, 3);
        assert_eq!(guarded.hidden, vec![("S".to_owned(), expected)]);
    }
}
