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
//! `xlsx_large/extract/10000_rows` times the extraction of a generated sheet of
//! 10,000 criterion rows (parents as SUM formulas, each recomputed and checked
//! against the 0 that rust_xlsxwriter caches).
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

/// The allocator the `parcheck` binary runs with, so the figures are the program's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// A 10,000-row scoring sheet: every tenth row a parent whose scores are
/// SUM formulas over the nine rows below it.
fn large_sheet() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let header = ["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"];
    for (col, text) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, *text).expect("header");
    }
    for row in 1..=10_000u32 {
        let (parent, child) = ((row - 1) / 10 + 1, (row - 1) % 10);
        if child == 0 {
            sheet.write_string(row, 0, parent.to_string()).expect("code");
            sheet.write_string(row, 1, format!("Lĩnh vực {parent}")).expect("title");
            for col in [2u16, 3] {
                let letter = if col == 2 { 'C' } else { 'D' };
                let formula = format!("=SUM({letter}{}:{letter}{})", row + 2, row + 10);
                sheet.write_formula(row, col, formula.as_str()).expect("formula");
            }
        } else {
            sheet.write_string(row, 0, format!("{parent}.{child}")).expect("code");
            sheet.write_string(row, 1, format!("Tiêu chí {parent}.{child}")).expect("title");
            sheet.write_number(row, 2, 1.0).expect("max");
            sheet.write_number(row, 3, 0.75).expect("self");
        }
    }
    workbook.save_to_buffer().expect("xlsx")
}

fn bench_large_sheet(c: &mut Criterion) {
    let options = Options::default();
    let bytes = large_sheet();
    let mut group = c.benchmark_group("xlsx_large");
    group.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    group.bench_with_input(BenchmarkId::new("extract", "10000_rows"), &bytes, |b, bytes| {
        b.iter(|| pipeline::read_document(sniff::Format::Xlsx, bytes, &options))
    });
    group.finish();
}

criterion_group!(benches, bench_extract, bench_large_sheet);
criterion_main!(benches);
