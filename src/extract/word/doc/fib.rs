//! The File Information Block at the start of the WordDocument stream
//! ([MS-DOC] 2.5.1): where the text, the property tables and the fonts are.

use super::corrupt;
use crate::extract::ExtractResult;

/// A (file offset, length) pair of the FIB's FibRgFcLcb97 array, in the table stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FcLcb {
    pub fc: u32,
    pub lcb: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fib {
    /// The table stream is `1Table` (else `0Table`).
    pub table_1: bool,
    /// Characters of the main document; footnotes, headers and the rest follow it.
    pub ccp_text: u32,
    pub stshf: FcLcb,
    pub plcf_bte_chpx: FcLcb,
    pub plcf_bte_papx: FcLcb,
    pub sttbf_ffn: FcLcb,
    pub clx: FcLcb,
}

pub fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    bytes.get(at..at.checked_add(2)?).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

pub fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at.checked_add(4)?).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl Fib {
    pub fn parse(stream: &[u8]) -> ExtractResult<Fib> {
        let bad = || corrupt("phần mô tả tệp (FIB) bị hỏng hoặc bị cắt cụt");
        if le16(stream, 0) != Some(0xA5EC) {
            return Err(corrupt("thiếu dấu hiệu nhận dạng Word (wIdent) ở đầu luồng WordDocument"));
        }
        let flags = le16(stream, 10).ok_or_else(bad)?;
        // FibBase (32 bytes), then csw 16-bit words, cslw 32-bit words, cbRgFcLcb pairs.
        let csw = le16(stream, 32).ok_or_else(bad)? as usize;
        let lw_at = 34 + csw * 2;
        let cslw = le16(stream, lw_at).ok_or_else(bad)? as usize;
        let rg_lw = lw_at + 2;
        let ccp_text = if cslw > 3 { le32(stream, rg_lw + 12).ok_or_else(bad)? } else { 0 };
        let fc_at = rg_lw + cslw * 4;
        let pairs = le16(stream, fc_at).ok_or_else(bad)? as usize;
        let blob = fc_at + 2;
        let pair = |index: usize| -> FcLcb {
            if index >= pairs {
                return FcLcb::default();
            }
            let at = blob + index * 8;
            FcLcb { fc: le32(stream, at).unwrap_or(0), lcb: le32(stream, at + 4).unwrap_or(0) }
        };
        Ok(Fib {
            table_1: flags & 0x0200 != 0,
            ccp_text,
            stshf: pair(1),
            plcf_bte_chpx: pair(12),
            plcf_bte_papx: pair(13),
            sttbf_ffn: pair(15),
            clx: pair(33),
        })
    }
}

/// The bytes `fc..fc+lcb` of a stream; an empty slice when the FIB says the
/// structure is absent, an error when it points outside the stream.
pub fn slice<'a>(stream: &'a [u8], at: FcLcb, what: &str) -> ExtractResult<&'a [u8]> {
    if at.lcb == 0 {
        return Ok(&[]);
    }
    let start = at.fc as usize;
    let end = start.checked_add(at.lcb as usize);
    end.and_then(|end| stream.get(start..end))
        .ok_or_else(|| corrupt(&format!("{what} trỏ ra ngoài luồng dữ liệu (tệp bị cắt cụt?)")))
}
