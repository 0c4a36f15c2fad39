//! One input through the pipeline within a batch: reused from the state when
//! unchanged, checked in this process under a watchdog, or in a worker process
//! (`--isolate`), and turned into the NDJSON line the batch emits.

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::config::{Allowance, Options};
use crate::isolate::Isolation;
use crate::model::{Severity, Status};
use crate::pipeline;
use crate::report::{DocumentReport, Source, CONTRACT_VERSION};
use crate::state::{self, Stamp, State, Stored};

use super::Input;

/// Extra wall time granted past `Limits::max_time` before a document whose
/// reader ignores its budget is abandoned.
const WATCHDOG_GRACE: Duration = Duration::from_secs(5);

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
    object: Object,
}

/// The document object, as one NDJSON line (no newline) or as checked.
#[derive(Debug)]
enum Object {
    /// Reused from the state, or a tombstone.
    Line(String),
    /// Checked here. The line is made whole only for the state; otherwise it
    /// is written from the report straight into the output (a big sheet's
    /// 17 MB line took fresh pages and a UTF-8 check). The thread that made
    /// the report, if any, is kept for the report's drop (fields drop in
    /// this order).
    Checked { report: Box<DocumentReport>, line: Option<String>, _maker: Option<Maker> },
}

/// The thread that checked a document, waiting until the document's report
/// is dropped; dropping this lets it end. mimalloc frees a block of a live
/// thread's page with one atomic push, but a block of a page its ended
/// thread abandoned by taking the page over first: a big sheet's report is
/// 345,000 blocks, and dropping it took 69 M instructions after its thread
/// had ended, 49 M with the thread waiting. At most the batch's reorder
/// window of threads wait so.
#[derive(Debug)]
struct Maker {
    /// Never sent on: dropped, it ends the thread's wait.
    _waiting: mpsc::Sender<()>,
}

/// A report, and the thread that made it when it was made in this process.
type Made = (DocumentReport, Option<Maker>);

impl Outcome {
    /// `whole_line`: the line is needed in one piece (recorded in the state).
    fn checked(input: &Input, stamp: Option<Stamp>, (mut report, maker): Made, whole_line: bool) -> Outcome {
        report.source.path.clone_from(&input.display);
        report.source.path_bytes.clone_from(&input.path_bytes);
        let line = whole_line.then(|| {
            report.to_json().unwrap_or_else(|e| {
                // Only an unrepresentable number could fail; report that instead of the document.
                let failed =
                    DocumentReport::failed(report.source.clone(), Status::Error, "lỗi nội bộ khi ghi kết quả".into())
                        .with_detail(Some(e.to_string()));
                serde_json::to_string(&failed).unwrap_or_default()
            })
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
            object: Object::Checked { report: Box::new(report), line, _maker: maker },
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
            object: Object::Line(json),
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
            object: Object::Line(json.to_string()),
        }
    }

    /// The document object, parsed back from the stored JSON when it was reused.
    pub fn document(&self) -> Result<Cow<'_, DocumentReport>, serde_json::Error> {
        match &self.object {
            Object::Checked { report, .. } => Ok(Cow::Borrowed(report)),
            Object::Line(json) => serde_json::from_str(json).map(Cow::Owned),
        }
    }

    /// The NDJSON line, when it is held whole (reused, a tombstone, or for the state).
    pub fn line(&self) -> Option<&str> {
        match &self.object {
            Object::Line(json) | Object::Checked { line: Some(json), .. } => Some(json),
            Object::Checked { line: None, .. } => None,
        }
    }

    /// Writes the line and its newline to `out`. A report is serialized into
    /// it directly, through a buffer of its own: serde_json's many small
    /// writes would each be a call through `dyn Write`. Only writing can fail
    /// there (the one other error, a decimal's text that is not a JSON
    /// number, cannot happen: it is `-?digits(.digits)?`); were it to, the
    /// batch stops with a write error instead of the whole line's fallback.
    pub fn write_line(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let report = match &self.object {
            Object::Checked { report, line: None, .. } => report,
            _ => return writeln!(out, "{}", self.line().unwrap_or_default()),
        };
        let mut line = BufWriter::with_capacity(64 * 1024, out);
        serde_json::to_writer(&mut line, report)?;
        line.write_all(b"\n")?;
        // Not `flush`: that would flush `out` too, once a document.
        line.into_inner().map(drop).map_err(std::io::IntoInnerError::into_error)
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
        Some(isolation) => (isolated(input, isolation), None),
        None => check_guarded(input, bytes, options),
    };
    if input.deleted {
        return Outcome::deleted(input);
    }
    if let Some(problem) = &input.problem {
        return Outcome::checked(
            input,
            None,
            (
                DocumentReport::failed(unread_source(input), Status::Error, problem.message.clone())
                    .with_detail(problem.detail.clone()),
                None,
            ),
            false,
        );
    }
    let stamp = Stamp::of(&input.path);
    let (Some(state), Some(stamp)) = (state, stamp) else {
        return Outcome::checked(input, stamp, check_guarded(input, None, options), false);
    };
    if let Ok(Some(stored)) = state.unchanged(&input.key, stamp) {
        // The hash is not re-read for unchanged files; the state still holds it.
        if let Some(outcome) = Outcome::stored(input, stamp, String::new(), stored, Origin::Unchanged) {
            return outcome;
        }
    }
    let bytes = if stamp.size <= options.limits.max_file_bytes { std::fs::read(&input.path).ok() } else { None };
    let Some(bytes) = bytes else {
        return Outcome::checked(input, Some(stamp), check_guarded(input, None, options), true);
    };
    let sha256 = pipeline::sha256_hex(&bytes);
    if let Ok(Some(stored)) = state.same_content(&sha256) {
        let origin = Origin::SameContent { stored_key: stored.key.clone() };
        if let Some(outcome) = Outcome::stored(input, stamp, sha256, stored, origin) {
            return outcome;
        }
    }
    Outcome::checked(input, Some(stamp), check_guarded(input, Some(bytes), options), true)
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
/// pipeline also ends up here, as this document's error. A report comes with
/// its thread, which ends once the report is dropped ([`Maker`]).
fn check_guarded(input: &Input, bytes: Option<Vec<u8>>, options: &Options) -> Made {
    let failed = |message: String| DocumentReport::failed(unread_source(input), Status::Error, message);
    let (tx, rx) = mpsc::channel();
    let (maker, dropped) = mpsc::channel::<()>();
    let allowance = Allowance::default();
    let (path, display, job_options, job_allowance) =
        (input.path.clone(), input.display.clone(), options.clone(), allowance.clone());
    let spawned = std::thread::Builder::new().name(format!("parcheck {display}")).spawn(move || {
        let report = match bytes {
            Some(bytes) => pipeline::check_bytes_watched(&display, &bytes, &job_options, &job_allowance),
            None => pipeline::check_file_watched(&path, &job_options, &job_allowance),
        };
        if tx.send(report).is_ok() {
            // Ends once the report is dropped: `Maker` is the only sender, and
            // no message ever comes.
            let _ = dropped.recv();
        }
    });
    if let Err(e) = spawned {
        let failed = failed("không tạo được luồng xử lý (hệ thống hết tài nguyên)".into());
        return (failed.with_detail(Some(e.to_string())), None);
    }
    let started = Instant::now();
    loop {
        // The reader may be granted more time (OCR pages) while it runs.
        let limit = options.limits.max_time + allowance.granted();
        match rx.recv_timeout((limit + WATCHDOG_GRACE).saturating_sub(started.elapsed())) {
            Ok(report) => return (report, Some(Maker { _waiting: maker })),
            Err(mpsc::RecvTimeoutError::Timeout) if options.limits.max_time + allowance.granted() > limit => {}
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let message =
                    format!("vượt giới hạn thời gian xử lý một tài liệu ({} giây), trình đọc bị treo", limit.as_secs());
                return (failed(message), None);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return (failed("lỗi nội bộ: trình đọc dừng bất thường".into()), None)
            }
        }
    }
}
