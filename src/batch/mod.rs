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
//!
//! Its parts: [`inputs`] (walking and identity), [`process`] (one document
//! within the batch), [`pool`] (the parallel pool and its ordered output),
//! [`progress`] (what stderr shows), [`merge`] (shards into one output); this
//! module ties them to the outputs: NDJSON, the state and the human reports.

mod inputs;
mod merge;
mod pool;
mod process;
mod progress;

pub use inputs::*;
pub use merge::*;
pub use process::*;
pub use progress::*;

use std::io::Write;
use std::time::Instant;

use crate::human::{ReportError, Reports};
use crate::state::{Record, State};

use pool::ordered_parallel;

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
                    tombstones.push((outcome.key.clone(), outcome.line().unwrap_or_default().to_owned()));
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
                    outcome.write_line(out).map_err(BatchError::Output)?;
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
                outcome.write_line(out).map_err(BatchError::Output)?;
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
    // A checked document with a stamp holds its line whole for this.
    let (Some(stamp), Some(status), Some(json)) = (outcome.stamp, outcome.status, outcome.line()) else {
        return Ok(());
    };
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
            json,
        })
        .map_err(BatchError::State)
}
