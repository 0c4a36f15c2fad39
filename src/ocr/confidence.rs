//! Uncertainty of values read from scans, reported not hidden: a score read
//! by OCR below the confidence threshold gives an `uncertain_value` note, and
//! an arithmetic finding that depends on such a value is a warning marked
//! `uncertain`, since the scan, not the report, may be wrong.

use std::collections::HashMap;

use super::confidence_of;
use crate::grid::{Document, Row};
use crate::number::parse_score;
use crate::report::{Column, ExtractionInfo, Finding, OcrRead, Severity};
use crate::table::{describe_location, ScoringTable};
use crate::tree::CriteriaTree;
use rust_decimal::Decimal;

/// Findings whose numbers come from the table's values.
const ARITHMETIC: [&str; 4] = ["sum_mismatch", "exceeds_max", "lost_points_mismatch", "stated_total_mismatch"];

/// The contract's `extraction` object, for documents with scanned pages.
pub fn extraction_info(document: &Document) -> Option<ExtractionInfo> {
    let e = document.extraction.as_ref()?;
    Some(ExtractionInfo { method: e.method().to_owned(), ocr_engine: e.engine.clone(), ocr_pages: e.ocr_pages })
}

/// Lowest OCR confidence among the runs of each cell of a row, with the cell's text.
fn cell_confidences(row: &Row) -> Vec<(String, f32)> {
    row.cells
        .iter()
        .filter_map(|cell| {
            let lowest = cell.runs.iter().filter_map(|r| r.font.as_deref().and_then(confidence_of)).reduce(f32::min)?;
            Some((cell.text.clone(), lowest))
        })
        .collect()
}

/// Adds `uncertain_value` notes and turns the arithmetic findings that depend
/// on an uncertain value into warnings.
pub fn mark_uncertain(
    findings: &mut Vec<Finding>,
    document: &Document,
    table: &ScoringTable,
    tree: &CriteriaTree,
    threshold: f32,
) {
    if document.extraction.as_ref().map_or(true, |e| e.ocr_pages == 0) {
        return;
    }
    // (table row, column) → confidence of the value read there.
    let mut uncertain: HashMap<(usize, Column), f32> = HashMap::new();
    let mut notes = Vec::new();
    for (index, row) in table.rows.iter().enumerate() {
        let Some(grid_row) = document
            .tables
            .get(row.location.table.wrapping_sub(1))
            .and_then(|t| t.rows.iter().find(|r| r.location == row.location))
        else {
            continue;
        };
        for (text, confidence) in cell_confidences(grid_row) {
            let Some(value) = parse_score(&text).filter(|_| confidence < threshold) else { continue };
            for &column in &table.columns {
                if row.values.get(column) != Some(value) || uncertain.contains_key(&(index, column)) {
                    continue;
                }
                uncertain.insert((index, column), confidence);
                let what = row.code.as_deref().map_or("Dòng".to_owned(), |c| format!("Tiêu chí {c}"));
                notes.push(Finding {
                    kind: "uncertain_value".into(),
                    code: row.code.clone(),
                    column: Some(column),
                    stated: Some(value.normalize()),
                    recalculated: None,
                    expected: None,
                    severity: Severity::Info,
                    message: format!(
                        "{what} ({}): {} đọc từ bản quét là \"{}\" với độ tin cậy {:.0}%, cần đối chiếu bản gốc",
                        describe_location(&row.location),
                        column.label(),
                        text.trim(),
                        confidence
                    ),
                    location: Some(row.location.clone()),
                    uncertain: true,
                    read: Some(OcrRead {
                        text: text.trim().to_owned(),
                        confidence: Decimal::new(confidence.round() as i64, 2),
                    }),
                });
                break;
            }
        }
    }
    if uncertain.is_empty() {
        return;
    }
    for finding in findings.iter_mut().filter(|f| ARITHMETIC.contains(&f.kind.as_str())) {
        let Some(column) = finding.column else { continue };
        let depends = match finding.code.as_deref() {
            Some(crate::tree::TOTAL) => uncertain.keys().any(|(_, c)| *c == column),
            Some(code) => tree.nodes.iter().filter(|n| n.code == code).any(|node| {
                let rows = std::iter::once(node.row)
                    .chain(node.children.iter().filter_map(|&i| tree.nodes.get(i)).map(|n| n.row));
                let columns: &[Column] =
                    if finding.kind == "exceeds_max" { &[column, Column::MaxPoints] } else { &[column] };
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
