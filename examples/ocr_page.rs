//! Debugging aid for the OCR image stages: `cargo run --example ocr_page IMAGE DPI [OUT.pgm]`
//! prints the skew, the rulings and the cells found, and writes the levelled page
//! (despeckled and levelled as the page reader does).

use parcheck::config::Limits;
use parcheck::extract::paged::ocr::{cells, cleanup, image, lines};
use parcheck::extract::Budget;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(dpi)) = (args.get(1), args.get(2).and_then(|d| d.parse::<f32>().ok())) else {
        eprintln!("usage: ocr_page IMAGE DPI [OUT.pgm]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).expect("read image");
    let format = ::image::ImageFormat::from_path(path).expect("image format");
    let gray = image::decode(&bytes, format, &mut Budget::new(Limits::default())).expect("decode");
    // As the page reader does: specks go before the page is levelled.
    let (mut clean, mut mask) = (gray.clone(), cleanup::binarize(&gray, dpi));
    cleanup::despeckle(&mut clean, &mut mask, dpi);
    let skew = cleanup::skew_angle(&mask);
    let level = cleanup::rotate(&clean, skew);
    let mask = cleanup::binarize(&level, dpi);
    let rules = lines::rulings(&mask, dpi);
    let streak = lines::streaks(&rules, mask.width, mask.height, skew);
    println!("skew {skew:.3}°, {} rulings", rules.len());
    for (r, streak) in rules.iter().zip(&streak) {
        let what = if *streak { " (streak)" } else { "" };
        println!("  {} pos {:.1} {}..{}{what}", if r.horizontal { "h" } else { "v" }, r.pos, r.from, r.to);
    }
    for t in cells::lattices(&lines::cell_borders(&rules, &streak), (dpi * 0.02).max(2.0)) {
        let mut columns: Vec<usize> = t.cells.iter().map(|c| c.x0).collect();
        columns.sort_unstable();
        columns.dedup();
        println!("table {}..{}: {} cells, columns from {columns:?}", t.top, t.bottom, t.cells.len());
    }
    if let Some(out) = args.get(3) {
        level.write_pgm(&mut std::fs::File::create(out).expect("create")).expect("write");
    }
}
