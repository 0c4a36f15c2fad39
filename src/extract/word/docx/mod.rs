//! Word (.docx) extractor: the text as Word shows it.
//!
//! Reads `word/document.xml` with quick-xml straight from the zip instead of
//! through docx-rs: docx-rs's reader keeps `gridSpan`/`vMerge` in private
//! fields of its cell properties, drops `gridBefore`/`gridAfter`, flattens
//! content controls only partly, and builds the whole object tree in memory —
//! while the grid needs exactly the merge geometry, the run fonts (legacy
//! encodings are recognised by font) and a bounded, streaming read. docx-rs
//! is used where it is strong: writing the test fixtures.
//!
//! What is read: every table, nested tables as tables of their own, tables in
//! text boxes (the DrawingML copy; the VML fallback copy of `mc:AlternateContent`
//! is skipped) and in page headers and footers; `gridSpan`, `vMerge`
//! (continuations marked, not duplicated), `gridBefore`/`gridAfter`,
//! `tblHeader`; text in `w:sdt` content controls and insertions (deletions,
//! deleted rows and old formatting of tracked changes skipped); list labels
//! rendered as Word numbers them ([`numbering`]); hidden text (`w:vanish`,
//! directly or through styles) dropped, with a note when it held digits;
//! line breaks, tabs and symbols; the run font resolved through run,
//! paragraph style and document defaults ([`styles`]); page numbers from the
//! page breaks Word recorded (`lastRenderedPageBreak`, explicit page breaks).

pub(crate) mod numbering;
mod runs;
mod styles;

use quick_xml::events::{BytesStart, Event};

use crate::extract::containers::xml::{attr, resolve_reference, BoundedReader};
use crate::extract::containers::zip_guard::GuardedZip;
use crate::extract::word::table_stack::TableStack;
use crate::extract::{Budget, ExtractError, ExtractResult};
use crate::grid::{Document, Paragraph, RowBuilder, Run, VerticalMerge};
use numbering::{ListCounters, Numbering};
use styles::Styles;

/// Notes on hidden text given per document at most; the rest are counted in one more note.
const MAX_HIDDEN_NOTES: usize = 20;

pub fn extract(bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let mut zip = GuardedZip::open(bytes, budget)?;
    let main_part = main_document_part(&mut zip, budget)?;
    let xml = zip
        .read(&main_part, budget)?
        .ok_or_else(|| ExtractError::corrupt("tệp .docx thiếu phần nội dung chính (word/document.xml)".into()))?;
    let styles = match zip.read("word/styles.xml", budget)? {
        Some(styles_xml) => Styles::parse(&styles_xml),
        None => Styles::default(),
    };
    let mut numbering = match zip.read("word/numbering.xml", budget)? {
        Some(numbering_xml) => Numbering::parse(&numbering_xml),
        None => Numbering::default(),
    };
    for (style, num_id) in &styles.numbering_styles {
        numbering.link_style(style, num_id);
    }
    let mut reader = DocumentReader::new(styles, numbering, budget);
    reader.read_part(&xml)?;
    // Headers and footers after the body: units put summary tables there.
    let mut parts: Vec<String> = zip.names().into_iter().filter(|n| is_header_or_footer(n)).collect();
    parts.sort();
    for part in parts {
        reader.budget.check_time()?;
        if let Some(part_xml) = zip.read(&part, reader.budget)? {
            reader.read_part(&part_xml)?;
        }
    }
    Ok(reader.finish())
}

/// `word/header1.xml`, `word/footer2.xml` … (any other name is not a page header or footer).
fn is_header_or_footer(name: &str) -> bool {
    let Some(file) = name.strip_prefix("word/") else { return false };
    let Some(stem) = file.strip_suffix(".xml") else { return false };
    ["header", "footer"].iter().any(|p| stem.strip_prefix(p).is_some_and(|n| n.chars().all(|c| c.is_ascii_digit())))
}

/// The main part is named in `[Content_Types].xml`; nearly always `word/document.xml`.
fn main_document_part(zip: &mut GuardedZip, budget: &mut Budget) -> ExtractResult<String> {
    const DEFAULT: &str = "word/document.xml";
    if zip.contains(DEFAULT) {
        return Ok(DEFAULT.to_owned());
    }
    let types = zip.read("[Content_Types].xml", budget)?.unwrap_or_default();
    let text = String::from_utf8_lossy(&types);
    let marker = "wordprocessingml.document.main+xml";
    let found = text.split("<Override").find(|o| o.contains(marker)).and_then(|o| {
        let start = o.find("PartName=\"")? + "PartName=\"".len();
        let end = o[start..].find('"')? + start;
        Some(o[start..end].trim_start_matches('/').to_owned())
    });
    found.ok_or_else(|| ExtractError::corrupt("tệp .docx không có phần nội dung chính".into()))
}

fn attr_usize(e: &BytesStart, local: &str) -> Option<usize> {
    attr(e, local).and_then(|v| v.trim().parse().ok())
}

/// A toggle property (`<w:vanish/>`, `<w:vanish w:val="false"/>`): on unless its value says off.
fn is_on(e: &BytesStart) -> bool {
    !matches!(attr(e, "val").as_deref(), Some("0" | "false" | "off"))
}

/// The font a run is typed in: `w:ascii`, else `w:hAnsi`, else `w:cs`.
fn run_fonts_name(e: &BytesStart) -> Option<String> {
    attr(e, "ascii").or_else(|| attr(e, "hAnsi")).or_else(|| attr(e, "cs"))
}

/// Elements whose content is not part of what Word shows: deleted text, the
/// fallback copy of alternate content, field codes, and the old formatting
/// recorded by tracked changes (its `w:numPr` or `w:vanish` no longer apply).
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "del"
            | "Fallback"
            | "instrText"
            | "delText"
            | "moveFrom"
            | "pPrChange"
            | "rPrChange"
            | "numberingChange"
            | "tblPrChange"
            | "trPrChange"
            | "tcPrChange"
            | "sectPrChange"
            | "tblGridChange"
    )
}

struct CellBuilder {
    col: usize,
    col_span: usize,
    vmerge: VerticalMerge,
    runs: Vec<Run>,
    paragraphs: usize,
    /// The previous paragraph's mark was hidden: Word shows it joined to this one.
    joins_next: bool,
    /// Hidden text met in the cell, for the note.
    hidden: String,
}

struct OpenRow {
    row: RowBuilder,
    /// A row deleted in tracked changes (`w:trPr/w:del`).
    deleted: bool,
    /// The page the row starts on, for the note on hidden text.
    page: u32,
}

/// Properties of the open paragraph (a text box opens paragraphs inside one).
#[derive(Default)]
struct ParagraphState {
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<usize>,
    /// The paragraph mark's own `w:pPr/w:rPr/w:vanish`, if set.
    mark_hidden: Option<bool>,
    /// Whether the list label was placed (at the end of `w:pPr`, or at the first content).
    labelled: bool,
}

/// Properties of the open run.
#[derive(Default)]
struct RunState {
    style: Option<String>,
    font: Option<String>,
    hidden: Option<bool>,
}

/// Where a properties element (`w:rPr`, `w:numPr` …) sits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Properties {
    None,
    Paragraph,
    /// `w:pPr/w:rPr`: the paragraph mark's run properties.
    ParagraphMark,
    Run,
    Row,
}

/// Streaming state over the parts of a document.
struct DocumentReader<'b> {
    styles: Styles,
    numbering: Numbering,
    counters: ListCounters,
    budget: &'b mut Budget,
    tables: TableStack<OpenRow, CellBuilder>,
    prose: Vec<Paragraph>,
    prose_runs: Vec<Run>,
    /// Hidden text met in the open prose paragraph, for the note.
    prose_hidden: String,
    notes: Vec<String>,
    hidden_notes: usize,
    page: u32,
    /// Whether Word recorded where its pages broke. Without that, page numbers
    /// would be guesses (a table on page 5 reported as page 1), so none are given.
    pages_rendered: bool,
    paragraphs: Vec<ParagraphState>,
    runs: Vec<RunState>,
    properties: Properties,
    in_text: bool,
    /// Depth inside content whose text is not part of the document's reading order.
    skipped_depth: usize,
    /// Per open text box: the number of tables open where it starts (its
    /// paragraphs belong to no cell outside it) and the prose paragraph it interrupts.
    text_boxes: Vec<(usize, Vec<Run>)>,
}

impl<'b> DocumentReader<'b> {
    fn new(styles: Styles, numbering: Numbering, budget: &'b mut Budget) -> Self {
        DocumentReader {
            styles,
            numbering,
            counters: ListCounters::default(),
            budget,
            tables: TableStack::default(),
            prose: Vec::new(),
            prose_runs: Vec::new(),
            prose_hidden: String::new(),
            notes: Vec::new(),
            hidden_notes: 0,
            page: 1,
            pages_rendered: false,
            paragraphs: Vec::new(),
            runs: Vec::new(),
            properties: Properties::None,
            in_text: false,
            skipped_depth: 0,
            text_boxes: Vec::new(),
        }
    }

    /// Reads one part (the body, a header, a footer); lists are counted per part.
    fn read_part(&mut self, xml: &[u8]) -> ExtractResult<()> {
        self.counters = ListCounters::default();
        self.tables.discard_open();
        self.paragraphs.clear();
        self.runs.clear();
        self.text_boxes.clear();
        self.properties = Properties::None;
        self.in_text = false;
        self.skipped_depth = 0;
        let mut reader = BoundedReader::new(xml, ".docx", self.budget.limits.max_depth.saturating_mul(8));
        loop {
            match reader.next()? {
                Event::Eof => break,
                Event::Start(e) => self.open(&e, false)?,
                Event::Empty(e) => self.open(&e, true)?,
                Event::End(e) => self.close(e.local_name().as_ref())?,
                Event::Text(t) if self.in_text => self.push_text(&t.xml10_content()),
                Event::CData(t) if self.in_text => self.push_text(&t),
                Event::GeneralRef(r) if self.in_text => {
                    if let Some(text) = resolve_reference(&r) {
                        self.push_text(&text);
                    }
                }
                _ => {}
            }
        }
        self.finish_prose_paragraph();
        Ok(())
    }

    fn finish(mut self) -> Document {
        if !self.pages_rendered {
            self.prose.iter_mut().for_each(|p| p.page = None);
        }
        if self.hidden_notes > MAX_HIDDEN_NOTES {
            self.notes.push(format!(
                "còn {} chỗ khác có chữ ẩn chứa chữ số, cũng đã bỏ qua",
                self.hidden_notes - MAX_HIDDEN_NOTES
            ));
        }
        // Tables a part left open were dropped when the next part began; so are the last part's.
        self.tables.discard_open();
        Document {
            tables: self.tables.finish(self.pages_rendered),
            prose: self.prose,
            notes: self.notes,
            ..Document::default()
        }
    }

    fn skipping(&self) -> bool {
        self.skipped_depth > 0
    }

    fn open(&mut self, e: &BytesStart, empty: bool) -> ExtractResult<()> {
        let name = e.local_name();
        let name = name.as_ref();
        // A deleted row: `w:del` (empty) in the row's properties.
        if name == "del" && self.properties == Properties::Row {
            if let Some(row) = self.open_row() {
                row.deleted = true;
            }
            return Ok(());
        }
        // Elements whose content is not read: count nesting so the matching end resumes.
        if is_skipped(name) {
            if !empty {
                self.skipped_depth += 1;
            }
            return Ok(());
        }
        if self.skipping() {
            return Ok(());
        }
        match name {
            "tbl" if !empty => {
                self.finish_prose_paragraph();
                self.tables.open();
            }
            "tr" if !empty => {
                let page = self.page;
                if let Some(t) = self.tables.current() {
                    t.row = Some(OpenRow { row: RowBuilder::new(Some(page)), deleted: false, page });
                }
            }
            "trPr" if !empty => self.properties = Properties::Row,
            "gridBefore" => {
                if let Some(row) = self.open_row() {
                    row.row.skip_to(row.row.next_col() + attr_usize(e, "val").unwrap_or(0).min(64));
                }
            }
            "tblHeader" => {
                if let Some(row) = self.open_row() {
                    row.row.set_header(is_on(e));
                }
            }
            "tc" if !empty => {
                self.budget.spend_cells(1)?;
                if let Some(t) = self.tables.current() {
                    let col = t.row.as_ref().map(|r| r.row.next_col()).unwrap_or(0);
                    t.cell = Some(CellBuilder {
                        col,
                        col_span: 1,
                        vmerge: VerticalMerge::None,
                        runs: Vec::new(),
                        paragraphs: 0,
                        joins_next: false,
                        hidden: String::new(),
                    });
                }
            }
            "gridSpan" => {
                if let Some(cell) = self.open_cell() {
                    cell.col_span = attr_usize(e, "val").unwrap_or(1).clamp(1, 64);
                }
            }
            "vMerge" => {
                if let Some(cell) = self.open_cell() {
                    cell.vmerge = match attr(e, "val").as_deref() {
                        Some("restart") => VerticalMerge::Start,
                        _ => VerticalMerge::Continue,
                    };
                }
            }
            "txbxContent" if !empty => {
                let interrupted = std::mem::take(&mut self.prose_runs);
                self.text_boxes.push((self.tables.depth(), interrupted));
            }
            "p" => {
                self.paragraphs.push(ParagraphState::default());
                self.start_paragraph();
                if empty {
                    self.close("p")?;
                }
            }
            "pPr" if !empty => self.properties = Properties::Paragraph,
            "pStyle" if self.properties == Properties::Paragraph => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.style = attr(e, "val");
                }
            }
            "numId" if self.properties == Properties::Paragraph => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.num_id = attr(e, "val");
                }
            }
            "ilvl" if self.properties == Properties::Paragraph => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.ilvl = attr_usize(e, "val");
                }
            }
            "r" => {
                self.label_paragraph();
                self.runs.push(RunState::default());
                if empty {
                    self.runs.pop();
                }
            }
            "rPr" if !empty => {
                self.properties = match self.properties {
                    Properties::Paragraph => Properties::ParagraphMark,
                    _ => Properties::Run,
                }
            }
            "rStyle" if self.properties == Properties::Run => {
                if let Some(r) = self.runs.last_mut() {
                    r.style = attr(e, "val");
                }
            }
            "rFonts" if self.properties == Properties::Run => {
                if let Some(r) = self.runs.last_mut() {
                    r.font = run_fonts_name(e);
                }
            }
            "vanish" | "specVanish" => match self.properties {
                Properties::Run => {
                    if let Some(r) = self.runs.last_mut() {
                        r.hidden = Some(is_on(e));
                    }
                }
                Properties::ParagraphMark => {
                    if let Some(p) = self.paragraphs.last_mut() {
                        p.mark_hidden = Some(is_on(e));
                    }
                }
                _ => {}
            },
            "t" if !empty => self.in_text = true,
            "tab" if self.properties == Properties::None && !empty_is_tab_stop(e) => self.push_text("\t"),
            "br" | "cr" => {
                if attr(e, "type").as_deref() == Some("page") {
                    self.page += 1;
                } else {
                    self.push_text("\n");
                }
            }
            "lastRenderedPageBreak" => {
                self.page += 1;
                self.pages_rendered = true;
            }
            "noBreakHyphen" => self.push_text("-"),
            // Kept as U+00AD: in TCVN3 text this byte is the letter ư, which
            // the text stage decodes before it drops real soft hyphens.
            "softHyphen" => self.push_text("\u{AD}"),
            "sym" => {
                let symbol = attr(e, "char").and_then(|c| u32::from_str_radix(&c, 16).ok()).and_then(char::from_u32);
                if let Some(c) = symbol {
                    // Symbol fonts map their glyphs into the private-use area (F0xx).
                    let c = if (0xF020..=0xF0FF).contains(&(c as u32)) {
                        char::from_u32(c as u32 - 0xF000).unwrap_or(c)
                    } else {
                        c
                    };
                    // The symbol's own font decides how it reads (a `.VnTime` symbol is a TCVN3 byte).
                    let font = attr(e, "font").or_else(|| self.current_font());
                    self.push_run(&c.to_string(), font);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &str) -> ExtractResult<()> {
        if is_skipped(name) {
            self.skipped_depth = self.skipped_depth.saturating_sub(1);
            return Ok(());
        }
        if self.skipping() {
            return Ok(());
        }
        match name {
            "t" => self.in_text = false,
            "rPr" => {
                self.properties = match self.properties {
                    Properties::ParagraphMark => Properties::Paragraph,
                    _ => Properties::None,
                }
            }
            "pPr" => {
                self.properties = Properties::None;
                self.label_paragraph();
            }
            "trPr" => self.properties = Properties::None,
            "r" => {
                self.runs.pop();
            }
            "p" => {
                self.label_paragraph();
                let mark_hidden = self.paragraphs.pop().is_some_and(|p| self.mark_hidden(&p));
                match self.open_cell() {
                    Some(cell) => cell.joins_next = mark_hidden,
                    // A hidden paragraph mark joins the paragraph to the next one.
                    None if !mark_hidden => self.finish_prose_paragraph(),
                    None => {}
                }
            }
            "txbxContent" => {
                self.finish_prose_paragraph();
                if let Some((_, interrupted)) = self.text_boxes.pop() {
                    self.prose_runs = interrupted;
                }
            }
            "tc" => {
                let pages_rendered = self.pages_rendered;
                let mut hidden_note = None;
                if let Some(t) = self.tables.current() {
                    if let (Some(cell), Some(row)) = (t.cell.take(), t.row.as_mut()) {
                        if cell.hidden.chars().any(|c| c.is_ascii_digit()) {
                            let page = if pages_rendered { format!(", trang {}", row.page) } else { String::new() };
                            hidden_note = Some(format!(
                                "Bảng {}, dòng {}, cột {}{page}: ô có chữ ẩn «{}» (Word không hiển thị), đã bỏ qua khi đọc",
                                t.table.index(),
                                t.table.len() + 1,
                                cell.col + 1,
                                excerpt(&cell.hidden)
                            ));
                        }
                        row.row.push_at(cell.col, cell.col_span, cell.vmerge, cell.runs);
                    }
                }
                if let Some(note) = hidden_note {
                    self.note_hidden(note);
                }
            }
            "tr" => {
                if let Some(t) = self.tables.current() {
                    if let Some(row) = t.row.take().filter(|r| !r.deleted) {
                        t.table.push(row.row);
                    }
                }
            }
            "tbl" => {
                self.tables.close();
            }
            _ => {}
        }
        Ok(())
    }

    fn open_row(&mut self) -> Option<&mut OpenRow> {
        self.tables.current().and_then(|t| t.row.as_mut())
    }

    /// The cell the current text belongs to: none inside a text box unless
    /// the text box holds a table of its own.
    fn open_cell(&mut self) -> Option<&mut CellBuilder> {
        if self.text_boxes.last().is_some_and(|(base, _)| self.tables.depth() <= *base) {
            return None;
        }
        self.tables.current().and_then(|t| t.cell.as_mut())
    }
}

/// Hidden text as quoted in a note: trimmed, and cut after 40 characters (a hidden paragraph can be long).
fn excerpt(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// `w:tab` inside `w:tabs` (paragraph properties) is a tab stop, not a character.
fn empty_is_tab_stop(e: &BytesStart) -> bool {
    attr(e, "pos").is_some()
}

#[cfg(test)]
mod tests;
