//! Page images in: encoded files (JPEG, PNG, TIFF including multi-page) and
//! the raw samples of PDF image objects, turned into gray; colour images go
//! through [`inks::print_gray`], which divides seal and signature ink out and
//! keeps the print under it (a stamp over a score cell must not hide the digit
//! nor read as one).

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};

use super::{inks, Gray};
use crate::extract::{Budget, ErrorKind, ExtractError, ExtractResult};

/// Largest page image decoded (pixels): an A3 page at 600 dpi, a bit more.
pub const MAX_PIXELS: u64 = 80_000_000;

/// About the pixels of an A4 page at 300 dpi. A page image holding four
/// times as many or more (a 600-dpi scan, 35 million) is read at the integer
/// fraction of its resolution that brings it nearest: Tesseract reads 300 dpi
/// as well as 600, and the full image in every copy reading makes (cleaned,
/// levelled, masked, and Tesseract's own) costs about 800 MB a page.
const READING_PIXELS: usize = 8_000_000;

/// The page image at the size it is read at: [`READING_PIXELS`] explains.
/// Depends on the image alone, so the crops of the reports
/// ([`super::as_read`]) find the pixels OCR counted in.
pub fn at_reading_size(gray: Gray) -> Gray {
    let factor = ((gray.width * gray.height) as f64 / READING_PIXELS as f64).sqrt().floor() as usize;
    if factor < 2 {
        return gray;
    }
    gray.reduced(factor)
}

/// Pages are read at about 300 dpi, where Tesseract is most accurate (the
/// decimal point of a 200 dpi scan is only a few pixels), within the
/// 32,767 pixels a side Tesseract accepts.
pub(super) fn reading_scale(gray: &Gray, dpi: f32) -> f32 {
    let longest = gray.width.max(gray.height).max(1) as f32;
    if dpi < 250.0 {
        (300.0 / dpi).min(3.0).min(32_000.0 / longest).max(1.0)
    } else {
        1.0
    }
}

pub(crate) fn check_size(width: u64, height: u64, budget: &mut Budget) -> ExtractResult<()> {
    let pixels = width.saturating_mul(height);
    if pixels == 0 {
        return Err(ExtractError::corrupt("ảnh trang quét rỗng".into()));
    }
    if pixels > MAX_PIXELS {
        return Err(ExtractError::limit(format!(
            "ảnh trang quét {width}×{height} điểm ảnh vượt giới hạn {MAX_PIXELS} điểm ảnh"
        )));
    }
    budget.spend_bytes(pixels.saturating_mul(3))
}

fn from_dynamic(image: DynamicImage) -> Gray {
    match image {
        DynamicImage::ImageLuma8(g) => {
            let (w, h) = g.dimensions();
            Gray { width: w as usize, height: h as usize, data: g.into_raw() }
        }
        other => {
            let rgb: RgbImage = other.into_rgb8();
            let (w, h) = rgb.dimensions();
            inks::print_gray(w as usize, h as usize, rgb.as_raw())
        }
    }
}

fn decode_error(e: image::ImageError) -> ExtractError {
    ExtractError::corrupt("ảnh bị hỏng, không giải mã được".into()).with_detail(e.to_string())
}

/// Decodes one encoded image, its size checked against the limits before the pixels are.
pub fn decode(bytes: &[u8], format: ImageFormat, budget: &mut Budget) -> ExtractResult<Gray> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    reader.no_limits();
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let (w, h) = image::ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().map_err(decode_error)?;
    check_size(u64::from(w), u64::from(h), budget)?;
    Ok(from_dynamic(reader.decode().map_err(decode_error)?))
}

/// How many pages (images) a TIFF file holds, at most `max_pages`.
pub fn tiff_page_count(bytes: &[u8], max_pages: usize) -> usize {
    (0..max_pages).take_while(|&index| tiff_directory(bytes, index).is_some()).count()
}

/// Page `index` (from 0) of a TIFF file, its size checked against the limits before decoding.
pub fn decode_tiff_page(bytes: &[u8], index: usize, budget: &mut Budget) -> ExtractResult<Gray> {
    use image::codecs::tiff::TiffDecoder;
    use image::ImageDecoder;
    let Some(page) = tiff_page(bytes, index) else {
        return Err(ExtractError::corrupt(format!("tệp TIFF không có trang {}", index + 1)));
    };
    let limits = budget.limits.clone();
    let decoded = TiffDecoder::new(Cursor::new(page.as_slice())).map_err(decode_error).and_then(|decoder| {
        let (w, h) = decoder.dimensions();
        check_size(u64::from(w), u64::from(h), budget)?;
        Ok(from_dynamic(DynamicImage::from_decoder(decoder).map_err(decode_error)?))
    });
    // Group 3 fax pages, which the TIFF decoder refuses, go to the CCITT
    // decoder (on a budget of their own: the refused try has spent its share).
    match decoded {
        Err(e) if e.kind == ErrorKind::Corrupt => {
            super::codecs::tiff_fax_page(&page, &mut Budget::new(limits)).unwrap_or(Err(e))
        }
        other => other,
    }
}

/// Page `index`'s size in pixels and its pixels per unit across and down
/// (equal when the file does not say).
pub fn tiff_page_geometry(bytes: &[u8], index: usize) -> Option<((usize, usize), (f32, f32))> {
    let tiff = Tiff::new(bytes)?;
    let ifd = tiff_directory(bytes, index)?;
    let one = |tag: u16| tiff.values(ifd, tag, 1).and_then(|v| v.first().copied()).map(|v| v as usize);
    let per_unit = tiff.resolution(ifd).unwrap_or((1.0, 1.0));
    Some(((one(256)?, one(257)?), per_unit))
}

/// Reads a TIFF's numbers in its byte order.
pub(super) struct Tiff<'a> {
    bytes: &'a [u8],
    little: bool,
}

impl<'a> Tiff<'a> {
    /// `None` when the bytes do not start with a TIFF header.
    pub fn new(bytes: &'a [u8]) -> Option<Tiff<'a>> {
        let little = match bytes.get(..4)? {
            [b'I', b'I', 42, 0] => true,
            [b'M', b'M', 0, 42] => false,
            _ => return None,
        };
        Some(Tiff { bytes, little })
    }

    pub fn u16_at(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.little { u16::from_le_bytes(b) } else { u16::from_be_bytes(b) })
    }

    pub fn u32_at(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.little { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    }

    /// Where the entry of tag `tag` is in the directory at `ifd`.
    fn entry(&self, ifd: usize, tag: u16) -> Option<usize> {
        let entries = usize::from(self.u16_at(ifd)?);
        (0..entries).map(|i| ifd + 2 + i * 12).find(|&e| self.u16_at(e) == Some(tag))
    }

    /// The values of tag `tag` in the directory at `ifd` (SHORT or LONG; at most `max`).
    pub fn values(&self, ifd: usize, tag: u16, max: usize) -> Option<Vec<u32>> {
        let entry = self.entry(ifd, tag)?;
        let (kind, count) = (self.u16_at(entry + 2)?, self.u32_at(entry + 4)? as usize);
        let size = match kind {
            3 => 2,
            4 => 4,
            _ => return None,
        };
        if count > max {
            return None;
        }
        let start = if size * count <= 4 { entry + 8 } else { self.u32_at(entry + 8)? as usize };
        (0..count)
            .map(|i| if size == 2 { self.u16_at(start + i * 2).map(u32::from) } else { self.u32_at(start + i * 4) })
            .collect()
    }

    /// The pixels per unit across and down of the directory at `ifd` (tags
    /// 282 and 283, rationals); `None` unless both are there and positive.
    pub fn resolution(&self, ifd: usize) -> Option<(f32, f32)> {
        let rational = |tag: u16| {
            let entry = self.entry(ifd, tag)?;
            let at = self.u32_at(entry + 8)? as usize;
            let (numerator, denominator) = (self.u32_at(at)?, self.u32_at(at.checked_add(4)?)?);
            (self.u16_at(entry + 2)? == 5 && numerator > 0 && denominator > 0)
                .then(|| numerator as f32 / denominator as f32)
        };
        Some((rational(282)?, rational(283)?))
    }
}

/// Where directory `index` (from 0) of a TIFF starts; `None` past the last one.
fn tiff_directory(bytes: &[u8], index: usize) -> Option<usize> {
    let tiff = Tiff::new(bytes)?;
    let mut offset = tiff.u32_at(4)?;
    for _ in 0..index {
        let entries = usize::from(tiff.u16_at(offset as usize)?);
        offset = tiff.u32_at((offset as usize).checked_add(2 + entries * 12)?)?;
        if offset == 0 {
            return None;
        }
    }
    (offset != 0 && (offset as usize) < bytes.len()).then_some(offset as usize)
}

/// A copy of a TIFF whose first-directory pointer names directory `index`,
/// so a single-image decoder reads that page. `None` past the last page.
fn tiff_page(bytes: &[u8], index: usize) -> Option<Vec<u8>> {
    let tiff = Tiff::new(bytes)?;
    let offset = u32::try_from(tiff_directory(bytes, index)?).ok()?;
    let mut copy = bytes.to_vec();
    let raw = if tiff.little { offset.to_le_bytes() } else { offset.to_be_bytes() };
    copy[4..8].copy_from_slice(&raw);
    Some(copy)
}

/// Raw PDF image samples (after the stream filters) as gray: 8-bit gray or
/// RGB, 1-bit gray, CMYK approximated.
pub fn from_samples(
    samples: &[u8],
    width: usize,
    height: usize,
    components: usize,
    bits: usize,
    budget: &mut Budget,
) -> ExtractResult<Gray> {
    check_size(width as u64, height as u64, budget)?;
    let short = || ExtractError::corrupt("dữ liệu ảnh trong tệp PDF ngắn hơn kích thước khai báo".into());
    match (components, bits) {
        (1, 8) => {
            let data = samples.get(..width * height).ok_or_else(short)?.to_vec();
            Ok(Gray { width, height, data })
        }
        (3, 8) => Ok(inks::print_gray(width, height, samples.get(..width * height * 3).ok_or_else(short)?)),
        (4, 8) => {
            let cmyk = samples.get(..width * height * 4).ok_or_else(short)?;
            let rgb: Vec<u8> = cmyk
                .chunks_exact(4)
                .flat_map(|p| {
                    let k = 255 - u32::from(p[3]);
                    [0, 1, 2].map(|i| ((255 - u32::from(p[i])) * k / 255) as u8)
                })
                .collect();
            Ok(inks::print_gray(width, height, &rgb))
        }
        (1, 1) => {
            let stride = width.div_ceil(8);
            let bytes = samples.get(..stride * height).ok_or_else(short)?;
            let mut out = Gray::new(width, height, 255);
            for y in 0..height {
                for x in 0..width {
                    // PDF DeviceGray 1-bit: 0 is black.
                    if bytes[y * stride + x / 8] & (0x80 >> (x % 8)) == 0 {
                        out.set(x, y, 0);
                    }
                }
            }
            Ok(out)
        }
        _ => Err(ExtractError::unsupported(format!(
            "ảnh trong tệp PDF có {components} kênh màu × {bits} bit, chưa đọc được để nhận dạng ký tự"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;

    #[test]
    fn png_round_trip_and_size_limit() {
        let mut img = image::GrayImage::from_pixel(30, 20, image::Luma([255]));
        img.put_pixel(3, 4, image::Luma([0]));
        let mut bytes = Vec::new();
        img.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png).unwrap();
        let mut budget = Budget::new(Limits::default());
        let gray = decode(&bytes, ImageFormat::Png, &mut budget).unwrap();
        assert_eq!((gray.width, gray.height, gray.get(3, 4), gray.get(4, 4)), (30, 20, 0, 255));
        let tiny = Limits { max_decompressed_bytes: 100, ..Limits::default() };
        assert!(decode(&bytes, ImageFormat::Png, &mut Budget::new(tiny)).is_err());
    }

    /// An A4 page at 600 dpi is read at 300; at 400 dpi, and an A3 page at 300, as they are.
    #[test]
    fn scans_of_600_dpi_are_read_at_half_their_resolution() {
        let size = |w, h| {
            let g = at_reading_size(Gray::new(w, h, 255));
            (g.width, g.height)
        };
        assert_eq!(size(4961, 7016), (2480, 3508));
        assert_eq!(size(3307, 4677), (3307, 4677));
        assert_eq!(size(3508, 4961), (3508, 4961));
    }

    #[test]
    fn one_bit_samples_and_short_data() {
        let mut budget = Budget::new(Limits::default());
        let gray = from_samples(&[0b0111_1111], 8, 1, 1, 1, &mut budget).unwrap();
        assert_eq!((gray.get(0, 0), gray.get(1, 0)), (0, 255));
        assert!(from_samples(&[1, 2], 4, 4, 1, 8, &mut budget).is_err());
    }
}
