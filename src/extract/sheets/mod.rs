//! Spreadsheet extractor (.xlsx/.xlsm, .xls, .ods): .xlsx through
//! [`super::xlsx`] (its XML parts read in place, calamine's reading without
//! its cost), the others through calamine.
//!
//! Every sheet becomes one table whose row numbers are the sheet's own, so a
//! message can say "sheet Bieu tong hop, row 12". Cells are kept sparse (only
//! used cells, in one vector ordered by position) and counted as they
//! arrive: .xlsx sheets are streamed cell by cell, so a lone value in
//! `XFD1048576` costs one entry, not a dense rows × columns grid. A sheet
//! whose used cells would pass the cell limit is refused with a note naming
//! it and the other sheets go on; its extent alone never refuses it. Merged regions become spans (covered cells below
//! the first row are vertical continuations). Formula cells are read from their
//! cached values; an .xlsx formula saved without one (scripts, portals) is
//! computed by [`super::formula`], and a cached value that differs from the
//! recomputed one is kept, with a note. Numbers are rendered the way Excel
//! shows them (15 significant digits), so a cached `0.30000000000000004` reads
//! `0.3`; dates are rendered as dates so they never pass for scores. Rows
//! outside the scoring grid (title block, cover sheet) are also the
//! document's prose, so the stated total and rating are read from them.
//! Hidden rows and columns are read too (the unit submitted them), with a
//! note naming them ([`super::hidden`]). calamine parses .xls and .ods
//! eagerly into dense grids, so [`xls_guard`] and [`ods_guard`] bound what
//! it would allocate before it sees the file.

pub mod delimited;
pub mod formula;
mod formulas;
pub mod hidden;
pub mod ods_guard;
mod values;
pub mod xls_guard;
pub mod xlsx;

use std::collections::HashMap;
use std::io::Cursor;
use std::str::FromStr;
use std::sync::Arc;

use calamine::{Data, Dimensions, Reader, Sheets};
use rust_decimal::Decimal;

use crate::extract::containers::zip_guard::GuardedZip;
use crate::extract::{Budget, ErrorKind, ExtractError, ExtractResult};
use crate::grid::{Document, Paragraph, Row, RowBuilder, Run, Table, TableBuilder, VerticalMerge, MAX_WIDTH};
use crate::number::decimal_text;
use crate::sniff::Format;
use formulas::compute_formulas;
use hidden::Hidden;
use values::{cell_text, decimal_of, percent_text};
use xls_guard::Layout;

/// Used cells a sheet's cell vector makes room for before it reads them; past
/// that it grows as they come.
const RESERVED_CELLS: usize = 1 << 16;

/// One sheet as read: used cells only, by 0-based (row, column).
pub(super) struct SheetCells {
    pub(super) name: String,
    /// 1-based position of the sheet in the workbook.
    pub(super) index: usize,
    /// In (row, column) order, one per position.
    pub(super) cells: Vec<UsedCell>,
    pub(super) merges: Vec<Dimensions>,
}

impl SheetCells {
    pub(super) fn at(&self, pos: (u32, u32)) -> Option<&UsedCell> {
        self.cells.binary_search_by_key(&pos, |c| c.pos).ok().map(|i| &self.cells[i])
    }

    /// The cells from `from` to `to` in reading order (every column of the rows between).
    fn between(&self, from: (u32, u32), to: (u32, u32)) -> &[UsedCell] {
        let start = self.cells.partition_point(|c| c.pos < from);
        let end = self.cells.partition_point(|c| c.pos <= to);
        self.cells.get(start..end).unwrap_or_default()
    }
}

/// One used cell: a value, a formula, or both.
pub(super) struct UsedCell {
    pub(super) pos: (u32, u32),
    /// `Data::Empty` for a formula saved without a value.
    pub(super) value: Data,
    /// Formula text without `=` (.xlsx).
    pub(super) formula: Option<String>,
    /// Decimals of the cell's percent format (.xlsx).
    pub(super) percent: Option<u32>,
    /// A numeric value as the decimal Excel shows, worked out once: formulas
    /// read it and the grid shows it.
    pub(super) number: Option<Decimal>,
}

impl UsedCell {
    fn new(pos: (u32, u32), value: Data, formula: Option<String>, percent: Option<u32>) -> Self {
        let number = decimal_of(&value);
        UsedCell { pos, value, formula, percent, number }
    }
}

/// Cells in (row, column) order, one per position: of a position listed
/// twice (a damaged file), the last listing counts.
fn in_position_order(mut cells: Vec<UsedCell>) -> Vec<UsedCell> {
    if !cells.is_sorted_by(|a, b| a.pos < b.pos) {
        cells.reverse();
        cells.sort_by_key(|c| c.pos);
        cells.dedup_by_key(|c| c.pos);
    }
    cells
}

/// Why one sheet is left out while the others go on.
enum Skip {
    Note(String),
    /// A sheet the library could not read: a Vietnamese note and the library's text.
    Unreadable(String, String),
    Fatal(ExtractError),
}

/// The note for a sheet the library refused, with the library's text apart.
fn unreadable_sheet(name: &str, e: impl std::fmt::Display) -> Skip {
    Skip::Unreadable(
        format!("không đọc được trang tính '{name}' (trang tính bị hỏng hoặc không phải trang dữ liệu)"),
        format!("{name}: {e}"),
    )
}

impl From<ExtractError> for Skip {
    fn from(e: ExtractError) -> Self {
        Skip::Fatal(e)
    }
}

pub fn extract(format: Format, bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let mut notes = Vec::new();
    // The library's text for the sheets it could not read; the error's detail if none is read.
    let mut details = Vec::new();
    // calamine inflates zip members without limits and expands .ods repeats
    // into dense grids: check the container (and an .ods's content) first.
    let facts = if matches!(format, Format::Xlsx | Format::Ods) {
        preflight_zip(format, bytes, budget)?
    } else {
        ZipFacts::default()
    };
    // calamine sizes .xls buffers from declared dimensions: bound them first.
    let guarded = if format == Format::Xls { Some(xls_guard::guard(bytes, budget)?) } else { None };
    let mut hidden = facts.hidden;
    let layouts = guarded.as_ref().map(|g| g.layouts.as_slice()).unwrap_or_default();
    notes.extend(facts.notes);
    let bytes = match (&guarded, &facts.patched) {
        (Some(g), _) => {
            notes.extend(g.notes.iter().cloned());
            hidden.extend(g.hidden.iter().cloned());
            g.bytes.as_deref().unwrap_or(bytes)
        }
        (None, Some(patched)) => patched.as_slice(),
        (None, None) => bytes,
    };
    let mut source = match xlsx::Workbook::open(&facts.parts, budget.limits.max_depth, budget.deadline())? {
        Some(book) => Source::Xml(book),
        None => Source::Calamine(Box::new(
            calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| open_error(format, e))?,
        )),
    };
    let names = source.sheet_names();
    let mut sheets = Vec::new();
    for (index, name) in names.iter().enumerate() {
        budget.check_time()?;
        let layout = layouts.iter().find(|(n, _)| n == name).map(|(_, layout)| layout);
        match source.read(index, name, layout, budget) {
            Ok(read) => {
                let lines = match &source {
                    Source::Xml(book) => book.sheet_xml(index).map(hidden::xlsx_sheet),
                    Source::Calamine(_) => hidden.iter().find(|(n, _)| n == name).map(|(_, lines)| lines.clone()),
                };
                if let Some(lines) = lines {
                    notes.extend(lines.note(name, read.cells.iter().map(|c| &c.pos)));
                }
                let ods_merges = facts.merges.iter().find(|(n, _)| n == name).map(|(_, m)| m.clone());
                let merges = ods_merges.or(read.merges).unwrap_or_else(|| {
                    notes.push(format!(
                        "không đọc được các ô gộp của trang tính '{name}', các ô được đọc như không gộp"
                    ));
                    Vec::new()
                });
                sheets.push(SheetCells { name: name.clone(), index: index + 1, cells: read.cells, merges });
            }
            Err(Skip::Note(note)) => notes.push(note),
            Err(Skip::Unreadable(note, detail)) => {
                notes.push(note);
                details.push(detail);
            }
            Err(Skip::Fatal(e)) => return Err(e.with_notes(notes)),
        }
    }
    if sheets.is_empty() && !names.is_empty() {
        let error = ExtractError::corrupt(format!(
            "không đọc được trang tính nào trong tệp bảng tính{}",
            notes.first().map(|n| format!(" ({n})")).unwrap_or_default()
        ));
        let error = error.with_notes(notes);
        return Err(if details.is_empty() { error } else { error.with_detail(details.join("; ")) });
    }
    // The cells are read: the parts' XML (10 MB for a 20,000-row sheet) and
    // the readers go, and the grid is laid out in the memory they held.
    drop(source);
    drop(facts.parts);
    let computed = compute_formulas(&sheets, budget.limits.max_depth, &mut notes);
    let mut tables = Vec::new();
    let mut prose = Vec::new();
    for (s, sheet) in sheets.into_iter().enumerate() {
        let table = sheet_table(sheet, s, &computed, &mut notes, budget)?;
        prose.extend(prose_outside_grid(&table.rows));
        tables.push(table);
    }
    Ok(Document { tables, prose, notes, ..Document::default() })
}

/// Where the sheets come from: an .xlsx's XML, or calamine (.xls, .ods, .xlsb).
enum Source<'a> {
    Xml(xlsx::Workbook<'a>),
    Calamine(Box<Sheets<Cursor<&'a [u8]>>>),
}

impl Source<'_> {
    fn sheet_names(&self) -> Vec<String> {
        match self {
            Source::Xml(book) => book.sheet_names(),
            Source::Calamine(workbook) => workbook.sheet_names(),
        }
    }

    fn read(
        &mut self,
        index: usize,
        name: &str,
        layout: Option<&Layout>,
        budget: &mut Budget,
    ) -> Result<SheetRead, Skip> {
        match self {
            Source::Xml(book) => read_xlsx_sheet(book, index, name, budget),
            Source::Calamine(workbook) => read_range_sheet(workbook, name, layout, budget),
        }
    }
}

fn open_error(format: Format, e: calamine::Error) -> ExtractError {
    let encrypted = matches!(
        e,
        calamine::Error::Xls(calamine::XlsError::Password) | calamine::Error::Ods(calamine::OdsError::Password)
    );
    if encrypted {
        return ExtractError::encrypted("bảng tính được bảo vệ bằng mật khẩu (mã hóa), không thể đọc".into());
    }
    ExtractError::corrupt(format!("tệp bảng tính ({}) bị hỏng hoặc không đầy đủ", format.name())).with_detail(e)
}

/// What the zip preflight learnt besides the limits.
#[derive(Default)]
struct ZipFacts {
    /// The XML parts of an .xlsx, inflated once here and read in place.
    parts: xlsx::Parts,
    /// Hidden rows and columns by sheet name (.ods).
    hidden: Vec<(String, Hidden)>,
    /// Merged cells by sheet name (.ods), which calamine does not keep.
    merges: Vec<(String, Vec<Dimensions>)>,
    /// Tables of an .ods refused before calamine sees them.
    notes: Vec<String>,
    /// The .ods to give calamine instead, those tables emptied.
    patched: Option<Vec<u8>>,
}

/// Inflates every member once, counting bytes against the budget, so a zip
/// bomb or a member lying about its size is refused before any reader
/// touches it. An .xlsx keeps its XML parts for [`xlsx`]; an .ods's
/// `content.xml` is scanned by [`ods_guard`]. An OpenDocument file whose
/// manifest declares encryption is refused first: its members do not inflate.
fn preflight_zip(format: Format, bytes: &[u8], budget: &mut Budget) -> ExtractResult<ZipFacts> {
    let mut zip = GuardedZip::open(bytes, budget)?;
    let names = zip.names();
    if let Some(manifest) = zip.read("META-INF/manifest.xml", budget)? {
        if String::from_utf8_lossy(&manifest).contains("encryption-data") {
            return Err(ExtractError::unsupported(
                "bảng tính được bảo vệ bằng mật khẩu (mã hóa), không thể đọc".into(),
            ));
        }
    }
    let mut facts = ZipFacts::default();
    let mut content = None;
    for name in names {
        let Some(data) = zip.read(&name, budget)? else { continue };
        match format {
            Format::Ods if name == "content.xml" => {
                let guarded = ods_guard::guard(&data, budget)?;
                (facts.notes, facts.hidden, facts.merges) = (guarded.notes, guarded.hidden, guarded.merges);
                content = guarded.content;
            }
            Format::Xlsx if xlsx::Parts::wants(&name) => facts.parts.insert(&name, data),
            _ => {}
        }
    }
    if let Some(content) = content {
        facts.patched = Some(zip.with_member_replaced("content.xml", &content)?);
    }
    Ok(facts)
}

/// One sheet as read, before it joins the workbook.
struct SheetRead {
    cells: Vec<UsedCell>,
    /// `None` when the merged regions could not be read (the cells still are).
    merges: Option<Vec<Dimensions>>,
}

/// Counts used cells of one sheet as they arrive and refuses the sheet as
/// soon as they would pass what the document may still spend. A sheet is
/// judged by its cells, never by its extent: a stray value far below or to
/// the right of a table costs one cell (see [`sheet_table`]).
struct CellCounter<'a> {
    sheet: &'a str,
    allowed: usize,
    used: usize,
}

impl<'a> CellCounter<'a> {
    fn new(sheet: &'a str, budget: &Budget) -> Self {
        CellCounter { sheet, allowed: budget.cells_left(), used: 0 }
    }

    fn count(&mut self) -> Result<(), Skip> {
        self.used += 1;
        if self.used > self.allowed {
            return Err(Skip::Note(format!(
                "bỏ qua trang tính '{}': số ô có dữ liệu vượt giới hạn {} ô",
                self.sheet, self.allowed
            )));
        }
        Ok(())
    }

    /// Charges the budget once the sheet is read.
    fn finish(self, budget: &mut Budget) -> Result<(), Skip> {
        budget.spend_cells(self.used)?;
        Ok(())
    }
}

/// Streams an .xlsx sheet: values, cached or not, formula texts, percent formats,
/// merges. The reader itself looks at the deadline as it goes.
fn read_xlsx_sheet(book: &xlsx::Workbook, index: usize, name: &str, budget: &mut Budget) -> Result<SheetRead, Skip> {
    let deadline = budget.deadline().clone();
    let unreadable = |e: ExtractError| match e.kind {
        // Out of time: the whole document stops, not only this sheet.
        _ if deadline.check().is_err() => Skip::Fatal(e),
        ErrorKind::LimitExceeded => Skip::Note(format!("bỏ qua trang tính '{name}': {}", e.message)),
        _ => unreadable_sheet(name, e.detail.as_deref().unwrap_or(&e.message)),
    };
    let mut reader = book.cells(index).map_err(unreadable)?;
    let mut counter = CellCounter::new(name, budget);
    // A cell takes some 30 bytes of XML: room for them at once, not by doubling and
    // copying, up to a bound (a hostile part of empty cells reserves nothing large).
    let expected = book.sheet_xml(index).map_or(0, |xml| xml.len() / 30);
    let mut cells = Vec::with_capacity(expected.min(counter.allowed).min(RESERVED_CELLS));
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let formula = cell.formula.map(without_equals).filter(|f| !f.trim().is_empty());
        if cell.value == Data::Empty && formula.is_none() {
            continue;
        }
        counter.count()?;
        cells.push(UsedCell::new(cell.pos, cell.value, formula, cell.percent));
    }
    counter.finish(budget)?;
    let merges = reader.merged_regions().ok();
    Ok(SheetRead { cells: in_position_order(cells), merges })
}

/// A formula's text without the `=` some writers store before it.
fn without_equals(mut formula: String) -> String {
    let equals = formula.len() - formula.trim_start_matches('=').len();
    formula.drain(..equals);
    formula
}

/// .xls and .ods sheets, which calamine has already parsed into ranges; the
/// cells of an .xls sheet the guard compacted go back where they were.
fn read_range_sheet(
    workbook: &mut Sheets<Cursor<&[u8]>>,
    name: &str,
    layout: Option<&Layout>,
    budget: &mut Budget,
) -> Result<SheetRead, Skip> {
    // A chart sheet or a damaged sheet: the others may still hold the table.
    let range = workbook.worksheet_range(name).map_err(|e| unreadable_sheet(name, e))?;
    let mut counter = CellCounter::new(name, budget);
    let mut cells = Vec::new();
    let start = range.start().unwrap_or((0, 0));
    for (r, c, value) in range.used_cells() {
        let pos = (start.0 + r as u32, start.1 + c as u32);
        let pos = layout.map_or(pos, |l| l.original(pos));
        counter.count()?;
        cells.push(UsedCell::new(pos, value.clone(), None, None));
    }
    counter.finish(budget)?;
    let merges = merged_regions(workbook, name).map(|merges| match layout {
        Some(layout) => merges
            .into_iter()
            .map(|m| Dimensions { start: layout.original(m.start), end: layout.original(m.end) })
            .collect(),
        None => merges,
    });
    Ok(SheetRead { cells: in_position_order(cells), merges })
}

/// The sheet's merged regions, `None` when they cannot be read.
fn merged_regions(workbook: &mut Sheets<Cursor<&[u8]>>, name: &str) -> Option<Vec<Dimensions>> {
    match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).ok(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).ok(),
        // calamine keeps no merge information for .xlsb/.ods: covered cells read as empty.
        Sheets::Xlsb(_) | Sheets::Ods(_) => Some(Vec::new()),
    }
}

/// One piece of a merged region on one emitted row.
#[derive(Clone, Copy)]
struct MergePiece {
    col: u32,
    span: usize,
    vmerge: VerticalMerge,
    /// Last covered column (absolute).
    last_col: u32,
    /// Sheet rows the whole merge covers.
    rows: u32,
}

/// The grid of one sheet; `s` is its position among the sheets read (the key of `computed`).
fn sheet_table(
    sheet: SheetCells,
    s: usize,
    computed: &HashMap<(usize, (u32, u32)), String>,
    notes: &mut Vec<String>,
    budget: &mut Budget,
) -> ExtractResult<Table> {
    let SheetCells { name, index, cells, merges } = sheet;
    // The text each used cell shows, in (row, column) order; strings move into it.
    // A vector of its own rather than the cells' reused in place: theirs (96
    // bytes a cell) is freed here for the grid's rows.
    let mut used: Vec<((u32, u32), String)> = Vec::with_capacity(cells.len());
    used.extend(cells.into_iter().map(|cell| {
        // Only a formula saved without a value has a computed one.
        let computed = if cell.value == Data::Empty { computed.get(&(s, cell.pos)) } else { None };
        let number = cell.number.or_else(|| computed.and_then(|t| Decimal::from_str(t).ok()));
        let text = match cell.percent.zip(number) {
            Some((decimals, number)) => percent_text(number, decimals),
            None => match (cell.value, cell.number) {
                (Data::Empty, _) => computed.cloned().unwrap_or_default(),
                // The decimal keeps the digits Excel shows: no second rendering of the float.
                (Data::Float(_), Some(number)) => decimal_text(number),
                (value, _) => cell_text(value),
            },
        };
        (cell.pos, text)
    }));
    let Some(first_col) = used.iter().map(|((_, c), _)| *c).min() else {
        return Ok(Table::new(Vec::new()));
    };
    // The grid keeps MAX_WIDTH columns: a value farther right (a stray mark
    // in column XFD) is left out with a note, the rest of the sheet is read.
    let too_far = |(_, col): (u32, u32)| col - first_col >= MAX_WIDTH as u32;
    let far: Vec<(u32, u32)> = used.iter().filter(|(pos, t)| too_far(*pos) && !t.is_empty()).map(|(p, _)| *p).collect();
    if let Some(&example) = far.first() {
        notes.push(format!(
            "bỏ qua {} ô của trang tính '{name}' nằm cách cột đầu của dữ liệu hơn {MAX_WIDTH} cột (ô {})",
            far.len(),
            formula::cell_name(example)
        ));
        used.retain(|(pos, _)| !too_far(*pos));
    }
    let mut row_numbers: Vec<u32> = used.iter().filter(|(_, t)| !t.is_empty()).map(|((r, _), _)| *r).collect();
    row_numbers.extend(merges.iter().map(|m| m.start.0));
    row_numbers.sort_unstable();
    row_numbers.dedup();
    let rows_within = |first: u32, last: u32| {
        let start = row_numbers.partition_point(|r| *r < first);
        let end = row_numbers.partition_point(|r| *r <= last);
        row_numbers.get(start..end).unwrap_or_default()
    };
    let mut pieces: HashMap<u32, Vec<MergePiece>> = HashMap::new();
    // Every piece becomes a grid cell: a damaged file's thousands of regions
    // over thousands of rows are refused before they are laid out.
    let piece_count = merges.iter().map(|m| rows_within(m.start.0, m.end.0).len()).fold(0usize, usize::saturating_add);
    if piece_count > budget.limits.max_cells {
        return Err(ExtractError::limit(format!(
            "các ô gộp của trang tính '{}' trải trên hơn {} ô",
            name, budget.limits.max_cells
        )));
    }
    for m in &merges {
        let span = (m.end.1.saturating_sub(m.start.1) + 1) as usize;
        for &row in rows_within(m.start.0, m.end.0) {
            let vmerge = if row != m.start.0 {
                VerticalMerge::Continue
            } else if m.end.0 > m.start.0 {
                VerticalMerge::Start
            } else {
                VerticalMerge::None
            };
            let rows = m.end.0 - m.start.0 + 1;
            pieces.entry(row).or_default().push(MergePiece { col: m.start.1, span, vmerge, last_col: m.end.1, rows });
        }
    }
    let name: Arc<str> = name.into();
    let mut rows = TableBuilder::on_sheet(index, name).with_first_column(first_col + 1);
    let mut previous: Option<u32> = None;
    // Rows are laid out in ascending order: each row's cells are looked for after the previous row's.
    let mut row_end = 0;
    for (n, &row) in row_numbers.iter().enumerate() {
        if n % 256 == 0 {
            budget.check_time()?;
        }
        // A run of empty rows is one blank row: later stages split tables at blank rows.
        if let Some(gap) = previous.filter(|p| row > p + 1).map(|p| p + 1) {
            rows.push_numbered(gap as usize + 1, RowBuilder::new(None));
        }
        previous = Some(row);
        let row_pieces = pieces.get(&row).map(Vec::as_slice).unwrap_or_default();
        let row_start = row_end + used[row_end..].partition_point(|(pos, _)| pos.0 < row);
        row_end = row_start + used[row_start..].partition_point(|(pos, _)| pos.0 == row);
        let mut cells = RowBuilder::new(None);
        cells.reserve(row_pieces.len() + (row_end - row_start));
        for piece in row_pieces {
            if piece.col < first_col {
                continue;
            }
            let text = if piece.vmerge == VerticalMerge::Continue {
                String::new()
            } else {
                // Each text goes to one grid cell: moved, not copied.
                match used.binary_search_by_key(&(row, piece.col), |(p, _)| *p) {
                    Ok(i) => std::mem::take(&mut used[i].1),
                    Err(_) => String::new(),
                }
            };
            if text.is_empty() && piece.vmerge == VerticalMerge::None && piece.span == 1 {
                continue;
            }
            let runs = if text.is_empty() { Vec::new() } else { vec![Run::plain(text)] };
            cells.push_at((piece.col - first_col) as usize, piece.span, piece.vmerge, runs).rows = piece.rows;
        }
        for ((_, col), text) in used.get_mut(row_start..row_end).unwrap_or_default() {
            // Values under a merge other than its first cell are hidden by it, as in Excel.
            let covered = row_pieces.iter().any(|p| (p.col..=p.last_col).contains(col));
            if covered || text.is_empty() {
                continue;
            }
            let runs = vec![Run::plain(std::mem::take(text))];
            cells.push_at((*col - first_col) as usize, 1, VerticalMerge::None, runs);
        }
        // The table puts the merged pieces and the plain cells in column order.
        rows.push_numbered(row as usize + 1, cells);
    }
    Ok(rows.finish())
}

/// Rows outside the scoring grid, as prose: single-cell rows above the first
/// and below the last row of three or more cells (title block, signatures),
/// and every row of a sheet without such rows (a cover sheet).
pub(super) fn prose_outside_grid(rows: &[Row]) -> Vec<Paragraph> {
    let wide = |r: &Row| r.cells.iter().filter(|c| !c.runs.is_empty()).count() >= 3;
    let first = rows.iter().position(wide);
    let last = rows.iter().rposition(wide);
    rows.iter()
        .enumerate()
        .filter(|(i, r)| match (first, last) {
            (Some(first), Some(last)) => {
                (*i < first || *i > last) && r.cells.iter().filter(|c| !c.runs.is_empty()).count() == 1
            }
            _ => true,
        })
        .flat_map(|(_, r)| r.cells.iter().filter(|c| !c.runs.is_empty()).map(move |c| (r, c)))
        .map(|(r, c)| Paragraph { row: Some(r.location.clone()), ..Paragraph::new(c.runs.clone(), None) })
        .collect()
}

#[cfg(test)]
mod tests;
