//! Stream tables: scoring tables drawn without ruling lines. A header line
//! (possibly wrapped over a few lines) whose phrases classify as code, title
//! and score headers names the columns; the whitespace gaps of the lines
//! below it place the boundaries between them; a line with a code or a score
//! starts a row, any other line continues the row above (a wrapped title).

use std::collections::HashSet;

use super::lattice::{PageCell, PageRow, PageTable};
use super::layout;
use super::page::Glyph;
use crate::code::{parse_code, restore_lost_dots, title_code};
use crate::grid::{Reading, Run, VerticalMerge};
use crate::text::normalize_runs;
use crate::text::vocabulary::{header_roles, Role};
use rows::{group_rows, Item};

mod rows;

/// Most lines a wrapped header cell takes.
const HEADER_LINES: usize = 3;
/// Two header lines farther apart than this many font sizes are not one header.
const HEADER_LEADING: f32 = 2.0;
/// A gap wider than this many font sizes, with no space glyph in it, separates
/// two cells' text on one line (word spaces are about a quarter of that).
const PHRASE_GAP: f32 = 0.6;
/// A blank band this many font sizes high below a line ends the table.
const TABLE_GAP: f32 = 2.5;
/// Column boundary search resolution cap: at most this many bins across the table.
const MAX_BINS: usize = 4000;

/// Glyphs of one line that belong together: one cell's text on that line.
struct Phrase<'a> {
    glyphs: Vec<&'a Glyph>,
    x0: f32,
    x1: f32,
}

impl Phrase<'_> {
    fn runs(&self) -> Vec<Run> {
        layout::lines(&self.glyphs, false).into_iter().flat_map(|l| l.runs).collect()
    }
}

/// A line of glyphs with its baseline and font size.
struct TextLine<'a> {
    glyphs: Vec<&'a Glyph>,
    baseline: f32,
    size: f32,
}

impl<'a> TextLine<'a> {
    fn top(&self) -> f32 {
        self.baseline - self.size
    }

    fn phrases(&self) -> Vec<Phrase<'a>> {
        let mut out: Vec<Phrase> = Vec::new();
        let mut space: Option<&Glyph> = None;
        for &glyph in &self.glyphs {
            if glyph.is_space() {
                space = Some(glyph);
                continue;
            }
            let gap = out.last().map_or(f32::MAX, |last| glyph.x - last.x1);
            let joins = layout::is_mark(glyph)
                || gap <= layout::CHUNK_GAP * glyph.size && (space.is_some() || gap <= PHRASE_GAP * glyph.size);
            match out.last_mut() {
                Some(phrase) if joins => {
                    // The space glyph keeps the word break for the line builder.
                    phrase.glyphs.extend(space);
                    phrase.glyphs.push(glyph);
                    phrase.x1 = phrase.x1.max(glyph.right());
                }
                _ => out.push(Phrase { glyphs: vec![glyph], x0: glyph.x, x1: glyph.right() }),
            }
            space = None;
        }
        out
    }
}

/// A column found from the header: its x-range in the header, role and text.
struct Column {
    x0: f32,
    x1: f32,
    role: Role,
    runs: Vec<Run>,
}

impl Column {
    fn center(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
}

fn text_lines<'a>(glyphs: &[&'a Glyph]) -> Vec<TextLine<'a>> {
    layout::rows(glyphs)
        .into_iter()
        .filter_map(|glyphs| {
            let first = glyphs.iter().find(|g| !g.is_space())?;
            let size = glyphs.iter().map(|g| g.size).fold(0.0, f32::max).max(1.0);
            Some(TextLine { baseline: first.y, size, glyphs })
        })
        .collect()
}

/// Header phrases of `lines`, merged into columns where they overlap
/// horizontally (a header cell wrapped over two lines).
fn header_columns(lines: &[TextLine]) -> Vec<Column> {
    let mut phrases: Vec<(usize, Phrase)> =
        lines.iter().enumerate().flat_map(|(l, line)| line.phrases().into_iter().map(move |p| (l, p))).collect();
    phrases.sort_by(|a, b| a.1.x0.total_cmp(&b.1.x0));
    let mut groups: Vec<Vec<(usize, Phrase)>> = Vec::new();
    for (line, phrase) in phrases {
        match groups.last_mut() {
            Some(group) if group.iter().any(|(_, p)| phrase.x0 < p.x1) => group.push((line, phrase)),
            _ => groups.push(vec![(line, phrase)]),
        }
    }
    groups
        .into_iter()
        .map(|mut group| {
            group.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.x0.total_cmp(&b.1.x0)));
            let mut runs = Vec::new();
            for (i, (_, phrase)) in group.iter().enumerate() {
                if i > 0 {
                    runs.push(Run::plain(" "));
                }
                runs.extend(phrase.runs());
            }
            let x0 = group.iter().map(|(_, p)| p.x0).fold(f32::MAX, f32::min);
            let x1 = group.iter().map(|(_, p)| p.x1).fold(f32::MIN, f32::max);
            Column { x0, x1, role: Role::Other, runs }
        })
        .collect()
}

/// The roles of `columns` read as one header row, if they make a scoring header.
fn classify(mut columns: Vec<Column>) -> Option<Vec<Column>> {
    let cells: Vec<&[Run]> = columns.iter().map(|c| c.runs.as_slice()).collect();
    let roles = header_roles(&cells)?;
    for (column, role) in columns.iter_mut().zip(roles) {
        column.role = role;
    }
    Some(columns)
}

fn score_count(columns: &[Column]) -> usize {
    columns.iter().filter(|c| matches!(c.role, Role::Score(_))).count()
}

/// The first header at or below line `from`: its first line, line count and columns.
/// The fewest lines giving the most score columns win, so the first data row
/// under a one-line header is not read as part of it.
fn find_header(lines: &[TextLine], from: usize) -> Option<(usize, usize, Vec<Column>)> {
    (from..lines.len()).find_map(|first| {
        let mut best: Option<(usize, Vec<Column>)> = None;
        for count in 1..=HEADER_LINES.min(lines.len() - first) {
            let last = &lines[first + count - 1];
            if count > 1 && last.baseline - lines[first + count - 2].baseline > HEADER_LEADING * last.size {
                break;
            }
            if let Some(columns) = classify(header_columns(&lines[first..first + count])) {
                if best.as_ref().is_none_or(|(_, b)| score_count(&columns) > score_count(b)) {
                    best = Some((count, columns));
                }
            }
        }
        best.map(|(count, columns)| (first, count, columns))
    })
}

/// Boundaries between adjacent columns: the middle of the widest x-range,
/// between their header centres, that the fewest body lines have text in.
fn boundaries(columns: &[Column], body: &[TextLine]) -> Vec<f32> {
    let left = columns.iter().map(|c| c.x0).fold(f32::MAX, f32::min);
    let right = columns.iter().map(|c| c.x1).fold(f32::MIN, f32::max);
    let bin = ((right - left) / MAX_BINS as f32).max(1.0);
    let bins = ((right - left) / bin).ceil() as usize + 1;
    let mut coverage = vec![0u32; bins];
    let index = |x: f32| (((x - left) / bin).max(0.0) as usize).min(bins - 1);
    for line in body {
        for phrase in line.phrases() {
            // Glyphs drawn right to left (negative widths) give x1 < x0.
            let (a, b) = (index(phrase.x0), index(phrase.x1));
            for count in &mut coverage[a.min(b)..=a.max(b)] {
                *count += 1;
            }
        }
    }
    columns
        .windows(2)
        .map(|pair| {
            let (from, to) = (index(pair[0].center()), index(pair[1].center()));
            let span = &coverage[from..=to.max(from)];
            let least = span.iter().copied().min().unwrap_or(0);
            // Widest run of least-covered bins, as (start, length).
            let (mut best, mut run_start) = ((0, 0), None);
            for (i, &count) in span.iter().chain(std::iter::once(&u32::MAX)).enumerate() {
                match (count == least, run_start) {
                    (true, None) => run_start = Some(i),
                    (false, Some(start)) => {
                        if i - start > best.1 {
                            best = (start, i - start);
                        }
                        run_start = None;
                    }
                    _ => {}
                }
            }
            left + (from as f32 + best.0 as f32 + best.1 as f32 / 2.0) * bin
        })
        .collect()
}

/// A row being built: per cell, its first column, span and glyphs.
struct RowCells<'a> {
    cells: Vec<(usize, usize, Vec<&'a Glyph>)>,
}

impl<'a> RowCells<'a> {
    fn new(width: usize, spans: &[(usize, usize)]) -> Self {
        let mut cells = Vec::new();
        let mut col = 0;
        while col < width {
            let span = spans.iter().find(|(start, _)| *start == col).map_or(1, |(_, span)| *span);
            cells.push((col, span, Vec::new()));
            col += span;
        }
        RowCells { cells }
    }

    fn add(&mut self, col: usize, glyphs: &[&'a Glyph]) {
        if let Some(cell) = self.cells.iter_mut().find(|(start, span, _)| (*start..start + span).contains(&col)) {
            cell.2.extend_from_slice(glyphs);
        }
    }

    /// The finished row; `rights` are the rightmost text edges of the columns,
    /// where wrapped lines of a cell broke.
    fn finish(self, rights: &[f32]) -> PageRow {
        let cells = self
            .cells
            .into_iter()
            .map(|(col, col_span, glyphs)| {
                let right = rights[col + col_span - 1];
                PageCell {
                    col,
                    col_span,
                    vmerge: VerticalMerge::None,
                    runs: layout::join(&layout::lines(&glyphs, false), right),
                    bbox: text_box(&glyphs),
                }
            })
            .collect();
        PageRow { cells }
    }
}

/// What a page without a header needs to go on reading an unruled table:
/// the columns' roles, the boundaries between them and their text edges.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnModel {
    roles: Vec<Role>,
    edges: Vec<f32>,
    rights: Vec<f32>,
    /// Header centres, to recognise the same table on a later page.
    centres: Vec<f32>,
}

/// A phrase placed in columns `a..=b`, with its text.
type PlacedPhrase<'a> = (usize, usize, String, Phrase<'a>);
/// Codes lose their dots only in OCR's readings.
fn read_by_ocr(phrase: &Phrase) -> bool {
    phrase.glyphs.iter().any(|g| g.reading.is_some())
}

/// One glyph spelling a code put right where its phrase was read, its reading unconfirmed.
fn code_glyph(phrase: &Phrase, code: &str, line: &TextLine) -> Glyph {
    let first = phrase.glyphs.first();
    let font = first.map_or_else(|| std::rc::Rc::from(""), |g| std::rc::Rc::clone(&g.font));
    let reading = first.and_then(|g| g.reading).map(|r| Reading { confirmed: false, ..r });
    let glyph = Glyph::new(phrase.x0, line.baseline, phrase.x1 - phrase.x0, line.size, format!("{code}."), font);
    Glyph { reading, ..glyph }
}

/// Whether a code cell's text is (or starts with) a criteria code; debris
/// around it ("1_", "I |") is OCR noise.
fn starts_with_code(text: &str) -> bool {
    let debris = |c: char| !c.is_alphanumeric() && c != '.';
    let first = text.split_whitespace().next().unwrap_or_default();
    parse_code(text.trim_matches(debris)).is_some()
        || parse_code(first.trim_matches(debris)).is_some()
        || title_code(text).is_some()
}

/// Reads table rows from `lines` with a known column model; returns the rows
/// and how many lines they took. Reading stops at a wide blank band or at
/// text running across a score column (prose below the table).
fn read_body<'a>(lines: &[TextLine<'a>], above: Option<&TextLine>, model: &mut ColumnModel) -> (Vec<PageRow>, usize) {
    let mut end = 0;
    while end < lines.len() {
        let previous = if end == 0 { above } else { Some(&lines[end - 1]) };
        if previous.is_some_and(|p| lines[end].top() - p.baseline > TABLE_GAP * p.size) {
            break;
        }
        end += 1;
    }
    let edges = model.edges.clone();
    let column_of = |x: f32| edges.iter().take_while(|b| **b <= x).count();
    let is_score = |col: usize| matches!(model.roles[col], Role::Score(_));
    let has_code_column = model.roles.contains(&Role::Code);
    let mut placed_lines: Vec<(&TextLine, Vec<PlacedPhrase>)> = Vec::new();
    for line in &lines[..end] {
        let place = |p: Phrase<'a>| (column_of(p.x0), column_of(p.x1 - 0.01 * line.size), normalize_runs(&p.runs()), p);
        let placed: Vec<PlacedPhrase> = line.phrases().into_iter().map(place).collect();
        if placed.iter().any(|(a, b, ..)| a != b && (*a..=*b).any(is_score)) {
            break;
        }
        placed_lines.push((line, placed));
    }
    let taken = placed_lines.len();
    let in_code_column = |a: usize, b: usize| has_code_column && a == b && model.roles[a] == Role::Code;
    let code_texts: Vec<Option<&str>> = placed_lines
        .iter()
        .flat_map(|(_, placed)| placed.iter())
        .map(|(a, b, text, p)| (in_code_column(*a, *b) && read_by_ocr(p)).then_some(text.as_str()))
        .collect();
    let restored = restore_lost_dots(&code_texts);
    let flat = placed_lines.iter().flat_map(|(line, placed)| placed.iter().map(move |p| (*line, p)));
    let restored_glyphs: Vec<Option<Glyph>> =
        restored.iter().zip(flat).map(|(code, (line, p))| Some(code_glyph(&p.3, code.as_deref()?, line))).collect();
    let mut items: Vec<Item> = Vec::new();
    let mut index = 0;
    for (line, placed) in placed_lines {
        for (i, (a, b, mut text, mut phrase)) in placed.into_iter().enumerate() {
            if let Some(glyph) = &restored_glyphs[index] {
                (phrase.glyphs, text) = (vec![glyph], glyph.text.clone());
            }
            index += 1;
            let leading_code = if has_code_column {
                model.roles[a] == Role::Code && starts_with_code(&text)
            } else {
                i == 0 && title_code(&text).is_some()
            };
            items.push(Item { a, b, phrase, top: line.top(), baseline: line.baseline, size: line.size, leading_code });
        }
    }
    let rows: Vec<PageRow> = group_rows(&items, &model.roles)
        .into_iter()
        .map(|row| {
            let spans: Vec<(usize, usize)> =
                row.iter().map(|i| &items[*i]).filter(|i| i.a != i.b).map(|i| (i.a, i.b - i.a + 1)).collect();
            let mut cells = RowCells::new(model.roles.len(), &spans);
            for item in row.iter().map(|i| &items[*i]) {
                cells.add(item.a, &item.phrase.glyphs);
                if item.a == item.b {
                    model.rights[item.a] = model.rights[item.a].max(item.phrase.x1);
                }
            }
            cells
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|cells| cells.finish(&model.rights))
        .collect();
    (rows, taken)
}

/// The box around a cell's glyphs (from a line's top to below its baseline).
fn text_box(glyphs: &[&Glyph]) -> Option<[f32; 4]> {
    let boxes = glyphs.iter().filter(|g| !g.is_space()).map(|g| [g.x, g.y - g.size, g.right(), g.y + g.size * 0.25]);
    boxes.reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
}

/// Reads one table from its header on: returns it and the index of the first
/// line after it.
fn read_table(lines: &[TextLine], first: usize, count: usize, columns: Vec<Column>) -> (PageTable, usize) {
    let start = first + count;
    let mut end = start;
    while end < lines.len() {
        let above = if end == start { &lines[first + count - 1] } else { &lines[end - 1] };
        if lines[end].top() - above.baseline > TABLE_GAP * above.size {
            break;
        }
        end += 1;
    }
    let mut model = ColumnModel {
        roles: columns.iter().map(|c| c.role).collect(),
        edges: boundaries(&columns, &lines[start..end]),
        rights: columns.iter().map(|c| c.x1).collect(),
        centres: columns.iter().map(Column::center).collect(),
    };
    let (rows, taken) = read_body(&lines[start..], Some(&lines[start - 1]), &mut model);
    let next = start + taken;
    let header_row =
        PageRow { cells: columns.iter().enumerate().map(|(col, c)| PageCell::plain(col, c.runs.clone())).collect() };
    let bottom = lines[first..next].iter().map(|l| l.baseline).fold(f32::MIN, f32::max);
    let table = PageTable {
        top: lines[first].top(),
        bottom,
        columns: model.centres.clone(),
        rows: std::iter::once(header_row).chain(rows).collect(),
        model: Some(model),
    };
    (table, next)
}

/// Goes on reading an unruled table on a page without its header: the rows
/// from the top of the page, in the columns of `model`. `None` when the page
/// does not start with such rows (a code or a score in its column).
pub fn continue_table<'a>(
    glyphs: &[&'a Glyph],
    model: &ColumnModel,
    skip: impl Fn(&str, f32) -> bool,
) -> Option<(PageTable, Vec<&'a Glyph>)> {
    let lines = table_lines(glyphs, skip);
    let mut model = model.clone();
    let (rows, taken) = read_body(&lines, None, &mut model);
    let starts_a_row =
        |row: &PageRow| filled(row, &model.roles).any(|r| r == Role::Code || matches!(r, Role::Score(_)));
    // Or a title printed above its code and scores (a code at its row's middle): words only, then its row.
    let title_above = |first: &PageRow, second: &PageRow| {
        filled(first, &model.roles).all(|r| matches!(r, Role::Title | Role::Evidence))
            && starts_a_row(second)
            && !filled(second, &model.roles).any(|r| r == Role::Title)
    };
    let starts_like_a_row = rows.first().is_some_and(starts_a_row)
        || matches!(&rows[..], [first, second, ..] if title_above(first, second));
    if !starts_like_a_row {
        return None;
    }
    let used = glyphs_of(&lines[..taken]).collect();
    let rest = unused(glyphs, &used);
    let table = PageTable {
        top: lines[0].top(),
        bottom: lines[..taken].iter().map(|l| l.baseline).fold(f32::MIN, f32::max),
        columns: model.centres.clone(),
        rows,
        model: Some(model),
    };
    Some((table, rest))
}

/// The role of each cell of `row` with text, where the cell lies in one role's columns.
fn filled<'r>(row: &'r PageRow, roles: &'r [Role]) -> impl Iterator<Item = Role> + 'r {
    let text = |c: &PageCell| c.runs.iter().any(|r| !r.text.trim().is_empty());
    row.cells.iter().filter(move |c| text(c)).map(|c| {
        let mut spanned = roles[c.col..(c.col + c.col_span).min(roles.len())].iter();
        let first = spanned.next().copied().unwrap_or(Role::Other);
        if spanned.all(|&r| r == first) {
            first
        } else {
            Role::Other
        }
    })
}

/// Finds the unruled scoring tables among `glyphs`; returns them and the
/// glyphs left for prose. `skip` marks lines that are no part of any table
/// (page numbers in the margins).
pub fn find_tables<'a>(glyphs: &[&'a Glyph], skip: impl Fn(&str, f32) -> bool) -> (Vec<PageTable>, Vec<&'a Glyph>) {
    let lines = table_lines(glyphs, skip);
    let mut tables = Vec::new();
    let mut used: HashSet<*const Glyph> = HashSet::new();
    let mut from = 0;
    while let Some((first, count, columns)) = find_header(&lines, from) {
        let (table, next) = read_table(&lines, first, count, columns);
        used.extend(glyphs_of(&lines[first..next]));
        tables.push(table);
        from = next;
    }
    (tables, unused(glyphs, &used))
}

/// The text lines of `glyphs` that may belong to a table (not `skip`ped).
fn table_lines<'a>(glyphs: &[&'a Glyph], skip: impl Fn(&str, f32) -> bool) -> Vec<TextLine<'a>> {
    text_lines(glyphs)
        .into_iter()
        .filter(|l| {
            let text: String = layout::lines(&l.glyphs, false).iter().map(|l| l.text()).collect();
            !skip(&text, l.baseline)
        })
        .collect()
}

/// The glyphs of `lines`, by identity (a table takes them from the page).
fn glyphs_of<'l>(lines: &'l [TextLine]) -> impl Iterator<Item = *const Glyph> + 'l {
    lines.iter().flat_map(|l| l.glyphs.iter().map(|g| *g as *const Glyph))
}

/// The glyphs no table took: left for prose.
fn unused<'a>(glyphs: &[&'a Glyph], used: &HashSet<*const Glyph>) -> Vec<&'a Glyph> {
    glyphs.iter().copied().filter(|g| !used.contains(&(*g as *const Glyph))).collect()
}

#[cfg(test)]
mod tests;
