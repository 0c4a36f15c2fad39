use std::str::FromStr;

use rust_decimal::Decimal;

use crate::checks::{check, Checked};
use crate::config::{Deadline, Options};
use crate::grid::Document;
use crate::model::{Column, Confirmation, FindingKind, Restoration, Severity, TableKind};
use crate::prose::ProseFacts;
use crate::table::test_rows::scanned_row;
use crate::table::{RowKind, ScoringTable, TableRow};
use crate::tree;

pub(super) fn d(s: &str) -> Decimal {
    Decimal::from_str(&s.replace(',', ".")).unwrap()
}

/// How OCR read a value: agreed by a second reading or not, at a confidence.
#[derive(Clone, Copy)]
pub(super) enum Read {
    Agreed(u8),
    Once(u8),
}

/// A self-assessment row read from a scan: (max, self score), each with how it was read.
pub(super) fn scanned(code: &str, max: (&str, Read), own: (&str, Read), line: usize) -> TableRow {
    fn reading((text, read): (&str, Read)) -> (&str, u8, bool) {
        match read {
            Read::Agreed(confidence) => (text, confidence, true),
            Read::Once(confidence) => (text, confidence, false),
        }
    }
    scanned_row(code, reading(max), reading(own), line)
}

pub(super) fn run(rows: Vec<TableRow>) -> Checked {
    run_with(rows, &ProseFacts::default())
}

pub(super) fn run_with(rows: Vec<TableRow>, prose: &ProseFacts) -> Checked {
    let t = ScoringTable {
        kind: TableKind::SelfAssessment,
        columns: vec![Column::MaxPoints, Column::SelfScore],
        rows,
        notes: vec![],
    };
    let tree = tree::build(&t, &Deadline::none()).unwrap();
    check(&t, &tree, prose, &Document::default(), None, &Options::default(), &Deadline::none()).unwrap()
}

pub(super) fn sure(read: &str) -> (&str, Read) {
    (read, Read::Agreed(90))
}

fn once(read: &str) -> (&str, Read) {
    (read, Read::Once(96))
}

/// A parent whose self score (3) is not its children's sum (2,5).
fn wrong_sum(child: (&str, Read)) -> Vec<TableRow> {
    vec![
        scanned("1", sure("4"), sure("3"), 1),
        scanned("1.1", sure("2"), sure("2"), 2),
        scanned("1.2", sure("2"), child, 3),
    ]
}

#[test]
fn a_sum_that_rests_on_agreed_readings_is_an_error() {
    let checked = run(wrong_sum(sure("0,5")));
    let f = &checked.findings[0];
    assert_eq!(
        (f.kind, f.code.as_deref(), f.severity, f.uncertain),
        (FindingKind::SumMismatch, Some("1"), Severity::Error, false)
    );
    assert_eq!(checked.findings.len(), 1);
    // The maxima balance (2 + 2 = 4): confirmed twice over, the second reading is named first.
    assert_eq!(checked.readings[2][0].confirmed, Some(Confirmation::SecondReading));
    assert_eq!(checked.readings[2][1].confirmed, Some(Confirmation::SecondReading));
}

#[test]
fn a_sum_that_rests_on_one_unconfirmed_reading_is_an_uncertain_warning_naming_it() {
    let checked = run(wrong_sum(once("0,5")));
    let kinds: Vec<_> = checked.findings.iter().map(|f| (f.kind, f.code.as_deref(), f.column)).collect();
    assert_eq!(
        kinds,
        [
            (FindingKind::SumMismatch, Some("1"), Some(Column::SelfScore)),
            (FindingKind::UncertainValue, Some("1.2"), Some(Column::SelfScore)),
        ]
    );
    let f = &checked.findings[0];
    assert_eq!((f.severity, f.uncertain), (Severity::Warning, true));
    assert!(
        f.message.ends_with(
            "(giá trị đọc từ bản quét chưa được xác nhận: điểm tự đánh giá tiêu chí 1.2 đọc là \"0,5\" (độ tin cậy 96%); cần đối chiếu bản gốc)"
        ),
        "{}",
        f.message
    );
    // The high confidence of a single reading confirms nothing.
    assert_eq!(checked.readings[2][1].confirmed, None);
    let note = &checked.findings[1];
    assert_eq!((note.severity, note.uncertain, note.stated), (Severity::Info, true, Some(d("0.5"))));
}

#[test]
fn a_value_the_arithmetic_balances_is_confirmed_without_a_second_reading() {
    // 1.2's self score, read once, makes its parent's sum; 1.1's exceeds its maximum on agreed readings.
    let checked = run(vec![
        scanned("1", sure("4"), sure("3,5"), 1),
        scanned("1.1", once("2"), sure("2,5"), 2),
        scanned("1.2", sure("2"), once("1"), 3),
    ]);
    assert_eq!(checked.readings[2][1].confirmed, Some(Confirmation::Arithmetic));
    assert_eq!(checked.readings[1][0].confirmed, Some(Confirmation::Arithmetic));
    let f = &checked.findings[0];
    assert_eq!(
        (f.kind, f.code.as_deref(), f.severity, f.uncertain),
        (FindingKind::ExceedsMax, Some("1.1"), Severity::Error, false)
    );
}

#[test]
fn an_agreed_reading_a_lost_separator_explains_stays_in_doubt() {
    // "25" over a maximum of 2,5 reads the same twice when the comma is too faint for both passes.
    let checked = run(vec![scanned("1", sure("2,5"), sure("25"), 1)]);
    let f = &checked.findings[0];
    assert_eq!((f.kind, f.severity, f.uncertain), (FindingKind::ExceedsMax, Severity::Warning, true));
    assert_eq!(checked.readings[0][1].confirmed, None);
}

#[test]
fn agreement_of_two_weak_readings_is_not_a_confirmation() {
    let checked = run(wrong_sum(("0,5", Read::Agreed(30))));
    assert!(checked.findings[0].uncertain);
    assert_eq!(checked.readings[2][1].confirmed, None);
}

#[test]
fn typed_tables_are_left_as_they_are() {
    let rows: Vec<TableRow> =
        wrong_sum(once("0,5")).into_iter().map(|r| TableRow { scanned: Vec::new(), from_scan: false, ..r }).collect();
    let checked = run(rows);
    assert_eq!(checked.findings.len(), 1);
    assert_eq!((checked.findings[0].severity, checked.findings[0].uncertain), (Severity::Error, false));
    assert!(checked.readings.iter().all(Vec::is_empty));
}

#[test]
fn an_agreed_score_over_a_maximum_the_sums_confirm_that_no_lost_separator_explains_is_an_error() {
    for (own, uncertain) in [("3", false), ("2,75", false), ("275", true)] {
        let checked = run(vec![
            scanned("1", sure("5"), sure("5"), 1),
            scanned("1.1", sure("2,5"), sure(own), 2),
            scanned("1.2", sure("2,5"), sure("2"), 3),
        ]);
        let f = checked.findings.iter().find(|f| f.code.as_deref() == Some("1.1")).unwrap();
        assert_eq!((f.kind, f.uncertain), (FindingKind::ExceedsMax, uncertain), "{own}");
    }
    // A maximum only its second reading vouches for may be misread alike twice (`0,3` for `0,5`).
    let checked = run(vec![scanned("1", sure("0,3"), sure("0,5"), 1)]);
    assert_eq!((checked.findings[0].kind, checked.findings[0].uncertain), (FindingKind::ExceedsMax, true));
}

#[test]
fn nothing_read_on_an_illegible_page_is_confirmed() {
    let illegible = |rows: Vec<TableRow>| -> Vec<TableRow> {
        rows.into_iter()
            .map(|mut r| {
                r.scanned.iter_mut().for_each(|s| s.legible = false);
                r
            })
            .collect()
    };
    let checked = run(illegible(wrong_sum(sure("0,5"))));
    let f = &checked.findings[0];
    assert_eq!((f.kind, f.severity, f.uncertain), (FindingKind::SumMismatch, Severity::Warning, true));
    // Not even the maxima that balance.
    assert!(checked.readings.iter().flatten().all(|r| r.confirmed.is_none()));
}

#[test]
fn an_agreed_score_over_its_maximum_that_a_zero_read_as_nine_explains_stays_in_doubt() {
    for own in ["9,5", "6,5", "8.5"] {
        let checked = run(vec![scanned("1", sure("0,5"), sure(own), 1)]);
        let f = &checked.findings[0];
        assert_eq!((f.kind, f.severity, f.uncertain), (FindingKind::ExceedsMax, Severity::Warning, true), "{own}");
        assert_eq!(checked.readings[0][1].confirmed, None);
    }
}

/// A parent of 4 whose children, read with agreement, are numbered `codes`.
fn children_numbered(codes: [&str; 2], from_scan: bool) -> Checked {
    let mut rows = vec![scanned("1", sure("4"), sure("4"), 1)];
    rows.extend(codes.iter().enumerate().map(|(i, code)| scanned(code, sure("1"), sure("1"), i + 2)));
    if !from_scan {
        rows = rows.into_iter().map(|r| TableRow { scanned: Vec::new(), from_scan: false, ..r }).collect();
    }
    run(rows)
}

#[test]
fn a_sum_over_scanned_children_numbered_with_a_gap_or_twice_is_uncertain() {
    // 1.2 was lost (1.1, 1.3), or a code was read as another's (1.1 twice).
    for codes in [["1.1", "1.3"], ["1.1", "1.1"]] {
        let checked = children_numbered(codes, true);
        let f = checked
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::SumMismatch)
            .unwrap_or_else(|| panic!("{:?}", checked.findings));
        assert_eq!((f.severity, f.uncertain), (Severity::Warning, true), "{codes:?}");
    }
    // Numbered in sequence, the same sum is an error.
    let checked = children_numbered(["1.1", "1.2"], true);
    let f = checked.findings.iter().find(|f| f.kind == FindingKind::SumMismatch).expect("a sum mismatch");
    assert_eq!((f.severity, f.uncertain), (Severity::Error, false));
    // Typed tables are never made uncertain.
    let checked = children_numbered(["1.1", "1.3"], false);
    let f = checked.findings.iter().find(|f| f.kind == FindingKind::SumMismatch).expect("a sum mismatch");
    assert_eq!((f.severity, f.uncertain), (Severity::Error, false));
}

#[test]
fn a_sum_over_codes_out_of_order_is_uncertain() {
    // `5.5.2.` read as `2`: 5.5 seems to have one child, and `2` comes after 5.5.1.
    let rows = vec![
        scanned("5.5", sure("1,5"), sure("1,5"), 1),
        scanned("5.5.1", sure("0,5"), sure("0,5"), 2),
        scanned("2", sure("1"), sure("1"), 3),
        scanned("5.6", sure("1"), sure("1"), 4),
    ];
    let checked = run(rows);
    let sums: Vec<_> = checked.findings.iter().filter(|f| f.kind == FindingKind::SumMismatch).collect();
    assert!(!sums.is_empty());
    assert!(sums.iter().all(|f| f.uncertain && f.severity == Severity::Warning), "{sums:?}");
    // In order, the same sum is an error.
    let rows = vec![
        scanned("5.5", sure("1,5"), sure("1,5"), 1),
        scanned("5.5.1", sure("0,5"), sure("0,5"), 2),
        scanned("5.6", sure("1"), sure("1"), 3),
    ];
    let checked = run(rows);
    let sum = checked.findings.iter().find(|f| f.kind == FindingKind::SumMismatch).expect("5.5 sums to 0,5");
    assert!(!sum.uncertain && sum.severity == Severity::Error);
}

#[test]
fn a_restored_value_is_confirmed_by_arithmetic_only_against_values_confirmed_without_it() {
    // 1.1's self score (0,5) read "5" over its maximum: its parent's sum restores it.
    let checked = run(vec![
        scanned("1", sure("1,5"), sure("1,5"), 1),
        scanned("1.1", sure("0,5"), once("5"), 2),
        scanned("1.2", sure("1"), sure("1"), 3),
    ]);
    assert!(checked.findings.is_empty(), "{:?}", checked.findings);
    let r = &checked.readings[1][1];
    assert_eq!(
        (r.read.text.as_str(), r.confirmed, r.restored),
        ("5", Some(Confirmation::Arithmetic), Some(Restoration::Separator))
    );
    // Against values read once, the sum it was fitted to confirms neither it nor them.
    let checked = run(vec![
        scanned("1", once("1,5"), once("1,5"), 1),
        scanned("1.1", once("0,5"), once("5"), 2),
        scanned("1.2", once("1"), once("1"), 3),
    ]);
    assert!(checked.findings.is_empty(), "{:?}", checked.findings);
    assert_eq!(checked.readings[1][1].restored, Some(Restoration::Separator));
    let self_scores: Vec<_> = checked.readings.iter().map(|r| r[1].confirmed).collect();
    assert_eq!(self_scores, [None, None, None]);
    // The maxima, read as they are, still confirm one another.
    assert_eq!(checked.readings[1][0].confirmed, Some(Confirmation::Arithmetic));
}

#[test]
fn the_note_on_a_restored_value_says_what_was_read_and_what_was_taken() {
    // 1.1's self score read "15" is restored to 1,5 by its children; its parent's sum still fails.
    let checked = run(vec![
        scanned("1", once("3"), once("3"), 1),
        scanned("1.1", once("1,5"), once("15"), 2),
        scanned("1.1.1", once("0,5"), once("0,5"), 3),
        scanned("1.1.2", once("1"), once("1"), 4),
        scanned("1.2", once("1,5"), once("1"), 5),
    ]);
    let note = checked
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::UncertainValue && f.code.as_deref() == Some("1.1"))
        .expect("a note on 1.1");
    assert_eq!(note.stated, Some(d("1.5")));
    assert!(
        note.message.contains("là \"15\" (lấy là 1,5 theo phép cộng của bảng: OCR mất dấu thập phân)"),
        "{}",
        note.message
    );
}

/// A total row at the table's foot stating `total` for both columns.
fn total_row(total: &str, line: usize) -> TableRow {
    TableRow {
        kind: RowKind::Total, title: "Tổng điểm".into(), ..scanned("TOTAL", sure(total), sure(total), line)
    }
}

#[test]
fn a_total_missing_a_group_whose_code_ocr_did_not_read_is_uncertain() {
    let rows = |uncoded: bool| {
        let mut rows = vec![scanned("1", sure("4"), sure("4"), 1), scanned("1.1", sure("4"), sure("4"), 2)];
        if uncoded {
            // A group's row whose code cell OCR read as `VIII[`: no code, a maximum.
            rows.push(TableRow { kind: RowKind::Unnumbered, code: None, ..scanned("x", sure("6"), sure("6"), 3) });
        }
        rows.push(total_row("10", 4));
        rows
    };
    let total = |checked: &Checked| {
        let f = checked
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::SumMismatch)
            .unwrap_or_else(|| panic!("{:?}", checked.findings));
        (f.code.clone(), f.severity, f.uncertain)
    };
    assert_eq!(total(&run(rows(false))), (Some("TOTAL".into()), Severity::Error, false));
    assert_eq!(total(&run(rows(true))), (Some("TOTAL".into()), Severity::Warning, true));
}

#[test]
fn a_total_over_a_tree_with_a_scanned_code_read_twice_is_uncertain() {
    // The group 2's rows as read: twice `2.1` (one of them another row's code misread).
    let rows = |twice: bool| {
        let mut rows = vec![scanned("1", sure("4"), sure("4"), 1), scanned("1.1", sure("4"), sure("4"), 2)];
        rows.push(scanned("2", sure("5"), sure("5"), 3));
        if twice {
            rows.extend([scanned("2.1", sure("2,5"), sure("2,5"), 4), scanned("2.1", sure("2,5"), sure("2,5"), 5)]);
        } else {
            rows.extend([scanned("2.1", sure("2,5"), sure("2,5"), 4), scanned("2.2", sure("2,5"), sure("2,5"), 5)]);
        }
        rows.push(total_row("10", 6));
        rows
    };
    let total = |checked: &Checked| {
        let f =
            checked.findings.iter().find(|f| f.kind == FindingKind::SumMismatch && f.code.as_deref() == Some("TOTAL"));
        f.map(|f| (f.severity, f.uncertain)).unwrap_or_else(|| panic!("{:?}", checked.findings))
    };
    assert_eq!(total(&run(rows(false))), (Severity::Error, false));
    assert_eq!(total(&run(rows(true))), (Severity::Warning, true));
}

/// (severity, uncertain) of each `sum_mismatch`, in order.
fn sums(checked: &Checked) -> Vec<(Severity, bool)> {
    let sums = checked.findings.iter().filter(|f| f.kind == FindingKind::SumMismatch);
    sums.map(|f| (f.severity, f.uncertain)).collect()
}

#[test]
fn agreed_readings_that_a_lost_separator_explains_are_no_ground_for_an_error() {
    // `15` read twice for 1,5 (a fax's point merged into the strokes): with the point, 1's sums balance.
    // Within its bounds (the parent's 20), the tree stage does not restore it.
    let rows = |child: &str| {
        vec![
            scanned("1", sure("20"), sure("20"), 1),
            scanned("1.1", sure("10"), sure("10"), 2),
            scanned("1.2", sure("8,5"), sure("8,5"), 3),
            scanned("1.3", sure(child), sure(child), 4),
        ]
    };
    // Both columns' sums: the maxima's and the scores'.
    assert_eq!(sums(&run(rows("15"))), [(Severity::Warning, true); 2]);
    // A digit misread is no separator lost: the agreed readings stand.
    assert_eq!(sums(&run(rows("2"))), [(Severity::Error, false); 2]);
}

#[test]
fn a_parent_read_once_does_not_vouch_for_an_agreed_reading_a_lost_separator_explains() {
    // A fax: 1.1's maximum 2,5 read `25` twice, its section's 8,5 read `85` once.
    // With the separator put back 1.1's own sum balances; the section's sum,
    // over a value read once, is no evidence either way.
    let rows = |section: (&str, Read)| {
        vec![
            scanned("1", section, sure("8,5"), 1),
            scanned("1.1", sure("25"), sure("2,5"), 2),
            scanned("1.1.1", sure("1"), sure("1"), 3),
            scanned("1.1.2", sure("1,5"), sure("1,5"), 4),
            scanned("1.2", sure("6"), sure("6"), 5),
        ]
    };
    let of_child = |checked: &Checked| {
        let found = checked.findings.iter().filter(|f| f.kind == FindingKind::SumMismatch);
        found.filter(|f| f.code.as_deref() == Some("1.1")).map(|f| (f.severity, f.uncertain)).collect::<Vec<_>>()
    };
    assert_eq!(of_child(&run(rows(("85", Read::Once(72))))), [(Severity::Warning, true)]);
    // A section agreed on as 31 balances with the `25` as read: the separator
    // put back is not what every sum calls for, and the reading stands.
    assert_eq!(of_child(&run(rows(sure("31")))), [(Severity::Error, false)]);
}

#[test]
fn agreed_readings_that_one_look_alike_digit_explains_are_no_ground_for_an_error() {
    // `0,8` read twice for 0,9 (a fax closed the 9's loop alike for both passes): 1's sum is off by it.
    let rows = |child: &str| {
        vec![
            scanned("1", sure("2"), sure("1,9"), 1),
            scanned("1.1", sure("1"), sure("1"), 2),
            scanned("1.2", sure("1"), sure(child), 3),
        ]
    };
    assert_eq!(sums(&run(rows("0,8"))), [(Severity::Warning, true)]);
    // 0,4 is no look-alike of 0,9: the agreed readings stand.
    assert_eq!(sums(&run(rows("0,4"))), [(Severity::Error, false)]);
}

#[test]
fn an_agreed_parent_value_under_half_its_childrens_sum_is_no_ground_for_an_error() {
    // 1.2's self score 13,5 read `1` twice (its digits lost at the cell's edge):
    // 1's sum over it is off, and 1.2's own sum too.
    let rows = |criterion: &str| {
        vec![
            scanned("1", sure("23,5"), sure("23,5"), 1),
            scanned("1.1", sure("10"), sure("10"), 2),
            scanned("1.2", sure("13,5"), sure(criterion), 3),
            scanned("1.2.1", sure("6,5"), sure("6,5"), 4),
            scanned("1.2.2", sure("7"), sure("7"), 5),
        ]
    };
    let group = |checked: &Checked| {
        let f = checked.findings.iter().find(|f| f.kind == FindingKind::SumMismatch && f.code.as_deref() == Some("1"));
        f.map(|f| (f.severity, f.uncertain))
    };
    assert_eq!(group(&run(rows("1"))), Some((Severity::Warning, true)));
    // 12,5 for 13,5 is a slip the unit may have made: the agreed readings stand.
    assert_eq!(group(&run(rows("12"))), Some((Severity::Error, false)));
}

/// A partial catalog of `(code, parent)` criteria.
fn catalog(criteria: &[(&str, &str)]) -> crate::framework::Catalog {
    use crate::framework::{Catalog, CatalogCriterion, Decision};
    let criterion = |&(code, parent): &(&str, &str)| CatalogCriterion {
        code: code.to_owned(),
        title: String::new(),
        max_points: None,
        parent: Some(parent.to_owned()).filter(|p| !p.is_empty()),
        partial: false,
    };
    Catalog {
        id: "test".to_owned(),
        title: String::new(),
        decision: Decision { number: String::new(), date: String::new(), issuer: String::new() },
        level: String::new(),
        years: vec![],
        complete: false,
        criteria: criteria.iter().map(criterion).collect(),
        rating_bands: vec![],
        notes: vec![],
    }
}

/// Whether each `sum_mismatch` of `code` is uncertain, the rows checked against `catalog`.
fn sums_of(rows: Vec<TableRow>, code: &str, catalog: Option<&crate::framework::Catalog>) -> Vec<bool> {
    let t = ScoringTable {
        kind: TableKind::SelfAssessment,
        columns: vec![Column::MaxPoints, Column::SelfScore],
        rows,
        notes: vec![],
    };
    let tree = tree::build(&t, &Deadline::none()).unwrap();
    let checked =
        check(&t, &tree, &ProseFacts::default(), &Document::default(), catalog, &Options::default(), &Deadline::none())
            .unwrap();
    let found = checked.findings.iter().filter(|f| f.kind == FindingKind::SumMismatch);
    found.filter(|f| f.code.as_deref() == Some(code)).map(|f| f.uncertain).collect()
}

#[test]
fn a_child_a_partial_catalog_lists_under_its_grandparent_is_still_missed() {
    // The catalog lists 5.1.2 under 5 (it skips 5.1); the scan read 5.1.2 as `5.2`.
    let catalog = catalog(&[("5", ""), ("5.1.1", "5"), ("5.1.2", "5")]);
    let rows = || {
        vec![
            scanned("5", sure("3"), sure("3"), 1),
            scanned("5.1", sure("2"), sure("2"), 2),
            scanned("5.1.1", sure("1"), sure("1"), 3),
            scanned("5.2", sure("1"), sure("1"), 4),
        ]
    };
    assert_eq!(sums_of(rows(), "5.1", Some(&catalog)), [true, true]);
    assert_eq!(sums_of(rows(), "5.1", None), [false, false]);
}

#[test]
fn children_under_a_criterion_the_catalog_has_as_a_leaf_are_misread_codes() {
    // 2.3.1 and 2.3.2 read as `2.2.3.1`, `2.2.3.2`: children of 2.2.3, a leaf of the framework.
    let catalog = catalog(&[("2", ""), ("2.2.3", "2"), ("2.3.1", "2"), ("2.3.2", "2")]);
    let rows = || {
        vec![
            scanned("2.2.3", sure("1,5"), sure("1,5"), 1),
            scanned("2.2.3.1", sure("0,5"), sure("0,5"), 2),
            scanned("2.2.3.2", sure("0,5"), sure("0,5"), 3),
        ]
    };
    assert_eq!(sums_of(rows(), "2.2.3", Some(&catalog)), [true, true]);
    assert_eq!(sums_of(rows(), "2.2.3", None), [false, false]);
}

#[test]
fn a_row_without_code_or_scores_that_cites_a_document_may_be_a_criterion() {
    use crate::model::{Citation, DocumentType};
    use crate::table::EvidenceCell;
    // 3.4.3's code and scores under a pen tick: its row reads a title and a citation only.
    let rows = |cites: bool| {
        let mut ticked = scanned("3.4.3", ("", Read::Once(0)), ("", Read::Once(0)), 4);
        let citation = Citation {
            kind: DocumentType::Report,
            number: "1467".to_owned(),
            symbol: None,
            date: None,
            short_year: false,
            text: "BC 1467".to_owned(),
        };
        ticked.kind = RowKind::Unnumbered;
        (ticked.code, ticked.scanned, ticked.title) = (None, Vec::new(), "-3:4.3, hiện định".to_owned());
        ticked.evidence =
            Some(EvidenceCell { citations: if cites { vec![citation] } else { vec![] }, ..Default::default() });
        vec![
            scanned("3.4", sure("3"), sure("3"), 1),
            scanned("3.4.1", sure("1"), sure("1"), 2),
            scanned("3.4.2", sure("1"), sure("1"), 3),
            ticked,
        ]
    };
    assert_eq!(sums_of(rows(true), "3.4", None), [true, true]);
    // A title's wrapped line, citing nothing, is no criterion.
    assert_eq!(sums_of(rows(false), "3.4", None), [false, false]);
}

#[test]
fn a_parent_equal_to_its_one_child_with_a_value_is_no_sum() {
    // Two specks in an empty appraisal column read `5` at 1.3 and at 1.3.3: they "balance".
    let appraised = |code: &str, max: &str, appraisal: Option<&str>, line: usize| {
        let mut row = scanned(code, sure(max), sure(max), line);
        if let Some(text) = appraisal {
            row.values.0[2] = Some(d(text));
            row.scanned.push(crate::table::ScannedValue {
                column: Column::AppraisalScore,
                text: text.to_owned(),
                confidence: 0,
                confirmed: false,
                legible: true,
                restored: None,
            });
        }
        row
    };
    let rows = vec![
        appraised("1.3", "3", Some("5"), 1),
        appraised("1.3.1", "1", None, 2),
        appraised("1.3.2", "1", None, 3),
        appraised("1.3.3", "1", Some("5"), 4),
    ];
    let t = ScoringTable {
        kind: TableKind::Appraisal,
        columns: vec![Column::MaxPoints, Column::SelfScore, Column::AppraisalScore],
        rows,
        notes: vec![],
    };
    let tree = tree::build(&t, &Deadline::none()).unwrap();
    let checked =
        check(&t, &tree, &ProseFacts::default(), &Document::default(), None, &Options::default(), &Deadline::none())
            .unwrap();
    let over: Vec<bool> =
        checked.findings.iter().filter(|f| f.kind == FindingKind::ExceedsMax).map(|f| f.uncertain).collect();
    assert_eq!(over, [true, true]);
}
