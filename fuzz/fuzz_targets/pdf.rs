//! Any bytes through the PDF extractor (object parsing, content streams,
//! fonts and CMaps, lattice and stream tables), then text normalization and
//! the table/tree/check stages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcheck::extract::paged::pdf;

mod common;

fuzz_target!(|data: &[u8]| {
    let options = common::options();
    let mut budget = common::budget(&options);
    common::finish(pdf::extract(data, &mut budget), "pdf", &options);
});
