//! One scanned page through the OCR stages, ending in the shared page model:
//! words with boxes and ruling segments, in points from the top-left corner.

use std::sync::LazyLock;
use std::time::Instant;

use regex::Regex;

use super::cells::{cell_crop, lattices, CellBox};
use super::cleanup::{binarize, clear_number_specks, despeckle, rotate, skew_angle};
use super::engine::{median_height, Mode, Tesseract, Word};
use super::image::reading_scale;
use super::lines::{cell_borders, rulings, streaks, Rule};
use super::numbers::{NumberCell, LOST_SEPARATOR};
use super::orientation;
use super::photo;
use super::phrases;
use super::stack::read_stacked;
use super::Gray;
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
    /// Two independent readings of the word's cell agreed on it.
    pub confirmed: bool,
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
    /// How far the page image was turned clockwise to read it upright (0, 90, 180, 270).
    pub turned: u16,
    /// Paper level minus ink level, and how blurred the strokes are ([`super::quality::levels`]).
    pub contrast: u8,
    pub blur: f32,
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

/// A number or code written with its separators: `0.5`, `12,9491`, `1.1.3.`.
pub(super) static SEPARATED_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,3}(?:[.,]\d{1,4})+[.,]?$").expect("valid regex"));
/// A Roman group numeral, which the digit pass would read as ones.
pub(super) static ROMAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:I{1,3}|IV|VI{0,3}|IX|X)\.?$").expect("valid regex"));

/// A number with specks after it read as separators: `1,` or `0,9.`.
static TRAILING_SEPARATORS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3}(?:[.,]\d{1,4})?)[.,]+$").expect("valid regex"));

/// What the digit pass read, without the separators it puts before a
/// number for specks of dust or a bar's residue (`.14` for `14`): no score
/// or code starts with one.
fn without_leading_separators(text: &str) -> &str {
    let trimmed = text.trim_start_matches(['.', ',']);
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        trimmed
    } else {
        text
    }
}

/// Cells at most this wide (inches) are read again as numbers even when the
/// text pass read letters there: score and code columns are narrow, and a
/// misread number there ("m'" for "0.5") is common.
const NARROW_CELL_INCHES: f32 = 1.0;

/// Text read by the text pass that may be a number (or code) misread:
/// short, with a digit, at most one real letter.
fn looks_numeric(words: &[&Word]) -> bool {
    looks_numeric_text(&words.iter().map(|w| w.text.as_str()).collect::<String>())
}

/// [`looks_numeric`] of text read.
pub(super) fn looks_numeric_text(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic() && !"oOlI".contains(*c)).count();
    text.chars().count() <= 8 && text.chars().any(|c| c.is_ascii_digit()) && letters <= 1
}

/// A word read somewhere on the page, in page pixels.
pub(super) struct Placed {
    pub word: Word,
    pub x: f32,
    pub y: f32,
    /// Tesseract line it was read on, with the pass that read it.
    pub line: (u32, u32, u32, u32),
}

/// Which page pixels the boxes of the words read cover, each box grown by `pad`.
fn coverage(placed: &[Placed], width: usize, height: usize, factor: f32, pad: usize) -> Vec<bool> {
    let mut covered = vec![false; width * height];
    for p in placed {
        let x0 = (p.x.max(0.0) as usize).saturating_sub(pad);
        let y0 = (p.y.max(0.0) as usize).saturating_sub(pad);
        let x1 = ((p.x + p.word.width as f32 / factor).max(0.0) as usize + pad).min(width);
        let y1 = ((p.y + p.word.height as f32 / factor).max(0.0) as usize + pad).min(height);
        for y in y0..y1 {
            covered[y * width + x0.min(x1)..y * width + x1].fill(true);
        }
    }
    covered
}

/// Dark pixels of a cell crop (its top-left corner at `x`, `y` on the page) that no word covers.
fn uncovered_ink(image: &Gray, x: usize, y: usize, covered: &[bool], page_width: usize) -> usize {
    (0..image.height)
        .map(|cy| {
            let row = (y + cy) * page_width + x;
            (0..image.width)
                .filter(|&cx| image.get(cx, cy) < 128 && !covered.get(row + cx).copied().unwrap_or(true))
                .count()
        })
        .sum()
}

/// The cell a word's middle falls in.
fn in_cell(cells: &[&CellBox], p: &Placed, factor: f32) -> Option<usize> {
    let (cx, cy) = (p.x + p.word.width as f32 / factor / 2.0, p.y + p.word.height as f32 / factor / 2.0);
    cells.iter().position(|c| c.x0 as f32 <= cx && cx < c.x1 as f32 && c.y0 as f32 <= cy && cy < c.y1 as f32)
}

/// Below this confidence a word read from a cell crop is left out.
const UNSURE: f32 = 40.0;

/// Letters and digits of the words read with some confidence.
fn sure_chars<'w>(words: impl Iterator<Item = &'w Word>) -> usize {
    words.filter(|w| w.confidence >= 60.0).map(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count()).sum()
}

/// Reads one page image scanned at `dpi`: the whole page once as text with
/// its rulings erased, then the cells that read as numbers (or as nothing)
/// again, stacked into one image, with a digit whitelist — full-page
/// recognition loses decimal separators ("2.5" read "25").
/// A page fed turned is read again upright ([`orientation`]): a page pass
/// that reads poorly stops there, before the numbers' pass, and the page is
/// read in full turned as Tesseract's orientation detection says (kept when
/// surer) or else as it lies.
pub fn recognize_page(gray: &Gray, dpi: f32, engine: &Tesseract, deadline: Instant) -> ExtractResult<OcrPage> {
    let poor = match read_page(gray, dpi, engine, deadline, true)? {
        Ok(page) => return Ok(page),
        Err(sure_share) => sure_share,
    };
    let whole = |image: &Gray| read_page(image, dpi, engine, deadline, false).map(Result::unwrap_or_default);
    // Orientation detection needs the resolution recognition is done at.
    let factor = reading_scale(gray, dpi);
    let probe = gray.enlarged(factor);
    let turn = engine.orientation(&probe, deadline)?;
    drop(probe);
    if let Some((degrees, _)) = turn.filter(|&(d, c)| d != 0 && c >= orientation::MIN_ORIENTATION_CONFIDENCE) {
        let again = whole(&orientation::turned(gray, degrees))?;
        if orientation::sure_share(again.words.iter().map(|w| (w.text.as_str(), w.confidence))) > poor {
            return Ok(OcrPage { turned: degrees, ..again });
        }
    }
    whole(gray)
}

/// A page read in full, or the share of sure words of a page pass that read poorly.
type PageRead = ExtractResult<Result<OcrPage, f32>>;

/// The page image as [`recognize_page`] read it — at its reading size
/// ([`super::image::at_reading_size`]), a photo's sheet rectified
/// ([`photo::rectify`] finds it again, the same way), turned clockwise by
/// `turned` degrees, then deskewed by `skew` — so that boxes in its pixels
/// (`criteria[].cells[].pixels`) fall on what was read.
pub fn as_read(gray: Gray, turned: u16, skew: f32) -> Gray {
    let gray = super::image::at_reading_size(gray);
    let sheet = photo::rectify(&gray);
    let gray = sheet.as_ref().map_or(&gray, |s| &s.gray);
    rotate(&orientation::turned(gray, turned), skew)
}

/// The page read, or with `stop_if_poor` the share of sure words of a page pass that reads poorly.
fn read_page(gray: &Gray, dpi: f32, engine: &Tesseract, deadline: Instant, stop_if_poor: bool) -> PageRead {
    // Specks go before the page is turned, which would blur each into a blot.
    let mut clean_page = gray.clone();
    let mut mask = binarize(gray, dpi);
    despeckle(&mut clean_page, &mut mask, dpi);
    let skew = skew_angle(&mask);
    let level = rotate(&clean_page, skew);
    drop((clean_page, mask));
    let mask = binarize(&level, dpi);
    let (contrast, blur) = super::quality::levels(&level, &mask);
    let rules = rulings(&mask, dpi);
    let gap = (dpi * 0.02).max(2.0);
    // A streak is erased with the rulings but makes no cell border.
    let streak = streaks(&rules, mask.width, mask.height, skew);
    let tables = lattices(&cell_borders(&rules, &streak), gap);
    let factor = reading_scale(gray, dpi);
    let scaled = |image: &Gray| image.enlarged(factor);

    let clean = scaled(&without_rulings(&level, &rules, dpi));
    let text_pass = engine.recognize(&[clean], Mode::Text, deadline)?.pop().unwrap_or_default();
    let read = || text_pass.iter().map(|w| (w.text.as_str(), w.confidence));
    if stop_if_poor && orientation::reads_poorly(read()) {
        return Ok(Err(orientation::sure_share(read())));
    }
    let mut placed: Vec<Placed> = text_pass
        .into_iter()
        .map(|w| Placed {
            x: w.left as f32 / factor,
            y: w.top as f32 / factor,
            line: (0, w.line.0, w.line.1, w.line.2),
            word: w,
        })
        .collect();

    // Words by the cell their middle falls in; lines outside ruled cells cut
    // into phrases, number phrases given cells of their own.
    let inset = (dpi * 0.012) as usize + 2;
    let ruled: Vec<&CellBox> = tables.iter().flat_map(|t| &t.cells).collect();
    let phrases = phrases::cut(&mut placed, factor, |p| in_cell(&ruled, p, factor).is_none());
    // Ink that no word of the text pass covers: the page pass dropped some text there.
    let covered = coverage(&placed, mask.width, mask.height, factor, (dpi * 0.02) as usize + 1);
    let min_ink = ((dpi / 100.0) * (dpi / 100.0) * 6.0) as usize + 4;
    let narrow = (dpi * NARROW_CELL_INCHES) as usize;
    let unread_ink = |cell: &CellBox| {
        let crop = cell_crop(&level, &mask, cell, inset, min_ink);
        crop.is_some_and(|(x, y, image)| uncovered_ink(&image, x, y, &covered, mask.width) >= min_ink)
    };
    let phrase_cells = phrases::number_cells(&phrases, inset, narrow as f32, unread_ink);
    let cells: Vec<&CellBox> = ruled.iter().copied().chain(&phrase_cells).collect();
    let cell_of = |p: &Placed| in_cell(&cells, p, factor);
    let owners: Vec<Option<usize>> = placed.iter().map(cell_of).collect();
    let mut numbers: Vec<NumberCell> = Vec::new();
    let mut number_at: Vec<(usize, usize, usize)> = Vec::new();
    // Wide cells with uncovered ink: a code before the title, often.
    let lost_ink = ((dpi / 100.0) * (dpi / 100.0) * 40.0) as usize;
    let mut lost: Vec<(usize, usize, usize, Gray)> = Vec::new();
    for (index, cell) in cells.iter().enumerate() {
        let words: Vec<&Word> =
            placed.iter().zip(&owners).filter(|(_, o)| **o == Some(index)).map(|(p, _)| &p.word).collect();
        let text: String = words.iter().map(|w| w.text.as_str()).collect();
        // A group's Roman numeral, which a digits-only reading would make ones.
        if ROMAN.is_match(&text) {
            continue;
        }
        let well_formed = SEPARATED_NUMBER.is_match(&text);
        let numeric = well_formed || words.is_empty() || looks_numeric(&words);
        let wide = cell.x1 - cell.x0 > narrow;
        // A narrow cell of words, few digits among them (a header's, whose first line
        // the page pass often garbles; not a code `TC 1.1`), is read again as text too.
        let letters = text.chars().filter(|c| c.is_alphabetic()).count();
        let wordy = !numeric && letters >= 2 && letters >= 2 * text.chars().filter(char::is_ascii_digit).count();
        if !numeric && wide || wordy {
            let crop = cell_crop(&level, &mask, cell, inset, min_ink);
            if let Some((x, y, image)) =
                crop.filter(|(x, y, image)| !wide || uncovered_ink(image, *x, *y, &covered, mask.width) >= lost_ink)
            {
                lost.push((index, x, y, scaled(&image)));
            }
            if wide {
                continue;
            }
        }
        // What the text pass read (letters in a narrow cell, or digits) is replaced only by a
        // surer reading ([`super::numbers`]); specks read as punctuation, and digits mixed with
        // letters a digit is mistaken for (`O.5`), are no reading to keep.
        let has_letters = text.chars().any(char::is_alphabetic);
        let kept = if numeric { !has_letters && text.chars().any(|c| c.is_ascii_digit()) } else { has_letters };
        let text_confidence = words.iter().map(|w| w.confidence).reduce(f32::min).filter(|_| kept);
        if let Some((x, y, mut crop)) = cell_crop(&level, &mask, cell, inset, min_ink) {
            clear_number_specks(&mut crop);
            number_at.push((index, x, y));
            let unruled = index >= ruled.len();
            numbers.push(NumberCell { text, well_formed, text_confidence, crop, unruled });
        }
    }
    let mut confirmed = vec![false; cells.len()];
    if !numbers.is_empty() {
        let apart: Vec<bool> = number_at.iter().map(|&(cell, _, _)| cell >= ruled.len()).collect();
        // Crops of cells the page pass left empty, read as text if they hold no number.
        let unread: Vec<Option<Gray>> = numbers.iter().map(|n| n.text.is_empty().then(|| n.crop.clone())).collect();
        let reads = phrases::read_apart(numbers, &apart, factor, engine, deadline)?;
        let mut replaced = vec![false; cells.len()];
        let mut extra = Vec::new();
        for (slot, (read, &(cell, x, y))) in reads.into_iter().zip(&number_at).enumerate() {
            confirmed[cell] = read.confirmed;
            let Some(words) = read.words else {
                // A narrow cell the page pass left empty that holds no number
                // holds words (a header under fax speckle): read as text.
                if let Some(crop) = &unread[slot] {
                    lost.push((cell, x, y, scaled(crop)));
                }
                continue;
            };
            replaced[cell] = true;
            for mut w in words {
                w.text = without_leading_separators(&w.text).to_owned();
                extra.push(Placed {
                    x: x as f32 + w.left as f32 / factor,
                    y: y as f32 + w.top as f32 / factor,
                    line: (1, slot as u32, w.line.1, w.line.2),
                    word: w,
                });
            }
        }
        placed =
            placed.into_iter().zip(owners).filter(|(_, o)| !o.is_some_and(|c| replaced[c])).map(|(p, _)| p).collect();
        placed.extend(extra);
    }

    if !lost.is_empty() {
        let crops: Vec<&Gray> = lost.iter().map(|(_, _, _, image)| image).collect();
        let reread = read_stacked(&crops, Mode::Text, engine, deadline)?;
        // Words of the page pass inside a cell, or mostly inside it.
        let inside = |p: &Placed, cell: &CellBox| {
            let (x0, x1) = (p.x, p.x + p.word.width as f32 / factor);
            let cy = p.y + p.word.height as f32 / factor / 2.0;
            let overlap = x1.min(cell.x1 as f32) - x0.max(cell.x0 as f32);
            (cell.y0 as f32) <= cy && cy < cell.y1 as f32 && overlap * 2.0 >= x1 - x0
        };
        let mut replaced: Vec<usize> = Vec::new();
        let mut extra = Vec::new();
        for ((slot, words), (cell, x, y, _)) in reread.into_iter().enumerate().zip(&lost) {
            let before = placed.iter().filter(|p| inside(p, cells[*cell])).map(|p| &p.word);
            // The crop read alone is taken when it finds more sure text; its
            // unsure words are left out (residue of a border read as dashes).
            if sure_chars(words.iter()) <= sure_chars(before) {
                continue;
            }
            replaced.push(*cell);
            // Specks far smaller than the cell's letters are no words.
            let letter = median_height(words.iter());
            for w in words.into_iter().filter(|w| w.confidence >= UNSURE && w.height * 5 >= letter * 2) {
                extra.push(Placed {
                    x: *x as f32 + w.left as f32 / factor,
                    y: *y as f32 + w.top as f32 / factor,
                    line: (2, slot as u32, w.line.1, w.line.2),
                    word: w,
                });
            }
        }
        placed.retain(|p| !replaced.iter().any(|&c| inside(p, cells[c])));
        placed.extend(extra);
    }

    // A cell's leading specks read as separators (", 1" for "1") are no part of it.
    let owners: Vec<Option<usize>> = placed.iter().map(cell_of).collect();
    let mut started = vec![false; cells.len()];
    let mut speck = vec![false; placed.len()];
    for (i, (p, owner)) in placed.iter_mut().zip(&owners).enumerate() {
        let Some(cell) = *owner else { continue };
        if std::mem::replace(&mut started[cell], true) {
            continue;
        }
        if p.word.text.chars().all(|c| ".,'`".contains(c)) {
            (speck[i], started[cell]) = (true, false);
        } else {
            p.word.text = without_leading_separators(&p.word.text).to_owned();
        }
    }
    let mut index = 0;
    placed.retain(|_| (!speck[index], index += 1).0);

    // A cell that reads as one number with a leading zero lost its
    // separator; one with specks after it read as separators has none.
    let owners: Vec<Option<usize>> = placed.iter().map(cell_of).collect();
    let mut words_in = vec![0usize; cells.len()];
    owners.iter().flatten().for_each(|&c| words_in[c] += 1);
    for (p, owner) in placed.iter_mut().zip(&owners) {
        if owner.is_some_and(|c| words_in[c] == 1) {
            // Trailing specks first: `09.` is `0.9`.
            if let Some(caps) = TRAILING_SEPARATORS.captures(&p.word.text) {
                p.word.text = caps[1].to_owned();
            }
            if let Some(caps) = LOST_SEPARATOR.captures(&p.word.text) {
                p.word.text = format!("0.{}", &caps[1]);
            }
        }
    }

    let key = |p: &Placed, owner: Option<usize>| (p.line, owner);
    let line_bottoms = phrases::baselines(&placed, &owners, factor);
    let scale = 72.0 / dpi;
    let mut page = OcrPage {
        width: gray.width as f32 * scale,
        height: gray.height as f32 * scale,
        skew,
        contrast,
        blur,
        ..OcrPage::default()
    };
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
            confirmed: owner.is_some_and(|c| confirmed[c]),
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
    Ok(Ok(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(x: f32, y: f32, width: i32, height: i32) -> Placed {
        let word = Word { left: 0, top: 0, width, height, line: (1, 1, 1), confidence: 90.0, text: "a".into() };
        Placed { word, x, y, line: (0, 1, 1, 1) }
    }

    #[test]
    fn numbers_lose_the_separators_ocr_invents_and_regain_the_lost_one() {
        assert_eq!(without_leading_separators(".14"), "14");
        assert_eq!(without_leading_separators(",0.5"), "0.5");
        assert_eq!(without_leading_separators("."), ".");
        assert_eq!(without_leading_separators("1.5"), "1.5");
        assert_eq!(LOST_SEPARATOR.replace("05", "0.$1"), "0.5");
        assert_eq!(LOST_SEPARATOR.replace("025", "0.$1"), "0.25");
        for kept in ["0", "10", "05.", "0.5", "1.05"] {
            assert!(!LOST_SEPARATOR.is_match(kept), "{kept}");
        }
        assert_eq!(TRAILING_SEPARATORS.replace("1,", "$1"), "1");
        assert_eq!(TRAILING_SEPARATORS.replace("0,9.", "$1"), "0,9");
        assert_eq!(TRAILING_SEPARATORS.replace("25.", "$1"), "25");
        assert!(!TRAILING_SEPARATORS.is_match("1.1.1"));
    }

    #[test]
    fn ink_no_word_covers_is_counted_in_the_cell_crop() {
        // A 40×10 crop at (100, 50) with two dark blocks; a word covers the first.
        let mut crop = Gray::new(40, 10, 255);
        for y in 2..8 {
            for x in (2..8).chain(30..36) {
                crop.set(x, y, 0);
            }
        }
        let words = [placed(101.0, 51.0, 8, 8)];
        let covered = coverage(&words, 200, 100, 1.0, 1);
        assert_eq!(uncovered_ink(&crop, 100, 50, &covered, 200), 36);
        // Scaled readings: a word read at twice the size covers the same pixels.
        let covered = coverage(&[placed(101.0, 51.0, 16, 16)], 200, 100, 2.0, 1);
        assert_eq!(uncovered_ink(&crop, 100, 50, &covered, 200), 36);
        assert_eq!(uncovered_ink(&crop, 100, 50, &vec![false; 200 * 100], 200), 72);
    }

    #[test]
    fn sure_characters_count_only_confident_letters_and_digits() {
        let word = |text: &str, confidence: f32| Word {
            left: 0,
            top: 0,
            width: 1,
            height: 1,
            line: (1, 1, 1),
            confidence,
            text: text.into(),
        };
        let words = [word("3.2.2.", 91.0), word("Công", 96.0), word("—~—", 95.0), word("khai", 20.0)];
        assert_eq!(sure_chars(words.iter()), 7);
    }
}
