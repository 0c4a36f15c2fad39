//! The rules on small tables read the way documents are (a `;`-separated
//! sheet through the real table reader and tree).

use chrono::NaiveDate;

use crate::checks::check;
use crate::config::{Deadline, Limits, Options};
use crate::extract::sheets::delimited;
use crate::extract::Budget;
use crate::model::{Column, Finding, FindingKind};
use crate::prose::ProseFacts;

const HEADER: &str = "STT;Tiêu chí;Điểm chuẩn;Điểm tự đánh giá;Tài liệu kiểm chứng\n";

/// The rubric and evidence findings on `rows` (under [`HEADER`]) of a report
/// for `year`, dated `date`.
fn findings(rows: &str, year: i32, date: Option<(i32, u32, u32)>) -> Vec<Finding> {
    findings_under(HEADER, rows, year, date)
}

fn findings_under(header: &str, rows: &str, year: i32, date: Option<(i32, u32, u32)>) -> Vec<Finding> {
    let csv = format!("{header}{rows}");
    let mut document = delimited::extract(csv.as_bytes(), &mut Budget::new(Limits::default())).expect("csv");
    crate::text::normalize_document(&mut document);
    let table = crate::table::find_scoring_table(&document, &Deadline::none()).expect("in time").expect("a table");
    let tree = crate::tree::build(&table, &Deadline::none()).expect("in time");
    let date = date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
    let prose = ProseFacts { year: Some(year), date, ..ProseFacts::default() };
    let checked =
        check(&table, &tree, &prose, &document, None, &Options::default(), &Deadline::none()).expect("in time");
    checked.findings.into_iter().filter(|f| f.kind.is_rubric()).collect()
}

fn keys(found: &[Finding]) -> Vec<(FindingKind, &str, Column)> {
    found.iter().map(|f| (f.kind, f.code.as_deref().unwrap_or(""), f.column.expect("a column"))).collect()
}

const PLAN: &str = "Kế hoạch số 52/KH-UBND ngày 28/12/2020";

#[test]
fn a_score_and_a_maximum_the_rubric_does_not_allow() {
    let rows = format!(
        "3.3.3;Công khai kết quả - 100% được công khai thì đánh giá là: 0,5 - Dưới 100% thì đánh giá là: 0;1;1;{PLAN}\n\
         3.3.4;Thực hiện quy chế - Đúng quy định thì đánh giá là: 1 - Không đúng thì đánh giá là: 0;1;0,5;{PLAN}\n\
         3.3.5;Thực hiện quy chế - Đúng quy định thì đánh giá là: 1 - Không đúng thì đánh giá là: 0;1;1;{PLAN}\n"
    );
    let found = findings(&rows, 2021, None);
    use FindingKind::*;
    assert_eq!(
        keys(&found),
        [
            (ScoreNotInRubric, "3.3.3", Column::SelfScore),
            (MaxDiffersFromRubric, "3.3.3", Column::MaxPoints),
            (ScoreNotInRubric, "3.3.4", Column::SelfScore)
        ]
    );
    let basis = found[0].basis.as_ref().expect("basis");
    assert_eq!(basis.options, ["0".parse().unwrap(), "0.5".parse::<rust_decimal::Decimal>().unwrap()]);
    assert!(found[0].message.contains("100% được công khai thì đánh giá là: 0,5"), "{}", found[0].message);
    assert_eq!(found[1].expected, Some("0.5".parse().unwrap()));
}

#[test]
fn a_checklist_and_a_formula_allow_what_their_lines_add_up_to() {
    let rows = format!(
        "2.2.3;Hoạt động - Thu thập thông tin thì đánh giá là: 0,25 - Kiểm tra thì đánh giá là: 0,25 - Điều tra thì đánh giá là: 0,5;1;0,75;{PLAN}\n\
         1.1.3;Mức độ hoàn thành - Từ 80% đến 100% thì đánh giá theo công thức: [Tỷ lệ % hoàn thành X 1.50 / 100] - Dưới 80% thì đánh giá là: 0;1,5;1,43;{PLAN}\n\
         3.3.2;Xử lý PAKN - Từ 80% đến 100% thì đánh giá theo công thức: [Tỷ lệ % X 0.50/ 100] - Dưới 80% thì đánh giá là: 0;1;1;{PLAN}\n"
    );
    let found = findings(&rows, 2021, None);
    assert_eq!(keys(&found), [(FindingKind::MaxDiffersFromRubric, "3.3.2", Column::MaxPoints)]);
}

#[test]
fn the_timely_option_needs_a_plan_issued_by_the_deadline() {
    let rubric = "Ban hành kế hoạch kịp thời (trước ngày 15/01 hàng năm): - Ban hành kịp thời thì đánh giá là: 0,5 - Ban hành không kịp thời thì đánh giá là: 0,25 - Không ban hành thì đánh giá là: 0";
    let late = findings(&format!("1.1.1;{rubric};0,5;0,5;KH số 61/KH-UBND ngày 20/01/2021\n"), 2021, None);
    assert_eq!(keys(&late), [(FindingKind::LateForDeadline, "1.1.1", Column::SelfScore)]);
    assert_eq!((late[0].stated, late[0].expected), (Some("0.5".parse().unwrap()), Some("0.25".parse().unwrap())));
    assert_eq!(
        late[0].message,
        "Tiêu chí 1.1.1 (bảng 1, dòng 2): điểm tự đánh giá 0,5 điểm (Ban hành kịp thời) nhưng KH số 61/KH-UBND ngày \
         20/01/2021 ban hành sau hạn 15/01/2021; theo thang điểm chỉ được 0,25"
    );
    // Options written value first: the message names the option by its label.
    let first =
        "Ban hành kế hoạch (trước ngày 15/01 hàng năm):\n- 0,5 điểm: Ban hành kịp thời\n- 0 điểm: Không ban hành";
    let late = findings(&format!("1.1.1;\"{first}\";0,5;0,5;KH số 61/KH-UBND ngày 20/01/2021\n"), 2021, None);
    assert!(late[0].message.contains("0,5 điểm (Ban hành kịp thời)"), "{}", late[0].message);
    let dashed = first.replace("0,5 điểm:", "0,5 điểm –");
    let late = findings(&format!("1.1.1;\"{dashed}\";0,5;0,5;KH số 61/KH-UBND ngày 20/01/2021\n"), 2021, None);
    assert!(late[0].message.contains("0,5 điểm (Ban hành kịp thời)"), "{}", late[0].message);
    // On the deadline is in time; a report dated late is not the plan; the lower option claims no timeliness.
    for (score, evidence) in [
        ("0,5", "KH số 61/KH-UBND ngày 15/01/2021"),
        ("0,5", "Kế hoạch số 1/KH-UBND ngày 10/01/2021 và Báo cáo số 9/BC-UBND ngày 20/01/2021"),
        ("0,25", "KH số 61/KH-UBND ngày 20/01/2021"),
    ] {
        let found = findings(&format!("1.1.1;{rubric};0,5;{score};{evidence}\n"), 2021, None);
        assert!(found.is_empty(), "{score} {evidence}: {found:?}");
    }
}

#[test]
fn cited_documents_dated_after_the_report_or_outside_the_period() {
    let rows = "1.1;Kế hoạch;1;1;Quyết định số 152/QĐ-UBND ngày 31/12/2021\n\
                1.2;Báo cáo;1;1;Báo cáo số 50/BC-UBND ngày 16/7/2019, tính đến 31/7/2015\n\
                1.3;Báo cáo;1;1;Báo cáo số 47/BC-UBND ngày 14/7/2020, Nghị định số 81/2013/NĐ-CP\n\
                1.4;Kiểm tra;1;1;BC 1467/BC-UBND 25/11/2023\n";
    let dated = findings(rows, 2021, Some((2021, 11, 30)));
    use FindingKind::*;
    assert_eq!(
        keys(&dated),
        [
            (EvidenceAfterReport, "1.1", Column::Evidence),
            (EvidenceOutsidePeriod, "1.2", Column::Evidence),
            (EvidenceAfterReport, "1.4", Column::Evidence)
        ]
    );
    assert_eq!(
        dated[0].basis.as_ref().and_then(|b| b.dates.map(|(cited, _)| cited.to_string())).as_deref(),
        Some("2021-12-31")
    );
    // A two-digit year after the report may be a slip of the pen: silence; before it, it is read.
    let short =
        "1.1;Kế hoạch;1;1;Quyết định số 152/QĐ-UBND ngày 31/12/21\n1.2;Báo cáo;1;1;BC số 50/BC-UBND ngày 16/7/19\n";
    assert_eq!(keys(&findings(short, 2021, Some((2021, 11, 30)))), [(EvidenceOutsidePeriod, "1.2", Column::Evidence)]);
    // Without a report date: a date two or more years after the assessment year is outside it.
    let undated = findings(rows, 2021, None);
    assert_eq!(
        keys(&undated),
        [(EvidenceOutsidePeriod, "1.2", Column::Evidence), (EvidenceOutsidePeriod, "1.4", Column::Evidence)]
    );
}

#[test]
fn points_claimed_without_evidence() {
    let rows = format!(
        "1;Chỉ đạo;5;4;\n1.1;Kế hoạch;1;1;{PLAN}\n1.2;Báo cáo;1;1;Năm 2021 không phát sinh\n1.3;Kiểm tra;1;1;\n\
         1.4;Tuyên truyền;1;0;\n1.5;Sáng kiến;1;1;{PLAN}\n"
    );
    let found = findings(&rows, 2021, None);
    // 1.4 claims nothing; prose is evidence.
    assert_eq!(keys(&found), [(FindingKind::MissingEvidence, "1.3", Column::Evidence)]);
    assert_eq!(found[0].stated, Some(1.into()));
    // A column left empty throughout is no list of evidence.
    let empty = "1;Chỉ đạo;3;3;\n1.1;Kế hoạch;1;1;\n1.2;Báo cáo;1;1;\n1.3;Kiểm tra;1;1;\n";
    assert!(findings(empty, 2021, None).is_empty());
}

#[test]
fn a_notes_column_listing_documents_is_the_evidence() {
    let header = "STT;Tiêu chí;Điểm chuẩn;Điểm tự đánh giá;Ghi chú\n";
    let listed = "1.1;Kế hoạch;1;1;KH 52/KH-UBND ngày 28/12/2020\n1.2;Báo cáo;1;1;\n\
                  1.3;Báo cáo;1;1;BC số 50/BC-UBND ngày 16/7/2019\n1.4;Kiểm tra;1;1;TB 12/TB-UBND\n";
    use FindingKind::*;
    assert_eq!(
        keys(&findings_under(header, listed, 2021, None)),
        [(MissingEvidence, "1.2", Column::Evidence), (EvidenceOutsidePeriod, "1.3", Column::Evidence)]
    );
    // Remarks, with a document named here and there: no evidence column.
    let remarks = "1.1;Kế hoạch;1;1;Đạt\n1.2;Báo cáo;1;1;\n1.3;Báo cáo;1;1;Chưa đủ hồ sơ\n\
                   1.4;Kiểm tra;1;1;BC số 50/BC-UBND ngày 16/7/2019\n";
    assert!(findings_under(header, remarks, 2021, None).is_empty());
}
