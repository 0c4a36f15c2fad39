//! Legacy Vietnamese encodings (TCVN3, VNI-Windows, VISCII).
//!
//! Text typed in a legacy font reaches us as the Windows-1252 characters of its
//! bytes ("hép møt tÕt" is TCVN3 for "hộp mứt tết"). [`decode_runs`] detects
//! the encoding per run — by font name, or by how many words spell valid
//! Vietnamese syllables before and after decoding — and converts only runs that
//! are legacy, never clean Unicode. [`encode`] is the inverse, for round-trip
//! tests and fixtures.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::letters::{self, Tone};
use super::syllable::{is_separator, score, Score};
use super::vni::{Modifier, CAPITAL_OFFSET};
use super::{tcvn3, viscii, vni};
use crate::grid::Run;

/// A legacy encoding, as stored in .docx/.xlsx: one Windows-1252 char per byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// TCVN3/ABC, fonts `.VnTime`, `.VnArial` …
    Tcvn3,
    /// TCVN3 in the capitals-only `.Vn…H` fonts (`.VnTimeH`): every letter is drawn as a capital.
    Tcvn3Capitals,
    /// VNI-Windows, fonts `VNI-Times`, `VNI-Helve` …
    Vni,
    /// VISCII (RFC 1456).
    Viscii,
}

/// The encoding a font name implies, if it is a legacy Vietnamese font.
pub fn font_encoding(font: &str) -> Option<Encoding> {
    let font = font.trim();
    let prefix = |p: &str| font.get(..p.len()).is_some_and(|f| f.eq_ignore_ascii_case(p));
    if prefix(".vn") {
        // The capitals fonts append a capital H: .VnTimeH, .VnArialH.
        Some(if font.ends_with('H') { Encoding::Tcvn3Capitals } else { Encoding::Tcvn3 })
    } else if prefix("vni") {
        Some(Encoding::Vni)
    } else if font.to_ascii_lowercase().contains("viscii") {
        Some(Encoding::Viscii)
    } else {
        None
    }
}

/// Decodes each run that is in a legacy encoding and joins the runs.
pub fn decode_runs(runs: &[Run]) -> String {
    decode_runs_in(runs, true)
}

/// [`decode_runs`] within a document: runs without a legacy font are decoded
/// by spelling only when `spelled_legacy`, the verdict of
/// [`spelled_legacy`] on the whole document's text.
pub fn decode_runs_in(runs: &[Run], spelled_legacy: bool) -> String {
    let mut out = String::with_capacity(runs.iter().map(|r| r.text.len()).sum());
    let mut start = 0;
    while let Some(run) = runs.get(start) {
        let encoding = run.font.as_deref().and_then(font_encoding);
        let Some(encoding) = encoding else {
            if spelled_legacy {
                decode_unhinted(&run.text, &mut out);
            } else {
                out.push_str(&run.text);
            }
            start += 1;
            continue;
        };
        // Adjacent runs in the same legacy encoding are decoded together: a VNI
        // mark byte can open the next run.
        let mut end = start + 1;
        while runs.get(end).is_some_and(|r| r.font.as_deref().and_then(font_encoding) == Some(encoding)) {
            end += 1;
        }
        match runs.get(start..end) {
            Some([single]) => decode_hinted(&single.text, encoding, &mut out),
            Some(group) => {
                let joined: String = group.iter().map(|r| r.text.as_str()).collect();
                decode_hinted(&joined, encoding, &mut out);
            }
            None => {}
        }
        start = end;
    }
    out
}

/// A run in a legacy font: decoded by the font's encoding unless it already
/// holds Unicode Vietnamese (typed with a Unicode keyboard into a legacy font),
/// or another encoding spells more valid words (the font is wrong), or decoding
/// spoils words.
fn decode_hinted(text: &str, encoding: Encoding, out: &mut String) {
    if text.is_ascii() {
        if encoding == Encoding::Tcvn3Capitals {
            out.extend(text.chars().map(|c| c.to_ascii_uppercase()));
        } else {
            out.push_str(text);
        }
        return;
    }
    if scan(text).unicode_vietnamese {
        out.push_str(text);
        return;
    }
    let decoded = decode(text, encoding);
    let valid = score(&decoded).valid;
    let alternative = DETECTABLE
        .iter()
        .filter(|&&e| e != encoding)
        .map(|&e| decode_detected(text, e))
        .map(|d| (score(&d).valid, d))
        .filter(|(v, _)| *v > valid)
        .max_by_key(|(v, _)| *v);
    match alternative {
        Some((_, better)) => out.push_str(&better),
        None if valid >= score(text).valid => out.push_str(&decoded),
        None => out.push_str(text),
    }
}

/// The encodings spelling can tell apart (the capitals fonts differ from TCVN3 only in case).
const DETECTABLE: [Encoding; 3] = [Encoding::Tcvn3, Encoding::Vni, Encoding::Viscii];

/// A run with no font or a Unicode font: decoded only when it could be legacy
/// bytes at all and an encoding convincingly improves its spelling.
fn decode_unhinted(text: &str, out: &mut String) {
    let original = text;
    let mut scanned = scan(text);
    let composed: String;
    let mut text = text;
    if scanned.unicode_vietnamese && text.chars().any(is_combining_mark) {
        // Judge decomposed input as clean() will leave it, so that normalizing twice changes nothing.
        composed = text.nfc().collect();
        text = &composed;
        scanned = scan(text);
    }
    if !scanned.signal || !scanned.all_bytes {
        out.push_str(original);
        return;
    }
    // A decoding that could itself be decoded again is no answer: normalized text must stay put.
    let stable = |decoded: &String| {
        let rescan = scan(decoded);
        !(rescan.signal && rescan.all_bytes) || convincing_decodings(decoded).is_empty()
    };
    match convincing_decodings(text).into_iter().find(stable) {
        Some(decoded) => out.push_str(&decoded),
        None => out.push_str(original),
    }
}

/// Whether the text of a document without legacy fonts is, taken as a
/// whole, Vietnamese typed in a legacy encoding. One word can read as a
/// Vietnamese syllable by chance ("Søn" as TCVN3 is "Sứn", "Ø" is "ỉ"), so
/// the verdict is never a run's alone: over every distinct word that some
/// encoding would change, that encoding must make at least
/// [`MIN_REPAIRED_WORDS`] more of them valid and most of them valid. Danish
/// names or Spanish forms ("Sørensen", "Nº de obligación") fail it, since
/// most of their words spell no syllable once decoded.
pub fn spelled_legacy<'a>(texts: impl IntoIterator<Item = &'a str>) -> bool {
    let mut changed: [std::collections::HashSet<(String, String)>; 3] = Default::default();
    for text in texts {
        let scanned = scan(text);
        if !scanned.signal || !scanned.all_bytes || scanned.unicode_vietnamese {
            continue;
        }
        for (k, &encoding) in DETECTABLE.iter().enumerate() {
            let decoded = decode_detected(text, encoding);
            let words =
                |t: &str| t.split(is_separator).filter(|w| !w.is_empty()).map(str::to_owned).collect::<Vec<_>>();
            let (before, after) = (words(text), words(&decoded));
            if before.len() != after.len() {
                changed[k].insert((text.to_owned(), decoded));
                continue;
            }
            let pairs = before.into_iter().zip(after).filter(|(b, a)| b != a && b.chars().any(char::is_alphabetic));
            changed[k].extend(pairs);
        }
    }
    changed.iter().any(|pairs| {
        let (mut before, mut after) = (Score::default(), Score::default());
        for (b, a) in pairs {
            let (sb, sa) = (score(b), score(a));
            (before.words, before.valid) = (before.words + sb.words, before.valid + sb.valid);
            (after.words, after.valid) = (after.words + sa.words, after.valid + sa.valid);
        }
        after.valid >= before.valid + MIN_REPAIRED_WORDS && after.mostly_valid()
    })
}

/// Distinct words a document's decoding must make valid before it is believed.
const MIN_REPAIRED_WORDS: usize = 2;

/// Decodings of `text` that make more of the changed words valid and most of
/// them valid, the largest gain first (ties in [`DETECTABLE`] order).
fn convincing_decodings(text: &str) -> Vec<String> {
    let word_count = |t: &str| t.split(is_separator).filter(|w| !w.is_empty()).count();
    // Clean Vietnamese spells every word already: a decoding that leaves the
    // words where they are cannot make more of them valid, and need not be scored.
    let words = word_count(text);
    let spelled = score(text);
    let all_valid = spelled.valid == spelled.words;
    let mut found: Vec<(usize, String)> = DETECTABLE
        .iter()
        .filter_map(|&encoding| {
            // Single-byte decodings never move a word boundary (a test checks every byte):
            // clean Vietnamese keeps its words, and nothing needs decoding to see it.
            if all_valid && is_single_byte(encoding) {
                return None;
            }
            let decoded = decode_detected(text, encoding);
            if decoded == text || (all_valid && word_count(&decoded) == words) {
                return None;
            }
            let (before, after) = compare(text, &decoded);
            // Legacy bytes often read as valid Latin-1 words ("vô", "sè" for "vụ", "số"),
            // so what counts is the gain, not how bad the text looked before.
            let convincing = after.valid > before.valid && after.mostly_valid();
            convincing.then(|| (after.valid - before.valid, decoded))
        })
        .collect();
    found.sort_by_key(|(gain, _)| std::cmp::Reverse(*gain));
    found.into_iter().map(|(_, decoded)| decoded).collect()
}

/// Decodes text whose encoding was guessed from spelling. NBSP and Windows-1252
/// dashes and quotes are kept: without a font saying VISCII they are far likelier
/// real spaces and punctuation than the VISCII capitals on those codes.
fn decode_detected(text: &str, encoding: Encoding) -> String {
    match encoding {
        Encoding::Viscii | Encoding::Tcvn3 => text.chars().filter_map(|c| detected_char(c, encoding)).collect(),
        _ => decode(text, encoding),
    }
}

/// TCVN3 and VISCII, the detected encodings with one byte per character.
fn is_single_byte(encoding: Encoding) -> bool {
    detected_char(' ', encoding).is_some()
}

/// One character decoded as [`decode_detected`] decodes it, for the
/// single-byte encodings (`None` for VNI, whose letters take two bytes).
fn detected_char(c: char, encoding: Encoding) -> Option<char> {
    match encoding {
        Encoding::Tcvn3 => Some(decode_char(c, &TCVN3_DECODE)),
        Encoding::Viscii if c == '\u{A0}' || is_punctuation(c) => Some(c),
        Encoding::Viscii => Some(decode_char(c, &VISCII_DECODE)),
        Encoding::Tcvn3Capitals | Encoding::Vni => None,
    }
}

/// Spelling scores of the words that differ between `before` and `after`,
/// skipping words that held no letter before (symbols such as × or ±, which
/// legacy encodings reuse for letters). Falls back to whole texts when decoding
/// moved word boundaries.
fn compare(before: &str, after: &str) -> (Score, Score) {
    let words_before = before.split(is_separator).filter(|w| !w.is_empty());
    let words_after = after.split(is_separator).filter(|w| !w.is_empty());
    if words_before.clone().count() != words_after.clone().count() {
        return (score(before), score(after));
    }
    let mut scores = (Score::default(), Score::default());
    for (b, a) in words_before.zip(words_after).filter(|(b, a)| b != a && b.chars().any(char::is_alphabetic)) {
        scores.0.add(b);
        scores.1.add(a);
    }
    scores
}

struct Scan {
    /// Holds a character from the ranges legacy encodings use above ASCII.
    signal: bool,
    /// Every character stands for a byte, as in text typed in a legacy font.
    all_bytes: bool,
    /// Holds a Vietnamese letter or combining mark that no byte stands for: Unicode text.
    unicode_vietnamese: bool,
}

fn scan(text: &str) -> Scan {
    let mut scan = Scan { signal: false, all_bytes: true, unicode_vietnamese: false };
    for c in text.chars().filter(|c| !c.is_ascii()) {
        match to_byte(c) {
            None if letters::is_vietnamese_letter(c) || is_combining_mark(c) => {
                scan.all_bytes = false;
                scan.unicode_vietnamese = true;
                return scan;
            }
            None => scan.all_bytes = false,
            // NBSP and Windows-1252 quotes and dashes are common in clean text; they alone are no sign.
            Some(0xA0) => {}
            // Neither are the symbols of ordinary Unicode text ("N°", "m²", "ACME®"), though legacy
            // encodings put letters on their bytes.
            Some(_) if UNICODE_SYMBOLS.contains(c) => {}
            Some(b) => scan.signal |= b > 0xA0 || !is_punctuation(c),
        }
    }
    scan
}

/// Latin-1 symbols that clean Unicode text uses as symbols: never evidence of a legacy encoding.
const UNICODE_SYMBOLS: &str = "°²³¹®©±×÷·µ§¶¼½¾ªº«»¢£¥€¤¦¨¬¯´¸¿¡";

fn is_punctuation(c: char) -> bool {
    ('\u{2000}'..='\u{206F}').contains(&c)
}

/// Decodes `text` (legacy bytes as Windows-1252 chars) from `encoding`.
/// Characters that stand for no byte pass through unchanged.
pub fn decode(text: &str, encoding: Encoding) -> String {
    match encoding {
        Encoding::Tcvn3 => decode_single(text, &TCVN3_DECODE),
        Encoding::Tcvn3Capitals => text.chars().map(|c| letters::to_upper(decode_char(c, &TCVN3_DECODE))).collect(),
        Encoding::Viscii => decode_single(text, &VISCII_DECODE),
        Encoding::Vni => decode_vni(text),
    }
}

/// Encodes `text` into `encoding` as the Windows-1252 string a .docx would hold;
/// `None` when a character has no code there (toned capitals in [`Encoding::Tcvn3`],
/// lowercase in [`Encoding::Tcvn3Capitals`], symbols whose byte the encoding reuses).
/// VISCII puts six capitals (Ẳ Ẵ Ẫ Ỷ Ỹ Ỵ) on C0 control codes, which XML cannot hold.
pub fn encode(text: &str, encoding: Encoding) -> Option<String> {
    match encoding {
        Encoding::Tcvn3 => text.chars().map(|c| encode_single(c, &tcvn3::TABLE, &TCVN3_DECODE)).collect(),
        Encoding::Tcvn3Capitals => text
            .chars()
            .map(|c| {
                if c.is_lowercase() {
                    None
                } else {
                    encode_single(letters::to_lower(c), &tcvn3::TABLE, &TCVN3_DECODE)
                }
            })
            .collect(),
        Encoding::Viscii => text.chars().map(|c| encode_single(c, &viscii::TABLE, &VISCII_DECODE)).collect(),
        Encoding::Vni => encode_vni(text),
    }
}

// ---- Windows-1252 ----

/// Windows-1252 0x80–0x9F; the five undefined codes stay C1 controls, as Word stores them.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', //
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// The byte a Windows-1252 (or Latin-1) character stands for.
fn to_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        code @ 0..=0xFF => u8::try_from(code).ok(),
        _ => CP1252_HIGH.iter().position(|&h| h == c).and_then(|i| u8::try_from(0x80 + i).ok()),
    }
}

const fn to_char(b: u8) -> char {
    if b >= 0x80 && b < 0xA0 {
        CP1252_HIGH[(b - 0x80) as usize]
    } else {
        b as char
    }
}

// ---- Single-byte encodings (TCVN3, VISCII) ----

/// byte → char for a single-byte encoding; bytes the table does not list keep their Windows-1252 char.
const fn decode_table(pairs: &[(u8, char)]) -> [char; 256] {
    let mut table = ['\0'; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = to_char(b as u8);
        b += 1;
    }
    let mut i = 0;
    while i < pairs.len() {
        table[pairs[i].0 as usize] = pairs[i].1;
        i += 1;
    }
    table
}

static TCVN3_DECODE: [char; 256] = decode_table(&tcvn3::TABLE);
static VISCII_DECODE: [char; 256] = decode_table(&viscii::TABLE);

fn decode_char(c: char, table: &[char; 256]) -> char {
    to_byte(c).and_then(|b| table.get(usize::from(b)).copied()).unwrap_or(c)
}

fn decode_single(text: &str, table: &[char; 256]) -> String {
    text.chars().map(|c| decode_char(c, table)).collect()
}

fn encode_single(c: char, pairs: &[(u8, char)], table: &[char; 256]) -> Option<char> {
    let byte = pairs.iter().find(|p| p.1 == c).map(|p| p.0);
    // Other characters are kept only if their own byte still means them.
    let byte = byte.or_else(|| to_byte(c).filter(|&b| table.get(usize::from(b)) == Some(&c)))?;
    Some(to_char(byte))
}

// ---- VNI-Windows ----

/// A byte's lowercase form and whether it was a capital (letters only).
fn fold_case(b: u8) -> (u8, bool) {
    match b {
        b'A'..=b'Z' => (b.to_ascii_lowercase(), true),
        0xC0..=0xDE => (b + CAPITAL_OFFSET, true),
        _ => (b, false),
    }
}

fn vni_mark(b: u8) -> Option<(Modifier, Tone)> {
    let (lower, _) = fold_case(b);
    vni::MARKS.iter().find(|m| m.0 == lower).map(|m| (m.1, m.2))
}

fn vni_single(lower: u8) -> Option<char> {
    vni::SINGLES.iter().find(|s| s.0 == lower).map(|s| s.1)
}

/// The vowel a base letter and a mark make: e + circumflex → ê; the i and y
/// forms with tone marks are accepted though VNI writes most of them as one byte.
fn vni_vowel(base: char, modifier: Modifier) -> Option<char> {
    match (base, modifier) {
        ('a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ơ' | 'ư', Modifier::None) => Some(base),
        ('a', Modifier::Circumflex) => Some('â'),
        ('e', Modifier::Circumflex) => Some('ê'),
        ('o', Modifier::Circumflex) => Some('ô'),
        ('a', Modifier::Breve) => Some('ă'),
        _ => None,
    }
}

fn cased(c: char, capital: bool) -> char {
    if capital {
        letters::to_upper(c)
    } else {
        c
    }
}

fn decode_vni(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let Some((lower, capital)) = to_byte(c).map(fold_case) else {
            out.push(c);
            continue;
        };
        let single = vni_single(lower);
        let base = if lower.is_ascii_lowercase() { Some(char::from(lower)) } else { single };
        let combined =
            base.zip(chars.peek().and_then(|&m| to_byte(m)).and_then(vni_mark)).and_then(|(base, (modifier, tone))| {
                vni_vowel(base, modifier).and_then(|vowel| letters::compose(vowel, tone))
            });
        if let Some(letter) = combined {
            chars.next();
            out.push(cased(letter, capital));
        } else if let Some(letter) = single {
            out.push(cased(letter, capital));
        } else {
            out.push(c);
        }
    }
    out
}

/// The VNI spelling of a toneless lowercase vowel with a tone: base byte and mark byte.
fn vni_spell(vowel: char, tone: Tone) -> Option<(u8, Option<u8>)> {
    // i and ỵ have one-byte forms.
    if vowel == 'i' && tone != Tone::Level || vowel == 'y' && tone == Tone::Dot {
        let letter = letters::compose(vowel, tone)?;
        return vni::SINGLES.iter().find(|s| s.1 == letter).map(|s| (s.0, None));
    }
    let (base, modifier) = match vowel {
        'ă' => (b'a', Modifier::Breve),
        'â' => (b'a', Modifier::Circumflex),
        'ê' => (b'e', Modifier::Circumflex),
        'ô' => (b'o', Modifier::Circumflex),
        'ơ' | 'ư' => (vni::SINGLES.iter().find(|s| s.1 == vowel)?.0, Modifier::None),
        _ => (u8::try_from(vowel).ok()?, Modifier::None),
    };
    if modifier == Modifier::None && tone == Tone::Level {
        return Some((base, None));
    }
    let mark = vni::MARKS.iter().find(|m| m.1 == modifier && m.2 == tone)?.0;
    Some((base, Some(mark)))
}

fn encode_vni(text: &str) -> Option<String> {
    // Capital codes: ASCII upper case, or the lowercase code minus the offset (all are ≥ 0xE0).
    let upper = |b: u8| if b.is_ascii() { b.to_ascii_uppercase() } else { b.saturating_sub(CAPITAL_OFFSET) };
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if let Some((vowel, tone, capital)) = letters::split_vowel(c) {
            let (base, mark) = vni_spell(vowel, tone)?;
            for b in std::iter::once(base).chain(mark) {
                out.push(to_char(if capital { upper(b) } else { b }));
            }
        } else if matches!(c, 'đ' | 'Đ') {
            let byte = vni::SINGLES.iter().find(|s| s.1 == 'đ')?.0;
            out.push(to_char(if c == 'Đ' { upper(byte) } else { byte }));
        } else {
            // Anything else is kept only if its byte means nothing in VNI.
            let byte = to_byte(c)?;
            let (lower, _) = fold_case(byte);
            if !c.is_ascii() && (vni_mark(byte).is_some() || vni_single(lower).is_some()) {
                return None;
            }
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
