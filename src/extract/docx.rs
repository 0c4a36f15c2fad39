//! Word (.docx) extractor.
//!
//! Reads `word/document.xml` with quick-xml straight from the zip instead of
//! through docx-rs: docx-rs's reader keeps `gridSpan`/`vMerge` in private
//! fields of its cell properties, drops `gridBefore`/`gridAfter`, flattens
//! content controls only partly, and builds the whole object tree in memory —
//! while the grid needs exactly the merge geometry, the run fonts (legacy
//! encodings are recognised by font) and a bounded, streaming read. docx-rs
//! is used where it is strong: writing the test fixtures.
//!
//! What is read: every table, nested tables as tables of their own; `gridSpan`,
//! `vMerge` (continuations marked, not duplicated), `gridBefore`/`gridAfter`,
//! `tblHeader`; text in `w:sdt` content controls and insertions (deletions
//! skipped); line breaks, tabs and symbols; the run font resolved through run,
//! paragraph style and document defaults; page numbers from the page breaks
//! Word recorded (`lastRenderedPageBreak`, explicit page breaks).

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::zip_guard::GuardedZip;
use super::{Budget, ExtractError, ExtractResult};
use crate::grid::{Cell, Document, Location, Paragraph, Row, Run, Table, VerticalMerge};

pub fn extract(bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let mut zip = GuardedZip::open(bytes, budget)?;
    let main_part = main_document_part(&mut zip, budget)?;
    let xml = zip
        .read(&main_part, budget)?
        .ok_or_else(|| ExtractError::Corrupt("tệp .docx thiếu phần nội dung chính (word/document.xml)".into()))?;
    let styles = match zip.read("word/styles.xml", budget)? {
        Some(styles_xml) => StyleFonts::parse(&styles_xml),
        None => StyleFonts::default(),
    };
    DocumentReader::new(styles, budget).read(&xml)
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
    found.ok_or_else(|| ExtractError::Corrupt("tệp .docx không có phần nội dung chính".into()))
}

/// Attribute value by local name (`w:val` → `val`), whatever the prefix.
fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == local).map(|a| {
        a.normalized_value(XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| a.value.clone().into_owned())
    })
}

fn attr_usize(e: &BytesStart, local: &str) -> Option<usize> {
    attr(e, local).and_then(|v| v.trim().parse().ok())
}

/// The font a run is typed in: `w:ascii`, else `w:hAnsi`, else `w:cs`.
fn run_fonts_name(e: &BytesStart) -> Option<String> {
    attr(e, "ascii").or_else(|| attr(e, "hAnsi")).or_else(|| attr(e, "cs"))
}

/// Fonts declared by styles, so a run without its own `w:rFonts` still gets
/// the font its paragraph or character style (or the document default) sets.
#[derive(Debug, Default)]
struct StyleFonts {
    default_font: Option<String>,
    default_paragraph_style: Option<String>,
    /// style id → (own font, basedOn)
    styles: HashMap<String, (Option<String>, Option<String>)>,
}

impl StyleFonts {
    fn parse(xml: &[u8]) -> Self {
        let mut fonts = StyleFonts::default();
        let mut reader = Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut in_defaults = false;
        let mut current: Option<(String, Option<String>, Option<String>)> = None;
        let mut current_is_default_paragraph = false;
        loop {
            let event = match reader.read_event_into(&mut buf) {
                Ok(Event::Eof) | Err(_) => break,
                Ok(event) => event,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    "docDefaults" => in_defaults = true,
                    "style" => {
                        current_is_default_paragraph = attr(&e, "default").as_deref() == Some("1")
                            && attr(&e, "type").as_deref() == Some("paragraph");
                        current = attr(&e, "styleId").map(|id| (id, None, None));
                    }
                    "basedOn" => {
                        if let Some(c) = current.as_mut() {
                            c.2 = attr(&e, "val");
                        }
                    }
                    "rFonts" => {
                        let font = run_fonts_name(&e);
                        if let Some(c) = current.as_mut() {
                            c.1 = font;
                        } else if in_defaults {
                            fonts.default_font = font;
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    "docDefaults" => in_defaults = false,
                    "style" => {
                        if let Some((id, font, based_on)) = current.take() {
                            if current_is_default_paragraph {
                                fonts.default_paragraph_style = Some(id.clone());
                            }
                            fonts.styles.insert(id, (font, based_on));
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
            buf.clear();
        }
        fonts
    }

    /// The font a style resolves to through its `basedOn` chain (bounded, cycles stop).
    fn style_font(&self, style: &str) -> Option<String> {
        let mut id = style;
        for _ in 0..16 {
            let (font, based_on) = self.styles.get(id)?;
            if font.is_some() {
                return font.clone();
            }
            id = based_on.as_deref()?;
        }
        None
    }

    fn resolve(
        &self,
        run_font: Option<&str>,
        run_style: Option<&str>,
        paragraph_style: Option<&str>,
    ) -> Option<String> {
        run_font
            .map(str::to_owned)
            .or_else(|| run_style.and_then(|s| self.style_font(s)))
            .or_else(|| paragraph_style.or(self.default_paragraph_style.as_deref()).and_then(|s| self.style_font(s)))
            .or_else(|| self.default_font.clone())
    }
}

struct CellBuilder {
    col: usize,
    col_span: usize,
    vmerge: VerticalMerge,
    runs: Vec<Run>,
    paragraphs: usize,
}

struct RowBuilder {
    cells: Vec<Cell>,
    next_col: usize,
    repeats_as_header: bool,
    page: u32,
}

struct TableBuilder {
    /// 1-based index in document order, given when the table opens, so an
    /// outer table numbers before the tables nested in it.
    index: usize,
    rows: Vec<Row>,
    row: Option<RowBuilder>,
    cell: Option<CellBuilder>,
}

/// Streaming state over `document.xml`.
struct DocumentReader<'b> {
    styles: StyleFonts,
    budget: &'b mut Budget,
    tables: Vec<(usize, Table)>,
    open_tables: Vec<TableBuilder>,
    prose: Vec<Paragraph>,
    prose_runs: Vec<Run>,
    tables_opened: usize,
    page: u32,
    /// Whether Word recorded where its pages broke. Without that, page numbers
    /// would be guesses (a table on page 5 reported as page 1), so none are given.
    pages_rendered: bool,
    paragraph_style: Option<String>,
    run_style: Option<String>,
    run_font: Option<String>,
    in_run_properties: bool,
    in_text: bool,
    /// Depth inside content whose text is not part of the document's reading
    /// order: deleted text, the fallback copy of alternate content, field codes.
    skipped_depth: usize,
    /// Depth inside text boxes: their text belongs to prose, never to a cell.
    text_box_depth: usize,
}

impl<'b> DocumentReader<'b> {
    fn new(styles: StyleFonts, budget: &'b mut Budget) -> Self {
        DocumentReader {
            styles,
            budget,
            tables: Vec::new(),
            open_tables: Vec::new(),
            prose: Vec::new(),
            prose_runs: Vec::new(),
            tables_opened: 0,
            page: 1,
            pages_rendered: false,
            paragraph_style: None,
            run_style: None,
            run_font: None,
            in_run_properties: false,
            in_text: false,
            skipped_depth: 0,
            text_box_depth: 0,
        }
    }

    fn read(mut self, xml: &[u8]) -> ExtractResult<Document> {
        let mut reader = Reader::from_reader(xml);
        reader.config_mut().check_end_names = false;
        let mut buf = Vec::new();
        let mut depth = 0usize;
        let max_depth = self.budget.limits.max_depth.saturating_mul(8);
        loop {
            let event = reader
                .read_event_into(&mut buf)
                .map_err(|e| ExtractError::Corrupt(format!("nội dung .docx bị hỏng (XML không hợp lệ): {e}")))?;
            match event {
                Event::Eof => break,
                Event::Start(e) => {
                    depth += 1;
                    if depth > max_depth {
                        return Err(ExtractError::LimitExceeded(format!(
                            "cấu trúc .docx lồng nhau quá sâu (hơn {max_depth} cấp)"
                        )));
                    }
                    self.open(&e, false)?;
                }
                Event::Empty(e) => self.open(&e, true)?,
                Event::End(e) => {
                    depth = depth.saturating_sub(1);
                    self.close(e.local_name().as_ref())?;
                }
                Event::Text(t) if self.in_text => self.push_text(&t.xml10_content()),
                Event::CData(t) if self.in_text => self.push_text(&t),
                Event::GeneralRef(r) if self.in_text => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        _ => predefined_entity(&r).map(str::to_owned),
                    };
                    if let Some(text) = resolved {
                        self.push_text(&text);
                    }
                }
                _ => {}
            }
            buf.clear();
        }
        self.finish_prose_paragraph();
        if !self.pages_rendered {
            let rows = self.tables.iter_mut().flat_map(|(_, t)| t.rows.iter_mut());
            rows.for_each(|row| row.location.page = None);
            self.prose.iter_mut().for_each(|p| p.page = None);
        }
        let notes = Vec::new();
        let mut tables = self.tables;
        tables.sort_by_key(|(index, _)| *index);
        Ok(Document {
            tables: tables.into_iter().map(|(_, t)| t).collect(),
            prose: self.prose,
            notes,
            extraction: None,
        })
    }

    fn skipping(&self) -> bool {
        self.skipped_depth > 0
    }

    fn open(&mut self, e: &BytesStart, empty: bool) -> ExtractResult<()> {
        let name = e.local_name();
        let name = name.as_ref();
        // Elements whose content is not read: count nesting so the matching end resumes.
        if matches!(name, "del" | "Fallback" | "instrText" | "delText" | "moveFrom") {
            if !empty {
                self.skipped_depth += 1;
            }
            return Ok(());
        }
        if self.skipping() {
            return Ok(());
        }
        match name {
            // Tables drawn inside text boxes are decoration, not the scoring table.
            "tbl" if !empty && self.text_box_depth == 0 => {
                self.finish_prose_paragraph();
                self.tables_opened += 1;
                self.open_tables.push(TableBuilder {
                    index: self.tables_opened,
                    rows: Vec::new(),
                    row: None,
                    cell: None,
                });
            }
            "tr" if !empty => {
                if let Some(t) = self.open_tables.last_mut() {
                    t.row =
                        Some(RowBuilder { cells: Vec::new(), next_col: 0, repeats_as_header: false, page: self.page });
                }
            }
            "gridBefore" => {
                if let Some(row) = self.open_tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.next_col += attr_usize(e, "val").unwrap_or(0).min(64);
                }
            }
            "tblHeader" => {
                if let Some(row) = self.open_tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.repeats_as_header = !matches!(attr(e, "val").as_deref(), Some("0" | "false" | "off"));
                }
            }
            "tc" if !empty => {
                self.budget.spend_cells(1)?;
                if let Some(t) = self.open_tables.last_mut() {
                    let col = t.row.as_ref().map(|r| r.next_col).unwrap_or(0);
                    t.cell = Some(CellBuilder {
                        col,
                        col_span: 1,
                        vmerge: VerticalMerge::None,
                        runs: Vec::new(),
                        paragraphs: 0,
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
                self.text_box_depth += 1;
            }
            "p" => {
                self.paragraph_style = None;
                if !empty {
                    self.start_paragraph();
                }
            }
            "pStyle" => self.paragraph_style = attr(e, "val"),
            "r" => {
                self.run_font = None;
                self.run_style = None;
            }
            "rPr" if !empty => self.in_run_properties = true,
            "rStyle" if self.in_run_properties => self.run_style = attr(e, "val"),
            "rFonts" if self.in_run_properties => self.run_font = run_fonts_name(e),
            "t" if !empty => self.in_text = true,
            "tab" if !self.in_run_properties && !empty_is_tab_stop(e) => self.push_text("\t"),
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
        if matches!(name, "del" | "Fallback" | "instrText" | "delText" | "moveFrom") {
            self.skipped_depth = self.skipped_depth.saturating_sub(1);
            return Ok(());
        }
        if self.skipping() {
            return Ok(());
        }
        match name {
            "t" => self.in_text = false,
            "rPr" => self.in_run_properties = false,
            "p" if self.open_cell().is_none() => self.finish_prose_paragraph(),
            "txbxContent" => {
                self.text_box_depth = self.text_box_depth.saturating_sub(1);
                self.finish_prose_paragraph();
            }
            "tc" => {
                if let Some(t) = self.open_tables.last_mut() {
                    if let (Some(cell), Some(row)) = (t.cell.take(), t.row.as_mut()) {
                        let mut built = Cell::new(cell.col, cell.col_span, cell.runs);
                        built.vmerge = cell.vmerge;
                        row.next_col = cell.col + built.col_span;
                        row.cells.push(built);
                    }
                }
            }
            "tr" => {
                if let Some(t) = self.open_tables.last_mut() {
                    if let Some(row) = t.row.take() {
                        let location =
                            Location { table: t.index, row: t.rows.len() + 1, page: Some(row.page), sheet: None };
                        t.rows.push(Row { cells: row.cells, location, repeats_as_header: row.repeats_as_header });
                    }
                }
            }
            "tbl" if self.text_box_depth == 0 => {
                if let Some(t) = self.open_tables.pop() {
                    self.tables.push((t.index, Table::new(t.rows)));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn open_cell(&mut self) -> Option<&mut CellBuilder> {
        if self.text_box_depth > 0 {
            return None;
        }
        self.open_tables.last_mut().and_then(|t| t.cell.as_mut())
    }

    fn start_paragraph(&mut self) {
        if let Some(cell) = self.open_cell() {
            if cell.paragraphs > 0 {
                cell.runs.push(Run::plain("\n"));
            }
            cell.paragraphs += 1;
        }
    }

    fn current_font(&self) -> Option<String> {
        self.styles.resolve(self.run_font.as_deref(), self.run_style.as_deref(), self.paragraph_style.as_deref())
    }

    fn push_text(&mut self, text: &str) {
        let font = self.current_font();
        self.push_run(text, font);
    }

    fn push_run(&mut self, text: &str, font: Option<String>) {
        let target = match self.open_cell() {
            Some(cell) => &mut cell.runs,
            None => &mut self.prose_runs,
        };
        match target.last_mut() {
            Some(last) if last.font == font && last.text != "\n" && text != "\n" => last.text.push_str(text),
            _ => target.push(Run { text: text.to_owned(), font }),
        }
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

/// `w:tab` inside `w:tabs` (paragraph properties) is a tab stop, not a character.
fn empty_is_tab_stop(e: &BytesStart) -> bool {
    attr(e, "pos").is_some()
}

fn predefined_entity(r: &str) -> Option<&'static str> {
    Some(match r {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Limits;

    fn read_body(body: &str) -> Document {
        let xml = format!(
            r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let mut budget = Budget::new(Limits::default());
        DocumentReader::new(StyleFonts::default(), &mut budget).read(xml.as_bytes()).expect("reads")
    }

    #[test]
    fn merges_spans_and_grid_before_keep_columns_aligned() {
        let doc = read_body(
            r#"<w:tbl>
              <w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc></w:tr>
              <w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>y</w:t></w:r><w:r><w:br/><w:t>z</w:t></w:r></w:p></w:tc></w:tr>
              <w:tr><w:tc><w:p/></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t xml:space="preserve">a &amp; b</w:t></w:r></w:p><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr>
            </w:tbl>"#,
        );
        let table = &doc.tables[0];
        assert!(table.rows[0].repeats_as_header);
        assert_eq!((table.rows[0].cells[0].col_span, table.rows[0].cells[1].col), (2, 2));
        let second = &table.rows[1];
        assert_eq!((second.cells[0].col, second.cells[0].vmerge), (1, VerticalMerge::Start));
        assert_eq!(second.cells[1].raw_text(), "y\nz");
        let third = &table.rows[2];
        assert_eq!(third.cells[1].vmerge, VerticalMerge::Continue);
        assert_eq!(third.cells[2].raw_text(), "a & b\nc");
        // No page breaks rendered by Word: pages are unknown rather than guessed.
        assert_eq!(third.location, Location { table: 1, row: 3, page: None, sheet: None });
    }

    #[test]
    fn nested_tables_are_tables_of_their_own_and_prose_is_kept() {
        let doc = read_body(
            r#"<w:p><w:r><w:t>Tổng số điểm là: 97,74 điểm</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>outer</w:t></w:r></w:p>
              <w:tbl><w:tr><w:tc><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            </w:tc></w:tr></w:tbl>
            <w:p><w:r><w:lastRenderedPageBreak/><w:t>after</w:t></w:r></w:p>"#,
        );
        assert_eq!(doc.tables.len(), 2);
        assert_eq!(doc.tables[0].rows[0].cells[0].raw_text(), "outer");
        assert_eq!(doc.tables[1].rows[0].cells[0].raw_text(), "inner");
        assert_eq!(doc.tables[1].rows[0].location.table, 2);
        assert_eq!(doc.prose.len(), 2);
        assert_eq!(doc.prose[1].page, Some(2));
    }

    #[test]
    fn deleted_text_and_fallbacks_are_skipped_content_controls_read() {
        let doc = read_body(
            r#"<w:p><w:r><w:t>kept</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del>
            <w:sdt><w:sdtContent><w:r><w:t> sdt</w:t></w:r></w:sdtContent></w:sdt></w:p>"#,
        );
        assert_eq!(doc.prose[0].runs.iter().map(|r| r.text.as_str()).collect::<String>(), "kept sdt");
    }

    #[test]
    fn run_fonts_resolve_through_styles() {
        let styles = StyleFonts::parse(
            br#"<w:styles xmlns:w="x"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman"/></w:rPr></w:rPrDefault></w:docDefaults>
            <w:style w:type="paragraph" w:styleId="Body"><w:basedOn w:val="Legacy"/></w:style>
            <w:style w:type="paragraph" w:styleId="Legacy"><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr></w:style></w:styles>"#,
        );
        assert_eq!(styles.resolve(None, None, Some("Body")).as_deref(), Some(".VnTime"));
        assert_eq!(styles.resolve(Some("Arial"), None, Some("Body")).as_deref(), Some("Arial"));
        assert_eq!(styles.resolve(None, None, None).as_deref(), Some("Times New Roman"));
    }
}
