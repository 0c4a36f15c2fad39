//! Incremental runs with `--state`: unchanged documents are reused, moved ones
//! are recognised by content, and a killed run resumes without losing or
//! duplicating results.

use crate::support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use support::{assert_schema, mixed_folder, ndjson, parcheck, path_str, paths, run, scoring_docx, stdout_objects};

/// The identities of the live (not deleted) rows of a state file.
fn stored_paths(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open state");
    let mut stmt =
        conn.prepare("SELECT display FROM documents WHERE status <> 'deleted' ORDER BY key").expect("prepare");
    let rows = stmt.query_map([], |row| row.get(0)).expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

/// Paths relative to `root`, as a state run writes them (`source.path`).
fn relative(root: &Path, paths: &[String]) -> Vec<String> {
    let mut out: Vec<String> =
        paths.iter().map(|p| path_str(Path::new(p).strip_prefix(root).expect("under root"))).collect();
    out.sort();
    out
}

#[test]
fn rerun_reuses_unchanged_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    let expected = relative(&input, &mixed_folder(&input));
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
    std::fs::write(Path::new(&input).join(touched), scoring_docx("UBND xã mới", 1)).expect("rewrite");
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
    assert_eq!(after["source"]["path"], "2021/moi.docx");
    after["source"]["path"] = before["source"]["path"].clone();
    assert_eq!(after, before, "the moved document's result is reused unchanged");
    assert_eq!(stored_paths(Path::new(&db)), vec!["2021/moi.docx"], "the old path is gone");
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
            let name = format!("{i:03}.docx");
            std::fs::write(input.join(&name), scoring_docx(&format!("UBND xã số {i}"), 400)).expect("write");
            name
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

    // The killed run's results were never delivered: --only-changed still emits them.
    let rerun = run(&["check", "--only-changed", "--state", &db, &path_str(&input)]);
    assert_eq!(rerun.status.code(), Some(0));
    let objects = ndjson(&String::from_utf8_lossy(&rerun.stdout));
    assert_eq!(paths(&objects), expected, "every document exactly once, in order");
    assert_eq!(stored_paths(Path::new(&db)), expected, "one row per document");
    let summary = String::from_utf8_lossy(&rerun.stderr);
    assert!(summary.contains(&format!("{} không đổi", stored_before_rerun.len())), "{summary}");
    let unique: BTreeSet<&str> = objects.iter().filter_map(|o| o["source"]["sha256"].as_str()).collect();
    assert_eq!(unique.len(), DOCUMENTS, "each object describes its own file");
}

#[test]
fn every_spelling_of_a_path_is_one_identity() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive");
    let expected = relative(&archive, &mixed_folder(&archive));
    let db = path_str(&dir.path().join("state.db"));
    let at = |args: &[&str]| parcheck().current_dir(dir.path()).args(args).output().expect("run");
    let first = at(&["check", "--quiet", "--state", &db, "archive"]);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(paths(&stdout_objects(&first)), expected);
    for spelling in ["./archive", &path_str(&archive), "archive/../archive/"] {
        let again = at(&["check", "--quiet", "--only-changed", "--state", &db, spelling]);
        assert_eq!(again.status.code(), Some(0));
        assert!(stdout_objects(&again).is_empty(), "{spelling}: nothing changed, nothing emitted");
    }
    let export = run(&["export", "--state", &db]);
    assert_eq!(paths(&stdout_objects(&export)), expected, "one object per file, whatever the spelling");
}

#[test]
fn a_moved_archive_keeps_its_rows_with_a_new_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("old");
    let expected = relative(&old, &mixed_folder(&old));
    let db = path_str(&dir.path().join("state.db"));
    assert_eq!(run(&["check", "--quiet", "--state", &db, &path_str(&old)]).status.code(), Some(0));
    let new = dir.path().join("new");
    std::fs::rename(&old, &new).expect("move archive");
    let moved = run(&["check", "--only-changed", "--root", &path_str(&new), "--state", &db, &path_str(&new)]);
    assert_eq!(moved.status.code(), Some(0));
    assert!(stdout_objects(&moved).is_empty(), "the same files under a new root are unchanged");
    assert_eq!(stored_paths(Path::new(&db)), expected);
}

#[test]
fn a_deleted_file_is_reported_once_then_dropped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    let expected = relative(&input, &mixed_folder(&input));
    let (input_s, db) = (path_str(&input), path_str(&dir.path().join("state.db")));
    assert_eq!(run(&["check", "--quiet", "--state", &db, &input_s]).status.code(), Some(0));
    let gone = &expected[1];
    std::fs::remove_file(input.join(gone)).expect("delete");

    let changes = run(&["check", "--only-changed", "--state", &db, &input_s]);
    assert_eq!(changes.status.code(), Some(0));
    let objects = stdout_objects(&changes);
    assert_eq!(objects.len(), 1, "{objects:?}");
    assert_eq!(objects[0]["status"], "deleted");
    assert_eq!(objects[0]["source"]["path"], gone.as_str());
    assert_schema(&objects);
    assert!(String::from_utf8_lossy(&changes.stderr).contains("1 tài liệu đã bị xoá"));
    let export = stdout_objects(&run(&["export", "--state", &db]));
    assert_eq!(export.len(), expected.len(), "export shows the tombstone until the next run");
    assert_eq!(export.iter().filter(|o| o["status"] == "deleted").count(), 1);

    let next = run(&["check", "--only-changed", "--state", &db, &input_s]);
    assert!(stdout_objects(&next).is_empty(), "reported once");
    let export = stdout_objects(&run(&["export", "--state", &db]));
    assert_eq!(export.len(), expected.len() - 1, "then dropped");
    assert!(export.iter().all(|o| o["status"] != "deleted"));

    // A sub-folder checked alone does not make the rest of the archive "deleted".
    let part = run(&["check", "--only-changed", "--state", &db, &path_str(&input.join("a"))]);
    assert!(stdout_objects(&part).is_empty(), "{}", String::from_utf8_lossy(&part.stdout));
}

#[test]
fn a_missing_root_deletes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    let expected = relative(&input, &mixed_folder(&input));
    let (input_s, db) = (path_str(&input), path_str(&dir.path().join("state.db")));
    assert_eq!(run(&["check", "--quiet", "--state", &db, &input_s]).status.code(), Some(0));
    std::fs::rename(&input, dir.path().join("unmounted")).expect("move away");
    let out = run(&["check", "--only-changed", "--state", &db, &input_s]);
    assert_eq!(out.status.code(), Some(0));
    let objects = stdout_objects(&out);
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0]["status"], "error");
    assert!(objects[0]["error"].as_str().is_some_and(|e| e.contains("không tìm thấy đường dẫn")));
    assert_eq!(stored_paths(Path::new(&db)), expected, "an unmounted archive is not an empty one");
}

fn write_old_output(dir: &Path) -> String {
    let out = dir.join("out.ndjson");
    std::fs::write(&out, "yesterday\n").expect("write");
    path_str(&out)
}

#[test]
fn a_corrupt_state_exits_3_and_leaves_the_old_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::write(input.join("a.docx"), scoring_docx("UBND xã A", 0)).expect("write");
    let db = dir.path().join("state.db");
    std::fs::write(&db, vec![0x5a; 8192]).expect("corrupt");
    let out = write_old_output(dir.path());
    let result = run(&["check", "--out", &out, "--state", &path_str(&db), &path_str(&input)]);
    assert_eq!(result.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("bị hỏng"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "yesterday\n");
}

#[test]
fn a_locked_state_waits_then_exits_3_and_leaves_the_old_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::write(input.join("a.docx"), scoring_docx("UBND xã A", 0)).expect("write");
    let db = dir.path().join("state.db");
    let out = write_old_output(dir.path());
    let held = parcheck::state::StateLock::acquire(&db, std::time::Duration::ZERO, |_| {}).expect("hold the lock");
    let started = std::time::Instant::now();
    let result = run(&["check", "--lock-timeout", "1", "--out", &out, "--state", &path_str(&db), &path_str(&input)]);
    assert_eq!(result.status.code(), Some(3));
    assert!(started.elapsed() >= std::time::Duration::from_secs(1), "it waited");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("đang chờ tối đa 1 giây"), "{stderr}");
    assert!(stderr.contains(&format!("PID {}", std::process::id())), "names the holder: {stderr}");
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "yesterday\n");
    drop(held);
    let result = run(&["check", "--quiet", "--out", &out, "--state", &path_str(&db), &path_str(&input)]);
    assert_eq!(result.status.code(), Some(0), "free again");
    assert_eq!(paths(&ndjson(&std::fs::read_to_string(&out).expect("read"))), vec!["a.docx"]);
}

#[test]
fn shards_are_disjoint_and_merge_into_the_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    let expected = relative(&input, &mixed_folder(&input));
    let input_s = path_str(&input);
    let mut outs = Vec::new();
    let mut states = Vec::new();
    let mut seen = BTreeSet::new();
    for k in 0..3 {
        let out = path_str(&dir.path().join(format!("shard-{k}.ndjson")));
        let db = path_str(&dir.path().join(format!("shard-{k}.db")));
        let shard = format!("{k}/3");
        let result = run(&["check", "--quiet", "--shard", &shard, "--out", &out, "--state", &db, &input_s]);
        assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
        for path in paths(&ndjson(&std::fs::read_to_string(&out).expect("read"))) {
            assert!(seen.insert(path.clone()), "{path} in two shards");
        }
        outs.push(out);
        states.push(db);
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), expected, "the shards cover the archive");
    let mut args = vec!["merge"];
    args.extend(outs.iter().map(String::as_str));
    args.push(&outs[0]); // a part given twice still gives each document once
    let merged = run(&args);
    assert_eq!(merged.status.code(), Some(0), "{}", String::from_utf8_lossy(&merged.stderr));
    assert_eq!(paths(&stdout_objects(&merged)), expected);
    let mut args = vec!["export"];
    for db in &states {
        args.extend(["--state", db.as_str()]);
    }
    let exported = run(&args);
    assert_eq!(exported.status.code(), Some(0));
    assert_eq!(exported.stdout, merged.stdout);
    assert_eq!(run(&["check", "--shard", "3/3", &input_s]).status.code(), Some(2));
}
