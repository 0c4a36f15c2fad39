//! The criteria tree: parents by code, Roman groups over the sections that
//! follow them, effective values (the chosen-option rule), leaves.

use crate::report::Scores;
use crate::table::ScoringTable;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Index of the row in [`ScoringTable::rows`].
    pub row: usize,
    pub code: String,
    pub parent: Option<String>,
    /// Values after the chosen-option rule.
    pub values: Scores,
    /// Indices (into [`CriteriaTree::nodes`]) of the numbered children.
    pub children: Vec<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CriteriaTree {
    /// Every numbered row in document order (the TOTAL row included).
    pub nodes: Vec<Node>,
}

pub fn build(_table: &ScoringTable) -> CriteriaTree {
    CriteriaTree::default()
}
