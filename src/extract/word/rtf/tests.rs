//! Tests of the RTF extractor: the tokenizer, code pages and Unicode,
//! skipped destinations, table rows with merges and nesting, and hostile
//! input. Apart from the extractor so that its files stay readable.

use super::*;
use crate::config::Limits;
use crate::grid::{Location, Row};

fn read(rtf: &str) -> Document {
    let mut budget = Budget::new(Limits::default());
    extract(rtf.as_bytes(), &mut budget).expect("reads")
}

fn texts(row: &Row) -> Vec<String> {
    row.cells.iter().map(|c| c.raw_text()).collect()
}

#[test]
fn tokenizer_reads_words_symbols_hex_and_binary() {
    let mut t = Tokenizer::new(b"{\\b1 x\\'e1\\u-3 \\bin3 {}}\\~}");
    let mut got = Vec::new();
    while let Some(tok) = t.next_token() {
        got.push(tok);
    }
    assert_eq!(
        got,
        vec![
            Token::GroupStart,
            Token::Word(b"b", Some(1)),
            Token::Byte(b'x'),
            Token::Byte(0xE1),
            Token::Word(b"u", Some(-3)),
            Token::Binary(b"{}}"),
            Token::Symbol(b'~'),
            Token::GroupEnd,
        ]
    );
}

#[test]
fn code_pages_unicode_and_skipped_destinations() {
    let doc = read(
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fcharset0 Times New Roman;}{\f1\fcharset204 Arial Cyr;}{\f2\fcharset0 .VnTime;}}
{\*\generator Writer;}{\info{\title T\'e1}}
\pard Ti\u234\'3fu ch\u237\'3f {\f1 \'c4\'e0} {\*\bkmkstart x}{\field{\*\fldinst PAGE}{\fldrslt 7}}{\v hidden}\par
\pard\plain {\f2 T\'e6ng}\par
\pard{\uc2 A\u8364\'80\'80B}\par
{\upr{T\'3f}{\*\ud{T\u7893\'3f}}}\par}",
    );
    let prose: Vec<String> = doc.prose.iter().map(|p| p.runs.iter().map(|r| r.text.as_str()).collect()).collect();
    assert_eq!(prose, vec!["Tiêu chí Да 7", "Tæng", "A€B", "Tổ"]);
    assert_eq!(doc.prose[1].runs[0].font.as_deref(), Some(".VnTime"));
    assert_eq!(doc.prose[0].runs[0].font.as_deref(), Some("Times New Roman"));
}

#[test]
fn table_rows_merges_and_grid() {
    let doc = read(
        r"{\rtf1\ansi
\pard before\par
\trowd\trhdr\clmgf\cellx1000\clmrg\cellx2000\cellx3000
\pard\intbl A\cell\pard\intbl\cell\pard\intbl B\cell\row
\trowd\clvmgf\cellx1000\cellx2000\cellx3000
\pard\intbl x\cell\pard\intbl y\par z\cell\pard\intbl {\listtext\pard\plain 1.1.\tab}w\cell\row
\trowd\clvmrg\cellx1000\cellx3010
\pard\intbl\cell\pard\intbl q\cell\row
\pard after\par}",
    );
    assert_eq!(doc.tables.len(), 1);
    let t = &doc.tables[0];
    assert_eq!(t.width, 3);
    assert!(t.rows[0].repeats_as_header);
    assert_eq!(texts(&t.rows[0]), vec!["A", "B"]);
    assert_eq!((t.rows[0].cells[0].col_span, t.rows[0].cells[1].col), (2, 2));
    assert_eq!(texts(&t.rows[1]), vec!["x", "y\nz", "1.1.\tw"]);
    assert_eq!(t.rows[1].cells[0].vmerge, VerticalMerge::Start);
    assert_eq!(t.rows[2].cells[0].vmerge, VerticalMerge::Continue);
    assert_eq!((t.rows[2].cells[1].col, t.rows[2].cells[1].col_span), (1, 2));
    assert_eq!(t.rows[2].location, Location { table: 1, row: 3, page: None, sheet: None });
    assert_eq!(doc.prose.len(), 2);
}

#[test]
fn word_style_rows_defined_after_their_cells_in_code_page_1258() {
    let doc = read(
        r"{\rtf1\ansi\ansicpg1258\deff0{\fonttbl{\f0\fcharset163 Times New Roman;}}
\pard\intbl {\f0 Ti\'eau ch\'ed}\cell {1}\cell \pard\intbl{\trowd\trgaph108\trleft-108\cellx3000\cellx6000\row}
\pard\par}",
    );
    let row = &doc.tables[0].rows[0];
    assert_eq!(texts(row), vec!["Tiêu chí", "1"]);
    assert_eq!((row.cells[1].col, doc.tables[0].width), (1, 2));
}

#[test]
fn nested_tables_are_tables_of_their_own() {
    let doc = read(
        r"{\rtf1
\trowd\cellx5000
\pard\intbl outer\par
\pard\intbl\itap2 inner1\nestcell inner2\nestcell{\*\nesttableprops\trowd\cellx2000\cellx4000\nestrow}{\nonesttables\par}
\pard\intbl\itap1 tail\cell\row
\pard\par}",
    );
    assert_eq!(doc.tables.len(), 2);
    assert_eq!(doc.tables[0].rows[0].cells[0].raw_text(), "outer\ntail");
    assert_eq!(texts(&doc.tables[1].rows[0]), vec!["inner1", "inner2"]);
    assert_eq!(doc.tables[1].rows[0].location.table, 2);
}

#[test]
fn every_prefix_and_byte_flip_of_a_document_reads_without_panicking() {
    let rtf: &[u8] = br"{\rtf1\ansi\ansicpg1258{\fonttbl{\f0\fcharset163 T;}{\f1\cpg932 J;}}\uc1
\trowd\clvmgf\clmgf\cellx100\clmrg\cellx200\pard\intbl{\f1\'82\'6c}\u7893\'3f\cell\cell
\pard\intbl\itap2 x\nestcell{\*\nesttableprops\trowd\cellx50\nestrow}\pard\intbl\itap1\cell\row{\v h}\bin2 {}\par}";
    for end in 0..rtf.len() {
        let mut budget = Budget::new(Limits::default());
        let _ = extract(&rtf[..end], &mut budget);
        let mut flipped = rtf.to_vec();
        flipped[end] ^= 0x20;
        let mut budget = Budget::new(Limits::default());
        let _ = extract(&flipped, &mut budget);
    }
}

#[test]
fn hostile_input_is_an_error_not_a_panic() {
    let deep = format!("{{\\rtf1{}", "{".repeat(10_000));
    let mut budget = Budget::new(Limits::default());
    assert!(matches!(
        extract(deep.as_bytes(), &mut budget),
        Err(ExtractError { kind: crate::extract::ErrorKind::LimitExceeded, .. })
    ));
    let mut budget = Budget::new(Limits::default());
    assert!(matches!(
        extract(b"not rtf", &mut budget),
        Err(ExtractError { kind: crate::extract::ErrorKind::Corrupt, .. })
    ));
    for junk in [&b"{\\rtf1\\bin99999999"[..], b"{\\rtf1\\'", b"{\\rtf1\\u-99999999999\\cell\\row\\nestrow}}}}"] {
        let mut budget = Budget::new(Limits::default());
        assert!(extract(junk, &mut budget).is_ok());
    }
}
