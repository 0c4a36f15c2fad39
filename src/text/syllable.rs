//! A compact validator for Vietnamese syllables (onset + nucleus + coda + tone
//! rules), used to tell legacy-encoded mojibake from real text by the share of
//! words that spell valid syllables.

use super::letters::{split_vowel, Tone};

/// Onsets, longest first so that the first match is the longest.
const ONSETS: [&str; 27] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g", "h", "k", "l", "m",
    "n", "p", "r", "s", "t", "v", "x",
];

const CODAS: [&str; 8] = ["ng", "nh", "ch", "c", "m", "n", "p", "t"];

/// A vowel nucleus (with its glides): whether it may end the syllable, whether
/// it may take a consonant coda, and where the tone may sit when it ends the
/// syllable (bit n = vowel n; both old "hoà" and new "hòa" placements count).
/// With a consonant coda the tone sits on the last vowel.
const NUCLEI: &[(&str, bool, bool, u8)] = &[
    ("a", true, true, 0b1),
    ("ă", false, true, 0b1),
    ("â", false, true, 0b1),
    ("e", true, true, 0b1),
    ("ê", true, true, 0b1),
    ("i", true, true, 0b1),
    ("o", true, true, 0b1),
    ("ô", true, true, 0b1),
    ("ơ", true, true, 0b1),
    ("u", true, true, 0b1),
    ("ư", true, true, 0b1),
    ("y", true, false, 0b1),
    ("ai", true, false, 0b01),
    ("ao", true, false, 0b01),
    ("au", true, false, 0b01),
    ("ay", true, false, 0b01),
    ("âu", true, false, 0b01),
    ("ây", true, false, 0b01),
    ("eo", true, false, 0b01),
    ("êu", true, false, 0b01),
    ("ia", true, false, 0b01),
    ("iu", true, false, 0b01),
    ("oi", true, false, 0b01),
    ("ôi", true, false, 0b01),
    ("ơi", true, false, 0b01),
    ("ua", true, false, 0b01),
    ("ui", true, false, 0b01),
    ("ưa", true, false, 0b01),
    ("ưi", true, false, 0b01),
    ("ưu", true, false, 0b01),
    ("oa", true, true, 0b11),
    ("oe", true, true, 0b11),
    ("uy", true, true, 0b11),
    ("uê", true, true, 0b10),
    ("uơ", true, false, 0b10),
    ("oă", false, true, 0),
    ("uâ", false, true, 0),
    ("iê", false, true, 0),
    ("yê", false, true, 0),
    ("uô", false, true, 0),
    ("ươ", false, true, 0),
    ("oo", false, true, 0),
    ("uyê", false, true, 0),
    ("oai", true, false, 0b010),
    ("oay", true, false, 0b010),
    ("oeo", true, false, 0b010),
    ("uây", true, false, 0b010),
    ("uôi", true, false, 0b010),
    ("ươi", true, false, 0b010),
    ("iêu", true, false, 0b010),
    ("yêu", true, false, 0b010),
    ("oao", true, false, 0b010),
    ("uya", true, false, 0b010),
    ("uyu", true, false, 0b010),
    ("ươu", true, false, 0b010),
];

/// Nuclei that take the palatal codas ch/nh instead of c/ng ("anh" aside, a takes both).
const PALATAL: [&str; 6] = ["a", "ê", "i", "oa", "uê", "uy"];
/// Nuclei that take only ch/nh, never c/ng.
const PALATAL_ONLY: [&str; 4] = ["ê", "i", "uê", "uy"];

/// Words longer than this cannot be one syllable ("nghiêng" has 7 letters).
const MAX_LETTERS: usize = 7;

/// Share of valid syllables in a text: tokens are split at whitespace, digits and punctuation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    pub words: usize,
    pub valid: usize,
}

impl Score {
    /// More than half of the words are valid syllables.
    pub fn mostly_valid(&self) -> bool {
        self.valid * 2 > self.words
    }

    /// Counts one more word.
    pub fn add(&mut self, word: &str) {
        self.words += 1;
        self.valid += usize::from(is_valid(word));
    }
}

pub fn score(text: &str) -> Score {
    let mut score = Score::default();
    for word in text.split(is_separator).filter(|w| !w.is_empty()) {
        score.add(word);
    }
    score
}

/// What separates words: whitespace, ASCII punctuation and digits, general punctuation.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation() || c.is_ascii_digit() || ('\u{2000}'..='\u{206F}').contains(&c)
}

/// Whether `word` (any case, precomposed) spells one Vietnamese syllable.
pub fn is_valid(word: &str) -> bool {
    let Some(parsed) = Parsed::new(word) else { return false };
    let letters = parsed.letters();
    let Some(onset) = ONSETS.iter().copied().find(|o| letters.starts_with(o)).or(Some("")) else { return false };
    if onset.is_empty() && !letters.starts_with(|c: char| split_vowel(c).is_some()) {
        return false;
    }
    // "gi" is an onset before a vowel ("gia", "giữ") but g + i otherwise ("gì", "gìn", "giếng").
    let alternatives: &[&str] = if onset == "gi" { &["gi", "g"] } else { &[onset] };
    alternatives.iter().any(|onset| parsed.rime_ok(onset))
}

/// A word as toneless lowercase letters plus its single tone and where it sits.
struct Parsed {
    buf: [u8; 4 * MAX_LETTERS],
    len: usize,
    tone: Tone,
    /// Index (in letters) of the toned vowel.
    tone_at: usize,
}

impl Parsed {
    fn new(word: &str) -> Option<Parsed> {
        let mut parsed = Parsed { buf: [0; 4 * MAX_LETTERS], len: 0, tone: Tone::Level, tone_at: 0 };
        // Soft hyphens left after decoding are real ones, which clean() drops.
        for (index, c) in word.chars().filter(|&c| c != '\u{AD}').enumerate() {
            if index >= MAX_LETTERS {
                return None;
            }
            let (letter, tone) =
                if c.is_ascii_alphabetic() && !matches!(c, 'f' | 'j' | 'w' | 'z' | 'F' | 'J' | 'W' | 'Z') {
                    (c.to_ascii_lowercase(), Tone::Level)
                } else if matches!(c, 'đ' | 'Đ') {
                    ('đ', Tone::Level)
                } else {
                    let (vowel, tone, _) = split_vowel(c)?;
                    (vowel, tone)
                };
            if tone != Tone::Level {
                if parsed.tone != Tone::Level {
                    return None;
                }
                parsed.tone = tone;
                parsed.tone_at = index;
            }
            let end = parsed.len + letter.len_utf8();
            letter.encode_utf8(parsed.buf.get_mut(parsed.len..end)?);
            parsed.len = end;
        }
        Some(parsed)
    }

    fn letters(&self) -> &str {
        std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }

    fn rime_ok(&self, onset: &str) -> bool {
        let Some(rime) = self.letters().strip_prefix(onset) else { return false };
        let onset_len = onset.chars().count();
        let coda = CODAS.iter().copied().find(|c| rime.ends_with(c)).unwrap_or("");
        let nucleus = &rime[..rime.len() - coda.len()];
        let Some(&(_, open, closed, open_tones)) = NUCLEI.iter().find(|n| n.0 == nucleus) else { return false };
        let vowels = nucleus.chars().count();
        if self.tone != Tone::Level {
            let Some(at) = self.tone_at.checked_sub(onset_len) else { return false };
            let placed = if coda.is_empty() { at < 8 && open_tones & (1 << at) != 0 } else { at + 1 == vowels };
            if !placed {
                return false;
            }
        }
        let first = nucleus.chars().next();
        let front = matches!(first, Some('e' | 'ê' | 'i' | 'y'));
        let spelling_ok = match onset {
            "k" | "gh" | "ngh" => front,
            "c" | "ng" => !front,
            "qu" => !nucleus.starts_with('u'),
            _ => true,
        };
        let coda_ok = match coda {
            "" => open,
            "ch" | "nh" => closed && PALATAL.contains(&nucleus),
            "c" | "ng" => closed && !PALATAL_ONLY.contains(&nucleus),
            _ => closed,
        };
        let tone_ok = !matches!(coda, "p" | "t" | "c" | "ch") || matches!(self.tone, Tone::Acute | Tone::Dot);
        spelling_ok && coda_ok && tone_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_syllables() {
        let text = "Điểm tự đánh giá Cải cách hành chính Tổng điểm Phương hướng nghiêng khuỷu quốc gì gìn giếng \
                    giữa người thuở hoà hòa khoẻ khỏe thuý thúy xoong chuyện Nguyễn tuần oanh huỳnh ếch yêu \
                    UBND xã thị trấn Bút Sơn xuất sắc tốt khá trung bình yếu";
        let invalid: Vec<&str> = text.split(' ').filter(|w| !w.is_empty() && !is_valid(w)).collect();
        assert_eq!(invalid, ["UBND"]);
    }

    #[test]
    fn rejects_mojibake_and_bad_spelling() {
        for word in [
            "®iÓm", "Tæng", "Ñieåm", "toång", "chớnh", "hát́", "bàt", "ká", "cé", "nge", "ing", "giaù", "fa", "hoaì",
            "ă",
        ] {
            assert!(!is_valid(word), "{word}");
        }
    }

    #[test]
    fn scores_share_of_valid_words() {
        assert_eq!(score("C¶i c¸ch hµnh chÝnh"), Score { words: 4, valid: 0 });
        assert_eq!(score("Cải cách hành chính, 2021"), Score { words: 4, valid: 4 });
        assert!(score("Cải cách").mostly_valid());
    }
}
