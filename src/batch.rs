//! Many documents at once: walk the inputs, check them on a rayon pool, and
//! emit one NDJSON object per document in path order.
//!
//! Results are streamed through a bounded reorder window, so memory does not
//! grow with the size of the archive: workers never run further ahead of the
//! next object to emit than the window allows.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use walkdir::WalkDir;

use crate::extract::Limits;
use crate::human::Reports;
use crate::pipeline::{self, Options};
use crate::report::{DocumentReport, Severity, Source, Status};
use crate::sniff::{self, Format};
use crate::state::{Record, Stamp, State, Stored};

/// Extensions of files that are always checked when met in a folder, whatever
/// their content; other files are checked only if their content sniffs as a document.
const DOCUMENT_EXTENSIONS: &[&str] = &[
    "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ods", "odt", "pdf", "htm", "html", "mht", "rtf", "jpg", "jpeg",
    "png", "tif", "tiff",
];

/// Extra wall time granted past `Limits::max_time` before a document whose
/// reader ignores its budget is abandoned.
const WATCHDOG_GRACE: Duration = Duration::from_secs(5);

/// One document to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// The path as written in the output (`source.path`) and the state.
    pub display: String,
}

/// The documents found under the command-line paths, sorted by `display`.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<Input>,
    /// Folders or entries that could not be read while walking (permissions, symlink loops).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("không tìm thấy đường dẫn: {0}")]
pub struct MissingPath(pub String);

/// Expands files and folders into the sorted, de-duplicated list of documents.
/// Explicit files are always included; files met in folders are included when
/// they look like documents (by extension or by content), except temporary,
/// lock and hidden files.
pub fn collect_inputs(paths: &[PathBuf], limits: &Limits) -> Result<Inputs, MissingPath> {
    let mut inputs = Inputs::default();
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|_| MissingPath(root.display().to_string()))?;
        if !meta.is_dir() {
            inputs.files.push(Input::new(root.clone()));
            continue;
        }
        // Following links lets walkdir detect loops (reported as errors) instead of looping.
        let walker = WalkDir::new(root).follow_links(true).into_iter();
        for entry in walker.filter_entry(|e| e.depth() == 0 || !is_temporary(e.file_name())) {
            match entry {
                Ok(e) if e.file_type().is_file() && looks_like_document(e.path(), limits) => {
                    inputs.files.push(Input::new(e.into_path()))
                }
                Ok(_) => {}
                Err(err) => inputs.warnings.push(format!("bỏ qua khi duyệt thư mục: {err}")),
            }
        }
    }
    inputs.files.sort_by(|a, b| a.display.cmp(&b.display));
    inputs.files.dedup_by(|a, b| a.display == b.display);
    Ok(inputs)
}

impl Input {
    pub fn new(path: PathBuf) -> Input {
        let display = path.to_string_lossy().into_owned();
        Input { path, display }
    }
}

/// Office lock files (`~$x.docx`, `.~lock.x.odt#`), editor backups and hidden entries.
fn is_temporary(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.starts_with("~$") || name.ends_with('~')
}

fn looks_like_document(path: &Path, limits: &Limits) -> bool {
    let by_extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.as_str()));
    by_extension || !matches!(sniff_file(path, limits), Format::Unknown | Format::Empty | Format::Container)
}

/// Sniffs a file without reading it whole unless it is a container (zip or
/// OLE2), whose format is decided by the parts inside.
fn sniff_file(path: &Path, limits: &Limits) -> Format {
    const HEAD: u64 = 8192;
    let Ok(file) = std::fs::File::open(path) else { return Format::Unknown };
    let mut head = Vec::new();
    if file.take(HEAD).read_to_end(&mut head).is_err() {
        return Format::Unknown;
    }
    let container = head.starts_with(b"PK") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
    if container && head.len() as u64 == HEAD && size <= limits.max_file_bytes {
        return std::fs::read(path).map(|bytes| sniff::sniff(&bytes)).unwrap_or(Format::Unknown);
    }
    sniff::sniff(&head)
}

/// Settings of one batch.
#[derive(Debug, Clone)]
pub struct Settings {
    pub options: Options,
    /// Worker threads.
    pub jobs: usize,
    /// Leave unchanged documents (reused from the state) out of the output.
    pub only_changed: bool,
}

/// How a document's result was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Checked,
    /// Same path, size and modification time as in the state.
    Unchanged,
    /// Same content as a document stored under another path (moved, renamed, copied).
    SameContent {
        stored_path: String,
    },
}

/// The result for one input.
#[derive(Debug)]
pub struct Outcome {
    pub path: String,
    pub stamp: Option<Stamp>,
    pub sha256: String,
    pub origin: Origin,
    pub status: Status,
    pub findings: usize,
    pub error_findings: usize,
    /// The document object as one NDJSON line (no newline).
    pub json: String,
    report: Option<DocumentReport>,
}

impl Outcome {
    fn checked(stamp: Option<Stamp>, report: DocumentReport) -> Outcome {
        let json = serde_json::to_string(&report).unwrap_or_else(|e| {
            // Only an unrepresentable number could fail; report that instead of the document.
            let failed = DocumentReport::failed(
                report.source.clone(),
                Status::Error,
                format!("lỗi nội bộ khi ghi kết quả: {e}"),
            );
            serde_json::to_string(&failed).unwrap_or_default()
        });
        Outcome {
            path: report.source.path.clone(),
            stamp,
            sha256: report.source.sha256.clone(),
            origin: Origin::Checked,
            status: report.status,
            findings: report.findings.len(),
            error_findings: report.count(Severity::Error),
            json,
            report: Some(report),
        }
    }

    fn stored(input: &Input, stamp: Stamp, sha256: String, stored: Stored, origin: Origin) -> Option<Outcome> {
        let json = match origin {
            Origin::Unchanged => stored.json,
            _ => with_source_path(&stored.json, &input.display)?,
        };
        let status = serde_json::from_value(serde_json::Value::String(stored.status)).ok()?;
        Some(Outcome {
            path: input.display.clone(),
            stamp: Some(stamp),
            sha256,
            origin,
            status,
            findings: stored.findings,
            error_findings: stored.error_findings,
            json,
            report: None,
        })
    }

    /// The document object, parsed back from the stored JSON when it was reused.
    pub fn document(&self) -> Result<Cow<'_, DocumentReport>, serde_json::Error> {
        match &self.report {
            Some(report) => Ok(Cow::Borrowed(report)),
            None => serde_json::from_str(&self.json).map(Cow::Owned),
        }
    }
}

fn with_source_path(json: &str, path: &str) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(json).ok()?;
    *value.get_mut("source")?.get_mut("path")? = path.into();
    Some(value.to_string())
}

/// Checks one input, reusing the state's result when the document is unchanged
/// or its content is already known. A failed state lookup only costs a re-check.
pub fn process(input: &Input, options: &Options, state: Option<&State>) -> Outcome {
    let stamp = Stamp::of(&input.path);
    let (Some(state), Some(stamp)) = (state, stamp) else {
        return Outcome::checked(stamp, check_guarded(input, None, options));
    };
    if let Ok(Some(stored)) = state.unchanged(&input.display, stamp) {
        // The hash is not re-read for unchanged files; the state still holds it.
        if let Some(outcome) = Outcome::stored(input, stamp, String::new(), stored, Origin::Unchanged) {
            return outcome;
        }
    }
    let bytes = if stamp.size <= options.limits.max_file_bytes { std::fs::read(&input.path).ok() } else { None };
    let Some(bytes) = bytes else {
        return Outcome::checked(Some(stamp), check_guarded(input, None, options));
    };
    let sha256 = pipeline::sha256_hex(&bytes);
    if let Ok(Some(stored)) = state.same_content(&sha256) {
        let origin = Origin::SameContent { stored_path: stored.path.clone() };
        if let Some(outcome) = Outcome::stored(input, stamp, sha256, stored, origin) {
            return outcome;
        }
    }
    Outcome::checked(Some(stamp), check_guarded(input, Some(bytes), options))
}

/// Runs the pipeline on its own thread and abandons it if it overruns its time
/// limit: the budget is checked cooperatively by the readers, and a reader stuck
/// inside a dependency must not stall the batch. A panic that escapes the
/// pipeline also ends up here, as this document's error.
fn check_guarded(input: &Input, bytes: Option<Vec<u8>>, options: &Options) -> DocumentReport {
    let failed = |message: String| {
        let source = Source { path: input.display.clone(), sha256: String::new(), format: "unknown".into(), bytes: 0 };
        DocumentReport::failed(source, Status::Error, message)
    };
    let (tx, rx) = mpsc::channel();
    let (path, display, job_options) = (input.path.clone(), input.display.clone(), options.clone());
    let spawned = std::thread::Builder::new().name(format!("parcheck {display}")).spawn(move || {
        let report = match bytes {
            Some(bytes) => pipeline::check_bytes(&display, &bytes, &job_options),
            None => pipeline::check_file(&path, &job_options),
        };
        let _ = tx.send(report);
    });
    if let Err(e) = spawned {
        return failed(format!("không tạo được luồng xử lý: {e}"));
    }
    match rx.recv_timeout(options.limits.max_time + WATCHDOG_GRACE) {
        Ok(report) => report,
        Err(mpsc::RecvTimeoutError::Timeout) => failed(format!(
            "vượt giới hạn thời gian xử lý một tài liệu ({} giây), trình đọc bị treo",
            options.limits.max_time.as_secs()
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => failed("lỗi nội bộ: trình đọc dừng bất thường".into()),
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
    pub elapsed: Duration,
}

impl Summary {
    fn add(&mut self, outcome: &Outcome) {
        self.documents += 1;
        match outcome.status {
            Status::Ok => self.ok += 1,
            Status::NoTable => self.no_table += 1,
            Status::Unsupported => self.unsupported += 1,
            Status::Error => self.errors += 1,
        }
        self.error_findings += outcome.error_findings;
        match outcome.origin {
            Origin::Checked => {}
            Origin::Unchanged => self.unchanged += 1,
            Origin::SameContent { .. } => self.same_content += 1,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Đã kiểm tra {} tài liệu: {} hợp lệ, {} lỗi, {} không có bảng điểm, {} chưa hỗ trợ; {} phát hiện mức lỗi",
            self.documents, self.ok, self.errors, self.no_table, self.unsupported, self.error_findings
        )?;
        if self.unchanged + self.same_content > 0 {
            write!(f, "; {} không đổi, {} trùng nội dung (dùng lại kết quả cũ)", self.unchanged, self.same_content)?;
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

/// Checks every input and writes its object to `out` in input order; records
/// each result in the state as soon as it is known, and feeds the human reports.
pub fn run(
    inputs: &[Input],
    settings: &Settings,
    state: Option<&State>,
    out: &mut dyn Write,
    mut reports: Option<&mut Reports>,
    progress: &mut Progress,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(settings.jobs.max(1)).build()?;
    let mut summary = Summary::default();
    ordered_parallel(
        &pool,
        inputs,
        |input| process(input, &settings.options, state),
        |outcome| {
            progress.tick(&outcome.path);
            match state {
                Some(state) => remember(state, outcome),
                None => Ok(()),
            }
        },
        |outcome| {
            summary.add(&outcome);
            if let Some(reports) = reports.as_deref_mut() {
                let document = outcome.document().with_context(|| format!("đọc lại kết quả của {}", outcome.path))?;
                reports.add(&document)?;
            }
            if !(settings.only_changed && outcome.origin == Origin::Unchanged) {
                writeln!(out, "{}", outcome.json).context("ghi kết quả")?;
            }
            Ok(())
        },
    )?;
    out.flush().context("ghi kết quả")?;
    progress.finish();
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Writes a new result to the state; forgets the old path of a moved file.
fn remember(state: &State, outcome: &Outcome) -> anyhow::Result<()> {
    let Some(stamp) = outcome.stamp else { return Ok(()) };
    if outcome.origin == Origin::Unchanged {
        return Ok(());
    }
    state
        .record(&Record {
            path: &outcome.path,
            stamp,
            sha256: &outcome.sha256,
            status: outcome.status.name(),
            findings: outcome.findings,
            error_findings: outcome.error_findings,
            json: &outcome.json,
        })
        .context("ghi trạng thái")?;
    if let Origin::SameContent { stored_path } = &outcome.origin {
        if stored_path != &outcome.path && !Path::new(stored_path).exists() {
            state.forget(stored_path).context("ghi trạng thái")?;
        }
    }
    Ok(())
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
        assert!(summary.to_string().starts_with("Đã kiểm tra 3 tài liệu: 2 hợp lệ, 1 lỗi"), "{summary}");
        assert!(summary.to_string().contains("4 phát hiện mức lỗi"));
    }
}
