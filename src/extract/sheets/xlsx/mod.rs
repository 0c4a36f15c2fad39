//! .xlsx/.xlsm workbooks read from the XML parts the zip preflight has
//! already inflated.
//!
//! calamine reads the same parts through a buffered reader over a second
//! inflation of every member, copying each XML event into a buffer: a
//! 10,000-row sheet spent about 50 ms in it (15 ms of them on the shared
//! strings) before parcheck looked at a single cell, which alone used up the
//! budget of a large sheet. Here quick-xml parses the inflated bytes in place
//! and each cell is built once. The reading is calamine's, rule for rule, and
//! `tests/it/xlsx_reader.rs` holds the two readers to the same cells on every
//! workbook the tests have: values as [`Data`] (dates by number format,
//! numbers as floats, `t="str"`/`inlineStr` strings, booleans, errors), the
//! shared-string rules (rich-text runs joined, phonetic runs left out, text
//! trimmed unless `xml:space="preserve"`, `_xHHHH_` escapes), formula texts
//! with shared formulas expanded by calamine's own
//! [`calamine::expand_shared_formula`], and merged regions. calamine stays
//! the reader of .xls, .ods and .xlsb.

mod parts;
mod text;

use std::borrow::Cow;
use std::collections::HashMap;

use calamine::{CellErrorType, Data, Dimensions, ExcelDateTime, ExcelDateTimeType};
use quick_xml::events::{BytesStart, Event};

use crate::config::Deadline;
use crate::extract::containers::xml::{attr, BoundedReader};
use crate::extract::{ExtractError, ExtractResult};
use parts::{
    cell_styles, relationships, resolve_target, shared_strings, sheets_and_date_system, NumberKind, NumberStyle,
};
use text::{
    bad_reference, cell_reference, cut_off, element_text, plain_run, range_reference, raw_attrs, resolved, rich_text,
    row_number, shown, unescape_ooxml,
};

/// XML events read between two looks at the deadline.
const EVENTS_PER_TIME_CHECK: usize = 4096;

/// The bounded XML reader of [`super::xml`], also looking at the document's
/// deadline as it goes: a part of millions of empty rows, or a shared-string
/// table of millions of entries, holds no cell at which a caller could look.
pub(super) struct TimedReader<'x, 'd> {
    reader: BoundedReader<'x>,
    deadline: &'d Deadline,
    events: usize,
}

impl<'x, 'd> TimedReader<'x, 'd> {
    fn new(xml: &'x [u8], max_depth: usize, deadline: &'d Deadline) -> Self {
        TimedReader { reader: BoundedReader::new(xml, ".xlsx", max_depth), deadline, events: 0 }
    }

    fn next(&mut self) -> ExtractResult<Event<'x>> {
        self.count()?;
        self.reader.next()
    }

    /// One more event (or element read without them) towards the next look at the deadline.
    fn count(&mut self) -> ExtractResult<()> {
        self.events += 1;
        if self.events.is_multiple_of(EVENTS_PER_TIME_CHECK) {
            self.deadline.check()?;
        }
        Ok(())
    }

    /// [`BoundedReader::text_run`].
    fn text_run(&mut self) -> Option<&'x str> {
        self.reader.text_run()
    }

    /// [`BoundedReader::plain_leaf`], counted as an event.
    fn plain_leaf(
        &mut self,
        name: &str,
        children: &[(&str, &str)],
    ) -> ExtractResult<Option<(&'x str, usize, &'x str)>> {
        let leaf = self.reader.plain_leaf(name, children);
        if leaf.is_some() {
            self.count()?;
        }
        Ok(leaf)
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
            // Most cells hold one plain value or inline string: read without the events of their tags.
            let plain = [("<v>", "</v>"), ("<is><t>", "</t></is>")];
            if let Some((tag, child, text)) = self.reader.plain_leaf("c", &plain)? {
                let tag = BytesStart::from_content(tag, 1);
                let [r, s, t] = raw_attrs(&tag, ["r", "s", "t"]);
                let pos = self.position(r.as_deref())?;
                let (raw, inline) = match child {
                    0 => (Some(resolved(text)), None),
                    _ => (None, Some(plain_run(text))),
                };
                return self.record(pos, s.as_deref(), t.as_deref(), raw, inline, None).map(Some);
            }
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
        self.record(pos, style, kind, raw, inline, formula)
    }

    /// A cell from what its children held, as calamine reads it.
    fn record(
        &self,
        pos: (u32, u32),
        style: Option<&str>,
        kind: Option<&str>,
        raw: Option<Cow<str>>,
        inline: Option<String>,
        formula: Option<String>,
    ) -> ExtractResult<CellRecord> {
        let style = style
            .and_then(|s| s.parse::<usize>().ok())
            .and_then(|s| self.book.styles.get(s).copied())
            .unwrap_or_default();
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

#[cfg(test)]
mod tests;
