//! OpenDocument text (.odt) extractor.
//!
//! Reads `content.xml` (and `styles.xml` for the named styles) with quick-xml
//! straight from the zip, under the same zip limits as .docx
//! ([`super::zip_guard`]); calamine reads only spreadsheets and no ODT crate
//! keeps cell spans, covered cells and run fonts.
//!
//! What is read: every `table:table`, nested tables as tables of their own;
//! `number-columns-spanned` as spans, `number-rows-spanned` with the
//! `covered-table-cell`s under it as vertical merges; rows in
//! `table:table-header-rows` marked as header rows; `text:p`/`text:h` with
//! `text:span`, `text:s`, `text:tab`, `text:line-break`, links and field
//! results; list labels as displayed (`text:number` when the writer cached it,
//! else counted from the list style's `num-format`, `num-prefix`/`num-suffix`,
//! `display-levels` and `start-value`), so a code column typed as a numbered
//! list keeps its codes; each run's font through its automatic or named style
//! (`style:font-name` → `office:font-face-decls`), for the legacy encodings.
//! Dropped: hidden text (`text:display="none"`, `text:hidden-text`, hidden
//! paragraphs), the deleted text kept in `text:tracked-changes`, annotations
//! and notes. Pages come from the `text:soft-page-break`s the writer recorded.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::extract::containers::xml::{attr, resolve_reference, BoundedReader};
use crate::extract::containers::zip_guard::GuardedZip;
use crate::extract::word::docx::numbering::roman;
use crate::extract::word::table_stack::{OpenTable, TableStack};
use crate::extract::{Budget, ExtractError, ExtractResult};
use crate::grid::{append_run, Cell, Document, Paragraph, Run, VerticalMerge};

pub fn extract(bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let mut zip = GuardedZip::open(bytes, budget)?;
    let content = zip
        .read("content.xml", budget)?
        .ok_or_else(|| ExtractError::corrupt("tệp .odt thiếu phần nội dung (content.xml)".into()))?;
    let mut styles = Styles::default();
    if let Some(xml) = zip.read("styles.xml", budget)? {
        styles.parse(&xml);
    }
    styles.parse(&content);
    BodyReader::new(styles, budget).read(&content)
}

/// A count attribute (`text:c`, spans, repeats), clamped so hostile values stay small.
fn attr_count(e: &BytesStart, local: &str, max: usize) -> usize {
    attr(e, local).and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, max)
}

// ---------------------------------------------------------------- styles

#[derive(Debug, Default, Clone)]
struct Style {
    parent: Option<String>,
    font: Option<String>,
    hidden: Option<bool>,
}

#[derive(Debug, Default, Clone)]
struct ListLevel {
    /// `1`, `a`, `A`, `i`, `I`, or empty for no number (bullets are empty too).
    format: String,
    prefix: String,
    suffix: String,
    display_levels: usize,
    start: u32,
}

#[derive(Debug, Default)]
struct Styles {
    /// Font face name → font family.
    faces: HashMap<String, String>,
    /// (family, name) → style; family is `paragraph` or `text`.
    styles: HashMap<(String, String), Style>,
    default_paragraph: Style,
    /// List style name → its levels (index 0 = level 1).
    lists: HashMap<String, Vec<ListLevel>>,
}

impl Styles {
    fn parse(&mut self, xml: &[u8]) {
        let mut reader = Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut current: Option<(String, String, Style)> = None;
        let mut in_default_paragraph = false;
        let mut list: Option<String> = None;
        loop {
            let event = match reader.read_event_into(&mut buf) {
                Ok(Event::Eof) | Err(_) => break,
                Ok(event) => event,
            };
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    // The body holds no style definitions; stop before reading it.
                    "body" => break,
                    "font-face" => {
                        if let Some(name) = attr(&e, "name") {
                            let family = attr(&e, "font-family").map(|f| f.trim_matches(['\'', '"']).to_owned());
                            let family = family.filter(|f| !f.is_empty()).unwrap_or_else(|| name.clone());
                            self.faces.insert(name, family);
                        }
                    }
                    "style" => {
                        let family = attr(&e, "family").unwrap_or_default();
                        let style = Style { parent: attr(&e, "parent-style-name"), ..Style::default() };
                        current = attr(&e, "name").map(|n| (family, n, style));
                        if empty {
                            self.finish_style(&mut current);
                        }
                    }
                    "default-style" => in_default_paragraph = attr(&e, "family").as_deref() == Some("paragraph"),
                    "text-properties" => {
                        let font = attr(&e, "font-name").or_else(|| attr(&e, "font-family"));
                        let hidden = attr(&e, "display").map(|d| d == "none");
                        if let Some((_, _, style)) = current.as_mut() {
                            style.font = font.or(style.font.take());
                            style.hidden = hidden.or(style.hidden);
                        } else if in_default_paragraph {
                            self.default_paragraph.font = font;
                        }
                    }
                    "list-style" => list = attr(&e, "name"),
                    "list-level-style-number" | "list-level-style-bullet" | "list-level-style-image" => {
                        let Some(name) = list.as_ref() else { continue };
                        let level = attr_count(&e, "level", 10);
                        let numbered = e.local_name().as_ref() == "list-level-style-number";
                        let entry = ListLevel {
                            format: if numbered { attr(&e, "num-format").unwrap_or_default() } else { String::new() },
                            prefix: if numbered { attr(&e, "num-prefix").unwrap_or_default() } else { String::new() },
                            suffix: if numbered { attr(&e, "num-suffix").unwrap_or_default() } else { String::new() },
                            display_levels: attr_count(&e, "display-levels", 10),
                            start: attr(&e, "start-value").and_then(|v| v.parse().ok()).unwrap_or(1),
                        };
                        let levels = self.lists.entry(name.clone()).or_default();
                        if levels.len() < level {
                            levels.resize_with(level, ListLevel::default);
                        }
                        levels[level - 1] = entry;
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    "style" => self.finish_style(&mut current),
                    "default-style" => in_default_paragraph = false,
                    "list-style" => list = None,
                    _ => {}
                },
                _ => {}
            }
            buf.clear();
        }
    }

    fn finish_style(&mut self, current: &mut Option<(String, String, Style)>) {
        if let Some((family, name, style)) = current.take() {
            self.styles.insert((family, name), style);
        }
    }

    /// Walks a style and its parents (bounded; cycles stop) for the first value `pick` gives.
    fn inherited<T>(&self, family: &str, name: Option<&str>, pick: impl Fn(&Style) -> Option<T>) -> Option<T> {
        let mut name = name?;
        for _ in 0..16 {
            let style = self.styles.get(&(family.to_owned(), name.to_owned()))?;
            if let Some(v) = pick(style) {
                return Some(v);
            }
            name = style.parent.as_deref()?;
        }
        None
    }

    fn face(&self, font: String) -> String {
        self.faces.get(&font).cloned().unwrap_or(font)
    }

    fn paragraph_font(&self, style: Option<&str>) -> Option<String> {
        let font =
            self.inherited("paragraph", style, |s| s.font.clone()).or_else(|| self.default_paragraph.font.clone());
        font.map(|f| self.face(f))
    }

    fn text_font(&self, style: Option<&str>) -> Option<String> {
        self.inherited("text", style, |s| s.font.clone()).map(|f| self.face(f))
    }

    fn paragraph_hidden(&self, style: Option<&str>) -> bool {
        self.inherited("paragraph", style, |s| s.hidden).unwrap_or(false)
    }

    fn text_hidden(&self, style: Option<&str>) -> Option<bool> {
        self.inherited("text", style, |s| s.hidden)
    }
}

/// One number in a list label's format.
fn format_number(n: u32, format: &str) -> String {
    match format {
        "a" | "A" => {
            let mut n = n.max(1);
            let mut letters = Vec::new();
            while n > 0 {
                n -= 1;
                letters.push((b'a' + (n % 26) as u8) as char);
                n /= 26;
            }
            let s: String = letters.into_iter().rev().collect();
            if format == "A" {
                s.to_uppercase()
            } else {
                s
            }
        }
        "i" | "I" => {
            // Word and ODF write Roman numerals alike; past 3999 the number stays Arabic.
            let roman = roman(i64::from(n)).unwrap_or_else(|| n.to_string());
            if format == "i" {
                roman.to_lowercase()
            } else {
                roman
            }
        }
        "" => String::new(),
        _ => n.to_string(),
    }
}

// ---------------------------------------------------------------- body

struct CellBuilder {
    col: usize,
    col_span: usize,
    /// Columns the next cell starts after (the covered cells of a span follow it).
    advance: usize,
    vmerge: VerticalMerge,
    runs: Vec<Run>,
    paragraphs: usize,
}

/// The open row: its cells, the next column, its page, how many times it repeats.
type RowBuilder = (Vec<Cell>, usize, u32, usize);

/// What an ODF table adds to the shared open-table state.
#[derive(Default)]
struct TableState {
    header_depth: usize,
    /// Start column → (rows still covered below, span) of cells spanning rows.
    row_spans: HashMap<usize, (usize, usize)>,
}

type TableBuilder = OpenTable<RowBuilder, CellBuilder, TableState>;

struct ListFrame {
    style: Option<String>,
}

struct ItemFrame {
    numbered: bool,
    start_override: Option<u32>,
    /// The label the writer cached in `text:number`, when it comes before the paragraph.
    writer_label: Option<String>,
    /// The label counted and written for this item, until a `text:number` inside the paragraph replaces it.
    counted: Option<String>,
}

/// An inline element's effect on the runs inside it.
struct SpanFrame {
    font: Option<String>,
    hidden: bool,
}

struct BodyReader<'b> {
    styles: Styles,
    budget: &'b mut Budget,
    tables: TableStack<RowBuilder, CellBuilder, TableState>,
    prose: Vec<Paragraph>,
    prose_runs: Vec<Run>,
    in_body: bool,
    /// Depth inside content that is not read (tracked changes, notes, annotations).
    skipped_depth: usize,
    text_box_depth: usize,
    /// Open paragraphs (`text:p`/`text:h` can nest through frames); the innermost decides.
    paragraphs: Vec<SpanFrame>,
    spans: Vec<SpanFrame>,
    in_number: bool,
    lists: Vec<ListFrame>,
    items: Vec<ItemFrame>,
    /// Per list style, the counters of each level.
    counters: HashMap<String, Vec<u32>>,
    page: u32,
    pages_rendered: bool,
}

impl<'b> BodyReader<'b> {
    fn new(styles: Styles, budget: &'b mut Budget) -> Self {
        BodyReader {
            styles,
            budget,
            tables: TableStack::default(),
            prose: Vec::new(),
            prose_runs: Vec::new(),
            in_body: false,
            skipped_depth: 0,
            text_box_depth: 0,
            paragraphs: Vec::new(),
            spans: Vec::new(),
            in_number: false,
            lists: Vec::new(),
            items: Vec::new(),
            counters: HashMap::new(),
            page: 1,
            pages_rendered: false,
        }
    }

    fn read(mut self, xml: &[u8]) -> ExtractResult<Document> {
        let mut reader = BoundedReader::new(xml, ".odt", self.budget.limits.max_depth.saturating_mul(8));
        loop {
            match reader.next()? {
                Event::Eof => break,
                Event::Start(e) => self.open(&e)?,
                Event::Empty(e) => {
                    self.open(&e)?;
                    self.close(e.local_name().as_ref())?;
                }
                Event::End(e) => self.close(e.local_name().as_ref())?,
                Event::Text(t) => self.push_xml_text(&t.xml10_content()),
                Event::CData(t) => self.push_xml_text(&t),
                Event::GeneralRef(r) => {
                    if let Some(text) = resolve_reference(&r) {
                        self.push_text(&text);
                    }
                }
                _ => {}
            }
        }
        self.finish_prose_paragraph();
        if !self.pages_rendered {
            self.prose.iter_mut().for_each(|p| p.page = None);
        }
        Ok(Document { tables: self.tables.finish(self.pages_rendered), prose: self.prose, ..Document::default() })
    }

    /// An element starts; empty elements are then closed by [`Self::close`] at once.
    fn open(&mut self, e: &BytesStart) -> ExtractResult<()> {
        let name = e.local_name();
        let name = name.as_ref();
        if name == "body" {
            self.in_body = true;
            return Ok(());
        }
        if !self.in_body {
            return Ok(());
        }
        if matches!(name, "tracked-changes" | "annotation" | "note" | "notes" | "desc" | "title") {
            self.skipped_depth += 1;
            return Ok(());
        }
        if self.skipped_depth > 0 {
            return Ok(());
        }
        match name {
            "table" if self.text_box_depth == 0 => {
                if self.tables.depth() == 0 {
                    self.finish_prose_paragraph();
                }
                self.tables.open();
            }
            "table-header-rows" => {
                if let Some(t) = self.tables.current() {
                    t.extra.header_depth += 1;
                }
            }
            "table-row" if self.text_box_depth == 0 => {
                let repeat = attr_count(e, "number-rows-repeated", 16);
                let page = self.page;
                if let Some(t) = self.tables.current() {
                    t.row = Some((Vec::new(), 0, page, repeat));
                }
            }
            "table-cell" | "covered-table-cell" if self.text_box_depth == 0 => {
                let repeat = attr_count(e, "number-columns-repeated", 64);
                self.budget.spend_cells(repeat)?;
                let covered = name == "covered-table-cell";
                let col_span = attr_count(e, "number-columns-spanned", 64);
                let row_span = attr_count(e, "number-rows-spanned", 4096);
                if let Some(t) = self.tables.current() {
                    open_cell(t, covered, col_span, row_span, repeat);
                }
            }
            "text-box" => self.text_box_depth += 1,
            "p" | "h" => {
                let style = attr(e, "style-name");
                let hidden = self.styles.paragraph_hidden(style.as_deref()) || self.inherited_hidden();
                let font = self.styles.paragraph_font(style.as_deref());
                self.start_paragraph();
                self.paragraphs.push(SpanFrame { font, hidden });
                self.push_list_label();
            }
            "span" | "a" => {
                let style = attr(e, "style-name");
                let outer = self.current_frame();
                let font = self.styles.text_font(style.as_deref()).or_else(|| outer.0.clone());
                let hidden = self.styles.text_hidden(style.as_deref()).unwrap_or(outer.1);
                self.spans.push(SpanFrame { font, hidden });
            }
            "hidden-text" | "hidden-paragraph" => {
                // `text:is-hidden` caches the field's condition: a hidden paragraph says "true",
                // hidden text is hidden unless it says "false".
                let is_hidden = attr(e, "is-hidden");
                if name == "hidden-paragraph" && is_hidden.as_deref() == Some("true") {
                    if let Some(p) = self.paragraphs.last_mut() {
                        p.hidden = true;
                    }
                }
                let outer = self.current_frame();
                let hidden = name == "hidden-paragraph" || is_hidden.as_deref() != Some("false");
                self.spans.push(SpanFrame { font: outer.0, hidden: hidden || outer.1 });
            }
            "s" => {
                let n = attr_count(e, "c", 256);
                self.push_text(&" ".repeat(n));
            }
            "tab" => self.push_text("\t"),
            "line-break" => self.push_text("\n"),
            "soft-page-break" => {
                self.page += 1;
                self.pages_rendered = true;
            }
            "list" => {
                let style = attr(e, "style-name").or_else(|| self.lists.last().and_then(|l| l.style.clone()));
                let continues =
                    attr(e, "continue-numbering").as_deref() == Some("true") || attr(e, "continue-list").is_some();
                if self.lists.is_empty() && !continues {
                    if let Some(s) = style.as_ref() {
                        self.counters.remove(s);
                    }
                }
                self.lists.push(ListFrame { style });
            }
            "list-item" | "list-header" => {
                let start_override = attr(e, "start-value").and_then(|v| v.parse().ok());
                // A list header is an item without a number.
                self.items.push(ItemFrame {
                    numbered: name == "list-header",
                    start_override,
                    writer_label: None,
                    counted: None,
                });
            }
            "number" => self.in_number = true,
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &str) -> ExtractResult<()> {
        if !self.in_body {
            return Ok(());
        }
        if matches!(name, "tracked-changes" | "annotation" | "note" | "notes" | "desc" | "title") {
            self.skipped_depth = self.skipped_depth.saturating_sub(1);
            return Ok(());
        }
        if self.skipped_depth > 0 {
            return Ok(());
        }
        match name {
            "p" | "h" => self.end_paragraph(),
            "span" | "a" | "hidden-text" | "hidden-paragraph" => {
                self.spans.pop();
            }
            "number" => self.in_number = false,
            "list" => {
                self.lists.pop();
            }
            "list-item" | "list-header" => {
                self.items.pop();
            }
            "text-box" => {
                self.text_box_depth = self.text_box_depth.saturating_sub(1);
                self.finish_prose_paragraph();
            }
            "table-header-rows" => {
                if let Some(t) = self.tables.current() {
                    t.extra.header_depth = t.extra.header_depth.saturating_sub(1);
                }
            }
            "table-cell" | "covered-table-cell" if self.text_box_depth == 0 => {
                if let Some(t) = self.tables.current() {
                    close_cell(t);
                }
            }
            "table-row" if self.text_box_depth == 0 => {
                if let Some(t) = self.tables.current() {
                    let copies = close_row(t);
                    // Rows cost like cells: a flood of empty rows is bounded too.
                    self.budget.spend_cells(copies)?;
                }
            }
            "table" if self.text_box_depth == 0 => self.tables.close(),
            _ => {}
        }
        Ok(())
    }

    fn inherited_hidden(&self) -> bool {
        self.paragraphs.last().is_some_and(|p| p.hidden)
    }

    /// Font and hidden state of the innermost open span or paragraph.
    fn current_frame(&self) -> (Option<String>, bool) {
        match self.spans.last().or(self.paragraphs.last()) {
            Some(frame) => (frame.font.clone(), frame.hidden || self.inherited_hidden()),
            None => (None, false),
        }
    }

    fn start_paragraph(&mut self) {
        if let Some(cell) = self.open_cell() {
            if cell.paragraphs > 0 {
                cell.runs.push(Run::plain("\n"));
            }
            cell.paragraphs += 1;
        } else if self.paragraphs.is_empty() {
            self.finish_prose_paragraph();
        }
    }

    fn end_paragraph(&mut self) {
        self.paragraphs.pop();
        self.spans.clear();
        if self.paragraphs.is_empty() && self.open_cell().is_none() {
            self.finish_prose_paragraph();
        }
    }

    /// The label of the list item the paragraph opens, counted as the writer
    /// would display it; only the item's first paragraph carries one.
    fn push_list_label(&mut self) {
        let Some(item) = self.items.last_mut() else { return };
        if item.numbered {
            return;
        }
        item.numbered = true;
        let start_override = item.start_override;
        let level = self.lists.len().clamp(1, 10);
        let Some(style) = self.lists.last().and_then(|l| l.style.clone()) else { return };
        let Some(levels) = self.styles.lists.get(&style).cloned() else { return };
        let counters = self.counters.entry(style).or_default();
        if counters.len() < level {
            // Levels never seen start one below their start value, so the first item shows it.
            for l in counters.len()..level {
                counters.push(levels.get(l).map(|d| d.start).unwrap_or(1).saturating_sub(1));
            }
        }
        counters.truncate(level);
        counters[level - 1] = match start_override {
            Some(start) => start,
            None => counters[level - 1].saturating_add(1),
        };
        let Some(def) = levels.get(level - 1) else { return };
        let shown = def.display_levels.clamp(1, level);
        let numbers: Vec<String> = (level - shown..level)
            .map(|l| format_number(counters[l], levels.get(l).map(|d| d.format.as_str()).unwrap_or("1")))
            .collect();
        if def.format.is_empty() && def.prefix.is_empty() && def.suffix.is_empty() {
            return;
        }
        let counted = format!("{}{}{}", def.prefix, numbers.join("."), def.suffix);
        let Some(item) = self.items.last_mut() else { return };
        let label = item.writer_label.take().unwrap_or(counted);
        item.counted = Some(label.clone());
        self.push_text(&label);
        self.push_text("\t");
    }

    fn open_cell(&mut self) -> Option<&mut CellBuilder> {
        if self.text_box_depth > 0 {
            return None;
        }
        self.tables.current().and_then(|t| t.cell.as_mut())
    }

    fn push_xml_text(&mut self, text: &str) {
        if self.in_number && self.skipped_depth == 0 {
            match self.items.last_mut() {
                Some(item) if self.paragraphs.is_empty() => item.writer_label = Some(text.trim().to_owned()),
                _ => self.replace_label(text),
            }
            return;
        }
        if self.paragraphs.is_empty() {
            return;
        }
        // XML line ends and tabs inside text are plain spaces in ODF.
        let text = text.replace(['\n', '\r', '\t'], " ");
        self.push_text(&text);
    }

    /// `text:number` holds the label as the writer displayed it: it wins over the counted one.
    fn replace_label(&mut self, text: &str) {
        let counted = self.items.last_mut().and_then(|i| i.counted.take());
        let Some((target, font)) = self.visible_target() else { return };
        if let Some(counted) = counted {
            if let Some(run) = target.iter_mut().rev().find(|r| r.text.contains(&counted)) {
                run.text = run.text.replacen(&counted, text.trim(), 1);
                return;
            }
        }
        target.push(Run::in_font(format!("{}\t", text.trim()), font));
    }

    fn push_text(&mut self, text: &str) {
        if self.skipped_depth > 0 || self.paragraphs.is_empty() {
            return;
        }
        let Some((target, font)) = self.visible_target() else { return };
        append_run(target, text, font.as_deref());
    }

    /// Where text goes now (the open cell, else the prose) and its font;
    /// `None` inside hidden text.
    fn visible_target(&mut self) -> Option<(&mut Vec<Run>, Option<String>)> {
        let (font, hidden) = self.current_frame();
        if hidden {
            return None;
        }
        let target = if self.open_cell().is_some() { &mut self.open_cell()?.runs } else { &mut self.prose_runs };
        Some((target, font))
    }

    fn finish_prose_paragraph(&mut self) {
        if self.prose_runs.iter().any(|r| !r.text.trim().is_empty()) {
            let runs = std::mem::take(&mut self.prose_runs);
            self.prose.push(Paragraph::new(runs, Some(self.page)));
        } else {
            self.prose_runs.clear();
        }
    }
}

fn open_cell(t: &mut TableBuilder, covered: bool, col_span: usize, row_span: usize, repeat: usize) {
    let Some((cells, next_col, _, _)) = t.row.as_mut() else { return };
    if covered {
        // Covered by a cell spanning rows above: kept as a continuation so columns stay aligned.
        // Covered by a span to the left: already counted in that cell's span.
        for _ in 0..repeat {
            let col = *next_col;
            let covered_left = cells.last().is_some_and(|c: &Cell| c.columns().contains(&col));
            match t.extra.row_spans.get_mut(&col) {
                Some((left, span)) if *left > 0 && !covered_left => {
                    *left -= 1;
                    let mut cell = Cell::new(col, *span, Vec::new());
                    cell.vmerge = VerticalMerge::Continue;
                    cells.push(cell);
                }
                _ => {}
            }
            *next_col += 1;
        }
        t.cell = None;
        return;
    }
    // A writer that leaves out the covered cells after a span still gets the next column right.
    let col = cells.last().map_or(*next_col, |c: &Cell| (*next_col).max(c.col + c.col_span));
    if row_span > 1 {
        t.extra.row_spans.insert(col, (row_span - 1, col_span));
    } else {
        t.extra.row_spans.remove(&col);
    }
    let vmerge = if row_span > 1 { VerticalMerge::Start } else { VerticalMerge::None };
    t.cell = Some(CellBuilder {
        col,
        col_span: col_span * repeat,
        advance: repeat,
        vmerge,
        runs: Vec::new(),
        paragraphs: 0,
    });
}

fn close_cell(t: &mut TableBuilder) {
    let (Some(cell), Some((cells, next_col, _, _))) = (t.cell.take(), t.row.as_mut()) else { return };
    let mut built = Cell::new(cell.col, cell.col_span, cell.runs);
    built.vmerge = cell.vmerge;
    // Each covered cell after a span advances by one column itself; repeated cells are one column each.
    *next_col = cell.col + cell.advance;
    cells.push(built);
}

/// Finishes the open row; returns how many rows it became.
fn close_row(t: &mut TableBuilder) -> usize {
    let Some((cells, _, page, repeat)) = t.row.take() else { return 0 };
    let header = t.extra.header_depth > 0;
    let blank = cells.iter().all(|c| c.runs.iter().all(|r| r.text.trim().is_empty()));
    // Repeated rows are nearly always blank filler; one copy keeps the table's shape.
    let copies = if blank { 1 } else { repeat };
    for _ in 0..copies {
        t.push_row(cells.clone(), page, header);
    }
    copies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;
    use crate::grid::Row;

    const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0""#;

    fn read(styles: &str, body: &str) -> Document {
        let xml = format!(
            r#"<?xml version="1.0"?><office:document-content {NS}><office:font-face-decls><style:font-face style:name="VnT" svg:font-family="'.VnTime'"/></office:font-face-decls><office:automatic-styles>{styles}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        );
        let mut styles = Styles::default();
        styles.parse(xml.as_bytes());
        let mut budget = Budget::new(Limits::default());
        BodyReader::new(styles, &mut budget).read(xml.as_bytes()).expect("reads")
    }

    fn texts(row: &Row) -> Vec<String> {
        row.cells.iter().map(|c| c.raw_text()).collect()
    }

    #[test]
    fn spans_covered_cells_header_rows_and_nesting() {
        let doc = read(
            "",
            r#"<text:p>Tổng số điểm:<text:s text:c="2"/>97,74</text:p>
            <table:table><table:table-header-rows><table:table-row>
              <table:table-cell table:number-columns-spanned="2"><text:p>A</text:p></table:table-cell><table:covered-table-cell/>
              <table:table-cell><text:p>B</text:p></table:table-cell></table:table-row></table:table-header-rows>
            <table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>x</text:p></table:table-cell>
              <table:table-cell><text:p>y<text:line-break/>z</text:p><text:p>w<text:tab/>v</text:p></table:table-cell>
              <table:table-cell><table:table><table:table-row><table:table-cell><text:p>inner</text:p></table:table-cell></table:table-row></table:table></table:table-cell></table:table-row>
            <table:table-row><table:covered-table-cell/><table:table-cell><text:p>q</text:p></table:table-cell><table:table-cell/></table:table-row>
            </table:table><text:p>after</text:p>"#,
        );
        assert_eq!(doc.tables.len(), 2);
        let t = &doc.tables[0];
        assert!(t.rows[0].repeats_as_header && !t.rows[1].repeats_as_header);
        assert_eq!((t.rows[0].cells[0].col_span, t.rows[0].cells[1].col), (2, 2));
        assert_eq!(texts(&t.rows[1])[..2], ["x".to_owned(), "y\nz\nw\tv".to_owned()]);
        assert_eq!(t.rows[1].cells[0].vmerge, VerticalMerge::Start);
        assert_eq!((t.rows[2].cells[0].vmerge, t.rows[2].cells[1].col), (VerticalMerge::Continue, 1));
        assert_eq!(doc.tables[1].rows[0].cells[0].raw_text(), "inner");
        assert_eq!(doc.tables[1].rows[0].location.table, 2);
        let prose: Vec<String> = doc.prose.iter().map(|p| p.runs.iter().map(|r| r.text.as_str()).collect()).collect();
        assert_eq!(prose, vec!["Tổng số điểm:  97,74", "after"]);
    }

    #[test]
    fn fonts_hidden_text_and_tracked_changes() {
        let doc = read(
            r#"<style:style style:name="P1" style:family="paragraph"><style:text-properties style:font-name="VnT"/></style:style>
            <style:style style:name="T1" style:family="text"><style:text-properties text:display="none"/></style:style>
            <style:style style:name="T2" style:family="text"><style:text-properties style:font-name="Arial"/></style:style>"#,
            r#"<text:tracked-changes><text:changed-region><text:deletion><text:p>old</text:p></text:deletion></text:changed-region></text:tracked-changes>
            <text:p text:style-name="P1">T&#xE6;ng<text:span text:style-name="T1"> 99</text:span><text:span text:style-name="T2"> new</text:span><text:hidden-text text:string-value="h"/></text:p>"#,
        );
        assert_eq!(doc.prose.len(), 1);
        let runs = &doc.prose[0].runs;
        assert_eq!(runs[0], Run::in_font("Tæng", Some(".VnTime".into())));
        assert_eq!(runs[1], Run::in_font(" new", Some("Arial".into())));
        assert_eq!(runs.len(), 2);
    }

    #[test]
    fn list_labels_are_counted_as_displayed() {
        let doc = read(
            r#"<text:list-style style:name="L1">
              <text:list-level-style-number text:level="1" style:num-format="I" style:num-suffix="."/>
              <text:list-level-style-number text:level="2" style:num-format="1" style:num-suffix="." text:display-levels="2" text:start-value="3"/>
            </text:list-style>"#,
            r#"<table:table><table:table-row><table:table-cell><text:list text:style-name="L1"><text:list-item><text:p>A</text:p></text:list-item></text:list></table:table-cell></table:table-row>
            <table:table-row><table:table-cell><text:list text:continue-numbering="true" text:style-name="L1"><text:list-item><text:list><text:list-item><text:p/></text:list-item><text:list-item><text:p/></text:list-item></text:list></text:list-item></text:list></table:table-cell></table:table-row>
            <table:table-row><table:table-cell><text:list text:continue-numbering="true" text:style-name="L1"><text:list-item><text:p>B</text:p></text:list-item></text:list></table:table-cell></table:table-row>
            <table:table-row><table:table-cell><text:list text:style-name="L1"><text:list-item><text:number>VII.</text:number><text:p>C</text:p></text:list-item></text:list></table:table-cell></table:table-row></table:table>"#,
        );
        let cells: Vec<String> = doc.tables[0].rows.iter().map(|r| r.cells[0].raw_text()).collect();
        assert_eq!(cells, vec!["I.\tA", "I.3.\t\nI.4.\t", "II.\tB", "VII.\tC"]);
        assert_eq!(format_number(28, "a"), "ab");
        assert_eq!(format_number(14, "i"), "xiv");
    }

    #[test]
    fn damaged_files_are_errors() {
        let mut budget = Budget::new(Limits::default());
        assert!(matches!(
            extract(b"PK\x03\x04garbage", &mut budget),
            Err(ExtractError { kind: crate::extract::ErrorKind::Corrupt, .. })
        ));
        let deep = format!("<office:document-content><office:body><office:text>{}", "<text:span>".repeat(10_000));
        let mut budget = Budget::new(Limits::default());
        let result = BodyReader::new(Styles::default(), &mut budget).read(deep.as_bytes());
        assert!(matches!(result, Err(ExtractError { kind: crate::extract::ErrorKind::LimitExceeded, .. })));
    }
}
