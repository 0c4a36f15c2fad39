//! RTF and ODT through the binary: files named for another format, damaged
//! files, and the shared sample set's RTF/ODT reports when `../shared/samples2`
//! is beside the checkout (the value-by-value twins are in `tests/it/fixtures.rs`).

use crate::support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs").join(name)
}

fn check(path: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_parcheck")).arg("check").arg(path).output().expect("runs parcheck");
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// (kind, code) of the findings the samples' truth lists: not the notes, not
/// the rubric and evidence kinds (that truth has none of them).
fn finding_keys(findings: &Value) -> BTreeSet<(String, String)> {
    let key = |f: &Value, k: &str| f[k].as_str().unwrap_or("null").to_owned();
    let rubric = |f: &Value| {
        serde_json::from_value::<parcheck::model::FindingKind>(f["kind"].clone()).is_ok_and(|k| k.is_rubric())
    };
    let real = findings.as_array().into_iter().flatten().filter(|f| f["severity"] != "info" && !rubric(f));
    real.map(|f| (key(f, "kind"), key(f, "code"))).collect()
}

#[test]
fn rtf_saved_under_a_doc_name_is_read_as_rtf() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bao_cao.doc");
    std::fs::copy(fixture("merged_sections.rtf"), &path).unwrap();
    let report = check(&path);
    assert_eq!(report["source"]["format"], "rtf");
    assert_eq!(report["status"], "ok", "{}", report["error"]);
    let twin = check(&fixture("merged_sections.docx"));
    assert_eq!(report["criteria"].as_array().map(Vec::len), twin["criteria"].as_array().map(Vec::len));
    assert_eq!(finding_keys(&report["findings"]), finding_keys(&twin["findings"]));
}

#[test]
fn damaged_rtf_and_odt_get_a_status_and_a_message() {
    let dir = tempfile::tempdir().unwrap();
    for (name, keep) in [("nested_hidden.odt", 3000), ("nested_hidden.rtf", 5000), ("codes_mixed_tcvn3.rtf", 40)] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let path = dir.path().join(format!("cut_{name}"));
        std::fs::write(&path, &bytes[..keep]).unwrap();
        let report = check(&path);
        let status = report["status"].as_str().unwrap_or_default();
        assert!(["error", "no_table"].contains(&status), "{name}: {status}");
        let message = report["error"].as_str().unwrap_or_default();
        assert!(!message.is_empty() && !message.contains("lỗi nội bộ"), "{name}: {message:?}");
    }
}

#[test]
fn shared_rtf_and_odt_samples_match_their_truth_when_present() {
    let Some(shared) = support::shared_set("shared_rtf_and_odt_samples_match_their_truth_when_present", "samples2")
    else {
        return;
    };
    for name in ["W10_PB01_sB2_rtf.doc", "W10_A00_sA3.odt"] {
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(shared.join("truth").join(format!("{name}.json"))).unwrap())
                .unwrap();
        let report = check(&shared.join("docs").join(name));
        assert_eq!(report["status"], "ok", "{name}: {}", report["error"]);
        let codes = |v: &Value| -> BTreeSet<String> {
            match v {
                Value::Array(a) => a.iter().filter_map(|c| c["code"].as_str().map(str::to_owned)).collect(),
                Value::Object(o) => o.keys().cloned().collect(),
                _ => BTreeSet::new(),
            }
        };
        let want: BTreeSet<String> = codes(&truth["criteria"]).into_iter().filter(|c| c != "TOTAL").collect();
        let have: BTreeSet<String> = codes(&report["criteria"]).into_iter().filter(|c| c != "TOTAL").collect();
        assert_eq!(have, want, "{name}: criteria");
        assert_eq!(finding_keys(&report["findings"]), finding_keys(&truth["expected_findings"]), "{name}: findings");
    }
}
