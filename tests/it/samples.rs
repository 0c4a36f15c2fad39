//! Runs the real binary on the sample reports bundled in `fixtures/samples`
//! (copies of a third of `../shared/samples`, with their ground truth) and
//! checks every criteria value and finding exactly, like `score.py` does, and
//! every output object against `schemas/document.schema.json`.
//!
//! When `../shared/samples` is present (CI clones it beside the repo), the
//! whole shared set is checked the same way.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use parcheck::model::FindingKind;
use rust_decimal::Decimal;
use serde_json::Value;

fn run_check(dir: &Path) -> Vec<Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_parcheck")).arg("check").arg(dir).output().expect("binary runs");
    assert!(output.status.success(), "exit status {:?}: {}", output.status, String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout)
        .expect("stdout is UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("every stdout line is a JSON object"))
        .collect()
}

fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

/// A JSON value compared as the contract means it: numbers as exact decimals, absent as null.
fn same(got: &Value, want: &Value) -> bool {
    match (decimal(got), decimal(want)) {
        (Some(a), Some(b)) => a == b,
        _ => got == want,
    }
}

/// (kind, code, column) → (stated, recalculated) of the contract's finding kinds;
/// duplicate_code ignores the column.
fn findings_by_key(findings: &Value) -> BTreeMap<(String, String, String), (Value, Value)> {
    findings
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let kind: FindingKind = serde_json::from_value(f["kind"].clone()).ok()?;
            if !kind.is_contract() {
                return None;
            }
            let column = if kind == FindingKind::DuplicateCode {
                String::new()
            } else {
                f["column"].as_str().unwrap_or("").to_owned()
            };
            let key = (kind.name().to_owned(), f["code"].as_str().unwrap_or("").to_owned(), column);
            Some((key, (f["stated"].clone(), f["recalculated"].clone())))
        })
        .collect()
}

/// Every difference between one output object and its truth file: status,
/// table kind, columns, unit, year, every criterion value (nulls included),
/// the three totals and the contract's findings with their values.
fn compare(output: &Value, truth: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let expect = |problems: &mut Vec<String>, what: &str, got: &Value, want: &Value| {
        if !same(got, want) {
            problems.push(format!("{what} = {got} (want {want})"));
        }
    };
    expect(&mut problems, "status", &output["status"], &truth["expected_status"]);
    if truth["expected_status"] != "ok" {
        return problems;
    }
    for field in ["table_kind", "columns", "unit", "year"] {
        if truth.get(field).is_some() {
            expect(&mut problems, field, &output[field], &truth[field]);
        }
    }
    let mut by_code: BTreeMap<&str, &Value> = BTreeMap::new();
    for c in output["criteria"].as_array().into_iter().flatten() {
        by_code.entry(c["code"].as_str().unwrap_or("")).or_insert(c);
    }
    let columns = ["max_points", "self_score", "appraisal_score", "lost_points"];
    for (code, want) in truth["criteria"].as_object().into_iter().flatten() {
        match by_code.get(code.as_str()) {
            None => problems.push(format!("criterion {code} missing")),
            Some(got) => {
                for column in columns {
                    expect(&mut problems, &format!("{code}.{column}"), &got[column], &want[column]);
                }
            }
        }
    }
    let totals = &output["totals"];
    for (field, path) in [("table_total", "table"), ("recalculated_total", "recalculated")] {
        for column in columns {
            let want = &truth[field][column];
            expect(&mut problems, &format!("totals.{path}.{column}"), &totals[path][column], want);
        }
    }
    if let Some(column) = truth["stated_total_column"].as_str() {
        expect(&mut problems, &format!("totals.stated.{column}"), &totals["stated"][column], &truth["stated_total"]);
    } else if truth.get("stated_total").is_some() {
        expect(&mut problems, "totals.stated", &totals["stated"], &Value::Null);
    }
    let got = findings_by_key(&output["findings"]);
    let want = findings_by_key(&truth["expected_findings"]);
    for (key, (stated, recalculated)) in &want {
        match got.get(key) {
            None => problems.push(format!("missing finding {key:?}")),
            Some((got_stated, got_recalculated)) => {
                if !(same(got_stated, stated) && same(got_recalculated, recalculated)) {
                    problems.push(format!(
                        "finding {key:?} stated/recalculated {got_stated}/{got_recalculated} (want {stated}/{recalculated})"
                    ));
                }
            }
        }
    }
    for extra in got.keys().filter(|k| !want.contains_key(*k)) {
        problems.push(format!("extra finding {extra:?}"));
    }
    problems
}

/// Checks every document of `docs` against its truth file, except those whose
/// name starts with one of `excluded` (scans on a machine without OCR; printed).
fn check_against_truth(docs: &Path, truth_dir: &Path, excluded: &[&str]) {
    let outputs = run_check(docs);
    let mut failures = Vec::new();
    let mut truth_files: Vec<PathBuf> =
        std::fs::read_dir(truth_dir).expect("truth dir").map(|e| e.expect("entry").path()).collect();
    truth_files.sort();
    assert!(!truth_files.is_empty());
    for truth_path in truth_files {
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(&truth_path).expect("truth")).expect("truth JSON");
        let name = truth["file"].as_str().expect("truth names its file");
        if excluded.iter().any(|prefix| name.starts_with(prefix)) {
            println!(
                "NOT CHECKED: {name} (a scan, and this machine has no {})",
                support::ocr_missing().unwrap_or("OCR")
            );
            continue;
        }
        let Some(output) = outputs.iter().find(|o| o["source"]["path"].as_str().is_some_and(|p| p.ends_with(name)))
        else {
            failures.push(format!("{name}: no output object"));
            continue;
        };
        failures.extend(support::schema_errors(output).into_iter().map(|e| format!("{name}: schema: {e}")));
        failures.extend(compare(output, &truth).into_iter().map(|p| format!("{name}: {p}")));
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn bundled_samples_match_their_ground_truth() {
    check_against_truth(Path::new("fixtures/samples"), Path::new("fixtures/samples/truth"), &[]);
}

#[test]
fn shared_samples_match_their_ground_truth_when_present() {
    let Some(shared) = support::shared_set("shared_samples_match_their_ground_truth_when_present", "samples") else {
        return;
    };
    check_against_truth(&shared.join("docs"), &shared.join("truth"), &[]);
}

/// The archive's harder kinds (`../shared/samples2`): every document exactly as
/// its truth says, the two scans (P7, P8) too where Tesseract can read them.
#[test]
fn shared_samples2_match_their_ground_truth_when_present() {
    let Some(shared) = support::shared_set("shared_samples2_match_their_ground_truth_when_present", "samples2") else {
        return;
    };
    let ocr = support::can_run(
        "shared_samples2_match_their_ground_truth_when_present (scans P7, P8)",
        support::ocr_missing(),
        "apt-get install tesseract-ocr tesseract-ocr-vie",
    );
    let scans: &[&str] = if ocr { &[] } else { &["P7_", "P8_"] };
    check_against_truth(&shared.join("docs"), &shared.join("truth"), scans);
}
