//! Fonts and styles: the font table (SttbfFfn, [MS-DOC] 2.9.271) names the
//! fonts that sprmCRgFtc0/1/2 index, and the style sheet (STSH, 2.9.272)
//! gives each style's character properties, so a run without its own font
//! gets the one its paragraph or character style sets — legacy `.VnTime`
//! documents usually set it once, in the Normal style.

use super::fib::le16;
use super::props::CharProps;

/// Font names by index; a damaged table yields the names read so far.
pub fn font_names(sttbf: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let count = le16(sttbf, 0).unwrap_or(0) as usize;
    let mut at = 4usize;
    for _ in 0..count {
        let Some(&cb) = sttbf.get(at) else { break };
        let ffn = sttbf.get(at + 1..at + 1 + cb as usize).unwrap_or(&[]);
        // FFN: ffid, wWeight, chs, ixchSzAlt, panose (10), fs (24), then the UTF-16 name.
        let units: Vec<u16> =
            ffn.get(39..).unwrap_or(&[]).chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
        names.push(String::from_utf16_lossy(&units[..end]));
        at += 1 + cb as usize;
    }
    names
}

/// Style sheet: each style's own character properties and its base style.
#[derive(Debug, Default)]
pub struct Styles {
    /// Fonts of the document defaults (rgftcStandardChpStsh).
    defaults: CharProps,
    styles: Vec<Option<(u16, CharProps)>>,
}

const ISTD_NIL: u16 = 0x0FFF;

impl Styles {
    pub fn parse(stsh: &[u8]) -> Styles {
        let mut out = Styles::default();
        let Some(cb_stshi) = le16(stsh, 0).map(usize::from) else { return out };
        let stshi = stsh.get(2..2 + cb_stshi).unwrap_or(&[]);
        let count = le16(stshi, 0).unwrap_or(0) as usize;
        let base_len = le16(stshi, 2).unwrap_or(10) as usize;
        for (slot, at) in out.defaults.ftc.iter_mut().zip([12, 14, 16]) {
            *slot = le16(stshi, at);
        }
        let mut at = 2 + cb_stshi;
        for _ in 0..count.min(4096) {
            let Some(cb) = le16(stsh, at).map(usize::from) else { break };
            let std = stsh.get(at + 2..at + 2 + cb).unwrap_or(&[]);
            at += 2 + cb;
            out.styles.push(if std.is_empty() { None } else { Self::parse_std(std, base_len) });
        }
        out
    }

    /// One STD: Stdf (base and kind), name, then the UPXs; the character UPX
    /// is the second of a paragraph style and the only one of a character style.
    fn parse_std(std: &[u8], base_len: usize) -> Option<(u16, CharProps)> {
        let kind = le16(std, 2)? & 0x000F;
        let base = le16(std, 2)? >> 4;
        let upx_count = le16(std, 4)? & 0x000F;
        let name_len = le16(std, base_len)? as usize;
        let mut at = base_len + 2 + 2 * (name_len + 1);
        let mut props = CharProps::default();
        for index in 0..upx_count {
            let cb = le16(std, at)? as usize;
            let upx = std.get(at + 2..at + 2 + cb)?;
            let is_chpx = match kind {
                1 => index == 1,
                2 => index == 0,
                _ => false,
            };
            if is_chpx {
                props.apply(upx);
            }
            at += 2 + cb + cb % 2;
        }
        Some((base, props))
    }

    /// The character properties a style resolves to through its base chain
    /// (bounded: a cycle stops), over the document defaults.
    pub fn resolve(&self, istd: u16) -> CharProps {
        let mut chain = Vec::new();
        let mut id = istd;
        while id != ISTD_NIL && chain.len() < 16 {
            let Some(Some((base, props))) = self.styles.get(id as usize) else { break };
            chain.push(props);
            id = *base;
        }
        chain.iter().rev().fold(self.defaults.clone(), |acc, props| props.over(&acc))
    }
}
