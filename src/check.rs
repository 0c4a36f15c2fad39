//! The checking stage: the contract's findings computed on the criteria tree
//! in exact decimals, the reading notes, and the framework's findings when
//! the table follows a catalog. Produces domain [`Finding`]s; the document
//! object is assembled by [`crate::report`].

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use crate::config::{Deadline, Options, TimeLimit};
use crate::framework::Catalog;
use crate::grid::{Document, Location};
use crate::model::{Column, Finding, FindingKind, Scores, Severity, TableKind};
use crate::number::format_vi;
use crate::prose::ProseFacts;
use crate::table::ScoringTable;
use crate::tree::{CriteriaTree, Node};

/// What the checking stage found on one document.
#[derive(Debug, Default)]
pub struct Checked {
    /// Every finding, in the order the rules run: the contract's arithmetic
    /// rules, notes from reading, then the framework's.
    pub findings: Vec<Finding>,
    /// The sum of the leaves per column ([`recalculate`]).
    pub recalculated: Scores,
}

/// Runs every rule on the criteria tree; `catalog` is the framework the table
/// follows, when one was chosen ([`crate::framework::choose`]). Stops with
/// [`TimeLimit`] once `deadline` has passed (checked between rules).
pub fn check(
    table: &ScoringTable,
    tree: &CriteriaTree,
    prose: &ProseFacts,
    document: &Document,
    catalog: Option<&Catalog>,
    options: &Options,
    deadline: &Deadline,
) -> Result<Checked, TimeLimit> {
    deadline.check()?;
    let recalculated = recalculate(tree);
    let mut checker = Checker { table, tree, tolerance: options.tolerance, findings: Vec::new(), seen: HashSet::new() };
    checker.sum_mismatches();
    deadline.check()?;
    checker.exceeding_max();
    if let Some((column, stated)) = prose.stated_total {
        checker.stated_total(column, stated, &recalculated);
    }
    checker.lost_points();
    deadline.check()?;
    checker.missing_values();
    deadline.check()?;
    checker.duplicate_codes();
    deadline.check()?;
    let mut findings = checker.findings;
    findings.extend(table.notes.iter().map(|note| Finding::note(FindingKind::UnreadableValue, note)));
    findings.extend(document.notes.iter().map(|note| Finding::note(FindingKind::ExtractionNote, note)));
    if let Some(catalog) = catalog {
        findings.extend(crate::framework::check_with(catalog, table, tree, prose, &recalculated));
    }
    crate::uncertainty::mark_uncertain(&mut findings, table, tree, options.ocr_min_confidence);
    Ok(Checked { findings, recalculated })
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
fn subject(node: &Node, location: &Location) -> String {
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
            stated: draft.stated,
            recalculated: draft.recalculated,
            expected: draft.expected,
            severity: draft.severity,
            message: draft.message,
            location: Some(self.location(node).clone()),
            uncertain: false,
            read: None,
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

    fn stated_total(&mut self, column: Column, stated: Decimal, recalculated: &Scores) {
        let Some(sum) = recalculated.get(column) else { return };
        if !self.differs(stated, sum) {
            return;
        }
        let code = crate::tree::TOTAL.to_owned();
        if !self.seen.insert((FindingKind::StatedTotalMismatch, code.clone(), Some(column))) {
            return;
        }
        let location = self.tree.total().map(|n| self.location(n).clone());
        self.findings.push(Finding {
            kind: FindingKind::StatedTotalMismatch,
            code: Some(code),
            column: Some(column),
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
        let mut rows_by_code: HashMap<&str, Vec<&Node>> = HashMap::new();
        for node in &self.tree.nodes {
            rows_by_code.entry(node.code.as_str()).or_default().push(node);
        }
        let tree = self.tree;
        for node in &tree.nodes {
            let same = &rows_by_code[node.code.as_str()];
            if same.len() < 2 || !std::ptr::eq(same[0], node) {
                continue;
            }
            let places: Vec<String> = same.iter().map(|n| self.location(n).describe()).collect();
            let message = format!("Mã {} xuất hiện {} lần: {}", node.code, same.len(), places.join("; "));
            self.add(node, Draft::duplicate_code(message));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::table::{RowKind, TableRow};
    use crate::tree;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// A row with values for (max, self, appraisal, lost), `None` where the cell is empty.
    fn row(kind: RowKind, code: &str, values: [Option<&str>; 4], line: usize) -> TableRow {
        TableRow {
            kind,
            code: (!code.is_empty()).then(|| code.to_owned()),
            title: format!("tiêu chí {code}"),
            values: Scores(values.map(|v| v.map(d))),
            location: Location { table: 2, row: line, page: Some(3), sheet: None },
            scanned: Vec::new(),
        }
    }

    fn crit(code: &str, max: Option<&str>, own: Option<&str>, line: usize) -> TableRow {
        row(RowKind::Criterion, code, [max, own, None, None], line)
    }

    fn table(kind: TableKind, columns: &[Column], rows: Vec<TableRow>) -> ScoringTable {
        ScoringTable { kind, columns: columns.to_vec(), rows, notes: vec![] }
    }

    fn self_table(rows: Vec<TableRow>) -> ScoringTable {
        table(TableKind::SelfAssessment, &[Column::MaxPoints, Column::SelfScore], rows)
    }

    fn run_with(t: &ScoringTable, prose: &ProseFacts, tolerance: &str) -> Checked {
        let tree = tree::build(t, &Deadline::none()).unwrap();
        let options = Options { tolerance: d(tolerance), ..Options::default() };
        check(t, &tree, prose, &Document::default(), None, &options, &Deadline::none()).unwrap()
    }

    fn run(t: &ScoringTable) -> Checked {
        run_with(t, &ProseFacts::default(), "0.005")
    }

    fn kinds(checked: &Checked) -> Vec<(FindingKind, Option<&str>, Option<Column>)> {
        checked.findings.iter().map(|f| (f.kind, f.code.as_deref(), f.column)).collect()
    }

    #[test]
    fn sum_mismatch_is_raised_past_the_tolerance_and_not_at_it() {
        let make = |parent: &str| {
            self_table(vec![
                crit("1", Some("2"), Some(parent), 1),
                crit("1.1", Some("1"), Some("0.5"), 2),
                crit("1.2", Some("1"), Some("0.5"), 3),
            ])
        };
        // exactly at the tolerance: no finding; one step past it: a finding.
        assert!(run(&make("1.005")).findings.is_empty());
        assert!(run(&make("0.995")).findings.is_empty());
        let over = run(&make("1.0051"));
        assert_eq!(kinds(&over), vec![(FindingKind::SumMismatch, Some("1"), Some(Column::SelfScore))]);
        let f = &over.findings[0];
        assert_eq!((f.stated, f.recalculated, f.severity), (Some(d("1.0051")), Some(d("1.0")), Severity::Error));
        assert_eq!(
            f.message,
            "Tiêu chí 1 (bảng 2, dòng 1, trang 3): điểm tự đánh giá ghi 1,0051 nhưng tổng các tiêu chí con là 1"
        );
        assert_eq!(f.location.as_ref().map(|l| l.row), Some(1));
        // A wider tolerance swallows it.
        assert!(run_with(&make("1.0051"), &ProseFacts::default(), "0.01").findings.is_empty());
    }

    #[test]
    fn sum_mismatch_flags_only_the_direct_parent_and_skips_empty_children() {
        let t = self_table(vec![
            crit("1", Some("3"), Some("3"), 1),
            crit("1.1", Some("3"), Some("3"), 2),
            crit("1.1.1", Some("1"), Some("1"), 3),
            crit("1.1.2", Some("1"), Some("1"), 4),
            crit("1.1.3", Some("1"), Some("0.5"), 5),
            crit("2", Some("1"), Some("1"), 6),
            crit("2.1", Some("1"), None, 7),
        ]);
        let checked = run(&t);
        // 1.1 is wrong (2,5 ≠ 3); 1 sums its child 1.1 as written (3 = 3); 2's only child has no self score.
        assert_eq!(
            kinds(&checked),
            vec![
                (FindingKind::SumMismatch, Some("1.1"), Some(Column::SelfScore)),
                (FindingKind::MissingScore, Some("2.1"), Some(Column::SelfScore)),
            ]
        );
    }

    #[test]
    fn roman_groups_and_the_total_are_summed_with_their_own_words() {
        let t = self_table(vec![
            row(RowKind::Roman, "I", [Some("2"), Some("2"), None, None], 1),
            crit("1", Some("1"), Some("1"), 2),
            crit("2", Some("1"), Some("0.5"), 3),
            row(RowKind::Total, "TOTAL", [Some("2"), Some("1"), None, None], 4),
        ]);
        let checked = run(&t);
        assert_eq!(
            kinds(&checked),
            vec![
                (FindingKind::SumMismatch, Some("I"), Some(Column::SelfScore)),
                (FindingKind::SumMismatch, Some("TOTAL"), Some(Column::SelfScore)),
            ]
        );
        assert_eq!(
            checked.findings[0].message,
            "Nhóm I (bảng 2, dòng 1, trang 3): điểm tự đánh giá ghi 2 nhưng tổng các lĩnh vực trong nhóm là 1,5"
        );
        assert_eq!(
            checked.findings[1].message,
            "Dòng tổng điểm (bảng 2, dòng 4, trang 3): điểm tự đánh giá ghi 1 nhưng tổng các nhóm, lĩnh vực là 2"
        );
        // TOTAL's children are the parentless rows: only I.
        assert_eq!(checked.recalculated.get(Column::SelfScore), Some(d("1.5")));
        assert_eq!(checked.recalculated.get(Column::MaxPoints), Some(d("2")));
        assert_eq!(checked.recalculated.get(Column::AppraisalScore), None);
    }

    #[test]
    fn remediation_tables_sum_only_lost_points() {
        let columns = [Column::MaxPoints, Column::AppraisalScore, Column::LostPoints];
        // values are (max, self, appraisal, lost): 2 loses 0,5 by its own row but 1 by its child.
        let t = table(
            TableKind::Remediation,
            &columns,
            vec![
                row(RowKind::Criterion, "2", [Some("5.5"), None, Some("4.5"), Some("0.5")], 1),
                row(RowKind::Criterion, "2.1", [Some("1"), None, Some("0"), Some("1")], 2),
            ],
        );
        let checked = run(&t);
        assert_eq!(
            kinds(&checked),
            vec![
                (FindingKind::SumMismatch, Some("2"), Some(Column::LostPoints)),
                (FindingKind::LostPointsMismatch, Some("2"), Some(Column::LostPoints)),
            ]
        );
        let lost = &checked.findings[1];
        assert_eq!((lost.stated, lost.recalculated), (Some(d("0.5")), Some(d("1.0"))));
        assert_eq!(
            lost.message,
            "Tiêu chí 2 (bảng 2, dòng 1, trang 3): điểm bị mất ghi 0,5 nhưng điểm chuẩn 5,5 trừ điểm thẩm định 4,5 là 1"
        );
    }

    #[test]
    fn exceeds_max_compares_self_and_appraisal_with_the_max_but_not_at_equality() {
        let mut t = self_table(vec![crit("1.1.3", Some("1.5"), Some("2"), 7), crit("1.1.4", Some("1"), Some("1"), 8)]);
        t.columns.push(Column::AppraisalScore);
        t.rows[1].values.set(Column::AppraisalScore, Some(d("1.25")));
        t.rows[0].values.set(Column::AppraisalScore, Some(d("1.5")));
        let checked = run(&t);
        assert_eq!(
            kinds(&checked),
            vec![
                (FindingKind::ExceedsMax, Some("1.1.3"), Some(Column::SelfScore)),
                (FindingKind::ExceedsMax, Some("1.1.4"), Some(Column::AppraisalScore)),
            ]
        );
        let f = &checked.findings[0];
        assert_eq!((f.stated, f.expected, f.recalculated), (Some(d("2")), Some(d("1.5")), None));
        assert_eq!(f.message, "Tiêu chí 1.1.3 (bảng 2, dòng 7, trang 3): điểm tự đánh giá 2 vượt điểm chuẩn 1,5");
    }

    #[test]
    fn stated_total_is_compared_with_the_recalculated_leaves() {
        let t = self_table(vec![crit("1", Some("60"), Some("58.5"), 1), crit("2", Some("40"), Some("39.24"), 2)]);
        let prose = |v: &str| ProseFacts { stated_total: Some((Column::SelfScore, d(v))), ..Default::default() };
        assert!(run_with(&t, &prose("97.74"), "0.005").findings.is_empty());
        assert!(run_with(&t, &prose("97.745"), "0.005").findings.is_empty());
        let checked = run_with(&t, &prose("98.52"), "0.005");
        assert_eq!(kinds(&checked), vec![(FindingKind::StatedTotalMismatch, Some("TOTAL"), Some(Column::SelfScore))]);
        let f = &checked.findings[0];
        assert_eq!((f.stated, f.recalculated), (Some(d("98.52")), Some(d("97.74"))));
        assert_eq!(
            f.message,
            "Báo cáo ghi tổng điểm tự đánh giá là 98,52 điểm nhưng tổng các tiêu chí trong bảng là 97,74 điểm"
        );
        // No total row in the table: no location.
        assert_eq!(f.location, None);
    }

    #[test]
    fn only_a_self_assessment_table_requires_the_self_scores_it_never_fills() {
        let columns = [Column::MaxPoints, Column::SelfScore, Column::AppraisalScore];
        let rows = || vec![row(RowKind::Criterion, "1", [Some("1"), None, Some("1"), None], 1)];
        assert_eq!(kinds(&run(&table(TableKind::Appraisal, &columns, rows()))), vec![]);
        assert_eq!(
            kinds(&run(&table(TableKind::SelfAssessment, &columns, rows()))),
            vec![(FindingKind::MissingScore, Some("1"), Some(Column::SelfScore))]
        );
    }

    #[test]
    fn missing_score_and_missing_max_on_leaves_only() {
        let mut t = self_table(vec![
            crit("1", None, Some("1"), 1),
            crit("1.1", Some("1"), None, 2),
            crit("1.2", None, Some("1"), 3),
            crit("1.3", Some("1"), Some("1"), 4),
        ]);
        t.columns.push(Column::AppraisalScore);
        let checked = run(&t);
        // The appraisal column holds no value anywhere: never required.
        assert_eq!(
            kinds(&checked),
            vec![
                (FindingKind::SumMismatch, Some("1"), Some(Column::SelfScore)),
                (FindingKind::MissingScore, Some("1.1"), Some(Column::SelfScore)),
                (FindingKind::MissingMax, Some("1.2"), Some(Column::MaxPoints)),
            ]
        );
        assert_eq!(checked.findings[1].severity, Severity::Warning);
        assert_eq!(
            checked.findings[1].message,
            "Tiêu chí 1.1 (bảng 2, dòng 2, trang 3): có điểm chuẩn nhưng thiếu điểm tự đánh giá"
        );
        assert_eq!(
            checked.findings[2].message,
            "Tiêu chí 1.2 (bảng 2, dòng 3, trang 3): có điểm chấm nhưng không ghi điểm chuẩn"
        );
    }

    #[test]
    fn a_self_assessment_table_without_any_self_score_misses_every_one() {
        let t = self_table(vec![crit("1", Some("1"), None, 1), crit("2", Some("1"), None, 2)]);
        let checked = run(&t);
        assert_eq!(
            kinds(&checked),
            vec![
                (FindingKind::MissingScore, Some("1"), Some(Column::SelfScore)),
                (FindingKind::MissingScore, Some("2"), Some(Column::SelfScore)),
            ]
        );
    }

    #[test]
    fn duplicate_code_is_reported_once_at_the_first_row_with_every_place() {
        let t = self_table(vec![
            crit("4.2", Some("1"), Some("1"), 10),
            crit("4.3.1", Some("1"), Some("1"), 11),
            crit("4.2", Some("1"), Some("1"), 12),
        ]);
        let checked = run(&t);
        assert_eq!(kinds(&checked), vec![(FindingKind::DuplicateCode, Some("4.2"), None)]);
        let f = &checked.findings[0];
        assert_eq!(f.location.as_ref().map(|l| l.row), Some(10));
        assert_eq!(f.message, "Mã 4.2 xuất hiện 2 lần: bảng 2, dòng 10, trang 3; bảng 2, dòng 12, trang 3");
    }

    #[test]
    fn notes_become_info_findings_after_the_arithmetic() {
        let mut t = self_table(vec![crit("1", Some("1"), Some("2"), 1)]);
        t.notes.push("ô không phải số".into());
        let document = Document { notes: vec!["glyph".into()], ..Default::default() };
        let tree = tree::build(&t, &Deadline::none()).unwrap();
        let options = Options::default();
        let checked = check(&t, &tree, &ProseFacts::default(), &document, None, &options, &Deadline::none()).unwrap();
        assert_eq!(
            kinds(&checked),
            vec![
                (FindingKind::ExceedsMax, Some("1"), Some(Column::SelfScore)),
                (FindingKind::UnreadableValue, None, None),
                (FindingKind::ExtractionNote, None, None),
            ]
        );
        assert!(checked.findings[1..].iter().all(|f| f.severity == Severity::Info));
        assert_eq!(checked.findings[2].message, "glyph");
    }

    #[test]
    fn recalculated_totals_are_the_sum_of_the_leaves_per_column() {
        let t = self_table(vec![
            crit("1", Some("3"), Some("9"), 1),
            crit("1.1", Some("1"), Some("0.25"), 2),
            crit("1.2", Some("2"), None, 3),
        ]);
        let sums = recalculate(&tree::build(&t, &Deadline::none()).unwrap());
        assert_eq!(sums.get(Column::MaxPoints), Some(d("3")));
        assert_eq!(sums.get(Column::SelfScore), Some(d("0.25")));
        assert_eq!(sums.get(Column::LostPoints), None);
    }
}
