//! One scanned page through the OCR stages, ending in the shared page model:
//! words with boxes and ruling segments, in points from the top-left corner.

use std::time::Instant;

use super::cells::{lattices, CellBox, Lattice};
use super::cleanup::{binarize, rotate, skew_angle};
use super::engine::{Mode, Tesseract, Word};
use super::lines::rulings;
use super::{Gray, Mask};
use crate::extract::ExtractResult;

/// A recognised word in page points (top-left origin); `bottom` is its baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrWord {
    pub x: f32,
    pub bottom: f32,
    pub width: f32,
    pub height: f32,
    pub text: String,
    /// Tesseract's confidence, 0–100.
    pub confidence: f32,
    /// The word follows another on the same line of the same crop.
    pub space_before: bool,
}

/// A ruling line in page points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OcrSegment {
    pub horizontal: bool,
    pub pos: f32,
    pub from: f32,
    pub to: f32,
}

/// What OCR read on one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OcrPage {
    pub width: f32,
    pub height: f32,
    pub words: Vec<OcrWord>,
    pub segments: Vec<OcrSegment>,
    /// The skew that was corrected, in degrees.
    pub skew: f32,
}

impl OcrPage {
    /// Stretches the page by `sx` horizontally and `sy` vertically.
    pub fn scale(&mut self, sx: f32, sy: f32) {
        self.width *= sx;
        self.height *= sy;
        for w in &mut self.words {
            (w.x, w.bottom, w.width, w.height) = (w.x * sx, w.bottom * sy, w.width * sx, w.height * sy);
        }
        for s in &mut self.segments {
            let (along, across) = if s.horizontal { (sx, sy) } else { (sy, sx) };
            (s.pos, s.from, s.to) = (s.pos * across, s.from * along, s.to * along);
        }
    }
}

/// A region of the page read on its own.
struct Crop {
    x: usize,
    y: usize,
    image: Gray,
    /// A table cell (not prose around the table).
    cell: bool,
}

/// White margin around each crop: Tesseract finds text poorly at an image edge.
const MARGIN: usize = 8;

fn ink_count(mask: &Mask, x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
    (y0..y1.min(mask.height)).map(|y| (x0..x1.min(mask.width)).filter(|&x| mask.get(x, y)).count()).sum()
}

fn padded(image: &Gray) -> Gray {
    let mut out = Gray::new(image.width + 2 * MARGIN, image.height + 2 * MARGIN, 255);
    for y in 0..image.height {
        let row = &image.data[y * image.width..(y + 1) * image.width];
        let at = (y + MARGIN) * out.width + MARGIN;
        out.data[at..at + image.width].copy_from_slice(row);
    }
    out
}

/// The inside of a cell, its border lines cut away, when it holds ink.
fn cell_crop(gray: &Gray, mask: &Mask, cell: &CellBox, inset: usize, min_ink: usize) -> Option<Crop> {
    let (x0, y0) = (cell.x0 + inset, cell.y0 + inset);
    let (x1, y1) = (cell.x1.saturating_sub(inset), cell.y1.saturating_sub(inset));
    if x1 <= x0 + 2 || y1 <= y0 + 2 || ink_count(mask, x0, y0, x1, y1) < min_ink {
        return None;
    }
    let mut image = gray.crop(x0, y0, x1 - x0, y1 - y0);
    erase_border_residue(&mut image, mask, x0, y0, inset * 2);
    Some(Crop { x: x0, y: y0, image: padded(&image), cell: true })
}

/// Paints white the rows and columns near the crop's edges that are mostly
/// ink: what is left of a ruling line (a thick or slightly tilted border),
/// which Tesseract would read as a "1" or a bar.
fn erase_border_residue(image: &mut Gray, mask: &Mask, x0: usize, y0: usize, band: usize) {
    let (w, h) = (image.width, image.height);
    let ink = |x: usize, y: usize| mask.get((x0 + x).min(mask.width - 1), (y0 + y).min(mask.height - 1));
    for y in (0..h).filter(|&y| y < band || y + band >= h) {
        if (0..w).filter(|&x| ink(x, y)).count() * 2 > w {
            (0..w).for_each(|x| image.set(x, y, 255));
        }
    }
    for x in (0..w).filter(|&x| x < band || x + band >= w) {
        if (0..h).filter(|&y| ink(x, y)).count() * 2 > h {
            (0..h).for_each(|y| image.set(x, y, 255));
        }
    }
}

/// Prose bands: the full width above, between and below the tables.
fn prose_crops(gray: &Gray, mask: &Mask, tables: &[Lattice], min_ink: usize) -> Vec<Crop> {
    let mut bands = Vec::new();
    let mut top = 0;
    for t in tables {
        bands.push((top, t.top.saturating_sub(2)));
        top = t.bottom + 3;
    }
    bands.push((top, gray.height));
    bands
        .into_iter()
        .filter(|&(y0, y1)| y1 > y0 + 4 && ink_count(mask, 0, y0, gray.width, y1) >= min_ink)
        .map(|(y0, y1)| Crop { x: 0, y: y0, image: padded(&gray.crop(0, y0, gray.width, y1 - y0)), cell: false })
        .collect()
}

/// Text read by the text pass that may be a number (or code) misread:
/// short, with a digit, at most one real letter.
fn looks_numeric(words: &[Word]) -> bool {
    let text: String = words.iter().map(|w| w.text.as_str()).collect();
    let letters = text.chars().filter(|c| c.is_alphabetic() && !"oOlI".contains(*c)).count();
    text.chars().count() <= 8 && text.chars().any(|c| c.is_ascii_digit()) && letters <= 1
}

/// Crops are read at about 300 dpi, where Tesseract is most accurate (the
/// decimal point of a 200 dpi scan is only a few pixels).
fn ocr_scale(dpi: f32) -> f32 {
    if dpi < 250.0 {
        (300.0 / dpi).min(3.0)
    } else {
        1.0
    }
}

/// Reads one page image scanned at `dpi`.
pub fn recognize_page(gray: &Gray, dpi: f32, engine: &Tesseract, deadline: Instant) -> ExtractResult<OcrPage> {
    let skew = skew_angle(&binarize(gray, dpi));
    let level = rotate(gray, skew);
    let mask = binarize(&level, dpi);
    let gap = (dpi * 0.02).max(2.0);
    let tables = lattices(&rulings(&mask, dpi), gap);
    let inset = (dpi * 0.012) as usize + 2;
    let min_ink = ((dpi / 100.0) * (dpi / 100.0) * 6.0) as usize + 4;
    let mut crops: Vec<Crop> = tables
        .iter()
        .flat_map(|t| t.cells.iter().filter_map(|c| cell_crop(&level, &mask, c, inset, min_ink)))
        .collect();
    crops.extend(prose_crops(&level, &mask, &tables, min_ink * 4));
    let factor = ocr_scale(dpi);
    let images: Vec<Gray> =
        crops.iter().map(|c| if factor > 1.0 { c.image.scaled(factor) } else { c.image.clone() }).collect();
    let mut words = engine.recognize(&images, Mode::Text, deadline)?;
    // Second pass, digits only, for cells that read as numbers or not at all.
    let numeric: Vec<usize> =
        (0..crops.len()).filter(|&i| crops[i].cell && (words[i].is_empty() || looks_numeric(&words[i]))).collect();
    let numeric_images: Vec<Gray> = numeric.iter().map(|&i| images[i].clone()).collect();
    let digits = engine.recognize(&numeric_images, Mode::Numeric, deadline)?;
    for (&i, read) in numeric.iter().zip(digits) {
        // A lone digit the text pass missed is taken even when unsure: its
        // confidence travels with it and is reported.
        if !read.is_empty() {
            words[i] = read;
        }
    }
    let scale = 72.0 / dpi;
    let mut page =
        OcrPage { width: gray.width as f32 * scale, height: gray.height as f32 * scale, skew, ..OcrPage::default() };
    for (crop, found) in crops.iter().zip(words) {
        let mut previous_line = None;
        for w in found {
            let space_before = previous_line == Some(w.line);
            previous_line = Some(w.line);
            let x = (crop.x as f32 + w.left as f32 / factor - MARGIN as f32) * scale;
            let top = (crop.y as f32 + w.top as f32 / factor - MARGIN as f32) * scale;
            let height = w.height.max(1) as f32 / factor * scale;
            page.words.push(OcrWord {
                x,
                bottom: top + height,
                width: w.width.max(1) as f32 / factor * scale,
                height,
                text: w.text,
                confidence: w.confidence,
                space_before,
            });
        }
    }
    for t in &tables {
        for r in &t.rules {
            page.segments.push(OcrSegment {
                horizontal: r.horizontal,
                pos: r.pos * scale,
                from: r.from as f32 * scale,
                to: r.to as f32 * scale,
            });
        }
    }
    Ok(page)
}
