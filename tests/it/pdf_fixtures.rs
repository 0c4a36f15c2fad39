//! Generated PDF fixtures (built with lopdf's writer, no files committed):
//! a table over three pages with repeated header and a row broken by the page
//! break, a Type0/Identity-H font with ToUnicode, a Form XObject holding the
//! table, an image-only page, an encrypted file, a truncated file, and an
//! unruled (stream-mode) table over two pages. As archives hold them: pages
//! turned by /Rotate 90/270, a TrueType font without ToUnicode (read through
//! its embedded cmap), a diagonal transparent watermark over a score column,
//! running header/footer lines, an unruled table over three pages with its
//! header on page 1 only, a table with horizontal rules only, a row cut by a
//! page break without a closing border, damaged and self-drawing streams.

use lopdf::{dictionary, Document as PdfDocument, Object, Stream};
use parcheck::config::Limits;
use parcheck::extract::paged::pdf;
use parcheck::extract::{Budget, ErrorKind};
use parcheck::grid::Document;

const PAGE_HEIGHT: f32 = 842.0;
const COLUMNS: [f32; 5] = [40.0, 90.0, 300.0, 360.0, 420.0];

/// One page: its content stream and the XObjects it draws, by name.
#[derive(Default)]
struct PageSpec {
    content: String,
    xobjects: Vec<(&'static str, Stream)>,
    /// `/Rotate` of the page.
    rotate: Option<i64>,
    /// The content stream's bytes are not valid Flate data.
    damaged: bool,
}

fn page(content: String) -> PageSpec {
    PageSpec { content, ..PageSpec::default() }
}

fn build(pages: Vec<PageSpec>, type0: bool) -> Vec<u8> {
    let mut doc = PdfDocument::with_version("1.5");
    let pages_id = doc.new_object_id();
    let helvetica = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let mut fonts = dictionary! { "F1" => helvetica };
    if type0 {
        // Codes 0001.. map to "Điểm", as a subset font with Identity-H would.
        let cmap = b"/CIDInit /ProcSet findresource begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
2 beginbfchar <0001> <0110> <0002> <0069>\nendbfchar\n1 beginbfrange <0003> <0004> [<1EC3> <006D>] endbfrange\nendcmap end";
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
        let descendant = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+TimesNewRoman",
            "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
            "W" => vec![1.into(), vec![722.into(), 278.into(), 444.into(), 778.into()].into()],
        });
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+TimesNewRoman", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![descendant.into()], "ToUnicode" => to_unicode,
        });
        fonts.set("F2", font);
    }
    // F3: a subset TrueType font without ToUnicode whose embedded program maps glyph 1.. to TRUETYPE_CHARS.
    let program = doc.add_object(Stream::new(dictionary! {}, tiny_truetype(&TRUETYPE_CHARS)));
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "ABCDEF+Tiny", "Flags" => 4, "FontFile2" => program,
    });
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+Tiny", "FontDescriptor" => descriptor,
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 500, "CIDToGIDMap" => "Identity",
    });
    let tiny = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+Tiny", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![descendant.into()],
    });
    fonts.set("F3", tiny);
    let faint = dictionary! { "GS1" => dictionary! { "Type" => "ExtGState", "ca" => 0.35 } };
    let mut kids = Vec::new();
    for spec in pages {
        let bytes = spec.content.into_bytes();
        let content = if spec.damaged {
            doc.add_object(Stream::new(dictionary! { "Filter" => "FlateDecode" }, b"this is no deflate data".to_vec()))
        } else {
            doc.add_object(Stream::new(dictionary! {}, bytes))
        };
        let mut resources = dictionary! { "Font" => fonts.clone(), "ExtGState" => faint.clone() };
        let mut xobjects = lopdf::Dictionary::new();
        for (name, stream) in spec.xobjects {
            xobjects.set(name, doc.add_object(stream));
        }
        resources.set("XObject", xobjects);
        let mut page = dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content, "Resources" => resources,
        };
        if let Some(rotate) = spec.rotate {
            page.set("Rotate", rotate);
        }
        let page = doc.add_object(page);
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()] }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The characters of F3's glyphs 1, 2, …
const TRUETYPE_CHARS: [char; 10] = ['Đ', 'i', 'ể', 'm', ' ', '9', '7', ',', '5', 'T'];

/// A minimal TrueType program (head, hhea, maxp and a format 12 cmap, no
/// outlines): glyph `i + 1` is `chars[i]`.
fn tiny_truetype(chars: &[char]) -> Vec<u8> {
    let be16 = |v: u16| v.to_be_bytes().to_vec();
    let be32 = |v: u32| v.to_be_bytes().to_vec();
    let glyphs = chars.len() as u16 + 1;
    let mut head = [be32(0x0001_0000), be32(0x0001_0000), be32(0), be32(0x5F0F_3CF5), be16(0), be16(1000)].concat();
    head.extend([0u8; 16]); // created, modified
    head.extend([be16(0), be16(0), be16(1000), be16(1000), be16(0), be16(8), be16(2), be16(0), be16(0)].concat());
    let mut hhea = [be32(0x0001_0000), be16(800), be16(0xFF38), be16(0)].concat();
    hhea.extend([0u8; 24]);
    hhea.extend(be16(0)); // numberOfHMetrics
    let maxp = [be32(0x0000_5000), be16(glyphs)].concat();
    // Groups sorted by character, as the format requires.
    let mut sorted: Vec<(u32, u32)> = chars.iter().enumerate().map(|(i, c)| (*c as u32, i as u32 + 1)).collect();
    sorted.sort_unstable();
    let groups: Vec<u8> = sorted.iter().flat_map(|(c, gid)| [be32(*c), be32(*c), be32(*gid)].concat()).collect();
    let subtable =
        [be16(12), be16(0), be32(16 + groups.len() as u32), be32(0), be32(chars.len() as u32), groups].concat();
    let cmap = [be16(0), be16(1), be16(3), be16(10), be32(12), subtable].concat();
    let tables: [(&[u8; 4], Vec<u8>); 4] = [(b"cmap", cmap), (b"head", head), (b"hhea", hhea), (b"maxp", maxp)];
    let mut out = [be32(0x0001_0000), be16(4), be16(64), be16(2), be16(0)].concat();
    let mut offset = 12 + 16 * tables.len() as u32;
    let mut body = Vec::new();
    for (tag, data) in &tables {
        out.extend(tag.iter());
        out.extend([be32(0), be32(offset), be32(data.len() as u32)].concat());
        let mut padded = data.clone();
        padded.resize(data.len().div_ceil(4) * 4, 0);
        offset += padded.len() as u32;
        body.extend(padded);
    }
    out.extend(body);
    out
}

fn text(x: f32, top: f32, s: &str) -> String {
    format!("BT /F1 10 Tf {x} {} Td ({s}) Tj ET\n", PAGE_HEIGHT - top)
}

/// A ruled table: `rows` of cell texts (one line each, `\n` for more), starting at `top`.
fn table(rows: &[Vec<&str>], top: f32, row_height: f32) -> String {
    ruled(rows, top, row_height, 0.0)
}

/// A ruled table whose last row runs `open` points further with no border
/// under it, as a browser draws a row cut by the page break (`open` 0: closed).
fn ruled(rows: &[Vec<&str>], top: f32, row_height: f32, open: f32) -> String {
    let mut out = String::from("0.5 w\n");
    let bottom = top + row_height * rows.len() as f32 + open;
    let closed = if open > 0.0 { rows.len() - 1 } else { rows.len() };
    for i in 0..=closed {
        let y = PAGE_HEIGHT - (top + row_height * i as f32);
        out += &format!("{} {y} m {} {y} l S\n", COLUMNS[0], COLUMNS[4]);
    }
    for x in COLUMNS {
        out += &format!("{x} {} m {x} {} l S\n", PAGE_HEIGHT - top, PAGE_HEIGHT - bottom);
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            for (l, line) in cell.split('\n').enumerate() {
                out += &text(COLUMNS[c] + 3.0, top + row_height * r as f32 + 12.0 + 12.0 * l as f32, line);
            }
        }
    }
    out
}

fn read(bytes: &[u8]) -> Result<Document, parcheck::extract::ExtractError> {
    let mut document = pdf::extract(bytes, &mut Budget::new(Limits::default()))?;
    parcheck::text::normalize_document(&mut document);
    Ok(document)
}

fn grid(document: &Document) -> Vec<Vec<String>> {
    document
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().map(|r| r.cells.iter().map(|c| c.text.clone()).collect()))
        .collect()
}

fn header() -> Vec<&'static str> {
    vec!["TT", "Tieu chi", "Diem chuan", "Tu danh gia"]
}

#[test]
fn table_over_three_pages_with_repeated_header_and_broken_row() {
    let page1 = format!(
        "{}{}",
        text(40.0, 40.0, "Tong so diem tu danh gia la: 2,5 diem"),
        table(&[header(), vec!["1", "Cong tac chi dao", "2", "1,5"], vec!["1.1", "Ke hoach", "1", "1"]], 100.0, 30.0)
    );
    // Row 1.2 starts at the bottom of page 2 and goes on at the top of page 3.
    let page2 = format!(
        "{}{}",
        table(&[header(), vec!["1.2", "Bao cao dinh ky day du", "1", "0,5"]], 40.0, 30.0),
        text(290.0, 820.0, "2")
    );
    let page3 = format!(
        "{}{}",
        table(&[header(), vec!["", "va dung han", "", ""], vec!["2", "Van ban QPPL", "1", "1"]], 40.0, 30.0),
        text(290.0, 820.0, "3")
    );
    let bytes = build([page1, page2, page3].into_iter().map(page).collect(), false);
    let document = read(&bytes).unwrap();
    assert_eq!(document.tables.len(), 1);
    assert_eq!(
        grid(&document),
        vec![
            header(),
            vec!["1", "Cong tac chi dao", "2", "1,5"],
            vec!["1.1", "Ke hoach", "1", "1"],
            vec!["1.2", "Bao cao dinh ky day du va dung han", "1", "0,5"],
            vec!["2", "Van ban QPPL", "1", "1"],
        ]
    );
    let pages: Vec<_> = document.tables[0].rows.iter().map(|r| r.location.page).collect();
    assert_eq!(pages, vec![Some(1), Some(1), Some(1), Some(2), Some(3)]);
    let prose: Vec<_> = document.prose.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(prose, vec!["Tong so diem tu danh gia la: 2,5 diem"]);
}

#[test]
fn type0_identity_h_font_with_to_unicode() {
    let content = "BT /F2 12 Tf 50 700 Td <0001000200030004> Tj ET\n".to_string();
    let document = read(&build(vec![page(content)], true)).unwrap();
    assert_eq!(document.prose[0].text, "Điểm");
    assert_eq!(document.prose[0].runs[0].font.as_deref(), Some("TimesNewRoman"));
    assert!(document.notes.is_empty());
}

#[test]
fn unmapped_glyphs_are_counted() {
    let content = "BT /F2 12 Tf 50 700 Td <00010009> Tj ET\n".to_string();
    let document = read(&build(vec![page(content)], true)).unwrap();
    assert_eq!(document.prose[0].text, "Đ\u{FFFD}");
    assert_eq!(document.notes.len(), 1);
}

#[test]
fn form_xobject_holding_the_table() {
    let form_content = table(&[header(), vec!["1", "Cong tac", "2", "2"]], 100.0, 30.0);
    // The form's matrix moves the table down 50pt.
    let form = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), (-50).into()] },
        form_content.into_bytes(),
    );
    let content = "q /X1 Do Q\n".to_string();
    let bytes = build(vec![PageSpec { xobjects: vec![("X1", form)], ..page(content) }], false);
    let document = read(&bytes).unwrap();
    assert_eq!(grid(&document), vec![header(), vec!["1", "Cong tac", "2", "2"]]);
    assert_eq!(document.tables[0].rows[0].location.page, Some(1));
}

/// An image-only page with OCR off (`--ocr never`) stays unsupported and says
/// OCR is needed; with OCR on it is read by OCR (tests/it/ocr.rs).
#[test]
fn image_only_page_is_unsupported_without_ocr() {
    let content = "q 500 0 0 700 40 60 cm /Im1 Do Q\n".to_string();
    let image = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        vec![0],
    );
    let bytes = build(vec![PageSpec { xobjects: vec![("Im1", image)], ..page(content) }], false);
    let limits = Limits { ocr: false, ..Limits::default() };
    match pdf::extract(&bytes, &mut Budget::new(limits)) {
        Err(e) if e.kind == ErrorKind::Unsupported => assert!(e.message.contains("--ocr never"), "{}", e.message),
        other => panic!("expected unsupported, got {other:?}"),
    }
}

#[test]
fn truncated_and_garbage_files_are_errors_not_panics() {
    let bytes = build(vec![page(table(&[header()], 100.0, 30.0))], false);
    // lopdf rebuilds what it can of a cut file; either outcome is fine, a panic is not.
    for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 20] {
        let _ = read(&bytes[..cut]);
    }
    assert!(read(&bytes[..10]).is_err());
    assert!(
        matches!(read(b"%PDF-1.4\n garbage"), Err(e) if matches!(e.kind, ErrorKind::Corrupt | ErrorKind::Unsupported))
    );
}

#[test]
fn page_limit_is_enforced() {
    let bytes = build((0..3).map(|_| page(text(40.0, 40.0, "x"))).collect(), false);
    let limits = Limits { max_pages: 2, ..Limits::default() };
    assert!(matches!(pdf::extract(&bytes, &mut Budget::new(limits)), Err(e) if e.kind == ErrorKind::LimitExceeded));
}

/// Lines of an unruled table as Excel prints it without gridlines: each cell's
/// text at its column, wrapped lines 12pt apart, no ruling segments.
fn borderless(rows: &[Vec<&str>], top: f32) -> (String, f32) {
    const X: [f32; 4] = [45.0, 95.0, 310.0, 370.0];
    let mut out = String::new();
    let mut y = top;
    for row in rows {
        let height = row.iter().map(|c| c.split('\n').count()).max().unwrap_or(1);
        for (c, cell) in row.iter().enumerate() {
            for (l, line) in cell.split('\n').enumerate() {
                out += &text(X[c], y + 12.0 * l as f32, line);
            }
        }
        y += 12.0 * height as f32 + 4.0;
    }
    (out, y)
}

fn borderless_report(wrong_total: bool) -> Vec<u8> {
    let header = vec!["STT", "Tieu chi", "Diem\nchuan", "Diem tu\ndanh gia"];
    let page1 = vec![
        header.clone(),
        vec!["I", "CONG TAC CHI DAO, DIEU HANH", "4", "3,5"],
        vec!["1", "Ke hoach cai cach hanh chinh", "2", "1,5"],
        vec!["1.1", "Ban hanh ke hoach cai cach hanh chinh\nnam dung thoi han quy dinh", "1", "1"],
        vec!["1.2", "Muc do hoan thanh ke hoach", "1", "0,5"],
    ];
    let page2 = vec![
        header,
        vec!["2", "Bao cao dinh ky va dot xuat\nve cai cach hanh chinh", "2", "2"],
        vec!["", "TONG CONG", "4", if wrong_total { "4" } else { "3,5" }],
    ];
    let (table1, _) = borderless(&page1, 120.0);
    let (table2, end) = borderless(&page2, 40.0);
    let pages = [
        format!("{}{}", text(40.0, 60.0, "Tong so diem tu danh gia la: 3,5 diem"), table1),
        format!("{table2}{}{}", text(300.0, end + 40.0, "GIAM DOC"), text(290.0, 820.0, "2")),
    ];
    build(pages.into_iter().map(page).collect(), false)
}

#[test]
fn borderless_table_over_two_pages() {
    let document = read(&borderless_report(false)).unwrap();
    assert_eq!(document.tables.len(), 1);
    assert_eq!(
        grid(&document),
        vec![
            vec!["STT", "Tieu chi", "Diem chuan", "Diem tu danh gia"],
            vec!["I", "CONG TAC CHI DAO, DIEU HANH", "4", "3,5"],
            vec!["1", "Ke hoach cai cach hanh chinh", "2", "1,5"],
            vec!["1.1", "Ban hanh ke hoach cai cach hanh chinh nam dung thoi han quy dinh", "1", "1"],
            vec!["1.2", "Muc do hoan thanh ke hoach", "1", "0,5"],
            vec!["2", "Bao cao dinh ky va dot xuat ve cai cach hanh chinh", "2", "2"],
            vec!["", "TONG CONG", "4", "3,5"],
        ]
    );
    let pages: Vec<_> = document.tables[0].rows.iter().map(|r| r.location.page).collect();
    assert_eq!(pages, vec![Some(1), Some(1), Some(1), Some(1), Some(1), Some(2), Some(2)]);
    let prose: Vec<_> = document.prose.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(prose, vec!["Tong so diem tu danh gia la: 3,5 diem", "GIAM DOC"]);
}

#[test]
fn borderless_table_is_checked() {
    let options = parcheck::config::Options::default();
    let good =
        serde_json::to_value(parcheck::pipeline::check_bytes("ok.pdf", &borderless_report(false), &options)).unwrap();
    assert_eq!(good["status"], "ok", "{good:#}");
    let codes: Vec<_> =
        good["criteria"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap_or("").to_owned()).collect();
    assert_eq!(codes, vec!["I", "1", "1.1", "1.2", "2", "TOTAL"], "{good:#}");
    assert_eq!(good["criteria"][3]["self_score"], serde_json::json!(0.5), "{good:#}");
    let bad =
        serde_json::to_value(parcheck::pipeline::check_bytes("bad.pdf", &borderless_report(true), &options)).unwrap();
    let findings = bad["findings"].as_array().unwrap();
    assert!(good["findings"].as_array().unwrap().is_empty(), "{good:#}");
    assert!(findings.iter().any(|f| f.to_string().contains("TOTAL")), "{bad:#}");
}

#[test]
fn encrypted_file_is_unsupported() {
    let plain = build(vec![page(text(40.0, 40.0, "Bao cao"))], false);
    let mut doc = PdfDocument::load_mem(&plain).unwrap();
    // Standard security handler, RC4 128-bit, with hashes no empty password opens.
    let encrypt = doc.add_object(dictionary! {
        "Filter" => "Standard", "V" => 2, "R" => 3, "Length" => 128, "P" => -3904,
        "O" => Object::string_literal(vec![0x4f; 32]), "U" => Object::string_literal(vec![0x55; 32]),
    });
    doc.trailer.set("Encrypt", encrypt);
    doc.trailer.set("ID", vec![Object::string_literal(vec![1; 16]), Object::string_literal(vec![1; 16])]);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    match read(&bytes) {
        Err(e) if e.kind == ErrorKind::Encrypted => {
            assert!(e.message.contains("mã hóa") && e.message.contains("hãy gỡ mật khẩu"))
        }
        other => panic!("expected unsupported, got {other:?}"),
    }
    let report = parcheck::pipeline::check_bytes("locked.pdf", &bytes, &parcheck::config::Options::default());
    assert_eq!(serde_json::to_value(report).unwrap()["status"], "unsupported");
}

fn rows() -> Vec<Vec<&'static str>> {
    vec![
        header(),
        vec!["1", "Cong tac chi dao", "2", "1,5"],
        vec!["1.1", "Ke hoach", "1", "1"],
        vec!["1.2", "Bao cao", "1", "0,5"],
    ]
}

#[test]
fn truetype_font_without_to_unicode_is_read_through_its_cmap() {
    // Glyphs 1-4 are "Điểm", 6-9 "97,5".
    let content = "BT /F3 12 Tf 50 700 Td <0001000200030004000500060007000800090000> Tj ET\n".to_string();
    let document = read(&build(vec![page(content)], false)).unwrap();
    assert_eq!(document.prose[0].text, "Điểm 97,5\u{FFFD}");
    // Only the glyph the program does not map (0) is counted.
    assert_eq!(document.notes.len(), 1, "{:?}", document.notes);
    assert!(document.notes[0].starts_with("1 ký tự"), "{:?}", document.notes);
}

#[test]
fn pages_turned_by_rotate_90_and_270_are_read_upright() {
    // The landscape page (842 x 595) drawn onto portrait media, turned upright only by /Rotate.
    for (rotate, matrix) in [(90, "0 1 -1 0 595 0"), (270, "0 -1 1 0 0 842")] {
        let content = format!("q {matrix} cm\n{}Q\n", table(&rows(), 300.0, 30.0));
        let bytes = build(vec![PageSpec { rotate: Some(rotate), ..page(content) }], false);
        let document = read(&bytes).unwrap();
        assert_eq!(grid(&document), rows(), "/Rotate {rotate}");
    }
}

#[test]
fn diagonal_transparent_watermark_over_the_scores_is_set_aside() {
    let watermark = "q /GS1 gs BT /F1 60 Tf 0.7071 0.7071 -0.7071 0.7071 250 450 Tm (BAN SAO) Tj ET Q\n";
    // A faint digit inside a score cell: upright, but painted at 35% opacity.
    let faint = format!("q /GS1 gs {}Q\n", text(395.0, 172.0, "9"));
    let content = format!("{}{watermark}{faint}", table(&rows(), 100.0, 30.0));
    let document = read(&build(vec![page(content)], false)).unwrap();
    assert_eq!(grid(&document), rows());
    assert!(document.prose.is_empty(), "{:?}", document.prose);
    assert!(document.notes.iter().any(|n| n.contains("in chồng")), "{:?}", document.notes);
}

#[test]
fn running_header_and_footer_on_every_page_are_dropped() {
    let pages: Vec<PageSpec> = (1..=3)
        .map(|n| {
            let body = match n {
                1 => format!(
                    "{}{}",
                    text(40.0, 60.0, "Tong so diem tu danh gia la: 3 diem"),
                    table(&rows()[..2], 100.0, 30.0)
                ),
                2 => table(&[header(), rows()[2].clone()], 60.0, 30.0),
                _ => table(&[header(), rows()[3].clone()], 60.0, 30.0),
            };
            page(format!(
                "{}{body}{}",
                text(40.0, 30.0, "UBND huyen Hoang Hoa - Bao cao CCHC nam 2021"),
                text(290.0, 820.0, &format!("- {n} -"))
            ))
        })
        .collect();
    let document = read(&build(pages, false)).unwrap();
    assert_eq!(document.tables.len(), 1);
    assert_eq!(grid(&document), rows());
    let prose: Vec<_> = document.prose.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(prose, vec!["Tong so diem tu danh gia la: 3 diem"]);
}

#[test]
fn borderless_table_over_three_pages_with_its_header_on_page_one_only() {
    let header = vec!["STT", "Tieu chi", "Diem\nchuan", "Diem tu\ndanh gia"];
    let (first, _) = borderless(&[header, rows()[1].clone()], 120.0);
    let (second, _) = borderless(&[rows()[2].clone()], 40.0);
    let (third, end) = borderless(&[rows()[3].clone(), vec!["", "TONG CONG", "2", "1,5"]], 40.0);
    let pages = [first, second, third]
        .into_iter()
        .enumerate()
        .map(|(i, body)| page(format!("{body}{}", text(480.0, 820.0, &format!("Trang {}/3", i + 1)))))
        .collect();
    let mut pages: Vec<PageSpec> = pages;
    pages[2].content += &text(300.0, end + 40.0, "GIAM DOC");
    let document = read(&build(pages, false)).unwrap();
    assert_eq!(document.tables.len(), 1, "{:?}", grid(&document));
    let mut expected = rows();
    expected[0] = vec!["STT", "Tieu chi", "Diem chuan", "Diem tu danh gia"];
    expected.push(vec!["", "TONG CONG", "2", "1,5"]);
    assert_eq!(grid(&document), expected);
    let pages: Vec<_> = document.tables[0].rows.iter().map(|r| r.location.page).collect();
    assert_eq!(pages, vec![Some(1), Some(1), Some(2), Some(3), Some(3)]);
    let prose: Vec<_> = document.prose.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(prose, vec!["GIAM DOC"]);
}

#[test]
fn table_with_horizontal_rules_only() {
    let mut content = String::from("0.5 w\n");
    for i in 0..=rows().len() {
        let y = PAGE_HEIGHT - (100.0 + 30.0 * i as f32);
        content += &format!("{} {y} m {} {y} l S\n", COLUMNS[0], COLUMNS[4]);
    }
    for (r, row) in rows().iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            content += &text(COLUMNS[c] + 3.0, 100.0 + 30.0 * r as f32 + 18.0, cell);
        }
    }
    let document = read(&build(vec![page(content)], false)).unwrap();
    assert_eq!(grid(&document), rows());
}

#[test]
fn row_cut_by_a_page_break_without_a_closing_border_is_mended() {
    // Row 1.2's cell walls run to the foot of page 1 with no border under them;
    // page 2 repeats the header and goes on with the rest of the row.
    let page1 = ruled(&rows()[..4], 100.0, 30.0, 40.0);
    let page2 = table(&[header(), vec!["", "dinh ky", "", ""], vec!["2", "Van ban", "1", "1"]], 40.0, 30.0);
    let document = read(&build(vec![page(page1), page(page2)], false)).unwrap();
    let mut expected = rows();
    expected[3] = vec!["1.2", "Bao cao dinh ky", "1", "0,5"];
    expected.push(vec!["2", "Van ban", "1", "1"]);
    assert_eq!(grid(&document), expected);
}

#[test]
fn damaged_stream_costs_its_page_not_the_file() {
    let damaged = PageSpec { damaged: true, ..page(text(40.0, 40.0, "Trang bi hong")) };
    let document = read(&build(vec![damaged, page(table(&rows(), 100.0, 30.0))], false)).unwrap();
    assert_eq!(grid(&document), rows());
    assert!(document.notes.iter().any(|n| n.contains("bị hỏng") && n.contains("trang 1")), "{:?}", document.notes);
    // With every page's text in a damaged stream the file is an error, without the OCR advice.
    let all_damaged = (0..2).map(|_| PageSpec { damaged: true, ..page(text(40.0, 40.0, "x")) }).collect();
    match read(&build(all_damaged, false)) {
        Err(e) if e.kind == ErrorKind::Corrupt => assert!(!e.message.contains("OCR"), "{}", e.message),
        other => panic!("expected corrupt, got {other:?}"),
    }
}

#[test]
fn form_that_draws_itself_costs_only_itself() {
    let form = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()] },
        format!("{}/X1 Do\n", text(40.0, 40.0, "Trong khung")).into_bytes(),
    );
    let content = format!("/X1 Do\n{}", table(&rows(), 100.0, 30.0));
    let bytes = build(vec![PageSpec { xobjects: vec![("X1", form)], ..page(content) }], false);
    // Point the form's own resources at itself.
    let mut doc = PdfDocument::load_mem(&bytes).unwrap();
    let form_id = doc
        .objects
        .iter()
        .find(|(_, o)| {
            o.as_stream().is_ok_and(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form"))
        })
        .map(|(id, _)| *id)
        .unwrap();
    if let Ok(Object::Stream(stream)) = doc.get_object_mut(form_id) {
        stream
            .dict
            .set("Resources", dictionary! { "XObject" => dictionary! { "X1" => form_id }, "Font" => dictionary! {} });
    }
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let document = read(&bytes).unwrap();
    assert_eq!(grid(&document), rows());
    assert!(document.notes.iter().any(|n| n.contains("lặp vòng")), "{:?}", document.notes);
}

#[test]
fn a_ruled_cell_is_located_by_its_box_on_the_page() {
    let pdf = build(vec![page(table(&rows(), 100.0, 20.0))], false);
    let report = parcheck::pipeline::check_bytes("ruled.pdf", &pdf, &parcheck::config::Options::default());
    let report = serde_json::to_value(report).unwrap();
    let code_12 = report["criteria"].as_array().unwrap().iter().find(|c| c["code"] == "1.2").unwrap();
    // Its "0,5" is written at x 363, baseline 172: inside the ruled box of row 4, column 4.
    let expected = serde_json::json!({"table": 1, "row": 4, "column": 4, "page": 1, "bbox": [360, 160, 420, 180]});
    assert_eq!(code_12["cells"]["self_score"], expected, "{report:#}");
}
