//! The numbers of a scanned table, read until two independent readings agree.
//!
//! Tesseract's confidence does not separate a right digit from a wrong one,
//! so a number is *confirmed* only when two readings of its cell agree: the
//! page's text pass and a digits-only pass of the cell crop, or, when those
//! two differ (or only one read anything), a third digits-only pass of the
//! crop at another scale that sides with one of them. A digits-only reading
//! that a stack came back without a digit from (a lone `1` is dropped there
//! as noise) is made again with the crop read alone. An unconfirmed number
//! is still read (the surest reading wins, as before) but travels marked, so
//! that no `error` finding rests on it.

use std::sync::LazyLock;
use std::time::Instant;

use regex::Regex;

use super::cleanup::decimal_point;
use super::digit_shapes::DigitInk;
use super::engine::{median_height, Mode, Tesseract, Word};
use super::page::SEPARATED_NUMBER;
use super::stack::{read_alone, read_stacked};
use super::Gray;
use crate::extract::ExtractResult;

/// A cell whose content may be a number, as the page's text pass left it.
pub struct NumberCell {
    /// The cell's text as the text pass read it (empty when it read nothing).
    pub text: String,
    /// The text pass read a well-formed number with its separators, which
    /// full-page recognition does not invent: kept unless the crop's two
    /// readings agree on another.
    pub well_formed: bool,
    /// The text pass's confidence in what it read (letters in a narrow cell,
    /// or digits): a digits-only reading of other digits replaces it only
    /// when surer ([`unconfirmed_choice`]).
    pub text_confidence: Option<f32>,
    /// The cell's inside, ink on white, at page resolution.
    pub crop: Gray,
    /// A phrase of an unruled page: digits-only readings that lost its
    /// separators do not replace the text pass's ([`lost_separators`]).
    pub unruled: bool,
}

/// What the cell holds after the readings.
#[derive(Debug, Default)]
pub struct NumberRead {
    /// Words replacing the text pass's, boxes in crop pixels at the page's
    /// reading scale; `None` keeps the text pass's words.
    pub words: Option<Vec<Word>>,
    /// Two independent readings agreed on the number.
    pub confirmed: bool,
}

/// A number written with its separators, as one word: `12,9491`, `0.5`, `14`.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,4}(?:[.,]\d{1,4})*$").expect("valid regex"));
/// A score whose decimal separator a reading lost after a leading zero: `05`
/// is `0.5` (reports never write a score with a leading zero).
pub static LOST_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^0(\d{1,4})$").expect("valid regex"));

/// What a reading says the cell holds, in one spelling, so two readings can be
/// compared: no spaces, no stray separators at either end, a dot for the
/// separator, the separator lost after a leading zero put back.
pub fn canonical(text: &str) -> String {
    let joined: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let trimmed = joined.trim_matches(['.', ',']).replace(',', ".");
    match LOST_SEPARATOR.captures(&trimmed) {
        Some(caps) => format!("0.{}", &caps[1]),
        None => trimmed,
    }
}

fn joined(words: &[Word]) -> String {
    words.iter().map(|w| w.text.as_str()).collect()
}

/// The words of a reading that agreed as one word covering them all, when
/// they spell one number (`1` `.` `5` read apart is `1.5`): the table reads
/// a cell of several words as text.
fn merged(words: Vec<Word>) -> Vec<Word> {
    let text = joined(&words).trim_matches(['.', ',']).to_owned();
    // Digits on both sides of a gap are two numbers, not one.
    let apart = words.windows(2).any(|p| {
        p[0].text.ends_with(|c: char| c.is_ascii_digit()) && p[1].text.starts_with(|c: char| c.is_ascii_digit())
    });
    if words.len() < 2 || apart || !NUMBER.is_match(&text) {
        return words;
    }
    spanning(&words, text).into_iter().collect()
}

/// One word covering `words`, spelling `text`, as sure as the least sure of them.
fn spanning(words: &[Word], text: String) -> Option<Word> {
    let left = words.iter().map(|w| w.left).min()?;
    let top = words.iter().map(|w| w.top).min()?;
    let right = words.iter().map(|w| w.left + w.width).max()?;
    let bottom = words.iter().map(|w| w.top + w.height).max()?;
    let confidence = words.iter().map(|w| w.confidence).reduce(f32::min)?;
    let line = words[0].line;
    Some(Word { left, top, width: right - left, height: bottom - top, line, confidence, text })
}

/// A lone number agreed on with its separator lost after a leading zero
/// (`05`) written as the readings meant it (`0.5`).
fn restored(mut words: Vec<Word>) -> Vec<Word> {
    if let [word] = words.as_mut_slice() {
        if let Some(caps) = LOST_SEPARATOR.captures(&word.text) {
            word.text = format!("0.{}", &caps[1]);
        }
    }
    words
}

/// Reads every cell's crop with a digit whitelist at `factor` (the page's
/// reading scale), and the cells whose readings disagree once more at
/// another scale; decides per cell which words it holds and whether they are
/// confirmed.
pub fn read_numbers(
    cells: &[NumberCell],
    factor: f32,
    engine: &Tesseract,
    deadline: Instant,
) -> ExtractResult<Vec<NumberRead>> {
    let inks: Vec<Option<DigitInk>> = cells.iter().map(|c| DigitInk::of(&c.crop)).collect();
    let shapes: Vec<Option<Vec<bool>>> = inks.iter().map(|ink| ink.as_ref().map(DigitInk::zeros)).collect();
    let mut digits = read_stack(cells.iter().map(|c| &c.crop), factor, factor, engine, deadline)?;
    let mut reshaped: Vec<bool> = digits.iter_mut().zip(&shapes).map(|(w, s)| with_zeros(w, s.as_deref())).collect();
    // Readings agree on a number, not on specks read as separators.
    let agree = |a: &str, b: &str| {
        let a = canonical(a);
        a.chars().any(|c| c.is_ascii_digit()) && a == canonical(b)
    };
    let disputed: Vec<usize> = (0..cells.len())
        .filter(|&i| {
            let (text, read) = (&cells[i].text, joined(&digits[i]));
            !agree(text, &read) && (!read.is_empty() || !text.is_empty())
        })
        .collect();
    // Another scale changes how the strokes fall on Tesseract's grid: an
    // independent reading of the same ink.
    let third_factor = (factor * 1.5).min(4.5);
    let mut third: Vec<Option<Vec<Word>>> = vec![None; cells.len()];
    let read = read_stack(disputed.iter().map(|&i| &cells[i].crop), third_factor, factor, engine, deadline)?;
    for (&index, words) in disputed.iter().zip(read) {
        third[index] = Some(words);
    }
    let lone = read_lone(cells, &digits, &third, [factor, third_factor], engine, deadline)?;
    let alone: Vec<bool> = lone.iter().map(|[first, again]| first.is_some() || again.is_some()).collect();
    for (index, [first, again]) in lone.into_iter().enumerate() {
        if let Some(mut words) = first {
            reshaped[index] = with_zeros(&mut words, shapes[index].as_deref());
            digits[index] = words;
        }
        if again.is_some() {
            third[index] = again;
        }
    }
    let mut out: Vec<NumberRead> = Vec::with_capacity(cells.len());
    for (index, (cell, digits)) in cells.iter().zip(&digits).enumerate() {
        let agreed = agree(&cell.text, &joined(digits));
        let Some(mut third) = third[index].take().filter(|_| !agreed) else {
            let words = (agreed && !cell.well_formed).then(|| restored(merged(digits.clone())));
            out.push(NumberRead { words, confirmed: agreed });
            continue;
        };
        // Both digits-only readings set right by the same shape are one reading of that digit.
        let independent = !(with_zeros(&mut third, shapes[index].as_deref()) && reshaped[index]);
        let third_text = joined(&third);
        out.push(if cell.unruled && lost_separators(&cell.text, &joined(digits)) {
            // Digits-only readings drop faint separators ("35" for "3.5"):
            // the text pass's separator stands, unconfirmed.
            NumberRead { words: None, confirmed: false }
        } else if agree(&cell.text, &third_text) {
            NumberRead { words: None, confirmed: true }
        } else if lost_leading_digits(&cell.text, &joined(digits)) {
            // `,5` twice for `0,5` (the third reading's `5` agrees with it
            // once the separator is trimmed): the text pass's digit stands, unconfirmed.
            NumberRead { words: None, confirmed: false }
        } else if alone[index] && agree(&joined(digits), &third_text) && unconfirmed_choice(cell, digits).is_none() {
            // Readings alone of a crop the stacks found no digit in do not
            // overrule a surer text pass (a `2` whose base a border cut off read `3` twice).
            NumberRead { words: None, confirmed: false }
        } else if agree(&joined(digits), &third_text) {
            NumberRead { words: Some(restored(merged(digits.clone()))), confirmed: independent }
        } else {
            // The digits-only reading that read a digit, the first when both did.
            let read = if has_digit(digits) { digits } else { &third };
            NumberRead { words: unconfirmed_choice(cell, read), confirmed: false }
        });
    }
    for (((read, cell), digits), ink) in out.iter_mut().zip(cells).zip(&digits).zip(&inks) {
        restore_point(read, cell, digits);
        if let Some(ink) = ink {
            mend_curled_nines(read, cell, digits, ink);
        }
    }
    // Readings that agree on fewer digits than the crop shows both lost one
    // (`4` for a `14` whose thin `1` is broken); readings of digits whose
    // loops the ink filled in agree on whatever the filled shape looks like
    // (a fax's `12,94` read `12,04` twice); readings without a separator of
    // digits a comma touches lost it alike (`15` for `1,5`): no
    // confirmation; only the table's arithmetic can confirm them.
    for (((read, cell), shape), ink) in out.iter_mut().zip(cells).zip(&shapes).zip(&inks) {
        let Some(ink) = ink else { continue };
        let kept = read.words.as_deref().map_or_else(|| cell.text.clone(), joined);
        let count = kept.chars().filter(char::is_ascii_digit).count();
        let separator_hidden = !kept.contains([',', '.']) && count >= 2 && ink.touching_separator(&kept);
        read.confirmed &=
            shape.as_ref().is_none_or(|shape| shape.len() <= count) && !ink.loops_filled(&kept) && !separator_hidden;
    }
    Ok(out)
}

/// The digits of a digits-only reading read 9, 8 or 6 whose blot in the
/// crop is shaped as a 0 ([`DigitInk::zeros`], one shape per digit, left to right),
/// made 0s; whether any was. A reading with another count of digits than
/// the crop shows (digits touching, a separator read as a digit) stays.
fn with_zeros(words: &mut [Word], zeros: Option<&[bool]>) -> bool {
    let Some(zeros) = zeros else { return false };
    if words.iter().flat_map(|w| w.text.chars()).filter(char::is_ascii_digit).count() != zeros.len() {
        return false;
    }
    let mut shapes = zeros.iter();
    let mut changed = false;
    for word in words {
        word.text = word
            .text
            .chars()
            .map(|c| match c.is_ascii_digit() && shapes.next() == Some(&true) && "689".contains(c) {
                true => {
                    changed = true;
                    '0'
                }
                false => c,
            })
            .collect();
    }
    changed
}

/// A number read as digits only (`35`) whose crop shows a decimal separator
/// between its digits (`3,5`: a narrow blot low between two digit blots, one
/// blot per digit read, or one more before it: `75` for `0,75`) lost it in
/// both readings, which agreeing do not make right: the separator is put
/// back, and the number is unconfirmed (only the table's arithmetic can
/// confirm it).
fn restore_point(read: &mut NumberRead, cell: &NumberCell, digits: &[Word]) {
    let (words, text) = kept(read, cell, digits);
    // The words kept must be the number read (the text pass's, when it read the same digits).
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) || canonical(&joined(&words)) != text {
        return;
    }
    let Some((left, total)) = decimal_point(&cell.crop) else { return };
    let restored = if total == text.len() {
        format!("{}.{}", &text[..left], &text[left..])
    } else if total == text.len() + 1 && left == 1 {
        // `75` for `0,75`: the zero went with the comma (no score starts with another digit lost).
        format!("0.{text}")
    } else {
        return;
    };
    if let Some(word) = spanning(&words, restored) {
        *read = NumberRead { words: Some(vec![word]), confirmed: false };
    }
}

/// A number whose 8s the crop shows are 9s with their tails curled shut
/// ([`DigitInk::curled_nines`]: every reading takes them for 8s) is read with 9s,
/// unconfirmed (only the table's arithmetic can confirm it).
fn mend_curled_nines(read: &mut NumberRead, cell: &NumberCell, digits: &[Word], ink: &DigitInk) {
    let (words, text) = kept(read, cell, digits);
    if let Some(word) = ink.curled_nines(&text).and_then(|mended| spanning(&words, mended)) {
        *read = NumberRead { words: Some(vec![word]), confirmed: false };
    }
}

/// The number a cell's reading keeps, in [`canonical`] spelling, and words
/// whose boxes cover it: its own, or where the text pass's text is kept,
/// the digits-only reading's.
fn kept(read: &NumberRead, cell: &NumberCell, digits: &[Word]) -> (Vec<Word>, String) {
    match &read.words {
        Some(words) => (words.clone(), canonical(&joined(words))),
        None => (digits.to_vec(), canonical(&cell.text)),
    }
}

/// The digits of a reading, its separators and other marks left out.
fn bare_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn separators(text: &str) -> usize {
    canonical(text).chars().filter(|c| *c == '.').count()
}

/// `digits` is `text` with some of its separators lost (`35` for `3.5`,
/// `112` for the code `1.1.2.` read `1.122.`).
fn lost_separators(text: &str, digits: &str) -> bool {
    // A code (two separators or more) keeps its own: digits-only readings lose them.
    let code = separators(text) >= 2 || text.trim_end().ends_with('.') && separators(text) >= 1;
    !digits.is_empty() && (bare_digits(text) == bare_digits(digits) || code) && separators(digits) < separators(text)
}

/// `digits`, starting with a separator (no number or code does), is `text`
/// with its first digits lost: `,5` for `0.5`, `.5.2` for the code `552.`
/// (`5.5.2.` that lost its dots) — not `.5` for the code `1.1.5`, whose
/// separators the reading does not all hold, nor for `05;`, a text pass's
/// reading that lost its own separator.
fn lost_leading_digits(text: &str, digits: &str) -> bool {
    let digits = digits.trim();
    let (whole, tail) = (bare_digits(text), bare_digits(digits));
    let separated = separators(text) >= 1 || text.trim_end().ends_with('.');
    digits.starts_with(['.', ','])
        && separated
        && !tail.is_empty()
        && whole.len() > tail.len()
        && whole.ends_with(&tail)
        && separators(text) <= digits.matches(['.', ',']).count()
}

/// The reading kept when none agree: a well-formed number of the text pass
/// (unless a surer digits-only reading has separators too: `1.1.2` for a
/// `1.122.` read with doubt), else the digits-only reading unless the text
/// pass read letters or other digits surer (the same digits it is not surer
/// of: it loses separators), or the digits-only reading holds no digit
/// (words of a header read as dots).
fn unconfirmed_choice(cell: &NumberCell, digits: &[Word]) -> Option<Vec<Word>> {
    let surest = digits.iter().map(|w| w.confidence).reduce(f32::min).unwrap_or(0.0);
    let no_digit = !digits.iter().any(|w| w.text.chars().any(|c| c.is_ascii_digit()));
    let read = joined(digits);
    let surer_text = cell.text_confidence.is_some_and(|text| text >= surest);
    let well_formed = cell.well_formed && (surer_text || !SEPARATED_NUMBER.is_match(&read));
    // Other digits, read as a clean number (`05;` is not one).
    let other_number = NUMBER.is_match(&canonical(&cell.text)) && bare_digits(&cell.text) != bare_digits(&read);
    let other = cell.text.chars().any(char::is_alphabetic) || other_number;
    if well_formed || no_digit || other && surer_text {
        None
    } else {
        Some(digits.to_vec())
    }
}

/// Reads crops stacked at `scale` with the digit whitelist; word boxes come
/// back relative to each crop, in pixels at `to_scale`.
fn read_stack<'a>(
    crops: impl Iterator<Item = &'a Gray>,
    scale: f32,
    to_scale: f32,
    engine: &Tesseract,
    deadline: Instant,
) -> ExtractResult<Vec<Vec<Word>>> {
    let images: Vec<Gray> = crops.map(|c| c.enlarged(scale)).collect();
    let read = read_stacked(&images.iter().collect::<Vec<_>>(), Mode::Numeric, engine, deadline)?;
    Ok(read.into_iter().map(|words| rescaled(words, scale, to_scale)).collect())
}

/// Word boxes read at `scale` in pixels at `to_scale`.
fn rescaled(words: Vec<Word>, scale: f32, to_scale: f32) -> Vec<Word> {
    let ratio = to_scale.max(1.0) / scale.max(1.0);
    let at = |v: i32| (v as f32 * ratio).round() as i32;
    words
        .into_iter()
        .map(|w| Word { left: at(w.left), top: at(w.top), width: at(w.width), height: at(w.height), ..w })
        .collect()
}

fn has_digit(words: &[Word]) -> bool {
    words.iter().any(|w| w.text.contains(|c: char| c.is_ascii_digit()))
}

/// A digit read alone with less confidence than this is no reading.
const LONE_SURE: f32 = 40.0;

/// The digits-only readings a stack lost, made again with each crop read
/// alone ([`read_alone`]), all in one Tesseract call: the first (at
/// `scales[0]`) and third (at `scales[1]`) readings [`lone_wanted`] names.
/// A reading alone keeps only its surer words about as tall as the digits
/// the stack read (a broken stroke read alone is some digit, surely).
fn read_lone(
    cells: &[NumberCell],
    digits: &[Vec<Word>],
    third: &[Option<Vec<Word>>],
    scales: [f32; 2],
    engine: &Tesseract,
    deadline: Instant,
) -> ExtractResult<Vec<[Option<Vec<Word>>; 2]>> {
    let wanted = lone_wanted(digits, third);
    let mut out = vec![[None, None]; cells.len()];
    if wanted.is_empty() {
        return Ok(out);
    }
    let digit_height = median_height(digits.iter().flatten().filter(|w| w.text.contains(|c: char| c.is_ascii_digit())));
    let images: Vec<Gray> = wanted.iter().map(|&(index, pass)| cells[index].crop.enlarged(scales[pass])).collect();
    let read = read_alone(&images.iter().collect::<Vec<_>>(), engine, deadline)?;
    for (&(index, pass), words) in wanted.iter().zip(read) {
        let words = rescaled(words, scales[pass], scales[0]);
        let kept = words.into_iter().filter(|w| w.confidence >= LONE_SURE && w.height * 2 >= digit_height).collect();
        out[index][pass] = Some(kept);
    }
    Ok(out)
}

/// The readings to make again alone, as (cell, 0 for the first, 1 for the
/// third): each stacked reading that holds no digit, and the third of a cell
/// the stacks found nothing in and the text pass neither (it had none).
fn lone_wanted(digits: &[Vec<Word>], third: &[Option<Vec<Word>>]) -> Vec<(usize, usize)> {
    let mut wanted = Vec::new();
    for (index, (first, third)) in digits.iter().zip(third).enumerate() {
        if !has_digit(first) {
            wanted.push((index, 0));
        }
        if third.as_deref().map_or(!has_digit(first), |third| !has_digit(third)) {
            wanted.push((index, 1));
        }
    }
    wanted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(left: i32, text: &str) -> Word {
        Word { left, top: 2, width: 10, height: 20, line: (1, 1, 1), confidence: 90.0, text: text.into() }
    }

    #[test]
    fn readings_compare_in_one_spelling() {
        assert_eq!(canonical("12,9491"), canonical("12.9491"));
        assert_eq!(canonical(" 1 ."), "1");
        assert_eq!(canonical(".14"), "14");
        assert_eq!(canonical("05"), "0.5");
        assert_ne!(canonical("25"), canonical("2,5"));
        assert_ne!(canonical("0,75"), canonical("75"));
        assert!(lost_separators("3.5", "35"));
        assert!(lost_separators("1.1.2.", "112"));
        assert!(!lost_separators("3.5", "3.5"));
        assert!(!lost_separators("3.5", "36"));
        assert!(lost_separators("1.122.", "112"));
        assert!(lost_leading_digits("0.5", ",5"));
        assert!(lost_leading_digits("12,25", ".25"));
        assert!(!lost_leading_digits("0.5", "5"));
        assert!(!lost_leading_digits("0.5", ",6"));
        assert!(!lost_leading_digits("1.1.5", ".5"));
        assert!(!lost_leading_digits(".5", ".5"));
        assert!(lost_leading_digits("552.", ".5.2"));
        assert!(!lost_leading_digits("552.", "5.2") && !lost_leading_digits("5.1.2", ".1.3"));
        assert!(!lost_leading_digits("05;", ".5"));
    }

    #[test]
    fn readings_a_stack_found_no_digit_in_are_made_again_alone() {
        let digits = vec![vec![word(0, "1")], vec![], vec![word(0, ".")], vec![word(0, "2")]];
        // The second had no third reading (nothing read anywhere); the fourth's third read nothing.
        let third = vec![Some(vec![word(0, "1")]), None, Some(vec![word(0, "5")]), Some(vec![])];
        assert_eq!(lone_wanted(&digits, &third), [(1, 0), (1, 1), (2, 0), (3, 1)]);
        // A cell whose readings agreed, without a third, is not read again.
        assert!(lone_wanted(&[vec![word(0, "3")]], &[None]).is_empty());
    }

    #[test]
    fn digits_shaped_as_zeros_are_zeros() {
        let mut words = vec![word(0, "9.5")];
        assert!(with_zeros(&mut words, Some(&[true, false])));
        assert_eq!(words[0].text, "0.5");
        // A reading with another count of digits than the crop shows stays.
        let mut words = vec![word(0, "9.58")];
        assert!(!with_zeros(&mut words, Some(&[true, false])));
        let mut words = vec![word(0, "1"), word(20, "8")];
        assert!(with_zeros(&mut words, Some(&[false, true])));
        assert_eq!((words[0].text.as_str(), words[1].text.as_str()), ("1", "0"));
        let mut words = vec![word(0, "3.5")];
        assert!(!with_zeros(&mut words, Some(&[true, false])) && !with_zeros(&mut words, None));
    }

    #[test]
    fn words_of_one_number_become_one_word() {
        let words = merged(vec![word(0, "1"), word(14, "."), word(20, "5")]);
        assert_eq!(words.len(), 1);
        assert_eq!((words[0].text.as_str(), words[0].left, words[0].width), ("1.5", 0, 30));
        assert_eq!(merged(vec![word(0, "1"), word(14, ".")])[0].text, "1");
        assert_eq!(restored(vec![word(0, "05")])[0].text, "0.5");
        assert_eq!(restored(vec![word(0, "05"), word(20, "1")])[0].text, "05");
        // Two numbers in one cell stay two words.
        assert_eq!(merged(vec![word(0, "1.5"), word(30, "2")]).len(), 2);
        assert_eq!(merged(vec![word(0, "Điểm"), word(30, "2")]).len(), 2);
    }

    #[test]
    fn a_point_both_readings_lost_is_put_back_unconfirmed() {
        // `1.5` printed: two digit strokes and a point low between them, read `15` twice.
        let mut crop = Gray::new(60, 30, 255);
        for (xs, ys) in [(8..12, 4..26), (17..20, 23..26), (26..36, 4..26)] {
            for y in ys {
                for x in xs.clone() {
                    crop.set(x, y, 0);
                }
            }
        }
        let cell = |text: &str, crop: Gray| NumberCell {
            text: text.into(),
            well_formed: false,
            text_confidence: None,
            crop,
            unruled: false,
        };
        let digits = [word(8, "1"), word(26, "5")];
        let mut read = NumberRead { words: None, confirmed: true };
        restore_point(&mut read, &cell("15", crop.clone()), &digits);
        let words = read.words.expect("restored");
        assert_eq!((words[0].text.as_str(), words[0].left, words[0].width, read.confirmed), ("1.5", 8, 28, false));
        // Without a point in the ink, or with a reading of another number, it stays as read.
        let mut plain = crop.clone();
        (17..20).for_each(|x| (23..26).for_each(|y| plain.set(x, y, 255)));
        let mut read = NumberRead { words: None, confirmed: true };
        restore_point(&mut read, &cell("15", plain), &digits);
        assert!(read.words.is_none() && read.confirmed);
        let mut read = NumberRead { words: None, confirmed: true };
        restore_point(&mut read, &cell("1.5", crop), &digits);
        assert!(read.words.is_none() && read.confirmed);
    }

    #[test]
    fn without_agreement_the_surest_reading_stays_unconfirmed() {
        let cell = |text: &str, well_formed: bool, text_confidence: Option<f32>| NumberCell {
            text: text.into(),
            well_formed,
            text_confidence,
            crop: Gray::new(1, 1, 255),
            unruled: false,
        };
        let digits = [word(0, "25")];
        assert!(unconfirmed_choice(&cell("2.5", true, None), &digits).is_none());
        assert!(unconfirmed_choice(&cell("2.5", true, Some(40.0)), &digits).is_none());
        // A well-formed reading with doubt gives way to a surer separated one; a surer one stands.
        let separated = [word(0, "1.1.2")];
        assert_eq!(unconfirmed_choice(&cell("1.122.", true, Some(40.0)), &separated).unwrap()[0].text, "1.1.2");
        assert!(unconfirmed_choice(&cell("1.122.", true, Some(95.0)), &separated).is_none());
        // A surer text pass keeps its other digits, not the same digits without their separator.
        assert!(unconfirmed_choice(&cell("1", false, Some(96.0)), &[word(0, "4")]).is_none());
        assert_eq!(unconfirmed_choice(&cell("1", false, Some(30.0)), &[word(0, "4")]).unwrap()[0].text, "4");
        assert_eq!(unconfirmed_choice(&cell("25", false, Some(96.0)), &[word(0, "2.5")]).unwrap()[0].text, "2.5");
        assert_eq!(unconfirmed_choice(&cell("05;", false, Some(96.0)), &[word(0, "5")]).unwrap()[0].text, "5");
        assert!(unconfirmed_choice(&cell("TC", false, Some(95.0)), &digits).is_none());
        assert_eq!(unconfirmed_choice(&cell("m'", false, Some(30.0)), &digits).unwrap()[0].text, "25");
        assert!(unconfirmed_choice(&cell("", false, None), &[]).is_none());
    }
}
