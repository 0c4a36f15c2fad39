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
//!
//! `pdf/long/1`, `pdf/long/10` and `pdf/long/75` read a generated report (a
//! ruled scoring table continued over 1, 10 or 75 pages; the same report as
//! `benches/long_report.py` writes); their per-page times should be about
//! equal: the cost of a page must not grow with the page count.
//!
//! `pdf/narrative/check/75` checks a generated 75-page narrative report (no
//! scoring table; 40 lines a page, a third of them counts with their parts
//! and percentages) through the whole pipeline, and
//! `pdf/narrative/statistics/75` only reads and checks its statistics (the
//! part of the first that `crate::statistics` adds; it must stay under a
//! fifth of it).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use parcheck::config::Options;
use parcheck::pipeline;
use parcheck::sniff::Format;

mod common;

/// The allocator the `parcheck` binary runs with, so the figures are the program's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// A report whose ruled table runs over `pages` pages, 25 criteria a page,
/// the header repeated on each page.
fn long_report(pages: usize) -> Vec<u8> {
    let columns = [40.0f32, 90.0, 380.0, 450.0, 520.0];
    let contents = (0..pages).map(|page| {
        let mut content = String::from("0.5 w\n");
        let mut rows = vec![["TT".to_string(), "Tieu chi".into(), "Diem chuan".into(), "Tu danh gia".into()]];
        for r in 0..25 {
            let code = format!("{}.{}", page + 1, r + 1);
            rows.push([code, format!("Tieu chi thanh phan so {r} cua trang {page}"), "1".into(), "0,5".into()]);
        }
        for (i, row) in rows.iter().enumerate() {
            let y = 800.0 - 28.0 * i as f32;
            content += &format!("{} {y} m {} {y} l S\n", columns[0], columns[4]);
            for (c, cell) in row.iter().enumerate() {
                content += &format!("BT /F1 9 Tf {} {} Td ({cell}) Tj ET\n", columns[c] + 3.0, y - 18.0);
            }
        }
        let bottom = 800.0 - 28.0 * rows.len() as f32;
        content += &format!("{} {bottom} m {} {bottom} l S\n", columns[0], columns[4]);
        for x in columns {
            content += &format!("{x} 800 m {x} {bottom} l S\n");
        }
        content
    });
    pdf(contents.collect())
}

/// A narrative report of `pages` pages: 40 lines a page of prose, list items
/// with counts, parts and percentages, and document numbers and dates.
fn narrative_report(pages: usize) -> Vec<u8> {
    let lines = [
        "- Tong so van ban den: 1.386 van ban, trong do: van ban dien tu 1.307 van ban (94,3%), van ban giay 79 van ban.",
        "Thuc hien Ke hoach so 52/KH-UBND ngay 28/12/2023 cua UBND xa ve cai cach hanh chinh nam 2024;",
        "+ So ho so giai quyet truoc han: 682 ho so",
        "+ So ho so giai quyet dung han: 159 ho so",
        "Trong ky, UBND xa to chuc 05 cuoc kiem tra, trong do 02 cuoc kiem tra dinh ky va 03 cuoc kiem tra dot xuat.",
        "tiep tuc ra soat, don gian hoa thu tuc hanh chinh theo Nghi dinh 61/2018/ND-CP ngay 23/4/2018 cua Chinh phu",
        "- Trinh do chuyen mon: dai hoc 11 nguoi = 69%; cao dang 03 nguoi = 18,8%; trung cap 02 nguoi = 12,5%.",
        "nang cao chat luong phuc vu nguoi dan, to chuc; thuc hien tot quy che dan chu o co so.",
    ];
    let contents = (0..pages).map(|page| {
        let mut content = String::new();
        for i in 0..40 {
            let y = 800.0 - 19.0 * i as f32;
            let text = lines[(page + i) % lines.len()];
            content += &format!("BT /F1 10 Tf 40 {y} Td ({text}) Tj ET\n");
        }
        content
    });
    pdf(contents.collect())
}

/// A PDF of A4 pages with the given content streams, in Helvetica.
fn pdf(contents: Vec<String>) -> Vec<u8> {
    use lopdf::{dictionary, Object, Stream};
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let mut kids = Vec::new();
    for content in contents {
        let stream = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => stream,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    let media: Vec<Object> = vec![0.into(), 0.into(), 595.into(), 842.into()];
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count, "MediaBox" => media }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("in-memory PDF");
    out
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
    for pages in [1u64, 10, 75] {
        let bytes = long_report(pages as usize);
        assert!(pipeline::read_document(Format::Pdf, &bytes, &options).is_ok(), "long report does not read");
        group.throughput(Throughput::Elements(pages));
        group.bench_with_input(BenchmarkId::new("long", pages), &bytes, |b, bytes| {
            b.iter(|| pipeline::read_document(Format::Pdf, bytes, &options))
        });
    }
    let narrative = narrative_report(75);
    let document = pipeline::read_document(Format::Pdf, &narrative, &options).expect("narrative report reads");
    group.throughput(Throughput::Elements(75));
    group.bench_with_input(BenchmarkId::new("narrative/check", 75), &narrative, |b, bytes| {
        b.iter(|| pipeline::check_bytes("narrative.pdf", bytes, &options))
    });
    group.bench_with_input(BenchmarkId::new("narrative/statistics", 75), &document, |b, document| {
        b.iter(|| {
            let statistics = parcheck::statistics::read(document, &[]);
            parcheck::checks::check_statistics(&statistics).len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
