//! Glyph → Unicode through an embedded font program, for fonts without
//! `/ToUnicode` (print drivers, some Chromium output). A TrueType/OpenType
//! program's own `cmap` maps Unicode to glyph ids; reversed, it names the
//! character of each glyph. Glyphs no cmap reaches fall back to their name
//! (`post` table or CFF charset) read as an Adobe Glyph List name.
//!
//! `ttf-parser` is used because it parses these tables zero-copy, without
//! allocation or panics on damaged fonts, and builds without a rasteriser.

use std::collections::HashMap;

/// Unicode of each glyph id of a font program; empty when the bytes are no
/// font `ttf-parser` can read.
pub fn glyph_unicode(program: &[u8]) -> HashMap<u16, char> {
    let mut map: HashMap<u16, char> = HashMap::new();
    let Ok(face) = ttf_parser::Face::parse(program, 0) else { return map };
    if let Some(cmap) = face.tables().cmap {
        for subtable in cmap.subtables {
            if !subtable.is_unicode() {
                continue;
            }
            subtable.codepoints(|codepoint| {
                let (Some(c), Some(gid)) = (char::from_u32(codepoint), subtable.glyph_index(codepoint)) else { return };
                if gid.0 == 0 || is_private_use(c) {
                    return;
                }
                // Several characters may share a glyph ("A" and "Α"); the lowest is the usual one.
                map.entry(gid.0).and_modify(|old| *old = (*old).min(c)).or_insert(c);
            });
        }
    }
    for gid in 1..face.number_of_glyphs() {
        if map.contains_key(&gid) {
            continue;
        }
        if let Some(c) = face.glyph_name(ttf_parser::GlyphId(gid)).and_then(glyph_name_char) {
            map.insert(gid, c);
        }
    }
    map
}

fn is_private_use(c: char) -> bool {
    matches!(u32::from(c), 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
}

/// The character a glyph name stands for: `uniXXXX`, `uXXXX[XX]`, a single
/// ASCII letter or digit, or a common Adobe Glyph List name.
pub fn glyph_name_char(name: &str) -> Option<char> {
    let base = name.split('.').next().unwrap_or(name);
    let hex = |digits: &str| u32::from_str_radix(digits, 16).ok().and_then(char::from_u32);
    if let Some(digits) = base.strip_prefix("uni").filter(|d| d.len() == 4) {
        return hex(digits);
    }
    if let Some(digits) = base.strip_prefix('u').filter(|d| (4..=6).contains(&d.len())) {
        return hex(digits);
    }
    let mut chars = base.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_ascii_alphanumeric().then_some(c);
    }
    const NAMES: [(&str, char); 24] = [
        ("space", ' '),
        ("zero", '0'),
        ("one", '1'),
        ("two", '2'),
        ("three", '3'),
        ("four", '4'),
        ("five", '5'),
        ("six", '6'),
        ("seven", '7'),
        ("eight", '8'),
        ("nine", '9'),
        ("period", '.'),
        ("comma", ','),
        ("colon", ':'),
        ("semicolon", ';'),
        ("hyphen", '-'),
        ("slash", '/'),
        ("parenleft", '('),
        ("parenright", ')'),
        ("percent", '%'),
        ("plus", '+'),
        ("equal", '='),
        ("bracketleft", '['),
        ("bracketright", ']'),
    ];
    NAMES.iter().find(|(n, _)| *n == base).map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_char("uni1EC3"), Some('ể'));
        assert_eq!(glyph_name_char("u1EC3"), Some('ể'));
        assert_eq!(glyph_name_char("seven"), Some('7'));
        assert_eq!(glyph_name_char("a.sc"), Some('a'));
        assert_eq!(glyph_name_char("g123"), None);
    }

    #[test]
    fn damaged_program_maps_nothing() {
        assert!(glyph_unicode(b"not a font").is_empty());
        assert!(glyph_unicode(&[0, 1, 0, 0, 0, 9]).is_empty());
    }
}
