//! Values read from scans: confirmed, or never the ground of an error (the
//! last rule of the checking stage).
//!
//! Tesseract's confidence does not tell a right digit from a wrong one, so a
//! value read by OCR counts as sure only when it is *confirmed*: two
//! independent readings of its cell agreed (the OCR stage records it, see
//! `extract::paged::ocr::numbers`), or the table's own arithmetic balances
//! with it (it and its siblings make their parent's value; `max − appraisal =
//! lost` holds on its row). A confirmed reading that is implausible — a score
//! above its maximum that a lost decimal separator explains, a maximum the
//! framework sets otherwise — counts as confirmed only through arithmetic.
//! A value read on a page too poor to read reliably (see
//! `extract::paged::ocr::quality`) is never confirmed. A value the tree
//! stage restored (`85` read for `8,5`, see `tree::restore`) is no second
//! reading's; the relation it was fitted to confirms it only once the
//! relation's other values stand confirmed, and confirms none of them.
//!
//! Every finding names the values it rests on; when one of them is an
//! unconfirmed reading, or a value missing on a row read from a scan (OCR may
//! have missed it), the finding becomes an uncertain warning whose message
//! names the values to look at, and each such reading gets an
//! `uncertain_value` note. Rubric and evidence findings also rest on the
//! texts they quote, doubtful below the OCR confidence threshold.

use std::collections::{BTreeSet, HashMap, HashSet};

use rust_decimal::Decimal;

use super::Facts;
use crate::code::{next_codes, numbered_in_sequence};
use crate::framework::{Catalog, CatalogCriterion};
use crate::model::{CellField, Column, Confirmation, Finding, FindingKind, OcrRead, Severity, ValueReading};
use crate::number::format_vi;
use crate::prose::GuessedClaim;
use crate::table::{RowKind, ScannedValue, TableRow};
use crate::tree::{bound, relations, CriteriaTree, Node, Relation, Value};

/// Confirms the values read by OCR, turns the findings that rest on an
/// unconfirmed one into uncertain warnings with `uncertain_value` notes, and
/// returns per criterion how its values were read.
pub fn mark_uncertain(findings: &mut Vec<Finding>, facts: &Facts) -> Vec<Vec<ValueReading>> {
    let tree = facts.tree;
    // Nothing read by OCR, nothing to doubt: a spreadsheet's thousands of rows
    // are not searched for confirmations.
    let read_by_ocr = |n: &Node| {
        n.from_scan || !n.scanned.is_empty() || n.rubric_confidence.is_some() || n.evidence.confidence.is_some()
    };
    if !tree.nodes.iter().any(read_by_ocr) {
        return vec![Vec::new(); tree.nodes.len()];
    }
    let confirmed = confirmations(facts);
    let threshold = facts.options.ocr_min_confidence;
    let doubtful_text = |confidence: Option<u8>| confidence.is_some_and(|c| f32::from(c) < threshold);
    let any_scanned = tree.nodes.iter().any(|n| n.from_scan);
    let mut noted: BTreeSet<Value> = BTreeSet::new();
    // The nodes of each code, in tree order: looked up per finding, not searched for.
    let mut by_code: HashMap<&str, Vec<usize>> = HashMap::new();
    for (n, node) in tree.nodes.iter().enumerate() {
        by_code.entry(node.code.as_str()).or_default().push(n);
    }
    for finding in findings.iter_mut() {
        let nodes: Vec<usize> = finding.code.as_deref().and_then(|c| by_code.get(c)).cloned().unwrap_or_default();
        let doubts: Vec<Value> = rests_on(finding, tree, &nodes)
            .into_iter()
            .filter(|&value| {
                unconfirmed(tree, &confirmed, value)
                    || finding.kind == FindingKind::ExceedsMax && unvouched_max(facts, &confirmed, value)
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        // Codes read by OCR are not confirmed: a misread one is missing, unknown or
        // twice (what rests on a code read twice may rest on the wrong row).
        let codes_read = match finding.kind {
            FindingKind::DuplicateCode => nodes.iter().any(|&n| tree.nodes[n].from_scan),
            FindingKind::SumMismatch => nodes.iter().any(|&n| !children_complete(facts, n)),
            // A total claimed or rated is the sum of the whole tree.
            FindingKind::StatedTotalMismatch => !groups_complete(facts) || facts.prose.stated_total_guessed.is_some(),
            FindingKind::RatingMismatch => !groups_complete(facts),
            FindingKind::MissingCriterion | FindingKind::UnknownCriterion => any_scanned,
            // A scanned row is a leaf, whose points need evidence, only if no child's code was misread.
            FindingKind::MissingEvidence => nodes.iter().any(|&n| {
                tree.nodes[n].from_scan
                    && facts
                        .catalog
                        .is_some_and(|catalog| catalog_children(catalog, &tree.nodes[n].code).next().is_some())
            }),
            _ => false,
        } || nodes.len() > 1 && nodes.iter().any(|&n| tree.nodes[n].from_scan);
        let texts = nodes.iter().any(|&n| {
            let node = &tree.nodes[n];
            match finding.kind {
                FindingKind::ScoreNotInRubric | FindingKind::MaxDiffersFromRubric => {
                    doubtful_text(node.rubric_confidence) || rubric_cut(facts, n)
                }
                FindingKind::EvidenceAfterReport | FindingKind::EvidenceOutsidePeriod => {
                    doubtful_text(node.evidence.confidence)
                }
                FindingKind::LateForDeadline => {
                    doubtful_text(node.rubric_confidence) || doubtful_text(node.evidence.confidence)
                }
                _ => false,
            }
        });
        if doubts.is_empty() && !codes_read && !texts {
            continue;
        }
        finding.uncertain = true;
        if finding.severity == Severity::Error {
            finding.severity = Severity::Warning;
        }
        let guessed =
            facts.prose.stated_total_guessed.as_ref().filter(|_| finding.kind == FindingKind::StatedTotalMismatch);
        match guessed {
            Some(GuessedClaim::Separator(read)) => finding.message.push_str(&format!(
                " (tổng điểm báo cáo ghi đọc từ bản quét là \"{read}\", dấu thập phân chưa đọc rõ; cần đối chiếu bản gốc)"
            )),
            Some(GuessedClaim::Subject) => finding.message.push_str(
                " (câu ghi tổng điểm đọc từ bản quét không rõ chữ, số điểm lấy theo câu xếp loại; cần đối chiếu bản gốc)",
            ),
            None => {}
        }
        if guessed.is_none() || !doubts.is_empty() {
            finding.message.push_str(&explain(tree, &doubts));
        }
        noted.extend(doubts.iter().filter(|&&(n, column)| reading(&tree.nodes[n], column).is_some()));
    }
    findings.extend(noted.into_iter().filter_map(|value| note(facts, value)));
    tree.nodes
        .iter()
        .enumerate()
        .map(|(n, node)| {
            node.scanned
                .iter()
                .map(|s| ValueReading {
                    column: s.column,
                    read: OcrRead { text: s.text.clone(), confidence: s.confidence.min(100) },
                    confirmed: confirmed.get(&(n, s.column)).copied(),
                    restored: s.restored,
                })
                .collect()
        })
        .collect()
}

/// What confirmed each value read by OCR.
fn confirmations(facts: &Facts) -> HashMap<Value, Confirmation> {
    let nodes = &facts.tree.nodes;
    let all = relations(nodes);
    // Readings two passes agreed on, and that a PAR table can hold.
    let agreed: HashMap<Value, &str> = nodes
        .iter()
        .enumerate()
        .flat_map(|(n, node)| node.scanned.iter().map(move |s| (n, s)))
        .filter(|&(n, s)| s.agreed() && plausible(facts, n, s.column))
        .map(|(n, s)| ((n, s.column), s.text.as_str()))
        .collect();
    let settled = |value: Value| reading(&nodes[value.0], value.1).is_none() || agreed.contains_key(&value);
    let mut confirmed = HashMap::new();
    for (&value, text) in &agreed {
        if !shared_misreading(nodes, &all, value, text, &settled) {
            confirmed.insert(value, Confirmation::SecondReading);
        }
    }
    // A value read on a page too poor to read reliably stays unconfirmed.
    let legible = |&(n, column): &Value| reading(&nodes[n], column).is_none_or(|s| s.legible);
    let restored = |(n, column): Value| reading(&nodes[n], column).is_some_and(|s| s.restored.is_some());
    // A parent equal to the one child of several that has a value in the
    // column is no sum: two specks read `5` in an empty column make it.
    let summed = |r: &Relation| r.complete || r.parts.len() >= 2;
    let (fitted, read): (Vec<Relation>, Vec<Relation>) =
        all.into_iter().filter(|r| summed(r) && r.balances(nodes)).partition(|r| r.members().any(restored));
    for relation in &read {
        for value in relation.members().filter(legible) {
            confirmed.entry(value).or_insert(Confirmation::Arithmetic);
        }
    }
    // A restored value was fitted to make its relation balance: the relation
    // confirms it once every other value of it stands confirmed (or typed),
    // and confirms none of them. One restored value can complete another's.
    loop {
        let before = confirmed.len();
        for relation in &fitted {
            let open: Vec<Value> = relation
                .members()
                .filter(|&(n, column)| reading(&nodes[n], column).is_some() && !confirmed.contains_key(&(n, column)))
                .collect();
            if let [value] = open[..] {
                if restored(value) && legible(&value) {
                    confirmed.insert(value, Confirmation::Arithmetic);
                }
            }
        }
        if confirmed.len() == before {
            return confirmed;
        }
    }
}

/// A reading two passes agreed on can still be a shared misreading (a seal's
/// stroke read as a digit by both): a value over 100, which no criterion
/// of a PAR index reaches; a parent's value under half its children's sum
/// (`1` for `13,5`: digits lost at the cell's edge; a page missing from the
/// file takes children away, never adds them, and a unit's own slip is not
/// that large); a score above its row's maximum that a lost decimal
/// separator explains (`25` for `2,5`); a maximum above its parent's, or one
/// the framework sets otherwise.
fn plausible(facts: &Facts, n: usize, column: Column) -> bool {
    let nodes = &facts.tree.nodes;
    let node = &nodes[n];
    let Some(value) = node.values.get(column) else { return true };
    if value > Decimal::ONE_HUNDRED {
        return false;
    }
    let children: Decimal = node.children.iter().filter_map(|&c| nodes[c].values.get(column)).sum();
    if value * Decimal::TWO < children {
        return false;
    }
    if column == Column::MaxPoints {
        if bound(&facts.tree.nodes, (n, column)).is_some_and(|max| value > max) {
            return false;
        }
        let expected = facts
            .catalog
            .and_then(|catalog| catalog.criteria.iter().find(|c| c.code == node.code))
            .and_then(|c| c.max_points);
        return expected.is_none_or(|expected| expected == value);
    }
    let Some(max) = node.values.get(Column::MaxPoints).filter(|&max| value > max) else { return true };
    let Some(read) = reading(node, column) else { return true };
    if zero_misread(&read.text, max) {
        return false;
    }
    if read.text.contains([',', '.']) {
        return true;
    }
    // A separator lost before any of the last digits: `25` may be `2,5`.
    !separator_put_back(value, &read.text).any(|shifted| shifted <= max)
}

/// The values `value`, read as `text` without a separator, has with one put
/// back before any of its last digits: `2.5` and `0.25` for `25`.
fn separator_put_back(value: Decimal, text: &str) -> impl Iterator<Item = Decimal> {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    (1..digits).scan(value, |shifted, _| {
        *shifted /= Decimal::TEN;
        Some(*shifted)
    })
}

/// Readings that agree on a number that, read with a separator put back
/// (`15` for `1,5`: on a fax the point merges into the thick strokes for
/// every pass alike) or with one digit taken for its look-alike (`0,8` for
/// `0,9`: the loop of a 9 closed by a fax's thickening), balances every sum
/// it is part of, where as read none does, are one misreading, not two. A
/// value that, so changed, balances one sum but leaves another failing (a
/// section whose other criteria are on a page not in the file) is no
/// evidence of a misreading. Only sums whose other values are `settled`
/// (typed, or agreed on and plausible) count: a parent read once, or read
/// alike twice as `85` for `8,5`, tells nothing.
fn shared_misreading(
    nodes: &[Node],
    relations: &[Relation],
    value: Value,
    text: &str,
    settled: &dyn Fn(Value) -> bool,
) -> bool {
    let Some(read) = nodes[value.0].values.get(value.1) else { return false };
    let holding: Vec<&Relation> =
        relations.iter().filter(|r| r.contains(value) && r.members().filter(|&m| m != value).all(settled)).collect();
    let balances_all =
        |candidate: Decimal| !holding.is_empty() && holding.iter().all(|r| r.solve(nodes, value) == Some(candidate));
    let separator = !text.contains([',', '.']) && separator_put_back(read, text).any(balances_all);
    separator || digit_swapped(text, look_alikes).any(balances_all)
}

/// The digits OCR takes for each other on a degraded scan, the loops of
/// `0 6 8 9` and `3 8` closed or opened, `5 6` and `1 7` by a stroke.
fn look_alikes(digit: char) -> &'static str {
    match digit {
        '0' => "689",
        '6' => "0895",
        '8' => "0693",
        '9' => "068",
        '3' => "8",
        '5' => "6",
        '1' => "7",
        '7' => "1",
        _ => "",
    }
}

/// The values `text` reads as with one digit replaced by one of its `others`.
fn digit_swapped(text: &str, others: fn(char) -> &'static str) -> impl Iterator<Item = Decimal> + '_ {
    text.char_indices().flat_map(move |(i, digit)| {
        others(digit).chars().filter_map(move |other| {
            let mut swapped = String::with_capacity(text.len());
            swapped.push_str(&text[..i]);
            swapped.push(other);
            swapped.push_str(&text[i + digit.len_utf8()..]);
            crate::number::parse_score(&swapped)
        })
    })
}

/// A 0 of the score read as 6, 8 or 9 (their loops alike on a faint
/// scan) explains a score above its maximum: `9.5` or `6.5` for `0.5`.
fn zero_misread(text: &str, max: Decimal) -> bool {
    let as_zero = |digit: char| if matches!(digit, '6' | '8' | '9') { "0" } else { "" };
    digit_swapped(text, as_zero).any(|value| value <= max)
}

/// The values a finding's claim is made of.
fn rests_on(finding: &Finding, tree: &CriteriaTree, nodes: &[usize]) -> Vec<Value> {
    let column = finding.column;
    let mut values = Vec::new();
    for &n in nodes {
        let node = &tree.nodes[n];
        match (finding.kind, column) {
            (FindingKind::SumMismatch, Some(column)) => {
                values.push((n, column));
                values.extend(node.children.iter().map(|&c| (c, column)));
            }
            (FindingKind::ExceedsMax, Some(column)) => values.extend([(n, column), (n, Column::MaxPoints)]),
            (FindingKind::LostPointsMismatch, _) => {
                values.extend([Column::MaxPoints, Column::AppraisalScore, Column::LostPoints].map(|c| (n, c)))
            }
            (FindingKind::MaxDiffersFromFramework | FindingKind::MaxDiffersFromRubric, _) => {
                values.push((n, Column::MaxPoints))
            }
            (FindingKind::MissingEvidence, _) => values.push((n, Column::SelfScore)),
            (FindingKind::MissingScore | FindingKind::MissingMax | FindingKind::ScoreNotInRubric, Some(column)) => {
                values.push((n, column))
            }
            _ => {}
        }
    }
    // A total claimed or rated rests on every leaf it is the sum of.
    if matches!(finding.kind, FindingKind::StatedTotalMismatch | FindingKind::RatingMismatch) {
        let columns: &[Column] = match &column {
            Some(column) => std::slice::from_ref(column),
            None => &[Column::SelfScore, Column::AppraisalScore],
        };
        let leaves = (0..tree.nodes.len()).filter(|&n| tree.nodes[n].is_leaf());
        values.extend(leaves.flat_map(|n| columns.iter().map(move |&c| (n, c))));
    }
    values
}

/// Whether every child of a criterion read from a scan is in the tree: none
/// of its framework's children is absent from its children, none is under
/// what the framework has as a leaf, the table does not stop early after
/// it ([`stops_early`]), and no [`uncoded_criterion`] lies among its rows.
fn children_complete(facts: &Facts, n: usize) -> bool {
    let nodes = &facts.tree.nodes;
    let node = &nodes[n];
    if !node.from_scan && node.children.iter().all(|&c| !nodes[c].from_scan) {
        return true;
    }
    if node.is_total() {
        return groups_complete(facts) && numbered_in_sequence(node.children.iter().map(|&c| nodes[c].code.as_str()));
    }
    // A section read under a group OCR made up (`V` for `7.`) is in the tree but not in the sum.
    if let Some(catalog) = facts.catalog {
        let present = |code: &str| node.children.iter().any(|&c| nodes[c].code == code);
        if catalog_children(catalog, &node.code).any(|c| !present(&c.code)) {
            return false;
        }
        // Children under what the framework has as a leaf are rows whose codes OCR misread (`2.2.3.1` for `2.3.1`).
        if !node.children.is_empty() && catalog_leaf(catalog, &node.code) {
            return false;
        }
    }
    if !numbered_in_sequence(node.children.iter().map(|&c| nodes[c].code.as_str())) {
        return false;
    }
    // Codes out of order around it (`2` read after `5.5.1`): one of its
    // children may be the misread one.
    let follows = |before: usize, after: usize| {
        let (candidates, code) = (next_codes(&nodes[before].code), &nodes[after].code);
        candidates.is_empty() || next_codes(code).is_empty() || candidates.contains(code)
    };
    // The criterion's rows run to the next row that is not its descendant.
    let prefix = format!("{}.", node.code);
    if stops_early(facts) && nodes.last().is_some_and(|m| m.code.starts_with(&prefix)) {
        return false;
    }
    let end = nodes[n + 1..].iter().find(|m| !m.code.starts_with(&prefix)).map_or(facts.table.rows.len(), |m| m.row);
    let last = nodes[n + 1..].iter().position(|m| !m.code.starts_with(&prefix)).map_or(nodes.len(), |p| n + 1 + p);
    if n > 0 && !follows(n - 1, n) || last < nodes.len() && !follows(last - 1, last) {
        return false;
    }
    !uncoded_criterion(facts.table.rows.get(node.row + 1..end).unwrap_or_default())
}

/// The criteria `catalog` lists as children of `code`: by their parent, or
/// by their code where a partial catalog skips a level (5.1.2 under 5).
fn catalog_children<'c>(catalog: &'c Catalog, code: &'c str) -> impl Iterator<Item = &'c CatalogCriterion> + 'c {
    let child_code = move |child: &str| {
        child
            .strip_prefix(code)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|last| !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
    };
    catalog.criteria.iter().filter(move |c| c.parent.as_deref() == Some(code) || child_code(&c.code))
}

/// Whether `catalog` lists `code` as a criterion with no children, all of them shown.
fn catalog_leaf(catalog: &Catalog, code: &str) -> bool {
    catalog.criteria.iter().any(|c| c.code == code && !c.partial) && catalog_children(catalog, code).next().is_none()
}

/// Whether the whole table's groups, which its total and a total claimed in
/// the prose add up, are in the tree of a table read from a scan: none of
/// the framework's groups is absent, no row anywhere (a total row stands
/// at the foot, below its groups) is an [`uncoded_criterion`], and
/// no code read from the scan stands twice (one of the two is misread, and
/// its row may be summed as a leaf it is not, or left out as a parent).
fn groups_complete(facts: &Facts) -> bool {
    let nodes = &facts.tree.nodes;
    if !nodes.iter().any(|n| n.from_scan) {
        return true;
    }
    let present = |code: &str| nodes.iter().any(|m| m.code == code);
    let groups_present =
        facts.catalog.is_none_or(|catalog| catalog.criteria.iter().all(|c| c.parent.is_some() || present(&c.code)));
    let mut codes = HashSet::new();
    let codes_once = nodes.iter().filter(|n| n.from_scan).all(|n| codes.insert(n.code.as_str()));
    groups_present && codes_once && !uncoded_criterion(&facts.table.rows)
}

/// Whether the table stops, without its total row, before the document's
/// last page: the pages after it may hold rows of its last criteria that
/// were not read as the table's (a page read too poorly to find them), and
/// with them children of that criterion's parents.
fn stops_early(facts: &Facts) -> bool {
    let pages = facts.document.extraction.as_ref().map_or(0, |e| e.text_pages + e.ocr_pages);
    let last_page = facts.table.rows.last().and_then(|r| r.location.page);
    !facts.tree.nodes.iter().any(Node::is_total) && last_page.is_some_and(|p| (p as usize) < pages)
}

/// A scanned maximum that only its second reading confirms (no sum of the
/// table balances with it), and the framework gives none for: read twice off the same worn pixels (a
/// photocopy's `0,3` for `0,5`), it may be misread alike both times, and a
/// score "over" it is that misreading as often as the paper's.
fn unvouched_max(facts: &Facts, confirmed: &HashMap<Value, Confirmation>, (n, column): Value) -> bool {
    let nodes = &facts.tree.nodes;
    let node = &nodes[n];
    if column != Column::MaxPoints || reading(node, column).is_none() || !confirmed.contains_key(&(n, column)) {
        return false;
    }
    let in_catalog =
        facts.catalog.is_some_and(|c| c.criteria.iter().any(|c| c.code == node.code && c.max_points.is_some()));
    let summed = |r: &Relation| (r.complete || r.parts.len() >= 2) && r.balances(nodes);
    !in_catalog && !relations(nodes).iter().any(|r| summed(r) && r.members().any(|m| m == (n, column)))
}

/// Whether a scanned criterion's option rows may go on past what was read:
/// they end at a page break after which the next criterion read is not the
/// one that follows it (the page after was read too poorly to hold it), or
/// they end the table, which stops early ([`stops_early`]).
fn rubric_cut(facts: &Facts, n: usize) -> bool {
    let node = &facts.tree.nodes[n];
    let rows = &facts.table.rows;
    if !node.from_scan || node.row >= rows.len() {
        return false;
    }
    let next = rows[node.row + 1..].iter().position(|r| r.kind != RowKind::Unnumbered).map(|k| node.row + 1 + k);
    match next {
        None => stops_early(facts),
        Some(next) => {
            let follows = rows[next].code.as_deref().is_some_and(|c| next_codes(&node.code).iter().any(|n| n == c));
            rows[next].location.page != rows[next - 1].location.page && !follows
        }
    }
}

/// A row read from a scan without a code but with a score, or with a title
/// and a document cited for it: a criterion whose code OCR did not read (or
/// whose code and scores a pen mark or fold made unreadable).
fn uncoded_criterion(rows: &[TableRow]) -> bool {
    let cites = |r: &TableRow| r.evidence.as_ref().is_some_and(|e| !e.citations.is_empty());
    rows.iter().any(|r| {
        r.kind == RowKind::Unnumbered && r.from_scan && (!r.values.is_empty() || !r.title.trim().is_empty() && cites(r))
    })
}

/// A value read by OCR that nothing confirmed, or one missing on a row read
/// from a scan (where it may be ink OCR did not read).
fn unconfirmed(tree: &CriteriaTree, confirmed: &HashMap<Value, Confirmation>, (n, column): Value) -> bool {
    let Some(node) = tree.nodes.get(n) else { return false };
    match reading(node, column) {
        Some(_) => !confirmed.contains_key(&(n, column)),
        None => node.from_scan && node.values.get(column).is_none(),
    }
}

fn reading(node: &Node, column: Column) -> Option<&ScannedValue> {
    node.scanned.iter().find(|s| s.column == column)
}

/// The values to look at, as the finding's message ends.
fn explain(tree: &CriteriaTree, doubts: &[Value]) -> String {
    const NAMED: usize = 3;
    if doubts.is_empty() {
        return " (đọc từ bản quét bằng OCR: mã tiêu chí hay các dòng tiêu chí con chưa được xác nhận, có thể có dòng chưa đọc được mã; cần đối chiếu bản gốc)".to_owned();
    }
    let mut named: Vec<String> = doubts
        .iter()
        .take(NAMED)
        .map(|&(n, column)| {
            let node = &tree.nodes[n];
            match reading(node, column) {
                Some(read) => format!(
                    "{} tiêu chí {} đọc là \"{}\" (độ tin cậy {}%)",
                    column.label(),
                    node.code,
                    read.text,
                    read.confidence
                ),
                None => format!("{} tiêu chí {} không đọc được", column.label(), node.code),
            }
        })
        .collect();
    if doubts.len() > NAMED {
        named.push(format!("và {} giá trị khác", doubts.len() - NAMED));
    }
    format!(" (giá trị đọc từ bản quét chưa được xác nhận: {}; cần đối chiếu bản gốc)", named.join("; "))
}

/// The `uncertain_value` note of a reading a finding rests on.
fn note(facts: &Facts, (n, column): Value) -> Option<Finding> {
    let node = facts.tree.nodes.get(n)?;
    let read = reading(node, column)?;
    let value = node.values.get(column)?;
    // The row the value was read on (an option row under the criterion, perhaps).
    let location = node
        .cells
        .get(CellField::of(column))
        .map(|c| c.row.clone())
        .or_else(|| facts.table.rows.get(node.row).map(|r| r.location.clone()))?;
    let place = location.describe();
    let taken = match read.restored {
        Some(how) => format!("lấy là {} theo phép cộng của bảng: OCR {}", format_vi(value), how.label()),
        None => format_vi(value),
    };
    let message = format!(
        "Tiêu chí {} ({place}): {} đọc từ bản quét là \"{}\" ({taken}) với độ tin cậy {}%, chưa được lần đọc thứ hai hay phép cộng của bảng xác nhận; cần đối chiếu bản gốc",
        node.code,
        column.label(),
        read.text,
        read.confidence
    );
    Some(Finding {
        code: Some(node.code.clone()),
        column: Some(column),
        stated: Some(value),
        location: Some(location),
        uncertain: true,
        read: Some(OcrRead { text: read.text.clone(), confidence: read.confidence.min(100) }),
        ..Finding::new(FindingKind::UncertainValue, Severity::Info, message)
    })
}

/// A confidence in percent as the contract writes it, a fraction 0–1.
pub fn confidence_fraction(percent: u8) -> Decimal {
    Decimal::new(i64::from(percent.min(100)), 2)
}

#[cfg(test)]
mod partial_tests;
#[cfg(test)]
mod tests;
