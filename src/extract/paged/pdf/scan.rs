//! Scanned pages of a PDF or an image file: the page image is taken out of
//! the file and read by OCR ([`crate::extract::paged::ocr`]); what OCR found comes back as a
//! [`PageLayout`] of glyphs (one per word) and ruling segments, so the
//! assembler treats it like a text page. An invisible text layer (render
//! mode 3, left by an OCR program) is not used: it is poor OCR with the
//! columns mixed.

use std::rc::Rc;
use std::sync::Arc;

use lopdf::{Document as PdfDocument, Object, ObjectId, Stream};

use super::bands::{self, Bands, DrawnImage};
use super::stream_bytes;
use crate::extract::paged::ocr::codecs::{self, Fax};
use crate::extract::paged::ocr::{image, Gray, OcrPage};
use crate::extract::paged::page::{Glyph, PageLayout, Segment};
use crate::extract::{Budget, ErrorKind, ExtractError, ExtractResult};
use crate::grid::{Reading, ScanQuality};

/// The encoded or raw image of a scanned page, taken out of the file.
pub enum Source {
    Jpeg(Vec<u8>),
    Raw {
        samples: Vec<u8>,
        width: usize,
        height: usize,
        components: usize,
        bits: usize,
        /// `/Decode [1 0]`: the samples' dark and light are swapped.
        invert: bool,
    },
    /// CCITT Group 3/4 data (leading filters applied) and its parameters.
    Fax {
        data: Vec<u8>,
        fax: Fax,
        width: usize,
        height: usize,
        invert: bool,
    },
    /// A JBIG2 page and the `/JBIG2Globals` segments it refers to.
    Jbig2 {
        data: Vec<u8>,
        globals: Option<Vec<u8>>,
        height: usize,
        invert: bool,
    },
    /// A JPEG 2000 codestream or JP2 file.
    Jpx(Vec<u8>),
    /// An image file's page, already decoded.
    Decoded(Gray),
    /// Page `index` (from 0) of a TIFF file, decoded in its own OCR task so
    /// that a long fax is never in memory whole.
    TiffPage {
        file: Arc<[u8]>,
        index: usize,
    },
    /// A page scan written as several images side by side or one under the
    /// other (bands), each with its box on the page ([`super::bands`]).
    Bands(Bands),
}

/// A page of a document in reading order: read from its text, or waiting for OCR.
pub enum Pending {
    Text(PageLayout),
    Scan(Scan),
}

/// A scanned page waiting for OCR.
pub struct Scan {
    pub number: u32,
    /// Page size in points.
    pub width: f32,
    pub height: f32,
    pub source: Source,
    /// The image's pixels per unit of length across and down (as drawn on
    /// the page, or as the file states), which differ for a fax at standard
    /// resolution; only their ratio is used: the page is read with square pixels.
    pub density: (f32, f32),
}

fn filters(stream: &Stream) -> Vec<Vec<u8>> {
    match stream.dict.get(b"Filter") {
        Ok(Object::Name(n)) => vec![n.clone()],
        Ok(Object::Array(items)) => items.iter().filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec)).collect(),
        _ => Vec::new(),
    }
}

/// The `/DecodeParms` of filter `index` (a dictionary, or one of an array).
fn parms<'a>(doc: &'a PdfDocument, stream: &'a Stream, index: usize) -> Option<&'a lopdf::Dictionary> {
    match super::resolve(doc, stream.dict.get(b"DecodeParms").ok())? {
        Object::Dictionary(d) => (index == 0).then_some(d),
        Object::Array(items) => super::resolve(doc, items.get(index))?.as_dict().ok(),
        _ => None,
    }
}

/// The CCITT parameters of a `CCITTFaxDecode` filter, PDF defaults for those left out.
fn fax_parms(parms: Option<&lopdf::Dictionary>) -> Fax {
    let Some(d) = parms else { return Fax::default() };
    let int = |key: &[u8], default: i64| d.get(key).and_then(Object::as_i64).unwrap_or(default);
    let flag = |key: &[u8], default: bool| d.get(key).and_then(Object::as_bool).unwrap_or(default);
    let count = |key: &[u8], default: i64| u32::try_from(int(key, default)).unwrap_or(0);
    Fax {
        k: int(b"K", 0),
        columns: count(b"Columns", 1728),
        rows: count(b"Rows", 0),
        end_of_line: flag(b"EndOfLine", false),
        byte_align: flag(b"EncodedByteAlign", false),
        end_of_block: flag(b"EndOfBlock", true),
        black_is_1: flag(b"BlackIs1", false),
    }
}

/// Whether the image's `/Decode` array swaps dark and light (`[1 0 …]`).
fn inverted(stream: &Stream) -> bool {
    let Ok(Object::Array(items)) = stream.dict.get(b"Decode") else { return false };
    let number = |o: Option<&Object>| o.and_then(|o| o.as_float().ok());
    matches!((number(items.first()), number(items.get(1))), (Some(a), Some(b)) if a > b)
}

/// The stream's data with its first `count` filters applied (the image
/// codec that a last one names is decoded by [`codecs`], not by lopdf).
fn filtered(
    doc: &PdfDocument,
    stream: &Stream,
    names: &[Vec<u8>],
    count: usize,
    budget: &mut Budget,
) -> ExtractResult<Vec<u8>> {
    if count == 0 {
        return Ok(stream.content.clone());
    }
    if count == names.len() {
        return stream_bytes(stream, budget);
    }
    let mut dict = lopdf::Dictionary::new();
    dict.set("Filter", Object::Array(names[..count].iter().map(|n| Object::Name(n.clone())).collect()));
    let parms = (0..count).map(|i| parms(doc, stream, i).map_or(Object::Null, |d| Object::Dictionary(d.clone())));
    dict.set("DecodeParms", Object::Array(parms.collect()));
    stream_bytes(&Stream::new(dict, stream.content.clone()), budget)
}

/// Like [`filtered`], but an image whose data the parser cut or misplaced
/// (a `/Length` that lies, as some scanner software writes) is read again
/// from the file as written, between its `stream` and `endstream`.
fn image_data(
    doc: &PdfDocument,
    (raw, id): (&[u8], ObjectId),
    stream: &Stream,
    names: &[Vec<u8>],
    count: usize,
    budget: &mut Budget,
) -> ExtractResult<Vec<u8>> {
    let from_file = |budget: &mut Budget| {
        let written =
            super::salvage::raw_stream(raw, id).filter(|w| !w.content.is_empty() && w.content != stream.content)?;
        Some(filtered(doc, &Stream::new(stream.dict.clone(), written.content), names, count, budget))
    };
    // An image the parser read empty (its `/Length` names an object that is not there) is read from the file.
    if stream.content.is_empty() {
        return from_file(budget)
            .unwrap_or_else(|| Err(ExtractError::corrupt("ảnh trang quét trong tệp PDF rỗng".into())));
    }
    match filtered(doc, stream, names, count, budget) {
        Err(error) if error.kind == ErrorKind::Corrupt => match from_file(budget) {
            Some(Ok(bytes)) => Ok(bytes),
            _ => Err(error),
        },
        other => other,
    }
}

fn components(doc: &PdfDocument, stream: &Stream) -> Option<usize> {
    let space = super::resolve(doc, stream.dict.get(b"ColorSpace").ok())?;
    let name = match space {
        Object::Name(n) => n.clone(),
        Object::Array(items) => {
            let kind = items.first()?.as_name().ok()?;
            if kind == b"ICCBased" {
                let icc = super::resolve(doc, items.get(1))?.as_stream().ok()?;
                return icc.dict.get(b"N").ok()?.as_i64().ok().and_then(|n| usize::try_from(n).ok());
            }
            kind.to_vec()
        }
        _ => return None,
    };
    match name.as_slice() {
        b"DeviceGray" | b"CalGray" | b"G" => Some(1),
        b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(3),
        b"DeviceCMYK" | b"CMYK" => Some(4),
        _ => None,
    }
}

fn dimension(stream: &Stream, key: &[u8]) -> usize {
    stream.dict.get(key).and_then(Object::as_i64).ok().and_then(|n| usize::try_from(n).ok()).unwrap_or(0)
}

/// Fewest pixels of an image that is a page scan (an A4 page at 100 dpi is 0.97 million), not a logo or a seal.
pub const MIN_SCAN_PIXELS: usize = 900_000;

/// Pixels of the largest image drawn on the page.
pub fn largest_pixels(doc: &PdfDocument, images: &[DrawnImage]) -> usize {
    let stream_of = |image: &DrawnImage| doc.get_object(image.id).ok().and_then(|o| o.as_stream().ok());
    images.iter().filter_map(stream_of).map(pixels).max().unwrap_or(0)
}

/// Pixels of an image stream, as its dictionary states them.
fn pixels(stream: &Stream) -> usize {
    dimension(stream, b"Width").saturating_mul(dimension(stream, b"Height"))
}

/// The page's scan, ready for decoding (its codec, if any, decoded later
/// inside the page's own OCR task): the largest image drawn on it, or the
/// bands a scanner wrote it as. An image in a colour space OCR cannot read is
/// an error naming it.
pub fn page_image(
    doc: &PdfDocument,
    raw: &[u8],
    images: &[DrawnImage],
    number: u32,
    size: (f32, f32),
    budget: &mut Budget,
) -> ExtractResult<Option<Scan>> {
    let stream_of =
        |image: &DrawnImage| doc.get_object(image.id).ok().and_then(|o| o.as_stream().ok()).map(|s| (*image, s));
    let drawn: Vec<(DrawnImage, &Stream)> = images.iter().filter_map(stream_of).collect();
    let Some(&(largest, stream)) = drawn.iter().max_by_key(|(_, s)| pixels(s)) else { return Ok(None) };
    let (width, height) = (dimension(stream, b"Width"), dimension(stream, b"Height"));
    let scan = |source, density| Scan { number, width: size.0, height: size.1, source, density };
    let boxes: Vec<DrawnImage> = drawn.iter().map(|(image, _)| *image).collect();
    if let Some(area) = bands::area(&boxes, &largest, size) {
        let per_point = width as f32 / largest.across;
        let mut parts = Vec::with_capacity(drawn.len());
        for (image, stream) in &drawn {
            // An image beside the largest that cannot be read (a logo in an
            // odd colour space) is left out; the largest's error is the page's.
            match source_of(doc, raw, image.id, stream, number, budget) {
                Ok(source) => parts.push((source, image.bbox)),
                Err(error) if image.id == largest.id => return Err(error),
                Err(_) => {}
            }
        }
        return Ok(Some(scan(Source::Bands(Bands { parts, area, per_point }), (1.0, 1.0))));
    }
    let density = (width as f32 / largest.across, height as f32 / largest.down);
    Ok(Some(scan(source_of(doc, raw, largest.id, stream, number, budget)?, density)))
}

/// One image's data as a [`Source`], its size checked against the limits first.
fn source_of(
    doc: &PdfDocument,
    raw: &[u8],
    id: ObjectId,
    stream: &Stream,
    number: u32,
    budget: &mut Budget,
) -> ExtractResult<Source> {
    let (width, height) = (dimension(stream, b"Width"), dimension(stream, b"Height"));
    if (width as u64).saturating_mul(height as u64) > image::MAX_PIXELS {
        return Err(ExtractError::limit(format!(
            "ảnh trang {number} ({width}×{height} điểm ảnh) vượt giới hạn {} điểm ảnh",
            image::MAX_PIXELS
        )));
    }
    let names = filters(stream);
    let last = names.last().map(Vec::as_slice);
    let (invert, leading) = (inverted(stream), names.len().saturating_sub(1));
    Ok(match last {
        Some(b"DCTDecode" | b"DCT") => Source::Jpeg(image_data(doc, (raw, id), stream, &names, leading, budget)?),
        Some(b"CCITTFaxDecode" | b"CCF") => {
            let fax = fax_parms(parms(doc, stream, leading));
            let data = image_data(doc, (raw, id), stream, &names, leading, budget)?;
            Source::Fax { data, fax, width, height, invert }
        }
        Some(b"JBIG2Decode") => {
            let globals = parms(doc, stream, leading)
                .and_then(|d| super::resolve(doc, d.get(b"JBIG2Globals").ok()))
                .and_then(|o| o.as_stream().ok())
                .map(|g| stream_bytes(g, budget))
                .transpose()?;
            let data = image_data(doc, (raw, id), stream, &names, leading, budget)?;
            Source::Jbig2 { data, globals, height, invert }
        }
        Some(b"JPXDecode") => Source::Jpx(image_data(doc, (raw, id), stream, &names, leading, budget)?),
        _ => {
            let samples = image_data(doc, (raw, id), stream, &names, names.len(), budget)?;
            let bits = dimension(stream, b"BitsPerComponent").max(1);
            let is_mask = matches!(stream.dict.get(b"ImageMask").and_then(Object::as_bool), Ok(true));
            let components = if is_mask { Some(1) } else { components(doc, stream) };
            let Some(components) = components else {
                return Err(ExtractError::unsupported(format!(
                    "trang {number} là ảnh quét có hệ màu parcheck chưa đọc được để nhận dạng ký tự (OCR); hãy quét lại ở chế độ màu hoặc xám, lưu thành PDF ảnh JPEG hoặc tệp .png/.jpg rồi gửi lại"
                )));
            };
            Source::Raw { samples, width, height, components, bits, invert }
        }
    })
}

impl Source {
    /// The image as stored, as gray.
    pub fn decode(&self, budget: &mut Budget) -> ExtractResult<Gray> {
        match self {
            Source::Jpeg(bytes) => image::decode(bytes, ::image::ImageFormat::Jpeg, budget),
            Source::Raw { samples, width, height, components, bits, invert } => {
                let mut gray = image::from_samples(samples, *width, *height, *components, *bits, budget)?;
                if *invert && *components == 1 {
                    gray.data.iter_mut().for_each(|v| *v = 255 - *v);
                }
                Ok(gray)
            }
            Source::Fax { data, fax, width, height, invert } => {
                codecs::ccitt(data, *fax, *width, *height, *invert, budget)
            }
            Source::Jbig2 { data, globals, height, invert } => {
                codecs::jbig2(data, globals.as_deref(), *height, *invert, budget)
            }
            Source::Jpx(data) => codecs::jpx(data, budget),
            Source::Decoded(gray) => Ok(gray.clone()),
            Source::TiffPage { file, index } => image::decode_tiff_page(file, *index, budget),
            Source::Bands(bands) => bands.compose(budget),
        }
    }
}

impl Scan {
    /// A page of an image file: without a page size in the file, the image
    /// is taken as an A4 sheet in its own orientation.
    pub fn of_image(number: u32, gray: Gray) -> Scan {
        Scan::of_file_page(number, (gray.width, gray.height), (1.0, 1.0), Source::Decoded(gray))
    }

    /// Page `index` (from 0) of a TIFF file, taken as an A4 sheet of the
    /// shape its size and resolution give it; a page whose directory cannot
    /// be read fails when it is decoded, alone.
    pub fn of_tiff_page(number: u32, file: Arc<[u8]>, index: usize) -> Scan {
        let (size, density) = image::tiff_page_geometry(&file, index).unwrap_or(((1, 1), (1.0, 1.0)));
        Scan::of_file_page(number, size, density, Source::TiffPage { file, index })
    }

    /// A file's page of `size` pixels at `density` pixels per unit of length across and down.
    fn of_file_page(number: u32, size: (usize, usize), density: (f32, f32), source: Source) -> Scan {
        let (across, down) = (size.0 as f32 / density.0, size.1 as f32 / density.1);
        let portrait = down >= across;
        let width = if portrait { 595.0 } else { 842.0 };
        let height = width * down / across.max(f32::MIN_POSITIVE);
        Scan { number, width, height, source, density }
    }

    /// The page image as gray, seal and signature ink divided out of colour
    /// images, with square pixels.
    pub fn decode(&self, budget: &mut Budget) -> ExtractResult<Gray> {
        let (across, down) = self.density;
        Ok(self.source.decode(budget)?.with_square_pixels(across, down))
    }

    /// Pixels per inch of the image stretched over the page.
    pub fn dpi(&self, image_width: usize) -> f32 {
        if self.width > 1.0 { image_width as f32 * 72.0 / self.width } else { 300.0 }.max(50.0)
    }
}

/// What OCR read, as a page of glyphs (one per word, spaces between words of a line) and rulings.
pub fn to_page(ocr: &OcrPage, number: u32, legible: bool) -> PageLayout {
    let font: Rc<str> = Rc::from(crate::extract::paged::ocr::FONT);
    let mut page = PageLayout::new(number, ocr.width, ocr.height);
    page.glyphs.reserve(ocr.words.len() * 2);
    for w in &ocr.words {
        if let Some(last) = page.glyphs.last().filter(|_| w.space_before) {
            let (x, width) = (last.right(), (w.x - last.right()).max(0.1));
            let space = Glyph::new(x, last.y, width, last.size, " ", Rc::clone(&font));
            page.glyphs.push(space);
        }
        let reading =
            Some(Reading { confidence: w.confidence.clamp(0.0, 100.0).round() as u8, confirmed: w.confirmed, legible });
        let word = Glyph::new(w.x, w.bottom, w.width, w.height.max(1.0), w.text.clone(), Rc::clone(&font));
        page.glyphs.push(Glyph { reading, ..word });
    }
    page.rulings =
        ocr.segments.iter().map(|s| Segment { horizontal: s.horizontal, pos: s.pos, from: s.from, to: s.to }).collect();
    page
}

/// What the OCR of a document's scanned pages added.
#[derive(Debug)]
pub struct OcrSummary {
    /// The pages read by OCR, with how well each could be read.
    pub pages: Vec<ScanQuality>,
    pub engine: Option<String>,
    pub notes: Vec<String>,
}

/// One scanned page as read, with its pixels per point; the inner error is a
/// page whose image could not be decoded, which costs that page only.
type PageRead = Result<(OcrPage, (f32, f32), ScanQuality), ExtractError>;

/// Reads the scanned pages (in parallel, each decoded only inside its own
/// task so that at most one page image per worker is in memory) and returns
/// every page in order. Without Tesseract, a document of scans only is
/// unsupported with a message naming the packages; scans among text pages
/// are skipped with a note.
pub fn recognize(pages: Vec<Pending>, budget: &mut Budget) -> ExtractResult<(Vec<PageLayout>, Option<OcrSummary>)> {
    use rayon::prelude::*;
    let scans = pages.iter().filter(|p| matches!(p, Pending::Scan(_))).count();
    let text_pages = |pages: Vec<Pending>| {
        pages.into_iter().filter_map(|p| if let Pending::Text(page) = p { Some(page) } else { None }).collect()
    };
    if scans == 0 {
        return Ok((text_pages(pages), None));
    }
    let unread = |why: String| {
        if scans == pages.len() {
            return Err(ExtractError::unsupported(why));
        }
        Ok(OcrSummary {
            pages: Vec::new(),
            engine: None,
            notes: vec![format!("{scans} trang là ảnh quét không được đọc: {why}")],
        })
    };
    if !budget.limits.ocr {
        let summary = unread(super::OCR_OFF.into())?;
        return Ok((text_pages(pages), Some(summary)));
    }
    let Some(engine) = crate::extract::paged::ocr::engine::Tesseract::detect() else {
        let summary = unread(crate::extract::paged::ocr::engine::MISSING.into())?;
        return Ok((text_pages(pages), Some(summary)));
    };
    budget.grant_ocr_pages(scans);
    let deadline = budget.deadline().instant();
    let limits = budget.limits.clone();
    // Text pages hold `Rc` fonts and stay on this thread; only the scans go to workers.
    let to_read: Vec<&Scan> =
        pages.iter().filter_map(|p| if let Pending::Scan(s) = p { Some(s) } else { None }).collect();
    // A page image that cannot be decoded (a damaged fax or JBIG2 stream)
    // costs that page only: the inner error becomes a note, the other pages are read.
    let read: Vec<ExtractResult<PageRead>> = to_read
        .par_iter()
        .map(|scan| {
            // Each task checks its own image against the limits before decoding.
            let mut local = Budget::new(limits.clone());
            let gray = match scan.decode(&mut local) {
                Ok(gray) => crate::extract::paged::ocr::image::at_reading_size(gray),
                Err(e) if matches!(e.kind, ErrorKind::Corrupt | ErrorKind::Unsupported) => return Ok(Err(e)),
                Err(e) => return Err(e),
            };
            // A phone photo is read as its sheet alone, flat, at the resolution the photo gives it.
            let (gray, dpi, photo) = match crate::extract::paged::ocr::photo::rectify(&gray) {
                Some(sheet) => (sheet.gray, sheet.dpi, true),
                None => {
                    let dpi = scan.dpi(gray.width);
                    (gray, dpi, false)
                }
            };
            let mut page = crate::extract::paged::ocr::recognize_page(&gray, dpi, engine, deadline)?;
            let quality = crate::extract::paged::ocr::quality::assess(&page, scan.number, dpi);
            // The image may not fill the page exactly: scale to page points,
            // of the page as read (a page read after a quarter turn is sideways);
            // a photo's sheet has the size its resolution gives it.
            let (width, height) = if photo {
                (page.width, page.height)
            } else if page.turned % 180 == 90 {
                (scan.height, scan.width)
            } else {
                (scan.width, scan.height)
            };
            let (sx, sy) = (width / page.width.max(1.0), height / page.height.max(1.0));
            page.scale(sx, sy);
            let (across, down) =
                if page.turned % 180 == 90 { (gray.height, gray.width) } else { (gray.width, gray.height) };
            let pixels_per_point = (across as f32 / width.max(1.0), down as f32 / height.max(1.0));
            Ok(Ok((page, pixels_per_point, quality)))
        })
        .collect();
    // Every scanned page undecodable, and nothing else in the document: its first error is the document's.
    let mut read = read.into_iter();
    if scans == pages.len() && read.as_slice().iter().all(|r| matches!(r, Ok(Err(_)))) {
        if let Some(Ok(Err(e))) = read.next() {
            return Err(e);
        }
    }
    let mut out = Vec::with_capacity(pages.len());
    let (mut read_pages, mut notes) = (Vec::new(), Vec::new());
    for page in pages {
        match page {
            Pending::Text(text) => out.push(text),
            Pending::Scan(scan) => match read.next().transpose()? {
                Some(Ok((ocr, pixels_per_point, quality))) => {
                    let legible = quality.problems.is_empty();
                    if !legible {
                        notes.push(format!(
                            "trang {} khó đọc ({}): các giá trị đọc trên trang này chưa được xác nhận, cần đối chiếu bản gốc",
                            scan.number,
                            quality.problems.join("; ")
                        ));
                    }
                    read_pages.push(quality);
                    let page = to_page(&ocr, scan.number, legible);
                    out.push(PageLayout { pixels_per_point: Some(pixels_per_point), ..page });
                }
                Some(Err(e)) => notes.push(format!("trang {} không đọc được: {}", scan.number, e.message)),
                None => {}
            },
        }
    }
    budget.check_time()?;
    Ok((out, Some(OcrSummary { pages: read_pages, engine: Some(engine.version.clone()), notes })))
}

#[cfg(test)]
mod tests {
    use lopdf::dictionary;

    use super::*;
    use crate::config::Limits;

    /// A one-image file whose image stream says `/Length 99 0 R` (an object
    /// that is not there), as a damaged scan does.
    fn file_with_lost_length(content: &[u8]) -> Vec<u8> {
        let mut doc = PdfDocument::with_version("1.4");
        let image = doc.add_object(Stream::new(
            dictionary! { "Subtype" => "Image", "Width" => 2, "Height" => 1, "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8, "Filter" => "CCITTFaxDecode", "DecodeParms" => dictionary! { "K" => -1, "Columns" => 2 } },
            content.to_vec(),
        ));
        let root = doc.add_object(dictionary! { "Type" => "Catalog" });
        doc.trailer.set("Root", root);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes).replace(&format!("/Length {}", content.len()), "/Length 99 0 R");
        assert_eq!(image, (1, 0));
        text.into_bytes()
    }

    #[test]
    fn image_data_the_parser_lost_is_read_from_the_file() {
        let bytes = file_with_lost_length(b"G4DATA");
        let doc = PdfDocument::load_mem(&bytes).unwrap();
        // The parser keeps the dictionary but loses the data.
        assert!(doc.get_object((1, 0)).unwrap().as_stream().unwrap().content.is_empty());
        let mut budget = Budget::new(Limits::default());
        let drawn = DrawnImage { id: (1, 0), across: 10.0, down: 10.0, bbox: [0.0, 0.0, 10.0, 10.0], upright: true };
        let scan = page_image(&doc, &bytes, &[drawn], 1, (10.0, 10.0), &mut budget).unwrap().unwrap();
        let Source::Fax { data, fax, .. } = scan.source else { panic!("not a fax image") };
        assert_eq!((data.as_slice(), fax.k, fax.columns), (&b"G4DATA"[..], -1, 2));
    }

    /// A page image of 4 × 2 pixels drawn over a square (a fax at standard
    /// resolution) is read 4 × 4; a TIFF fax page that says 204 × 98 dpi too.
    #[test]
    fn scans_of_oblong_pixels_are_read_with_square_ones() {
        let mut doc = PdfDocument::with_version("1.4");
        let samples = vec![255, 0, 255, 255, 0, 0, 255, 255];
        let image = doc.add_object(Stream::new(
            dictionary! { "Subtype" => "Image", "Width" => 4, "Height" => 2, "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8 },
            samples,
        ));
        let mut budget = Budget::new(Limits::default());
        let drawn = DrawnImage { id: image, across: 100.0, down: 100.0, bbox: [0.0, 0.0, 100.0, 100.0], upright: true };
        let scan = page_image(&doc, &[], &[drawn], 1, (100.0, 100.0), &mut budget).unwrap().unwrap();
        let gray = scan.decode(&mut budget).unwrap();
        assert_eq!((gray.width, gray.height), (4, 4));
        assert_eq!(gray.data[..4], [255, 0, 255, 255]);
        assert_eq!(gray.data[12..], [0, 0, 255, 255]);

        let file = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/codecs/fax_g3.tif"));
        let page = Scan::of_tiff_page(1, Arc::from(file.unwrap()), 0);
        let gray = page.decode(&mut budget).unwrap();
        assert_eq!((gray.width, gray.height), (16, 17));
        // 16 × 8 pixels at 204 × 98 dpi: a sheet a little taller than wide.
        assert_eq!(page.width, 595.0);
        assert!((page.height - 595.0 * (8.0 / 98.0) / (16.0 / 204.0)).abs() < 0.01, "{}", page.height);
    }
}
