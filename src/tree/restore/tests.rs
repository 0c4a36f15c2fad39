use std::str::FromStr;

use rust_decimal::Decimal;

use super::misreading;
use crate::config::Deadline;
use crate::model::{Column, Restoration, TableKind};
use crate::table::test_rows::scanned_row;
use crate::table::{ScoringTable, TableRow};
use crate::tree::{build, CriteriaTree};

fn d(s: &str) -> Decimal {
    Decimal::from_str(&s.replace(',', ".")).unwrap()
}

/// How a cell was read: twice alike (confidently) or once.
#[derive(Clone, Copy)]
enum Read {
    Agreed,
    Once,
}

/// A row read from a scan: its code and (max, self score) as OCR read them.
fn scanned(code: &str, max: (&str, Read), own: (&str, Read)) -> TableRow {
    fn reading((text, read): (&str, Read)) -> (&str, u8, bool) {
        (text, 90, matches!(read, Read::Agreed))
    }
    scanned_row(code, reading(max), reading(own), 0)
}

fn tree(rows: Vec<TableRow>) -> CriteriaTree {
    let table = ScoringTable {
        kind: TableKind::SelfAssessment,
        columns: vec![Column::MaxPoints, Column::SelfScore],
        rows,
        notes: vec![],
    };
    build(&table, &Deadline::none()).unwrap()
}

fn sure(text: &str) -> (&str, Read) {
    (text, Read::Agreed)
}

fn once(text: &str) -> (&str, Read) {
    (text, Read::Once)
}

/// (value, how it was restored) of a criterion's column.
fn value(tree: &CriteriaTree, code: &str, column: Column) -> (Option<Decimal>, Option<Restoration>) {
    let node = tree.nodes.iter().find(|n| n.code == code).expect("the criterion");
    let restored = node.scanned.iter().find(|s| s.column == column).and_then(|s| s.restored);
    (node.values.get(column), restored)
}

#[test]
fn a_lost_separator_is_restored_where_the_sums_need_it_and_one_restoration_completes_another() {
    // 5's maximum (13,5) read "135", 5.2's (1,5) read "15": 5.2's children
    // restore it first, then 5's children sum with it.
    let t = tree(vec![
        scanned("5", once("135"), sure("13,5")),
        scanned("5.1", sure("12"), sure("12")),
        scanned("5.2", once("15"), sure("1,5")),
        scanned("5.2.1", sure("0,5"), sure("0,5")),
        scanned("5.2.2", sure("1"), sure("1")),
    ]);
    assert_eq!(value(&t, "5.2", Column::MaxPoints), (Some(d("1,5")), Some(Restoration::Separator)));
    assert_eq!(value(&t, "5", Column::MaxPoints), (Some(d("13,5")), Some(Restoration::Separator)));
    // What was read is kept.
    assert_eq!(t.nodes[0].scanned[0].text, "135");
    // Values read right are not touched.
    assert_eq!(value(&t, "5.1", Column::MaxPoints), (Some(d("12")), None));
}

#[test]
fn a_score_over_its_maximum_gets_the_separator_its_parent_needs() {
    let t = tree(vec![
        scanned("5.5", sure("1,5"), sure("1,5")),
        scanned("5.5.1", sure("0,5"), once("5")),
        scanned("5.5.2", sure("1"), sure("1")),
    ]);
    assert_eq!(value(&t, "5.5.1", Column::SelfScore), (Some(d("0,5")), Some(Restoration::Separator)));
}

#[test]
fn a_maximum_and_score_both_read_without_their_separator_are_both_restored() {
    // 1.1.3's maximum and self score, 1,5 each, read "15" twice alike (a fax).
    let t = tree(vec![
        scanned("1.1", sure("3"), sure("3")),
        scanned("1.1.1", sure("0,5"), sure("0,5")),
        scanned("1.1.2", sure("1"), sure("1")),
        scanned("1.1.3", sure("15"), sure("15")),
    ]);
    assert_eq!(value(&t, "1.1.3", Column::MaxPoints), (Some(d("1,5")), Some(Restoration::Separator)));
    assert_eq!(value(&t, "1.1.3", Column::SelfScore), (Some(d("1,5")), Some(Restoration::Separator)));
}

#[test]
fn readings_of_one_sum_that_all_lost_their_separator_are_restored_together() {
    // A photocopy's 3,5 and 2,5 read "35" and "25": only both with their
    // separators back make 1's sum, and only one way.
    let rows = |second: &'static str| {
        vec![
            scanned("1", sure("8"), sure("8")),
            scanned("1.1", sure("2"), sure("2")),
            scanned("1.2", sure("3,5"), once("35")),
            scanned("1.3", sure("2,5"), once(second)),
        ]
    };
    let t = tree(rows("25"));
    assert_eq!(value(&t, "1.2", Column::SelfScore), (Some(d("3,5")), Some(Restoration::Separator)));
    assert_eq!(value(&t, "1.3", Column::SelfScore), (Some(d("2,5")), Some(Restoration::Separator)));
    // With "15" for 1.3 no way balances: nothing is restored.
    let t = tree(rows("15"));
    assert_eq!(value(&t, "1.2", Column::SelfScore), (Some(d("35")), None));
    assert_eq!(value(&t, "1.3", Column::SelfScore), (Some(d("15")), None));
}

#[test]
fn readings_a_sum_could_restore_together_in_more_than_one_way_stay_as_read() {
    // 3,15 = 1,5 + 1,5 + 0,15, in any order: which "15" was 0,15 is not known.
    let t = tree(vec![
        scanned("1", sure("6"), sure("3,15")),
        scanned("1.1", sure("2"), once("15")),
        scanned("1.2", sure("2"), once("15")),
        scanned("1.3", sure("2"), once("15")),
    ]);
    assert_eq!(value(&t, "1.1", Column::SelfScore), (Some(d("15")), None));
}

#[test]
fn two_readings_the_sum_could_restore_alike_leave_both_as_read() {
    // 5,5 = 0,5 + 5 or 5 + 0,5: either "5" may be the misread one.
    let t = tree(vec![
        scanned("1", sure("10"), sure("5,5")),
        scanned("1.1", sure("5"), once("5")),
        scanned("1.2", sure("5"), once("5")),
    ]);
    assert_eq!(value(&t, "1.1", Column::SelfScore), (Some(d("5")), None));
    assert_eq!(value(&t, "1.2", Column::SelfScore), (Some(d("5")), None));
}

#[test]
fn a_digit_lost_at_either_end_is_restored_only_against_values_read_twice_alike() {
    let rows = |child: (&'static str, Read)| {
        vec![
            scanned("1", sure("14"), once("4")),
            scanned("1.1", sure("10"), sure("10")),
            scanned("1.2", sure("4"), child),
        ]
    };
    let t = tree(rows(sure("4")));
    assert_eq!(value(&t, "1", Column::SelfScore), (Some(d("14")), Some(Restoration::DroppedDigit)));
    // With a child read once, the child may as well be the misread one.
    let t = tree(rows(once("4")));
    assert_eq!(value(&t, "1", Column::SelfScore), (Some(d("4")), None));
}

#[test]
fn what_is_read_twice_alike_or_balances_a_relation_as_read_stays() {
    // The paper may well say 85: two readings agreed on it, within its bounds.
    let agreed = vec![scanned("6", sure("85"), sure("8,5")), scanned("6.1", sure("2,5"), sure("2,5"))];
    let agreed = [agreed, vec![scanned("6.2", sure("6"), sure("6"))]].concat();
    assert_eq!(value(&tree(agreed), "6", Column::MaxPoints), (Some(d("85")), None));
    // 1.1's "15" makes its own children's sum (10 + 5); its parent's wants 1,5.
    let t = tree(vec![
        scanned("1", sure("20"), sure("2,5")),
        scanned("1.1", sure("15"), once("15")),
        scanned("1.1.1", sure("10"), sure("10")),
        scanned("1.1.2", sure("5"), sure("5")),
        scanned("1.2", sure("5"), sure("1")),
    ]);
    assert_eq!(value(&t, "1.1", Column::SelfScore), (Some(d("15")), None));
}

#[test]
fn a_relation_with_a_part_missing_restores_nothing() {
    // 6.2 has no maximum read, or 6.3 stands where 6.2 was lost.
    for (code, max) in [("6.2", None), ("6.3", Some("6"))] {
        let mut last = scanned(code, sure("6"), sure("6"));
        last.values.set(Column::MaxPoints, max.map(d));
        let t = tree(vec![scanned("6", once("85"), sure("8,5")), scanned("6.1", sure("2,5"), sure("2,5")), last]);
        assert_eq!(value(&t, "6", Column::MaxPoints), (Some(d("85")), None), "{code}");
    }
}

#[test]
fn typed_values_are_never_restored() {
    let rows = vec![
        scanned("5.5", sure("1,5"), sure("1,5")),
        scanned("5.5.1", sure("0,5"), once("5")),
        scanned("5.5.2", sure("1"), sure("1")),
    ];
    let typed = rows.into_iter().map(|r| TableRow { scanned: Vec::new(), from_scan: false, ..r }).collect();
    assert_eq!(value(&tree(typed), "5.5.1", Column::SelfScore), (Some(d("5")), None));
}

#[test]
fn a_reading_is_a_misreading_of_the_wanted_value_by_its_separator_or_one_end_digit() {
    use Restoration::*;
    let cases = [
        ("85", "8,5", Some(Separator)),
        ("5", "0,5", Some(Separator)),
        ("025", "0,25", Some(Separator)),
        ("135", "1,35", Some(Separator)),
        ("4", "14", Some(DroppedDigit)),
        ("12,570", "12,5709", Some(DroppedDigit)),
        ("2", "2,5", Some(DroppedDigit)),
        ("2", "2,25", None),
        ("15", "5", Some(ExtraDigit)),
        ("1.55", "1,5", Some(ExtraDigit)),
        // A digit read as another, in the middle, or the separator moved: not these.
        ("2", "3", None),
        ("0,5", "0,75", None),
        ("1,35", "13,5", None),
        ("3", "1,5", None),
        ("8,5", "8,5", None),
        ("8a5", "8,5", None),
    ];
    for (text, wanted, how) in cases {
        assert_eq!(misreading(text, d(wanted)), how, "{text} for {wanted}");
    }
}
