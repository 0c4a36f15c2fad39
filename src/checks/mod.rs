//! The checking stage: independent rules over the criteria tree, run by one
//! driver in a fixed order. Each rule family is a module that reads the
//! [`Facts`] of one document and returns domain [`Finding`]s; none of them
//! reaches back into the pipeline. The document object is assembled from the
//! result by [`crate::report`].
//!
//! Order: the contract's arithmetic ([`arithmetic`]), the notes left by
//! reading ([`notes`]), the framework the table follows ([`framework`]), the
//! rubric and evidence printed beside the scores ([`rubric`]), and last
//! [`uncertainty`], which confirms values read by OCR (two readings agreed,
//! or the table's arithmetic balances with them) and turns findings that
//! rest on an unconfirmed one into uncertain warnings. [`statistics`] runs on every document, with or
//! without a scoring table ([`check_statistics`]), after those.

pub mod arithmetic;
pub mod framework;
pub mod notes;
pub mod rubric;
pub mod statistics;
pub mod uncertainty;

use crate::config::{Deadline, Options, TimeLimit};
use crate::framework::Catalog;
use crate::grid::Document;
use crate::model::{Finding, Scores, ValueReading};
use crate::prose::ProseFacts;
use crate::table::ScoringTable;
use crate::tree::CriteriaTree;

pub use arithmetic::recalculate;

/// What the rules read about one document.
pub struct Facts<'a> {
    pub table: &'a ScoringTable,
    pub tree: &'a CriteriaTree,
    pub prose: &'a ProseFacts,
    pub document: &'a Document,
    /// The framework the table follows, when one was chosen ([`crate::framework::choose`]).
    pub catalog: Option<&'a Catalog>,
    /// The sum of the leaves per column ([`recalculate`]).
    pub recalculated: Scores,
    pub options: &'a Options,
}

/// What the checking stage found on one document.
#[derive(Debug, Default)]
pub struct Checked {
    /// Every finding, in the order the rules run.
    pub findings: Vec<Finding>,
    /// The sum of the leaves per column ([`recalculate`]).
    pub recalculated: Scores,
    /// Per criterion (in the tree's order), how its values were read from a
    /// scan and what confirmed them; empty lists for typed documents.
    pub readings: Vec<Vec<ValueReading>>,
}

/// Runs every rule on the criteria tree. Stops with [`TimeLimit`] once
/// `deadline` has passed (checked between rules).
pub fn check(
    table: &ScoringTable,
    tree: &CriteriaTree,
    prose: &ProseFacts,
    document: &Document,
    catalog: Option<&Catalog>,
    options: &Options,
    deadline: &Deadline,
) -> Result<Checked, TimeLimit> {
    deadline.check()?;
    let facts = Facts { table, tree, prose, document, catalog, recalculated: recalculate(tree), options };
    let mut findings = arithmetic::check(&facts, deadline)?;
    findings.extend(notes::check(&facts));
    deadline.check()?;
    findings.extend(framework::check(&facts));
    deadline.check()?;
    findings.extend(rubric::check(&facts));
    deadline.check()?;
    let readings = uncertainty::mark_uncertain(&mut findings, &facts);
    Ok(Checked { findings, recalculated: facts.recalculated, readings })
}

/// The statistics rules: totals, parts and percentages outside the scoring
/// table. Independent of the scoring table, so run for every document.
pub fn check_statistics(statistics: &crate::statistics::Statistics) -> Vec<Finding> {
    statistics::check(statistics)
}
