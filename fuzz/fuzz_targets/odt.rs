//! Any bytes through the .odt extractor (zip guard, styles, quick-xml walk,
//! spans and covered cells, list counters), then the later stages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcheck::extract::word::odt;

mod common;

fuzz_target!(|data: &[u8]| {
    let options = common::options();
    let mut budget = common::budget(&options);
    common::finish(odt::extract(data, &mut budget), "odt", &options);
});
