//! Citations in an evidence cell (tài liệu kiểm chứng): `Kế hoạch số
//! 52/KH-UBND ngày 28/12/2020`, `KH số 52/KH-UBND ngày 28/12/2020`,
//! `Quyết định 413/QĐ-UBND, 30/01/2018`, `bc 1467`, `số 144/QĐ-UBND` in a
//! list after another decision. A citation's date is the date written right
//! after its number and symbol; other dates in the cell (`tính đến
//! 31/7/2021`) belong to no citation. Years inside a number (`81/2013/NĐ-CP`)
//! are not dates.

use chrono::NaiveDate;

use super::tokens::{tokenize, Kind, Token};
use crate::model::{Citation, DocumentType};

/// Every citation in `text`, in the order written.
pub fn citations(text: &str) -> Vec<Citation> {
    // Nothing to find without a number: most cells skip the tokenizer.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let mut buffer = String::new();
    let tokens = tokenize(text, &mut buffer);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match citation_at(text, &tokens, i) {
            Some((citation, next)) => {
                found.push(citation);
                i = next;
            }
            None => i += 1,
        }
    }
    found
}

/// The document types by their folded words, full names before abbreviations.
const TYPE_WORDS: [(&[&str], DocumentType); 24] = [
    (&["ke", "hoach"], DocumentType::Plan),
    (&["bao", "cao"], DocumentType::Report),
    (&["quyet", "dinh"], DocumentType::Decision),
    (&["cong", "van"], DocumentType::Letter),
    (&["thong", "bao"], DocumentType::Notice),
    (&["to", "trinh"], DocumentType::Submission),
    (&["chi", "thi"], DocumentType::Directive),
    (&["van", "ban"], DocumentType::Document),
    (&["ket", "luan"], DocumentType::Conclusion),
    (&["giay", "moi"], DocumentType::Invitation),
    (&["quy", "che"], DocumentType::Regulation),
    (&["nghi", "quyet"], DocumentType::Resolution),
    (&["kh"], DocumentType::Plan),
    (&["bc"], DocumentType::Report),
    (&["qd"], DocumentType::Decision),
    (&["cv"], DocumentType::Letter),
    (&["tb"], DocumentType::Notice),
    (&["ttr"], DocumentType::Submission),
    (&["ct"], DocumentType::Directive),
    (&["vb"], DocumentType::Document),
    (&["kl"], DocumentType::Conclusion),
    (&["gm"], DocumentType::Invitation),
    (&["qc"], DocumentType::Regulation),
    (&["nq"], DocumentType::Resolution),
];

/// The first letters of the types' first words, as a set of bits (`a` the lowest).
const HEAD_LETTERS: u32 = {
    let (mut bits, mut i) = (0, 0);
    while i < TYPE_WORDS.len() {
        bits |= 1 << (TYPE_WORDS[i].0[0].as_bytes()[0] - b'a');
        i += 1;
    }
    bits
};

/// The length of the longest of the types' first words.
const LONGEST_HEAD: usize = {
    let (mut longest, mut i) = (0, 0);
    while i < TYPE_WORDS.len() {
        if TYPE_WORDS[i].0[0].len() > longest {
            longest = TYPE_WORDS[i].0[0].len();
        }
        i += 1;
    }
    longest
};

/// The type a symbol's first part names (`QĐ-UBND` → decision), for a
/// citation written without its type (`…; số 144/QĐ-UBND`).
fn type_of_symbol(symbol: &str) -> Option<DocumentType> {
    let head = symbol.split(['-', '/']).next()?;
    let head = crate::text::fold(head);
    TYPE_WORDS.iter().find(|(words, _)| words.len() == 1 && words[0] == head).map(|(_, t)| *t)
}

/// The type named by the words at `i`, and the index after them.
fn type_at(tokens: &[Token], i: usize) -> Option<(DocumentType, usize)> {
    // Most words of a cell start no type's name: the first letters and lengths tell them apart.
    let head = tokens.get(i)?.folded.as_bytes();
    let letter = head.first().filter(|b| b.is_ascii_lowercase()).map(|b| 1u32 << (b - b'a'));
    if head.len() > LONGEST_HEAD || letter.is_none_or(|bit| HEAD_LETTERS & bit == 0) {
        return None;
    }
    // Past those, the first letter leaves a type or three whose words are compared.
    let mut same_letter = TYPE_WORDS.iter().filter(|(words, _)| words[0].as_bytes()[0] == head[0]);
    same_letter.find_map(|(words, kind)| {
        let end = i + words.len();
        let matches = tokens.get(i..end)?.iter().zip(words.iter()).all(|(t, w)| t.is_word(w));
        matches.then_some((*kind, end))
    })
}

/// Words after a number that make it a period, not a document number (`Báo cáo 6 tháng`).
const PERIOD_WORDS: [&str; 4] = ["thang", "nam", "quy", "tuan"];

fn citation_at(text: &str, tokens: &[Token], i: usize) -> Option<(Citation, usize)> {
    if tokens[i].kind != Kind::Word {
        return None;
    }
    let (typed, mut j) = match type_at(tokens, i) {
        Some((kind, next)) => (Some(kind), next),
        None if tokens[i].is_word("so") => (None, i),
        None => return None,
    };
    let numbered = tokens.get(j).is_some_and(|t| t.is_word("so"));
    if numbered {
        j += 1;
    }
    if tokens.get(j).is_some_and(|t| t.is_mark(':')) {
        j += 1;
    }
    let number = tokens.get(j).filter(|t| t.is_integer())?;
    j += 1;
    if tokens.get(j).is_some_and(|t| t.kind == Kind::Word && PERIOD_WORDS.contains(&t.folded))
        || tokens.get(j).is_some_and(|t| t.is_mark('%'))
    {
        return None;
    }
    let symbol = symbol_at(text, tokens, &mut j);
    let kind = match typed {
        Some(kind) => kind,
        // A bare `số 144/QĐ-UBND`: the symbol must say what it is.
        None => type_of_symbol(symbol.as_deref()?)?,
    };
    let mut end = tokens[j - 1].end;
    let date = date_after(tokens, &mut j);
    if date.is_some() {
        end = tokens[j - 1].end;
    }
    let citation = Citation {
        kind,
        number: text[number.start..number.end].to_owned(),
        symbol,
        date: date.flatten().map(|(date, _)| date),
        short_year: date.flatten().is_some_and(|(_, short)| short),
        text: text[tokens[i].start..end].to_owned(),
    };
    Some((citation, j))
}

/// A symbol after the number (`/KH-UBND`, `/ QĐ - UBND`, `/2013/NĐ-CP`, or
/// a Party document's `-QĐ/TU` joined to its number by a hyphen), written
/// without spaces; moves `j` past it.
fn symbol_at(text: &str, tokens: &[Token], j: &mut usize) -> Option<String> {
    let hyphened = *j >= 1 && !tokens[*j - 1].space_after && tokens.get(*j).is_some_and(|t| t.is_mark('-'));
    if !hyphened && !tokens.get(*j).is_some_and(|t| t.is_mark('/')) {
        return None;
    }
    let joins = |t: &Token| t.is_mark('-') || t.is_mark('/') || t.is_mark('–');
    let mut kept: Vec<usize> = Vec::new();
    let mut k = *j + 1;
    while let Some(t) = tokens.get(k) {
        let part = t.kind == Kind::Word || t.is_integer() || joins(t);
        // A space ends the symbol unless a joiner is on either side of it (`KH - UBND`).
        let before = &tokens[k - 1];
        if !part || (before.space_after && !joins(t) && !joins(before)) {
            break;
        }
        kept.push(k);
        k += 1;
    }
    while kept.last().is_some_and(|&k| joins(&tokens[k])) {
        kept.pop();
    }
    let symbol: String = kept
        .iter()
        .map(|&k| if tokens[k].is_mark('–') { "-" } else { &text[tokens[k].start..tokens[k].end] })
        .collect();
    // After a hyphen only `QĐ/TU`: a range (`2021-2025`) or a word is no symbol.
    if !symbol.chars().any(char::is_alphabetic) || hyphened && !symbol.contains('/') {
        return None;
    }
    *j = kept.last()? + 1;
    Some(symbol)
}

/// The date written right after a citation's number: `ngày 28/12/2020`,
/// `, 30/01/2018`, `28-12-2020`, `28.12.2020`, `ngày 28 tháng 12 năm 2020`,
/// `2020-12-28`, `28/12/20` (a two-digit year is 20YY). `Some(None)`: a date
/// is written there but does not exist or cannot be read for certain.
/// The flag: the year is written in two digits.
fn date_after(tokens: &[Token], j: &mut usize) -> Option<Option<(NaiveDate, bool)>> {
    let mut k = *j;
    while tokens.get(k).is_some_and(|t| t.is_mark(',') || t.is_mark('(')) {
        k += 1;
    }
    if tokens.get(k).is_some_and(|t| t.is_word("ngay")) {
        k += 1;
    }
    let (date, next) = date_at(tokens, k)?;
    *j = next;
    // The year is the date's last digits (`30/9/21`, `30.9.21`) unless it comes first.
    let last = tokens[next - 1].folded.rsplit(['/', '-', '.']).next().unwrap_or_default();
    let short = last.len() == 2 && tokens[k].folded.len() != 4;
    Some(date.map(|d| (d, short)))
}

/// A date starting at token `k`, and the index after it.
pub fn date_at(tokens: &[Token], k: usize) -> Option<(Option<NaiveDate>, usize)> {
    let first = tokens.get(k)?;
    if first.kind != Kind::Number {
        return None;
    }
    // One token: `28.12.2020` (its parts taken in turn, not collected: most numbers are not dates).
    let mut parts = first.folded.split('.');
    if let (Some(d), Some(m), Some(y), None) = (parts.next(), parts.next(), parts.next(), parts.next()) {
        if [d, m, y].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
            return Some((dmy(d, m, y), k + 1));
        }
    }
    let int = |n: usize| tokens.get(n).filter(|t| t.is_integer()).map(|t| t.folded);
    let word = |n: usize, w: &str| tokens.get(n).is_some_and(|t| t.is_word(w));
    let d = int(k)?;
    // `28 tháng 12 năm 2020`
    if word(k + 1, "thang") && word(k + 3, "nam") {
        let (m, y) = (int(k + 2)?, int(k + 4)?);
        return Some((dmy(d, m, y), k + 5));
    }
    let sep = tokens.get(k + 1).filter(|t| t.is_mark('/') || t.is_mark('-'))?;
    let same = |n: usize| tokens.get(n).is_some_and(|t| t.folded == sep.folded);
    let (m, y) = (int(k + 2)?, int(k + 4).filter(|_| same(k + 3))?);
    // `2020-12-28`: the year first.
    if d.len() == 4 {
        return Some((dmy(y, m, d), k + 5));
    }
    // `28/12/20` then a number: a four-digit year a line break split (`20\n21`), or no date.
    if y.len() == 2 && tokens.get(k + 5).is_some_and(|t| t.kind == Kind::Number) {
        return Some((None, k + 5));
    }
    Some((dmy(d, m, y), k + 5))
}

/// A date from day, month and a four-digit year, or a two-digit one of this
/// century (`30/9/21`); `None` when it does not exist.
fn dmy(d: &str, m: &str, y: &str) -> Option<NaiveDate> {
    if !matches!(y.len(), 2 | 4) || d.len() > 2 || m.len() > 2 {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    NaiveDate::from_ymd_opt(if y.len() == 2 { 2000 + year } else { year }, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A citation as (type, number, symbol, date, text).
    type Read = (String, String, Option<String>, Option<String>, String);

    fn read(text: &str) -> Vec<Read> {
        citations(text)
            .into_iter()
            .map(|c| (c.kind.name().to_owned(), c.number, c.symbol, c.date.map(|d| d.to_string()), c.text))
            .collect()
    }

    fn one(text: &str) -> Read {
        let mut all = read(text);
        assert_eq!(all.len(), 1, "{text}: {all:?}");
        all.remove(0)
    }

    fn s(v: &str) -> String {
        v.to_owned()
    }

    #[test]
    fn citations_written_many_ways() {
        assert_eq!(
            one("- Kế hoạch số 52/KH-UBND ngày 28/12/2020 của UBND thị trấn Bút Sơn về thực hiện CCHC năm 2021."),
            (
                s("Kế hoạch"),
                s("52"),
                Some(s("KH-UBND")),
                Some(s("2020-12-28")),
                s("Kế hoạch số 52/KH-UBND ngày 28/12/2020")
            )
        );
        assert_eq!(
            one("KH số 52/KH-UBND ngày 03/02/2021 của UBND"),
            (s("Kế hoạch"), s("52"), Some(s("KH-UBND")), Some(s("2021-02-03")), s("KH số 52/KH-UBND ngày 03/02/2021"))
        );
        assert_eq!(
            one("Quyết định 413/QĐ-UBND, 30/01/2018 về ban hành kế hoạch"),
            (
                s("Quyết định"),
                s("413"),
                Some(s("QĐ-UBND")),
                Some(s("2018-01-30")),
                s("Quyết định 413/QĐ-UBND, 30/01/2018")
            )
        );
        assert_eq!(
            one("BC số 1035/BC-UBND ngày 30/9/2021;"),
            (
                s("Báo cáo"),
                s("1035"),
                Some(s("BC-UBND")),
                Some(s("2021-09-30")),
                s("BC số 1035/BC-UBND ngày 30/9/2021")
            )
        );
        assert_eq!(one("bc 1467"), (s("Báo cáo"), s("1467"), None, None, s("bc 1467")));
        assert_eq!(one("BC 1279/BC-UBND 25/11/2021, thu chi NSĐP").3, Some(s("2021-11-25")));
        assert_eq!(one("KH số 342/KH - UBND ngày 27/02/2018").2, Some(s("KH-UBND")));
        assert_eq!(one("Kế hoạch số 2180 ngày 01/11/2017 về việc").3, Some(s("2017-11-01")));
        assert_eq!(one("Quyết định số 152/QĐ-UBND ngày 31 tháng 12 năm 2021").3, Some(s("2021-12-31")));
        assert_eq!(one("Tờ trình số 12/TTr-UBND ngày 5-3-2021").3, Some(s("2021-03-05")));
        assert_eq!(one("Công văn số 725/BNV-CCHC ngày 01.3.2012 của Bộ Nội vụ").3, Some(s("2012-03-01")));
        assert_eq!(one("Thông báo số 531/TB-UBND ngày 2021-03-26").3, Some(s("2021-03-26")));
        assert_eq!(one("VB số 1346/UBND-VP ngày 05/7/2018").0, s("Văn bản"));
        assert_eq!(one("CV 6945 thực hiện sau ktra").0, s("Công văn"));
        assert_eq!(one("TB 216").0, s("Thông báo"));
        assert_eq!(one("BC 1231.pdf"), (s("Báo cáo"), s("1231"), None, None, s("BC 1231")));
        assert_eq!(one("QĐ số: 12/QĐ-UBND").1, s("12"));
        // Party documents: the symbol hyphened to the number (seed 003).
        assert_eq!(
            one("QĐ 809-QĐ/TU ngày 25/11/2019"),
            (s("Quyết định"), s("809"), Some(s("QĐ/TU")), Some(s("2019-11-25")), s("QĐ 809-QĐ/TU ngày 25/11/2019"))
        );
        assert_eq!(one("Nghị quyết số 15/NQ-HĐND ngày 10/12/2020").0, s("Nghị quyết"));
        assert_eq!(one("NQ 15/NQ-HĐND").0, s("Nghị quyết"));
        assert_eq!(one("KH 881 CNTT 2021-2025").2, None);
        assert_eq!(one("KH 881-CNTT ngày 01/3/2021").2, None);
    }

    #[test]
    fn two_digit_years_are_this_centurys() {
        let short =
            |text: &str| citations(text).into_iter().map(|c| (c.date.map(|d| d.to_string()), c.short_year)).next();
        assert_eq!(short("Kế hoạch số 52/KH-UBND ngày 28/12/20 về CCHC"), Some((Some(s("2020-12-28")), true)));
        assert_eq!(short("BC 1035/BC-UBND 30/9/21;"), Some((Some(s("2021-09-30")), true)));
        assert_eq!(short("QĐ 12/QĐ-UBND ngày 5.3.21"), Some((Some(s("2021-03-05")), true)));
        assert_eq!(short("QĐ 12/QĐ-UBND ngày 05/3/2021"), Some((Some(s("2021-03-05")), false)));
        assert_eq!(short("QĐ 12/QĐ-UBND ngày 2021-03-05"), Some((Some(s("2021-03-05")), false)));
        // A four-digit year a line break split is no two-digit year.
        assert_eq!(short("Kế hoạch số 52/KH-UBND ngày 28/12/20\n21 về CCHC"), Some((None, false)));
    }

    #[test]
    fn several_citations_in_one_cell() {
        let all = read(
            "bc 1467 thực hiện khcchc\nBC số 1035/BC-UBND ngày 30/9/2021;\nBC số 1231/BC-UBND ngày 15/11/2021; bc CCHC năm",
        );
        let dates: Vec<Option<String>> = all.iter().map(|c| c.3.clone()).collect();
        assert_eq!(dates, [None, Some(s("2021-09-30")), Some(s("2021-11-15"))]);
        // A list of decisions: the later ones keep the type their symbol names.
        let all = read("Quyết định số 143/QĐ-UBND ngày 18/8/2021; số 144/QĐ-UBND ngày 18/8/2021");
        assert_eq!(all.len(), 2);
        assert_eq!((all[1].0.as_str(), all[1].3.as_deref()), ("Quyết định", Some("2021-08-18")));
        let all = read("QĐ 12760; QĐ 12426");
        assert_eq!(all.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(), ["12760", "12426"]);
    }

    #[test]
    fn dates_and_numbers_that_are_not_citations() {
        // A date elsewhere in the cell is no citation's date.
        assert!(read("Báo cáo thống kê số lượng, chất lượng CBCC cấp xã tính đến 31/7/2021").is_empty());
        let all = read("Báo cáo số 09/BC-UBND ngày 04/3/2021 tổng kết (từ ngày 19/7/2013 đến 31/12/2020)");
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].3.as_deref(), Some("2021-03-04"));
        // Years inside a number are no dates; laws are not the unit's evidence.
        assert!(read("thi hành Nghị định số 81/2013/NĐ-CP và Nghị định số 97/2017/NĐ-CP").is_empty());
        assert!(read("Báo cáo 6 tháng đầu năm; Báo cáo năm 2021 chưa đến kỳ báo cáo.").is_empty());
        assert!(read("5/VP-BPTNVTKQHS; Tỷ lệ hồ sơ mức độ 3: 97,4%; ISO 9001:2015").is_empty());
        // A date that does not exist is no date.
        assert_eq!(one("Kế hoạch số 5/KH-UBND ngày 31/02/2021").3, None);
        assert_eq!(one("KH 882 CNTT"), (s("Kế hoạch"), s("882"), None, None, s("KH 882")));
    }
}
