//! Per-document time, one benchmark per file, grouped by format:
//!
//! - `<format>/pipeline/<file>`: the whole pipeline, `pipeline::check_bytes`
//!   (sniff, extract, normalize, table, tree, checks, report; SHA-256 included);
//! - `<format>/extract/<file>`: extraction and text normalization alone,
//!   `pipeline::read_document`.
//!
//! Files are read into memory once, so no disk I/O is timed. The documents are
//! the bundled examples in `fixtures/samples/` (.docx, .xlsx, PDF), or every
//! file of the folder named by `PARCHECK_BENCH_DIR`:
//!
//!     cargo bench --bench extract                       # fixtures/samples
//!     cargo bench --bench extract -- docx/              # one format only
//!     PARCHECK_BENCH_DIR=../shared/samples/docs cargo bench --bench extract
//!
//! Criterion writes each result to
//! `target/criterion/<format>/<pipeline|extract>/<file>/new/estimates.json`
//! (the median is `median.point_estimate`, in nanoseconds);
//! `benches/compare_python.sh` reads them from there.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use parcheck::config::Options;
use parcheck::model::Status;
use parcheck::pipeline;
use parcheck::sniff;

mod common;

/// (format, file name, bytes) of every bench document.
fn documents() -> Vec<(String, String, Vec<u8>)> {
    common::bench_files()
        .into_iter()
        .map(|(name, bytes)| (sniff::sniff(&bytes).name().to_owned(), name, bytes))
        .collect()
}

fn bench_extract(c: &mut Criterion) {
    let options = Options::default();
    let documents = documents();
    let mut formats: Vec<&str> = documents.iter().map(|(format, _, _)| format.as_str()).collect();
    formats.sort();
    formats.dedup();
    for format in formats {
        let mut group = c.benchmark_group(format);
        group.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
        for (_, name, bytes) in documents.iter().filter(|(f, _, _)| f == format) {
            let sniffed = sniff::sniff(bytes);
            // A document that does not go through cleanly would time an error path.
            let report = pipeline::check_bytes(name, bytes, &options);
            if report.status != Status::Ok {
                eprintln!("note: {name} has status {:?}; its time is that of that path", report.status);
            }
            group.bench_with_input(BenchmarkId::new("pipeline", name), bytes, |b, bytes| {
                b.iter(|| pipeline::check_bytes(name, bytes, &options))
            });
            group.bench_with_input(BenchmarkId::new("extract", name), bytes, |b, bytes| {
                b.iter(|| pipeline::read_document(sniffed, bytes, &options))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_extract);
criterion_main!(benches);
