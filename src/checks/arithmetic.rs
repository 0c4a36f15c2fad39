//! The contract's arithmetic rules on the criteria tree, in exact decimals:
//! `sum_mismatch`, `exceeds_max`, `stated_total_mismatch`,
//! `lost_points_mismatch`, `missing_score`, `missing_max`, `duplicate_code`.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::Facts;
use crate::config::{Deadline, TimeLimit};
use crate::grid::Location;
use crate::model::{Column, Finding, FindingKind, Scores, Severity, TableKind};
use crate::number::format_vi;
use crate::prose::TextPlace;
use crate::table::ScoringTable;
use crate::tree::{CriteriaTree, Node};

/// Runs the arithmetic rules in the contract's order; stops with
/// [`TimeLimit`] once `deadline` has passed (checked between rules).
pub fn check(facts: &Facts, deadline: &Deadline) -> Result<Vec<Finding>, TimeLimit> {
    let mut checker = Checker {
        table: facts.table,
        tree: facts.tree,
        tolerance: facts.options.tolerance,
        findings: Vec::new(),
        seen: HashSet::new(),
    };
    checker.sum_mismatches();
    deadline.check()?;
    checker.exceeding_max();
    if let Some((column, stated)) = facts.prose.stated_total {
        checker.stated_total(column, stated, &facts.recalculated, facts.prose.stated_total_at.as_ref());
    }
    checker.lost_points();
    deadline.check()?;
    checker.missing_values();
    deadline.check()?;
    checker.duplicate_codes();
    deadline.check()?;
    Ok(checker.findings)
}

/// A sum that cannot overflow: `None` past Decimal's range (the parser already
/// refuses absurd magnitudes; this keeps any other caller from panicking).
fn checked_sum(mut values: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    values.try_fold(Decimal::ZERO, Decimal::checked_add)
}

/// The sum of the leaves per column; `None` where no leaf has a value.
pub fn recalculate(tree: &CriteriaTree) -> Scores {
    let mut sums = Scores::default();
    for column in Column::ALL {
        let mut values = tree.leaves().filter_map(|n| n.values.get(column)).peekable();
        if values.peek().is_some() {
            sums.set(column, checked_sum(values));
        }
    }
    sums
}

/// "Tiêu chí 3.3 (bảng 4, dòng 45)" — how a message names a row.
pub(super) fn subject(node: &Node, location: &Location) -> String {
    let what = match node.code.as_str() {
        "TOTAL" => "Dòng tổng điểm".to_owned(),
        code if code.chars().all(|c| c.is_ascii_uppercase()) => format!("Nhóm {code}"),
        code => format!("Tiêu chí {code}"),
    };
    format!("{what} ({})", location.describe())
}

struct Checker<'a> {
    table: &'a ScoringTable,
    tree: &'a CriteriaTree,
    tolerance: Decimal,
    findings: Vec<Finding>,
    /// (kind, code, column) already reported: one finding per triple.
    seen: HashSet<(FindingKind, String, Option<Column>)>,
}

struct Draft {
    kind: FindingKind,
    column: Option<Column>,
    stated: Option<Decimal>,
    recalculated: Option<Decimal>,
    expected: Option<Decimal>,
    severity: Severity,
    message: String,
}

/// One constructor per kind: each rule states only what differs.
impl Draft {
    fn bare(kind: FindingKind, column: Option<Column>, severity: Severity, message: String) -> Draft {
        Draft { kind, column, stated: None, recalculated: None, expected: None, severity, message }
    }

    /// A parent's stated value is not the sum of its children.
    fn sum_mismatch(column: Column, stated: Decimal, sum: Decimal, message: String) -> Draft {
        Draft {
            stated: Some(stated),
            recalculated: Some(sum),
            ..Self::bare(FindingKind::SumMismatch, Some(column), Severity::Error, message)
        }
    }

    /// A score above the row's maximum.
    fn exceeds_max(column: Column, value: Decimal, max: Decimal, message: String) -> Draft {
        Draft {
            stated: Some(value),
            expected: Some(max),
            ..Self::bare(FindingKind::ExceedsMax, Some(column), Severity::Error, message)
        }
    }

    /// Lost points that are not maximum minus appraisal.
    fn lost_points_mismatch(lost: Decimal, expected: Decimal, message: String) -> Draft {
        let kind = FindingKind::LostPointsMismatch;
        Draft {
            stated: Some(lost),
            recalculated: Some(expected),
            ..Self::bare(kind, Some(Column::LostPoints), Severity::Error, message)
        }
    }

    fn missing_score(column: Column, message: String) -> Draft {
        Self::bare(FindingKind::MissingScore, Some(column), Severity::Warning, message)
    }

    fn missing_max(message: String) -> Draft {
        Self::bare(FindingKind::MissingMax, Some(Column::MaxPoints), Severity::Warning, message)
    }

    fn duplicate_code(message: String) -> Draft {
        Self::bare(FindingKind::DuplicateCode, None, Severity::Warning, message)
    }
}

impl Checker<'_> {
    fn location(&self, node: &Node) -> &Location {
        &self.table.rows[node.row].location
    }

    fn add(&mut self, node: &Node, draft: Draft) {
        let key = (draft.kind, node.code.clone(), draft.column);
        if !self.seen.insert(key) {
            return;
        }
        self.findings.push(Finding {
            kind: draft.kind,
            code: Some(node.code.clone()),
            column: draft.column,
            column_name: None,
            label: None,
            stated: draft.stated,
            recalculated: draft.recalculated,
            expected: draft.expected,
            severity: draft.severity,
            message: draft.message,
            location: Some(self.location(node).clone()),
            uncertain: false,
            read: None,
            basis: None,
            sentence: None,
        });
    }

    fn differs(&self, a: Decimal, b: Decimal) -> bool {
        // A difference too large to represent is certainly a difference.
        a.checked_sub(b).is_none_or(|d| d.abs() > self.tolerance)
    }

    /// A parent's stated value against the sum of its children as written.
    fn sum_mismatches(&mut self) {
        let columns: &[Column] =
            if self.table.kind == TableKind::Remediation { &[Column::LostPoints] } else { &Column::ALL };
        for node in &self.tree.nodes {
            if node.children.is_empty() {
                continue;
            }
            for &column in columns {
                let Some(stated) = node.values.get(column) else { continue };
                let mut child_values =
                    node.children.iter().filter_map(|&c| self.tree.nodes[c].values.get(column)).peekable();
                if child_values.peek().is_none() {
                    continue;
                }
                let Some(sum) = checked_sum(child_values) else { continue };
                if self.differs(stated, sum) {
                    let children_word = match node.code.as_str() {
                        "TOTAL" => "các nhóm, lĩnh vực",
                        code if code.chars().all(|c| c.is_ascii_uppercase()) => "các lĩnh vực trong nhóm",
                        _ => "các tiêu chí con",
                    };
                    let message = format!(
                        "{}: {} ghi {} nhưng tổng {} là {}",
                        subject(node, self.location(node)),
                        column.label(),
                        format_vi(stated),
                        children_word,
                        format_vi(sum)
                    );
                    self.add(node, Draft::sum_mismatch(column, stated, sum, message));
                }
            }
        }
    }

    fn exceeding_max(&mut self) {
        for node in &self.tree.nodes {
            let Some(max) = node.values.get(Column::MaxPoints) else { continue };
            for column in [Column::SelfScore, Column::AppraisalScore] {
                match node.values.get(column) {
                    Some(value) if value > max => {
                        let message = format!(
                            "{}: {} {} vượt điểm chuẩn {}",
                            subject(node, self.location(node)),
                            column.label(),
                            format_vi(value),
                            format_vi(max)
                        );
                        self.add(node, Draft::exceeds_max(column, value, max, message));
                    }
                    _ => {}
                }
            }
        }
    }

    fn stated_total(&mut self, column: Column, stated: Decimal, recalculated: &Scores, at: Option<&TextPlace>) {
        let Some(sum) = recalculated.get(column) else { return };
        if !self.differs(stated, sum) {
            return;
        }
        let code = crate::tree::TOTAL.to_owned();
        if !self.seen.insert((FindingKind::StatedTotalMismatch, code.clone(), Some(column))) {
            return;
        }
        // The claim's own place: the paragraph, or the row of the table laying out the cover letter.
        let (location, sentence) = match at {
            Some(&TextPlace::Paragraph { paragraph, page }) => (None, Some((paragraph, page))),
            Some(TextPlace::Row(location)) => (Some(location.clone()), None),
            None => (self.tree.total().map(|n| self.location(n).clone()), None),
        };
        self.findings.push(Finding {
            kind: FindingKind::StatedTotalMismatch,
            code: Some(code),
            column: Some(column),
            column_name: None,
            label: None,
            stated: Some(stated),
            recalculated: Some(sum),
            expected: None,
            severity: Severity::Error,
            message: format!(
                "Báo cáo ghi tổng {} là {} điểm nhưng tổng các tiêu chí trong bảng là {} điểm",
                column.label(),
                format_vi(stated),
                format_vi(sum)
            ),
            location,
            uncertain: false,
            read: None,
            basis: None,
            sentence,
        });
    }

    fn lost_points(&mut self) {
        for node in &self.tree.nodes {
            let v = |c| node.values.get(c);
            let (Some(max), Some(appraisal), Some(lost)) =
                (v(Column::MaxPoints), v(Column::AppraisalScore), v(Column::LostPoints))
            else {
                continue;
            };
            let Some(expected) = max.checked_sub(appraisal) else { continue };
            if self.differs(lost, expected) {
                let message = format!(
                    "{}: điểm bị mất ghi {} nhưng điểm chuẩn {} trừ điểm thẩm định {} là {}",
                    subject(node, self.location(node)),
                    format_vi(lost),
                    format_vi(max),
                    format_vi(appraisal),
                    format_vi(expected)
                );
                self.add(node, Draft::lost_points_mismatch(lost, expected, message));
            }
        }
    }

    /// Leaves with a max but no score in a column the table fills elsewhere,
    /// and leaves with a score but no max.
    fn missing_values(&mut self) {
        let score_columns = [Column::SelfScore, Column::AppraisalScore, Column::LostPoints];
        let mut required: Vec<Column> = score_columns
            .into_iter()
            .filter(|c| self.table.columns.contains(c) && self.tree.nodes.iter().any(|n| n.values.get(*c).is_some()))
            .collect();
        // A self-assessment table with no self score at all is missing every one.
        if self.table.kind == TableKind::SelfAssessment
            && self.table.columns.contains(&Column::SelfScore)
            && !required.contains(&Column::SelfScore)
        {
            required.insert(0, Column::SelfScore);
        }
        let leaves: Vec<&Node> = self.tree.leaves().collect();
        for node in leaves {
            if node.values.get(Column::MaxPoints).is_some() {
                for &column in &required {
                    if node.values.get(column).is_none() {
                        let message = format!(
                            "{}: có điểm chuẩn nhưng thiếu {}",
                            subject(node, self.location(node)),
                            column.label()
                        );
                        self.add(node, Draft::missing_score(column, message));
                    }
                }
            } else if [Column::SelfScore, Column::AppraisalScore].iter().any(|c| node.values.get(*c).is_some()) {
                let message =
                    format!("{}: có điểm chấm nhưng không ghi điểm chuẩn", subject(node, self.location(node)));
                self.add(node, Draft::missing_max(message));
            }
        }
    }

    fn duplicate_codes(&mut self) {
        // Codes counted first: the rows of a code given twice are gathered only
        // then (a list for every code was an allocation a row).
        let mut counts: HashMap<&str, usize> = HashMap::with_capacity(self.tree.nodes.len());
        for node in &self.tree.nodes {
            *counts.entry(node.code.as_str()).or_default() += 1;
        }
        let mut rows_by_code: HashMap<&str, Vec<&Node>> = HashMap::new();
        for node in self.tree.nodes.iter().filter(|n| counts[n.code.as_str()] >= 2) {
            rows_by_code.entry(node.code.as_str()).or_default().push(node);
        }
        let tree = self.tree;
        for node in &tree.nodes {
            let Some(same) = rows_by_code.get(node.code.as_str()) else { continue };
            if !std::ptr::eq(same[0], node) {
                continue;
            }
            let places: Vec<String> = same.iter().map(|n| self.location(n).describe()).collect();
            let message = format!("Mã {} xuất hiện {} lần: {}", node.code, same.len(), places.join("; "));
            self.add(node, Draft::duplicate_code(message));
        }
    }
}

#[cfg(test)]
mod tests;
