//! Values OCR misread that the table's own arithmetic puts right. A comma too
//! small to survive a 100-dpi scan or a seal over it is lost (`85` for
//! `8,5`); a digit at the edge of a cell is lost (`4` for `14`; a decimal
//! part with its comma, `2` for `2,5`) or a stroke beside it read as one
//! more. When such a reading makes a complete relation of the table fail ([`super::relations`]) and the one value the relation
//! needs is that reading with its separator back — or, the relation's other
//! values being read twice alike, with its end digit back or its extra end
//! digit gone — the value is that one, provided exactly one value of the
//! relation is explained so and no relation balances with the value as read;
//! or, where several readings of one relation are each over their bounds, the
//! one way of putting their separators back that makes it balance.
//! Only readings no second reading confirmed are restored (or a confirmed one
//! over its bounds: `25` over a maximum of 2,5); the reading keeps the text
//! read and says how it was restored, and whether the arithmetic confirms it
//! is the checks' matter (`checks::uncertainty`). Typed values are never touched.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::relations::{bound, relations, value_of, Relation, Value};
use super::Node;
use crate::config::{Deadline, TimeLimit};
use crate::model::{Column, Restoration};
use crate::number::format_vi;
use crate::table::ScannedValue;

/// Scores and maxima of these tables have at most four decimals (`12,5709`).
const MAX_DECIMALS: u32 = 4;

/// Restores, one at a time, the readings the arithmetic explains: a
/// restoration can complete another relation (a section's maximum after its
/// sub-criterion's). Each reading is restored at most once; stops with
/// [`TimeLimit`] once `deadline` has passed (checked per restoration).
pub(super) fn restore(nodes: &mut [Node], deadline: &Deadline) -> Result<(), TimeLimit> {
    if nodes.iter().all(|n| n.scanned.is_empty()) {
        return Ok(());
    }
    loop {
        deadline.check()?;
        let restorations = next_restorations(nodes);
        if restorations.is_empty() {
            return Ok(());
        }
        for ((n, column), value, how) in restorations {
            nodes[n].values.set(column, Some(value));
            if let Some(read) = nodes[n].scanned.iter_mut().find(|s| s.column == column) {
                read.restored = Some(how);
            }
        }
    }
}

type Proposal = (Decimal, Restoration);

/// The first reading the relations explain alike, else the readings one
/// relation explains together ([`lost_together`]); none when nothing is explained.
fn next_restorations(nodes: &[Node]) -> Vec<(Value, Decimal, Restoration)> {
    if let Some(one) = next_restoration(nodes) {
        return vec![one];
    }
    let relations = relations(nodes);
    let read_right = |member: Value| relations.iter().any(|r| r.contains(member) && r.balances(nodes));
    relations
        .iter()
        .filter(|r| r.complete && !r.balances(nodes))
        .filter_map(|relation| lost_together(nodes, relation))
        .find(|values| values.iter().all(|&(member, _)| !read_right(member)))
        .map(|values| values.into_iter().map(|(member, value)| (member, value, Restoration::Separator)).collect())
        .unwrap_or_default()
}

/// At most this many readings of one relation are restored together.
const MOST_LOST_TOGETHER: usize = 3;

/// Two or three readings of one relation, each over its bounds, that all
/// lost their separator (a photocopy's `35` and `25` for 3,5 and 2,5
/// under a sum of 14): the values they must have, when exactly one way of
/// putting separators back into such readings makes the relation balance
/// and that way changes more than one (one alone is [`explain`]'s).
fn lost_together(nodes: &[Node], relation: &Relation) -> Option<Vec<(Value, Decimal)>> {
    let doubtful: Vec<(Value, Vec<Decimal>)> = relation
        .members()
        .map(|member| (member, with_separator(nodes, member)))
        .filter(|(_, values)| !values.is_empty())
        .collect();
    if !(2..=MOST_LOST_TOGETHER).contains(&doubtful.len()) {
        return None;
    }
    // Every choice of each doubtful reading: as read, or one of its values.
    let choices: usize = doubtful.iter().map(|(_, values)| values.len() + 1).product();
    let mut balancing = (0..choices).filter_map(|mut choice| {
        let mut chosen = Vec::new();
        for (member, values) in &doubtful {
            let pick = choice % (values.len() + 1);
            choice /= values.len() + 1;
            if pick > 0 {
                chosen.push((*member, values[pick - 1]));
            }
        }
        let value =
            |member: Value| chosen.iter().find(|(m, _)| *m == member).map(|(_, v)| *v).or(value_of(nodes, member));
        let sum = relation.parts.iter().try_fold(Decimal::ZERO, |sum, &part| sum.checked_add(value(part)?));
        (sum.is_some() && sum == value(relation.total)).then_some(chosen)
    });
    let only = balancing.next().filter(|chosen| chosen.len() > 1)?;
    balancing.next().is_none().then_some(only)
}

/// The values a reading of digits alone that its bounds show misread may
/// be with its decimal separator back, within them (`35` over a maximum
/// of 3,5: 3,5 or 0,35).
fn with_separator(nodes: &[Node], member: Value) -> Vec<Decimal> {
    let Some(read) = reading(nodes, member).filter(|s| s.restored.is_none()) else { return Vec::new() };
    let text = read.text.as_str();
    let over = value_of(nodes, member).is_some_and(|value| out_of_bounds(nodes, member, value));
    if !over || text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    (0..text.len())
        .map(|point| format!("{}.{}", if point == 0 { "0" } else { &text[..point] }, &text[point..]))
        .filter_map(|written| Decimal::from_str(&written).ok())
        .filter(|value| value.scale() <= MAX_DECIMALS && value.normalize().scale() == value.scale())
        .filter(|&value| fits(nodes, member, value) && misreading(text, value) == Some(Restoration::Separator))
        .collect()
}

/// The first reading the relations explain alike, if any.
fn next_restoration(nodes: &[Node]) -> Option<(Value, Decimal, Restoration)> {
    let relations = relations(nodes);
    let mut proposed: BTreeMap<Value, Vec<Proposal>> = BTreeMap::new();
    for relation in relations.iter().filter(|r| r.complete && !r.balances(nodes)) {
        let explained: Vec<(Value, Proposal)> =
            relation.members().filter_map(|member| Some((member, explain(nodes, relation, member)?))).collect();
        // Two readings that could each be the misread one: neither is.
        if let [(member, proposal)] = explained[..] {
            proposed.entry(member).or_default().push(proposal);
        }
    }
    proposed.into_iter().find_map(|(member, proposals)| {
        let agreed = proposals.iter().all(|p| *p == proposals[0]);
        let read_right = relations.iter().any(|r| r.contains(member) && r.balances(nodes));
        (agreed && !read_right).then_some((member, proposals[0].0, proposals[0].1))
    })
}

/// The value `member` must have for `relation` to balance, when its reading
/// is doubtful and that value explains what was read.
fn explain(nodes: &[Node], relation: &Relation, member: Value) -> Option<Proposal> {
    let read = doubtful(nodes, member)?;
    let wanted = relation.solve(nodes, member)?;
    if wanted.is_sign_negative() || wanted.normalize().scale() > MAX_DECIMALS || !fits(nodes, member, wanted) {
        return None;
    }
    let how = misreading(&read.text, wanted)?;
    // A digit lost or added is a weaker explanation than a lost separator:
    // only against values each read twice alike.
    let others_agreed = || relation.members().filter(|&m| m != member).all(|m| settled(nodes, m));
    (how == Restoration::Separator || others_agreed()).then_some((wanted, how))
}

fn reading(nodes: &[Node], (n, column): Value) -> Option<&ScannedValue> {
    nodes.get(n)?.scanned.iter().find(|s| s.column == column)
}

/// A reading not yet restored that no second reading confirmed, or one that
/// is out of its bounds though two readings agreed on it.
fn doubtful(nodes: &[Node], member: Value) -> Option<&ScannedValue> {
    let read = reading(nodes, member).filter(|s| s.restored.is_none())?;
    let value = value_of(nodes, member)?;
    (!read.agreed() || out_of_bounds(nodes, member, value)).then_some(read)
}

/// A value typed, or read twice alike within its bounds.
fn settled(nodes: &[Node], member: Value) -> bool {
    match reading(nodes, member) {
        None => true,
        Some(read) => read.agreed() && value_of(nodes, member).is_some_and(|v| !out_of_bounds(nodes, member, v)),
    }
}

/// Over 100 (no criterion reaches it), a score over its row's maximum, a
/// maximum over its parent's.
fn out_of_bounds(nodes: &[Node], member: Value, value: Decimal) -> bool {
    value > Decimal::ONE_HUNDRED || bound(nodes, member).is_some_and(|bound| value > bound)
}

/// Whether a restored value keeps its row in bounds: within them itself,
/// and as a maximum, not below the row's scores — a score read with its
/// separator lost as well (`15` for 1,5 under a maximum read `15` too: a
/// fax drops both points alike) aside, which, over the restored maximum,
/// is restored in its turn.
fn fits(nodes: &[Node], member: Value, value: Decimal) -> bool {
    let (n, column) = member;
    let scores = [Column::SelfScore, Column::AppraisalScore, Column::LostPoints];
    let separator_lost = |c: Column, score: Decimal| {
        reading(nodes, (n, c)).is_some_and(|r| !r.text.contains([',', '.']) && score / Decimal::TEN <= value)
    };
    let under = |c: Column| nodes[n].values.get(c).is_none_or(|score| score <= value || separator_lost(c, score));
    !out_of_bounds(nodes, member, value) && (column != Column::MaxPoints || scores.into_iter().all(under))
}

/// How `text`, read by OCR, is `wanted` misread: its digits without the
/// decimal separator (a lost leading 0 aside), with one digit lost or added
/// at either end, or without a one-digit decimal part (`2` for `2,5`).
fn misreading(text: &str, wanted: Decimal) -> Option<Restoration> {
    let read = text.replace('.', ",");
    let well_formed = read.chars().all(|c| c.is_ascii_digit() || c == ',') && read.matches(',').count() <= 1;
    let want = format_vi(wanted);
    if read.is_empty() || !well_formed || read == want {
        return None;
    }
    let leading = |s: &str| s.trim_start_matches('0').to_owned();
    if !read.contains(',') && want.contains(',') && leading(&read) == leading(&want.replace(',', "")) {
        return Some(Restoration::Separator);
    }
    let ends_trimmed = |s: &str| -> [Option<String>; 2] {
        let digit_at = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        let first = digit_at(s.chars().next()).then(|| s[1..].to_owned());
        let last = digit_at(s.chars().last()).then(|| s[..s.len() - 1].to_owned());
        [first, last].map(|t| t.filter(|t| !t.is_empty() && !t.starts_with(',') && !t.ends_with(',')))
    };
    // The last digit lost, or a one-digit decimal part with its separator (`2` for `2,5`).
    let decimals_lost = want.split_once(',').is_some_and(|(whole, part)| part.len() == 1 && whole == read);
    if decimals_lost || ends_trimmed(&want).iter().flatten().any(|shorter| *shorter == read) {
        return Some(Restoration::DroppedDigit);
    }
    if ends_trimmed(&read).iter().flatten().any(|shorter| *shorter == want) {
        return Some(Restoration::ExtraDigit);
    }
    None
}

#[cfg(test)]
mod tests;
