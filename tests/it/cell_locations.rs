//! `criteria[].cells` through the binary on the bundled fixtures: each value
//! points at the cell Excel or Word shows it in (a merged cell as its range,
//! a score taken from an option row at that row).

use crate::support;

use std::path::Path;

use serde_json::{json, Value};
use support::{assert_schema, criterion, run, stdout_objects};

fn check(fixture: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs").join(fixture);
    let objects = stdout_objects(&run(&["check", &path.to_string_lossy()]));
    assert_schema(&objects);
    objects.into_iter().next().expect("one document")
}

#[test]
fn spreadsheet_values_name_their_sheet_cell_and_merged_range() {
    let object = check("merged_sections.xlsx");
    let cells = &criterion(&object, "1")["cells"];
    assert_eq!(cells["self_score"], json!({"table": 1, "row": 5, "column": 4, "page": null, "cell": "Bảng điểm!D5"}));
    assert_eq!(cells["max_points"]["cell"], "Bảng điểm!C5");
    assert_eq!(cells["evidence"]["cell"], "Bảng điểm!E5");
    // A code merged over two rows is its range; the score on the option row below is that row's cell.
    let cells = &criterion(&object, "2.1")["cells"];
    assert_eq!(cells["code"]["cell"], "Bảng điểm!A9:A10");
    assert_eq!(cells["self_score"]["cell"], "Bảng điểm!D10");
    // A section title merged over the evidence column is not evidence; empty values have no cell.
    let cells = &criterion(&object, "I")["cells"];
    assert_eq!(cells["title"]["cell"], "Bảng điểm!B4:E4");
    assert!(cells.get("evidence").is_none() && cells.get("max_points").is_none(), "{cells}");
}

#[test]
fn word_values_name_their_table_row_and_column_as_word_counts_them() {
    let object = check("merged_sections.docx");
    let cells = &criterion(&object, "1")["cells"];
    assert_eq!(cells["code"], json!({"table": 2, "row": 3, "column": 1, "page": null}));
    assert_eq!(cells["self_score"], json!({"table": 2, "row": 3, "column": 4, "page": null}));
    assert_eq!(cells["evidence"]["column"], 5);
    assert_eq!(criterion(&object, "2.1")["cells"]["self_score"]["row"], 8);
    assert!(criterion(&object, "I")["cells"].get("evidence").is_none());
}
