//! The human reports of a real run: the workbook reopened with calamine and the
//! HTML page parsed, both checked against the NDJSON of the same run.

mod support;

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

use support::{mixed_folder, path_str, run, stdout_objects};

fn findings(objects: &[Value]) -> Vec<&Value> {
    objects.iter().flat_map(|o| o["findings"].as_array().into_iter().flatten()).collect()
}

#[test]
fn xlsx_and_html_match_the_ndjson() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    let expected = mixed_folder(&input);
    let (xlsx, html) = (dir.path().join("bao-cao.xlsx"), dir.path().join("bao-cao.html"));
    let output = run(&["check", "--quiet", "--xlsx", &path_str(&xlsx), "--html", &path_str(&html), &path_str(&input)]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let objects = stdout_objects(&output);
    let all_findings = findings(&objects);

    let mut workbook: Xlsx<_> = open_workbook(&xlsx).expect("open xlsx");
    let documents = workbook.worksheet_range("Tài liệu").expect("sheet Tài liệu");
    let rows: Vec<&[Data]> = documents.rows().collect();
    assert_eq!(rows[0][0], Data::String("Tệp".into()));
    assert_eq!(rows.len(), expected.len() + 1);
    for (row, object) in rows[1..].iter().zip(&objects) {
        assert_eq!(row[0].to_string(), object["source"]["path"].as_str().expect("path"));
        let errors = object["findings"].as_array().map_or(0, |f| f.iter().filter(|f| f["severity"] == "error").count());
        assert_eq!(row[9], Data::Float(errors as f64), "error findings of {}", row[0]);
    }
    let finding_rows = workbook.worksheet_range("Phát hiện").expect("sheet Phát hiện");
    assert_eq!(finding_rows.height(), all_findings.len() + 1);
    for (row, finding) in finding_rows.rows().skip(1).zip(&all_findings) {
        assert_eq!(row[7].to_string(), finding["message"].as_str().expect("message"));
    }

    let page = std::fs::read_to_string(&html).expect("read html");
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains(" src="), "self-contained");
    assert!(!page.contains("<script>"), "document text is escaped");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;.docx"));
    assert_eq!(page.matches("<section class=\"doc").count(), expected.len());
    assert_eq!(page.matches("<tr class=\"finding ").count(), all_findings.len());
    let highlighted = page.matches("class=\"n bad-").count();
    assert!(highlighted <= all_findings.len());
    assert!(!dir.path().join("bao-cao.html.part").exists(), "the spool file is removed");

    // Documents with error findings come first, most errors first.
    let sections: Vec<usize> = page
        .split("<section class=\"doc")
        .skip(1)
        .map(|s| s.split("</section>").next().unwrap_or("").matches("<tr class=\"finding sev-error").count())
        .collect();
    let with_errors = sections.iter().take_while(|&&n| n > 0).count();
    assert!(sections[..with_errors].windows(2).all(|w| w[0] >= w[1]), "{sections:?}");
    assert!(sections[with_errors..].iter().all(|&n| n == 0), "{sections:?}");
}
