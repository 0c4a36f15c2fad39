//! Runs the real binary on the sample reports bundled in `fixtures/samples`
//! (copies of a third of `../shared/samples`, with their ground truth) and
//! checks every criteria value and finding exactly, like `score.py` does, and
//! every output object against `schemas/report.schema.json`.
//!
//! When `../shared/samples` is present (CI clones it beside the repo), the
//! whole shared set is checked the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use parcheck::report::CONTRACT_FINDING_KINDS;
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

/// (kind, code, column) of the contract's finding kinds; duplicate_code ignores the column.
fn finding_keys(findings: &Value) -> BTreeSet<(String, String, String)> {
    findings
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let kind = f["kind"].as_str()?;
            if !CONTRACT_FINDING_KINDS.contains(&kind) {
                return None;
            }
            let column =
                if kind == "duplicate_code" { String::new() } else { f["column"].as_str().unwrap_or("").to_owned() };
            Some((kind.to_owned(), f["code"].as_str().unwrap_or("").to_owned(), column))
        })
        .collect()
}

/// Every difference between one output object and its truth file.
fn compare(output: &Value, truth: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if output["status"] != truth["expected_status"] {
        problems.push(format!("status {} (want {})", output["status"], truth["expected_status"]));
    }
    let mut by_code: BTreeMap<&str, &Value> = BTreeMap::new();
    for c in output["criteria"].as_array().into_iter().flatten() {
        by_code.entry(c["code"].as_str().unwrap_or("")).or_insert(c);
    }
    for (code, want) in truth["criteria"].as_object().into_iter().flatten() {
        for column in ["max_points", "self_score", "appraisal_score", "lost_points"] {
            let Some(expected) = decimal(&want[column]) else { continue };
            let got = by_code.get(code.as_str()).and_then(|c| decimal(&c[column]));
            if got != Some(expected) {
                problems.push(format!("{code}.{column} = {got:?} (want {expected})"));
            }
        }
    }
    let got = finding_keys(&output["findings"]);
    let want = finding_keys(&truth["expected_findings"]);
    for missing in want.difference(&got) {
        problems.push(format!("missing finding {missing:?}"));
    }
    for extra in got.difference(&want) {
        problems.push(format!("extra finding {extra:?}"));
    }
    problems
}

fn check_against_truth(docs: &Path, truth_dir: &Path) {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/report.schema.json").expect("schema file"))
            .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
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
        let Some(output) = outputs.iter().find(|o| o["source"]["path"].as_str().is_some_and(|p| p.ends_with(name)))
        else {
            failures.push(format!("{name}: no output object"));
            continue;
        };
        for error in validator.iter_errors(output) {
            failures.push(format!("{name}: schema: {error} at {}", error.instance_path));
        }
        failures.extend(compare(output, &truth).into_iter().map(|p| format!("{name}: {p}")));
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn bundled_samples_match_their_ground_truth() {
    check_against_truth(Path::new("fixtures/samples"), Path::new("fixtures/samples/truth"));
}

#[test]
fn shared_samples_match_their_ground_truth_when_present() {
    let shared = Path::new("../shared/samples");
    if !shared.join("truth").is_dir() {
        eprintln!("../shared/samples not present: skipped");
        return;
    }
    check_against_truth(&shared.join("docs"), &shared.join("truth"));
}
