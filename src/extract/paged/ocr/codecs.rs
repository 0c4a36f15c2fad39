//! The bi-level and wavelet encodings scanner and fax software write into
//! PDFs and TIFFs, decoded to gray for OCR: CCITT Group 3/4 (fax), JBIG2 and
//! JPEG 2000.
//!
//! The decoders are the `hayro-*` crates, chosen because they are pure,
//! `forbid(unsafe_code)` Rust with no dependencies of their own once their
//! optional `image`/SIMD integrations are off (the whole PDF renderer they
//! come from is not pulled in), they are maintained together and tested
//! against the PDF and codec test suites, and they decode what scanners
//! write: `hayro-ccitt` reads Group 3 1-D and 2-D as well as Group 4 with
//! the PDF parameters (the `fax` crate the TIFF decoder uses reads Group 4
//! and 1-D Group 3 only), `hayro-jbig2` reads embedded streams with their
//! `/JBIG2Globals`, `hayro-jpeg2000` reads raw codestreams and JP2 files.
//! Each image's size is checked against the limits before its pixels are
//! allocated; a damaged stream is a `corrupt` error for its page only.

use super::image::{check_size, Tiff};
use super::Gray;
use crate::extract::{Budget, ExtractError, ExtractResult};

/// The CCITT parameters of a PDF image (`/DecodeParms` of `CCITTFaxDecode`,
/// or a TIFF's compression and options), with the PDF defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fax {
    /// `< 0` Group 4, `0` Group 3 one-dimensional, `> 0` Group 3 mixed 1-D/2-D.
    pub k: i64,
    pub columns: u32,
    pub rows: u32,
    pub end_of_line: bool,
    pub byte_align: bool,
    pub end_of_block: bool,
    /// Black pixels are coded 1 in the decoded samples (PDF: they read as white).
    pub black_is_1: bool,
}

impl Default for Fax {
    fn default() -> Self {
        Fax {
            k: 0,
            columns: 1728,
            rows: 0,
            end_of_line: false,
            byte_align: false,
            end_of_block: true,
            black_is_1: false,
        }
    }
}

fn damaged(kind: &str, detail: impl std::fmt::Display) -> ExtractError {
    ExtractError::corrupt(format!("ảnh trang quét nén kiểu {kind} bị hỏng, không giải mã được")).with_detail(detail)
}

/// Rows of a bi-level image into gray, black where the decoder says so,
/// the colours swapped when `invert` (a `/Decode [1 0]` or `/BlackIs1`).
struct Rows {
    gray: Gray,
    row: usize,
    x: usize,
    invert: bool,
}

impl Rows {
    fn new(width: usize, height: usize, invert: bool) -> Rows {
        let paper = if invert { 0 } else { 255 };
        Rows { gray: Gray::new(width, height, paper), row: 0, x: 0, invert }
    }

    fn ink(&self) -> u8 {
        if self.invert {
            255
        } else {
            0
        }
    }

    /// Pixels `from..to` of the current row are black.
    fn black(&mut self, from: usize, to: usize) {
        let (width, ink) = (self.gray.width, self.ink());
        if self.row >= self.gray.height {
            return;
        }
        let start = self.row * width;
        self.gray.data[start + from.min(width)..start + to.min(width)].fill(ink);
    }
}

impl hayro_ccitt::Decoder for Rows {
    fn push_row(&mut self, changes: &[u32]) {
        let width = self.gray.width;
        for pair in changes.chunks(2) {
            let from = pair[0] as usize;
            let to = pair.get(1).map_or(width, |&t| t as usize);
            self.black(from, to);
        }
        self.row += 1;
    }
}

impl hayro_jbig2::Decoder for Rows {
    fn push_pixel(&mut self, black: bool) {
        if black {
            self.black(self.x, self.x + 1);
        }
        self.x += 1;
    }

    fn push_pixel_chunk(&mut self, black: bool, chunk_count: u32) {
        let n = chunk_count as usize * 8;
        if black {
            self.black(self.x, self.x + n);
        }
        self.x += n;
    }

    fn next_line(&mut self) {
        self.row += 1;
        self.x = 0;
    }
}

/// A CCITT-coded image of `width × height` pixels (the image's own size;
/// `/Columns` and `/Rows` only say how the data is laid out).
pub fn ccitt(
    data: &[u8],
    fax: Fax,
    width: usize,
    height: usize,
    invert: bool,
    budget: &mut Budget,
) -> ExtractResult<Gray> {
    use hayro_ccitt::{DecodeSettings, DecoderContext, EncodingMode};
    check_size(width as u64, height as u64, budget)?;
    let encoding = match fax.k {
        k if k < 0 => EncodingMode::Group4,
        0 => EncodingMode::Group3_1D,
        _ => EncodingMode::Group3_2D,
    };
    let settings = DecodeSettings {
        columns: if fax.columns == 0 { width as u32 } else { fax.columns },
        rows: if fax.rows == 0 { height as u32 } else { fax.rows },
        end_of_block: fax.end_of_block,
        end_of_line: fax.end_of_line,
        rows_are_byte_aligned: fax.byte_align,
        encoding,
        strict: false,
    };
    let mut rows = Rows::new(width, height, invert ^ fax.black_is_1);
    let result = hayro_ccitt::decode(data, &mut rows, &mut DecoderContext::new(settings));
    // A stream damaged near its end still gives the rows above the damage;
    // a page with most of its rows is read, one with few is not.
    match result {
        Err(e) if rows.row < height / 2 => Err(damaged("CCITT (fax)", format!("{e:?} sau {} dòng", rows.row))),
        _ => Ok(rows.gray),
    }
}

/// A JBIG2 image embedded in a PDF, with its `/JBIG2Globals` segments.
pub fn jbig2(
    data: &[u8],
    globals: Option<&[u8]>,
    height: usize,
    invert: bool,
    budget: &mut Budget,
) -> ExtractResult<Gray> {
    use hayro_jbig2::{DecodeSettings, Globals, Page};
    let settings = DecodeSettings::default();
    let globals =
        globals.map(|g| Globals::new(g, &settings)).transpose().map_err(|e| damaged("JBIG2", format!("{e:?}")))?;
    // Some writers embed a whole JBIG2 file (its header and page segments) instead of a bare page.
    let file = data.starts_with(b"\x97JB2\r\n\x1a\n").then(|| hayro_jbig2::File::new(data, &settings));
    let file = file.transpose().map_err(|e| damaged("JBIG2", format!("{e:?}")))?;
    let page = match &file {
        Some(file) => file.page(0).ok_or_else(|| damaged("JBIG2", "tệp JBIG2 không có trang"))?,
        None => {
            Page::new_embedded(data, globals.as_ref(), &settings).map_err(|e| damaged("JBIG2", format!("{e:?}")))?
        }
    };
    // A striped page may leave its height open (0xffffffff): the image's own height holds.
    let page_height = page.height() as usize;
    let height = if page_height == 0 || page_height == u32::MAX as usize { height } else { page_height };
    let width = page.width() as usize;
    check_size(width as u64, height as u64, budget)?;
    let mut rows = Rows::new(width, height, invert);
    page.decode(&mut rows).map_err(|e| damaged("JBIG2", format!("{e:?}")))?;
    Ok(rows.gray)
}

/// A JPEG 2000 image (raw codestream or JP2 file), in gray; colour through
/// [`super::inks::print_gray`], seal and signature ink divided out.
pub fn jpx(data: &[u8], budget: &mut Budget) -> ExtractResult<Gray> {
    use hayro_jpeg2000::{DecodeSettings, DecoderContext, Image};
    let image = Image::new(data, &DecodeSettings::default()).map_err(|e| damaged("JPEG 2000", format!("{e:?}")))?;
    let (width, height) = (image.width() as usize, image.height() as usize);
    check_size(width as u64, height as u64, budget)?;
    let channels = usize::from(image.color_space().num_channels()) + usize::from(image.has_alpha());
    budget.spend_bytes((width * height * channels) as u64)?;
    let mut context = DecoderContext::default();
    let decoded = image.decode(&mut context).map_err(|e| damaged("JPEG 2000", format!("{e:?}")))?;
    let samples = decoded.data_u8();
    let pixel = |i: usize| &samples[i * channels..(i + 1) * channels];
    if samples.len() < width * height * channels {
        return Err(damaged("JPEG 2000", "thiếu điểm ảnh"));
    }
    match channels {
        1 | 2 => Ok(Gray { width, height, data: (0..width * height).map(|i| pixel(i)[0]).collect() }),
        _ => {
            let cmyk = image.color_space().num_channels() == 4;
            let rgb: Vec<u8> = (0..width * height)
                .flat_map(|i| {
                    let p = pixel(i);
                    if cmyk {
                        let k = 255 - u32::from(p[3]);
                        [0, 1, 2].map(|c| ((255 - u32::from(p[c])) * k / 255) as u8)
                    } else {
                        [p[0], p[1], p[2]]
                    }
                })
                .collect();
            Ok(super::inks::print_gray(width, height, &rgb))
        }
    }
}

/// A TIFF page in CCITT compression (2: modified Huffman, 3: T.4, 4: T.6),
/// which fax software writes and the `tiff` crate reads only as Group 4:
/// each strip decoded on its own and stacked. `None` when the page is not
/// CCITT-coded (the caller's decoder error stands).
pub fn tiff_fax_page(bytes: &[u8], budget: &mut Budget) -> Option<ExtractResult<Gray>> {
    let tiff = Tiff::new(bytes)?;
    let ifd = tiff.u32_at(4)? as usize;
    let one = |tag: u16| tiff.values(ifd, tag, 1).and_then(|v| v.first().copied());
    let (width, height) = (one(256)? as usize, one(257)? as usize);
    let options = one(292).unwrap_or(0);
    let fax = match one(259)? {
        2 => Fax { k: 0, byte_align: true, ..Fax::default() },
        3 => Fax { k: i64::from(options & 1), end_of_line: true, byte_align: options & 4 != 0, ..Fax::default() },
        4 => Fax { k: -1, ..Fax::default() },
        _ => return None,
    };
    if let Err(e) = check_size(width as u64, height as u64, budget) {
        return Some(Err(e));
    }
    let rows_per_strip = one(278).map_or(height, |r| (r as usize).clamp(1, height.max(1)));
    let strips = height.div_ceil(rows_per_strip);
    let (offsets, counts) = (tiff.values(ifd, 273, strips)?, tiff.values(ifd, 279, strips)?);
    // Photometric 1 (BlackIsZero) shows the coded black as white; fill order 2 reverses each byte's bits.
    let (invert, reversed) = (one(262) == Some(1), one(266) == Some(2));
    let mut page = Gray::new(width, height, 255);
    for (strip, (&offset, &count)) in offsets.iter().zip(&counts).enumerate() {
        let top = strip * rows_per_strip;
        let rows = rows_per_strip.min(height.saturating_sub(top));
        let Some(data) = bytes.get(offset as usize..(offset as usize).saturating_add(count as usize)) else {
            return Some(Err(damaged("CCITT (fax)", "dải ảnh TIFF nằm ngoài tệp")));
        };
        let data: Vec<u8> = if reversed { data.iter().map(|b| b.reverse_bits()).collect() } else { data.to_vec() };
        let fax = Fax { columns: width as u32, rows: rows as u32, ..fax };
        match ccitt(&data, fax, width, rows, invert, &mut Budget::new(budget.limits.clone())) {
            Ok(part) => page.data[top * width..(top + rows) * width].copy_from_slice(&part.data),
            Err(e) => return Some(Err(e)),
        }
    }
    Some(Ok(page))
}

#[cfg(test)]
#[path = "codecs_tests.rs"]
mod tests;
