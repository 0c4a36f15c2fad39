//! Bounds what calamine allocates for an .xls before it parses it.
//!
//! calamine reads every sheet of an .xls eagerly and sizes its buffers from
//! the sheet's DIMENSIONS record (a 42 KB file may declare 65536 × 256 cells)
//! and from the bounding box of the cells it meets. This guard reads the
//! compound file's `Workbook` stream itself (a minimal read-only CFB walk:
//! header, FAT, directory, mini stream), scans the BIFF records of each
//! worksheet, and patches a copy of the file before calamine sees it:
//! a DIMENSIONS larger than the cells really used is shrunk to them, and a
//! sheet whose used cells spread wider than the limit is judged by its cells,
//! not its extent: its used rows and columns are moved next to each other
//! (a run of empty rows or columns becomes one), so a table with one stray
//! value sixty thousand rows below costs its cells, and the [`Layout`] tells
//! the reader where each cell really was. Only a sheet whose cells alone are
//! too many has its cell records turned into BLANK records (which calamine
//! skips), with a note naming it.
//! The `cfb` crate was not taken: calamine already parses the container, and
//! this needs only the sector map of one stream to patch bytes in place.

use crate::extract::sheets::hidden::Hidden;
use crate::extract::{Budget, ExtractError, ExtractResult};

const FREE_SECTOR_MARK: u32 = 0xFFFF_FFFA; // sector ids ≥ this end a chain or mark special sectors
const RECORD_BLANK: u16 = 0x0201;
const RECORD_DIMENSIONS: u16 = 0x0200;
const RECORD_BOF: u16 = 0x0809;
const RECORD_EOF: u16 = 0x000A;
const RECORD_BOUNDSHEET: u16 = 0x0085;
const RECORD_FILEPASS: u16 = 0x002F;
/// Records that hold one cell (row, column first) or, for MULRK, a run of cells.
const CELL_RECORDS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006];
const RECORD_MULRK: u16 = 0x00BD;
/// ROW (its fDyZero flag hides the row) and COLINFO (fHidden hides its columns).
const RECORD_ROW: u16 = 0x0208;
const RECORD_COLINFO: u16 = 0x007D;
const RECORD_MERGEDCELLS: u16 = 0x00E5;

/// calamine keeps a dense value grid, a dense formula grid and a copy per
/// sheet read: grid positions per sheet are held far below the cell limit.
pub const MAX_DENSE_CELLS: usize = 500_000;

/// The bytes to give calamine (patched when needed) and the notes to report.
pub struct Guarded {
    pub bytes: Option<Vec<u8>>,
    pub notes: Vec<String>,
    /// Hidden rows and columns by sheet name.
    pub hidden: Vec<(String, Hidden)>,
    /// Sheets whose used rows and columns were moved together, by sheet name.
    pub layouts: Vec<(String, Layout)>,
}

/// Where the rows and columns of a compacted sheet came from: calamine reads
/// the sheet with its used rows and columns side by side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// The sheet's row for each row calamine sees.
    rows: Vec<u32>,
    cols: Vec<u32>,
}

impl Layout {
    /// The sheet's own (row, column) of a position calamine read.
    pub fn original(&self, (row, col): (u32, u32)) -> (u32, u32) {
        let at = |axis: &[u32], i: u32| axis.get(i as usize).copied().unwrap_or(i);
        (at(&self.rows, row), at(&self.cols, col))
    }
}

/// One axis of a compacted sheet: the used indices in order, and where each goes.
struct Axis {
    used: Vec<u32>,
    /// The compacted index of each used index.
    compact: Vec<u32>,
    /// The used index of each compacted index; the one empty row or column
    /// kept for a gap maps to the first empty one.
    original: Vec<u32>,
}

impl Axis {
    fn new(mut used: Vec<u32>) -> Axis {
        used.sort_unstable();
        used.dedup();
        let (mut compact, mut original) = (Vec::with_capacity(used.len()), Vec::with_capacity(used.len()));
        for (i, &index) in used.iter().enumerate() {
            if i > 0 && index > used[i - 1] + 1 {
                // Later stages split tables at blank rows: a gap stays one.
                original.push(used[i - 1] + 1);
            }
            compact.push(original.len() as u32);
            original.push(index);
        }
        Axis { used, compact, original }
    }

    fn to_compact(&self, index: u32) -> u16 {
        let i = self.used.binary_search(&index).map_or(index, |i| self.compact[i]);
        u16::try_from(i).unwrap_or(u16::MAX)
    }
}

/// Checks and, where needed, patches an .xls. Files this walk cannot follow
/// are passed on unchanged: calamine then reports them as damaged.
pub fn guard(bytes: &[u8], budget: &Budget) -> ExtractResult<Guarded> {
    let unchanged = || Guarded { bytes: None, notes: Vec::new(), hidden: Vec::new(), layouts: Vec::new() };
    let Some(cfb) = Compound::open(bytes) else { return Ok(unchanged()) };
    let Some(stream) = cfb.workbook_stream(bytes) else { return Ok(unchanged()) };
    let sheets = scan(&stream.data);
    if sheets.encrypted {
        return Err(ExtractError::unsupported("bảng tính được bảo vệ bằng mật khẩu (mã hóa), không thể đọc".into()));
    }
    let mut patched: Option<Vec<u8>> = None;
    let mut notes = Vec::new();
    let mut hidden = Vec::new();
    let mut layouts = Vec::new();
    let limit = budget.limits.max_cells.min(MAX_DENSE_CELLS);
    for sheet in &sheets.sheets {
        let name = sheets.names.iter().find(|(at, _)| *at == sheet.bof).map_or("?", |(_, n)| n.as_str());
        if !sheet.hidden.is_empty() {
            hidden.push((name.to_owned(), sheet.hidden.clone()));
        }
        let Some((top, left, bottom, right)) = sheet.used else {
            for &at in &sheet.dimensions {
                write_dimensions(&mut patched, bytes, &stream, at, (0, 0, 0, 0));
            }
            continue;
        };
        let area = (bottom - top + 1) as usize * (right - left + 1) as usize;
        if area > limit {
            let (rows, cols) = used_axes(&stream.data, sheet);
            if rows.original.len() * cols.original.len() <= limit {
                compact_sheet(&mut patched, bytes, &stream, sheet, &rows, &cols);
                layouts.push((name.to_owned(), Layout { rows: rows.original, cols: cols.original }));
                continue;
            }
            notes.push(format!(
                "bỏ qua trang tính '{name}': {} ô có dữ liệu trên {} dòng × {} cột, vượt giới hạn {limit} ô",
                sheet.cells.len(),
                rows.used.len(),
                cols.used.len()
            ));
            for &at in &sheet.cells {
                let file = patched.get_or_insert_with(|| bytes.to_vec());
                write_u16(file, &stream, at, RECORD_BLANK);
            }
            for &at in &sheet.dimensions {
                write_dimensions(&mut patched, bytes, &stream, at, (0, 0, 0, 0));
            }
            continue;
        }
        for &at in &sheet.dimensions {
            if declared_area(&stream.data, at).is_some_and(|declared| declared > area) {
                write_dimensions(&mut patched, bytes, &stream, at, (top, bottom + 1, left, right + 1));
            }
        }
    }
    Ok(Guarded { bytes: patched, notes, hidden, layouts })
}

/// The body of the record whose type field is at `at`.
fn body_at(data: &[u8], at: usize) -> &[u8] {
    let len = data.get(at + 2..at + 4).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]) as usize);
    data.get(at + 4..at + 4 + len).unwrap_or_default()
}

fn u16_in(body: &[u8], i: usize) -> u32 {
    body.get(i..i + 2).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]) as u32)
}

/// A cell record's row and columns (a MULRK covers a run of columns).
fn cell_span(data: &[u8], at: usize) -> (u32, u32, u32) {
    let body = body_at(data, at);
    let typ = u16_in(data, at) as u16;
    let first = u16_in(body, 2);
    let last = if typ == RECORD_MULRK { u16_in(body, body.len().saturating_sub(2)).max(first) } else { first };
    (u16_in(body, 0), first, last)
}

/// The merged ranges of a MERGEDCELLS body: (offset in the body, first row, last row, first column, last column).
fn merged_ranges(body: &[u8]) -> impl Iterator<Item = (usize, [u32; 4])> + '_ {
    let count = u16_in(body, 0) as usize;
    (0..count)
        .map(|k| 2 + 8 * k)
        .take_while(|&o| o + 8 <= body.len())
        .map(move |o| (o, [u16_in(body, o), u16_in(body, o + 2), u16_in(body, o + 4), u16_in(body, o + 6)]))
}

/// The rows and columns a sheet's cells and merged ranges use.
fn used_axes(data: &[u8], sheet: &SheetScan) -> (Axis, Axis) {
    let (mut rows, mut cols) = (Vec::with_capacity(sheet.cells.len()), Vec::with_capacity(sheet.cells.len()));
    for &at in &sheet.cells {
        let (row, first, last) = cell_span(data, at);
        rows.push(row);
        cols.extend(first..=last);
    }
    for &at in &sheet.merges {
        for (_, [first_row, last_row, first_col, last_col]) in merged_ranges(body_at(data, at)) {
            rows.extend([first_row, last_row]);
            cols.extend([first_col, last_col]);
        }
    }
    (Axis::new(rows), Axis::new(cols))
}

/// Moves a sheet's cells and merged ranges onto the compacted rows and columns.
fn compact_sheet(
    patched: &mut Option<Vec<u8>>,
    original: &[u8],
    stream: &Stream,
    sheet: &SheetScan,
    rows: &Axis,
    cols: &Axis,
) {
    let data = &stream.data;
    let file = patched.get_or_insert_with(|| original.to_vec());
    for &at in &sheet.cells {
        let (row, first, last) = cell_span(data, at);
        write_u16(file, stream, at + 4, rows.to_compact(row));
        write_u16(file, stream, at + 6, cols.to_compact(first));
        if u16_in(data, at) as u16 == RECORD_MULRK {
            let end = at + 4 + body_at(data, at).len() - 2;
            write_u16(file, stream, end, cols.to_compact(last));
        }
    }
    for &at in &sheet.merges {
        for (offset, [first_row, last_row, first_col, last_col]) in merged_ranges(body_at(data, at)) {
            let field = at + 4 + offset;
            write_u16(file, stream, field, rows.to_compact(first_row));
            write_u16(file, stream, field + 2, rows.to_compact(last_row));
            write_u16(file, stream, field + 4, cols.to_compact(first_col));
            write_u16(file, stream, field + 6, cols.to_compact(last_col));
        }
    }
    let extent = (0, rows.original.len() as u32, 0, cols.original.len() as u32);
    for &at in &sheet.dimensions {
        write_dimensions(patched, original, stream, at, extent);
    }
}

/// Positions (in the stream) of one worksheet's records of interest.
#[derive(Default)]
struct SheetScan {
    bof: usize,
    dimensions: Vec<usize>,
    /// Offsets of cell records' type fields.
    cells: Vec<usize>,
    /// Offsets of MERGEDCELLS records' type fields.
    merges: Vec<usize>,
    /// (first row, first column, last row, last column) of the cells.
    used: Option<(u32, u32, u32, u32)>,
    hidden: Hidden,
}

#[derive(Default)]
struct Scan {
    sheets: Vec<SheetScan>,
    /// (BOF offset, sheet name) from the BOUNDSHEET records.
    names: Vec<(usize, String)>,
    encrypted: bool,
}

/// Walks the records: the first top-level substream is the workbook globals
/// (FILEPASS, BOUNDSHEET), each later worksheet substream is scanned for its
/// DIMENSIONS and cell records; charts nested inside a sheet are skipped.
fn scan(data: &[u8]) -> Scan {
    const WORKSHEET: u16 = 0x0010;
    let mut scan = Scan::default();
    let mut at = 0usize;
    let mut depth = 0usize;
    let mut substreams = 0usize;
    let mut current: Option<SheetScan> = None;
    while at + 4 <= data.len() {
        let typ = u16::from_le_bytes([data[at], data[at + 1]]);
        let len = u16::from_le_bytes([data[at + 2], data[at + 3]]) as usize;
        let body = &data[(at + 4).min(data.len())..(at + 4 + len).min(data.len())];
        let globals = substreams == 1 && depth == 1;
        match typ {
            RECORD_BOF => {
                depth += 1;
                if depth == 1 {
                    substreams += 1;
                    let kind = body.get(2..4).map(|b| u16::from_le_bytes([b[0], b[1]]));
                    if substreams > 1 && kind == Some(WORKSHEET) {
                        current = Some(SheetScan { bof: at, ..Default::default() });
                    }
                }
            }
            RECORD_EOF => {
                if depth == 1 {
                    scan.sheets.extend(current.take());
                }
                depth = depth.saturating_sub(1);
            }
            RECORD_FILEPASS if globals => scan.encrypted = true,
            RECORD_BOUNDSHEET if globals && body.len() >= 8 => {
                let bof = u32::from_le_bytes([body[0], body[1], body[2], body[3]]) as usize;
                scan.names.push((bof, boundsheet_name(&body[6..])));
            }
            _ => {}
        }
        if let Some(sheet) = current.as_mut().filter(|_| depth == 1) {
            if typ == RECORD_DIMENSIONS && matches!(len, 14 | 16) {
                sheet.dimensions.push(at + 4);
            }
            if typ == RECORD_MERGEDCELLS {
                sheet.merges.push(at);
            }
            let u16_at = |i: usize| u16::from_le_bytes([body[i], body[i + 1]]) as u32;
            if typ == RECORD_ROW && body.len() >= 16 && u16_at(12) & 0x0020 != 0 {
                sheet.hidden.hide_rows(u16_at(0), u16_at(0));
            }
            if typ == RECORD_COLINFO && body.len() >= 10 && u16_at(8) & 0x0001 != 0 {
                sheet.hidden.hide_cols(u16_at(0), u16_at(2));
            }
            let cols = if CELL_RECORDS.contains(&typ) && body.len() >= 4 {
                let col = u16::from_le_bytes([body[2], body[3]]) as u32;
                Some((col, col))
            } else if typ == RECORD_MULRK && body.len() >= 6 {
                let first = u16::from_le_bytes([body[2], body[3]]) as u32;
                let n = body.len();
                let last = u16::from_le_bytes([body[n - 2], body[n - 1]]) as u32;
                Some((first, last.max(first)))
            } else {
                None
            };
            if let Some((first_col, last_col)) = cols {
                let row = u16::from_le_bytes([body[0], body[1]]) as u32;
                sheet.cells.push(at);
                sheet.used = Some(match sheet.used {
                    None => (row, first_col, row, last_col),
                    Some((t, l, b, r)) => (t.min(row), l.min(first_col), b.max(row), r.max(last_col)),
                });
            }
        }
        at += 4 + len;
    }
    scan
}

/// A BOUNDSHEET name: length, a flag for 16-bit characters, then the characters.
fn boundsheet_name(body: &[u8]) -> String {
    let (Some(&cch), Some(&flags)) = (body.first(), body.get(1)) else { return String::new() };
    let chars = &body[2.min(body.len())..];
    if flags & 1 == 1 {
        let units: Vec<u16> =
            chars.chunks_exact(2).take(cch as usize).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        chars.iter().take(cch as usize).map(|&b| char::from(b)).collect()
    }
}

fn declared_area(data: &[u8], at: usize) -> Option<usize> {
    let body = data.get(at..at + 12)?;
    let rows = u32::from_le_bytes([body[4], body[5], body[6], body[7]])
        .saturating_sub(u32::from_le_bytes([body[0], body[1], body[2], body[3]]));
    let cols = u16::from_le_bytes([body[10], body[11]]).saturating_sub(u16::from_le_bytes([body[8], body[9]]));
    Some(rows as usize * cols as usize)
}

/// Rewrites a BIFF8 DIMENSIONS body: first row, row past the last, first column, column past the last.
fn write_dimensions(
    patched: &mut Option<Vec<u8>>,
    original: &[u8],
    stream: &Stream,
    at: usize,
    (first_row, end_row, first_col, end_col): (u32, u32, u32, u32),
) {
    if stream.data.get(at..at + 12).is_none() {
        return;
    }
    let file = patched.get_or_insert_with(|| original.to_vec());
    let mut body = Vec::with_capacity(12);
    body.extend(first_row.to_le_bytes());
    body.extend(end_row.to_le_bytes());
    body.extend((first_col as u16).to_le_bytes());
    body.extend((end_col as u16).to_le_bytes());
    for (i, b) in body.into_iter().enumerate() {
        if let Some(offset) = stream.file_offset(at + i) {
            file[offset] = b;
        }
    }
}

fn write_u16(file: &mut [u8], stream: &Stream, at: usize, value: u16) {
    for (i, b) in value.to_le_bytes().into_iter().enumerate() {
        if let Some(offset) = stream.file_offset(at + i).filter(|&o| o < file.len()) {
            file[offset] = b;
        }
    }
}

/// One stream's bytes and where each of its units lies in the file.
struct Stream {
    data: Vec<u8>,
    /// File offset of each unit (sector or mini sector) of the stream, in order.
    units: Vec<usize>,
    unit_size: usize,
}

impl Stream {
    fn file_offset(&self, pos: usize) -> Option<usize> {
        self.units.get(pos / self.unit_size).map(|start| start + pos % self.unit_size)
    }
}

/// The workbook stream's names, matched in any case as Excel matches them (`WORKBOOK`).
fn is_workbook_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("Workbook") || name.eq_ignore_ascii_case("Book")
}

/// The parts of a compound file header and tables this guard needs.
struct Compound {
    sector_size: usize,
    fat: Vec<u32>,
    directory: Vec<usize>,
    mini_cutoff: u64,
    mini_fat_start: u32,
}

impl Compound {
    fn open(bytes: &[u8]) -> Option<Compound> {
        let u16_at = |o: usize| bytes.get(o..o + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let u32_at = |o: usize| bytes.get(o..o + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let shift = u16_at(0x1E)?;
        if !(7..=16).contains(&shift) {
            return None;
        }
        let sector_size = 1usize << shift;
        let sectors_in_file = bytes.len() / sector_size;
        // The FAT sectors: 109 in the header, the rest in the DIFAT chain.
        let mut fat_sectors: Vec<u32> =
            (0..109).filter_map(|i| u32_at(0x4C + 4 * i)).filter(|&s| s < FREE_SECTOR_MARK).collect();
        let mut difat = u32_at(0x44)?;
        let per_sector = sector_size / 4;
        let mut hops = 0;
        while difat < FREE_SECTOR_MARK && hops <= sectors_in_file {
            let base = (difat as usize + 1) * sector_size;
            for i in 0..per_sector - 1 {
                fat_sectors.extend(u32_at(base + 4 * i).filter(|&s| s < FREE_SECTOR_MARK));
            }
            difat = u32_at(base + 4 * (per_sector - 1))?;
            hops += 1;
        }
        let mut fat = Vec::new();
        for s in fat_sectors.iter().take(sectors_in_file + 1) {
            let base = (*s as usize + 1) * sector_size;
            for i in 0..per_sector {
                fat.push(u32_at(base + 4 * i)?);
            }
        }
        let mut compound = Compound {
            sector_size,
            fat,
            directory: Vec::new(),
            mini_cutoff: u64::from(u32_at(0x38)?),
            mini_fat_start: u32_at(0x3C)?,
        };
        compound.directory = compound.chain(u32_at(0x30)?, bytes.len());
        Some(compound)
    }

    /// File offsets of the sectors of a chain; stops at a cycle or past the file.
    fn chain(&self, start: u32, file_len: usize) -> Vec<usize> {
        let mut sectors = Vec::new();
        let mut sector = start;
        while sector < FREE_SECTOR_MARK && sectors.len() <= self.fat.len() {
            let offset = (sector as usize + 1) * self.sector_size;
            if offset + self.sector_size > file_len {
                break;
            }
            sectors.push(offset);
            sector = *self.fat.get(sector as usize).unwrap_or(&u32::MAX);
        }
        sectors
    }

    fn read(bytes: &[u8], units: &[usize], unit_size: usize, size: usize) -> Vec<u8> {
        let mut data = Vec::with_capacity(size.min(bytes.len()));
        for &start in units {
            let end = (start + unit_size).min(bytes.len());
            data.extend_from_slice(&bytes[start.min(end)..end]);
        }
        data.truncate(size);
        data
    }

    /// The `Workbook` (or BIFF5 `Book`) stream.
    fn workbook_stream(&self, bytes: &[u8]) -> Option<Stream> {
        let dir = Self::read(bytes, &self.directory, self.sector_size, usize::MAX);
        let entries: Vec<&[u8]> = dir.chunks_exact(128).collect();
        let name_of = |e: &[u8]| {
            let len = (u16::from_le_bytes([e[64], e[65]]) as usize).min(64);
            let units: Vec<u16> = e[..len].chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
            String::from_utf16_lossy(&units).trim_end_matches('\0').to_owned()
        };
        let entry = entries.iter().find(|e| e[66] == 2 && is_workbook_name(&name_of(e)))?;
        let start = u32::from_le_bytes([entry[116], entry[117], entry[118], entry[119]]);
        let size = u32::from_le_bytes([entry[120], entry[121], entry[122], entry[123]]) as usize;
        if (size as u64) >= self.mini_cutoff {
            let units = self.chain(start, bytes.len());
            return Some(Stream {
                data: Self::read(bytes, &units, self.sector_size, size),
                units,
                unit_size: self.sector_size,
            });
        }
        // A small stream lives in 64-byte mini sectors inside the root entry's stream.
        let root = entries.first()?;
        let root_units = self.chain(u32::from_le_bytes([root[116], root[117], root[118], root[119]]), bytes.len());
        let mini_fat_bytes =
            Self::read(bytes, &self.chain(self.mini_fat_start, bytes.len()), self.sector_size, usize::MAX);
        let mini_fat: Vec<u32> =
            mini_fat_bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let mut units = Vec::new();
        let mut mini = start;
        while mini < FREE_SECTOR_MARK && units.len() <= mini_fat.len() {
            let pos = mini as usize * 64;
            let offset = root_units.get(pos / self.sector_size)? + pos % self.sector_size;
            units.push(offset);
            mini = *mini_fat.get(mini as usize)?;
        }
        Some(Stream { data: Self::read(bytes, &units, 64, size), units, unit_size: 64 })
    }
}
