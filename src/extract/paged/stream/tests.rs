use std::rc::Rc;

use super::*;
use crate::model::Column;

/// One word, as OCR gives them, at `x` on the line of baseline `y`.
fn word(x: f32, y: f32, text: &str) -> Glyph {
    Glyph::new(x, y, 6.0 * text.chars().count() as f32, 8.0, text, Rc::from("F"))
}

/// Code, title, maximum, self score and evidence columns.
fn model() -> ColumnModel {
    let roles =
        vec![Role::Code, Role::Title, Role::Score(Column::MaxPoints), Role::Score(Column::SelfScore), Role::Evidence];
    let edges = vec![40.0, 300.0, 350.0, 400.0];
    ColumnModel { roles, edges, rights: vec![0.0; 5], centres: vec![20.0, 170.0, 325.0, 375.0, 500.0] }
}

#[test]
fn a_page_may_open_on_the_title_printed_above_its_code_and_scores() {
    // 1.5's title and evidence line above its code and scores (a code at the
    // middle of a tall row), then 1.6 on one line.
    let title_first = |title_y: f32| {
        vec![
            word(50.0, title_y, "Có"),
            word(70.0, title_y, "sáng"),
            word(100.0, title_y, "kiến"),
            word(420.0, title_y, "CV"),
            word(440.0, title_y, "2399"),
            word(310.0, 110.0, "2"),
            word(360.0, 110.0, "2"),
            word(10.0, 112.0, "1.5"),
            word(10.0, 130.0, "1.6"),
            word(50.0, 130.0, "Thực"),
            word(310.0, 130.0, "1"),
            word(360.0, 130.0, "1"),
        ]
    };
    let glyphs = title_first(100.0);
    let refs: Vec<&Glyph> = glyphs.iter().collect();
    let (table, left) = continue_table(&refs, &model(), |_, _| false).expect("the page continues the table");
    assert_eq!(table.rows.len(), 3);
    assert!(left.is_empty());
    // Prose above a table's rows is no title of a row: it has no row of its own below.
    let prose: Vec<Glyph> =
        ["Báo", "cáo", "kết", "quả"].iter().enumerate().map(|(i, w)| word(50.0 + 30.0 * i as f32, 100.0, w)).collect();
    let refs: Vec<&Glyph> = prose.iter().collect();
    assert!(continue_table(&refs, &model(), |_, _| false).is_none());
}
