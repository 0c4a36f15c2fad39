//! Any bytes through the calamine spreadsheet extractor. Bytes that sniff as
//! .xlsx/.xls/.ods are read as that format; anything else is tried as each
//! of the three, so mutated seeds that lose their signature still reach it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcheck::extract::sheets;
use parcheck::sniff::{self, Format};

mod common;

fuzz_target!(|data: &[u8]| {
    let options = common::options();
    let formats: &[Format] = match sniff::sniff(data) {
        Format::Xlsx => &[Format::Xlsx],
        Format::Xls => &[Format::Xls],
        Format::Ods => &[Format::Ods],
        _ => &[Format::Xlsx, Format::Xls, Format::Ods],
    };
    for &format in formats {
        let mut budget = common::budget(&options);
        common::finish(sheets::extract(format, data, &mut budget), format.name(), &options);
    }
});
