//! Per-page time of reading a PDF (`pipeline::read_document`: content
//! streams, fonts, tables, normalization) over the bundled sample PDFs in
//! `fixtures/samples/`, or every PDF in the folder named by `PARCHECK_BENCH_DIR`:
//!
//!     cargo bench --bench pdf
//!     PARCHECK_BENCH_DIR=../shared/samples/docs cargo bench --bench pdf
//!
//! `pdf/all` reads every file once per iteration; its throughput is in pages,
//! so criterion prints pages per second, and its median divided by the page
//! count (printed first) is the per-page time `benches/compare_pdf.sh` reports.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use parcheck::config::Options;
use parcheck::pipeline;
use parcheck::sniff::Format;

mod common;

/// (file name, bytes, pages) of every PDF among the bench documents.
fn pdfs() -> Vec<(String, Vec<u8>, u64)> {
    common::bench_files()
        .into_iter()
        .filter(|(_, bytes)| parcheck::sniff::sniff(bytes) == Format::Pdf)
        .map(|(name, bytes)| {
            let pages = lopdf::Document::load_mem(&bytes).map_or(0, |d| d.get_pages().len() as u64);
            (name, bytes, pages)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let files = pdfs();
    let pages: u64 = files.iter().map(|(_, _, p)| p).sum();
    eprintln!("pdf bench: {} files, {pages} pages", files.len());
    let options = Options::default();
    for (name, bytes, _) in &files {
        assert!(pipeline::read_document(Format::Pdf, bytes, &options).is_ok(), "{name} does not read");
    }
    let mut group = c.benchmark_group("pdf");
    group.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for (name, bytes, count) in &files {
        group.throughput(Throughput::Elements(*count));
        group.bench_with_input(BenchmarkId::new("file", name), bytes, |b, bytes| {
            b.iter(|| pipeline::read_document(Format::Pdf, bytes, &options))
        });
    }
    group.throughput(Throughput::Elements(pages));
    group.bench_function("all", |b| {
        b.iter(|| {
            files.iter().filter(|(_, bytes, _)| pipeline::read_document(Format::Pdf, bytes, &options).is_ok()).count()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
