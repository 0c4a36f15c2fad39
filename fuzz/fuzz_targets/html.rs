//! Any bytes through the HTML extractor (web-portal pages saved as .doc/.xls),
//! then text normalization and the table/tree/check stages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcheck::extract::word::html;

mod common;

fuzz_target!(|data: &[u8]| {
    let options = common::options();
    let mut budget = common::budget(&options);
    common::finish(html::extract(data, &mut budget), "html", &options);
});
