//! Ruling lines from an ink mask: runs of ink longer than any letter stroke
//! (a one-dimensional morphological opening), bridged over small scan gaps,
//! grouped across the few pixel rows a line is thick.

use super::Mask;

/// A ruling line in pixels: `pos` is its y (horizontal) or x (vertical).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub horizontal: bool,
    pub pos: f32,
    pub from: usize,
    pub to: usize,
}

/// Gaps up to this many pixels inside a run are scan dropouts.
const BRIDGE: usize = 3;
/// Runs on rows this close (pixels) with overlapping extent are one line.
const THICKNESS: f32 = 4.0;
/// Lines thicker than this (pixels, at 100 dpi) are filled areas, not rulings.
const MAX_THICKNESS_PER_100DPI: f32 = 6.0;

/// A run of a ruling line is nearly all ink; a row through bold text, whose
/// letters the gap bridging joins into one long run, is not.
const MIN_FILL: f32 = 0.85;

/// Ink runs of at least `min_len` along one line of pixels, nearly solid.
fn runs(len: usize, ink: impl Fn(usize) -> bool, min_len: usize, out: &mut Vec<(usize, usize)>) {
    let mut start: Option<usize> = None;
    let (mut last_ink, mut filled) = (0, 0usize);
    let close = |s: usize, end: usize, filled: usize, out: &mut Vec<(usize, usize)>| {
        if end - s >= min_len && filled as f32 >= (end - s) as f32 * MIN_FILL {
            out.push((s, end));
        }
    };
    for i in 0..len {
        if ink(i) {
            if start.is_none() {
                start = Some(i);
                filled = 0;
            }
            last_ink = i;
            filled += 1;
        } else if let Some(s) = start {
            if i - last_ink > BRIDGE {
                close(s, last_ink + 1, filled, out);
                start = None;
            }
        }
    }
    if let Some(s) = start {
        close(s, last_ink + 1, filled, out);
    }
}

struct Group {
    last: usize,
    /// Extent of its runs on line `last`: a slightly tilted line goes on from where it was.
    last_from: usize,
    last_to: usize,
    /// Extent of its runs on the line before `last`, which later runs on
    /// line `last` are matched against: the edge of a line (blurred by
    /// turning the page) breaks into pieces at each crossing ruling, and
    /// each piece belongs to the line its neighbour is part of.
    before: Option<(usize, usize)>,
    /// Sum of line index × run length, and of run lengths (ink pixels).
    weighted: f64,
    ink: f64,
    from: usize,
    to: usize,
}

/// Ruling lines of one direction; `min_len` is the shortest run that is a line.
fn find(mask: &Mask, horizontal: bool, min_len: usize, dpi: f32) -> Vec<Rule> {
    let (lines, len) = if horizontal { (mask.height, mask.width) } else { (mask.width, mask.height) };
    let mut open: Vec<Group> = Vec::new();
    let mut done: Vec<Group> = Vec::new();
    let mut found = Vec::new();
    let reach = BRIDGE * 3;
    for line in 0..lines {
        found.clear();
        if horizontal {
            runs(len, |i| mask.get(i, line), min_len, &mut found);
        } else {
            runs(len, |i| mask.get(line, i), min_len, &mut found);
        }
        for &(from, to) in &found {
            let joined = open.iter_mut().find(|g| {
                let extent = if line > g.last { Some((g.last_from, g.last_to)) } else { g.before };
                extent.is_some_and(|(f, t)| from < t + reach && f < to + reach)
            });
            let length = (to - from) as f64;
            match joined {
                Some(g) => {
                    if line > g.last {
                        g.before = Some((g.last_from, g.last_to));
                        (g.last_from, g.last_to) = (from, to);
                    } else {
                        (g.last_from, g.last_to) = (g.last_from.min(from), g.last_to.max(to));
                    }
                    g.last = line;
                    g.weighted += line as f64 * length;
                    g.ink += length;
                    g.from = g.from.min(from);
                    g.to = g.to.max(to);
                }
                None => open.push(Group {
                    last: line,
                    last_from: from,
                    last_to: to,
                    before: None,
                    weighted: line as f64 * length,
                    ink: length,
                    from,
                    to,
                }),
            }
        }
        let (still, closed): (Vec<Group>, Vec<Group>) =
            open.into_iter().partition(|g| line as f32 - (g.last as f32) <= THICKNESS / 2.0);
        open = still;
        done.extend(closed);
    }
    done.extend(open);
    // Thickness as ink per unit of length, so that a line still a little
    // tilted (spread over more pixel rows) is not taken for a filled area.
    let max_thickness = MAX_THICKNESS_PER_100DPI * dpi / 100.0 + 2.0;
    let mut rules: Vec<Rule> = done
        .into_iter()
        .filter(|g| g.ink / ((g.to - g.from).max(1) as f64) < f64::from(max_thickness))
        .map(|g| Rule { horizontal, pos: (g.weighted / g.ink.max(1.0)) as f32, from: g.from, to: g.to })
        .collect();
    // Pieces beside a longer line and within its extent (its edge broken at
    // each crossing ruling, on the line's first pixel row) are part of it.
    rules.sort_by_key(|r| std::cmp::Reverse(r.to - r.from));
    let mut kept: Vec<Rule> = Vec::with_capacity(rules.len());
    for r in rules {
        let inside = |k: &Rule| (k.pos - r.pos).abs() <= THICKNESS && r.from + reach >= k.from && r.to <= k.to + reach;
        if !kept.iter().any(inside) {
            kept.push(r);
        }
    }
    kept.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    kept
}

/// Horizontal and vertical rulings of a page scanned at `dpi`.
pub fn rulings(mask: &Mask, dpi: f32) -> Vec<Rule> {
    // Longer than a letter stroke or an underline of a short word.
    let horizontal_min = (dpi * 0.5) as usize;
    let vertical_min = (dpi * 0.22) as usize;
    let mut rules = find(mask, true, horizontal_min.max(8), dpi);
    rules.extend(find(mask, false, vertical_min.max(6), dpi));
    rules
}

/// Share of the page's height within which a streak reaches each edge: inside
/// the margins, where no table of a printed page runs.
const STREAK_EDGE: f32 = 0.03;
/// Share of the page's height a streak's pieces cover together (binarisation
/// keeps little of a pale one).
const STREAK_COVER: f32 = 0.25;

/// Vertical rulings that are pieces of a copier's or scanner's streak: a line
/// along the whole sheet in the scanner's own axis (the page before it was
/// levelled by `skew` degrees), from the top margin to the bottom one and out
/// of every table. Binarisation breaks such a line into pieces, and each piece
/// that meets two row lines would split a column of the table it crosses.
pub fn streaks(rules: &[Rule], width: usize, height: usize, skew: f32) -> Vec<bool> {
    let (sin, cos) = skew.to_radians().sin_cos();
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    // Where a point of the levelled page was on the page as scanned ([`super::cleanup::rotate`]).
    let scanned_x = |x: f32, y: f32| if skew.abs() < 0.02 { x } else { cx + (x - cx) * cos - (y - cy) * sin };
    let vertical: Vec<(usize, f32)> = rules
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.horizontal)
        .map(|(i, r)| (i, scanned_x(r.pos, (r.from + r.to) as f32 / 2.0)))
        .collect();
    let height_f = height as f32;
    let mut streak = vec![false; rules.len()];
    for &(_, x) in &vertical {
        let line: Vec<&Rule> =
            vertical.iter().filter(|(_, at)| (at - x).abs() <= THICKNESS).map(|&(i, _)| &rules[i]).collect();
        let covered: usize = line.iter().map(|r| r.to - r.from).sum();
        let top = line.iter().map(|r| r.from).min().unwrap_or(height) as f32;
        let bottom = line.iter().map(|r| r.to).max().unwrap_or(0) as f32;
        let edges = top <= height_f * STREAK_EDGE && bottom >= height_f * (1.0 - STREAK_EDGE);
        // A piece running on above or below every row line that reaches it goes out
        // of any table (a table cropped to the image's edges has row lines there too).
        let outside = line.iter().any(|piece| {
            let rows = rules.iter().filter(|h| {
                h.horizontal && (h.from as f32) <= piece.pos + THICKNESS && piece.pos <= h.to as f32 + THICKNESS
            });
            let (first, last) = rows.fold((f32::MAX, f32::MIN), |(first, last), h| (first.min(h.pos), last.max(h.pos)));
            (piece.from as f32) < first - 2.0 * THICKNESS || piece.to as f32 > last + 2.0 * THICKNESS
        });
        if edges && outside && covered as f32 >= height_f * STREAK_COVER {
            for &(i, at) in &vertical {
                if (at - x).abs() <= THICKNESS {
                    streak[i] = true;
                }
            }
        }
    }
    streak
}

/// The rulings that may border cells: those [`streaks`] did not flag.
pub fn cell_borders(rules: &[Rule], streak: &[bool]) -> Vec<Rule> {
    rules.iter().zip(streak).filter(|(_, s)| !**s).map(|(r, _)| *r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::paged::ocr::cleanup::{binarize, tests::ruled_page};

    #[test]
    fn grid_lines_are_found_and_text_strokes_are_not() {
        let mut page = ruled_page(600, 400, 0.0);
        // A "letter": short thick strokes inside a cell.
        for y in 100..115 {
            for x in 100..104 {
                page.set(x, y, 0);
            }
        }
        let rules = rulings(&binarize(&page, 100.0), 100.0);
        let horizontal: Vec<&Rule> = rules.iter().filter(|r| r.horizontal).collect();
        let vertical: Vec<&Rule> = rules.iter().filter(|r| !r.horizontal).collect();
        assert_eq!(horizontal.len(), 8, "{horizontal:?}");
        assert_eq!(vertical.len(), 3, "{vertical:?}");
        assert!((horizontal[0].pos - 41.0).abs() <= 1.0);
        assert!(horizontal[0].from <= 31 && horizontal[0].to >= 569);
        assert!((vertical[1].pos - 301.0).abs() <= 1.0);
    }

    /// A vertical line whose edge column breaks into pieces between the
    /// horizontal lines crossing it (a turned page's blurred edge) is one line.
    #[test]
    fn pieces_of_a_line_edge_are_one_line() {
        let (w, h) = (60, 300);
        let mut data = vec![false; w * h];
        for y in 10..290 {
            data[y * w + 31] = true;
            data[y * w + 32] = true;
            // The edge columns, broken every 60 pixels.
            if y % 60 > 4 {
                data[y * w + 30] = true;
                data[y * w + 33] = true;
            }
        }
        let rules = rulings(&Mask { width: w, height: h, data }, 100.0);
        assert_eq!(rules.len(), 1, "{rules:?}");
        assert_eq!((rules[0].from, rules[0].to), (10, 290));
    }

    /// A copier's streak down the whole sheet, broken into pieces, two of which
    /// run between row lines, is no ruling; the table's own borders are.
    #[test]
    fn a_streak_down_the_sheet_is_no_ruling() {
        let page = ruled_page(600, 400, 0.0);
        let mut rules = rulings(&binarize(&page, 100.0), 100.0);
        let table = rules.len();
        for (from, to) in [(0, 35), (80, 120), (160, 240), (290, 330), (370, 400)] {
            rules.push(Rule { horizontal: false, pos: 200.0, from, to });
        }
        let streak = streaks(&rules, 600, 400, 0.0);
        assert!(streak[..table].iter().all(|s| !s), "{rules:?}");
        assert!(streak[table..].iter().all(|s| *s));
        // The same line on an image cropped to the table (row lines at its edges) is a ruling.
        let mut edge_rows = rules.clone();
        edge_rows.push(Rule { horizontal: true, pos: 0.0, from: 0, to: 600 });
        edge_rows.push(Rule { horizontal: true, pos: 399.0, from: 0, to: 600 });
        assert!(streaks(&edge_rows, 600, 400, 0.0).iter().all(|s| !s));
    }

    #[test]
    fn broken_line_is_bridged() {
        let mut data = vec![false; 200 * 10];
        for x in (0..200).filter(|x| x % 40 != 0) {
            data[5 * 200 + x] = true;
        }
        let rules = rulings(&Mask { width: 200, height: 10, data }, 100.0);
        assert_eq!(rules.len(), 1);
        assert_eq!((rules[0].from, rules[0].to), (1, 200));
    }
}
