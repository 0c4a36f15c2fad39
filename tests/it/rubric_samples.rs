//! The rubric and evidence set (`../shared/samples3/rubric`, when it is beside
//! the checkout): every document's rubric and evidence findings exactly as its
//! truth lists them (a finding only one reading of the contract gives may be
//! raised or not), every dated citation's date and every rubric's options read
//! as the truth has them, and the report's date.

use crate::support;

use std::collections::BTreeSet;
use std::process::Command;

use rust_decimal::Decimal;
use serde_json::Value;

type Key = (String, String, String);

fn keys(findings: &Value) -> BTreeSet<Key> {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    findings
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| support::RUBRIC_KINDS.contains(&f["kind"].as_str().unwrap_or("")))
        .map(|f| (text(&f["kind"]), text(&f["code"]), text(&f["column"])))
        .collect()
}

fn decimals(values: &Value) -> BTreeSet<Decimal> {
    values
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.to_string().parse::<Decimal>().ok())
        .map(|d| d.normalize())
        .collect()
}

/// Every difference between one output object and its truth.
fn compare(truth: &Value, got: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let expected = keys(&truth["expected_rubric_findings"]);
    let tolerated = keys(&truth["tolerated_rubric_findings"]);
    let found = keys(&got["findings"]);
    problems.extend(expected.difference(&found).map(|k| format!("missed {k:?}")));
    problems.extend(
        found
            .iter()
            .filter(|k| !expected.contains(*k) && !tolerated.contains(*k))
            .map(|k| format!("not expected {k:?}")),
    );
    if truth["date"] != got["date"] {
        problems.push(format!("date: expected {}, got {}", truth["date"], got["date"]));
    }
    let criteria = got["criteria"].as_array().cloned().unwrap_or_default();
    for (code, want) in truth["criteria"].as_object().into_iter().flatten() {
        let Some(have) = criteria.iter().find(|c| c["code"] == code.as_str()) else { continue };
        let dates: BTreeSet<&str> =
            have["evidence"].as_array().into_iter().flatten().filter_map(|e| e["date"].as_str()).collect();
        for citation in want["evidence"].as_array().into_iter().flatten() {
            if let Some(date) = citation["date"].as_str() {
                if !dates.contains(date) {
                    problems.push(format!("{code}: citation {} not read with its date", citation["text"]));
                }
            }
        }
        let read_options = have["rubric"]["options"].as_array().is_some_and(|o| !o.is_empty());
        let options = &want["rubric"]["options"];
        if options.as_array().is_some_and(|o| !o.is_empty()) {
            if decimals(options) != decimals(&have["rubric"]["options"]) {
                problems.push(format!("{code}: options {options} read as {}", have["rubric"]["options"]));
            }
        } else if want.get("rubric").is_some_and(Value::is_null) && read_options {
            problems.push(format!("{code}: a rubric read where there is none"));
        }
    }
    problems
}

#[test]
fn shared_rubric_samples_match_their_ground_truth_when_present() {
    let Some(shared) =
        support::shared_set("shared_rubric_samples_match_their_ground_truth_when_present", "samples3/rubric")
    else {
        return;
    };
    let output = Command::new(env!("CARGO_BIN_EXE_parcheck"))
        .arg("check")
        .arg(shared.join("docs"))
        .output()
        .expect("binary runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let objects: Vec<Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    let mut failures = Vec::new();
    let mut truths: Vec<_> =
        std::fs::read_dir(shared.join("truth")).expect("truth dir").map(|e| e.expect("entry").path()).collect();
    truths.sort();
    assert!(!truths.is_empty());
    for path in truths {
        let truth: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("truth")).expect("truth JSON");
        let file = truth["file"].as_str().expect("file");
        let Some(got) = objects.iter().find(|o| o["source"]["path"].as_str().is_some_and(|p| p.ends_with(file))) else {
            failures.push(format!("{file}: no output"));
            continue;
        };
        failures.extend(compare(&truth, got).into_iter().map(|p| format!("{file}: {p}")));
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}
