//! `--isolate`: each document is checked in a child process (this same binary,
//! re-executed with the hidden `worker` subcommand) under an address-space
//! limit, so an allocation abort, a stack overflow or a reader stuck in a
//! dependency costs that document only. Children are reused across documents
//! over stdin/stdout pipes (one line per document each way) for speed; a child
//! that dies or overruns its time is killed and replaced for the next document.
//!
//! Protocol: the parent writes the path as hex of its raw bytes and a newline;
//! the child answers with the document object as one JSON line. Before it, the
//! child may send `+N` lines: N more milliseconds granted to the document
//! (OCR of scanned pages), which the parent adds to its timeout.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use crate::model::Problem;
use crate::report::DocumentReport;

/// A pool of worker processes.
pub struct Isolation {
    program: PathBuf,
    args: Vec<OsString>,
    /// Wall time one document may take before its child is killed.
    timeout: Duration,
    memory_mb: u64,
    idle: Mutex<Vec<Worker>>,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: mpsc::Receiver<String>,
}

impl std::fmt::Debug for Isolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Isolation").field("program", &self.program).field("memory_mb", &self.memory_mb).finish()
    }
}

impl Isolation {
    /// `program args…` starts a worker (`parcheck worker …`).
    pub fn new(program: PathBuf, args: Vec<OsString>, timeout: Duration, memory_mb: u64) -> Isolation {
        Isolation { program, args, timeout, memory_mb, idle: Mutex::new(Vec::new()) }
    }

    fn spawn(&self) -> std::io::Result<Worker> {
        let mut child = Command::new(&self.program)
            .args(&self.args)
            // The parcheck binary allocates with mimalloc, which reserves address space 1 GiB
            // at a time: under the worker's address-space limit it must reserve in small steps.
            .env("MIMALLOC_ARENA_RESERVE", "16MiB")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("no pipes"));
        };
        let (tx, answers) = mpsc::channel();
        // A reader thread per child turns its blocking stdout into a channel with a timeout.
        std::thread::Builder::new().name("parcheck worker reader".into()).spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        })?;
        Ok(Worker { child, stdin, answers })
    }

    /// Checks one file in a worker. `Err` is why the document failed: the
    /// Vietnamese reason, and the system's or library's text apart.
    pub fn check(&self, path: &Path) -> Result<DocumentReport, Problem> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut worker = match idle {
            Some(worker) => worker,
            None => self.spawn().map_err(|e| Problem {
                message: "không khởi động được tiến trình con để đọc tài liệu; hãy chạy lại không dùng --isolate"
                    .into(),
                detail: Some(e.to_string()),
            })?,
        };
        let request = format!("{}\n", hex(&crate::state::path_bytes(path)));
        if worker.stdin.write_all(request.as_bytes()).and_then(|()| worker.stdin.flush()).is_err() {
            return Err(self.died(worker));
        }
        let started = Instant::now();
        let mut timeout = self.timeout;
        let answer = loop {
            match worker.answers.recv_timeout(timeout.saturating_sub(started.elapsed())) {
                Ok(line) => match line.strip_prefix('+').map(str::parse::<u64>) {
                    Some(Ok(millis)) => timeout = self.timeout + Duration::from_millis(millis),
                    _ => break Ok(line),
                },
                Err(error) => break Err(error),
            }
        };
        match answer {
            Ok(line) => {
                let report = serde_json::from_str(&line).map_err(|e| Problem {
                    message: "tiến trình con trả về kết quả không đọc được (không phải đối tượng JSON của tài liệu)"
                        .into(),
                    detail: Some(e.to_string()),
                });
                self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(worker);
                report
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = worker.child.kill();
                let _ = worker.child.wait();
                Err(Problem {
                    message: format!(
                        "vượt giới hạn thời gian xử lý một tài liệu ({} giây), tiến trình con đã bị dừng",
                        timeout.as_secs()
                    ),
                    detail: None,
                })
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(self.died(worker)),
        }
    }

    /// The reason a worker ended without answering.
    fn died(&self, mut worker: Worker) -> Problem {
        drop(worker.stdin);
        let status = worker.child.wait();
        let (how, detail) = match status {
            #[cfg(unix)]
            Ok(status) if std::os::unix::process::ExitStatusExt::signal(&status).is_some() => {
                let signal = std::os::unix::process::ExitStatusExt::signal(&status).unwrap_or_default();
                (format!("tín hiệu {signal}"), None)
            }
            Ok(status) => (format!("mã thoát {}", status.code().unwrap_or(-1)), None),
            Err(e) => ("không lấy được trạng thái thoát".to_owned(), Some(e.to_string())),
        };
        let message = format!(
            "tiến trình con đọc tài liệu dừng bất thường ({how}; giới hạn bộ nhớ {} MB): tệp có thể bị hỏng hoặc cố ý gây hại",
            self.memory_mb
        );
        Problem { message, detail }
    }
}

impl Drop for Isolation {
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|p| p.into_inner()));
        for mut worker in idle {
            drop(worker.stdin); // end of input: the worker exits
            let _ = worker.child.wait();
        }
    }
}

/// The worker side: limits itself, then answers one line per request until stdin ends.
pub fn serve(options: &crate::config::Options, memory_mb: u64) -> std::io::Result<()> {
    limit_memory(memory_mb);
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        let Some(bytes) = unhex(line.trim()) else { continue };
        let path = crate::state::path_from_bytes(bytes);
        let report = check_reporting_grants(&path, options, &mut out)?;
        let json = report.to_json().map_err(std::io::Error::other)?;
        writeln!(out, "{json}")?;
        out.flush()?;
    }
    Ok(())
}

/// Checks one file on a thread while this one tells the parent, as `+N`
/// lines, of the extra time the document is granted. The answer goes out as
/// soon as the document is done: this thread waits on the job, looking at
/// the grants only while it runs (a sleep between looks cost every document
/// up to 50 ms, and a batch of small files most of its time).
fn check_reporting_grants(
    path: &Path,
    options: &crate::config::Options,
    out: &mut impl Write,
) -> std::io::Result<DocumentReport> {
    let allowance = crate::config::Allowance::default();
    std::thread::scope(|scope| {
        let (done, finished) = mpsc::channel();
        let watched = &allowance;
        let job = scope.spawn(move || {
            let report = crate::pipeline::check_file_watched(path, options, watched);
            let _ = done.send(());
            report
        });
        let mut told = Duration::ZERO;
        while let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(GRANT_LOOK) {
            let granted = allowance.granted();
            if granted > told {
                writeln!(out, "+{}", granted.as_millis())?;
                out.flush()?;
                told = granted;
            }
        }
        job.join().map_err(|_| std::io::Error::other("worker thread panicked"))
    })
}

/// How often a running document's grants are looked at.
const GRANT_LOOK: Duration = Duration::from_millis(50);

#[cfg(unix)]
fn limit_memory(memory_mb: u64) {
    let bytes = memory_mb.saturating_mul(1024 * 1024) as libc::rlim_t;
    let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
    // SAFETY: setrlimit reads the struct we pass; failure leaves the process unlimited.
    unsafe {
        libc::setrlimit(libc::RLIMIT_AS, &limit);
    }
}

#[cfg(not(unix))]
fn limit_memory(_memory_mb: u64) {}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str, timeout: Duration) -> Isolation {
        Isolation::new("/bin/sh".into(), vec!["-c".into(), script.into()], timeout, 64)
    }

    #[cfg(unix)]
    #[test]
    fn a_killed_child_fails_its_document_and_is_replaced() {
        let pool = shell("read line; kill -9 $$", Duration::from_secs(20));
        for _ in 0..2 {
            let err = pool.check(Path::new("a.docx")).expect_err("the child dies").message;
            assert!(err.contains("dừng bất thường") && err.contains("tín hiệu 9"), "{err}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_stuck_child_is_killed_at_the_time_limit() {
        let pool = shell("read line; sleep 30", Duration::from_millis(300));
        let started = std::time::Instant::now();
        let err = pool.check(Path::new("a.docx")).expect_err("the child overruns").message;
        assert!(err.contains("vượt giới hạn thời gian"), "{err}");
        // Killed at the limit, not waited out (the child sleeps 30 s).
        assert!(started.elapsed() < Duration::from_secs(25));
    }

    #[cfg(unix)]
    #[test]
    fn a_child_is_reused_across_documents() {
        // Answers every request with a minimal failed report and counts them in the unit name.
        let answer = r#"{"contract":1,"source":{"path":"x","sha256":"","format":"unknown","bytes":0},"status":"error","error":"e","table_kind":null,"unit":"'$n'","year":null,"columns":[],"criteria":[],"totals":{"table":null,"stated":null,"recalculated":null},"findings":[],"tool_version":"t"}"#;
        let script = format!("n=0; while read line; do n=$((n+1)); echo '{answer}'; done");
        let pool = shell(&script, Duration::from_secs(20));
        let units: Vec<Option<String>> =
            (0..3).map(|_| pool.check(Path::new("a.docx")).expect("answer").unit).collect();
        assert_eq!(units, [Some("1".into()), Some("2".into()), Some("3".into())]);
    }

    #[test]
    fn a_worker_that_cannot_start_is_named_in_vietnamese_with_the_system_text_apart() {
        let pool = Isolation::new("/nonexistent/parcheck".into(), Vec::new(), Duration::from_secs(5), 64);
        let problem = pool.check(Path::new("a.docx")).expect_err("no such program");
        assert_eq!(
            problem.message,
            "không khởi động được tiến trình con để đọc tài liệu; hãy chạy lại không dùng --isolate"
        );
        let detail = problem.detail.expect("the system's text");
        assert!(detail.contains("No such file"), "{detail}");
    }

    #[cfg(unix)]
    #[test]
    fn an_answer_that_is_not_a_report_is_named_in_vietnamese_with_the_parser_text_apart() {
        let pool = shell("read line; echo 'not json'; read line", Duration::from_secs(20));
        let problem = pool.check(Path::new("a.docx")).expect_err("a bad answer");
        assert_eq!(
            problem.message,
            "tiến trình con trả về kết quả không đọc được (không phải đối tượng JSON của tài liệu)"
        );
        let detail = problem.detail.expect("the parser's text");
        assert!(detail.contains("expected"), "{detail}");
    }

    #[test]
    fn hex_round_trips_any_bytes() {
        let bytes = b"b\xe1o c\xe1o/\x00\xff.docx".to_vec();
        assert_eq!(unhex(&hex(&bytes)), Some(bytes));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }
}
