//! Glyphs → lines → text. Lines are found by baseline, words by gaps and
//! space glyphs; combining marks stay on their base letter; wrapped lines are
//! joined with a space, hard breaks (bullets, short lines) with a newline.

use unicode_normalization::char::is_combining_mark;

use super::page::Glyph;
use crate::grid::{Reading, Run};

/// A visual line of text (or a chunk of one, when split at wide gaps).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub x0: f32,
    pub x1: f32,
    pub baseline: f32,
    pub size: f32,
    pub runs: Vec<Run>,
    /// Width of the first word, to tell a wrap from a hard break.
    pub first_word_width: f32,
}

impl Line {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    pub fn top(&self) -> f32 {
        self.baseline - self.size
    }
}

/// A gap wider than this many font sizes with no space glyph in it splits a
/// line into separate chunks (side-by-side blocks of a letterhead).
pub(super) const CHUNK_GAP: f32 = 2.5;
/// A gap wider than this many font sizes is a word break.
const WORD_GAP: f32 = 0.2;

pub(super) fn is_mark(glyph: &Glyph) -> bool {
    !glyph.text.is_empty() && glyph.text.chars().all(is_combining_mark)
}

/// Groups glyphs into lines in reading order (top to bottom, left to right).
/// With `split_chunks`, a line is also cut at wide gaps.
pub fn lines(glyphs: &[&Glyph], split_chunks: bool) -> Vec<Line> {
    let mut out = Vec::new();
    for row in rows(glyphs) {
        build_lines(&row, split_chunks, &mut out);
    }
    out
}

/// Groups glyphs by baseline, top to bottom, each group sorted left to right.
pub fn rows<'a>(glyphs: &[&'a Glyph]) -> Vec<Vec<&'a Glyph>> {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for glyph in sorted {
        let joins = rows.last().and_then(|row| row.first()).is_some_and(|first| {
            let tolerance = 0.5 * first.size.min(glyph.size).max(1.0);
            (glyph.y - first.y).abs() <= tolerance || is_mark(glyph) && (glyph.y - first.y).abs() <= first.size
        });
        match rows.last_mut() {
            Some(row) if joins => row.push(glyph),
            _ => rows.push(vec![glyph]),
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    rows
}

fn build_lines(row: &[&Glyph], split_chunks: bool, out: &mut Vec<Line>) {
    let mut line: Option<Line> = None;
    let mut pending_space = false;
    let mut previous_right = f32::MIN;
    let mut in_first_word = true;
    for glyph in row {
        if glyph.is_space() {
            pending_space = line.is_some();
            continue;
        }
        let gap = glyph.x - previous_right;
        let mark = is_mark(glyph);
        if let Some(current) = line.as_mut() {
            if split_chunks && !mark && !pending_space && gap > CHUNK_GAP * glyph.size {
                out.extend(line.take());
            } else if !mark && (pending_space || gap > WORD_GAP * glyph.size) {
                push_text(&mut current.runs, " ", &glyph.font, None);
                in_first_word = false;
            }
        }
        pending_space = false;
        let current = line.get_or_insert_with(|| {
            in_first_word = true;
            Line {
                x0: glyph.x,
                x1: glyph.right(),
                baseline: glyph.y,
                size: glyph.size,
                runs: Vec::new(),
                first_word_width: 0.0,
            }
        });
        push_text(&mut current.runs, &glyph.text, &glyph.font, glyph.reading);
        current.x1 = current.x1.max(glyph.right());
        current.size = current.size.max(glyph.size);
        if in_first_word {
            current.first_word_width = current.x1 - current.x0;
        }
        if !mark {
            previous_right = glyph.right();
        }
    }
    out.extend(line);
}

/// Glyph text into the line's runs; a word space joins the previous run
/// whatever its font (PDFs often set spaces in a fallback font). Words read
/// by OCR with another confidence or confirmation start a run of their own.
fn push_text(runs: &mut Vec<Run>, text: &str, font: &str, reading: Option<Reading>) {
    match runs.last_mut() {
        Some(run) if text == " " => run.text.push_str(text),
        Some(run)
            if run.reading == reading && run.font.as_deref() == Some(font) && run.text != "\n" && text != "\n" =>
        {
            run.text.push_str(text)
        }
        _ => runs.push(Run { reading, ..Run::in_font(text, Some(font.to_owned())) }),
    }
}

/// Starts of lines that begin a new item even when the previous line is full.
fn starts_item(text: &str) -> bool {
    let trimmed = text.trim_start();
    ["- ", "+ ", "• ", "– ", "* ", "-", "•", "–"].iter().any(|p| trimmed.starts_with(p))
}

/// Whether the break between two consecutive lines was made by the writer
/// (next line starts an item, follows a wide vertical gap, or its first word
/// would have fit on the previous line) rather than by wrapping at `right`.
pub fn is_hard_break(prev: &Line, next: &Line, right: f32) -> bool {
    let gap = next.top() - prev.baseline;
    let word_fits = prev.x1 + 0.25 * prev.size + next.first_word_width < right;
    starts_item(&next.text()) || gap > prev.size || word_fits
}

/// What goes between two consecutive lines: a newline for a hard break,
/// nothing after a word broken at its hyphen ("tin-" + "tuc"), else a space.
pub fn separator(prev: &Line, next: &Line, right: f32) -> &'static str {
    let text = prev.text();
    let mut tail = text.chars().rev();
    if is_hard_break(prev, next, right) {
        "\n"
    } else if tail.next() == Some('-') && tail.next().is_some_and(char::is_alphanumeric) {
        ""
    } else {
        " "
    }
}

/// Joins the lines of one cell into runs: a hard break (see
/// [`is_hard_break`]) stays a newline, a wrap becomes a space.
pub fn join(lines: &[Line], right: f32) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut previous: Option<&Line> = None;
    for line in lines {
        if let Some(prev) = previous {
            runs.push(Run::plain(separator(prev, line, right)));
        }
        runs.extend(line.runs.iter().cloned());
        previous = Some(line);
    }
    runs
}

#[cfg(test)]
pub(super) mod tests {
    use std::rc::Rc;

    use super::*;

    pub fn glyphs(text: &str, x: f32, y: f32, size: f32) -> Vec<Glyph> {
        let width = size * 0.5;
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph::new(x + i as f32 * width, y, width, size, c.to_string(), Rc::from("Times")))
            .collect()
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(Line::text).collect()
    }

    #[test]
    fn lines_words_and_combining_marks() {
        let mut all = glyphs("Tiêu chí", 10.0, 100.0, 10.0);
        all.extend(glyphs("1.1", 10.0, 88.0, 10.0));
        // An "e" followed by a separately drawn acute accent over it, slightly raised.
        all.extend(glyphs("be", 100.0, 100.0, 10.0));
        all.push(Glyph::new(106.0, 99.0, 0.0, 10.0, "\u{301}", Rc::from("Times")));
        let refs: Vec<&Glyph> = all.iter().collect();
        assert_eq!(texts(&lines(&refs, false)), vec!["1.1", "Tiêu chí be\u{301}"]);
        assert_eq!(texts(&lines(&refs, true)), vec!["1.1", "Tiêu chí", "be\u{301}"]);
    }

    #[test]
    fn words_read_by_ocr_keep_their_reading_in_runs() {
        let word = |x: f32, text: &str, confidence: u8| Glyph {
            reading: Some(Reading { confidence, confirmed: confidence > 50, legible: true }),
            ..Glyph::new(x, 100.0, 20.0, 10.0, text, Rc::from("OCR"))
        };
        let space = Glyph::new(50.0, 100.0, 10.0, 10.0, " ", Rc::from("OCR"));
        let all = [word(10.0, "0,5", 91), word(30.0, "x", 91), space, word(60.0, "1", 40)];
        let refs: Vec<&Glyph> = all.iter().collect();
        let line = lines(&refs, false).pop().expect("one line");
        let runs: Vec<(&str, Option<u8>)> =
            line.runs.iter().map(|r| (r.text.as_str(), r.reading.map(|r| r.confidence))).collect();
        assert_eq!(runs, [("0,5x ", Some(91)), ("1", Some(40))]);
        assert_eq!(line.runs.iter().map(|r| r.reading.is_some_and(|r| r.confirmed)).collect::<Vec<_>>(), [true, false]);
        let typed = glyphs("ab", 0.0, 10.0, 10.0);
        let refs: Vec<&Glyph> = typed.iter().collect();
        assert!(lines(&refs, false).iter().flat_map(|l| &l.runs).all(|r| r.reading.is_none()));
    }

    #[test]
    fn joins_wraps_with_space_and_items_with_newline() {
        let mut all = glyphs("Ban hanh ke hoach", 0.0, 10.0, 10.0);
        all.extend(glyphs("dung han", 0.0, 22.0, 10.0));
        all.extend(glyphs("- Co", 0.0, 34.0, 10.0));
        let refs: Vec<&Glyph> = all.iter().collect();
        let found = lines(&refs, false);
        let text: String = join(&found, 90.0).iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "Ban hanh ke hoach dung han\n- Co");
        // With room for "dung" on the first line, the break was made by hand.
        let text: String = join(&found, 200.0).iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "Ban hanh ke hoach\ndung han\n- Co");
    }
}
