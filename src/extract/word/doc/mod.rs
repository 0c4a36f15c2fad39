//! Word 97-2003 (.doc) extractor, native on the `cfb` compound-file reader
//! ([MS-DOC]): no maintained Rust crate reads the Word binary format, and the
//! grid needs only a small part of it — the main text through the piece
//! table, paragraph and character properties from the FKPs, fonts and styles.
//!
//! What is read: every table (nested tables as tables of their own) with cell
//! edges and merges; prose paragraphs; each run's font (so TCVN3/VNI text is
//! decoded by the text stage as in .docx); field results without their codes;
//! hidden (sprmCFVanish) and deleted (tracked) text dropped. Footnotes,
//! headers and text boxes (stored after the main text) are not read.
//!
//! | file | reads |
//! |---|---|
//! | `fib.rs` | the FIB: where everything is |
//! | `pieces.rs` | the piece table (CLX): characters with their file offsets |
//! | `props.rs` | FKPs and sprms: paragraph and character properties |
//! | `fonts.rs` | the font table and the style sheet |
//! | `tables.rs` | rows, cells and the grid from paragraph marks |

mod fib;
mod fonts;
mod pieces;
mod props;
mod tables;

use std::collections::HashMap;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::extract::{Budget, ExtractError, ExtractResult};
use crate::grid::{Document, Run};
use fib::Fib;
use props::CharProps;

fn corrupt(what: &str) -> ExtractError {
    ExtractError::corrupt(format!("tệp Word 97-2003 (.doc) bị hỏng: {what}"))
}

use crate::extract::containers::compound::{self, Compound};

/// Reads a whole stream, its size charged to the budget before it is read.
fn read_stream(file: &mut Compound, name: &str, budget: &mut Budget) -> ExtractResult<Option<Vec<u8>>> {
    let outcome = catch_unwind(AssertUnwindSafe(|| -> ExtractResult<Option<Vec<u8>>> {
        if !file.is_stream(name) {
            return Ok(None);
        }
        let stream =
            file.open_stream(name).map_err(|e| corrupt(&format!("không mở được luồng {name}")).with_detail(e))?;
        let len = stream.len();
        budget.spend_bytes(len)?;
        let mut bytes = Vec::with_capacity(len as usize);
        stream
            .take(len)
            .read_to_end(&mut bytes)
            .map_err(|e| corrupt(&format!("không đọc được luồng {name}")).with_detail(e))?;
        Ok(Some(bytes))
    }));
    outcome.unwrap_or_else(|_| Err(corrupt(&format!("luồng {name} không đọc được"))))
}

pub fn extract(bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let mut file =
        compound::open(bytes).map_err(|e| corrupt("cấu trúc tệp phức hợp (OLE2) không đọc được").with_detail(e))?;
    let word = read_stream(&mut file, "WordDocument", budget)?.ok_or_else(|| corrupt("thiếu luồng WordDocument"))?;
    let fib = Fib::parse(&word)?;
    let table_name = if fib.table_1 { "1Table" } else { "0Table" };
    let table = read_stream(&mut file, table_name, budget)?
        .ok_or_else(|| corrupt(&format!("thiếu luồng bảng {table_name}")))?;
    let data = read_stream(&mut file, "Data", budget)?.unwrap_or_default();
    read_word(&word, &table, &data, &fib, budget)
}

/// Characters that end a paragraph: paragraph mark, cell/row mark, section or page break.
fn ends_paragraph(unit: u16) -> bool {
    matches!(unit, 0x0D | 0x07 | 0x0C)
}

fn read_word(word: &[u8], table: &[u8], data: &[u8], fib: &Fib, budget: &mut Budget) -> ExtractResult<Document> {
    let clx = fib::slice(table, fib.clx, "bảng mảnh văn bản (CLX)")?;
    let chars = pieces::main_text(word, clx, fib.ccp_text, budget)?;
    let chpx = props::char_runs(word, fib::slice(table, fib.plcf_bte_chpx, "bảng thuộc tính ký tự")?, budget)?;
    let papx = props::para_runs(word, fib::slice(table, fib.plcf_bte_papx, "bảng thuộc tính đoạn")?, data, budget)?;
    let fonts = fonts::font_names(fib::slice(table, fib.sttbf_ffn, "bảng phông chữ").unwrap_or(&[]));
    let styles = fonts::Styles::parse(fib::slice(table, fib.stshf, "bảng kiểu").unwrap_or(&[]));
    let mut style_cache: HashMap<u16, CharProps> = HashMap::new();
    let mut resolve = |istd: u16| style_cache.entry(istd).or_insert_with(|| styles.resolve(istd)).clone();

    let mut builder = tables::Builder::default();
    let no_props = CharProps::default();
    let default_para = props::ParaProps::default();
    // Open fields: whether each is still in its code part (before the separator).
    let mut fields: Vec<bool> = Vec::new();
    let mut start = 0usize;
    while start < chars.len() {
        budget.check_time()?;
        let end = chars[start..].iter().position(|c| ends_paragraph(c.unit)).map_or(chars.len(), |i| start + i);
        let mark = chars.get(end);
        let para = mark.and_then(|m| papx.at(m.fc)).unwrap_or(&default_para);
        let para_style = resolve(para.istd);
        let mut runs: Vec<Run> = Vec::new();
        for c in &chars[start..end] {
            match c.unit {
                0x13 => {
                    fields.truncate(64);
                    fields.push(true);
                    continue;
                }
                0x14 => {
                    if let Some(top) = fields.last_mut() {
                        *top = false;
                    }
                    continue;
                }
                0x15 => {
                    fields.pop();
                    continue;
                }
                _ => {}
            }
            if fields.iter().any(|&in_code| in_code) {
                continue;
            }
            let direct = chpx.at(c.fc).unwrap_or(&no_props);
            let base = match direct.istd {
                Some(istd) => resolve(istd).over(&para_style),
                None => para_style.clone(),
            };
            let props = direct.over(&base);
            if props.deleted || props.vanish == Some(true) {
                continue;
            }
            let Some(ch) = visible_char(c.unit, c.ch) else { continue };
            let font = props.ftc[0].or(props.ftc[2]).or(props.ftc[1]).and_then(|i| fonts.get(i as usize));
            push_char(&mut runs, ch, font);
        }
        let cell_mark = mark.is_some_and(|m| m.unit == 0x07);
        builder.paragraph(runs, para, cell_mark, budget)?;
        start = end + 1;
    }
    let (tables, prose) = builder.finish();
    Ok(Document { tables, prose, ..Document::default() })
}

/// The character a code unit shows; `None` for marks and anchors that show
/// no text (pictures, drawn objects, footnote and comment references).
fn visible_char(unit: u16, ch: char) -> Option<char> {
    Some(match unit {
        0x0B => '\n',
        0x09 => '\t',
        0x1E => '-',
        // Kept as U+00AD: in TCVN3 text this byte is a letter, decided by the text stage.
        0x1F => '\u{AD}',
        0x00..=0x1F => return None,
        _ => ch,
    })
}

/// Appends one character to the paragraph's runs, in the run of its font; a
/// line break is a run of its own, as the grid expects.
fn push_char(runs: &mut Vec<Run>, ch: char, font: Option<&String>) {
    match runs.last_mut() {
        Some(last) if last.font.as_ref() == font && last.text != "\n" && ch != '\n' => last.text.push(ch),
        _ => runs.push(Run::in_font(ch, font.cloned())),
    }
}

#[cfg(test)]
mod tests;
