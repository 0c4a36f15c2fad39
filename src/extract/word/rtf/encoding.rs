//! Code pages, charsets and fonts: the `\fonttbl` entries (each font's name,
//! `\fcharsetN` and `\cpgN`), the code page a run's bytes are decoded in
//! (the font's `\cpgN`, else its `\fcharsetN`, else `\ansicpgN`), and the
//! `\uN` characters with their UTF-16 surrogate pairs. Apart from the builder
//! because turning bytes into text is a concern of its own: the builder only
//! collects bytes and hands them here.

use encoding_rs::Encoding;

use super::{Builder, Dest};
use crate::extract::ExtractResult;

/// The encoding of a Windows code page number; unknown pages read as Windows-1252,
/// which keeps every byte (the text stage may still recognise a legacy encoding).
fn code_page(cp: i32) -> &'static Encoding {
    match cp {
        874 => encoding_rs::WINDOWS_874,
        932 => encoding_rs::SHIFT_JIS,
        936 => encoding_rs::GBK,
        949 => encoding_rs::EUC_KR,
        950 => encoding_rs::BIG5,
        1250 => encoding_rs::WINDOWS_1250,
        1251 => encoding_rs::WINDOWS_1251,
        1253 => encoding_rs::WINDOWS_1253,
        1254 => encoding_rs::WINDOWS_1254,
        1255 => encoding_rs::WINDOWS_1255,
        1256 => encoding_rs::WINDOWS_1256,
        1257 => encoding_rs::WINDOWS_1257,
        1258 => encoding_rs::WINDOWS_1258,
        866 => encoding_rs::IBM866,
        10000 => encoding_rs::MACINTOSH,
        20866 => encoding_rs::KOI8_R,
        65001 => encoding_rs::UTF_8,
        _ => encoding_rs::WINDOWS_1252,
    }
}

/// The code page `\fcharsetN` implies; `None` for "default" (use `\ansicpg`).
fn charset_code_page(charset: i32) -> Option<i32> {
    Some(match charset {
        1 => return None,
        77 => 10000,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        _ => 1252,
    })
}

#[derive(Debug, Clone, Default)]
pub(super) struct Font {
    name: String,
    charset: Option<i32>,
    cpg: Option<i32>,
}

/// A `\fonttbl` entry being read: its name's bytes wait for the charset.
#[derive(Debug)]
pub(super) struct FontEntry {
    id: i32,
    font: Font,
    pub(super) raw: Vec<u8>,
    name: String,
}

impl<'b> Builder<'b> {
    pub(super) fn font_word(&mut self, name: &[u8], param: Option<i32>) -> ExtractResult<()> {
        match name {
            b"f" => {
                self.finish_font_entry();
                self.font_entry = Some(FontEntry {
                    id: param.unwrap_or(0),
                    font: Font::default(),
                    raw: Vec::new(),
                    name: String::new(),
                });
                self.state.dest = Dest::FontEntry;
            }
            b"fcharset" => {
                if let Some(entry) = self.font_entry.as_mut() {
                    entry.font.charset = param;
                }
            }
            b"cpg" => {
                if let Some(entry) = self.font_entry.as_mut() {
                    entry.font.cpg = param;
                }
            }
            b"u" => {
                let unit = param.unwrap_or(0) as i64;
                let unit = if unit < 0 { unit + 65536 } else { unit };
                self.decode_font_name_bytes();
                if let (Some(c), Some(entry)) = (char::from_u32(unit.clamp(0, 0xFFFF) as u32), self.font_entry.as_mut())
                {
                    entry.name.push(c);
                }
                self.skip_chars = self.state.uc;
            }
            _ => {}
        }
        Ok(())
    }

    /// Decodes the font name's bytes so far in the font's own code page.
    fn decode_font_name_bytes(&mut self) {
        let Some(entry) = self.font_entry.as_ref() else {
            return;
        };
        let encoding = code_page(self.font_code_page(&entry.font));
        if let Some(entry) = self.font_entry.as_mut() {
            let raw = std::mem::take(&mut entry.raw);
            entry.name.push_str(&encoding.decode_without_bom_handling(&raw).0);
        }
    }

    pub(super) fn finish_font_entry(&mut self) {
        self.decode_font_name_bytes();
        let Some(FontEntry { id, mut font, name, .. }) = self.font_entry.take() else {
            return;
        };
        font.name = name.trim().to_owned();
        if self.fonts.len() < 4096 {
            self.fonts.insert(id, font);
        }
    }

    fn font_code_page(&self, font: &Font) -> i32 {
        font.cpg.or_else(|| font.charset.and_then(charset_code_page)).unwrap_or(self.ansi_cpg)
    }

    pub(super) fn font_name(&self, id: Option<i32>) -> Option<String> {
        let font = self.fonts.get(&id.or(self.default_font)?)?;
        (!font.name.is_empty()).then(|| font.name.clone())
    }

    pub(super) fn flush_bytes(&mut self) {
        if self.bytes.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.bytes);
        let font = self.bytes_font.or(self.default_font).and_then(|id| self.fonts.get(&id));
        let cp = font.map(|f| self.font_code_page(f)).unwrap_or(self.ansi_cpg);
        let text = code_page(cp).decode_without_bom_handling(&bytes).0.into_owned();
        let font_name = self.font_name(self.bytes_font);
        self.push_run(&text, font_name);
    }

    pub(super) fn unicode(&mut self, unit: u16) {
        if self.state.dest != Dest::Text {
            return;
        }
        if (0xD800..0xDC00).contains(&unit) {
            self.high_surrogate = Some(unit);
            return;
        }
        let high = self.high_surrogate.take();
        let c = match (high, unit) {
            (Some(h), 0xDC00..=0xDFFF) => char::decode_utf16([h, unit]).next().and_then(Result::ok),
            _ => char::from_u32(unit as u32),
        };
        if let Some(c) = c {
            let mut buf = [0u8; 4];
            self.push_text(c.encode_utf8(&mut buf));
        }
    }
}
