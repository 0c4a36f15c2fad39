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

/// For each digit blot of a number crop (ink on white), left to right,
/// whether it is shaped as a 0; `None` for ink too small to be digits.
pub fn zeros(crop: &Gray) -> Option<Vec<bool>> {
    let (mask, digits) = digit_blots(crop)?;
    Some(digits.iter().map(|b| is_zero(b, mask.width)).collect())
}

/// The ink mask of a number crop and its digit blots, left to right; `None`
/// for ink too small to be digits.
fn digit_blots(crop: &Gray) -> Option<(Mask, Vec<Blot>)> {
    let mask = Mask { width: crop.width, height: crop.height, data: crop.data.iter().map(|&v| v < 128).collect() };
    let (all, digit, _) = number_blots(&mask)?;
    let mut digits: Vec<Blot> = all.into_iter().filter(|b| b.height() * 2 >= digit).collect();
    digits.sort_by_key(|b| b.x0);
    Some((mask, digits))
}

/// A loop whose hole is at most this share of its digit's height is ink
/// that has nearly filled it in.
const FILLED_HOLE: f32 = 0.2;

/// Whether the ink of a number crop has filled in the loops that tell 0, 6,
/// 8 and 9 apart (the thick strokes of a fax or a dark copy): a digit that
/// `reading` names 0, 6, 8 or 9 whose blot has no hole taller than
/// [`FILLED_HOLE`] of its height, or, where the blots do not pair one to one
/// with the reading's digits (digits touching), any digit blot whose holes
/// are all that small.
pub fn loops_filled(crop: &Gray, reading: &str) -> bool {
    let Some((mask, digits)) = digit_blots(crop) else { return false };
    let tallest_hole = |blot: &Blot| holes(blot, mask.width).iter().map(|(top, bottom)| bottom - top + 1).max();
    let small = |hole: usize, blot: &Blot| hole as f32 <= FILLED_HOLE * blot.height() as f32;
    let read: Vec<char> = reading.chars().filter(char::is_ascii_digit).collect();
    if read.len() == digits.len() {
        return read
            .iter()
            .zip(&digits)
            .any(|(c, blot)| "0689".contains(*c) && tallest_hole(blot).is_none_or(|h| small(h, blot)));
    }
    digits.iter().any(|blot| tallest_hole(blot).is_some_and(|h| small(h, blot)))
}

/// One hole of more than a pixel, tall and in the middle.
fn is_zero(blot: &Blot, mask_width: usize) -> bool {
    let holes = holes(blot, mask_width);
    let [(top, bottom)] = holes.as_slice() else { return false };
    let height = blot.height() as f32;
    let hole = (bottom - top + 1) as f32;
    let offset = ((top + bottom) as f32 - (blot.y0 + blot.y1) as f32).abs() / 2.0;
    hole >= ZERO_HOLE_HEIGHT * height && offset <= ZERO_HOLE_OFFSET * height
}

/// The rows (top, bottom, in the mask) of each hole of more than one pixel
/// in a blot: paper the blot encloses, 4-connected.
fn holes(blot: &Blot, mask_width: usize) -> Vec<(usize, usize)> {
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
    found
        .into_iter()
        .skip(2)
        .filter(|&(_, _, size)| size > 1)
        .map(|(top, bottom, _)| (top + blot.y0 - 1, bottom + blot.y0 - 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn loops_the_ink_filled_in_are_told_from_open_ones() {
        let mut open = Gray::new(46, 22, 255);
        for (i, digit) in [&NINE[..], &EIGHT[..], &SIX[..]].into_iter().enumerate() {
            draw(&mut open, 4 + i * 13, 4, digit);
        }
        assert!(!loops_filled(&open, "9,86"));
        let mut filled = Gray::new(33, 22, 255);
        draw(&mut filled, 4, 4, &NINE);
        draw(&mut filled, 17, 4, &filled_nine());
        assert!(loops_filled(&filled, "99"));
        // Read as another digit, a loop too small to show is no sign against it ...
        assert!(!loops_filled(&filled, "97"));
        // ... but where the digits do not pair with the blots, any small loop is.
        assert!(loops_filled(&filled, "9"));
    }

    #[test]
    fn a_zero_is_told_from_a_nine_an_eight_and_a_six() {
        let mut crop = Gray::new(80, 22, 255);
        for (i, digit) in [&ZERO[..], &NINE[..], &EIGHT[..], &SIX[..]].into_iter().enumerate() {
            draw(&mut crop, 4 + i * 13, 4, digit);
        }
        draw(&mut crop, 60, 14, &["##", "##"]); // a point, no digit
        draw(&mut crop, 66, 4, &ZERO);
        assert_eq!(zeros(&crop), Some(vec![true, false, false, false, true]));
        // A 0 whose loop the scan broke open is no 0 it can tell.
        let mut open = Gray::new(20, 22, 255);
        draw(&mut open, 4, 4, &ZERO);
        (4..7).for_each(|x| open.set(x, 9, 255));
        assert_eq!(zeros(&open), Some(vec![false]));
        assert_eq!(zeros(&Gray::new(20, 22, 255)), None);
    }
}
