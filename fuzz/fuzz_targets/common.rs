//! Shared by the fuzz targets: tighter limits than the defaults, so that one
//! input stays within libFuzzer's memory and time budget (a limit exceeded is
//! an `Err`, not a crash), and the stages after extraction.
//!
//! libfuzzer-sys installs a panic hook that aborts, so a panic is reported as
//! a crash even where the pipeline would contain it with `catch_unwind`.

#![allow(dead_code)]

use std::time::Duration;

use parcheck::config::Limits;
use parcheck::extract::{Budget, ExtractResult};
use parcheck::grid::Document;
use parcheck::config::Options;
use parcheck::pipeline;
use parcheck::report::Source;

pub fn options() -> Options {
    let limits = Limits {
        max_decompressed_bytes: 32 * 1024 * 1024,
        max_cells: 200_000,
        max_pages: 200,
        max_time: Duration::from_secs(10),
        ..Limits::default()
    };
    Options { limits, ..Options::default() }
}

pub fn budget(options: &Options) -> Budget {
    Budget::new(options.limits.clone())
}

/// Normalizes an extracted grid and runs table, tree and checks on it,
/// as `pipeline::check_bytes` does, but with no `catch_unwind` in between.
pub fn finish(extracted: ExtractResult<Document>, format: &str, options: &Options) {
    if let Ok(mut document) = extracted {
        parcheck::text::normalize_document(&mut document);
        let source = Source {
            path: "fuzz".into(),
            path_bytes: None,
            sha256: String::new(),
            format: format.into(),
            bytes: 0,
        };
        let report = pipeline::analyze(&document, source, options);
        let _ = serde_json::to_string(&report);
    }
}
