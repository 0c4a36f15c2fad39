//! The command line as the nightly job uses it: a folder of good and broken files,
//! one NDJSON object per input, a batch that never stops, `--out`, exit codes.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use zip::write::SimpleFileOptions;

use crate::support;
use zip::CompressionMethod;

const GOOD: [&str; 3] = ["grid_before.docx", "header_two_rows.xlsx", "simple.ods"];
const BROKEN: [&str; 4] = ["truncated.docx", "random_bytes.xlsx", "empty.docx", "legacy_word97.doc"];
const BOMB: &str = "bomb.docx";

fn parcheck(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parcheck")).args(args).output().expect("run parcheck")
}

/// A Word package whose `word/document.xml` inflates to 1 GiB of zeros (about 1 MB
/// on disk): made here rather than committed.
fn write_zip_bomb(path: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
    zip.start_file("word/document.xml", options.large_file(true)).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
}

/// A temp folder (with a subfolder, to exercise the walk) of good, broken and hostile inputs.
fn batch_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs");
    std::fs::create_dir(dir.path().join("nested")).unwrap();
    for (i, file) in GOOD.iter().chain(&BROKEN).enumerate() {
        let target = if i % 2 == 0 { dir.path().join(file) } else { dir.path().join("nested").join(file) };
        std::fs::copy(docs.join(file), target).unwrap();
    }
    write_zip_bomb(&dir.path().join(BOMB));
    dir
}

/// Objects by file name; panics on any line that is not one JSON object.
fn parse_ndjson(text: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let obj: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not NDJSON ({e}): {line}"));
        assert!(obj.is_object(), "not an object: {line}");
        let path = obj["source"]["path"].as_str().unwrap_or_else(|| panic!("no source.path: {line}"));
        let name = Path::new(path).file_name().unwrap().to_string_lossy().into_owned();
        assert!(out.insert(name.clone(), obj).is_none(), "two objects for {name}");
    }
    out
}

fn assert_batch(objects: &BTreeMap<String, Value>) {
    let mut names: Vec<&str> = GOOD.iter().chain(&BROKEN).copied().collect();
    names.push(BOMB);
    names.sort();
    assert_eq!(objects.keys().map(String::as_str).collect::<Vec<_>>(), names, "one object per input");
    for good in GOOD {
        assert_eq!(objects[good]["status"], "ok", "{good}: {}", objects[good]["error"]);
    }
    for bad in BROKEN.iter().chain([&BOMB]) {
        let obj = &objects[*bad];
        assert_ne!(obj["status"], "ok", "{bad} must not be ok");
        assert!(obj["error"].as_str().is_some_and(|e| !e.is_empty()), "{bad}: status without a message");
    }
    assert_eq!(objects[BOMB]["status"], "error", "a decompression bomb is hostile");
    // A Word 97 FIB without its table stream: read, and found damaged.
    assert_eq!(objects["legacy_word97.doc"]["status"], "error");
}

#[test]
fn batch_continues_past_broken_files_and_prints_only_ndjson() {
    let dir = batch_dir();
    let out = parcheck(&["check".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_batch(&parse_ndjson(&String::from_utf8(out.stdout).expect("UTF-8 stdout")));
}

#[test]
fn out_file_gets_the_same_objects_and_stdout_stays_empty() {
    let dir = batch_dir();
    let out_dir = tempfile::tempdir().unwrap();
    let out_file: PathBuf = out_dir.path().join("result.ndjson");
    let out = parcheck(&["check".as_ref(), "--out".as_ref(), out_file.as_os_str(), dir.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.iter().all(u8::is_ascii_whitespace), "stdout not empty with --out");
    let written = std::fs::read_to_string(&out_file).expect("--out file written");
    assert_batch(&parse_ndjson(&written));
}

#[test]
fn usage_errors_exit_2() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs/simple.ods");
    let cases: [&[&std::ffi::OsStr]; 9] = [
        &[],
        &["check".as_ref()],
        &["check".as_ref(), "--no-such-option".as_ref(), fixture.as_os_str()],
        &["no-such-command".as_ref(), fixture.as_os_str()],
        &["check".as_ref(), "--jobs".as_ref(), "0".as_ref(), fixture.as_os_str()],
        &["check".as_ref(), "--ocr".as_ref(), "maybe".as_ref(), fixture.as_os_str()],
        &["check".as_ref(), "--out".as_ref()],
        &["check".as_ref(), "--only-changed".as_ref(), fixture.as_os_str()],
        &["export".as_ref()],
    ];
    for args in cases {
        let out = parcheck(args);
        assert_eq!(out.status.code(), Some(2), "args {args:?}: stderr {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout.is_empty(), "args {args:?}: usage error printed to stdout");
        assert_vietnamese(&stderr(&out));
    }
}

/// clap's English phrases that `usage.rs` must have translated.
fn assert_vietnamese(text: &str) {
    const ENGLISH: [&str; 12] = [
        "error:",
        "Usage:",
        "tip:",
        "For more information",
        "Options:",
        "Arguments:",
        "Commands:",
        "Print help",
        "[default:",
        "possible values",
        "[OPTIONS]",
        "required",
    ];
    for phrase in ENGLISH {
        assert!(!text.contains(phrase), "English '{phrase}' left in:\n{text}");
    }
    assert!(text.contains("lỗi:") || text.contains("Cách dùng:"), "{text}");
}

#[test]
fn help_pages_are_in_vietnamese_on_stdout() {
    for command in ["", "check", "export", "merge", "tables"] {
        let args: Vec<&std::ffi::OsStr> =
            command.split_whitespace().map(AsRef::as_ref).chain([std::ffi::OsStr::new("--help")]).collect();
        let out = parcheck(&args);
        assert_eq!(out.status.code(), Some(0), "{command} --help");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("Cách dùng: parcheck"), "{help}");
        assert_vietnamese(&help);
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn objects(text: &str) -> Vec<Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
}

fn copy_good(dir: &Path) {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs");
    for file in GOOD {
        std::fs::copy(docs.join(file), dir.join(file)).unwrap();
    }
}

#[test]
fn own_reports_are_never_read_back() {
    let dir = tempfile::tempdir().unwrap();
    copy_good(dir.path());
    let p = |name: &str| dir.path().join(name).into_os_string();
    let (out, html, xlsx, db) = (p("ket-qua.ndjson"), p("bao-cao.html"), p("bao-cao.xlsx"), p("state.db"));
    let args: Vec<&std::ffi::OsStr> = vec![
        "check".as_ref(),
        "--out".as_ref(),
        &out,
        "--html".as_ref(),
        &html,
        "--xlsx".as_ref(),
        &xlsx,
        "--state".as_ref(),
        &db,
        dir.path().as_os_str(),
    ];
    for _ in 0..2 {
        let run = parcheck(&args);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let written = parse_ndjson(&std::fs::read_to_string(&out).unwrap());
        assert_eq!(written.keys().collect::<Vec<_>>(), GOOD.iter().collect::<Vec<_>>(), "this run's outputs");
    }
    // Renamed reports from an earlier run are recognised by their content.
    for (from, to) in [(&out, "old.json"), (&html, "old.htm"), (&xlsx, "old.xlsx")] {
        std::fs::rename(from, dir.path().join(to)).unwrap();
    }
    let run = parcheck(&["check".as_ref(), dir.path().as_os_str()]);
    let found = parse_ndjson(&String::from_utf8(run.stdout).unwrap());
    assert_eq!(found.keys().collect::<Vec<_>>(), GOOD.iter().collect::<Vec<_>>(), "earlier reports");
}

#[test]
fn missing_paths_and_unreadable_folders_become_error_objects() {
    let dir = tempfile::tempdir().unwrap();
    copy_good(dir.path());
    let missing = dir.path().join("khong-co.docx");
    let empty = tempfile::tempdir().unwrap();
    let run = parcheck(&["check".as_ref(), missing.as_os_str(), empty.path().as_os_str(), dir.path().as_os_str()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let found = parse_ndjson(&String::from_utf8(run.stdout.clone()).unwrap());
    assert_eq!(found.len(), GOOD.len() + 1);
    assert_eq!(found["khong-co.docx"]["status"], "error");
    assert!(found["khong-co.docx"]["error"].as_str().unwrap().contains("không tìm thấy đường dẫn"));
    assert!(stderr(&run).contains("không có tài liệu nào"), "empty folder warning: {}", stderr(&run));
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_an_error_object() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    copy_good(dir.path());
    let locked = dir.path().join("khoa");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = if std::fs::read_dir(&locked).is_ok() {
        // Root reads every folder (CI runs as root): the check runs as `nobody`,
        // from a copy of the binary that user can reach.
        use std::os::unix::process::CommandExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let binary = dir.path().join("parcheck-bin");
        std::fs::copy(env!("CARGO_BIN_EXE_parcheck"), &binary).unwrap();
        Command::new(&binary).uid(65534).gid(65534).arg("check").arg(dir.path()).output().expect("run as nobody")
    } else {
        parcheck(&["check".as_ref(), dir.path().as_os_str()])
    };
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run.status.code(), Some(0));
    let found = parse_ndjson(&String::from_utf8(run.stdout).unwrap());
    assert_eq!(found["khoa"]["status"], "error");
    assert_eq!(
        found["khoa"]["error"].as_str().unwrap(),
        format!(
            "không đọc được {}: không có quyền đọc; hãy cấp quyền đọc cho người dùng chạy parcheck rồi chạy lại",
            locked.display()
        )
    );
    // The system's English text is kept, apart from the message.
    assert!(found["khoa"]["error_detail"].as_str().is_some_and(|d| d.contains("ermission")), "{}", found["khoa"]);
}

#[test]
fn an_unwritable_output_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    copy_good(dir.path());
    let out = dir.path().join("khong-co-thu-muc").join("out.ndjson");
    let run = parcheck(&["check".as_ref(), "--out".as_ref(), out.as_os_str(), dir.path().as_os_str()]);
    assert_eq!(run.status.code(), Some(3));
    assert!(stderr(&run).contains("không chạy được"), "{}", stderr(&run));
}

#[test]
fn a_failed_run_leaves_yesterdays_output() {
    let dir = tempfile::tempdir().unwrap();
    copy_good(dir.path());
    let out = dir.path().join("out.ndjson");
    std::fs::write(&out, "yesterday\n").unwrap();
    // The HTML report cannot be written (its folder is missing): the run cannot be carried out.
    let html = dir.path().join("khong-co").join("r.html");
    let run = parcheck(&[
        "check".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--html".as_ref(),
        html.as_os_str(),
        dir.path().as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "yesterday\n");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.contains("parcheck-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[cfg(unix)]
#[test]
fn non_utf8_names_keep_their_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs");
    // Two Windows-1258 names that differ only in bytes a lossy rendering replaces.
    let names: [&[u8]; 2] = [b"b\xe1o c\xe1o.docx", b"b\xe0o c\xe0o.docx"];
    for name in names {
        let target = dir.path().join(std::ffi::OsStr::from_bytes(name));
        let refused = std::fs::copy(docs.join(GOOD[0]), &target).is_err();
        let missing = refused.then_some("a temporary folder that takes non-UTF-8 names");
        if !support::can_run("non_utf8_names_keep_their_bytes", missing, "set TMPDIR to a Linux file system") {
            return;
        }
    }
    let db = dir.path().join("state.db");
    for state in [false, true] {
        let mut args: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), "--quiet".as_ref()];
        if state {
            args.extend(["--state".as_ref(), db.as_os_str()]);
        }
        args.push(dir.path().as_os_str());
        let run = parcheck(&args);
        assert_eq!(run.status.code(), Some(0));
        let found = objects(&String::from_utf8(run.stdout).expect("output is UTF-8"));
        assert_eq!(found.len(), 2, "two files, two objects (state: {state})");
        support::assert_schema(&found);
        let mut bytes: Vec<String> =
            found.iter().map(|o| o["source"]["path_bytes"].as_str().expect("path_bytes").to_owned()).collect();
        bytes.sort();
        bytes.dedup();
        assert_eq!(bytes.len(), 2, "distinct bytes");
        for o in &found {
            assert!(o["source"]["path"].as_str().unwrap().contains('\u{fffd}'), "lossy path beside the bytes");
            assert_eq!(o["status"], "ok");
        }
        if state {
            assert!(found.iter().any(|o| o["source"]["path_bytes"] == "YuFvIGPhby5kb2N4"), "{found:?}");
        }
    }
}

/// A scoring table whose two leaves hold values near Decimal's limit (5·10²⁸ each).
fn overflow_docx() -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
    let cell = |t: &str| TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(t)));
    let huge = "50000000000000000000000000000";
    let rows = [
        ["STT", "Lĩnh vực/Tiêu chí", "Điểm chuẩn", "Điểm tự đánh giá"],
        ["1", "Công tác chỉ đạo, điều hành CCHC", "3", huge],
        ["1.1", "Kế hoạch CCHC năm", "2", huge],
        ["1.2", "Báo cáo CCHC", "1", huge],
        ["", "Tổng điểm", "3", "3"],
    ];
    let table = Table::new(rows.iter().map(|r| TableRow::new(r.iter().map(|t| cell(t)).collect())).collect());
    let mut packed = std::io::Cursor::new(Vec::new());
    Docx::new().add_table(table).build().pack(&mut packed).unwrap();
    packed.into_inner()
}

#[test]
fn absurd_magnitudes_are_unreadable_values_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tran-so.docx");
    std::fs::write(&file, overflow_docx()).unwrap();
    let run = parcheck(&["check".as_ref(), file.as_os_str()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let found = objects(&String::from_utf8(run.stdout).unwrap());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["status"], "ok", "{}", found[0]);
    let kinds: Vec<&str> = found[0]["findings"].as_array().unwrap().iter().filter_map(|f| f["kind"].as_str()).collect();
    assert!(kinds.contains(&"unreadable_value"), "{kinds:?}");
    let criteria = found[0]["criteria"].as_array().unwrap();
    assert!(criteria.iter().filter(|c| c["code"] != "TOTAL").all(|c| c["self_score"].is_null()), "{criteria:?}");
}

/// A scoring table whose titles are Unicode text in ordinary fonts with Latin-1 symbols and foreign names.
fn latin1_docx(titles: &[&str]) -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow};
    let cell = |t: &str| {
        let run = Run::new().add_text(t).fonts(RunFonts::new().ascii("Arial").hi_ansi("Calibri").cs("Arial"));
        TableCell::new().add_paragraph(Paragraph::new().add_run(run))
    };
    let mut rows = vec![["STT".to_owned(), "Lĩnh vực/Tiêu chí".into(), "Điểm chuẩn".into(), "Điểm tự đánh giá".into()]];
    for (i, title) in titles.iter().enumerate() {
        rows.push([format!("{}", i + 1), (*title).to_owned(), "1".into(), "1".into()]);
    }
    let table = Table::new(rows.iter().map(|r| TableRow::new(r.iter().map(|t| cell(t)).collect())).collect());
    let mut packed = std::io::Cursor::new(Vec::new());
    Docx::new().add_table(table).build().pack(&mut packed).unwrap();
    packed.into_inner()
}

#[test]
fn unicode_with_latin1_symbols_and_foreign_names_is_left_alone() {
    let titles = [
        "Quyết định N° 12 về diện tích 25 m²",
        "Søren Ærø",
        "Jürgen Groß, Müller-Lüdenscheidt",
        "Nhãn hiệu ACME® và nhiệt độ 30°C",
        "François Gaëlle Øystein Åse",
        "N°",
        "m²",
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.docx");
    std::fs::write(&file, latin1_docx(&titles)).unwrap();
    let run = parcheck(&["check".as_ref(), file.as_os_str()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let found = objects(&String::from_utf8(run.stdout).unwrap());
    let read: Vec<&str> = found[0]["criteria"].as_array().unwrap().iter().filter_map(|c| c["title"].as_str()).collect();
    assert_eq!(read, titles, "{}", found[0]);
}

#[test]
fn isolate_gives_the_same_objects_and_survives_a_dying_child() {
    let dir = batch_dir();
    let plain = parcheck(&["check".as_ref(), "--jobs".as_ref(), "2".as_ref(), dir.path().as_os_str()]);
    let isolated =
        parcheck(&["check".as_ref(), "--isolate".as_ref(), "--jobs".as_ref(), "2".as_ref(), dir.path().as_os_str()]);
    assert_eq!(isolated.status.code(), Some(0), "{}", stderr(&isolated));
    assert_eq!(String::from_utf8_lossy(&isolated.stdout), String::from_utf8_lossy(&plain.stdout));

    // The bomb may inflate past the child's memory limit: that document fails, the batch goes on.
    let args: [&std::ffi::OsStr; 9] = [
        "check".as_ref(),
        "--isolate".as_ref(),
        "--isolate-memory-mb".as_ref(),
        "200".as_ref(),
        "--max-decompressed-mb".as_ref(),
        "4096".as_ref(),
        "--max-compression-ratio".as_ref(),
        "100000".as_ref(),
        dir.path().as_os_str(),
    ];
    let run = parcheck(&args);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let found = parse_ndjson(&String::from_utf8(run.stdout).unwrap());
    assert_eq!(found[BOMB]["status"], "error");
    for good in GOOD {
        assert_eq!(found[good]["status"], "ok", "{good} after the bomb");
    }
}

#[test]
fn a_document_past_its_time_limit_is_an_error_object_and_the_batch_goes_on() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs");
    let file = docs.join(GOOD[0]);
    let run = parcheck(&["check".as_ref(), "--max-seconds".as_ref(), "0".as_ref(), file.as_os_str()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let found = parse_ndjson(&String::from_utf8(run.stdout).unwrap());
    let object = &found[GOOD[0]];
    assert_eq!(object["status"], "error", "{object}");
    // What happened, then what to do.
    assert_eq!(
        object["error"],
        "vượt giới hạn thời gian xử lý một tài liệu (0 giây); nếu đây đúng là báo cáo, hãy chạy lại với --max-seconds lớn hơn"
    );
    assert_eq!(object["criteria"], serde_json::json!([]));
}
