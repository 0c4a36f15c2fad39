//! Tables: the row and cell definitions (`\trowd`, `\cellx`, the merge
//! words), the tables open at each nesting level with the cells and rows
//! `\cell`/`\row` (`\nestcell`/`\nestrow`) end, where text is laid (a cell
//! of the table at the paragraph's level, or prose), and the layout of
//! finished rows on the grid of all their `\cellx` boundaries. Apart from
//! the builder's reading of control words because it is the geometry half of
//! the extractor: it sees definitions and text, never bytes or groups.

use super::{Builder, Dest};
use crate::extract::ExtractResult;
use crate::grid::{append_run, Paragraph, RowBuilder, Run, Table, TableBuilder, VerticalMerge};

/// Cell properties collected before the `\cellx` that closes their cell definition.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct CellDef {
    pub(super) right: i32,
    pub(super) hmerge_first: bool,
    pub(super) hmerge_cont: bool,
    pub(super) vmerge: VerticalMerge,
}

#[derive(Debug, Clone, Default)]
pub(super) struct RowDef {
    pub(super) left: i32,
    pub(super) cells: Vec<CellDef>,
    pub(super) header: bool,
    pub(super) pending: CellDef,
}

#[derive(Debug, Default)]
struct PendingRow {
    left: i32,
    header: bool,
    cells: Vec<(CellDef, Vec<Run>)>,
}

#[derive(Debug)]
pub(super) struct OpenTable {
    index: usize,
    rows: Vec<PendingRow>,
    cells: Vec<Vec<Run>>,
    current: Vec<Run>,
}

impl<'b> Builder<'b> {
    /// Lays text where the current paragraph is: a cell of the table at its
    /// nesting level, or prose.
    pub(super) fn push_run(&mut self, text: &str, font: Option<String>) {
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

    pub(super) fn paragraph_end(&mut self) {
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

    pub(super) fn row_def(&mut self) -> &mut RowDef {
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

    pub(super) fn cell_end(&mut self, level: usize) -> ExtractResult<()> {
        self.budget.spend_cells(1)?;
        self.ensure_open(level);
        self.close_tables_above(level);
        if let Some(table) = self.open.get_mut(level - 1) {
            let runs = std::mem::take(&mut table.current);
            table.cells.push(runs);
        }
        Ok(())
    }

    pub(super) fn row_end(&mut self, level: usize) {
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
    pub(super) fn close_tables_above(&mut self, level: usize) {
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

    pub(super) fn finish_prose_paragraph(&mut self) {
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
    let mut table = TableBuilder::new(index);
    for row in rows {
        let mut cells = RowBuilder::new(None);
        cells.set_header(row.header);
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
            cells.push_at(col, end - col, def.vmerge, runs);
        }
        table.push(cells);
    }
    table.finish()
}
