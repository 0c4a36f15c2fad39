use super::*;
use crate::model::Scores;
use crate::table::rubric;

fn table_row(kind: RowKind, code: Option<&str>, title: &str) -> TableRow {
    TableRow {
        kind,
        code: code.map(str::to_owned),
        title: title.to_owned(),
        values: Scores::default(),
        location: crate::grid::Location::default(),
        scanned: Vec::new(),
        from_scan: false,
        rubric: rubric::Reading::default(),
        text_confidence: None,
        evidence: None,
        cells: Default::default(),
    }
}

#[test]
fn scanned_codes_are_put_right_by_their_neighbours() {
    let row = |code: &str| table_row(RowKind::Criterion, Some(code), "");
    let mut rows: Vec<TableRow> =
        ["1", "1", "11", "1.1.1", "12", "2", "2.1", "23.1", "2.3", "23.1", "24"].into_iter().map(row).collect();
    let mut text = rows.clone();
    rows.iter_mut().for_each(|r| r.from_scan = true);
    repair_scanned_codes(&mut rows, None);
    let codes: Vec<&str> = rows.iter().filter_map(|r| r.code.as_deref()).collect();
    assert_eq!(codes, ["I", "1", "1.1", "1.1.1", "1.2", "2", "2.1", "23.1", "2.3", "2.3.1", "2.4"]);
    assert_eq!(rows[0].kind, RowKind::Roman);
    // What a text document says is never changed.
    repair_scanned_codes(&mut text, None);
    assert!(text.iter().all(|r| r.kind == RowKind::Criterion && r.code.as_deref().is_some_and(|c| !c.contains('I'))));
    assert_eq!(text[2].code.as_deref(), Some("11"));
    // A section `1` before a `1.1` that lost its dot stays a section.
    let mut rows = vec![row("1"), row("1"), row("1.1.1")];
    rows.iter_mut().for_each(|r| r.from_scan = true);
    repair_scanned_codes(&mut rows, None);
    let codes: Vec<&str> = rows.iter().filter_map(|r| r.code.as_deref()).collect();
    assert_eq!((codes, rows[0].kind), (vec!["1", "1.1", "1.1.1"], RowKind::Criterion));
    // A section `1` read as Roman `I`: its first criterion follows it.
    let mut rows = vec![table_row(RowKind::Roman, Some("I"), ""), row("1.1"), row("2")];
    rows.iter_mut().for_each(|r| r.from_scan = true);
    repair_scanned_codes(&mut rows, None);
    assert_eq!((rows[0].kind, rows[0].code.as_deref()), (RowKind::Criterion, Some("1")));
}

#[test]
fn a_code_missing_its_first_digits_is_the_next_criterion() {
    let row = table_row;
    let make = || {
        vec![
            row(RowKind::Criterion, Some("3.2.1"), "Công khai TTHC"),
            row(RowKind::Unnumbered, None, "22: Công khai thủ tục"),
            row(RowKind::Unnumbered, None, "- Có 02 sáng kiến"),
            row(RowKind::Criterion, Some("3.3"), "Tiếp nhận"),
        ]
    };
    let mut rows = make();
    rows.iter_mut().for_each(|r| r.from_scan = true);
    repair_scanned_codes(&mut rows, None);
    assert_eq!(
        (rows[1].kind, rows[1].code.as_deref(), rows[1].title.as_str()),
        (RowKind::Criterion, Some("3.2.2"), "Công khai thủ tục")
    );
    assert_eq!(rows[2].kind, RowKind::Unnumbered);
    let mut text = make();
    repair_scanned_codes(&mut text, None);
    assert_eq!(text, make());
}

fn scanned(rows: &[(RowKind, Option<&str>, &str)]) -> Vec<TableRow> {
    let mut scores = Scores::default();
    scores.set(crate::model::Column::MaxPoints, Some(1.into()));
    rows.iter()
        .map(|&(kind, code, title)| TableRow { from_scan: true, values: scores, ..table_row(kind, code, title) })
        .collect()
}

#[test]
fn bars_before_a_section_are_its_roman_group() {
    assert_eq!(bars_numeral("]").as_deref(), Some("I"));
    assert_eq!(bars_numeral(" |l. ").as_deref(), Some("II"));
    for not in ["", "1", "]]]]", "a", "-"] {
        assert_eq!(bars_numeral(not), None, "{not:?}");
    }
    let heading = (RowKind::Roman, Some("I"), "ĐÁNH GIÁ CHỈ SỐ");
    let mut rows = scanned(&[heading, (RowKind::Criterion, Some("1"), "CÔNG TÁC"), heading]);
    repair(&mut rows, &[0, 2], &[], false, None);
    let kinds: Vec<(RowKind, Option<&str>)> = rows.iter().map(|r| (r.kind, r.code.as_deref())).collect();
    assert_eq!(kinds, [(RowKind::Roman, Some("I")), (RowKind::Criterion, Some("1")), (RowKind::Unnumbered, None)]);
}

#[test]
fn a_numbered_leaf_that_lost_its_code_is_the_next_leaf() {
    use RowKind::{Criterion, Unnumbered};
    let mut rows = scanned(&[
        (Criterion, Some("2.2.3"), "Xử lý"),
        (Criterion, Some("2.3"), "Kiểm tra"),
        (Unnumbered, None, "nênan chức triển khai"),
        (Criterion, Some("2.3.2"), "Ban hành"),
        (Unnumbered, None, "H722: Công khai"),
        (Unnumbered, None, "Tỷ lệ giảm"),
        (Unnumbered, None, "- Có kế hoạch"),
        (Unnumbered, None, "Thực hiện"),
        (Criterion, Some("2.4"), "Phổ biến"),
    ]);
    let numbers = ["19", "TC", "20", "21", "22", "23", "", "25", "26"];
    repair(&mut rows, &[], &numbers, true, None);
    let codes: Vec<Option<&str>> = rows.iter().map(|r| r.code.as_deref()).collect();
    // Number 25 does not follow 23: that row stays unnumbered.
    let want = [Some("2.2.3"), Some("2.3"), Some("2.3.1"), Some("2.3.2"), Some("2.3.3"), Some("2.3.4"), None, None];
    assert_eq!(codes[..8], want);
    // A guess the next criterion read cannot follow, or one it holds, is no guess.
    let mut rows = scanned(&[(Criterion, Some("7.2.4"), ""), (Unnumbered, None, ""), (Criterion, Some("7.3.2"), "")]);
    repair(&mut rows, &[], &["86", "87", "88"], true, None);
    assert_eq!(rows[1].code, None);
    let mut rows = scanned(&[(Criterion, Some("3.1.1"), ""), (Unnumbered, None, ""), (Criterion, Some("3.1.2"), "")]);
    repair(&mut rows, &[], &["5", "6", "7"], true, None);
    assert_eq!(rows[1].code, None);
}

#[test]
fn a_running_number_misread_by_one_digit_between_its_neighbours_is_mended() {
    let mended = |read: [Option<u32>; 4]| {
        let mut numbers = read;
        mend_running_numbers(&mut numbers);
        numbers
    };
    // `6` for 60, `344` for 34, `83` for 63, a row without a number between.
    assert_eq!(mended([Some(59), Some(6), None, Some(61)]), [Some(59), Some(60), None, Some(61)]);
    assert_eq!(mended([Some(33), Some(344), Some(35), None]), [Some(33), Some(34), Some(35), None]);
    assert_eq!(mended([Some(62), Some(83), Some(64), Some(65)]), [Some(62), Some(63), Some(64), Some(65)]);
    // Neighbours that leave it no one value, or a number two digits off: as read.
    for read in [[Some(68), Some(6), Some(69), None], [Some(59), Some(7), Some(61), None]] {
        assert_eq!(mended(read), read);
    }
}

#[test]
fn codes_a_thick_copy_lost_dots_of_are_read_past_the_ones_left_garbled() {
    use RowKind::{Criterion, Unnumbered};
    let codes = |rows: &[TableRow]| rows.iter().map(|r| r.code.clone().unwrap_or_default()).collect::<Vec<_>>();
    // `22.43` can only be put right once `23` after it is `2.3`.
    let mut rows: Vec<TableRow> = scanned(
        &["2.2.2", "22.43", "23", "23.1", "23.2", "2.3.3", "2.3.4", "24", "3"].map(|c| (Criterion, Some(c), "")),
    );
    repair(&mut rows, &[], &[], false, None);
    assert_eq!(codes(&rows), ["2.2.2", "2.2.3", "2.3", "2.3.1", "2.3.2", "2.3.3", "2.3.4", "2.4", "3"]);
    // `1.32` skips `1.3.1` only where a row between lost its code; the
    // running numbers then give that row `1.3.1`.
    let make = || {
        scanned(&[
            (Criterion, Some("1.2"), ""),
            (Criterion, Some("1.3"), ""),
            (Unnumbered, None, "1.3L Ban hành"),
            (Criterion, Some("1.32"), ""),
            (Criterion, Some("1.33"), ""),
            (Criterion, Some("1.4"), ""),
        ])
    };
    let mut rows = make();
    repair(&mut rows, &[], &["4", "", "5", "6", "7", ""], true, None);
    assert_eq!(codes(&rows), ["1.2", "1.3", "1.3.1", "1.3.2", "1.3.3", "1.4"]);
    // Two leaves in a row that lost their codes before `1.3`: only
    // `1.1.3`, `1.2` reach it (`1.1.3`, `1.1.4` do not); then `1.3.1`.
    let mut rows = scanned(&[
        (Criterion, Some("1.1.2"), ""),
        (Unnumbered, None, "113. Mức độ"),
        (Unnumbered, None, "1⁄2. Thực hiện"),
        (Criterion, Some("1.3"), ""),
        (Unnumbered, None, "1.3L Ban hành"),
        (Criterion, Some("1.32"), ""),
    ]);
    repair(&mut rows, &[], &["2", "3", "4", "", "5", "6"], true, None);
    assert_eq!(codes(&rows), ["1.1.2", "1.1.3", "1.2", "1.3", "1.3.1", "1.3.2"]);
    // A numbered row is a leaf: before `6.2.1`, with the group row `6.2`
    // lost between, row 74 is no `6.2` (which `6.2.1` would follow).
    let mut rows = scanned(&[
        (Criterion, Some("6.1.2"), ""),
        (Unnumbered, None, ""),
        (Unnumbered, None, "no 6.2. Thực hiện"),
        (Criterion, Some("6.2.1"), ""),
    ]);
    repair(&mut rows, &[], &["73", "74", "", "75"], true, None);
    assert_eq!(codes(&rows), ["6.1.2", "", "", "6.2.1"]);
    let mut rows = make();
    rows.remove(2);
    repair(&mut rows, &[], &["4", "", "6", "7", ""], true, None);
    assert_eq!(codes(&rows), ["1.2", "1.3", "1.32", "1.33", "1.4"]);
    // As many codes skipped as rows between lost theirs; a page goes on
    // from the last code of the page before.
    let mut rows = scanned(&[
        (Unnumbered, None, "Thực hiện"),
        (Unnumbered, None, "4-12. Tự kiểm tra"),
        (Criterion, Some("4.33"), ""),
        (Criterion, Some("4.4"), ""),
    ]);
    repair(&mut rows, &[], &[], false, Some("4.3"));
    assert_eq!(codes(&rows), ["", "", "4.3.3", "4.4"]);
    // Numbered, those rows are the leaves between; an unnumbered row of
    // scores with neither code nor title is the group the next code opens.
    let mut rows = scanned(&[
        (Criterion, Some("4.2.3"), ""),
        (Criterion, Some("4.3"), ""),
        (Unnumbered, None, "Thực hiện"),
        (Unnumbered, None, "4-12. Tự kiểm tra"),
        (Criterion, Some("4.33"), ""),
        (Unnumbered, None, ""),
        (Criterion, Some("4.4.1"), ""),
    ]);
    repair(&mut rows, &[], &["50", "", "51", "52", "53", "", "54"], true, None);
    assert_eq!(codes(&rows), ["4.2.3", "4.3", "4.3.1", "4.3.2", "4.3.3", "4.4", "4.4.1"]);
    // A leaf is guessed past numbered rows only: `4.3.4` cannot go before
    // `5.1` over a section heading that OCR left unnumbered.
    let mut rows = scanned(&[
        (Criterion, Some("4.3.3"), ""),
        (Unnumbered, None, "44 Thực hiện"),
        (Unnumbered, None, "5. XÂY DỰNG"),
        (Criterion, Some("5.1"), ""),
    ]);
    repair(&mut rows, &[], &["53", "54", "", ""], true, None);
    assert_eq!(codes(&rows), ["4.3.3", "", "", "5.1"]);
    // Before a section, a leaf after `4.3.3` may be `4.3.4` or `4.4`: no guess.
    let mut rows =
        scanned(&[(Criterion, Some("4.3.3"), ""), (Unnumbered, None, "Thực hiện"), (Criterion, Some("5"), "")]);
    repair(&mut rows, &[], &["53", "54", ""], true, None);
    assert_eq!(codes(&rows), ["4.3.3", "", "5"]);
    let mut rows = scanned(&[(Criterion, Some("34"), ""), (Criterion, Some("3.4.1"), "")]);
    repair(&mut rows, &[], &[], false, Some("3.3.3"));
    assert_eq!(codes(&rows), ["3.4", "3.4.1"]);
}

#[test]
fn dotless_misread_and_garbled_group_codes_are_put_right_by_their_neighbours() {
    use RowKind::{Criterion, Unnumbered};
    let codes = |rows: &[TableRow]| rows.iter().map(|r| r.code.clone()).collect::<Vec<_>>();
    let some = |c: &[&str]| c.iter().map(|c| (!c.is_empty()).then(|| c.to_string())).collect::<Vec<_>>();
    // `131` in the code column after `1.3`; a running number is no code.
    let rows =
        || scanned(&[(Criterion, Some("1.3"), ""), (Unnumbered, None, "Kế hoạch"), (Criterion, Some("1.3.2"), "")]);
    let mut dotless = rows();
    repair(&mut dotless, &[], &["1.3", "131", "1.3.2"], false, None);
    assert_eq!(codes(&dotless), some(&["1.3", "1.3.1", "1.3.2"]));
    let mut numbered = rows();
    repair(&mut numbered, &[], &["", "131", ""], true, None);
    assert_eq!(codes(&numbered), some(&["1.3", "", "1.3.2"]));
    // `5,21` after `5.2`, its code read as `5` (before the comma).
    let mut comma = scanned(&[(Criterion, Some("5.2"), ""), (Criterion, Some("5"), "")]);
    repair(&mut comma, &[], &["5.2", "5,21"], false, None);
    assert_eq!(codes(&comma), some(&["5.2", "5.2.1"]));
    // One digit misread: `7.3.3` between `7.2.2` and `7.2.4`; a code that
    // breaks one link only stays.
    let mut rows = scanned(&[
        (Criterion, Some("7.2.2"), ""),
        (Criterion, Some("7.3.3"), ""),
        (Criterion, Some("7.2.4"), ""),
        (Criterion, Some("7.4"), ""),
        (Criterion, Some("7.4.1"), ""),
    ]);
    repair(&mut rows, &[], &[], false, None);
    assert_eq!(codes(&rows), some(&["7.2.2", "7.2.3", "7.2.4", "7.4", "7.4.1"]));
    // One digit too many: `4.43` between `4.2.3` and `4.3.1`.
    let mut rows =
        scanned(&[(Criterion, Some("4.2.3"), ""), (Criterion, Some("4.43"), ""), (Criterion, Some("4.3.1"), "")]);
    repair(&mut rows, &[], &[], false, None);
    assert_eq!(codes(&rows), some(&["4.2.3", "4.3", "4.3.1"]));
    // One digit lost with its dot: `2.2` between `2.2.1` and `2.2.3`.
    let mut rows =
        scanned(&[(Criterion, Some("2.2.1"), ""), (Criterion, Some("2.2"), ""), (Criterion, Some("2.2.3"), "")]);
    repair(&mut rows, &[], &[], false, None);
    assert_eq!(codes(&rows), some(&["2.2.1", "2.2.2", "2.2.3"]));
    // A digit too many where the dots stand: `41.4` is `4.4`, not `4.3.4`.
    let mut rows =
        scanned(&[(Criterion, Some("4.3.3"), ""), (Criterion, Some("41.4"), ""), (Criterion, Some("5"), "")]);
    repair(&mut rows, &[], &[], false, None);
    assert_eq!(codes(&rows), some(&["4.3.3", "4.4", "5"]));
    // A group row whose garbled code and title share its code cell.
    let mut rows = scanned(&[(Criterion, Some("3.3.3"), ""), (Unnumbered, None, ""), (Criterion, Some("3.4.1"), "")]);
    repair(&mut rows, &[], &["3.3.3.", "TC 3.4... Thực hiện cơ chế một cửa", "3.4.1."], false, None);
    assert_eq!(codes(&rows), some(&["3.3.3", "3.4", "3.4.1"]));
    // A group row whose code is garbled after its prefix is the parent of the next code.
    let mut rows = scanned(&[
        (Criterion, Some("7.2.4"), ""),
        (Unnumbered, None, "TC 7... Cung cấp dịch vụ công"),
        (Unnumbered, None, "Tỷ lệ TTHC"),
        (Criterion, Some("7.3.2"), ""),
    ]);
    repair(&mut rows, &[], &["86", "", "87", "88"], true, None);
    assert_eq!(codes(&rows), some(&["7.2.4", "7.3", "7.3.1", "7.3.2"]));
}
