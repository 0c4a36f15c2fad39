//! From a finding to the cells it rests on, as the reader can find them: the
//! criteria rows involved with the cells highlighted ([`focus`]), each cell's
//! place in the reader's own program ([`place`]), a drawing of the page region
//! from the boxes read on a PDF page ([`svg`]), and a crop of a scan's page
//! image around those cells ([`crops`]). Built for findings only: a thousand
//! documents' report stays small.

pub mod crops;
pub mod svg;

use crate::model::{CellField, FindingKind};
use crate::report::{CellRef, DocumentReport, Finding};

/// The cells a finding rests on: the criteria involved (indexes into
/// `criteria`) and, on each, the fields highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    pub rows: Vec<usize>,
    pub fields: Vec<CellField>,
}

impl Focus {
    /// The highlighted cells that were located: (criterion, field, where).
    pub fn cells<'a>(&'a self, d: &'a DocumentReport) -> impl Iterator<Item = (usize, CellField, &'a CellRef)> + 'a {
        self.rows
            .iter()
            .flat_map(move |&row| self.fields.iter().map(move |&field| (row, field)))
            .filter_map(move |(row, field)| Some((row, field, d.criteria[row].cells.get(field)?)))
    }
}

/// The rows and cells of a finding about criteria rows: a sum's parent and
/// its children, otherwise the rows of its code; its column on them (for a
/// lost-points mismatch the three columns it compares, for a score above the
/// maximum the maximum too), or the code cell when it names no column.
/// `None` for findings about no row of the table (the cover letter, prose).
pub fn focus(d: &DocumentReport, f: &Finding) -> Option<Focus> {
    let code = f.code.as_deref()?;
    let mut rows: Vec<usize> = (0..d.criteria.len()).filter(|&i| d.criteria[i].code == code).collect();
    if rows.is_empty() {
        return None;
    }
    if f.kind == FindingKind::SumMismatch {
        rows.extend((0..d.criteria.len()).filter(|&i| d.criteria[i].parent.as_deref() == Some(code)));
    }
    let column = f.column.as_ref().and_then(|c| c.score()).map(CellField::of);
    let fields = match (f.kind, column) {
        (FindingKind::LostPointsMismatch, _) => {
            vec![CellField::MaxPoints, CellField::AppraisalScore, CellField::LostPoints]
        }
        (FindingKind::ExceedsMax, Some(field)) if field != CellField::MaxPoints => vec![CellField::MaxPoints, field],
        (_, Some(field)) => vec![field],
        (_, None) => vec![CellField::Code],
    };
    Some(Focus { rows, fields })
}

/// Where a cell is, in the form the reader's program takes: a sheet cell for
/// Excel's Name Box (`Biểu 01!E45`), a page for a PDF viewer (`trang 3`),
/// Word's table, row and column otherwise.
pub fn place(at: &CellRef) -> String {
    match (&at.cell, at.page) {
        (Some(cell), _) => cell.clone(),
        (None, Some(page)) => format!("trang {page}"),
        (None, None) => format!("bảng {}, dòng {}, cột {}", at.table, at.row, at.column),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Column, Severity};
    use crate::report::{Cells, FindingColumn};

    /// A document of a parent `1` and its children `1.1`, `1.2` on page 2,
    /// rows 20 pt high, scans at 2 pixels per point.
    pub(crate) fn document() -> DocumentReport {
        let text = r#"{"contract":1,"source":{"path":"x.pdf","sha256":"","format":"pdf","bytes":1},
            "status":"ok","error":null,"table_kind":"self_assessment","unit":null,"year":null,
            "columns":["max_points","self_score"],"criteria":[],"totals":{},"findings":[],"tool_version":"t"}"#;
        let mut d: DocumentReport = serde_json::from_str(text).expect("document");
        for (k, (code, parent)) in [("1", None), ("1.1", Some("1")), ("1.2", Some("1"))].into_iter().enumerate() {
            let at = |column: u32, x0: i64, x1: i64| {
                let y0 = 10_000 + 2_000 * k as i64;
                CellRef {
                    table: 1,
                    row: k + 3,
                    column,
                    page: Some(2),
                    cell: None,
                    bbox: Some([x0 * 100, y0, x1 * 100, y0 + 2_000]),
                    pixels: Some([(x0 * 2) as u32, (y0 / 50) as u32, (x1 * 2) as u32, (y0 / 50 + 40) as u32]),
                }
            };
            let criterion = serde_json::json!({"code": code, "parent": parent, "title": format!("Tiêu chí {code}"),
                "max_points": 2, "self_score": 3, "appraisal_score": null, "lost_points": null,
                "location": {"table": 1, "row": k + 3, "page": 2}});
            let mut c: crate::report::Criterion = serde_json::from_value(criterion).expect("criterion");
            c.cells = Cells::from_iter([
                (CellField::Code, at(1, 50, 90)),
                (CellField::Title, at(2, 90, 300)),
                (CellField::MaxPoints, at(3, 300, 350)),
                (CellField::SelfScore, at(4, 350, 400)),
            ]);
            d.criteria.push(c);
        }
        d
    }

    pub(crate) fn finding(kind: FindingKind, code: &str, column: Option<Column>) -> Finding {
        Finding {
            kind,
            code: Some(code.into()),
            column: column.map(FindingColumn::Score),
            label: None,
            stated: None,
            recalculated: None,
            expected: None,
            severity: Severity::Error,
            message: String::new(),
            location: None,
            sentence: None,
            uncertain: false,
            read: None,
            citation: None,
            deadline: None,
        }
    }

    #[test]
    fn a_sum_rests_on_its_parent_and_children_a_bound_on_the_maximum_too() {
        let d = document();
        let sum = focus(&d, &finding(FindingKind::SumMismatch, "1", Some(Column::SelfScore))).expect("focus");
        assert_eq!(sum, Focus { rows: vec![0, 1, 2], fields: vec![CellField::SelfScore] });
        assert_eq!(sum.cells(&d).count(), 3);
        let over = focus(&d, &finding(FindingKind::ExceedsMax, "1.2", Some(Column::SelfScore))).expect("focus");
        assert_eq!(over, Focus { rows: vec![2], fields: vec![CellField::MaxPoints, CellField::SelfScore] });
        let lost = focus(&d, &finding(FindingKind::LostPointsMismatch, "1.1", None)).expect("focus");
        assert_eq!(lost.fields.len(), 3);
        assert_eq!(lost.cells(&d).count(), 1, "only the maximum was located");
        assert!(focus(&d, &finding(FindingKind::MissingCriterion, "9", None)).is_none());
    }

    #[test]
    fn places_are_what_the_readers_program_takes() {
        let at = CellRef { table: 2, row: 5, column: 3, page: None, cell: None, bbox: None, pixels: None };
        assert_eq!(place(&at), "bảng 2, dòng 5, cột 3");
        assert_eq!(place(&CellRef { page: Some(4), ..at.clone() }), "trang 4");
        assert_eq!(place(&CellRef { cell: Some("Biểu 01!E45".into()), ..at }), "Biểu 01!E45");
    }
}
