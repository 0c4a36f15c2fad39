//! The compact JSON of one document's detail, embedded in the page and
//! turned into tables by the script when the document is opened: arrays, not
//! objects, to stay small; criterion titles stored once for the whole page.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::human::labels::{
    badge, code_label, column_heading, readable, readable_message, rubric_basis, status_label, table_kind_label,
};
use crate::human::Category;
use crate::model::FindingKind;
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
fn display_findings(findings: &[Finding]) -> Vec<Value> {
    let missing: Vec<&Finding> = findings.iter().filter(|f| f.kind == FindingKind::MissingCriterion).collect();
    let mut out = Vec::new();
    let mut grouped = false;
    for f in findings.iter().filter(|f| !f.kind.is_rubric()) {
        if f.kind == FindingKind::MissingCriterion && missing.len() > 1 {
            if !grouped {
                grouped = true;
                let codes: Vec<&str> = missing.iter().filter_map(|f| f.code.as_deref()).collect();
                let severity = missing.iter().map(|f| f.severity).max().unwrap_or(f.severity);
                out.push(json!([
                    severity.name(),
                    f.kind,
                    "",
                    null,
                    null,
                    null,
                    format!("Bảng thiếu {} tiêu chí của bộ tiêu chí: {}", codes.len(), codes.join(", ")),
                    ""
                ]));
            }
            continue;
        }
        out.push(json!([
            f.severity.name(),
            f.kind,
            f.code.as_deref().map(code_label).unwrap_or(""),
            f.column.as_ref().map(FindingColumn::name),
            shown(f.stated.as_ref()),
            f.recalculated.map_or_else(|| shown(f.expected.as_ref()), |r| num(Some(r))),
            readable_message(&f.message),
            place(f)
        ]));
    }
    out
}

/// The rubric and evidence findings, each with the rubric or citation it rests on.
fn rubric_findings(d: &DocumentReport) -> Vec<Value> {
    d.findings
        .iter()
        .filter(|f| f.kind.is_rubric())
        .map(|f| {
            json!([
                f.severity.name(),
                f.kind,
                f.code.as_deref().map(code_label).unwrap_or(""),
                f.column.as_ref().map(FindingColumn::name),
                shown(f.stated.as_ref()),
                shown(f.expected.as_ref()),
                readable_message(&f.message),
                rubric_basis(d, f),
                place(f)
            ])
        })
        .collect()
}

/// The compact detail of one document: arrays, not objects, to stay small.
pub(super) fn detail_json(d: &DocumentReport, titles: &mut Titles) -> Value {
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
        "f": display_findings(&d.findings),
        "g": rubric_findings(d),
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
        assert_eq!(lines[0][6], "Bảng thiếu 3 tiêu chí của bộ tiêu chí: 1.1, 2.3, 4");
        assert_eq!(lines[0][1], "missing_criterion");
        assert_eq!(truncated(&"a".repeat(200)).chars().count(), TITLE_CHARS + 1);
        assert_eq!(compact(Some(Decimal::new(12_9491, 4))).to_string(), "12.9491");
        assert_eq!(compact(Some(Decimal::new(1, 7))), "0,0000001");
        assert_eq!(compact(None), Value::Null);
    }
}
