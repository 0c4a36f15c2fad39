//! Digits told apart by their shape where the readings confuse them: at
//! 100–150 dpi and on faxes a digits-only reading takes a 0 for a 9 or an 8,
//! and a second digits-only reading at another scale makes the same mistake,
//! so their agreeing proves nothing. A 0 is one closed loop whose hole runs
//! down the middle of its height; a 9's hole is high (its tail below), a 6's
//! low, an 8 has two.

use super::cleanup::{number_blots, Blot};
use super::{Gray, Mask};

/// A 0's hole is at least this share of the digit's height ...
const ZERO_HOLE_HEIGHT: f32 = 0.45;
/// ... and its middle at most this share of the height from the digit's middle.
const ZERO_HOLE_OFFSET: f32 = 0.1;

/// A loop whose hole is at most this share of its digit's height is ink
/// that has nearly filled it in.
const FILLED_HOLE: f32 = 0.2;

/// An 8's lower loop is at least as big as its upper one; a lower one under
/// this share of the upper is a 9's tail curled shut against its bowl.
const CURLED_TAIL: f32 = 0.5;

/// A separator's tail reaches at least this share of the digits' height
/// below their baseline ...
const TAIL_DEPTH: f32 = 0.15;
/// ... and is at most this share of it wide.
const TAIL_WIDTH: f32 = 0.4;
/// A digit's ink is at most this share of its height wide (0,6 in Times
/// New Roman, bold or not), a separator's and the gaps beside it this.
const DIGIT_WIDTH: f32 = 0.8;
const SEPARATOR_WIDTH: f32 = 0.5;

/// The digit blots of a number crop (ink on white), left to right: found
/// once per cell, read by each shape test below.
pub struct DigitInk {
    /// The crop's width: a blot's pixels are indices into the crop.
    width: usize,
    digits: Vec<Blot>,
}

impl DigitInk {
    /// `None` for ink too small to be digits.
    pub fn of(crop: &Gray) -> Option<DigitInk> {
        let mask = Mask { width: crop.width, height: crop.height, data: crop.data.iter().map(|&v| v < 128).collect() };
        let (all, digit, _) = number_blots(&mask)?;
        let mut digits: Vec<Blot> = all.into_iter().filter(|b| b.height() * 2 >= digit).collect();
        digits.sort_by_key(|b| b.x0);
        Some(DigitInk { width: crop.width, digits })
    }

    /// For each digit blot, whether it is shaped as a 0.
    pub fn zeros(&self) -> Vec<bool> {
        self.digits.iter().map(|b| is_zero(b, self.width)).collect()
    }

    /// Whether the ink of a number crop has filled in the loops that tell 0, 6,
    /// 8 and 9 apart (the thick strokes of a fax or a dark copy): a digit that
    /// `reading` names 0, 6, 8 or 9 whose blot has no hole taller than
    /// [`FILLED_HOLE`] of its height, or, where the blots do not pair one to one
    /// with the reading's digits (digits touching), any digit blot whose holes
    /// are all that small.
    pub fn loops_filled(&self, reading: &str) -> bool {
        let digits = &self.digits;
        let tallest_hole = |blot: &Blot| holes(blot, self.width).iter().map(Hole::height).max();
        let small = |hole: usize, blot: &Blot| hole as f32 <= FILLED_HOLE * blot.height() as f32;
        let read: Vec<char> = reading.chars().filter(char::is_ascii_digit).collect();
        if read.len() == digits.len() {
            return read
                .iter()
                .zip(digits)
                .any(|(c, blot)| "0689".contains(*c) && tallest_hole(blot).is_none_or(|h| small(h, blot)));
        }
        digits.iter().any(|blot| tallest_hole(blot).is_some_and(|h| small(h, blot)))
    }

    /// `reading` with each 8 whose blot is a 9 with its tail curled shut (a
    /// fax's thick `0,9`, read `0,8` by every pass: two loops, the lower one
    /// under [`CURLED_TAIL`] of the upper) made a 9; `None` when there is none
    /// or the blots do not pair one to one with the reading's digits.
    pub fn curled_nines(&self, reading: &str) -> Option<String> {
        if reading.chars().filter(char::is_ascii_digit).count() != self.digits.len() {
            return None;
        }
        let curled = |blot: &Blot| match holes(blot, self.width)[..] {
            [upper, lower] => (lower.size as f32) < CURLED_TAIL * upper.size as f32,
            _ => false,
        };
        let mut blots = self.digits.iter();
        let mut changed = false;
        let read: String = reading
            .chars()
            .map(|c| {
                let blot = if c.is_ascii_digit() { blots.next() } else { None };
                if c == '8' && blot.is_some_and(curled) {
                    changed = true;
                    '9'
                } else {
                    c
                }
            })
            .collect();
        changed.then_some(read)
    }

    /// Whether the digits of a number crop hold a decimal separator that touches
    /// them (a fax's or a dark copy's thick `1,5`, one blot that readings take
    /// for `15`): ink that reaches below the digits' baseline, narrow, with
    /// digits' ink on both sides of it, in a crop no wider than the `reading`'s
    /// digits and a separator. No digit of the lining figures that scoring
    /// tables are printed in reaches below the baseline; a letter's tail does
    /// (`QĐ 9438` read `9438`), and the letters make the ink too wide.
    pub fn touching_separator(&self, reading: &str) -> bool {
        let digits = &self.digits;
        let (Some(x0), Some(x1)) = (digits.iter().map(|b| b.x0).min(), digits.iter().map(|b| b.x1).max()) else {
            return false;
        };
        // The lowest ink of each column of the digits' span, digits' ink only.
        let mut bottom: Vec<Option<usize>> = vec![None; x1 - x0 + 1];
        for &i in digits.iter().flat_map(|b| &b.pixels) {
            let (x, y) = (i % self.width, i / self.width);
            let low = &mut bottom[x - x0];
            *low = Some(low.map_or(y, |b| b.max(y)));
        }
        let mut lows: Vec<usize> = bottom.iter().flatten().copied().collect();
        lows.sort_unstable();
        let baseline = lows[lows.len() / 2];
        let top = digits.iter().map(|b| b.y0).min().unwrap_or(baseline);
        let height = (baseline + 1).saturating_sub(top) as f32;
        let count = reading.chars().filter(char::is_ascii_digit).count() as f32;
        if (x1 - x0 + 1) as f32 > (count * DIGIT_WIDTH + SEPARATOR_WIDTH) * height {
            return false;
        }
        let depth = (TAIL_DEPTH * height).ceil().max(2.0) as usize;
        let below: Vec<bool> = bottom.iter().map(|b| b.is_some_and(|y| y >= baseline + depth)).collect();
        // The runs of columns reaching below: exactly one, narrow, inside the digits.
        let mut runs = Vec::new();
        let mut x = 0;
        for run in below.chunk_by(|a, b| a == b) {
            if run[0] {
                runs.push((x, x + run.len()));
            }
            x += run.len();
        }
        let on_baseline = |x: usize| bottom[x].is_some_and(|y| y + depth > baseline && y <= baseline + 1);
        match runs[..] {
            [(from, to)] => {
                (to - from) as f32 <= TAIL_WIDTH * height
                    && (0..from).any(on_baseline)
                    && (to..bottom.len()).any(on_baseline)
            }
            _ => false,
        }
    }
}

/// One hole of more than a pixel, tall and in the middle.
fn is_zero(blot: &Blot, mask_width: usize) -> bool {
    let [hole] = holes(blot, mask_width)[..] else { return false };
    let height = blot.height() as f32;
    let offset = ((hole.top + hole.bottom) as f32 - (blot.y0 + blot.y1) as f32).abs() / 2.0;
    let hole = hole.height() as f32;
    hole >= ZERO_HOLE_HEIGHT * height && offset <= ZERO_HOLE_OFFSET * height
}

/// Paper a blot encloses, 4-connected: its rows in the mask and its pixels.
#[derive(Debug, Clone, Copy)]
struct Hole {
    top: usize,
    bottom: usize,
    size: usize,
}

impl Hole {
    fn height(&self) -> usize {
        self.bottom - self.top + 1
    }
}

/// Each hole of more than one pixel in a blot, top to bottom.
fn holes(blot: &Blot, mask_width: usize) -> Vec<Hole> {
    // The blot's box with a pixel of paper around it, so that the outside is one region.
    let (w, h) = (blot.width() + 2, blot.height() + 2);
    let mut paper = vec![true; w * h];
    for &i in &blot.pixels {
        let (x, y) = (i % mask_width, i / mask_width);
        if let Some(cell) = paper.get_mut((y + 1 - blot.y0) * w + x + 1 - blot.x0) {
            *cell = false;
        }
    }
    let (label, count) = super::regions(&paper, w);
    // (top, bottom, size) of each region, in its own rows.
    let mut found = vec![(usize::MAX, 0usize, 0usize); count as usize + 1];
    for (i, &l) in label.iter().enumerate() {
        let (top, bottom, size) = &mut found[l as usize];
        (*top, *bottom, *size) = ((*top).min(i / w), (*bottom).max(i / w), *size + 1);
    }
    // Region 1 holds the corner: the outside (0 is the ink).
    let mut holes: Vec<Hole> = found
        .into_iter()
        .skip(2)
        .filter(|&(_, _, size)| size > 1)
        .map(|(top, bottom, size)| Hole { top: top + blot.y0 - 1, bottom: bottom + blot.y0 - 1, size })
        .collect();
    holes.sort_by_key(|hole| hole.top);
    holes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ink(crop: &Gray) -> DigitInk {
        DigitInk::of(crop).expect("digits drawn")
    }

    fn zeros_of(crop: &Gray) -> Option<Vec<bool>> {
        DigitInk::of(crop).map(|ink| ink.zeros())
    }

    /// Draws `rows` (`#` ink) at (`x`, `y`) of `crop`.
    fn draw(crop: &mut Gray, x: usize, y: usize, rows: &[&str]) {
        for (dy, row) in rows.iter().enumerate() {
            for (dx, c) in row.chars().enumerate() {
                if c == '#' {
                    crop.set(x + dx, y + dy, 0);
                }
            }
        }
    }

    // A 150-dpi scan's 0, 9, 8 and 6 as binarised (the 0 with the blip a JPEG leaves under it).
    const ZERO: [&str; 14] = [
        "...###...",
        ".#######.",
        "####.###.",
        "###...###",
        "###...###",
        "###...###",
        "##....###",
        ".###...###",
        ".###...###",
        ".###...###",
        ".########",
        "..######.",
        "....##...",
        ".........",
    ];
    const NINE: [&str; 14] = [
        "..#####..",
        ".#######.",
        "###...###",
        "##.....##",
        "###...###",
        ".########",
        "..#######",
        "......###",
        "......###",
        "......##.",
        "##...###.",
        ".######..",
        "..####...",
        ".........",
    ];
    const EIGHT: [&str; 13] = [
        "..#####..",
        ".###.###.",
        "###...###",
        ".###.###.",
        "..#####..",
        ".###.###.",
        "###...###",
        "##.....##",
        "##.....##",
        "###...###",
        ".#######.",
        "..#####..",
        ".........",
    ];
    const SIX: [&str; 13] = [
        "...####..",
        ".###..##.",
        "###......",
        "##.......",
        "##.####..",
        "########.",
        "###...###",
        "##.....##",
        "##.....##",
        "###...###",
        ".#######.",
        "..#####..",
        ".........",
    ];

    /// A fax's 9: [`NINE`] whose thick strokes left two pixels of its loop.
    fn filled_nine() -> [&'static str; 14] {
        let mut rows = NINE;
        rows[2..5].copy_from_slice(&["###..####", "#########", "#########"]);
        rows
    }

    /// A 200-dpi fax's bold 9 whose tail curled shut against its bowl: two
    /// loops, the lower one small (from a seed's `0,9` read `0,8` twice).
    const CURLED_NINE: [&str; 19] = [
        "....######.....",
        "..#########....",
        ".###########...",
        ".############..",
        ".#####.######..",
        ".####...#####..",
        ".####....####..",
        ".####....#####.",
        ".#####..######.",
        ".#############.",
        ".#############.",
        "..############.",
        "...##########..",
        "..###...#####..",
        ".#####..#####..",
        ".############..",
        ".###########...",
        "..#########....",
        "...#######.....",
    ];

    #[test]
    fn a_nine_whose_tail_closed_a_loop_is_no_eight() {
        let mut crop = Gray::new(42, 28, 255);
        draw(&mut crop, 4, 4, &CURLED_NINE);
        draw(&mut crop, 22, 6, &EIGHT);
        assert_eq!(ink(&crop).curled_nines("8,8").as_deref(), Some("9,8"));
        assert_eq!(ink(&crop).curled_nines("9,8"), None);
        assert_eq!(ink(&crop).curled_nines("8"), None);
    }

    #[test]
    fn loops_the_ink_filled_in_are_told_from_open_ones() {
        let mut open = Gray::new(46, 22, 255);
        for (i, digit) in [&NINE[..], &EIGHT[..], &SIX[..]].into_iter().enumerate() {
            draw(&mut open, 4 + i * 13, 4, digit);
        }
        assert!(!ink(&open).loops_filled("9,86"));
        let mut filled = Gray::new(33, 22, 255);
        draw(&mut filled, 4, 4, &NINE);
        draw(&mut filled, 17, 4, &filled_nine());
        assert!(ink(&filled).loops_filled("99"));
        // Read as another digit, a loop too small to show is no sign against it ...
        assert!(!ink(&filled).loops_filled("97"));
        // ... but where the digits do not pair with the blots, any small loop is.
        assert!(ink(&filled).loops_filled("9"));
    }

    const ONE: [&str; 12] = [
        "...##....",
        "..###....",
        ".####....",
        "...##....",
        "...##....",
        "...##....",
        "...##....",
        "...##....",
        "...##....",
        "...##....",
        ".######..",
        ".######..",
    ];
    const FIVE: [&str; 12] = [
        ".#######.",
        ".##......",
        ".##......",
        ".######..",
        ".#######.",
        "......###",
        "......###",
        "......###",
        "##....###",
        "###..###.",
        ".######..",
        "..####...",
    ];

    #[test]
    fn a_comma_touching_the_digits_shows_by_its_tail_below_them() {
        let mut plain = Gray::new(30, 22, 255);
        draw(&mut plain, 4, 4, &ONE);
        draw(&mut plain, 15, 4, &FIVE);
        assert!(!ink(&plain).touching_separator("15"));
        // A fax's `1,5`: the comma's tail joined to the 5, reaching below the baseline.
        let mut comma = plain.clone();
        draw(&mut comma, 13, 14, &["##", "##", "##", ".#"]);
        assert!(ink(&comma).touching_separator("15"));
        // Ink too wide for the digits read holds letters (`QĐ 9438` read `9438`), whose tails these may be.
        assert!(!ink(&comma).touching_separator("5"));
        // Ink under the whole number is a ruling or an underline, no separator.
        let mut underlined = plain.clone();
        draw(&mut underlined, 4, 16, &["####################"; 2]);
        assert!(!ink(&underlined).touching_separator("15"));
    }

    #[test]
    fn a_zero_is_told_from_a_nine_an_eight_and_a_six() {
        let mut crop = Gray::new(80, 22, 255);
        for (i, digit) in [&ZERO[..], &NINE[..], &EIGHT[..], &SIX[..]].into_iter().enumerate() {
            draw(&mut crop, 4 + i * 13, 4, digit);
        }
        draw(&mut crop, 60, 14, &["##", "##"]); // a point, no digit
        draw(&mut crop, 66, 4, &ZERO);
        assert_eq!(zeros_of(&crop), Some(vec![true, false, false, false, true]));
        // A 0 whose loop the scan broke open is no 0 it can tell.
        let mut open = Gray::new(20, 22, 255);
        draw(&mut open, 4, 4, &ZERO);
        (4..7).for_each(|x| open.set(x, 9, 255));
        assert_eq!(zeros_of(&open), Some(vec![false]));
        assert_eq!(zeros_of(&Gray::new(20, 22, 255)), None);
    }
}
