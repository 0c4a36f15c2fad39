//! PDF extractor: interprets each page's content stream into the page model
//! ([`page`]: positioned glyphs and ruling segments in the upright reading
//! frame; [`content`], [`font`], [`cmap`]), rebuilds ruled tables
//! ([`lattice`]), unruled ones from their header ([`stream`]) and lines
//! ([`layout`]), and joins the pages into one grid ([`Assembler`]). Other page
//! sources (OCR) fill [`page::PageLayout`]s and use the same [`Assembler`].

mod annotations;
mod bands;
mod cmap;
mod content;
mod font;
mod lean;
mod ocr_layer;
mod ops;
mod program;
mod repair;
mod salvage;
mod scan;
pub(super) use scan::Scan;
mod shapes;

use lopdf::{Dictionary, Document as PdfDocument, LoadOptions, Object, ObjectId, Stream};

use super::ocr::Gray;
use super::{page, Assembler};
use crate::extract::{Budget, ErrorKind, ExtractError, ExtractResult};
use crate::grid::{Document, Extraction};

/// Images that are no page scans (too small, masks): nothing OCR would read as a table.
const NO_TEXT_LAYER: &str = "tệp PDF không có lớp chữ, chỉ có hình ảnh không phải trang quét, không có bảng điểm để đọc; hãy gửi bản PDF xuất trực tiếp từ Word/Excel (có lớp chữ) hoặc bản quét cả trang";
/// Scanned pages while OCR is off.
const OCR_OFF: &str = "tệp PDF là bản quét, không có lớp chữ, và OCR đã tắt (--ocr never); hãy chạy lại không có --ocr never để nhận dạng ký tự";
const NO_TEXT: &str =
    "tệp PDF không có chữ hay hình ảnh nào đọc được (trang trống hoặc chữ vẽ bằng nét), không có bảng điểm để kiểm tra; hãy gửi bản PDF xuất trực tiếp từ Word/Excel (có lớp chữ) hoặc bản quét của báo cáo";
/// Longest chain of references followed to reach one object.
const MAX_REFERENCE_HOPS: usize = 32;

/// Follows references to the object they name; `None` for missing or cyclic ones.
pub(crate) fn resolve<'a>(doc: &'a PdfDocument, mut object: Option<&'a Object>) -> Option<&'a Object> {
    for _ in 0..MAX_REFERENCE_HOPS {
        match object? {
            Object::Reference(id) => object = doc.get_object(*id).ok(),
            other => return Some(other),
        }
    }
    None
}

fn limit_error(error: &lopdf::Error) -> bool {
    matches!(error, lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }))
}

/// The decoded bytes of a stream, counted against the budget.
pub(crate) fn stream_bytes(stream: &Stream, budget: &mut Budget) -> ExtractResult<Vec<u8>> {
    let left = usize::try_from(budget.bytes_left()).unwrap_or(usize::MAX);
    match stream.get_plain_content_with_limit(left) {
        // lopdf gives nothing, not an error, for a filtered stream it cannot decode.
        Ok(bytes)
            if bytes.is_empty() && !stream.content.is_empty() && stream.filters().is_ok_and(|f| !f.is_empty()) =>
        {
            Err(ExtractError::corrupt("luồng dữ liệu PDF bị hỏng (không giải nén được)".into()))
        }
        Ok(bytes) => {
            budget.spend_bytes(bytes.len() as u64)?;
            Ok(bytes)
        }
        Err(error) if limit_error(&error) => {
            budget.spend_bytes(budget.bytes_left().saturating_add(1))?;
            Ok(Vec::new())
        }
        Err(error) => Err(ExtractError::corrupt("luồng dữ liệu PDF bị hỏng".into()).with_detail(error.to_string())),
    }
}

/// Like [`stream_bytes`], but a damaged stream reads as empty: for font
/// parts, whose loss costs their mapping, not the page.
pub(crate) fn stream_bytes_or_empty(stream: &Stream, budget: &mut Budget) -> ExtractResult<Vec<u8>> {
    match stream_bytes(stream, budget) {
        Err(ExtractError { kind: crate::extract::ErrorKind::Corrupt, .. }) => Ok(Vec::new()),
        other => other,
    }
}

fn load(bytes: &[u8], budget: &Budget) -> ExtractResult<PdfDocument> {
    // A file whose `%PDF-` line was lost gets one back; the parser then
    // rebuilds the cross-reference table its offsets no longer match.
    let headed;
    let bytes = if memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none() {
        headed = [&b"%PDF-1.7\n"[..], bytes].concat();
        &headed[..]
    } else {
        bytes
    };
    let spelled = repair::spelled_filters(bytes);
    let bytes = spelled.as_deref().unwrap_or(bytes);
    let inlined = repair::inline_crypt_filters(bytes);
    let bytes = inlined.as_deref().unwrap_or(bytes);
    let joined = repair::joined_font_names(bytes);
    let bytes = joined.as_deref().unwrap_or(bytes);
    match load_as_written(bytes, budget) {
        // Encryption that covers only attachments (`/StmF` and `/StrF` are
        // `/Identity`) leaves the pages in the clear: they are read as written.
        // A trailer without `/ID` opens with an empty one.
        Err(error) if error.kind == ErrorKind::Encrypted => [clear_pages(bytes), repair::empty_id(bytes)]
            .into_iter()
            .flatten()
            .find_map(|mended| load_as_written(&mended, budget).ok())
            .ok_or(error),
        other => other,
    }
}

fn load_as_written(bytes: &[u8], budget: &Budget) -> ExtractResult<PdfDocument> {
    let limit = usize::try_from(budget.bytes_left()).unwrap_or(usize::MAX);
    // lopdf tries the empty user password itself (a file that opens without
    // one is read); an encrypted file it could not open keeps its /Encrypt entry.
    let options = LoadOptions { max_decompressed_size: Some(limit), ..LoadOptions::default() };
    let lean = LoadOptions { filter: Some(lean::keep), ..options.clone() };
    let loaded = match lean::with_decode_limit(limit, || PdfDocument::load_mem_with_options(bytes, lean)) {
        // lopdf rebuilds a damaged cross-reference table only for an unfiltered load.
        Ok(doc) if doc.get_pages().is_empty() => PdfDocument::load_mem_with_options(bytes, options),
        Err(error) if !limit_error(&error) => PdfDocument::load_mem_with_options(bytes, options),
        other => other,
    };
    let doc = loaded.map_err(|error| match error {
        lopdf::Error::InvalidPassword => encrypted(),
        // The empty password opened it, but its cipher is one lopdf does not apply.
        lopdf::Error::Decryption(e) => ExtractError::encrypted(UNDECRYPTABLE.into()).with_detail(e),
        error if limit_error(&error) => ExtractError::limit(format!(
            "dữ liệu giải nén vượt giới hạn {} MB (nghi là bom nén)",
            budget.limits.max_decompressed_bytes / (1024 * 1024)
        )),
        error => ExtractError::corrupt(
            "tệp PDF bị hỏng hoặc không đầy đủ; hãy mở bằng trình xem PDF, in ra PDF mới (Print to PDF) rồi gửi lại"
                .into(),
        )
        .with_detail(error.to_string()),
    })?;
    if doc.is_encrypted() {
        return Err(encrypted());
    }
    Ok(doc)
}

const UNDECRYPTABLE: &str = "tệp PDF được mã hóa theo cách parcheck chưa giải mã được (mở được không cần mật khẩu); hãy mở bằng trình xem PDF, in ra PDF mới (Print to PDF) rồi gửi lại";

/// The file with its `/Encrypt` entries renamed, when its crypt filters
/// leave streams and strings in the clear (only attachments are encrypted).
fn clear_pages(bytes: &[u8]) -> Option<Vec<u8>> {
    let identity = |key: &[u8]| {
        memchr::memmem::find_iter(bytes, key).any(|at| {
            let rest = &bytes[at + key.len()..bytes.len().min(at + key.len() + 16)];
            let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(rest.len())..];
            rest.starts_with(b"/Identity")
        })
    };
    if !identity(b"/StmF") || !identity(b"/StrF") {
        return None;
    }
    let mut clear = bytes.to_vec();
    let key = b"/Encrypt";
    for at in memchr::memmem::find_iter(bytes, key) {
        if bytes.get(at + key.len()).is_some_and(|b| !b.is_ascii_alphanumeric()) {
            clear[at + key.len() - 1] = b'x';
        }
    }
    Some(clear)
}

fn encrypted() -> ExtractError {
    ExtractError::encrypted(
        "tệp PDF được bảo vệ bằng mật khẩu (mã hóa), không mở được để đọc; hãy gỡ mật khẩu và gửi lại".into(),
    )
}

/// A page attribute, looked up on the page and then its ancestors.
fn inherited<'a>(doc: &'a PdfDocument, page: &'a Dictionary, key: &[u8], max_depth: usize) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..max_depth {
        if let Some(found) = resolve(doc, node.get(key).ok()) {
            return Some(found);
        }
        node = resolve(doc, node.get(b"Parent").ok())?.as_dict().ok()?;
    }
    None
}

/// The page's `/Rotate`, inherited, in degrees clockwise.
fn rotation(doc: &PdfDocument, page: &Dictionary, max_depth: usize) -> i64 {
    match inherited(doc, page, b"Rotate", max_depth) {
        Some(Object::Integer(degrees)) => *degrees,
        Some(Object::Real(degrees)) => *degrees as i64,
        _ => 0,
    }
}

fn media_box(doc: &PdfDocument, page: &Dictionary, max_depth: usize) -> [f32; 4] {
    let numbers: Vec<f32> = match inherited(doc, page, b"MediaBox", max_depth) {
        Some(Object::Array(items)) => items.iter().filter_map(|o| resolve(doc, Some(o))?.as_float().ok()).collect(),
        _ => Vec::new(),
    };
    match numbers.as_slice() {
        [x0, y0, x1, y1] if (x1 - x0).abs() > 1.0 && (y1 - y0).abs() > 1.0 => [*x0, *y0, *x1, *y1],
        _ => [0.0, 0.0, 595.0, 842.0],
    }
}

/// One page as its content stream paints it.
struct PageRead {
    page: page::PageLayout,
    /// Content streams and forms that were damaged or cyclic (each loses only its own text).
    broken: usize,
    /// The image XObjects the page draws.
    images: Vec<bands::DrawnImage>,
}

/// Runs one page. A damaged content stream loses the page's text but not
/// the document.
fn read_page(
    doc: &PdfDocument,
    raw: &[u8],
    id: ObjectId,
    number: u32,
    budget: &mut Budget,
    fonts: &mut content::FontCache,
) -> ExtractResult<PageRead> {
    let empty = Dictionary::new();
    let page_dict = doc.get_dictionary(id).unwrap_or(&empty);
    let max_depth = budget.limits.max_depth;
    let resources = inherited(doc, page_dict, b"Resources", max_depth).and_then(|o| o.as_dict().ok());
    let mut data = Vec::new();
    let mut broken = 0;
    for stream_id in doc.get_page_contents(id) {
        let parsed = doc.get_object(stream_id).ok().and_then(|o| o.as_stream().ok());
        let read = parsed.map_or_else(|| Err(ExtractError::corrupt(String::new())), |s| stream_bytes(s, budget));
        // A stream the parser lost or read empty may still be in the file as written.
        let read = match read {
            Ok(bytes) if bytes.is_empty() => salvaged(raw, stream_id, budget).unwrap_or(Ok(bytes)),
            Err(error) if error.kind == ErrorKind::Corrupt => salvaged(raw, stream_id, budget).unwrap_or(Err(error)),
            other => other,
        };
        match read {
            Ok(bytes) => {
                data.extend_from_slice(&bytes);
                data.push(b'\n');
            }
            Err(error) if error.kind == ErrorKind::Corrupt => broken += 1,
            Err(other) => return Err(other),
        }
    }
    let (media, rotate) = (media_box(doc, page_dict, max_depth), rotation(doc, page_dict, max_depth));
    let mut interpreter = content::Interpreter::new(doc, budget, fonts, number, media, rotate);
    interpreter.run(&data, resources, 0)?;
    for appearance in annotations::appearances(doc, page_dict) {
        interpreter.draw_appearance(appearance.stream, appearance.id, appearance.placement)?;
    }
    for (text, rect) in annotations::unappeared_texts(doc, page_dict) {
        interpreter.place_text(&text, rect);
    }
    let (page, broken_forms, images) = interpreter.finish();
    Ok(PageRead { page, broken: broken + broken_forms, images })
}

/// A content stream read from the file as written ([`salvage`]), when it holds anything.
fn salvaged(raw: &[u8], id: ObjectId, budget: &mut Budget) -> Option<ExtractResult<Vec<u8>>> {
    let stream = salvage::raw_stream(raw, id)?;
    match stream_bytes(&stream, budget) {
        Ok(bytes) if bytes.is_empty() => None,
        other => Some(other),
    }
}

pub fn extract(bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let mut doc = load(bytes, budget)?;
    match read(&doc, bytes, budget) {
        // Nothing read: the objects the parser lost may still be in the file as written.
        Err(error) if matches!(error.kind, ErrorKind::Corrupt | ErrorKind::Unsupported) => {
            if salvage::lost_objects(&mut doc, bytes, lean::unread) == 0 {
                return Err(error);
            }
            read(&doc, bytes, budget).map_err(|_| error)
        }
        other => other,
    }
}

fn read(doc: &PdfDocument, bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let mut pages = doc.get_pages();
    if pages.is_empty() {
        pages = salvage::loose_pages(doc);
    }
    if pages.len() > budget.limits.max_pages {
        return Err(ExtractError::limit(format!(
            "tệp PDF có {} trang, vượt giới hạn {} trang",
            pages.len(),
            budget.limits.max_pages
        )));
    }
    let mut fonts = content::FontCache::new();
    let (mut glyphs, mut unmapped, mut broken, mut images) = (0usize, 0usize, 0usize, 0usize);
    let mut broken_pages: Vec<String> = Vec::new();
    // Pages in order; scanned ones are read by OCR once every page is known.
    let mut pages_read: Vec<scan::Pending> = Vec::new();
    for (number, id) in pages {
        budget.check_time()?;
        let read = read_page(doc, bytes, id, number, budget, &mut fonts)?;
        broken += read.broken;
        if read.broken > 0 {
            broken_pages.push(number.to_string());
        }
        let mut page = read.page;
        images += page.images;
        unmapped += page.unmapped;
        let blank = page.glyphs.iter().all(|g| g.is_space());
        // A page scan under a scanner's garbage OCR text is read again by OCR.
        let garbage = !blank
            && budget.limits.ocr
            && scan::largest_pixels(doc, &read.images) >= scan::MIN_SCAN_PIXELS
            && ocr_layer::is_garbage(&page.glyphs);
        if (blank || garbage) && !read.images.is_empty() {
            // A scan parcheck cannot read (OCR off, a codec it does not decode) still
            // has the text layer its OCR program left: better than nothing, as pdftotext reads it.
            let scanned = if page.invisible.is_empty() || budget.limits.ocr {
                match scan::page_image(doc, bytes, &read.images, number, (page.width, page.height), budget) {
                    Err(error) if error.kind == ErrorKind::Unsupported && (garbage || !page.invisible.is_empty()) => {
                        None
                    }
                    other => other?,
                }
            } else {
                None
            };
            if let Some(scanned) = scanned {
                pages_read.push(scan::Pending::Scan(scanned));
                continue;
            }
        }
        // Invisible text is all such a page says (pdftotext reads it too).
        if blank {
            page.glyphs = std::mem::take(&mut page.invisible);
        }
        glyphs += page.glyphs.iter().filter(|g| !g.is_space()).count();
        pages_read.push(scan::Pending::Text(page));
    }
    let scans = pages_read.iter().filter(|p| matches!(p, scan::Pending::Scan(_))).count();
    if glyphs == 0 && scans == 0 {
        // Only pages that are images need OCR; text lost in damaged streams does not come back that way.
        return Err(if broken > 0 {
            ExtractError::corrupt("nội dung các trang PDF bị hỏng, không đọc được".into())
        } else if images > 0 {
            ExtractError::unsupported(NO_TEXT_LAYER.into())
        } else {
            ExtractError::unsupported(NO_TEXT.into())
        });
    }
    let (pages_read, ocr) = scan::recognize(pages_read, budget)?;
    let mut assembler = Assembler::new();
    let total = pages_read.len();
    for page in pages_read {
        assembler.add_page(page);
    }
    let mut document = assembler.finish(budget)?;
    record_ocr(&mut document, total, ocr);
    if unmapped > 0 {
        document.notes.push(format!(
            "{unmapped} ký tự trong tệp PDF không có bảng mã Unicode (phông chữ thiếu ToUnicode), được thay bằng \u{FFFD}"
        ));
    }
    if broken > 0 {
        document.notes.push(format!(
            "{broken} luồng nội dung PDF bị hỏng hoặc tự lặp vòng (trang {}), phần văn bản trong đó bị bỏ qua",
            broken_pages.join(", ")
        ));
    }
    Ok(document)
}

/// The image of scanned page `number` as OCR decoded it (the pixels
/// `criteria[].cells` count in), to show a reader the place a value was read;
/// `None` when the page draws no image.
pub fn scanned_page_image(bytes: &[u8], number: u32, budget: &mut Budget) -> ExtractResult<Option<Gray>> {
    let doc = load(bytes, budget)?;
    let mut pages = doc.get_pages();
    if pages.is_empty() {
        pages = salvage::loose_pages(&doc);
    }
    let Some(&id) = pages.get(&number) else { return Ok(None) };
    let read = read_page(&doc, bytes, id, number, budget, &mut content::FontCache::new())?;
    let size = (read.page.width, read.page.height);
    match scan::page_image(&doc, bytes, &read.images, number, size, budget)? {
        Some(scanned) => scanned.decode(budget).map(Some),
        None => Ok(None),
    }
}

/// Notes and the `extraction` summary of a document some of whose pages were scans.
fn record_ocr(document: &mut Document, pages: usize, ocr: Option<scan::OcrSummary>) {
    if let Some(ocr) = ocr {
        document.notes.extend(ocr.notes);
        document.extraction = Some(Extraction {
            ocr_pages: ocr.pages.len(),
            text_pages: pages - ocr.pages.len(),
            engine: ocr.engine,
            scans: ocr.pages,
        });
    }
}

/// Reads the pages of an image file (scans only) as a document.
pub fn extract_scans(scans: Vec<Scan>, budget: &mut Budget) -> ExtractResult<Document> {
    let scans = scans.into_iter().map(scan::Pending::Scan).collect();
    let (pages, ocr) = scan::recognize(scans, budget)?;
    let total = pages.len();
    let mut assembler = Assembler::new();
    for page in pages {
        assembler.add_page(page);
    }
    let mut document = assembler.finish(budget)?;
    record_ocr(&mut document, total, ocr);
    Ok(document)
}
