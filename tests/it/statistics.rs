//! Statistics outside the scoring table (`docs/contract.md`, "Statistics in
//! reports"), through the real binary: seed 002's statements
//! (`fixtures/docs/seed002_statistics.docx`) all read and adding up, an annex
//! table with subtotals, a grand total and a numbering row
//! (`fixtures/docs/annex_totals.docx`), and, when `../shared` is beside the
//! checkout, the public set `../shared/samples3/stats` against its truth.

use crate::support;

use std::path::Path;

use serde_json::Value;
use support::{assert_schema, run, stdout_objects};

const KINDS: [&str; 4] = ["total_row_mismatch", "column_formula_mismatch", "parts_mismatch", "percent_mismatch"];

fn check(path: &Path) -> Vec<Value> {
    let output = run(&["check", &support::path_str(path)]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let objects = stdout_objects(&output);
    assert_schema(&objects);
    objects
}

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs").join(name);
    check(&path).pop().expect("one object")
}

/// (whole, parts, percentages) of each prose statement.
fn statements(object: &Value) -> Vec<(String, Vec<String>, Vec<String>)> {
    let text = |v: &Value| v.to_string();
    object["statistics"]
        .as_array()
        .expect("statistics array")
        .iter()
        .filter(|s| s["source"] == "prose")
        .map(|s| {
            let parts = s["parts"].as_array().expect("parts");
            (
                text(&s["value"]),
                parts.iter().map(|p| text(&p["value"])).collect(),
                parts.iter().filter_map(|p| p.get("percent")).map(text).collect(),
            )
        })
        .collect()
}

#[test]
fn seed_002_statements_are_all_read_and_add_up() {
    let object = fixture("seed002_statistics.docx");
    assert_eq!(object["status"], "ok");
    assert_eq!(object["table_kind"], "statistics");
    let s = |whole: &str, parts: &[&str], percents: &[&str]| {
        (
            whole.to_owned(),
            parts.iter().map(|p| p.to_string()).collect(),
            percents.iter().map(|p| p.to_string()).collect(),
        )
    };
    assert_eq!(
        statements(&object),
        vec![
            s("204", &["109", "95"], &[]),
            s("841", &["94", "658", "89", "0"], &[]),
            s("841", &["682", "159", "0"], &[]),
            s("0", &["0", "0"], &[]),
            s("187", &["24", "104", "59"], &[]),
            s("27", &["10", "17"], &[]),
            s("10", &["2", "8"], &["20", "80"]),
            s("10", &["1", "9"], &["10", "90"]),
            s("17", &["17"], &["100"]),
            s("17", &["17"], &["100"]),
        ]
    );
    let labels: Vec<&str> =
        object["statistics"].as_array().unwrap().iter().filter_map(|s| s["label"].as_str()).collect();
    assert!(labels.contains(&"Số hồ sơ đã giải quyết trả kết quả"), "{labels:?}");
    assert_eq!(object["findings"], Value::Array(Vec::new()), "seed 002's statements add up");
}

#[test]
fn an_annex_total_typed_wrong_flags_its_subtotal_the_grand_total_and_the_row_formula() {
    let object = fixture("annex_totals.docx");
    assert_eq!((&object["status"], &object["table_kind"]), (&"ok".into(), &"statistics".into()));
    let found: Vec<(String, String, String, String, String)> = object["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().map_or_else(|| f[k].to_string(), str::to_owned);
            (s("kind"), s("code"), s("column"), s("stated"), s("recalculated"))
        })
        .collect();
    let f = |k: &str, code: &str, col: &str, stated: &str, sum: &str| {
        (k.to_owned(), code.to_owned(), col.to_owned(), stated.to_owned(), sum.to_owned())
    };
    assert_eq!(
        found,
        vec![
            f("total_row_mismatch", "Cộng công chức", "(4) Cấp tỉnh", "52", "50"),
            f("total_row_mismatch", "Tổng số", "(4) Cấp tỉnh", "57", "59"),
            f("column_formula_mismatch", "Cộng công chức", "(3) Tổng số lượt", "1060", "1062"),
        ]
    );
    let table = object["statistics"].as_array().unwrap().iter().find(|s| s["source"] == "table").expect("table");
    assert_eq!(table["formulas"], serde_json::json!(["3 = 4 + 5", "6 (5:3)"]));
    let kinds: Vec<&str> =
        table["total_rows"].as_array().unwrap().iter().map(|r| r["row_kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["subtotal", "subtotal", "grand"]);
}

fn norm(text: &str) -> String {
    let lower = text.to_lowercase();
    lower.trim_matches(|c: char| c.is_whitespace() || ":;,.-+*".contains(c)).to_owned()
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// A truth finding and an output finding match as `score_stats.py` matches
/// them: same kind, a label containing the other, the same stated value
/// (a percentage also as a fraction).
fn matches(truth: &Value, out: &Value) -> bool {
    let labels: Vec<String> = std::iter::once(&truth["label"])
        .chain(truth["label_alt"].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .map(norm)
        .collect();
    let outs: Vec<String> = ["code", "label"].iter().filter_map(|k| out[*k].as_str()).map(norm).collect();
    let label = outs.iter().any(|o| {
        labels
            .iter()
            .any(|t| o == t || (o.chars().count().min(t.chars().count()) >= 3 && (o.contains(t) || t.contains(o))))
    });
    let stated = match (number(&truth["stated"]), number(&out["stated"])) {
        (Some(t), Some(o)) => [o, o * 100.0, o / 100.0].iter().any(|c| (c - t).abs() < 1e-6),
        (None, _) | (_, None) => truth["stated"].is_null(),
    };
    truth["kind"] == out["kind"] && label && stated
}

#[test]
fn the_public_statistics_set_is_found_with_no_false_finding_when_present() {
    let Some(shared) =
        support::shared_set("the_public_statistics_set_is_found_with_no_false_finding_when_present", "samples3/stats")
    else {
        return;
    };
    let objects = check(&shared.join("docs"));
    let (mut truths, mut hits, mut extra) = (0, 0, Vec::new());
    for entry in std::fs::read_dir(shared.join("truth")).expect("truth dir") {
        let truth: Value = serde_json::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
        let file = truth["file"].as_str().unwrap();
        let object = objects.iter().find(|o| o["source"]["path"].as_str().unwrap().ends_with(file)).expect(file);
        assert_eq!(
            (&object["status"], &object["table_kind"]),
            (&truth["expected_status"], &truth["table_kind"]),
            "{file}"
        );
        let expected = truth["expected_statistics_findings"].as_array().unwrap();
        let tolerated = truth["tolerated"].as_array().unwrap();
        let outs: Vec<&Value> = object["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| KINDS.contains(&f["kind"].as_str().unwrap()))
            .collect();
        let mut used = vec![false; outs.len()];
        truths += expected.len();
        for t in expected {
            if let Some(i) = (0..outs.len()).find(|i| !used[*i] && matches(t, outs[*i])) {
                used[i] = true;
                hits += 1;
            }
        }
        for (i, out) in outs.iter().enumerate() {
            if !used[i] && !tolerated.iter().any(|t| matches(t, out)) {
                extra.push(format!("{file}: {}", out["message"]));
            }
        }
    }
    assert!(hits * 10 >= truths * 9, "recall {hits}/{truths}");
    assert!(extra.is_empty(), "false findings: {extra:#?}");
}
