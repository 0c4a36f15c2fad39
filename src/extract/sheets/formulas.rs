//! Formulas of a workbook saved without cached values (scripts, portals):
//! computed by the evaluator ([`super::formula`]) over the workbook's used
//! cells, and a cached value that differs from the recomputed one kept with
//! a note.

use std::collections::HashMap;

use calamine::Data;
use rust_decimal::Decimal;

use super::formula::{self, Content, Evaluator, Failure};
use super::{SheetCells, UsedCell};

/// Cell visits allowed to the formula evaluator for one workbook.
const FORMULA_WORK: usize = 2_000_000;
/// Notes about formulas listed one by one per sheet; the rest are counted.
const FORMULA_NOTES: usize = 5;

struct Workbook<'a>(&'a [SheetCells]);

impl formula::Cells for Workbook<'_> {
    fn sheet_index(&self, name: &str) -> Option<usize> {
        self.0
            .iter()
            .position(|s| s.name == name)
            .or_else(|| self.0.iter().position(|s| s.name.eq_ignore_ascii_case(name)))
    }

    fn content(&self, sheet: usize, pos: (u32, u32)) -> Content<'_> {
        self.0[sheet].at(pos).map_or(Content::Blank, content_of)
    }

    fn used_in(&self, sheet: usize, from: (u32, u32), to: (u32, u32)) -> Vec<((u32, u32), Content<'_>)> {
        let cols = from.1..=to.1;
        self.0[sheet]
            .between(from, to)
            .iter()
            .filter(|c| cols.contains(&c.pos.1))
            .map(|c| (c.pos, content_of(c)))
            .collect()
    }
}

pub(super) fn content_of(cell: &UsedCell) -> Content<'_> {
    match &cell.value {
        Data::Empty => cell.formula.as_deref().map_or(Content::Blank, Content::Formula),
        Data::Int(_) | Data::Float(_) => cell.number.map_or(Content::Error, Content::Number),
        Data::String(s) => Content::Text(s),
        _ => Content::Error,
    }
}

/// Values of formula cells saved without a cached value, by (sheet, position);
/// notes for the ones that cannot be computed and for stale cached values.
pub(super) fn compute_formulas(
    sheets: &[SheetCells],
    max_depth: usize,
    notes: &mut Vec<String>,
) -> HashMap<(usize, (u32, u32)), String> {
    let book = Workbook(sheets);
    let mut evaluator = Evaluator::new(&book, max_depth, FORMULA_WORK);
    let mut computed = HashMap::new();
    for (s, sheet) in sheets.iter().enumerate() {
        let mut failed: Vec<String> = Vec::new();
        let mut stale: Vec<String> = Vec::new();
        // Row order, so that running totals are computed top-down within the depth limit.
        for cell in &sheet.cells {
            let (Some(text), pos) = (&cell.formula, cell.pos) else { continue };
            let here = || format!("ô {} (trang tính '{}'): ={text}", formula::cell_name(pos), sheet.name);
            match &cell.value {
                Data::Empty => match evaluator.cell(s, pos) {
                    Ok(value) => {
                        computed.insert((s, pos), value.normalize().to_string());
                    }
                    Err(why) => failed.push(format!("{}: {}", here(), failure_text(&why))),
                },
                _ => {
                    let (Some(cached), Ok(fresh)) = (cell.number, evaluator.formula(s, text)) else { continue };
                    if !close(cached, fresh) {
                        stale.push(format!(
                            "{}: giá trị lưu sẵn {} khác kết quả tính lại {}; giữ giá trị lưu sẵn",
                            here(),
                            cached.normalize(),
                            fresh.normalize()
                        ));
                    }
                }
            }
        }
        summarize(notes, failed, "công thức không có giá trị lưu sẵn và không tính được, để trống");
        summarize(notes, stale, "giá trị lưu sẵn của công thức khác kết quả tính lại");
    }
    computed
}

pub(super) fn failure_text(why: &Failure) -> &'static str {
    why.message()
}

/// Cached values are binary floats: equal when they agree to 9 decimals.
pub(super) fn close(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() <= Decimal::new(1, 9)
}

/// The first notes one by one, the rest as a count.
pub(super) fn summarize(notes: &mut Vec<String>, items: Vec<String>, what: &str) {
    let more = items.len().saturating_sub(FORMULA_NOTES);
    notes.extend(items.into_iter().take(FORMULA_NOTES).map(|i| format!("{what}: {i}")));
    if more > 0 {
        notes.push(format!("{what}: còn {more} ô khác"));
    }
}
