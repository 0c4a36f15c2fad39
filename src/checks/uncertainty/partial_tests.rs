//! Findings on what was read only in part: a claimed total whose separator
//! was put back, a rubric cut at a page break.

use super::tests::{d, run, run_with, scanned, sure};
use crate::model::{Column, FindingKind, Severity};
use crate::prose::{GuessedClaim, ProseFacts};
use crate::table::RowKind;

#[test]
fn a_claimed_total_whose_separator_was_put_back_is_uncertain() {
    let claim = |guessed: Option<&str>| ProseFacts {
        stated_total: Some((Column::SelfScore, d("9,7"))),
        stated_total_guessed: guessed.map(|read| GuessedClaim::Separator(read.to_owned())),
        ..ProseFacts::default()
    };
    let stated = |prose: &ProseFacts| {
        let rows = vec![scanned("1", sure("4"), sure("3"), 1), scanned("1.1", sure("4"), sure("3"), 2)];
        let checked = run_with(rows, prose);
        let f = checked.findings.into_iter().find(|f| f.kind == FindingKind::StatedTotalMismatch).unwrap();
        (f.severity, f.uncertain, f.message.contains("\"9 7\""))
    };
    assert_eq!(stated(&claim(None)), (Severity::Error, false, false));
    assert_eq!(stated(&claim(Some("9 7"))), (Severity::Warning, true, true));
}

#[test]
fn a_rubric_cut_at_a_page_break_the_next_page_lost_is_uncertain() {
    // 1.2's options go on past page 2, and the next criterion read is not the one after it.
    let rubric_of = |next: &str| {
        let mut plan = scanned("1.2", sure("3"), sure("3"), 1);
        plan.rubric = crate::table::rubric::read("- Báo cáo đầy đủ về CCHC thì đánh giá là: 0,5");
        let mut option = plan.clone();
        (option.kind, option.code, option.values, option.scanned) =
            (RowKind::Unnumbered, None, Default::default(), vec![]);
        let mut after = scanned(next, sure("1"), sure("1"), 3);
        after.location.page = Some(3);
        let checked = run(vec![scanned("1", sure("4"), sure("4"), 0), plan, option, after]);
        let f = checked.findings.into_iter().find(|f| f.kind == FindingKind::MaxDiffersFromRubric).unwrap();
        f.uncertain
    };
    assert!(rubric_of("5"));
    assert!(!rubric_of("1.3"));
}
