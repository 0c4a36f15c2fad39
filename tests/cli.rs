//! The command line as the nightly job uses it: a folder of good and broken files,
//! one NDJSON object per input, a batch that never stops, `--out`, exit codes.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use zip::write::SimpleFileOptions;
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
    let cases: [&[&std::ffi::OsStr]; 4] = [
        &[],
        &["check".as_ref()],
        &["check".as_ref(), "--no-such-option".as_ref(), fixture.as_os_str()],
        &["no-such-command".as_ref(), fixture.as_os_str()],
    ];
    for args in cases {
        let out = parcheck(args);
        assert_eq!(out.status.code(), Some(2), "args {args:?}: stderr {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout.is_empty(), "args {args:?}: usage error printed to stdout");
    }
}
