//! Spreadsheets and delimited exports through the binary: workbooks built at
//! test time (a far-away cell, formulas without cached values, a cover
//! sheet), peak memory, and CSV/TSV files met in a folder walk.

use crate::support;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::{check_under_100_mb, criterion, messages, path_str, run, stdout_objects};
use zip::write::SimpleFileOptions;

/// A cell of a hand-built worksheet.
enum V<'a> {
    Text(&'a str),
    Num(&'a str),
    /// Formula without a cached value, as scripts write them.
    Formula(&'a str),
    /// A number in a cell formatted "0.0%".
    Percent(&'a str),
}

fn cell_xml(reference: &str, value: &V) -> String {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    match value {
        V::Text(t) => format!(r#"<c r="{reference}" t="inlineStr"><is><t>{}</t></is></c>"#, escape(t)),
        V::Num(n) => format!(r#"<c r="{reference}"><v>{n}</v></c>"#),
        V::Formula(f) => format!(r#"<c r="{reference}"><f>{}</f></c>"#, escape(f)),
        V::Percent(n) => format!(r#"<c r="{reference}" s="1"><v>{n}</v></c>"#),
    }
}

/// Rows of (cell reference, value).
type SheetRows<'a> = Vec<Vec<(String, V<'a>)>>;

/// A minimal .xlsx: one worksheet per (name, rows).
fn xlsx(sheets: &[(&str, SheetRows)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let mut put = |name: &str, body: String| {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(body.as_bytes()).expect("zip write");
    };
    let overrides: String = (1..=sheets.len())
        .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    put(
        "[Content_Types].xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>"#
        ),
    );
    put("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into());
    let sheet_list: String = sheets
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!(r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#, i + 1, i + 1))
        .collect();
    put(
        "xl/workbook.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheet_list}</sheets></workbook>"#
        ),
    );
    let mut rels: String = (1..=sheets.len())
        .map(|i| format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
        .collect();
    rels.push_str(r#"<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#);
    // Style 1 is a custom "0.0%" number format.
    put("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"#.into());
    put(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        ),
    );
    for (i, (_, rows)) in sheets.iter().enumerate() {
        let data: String = rows
            .iter()
            .map(|cells| {
                let row = cells[0].0.trim_start_matches(|c: char| c.is_ascii_alphabetic()).to_owned();
                let cells: String = cells.iter().map(|(r, v)| cell_xml(r, v)).collect();
                format!(r#"<row r="{row}">{cells}</row>"#)
            })
            .collect();
        put(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
            ),
        );
    }
    zip.finish().expect("zip finish").into_inner()
}

/// The scoring sheet: parents and the total as formulas without cached values;
/// criterion 1.1 claims 2 while its children sum to 1.5.
fn scoring_rows() -> SheetRows<'static> {
    let rows: Vec<[V<'static>; 4]> = vec![
        [V::Text("STT"), V::Text("Tiêu chí"), V::Text("Điểm tối đa"), V::Text("Điểm tự đánh giá")],
        [V::Text("1"), V::Text("Công tác chỉ đạo, điều hành CCHC"), V::Formula("SUM(C3,C6)"), V::Formula("D3+D6")],
        [V::Text("1.1"), V::Text("Kế hoạch CCHC năm"), V::Formula("C4+C5"), V::Num("2")],
        [V::Text("1.1.1"), V::Text("Ban hành kế hoạch kịp thời"), V::Num("1"), V::Num("0.5")],
        [V::Text("1.1.2"), V::Text("Xác định đầy đủ nhiệm vụ"), V::Num("1"), V::Num("1")],
        [V::Text("1.2"), V::Text("Báo cáo CCHC"), V::Formula("ROUND(C4*1.5,1)"), V::Formula("'Bảng điểm'!C6-0.25")],
        [V::Text(""), V::Text("Tổng điểm"), V::Formula("SUM(C3:C6)-C4-C5"), V::Formula("SUM(D2)")],
    ];
    rows.into_iter()
        .enumerate()
        .map(|(r, cells)| {
            cells
                .into_iter()
                .enumerate()
                .filter(|(_, v)| !matches!(v, V::Text("")))
                .map(|(c, v)| (format!("{}{}", ["A", "B", "C", "D"][c], r + 1), v))
                .collect()
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path_str(&path)
}

#[test]
fn a_far_away_cell_refuses_its_sheet_only_and_memory_stays_small() {
    let dir = tempfile::tempdir().expect("tempdir");
    let far = vec![vec![("A1".to_owned(), V::Text("ghi chú"))], vec![("XFD1048576".to_owned(), V::Num("1"))]];
    let book = xlsx(&[("Xa", far), ("Bảng điểm", scoring_rows())]);
    let file = write(dir.path(), "xa.xlsx", &book);
    std::fs::write(dir.path().join("khac.docx"), support::scoring_docx("UBND xã B", 0)).expect("write docx");

    let output = run(&["check", &file]);
    let object = &stdout_objects(&output)[0];
    assert_eq!(object["status"], "ok", "{object}");
    let refused = messages(object);
    assert!(refused.iter().any(|m| m.contains("'Xa'") && m.contains("XFD1048576")), "{refused:?}");
    // Formulas without cached values were computed from the cells they name.
    assert_eq!(criterion(object, "1")["max_points"], 3.5, "{}", criterion(object, "1"));
    assert_eq!(criterion(object, "1")["self_score"], 3.25);
    assert_eq!(criterion(object, "1.2")["max_points"], 1.5);
    assert_eq!(criterion(object, "1.2")["self_score"], 1.25);

    let output = check_under_100_mb(dir.path(), "far-away cell batch");
    let objects = stdout_objects(&output);
    assert_eq!(objects.len(), 2, "one object per file: {objects:?}");
}

#[test]
fn a_cached_value_that_differs_is_kept_with_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 1.1 cached as 9 although C4+C5 is 2: the cached value is what the unit saw.
    let bytes = with_sheet_xml_replaced(
        &xlsx(&[("Bảng điểm", scoring_rows())]),
        r#"<c r="C3"><f>C4+C5</f></c>"#,
        r#"<c r="C3"><f>C4+C5</f><v>9</v></c>"#,
    );
    let file = write(dir.path(), "cu.xlsx", &bytes);
    let object = &stdout_objects(&run(&["check", &file]))[0];
    assert_eq!(criterion(object, "1.1")["max_points"], 9);
    let notes = messages(object);
    assert!(notes.iter().any(|m| m.contains("C3") && m.contains("giữ giá trị lưu sẵn")), "{notes:?}");
}

/// The workbook with one string replaced in its first worksheet.
fn with_sheet_xml_replaced(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().expect("entry name").into_owned();
        let mut body = String::new();
        std::io::Read::read_to_string(&mut entry, &mut body).expect("read entry");
        if name == "xl/worksheets/sheet1.xml" {
            assert!(body.contains(from), "{body}");
            body = body.replace(from, to);
        }
        out.start_file(name, SimpleFileOptions::default()).expect("zip entry");
        out.write_all(body.as_bytes()).expect("zip write");
    }
    out.finish().expect("zip finish").into_inner()
}

#[test]
fn merged_regions_laid_over_thousands_of_rows_are_refused_before_layout() {
    // 2,000 rows of text under 1,500 regions that each cover all of them: 3 million grid pieces.
    let rows: SheetRows = (1..=2000).map(|r| vec![(format!("A{r}"), V::Text("dòng"))]).collect();
    let book = xlsx(&[("Gộp", rows)]);
    let regions = r#"<mergeCell ref="A1:B2000"/>"#.repeat(1500);
    let book =
        with_sheet_xml_replaced(&book, "</sheetData>", &format!("</sheetData><mergeCells>{regions}</mergeCells>"));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "gop.xlsx", &book);
    let object = &stdout_objects(&run(&["check", &file]))[0];
    assert_eq!(object["status"], "error", "{object}");
    let error = object["error"].as_str().expect("an error message");
    assert!(error.contains("ô gộp") && error.contains("'Gộp'"), "{error}");
}

#[test]
fn a_cover_sheet_states_the_total() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cover = vec![
        vec![("A1".to_owned(), V::Text("UBND XÃ NGA SƠN"))],
        vec![("A3".to_owned(), V::Text("Tổng số điểm tự đánh giá năm 2021 của UBND xã Nga Sơn là: 3,5 điểm"))],
    ];
    let file = write(dir.path(), "bia.xlsx", &xlsx(&[("Báo cáo", cover), ("Bảng điểm", scoring_rows())]));
    let object = &stdout_objects(&run(&["check", &file]))[0];
    assert_eq!(object["totals"]["stated"]["self_score"], 3.5, "{object}");
}

#[test]
fn csv_and_tab_separated_txt_in_a_folder_each_get_an_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = "\u{feff}STT;Tên tiêu chí;Điểm tối đa;Điểm tự đánh giá\r\n1;\"Công tác chỉ đạo;\r\nđiều hành\";2;1,5\r\n1.1;Kế hoạch;1;1\r\n1.2;Báo cáo;1;0,75\r\n";
    write(dir.path(), "cong.csv", csv.as_bytes());
    let tsv = "Đơn vị: UBND xã Nga Sơn\nNăm đánh giá: 2021\nMã\tNội dung\tĐiểm chuẩn\tĐiểm tự đánh giá\n1\tCông tác chỉ đạo\t2\t2\n1.1\tKế hoạch\t1\t1\n1.2\tBáo cáo\t1\t1\n";
    write(dir.path(), "xuat.txt", tsv.as_bytes());
    write(dir.path(), "ghichu.txt", "Ghi chú: không phải bảng điểm.\n".as_bytes());
    let objects = stdout_objects(&run(&["check", &path_str(dir.path())]));
    let files: Vec<&str> = objects.iter().filter_map(|o| o["source"]["path"].as_str()).collect();
    assert_eq!(objects.len(), 2, "{files:?}");
    let csv = objects.iter().find(|o| o["source"]["path"].as_str().is_some_and(|p| p.ends_with("cong.csv"))).unwrap();
    assert_eq!(csv["status"], "ok", "{csv}");
    assert_eq!(criterion(csv, "1")["self_score"], 1.5);
    assert_eq!(criterion(csv, "1.2")["self_score"], 0.75);
    assert!(
        csv["findings"].as_array().unwrap().iter().any(|f| f["kind"] == "sum_mismatch" && f["code"] == "1"),
        "{csv}"
    );
    let txt = objects.iter().find(|o| o["source"]["path"].as_str().is_some_and(|p| p.ends_with("xuat.txt"))).unwrap();
    assert_eq!(txt["status"], "ok", "{txt}");
    assert_eq!(txt["unit"], "UBND xã Nga Sơn");
    assert_eq!(txt["year"], 2021);
}

/// A BIFF8 record.
fn record(typ: u16, body: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((body.len() as u16).to_le_bytes());
    r.extend_from_slice(body);
    r
}

fn bof(kind: u16) -> Vec<u8> {
    let mut body = vec![0x00, 0x06];
    body.extend(kind.to_le_bytes());
    body.extend([0xBB, 0x0D, 0xCC, 0x07, 0, 0, 0, 0, 0x06, 0, 0, 0]);
    record(0x0809, &body)
}

/// The worksheet substream: DIMENSIONS as declared, then LABEL/NUMBER cells.
fn xls_sheet(declared: (u32, u16), cells: &[(u16, u16, V)]) -> Vec<u8> {
    xls_sheet_with(declared, cells, &[])
}

/// The same with more records (ROW, COLINFO) before the DIMENSIONS.
fn xls_sheet_with(declared: (u32, u16), cells: &[(u16, u16, V)], records: &[Vec<u8>]) -> Vec<u8> {
    let mut s = bof(0x0010);
    s.extend(records.concat());
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend(declared.0.to_le_bytes());
    dims.extend([0, 0]);
    dims.extend(declared.1.to_le_bytes());
    dims.extend([0, 0]);
    s.extend(record(0x0200, &dims));
    for (row, col, value) in cells {
        let mut body = row.to_le_bytes().to_vec();
        body.extend(col.to_le_bytes());
        body.extend([0x0F, 0]);
        match value {
            V::Num(n) => {
                body.extend(n.parse::<f64>().expect("number").to_le_bytes());
                s.extend(record(0x0203, &body));
            }
            V::Text(t) | V::Formula(t) | V::Percent(t) => {
                let units: Vec<u16> = t.encode_utf16().collect();
                body.extend((units.len() as u16).to_le_bytes());
                body.push(1);
                body.extend(units.iter().flat_map(|u| u.to_le_bytes()));
                s.extend(record(0x0204, &body));
            }
        }
    }
    s.extend(record(0x000A, &[]));
    s
}

/// A BIFF8 Workbook stream with the given sheets, inside a minimal compound file.
fn xls(sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let boundsheet = |pos: u32, name: &str| {
        let units: Vec<u16> = name.encode_utf16().collect();
        let mut body = pos.to_le_bytes().to_vec();
        body.extend([0, 0, units.len() as u8, 1]);
        body.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        record(0x0085, &body)
    };
    let globals_len = bof(0x0005).len()
        + record(0x0042, &[0xB0, 0x04]).len()
        + sheets.iter().map(|(n, _)| boundsheet(0, n).len()).sum::<usize>()
        + record(0x000A, &[]).len();
    let mut stream = bof(0x0005);
    stream.extend(record(0x0042, &[0xB0, 0x04]));
    let mut pos = globals_len;
    for (name, body) in sheets {
        stream.extend(boundsheet(pos as u32, name));
        pos += body.len();
    }
    stream.extend(record(0x000A, &[]));
    for (_, body) in sheets {
        stream.extend(body);
    }
    // Past the mini-stream cutoff, so the stream lives in regular sectors.
    let size = stream.len().max(4096);
    stream.resize(size.div_ceil(512) * 512, 0);
    let sectors = stream.len() / 512;
    assert!(sectors + 2 <= 128, "one FAT sector is enough");

    let mut file = vec![0u8; 512];
    file[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let mut put = |at: usize, bytes: &[u8]| file[at..at + bytes.len()].copy_from_slice(bytes);
    put(0x18, &0x003Eu16.to_le_bytes());
    put(0x1A, &3u16.to_le_bytes());
    put(0x1C, &0xFFFEu16.to_le_bytes());
    put(0x1E, &9u16.to_le_bytes());
    put(0x20, &6u16.to_le_bytes());
    put(0x2C, &1u32.to_le_bytes());
    put(0x30, &1u32.to_le_bytes());
    put(0x38, &4096u32.to_le_bytes());
    put(0x3C, &0xFFFF_FFFEu32.to_le_bytes());
    put(0x44, &0xFFFF_FFFEu32.to_le_bytes());
    put(0x4C, &0u32.to_le_bytes());
    for i in 1..109 {
        put(0x4C + 4 * i, &u32::MAX.to_le_bytes());
    }
    // FAT: sector 0 is the FAT, 1 the directory, 2.. the stream.
    let mut fat: Vec<u32> = vec![0xFFFF_FFFD, 0xFFFF_FFFE];
    fat.extend((0..sectors as u32).map(|i| if i + 1 == sectors as u32 { 0xFFFF_FFFE } else { i + 3 }));
    fat.resize(128, u32::MAX);
    file.extend(fat.iter().flat_map(|e| e.to_le_bytes()));
    let entry = |name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u8> = name.encode_utf16().chain([0]).flat_map(|u| u.to_le_bytes()).collect();
        e[..units.len()].copy_from_slice(&units);
        e[64..66].copy_from_slice(&(units.len() as u16).to_le_bytes());
        e[66] = kind;
        e[67] = 1;
        e[68..72].copy_from_slice(&u32::MAX.to_le_bytes());
        e[72..76].copy_from_slice(&u32::MAX.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    file.extend(entry("Root Entry", 5, 1, 0xFFFF_FFFE, 0));
    file.extend(entry("Workbook", 2, u32::MAX, 2, size as u32));
    file.extend(vec![0u8; 256]);
    file.extend(stream);
    file
}

/// The scoring sheet of `scoring_rows` with literal numbers (.xls caches every formula).
const SCORING_LITERAL: [[&str; 4]; 7] = [
    ["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"],
    ["1", "Công tác chỉ đạo, điều hành CCHC", "3.5", "3.25"],
    ["1.1", "Kế hoạch CCHC năm", "2", "2"],
    ["1.1.1", "Ban hành kế hoạch kịp thời", "1", "0.5"],
    ["1.1.2", "Xác định đầy đủ nhiệm vụ", "1", "1"],
    ["1.2", "Báo cáo CCHC", "1.5", "1.25"],
    ["", "Tổng điểm", "3.5", "3.25"],
];

fn xls_scoring_cells() -> Vec<(u16, u16, V<'static>)> {
    SCORING_LITERAL
        .iter()
        .enumerate()
        .flat_map(|(r, row)| {
            row.iter().enumerate().filter(|(_, t)| !t.is_empty()).map(move |(c, t)| {
                let value = if c >= 2 && r > 0 { V::Num(t) } else { V::Text(t) };
                (r as u16, c as u16, value)
            })
        })
        .collect()
}

fn xls_scoring_sheet() -> Vec<u8> {
    xls_sheet((7, 4), &xls_scoring_cells())
}

#[test]
fn an_xls_declaring_65536_by_256_cells_stays_small() {
    let dir = tempfile::tempdir().expect("tempdir");
    let far = xls_sheet((65_536, 256), &[(0, 0, V::Text("ghi chú")), (65_535, 255, V::Num("1"))]);
    let declared = xls_sheet((65_536, 256), &[(0, 0, V::Text("chỉ khai báo rộng"))]);
    let book = xls(&[("Xa", far), ("Rong", declared), ("Bảng điểm", xls_scoring_sheet())]);
    let file = write(dir.path(), "xa.xls", &book);
    write(dir.path(), "khac.docx", &support::scoring_docx("UBND xã B", 0));

    let object = &stdout_objects(&run(&["check", &file]))[0];
    assert_eq!(object["status"], "ok", "{object}");
    let notes = messages(object);
    // A sheet is judged by its cells, not its extent: two cells far apart are read, not refused.
    assert!(!notes.iter().any(|m| m.contains("'Xa'")), "a sheet of two far-apart cells is read: {notes:?}");
    assert!(!notes.iter().any(|m| m.contains("'Rong'")), "a sheet that only declares a wide range is read: {notes:?}");
    assert_eq!(criterion(object, "1.2")["self_score"], 1.25);

    let output = check_under_100_mb(dir.path(), "declared 65536×256 .xls batch");
    assert_eq!(stdout_objects(&output).len(), 2);
}

/// Formulas without cached values read the numbers LibreOffice computes when
/// it recalculates the same workbook (needs `soffice`; says so when absent).
#[test]
fn uncached_formulas_match_libreoffice() {
    let soffice = ["/usr/bin/soffice", "/usr/local/bin/soffice"].into_iter().find(|p| Path::new(p).exists());
    let missing = soffice.is_none().then_some("soffice (LibreOffice)");
    if !support::can_run("uncached_formulas_match_libreoffice", missing, "apt-get install libreoffice-calc-nogui") {
        return;
    }
    let soffice = soffice.expect("checked above");
    let dir = tempfile::tempdir().expect("tempdir");
    let built = write(dir.path(), "built.xlsx", &xlsx(&[("Bảng điểm", scoring_rows())]));
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs/formulas_uncached.xlsx");
    let out = dir.path().join("lo");
    for file in [built.clone(), path_str(&fixture)] {
        let status = Command::new(soffice)
            .args(["--headless", "--calc", "--convert-to", "xlsx", "--outdir", &path_str(&out), &file])
            .arg(format!("-env:UserInstallation=file://{}", dir.path().join("profile").display()))
            .output()
            .expect("run soffice");
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    }
    let values = |file: &str| -> Vec<(Value, Value, Value)> {
        let object = &stdout_objects(&run(&["check", file]))[0];
        object["criteria"]
            .as_array()
            .expect("criteria")
            .iter()
            .map(|c| (c["code"].clone(), c["max_points"].clone(), c["self_score"].clone()))
            .collect()
    };
    for (ours, theirs) in [(built, out.join("built.xlsx")), (path_str(&fixture), out.join("formulas_uncached.xlsx"))] {
        let recalculated = values(&path_str(&theirs));
        assert!(!recalculated.is_empty());
        assert_eq!(values(&ours), recalculated, "{ours}");
    }
}

#[test]
fn percent_cells_read_as_the_percentage_excel_shows() {
    use parcheck::config::Limits;
    use parcheck::extract::{extract, Budget};
    let mut rows = scoring_rows();
    rows.push(vec![("B9".to_owned(), V::Text("Tỷ lệ đạt")), ("D9".to_owned(), V::Percent("0.92857"))]);
    let book = xlsx(&[("Bảng điểm", rows)]);
    let document = extract(parcheck::sniff::Format::Xlsx, &book, &mut Budget::new(Limits::default())).expect("read");
    let row = document.tables[0].rows.iter().find(|r| r.location.row == 9).expect("row 9");
    let texts: Vec<String> = row.cells.iter().map(|c| c.raw_text()).collect();
    assert_eq!(texts, ["Tỷ lệ đạt", "92.9%"]);
}

/// The note parcheck writes about a sheet's hidden rows and columns.
fn hidden_note(object: &Value) -> Option<String> {
    messages(object).into_iter().find(|m| m.contains(" ẩn ("))
}

#[test]
fn hidden_rows_and_columns_are_read_and_named() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs");
    // Rows 6 and 7 of merged_sections.xlsx hold criteria 1.1 and 1.2; column E the evidence.
    let object = &stdout_objects(&run(&["check", &path_str(&docs.join("hidden_lines.xlsx"))]))[0];
    assert_eq!(object["status"], "ok", "{object}");
    assert_eq!(criterion(object, "1.2")["self_score"], 1, "a hidden row is read as submitted");
    assert_eq!(
        hidden_note(object).as_deref(),
        Some("trang tính 'Bảng điểm': 2 hàng ẩn (6, 7) và 1 cột ẩn (E); giá trị trong đó vẫn được đọc và tính điểm")
    );
    let object = &stdout_objects(&run(&["check", &path_str(&docs.join("hidden_lines.ods"))]))[0];
    assert_eq!(object["status"], "ok", "{object}");
    let note = hidden_note(object).unwrap_or_default();
    assert!(note.starts_with("trang tính 'Bảng điểm': 2 hàng ẩn (5, 6) và 1 cột ẩn (E)"), "{note}");

    // .xls: ROW records with fDyZero, a COLINFO with fHidden (rows 4 and 5, column B).
    let row = |rw: u16| {
        let mut body = rw.to_le_bytes().to_vec();
        body.extend([0, 0, 4, 0, 0xFF, 0, 0, 0, 0, 0]);
        body.extend(0x0120u16.to_le_bytes());
        body.extend(0x000Fu16.to_le_bytes());
        record(0x0208, &body)
    };
    let colinfo = record(0x007D, &[1, 0, 1, 0, 0, 0x10, 0x0F, 0, 1, 0, 0, 0]);
    let sheet = xls_sheet_with((7, 4), &xls_scoring_cells(), &[row(3), row(4), colinfo]);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "an.xls", &xls(&[("Bảng điểm", sheet)]));
    let object = &stdout_objects(&run(&["check", &file]))[0];
    assert_eq!(object["status"], "ok", "{object}");
    assert_eq!(criterion(object, "1.1.1")["self_score"], 0.5);
    let note = hidden_note(object).unwrap_or_default();
    assert!(note.starts_with("trang tính 'Bảng điểm': 2 hàng ẩn (4, 5) và 1 cột ẩn (B)"), "{note}");
    // Without hidden lines, no such note.
    let file = write(dir.path(), "plain.xls", &xls(&[("Bảng điểm", xls_scoring_sheet())]));
    assert_eq!(hidden_note(&stdout_objects(&run(&["check", &file]))[0]), None);
}

/// One row of an .ods table: numbers as floats, "" as an empty cell.
fn ods_row(cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|t| match t.parse::<f64>() {
            _ if t.is_empty() => "<table:table-cell/>".to_owned(),
            Ok(_) => format!(r#"<table:table-cell office:value-type="float" office:value="{t}"><text:p>{t}</text:p></table:table-cell>"#),
            Err(_) => format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#),
        })
        .collect();
    format!("<table:table-row>{cells}</table:table-row>")
}

/// A minimal .ods: one table per (name, rows XML).
fn ods(tables: &[(&str, String)]) -> Vec<u8> {
    let body: String =
        tables.iter().map(|(name, rows)| format!(r#"<table:table table:name="{name}">{rows}</table:table>"#)).collect();
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("zip entry");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").expect("zip write");
    zip.start_file("content.xml", SimpleFileOptions::default()).expect("zip entry");
    zip.write_all(content.as_bytes()).expect("zip write");
    zip.start_file("META-INF/manifest.xml", SimpleFileOptions::default()).expect("zip entry");
    zip.write_all(manifest.as_bytes()).expect("zip write");
    zip.finish().expect("zip finish").into_inner()
}

#[test]
fn an_ods_repeating_cells_by_the_million_stays_small() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A far-away cell: one value in A1, a million empty rows, one value in column 16001.
    let far = format!(
        r#"{}<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#,
        ods_row(&["ghi chú"])
    );
    // One value repeated over 100 columns and a million rows.
    let repeated = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"/></table:table-row>"#;
    let scoring: String = SCORING_LITERAL.iter().map(|r| ods_row(r)).collect();
    let book = ods(&[("Xa", far), ("Lap", repeated.to_owned()), ("Bảng điểm", scoring)]);
    let file = write(dir.path(), "xa.ods", &book);
    write(dir.path(), "khac.docx", &support::scoring_docx("UBND xã B", 0));

    let object = &stdout_objects(&run(&["check", &file]))[0];
    assert_eq!(object["status"], "ok", "{object}");
    let notes = messages(object);
    assert!(
        notes.iter().any(|m| m.contains("bỏ qua trang tính 'Xa'") && m.contains("1048002 dòng × 16001 cột")),
        "{notes:?}"
    );
    assert!(notes.iter().any(|m| m.contains("bỏ qua trang tính 'Lap'")), "{notes:?}");
    assert_eq!(criterion(object, "1.2")["self_score"], 1.25);

    let output = check_under_100_mb(dir.path(), "hostile .ods batch");
    assert_eq!(stdout_objects(&output).len(), 2);

    // A whole file of far-away tables: no sheet left is a clear error, not an allocation failure.
    let only = write(
        dir.path(),
        "chi_xa.ods",
        &ods(&[(
            "Xa",
            format!(
                "{}{}",
                ods_row(&["a"]),
                r#"<table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#
            ),
        )]),
    );
    let object = &stdout_objects(&run(&["check", &only]))[0];
    assert_ne!(object["status"], "ok", "{object}");
    assert!(object.to_string().contains("'Xa'"), "{object}");
}
