//! Tests of the .docx extractor: merges and spans, nested tables, skipped
//! content, hidden text and its notes, text boxes, list labels, headers and
//! footers. Apart from the extractor so that its files stay readable.

use super::*;
use crate::config::Limits;
use crate::grid::{Cell, Location};

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn read_with(body: &str, styles: &str, numbering: &str) -> Document {
    let xml = format!(r#"<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>"#);
    let styles = Styles::parse(format!("<w:styles {W}>{styles}</w:styles>").as_bytes());
    let numbering = Numbering::parse(format!("<w:numbering {W}>{numbering}</w:numbering>").as_bytes());
    let mut budget = Budget::new(Limits::default());
    let mut reader = DocumentReader::new(styles, numbering, &mut budget);
    reader.read_part(xml.as_bytes()).expect("reads");
    reader.finish()
}

fn read_body(body: &str) -> Document {
    read_with(body, "", "")
}

fn cell_texts(doc: &Document) -> Vec<Vec<String>> {
    doc.tables[0].rows.iter().map(|r| r.cells.iter().map(Cell::raw_text).collect()).collect()
}

fn prose(doc: &Document) -> Vec<String> {
    doc.prose.iter().map(|p| p.runs.iter().map(|r| r.text.as_str()).collect()).collect()
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
    assert_eq!(prose(&doc), ["kept sdt"]);
}

#[test]
fn deleted_rows_and_old_formatting_of_tracked_changes_are_not_read() {
    let doc = read_body(
        r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>1.1</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:trPr><w:del w:id="1" w:author="A"/></w:trPr><w:tc><w:p><w:r><w:t>stale</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:p><w:r><w:rPr><w:rPrChange w:id="2"><w:rPr><w:vanish/></w:rPr></w:rPrChange></w:rPr><w:t>shown</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
    );
    assert_eq!(cell_texts(&doc), [["1.1"], ["shown"]]);
    assert_eq!(doc.tables[0].rows[1].location.row, 2);
}

#[test]
fn hidden_runs_paragraphs_and_styles_are_dropped_with_a_note() {
    let styles = r#"<w:style w:type="character" w:styleId="AnChu"><w:rPr><w:vanish/></w:rPr></w:style>"#;
    let doc = read_with(
        r#"<w:p><w:r><w:t xml:space="preserve">Tổng là: </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve">98,24 </w:t></w:r><w:r><w:t>97,74</w:t></w:r></w:p>
            <w:tbl><w:tr>
              <w:tc><w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>0,5</w:t></w:r><w:r><w:t>1</w:t></w:r></w:p></w:tc>
              <w:tc><w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:rPr><w:vanish/></w:rPr><w:t>9</w:t></w:r></w:p><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc>
              <w:tc><w:p><w:r><w:rPr><w:rStyle w:val="AnChu"/></w:rPr><w:t>3,5</w:t></w:r><w:r><w:rPr><w:rStyle w:val="AnChu"/><w:vanish w:val="0"/></w:rPr><w:t>3</w:t></w:r></w:p></w:tc>
            </w:tr></w:tbl>"#,
        styles,
        "",
    );
    assert_eq!(prose(&doc), ["Tổng là: 97,74"]);
    // The hidden paragraph's mark is hidden too: no line break before the visible value.
    assert_eq!(cell_texts(&doc), [["1", "2", "3"]]);
    assert_eq!(doc.notes.len(), 4, "{:?}", doc.notes);
    assert!(doc.notes[0].contains("«98,24»"), "{:?}", doc.notes);
    assert!(doc.notes[1].starts_with("Bảng 1, dòng 1, cột 1:"), "{:?}", doc.notes);
}

#[test]
fn a_hidden_paragraph_mark_joins_prose_paragraphs() {
    let doc = read_body(
        r#"<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t xml:space="preserve">Tổng số điểm là: </w:t></w:r></w:p><w:p><w:r><w:t>97,74 điểm</w:t></w:r></w:p>"#,
    );
    assert_eq!(prose(&doc), ["Tổng số điểm là: 97,74 điểm"]);
    assert_eq!(excerpt(&format!(" {} ", "9".repeat(50))), format!("{}…", "9".repeat(40)));
}

#[test]
fn a_text_box_table_is_read_from_the_drawing_and_not_from_the_vml_fallback() {
    let table = |v: &str| format!(r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{v}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#);
    let doc = read_body(&format!(
        r#"<w:p><w:r><w:t xml:space="preserve">before </w:t></w:r><w:r><mc:AlternateContent xmlns:mc="mc"><mc:Choice Requires="wps"><w:drawing><wps:txbx xmlns:wps="wps"><w:txbxContent>{}<w:p><w:r><w:t>in box</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>
            <mc:Fallback><w:pict><v:textbox xmlns:v="v"><w:txbxContent>{}</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>after</w:t></w:r></w:p>"#,
        table("drawing"),
        table("vml")
    ));
    assert_eq!(doc.tables.len(), 1);
    assert_eq!(cell_texts(&doc), [["drawing"]]);
    // The box's own paragraph is prose; the paragraph it interrupts continues after it.
    assert_eq!(prose(&doc), ["in box", "before after"]);
}

#[test]
fn a_text_box_in_a_cell_keeps_its_table_apart_from_the_cell() {
    let doc = read_body(
        r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r><w:r><w:pict><v:textbox xmlns:v="v"><w:txbxContent><w:p><w:r><w:t>note</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>boxed</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:txbxContent></v:textbox></w:pict></w:r></w:p></w:tc></w:tr></w:tbl>"#,
    );
    assert_eq!(doc.tables.len(), 2);
    assert_eq!(doc.tables[0].rows[0].cells[0].raw_text(), "cell");
    assert_eq!(doc.tables[1].rows[0].cells[0].raw_text(), "boxed");
    assert_eq!(prose(&doc), ["note"]);
}

#[test]
fn list_labels_go_into_cells_through_numpr_and_styles() {
    let numbering = r#"<w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/><w:pStyle w:val="Muc2"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>
            <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/><w:suff w:val="space"/></w:lvl></w:abstractNum>
            <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#;
    let styles = r#"<w:style w:type="paragraph" w:styleId="Muc2"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="Muc2b"><w:basedOn w:val="Muc2"/></w:style>"#;
    let row = |p: &str| format!(r#"<w:tr><w:tc>{p}</w:tc><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"#);
    let body = [
        row(r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t>GROUP</w:t></w:r></w:p>"#),
        row(r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:p>"#),
        row(r#"<w:p><w:pPr><w:pStyle w:val="Muc2"/></w:pPr></w:p>"#),
        row(r#"<w:p><w:pPr><w:pStyle w:val="Muc2b"/></w:pPr></w:p>"#),
        row(r#"<w:p><w:pPr><w:pStyle w:val="Muc2"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>-</w:t></w:r></w:p>"#),
        // A hidden numbered paragraph shows no label and does not count.
        row(r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:rPr><w:vanish/></w:rPr></w:pPr></w:p>"#),
        row(r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:p>"#),
    ]
    .concat();
    let doc = read_with(&format!("<w:tbl>{body}</w:tbl>"), styles, numbering);
    let codes: Vec<String> = cell_texts(&doc).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(codes, ["I. GROUP", "1.\t", "1.1.", "1.2.", "-", "", "2.\t"]);
}

#[test]
fn tables_in_headers_and_footers_are_read_after_the_body() {
    let part = |root: &str, text: &str| {
        format!(
            r#"<w:{root} {W}><w:tbl><w:tr><w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:{root}>"#
        )
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, xml) in [
        ("word/document.xml", part("document", "body")),
        ("word/footer1.xml", part("ftr", "footer")),
        ("word/header1.xml", part("hdr", "header")),
        ("word/headerless.xml", part("hdr", "not a header")),
    ] {
        zip.start_file(name, options).expect("zip");
        std::io::Write::write_all(&mut zip, xml.as_bytes()).expect("zip");
    }
    let bytes = zip.finish().expect("zip").into_inner();
    let doc = extract(&bytes, &mut Budget::new(Limits::default())).expect("reads");
    let texts: Vec<String> = doc.tables.iter().map(|t| t.rows[0].cells[0].raw_text()).collect();
    assert_eq!(texts, ["body", "footer", "header"]);
    assert_eq!(doc.tables[2].rows[0].location.table, 3);
}
