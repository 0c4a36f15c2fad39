//! OCR through the binary, on scans made at test time from the project's own
//! sample report (`fixtures/samples/sample_PA02.pdf`, page 2, rendered by
//! `pdftoppm`), turned by 1.5°, sprinkled with paper noise and stamped with
//! a red seal, then given as a PNG file and as an image-only PDF (raw RGB
//! samples) under a garbage invisible text layer, fed sideways, and signed
//! in blue over two scores; the same page is also rendered at 100 dpi. An unruled table (a portal export printed
//! without ruling lines) is built as a text PDF here and scanned by
//! rendering it at 150 dpi.
//! Needs `tesseract` with Vietnamese data and `pdftoppm`: `.ci/run` installs
//! them, and under `CI=true` a missing tool fails the test; elsewhere each
//! test prints what is missing and stops.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{Rgb, RgbImage};
use lopdf::{dictionary, Document as PdfDocument, Object, Stream};
use parcheck::extract::paged::ocr::{cleanup, Gray};
use serde_json::Value;

fn tools_missing() -> Option<&'static str> {
    if let Some(missing) = support::ocr_missing() {
        return Some(missing);
    }
    if Command::new("pdftoppm").arg("-v").output().is_err() {
        return Some("pdftoppm (poppler-utils)");
    }
    None
}

/// Whether the OCR tools are installed; in CI their absence is a failure.
fn tools_present() -> bool {
    support::can_run("OCR test", tools_missing(), "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils")
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/samples/sample_PA02.pdf")
}

/// Page 2 of the sample at 200 dpi, turned by 1.5° as a scanner feeds it,
/// with paper noise (dark specks) and a red seal stamped over the table.
fn scanned_page(dir: &Path) -> RgbImage {
    let png = support::rendered_gray_png(&sample(), Some(2), 200, dir, "page");
    let rendered = image::open(png).expect("rendered page").to_luma8();
    let (w, h) = rendered.dimensions();
    let gray = Gray { width: w as usize, height: h as usize, data: rendered.into_raw() };
    let turned = cleanup::rotate(&gray, -1.5);
    // Specks at a fixed pseudo-random set of pixels (one in 400), so every run sees the same scan.
    let mut seed: u32 = 12;
    let mut page = RgbImage::from_fn(w, h, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let v = if (seed >> 16).is_multiple_of(400) { 40 } else { turned.get(x as usize, y as usize) };
        Rgb([v, v, v])
    });
    // A red seal ring over the right side of the table, inked over the
    // print as a real stamp is: black stays black, paper turns red.
    let (cx, cy, r) = (w as f32 * 0.62, h as f32 * 0.55, w as f32 * 0.07);
    for y in 0..h {
        for x in 0..w {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            if (d - r).abs() < 6.0 || (d < r * 0.25) {
                let Rgb([v, g, b]) = *page.get_pixel(x, y);
                page.put_pixel(x, y, Rgb([v, g / 4, (f32::from(b) * 0.3) as u8]));
            }
        }
    }
    page
}

/// A blue ballpoint signature over the scores of row 1.1.3 (max 1,5, self 2):
/// loops of a pen stroke three pixels wide, its ink laid once over the print
/// (multiplied, as ink over toner is).
fn sign(page: &mut RgbImage) {
    let (w, h) = page.dimensions();
    let (x0, x1, cy) = (w as f32 * 0.45, w as f32 * 0.58, h as f32 * 0.752);
    let (amplitude, period) = (h as f32 * 0.012, w as f32 * 0.03);
    let mut stroke = std::collections::BTreeSet::new();
    for step in 0..2000 {
        // A slanted loop per period, as handwriting runs.
        let t = step as f32 / 2000.0;
        let phase = t * (x1 - x0) / period * std::f32::consts::TAU;
        let x = x0 + t * (x1 - x0) + period * 0.35 * phase.cos();
        let y = cy + amplitude * phase.sin();
        for (dx, dy) in (-1..=1).flat_map(|dx| (-1..=1).map(move |dy| (dx, dy))) {
            stroke.insert(((x as i64 + dx) as u32, (y as i64 + dy) as u32));
        }
    }
    for (x, y) in stroke.into_iter().filter(|&(x, y)| x < w && y < h) {
        let Rgb([r, g, b]) = *page.get_pixel(x, y);
        let ink = |v: u8, t: f32| (f32::from(v) * t) as u8;
        page.put_pixel(x, y, Rgb([ink(r, 0.42), ink(g, 0.47), ink(b, 0.78)]));
    }
}

fn run(path: &Path) -> Value {
    let output = support::run(&["check", &support::path_str(path), "--max-seconds", "300"]);
    let objects = support::stdout_objects(&output);
    assert_eq!(objects.len(), 1, "{}", String::from_utf8_lossy(&output.stderr));
    objects.into_iter().next().unwrap_or_default()
}

/// Share of the truth's values, for the codes the page holds, that were read exactly.
fn value_accuracy(report: &Value) -> (usize, usize) {
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/samples/truth/sample_PA02.pdf.json"),
        )
        .unwrap(),
    )
    .unwrap();
    // Page 2 holds the rows from I down to 1.2.
    let codes = ["I", "1", "1.1", "1.1.1", "1.1.2", "1.1.3"];
    let (mut right, mut total) = (0, 0);
    for code in codes {
        for column in ["max_points", "self_score"] {
            let want = &truth["criteria"][code][column];
            total += 1;
            let got = report["criteria"].as_array().and_then(|c| c.iter().find(|c| c["code"] == code));
            if got.is_some_and(|g| g[column].as_f64() == want.as_f64()) {
                right += 1;
            }
        }
    }
    (right, total)
}

fn has_finding(report: &Value, kind: &str, code: &str) -> bool {
    report["findings"].as_array().is_some_and(|f| f.iter().any(|f| f["kind"] == kind && f["code"] == code))
}

fn assert_read(report: &Value) {
    assert_eq!(report["status"], "ok", "{report}");
    assert_eq!(report["extraction"]["method"], "ocr");
    assert_eq!(report["extraction"]["ocr_pages"], 1);
    assert!(report["extraction"]["ocr_engine"].as_str().is_some_and(|e| e.starts_with("tesseract ")));
    let (right, total) = value_accuracy(report);
    assert_eq!(right, total, "{right}/{total} values read: {report}");
    // The sample's mutation: 1.1.3 self 2 above its max 1,5.
    assert!(has_finding(report, "exceeds_max", "1.1.3"), "{report}");
}

#[test]
fn stamped_png_scan_is_read() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.png");
    scanned_page(dir.path()).save(&path).unwrap();
    assert_read(&run(&path));
}

#[test]
fn page_fed_sideways_is_turned_upright_and_read() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sideways.png");
    let upright = scanned_page(dir.path());
    image::imageops::rotate90(&upright).save(&path).unwrap();
    let report = run(&path);
    assert_read(&report);
    // The page as read is the upright one: its boxes lie within a portrait page.
    let bbox = &report["criteria"][0]["cells"]["max_points"]["bbox"];
    assert!(bbox[2].as_f64().is_some_and(|x| x < 600.0) && bbox[3].as_f64().is_some_and(|y| y < 850.0), "{bbox}");
    // The image the reports crop from is turned the same way: the value's pixels hold its ink.
    let d: parcheck::report::DocumentReport = serde_json::from_value(report.clone()).unwrap();
    let images = parcheck::pipeline::page_images(&d, &[1], &parcheck::config::Options::default());
    let (_, image) = images.first().expect("the page image");
    assert_eq!(image.dimensions(), upright.dimensions(), "{}", report["extraction"]);
    let at = &report["criteria"][0]["cells"]["max_points"]["pixels"];
    let [x0, y0, x1, y1] = [0, 1, 2, 3].map(|i| at[i].as_u64().unwrap() as u32);
    let ink = (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| image.get_pixel(x, y)[0] < 128);
    assert!(ink.count() > 20, "no ink at {at} of the upright page");
}

#[test]
fn blue_signature_over_score_cells_is_read() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("signed.png");
    let mut page = scanned_page(dir.path());
    sign(&mut page);
    page.save(&path).unwrap();
    let report = run(&path);
    assert_read(&report);
    let row = report["criteria"].as_array().and_then(|c| c.iter().find(|c| c["code"] == "1.1.3")).cloned();
    let row = row.unwrap_or_default();
    assert_eq!((row["max_points"].as_f64(), row["self_score"].as_f64()), (Some(1.5), Some(2.0)), "{row}");
}

/// At 100 dpi OCR reads the bold serif `I` of the group row as a bar (`]`,
/// `Í`): the group, its values and the sum over it are read all the same.
#[test]
fn low_resolution_scan_keeps_the_roman_group() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = run(&support::rendered_gray_png(&sample(), Some(2), 100, dir.path(), "low"));
    let (right, total) = value_accuracy(&report);
    assert_eq!(right, total, "{right}/{total} values read: {report}");
    assert!(has_finding(&report, "sum_mismatch", "I"), "{report}");
}

/// A one-page PDF of `width` × `height` points drawing `content`, with
/// Helvetica as `/F1` and, when given, `image` as `/Im1`.
fn one_page_pdf(width: f32, height: f32, content: String, image: Option<Stream>) -> Vec<u8> {
    let mut doc = PdfDocument::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
    let mut resources = dictionary! { "Font" => dictionary! { "F1" => font } };
    if let Some(image) = image {
        resources.set("XObject", dictionary! { "Im1" => doc.add_object(image) });
    }
    let contents = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
        "MediaBox" => vec![0.into(), 0.into(), Object::Real(width), Object::Real(height)],
        "Resources" => resources,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// An image-only PDF page with an invisible (render mode 3) text layer of garbage on top.
fn scanned_pdf(rgb: Vec<u8>, width: u32, height: u32) -> Vec<u8> {
    let image = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => width as i64, "Height" => height as i64,
        "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8 },
        rgb,
    );
    let (pw, ph) = (width as f32 * 72.0 / 200.0, height as f32 * 72.0 / 200.0);
    let content =
        format!("q {pw} 0 0 {ph} 0 0 cm /Im1 Do Q\nBT 3 Tr /F1 12 Tf 100 500 Td (l1 I 8Z 7974 l.l.3 25) Tj ET\n");
    one_page_pdf(pw, ph, content, Some(image))
}

#[test]
fn image_pdf_under_invisible_text_layer_is_read_by_ocr() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = scanned_page(dir.path());
    let (width, height) = page.dimensions();
    let path = dir.path().join("scan.pdf");
    std::fs::write(&path, scanned_pdf(page.into_raw(), width, height)).unwrap();
    let report = run(&path);
    assert_read(&report);
    // With OCR off, the text layer the OCR program left is read rather than nothing (as pdftotext reads it).
    let never = support::run(&["check", &support::path_str(&path), "--ocr", "never"]);
    let never = support::stdout_objects(&never);
    assert!(never[0]["status"] == "ok" || never[0]["status"] == "no_table", "{:?}", never[0]);
}

/// A portal export printed without ruling lines, as one landscape page:
/// codes, titles, two score columns and evidence placed only by x.
const UNRULED_ROWS: [[&str; 5]; 6] = [
    ["Ma", "Tieu chi/Tieu chi thanh phan", "Diem toi da", "Diem tu danh gia", "Giai trinh, tai lieu kiem chung"],
    ["1", "CONG TAC CHI DAO, DIEU HANH CCHC", "5", "4.5", ""],
    ["1.1.", "Ke hoach cai cach hanh chinh nam", "2", "1.5", ""],
    ["1.1.1.", "Ban hanh ke hoach CCHC nam kip thoi", "0.5", "0.5", "Ke hoach so 1280/KH-UBND"],
    ["1.1.2.", "Muc do hoan thanh ke hoach CCHC", "1.5", "1", "Bao cao so 1035/BC-UBND"],
    ["1.2.", "Thuc hien cong tac bao cao dinh ky", "2", "2", "bc 175 cchc"],
];

/// The last row, as portal exports print a wrapped title: the title and
/// evidence from the row's top, the code on the title's second line (one
/// line pitch below), the scores between: code, title's two lines, scores, evidence.
const WRAPPED_ROW: [&str; 6] = [
    "1.3.",
    "Cong tac kiem tra cai cach hanh chinh",
    "cua cac phong chuyen mon trong nam",
    "1",
    "1",
    "kh 129 ktra cchc",
];

/// The unruled page as a text PDF (Helvetica, no rulings), 842 × 595 points.
fn unruled_pdf() -> Vec<u8> {
    const X: [f32; 5] = [40.0, 95.0, 410.0, 490.0, 610.0];
    let mut content = String::from("BT /F1 13 Tf 250 540 Td (KET QUA TU DANH GIA CHI SO CCHC NAM 2021) Tj ET\n");
    let mut put = |x: f32, y: f32, text: &str| content += &format!("BT /F1 10 Tf {x} {y} Td ({text}) Tj ET\n");
    for (r, row) in UNRULED_ROWS.iter().enumerate() {
        let y = 480.0 - 26.0 * r as f32;
        for (x, text) in X.iter().zip(row).filter(|(_, t)| !t.is_empty()) {
            put(*x, y, text);
        }
    }
    let (y, pitch) = (480.0 - 26.0 * UNRULED_ROWS.len() as f32, 11.6);
    let [code, title, wrapped, max, own, evidence] = WRAPPED_ROW;
    put(X[1], y, title);
    put(X[4], y, evidence);
    put(X[0], y - pitch, code);
    put(X[1], y - pitch, wrapped);
    put(X[2], y - pitch / 2.0, max);
    put(X[3], y - pitch / 2.0, own);
    one_page_pdf(842.0, 595.0, content, None)
}

#[test]
fn unruled_scanned_table_is_read_in_its_columns() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("unruled.pdf");
    std::fs::write(&pdf, unruled_pdf()).unwrap();
    // Scanned at 150 dpi in gray, as portal exports are.
    let report = run(&support::rendered_gray_png(&pdf, None, 150, dir.path(), "unruled"));
    assert_eq!(report["status"], "ok", "{report}");
    assert_eq!(report["extraction"]["method"], "ocr");
    let wrapped = [WRAPPED_ROW[0], WRAPPED_ROW[1], WRAPPED_ROW[3], WRAPPED_ROW[4]];
    for row in UNRULED_ROWS[1..].iter().map(|r| [r[0], r[1], r[2], r[3]]).chain([wrapped]) {
        let code = row[0].trim_end_matches('.');
        let got = report["criteria"].as_array().and_then(|c| c.iter().find(|c| c["code"] == code));
        let got = got.unwrap_or_else(|| panic!("criterion {code} not read: {report}"));
        for (column, want) in [("max_points", row[2]), ("self_score", row[3])] {
            assert_eq!(got[column].as_f64(), want.parse::<f64>().ok(), "{code} {column}: {report}");
        }
    }
    // The wrapped title's two lines are one criterion's title, and no row of their own.
    let wrapped = report["criteria"].as_array().unwrap().iter().find(|c| c["code"] == "1.3").unwrap();
    let title = wrapped["title"].as_str().unwrap_or_default();
    let words = |text: &str| text.split_whitespace().count();
    assert_eq!(words(title), words(WRAPPED_ROW[1]) + words(WRAPPED_ROW[2]), "{wrapped}");
    assert_eq!(report["criteria"].as_array().unwrap().len(), UNRULED_ROWS.len(), "{report}");
    // The sums balance (the framework's findings aside: the page is a part of a report).
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["kind"] != "sum_mismatch" && f["severity"] != "error"), "{report}");
}
