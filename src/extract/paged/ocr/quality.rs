//! How well a scanned page can be read: its resolution, skew, contrast and
//! blur measured on the pixels, and how sure Tesseract was of its words.
//! A page below the marks below is *illegible*: the document says so in a
//! note, and no value read on it counts as confirmed (the checks then mark
//! every finding resting on one uncertain).

use super::page::OcrPage;
use super::{Gray, Mask};
use crate::grid::ScanQuality;

/// Below this a decimal comma is one or two pixels: 100-dpi office scans.
const MIN_DPI: f32 = 120.0;
/// Paper and ink closer than this (of 255) blur into each other.
const MIN_CONTRAST: u8 = 50;
/// Strokes whose fade to paper covers this many pixels per ink pixel are blurred.
const MAX_BLUR: f32 = 1.2;
/// On a page Tesseract reads with confidence fewer of the words than this,
/// the digits it reads are often wrong too (faxes, photos, 100-dpi scans
/// fall below it; clean 150–300-dpi scans read above 0.88).
const MIN_SURE_SHARE: f32 = 0.87;

/// Paper level minus ink level, and the pixels in the gray ramp between
/// them per ink pixel: the strokes of a sharp scan step from ink to paper,
/// those of a blurred one fade.
pub fn levels(gray: &Gray, mask: &Mask) -> (u8, f32) {
    let mut paper = [0usize; 256];
    let (mut ink_sum, mut ink) = (0usize, 0usize);
    for (&v, &dark) in gray.data.iter().zip(&mask.data) {
        if dark {
            ink_sum += usize::from(v);
            ink += 1;
        } else {
            paper[usize::from(v)] += 1;
        }
    }
    if ink == 0 {
        return (0, 0.0);
    }
    let ink_level = ink_sum / ink;
    let half = paper.iter().sum::<usize>() / 2;
    let mut seen = 0;
    let paper_level = paper
        .iter()
        .position(|&n| {
            seen += n;
            seen > half
        })
        .unwrap_or(255);
    let contrast = paper_level.saturating_sub(ink_level);
    let (low, high) = (ink_level + contrast / 4, paper_level.saturating_sub(contrast / 4));
    let ramp = gray.data.iter().filter(|&&v| (low + 1..high).contains(&usize::from(v))).count();
    (contrast.min(255) as u8, ramp as f32 / ink as f32)
}

/// The page's measures and, in Vietnamese, what makes it hard to read.
pub fn assess(page: &OcrPage, number: u32, dpi: f32) -> ScanQuality {
    let sure_share = super::orientation::sure_share(page.words.iter().map(|w| (w.text.as_str(), w.confidence)));
    let mut problems = Vec::new();
    if dpi < MIN_DPI {
        problems.push(format!("độ phân giải thấp ({} dpi)", dpi.round()));
    }
    if page.contrast < MIN_CONTRAST {
        problems.push("chữ mờ, ít tương phản với nền giấy".to_owned());
    }
    if page.blur > MAX_BLUR {
        problems.push("ảnh bị nhòe".to_owned());
    }
    if sure_share < MIN_SURE_SHARE && !page.words.is_empty() {
        problems.push(format!("chỉ {}% số chữ được nhận dạng chắc chắn", (sure_share * 100.0).round()));
    }
    ScanQuality {
        page: number,
        dpi: dpi.round() as u32,
        skew: hundredths(page.skew),
        turned: page.turned,
        contrast: page.contrast,
        blur: hundredths(page.blur),
        sure_words: hundredths(sure_share),
        problems,
    }
}

fn hundredths(value: f32) -> rust_decimal::Decimal {
    rust_decimal::Decimal::from_f32_retain(value).unwrap_or_default().round_dp(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_and_blur_come_from_the_ink_and_the_paper() {
        // Paper at 230, a stroke at 30 with one pixel of ramp on each side.
        let mut gray = Gray::new(10, 1, 230);
        let mut mask = Mask { width: 10, height: 1, data: vec![false; 10] };
        for x in 4..6 {
            gray.set(x, 0, 30);
            mask.data[x] = true;
        }
        gray.set(3, 0, 130);
        gray.set(6, 0, 130);
        let (contrast, blur) = levels(&gray, &mask);
        assert_eq!(contrast, 200);
        assert!((blur - 1.0).abs() < 1e-6, "{blur}");
        assert_eq!(levels(&Gray::new(4, 4, 255), &Mask { width: 4, height: 4, data: vec![false; 16] }), (0, 0.0));
    }

    #[test]
    fn a_page_is_illegible_for_each_reason_it_gives() {
        let page = OcrPage { contrast: 120, blur: 0.5, ..OcrPage::default() };
        assert!(assess(&page, 1, 200.0).problems.is_empty());
        let low = assess(&page, 2, 100.0);
        assert_eq!((low.page, low.dpi, low.problems.len()), (2, 100, 1));
        let faint = OcrPage { contrast: 30, blur: 2.0, ..page };
        assert_eq!(assess(&faint, 1, 300.0).problems.len(), 2);
    }
}
