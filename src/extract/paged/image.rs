//! Image files given directly (a scanner's JPEG/PNG, a multi-page TIFF):
//! every image is a page, read by OCR through the PDF path's scan reader so
//! that tables, cross-page joining and prose are built the same way.

use ::image::ImageFormat;

use super::pdf;
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
    let pages = match format {
        Format::Tiff => ocr_image::decode_tiff_pages(bytes, budget, budget.limits.max_pages)?,
        Format::Png => vec![ocr_image::decode(bytes, ImageFormat::Png, budget)?],
        _ => vec![ocr_image::decode(bytes, ImageFormat::Jpeg, budget)?],
    };
    pdf::extract_scanned_images(pages, budget)
}

/// The image of page `number` (1-based) of a scanned document, decoded as
/// for OCR, so that a report can show the pixels a value was read from;
/// `None` for a page that is not an image.
pub fn page_pixels(format: Format, bytes: &[u8], number: u32, budget: &mut Budget) -> ExtractResult<Option<Gray>> {
    let index = usize::try_from(number).unwrap_or(usize::MAX);
    match format {
        Format::Pdf => pdf::scanned_page_image(bytes, number, budget),
        Format::Tiff if index <= budget.limits.max_pages => {
            Ok(ocr_image::decode_tiff_pages(bytes, budget, index)?.into_iter().nth(index.saturating_sub(1)))
        }
        Format::Png if number == 1 => ocr_image::decode(bytes, ImageFormat::Png, budget).map(Some),
        Format::Jpeg if number == 1 => ocr_image::decode(bytes, ImageFormat::Jpeg, budget).map(Some),
        _ => Ok(None),
    }
}
