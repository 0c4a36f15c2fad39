//! Image files given directly (a scanner's JPEG/PNG, a multi-page TIFF):
//! every image is a page, read by OCR through the PDF path's scan reader so
//! that tables, cross-page joining and prose are built the same way.

use std::sync::Arc;

use ::image::ImageFormat;

use super::pdf;
use super::pdf::Scan;
use crate::extract::paged::ocr::{engine, image as ocr_image, Gray};
use crate::extract::{Budget, ExtractError, ExtractResult};
use crate::grid::Document;
use crate::sniff::Format;

pub fn extract(format: Format, bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    if !budget.limits.ocr {
        return Err(ExtractError::unsupported(
            "tệp ảnh (bản quét) cần nhận dạng ký tự (OCR), nhưng OCR đã tắt (--ocr never); hãy chạy lại không có --ocr never".into(),
        ));
    }
    if engine::Tesseract::detect().is_none() {
        return Err(ExtractError::unsupported(engine::MISSING.into()));
    }
    let scans = match format {
        Format::Tiff => tiff_scans(bytes, budget.limits.max_pages)?,
        Format::Png => vec![Scan::of_image(1, ocr_image::decode(bytes, ImageFormat::Png, budget)?)],
        _ => vec![Scan::of_image(1, ocr_image::decode(bytes, ImageFormat::Jpeg, budget)?)],
    };
    pdf::extract_scans(scans, budget)
}

/// A TIFF's pages (at most `max_pages`), each decoded when its turn to be read comes.
fn tiff_scans(bytes: &[u8], max_pages: usize) -> ExtractResult<Vec<Scan>> {
    let count = ocr_image::tiff_page_count(bytes, max_pages);
    if count == 0 {
        return Err(ExtractError::corrupt("tệp TIFF không có ảnh nào đọc được".into()));
    }
    let file: Arc<[u8]> = Arc::from(bytes);
    Ok((0..count).zip(1u32..).map(|(index, number)| Scan::of_tiff_page(number, Arc::clone(&file), index)).collect())
}

/// The image of page `number` (1-based) of a scanned document, decoded as
/// for OCR, so that a report can show the pixels a value was read from;
/// `None` for a page that is not an image.
pub fn page_pixels(format: Format, bytes: &[u8], number: u32, budget: &mut Budget) -> ExtractResult<Option<Gray>> {
    let index = usize::try_from(number).unwrap_or(usize::MAX);
    match format {
        Format::Pdf => pdf::scanned_page_image(bytes, number, budget),
        Format::Tiff if (1..=ocr_image::tiff_page_count(bytes, budget.limits.max_pages)).contains(&index) => {
            Scan::of_tiff_page(number, Arc::from(bytes), index - 1).decode(budget).map(Some)
        }
        Format::Png if number == 1 => ocr_image::decode(bytes, ImageFormat::Png, budget).map(Some),
        Format::Jpeg if number == 1 => ocr_image::decode(bytes, ImageFormat::Jpeg, budget).map(Some),
        _ => Ok(None),
    }
}
