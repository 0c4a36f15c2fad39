//! Tables from paragraph marks: a paragraph at nesting depth d (sprmPItap,
//! or 1 from sprmPFInTable) belongs to the current cell of the table open at
//! depth d; a cell ends at a cell mark (depth 1: the `\x07` character; deeper:
//! sprmPFInnerTableCell), a row at its table-terminating paragraph (sprmPFTtp
//! / sprmPFInnerTtp), which carries the row's cell edges and merges
//! (sprmTDefTable, sprmTVertMerge). Grid columns are the distinct cell edges
//! of all rows, as Word's own grid is.

use super::props::{ParaProps, TC_FIRST_MERGED, TC_MERGED, TC_VERT_MERGE, TC_VERT_RESTART};
use crate::extract::{Budget, ExtractError, ExtractResult};
use crate::grid::{append_run, Paragraph, RowBuilder, Run, Table, TableBuilder, VerticalMerge};

/// Edges closer than this (twips, 1/1440 inch) are one grid line.
const EDGE_TOLERANCE: i32 = 15;

#[derive(Default)]
struct PendingRow {
    cells: Vec<Vec<Run>>,
    edges: Vec<i16>,
    flags: Vec<u16>,
    vert_merges: Vec<(u8, u8)>,
    header: bool,
}

struct OpenTable {
    index: usize,
    rows: Vec<PendingRow>,
    cells: Vec<Vec<Run>>,
    cell: Vec<Run>,
    paragraphs_in_cell: usize,
}

#[derive(Default)]
pub struct Builder {
    tables: Vec<(usize, Table)>,
    open: Vec<OpenTable>,
    pub prose: Vec<Paragraph>,
    opened: usize,
}

impl Builder {
    /// Adds one paragraph (its visible runs, mark excluded) with its properties.
    pub fn paragraph(
        &mut self,
        runs: Vec<Run>,
        props: &ParaProps,
        cell_mark: bool,
        budget: &mut Budget,
    ) -> ExtractResult<()> {
        let depth = props.depth() as usize;
        if depth > budget.limits.max_depth {
            return Err(ExtractError::limit(format!(
                "bảng lồng nhau quá sâu trong tệp .doc (hơn {} cấp)",
                budget.limits.max_depth
            )));
        }
        while self.open.len() > depth {
            self.close_table();
        }
        if depth == 0 {
            if runs.iter().any(|r| !r.text.trim().is_empty()) {
                self.prose.push(Paragraph::new(runs, None));
            }
            return Ok(());
        }
        while self.open.len() < depth {
            self.opened += 1;
            let index = self.opened;
            self.open.push(OpenTable {
                index,
                rows: Vec::new(),
                cells: Vec::new(),
                cell: Vec::new(),
                paragraphs_in_cell: 0,
            });
        }
        let Some(table) = self.open.last_mut() else { return Ok(()) };
        let (row_end, cell_end) =
            if depth == 1 { (props.ttp, cell_mark && !props.ttp) } else { (props.inner_ttp, props.inner_cell) };
        if row_end {
            let def = props.table_def.clone().unwrap_or_default();
            table.rows.push(PendingRow {
                cells: std::mem::take(&mut table.cells),
                edges: def.edges,
                flags: def.flags,
                vert_merges: props.vert_merges.clone(),
                header: props.header_row,
            });
            return Ok(());
        }
        if table.paragraphs_in_cell > 0 {
            table.cell.push(Run::plain("\n"));
        }
        table.paragraphs_in_cell += 1;
        for run in runs {
            append_run(&mut table.cell, &run.text, run.font.as_deref());
        }
        if cell_end {
            budget.spend_cells(1)?;
            table.cells.push(std::mem::take(&mut table.cell));
            table.paragraphs_in_cell = 0;
        }
        Ok(())
    }

    fn close_table(&mut self) {
        let Some(mut table) = self.open.pop() else { return };
        // A row left without its terminating mark (damaged or cut file) is kept as it stands.
        if !table.cell.is_empty() {
            table.cells.push(std::mem::take(&mut table.cell));
        }
        if !table.cells.is_empty() {
            table.rows.push(PendingRow { cells: std::mem::take(&mut table.cells), ..PendingRow::default() });
        }
        self.tables.push((table.index, layout(table.index, table.rows)));
    }

    /// The tables in document order (an outer table before those nested in it).
    pub fn finish(mut self) -> (Vec<Table>, Vec<Paragraph>) {
        while !self.open.is_empty() {
            self.close_table();
        }
        self.tables.sort_by_key(|(index, _)| *index);
        (self.tables.into_iter().map(|(_, t)| t).collect(), self.prose)
    }
}

/// The grid lines of a table: every row's cell edges, near ones merged.
fn grid_lines(rows: &[PendingRow]) -> Vec<i32> {
    let mut edges: Vec<i32> = rows.iter().flat_map(|r| r.edges.iter().map(|&e| i32::from(e))).collect();
    edges.sort_unstable();
    let mut lines: Vec<i32> = Vec::new();
    for edge in edges {
        if lines.last().is_none_or(|&last| edge - last > EDGE_TOLERANCE) {
            lines.push(edge);
        }
    }
    lines
}

fn line_index(lines: &[i32], edge: i16) -> usize {
    let edge = i32::from(edge);
    let i = lines.partition_point(|&l| l < edge - EDGE_TOLERANCE);
    i.min(lines.len().saturating_sub(1))
}

fn layout(index: usize, rows: Vec<PendingRow>) -> Table {
    let lines = grid_lines(&rows);
    let mut table = TableBuilder::new(index);
    for row in rows {
        let geometry_fits = row.edges.len() == row.cells.len() + 1;
        let mut cells = RowBuilder::new(None);
        cells.set_header(row.header);
        for (k, runs) in row.cells.into_iter().enumerate() {
            let flags = row.flags.get(k).copied().unwrap_or(0);
            let (col, end) = if geometry_fits {
                let col = line_index(&lines, row.edges[k]);
                (col, line_index(&lines, row.edges[k + 1]).max(col + 1))
            } else {
                let col = cells.cells().last().map(|c| c.col + c.col_span).unwrap_or(0);
                (col, col + 1)
            };
            // Old-style horizontal merge: a merged cell widens the first one.
            if flags & TC_MERGED != 0 && flags & TC_FIRST_MERGED == 0 {
                if let Some(first) = cells.last_mut() {
                    first.col_span = end.saturating_sub(first.col).max(1);
                    continue;
                }
            }
            let vmerge = match row.vert_merges.iter().rev().find(|(itc, _)| *itc as usize == k) {
                Some((_, 1)) => VerticalMerge::Continue,
                Some((_, 3)) => VerticalMerge::Start,
                Some(_) => VerticalMerge::None,
                None => vertical(flags),
            };
            cells.push_at(col, end - col, vmerge, runs);
        }
        table.push(cells);
    }
    table.finish()
}

fn vertical(flags: u16) -> VerticalMerge {
    match (flags & TC_VERT_MERGE != 0, flags & TC_VERT_RESTART != 0) {
        (true, true) => VerticalMerge::Start,
        (true, false) => VerticalMerge::Continue,
        _ => VerticalMerge::None,
    }
}
