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

mod encoding;
mod tables;
mod tokens;

use std::collections::HashMap;

use crate::extract::{Budget, ExtractError, ExtractResult};
use crate::grid::{Document, Paragraph, Run, Table, VerticalMerge};
use encoding::{Font, FontEntry};
use tables::{OpenTable, RowDef};
use tokens::{Token, Tokenizer};

pub fn extract(bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let body = bytes.get(start..).unwrap_or_default();
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if !body.starts_with(b"{\\rtf") {
        return Err(ExtractError::corrupt("tệp không phải RTF hợp lệ (thiếu phần mở đầu {\\rtf)".into()));
    }
    Builder::new(budget).run(body)
}

// ---------------------------------------------------------------- builder

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

    fn push_text(&mut self, text: &str) {
        if self.state.dest != Dest::Text {
            return;
        }
        let font = self.font_name(self.state.font);
        self.push_run(text, font);
    }
}

#[cfg(test)]
mod tests;
