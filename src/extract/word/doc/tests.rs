use super::*;
use crate::config::Limits;
use crate::extract::word::docx;
use crate::grid::{Table, VerticalMerge};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(name: &str) -> Document {
    let mut doc = extract(&fixture(name), &mut Budget::new(Limits::default())).expect("reads");
    crate::text::normalize_document(&mut doc);
    doc
}

fn read_docx(name: &str) -> Document {
    let mut doc = docx::extract(&fixture(name), &mut Budget::new(Limits::default())).expect("reads");
    crate::text::normalize_document(&mut doc);
    doc
}

/// Each row's cells as (column, span, merge, text).
fn cells(table: &Table) -> Vec<Vec<(usize, usize, VerticalMerge, String)>> {
    let row = |r: &crate::grid::Row| r.cells.iter().map(|c| (c.col, c.col_span, c.vmerge, c.text.clone())).collect();
    table.rows.iter().map(row).collect()
}

#[test]
fn merged_cells_read_like_the_docx_twin() {
    let doc = read("merged_sections.doc");
    let twin = read_docx("merged_sections.docx");
    assert_eq!(doc.tables.len(), twin.tables.len());
    for (table, twin) in doc.tables.iter().zip(&twin.tables) {
        assert_eq!(cells(table), cells(twin));
    }
    let all = doc.tables.iter().flat_map(|t| t.rows.iter().flat_map(|r| r.cells.iter()));
    assert!(all.clone().any(|c| c.col_span > 1), "a horizontal merge");
    assert!(all.clone().any(|c| c.vmerge == VerticalMerge::Start), "a vertical merge");
    assert!(all.clone().any(|c| c.vmerge == VerticalMerge::Continue));
    let prose = |d: &Document| d.prose.iter().map(|p| p.text.clone()).collect::<Vec<_>>();
    assert_eq!(prose(&doc), prose(&twin), "prose paragraphs (the cover letter)");
}

#[test]
fn legacy_runs_keep_their_font_and_decode_like_the_docx_twin() {
    let raw = extract(&fixture("codes_mixed_tcvn3.doc"), &mut Budget::new(Limits::default())).expect("reads");
    let fonts: std::collections::BTreeSet<_> = raw
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| &r.cells)
        .flat_map(|c| &c.runs)
        .map(|r| r.font.clone())
        .collect();
    assert!(fonts.contains(&Some(".VnTime".to_owned())), "{fonts:?}");
    let doc = read("codes_mixed_tcvn3.doc");
    let twin = read_docx("codes_mixed_tcvn3.docx");
    let texts = |d: &Document| {
        d.tables.iter().map(|t| cells(t).into_iter().flatten().map(|c| c.3).collect::<Vec<_>>()).collect::<Vec<_>>()
    };
    assert_eq!(texts(&doc), texts(&twin));
    assert!(texts(&doc).concat().iter().any(|t| t.contains("CẢI CÁCH")), "decoded Vietnamese");
}

#[test]
fn a_font_set_in_the_normal_style_reaches_the_runs() {
    let raw = extract(&fixture("tcvn3_by_style.doc"), &mut Budget::new(Limits::default())).expect("reads");
    let runs: Vec<_> = raw.tables.iter().flat_map(|t| &t.rows).flat_map(|r| &r.cells).flat_map(|c| &c.runs).collect();
    let font = |name: &str| runs.iter().filter(|r| r.font.as_deref() == Some(name)).count();
    assert!(font(".VnTime") > 10, "runs typed in the style's font");
    assert!(font(".VnTimeH") > 0, "direct fonts still win");
}

#[test]
fn nested_tables_are_their_own_hidden_runs_and_field_codes_dropped() {
    let doc = read("nested_fields_hidden.doc");
    let plain = read_docx("header_two_rows.docx");
    // The layout table opens first; the scoring table nested in it is table 2.
    assert_eq!(doc.tables.len(), plain.tables.len() + 1);
    assert_eq!(doc.tables[0].rows.len(), 1);
    assert_eq!(doc.tables[1].rows[0].location.table, 2);
    for (table, twin) in doc.tables[1..].iter().zip(&plain.tables) {
        let texts = |t: &Table| {
            cells(t).into_iter().map(|r| r.into_iter().map(|c| c.3).collect::<Vec<_>>()).collect::<Vec<_>>()
        };
        assert_eq!(texts(table), texts(twin), "no hidden 9, no field code kept");
    }
}

#[test]
fn controls_show_no_text_and_line_breaks_are_runs_of_their_own() {
    assert_eq!(visible_char(0x0B, '\u{0B}'), Some('\n'));
    assert_eq!(visible_char(0x01, '\u{01}'), None);
    assert_eq!(visible_char(0x1E, '\u{1E}'), Some('-'));
    assert_eq!(visible_char(0x41, 'A'), Some('A'));
    let mut runs = Vec::new();
    let font = Some(".VnTime".to_owned());
    for ch in "ab\ncd".chars() {
        push_char(&mut runs, ch, font.as_ref());
    }
    push_char(&mut runs, 'e', None);
    let texts: Vec<&str> = runs.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, ["ab", "\n", "cd", "e"]);
}

#[test]
fn damaged_files_are_errors_not_panics() {
    let bytes = fixture("merged_sections.doc");
    let budget = || Budget::new(Limits::default());
    for cut in [0, 7, 512, 1024, 4096, bytes.len() / 2, bytes.len() - 1] {
        let _ = extract(&bytes[..cut], &mut budget());
    }
    assert!(matches!(
        extract(b"not a compound file", &mut budget()),
        Err(ExtractError { kind: crate::extract::ErrorKind::Corrupt, .. })
    ));
    // Bytes of the FIB, the text and the property pages flipped one at a time: never a panic.
    for at in (512..bytes.len().min(12 * 1024)).step_by(61) {
        let mut broken = bytes.clone();
        broken[at] ^= 0xA5;
        let _ = extract(&broken, &mut budget());
    }
}

#[test]
fn limits_are_checked_before_the_work() {
    let limits = Limits { max_decompressed_bytes: 1024, ..Limits::default() };
    let result = extract(&fixture("merged_sections.doc"), &mut Budget::new(limits));
    assert!(matches!(result, Err(ExtractError { kind: crate::extract::ErrorKind::LimitExceeded, .. })), "{result:?}");
    let limits = Limits { max_cells: 3, ..Limits::default() };
    let result = extract(&fixture("merged_sections.doc"), &mut Budget::new(limits));
    assert!(matches!(result, Err(ExtractError { kind: crate::extract::ErrorKind::LimitExceeded, .. })), "{result:?}");
}

#[test]
fn sprm_lists_stop_at_a_truncated_operand() {
    // sprmPFInTable 1, sprmPItap 2, then a sprmTDefTable whose cb runs past the end.
    let grpprl = [0x16, 0x24, 1, 0x49, 0x66, 2, 0, 0, 0, 0x08, 0xD6, 0xFF, 0x00, 1];
    let seen: Vec<u16> = props::sprms(&grpprl).map(|(s, _)| s).collect();
    assert_eq!(seen, vec![0x2416, 0x6649]);
}
