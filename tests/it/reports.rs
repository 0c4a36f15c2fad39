//! The human reports of a real run: the workbook reopened with calamine and the
//! HTML page parsed, both checked against the NDJSON of the same run.

use crate::support;

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

use support::{mixed_folder, path_str, run, stdout_objects};

fn findings_of(objects: &[Value]) -> Vec<&Value> {
    objects.iter().flat_map(|o| o["findings"].as_array().into_iter().flatten()).collect()
}

fn column(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|h| matches!(h, Data::String(s) if s == name))
        .unwrap_or_else(|| panic!("no column {name}: {header:?}"))
}

#[test]
fn xlsx_and_html_match_the_ndjson() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    let expected = mixed_folder(&input);
    let (xlsx, html) = (dir.path().join("bao-cao.xlsx"), dir.path().join("bao-cao.html"));
    let output = run(&["check", "--quiet", "--xlsx", &path_str(&xlsx), "--html", &path_str(&html), &path_str(&input)]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let objects = stdout_objects(&output);
    let all_findings = findings_of(&objects);

    let mut workbook: Xlsx<_> = open_workbook(&xlsx).expect("open xlsx");
    let documents = workbook.worksheet_range("Tài liệu").expect("sheet Tài liệu");
    let rows: Vec<&[Data]> = documents.rows().collect();
    let header = rows[0];
    for name in [
        "STT",
        "Đơn vị",
        "Cấp",
        "Năm",
        "Bộ tiêu chí",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Điểm bị mất",
        "Tổng điểm của bảng",
        "Tổng điểm báo cáo ghi",
        "Tổng điểm tính lại",
        "Xếp loại (báo cáo ghi)",
        "Xếp loại (tính lại)",
        "Thứ hạng",
        "Số lỗi",
        "Số cảnh báo",
        "Tệp",
    ] {
        column(header, name);
    }
    assert_eq!(rows.len(), expected.len() + 1);
    let (file, errors_col, unit_col, self_col) =
        (column(header, "Tệp"), column(header, "Số lỗi"), column(header, "Đơn vị"), column(header, "Điểm tự đánh giá"));
    for (k, (row, object)) in rows[1..].iter().zip(&objects).enumerate() {
        assert_eq!(row[0], Data::Float(k as f64 + 1.0), "STT");
        assert_eq!(row[file].to_string(), object["source"]["path"].as_str().expect("path"));
        assert_eq!(row[unit_col].to_string(), object["unit"].as_str().unwrap_or(""));
        assert_eq!(row[errors_col], Data::Float(object["summary"]["errors"].as_f64().expect("summary")));
        let own_total = object["totals"]["table"]["self_score"]
            .as_f64()
            .or(object["totals"]["recalculated"]["self_score"].as_f64());
        match own_total {
            Some(total) => assert_eq!(row[self_col], Data::Float(total), "{}", row[file]),
            None => assert_eq!(row[self_col], Data::Empty),
        }
    }
    let finding_rows = workbook.worksheet_range("Phát hiện").expect("sheet Phát hiện");
    assert_eq!(finding_rows.height(), all_findings.len() + 1);
    let fheader: Vec<Data> = finding_rows.rows().next().expect("header").to_vec();
    for name in [
        "Đơn vị",
        "Năm",
        "Mã tiêu chí",
        "Loại",
        "Cột",
        "Giá trị ghi",
        "Giá trị tính lại / đúng",
        "Bảng",
        "Dòng",
        "Trang",
        "Tệp",
        "Đi tới (Name Box của Excel, số trang PDF)",
    ] {
        column(&fheader, name);
    }
    let (kind, row_col, code) = (column(&fheader, "Loại"), column(&fheader, "Dòng"), column(&fheader, "Mã tiêu chí"));
    for (row, finding) in finding_rows.rows().skip(1).zip(&all_findings) {
        assert!(!row[kind].to_string().contains('_'), "kind in Vietnamese: {}", row[kind]);
        if let Some(r) = finding["location"]["row"].as_f64() {
            assert_eq!(row[row_col], Data::Float(r));
        }
        if finding["code"] == "TOTAL" {
            assert_eq!(row[code].to_string(), "Tổng điểm");
        }
    }

    let page = std::fs::read_to_string(&html).expect("read html");
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains(" src="), "self-contained");
    // Document text is escaped in the list and cannot close the data script.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;.docx"));
    assert_eq!(page.matches("<script").count(), 4, "only the data (documents, titles, labels) and the page's script");
    assert!(page.contains("\\u003cscript\\u003ealert(1)"));
    assert_eq!(page.matches("<tr class=\"cat-").count(), expected.len());
    assert!(!dir.path().join("bao-cao.html.part").exists(), "the spool file is removed");
    // The embedded data parse and hold every document with its grouped findings.
    let start = page.find("id=\"docs\">").expect("data") + "id=\"docs\">".len();
    let end = start + page[start..].find("</script>").expect("end of data");
    let data: Vec<Value> = serde_json::from_str(&page[start..end]).expect("embedded JSON");
    assert_eq!(data.len(), expected.len());
    for (d, object) in data.iter().zip(&objects) {
        assert_eq!(d["p"], object["source"]["path"]);
        assert!(d["f"].as_array().expect("findings").len() <= object["findings"].as_array().map_or(0, Vec::len));
    }
    // Documents with error findings come first, most errors first.
    let errors: Vec<u64> = page
        .split("<tr class=\"cat-")
        .skip(1)
        .map(|row| {
            let cell = row.split("data-errors=\"").nth(1).expect("errors attribute");
            cell.split('"').next().expect("value").parse().expect("number")
        })
        .collect();
    let with_errors = errors.iter().take_while(|&&n| n > 0).count();
    assert!(with_errors > 0 && errors[..with_errors].windows(2).all(|w| w[0] >= w[1]), "{errors:?}");
}

/// The summary of the sample reports as LibreOffice and Excel read it: one
/// numeric column per field under the framework's name (the sociological
/// survey included), the cover letter's total beside the table's, absolute
/// `file:///` links, and a typeable place for every finding.
#[test]
fn xlsx_summary_has_fields_totals_links_and_places() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/samples");
    let xlsx = dir.path().join("tong-hop.xlsx");
    let output = run(&["check", "--quiet", "--xlsx", &path_str(&xlsx), &path_str(&input)]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let objects = stdout_objects(&output);
    let mut workbook: Xlsx<_> = open_workbook(&xlsx).expect("open xlsx");
    let documents = workbook.worksheet_range("Tài liệu").expect("sheet Tài liệu");
    let rows: Vec<&[Data]> = documents.rows().collect();
    let header = rows[0];
    let (table, stated, recalculated) = (
        column(header, "Tổng điểm của bảng"),
        column(header, "Tổng điểm báo cáo ghi"),
        column(header, "Tổng điểm tính lại"),
    );
    assert_eq!((stated, recalculated), (table + 1, table + 2), "side by side");
    let survey = column(header, "ĐIỀU TRA XÃ HỘI HỌC");
    let first_field = column(header, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC");
    let mut differing = 0;
    for (row, object) in rows[1..].iter().zip(&objects) {
        let number = |v: &Value| v.as_f64().map_or(Data::Empty, Data::Float);
        assert_eq!(row[stated], number(&object["totals"]["stated"]["self_score"]), "{}", object["source"]["path"]);
        assert_eq!(row[table], number(&object["totals"]["table"]["self_score"]));
        differing += usize::from(row[stated] != Data::Empty && row[stated] != row[recalculated]);
        let criteria = object["criteria"].as_array().expect("criteria");
        let survey_points = criteria.iter().find(|c| c["code"] == "II" || c["code"] == "VIII");
        if let Some(c) = survey_points.filter(|c| c["self_score"].is_number()) {
            assert_eq!(row[survey], number(&c["self_score"]), "{}", object["source"]["path"]);
        }
        if let Some(c) = criteria.iter().find(|c| c["code"] == "1").filter(|c| c["self_score"].is_number()) {
            assert_eq!(row[first_field], number(&c["self_score"]), "numbers typed as numbers");
        }
    }
    assert!(differing > 0, "a wrong cover-letter total is in the summary");
    assert!(rows[1..].iter().any(|r| matches!(r[survey], Data::Float(_))), "the survey field has points");

    // Every link is absolute: LibreOffice resolves a relative one against the workbook's folder.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&xlsx).expect("xlsx")).expect("zip");
    let mut rels = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("xl/worksheets/_rels/sheet1.xml.rels").expect("rels"),
        &mut rels,
    )
    .expect("read rels");
    let targets: Vec<&str> = rels.split("Target=\"").skip(1).filter_map(|t| t.split('"').next()).collect();
    assert_eq!(targets.len(), objects.len());
    for target in targets {
        assert!(target.starts_with('/') && std::path::Path::new(target).is_file(), "link to {target}");
    }

    // Where to go: a sheet's row for the Name Box, a page number, or the sentence's page.
    let findings = workbook.worksheet_range("Phát hiện").expect("sheet Phát hiện");
    let place = column(findings.rows().next().expect("header"), "Đi tới (Name Box của Excel, số trang PDF)");
    let all: Vec<&Value> = findings_of(&objects);
    let (mut sheets, mut sentences) = (0, 0);
    for (row, f) in findings.rows().skip(1).zip(&all) {
        let expected = if let Some(page) = f["sentence"]["page"].as_f64() {
            sentences += 1;
            Data::Float(page)
        } else if let Some(sheet) = f["location"]["sheet"].as_str() {
            sheets += 1;
            let n = f["location"]["row"].as_u64().expect("row");
            Data::String(format!("'{sheet}'!{n}:{n}"))
        } else if let Some(page) = f["location"]["page"].as_f64() {
            Data::Float(page)
        } else {
            continue;
        };
        assert_eq!(row[place], expected, "{f}");
    }
    assert!(sheets > 0 && sentences > 0, "{sheets} sheet rows, {sentences} sentences");
}

#[test]
fn ndjson_has_summary_and_report_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    mixed_folder(&input);
    let output = run(&["check", "--quiet", &path_str(&input)]);
    let objects = stdout_objects(&output);
    for object in &objects {
        let findings = object["findings"].as_array().expect("findings");
        for (key, severity) in [("errors", "error"), ("warnings", "warning"), ("infos", "info")] {
            let n = findings.iter().filter(|f| f["severity"] == severity).count();
            assert_eq!(object["summary"][key], n, "{key} of {}", object["source"]["path"]);
        }
    }
    // The copies of one report (.docx with and without extension) share a key.
    let keys: Vec<&str> = objects
        .iter()
        .filter(|o| o["unit"] == "UBND xã Hà Lĩnh" && o["year"] == 2021)
        .map(|o| o["report_key"].as_str().expect("report_key"))
        .collect();
    assert!(keys.len() >= 2, "{keys:?}");
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    assert!(keys[0].starts_with("ubnd-xa-ha-linh|"), "{}", keys[0]);
}
