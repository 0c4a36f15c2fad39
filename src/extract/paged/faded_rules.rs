//! Column rules a scan lost, or a stroke it added, on one page of a ruled
//! table that runs across pages.
//!
//! A photocopier's streak, a fax's dropped line or faint toner can wipe one
//! vertical rule off one page: the lattice then joins two columns on that page
//! alone, its header names no score column and the table breaks there. A
//! scanned page whose table goes on from the page before (or onto the page
//! after), with as wide a frame and a strict subset of that page's column
//! rules, gets the missing rules back over its table's height. The other way
//! round, a short upright stroke in one row (a tick, a seal's edge, the
//! bracket of a signature) makes a column edge of its own; where the
//! neighbouring page has no rule there, it is wiped, and the two pages read as
//! one table. The neighbour may sit a few points left or right (the sheet lay
//! differently on the glass). Text PDFs draw their rules exactly and are left
//! as they are.

use super::lattice::{self, PageTable};
use super::page::{PageLayout, Segment};

/// Edges closer than this (points), once the frames are aligned, are the same rule.
const EDGE_TOLERANCE: f32 = 3.0;
/// Share of the page height at the top and bottom where running text and page numbers live.
const MARGIN_BAND: f32 = 0.1;
/// Share of its table's height a column rule runs; less is a stroke in a few rows.
const FULL_RULE: f32 = 0.5;

/// A scanned page's ruled tables, their rules that run most of their height,
/// and the glyphs outside them.
struct Found {
    tables: Vec<(PageTable, Vec<f32>)>,
    outside: Vec<usize>,
}

/// Draws back, on each scanned page, the column rules its neighbour shows
/// for the same table and it lost, and wipes the short strokes it shows and
/// its neighbour does not.
pub fn restore(pages: &mut [PageLayout]) {
    let found: Vec<Option<Found>> = pages
        .iter()
        .map(|page| {
            page.pixels_per_point.map(|_| {
                let (tables, outside) = lattice::find_tables(&page.rulings, &page.glyphs);
                let vertical = lattice::join_segments(page.rulings.iter().filter(|s| !s.horizontal).copied().collect());
                let tables = tables
                    .into_iter()
                    .map(|table| {
                        let rules = full_rules(&table, &vertical);
                        (table, rules)
                    })
                    .collect();
                Found { tables, outside }
            })
        })
        .collect();
    for i in 1..pages.len() {
        let (Some(before), Some(after)) = (&found[i - 1], &found[i]) else { continue };
        let (Some((last, last_rules)), Some((first, first_rules))) = (before.tables.last(), after.tables.first())
        else {
            continue;
        };
        let runs_on = ends_page(&pages[i - 1], last, &before.outside) && starts_page(&pages[i], first, &after.outside);
        if !runs_on {
            continue;
        }
        if let Some(missing) = missing_edges(first_rules, last_rules) {
            draw(&mut pages[i], first, &missing);
        } else if let Some(missing) = missing_edges(last_rules, first_rules) {
            draw(&mut pages[i - 1], last, &missing);
        }
        wipe_strokes(&mut pages[i], first, first_rules, &last.columns);
        wipe_strokes(&mut pages[i - 1], last, last_rules, &first.columns);
    }
}

/// The table's column edges whose rules run most of its height.
fn full_rules(table: &PageTable, vertical: &[Segment]) -> Vec<f32> {
    let height = table.bottom - table.top;
    let run = |x: f32| -> f32 {
        vertical
            .iter()
            .filter(|s| (s.pos - x).abs() <= EDGE_TOLERANCE)
            .map(|s| (s.to.min(table.bottom) - s.from.max(table.top)).max(0.0))
            .sum()
    };
    table.columns.iter().copied().filter(|x| run(*x) >= height * FULL_RULE).collect()
}

/// No text between the table and the page's bottom margin.
fn ends_page(page: &PageLayout, table: &PageTable, outside: &[usize]) -> bool {
    let footer = page.height * (1.0 - MARGIN_BAND);
    !outside.iter().filter_map(|i| page.glyphs.get(*i)).any(|g| g.y - g.size > table.bottom && g.y < footer)
}

/// No text between the page's top margin and the table.
fn starts_page(page: &PageLayout, table: &PageTable, outside: &[usize]) -> bool {
    let header = page.height * MARGIN_BAND;
    !outside.iter().filter_map(|i| page.glyphs.get(*i)).any(|g| g.y < table.top && g.y - g.size > header)
}

/// The reference's rules moved onto the frame of `rules` (same outer rules, a
/// few points over at most), or None when the frames differ.
fn aligned(rules: &[f32], reference: &[f32]) -> Option<Vec<f32>> {
    let (&left, &right) = (rules.first()?, rules.last()?);
    let (&ref_left, &ref_right) = (reference.first()?, reference.last()?);
    let same_width = ((right - left) - (ref_right - ref_left)).abs() <= EDGE_TOLERANCE;
    (rules.len() >= 2 && same_width).then(|| reference.iter().map(|x| x - ref_left + left).collect())
}

fn near(x: f32, among: &[f32]) -> bool {
    among.iter().any(|y| (x - y).abs() <= EDGE_TOLERANCE)
}

/// The reference's rules that `rules` lacks, where `rules` has the same frame
/// and only rules the reference has.
fn missing_edges(rules: &[f32], reference: &[f32]) -> Option<Vec<f32>> {
    let moved = aligned(rules, reference).filter(|_| rules.len() < reference.len())?;
    rules.iter().all(|x| near(*x, &moved)).then(|| moved.into_iter().filter(|x| !near(*x, rules)).collect())
}

fn draw(page: &mut PageLayout, table: &PageTable, missing: &[f32]) {
    page.rulings.extend(missing.iter().map(|&pos| Segment {
        horizontal: false,
        pos,
        from: table.top,
        to: table.bottom,
    }));
}

/// Wipes the table's column edges that are no full rule of its own and no
/// edge of the neighbour's table either.
fn wipe_strokes(page: &mut PageLayout, table: &PageTable, rules: &[f32], neighbour: &[f32]) {
    let Some(moved) = aligned(rules, neighbour) else { return };
    let strokes: Vec<f32> = table.columns.iter().copied().filter(|x| !near(*x, rules) && !near(*x, &moved)).collect();
    let inside = |s: &Segment| s.from >= table.top - EDGE_TOLERANCE && s.to <= table.bottom + EDGE_TOLERANCE;
    page.rulings.retain(|s| s.horizontal || !near(s.pos, &strokes) || !inside(s));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::paged::layout::tests::glyphs;

    /// A scanned page with one ruled table of four rows between `top` and `bottom`.
    fn page(number: u32, columns: &[f32], top: f32, bottom: f32) -> PageLayout {
        let mut page = PageLayout::new(number, 595.0, 842.0);
        page.pixels_per_point = Some((2.0, 2.0));
        let step = (bottom - top) / 4.0;
        let (left, right) = (columns[0], columns[columns.len() - 1]);
        for row in 0..=4 {
            let y = top + step * row as f32;
            page.rulings.push(Segment { horizontal: true, pos: y, from: left, to: right });
        }
        for &x in columns {
            page.rulings.push(Segment { horizontal: false, pos: x, from: top, to: bottom });
        }
        page
    }

    fn columns(page: &PageLayout) -> Vec<f32> {
        lattice::find_tables(&page.rulings, &page.glyphs).0[0].columns.clone()
    }

    const FIVE: [f32; 6] = [60.0, 100.0, 375.0, 428.0, 480.0, 530.0];

    #[test]
    fn a_rule_lost_on_a_continued_page_comes_back() {
        let faded = [60.0, 100.0, 375.0, 428.0, 530.0];
        let mut pages = vec![page(1, &FIVE, 300.0, 800.0), page(2, &faded, 60.0, 700.0)];
        restore(&mut pages);
        assert_eq!(columns(&pages[1]), FIVE);
        // The first page of the table, its rule lost, takes it from the page after.
        let mut pages = vec![page(1, &faded, 300.0, 800.0), page(2, &FIVE, 60.0, 700.0)];
        restore(&mut pages);
        assert_eq!(columns(&pages[0]), FIVE);
    }

    #[test]
    fn a_neighbour_a_few_points_over_lends_its_rules_where_they_fall_here() {
        let shifted: Vec<f32> = FIVE.iter().map(|x| x + 8.0).collect();
        let faded = [60.0, 100.0, 428.0, 480.0, 530.0];
        let mut pages = vec![page(1, &shifted, 300.0, 800.0), page(2, &faded, 60.0, 700.0)];
        restore(&mut pages);
        assert_eq!(columns(&pages[1]), FIVE);
    }

    #[test]
    fn a_stroke_in_one_row_the_next_page_lacks_is_no_column() {
        let mut stroked = page(2, &FIVE, 60.0, 700.0);
        stroked.rulings.push(Segment { horizontal: false, pos: 500.0, from: 220.0, to: 380.0 });
        assert_eq!(columns(&stroked).len(), FIVE.len() + 1);
        let mut pages = vec![page(1, &FIVE, 300.0, 800.0), stroked];
        restore(&mut pages);
        assert_eq!(columns(&pages[1]), FIVE);
        // A stroke the neighbour shows too is a rule of the table's.
        let mut pages = vec![pages[1].clone(), pages[1].clone()];
        pages[0].rulings.push(Segment { horizontal: false, pos: 500.0, from: 220.0, to: 380.0 });
        pages[1].rulings.push(Segment { horizontal: false, pos: 500.0, from: 220.0, to: 380.0 });
        restore(&mut pages);
        assert_eq!(columns(&pages[1]).len(), FIVE.len() + 1);
    }

    #[test]
    fn other_tables_and_text_pages_keep_their_columns() {
        let fewer = [60.0, 100.0, 375.0, 530.0];
        // Text between the tables: the next page's table is another one.
        let mut pages = vec![page(1, &FIVE, 300.0, 600.0), page(2, &fewer, 60.0, 700.0)];
        pages[0].glyphs.extend(glyphs("Bảng 2. Tổng hợp", 60.0, 650.0, 10.0));
        restore(&mut pages);
        assert_eq!(columns(&pages[1]), fewer);
        // A narrower frame is another table too.
        let mut pages = vec![page(1, &FIVE, 300.0, 800.0), page(2, &[60.0, 100.0, 375.0, 500.0], 60.0, 700.0)];
        restore(&mut pages);
        assert_eq!(columns(&pages[1]), [60.0, 100.0, 375.0, 500.0]);
        // Text pages draw their rules exactly.
        let mut pages = vec![page(1, &FIVE, 300.0, 800.0), page(2, &fewer, 60.0, 700.0)];
        pages.iter_mut().for_each(|p| p.pixels_per_point = None);
        restore(&mut pages);
        assert_eq!(columns(&pages[1]), fewer);
    }
}
