//! The rubric and the evidence a report prints beside each score
//! (`docs/contract.md`, "Rubric and evidence"): a score the rubric does not
//! allow, a maximum other than the rubric's highest value, points claimed
//! with no evidence, cited documents dated after the report, outside the
//! assessment period or after the rubric's deadline. The rules read only what
//! the tree kept as certain (a rubric is kept only when every line of it was
//! read) and change no arithmetic finding or total.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::arithmetic::subject;
use super::Facts;
use crate::model::{Basis, Citation, Column, DocumentType, Finding, FindingKind, Rubric, Severity};
use crate::number::format_vi;
use crate::table::RowKind;
use crate::tree::Node;

/// The columns a rubric scores.
const SCORES: [Column; 2] = [Column::SelfScore, Column::AppraisalScore];

/// Characters of a rubric line or citation quoted in a message.
const QUOTED_CHARS: usize = 90;

pub fn check(facts: &Facts) -> Vec<Finding> {
    let mut rules = Rules { facts, findings: Vec::new(), seen: HashSet::new() };
    let criteria: Vec<&Node> = facts.tree.nodes.iter().filter(|n| n.kind == RowKind::Criterion).collect();
    for node in &criteria {
        if let Some(rubric) = &node.rubric {
            rules.against_rubric(node, rubric);
            rules.deadline(node, rubric);
        }
    }
    rules.missing_evidence(&criteria);
    for node in &criteria {
        rules.citation_dates(node);
    }
    rules.findings
}

struct Rules<'a> {
    facts: &'a Facts<'a>,
    findings: Vec<Finding>,
    /// (kind, code, column) already reported: one finding per triple.
    seen: HashSet<(FindingKind, String, Column)>,
}

impl Rules<'_> {
    fn add(&mut self, node: &Node, column: Column, finding: Finding) {
        if self.seen.insert((finding.kind, node.code.clone(), column)) {
            let location = self.facts.table.rows[node.row].location.clone();
            self.findings.push(Finding {
                code: Some(node.code.clone()),
                column: Some(column),
                location: Some(location),
                ..finding
            });
        }
    }

    fn subject(&self, node: &Node) -> String {
        subject(node, &self.facts.table.rows[node.row].location)
    }

    /// `score_not_in_rubric` and `max_differs_from_rubric`. Lines that add up
    /// to the maximum are a checklist, not alternatives: an appraiser sums
    /// them, and so no score or maximum is held against them.
    fn against_rubric(&mut self, node: &Node, rubric: &Rubric) {
        let max = node.values.get(Column::MaxPoints);
        let checklist = match max {
            Some(max) => rubric.is_checklist(max),
            // Without a maximum a checklist cannot be told from alternatives.
            None => rubric.formula.is_none() && rubric.lines.iter().filter(|l| !l.value.is_zero()).count() >= 2,
        };
        if checklist {
            return;
        }
        let options = rubric.options();
        if rubric.formula.is_none() && !options.is_empty() {
            for column in SCORES {
                let Some(score) = node.values.get(column) else { continue };
                if options.contains(&score.normalize()) {
                    continue;
                }
                let message = format!(
                    "{}: {} {} điểm không phải một mức của thang điểm ({}); mức cao nhất: \"{}\"",
                    self.subject(node),
                    column.label(),
                    format_vi(score),
                    list_vi(&options),
                    quoted(&top_line(rubric)),
                );
                let basis = Basis { options: options.clone(), ..Basis::default() };
                let finding = Finding {
                    stated: Some(score),
                    basis: Some(basis),
                    ..Finding::new(FindingKind::ScoreNotInRubric, Severity::Warning, message)
                };
                self.add(node, column, finding);
            }
        }
        if let (Some(max), Some(highest)) = (max, rubric.highest()) {
            if max != highest {
                let message = format!(
                    "{}: điểm chuẩn {} nhưng thang điểm cho tối đa {}: \"{}\"",
                    self.subject(node),
                    format_vi(max),
                    format_vi(highest),
                    quoted(&top_line(rubric)),
                );
                let finding = Finding {
                    stated: Some(max),
                    expected: Some(highest),
                    ..Finding::new(FindingKind::MaxDiffersFromRubric, Severity::Warning, message)
                };
                self.add(node, Column::MaxPoints, finding);
            }
        }
    }

    /// `late_for_deadline`: the timely (highest) option claimed while the
    /// earliest plan or decision cited is dated after the rubric's deadline.
    fn deadline(&mut self, node: &Node, rubric: &Rubric) {
        let (Some(due), Some(year)) = (rubric.due, self.facts.prose.year) else { return };
        let Some(deadline) = due.in_year(year) else { return };
        let options = rubric.options();
        let (Some(&timely), Some(lower)) = (options.last(), options.last().and_then(|&t| rubric.next_below(t))) else {
            return;
        };
        let earliest = node
            .evidence
            .citations
            .iter()
            .filter(|c| matches!(c.kind, DocumentType::Plan | DocumentType::Decision))
            .filter_map(|c| Some((c.date?, c)))
            .min_by_key(|(date, _)| *date);
        let Some((_, citation)) = earliest.filter(|(date, _)| *date > deadline) else { return };
        for column in SCORES {
            if node.values.get(column).map(|v| v.normalize()) != Some(timely) {
                continue;
            }
            let message = format!(
                "{}: {} {} điểm ({}) nhưng {} ban hành sau hạn {}; theo thang điểm chỉ được {}",
                self.subject(node),
                column.label(),
                format_vi(timely),
                quoted(&option_label(rubric, timely)),
                quoted(&citation.text),
                date_vi(deadline),
                format_vi(lower),
            );
            let basis = Basis { citation: Some(citation.text.clone()), deadline: Some(deadline), ..Basis::default() };
            let finding = Finding {
                stated: Some(timely),
                expected: Some(lower),
                basis: Some(basis),
                ..Finding::new(FindingKind::LateForDeadline, Severity::Warning, message)
            };
            self.add(node, column, finding);
        }
    }

    /// `missing_evidence`: a scored leaf whose rows have no evidence at all, in
    /// a table whose evidence column is in use (a column left empty throughout
    /// is a template's, not the unit's list of evidence).
    fn missing_evidence(&mut self, criteria: &[&Node]) {
        if !self.facts.table.rows.iter().filter_map(|r| r.evidence.as_ref()).any(|c| !c.text.is_empty()) {
            return;
        }
        let scored = |n: &&&Node| n.is_leaf() && n.values.get(Column::SelfScore).is_some_and(|v| v > Decimal::ZERO);
        for node in criteria.iter().filter(scored).filter(|n| !n.evidence.present && !n.evidence.unsure) {
            let score = node.values.get(Column::SelfScore).unwrap_or_default();
            let message = format!(
                "{}: tự đánh giá {} điểm nhưng không có tài liệu kiểm chứng",
                self.subject(node),
                format_vi(score)
            );
            let finding = Finding {
                stated: Some(score),
                ..Finding::new(FindingKind::MissingEvidence, Severity::Warning, message)
            };
            self.add(node, Column::Evidence, finding);
        }
    }

    /// `evidence_after_report` and `evidence_outside_period`, on the first
    /// citation of the criterion that shows each.
    fn citation_dates(&mut self, node: &Node) {
        let (report, year) = (self.facts.prose.date, self.facts.prose.year);
        let dated: Vec<(NaiveDate, &Citation)> =
            node.evidence.citations.iter().filter_map(|c| Some((c.date?, c))).collect();
        if let Some(report) = report {
            // A two-digit year read after the report may be a slip (`20` for `21`): silence.
            if let Some((date, citation)) = dated.iter().find(|(date, c)| *date > report && !c.short_year) {
                let message = format!(
                    "{}: {} ghi ngày {}, sau ngày của báo cáo ({})",
                    self.subject(node),
                    quoted(&citation.text),
                    date_vi(*date),
                    date_vi(report)
                );
                let basis =
                    Basis { dates: Some((*date, report)), citation: Some(citation.text.clone()), ..Basis::default() };
                let finding = Finding {
                    basis: Some(basis),
                    ..Finding::new(FindingKind::EvidenceAfterReport, Severity::Error, message)
                };
                self.add(node, Column::Evidence, finding);
            }
        }
        let Some(year) = year else { return };
        let outside = |date: &NaiveDate| date.year() <= year - 2 || (report.is_none() && date.year() >= year + 2);
        if let Some((date, citation)) = dated.iter().find(|(date, _)| outside(date)) {
            let side = if date.year() < year { "trước" } else { "sau" };
            let message = format!(
                "{}: {} ban hành năm {}, {} năm đánh giá {} từ hai năm trở lên",
                self.subject(node),
                quoted(&citation.text),
                date.year(),
                side,
                year
            );
            let basis = Basis { citation: Some(citation.text.clone()), ..Basis::default() };
            let finding = Finding {
                stated: Some(Decimal::from(date.year())),
                expected: Some(Decimal::from(year)),
                basis: Some(basis),
                ..Finding::new(FindingKind::EvidenceOutsidePeriod, Severity::Warning, message)
            };
            self.add(node, Column::Evidence, finding);
        }
    }
}

/// The line of the rubric's highest value, or its formula when that is higher.
fn top_line(rubric: &Rubric) -> String {
    let best = rubric.lines.iter().max_by_key(|l| l.value);
    match (best, rubric.formula) {
        (Some(line), Some(f)) if line.value >= f.coefficient => line.text.clone(),
        (_, Some(f)) => format!("theo công thức [Tỷ lệ % × {} / 100]", format_vi(f.coefficient)),
        (Some(line), None) => line.text.clone(),
        (None, None) => String::new(),
    }
}

/// What the option giving `value` says, without its value: "Ban hành kịp thời".
fn option_label(rubric: &Rubric, value: Decimal) -> String {
    let line = rubric.line_of(value).map_or("", |l| l.text.as_str());
    // Written value first (`1 điểm: Ban hành kịp thời`): the label is what follows.
    if line.starts_with(|c: char| c.is_ascii_digit()) {
        if let Some(at) = line.find([':', '–', '-']) {
            return line[at..].trim_start_matches([':', '–', '-', ' ']).trim().to_owned();
        }
    }
    let cut = [" thì ", " Thì ", " THÌ "].iter().find_map(|w| line.find(w)).or_else(|| line.rfind(':'));
    let cut = cut.unwrap_or(line.len());
    line[..cut].trim_start_matches(['-', '+', '•', ' ']).trim().to_owned()
}

/// A text shortened for a message.
fn quoted(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// `0; 0,25; 0,5`
fn list_vi(values: &[Decimal]) -> String {
    values.iter().map(|v| format_vi(*v)).collect::<Vec<_>>().join("; ")
}

/// `15/01/2021`
fn date_vi(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

#[cfg(test)]
mod tests;
