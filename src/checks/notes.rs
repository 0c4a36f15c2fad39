//! What reading left unsaid in the table becomes `info` findings: cells of the
//! scoring table that hold no readable value (`unreadable_value`) and notes of
//! the extractor about the document (`extraction_note`).

use super::Facts;
use crate::model::{Finding, FindingKind};

pub fn check(facts: &Facts) -> Vec<Finding> {
    let table = facts.table.notes.iter().map(|note| Finding::note(FindingKind::UnreadableValue, note));
    let document = facts.document.notes.iter().map(|note| Finding::note(FindingKind::ExtractionNote, note));
    table.chain(document).collect()
}
