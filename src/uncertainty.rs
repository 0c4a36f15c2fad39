//! Uncertainty of values read from scans, reported not hidden (part of the
//! checking stage): a score read by OCR below the confidence threshold gives
//! an `uncertain_value` note, and an arithmetic finding that depends on such
//! a value becomes a warning marked `uncertain`, since the scan, not the
//! report, may be wrong. The confidence of each word travels in its run's
//! font name ([`crate::ocr::confidence_of`]).

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::grid::{Document, Row};
use crate::model::{Column, Finding, FindingKind, OcrRead, Severity};
use crate::number::{format_vi, parse_score};
use crate::ocr::confidence_of;
use crate::table::ScoringTable;
use crate::tree::{CriteriaTree, TOTAL};

/// Findings whose numbers come from the table's values.
const ARITHMETIC: [FindingKind; 4] = [
    FindingKind::SumMismatch,
    FindingKind::ExceedsMax,
    FindingKind::LostPointsMismatch,
    FindingKind::StatedTotalMismatch,
];

/// Lowest OCR confidence among the runs of each cell of a row, with the cell's text.
fn cell_confidences(row: &Row) -> impl Iterator<Item = (&str, f32)> {
    row.cells.iter().filter_map(|cell| {
        let lowest = cell.runs.iter().filter_map(|r| r.font.as_deref().and_then(confidence_of)).reduce(f32::min)?;
        Some((cell.text.as_str(), lowest))
    })
}

/// The `uncertain_value` notes of a document read by OCR, and the arithmetic
/// findings that depend on them turned into warnings.
pub fn mark_uncertain(
    findings: &mut Vec<Finding>,
    document: &Document,
    table: &ScoringTable,
    tree: &CriteriaTree,
    threshold: f32,
) {
    if document.extraction.as_ref().is_none_or(|e| e.ocr_pages == 0) {
        return;
    }
    // (table row, column) → confidence of the value read there.
    let mut uncertain: HashMap<(usize, Column), f32> = HashMap::new();
    let mut notes = Vec::new();
    for (index, row) in table.rows.iter().enumerate() {
        let grid_row = document
            .tables
            .get(row.location.table.wrapping_sub(1))
            .and_then(|t| t.rows.iter().find(|r| r.location == row.location));
        let Some(grid_row) = grid_row else { continue };
        for (text, confidence) in cell_confidences(grid_row) {
            let Some(value) = parse_score(text).filter(|_| confidence < threshold) else { continue };
            let Some(&column) = table
                .columns
                .iter()
                .find(|&&c| row.values.get(c) == Some(value) && !uncertain.contains_key(&(index, c)))
            else {
                continue;
            };
            uncertain.insert((index, column), confidence);
            let what = row.code.as_deref().map_or("Dòng".to_owned(), |c| format!("Tiêu chí {c}"));
            let message = format!(
                "{what} ({}): {} đọc từ bản quét là \"{}\" ({}) với độ tin cậy {:.0}%, cần đối chiếu bản gốc",
                row.location.describe(),
                column.label(),
                text.trim(),
                format_vi(value),
                confidence
            );
            notes.push(Finding {
                code: row.code.clone(),
                column: Some(column),
                stated: Some(value),
                location: Some(row.location.clone()),
                uncertain: true,
                read: Some(OcrRead {
                    text: text.trim().to_owned(),
                    confidence: confidence.clamp(0.0, 100.0).round() as u8,
                }),
                ..Finding::new(FindingKind::UncertainValue, Severity::Info, message)
            });
        }
    }
    if uncertain.is_empty() {
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
            finding.uncertain = true;
            if finding.severity == Severity::Error {
                finding.severity = Severity::Warning;
            }
            finding.message.push_str(" (giá trị đọc từ bản quét bằng OCR, không chắc chắn)");
        }
    }
    findings.extend(notes);
}

/// A confidence in percent as the contract writes it, a fraction 0–1.
pub fn confidence_fraction(percent: u8) -> Decimal {
    Decimal::new(i64::from(percent.min(100)), 2)
}
