//! Nightly state: a SQLite file remembering every document checked, so a rerun
//! over an archive only reads what changed.
//!
//! A document's identity is its canonical path relative to the root stored in
//! the state (`meta.root`), kept as raw bytes: every spelling of a path maps to
//! one row, two distinct non-UTF-8 names stay two rows, and an archive that
//! moves keeps its rows once the root is updated (`--root`).
//!
//! A document is unchanged when its size and modification time match a row
//! written by the same tool version, contract and settings; then its stored
//! JSON is reused without reading the file. A changed or new file is hashed,
//! and a row with the same SHA-256 (a moved, renamed or copied file) is reused.
//! A file gone since the last run becomes a tombstone row (`status` deleted).
//!
//! Each result is committed on its own as soon as it is known (WAL journal), so
//! a killed run keeps everything it finished. A row stays `delivered = 0` until
//! the run that produced it has written its outputs; `--only-changed` re-emits
//! undelivered rows, so a killed run loses nothing downstream either.
//!
//! One run at a time: a `<state>.lock` file held with the standard library's
//! file lock (released by the system when the holder dies, so a SIGKILL never
//! leaves a stale lock).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension};

use crate::report::CONTRACT_VERSION;

/// Version of the layout below, in `PRAGMA user_version`. Version 0 files with a
/// `documents` table are the path-keyed layout of earlier releases: a cache, dropped.
const LAYOUT: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS documents (
    key            BLOB PRIMARY KEY,
    display        TEXT NOT NULL,
    path_bytes     TEXT,
    size           INTEGER NOT NULL,
    mtime_ns       INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    tool_version   TEXT NOT NULL,
    contract       INTEGER NOT NULL,
    settings       TEXT NOT NULL,
    status         TEXT NOT NULL,
    findings       INTEGER NOT NULL,
    error_findings INTEGER NOT NULL,
    result         TEXT NOT NULL,
    delivered      INTEGER NOT NULL DEFAULT 0,
    updated_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents (sha256);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
";

/// The status of a tombstone row.
pub const DELETED: &str = "deleted";

/// Why a state file cannot be used; each is an exit-3 "could not run".
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("tệp trạng thái {path} đang được một lần chạy khác dùng ({holder}); đã chờ {waited} giây, dừng lại")]
    Locked { path: String, holder: String, waited: u64 },
    #[error("tệp trạng thái {path} bị hỏng hoặc không phải tệp trạng thái của parcheck")]
    Corrupt {
        path: String,
        #[source]
        detail: rusqlite::Error,
    },
    #[error("tệp trạng thái {path} do phiên bản parcheck mới hơn tạo (cấu trúc {found})")]
    Newer { path: String, found: i64 },
    #[error("không mở được tệp trạng thái {path}")]
    Io {
        path: String,
        #[source]
        detail: std::io::Error,
    },
    #[error("không mở được tệp trạng thái {path}")]
    Sqlite {
        path: String,
        #[source]
        detail: rusqlite::Error,
    },
}

/// Why `export` stopped: the state could not be read or the output not written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("không đọc được tệp trạng thái")]
    Read(#[from] rusqlite::Error),
    #[error("không ghi được kết quả")]
    Write(#[from] std::io::Error),
}

/// Size and modification time of a file, the cheap "unchanged" test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: i64,
}

impl Stamp {
    /// Reads the stamp of a file; `None` when the file system cannot tell.
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Stamp { size: meta.len(), mtime_ns: i64::try_from(mtime.as_nanos()).ok()? })
    }
}

/// A result stored by an earlier run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The identity the result was stored under (differs from the current one for a moved file).
    pub key: Vec<u8>,
    /// The document object, one NDJSON line.
    pub json: String,
    pub status: String,
    pub findings: usize,
    pub error_findings: usize,
    /// Whether a finished run has already written this result out.
    pub delivered: bool,
}

const STORED_COLUMNS: &str = "key, result, status, findings, error_findings, delivered";

fn stored(row: &rusqlite::Row) -> rusqlite::Result<Stored> {
    Ok(Stored {
        key: row.get(0)?,
        json: row.get(1)?,
        status: row.get(2)?,
        findings: row.get::<_, i64>(3)? as usize,
        error_findings: row.get::<_, i64>(4)? as usize,
        delivered: row.get::<_, i64>(5)? != 0,
    })
}

/// What is recorded for one checked document.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub key: &'a [u8],
    pub display: &'a str,
    pub path_bytes: Option<&'a str>,
    pub stamp: Stamp,
    pub sha256: &'a str,
    pub status: &'a str,
    pub findings: usize,
    pub error_findings: usize,
    pub json: &'a str,
}

/// A row as the deletion pass needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub key: Vec<u8>,
    pub display: String,
    pub path_bytes: Option<String>,
    pub deleted: bool,
    pub delivered: bool,
}

/// The exclusive right to run on one state file, held until dropped.
#[derive(Debug)]
pub struct StateLock {
    #[allow(dead_code)] // held, not read: the lock lives as long as the descriptor
    file: std::fs::File,
    path: PathBuf,
}

impl StateLock {
    /// The lock file beside a state file.
    pub fn path_for(state: &Path) -> PathBuf {
        let mut name = state.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the lock, waiting up to `timeout`; `on_wait` is told once who holds it.
    pub fn acquire(state: &Path, timeout: Duration, on_wait: impl FnOnce(&str)) -> Result<StateLock, StateError> {
        let path = Self::path_for(state);
        let io = |detail| StateError::Io { path: state.display().to_string(), detail };
        let mut file =
            std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        let started = Instant::now();
        let mut on_wait = Some(on_wait);
        while !try_lock(&file).map_err(io)? {
            let holder = holder(&path);
            if let Some(tell) = on_wait.take() {
                tell(&holder);
            }
            if started.elapsed() >= timeout {
                return Err(StateError::Locked {
                    path: state.display().to_string(),
                    holder,
                    waited: started.elapsed().as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(100).min(timeout.saturating_sub(started.elapsed())));
        }
        // Who holds it, for the message of a run that has to wait.
        let _ = file.set_len(0);
        let secs = std::time::SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) % 86_400;
        let _ = writeln!(
            file,
            "PID {}, bắt đầu lúc {:02}:{:02}:{:02} UTC",
            std::process::id(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        Ok(StateLock { file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn holder(lock: &Path) -> String {
    let text = std::fs::read_to_string(lock).unwrap_or_default();
    let text = text.trim();
    if text.is_empty() {
        "không rõ tiến trình nào".into()
    } else {
        format!("tiến trình {text}")
    }
}

/// Takes the lock without waiting: `Ok(false)` while another process holds it.
/// The standard library's lock (flock on Unix, LockFileEx on Windows) is
/// released by the system when the holder dies.
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(error)) => Err(error),
    }
}

/// An open state file. Shared by the batch workers (lookups) and the writer.
pub struct State {
    conn: Mutex<Connection>,
    /// Tolerance and limits of this run: a stored result made with other settings is stale.
    settings: String,
}

impl State {
    /// Opens or creates the state file. Run `StateLock::acquire` first when writing.
    pub fn open(path: &Path, settings: String) -> Result<State, StateError> {
        let name = path.display().to_string();
        let sqlite = |detail| StateError::Sqlite { path: name.clone(), detail };
        let corrupt = |detail| StateError::Corrupt { path: name.clone(), detail };
        let conn = Connection::open(path).map_err(sqlite)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(sqlite)?;
        // The first read tells a database from any other file.
        let layout: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(corrupt)?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
            .map_err(corrupt)?;
        if layout > LAYOUT {
            return Err(StateError::Newer { path: name, found: layout });
        }
        // WAL + NORMAL: each commit survives a killed process without an fsync per row.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(corrupt)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(corrupt)?;
        if layout < LAYOUT && tables > 0 {
            conn.execute_batch("DROP TABLE IF EXISTS documents; DROP TABLE IF EXISTS meta;").map_err(corrupt)?;
        }
        conn.execute_batch(SCHEMA).map_err(corrupt)?;
        conn.pragma_update(None, "user_version", LAYOUT).map_err(corrupt)?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(corrupt)?;
        if check != "ok" {
            return Err(corrupt(rusqlite::Error::InvalidParameterName(check)));
        }
        Ok(State { conn: Mutex::new(conn), settings })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent; keep going.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The folder identities are relative to, if one was stored.
    pub fn root(&self) -> rusqlite::Result<Option<PathBuf>> {
        let bytes: Option<Vec<u8>> =
            self.conn().query_row("SELECT value FROM meta WHERE name = 'root'", [], |r| r.get(0)).optional()?;
        Ok(bytes.map(path_from_bytes))
    }

    pub fn set_root(&self, root: &Path) -> rusqlite::Result<()> {
        self.conn().execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('root', ?1)", [path_bytes(root)])?;
        Ok(())
    }

    /// The stored result for `key` if the file has not changed since.
    pub fn unchanged(&self, key: &[u8], stamp: Stamp) -> rusqlite::Result<Option<Stored>> {
        self.conn()
            .prepare_cached(&format!(
                "SELECT {STORED_COLUMNS} FROM documents WHERE key = ?1 AND size = ?2 AND mtime_ns = ?3
                 AND tool_version = ?4 AND contract = ?5 AND settings = ?6 AND status <> 'deleted'"
            ))?
            .query_row(
                params![key, stamp.size as i64, stamp.mtime_ns, crate::TOOL_VERSION, CONTRACT_VERSION, self.settings],
                stored,
            )
            .optional()
    }

    /// A stored result for the same content under any identity (moved or copied files).
    pub fn same_content(&self, sha256: &str) -> rusqlite::Result<Option<Stored>> {
        self.conn()
            .prepare_cached(&format!(
                "SELECT {STORED_COLUMNS} FROM documents WHERE sha256 = ?1
                 AND tool_version = ?2 AND contract = ?3 AND settings = ?4 AND status <> 'deleted'
                 ORDER BY key LIMIT 1"
            ))?
            .query_row(params![sha256, crate::TOOL_VERSION, CONTRACT_VERSION, self.settings], stored)
            .optional()
    }

    /// Stores (or replaces) the result for one identity, committed at once, not yet delivered.
    pub fn record(&self, r: &Record) -> rusqlite::Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO documents (key, display, path_bytes, size, mtime_ns, sha256, tool_version,
                 contract, settings, status, findings, error_findings, result, delivered, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0,
                 strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            )?
            .execute(params![
                r.key,
                r.display,
                r.path_bytes,
                r.stamp.size as i64,
                r.stamp.mtime_ns,
                r.sha256,
                crate::TOOL_VERSION,
                CONTRACT_VERSION,
                self.settings,
                r.status,
                r.findings as i64,
                r.error_findings as i64,
                r.json
            ])?;
        Ok(())
    }

    /// Turns the row of a file that is gone into a tombstone carrying `json`.
    pub fn bury(&self, key: &[u8], json: &str) -> rusqlite::Result<()> {
        self.conn()
            .prepare_cached(
                "UPDATE documents SET status = 'deleted', result = ?2, findings = 0, error_findings = 0,
                 sha256 = '', delivered = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE key = ?1",
            )?
            .execute(params![key, json])?;
        Ok(())
    }

    /// Every row, for the deletion pass (identities only, not results).
    pub fn known(&self) -> rusqlite::Result<Vec<Known>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT key, display, path_bytes, status, delivered FROM documents ORDER BY key")?;
        let rows = stmt.query_map([], |r| {
            Ok(Known {
                key: r.get(0)?,
                display: r.get(1)?,
                path_bytes: r.get(2)?,
                deleted: r.get::<_, String>(3)? == DELETED,
                delivered: r.get::<_, i64>(4)? != 0,
            })
        })?;
        rows.collect()
    }

    /// Called once a run has written all its outputs: tombstones reported by an
    /// earlier finished run are dropped, and this run's rows count as delivered.
    pub fn delivered(&self) -> rusqlite::Result<()> {
        self.conn().execute_batch(
            "BEGIN;
             DELETE FROM documents WHERE status = 'deleted' AND delivered = 1;
             UPDATE documents SET delivered = 1 WHERE delivered = 0;
             COMMIT;",
        )
    }

    /// Writes every stored result (tombstones included) as NDJSON, sorted by
    /// identity (byte order, as `check` emits). Returns the number of lines written.
    pub fn export(&self, out: &mut dyn Write) -> Result<usize, ExportError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT result FROM documents ORDER BY key")?;
        let mut rows = stmt.query([])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            let json: String = row.get(0)?;
            writeln!(out, "{json}")?;
            n += 1;
        }
        out.flush()?;
        Ok(n)
    }
}

/// The raw bytes of a path (its OS encoding on Unix, UTF-8 elsewhere).
pub fn path_bytes(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned().into_bytes()
    }
}

pub fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(key: &'a str, sha: &'a str, json: &'a str, stamp: Stamp) -> Record<'a> {
        Record {
            key: key.as_bytes(),
            display: key,
            path_bytes: None,
            stamp,
            sha256: sha,
            status: "ok",
            findings: 0,
            error_findings: 0,
            json,
        }
    }

    #[test]
    fn finds_unchanged_and_moved_documents() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let state = State::open(&dir.path().join("s.db"), "t".into())?;
        let stamp = Stamp { size: 10, mtime_ns: 5 };
        state.record(&record("b.docx", "h1", "{\"b\":1}", stamp))?;
        state.record(&record("a.docx", "h2", "{\"a\":1}", stamp))?;
        assert_eq!(state.unchanged(b"b.docx", stamp)?.map(|s| s.json), Some("{\"b\":1}".into()));
        assert_eq!(state.unchanged(b"b.docx", Stamp { size: 11, ..stamp })?, None);
        assert_eq!(state.same_content("h1")?.map(|s| s.key), Some(b"b.docx".to_vec()));
        state.bury(b"b.docx", "{\"status\":\"deleted\"}")?;
        assert_eq!(state.same_content("h1")?, None, "a tombstone is no content");
        assert_eq!(state.unchanged(b"b.docx", stamp)?, None);
        let mut out = Vec::new();
        assert_eq!(state.export(&mut out)?, 2, "the tombstone is exported until a finished run drops it");
        state.delivered()?;
        assert!(state.known()?.iter().all(|k| k.delivered));
        state.delivered()?;
        let mut out = Vec::new();
        assert_eq!(state.export(&mut out)?, 1);
        assert_eq!(String::from_utf8(out)?, "{\"a\":1}\n");
        Ok(())
    }

    #[test]
    fn other_settings_make_results_stale() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("s.db");
        let stamp = Stamp { size: 1, mtime_ns: 1 };
        State::open(&path, "tolerance=0.005".into())?.record(&record("a", "h", "{}", stamp))?;
        let state = State::open(&path, "tolerance=0.01".into())?;
        assert_eq!(state.unchanged(b"a", stamp)?, None);
        assert_eq!(state.same_content("h")?, None);
        Ok(())
    }

    #[test]
    fn a_file_that_is_not_a_database_is_corrupt() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.db");
        std::fs::write(&path, vec![b'x'; 4096]).expect("write");
        assert!(matches!(State::open(&path, String::new()), Err(StateError::Corrupt { .. })));
    }

    #[cfg(unix)]
    #[test]
    fn a_held_lock_times_out_naming_its_holder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.db");
        let _held = StateLock::acquire(&path, Duration::ZERO, |_| {}).expect("first lock");
        let mut told = String::new();
        let second = StateLock::acquire(&path, Duration::from_millis(200), |h| told = h.to_owned());
        assert!(matches!(second, Err(StateError::Locked { .. })), "{second:?}");
        assert!(told.contains(&format!("PID {}", std::process::id())), "{told}");
    }
}
