//! Any bytes through the .docx extractor (zip guard, quick-xml walk, merges),
//! then text normalization and the table/tree/check stages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcheck::extract::word::docx;

mod common;

fuzz_target!(|data: &[u8]| {
    let options = common::options();
    let mut budget = common::budget(&options);
    common::finish(docx::extract(data, &mut budget), "docx", &options);
});
