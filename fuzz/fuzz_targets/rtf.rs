//! Any bytes through the RTF extractor (tokenizer, group stack, code pages,
//! `\cellx` grids, nested rows), then text normalization and the later stages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcheck::extract::word::rtf;

mod common;

fuzz_target!(|data: &[u8]| {
    let options = common::options();
    let mut budget = common::budget(&options);
    common::finish(rtf::extract(data, &mut budget), "rtf", &options);
});
