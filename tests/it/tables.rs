//! `parcheck tables` on a .docx, an .xlsx and a PDF of the bundled samples: the
//! rows it shows as the scoring table are the criteria `parcheck check` reports,
//! with the header roles found, in text, CSV and JSON.

use crate::support;

use serde_json::Value;

use support::{run, stdout_objects};

const SAMPLES: [&str; 3] =
    ["fixtures/samples/sample_A00.docx", "fixtures/samples/sample_PA01.xlsx", "fixtures/samples/sample_B00.pdf"];

#[test]
fn json_view_matches_the_checked_criteria() {
    for file in SAMPLES {
        let view = run(&["tables", "--format", "json", file]);
        assert_eq!(view.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&view.stderr));
        let views = stdout_objects(&view);
        assert_eq!(views.len(), 1);
        let view = &views[0];
        assert!(view["error"].is_null(), "{file}: {}", view["error"]);
        let tables = view["tables"].as_array().expect("tables");
        let roles: Vec<&Value> = tables.iter().flat_map(|t| t["headers"].as_array().into_iter().flatten()).collect();
        assert!(
            roles.iter().any(|h| {
                let roles = h["roles"].as_array().expect("roles");
                ["code", "title", "max_points", "self_score"].iter().all(|r| roles.iter().any(|x| x == r))
            }),
            "{file}: header roles {roles:?}"
        );
        let shown: Vec<String> = tables
            .iter()
            .flat_map(|t| t["rows"].as_array().into_iter().flatten())
            .filter(|r| r["in_scoring_table"] == true && r["kind"] != "unnumbered")
            .map(|r| r["code"].as_str().expect("code").to_owned())
            .collect();
        let checked = stdout_objects(&run(&["check", "--quiet", file]));
        let codes: Vec<String> = checked[0]["criteria"]
            .as_array()
            .expect("criteria")
            .iter()
            .map(|c| c["code"].as_str().expect("code").to_owned())
            .collect();
        assert_eq!(shown, codes, "{file}");
        let cells = tables
            .iter()
            .flat_map(|t| t["rows"].as_array().into_iter().flatten())
            .flat_map(|r| r["cells"].as_array().into_iter().flatten());
        assert!(cells.filter(|c| c.as_str().is_some_and(|s| !s.is_empty())).count() > codes.len() * 2, "{file}: cells");
    }
}

#[test]
fn text_and_csv_views() {
    let text = run(&["tables", SAMPLES[0]]);
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("— bảng điểm"), "{text}");
    assert!(text.contains("tiêu đề dòng") && text.contains("Điểm tự đánh giá"), "{text}");
    assert!(text.lines().any(|l| l.starts_with('*') && l.contains("tiêu chí 1.1 ")), "{text}");
    assert!(text.contains("dòng tổng Tổng điểm"), "{text}");
    assert!(!text.contains("self_score") && !text.contains("TOTAL"), "no raw codes in the text view");

    let csv = run(&["tables", "--format", "csv", SAMPLES[1]]);
    assert_eq!(csv.status.code(), Some(0));
    let csv = String::from_utf8_lossy(&csv.stdout);
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .expect("header")
        .starts_with("tệp,bảng,trang tính,dòng,trang,loại dòng,mã,thuộc bảng điểm,cột 1"));
    assert!(lines.clone().any(|l| l.contains(",tiêu chí,1.1,có,")), "{csv}");
    assert!(lines.any(|l| l.contains(",vai trò cột,")), "{csv}");

    let missing = run(&["tables", "/nonexistent/bao-cao.docx"]);
    assert_eq!(missing.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("không đọc được"));
}

#[test]
fn read_errors_name_the_cause_in_vietnamese_with_the_system_text_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("bao-cao.docx");
    let folder = dir.path().join("thu-muc.docx");
    std::fs::create_dir(&folder).expect("mkdir");
    let truncated = dir.path().join("cut.docx");
    std::fs::write(&truncated, &support::scoring_docx("UBND xã B", 0)[..300]).expect("write");
    let paths = [missing, folder, truncated].map(|p| support::path_str(&p));

    let views = stdout_objects(&run(&["tables", "--format", "json", &paths[0], &paths[1], &paths[2]]));
    let errors: Vec<&str> = views.iter().map(|v| v["error"].as_str().expect("error")).collect();
    assert_eq!(errors[0], "không đọc được tệp: không tồn tại; hãy kiểm tra lại đường dẫn");
    assert_eq!(errors[1], "không đọc được tệp: là thư mục, không phải tệp; hãy chọn các tệp trong thư mục đó");
    assert!(errors[2].starts_with("tệp nén (zip)"), "{}", errors[2]);
    for (view, error) in views.iter().zip(&errors) {
        assert!(!error.contains("os error"), "{error}");
        assert!(view["error_detail"].as_str().is_some_and(|d| !d.is_empty()), "{view}");
    }
    assert!(views[0]["error_detail"].as_str().unwrap().contains("No such file"), "{}", views[0]);

    let text = String::from_utf8_lossy(&run(&["tables", &paths[0]]).stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[1], "  lỗi: không đọc được tệp: không tồn tại; hãy kiểm tra lại đường dẫn", "{text}");
    assert!(lines[2].starts_with("  chi tiết kỹ thuật: No such file"), "{text}");
}

#[test]
fn one_criterion_is_shown_with_where_each_value_was_read() {
    let view = run(&["tables", "--code", "2.1", "fixtures/docs/merged_sections.xlsx"]);
    assert_eq!(view.status.code(), Some(0), "{}", String::from_utf8_lossy(&view.stderr));
    let text = String::from_utf8_lossy(&view.stdout);
    // The score is on the option row under the criterion: that row's cell.
    assert!(text.contains("vị trí điểm tự đánh giá: bảng 1, dòng 10, cột 4 · ô Bảng điểm!D10"), "{text}");
    assert!(text.contains("vị trí mã: bảng 1, dòng 9, cột 1 · ô Bảng điểm!A9:A10"), "{text}");
    let views =
        stdout_objects(&run(&["tables", "--format", "json", "--code", "2.1", "fixtures/docs/merged_sections.xlsx"]));
    let rows: Vec<(u64, &str)> = views[0]["tables"][0]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["row"].as_u64().expect("row"), r["kind"].as_str().expect("kind")))
        .collect();
    assert_eq!(rows, [(9, "criterion"), (10, "unnumbered")]);
    let missing =
        stdout_objects(&run(&["tables", "--format", "json", "--code", "9.9", "fixtures/docs/merged_sections.docx"]));
    assert_eq!(missing[0]["error"], "bảng điểm không có tiêu chí 9.9");
}

/// `--pages DIR` draws each page of a PDF the table was read from: one SVG per
/// page holding the box of every cell read, labelled with its value, and the
/// cells of the sample's findings (1.1.3 above its maximum) in red.
#[test]
fn pages_of_a_pdf_are_drawn_to_a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("trang");
    let path = out.to_string_lossy().into_owned();
    let written = run(&["tables", "fixtures/samples/sample_PA02.pdf", "--pages", &path]);
    assert_eq!(written.status.code(), Some(0), "{}", String::from_utf8_lossy(&written.stderr));
    let files: Vec<String> = String::from_utf8_lossy(&written.stdout).lines().map(str::to_owned).collect();
    assert!(files.len() > 5 && files.iter().all(|f| f.ends_with(".svg")), "{files:?}");
    let page = std::fs::read_to_string(out.join("trang-2.svg")).expect("page 2 drawn");
    assert!(page.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(page.contains(">1.1.3</text>") && page.contains("font-weight=\"bold\">2</text>"), "{page}");
    assert!(page.contains("stroke=\"#c22\""), "the finding's cells are red");
    // A Word document has no pages to draw, and --pages takes one file.
    let word = run(&["tables", SAMPLES[0], "--pages", &path]);
    assert_ne!(word.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&word.stderr).contains("--pages chỉ dùng cho PDF và ảnh quét"));
    let two = run(&["tables", SAMPLES[0], SAMPLES[2], "--pages", &path]);
    assert!(String::from_utf8_lossy(&two.stderr).contains("--pages chỉ dùng với một tệp"));
}
