//! Every word the human reports show for a contract code, in one table: finding
//! kinds, severities, document status, table kinds, columns, criteria codes and
//! catalogs. The JSON keeps the contract's codes; only people see these.
//! Finding kinds and severities carry their own labels ([`crate::model`]).

use crate::model::{Column, Severity, Status, TableKind};
use crate::report::rubric::Value;
use crate::report::{DocumentReport, Finding};

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
        TableKind::Statistics => "Số liệu thống kê (không có bảng điểm)",
    }
}

/// A column label as a heading: "Điểm tối đa".
pub fn column_heading(column: Column) -> &'static str {
    match column {
        Column::MaxPoints => "Điểm tối đa",
        Column::SelfScore => "Điểm tự đánh giá",
        Column::AppraisalScore => "Điểm thẩm định",
        Column::LostPoints => "Điểm bị mất",
        Column::Evidence => "Tài liệu kiểm chứng",
    }
}

/// What a rubric or evidence finding rests on, for people: the citation (and
/// the deadline it missed), or the criterion's rubric as read.
pub fn rubric_basis(d: &DocumentReport, f: &Finding) -> String {
    let deadline = f.deadline.as_deref().map(|d| format!("; hạn {}", date_vi(d))).unwrap_or_default();
    if let Some(citation) = &f.citation {
        return format!("{citation}{deadline}");
    }
    let criterion = d.criteria.iter().find(|c| Some(c.code.as_str()) == f.code.as_deref());
    let Some(rubric) = criterion.and_then(|c| c.rubric.as_ref()) else { return String::new() };
    let mut parts = Vec::new();
    if !rubric.options.is_empty() {
        let options: Vec<String> = rubric.options.iter().map(Value::display).collect();
        parts.push(format!("các mức {}", options.join("; ")));
    }
    if let Some(formula) = &rubric.formula {
        parts.push(format!("công thức [Tỷ lệ % × {} / 100]", formula.coefficient.display()));
    }
    format!("Thang điểm: {}", parts.join(", "))
}

/// `2021-01-15` → `15/01/2021`; other text as it is.
pub fn date_vi(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>()[..] {
        [y, m, d] if y.len() == 4 => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_totals_and_numbers() {
        assert_eq!(catalog_label("thanh-hoa-2021-xa"), "Thanh Hóa, cấp xã, 2021 (QĐ 4308/QĐ-UBND)");
        assert_eq!(
            readable_message("mức \"Tốt\" theo bộ tiêu chí thanh-hoa-2021-xa"),
            "mức \"Tốt\" theo bộ tiêu chí Thanh Hóa, cấp xã, 2021 (QĐ 4308/QĐ-UBND)"
        );
        assert_eq!(code_label("TOTAL"), "Tổng điểm");
    }
}
