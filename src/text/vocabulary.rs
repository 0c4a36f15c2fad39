//! The words of a scoring table's header: which header texts name the code,
//! the title, each score column. Below both the extractors and the table
//! stage (it needs only folded text), so a reader that must find a header
//! before any grid exists (PDF stream mode) uses the same vocabulary as
//! `table::header`, which reads headers from grids.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::{fold_into, normalize_runs};
use crate::grid::Run;
use crate::model::Column;

/// What a grid column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Row number or criteria code (STT, TT, Mã tiêu chí).
    Code,
    /// A running row number (`STT` 1, 2, 3 …) beside a separate code column: read by no stage.
    RowNumber,
    /// Criterion text (Lĩnh vực/Tiêu chí/Tiêu chí thành phần, Nội dung).
    Title,
    Score(Column),
    /// The documents that prove the score (Tài liệu kiểm chứng).
    Evidence,
    /// The rubric in a column of its own (Cách tính điểm, Hướng dẫn chấm điểm).
    Rubric,
    /// Notes, remedies, differences: read by no stage.
    Other,
}

/// Header cells are short; a long text (a criterion's title, evidence) is
/// never one, and folding it would be wasted work on every data row.
const LONGEST_HEADER_TEXT: usize = 120;

/// The folded form a header cell is matched on; empty for a text too long to be one.
/// Punctuation between words is dropped: OCR of a small header reads specks
/// and line ends as stray marks ("Điểm tự = đánh giá", "Điểm, tối đa").
pub fn header_fold(text: &str) -> String {
    let mut folded = String::new();
    header_fold_into(text, &mut folded);
    folded
}

/// [`header_fold`] written over `out`: the header search folds every cell
/// of a sheet, each row into the buffers of the row before.
pub fn header_fold_into(text: &str, out: &mut String) {
    out.clear();
    if text.len() > LONGEST_HEADER_TEXT {
        return;
    }
    out.reserve(text.len());
    fold_into(text, out);
    if words_trimmed(out) {
        return;
    }
    let folded = std::mem::replace(out, String::with_capacity(out.len()));
    for word in folded.split(' ').map(|w| w.trim_matches(|c: char| !c.is_alphanumeric())).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Whether every word of a folded text (words one space apart) begins and
/// ends with a letter or digit: looked at beside each space, not word by word.
fn words_trimmed(folded: &str) -> bool {
    let alphanumeric = |c: Option<char>| c.is_none_or(char::is_alphanumeric);
    alphanumeric(folded.chars().next())
        && alphanumeric(folded.chars().next_back())
        && memchr::memchr_iter(b' ', folded.as_bytes())
            .all(|at| alphanumeric(folded[..at].chars().next_back()) && alphanumeric(folded[at + 1..].chars().next()))
}

/// The groups of header phrases [`classify`] tries, in its order.
#[derive(Clone, Copy)]
enum Phrases {
    Difference,
    Evidence,
    Rubric,
    LostPoints,
    SelfScore,
    AppraisalScore,
    OwnScore,
    MaxPoints,
    Title,
}

/// The phrases of each group of [`Phrases`], in its order.
const PHRASES: [&[&str]; 9] = [
    &["chenh lech"],
    &["kiem chung", "minh chung", "chung minh", "tai lieu"],
    &[
        "cach tinh",
        "cach cham",
        "cach danh gia",
        "cach thuc cham",
        "cach thuc danh gia",
        "huong dan cham",
        "huong dan danh gia",
        "phuong phap cham",
        "phuong phap tinh",
        "phuong phap danh gia",
    ],
    &["bi mat", "diem tru", "mat diem", "bi tru"],
    &["tu danh gia", "tu cham", "tu dg", "tu xac dinh", "don vi cham", "tu danh"],
    &["tham dinh", "hoi dong", "cham lai", "diem danh gia cua", "to cong tac"],
    &["diem dat", "diem danh gia", "ket qua cham", "diem cham", "diem thuc hien"],
    &["diem chuan", "toi da", "thang diem", "diem quy dinh", "diem theo quy dinh", "so diem chuan", "diem goc"],
    &["tieu chi", "linh vuc", "noi dung", "ten tc", "ten chi", "chi so", "ten linh"],
];

/// Every phrase of [`PHRASES`] in one automaton, and the group of each: a
/// text is read once for all of them (every cell of a sheet is looked at as
/// a possible header, and a search per phrase was most of the header search).
static PHRASE_FINDER: LazyLock<(AhoCorasick, Vec<u16>)> = LazyLock::new(|| {
    let phrases = PHRASES
        .iter()
        .enumerate()
        .flat_map(|(g, group)| group.iter().flat_map(move |p| spellings(p).map(move |s| (s, g as u16))));
    let (phrases, groups): (Vec<String>, Vec<u16>) = phrases.unzip();
    (AhoCorasick::new(phrases).expect("constant phrases"), groups)
});

/// A phrase as written, and its words run together as OCR reads a header
/// printed tight (`Điểmtốida` for `Điểm tối đa`).
fn spellings(phrase: &str) -> impl Iterator<Item = String> + '_ {
    let glued = phrase.contains(' ').then(|| phrase.replace(' ', ""));
    std::iter::once(phrase.to_owned()).chain(glued)
}

/// The groups of [`PHRASES`] with a phrase in `text`, one bit each.
fn phrases_in(text: &str) -> u16 {
    let (finder, groups) = &*PHRASE_FINDER;
    finder.find_overlapping_iter(text).fold(0, |found, m| found | 1 << groups[m.pattern().as_usize()])
}

/// The groups of [`PHRASES`] that make a score column.
const SCORE_GROUPS: u16 = 1 << Phrases::LostPoints as u16
    | 1 << Phrases::SelfScore as u16
    | 1 << Phrases::AppraisalScore as u16
    | 1 << Phrases::OwnScore as u16
    | 1 << Phrases::MaxPoints as u16;

/// The longest phrase of [`PHRASES`], in bytes.
const LONGEST_PHRASE: usize = {
    let (mut longest, mut group) = (0, 0);
    while group < PHRASES.len() {
        let mut phrase = 0;
        while phrase < PHRASES[group].len() {
            if PHRASES[group][phrase].len() > longest {
                longest = PHRASES[group][phrase].len();
            }
            phrase += 1;
        }
        group += 1;
    }
    longest
};

/// Whether [`classify`] may read a score in `text`: only if it holds a
/// phrase of the score groups, or the bare "diem" or "chuan". Most cells of
/// a sheet do not, and their rows need not be read as a header.
pub fn may_name_score(text: &str) -> bool {
    // Every phrase is lowercase ASCII letters, none shorter than "diem": a
    // shorter text, or one with no such letter (a score, a code, a date: most
    // cells of a sheet), holds none, and the automaton's search is not begun.
    text.len() >= SHORTEST_SCORE_PHRASE && text.bytes().any(|b| b.is_ascii_lowercase()) && SCORE_FINDER.is_match(text)
}

/// The shortest of what [`SCORE_FINDER`] looks for, in bytes (a test holds it so).
const SHORTEST_SCORE_PHRASE: usize = 4;

/// The phrases of the score groups and the bare words in one automaton that
/// stops at the first: [`may_name_score`] asks it of every cell of a sheet.
static SCORE_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let phrases = score_phrases().flat_map(spellings);
    AhoCorasick::builder().kind(Some(AhoCorasickKind::DFA)).build(phrases).expect("constant phrases")
});

/// What [`SCORE_FINDER`] looks for.
fn score_phrases() -> impl Iterator<Item = &'static str> {
    let groups = PHRASES.iter().enumerate().filter(|(g, _)| SCORE_GROUPS & 1 << g != 0);
    groups.flat_map(|(_, group)| group.iter().copied()).chain(["diem", "chuan"])
}

/// The bytes on either side of each space inside a score phrase, as a set of
/// `after` bits for each `before` byte: a phrase can span two texts joined
/// by a space only if the first ends and the second begins with such a pair.
static SCORE_JOINS: LazyLock<[u128; 128]> = LazyLock::new(|| {
    let mut joins = [0u128; 128];
    for phrase in score_phrases() {
        // Phrases are ASCII words one space apart.
        for w in phrase.as_bytes().windows(3).filter(|w| w[1] == b' ' && w[0] < 128 && w[2] < 128) {
            joins[usize::from(w[0])] |= 1 << w[2];
        }
    }
    joins
});

/// Whether a score phrase spans the space joining `first` and `second` (the
/// texts of two header rows read together, as `table::header` joins them),
/// one that neither holds alone; `scratch` is a buffer to reuse.
pub fn score_across(first: &str, second: &str, scratch: &mut String) -> bool {
    let (Some(&before), Some(&after)) = (first.as_bytes().last(), second.as_bytes().first()) else {
        return false;
    };
    // Most pairs of texts (a data row's and the next's) rule it out here.
    let joins = SCORE_JOINS.get(usize::from(before)).copied().unwrap_or(0);
    if after >= 128 || joins & 1 << after == 0 {
        return false;
    }
    // Such a phrase lies within a phrase's length of the space.
    let mut from = first.len().saturating_sub(LONGEST_PHRASE);
    while !first.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = second.len().min(LONGEST_PHRASE);
    while !second.is_char_boundary(to) {
        to += 1;
    }
    scratch.clear();
    scratch.push_str(&first[from..]);
    scratch.push(' ');
    scratch.push_str(&second[..to]);
    may_name_score(scratch)
}

/// Classifies one folded header text.
pub fn classify(folded: &str) -> Option<Role> {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric());
    if t.is_empty() {
        return None;
    }
    // Every header word has letters: numbers and codes (most cells of a sheet) are no header.
    if !t.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Some(Role::Other);
    }
    let found = phrases_in(t);
    let has = |group: Phrases| found & (1 << group as u16) != 0;
    // A difference between two scores ("Điểm chênh lệch", "Chênh lệch so với
    // tự đánh giá") is neither of them.
    if has(Phrases::Difference) {
        return Some(Role::Other);
    }
    // "Mã tiêu chí" names the code, though it contains "tiêu chí".
    if is_code_label(t) {
        return Some(Role::Code);
    }
    // Before the scores: "Tài liệu kiểm chứng điểm tự chấm" is evidence, "Cách tính điểm" a rubric.
    if has(Phrases::Evidence) {
        return Some(Role::Evidence);
    }
    if has(Phrases::Rubric) {
        return Some(Role::Rubric);
    }
    // Order matters: "điểm tự đánh giá" also contains "đánh giá".
    if has(Phrases::LostPoints) {
        return Some(Role::Score(Column::LostPoints));
    }
    if has(Phrases::SelfScore) {
        return Some(Role::Score(Column::SelfScore));
    }
    if has(Phrases::AppraisalScore) {
        return Some(Role::Score(Column::AppraisalScore));
    }
    // A bare "Điểm đạt / Điểm đánh giá / Kết quả chấm" next to a max column is
    // the unit's own score in a self-assessment report.
    if has(Phrases::OwnScore) {
        return Some(Role::Score(Column::SelfScore));
    }
    if has(Phrases::MaxPoints) || t == "chuan" || t == "diem" {
        return Some(Role::Score(Column::MaxPoints));
    }
    if matches!(t, "stt" | "tt" | "so tt" | "so thu tu" | "ma" | "ma so" | "ma tc" | "ky hieu" | "muc")
        || t.starts_with("stt")
        || t.starts_with("so tt")
    {
        return Some(Role::Code);
    }
    if has(Phrases::Title) || t == "ten" {
        return Some(Role::Title);
    }
    Some(Role::Other)
}

/// A header naming the criterion's code rather than a row number: "Mã tiêu chí", "Mã TC", "Ký hiệu".
pub fn is_code_label(folded: &str) -> bool {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric());
    t == "ma" || t.starts_with("ma ") && t.len() <= 30 || t.starts_with("ky hieu") || t.starts_with("so hieu")
}

/// Roles of columns whose header texts (folded, see [`header_fold`]) are `texts`;
/// `same_cell_as_previous(col)` says the column lies under the same header cell
/// as the one before it.
pub fn roles_of_texts(texts: &[String], same_cell_as_previous: impl Fn(usize) -> bool) -> Vec<Role> {
    let mut roles: Vec<Role> = Vec::with_capacity(texts.len());
    // "STT" beside "Mã tiêu chí": the code is in the second, the first only counts rows.
    let has_code_label = texts.iter().any(|t| is_code_label(t));
    for (col, text) in texts.iter().enumerate() {
        let role = match classify(text).unwrap_or(Role::Other) {
            Role::Code if has_code_label && !is_code_label(text) => Role::RowNumber,
            role => role,
        };
        // A role claimed by an earlier column stays with it ("Điểm" over
        // several sub-columns must not make all of them max points).
        let role = match role {
            Role::Other => Role::Other,
            r if col > 0 && same_cell_as_previous(col) && roles.last() == Some(&r) => r,
            r if roles.contains(&r) => Role::Other,
            r => r,
        };
        roles.push(role);
    }
    roles
}

/// Whether columns with these roles make a scoring header: a text column and
/// a score other than the maximum, or two score columns.
pub fn is_header(roles: &[Role]) -> bool {
    let scores = Column::ALL.iter().filter(|c| roles.contains(&Role::Score(**c))).count();
    let has_text_column = roles.iter().any(|r| matches!(r, Role::Title | Role::Code));
    let has_score_other_than_max = roles.iter().any(|r| matches!(r, Role::Score(c) if *c != Column::MaxPoints));
    (scores >= 1 && has_text_column && has_score_other_than_max) || (scores >= 2 && has_text_column)
}

/// The usual spelling of each role's header, letters only: what a header
/// cell OCR misread is compared with ([`nearest_role`]). Short headers
/// ("TT", "Mã") are left out: one letter misread makes them anything.
const SPELLINGS: [(&str, Role); 13] = [
    ("diemtoida", Role::Score(Column::MaxPoints)),
    ("diemchuan", Role::Score(Column::MaxPoints)),
    ("thangdiem", Role::Score(Column::MaxPoints)),
    ("diemtudanhgia", Role::Score(Column::SelfScore)),
    ("diemtucham", Role::Score(Column::SelfScore)),
    ("diemthamdinh", Role::Score(Column::AppraisalScore)),
    ("diemhoidongthamdinh", Role::Score(Column::AppraisalScore)),
    ("diembitru", Role::Score(Column::LostPoints)),
    ("diembimat", Role::Score(Column::LostPoints)),
    ("tailieukiemchung", Role::Evidence),
    ("giaitrinhtailieukiemchung", Role::Evidence),
    ("tieuchitieuchithanhphan", Role::Title),
    ("linhvuctieuchi", Role::Title),
];

/// How alike a misread header and a usual spelling must be (normalized edit
/// distance of their letters), and by how much more than any spelling of
/// another role: "Điểm tự q..n giá" is 0.77 from "điểm tự đánh giá" and at
/// most 0.55 from any other, "Ghi chú" at most 0.33 from any.
const NEAR_SPELLING: f64 = 0.7;
const SPELLING_MARGIN: f64 = 0.15;

/// The role whose usual spelling a header text (folded, see [`header_fold`])
/// is near, clearly nearer than any other role's: for a cell OCR read with a
/// word it was unsure of, which no phrase of [`classify`] names.
pub fn nearest_role(folded: &str) -> Option<Role> {
    let letters: String = folded.chars().filter(|c| c.is_alphanumeric()).collect();
    let alike = |spelling: &str| strsim::normalized_levenshtein(&letters, spelling);
    let (nearest, role) = SPELLINGS.iter().max_by(|a, b| alike(a.0).total_cmp(&alike(b.0)))?;
    let others = SPELLINGS.iter().filter(|(_, r)| r != role).map(|(s, _)| alike(s)).fold(0.0, f64::max);
    let best = alike(nearest);
    (best >= NEAR_SPELLING && best - others >= SPELLING_MARGIN).then_some(*role)
}

/// The roles of one line of header cells, each given as its raw runs, when
/// they make a scoring header (for readers with no grid yet).
pub fn header_roles(cells: &[&[Run]]) -> Option<Vec<Role>> {
    let texts: Vec<String> = cells.iter().map(|runs| header_fold(&normalize_runs(runs))).collect();
    let roles = roles_of_texts(&texts, |_| false);
    is_header(&roles).then_some(roles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn cells(texts: &[&str]) -> Vec<Vec<Run>> {
        texts.iter().map(|t| vec![Run::plain(*t)]).collect()
    }

    fn roles(texts: &[&str]) -> Option<Vec<Role>> {
        let cells = cells(texts);
        let slices: Vec<&[Run]> = cells.iter().map(Vec::as_slice).collect();
        header_roles(&slices)
    }

    #[test]
    fn a_header_read_with_its_words_run_together_names_its_column() {
        let read = roles(&["Mã", "Tiêu chí", "Điểmtốida", "Điểm tự đánh giá"]).expect("a scoring header");
        assert_eq!(read[2], Role::Score(Column::MaxPoints));
    }

    #[test]
    fn the_score_pre_test_rules_out_only_what_the_automaton_would() {
        let shortest = score_phrases().flat_map(spellings).map(|p| p.len()).min().unwrap();
        assert_eq!(shortest, SHORTEST_SCORE_PHRASE);
        assert!(score_phrases().all(|p| p.bytes().all(|b| b.is_ascii_lowercase() || b == b' ')));
        for text in ["diem", "x diem", "7", "1.1.1", "9.0", "", "tu dg", "21/12/2021", "DIEM"] {
            assert_eq!(may_name_score(text), SCORE_FINDER.is_match(text), "{text}");
        }
    }

    #[test]
    fn a_line_of_header_cells_gets_its_roles() {
        assert_eq!(
            roles(&["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Ghi chú"]),
            Some(vec![
                Role::Code,
                Role::Title,
                Role::Score(Column::MaxPoints),
                Role::Score(Column::SelfScore),
                Role::Other
            ])
        );
    }

    #[test]
    fn a_line_that_is_not_a_scoring_header_gets_none() {
        // A title column with only a maximum is a list of criteria, not a scoring table.
        assert_eq!(roles(&["STT", "Tiêu chí", "Điểm tối đa"]), None);
        assert_eq!(roles(&["Kính gửi", "Ủy ban nhân dân tỉnh"]), None);
    }

    #[test]
    fn header_words_in_a_legacy_font_are_decoded_before_matching() {
        let cells = [
            vec![Run::plain("TT")],
            vec![Run::plain("Tiêu chí")],
            vec![Run::in_font("§iÓm tèi ®a", Some(".VnTime".into()))],
            vec![Run::in_font("§iÓm tù ®¸nh gi¸", Some(".VnTime".into()))],
        ];
        let slices: Vec<&[Run]> = cells.iter().map(Vec::as_slice).collect();
        let roles = header_roles(&slices).expect("a header");
        assert_eq!(roles[2..], [Role::Score(Column::MaxPoints), Role::Score(Column::SelfScore)]);
    }

    proptest::proptest! {
        /// Words trimmed beside each space are the words trimmed one by one.
        #[test]
        fn header_fold_trims_every_word(text in "[a-zđĐểÊ0-9 ,.=()/:\u{300}\u{a0}-]{0,40}") {
            let folded = fold(&text);
            let words: Vec<&str> =
                folded.split(' ').map(|w| w.trim_matches(|c: char| !c.is_alphanumeric())).filter(|w| !w.is_empty()).collect();
            proptest::prop_assert_eq!(header_fold(&text), words.join(" "));
        }
    }

    #[test]
    fn a_misread_header_takes_the_role_it_is_clearly_nearest() {
        let near = |text: &str| nearest_role(&header_fold(text));
        assert_eq!(near("Điểm tự q..n giá"), Some(Role::Score(Column::SelfScore)));
        assert_eq!(near("Điểm tốc đa"), Some(Role::Score(Column::MaxPoints)));
        assert_eq!(near("Điểm thẩm dlnh"), Some(Role::Score(Column::AppraisalScore)));
        // Too far from every spelling, or as near one role as another: no role.
        assert_eq!(near("H221 Ê đa"), None);
        assert_eq!(near("Ghi chú"), None);
        assert_eq!(near("Giải trình"), None);
        assert_eq!(near("Điểm chênh lệch"), None);
        assert_eq!(near("Điểm tọ"), None);
    }

    #[test]
    fn stray_punctuation_between_header_words_is_ignored() {
        assert_eq!(header_fold("Điểm tự = đánh giá"), "diem tu danh gia");
        assert_eq!(header_fold("Điểm, tối đa"), "diem toi da");
        assert_eq!(header_fold("Lĩnh vực/Tiêu chí (1)"), "linh vuc/tieu chi 1");
        assert_eq!(header_fold(" . , "), "");
        assert_eq!(
            roles(&["TT", "Tên TC/TCTP :,", "Điểm . chuẩn", "Điểm tự = đánh giá"]),
            Some(vec![Role::Code, Role::Title, Role::Score(Column::MaxPoints), Role::Score(Column::SelfScore)])
        );
    }

    #[test]
    fn a_score_is_possible_only_with_a_score_phrase_in_a_text_or_across_the_join() {
        assert!(may_name_score("diem toi da"));
        assert!(may_name_score("thang diem"));
        assert!(may_name_score("tu cham"));
        assert!(!may_name_score("tieu chi 1 1 4 thuc hien ke hoach"));
        assert!(!may_name_score("noi dung"));
        let mut scratch = String::new();
        // "tự" closing the first row, "đánh giá" opening the second.
        assert!(score_across("ket qua tu", "danh gia", &mut scratch));
        assert!(score_across("so lieu toi", "da", &mut scratch));
        assert!(!score_across("tieu chi 1 1 4 thuc hien ke hoach", "tieu chi 1 1 5", &mut scratch));
        assert!(!score_across("tu", "", &mut scratch));
        // What classify reads as a score in two texts joined, these find.
        for (first, second) in [("ket qua tu", "danh gia"), ("so lieu toi", "da"), ("stt", "noi dung")] {
            let joined = format!("{first} {second}");
            let score = matches!(classify(&joined), Some(Role::Score(_)));
            let found = may_name_score(first) || may_name_score(second) || score_across(first, second, &mut scratch);
            assert_eq!(score, found, "{joined}");
        }
        // Every phrase split at each of its spaces over two rows is still found.
        for phrase in PHRASES.iter().flat_map(|group| group.iter()) {
            for (k, _) in phrase.match_indices(' ') {
                let (first, second) = (format!("so {}", &phrase[..k]), format!("{} ghi chu", &phrase[k + 1..]));
                let score = matches!(classify(&format!("{first} {second}")), Some(Role::Score(_)));
                let found =
                    may_name_score(&first) || may_name_score(&second) || score_across(&first, &second, &mut scratch);
                assert!(!score || found, "{first} | {second}");
            }
        }
    }

    #[test]
    fn a_role_claimed_twice_goes_to_the_first_column_unless_under_one_cell() {
        let texts: Vec<String> = ["diem", "diem"].iter().map(|t| t.to_string()).collect();
        assert_eq!(roles_of_texts(&texts, |_| false), [Role::Score(Column::MaxPoints), Role::Other]);
        assert_eq!(roles_of_texts(&texts, |_| true), [Role::Score(Column::MaxPoints); 2]);
        assert_eq!(header_fold(&"Điểm ".repeat(40)), "");
    }
}
