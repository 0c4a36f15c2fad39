//! One scanned page through the OCR stages, ending in the shared page model:
//! words with boxes and ruling segments, in points from the top-left corner.

use std::sync::LazyLock;
use std::time::Instant;

use regex::Regex;

use super::cells::{lattices, CellBox};
use super::cleanup::{binarize, rotate, skew_angle};
use super::engine::{Mode, Tesseract, Word};
use super::lines::{rulings, Rule};
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

/// White margin around each crop: Tesseract finds text poorly at an image edge.
const MARGIN: usize = 8;

fn ink_count(mask: &Mask, x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
    (y0..y1.min(mask.height)).map(|y| (x0..x1.min(mask.width)).filter(|&x| mask.get(x, y)).count()).sum()
}

/// The inside of a cell, its border lines cut away, when it holds ink: its
/// top-left corner on the page and its pixels.
fn cell_crop(gray: &Gray, mask: &Mask, cell: &CellBox, inset: usize, min_ink: usize) -> Option<(usize, usize, Gray)> {
    let (x0, y0) = (cell.x0 + inset, cell.y0 + inset);
    let x1 = cell.x1.saturating_sub(inset).min(mask.width);
    let y1 = cell.y1.saturating_sub(inset).min(mask.height);
    if x1 <= x0 + 2 || y1 <= y0 + 2 || ink_count(mask, x0, y0, x1, y1) < min_ink {
        return None;
    }
    // Ink black on white paper: crops of shaded and plain cells look alike in a stack.
    let mut image = Gray::new(x1 - x0, y1 - y0, 255);
    for y in y0..y1 {
        for x in (x0..x1).filter(|&x| mask.get(x, y)) {
            image.set(x - x0, y - y0, gray.get(x, y).min(96));
        }
    }
    erase_border_residue(&mut image, mask, x0, y0, inset * 2);
    Some((x0, y0, image))
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

/// The page with its ruling lines painted white: the text pass then reads
/// words, not bars, and needs no layout analysis of the grid.
pub fn without_rulings(gray: &Gray, rules: &[Rule], dpi: f32) -> Gray {
    let mut out = gray.clone();
    let half = (dpi / 100.0 * 1.5) as usize + 2;
    for r in rules {
        let pos = r.pos.round().max(0.0) as usize;
        for across in pos.saturating_sub(half)..pos + half + 1 {
            for along in r.from..r.to {
                let (x, y) = if r.horizontal { (along, across) } else { (across, along) };
                if x < out.width && y < out.height {
                    out.set(x, y, 255);
                }
            }
        }
    }
    out
}

/// Crops stacked into one column image, each on its own line with white
/// space between: one Tesseract call reads them all, and each line it finds
/// is traced back to its crop by height.
pub struct Stack {
    pub image: Gray,
    /// Top of each crop in the stack and its height.
    pub slots: Vec<(usize, usize)>,
}

impl Stack {
    pub fn new(crops: &[&Gray]) -> Stack {
        let width = crops.iter().map(|c| c.width).max().unwrap_or(0) + 2 * MARGIN;
        let mut slots = Vec::with_capacity(crops.len());
        let mut top = MARGIN;
        for crop in crops {
            slots.push((top, crop.height));
            top += crop.height + (crop.height / 2).max(MARGIN * 2);
        }
        let mut image = Gray::new(width, top + MARGIN, 255);
        for (crop, &(y, _)) in crops.iter().zip(&slots) {
            for row in 0..crop.height {
                let at = (y + row) * width + MARGIN;
                image.data[at..at + crop.width].copy_from_slice(&crop.data[row * crop.width..(row + 1) * crop.width]);
            }
        }
        Stack { image, slots }
    }

    /// The crop a word found at `top`..`top + height` of the stack belongs to.
    pub fn slot_of(&self, top: i32, height: i32) -> Option<usize> {
        let middle = usize::try_from(top + height / 2).ok()?;
        self.slots.iter().position(|&(y, h)| middle + MARGIN >= y && middle < y + h + MARGIN)
    }
}

/// A number or code written with its separators: `0.5`, `12,9491`, `1.1.3.`.
static SEPARATED_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,3}(?:[.,]\d{1,4})+[.,]?$").expect("valid regex"));
/// A Roman group numeral, which the digit pass would read as ones.
static ROMAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:I{1,3}|IV|VI{0,3}|IX|X)\.?$").expect("valid regex"));

/// Cells at most this wide (inches) are read again as numbers even when the
/// text pass read letters there: score and code columns are narrow, and a
/// misread number there ("m'" for "0.5") is common.
const NARROW_CELL_INCHES: f32 = 1.0;

/// Text read by the text pass that may be a number (or code) misread:
/// short, with a digit, at most one real letter.
fn looks_numeric(words: &[&Word]) -> bool {
    let text: String = words.iter().map(|w| w.text.as_str()).collect();
    let letters = text.chars().filter(|c| c.is_alphabetic() && !"oOlI".contains(*c)).count();
    text.chars().count() <= 8 && text.chars().any(|c| c.is_ascii_digit()) && letters <= 1
}

/// Pages are read at about 300 dpi, where Tesseract is most accurate (the
/// decimal point of a 200 dpi scan is only a few pixels).
fn ocr_scale(dpi: f32) -> f32 {
    if dpi < 250.0 {
        (300.0 / dpi).min(3.0)
    } else {
        1.0
    }
}

/// A word read somewhere on the page, in page pixels.
struct Placed {
    word: Word,
    x: f32,
    y: f32,
    /// Tesseract line it was read on, with the pass that read it.
    line: (u32, u32, u32, u32),
}

/// Reads one page image scanned at `dpi`: the whole page once as text with
/// its rulings erased, then the cells that read as numbers (or as nothing)
/// again, stacked into one image, with a digit whitelist — full-page
/// recognition loses decimal separators ("2.5" read "25").
pub fn recognize_page(gray: &Gray, dpi: f32, engine: &Tesseract, deadline: Instant) -> ExtractResult<OcrPage> {
    let skew = skew_angle(&binarize(gray, dpi));
    let level = rotate(gray, skew);
    let mask = binarize(&level, dpi);
    let rules = rulings(&mask, dpi);
    let gap = (dpi * 0.02).max(2.0);
    let tables = lattices(&rules, gap);
    let factor = ocr_scale(dpi);
    let scaled = |image: &Gray| if factor > 1.0 { image.scaled(factor) } else { image.clone() };

    let clean = without_rulings(&level, &rules, dpi);
    let text_pass = engine.recognize(&[scaled(&clean)], Mode::Text, deadline)?.pop().unwrap_or_default();
    let mut placed: Vec<Placed> = text_pass
        .into_iter()
        .map(|w| Placed {
            x: w.left as f32 / factor,
            y: w.top as f32 / factor,
            line: (0, w.line.0, w.line.1, w.line.2),
            word: w,
        })
        .collect();

    // Words by the cell their middle falls in.
    let cells: Vec<&CellBox> = tables.iter().flat_map(|t| &t.cells).collect();
    let cell_of = |p: &Placed| {
        let (cx, cy) = (p.x + p.word.width as f32 / factor / 2.0, p.y + p.word.height as f32 / factor / 2.0);
        cells.iter().position(|c| c.x0 as f32 <= cx && cx < c.x1 as f32 && c.y0 as f32 <= cy && cy < c.y1 as f32)
    };
    let owners: Vec<Option<usize>> = placed.iter().map(cell_of).collect();
    let inset = (dpi * 0.012) as usize + 2;
    let min_ink = ((dpi / 100.0) * (dpi / 100.0) * 6.0) as usize + 4;
    let narrow = (dpi * NARROW_CELL_INCHES) as usize;
    let mut again: Vec<(usize, usize, usize, Gray)> = Vec::new();
    let mut text_confidence = vec![None; cells.len()];
    for (index, cell) in cells.iter().enumerate() {
        let words: Vec<&Word> =
            placed.iter().zip(&owners).filter(|(_, o)| **o == Some(index)).map(|(p, _)| &p.word).collect();
        let text: String = words.iter().map(|w| w.text.as_str()).collect();
        // Full-page recognition loses separators, it does not invent them:
        // a well-formed "1.1" or "0,5" is kept, and so is a Roman numeral.
        if SEPARATED_NUMBER.is_match(&text) || ROMAN.is_match(&text) {
            continue;
        }
        let numeric = words.is_empty() || looks_numeric(&words);
        if !numeric && cell.x1 - cell.x0 > narrow {
            continue;
        }
        if !numeric {
            // Text in a narrow cell ("TC", a misread number) is replaced only by a surer reading.
            text_confidence[index] = words.iter().map(|w| w.confidence).reduce(f32::min);
        }
        if let Some((x, y, image)) = cell_crop(&level, &mask, cell, inset, min_ink) {
            again.push((index, x, y, scaled(&image)));
        }
    }
    if !again.is_empty() {
        let stack = Stack::new(&again.iter().map(|(_, _, _, image)| image).collect::<Vec<_>>());
        let digits =
            engine.recognize(std::slice::from_ref(&stack.image), Mode::Numeric, deadline)?.pop().unwrap_or_default();
        let mut reread: Vec<Vec<Word>> = vec![Vec::new(); again.len()];
        for w in digits {
            if let Some(slot) = stack.slot_of(w.top, w.height) {
                reread[slot].push(w);
            }
        }
        let mut replaced = vec![false; cells.len()];
        let mut extra = Vec::new();
        for ((slot, words), (cell, x, y, _)) in reread.into_iter().enumerate().zip(&again) {
            // A lone digit the text pass missed is taken even when unsure:
            // its confidence travels with it and is reported.
            let surest = words.iter().map(|w| w.confidence).reduce(f32::min).unwrap_or(0.0);
            if words.is_empty() || text_confidence[*cell].is_some_and(|text| text >= surest) {
                continue;
            }
            replaced[*cell] = true;
            let top = stack.slots[slot].0 as i32;
            for w in words {
                extra.push(Placed {
                    x: *x as f32 + (w.left - MARGIN as i32) as f32 / factor,
                    y: *y as f32 + (w.top - top) as f32 / factor,
                    line: (1, slot as u32, w.line.1, w.line.2),
                    word: w,
                });
            }
        }
        placed =
            placed.into_iter().zip(owners).filter(|(_, o)| !o.is_some_and(|c| replaced[c])).map(|(p, _)| p).collect();
        placed.extend(extra);
    }

    // Words of one line in one cell share its baseline: a box's bottom moves
    // with descenders and dots below (ạ, ự), which would scramble the order.
    // (A block-mode line may run through several cells at different heights.)
    let owners: Vec<Option<usize>> = placed.iter().map(cell_of).collect();
    let key = |p: &Placed, owner: Option<usize>| (p.line, owner);
    let mut line_bottoms = std::collections::HashMap::new();
    for (p, &owner) in placed.iter().zip(&owners) {
        let bottom = p.y + p.word.height as f32 / factor;
        let entry = line_bottoms.entry(key(p, owner)).or_insert(bottom);
        *entry = f32::max(*entry, bottom);
    }
    let scale = 72.0 / dpi;
    let mut page =
        OcrPage { width: gray.width as f32 * scale, height: gray.height as f32 * scale, skew, ..OcrPage::default() };
    let mut previous_line = None;
    for (p, owner) in placed.into_iter().zip(owners) {
        let space_before = previous_line == Some(p.line);
        previous_line = Some(p.line);
        let height = p.word.height.max(1) as f32 / factor * scale;
        let bottom = line_bottoms.get(&key(&p, owner)).copied().unwrap_or(p.y + p.word.height as f32 / factor);
        page.words.push(OcrWord {
            x: p.x * scale,
            bottom: bottom * scale,
            width: p.word.width.max(1) as f32 / factor * scale,
            height,
            text: p.word.text,
            confidence: p.word.confidence,
            space_before,
        });
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
