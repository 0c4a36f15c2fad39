//! Criteria catalogs (`schemas/catalogs/*.json`, described by
//! `schemas/criteria.schema.json`) and checking a scoring table against the
//! framework it follows: choosing the catalog, matching rows to its criteria
//! (codes that are missing, duplicated or out of place found by title and
//! position) and repairing codes. The findings against the catalog are
//! [`crate::checks::framework`]'s.
//!
//! By default codes in the output are never changed: the contract and the
//! acceptance corpus judge codes as written. A repair is reported
//! (`code_repaired`) and used only to match the row to its catalog criterion
//! here; with `--repair-codes` ([`repair_codes`]) it is applied to the table
//! before the tree is built, so the scores sum under the right criteria. A
//! code OCR misread is no code the paper wrote: it is put right always
//! ([`repair_misread_codes`]).
//!
//! Most documents in the wild follow frameworks we have no catalog for, so
//! when no catalog matches the table well enough there are no findings at all.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::code::{digits, is_roman};
use crate::grid::Location;
use crate::model::{Column, Finding, FindingKind, Severity};
use crate::prose::ProseFacts;
use crate::table::{RowKind, ScoringTable};
use crate::text::fold;

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
/// The same for a table read from a scan, whose titles and codes OCR garbles
/// in part (a poor copy: a title in three cut short or misspelt).
const MIN_SCANNED_SIMILARITY_PERCENT: usize = 50;

/// The catalog the table is checked against, chosen once per document: the
/// one named `chosen` (`--framework ID`), or else the one it follows — same
/// level and year as the prose says (when it says), most rows found by code
/// and title. `None` when no catalog is similar enough: then there are no
/// framework findings.
pub fn choose(chosen: Option<&str>, table: &ScoringTable, prose: &ProseFacts) -> Option<&'static Catalog> {
    chosen.and_then(find).or_else(|| select(table, prose))
}

fn select(table: &ScoringTable, prose: &ProseFacts) -> Option<&'static Catalog> {
    let scanned = table.rows.iter().any(|r| r.from_scan);
    let min_percent = if scanned { MIN_SCANNED_SIMILARITY_PERCENT } else { MIN_SIMILARITY_PERCENT };
    catalogs()
        .iter()
        .filter(|c| prose.unit_level.as_deref().is_none_or(|level| level == c.level))
        .filter(|c| prose.year.is_none_or(|year| c.years.contains(&year)))
        .filter_map(|c| {
            let (found, total) = similarity(c, table);
            (total > 0 && found * 100 >= total * min_percent).then_some((c, found * 1000 / total))
        })
        .max_by_key(|&(_, permille)| permille)
        .map(|(c, _)| c)
}

/// (criterion rows found in the catalog by code and similar title, criterion rows).
/// A scanned row whose code OCR misread ([`misreading_of`]) is found by the
/// criterion it is a misreading of whose title it has: on a poor copy many
/// codes are (`1.32`, `23`), and they still speak for the catalog.
fn similarity(catalog: &Catalog, table: &ScoringTable) -> (usize, usize) {
    let index = CatalogIndex::new(catalog);
    let rows: Vec<_> = table.rows.iter().filter(|r| r.kind == RowKind::Criterion).collect();
    let found = rows
        .iter()
        .filter(|r| {
            let Some(code) = r.code.as_deref() else { return false };
            // A title is split into words only for a row compared with the
            // catalog: one whose code it lacks, most of a big sheet's, is not.
            match index.by_code.get(code) {
                Some(&i) => index.similar(i, &tokens(&r.title)),
                None if r.from_scan => {
                    let title = tokens(&r.title);
                    catalog
                        .criteria
                        .iter()
                        .enumerate()
                        .any(|(i, c)| misreading_of(code, &c.code) && index.similar(i, &title))
                }
                None => false,
            }
        })
        .count();
    (found, rows.len())
}

/// Applies the framework's code repairs to the table (`--repair-codes`), so the
/// tree and the sums use the codes the titles and positions say, and returns
/// one `code_repaired` finding per changed row.
pub fn repair_codes(catalog: &Catalog, table: &mut ScoringTable) -> Vec<Finding> {
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
            FindingKind::CodeRepaired,
            Some(criterion.code.clone()),
            None,
            Severity::Info,
            format!(
                "{written} ({}): đã sửa thành {} \"{}\" theo tên và vị trí trong bộ tiêu chí {}",
                row.location.describe(),
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

/// Codes OCR misread on rows read from a scan (`11.4`, `54`, `8.1` for
/// `1.1.1`, `5.4`, `6.1`) or did not read at all, put right by the catalog
/// criterion the row's title and position match ([`match_rows`]) when the
/// code read may be a misreading of that criterion's ([`misreading_of`]).
/// Done by default, unlike [`repair_codes`]: such a code is the reading's
/// fault, not the paper's, and left as read it files the row's scores under
/// another criterion. A code the paper itself got wrong in the middle (`4.2`
/// where `4.3.2` belongs) stays. Judged on the codes as they are once every
/// such repair is made (misreadings come in runs: `2.1.3`, `3.1.3` for 2.1.2,
/// 2.1.3), a repair is left out when its criterion would be on two rows (a
/// parent `3.3` the catalog lacks, whose title is near its child's `3.3.2`,
/// which has a row of its own) or when the code read is the catalog's and no
/// other row's (`1.1.2` on the row of the catalog's 1.1.3: a table that left
/// a criterion out and numbered on).
pub fn repair_misread_codes(catalog: &Catalog, table: &mut ScoringTable) {
    if !table.rows.iter().any(|r| r.from_scan) {
        return;
    }
    let index = CatalogIndex::new(catalog);
    let repairs: Vec<(usize, &String)> = match_rows(&index, table)
        .into_iter()
        .filter(|m| m.repaired && table.rows[m.row].from_scan)
        .filter(|m| {
            let (row, criterion) = (&table.rows[m.row], &catalog.criteria[m.criterion]);
            // A code cut short is a parent's too (`5.7` for 5.7.1): only with the criterion's maximum.
            let same_max =
                || criterion.max_points.is_some() && row.values.get(Column::MaxPoints) == criterion.max_points;
            match row.code.as_deref() {
                Some(read) => misreading_of(read, &criterion.code) || levels_lost(read, &criterion.code) && same_max(),
                None => row.kind == RowKind::Unnumbered,
            }
        })
        .map(|m| (m.row, &catalog.criteria[m.criterion].code))
        .collect();
    let mut repaired: Vec<Option<&str>> = table.rows.iter().map(|r| r.code.as_deref()).collect();
    for &(row, code) in &repairs {
        repaired[row] = Some(code);
    }
    let held_elsewhere =
        |code: &str, row: usize| repaired.iter().enumerate().any(|(i, c)| i != row && *c == Some(code));
    let accepted: Vec<(usize, String)> = repairs
        .iter()
        .filter(|&&(row, code)| {
            let own_numbering = table.rows[row]
                .code
                .as_deref()
                .is_some_and(|read| index.by_code.contains_key(read) && !held_elsewhere(read, row));
            !own_numbering && !held_elsewhere(code, row)
        })
        .map(|&(row, code)| (row, code.clone()))
        .collect();
    for (row, code) in accepted {
        let row = &mut table.rows[row];
        row.kind = if is_roman(&code) { RowKind::Roman } else { RowKind::Criterion };
        row.code = Some(code);
    }
}

/// Whether OCR may have read `code` as `read`: the same digits with dots
/// lost or moved (`54.2` for `5.4.2`), one digit misread (`8.1` for `6.1`,
/// `11.4` for `1.1.1`), a digit read as the letter it looks like (`V` for
/// a bold `7`), or its first or last digit lost at the cell's edge (`2`
/// for `7.2`); a Roman numeral with one stroke more or less (`I` for
/// `II`), its strokes read as bars or ones (`1`, `11` for `II`).
fn misreading_of(read: &str, code: &str) -> bool {
    if is_roman(code) {
        let strokes = read.chars().filter(|&c| c != '.').count();
        let bars = code.chars().all(|c| c == 'I') && read.chars().all(|c| "1lI|!.".contains(c));
        return (is_roman(read) && strsim::levenshtein(read, code) == 1) || (bars && strokes.abs_diff(code.len()) <= 1);
    }
    let (read, code) = (digits_read(read), digits(code));
    if read.is_empty() {
        return false;
    }
    if read.len() == code.len() {
        return read.chars().zip(code.chars()).filter(|(a, b)| a != b).count() <= 1;
    }
    read.len() + 1 == code.len() && (code.starts_with(&read) || code.ends_with(&read))
}

/// Whether `read` has fewer digits than `code`, letters read for digits counted.
fn digit_lost(read: &str, code: &str) -> bool {
    digits_read(read).len() < digits(code).len()
}

/// The digits of a code read by OCR, letters that look like digits read as them.
fn digits_read(read: &str) -> String {
    digits(&read.chars().map(|c| digit_lookalike(c).unwrap_or(c)).collect::<String>())
}

/// Whether `read` is `code` with its last levels lost (`7` for `7.2.1`):
/// the code of one of its parents.
fn levels_lost(read: &str, code: &str) -> bool {
    code.strip_prefix(read.trim_end_matches('.')).is_some_and(|rest| rest.starts_with('.'))
}

/// The digit a letter or mark read in a code cell may be: the shapes
/// Tesseract reads for digits (`V` for a bold `7`, `O` for `0`). Lower-case
/// letters but `l` are left: they are words glued to a code (`1.2xử`).
fn digit_lookalike(c: char) -> Option<char> {
    Some(match c {
        'I' | 'l' | '|' | '!' => '1',
        'O' | 'D' => '0',
        'Z' => '2',
        'S' => '5',
        'G' => '6',
        'T' | 'V' => '7',
        'B' => '8',
        _ => return None,
    })
}

/// The band a score earns out of `maximum` in the catalog (highest band first).
pub fn rating_band(catalog: &Catalog, score: Decimal, maximum: Decimal) -> Option<&RatingBand> {
    if maximum.is_zero() {
        return None;
    }
    let share = score / maximum;
    catalog.rating_bands.iter().find(|b| share >= b.min_share)
}

pub(crate) fn finding(
    kind: FindingKind,
    code: Option<String>,
    column: Option<Column>,
    severity: Severity,
    message: String,
    location: Option<&Location>,
) -> Finding {
    Finding { code, column, location: location.cloned(), ..Finding::new(kind, severity, message) }
}

/// Why the table gets no rating, when it shows too little of the framework:
/// with more than a quarter of the framework's criteria absent (a few pages
/// of a scan, an excerpt), its total is not the unit's and a band would be a guess.
pub fn rating_withheld(catalog: &Catalog, missing: usize) -> Option<String> {
    let parents: HashSet<&str> = catalog.criteria.iter().filter_map(|c| c.parent.as_deref()).collect();
    let leaves = catalog.criteria.iter().filter(|c| !parents.contains(c.code.as_str())).count();
    (missing * 4 > leaves).then(|| {
        format!(
            "Không xếp loại: bảng thiếu {missing}/{leaves} tiêu chí của bộ tiêu chí (có thể chỉ là một phần của báo cáo)"
        )
    })
}

/// How alike a written title's letters and a catalog title's must start when
/// the written one's words run together ([`CatalogIndex::similar`]).
const RUN_TOGETHER_SIMILARITY: f64 = 0.85;

/// A catalog prepared for matching: codes to positions, folded title words.
pub(crate) struct CatalogIndex<'a> {
    catalog: &'a Catalog,
    by_code: HashMap<&'a str, usize>,
    title_tokens: Vec<Vec<String>>,
    parents: HashSet<&'a str>,
}

impl<'a> CatalogIndex<'a> {
    pub(crate) fn new(catalog: &'a Catalog) -> Self {
        CatalogIndex {
            catalog,
            by_code: catalog.criteria.iter().enumerate().map(|(i, c)| (c.code.as_str(), i)).collect(),
            title_tokens: catalog.criteria.iter().map(|c| tokens(&c.title)).collect(),
            parents: catalog.criteria.iter().filter_map(|c| c.parent.as_deref()).collect(),
        }
    }

    pub(crate) fn is_leaf(&self, i: usize) -> bool {
        !self.parents.contains(self.catalog.criteria[i].code.as_str())
    }

    /// Most (70%) of the catalog title's words appear near the start of the
    /// written title, which often goes on with rubric text — or, its words
    /// run together (OCR lost the spaces of `ĐIEUTRAXÃHỌI HỌC`), its letters
    /// start with nearly (85%) the catalog title's.
    fn similar(&self, i: usize, written: &[String]) -> bool {
        let (found, wanted) = self.words_found(i, written);
        if wanted == 0 || found * 10 >= wanted * 7 {
            return wanted > 0;
        }
        let letters: String = self.title_tokens[i].concat();
        // Only the written title's first words, as many letters as the catalog's.
        let mut start = String::with_capacity(letters.len());
        for word in written {
            if start.len() >= letters.len() {
                break;
            }
            start.push_str(word);
        }
        let start: String = start.chars().take(letters.chars().count()).collect();
        strsim::normalized_levenshtein(&letters, &start) >= RUN_TOGETHER_SIMILARITY
    }

    /// Half the catalog title's words appear near the start of the written
    /// title: enough with other evidence (the code read may be the criterion's).
    fn half_similar(&self, i: usize, written: &[String]) -> bool {
        let (found, wanted) = self.words_found(i, written);
        wanted > 0 && found * 2 >= wanted
    }

    /// How many of the catalog title's words appear near the start of the
    /// written title, and how many it has.
    fn words_found(&self, i: usize, written: &[String]) -> (usize, usize) {
        let wanted = &self.title_tokens[i];
        let window: HashSet<&str> = written.iter().take(wanted.len() + 8).map(String::as_str).collect();
        (wanted.iter().filter(|w| window.contains(w.as_str())).count(), wanted.len())
    }
}

fn tokens(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// A table row matched to a catalog criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowMatch {
    /// Index into [`ScoringTable::rows`].
    pub row: usize,
    /// Index into [`Catalog::criteria`].
    pub criterion: usize,
    /// Matched by title and position, not by the code written on the row.
    pub repaired: bool,
}

/// Matches rows to catalog criteria in two passes. Anchors: numbered rows
/// whose code is in the catalog with a similar title (Roman rows by code),
/// first occurrence only. Then every other numbered row, and every unnumbered
/// row with a max (a criterion whose code cell was left empty), is matched to
/// an unused catalog criterion with a similar title that lies between the
/// neighbouring anchors in framework order — a repair when its code differs —
/// or else, failing that, by its written code alone (a damaged title).
pub(crate) fn match_rows(index: &CatalogIndex, table: &ScoringTable) -> Vec<RowMatch> {
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
        let in_place = |c: usize| after.is_none_or(|a| c > a) && before.is_none_or(|b| c < b);
        let row = &table.rows[i];
        let open = |c: &usize| in_place(*c) && !used.contains(c);
        // Failing a title that matches and a code of its own, a scanned row
        // whose code read may be the criterion's with a digit misread (`V`
        // for a bold `7`; not one lost: `5.7` is 5.7.1's parent) needs half
        // its title's words: OCR loses words of a bold title over two lines as well.
        let misread_here = |c: usize| {
            let code = &index.catalog.criteria[c].code;
            row.from_scan
                && row.code.as_deref().is_some_and(|read| misreading_of(read, code) && !digit_lost(read, code))
        };
        let criteria = 0..index.catalog.criteria.len();
        let by_title = criteria.clone().filter(open).find(|&c| index.similar(c, &row_tokens[k]));
        let by_code =
            row.code.as_deref().and_then(|code| index.by_code.get(code)).copied().filter(|c| !used.contains(c));
        let repair = |c: usize| RowMatch {
            row: i,
            criterion: c,
            repaired: row.code.as_deref() != Some(&index.catalog.criteria[c].code),
        };
        let matched = match (by_title, by_code) {
            (Some(c), _) => Some(repair(c)),
            (None, Some(c)) => Some(RowMatch { row: i, criterion: c, repaired: false }),
            (None, None) => {
                criteria.filter(open).find(|&c| misread_here(c) && index.half_similar(c, &row_tokens[k])).map(repair)
            }
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
