//! Runs `parcheck check` on every committed fixture (`fixtures/docs/`) and compares
//! the output with its expectation (`fixtures/expected/<file>.json`, written by
//! `cargo run --example gen_fixtures` from the report model the file was drawn from).

use crate::support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

const COLUMNS: [&str; 4] = ["max_points", "self_score", "appraisal_score", "lost_points"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The single NDJSON object `parcheck check FILE` prints.
fn check(file: &Path) -> Result<Value, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_parcheck"))
        .arg("check")
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run parcheck: {e}"))?;
    if !out.status.success() {
        return Err(format!("exit {:?}; stderr: {}", out.status.code(), String::from_utf8_lossy(&out.stderr)));
    }
    let stdout = String::from_utf8(out.stdout).map_err(|e| format!("stdout not UTF-8: {e}"))?;
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines[..] {
        [line] => serde_json::from_str(line).map_err(|e| format!("not JSON ({e}): {line}")),
        _ => Err(format!("expected one NDJSON line, got {}:\n{stdout}", lines.len())),
    }
}

/// A JSON number (or null) as an exact decimal; `12.9491` stays `12.9491`.
fn decimal(v: Option<&Value>) -> Result<Option<Decimal>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            let s = n.to_string();
            Decimal::from_str(&s).or_else(|_| Decimal::from_scientific(&s)).map(Some).map_err(|e| format!("{s}: {e}"))
        }
        Some(other) => Err(format!("not a number: {other}")),
    }
}

/// The findings that compare a table with its framework catalog.
const FRAMEWORK_KINDS: [&str; 5] =
    ["missing_criterion", "max_differs_from_framework", "code_repaired", "rating_mismatch", "unknown_criterion"];

// The rubric and evidence kinds (`support::RUBRIC_KINDS`) are compared only for
// fixtures whose expectation lists them (`rubric_findings`); the others'
// expectations come from the contract's arithmetic rules alone.

fn finding_keys(findings: &Value) -> BTreeSet<(String, String, String)> {
    let s = |f: &Value, k: &str| match &f[k] {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    };
    findings.as_array().into_iter().flatten().map(|f| (s(f, "kind"), s(f, "code"), s(f, "column"))).collect()
}

/// Every difference between the output and the expectation, one line each.
fn compare(expected: &Value, got: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let status = got["status"].as_str().unwrap_or("<none>");
    let allowed: Vec<&str> = match &expected["status"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        other => panic!("bad expected status {other}"),
    };
    if !allowed.contains(&status) {
        errors.push(format!("status: expected {allowed:?}, got {status:?} (error: {})", got["error"]));
    }
    if status != "ok" {
        if got["error"].as_str().is_none_or(|e| e.is_empty()) {
            errors.push(format!("status {status:?} without an error message"));
        }
        return errors;
    }
    if expected["table_kind"] != got["table_kind"] {
        errors.push(format!("table_kind: expected {}, got {}", expected["table_kind"], got["table_kind"]));
    }

    let criteria = got["criteria"].as_array().cloned().unwrap_or_default();
    for (code, want) in expected["criteria"].as_object().into_iter().flatten() {
        let Some(have) = criteria.iter().find(|c| c["code"] == code.as_str()) else {
            errors.push(format!("criterion {code}: missing"));
            continue;
        };
        for col in COLUMNS {
            match (decimal(want.get(col)), decimal(have.get(col))) {
                (Ok(w), Ok(h)) if w.map(|d| d.normalize()) == h.map(|d| d.normalize()) => {}
                (Ok(w), Ok(h)) => errors.push(format!("criterion {code} {col}: expected {w:?}, got {h:?}")),
                (_, Err(e)) | (Err(e), _) => errors.push(format!("criterion {code} {col}: {e}")),
            }
        }
    }
    let expected_codes: BTreeSet<&str> =
        expected["criteria"].as_object().into_iter().flatten().map(|(k, _)| k.as_str()).collect();
    let extra: Vec<&str> =
        criteria.iter().filter_map(|c| c["code"].as_str()).filter(|c| !expected_codes.contains(c)).collect();
    if !extra.is_empty() {
        errors.push(format!("unexpected criteria: {extra:?}"));
    }

    match (decimal(expected.get("stated_total")), decimal(got.pointer("/totals/stated/self_score"))) {
        (Ok(w), Ok(h)) if w.map(|d| d.normalize()) == h.map(|d| d.normalize()) => {}
        (w, h) => errors.push(format!("stated total (self_score): expected {w:?}, got {h:?}")),
    }

    let mut want = finding_keys(&expected["findings"]);
    let mut have = finding_keys(&got["findings"]);
    match expected["rubric_findings"].as_array() {
        Some(rubric) => want.extend(rubric.iter().map(|f| {
            let s = |k: usize| f[k].as_str().expect("rubric finding as [kind, code, column]").to_owned();
            (s(0), s(1), s(2))
        })),
        None => have.retain(|(kind, _, _)| !support::RUBRIC_KINDS.contains(&kind.as_str())),
    }
    // An excerpt of a seed (a few of its rows) resembles the seed's catalog, so
    // the catalog's other criteria are reported missing: not what it tests.
    if expected["excerpt"] == true {
        have.retain(|(kind, _, _)| !FRAMEWORK_KINDS.contains(&kind.as_str()));
    }
    for missing in want.difference(&have) {
        errors.push(format!("finding missing: {missing:?}"));
    }
    for extra in have.difference(&want) {
        errors.push(format!("finding not expected: {extra:?}"));
    }
    errors
}

fn expected_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join("expected"))
        .expect("fixtures/expected")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Checks one fixture by its file name (`option_rows.docx`).
fn check_fixture(file: &str) -> Vec<String> {
    let expected_path = fixtures().join("expected").join(format!("{file}.json"));
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(&expected_path).expect("expectation"))
        .expect("expectation is JSON");
    match check(&fixtures().join("docs").join(file)) {
        Ok(got) => compare(&expected, &got),
        Err(e) => vec![e],
    }
}

macro_rules! fixture_tests {
    ($($name:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $name() {
                let errors = check_fixture($file);
                assert!(errors.is_empty(), "{}:\n  {}", $file, errors.join("\n  "));
            }
        )*

        /// Every expectation on disk has a test above (a new fixture needs a line).
        #[test]
        fn every_fixture_has_a_test() {
            let listed: BTreeSet<&str> = [$($file),*].into_iter().collect();
            let on_disk: Vec<String> = expected_files()
                .iter()
                .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
                .collect();
            let unlisted: Vec<&String> = on_disk.iter().filter(|f| !listed.contains(f.as_str())).collect();
            assert!(unlisted.is_empty(), "fixtures without a test line: {unlisted:?}");
            for f in &listed {
                assert!(fixtures().join("docs").join(f).exists(), "listed fixture {f} is not in fixtures/docs");
            }
        }
    };
}

fixture_tests! {
    option_rows_docx => "option_rows.docx",
    rubric_seed000_docx => "rubric_seed000.docx",
    rubric_seed000_ods => "rubric_seed000.ods",
    rubric_seed001_docx => "rubric_seed001.docx",
    rubric_seed003_docx => "rubric_seed003.docx",
    grid_before_docx => "grid_before.docx",
    header_two_rows_docx => "header_two_rows.docx",
    header_two_rows_xlsx => "header_two_rows.xlsx",
    merged_sections_docx => "merged_sections.docx",
    merged_sections_xlsx => "merged_sections.xlsx",
    formulas_xlsx => "formulas.xlsx",
    formulas_ods => "formulas.ods",
    formulas_uncached_xlsx => "formulas_uncached.xlsx",
    hidden_lines_xlsx => "hidden_lines.xlsx",
    hidden_lines_ods => "hidden_lines.ods",
    two_tables_xlsx => "two_tables.xlsx",
    simple_xls => "simple.xls",
    simple_ods => "simple.ods",
    simple_portal_xls => "simple_portal.xls",
    codes_mixed_docx => "codes_mixed.docx",
    codes_mixed_tcvn3_docx => "codes_mixed_tcvn3.docx",
    codes_mixed_vni_docx => "codes_mixed_vni.docx",
    codes_mixed_nfd_docx => "codes_mixed_nfd.docx",
    codes_mixed_horn_docx => "codes_mixed_horn.docx",
    codes_mixed_mixed_runs_docx => "codes_mixed_mixed_runs.docx",
    running_number_docx => "running_number.docx",
    remediation_docx => "remediation.docx",
    appraisal_only_xlsx => "appraisal_only.xlsx",
    truncated_docx => "truncated.docx",
    random_bytes_xlsx => "random_bytes.xlsx",
    empty_docx => "empty.docx",
    html_page_docx => "html_page.docx",
    legacy_word97_doc => "legacy_word97.doc",
    // Word 97-2003 twins written by LibreOffice (fixtures/gen/convert.sh), held to their .docx's expectation.
    merged_sections_doc => "merged_sections.doc",
    codes_mixed_tcvn3_doc => "codes_mixed_tcvn3.doc",
    tcvn3_by_style_doc => "tcvn3_by_style.doc",
    nested_fields_hidden_doc => "nested_fields_hidden.doc",
    autonum_two_lists_docx => "autonum_two_lists.docx",
    autonum_one_list_docx => "autonum_one_list.docx",
    hidden_text_docx => "hidden_text.docx",
    text_box_docx => "text_box.docx",
    word_markup_docx => "word_markup.docx",
    stt_code_permuted_docx => "stt_code_permuted.docx",
    // RTF and ODT twins made by LibreOffice (fixtures/gen/office.py): same expectation as the .docx.
    merged_sections_rtf => "merged_sections.rtf",
    merged_sections_odt => "merged_sections.odt",
    codes_mixed_tcvn3_rtf => "codes_mixed_tcvn3.rtf",
    codes_mixed_tcvn3_odt => "codes_mixed_tcvn3.odt",
    nested_hidden_rtf => "nested_hidden.rtf",
    nested_hidden_odt => "nested_hidden.odt",
}

/// The legacy-encoded and damaged twins of `codes_mixed.docx` read, after
/// normalization, exactly like the clean file: same codes, same titles.
#[test]
fn encoding_variants_read_like_their_clean_twin() {
    let titles = |file: &str| -> Vec<(String, String)> {
        let report = check(&fixtures().join("docs").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        report["criteria"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| (c["code"].as_str().unwrap_or("").to_owned(), c["title"].as_str().unwrap_or("").to_owned()))
            .collect()
    };
    let clean = titles("codes_mixed.docx");
    assert!(clean.len() > 5, "the clean twin has criteria");
    for variant in ["tcvn3", "vni", "nfd", "horn", "mixed_runs"] {
        let file = format!("codes_mixed_{variant}.docx");
        assert_eq!(titles(&file), clean, "{file}");
    }
}
