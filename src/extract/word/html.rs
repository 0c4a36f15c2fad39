//! HTML extractor: web portals and "Save as Web Page" give .doc/.xls files
//! that are HTML tables (sometimes wrapped in MIME as .mht). Parsed with
//! scraper (html5ever), which is as forgiving as a browser; `colspan` and
//! `rowspan` are resolved into the grid, and `<font face>` / `font-family`
//! are kept as run fonts so legacy-encoded text can be recognised.

use ego_tree::NodeRef;
use scraper::{Html, Node};

use crate::extract::{Budget, ExtractError, ExtractResult};
use crate::grid::{append_run, Document, Paragraph, RowBuilder, RowSpans, Run, Table, TableBuilder, VerticalMerge};

pub fn extract(bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let text = decode(&unwrap_mime(bytes));
    budget.spend_bytes(text.len() as u64)?;
    // The parser's cost grows with the square of the nesting depth (20,000 nested
    // <div> took a minute): bound the depth before parsing, not after.
    let max_depth = budget.limits.max_depth.saturating_mul(8);
    if nesting_exceeds(&text, max_depth) {
        return Err(ExtractError::limit(format!("cấu trúc HTML lồng nhau quá sâu (hơn {max_depth} cấp)")));
    }
    let html = Html::parse_document(&text);
    let mut walker = Walker { budget, tables: Vec::new(), prose: Vec::new(), tables_seen: 0 };
    let mut runs = Vec::new();
    walker.walk(*html.root_element(), None, 0, &mut runs, false)?;
    walker.finish_paragraph(&mut runs);
    let mut tables = walker.tables;
    tables.sort_by_key(|(index, _)| *index);
    Ok(Document { tables: tables.into_iter().map(|(_, t)| t).collect(), prose: walker.prose, ..Document::default() })
}

/// Whether tags open deeper than `limit` (a cheap scan of the markup). Void
/// elements, self-closing tags and elements that the next sibling closes
/// implicitly (`<p>`, `<td>`, `<li>` …, often left open) do not count.
fn nesting_exceeds(html: &str, limit: usize) -> bool {
    const FLAT: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
        "p", "li", "td", "th", "tr", "option", "dt", "dd", "colgroup", "thead", "tbody", "tfoot",
    ];
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        i += offset + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let end = bytes[start..].iter().position(|b| !b.is_ascii_alphanumeric()).map_or(bytes.len(), |n| start + n);
        if end == start {
            continue; // "<!--", "<!DOCTYPE", "<?xml", a stray "<"
        }
        let name = html[start..end].to_ascii_lowercase();
        if FLAT.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        let tag_end = bytes[end..].iter().position(|&b| b == b'>').map_or(bytes.len(), |n| end + n);
        if tag_end > end && bytes[tag_end - 1] == b'/' {
            continue;
        }
        depth += 1;
        if depth > limit {
            return true;
        }
    }
    false
}

/// The HTML part of a MIME (.mht) file, quoted-printable decoded; other input unchanged.
fn unwrap_mime(bytes: &[u8]) -> Vec<u8> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    if !head.contains("mime-version:") {
        return bytes.to_vec();
    }
    let text = String::from_utf8_lossy(bytes);
    let lower = text.to_ascii_lowercase();
    let Some(start) = lower.find("<html").or_else(|| lower.find("<table")) else {
        return bytes.to_vec();
    };
    let quoted_printable = lower[..start].contains("quoted-printable");
    let body = &text[start..];
    let body = body.split("\n------=").next().unwrap_or(body);
    if !quoted_printable {
        return body.as_bytes().to_vec();
    }
    let mut out = Vec::with_capacity(body.len());
    let raw = body.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'=' if raw.get(i + 1) == Some(&b'\r') && raw.get(i + 2) == Some(&b'\n') => i += 3,
            b'=' if raw.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' => match raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    out.push(b'=');
                    i += 1;
                }
            },
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Decodes by BOM, then the declared charset, then UTF-8 if valid, else
/// Windows-1258 (the Vietnamese Windows code page).
fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode(bytes).0.into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let declared = head.find("charset=").and_then(|pos| {
        let label: String = head[pos + 8..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        encoding_rs::Encoding::for_label(label.as_bytes())
    });
    if let Some(encoding) = declared {
        return encoding.decode_without_bom_handling(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1258.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

struct Walker<'b> {
    budget: &'b mut Budget,
    tables: Vec<(usize, Table)>,
    prose: Vec<Paragraph>,
    tables_seen: usize,
}

const BLOCKS: &[&str] =
    &["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "section", "article", "center"];

impl Walker<'_> {
    /// Walks `node`, appending its text to `runs`; tables found on the way
    /// become tables of their own and never add text to `runs`. Outside a
    /// cell each block is a prose paragraph; inside one it is a line.
    fn walk(
        &mut self,
        node: NodeRef<Node>,
        font: Option<&str>,
        depth: usize,
        runs: &mut Vec<Run>,
        in_cell: bool,
    ) -> ExtractResult<()> {
        if depth > self.budget.limits.max_depth.saturating_mul(8) {
            return Err(ExtractError::limit("cấu trúc HTML lồng nhau quá sâu".into()));
        }
        for child in node.children() {
            match child.value() {
                Node::Text(text) => push(runs, text, font),
                Node::Element(element) => {
                    let name = element.name();
                    if matches!(name, "script" | "style" | "head" | "title") {
                        continue;
                    }
                    let own_font = element_font(element).or(font.map(str::to_owned));
                    match name {
                        "table" => {
                            if !in_cell {
                                self.finish_paragraph(runs);
                            }
                            self.read_table(child, own_font.as_deref(), depth + 1)?;
                        }
                        "br" => push(runs, "\n", own_font.as_deref()),
                        name if BLOCKS.contains(&name) => {
                            if in_cell {
                                if !runs.is_empty() {
                                    push(runs, "\n", None);
                                }
                                self.walk(child, own_font.as_deref(), depth + 1, runs, true)?;
                            } else {
                                self.finish_paragraph(runs);
                                self.walk(child, own_font.as_deref(), depth + 1, runs, false)?;
                                self.finish_paragraph(runs);
                            }
                        }
                        _ => self.walk(child, own_font.as_deref(), depth + 1, runs, in_cell)?,
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Outside tables, a finished block of runs is a prose paragraph. Inside a
    /// cell the walker passes a cell's runs, where blocks become line breaks.
    fn finish_paragraph(&mut self, runs: &mut Vec<Run>) {
        if runs.is_empty() {
            return;
        }
        if runs.iter().any(|r| !r.text.trim().is_empty()) {
            self.prose.push(Paragraph::new(std::mem::take(runs), None));
        }
        runs.clear();
    }

    fn read_table(&mut self, table: NodeRef<Node>, font: Option<&str>, depth: usize) -> ExtractResult<()> {
        self.tables_seen += 1;
        let index = self.tables_seen;
        let mut rows = TableBuilder::new(index);
        let mut spans = RowSpans::default();
        for tr in table_rows(table) {
            let mut row = RowBuilder::new(None);
            for td in tr.children().filter(|c| matches!(c.value(), Node::Element(e) if matches!(e.name(), "td" | "th")))
            {
                self.budget.spend_cells(1)?;
                fill_covered(&mut row, &mut spans);
                let Node::Element(element) = td.value() else { continue };
                let span = element.attr("colspan").and_then(|v| v.trim().parse().ok()).unwrap_or(1usize).clamp(1, 64);
                let rowspan =
                    element.attr("rowspan").and_then(|v| v.trim().parse().ok()).unwrap_or(1usize).clamp(1, 10_000);
                let cell_font = element_font(element).or(font.map(str::to_owned));
                let mut runs = Vec::new();
                self.walk(td, cell_font.as_deref(), depth + 1, &mut runs, true)?;
                let vmerge = if rowspan > 1 { VerticalMerge::Start } else { VerticalMerge::None };
                spans.open(row.next_col(), span, rowspan - 1);
                row.push(span, vmerge, runs);
            }
            fill_covered(&mut row, &mut spans);
            rows.push(row);
        }
        self.tables.push((index, rows.finish()));
        Ok(())
    }
}

/// Emits continuation cells for the columns a rowspan from above still covers.
fn fill_covered(row: &mut RowBuilder, spans: &mut RowSpans) {
    while spans.cover(row.next_col(), row).is_some() {}
}

/// The `tr` rows of a table, through `thead`/`tbody`/`tfoot`, not of nested tables.
fn table_rows(table: NodeRef<Node>) -> Vec<NodeRef<Node>> {
    let mut rows = Vec::new();
    for child in table.children() {
        if let Node::Element(e) = child.value() {
            match e.name() {
                "tr" => rows.push(child),
                "thead" | "tbody" | "tfoot" => {
                    rows.extend(child.children().filter(|c| matches!(c.value(), Node::Element(e) if e.name() == "tr")))
                }
                _ => {}
            }
        }
    }
    rows
}

/// The font an element sets: `<font face>` or a `font-family` style.
fn element_font(element: &scraper::node::Element) -> Option<String> {
    if let Some(face) = element.attr("face") {
        return face.split(',').next().map(|f| f.trim().trim_matches(['"', '\'']).to_owned());
    }
    let style = element.attr("style")?;
    let pos = style.to_ascii_lowercase().find("font-family:")?;
    let value = style[pos + "font-family:".len()..].split([';', ',']).next()?;
    Some(value.trim().trim_matches(['"', '\'']).to_owned()).filter(|f| !f.is_empty())
}

fn push(runs: &mut Vec<Run>, text: &str, font: Option<&str>) {
    if text.is_empty() {
        return;
    }
    append_run(runs, text, font);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;

    fn read(html: &str) -> Document {
        extract(html.as_bytes(), &mut Budget::new(Limits::default())).expect("reads")
    }

    #[test]
    fn spans_become_grid_merges() {
        let doc = read(
            "<html><body><p>Báo cáo năm 2021</p><table>
             <tr><th rowspan=2>STT</th><th colspan=2>Điểm</th></tr>
             <tr><td>Chuẩn</td><td>Tự chấm<br>(điểm)</td></tr>
             <tr><td>1</td><td>14</td><td><font face='.VnTime'>12</font></td></tr></table></body></html>",
        );
        let table = &doc.tables[0];
        assert_eq!(table.rows[0].cells[0].vmerge, VerticalMerge::Start);
        assert_eq!(table.rows[0].cells[1].col_span, 2);
        assert_eq!(table.rows[1].cells[0].vmerge, VerticalMerge::Continue);
        assert_eq!((table.rows[1].cells[1].col, table.rows[1].cells[2].raw_text().as_str()), (1, "Tự chấm\n(điểm)"));
        assert_eq!(table.rows[2].cells[2].runs[0].font.as_deref(), Some(".VnTime"));
        assert_eq!(doc.prose[0].runs[0].text, "Báo cáo năm 2021");
    }

    #[test]
    fn windows_1258_and_quoted_printable_mime() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1258.encode("<table><tr><td>Điểm</td></tr></table>");
        assert_eq!(read_bytes(&bytes).tables[0].rows[0].cells[0].raw_text(), "Điểm");
        let mht = "MIME-Version: 1.0\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<html><table><tr><td>=C4=90i=E1=BB=83m</td></tr></table></html>";
        assert_eq!(read(mht).tables[0].rows[0].cells[0].raw_text(), "Điểm");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("<html><body>{}x{}</body></html>", "<div>".repeat(20_000), "</div>".repeat(20_000));
        let mut budget = Budget::new(crate::config::Limits::default());
        assert!(matches!(
            extract(deep.as_bytes(), &mut budget),
            Err(ExtractError { kind: crate::extract::ErrorKind::LimitExceeded, .. })
        ));
        // Long flat documents with unclosed cells and paragraphs are fine.
        let flat = format!("<table>{}</table>", "<tr><td>1<td>2<p>x<br>".repeat(5_000));
        assert!(!nesting_exceeds(&flat, 512));
        assert!(nesting_exceeds(&"<span>".repeat(600), 512));
        assert!(!nesting_exceeds(&"<span>a</span>".repeat(600), 512));
    }

    fn read_bytes(bytes: &[u8]) -> Document {
        extract(bytes, &mut Budget::new(Limits::default())).expect("reads")
    }
}
