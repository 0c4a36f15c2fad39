//! Helpers shared by the integration tests: running
//! the binary, building a folder of documents, reading NDJSON.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
use serde_json::Value;

/// Whether a test can run: `missing` names the tool or data it lacks, if any.
/// In CI (`CI=true`) a missing one fails the test with the line that installs
/// it, so a green CI run never means the test did not run; elsewhere the test
/// prints one SKIPPED line and passes.
pub fn can_run(test: &str, missing: Option<&str>, install: &str) -> bool {
    let Some(missing) = missing else { return true };
    assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{test}: {missing} is missing in CI; {install}");
    println!("SKIPPED {test}: {missing} is missing ({install})");
    false
}

/// A shared sample set beside the checkout (`../shared/NAME`, with `docs/` and
/// `truth/`), or `None` after [`can_run`] has said it is absent.
pub fn shared_set(test: &str, name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(name);
    let missing = (!dir.join("truth").is_dir()).then(|| format!("../shared/{name}"));
    can_run(test, missing.as_deref(), "CI places shared/ beside the checkout").then_some(dir)
}

/// `page` of `pdf` (all pages when `None`, for a one-page PDF) rendered by
/// `pdftoppm` in gray at `dpi`, as a PNG file named `name` in `dir`.
pub fn rendered_gray_png(pdf: &Path, page: Option<u32>, dpi: u32, dir: &Path, name: &str) -> PathBuf {
    let base = dir.join(name);
    let mut command = Command::new("pdftoppm");
    if let Some(page) = page {
        command.args(["-f", &page.to_string(), "-l", &page.to_string()]);
    }
    let status = command
        .args(["-r", &dpi.to_string(), "-gray", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&base)
        .status()
        .expect("run pdftoppm");
    assert!(status.success(), "pdftoppm {}", pdf.display());
    base.with_extension("png")
}

/// What OCR needs that is not installed: Tesseract with its Vietnamese data.
pub fn ocr_missing() -> Option<&'static str> {
    let langs = Command::new("tesseract").arg("--list-langs").output();
    let vietnamese = langs.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == "vie"));
    (!vietnamese).then_some("tesseract with Vietnamese data (tesseract-ocr-vie)")
}

/// The messages of an output object's findings.
pub fn messages(object: &Value) -> Vec<String> {
    object["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["message"].as_str().map(str::to_owned))
        .collect()
}

/// The criterion with this code in an output object.
pub fn criterion<'a>(object: &'a Value, code: &str) -> &'a Value {
    object["criteria"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["code"] == code))
        .unwrap_or_else(|| panic!("criterion {code} in {object}"))
}

/// The finding kinds about the rubric and evidence beside the scores.
pub const RUBRIC_KINDS: [&str; 6] = [
    "score_not_in_rubric",
    "max_differs_from_rubric",
    "missing_evidence",
    "evidence_after_report",
    "evidence_outside_period",
    "late_for_deadline",
];

/// Peak resident memory of the command in MB, through `/usr/bin/time -v`;
/// `None` (and a line saying so) where that tool is missing.
pub fn peak_mb(args: &[&str]) -> Option<(u64, std::process::Output)> {
    let missing = (!Path::new("/usr/bin/time").exists()).then_some("/usr/bin/time");
    if !can_run("peak memory", missing, "apt-get install time") {
        return None;
    }
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_parcheck"))
        .args(args)
        .output()
        .expect("run parcheck under time");
    let report = String::from_utf8_lossy(&output.stderr);
    let kb: u64 = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .expect("time -v reports the peak");
    Some((kb / 1024, output))
}

/// `parcheck check DIR`, asserting a peak resident memory under 100 MB where it can be measured.
pub fn check_under_100_mb(dir: &Path, what: &str) -> std::process::Output {
    let dir = path_str(dir);
    match peak_mb(&["check", &dir]) {
        Some((peak, output)) => {
            println!("{what}: peak {peak} MB");
            assert!(peak < 100, "peak resident memory {peak} MB");
            output
        }
        None => run(&["check", &dir]),
    }
}

pub fn parcheck() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parcheck"))
}

pub fn run(args: &[&str]) -> Output {
    parcheck().args(args).output().expect("run parcheck")
}

pub fn stdout_objects(output: &Output) -> Vec<Value> {
    ndjson(&String::from_utf8_lossy(&output.stdout))
}

pub fn ndjson(text: &str) -> Vec<Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
}

pub fn paths(objects: &[Value]) -> Vec<String> {
    objects.iter().map(|o| o["source"]["path"].as_str().expect("source.path").to_owned()).collect()
}

pub fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The real documents under `fixtures/docs` (those with a document extension),
/// if the fixtures have been generated.
pub fn fixture_docs() -> Vec<PathBuf> {
    const EXTENSIONS: [&str; 6] = ["docx", "xlsx", "xls", "pdf", "doc", "ods"];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs");
    let is_document = |p: &Path| {
        p.is_file() && p.extension().is_some_and(|e| EXTENSIONS.contains(&e.to_string_lossy().to_lowercase().as_str()))
    };
    let mut docs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| is_document(p)).collect())
        .unwrap_or_default();
    docs.sort();
    docs
}

fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
}

/// A self-assessment report whose criterion 1.1 claims more than its children
/// sum to; `extra_rows` pads the table so that a document takes measurable time.
pub fn scoring_docx(unit: &str, extra_rows: usize) -> Vec<u8> {
    let mut rows = vec![
        ["STT", "Lĩnh vực/Tiêu chí", "Điểm chuẩn", "Điểm tự đánh giá"],
        ["1", "Công tác chỉ đạo, điều hành CCHC", "3", "3"],
        ["1.1", "Kế hoạch CCHC năm", "2", "2"],
        ["1.1.1", "Ban hành kế hoạch kịp thời", "1", "0,5"],
        ["1.1.2", "Xác định đầy đủ nhiệm vụ", "1", "1"],
        ["1.2", "Báo cáo CCHC", "1", "1"],
    ]
    .into_iter()
    .map(|r| r.map(str::to_owned).to_vec())
    .collect::<Vec<_>>();
    rows.extend((0..extra_rows).map(|i| vec![String::new(), format!("- ghi chú {i}"), String::new(), String::new()]));
    rows.push(vec!["".into(), "Tổng điểm".into(), "3".into(), "3".into()]);
    let table = Table::new(rows.iter().map(|r| TableRow::new(r.iter().map(|t| cell(t)).collect())).collect());
    let docx = Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(unit)))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Tổng số điểm tự đánh giá năm 2021 là: 3 điểm")))
        .add_table(table);
    let mut packed = Cursor::new(Vec::new());
    docx.build().pack(&mut packed).expect("pack docx");
    packed.into_inner()
}

/// Fills `dir` with generated reports, junk, temp and hidden files, and copies of
/// the fixtures. Returns the paths `parcheck check dir` must emit, sorted.
pub fn mixed_folder(dir: &Path) -> Vec<String> {
    let write = |rel: &str, bytes: &[u8]| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
        path_str(&path)
    };
    let mut expected = vec![
        write("b/UBND xã Hà Lĩnh.docx", &scoring_docx("UBND xã Hà Lĩnh", 0)),
        write("a/thi-tran.docx", &scoring_docx("UBND thị trấn Bút Sơn", 3)),
        write("a/empty.docx", b""),
        write("a/random.xlsx", &(0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect::<Vec<_>>()),
        write("a/truncated.docx", &scoring_docx("x", 0)[..300]),
        write("a/b/scan.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"),
        write("c/portal-export.dat", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
        write("c/no-extension", &scoring_docx("UBND xã Hà Lĩnh", 0)),
        write("c/<script>alert(1)</script>.docx", &scoring_docx("UBND <b>xã</b>", 0)),
    ];
    // Not documents: lock, hidden, backup and plain files.
    write("a/~$thi-tran.docx", b"lock");
    write("a/.~lock.thi-tran.docx#", b"lock");
    write(".git/config.docx", b"hidden folder");
    write("b/notes.txt", b"just text");
    write("b/thi-tran.docx~", b"backup");
    for (i, doc) in fixture_docs().iter().enumerate() {
        let name = doc.file_name().expect("name").to_string_lossy();
        let copy = dir.join("fixtures").join(format!("{i:03}-{name}"));
        std::fs::create_dir_all(copy.parent().expect("parent")).expect("mkdir");
        std::fs::copy(doc, &copy).expect("copy fixture");
        expected.push(path_str(&copy));
    }
    expected.sort();
    expected
}

/// How `object` departs from `schemas/document.schema.json` (empty when it matches).
pub fn schema_errors(object: &Value) -> Vec<String> {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/document.schema.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("schema JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    });
    validator.iter_errors(object).map(|e| format!("{e} at {}", e.instance_path)).collect()
}

/// Panics unless every object matches `schemas/document.schema.json`.
pub fn assert_schema(objects: &[Value]) {
    for o in objects {
        let errors = schema_errors(o);
        assert!(errors.is_empty(), "{o}: {errors:?}");
    }
}
