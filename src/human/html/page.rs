//! The page around the embedded JSON: counts, the controls (search, filters
//! by group, level, finding kind, severity and field, sort, paging, print)
//! and the list, one row per document.

use std::collections::{BTreeMap, BTreeSet};

use maud::{html, Markup, PreEscaped, DOCTYPE};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::{script_safe, Entry};
use crate::human::labels::column_heading;
use crate::human::Category;
use crate::model::{Column, FindingKind, Severity};
use crate::number::format_vi;

const STYLE: &str = include_str!("../report.css");
const SCRIPT: &str = include_str!("../report.js");

/// The list's columns and their widths in percent: a fixed table layout lays
/// out a thousand rows without measuring every cell first.
const COLUMNS: [(&str, u8); 15] = [
    ("Đơn vị", 12),
    ("Cấp", 4),
    ("Năm", 4),
    ("Bộ tiêu chí", 9),
    ("Điểm tối đa", 5),
    ("Tổng điểm của bảng", 6),
    ("Tổng điểm báo cáo ghi", 6),
    ("Tổng điểm tính lại", 6),
    ("Xếp loại ghi", 5),
    ("Xếp loại tính lại", 6),
    ("Lỗi", 4),
    ("Cảnh báo", 5),
    ("Phát hiện theo loại", 12),
    ("Kết quả", 9),
    ("Tệp", 7),
];

/// Rows of the list laid out when the page opens (the script pages the rest).
const FIRST_PAGE: usize = 100;

fn number_cell(value: Option<Decimal>, class: Option<&str>) -> Markup {
    let sort = value.map(|v| v.normalize().to_string()).unwrap_or_default();
    let class = class.map_or("n".to_owned(), |c| format!("n {c}"));
    html! { td class=(class) data-v=(sort) { (value.map(format_vi).unwrap_or_default()) } }
}

/// Every label the script shows for a code in the embedded data, from [`crate::human::labels`].
fn label_table() -> Value {
    let kinds: serde_json::Map<String, Value> =
        FindingKind::ALL.iter().map(|k| (k.name().to_owned(), Value::from(k.label()))).collect();
    let severities: serde_json::Map<String, Value> = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|s| (s.name().to_owned(), Value::from(s.label())))
        .collect();
    let columns: serde_json::Map<String, Value> = Column::ALL
        .into_iter()
        .chain([Column::Evidence])
        .map(|c| (c.name().to_owned(), Value::from(column_heading(c))))
        .collect();
    json!({"kind": kinds, "severity": severities, "column": columns, "other": "Phát hiện khác"})
}

fn joined<T>(items: &[T], name: impl Fn(&T) -> String) -> String {
    items.iter().map(name).collect::<Vec<_>>().join(" ")
}

/// One document's row of the list.
fn row(e: &Entry, hidden: bool, position: usize) -> Markup {
    // The cover letter's total stands out when it is not what the table adds up to.
    let stated_differs = matches!((e.stated, e.recalculated), (Some(s), Some(r)) if s != r);
    let rating_differs = !e.rating_stated.is_empty()
        && !e.rating_computed.is_empty()
        && e.rating_stated.to_lowercase() != e.rating_computed.to_lowercase();
    html! {
        tr class=(format!("cat-{}", e.category.name())) data-i=(e.index) data-o=(position) data-cat=(e.category.name())
            data-level=(e.level) data-errors=(e.errors) data-kinds=(joined(&e.kinds, |(k, _)| k.name().to_owned()))
            data-sev=(joined(&e.severities, |s| s.name().to_owned())) data-fields=(joined(&e.fields, usize::to_string))
            hidden[hidden] {
            td { button.open type="button" { (if e.unit.is_empty() { "(không rõ đơn vị)" } else { e.unit.as_str() }) } }
            td { (e.level) }
            td.n data-v=(e.year.map(|y| y.to_string()).unwrap_or_default()) { (e.year.map(|y| y.to_string()).unwrap_or_default()) }
            td { (e.framework) }
            (number_cell(e.max, None))
            (number_cell(e.table_total, None))
            (number_cell(e.stated, stated_differs.then_some("differs")))
            (number_cell(e.recalculated, None))
            td { (e.rating_stated) }
            @if e.rating_note.is_empty() {
                td class=[rating_differs.then_some("differs")] { (e.rating_computed) }
            } @else {
                td title=(e.rating_note) { "Không xếp loại" br; small { (e.rating_note) } }
            }
            td.n data-v=(e.errors) { (e.errors) }
            td.n data-v=(e.warnings) { (e.warnings) }
            td.kinds {
                @for (kind, n) in &e.kinds {
                    span.kind { (kind.label()) ": " b { (n) } } " "
                }
                @if !e.field_codes.is_empty() {
                    br; span.fields { "Ở lĩnh vực: " (e.field_codes.join(", ")) }
                }
            }
            td.status { span class=(format!("badge b-{}", e.category.name())) { (e.badge) } br; small { (e.status) } }
            td.path { (e.path) }
        }
    }
}

/// The page around the embedded JSON: (everything before it, everything after).
pub(super) fn page(entries: &[Entry], order: &[usize], inputs: &[String], fields: &[String]) -> (String, String) {
    let count = |c: Category| entries.iter().filter(|e| e.category == c).count();
    let levels: BTreeSet<&str> = entries.iter().map(|e| e.level.as_str()).filter(|l| !l.is_empty()).collect();
    // Documents per finding kind and per field, for the filters' options.
    let mut kinds: BTreeMap<FindingKind, usize> = BTreeMap::new();
    let mut per_field = vec![0; fields.len()];
    for e in entries {
        e.kinds.iter().for_each(|(k, _)| *kinds.entry(*k).or_default() += 1);
        e.fields.iter().for_each(|&f| per_field[f] += 1);
    }
    let now = chrono::DateTime::from_timestamp(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
        0,
    )
    .map(|t| {
        use chrono::{Datelike, Timelike};
        format!("{:02}/{:02}/{} {:02}:{:02} UTC", t.day(), t.month(), t.year(), t.hour(), t.minute())
    })
    .unwrap_or_default();
    let head = html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                // Lets a later run recognise this page as its own report, whatever its name.
                meta name="generator" content=(super::GENERATOR);
                title { "Kết quả kiểm tra bảng điểm Chỉ số CCHC" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Kết quả kiểm tra bảng điểm Chỉ số CCHC" }
                    p.total { (entries.len()) " tài liệu" }
                    div.cards {
                        @for c in Category::ALL {
                            button.card type="button" data-cat=(c.name()) {
                                span.count { (count(c)) }
                                span { (c.label()) }
                            }
                        }
                    }
                }
                div.controls {
                    label { "Tìm " input #q type="search" placeholder="đơn vị, tệp, mã tiêu chí, nội dung phát hiện…"; }
                    label { "Nhóm "
                        select #cat {
                            option value="" { "Tất cả" }
                            @for c in Category::ALL { option value=(c.name()) { (c.label()) } }
                        }
                    }
                    label { "Cấp "
                        select #level {
                            option value="" { "Tất cả" }
                            @for l in &levels { option value=(l) { (l) } }
                        }
                    }
                    label { "Loại phát hiện "
                        select #kind {
                            option value="" { "Tất cả" }
                            @for (k, n) in &kinds { option value=(k.name()) { (k.label()) " (" (n) ")" } }
                        }
                    }
                    label { "Mức độ "
                        select #sev {
                            option value="" { "Tất cả" }
                            @for s in [Severity::Error, Severity::Warning, Severity::Info] {
                                option value=(s.name()) { "Có phát hiện mức " (s.label().to_lowercase()) }
                            }
                        }
                    }
                    label { "Lĩnh vực có phát hiện "
                        select #field {
                            option value="" { "Tất cả" }
                            @for (i, name) in fields.iter().enumerate() { option value=(i) { (name) " (" (per_field[i]) ")" } }
                        }
                    }
                    label { "Sắp xếp "
                        select #sort {
                            option value="" { "Nặng trước (lỗi nhiều trước)" }
                            option value="0:asc" { "Tên đơn vị (A–Z)" }
                            option value="10:desc" { "Số lỗi (nhiều trước)" }
                            option value="7:desc" { "Tổng điểm tính lại (cao trước)" }
                            option value="7:asc" { "Tổng điểm tính lại (thấp trước)" }
                        }
                    }
                    span #shown {}
                    button #prev type="button" { "« Trước" }
                    span #page {}
                    button #next type="button" { "Sau »" }
                    button #print-page type="button" { "In các tài liệu của trang này" }
                }
                div.wrap.listwrap {
                    table #list.list {
                        colgroup { @for (_, w) in COLUMNS { col style=(format!("width:{w}%")); } }
                        thead { tr { @for (h, _) in COLUMNS { th scope="col" tabindex="0" { (h) } } } }
                        tbody {
                            @for (k, &i) in order.iter().enumerate() {
                                (row(&entries[i], k >= FIRST_PAGE, k))
                            }
                        }
                    }
                }
                p #empty hidden { "Không có tài liệu nào khớp." }
                div #detail {}
                footer {
                    p { "Lập lúc " (now) " bằng parcheck " (crate::TOOL_VERSION) "." }
                    p { "Đầu vào: " (inputs.join(", ")) }
                    p { "Xem bảng như parcheck đã đọc (ô, vai trò cột, loại dòng): " code { "parcheck tables TỆP" } }
                }
                (PreEscaped("<script type=\"application/json\" id=\"docs\">["))
            }
        }
    }
    .into_string();
    // maud closes the elements; the JSON goes where the script element opens.
    let cut = head.rfind("</body>").unwrap_or(head.len());
    let (before, after) = head.split_at(cut);
    let labels = script_safe(&label_table().to_string());
    let tail = format!(
        "</script>\n<script type=\"application/json\" id=\"labels\">{labels}</script>\n<script>{SCRIPT}</script>{after}"
    );
    (before.to_owned(), tail)
}
