//! Inputs the fuzzers found (`fuzz/regressions/`), replayed through the whole
//! pipeline: each gets a report with a status, and none of them may reach a
//! panic in parcheck's own code (panics inside a dependency are contained and
//! reported as a damaged file, which is what the two calamine ones do).

use std::path::Path;

use parcheck::config::Options;
use parcheck::model::Status;
use parcheck::pipeline::check_bytes;

fn replay(name: &str) -> parcheck::report::DocumentReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(name);
    let bytes = std::fs::read(&path).expect("regression input is committed");
    check_bytes(name, &bytes, &Options::default())
}

#[test]
fn a_continuation_table_shorter_than_the_header_table_is_read() {
    let report = replay("html-header-first-row-out-of-bounds.html");
    let message = report.error.clone().unwrap_or_default();
    assert!(!message.contains("lỗi nội bộ"), "internal error: {message}");
}

#[test]
fn damaged_compound_files_are_reported_not_crashed() {
    for name in ["sheet-calamine-cfb-to_u32-assert.xls", "sheet-calamine-cfb-sector-slice.ole"] {
        let report = replay(name);
        assert!(matches!(report.status, Status::Error | Status::Unsupported), "{name}: {:?}", report.status);
        assert!(report.error.as_deref().is_some_and(|m| !m.is_empty()), "{name} has a message");
    }
}
