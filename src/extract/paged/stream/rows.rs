//! Rows of an unruled table: the lines of each column grouped into cells by
//! the table's own line pitch, and cells that overlap vertically into rows.

use super::Phrase;
use crate::text::vocabulary::Role;

/// Baseline pitches within this factor of a cell's line pitch are lines of one cell.
const SAME_CELL_PITCH: f32 = 1.25;
/// Line pitch (in font sizes) assumed when the table shows no wrapped cell to measure.
const DEFAULT_CELL_PITCH: f32 = 1.16;
/// The largest line pitch (in font sizes) taken for the pitch of wrapped lines.
const MAX_LINE_PITCH: f32 = 1.35;

/// One cell's text on one line, placed in columns `a..=b`.
pub(super) struct Item<'a> {
    pub(super) a: usize,
    pub(super) b: usize,
    pub(super) phrase: Phrase<'a>,
    pub(super) top: f32,
    pub(super) baseline: f32,
    pub(super) size: f32,
    /// The text is a criteria code (in the code column), or the line starts
    /// with one (tables without a code column).
    pub(super) leading_code: bool,
}

/// A cell's lines stacked in one column, or one phrase spanning columns.
struct Block {
    items: Vec<usize>,
    top: f32,
    bottom: f32,
    is_code: bool,
    /// A line of it starts with a criteria code: a second such line is the next row.
    holds_code: bool,
}

/// Pitches within this factor of the smallest are one pitch, measured with a scan's baseline noise.
const PITCH_NOISE: f32 = 1.2;

/// The baseline pitch of wrapped cell lines: the smallest pitch between
/// consecutive lines of one column, when it is one a line of text can have
/// (a table without wrapped cells only shows the pitch of its rows). On a
/// scan each baseline is off by a pixel or two, and the smallest of many
/// pitches is the one measured shortest: the pitch is the median of those
/// close to the smallest (on a text PDF, all of them equal).
fn cell_pitch(items: &[Item], width: usize, size: f32) -> Option<f32> {
    let mut pitches = Vec::new();
    for col in 0..width {
        let baselines: Vec<f32> = items.iter().filter(|i| i.a == col && i.b == col).map(|i| i.baseline).collect();
        pitches.extend(baselines.windows(2).map(|pair| pair[1] - pair[0]).filter(|&pitch| pitch > 0.5 * size));
    }
    pitches.retain(|&pitch| pitch <= MAX_LINE_PITCH * size);
    pitches.sort_by(f32::total_cmp);
    let least = *pitches.first()?;
    let close: Vec<f32> = pitches.into_iter().take_while(|&p| p <= least * PITCH_NOISE).collect();
    Some(close[close.len() / 2])
}

/// Groups placed items into rows: a column's lines closer than a cell's line
/// pitch are one cell; cells whose lines overlap vertically are one row
/// (vertically centred codes and scores sit inside the row's tallest cell);
/// a group holding two code cells is two rows.
pub(super) fn group_rows(items: &[Item], roles: &[Role]) -> Vec<Vec<usize>> {
    let has_code_column = roles.contains(&Role::Code);
    // The size of most lines: a scan's word boxes (and a speck read as a
    // tall word) make a few lines far taller than the text.
    let mut sizes: Vec<f32> = items.iter().map(|i| i.size).collect();
    sizes.sort_by(f32::total_cmp);
    let size = sizes.get(sizes.len() / 2).copied().unwrap_or(1.0).max(1.0);
    let threshold = cell_pitch(items, roles.len(), size).unwrap_or(DEFAULT_CELL_PITCH * size) * SAME_CELL_PITCH;
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Vec<Option<usize>> = vec![None; roles.len()];
    for (index, item) in items.iter().enumerate() {
        let is_code = if has_code_column { roles[item.a] == Role::Code } else { item.leading_code };
        // A score cell holds one number: a score column's lines never wrap into one cell.
        let continues = (item.a == item.b && !matches!(roles[item.a], Role::Score(_)))
            .then(|| open[item.a])
            .flatten()
            .filter(|&b| item.baseline - blocks[b].bottom <= threshold && !(blocks[b].holds_code && item.leading_code));
        match continues {
            Some(b) => {
                blocks[b].items.push(index);
                blocks[b].bottom = item.baseline;
                blocks[b].holds_code |= item.leading_code;
            }
            None => {
                let holds_code = item.leading_code;
                blocks.push(Block { items: vec![index], top: item.top, bottom: item.baseline, is_code, holds_code });
                let single = (item.a == item.b).then_some(blocks.len() - 1);
                open[item.a..=item.b].fill(single);
            }
        }
    }
    blocks.sort_by(|x, y| x.top.total_cmp(&y.top));
    // Overlapping blocks, swept top to bottom.
    let mut groups: Vec<(f32, Vec<Block>)> = Vec::new();
    for block in blocks {
        match groups.last_mut() {
            Some((bottom, group)) if block.top < *bottom => {
                *bottom = bottom.max(block.bottom);
                group.push(block);
            }
            _ => groups.push((block.bottom, vec![block])),
        }
    }
    let mut rows = Vec::new();
    for (_, group) in groups {
        let code_tops: Vec<f32> = group.iter().filter(|b| b.is_code).map(|b| b.top).collect();
        if code_tops.len() < 2 {
            rows.push(group.into_iter().flat_map(|b| b.items).collect());
            continue;
        }
        let mut split: Vec<Vec<usize>> = vec![Vec::new(); code_tops.len()];
        for block in group {
            let at = code_tops.iter().rposition(|t| *t <= block.top + 0.1).unwrap_or(0);
            split[at].extend(block.items);
        }
        rows.extend(split);
    }
    for row in &mut rows {
        row.sort_unstable();
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Column;

    /// An item of `cols` with its baseline; the text does not matter here.
    fn item(a: usize, b: usize, baseline: f32, leading_code: bool) -> Item<'static> {
        let phrase = Phrase { glyphs: Vec::new(), x0: 0.0, x1: 0.0 };
        Item { a, b, phrase, top: baseline - 8.0, baseline, size: 8.0, leading_code }
    }

    const ROLES: [Role; 5] =
        [Role::Code, Role::Title, Role::Score(Column::MaxPoints), Role::Score(Column::SelfScore), Role::Evidence];

    #[test]
    fn the_line_pitch_of_a_scan_is_not_its_shortest_measured_pitch() {
        // Evidence lines 10.4 pt apart, each baseline read a pixel off; rows 15 pt apart.
        let items = [
            item(4, 4, 100.0, false),
            item(4, 4, 109.6, false),
            item(4, 4, 120.4, false),
            item(4, 4, 130.8, false),
            item(4, 4, 141.6, false),
            item(1, 1, 156.6, false),
        ];
        let pitch = cell_pitch(&items, ROLES.len(), 8.0).expect("wrapped lines");
        assert!((10.2..=10.9).contains(&pitch), "{pitch}");
        // Only a table's rows: no pitch a line of text can have.
        assert_eq!(cell_pitch(&[item(1, 1, 100.0, false), item(1, 1, 115.0, false)], ROLES.len(), 8.0), None);
    }

    #[test]
    fn a_wrapped_title_with_its_code_on_the_second_line_is_one_row() {
        // 1.1.1: one line. 1.1.2: its title wraps, the code and scores sit on
        // the second line (baselines a little off, as read from a scan).
        // 1.1.3: its title wraps the same way, one pitch read 11.6 pt.
        let items = [
            item(0, 0, 100.0, true),
            item(1, 1, 100.0, false),
            item(2, 2, 100.0, false),
            item(1, 1, 115.2, false),
            item(0, 0, 125.9, true),
            item(1, 1, 125.4, false),
            item(2, 2, 125.9, false),
            item(4, 4, 115.0, false),
            item(4, 4, 124.8, false),
            item(4, 4, 135.6, false),
            item(1, 1, 151.0, false),
            item(1, 1, 162.6, false),
            item(0, 0, 162.6, true),
            item(3, 3, 162.6, false),
        ];
        let rows = group_rows(&items, &ROLES);
        assert_eq!(rows, [vec![0, 1, 2], vec![3, 4, 5, 6, 7, 8, 9], vec![10, 11, 12, 13]]);
    }

    #[test]
    fn score_lines_of_two_rows_stay_two_cells() {
        // A bold group row read 12.5 pt above the next row: close to a line pitch.
        let items = [
            item(0, 1, 100.0, true),
            item(2, 2, 100.0, false),
            item(0, 0, 112.5, true),
            item(1, 1, 112.5, false),
            item(2, 2, 112.5, false),
            item(4, 4, 112.5, false),
            item(4, 4, 122.9, false),
        ];
        assert_eq!(group_rows(&items, &ROLES), [vec![0, 1], vec![2, 3, 4, 5, 6]]);
    }
}
