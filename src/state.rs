//! Nightly state: a SQLite file remembering every document checked, so a rerun
//! over an archive only reads what changed.
//!
//! A document is unchanged when its path, size and modification time match a
//! row written by the same tool version, contract and settings; then its stored
//! JSON is reused without reading the file. A changed or new path is hashed, and
//! a row with the same SHA-256 (a moved, renamed or copied file) is reused too.
//!
//! Each result is committed on its own as soon as it is known (WAL journal), so
//! a killed run keeps everything it finished and the next run resumes there.

use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::UNIX_EPOCH;

use rusqlite::{params, Connection, OptionalExtension};

use crate::report::CONTRACT_VERSION;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS documents (
    path           TEXT PRIMARY KEY,
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
    updated_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents (sha256);
";

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
    /// The path the result was stored under (differs from the current one for a moved file).
    pub path: String,
    /// The document object, one NDJSON line.
    pub json: String,
    pub status: String,
    pub findings: usize,
    pub error_findings: usize,
}

const STORED_COLUMNS: &str = "path, result, status, findings, error_findings";

fn stored(row: &rusqlite::Row) -> rusqlite::Result<Stored> {
    Ok(Stored {
        path: row.get(0)?,
        json: row.get(1)?,
        status: row.get(2)?,
        findings: row.get::<_, i64>(3)? as usize,
        error_findings: row.get::<_, i64>(4)? as usize,
    })
}

/// What is recorded for one checked document.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub path: &'a str,
    pub stamp: Stamp,
    pub sha256: &'a str,
    pub status: &'a str,
    pub findings: usize,
    pub error_findings: usize,
    pub json: &'a str,
}

/// An open state file. Shared by the batch workers (lookups) and the writer.
pub struct State {
    conn: Mutex<Connection>,
    /// Tolerance and limits of this run: a stored result made with other settings is stale.
    settings: String,
}

impl State {
    /// Opens or creates the state file.
    pub fn open(path: &Path, settings: String) -> rusqlite::Result<State> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // WAL + NORMAL: each commit survives a killed process without an fsync per row.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(State { conn: Mutex::new(conn), settings })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent; keep going.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The stored result for `path` if the file has not changed since.
    pub fn unchanged(&self, path: &str, stamp: Stamp) -> rusqlite::Result<Option<Stored>> {
        self.conn()
            .prepare_cached(&format!(
                "SELECT {STORED_COLUMNS} FROM documents WHERE path = ?1 AND size = ?2 AND mtime_ns = ?3
                 AND tool_version = ?4 AND contract = ?5 AND settings = ?6"
            ))?
            .query_row(
                params![path, stamp.size as i64, stamp.mtime_ns, crate::TOOL_VERSION, CONTRACT_VERSION, self.settings],
                stored,
            )
            .optional()
    }

    /// A stored result for the same content under any path (moved or copied files).
    pub fn same_content(&self, sha256: &str) -> rusqlite::Result<Option<Stored>> {
        self.conn()
            .prepare_cached(&format!(
                "SELECT {STORED_COLUMNS} FROM documents WHERE sha256 = ?1
                 AND tool_version = ?2 AND contract = ?3 AND settings = ?4 ORDER BY path LIMIT 1"
            ))?
            .query_row(params![sha256, crate::TOOL_VERSION, CONTRACT_VERSION, self.settings], stored)
            .optional()
    }

    /// Stores (or replaces) the result for one path, committed at once.
    pub fn record(&self, r: &Record) -> rusqlite::Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO documents (path, size, mtime_ns, sha256, tool_version, contract,
                 settings, status, findings, error_findings, result, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            )?
            .execute(params![
                r.path,
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

    /// Drops the row of a path that no longer exists (the old name of a moved file).
    pub fn forget(&self, path: &str) -> rusqlite::Result<()> {
        self.conn().prepare_cached("DELETE FROM documents WHERE path = ?1")?.execute([path])?;
        Ok(())
    }

    /// Writes every stored result as NDJSON, sorted by path (byte order, as `check` emits).
    /// Returns the number of lines written.
    pub fn export(&self, out: &mut dyn Write) -> anyhow::Result<usize> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT result FROM documents ORDER BY path")?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(path: &'a str, sha: &'a str, json: &'a str, stamp: Stamp) -> Record<'a> {
        Record { path, stamp, sha256: sha, status: "ok", findings: 0, error_findings: 0, json }
    }

    #[test]
    fn finds_unchanged_and_moved_documents() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let state = State::open(&dir.path().join("s.db"), "t".into())?;
        let stamp = Stamp { size: 10, mtime_ns: 5 };
        state.record(&record("b.docx", "h1", "{\"b\":1}", stamp))?;
        state.record(&record("a.docx", "h2", "{\"a\":1}", stamp))?;
        assert_eq!(state.unchanged("b.docx", stamp)?.map(|s| s.json), Some("{\"b\":1}".into()));
        assert_eq!(state.unchanged("b.docx", Stamp { size: 11, ..stamp })?, None);
        assert_eq!(state.same_content("h1")?.map(|s| s.path), Some("b.docx".into()));
        state.forget("b.docx")?;
        assert_eq!(state.same_content("h1")?, None);
        let mut out = Vec::new();
        assert_eq!(state.export(&mut out)?, 1);
        assert_eq!(String::from_utf8(out)?, "{\"a\":1}\n");
        Ok(())
    }

    #[test]
    fn other_settings_make_results_stale() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("s.db");
        let stamp = Stamp { size: 1, mtime_ns: 1 };
        State::open(&path, "tolerance=0.005".into())?.record(&record("a", "h", "{}", stamp))?;
        let state = State::open(&path, "tolerance=0.01".into())?;
        assert_eq!(state.unchanged("a", stamp)?, None);
        assert_eq!(state.same_content("h")?, None);
        Ok(())
    }
}
