//! .xlsx/.xlsm workbooks read from the XML parts the zip preflight has
//! already inflated.
//!
//! calamine reads the same parts through a buffered reader over a second
//! inflation of every member, copying each XML event into a buffer: a
//! 10,000-row sheet spent about 50 ms in it (15 ms of them on the shared
//! strings) before parcheck looked at a single cell, which alone used up the
//! budget of a large sheet. Here quick-xml parses the inflated bytes in place
//! and each cell is built once. The reading is calamine's, rule for rule, and
//! `tests/xlsx_reader.rs` holds the two readers to the same cells on every
//! workbook the tests have: values as [`Data`] (dates by number format,
//! numbers as floats, `t="str"`/`inlineStr` strings, booleans, errors), the
//! shared-string rules (rich-text runs joined, phonetic runs left out, text
//! trimmed unless `xml:space="preserve"`, `_xHHHH_` escapes), formula texts
//! with shared formulas expanded by calamine's own
//! [`calamine::expand_shared_formula`], and merged regions. calamine stays
//! the reader of .xls, .ods and .xlsb.

use std::borrow::Cow;
use std::collections::HashMap;

use calamine::{CellErrorType, Data, Dimensions, ExcelDateTime, ExcelDateTimeType};
use quick_xml::events::{BytesStart, Event};

use crate::config::Deadline;
use crate::extract::containers::xml::{attr, resolve_reference, BoundedReader};
use crate::extract::{ExtractError, ExtractResult};

/// XML events read between two looks at the deadline.
const EVENTS_PER_TIME_CHECK: usize = 4096;

/// The bounded XML reader of [`super::xml`], also looking at the document's
/// deadline as it goes: a part of millions of empty rows, or a shared-string
/// table of millions of entries, holds no cell at which a caller could look.
struct TimedReader<'x, 'd> {
    reader: BoundedReader<'x>,
    deadline: &'d Deadline,
    events: usize,
}

impl<'x, 'd> TimedReader<'x, 'd> {
    fn new(xml: &'x [u8], max_depth: usize, deadline: &'d Deadline) -> Self {
        TimedReader { reader: BoundedReader::new(xml, ".xlsx", max_depth), deadline, events: 0 }
    }

    fn next(&mut self) -> ExtractResult<Event<'x>> {
        self.events += 1;
        if self.events.is_multiple_of(EVENTS_PER_TIME_CHECK) {
            self.deadline.check()?;
        }
        self.reader.next()
    }
}

/// The XML members of the package, by normalized name (Excel matches part
/// names without regard to case).
#[derive(Default)]
pub struct Parts(HashMap<String, Vec<u8>>);

impl Parts {
    /// Whether a member is one the workbook reader needs (XML and relationships).
    pub fn wants(name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        name.ends_with(".xml") || name.ends_with(".rels")
    }

    pub fn insert(&mut self, name: &str, data: Vec<u8>) {
        self.0.insert(part_key(name), data);
    }

    fn get(&self, name: &str) -> Option<&[u8]> {
        self.0.get(&part_key(name)).map(Vec::as_slice)
    }
}

fn part_key(name: &str) -> String {
    name.trim_start_matches('/').replace('\\', "/").to_ascii_lowercase()
}

/// How a number format shows a number: the cell kinds calamine tells apart,
/// and the decimals of a percentage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct NumberStyle {
    kind: NumberKind,
    /// Decimals a percent format shows ("0%" → 0, "0.00%" → 2).
    percent: Option<u32>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum NumberKind {
    #[default]
    Number,
    Date,
    Duration,
}

/// One sheet of the workbook: its name and its part, if the package has one.
struct SheetPart<'p> {
    name: String,
    xml: Option<&'p [u8]>,
}

/// The workbook: sheets in tab order, shared strings, cell styles.
pub struct Workbook<'p> {
    sheets: Vec<SheetPart<'p>>,
    strings: Vec<String>,
    /// Number style of each cell format (`<xf>` of `<cellXfs>`), by the cell's `s`.
    styles: Vec<NumberStyle>,
    is_1904: bool,
    max_depth: usize,
    deadline: Deadline,
}

/// One used cell as read.
#[derive(Debug, Clone, PartialEq)]
pub struct CellRecord {
    /// 0-based (row, column).
    pub pos: (u32, u32),
    pub value: Data,
    /// Formula text without `=`, shared formulas expanded.
    pub formula: Option<String>,
    /// Decimals of the cell's percent format, if it has one.
    pub percent: Option<u32>,
}

impl<'p> Workbook<'p> {
    /// The workbook of the package; `None` when it has no `workbook.xml`
    /// (an .xlsb keeps a binary workbook: calamine reads it). Reading it and
    /// its sheets gives up once `deadline` has passed.
    pub fn open(parts: &'p Parts, max_depth: usize, deadline: &Deadline) -> ExtractResult<Option<Workbook<'p>>> {
        let workbook_path = parts
            .get("_rels/.rels")
            .and_then(|rels| {
                relationships(rels, max_depth, deadline)
                    .ok()?
                    .into_iter()
                    .find(|r| r.kind.ends_with("/officeDocument"))
                    .map(|r| resolve_target("", &r.target))
            })
            .unwrap_or_else(|| "xl/workbook.xml".to_owned());
        let Some(workbook) = parts.get(&workbook_path) else { return Ok(None) };
        let dir = workbook_path.rsplit_once('/').map_or(String::new(), |(dir, _)| format!("{dir}/"));
        let file = workbook_path.rsplit_once('/').map_or(workbook_path.as_str(), |(_, file)| file);
        let targets = match parts.get(&format!("{dir}_rels/{file}.rels")) {
            Some(rels) => relationships(rels, max_depth, deadline)?,
            None => Vec::new(),
        };
        let (declared, is_1904) = sheets_and_date_system(workbook, max_depth, deadline)?;
        let sheets = declared
            .into_iter()
            .map(|(name, id)| {
                let xml = targets.iter().find(|r| r.id == id).and_then(|r| parts.get(&resolve_target(&dir, &r.target)));
                SheetPart { name, xml }
            })
            .collect();
        let strings = match parts.get(&format!("{dir}sharedStrings.xml")) {
            Some(xml) => shared_strings(xml, max_depth, deadline)?,
            None => Vec::new(),
        };
        let styles = match parts.get(&format!("{dir}styles.xml")) {
            Some(xml) => cell_styles(xml, max_depth, deadline)?,
            None => Vec::new(),
        };
        Ok(Some(Workbook { sheets, strings, styles, is_1904, max_depth, deadline: deadline.clone() }))
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|s| s.name.clone()).collect()
    }

    /// The part of the `index`th sheet (0-based), for the hidden-line scan.
    pub fn sheet_xml(&self, index: usize) -> Option<&'p [u8]> {
        self.sheets.get(index).and_then(|s| s.xml)
    }

    /// A reader over the cells of the `index`th sheet, positioned at its data.
    pub fn cells(&self, index: usize) -> ExtractResult<SheetReader<'_, 'p>> {
        let missing = || ExtractError::corrupt("tệp bảng tính thiếu phần dữ liệu của trang tính".into());
        let xml = self.sheet_xml(index).ok_or_else(missing)?;
        let mut sheet = SheetReader {
            book: self,
            reader: TimedReader::new(xml, self.max_depth, &self.deadline),
            row: 0,
            col: 0,
            shared: HashMap::new(),
            data_done: false,
        };
        loop {
            match sheet.reader.next()? {
                Event::Start(e) if e.local_name().as_ref() == "sheetData" => return Ok(sheet),
                Event::Empty(e) if e.local_name().as_ref() == "sheetData" => {
                    sheet.data_done = true;
                    return Ok(sheet);
                }
                // A chart sheet or a dialog sheet holds no cells.
                Event::Eof => return Err(ExtractError::corrupt("phần này không phải trang dữ liệu".into())),
                _ => {}
            }
        }
    }
}

/// Cells of one sheet in the order the part lists them; then its merged regions.
pub struct SheetReader<'w, 'p> {
    book: &'w Workbook<'p>,
    reader: TimedReader<'p, 'w>,
    /// Position of a row or cell that names none: the one after the previous.
    row: u32,
    col: u32,
    /// Shared formulas by index: the anchor's text and position.
    shared: HashMap<u32, (String, (u32, u32))>,
    data_done: bool,
}

impl<'w, 'p> SheetReader<'w, 'p> {
    /// The next cell of the sheet's data, `None` after the last.
    pub fn next_cell(&mut self) -> ExtractResult<Option<CellRecord>> {
        while !self.data_done {
            let event = self.reader.next()?;
            // Each element is named once: the arms below test the name, not the event.
            let name = match &event {
                Event::Start(e) | Event::Empty(e) => e.local_name().into_inner(),
                Event::End(e) => e.local_name().into_inner(),
                Event::Eof => return Err(cut_off()),
                _ => continue,
            };
            match (&event, name) {
                (Event::Start(e), "row") => self.start_row(e)?,
                (Event::Empty(e), "row") => {
                    self.start_row(e)?;
                    self.row = self.row.saturating_add(1);
                }
                (Event::End(_), "row") => {
                    self.row = self.row.saturating_add(1);
                    self.col = 0;
                }
                (Event::Start(e), "c") => {
                    let [r, s, t] = raw_attrs(e, ["r", "s", "t"]);
                    let pos = self.position(r.as_deref())?;
                    return self.cell(pos, s.as_deref(), t.as_deref()).map(Some);
                }
                (Event::Empty(e), "c") => {
                    let [r] = raw_attrs(e, ["r"]);
                    self.position(r.as_deref())?;
                }
                (Event::End(_), "sheetData") => self.data_done = true,
                _ => {}
            }
        }
        Ok(None)
    }

    fn start_row(&mut self, e: &BytesStart) -> ExtractResult<()> {
        if let [Some(r)] = raw_attrs(e, ["r"]) {
            self.row = row_number(&r)?;
        }
        self.col = 0;
        Ok(())
    }

    /// The cell's position (its `r`, or the one after the previous cell); the next cell's default.
    fn position(&mut self, r: Option<&str>) -> ExtractResult<(u32, u32)> {
        let pos = match r {
            Some(r) => cell_reference(r).ok_or_else(|| bad_reference(r))?,
            None => (self.row, self.col),
        };
        self.col = pos.1.saturating_add(1);
        Ok(pos)
    }

    fn cell(&mut self, pos: (u32, u32), style: Option<&str>, kind: Option<&str>) -> ExtractResult<CellRecord> {
        let style = style
            .and_then(|s| s.parse::<usize>().ok())
            .and_then(|s| self.book.styles.get(s).copied())
            .unwrap_or_default();
        let (mut raw, mut inline, mut formula) = (None, None, None);
        loop {
            match self.reader.next()? {
                Event::Start(child) => match child.local_name().as_ref() {
                    "v" => raw = Some(element_text(&mut self.reader)?),
                    "is" => inline = Some(rich_text(&mut self.reader, "is")?),
                    "f" => {
                        let text = element_text(&mut self.reader)?.into_owned();
                        formula = self.formula(&child, text, pos)?;
                    }
                    _ => drop(element_text(&mut self.reader)?),
                },
                // Empty elements read as calamine reads them: as opened and closed at once.
                Event::Empty(child) => match child.local_name().as_ref() {
                    "f" => formula = self.formula(&child, String::new(), pos)?,
                    "v" => raw = Some(Cow::Borrowed("")),
                    "is" => inline = Some(String::new()),
                    _ => {}
                },
                Event::End(end) if end.local_name().as_ref() == "c" => break,
                Event::Eof => return Err(cut_off()),
                _ => {}
            }
        }
        let value = match (inline, raw) {
            // An inline string is the value whatever the type says, as calamine reads it.
            (Some(text), _) => Data::String(text),
            (None, _) if matches!(kind, Some("inlineStr" | "is")) => Data::Empty,
            (None, Some(raw)) => self.value(kind, &raw, style)?,
            (None, None) => Data::Empty,
        };
        Ok(CellRecord { pos, value, formula, percent: style.percent })
    }

    /// The formula of a cell: its text, or a shared formula's anchor text moved to this cell.
    fn formula(&mut self, f: &BytesStart, text: String, pos: (u32, u32)) -> ExtractResult<Option<String>> {
        let [kind, index, range] = raw_attrs(f, ["t", "si", "ref"]);
        if kind.as_deref() != Some("shared") {
            return Ok(Some(text));
        }
        let Some(index) = index.and_then(|si| si.parse::<u32>().ok()) else {
            return Err(ExtractError::corrupt("công thức dùng chung thiếu chỉ số (si)".into()));
        };
        match range {
            Some(range) => {
                let (start, _) = range_reference(&range).ok_or_else(|| bad_reference(&range))?;
                self.shared.insert(index, (text.clone(), start));
                Ok(Some(text))
            }
            None => match self.shared.get(&index) {
                Some((anchor, start)) => calamine::expand_shared_formula(anchor, *start, pos).map(Some).map_err(|e| {
                    ExtractError::corrupt("công thức dùng chung không mở rộng được".into()).with_detail(e)
                }),
                None => Ok(None),
            },
        }
    }

    /// A `<v>` by the cell's type, as calamine reads it.
    fn value(&self, kind: Option<&str>, raw: &str, style: NumberStyle) -> ExtractResult<Data> {
        let bad = |what: &str| ExtractError::corrupt(format!("giá trị ô sai kiểu ({what}): {}", shown(raw)));
        if raw.is_empty() && !matches!(kind, Some("str" | "d")) {
            return Ok(Data::Empty);
        }
        Ok(match kind {
            Some("s") => {
                let string = raw.trim().parse::<usize>().ok().and_then(|i| self.book.strings.get(i));
                Data::String(string.ok_or_else(|| bad("chuỗi dùng chung"))?.clone())
            }
            Some("b") => match raw.trim() {
                "" => Data::Empty,
                v if v == "0" || v.eq_ignore_ascii_case("false") => Data::Bool(false),
                v if v == "1" || v.eq_ignore_ascii_case("true") => Data::Bool(true),
                _ => return Err(bad("đúng/sai")),
            },
            Some("d") => Data::DateTimeIso(raw.to_owned()),
            Some("e") => Data::Error(raw.parse::<CellErrorType>().map_err(|_| bad("lỗi"))?),
            Some("str") => Data::String(unescape_ooxml(raw).into_owned()),
            Some("n") | None => {
                match raw.parse::<f64>() {
                    Ok(n) => match style.kind {
                        NumberKind::Number => Data::Float(n),
                        NumberKind::Date => {
                            Data::DateTime(ExcelDateTime::new(n, ExcelDateTimeType::DateTime, self.book.is_1904))
                        }
                        NumberKind::Duration => {
                            Data::DateTime(ExcelDateTime::new(n, ExcelDateTimeType::TimeDelta, self.book.is_1904))
                        }
                    },
                    // Without a type the text is the value; with `t="n"` it must be a number.
                    Err(_) if kind.is_none() => Data::String(raw.to_owned()),
                    Err(_) => return Err(bad("số")),
                }
            }
            Some(_) => return Err(bad("kiểu ô")),
        })
    }

    /// The merged regions, listed after the cells.
    pub fn merged_regions(mut self) -> ExtractResult<Vec<Dimensions>> {
        while self.next_cell()?.is_some() {}
        let mut merges = Vec::new();
        loop {
            match self.reader.next()? {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "mergeCell" => {
                    if let Some(range) = attr(&e, "ref") {
                        let (start, end) = range_reference(&range).ok_or_else(|| bad_reference(&range))?;
                        merges.push(Dimensions { start, end });
                    }
                }
                Event::Eof => return Ok(merges),
                _ => {}
            }
        }
    }
}

fn cut_off() -> ExtractError {
    ExtractError::corrupt("nội dung .xlsx bị hỏng (phần nội dung kết thúc giữa chừng)".into())
}

fn bad_reference(text: &str) -> ExtractError {
    ExtractError::corrupt(format!("địa chỉ ô không hợp lệ: {}", shown(text)))
}

/// The start of a value quoted in a message: a hostile file's megabyte of text stays out.
fn shown(text: &str) -> String {
    let mut start: String = text.chars().take(40).collect();
    if start.len() < text.len() {
        start.push('…');
    }
    start
}

/// `C7` → (6, 2), 0-based; `None` for anything else.
fn cell_reference(text: &str) -> Option<(u32, u32)> {
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = text[..letters]
        .bytes()
        .try_fold(0u32, |col, b| Some(col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1))?;
    Some((row_number(&text[letters..]).ok()?, col - 1))
}

/// A 1-based row number as a 0-based row.
fn row_number(text: &str) -> ExtractResult<u32> {
    match text.parse::<u32>() {
        Ok(row) if row >= 1 => Ok(row - 1),
        _ => Err(bad_reference(text)),
    }
}

/// `A1:C3` (or a single cell) as its corners.
fn range_reference(text: &str) -> Option<((u32, u32), (u32, u32))> {
    let (first, last) = text.split_once(':').unwrap_or((text, text));
    Some((cell_reference(first)?, cell_reference(last)?))
}

/// The text of the element just opened, up to its end, entities resolved.
fn element_text<'x>(reader: &mut TimedReader<'x, '_>) -> ExtractResult<Cow<'x, str>> {
    // Most values are one piece of text, borrowed from the part.
    let mut text = Cow::Borrowed("");
    let mut append = |piece: Cow<'x, str>| match text.is_empty() {
        true => text = piece,
        false => text.to_mut().push_str(&piece),
    };
    let mut depth = 0usize;
    loop {
        match reader.next()? {
            Event::Text(t) => append(t.xml10_content()),
            Event::CData(t) => append(t.xml10_content()),
            Event::GeneralRef(r) => append(Cow::Owned(resolve_reference(&r).unwrap_or_default())),
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Eof => return Err(cut_off()),
            _ => {}
        }
    }
    Ok(text)
}

/// Raw values of attributes by local name, in one pass; for the cell
/// elements, whose attribute values are plain ASCII with nothing to resolve.
fn raw_attrs<'e, const N: usize>(e: &'e BytesStart, names: [&str; N]) -> [Option<Cow<'e, str>>; N] {
    let mut found = [const { None }; N];
    let mut attributes = e.attributes();
    attributes.with_checks(false);
    for attribute in attributes.flatten() {
        if let Some(i) = names.iter().position(|n| *n == attribute.key.local_name().as_ref()) {
            found[i] = Some(attribute.value);
        }
    }
    found
}

/// The text of a `<si>` or `<is>`: its `<t>` runs joined, phonetic guides
/// (`<rPh>`) left out, each run trimmed unless it preserves its spaces.
fn rich_text(reader: &mut TimedReader, end: &str) -> ExtractResult<String> {
    let mut text = String::new();
    let mut phonetic = false;
    loop {
        match reader.next()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "rPh" => phonetic = true,
                "t" if !phonetic => {
                    let [space] = raw_attrs(&e, ["space"]);
                    let preserve = space.as_deref() == Some("preserve");
                    let run = element_text(reader)?;
                    let run = if preserve { &run } else { run.trim_matches([' ', '\t', '\r', '\n']) };
                    text.push_str(&unescape_ooxml(run));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::End(e) if e.local_name().as_ref() == end => return Ok(text),
            Event::Eof => return Err(cut_off()),
            _ => {}
        }
    }
}

/// OOXML's escapes of characters XML cannot hold: `_x000D_` is a carriage
/// return, a pair of surrogate escapes one character, `_x005F_` a literal `_`.
fn unescape_ooxml(text: &str) -> Cow<'_, str> {
    let escape_at = |text: &str, at: usize| -> Option<u16> {
        let candidate = text.get(at..at + 7)?;
        let hex = candidate.strip_prefix("_x")?.strip_suffix('_')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u16::from_str_radix(hex, 16).ok()
    };
    if !text.contains("_x") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let Some(unit) = escape_at(text, at) else {
            let c = text[at..].chars().next().unwrap_or_default();
            out.push(c);
            at += c.len_utf8().max(1);
            continue;
        };
        at += 7;
        let c = match unit {
            0xD800..=0xDBFF => match escape_at(text, at) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    at += 7;
                    char::decode_utf16([unit, low]).next().and_then(Result::ok)
                }
                _ => None,
            },
            unit => char::from_u32(u32::from(unit)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    Cow::Owned(out)
}

struct Relationship {
    id: String,
    target: String,
    kind: String,
}

fn relationships(xml: &[u8], max_depth: usize, deadline: &Deadline) -> ExtractResult<Vec<Relationship>> {
    let mut reader = TimedReader::new(xml, max_depth, deadline);
    let mut found = Vec::new();
    loop {
        match reader.next()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    found.push(Relationship { id, target, kind: attr(&e, "Type").unwrap_or_default() });
                }
            }
            Event::Eof => return Ok(found),
            _ => {}
        }
    }
}

/// A relationship's target as a part name: absolute, or relative to `dir`.
fn resolve_target(dir: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("{dir}{target}"),
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            ".." => {
                segments.pop();
            }
            "." | "" => {}
            segment => segments.push(segment),
        }
    }
    segments.join("/")
}

/// The sheets (name, relationship id) in tab order, and whether dates count from 1904.
fn sheets_and_date_system(
    xml: &[u8],
    max_depth: usize,
    deadline: &Deadline,
) -> ExtractResult<(Vec<(String, String)>, bool)> {
    let mut reader = TimedReader::new(xml, max_depth, deadline);
    let (mut sheets, mut is_1904) = (Vec::new(), false);
    loop {
        match reader.next()? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "sheet" => {
                    if let Some(name) = attr(&e, "name") {
                        sheets.push((name, attr(&e, "id").unwrap_or_default()));
                    }
                }
                "workbookPr" => {
                    is_1904 = attr(&e, "date1904").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
                }
                _ => {}
            },
            Event::Eof => return Ok((sheets, is_1904)),
            _ => {}
        }
    }
}

fn shared_strings(xml: &[u8], max_depth: usize, deadline: &Deadline) -> ExtractResult<Vec<String>> {
    let mut reader = TimedReader::new(xml, max_depth, deadline);
    let mut strings = Vec::new();
    loop {
        match reader.next()? {
            Event::Start(e) if e.local_name().as_ref() == "si" => strings.push(rich_text(&mut reader, "si")?),
            Event::Empty(e) if e.local_name().as_ref() == "si" => strings.push(String::new()),
            Event::Eof => return Ok(strings),
            _ => {}
        }
    }
}

/// The number style of every cell format, from the custom number formats
/// (`<numFmts>`) and the built-in ones their ids name.
fn cell_styles(xml: &[u8], max_depth: usize, deadline: &Deadline) -> ExtractResult<Vec<NumberStyle>> {
    let mut reader = TimedReader::new(xml, max_depth, deadline);
    let mut custom: HashMap<String, String> = HashMap::new();
    let mut styles = Vec::new();
    let mut in_cell_formats = false;
    loop {
        match reader.next()? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (attr(&e, "numFmtId"), attr(&e, "formatCode")) {
                        custom.insert(id, code);
                    }
                }
                "cellXfs" => in_cell_formats = true,
                "xf" if in_cell_formats => styles.push(match attr(&e, "numFmtId") {
                    None => NumberStyle::default(),
                    Some(id) => match custom.get(&id) {
                        Some(code) => custom_style(code),
                        None => builtin_style(&id),
                    },
                }),
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_formats = false,
            Event::Eof => return Ok(styles),
            _ => {}
        }
    }
}

/// Built-in formats (ECMA-376 18.8.30): dates and times, elapsed time, percentages.
fn builtin_style(id: &str) -> NumberStyle {
    let (kind, percent) = match id.parse::<u32>().unwrap_or(0) {
        9 => (NumberKind::Number, Some(0)),
        10 => (NumberKind::Number, Some(2)),
        14..=22 | 45 | 47 | 27..=36 | 50..=58 => (NumberKind::Date, None),
        46 => (NumberKind::Duration, None),
        _ => (NumberKind::Number, None),
    };
    NumberStyle { kind, percent }
}

/// A custom format's first section with quoted literals and escaped characters left out.
fn format_symbols(code: &str) -> String {
    let mut symbols = String::new();
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            // `\x` is a literal, `_x` leaves x's width, `*x` fills with x.
            '\\' | '_' | '*' if !quoted => {
                chars.next();
            }
            ';' if !quoted => break,
            c if !quoted => symbols.push(c),
            _ => {}
        }
    }
    symbols
}

/// What a custom format shows: a date or time when it has date or time
/// symbols outside brackets, elapsed time for `[h]`, `[mm]`, `[ss]`, and the
/// decimals of a percentage.
fn custom_style(code: &str) -> NumberStyle {
    let symbols = format_symbols(code);
    let mut kind = NumberKind::Number;
    let mut bracket: Option<String> = None;
    for c in symbols.chars() {
        match (&mut bracket, c) {
            (None, '[') => bracket = Some(String::new()),
            (Some(inside), ']') => {
                // `[h]`, `[mm]`, `[ss]`: one time letter, repeated.
                let unit = inside.chars().next().map(|c| c.to_ascii_lowercase());
                let elapsed = matches!(unit, Some('h' | 'm' | 's'))
                    && inside.chars().all(|c| Some(c.to_ascii_lowercase()) == unit);
                if elapsed {
                    kind = NumberKind::Duration;
                    break;
                }
                bracket = None;
            }
            (Some(inside), c) => inside.push(c),
            (None, 'd' | 'm' | 'y' | 'h' | 's' | 'D' | 'M' | 'Y' | 'H' | 'S') => {
                kind = NumberKind::Date;
                break;
            }
            // "A/P" without an m: still a clock format.
            (None, 'a' | 'A') if symbols.contains("/P") || symbols.contains("/p") => {
                kind = NumberKind::Date;
                break;
            }
            _ => {}
        }
    }
    let percent = symbols.contains('%').then(|| {
        let decimals = symbols.split_once('.').map_or(0, |(_, after)| after.chars().take_while(|c| *c == '0').count());
        decimals as u32
    });
    NumberStyle { kind, percent }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_tell_dates_durations_and_percentages_apart() {
        let kind = |code: &str| custom_style(code).kind;
        assert_eq!(kind("dd/mm/yyyy"), NumberKind::Date);
        assert_eq!(kind("H:MM:SS;@"), NumberKind::Date);
        assert_eq!(kind("[h]:mm:ss"), NumberKind::Duration);
        assert_eq!(kind("[$-42A]#,##0.00"), NumberKind::Number);
        assert_eq!(kind("#,##0\" ngày\""), NumberKind::Number);
        assert_eq!(kind("0.00\\h"), NumberKind::Number);
        assert_eq!(kind("[Red]0.00"), NumberKind::Number);
        assert_eq!(kind("General"), NumberKind::Number);
        let percent = |code: &str| custom_style(code).percent;
        assert_eq!(percent("0%"), Some(0));
        assert_eq!(percent("0.00%;[Red]-0.00%"), Some(2));
        assert_eq!(percent("0.0\"%\""), None);
        assert_eq!(percent("0.00"), None);
        assert_eq!(builtin_style("10").percent, Some(2));
        assert_eq!(builtin_style("14").kind, NumberKind::Date);
        assert_eq!(builtin_style("46").kind, NumberKind::Duration);
    }

    #[test]
    fn a_sheet_of_empty_rows_still_stops_at_the_deadline() {
        let mut parts = Parts::default();
        parts.insert(
            "xl/workbook.xml",
            br#"<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>"#.to_vec(),
        );
        parts.insert(
            "xl/_rels/workbook.xml.rels",
            br#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#.to_vec(),
        );
        let rows = "<row/>".repeat(3 * EVENTS_PER_TIME_CHECK);
        parts
            .insert("xl/worksheets/sheet1.xml", format!("<worksheet><sheetData>{rows}</sheetData></worksheet>").into());
        let read_all = |deadline: &Deadline| -> ExtractResult<usize> {
            let book = Workbook::open(&parts, 16, deadline)?.expect("a workbook");
            let mut reader = book.cells(0)?;
            let mut cells = 0;
            while reader.next_cell()?.is_some() {
                cells += 1;
            }
            Ok(cells)
        };
        assert_eq!(read_all(&Deadline::after(std::time::Duration::from_secs(60))), Ok(0));
        let passed = Deadline::after(std::time::Duration::ZERO);
        std::thread::sleep(std::time::Duration::from_millis(2));
        let err = read_all(&passed).unwrap_err();
        assert_eq!(err.kind, crate::extract::ErrorKind::LimitExceeded, "{err:?}");
    }

    #[test]
    fn references_and_escapes() {
        assert_eq!(cell_reference("A1"), Some((0, 0)));
        assert_eq!(cell_reference("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_reference("c7"), Some((6, 2)));
        for bad in ["", "1", "A", "A0", "ABCD1", "A1B", "$A$1"] {
            assert_eq!(cell_reference(bad), None, "{bad}");
        }
        assert_eq!(range_reference("B2:D4"), Some(((1, 1), (3, 3))));
        assert_eq!(unescape_ooxml("a_x000D_b"), "a\rb");
        assert_eq!(unescape_ooxml("_xD83D__xDCF7_"), "📷");
        assert_eq!(unescape_ooxml("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_ooxml("_xD800_z"), "\u{FFFD}z");
        assert_eq!(unescape_ooxml("Tiêu chí_x"), "Tiêu chí_x");
        assert_eq!(resolve_target("xl/", "../customXml/item1.xml"), "customXml/item1.xml");
        assert_eq!(resolve_target("xl/", "/xl/worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
    }
}
