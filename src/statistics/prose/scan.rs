//! The numbers of one line of prose: counts with their unit ("1.386 văn
//! bản"), the percentage printed right after a count ("(92,3%)", ", đạt
//! 96,5%", "= 20%"), and the words that open a split ("trong đó", "gồm").
//! Years, dates, document numbers and codes are never counts.

use super::super::number::{parse_count, Printed};

/// A line of prose, as characters (positions are character indices) with a
/// lowercase copy of the same length for matching.
pub struct Line {
    pub chars: Vec<char>,
    pub lower: Vec<char>,
    /// The list marker the line starts with (`-`, `+`, `*`, `•`), or `(` for
    /// a parenthesised aside.
    pub bullet: Option<char>,
    /// Where the text after the marker starts.
    pub body: usize,
    pub paragraph: usize,
    pub page: Option<u32>,
    /// Parenthesis depth of each character (brackets included).
    depth: Vec<u32>,
    /// Sentence ends (full stops before a space or the end, outside
    /// brackets) before each position, and semicolons: [`Line::breaks`]
    /// is asked for many pairs of positions of long lines.
    stops: Vec<u32>,
    semicolons: Vec<u32>,
}

impl Line {
    pub fn new(text: &str, paragraph: usize, page: Option<u32>) -> Line {
        let chars: Vec<char> = text.trim().chars().map(|c| if c == 'ƣ' { 'ư' } else { c }).collect();
        let lower: Vec<char> = chars.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
        let bullet = chars.first().copied().filter(|c| matches!(c, '-' | '+' | '*' | '•' | '–' | '(' | '▪' | '◦'));
        let mut body = usize::from(bullet.is_some());
        while chars.get(body).is_some_and(|c| c.is_whitespace()) {
            body += 1;
        }
        let depth = paren_depth(&chars);
        let (mut stops, mut semicolons) = (vec![0u32], vec![0u32]);
        for (i, c) in chars.iter().enumerate() {
            let outside = depth[i] == 0;
            let stop = outside && *c == '.' && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
            stops.push(stops[i] + u32::from(stop));
            semicolons.push(semicolons[i] + u32::from(outside && *c == ';'));
        }
        Line { chars, lower, bullet, body, paragraph, page, depth, stops, semicolons }
    }

    pub fn text(&self, from: usize, to: usize) -> String {
        self.chars[from.min(to)..to.min(self.chars.len())].iter().collect()
    }

    fn lower_text(&self, from: usize, to: usize) -> String {
        self.lower[from.min(to)..to.min(self.lower.len())].iter().collect()
    }

    /// Whether the word `word` ends at `at` (exclusive of the character there).
    pub fn is_word(&self, at: usize, word: &str) -> bool {
        let len = word.chars().count();
        at + 1 >= len && self.word_at(at + 1 - len, word)
    }

    /// Whether the lowercase text at `at` is `word` as a whole word.
    fn word_at(&self, at: usize, word: &str) -> bool {
        // Compared char by char: this runs at every position of every line.
        let mut end = at;
        for w in word.chars() {
            if self.lower.get(end) != Some(&w) {
                return false;
            }
            end += 1;
        }
        (at == 0 || !self.lower[at - 1].is_alphanumeric()) && self.lower.get(end).is_none_or(|c| !c.is_alphanumeric())
    }

    /// A sentence ends between `from` and `to` (a full stop before a space or
    /// the end, not inside a number), or, with `semicolon`, a `;`.
    pub fn breaks(&self, from: usize, to: usize, semicolon: bool) -> bool {
        let (from, to) = (from.min(self.chars.len()), to.min(self.chars.len()));
        if from >= to {
            return false;
        }
        let count = |cumulative: &[u32]| cumulative[to] - cumulative[from];
        count(&self.stops) > 0 || (semicolon && count(&self.semicolons) > 0)
    }

    /// The words between two positions outside brackets (punctuation dropped).
    pub fn words(&self, from: usize, to: usize) -> Vec<String> {
        let outside: String =
            (from.min(to)..to.min(self.lower.len())).filter(|i| self.depth[*i] == 0).map(|i| self.lower[i]).collect();
        outside.split(|c: char| !c.is_alphanumeric() && c != '%').filter(|w| !w.is_empty()).map(str::to_owned).collect()
    }
}

/// A count in prose: a number followed by its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub start: usize,
    /// After the unit.
    pub end: usize,
    /// After the noun phrase that follows the unit ("cuộc kiểm tra định kỳ").
    pub tail_end: usize,
    pub value: Printed,
    pub unit: String,
    /// Inside parentheses: an aside, never a whole or a part.
    pub aside: bool,
    pub percent: Option<Printed>,
    /// Where the attached percentage ends.
    pub percent_end: usize,
}

/// Words that open a split, longest first.
pub const MARKERS: [&str; 5] = ["bao gồm", "trong đó có", "trong đó", "gồm có", "gồm"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    pub start: usize,
    pub end: usize,
    /// `gồm` and `bao gồm` list every part.
    pub exhaustive: bool,
    pub aside: bool,
}

/// Units of two syllables, so that "hồ sơ" is one unit and not "hồ".
const TWO_WORD_UNITS: &[&str] = &[
    "hồ sơ",
    "văn bản",
    "thủ tục",
    "vấn đề",
    "triệu đồng",
    "tỷ đồng",
    "nghìn đồng",
    "ngàn đồng",
    "nhiệm vụ",
    "trường hợp",
    "lượt người",
    "cán bộ",
    "công chức",
    "viên chức",
    "cơ quan",
    "đơn vị",
    "doanh nghiệp",
    "kiến nghị",
    "phản ánh",
    "học viên",
    "quyết định",
    "kế hoạch",
    "báo cáo",
    "tài khoản",
    "quy trình",
    "sáng kiến",
    "giao dịch",
    "dịch vụ",
    "tin bài",
    "lớp học",
    "máy tính",
    "công trình",
    "hộ gia đình",
    "thôn xóm",
    "tổ dân",
];

/// Words after a number that make it no count: durations, dates, ordinals.
const NOT_UNITS: &[&str] = &[
    "tháng",
    "năm",
    "ngày",
    "giờ",
    "phút",
    "giây",
    "quý",
    "tuần",
    "tuổi",
    "và",
    "của",
    "các",
    "những",
    "được",
    "đã",
    "là",
    "có",
    "trong",
    "gồm",
    "đến",
    "từ",
    "tại",
    "với",
    "theo",
    "cho",
    "về",
    "đạt",
    "chiếm",
    "so",
    "trên",
    "dưới",
    "hơn",
    "thì",
    "điểm",
    "đ",
    "lần",
    "thứ",
    "người/",
    "x",
];

/// Words before a number that make it a name, not a count: "năm 2024",
/// "số 52", "ngày 15", "khóa XV", "mục 4", "ISO 9001".
const NOT_AFTER: &[&str] = &[
    "năm",
    "số",
    "ngày",
    "tháng",
    "quý",
    "khóa",
    "khoá",
    "kỳ",
    "lần",
    "thứ",
    "mục",
    "điều",
    "khoản",
    "chương",
    "iso",
    "tcvn",
    "đoạn",
    "đợt",
    "phiên",
    "tầng",
    "phòng",
    "tổ",
    "biểu",
    "lục",
    "mẫu",
    "tiết",
    "câu",
    "bước",
    "quyển",
    "trang",
    "dòng",
    "cột",
    "bảng",
    "điểm",
    "chí",
    "hạng",
    "bậc",
    "ngạch",
    "top",
    "đường",
    "km",
    "lô",
    "thửa",
    "khu",
    "xóm",
    "thôn",
    "ấp",
];

/// Words after a percentage that make it a rate against a target or a period.
const RATE_WORDS: &[&str] =
    &["so với", "cùng kỳ", "kế hoạch", "chỉ tiêu", "mục tiêu", "yêu cầu", "trở lên", "trở xuống"];

const CONNECTIVES: &[&str] = &["đạt", "chiếm", "bằng", "tỷ", "tỉ", "lệ", "là", "tương", "ứng", "đương", "khoảng"];

/// Reads the counts and markers of a line.
pub fn scan(line: &Line) -> (Vec<Count>, Vec<Marker>) {
    let depth = &line.depth;
    let mut counts = Vec::new();
    let mut percents: Vec<(usize, usize, Printed)> = Vec::new();
    let n = line.chars.len();
    let mut i = 0;
    while i < n {
        if !line.chars[i].is_ascii_digit() || (i > 0 && is_glued(line.chars[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        while j < n && (line.chars[j].is_ascii_digit() || matches!(line.chars[j], '.' | ',')) {
            j += 1;
        }
        let mut end = j;
        while end > i && matches!(line.chars[end - 1], '.' | ',') {
            end -= 1;
        }
        let token = line.text(i, end);
        let next = line.chars.get(end).copied();
        let glued = next.is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | ':' | '-' | '_'))
            || (next == Some('.') && line.chars.get(end + 1).is_some_and(char::is_ascii_digit));
        i = j.max(i + 1);
        let Some(value) = parse_count(&token) else { continue };
        if glued && !(next.is_some_and(|c| c.is_alphabetic()) && value.decimals == 0) {
            continue;
        }
        let mut k = end;
        while k < n && line.chars[k] == ' ' {
            k += 1;
        }
        if line.chars.get(k) == Some(&'%') {
            percents.push((start, k + 1, value));
            continue;
        }
        // "tăng 60 hồ sơ so với cùng kỳ": a change is no count of things.
        let previous = previous_word(line, start);
        if NOT_AFTER.contains(&previous.as_str()) || ["tăng", "giảm", "thêm"].contains(&previous.as_str()) {
            continue;
        }
        // Prose writes decimals with a comma: "1.4" before a word is a criterion's code.
        if token.contains('.') && !token.contains(',') && value.decimals > 0 {
            continue;
        }
        let Some((unit, unit_end)) = unit_after(line, k) else { continue };
        counts.push(Count {
            start,
            end: unit_end,
            tail_end: tail_end(line, unit_end),
            value,
            unit,
            aside: depth[start] > 0,
            percent: None,
            percent_end: unit_end,
        });
    }
    for count in counts.iter_mut() {
        attach_percent(line, count, &percents);
    }
    let mut markers = Vec::new();
    let mut at = 0;
    while at < n {
        match MARKERS.iter().find(|m| line.word_at(at, m)) {
            Some(m) => {
                let len = m.chars().count();
                markers
                    .push(Marker { start: at, end: at + len, exhaustive: m.contains("gồm"), aside: depth[at] > 0 });
                at += len;
            }
            None => at += 1,
        }
    }
    (counts, markers)
}

/// The word before `at` outside brackets (lowercase), or "" at the line's start.
fn previous_word(line: &Line, at: usize) -> String {
    let mut end = at;
    while end > line.body && !(line.lower[end - 1].is_alphanumeric() && line.depth[end - 1] == 0) {
        end -= 1;
    }
    let mut start = end;
    while start > line.body && line.lower[start - 1].is_alphanumeric() {
        start -= 1;
    }
    line.lower_text(start, end)
}

/// A digit right after a letter or a slash belongs to a code ("QĐ3", "/2018").
fn is_glued(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '/' | '.' | ',' | '-' | ':' | '_')
}

/// Parenthesis depth at each character. A bracket closed that the line did
/// not open was opened on a line before (a Word paragraph per printed line):
/// the text before it is inside. An item's letter or number closed with no
/// bracket open ("gồm a) …, b) …") is no bracket.
fn paren_depth(chars: &[char]) -> Vec<u32> {
    let mut open = 0i64;
    let steps: Vec<i64> = (0..chars.len())
        .map(|i| match chars[i] {
            '(' => {
                open += 1;
                1
            }
            ')' if open == 0 && is_item_marker(chars, i) => 0,
            ')' => {
                open = (open - 1).max(0);
                -1
            }
            _ => 0,
        })
        .collect();
    let mut balance = 0i64;
    let mut unopened = 0i64;
    for step in &steps {
        balance += step;
        unopened = unopened.max(-balance);
    }
    let mut depth = unopened;
    steps
        .iter()
        .map(|step| {
            depth = (depth + step).max(0);
            u32::try_from(depth + i64::from(*step < 0)).unwrap_or(u32::MAX)
        })
        .collect()
}

/// A `)` after an item's letter, number or Roman numeral at a word's start ("a)", "2)", "iv)").
fn is_item_marker(chars: &[char], at: usize) -> bool {
    let start = (0..at).rev().find(|i| !chars[*i].is_alphanumeric()).map_or(0, |i| i + 1);
    let item = &chars[start..at];
    let letter = item.len() == 1 && item[0].is_lowercase();
    let number = (1..=2).contains(&item.len()) && item.iter().all(char::is_ascii_digit);
    let roman = (1..=4).contains(&item.len()) && item.iter().all(|c| matches!(c, 'i' | 'v' | 'x'));
    (start == 0 || chars[start - 1].is_whitespace()) && (letter || number || roman)
}

/// The unit after a number starting at `at`: a known two-word unit, else one
/// word that is not a date, duration or function word.
fn unit_after(line: &Line, at: usize) -> Option<(String, usize)> {
    let word_end = |from: usize| {
        let mut e = from;
        while e < line.lower.len() && line.lower[e].is_alphabetic() {
            e += 1;
        }
        e
    };
    let first_end = word_end(at);
    if first_end == at {
        return None;
    }
    let first = line.lower_text(at, first_end);
    if line.lower.get(first_end) == Some(&' ') {
        let second_end = word_end(first_end + 1);
        let two = line.lower_text(at, second_end);
        if second_end > first_end + 1 && TWO_WORD_UNITS.contains(&two.as_str()) {
            return Some((two, second_end));
        }
    }
    // A capital starts the next phrase ("… 1 Thực hiện trên 80%"), not a unit, unless the
    // word is an acronym standing alone ("204 TTHC"; "QĐ-UBND" is a code).
    let letters = first_end - at;
    let acronym = (2..=6).contains(&letters)
        && line.chars[at..first_end].iter().all(|c| c.is_uppercase())
        && !line.chars.get(first_end).is_some_and(|c| matches!(c, '-' | '/' | '_') || c.is_alphanumeric());
    let capital = line.chars[at].is_uppercase() && !acronym;
    if capital || NOT_UNITS.contains(&first.as_str()) || first.chars().count() > 8 {
        return None;
    }
    Some((first, first_end))
}

/// The end of the noun phrase after a unit: up to eight words, stopping at
/// punctuation, a number or a word that links to what follows.
fn tail_end(line: &Line, from: usize) -> usize {
    let mut end = from;
    let mut at = from;
    let mut words = 0;
    while words < 8 {
        while at < line.chars.len() && line.chars[at] == ' ' {
            at += 1;
        }
        let start = at;
        while at < line.chars.len() && line.lower[at].is_alphabetic() {
            at += 1;
        }
        // A level is part of the phrase: "dịch vụ công trực tuyến mức độ 4".
        let level = words > 0 && ["mức", "độ"].iter().any(|w| line.is_word(end - 1, w));
        if at == start && level {
            while at < line.chars.len() && line.chars[at].is_ascii_digit() {
                at += 1;
            }
        }
        if at == start {
            break;
        }
        let word = line.lower_text(start, at);
        if matches!(word.as_str(), "và" | "trong" | "gồm" | "đạt" | "chiếm" | "bằng" | "so" | "tăng" | "giảm")
        {
            break;
        }
        end = at;
        words += 1;
    }
    end
}

/// The words of a text, brackets included.
fn words_of(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect()
}

/// Ties a percentage to the count it follows: right after the unit (or its
/// noun phrase, in brackets), with at most a linking word between
/// ("đạt", "chiếm", "=", "tỷ lệ").
fn attach_percent(line: &Line, count: &mut Count, percents: &[(usize, usize, Printed)]) {
    let Some(&(start, end, value)) = percents.iter().find(|p| p.0 >= count.end) else { return };
    // Tied only across a few words: a percentage a sentence away is another count's.
    if start - count.end > 120 {
        return;
    }
    // "đạt 100% kế hoạch", "tăng 5% so với cùng kỳ": a rate against a target, no share of a whole.
    let after = words_of(&line.lower_text(end, (end + 24).min(line.chars.len()))).join(" ");
    if RATE_WORDS.iter().any(|w| after.starts_with(w)) {
        return;
    }
    for from in [count.end, count.tail_end] {
        if from > start {
            continue;
        }
        let between = line.lower_text(from, start);
        let bracketed = between.trim_end().ends_with('(');
        let words = words_of(&between);
        let linking = words.iter().all(|w| CONNECTIVES.contains(w));
        let punctuation_ok = between.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | ',' | '(' | '=' | ':'));
        let after_phrase = from == count.tail_end && from > count.end;
        // "45 dịch vụ công trực tuyến mức độ 4, chiếm 53,4%": a share named as one.
        let share = words.contains(&"chiếm") && words.iter().all(|w| ["chiếm", "tỷ", "tỉ", "lệ"].contains(w));
        let after_phrase_ok = (bracketed && words.is_empty()) || share;
        if punctuation_ok && ((linking && !after_phrase) || (after_phrase && after_phrase_ok)) {
            count.percent = Some(value);
            count.percent_end = end;
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(text: &str) -> Vec<(String, String, Option<String>)> {
        let line = Line::new(text, 0, None);
        scan(&line)
            .0
            .into_iter()
            .map(|c| (c.value.value.to_string(), c.unit, c.percent.map(|p| p.value.to_string())))
            .collect()
    }

    fn values(text: &str) -> Vec<String> {
        counts(text).into_iter().map(|c| c.0).collect()
    }

    #[test]
    fn counts_with_units_and_their_percentages() {
        assert_eq!(
            counts("- Tổng số văn bản đến: 1.386 văn bản, gồm: văn bản điện tử 1.307 văn bản (92,3%)"),
            [("1386".into(), "văn bản".into(), None), ("1307".into(), "văn bản".into(), Some("92.3".into()))]
        );
        assert_eq!(counts("Thạc sĩ: 02 người = 20%; Đại học: 08 người = 80 %;")[1].2.as_deref(), Some("80"));
        assert_eq!(counts("đã thực hiện 2.951,3 triệu đồng, đạt 46,0% dự toán")[0].2.as_deref(), Some("46.0"));
        assert_eq!(counts("02 cuộc kiểm tra định kỳ (40%)")[0].2.as_deref(), Some("40"));
        assert_eq!(counts("giải quyết 500 hồ sơ, đạt 100% kế hoạch")[0].2, None);
        assert!(counts("kiểm tra 1 1 Thực hiện từ 50% - dưới 80% kế hoạch: 0,5").is_empty());
        assert_eq!(counts("kiểm tra 05 cuộc tại xã từ 50%")[0].2, None);
        assert_eq!(counts("tiếp nhận 120 hồ sơ (tăng 15% so với cùng kỳ)")[0].2, None);
    }

    #[test]
    fn an_acronym_is_a_unit_and_a_share_follows_a_levelled_phrase() {
        assert_eq!(counts("Tổng số TTHC của xã là 204 TTHC, trong đó 109 TTHC một cửa")[0].1, "tthc");
        assert!(counts("Quyết định 152 QĐ-UBND của UBND xã").is_empty());
        let c = counts("cung cấp 85 dịch vụ, trong đó có 45 dịch vụ công trực tuyến mức độ 4, chiếm 53,4%.");
        assert_eq!(c[1].2.as_deref(), Some("53.4"));
        assert_eq!(counts("có 45 hồ sơ trực tuyến, đạt 90%")[0].2, None, "only `chiếm` names a share after a phrase");
    }

    #[test]
    fn years_dates_document_numbers_and_codes_are_not_counts() {
        assert!(values("Kế hoạch số 52/KH-UBND ngày 28/12/2020 của UBND thị trấn").is_empty());
        assert!(values("năm 2024 có 6 tháng đầu năm").is_empty());
        assert!(values("theo tiêu chuẩn TCVN ISO 9001:2015 tại mục 1.2.3 của phụ lục").is_empty());
        assert!(values("Nghị định 61/2018/NĐ-CP, giai đoạn 2021-2030").is_empty());
        assert!(values("tiêu chí 3.1.3 đạt 2 điểm").is_empty());
        assert!(values("1.4 sáng kiến trong cải cách hành chính").is_empty());
        assert_eq!(values("tỷ lệ giải quyết đúng hạn và trước hạn đạt 99,8%"), Vec::<String>::new());
    }

    #[test]
    fn a_percentage_after_other_words_belongs_to_no_count() {
        let c = counts("quá hạn 02 hồ sơ; tỷ lệ giải quyết đúng hạn và trước hạn đạt 99,8%");
        assert_eq!(c, [("2".into(), "hồ sơ".into(), None)]);
    }
}
