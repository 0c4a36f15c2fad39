//! A criterion's rubric as the report prints it: option lines (`- Ban hành
//! kịp thời thì đánh giá là: 0,5`, `… đánh giá là 1 điểm`, an option row
//! `Ban hành kịp thời: 2`), a formula (`theo công thức: [Tỷ lệ % … × 1.50 /
//! 100]`) and the deadline of the timely option (`trước ngày 15/01 hàng
//! năm`, `trong Quý IV của năm trước`). Each cell is read alone; the tree
//! joins the readings of a criterion's rows ([`combine`]). A cell that scores
//! in a way this reader cannot follow for certain (a deduction per missing
//! item, a rate per unit, a formula without a readable coefficient) makes
//! the whole rubric unread: silence rather than a guess.

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::tokens::{tokenize, Kind, Token};
use crate::model::{DueDate, DueYear, Formula, Rubric, RubricLine};
use crate::number::parse_score;

/// What one cell says of its criterion's rubric.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    pub lines: Vec<RubricLine>,
    /// The coefficient `K` of a formula, when the cell has one.
    pub coefficient: Option<Decimal>,
    /// `Từ P% đến 100%` / `Dưới P% … 0`.
    pub from_percent: Option<Decimal>,
    pub due: Option<DueDate>,
    /// The cell scores in a way that is not a set of options or a formula.
    pub unsure: bool,
}

impl Reading {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.coefficient.is_none() && self.due.is_none() && !self.unsure
    }

    /// This reading followed by `other` (the next cell or row of the criterion).
    pub fn joined(mut self, other: Reading) -> Reading {
        self.lines.extend(other.lines);
        self.coefficient = self.coefficient.or(other.coefficient);
        self.from_percent = self.from_percent.or(other.from_percent);
        self.due = self.due.or(other.due);
        self.unsure |= other.unsure;
        self
    }
}

/// The rubric of a criterion from the readings of its rows (its own row,
/// then the unnumbered rows under it); `None` when they hold none or one of
/// them is unsure.
pub fn combine<'a>(readings: impl IntoIterator<Item = &'a Reading>) -> Option<Rubric> {
    let all = readings.into_iter().fold(Reading::default(), |all, r| all.joined(r.clone()));
    // Only zero-point lines and no formula: the line giving points was not read.
    let gives_points = all.coefficient.is_some() || all.lines.iter().any(|l| !l.value.is_zero());
    if all.unsure || !gives_points {
        return None;
    }
    let formula = all.coefficient.map(|coefficient| Formula { coefficient, from_percent: all.from_percent });
    Some(Rubric { lines: all.lines, formula, due: all.due })
}

/// Words that may come before `là` in an option line (`đánh giá là`, `tính là`, `chấm điểm là`).
const BEFORE_LA: [&str; 5] = ["gia", "tinh", "cham", "diem", "duoc"];
/// Words that may come before a value written with its unit (`được 1 điểm`, `thì 0,5 điểm`).
const BEFORE_POINTS: [&str; 8] = ["duoc", "dat", "cham", "tinh", "cho", "la", "thi", "bang"];

/// Reads one cell's text.
pub fn read(text: &str) -> Reading {
    let mut reading = Reading::default();
    // Most titles have no number (nor `Quý IV`) at all; they need no tokens.
    if !text.bytes().any(|b| b.is_ascii_digit()) && !text.contains("IV") {
        return reading;
    }
    let text = without_latex(text);
    let mut buffer = String::new();
    let tokens = tokenize(&text, &mut buffer);
    let formula = formula_at(&tokens);
    if let Some((k, _)) = &formula {
        reading.coefficient = *k;
        reading.unsure |= k.is_none();
    }
    let in_formula = |j: usize| formula.as_ref().is_some_and(|(_, span)| span.contains(&j));
    let mut previous_end = 0;
    // A `label: X` whose value runs on into more words, not read as an option.
    let mut run_on = false;
    // The token ranges of the option lines read, for the `;` check below.
    let mut spans = Vec::new();
    for j in 0..tokens.len() {
        // Numbers inside a line already read (a value-first line's label) are no options.
        if tokens[j].kind != Kind::Number || in_formula(j) || j < previous_end {
            continue;
        }
        if deducts(&tokens, j) {
            reading.unsure = true;
        }
        // A value first on its line (`Kịp thời:\n0,5 điểm: Ban hành kịp thời`) is
        // not the value of the colon ending the line above; after a colon on its line it is.
        let after_colon = j >= 1 && tokens[j - 1].is_mark(':') && !tokens[j - 1].line_end;
        let value_first = || value_first_at(&tokens, j, previous_end);
        let found = match after_colon {
            true => option_at(&tokens, j).or_else(value_first),
            false => value_first().or_else(|| option_at(&tokens, j)),
        };
        let Some((value, end)) = found else {
            run_on |= after_colon && tokens.get(j + 1).is_some_and(|t| t.kind == Kind::Word || t.is_mark('('));
            continue;
        };
        let start = line_start(&tokens, j, previous_end);
        let line = text[tokens[start].start..tokens[end - 1].end].to_owned();
        reading.lines.push(RubricLine { value, text: line });
        spans.push(start..end);
        previous_end = end;
    }
    reading.unsure |= !semicolons_part_options(&tokens, &spans);
    // Option lines beside a `label: X` that runs on (two lines joined into one,
    // `Ban hành kịp thời: 0,5 Ban hành chậm: 0,25`): an option may be missing.
    reading.unsure |= run_on && !reading.lines.is_empty();
    // A rate per unit (`mỗi sáng kiến được 0,5 điểm`) is no set of options.
    // Each letter looked for on its own: a search for either decodes every character.
    if !reading.lines.is_empty() && (text.contains('ỗ') || text.contains('Ỗ')) && text.to_lowercase().contains("mỗi")
    {
        reading.unsure = true;
    }
    reading.from_percent = from_percent(&tokens, &reading.lines);
    reading.due = due_date(&tokens);
    reading
}

/// `$[Tỷ\ lệ\ \% … \times 1.00 / 100]$` (a converter's LaTeX) as plain text.
fn without_latex(text: &str) -> Cow<'_, str> {
    // Bytes: both are ASCII, and a search for either of two characters decodes every one.
    if !text.bytes().any(|b| b == b'\\' || b == b'$') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.replace("\\times", " × ")
            .replace("\\cdot", " × ")
            .replace("\\ ", " ")
            .replace("\\%", "%")
            .replace('$', " "),
    )
}

/// The value of an option line whose number is token `j`, and the index
/// after the line's value (its unit included).
fn option_at(tokens: &[Token], j: usize) -> Option<(Decimal, usize)> {
    let next = tokens.get(j + 1);
    if next.is_some_and(|t| t.is_mark('%') || t.is_mark('/') || t.kind == Kind::Number) || j == 0 {
        return None;
    }
    let value = parse_score(tokens[j].folded).filter(|v| !v.is_sign_negative())?;
    let colon = tokens[j - 1].is_mark(':');
    let q = if colon { j.checked_sub(2)? } else { j - 1 };
    let unit = next.is_some_and(|t| t.is_word("diem") || t.is_word("d"));
    let end = if unit { j + 2 } else { j + 1 };
    let word = |k: usize, words: &[&str]| tokens[k].kind == Kind::Word && words.contains(&tokens[k].folded);
    let said = tokens[q].is_word("la") && q >= 1 && word(q - 1, &BEFORE_LA);
    let marked = tokens[j - 1].is_mark('=') || tokens[j - 1].is_mark('(');
    let with_unit = unit && (colon || marked || word(q, &BEFORE_POINTS));
    // `…: X` closing its line, with words before the colon on that line.
    let bullet = |t: &Token| (t.is_mark('-') || t.is_mark('–') || t.is_mark('+')) && t.space_after;
    let closes_at = |k: usize| {
        k >= tokens.len()
            || tokens[k - 1].line_end
            // The next line's bullet on the same line (`…: 1 - Sau ngày 15/01: 0,5`).
            || tokens[k - 1].space_after && bullet(&tokens[k])
            // `;` ends a line, or parts options on one line (checked by `semicolons_part_options`).
            || tokens[k].is_mark(';') && tokens.get(k + 1).is_none_or(|t| tokens[k].line_end || t.kind == Kind::Word)
            || tokens[k].is_mark('.') && (k + 1 >= tokens.len() || tokens[k].line_end)
    };
    // A remark in brackets after the value (`…: 0,5 (đúng hạn)`) is part of its line.
    let after_remark = tokens.get(end).filter(|t| t.is_mark('(')).and_then(|_| {
        (end + 1..tokens.len()).take_while(|&k| !tokens[k - 1].line_end).find(|&k| tokens[k].is_mark(')'))
    });
    let closes_line = closes_at(end) || after_remark.is_some_and(|close| closes_at(close + 1));
    let labelled =
        colon && closes_line && tokens[..j - 1].iter().rev().take_while(|t| !t.line_end).any(|t| t.kind == Kind::Word);
    (said || with_unit || labelled).then_some((value, end))
}

/// An option line written value first (`- 1 điểm: Có kế hoạch`, `0,5 điểm –
/// Ban hành đúng hạn`) whose number is token `j`: the value, the unit, a colon
/// or dash and a label, at the start of a line (after its bullet, a `;` or the
/// option line before, `previous_end`). Returns the value and the index after the label.
fn value_first_at(tokens: &[Token], j: usize, previous_end: usize) -> Option<(Decimal, usize)> {
    let unit = tokens.get(j + 1).is_some_and(|t| t.is_word("diem") || t.is_word("d"));
    let dash = |t: &Token| t.is_mark('-') || t.is_mark('–');
    let parted = tokens.get(j + 2).is_some_and(|t| t.is_mark(':') || dash(t) && t.space_after);
    if !unit || !parted || tokens.get(j + 3).is_none_or(|t| t.kind != Kind::Word) {
        return None;
    }
    let opens = |k: usize| k == 0 || k == previous_end || tokens[k - 1].line_end || tokens[k - 1].is_mark(';');
    let bullet = |t: &Token| (dash(t) || t.is_mark('+') || t.is_mark('•') || t.is_mark('*')) && t.space_after;
    if !(opens(j) || j >= 1 && bullet(&tokens[j - 1]) && opens(j - 1)) {
        return None;
    }
    let value = parse_score(tokens[j].folded).filter(|v| !v.is_sign_negative())?;
    // The label runs to the line's end, a `;`, or the next value-first line's bullet.
    let next_line = |k: usize| {
        bullet(&tokens[k])
            && tokens.get(k + 1).is_some_and(|t| t.kind == Kind::Number)
            && tokens.get(k + 2).is_some_and(|t| t.is_word("diem"))
    };
    // A next line with no bullet and no number is the label wrapped (a printed page's line).
    let wrapped = |k: usize| {
        !bullet(&tokens[k])
            && tokens[k..]
                .iter()
                .position(|t| t.kind == Kind::Number)
                .is_none_or(|n| tokens[k..k + n].iter().any(|t| t.line_end))
    };
    let end = (j + 4..tokens.len())
        .find(|&k| tokens[k - 1].line_end && !wrapped(k) || tokens[k].is_mark(';') || next_line(k))
        .unwrap_or(tokens.len());
    Some((value, end))
}

/// Options parted by `;` on one line (`Kịp thời: 0,5; Chậm: 0,25; Không: 0`)
/// are read only when every part of the cell between its `;` is an option
/// line: a part that is not may be an option this reader missed.
fn semicolons_part_options(tokens: &[Token], spans: &[std::ops::Range<usize>]) -> bool {
    let parting = |k: usize| tokens[k].is_mark(';') && !tokens[k].line_end && k + 1 < tokens.len();
    if !spans.iter().any(|s| s.end < tokens.len() && parting(s.end)) {
        return true;
    }
    let mut from = 0;
    for to in (0..tokens.len()).filter(|&k| parting(k)).chain([tokens.len()]) {
        // A part ends with its option line, or with the `.` or `;` after it.
        let mut end = to;
        while end > from && (tokens[end - 1].is_mark('.') || tokens[end - 1].is_mark(';')) {
            end -= 1;
        }
        if !spans.iter().any(|s| s.start >= from && s.end == end) {
            return false;
        }
        from = to + 1;
    }
    true
}

/// A deduction (`Thiếu 01 báo cáo trừ 0,5`): `trừ` shortly before a number.
fn deducts(tokens: &[Token], j: usize) -> bool {
    tokens[j.saturating_sub(3)..j].iter().any(|t| t.is_word("tru"))
}

/// Where the line of the option whose value is token `j` starts: its bullet
/// (`- `, `+ `), the start of its line or the `;` before it, or the end of the option before it.
fn line_start(tokens: &[Token], j: usize, previous_end: usize) -> usize {
    let mut k = j;
    while k > previous_end {
        let t = &tokens[k - 1];
        // A `;` before it ends the option line before (`… 1 điểm; không … thì 0 điểm`).
        if t.line_end || t.is_mark(';') {
            break;
        }
        if (t.is_mark('-') || t.is_mark('+') || t.is_mark('•') || t.is_mark('–')) && t.space_after {
            return k;
        }
        k -= 1;
    }
    k
}

/// The formula's coefficient `K` (`None` when the formula is there but `K`
/// cannot be read) and the tokens the formula spans.
fn formula_at(tokens: &[Token]) -> Option<(Option<Decimal>, std::ops::Range<usize>)> {
    let times = |t: &Token| t.is_mark('×') || t.is_mark('*') || t.is_mark('⋅') || t.is_word("x");
    let sign_within =
        |start: usize, reach: usize| (start..tokens.len().min(start + reach)).find(|&k| times(&tokens[k]));
    let said =
        (0..tokens.len().saturating_sub(1)).find(|&i| tokens[i].is_word("cong") && tokens[i + 1].is_word("thuc"));
    // Without the word "công thức", only `Tỷ lệ % … × K` is a formula.
    let (start, sign) = match said {
        Some(start) => (start, sign_within(start, 40)),
        None => (0..tokens.len().saturating_sub(2)).find_map(|i| {
            let ratio = tokens[i].is_word("ty") && tokens[i + 1].is_word("le") && tokens[i + 2].is_mark('%');
            ratio.then(|| sign_within(i, 12).map(|sign| (i, Some(sign)))).flatten()
        })?,
    };
    let Some(sign) = sign else {
        return Some((None, start..start));
    };
    let k = tokens.get(sign + 1).filter(|t| t.kind == Kind::Number).and_then(|t| parse_score(t.folded));
    // The divisor after `K` (`/ 100`, `75`) and the closing bracket belong to the formula.
    // Without a bracket it ends with its line (`… x 2\n+ 0 điểm: Dưới 90%`).
    let end = (sign + 1..tokens.len().min(sign + 6))
        .find(|&k| tokens[k].is_mark(']'))
        .or_else(|| (sign + 1..tokens.len().min(sign + 4)).find(|&k| tokens[k].line_end))
        .unwrap_or(sign + 4);
    Some((k, start..end + 1))
}

/// `Từ P% đến 100%`, or `Dưới P%` on a line whose value is 0.
fn from_percent(tokens: &[Token], lines: &[RubricLine]) -> Option<Decimal> {
    let percent =
        |k: usize| tokens.get(k + 1).filter(|t| t.is_mark('%')).and(tokens.get(k)).filter(|t| t.kind == Kind::Number);
    for i in 0..tokens.len() {
        if tokens[i].is_word("tu") {
            if let Some(p) = percent(i + 1).and_then(|t| parse_score(t.folded)) {
                let to_full = tokens[i + 3..tokens.len().min(i + 10)]
                    .windows(3)
                    .any(|w| w[0].is_word("den") && w[1].folded == "100" && w[2].is_mark('%'));
                if to_full && p < Decimal::ONE_HUNDRED {
                    return Some(p);
                }
            }
        }
    }
    let below = (0..tokens.len()).find_map(|i| {
        tokens[i].is_word("duoi").then(|| percent(i + 1).and_then(|t| parse_score(t.folded))).flatten()
    })?;
    lines.iter().any(|l| l.value.is_zero() && crate::text::fold(&l.text).contains("duoi")).then_some(below)
}

/// `trước ngày 15/01 hàng năm`, `trước ngày 31 tháng 12 năm trước`,
/// `trong Quý IV của năm trước (liền kề năm kế hoạch)`.
fn due_date(tokens: &[Token]) -> Option<DueDate> {
    let previous_year = |k: usize| {
        tokens[k.min(tokens.len())..tokens.len().min(k + 6)]
            .windows(2)
            .any(|w| w[0].is_word("nam") && w[1].is_word("truoc"))
    };
    for i in 0..tokens.len() {
        // `trước ngày 15/01`, `chậm nhất ngày 15/01`.
        let by = if tokens[i].is_word("truoc") {
            Some(i + 1)
        } else if tokens[i].is_word("cham") && tokens.get(i + 1).is_some_and(|t| t.is_word("nhat")) {
            Some(i + 2)
        } else {
            None
        };
        if let Some(after) = by {
            let k = if tokens.get(after).is_some_and(|t| t.is_word("ngay")) { after + 1 } else { after };
            let int = |n: usize| tokens.get(n).and_then(Token::integer);
            // `15/01`, `15-01` or `15 tháng 01`.
            let separated = tokens.get(k + 1).is_some_and(|t| t.is_mark('/') || t.is_mark('-') || t.is_word("thang"));
            if !separated {
                continue;
            }
            let (day, month, next) = (int(k), int(k + 2), k + 3);
            let (Some(day), Some(month)) = (day, month) else { continue };
            let explicit = tokens
                .get(next)
                .filter(|t| t.is_mark('/') || t.is_mark('-') || t.is_word("nam"))
                .and_then(|_| int(next + 1))
                .filter(|y| (1990..=2100).contains(y));
            let year = match explicit {
                Some(y) => DueYear::Fixed(y as i32),
                None if previous_year(next) => DueYear::Previous,
                None => DueYear::Assessment,
            };
            let due = DueDate { day, month, year };
            if due.in_year(2000).is_some() {
                return Some(due);
            }
        }
        if tokens[i].is_word("quy") && tokens.get(i + 1).is_some_and(|t| t.is_word("iv")) && previous_year(i + 2) {
            return Some(DueDate { day: 31, month: 12, year: DueYear::Previous });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn values(reading: &Reading) -> Vec<Decimal> {
        reading.lines.iter().map(|l| l.value).collect()
    }

    #[test]
    fn option_lines_in_the_title_cell() {
        let r = read(
            "Ban hành kế hoạch CCHC năm kịp thời (trước ngày 15/01 hàng năm):\n- Ban hành kịp thời thì đánh giá là: 0,5\n- Ban hành không kịp thời (trong Quý I năm đánh giá) thì đánh giá là: 0,25\n- Không ban hành thì đánh giá là: 0",
        );
        assert_eq!(values(&r), [d("0.5"), d("0.25"), d("0")]);
        assert_eq!(r.lines[0].text, "Ban hành kịp thời thì đánh giá là: 0,5");
        assert_eq!(r.due, Some(DueDate { day: 15, month: 1, year: DueYear::Assessment }));
        assert!(!r.unsure && r.coefficient.is_none());
        // The same lines joined by spaces (a PDF's wrapped text, a sheet's cell).
        let r = read("Thực hiện quy chế: - Thực hiện đầy đủ thì đánh giá là:1 - Chưa đầy đủ thì đánh giá là: 0");
        assert_eq!(values(&r), [d("1"), d("0")]);
        assert_eq!(r.lines[1].text, "Chưa đầy đủ thì đánh giá là: 0");
        let r = read("Có kế hoạch thì được đánh giá là 1 điểm; không có kế hoạch thì 0 điểm");
        assert_eq!(values(&r), [d("1"), d("0")]);
        let r = read("- Ban hành kịp thời (0,5 điểm)\n- Ban hành chậm = 0,25 điểm\n- Không ban hành được 0 điểm");
        assert_eq!(values(&r), [d("0.5"), d("0.25"), d("0")]);
        assert!(read("Sáng kiến được công nhận (tối đa 2 điểm)").lines.is_empty());
    }

    #[test]
    fn option_rows_and_lines_of_the_form_label_colon_value() {
        assert_eq!(values(&read("Ban hành kíp thời: 2")), [d("2")]);
        let inline = read("Trước ngày 15/01 hàng năm: 1 - Sau ngày 15/01: 0,5 - Không ban hành: 0");
        assert_eq!(values(&inline), [d("1"), d("0.5"), d("0")]);
        assert_eq!(inline.lines[1].text, "Sau ngày 15/01: 0,5");
        assert_eq!(values(&read("Thực hiện từ 50% - dưới 80% kế hoạch: 0,5")), [d("0.5")]);
        let r = read("Các kết quả phải đạt được xác định rõ ràng\nĐạt yêu cầu: 1");
        assert_eq!(values(&r), [d("1")]);
        // Not options: a share, a count inside a line, a criterion title.
        assert!(read("Tỷ lệ hồ sơ TTHC được xử lý trực tuyến mức độ 3: 97,4%").lines.is_empty());
        assert!(read("TCTP 1.1.1. Ban hành kế hoạch CCHC năm kịp thời").is_empty());
        assert!(read("Tỷ lệ giảm biên chế so với năm 2020").is_empty());
        assert!(read("Có từ 02 sáng kiến trở lên").is_empty());
        // A remark in brackets after the value closes its line with it.
        let r = read("- Ban hành kịp thời: 0,5 (đúng hạn)\n- Ban hành chậm: 0,25\n- Không ban hành: 0");
        assert_eq!(values(&r), [d("0.5"), d("0.25"), d("0")]);
        assert!(read("- Ban hành kịp thời: 0,5 (đúng hạn) và đủ\n- Không ban hành: 0").unsure);
        // Two option lines joined without their break: the first is not read, so nothing is.
        assert!(read("Ban hành kịp thời: 0,5 Ban hành không kịp thời (trong Quý I): 0,25").unsure);
        assert!(!read("Ban hành kịp thời: 0,5\nBan hành không kịp thời (trong Quý I): 0,25").unsure);
    }

    #[test]
    fn options_written_value_first_or_on_one_line() {
        let r = read(
            "Có kế hoạch kiểm tra:\n- 1 điểm: có kế hoạch và thực hiện đủ\n- 0,5 điểm: có kế hoạch\n+ 0 điểm: không có",
        );
        assert_eq!(values(&r), [d("1"), d("0.5"), d("0")]);
        assert_eq!(r.lines[1].text, "0,5 điểm: có kế hoạch");
        let r = read("0,5 điểm – ban hành đúng hạn (trước ngày 15/01)\n0 điểm – không ban hành");
        assert_eq!((values(&r), r.unsure), (vec![d("0.5"), d("0")], false));
        assert_eq!(values(&read("- 1 điểm: đủ - 0 điểm: không đủ")), [d("1"), d("0")]);
        // A value and its unit inside a sentence are no value-first line.
        assert!(read("Tối đa 2 điểm: tùy mức độ").is_empty());
        let r = read("Kịp thời:\nBan hành kịp thời: 0,5; Ban hành chậm: 0,25; Không ban hành: 0.");
        assert_eq!((values(&r), r.unsure), (vec![d("0.5"), d("0.25"), d("0")], false));
        assert_eq!(r.lines[1].text, "Ban hành chậm: 0,25");
        assert_eq!(values(&read("1 điểm: có; 0 điểm: không")), [d("1"), d("0")]);
        // The last label wrapped onto a line of its own.
        let r = read("1 điểm – Có bố trí kinh phí; 0 điểm – Không bố trí\nkinh phí");
        assert_eq!((values(&r), r.unsure), (vec![d("1"), d("0")], false));
        let r = read("- 1 điểm: Có kế hoạch\nBan hành chậm: 0,5\n- 0 điểm: Không");
        assert_eq!(values(&r), [d("1"), d("0.5"), d("0")]);
        let r =
            read("Kịp thời (trước ngày 31/01):\n0,5 điểm: Ban hành kịp thời; 0,25 điểm: Ban hành chậm; 0 điểm: Không");
        assert_eq!((values(&r), r.unsure), (vec![d("0.5"), d("0.25"), d("0")], false));
        // After a formula without its bracket, on the next line.
        let r = read("- Từ 90% đến 100% thì tính theo công thức: Tỷ lệ % hồ sơ đúng hạn x 2\n+ 0 điểm: Dưới 90%");
        assert_eq!((values(&r), r.coefficient), (vec![d("0")], Some(d("2"))));
        // A part between the `;` that is no option line: an option may be missing.
        assert!(read("Ban hành kịp thời: 0,5; ban hành chậm thì trừ điểm").unsure);
        assert!(read("Đủ: 1; thiếu tùy mức độ; Không có: 0").unsure);
    }

    #[test]
    fn deductions_and_rates_are_no_options() {
        assert!(read("Thiếu 01 báo cáo trừ 0,5").unsure);
        assert!(read("Mỗi sáng kiến được 0,5 điểm, tối đa 2 điểm").unsure);
        assert!(!read("Có sáng kiến mới thì đánh giá là: 1").unsure);
    }

    #[test]
    fn formulas_as_clerks_and_converters_write_them() {
        let r = read("- Từ 80% đến 100% kế hoạch thì đánh giá theo công thức: [Tỷ lệ % hoàn thành X 1.50 / 100]\n- Dưới 80% thì đánh giá là: 0");
        assert_eq!((r.coefficient, r.from_percent), (Some(d("1.50")), Some(d("80"))));
        assert_eq!(values(&r), [d("0")]);
        let r = read("- Từ 80% đến 100% thì tính theo công thức: $[Tỷ\\ lệ\\ \\% TTHC\\ giải\\ quyết \\times 0,50 / 100]$\n- Dưới 80% thì đánh giá là: 0");
        assert_eq!(r.coefficient, Some(d("0.50")));
        // `X 100/ 100` is read as written.
        assert_eq!(read("thì tính theo công thức: [Tỷ lệ % số hóa X 100/ 100]").coefficient, Some(d("100")));
        // The bracket on the next line; the divisor not 100.
        let r = read("- Từ 80% trở lên thì đánh giá theo công thức:\n[Tỷ lệ % CBCC hoàn thành X 2.00 / 100]\n- Dưới 80% thì đánh giá là: 0");
        assert_eq!(r.coefficient, Some(d("2.00")));
        let r = read(
            "- Từ 75% trở lên thì đánh giá là: 1\n- Dưới 75% thì đánh giá theo công thức: [Tỷ lệ % số hồ sơ X 1.00 75]",
        );
        assert_eq!((values(&r), r.coefficient, r.from_percent), (vec![d("1")], Some(d("1.00")), None));
        let r = read("Hoàn thành dưới 100% nhiệm vụ thì đánh giá theo công thức: [Tỷ lệ % hoàn thành * 1 /100]");
        assert_eq!(r.coefficient, Some(d("1")));
        // A formula whose coefficient cannot be read leaves the rubric unread.
        assert!(read("thì đánh giá theo công thức: (tỷ lệ hoàn thành)/100; dưới 50%: 0").unsure);
    }

    #[test]
    fn deadlines_of_the_timely_option() {
        let due = |t: &str| read(t).due;
        assert_eq!(
            due("kịp thời (trước ngày 15/01 hàng năm): 1"),
            Some(DueDate { day: 15, month: 1, year: DueYear::Assessment })
        );
        assert_eq!(
            due("Ban hành kế hoạch CCHC năm kíp thời (trong Quy IV của năm trước liền kế năm kế hoạch)"),
            Some(DueDate { day: 31, month: 12, year: DueYear::Previous })
        );
        assert_eq!(
            due("ban hành trước ngày 31 tháng 12 năm trước"),
            Some(DueDate { day: 31, month: 12, year: DueYear::Previous })
        );
        assert_eq!(due("trước ngày 20/01/2021"), Some(DueDate { day: 20, month: 1, year: DueYear::Fixed(2021) }));
        assert_eq!(
            due("ban hành chậm nhất ngày 31/01: 1"),
            Some(DueDate { day: 31, month: 1, year: DueYear::Assessment })
        );
        assert_eq!(due("Ban hành không kịp thời (trong Quý I năm đánh giá): 0,25"), None);
        assert_eq!(due("trước ngày 31/02"), None);
    }

    #[test]
    fn a_criterions_rows_make_one_rubric() {
        let rows = [
            read("1.1.1 Ban hành kế hoạch kíp thời (trong Quý IV của năm trước)"),
            read("Ban hành kíp thời: 2"),
            read("Ban hành không kíp thời: 1"),
            read("Không ban hành: 0"),
        ];
        let rubric = combine(&rows).expect("a rubric");
        assert_eq!(rubric.options(), [d("0"), d("1"), d("2")]);
        assert_eq!(rubric.due, Some(DueDate { day: 31, month: 12, year: DueYear::Previous }));
        assert_eq!(combine(&[read("Kế hoạch CCHC năm")]), None);
        assert_eq!(combine(&[read("Cập nhật không đầy đủ hoặc không kịp thời: 0")]), None);
        assert_eq!(combine(&[read("Đủ số lượng báo cáo: 2"), read("Thiếu 01 báo cáo trừ 0,5")]), None);
    }
}
