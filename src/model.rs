//! The domain: what a scoring table holds and what checking it finds.
//!
//! These types are shared by the stages after extraction (table, tree, prose,
//! framework, check) and by the human reports. They are not the wire format:
//! [`crate::report`] turns them into the contract's JSON objects. The names
//! they serialize to *are* the contract's (`"max_points"`, `"no_table"`,
//! `"sum_mismatch"` …), so the wire types can hold them as they are.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::grid::Location;

mod cells;
mod rubric;

pub use cells::{CellField, CellLocation, CellLocations};
pub use rubric::{Basis, Citation, DocumentType, DueDate, DueYear, Evidence, Formula, Rubric, RubricLine};

/// A column of the scoring table that values and findings name: one of the
/// four score columns ([`Column::ALL`]), or the evidence column, which the
/// evidence findings name and which holds no score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    MaxPoints,
    SelfScore,
    AppraisalScore,
    LostPoints,
    Evidence,
}

impl Column {
    /// The score columns.
    pub const ALL: [Column; 4] = [Column::MaxPoints, Column::SelfScore, Column::AppraisalScore, Column::LostPoints];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The contract's name of the column.
    pub fn name(self) -> &'static str {
        match self {
            Column::MaxPoints => "max_points",
            Column::SelfScore => "self_score",
            Column::AppraisalScore => "appraisal_score",
            Column::LostPoints => "lost_points",
            Column::Evidence => "evidence",
        }
    }

    /// The column's name in the user's language.
    pub fn label(self) -> &'static str {
        match self {
            Column::MaxPoints => "điểm chuẩn",
            Column::SelfScore => "điểm tự đánh giá",
            Column::AppraisalScore => "điểm thẩm định",
            Column::LostPoints => "điểm bị mất",
            Column::Evidence => "tài liệu kiểm chứng",
        }
    }
}

/// Values of the four score columns on one row, indexed by [`Column::index`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scores(pub [Option<Decimal>; 4]);

impl Scores {
    /// The value in a score column (`None` for the evidence column).
    pub fn get(&self, col: Column) -> Option<Decimal> {
        self.0.get(col.index()).copied().flatten()
    }
    pub fn set(&mut self, col: Column, value: Option<Decimal>) {
        if let Some(slot) = self.0.get_mut(col.index()) {
            *slot = value;
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

/// How far a document could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    NoTable,
    Unsupported,
    Error,
}

/// Why a document could not be read before any reader ran (a path that
/// cannot be opened, a worker process that failed): the Vietnamese message
/// and, apart, the system's or library's own text for `error_detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub detail: Option<String>,
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

/// What kind of scoring table a document holds, by its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    SelfAssessment,
    Appraisal,
    Remediation,
    /// No scoring table, but statistics (prose or annex tables) were checked.
    Statistics,
}

impl TableKind {
    /// Remediation tables have lost points; self-assessment tables have self
    /// scores; tables with appraisal scores only are appraisal tables.
    pub fn of_columns(columns: &[Column]) -> TableKind {
        if columns.contains(&Column::LostPoints) {
            TableKind::Remediation
        } else if columns.contains(&Column::SelfScore) {
            TableKind::SelfAssessment
        } else if columns.contains(&Column::AppraisalScore) {
            TableKind::Appraisal
        } else {
            TableKind::SelfAssessment
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// The severity in the user's language.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "Lỗi",
            Severity::Warning => "Cảnh báo",
            Severity::Info => "Thông tin",
        }
    }
}

/// Every kind of finding parcheck raises: the seven the contract requires and
/// the additions. The serde name is the contract's `kind`; the label is what
/// people read in the human reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    SumMismatch,
    ExceedsMax,
    StatedTotalMismatch,
    LostPointsMismatch,
    MissingScore,
    MissingMax,
    DuplicateCode,
    UnknownCriterion,
    MissingCriterion,
    MaxDiffersFromFramework,
    RatingMismatch,
    CodeRepaired,
    UnreadableValue,
    ExtractionNote,
    UncertainValue,
    ScoreNotInRubric,
    MaxDiffersFromRubric,
    MissingEvidence,
    EvidenceAfterReport,
    EvidenceOutsidePeriod,
    LateForDeadline,
    TotalRowMismatch,
    ColumnFormulaMismatch,
    PartsMismatch,
    PercentMismatch,
}

impl FindingKind {
    pub const ALL: [FindingKind; 25] = [
        FindingKind::SumMismatch,
        FindingKind::ExceedsMax,
        FindingKind::StatedTotalMismatch,
        FindingKind::LostPointsMismatch,
        FindingKind::MissingScore,
        FindingKind::MissingMax,
        FindingKind::DuplicateCode,
        FindingKind::UnknownCriterion,
        FindingKind::MissingCriterion,
        FindingKind::MaxDiffersFromFramework,
        FindingKind::RatingMismatch,
        FindingKind::CodeRepaired,
        FindingKind::UnreadableValue,
        FindingKind::ExtractionNote,
        FindingKind::UncertainValue,
        FindingKind::ScoreNotInRubric,
        FindingKind::MaxDiffersFromRubric,
        FindingKind::MissingEvidence,
        FindingKind::EvidenceAfterReport,
        FindingKind::EvidenceOutsidePeriod,
        FindingKind::LateForDeadline,
        FindingKind::TotalRowMismatch,
        FindingKind::ColumnFormulaMismatch,
        FindingKind::PartsMismatch,
        FindingKind::PercentMismatch,
    ];

    /// The contract's name of the kind (`"sum_mismatch"` …).
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::SumMismatch => "sum_mismatch",
            FindingKind::ExceedsMax => "exceeds_max",
            FindingKind::StatedTotalMismatch => "stated_total_mismatch",
            FindingKind::LostPointsMismatch => "lost_points_mismatch",
            FindingKind::MissingScore => "missing_score",
            FindingKind::MissingMax => "missing_max",
            FindingKind::DuplicateCode => "duplicate_code",
            FindingKind::UnknownCriterion => "unknown_criterion",
            FindingKind::MissingCriterion => "missing_criterion",
            FindingKind::MaxDiffersFromFramework => "max_differs_from_framework",
            FindingKind::RatingMismatch => "rating_mismatch",
            FindingKind::CodeRepaired => "code_repaired",
            FindingKind::UnreadableValue => "unreadable_value",
            FindingKind::ExtractionNote => "extraction_note",
            FindingKind::UncertainValue => "uncertain_value",
            FindingKind::ScoreNotInRubric => "score_not_in_rubric",
            FindingKind::MaxDiffersFromRubric => "max_differs_from_rubric",
            FindingKind::MissingEvidence => "missing_evidence",
            FindingKind::EvidenceAfterReport => "evidence_after_report",
            FindingKind::EvidenceOutsidePeriod => "evidence_outside_period",
            FindingKind::LateForDeadline => "late_for_deadline",
            FindingKind::TotalRowMismatch => "total_row_mismatch",
            FindingKind::ColumnFormulaMismatch => "column_formula_mismatch",
            FindingKind::PartsMismatch => "parts_mismatch",
            FindingKind::PercentMismatch => "percent_mismatch",
        }
    }

    /// A short Vietnamese name for people.
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::SumMismatch => "Tổng không khớp",
            FindingKind::ExceedsMax => "Vượt điểm tối đa",
            FindingKind::StatedTotalMismatch => "Tổng điểm trong báo cáo không khớp",
            FindingKind::LostPointsMismatch => "Điểm bị mất không khớp",
            FindingKind::MissingScore => "Thiếu điểm",
            FindingKind::MissingMax => "Thiếu điểm tối đa",
            FindingKind::DuplicateCode => "Trùng mã tiêu chí",
            FindingKind::UnknownCriterion => "Tiêu chí không có trong bộ tiêu chí",
            FindingKind::MissingCriterion => "Thiếu tiêu chí của bộ tiêu chí",
            FindingKind::MaxDiffersFromFramework => "Điểm tối đa khác bộ tiêu chí",
            FindingKind::RatingMismatch => "Xếp loại không khớp điểm",
            FindingKind::CodeRepaired => "Mã tiêu chí ghi sai",
            FindingKind::UnreadableValue => "Ô điểm không đọc được",
            FindingKind::ExtractionNote => "Ghi chú khi đọc tệp",
            FindingKind::UncertainValue => "Giá trị nhận dạng chưa chắc chắn",
            FindingKind::ScoreNotInRubric => "Điểm không thuộc thang điểm",
            FindingKind::MaxDiffersFromRubric => "Điểm tối đa khác thang điểm",
            FindingKind::MissingEvidence => "Thiếu tài liệu kiểm chứng",
            FindingKind::EvidenceAfterReport => "Tài liệu kiểm chứng sau ngày báo cáo",
            FindingKind::EvidenceOutsidePeriod => "Tài liệu kiểm chứng ngoài kỳ đánh giá",
            FindingKind::LateForDeadline => "Ban hành sau thời hạn của thang điểm",
            FindingKind::TotalRowMismatch => "Dòng tổng không khớp",
            FindingKind::ColumnFormulaMismatch => "Cột tính sai theo công thức",
            FindingKind::PartsMismatch => "Các phần không khớp tổng",
            FindingKind::PercentMismatch => "Tỷ lệ phần trăm không khớp",
        }
    }

    /// One of the kinds about the rubric and evidence printed beside the
    /// scores: the human reports show them as a group of their own.
    pub fn is_rubric(self) -> bool {
        matches!(
            self,
            FindingKind::ScoreNotInRubric
                | FindingKind::MaxDiffersFromRubric
                | FindingKind::MissingEvidence
                | FindingKind::EvidenceAfterReport
                | FindingKind::EvidenceOutsidePeriod
                | FindingKind::LateForDeadline
        )
    }

    /// One of the kinds about statistics outside the scoring table (prose and
    /// annex tables): the human reports show them as a group of their own.
    pub fn is_statistics(self) -> bool {
        matches!(
            self,
            FindingKind::TotalRowMismatch
                | FindingKind::ColumnFormulaMismatch
                | FindingKind::PartsMismatch
                | FindingKind::PercentMismatch
        )
    }

    /// One of the seven kinds the contract requires (the others are additions).
    pub fn is_contract(self) -> bool {
        matches!(
            self,
            FindingKind::SumMismatch
                | FindingKind::ExceedsMax
                | FindingKind::StatedTotalMismatch
                | FindingKind::LostPointsMismatch
                | FindingKind::MissingScore
                | FindingKind::MissingMax
                | FindingKind::DuplicateCode
        )
    }
}

/// A discrepancy or note about one document, located where the document has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    /// The criterion code, `"TOTAL"` for the grand total, `None` for document-wide notes;
    /// for statistics, the total row's or the statement's label.
    pub code: Option<String>,
    pub column: Option<Column>,
    /// For statistics tables: the column's number and header ("(5) Toàn trình").
    pub column_name: Option<String>,
    /// For a percentage: the whole it is a share of.
    pub label: Option<String>,
    /// The value the document states.
    pub stated: Option<Decimal>,
    /// What the document's own numbers add up to.
    pub recalculated: Option<Decimal>,
    /// A bound or reference value (the max that was exceeded, the framework's max).
    pub expected: Option<Decimal>,
    pub severity: Severity,
    /// Vietnamese, naming the code and where it is.
    pub message: String,
    pub location: Option<Location>,
    /// The finding depends on a value read by OCR with low confidence.
    pub uncertain: bool,
    /// For `uncertain_value`: what OCR read and how sure it was.
    pub read: Option<OcrRead>,
    /// For the rubric and evidence kinds: what the finding rests on beyond its numbers.
    pub basis: Option<Basis>,
    /// For `stated_total_mismatch` read from the prose: the paragraph of the claim.
    pub sentence: Option<(usize, Option<u32>)>,
}

/// The text OCR read for a value and its confidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrRead {
    pub text: String,
    /// Tesseract's confidence in percent, 0–100.
    pub confidence: u8,
}

/// What confirmed a value read by OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// A second, independent reading of its cell agreed.
    SecondReading,
    /// The table's arithmetic balances with it (its parent's sum, `max − appraisal = lost`).
    Arithmetic,
}

impl Confirmation {
    pub fn name(self) -> &'static str {
        match self {
            Confirmation::SecondReading => "second_reading",
            Confirmation::Arithmetic => "arithmetic",
        }
    }
}

/// How the table's arithmetic put right a value OCR misread: the value is
/// not the text read, but the one text a relation of the table balances with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restoration {
    /// The decimal separator was lost: `85` for `8,5`, `5` for `0,5`.
    Separator,
    /// A digit at either end was lost: `4` for `14`, `12,570` for `12,5709`; or a
    /// one-digit decimal part with its separator: `2` for `2,5`.
    DroppedDigit,
    /// A mark at either end was read as one more digit: `15` for `5`.
    ExtraDigit,
}

impl Restoration {
    pub fn name(self) -> &'static str {
        match self {
            Restoration::Separator => "decimal_separator",
            Restoration::DroppedDigit => "dropped_digit",
            Restoration::ExtraDigit => "extra_digit",
        }
    }

    /// What OCR did to the value, in the user's words.
    pub fn label(self) -> &'static str {
        match self {
            Restoration::Separator => "mất dấu thập phân",
            Restoration::DroppedDigit => "mất một chữ số ở đầu hay cuối",
            Restoration::ExtraDigit => "thừa một chữ số ở đầu hay cuối",
        }
    }
}

/// How one value of a criterion was read from a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueReading {
    pub column: Column,
    pub read: OcrRead,
    /// `None`: nothing confirmed it, and no `error` finding rests on it.
    pub confirmed: Option<Confirmation>,
    /// Set when the value is not the text read but the table's arithmetic restored it.
    pub restored: Option<Restoration>,
}

impl Finding {
    /// A finding with no values attached; set them with struct update or fields.
    pub fn new(kind: FindingKind, severity: Severity, message: String) -> Self {
        Finding {
            kind,
            code: None,
            column: None,
            column_name: None,
            label: None,
            stated: None,
            recalculated: None,
            expected: None,
            severity,
            message,
            location: None,
            uncertain: false,
            read: None,
            basis: None,
            sentence: None,
        }
    }

    /// An `info` note about the document as a whole.
    pub fn note(kind: FindingKind, message: &str) -> Self {
        Finding::new(kind, Severity::Info, message.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_to_their_contract_names_and_have_vietnamese_labels() {
        for kind in FindingKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            let back: FindingKind = serde_json::from_str(&json).unwrap();
            assert_eq!(back, kind);
            assert!(!kind.label().contains('_'), "{kind:?} has no Vietnamese label");
        }
        let contract: Vec<&str> = FindingKind::ALL.iter().filter(|k| k.is_contract()).map(|k| k.name()).collect();
        assert_eq!(
            contract,
            [
                "sum_mismatch",
                "exceeds_max",
                "stated_total_mismatch",
                "lost_points_mismatch",
                "missing_score",
                "missing_max",
                "duplicate_code"
            ]
        );
    }

    #[test]
    fn the_schema_lists_exactly_the_kinds_raised() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../schemas/document.schema.json")).expect("schema JSON");
        let listed: Vec<&str> = schema["$defs"]["findingKind"]["enum"]
            .as_array()
            .expect("findingKind enum")
            .iter()
            .map(|k| k.as_str().expect("kind name"))
            .collect();
        let raised: Vec<&str> = FindingKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(listed, raised, "schemas/document.schema.json and docs/contract.md list every kind");
    }

    #[test]
    fn table_kind_follows_the_columns() {
        use Column::*;
        assert_eq!(TableKind::of_columns(&[MaxPoints, SelfScore, AppraisalScore]), TableKind::SelfAssessment);
        assert_eq!(TableKind::of_columns(&[MaxPoints, AppraisalScore]), TableKind::Appraisal);
        assert_eq!(TableKind::of_columns(&[MaxPoints, AppraisalScore, LostPoints]), TableKind::Remediation);
        assert_eq!(TableKind::of_columns(&[MaxPoints]), TableKind::SelfAssessment);
        for (column, name) in Column::ALL.iter().zip(["max_points", "self_score", "appraisal_score", "lost_points"]) {
            assert_eq!(serde_json::to_string(column).unwrap(), format!("\"{name}\""));
            assert_eq!(column.name(), name);
        }
    }
}
