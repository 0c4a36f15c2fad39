//! Reading SpreadsheetML in place: cell and range references, element text
//! with rich-text runs joined as calamine joins them, attributes read in one
//! pass and the `_xHHHH_` escapes of OOXML.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};

use super::TimedReader;
use crate::extract::containers::xml::predefined_entity;
use crate::extract::{ExtractError, ExtractResult};

pub(super) fn cut_off() -> ExtractError {
    ExtractError::corrupt("nội dung .xlsx bị hỏng (phần nội dung kết thúc giữa chừng)".into())
}

pub(super) fn bad_reference(text: &str) -> ExtractError {
    ExtractError::corrupt(format!("địa chỉ ô không hợp lệ: {}", shown(text)))
}

/// The start of a value quoted in a message: a hostile file's megabyte of text stays out.
pub(super) fn shown(text: &str) -> String {
    let mut start: String = text.chars().take(40).collect();
    if start.len() < text.len() {
        start.push('…');
    }
    start
}

/// `C7` → (6, 2), 0-based; `None` for anything else.
pub(super) fn cell_reference(text: &str) -> Option<(u32, u32)> {
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = text[..letters]
        .bytes()
        .try_fold(0u32, |col, b| Some(col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1))?;
    Some((row_number(&text[letters..]).ok()?, col - 1))
}

/// A 1-based row number as a 0-based row.
pub(super) fn row_number(text: &str) -> ExtractResult<u32> {
    match text.parse::<u32>() {
        Ok(row) if row >= 1 => Ok(row - 1),
        _ => Err(bad_reference(text)),
    }
}

/// `A1:C3` (or a single cell) as its corners.
pub(super) fn range_reference(text: &str) -> Option<((u32, u32), (u32, u32))> {
    let (first, last) = text.split_once(':').unwrap_or((text, text));
    Some((cell_reference(first)?, cell_reference(last)?))
}

/// The text of the element just opened, up to its end, entities resolved.
pub(super) fn element_text<'x>(reader: &mut TimedReader<'x, '_>) -> ExtractResult<Cow<'x, str>> {
    // Most values are one piece of text, borrowed from the part.
    let mut text = reader.text_run().map_or(Cow::Borrowed(""), resolved);
    let append = |text: &mut Cow<'x, str>, piece: Cow<'x, str>| match text.is_empty() {
        true => *text = piece,
        false => text.to_mut().push_str(&piece),
    };
    let mut depth = 0usize;
    loop {
        match reader.next()? {
            Event::Text(t) => append(&mut text, t.xml10_content()),
            Event::CData(t) => append(&mut text, t.xml10_content()),
            Event::GeneralRef(r) => push_reference(text.to_mut(), &r),
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Eof => return Err(cut_off()),
            _ => {}
        }
    }
    Ok(text)
}

/// A run of text as [`BoundedReader::text_run`] takes it, references resolved.
///
/// [`BoundedReader::text_run`]: crate::extract::containers::xml::BoundedReader::text_run
pub(super) fn resolved(run: &str) -> Cow<'_, str> {
    match run.contains('&') {
        true => Cow::Owned(resolve_references(run)),
        false => Cow::Borrowed(run),
    }
}

/// A text whose every `&` opens a reference closed by the first `;` after it, resolved.
fn resolve_references(run: &str) -> String {
    // A reference is never shorter than what it stands for.
    let mut text = String::with_capacity(run.len());
    let mut rest = run;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        text.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        if let Some((c, len)) = decimal_reference(after) {
            text.push(c);
            rest = &after[len..];
            continue;
        }
        let end = memchr::memchr(b';', after.as_bytes()).unwrap_or(after.len());
        push_reference(&mut text, &BytesRef::new(&after[..end]));
        rest = after.get(end + 1..).unwrap_or_default();
    }
    text.push_str(rest);
    text
}

/// A character reference is pushed as it is: a sheet written with every
/// non-ASCII letter as `&#7871;` has one for most letters of its text.
fn push_reference(text: &mut String, r: &BytesRef) {
    match r.resolve_char_ref() {
        Ok(Some(c)) => text.push(c),
        _ => text.push_str(predefined_entity(r).unwrap_or_default()),
    }
}

/// `#7871;` at the start of a text: its character and length, read as
/// quick-xml reads it; `None` for any other reference, left to quick-xml
/// (its general reading was most of the cost of such a letter).
fn decimal_reference(text: &str) -> Option<(char, usize)> {
    let digits = text.strip_prefix('#')?.as_bytes();
    // One pass: one to seven digits, their value taken as they are read, then the `;`.
    let mut code = 0;
    for (count, &b) in digits.iter().enumerate().take(8) {
        match b {
            b'0'..=b'9' if count < 7 => code = code * 10 + u32::from(b - b'0'),
            b';' if count > 0 => return char::from_u32(code).filter(|&c| c != '\0').map(|c| (c, count + 2)),
            _ => return None,
        }
    }
    None
}

/// Raw values of attributes by local name, in one pass; for the cell
/// elements, whose attribute values are plain ASCII with nothing to resolve.
pub(super) fn raw_attrs<'e, const N: usize>(e: &'e BytesStart, names: [&str; N]) -> [Option<Cow<'e, str>>; N] {
    if let Some(found) = plain_attrs(e.attributes_raw(), names) {
        return found;
    }
    let mut found = [const { None }; N];
    let mut attributes = e.attributes();
    attributes.with_checks(false);
    for attribute in attributes.flatten() {
        if let Some(i) = names.iter().position(|n| *n == attribute.key.local_name().as_ref()) {
            found[i] = Some(attribute.value);
        }
    }
    found
}

/// [`raw_attrs`] of `key="value"` pairs read here as quick-xml reads them
/// (its general iterator was most of the cost of a cell's opening tag);
/// `None` at anything else (spaces around `=`, a value unquoted or not
/// closed), which is left to it.
fn plain_attrs<'e, const N: usize>(raw: &'e str, names: [&str; N]) -> Option<[Option<Cow<'e, str>>; N]> {
    let space = |b: u8| matches!(b, b' ' | b'\r' | b'\n' | b'\t');
    let bytes = raw.as_bytes();
    let mut found = [const { None }; N];
    let mut at = 0;
    loop {
        at += bytes[at..].iter().take_while(|&&b| space(b)).count();
        if at == bytes.len() {
            return Some(found);
        }
        let key_end = at + bytes[at..].iter().position(|&b| b == b'=' || space(b))?;
        let quote = *bytes.get(key_end + 1)?;
        if key_end == at || bytes[key_end] != b'=' || !matches!(quote, b'"' | b'\'') {
            return None;
        }
        let value_start = key_end + 2;
        let value_end = value_start + memchr::memchr(quote, &bytes[value_start..])?;
        let key = &raw[at..key_end];
        // Keys are a few bytes: a byte loop, not the searcher `find` sets up.
        let local = key.bytes().position(|b| b == b':').map_or(key, |colon| &key[colon + 1..]);
        if let Some(i) = names.iter().position(|n| *n == local) {
            found[i] = Some(Cow::Borrowed(&raw[value_start..value_end]));
        }
        at = value_end + 1;
    }
}

/// The text of a `<si>` or `<is>`: its `<t>` runs joined, phonetic guides
/// (`<rPh>`) left out, each run trimmed unless it preserves its spaces.
pub(super) fn rich_text(reader: &mut TimedReader, end: &str) -> ExtractResult<String> {
    let mut text = String::new();
    let mut phonetic = false;
    loop {
        match reader.next()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "rPh" => phonetic = true,
                "t" if !phonetic => {
                    let [space] = raw_attrs(&e, ["space"]);
                    let preserve = space.as_deref() == Some("preserve");
                    let run = element_text(reader)?;
                    let run = if preserve { &run } else { run.trim_matches([' ', '\t', '\r', '\n']) };
                    text.push_str(&unescape_ooxml(run));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::End(e) if e.local_name().as_ref() == end => return Ok(text),
            Event::Eof => return Err(cut_off()),
            _ => {}
        }
    }
}

/// The text of a `<t>` without attributes as [`rich_text`] reads it, from
/// its run as [`BoundedReader::text_run`] takes it: references resolved,
/// trimmed, OOXML's escapes undone; the resolved text itself where nothing
/// is trimmed or undone.
///
/// [`BoundedReader::text_run`]: crate::extract::containers::xml::BoundedReader::text_run
pub(super) fn plain_run(run: &str) -> String {
    let text = resolved(run);
    let kept = text.trim_matches([' ', '\t', '\r', '\n']);
    if kept.len() == text.len() && !kept.contains("_x") {
        return text.into_owned();
    }
    unescape_ooxml(kept).into_owned()
}

/// OOXML's escapes of characters XML cannot hold: `_x000D_` is a carriage
/// return, a pair of surrogate escapes one character, `_x005F_` a literal `_`.
pub(super) fn unescape_ooxml(text: &str) -> Cow<'_, str> {
    let escape_at = |text: &str, at: usize| -> Option<u16> {
        let candidate = text.get(at..at + 7)?;
        let hex = candidate.strip_prefix("_x")?.strip_suffix('_')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u16::from_str_radix(hex, 16).ok()
    };
    if !text.contains("_x") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let Some(unit) = escape_at(text, at) else {
            let c = text[at..].chars().next().unwrap_or_default();
            out.push(c);
            at += c.len_utf8().max(1);
            continue;
        };
        at += 7;
        let c = match unit {
            0xD800..=0xDBFF => match escape_at(text, at) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    at += 7;
                    char::decode_utf16([unit, low]).next().and_then(Result::ok)
                }
                _ => None,
            },
            unit => char::from_u32(u32::from(unit)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    Cow::Owned(out)
}
