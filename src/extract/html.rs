//! (being written)
use super::{Budget, ExtractError, ExtractResult};
use crate::grid::Document;

pub fn extract(_bytes: &[u8], _budget: &mut Budget) -> ExtractResult<Document> {
    Err(ExtractError::Unsupported("chưa hỗ trợ".into()))
}
