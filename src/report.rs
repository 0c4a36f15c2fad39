//! The contract's document object (`../shared/CONTRACT.md`, v1), as serde types.
//!
//! Every number is a [`Decimal`] and is written to JSON as an exact number
//! (serde_json's `arbitrary_precision`), so `12,9491` in a cell is `12.9491`
//! in the output, never `12.949100000000001`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::grid::Location;

pub const CONTRACT_VERSION: u32 = 1;

/// The finding kinds the contract requires; every other kind is an addition.
pub const CONTRACT_FINDING_KINDS: [&str; 7] = [
    "sum_mismatch",
    "exceeds_max",
    "stated_total_mismatch",
    "lost_points_mismatch",
    "missing_score",
    "missing_max",
    "duplicate_code",
];

/// One of the four score columns a table may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    MaxPoints,
    SelfScore,
    AppraisalScore,
    LostPoints,
}

impl Column {
    pub const ALL: [Column; 4] = [Column::MaxPoints, Column::SelfScore, Column::AppraisalScore, Column::LostPoints];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Column::MaxPoints => "max_points",
            Column::SelfScore => "self_score",
            Column::AppraisalScore => "appraisal_score",
            Column::LostPoints => "lost_points",
        }
    }

    /// The column's name in the user's language.
    pub fn label(self) -> &'static str {
        match self {
            Column::MaxPoints => "điểm chuẩn",
            Column::SelfScore => "điểm tự đánh giá",
            Column::AppraisalScore => "điểm thẩm định",
            Column::LostPoints => "điểm bị mất",
        }
    }
}

/// Values of the four score columns on one row, indexed by [`Column::index`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scores(pub [Option<Decimal>; 4]);

impl Scores {
    pub fn get(&self, col: Column) -> Option<Decimal> {
        self.0[col.index()]
    }
    pub fn set(&mut self, col: Column, value: Option<Decimal>) {
        self.0[col.index()] = value;
    }
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    NoTable,
    Unsupported,
    Error,
}

impl Status {
    /// The contract's name of the status (`"no_table"` …).
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NoTable => "no_table",
            Status::Unsupported => "unsupported",
            Status::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    SelfAssessment,
    Appraisal,
    Remediation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The contract's name of the severity.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    pub sha256: String,
    pub format: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub code: String,
    pub parent: Option<String>,
    pub title: String,
    #[serde(with = "opt_decimal")]
    pub max_points: Option<Decimal>,
    #[serde(with = "opt_decimal")]
    pub self_score: Option<Decimal>,
    #[serde(with = "opt_decimal")]
    pub appraisal_score: Option<Decimal>,
    #[serde(with = "opt_decimal")]
    pub lost_points: Option<Decimal>,
    pub location: Location,
}

impl Criterion {
    pub fn scores(&self) -> Scores {
        Scores([self.max_points, self.self_score, self.appraisal_score, self.lost_points])
    }
}

/// A set of per-column totals; absent columns are omitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnValues {
    #[serde(with = "opt_decimal", skip_serializing_if = "Option::is_none", default)]
    pub max_points: Option<Decimal>,
    #[serde(with = "opt_decimal", skip_serializing_if = "Option::is_none", default)]
    pub self_score: Option<Decimal>,
    #[serde(with = "opt_decimal", skip_serializing_if = "Option::is_none", default)]
    pub appraisal_score: Option<Decimal>,
    #[serde(with = "opt_decimal", skip_serializing_if = "Option::is_none", default)]
    pub lost_points: Option<Decimal>,
}

impl ColumnValues {
    pub fn from_scores(s: &Scores) -> Self {
        ColumnValues {
            max_points: s.get(Column::MaxPoints),
            self_score: s.get(Column::SelfScore),
            appraisal_score: s.get(Column::AppraisalScore),
            lost_points: s.get(Column::LostPoints),
        }
    }
    pub fn get(&self, col: Column) -> Option<Decimal> {
        match col {
            Column::MaxPoints => self.max_points,
            Column::SelfScore => self.self_score,
            Column::AppraisalScore => self.appraisal_score,
            Column::LostPoints => self.lost_points,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Values on the table's own grand-total row.
    pub table: Option<ColumnValues>,
    /// Total claimed in the prose of the report.
    pub stated: Option<ColumnValues>,
    /// The sum of the leaves.
    pub recalculated: Option<ColumnValues>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: String,
    pub code: Option<String>,
    pub column: Option<Column>,
    #[serde(with = "opt_decimal")]
    pub stated: Option<Decimal>,
    #[serde(with = "opt_decimal", skip_serializing_if = "Option::is_none", default)]
    pub recalculated: Option<Decimal>,
    #[serde(with = "opt_decimal", skip_serializing_if = "Option::is_none", default)]
    pub expected: Option<Decimal>,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location: Option<Location>,
    /// The finding depends on a value read by OCR with low confidence.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub uncertain: bool,
    /// For `uncertain_value`: what OCR read and how sure it was.
    #[serde(flatten, skip_serializing_if = "Option::is_none", default)]
    pub read: Option<OcrRead>,
}

/// The text OCR read for a value and its confidence (0–1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrRead {
    pub text: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub confidence: Decimal,
}

/// How a document with scanned pages was read (`extraction` of the contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractionInfo {
    /// "text", "ocr" or "mixed".
    pub method: String,
    pub ocr_engine: Option<String>,
    pub ocr_pages: usize,
}

/// Metadata read from the prose, beyond the contract's `unit` and `year`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unit_level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub report_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub report_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub stated_rating: Option<String>,
    /// Id of the criteria catalog the table was matched to (`schemas/catalogs/`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub framework: Option<String>,
}

/// One output object per input document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentReport {
    pub contract: u32,
    pub source: Source,
    pub status: Status,
    pub error: Option<String>,
    pub table_kind: Option<TableKind>,
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub columns: Vec<Column>,
    pub criteria: Vec<Criterion>,
    pub totals: Totals,
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub metadata: Metadata,
    /// Present when some pages were scans (read by OCR or left unread).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub extraction: Option<ExtractionInfo>,
    /// Tool version that produced the object (the nightly state keys on it).
    pub tool_version: String,
}

impl DocumentReport {
    /// An object for a document that could not be read as a scoring report.
    pub fn failed(source: Source, status: Status, message: String) -> Self {
        DocumentReport {
            contract: CONTRACT_VERSION,
            source,
            status,
            error: Some(message),
            table_kind: None,
            unit: None,
            year: None,
            columns: Vec::new(),
            criteria: Vec::new(),
            totals: Totals::default(),
            findings: Vec::new(),
            metadata: Metadata::default(),
            extraction: None,
            tool_version: crate::TOOL_VERSION.to_owned(),
        }
    }

    /// Counts findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}

/// Serializes `Option<Decimal>` as an exact JSON number (or null), normalized
/// so that `100.00` is written `100`.
mod opt_decimal {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            None => s.serialize_none(),
            Some(d) => {
                let text = d.normalize().to_string();
                let number: serde_json::Number = text.parse().map_err(serde::ser::Error::custom)?;
                number.serialize(s)
            }
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let number: Option<serde_json::Number> = Option::deserialize(d)?;
        number.map(|n| n.to_string().parse::<Decimal>().map_err(serde::de::Error::custom)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimals_are_written_exactly() {
        let v = ColumnValues {
            max_points: Some(Decimal::from_str("100.00").unwrap()),
            self_score: Some(Decimal::from_str("12.9491").unwrap()),
            ..Default::default()
        };
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"max_points":100,"self_score":12.9491}"#);
        let back: ColumnValues = serde_json::from_str(r#"{"self_score":0.1}"#).unwrap();
        assert_eq!(back.self_score, Some(Decimal::from_str("0.1").unwrap()));
    }
}
