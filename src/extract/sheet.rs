//! Spreadsheet extractor (.xlsx/.xlsm, .xls, .ods) over calamine.
//!
//! Every sheet becomes one table whose row numbers are the sheet's own, so a
//! message can say "sheet Bieu tong hop, row 12". Merged regions become
//! spans (the covered cells below the first row are marked as vertical
//! continuations). Formula cells are read from their cached values, which is
//! what calamine's value range holds. Numbers are rendered the way Excel shows
//! them (15 significant digits), so a cached `0.30000000000000004` reads
//! `0.3`; dates are rendered as dates so they never pass for scores.

use std::io::Cursor;

use calamine::{Data, Dimensions, Range, Reader, Sheets};
use chrono::Datelike;

use super::zip_guard::GuardedZip;
use super::{Budget, ExtractError, ExtractResult};
use crate::grid::{Cell, Document, Location, Row, Run, Table, VerticalMerge};
use crate::sniff::Format;

pub fn extract(format: Format, bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    if matches!(format, Format::Xlsx | Format::Ods) {
        // calamine inflates zip members without limits: check the container first.
        preflight_zip(bytes, budget)?;
    }
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| open_error(format, e))?;
    let names = workbook.sheet_names();
    let mut tables = Vec::new();
    let mut notes = Vec::new();
    for (index, name) in names.iter().enumerate() {
        budget.check_time()?;
        let range = match workbook.worksheet_range(name) {
            Ok(range) => range,
            // A chart sheet or a damaged sheet: the others may still hold the table.
            Err(e) => {
                notes.push(format!("không đọc được trang tính '{name}': {e}"));
                continue;
            }
        };
        let (rows, cols) = range.get_size();
        budget.spend_cells(rows.saturating_mul(cols))?;
        let merges = merged_regions(&mut workbook, name, &mut notes);
        tables.push(sheet_table(&range, &merges, index + 1, name, budget)?);
    }
    if tables.is_empty() && !names.is_empty() {
        return Err(ExtractError::Corrupt("không đọc được trang tính nào trong tệp bảng tính".into()));
    }
    Ok(Document { tables, prose: Vec::new(), notes, extraction: None })
}

fn open_error(format: Format, e: calamine::Error) -> ExtractError {
    let text = e.to_string();
    if text.to_ascii_lowercase().contains("password") || text.to_ascii_lowercase().contains("encrypt") {
        return ExtractError::Unsupported("bảng tính được bảo vệ bằng mật khẩu, không thể đọc".into());
    }
    ExtractError::Corrupt(format!("tệp bảng tính ({}) bị hỏng hoặc không đầy đủ: {text}", format.name()))
}

/// Inflates every member once into a sink, counting bytes against the budget,
/// so a zip bomb or a member lying about its size is refused before calamine
/// touches it. Honest workbooks are small; the cost is negligible.
fn preflight_zip(bytes: &[u8], budget: &mut Budget) -> ExtractResult<()> {
    let mut zip = GuardedZip::open(bytes, budget)?;
    for name in zip.names() {
        zip.read(&name, budget)?;
    }
    Ok(())
}

/// The sheet's merged regions; when they cannot be read the cells are still
/// read unmerged, and a note says so.
fn merged_regions(workbook: &mut Sheets<Cursor<&[u8]>>, name: &str, notes: &mut Vec<String>) -> Vec<Dimensions> {
    let merges = match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).map_err(|e| e.to_string()),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).map_err(|e| e.to_string()),
        // calamine keeps no merge information for .xlsb/.ods: covered cells read as empty.
        Sheets::Xlsb(_) | Sheets::Ods(_) => Ok(Vec::new()),
    };
    merges.unwrap_or_else(|e| {
        notes.push(format!("không đọc được các ô gộp của trang tính '{name}': {e}"));
        Vec::new()
    })
}

fn sheet_table(
    range: &Range<Data>,
    merges: &[Dimensions],
    table_index: usize,
    sheet: &str,
    budget: &mut Budget,
) -> ExtractResult<Table> {
    let Some((first_row, first_col)) = range.start() else {
        return Ok(Table::new(Vec::new()));
    };
    let mut rows = Vec::new();
    for (r, values) in range.rows().enumerate() {
        if r % 256 == 0 {
            budget.check_time()?;
        }
        let abs_row = first_row + r as u32;
        let mut cells = Vec::new();
        for (c, value) in values.iter().enumerate() {
            let abs_col = first_col + c as u32;
            let merge = merges.iter().find(|m| contains(m, abs_row, abs_col));
            let (col_span, vmerge) = match merge {
                // Covered cells to the right of a merge's first column are part of its span.
                Some(m) if abs_col != m.start.1 => continue,
                Some(m) if abs_row != m.start.0 => (span(m), VerticalMerge::Continue),
                Some(m) if m.end.0 > m.start.0 => (span(m), VerticalMerge::Start),
                Some(m) => (span(m), VerticalMerge::None),
                None => (1, VerticalMerge::None),
            };
            let text = if vmerge == VerticalMerge::Continue { String::new() } else { cell_text(value) };
            if text.is_empty() && vmerge == VerticalMerge::None && col_span == 1 {
                continue;
            }
            let runs = if text.is_empty() { Vec::new() } else { vec![Run::plain(text)] };
            let mut cell = Cell::new(c, col_span, runs);
            cell.vmerge = vmerge;
            cells.push(cell);
        }
        let location =
            Location { table: table_index, row: abs_row as usize + 1, page: None, sheet: Some(sheet.to_owned()) };
        rows.push(Row { cells, location, repeats_as_header: false });
    }
    Ok(Table::new(rows))
}

fn contains(m: &Dimensions, row: u32, col: u32) -> bool {
    (m.start.0..=m.end.0).contains(&row) && (m.start.1..=m.end.1).contains(&col)
}

fn span(m: &Dimensions) -> usize {
    (m.end.1.saturating_sub(m.start.1) + 1) as usize
}

/// The text a cell shows.
fn cell_text(value: &Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => excel_number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A float as Excel displays it in a General cell: at most 15 significant
/// digits, no exponent for score-sized values, no trailing zeros.
pub fn excel_number(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    if value == 0.0 {
        return "0".to_owned();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (14 - magnitude).clamp(0, 20) as usize;
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    if text == "-0" {
        "0".to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_as_excel_shows_them() {
        assert_eq!(excel_number(12.9491), "12.9491");
        assert_eq!(excel_number(0.1 + 0.2), "0.3");
        assert_eq!(excel_number(98.52), "98.52");
        assert_eq!(excel_number(100.0), "100");
        assert_eq!(excel_number(0.5), "0.5");
        assert_eq!(excel_number(-0.25), "-0.25");
        assert_eq!(excel_number(1.0 / 3.0), "0.333333333333333");
    }
}
