//! The piece table (CLX, [MS-DOC] 2.9.38): the document's text as pieces of
//! the WordDocument stream, each either "compressed" (one cp1252 byte per
//! character) or UTF-16LE. Every character keeps its file offset (FC), since
//! the paragraph and character properties are indexed by FC.

use super::corrupt;
use super::fib::{le16, le32};
use crate::extract::{Budget, ExtractResult};

/// One character of the main document with the FC its properties are found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Char {
    pub ch: char,
    /// The raw code unit (byte value or UTF-16 unit), for control characters.
    pub unit: u16,
    pub fc: u32,
}

/// The pieces of the CLX: `(cp_start, cp_end, fc, compressed)`.
fn pieces(clx: &[u8]) -> ExtractResult<Vec<(u32, u32, u32, bool)>> {
    let mut at = 0usize;
    // Prc entries (property modifiers for pieces) come first; they are skipped.
    while clx.get(at) == Some(&0x01) {
        let cb = le16(clx, at + 1).ok_or_else(|| corrupt("bảng mảnh văn bản (CLX) bị cắt cụt"))? as usize;
        at += 3 + cb;
    }
    if clx.get(at) != Some(&0x02) {
        return Err(corrupt("không tìm thấy bảng mảnh văn bản (Pcdt) trong CLX"));
    }
    let lcb = le32(clx, at + 1).ok_or_else(|| corrupt("bảng mảnh văn bản (CLX) bị cắt cụt"))? as usize;
    let plc = clx.get(at + 5..).unwrap_or(&[]);
    let plc = &plc[..lcb.min(plc.len())];
    // A PlcPcd holds n+1 CPs (4 bytes) and n PCDs (8 bytes).
    if plc.len() < 4 {
        return Err(corrupt("bảng mảnh văn bản rỗng"));
    }
    let n = (plc.len() - 4) / 12;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (Some(start), Some(end)) = (le32(plc, i * 4), le32(plc, (i + 1) * 4)) else { break };
        let pcd = 4 * (n + 1) + i * 8;
        let Some(fc) = le32(plc, pcd + 2) else { break };
        if end < start {
            return Err(corrupt("bảng mảnh văn bản có vị trí không tăng dần"));
        }
        let compressed = fc & 0x4000_0000 != 0;
        let fc = if compressed { (fc & !0x4000_0000) / 2 } else { fc };
        out.push((start, end, fc, compressed));
    }
    Ok(out)
}

/// The first `ccp_text` characters of the document (the main text), in order.
pub fn main_text(word: &[u8], clx: &[u8], ccp_text: u32, budget: &mut Budget) -> ExtractResult<Vec<Char>> {
    let mut chars = Vec::new();
    for (start, end, fc, compressed) in pieces(clx)? {
        if start >= ccp_text {
            break;
        }
        let count = end.min(ccp_text) - start;
        let width = if compressed { 1 } else { 2 };
        let bytes_needed = u64::from(count) * width;
        budget.spend_bytes(bytes_needed)?;
        budget.check_time()?;
        let begin = fc as usize;
        let text = begin
            .checked_add(bytes_needed as usize)
            .and_then(|stop| word.get(begin..stop))
            .ok_or_else(|| corrupt("một mảnh văn bản nằm ngoài luồng WordDocument (tệp bị cắt cụt?)"))?;
        chars.reserve(count as usize);
        if compressed {
            for (i, &byte) in text.iter().enumerate() {
                chars.push(Char { ch: cp1252(byte), unit: u16::from(byte), fc: fc + i as u32 });
            }
        } else {
            let units: Vec<u16> = text.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            let mut i = 0;
            while i < units.len() {
                let unit = units[i];
                let low = units.get(i + 1).copied().filter(|low| (0xDC00..0xE000).contains(low));
                let (ch, step) = match low {
                    Some(low) if (0xD800..0xDC00).contains(&unit) => {
                        (char::from_u32(0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)), 2)
                    }
                    // A lone surrogate becomes U+FFFD.
                    _ => (char::from_u32(u32::from(unit)), 1),
                };
                chars.push(Char { ch: ch.unwrap_or('\u{FFFD}'), unit, fc: fc + 2 * i as u32 });
                i += step;
            }
        }
    }
    Ok(chars)
}

fn cp1252(byte: u8) -> char {
    if byte < 0x80 {
        return char::from(byte);
    }
    let byte = [byte];
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
    text.chars().next().unwrap_or(char::from(byte[0]))
}
