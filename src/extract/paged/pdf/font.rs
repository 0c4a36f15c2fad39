//! Fonts: how a shown string splits into codes, each code's Unicode text and
//! advance width. Simple fonts (Type1, TrueType, Type3) use /Encoding with
//! /Differences and /Widths; Type0 fonts use their CMap (Identity-H/V or an
//! embedded one) and /W. A ToUnicode map, when present, wins over encodings.

use std::cell::RefCell;
use std::collections::HashMap;

use lopdf::{Dictionary, Document as PdfDocument, Encoding, Object};

use super::cmap::CMap;
use super::{resolve, stream_bytes_or_empty as stream_bytes};
use crate::extract::{Budget, ExtractResult};

/// One code of a shown string.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// Unicode text; `None` when the font gives no mapping.
    pub text: Option<String>,
    /// Advance in text space units (already divided by 1000 for most fonts).
    pub advance: f32,
    /// A single-byte code 32, to which word spacing (Tw) applies.
    pub is_word_space: bool,
}

#[derive(Debug)]
enum Kind {
    Simple {
        table: Box<[Option<char>; 256]>,
    },
    Composite {
        encoding: CMap,
        default_len: u8,
        /// Without ToUnicode: the character of each glyph, read from the embedded font program.
        program: Option<ProgramText>,
    },
}

/// CID → glyph id → Unicode, from the embedded font program.
#[derive(Debug)]
struct ProgramText {
    /// `/CIDToGIDMap` stream; `None` for Identity.
    cid_to_gid: Option<Vec<u16>>,
    glyphs: HashMap<u16, char>,
}

impl ProgramText {
    fn text(&self, cid: u32) -> Option<char> {
        let gid = match &self.cid_to_gid {
            Some(map) => *map.get(usize::try_from(cid).ok()?)?,
            None => u16::try_from(cid).ok()?,
        };
        self.glyphs.get(&gid).copied()
    }
}

/// The text and advance of one code, as [`Font::decode`] gives them.
type CodeInfo = (Option<String>, f32);

/// Codes remembered per composite font; a hostile stream of distinct codes is decoded without memo past this.
const MAX_MEMO: usize = 1 << 16;

#[derive(Debug)]
pub struct Font {
    /// Base font name without the subset prefix ("ABCDEF+").
    pub name: String,
    kind: Kind,
    to_unicode: Option<CMap>,
    widths: Widths,
    /// Every code of a simple font, worked out once at load: pages show the
    /// same codes over and over, and each lookup scans CMap ranges and widths.
    simple: Option<Vec<CodeInfo>>,
    /// The codes of a composite font met so far.
    memo: RefCell<HashMap<(u8, u32), CodeInfo>>,
}

#[derive(Debug, Default)]
struct Widths {
    /// (first code, last code, width) in glyph units.
    ranges: Vec<(u32, u32, f32)>,
    default: f32,
    /// Glyph units → text space (1/1000 except for Type3 FontMatrix).
    scale: f32,
}

impl Widths {
    fn get(&self, code: u32) -> f32 {
        let width = self.ranges.iter().find(|(lo, hi, _)| (*lo..=*hi).contains(&code)).map_or(self.default, |r| r.2);
        width * self.scale
    }
}

fn number(object: &Object) -> Option<f32> {
    match object {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn strip_subset_prefix(name: &str) -> &str {
    match name.split_once('+') {
        Some((prefix, rest)) if prefix.len() == 6 && prefix.bytes().all(|b| b.is_ascii_uppercase()) => rest,
        _ => name,
    }
}

/// Text of one byte in a named base encoding.
fn base_encoding_char(encoding: &[u8], byte: u8) -> Option<char> {
    let bytes = [byte];
    let decoded = match encoding {
        b"MacRomanEncoding" => encoding_rs::MACINTOSH.decode_without_bom_handling(&bytes).0,
        // Standard encoding differs from ASCII only in the quotes among printable codes.
        b"StandardEncoding" | b"" => {
            return match byte {
                b'\'' => Some('\u{2019}'),
                b'`' => Some('\u{2018}'),
                0x20..=0x7E => Some(char::from(byte)),
                _ => None,
            }
        }
        _ => encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes).0,
    };
    decoded.chars().next().filter(|c| !c.is_control())
}

impl Font {
    /// Reads a font dictionary. Missing or damaged parts fall back to
    /// defaults (no mapping → U+FFFD later, no widths → half an em).
    pub fn load(doc: &PdfDocument, dict: &Dictionary, budget: &mut Budget) -> ExtractResult<Font> {
        let base_name =
            dict.get(b"BaseFont").and_then(Object::as_name).map(String::from_utf8_lossy).unwrap_or_default();
        let name = strip_subset_prefix(&base_name).to_owned();
        let to_unicode = match resolve(doc, dict.get(b"ToUnicode").ok()).and_then(|o| o.as_stream().ok()) {
            Some(stream) => Some(CMap::parse(&stream_bytes(stream, budget)?)).filter(CMap::has_mappings),
            None => None,
        };
        let subtype = dict.get(b"Subtype").and_then(Object::as_name).unwrap_or_default();
        let (kind, widths) = if subtype == b"Type0" {
            Self::composite(doc, dict, budget, to_unicode.is_none())?
        } else {
            let mut table = Self::simple_table(doc, dict, budget);
            if to_unicode.is_none() && subtype == b"TrueType" {
                Self::match_shapes(doc, dict, &name, &mut table, budget)?;
            }
            (Kind::Simple { table }, Self::simple_widths(doc, dict))
        };
        let mut font = Font { name, kind, to_unicode, widths, simple: None, memo: RefCell::default() };
        if matches!(font.kind, Kind::Simple { .. }) {
            font.simple = Some((0..=255).map(|code| font.code_info(1, code)).collect());
        }
        Ok(font)
    }

    fn simple_table(doc: &PdfDocument, dict: &Dictionary, budget: &Budget) -> Box<[Option<char>; 256]> {
        let encoding = resolve(doc, dict.get(b"Encoding").ok());
        let base: &[u8] = match encoding {
            Some(Object::Name(name)) => name,
            Some(Object::Dictionary(d)) => d.get(b"BaseEncoding").and_then(Object::as_name).unwrap_or_default(),
            _ => b"",
        };
        let mut table: Box<[Option<char>; 256]> = Box::new([None; 256]);
        for (byte, slot) in (0u8..=255).zip(table.iter_mut()) {
            *slot = base_encoding_char(base, byte);
        }
        // lopdf resolves /Differences glyph names through the Adobe glyph list.
        let limit = usize::try_from(budget.bytes_left()).unwrap_or(usize::MAX);
        if let Ok(Encoding::Differences(differences)) = dict.get_font_encoding_with_limit(doc, limit) {
            for (code, glyph) in differences.map.iter() {
                if let Some(slot) = table.get_mut(usize::from(*code)) {
                    *slot = char::from_u32(u32::from(glyph.utf16_code_unit()));
                }
            }
        }
        table
    }

    /// Codes whose glyph outline is a glyph of the installed full font get
    /// that glyph's character, over whatever the encoding says.
    fn match_shapes(
        doc: &PdfDocument,
        dict: &Dictionary,
        name: &str,
        table: &mut [Option<char>; 256],
        budget: &mut Budget,
    ) -> ExtractResult<()> {
        let descriptor = resolve(doc, dict.get(b"FontDescriptor").ok()).and_then(|o| o.as_dict().ok());
        let Some(file) =
            descriptor.and_then(|d| resolve(doc, d.get(b"FontFile2").ok())).and_then(|o| o.as_stream().ok())
        else {
            return Ok(());
        };
        for (code, c) in super::shapes::simple_codes(&stream_bytes(file, budget)?, name) {
            table[usize::from(code)] = Some(c);
        }
        Ok(())
    }

    fn simple_widths(doc: &PdfDocument, dict: &Dictionary) -> Widths {
        let first = resolve(doc, dict.get(b"FirstChar").ok()).and_then(number).unwrap_or(0.0).max(0.0) as u32;
        let mut ranges = Vec::new();
        if let Some(Object::Array(widths)) = resolve(doc, dict.get(b"Widths").ok()) {
            for (code, width) in (first..).zip(widths.iter()) {
                if let Some(w) = resolve(doc, Some(width)).and_then(number) {
                    ranges.push((code, code, w));
                }
            }
        }
        let descriptor = resolve(doc, dict.get(b"FontDescriptor").ok()).and_then(|o| o.as_dict().ok());
        let missing = descriptor.and_then(|d| d.get(b"MissingWidth").ok()).and_then(number).filter(|w| *w > 0.0);
        let scale = match resolve(doc, dict.get(b"FontMatrix").ok()) {
            Some(Object::Array(m)) => m.first().and_then(number).unwrap_or(0.001),
            _ => 0.001,
        };
        let default = missing.unwrap_or(if ranges.is_empty() { 500.0 } else { 0.0 });
        // A Type3 font measures in its own glyph space; keep the default width proportional.
        let default = if (scale - 0.001).abs() > f32::EPSILON && ranges.is_empty() { 0.5 / scale } else { default };
        Widths { ranges, default, scale }
    }

    fn composite(
        doc: &PdfDocument,
        dict: &Dictionary,
        budget: &mut Budget,
        needs_text: bool,
    ) -> ExtractResult<(Kind, Widths)> {
        let encoding = match resolve(doc, dict.get(b"Encoding").ok()) {
            Some(Object::Stream(stream)) => CMap::parse(&stream_bytes(stream, budget)?),
            _ => CMap::default(),
        };
        let descendant = match resolve(doc, dict.get(b"DescendantFonts").ok()) {
            Some(Object::Array(fonts)) => resolve(doc, fonts.first()).and_then(|o| o.as_dict().ok()),
            _ => None,
        };
        let mut widths = Widths { ranges: Vec::new(), default: 1000.0, scale: 0.001 };
        let mut program = None;
        if let Some(cid_font) = descendant {
            if needs_text {
                program = Self::program_text(doc, cid_font, budget)?;
            }
            if let Some(dw) = resolve(doc, cid_font.get(b"DW").ok()).and_then(number) {
                widths.default = dw;
            }
            if let Some(Object::Array(w)) = resolve(doc, cid_font.get(b"W").ok()) {
                widths.ranges = parse_cid_widths(doc, w);
            }
        }
        let default_len = if encoding.has_codespace() { 1 } else { 2 };
        Ok((Kind::Composite { encoding, default_len, program }, widths))
    }

    /// The embedded font program's own glyph → Unicode map, for a CIDFont.
    fn program_text(
        doc: &PdfDocument,
        cid_font: &Dictionary,
        budget: &mut Budget,
    ) -> ExtractResult<Option<ProgramText>> {
        let descriptor = resolve(doc, cid_font.get(b"FontDescriptor").ok()).and_then(|o| o.as_dict().ok());
        let file = descriptor.and_then(|d| {
            [&b"FontFile2"[..], b"FontFile3"]
                .iter()
                .find_map(|key| resolve(doc, d.get(key).ok()).and_then(|o| o.as_stream().ok()))
        });
        let Some(file) = file else { return Ok(None) };
        let glyphs = super::program::glyph_unicode(&stream_bytes(file, budget)?);
        if glyphs.is_empty() {
            return Ok(None);
        }
        let cid_to_gid = match resolve(doc, cid_font.get(b"CIDToGIDMap").ok()) {
            Some(Object::Stream(map)) => {
                Some(stream_bytes(map, budget)?.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect())
            }
            _ => None,
        };
        Ok(Some(ProgramText { cid_to_gid, glyphs }))
    }

    /// Splits a shown string into codes with their text and advance.
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<Code>) {
        let mut rest = bytes;
        while !rest.is_empty() {
            let (len, code) = match &self.kind {
                Kind::Simple { .. } => (1, u32::from(rest[0])),
                Kind::Composite { encoding, default_len, .. } => match encoding.next_code(rest, *default_len) {
                    Some(found) => found,
                    None => break,
                },
            };
            rest = rest.get(usize::from(len)..).unwrap_or_default();
            let (text, advance) = match self.simple.as_ref().and_then(|table| table.get(code as usize)) {
                Some(info) => info.clone(),
                None => {
                    let mut memo = self.memo.borrow_mut();
                    match memo.get(&(len, code)) {
                        Some(info) => info.clone(),
                        None => {
                            let info = self.code_info(len, code);
                            if memo.len() < MAX_MEMO {
                                memo.insert((len, code), info.clone());
                            }
                            info
                        }
                    }
                }
            };
            out.push(Code { text, advance, is_word_space: len == 1 && code == 32 });
        }
    }

    /// The text and advance of one code of `len` bytes.
    fn code_info(&self, len: u8, code: u32) -> CodeInfo {
        let mapped = self.to_unicode.as_ref().and_then(|m| m.lookup(len, code));
        let text = mapped.or_else(|| match &self.kind {
            Kind::Simple { table } => table.get(code as usize).copied().flatten().map(String::from),
            // Without ToUnicode an Identity-encoded CID says nothing about its
            // character; the font program's cmap may.
            Kind::Composite { program, .. } => program.as_ref().and_then(|p| p.text(code)).map(String::from),
        });
        (text, self.widths.get(code))
    }
}

/// Parses a CIDFont /W array: `c [w1 w2 …]` and `c_first c_last w` entries.
fn parse_cid_widths(doc: &PdfDocument, w: &[Object]) -> Vec<(u32, u32, f32)> {
    let mut ranges = Vec::new();
    let mut items = w.iter().map(|o| resolve(doc, Some(o)));
    while let Some(Some(first)) = items.next() {
        let Some(first) = number(first).filter(|n| *n >= 0.0).map(|n| n as u32) else { break };
        match items.next().flatten() {
            Some(Object::Array(list)) => {
                for (cid, width) in (first..).zip(list.iter()) {
                    if let Some(width) = number(width) {
                        ranges.push((cid, cid, width));
                    }
                }
            }
            Some(last) => {
                let (Some(last), Some(width)) = (number(last), items.next().flatten().and_then(number)) else { break };
                ranges.push((first, last.max(0.0) as u32, width));
            }
            None => break,
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn budget() -> Budget {
        Budget::new(Default::default())
    }

    fn texts(font: &Font, bytes: &[u8]) -> Vec<Option<String>> {
        let mut out = Vec::new();
        font.decode(bytes, &mut out);
        out.into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn simple_font_with_win_ansi_and_differences() {
        let doc = PdfDocument::with_version("1.5");
        let font = dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+Arial",
            "FirstChar" => 65, "Widths" => vec![600.into(), 700.into()],
            "Encoding" => dictionary! {
                "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![66.into(), Object::Name(b"ohorn".to_vec())],
            },
        };
        let font = Font::load(&doc, &font, &mut budget()).unwrap();
        assert_eq!(font.name, "Arial");
        assert_eq!(
            texts(&font, b"AB\xe0\x80"),
            vec![Some("A".into()), Some("ơ".into()), Some("à".into()), Some("€".into())]
        );
        let mut codes = Vec::new();
        font.decode(b"AB C", &mut codes);
        assert!((codes[1].advance - 0.7).abs() < 1e-6);
        assert!(codes[2].is_word_space);
        assert_eq!(codes[3].advance, 0.0);
    }

    #[test]
    fn standard_and_mac_roman_base_encodings() {
        assert_eq!(base_encoding_char(b"StandardEncoding", b'\''), Some('\u{2019}'));
        assert_eq!(base_encoding_char(b"MacRomanEncoding", 0x8E), Some('é'));
        assert_eq!(base_encoding_char(b"WinAnsiEncoding", 0x01), None);
    }

    #[test]
    fn cid_widths_both_forms() {
        let doc = PdfDocument::with_version("1.5");
        let w = vec![3.into(), vec![250.into(), 300.into()].into(), 10.into(), 20.into(), 500.into()];
        let ranges = parse_cid_widths(&doc, &w);
        assert_eq!(ranges, vec![(3, 3, 250.0), (4, 4, 300.0), (10, 20, 500.0)]);
    }
}
