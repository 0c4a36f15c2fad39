//! Images as a page draws them ([`DrawnImage`]), and a page scan that
//! scanner software wrote as several images — bands one under the other, as
//! a driver sends the page in strips, or tiles — put back together into one
//! page image for OCR. A page whose largest image covers nearly all that its
//! images cover (a scan with a logo on it, or mixed raster content: a coarse
//! background under a full-page mask of the print) is read from that image alone.

use lopdf::ObjectId;

use super::content::{apply, Matrix};
use super::scan::Source;
use crate::extract::paged::ocr::{image, Gray};
use crate::extract::{Budget, ExtractResult};

/// An image XObject as the page draws it: the object, the lengths in points
/// its width and its height are drawn at (whatever the turn), which give its
/// pixels per inch each way, and where: its box in the reading frame (x0, y0,
/// x1, y1, y down), and whether it stands upright and unmirrored in it.
#[derive(Debug, Clone, Copy)]
pub struct DrawnImage {
    pub id: ObjectId,
    pub across: f32,
    pub down: f32,
    pub bbox: [f32; 4],
    pub upright: bool,
}

impl DrawnImage {
    /// The image drawn through `placement` (image space → reading frame):
    /// the image fills the unit square, its first row at the top.
    pub(super) fn new(id: ObjectId, placement: &Matrix) -> Self {
        let corners = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(x, y)| apply(placement, x, y));
        let (xs, ys) = (corners.map(|c| c.0), corners.map(|c| c.1));
        let [a, b, c, d, ..] = *placement;
        DrawnImage {
            id,
            across: a.hypot(b),
            down: c.hypot(d),
            bbox: [
                xs.into_iter().fold(f32::MAX, f32::min),
                ys.into_iter().fold(f32::MAX, f32::min),
                xs.into_iter().fold(f32::MIN, f32::max),
                ys.into_iter().fold(f32::MIN, f32::max),
            ],
            upright: a > 0.0 && d < 0.0 && b.abs() < a * 0.01 && c.abs() < -d * 0.01,
        }
    }
}

/// Share of the images' joint box the largest must cover to be the page's scan by itself.
const ALONE: f32 = 0.9;

/// The images of one page scan, each with its box on the page.
pub struct Bands {
    /// Each image and its box (points, reading frame, y down).
    pub parts: Vec<(Source, [f32; 4])>,
    /// The box of the page and all the images.
    pub area: [f32; 4],
    /// Pixels per point of the page image made: the largest image's.
    pub per_point: f32,
}

/// The box the page image is made over, when the page's images are bands of
/// one scan: two or more, all upright, the largest covering less than
/// [`ALONE`] of their joint box. It is the page's own box (`size`; what is
/// drawn off the page is not seen), or their joint box on a page of no size.
pub fn area(images: &[DrawnImage], largest: &DrawnImage, size: (f32, f32)) -> Option<[f32; 4]> {
    if images.len() < 2 || !images.iter().all(|i| i.upright) {
        return None;
    }
    let join = |[x0, y0, x1, y1]: [f32; 4], b: &[f32; 4]| [x0.min(b[0]), y0.min(b[1]), x1.max(b[2]), y1.max(b[3])];
    let covered = images.iter().fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |joint, i| join(joint, &i.bbox));
    let extent = |b: &[f32; 4]| (b[2] - b[0]).max(0.0) * (b[3] - b[1]).max(0.0);
    let page = [0.0, 0.0, size.0, size.1];
    (extent(&largest.bbox) < extent(&covered) * ALONE).then_some(if extent(&page) >= 1.0 { page } else { covered })
}

impl Bands {
    /// One gray image of the whole area, each part decoded, brought to the
    /// size its box has at [`Bands::per_point`] and laid where it is drawn
    /// (where parts overlap, the darker pixel: a mask's print over its paper).
    pub fn compose(&self, budget: &mut Budget) -> ExtractResult<Gray> {
        let [x0, y0, x1, y1] = self.area;
        let pixels = |points: f32| (points * self.per_point).round().max(0.0) as usize;
        let (width, height) = (pixels(x1 - x0).max(1), pixels(y1 - y0).max(1));
        image::check_size(width as u64, height as u64, budget)?;
        let mut page = Gray::new(width, height, 255);
        for (source, [bx0, by0, bx1, by1]) in &self.parts {
            let part = source.decode(budget)?;
            let (w, h) = (pixels(bx1 - bx0).max(1), pixels(by1 - by0).max(1));
            let part = if (part.width, part.height) == (w, h) {
                part
            } else {
                part.resized(w as f32 / part.width.max(1) as f32, h as f32 / part.height.max(1) as f32)
            };
            // Where the part starts, in pixels of the page image; what lies off it is cut.
            let offset = |points: f32| (points * self.per_point).round() as i64;
            let (left, top) = (offset(bx0 - x0), offset(by0 - y0));
            let (first, end) = (left.max(0), (left + part.width as i64).min(width as i64));
            if first >= end {
                continue;
            }
            let within = (first - left) as usize..(end - left) as usize;
            for (row, y) in part.data.chunks_exact(part.width).zip(top..).filter(|(_, y)| *y >= 0) {
                let Some(target) = page.data.chunks_exact_mut(width).nth(y as usize) else { break };
                let target = &mut target[first as usize..end as usize];
                target.iter_mut().zip(&row[within.clone()]).for_each(|(t, &s)| *t = (*t).min(s));
            }
        }
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(bbox: [f32; 4]) -> DrawnImage {
        DrawnImage { id: (1, 0), across: bbox[2] - bbox[0], down: bbox[3] - bbox[1], bbox, upright: true }
    }

    /// A page in two bands is put back together where each is drawn; a scan
    /// with a logo on it, or a turned band, is not a page of bands.
    #[test]
    fn bands_are_laid_where_they_are_drawn() {
        let (top, bottom) = (drawn([0.0, 0.0, 4.0, 2.0]), drawn([0.0, 2.0, 4.0, 4.0]));
        let area = area(&[top, bottom], &top, (4.0, 4.0)).expect("bands");
        assert_eq!(area, [0.0, 0.0, 4.0, 4.0]);
        let band = |value: u8| Source::Decoded(Gray::new(2, 1, value));
        let bands = Bands { parts: vec![(band(0), top.bbox), (band(200), bottom.bbox)], area, per_point: 0.5 };
        let page = bands.compose(&mut Budget::new(crate::config::Limits::default())).unwrap();
        assert_eq!((page.width, page.height), (2, 2));
        assert_eq!(page.data, [0, 0, 200, 200]);

        // A band drawn half off the page's left edge, and one wholly off it, are cut.
        let (off, away) = (drawn([-2.0, 2.0, 2.0, 4.0]), drawn([90.0, 90.0, 94.0, 94.0]));
        let parts = vec![(band(0), top.bbox), (band(100), off.bbox), (band(50), away.bbox)];
        let page = Bands { parts, area, per_point: 0.5 }.compose(&mut Budget::new(crate::config::Limits::default()));
        assert_eq!(page.unwrap().data, [0, 0, 100, 255]);

        let (scan, logo) = (drawn([0.0, 0.0, 4.0, 4.0]), drawn([1.0, 1.0, 2.0, 2.0]));
        assert_eq!(super::area(&[scan, logo], &scan, (4.0, 4.0)), None);
        let turned = DrawnImage { upright: false, ..bottom };
        assert_eq!(super::area(&[top, turned], &top, (4.0, 4.0)), None);
    }
}
