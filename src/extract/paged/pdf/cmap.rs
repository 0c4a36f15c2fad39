//! CMap parsing: codespace ranges (how a string splits into codes) and the
//! `bfchar`/`bfrange` sections of ToUnicode maps (code → Unicode text).

use std::collections::HashMap;

/// Largest number of entries read from one CMap; real maps hold a few thousand.
const MAX_ENTRIES: usize = 200_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CodeRange {
    len: u8,
    lo: u32,
    hi: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RangeTarget {
    /// The first code maps to these UTF-16 units; later codes add their offset to the last unit.
    Start(Vec<u16>),
    /// One target per code, in order.
    List(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct BfRange {
    range: CodeRange,
    target: RangeTarget,
}

/// A parsed CMap. Used both for splitting strings into codes (codespace) and
/// for mapping codes to Unicode (ToUnicode).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CMap {
    codespace: Vec<CodeRange>,
    singles: HashMap<(u8, u32), String>,
    ranges: Vec<BfRange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Hex(Vec<u8>),
    Word(&'a [u8]),
    ArrayOpen,
    ArrayClose,
}

struct Tokens<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let byte = *self.data.get(self.pos)?;
            match byte {
                b'%' => {
                    while self.data.get(self.pos).is_some_and(|b| *b != b'\n' && *b != b'\r') {
                        self.pos += 1;
                    }
                }
                b'[' => {
                    self.pos += 1;
                    return Some(Token::ArrayOpen);
                }
                b']' => {
                    self.pos += 1;
                    return Some(Token::ArrayClose);
                }
                b'<' if self.data.get(self.pos + 1) != Some(&b'<') => {
                    self.pos += 1;
                    let start = self.pos;
                    while self.data.get(self.pos).is_some_and(|b| *b != b'>') {
                        self.pos += 1;
                    }
                    let hex = self.data.get(start..self.pos).unwrap_or_default();
                    self.pos += 1;
                    return Some(Token::Hex(decode_hex(hex)));
                }
                b'(' => {
                    // Literal strings (registry names) carry nothing we use; skip them.
                    let mut depth = 0usize;
                    while let Some(b) = self.data.get(self.pos) {
                        self.pos += 1;
                        match b {
                            b'\\' => self.pos += 1,
                            b'(' => depth += 1,
                            b')' => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                b if b.is_ascii_whitespace() => self.pos += 1,
                _ => {
                    let start = self.pos;
                    self.pos += 1;
                    while self.data.get(self.pos).is_some_and(|b| !b.is_ascii_whitespace() && !b"[]<>()/%".contains(b))
                    {
                        self.pos += 1;
                    }
                    return Some(Token::Word(self.data.get(start..self.pos).unwrap_or_default()));
                }
            }
        }
    }
}

fn decode_hex(hex: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = hex
        .iter()
        .filter_map(|b| match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        })
        .collect();
    // An odd final digit is followed by an implicit 0 (PDF 7.3.4.3).
    digits.chunks(2).map(|pair| pair[0] << 4 | pair.get(1).copied().unwrap_or(0)).collect()
}

/// A code as (byte length, value); codes longer than 4 bytes are not codes.
fn code_of(bytes: &[u8]) -> Option<(u8, u32)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some((bytes.len() as u8, bytes.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b))))
}

/// UTF-16BE target bytes as text; lone surrogates become U+FFFD.
fn utf16_text(bytes: &[u8]) -> String {
    char::decode_utf16(utf16_units(bytes)).map(|c| c.unwrap_or('\u{FFFD}')).collect()
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    // Some producers write a one-byte target for a Latin-1 character.
    if let [byte] = bytes {
        return vec![u16::from(*byte)];
    }
    bytes.chunks(2).map(|p| u16::from(p[0]) << 8 | u16::from(p.get(1).copied().unwrap_or(0))).collect()
}

impl CMap {
    /// Parses a CMap program. Never fails: unreadable parts are skipped, so a
    /// damaged map still maps what it can.
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let mut tokens = Tokens { data, pos: 0 };
        let mut entries = 0usize;
        while let Some(token) = tokens.next() {
            if entries > MAX_ENTRIES {
                break;
            }
            let Token::Word(word) = token else { continue };
            match word {
                b"begincodespacerange" => {
                    while let (Some(Token::Hex(lo)), Some(Token::Hex(hi))) = (tokens.next(), tokens.next()) {
                        if let (Some((len, lo)), Some((_, hi))) = (code_of(&lo), code_of(&hi)) {
                            cmap.codespace.push(CodeRange { len, lo, hi });
                        }
                        entries += 1;
                    }
                }
                b"beginbfchar" => {
                    while let (Some(Token::Hex(src)), Some(dst)) = (tokens.next(), tokens.next()) {
                        if let (Some(code), Token::Hex(dst)) = (code_of(&src), dst) {
                            cmap.singles.insert(code, utf16_text(&dst));
                        }
                        entries += 1;
                    }
                }
                b"beginbfrange" => {
                    while let (Some(Token::Hex(lo)), Some(Token::Hex(hi))) = (tokens.next(), tokens.next()) {
                        let target = match tokens.next() {
                            Some(Token::Hex(dst)) => RangeTarget::Start(utf16_units(&dst)),
                            Some(Token::ArrayOpen) => {
                                let mut list = Vec::new();
                                while let Some(Token::Hex(dst)) = tokens.next() {
                                    list.push(utf16_text(&dst));
                                }
                                RangeTarget::List(list)
                            }
                            _ => break,
                        };
                        if let (Some((len, lo)), Some((hi_len, hi))) = (code_of(&lo), code_of(&hi)) {
                            if lo <= hi && len == hi_len {
                                cmap.ranges.push(BfRange { range: CodeRange { len, lo, hi }, target });
                            }
                        }
                        entries += 1;
                    }
                }
                _ => {}
            }
        }
        cmap
    }

    /// Whether the map has any code → Unicode entries.
    pub fn has_mappings(&self) -> bool {
        !self.singles.is_empty() || !self.ranges.is_empty()
    }

    /// The Unicode text of a code of `len` bytes. A map that ignores byte
    /// lengths is common, so a miss retries the value with any length.
    pub fn lookup(&self, len: u8, code: u32) -> Option<String> {
        self.lookup_exact(len, code).or_else(|| (1..=4).filter(|l| *l != len).find_map(|l| self.lookup_exact(l, code)))
    }

    fn lookup_exact(&self, len: u8, code: u32) -> Option<String> {
        if let Some(text) = self.singles.get(&(len, code)) {
            return Some(text.clone());
        }
        let found = self.ranges.iter().find(|r| r.range.len == len && (r.range.lo..=r.range.hi).contains(&code))?;
        let offset = code - found.range.lo;
        match &found.target {
            RangeTarget::List(list) => list.get(offset as usize).cloned(),
            RangeTarget::Start(units) => {
                let mut units = units.clone();
                let last = units.last_mut()?;
                *last = u16::try_from(u32::from(*last) + offset).ok()?;
                Some(char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')).collect())
            }
        }
    }

    /// Splits the next code off `bytes` by the codespace ranges; returns the
    /// code, its length and the bytes consumed. Without a matching range the
    /// code is `default_len` bytes long (1 for simple fonts, 2 for Identity).
    pub fn next_code(&self, bytes: &[u8], default_len: u8) -> Option<(u8, u32)> {
        for len in 1..=4u8 {
            let Some((_, value)) = bytes.get(..len as usize).and_then(code_of) else { break };
            if self.codespace.iter().any(|r| r.len == len && (r.lo..=r.hi).contains(&value)) {
                return Some((len, value));
            }
        }
        let len = default_len.clamp(1, 4).min(bytes.len() as u8);
        bytes.get(..len as usize).and_then(code_of)
    }

    /// Whether the map declares any codespace range.
    pub fn has_codespace(&self) -> bool {
        !self.codespace.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = b"/CIDInit/ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo<</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def
/CMapName/Adobe-Identity-UCS def
% a comment <00FF>
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar
<0003> <0020>
<0011> <01B0>
<0012> <0066006C>
endbfchar
2 beginbfrange
<0020> <0022> <0041>
<0030> <0032> [<1EA1> <1EA3> <0065 0301>]
endbfrange
endcmap";

    #[test]
    fn parses_bfchar_bfrange_and_array_ranges() {
        let cmap = CMap::parse(SAMPLE);
        assert_eq!(cmap.lookup(2, 0x0003).as_deref(), Some(" "));
        assert_eq!(cmap.lookup(2, 0x0011).as_deref(), Some("ư"));
        assert_eq!(cmap.lookup(2, 0x0012).as_deref(), Some("fl"));
        assert_eq!(cmap.lookup(2, 0x0021).as_deref(), Some("B"));
        assert_eq!(cmap.lookup(2, 0x0022).as_deref(), Some("C"));
        assert_eq!(cmap.lookup(2, 0x0023), None);
        assert_eq!(cmap.lookup(2, 0x0031).as_deref(), Some("ả"));
        assert_eq!(cmap.lookup(2, 0x0032).as_deref(), Some("e\u{301}"));
    }

    #[test]
    fn splits_codes_by_codespace() {
        let mixed = CMap::parse(b"2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange");
        let bytes = [0x41, 0x81, 0x40, 0x42];
        assert_eq!(mixed.next_code(&bytes, 1), Some((1, 0x41)));
        assert_eq!(mixed.next_code(&bytes[1..], 1), Some((2, 0x8140)));
        assert_eq!(CMap::default().next_code(&bytes, 2), Some((2, 0x4181)));
        assert_eq!(CMap::default().next_code(&[0x41], 2), Some((1, 0x41)));
        assert_eq!(CMap::default().next_code(&[], 2), None);
    }

    #[test]
    fn survives_damaged_maps() {
        let cmap = CMap::parse(b"beginbfrange <0000> <FFFFFFFF> <00> <05> <01> [<0041> endbfrange <0 (unclosed");
        assert!(cmap.lookup(1, 0x7F).is_none());
        assert_eq!(CMap::parse(b"beginbfchar <4> <3").lookup(1, 0x40).as_deref(), Some("0"));
    }
}
