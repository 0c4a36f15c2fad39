//! Any bytes through `pipeline::check_bytes`: sniffing, whichever extractor
//! the bytes select (PDF included), and every later stage. The pipeline
//! contains panics with `catch_unwind`, but libfuzzer-sys's panic hook aborts
//! first, so a contained panic is still reported here as a crash; the report
//! must also serialize.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcheck::pipeline;

mod common;

fuzz_target!(|data: &[u8]| {
    let options = common::options();
    let report = pipeline::check_bytes("fuzz", data, &options);
    let _ = serde_json::to_string(&report);
});
