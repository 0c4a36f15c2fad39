//! The criteria tree: parents by code, Roman groups over the sections that
//! follow them, effective values (the chosen-option rule), leaves; the
//! relations its arithmetic holds ([`relations`]) and the scanned values
//! misread that they put right ([`restore`]).

mod relations;
mod restore;

use std::collections::{HashMap, HashSet};

use crate::code::ancestors;
use crate::config::{Deadline, TimeLimit};
use crate::model::{CellField, CellLocations, Column, Evidence, Rubric, Scores};
use crate::table::{rubric, RowKind, ScannedValue, ScoringTable, TableRow};

pub use relations::{bound, relations, Relation, Value};

pub const TOTAL: &str = "TOTAL";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Index of the row in [`ScoringTable::rows`].
    pub row: usize,
    pub code: String,
    pub kind: RowKind,
    /// Nearest ancestor code present in the table; the Roman group above a
    /// top-level section; `None` for Roman rows, TOTAL and parentless sections.
    pub parent: Option<String>,
    /// Values after the chosen-option rule.
    pub values: Scores,
    /// Indices (into [`CriteriaTree::nodes`]) of the numbered children.
    pub children: Vec<usize>,
    /// The rubric printed in the criterion's rows, when it can be read for certain.
    pub rubric: Option<Rubric>,
    /// The lowest OCR confidence of the texts the rubric was read from.
    pub rubric_confidence: Option<u8>,
    /// What the criterion's evidence cells cite.
    pub evidence: Evidence,
    /// Where its code, title, values and evidence were read.
    pub cells: CellLocations,
    /// How OCR read its values, when they were read from a scan.
    pub scanned: Vec<ScannedValue>,
    /// Its row was read from a scan: a value it lacks may be one OCR did not read.
    pub from_scan: bool,
}

impl Node {
    pub fn is_total(&self) -> bool {
        self.kind == RowKind::Total
    }

    /// A criterion without numbered children counts its own value in totals.
    pub fn is_leaf(&self) -> bool {
        !self.is_total() && self.children.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CriteriaTree {
    /// Every numbered row in document order (the TOTAL row included).
    pub nodes: Vec<Node>,
}

impl CriteriaTree {
    pub fn leaves(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.is_leaf())
    }

    pub fn total(&self) -> Option<&Node> {
        self.nodes.iter().find(|n| n.is_total())
    }
}

/// Builds the tree of a table whose rows are read on as they are (a copy of
/// them is taken from: [`build_taking`]).
pub fn build(table: &ScoringTable, deadline: &Deadline) -> Result<CriteriaTree, TimeLimit> {
    build_taking(&mut table.clone(), deadline)
}

/// Builds the tree, taking from the table's rows what only the tree reads
/// afterwards (their located cells, scanned values, citations, rubric
/// readings) instead of copying it: a big sheet's rows held 33 MB of it
/// twice. Their kind, code, title, values, location and evidence text stay.
/// Stops with [`TimeLimit`] once `deadline` has passed (checked every
/// [`ROWS_PER_CLOCK_READ`] rows).
pub fn build_taking(table: &mut ScoringTable, deadline: &Deadline) -> Result<CriteriaTree, TimeLimit> {
    let numbered: Vec<usize> = (0..table.rows.len()).filter(|&i| table.rows[i].code.is_some()).collect();
    let parents = parents(&table.rows, &numbered);
    let mut nodes = Vec::with_capacity(numbered.len());
    for (k, (&i, parent)) in numbered.iter().zip(parents).enumerate() {
        if reads_clock(k) {
            deadline.check()?;
        }
        let next_numbered = numbered.get(k + 1).copied().unwrap_or(table.rows.len());
        let (values, mut cells, scanned) = effective_values(&mut table.rows, i, next_numbered);
        let row = &table.rows[i];
        let (code, kind, from_scan) = (row.code.clone().unwrap_or_default(), row.kind, row.from_scan);
        // The criterion's rows: its own and the unnumbered ones under it
        // (option rows, sub-items, the rest of a row a page break split).
        let block = if kind == RowKind::Criterion { &mut table.rows[i..next_numbered] } else { &mut [] };
        if cells.get(CellField::Evidence).is_none() {
            let first = block.iter().find_map(|r| r.evidence.as_ref().and_then(|e| e.at.clone()));
            cells.set(CellField::Evidence, first);
        }
        nodes.push(Node {
            row: i,
            code,
            kind,
            parent,
            values,
            children: Vec::new(),
            rubric: rubric_of(block),
            rubric_confidence: block.iter().filter_map(|r| r.text_confidence).min(),
            evidence: evidence_of(block),
            cells,
            scanned,
            from_scan,
        });
    }

    // Children by parent code; rows without a parent belong to TOTAL. Rows that
    // share a code (duplicates) share its children, as the contract reads codes.
    let mut by_parent: HashMap<String, Vec<usize>> = HashMap::with_capacity(nodes.len());
    for (n, node) in nodes.iter().enumerate() {
        if node.is_total() {
            continue;
        }
        let key = node.parent.clone().unwrap_or_else(|| TOTAL.to_owned());
        by_parent.entry(key).or_default().push(n);
    }
    for node in &mut nodes {
        node.children = by_parent.get(&node.code).cloned().unwrap_or_default();
    }
    restore::restore(&mut nodes, deadline)?;
    Ok(CriteriaTree { nodes })
}

/// Each numbered row's parent: the nearest ancestor code present in the
/// table; the Roman group above a top-level section; `None` for Roman rows,
/// TOTAL and parentless sections.
fn parents(rows: &[TableRow], numbered: &[usize]) -> Vec<Option<String>> {
    let mut present: HashSet<&str> = HashSet::with_capacity(numbered.len());
    present.extend(numbered.iter().filter_map(|&i| rows[i].code.as_deref()));
    let mut last_roman: Option<&str> = None;
    numbered
        .iter()
        .map(|&i| {
            let code = rows[i].code.as_deref().unwrap_or_default();
            match rows[i].kind {
                RowKind::Total => None,
                RowKind::Roman => {
                    last_roman = Some(code);
                    None
                }
                _ => ancestors(code).find(|a| present.contains(a)).or(last_roman).map(str::to_owned),
            }
        })
        .collect()
}

/// The rubric of a criterion's rows; none when a row under it has a maximum
/// of its own (sub-items scored apart, whose lines are not the criterion's
/// options). The rows' readings are dropped: the tree's rubric is read from here on.
fn rubric_of(block: &mut [TableRow]) -> Option<Rubric> {
    let own_maximum = block.iter().skip(1).any(|r| r.values.get(Column::MaxPoints).is_some());
    let rubric = if own_maximum { None } else { rubric::combine(block.iter().map(|r| &r.rubric)) };
    block.iter_mut().for_each(|r| r.rubric = rubric::Reading::default());
    rubric
}

/// The evidence of a criterion's rows, each cell once however many rows it
/// covers; the citations move from the row each cell is first met on.
fn evidence_of(block: &mut [TableRow]) -> Evidence {
    let mut evidence = Evidence::default();
    let mut seen = Vec::new();
    for cell in block.iter_mut().filter_map(|r| r.evidence.as_mut()) {
        evidence.unsure |= cell.unsure;
        if cell.text.is_empty() || seen.contains(&cell.origin) {
            continue;
        }
        seen.push(cell.origin);
        evidence.present = true;
        evidence.citations.append(&mut cell.citations);
        evidence.confidence = evidence.confidence.into_iter().chain(cell.confidence).min();
    }
    evidence
}

/// Rows built between two looks at the clock: a node costs far less than a clock read.
const ROWS_PER_CLOCK_READ: usize = 256;

/// Whether the `k`-th numbered row looks at the clock: the first, then every
/// [`ROWS_PER_CLOCK_READ`]-th, so a long table keeps being bounded.
fn reads_clock(k: usize) -> bool {
    k.is_multiple_of(ROWS_PER_CLOCK_READ)
}

/// A numbered row's own values; where a cell is empty and exactly one of the
/// unnumbered rows under it (up to the next numbered row) carries a value in
/// that column, that value — the score printed on the chosen option row.
/// Where each value was read goes with it; the row's own are taken from it.
fn effective_values(
    rows: &mut [TableRow],
    row: usize,
    next_numbered: usize,
) -> (Scores, CellLocations, Vec<ScannedValue>) {
    let own = &mut rows[row];
    let (mut values, mut cells, mut scanned) =
        (own.values, std::mem::take(&mut own.cells), std::mem::take(&mut own.scanned));
    if own.kind == RowKind::Total {
        return (values, cells, scanned);
    }
    for column in Column::ALL {
        if values.get(column).is_some() {
            continue;
        }
        // Starting at `row` instead would change nothing (its own cell is empty
        // here): the `row * 1` mutant is equivalent.
        let mut candidates = rows[row + 1..next_numbered].iter().filter_map(|r| Some((r.values.get(column)?, r)));
        if let (Some((only, option)), None) = (candidates.next(), candidates.next()) {
            values.set(column, Some(only));
            let field = CellField::of(column);
            cells.set(field, option.cells.get(field).cloned());
            scanned.extend(option.scanned.iter().filter(|s| s.column == column).cloned());
        }
    }
    (values, cells, scanned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::Location;
    use crate::model::TableKind;
    use crate::table::TableRow;
    use rust_decimal::Decimal;

    fn row(kind: RowKind, code: Option<&str>, max: Option<i64>, own: Option<i64>) -> TableRow {
        let mut values = Scores::default();
        values.set(Column::MaxPoints, max.map(Decimal::from));
        values.set(Column::SelfScore, own.map(Decimal::from));
        TableRow {
            kind,
            code: code.map(str::to_owned),
            title: String::new(),
            values,
            location: Location::default(),
            scanned: Vec::new(),
            from_scan: false,
            rubric: Default::default(),
            text_confidence: None,
            evidence: None,
            cells: Default::default(),
        }
    }

    fn table(rows: Vec<TableRow>) -> ScoringTable {
        ScoringTable {
            kind: TableKind::SelfAssessment,
            columns: vec![Column::MaxPoints, Column::SelfScore],
            rows,
            notes: vec![],
        }
    }

    fn passed_deadline() -> Deadline {
        let deadline = Deadline::after(std::time::Duration::ZERO);
        std::thread::sleep(std::time::Duration::from_millis(2));
        deadline
    }

    #[test]
    fn building_stops_once_the_deadline_has_passed() {
        let t = table(vec![row(RowKind::Criterion, Some("1"), Some(1), Some(1))]);
        assert_eq!(build(&t, &passed_deadline()), Err(TimeLimit { seconds: 0 }));
        assert!(build(&t, &Deadline::after(std::time::Duration::from_secs(60))).is_ok());
    }

    #[test]
    fn the_clock_is_read_on_the_first_row_and_then_at_every_interval() {
        let n = ROWS_PER_CLOCK_READ;
        let reads: Vec<usize> = (0..4 * n).filter(|&k| reads_clock(k)).collect();
        assert_eq!(reads, vec![0, n, 2 * n, 3 * n]);
    }

    #[test]
    fn parents_skip_missing_levels_and_roman_groups_own_sections() {
        use RowKind::*;
        let t = table(vec![
            row(Roman, Some("I"), Some(10), Some(9)),
            row(Criterion, Some("6"), Some(10), Some(9)),
            row(Criterion, Some("6.1.3"), Some(10), Some(9)),
            row(Total, Some("TOTAL"), Some(10), Some(9)),
        ]);
        let tree = build(&t, &Deadline::none()).unwrap();
        let parents: Vec<Option<&str>> = tree.nodes.iter().map(|n| n.parent.as_deref()).collect();
        assert_eq!(parents, vec![None, Some("I"), Some("6"), None]);
        assert_eq!(tree.total().unwrap().children, vec![0]);
        assert_eq!(tree.leaves().map(|n| n.code.as_str()).collect::<Vec<_>>(), vec!["6.1.3"]);
    }

    #[test]
    fn the_chosen_option_row_gives_its_score_only_when_it_is_the_only_one() {
        use RowKind::*;
        let t = table(vec![
            row(Criterion, Some("1.1.1"), Some(2), None),
            row(Unnumbered, None, None, None),
            row(Unnumbered, None, None, Some(1)),
            row(Criterion, Some("1.1.2"), Some(1), None),
            row(Unnumbered, None, None, Some(1)),
            row(Unnumbered, None, None, Some(0)),
        ]);
        let tree = build(&t, &Deadline::none()).unwrap();
        assert_eq!(tree.nodes[0].values.get(Column::SelfScore), Some(Decimal::from(1)));
        assert_eq!(tree.nodes[1].values.get(Column::SelfScore), None);
    }
}
