//! Findings against the framework the table follows (its criteria catalog,
//! chosen by [`crate::framework::choose`]): rows repaired to their catalog
//! code, maxima the unit changed, criteria the framework lacks or the table
//! lacks, and a stated rating the bands disagree with.

use std::collections::HashSet;

use rust_decimal::Decimal;

use super::Facts;
use crate::framework::{finding, match_rows, rating_band, rating_withheld, Catalog, CatalogIndex};
use crate::model::{Column, Finding, FindingKind, Severity, TableKind};
use crate::number::format_vi;
use crate::table::RowKind;
use crate::text::fold;

/// Checks the table against the catalog it follows; nothing when it follows none.
pub fn check(facts: &Facts) -> Vec<Finding> {
    let Some(catalog) = facts.catalog else { return Vec::new() };
    let (table, tree) = (facts.table, facts.tree);
    let index = CatalogIndex::new(catalog);
    let matches = match_rows(&index, table);
    let mut findings = Vec::new();
    let framework = format!("bộ tiêu chí {}", catalog.id);

    for m in &matches {
        let row = &table.rows[m.row];
        let criterion = &catalog.criteria[m.criterion];
        let place = row.location.describe();
        if m.repaired {
            let written = match &row.code {
                Some(code) => format!("Dòng ghi mã {code}"),
                None => "Dòng không ghi mã".to_owned(),
            };
            findings.push(finding(
                FindingKind::CodeRepaired,
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
                    FindingKind::MaxDiffersFromFramework,
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
                f.stated = Some(written);
                f.expected = Some(expected);
                findings.push(f);
            }
        }
    }

    if catalog.complete {
        let matched_rows: HashSet<usize> = matches.iter().map(|m| m.row).collect();
        for node in tree.nodes.iter().filter(|n| n.kind == RowKind::Criterion && !matched_rows.contains(&n.row)) {
            let location = &table.rows[node.row].location;
            findings.push(finding(
                FindingKind::UnknownCriterion,
                Some(node.code.clone()),
                None,
                Severity::Warning,
                format!("Tiêu chí {} ({}): không có trong {framework}", node.code, location.describe()),
                Some(location),
            ));
        }
    }

    // Remediation tables list only the criteria that lost points.
    let mut missing = 0;
    if table.kind != TableKind::Remediation {
        let matched: HashSet<usize> = matches.iter().map(|m| m.criterion).collect();
        for (i, criterion) in catalog.criteria.iter().enumerate() {
            if index.is_leaf(i) && !matched.contains(&i) {
                missing += 1;
                findings.push(finding(
                    FindingKind::MissingCriterion,
                    Some(criterion.code.clone()),
                    None,
                    Severity::Warning,
                    format!("Tiêu chí {} \"{}\" của {framework} không có trong bảng", criterion.code, criterion.title),
                    None,
                ));
            }
        }
    }

    if rating_withheld(catalog, missing).is_none() {
        findings.extend(rating_mismatch(catalog, facts));
    }
    findings
}

/// The stated rating against the band of the recalculated score, as a share
/// of the applicable maximum (the sum of the leaves' maxima in the table).
fn rating_mismatch(catalog: &Catalog, facts: &Facts) -> Option<Finding> {
    let (tree, table, prose, recalculated) = (facts.tree, facts.table, facts.prose, &facts.recalculated);
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
    let band = rating_band(catalog, score, maximum)?;
    if fold(&band.label) == fold(stated) {
        return None;
    }
    let percent = |d: Decimal| format_vi((d * Decimal::ONE_HUNDRED).round_dp(2));
    let location = tree.total().map(|n| &table.rows[n.row].location);
    let mut f = finding(
        FindingKind::RatingMismatch,
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
    f.recalculated = Some(score);
    Some(f)
}
