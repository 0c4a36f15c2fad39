//! Every word the human reports show for a contract code, in one table: finding
//! kinds, severities, document status, table kinds, columns, criteria codes and
//! catalogs. The JSON keeps the contract's codes; only people see these.
//! (Meant to move next to the domain types once they have their own module.)

use rust_decimal::Decimal;

use crate::grid::Location;
use crate::report::{Column, DocumentReport, Severity, Status, TableKind};

/// Finding kinds and their Vietnamese names. A kind not listed here is shown
/// as "Phát hiện khác" (never as its code).
pub const KINDS: [(&str, &str); 15] = [
    ("sum_mismatch", "Tổng không khớp"),
    ("exceeds_max", "Vượt điểm tối đa"),
    ("stated_total_mismatch", "Tổng điểm trong báo cáo không khớp"),
    ("lost_points_mismatch", "Điểm bị mất không khớp"),
    ("missing_score", "Thiếu điểm"),
    ("missing_max", "Thiếu điểm tối đa"),
    ("duplicate_code", "Trùng mã tiêu chí"),
    ("unknown_criterion", "Tiêu chí không có trong bộ tiêu chí"),
    ("missing_criterion", "Thiếu tiêu chí của bộ tiêu chí"),
    ("max_differs_from_framework", "Điểm tối đa khác bộ tiêu chí"),
    ("rating_mismatch", "Xếp loại không khớp điểm"),
    ("code_repaired", "Mã tiêu chí ghi sai"),
    ("unreadable_value", "Ô điểm không đọc được"),
    ("extraction_note", "Ghi chú khi đọc tệp"),
    ("uncertain_value", "Giá trị nhận dạng chưa chắc chắn"),
];

pub fn kind_label(kind: &str) -> &'static str {
    KINDS.iter().find(|(code, _)| *code == kind).map_or("Phát hiện khác", |(_, label)| label)
}

pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Lỗi",
        Severity::Warning => "Cảnh báo",
        Severity::Info => "Thông tin",
    }
}

/// Whether the file could be read at all; kept apart from finding severity.
pub fn readable(status: Status) -> bool {
    matches!(status, Status::Ok | Status::NoTable)
}

pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Ok => "Đọc được",
        Status::NoTable => "Đọc được, không có bảng điểm",
        Status::Unsupported => "Không đọc được (định dạng chưa hỗ trợ)",
        Status::Error => "Không đọc được (tệp hỏng)",
    }
}

pub fn table_kind_label(kind: TableKind) -> &'static str {
    match kind {
        TableKind::SelfAssessment => "Tự đánh giá",
        TableKind::Appraisal => "Thẩm định",
        TableKind::Remediation => "Khắc phục (điểm bị mất)",
    }
}

/// A column label as a heading: "Điểm tối đa".
pub fn column_heading(column: Column) -> &'static str {
    match column {
        Column::MaxPoints => "Điểm tối đa",
        Column::SelfScore => "Điểm tự đánh giá",
        Column::AppraisalScore => "Điểm thẩm định",
        Column::LostPoints => "Điểm bị mất",
    }
}

/// Criteria codes as written, except the grand total.
pub fn code_label(code: &str) -> &str {
    if code == crate::tree::TOTAL {
        "Tổng điểm"
    } else {
        code
    }
}

/// A catalog's Vietnamese name: "Thanh Hóa, cấp huyện, 2021 (QĐ 4308/QĐ-UBND)".
pub fn catalog_label(id: &str) -> String {
    match crate::framework::find(id) {
        Some(c) => {
            let years: Vec<String> = c.years.iter().map(i32::to_string).collect();
            let province = c.decision.issuer.split_once("tỉnh ").map(|(_, p)| format!("{p}, "));
            format!("{}cấp {}, {} (QĐ {})", province.unwrap_or_default(), c.level, years.join(", "), c.decision.number)
        }
        None => id.to_owned(),
    }
}

/// A message with catalog ids replaced by their names.
pub fn readable_message(message: &str) -> String {
    let mut text = message.to_owned();
    for catalog in crate::framework::catalogs() {
        if text.contains(&catalog.id) {
            text = text.replace(&catalog.id, &catalog_label(&catalog.id));
        }
    }
    text.replace("TOTAL", "Tổng điểm")
}

/// "3 lỗi, 2 cảnh báo", "không có phát hiện" or the unreadable status.
pub fn badge(d: &DocumentReport) -> String {
    if !readable(d.status) {
        return "Không đọc được".into();
    }
    let mut parts = Vec::new();
    for (severity, word) in [(Severity::Error, "lỗi"), (Severity::Warning, "cảnh báo")] {
        let n = d.count(severity);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    if parts.is_empty() {
        if d.status == Status::NoTable {
            "Không có bảng điểm".into()
        } else {
            "Không có lỗi".into()
        }
    } else {
        parts.join(", ")
    }
}

/// "bảng 2, dòng 5, trang 3" (or the sheet name for spreadsheets).
pub fn location_label(location: &Location) -> String {
    crate::table::describe_location(location)
}

/// A number the way Vietnamese readers write it: decimal comma, no trailing zeros.
pub fn number_label(value: Decimal) -> String {
    value.normalize().to_string().replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_the_contract_and_the_frameworks_has_a_name() {
        for kind in crate::report::CONTRACT_FINDING_KINDS {
            assert_ne!(kind_label(kind), "Phát hiện khác", "{kind}");
        }
        assert_eq!(kind_label("missing_criterion"), "Thiếu tiêu chí của bộ tiêu chí");
        assert_eq!(kind_label("new_kind"), "Phát hiện khác");
    }

    #[test]
    fn catalogs_totals_and_numbers() {
        assert_eq!(catalog_label("thanh-hoa-2021-xa"), "Thanh Hóa, cấp xã, 2021 (QĐ 4308/QĐ-UBND)");
        assert_eq!(
            readable_message("mức \"Tốt\" theo bộ tiêu chí thanh-hoa-2021-xa"),
            "mức \"Tốt\" theo bộ tiêu chí Thanh Hóa, cấp xã, 2021 (QĐ 4308/QĐ-UBND)"
        );
        assert_eq!(code_label("TOTAL"), "Tổng điểm");
        assert_eq!(number_label(Decimal::new(9774, 2)), "97,74");
        assert_eq!(number_label(Decimal::new(1000, 1)), "100");
        let loc = Location { table: 2, row: 5, page: Some(3), sheet: None };
        assert_eq!(location_label(&loc), "bảng 2, dòng 5, trang 3");
    }
}
