//! What a batch checks: the walk of files and folders, the identity of each
//! document (its path bytes and display text), the shard it falls in, and the
//! documents the state knew that the walk no longer finds.
//!
//! The walk never reads parcheck's own outputs: the files this run writes (and
//! their temporary and lock companions) by path, and reports written by earlier
//! runs by content (see `is_own_report`).

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use base64::prelude::{Engine, BASE64_STANDARD};
use walkdir::WalkDir;

use crate::config::Limits;
use crate::model::Problem;
use crate::pipeline;
use crate::sniff::{self, Format};
use crate::state::{self, Known};

/// Extensions of files that are always checked when met in a folder, whatever
/// their content; other files are checked only if their content sniffs as a document.
const DOCUMENT_EXTENSIONS: &[&str] = &[
    "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ods", "odt", "pdf", "htm", "html", "mht", "rtf", "csv", "tsv",
    "jpg", "jpeg", "png", "tif", "tiff",
];

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
                    format!("không tìm thấy đường dẫn: {}; hãy kiểm tra lại đường dẫn", root.display())
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
                    let reason = err.io_error().map_or(
                        "lỗi hệ thống tệp; hãy kiểm tra ổ đĩa hoặc thư mục mạng rồi chạy lại",
                        pipeline::io_cause,
                    );
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
    (display, (!exact).then(|| BASE64_STANDARD.encode(&bytes)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn skips_lock_backup_and_hidden_files() {
        for name in ["~$bao-cao.docx", ".~lock.bao-cao.docx#", ".DS_Store", "bao-cao.docx~", ".git"] {
            assert!(is_temporary(OsStr::new(name)), "{name}");
        }
        assert!(!is_temporary(OsStr::new("bao-cao.docx")));
    }
}
