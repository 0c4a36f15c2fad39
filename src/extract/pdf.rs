//! PDF extractor (placeholder until the PDF issue lands).

use super::{Budget, ExtractError, ExtractResult};
use crate::grid::Document;

pub fn extract(_bytes: &[u8], _budget: &mut Budget) -> ExtractResult<Document> {
    Err(ExtractError::Unsupported("chưa hỗ trợ đọc bảng từ tệp PDF".into()))
}
