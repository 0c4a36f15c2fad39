//! Crops of a scan's page image around the cells a finding rests on, so a
//! reader sees the pixels beside the value read. The page image is not kept
//! after OCR: the report re-decodes the pages it needs from the source file
//! ([`crate::pipeline::page_images`]), only for scans with findings, after the
//! crops are chosen and capped ([`MAX_CROPS`] per document, [`MAX_WIDTH`]
//! wide), so the cost is bounded before any image is decoded.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use image::{GrayImage, Rgb, RgbImage};

use super::svg::DRAWN;
use super::{focus, Focus};
use crate::config::Options;
use crate::report::DocumentReport;

/// Widest crop in the HTML report, in pixels.
pub const MAX_WIDTH: u32 = 600;
/// Tallest crop: a sum over many children shows its first rows.
pub const MAX_HEIGHT: u32 = 700;
/// JPEG quality of the crops: the digits stay legible at a fifth of the bytes.
pub const QUALITY: u8 = 70;
/// Crops per document in the HTML report; further findings show the drawing only.
pub const MAX_CROPS: usize = 8;
/// Page pixels kept around the cells.
const MARGIN: u32 = 12;

/// A JPEG of part of a page image.
pub struct Crop {
    pub page: u32,
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
    origin: [u32; 2],
    scale: f32,
}

impl Crop {
    /// A box of the page image in the crop's pixels.
    pub fn map(&self, [x0, y0, x1, y1]: [u32; 4]) -> [u32; 4] {
        let at = |v: u32, o: u32| (v.saturating_sub(o) as f32 * self.scale).round() as u32;
        let (ox, oy) = (self.origin[0], self.origin[1]);
        [at(x0, ox), at(y0, oy), at(x1, ox).min(self.width), at(y1, oy).min(self.height)]
    }
}

/// The region around boxes of page pixels, with a margin.
pub fn around(boxes: impl IntoIterator<Item = [u32; 4]>) -> Option<[u32; 4]> {
    boxes.into_iter().fold(None, |acc: Option<[u32; 4]>, b| {
        Some(match acc {
            None => [b[0].saturating_sub(MARGIN), b[1].saturating_sub(MARGIN), b[2] + MARGIN, b[3] + MARGIN],
            Some(a) => [
                a[0].min(b[0].saturating_sub(MARGIN)),
                a[1].min(b[1].saturating_sub(MARGIN)),
                a[2].max(b[2] + MARGIN),
                a[3].max(b[3] + MARGIN),
            ],
        })
    })
}

/// `region` of the page image, scaled down to `max_width` and cut at
/// `max_height`, with `boxes` (page pixels, colour) outlined when given, as
/// a JPEG; `None` when the region misses the image.
pub fn cut(
    image: &GrayImage,
    page: u32,
    region: [u32; 4],
    (max_width, max_height): (u32, u32),
    boxes: &[([u32; 4], [u8; 3])],
) -> Option<Crop> {
    let (x0, y0) = (region[0].min(image.width()), region[1].min(image.height()));
    let (x1, y1) = (region[2].min(image.width()), region[3].min(image.height()));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let part = imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image();
    let scale = (max_width as f32 / part.width() as f32).min(1.0);
    let width = ((part.width() as f32 * scale).round() as u32).max(1);
    let height = ((part.height() as f32 * scale).round() as u32).max(1);
    let mut small = if scale < 1.0 { imageops::resize(&part, width, height, FilterType::Triangle) } else { part };
    if height > max_height {
        small = imageops::crop_imm(&small, 0, 0, width, max_height).to_image();
    }
    let mut crop = Crop { page, width, height: height.min(max_height), jpeg: Vec::new(), origin: [x0, y0], scale };
    let mut out = Vec::new();
    let encoded = if boxes.is_empty() {
        JpegEncoder::new_with_quality(&mut out, QUALITY).encode_image(&small)
    } else {
        let mut rgb: RgbImage = image::DynamicImage::ImageLuma8(small).to_rgb8();
        for (b, colour) in boxes {
            outline(&mut rgb, crop.map(*b), Rgb(*colour));
        }
        JpegEncoder::new_with_quality(&mut out, QUALITY).encode_image(&rgb)
    };
    encoded.ok()?;
    crop.jpeg = out;
    Some(crop)
}

/// A two-pixel rectangle outline, clipped to the image.
fn outline(image: &mut RgbImage, [x0, y0, x1, y1]: [u32; 4], colour: Rgb<u8>) {
    let (w, h) = image.dimensions();
    for y in y0..y1.min(h) {
        for x in x0..x1.min(w) {
            if x < x0 + 2 || x + 2 >= x1 || y < y0 + 2 || y + 2 >= y1 {
                image.put_pixel(x, y, colour);
            }
        }
    }
}

/// A crop of the rows some of a document's findings rest on: each finding
/// (an index into `findings`) with its cells in the crop's pixels.
pub struct FindingCrop {
    pub findings: Vec<(usize, Vec<[u32; 4]>)>,
    pub crop: Crop,
}

impl FindingCrop {
    /// The cells of finding `index` in the crop, if it shows them.
    pub fn marks(&self, index: usize) -> Option<&[[u32; 4]]> {
        self.findings.iter().find(|(i, _)| *i == index).map(|(_, marks)| marks.as_slice())
    }
}

/// What a crop will show: the focus rows on one page, each finding's cells on it.
struct Plan {
    findings: Vec<(usize, Vec<[u32; 4]>)>,
    page: u32,
    region: [u32; 4],
}

fn plan(d: &DocumentReport, focus: &Focus) -> Option<(u32, [u32; 4], Vec<[u32; 4]>)> {
    let page = focus.cells(d).find(|(_, _, at)| at.pixels.is_some())?.2.page?;
    let on_page = |at: &crate::report::CellRef| at.page == Some(page);
    let whole_rows = focus
        .rows
        .iter()
        .flat_map(|&r| DRAWN.iter().filter_map(move |&f| d.criteria[r].cells.get(f)))
        .filter(|at| on_page(at))
        .filter_map(|at| at.pixels);
    let region = around(whole_rows)?;
    let marks = focus.cells(d).filter(|(_, _, at)| on_page(at)).filter_map(|(_, _, at)| at.pixels).collect();
    Some((page, region, marks))
}

/// The crops of a scanned document's findings, findings on the same rows
/// sharing one; none for a document without OCR pages or whose file is gone.
pub fn for_document(d: &DocumentReport, options: &Options) -> Vec<FindingCrop> {
    if d.extraction.as_ref().is_none_or(|e| e.ocr_pages == 0) {
        return Vec::new();
    }
    let mut plans: Vec<Plan> = Vec::new();
    for (index, f) in d.findings.iter().enumerate() {
        let Some((page, region, marks)) = focus(d, f).and_then(|focus| plan(d, &focus)) else { continue };
        match plans.iter().position(|p| p.page == page && p.region == region) {
            Some(shared) => plans[shared].findings.push((index, marks)),
            None if plans.len() < MAX_CROPS => plans.push(Plan { findings: vec![(index, marks)], page, region }),
            None => {}
        }
    }
    let mut pages: Vec<u32> = plans.iter().map(|p| p.page).collect();
    pages.sort_unstable();
    pages.dedup();
    if pages.is_empty() {
        return Vec::new();
    }
    let images = crate::pipeline::page_images(d, &pages, options);
    plans
        .into_iter()
        .filter_map(|p| {
            let (_, image) = images.iter().find(|(n, _)| *n == p.page)?;
            let crop = cut(image, p.page, p.region, (MAX_WIDTH, MAX_HEIGHT), &[])?;
            let findings = p
                .findings
                .into_iter()
                .map(|(i, marks)| (i, marks.into_iter().map(|m| crop.map(m)).collect()))
                .collect();
            Some(FindingCrop { findings, crop })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crop_is_capped_scaled_and_a_jpeg() {
        let mut page = GrayImage::from_pixel(2000, 1000, image::Luma([255]));
        page.put_pixel(1100, 500, image::Luma([0]));
        let region = around([[1000, 400, 1200, 450], [100, 420, 300, 460]]).expect("region");
        assert_eq!(region, [88, 388, 1212, 472]);
        let crop = cut(&page, 3, region, (MAX_WIDTH, MAX_HEIGHT), &[]).expect("crop");
        assert_eq!((crop.page, crop.width, crop.height), (3, 600, 45));
        assert!(crop.jpeg.starts_with(&[0xFF, 0xD8]) && crop.jpeg.len() < 20_000);
        // A box of the page in the crop's pixels: shifted by the region, scaled by 600/1124.
        assert_eq!(crop.map([1000, 400, 1200, 450]), [487, 6, 594, 33]);
        let tall = cut(&page, 1, [0, 0, 300, 1000], (MAX_WIDTH, 200), &[([10, 10, 50, 50], [200, 0, 0])]).expect("cut");
        assert_eq!((tall.width, tall.height), (300, 200));
        let decoded = image::load_from_memory(&tall.jpeg).expect("jpeg").to_rgb8();
        let red = decoded.get_pixel(10, 30);
        assert!(red[0] > 150 && red[1] < 100, "outlined in colour: {red:?}");
        assert!(cut(&page, 1, [3000, 0, 3100, 10], (MAX_WIDTH, MAX_HEIGHT), &[]).is_none());
    }

    #[test]
    fn a_document_without_scans_has_no_crops() {
        let d = super::super::tests::document();
        assert!(for_document(&d, &Options::default()).is_empty());
    }
}
