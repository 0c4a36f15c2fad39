//! Criteria catalogs (`schemas/catalogs/*.json`, described by
//! `schemas/criteria.schema.json`) and checking a scoring table against the
//! framework it follows: criteria the framework lacks or the table lacks,
//! maxima the unit changed, a stated rating the bands disagree with, and codes
//! that are missing, duplicated or out of place.
//!
//! By default codes in the output are never changed: the contract and the
//! acceptance corpus judge codes as written. A repair is reported
//! (`code_repaired`) and used only to match the row to its catalog criterion
//! here; with `--repair-codes` ([`repair_codes`]) it is applied to the table
//! before the tree is built, so the scores sum under the right criteria.
//!
//! Most documents in the wild follow frameworks we have no catalog for, so
//! when no catalog matches the table well enough there are no findings at all.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::grid::Location;
use crate::number::format_vi;
use crate::prose::ProseFacts;
use crate::report::{Column, Finding, Scores, Severity, TableKind};
use crate::table::{describe_location, RowKind, ScoringTable};
use crate::text::fold;
use crate::tree::CriteriaTree;

#[derive(Debug, Clone, Deserialize)]
pub struct Catalog {
    pub id: String,
    pub title: String,
    pub decision: Decision,
    /// xã, huyện or sở, as [`ProseFacts::unit_level`] names them.
    pub level: String,
    pub years: Vec<i32>,
    /// Every criterion of the framework is listed. Partial catalogs (written
    /// from partial seeds) never report unknown criteria.
    pub complete: bool,
    /// In framework order.
    pub criteria: Vec<CatalogCriterion>,
    /// Highest band first (the tests check the order).
    pub rating_bands: Vec<RatingBand>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Decision {
    pub number: String,
    pub date: String,
    pub issuer: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CatalogCriterion {
    pub code: String,
    pub title: String,
    pub max_points: Option<Decimal>,
    pub parent: Option<String>,
    /// The source does not show all of this criterion's children.
    #[serde(default)]
    pub partial: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RatingBand {
    pub label: String,
    /// Lowest share of the applicable maximum that earns the label.
    pub min_share: Decimal,
    pub source: String,
}

const SOURCES: [&str; 3] = [
    include_str!("../schemas/catalogs/thanh-hoa-2021-xa.json"),
    include_str!("../schemas/catalogs/thanh-hoa-2021-huyen.json"),
    include_str!("../schemas/catalogs/thanh-hoa-2018-huyen.json"),
];

/// The embedded catalogs; one that fails to parse is left out (a unit test
/// makes sure none does).
static CATALOGS: LazyLock<Vec<Catalog>> =
    LazyLock::new(|| SOURCES.iter().filter_map(|source| serde_json::from_str(source).ok()).collect());

pub fn catalogs() -> &'static [Catalog] {
    &CATALOGS
}

/// The catalog with this id (for an explicit `--framework ID`).
pub fn find(id: &str) -> Option<&'static Catalog> {
    catalogs().iter().find(|c| c.id == id)
}

/// Share of the table's criterion rows that must be found in a catalog, by
/// code and similar title, for the table to be said to follow it (in percent).
const MIN_SIMILARITY_PERCENT: usize = 60;

/// What checking a table against the frameworks produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub catalog: Option<&'static Catalog>,
    pub findings: Vec<Finding>,
}

/// Checks the table against the catalog named `chosen` (`--framework ID`),
/// or else the one it follows — same level and year as the prose says (when
/// it says), most rows found by code and title. No catalog similar enough:
/// no findings.
pub fn check(
    chosen: Option<&str>,
    table: &ScoringTable,
    tree: &CriteriaTree,
    prose: &ProseFacts,
    recalculated: &Scores,
) -> Outcome {
    match chosen.and_then(find).or_else(|| select(table, prose)) {
        Some(catalog) => {
            Outcome { catalog: Some(catalog), findings: check_with(catalog, table, tree, prose, recalculated) }
        }
        None => Outcome::default(),
    }
}

fn select(table: &ScoringTable, prose: &ProseFacts) -> Option<&'static Catalog> {
    catalogs()
        .iter()
        .filter(|c| prose.unit_level.as_deref().map_or(true, |level| level == c.level))
        .filter(|c| prose.year.map_or(true, |year| c.years.contains(&year)))
        .filter_map(|c| {
            let (found, total) = similarity(c, table);
            (total > 0 && found * 100 >= total * MIN_SIMILARITY_PERCENT).then_some((c, found * 1000 / total))
        })
        .max_by_key(|&(_, permille)| permille)
        .map(|(c, _)| c)
}

/// (criterion rows found in the catalog by code and similar title, criterion rows).
fn similarity(catalog: &Catalog, table: &ScoringTable) -> (usize, usize) {
    let index = CatalogIndex::new(catalog);
    let rows: Vec<_> = table.rows.iter().filter(|r| r.kind == RowKind::Criterion).collect();
    let found = rows
        .iter()
        .filter(|r| {
            r.code
                .as_deref()
                .and_then(|code| index.by_code.get(code))
                .is_some_and(|&i| index.similar(i, &tokens(&r.title)))
        })
        .count();
    (found, rows.len())
}

/// Applies the framework's code repairs to the table (`--repair-codes`), so the
/// tree and the sums use the codes the titles and positions say, and returns
/// one `code_repaired` finding per changed row. Without a matching catalog
/// nothing changes.
pub fn repair_codes(chosen: Option<&str>, table: &mut ScoringTable, prose: &ProseFacts) -> Vec<Finding> {
    let Some(catalog) = chosen.and_then(find).or_else(|| select(table, prose)) else {
        return Vec::new();
    };
    let index = CatalogIndex::new(catalog);
    let repairs: Vec<(usize, usize)> =
        match_rows(&index, table).into_iter().filter(|m| m.repaired).map(|m| (m.row, m.criterion)).collect();
    let mut findings = Vec::new();
    for (row_index, criterion_index) in repairs {
        let criterion = &catalog.criteria[criterion_index];
        let row = &mut table.rows[row_index];
        let written = match &row.code {
            Some(code) => format!("Mã {code}"),
            None => "Dòng không ghi mã".to_owned(),
        };
        findings.push(finding(
            "code_repaired",
            Some(criterion.code.clone()),
            None,
            Severity::Info,
            format!(
                "{written} ({}): đã sửa thành {} \"{}\" theo tên và vị trí trong bộ tiêu chí {}",
                describe_location(&row.location),
                criterion.code,
                criterion.title,
                catalog.id
            ),
            Some(&row.location),
        ));
        row.code = Some(criterion.code.clone());
        row.kind = RowKind::Criterion;
    }
    findings
}

/// Checks the table against one catalog.
pub fn check_with(
    catalog: &Catalog,
    table: &ScoringTable,
    tree: &CriteriaTree,
    prose: &ProseFacts,
    recalculated: &Scores,
) -> Vec<Finding> {
    let index = CatalogIndex::new(catalog);
    let matches = match_rows(&index, table);
    let mut findings = Vec::new();
    let framework = format!("bộ tiêu chí {}", catalog.id);

    for m in &matches {
        let row = &table.rows[m.row];
        let criterion = &catalog.criteria[m.criterion];
        let place = describe_location(&row.location);
        if m.repaired {
            let written = match &row.code {
                Some(code) => format!("Dòng ghi mã {code}"),
                None => "Dòng không ghi mã".to_owned(),
            };
            findings.push(finding(
                "code_repaired",
                row.code.clone(),
                None,
                Severity::Info,
                format!(
                    "{written} ({place}): tên và vị trí khớp tiêu chí {} \"{}\" của {framework}; mã trong kết quả giữ nguyên như văn bản",
                    criterion.code, criterion.title
                ),
                Some(&row.location),
            ));
        }
        // The tree's value (chosen-option rule applied) when the row is numbered.
        let node_values = tree.nodes.iter().find(|n| n.row == m.row).map_or(row.values, |n| n.values);
        if let (Some(written), Some(expected)) = (node_values.get(Column::MaxPoints), criterion.max_points) {
            if written != expected {
                let mut f = finding(
                    "max_differs_from_framework",
                    row.code.clone(),
                    Some(Column::MaxPoints),
                    Severity::Warning,
                    format!(
                        "Tiêu chí {} ({place}): điểm chuẩn ghi {} nhưng {framework} quy định {}",
                        criterion.code,
                        format_vi(written),
                        format_vi(expected)
                    ),
                    Some(&row.location),
                );
                f.stated = Some(written.normalize());
                f.expected = Some(expected.normalize());
                findings.push(f);
            }
        }
    }

    if catalog.complete {
        let matched_rows: HashSet<usize> = matches.iter().map(|m| m.row).collect();
        for node in tree.nodes.iter().filter(|n| n.kind == RowKind::Criterion && !matched_rows.contains(&n.row)) {
            let location = &table.rows[node.row].location;
            findings.push(finding(
                "unknown_criterion",
                Some(node.code.clone()),
                None,
                Severity::Warning,
                format!("Tiêu chí {} ({}): không có trong {framework}", node.code, describe_location(location)),
                Some(location),
            ));
        }
    }

    // Remediation tables list only the criteria that lost points.
    if table.kind != TableKind::Remediation {
        let matched: HashSet<usize> = matches.iter().map(|m| m.criterion).collect();
        for (i, criterion) in catalog.criteria.iter().enumerate() {
            if index.is_leaf(i) && !matched.contains(&i) {
                findings.push(finding(
                    "missing_criterion",
                    Some(criterion.code.clone()),
                    None,
                    Severity::Warning,
                    format!("Tiêu chí {} \"{}\" của {framework} không có trong bảng", criterion.code, criterion.title),
                    None,
                ));
            }
        }
    }

    findings.extend(rating_mismatch(catalog, tree, table, prose, recalculated));
    findings
}

/// The stated rating against the band of the recalculated score, as a share
/// of the applicable maximum (the sum of the leaves' maxima in the table).
fn rating_mismatch(
    catalog: &Catalog,
    tree: &CriteriaTree,
    table: &ScoringTable,
    prose: &ProseFacts,
    recalculated: &Scores,
) -> Option<Finding> {
    let stated = prose.rating.as_deref()?;
    if !catalog.rating_bands.iter().any(|b| fold(&b.label) == fold(stated)) {
        return None; // a rating scheme the catalog does not know (e.g. đạt / không đạt)
    }
    let column = match prose.stated_total {
        Some((column, _)) => column,
        None if recalculated.get(Column::SelfScore).is_some() => Column::SelfScore,
        None => Column::AppraisalScore,
    };
    let score = recalculated.get(column)?;
    let maximum = recalculated.get(Column::MaxPoints).filter(|m| !m.is_zero())?;
    let share = score / maximum;
    let band = catalog.rating_bands.iter().find(|b| share >= b.min_share)?;
    if fold(&band.label) == fold(stated) {
        return None;
    }
    let percent = |d: Decimal| format_vi((d * Decimal::ONE_HUNDRED).round_dp(2));
    let location = tree.total().map(|n| &table.rows[n.row].location);
    let mut f = finding(
        "rating_mismatch",
        Some(crate::tree::TOTAL.to_owned()),
        Some(column),
        Severity::Warning,
        format!(
            "Báo cáo tự xếp loại \"{stated}\" nhưng {} tính lại {}/{} điểm ({}%) thuộc mức \"{}\" (từ {}%) theo bộ tiêu chí {}",
            column.label(),
            format_vi(score),
            format_vi(maximum),
            percent(share),
            band.label,
            percent(band.min_share),
            catalog.id
        ),
        location,
    );
    f.recalculated = Some(score.normalize());
    Some(f)
}

fn finding(
    kind: &str,
    code: Option<String>,
    column: Option<Column>,
    severity: Severity,
    message: String,
    location: Option<&Location>,
) -> Finding {
    Finding {
        kind: kind.to_owned(),
        code,
        column,
        stated: None,
        recalculated: None,
        expected: None,
        severity,
        message,
        location: location.cloned(),
        uncertain: false,
        read: None,
    }
}

/// A catalog prepared for matching: codes to positions, folded title words.
struct CatalogIndex<'a> {
    catalog: &'a Catalog,
    by_code: HashMap<&'a str, usize>,
    title_tokens: Vec<Vec<String>>,
    parents: HashSet<&'a str>,
}

impl<'a> CatalogIndex<'a> {
    fn new(catalog: &'a Catalog) -> Self {
        CatalogIndex {
            catalog,
            by_code: catalog.criteria.iter().enumerate().map(|(i, c)| (c.code.as_str(), i)).collect(),
            title_tokens: catalog.criteria.iter().map(|c| tokens(&c.title)).collect(),
            parents: catalog.criteria.iter().filter_map(|c| c.parent.as_deref()).collect(),
        }
    }

    fn is_leaf(&self, i: usize) -> bool {
        !self.parents.contains(self.catalog.criteria[i].code.as_str())
    }

    /// Most (70%) of the catalog title's words appear near the start of the
    /// written title, which often goes on with rubric text.
    fn similar(&self, i: usize, written: &[String]) -> bool {
        let wanted = &self.title_tokens[i];
        let window: HashSet<&str> = written.iter().take(wanted.len() + 8).map(String::as_str).collect();
        let found = wanted.iter().filter(|w| window.contains(w.as_str())).count();
        !wanted.is_empty() && found * 10 >= wanted.len() * 7
    }
}

fn tokens(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// A table row matched to a catalog criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowMatch {
    /// Index into [`ScoringTable::rows`].
    row: usize,
    /// Index into [`Catalog::criteria`].
    criterion: usize,
    /// Matched by title and position, not by the code written on the row.
    repaired: bool,
}

/// Matches rows to catalog criteria in two passes. Anchors: numbered rows
/// whose code is in the catalog with a similar title (Roman rows by code),
/// first occurrence only. Then every other numbered row, and every unnumbered
/// row with a max (a criterion whose code cell was left empty), is matched to
/// an unused catalog criterion with a similar title that lies between the
/// neighbouring anchors in framework order — a repair when its code differs —
/// or else, failing that, by its written code alone (a damaged title).
fn match_rows(index: &CatalogIndex, table: &ScoringTable) -> Vec<RowMatch> {
    let candidates: Vec<usize> = (0..table.rows.len())
        .filter(|&i| {
            let row = &table.rows[i];
            match row.kind {
                RowKind::Criterion | RowKind::Roman => true,
                RowKind::Unnumbered => row.values.get(Column::MaxPoints).is_some(),
                RowKind::Total => false,
            }
        })
        .collect();
    let row_tokens: Vec<Vec<String>> = candidates.iter().map(|&i| tokens(&table.rows[i].title)).collect();

    let mut anchors: Vec<Option<usize>> = vec![None; candidates.len()];
    let mut used: HashSet<usize> = HashSet::new();
    for (k, &i) in candidates.iter().enumerate() {
        let row = &table.rows[i];
        let Some(&c) = row.code.as_deref().and_then(|code| index.by_code.get(code)) else {
            continue;
        };
        if !used.contains(&c) && (row.kind == RowKind::Roman || index.similar(c, &row_tokens[k])) {
            anchors[k] = Some(c);
            used.insert(c);
        }
    }

    let mut matches: Vec<RowMatch> = Vec::new();
    for (k, &i) in candidates.iter().enumerate() {
        if let Some(c) = anchors[k] {
            matches.push(RowMatch { row: i, criterion: c, repaired: false });
            continue;
        }
        let after = anchors[..k].iter().rev().find_map(|a| *a);
        let before = anchors[k + 1..].iter().find_map(|a| *a);
        let in_place = |c: usize| after.map_or(true, |a| c > a) && before.map_or(true, |b| c < b);
        let row = &table.rows[i];
        let by_title = (0..index.catalog.criteria.len())
            .find(|&c| in_place(c) && !used.contains(&c) && index.similar(c, &row_tokens[k]));
        let by_code =
            row.code.as_deref().and_then(|code| index.by_code.get(code)).copied().filter(|c| !used.contains(c));
        let matched = match (by_title, by_code) {
            (Some(c), _) => Some(RowMatch {
                row: i,
                criterion: c,
                repaired: row.code.as_deref() != Some(&index.catalog.criteria[c].code),
            }),
            (None, Some(c)) => Some(RowMatch { row: i, criterion: c, repaired: false }),
            (None, None) => None,
        };
        if let Some(m) = matched {
            used.insert(m.criterion);
            matches.push(m);
        }
    }
    matches
}

#[cfg(test)]
mod tests;
