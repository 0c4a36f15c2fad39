//! The `check` command over folders: one object per document, in path order,
//! nothing but NDJSON on stdout, and the contract's exit statuses.

use crate::support;

use support::{mixed_folder, parcheck, path_str, paths, run, stdout_objects};

#[test]
fn one_object_per_document_sorted_by_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = mixed_folder(dir.path());
    let root = path_str(dir.path());
    for jobs in ["1", "2"] {
        let output = run(&["check", "--quiet", "--jobs", jobs, &root]);
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(output.stderr.is_empty(), "--quiet must keep stderr empty");
        let objects = stdout_objects(&output);
        assert_eq!(paths(&objects), expected);
        for o in &objects {
            assert_eq!(o["contract"], 1);
            let status = o["status"].as_str().expect("status");
            assert!(["ok", "no_table", "unsupported", "error"].contains(&status));
            assert_eq!(status == "ok", o["error"].is_null(), "{o}");
        }
    }
}

#[test]
fn output_is_deterministic_and_goes_to_out_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = mixed_folder(&dir.path().join("in"));
    let input = path_str(&dir.path().join("in"));
    let out = path_str(&dir.path().join("out.ndjson"));
    let first = run(&["check", "--jobs", "2", "--out", &out, &input]);
    assert_eq!(first.status.code(), Some(0));
    assert!(first.stdout.is_empty(), "with --out nothing goes to stdout");
    let summary = String::from_utf8_lossy(&first.stderr);
    assert!(summary.contains(&format!("Đã kiểm tra {} tài liệu", expected.len())), "{summary}");
    let written = std::fs::read_to_string(&out).expect("read --out");
    let second = run(&["check", "--quiet", "--jobs", "1", &input]);
    assert_eq!(String::from_utf8_lossy(&second.stdout), written);
}

#[test]
fn explicit_files_always_get_an_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let notes = dir.path().join("notes.txt");
    let lock = dir.path().join("~$lock.docx");
    std::fs::write(&notes, "plain text").expect("write");
    std::fs::write(&lock, "lock").expect("write");
    let (notes, lock) = (path_str(&notes), path_str(&lock));
    // Given twice: still one object.
    let output = run(&["check", "--quiet", &notes, &lock, &notes]);
    assert_eq!(output.status.code(), Some(0));
    let mut expected = vec![notes, lock];
    expected.sort();
    assert_eq!(paths(&stdout_objects(&output)), expected);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["check"]).status.code(), Some(2));
    assert_eq!(run(&["check", "--tolerance", "abc", "."]).status.code(), Some(2));
    assert_eq!(run(&["check", "--only-changed", "."]).status.code(), Some(2), "--only-changed needs --state");
}

#[test]
fn fail_on_findings_exits_1_only_with_error_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    mixed_folder(dir.path());
    let root = path_str(dir.path());
    let plain = run(&["check", "--quiet", &root]);
    assert_eq!(plain.status.code(), Some(0));
    let error_findings = stdout_objects(&plain)
        .iter()
        .flat_map(|o| o["findings"].as_array().cloned().unwrap_or_default())
        .filter(|f| f["severity"] == "error")
        .count();
    let strict = parcheck().args(["check", "--quiet", "--fail-on-findings", &root]).output().expect("run");
    assert_eq!(strict.status.code(), Some(if error_findings > 0 { 1 } else { 0 }));
}

#[test]
fn the_summary_counts_documents_by_status_in_words_that_say_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).expect("write");
    write("a.docx", &support::scoring_docx("UBND xã A", 0));
    write("b.docx", &support::scoring_docx("UBND xã B", 0));
    write("cut.docx", &support::scoring_docx("UBND xã C", 0)[..300]);
    write("bao-cao.html", "<html><body><p>Báo cáo công tác CCHC</p></body></html>".as_bytes());
    let output = run(&["check", &path_str(dir.path())]);
    assert_eq!(output.status.code(), Some(0));
    let statuses: Vec<String> =
        stdout_objects(&output).iter().map(|o| o["status"].as_str().expect("status").to_owned()).collect();
    assert_eq!(statuses, ["ok", "ok", "no_table", "error"]);
    let summary = String::from_utf8_lossy(&output.stderr);
    let line = summary.lines().find(|l| l.starts_with("Đã kiểm tra")).expect("summary line");
    assert!(
        line.starts_with(
            "Đã kiểm tra 4 tài liệu: 2 đọc được (bảng điểm hoặc số liệu thống kê), 1 có lỗi đọc, 1 không có bảng điểm, \
             0 định dạng chưa hỗ trợ; 4 phát hiện mức lỗi — "
        ),
        "{line}"
    );
}
