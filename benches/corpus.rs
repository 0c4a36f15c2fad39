//! Whole-corpus throughput: N documents built by copying `fixtures/docs`
//! round-robin into a temporary folder, checked with 1 and 2 threads.
//! Criterion reports documents per second as element throughput.
//!
//!     cargo bench --bench corpus                         # N = 60
//!     PARCHECK_BENCH_DOCS=1000 cargo bench --bench corpus

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parcheck::batch::{self, Input, Progress, Settings};
use parcheck::config::Options;

/// The allocator the `parcheck` binary runs with, so the figures are the program's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus(dir: &std::path::Path, n: usize) -> Vec<Input> {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    sources.sort();
    assert!(!sources.is_empty(), "no documents in {}; generate the fixtures first", fixtures.display());
    let mut inputs: Vec<Input> = (0..n)
        .map(|i| {
            let source = &sources[i % sources.len()];
            let name = source.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let copy = dir.join(format!("{i:06}-{name}"));
            std::fs::copy(source, &copy).expect("copy fixture");
            Input::new(copy)
        })
        .collect();
    inputs.sort_by(|a, b| a.display.cmp(&b.display));
    inputs
}

fn bench_corpus(c: &mut Criterion) {
    let n = std::env::var("PARCHECK_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = corpus(dir.path(), n);
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10).throughput(Throughput::Elements(n as u64));
    for jobs in [1, 2] {
        let settings = Settings { options: Options::default(), jobs, only_changed: false, isolation: None };
        group.bench_function(format!("{n} documents, {jobs} threads"), |b| {
            b.iter(|| {
                let mut progress = Progress::new(inputs.len(), true);
                batch::run(&inputs, &settings, None, &mut std::io::sink(), None, &mut progress).expect("batch")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_corpus);
criterion_main!(benches);
