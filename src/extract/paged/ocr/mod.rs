//! OCR of scanned pages: page images → cleaned gray image → ruling lines →
//! table cells → Tesseract per cell → a page of positioned words and ruling
//! segments in points, the same page model the PDF text path builds, so table
//! assembly, cross-page joining and prose reading are shared.
//!
//! Stages: [`image`] decodes (JPEG/PNG/TIFF, raw PDF samples; [`codecs`] the
//! CCITT fax, JBIG2 and JPEG 2000 images of scans) and [`inks`] divides seal
//! and signature ink out of colour pages, keeping the print under it;
//! [`photo`] finds the sheet in a phone photo and makes it a flat, upright
//! page, [`light`] evens its light and sharpens it; [`cleanup`] binarises and deskews; [`orientation`] turns a page fed
//! upside down or sideways; [`lines`] finds ruling lines by long
//! dark runs (a one-dimensional opening, which is all the morphology needed —
//! `imageproc` would add a large dependency tree for it); [`cells`] turns
//! lines into cell boxes; [`engine`] runs Tesseract on batches of crops.
//! Numeric-looking cells are read again with a digit whitelist, because
//! full-text recognition loses decimal separators, and [`numbers`] keeps a
//! number as confirmed only when two independent readings agree. On a page
//! without rulings, [`phrases`] cuts the text lines at their column gaps and
//! gives number phrases cells of their own, read and confirmed the same way.

pub mod cells;
pub mod cleanup;
pub mod codecs;
pub mod digit_shapes;
pub mod engine;
pub mod image;
pub mod inks;
pub mod light;
pub mod lines;
pub mod numbers;
pub mod orientation;
pub mod page;
pub mod photo;
pub mod phrases;
pub mod quality;
pub mod stack;

pub use page::{as_read, recognize_page, OcrPage, OcrSegment, OcrWord};

/// The font name of text read by OCR; its confidence travels in
/// [`crate::grid::Run::confidence`].
pub const FONT: &str = "OCR";

/// An 8-bit gray image, row-major, 0 = black.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl Gray {
    pub fn new(width: usize, height: usize, fill: u8) -> Self {
        Gray { width, height, data: vec![fill; width * height] }
    }

    pub fn get(&self, x: usize, y: usize) -> u8 {
        self.data[y * self.width + x]
    }

    pub fn set(&mut self, x: usize, y: usize, value: u8) {
        self.data[y * self.width + x] = value;
    }

    /// The pixels of a rectangle, clipped to the image.
    pub fn crop(&self, x: usize, y: usize, width: usize, height: usize) -> Gray {
        let x1 = (x + width).min(self.width);
        let y1 = (y + height).min(self.height);
        let (x0, y0) = (x.min(x1), y.min(y1));
        let mut out = Gray::new(x1 - x0, y1 - y0, 255);
        for row in y0..y1 {
            let src = &self.data[row * self.width + x0..row * self.width + x1];
            out.data[(row - y0) * out.width..(row - y0 + 1) * out.width].copy_from_slice(src);
        }
        out
    }

    /// The image enlarged by `factor` (bilinear), or a copy where `factor` would not enlarge it.
    pub fn enlarged(&self, factor: f32) -> Gray {
        if factor > 1.0 {
            self.scaled(factor)
        } else {
            self.clone()
        }
    }

    /// The image scaled by `factor` (bilinear).
    pub fn scaled(&self, factor: f32) -> Gray {
        self.resized(factor, factor)
    }

    /// The image scaled by `across` horizontally and `down` vertically (bilinear).
    pub fn resized(&self, across: f32, down: f32) -> Gray {
        let width = ((self.width as f32 * across).round() as usize).max(1);
        let height = ((self.height as f32 * down).round() as usize).max(1);
        let mut out = Gray::new(width, height, 255);
        if self.width == 0 || self.height == 0 {
            return out;
        }
        for y in 0..height {
            let sy = ((y as f32 + 0.5) / down - 0.5).clamp(0.0, (self.height - 1) as f32);
            let (y0, fy) = (sy as usize, sy.fract());
            let y1 = (y0 + 1).min(self.height - 1);
            for x in 0..width {
                let sx = ((x as f32 + 0.5) / across - 0.5).clamp(0.0, (self.width - 1) as f32);
                let (x0, fx) = (sx as usize, sx.fract());
                let x1 = (x0 + 1).min(self.width - 1);
                let p = |xx: usize, yy: usize| f32::from(self.get(xx, yy));
                let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
                let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
                out.set(x, y, (top * (1.0 - fy) + bottom * fy).round() as u8);
            }
        }
        out
    }

    /// The image with square pixels, for a scan whose pixels per inch differ
    /// across and down (a fax at standard resolution is 204 × 98 dpi): the
    /// coarser direction is stretched to the finer one, so that letters have
    /// their shapes. Nearly square pixels, an implausible ratio or a result
    /// over the size limit leave the image as it is.
    pub fn with_square_pixels(self, across_per_inch: f32, down_per_inch: f32) -> Gray {
        let ratio = across_per_inch / down_per_inch;
        if !ratio.is_finite() || !(0.25..=4.0).contains(&ratio) || (ratio - 1.0).abs() < 0.04 {
            return self;
        }
        let (across, down) = if ratio > 1.0 { (1.0, ratio) } else { (1.0 / ratio, 1.0) };
        let pixels = (self.width as f32 * across) as u64 * (self.height as f32 * down) as u64;
        if pixels > image::MAX_PIXELS {
            return self;
        }
        self.resized(across, down)
    }
    /// The image shrunk `factor` times each way, each pixel the mean of the
    /// `factor`×`factor` block it stands for (a thin 1-bit stroke stays as
    /// gray, where sampling would drop it); the last partial row and column go.
    pub fn reduced(&self, factor: usize) -> Gray {
        let factor = factor.max(1);
        let (width, height) = ((self.width / factor).max(1), (self.height / factor).max(1));
        if factor == 1 || self.width < factor || self.height < factor {
            return self.clone();
        }
        let area = (factor * factor) as u32;
        let mut sums = vec![0u32; width];
        let mut out = Gray::new(width, height, 255);
        for y in 0..height {
            sums.iter_mut().for_each(|s| *s = 0);
            for row in self.data.chunks_exact(self.width).skip(y * factor).take(factor) {
                for (sum, block) in sums.iter_mut().zip(row.chunks_exact(factor)) {
                    *sum += block.iter().map(|&v| u32::from(v)).sum::<u32>();
                }
            }
            for (pixel, sum) in out.data[y * width..(y + 1) * width].iter_mut().zip(&sums) {
                *pixel = (sum / area) as u8;
            }
        }
        out
    }

    /// Binary PGM (P5), which Tesseract's image library reads without any
    /// codec, written straight from the pixels (a copy of a page costs 9 MB).
    pub fn write_pgm(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        write!(out, "P5\n{} {}\n255\n", self.width, self.height)?;
        out.write_all(&self.data)
    }
}

/// The 4-connected regions of the `inside` pixels of a `w`-wide grid: each
/// pixel's region, numbered from 1 in the order their first pixels come
/// (0 outside every region), and how many regions there are.
pub fn regions(inside: &[bool], w: usize) -> (Vec<u32>, u32) {
    let h = inside.len() / w.max(1);
    let mut label = vec![0u32; inside.len()];
    let (mut count, mut stack) = (0u32, Vec::new());
    for start in 0..w * h {
        if !inside[start] || label[start] != 0 {
            continue;
        }
        count += 1;
        label[start] = count;
        stack.push(start);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            let neighbours = [
                (x > 0).then(|| i - 1),
                (x + 1 < w).then(|| i + 1),
                (y > 0).then(|| i - w),
                (y + 1 < h).then(|| i + w),
            ];
            for j in neighbours.into_iter().flatten() {
                if inside[j] && label[j] == 0 {
                    label[j] = count;
                    stack.push(j);
                }
            }
        }
    }
    (label, count)
}

/// A boolean ink mask (true = dark), same geometry as the image it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    pub width: usize,
    pub height: usize,
    pub data: Vec<bool>,
}

impl Mask {
    pub fn get(&self, x: usize, y: usize) -> bool {
        self.data[y * self.width + x]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_numbered_in_reading_order_and_touch_only_by_sides() {
        let inside = [true, false, true, true, false, true, false, true];
        assert_eq!(regions(&inside, 4), (vec![1, 0, 2, 2, 0, 3, 0, 2], 3));
    }

    #[test]
    fn reduced_keeps_a_thin_stroke_as_gray() {
        let mut g = Gray::new(9, 4, 255);
        for y in 0..4 {
            g.set(3, y, 0);
        }
        let half = g.reduced(2);
        assert_eq!((half.width, half.height), (4, 2));
        assert_eq!(half.data, vec![255, 127, 255, 255, 255, 127, 255, 255]);
        assert_eq!(g.reduced(1), g);
    }

    #[test]
    fn crop_is_clipped_to_the_image() {
        let mut g = Gray::new(10, 10, 255);
        g.set(9, 9, 0);
        let c = g.crop(8, 8, 5, 5);
        assert_eq!((c.width, c.height, c.get(1, 1)), (2, 2, 0));
        let mut pgm = Vec::new();
        g.write_pgm(&mut pgm).unwrap();
        assert!(pgm.starts_with(b"P5\n10 10\n255\n"));
        let big = c.scaled(2.0);
        assert_eq!((big.width, big.height, big.get(3, 3), big.get(0, 0)), (4, 4, 0, 255));
    }

    /// A fax page at 204 × 98 dpi is stretched down to square pixels; a
    /// scan within 4% of square, or with a ratio no scanner writes, is not.
    #[test]
    fn pixels_are_made_square_along_the_coarser_direction() {
        let mut g = Gray::new(8, 4, 255);
        (0..8).for_each(|x| g.set(x, 1, 0));
        let fax = g.clone().with_square_pixels(204.0, 98.0);
        assert_eq!((fax.width, fax.height), (8, 8));
        assert!((0..8).all(|y| (fax.get(0, y) < 128) == (2..=3).contains(&y)), "{:?}", fax.data);
        let wide = g.clone().with_square_pixels(100.0, 200.0);
        assert_eq!((wide.width, wide.height), (16, 4));
        assert_eq!(g.clone().with_square_pixels(200.0, 196.0), g);
        assert_eq!(g.clone().with_square_pixels(600.0, 100.0), g);
        assert_eq!(g.clone().with_square_pixels(f32::INFINITY, 1.0), g);
    }
}
