//! The long tail of real files (issue 27), on fixtures built at test time:
//! nothing readable refused, nothing skipped without a note.

use crate::support;

use std::io::{Cursor, Write};
use std::path::Path;

use serde_json::Value;
use support::{criterion, messages, path_str, run, stdout_objects};

/// A cell of a hand-built BIFF8 sheet.
enum Biff<'a> {
    Text(&'a str),
    Num(f64),
}

fn record(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    out.extend(kind.to_le_bytes());
    out.extend((body.len() as u16).to_le_bytes());
    out.extend(body);
}

/// A BIFF8 workbook stream with one sheet of (row, column, value) cells: a
/// globals substream (BOF, one XF, BOUNDSHEET, EOF) and a worksheet
/// (BOF, DIMENSIONS, LABEL/NUMBER cells, EOF).
fn biff8_stream(sheet: &str, cells: &[(u16, u16, Biff)]) -> Vec<u8> {
    let bof = |kind: u16| [&0x0600u16.to_le_bytes()[..], &kind.to_le_bytes(), &[0u8; 12]].concat();
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    record(&mut globals, 0x0042, &1200u16.to_le_bytes()); // CODEPAGE: UTF-16
    for _ in 0..16 {
        record(&mut globals, 0x00E0, &[0u8; 20]); // XF
    }
    let name: Vec<u16> = sheet.encode_utf16().collect();
    let mut boundsheet = vec![0u8; 6];
    boundsheet.extend([name.len() as u8, 1]);
    boundsheet.extend(name.iter().flat_map(|u| u.to_le_bytes()));
    let boundsheet_at = globals.len() + 4;
    record(&mut globals, 0x0085, &boundsheet);
    record(&mut globals, 0x000A, &[]);
    let sheet_start = globals.len() as u32;
    globals[boundsheet_at..boundsheet_at + 4].copy_from_slice(&sheet_start.to_le_bytes());

    let mut out = globals;
    record(&mut out, 0x0809, &bof(0x0010));
    let last_row = cells.iter().map(|c| c.0 as u32).max().unwrap_or(0);
    let last_col = cells.iter().map(|c| c.1).max().unwrap_or(0);
    let dimensions = [
        &0u32.to_le_bytes()[..],
        &(last_row + 1).to_le_bytes(),
        &0u16.to_le_bytes(),
        &(last_col + 1).to_le_bytes(),
        &[0, 0],
    ]
    .concat();
    record(&mut out, 0x0200, &dimensions);
    for (row, col, value) in cells {
        let mut body = [row.to_le_bytes(), col.to_le_bytes(), 15u16.to_le_bytes()].concat();
        match value {
            Biff::Text(text) => {
                let units: Vec<u16> = text.encode_utf16().collect();
                body.extend((units.len() as u16).to_le_bytes());
                body.push(1);
                body.extend(units.iter().flat_map(|u| u.to_le_bytes()));
                record(&mut out, 0x0204, &body);
            }
            Biff::Num(n) => {
                body.extend(n.to_le_bytes());
                record(&mut out, 0x0203, &body);
            }
        }
    }
    record(&mut out, 0x000A, &[]);
    out
}

/// A compound file holding `stream` under `name`, and a small property
/// stream as Excel writes one (calamine wants the root's mini stream).
fn compound(name: &str, stream: Vec<u8>) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("creates");
    file.create_stream(name).expect("stream").write_all(&stream).expect("writes");
    file.create_stream("/\u{5}SummaryInformation").expect("stream").write_all(&[0; 64]).expect("writes");
    file.flush().expect("flushes");
    file.into_inner().into_inner()
}

/// A scoring table from A1, one criterion row per section.
fn scoring_cells() -> Vec<(u16, u16, Biff<'static>)> {
    let rows: [[Biff<'static>; 4]; 5] = [
        [Biff::Text("STT"), Biff::Text("Tiêu chí"), Biff::Text("Điểm tối đa"), Biff::Text("Điểm tự đánh giá")],
        [Biff::Text("1"), Biff::Text("Công tác chỉ đạo, điều hành CCHC"), Biff::Num(2.0), Biff::Num(1.5)],
        [Biff::Text("1.1"), Biff::Text("Kế hoạch CCHC năm"), Biff::Num(1.0), Biff::Num(0.5)],
        [Biff::Text("1.2"), Biff::Text("Báo cáo CCHC"), Biff::Num(1.0), Biff::Num(1.0)],
        [Biff::Text(""), Biff::Text("Tổng điểm"), Biff::Num(2.0), Biff::Num(1.5)],
    ];
    let mut cells = Vec::new();
    for (r, row) in rows.into_iter().enumerate() {
        for (c, value) in row.into_iter().enumerate() {
            if !matches!(value, Biff::Text("")) {
                cells.push((r as u16, c as u16, value));
            }
        }
    }
    cells
}

fn check(dir: &Path, name: &str, bytes: &[u8]) -> Value {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    stdout_objects(&run(&["check", &path_str(&path)])).remove(0)
}

#[test]
fn a_stray_mark_far_below_an_xls_table_leaves_the_table_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cells = scoring_cells();
    // One stray "x" in K60000: the sheet's extent is 60,000 × 11 cells, its cells are 19.
    cells.push((59_999, 10, Biff::Text("x")));
    let object = check(dir.path(), "rai_rac.xls", &compound("/Workbook", biff8_stream("Bảng điểm", &cells)));
    assert_eq!(object["status"], "ok", "{object}");
    assert_eq!(criterion(&object, "1.1")["self_score"], 0.5);
    let location = &criterion(&object, "1.2")["location"];
    assert_eq!((location["row"].as_u64(), location["sheet"].as_str()), (Some(4), Some("Bảng điểm")), "{object}");
    // The sheet's own row numbers survive the compaction.
    let plain = check(dir.path(), "gon.xls", &compound("/Workbook", biff8_stream("Bảng điểm", &scoring_cells())));
    assert_eq!(plain["criteria"], object["criteria"]);
}

#[test]
fn a_workbook_stream_in_capitals_is_read_as_excel_reads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cells = scoring_cells();
    cells.push((59_999, 10, Biff::Text("x")));
    for name in ["/WORKBOOK", "/workbook"] {
        let object = check(dir.path(), "hoa.xls", &compound(name, biff8_stream("Bảng điểm", &cells)));
        assert_eq!(object["status"], "ok", "{name}: {object}");
    }
}

#[test]
fn a_skipped_sheet_leaves_a_note_whatever_the_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A sheet of 300 cells, its only sheet, read under a 100-cell limit: skipped, with a note.
    let cells: Vec<(u16, u16, Biff)> = (0..300).map(|i| (i / 3, i % 3, Biff::Num(f64::from(i)))).collect();
    let path = dir.path().join("lon.xls");
    std::fs::write(&path, compound("/Workbook", biff8_stream("Lớn", &cells))).expect("write");
    let object = stdout_objects(&run(&["check", &path_str(&path), "--max-cells", "100"])).remove(0);
    assert_ne!(object["status"], "ok", "{object}");
    let notes = messages(&object);
    assert!(notes.iter().any(|m| m.contains("'Lớn'")), "{object}");
    assert_eq!(object["summary"]["infos"].as_u64(), Some(notes.len() as u64), "{object}");
}

/// An .xlsb whose sheet names a relationship the package lacks: calamine
/// panics on it (an index into its relationship map).
fn panicking_xlsb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>"#;
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect() };
    // BrtBundleSh (type 0x9C as two bytes): visible, tab 1, relationship "rId1", name "A".
    let mut body = [0u32.to_le_bytes(), 1u32.to_le_bytes(), 4u32.to_le_bytes()].concat();
    body.extend(utf16("rId1"));
    body.extend(1u32.to_le_bytes());
    body.extend(utf16("A"));
    let mut workbook = vec![0x9C, 0x01, body.len() as u8];
    workbook.extend(body);
    for (name, data) in [("xl/_rels/workbook.bin.rels", rels.as_bytes().to_vec()), ("xl/workbook.bin", workbook)] {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).expect("zip entry");
        zip.write_all(&data).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

#[test]
fn a_contained_panic_is_one_quiet_line_and_the_document_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hong.xlsb");
    std::fs::write(&path, panicking_xlsb()).expect("write");
    for quiet in [true, false] {
        let mut command = support::parcheck();
        command.args(["check", &path_str(&path)]).env("RUST_BACKTRACE", "0");
        if quiet {
            command.arg("--quiet");
        }
        let output = command.output().expect("runs");
        let object = stdout_objects(&output).remove(0);
        assert_eq!(object["status"], "error", "{object}");
        let detail = object["error_detail"].as_str().unwrap_or_default();
        assert!(detail.contains(".rs:"), "the panic's text and place: {object}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let panic_lines: Vec<&str> = stderr.lines().filter(|l| l.contains("lỗi nội bộ")).collect();
        assert_eq!(panic_lines.len(), 1, "{stderr}");
        assert!(!stderr.contains("stack backtrace") && !stderr.contains("panicked at"), "{stderr}");
    }
    // Under --quiet even RUST_BACKTRACE adds nothing but the one line.
    let output = support::parcheck()
        .args(["check", &path_str(&path), "--quiet"])
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).lines().count(),
        1,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A PDF from numbered object bodies, with a correct cross-reference table.
fn pdf(objects: &[&str], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

const CATALOG: &str = "<< /Type /Catalog /Pages 2 0 R >>";
const PAGES: &str = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
const FONT: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/// A PDF's object as parcheck reports it: `no_table` once its text is read
/// (a page with no readable text is `unsupported`, a damaged one `error`).
fn read_pdf(dir: &Path, name: &str, bytes: &[u8]) -> Value {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    stdout_objects(&run(&["check", &path_str(&path), "--ocr", "never"])).remove(0)
}

#[test]
fn text_in_an_annotation_appearance_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let appearance = "BT /F1 12 Tf 2 4 Td (Diem tu danh gia) Tj ET";
    let objects = [
        CATALOG,
        PAGES,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [5 0 R] >>",
        "<< /Length 0 >>\nstream\n\nendstream",
        "<< /Type /Annot /Subtype /FreeText /Rect [100 700 300 720] /AP << /N 6 0 R >> >>",
        &format!(
            "<< /Type /XObject /Subtype /Form /BBox [0 0 200 20] /Resources << /Font << /F1 7 0 R >> >> /Length {} >>\nstream\n{appearance}\nendstream",
            appearance.len()
        ),
        FONT,
    ];
    let object = read_pdf(dir.path(), "chu_thich.pdf", &pdf(&objects, ""));
    assert_eq!(object["status"], "no_table", "{object}");
}

#[test]
fn a_content_stream_without_a_length_is_read_from_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let objects = [
        CATALOG,
        PAGES,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Qength 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (Potato) Tj ET\nendstream",
        FONT,
    ];
    let object = read_pdf(dir.path(), "hong.pdf", &pdf(&objects, ""));
    assert_eq!(object["status"], "no_table", "{object}");
}

#[test]
fn a_pdf_whose_encryption_covers_only_attachments_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let encrypt = "<< /Filter /Standard /V 5 /R 6 /Length 256 /CF << /StdCF << /CFM /AESV3 /AuthEvent /EFOpen /Length 32 >> >> /StmF /Identity /StrF /Identity /EFF /StdCF /O <00> /U <00> /OE <00> /UE <00> /P -4 /Perms <00> >>";
    let objects = [
        CATALOG,
        PAGES,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length 37 >>\nstream\nBT /F1 24 Tf 72 720 Td (Potato) Tj ET\nendstream",
        FONT,
        encrypt,
    ];
    let object = read_pdf(dir.path(), "dinh_kem.pdf", &pdf(&objects, "/Encrypt 6 0 R /ID [<0123> <0123>]"));
    assert_eq!(object["status"], "no_table", "{object}");
}

/// Every `error` and `unsupported` object says what happened and what the
/// user can do ("hãy …"), on a folder of broken and unread inputs.
#[test]
fn every_refusal_says_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zip_of = |name: &str| {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(name, zip::write::SimpleFileOptions::default()).expect("entry");
        zip.write_all(b"text").expect("write");
        zip.finish().expect("zip").into_inner()
    };
    let mut encrypted_xls = Vec::new();
    record(&mut encrypted_xls, 0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    record(&mut encrypted_xls, 0x002F, &[1, 0, 1, 0]);
    record(&mut encrypted_xls, 0x0085, &[0; 8]);
    let blank_page = pdf(&[CATALOG, PAGES, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"], "");
    let ole = |streams: &[(&str, &[u8])]| {
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("creates");
        for (name, data) in streams {
            file.create_stream(name).expect("stream").write_all(data).expect("writes");
        }
        file.flush().expect("flushes");
        file.into_inner().into_inner()
    };
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("rong.docx", Vec::new()),
        ("la.doc", vec![0x13, 0x37, 0x00, 0xFF, 0x42]),
        ("cut.docx", b"PK\x03\x04 not really a zip archive".to_vec()),
        ("hong.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog".to_vec()),
        ("trang.pdf", blank_page),
        ("khoa.docx", ole(&[("/EncryptionInfo", &[4, 0, 4, 0]), ("/EncryptedPackage", &[0; 64])])),
        ("trinh_chieu.xls", ole(&[("/PowerPoint Document", &[0; 64])])),
        ("goi.docx", zip_of("a.txt")),
        ("khoa.xls", compound("/Workbook", encrypted_xls)),
        ("anh.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\0\0\0\0".to_vec()),
    ];
    for (name, bytes) in &inputs {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let mut objects = stdout_objects(&run(&["check", &path_str(dir.path()), "--ocr", "never"]));
    let big = dir.path().join("rong.docx");
    std::fs::write(&big, vec![b'x'; 2 * 1024 * 1024]).expect("write");
    objects.extend(stdout_objects(&run(&["check", &path_str(&big), "--max-file-mb", "1"])));
    let refused: Vec<&Value> =
        objects.iter().filter(|o| o["status"] == "error" || o["status"] == "unsupported").collect();
    assert!(refused.len() >= inputs.len(), "{objects:?}");
    for object in refused {
        let message = object["error"].as_str().unwrap_or_default();
        assert!(message.contains("hãy "), "{}: {message}", object["source"]["path"]);
        // OCR is advised only where parcheck would run it.
        assert!(
            !message.contains("OCR")
                || message.contains("--ocr never")
                || message.contains("Tesseract")
                || message.contains("quét lại"),
            "{message}"
        );
    }
}

#[test]
fn a_text_field_value_without_an_appearance_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let objects = [
        CATALOG,
        PAGES,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [4 0 R] >>",
        "<< /Type /Annot /Subtype /Widget /FT /Tx /T (diem) /V (Diem tu danh gia 8,5) /Rect [100 700 300 720] >>",
    ];
    let object = read_pdf(dir.path(), "truong.pdf", &pdf(&objects, ""));
    assert_eq!(object["status"], "no_table", "{object}");
}

/// Damage viewers read past: objects the cross-reference table misplaces,
/// a filter name abbreviated as inline images abbreviate it, a lone sign
/// between the pieces of a `TJ` array. Each file's text is read.
#[test]
fn damaged_pdfs_that_viewers_read_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>";
    let text = "BT /F1 24 Tf 72 720 Td [(Pot)-(ato)] TJ ET";
    let plain = format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len());
    // Objects 3 and 4 swapped in the cross-reference table.
    let mut misplaced = pdf(&[CATALOG, PAGES, page, &plain, FONT], "");
    let xref = String::from_utf8_lossy(&misplaced).find("\nxref\n").expect("xref") + 1;
    let table = String::from_utf8_lossy(&misplaced[xref..]).into_owned();
    let lines: Vec<&str> = table.lines().collect();
    let swapped = table.replacen(lines[5], "@", 1).replacen(lines[6], lines[5], 1).replacen('@', lines[6], 1);
    misplaced.truncate(xref);
    misplaced.extend(swapped.as_bytes());
    let hex: String = text.bytes().map(|b| format!("{b:02X}")).collect();
    let abbreviated = format!("<< /Length {} /Filter /AHx >>\nstream\n{hex}>\nendstream", hex.len() + 1);
    for (name, bytes) in
        [("lech.pdf", misplaced), ("viet_tat.pdf", pdf(&[CATALOG, PAGES, page, &abbreviated, FONT], ""))]
    {
        let object = read_pdf(dir.path(), name, &bytes);
        assert_eq!(object["status"], "no_table", "{name}: {object}");
    }
}
