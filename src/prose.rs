//! Facts stated in the prose: the unit, the year, the claimed total ("Tổng số
//! điểm tự đánh giá … là: 97,74 điểm", "… là 98,52/100 điểm"), the rating,
//! the report number and date. Spreadsheets have no prose: their title rows
//! (above the table header) are read for the unit and year instead.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use rust_decimal::Decimal;

use crate::grid::{Document, Location};
use crate::model::Column;
use crate::number::parse_score;
use crate::text::fold;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProseFacts {
    pub unit: Option<String>,
    pub year: Option<i32>,
    /// The total claimed in the prose, and the column it speaks of.
    pub stated_total: Option<(Column, Decimal)>,
    /// Where the sentence claiming `stated_total` is.
    pub stated_total_at: Option<TextPlace>,
    /// How a claim read from a scan was only partly read: then it is not
    /// read with certainty.
    pub stated_total_guessed: Option<GuessedClaim>,
    pub rating: Option<String>,
    pub unit_level: Option<String>,
    pub report_number: Option<String>,
    pub report_date: Option<String>,
    /// The report's own date from its heading line; `None` also when the
    /// heading leaves the day or month blank (`ngày … tháng … năm 2021`).
    pub date: Option<NaiveDate>,
}

/// What OCR left unsure in the sentence claiming the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuessedClaim {
    /// The number as read, its decimal separator read as a space (`97 74`).
    Separator(String),
    /// The words naming the total ("Tổng số điểm tự đánh giá") were garbled:
    /// the number is the one rated after it ("là: 97,74 điểm; xếp loại: …").
    Subject,
}

/// Where a sentence was read: a paragraph of the prose, or a cell of a table
/// that lays out the cover letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextPlace {
    /// 1-based paragraph of the document's prose and its page.
    Paragraph {
        paragraph: usize,
        page: Option<u32>,
    },
    Row(Location),
}

/// A score OCR read with a space for its decimal separator (`97 74 điểm`):
/// two digits after the space, which no thousands grouping has.
static LOST_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?P<whole>[0-9]{1,3}) (?P<part>[0-9]{2})(?P<unit>[ ]*(?:/[ ]*100[ ]*)?(?:diem|d(?-u:\b)))")
        .expect("valid regex")
});

/// A score the rating follows (`là: 97,74 điểm; xếp loại: xuất sắc`): the
/// total claimed, whatever words before it OCR garbled.
static RATED_TOTAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)la[ ]*:?[ ]*(?P<num>[0-9]{1,3}(?:[.,][0-9]{1,4})?)[ ]*(?:/[ ]*100[ ]*)?diem[ ]*[;,.]?[ ]*xep loai",
    )
    .expect("valid regex")
});

static STATED_TOTAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"tong (?:so )?(?:diem|cong)(?P<mid>[^\n]*?)(?:(?-u:\b)la(?-u:\b)|(?-u:\b)dat(?-u:\b)|:)[ ]*:?[ ]*(?P<num>[0-9]{1,3}(?:[.,][0-9]{1,4})?)[ ]*(?:/[ ]*100[ ]*)?(?:diem|d(?-u:\b))",
    )
    .expect("valid regex")
});

// Names are matched as plain words and their capitals checked in code
// (`capitalized_words`): Unicode letter classes would make these regexes
// cost milliseconds to compile in every process.
static UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<head>(?i:UBND|Ủy ban nhân dân|Uỷ ban nhân dân))\s+(?P<kind>(?i:thị trấn|thị xã|thành phố|xã|phường|huyện|tỉnh))\s+(?P<name>[^\s,.;:()/]+(?:[ \-][^\s,.;:()/]+){0,3})",
    )
    .expect("valid regex")
});

/// Provincial departments and agencies that report a PAR Index of their own.
/// Their names are not title-cased ("Sở Nội vụ"), so they are recognised from
/// this list on folded text rather than by capital letters.
const DEPARTMENTS: &[&str] = &[
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tư pháp",
    "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Nông nghiệp và Môi trường",
    "Sở Giao thông vận tải",
    "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Ngoại vụ",
    "Sở Dân tộc và Tôn giáo",
    "Ban Dân tộc",
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp",
];

static FOLDED_DEPARTMENTS: LazyLock<Vec<(String, &'static str)>> =
    LazyLock::new(|| DEPARTMENTS.iter().map(|name| (fold(name), *name)).collect());

/// The leading words of `name` that start with a capital ("Bút Sơn báo" → "Bút Sơn").
///
/// `rest` is the text from the name on: a capitalized word that starts the
/// next field's label ("Bút Sơn Cấp đánh giá: xã" on a portal's one-line
/// header) ends the name.
fn capitalized_words(name: &str, rest: &str) -> Option<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let mut taken = Vec::new();
    let mut offset = 0;
    for word in words {
        let at = rest[offset..].find(word).map_or(offset, |i| offset + i);
        if !word.chars().next().is_some_and(char::is_uppercase) || starts_label(&rest[at..]) {
            break;
        }
        taken.push(word);
        offset = at + word.len();
    }
    (!taken.is_empty()).then(|| taken.join(" "))
}

/// "Cấp đánh giá: …": at most three words, then a colon, on the same line.
fn starts_label(text: &str) -> bool {
    let line = text.split('\n').next().unwrap_or_default();
    line.split_once(':').is_some_and(|(label, _)| label.split_whitespace().count() <= 3)
}

static YEAR_OF_INDEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:cai cach hanh chinh|cchc|par index)(?P<mid>[^\n]*?)nam (?P<year>(?:19|20)[0-9][0-9])")
        .expect("valid regex")
});

static ANY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)nam(?: danh gia)?[ :]+(?P<year>(?:19|20)[0-9][0-9])(?-u:\b)").expect("valid regex")
});

static RATING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"xep loai[ ]*:?[ ]*(?P<rating>xuat sac|tot|kha|trung binh|yeu|khong dat|dat)(?-u:\b)")
        .expect("valid regex")
});

static REPORT_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Số[ ]*:[ ]*(?P<num>[0-9]+[ ]*/[ ]*[A-ZĐ][A-ZĐ\-]*)").expect("valid regex"));

static REPORT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"ngay (?P<d>[0-9]{1,2}) thang (?P<m>[0-9]{1,2}) nam (?P<y>(?:19|20)[0-9][0-9])").expect("valid regex")
});

/// The heading's place and date, folded: `thi tran but son, ngay 26 thang 11
/// nam 2018`, the day and month possibly blank; or a cell or line holding the
/// date alone. The place is letters only, so a document cited as `số
/// 4308/QĐ-UBND, ngày …` is no heading.
static HEADING_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:^|[^a-z0-9/\-])[a-z][a-z ]{1,40}, ngay(?: (?P<d>[0-9]{1,2}))? thang(?: (?P<m>[0-9]{1,2}))? nam (?P<y>(?:19|20)[0-9][0-9])|^ngay(?: (?P<d2>[0-9]{1,2}))? thang(?: (?P<m2>[0-9]{1,2}))? nam (?P<y2>(?:19|20)[0-9][0-9])\.?$)",
    )
    .expect("valid regex")
});

/// The report's date from the first heading line: in a table's first rows (a
/// cover letter laid out in a table, a spreadsheet's title rows), else in the
/// prose, else in a table's last rows (the signature block under a sheet's table).
fn heading_date(title_rows: &[&str], prose: &[String], closing_rows: &[&str]) -> Option<NaiveDate> {
    let heading = title_rows.iter().map(|t| fold(t));
    let closing = closing_rows.iter().map(|t| fold(t));
    let (day, month, year) = heading.chain(prose.iter().cloned()).chain(closing).find_map(|text| {
        // Every heading date has both words: most lines are passed over without the regex.
        if !(text.contains("ngay") && text.contains(" thang")) {
            return None;
        }
        let caps = HEADING_DATE.captures(&text)?;
        let part = |a: &str, b: &str| caps.name(a).or(caps.name(b)).and_then(|m| m.as_str().parse::<u32>().ok());
        Some((part("d", "d2"), part("m", "m2"), part("y", "y2")))
    })?;
    NaiveDate::from_ymd_opt(i32::try_from(year?).ok()?, month?, day?)
}

pub fn read(document: &Document) -> ProseFacts {
    let prose: Vec<&str> = document.prose.iter().map(|p| p.text.as_str()).collect();
    // Title rows of tables: where spreadsheets (and some Word files) name the unit and year.
    let title_rows: Vec<&str> = document
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().take(6))
        .flat_map(|r| r.cells.iter().map(|c| c.text.as_str()))
        .collect();
    let folded_prose: Vec<String> = prose.iter().map(|p| fold(p)).collect();

    let unit = most_common_unit(&prose).or_else(|| most_common_unit(&title_rows));
    let year = find_year(&folded_prose).or_else(|| find_year(&title_rows.iter().map(|t| fold(t)).collect::<Vec<_>>()));
    // Cover letters are sometimes laid out inside a one- or two-column table.
    let layout_cells = document.tables.iter().filter(|t| t.width <= 2).flat_map(|t| {
        t.rows.iter().flat_map(|r| r.cells.iter().map(|c| (fold(&c.text), TextPlace::Row(r.location.clone()))))
    });
    let paragraphs = folded_prose.iter().zip(&document.prose).enumerate().map(|(k, (text, p))| {
        let place = match &p.row {
            Some(row) => TextPlace::Row(row.clone()),
            None => TextPlace::Paragraph { paragraph: k + 1, page: p.page },
        };
        let scanned = p.runs.iter().any(|r| r.reading.is_some());
        (text.clone(), place, scanned)
    });
    let layout_cells = layout_cells.map(|(text, place)| (text, place, false));
    let claim = paragraphs.chain(layout_cells).find_map(|(text, place, scanned)| {
        if let Some(total) = stated_total(&text) {
            return Some((total, place, None));
        }
        if !scanned {
            return None;
        }
        // A scan's faded or tiny separator may be read as a space.
        let mended = LOST_SEPARATOR.replace_all(&text, "$whole,$part$unit");
        if let Some(total) = stated_total(&mended) {
            let read = LOST_SEPARATOR.captures(&text).map(|c| format!("{} {}", &c["whole"], &c["part"]))?;
            return Some((total, place, Some(GuessedClaim::Separator(read))));
        }
        // A pen mark over the words naming it leaves the rated number.
        let rated = RATED_TOTAL.captures(&text).and_then(|c| parse_score(&c["num"]))?;
        Some(((Column::SelfScore, rated), place, Some(GuessedClaim::Subject)))
    });
    let (stated_total, stated_total_at, stated_total_guessed) = match claim {
        Some((total, place, read)) => (Some(total), Some(place), read),
        None => (None, None, None),
    };
    let rating = folded_prose.iter().find_map(|p| RATING.captures(p).map(|c| rating_label(&c["rating"]).to_owned()));
    let report_number = prose.iter().find_map(|p| REPORT_NUMBER.captures(p).map(|c| c["num"].replace(' ', "")));
    let report_date = folded_prose
        .iter()
        .find_map(|p| REPORT_DATE.captures(p).map(|c| format!("{:0>2}/{:0>2}/{}", &c["d"], &c["m"], &c["y"])));
    let unit_level = unit.as_deref().map(unit_level).map(str::to_owned);
    let closing_rows: Vec<&str> = document
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().rev().take(6))
        .flat_map(|r| r.cells.iter().map(|c| c.text.as_str()))
        .collect();
    let date = heading_date(&title_rows, &folded_prose, &closing_rows);
    ProseFacts {
        unit,
        year,
        stated_total,
        stated_total_at,
        stated_total_guessed,
        rating,
        unit_level,
        report_number,
        report_date,
        date,
    }
}

fn stated_total(folded: &str) -> Option<(Column, Decimal)> {
    let caps = STATED_TOTAL.captures(folded)?;
    // The claim is one sentence: "tổng" far from its number is something else.
    if caps["mid"].len() > 260 {
        return None;
    }
    let value = parse_score(&caps["num"])?;
    let column = if caps["mid"].contains("tham dinh") { Column::AppraisalScore } else { Column::SelfScore };
    Some((column, value))
}

/// The unit named most often ("UBND thị trấn Bút Sơn"), normalized to the
/// `UBND <kind> <Name>` form; a department when no local government is named.
fn most_common_unit(texts: &[&str]) -> Option<String> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    let mut order = 0;
    for text in texts {
        for caps in UNIT.captures_iter(text) {
            let kind = caps["kind"].to_lowercase();
            if kind == "tỉnh" {
                continue; // the province issues the framework; it is not the reporting unit
            }
            let name_at = caps.name("name").map_or(0, |m| m.start());
            let Some(words) = capitalized_words(&caps["name"], &text[name_at..]) else { continue };
            let name = format!("UBND {} {}", kind, title_case(&words));
            let entry = counts.entry(name).or_insert((0, order));
            entry.0 += 1;
            order += 1;
        }
    }
    let best = counts.into_iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1))).map(|(name, _)| name);
    best.or_else(|| {
        texts.iter().find_map(|text| {
            let folded = fold(text);
            // The longest name that fits: "Sở Tài nguyên và Môi trường", not a shorter one inside it.
            FOLDED_DEPARTMENTS
                .iter()
                .filter(|(name, _)| folded.contains(name.as_str()))
                .max_by_key(|(name, _)| name.len())
                .map(|(_, canonical)| canonical.to_string())
        })
    })
}

/// "BÚT SƠN" → "Bút Sơn"; "Bút Sơn" stays.
fn title_case(name: &str) -> String {
    name.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn find_year(folded: &[String]) -> Option<i32> {
    let year_of_index =
        |t: &String| YEAR_OF_INDEX.captures(t).filter(|c| c["mid"].len() <= 60).and_then(|c| c["year"].parse().ok());
    if let Some(year) = folded.iter().find_map(year_of_index) {
        return Some(year);
    }
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for text in folded {
        for caps in ANY_YEAR.captures_iter(text) {
            if let Ok(year) = caps["year"].parse() {
                *counts.entry(year).or_default() += 1;
            }
        }
    }
    counts.into_iter().max_by_key(|(year, count)| (*count, *year)).map(|(year, _)| year)
}

fn rating_label(folded: &str) -> &'static str {
    match folded {
        "xuat sac" => "xuất sắc",
        "tot" => "tốt",
        "kha" => "khá",
        "trung binh" => "trung bình",
        "yeu" => "yếu",
        "khong dat" => "không đạt",
        _ => "đạt",
    }
}

/// Administrative level of a unit: xã (commune, ward, town), huyện (district,
/// town, city), sở (department).
fn unit_level(unit: &str) -> &'static str {
    let folded = fold(unit);
    // "thị xã" (a town at district level) must be tested before "xã" (a commune).
    if folded.contains("huyen") || folded.contains("thi xa") || folded.contains("thanh pho") {
        "huyện"
    } else if folded.contains("thi tran") || folded.contains(" xa ") || folded.contains("phuong") {
        "xã"
    } else {
        "sở"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Paragraph, Run};

    fn document(paragraphs: &[&str]) -> Document {
        let prose = paragraphs
            .iter()
            .map(|p| {
                let mut para = Paragraph::new(vec![Run::plain(*p)], None);
                para.text = p.to_string();
                para
            })
            .collect();
        Document { prose, ..Default::default() }
    }

    #[test]
    fn a_scanned_claim_whose_separator_ocr_read_as_a_space() {
        let claim = "4. Tổng số điểm tự đánh giá của UBND thị trấn Bút Sơn là: 97 74 điểm; xếp loại: xuất sắc.";
        let mut doc = document(&[claim]);
        assert_eq!((read(&doc).stated_total, read(&doc).stated_total_guessed), (None, None));
        doc.prose[0].runs[0].reading = Some(crate::grid::Reading { confidence: 90, confirmed: false, legible: true });
        let facts = read(&doc);
        assert_eq!(facts.stated_total, Some((Column::SelfScore, Decimal::new(9774, 2))));
        assert_eq!(facts.stated_total_guessed, Some(GuessedClaim::Separator("97 74".into())));
        // Its subject garbled by a pen mark, the rated number is the claim.
        let mut doc = document(&[
            "4. TỔIHĐ, SỐ (I€II LỰ đ4nN 813 tneo cac tieu chì năm 2021 là: 97,74 điểm; xếp loại: xuất sắc.",
        ]);
        assert_eq!(read(&doc).stated_total, None);
        doc.prose[0].runs[0].reading = Some(crate::grid::Reading { confidence: 90, confirmed: false, legible: true });
        let facts = read(&doc);
        assert_eq!(facts.stated_total, Some((Column::SelfScore, Decimal::new(9774, 2))));
        assert_eq!(facts.stated_total_guessed, Some(GuessedClaim::Subject));
    }

    #[test]
    fn a_claim_in_a_spreadsheet_cell_is_placed_at_its_row() {
        let mut doc = document(&["Tổng số điểm tự đánh giá của UBND xã Hà Lĩnh là: 88,5 điểm"]);
        let row = Location { table: 1, row: 11, page: None, sheet: Some("Báo cáo".into()) };
        doc.prose[0].row = Some(row.clone());
        assert_eq!(read(&doc).stated_total_at, Some(TextPlace::Row(row)));
    }

    #[test]
    fn reads_the_seed_000_cover_letter() {
        let facts = read(&document(&[
            "Số:        /BC-UBND",
            "Tự đánh giá, chấm điểm tiêu chí, tiêu chí thành phần Chỉ số cải cách hành chính năm 2021",
            "4. Tổng số điểm tự đánh giá theo các tiêu chí, tiêu chí thành phần Chỉ số cải cách hành chính năm 2021 của UBND thị trấn Bút Sơn là: 97,74 điểm; xếp loại: xuất sắc.",
            "UBND thị trấn Bút Sơn báo cáo kết quả",
        ]));
        assert_eq!(facts.unit.as_deref(), Some("UBND thị trấn Bút Sơn"));
        assert_eq!(facts.year, Some(2021));
        assert_eq!(facts.stated_total, Some((Column::SelfScore, Decimal::new(9774, 2))));
        assert_eq!(facts.stated_total_at, Some(TextPlace::Paragraph { paragraph: 3, page: None }));
        assert_eq!(facts.rating.as_deref(), Some("xuất sắc"));
        assert_eq!(facts.unit_level.as_deref(), Some("xã"));
    }

    #[test]
    fn a_portal_header_line_ends_the_unit_name_at_the_next_label() {
        let facts = read(&document(&["Đơn vị: UBND thị trấn Bút Sơn Cấp đánh giá: xã Kỳ đánh giá: năm 2021"]));
        assert_eq!(facts.unit.as_deref(), Some("UBND thị trấn Bút Sơn"));
        let facts = read(&document(&["Báo cáo của UBND huyện Kỳ Anh, tỉnh Hà Tĩnh"]));
        assert_eq!(facts.unit.as_deref(), Some("UBND huyện Kỳ Anh"));
    }

    #[test]
    fn reads_a_total_out_of_100_and_an_appraisal_total() {
        let facts = read(&document(&["Tổng điểm tự đánh giá của UBND thành phố Thanh Hóa là 98,52/100 điểm."]));
        assert_eq!(facts.stated_total, Some((Column::SelfScore, Decimal::new(9852, 2))));
        assert_eq!(facts.unit.as_deref(), Some("UBND thành phố Thanh Hóa"));
        let facts = read(&document(&["Tổng số điểm thẩm định đạt 85,5 điểm"]));
        assert_eq!(facts.stated_total, Some((Column::AppraisalScore, Decimal::new(855, 1))));
    }

    #[test]
    fn a_cover_letter_inside_a_layout_table_still_states_its_total() {
        use crate::grid::{Cell, Row, Table};
        let mut cell = Cell::new(0, 1, vec![Run::plain("Tổng số điểm tự đánh giá là: 88,5 điểm.")]);
        cell.text = "Tổng số điểm tự đánh giá là: 88,5 điểm.".into();
        let table = Table::new(vec![Row { cells: vec![cell], ..Default::default() }]);
        let facts = read(&Document { tables: vec![table], ..Default::default() });
        assert_eq!(facts.stated_total, Some((Column::SelfScore, Decimal::new(885, 1))));
    }

    #[test]
    fn a_department_is_the_unit_when_no_local_government_is_named() {
        let facts = read(&document(&["Sở Nội vụ báo cáo kết quả tự đánh giá năm 2021"]));
        assert_eq!(facts.unit.as_deref(), Some("Sở Nội vụ"));
        let facts = read(&document(&["SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "báo cáo kết quả"]));
        assert_eq!(facts.unit.as_deref(), Some("Sở Tài nguyên và Môi trường"));
    }

    #[test]
    fn report_number_and_date() {
        let facts =
            read(&document(&["Số: 224/BC-UBND", "Bỉm Sơn, ngày 26 tháng 11 năm 2018", "UBND thị xã Bỉm Sơn báo cáo"]));
        assert_eq!(facts.unit_level.as_deref(), Some("huyện"));
        assert_eq!(facts.report_number.as_deref(), Some("224/BC-UBND"));
        assert_eq!(facts.report_date.as_deref(), Some("26/11/2018"));
        assert_eq!(facts.date, NaiveDate::from_ymd_opt(2018, 11, 26));
    }

    #[test]
    fn a_date_only_in_the_signature_under_a_sheets_table() {
        use crate::config::Limits;
        use crate::extract::{sheets::delimited, Budget};
        let date = |heading: &str| {
            let rows = (1..=8).map(|n| format!("{n};Tiêu chí {n};1\n")).collect::<String>();
            let csv = format!("{heading}STT;Tiêu chí;Điểm chuẩn\n{rows};TỔNG ĐIỂM;8\n;;Quảng Phú, ngày 18 tháng 12 năm 2022\n;;CHỦ TỊCH\n");
            let mut document = delimited::extract(csv.as_bytes(), &mut Budget::new(Limits::default())).expect("csv");
            crate::text::normalize_document(&mut document);
            read(&document).date.map(|d| d.to_string())
        };
        assert_eq!(date("").as_deref(), Some("2022-12-18"));
        // A heading with its date left blank says the report is undated.
        assert_eq!(date("Quảng Phú, ngày    tháng    năm 2022;;\n"), None);
    }

    #[test]
    fn the_report_date_comes_from_its_heading_line() {
        let date = |paragraphs: &[&str]| read(&document(paragraphs)).date.map(|d| d.to_string());
        let heading = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nThị trấn Bút Sơn, ngày 30 tháng 11 năm 2021";
        assert_eq!(date(&[heading]).as_deref(), Some("2021-11-30"));
        // A blank day is no date, even with a dated document cited below.
        let blank = "Số: /BC-UBND Thị trấn Bút Sơn, ngày    tháng 11 năm 2021";
        assert_eq!(date(&[blank, "Bìm Sơn, ngày 26 tháng 11 năm 2018"]), None);
        // A citation's date is not the report's.
        assert_eq!(date(&["Căn cứ Quyết định số 4308/QĐ-UBND, ngày 29 tháng 10 năm 2021 của UBND tỉnh"]), None);
        assert_eq!(date(&["(Kèm theo Báo cáo số 294 /BC-UBND ngày 26/11/2018)"]), None);
        assert_eq!(date(&["ngày 20 tháng 11 năm 2021"]).as_deref(), Some("2021-11-20"));
        assert_eq!(date(&["Ngày 15 tháng 3 năm 2021, UBND thị trấn ban hành kế hoạch"]), None);
    }
}
