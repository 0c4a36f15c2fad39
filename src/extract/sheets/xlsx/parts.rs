//! The workbook-level parts of an .xlsx package: relationships and their
//! targets, the sheet list and date system (`workbook.xml`), the shared
//! strings and the number formats of cell styles (`styles.xml`), each read
//! once before the sheets.
use std::collections::HashMap;

use quick_xml::events::Event;

use super::text::rich_text;
use super::TimedReader;
use crate::config::Deadline;
use crate::extract::containers::xml::attr;
use crate::extract::ExtractResult;

/// How a number format shows a number: the cell kinds calamine tells apart,
/// and the decimals of a percentage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct NumberStyle {
    pub(super) kind: NumberKind,
    /// Decimals a percent format shows ("0%" → 0, "0.00%" → 2).
    pub(super) percent: Option<u32>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum NumberKind {
    #[default]
    Number,
    Date,
    Duration,
}

pub(super) struct Relationship {
    pub(super) id: String,
    pub(super) target: String,
    pub(super) kind: String,
}

pub(super) fn relationships(xml: &[u8], max_depth: usize, deadline: &Deadline) -> ExtractResult<Vec<Relationship>> {
    let mut reader = TimedReader::new(xml, max_depth, deadline);
    let mut found = Vec::new();
    loop {
        match reader.next()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    found.push(Relationship { id, target, kind: attr(&e, "Type").unwrap_or_default() });
                }
            }
            Event::Eof => return Ok(found),
            _ => {}
        }
    }
}

/// A relationship's target as a part name: absolute, or relative to `dir`.
pub(super) fn resolve_target(dir: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("{dir}{target}"),
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            ".." => {
                segments.pop();
            }
            "." | "" => {}
            segment => segments.push(segment),
        }
    }
    segments.join("/")
}

/// The sheets (name, relationship id) in tab order, and whether dates count from 1904.
pub(super) fn sheets_and_date_system(
    xml: &[u8],
    max_depth: usize,
    deadline: &Deadline,
) -> ExtractResult<(Vec<(String, String)>, bool)> {
    let mut reader = TimedReader::new(xml, max_depth, deadline);
    let (mut sheets, mut is_1904) = (Vec::new(), false);
    loop {
        match reader.next()? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "sheet" => {
                    if let Some(name) = attr(&e, "name") {
                        sheets.push((name, attr(&e, "id").unwrap_or_default()));
                    }
                }
                "workbookPr" => {
                    is_1904 = attr(&e, "date1904").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
                }
                _ => {}
            },
            Event::Eof => return Ok((sheets, is_1904)),
            _ => {}
        }
    }
}

pub(super) fn shared_strings(xml: &[u8], max_depth: usize, deadline: &Deadline) -> ExtractResult<Vec<String>> {
    let mut reader = TimedReader::new(xml, max_depth, deadline);
    let mut strings = Vec::new();
    loop {
        match reader.next()? {
            Event::Start(e) if e.local_name().as_ref() == "si" => strings.push(rich_text(&mut reader, "si")?),
            Event::Empty(e) if e.local_name().as_ref() == "si" => strings.push(String::new()),
            Event::Eof => return Ok(strings),
            _ => {}
        }
    }
}

/// The number style of every cell format, from the custom number formats
/// (`<numFmts>`) and the built-in ones their ids name.
pub(super) fn cell_styles(xml: &[u8], max_depth: usize, deadline: &Deadline) -> ExtractResult<Vec<NumberStyle>> {
    let mut reader = TimedReader::new(xml, max_depth, deadline);
    let mut custom: HashMap<String, String> = HashMap::new();
    let mut styles = Vec::new();
    let mut in_cell_formats = false;
    loop {
        match reader.next()? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (attr(&e, "numFmtId"), attr(&e, "formatCode")) {
                        custom.insert(id, code);
                    }
                }
                "cellXfs" => in_cell_formats = true,
                "xf" if in_cell_formats => styles.push(match attr(&e, "numFmtId") {
                    None => NumberStyle::default(),
                    Some(id) => match custom.get(&id) {
                        Some(code) => custom_style(code),
                        None => builtin_style(&id),
                    },
                }),
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_formats = false,
            Event::Eof => return Ok(styles),
            _ => {}
        }
    }
}

/// Built-in formats (ECMA-376 18.8.30): dates and times, elapsed time, percentages.
pub(super) fn builtin_style(id: &str) -> NumberStyle {
    let (kind, percent) = match id.parse::<u32>().unwrap_or(0) {
        9 => (NumberKind::Number, Some(0)),
        10 => (NumberKind::Number, Some(2)),
        14..=22 | 45 | 47 | 27..=36 | 50..=58 => (NumberKind::Date, None),
        46 => (NumberKind::Duration, None),
        _ => (NumberKind::Number, None),
    };
    NumberStyle { kind, percent }
}

/// A custom format's first section with quoted literals and escaped characters left out.
pub(super) fn format_symbols(code: &str) -> String {
    let mut symbols = String::new();
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            // `\x` is a literal, `_x` leaves x's width, `*x` fills with x.
            '\\' | '_' | '*' if !quoted => {
                chars.next();
            }
            ';' if !quoted => break,
            c if !quoted => symbols.push(c),
            _ => {}
        }
    }
    symbols
}

/// What a custom format shows: a date or time when it has date or time
/// symbols outside brackets, elapsed time for `[h]`, `[mm]`, `[ss]`, and the
/// decimals of a percentage.
pub(super) fn custom_style(code: &str) -> NumberStyle {
    let symbols = format_symbols(code);
    let mut kind = NumberKind::Number;
    let mut bracket: Option<String> = None;
    for c in symbols.chars() {
        match (&mut bracket, c) {
            (None, '[') => bracket = Some(String::new()),
            (Some(inside), ']') => {
                // `[h]`, `[mm]`, `[ss]`: one time letter, repeated.
                let unit = inside.chars().next().map(|c| c.to_ascii_lowercase());
                let elapsed = matches!(unit, Some('h' | 'm' | 's'))
                    && inside.chars().all(|c| Some(c.to_ascii_lowercase()) == unit);
                if elapsed {
                    kind = NumberKind::Duration;
                    break;
                }
                bracket = None;
            }
            (Some(inside), c) => inside.push(c),
            (None, 'd' | 'm' | 'y' | 'h' | 's' | 'D' | 'M' | 'Y' | 'H' | 'S') => {
                kind = NumberKind::Date;
                break;
            }
            // "A/P" without an m: still a clock format.
            (None, 'a' | 'A') if symbols.contains("/P") || symbols.contains("/p") => {
                kind = NumberKind::Date;
                break;
            }
            _ => {}
        }
    }
    let percent = symbols.contains('%').then(|| {
        let decimals = symbols.split_once('.').map_or(0, |(_, after)| after.chars().take_while(|c| *c == '0').count());
        decimals as u32
    });
    NumberStyle { kind, percent }
}
