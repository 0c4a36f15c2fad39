//! parcheck's integration tests, one module per concern, built as one test binary
//! so the library and its dependencies are linked once (`cargo test --release --test it`,
//! `cargo test --release --test it ocr::` for one module).

mod support;

mod architecture;
mod batch;
mod browser;
mod cell_locations;
mod cli;
mod fixtures;
mod fuzz_regressions;
mod long_tail;
mod ocr;
mod ocr_codecs;
mod ocr_photo;
mod office_formats;
mod pdf_fixtures;
mod pdf_samples;
mod reports;
mod rubric_samples;
mod samples;
mod sheets;
mod state;
mod statistics;
mod tables;
mod word_fixtures;
mod xlsx_reader;
