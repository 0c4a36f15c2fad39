//! Fax scans through the binary: page 2 of the project's sample report
//! (`fixtures/samples/sample_PA02.pdf`, rendered at 200 dpi by `pdftoppm`)
//! thresholded to 1 bit and coded in CCITT Group 4 at test time (the `fax`
//! crate's encoder), as fax software stores a page, in an image-only PDF:
//! `/BlackIs1`, a Flate-then-CCITT filter chain, a damaged second page, and
//! a scanner's garbage OCR text drawn visibly over a page, and fax speckle all over one.
//! Needs `tesseract` with Vietnamese data and `pdftoppm` (see tests/it/ocr.rs).

use crate::support;

use std::path::Path;
use std::process::Command;

use lopdf::{dictionary, Document as PdfDocument, Object, Stream};
use serde_json::Value;

fn tools_present() -> bool {
    let missing = support::ocr_missing()
        .or_else(|| Command::new("pdftoppm").arg("-v").output().is_err().then_some("pdftoppm (poppler-utils)"));
    support::can_run("fax OCR test", missing, "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils")
}

/// Page 2 of the sample as 1-bit rows (true = black).
fn fax_page(dir: &Path) -> (Vec<Vec<bool>>, u32, u32) {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/samples/sample_PA02.pdf");
    let png = support::rendered_gray_png(&sample, Some(2), 200, dir, "page");
    let gray = image::open(png).expect("rendered page").to_luma8();
    let (w, h) = gray.dimensions();
    let rows = gray.rows().map(|row| row.map(|p| p.0[0] < 160).collect()).collect();
    (rows, w, h)
}

/// The rows coded in Group 4 as fax software stores a page: `/BlackIs1 true`
/// turns the coded black into samples of 1, which DeviceGray shows white;
/// the `/Decode [1 0]` beside it shows them black again.
fn black_is_1_fax(rows: &[Vec<bool>], width: u32, height: u32) -> Stream {
    let parms = dictionary! { "K" => -1, "Columns" => width as i64, "Rows" => height as i64, "BlackIs1" => true };
    let mut image = fax_image(group_4(rows, width), width, height, "CCITTFaxDecode".into(), parms.into());
    image.dict.set("Decode", vec![1.into(), 0.into()]);
    image
}

fn group_4(rows: &[Vec<bool>], width: u32) -> Vec<u8> {
    use fax::{encoder::Encoder, Color, VecWriter};
    let mut encoder = Encoder::new(VecWriter::new());
    for row in rows {
        let pels = row.iter().map(|&black| if black { Color::Black } else { Color::White });
        encoder.encode_line(pels, width as u16).unwrap();
    }
    encoder.finish().unwrap().finish()
}

/// An image-only PDF, one page per image stream, each filling its page at 200 dpi,
/// with `text` (Latin-1) drawn visibly over each image, as a scanner's own OCR may leave it.
fn image_pdf(images: Vec<Stream>, text: &str) -> Vec<u8> {
    let mut doc = PdfDocument::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" },
    );
    let mut kids = Vec::new();
    for stream in images {
        let size = |key: &[u8]| stream.dict.get(key).and_then(Object::as_i64).unwrap() as f32 * 72.0 / 200.0;
        let (pw, ph) = (size(b"Width"), size(b"Height"));
        let image = doc.add_object(stream);
        let mut content = format!("q {pw} 0 0 {ph} 0 0 cm /Im1 Do Q\nBT /F1 9 Tf 40 {} Td (", ph - 40.0).into_bytes();
        content.extend(text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')));
        content.extend(b") Tj ET\n");
        let contents = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(pw), Object::Real(ph)],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font }, "XObject" => dictionary! { "Im1" => image } },
        })));
    }
    let count = kids.len() as i64;
    doc.objects
        .insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn fax_image(data: Vec<u8>, width: u32, height: u32, filter: Object, parms: Object) -> Stream {
    Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => width as i64, "Height" => height as i64,
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1, "Filter" => filter, "DecodeParms" => parms },
        data,
    )
}

fn run(path: &Path) -> Value {
    let output = support::run(&["check", &support::path_str(path), "--max-seconds", "300"]);
    let objects = support::stdout_objects(&output);
    assert_eq!(objects.len(), 1, "{}", String::from_utf8_lossy(&output.stderr));
    objects.into_iter().next().unwrap_or_default()
}

/// The page's scores as the sample's truth has them: every one read.
fn assert_values_read(report: &Value) {
    assert_eq!(report["status"], "ok", "{report}");
    assert_eq!(report["extraction"]["method"], "ocr");
    let truth = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/samples/truth/sample_PA02.pdf.json");
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(truth).unwrap()).unwrap();
    for code in ["I", "1", "1.1", "1.1.1", "1.1.2", "1.1.3"] {
        for column in ["max_points", "self_score"] {
            let got = support::criterion(report, code)[column].as_f64();
            assert_eq!(got, truth["criteria"][code][column].as_f64(), "{code} {column}: {report}");
        }
    }
    assert!(
        report["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["kind"] == "exceeds_max" && f["code"] == "1.1.3")),
        "{report}"
    );
}

#[test]
fn group_4_fax_pdf_is_read() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (rows, width, height) = fax_page(dir.path());
    let image = black_is_1_fax(&rows, width, height);
    let path = dir.path().join("fax.pdf");
    // Over it, the garbage a scanner's own OCR left, in plain sight: the page is read by OCR all the same.
    let garbage = "CÔNG HOA XA HÔI CHU NGHÏA VIÊT NAM Dôc lap - Tr do - Hnh phñc Bng tông hop diêm tr dnh gié cua UBND huyên nãm 2021 Tiéu chí thânh phân";
    std::fs::write(&path, image_pdf(vec![image], garbage)).unwrap();
    let report = run(&path);
    assert_values_read(&report);
    assert_eq!(report["extraction"]["ocr_pages"], 1);
}

/// Fax speckle over the whole page, as a worn fax line or a copier prints it:
/// blots of one to three pixels across, one in about 900 pixels, at places
/// a fixed-seed generator picks (some land beside digits and header words).
fn speckled(mut rows: Vec<Vec<bool>>) -> Vec<Vec<bool>> {
    let (height, width) = (rows.len(), rows.first().map_or(0, Vec::len));
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |below: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below as u64) as usize
    };
    for _ in 0..width * height / 900 {
        let (x, y, size) = (next(width), next(height), 1 + next(3));
        for row in rows.iter_mut().skip(y).take(size) {
            for pel in row.iter_mut().skip(x).take(size) {
                *pel = true;
            }
        }
    }
    rows
}

#[test]
fn speckled_fax_page_is_read() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (rows, width, height) = fax_page(dir.path());
    let image = black_is_1_fax(&speckled(rows), width, height);
    let path = dir.path().join("speckled.pdf");
    std::fs::write(&path, image_pdf(vec![image], "")).unwrap();
    assert_values_read(&run(&path));
}

#[test]
fn flate_then_ccitt_chain_and_a_damaged_page_leave_the_good_page_read() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (rows, width, height) = fax_page(dir.path());
    let parms = || dictionary! { "K" => -1, "Columns" => width as i64, "Rows" => height as i64 };
    let mut zipped = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut zipped, &group_4(&rows, width)).unwrap();
    let chain = vec![Object::Name(b"FlateDecode".to_vec()), Object::Name(b"CCITTFaxDecode".to_vec())];
    let good =
        fax_image(zipped.finish().unwrap(), width, height, chain.into(), vec![Object::Null, parms().into()].into());
    let damaged = fax_image(vec![0; 64], width, height, "CCITTFaxDecode".into(), parms().into());
    let path = dir.path().join("fax2.pdf");
    std::fs::write(&path, image_pdf(vec![good, damaged], "")).unwrap();
    let report = run(&path);
    assert_values_read(&report);
    assert_eq!(report["extraction"]["ocr_pages"], 1);
    let messages = support::messages(&report).join("\n");
    assert!(messages.contains("trang 2 không đọc được") && messages.contains("CCITT"), "{messages}");
}
