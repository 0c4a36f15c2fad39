//! Row classification under a header: criterion rows (code from the code
//! column, or from the start of the title when the first column holds a
//! running number), Roman group rows, the grand-total row, unnumbered rows
//! (rubric options, scored sub-items), and page artefacts that are dropped.

use super::header::{Header, Role};
use super::scan_codes::{self, bars_numeral};
use super::{evidence, rubric, EvidenceCell, RowKind, ScannedValue, TableRow};
use crate::code::{parse_code, title_code, CodeMatch};
use crate::config::{Deadline, TimeLimit};
use crate::grid::{Cell, Reading, Row, Table, VerticalMerge};
use crate::model::{CellField, CellLocation, CellLocations, Column, Scores};
use crate::number::parse_score;
use crate::text::fold;

/// What a table piece hands to the next piece of the same table (a header
/// repeated on the next page, a Word table split per page): which section a
/// running-number column reached, and whether it uses running numbers at all.
/// Without it a piece that starts mid-table would take section `4` for a row
/// count, since only `1` may open a running-number table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Continuation {
    pub last_section: Option<u32>,
    pub running_numbers: bool,
    /// The last criterion code of the piece before: scanned codes at the top
    /// of a page are put right by it ([`scan_codes::repair`]).
    pub last_code: Option<String>,
}

/// Reads the data rows `rows` (indices into `table.rows`) under `header`,
/// continuing the piece before it as `carry` says, and updating `carry` for
/// the piece after it.
pub fn read_rows(
    table: &Table,
    header: &Header,
    rows: &[usize],
    carry: &mut Continuation,
    notes: &mut Vec<String>,
    deadline: &Deadline,
) -> Result<Vec<TableRow>, TimeLimit> {
    let mut code_cols = header.columns_of(Role::Code);
    let mut title_cols = header.columns_of(Role::Title);
    // A code column whose header cell was left blank sits left of the title.
    if code_cols.is_empty() {
        code_cols.extend(title_cols.first().and_then(|t| t.checked_sub(1)).filter(|&c| header.roles[c] == Role::Other));
    }
    if title_cols.is_empty() {
        title_cols.extend(code_cols.last().map(|c| c + 1));
    }
    let score_cols: Vec<(Column, Vec<usize>)> =
        header.score_columns().into_iter().map(|c| (c, header.columns_of(Role::Score(c)))).collect();
    let running_numbers = carry.running_numbers || uses_running_numbers(table, rows, &code_cols, &title_cols);
    carry.running_numbers = running_numbers;
    let rubric_cols = header.columns_of(Role::Rubric);
    let evidence_cols = evidence_columns(table, header, rows);
    // The evidence cell last started: the rows a vertical merge covers get it too.
    let mut open_evidence: Option<EvidenceCell> = None;

    // A table that starts mid-way (a continuation annex opening at section
    // 4) expects as its first section the one its first sub-criterion
    // belongs to, not 1: else its section rows read as row counts.
    if running_numbers && carry.last_section.is_none() {
        let first =
            rows.iter().find_map(|&i| title_code(text_in(&table.rows[i], &title_cols)).filter(|m| m.depth() >= 2));
        let section = first.and_then(|m| m.code.split('.').next()?.parse::<u32>().ok());
        carry.last_section = section.and_then(|s| s.checked_sub(1)).filter(|&s| s > 0);
    }
    let misread_numbers = if running_numbers { misread_running_numbers(table, rows, &code_cols) } else { Vec::new() };
    let mut out = Vec::with_capacity(rows.len());
    let (mut barred, mut code_texts) = (Vec::new(), Vec::new());
    let last_section = &mut carry.last_section;
    // The running number of the last row counted (a leaf or an unnumbered row).
    let mut last_count: Option<u32> = None;
    for &index in rows {
        deadline.check()?;
        let row = &table.rows[index];
        // Header rows repeated on a new page (Word's `tblHeader`, or the same texts again).
        if row.repeats_as_header || header.is_repeated_by(row) {
            continue;
        }
        let code_text = text_in(row, &code_cols);
        let title_text = text_in(row, &title_cols);
        let (values, scanned, mut cells) = read_values(row, &score_cols, notes);
        let from_title = title_code(title_text).filter(|_| !opens_with_points(title_text));
        let code_from_title = from_title.is_some();
        let number = running_numbers.then(|| scan_codes::running_number(code_text)).flatten();
        // The number after the last row's continues the count even where it is
        // also the next section's (`2` after leaf `1`, its title's code lost to
        // OCR), unless the title is a section's, in capitals.
        let continues_count = number.is_some() && number == last_count.map(|n| n + 1) && !is_capitals(title_text);
        let counted = misread_numbers.contains(&index) || continues_count;
        let (mut kind, mut code, title) =
            classify(code_text, title_text, from_title, (running_numbers, counted), last_section);
        if number.is_some() && (kind == RowKind::Unnumbered || code_from_title) {
            last_count = number;
        }
        let from_scan = row.cells.iter().any(|c| scan_reading(c).is_some());
        // A group heading whose Roman numeral OCR read as bars (`]`, `|`):
        // kept as that group only if a section follows it.
        if let Some(numeral) = bars_numeral(code_text).filter(|_| from_scan && kind == RowKind::Unnumbered) {
            if is_capitals(&title) {
                (kind, code) = (RowKind::Roman, Some(numeral));
                barred.push(out.len());
            }
        }
        if kind == RowKind::Unnumbered && values.is_empty() && is_artefact(row, title_text) {
            continue;
        }
        let evidence =
            (!evidence_cols.is_empty()).then(|| evidence_of(&table.rows, index, &evidence_cols, &mut open_evidence));
        let located = |cols: &[usize]| cell_in(row, cols).map(|c| CellLocation::new(&row.location, c));
        let (code_cell, title_cell) = (located(&code_cols), located(&title_cols));
        let code_cell = if code_from_title { title_cell.clone() } else { code_cell.or_else(|| title_cell.clone()) };
        cells.set(CellField::Code, code_cell.filter(|_| code.is_some()));
        // A title merged over the evidence column is no evidence.
        let evidence_cell = evidence.as_ref().and_then(|e| e.at.clone()).filter(|e| Some(e) != title_cell.as_ref());
        cells.set(CellField::Title, title_cell.or_else(|| located(&code_cols)));
        cells.set(CellField::Evidence, evidence_cell);
        let rubric_text = text_in(row, &rubric_cols);
        let rubric = match kind {
            RowKind::Criterion | RowKind::Unnumbered => rubric::read(&title).joined(rubric::read(rubric_text)),
            RowKind::Roman | RowKind::Total => rubric::Reading::default(),
        };
        let text_confidence = [&title_cols, &rubric_cols]
            .into_iter()
            .filter_map(|cols| cell_in(row, cols).and_then(scan_reading).map(|r| r.confidence))
            .min();
        code_texts.push(code_text);
        out.push(TableRow {
            kind,
            code,
            title,
            values,
            location: row.location.clone(),
            scanned,
            from_scan,
            rubric,
            text_confidence,
            evidence,
            cells,
        });
    }
    scan_codes::repair(&mut out, &barred, &code_texts, running_numbers, carry.last_code.as_deref());
    if let Some(code) = out.iter().rev().find(|r| r.kind == RowKind::Criterion).and_then(|r| r.code.clone()) {
        carry.last_code = Some(code);
    }
    Ok(out)
}

/// Text of the first non-empty cell among `cols` (one role's columns).
fn text_in<'r>(row: &'r Row, cols: &[usize]) -> &'r str {
    cell_in(row, cols).map_or("", |c| c.text.as_str())
}

/// The first cell among `cols` with text of its own: not empty, and not the
/// continuation of a vertical merge (the merged value belongs to the first row only).
fn cell_in<'r>(row: &'r Row, cols: &[usize]) -> Option<&'r Cell> {
    cols.iter()
        .filter_map(|&c| row.cell_at(c))
        .find(|cell| cell.vmerge != VerticalMerge::Continue && !cell.text.is_empty())
}

/// A title opening with a value, its unit and a colon or dash (`0.5 điểm –
/// Công khai chưa đầy đủ`) is an option row written value first, not a
/// criterion numbered `0.5` (`3.2 Điểm thưởng` is one).
fn opens_with_points(title: &str) -> bool {
    let title = title.trim_start();
    let rest = title.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
    let rest = rest.trim_start();
    let (unit, after) = rest.split_at(rest.find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len()));
    let parted = after.trim_start().starts_with([':', '-', '–']);
    rest.len() < title.len() && parted && matches!(fold(unit).as_str(), "diem" | "d")
}

/// The columns headed as evidence; else a `Ghi chú` column that lists
/// documents (at least three of its cells, and half of those not empty, cite
/// one): many tables keep their evidence there. A notes column of remarks is
/// no evidence column: its empty cells say nothing of a score's proof.
fn evidence_columns(table: &Table, header: &Header, rows: &[usize]) -> Vec<usize> {
    let headed = header.columns_of(Role::Evidence);
    if !headed.is_empty() {
        return headed;
    }
    let notes = header.first_row_texts.iter().zip(&header.roles).position(|(text, role)| {
        *role == Role::Other && fold(text).trim_matches(|c: char| !c.is_alphanumeric()) == "ghi chu"
    });
    let Some(col) = notes else { return Vec::new() };
    let texts: Vec<&str> = rows
        .iter()
        .filter_map(|&r| table.rows.get(r)?.cell_at(col))
        .map(|c| c.text.trim())
        .filter(|t| !t.is_empty())
        .collect();
    let citing = texts.iter().filter(|t| !evidence::citations(t).is_empty()).count();
    if citing >= 3 && citing * 2 >= texts.len() {
        vec![col]
    } else {
        Vec::new()
    }
}

/// The evidence cells of `row` among `cols`, when a vertical merge above covers them all.
fn covered_cells<'r>(row: &'r Row, cols: &[usize]) -> Option<Vec<&'r Cell>> {
    let cells: Vec<&Cell> = cols.iter().filter_map(|&c| row.cell_at(c)).collect();
    (!cells.is_empty() && cells.iter().all(|c| c.vmerge == VerticalMerge::Continue)).then_some(cells)
}

/// The evidence cell covering row `index` of `rows` among `cols`: its own,
/// or — on a row a vertical merge covers — the one that started the merge.
fn evidence_of(rows: &[Row], index: usize, cols: &[usize], open: &mut Option<EvidenceCell>) -> EvidenceCell {
    let row = &rows[index];
    if covered_cells(row, cols).is_some() {
        if let Some(started) = open {
            return started.clone();
        }
    }
    let cells: Vec<&Cell> = cols.iter().filter_map(|&c| row.cell_at(c)).collect();
    let own = cells.iter().find(|c| c.vmerge != VerticalMerge::Continue && !c.text.trim().is_empty());
    let text = own.map_or("", |c| c.text.trim());
    let at = own.map(|c| CellLocation::new(&row.location, c));
    // A merge keeps its text in its first cell, so an empty one is empty (a
    // template's cell per criterion left blank) — unless a cell it covers
    // holds text. On a printed page, an empty cell opening the page under
    // evidence on the page before may be the rest of a merge the break cut,
    // its text above the break. Either way the text belongs to no row for certain.
    let unsure = text.is_empty() && {
        let merged = cells.iter().any(|c| c.vmerge == VerticalMerge::Start);
        let text_below = || {
            rows[index + 1..]
                .iter()
                .map_while(|r| covered_cells(r, cols))
                .any(|covered| covered.iter().any(|c| !c.text.trim().is_empty()))
        };
        let printed = cells.iter().any(|c| c.place.bbox.is_some());
        let cut = || match index.checked_sub(1).map(|i| &rows[i]) {
            Some(above) => {
                let merged_text =
                    covered_cells(above, cols).is_some() && open.as_ref().is_some_and(|o| !o.text.is_empty());
                above.location.page != row.location.page
                    && (merged_text || cols.iter().filter_map(|&c| above.cell_at(c)).any(|c| !c.text.trim().is_empty()))
            }
            // A page's table read apart from the one before it may continue it.
            None => true,
        };
        merged && text_below() || printed && cut()
    };
    let cell = EvidenceCell {
        origin: (row.location.table, row.location.row),
        text: text.to_owned(),
        citations: evidence::citations(text),
        confidence: own.and_then(|c| scan_reading(c)).map(|r| r.confidence),
        unsure,
        at,
    };
    // Only a merge's first cell is handed on to the rows it covers.
    let starts_merge = cells.iter().any(|c| c.vmerge == VerticalMerge::Start);
    *open = starts_merge.then(|| cell.clone());
    cell
}

/// How OCR read a cell, when it was read from a scan: the lowest confidence
/// of its runs, confirmed when every run was.
fn scan_reading(cell: &Cell) -> Option<Reading> {
    cell.runs.iter().filter_map(|r| r.reading).reduce(|a, b| Reading {
        confidence: a.confidence.min(b.confidence),
        confirmed: a.confirmed && b.confirmed,
        legible: a.legible && b.legible,
    })
}

/// A row's scores, those read by OCR, and where each was read.
fn read_values(
    row: &Row,
    score_cols: &[(Column, Vec<usize>)],
    notes: &mut Vec<String>,
) -> (Scores, Vec<ScannedValue>, CellLocations) {
    let mut values = Scores::default();
    // Each score column, then the code, title and evidence (`read_rows`).
    let mut located = CellLocations::with_capacity(score_cols.len() + 3);
    let mut scanned: Vec<(usize, ScannedValue)> = Vec::new();
    for (column, cols) in score_cols {
        let column = *column;
        // A cell spanning several score columns (a merged note) is not a score.
        let spans_scores = |c: &crate::grid::Cell| {
            score_cols.iter().filter(|(_, own)| own.iter().any(|i| c.columns().contains(i))).count() > 1
        };
        if cols.iter().any(|&col| row.cell_at(col).is_some_and(spans_scores)) {
            continue;
        }
        let cell = cell_in(row, cols);
        let text = cell.map_or("", |c| c.text.as_str());
        let value = parse_score(text);
        if let Some((cell, reading)) = cell.and_then(|c| Some((c, scan_reading(c)?))).filter(|_| value.is_some()) {
            let read = ScannedValue {
                column,
                text: text.trim().to_owned(),
                confidence: reading.confidence,
                confirmed: reading.confirmed,
                legible: reading.legible,
                restored: None,
            };
            scanned.push((cell.col, read));
        }
        if value.is_none() && !text.trim().is_empty() && text.chars().any(|c| c.is_ascii_digit()) && text.len() < 40 {
            notes.push(format!(
                "không đọc được giá trị '{}' ở cột {} ({})",
                text.replace('\n', " "),
                column.label(),
                row.location.describe()
            ));
        }
        if let Some(cell) = cell.filter(|_| value.is_some()) {
            located.set(CellField::of(column), Some(CellLocation::new(&row.location, cell)));
        }
        values.set(column, value);
    }
    scanned.sort_by_key(|(col, _)| *col);
    (values, scanned.into_iter().map(|(_, read)| read).collect(), located)
}

/// Whether the code column holds running numbers (seed 003: `25.` while the
/// criteria code sits in the title) rather than codes.
fn uses_running_numbers(table: &Table, rows: &[usize], code_cols: &[usize], title_cols: &[usize]) -> bool {
    let both = rows
        .iter()
        .filter(|&&i| {
            let row = &table.rows[i];
            parse_code(text_in(row, code_cols)).is_some_and(|m| !m.roman && m.depth() == 1)
                && title_code(text_in(row, title_cols)).is_some_and(|m| m.depth() >= 2)
        })
        .count();
    both >= 3
}

/// The rows (of `rows`, read from a scan) whose running number OCR misread
/// ([`scan_codes::mend_running_numbers`]): a row count, whatever section
/// number it may look like (`6` between `59` and `61`).
fn misread_running_numbers(table: &Table, rows: &[usize], code_cols: &[usize]) -> Vec<usize> {
    let scanned: Vec<usize> =
        rows.iter().copied().filter(|&i| table.rows[i].cells.iter().any(|c| scan_reading(c).is_some())).collect();
    let read: Vec<Option<u32>> =
        scanned.iter().map(|&i| scan_codes::running_number(text_in(&table.rows[i], code_cols))).collect();
    let mut mended = read.clone();
    scan_codes::mend_running_numbers(&mut mended);
    scanned.into_iter().zip(read.iter().zip(&mended)).filter(|(_, (a, b))| a != b).map(|(i, _)| i).collect()
}

/// The row's kind, code and title; `from_title` is [`title_code`] of
/// `title_text`, which the caller has already read; `running` whether the
/// code column holds running numbers and whether this row's is one OCR
/// misread ([`misread_running_numbers`]).
fn classify(
    code_text: &str,
    title_text: &str,
    from_title: Option<CodeMatch>,
    (running_numbers, counted): (bool, bool),
    last_section: &mut Option<u32>,
) -> (RowKind, Option<String>, String) {
    let from_code_col = parse_code(code_text);
    // The title is the code cell's rest when the code column holds it all, or
    // one cell spans both columns (`I. ĐÁNH GIÁ …` merged over code and title).
    let spans_both = title_text.is_empty() || title_text == code_text;

    if from_code_col.is_none() && is_total(code_text, title_text) {
        let title = if title_text.is_empty() { code_text } else { title_text };
        return (RowKind::Total, Some("TOTAL".to_owned()), title.to_owned());
    }
    if let Some(m) = &from_code_col {
        if m.roman {
            let title = if spans_both { m.rest.clone() } else { title_text.to_owned() };
            return (RowKind::Roman, Some(m.code.clone()), title);
        }
    }
    // The title's own code wins over a running number, and over a code column
    // that repeats it.
    if let Some(m) = from_title {
        let section = m.code.split('.').next().and_then(|s| s.parse::<u32>().ok());
        // A criterion of the next section opens it even when its section row
        // is on a page before or lost: then the section after it may follow.
        if m.depth() == 1 || section.is_some_and(|s| last_section.is_none_or(|l| s == l + 1)) {
            *last_section = section;
        }
        return (RowKind::Criterion, Some(m.code), m.rest);
    }
    if let Some(m) = from_code_col {
        let title = if spans_both { m.rest.clone() } else { title_text.to_owned() };
        if m.depth() == 1 {
            let number: Option<u32> = m.code.parse().ok();
            // In a running-number column only the next section number is a
            // section (`1` … `7`); any other bare number is a row count —
            // unless the section's title is written after it in capitals in
            // the same cell, the title column left empty (a section row
            // spanning both).
            let titled = spans_both && is_capitals(&m.rest);
            if running_numbers && (counted || number != Some(last_section.map_or(1, |s| s + 1))) && !titled {
                return (RowKind::Unnumbered, None, title);
            }
            *last_section = number;
        }
        return (RowKind::Criterion, Some(m.code), title);
    }
    (RowKind::Unnumbered, None, title_text.to_owned())
}

/// A heading in capitals (`XÂY DỰNG VÀ TỔ CHỨC …`), as sections are titled.
fn is_capitals(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4 && letters.iter().filter(|c| c.is_uppercase()).count() * 5 >= letters.len() * 4
}

/// The grand-total row: "Tổng I + II", "TỔNG ĐIỂM", "Tổng cộng", "Cộng";
/// the caller has found no code in `code_text`.
fn is_total(code_text: &str, title_text: &str) -> bool {
    let looks_total = |text: &str| {
        let t = fold(text);
        let t = t.trim_start_matches(|c: char| !c.is_alphanumeric());
        (t.starts_with("tong") && !t.starts_with("tong hop") && t.len() < 60 && !t.contains("ty le"))
            || t == "cong"
            || t.starts_with("cong (")
    };
    looks_total(title_text) || looks_total(code_text)
}

/// Page artefacts between rows: lone letters ("C"), page numbers, blank rows.
fn is_artefact(row: &Row, title_text: &str) -> bool {
    let all_text: String = row.cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" ");
    let trimmed = all_text.trim();
    trimmed.is_empty() || (trimmed.chars().count() <= 3 && title_text.chars().count() <= 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_code(code: &str, title: &str, running: bool, last: &mut Option<u32>) -> (RowKind, Option<String>) {
        let (k, c, _) = classify(code, title, title_code(title), (running, false), last);
        (k, c)
    }

    #[test]
    fn codes_come_from_the_title_in_running_number_tables() {
        let mut last = None;
        assert_eq!(kind_code("1", "CÔNG TÁC CHỈ ĐẠO", true, &mut last), (RowKind::Criterion, Some("1".into())));
        assert_eq!(
            kind_code("1.", "TCTP 1.1.1. Ban hành", true, &mut last),
            (RowKind::Criterion, Some("1.1.1".into()))
        );
        assert_eq!(kind_code("25.", "Một dòng không mã", true, &mut last), (RowKind::Unnumbered, None));
        assert_eq!(kind_code("2", "XÂY DỰNG", true, &mut last), (RowKind::Criterion, Some("2".into())));
        // A section the row before lost (misread), its title in the code cell.
        assert_eq!(kind_code("4. CẢI CÁCH TỔ CHỨC", "", true, &mut last), (RowKind::Criterion, Some("4".into())));
        assert_eq!(kind_code("26. Thực hiện kế hoạch", "", true, &mut last), (RowKind::Unnumbered, None));
        let spanning = "6. CẢI CÁCH TÀI CHÍNH CÔNG";
        assert_eq!(kind_code(spanning, spanning, true, &mut last), (RowKind::Criterion, Some("6".into())));
        assert_eq!(kind_code("27.", "", true, &mut last), (RowKind::Unnumbered, None));
        // A piece opening inside section 4, its section row on the page before: section 5 follows.
        let mut last = Some(3);
        assert_eq!(kind_code("51", "4.3.1. Thực hiện", true, &mut last), (RowKind::Criterion, Some("4.3.1".into())));
        assert_eq!(kind_code("5", "XÂY DỰNG ĐỘI NGŨ", true, &mut last), (RowKind::Criterion, Some("5".into())));
        assert_eq!(kind_code("56", "5.1.2. Tỷ lệ", true, &mut last), (RowKind::Criterion, Some("5.1.2".into())));
        assert_eq!(kind_code("7", "Một dòng", true, &mut last), (RowKind::Unnumbered, None));
        // A row count OCR misread as the next section's number (`6` for `60`)
        // is no section, and section 6 is still the next.
        let mut last = Some(5);
        let counted = classify("6", "5.3.1 Ban hành", None, (true, true), &mut last);
        assert_eq!((counted.0, counted.1, last), (RowKind::Unnumbered, None, Some(5)));
        assert_eq!(kind_code("6", "TÀI CHÍNH CÔNG", true, &mut last), (RowKind::Criterion, Some("6".into())));
    }

    /// A running-number table that opens at section 4 (an annex continuing
    /// another file) keeps its section rows and their values.
    #[test]
    fn a_table_opening_at_section_four_keeps_its_sections() {
        let csv = "STT;Tiêu chí;Điểm tối đa;Điểm tự chấm\n\
            4;Cải cách tổ chức bộ máy;6;5\n1;4.1. Cơ cấu;2;2\n2;4.1.1. Tổ chức;1;1\n3;4.1.2. Quy định;1;1\n\
            4;4.2. Biên chế;4;3\n5;4.2.1. Sử dụng;2;1\n6;4.2.2. Tinh giản;2;2\n\
            5;Xây dựng đội ngũ;4;4\n7;5.1. Vị trí việc làm;2;2\n8;5.2. Tuyển dụng;2;2\n";
        let budget = &mut crate::extract::Budget::new(crate::config::Limits::default());
        let mut document = crate::extract::sheets::delimited::extract(csv.as_bytes(), budget).expect("csv");
        crate::text::normalize_document(&mut document);
        let table = super::super::find_scoring_table(&document, &Deadline::none()).unwrap().expect("a scoring table");
        let sections: Vec<(Option<&str>, Option<rust_decimal::Decimal>)> = table
            .rows
            .iter()
            .filter(|r| r.code.as_deref().is_some_and(|c| !c.contains('.')))
            .map(|r| (r.code.as_deref(), r.values.get(Column::SelfScore)))
            .collect();
        assert_eq!(sections, [(Some("4"), Some(5.into())), (Some("5"), Some(4.into()))]);
        assert!(table.rows.iter().all(|r| r.kind == RowKind::Criterion), "{:?}", table.rows);
    }

    #[test]
    fn scanned_values_keep_their_own_column_and_confidence() {
        use crate::grid::{Location, Run};
        let cell = |col: usize, text: &str, confidence: Option<u8>| {
            let reading =
                confidence.map(|confidence| Reading { confidence, confirmed: confidence > 90, legible: true });
            let mut cell = Cell::new(col, 1, vec![Run { reading, ..Run::plain(text) }]);
            cell.text = text.to_owned();
            cell
        };
        let row = Row {
            cells: vec![cell(0, "1.6", Some(30)), cell(1, "1", Some(95)), cell(2, "1", Some(67)), cell(3, "2", None)],
            location: Location::default(),
            repeats_as_header: false,
        };
        let cols = [(Column::MaxPoints, vec![1]), (Column::SelfScore, vec![2]), (Column::AppraisalScore, vec![3])];
        let (values, scanned, located) = read_values(&row, &cols, &mut Vec::new());
        assert_eq!(values.get(Column::AppraisalScore), Some(2.into()));
        let columns: Vec<_> = located.iter().map(|(field, _)| field.name()).collect();
        assert_eq!(columns, ["max_points", "self_score", "appraisal_score"], "each value read is located");
        let read: Vec<(Column, &str, u8, bool)> =
            scanned.iter().map(|s| (s.column, s.text.as_str(), s.confidence, s.confirmed)).collect();
        assert_eq!(read, [(Column::MaxPoints, "1", 95, true), (Column::SelfScore, "1", 67, false)]);
    }

    #[test]
    fn an_empty_evidence_cell_is_empty_unless_its_text_may_be_elsewhere() {
        use crate::grid::{Location, Run};
        let row = |text: &str, vmerge: VerticalMerge| {
            let mut cell = Cell::new(0, 1, vec![Run::plain(text)]);
            (cell.text, cell.vmerge) = (text.to_owned(), vmerge);
            Row { cells: vec![cell], location: Location::default(), repeats_as_header: false }
        };
        let read = |rows: &[Row], index: usize| evidence_of(rows, index, &[0], &mut None);
        // A criterion's cell merged over its option rows, left blank: no evidence, for certain.
        let blank = [row("", VerticalMerge::Start), row("", VerticalMerge::Continue), row("KH 5", VerticalMerge::None)];
        let cell = read(&blank, 0);
        assert!(cell.text.is_empty() && !cell.unsure);
        // Text in a cell the merge covers belongs to no row for certain.
        let misplaced = [row("", VerticalMerge::Start), row("KH 5", VerticalMerge::Continue)];
        assert!(read(&misplaced, 0).unsure);
        // A merge the page break cut: its text is on the page before.
        let mut cut = [row("BC 1442", VerticalMerge::Start), row("", VerticalMerge::Start)];
        cut[1].location.page = Some(2);
        cut[1].cells[0].place.bbox = Some([0, 0, 10, 10]);
        assert!(read(&cut, 1).unsure);
        cut[0].cells[0].vmerge = VerticalMerge::None;
        assert!(read(&cut, 1).unsure, "the part above the break is one row of its page");
        (cut[0].cells[0].text, cut[0].cells[0].runs) = (String::new(), Vec::new());
        assert!(!read(&cut, 1).unsure, "nothing above the break");
        // The break fell inside the merge's rows: its text is where the merge started.
        let mut cut =
            [row("BC 1382", VerticalMerge::Start), row("", VerticalMerge::Continue), row("", VerticalMerge::None)];
        cut[2].location.page = Some(2);
        cut[2].cells[0].place.bbox = Some([0, 0, 10, 10]);
        let mut open = None;
        let _ = (evidence_of(&cut, 0, &[0], &mut open), evidence_of(&cut, 1, &[0], &mut open));
        assert!(evidence_of(&cut, 2, &[0], &mut open).unsure);
        // A page's table read as a table of its own.
        assert!(read(&cut[2..], 0).unsure);
        // Word and spreadsheets are not cut by pages.
        cut[2].cells[0].place.bbox = None;
        assert!(!read(&cut[2..], 0).unsure);
    }

    #[test]
    fn a_title_opening_with_points_is_an_option_written_value_first() {
        assert!(opens_with_points("0.5 điểm – Công khai chưa đầy đủ"));
        assert!(opens_with_points("1.5 điểm: Số hóa đầy đủ"));
        assert!(opens_with_points("0,5đ: Ban hành chậm"));
        assert!(!opens_with_points("3.2 Điểm thưởng"));
        assert!(!opens_with_points("1.5 Công khai thủ tục hành chính"));
        assert!(title_code("1.5 điểm: Số hóa đầy đủ").is_some(), "read as a code without the check");
    }

    #[test]
    fn roman_total_and_code_with_title_in_one_cell() {
        let mut last = None;
        assert_eq!(kind_code("I", "ĐÁNH GIÁ", false, &mut last), (RowKind::Roman, Some("I".into())));
        assert_eq!(kind_code("", "Tổng I + II", false, &mut last), (RowKind::Total, Some("TOTAL".into())));
        assert_eq!(kind_code("", "TỔNG ĐIỂM", false, &mut last), (RowKind::Total, Some("TOTAL".into())));
        let (kind, code, title) = classify("1.2 Báo cáo CCHC", "", None, (false, false), &mut last);
        assert_eq!((kind, code.as_deref(), title.as_str()), (RowKind::Criterion, Some("1.2"), "Báo cáo CCHC"));
        // One cell merged over the code and title columns: its code is no part of the title.
        let spanning = "I. ĐÁNH GIÁ CHỈ SỐ CCHC";
        assert_eq!(
            classify(spanning, spanning, title_code(spanning), (false, false), &mut last).2,
            "ĐÁNH GIÁ CHỈ SỐ CCHC"
        );
        let spanning = "1. CÔNG TÁC CHỈ ĐẠO";
        assert_eq!(
            classify(spanning, spanning, title_code(spanning), (false, false), &mut last),
            (RowKind::Criterion, Some("1".into()), "CÔNG TÁC CHỈ ĐẠO".into())
        );
        assert_eq!(kind_code("", "- Ban hành kịp thời: 2", false, &mut last), (RowKind::Unnumbered, None));
        assert_eq!(kind_code("", "Tổng hợp kết quả", false, &mut last), (RowKind::Unnumbered, None));
    }
}
