//! Rich Text Format (.rtf, and RTF saved under a .doc name) extractor.
//!
//! Written by hand on the RTF 1.9.1 specification rather than on an RTF crate:
//! the crates on offer either flatten the document to plain text or drop table
//! geometry (`\cellx` boundaries, `\clmgf`/`\clvmgf` merges, `\itap` nesting)
//! and fonts, which are exactly what the grid needs.
//!
//! Two layers: [`Tokenizer`] turns bytes into groups, control words, control
//! symbols, text bytes and `\binN` data; [`Builder`] keeps the group state
//! (font, `\ucN`, hidden text, destination, paragraph nesting level) and lays
//! text into prose paragraphs and table cells. Bytes (`\'hh` and raw text) are
//! decoded in the current font's code page (`\cpgN`, else `\fcharsetN`, else
//! `\ansicpgN`) through encoding_rs; runs keep their font name so that the text
//! stage decodes TCVN3/VNI text typed in `.VnTime`/`VNI-Times`. Tables: cells
//! end at `\cell` (`\nestcell` inside nested tables), rows at `\row`
//! (`\nestrow`), each row is laid on a grid made of all the `\cellx`
//! boundaries of its table; `\clmgf/\clmrg` become spans, `\clvmgf/\clvmrg`
//! vertical merges. Skipped: `\*` destinations (field instructions, bookmarks,
//! pictures' data …) except `\nesttableprops`, headers/footers, footnotes,
//! style and colour tables, `\nonesttables` (the copy for old readers), hidden
//! `\v` and deleted `\deleted` text. Field results (`\fldrslt`) and list labels
//! (`\listtext`, `\pntext`: the numbers as displayed) are read as text.

use std::collections::HashMap;

use encoding_rs::Encoding;

use crate::extract::{Budget, ExtractError, ExtractResult};
use crate::grid::{append_run, Cell, Document, Location, Paragraph, Row, Run, Table, VerticalMerge};

pub fn extract(bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let body = bytes.get(start..).unwrap_or_default();
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if !body.starts_with(b"{\\rtf") {
        return Err(ExtractError::corrupt("tệp không phải RTF hợp lệ (thiếu phần mở đầu {\\rtf)".into()));
    }
    Builder::new(budget).run(body)
}

// ---------------------------------------------------------------- tokenizer

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    GroupStart,
    GroupEnd,
    /// `\word` or `\wordN` (parameter as written, may be negative).
    Word(&'a [u8], Option<i32>),
    /// `\x` for a non-letter x (`\~`, `\*`, `\{` …); `\'hh` is [`Token::Byte`].
    Symbol(u8),
    /// One byte of text: `\'hh`, or a raw byte that is not syntax.
    Byte(u8),
    /// The data of `\binN`.
    Binary(&'a [u8]),
}

struct Tokenizer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Tokenizer<'a> {
    fn new(data: &'a [u8]) -> Self {
        Tokenizer { data, pos: 0 }
    }

    fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            let b = *self.data.get(self.pos)?;
            self.pos += 1;
            return Some(match b {
                b'{' => Token::GroupStart,
                b'}' => Token::GroupEnd,
                // Line ends are not text in RTF; writers wrap long lines anywhere.
                b'\r' | b'\n' | 0 => continue,
                b'\\' => self.control(),
                _ => Token::Byte(b),
            });
        }
    }

    fn control(&mut self) -> Token<'a> {
        let Some(&first) = self.data.get(self.pos) else {
            return Token::Symbol(b'\\');
        };
        if !first.is_ascii_alphabetic() {
            self.pos += 1;
            return match first {
                b'\'' => {
                    let hex = self.data.get(self.pos..self.pos + 2).and_then(|h| std::str::from_utf8(h).ok());
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(v) => {
                            self.pos += 2;
                            Token::Byte(v)
                        }
                        None => Token::Symbol(b'\''),
                    }
                }
                // `\` before a line end is a paragraph mark.
                b'\r' | b'\n' => Token::Word(b"par", None),
                other => Token::Symbol(other),
            };
        }
        let name_start = self.pos;
        // Control words are at most 32 letters; longer runs are cut, not trusted.
        while self.pos - name_start < 32 && self.data.get(self.pos).is_some_and(u8::is_ascii_alphabetic) {
            self.pos += 1;
        }
        let name = &self.data[name_start..self.pos];
        let num_start = self.pos;
        if self.data.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        while self.pos - num_start < 11 && self.data.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        let digits = &self.data[num_start..self.pos];
        let param = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse::<i64>().ok())
            .map(|v| v.clamp(i32::MIN as i64, i32::MAX as i64) as i32);
        if param.is_none() {
            // A lone "-" is not a parameter.
            self.pos = num_start;
        }
        if self.data.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        if name == b"bin" {
            let len = param.unwrap_or(0).max(0) as usize;
            let end = self.pos.saturating_add(len).min(self.data.len());
            let data = &self.data[self.pos..end];
            self.pos = end;
            return Token::Binary(data);
        }
        Token::Word(name, param)
    }
}

// ---------------------------------------------------------------- code pages

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
struct Font {
    name: String,
    charset: Option<i32>,
    cpg: Option<i32>,
}

// ---------------------------------------------------------------- builder

/// A `\fonttbl` entry being read: its name's bytes wait for the charset.
#[derive(Debug)]
struct FontEntry {
    id: i32,
    font: Font,
    raw: Vec<u8>,
    name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dest {
    /// Document text.
    Text,
    /// A destination whose content is not read.
    Skip,
    FontTable,
    /// One `\fonttbl` entry: its name is the text up to `;`.
    FontEntry,
    /// `\*\nesttableprops`: the row definition of a nested row, no text.
    NestProps,
    /// `\upr`: its first group is the ANSI copy of `\*\ud`, which is read instead.
    Upr,
}

#[derive(Debug, Clone)]
struct GroupState {
    dest: Dest,
    font: Option<i32>,
    uc: usize,
    hidden: bool,
    intbl: bool,
    itap: Option<i32>,
    /// Inside `\listtext`/`\pntext`: its `\pard` must not take the label out of the cell.
    in_label: bool,
}

/// What the destination word after `\*` or at a group's start means.
fn destination(word: &[u8]) -> Option<Dest> {
    Some(match word {
        b"fonttbl" => Dest::FontTable,
        b"nesttableprops" => Dest::NestProps,
        b"upr" => Dest::Upr,
        b"ud" => Dest::Text,
        b"colortbl"
        | b"stylesheet"
        | b"info"
        | b"pict"
        | b"header"
        | b"headerl"
        | b"headerr"
        | b"headerf"
        | b"footer"
        | b"footerl"
        | b"footerr"
        | b"footerf"
        | b"footnote"
        | b"listtable"
        | b"listoverridetable"
        | b"revtbl"
        | b"rsidtbl"
        | b"filetbl"
        | b"generator"
        | b"xmlnstbl"
        | b"themedata"
        | b"colorschememapping"
        | b"datastore"
        | b"latentstyles"
        | b"pgdsctbl"
        | b"fldinst"
        | b"nonesttables"
        | b"nonshppict"
        | b"shprslt"
        | b"objdata"
        | b"annotation"
        | b"atnid"
        | b"atnauthor"
        | b"private"
        | b"template"
        | b"userprops"
        | b"xe"
        | b"tc"
        | b"txe"
        | b"rxe"
        | b"bkmkstart"
        | b"bkmkend" => Dest::Skip,
        _ => return None,
    })
}

/// Cell properties collected before the `\cellx` that closes their cell definition.
#[derive(Debug, Clone, Copy, Default)]
struct CellDef {
    right: i32,
    hmerge_first: bool,
    hmerge_cont: bool,
    vmerge: VerticalMerge,
}

#[derive(Debug, Clone, Default)]
struct RowDef {
    left: i32,
    cells: Vec<CellDef>,
    header: bool,
    pending: CellDef,
}

#[derive(Debug, Default)]
struct PendingRow {
    left: i32,
    header: bool,
    cells: Vec<(CellDef, Vec<Run>)>,
}

#[derive(Debug)]
struct OpenTable {
    index: usize,
    rows: Vec<PendingRow>,
    cells: Vec<Vec<Run>>,
    current: Vec<Run>,
}

struct Builder<'b> {
    budget: &'b mut Budget,
    fonts: HashMap<i32, Font>,
    default_font: Option<i32>,
    ansi_cpg: i32,
    stack: Vec<GroupState>,
    state: GroupState,
    /// The next group's first control word may name its destination (`\*` too).
    group_just_opened: bool,
    starred: bool,
    /// Characters still to skip after `\uN` (the `\ucN` fallback).
    skip_chars: usize,
    bytes: Vec<u8>,
    bytes_font: Option<i32>,
    high_surrogate: Option<u16>,
    font_entry: Option<FontEntry>,
    /// Row definitions per nesting level (index 0 = level 1).
    row_defs: Vec<RowDef>,
    /// Level whose row definition the current `\trowd … \cellx` words fill.
    def_level: usize,
    open: Vec<OpenTable>,
    tables: Vec<(usize, Table)>,
    tables_opened: usize,
    prose: Vec<Paragraph>,
    prose_runs: Vec<Run>,
}

impl<'b> Builder<'b> {
    fn new(budget: &'b mut Budget) -> Self {
        let state = GroupState {
            dest: Dest::Text,
            font: None,
            uc: 1,
            hidden: false,
            intbl: false,
            itap: None,
            in_label: false,
        };
        Builder {
            budget,
            fonts: HashMap::new(),
            default_font: None,
            ansi_cpg: 1252,
            stack: Vec::new(),
            state,
            group_just_opened: false,
            starred: false,
            skip_chars: 0,
            bytes: Vec::new(),
            bytes_font: None,
            high_surrogate: None,
            font_entry: None,
            row_defs: Vec::new(),
            def_level: 1,
            open: Vec::new(),
            tables: Vec::new(),
            tables_opened: 0,
            prose: Vec::new(),
            prose_runs: Vec::new(),
        }
    }

    fn run(mut self, data: &[u8]) -> ExtractResult<Document> {
        let max_groups = self.budget.limits.max_depth.saturating_mul(8);
        let mut tokens = Tokenizer::new(data);
        let mut count = 0usize;
        while let Some(token) = tokens.next_token() {
            count += 1;
            if count.is_multiple_of(4096) {
                self.budget.check_time()?;
            }
            if !matches!(token, Token::Byte(_)) {
                self.flush_bytes();
            }
            match token {
                Token::GroupStart => {
                    if self.stack.len() >= max_groups {
                        return Err(ExtractError::limit(format!("tệp RTF lồng nhóm quá sâu (hơn {max_groups} cấp)")));
                    }
                    self.stack.push(self.state.clone());
                    self.group_just_opened = true;
                    self.starred = false;
                    self.skip_chars = 0;
                    if self.state.dest == Dest::Skip {
                        continue;
                    }
                }
                Token::GroupEnd => {
                    self.end_group();
                    // The outermost group closes the document: what follows is debris.
                    if self.stack.is_empty() {
                        break;
                    }
                }
                _ if self.state.dest == Dest::Skip => {}
                Token::Symbol(b'*') => self.starred = true,
                Token::Word(name, param) => {
                    let opening = std::mem::take(&mut self.group_just_opened);
                    let starred = std::mem::take(&mut self.starred);
                    if opening || starred {
                        if let Some(dest) = destination(name) {
                            self.state.dest = dest;
                            continue;
                        }
                        if starred {
                            self.state.dest = Dest::Skip;
                            continue;
                        }
                    }
                    self.word(name, param)?;
                }
                Token::Symbol(s) => {
                    self.group_just_opened = false;
                    self.symbol(s);
                }
                Token::Byte(b) => {
                    self.group_just_opened = false;
                    self.byte(b);
                }
                Token::Binary(_) => self.group_just_opened = false,
            }
        }
        self.flush_bytes();
        self.close_tables_above(0);
        self.finish_prose_paragraph();
        let mut tables = self.tables;
        tables.sort_by_key(|(index, _)| *index);
        Ok(Document { tables: tables.into_iter().map(|(_, t)| t).collect(), prose: self.prose, ..Document::default() })
    }

    fn end_group(&mut self) {
        if self.state.dest == Dest::FontEntry || self.state.dest == Dest::FontTable {
            self.finish_font_entry();
        }
        self.skip_chars = 0;
        self.starred = false;
        self.group_just_opened = false;
        if let Some(previous) = self.stack.pop() {
            self.state = previous;
        }
    }

    /// The table nesting level of the current paragraph: 0 outside tables.
    fn level(&self) -> usize {
        match (self.state.intbl, self.state.itap) {
            (_, Some(n)) if n > 0 => n as usize,
            (true, _) => 1,
            _ => 0,
        }
    }

    fn word(&mut self, name: &[u8], param: Option<i32>) -> ExtractResult<()> {
        let on = param != Some(0);
        if self.state.dest == Dest::FontTable || self.state.dest == Dest::FontEntry {
            return self.font_word(name, param);
        }
        if self.skip_chars > 0 && self.state.dest == Dest::Text {
            self.skip_chars -= 1;
            return Ok(());
        }
        match name {
            b"ansicpg" => self.ansi_cpg = param.unwrap_or(1252),
            b"mac" => self.ansi_cpg = 10000,
            b"deff" => self.default_font = param,
            b"f" => self.state.font = param,
            b"plain" => {
                self.state.font = self.default_font;
                self.state.hidden = false;
            }
            b"uc" => self.state.uc = param.unwrap_or(1).clamp(0, 16) as usize,
            b"u" => {
                let unit = param.unwrap_or(0) as i64;
                let unit = if unit < 0 { unit + 65536 } else { unit };
                self.unicode(unit.clamp(0, 0xFFFF) as u16);
                self.skip_chars = self.state.uc;
            }
            b"v" | b"deleted" => self.state.hidden = on,
            b"pard" if !self.state.in_label => {
                self.state.intbl = false;
                self.state.itap = None;
            }
            b"intbl" if !self.state.in_label => self.state.intbl = on,
            b"itap" if !self.state.in_label => {
                let level = param.unwrap_or(1).max(0);
                if level as usize > self.budget.limits.max_depth {
                    return Err(ExtractError::limit(format!("bảng RTF lồng nhau quá sâu ({level} cấp)")));
                }
                self.state.itap = Some(level);
            }
            b"listtext" | b"pntext" => self.state.in_label = true,
            b"par" if !self.state.in_label => self.paragraph_end(),
            b"line" => self.push_text("\n"),
            b"tab" => self.push_text("\t"),
            b"emdash" => self.push_text("—"),
            b"endash" => self.push_text("–"),
            b"bullet" => self.push_text("•"),
            b"lquote" => self.push_text("‘"),
            b"rquote" => self.push_text("’"),
            b"ldblquote" => self.push_text("“"),
            b"rdblquote" => self.push_text("”"),
            b"emspace" | b"enspace" | b"qmspace" => self.push_text(" "),
            b"trowd" => {
                self.def_level = if self.state.dest == Dest::NestProps { self.level().max(2) } else { 1 };
                let def = self.row_def();
                *def = RowDef::default();
            }
            b"trleft" => self.row_def().left = param.unwrap_or(0),
            b"trhdr" => self.row_def().header = on,
            b"clmgf" => self.row_def().pending.hmerge_first = true,
            b"clmrg" => self.row_def().pending.hmerge_cont = true,
            b"clvmgf" => self.row_def().pending.vmerge = VerticalMerge::Start,
            b"clvmrg" => self.row_def().pending.vmerge = VerticalMerge::Continue,
            b"cellx" => {
                let def = self.row_def();
                let mut cell = std::mem::take(&mut def.pending);
                cell.right = param.unwrap_or(0);
                // Bounded by the cell budget: a hostile row cannot define millions of cells.
                if def.cells.len() < 4096 {
                    def.cells.push(cell);
                }
            }
            b"cell" => self.cell_end(self.level().max(1))?,
            b"nestcell" => self.cell_end(self.level().max(2))?,
            // Rows cost like cells: a flood of `\row` words is bounded too.
            b"row" => {
                self.budget.spend_cells(1)?;
                self.row_end(1);
            }
            b"nestrow" => {
                self.budget.spend_cells(1)?;
                self.row_end(self.level().max(2));
            }
            _ => {}
        }
        Ok(())
    }

    fn symbol(&mut self, s: u8) {
        if matches!(self.state.dest, Dest::FontTable | Dest::FontEntry) {
            if matches!(s, b'\\' | b'{' | b'}') {
                self.byte(s);
            }
            return;
        }
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        match s {
            b'\\' | b'{' | b'}' => self.byte(s),
            b'~' => self.push_text("\u{A0}"),
            b'_' => self.push_text("-"),
            // `\-` optional hyphen, `\:` index entries, `\|` formulas: nothing to read.
            _ => {}
        }
    }

    fn byte(&mut self, b: u8) {
        match self.state.dest {
            Dest::FontTable | Dest::FontEntry => {
                if self.skip_chars > 0 {
                    self.skip_chars -= 1;
                } else if b == b';' {
                    self.finish_font_entry();
                } else if let Some(entry) = self.font_entry.as_mut().filter(|e| e.raw.len() < 256) {
                    entry.raw.push(b);
                }
            }
            Dest::Text => {
                if self.skip_chars > 0 {
                    self.skip_chars -= 1;
                    return;
                }
                if self.bytes_font != self.state.font {
                    self.flush_bytes();
                    self.bytes_font = self.state.font;
                }
                self.bytes.push(b);
            }
            Dest::Skip | Dest::NestProps | Dest::Upr => {}
        }
    }

    fn font_word(&mut self, name: &[u8], param: Option<i32>) -> ExtractResult<()> {
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

    fn finish_font_entry(&mut self) {
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

    fn font_name(&self, id: Option<i32>) -> Option<String> {
        let font = self.fonts.get(&id.or(self.default_font)?)?;
        (!font.name.is_empty()).then(|| font.name.clone())
    }

    fn flush_bytes(&mut self) {
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

    fn unicode(&mut self, unit: u16) {
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

    fn push_text(&mut self, text: &str) {
        if self.state.dest != Dest::Text {
            return;
        }
        let font = self.font_name(self.state.font);
        self.push_run(text, font);
    }

    /// Lays text where the current paragraph is: a cell of the table at its
    /// nesting level, or prose.
    fn push_run(&mut self, text: &str, font: Option<String>) {
        if self.state.hidden || self.state.dest != Dest::Text {
            return;
        }
        let level = self.level();
        let blank = text.trim().is_empty();
        if level == 0 {
            if !blank {
                self.close_tables_above(0);
            }
            append_run(&mut self.prose_runs, text, font.as_deref());
            return;
        }
        self.ensure_open(level);
        if !blank {
            self.close_tables_above(level);
        }
        if let Some(table) = self.open.get_mut(level - 1) {
            append_run(&mut table.current, text, font.as_deref());
        }
    }

    fn paragraph_end(&mut self) {
        let level = self.level();
        if level == 0 {
            self.close_tables_above(0);
            self.finish_prose_paragraph();
            return;
        }
        self.ensure_open(level);
        self.close_tables_above(level);
        if let Some(table) = self.open.get_mut(level - 1) {
            table.current.push(Run::plain("\n"));
        }
    }

    fn row_def(&mut self) -> &mut RowDef {
        let index = self.def_level.saturating_sub(1);
        if self.row_defs.len() <= index {
            self.row_defs.resize_with(index + 1, RowDef::default);
        }
        &mut self.row_defs[index]
    }

    fn ensure_open(&mut self, level: usize) {
        while self.open.len() < level {
            self.finish_prose_paragraph_if_outside();
            self.tables_opened += 1;
            self.open.push(OpenTable {
                index: self.tables_opened,
                rows: Vec::new(),
                cells: Vec::new(),
                current: Vec::new(),
            });
        }
    }

    /// A table starting splits the prose around it.
    fn finish_prose_paragraph_if_outside(&mut self) {
        if self.open.is_empty() {
            self.finish_prose_paragraph();
        }
    }

    fn cell_end(&mut self, level: usize) -> ExtractResult<()> {
        self.budget.spend_cells(1)?;
        self.ensure_open(level);
        self.close_tables_above(level);
        if let Some(table) = self.open.get_mut(level - 1) {
            let runs = std::mem::take(&mut table.current);
            table.cells.push(runs);
        }
        Ok(())
    }

    fn row_end(&mut self, level: usize) {
        self.ensure_open(level);
        self.close_tables_above(level);
        let def = self.row_defs.get(level - 1).cloned().unwrap_or_default();
        let Some(table) = self.open.get_mut(level - 1) else {
            return;
        };
        // Text after the last `\cell` and before `\row` belongs to no cell.
        table.current.clear();
        let cells = std::mem::take(&mut table.cells);
        let mut row = PendingRow { left: def.left, header: def.header, cells: Vec::with_capacity(cells.len()) };
        let mut last_right = def.left;
        for (i, runs) in cells.into_iter().enumerate() {
            // Cells without a definition continue at a default width (1440 twips = 1 inch).
            let cell_def = def
                .cells
                .get(i)
                .copied()
                .unwrap_or(CellDef { right: last_right.saturating_add(1440), ..CellDef::default() });
            last_right = cell_def.right.max(last_right);
            row.cells.push((CellDef { right: last_right, ..cell_def }, runs));
        }
        table.rows.push(row);
    }

    /// Finishes the tables nested deeper than `level`.
    fn close_tables_above(&mut self, level: usize) {
        while self.open.len() > level {
            let Some(table) = self.open.pop() else { break };
            // A cell left open when its table ends keeps its text as a last row.
            let mut table = table;
            if !table.cells.is_empty() || table.current.iter().any(|r| !r.text.trim().is_empty()) {
                let mut cells = std::mem::take(&mut table.cells);
                cells.push(std::mem::take(&mut table.current));
                let mut right = 0;
                let row_cells = cells
                    .into_iter()
                    .map(|runs| {
                        right += 1440;
                        (CellDef { right, ..CellDef::default() }, runs)
                    })
                    .collect();
                table.rows.push(PendingRow { left: 0, header: false, cells: row_cells });
            }
            if !table.rows.is_empty() {
                self.tables.push((table.index, lay_out(table.index, table.rows)));
            }
        }
    }

    fn finish_prose_paragraph(&mut self) {
        if self.prose_runs.iter().any(|r| !r.text.trim().is_empty()) {
            let runs = std::mem::take(&mut self.prose_runs);
            self.prose.push(Paragraph::new(runs, None));
        } else {
            self.prose_runs.clear();
        }
    }
}

/// Boundaries closer than this (in twips) are one grid line: writers round
/// `\cellx` differently from row to row.
const GRID_TOLERANCE: i32 = 30;

/// Lays rows on the grid of all their cell boundaries: a cell's column is the
/// grid line its left edge falls on, its span the lines up to its right edge.
fn lay_out(index: usize, rows: Vec<PendingRow>) -> Table {
    let mut edges: Vec<i32> = Vec::new();
    for row in &rows {
        edges.push(row.left);
        edges.extend(row.cells.iter().map(|(c, _)| c.right));
    }
    edges.sort_unstable();
    let mut lines: Vec<i32> = Vec::new();
    for edge in edges {
        if lines.last().is_none_or(|&last| edge - last > GRID_TOLERANCE) {
            lines.push(edge);
        }
    }
    let line_of = |x: i32| -> usize {
        // The last grid line not right of x (within tolerance).
        lines.partition_point(|&l| l <= x.saturating_add(GRID_TOLERANCE)).saturating_sub(1)
    };
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.into_iter().enumerate() {
        let mut cells: Vec<Cell> = Vec::new();
        let mut left = row.left;
        for (def, runs) in row.cells {
            let col = line_of(left);
            let end = line_of(def.right).max(col + 1);
            left = def.right;
            if def.hmerge_cont && !def.hmerge_first {
                if let Some(previous) = cells.last_mut() {
                    previous.col_span = end - previous.col;
                    if runs.iter().any(|r| !r.text.trim().is_empty()) {
                        previous.runs.push(Run::plain("\n"));
                        previous.runs.extend(runs);
                    }
                    continue;
                }
            }
            let mut cell = Cell::new(col, end - col, runs);
            cell.vmerge = def.vmerge;
            cells.push(cell);
        }
        let location = Location { table: index, row: r + 1, page: None, sheet: None };
        out.push(Row { cells, location, repeats_as_header: row.header });
    }
    Table::new(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;

    fn read(rtf: &str) -> Document {
        let mut budget = Budget::new(Limits::default());
        extract(rtf.as_bytes(), &mut budget).expect("reads")
    }

    fn texts(row: &Row) -> Vec<String> {
        row.cells.iter().map(|c| c.raw_text()).collect()
    }

    #[test]
    fn tokenizer_reads_words_symbols_hex_and_binary() {
        let mut t = Tokenizer::new(b"{\\b1 x\\'e1\\u-3 \\bin3 {}}\\~}");
        let mut got = Vec::new();
        while let Some(tok) = t.next_token() {
            got.push(tok);
        }
        assert_eq!(
            got,
            vec![
                Token::GroupStart,
                Token::Word(b"b", Some(1)),
                Token::Byte(b'x'),
                Token::Byte(0xE1),
                Token::Word(b"u", Some(-3)),
                Token::Binary(b"{}}"),
                Token::Symbol(b'~'),
                Token::GroupEnd,
            ]
        );
    }

    #[test]
    fn code_pages_unicode_and_skipped_destinations() {
        let doc = read(
            r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fcharset0 Times New Roman;}{\f1\fcharset204 Arial Cyr;}{\f2\fcharset0 .VnTime;}}
{\*\generator Writer;}{\info{\title T\'e1}}
\pard Ti\u234\'3fu ch\u237\'3f {\f1 \'c4\'e0} {\*\bkmkstart x}{\field{\*\fldinst PAGE}{\fldrslt 7}}{\v hidden}\par
\pard\plain {\f2 T\'e6ng}\par
\pard{\uc2 A\u8364\'80\'80B}\par
{\upr{T\'3f}{\*\ud{T\u7893\'3f}}}\par}",
        );
        let prose: Vec<String> = doc.prose.iter().map(|p| p.runs.iter().map(|r| r.text.as_str()).collect()).collect();
        assert_eq!(prose, vec!["Tiêu chí Да 7", "Tæng", "A€B", "Tổ"]);
        assert_eq!(doc.prose[1].runs[0].font.as_deref(), Some(".VnTime"));
        assert_eq!(doc.prose[0].runs[0].font.as_deref(), Some("Times New Roman"));
    }

    #[test]
    fn table_rows_merges_and_grid() {
        let doc = read(
            r"{\rtf1\ansi
\pard before\par
\trowd\trhdr\clmgf\cellx1000\clmrg\cellx2000\cellx3000
\pard\intbl A\cell\pard\intbl\cell\pard\intbl B\cell\row
\trowd\clvmgf\cellx1000\cellx2000\cellx3000
\pard\intbl x\cell\pard\intbl y\par z\cell\pard\intbl {\listtext\pard\plain 1.1.\tab}w\cell\row
\trowd\clvmrg\cellx1000\cellx3010
\pard\intbl\cell\pard\intbl q\cell\row
\pard after\par}",
        );
        assert_eq!(doc.tables.len(), 1);
        let t = &doc.tables[0];
        assert_eq!(t.width, 3);
        assert!(t.rows[0].repeats_as_header);
        assert_eq!(texts(&t.rows[0]), vec!["A", "B"]);
        assert_eq!((t.rows[0].cells[0].col_span, t.rows[0].cells[1].col), (2, 2));
        assert_eq!(texts(&t.rows[1]), vec!["x", "y\nz", "1.1.\tw"]);
        assert_eq!(t.rows[1].cells[0].vmerge, VerticalMerge::Start);
        assert_eq!(t.rows[2].cells[0].vmerge, VerticalMerge::Continue);
        assert_eq!((t.rows[2].cells[1].col, t.rows[2].cells[1].col_span), (1, 2));
        assert_eq!(t.rows[2].location, Location { table: 1, row: 3, page: None, sheet: None });
        assert_eq!(doc.prose.len(), 2);
    }

    #[test]
    fn word_style_rows_defined_after_their_cells_in_code_page_1258() {
        let doc = read(
            r"{\rtf1\ansi\ansicpg1258\deff0{\fonttbl{\f0\fcharset163 Times New Roman;}}
\pard\intbl {\f0 Ti\'eau ch\'ed}\cell {1}\cell \pard\intbl{\trowd\trgaph108\trleft-108\cellx3000\cellx6000\row}
\pard\par}",
        );
        let row = &doc.tables[0].rows[0];
        assert_eq!(texts(row), vec!["Tiêu chí", "1"]);
        assert_eq!((row.cells[1].col, doc.tables[0].width), (1, 2));
    }

    #[test]
    fn nested_tables_are_tables_of_their_own() {
        let doc = read(
            r"{\rtf1
\trowd\cellx5000
\pard\intbl outer\par
\pard\intbl\itap2 inner1\nestcell inner2\nestcell{\*\nesttableprops\trowd\cellx2000\cellx4000\nestrow}{\nonesttables\par}
\pard\intbl\itap1 tail\cell\row
\pard\par}",
        );
        assert_eq!(doc.tables.len(), 2);
        assert_eq!(doc.tables[0].rows[0].cells[0].raw_text(), "outer\ntail");
        assert_eq!(texts(&doc.tables[1].rows[0]), vec!["inner1", "inner2"]);
        assert_eq!(doc.tables[1].rows[0].location.table, 2);
    }

    #[test]
    fn every_prefix_and_byte_flip_of_a_document_reads_without_panicking() {
        let rtf: &[u8] = br"{\rtf1\ansi\ansicpg1258{\fonttbl{\f0\fcharset163 T;}{\f1\cpg932 J;}}\uc1
\trowd\clvmgf\clmgf\cellx100\clmrg\cellx200\pard\intbl{\f1\'82\'6c}\u7893\'3f\cell\cell
\pard\intbl\itap2 x\nestcell{\*\nesttableprops\trowd\cellx50\nestrow}\pard\intbl\itap1\cell\row{\v h}\bin2 {}\par}";
        for end in 0..rtf.len() {
            let mut budget = Budget::new(Limits::default());
            let _ = extract(&rtf[..end], &mut budget);
            let mut flipped = rtf.to_vec();
            flipped[end] ^= 0x20;
            let mut budget = Budget::new(Limits::default());
            let _ = extract(&flipped, &mut budget);
        }
    }

    #[test]
    fn hostile_input_is_an_error_not_a_panic() {
        let deep = format!("{{\\rtf1{}", "{".repeat(10_000));
        let mut budget = Budget::new(Limits::default());
        assert!(matches!(
            extract(deep.as_bytes(), &mut budget),
            Err(ExtractError { kind: crate::extract::ErrorKind::LimitExceeded, .. })
        ));
        let mut budget = Budget::new(Limits::default());
        assert!(matches!(
            extract(b"not rtf", &mut budget),
            Err(ExtractError { kind: crate::extract::ErrorKind::Corrupt, .. })
        ));
        for junk in [&b"{\\rtf1\\bin99999999"[..], b"{\\rtf1\\'", b"{\\rtf1\\u-99999999999\\cell\\row\\nestrow}}}}"] {
            let mut budget = Budget::new(Limits::default());
            assert!(extract(junk, &mut budget).is_ok());
        }
    }
}
