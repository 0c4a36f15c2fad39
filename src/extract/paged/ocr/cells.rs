//! Rulings → tables → cell boxes: the lines of one connected group form a
//! lattice; neighbouring grid cells are one cell where the line between them
//! is missing (merged title and evidence cells); and a cell's inside as an
//! image to read, its border lines cut away.

use super::lines::Rule;
use super::{Gray, Mask};
use crate::extract::paged::lattice::{find, merged_regions, union};

/// A cell rectangle in pixels (exclusive right/bottom), with its grid place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellBox {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
    pub row: usize,
    pub col: usize,
}

/// One ruled table: its cells and the rulings snapped to the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Lattice {
    pub cells: Vec<CellBox>,
    pub rules: Vec<Rule>,
    pub top: usize,
    pub bottom: usize,
}

fn crosses(h: &Rule, v: &Rule, tol: f32) -> bool {
    v.pos >= h.from as f32 - tol
        && v.pos <= h.to as f32 + tol
        && h.pos >= v.from as f32 - tol
        && h.pos <= v.to as f32 + tol
}

/// Positions closer than `gap` are one grid line (the mean of the cluster).
fn cluster(mut positions: Vec<f32>, gap: f32) -> Vec<f32> {
    positions.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, f32)> = Vec::new();
    for p in positions {
        match out.last_mut() {
            Some((sum, n)) if p - *sum / *n <= gap => {
                *sum += p;
                *n += 1.0;
            }
            _ => out.push((p, 1.0)),
        }
    }
    out.into_iter().map(|(s, n)| s / n).collect()
}

fn snap(grid: &[f32], pos: f32) -> f32 {
    grid.iter().copied().min_by(|a, b| (a - pos).abs().total_cmp(&(b - pos).abs())).unwrap_or(pos)
}

/// The ruled tables among the rulings of a page; `gap` (pixels) is the
/// tolerance for lines that meet and for the thinnest row or column.
pub fn lattices(rules: &[Rule], gap: f32) -> Vec<Lattice> {
    let (h, v): (Vec<&Rule>, Vec<&Rule>) = rules.iter().partition(|r| r.horizontal);
    // A cell border runs from one row line to another; a short vertical
    // stroke neither end of which meets one (a seal's ring, a signature, a
    // bold letter) would split a column of the whole grid.
    let meets = |v: &Rule, y: usize| {
        h.iter().any(|r| {
            (r.pos - y as f32).abs() <= gap * 3.0 && v.pos >= r.from as f32 - gap && v.pos <= r.to as f32 + gap
        })
    };
    // A short one must meet a row line at both ends: a thick copy joins the
    // strokes of the letters above and below a row line into one through it,
    // which can end near the next row line by chance (`gap` is a fiftieth of
    // an inch: under half an inch is short). A long one that crosses two row
    // lines is a border even if neither end meets one: a faint line breaks
    // into pieces that end anywhere.
    let short = gap * 25.0;
    let v: Vec<&Rule> = v
        .into_iter()
        .filter(|r| {
            let (top, bottom) = (meets(r, r.from), meets(r, r.to));
            if ((r.to - r.from) as f32) < short {
                top && bottom
            } else {
                top || bottom || h.iter().filter(|row| crosses(row, r, 0.0)).nth(1).is_some()
            }
        })
        .collect();
    let mut parent: Vec<usize> = (0..h.len() + v.len()).collect();
    for (i, a) in h.iter().enumerate() {
        for (j, b) in v.iter().enumerate() {
            if crosses(a, b, gap) {
                union(&mut parent, i, h.len() + j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> = Default::default();
    for (i, r) in h.iter().chain(v.iter()).enumerate() {
        let root = find(&mut parent, i);
        let group = groups.entry(root).or_default();
        if r.horizontal {
            group.0.push(**r)
        } else {
            group.1.push(**r)
        }
    }
    let mut out: Vec<Lattice> = groups.into_values().filter_map(|(h, v)| lattice(h, v, gap)).collect();
    out.sort_by_key(|l| l.top);
    out
}

fn lattice(mut h: Vec<Rule>, mut v: Vec<Rule>, gap: f32) -> Option<Lattice> {
    let ys = cluster(h.iter().map(|r| r.pos).collect(), gap);
    let xs = cluster(v.iter().map(|r| r.pos).collect(), gap);
    if ys.len() < 2 || xs.len() < 2 {
        return None;
    }
    for r in h.iter_mut() {
        r.pos = snap(&ys, r.pos);
    }
    for r in v.iter_mut() {
        r.pos = snap(&xs, r.pos);
    }
    let covered = |lines: &[Rule], pos: f32, at: f32| {
        lines.iter().any(|s| (s.pos - pos).abs() <= 0.5 && s.from as f32 - gap <= at && at <= s.to as f32 + gap)
    };
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    let (_, regions) = merged_regions(
        rows,
        cols,
        |r, c| !covered(&v, xs[c + 1], (ys[r] + ys[r + 1]) / 2.0),
        |r, c| !covered(&h, ys[r + 1], (xs[c] + xs[c + 1]) / 2.0),
    );
    let px = |p: f32| p.max(0.0).round() as usize;
    let cells = regions
        .values()
        .map(|&(r0, r1, c0, c1)| CellBox {
            x0: px(xs[c0]),
            y0: px(ys[r0]),
            x1: px(xs[c1 + 1]),
            y1: px(ys[r1 + 1]),
            row: r0,
            col: c0,
        })
        .collect();
    let mut rules = h;
    rules.extend(v);
    Some(Lattice { cells, rules, top: px(ys[0]), bottom: px(ys[rows]) })
}

fn ink_count(mask: &Mask, x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
    (y0..y1.min(mask.height)).map(|y| (x0..x1.min(mask.width)).filter(|&x| mask.get(x, y)).count()).sum()
}

/// The inside of a cell, its border lines cut away, when it holds ink: its
/// top-left corner on the page and its pixels.
pub(super) fn cell_crop(
    gray: &Gray,
    mask: &Mask,
    cell: &CellBox,
    inset: usize,
    min_ink: usize,
) -> Option<(usize, usize, Gray)> {
    let (x0, y0) = (cell.x0 + inset, cell.y0 + inset);
    let x1 = cell.x1.saturating_sub(inset).min(mask.width);
    let y1 = cell.y1.saturating_sub(inset).min(mask.height);
    if x1 <= x0 + 2 || y1 <= y0 + 2 || ink_count(mask, x0, y0, x1, y1) < min_ink {
        return None;
    }
    // Ink black on white paper: crops of shaded and plain cells look alike in a stack.
    let mut image = Gray::new(x1 - x0, y1 - y0, 255);
    for y in y0..y1 {
        for x in (x0..x1).filter(|&x| mask.get(x, y)) {
            image.set(x - x0, y - y0, gray.get(x, y).min(96));
        }
    }
    erase_border_residue(&mut image, mask, x0, y0, inset * 2);
    Some((x0, y0, image))
}

/// Paints white the rows and columns near the crop's edges that are mostly
/// ink: what is left of a ruling line (a thick or slightly tilted border),
/// which Tesseract would read as a "1" or a bar.
fn erase_border_residue(image: &mut Gray, mask: &Mask, x0: usize, y0: usize, band: usize) {
    let (w, h) = (image.width, image.height);
    let ink = |x: usize, y: usize| mask.get((x0 + x).min(mask.width - 1), (y0 + y).min(mask.height - 1));
    for y in (0..h).filter(|&y| y < band || y + band >= h) {
        // Only long runs are a ruling's: the bottoms of a line of digits with
        // the point between them can ink half a tight crop's row, each run no
        // wider than a digit, which is less than half the crop's height.
        if long_runs((0..w).map(|x| ink(x, y)), h / 2) * 2 > w {
            (0..w).for_each(|x| image.set(x, y, 255));
        }
    }
    for x in (0..w).filter(|&x| x < band || x + band >= w) {
        if (0..h).filter(|&y| ink(x, y)).count() * 2 > h {
            (0..h).for_each(|y| image.set(x, y, 255));
        }
    }
}

/// The ink pixels in runs longer than `long` along a line of pixels.
fn long_runs(line: impl Iterator<Item = bool>, long: usize) -> usize {
    let (mut total, mut run) = (0, 0);
    for ink in line.chain(std::iter::once(false)) {
        if ink {
            run += 1;
        } else {
            total += if run > long { run } else { 0 };
            run = 0;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pos: f32, from: usize, to: usize) -> Rule {
        Rule { horizontal: true, pos, from, to }
    }

    fn v(pos: f32, from: usize, to: usize) -> Rule {
        Rule { horizontal: false, pos, from, to }
    }

    #[test]
    fn missing_line_merges_cells_and_stray_line_is_no_table() {
        // 3 columns × 2 rows; the line between columns 1 and 2 is missing in row 0.
        let rules = vec![
            h(10.0, 10, 310),
            h(50.5, 10, 310),
            h(91.0, 10, 310),
            v(10.0, 10, 91),
            v(110.0, 10, 91),
            v(210.0, 50, 91),
            v(310.0, 10, 91),
            h(300.0, 400, 600),
        ];
        let tables = lattices(&rules, 4.0);
        assert_eq!(tables.len(), 1);
        let cells = &tables[0].cells;
        assert_eq!(cells.len(), 5);
        let wide = cells.iter().find(|c| c.row == 0 && c.col == 1).unwrap();
        assert_eq!((wide.x0, wide.x1, wide.y0, wide.y1), (110, 310, 10, 51));
        assert!(cells.iter().any(|c| c.row == 1 && c.col == 2 && c.x0 == 210));
        assert_eq!((tables[0].top, tables[0].bottom), (10, 91));
    }

    #[test]
    fn stroke_meeting_no_row_line_splits_no_column() {
        // 2 columns × 2 rows, and a short vertical stroke in the middle of the right cell of row 1.
        let rules = vec![
            h(10.0, 10, 310),
            h(50.0, 10, 310),
            h(90.0, 10, 310),
            v(10.0, 10, 90),
            v(110.0, 10, 90),
            v(310.0, 10, 90),
            v(250.0, 64, 76),
        ];
        let tables = lattices(&rules, 4.0);
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].cells.len(), 4, "{:?}", tables[0].cells);
        assert!(tables[0].cells.iter().all(|c| c.x0 != 250 && c.x1 != 250));
    }

    #[test]
    fn letter_strokes_joined_through_a_row_line_split_no_column() {
        // Rows 40 apart; a stroke from the middle of row 0 through the row line to near
        // the bottom of row 1, and a one-row border between two row lines.
        let rules = vec![
            h(10.0, 10, 310),
            h(50.0, 10, 310),
            h(90.0, 10, 310),
            h(130.0, 10, 310),
            v(10.0, 10, 130),
            v(310.0, 10, 130),
            v(150.0, 32, 87),
            v(230.0, 90, 130),
        ];
        let cells = &lattices(&rules, 4.0)[0].cells;
        assert!(cells.iter().all(|c| c.x0 != 150 && c.x1 != 150), "{cells:?}");
        assert!(cells.iter().any(|c| c.row == 2 && c.x0 == 230), "{cells:?}");
    }
    /// A faint border that binarisation broke where no row line is: a long
    /// piece of it that crosses two row lines splits its column, though
    /// neither of its ends meets one; a short piece so (a stroke) does not.
    #[test]
    fn a_broken_faint_border_crossing_two_row_lines_splits_its_column() {
        let mut rules: Vec<Rule> = [10.0, 60.0, 110.0, 160.0, 210.0].map(|y| h(y, 10, 310)).to_vec();
        rules.extend([v(10.0, 10, 210), v(310.0, 10, 210)]);
        let broken = [&rules[..], &[v(150.0, 30, 190)]].concat();
        let cells = &lattices(&broken, 4.0)[0].cells;
        assert!(cells.iter().any(|c| c.row == 1 && c.x1 == 150), "{cells:?}");
        let stroke = [&rules[..], &[v(150.0, 80, 140)]].concat();
        let cells = &lattices(&stroke, 4.0)[0].cells;
        assert!(cells.iter().all(|c| c.x0 != 150 && c.x1 != 150), "{cells:?}");
    }

    #[test]
    fn border_residue_goes_and_the_bottoms_of_digits_stay() {
        // A tight 36×20 crop: a row of a ruling at its top, two digits' bottoms and a point between them low.
        let (w, h) = (36, 20);
        let mut image = Gray::new(w, h, 255);
        let mut mask = Mask { width: w, height: h, data: vec![false; w * h] };
        let runs = [(1, 0..w), (15, 4..13), (15, 15..19), (15, 21..30)];
        for (y, xs) in runs {
            for x in xs {
                image.set(x, y, 0);
                mask.data[y * w + x] = true;
            }
        }
        erase_border_residue(&mut image, &mask, 0, 0, 6);
        assert_eq!((image.get(10, 1), image.get(10, 15), image.get(17, 15), image.get(25, 15)), (255, 0, 0, 0));
        assert_eq!(long_runs([true, true, false, true, true, true].into_iter(), 2), 3);
    }
}
