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

mod styles;

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

use crate::extract::containers::xml::{attr, resolve_reference, BoundedReader};
use crate::extract::containers::zip_guard::GuardedZip;
use crate::extract::word::table_stack::{OpenTable, TableStack};
use crate::extract::{Budget, ExtractError, ExtractResult};
use crate::grid::{append_run, Document, Paragraph, RowBuilder, RowSpans, Run, VerticalMerge};
use styles::{format_number, Styles};

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

/// The open row and how many times it repeats.
type OpenRow = (RowBuilder, usize);

/// What an ODF table adds to the shared open-table state.
#[derive(Default)]
struct TableState {
    header_depth: usize,
    row_spans: RowSpans,
}

type OdfTable = OpenTable<OpenRow, CellBuilder, TableState>;

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
    tables: TableStack<OpenRow, CellBuilder, TableState>,
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
                    t.row = Some((RowBuilder::new(Some(page)), repeat));
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

fn open_cell(t: &mut OdfTable, covered: bool, col_span: usize, row_span: usize, repeat: usize) {
    let Some((row, _)) = t.row.as_mut() else { return };
    if covered {
        // Covered by a cell spanning rows above: kept as a continuation so columns stay aligned.
        // Covered by a span to the left: already counted in that cell's span.
        for _ in 0..repeat {
            let col = row.next_col();
            let covered_left = row.cells().last().is_some_and(|c| c.columns().contains(&col));
            if !covered_left {
                t.extra.row_spans.cover(col, row);
            }
            row.skip_to(col + 1);
        }
        t.cell = None;
        return;
    }
    // A writer that leaves out the covered cells after a span still gets the next column right.
    let col = row.cells().last().map_or(row.next_col(), |c| row.next_col().max(c.col + c.col_span));
    t.extra.row_spans.open(col, col_span, row_span - 1);
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

fn close_cell(t: &mut OdfTable) {
    let (Some(cell), Some((row, _))) = (t.cell.take(), t.row.as_mut()) else { return };
    row.push_at(cell.col, cell.col_span, cell.vmerge, cell.runs);
    // Each covered cell after a span advances by one column itself; repeated cells are one column each.
    row.skip_to(cell.col + cell.advance);
}

/// Finishes the open row; returns how many rows it became.
fn close_row(t: &mut OdfTable) -> usize {
    let Some((mut row, repeat)) = t.row.take() else { return 0 };
    row.set_header(t.extra.header_depth > 0);
    let blank = row.cells().iter().all(|c| c.runs.iter().all(|r| r.text.trim().is_empty()));
    // Repeated rows are nearly always blank filler; one copy keeps the table's shape.
    let copies = if blank { 1 } else { repeat };
    for _ in 1..copies {
        t.table.push(row.clone());
    }
    t.table.push(row);
    copies
}

#[cfg(test)]
mod tests;
