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
