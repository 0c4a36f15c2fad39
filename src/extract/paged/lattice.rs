//! Lattice tables: ruling segments → joined lines → cell grid, with spanning
//! cells found where a boundary line is missing between two grid cells.

use super::layout;
use super::page::{Glyph, Segment};
use crate::grid::{Run, VerticalMerge};

/// Positions closer than this (points) are the same line.
const SNAP: f32 = 1.5;
/// Collinear segments with gaps up to this are one line.
const JOIN: f32 = 2.5;
/// Most grid cells one ruled table may have (a scoring table has a few thousand).
const MAX_GRID_CELLS: usize = 200_000;
/// Grid rows/columns thinner than this are double borders, not cells.
const MIN_CELL: f32 = 3.0;

/// A cell of a table found on one page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageCell {
    pub col: usize,
    pub col_span: usize,
    pub vmerge: VerticalMerge,
    pub runs: Vec<Run>,
    /// The cell's box in points (x0, y0, x1, y1, y down): its rulings in a
    /// ruled table, its text's extent in an unruled one.
    pub bbox: Option<[f32; 4]>,
}

impl PageCell {
    /// An unmerged cell without a box (a header read from its columns).
    pub fn plain(col: usize, runs: Vec<Run>) -> Self {
        PageCell { col, col_span: 1, vmerge: VerticalMerge::None, runs, bbox: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PageRow {
    pub cells: Vec<PageCell>,
}

impl PageRow {
    pub fn text_at(&self, col: usize) -> String {
        self.cells
            .iter()
            .find(|c| (c.col..c.col + c.col_span).contains(&col))
            .map(|c| c.runs.iter().map(|r| r.text.as_str()).collect::<String>())
            .unwrap_or_default()
    }

    pub fn text(&self) -> String {
        self.cells.iter().flat_map(|c| c.runs.iter().map(|r| r.text.as_str())).collect::<Vec<_>>().join("|")
    }
}

/// A table on one page: its box, columns and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct PageTable {
    pub top: f32,
    pub bottom: f32,
    /// Column positions that recognise the same table on the next page: the
    /// edges of a ruled table, the header centres of an unruled one.
    pub columns: Vec<f32>,
    pub rows: Vec<PageRow>,
    /// How an unruled table's columns are read, for its pages without a header.
    pub model: Option<super::stream::ColumnModel>,
}

/// Joins collinear, overlapping or nearly touching segments of one direction.
pub fn join_segments(mut segments: Vec<Segment>) -> Vec<Segment> {
    segments.sort_by(|a, b| a.pos.total_cmp(&b.pos).then(a.from.total_cmp(&b.from)));
    // Snap positions first so that a line drawn in pieces at 0.1pt offsets joins.
    let mut snapped: Vec<Segment> = Vec::with_capacity(segments.len());
    let mut anchor = f32::MIN;
    for mut s in segments {
        if s.pos - anchor > SNAP {
            anchor = s.pos;
        }
        s.pos = anchor;
        snapped.push(s);
    }
    snapped.sort_by(|a, b| a.pos.total_cmp(&b.pos).then(a.from.total_cmp(&b.from)));
    let mut joined: Vec<Segment> = Vec::new();
    for s in snapped {
        match joined.last_mut() {
            Some(last) if last.pos == s.pos && s.from <= last.to + JOIN => last.to = last.to.max(s.to),
            _ => joined.push(s),
        }
    }
    joined
}

fn crosses(h: &Segment, v: &Segment) -> bool {
    v.pos >= h.from - JOIN && v.pos <= h.to + JOIN && h.pos >= v.from - JOIN && h.pos <= v.to + JOIN
}

pub(crate) fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

pub(crate) fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[rb] = ra;
    }
}

/// Distinct positions, snapped and with too-close neighbours dropped.
fn edges(mut positions: Vec<f32>) -> Vec<f32> {
    positions.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for p in positions {
        if out.last().is_none_or(|last| p - last > MIN_CELL) {
            out.push(p);
        }
    }
    out
}

/// Whether a line near `pos` passes `at`; `lines` are sorted by position.
fn covered(lines: &[&Segment], pos: f32, at: f32) -> bool {
    let first = lines.partition_point(|s| s.pos < pos - MIN_CELL);
    lines[first..].iter().take_while(|s| s.pos <= pos + MIN_CELL).any(|s| s.from - SNAP <= at && at <= s.to + SNAP)
}

/// Finds the ruled tables on a page. Glyphs inside a table are consumed;
/// the indices of the rest are returned for prose.
/// Merged grid regions by root: (first row, last row, first col, last col).
pub(crate) type Regions = std::collections::BTreeMap<usize, (usize, usize, usize, usize)>;

/// The cells of a `rows` × `cols` grid once neighbours are joined where the
/// line between them is missing (`open_right(r, c)`: between column c and
/// c + 1 of row r; `open_down(r, c)`: between row r and r + 1 of column c),
/// each as (first row, last row, first col, last col) under its root, with
/// the root of every grid cell (row-major). Scanned tables
/// ([`crate::extract::paged::ocr::cells`]) are split into cells by the same rule.
pub(crate) fn merged_regions(
    rows: usize,
    cols: usize,
    open_right: impl Fn(usize, usize) -> bool,
    open_down: impl Fn(usize, usize) -> bool,
) -> (Vec<usize>, Regions) {
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && open_right(r, c) {
                union(&mut parent, r * cols + c, r * cols + c + 1);
            }
            if r + 1 < rows && open_down(r, c) {
                union(&mut parent, r * cols + c, (r + 1) * cols + c);
            }
        }
    }
    let mut regions = Regions::new();
    for r in 0..rows {
        for c in 0..cols {
            let root = find(&mut parent, r * cols + c);
            let region = regions.entry(root).or_insert((r, r, c, c));
            *region = (region.0.min(r), region.1.max(r), region.2.min(c), region.3.max(c));
        }
    }
    let roots = (0..rows * cols).map(|i| find(&mut parent, i)).collect();
    (roots, regions)
}

pub fn find_tables(segments: &[Segment], glyphs: &[Glyph]) -> (Vec<PageTable>, Vec<usize>) {
    let horizontal = join_segments(segments.iter().filter(|s| s.horizontal).copied().collect());
    let vertical = join_segments(segments.iter().filter(|s| !s.horizontal).copied().collect());
    let all: Vec<&Segment> = horizontal.iter().chain(vertical.iter()).collect();
    let mut parent: Vec<usize> = (0..all.len()).collect();
    // Verticals sorted by x: each horizontal meets only those within its x-range
    // (binary search), not every vertical on the page.
    let mut by_x: Vec<usize> = (0..vertical.len()).collect();
    by_x.sort_by(|a, b| vertical[*a].pos.total_cmp(&vertical[*b].pos));
    for (i, h) in horizontal.iter().enumerate() {
        let first = by_x.partition_point(|j| vertical[*j].pos < h.from - JOIN);
        for &j in by_x[first..].iter().take_while(|j| vertical[**j].pos <= h.to + JOIN) {
            if crosses(h, &vertical[j]) {
                union(&mut parent, i, horizontal.len() + j);
            }
        }
    }
    let mut groups: Vec<Vec<&Segment>> = Vec::new();
    let mut group_of_root = std::collections::HashMap::new();
    for (i, segment) in all.iter().enumerate() {
        let root = find(&mut parent, i);
        let index = *group_of_root.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[index].push(segment);
    }
    let mut used = vec![false; glyphs.len()];
    let mut tables: Vec<PageTable> = groups.iter().filter_map(|group| build_table(group, glyphs, &mut used)).collect();
    tables.sort_by(|a, b| a.top.total_cmp(&b.top));
    let rest = used.iter().enumerate().filter(|(_, u)| !**u).map(|(i, _)| i).collect();
    (tables, rest)
}

/// A row cut by a page break has no border on its open side: its cell
/// walls (two vertical lines at least) run past the last (or first)
/// horizontal line. The end of those walls closes the row.
fn open_edges(vertical: &[&Segment], ys: &mut Vec<f32>) {
    let (Some(&first), Some(&last)) = (ys.first(), ys.last()) else { return };
    let bottom = vertical.iter().map(|s| s.to).fold(f32::MIN, f32::max);
    let top = vertical.iter().map(|s| s.from).fold(f32::MAX, f32::min);
    let walls =
        |end: f32, at: fn(&Segment) -> f32| vertical.iter().filter(|s| (at(s) - end).abs() <= SNAP).count() >= 2;
    if bottom > last + 2.0 * MIN_CELL && walls(bottom, |s| s.to) {
        ys.push(bottom);
    }
    if top < first - 2.0 * MIN_CELL && walls(top, |s| s.from) {
        ys.insert(0, top);
    }
}

fn build_table(group: &[&Segment], glyphs: &[Glyph], used: &mut [bool]) -> Option<PageTable> {
    let (mut h, mut v): (Vec<&Segment>, Vec<&Segment>) = group.iter().copied().partition(|s| s.horizontal);
    h.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    v.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    let mut ys = edges(h.iter().map(|s| s.pos).collect());
    let xs = edges(v.iter().map(|s| s.pos).collect());
    if ys.is_empty() || xs.len() < 2 {
        return None;
    }
    open_edges(&v, &mut ys);
    if ys.len() < 2 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    // A grid this fine is hatching or a drawing, not a table; its cells would cost memory for nothing.
    if rows.saturating_mul(cols) > MAX_GRID_CELLS {
        return None;
    }
    let (roots, regions) = merged_regions(
        rows,
        cols,
        |r, c| !covered(&v, xs[c + 1], (ys[r] + ys[r + 1]) / 2.0),
        |r, c| !covered(&h, ys[r + 1], (xs[c] + xs[c + 1]) / 2.0),
    );
    let mut cell_glyphs: std::collections::BTreeMap<usize, Vec<&Glyph>> = Default::default();
    for (i, glyph) in glyphs.iter().enumerate() {
        let (cx, cy) = (glyph.x + glyph.width / 2.0, glyph.y - glyph.size * 0.3);
        // Edges are sorted: the cell is found by binary search.
        let (c, r) = (xs.partition_point(|x| *x <= cx), ys.partition_point(|y| *y <= cy));
        if c == 0 || c >= xs.len() || r == 0 || r >= ys.len() {
            continue;
        }
        let (c, r) = (c - 1, r - 1);
        used[i] = true;
        cell_glyphs.entry(roots[r * cols + c]).or_default().push(glyph);
    }
    let mut page_rows: Vec<PageRow> = (0..rows).map(|_| PageRow { cells: Vec::new() }).collect();
    for (root, (r0, r1, c0, c1)) in &regions {
        let found = cell_glyphs.get(root).map(|g| layout::lines(g, false)).unwrap_or_default();
        let left = xs[*c0];
        let padding = found.iter().map(|l| l.x0 - left).fold(f32::MAX, f32::min).clamp(0.0, 10.0);
        let runs = layout::join(&found, xs[*c1 + 1] - padding);
        for (r, row) in page_rows.iter_mut().enumerate().take(*r1 + 1).skip(*r0) {
            let vmerge = match (r0 == r1, r == *r0) {
                (true, _) => VerticalMerge::None,
                (false, true) => VerticalMerge::Start,
                (false, false) => VerticalMerge::Continue,
            };
            let runs = if r == *r0 { runs.clone() } else { Vec::new() };
            let bbox = Some([xs[*c0], ys[*r0], xs[*c1 + 1], ys[*r1 + 1]]);
            row.cells.push(PageCell { col: *c0, col_span: c1 - c0 + 1, vmerge, runs, bbox });
        }
    }
    for row in &mut page_rows {
        row.cells.sort_by_key(|c| c.col);
    }
    Some(PageTable { top: ys[0], bottom: ys[rows], columns: xs, rows: page_rows, model: None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::paged::layout::tests::glyphs;

    fn h(pos: f32, from: f32, to: f32) -> Segment {
        Segment { horizontal: true, pos, from, to }
    }

    fn v(pos: f32, from: f32, to: f32) -> Segment {
        Segment { horizontal: false, pos, from, to }
    }

    #[test]
    fn joins_pieces_and_snaps_positions() {
        let joined =
            join_segments(vec![h(10.0, 0.0, 50.0), h(10.4, 51.0, 100.0), h(10.0, 150.0, 200.0), h(30.0, 0.0, 5.0)]);
        assert_eq!(joined, vec![h(10.0, 0.0, 100.0), h(10.0, 150.0, 200.0), h(30.0, 0.0, 5.0)]);
    }

    #[test]
    fn hatching_is_no_table() {
        // 600 x 600 crossing lines: a grid of 360,000 cells, past any scoring table.
        let mut segments = Vec::new();
        for i in 0..600 {
            segments.push(h(i as f32 * 4.0, 0.0, 2400.0));
            segments.push(v(i as f32 * 4.0, 0.0, 2400.0));
        }
        let (tables, _) = find_tables(&segments, &glyphs("1.1", 5.0, 10.0, 10.0));
        assert!(tables.is_empty());
    }

    #[test]
    fn grid_with_spanning_header() {
        // Three columns; the top row's first two columns are one cell.
        let segments = vec![
            h(0.0, 0.0, 300.0),
            h(20.0, 0.0, 300.0),
            h(40.0, 0.0, 300.0),
            v(0.0, 0.0, 40.0),
            v(100.0, 20.0, 40.0),
            v(200.0, 0.0, 40.0),
            v(300.0, 0.0, 40.0),
            // An underline inside a cell is not a table.
            h(35.0, 210.0, 250.0),
        ];
        let mut text = glyphs("Header", 5.0, 15.0, 10.0);
        text.extend(glyphs("1.1", 5.0, 35.0, 10.0));
        text.extend(glyphs("0,5", 205.0, 35.0, 10.0));
        text.extend(glyphs("Outside", 5.0, 60.0, 10.0));
        let (tables, rest) = find_tables(&segments, &text);
        assert_eq!(tables.len(), 1);
        let table = &tables[0];
        assert_eq!(table.columns, vec![0.0, 100.0, 200.0, 300.0]);
        assert_eq!(table.rows[0].cells.iter().map(|c| (c.col, c.col_span)).collect::<Vec<_>>(), vec![(0, 2), (2, 1)]);
        assert_eq!(table.rows[0].text_at(1), "Header");
        assert_eq!(table.rows[1].text_at(0), "1.1");
        assert_eq!(table.rows[1].text_at(2), "0,5");
        assert_eq!(rest.len(), "Outside".len());
    }

    #[test]
    fn a_cell_without_rulings_between_rows_is_one_merged_cell() {
        // Code | evidence: the ruling under the second row stops short of the evidence column.
        let mut segments: Vec<Segment> = [0.0, 20.0, 60.0].map(|y| h(y, 0.0, 200.0)).to_vec();
        segments.push(h(40.0, 0.0, 100.0));
        segments.extend([0.0, 100.0, 200.0].map(|x| v(x, 0.0, 60.0)));
        let mut text = glyphs("1.1", 5.0, 35.0, 10.0);
        text.extend(glyphs("1.2", 5.0, 55.0, 10.0));
        // Centred in the merged cell, the text sits on the ruling of the other column.
        text.extend(glyphs("KH 52", 105.0, 45.0, 10.0));
        let (tables, _) = find_tables(&segments, &text);
        let rows = &tables[0].rows;
        let evidence = |r: usize| {
            let cell = rows[r].cells.iter().find(|c| c.col == 1)?;
            Some((cell.vmerge, cell.runs.iter().map(|r| r.text.as_str()).collect::<String>()))
        };
        assert_eq!(evidence(1), Some((VerticalMerge::Start, "KH 52".to_owned())));
        assert_eq!(evidence(2), Some((VerticalMerge::Continue, String::new())));
        assert_eq!(rows[2].text_at(0), "1.2");
    }
}
