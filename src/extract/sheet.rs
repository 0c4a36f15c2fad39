//! Spreadsheet extractor (.xlsx/.xlsm, .xls, .ods) over calamine.
//!
//! Every sheet becomes one table whose row numbers are the sheet's own, so a
//! message can say "sheet Bieu tong hop, row 12". Cells are kept sparse (only
//! used cells, in a map) and counted as they arrive: .xlsx sheets are streamed
//! with calamine's cell reader, so a lone value in `XFD1048576` costs one
//! entry, not a dense rows × columns grid. A sheet whose used cells would pass
//! the cell limit, or whose used extent does, is refused with a note naming it
//! and the other sheets go on. Merged regions become spans (covered cells below
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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use std::str::FromStr;

use calamine::{Data, Dimensions, Reader, Sheets, Xlsx};
use chrono::Datelike;
use rust_decimal::{Decimal, RoundingStrategy};

use super::formula::{self, Content, Evaluator, Failure};
use super::hidden::{self, Hidden};
use super::zip_guard::GuardedZip;
use super::{ods_guard, xls_guard};
use super::{Budget, ExtractError, ExtractResult};
use crate::grid::{Cell, Document, Location, Paragraph, Row, Run, Table, VerticalMerge};
use crate::sniff::Format;

/// Cell visits allowed to the formula evaluator for one workbook.
const FORMULA_WORK: usize = 2_000_000;

/// Notes about formulas listed one by one per sheet; the rest are counted.
const FORMULA_NOTES: usize = 5;

/// One sheet as read: used cells only, by 0-based (row, column).
struct SheetCells {
    name: String,
    /// 1-based position of the sheet in the workbook.
    index: usize,
    cells: BTreeMap<(u32, u32), Data>,
    /// Formula text (without `=`) of .xlsx cells, by position (ordered, for ranges).
    formulas: BTreeMap<(u32, u32), String>,
    merges: Vec<Dimensions>,
    /// Cells formatted as a percentage, with the decimals their format shows.
    percent: HashMap<(u32, u32), u32>,
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
    let (mut hidden, unmerged) = (facts.hidden, facts.unmerged);
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
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| open_error(format, e))?;
    let names = workbook.sheet_names();
    let mut sheets = Vec::new();
    for (index, name) in names.iter().enumerate() {
        budget.check_time()?;
        let read = match &mut workbook {
            Sheets::Xlsx(x) => read_xlsx_sheet(x, name, budget),
            other => read_range_sheet(other, name, budget),
        };
        match read {
            Ok((cells, formulas, percent)) => {
                if let Some((_, lines)) = hidden.iter().find(|(n, _)| n == name) {
                    notes.extend(lines.note(name, cells.keys().chain(formulas.keys())));
                }
                let merges =
                    if unmerged.contains(name) { Vec::new() } else { merged_regions(&mut workbook, name, &mut notes) };
                sheets.push(SheetCells { name: name.clone(), index: index + 1, cells, formulas, merges, percent });
            }
            Err(Skip::Note(note)) => notes.push(note),
            Err(Skip::Unreadable(note, detail)) => {
                notes.push(note);
                details.push(detail);
            }
            Err(Skip::Fatal(e)) => return Err(e),
        }
    }
    if sheets.is_empty() && !names.is_empty() {
        let error = ExtractError::corrupt(format!(
            "không đọc được trang tính nào trong tệp bảng tính{}",
            notes.first().map(|n| format!(" ({n})")).unwrap_or_default()
        ));
        return Err(if details.is_empty() { error } else { error.with_detail(details.join("; ")) });
    }
    let computed = compute_formulas(&sheets, budget.limits.max_depth, &mut notes);
    let mut tables = Vec::new();
    let mut prose = Vec::new();
    for (s, sheet) in sheets.iter().enumerate() {
        let table = sheet_table(sheet, s, &computed, budget)?;
        prose.extend(prose_outside_grid(&table.rows));
        tables.push(table);
    }
    Ok(Document { tables, prose, notes, ..Document::default() })
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
    /// Hidden rows and columns by sheet name.
    hidden: Vec<(String, Hidden)>,
    /// Sheets whose part holds no merged cells: calamine's second parse of
    /// the sheet for its merges is skipped (a third of a large sheet's reading).
    unmerged: Vec<String>,
    /// Tables of an .ods refused before calamine sees them.
    notes: Vec<String>,
    /// The .ods to give calamine instead, those tables emptied.
    patched: Option<Vec<u8>>,
}

/// Inflates every member once, counting bytes against the budget, so a zip
/// bomb or a member lying about its size is refused before calamine touches
/// it. Honest workbooks are small; the cost is negligible. On the way the
/// worksheet parts are searched for hidden rows and columns and for merged
/// cells, and an .ods's `content.xml` is scanned by [`ods_guard`]. An
/// OpenDocument file whose manifest declares encryption is refused first: its
/// members do not inflate.
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
    let mut parts = Vec::new();
    let (mut workbook, mut rels, mut content) = (None, None, None);
    for name in names {
        let Some(data) = zip.read(&name, budget)? else { continue };
        match (format, name.as_str()) {
            (Format::Ods, "content.xml") => {
                let guarded = ods_guard::guard(&data, budget)?;
                (facts.notes, facts.hidden, content) = (guarded.notes, guarded.hidden, guarded.content);
            }
            (Format::Xlsx, "xl/workbook.xml") => workbook = Some(data),
            (Format::Xlsx, "xl/_rels/workbook.xml.rels") => rels = Some(data),
            (Format::Xlsx, part) if part.starts_with("xl/worksheets/") => {
                // Any spelling of the element (`<mergeCell`, `<x:mergeCell`) holds these bytes.
                let merged = memchr::memmem::find(&data, b"mergeCell").is_some();
                parts.push((name, (hidden::xlsx_sheet(&data), merged)));
            }
            _ => {}
        }
    }
    if let Some(content) = content {
        facts.patched = Some(zip.with_member_replaced("content.xml", &content)?);
    }
    if let (false, Some(workbook), Some(rels)) = (parts.is_empty(), workbook, rels) {
        for (sheet, (lines, merged)) in hidden::xlsx_by_sheet_name(&workbook, &rels, parts) {
            if !merged {
                facts.unmerged.push(sheet.clone());
            }
            if !lines.is_empty() {
                facts.hidden.push((sheet, lines));
            }
        }
    }
    Ok(facts)
}

/// Values, formula texts and percent-formatted positions of one sheet.
type SparseCells = (BTreeMap<(u32, u32), Data>, BTreeMap<(u32, u32), String>, HashMap<(u32, u32), u32>);

/// Counts used cells of one sheet as they arrive and refuses the sheet as
/// soon as they would pass what the document may still spend.
struct CellCounter<'a> {
    sheet: &'a str,
    allowed: usize,
    used: usize,
    top_left: (u32, u32),
    bottom_right: (u32, u32),
}

impl<'a> CellCounter<'a> {
    fn new(sheet: &'a str, budget: &Budget) -> Self {
        CellCounter {
            sheet,
            allowed: budget.cells_left(),
            used: 0,
            top_left: (u32::MAX, u32::MAX),
            bottom_right: (0, 0),
        }
    }

    fn count(&mut self, pos: (u32, u32)) -> Result<(), Skip> {
        self.used += 1;
        if self.used > self.allowed {
            return Err(Skip::Note(format!(
                "bỏ qua trang tính '{}': số ô có dữ liệu vượt giới hạn {} ô",
                self.sheet, self.allowed
            )));
        }
        self.top_left = (self.top_left.0.min(pos.0), self.top_left.1.min(pos.1));
        self.bottom_right = (self.bottom_right.0.max(pos.0), self.bottom_right.1.max(pos.1));
        Ok(())
    }

    /// Charges the budget once the sheet is read; a sheet whose used cells
    /// spread over more grid positions than the cell limit is refused, since
    /// later stages lay rows out by column.
    fn finish(self, budget: &mut Budget) -> Result<(), Skip> {
        if self.used > 0 {
            let rows = (self.bottom_right.0 - self.top_left.0) as usize + 1;
            let cols = (self.bottom_right.1 - self.top_left.1) as usize + 1;
            if rows.saturating_mul(cols) > budget.limits.max_cells {
                return Err(Skip::Note(format!(
                    "bỏ qua trang tính '{}': dữ liệu trải từ ô {} đến ô {} ({} dòng × {} cột), vượt giới hạn {} ô",
                    self.sheet,
                    formula::cell_name(self.top_left),
                    formula::cell_name(self.bottom_right),
                    rows,
                    cols,
                    budget.limits.max_cells
                )));
            }
        }
        budget.spend_cells(self.used)?;
        Ok(())
    }
}

/// Streams an .xlsx sheet: values, cached or not, and formula texts.
fn read_xlsx_sheet(workbook: &mut Xlsx<Cursor<&[u8]>>, name: &str, budget: &mut Budget) -> Result<SparseCells, Skip> {
    let unreadable = |e: calamine::XlsxError| unreadable_sheet(name, e);
    let mut reader = workbook.worksheet_cells_reader(name).map_err(unreadable)?;
    let percent_styles: Vec<Option<u32>> = reader.styles().iter().map(percent_decimals).collect();
    let mut counter = CellCounter::new(name, budget);
    let mut cells = BTreeMap::new();
    let mut formulas = BTreeMap::new();
    while let Some(cell) = reader.next_cell_with_formula().map_err(unreadable)? {
        let formula = cell.formula.map(|f| f.trim_start_matches('=').to_owned()).filter(|f| !f.trim().is_empty());
        let value = Data::from(cell.value);
        if value == Data::Empty && formula.is_none() {
            continue;
        }
        if counter.used.is_multiple_of(4096) {
            budget.check_time()?;
        }
        counter.count(cell.pos)?;
        if let Some(f) = formula {
            formulas.insert(cell.pos, f);
        }
        if value != Data::Empty {
            cells.insert(cell.pos, value);
        }
    }
    counter.finish(budget)?;
    drop(reader);
    // Styles come from a second pass, only in workbooks that use a percent format.
    let mut percent = HashMap::new();
    if percent_styles.iter().any(Option::is_some) {
        let mut reader = workbook.worksheet_cells_reader(name).map_err(unreadable)?;
        while let Some((row, col, style)) = reader.next_style_id().map_err(unreadable)? {
            if let Some(&Some(decimals)) = percent_styles.get(style) {
                if cells.contains_key(&(row, col)) || formulas.contains_key(&(row, col)) {
                    percent.insert((row, col), decimals);
                }
            }
        }
    }
    Ok((cells, formulas, percent))
}

/// The decimals of a percent number format ("0%" → 0, "0.00%" → 2), `None` for other formats.
fn percent_decimals(style: &calamine::Style) -> Option<u32> {
    style.number_format.as_ref().and_then(percent_format_decimals)
}

fn percent_format_decimals(format: &calamine::NumberFormat) -> Option<u32> {
    match format.format_id {
        Some(9) => return Some(0),
        Some(10) => return Some(2),
        _ => {}
    }
    // Quoted literals and escaped characters are not format symbols.
    let mut code = String::new();
    let mut quoted = false;
    let mut chars = format.format_code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => {
                chars.next();
            }
            c if !quoted => code.push(c),
            _ => {}
        }
    }
    let section = code.split(';').next().unwrap_or_default();
    if !section.contains('%') {
        return None;
    }
    let decimals = section.split_once('.').map_or(0, |(_, after)| after.chars().take_while(|c| *c == '0').count());
    Some(decimals as u32)
}

/// A number as a percent cell shows it: 0.125 with "0.0%" reads "12.5%".
fn percent_text(value: Decimal, decimals: u32) -> String {
    let shown = (value * Decimal::ONE_HUNDRED).round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    format!("{shown:.prec$}%", prec = decimals as usize)
}

/// .xls and .ods sheets, which calamine has already parsed into ranges.
fn read_range_sheet(
    workbook: &mut Sheets<Cursor<&[u8]>>,
    name: &str,
    budget: &mut Budget,
) -> Result<SparseCells, Skip> {
    // A chart sheet or a damaged sheet: the others may still hold the table.
    let range = workbook.worksheet_range(name).map_err(|e| unreadable_sheet(name, e))?;
    let mut counter = CellCounter::new(name, budget);
    let mut cells = BTreeMap::new();
    let start = range.start().unwrap_or((0, 0));
    for (r, c, value) in range.used_cells() {
        let pos = (start.0 + r as u32, start.1 + c as u32);
        counter.count(pos)?;
        cells.insert(pos, value.clone());
    }
    counter.finish(budget)?;
    Ok((cells, BTreeMap::new(), HashMap::new()))
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
    // The note says what the reader does instead; the library's text adds nothing a reader can act on.
    merges.unwrap_or_else(|_| {
        notes.push(format!("không đọc được các ô gộp của trang tính '{name}', các ô được đọc như không gộp"));
        Vec::new()
    })
}

struct Workbook<'a>(&'a [SheetCells]);

impl formula::Cells for Workbook<'_> {
    fn sheet_index(&self, name: &str) -> Option<usize> {
        self.0
            .iter()
            .position(|s| s.name == name)
            .or_else(|| self.0.iter().position(|s| s.name.eq_ignore_ascii_case(name)))
    }

    fn content(&self, sheet: usize, pos: (u32, u32)) -> Content<'_> {
        let sheet = &self.0[sheet];
        match sheet.cells.get(&pos) {
            Some(value) => content_of(value),
            None => sheet.formulas.get(&pos).map_or(Content::Blank, |f| Content::Formula(f)),
        }
    }

    fn used_in(&self, sheet: usize, from: (u32, u32), to: (u32, u32)) -> Vec<(u32, u32)> {
        let sheet = &self.0[sheet];
        let cols = from.1..=to.1;
        let mut used: BTreeSet<(u32, u32)> =
            sheet.cells.range(from..=(to.0, to.1)).map(|(pos, _)| *pos).filter(|(_, c)| cols.contains(c)).collect();
        used.extend(sheet.formulas.range(from..=(to.0, to.1)).map(|(pos, _)| *pos).filter(|(_, c)| cols.contains(c)));
        used.into_iter().collect()
    }
}

fn content_of(value: &Data) -> Content<'_> {
    match value {
        Data::Empty => Content::Blank,
        Data::Int(_) | Data::Float(_) => decimal_of(value).map_or(Content::Error, Content::Number),
        Data::String(s) => Content::Text(s),
        _ => Content::Error,
    }
}

/// A numeric cell as the decimal Excel shows.
fn decimal_of(value: &Data) -> Option<Decimal> {
    match value {
        Data::Int(i) => Some(Decimal::from(*i)),
        Data::Float(f) => Decimal::from_str(&excel_number(*f)).ok(),
        _ => None,
    }
}

/// Values of formula cells saved without a cached value, by (sheet, position);
/// notes for the ones that cannot be computed and for stale cached values.
fn compute_formulas(
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
        for (pos, text) in &sheet.formulas {
            let here = || format!("ô {} (trang tính '{}'): ={text}", formula::cell_name(*pos), sheet.name);
            match sheet.cells.get(pos) {
                None => match evaluator.cell(s, *pos) {
                    Ok(value) => {
                        computed.insert((s, *pos), value.normalize().to_string());
                    }
                    Err(why) => failed.push(format!("{}: {}", here(), failure_text(&why))),
                },
                Some(cached) => {
                    let (Some(cached), Ok(fresh)) = (decimal_of(cached), evaluator.formula(s, text)) else { continue };
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

fn failure_text(why: &Failure) -> &'static str {
    why.message()
}

/// Cached values are binary floats: equal when they agree to 9 decimals.
fn close(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() <= Decimal::new(1, 9)
}

/// The first notes one by one, the rest as a count.
fn summarize(notes: &mut Vec<String>, items: Vec<String>, what: &str) {
    let more = items.len().saturating_sub(FORMULA_NOTES);
    notes.extend(items.into_iter().take(FORMULA_NOTES).map(|i| format!("{what}: {i}")));
    if more > 0 {
        notes.push(format!("{what}: còn {more} ô khác"));
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
}

/// The grid of one sheet; `s` is its position among the sheets read (the key of `computed`).
fn sheet_table(
    sheet: &SheetCells,
    s: usize,
    computed: &HashMap<(usize, (u32, u32)), String>,
    budget: &mut Budget,
) -> ExtractResult<Table> {
    let text_at = |pos: &(u32, u32), value: Option<&Data>| {
        let number = || match value {
            Some(v) => decimal_of(v),
            None => computed.get(&(s, *pos)).and_then(|t| Decimal::from_str(t).ok()),
        };
        match sheet.percent.get(pos).and_then(|&decimals| Some(percent_text(number()?, decimals))) {
            Some(percent) => percent,
            None => match value {
                Some(v) => cell_text(v),
                None => computed.get(&(s, *pos)).cloned().unwrap_or_default(),
            },
        }
    };
    // Used positions: values plus formulas (computed or left empty).
    let mut used: BTreeMap<(u32, u32), String> = BTreeMap::new();
    for (pos, value) in &sheet.cells {
        used.insert(*pos, text_at(pos, Some(value)));
    }
    for pos in sheet.formulas.keys() {
        used.entry(*pos).or_insert_with(|| text_at(pos, None));
    }
    let Some(first_col) = used.keys().map(|(_, c)| *c).min() else {
        return Ok(Table::new(Vec::new()));
    };
    let mut rows_set: BTreeSet<u32> = used.iter().filter(|(_, t)| !t.is_empty()).map(|((r, _), _)| *r).collect();
    rows_set.extend(sheet.merges.iter().map(|m| m.start.0));
    let mut pieces: HashMap<u32, Vec<MergePiece>> = HashMap::new();
    for m in &sheet.merges {
        let span = (m.end.1.saturating_sub(m.start.1) + 1) as usize;
        for &row in rows_set.range(m.start.0..=m.end.0) {
            let vmerge = if row != m.start.0 {
                VerticalMerge::Continue
            } else if m.end.0 > m.start.0 {
                VerticalMerge::Start
            } else {
                VerticalMerge::None
            };
            pieces.entry(row).or_default().push(MergePiece { col: m.start.1, span, vmerge, last_col: m.end.1 });
        }
    }
    let mut rows = Vec::with_capacity(rows_set.len());
    let mut previous: Option<u32> = None;
    for (n, &row) in rows_set.iter().enumerate() {
        if n % 256 == 0 {
            budget.check_time()?;
        }
        // A run of empty rows is one blank row: later stages split tables at blank rows.
        if let Some(gap) = previous.filter(|p| row > p + 1).map(|p| p + 1) {
            let location =
                Location { table: sheet.index, row: gap as usize + 1, page: None, sheet: Some(sheet.name.clone()) };
            rows.push(Row { cells: Vec::new(), location, repeats_as_header: false });
        }
        previous = Some(row);
        let row_pieces = pieces.get(&row).map(Vec::as_slice).unwrap_or_default();
        let mut cells: Vec<Cell> = Vec::new();
        for piece in row_pieces {
            if piece.col < first_col {
                continue;
            }
            let text = if piece.vmerge == VerticalMerge::Continue {
                String::new()
            } else {
                used.get(&(row, piece.col)).cloned().unwrap_or_default()
            };
            if text.is_empty() && piece.vmerge == VerticalMerge::None && piece.span == 1 {
                continue;
            }
            let runs = if text.is_empty() { Vec::new() } else { vec![Run::plain(text)] };
            let mut cell = Cell::new((piece.col - first_col) as usize, piece.span, runs);
            cell.vmerge = piece.vmerge;
            cells.push(cell);
        }
        for ((_, col), text) in used.range((row, 0)..=(row, u32::MAX)) {
            // Values under a merge other than its first cell are hidden by it, as in Excel.
            let covered = row_pieces.iter().any(|p| (p.col..=p.last_col).contains(col));
            if covered || text.is_empty() {
                continue;
            }
            cells.push(Cell::new((col - first_col) as usize, 1, vec![Run::plain(text.clone())]));
        }
        cells.sort_by_key(|c| c.col);
        let location =
            Location { table: sheet.index, row: row as usize + 1, page: None, sheet: Some(sheet.name.clone()) };
        rows.push(Row { cells, location, repeats_as_header: false });
    }
    Ok(Table::new(rows))
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
        .flat_map(|(_, r)| r.cells.iter().filter(|c| !c.runs.is_empty()))
        .map(|c| Paragraph::new(c.runs.clone(), None))
        .collect()
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
    let decimals = excel_decimals(value);
    // The shortest text that reads back as the same float is what rounding
    // to `decimals` places shows whenever it has no more places than that
    // (the float is within half an ulp of it); exact formatting is slow.
    if value.abs() < 1e15 {
        let shortest = value.to_string();
        if shortest.split_once('.').is_none_or(|(_, places)| places.len() <= decimals) {
            return shortest;
        }
    }
    rounded_text(value, decimals)
}

/// Places after the point that 15 significant digits leave to a nonzero value.
fn excel_decimals(value: f64) -> usize {
    let magnitude = value.abs().log10().floor() as i32;
    (14 - magnitude).clamp(0, 20) as usize
}

/// The value rounded to `decimals` places, without trailing zeros.
fn rounded_text(value: f64, decimals: usize) -> String {
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
    fn percent_formats_read_as_excel_shows_them() {
        let style = |code: &str, id: Option<u32>| {
            let mut format = calamine::NumberFormat::default();
            format.format_code = code.to_owned();
            format.format_id = id;
            let mut style = calamine::Style::default();
            style.number_format = Some(format);
            style
        };
        assert_eq!(percent_decimals(&style("0%", None)), Some(0));
        assert_eq!(percent_decimals(&style("0.00%;[Red]-0.00%", None)), Some(2));
        assert_eq!(percent_decimals(&style("0.0\"%\"", None)), None);
        assert_eq!(percent_decimals(&style("General", Some(10))), Some(2));
        assert_eq!(percent_decimals(&style("0.00", None)), None);
        assert_eq!(percent_text(Decimal::new(125, 3), 1), "12.5%");
        assert_eq!(percent_text(Decimal::new(5, 1), 0), "50%");
        assert_eq!(percent_text(Decimal::new(12345, 5), 2), "12.35%");
    }

    #[test]
    fn floats_read_as_excel_shows_them() {
        assert_eq!(excel_number(12.9491), "12.9491");
        assert_eq!(excel_number(0.1 + 0.2), "0.3");
        assert_eq!(excel_number(98.52), "98.52");
        assert_eq!(excel_number(100.0), "100");
        assert_eq!(excel_number(0.5), "0.5");
        assert_eq!(excel_number(-0.25), "-0.25");
        assert_eq!(excel_number(1.0 / 3.0), "0.333333333333333");
        assert_eq!(excel_number(-1e-7), "-0.0000001");
        assert_eq!(excel_number(123456789012.345), "123456789012.345");
        assert_eq!(excel_number(2.0f64.powi(60)), "1152921504606846976");
    }

    /// The fast path agrees with exact formatting to 15 significant digits.
    #[test]
    fn shortest_text_agrees_with_exact_rounding() {
        let exact = |value: f64| rounded_text(value, excel_decimals(value));
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let scale = 10f64.powi((x % 24) as i32 - 8);
            let value = (x >> 11) as f64 / (1u64 << 53) as f64 * scale * if x & 1 == 0 { 1.0 } else { -1.0 };
            let rounded = (value * 100.0).round() / 100.0;
            for v in [value, rounded] {
                if v != 0.0 {
                    assert_eq!(excel_number(v), exact(v), "{v:e}");
                }
            }
        }
    }
}
