//! Many documents at once: walk the inputs, check them on a rayon pool, and
//! emit one NDJSON object per document in path order.
//!
//! Results are streamed through a bounded reorder window, so memory does not
//! grow with the size of the archive: workers never run further ahead of the
//! next object to emit than the window allows.
//!
//! The walk never reads parcheck's own outputs: the files this run writes (and
//! their temporary and lock companions) by path, and reports written by earlier
//! runs by content (see `is_own_report`). A path that cannot be read becomes an
//! `error` object of its own, so the batch always goes on.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use walkdir::WalkDir;

use crate::config::{Allowance, Limits, Options};
use crate::human::{ReportError, Reports};
use crate::isolate::Isolation;
use crate::model::{Problem, Severity, Status};
use crate::pipeline;
use crate::report::{DocumentReport, Source, CONTRACT_VERSION};
use crate::sniff::{self, Format};
use crate::state::{self, Known, Record, Stamp, State, Stored};

/// Extensions of files that are always checked when met in a folder, whatever
/// their content; other files are checked only if their content sniffs as a document.
const DOCUMENT_EXTENSIONS: &[&str] = &[
    "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ods", "odt", "pdf", "htm", "html", "mht", "rtf", "csv", "tsv",
    "jpg", "jpeg", "png", "tif", "tiff",
];

/// Extra wall time granted past `Limits::max_time` before a document whose
/// reader ignores its budget is abandoned.
const WATCHDOG_GRACE: Duration = Duration::from_secs(5);

/// One document to check (or, with `deleted`, one the state knew and the walk no longer finds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// The path as written in the output (`source.path`): as typed, or relative
    /// to the state's root when a state is used. Lossy when the name is not UTF-8.
    pub display: String,
    /// Base64 of the raw bytes of `display`'s path when they are not UTF-8 (`source.path_bytes`).
    pub path_bytes: Option<String>,
    /// The canonical absolute path, the file's identity; `None` for a path that does not exist.
    pub canonical: Option<PathBuf>,
    /// Raw bytes of the identity: relative to the folder given on the command line
    /// (or to the state's root), the key of the state row and of `--shard`.
    pub key: Vec<u8>,
    /// Why this path cannot be read at all (missing, unreadable folder): an `error` object.
    pub problem: Option<Problem>,
    /// Known to the state, gone from the walk: a `deleted` object.
    pub deleted: bool,
}

/// The documents found under the command-line paths, sorted by `display`.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<Input>,
    /// Entries skipped while walking, and empty folders: stderr warnings, not objects.
    pub warnings: Vec<String>,
    /// Canonical paths walked completely: only state rows under them can be found deleted.
    pub scopes: Vec<PathBuf>,
    /// Canonical folders that could not be read: nothing under them is deleted.
    pub unread: Vec<PathBuf>,
}

/// Files this run writes, which the walk must never read back.
#[derive(Debug, Default, Clone)]
pub struct OwnFiles {
    paths: HashSet<PathBuf>,
}

impl OwnFiles {
    /// The outputs of this run (`--out`, `--html`, `--xlsx`, the state); their
    /// temporary, journal and lock companions are added here.
    pub fn new<'a>(outputs: impl IntoIterator<Item = &'a Path>) -> OwnFiles {
        let mut paths = HashSet::new();
        for output in outputs {
            for suffix in ["", ".part", "-wal", "-shm", "-journal", ".lock"] {
                let mut name = output.as_os_str().to_owned();
                name.push(suffix);
                if let Some(canonical) = canonical_target(Path::new(&name)) {
                    paths.insert(canonical);
                }
            }
        }
        OwnFiles { paths }
    }

    fn contains(&self, canonical: &Path) -> bool {
        self.paths.contains(canonical)
    }
}

/// The canonical form of a path that may not exist yet: its folder canonicalized.
fn canonical_target(path: &Path) -> Option<PathBuf> {
    if let Ok(canonical) = path.canonicalize() {
        return Some(canonical);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(parent.canonicalize().ok()?.join(name))
}

/// Expands files and folders into the sorted, de-duplicated list of documents.
/// Explicit files are always included; files met in folders are included when
/// they look like documents (by extension or by content), except temporary,
/// lock and hidden files and parcheck's own reports. Every spelling of one file
/// (`archive`, `./archive`, absolute) gives one input.
pub fn collect_inputs(paths: &[PathBuf], limits: &Limits, own: &OwnFiles) -> Inputs {
    let mut inputs = Inputs::default();
    for root in paths {
        let (meta, canonical_root) = match (std::fs::metadata(root), root.canonicalize()) {
            (Ok(meta), Ok(canonical)) => (meta, canonical),
            (Err(e), _) | (_, Err(e)) => {
                let message = if e.kind() == std::io::ErrorKind::NotFound {
                    format!("không tìm thấy đường dẫn: {}", root.display())
                } else {
                    format!("không đọc được đường dẫn {}: {}", root.display(), pipeline::io_cause(&e))
                };
                inputs.files.push(Input::problem(root.clone(), Problem { message, detail: Some(e.to_string()) }));
                continue;
            }
        };
        if !meta.is_dir() {
            if own.contains(&canonical_root) {
                inputs.warnings.push(format!("bỏ qua {}: tệp kết quả của chính lần chạy này", root.display()));
                continue;
            }
            let key = root.file_name().map(|n| state::path_bytes(Path::new(n))).unwrap_or_default();
            inputs.files.push(Input::found(root.clone(), canonical_root.clone(), key));
            inputs.scopes.push(canonical_root);
            continue;
        }
        let before = inputs.files.len();
        walk(root, &canonical_root, limits, own, &mut inputs);
        if inputs.files.len() == before {
            inputs.warnings.push(format!("thư mục {} không có tài liệu nào để kiểm tra", root.display()));
        }
        inputs.scopes.push(canonical_root);
    }
    sort_and_dedup(&mut inputs.files);
    inputs
}

fn walk(root: &Path, canonical_root: &Path, limits: &Limits, own: &OwnFiles, inputs: &mut Inputs) {
    // Following links lets walkdir detect loops (reported as errors) instead of looping.
    let walker = WalkDir::new(root).follow_links(true).into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !is_temporary(e.file_name())) {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let relative = e.path().strip_prefix(root).unwrap_or(e.path());
                let canonical = canonical_root.join(relative);
                if own.contains(&canonical) || !looks_like_document(e.path(), limits) {
                    continue;
                }
                let key = state::path_bytes(relative);
                inputs.files.push(Input::found(e.into_path(), canonical, key));
            }
            Ok(_) => {}
            Err(err) => match err.path().filter(|_| err.loop_ancestor().is_none()) {
                // A folder or file that cannot be read is a document we may be missing: say so in the output.
                Some(path) => {
                    let reason = err.io_error().map_or("lỗi hệ thống tệp", pipeline::io_cause);
                    let message = format!("không đọc được {}: {reason}", path.display());
                    let relative = path.strip_prefix(root).unwrap_or(path);
                    inputs.unread.push(canonical_root.join(relative));
                    let problem = Problem { message, detail: Some(err.to_string()) };
                    let mut input = Input::problem(path.to_path_buf(), problem);
                    input.key = state::path_bytes(relative);
                    inputs.files.push(input);
                }
                None => inputs.warnings.push(match (err.path(), err.loop_ancestor()) {
                    (Some(path), Some(ancestor)) => format!(
                        "bỏ qua vòng lặp liên kết khi duyệt thư mục: {} trỏ về thư mục cha {}",
                        path.display(),
                        ancestor.display()
                    ),
                    _ => "bỏ qua vòng lặp liên kết khi duyệt thư mục".to_owned(),
                }),
            },
        }
    }
}

fn sort_and_dedup(files: &mut Vec<Input>) {
    files.sort_by(|a, b| a.display.cmp(&b.display).then_with(|| a.key.cmp(&b.key)));
    let mut seen = HashSet::new();
    files.retain(|f| match &f.canonical {
        Some(canonical) => seen.insert(canonical.clone()),
        None => seen.insert(f.path.clone()),
    });
}

impl Input {
    /// An input named only by its path (the identity is the path as given).
    pub fn new(path: PathBuf) -> Input {
        let canonical = path.canonicalize().ok();
        let key = state::path_bytes(&path);
        Input::found(path, canonical.unwrap_or_default(), key)
    }

    fn found(path: PathBuf, canonical: PathBuf, key: Vec<u8>) -> Input {
        let (display, path_bytes) = display_of(&path);
        Input { path, display, path_bytes, canonical: Some(canonical), key, problem: None, deleted: false }
    }

    fn problem(path: PathBuf, problem: Problem) -> Input {
        let (display, path_bytes) = display_of(&path);
        let key = state::path_bytes(&path);
        Input { path, display, path_bytes, canonical: None, key, problem: Some(problem), deleted: false }
    }
}

/// The lossy text of a path and, when that loses bytes, the bytes in base64.
fn display_of(path: &Path) -> (String, Option<String>) {
    let display = path.to_string_lossy().into_owned();
    let bytes = state::path_bytes(path);
    let exact = display.as_bytes() == bytes.as_slice();
    (display, (!exact).then(|| base64(&bytes)))
}

/// Makes every identity relative to `root` (the state's): keys, displays and
/// order follow, so any spelling of the archive's path gives the same rows.
/// A file outside the root keeps its canonical absolute path.
pub fn relative_to(inputs: &mut Inputs, root: &Path) {
    for input in &mut inputs.files {
        let Some(canonical) = &input.canonical else { continue };
        let relative = canonical.strip_prefix(root).map_or_else(|_| canonical.clone(), Path::to_path_buf);
        input.key = state::path_bytes(&relative);
        (input.display, input.path_bytes) = display_of(&relative);
    }
    sort_and_dedup(&mut inputs.files);
}

/// The folder identities are relative to when the state has none yet: the
/// deepest folder holding every command-line path.
pub fn common_root(inputs: &Inputs) -> Option<PathBuf> {
    let mut roots = inputs.scopes.iter().map(|s| if s.is_dir() { s.as_path() } else { s.parent().unwrap_or(s) });
    let mut common = roots.next()?.to_path_buf();
    for root in roots {
        while !root.starts_with(&common) {
            common = common.parent()?.to_path_buf();
        }
    }
    Some(common)
}

/// One part of an archive split over machines: `K/N`, K counted from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Whether a document belongs to this shard: a stable hash (FNV-1a, 64 bits) of
    /// its identity key, the same on every machine and every run.
    pub fn owns(&self, key: &[u8]) -> bool {
        let hash = key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        hash % self.count == self.index
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard cần dạng K/N với 0 ≤ K < N (ví dụ 0/4), không phải '{text}'");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// Keeps the inputs of one shard.
pub fn keep_shard(inputs: &mut Inputs, shard: Shard) {
    inputs.files.retain(|f| shard.owns(&f.key));
}

/// Adds a `deleted` input for every state row under a walked scope that the walk
/// no longer finds (and for tombstones a killed run never delivered). Rows under
/// a folder that could not be read are not deleted: unreadable is not gone.
pub fn add_deleted(inputs: &mut Inputs, known: Vec<Known>, root: &Path, shard: Option<Shard>) {
    let present: HashSet<&[u8]> = inputs.files.iter().map(|f| f.key.as_slice()).collect();
    let mut gone = Vec::new();
    for row in known {
        if present.contains(row.key.as_slice()) || (row.deleted && row.delivered) {
            continue;
        }
        let canonical = root.join(state::path_from_bytes(row.key.clone()));
        let in_scope = inputs.scopes.iter().any(|s| canonical.starts_with(s));
        let unread = inputs.unread.iter().any(|u| canonical.starts_with(u));
        if !in_scope || unread || shard.is_some_and(|s| !s.owns(&row.key)) {
            continue;
        }
        gone.push(Input {
            path: canonical,
            display: row.display,
            path_bytes: row.path_bytes,
            canonical: None,
            key: row.key,
            problem: None,
            deleted: true,
        });
    }
    inputs.files.extend(gone);
    inputs.files.sort_by(|a, b| a.display.cmp(&b.display).then_with(|| a.key.cmp(&b.key)));
}

/// Standard base64 with padding (RFC 4648), for `source.path_bytes`.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Office lock files (`~$x.docx`, `.~lock.x.odt#`), editor backups and hidden entries.
fn is_temporary(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.starts_with("~$") || name.ends_with('~')
}

fn looks_like_document(path: &Path, limits: &Limits) -> bool {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let by_extension = DOCUMENT_EXTENSIONS.contains(&extension.as_str());
    let (format, head) = sniff_file(path, limits);
    if is_own_report(path, format, &head) {
        return false;
    }
    by_extension || !matches!(format, Format::Unknown | Format::Empty | Format::Container)
}

/// Reports written by parcheck (any run, any name): the HTML report (its
/// generator tag in the head), the Excel report (its two sheets,
/// by name, in the workbook part) and NDJSON output (a first object with `contract`).
fn is_own_report(path: &Path, format: Format, head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    if text.trim_start().starts_with("{\"contract\":") {
        return true;
    }
    if format == Format::Html {
        let lower = text.to_lowercase();
        let head_part = lower.split("</head>").next().unwrap_or_default();
        return head_part.contains(&format!("<meta name=\"generator\" content=\"{}", crate::human::html::GENERATOR));
    }
    if head.starts_with(b"PK") {
        return own_workbook(path);
    }
    false
}

fn own_workbook(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else { return false };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else { return false };
    let Ok(part) = zip.by_name("xl/workbook.xml") else { return false };
    let mut xml = String::new();
    if part.take(64 * 1024).read_to_string(&mut xml).is_err() {
        return false;
    }
    let sheets = xml.matches("<sheet ").count();
    sheets == 2
        && xml.contains(&format!("name=\"{}\"", crate::human::xlsx::DOCUMENTS_SHEET))
        && xml.contains(&format!("name=\"{}\"", crate::human::xlsx::FINDINGS_SHEET))
}

/// Sniffs a file without reading it whole unless it is a container (zip or
/// OLE2), whose format is decided by the parts inside. Returns the head too.
fn sniff_file(path: &Path, limits: &Limits) -> (Format, Vec<u8>) {
    const HEAD: u64 = 8192;
    let Ok(file) = std::fs::File::open(path) else { return (Format::Unknown, Vec::new()) };
    let mut head = Vec::new();
    if file.take(HEAD).read_to_end(&mut head).is_err() {
        return (Format::Unknown, head);
    }
    let container = head.starts_with(b"PK") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
    if container && head.len() as u64 == HEAD && size <= limits.max_file_bytes {
        let format = std::fs::read(path).map(|bytes| sniff::sniff(&bytes)).unwrap_or(Format::Unknown);
        return (format, head);
    }
    (sniff::sniff(&head), head)
}

/// Settings of one batch.
#[derive(Debug, Clone)]
pub struct Settings {
    pub options: Options,
    /// Worker threads.
    pub jobs: usize,
    /// Leave unchanged documents (reused from the state) out of the output.
    pub only_changed: bool,
    /// Check each document in a worker process (`--isolate`) instead of a thread.
    pub isolation: Option<std::sync::Arc<Isolation>>,
}

/// How a document's result was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Checked,
    /// Same path, size and modification time as in the state.
    Unchanged,
    /// Same content as a document stored under another identity (moved, renamed, copied).
    SameContent {
        stored_key: Vec<u8>,
    },
    /// Known to the state, gone from the walk.
    Deleted,
}

/// The result for one input.
#[derive(Debug)]
pub struct Outcome {
    pub path: String,
    pub key: Vec<u8>,
    pub path_bytes: Option<String>,
    pub stamp: Option<Stamp>,
    pub sha256: String,
    pub origin: Origin,
    /// `None` for a deleted document.
    pub status: Option<Status>,
    pub findings: usize,
    pub error_findings: usize,
    /// Reused from the state, but no finished run has written it out yet.
    pub undelivered: bool,
    /// The document object as one NDJSON line (no newline).
    pub json: String,
    report: Option<DocumentReport>,
}

impl Outcome {
    fn checked(input: &Input, stamp: Option<Stamp>, mut report: DocumentReport) -> Outcome {
        report.source.path.clone_from(&input.display);
        report.source.path_bytes.clone_from(&input.path_bytes);
        let json = serde_json::to_string(&report).unwrap_or_else(|e| {
            // Only an unrepresentable number could fail; report that instead of the document.
            let failed =
                DocumentReport::failed(report.source.clone(), Status::Error, "lỗi nội bộ khi ghi kết quả".into())
                    .with_detail(Some(e.to_string()));
            serde_json::to_string(&failed).unwrap_or_default()
        });
        Outcome {
            path: input.display.clone(),
            key: input.key.clone(),
            path_bytes: input.path_bytes.clone(),
            stamp,
            sha256: report.source.sha256.clone(),
            origin: Origin::Checked,
            status: Some(report.status),
            findings: report.findings.len(),
            error_findings: report.count(Severity::Error),
            undelivered: false,
            json,
            report: Some(report),
        }
    }

    fn stored(input: &Input, stamp: Stamp, sha256: String, stored: Stored, origin: Origin) -> Option<Outcome> {
        let json = match origin {
            Origin::Unchanged => stored.json,
            _ => with_source_path(&stored.json, &input.display, input.path_bytes.as_deref())?,
        };
        let status = serde_json::from_value(serde_json::Value::String(stored.status)).ok()?;
        Some(Outcome {
            path: input.display.clone(),
            key: input.key.clone(),
            path_bytes: input.path_bytes.clone(),
            stamp: Some(stamp),
            sha256,
            undelivered: origin == Origin::Unchanged && !stored.delivered,
            origin,
            status: Some(status),
            findings: stored.findings,
            error_findings: stored.error_findings,
            json,
            report: None,
        })
    }

    fn deleted(input: &Input) -> Outcome {
        let mut source = serde_json::json!({ "path": input.display });
        if let Some(bytes) = &input.path_bytes {
            source["path_bytes"] = bytes.as_str().into();
        }
        let json = serde_json::json!({ "contract": CONTRACT_VERSION, "source": source, "status": state::DELETED });
        Outcome {
            path: input.display.clone(),
            key: input.key.clone(),
            path_bytes: input.path_bytes.clone(),
            stamp: None,
            sha256: String::new(),
            origin: Origin::Deleted,
            status: None,
            findings: 0,
            error_findings: 0,
            undelivered: true,
            json: json.to_string(),
            report: None,
        }
    }

    /// The document object, parsed back from the stored JSON when it was reused.
    pub fn document(&self) -> Result<Cow<'_, DocumentReport>, serde_json::Error> {
        match &self.report {
            Some(report) => Ok(Cow::Borrowed(report)),
            None => serde_json::from_str(&self.json).map(Cow::Owned),
        }
    }
}

fn with_source_path(json: &str, path: &str, path_bytes: Option<&str>) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(json).ok()?;
    let source = value.get_mut("source")?.as_object_mut()?;
    source.insert("path".into(), path.into());
    match path_bytes {
        Some(bytes) => source.insert("path_bytes".into(), bytes.into()),
        None => source.remove("path_bytes"),
    };
    Some(value.to_string())
}

/// Checks one input, reusing the state's result when the document is unchanged
/// or its content is already known. A failed state lookup only costs a re-check.
pub fn process(input: &Input, settings: &Settings, state: Option<&State>) -> Outcome {
    let options = &settings.options;
    let check_guarded = |input: &Input, bytes: Option<Vec<u8>>, options: &Options| match &settings.isolation {
        Some(isolation) => isolated(input, isolation),
        None => check_guarded(input, bytes, options),
    };
    if input.deleted {
        return Outcome::deleted(input);
    }
    if let Some(problem) = &input.problem {
        return Outcome::checked(
            input,
            None,
            DocumentReport::failed(unread_source(input), Status::Error, problem.message.clone())
                .with_detail(problem.detail.clone()),
        );
    }
    let stamp = Stamp::of(&input.path);
    let (Some(state), Some(stamp)) = (state, stamp) else {
        return Outcome::checked(input, stamp, check_guarded(input, None, options));
    };
    if let Ok(Some(stored)) = state.unchanged(&input.key, stamp) {
        // The hash is not re-read for unchanged files; the state still holds it.
        if let Some(outcome) = Outcome::stored(input, stamp, String::new(), stored, Origin::Unchanged) {
            return outcome;
        }
    }
    let bytes = if stamp.size <= options.limits.max_file_bytes { std::fs::read(&input.path).ok() } else { None };
    let Some(bytes) = bytes else {
        return Outcome::checked(input, Some(stamp), check_guarded(input, None, options));
    };
    let sha256 = pipeline::sha256_hex(&bytes);
    if let Ok(Some(stored)) = state.same_content(&sha256) {
        let origin = Origin::SameContent { stored_key: stored.key.clone() };
        if let Some(outcome) = Outcome::stored(input, stamp, sha256, stored, origin) {
            return outcome;
        }
    }
    Outcome::checked(input, Some(stamp), check_guarded(input, Some(bytes), options))
}

/// The source of a document that could not be read at all.
fn unread_source(input: &Input) -> Source {
    Source {
        path: input.display.clone(),
        path_bytes: input.path_bytes.clone(),
        sha256: String::new(),
        format: "unknown".into(),
        bytes: 0,
    }
}

/// Checks a document in a worker process; its death or overrun is this document's error.
fn isolated(input: &Input, isolation: &Isolation) -> DocumentReport {
    isolation.check(&input.path).unwrap_or_else(|problem| {
        DocumentReport::failed(unread_source(input), Status::Error, problem.message).with_detail(problem.detail)
    })
}

/// Runs the pipeline on its own thread and abandons it if it overruns its time
/// limit: the budget is checked cooperatively by the readers, and a reader stuck
/// inside a dependency must not stall the batch. A panic that escapes the
/// pipeline also ends up here, as this document's error.
fn check_guarded(input: &Input, bytes: Option<Vec<u8>>, options: &Options) -> DocumentReport {
    let failed = |message: String| DocumentReport::failed(unread_source(input), Status::Error, message);
    let (tx, rx) = mpsc::channel();
    let allowance = Allowance::default();
    let (path, display, job_options, job_allowance) =
        (input.path.clone(), input.display.clone(), options.clone(), allowance.clone());
    let spawned = std::thread::Builder::new().name(format!("parcheck {display}")).spawn(move || {
        let report = match bytes {
            Some(bytes) => pipeline::check_bytes_watched(&display, &bytes, &job_options, &job_allowance),
            None => pipeline::check_file_watched(&path, &job_options, &job_allowance),
        };
        let _ = tx.send(report);
    });
    if let Err(e) = spawned {
        return failed("không tạo được luồng xử lý (hệ thống hết tài nguyên)".into()).with_detail(Some(e.to_string()));
    }
    let started = Instant::now();
    loop {
        // The reader may be granted more time (OCR pages) while it runs.
        let limit = options.limits.max_time + allowance.granted();
        match rx.recv_timeout((limit + WATCHDOG_GRACE).saturating_sub(started.elapsed())) {
            Ok(report) => return report,
            Err(mpsc::RecvTimeoutError::Timeout) if options.limits.max_time + allowance.granted() > limit => {}
            Err(mpsc::RecvTimeoutError::Timeout) => {
                return failed(format!(
                    "vượt giới hạn thời gian xử lý một tài liệu ({} giây), trình đọc bị treo",
                    limit.as_secs()
                ))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return failed("lỗi nội bộ: trình đọc dừng bất thường".into()),
        }
    }
}

/// Counts for the closing line of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub ok: usize,
    pub no_table: usize,
    pub unsupported: usize,
    pub errors: usize,
    pub error_findings: usize,
    pub unchanged: usize,
    pub same_content: usize,
    /// Documents the state knew that are gone.
    pub deleted: usize,
    pub elapsed: Duration,
}

impl Summary {
    fn add(&mut self, outcome: &Outcome) {
        let Some(status) = outcome.status else {
            self.deleted += 1;
            return;
        };
        self.documents += 1;
        match status {
            Status::Ok => self.ok += 1,
            Status::NoTable => self.no_table += 1,
            Status::Unsupported => self.unsupported += 1,
            Status::Error => self.errors += 1,
        }
        self.error_findings += outcome.error_findings;
        match outcome.origin {
            Origin::Checked | Origin::Deleted => {}
            Origin::Unchanged => self.unchanged += 1,
            Origin::SameContent { .. } => self.same_content += 1,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Đã kiểm tra {} tài liệu: {} đọc được bảng điểm, {} có lỗi đọc, {} không có bảng điểm, {} định dạng chưa hỗ trợ; {} phát hiện mức lỗi",
            self.documents, self.ok, self.errors, self.no_table, self.unsupported, self.error_findings
        )?;
        if self.unchanged + self.same_content > 0 {
            write!(f, "; {} không đổi, {} trùng nội dung (dùng lại kết quả cũ)", self.unchanged, self.same_content)?;
        }
        if self.deleted > 0 {
            write!(f, "; {} tài liệu đã bị xoá khỏi thư mục", self.deleted)?;
        }
        let secs = self.elapsed.as_secs_f64();
        write!(f, " — {secs:.1} giây, {:.1} tài liệu/giây", self.documents as f64 / secs.max(1e-3))
    }
}

/// Progress on stderr: a bar on a terminal, a line every few seconds otherwise.
pub struct Progress {
    display: ProgressDisplay,
    total: usize,
    done: usize,
    started: Instant,
    last_line: Instant,
}

enum ProgressDisplay {
    Hidden,
    Bar(ProgressBar),
    Lines,
}

impl Progress {
    const LINE_EVERY: Duration = Duration::from_secs(10);

    pub fn new(total: usize, quiet: bool) -> Progress {
        let display = if quiet {
            ProgressDisplay::Hidden
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} tài liệu · {per_sec:.1} · còn {eta} · {wide_msg}")
            {
                bar.set_style(style);
            }
            ProgressDisplay::Bar(bar)
        } else {
            ProgressDisplay::Lines
        };
        let now = Instant::now();
        Progress { display, total, done: 0, started: now, last_line: now }
    }

    fn tick(&mut self, path: &str) {
        self.done += 1;
        match &self.display {
            ProgressDisplay::Hidden => {}
            ProgressDisplay::Bar(bar) => {
                bar.set_message(path.to_owned());
                bar.inc(1);
            }
            ProgressDisplay::Lines => {
                if self.last_line.elapsed() >= Self::LINE_EVERY {
                    self.last_line = Instant::now();
                    let rate = self.done as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
                    let eta = (self.total - self.done) as f64 / rate.max(1e-3);
                    eprintln!(
                        "Đang kiểm tra: {}/{} tài liệu, {rate:.1} tài liệu/giây, còn khoảng {eta:.0} giây",
                        self.done, self.total
                    );
                }
            }
        }
    }

    fn finish(&self) {
        if let ProgressDisplay::Bar(bar) = &self.display {
            bar.finish_and_clear();
        }
    }
}

/// Why a batch or a merge stopped; the system's or library's error is the source.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("không ghi được kết quả")]
    Output(#[source] std::io::Error),
    #[error("không ghi được tệp trạng thái")]
    State(#[source] rusqlite::Error),
    #[error("không tạo được các luồng xử lý")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    #[error("không đọc lại được kết quả của {path}")]
    Reread {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error(transparent)]
    Reports(#[from] ReportError),
    #[error("không đọc được {name}")]
    Input {
        name: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{name} dòng {line}: không phải một kết quả của parcheck (cần JSON có source.path)")]
    NotAResult { name: String, line: usize },
}

/// Checks every input and writes its object to `out` in input order; records
/// each result in the state as soon as it is known (tombstones once every document
/// is done), and feeds the human reports.
pub fn run(
    inputs: &[Input],
    settings: &Settings,
    state: Option<&State>,
    out: &mut dyn Write,
    mut reports: Option<&mut Reports>,
    progress: &mut Progress,
) -> Result<Summary, BatchError> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(settings.jobs.max(1)).build()?;
    let mut summary = Summary::default();
    // Tombstones are written once every document is done: a file moved since the
    // last run looks its content up under the old identity, which a tombstone hides.
    let mut tombstones: Vec<(Vec<u8>, String)> = Vec::new();
    ordered_parallel(
        &pool,
        inputs,
        |input| process(input, settings, state),
        |outcome| {
            progress.tick(&outcome.path);
            match state {
                Some(_) if outcome.origin == Origin::Deleted => {
                    tombstones.push((outcome.key.clone(), outcome.json.clone()));
                    Ok(())
                }
                Some(state) => remember(state, outcome),
                None => Ok(()),
            }
        },
        |outcome| {
            summary.add(&outcome);
            if outcome.origin == Origin::Deleted {
                // A tombstone is news only for a consumer of changes.
                if settings.only_changed {
                    writeln!(out, "{}", outcome.json).map_err(BatchError::Output)?;
                }
                return Ok(());
            }
            if let Some(reports) = reports.as_deref_mut() {
                let document =
                    outcome.document().map_err(|source| BatchError::Reread { path: outcome.path.clone(), source })?;
                reports.add(&document)?;
            }
            // Unchanged results a killed run never delivered are still news.
            if !(settings.only_changed && outcome.origin == Origin::Unchanged && !outcome.undelivered) {
                writeln!(out, "{}", outcome.json).map_err(BatchError::Output)?;
            }
            Ok(())
        },
    )?;
    if let Some(state) = state {
        for (key, json) in &tombstones {
            state.bury(key, json).map_err(BatchError::State)?;
        }
    }
    out.flush().map_err(BatchError::Output)?;
    progress.finish();
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Writes a new result to the state.
fn remember(state: &State, outcome: &Outcome) -> Result<(), BatchError> {
    let (Some(stamp), Some(status)) = (outcome.stamp, outcome.status) else { return Ok(()) };
    if outcome.origin == Origin::Unchanged {
        return Ok(());
    }
    state
        .record(&Record {
            key: &outcome.key,
            display: &outcome.path,
            path_bytes: outcome.path_bytes.as_deref(),
            stamp,
            sha256: &outcome.sha256,
            status: status.name(),
            findings: outcome.findings,
            error_findings: outcome.error_findings,
            json: &outcome.json,
        })
        .map_err(BatchError::State)
}

/// What `merge_ndjson` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MergeSummary {
    pub written: usize,
    /// Lines naming a document already written (same `source.path` and `path_bytes`).
    pub duplicates: usize,
}

/// The order and identity of one output line: (`source.path`, `source.path_bytes`).
type LineKey = (String, Option<String>);

fn line_key(line: &str) -> Option<LineKey> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let source = value.get("source")?;
    let path = source.get("path")?.as_str()?.to_owned();
    Some((path, source.get("path_bytes").and_then(|b| b.as_str()).map(str::to_owned)))
}

/// Merges NDJSON outputs (each in path order, as `check` and `export` write
/// them) into one in path order, each document once: the first part naming a
/// document wins. Memory holds one line per part plus the keys seen.
pub fn merge_ndjson(
    parts: Vec<Box<dyn std::io::BufRead>>,
    names: &[String],
    out: &mut dyn Write,
) -> Result<MergeSummary, BatchError> {
    struct Part {
        lines: std::io::Lines<Box<dyn std::io::BufRead>>,
        name: String,
        number: usize,
    }
    fn next(part: &mut Part) -> Result<Option<(LineKey, String)>, BatchError> {
        loop {
            let Some(line) = part.lines.next() else { return Ok(None) };
            part.number += 1;
            let line = line.map_err(|source| BatchError::Input { name: part.name.clone(), source })?;
            if line.trim().is_empty() {
                continue;
            }
            let key =
                line_key(&line).ok_or_else(|| BatchError::NotAResult { name: part.name.clone(), line: part.number })?;
            return Ok(Some((key, line)));
        }
    }
    let mut parts: Vec<Part> = parts
        .into_iter()
        .enumerate()
        .map(|(i, r)| Part {
            lines: std::io::BufRead::lines(r),
            name: names.get(i).cloned().unwrap_or_default(),
            number: 0,
        })
        .collect();
    // Heads ordered by (key, part index): the earliest part wins a tie.
    let mut heads = std::collections::BTreeSet::new();
    let mut lines = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter_mut().enumerate() {
        let head = next(part)?;
        if let Some((key, _)) = &head {
            heads.insert((key.clone(), i));
        }
        lines.push(head.map(|(_, line)| line));
    }
    let mut seen = HashSet::new();
    let mut summary = MergeSummary::default();
    while let Some((key, i)) = heads.pop_first() {
        let line = lines[i].take().unwrap_or_default();
        if seen.insert(key) {
            writeln!(out, "{line}").map_err(BatchError::Output)?;
            summary.written += 1;
        } else {
            summary.duplicates += 1;
        }
        if let Some((key, line)) = next(&mut parts[i])? {
            heads.insert((key, i));
            lines[i] = Some(line);
        }
    }
    out.flush().map_err(BatchError::Output)?;
    Ok(summary)
}

/// Hands out item indices to workers, never further than `window` past the
/// next index to emit, so finished-but-unemitted results stay bounded.
struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
}

struct GateState {
    next_claim: usize,
    emitted: usize,
    stopped: bool,
}

impl Gate {
    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn claim(&self, len: usize, window: usize) -> Option<usize> {
        let mut s = self.lock();
        loop {
            if s.stopped || s.next_claim >= len {
                return None;
            }
            if s.next_claim < s.emitted + window {
                s.next_claim += 1;
                return Some(s.next_claim - 1);
            }
            s = self.moved.wait(s).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn update(&self, change: impl FnOnce(&mut GateState)) {
        change(&mut self.lock());
        self.moved.notify_all();
    }
}

/// Maps `work` over `items` on `pool`; `on_done` sees each result as soon as it
/// is ready (any order), `emit` receives them in item order. The first error
/// from either stops the workers and is returned.
fn ordered_parallel<T: Sync, R: Send, E>(
    pool: &rayon::ThreadPool,
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    mut on_done: impl FnMut(&R) -> Result<(), E>,
    mut emit: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let workers = pool.current_num_threads().max(1);
    let window = workers * 8;
    let gate =
        Gate { state: Mutex::new(GateState { next_claim: 0, emitted: 0, stopped: false }), moved: Condvar::new() };
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    pool.in_place_scope(|scope| {
        for _ in 0..workers {
            let (tx, gate, work) = (tx.clone(), &gate, &work);
            scope.spawn(move |_| {
                while let Some(i) = gate.claim(items.len(), window) {
                    if tx.send((i, work(&items[i]))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut next = 0;
        let result = rx.iter().try_for_each(|(i, result)| {
            on_done(&result)?;
            pending.insert(i, result);
            while let Some(result) = pending.remove(&next) {
                emit(result)?;
                next += 1;
            }
            gate.update(|s| s.emitted = next);
            Ok(())
        });
        if result.is_err() {
            gate.update(|s| s.stopped = true);
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn emits_in_order_with_a_bounded_window() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
        let items: Vec<u64> = (0..500).collect();
        let in_flight = std::sync::atomic::AtomicUsize::new(0);
        let mut emitted = Vec::new();
        let mut most_pending = 0;
        let result: Result<(), ()> = ordered_parallel(
            &pool,
            &items,
            |&i| {
                // Uneven work so results finish out of order.
                std::thread::sleep(Duration::from_micros((i * 37) % 400));
                in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                i
            },
            |_| Ok(()),
            |i| {
                let done = in_flight.load(std::sync::atomic::Ordering::SeqCst);
                most_pending = most_pending.max(done - emitted.len());
                emitted.push(i);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(emitted, items);
        assert!(most_pending <= 2 * 8, "window exceeded: {most_pending}");
    }

    #[test]
    fn an_emit_error_stops_the_batch() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
        let items: Vec<usize> = (0..10_000).collect();
        let worked = std::sync::atomic::AtomicUsize::new(0);
        let result = ordered_parallel(
            &pool,
            &items,
            |&i| {
                worked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                i
            },
            |_| Ok(()),
            |i| if i == 3 { Err("broken pipe") } else { Ok(()) },
        );
        assert_eq!(result, Err("broken pipe"));
        assert!(worked.into_inner() < 100);
    }

    #[test]
    fn skips_lock_backup_and_hidden_files() {
        for name in ["~$bao-cao.docx", ".~lock.bao-cao.docx#", ".DS_Store", "bao-cao.docx~", ".git"] {
            assert!(is_temporary(OsStr::new(name)), "{name}");
        }
        assert!(!is_temporary(OsStr::new("bao-cao.docx")));
    }

    #[test]
    fn summary_reads_in_vietnamese() {
        let summary = Summary {
            documents: 3,
            ok: 2,
            errors: 1,
            error_findings: 4,
            elapsed: Duration::from_secs(2),
            ..Default::default()
        };
        assert!(
            summary.to_string().starts_with("Đã kiểm tra 3 tài liệu: 2 đọc được bảng điểm, 1 có lỗi đọc,"),
            "{summary}"
        );
        assert!(summary.to_string().contains("4 phát hiện mức lỗi"));
    }
}
