//! A scanner's own OCR text left visible over (or under) a page image:
//! when it is garbage (`Dôc lap —Tr do — Hnh phñc`), the page is read again
//! by OCR instead. Garbage is told by spelling: the text claims to be
//! Vietnamese (many words carry letters beyond ASCII) yet most of its words
//! spell no Vietnamese syllable ([`crate::text::syllable`]), and it is not
//! a legacy 8-bit encoding that normalisation repairs later (TCVN3, VNI,
//! VISCII text spells no syllable before it is decoded either).

use crate::extract::paged::page::Glyph;
use crate::text::{legacy, syllable};

/// Fewest words with non-ASCII letters for a text to claim Vietnamese.
/// Fewer than three in four of them spelling a syllable is garbage.
const MIN_VIETNAMESE_WORDS: usize = 10;

/// The page's visible words, split where glyphs are apart (a gap of a
/// quarter of the text size, or another line), as a reader sees them.
fn words(glyphs: &[Glyph]) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut last: Option<&Glyph> = None;
    for glyph in glyphs {
        let apart = last.is_some_and(|l| {
            (glyph.y - l.y).abs() > l.size * 0.5 || (glyph.x - l.right()).abs() > l.size.max(glyph.size) * 0.25
        });
        if glyph.is_space() || apart {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
        }
        if !glyph.is_space() {
            current.push_str(&glyph.text);
        }
        last = Some(glyph);
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

/// Whether the visible text of an image page is a scanner's garbage OCR.
pub fn is_garbage(glyphs: &[Glyph]) -> bool {
    if glyphs.iter().any(|g| legacy::font_encoding(&g.font).is_some()) {
        return false;
    }
    let words = words(glyphs);
    if legacy::spelled_legacy(words.iter().map(String::as_str)) {
        return false;
    }
    // Only words with letters beyond ASCII count: abbreviations (UBND, CCHC) spell no
    // syllable in real text too, while a real word with a diacritic nearly always does.
    let mut score = syllable::Score::default();
    let accented = words.iter().flat_map(|w| w.split(syllable::is_separator));
    for word in accented.filter(|w| w.chars().any(|c| c.is_alphabetic() && !c.is_ascii())) {
        score.add(word);
    }
    score.words >= MIN_VIETNAMESE_WORDS && score.valid * 4 < score.words * 3
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;

    /// One glyph per character, words a space apart, on one line.
    fn line(text: &str) -> Vec<Glyph> {
        let font: Rc<str> = Rc::from("Arial");
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph::new(i as f32 * 6.0, 700.0, 6.0, 12.0, c, Rc::clone(&font)))
            .collect()
    }

    #[test]
    fn scanner_garbage_is_told_from_vietnamese_and_english() {
        let garbage = "CÔNG HOA XA HÔI CHU NGHĨA VIÊT NAM Dôc lap —Tr do — Hnh phñc Bng tông hop diêm tr dnh gié cua UBND huyên nãm 2021 Tiéu chí thânh phân";
        assert!(is_garbage(&line(garbage)));
        let real = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Bảng tổng hợp điểm tự đánh giá của UBND huyện năm 2021 Tiêu chí thành phần";
        assert!(!is_garbage(&line(real)));
        let english = "The committee reviewed the annual administrative reform index and the scores of every district in the province";
        assert!(!is_garbage(&line(english)));
    }
}
