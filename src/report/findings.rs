//! The contract's finding object, and its assembly from the domain's finding.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::rubric::Value;
use super::{opt_decimal, Location, ProseLocation};
use crate::model::{self, Column, FindingKind, Severity};

/// The `column` of a finding: a score column, or the column of a statistics
/// table named by its number and header ("(5) Toàn trình").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FindingColumn {
    Score(Column),
    Named(String),
}

impl FindingColumn {
    pub fn score(&self) -> Option<Column> {
        match self {
            FindingColumn::Score(c) => Some(*c),
            FindingColumn::Named(_) => None,
        }
    }

    /// The contract's name of a score column, or the statistics column's name.
    pub fn name(&self) -> &str {
        match self {
            FindingColumn::Score(c) => c.name(),
            FindingColumn::Named(n) => n,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub code: Option<String>,
    pub column: Option<FindingColumn>,
    /// For `percent_mismatch`: the whole the percentage is a share of.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub label: Option<String>,
    /// The value the document states: a number, or a cited document's date.
    pub stated: Option<Value>,
    #[serde(with = "opt_decimal", skip_serializing_if = "Option::is_none", default)]
    pub recalculated: Option<Decimal>,
    /// A bound or reference: a number, a rubric's options, the report's date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected: Option<Value>,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location: Option<Location>,
    /// For `stated_total_mismatch` claimed in the prose: the paragraph (and page) of the sentence.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sentence: Option<ProseLocation>,
    /// The finding depends on a value read by OCR with low confidence.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub uncertain: bool,
    /// For `uncertain_value`: what OCR read and how sure it was.
    #[serde(flatten, skip_serializing_if = "Option::is_none", default)]
    pub read: Option<OcrRead>,
    /// For the rubric and evidence kinds: the citation the finding rests on, as written.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub citation: Option<String>,
    /// For `late_for_deadline`: the rubric's deadline, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub deadline: Option<String>,
}

/// The text OCR read for a value and its confidence (0–1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrRead {
    pub text: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub confidence: Decimal,
}

impl From<model::Finding> for Finding {
    fn from(f: model::Finding) -> Self {
        let basis = f.basis.unwrap_or_default();
        Finding {
            kind: f.kind,
            code: f.code,
            column: f.column.map(FindingColumn::Score).or(f.column_name.map(FindingColumn::Named)),
            label: f.label,
            stated: basis.dates.map(|(cited, _)| Value::date(cited)).or(f.stated.map(|d| Value::Number(d.normalize()))),
            recalculated: f.recalculated.map(|d| d.normalize()),
            expected: match (&basis.dates, basis.options.is_empty()) {
                (Some((_, report)), _) => Some(Value::date(*report)),
                (None, false) => Some(Value::Numbers(basis.options.clone())),
                (None, true) => f.expected.map(|d| Value::Number(d.normalize())),
            },
            severity: f.severity,
            message: f.message,
            location: f.location.as_ref().map(Location::from),
            sentence: f.sentence.map(|(paragraph, page)| ProseLocation { paragraph, page }),
            uncertain: f.uncertain,
            read: f.read.map(|r| OcrRead {
                text: r.text,
                confidence: crate::checks::uncertainty::confidence_fraction(r.confidence),
            }),
            citation: basis.citation,
            deadline: basis.deadline.map(|d| d.to_string()),
        }
    }
}
