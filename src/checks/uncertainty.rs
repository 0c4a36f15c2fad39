//! Uncertainty of values read from scans, reported not hidden (part of the
//! checking stage): a score read by OCR below the confidence threshold gives
//! an `uncertain_value` note, and an arithmetic finding that depends on such
//! a value becomes a warning marked `uncertain`, since the scan, not the
//! report, may be wrong; so does a rubric or evidence finding that rests on
//! such a value or on rubric or evidence text read with low confidence. The
//! table reader keeps, per row, the score cells read by OCR with their
//! confidence ([`crate::table::ScannedValue`]), and the tree the lowest
//! confidence of each criterion's rubric and evidence texts.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::Facts;
use crate::model::{Column, Finding, FindingKind, OcrRead, Severity};
use crate::number::format_vi;
use crate::tree::TOTAL;

/// Findings whose numbers come from the table's values.
const ARITHMETIC: [FindingKind; 4] = [
    FindingKind::SumMismatch,
    FindingKind::ExceedsMax,
    FindingKind::LostPointsMismatch,
    FindingKind::StatedTotalMismatch,
];

/// The `uncertain_value` notes of a document read by OCR, and the arithmetic
/// findings that depend on them turned into warnings.
pub fn mark_uncertain(findings: &mut Vec<Finding>, facts: &Facts) {
    let (table, tree, threshold) = (facts.table, facts.tree, facts.options.ocr_min_confidence);
    // (table row, column) → confidence of the value read there.
    let mut uncertain: HashMap<(usize, Column), u8> = HashMap::new();
    let mut notes = Vec::new();
    for (index, row) in table.rows.iter().enumerate() {
        for read in row.scanned.iter().filter(|r| f32::from(r.confidence) < threshold) {
            let (column, text, confidence) = (read.column, read.text.as_str(), read.confidence);
            let Some(value) = row.values.get(column) else { continue };
            uncertain.insert((index, column), confidence);
            let what = row.code.as_deref().map_or("Dòng".to_owned(), |c| format!("Tiêu chí {c}"));
            let message = format!(
                "{what} ({}): {} đọc từ bản quét là \"{text}\" ({}) với độ tin cậy {confidence}%, cần đối chiếu bản gốc",
                row.location.describe(),
                column.label(),
                format_vi(value),
            );
            notes.push(Finding {
                code: row.code.clone(),
                column: Some(column),
                stated: Some(value),
                location: Some(row.location.clone()),
                uncertain: true,
                read: Some(OcrRead { text: text.to_owned(), confidence: confidence.min(100) }),
                ..Finding::new(FindingKind::UncertainValue, Severity::Info, message)
            });
        }
    }
    let doubtful = |confidence: Option<u8>| confidence.is_some_and(|c| f32::from(c) < threshold);
    for finding in findings.iter_mut().filter(|f| f.kind.is_rubric()) {
        let Some(node) = tree.nodes.iter().find(|n| Some(n.code.as_str()) == finding.code.as_deref()) else { continue };
        // The criterion's rows: its own up to the next numbered row (its scores may sit on an option row).
        let end = tree.nodes.iter().map(|n| n.row).filter(|&r| r > node.row).min().unwrap_or(table.rows.len());
        let columns: &[Column] = match finding.kind {
            FindingKind::MaxDiffersFromRubric => &[Column::MaxPoints],
            FindingKind::MissingEvidence => &[Column::SelfScore],
            _ => finding.column.as_slice(),
        };
        let value = (node.row..end).any(|r| columns.iter().any(|c| uncertain.contains_key(&(r, *c))));
        let rubric = !matches!(
            finding.kind,
            FindingKind::MissingEvidence | FindingKind::EvidenceAfterReport | FindingKind::EvidenceOutsidePeriod
        ) && doubtful(node.rubric_confidence);
        let evidence = matches!(
            finding.kind,
            FindingKind::EvidenceAfterReport | FindingKind::EvidenceOutsidePeriod | FindingKind::LateForDeadline
        ) && doubtful(node.evidence.confidence);
        if value || rubric || evidence {
            mark(finding);
        }
    }
    if uncertain.is_empty() {
        findings.extend(notes);
        return;
    }
    for finding in findings.iter_mut().filter(|f| ARITHMETIC.contains(&f.kind)) {
        let Some(column) = finding.column else { continue };
        let columns: &[Column] =
            if finding.kind == FindingKind::ExceedsMax { &[column, Column::MaxPoints] } else { &[column] };
        let depends = match finding.code.as_deref() {
            Some(TOTAL) => uncertain.keys().any(|(_, c)| *c == column),
            Some(code) => tree.nodes.iter().filter(|n| n.code == code).any(|node| {
                let rows = std::iter::once(node.row)
                    .chain(node.children.iter().filter_map(|&i| tree.nodes.get(i)).map(|n| n.row));
                rows.into_iter().any(|r| columns.iter().any(|c| uncertain.contains_key(&(r, *c))))
            }),
            None => false,
        };
        if depends {
            mark(finding);
        }
    }
    findings.extend(notes);
}

/// A finding that rests on a doubtful OCR reading: uncertain, and at most a warning.
fn mark(finding: &mut Finding) {
    finding.uncertain = true;
    if finding.severity == Severity::Error {
        finding.severity = Severity::Warning;
    }
    finding.message.push_str(" (giá trị đọc từ bản quét bằng OCR, không chắc chắn)");
}

/// A confidence in percent as the contract writes it, a fraction 0–1.
pub fn confidence_fraction(percent: u8) -> Decimal {
    Decimal::new(i64::from(percent.min(100)), 2)
}
