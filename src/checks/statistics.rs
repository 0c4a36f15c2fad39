//! Statistics outside the scoring table: a prose whole against its parts
//! (`parts_mismatch`), a stated percentage against its count and whole
//! (`percent_mismatch`), a table's total rows against the rows they sum
//! (`total_row_mismatch`) and its declared column formulas
//! (`column_formula_mismatch`). Runs on every document, with or without a
//! scoring table, over what [`crate::statistics`] read.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::{Finding, FindingKind, Severity};
use crate::number::format_vi;
use crate::statistics::{percent_agrees, Expr, Printed, StatRow, StatTable, Statement, Statistics, TotalRow};

/// Every statistics finding of a document, statements first.
pub fn check(statistics: &Statistics) -> Vec<Finding> {
    let mut findings = Vec::new();
    for statement in &statistics.statements {
        parts(statement, &mut findings);
        percentages(statement, &mut findings);
    }
    for table in &statistics.tables {
        totals(table, &mut findings);
        formulas(table, &mut findings);
    }
    findings
}

/// Quotes a statement in a message, shortened to a readable length.
fn quote(text: &str) -> String {
    const MAX: usize = 240;
    let text = text.trim();
    if text.chars().count() <= MAX {
        format!("«{text}»")
    } else {
        format!("«{}…»", text.chars().take(MAX).collect::<String>())
    }
}

fn where_prose(s: &Statement) -> String {
    match s.page {
        Some(page) => format!("đoạn {}, trang {page}", s.paragraph),
        None => format!("đoạn {}", s.paragraph),
    }
}

fn parts(s: &Statement, findings: &mut Vec<Finding>) {
    if !s.sum_checked || s.parts.is_empty() {
        return;
    }
    let sum: Decimal = s.parts.iter().map(|p| p.value).sum();
    if sum == s.value || (sum < s.value && !s.exhaustive) {
        return;
    }
    let relation = if sum > s.value { "lớn hơn" } else { "khác" };
    let message = format!(
        "{} ({}): tổng số ghi {} {} nhưng các phần cộng lại là {} {}, {relation} tổng số. Câu: {}",
        s.label,
        where_prose(s),
        format_vi(s.value),
        s.unit,
        format_vi(sum),
        s.unit,
        quote(&s.text)
    );
    findings.push(Finding {
        code: Some(s.label.clone()),
        stated: Some(s.value),
        recalculated: Some(sum),
        ..Finding::new(FindingKind::PartsMismatch, Severity::Error, message)
    });
}

fn percentages(s: &Statement, findings: &mut Vec<Finding>) {
    for part in &s.parts {
        let Some(percent) = part.percent else { continue };
        // A share above its whole is checked only when a split ties them; tied by position
        // alone, the count before may not be its whole.
        let beyond = part.value > s.value && !s.sum_checked;
        if s.value <= Decimal::ZERO || beyond || percent_agrees(part.value, s.value, percent) {
            continue;
        }
        let computed = round(part.value * Decimal::ONE_HUNDRED / s.value, percent.decimals.max(2));
        let message = format!(
            "{} ({}): ghi {}% nhưng {} / {} {} là {}%. Câu: {}",
            part.label,
            where_prose(s),
            format_vi(percent.value),
            format_vi(part.value),
            format_vi(s.value),
            s.unit,
            format_vi(computed),
            quote(&s.text)
        );
        findings.push(Finding {
            code: Some(part.label.clone()),
            label: Some(s.label.clone()),
            stated: Some(percent.value),
            recalculated: Some(computed),
            ..Finding::new(FindingKind::PercentMismatch, Severity::Warning, message)
        });
    }
}

fn round(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// How far a computed value may be from a printed one: nothing between
/// whole numbers, half a unit of the coarsest printed digit otherwise.
fn tolerance(values: &[Printed]) -> Decimal {
    if values.iter().all(|v| v.decimals == 0) {
        Decimal::ZERO
    } else {
        values.iter().filter(|v| v.decimals > 0).map(Printed::half_unit).sum()
    }
}

/// A total row's stated value in column `c` and the values it sums (the
/// members of the shallowest level holding a value), or `None` when the sum
/// cannot be read.
fn summed(t: &StatTable, total: &TotalRow, c: usize) -> Option<(Printed, Vec<Printed>)> {
    let stated = t.rows[total.row].values[c]?;
    let members: Vec<&StatRow> = total.members.iter().map(|m| &t.rows[*m]).collect();
    if members.iter().any(|m| m.unreadable.contains(&c)) {
        return None;
    }
    let level = members.iter().filter(|m| m.values[c].is_some()).map(|m| m.level).min()?;
    Some((stated, members.iter().filter(|m| m.level == level).filter_map(|m| m.values[c]).collect()))
}

/// A column shown to hold counts: a term of a declared sum, or a column in
/// which some total row adds up over two or more rows.
fn counts_column(t: &StatTable, c: usize) -> bool {
    let in_sum = t.formulas.iter().any(|f| match &f.expr {
        Expr::Sum(terms) => f.target == c || terms.iter().any(|(_, x)| *x == c),
        Expr::Ratio(..) => false,
    });
    in_sum
        || t.totals.iter().filter_map(|total| summed(t, total, c)).any(|(stated, values)| {
            values.len() >= 2
                && !stated.value.is_zero()
                && values.iter().map(|v| v.value).sum::<Decimal>() == stated.value
        })
}

fn totals(t: &StatTable, findings: &mut Vec<Finding>) {
    for total in &t.totals {
        let row = &t.rows[total.row];
        for (c, column) in t.columns.iter().enumerate() {
            if column.ratio || t.formulas.iter().any(|f| f.target == c && matches!(f.expr, Expr::Ratio(..))) {
                continue;
            }
            let Some((stated, summed)) = summed(t, total, c) else { continue };
            let sum: Decimal = summed.iter().map(|v| v.value).sum();
            // Below its largest row a "total" may be an average or a rate, whatever the header
            // says, unless the column is shown to hold counts.
            let largest = summed.iter().map(|v| v.value).max().unwrap_or_default();
            if summed.iter().all(|v| v.value >= Decimal::ZERO) && stated.value < largest && !counts_column(t, c) {
                continue;
            }
            let mut printed = summed.clone();
            printed.push(stated);
            if (sum - stated.value).abs() <= tolerance(&printed) {
                continue;
            }
            let over =
                if total.grand { "tổng các dòng cộng phía trên" } else { "tổng các dòng phía trên" };
            let message = format!(
                "Dòng «{}» ({}), cột {}: ghi {} nhưng {over} là {}",
                row.label,
                row.location.describe(),
                column.name(),
                format_vi(stated.value),
                format_vi(sum)
            );
            findings.push(cell_finding(FindingKind::TotalRowMismatch, row, column.name(), stated.value, sum, message));
        }
    }
}

/// An `error` on one cell of an annex table: its row's label, its column's name.
fn cell_finding(
    kind: FindingKind,
    row: &StatRow,
    column: String,
    stated: Decimal,
    recalculated: Decimal,
    message: String,
) -> Finding {
    Finding {
        code: Some(row.label.clone()),
        column_name: Some(column),
        stated: Some(stated),
        recalculated: Some(recalculated),
        location: Some(row.location.clone()),
        ..Finding::new(kind, Severity::Error, message)
    }
}

fn formulas(t: &StatTable, findings: &mut Vec<Finding>) {
    for row in &t.rows {
        for formula in &t.formulas {
            let Some(stated) = row.values[formula.target] else { continue };
            let column = &t.columns[formula.target];
            let computed = match &formula.expr {
                Expr::Sum(terms) => {
                    let Some(values) = terms.iter().map(|(_, c)| row.values[*c]).collect::<Option<Vec<_>>>() else {
                        continue;
                    };
                    let sum: Decimal =
                        terms.iter().zip(&values).map(|((plus, _), v)| if *plus { v.value } else { -v.value }).sum();
                    let mut printed = values.clone();
                    printed.push(stated);
                    if (sum - stated.value).abs() <= tolerance(&printed) {
                        continue;
                    }
                    sum
                }
                Expr::Ratio(num, den) => {
                    let (Some(n), Some(d)) = (row.values[*num], row.values[*den]) else { continue };
                    if d.value.is_zero() {
                        continue;
                    }
                    let fraction = n.value / d.value;
                    let percent = fraction * Decimal::ONE_HUNDRED;
                    let half = stated.half_unit();
                    if (percent - stated.value).abs() <= half || (fraction - stated.value).abs() <= half {
                        continue;
                    }
                    let as_percent = column.percent || stated.value > Decimal::ONE;
                    round(if as_percent { percent } else { fraction }, stated.decimals.max(2))
                }
            };
            let name = if row.number.is_empty() || row.number == row.label {
                format!("«{}»", row.label)
            } else {
                format!("{} «{}»", row.number, row.label)
            };
            let message = format!(
                "Dòng {name} ({}), cột {} (công thức {}): ghi {} nhưng tính theo công thức là {}",
                row.location.describe(),
                column.name(),
                formula.text,
                format_vi(stated.value),
                format_vi(computed)
            );
            let kind = FindingKind::ColumnFormulaMismatch;
            findings.push(cell_finding(kind, row, column.name(), stated.value, computed, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistics::table::{self, tests::grid};

    fn findings_of(rows: &[&[&str]]) -> Vec<(FindingKind, String, String, String, String)> {
        let table = table::read(&grid(rows)).expect("a statistics table");
        let statistics = Statistics { statements: Vec::new(), tables: vec![table] };
        check(&statistics)
            .into_iter()
            .map(|f| {
                let n = |d: Option<Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
                (f.kind, f.code.unwrap_or_default(), f.column_name.unwrap_or_default(), n(f.stated), n(f.recalculated))
            })
            .collect()
    }

    #[test]
    fn totals_sum_their_rows_and_ratio_columns_are_never_summed() {
        let found = findings_of(&[
            &["TT", "Lĩnh vực", "Số TTHC", "Toàn trình", "Tỷ lệ toàn trình (%)"],
            &["(1)", "(2)", "(3)", "(4)", "(5)=(4)/(3)"],
            &["1", "Hộ tịch", "32", "14", "43,75"],
            &["2", "Giáo dục", "25", "1", "4,00"],
            &["3", "Bảo trợ xã hội", "36", "6", "5,56"],
            &["", "Tổng cộng", "93", "20", "21,51"],
        ]);
        use FindingKind::*;
        let s = |x: &str| x.to_owned();
        assert_eq!(
            found,
            [
                (TotalRowMismatch, s("Tổng cộng"), s("(4) Toàn trình"), s("20"), s("21")),
                (ColumnFormulaMismatch, s("Bảo trợ xã hội"), s("(5) Tỷ lệ toàn trình (%)"), s("5.56"), s("16.67")),
            ]
        );
    }

    fn prose_findings(text: &str) -> Vec<(FindingKind, String)> {
        let mut paragraph = crate::grid::Paragraph::new(Vec::new(), None);
        paragraph.text = text.to_owned();
        let statistics = Statistics { statements: crate::statistics::prose::read(&[paragraph]), tables: Vec::new() };
        check(&statistics)
            .into_iter()
            .map(|f| (f.kind, f.stated.map(|d| d.normalize().to_string()).unwrap_or_default()))
            .collect()
    }

    #[test]
    fn a_share_of_a_part_above_its_whole_is_checked_when_a_split_ties_them() {
        use FindingKind::*;
        let split = "Tổng số văn bản đi: 573 văn bản, trong đó văn bản được ký số và gửi điện tử 579 văn bản, đạt 99%.";
        assert_eq!(prose_findings(split), [(PartsMismatch, "573".into()), (PercentMismatch, "99".into())]);
        let position = "Qua kiểm tra phát hiện 04 vấn đề, đã xử lý xong 06 vấn đề (100%).";
        assert_eq!(prose_findings(position), []);
    }

    #[test]
    fn a_total_below_its_largest_row_is_checked_when_the_column_holds_counts() {
        let found = findings_of(&[
            &["STT", "Đối tượng", "Tổng số lượt", "Cấp tỉnh", "Cấp huyện"],
            &["1", "2", "3 = 4 + 5", "4", "5"],
            &["1", "Văn phòng", "13", "4", "9"],
            &["2", "Tư pháp", "38", "9", "29"],
            &["", "Cộng", "51", "13", "25"],
        ]);
        assert_eq!(
            found,
            [
                (FindingKind::TotalRowMismatch, "Cộng".into(), "(5) Cấp huyện".into(), "25".into(), "38".into()),
                (
                    FindingKind::ColumnFormulaMismatch,
                    "Cộng".into(),
                    "(3) Tổng số lượt".into(),
                    "51".into(),
                    "38".into()
                ),
            ]
        );
        // Without a declared sum nor a balanced total, a value below the largest row may be an average.
        let silent = findings_of(&[
            &["STT", "Đơn vị", "Số hồ sơ", "Số ngày"],
            &["1", "Phòng A", "40", "12"],
            &["2", "Phòng B", "10", "4"],
            &["", "Cộng", "50", "8"],
        ]);
        assert!(silent.is_empty(), "{silent:?}");
    }

    #[test]
    fn a_difference_a_ratio_as_fraction_and_a_fraction_under_a_percent_sign_agree() {
        let found = findings_of(&[
            &["STT", "Đơn vị", "Kế hoạch", "Thực hiện", "Còn lại", "Tỷ lệ", "Tỷ lệ %"],
            &["1", "2", "3", "4", "5 = 3 - 4", "6 (4:3)", "(7)=(4)/(3)"],
            &["1", "Phòng A", "40", "30", "10", "0,75", "1,00%"],
            &["2", "Phòng B", "10", "10", "0", "1,00", "100%"],
            &["", "Cộng", "50", "40", "10", "0,80", "80,0%"],
        ]);
        assert_eq!(
            found,
            [(FindingKind::ColumnFormulaMismatch, "Phòng A".into(), "(7) Tỷ lệ %".into(), "1".into(), "75".into())]
        );
    }
}
