//! `parcheck tables`: the tables of a document as parcheck recognised them —
//! every grid cell, the header rows and the role found for each column, each
//! row's kind and code, which rows make up the scoring table, and each
//! criterion's rubric and evidence citations as read — as text, CSV or JSON,
//! so an appraiser who doubts a finding can see what was read.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::config::{Deadline, Options, TimeLimit};
use crate::grid::{Document, Table};
use crate::model::{CellField, Column};
use crate::pipeline::{io_cause, read_document};
use crate::report::rubric::{Citation, Rubric, Value};
use crate::report::{CellRef, Cells};
use crate::sniff;
use crate::table::header::{Header, Role};
use crate::table::rows::{read_rows, Continuation};
use crate::table::{document_headers, find_scoring_table, RowKind, ScoringTable};

use super::labels::column_heading;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Csv,
    Json,
}

impl OutputFormat {
    /// The format a `--format` value names; text for any other.
    pub fn named(name: &str) -> Self {
        match name {
            "csv" => OutputFormat::Csv,
            "json" => OutputFormat::Json,
            _ => OutputFormat::Text,
        }
    }
}

/// One file as read: its tables, or why it could not be read.
#[derive(Debug, Serialize)]
pub struct FileView {
    pub path: String,
    pub format: String,
    pub error: Option<String>,
    /// The system's or library's own text behind `error`, apart from the Vietnamese message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_detail: Option<String>,
    pub tables: Vec<TableView>,
}

#[derive(Debug, Serialize)]
pub struct TableView {
    /// 1-based, as in finding locations.
    pub table: usize,
    pub sheet: Option<String>,
    pub width: usize,
    pub headers: Vec<HeaderView>,
    pub rows: Vec<RowView>,
}

#[derive(Debug, Serialize)]
pub struct HeaderView {
    /// 1-based numbers of the header's first and last row.
    pub first_row: usize,
    pub last_row: usize,
    /// Role of each grid column: `code`, `title`, a score column name, or `other`.
    pub roles: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct RowView {
    pub row: usize,
    pub page: Option<u32>,
    /// `header`, `criterion`, `roman`, `total`, `unnumbered`, or `ignored`
    /// (outside any header, or a repeated header / page artefact).
    pub kind: &'static str,
    pub code: Option<String>,
    pub in_scoring_table: bool,
    /// Text per grid column; a merged cell's text is in its first column.
    pub cells: Vec<String>,
    /// A criterion's rubric as read from its rows (`criteria[].rubric`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rubric: Option<Rubric>,
    /// The documents its evidence cells cite (`criteria[].evidence`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Citation>,
    /// Where each of a criterion's values was read (`criteria[].cells`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub located: Option<Cells>,
}

/// What was read for one criterion of the scoring table, by the row it starts on.
struct Reading {
    location: crate::grid::Location,
    rubric: Option<Rubric>,
    evidence: Vec<Citation>,
    cells: Cells,
}

/// Each criterion's rubric and citations as the check reads them (its own
/// row and the unnumbered rows under it), the deadline in the document's year.
fn readings(document: &Document, table: &ScoringTable, deadline: &Deadline) -> Result<Vec<Reading>, TimeLimit> {
    let year = crate::prose::read(document).year;
    let tree = crate::tree::build(table, deadline)?;
    Ok(tree
        .nodes
        .into_iter()
        .map(|n| Reading {
            location: table.rows[n.row].location.clone(),
            rubric: n.rubric.as_ref().map(|r| Rubric::new(r, year)),
            evidence: n.evidence.citations.into_iter().map(Citation::from).collect(),
            cells: Cells::from(&n.cells),
        })
        .collect())
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Code => "code",
        Role::RowNumber => "row_number",
        Role::Title => "title",
        Role::Score(c) => c.name(),
        Role::Evidence => "evidence",
        Role::Rubric => "rubric",
        Role::Other => "other",
    }
}

fn role_label(name: &str) -> &'static str {
    match name {
        "code" => "mã tiêu chí",
        "row_number" => "STT",
        "title" => "tiêu chí",
        "evidence" => "tài liệu kiểm chứng",
        "rubric" => "thang điểm",
        "other" => "khác",
        _ => Column::ALL.into_iter().find(|c| c.name() == name).map_or("khác", column_heading),
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "header" => "tiêu đề",
        "criterion" => "tiêu chí",
        "roman" => "nhóm La Mã",
        "total" => "dòng tổng",
        "unnumbered" => "không đánh số",
        _ => "bỏ qua",
    }
}

fn row_kind_name(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Criterion => "criterion",
        RowKind::Roman => "roman",
        RowKind::Total => "total",
        RowKind::Unnumbered => "unnumbered",
    }
}

/// Reads one file under the usual limits (checked before reading).
pub fn read_file(path: &Path, options: &Options) -> FileView {
    let mut view = FileView {
        path: path.to_string_lossy().into_owned(),
        format: "unknown".into(),
        error: None,
        error_detail: None,
        tables: Vec::new(),
    };
    let unreadable = |e: std::io::Error| (format!("không đọc được tệp: {}", io_cause(&e)), Some(e.to_string()));
    let bytes = match std::fs::metadata(path) {
        Err(e) => Err(unreadable(e)),
        Ok(m) if m.len() > options.limits.max_file_bytes => Err((
            format!(
                "tệp có dung lượng {} MB, vượt giới hạn {} MB",
                m.len() / (1024 * 1024),
                options.limits.max_file_bytes / (1024 * 1024)
            ),
            None,
        )),
        Ok(_) => std::fs::read(path).map_err(unreadable),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err((message, detail)) => {
            view.error = Some(message);
            view.error_detail = detail;
            return view;
        }
    };
    let format = sniff::sniff(&bytes);
    view.format = format.name().to_owned();
    match read_document(format, &bytes, options) {
        Ok(document) => match describe(&document, &Deadline::after(options.limits.max_time)) {
            Ok(tables) => view.tables = tables,
            Err(late) => view.error = Some(late.to_string()),
        },
        Err(e) => {
            view.error = Some(e.message);
            view.error_detail = e.detail;
        }
    }
    view
}

/// Every table of the document with its headers and row kinds. A table
/// without a header that follows one of the same width is read with that
/// header, as the scoring-table search does (Word tables split per page).
pub fn describe(document: &Document, deadline: &Deadline) -> Result<Vec<TableView>, TimeLimit> {
    let scoring_table = find_scoring_table(document, deadline)?;
    let criteria = match &scoring_table {
        Some(table) => readings(document, table, deadline)?,
        None => Vec::new(),
    };
    let scoring: Vec<_> = scoring_table.map(|t| t.rows).unwrap_or_default();
    let mut previous: Option<(Header, usize)> = None;
    let mut out = Vec::new();
    for (t, (table, own)) in document.tables.iter().zip(document_headers(document, deadline)?).enumerate() {
        let headers: Vec<(Header, bool)> = if own.is_empty() {
            match &previous {
                Some((h, width)) if *width == table.width && table.width > 0 => {
                    vec![(Header { first_row: 0, row_count: 0, ..h.clone() }, false)]
                }
                _ => Vec::new(),
            }
        } else {
            own.iter().cloned().map(|h| (h, true)).collect()
        };
        previous = match own.last() {
            Some(h) => Some((h.clone(), table.width)),
            None if headers.is_empty() => None,
            None => previous,
        };
        out.push(describe_table(t + 1, table, &headers, (&scoring, &criteria), deadline)?);
    }
    Ok(out)
}

fn describe_table(
    number: usize,
    table: &Table,
    headers: &[(Header, bool)],
    (scoring, criteria): (&[crate::table::TableRow], &[Reading]),
    deadline: &Deadline,
) -> Result<TableView, TimeLimit> {
    let mut rows: Vec<RowView> = table
        .rows
        .iter()
        .map(|row| RowView {
            row: row.location.row,
            page: row.location.page,
            kind: "ignored",
            code: None,
            in_scoring_table: false,
            cells: (0..table.width)
                .map(|c| row.cell_at(c).filter(|cell| cell.col == c).map(|cell| cell.text.clone()).unwrap_or_default())
                .collect(),
            rubric: None,
            evidence: Vec::new(),
            located: None,
        })
        .collect();
    let mut views = Vec::new();
    let mut carry = Continuation::default();
    for (k, (header, own)) in headers.iter().enumerate() {
        let start = header.first_row + header.row_count;
        let end = headers.get(k + 1).map_or(table.rows.len(), |(h, _)| h.first_row);
        if *own {
            for view in rows.iter_mut().skip(header.first_row).take(header.row_count) {
                view.kind = "header";
            }
            views.push(HeaderView {
                first_row: table.rows.get(header.first_row).map_or(0, |r| r.location.row),
                last_row: table.rows.get(start.saturating_sub(1)).map_or(0, |r| r.location.row),
                roles: header.roles.iter().map(|r| role_name(*r)).collect(),
            });
        }
        let indices: Vec<usize> = (start..end.min(table.rows.len())).collect();
        let read = read_rows(table, header, &indices, &mut carry, &mut Vec::new(), deadline)?;
        for typed in read {
            let Some(i) = indices.iter().copied().find(|&i| table.rows[i].location == typed.location) else { continue };
            rows[i].kind = row_kind_name(typed.kind);
            rows[i].in_scoring_table = scoring.iter().any(|s| s.location == typed.location);
            rows[i].code = typed.code;
            if let Some(reading) = criteria.iter().find(|r| r.location == typed.location) {
                rows[i].rubric = reading.rubric.clone();
                rows[i].evidence = reading.evidence.clone();
                rows[i].located = Some(reading.cells.clone());
            }
        }
    }
    let sheet = table.rows.first().and_then(|r| r.location.sheet.as_deref().map(str::to_owned));
    Ok(TableView { table: number, sheet, width: table.width, headers: views, rows })
}

/// Writes the views in the chosen format.
pub fn write(files: &[FileView], format: OutputFormat, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        OutputFormat::Json => {
            for file in files {
                serde_json::to_writer(&mut *out, file)?;
                writeln!(out)?;
            }
            Ok(())
        }
        OutputFormat::Csv => write_csv(files, out),
        OutputFormat::Text => write_text(files, out),
    }
}

fn write_text(files: &[FileView], out: &mut dyn Write) -> std::io::Result<()> {
    for file in files {
        writeln!(out, "Tệp {} ({})", file.path, file.format)?;
        if let Some(error) = &file.error {
            writeln!(out, "  lỗi: {error}")?;
            if let Some(detail) = &file.error_detail {
                writeln!(out, "  chi tiết kỹ thuật: {detail}")?;
            }
            continue;
        }
        if file.tables.is_empty() {
            writeln!(out, "  không có bảng nào")?;
        }
        for t in &file.tables {
            let scoring = if t.rows.iter().any(|r| r.in_scoring_table) { " — bảng điểm" } else { "" };
            let sheet = t.sheet.as_ref().map(|s| format!(" (trang tính '{s}')")).unwrap_or_default();
            writeln!(out, "Bảng {}{sheet}: {} dòng × {} cột{scoring}", t.table, t.rows.len(), t.width)?;
            for h in &t.headers {
                let roles: Vec<String> =
                    h.roles.iter().enumerate().map(|(c, r)| format!("cột {} {}", c + 1, role_label(r))).collect();
                writeln!(out, "  tiêu đề dòng {}–{}: {}", h.first_row, h.last_row, roles.join(" · "))?;
            }
            for r in &t.rows {
                let mark = if r.in_scoring_table { '*' } else { ' ' };
                let what = match &r.code {
                    Some(code) => format!("{} {}", kind_label(r.kind), super::labels::code_label(code)),
                    None => kind_label(r.kind).to_owned(),
                };
                let cells: Vec<String> = r.cells.iter().map(|c| c.replace('\n', " ")).collect();
                writeln!(out, "{mark} dòng {:<4} {:<20} | {}", r.row, what, cells.join(" | "))?;
                if let Some(rubric) = &r.rubric {
                    writeln!(out, "{:30}thang điểm: {}", "", rubric_text(rubric))?;
                }
                for citation in &r.evidence {
                    let date = citation.date.as_deref().map_or("không ghi ngày".to_owned(), super::labels::date_vi);
                    writeln!(
                        out,
                        "{:30}kiểm chứng: {} — {} số {} ({date})",
                        "", citation.text, citation.kind, citation.number
                    )?;
                }
                for (what, at) in r.located.iter().flat_map(located_values) {
                    writeln!(out, "{:30}{what}: {}", "", place_text(at))?;
                }
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `các mức 0; 0,25; 0,5 · công thức × 1,5 (từ 80%) · hạn 15/01/2021`
fn rubric_text(rubric: &Rubric) -> String {
    let mut parts = Vec::new();
    if !rubric.options.is_empty() {
        let options: Vec<String> = rubric.options.iter().map(Value::display).collect();
        parts.push(format!("các mức {}", options.join("; ")));
    }
    if let Some(formula) = &rubric.formula {
        let from = formula.from_percent.as_ref().map(|p| format!(" (từ {}%)", p.display())).unwrap_or_default();
        parts.push(format!("công thức × {}{from}", formula.coefficient.display()));
    }
    if let Some(deadline) = &rubric.deadline {
        parts.push(format!("hạn {}", super::labels::date_vi(deadline)));
    }
    parts.join(" · ")
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn write_csv(files: &[FileView], out: &mut dyn Write) -> std::io::Result<()> {
    let width = files.iter().flat_map(|f| f.tables.iter().map(|t| t.width)).max().unwrap_or(0);
    let mut head: Vec<String> =
        ["tệp", "bảng", "trang tính", "dòng", "trang", "loại dòng", "mã", "thuộc bảng điểm"].map(String::from).to_vec();
    head.extend((1..=width).map(|c| format!("cột {c}")));
    writeln!(out, "{}", head.join(","))?;
    for file in files {
        if let Some(error) = &file.error {
            writeln!(out, "{},,,,,{},,", csv_field(&file.path), csv_field(&format!("lỗi: {error}")))?;
        }
        for t in &file.tables {
            for h in &t.headers {
                let mut fields = vec![
                    csv_field(&file.path),
                    t.table.to_string(),
                    csv_field(t.sheet.as_deref().unwrap_or("")),
                    h.first_row.to_string(),
                    String::new(),
                    "vai trò cột".into(),
                    String::new(),
                    String::new(),
                ];
                fields.extend(h.roles.iter().map(|r| csv_field(role_label(r))));
                writeln!(out, "{}", fields.join(","))?;
            }
            for r in &t.rows {
                let mut fields = vec![
                    csv_field(&file.path),
                    t.table.to_string(),
                    csv_field(t.sheet.as_deref().unwrap_or("")),
                    r.row.to_string(),
                    r.page.map(|p| p.to_string()).unwrap_or_default(),
                    kind_label(r.kind).into(),
                    csv_field(r.code.as_deref().unwrap_or("")),
                    if r.in_scoring_table { "có" } else { "" }.into(),
                ];
                fields.extend(r.cells.iter().map(|c| csv_field(c)));
                writeln!(out, "{}", fields.join(","))?;
            }
        }
    }
    Ok(())
}

/// `parcheck tables PATH…`: reads each file and writes its tables, or with
/// `code` only that criterion's rows with where each value was read.
pub fn run(
    paths: &[std::path::PathBuf],
    format: OutputFormat,
    code: Option<&str>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let options = Options::default();
    let mut files: Vec<FileView> = paths.iter().map(|p| read_file(p, &options)).collect();
    if let Some(code) = code {
        files.iter_mut().for_each(|file| keep_criterion(file, code));
    }
    write(&files, format, out)?;
    out.flush()
}

/// Keeps the scoring-table rows of criterion `code`: its own row and the
/// unnumbered rows under it (options, sub-items), in every table.
fn keep_criterion(file: &mut FileView, code: &str) {
    if file.error.is_some() {
        return;
    }
    for table in &mut file.tables {
        let mut inside = false;
        table.rows.retain(|row| {
            if row.code.is_some() || !row.in_scoring_table {
                inside = row.in_scoring_table && row.code.as_deref() == Some(code);
            }
            inside
        });
    }
    file.tables.retain(|t| !t.rows.is_empty());
    if file.tables.is_empty() {
        file.error = Some(format!("bảng điểm không có tiêu chí {code}"));
    }
}

/// A criterion's located values with their names for people, in the contract's order.
fn located_values(cells: &Cells) -> Vec<(&'static str, &CellRef)> {
    let what = |field| match field {
        CellField::Code => "vị trí mã",
        CellField::Title => "vị trí tên tiêu chí",
        CellField::MaxPoints => "vị trí điểm tối đa",
        CellField::SelfScore => "vị trí điểm tự đánh giá",
        CellField::AppraisalScore => "vị trí điểm thẩm định",
        CellField::LostPoints => "vị trí điểm bị mất",
        CellField::Evidence => "vị trí tài liệu kiểm chứng",
    };
    cells.iter().map(|(field, at)| (what(field), at)).collect()
}

/// `bảng 1, dòng 5, cột 4 · ô Bảng điểm!D5` or `… trang 2 · khung 377–428 × 255–331 pt · điểm ảnh …`.
fn place_text(at: &CellRef) -> String {
    let mut text = format!("bảng {}, dòng {}, cột {}", at.table, at.row, at.column);
    if let Some(page) = at.page {
        text += &format!(", trang {page}");
    }
    if let Some(cell) = &at.cell {
        text += &format!(" · ô {cell}");
    }
    if let Some([x0, y0, x1, y1]) = at.bbox {
        let pt = |v: i64| rust_decimal::Decimal::new(v, 2).normalize().to_string().replace('.', ",");
        text += &format!(" · khung x {}–{}, y {}–{} (điểm PDF, từ góc trên trái)", pt(x0), pt(x1), pt(y0), pt(y1));
    }
    if let Some([x0, y0, x1, y1]) = at.pixels {
        text += &format!(" · điểm ảnh x {x0}–{x1}, y {y0}–{y1}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Cell, Location, Row, Run};

    fn row(n: usize, texts: &[&str]) -> Row {
        let cells = texts
            .iter()
            .enumerate()
            .map(|(c, t)| {
                let mut cell = Cell::new(c, 1, vec![Run::plain(*t)]);
                cell.text = t.to_string();
                cell
            })
            .collect();
        Row { cells, location: Location { table: 1, row: n, page: None, sheet: None }, repeats_as_header: false }
    }

    #[test]
    fn rows_get_their_kind_and_code() {
        let table = Table::new(vec![
            row(1, &["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"]),
            row(2, &["1", "Công tác chỉ đạo", "3", "3"]),
            row(3, &["1.1", "Kế hoạch", "3", "3"]),
            row(4, &["", "Tổng điểm", "3", "3"]),
        ]);
        let document = Document { tables: vec![table], ..Default::default() };
        let views = describe(&document, &Deadline::none()).unwrap();
        let kinds: Vec<(&str, Option<&str>)> = views[0].rows.iter().map(|r| (r.kind, r.code.as_deref())).collect();
        assert_eq!(
            kinds,
            [("header", None), ("criterion", Some("1")), ("criterion", Some("1.1")), ("total", Some("TOTAL"))]
        );
        assert_eq!(views[0].headers[0].roles, ["code", "title", "max_points", "self_score"]);
        assert!(views[0].rows[1].in_scoring_table);
        let mut csv = Vec::new();
        write(
            &[FileView {
                path: "a,b.docx".into(),
                format: "docx".into(),
                error: None,
                error_detail: None,
                tables: views,
            }],
            OutputFormat::Csv,
            &mut csv,
        )
        .expect("write");
        let csv = String::from_utf8(csv).expect("utf8");
        assert!(csv.lines().any(|l| l.starts_with("\"a,b.docx\",1,,3,,tiêu chí,1.1,có,1.1,Kế hoạch,3,3")), "{csv}");
    }
}
