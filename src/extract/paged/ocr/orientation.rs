//! Pages fed turned: upside down, or a quarter turn (a portrait page
//! scanned sideways, a landscape table photographed upright). Tesseract
//! reads a turned page as noise at low confidence, so a page whose reading
//! is poor is asked about its orientation (Tesseract's own detection),
//! turned and read again; the second reading is kept only when it is surer
//! than the first, so a wrong answer costs time, never words.

use super::Gray;

/// Fewest words for a reading to be judged: a page with less text (a
/// signature page, a blank back) gives no ground either way.
const MIN_WORDS: usize = 20;

/// Below this share of confident words a page reads poorly; upright pages,
/// even faxes and 100-dpi scans, read well above it, turned ones below.
const POOR_SHARE: f32 = 0.3;

/// The confidence Tesseract's orientation detection needs before a page is
/// turned (it gives 1–3 on upright pages of small print, 10 and more on
/// turned ones at a resolution it works at).
pub const MIN_ORIENTATION_CONFIDENCE: f32 = 4.0;

/// Words Tesseract is sure of score at least this.
const SURE: f32 = 80.0;

/// The share of the words read (text and confidence; those with a letter or digit) read with confidence.
pub fn sure_share<'w>(words: impl Iterator<Item = (&'w str, f32)>) -> f32 {
    let words = words.filter(|(text, _)| text.chars().any(char::is_alphanumeric));
    let (all, sure) =
        words.fold((0usize, 0usize), |(all, sure), (_, confidence)| (all + 1, sure + usize::from(confidence >= SURE)));
    if all == 0 {
        0.0
    } else {
        sure as f32 / all as f32
    }
}

/// Whether a reading (words' text and confidence) is poor enough to ask whether the page is turned.
pub fn reads_poorly<'w>(words: impl Iterator<Item = (&'w str, f32)> + Clone) -> bool {
    words.clone().count() >= MIN_WORDS && sure_share(words) < POOR_SHARE
}

/// The image turned clockwise by `degrees` (a multiple of 90).
pub fn turned(gray: &Gray, degrees: u16) -> Gray {
    let (w, h) = (gray.width, gray.height);
    match degrees % 360 {
        90 => {
            let mut out = Gray::new(h, w, 255);
            for y in 0..h {
                for x in 0..w {
                    out.set(h - 1 - y, x, gray.get(x, y));
                }
            }
            out
        }
        180 => Gray { width: w, height: h, data: gray.data.iter().rev().copied().collect() },
        270 => {
            let mut out = Gray::new(h, w, 255);
            for y in 0..h {
                for x in 0..w {
                    out.set(y, w - 1 - x, gray.get(x, y));
                }
            }
            out
        }
        _ => gray.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_turns_move_a_corner_around_the_page() {
        // A 3×2 image with its top-left pixel dark.
        let mut image = Gray::new(3, 2, 255);
        image.set(0, 0, 0);
        let dark =
            |g: &Gray| (0..g.height).flat_map(|y| (0..g.width).map(move |x| (x, y))).find(|&(x, y)| g.get(x, y) == 0);
        let right = turned(&image, 90);
        assert_eq!((right.width, right.height, dark(&right)), (2, 3, Some((1, 0))));
        assert_eq!(dark(&turned(&image, 180)), Some((2, 1)));
        let left = turned(&image, 270);
        assert_eq!((left.width, left.height, dark(&left)), (2, 3, Some((0, 2))));
        assert_eq!(turned(&turned(&image, 90), 270), image);
    }

    #[test]
    fn a_page_of_unsure_words_reads_poorly_a_short_one_never() {
        let words = |sure: usize, unsure: usize| {
            let confidences = std::iter::repeat_n(92.0, sure).chain(std::iter::repeat_n(31.0, unsure));
            confidences.map(|confidence| ("chữ", confidence)).chain([("—", 95.0)])
        };
        assert!(reads_poorly(words(3, 40)));
        assert!(!reads_poorly(words(30, 40)));
        assert!(!reads_poorly(words(0, 10)));
        // Words without a letter or digit count toward the page's length, not its share.
        assert!((sure_share(words(1, 3)) - 0.25).abs() < 1e-6);
    }
}
