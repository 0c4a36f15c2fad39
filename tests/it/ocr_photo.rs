//! A phone photo of a report page through the binary: page 2 of the
//! project's sample report (`fixtures/samples/sample_PA02.pdf`, rendered by
//! `pdftoppm` at 200 dpi, blurred a little and seen at 150) laid on a wooden desk in a 1.25× larger frame,
//! seen in perspective (its top 7 % narrower), turned by 1.2°, its rows
//! bowed, under a warm light that fades across the sheet, saved as JPEG.
//! Needs `tesseract` with Vietnamese data and `pdftoppm`, as tests/ocr.rs.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{Rgb, RgbImage};
use serde_json::Value;

fn tools_present() -> bool {
    let missing = support::ocr_missing()
        .or_else(|| Command::new("pdftoppm").arg("-v").output().is_err().then_some("pdftoppm (poppler-utils)"));
    support::can_run("OCR photo test", missing, "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils")
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/samples/sample_PA02.pdf")
}

/// The photo: each frame pixel's place on the sheet (`u`, `v` in 0..1) by
/// the inverse of the camera's view — rotation, then a trapezoid whose top
/// is 7 % narrower, then rows bowed by 0.7 % of the height — sampled from
/// the rendered page; background elsewhere.
fn photographed(page: &image::GrayImage) -> RgbImage {
    // The camera sees the 200-dpi page at three quarters of its size.
    let (pw, ph) = (page.width() as f32 * 0.75, page.height() as f32 * 0.75);
    let (fw, fh) = ((pw * 1.25) as u32, (ph * 1.25) as u32);
    let (cx, cy) = (fw as f32 / 2.0, fh as f32 / 2.0);
    let (sin, cos) = 1.2f32.to_radians().sin_cos();
    RgbImage::from_fn(fw, fh, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let (rx, ry) = (dx * cos + dy * sin, -dx * sin + dy * cos);
        let v0 = ry / ph + 0.5;
        let u = rx / (pw * (1.0 - 0.07 * (1.0 - v0))) + 0.5;
        let v = v0 - 0.007 * 4.0 * u * (1.0 - u);
        if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
            let value = bilinear(page, u * page.width() as f32, v * page.height() as f32);
            // A warm light, a quarter dimmer at the right.
            let light = 1.0 - 0.25 * u;
            Rgb([value * light * 0.98, value * light * 0.94, value * light * 0.84].map(|c| c as u8))
        } else {
            // Wood: brown with grain.
            let grain = ((y as f32 * 0.05 + (x as f32 * 0.01).sin() * 3.0).sin() * 20.0) as i32;
            Rgb([(120 + grain) as u8, (80 + grain) as u8, (50 + grain / 2) as u8])
        }
    })
}

/// The page's gray at a point between its pixels.
fn bilinear(page: &image::GrayImage, x: f32, y: f32) -> f32 {
    let (x0, y0) = (x.floor().max(0.0) as u32, y.floor().max(0.0) as u32);
    let (x1, y1) = ((x0 + 1).min(page.width() - 1), (y0 + 1).min(page.height() - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |xx: u32, yy: u32| f32::from(page.get_pixel(xx, yy)[0]);
    (p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx) * (1.0 - fy) + (p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx) * fy
}

#[test]
fn phone_photo_of_a_page_is_rectified_and_read() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let png = support::rendered_gray_png(&sample(), Some(2), 200, dir.path(), "page");
    // The lens blurs what it sees a little.
    let page = image::imageops::blur(&image::open(png).expect("rendered page").to_luma8(), 1.0);
    let path = dir.path().join("photo.jpg");
    photographed(&page).save(&path).unwrap();
    let output = support::run(&["check", &support::path_str(&path), "--max-seconds", "300"]);
    let report: Value = support::stdout_objects(&output).into_iter().next().unwrap_or_default();
    assert_eq!(report["status"], "ok", "{report}");
    assert_eq!(report["extraction"]["method"], "ocr");
    // Page 2 holds the rows from I down to 1.2 (the bold Roman `I` of its
    // first row is not always read); 1.1.3's self-score 2 exceeds its max 1,5.
    let want = [
        ("1", 14.0, 11.8),
        ("1.1", 3.0, 3.0),
        ("1.1.1", 0.5, 0.5),
        ("1.1.2", 1.0, 1.0),
        ("1.1.3", 1.5, 2.0),
        ("1.2", 3.0, 3.0),
    ];
    for (code, max, own) in want {
        let row = support::criterion(&report, code);
        assert_eq!(
            (row["max_points"].as_f64(), row["self_score"].as_f64()),
            (Some(max), Some(own)),
            "{code}: {report}"
        );
    }
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["kind"] == "exceeds_max" && f["code"] == "1.1.3"), "{report}");
    // The sheet is read at the resolution the photo gives it (the page's 150 dpi, less the perspective).
    let dpi = report["extraction"]["scans"][0]["dpi"].as_u64().unwrap_or(0);
    assert!((135..=155).contains(&dpi), "{}", report["extraction"]);
    // The image the reports crop from is the rectified sheet: a value's pixels hold its ink.
    let d: parcheck::report::DocumentReport = serde_json::from_value(report.clone()).unwrap();
    let images = parcheck::pipeline::page_images(&d, &[1], &parcheck::config::Options::default());
    let (_, image) = images.first().expect("the page image");
    let at = &support::criterion(&report, "1.1.3")["cells"]["self_score"]["pixels"];
    let [x0, y0, x1, y1] = [0, 1, 2, 3].map(|i| at[i].as_u64().unwrap_or(0) as u32);
    assert!(x1 <= image.width() && y1 <= image.height(), "{at} outside {:?}", image.dimensions());
    let ink = (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| image.get_pixel(x, y)[0] < 128);
    assert!(ink.count() > 15, "no ink at {at} of the rectified sheet");
}
