use super::*;

fn read_texts(texts: &[&str]) -> Vec<Statement> {
    let paragraphs: Vec<Paragraph> = texts
        .iter()
        .map(|t| {
            let mut p = Paragraph::new(Vec::new(), None);
            p.text = (*t).to_owned();
            p
        })
        .collect();
    read(&paragraphs)
}

/// (whole, [(part, percent)], exhaustive, sum checked) of each statement.
type Shape = (String, Vec<(String, Option<String>)>, bool, bool);

fn shapes(texts: &[&str]) -> Vec<Shape> {
    read_texts(texts)
        .into_iter()
        .map(|s| {
            let parts = s.parts.iter().map(|p| (p.value.to_string(), p.percent.map(|x| x.value.to_string()))).collect();
            (s.value.to_string(), parts, s.exhaustive, s.sum_checked)
        })
        .collect()
}

fn shape(whole: &str, parts: &[(&str, Option<&str>)], exhaustive: bool, sum: bool) -> Shape {
    let parts = parts.iter().map(|(v, p)| (v.to_string(), p.map(str::to_owned))).collect();
    (whole.to_owned(), parts, exhaustive, sum)
}

#[test]
fn a_whole_with_gom_and_percentages_in_brackets() {
    assert_eq!(
        shapes(&["- Tổng số văn bản đến: 1.386 văn bản, gồm: văn bản điện tử 1.307 văn bản (92,3%), văn bản giấy 79 văn bản (5,7%)."]),
        [shape("1386", &[("1307", Some("92.3")), ("79", Some("5.7"))], true, true)]
    );
    let s = read_texts(&["- Tổng số văn bản đến: 1.386 văn bản, gồm: văn bản điện tử 1.307 văn bản (92,3%)."]);
    assert_eq!((s[0].label.as_str(), s[0].parts[0].label.as_str()), ("Tổng số văn bản đến", "văn bản điện tử"));
}

#[test]
fn a_split_named_in_full_is_exhaustive_and_a_partial_one_is_not() {
    let text = "Đã giải quyết 1.156 hồ sơ, trong đó: trước hạn 847 hồ sơ, đúng hạn 307 hồ sơ, quá hạn 02 hồ sơ; \
                tỷ lệ giải quyết đúng hạn và trước hạn đạt 99,8%.";
    assert_eq!(shapes(&[text]), [shape("1156", &[("847", None), ("307", None), ("2", None)], true, true)]);
    let partial = "Đã giải quyết 1.156 hồ sơ, trong đó: trước hạn 847 hồ sơ, đúng hạn 307 hồ sơ.";
    assert_eq!(shapes(&[partial]), [shape("1156", &[("847", None), ("307", None)], false, true)]);
    let gender = "hiện có mặt 16 người, trong đó: nam 09 người (56,3%), nữ 07 người (43,8%).";
    assert!(shapes(&[gender])[0].2);
}

#[test]
fn parts_on_list_items_with_nested_sub_counts_and_asides() {
    let texts = [
        "- Về cán bộ, công chức: tổng số hiện tại là: 27 người. ( Trong đó: công chức biệt phái là 05 người). Trong đó:",
        "* Cán bộ: 10 người",
        "+ Trình độ chuyên môn: Thạc sĩ: 02 người = 20%; Đại học: 08 người = 80 %;",
        "* Công chức: 17 người",
        "+ Trình độ chuyên môn: Đại học: 17 người = 100%.",
        "Tiếp tục thực hiện Nghị định số 59/2019/NĐ-CP.",
    ];
    assert_eq!(
        shapes(&texts),
        [
            shape("27", &[("10", None), ("17", None)], true, true),
            shape("10", &[("2", Some("20")), ("8", Some("80"))], false, false),
            shape("17", &[("17", Some("100"))], false, false),
        ]
    );
}

#[test]
fn a_percentage_after_a_clause_belongs_to_the_earlier_count_of_its_unit() {
    let text = "Tổng dự toán được giao 6.415,8 triệu đồng; 6 tháng đầu năm đã thực hiện 2.951,3 triệu đồng, đạt 46,0% dự toán.";
    assert_eq!(shapes(&[text]), [shape("6415.8", &[("2951.3", Some("46.0"))], false, false)]);
    // Several candidates: the one the percentage agrees with is taken.
    let text = "Tiếp nhận 200 hồ sơ, giải quyết 100 hồ sơ, trả đúng hạn 90 hồ sơ (90%).";
    assert_eq!(shapes(&[text])[0].0, "100");
}

#[test]
fn parts_after_a_semicolon_are_parts_unless_those_before_it_make_the_whole() {
    let text = "Tổng số hồ sơ: 30 hồ sơ, trong đó: trực tiếp 10 hồ sơ, trực tuyến 20 hồ sơ; quý trước 5 hồ sơ.";
    assert_eq!(shapes(&[text]), [shape("30", &[("10", None), ("20", None)], false, true)]);
    let text = "Tổng số hồ sơ: 30 hồ sơ, trong đó: trực tiếp 12 hồ sơ; trực tuyến 20 hồ sơ.";
    assert_eq!(shapes(&[text]), [shape("30", &[("12", None), ("20", None)], false, true)]);
}

#[test]
fn years_dates_document_numbers_and_codes_make_no_statement() {
    let texts = [
        "Ban hành Kế hoạch số 52/KH-UBND ngày 28/12/2020, trong đó 03 nhiệm vụ năm 2021.",
        "Thực hiện Nghị định 61/2018/NĐ-CP gồm 2018 điều; tiêu chí 1.2.3 gồm 3 nội dung.",
        "Năm 2024, gồm 12 tháng, trong đó 6 tháng đầu năm.",
    ];
    assert_eq!(shapes(&texts), Vec::<Shape>::new());
}

#[test]
fn a_split_in_brackets_right_after_its_whole() {
    let text =
        "- Số hồ sơ đã giải quyết: 1.156 hồ sơ (trong đó: trước hạn 847 hồ sơ, đúng hạn 307 hồ sơ, quá hạn 02 hồ sơ).";
    assert_eq!(shapes(&[text]), [shape("1156", &[("847", None), ("307", None), ("2", None)], true, true)]);
    // A sub-count in brackets, and an aside after the sentence, are no split of their whole.
    let text = "+ Số hồ sơ kỳ trước chuyển qua: 0 hồ sơ (Trong đó số hồ sơ trả qua bưu chính công ích: 67 hồ sơ)";
    assert_eq!(shapes(&[text]), Vec::<Shape>::new());
    let text = "hiện tại là: 27 người. ( Trong đó: công chức biệt phái là 05 người, điều động 02 người).";
    assert_eq!(shapes(&[text]), Vec::<Shape>::new());
}

#[test]
fn an_aside_opened_on_the_line_before_is_no_whole() {
    // A Word paragraph per printed line: the bracket opens on one and closes on the next.
    let found = shapes(&[
        "hiện tại là: 27 người.  ( Trong đó: Công chức được điều động lên huyện là 02",
        "người, công chức biệt phái là 05 người). Trong đó:",
        "* Cán bộ: 10 người",
        "* Công chức: 17 người",
    ]);
    assert!(found.iter().all(|s| s.0 != "5"), "{found:?}");
    // Item letters close no bracket.
    let items = shapes(&["Số hồ sơ tiếp nhận: 45 hồ sơ, gồm a) trực tiếp 20 hồ sơ, b) trực tuyến 27 hồ sơ."]);
    assert_eq!(items, [shape("45", &[("20", None), ("27", None)], true, true)]);
    let closed = shapes(&["(xem mục a) Tổng số hồ sơ: 45 hồ sơ, gồm trực tiếp 20 hồ sơ, trực tuyến 27 hồ sơ."]);
    assert_eq!(closed, [shape("45", &[("20", None), ("27", None)], true, true)]);
}

#[test]
fn a_paragraph_per_printed_line_is_read_as_one_sentence() {
    let found = shapes(&[
        "- Tổng số văn bản đến: 2.620 văn bản, gồm: văn bản điện tử 2.540 văn bản (96,9%), văn bản",
        "giấy 80 văn bản (3,1%).",
        "2. Cải cách thủ tục hành chính",
        "3. Cải cách chế độ công vụ",
    ]);
    assert_eq!(found, [shape("2620", &[("2540", Some("96.9")), ("80", Some("3.1"))], true, true)]);
    let found = shapes(&[
        "- Số dịch vụ công trực tuyến: 156 dịch vụ, trong đó: mức độ 3: 66 dịch vụ (đạt 42%);",
        "mức độ 4: 91 dịch vụ (đạt 58%).",
    ]);
    assert_eq!(found, [shape("156", &[("66", Some("42")), ("91", Some("58"))], false, true)]);
    assert!(continues("đạt", "80 %;") && continues("thời điểm", "hiện tại là: 27 người."));
    assert!(continues("nam 14 người", "(50,0%), nữ 10 người (41,7%)."));
    assert!(continues("mức độ 3: 66 dịch vụ (đạt 42%);", "mức độ 4: 91 dịch vụ (đạt 58%)."));
    assert!(!continues("a) trực tiếp 20 hồ sơ;", "b) trực tuyến 27 hồ sơ.") && !continues("hồ sơ;", "- Số hồ sơ"));
    assert!(!continues("Cải cách thủ tục hành chính", "3. Cải cách chế độ công vụ"));
    assert!(!continues("Kiểm soát TTHC", "2.1 Kiểm soát thủ tục") && !continues("xong.", "nam 10 người"));
}

#[test]
fn a_clause_after_a_semicolon_a_later_whole_and_a_change_are_no_parts() {
    let text = "Tổng số hồ sơ tiếp nhận 841 hồ sơ, trong đó trực tuyến 747 hồ sơ; đã giải quyết 836 hồ sơ, đạt 99,4%.";
    assert_eq!(shapes(&[text])[0], shape("841", &[("747", None)], false, true));
    let text = "Trong kỳ tiếp nhận 1.250 hồ sơ, trong đó hồ sơ trực tuyến 1.020 hồ sơ (81,6%); đã giải quyết 1.238 \
                hồ sơ, trong đó trước hạn 1.100 hồ sơ, đúng hạn 138 hồ sơ.";
    let found = shapes(&[text]);
    assert_eq!(found[0], shape("1250", &[("1020", Some("81.6"))], false, true));
    assert_eq!(found[1], shape("1238", &[("1100", None), ("138", None)], false, true));
    let text =
        "Năm 2024 tiếp nhận 560 hồ sơ, tăng 60 hồ sơ so với năm 2023 (500 hồ sơ), trong đó trực tuyến 400 hồ sơ.";
    assert_eq!(shapes(&[text]), Vec::<Shape>::new());
}
