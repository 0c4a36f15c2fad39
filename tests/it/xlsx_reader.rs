//! parcheck's .xlsx reader (`extract::sheets::xlsx`) against calamine's, on every
//! workbook the tests have: the bundled ones, the shared samples when they
//! sit beside the checkout, one written by rust_xlsxwriter with every kind of
//! cell, and one written by hand with what writers other than Excel do
//! (shared formulas, rows and cells without references, inline and typed
//! strings, escapes, phonetic guides). Both must read the same cells, values,
//! formula texts and merged regions, sheet by sheet.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use calamine::{Data, Dimensions, Reader, Xlsx};
use parcheck::config::Deadline;
use parcheck::extract::sheets::xlsx::{Parts, Workbook};
use zip::write::SimpleFileOptions;

/// (position, value, formula) of every cell with a value or a formula.
type Cells = Vec<((u32, u32), Data, Option<String>)>;

/// Each sheet by name: its cells and merged regions, `None` if the reader refuses it.
type Sheets = Vec<(String, Option<(Cells, Vec<Dimensions>)>)>;

fn kept(pos: (u32, u32), value: Data, formula: Option<String>, cells: &mut Cells) {
    let formula = formula.filter(|f| !f.is_empty());
    if value != Data::Empty || formula.is_some() {
        cells.push((pos, value, formula));
    }
}

/// calamine's reading, `None` if it cannot open the workbook.
fn by_calamine(bytes: &[u8]) -> Option<Sheets> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).ok()?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let mut read = || -> Option<(Cells, Vec<Dimensions>)> {
            let mut reader = book.worksheet_cells_reader(&name).ok()?;
            let mut cells = Vec::new();
            while let Some(cell) = reader.next_cell_with_formula().ok()? {
                kept(cell.pos, Data::from(cell.value), cell.formula, &mut cells);
            }
            drop(reader);
            Some((cells, book.merge_cells_by_sheet_name(&name).ok()?))
        };
        let read = read();
        sheets.push((name, read));
    }
    Some(sheets)
}

/// The XML members, as the zip preflight inflates them; `None` for a
/// damaged zip (the preflight refuses the whole file before any reader).
fn xml_parts(bytes: &[u8]) -> Option<Parts> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut parts = Parts::default();
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).ok()?;
        let name = member.name().ok()?.to_string();
        if Parts::wants(&name) {
            let mut data = Vec::new();
            member.read_to_end(&mut data).ok()?;
            parts.insert(&name, data);
        }
    }
    Some(parts)
}

/// parcheck's reading, `None` if it cannot open the workbook.
fn by_parcheck(bytes: &[u8]) -> Option<Sheets> {
    let parts = xml_parts(bytes)?;
    let book = Workbook::open(&parts, 64, &Deadline::after(Duration::from_secs(60))).ok()??;
    let mut sheets = Vec::new();
    for (index, name) in book.sheet_names().into_iter().enumerate() {
        let read = || -> Option<(Cells, Vec<Dimensions>)> {
            let mut reader = book.cells(index).ok()?;
            let mut cells = Vec::new();
            while let Some(cell) = reader.next_cell().ok()? {
                kept(cell.pos, cell.value, cell.formula, &mut cells);
            }
            Some((cells, reader.merged_regions().ok()?))
        };
        sheets.push((name, read()));
    }
    Some(sheets)
}

fn assert_same_reading(what: &str, bytes: &[u8]) {
    let ours = by_parcheck(bytes).unwrap_or_else(|| panic!("{what}: parcheck cannot open it"));
    let theirs = by_calamine(bytes).unwrap_or_else(|| panic!("{what}: calamine cannot open it"));
    assert_same_sheets(what, &ours, &theirs);
}

fn assert_same_sheets(what: &str, ours: &Sheets, theirs: &Sheets) {
    assert_eq!(ours.len(), theirs.len(), "{what}: sheet count");
    for ((name, mine), (their_name, calamine)) in ours.iter().zip(theirs) {
        assert_eq!(name, their_name, "{what}: sheet names");
        match (mine, calamine) {
            (Some((cells, merges)), Some((their_cells, their_merges))) => {
                for (a, b) in cells.iter().zip(their_cells) {
                    assert_eq!(a, b, "{what}, sheet {name}");
                }
                assert_eq!(cells.len(), their_cells.len(), "{what}, sheet {name}: cell count");
                assert_eq!(merges, their_merges, "{what}, sheet {name}: merged regions");
            }
            (None, None) => {}
            _ => panic!("{what}, sheet {name}: one reader refused the sheet, the other did not"),
        }
    }
}

fn workbooks_in(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            workbooks_in(&path, found);
        } else if path.extension().is_some_and(|e| e == "xlsx" || e == "xlsm") {
            found.push(path);
        }
    }
}

#[test]
fn every_workbook_at_hand_reads_as_calamine_reads_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    workbooks_in(&root.join("fixtures"), &mut paths);
    for shared in ["samples", "samples2"] {
        workbooks_in(&root.join("../shared").join(shared).join("docs"), &mut paths);
    }
    let mut compared = 0;
    for path in &paths {
        let bytes = std::fs::read(path).expect("readable");
        // Damaged-file fixtures (random bytes named .xlsx) are no workbook to compare.
        if zip::ZipArchive::new(Cursor::new(bytes.as_slice())).is_err() {
            continue;
        }
        assert_same_reading(&path.display().to_string(), &bytes);
        compared += 1;
    }
    assert!(compared >= 9, "only {compared} bundled workbooks compared");
}

/// The public test workbooks of other libraries (apache/poi `test-data/`)
/// hold every oddity writers produce. A folder of them named by
/// `PARCHECK_XLSX_CORPUS` is compared too: every workbook calamine opens must
/// read the same through parcheck (one only parcheck opens is counted, not
/// failed: parcheck refuses single sheets where calamine refuses workbooks;
/// a damaged zip is counted too: the preflight refuses it before any reader).
///
///     PARCHECK_XLSX_CORPUS=/path/to/poi/test-data/spreadsheet \
///         cargo test --release --test it xlsx_reader:: -- --ignored
#[test]
#[ignore = "needs a folder of foreign workbooks named by PARCHECK_XLSX_CORPUS"]
fn a_corpus_of_foreign_workbooks_reads_as_calamine_reads_it() {
    let dir = std::env::var_os("PARCHECK_XLSX_CORPUS").expect("PARCHECK_XLSX_CORPUS names a folder of .xlsx files");
    let mut paths = Vec::new();
    workbooks_in(Path::new(&dir), &mut paths);
    assert!(!paths.is_empty(), "no .xlsx in {dir:?}");
    let (mut compared, mut only_parcheck, mut neither, mut damaged) = (0, 0, 0, 0);
    for path in &paths {
        let bytes = std::fs::read(path).expect("readable");
        let what = path.display().to_string();
        if xml_parts(&bytes).is_none() {
            damaged += 1;
            continue;
        }
        // calamine itself may panic on a damaged workbook: that one is not comparable.
        let theirs = std::panic::catch_unwind(|| by_calamine(&bytes)).ok().flatten();
        match (by_parcheck(&bytes), theirs) {
            (Some(ours), Some(theirs)) => {
                assert_same_sheets(&what, &ours, &theirs);
                compared += 1;
            }
            (None, Some(_)) => panic!("{what}: calamine opens it, parcheck does not"),
            (Some(_), None) => only_parcheck += 1,
            (None, None) => neither += 1,
        }
    }
    eprintln!(
        "{compared} compared, {only_parcheck} opened by parcheck only, {neither} by neither, {damaged} damaged zips"
    );
}

#[test]
fn every_kind_of_cell_rust_xlsxwriter_writes_reads_as_calamine_reads_it() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook as Writer};
    let mut writer = Writer::new();
    let sheet = writer.add_worksheet();
    sheet.set_name("Biểu 1").expect("name");
    let percent = Format::new().set_num_format("0.0%");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let builtin_date = Format::new().set_num_format_index(14);
    let elapsed = Format::new().set_num_format("[h]:mm");
    let quoted = Format::new().set_num_format("0.00\" điểm\"");
    sheet.write_string(0, 0, "  Tiêu chí có khoảng trắng  ").expect("text");
    sheet.write_string(0, 1, "Dòng 1\nDòng 2 & <3>").expect("text");
    sheet.write_number(1, 0, 0.1 + 0.2).expect("number");
    sheet.write_number_with_format(1, 1, 0.125, &percent).expect("percent");
    sheet.write_number_with_format(1, 2, 45_000.0, &date).expect("date");
    sheet.write_number_with_format(1, 3, 45_001.5, &builtin_date).expect("date");
    sheet.write_number_with_format(1, 4, 1.25, &elapsed).expect("duration");
    sheet.write_number_with_format(1, 5, 9.5, &quoted).expect("quoted");
    sheet.write_boolean(2, 0, true).expect("bool");
    sheet.write_formula(2, 1, Formula::new("=SUM(A2:B2)").set_result("0.425")).expect("formula");
    sheet.write_formula(2, 2, "=ROUND(A2*3,1)").expect("formula");
    sheet.write_datetime(2, 3, ExcelDateTime::from_ymd(2024, 12, 31).expect("date")).expect("datetime");
    let bold = Format::new().set_bold();
    sheet.write_rich_string(3, 0, &[(&bold, "Điểm "), (&Format::default(), "tự đánh giá")]).expect("rich");
    sheet.merge_range(4, 0, 5, 2, "Gộp ba cột", &Format::default()).expect("merge");
    sheet.set_row_hidden(6).expect("hidden");
    sheet.write_string(6, 0, "ẩn").expect("text");
    writer.add_worksheet().write_number(1_000, 200, 7.0).expect("far cell");
    let bytes = writer.save_to_buffer().expect("xlsx");
    assert_same_reading("rust_xlsxwriter workbook", &bytes);
}

/// A workbook as portals and scripts write them: no styles part, inline and
/// typed strings, rows and cells without references, shared formulas.
fn hand_written(sheet_data: &str, shared_strings: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let mut put = |name: &str, body: &str| {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(body.as_bytes()).expect("zip write");
    };
    put(
        "[Content_Types].xml",
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#,
    );
    put(
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    put(
        "xl/workbook.xml",
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="Tổng hợp &amp; chi tiết" sheetId="1" r:id="rId1"/><sheet name="Thiếu" sheetId="2" r:id="rId3"/></sheets></workbook>"#,
    );
    put(
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>"#,
    );
    put(
        "xl/sharedStrings.xml",
        &format!(
            r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{shared_strings}</sst>"#
        ),
    );
    put(
        "xl/worksheets/sheet1.xml",
        &format!(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:E9"/><sheetData>{sheet_data}</sheetData><mergeCells count="1"><mergeCell ref="A9:C9"/></mergeCells></worksheet>"#
        ),
    );
    zip.finish().expect("zip").into_inner()
}

#[test]
fn what_other_writers_write_reads_as_calamine_reads_it() {
    let strings = concat!(
        "<si><t>Mã</t></si>",
        "<si><r><t xml:space=\"preserve\">Điểm </t></r><r><rPr><b/></rPr><t>tối đa</t></r><rPh sb=\"0\" eb=\"1\"><t>phonetic</t></rPh></si>",
        "<si><t xml:space=\"preserve\">  giữ khoảng trắng  </t></si>",
        "<si><t>dòng_x000D_mới _x005F_x000D_ &amp; &#x1EA0;</t></si>",
        "<si/>",
    );
    let rows = concat!(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>inline</t></is></c></row>"#,
        r#"<row><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c><c r="C2" t="s"><v>4</v></c></row>"#,
        r#"<row r="3"/>"#,
        r#"<row r="5"><c r="A5"><v>1.5</v></c><c r="B5"><v>2</v></c><c r="C5"><f t="shared" ref="C5:C7" si="0">A5+B5</f><v>3.5</v></c></row>"#,
        r#"<row r="6"><c r="A6"><v>2.5</v></c><c r="B6"><v>3</v></c><c r="C6"><f t="shared" si="0"/><v>5.5</v></c></row>"#,
        r#"<row r="7"><c r="A7"><v>1</v></c><c r="B7"/><c r="C7"><f t="shared" si="0"></f></c><c r="D7"><f>$A$5+C6</f></c></row>"#,
        r#"<row r="8"><c r="A8" t="str"><f>"a"&amp;"b"</f><v>ab &amp; c</v></c><c r="B8" t="b"><v>1</v></c><c r="C8" t="e"><v>#DIV/0!</v></c><c r="D8" t="d"><v>2024-12-31T00:00:00</v></c><c r="E8"><v>không số</v></c>"#,
        // Empty elements, as apache/poi's test workbooks hold them: a string formula's empty result.
        r#"<c r="F8" t="str"><f>IFERROR(1/0,"")</f><v/></c><c r="G8" t="inlineStr"><is/></c><c r="H8" t="e"><v></v></c></row>"#,
        r#"<row r="9"><c r="A9" t="inlineStr"><is><r><t>gộp </t></r><r><t>ô</t></r></is></c><c r="B9"/><c r="C9"/></row>"#,
        // Values and inline strings of one plain run, read without their events, and those that are not.
        r#"<row r="10"><c r="A10" t="inlineStr"><is><t> Ti&#234;u ch&#237;_x000D_ </t></is></c><c r="B10" t="inlineStr"><is><t></t></is></c>"#,
        r#"<c r="C10" t="inlineStr"><is><t>a&#7871;b&#x1EA0;</t><rPh sb="0" eb="1"><t>phonetic</t></rPh><r><t>c</t></r></is></c>"#,
        r#"<c r="D10" t="inlineStr"><is><t xml:space="preserve"> giữ </t></is></c><c r="E10" t="inlineStr"><is><t>x&amp;y</t> </is></c>"#,
        r#"<c r="F10" t="str"><v>a &amp; b_x000D_</v></c><c r="G10"><v></v></c><c r="H10"><v> 2.5</v> </c>"#,
        r#"<c r="I10" s="0" x="a>b/"><v>3</v></c><c r="J10" t="n"/><c r="K10"  t="str"><v>x</v></c><c r="L10"><v>4</v></c ></row>"#,
    );
    assert_same_reading("hand-written workbook", &hand_written(rows, strings));
    let ours = by_parcheck(&hand_written(rows, strings)).expect("opens");
    let (cells, merges) = ours[0].1.as_ref().expect("the sheet is read");
    // What the comparison stands on, spelled out: a derived shared formula moved to its cell…
    assert!(cells.contains(&((5, 2), Data::Float(5.5), Some("A6+B6".into()))), "{cells:?}");
    assert!(cells.contains(&((6, 2), Data::Empty, Some("A7+B7".into()))), "{cells:?}");
    // …rich text joined without its phonetic guide, and the escapes decoded.
    assert!(cells.contains(&((0, 1), Data::String("Điểm tối đa".into()), None)), "{cells:?}");
    assert!(cells.contains(&((1, 1), Data::String("dòng\rmới _x000D_ & Ạ".into()), None)), "{cells:?}");
    assert!(cells.contains(&((7, 5), Data::String(String::new()), Some("IFERROR(1/0,\"\")".into()))), "{cells:?}");
    assert!(cells.contains(&((7, 6), Data::String(String::new()), None)), "{cells:?}");
    assert_eq!(merges, &[Dimensions { start: (8, 0), end: (8, 2) }]);
    // A sheet whose part is missing is refused by both, and the other sheet still read.
    assert!(ours[1].1.is_none());
}
