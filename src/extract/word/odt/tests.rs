//! Tests of the OpenDocument text extractor: spans, covered cells, header
//! rows and nesting, fonts and hidden text, list labels, damaged files.
//! Apart from the extractor so that its files stay readable.

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
