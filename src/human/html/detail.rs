//! The compact JSON of one document's detail, embedded in the page and
//! turned into tables by the script when the document is opened: arrays, not
//! objects, to stay small; criterion titles stored once for the whole page.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::human::labels::{
    badge, code_label, column_heading, readable, readable_message, rubric_basis, status_label, table_kind_label,
};
use crate::human::visual::crops::FindingCrop;
use crate::human::visual::{focus, place as cell_place, svg};
use crate::human::Category;
use crate::model::{CellField, FindingKind};
use crate::number::format_vi;
use crate::report::{self, DocumentReport, Finding, FindingColumn};

/// Longest criterion title kept in the embedded JSON; the rest is rubric text.
const TITLE_CHARS: usize = 160;

/// Criterion titles are mostly the official framework's, repeated in every
/// document: the page stores each distinct title once and rows refer to it.
#[derive(Default)]
pub(super) struct Titles {
    index: HashMap<String, usize>,
    pub(super) list: Vec<String>,
}

impl Titles {
    fn id(&mut self, title: &str) -> usize {
        let title = truncated(title);
        if let Some(&id) = self.index.get(&title) {
            return id;
        }
        self.list.push(title.clone());
        self.index.insert(title, self.list.len() - 1);
        self.list.len() - 1
    }
}

pub(super) fn num(value: Option<Decimal>) -> Value {
    value.map_or(Value::Null, |v| Value::String(format_vi(v)))
}

/// A table cell's value as a bare JSON number (the script writes it with a
/// decimal comma): two quotes less per cell of every table, a fifth of a
/// large report. Only where JavaScript prints the same digits back (no more
/// than 15 significant, no exponent); otherwise the text as shown.
fn compact(value: Option<Decimal>) -> Value {
    let Some(value) = value.map(|v| v.normalize()) else { return Value::Null };
    let text = value.to_string();
    let plain = text.len() <= 15 && (value.is_zero() || value.abs() >= Decimal::new(1, 6));
    match text.parse::<serde_json::Number>() {
        Ok(number) if plain => Value::Number(number),
        _ => Value::String(format_vi(value)),
    }
}

/// A finding's `stated` or `expected` as shown: `0,5`, `0; 0,5`, `2021-12-31`.
fn shown(value: Option<&report::rubric::Value>) -> Value {
    value.map_or(Value::Null, |v| Value::String(v.display()))
}

fn truncated(title: &str) -> String {
    match title.char_indices().nth(TITLE_CHARS) {
        Some((cut, _)) => format!("{}…", &title[..cut]),
        None => title.to_owned(),
    }
}

/// Findings as people read them: Vietnamese labels, catalog names, and all
/// `missing_criterion` of the document in one line listing the codes. The
/// rubric and evidence findings are a group of their own ([`rubric_findings`]).
/// Each line comes with the index of its finding, if it is one finding.
fn display_findings(findings: &[Finding]) -> Vec<(Value, Option<usize>)> {
    let missing: Vec<&Finding> = findings.iter().filter(|f| f.kind == FindingKind::MissingCriterion).collect();
    let mut out = Vec::new();
    let mut grouped = false;
    for (index, f) in findings.iter().enumerate().filter(|(_, f)| !f.kind.is_rubric()) {
        if f.kind == FindingKind::MissingCriterion && missing.len() > 1 {
            if !grouped {
                grouped = true;
                let codes: Vec<&str> = missing.iter().filter_map(|f| f.code.as_deref()).collect();
                let severity = missing.iter().map(|f| f.severity).max().unwrap_or(f.severity);
                let line = json!([
                    severity.name(),
                    f.kind,
                    "",
                    null,
                    null,
                    null,
                    format!("Bảng thiếu {} tiêu chí của bộ tiêu chí: {}", codes.len(), codes.join(", ")),
                    ""
                ]);
                out.push((line, None));
            }
            continue;
        }
        let line = json!([
            f.severity.name(),
            f.kind,
            f.code.as_deref().map(code_label).unwrap_or(""),
            f.column.as_ref().map(FindingColumn::name),
            shown(f.stated.as_ref()),
            f.recalculated.map_or_else(|| shown(f.expected.as_ref()), |r| num(Some(r))),
            readable_message(&f.message),
            place(f)
        ]);
        out.push((line, Some(index)));
    }
    out
}

/// The rubric and evidence findings, each with the rubric or citation it rests on.
fn rubric_findings(d: &DocumentReport) -> Vec<(Value, Option<usize>)> {
    d.findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind.is_rubric())
        .map(|(index, f)| {
            let line = json!([
                f.severity.name(),
                f.kind,
                f.code.as_deref().map(code_label).unwrap_or(""),
                f.column.as_ref().map(FindingColumn::name),
                shown(f.stated.as_ref()),
                shown(f.expected.as_ref()),
                readable_message(&f.message),
                rubric_basis(d, f),
                place(f)
            ]);
            (line, Some(index))
        })
        .collect()
}

/// The column of a cell among the detail's columns: a score column's
/// index, -1 for the code, -2 for the title.
fn column_index(d: &DocumentReport, field: CellField) -> i64 {
    match field {
        CellField::Code => -1,
        CellField::Title => -2,
        _ => d.columns.iter().position(|c| CellField::of(*c) == field).map_or(-1, |i| i as i64),
    }
}

/// What a finding opens: its criteria rows (indexes into the detail's rows),
/// its cells highlighted with where each was read, and the page region drawn
/// (a PDF) or the crop of the page image (a scan: [crop number, width,
/// height, the cells' boxes in its pixels]). `null` for a finding about no row.
fn view(d: &DocumentReport, index: usize, crops: &[FindingCrop]) -> Value {
    let Some(focus) = focus(d, &d.findings[index]) else { return Value::Null };
    let marks: Vec<Value> =
        focus.cells(d).map(|(row, field, at)| json!([row, column_index(d, field), cell_place(at)])).collect();
    // Rows whose cells were not located are still shown, their cells marked by column.
    let unlocated: Vec<Value> = focus
        .rows
        .iter()
        .flat_map(|&row| focus.fields.iter().map(move |&field| (row, field)))
        .filter(|&(row, field)| d.criteria[row].cells.get(field).is_none())
        .map(|(row, field)| json!([row, column_index(d, field), ""]))
        .collect();
    let crop = crops.iter().enumerate().find_map(|(k, c)| Some((k, c, c.marks(index)?)));
    let drawing = match crop {
        Some(_) => Value::Null,
        None => svg::region(d, &focus).map_or(Value::Null, Value::String),
    };
    let crop = crop.map_or(Value::Null, |(k, c, marks)| json!([k, c.crop.width, c.crop.height, marks, c.crop.page]));
    json!([focus.rows, marks.into_iter().chain(unlocated).collect::<Vec<_>>(), drawing, crop])
}

/// The compact detail of one document: arrays, not objects, to stay small.
/// `crops` are the document's crops, written beside its JSON.
pub(super) fn detail_json(d: &DocumentReport, titles: &mut Titles, crops: &[FindingCrop]) -> Value {
    let columns: Vec<&str> = d.columns.iter().map(|c| column_heading(*c)).collect();
    let totals: Vec<Value> = [
        ("Báo cáo ghi", &d.totals.stated),
        ("Dòng tổng của bảng", &d.totals.table),
        ("Tính lại", &d.totals.recalculated),
    ]
    .into_iter()
    .filter_map(|(label, values)| {
        let values = values.as_ref()?;
        Some(json!([label, d.columns.iter().map(|c| num(values.get(*c))).collect::<Vec<_>>()]))
    })
    .collect();
    let rows: Vec<Value> = d
        .criteria
        .iter()
        .map(|c| {
            let scores = c.scores();
            let values: Vec<Value> = d.columns.iter().map(|col| compact(scores.get(*col))).collect();
            // Word tables seldom know their page: the row then ends at its row number.
            match c.location.page {
                Some(page) => json!([code_label(&c.code), titles.id(&c.title), values, c.location.row, page]),
                None => json!([code_label(&c.code), titles.id(&c.title), values, c.location.row]),
            }
        })
        .collect();
    // Flagged cells: [row index, column index or -1 for the whole row, severity].
    let mut marks = Vec::new();
    for f in &d.findings {
        let Some(code) = f.code.as_deref() else { continue };
        let column = f
            .column
            .as_ref()
            .and_then(FindingColumn::score)
            .and_then(|col| d.columns.iter().position(|c| *c == col))
            .map_or(-1, |i| i as i64);
        for (i, _) in d.criteria.iter().enumerate().filter(|(_, c)| c.code == code) {
            marks.push(json!([i, column, f.severity.name()]));
        }
    }
    let mut meta = Vec::new();
    if let Some(kind) = d.table_kind {
        meta.push(format!("Loại bảng: {}", table_kind_label(kind)));
    }
    if let Some(number) = &d.metadata.report_number {
        meta.push(format!("Số báo cáo: {number}"));
    }
    if let Some(date) = &d.metadata.report_date {
        meta.push(format!("Ngày: {date}"));
    }
    meta.push(format!("Định dạng: {}", d.source.format));
    if let Some(note) = &d.metadata.rating_note {
        meta.push(note.clone());
    }
    let (lines, rubric) = (display_findings(&d.findings), rubric_findings(d));
    let views = |lines: &[(Value, Option<usize>)]| -> Vec<Value> {
        lines.iter().map(|(_, index)| index.map_or(Value::Null, |i| view(d, i, crops))).collect()
    };
    json!({
        "p": d.source.path,
        "u": d.unit,
        "s": status_label(d.status),
        "b": [Category::of(d).name(), badge(d)],
        "ok": readable(d.status),
        "e": d.error,
        "m": meta,
        "c": columns,
        "t": totals,
        "r": rows,
        "k": marks,
        "f": lines.iter().map(|(line, _)| line).collect::<Vec<_>>(),
        "g": rubric.iter().map(|(line, _)| line).collect::<Vec<_>>(),
        // What each finding opens, beside `f` and `g`.
        "v": views(&lines),
        "w": views(&rubric),
    })
}

/// Where a finding is, in the reports' words: the sentence of a claim in the
/// prose ("câu ở đoạn 7, trang 1"), else the row.
pub fn place(f: &Finding) -> String {
    match (&f.sentence, &f.location) {
        (Some(sentence), _) => format!("câu ở {}", sentence.describe()),
        (None, Some(location)) => location.describe(),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    #[test]
    fn missing_criteria_are_one_line() {
        let missing = |code: &str| Finding {
            kind: FindingKind::MissingCriterion,
            code: Some(code.into()),
            column: None,
            label: None,
            stated: None,
            recalculated: None,
            expected: None,
            severity: Severity::Warning,
            message: format!("Tiêu chí {code} thiếu"),
            location: None,
            sentence: None,
            uncertain: false,
            read: None,
            citation: None,
            deadline: None,
        };
        let lines = display_findings(&[missing("1.1"), missing("2.3"), missing("4")]);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].0[6], "Bảng thiếu 3 tiêu chí của bộ tiêu chí: 1.1, 2.3, 4");
        assert_eq!((&lines[0].0[1], lines[0].1), (&json!("missing_criterion"), None));
        assert_eq!(truncated(&"a".repeat(200)).chars().count(), TITLE_CHARS + 1);
        assert_eq!(compact(Some(Decimal::new(12_9491, 4))).to_string(), "12.9491");
        assert_eq!(compact(Some(Decimal::new(1, 7))), "0,0000001");
        assert_eq!(compact(None), Value::Null);
    }
}
