//! A drawing of a PDF page region from the boxes read (`criteria[].cells[].bbox`,
//! points from the page's top-left corner): one box per cell labelled with the
//! value read, the cells a finding rests on highlighted. No renderer: the
//! reader recognises the place by the table's shape and values.

use std::fmt::Write;

use super::Focus;
use crate::human::labels::code_label;
use crate::model::CellField;
use crate::number::format_vi;
use crate::report::DocumentReport;

/// Fields drawn for context: everything but the evidence column's long text
/// (the last field).
pub const DRAWN: &[CellField] = CellField::ALL.split_at(CellField::ALL.len() - 1).0;

/// The value read into a cell, as the table shows it.
fn value(d: &DocumentReport, row: usize, field: CellField) -> String {
    let c = &d.criteria[row];
    let number = |v: Option<rust_decimal::Decimal>| v.map(format_vi).unwrap_or_default();
    match field {
        CellField::Code => code_label(&c.code).to_owned(),
        CellField::Title => c.title.clone(),
        CellField::MaxPoints => number(c.max_points),
        CellField::SelfScore => number(c.self_score),
        CellField::AppraisalScore => number(c.appraisal_score),
        CellField::LostPoints => number(c.lost_points),
        CellField::Evidence => String::new(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Hundredths of a point as points, one decimal at most.
fn pt(v: i64) -> String {
    let tenths = (v as f64 / 10.0).round() as i64;
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }
}

/// The drawing of `cells` that have a box on `page`, `marked` ones
/// highlighted; `None` when none has.
pub fn draw(
    d: &DocumentReport,
    page: u32,
    cells: &[(usize, CellField)],
    marked: &[(usize, CellField)],
) -> Option<String> {
    let boxes: Vec<(usize, CellField, [i64; 4])> = cells
        .iter()
        .filter_map(|&(row, field)| {
            let at = d.criteria[row].cells.get(field)?;
            (at.page == Some(page)).then_some((row, field, at.bbox?))
        })
        .collect();
    let margin = 400;
    let x0 = boxes.iter().map(|b| b.2[0]).min()? - margin;
    let y0 = boxes.iter().map(|b| b.2[1]).min()? - margin;
    let x1 = boxes.iter().map(|b| b.2[2]).max()? + margin;
    let y1 = boxes.iter().map(|b| b.2[3]).max()? + margin;
    let mut out = format!(
        "<svg class=\"region\" viewBox=\"{} {} {} {}\" width=\"{}\" \
         font-family=\"sans-serif\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\"/>",
        pt(x0),
        pt(y0),
        pt(x1 - x0),
        pt(y1 - y0),
        pt((x1 - x0) * 2),
        pt(x0),
        pt(y0),
        pt(x1 - x0),
        pt(y1 - y0)
    );
    for (row, field, [bx0, by0, bx1, by1]) in &boxes {
        let hot = marked.contains(&(*row, *field));
        let (fill, stroke) = if hot { ("#fdd", "#c22") } else { ("none", "#999") };
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{}\"/>",
            pt(*bx0),
            pt(*by0),
            pt(bx1 - bx0),
            pt(by1 - by0),
            if hot { "1.2" } else { ".4" }
        );
        let text = value(d, *row, *field);
        let (width, height) = ((bx1 - bx0) as f64 / 100.0, (by1 - by0) as f64 / 100.0);
        let size = (height * 0.6).clamp(3.0, 7.0);
        let room = ((width - 2.0) / (size * 0.55)).floor().max(0.0) as usize;
        if text.is_empty() || room == 0 {
            continue;
        }
        let shown: String = if text.chars().count() > room {
            text.chars().take(room.saturating_sub(1)).chain(['…']).collect()
        } else {
            text
        };
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{:.1}\"{}>{}</text>",
            pt(bx0 + 150),
            pt(by0 + ((height / 2.0 + size * 0.35) * 100.0) as i64),
            size,
            if hot { " fill=\"#a00\" font-weight=\"bold\"" } else { "" },
            escape(&shown)
        );
    }
    out.push_str("</svg>");
    Some(out)
}

/// The page a focus is drawn on: that of its first highlighted cell with a box.
pub fn focus_page(d: &DocumentReport, focus: &Focus) -> Option<u32> {
    focus.cells(d).find(|(_, _, at)| at.bbox.is_some()).and_then(|(_, _, at)| at.page)
}

/// A finding's region: its rows with the rows just above and below for
/// context, every value drawn, its cells highlighted.
pub fn region(d: &DocumentReport, focus: &Focus) -> Option<String> {
    let page = focus_page(d, focus)?;
    let mut rows: Vec<usize> =
        focus.rows.iter().flat_map(|&r| [r.saturating_sub(1), r, r + 1]).filter(|&r| r < d.criteria.len()).collect();
    rows.sort_unstable();
    rows.dedup();
    let cells: Vec<(usize, CellField)> = rows.iter().flat_map(|&r| DRAWN.iter().map(move |&f| (r, f))).collect();
    let marked: Vec<(usize, CellField)> = focus.cells(d).map(|(r, f, _)| (r, f)).collect();
    draw(d, page, &cells, &marked)
}

/// A whole page as a file of its own: every criterion cell read on it,
/// those findings rest on highlighted. (Inside the HTML report a drawing
/// needs no namespace, and the page names no address.)
pub fn page(d: &DocumentReport, page: u32, marked: &[(usize, CellField)]) -> Option<String> {
    let cells: Vec<(usize, CellField)> =
        (0..d.criteria.len()).flat_map(|r| DRAWN.iter().map(move |&f| (r, f))).collect();
    let drawing = draw(d, page, &cells, marked)?;
    Some(drawing.replacen("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 1))
}

#[cfg(test)]
mod tests {
    use super::super::focus;
    use super::super::tests::{document, finding};
    use super::*;
    use crate::model::{Column, FindingKind};

    #[test]
    fn a_region_draws_the_rows_with_the_findings_cells_highlighted() {
        let d = document();
        let f = focus(&d, &finding(FindingKind::ExceedsMax, "1.2", Some(Column::SelfScore))).expect("focus");
        let svg = region(&d, &f).expect("drawn");
        // Row 1.2 and the row above it for context, the page's top-left origin kept.
        assert!(svg.starts_with("<svg class=\"region\" viewBox=\"46 116 358 48\""));
        assert_eq!(svg.matches("stroke=\"#c22\"").count(), 2, "the maximum and the score: {svg}");
        assert!(svg.contains(">1.2</text>") && svg.contains(">1.1</text>") && !svg.contains(">1</text>"));
        assert!(svg.contains("font-weight=\"bold\">3</text>"));
        // Long titles are cut to their box.
        assert!(svg.contains(">Tiêu chí 1.2</text>"));
        let narrow = draw(&d, 2, &[(0, CellField::Code)], &[]).expect("drawn");
        assert!(narrow.contains(">1</text>") && !narrow.contains("#c22"));
        assert!(
            region(&document(), &super::super::Focus { rows: vec![0], fields: vec![CellField::Evidence] }).is_none()
        );
        assert_eq!(page(&d, 3, &[]), None, "nothing read on page 3");
        assert_eq!(escape("a<b&\""), "a&lt;b&amp;&quot;");
    }
}
