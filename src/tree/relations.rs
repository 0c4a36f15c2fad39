//! The relations the table's own arithmetic holds between values: a
//! parent's value is the sum of its children's, in every score column, and
//! `max = appraisal + lost` on a row. The checks confirm OCR readings that
//! make one balance (`checks::uncertainty`); [`super::restore`] puts right a
//! misread one that makes one fail.

use std::collections::HashMap;
use std::iter;

use rust_decimal::Decimal;

use super::Node;
use crate::code::numbered_in_sequence;
use crate::model::Column;

/// A value of the tree: the node's index and the column.
pub type Value = (usize, Column);

/// `total = Σ parts`, over values that are all present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub total: Value,
    pub parts: Vec<Value>,
    /// No part is missing: every child has a value in the column, the
    /// children are numbered 1, 2, 3… without a gap or a repeat, and no
    /// code of the relation is read on two rows.
    pub complete: bool,
}

impl Relation {
    /// The total, then the parts.
    pub fn members(&self) -> impl Iterator<Item = Value> + '_ {
        iter::once(self.total).chain(self.parts.iter().copied())
    }

    pub fn contains(&self, value: Value) -> bool {
        self.members().any(|member| member == value)
    }

    /// Whether the total is exactly the sum of the parts.
    pub fn balances(&self, nodes: &[Node]) -> bool {
        self.solve(nodes, self.total).is_some_and(|sum| value_of(nodes, self.total) == Some(sum))
    }

    /// The value `member` must have for the relation to balance, the others
    /// as they are; `None` past Decimal's range.
    pub fn solve(&self, nodes: &[Node], member: Value) -> Option<Decimal> {
        let others = self
            .parts
            .iter()
            .filter(|&&part| part != member)
            .try_fold(Decimal::ZERO, |sum, &part| sum.checked_add(value_of(nodes, part)?))?;
        if member == self.total {
            Some(others)
        } else {
            value_of(nodes, self.total)?.checked_sub(others)
        }
    }
}

pub fn value_of(nodes: &[Node], (n, column): Value) -> Option<Decimal> {
    nodes.get(n)?.values.get(column)
}

/// What a value may not pass: its row's maximum for a score, its parent's
/// maximum for a maximum.
pub fn bound(nodes: &[Node], (n, column): Value) -> Option<Decimal> {
    let node = nodes.get(n)?;
    match column {
        Column::MaxPoints => {
            let parent = node.parent.as_deref().and_then(|p| nodes.iter().find(|m| m.code == p))?;
            parent.values.get(Column::MaxPoints)
        }
        _ => node.values.get(Column::MaxPoints),
    }
}

/// Every relation of the tree whose total has a value and at least one part:
/// per parent and score column, the children that have a value in it; per
/// row with all three, `max = appraisal + lost`.
pub fn relations(nodes: &[Node]) -> Vec<Relation> {
    let mut rows_of: HashMap<&str, usize> = HashMap::with_capacity(nodes.len());
    for node in nodes {
        *rows_of.entry(node.code.as_str()).or_default() += 1;
    }
    let once = |n: usize| rows_of.get(nodes[n].code.as_str()) == Some(&1);
    let mut relations = Vec::new();
    for (n, node) in nodes.iter().enumerate() {
        let children = &node.children;
        let numbered = !children.is_empty()
            && once(n)
            && children.iter().all(|&c| once(c))
            && numbered_in_sequence(children.iter().map(|&c| nodes[c].code.as_str()));
        for column in Column::ALL {
            if node.values.get(column).is_none() {
                continue;
            }
            let parts: Vec<Value> =
                children.iter().filter(|&&c| nodes[c].values.get(column).is_some()).map(|&c| (c, column)).collect();
            if !parts.is_empty() {
                let complete = numbered && parts.len() == children.len();
                relations.push(Relation { total: (n, column), parts, complete });
            }
        }
        let row = [Column::MaxPoints, Column::AppraisalScore, Column::LostPoints];
        if row.iter().all(|&column| node.values.get(column).is_some()) {
            let parts = vec![(n, Column::AppraisalScore), (n, Column::LostPoints)];
            relations.push(Relation { total: (n, Column::MaxPoints), parts, complete: true });
        }
    }
    relations
}
