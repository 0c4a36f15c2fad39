//! Facts stated in the prose: unit, year, claimed total, rating.

use rust_decimal::Decimal;

use crate::grid::Document;
use crate::report::Column;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProseFacts {
    pub unit: Option<String>,
    pub year: Option<i32>,
    /// The total claimed in the prose, and the column it speaks of.
    pub stated_total: Option<(Column, Decimal)>,
    pub rating: Option<String>,
    pub unit_level: Option<String>,
    pub report_number: Option<String>,
    pub report_date: Option<String>,
}

pub fn read(_document: &Document) -> ProseFacts {
    ProseFacts::default()
}
