//! Text lines of an unruled scan cut into phrases.
//!
//! On a page without ruling lines (a portal export printed and scanned)
//! Tesseract reads a table row as one text line running across all its
//! columns: a code, a title, two scores and the evidence come back as one
//! line of words whose only sign of the columns is the width of the gaps
//! between them. The stream table finder expects what a text PDF gives:
//! words of one cell close together, cells apart without a space between
//! them. So a line outside any ruled cell is cut at every gap wider than its
//! words are high (a word space is about a third of that), each piece a
//! phrase with a line (and baseline) of its own, and marks that are no
//! characters (specks of the scan read as `'`, `:` or `\`) are dropped.
//!
//! A number phrase then gets a cell box of its own, so it is read again
//! digits-only and confirmed by two agreeing readings like a number in a
//! ruled cell ([`super::numbers`]); those crops are read in a batch apart
//! from the ruled cells', so that a page with both reads each kind as before.

use std::collections::HashMap;
use std::time::Instant;

use super::cells::CellBox;
use super::engine::Tesseract;
use super::numbers::{read_numbers, NumberCell, NumberRead};
use super::page::{looks_numeric_text, Placed, ROMAN, SEPARATED_NUMBER};
use crate::extract::ExtractResult;

/// A gap wider than this many word heights separates two phrases of a line.
const PHRASE_GAP: f32 = 1.0;
/// A mark with no letter or digit smaller than this share of its line's
/// word height (at least most of the page's), both ways, is a speck.
const SPECK: f32 = 0.6;

/// A word of any text smaller than this share of the page's word height,
/// both ways, is a speck read as a letter.
const TINY: f32 = 0.4;

/// One phrase, in page pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// The line's word height.
    pub height: f32,
    pub text: String,
    /// Tesseract's confidence in its surest word.
    pub surest: f32,
}

fn median(mut values: Vec<f32>) -> f32 {
    values.sort_by(f32::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Cuts the lines of the words for which `outside` holds into phrases
/// (each phrase its own line key), drops their specks, and returns the
/// phrases. Boxes of `placed` are in page pixels, word sizes at `factor`.
pub(super) fn cut(placed: &mut Vec<Placed>, factor: f32, outside: impl Fn(&Placed) -> bool) -> Vec<Phrase> {
    let mut lines: std::collections::BTreeMap<(u32, u32, u32, u32), Vec<usize>> = Default::default();
    for (i, p) in placed.iter().enumerate() {
        if outside(p) {
            lines.entry(p.line).or_default().push(i);
        }
    }
    let mut speck = vec![false; placed.len()];
    let mut phrases = Vec::new();
    let page_height = median(lines.values().flatten().map(|&i| placed[i].word.height as f32 / factor).collect());
    for (_, mut members) in lines {
        members.sort_by(|&a, &b| placed[a].x.total_cmp(&placed[b].x));
        let line_height = median(members.iter().map(|&i| placed[i].word.height as f32 / factor).collect());
        let height = line_height.max(page_height * 0.8);
        let mut current: Option<Phrase> = None;
        let mut count = 0u32;
        for &i in &members {
            let p = &placed[i];
            let (w, h) = (p.word.width as f32 / factor, p.word.height as f32 / factor);
            let mark = !p.word.text.chars().any(char::is_alphanumeric);
            if w.max(h) < SPECK * height && (mark || w.max(h) < TINY * page_height) {
                speck[i] = true;
                continue;
            }
            let joins = current.as_ref().is_some_and(|c| p.x - c.x1 <= PHRASE_GAP * height);
            if !joins {
                phrases.extend(current.take());
                count += 1;
                let (x1, y1, text) = (p.x + w, p.y + h, String::new());
                current = Some(Phrase { x0: p.x, y0: p.y, x1, y1, height, text, surest: p.word.confidence });
            }
            let phrase = current.as_mut().expect("a phrase was started");
            phrase.y0 = phrase.y0.min(p.y);
            phrase.surest = phrase.surest.max(p.word.confidence);
            phrase.x1 = phrase.x1.max(p.x + w);
            phrase.y1 = phrase.y1.max(p.y + h);
            if !phrase.text.is_empty() {
                phrase.text.push(' ');
            }
            phrase.text.push_str(&p.word.text);
            let line = placed[i].line;
            placed[i].line = (line.0, line.1, line.2, line.3.saturating_mul(1024).saturating_add(count.min(1023)));
        }
        phrases.extend(current);
    }
    let mut index = 0;
    placed.retain(|_| (!speck[index], index += 1).0);
    phrases
}

/// The baseline of each line of each cell, by line key and owning cell, in
/// page pixels. Words of one line in one cell share one: a box's bottom moves
/// with descenders and dots below (ạ, ự), which would scramble the order. (A
/// block-mode line may run through several cells at different heights.) In
/// a cell it is the lowest bottom; a phrase outside cells takes the median
/// bottom of its words that stand on the baseline (no descender, no dot
/// below), the printed baseline itself, so that the pitch of its lines is
/// measured as on a text PDF: the stream finder tells a wrapped line from
/// the next row by that pitch, and descenders shift a plain median by a
/// fifth of a line.
pub(super) fn baselines(placed: &[Placed], owners: &[Option<usize>], factor: f32) -> HashMap<LineKey, f32> {
    let mut bottoms: HashMap<LineKey, Vec<(f32, bool)>> = HashMap::new();
    for (p, &owner) in placed.iter().zip(owners) {
        let bottom = p.y + p.word.height as f32 / factor;
        bottoms.entry((p.line, owner)).or_default().push((bottom, stands_on_baseline(&p.word.text)));
    }
    bottoms
        .into_iter()
        .map(|(key, values)| {
            let baseline = if key.1.is_some() {
                values.iter().map(|v| v.0).fold(f32::MIN, f32::max)
            } else {
                let flat: Vec<f32> = values.iter().filter(|v| v.1).map(|v| v.0).collect();
                median(if flat.is_empty() { values.iter().map(|v| v.0).collect() } else { flat })
            };
            (key, baseline)
        })
        .collect()
}

/// Whether a word's ink ends on the baseline: no letter with a descender or
/// a dot below, no punctuation reaching below the line.
fn stands_on_baseline(text: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    const DOT_BELOW: char = '\u{323}';
    text.chars().any(char::is_alphanumeric) && !text.nfd().any(|c| "gjpqyQ,;()[]{}|/_@ç".contains(c) || c == DOT_BELOW)
}

/// A line of a cell (or of no cell): the pass's line and the cell's index.
pub(super) type LineKey = ((u32, u32, u32, u32), Option<usize>);

/// A phrase read with no word surer than this is doubtful: Tesseract fits one
/// baseline to a whole text line, and a short phrase standing a little
/// higher or lower than the rest of it (a code or score beside a title of
/// two lines) comes back garbled (`xãã` for `1.1.3.`, `R` for `9`).
const DOUBTFUL: f32 = 70.0;

fn reads_as_number(p: &Phrase) -> bool {
    let text: String = p.text.split_whitespace().collect();
    !ROMAN.is_match(&text) && (SEPARATED_NUMBER.is_match(&text) || looks_numeric_text(&text))
}

/// The columns of number phrases, as x-ranges: spans where at least three
/// of them overlap, each span at most `narrow` wide (scores and codes stand
/// in narrow columns; numbers scattered through prose make none).
fn number_columns(numbers: &[&Phrase], narrow: f32) -> Vec<(f32, f32)> {
    let mut spans: Vec<(f32, f32)> = numbers.iter().map(|p| (p.x0, p.x1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut columns: Vec<(f32, f32, usize)> = Vec::new();
    for (x0, x1) in spans {
        match columns.last_mut() {
            Some(column) if x0 < column.1 => (column.1, column.2) = (column.1.max(x1), column.2 + 1),
            _ => columns.push((x0, x1, 1)),
        }
    }
    columns.into_iter().filter(|c| c.2 >= 3 && c.1 - c.0 <= narrow).map(|c| (c.0, c.1)).collect()
}

/// Whether the span `x0`..`x1` lies mostly inside `column`.
fn inside(x0: f32, x1: f32, column: (f32, f32)) -> bool {
    (x1.min(column.1) - x0.max(column.0)) * 2.0 >= x1 - x0
}

/// Cell boxes to read again as numbers, in page pixels: the phrases that
/// read as numbers (or codes); the doubtful phrases of letters or digits
/// that stand in a column of number phrases; and, on the line of a number phrase, each other
/// column of numbers where no phrase was read but `unread_ink` finds ink
/// (the page pass drops a lone digit beside a taller line). Each is grown by
/// `inset` (what a crop cuts away from a cell's edges) and a little more.
pub fn number_cells(
    phrases: &[Phrase],
    inset: usize,
    narrow: f32,
    unread_ink: impl Fn(&CellBox) -> bool,
) -> Vec<CellBox> {
    let around = |x0: f32, y0: f32, x1: f32, y1: f32, height: f32| {
        let (pad_x, pad_y) = (inset as f32 + height * 0.4, inset as f32 + height * 0.25);
        CellBox {
            x0: (x0 - pad_x).max(0.0) as usize,
            y0: (y0 - pad_y).max(0.0) as usize,
            x1: (x1 + pad_x).ceil() as usize,
            y1: (y1 + pad_y).ceil() as usize,
            row: 0,
            col: 0,
        }
    };
    let numbers: Vec<&Phrase> = phrases.iter().filter(|p| reads_as_number(p)).collect();
    let columns = number_columns(&numbers, narrow);
    let in_a_column = |p: &Phrase| columns.iter().any(|&c| inside(p.x0, p.x1, c));
    let doubtful = phrases.iter().filter(|p| {
        p.surest < DOUBTFUL && p.text.chars().any(char::is_alphanumeric) && !reads_as_number(p) && in_a_column(p)
    });
    let mut cells: Vec<CellBox> =
        numbers.iter().copied().chain(doubtful).map(|p| around(p.x0, p.y0, p.x1, p.y1, p.height)).collect();
    let mut gaps: Vec<CellBox> = Vec::new();
    for p in numbers.iter().filter(|p| in_a_column(p)) {
        for &(x0, x1) in columns.iter().filter(|&&c| !inside(p.x0, p.x1, c)) {
            let read = phrases.iter().any(|q| q.y0 < p.y1 && p.y0 < q.y1 && q.x0 < x1 && x0 < q.x1);
            let cell = around(x0, p.y0, x1, p.y1, p.height);
            let known = gaps.iter().any(|g| g.x0 < cell.x1 && cell.x0 < g.x1 && g.y0 < cell.y1 && cell.y0 < g.y1);
            if !read && !known && unread_ink(&cell) {
                gaps.push(cell);
            }
        }
    }
    cells.extend(gaps);
    cells
}

/// Reads the number cells, those marked `apart` (phrase cells) in a batch of
/// their own; the readings come back in the cells' order.
pub fn read_apart(
    cells: Vec<NumberCell>,
    apart: &[bool],
    factor: f32,
    engine: &Tesseract,
    deadline: Instant,
) -> ExtractResult<Vec<NumberRead>> {
    let (mut ruled, mut phrases) = (Vec::new(), Vec::new());
    for (cell, &apart) in cells.into_iter().zip(apart) {
        if apart {
            phrases.push(cell)
        } else {
            ruled.push(cell)
        }
    }
    let read = |cells: &[NumberCell]| -> ExtractResult<Vec<NumberRead>> {
        if cells.is_empty() {
            Ok(Vec::new())
        } else {
            read_numbers(cells, factor, engine, deadline)
        }
    };
    let (mut ruled, mut phrases) = (read(&ruled)?.into_iter(), read(&phrases)?.into_iter());
    Ok(apart.iter().map(|&apart| if apart { phrases.next() } else { ruled.next() }.unwrap_or_default()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::paged::ocr::engine::Word;

    fn placed(x: f32, width: i32, text: &str) -> Placed {
        let word = Word { left: 0, top: 0, width, height: 20, line: (1, 1, 1), confidence: 90.0, text: text.into() };
        Placed { word, x, y: 100.0, line: (0, 1, 1, 1) }
    }

    #[test]
    fn a_line_across_columns_is_cut_at_wide_gaps_and_loses_its_specks() {
        // "1.1.2." · "Xác định đầy" · "0.5" "0.5", a speck ":" between them.
        let mut words = vec![
            placed(10.0, 50, "1.1.2."),
            placed(100.0, 30, "Xác"),
            placed(136.0, 40, "định"),
            placed(182.0, 40, "đầy"),
            placed(240.0, 4, ":"),
            placed(400.0, 30, "0.5"),
            placed(480.0, 30, "0.5"),
        ];
        words[4].word.height = 6;
        let phrases = cut(&mut words, 1.0, |_| true);
        let texts: Vec<&str> = phrases.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["1.1.2.", "Xác định đầy", "0.5", "0.5"]);
        assert_eq!(words.len(), 6);
        assert_eq!(words[1].line, words[2].line);
        assert_ne!(words[0].line, words[1].line);
        assert_ne!(words[4].line, words[5].line);
        let cells = number_cells(&phrases, 2, 150.0, |_| true);
        assert_eq!(cells.len(), 3);
        assert!(cells[1].x0 < 400 && cells[1].x1 > 430 && cells[1].x1 < 480);
    }

    #[test]
    fn a_phrase_line_stands_on_the_bottom_of_its_words_without_descenders() {
        // "Kế hoạch số 1280" at y 100: "hoạch" ends 3 px lower (its dot below), "gì" 4 px.
        let mut words = vec![placed(10.0, 30, "Kế"), placed(50.0, 40, "hoạch"), placed(100.0, 30, "gì")];
        words.push(placed(140.0, 30, "số"));
        words[1].word.height = 23;
        words[2].word.height = 24;
        let owners = vec![None; words.len()];
        let lines = baselines(&words, &owners, 1.0);
        assert_eq!(lines[&(words[0].line, None)], 120.0);
        // A line of descenders only keeps their median.
        let low: Vec<Placed> = words.drain(1..3).collect();
        assert_eq!(baselines(&low, &[None, None], 1.0)[&(low[0].line, None)], 124.0);
        assert!(!stands_on_baseline("1280/KH") && stands_on_baseline("CCHC") && !stands_on_baseline("ngày"));
        assert!(!stands_on_baseline("."));
    }

    #[test]
    fn words_inside_ruled_cells_keep_their_lines() {
        let mut words = vec![placed(10.0, 30, "1"), placed(300.0, 30, "2")];
        assert!(cut(&mut words, 1.0, |_| false).is_empty());
        assert_eq!(words[0].line, words[1].line);
    }

    #[test]
    fn a_tiny_letter_alone_is_a_speck() {
        let mut words = vec![placed(10.0, 30, "Trang"), placed(100.0, 30, "1/6"), placed(300.0, 30, "Xuất")];
        let mut speck = placed(500.0, 5, "k");
        (speck.word.height, speck.line) = (5, (0, 1, 1, 2));
        words.push(speck);
        let phrases = cut(&mut words, 1.0, |_| true);
        assert_eq!(phrases.len(), 3);
        assert_eq!(words.len(), 3);
    }
}
