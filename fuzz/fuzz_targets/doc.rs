//! Any bytes through the Word 97-2003 .doc extractor (cfb directory and
//! streams, FIB, piece table, FKPs and sprms, styles, fonts, table layout),
//! then text normalization and the table/tree/check stages. The sniffer's
//! OLE2 inspection runs on the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcheck::extract::word::doc;
use parcheck::sniff::{self, Format};

mod common;

fuzz_target!(|data: &[u8]| {
    let _ = sniff::sniff(data);
    let _ = sniff::unsupported_variant(Format::Doc, data);
    let options = common::options();
    let mut budget = common::budget(&options);
    common::finish(doc::extract(data, &mut budget), "doc", &options);
});
