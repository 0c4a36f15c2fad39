//! The contract's document object (`docs/contract.md`, v1; its JSON Schema is
//! `schemas/document.schema.json`): the wire
//! types and their assembly from the domain ([`crate::model`]). Nothing here
//! is read by an earlier stage; changing a domain type never changes the
//! output unless this module says so.
//!
//! Every number is a [`Decimal`] and is written to JSON as an exact number
//! (serde_json's `arbitrary_precision`), so `12,9491` in a cell is `12.9491`
//! in the output, never `12.949100000000001`.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::checks::Checked;
use crate::extract::ExtractError;
use crate::framework::Catalog;
use crate::grid;
use crate::model::{self, Column, FindingKind, Scores, Severity, Status, TableKind};
use crate::prose::ProseFacts;
use crate::table::ScoringTable;
use crate::tree::CriteriaTree;

mod cells;
mod extraction;
mod findings;
pub mod rubric;
mod statistics;

pub use cells::{CellRef, Cells};
pub use extraction::{ExtractionInfo, ScanInfo};
pub use findings::{Finding, FindingColumn, OcrRead};
pub use statistics::{ProseLocation, StatisticsEntry, StatisticsPart};

pub const CONTRACT_VERSION: u32 = 1;

/// Where a row is, as the contract writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub table: usize,
    pub row: usize,
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sheet: Option<String>,
}

impl Location {
    /// Where the row is, in the words of messages ([`grid::Location::describe`]).
    pub fn describe(&self) -> String {
        let location = grid::Location {
            table: self.table,
            row: self.row,
            page: self.page,
            sheet: self.sheet.as_deref().map(Arc::from),
        };
        location.describe()
    }
}

impl From<&grid::Location> for Location {
    fn from(l: &grid::Location) -> Self {
        Location { table: l.table, row: l.row, page: l.page, sheet: l.sheet.as_deref().map(str::to_owned) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    /// Base64 of the raw path bytes when the path is not valid UTF-8 (`path` is then lossy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<String>,
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
    /// The rubric printed in the criterion's rows, where it was read for certain.
    /// Boxed: most criteria have none, and a criterion no larger than the
    /// tree's node it is made from is made in that node's place (a big
    /// sheet's 20,000 criteria then take no fresh 7.7 MB).
    #[serde(default)]
    pub rubric: Option<Box<rubric::Rubric>>,
    /// The documents its evidence cells cite.
    #[serde(default)]
    pub evidence: Vec<rubric::Citation>,
    /// Where each of its values was read.
    #[serde(default)]
    pub cells: Cells,
    /// How each of its values was read by OCR, for scans.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ocr: BTreeMap<String, OcrValue>,
}

/// How OCR read one value (`criteria[].ocr`): what it read, how sure it was,
/// what confirmed it (`second_reading`, `arithmetic`, or `null`), and how the
/// table's arithmetic restored it when the value is not the text read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrValue {
    pub text: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub confidence: Decimal,
    pub confirmed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restored: Option<String>,
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
            Column::Evidence => None,
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
    /// `report_date` as an ISO date (`2018-11-26`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub report_date_iso: Option<String>,
    /// The rating band of the recalculated score in the matched catalog, next to `stated_rating`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub computed_rating: Option<String>,
    /// Why `computed_rating` is absent although a catalog matched (the table shows too little of it).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rating_note: Option<String>,
}

/// Findings of a document counted by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

/// One output object per input document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentReport {
    pub contract: u32,
    pub source: Source,
    pub status: Status,
    pub error: Option<String>,
    /// The technical text behind `error` (the failing library's words), apart
    /// from the Vietnamese message.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error_detail: Option<String>,
    pub table_kind: Option<TableKind>,
    pub unit: Option<String>,
    pub year: Option<i32>,
    /// The report's own date from its heading, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
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
    /// The findings by severity (set by [`DocumentReport::finish`]).
    #[serde(default)]
    pub summary: Summary,
    /// Unit, year and table kind, normalized: the same key for the .docx, .pdf
    /// and .xlsx copies of one report. `None` without a unit.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub report_key: Option<String>,
    /// Statements and annex tables checked outside the scoring table.
    #[serde(default)]
    pub statistics: Vec<StatisticsEntry>,
}

impl DocumentReport {
    /// The object as one line of JSON. The buffer is sized for the criteria
    /// up front: grown by doubling, a big sheet's 17 MB line was copied five
    /// times over into fresh memory.
    pub fn to_json(&self) -> serde_json::Result<String> {
        let estimate = 4096 + 1024 * (self.criteria.len() + self.findings.len() + self.statistics.len());
        let mut out = Vec::with_capacity(estimate);
        serde_json::to_writer(&mut out, self)?;
        // serde_json writes UTF-8 only.
        String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.utf8_error()))
    }

    /// An object for a document that could not be read as a scoring report.
    /// An `error` or `unsupported` message always says what the user can do.
    pub fn failed(source: Source, status: Status, message: String) -> Self {
        let message = match status {
            Status::Error if !crate::extract::has_action(&message) => {
                let kind = if message.contains("giới hạn") {
                    crate::extract::ErrorKind::LimitExceeded
                } else {
                    crate::extract::ErrorKind::Corrupt
                };
                format!("{message}; {}", crate::extract::action(kind, &message))
            }
            Status::Unsupported if !crate::extract::has_action(&message) => {
                format!("{message}; {}", crate::extract::action(crate::extract::ErrorKind::Unsupported, &message))
            }
            _ => message,
        };
        DocumentReport {
            contract: CONTRACT_VERSION,
            source,
            status,
            error: Some(message),
            error_detail: None,
            table_kind: None,
            unit: None,
            year: None,
            date: None,
            columns: Vec::new(),
            criteria: Vec::new(),
            totals: Totals::default(),
            findings: Vec::new(),
            metadata: Metadata::default(),
            extraction: None,
            tool_version: crate::TOOL_VERSION.to_owned(),
            summary: Summary::default(),
            report_key: None,
            statistics: Vec::new(),
        }
    }

    /// The same object with the failing library's or system's text in `error_detail`.
    pub fn with_detail(mut self, detail: Option<String>) -> Self {
        self.error_detail = detail;
        self
    }

    /// An object for a document that could not be read: its status and the
    /// Vietnamese message from the error, the library's text apart.
    pub fn from_error(source: Source, error: ExtractError) -> Self {
        let mut report = DocumentReport::failed(source, error.status(), error.message);
        report.error_detail = error.detail;
        report.add_notes(&error.notes);
        report.finish();
        report
    }

    /// The extractor's notes as `extraction_note` findings: a part of a
    /// document that was skipped is told whatever the document's status.
    pub fn add_notes(&mut self, notes: &[String]) {
        let notes = notes.iter().map(|note| model::Finding::note(FindingKind::ExtractionNote, note));
        self.findings.extend(notes.map(Finding::from));
    }

    /// The object for a document whose scoring table was read and checked;
    /// the table's titles and the tree's codes and citations move into it.
    pub fn assemble(
        source: Source,
        mut table: ScoringTable,
        tree: CriteriaTree,
        prose: ProseFacts,
        checked: Checked,
        catalog: Option<&Catalog>,
    ) -> Self {
        let table_totals = tree.total().map(|n| ColumnValues::from_scores(&n.values));
        let criteria = tree
            .nodes
            .into_iter()
            .zip(checked.readings.iter().map(Some).chain(std::iter::repeat(None)))
            .map(|(node, readings)| {
                let row = &mut table.rows[node.row];
                Criterion {
                    code: node.code,
                    parent: node.parent,
                    title: std::mem::take(&mut row.title),
                    max_points: node.values.get(Column::MaxPoints),
                    self_score: node.values.get(Column::SelfScore),
                    appraisal_score: node.values.get(Column::AppraisalScore),
                    lost_points: node.values.get(Column::LostPoints),
                    location: Location::from(&row.location),
                    rubric: node.rubric.as_ref().map(|r| Box::new(rubric::Rubric::new(r, prose.year))),
                    evidence: node.evidence.citations.into_iter().map(rubric::Citation::from).collect(),
                    cells: Cells::from(&node.cells),
                    ocr: readings
                        .into_iter()
                        .flatten()
                        .map(|r| {
                            let value = OcrValue {
                                text: r.read.text.clone(),
                                confidence: crate::checks::uncertainty::confidence_fraction(r.read.confidence),
                                confirmed: r.confirmed.map(|c| c.name().to_owned()),
                                restored: r.restored.map(|how| how.name().to_owned()),
                            };
                            (r.column.name().to_owned(), value)
                        })
                        .collect(),
                }
            })
            .collect();
        let recalculated = checked.recalculated;
        let totals = Totals {
            table: table_totals,
            stated: prose.stated_total.map(|(column, value)| {
                let mut scores = Scores::default();
                scores.set(column, Some(value));
                ColumnValues::from_scores(&scores)
            }),
            recalculated: (!recalculated.is_empty()).then(|| ColumnValues::from_scores(&recalculated)),
        };
        let missing = checked.findings.iter().filter(|f| f.kind == FindingKind::MissingCriterion).count();
        let rating_note = catalog.and_then(|catalog| crate::framework::rating_withheld(catalog, missing));
        let computed_rating = catalog.filter(|_| rating_note.is_none()).and_then(|catalog| {
            // The column the report's own total is about, as for `rating_mismatch`.
            let column = prose.stated_total.map(|(column, _)| column);
            let score = column
                .and_then(|c| recalculated.get(c))
                .or(recalculated.get(Column::SelfScore))
                .or(recalculated.get(Column::AppraisalScore))?;
            let band = crate::framework::rating_band(catalog, score, recalculated.get(Column::MaxPoints)?)?;
            Some(band.label.clone())
        });
        let report_date_iso = prose.report_date.as_deref().and_then(iso_date);
        let mut report = DocumentReport {
            contract: CONTRACT_VERSION,
            source,
            status: Status::Ok,
            error: None,
            error_detail: None,
            table_kind: Some(table.kind),
            unit: prose.unit,
            year: prose.year,
            date: prose.date.map(|d| d.to_string()),
            columns: table.columns,
            criteria,
            totals,
            findings: checked.findings.into_iter().map(Finding::from).collect(),
            extraction: None,
            metadata: Metadata {
                unit_level: prose.unit_level,
                report_number: prose.report_number,
                report_date: prose.report_date,
                stated_rating: prose.rating,
                framework: catalog.map(|c| c.id.clone()),
                report_date_iso,
                computed_rating,
                rating_note,
            },
            tool_version: crate::TOOL_VERSION.to_owned(),
            summary: Summary::default(),
            report_key: None,
            statistics: Vec::new(),
        };
        report.finish();
        report
    }

    /// Adds what was read and found outside the scoring table. A document
    /// without a scoring table whose statistics were read is `ok` with
    /// `table_kind: "statistics"`; a scoring table's kind is kept.
    pub fn add_statistics(&mut self, statistics: &crate::statistics::Statistics, findings: Vec<model::Finding>) {
        if statistics.is_empty() {
            return;
        }
        if self.status == Status::NoTable {
            self.status = Status::Ok;
            self.error = None;
            self.table_kind = Some(TableKind::Statistics);
        }
        self.statistics = statistics::entries(statistics);
        self.findings.extend(findings.into_iter().map(Finding::from));
        self.finish();
    }

    /// Fills the fields derived from the others (`summary`, `report_key`), once
    /// the findings are complete.
    pub fn finish(&mut self) {
        self.summary = Summary {
            errors: self.count(Severity::Error),
            warnings: self.count(Severity::Warning),
            infos: self.count(Severity::Info),
        };
        self.report_key = report_key(self.unit.as_deref(), self.year, self.table_kind);
    }

    /// Counts findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}

/// "ubnd-xa-quang-hop|2021|self_assessment": the unit folded to ASCII words
/// joined by `-` (case, diacritics and punctuation ignored), year and table kind.
pub fn report_key(unit: Option<&str>, year: Option<i32>, kind: Option<TableKind>) -> Option<String> {
    let folded = crate::text::fold(unit?);
    let words: Vec<&str> = folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return None;
    }
    let kind = match kind {
        Some(TableKind::SelfAssessment) => "self_assessment",
        Some(TableKind::Appraisal) => "appraisal",
        Some(TableKind::Remediation) => "remediation",
        Some(TableKind::Statistics) => "statistics",
        None => "",
    };
    Some(format!("{}|{}|{kind}", words.join("-"), year.map(|y| y.to_string()).unwrap_or_default()))
}

/// A decimal as an exact JSON number, normalized (`100.00` is written `100`),
/// never through a float.
pub(crate) struct ExactNumber(pub Decimal);

impl Serialize for ExactNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0.normalize();
        // Most scores are whole: written as the integer, without the text parsed back.
        if let Some(n) = (d.scale() == 0).then(|| i64::try_from(d.mantissa()).ok()).flatten() {
            return s.serialize_i64(n);
        }
        let number: serde_json::Number = crate::number::decimal_text(d).parse().map_err(serde::ser::Error::custom)?;
        number.serialize(s)
    }
}

/// Serializes `Option<Decimal>` as an [`ExactNumber`] (or null).
mod opt_decimal {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        value.map(super::ExactNumber).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let number: Option<serde_json::Number> = Option::deserialize(d)?;
        number.map(|n| n.to_string().parse::<Decimal>().map_err(serde::de::Error::custom)).transpose()
    }
}

/// "26/11/2018" → "2018-11-26"; `None` for a date that does not exist.
fn iso_date(text: &str) -> Option<String> {
    let mut parts = text.split('/').map(|p| p.trim().parse::<u32>().ok());
    let (d, m, y) = (parts.next()??, parts.next()??, parts.next()??);
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d).map(|date| date.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_dates() {
        assert_eq!(super::iso_date("26/11/2018").as_deref(), Some("2018-11-26"));
        assert_eq!(super::iso_date("31/02/2021"), None);
        assert_eq!(super::iso_date("xx/11/2018"), None);
    }

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
        let exact = |text: &str| serde_json::to_string(&ExactNumber(Decimal::from_str(text).unwrap())).unwrap();
        for (text, json) in [("-0.00", "0"), ("-3.0", "-3"), ("1e3", "1000"), ("0.50", "0.5"), ("-0.25", "-0.25")] {
            assert_eq!(exact(text), json, "{text}");
        }
        // Past i64 a whole number is still written exactly.
        assert_eq!(exact("79228162514264337593543950335"), "79228162514264337593543950335");
        let back: ColumnValues = serde_json::from_str(r#"{"self_score":0.1}"#).unwrap();
        assert_eq!(back.self_score, Some(Decimal::from_str("0.1").unwrap()));
    }

    /// `assemble` makes each criterion in the place of the tree node it is
    /// made from only while a criterion is no larger than a node.
    #[test]
    fn a_criterion_fits_in_its_node() {
        assert!(std::mem::size_of::<Criterion>() <= std::mem::size_of::<crate::tree::Node>());
        assert_eq!(std::mem::align_of::<Criterion>(), std::mem::align_of::<crate::tree::Node>());
    }

    #[test]
    fn report_keys_group_copies() {
        let a = report_key(Some("UBND xã Quảng Hợp"), Some(2021), Some(TableKind::SelfAssessment));
        assert_eq!(a.as_deref(), Some("ubnd-xa-quang-hop|2021|self_assessment"));
        let b = report_key(Some("  ubnd XÃ quảng hợp. "), Some(2021), Some(TableKind::SelfAssessment));
        assert_eq!(a, b);
        assert_ne!(a, report_key(Some("UBND xã Quảng Hợp"), Some(2021), Some(TableKind::Appraisal)));
        assert_eq!(report_key(None, Some(2021), None), None);
    }
}
