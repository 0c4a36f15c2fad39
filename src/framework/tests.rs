use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::Value;

use super::*;
use crate::model::{Scores, TableKind};
use crate::table::TableRow;

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal literal")
}

#[test]
fn every_catalog_parses_and_validates_against_the_schema() {
    assert_eq!(catalogs().len(), SOURCES.len(), "a catalog failed to parse");
    let schema: Value = serde_json::from_str(include_str!("../../schemas/criteria.schema.json")).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for source in SOURCES {
        let catalog: Value = serde_json::from_str(source).expect("catalog JSON");
        let errors: Vec<String> =
            validator.iter_errors(&catalog).map(|e| format!("{} at {}", e, e.instance_path)).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", catalog["id"]);
    }
    let ids: Vec<&str> = catalogs().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["thanh-hoa-2021-xa", "thanh-hoa-2021-huyen", "thanh-hoa-2018-huyen"]);
    assert_eq!(catalogs().iter().map(|c| c.criteria.len()).collect::<Vec<_>>(), [94, 91, 120]);
}

/// Where a seed's own numbers disagree, kept as written: (catalog, parent,
/// parent's max, sum of its children's max).
const SEED_DISAGREEMENTS: [(&str, &str, &str, &str); 3] = [
    // Seed 000: 3.3 max 2, children 3.3.1–3.3.3 max 1 each.
    ("thanh-hoa-2021-xa", "3.3", "2", "3"),
    // Seed 000: 2.3.2 has no max, so 2.3's children sum to 2.3.1's 1.
    ("thanh-hoa-2021-xa", "2.3", "2", "1"),
    // Seed 001: 1.1 max 4, children 2 + 1 + 1 + 1.
    ("thanh-hoa-2018-huyen", "1.1", "4", "5"),
];

#[test]
fn catalogs_are_internally_consistent_except_where_the_seeds_disagree() {
    for catalog in catalogs() {
        let mut position: HashMap<&str, usize> = HashMap::new();
        for (i, c) in catalog.criteria.iter().enumerate() {
            assert!(position.insert(c.code.as_str(), i).is_none(), "{}: {} twice", catalog.id, c.code);
            if let Some(parent) = &c.parent {
                let p = position.get(parent.as_str());
                assert!(p.is_some(), "{}: parent {parent} of {} missing or after it", catalog.id, c.code);
                let numbered_child = c.code.starts_with(&format!("{parent}."));
                let section_in_group = !c.code.contains('.') && parent.chars().all(|ch| "IVXL".contains(ch));
                assert!(
                    numbered_child || section_in_group,
                    "{}: {parent} is not an ancestor of {}",
                    catalog.id,
                    c.code
                );
            }
        }

        let mut children_sum: HashMap<&str, Decimal> = HashMap::new();
        for c in &catalog.criteria {
            if let (Some(parent), Some(max)) = (&c.parent, c.max_points) {
                *children_sum.entry(parent.as_str()).or_default() += max;
            }
        }
        for c in catalog.criteria.iter().filter(|c| children_sum.contains_key(c.code.as_str())) {
            let (Some(max), sum) = (c.max_points, children_sum[c.code.as_str()]) else {
                continue;
            };
            let known = SEED_DISAGREEMENTS.iter().find(|(id, code, ..)| *id == catalog.id && *code == c.code);
            match known {
                Some((_, code, stated, summed)) => {
                    assert_eq!((max, sum), (dec(stated), dec(summed)), "{}: {code}", catalog.id);
                    assert!(
                        catalog.notes.iter().any(|n| n.contains(code)),
                        "{}: notes must explain {code}",
                        catalog.id
                    );
                }
                None if c.partial => assert!(sum <= max, "{}: {} children {sum} > max {max}", catalog.id, c.code),
                None => assert_eq!(sum, max, "{}: {} children's max", catalog.id, c.code),
            }
        }

        let top: Decimal = catalog.criteria.iter().filter(|c| c.parent.is_none()).filter_map(|c| c.max_points).sum();
        assert_eq!(top, Decimal::ONE_HUNDRED, "{}: top-level maxima", catalog.id);

        let shares: Vec<Decimal> = catalog.rating_bands.iter().map(|b| b.min_share).collect();
        assert!(shares.windows(2).all(|w| w[0] > w[1]), "{}: bands highest first", catalog.id);
        assert!(shares.iter().all(|s| (Decimal::ZERO..=Decimal::ONE).contains(s)));
        // Nothing in the seeds verifies the bands: each says so.
        assert!(catalog.rating_bands.iter().all(|b| b.source.contains("not verified")));
    }
}

fn row(kind: RowKind, code: Option<&str>, title: &str, max: Option<&str>, score: Option<&str>, n: usize) -> TableRow {
    let mut values = Scores::default();
    values.set(Column::MaxPoints, max.map(dec));
    values.set(Column::SelfScore, score.map(dec));
    TableRow {
        kind,
        code: code.map(str::to_owned),
        title: title.to_owned(),
        values,
        location: Location { table: 1, row: n, page: None, sheet: None },
        scanned: Vec::new(),
        from_scan: false,
        rubric: Default::default(),
        text_confidence: None,
        evidence: None,
        cells: Default::default(),
    }
}

fn scoring(rows: Vec<TableRow>) -> ScoringTable {
    ScoringTable {
        kind: TableKind::SelfAssessment,
        columns: vec![Column::MaxPoints, Column::SelfScore],
        rows,
        notes: Vec::new(),
    }
}

fn prose(level: &str, year: i32, rating: Option<&str>) -> ProseFacts {
    ProseFacts {
        unit_level: Some(level.to_owned()),
        year: Some(year),
        rating: rating.map(str::to_owned),
        ..ProseFacts::default()
    }
}

/// The catalog chosen for a table and the framework's findings on it.
struct Outcome {
    catalog: Option<&'static Catalog>,
    findings: Vec<Finding>,
}

fn run_chosen(chosen: Option<&str>, table: &ScoringTable, prose: &ProseFacts) -> Outcome {
    let catalog = choose(chosen, table, prose);
    let tree = crate::tree::build(table, &crate::config::Deadline::none()).unwrap();
    let (document, options) = (crate::grid::Document::default(), crate::config::Options::default());
    let facts = crate::checks::Facts {
        table,
        tree: &tree,
        prose,
        document: &document,
        catalog,
        recalculated: crate::checks::recalculate(&tree),
        options: &options,
    };
    let findings = crate::checks::framework::check(&facts);
    Outcome { catalog, findings }
}

fn run(table: &ScoringTable, prose: &ProseFacts) -> Outcome {
    run_chosen(None, table, prose)
}

fn kinds<'a>(outcome: &'a Outcome, kind: &str) -> Vec<&'a Finding> {
    outcome.findings.iter().filter(|f| f.kind.name() == kind).collect()
}

/// Seed 001, section 4, as written: 4.3.2 appears as a second `4.2`.
fn seed_001_section_4() -> ScoringTable {
    use RowKind::*;
    let rows = [
        (Criterion, Some("4"), "CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC", Some("9"), Some("9")),
        (Criterion, Some("4.1"), "Tuân thủ các quy định của Chính phủ, các bộ, của tỉnh về tổ chức bộ máy", Some("3"), Some("3")),
        (Criterion, Some("4.1.1"), "Kịp thời điều chỉnh chức năng, nhiệm vụ các phòng ban, đơn vị trực thuộc theo quy định", Some("1"), Some("1")),
        (Unnumbered, None, "Kịp thời: 1", None, None),
        (Criterion, Some("4.1.2"), "Ban hành theo thẩm quyền quy chế phối hợp giữa các phòng ban, đơn vị trực thuộc để thực hiện nhiệm vụ có tính chất liên ngành", Some("1"), Some("1")),
        (Criterion, Some("4.1.3"), "Ban hành Quy chế làm việc của UBND cấp huyện theo quy định", Some("1"), Some("1")),
        (Criterion, Some("4.2"), "Kiểm tra tình hình tổ chức và hoạt động của các cơ quan chuyên môn cấp huyện", Some("3"), Some("3")),
        (Criterion, Some("4.2.1"), "Ban hành kế hoạch kiểm tra", Some("1"), Some("1")),
        (Criterion, Some("4.2.2"), "Mức độ thực hiện kế hoạch kiểm tra", Some("1"), Some("1")),
        (Criterion, Some("4.2.3"), "Xử lý các vấn đề phát hiện qua kiểm tra", Some("1"), Some("1")),
        (Criterion, Some("4.3"), "Thực hiện phân cấp quản lý", Some("3"), Some("3")),
        (Criterion, Some("4.3.1"), "Thực hiện các quy định về phân cấp quản lý do Ủy ban nhân dân tỉnh ban hành", Some("1"), Some("1")),
        (Criterion, Some("4.2"), "Thực hiện tự kiểm tra, đánh giá định kỳ đối với các nhiệm vụ đã phân cấp cho cấp huyện", Some("1"), Some("1")),
        (Unnumbered, None, "Có thực hiện: 1", None, None),
        (Criterion, Some("4.3.3"), "Tự xử lý hoặc kiến nghị xử lý các vấn đề về phân cấp phát hiện qua kiểm tra", Some("1"), Some("1")),
    ];
    scoring(rows.into_iter().enumerate().map(|(n, (k, c, t, m, s))| row(k, c, t, m, s, n + 1)).collect())
}

#[test]
fn the_wrong_4_2_of_seed_001_is_reported_as_4_3_2_without_changing_the_code() {
    let table = seed_001_section_4();
    let outcome = run(&table, &prose("huyện", 2018, None));
    assert_eq!(outcome.catalog.map(|c| c.id.as_str()), Some("thanh-hoa-2018-huyen"));

    let repaired = kinds(&outcome, "code_repaired");
    assert_eq!(repaired.len(), 1, "{repaired:?}");
    assert_eq!(repaired[0].code.as_deref(), Some("4.2"), "the written code is kept");
    assert_eq!(repaired[0].severity, Severity::Info);
    assert!(repaired[0].message.contains("Dòng ghi mã 4.2 (bảng 1, dòng 13)"), "{}", repaired[0].message);
    assert!(repaired[0].message.contains("tiêu chí 4.3.2"), "{}", repaired[0].message);

    // The repaired row stands for 4.3.2: it is not missing, and nothing in section 4 is.
    let missing: Vec<&str> = kinds(&outcome, "missing_criterion").iter().filter_map(|f| f.code.as_deref()).collect();
    assert!(!missing.iter().any(|c| c.starts_with("4.")), "{missing:?}");
    assert!(missing.contains(&"8.3.2"), "other sections are absent from this excerpt");
    assert!(kinds(&outcome, "max_differs_from_framework").is_empty());
    // Partial catalog: no unknown criteria, and none of the contract's kinds.
    assert!(kinds(&outcome, "unknown_criterion").is_empty());
    assert!(outcome.findings.iter().all(|f| !f.kind.is_contract()));
}

#[test]
fn a_changed_max_and_a_row_without_code_are_found() {
    let mut table = seed_001_section_4();
    table.rows[2].values.set(Column::MaxPoints, Some(dec("2"))); // 4.1.1
    table.rows[9].code = None; // 4.2.3 written without its code
    table.rows[9].kind = RowKind::Unnumbered;
    let outcome = run(&table, &prose("huyện", 2018, None));
    let changed = kinds(&outcome, "max_differs_from_framework");
    assert_eq!(changed.len(), 1);
    assert_eq!(
        (changed[0].code.as_deref(), changed[0].stated, changed[0].expected),
        (Some("4.1.1"), Some(dec("2")), Some(dec("1")))
    );
    let repaired: Vec<&str> = kinds(&outcome, "code_repaired").iter().map(|f| f.message.as_str()).collect();
    assert!(
        repaired.iter().any(|m| m.starts_with("Dòng không ghi mã (bảng 1, dòng 10)") && m.contains("4.2.3")),
        "{repaired:?}"
    );
}

/// A complete commune table following seed 000: every catalog criterion with
/// its catalog max and a full self score (2.3.2, which has no max, scores 1),
/// Roman rows and a total row; 4.3 and 4.4 lose their point each.
fn seed_000_like() -> ScoringTable {
    let catalog = find("thanh-hoa-2021-xa").expect("catalog");
    let mut rows: Vec<TableRow> = catalog
        .criteria
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let kind =
                if c.code.contains(|ch: char| ch.is_ascii_digit()) { RowKind::Criterion } else { RowKind::Roman };
            let max = c.max_points.map(|m| m.to_string());
            let score = if c.code == "4.3" || c.code == "4.4" {
                Some("0".to_owned())
            } else {
                max.clone().or(Some("1".to_owned()))
            };
            row(kind, Some(&c.code), &c.title, max.as_deref(), score.as_deref(), n + 1)
        })
        .collect();
    rows.push(row(RowKind::Total, Some("TOTAL"), "Tổng I + II", Some("100"), Some("99"), rows.len() + 1));
    scoring(rows)
}

#[test]
fn a_stated_rating_that_agrees_with_the_bands_is_no_finding() {
    // Bands of thanh-hoa-2021-xa (unverified, see the catalog): xuất sắc from
    // 90%, tốt from 80%, khá from 70%, trung bình from 50%, yếu below.
    // Recalculated over the leaves: max 100 (2.3.2 has none, 3.3's children
    // count 3 for 3.3's 2), self 100 + 1 (2.3.2) − 2 = 99 → 99% → xuất sắc.
    let table = seed_000_like();
    let agrees = run(&table, &prose("xã", 2021, Some("xuất sắc")));
    assert_eq!(agrees.catalog.map(|c| c.id.as_str()), Some("thanh-hoa-2021-xa"));
    assert!(agrees.findings.is_empty(), "{:#?}", agrees.findings);

    let disagrees = run(&table, &prose("xã", 2021, Some("tốt")));
    let mismatch = kinds(&disagrees, "rating_mismatch");
    assert_eq!(mismatch.len(), 1);
    assert_eq!(mismatch[0].code.as_deref(), Some("TOTAL"));
    assert_eq!(mismatch[0].recalculated, Some(dec("99")));
    assert!(mismatch[0].message.contains("(99%) thuộc mức \"xuất sắc\" (từ 90%)"), "{}", mismatch[0].message);
}

#[test]
fn no_catalog_no_findings() {
    let table = seed_000_like();
    // Another year, or another level: we have no framework for it.
    assert!(run(&table, &prose("xã", 2023, Some("tốt"))).catalog.is_none());
    assert!(run(&table, &prose("sở", 2021, Some("tốt"))).findings.is_empty());
    // Rows that do not look like any catalog.
    let unrelated = scoring(vec![
        row(RowKind::Criterion, Some("1"), "Công tác quản lý đất đai", Some("10"), Some("9"), 1),
        row(RowKind::Criterion, Some("1.1"), "Cấp giấy chứng nhận quyền sử dụng đất", Some("10"), Some("9"), 2),
    ]);
    assert!(run(&unrelated, &ProseFacts::default()).catalog.is_none());
}

#[test]
fn an_unknown_criterion_is_reported_against_a_complete_catalog() {
    let mut table = seed_000_like();
    let extra = row(
        RowKind::Criterion,
        Some("7.6"),
        "Chuyển đổi số trong hoạt động của UBND cấp xã",
        Some("0"),
        Some("0"),
        200,
    );
    let at = table.rows.iter().position(|r| r.code.as_deref() == Some("II")).expect("II row");
    table.rows.insert(at, extra);
    let outcome = run(&table, &prose("xã", 2021, None));
    let unknown = kinds(&outcome, "unknown_criterion");
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].code.as_deref(), Some("7.6"));
    assert!(unknown[0]
        .message
        .starts_with("Tiêu chí 7.6 (bảng 1, dòng 200): không có trong bộ tiêu chí thanh-hoa-2021-xa"));
}

#[test]
fn an_explicit_framework_is_used_even_when_the_prose_points_elsewhere() {
    let table = seed_000_like();
    // The prose says 2023, for which no catalog exists; `--framework` overrides it.
    let outcome = run_chosen(Some("thanh-hoa-2021-xa"), &table, &prose("xã", 2023, None));
    assert_eq!(outcome.catalog.map(|c| c.id.as_str()), Some("thanh-hoa-2021-xa"));
}

#[test]
fn repairing_codes_places_the_scores_of_the_wrong_4_2_on_4_3_2() {
    let mut table = seed_001_section_4();
    let prose = prose("huyện", 2018, None);
    let written = crate::tree::build(&table, &crate::config::Deadline::none()).unwrap();
    // As written, the second 4.2 is a duplicate and 4.3 misses a child.
    assert_eq!(written.nodes.iter().filter(|n| n.code == "4.2").count(), 2);

    let catalog = choose(None, &table, &prose).expect("seed 001 follows the 2018 district catalog");
    let findings = repair_codes(catalog, &mut table);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!((findings[0].kind.name(), findings[0].code.as_deref()), ("code_repaired", Some("4.3.2")));
    assert!(findings[0].message.starts_with("Mã 4.2 (bảng 1, dòng 13): đã sửa thành 4.3.2"), "{}", findings[0].message);

    let repaired = crate::tree::build(&table, &crate::config::Deadline::none()).unwrap();
    assert_eq!(repaired.nodes.iter().filter(|n| n.code == "4.2").count(), 1);
    let parent_of_4_3_2 = repaired.nodes.iter().find(|n| n.code == "4.3.2").and_then(|n| n.parent.as_deref());
    assert_eq!(parent_of_4_3_2, Some("4.3"));
    // A second pass finds nothing left to repair.
    assert!(repair_codes(catalog, &mut table).is_empty());
}

#[test]
fn codes_ocr_misread_are_put_right_by_title_and_position_on_scanned_rows_only() {
    let mut table = seed_001_section_4();
    for (row, read) in [(1, Some("41")), (4, Some("41.2")), (5, Some("4.1.8")), (9, None)] {
        table.rows[row].code = read.map(str::to_owned);
        if read.is_none() {
            table.rows[row].kind = RowKind::Unnumbered;
        }
    }
    let codes = |table: &ScoringTable| -> Vec<Option<String>> { table.rows.iter().map(|r| r.code.clone()).collect() };
    let catalog = choose(None, &table, &prose("huyện", 2018, None)).expect("the 2018 district catalog");
    // Typed, the codes are the document's own.
    let typed = codes(&table);
    repair_misread_codes(catalog, &mut table);
    assert_eq!(codes(&table), typed);

    for row in &mut table.rows {
        row.from_scan = true;
    }
    repair_misread_codes(catalog, &mut table);
    let read: Vec<Option<&str>> = table.rows.iter().map(|r| r.code.as_deref()).collect();
    assert_eq!(read[1..=5], [Some("4.1"), Some("4.1.1"), None, Some("4.1.2"), Some("4.1.3")]);
    assert_eq!((read[9], table.rows[9].kind), (Some("4.2.3"), RowKind::Criterion));
    // The paper's own `4.2` for 4.3.2 is no misreading: it stays.
    assert_eq!(read[12], Some("4.2"));
    assert!(misreading_of("I", "II") && misreading_of("III", "II") && !misreading_of("I", "III"));
    assert!(
        misreading_of("1", "II") && misreading_of("11", "II") && !misreading_of("1", "V") && !misreading_of("2", "II")
    );
    // A bold 7 read as a V; a code whose last levels were lost.
    assert!(misreading_of("V", "7") && misreading_of("V.1", "7.1") && !misreading_of("V", "5.1"));
    assert!(levels_lost("7", "7.2.1") && levels_lost("7.", "7.2.1") && !levels_lost("7", "8.2.1"));
    assert!(!levels_lost("72", "7.2.1.1") && !levels_lost("7.2.1", "7") && !levels_lost("7.2", "7.21"));
}

#[test]
fn a_poor_copy_whose_codes_ocr_misread_still_follows_its_catalog() {
    let mut table = seed_001_section_4();
    for (row, read) in [(2, "411"), (4, "41.2"), (5, "4.13"), (7, "42.1"), (8, "4.22"), (9, "423")] {
        table.rows[row].code = Some(read.to_owned());
    }
    let prose = prose("huyện", 2018, None);
    // Typed, codes that are no catalog's are the document's own: too few agree.
    assert!(choose(None, &table, &prose).is_none());
    for row in &mut table.rows {
        row.from_scan = true;
    }
    assert_eq!(choose(None, &table, &prose).map(|c| c.id.as_str()), Some("thanh-hoa-2018-huyen"));
}

#[test]
fn a_misread_code_is_not_put_right_to_a_code_another_row_holds() {
    let mut table = seed_001_section_4();
    // A misread code on a row with 4.2.2's title, before 4.2.2's own row garbled past matching.
    table.rows[7].title = "Mức độ thực hiện kế hoạch kiểm tra".to_owned();
    table.rows[7].code = Some("4.2.9".to_owned());
    table.rows[8].title = "Mc đ thhin kế hạh ktra".to_owned();
    for row in &mut table.rows {
        row.from_scan = true;
    }
    let catalog = find("thanh-hoa-2018-huyen").expect("catalog");
    repair_misread_codes(catalog, &mut table);
    assert_eq!(table.rows[7].code.as_deref(), Some("4.2.9"));
    assert_eq!(table.rows[8].code.as_deref(), Some("4.2.2"));
}

#[test]
fn a_scanned_code_that_is_the_catalogs_and_no_other_rows_is_the_tables_own_numbering() {
    let mut table = seed_001_section_4();
    // 4.2.1 left out, the next criterion numbered on as 4.2.1.
    table.rows.remove(7);
    table.rows[7].code = Some("4.2.1".to_owned());
    for row in &mut table.rows {
        row.from_scan = true;
    }
    repair_misread_codes(find("thanh-hoa-2018-huyen").expect("catalog"), &mut table);
    assert_eq!(table.rows[7].code.as_deref(), Some("4.2.1"));
}

#[test]
fn a_run_of_misread_codes_is_put_right_together() {
    let mut table = seed_001_section_4();
    // 4.2.1 read as 4.2.2, and 4.2.2 read as 4.2.8: once both are put right, no code is on two rows.
    table.rows[7].code = Some("4.2.2".to_owned());
    table.rows[8].code = Some("4.2.8".to_owned());
    for row in &mut table.rows {
        row.from_scan = true;
    }
    repair_misread_codes(find("thanh-hoa-2018-huyen").expect("catalog"), &mut table);
    assert_eq!(table.rows[7].code.as_deref(), Some("4.2.1"));
    assert_eq!(table.rows[8].code.as_deref(), Some("4.2.2"));
}

#[test]
fn a_code_that_lost_its_last_levels_or_read_a_digit_as_a_letter_is_put_right() {
    let mut table = seed_001_section_4();
    // 4.2.3 read as `4` (its last levels lost); 4.2.2 read `4.2.Z` with half its title lost.
    table.rows[9].code = Some("4".to_owned());
    table.rows[8].code = Some("4.2.Z".to_owned());
    table.rows[8].title = "Mức độ thực hiện".to_owned();
    for row in &mut table.rows {
        row.from_scan = true;
    }
    let catalog = find("thanh-hoa-2018-huyen").expect("catalog");
    let mut repaired = table.clone();
    repair_misread_codes(catalog, &mut repaired);
    assert_eq!(repaired.rows[8].code.as_deref(), Some("4.2.2"));
    assert_eq!(repaired.rows[9].code.as_deref(), Some("4.2.3"));
    // Half a title is not enough without a code that may be the criterion's
    // with a digit misread, not lost (`4.2` is 4.2.2's parent); a parent's
    // code is the criterion's only with its maximum.
    table.rows[9].values.set(Column::MaxPoints, Some(dec("2")));
    for read in ["9.9", "4.2"] {
        let mut copy = table.clone();
        copy.rows[8].code = Some(read.to_owned());
        repair_misread_codes(catalog, &mut copy);
        assert_eq!(copy.rows[8].code.as_deref(), Some(read));
        assert_eq!(copy.rows[9].code.as_deref(), Some("4"));
    }
}
