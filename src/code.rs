//! Criteria codes as documents write them: `2.`, `1.1.`, `TCTP 1.1.1.`,
//! `TC 1.1.`, `1.2 Báo cáo CCHC` (code and title in one cell), Roman group
//! numerals `I`, `II.`, `VIII`. Normalized to digits joined by dots.

use regex::Regex;
use std::sync::LazyLock;

/// A code found at the start of a cell, with the text that follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeMatch {
    /// Normalized code: `"1.1.1"`, `"2"`, `"VIII"`.
    pub code: String,
    /// Whether it is a Roman group numeral.
    pub roman: bool,
    /// Whether a word prefix named it a criterion (`TC`, `TCTP`, `Tiêu chí`).
    pub prefixed: bool,
    /// Text after the code (a title written in the same cell), trimmed.
    pub rest: String,
}

impl CodeMatch {
    /// Number of levels: `1` for a section, `3` for `1.1.1`; 0 for Roman.
    pub fn depth(&self) -> usize {
        if self.roman {
            0
        } else {
            self.code.split('.').count()
        }
    }
}

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xis)^
        (?P<prefix>(?:tctp|tct|tc|tiêu\s+chí\s+thành\s+phần|tiêu\s+chí|lĩnh\s+vực)\s*)?
        (?P<code>\d{1,2}(?:\s?\.\s?\d{1,2}){0,4})
        (?:
          (?P<dot>\s?\.)?(?P<tail>$|[\s:,)\-–\[\]|])
          # the space after the final dot lost (OCR): `2.2.3.Xử lý`
          |\.(?P<glued>(?-i:\p{Lu}))
        )",
    )
    .expect("valid regex")
});

static ROMAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?xis)^(?:phần\s+)?(?P<code>[IVX]{1,5})(?:\s?[.:)\-–\[\]|])?(?P<tail>$|\s)").expect("valid regex")
});

static VALID_ROMAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$").expect("valid regex"));

/// Characters that may stand before a code without being part of it (after
/// it, a ruling's residue on a scan, `[`, `]` or `|`, ends it like a point).
const LEADING_DEBRIS: &[char] = &['*', '+', '-', '–', '—', '_', '~', '`', '\'', '"', '„', '“', '”', ',', '.', '¬', '|'];

/// Reads a code at the start of `text`. Accepts a bare number (`"25."`), a
/// dotted code, a prefixed code and a Roman numeral; the caller decides from
/// the column which of these count.
pub fn parse_code(text: &str) -> Option<CodeMatch> {
    // Marks and scan debris before a code (`* 1.1`, `—TC 3.1.`, `¬ „ , 2. XÂY DỰNG`).
    let text = text.trim().trim_start_matches(|c: char| c.is_whitespace() || LEADING_DEBRIS.contains(&c));
    // Both patterns start with a digit, a prefix (`tc`, `tiêu chí`, `lĩnh vực`, `phần`) or a
    // Roman numeral: any other first letter (most titles) needs no regex.
    let first = text.chars().next()?;
    if first.is_ascii()
        && !first.is_ascii_digit()
        && !matches!(first.to_ascii_lowercase(), 't' | 'l' | 'p' | 'i' | 'v' | 'x')
    {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return bare_code(text);
    }
    if let Some(m) = plain_prefixed(text) {
        return Some(m);
    }
    if let Some(caps) = NUMERIC.captures(text) {
        return numeric(text, &caps);
    }
    if let Some(caps) = ROMAN.captures(text) {
        let code = caps["code"].to_ascii_uppercase();
        if !VALID_ROMAN.is_match(&code) {
            return None;
        }
        // "I" alone, or a Roman numeral followed by an upper-case heading.
        let rest = caps.name("tail").map(|m| text[m.start()..].trim().to_owned()).unwrap_or_default();
        if caps["code"] != code {
            return None; // lower-case "i", "v": list markers or words, not group numerals
        }
        return Some(CodeMatch { code, roman: true, prefixed: false, rest });
    }
    None
}

/// What a match of [`NUMERIC`] reads.
fn numeric(text: &str, caps: &regex::Captures) -> Option<CodeMatch> {
    let raw = &caps["code"];
    let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    // The regexes mark where the rest starts: matching it through to the end cost a scan of every title.
    let tail = caps.name("tail").or_else(|| caps.name("glued")).map_or("", |m| &text[m.start()..]);
    let rest = rest_after(tail);
    // "100% …", "2021 …" and dates are not codes: every level is 1–2 digits
    // (the regex enforces that) and a bare number must stand alone or before a title.
    if code.split('.').any(|part| part.is_empty()) {
        return None;
    }
    Some(CodeMatch { code, roman: false, prefixed: caps.name("prefix").is_some(), rest })
}

/// The title after a code, from the mark or space that ended the code.
fn rest_after(tail: &str) -> String {
    tail.trim_start_matches([':', ',', ')', '-', '–', '[', ']', '|']).trim().to_owned()
}

/// `Tiêu chí 1.2.3: …`, `Lĩnh vực 2 …`: the usual prefixed code of a title,
/// read without [`NUMERIC`]'s capture search (about 5,000 instructions a
/// title); `None` for any other shape, which is left to the regex. Giving
/// what the regex gives needs the code to end the match greedily: ASCII
/// levels of one or two digits, then the end, `:`, `,`, `)` or a space that
/// no dot follows (`1.2 .3`, `1.2.` and `1.2-` are left to the regex).
fn plain_prefixed(text: &str) -> Option<CodeMatch> {
    let after = ["Tiêu chí ", "TIÊU CHÍ ", "Lĩnh vực ", "LĨNH VỰC "].iter().find_map(|p| text.strip_prefix(p))?;
    let (code, tail) = after.split_at(after.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count());
    if !short_levels(code) {
        return None;
    }
    match tail.as_bytes() {
        [] | [b':' | b',' | b')', ..] | [b' '] => {}
        [b' ', next, ..] if *next != b'.' => {}
        _ => return None,
    }
    Some(CodeMatch { code: code.to_owned(), roman: false, prefixed: true, rest: rest_after(tail) })
}

/// A cell of digits and dots only (`1.2.3`, `2.`: most code cells), read
/// without the regex: what [`NUMERIC`] gives for it.
fn bare_code(text: &str) -> Option<CodeMatch> {
    let code = text.strip_suffix('.').unwrap_or(text);
    if !short_levels(code) {
        return None;
    }
    Some(CodeMatch { code: code.to_owned(), roman: false, prefixed: false, rest: String::new() })
}

/// Whether `code`, of ASCII digits and dots, is one to five dot-separated
/// levels of one or two digits: in one pass over its bytes (splitting it
/// twice was most of the time of reading a code cell).
fn short_levels(code: &str) -> bool {
    let (mut levels, mut digits) = (1, 0);
    for b in code.bytes() {
        if b != b'.' {
            digits += 1;
        } else if digits == 0 {
            return false;
        } else {
            (levels, digits) = (levels + 1, 0);
        }
        if digits > 2 || levels > 5 {
            return false;
        }
    }
    digits > 0
}

/// A code written at the start of a title cell (`TCTP 1.1.1. Ban hành …`,
/// `1.2. Thực hiện …`). Only a prefixed or multi-level code counts there, so
/// a rubric line such as `1. Có kế hoạch` is not taken for section 1.
pub fn title_code(title: &str) -> Option<CodeMatch> {
    let m = parse_code(title)?;
    if m.roman {
        return None;
    }
    (m.prefixed || m.depth() >= 2).then_some(m)
}

/// Digits of a code, its dots left out: what OCR keeps of a code whose dots it lost.
pub fn digits(code: &str) -> String {
    code.chars().filter(char::is_ascii_digit).collect()
}

/// A group's code: `I`, `II`, `VIII`.
pub fn is_roman(code: &str) -> bool {
    !code.is_empty() && code.chars().all(|c| "IVXL".contains(c))
}

/// The parent code by structure: `"1.1"` for `"1.1.1"`, `None` for `"1"`.
pub fn structural_parent(code: &str) -> Option<&str> {
    code.rfind('.').map(|pos| &code[..pos])
}

/// Every proper ancestor of a dotted code, nearest first.
pub fn ancestors(code: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(structural_parent(code), |c| structural_parent(c))
}

/// The codes that may come right after `before` in a criteria table: its
/// first child, then the next sibling of it and of each of its ancestors,
/// nearest first (`1.3.2` → `1.3.2.1`, `1.3.3`, `1.4`, `2`).
pub fn next_codes(before: &str) -> Vec<String> {
    let Some(parts) = before.split('.').map(|p| p.parse::<u32>().ok()).collect::<Option<Vec<u32>>>() else {
        return Vec::new();
    };
    let mut out = vec![format!("{before}.1")];
    out.extend((1..=parts.len()).rev().map(|n| {
        let mut next = parts[..n].to_vec();
        next[n - 1] += 1;
        next.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
    }));
    out
}

/// Whether children codes end in 1, 2, 3… without a gap (`1, 2, 4`: a
/// row lost) or a number read twice (a code misread as another's).
pub fn numbered_in_sequence<'c>(codes: impl Iterator<Item = &'c str>) -> bool {
    let mut last: Vec<u32> =
        codes.filter_map(|code| code.trim_end_matches('.').rsplit('.').next()?.parse().ok()).collect();
    let count = last.len();
    last.sort_unstable();
    last.dedup();
    last.len() == count && last.last().is_none_or(|&high| high as usize == count)
}

/// Codes of a code column that OCR read without their dots or with letters
/// glued after them (`133`, `1.2xử` for `1.3.3.`, `1.2.`), put right by the
/// code before them: a reading whose digits are those of exactly one code
/// that may follow it, and not the next code read, is that code; so is a
/// code read without its first levels (`2` for `5.5.2.` after `5.5.1.`). `texts` are
/// a table's cells in reading order, `None` outside the code column; a code
/// read without its dots that still reads as one (`11`) goes on as the
/// code its digits give, as the table stage repairs it.
pub fn restore_lost_dots(texts: &[Option<&str>]) -> Vec<Option<String>> {
    let debris = |c: char| !c.is_alphanumeric() && c != '.';
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
    let parsed: Vec<Option<CodeMatch>> = texts.iter().map(|t| parse_code((*t)?.trim_matches(debris))).collect();
    let read: Vec<Option<&str>> =
        parsed.iter().map(|m| m.as_ref().filter(|m| !m.roman).map(|m| m.code.as_str())).collect();
    let mut out = vec![None; texts.len()];
    let mut previous: Option<String> = None;
    for (i, text) in texts.iter().enumerate() {
        let Some(text) = text else { continue };
        let candidates = previous.as_deref().map(next_codes).unwrap_or_default();
        let fitting = |lead: &str| candidates.iter().filter(|c| digits(c) == digits(lead)).cloned().collect::<Vec<_>>();
        let next_read = read[i + 1..].iter().flatten().next().copied();
        if parsed[i].as_ref().is_some_and(|m| m.roman) {
            // Numbering may start again under a Roman group.
            previous = None;
            continue;
        }
        if let Some(code) = read[i] {
            // A code whose dots OCR lost (`11` after `1`) goes on as its digits
            // say; one whose first levels OCR lost (`2` for `5.5.2`) is the one
            // code that may follow that ends so.
            let dots_lost = digits(code).len() > code.split('.').count();
            let tail = format!(".{code}");
            let ending: Vec<&String> = candidates.iter().filter(|c| c.ends_with(&tail)).collect();
            // `2.3.1` after `2.2.3` is whole: its group `TC 2.3.` was read
            // outside the code column (across the title), not lost levels.
            let after_unseen_row = candidates.iter().any(|c| next_codes(c).iter().any(|n| n == code));
            previous = Some(match (fitting(code).as_slice(), ending.as_slice()) {
                _ if candidates.is_empty() || candidates.iter().any(|c| c == code) => code.to_owned(),
                ([fits], _) if dots_lost => fits.clone(),
                (_, [ends]) if next_read != Some(ends.as_str()) && !after_unseen_row => {
                    out[i] = Some((*ends).clone());
                    (*ends).clone()
                }
                _ => code.to_owned(),
            });
            continue;
        }
        let lead: String =
            text.trim_start_matches(debris).chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        if digits(&lead).len() < 2 {
            continue;
        }
        if let [code] = fitting(&lead).as_slice() {
            if next_read != Some(code.as_str()) {
                out[i] = Some(code.clone());
                previous = Some(code.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(s: &str) -> Option<String> {
        parse_code(s).map(|m| m.code)
    }

    #[test]
    fn short_levels_read_as_split_levels() {
        let split = |code: &str| code.split('.').count() <= 5 && code.split('.').all(|l| !l.is_empty() && l.len() <= 2);
        for len in 0..=14 {
            for bits in 0..1u32 << len {
                let code: String = (0..len).map(|i| if bits >> i & 1 == 1 { '.' } else { '7' }).collect();
                assert_eq!(short_levels(&code), split(&code), "{code:?}");
            }
        }
    }

    #[test]
    fn bare_codes_read_as_the_regex_reads_them() {
        let by_regex = |text: &str| {
            NUMERIC.captures(text).and_then(|caps| {
                let tail = caps.name("tail").map_or("", |m| &text[m.start()..]);
                let code = caps["code"].to_owned();
                (!code.split('.').any(str::is_empty) && tail.is_empty()).then_some(CodeMatch {
                    code,
                    roman: false,
                    prefixed: false,
                    rest: String::new(),
                })
            })
        };
        for text in
            ["1", "12", "123", "1.2.3", "1.2.3.", "1.2..", "1..2", "1.1.1.1.1", "1.1.1.1.1.1", "01.02", "1.234", "9."]
        {
            assert_eq!(bare_code(text), by_regex(text), "{text}");
        }
    }

    #[test]
    fn normalizes_the_forms_seen_in_the_seeds() {
        assert_eq!(code("2."), Some("2".into()));
        assert_eq!(code("4."), Some("4".into()));
        assert_eq!(code("1.1."), Some("1.1".into()));
        assert_eq!(code("TCTP 1.1.1."), Some("1.1.1".into()));
        assert_eq!(code("TC 1.1."), Some("1.1".into()));
        assert_eq!(code("25."), Some("25".into()));
        assert_eq!(code("1 . 2"), Some("1.2".into()));
        assert_eq!(code("VIII"), Some("VIII".into()));
        assert_eq!(code("II."), Some("II".into()));
        let m = parse_code("1.2 Báo cáo CCHC").unwrap();
        assert_eq!((m.code.as_str(), m.rest.as_str()), ("1.2", "Báo cáo CCHC"));
        let m = parse_code("TCTP 1.1.1. Ban hành kế hoạch").unwrap();
        assert_eq!((m.code.as_str(), m.rest.as_str(), m.prefixed), ("1.1.1", "Ban hành kế hoạch", true));
        // Titles wrapped over several lines (PDF) keep their code.
        let m = title_code("7.1.1. Ban hành kế hoạch\nứng dụng CNTT").unwrap();
        assert_eq!((m.code.as_str(), m.rest.as_str()), ("7.1.1", "Ban hành kế hoạch\nứng dụng CNTT"));
        // OCR loses the space after the final dot; a lower-case word or a digit after it is no title.
        let m = title_code("2.2.3.Xử lý kết quả").unwrap();
        assert_eq!((m.code.as_str(), m.rest.as_str()), ("2.2.3", "Xử lý kết quả"));
        assert_eq!(code("2.2.3.xử"), None);
        assert_eq!(code("1.2Ban"), None);
        assert_eq!(code("¬ „ , 2. XÂY DỰNG"), Some("2".into()));
        assert_eq!(code("—TC3.1. Kiểm soát"), Some("3.1".into()));
        assert_eq!(parse_code("3.2.1, Công khai").map(|m| m.rest), Some("Công khai".into()));
        assert_eq!(code("(1) Có kế hoạch"), None);
        // A ruling's residue read after the code on a scan.
        assert_eq!(code("VIII["), Some("VIII".into()));
        assert_eq!(parse_code("1.2.1| Công khai").map(|m| m.rest), Some("Công khai".into()));
        assert_eq!(code("2.3]"), Some("2.3".into()));
    }

    #[test]
    fn a_usual_prefixed_title_reads_as_the_regex_reads_it() {
        let titles = [
            "Tiêu chí 1.2.3: thực hiện",
            "Tiêu chí 1.2.3 thực hiện",
            "TIÊU CHÍ 12.3, KẾ HOẠCH",
            "Lĩnh vực 4: cải cách",
            "LĨNH VỰC 4) cải cách",
            "Tiêu chí 2.1",
            "Tiêu chí 2.1 ",
            "Tiêu chí 2.1 .3 thực hiện",
            "Tiêu chí 2.1.Xử lý",
            "Tiêu chí 2.1. Xử lý",
            "Tiêu chí 123: thực hiện",
            "Tiêu chí 1.2.3.4.5.6: thực hiện",
            "Tiêu chí thành phần 1.1: thực hiện",
            "Tiêu chí 1..2: thực hiện",
            "Tiêu chí .2: thực hiện",
            "Tiêu chí 2-3 thực hiện",
        ];
        for title in titles {
            let by_regex = NUMERIC.captures(title).and_then(|caps| numeric(title, &caps));
            if let Some(plain) = plain_prefixed(title) {
                assert_eq!(Some(plain), by_regex, "{title:?}");
            }
            assert_eq!(parse_code(title), by_regex, "{title:?}");
        }
        assert!(plain_prefixed("Tiêu chí 1.2.3: thực hiện").is_some());
    }

    #[test]
    fn rejects_what_is_not_a_code() {
        for s in ["", "Tổng I + II", "100% văn bản", "12/11/2021", "- Báo cáo", "C", "2021", "i", "IIII", "Ban hành"]
        {
            assert_eq!(code(s), None, "{s:?}");
        }
    }

    #[test]
    fn title_codes_need_a_prefix_or_two_levels() {
        assert_eq!(title_code("1.1.2. Xác định").map(|m| m.code), Some("1.1.2".into()));
        assert_eq!(title_code("TC 2. Xây dựng").map(|m| m.code), Some("2".into()));
        assert_eq!(title_code("1. Có kế hoạch"), None);
        assert_eq!(title_code("CÔNG TÁC CHỈ ĐẠO"), None);
    }

    #[test]
    fn codes_that_may_follow() {
        assert_eq!(next_codes("1.3.2"), ["1.3.2.1", "1.3.3", "1.4", "2"]);
        assert_eq!(next_codes("2"), ["2.1", "3"]);
        assert!(next_codes("IV").is_empty());
    }

    #[test]
    fn codes_read_without_their_dots_are_restored_by_the_code_before() {
        let texts = [Some("TC 11."), None, Some("1.1.1."), Some("112"), Some("xãã"), Some("1.2xử"), Some("TC 13.")];
        let restored = restore_lost_dots(&texts);
        assert_eq!(restored, [None, None, None, Some("1.1.2".into()), None, Some("1.2".into()), None]);
        // Without a code before, or with the code taken by the next row, nothing is guessed.
        assert_eq!(restore_lost_dots(&[Some("133"), Some("1.3.4.")]), [None, None]);
        assert_eq!(restore_lost_dots(&[Some("1.3.2."), Some("133"), Some("1.3.3.")]), [None, None, None]);
        // Digits that fit no code that may follow, or fit two, stay as read.
        assert_eq!(restore_lost_dots(&[Some("1.3.2."), Some("135")]), [None, None]);
        assert_eq!(restore_lost_dots(&[Some("1.1"), Some("TCTP"), Some("1.1.1.")]), [None, None, None]);
        // A code that lost its first levels; a section that follows, or one under a Roman group, stays.
        assert_eq!(restore_lost_dots(&[Some("5.5.1."), Some("2")]), [None, Some("5.5.2".into())]);
        // Nor is a code that comes after a row the code column did not hold.
        assert_eq!(restore_lost_dots(&[Some("2.2.3."), Some("2.3.1."), Some("2.3.2.")]), [None, None, None]);
        assert_eq!(restore_lost_dots(&[Some("2.2.3."), Some("3.1")]), [None, None]);
        assert_eq!(restore_lost_dots(&[Some("1.7"), Some("2")]), [None, None]);
        assert_eq!(restore_lost_dots(&[Some("7.2"), Some("II"), Some("1")]), [None, None, None]);
    }

    #[test]
    fn ancestors_nearest_first() {
        assert_eq!(ancestors("6.1.3").collect::<Vec<_>>(), vec!["6.1", "6"]);
        assert_eq!(ancestors("6").count(), 0);
    }

    proptest! {
        #[test]
        fn any_written_form_normalizes_to_the_dotted_code(parts in proptest::collection::vec(1u32..40, 1..4),
                                                           prefix in prop::sample::select(vec!["", "TC ", "TCTP ", "Tiêu chí "]),
                                                           trailing_dot in any::<bool>()) {
            let dotted = parts.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
            let written = format!("{prefix}{dotted}{}", if trailing_dot { "." } else { "" });
            prop_assert_eq!(code(&written), Some(dotted.clone()));
            let with_title = format!("{written} Kế hoạch CCHC");
            let m = parse_code(&with_title).unwrap();
            prop_assert_eq!(m.code, dotted);
            prop_assert_eq!(m.rest, "Kế hoạch CCHC");
        }
    }
}
