//! Paragraph and character properties: the bin tables (PlcBtePapx/PlcBteChpx)
//! point to 512-byte formatted disk pages (FKPs) of the WordDocument stream,
//! each mapping FC ranges to a list of property modifiers (sprms,
//! [MS-DOC] 2.6). Only the sprms the grid needs are interpreted: tables,
//! cell geometry and merges, fonts, hidden and deleted text.

use super::corrupt;
use super::fib::{le16, le32};
use crate::extract::{Budget, ExtractResult};

pub const SPRM_C_FRMARK_DEL: u16 = 0x0800;
pub const SPRM_C_FVANISH: u16 = 0x083C;
pub const SPRM_C_ISTD: u16 = 0x4A30;
pub const SPRM_C_RG_FTC: [u16; 3] = [0x4A4F, 0x4A50, 0x4A51];
pub const SPRM_P_FIN_TABLE: u16 = 0x2416;
pub const SPRM_P_FTTP: u16 = 0x2417;
pub const SPRM_P_ITAP: u16 = 0x6649;
pub const SPRM_P_DTAP: u16 = 0x664A;
pub const SPRM_P_FINNER_TABLE_CELL: u16 = 0x244B;
pub const SPRM_P_FINNER_TTP: u16 = 0x244C;
pub const SPRM_P_HUGE_PAPX: u16 = 0x6646;
pub const SPRM_P_CHG_TABS: u16 = 0xC615;
pub const SPRM_T_DEF_TABLE: u16 = 0xD608;
pub const SPRM_T_TABLE_HEADER: u16 = 0x3404;
pub const SPRM_T_VERT_MERGE: u16 = 0xD62B;

/// The sprms of a grpprl as (sprm, operand). Stops at the first sprm whose
/// operand would run past the end: the rest of a damaged list is not guessed.
pub fn sprms(grpprl: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let sprm = le16(grpprl, at)?;
        let rest = grpprl.get(at + 2..)?;
        let (skip, len) = match sprm >> 13 {
            0 | 1 => (0, 1),
            2 | 4 | 5 => (0, 2),
            3 => (0, 4),
            7 => (0, 3),
            _ if sprm == SPRM_T_DEF_TABLE => (2, (le16(rest, 0)? as usize).saturating_sub(1)),
            _ if sprm == SPRM_P_CHG_TABS && rest.first() == Some(&255) => (1, chg_tabs_len(rest.get(1..)?)?),
            _ => (1, *rest.first()? as usize),
        };
        let operand = rest.get(skip..skip + len)?;
        at += 2 + skip + len;
        Some((sprm, operand))
    })
}

/// The length of a long sprmPChgTabs operand (cb = 255): deletions with their
/// close ranges, then additions with their tab descriptors.
fn chg_tabs_len(rest: &[u8]) -> Option<usize> {
    let deleted = *rest.first()? as usize;
    let added_at = 1 + deleted * 4;
    let added = *rest.get(added_at)? as usize;
    Some(added_at + 1 + added * 3)
}

/// Character properties that matter to the grid; `None` is "not set here".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharProps {
    /// Font indexes (SttbfFfn) for ASCII, East Asian and other text.
    pub ftc: [Option<u16>; 3],
    pub vanish: Option<bool>,
    pub deleted: bool,
    pub istd: Option<u16>,
}

impl CharProps {
    pub fn apply(&mut self, grpprl: &[u8]) {
        for (sprm, op) in sprms(grpprl) {
            match sprm {
                SPRM_C_FVANISH => {
                    // 0/1 set the toggle; 0x80/0x81 mean "as the style" / "the opposite of the style".
                    self.vanish = match op[0] {
                        0 => Some(false),
                        1 => Some(true),
                        0x81 => Some(true),
                        _ => None,
                    }
                }
                SPRM_C_FRMARK_DEL => self.deleted = op[0] != 0,
                SPRM_C_ISTD => self.istd = le16(op, 0),
                _ => {
                    if let Some(slot) = SPRM_C_RG_FTC.iter().position(|&s| s == sprm) {
                        self.ftc[slot] = le16(op, 0);
                    }
                }
            }
        }
    }

    /// These properties over `base` (a style's): what is set here wins.
    pub fn over(&self, base: &CharProps) -> CharProps {
        let mut ftc = base.ftc;
        for (slot, own) in ftc.iter_mut().zip(self.ftc) {
            if own.is_some() {
                *slot = own;
            }
        }
        CharProps { ftc, vanish: self.vanish.or(base.vanish), deleted: self.deleted, istd: self.istd.or(base.istd) }
    }
}

/// A row's cell geometry from sprmTDefTable: the cell edges in twips and each
/// cell's TC flags (merges).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableDef {
    pub edges: Vec<i16>,
    pub flags: Vec<u16>,
}

pub const TC_FIRST_MERGED: u16 = 0x0001;
pub const TC_MERGED: u16 = 0x0002;
pub const TC_VERT_MERGE: u16 = 0x0020;
pub const TC_VERT_RESTART: u16 = 0x0040;

impl TableDef {
    fn parse(op: &[u8]) -> Option<TableDef> {
        let cells = *op.first()? as usize;
        let edges = (0..=cells).map(|i| le16(op, 1 + 2 * i).map(|e| e as i16)).collect::<Option<Vec<_>>>()?;
        // TC80s (20 bytes each) may be fewer than the cells; missing ones are plain.
        let tc_at = 1 + 2 * (cells + 1);
        let flags = (0..cells).map(|i| le16(op, tc_at + 20 * i).unwrap_or(0)).collect();
        Some(TableDef { edges, flags })
    }
}

/// Paragraph properties that matter to the grid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParaProps {
    pub istd: u16,
    pub in_table: bool,
    pub ttp: bool,
    pub itap: Option<u32>,
    pub inner_cell: bool,
    pub inner_ttp: bool,
    pub header_row: bool,
    pub table_def: Option<TableDef>,
    /// sprmTVertMerge: (cell index, merge flag) set after the TableDef.
    pub vert_merges: Vec<(u8, u8)>,
}

impl ParaProps {
    fn apply(&mut self, grpprl: &[u8], data: &[u8]) {
        for (sprm, op) in sprms(grpprl) {
            match sprm {
                SPRM_P_FIN_TABLE => self.in_table = op[0] != 0,
                SPRM_P_FTTP => self.ttp = op[0] != 0,
                SPRM_P_ITAP => self.itap = le32(op, 0),
                SPRM_P_DTAP => {
                    let delta = le32(op, 0).unwrap_or(0) as i32;
                    self.itap = Some(self.itap.unwrap_or(0).saturating_add_signed(delta));
                }
                SPRM_P_FINNER_TABLE_CELL => self.inner_cell = op[0] != 0,
                SPRM_P_FINNER_TTP => self.inner_ttp = op[0] != 0,
                SPRM_T_TABLE_HEADER => self.header_row = op[0] != 0,
                SPRM_T_DEF_TABLE => self.table_def = TableDef::parse(op),
                SPRM_T_VERT_MERGE if op.len() >= 2 => self.vert_merges.push((op[0], op[1])),
                SPRM_P_HUGE_PAPX => {
                    // The real grpprl lives in the Data stream (rows with many cells); no recursion.
                    let at = le32(op, 0).unwrap_or(u32::MAX) as usize;
                    if let Some(cb) = le16(data, at) {
                        if let Some(huge) = data.get(at + 2..at + 2 + cb as usize) {
                            self.apply(huge, &[]);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Table nesting depth: 0 outside tables.
    pub fn depth(&self) -> u32 {
        match (self.in_table, self.itap) {
            (_, Some(itap)) if itap > 0 => itap,
            (true, _) => 1,
            _ => 0,
        }
    }
}

/// FC-ordered property runs `(fc_start, fc_end, props)`.
pub struct Runs<T> {
    runs: Vec<(u32, u32, T)>,
}

impl<T> Runs<T> {
    /// The properties of the run holding `fc`.
    pub fn at(&self, fc: u32) -> Option<&T> {
        let i = self.runs.partition_point(|(start, _, _)| *start <= fc);
        let (start, end, props) = self.runs.get(i.checked_sub(1)?)?;
        (*start <= fc && fc < *end).then_some(props)
    }
}

/// The FKP pages named by a PlcBte: (page bytes) in FC order.
fn fkp_pages<'a>(word: &'a [u8], plc: &[u8], budget: &mut Budget) -> ExtractResult<Vec<&'a [u8]>> {
    let n = plc.len().saturating_sub(4) / 8;
    let mut pages = Vec::with_capacity(n);
    for i in 0..n {
        let pn = le32(plc, 4 * (n + 1) + 4 * i).unwrap_or(0) & 0x003F_FFFF;
        let start = pn as usize * 512;
        let page = word.get(start..start + 512).ok_or_else(|| corrupt("trang thuộc tính (FKP) nằm ngoài tệp"))?;
        budget.spend_bytes(512)?;
        pages.push(page);
    }
    Ok(pages)
}

fn sort_runs<T>(mut runs: Vec<(u32, u32, T)>) -> Runs<T> {
    runs.sort_by_key(|(start, _, _)| *start);
    Runs { runs }
}

/// Character property runs from the CHPX FKPs.
pub fn char_runs(word: &[u8], plc: &[u8], budget: &mut Budget) -> ExtractResult<Runs<CharProps>> {
    let mut runs = Vec::new();
    for page in fkp_pages(word, plc, budget)? {
        let count = page[511] as usize;
        for i in 0..count.min(101) {
            let (Some(start), Some(end)) = (le32(page, 4 * i), le32(page, 4 * (i + 1))) else { break };
            let mut props = CharProps::default();
            let offset = *page.get(4 * (count + 1) + i).unwrap_or(&0) as usize * 2;
            if offset > 0 {
                let cb = *page.get(offset).unwrap_or(&0) as usize;
                props.apply(page.get(offset + 1..(offset + 1 + cb).min(511)).unwrap_or(&[]));
            }
            runs.push((start, end, props));
        }
    }
    Ok(sort_runs(runs))
}

/// Paragraph property runs from the PAPX FKPs; `data` is the Data stream (huge PAPXs).
pub fn para_runs(word: &[u8], plc: &[u8], data: &[u8], budget: &mut Budget) -> ExtractResult<Runs<ParaProps>> {
    let mut runs = Vec::new();
    for page in fkp_pages(word, plc, budget)? {
        let count = page[511] as usize;
        for i in 0..count.min(37) {
            let (Some(start), Some(end)) = (le32(page, 4 * i), le32(page, 4 * (i + 1))) else { break };
            let mut props = ParaProps::default();
            let offset = *page.get(4 * (count + 1) + 13 * i).unwrap_or(&0) as usize * 2;
            if offset > 0 {
                let cb = *page.get(offset).unwrap_or(&0) as usize;
                let (body, len) = match cb {
                    0 => (offset + 2, 2 * *page.get(offset + 1).unwrap_or(&0) as usize),
                    _ => (offset + 1, 2 * cb - 1),
                };
                let papx = page.get(body..(body + len).min(511)).unwrap_or(&[]);
                props.istd = le16(papx, 0).unwrap_or(0);
                props.apply(papx.get(2..).unwrap_or(&[]), data);
            }
            runs.push((start, end, props));
        }
    }
    Ok(sort_runs(runs))
}
