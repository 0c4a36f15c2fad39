//! The contract's findings, computed on the criteria tree in exact decimals,
//! and the assembly of the document object.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use crate::grid::{Document, Location};
use crate::number::format_vi;
use crate::pipeline::Options;
use crate::prose::ProseFacts;
use crate::report::{
    Column, ColumnValues, Criterion, DocumentReport, Finding, Metadata, Scores, Severity, Source, Status, TableKind,
    Totals, CONTRACT_VERSION,
};
use crate::table::{describe_location, ScoringTable};
use crate::tree::{CriteriaTree, Node};

/// Builds the document object for a document whose scoring table was read.
pub fn report(
    source: Source,
    table: &ScoringTable,
    tree: &CriteriaTree,
    prose: ProseFacts,
    document: &Document,
    options: &Options,
) -> DocumentReport {
    let recalculated = recalculate(tree);
    let mut checker = Checker { table, tree, tolerance: options.tolerance, findings: Vec::new(), seen: HashSet::new() };
    checker.sum_mismatches();
    checker.exceeding_max();
    if let Some((column, stated)) = prose.stated_total {
        checker.stated_total(column, stated, &recalculated);
    }
    checker.lost_points();
    checker.missing_values();
    checker.duplicate_codes();
    let mut findings = checker.findings;
    findings.extend(table.notes.iter().map(|note| info("unreadable_value", note)));
    findings.extend(document.notes.iter().map(|note| info("extraction_note", note)));
    let framework = crate::framework::check(options.framework.as_deref(), table, tree, &prose, &recalculated);
    findings.extend(framework.findings);
    crate::ocr::confidence::mark_uncertain(&mut findings, document, table, tree, options.ocr_min_confidence);

    let criteria = tree
        .nodes
        .iter()
        .map(|node| {
            let row = &table.rows[node.row];
            Criterion {
                code: node.code.clone(),
                parent: node.parent.clone(),
                title: row.title.clone(),
                max_points: node.values.get(Column::MaxPoints),
                self_score: node.values.get(Column::SelfScore),
                appraisal_score: node.values.get(Column::AppraisalScore),
                lost_points: node.values.get(Column::LostPoints),
                location: row.location.clone(),
            }
        })
        .collect();

    let totals = Totals {
        table: tree.total().map(|n| ColumnValues::from_scores(&n.values)),
        stated: prose.stated_total.map(|(column, value)| {
            let mut scores = Scores::default();
            scores.set(column, Some(value));
            ColumnValues::from_scores(&scores)
        }),
        recalculated: (!recalculated.is_empty()).then(|| ColumnValues::from_scores(&recalculated)),
    };

    DocumentReport {
        contract: CONTRACT_VERSION,
        source,
        status: Status::Ok,
        error: None,
        table_kind: Some(table.kind),
        unit: prose.unit,
        year: prose.year,
        columns: table.columns.clone(),
        criteria,
        totals,
        findings,
        metadata: Metadata {
            unit_level: prose.unit_level,
            report_number: prose.report_number,
            report_date: prose.report_date,
            stated_rating: prose.rating,
            framework: framework.catalog.map(|c| c.id.clone()),
        },
        extraction: crate::ocr::confidence::extraction_info(document),
        tool_version: crate::TOOL_VERSION.to_owned(),
    }
}

/// The sum of the leaves per column; `None` where no leaf has a value.
pub fn recalculate(tree: &CriteriaTree) -> Scores {
    let mut sums = Scores::default();
    for column in Column::ALL {
        let mut values = tree.leaves().filter_map(|n| n.values.get(column)).peekable();
        if values.peek().is_some() {
            sums.set(column, Some(values.sum()));
        }
    }
    sums
}

fn info(kind: &str, message: &str) -> Finding {
    Finding {
        kind: kind.to_owned(),
        code: None,
        column: None,
        stated: None,
        recalculated: None,
        expected: None,
        severity: Severity::Info,
        message: message.to_owned(),
        location: None,
        uncertain: false,
        read: None,
    }
}

/// "Tiêu chí 3.3 (bảng 4, dòng 45)" — how a message names a row.
fn subject(node: &Node, location: &Location) -> String {
    let what = match node.code.as_str() {
        "TOTAL" => "Dòng tổng điểm".to_owned(),
        code if code.chars().all(|c| c.is_ascii_uppercase()) => format!("Nhóm {code}"),
        code => format!("Tiêu chí {code}"),
    };
    format!("{what} ({})", describe_location(location))
}

struct Checker<'a> {
    table: &'a ScoringTable,
    tree: &'a CriteriaTree,
    tolerance: Decimal,
    findings: Vec<Finding>,
    /// (kind, code, column) already reported: one finding per triple.
    seen: HashSet<(String, String, Option<Column>)>,
}

struct Draft {
    kind: &'static str,
    column: Option<Column>,
    stated: Option<Decimal>,
    recalculated: Option<Decimal>,
    expected: Option<Decimal>,
    severity: Severity,
    message: String,
}

impl Checker<'_> {
    fn location(&self, node: &Node) -> &Location {
        &self.table.rows[node.row].location
    }

    fn add(&mut self, node: &Node, draft: Draft) {
        let key = (draft.kind.to_owned(), node.code.clone(), draft.column);
        if !self.seen.insert(key) {
            return;
        }
        self.findings.push(Finding {
            kind: draft.kind.to_owned(),
            code: Some(node.code.clone()),
            column: draft.column,
            stated: draft.stated.map(|d| d.normalize()),
            recalculated: draft.recalculated.map(|d| d.normalize()),
            expected: draft.expected.map(|d| d.normalize()),
            severity: draft.severity,
            message: draft.message,
            location: Some(self.location(node).clone()),
            uncertain: false,
            read: None,
        });
    }

    fn differs(&self, a: Decimal, b: Decimal) -> bool {
        (a - b).abs() > self.tolerance
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
                let sum: Decimal = child_values.sum();
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
                    self.add(
                        node,
                        Draft {
                            kind: "sum_mismatch",
                            column: Some(column),
                            stated: Some(stated),
                            recalculated: Some(sum),
                            expected: None,
                            severity: Severity::Error,
                            message,
                        },
                    );
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
                        self.add(
                            node,
                            Draft {
                                kind: "exceeds_max",
                                column: Some(column),
                                stated: Some(value),
                                recalculated: None,
                                expected: Some(max),
                                severity: Severity::Error,
                                message,
                            },
                        );
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
        if !self.seen.insert(("stated_total_mismatch".into(), code.clone(), Some(column))) {
            return;
        }
        let location = self.tree.total().map(|n| self.location(n).clone());
        self.findings.push(Finding {
            kind: "stated_total_mismatch".into(),
            code: Some(code),
            column: Some(column),
            stated: Some(stated.normalize()),
            recalculated: Some(sum.normalize()),
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
            let expected = max - appraisal;
            if self.differs(lost, expected) {
                let message = format!(
                    "{}: điểm bị mất ghi {} nhưng điểm chuẩn {} trừ điểm thẩm định {} là {}",
                    subject(node, self.location(node)),
                    format_vi(lost),
                    format_vi(max),
                    format_vi(appraisal),
                    format_vi(expected)
                );
                self.add(
                    node,
                    Draft {
                        kind: "lost_points_mismatch",
                        column: Some(Column::LostPoints),
                        stated: Some(lost),
                        recalculated: Some(expected),
                        expected: None,
                        severity: Severity::Error,
                        message,
                    },
                );
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
                        self.add(
                            node,
                            Draft {
                                kind: "missing_score",
                                column: Some(column),
                                stated: None,
                                recalculated: None,
                                expected: None,
                                severity: Severity::Warning,
                                message,
                            },
                        );
                    }
                }
            } else if [Column::SelfScore, Column::AppraisalScore].iter().any(|c| node.values.get(*c).is_some()) {
                let message =
                    format!("{}: có điểm chấm nhưng không ghi điểm chuẩn", subject(node, self.location(node)));
                self.add(
                    node,
                    Draft {
                        kind: "missing_max",
                        column: Some(Column::MaxPoints),
                        stated: None,
                        recalculated: None,
                        expected: None,
                        severity: Severity::Warning,
                        message,
                    },
                );
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
            let places: Vec<String> = same.iter().map(|n| describe_location(self.location(n))).collect();
            let message = format!("Mã {} xuất hiện {} lần: {}", node.code, same.len(), places.join("; "));
            self.add(
                node,
                Draft {
                    kind: "duplicate_code",
                    column: None,
                    stated: None,
                    recalculated: None,
                    expected: None,
                    severity: Severity::Warning,
                    message,
                },
            );
        }
    }
}
