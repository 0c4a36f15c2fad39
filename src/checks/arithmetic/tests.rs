use std::str::FromStr;

use super::*;
use crate::checks::{check, Checked};
use crate::config::Options;
use crate::grid::Document;
use crate::prose::ProseFacts;
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
        from_scan: false,
        rubric: Default::default(),
        text_confidence: None,
        evidence: None,
        cells: Default::default(),
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
