//! What Word shows, read through the binary: list labels as codes, hidden text
//! left out (with a note), text boxes read once, a running STT column beside the
//! code column. Values and findings of these fixtures are checked against their
//! expectations by `tests/it/fixtures.rs`; this file checks what those do not:
//! titles, notes and the absence of what Word does not show.

use crate::support;

use std::path::Path;

use serde_json::Value;

fn report(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs").join(file);
    let output = support::run(&["check", &support::path_str(&path)]);
    assert!(output.status.success(), "{file}: {}", String::from_utf8_lossy(&output.stderr));
    let mut objects = support::stdout_objects(&output);
    assert_eq!(objects.len(), 1, "{file}: one object");
    objects.remove(0)
}

fn criterion<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["criteria"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["code"] == code))
        .unwrap_or_else(|| panic!("criterion {code} missing in {}", report["criteria"]))
}

fn codes(report: &Value) -> Vec<String> {
    report["criteria"].as_array().into_iter().flatten().filter_map(|c| c["code"].as_str().map(str::to_owned)).collect()
}

fn notes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "extraction_note")
        .filter_map(|f| f["message"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn list_labels_become_codes_with_their_titles_in_order() {
    let expected = ["I", "1", "1.1", "1.1.1", "1.1.2", "1.2", "2", "2.1", "2.2", "II", "4", "4.1", "4.2", "TOTAL"];
    for file in ["autonum_two_lists.docx", "autonum_one_list.docx"] {
        let report = report(file);
        assert_eq!(report["status"], "ok", "{file}");
        assert_eq!(codes(&report), expected, "{file}");
        // The label is the code, not part of the title; the Roman group keeps its title.
        assert_eq!(criterion(&report, "1.1.1")["title"], "Ban hành kế hoạch CCHC năm kịp thời", "{file}");
        assert_eq!(criterion(&report, "II")["title"], "ĐÁNH GIÁ TÁC ĐỘNG CỦA CẢI CÁCH HÀNH CHÍNH", "{file}");
        // 4 follows 2 after a gap (a restarted list instance); its children count from it.
        assert_eq!(criterion(&report, "4.2")["parent"], "4", "{file}");
        assert_eq!(criterion(&report, "4")["parent"], "II", "{file}");
    }
}

#[test]
fn hidden_text_is_left_out_and_noted() {
    let report = report("hidden_text.docx");
    // Visible 1 beside hidden 3.8.1: the code is the visible one, and no stale code appears.
    assert!(!codes(&report).contains(&"3.8.1".to_owned()), "{:?}", codes(&report));
    assert_eq!(criterion(&report, "1.1.1")["title"], "Ban hành kế hoạch CCHC năm kịp thời");
    assert_eq!(report["totals"]["stated"]["self_score"], 13);
    let notes = notes(&report);
    assert!(notes.iter().any(|n| n.contains("chữ ẩn «0,5»")), "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("Đoạn văn") && n.contains("99,5")), "{notes:?}");
}

#[test]
fn a_text_box_table_is_read_once_from_its_drawing() {
    let report = report("text_box.docx");
    assert_eq!(report["status"], "ok");
    let codes = codes(&report);
    let mut unique = codes.clone();
    unique.dedup();
    assert_eq!(codes, unique, "read once");
    // The VML fallback copy holds 7 where the drawing shows 1.
    assert_eq!(criterion(&report, "1.1.1")["self_score"], 1);
}

#[test]
fn stt_beside_the_code_column_keeps_sections_and_titles() {
    let report = report("stt_code_permuted.docx");
    assert_eq!(report["status"], "ok");
    let first = criterion(&report, "1");
    assert_eq!(first["title"], "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC");
    assert_eq!((first["max_points"].clone(), first["self_score"].clone()), (6.into(), 5.5.into()));
    assert_eq!(criterion(&report, "2")["title"], "CẢI CÁCH THỦ TỤC HÀNH CHÍNH");
    // The difference column is not read as any score column.
    let columns: Vec<&str> = report["columns"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(!columns.contains(&"lost_points"), "{columns:?}");
}

#[test]
fn word_markup_reads_as_shown() {
    let report = report("word_markup.docx");
    assert_eq!(report["status"], "ok");
    // The deleted duplicate row (its cells hold 9) is not read.
    let nines = report["criteria"].as_array().unwrap().iter().filter(|c| c["max_points"] == 9).count();
    assert_eq!(nines, 0);
    assert_eq!(report["totals"]["stated"]["self_score"], 13);
}
