//! Annex tables: the header (merged rows read as a path), the numbering row
//! under it and the formulas it declares (`5=3+4`, `(5) = (3) - (4)`,
//! `7 (6:3)`), the rows with their outline depth, and the rows labelled as
//! totals with the rows each one sums.

use super::number::{parse_cell, Printed};
use super::{Expr, Formula, StatColumn, StatRow, StatTable, TotalRow};
use crate::grid::{Row, Table, VerticalMerge};
use crate::text::fold;

/// Headers of columns whose numbers are no counts: years, codes, dates, notes.
const NOT_COUNTS: [&str; 9] =
    ["nam", "ma", "ma so", "so hieu", "ky hieu", "ngay", "ghi chu", "dien thoai", "don vi tinh"];

/// Rows searched for the header and numbering row.
const HEADER_SEARCH: usize = 12;

/// Reads a table as a statistics table, or `None` when it has no numbers to check.
pub fn read(table: &Table) -> Option<StatTable> {
    if table.width < 3 || table.rows.len() < 3 {
        return None;
    }
    let numbering = (0..table.rows.len().min(HEADER_SEARCH)).find(|r| numbering_of(&table.rows[*r]).is_some());
    let body_start = match numbering {
        Some(r) => r + 1,
        None => first_data_row(table)?,
    };
    let header_end = numbering.unwrap_or(body_start);
    let header_start = (0..header_end).rev().take(3).take_while(|r| !is_title(&table.rows[*r])).last()?;
    let numbers = numbering.and_then(|r| numbering_of(&table.rows[r])).unwrap_or_default();
    let body = &table.rows[body_start..];
    let label_col = (0..table.width.min(4)).find(|c| is_text_column(body, *c))?;
    let stt_col = (0..label_col).next_back();

    let mut columns = Vec::new();
    for c in label_col + 1..table.width {
        // A cell merged across columns is read once, in its first column.
        if c > 0 && body.iter().all(|r| r.cell_at(c).is_some_and(|cell| cell.col < c)) {
            continue;
        }
        let texts = header_texts(&table.rows[header_start..header_end], c);
        let header = texts.last().cloned().unwrap_or_default();
        let folded = fold(&texts.join(" "));
        let leaf = fold(&header);
        if NOT_COUNTS.iter().any(|w| leaf == *w || leaf.starts_with(&format!("{w} "))) {
            continue;
        }
        let cells: Vec<&str> = body.iter().map(|r| r.text_at(c).trim()).filter(|t| !t.is_empty()).collect();
        let values: Vec<Printed> = cells.iter().filter_map(|t| parse_cell(t)).map(|n| n.printed).collect();
        let years = values.iter().all(|n| n.decimals == 0 && (1900..=2100).contains(&n.value.mantissa()));
        if values.is_empty() || values.len() * 5 < cells.len() * 4 || (years && values.len() >= 2) {
            continue;
        }
        let any_percent = cells.iter().any(|t| t.ends_with('%'));
        let number = numbers.iter().find(|(col, _, _)| *col == c).map(|(_, n, _)| *n);
        let ratio_words = ["ty le", "ti le", "%", "binh quan", "trung binh", "toc do", "so voi", "chi so"];
        columns.push(StatColumn {
            index: c,
            number,
            path: texts.join(" / "),
            header,
            ratio: any_percent || ratio_words.iter().any(|w| folded.contains(w)),
            percent: any_percent || folded.contains('%'),
        });
    }
    if columns.is_empty() {
        return None;
    }
    let formulas = formulas_of(&numbers, &mut columns);
    let rows: Vec<StatRow> = body
        .iter()
        .filter(|r| !r.is_blank())
        .map(|r| {
            let number = stt_col.map(|c| r.text_at(c).trim().to_owned()).unwrap_or_default();
            let mut label = r.text_at(label_col).trim().to_owned();
            if label.is_empty() {
                label = number.clone();
            }
            let values: Vec<Option<Printed>> =
                columns.iter().map(|col| parse_cell(r.text_at(col.index)).map(|n| n.printed)).collect();
            let unreadable = (0..columns.len())
                .filter(|c| values[*c].is_none() && !r.text_at(columns[*c].index).trim().is_empty())
                .collect();
            let stt_is_code = stt_col
                .is_some_and(|c| r.cell_at(c).map(|x| x.col) != r.cell_at(label_col).map(|x| x.col))
                && number.chars().any(|ch| ch.is_ascii_digit());
            StatRow {
                level: level_of(&number, &label),
                is_total: !stt_is_code && is_total_label(&label),
                label,
                number,
                location: r.location.clone(),
                values,
                unreadable,
            }
        })
        .collect();
    let totals = totals_of(&rows);
    if totals.is_empty() && formulas.is_empty() {
        return None;
    }
    let title = (0..header_start)
        .map(|r| table.rows[r].cells.iter().map(|c| c.text.trim()).collect::<String>())
        .find(|t| !t.is_empty());
    let location = table.rows[0].location.clone();
    Some(StatTable { location, title, columns, rows, totals, formulas })
}

/// A table of PAR scores (a scoring table's piece, a per-section summary):
/// a header cell in its first rows names points ("Điểm tối đa", "Điểm tự
/// đánh giá"). Those are v1's to check, never statistics.
pub fn is_scoring_like(table: &Table) -> bool {
    table.rows.iter().take(HEADER_SEARCH).flat_map(|r| &r.cells).any(|c| {
        let folded = fold(&c.text);
        folded.starts_with("diem ") || folded == "diem" || folded.contains(" diem tu ") || folded.starts_with("so diem")
    })
}

/// The numbering row under a header: at least three cells numbered in
/// increasing order ("1 | 2 | 3 = 4 + 5 + 6", "(1) | (2) | … | (6)=(5)/(3)",
/// a cell typed "(3)" and stored as −3). Returns (grid column, number, text).
fn numbering_of(row: &Row) -> Option<Vec<(usize, i64, String)>> {
    let mut numbers = Vec::new();
    let mut letters = 0;
    for cell in &row.cells {
        let text = cell.text.trim();
        if text.is_empty() {
            continue;
        }
        // Columns of names are lettered in statistical forms: "A | B | 1 | 2 | 3=1+2".
        if text.len() == 1 && text.chars().all(|c| c.is_ascii_uppercase()) {
            letters += 1;
            continue;
        }
        let (n, _) = leading_number(text)?;
        numbers.push((cell.col, n, text.to_owned()));
    }
    let increasing = numbers.windows(2).all(|w| w[1].1 > w[0].1);
    // "A | B | 1": the letters number the columns of names too.
    let enough = numbers.len() >= 3 || (letters >= 2 && !numbers.is_empty());
    (enough && increasing && numbers[0].1 <= 2).then_some(numbers)
}

/// "(5) = (3) - (4)" → (5, " = (3) - (4)"); "-3" → (3, "").
fn leading_number(text: &str) -> Option<(i64, &str)> {
    let t = text.trim_start_matches(['-', '−', '(', ' ']);
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    if digits == 0 || digits > 3 {
        return None;
    }
    let n = t[..digits].parse().ok()?;
    let rest = t[digits..].trim_start_matches([')', ' ']);
    let formula_like = rest.is_empty() || rest.starts_with(['=', '(']);
    formula_like.then_some((n, rest))
}

/// The formulas the numbering row declares, read onto the table's columns.
fn formulas_of(numbers: &[(usize, i64, String)], columns: &mut [StatColumn]) -> Vec<Formula> {
    let mut formulas = Vec::new();
    for (col, _, text) in numbers {
        let Some((_, rest)) = leading_number(text) else { continue };
        let Some(target) = columns.iter().position(|c| c.index == *col) else { continue };
        let Some(expr) = parse_expr(rest, |k| columns.iter().position(|c| c.number == Some(k))) else { continue };
        if matches!(expr, Expr::Ratio(..)) {
            columns[target].ratio = true;
        }
        formulas.push(Formula { target, expr, text: text.clone() });
    }
    formulas
}

/// "=(3)-(4)", "= 4 + 5 + 6", "(6:3)", "=(5)/(3)x100".
fn parse_expr(rest: &str, column: impl Fn(i64) -> Option<usize>) -> Option<Expr> {
    let compact: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    let body = match compact.strip_prefix('=') {
        Some(b) => b.to_owned(),
        None => compact.strip_prefix('(')?.strip_suffix(')')?.to_owned(),
    };
    let mut body = body.trim_end_matches('%').to_owned();
    for suffix in ["x100", "*100", "×100", "X100"] {
        if let Some(stripped) = body.strip_suffix(suffix) {
            body = stripped.to_owned();
        }
    }
    let mut terms: Vec<(char, i64)> = Vec::new();
    let mut op = '+';
    let mut digits = String::new();
    for ch in body.chars().chain(std::iter::once('+')) {
        match ch {
            '0'..='9' => digits.push(ch),
            '(' | ')' => {}
            '+' | '-' | '/' | ':' | '−' => {
                if digits.is_empty() {
                    return None;
                }
                terms.push((op, digits.parse().ok()?));
                digits.clear();
                op = ch;
            }
            _ => return None,
        }
    }
    if terms.len() < 2 {
        return None;
    }
    let cols: Vec<usize> = terms.iter().map(|(_, k)| column(*k)).collect::<Option<_>>()?;
    if terms.iter().any(|(o, _)| matches!(o, '/' | ':')) {
        return match (terms.as_slice(), cols.as_slice()) {
            ([_, (_, _)], [a, b]) if matches!(terms[1].0, '/' | ':') => Some(Expr::Ratio(*a, *b)),
            _ => None,
        };
    }
    Some(Expr::Sum(terms.iter().zip(cols).map(|((o, _), c)| (*o == '+', c)).collect()))
}

/// Header texts of a column, top to bottom, a merged cell's text once.
fn header_texts(rows: &[Row], col: usize) -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    for row in rows {
        let text = row.text_at(col).split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() && texts.last() != Some(&text) {
            texts.push(text);
        }
    }
    texts
}

/// A title row: one text for the whole width ("Biểu số 02", "(UBND xã …)").
/// A row of cells the header's merges cover from above is header, not title.
fn is_title(row: &Row) -> bool {
    let covered = row.cells.iter().any(|c| c.vmerge == VerticalMerge::Continue);
    !covered && row.cells.iter().filter(|c| !c.text.trim().is_empty()).count() <= 1
}

/// Without a numbering row, the body starts at the first row with two
/// numbers, or, in a table where no row has two (one column of counts), one.
fn first_data_row(table: &Table) -> Option<usize> {
    let numbers = |r: &usize| table.rows[*r].cells.iter().skip(1).filter(|c| parse_cell(&c.text).is_some()).count();
    let rows = 1..table.rows.len().min(HEADER_SEARCH);
    rows.clone().find(|r| numbers(r) >= 2).or_else(|| rows.into_iter().find(|r| numbers(r) == 1))
}

/// A column of names: most body cells are text.
fn is_text_column(body: &[Row], col: usize) -> bool {
    let texts: Vec<&str> = body.iter().map(|r| r.text_at(col).trim()).filter(|t| !t.is_empty()).collect();
    let words = texts.iter().filter(|t| t.chars().filter(|c| c.is_alphabetic()).count() >= 3).count();
    !texts.is_empty() && words * 2 > texts.len()
}

/// Outline depth from the STT cell and the label: Roman or capital-letter
/// groups 0, numbered rows 1, "1.1" 2, "a)" 3, dashes and "trong đó" 4.
fn level_of(number: &str, label: &str) -> u8 {
    let lower = label.trim().to_lowercase();
    if lower.starts_with("trong đó") || lower.starts_with(['-', '+', '*']) {
        return 4;
    }
    let n = number.trim().trim_end_matches(['.', ')']);
    if n.is_empty() {
        1
    } else if n.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
        || (n.len() == 1 && n.chars().all(|c| c.is_ascii_uppercase()))
    {
        0
    } else if n.chars().all(|c| c.is_ascii_digit()) {
        1
    } else if n.chars().all(|c| c.is_ascii_digit() || c == '.') {
        2
    } else if n.len() == 1 && n.chars().all(|c| c.is_ascii_lowercase()) {
        3
    } else {
        4
    }
}

/// `Cộng`, `Tổng cộng`, `Tổng số`, `Tổng`, `Cộng I`, `Cộng cán bộ`,
/// `Tổng cộng (I+II)`: not "Tổng số TTHC đang áp dụng" (a named indicator).
pub fn is_total_label(label: &str) -> bool {
    let lower = label.trim().trim_end_matches([':', '.']).to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let short_tail = |tail: &[&str]| {
        let joined = tail.join(" ");
        tail.is_empty()
            || joined.starts_with('(')
            || tail.iter().all(|w| w.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | '+' | '(' | ')')))
            || joined == "chung"
            || joined.starts_with("toàn ")
    };
    match words.as_slice() {
        // "Cộng đồng", "Cộng tác viên", "Cộng hòa": words, not totals.
        ["cộng", next, ..] if ["đồng", "tác", "hòa", "hoà", "sản", "sự"].contains(next) => false,
        ["tổng", "cộng", tail @ ..] | ["cộng", tail @ ..] => {
            tail.len() <= 3 && !tail.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()) && !w.starts_with('('))
        }
        ["tổng", "số", tail @ ..] | ["tổng", tail @ ..] => short_tail(tail),
        _ => false,
    }
}

/// Which rows each total row sums: the rows since the previous total, or,
/// right after subtotals, those subtotals (a grand total). A total with no
/// rows above it since the last one is not read.
fn totals_of(rows: &[StatRow]) -> Vec<TotalRow> {
    let mut totals = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    let mut subtotals: Vec<usize> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let has_values = row.values.iter().any(Option::is_some);
        if !row.is_total {
            if has_values {
                run.push(r);
            }
            continue;
        }
        let subtotal_label = row.label.trim().to_lowercase().starts_with("cộng");
        if !run.is_empty() && (subtotals.is_empty() || subtotal_label) {
            totals.push(TotalRow { row: r, members: std::mem::take(&mut run), grand: false });
            subtotals.push(r);
        } else if run.is_empty() && subtotals.len() >= 2 {
            totals.push(TotalRow { row: r, members: std::mem::take(&mut subtotals), grand: true });
        } else {
            run.clear();
            subtotals.clear();
        }
    }
    totals
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::grid::{Cell, Location};

    /// A table from rows of texts, "" for an empty cell, "<" for a cell
    /// covered by the one to its left (a merge).
    pub(crate) fn grid(rows: &[&[&str]]) -> Table {
        let rows = rows
            .iter()
            .enumerate()
            .map(|(r, texts)| {
                let mut cells: Vec<Cell> = Vec::new();
                for (c, text) in texts.iter().enumerate() {
                    match (*text, cells.last_mut()) {
                        ("<", Some(last)) => last.col_span += 1,
                        _ => cells.push(Cell { text: (*text).to_owned(), ..Cell::new(c, 1, Vec::new()) }),
                    }
                }
                Row { cells, location: Location { table: 2, row: r + 1, ..Location::default() }, ..Row::default() }
            })
            .collect();
        Table::new(rows)
    }

    #[test]
    fn a_merged_header_a_numbering_row_subtotals_and_a_grand_total() {
        let table = grid(&[
            &["Biểu số 03", "<", "<", "<", "<", "<"],
            &["STT", "Đối tượng", "Tổng số", "Chia theo cấp", "<", "Tỷ lệ (%)"],
            &["", "", "", "Cấp tỉnh", "Cấp huyện", ""],
            &["(1)", "(2)", "(3) = (4) + (5)", "(4)", "(5)", "(6)=(5)/(3)"],
            &["I", "Cán bộ", "", "", "", ""],
            &["1", "Bí thư", "8", "3", "5", "62,5"],
            &["", "Cộng I", "8", "3", "5", "62,5"],
            &["II", "Công chức", "", "", "", ""],
            &["1", "Văn phòng", "1.050", "50", "1.000", "95,2"],
            &["2", "Tư pháp", "10", "-", "10", "100"],
            &["", "Cộng II", "1.060", "50", "1.010", "95,3"],
            &["", "Tổng cộng (I+II)", "1.068", "53", "1.015", "95,0"],
        ]);
        let read = read(&table).expect("a statistics table");
        assert_eq!(read.title.as_deref(), Some("Biểu số 03"));
        let names: Vec<String> = read.columns.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["(3) Tổng số", "(4) Cấp tỉnh", "(5) Cấp huyện", "(6) Tỷ lệ (%)"]);
        assert_eq!(read.columns[1].path, "Chia theo cấp / Cấp tỉnh");
        assert_eq!((read.columns[3].ratio, read.columns[3].percent), (true, true));
        assert_eq!(read.formulas.len(), 2);
        assert_eq!(read.formulas[0].expr, Expr::Sum(vec![(true, 1), (true, 2)]));
        assert_eq!(read.formulas[1].expr, Expr::Ratio(2, 0));
        let totals: Vec<(&str, usize, bool)> =
            read.totals.iter().map(|t| (read.rows[t.row].label.as_str(), t.members.len(), t.grand)).collect();
        assert_eq!(totals, [("Cộng I", 1, false), ("Cộng II", 2, false), ("Tổng cộng (I+II)", 2, true)]);
        assert_eq!(read.rows[5].values[1].map(|v| v.value), Some(rust_decimal::Decimal::ZERO), "'-' is zero");
    }

    #[test]
    fn a_named_indicator_is_no_total_and_a_total_above_its_rows_is_not_read() {
        let table = grid(&[
            &["STT", "Chỉ tiêu", "Số lượng"],
            &["1", "2", "3"],
            &["", "Tổng số", "30"],
            &["3.1.3", "Tổng số TTHC đang áp dụng", "12"],
            &["1", "Thủ tục cấp xã", "10"],
            &["2", "Thủ tục liên thông", "8"],
        ]);
        assert_eq!(read(&table), None, "no total row and no formula: nothing to check");
    }

    #[test]
    fn a_table_of_one_count_column_sums_its_groups() {
        let table = grid(&[
            &["STT", "Loại văn bản", "Số lượng"],
            &["I", "Văn bản đến", "1.386"],
            &["1", "Văn bản điện tử", "1.307"],
            &["2", "Văn bản giấy", "79"],
            &["II", "Văn bản đi", "315"],
            &["1", "Văn bản ký số", "304"],
            &["", "Tổng cộng", "1.710"],
        ]);
        let read = read(&table).expect("a statistics table");
        assert_eq!(read.columns.iter().map(|c| c.header.as_str()).collect::<Vec<_>>(), ["Số lượng"]);
        let total = &read.totals[0];
        let levels: Vec<u8> = total.members.iter().map(|m| read.rows[*m].level).collect();
        assert_eq!(levels, [0, 1, 1, 0, 1], "the Roman groups are the rows the total sums");
    }

    #[test]
    fn a_header_whose_cells_all_span_two_rows() {
        let mut table = grid(&[
            &["STT", "Loại văn bản", "Số lượng"],
            &["", "", ""],
            &["1", "2", "3"],
            &["I", "Văn bản đến", "1.205"],
            &["1", "Văn bản điện tử", "1.010"],
            &["2", "Văn bản giấy", "195"],
            &["", "Tổng số", "1.205"],
        ]);
        for cell in &mut table.rows[1].cells {
            cell.vmerge = VerticalMerge::Continue;
        }
        let read = read(&table).expect("a statistics table");
        assert_eq!(read.columns.iter().map(StatColumn::name).collect::<Vec<_>>(), ["(3) Số lượng"]);
        assert_eq!(read.totals.len(), 1);
        // Lettered columns of names: "A | B | 1" is the numbering row, no data row.
        table.rows[2] = grid(&[&["A", "B", "1"]]).rows.remove(0);
        let read = super::read(&table).expect("a statistics table");
        assert_eq!((read.columns[0].name(), read.rows.len()), ("(1) Số lượng".to_owned(), 4));
    }

    #[test]
    fn total_labels_are_the_usual_words_and_not_named_indicators() {
        for label in ["Cộng", "Tổng cộng", "TỔNG SỐ", "Tổng", "Cộng I", "Cộng cán bộ", "Tổng cộng (I+II)", "Tổng số:"]
        {
            assert!(is_total_label(label), "{label}");
        }
        for label in ["Tổng số TTHC đang áp dụng", "Công chức Quân sự", "Tổng số hồ sơ tiếp nhận", "Cán bộ"]
        {
            assert!(!is_total_label(label), "{label}");
        }
    }

    #[test]
    fn numbering_rows_declare_sums_differences_and_ratios() {
        let col = |k: i64| (1..=9).contains(&k).then_some(k as usize);
        assert_eq!(parse_expr("= 4 + 5 + 6", col), Some(Expr::Sum(vec![(true, 4), (true, 5), (true, 6)])));
        assert_eq!(parse_expr(" = (3) - (4)", col), Some(Expr::Sum(vec![(true, 3), (false, 4)])));
        assert_eq!(parse_expr("(6:3)", col), Some(Expr::Ratio(6, 3)));
        assert_eq!(parse_expr("=(6)/(3)", col), Some(Expr::Ratio(6, 3)));
        assert_eq!(parse_expr("=(8)/(7)x100", col), Some(Expr::Ratio(8, 7)));
        assert_eq!(parse_expr("", col), None);
        assert_eq!(leading_number("7 (6:3)"), Some((7, "(6:3)")));
        assert_eq!(leading_number("-3"), Some((3, "")));
        assert_eq!(leading_number("Tổng"), None);
    }
}
