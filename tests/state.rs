//! Incremental runs with `--state`: unchanged documents are reused, moved ones
//! are recognised by content, and a killed run resumes without losing or
//! duplicating results.

mod support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use support::{mixed_folder, ndjson, parcheck, path_str, paths, run, scoring_docx, stdout_objects};

fn stored_paths(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open state");
    let mut stmt = conn.prepare("SELECT path FROM documents ORDER BY path").expect("prepare");
    let rows = stmt.query_map([], |row| row.get(0)).expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

#[test]
fn rerun_reuses_unchanged_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    let expected = mixed_folder(&input);
    let (input, db) = (path_str(&input), path_str(&dir.path().join("state.db")));

    let first = run(&["check", "--state", &db, &input]);
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(paths(&stdout_objects(&first)), expected);
    assert_eq!(stored_paths(Path::new(&db)), expected);

    let second = run(&["check", "--state", &db, &input]);
    assert_eq!(second.stdout, first.stdout, "a rerun emits the same objects");
    let summary = String::from_utf8_lossy(&second.stderr);
    assert!(summary.contains(&format!("{} không đổi", expected.len())), "{summary}");

    // Only the touched document is re-checked and, with --only-changed, emitted.
    let touched = &expected[0];
    std::fs::write(touched, scoring_docx("UBND xã mới", 1)).expect("rewrite");
    let third = run(&["check", "--only-changed", "--state", &db, &input]);
    assert_eq!(paths(&stdout_objects(&third)), vec![touched.clone()]);

    let export = run(&["export", "--state", &db]);
    assert_eq!(export.status.code(), Some(0));
    assert_eq!(paths(&stdout_objects(&export)), expected);
}

#[test]
fn moved_documents_are_recognised_by_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    let old = input.join("cu.docx");
    std::fs::write(&old, scoring_docx("UBND xã Hà Lĩnh", 0)).expect("write");
    let db = path_str(&dir.path().join("state.db"));
    let first = run(&["check", "--state", &db, &path_str(&input)]);
    let before = stdout_objects(&first).remove(0);

    let new = input.join("2021").join("moi.docx");
    std::fs::create_dir_all(new.parent().expect("parent")).expect("mkdir");
    std::fs::rename(&old, &new).expect("move");
    let second = run(&["check", "--state", &db, &path_str(&input)]);
    let summary = String::from_utf8_lossy(&second.stderr);
    assert!(summary.contains("1 trùng nội dung"), "{summary}");
    let mut after = stdout_objects(&second).remove(0);
    assert_eq!(after["source"]["path"], path_str(&new));
    after["source"]["path"] = before["source"]["path"].clone();
    assert_eq!(after, before, "the moved document's result is reused unchanged");
    assert_eq!(stored_paths(Path::new(&db)), vec![path_str(&new)], "the old path is forgotten");
}

#[cfg(unix)]
#[test]
fn a_killed_run_resumes_without_loss_or_duplicates() {
    const DOCUMENTS: usize = 200;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    let mut expected: Vec<String> = (0..DOCUMENTS)
        .map(|i| {
            let path = input.join(format!("{i:03}.docx"));
            std::fs::write(&path, scoring_docx(&format!("UBND xã số {i}"), 400)).expect("write");
            path_str(&path)
        })
        .collect();
    expected.sort();
    let db = path_str(&dir.path().join("state.db"));

    let mut child = parcheck()
        .args(["check", "--quiet", "--jobs", "1", "--state", &db, &path_str(&input)])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let seen = lines.by_ref().take(5).count();
    child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
    child.wait().expect("wait");
    let emitted_before_kill = seen + lines.count();
    let stored_before_rerun = stored_paths(Path::new(&db));
    assert!(emitted_before_kill < DOCUMENTS, "the run finished before it could be killed");
    assert!(stored_before_rerun.len() >= seen, "results emitted were already stored");

    let rerun = run(&["check", "--state", &db, &path_str(&input)]);
    assert_eq!(rerun.status.code(), Some(0));
    let objects = ndjson(&String::from_utf8_lossy(&rerun.stdout));
    assert_eq!(paths(&objects), expected, "every document exactly once, in order");
    assert_eq!(stored_paths(Path::new(&db)), expected, "one row per document");
    let summary = String::from_utf8_lossy(&rerun.stderr);
    assert!(summary.contains(&format!("{} không đổi", stored_before_rerun.len())), "{summary}");
    let unique: BTreeSet<&str> = objects.iter().filter_map(|o| o["source"]["sha256"].as_str()).collect();
    assert_eq!(unique.len(), DOCUMENTS, "each object describes its own file");
}
