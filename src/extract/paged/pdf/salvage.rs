//! What a damaged PDF still holds, page by page, as viewers recover it: a
//! content stream whose dictionary lies about its length (or whose object
//! the cross-reference table misplaces) is read from the file itself,
//! between its `N G obj … stream` header and `endstream`; a page tree that
//! does not lead to its pages gives way to the page objects themselves; and
//! when nothing could be read, the objects the parser lost (misplaced by the
//! cross-reference table) are read from the file's text.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document as PdfDocument, Object, ObjectId, ObjectStream, Stream};

/// How far after its header a stream's `stream` keyword may be.
const MAX_HEADER: usize = 64 * 1024;

/// Stream object `id` as the file spells it, its filter (a single named one) kept.
pub fn raw_stream(bytes: &[u8], (number, generation): ObjectId) -> Option<Stream> {
    let header = format!("{number} {generation} obj");
    let start = find_all(bytes, header.as_bytes()).filter(|&at| at == 0 || !bytes[at - 1].is_ascii_digit()).last()?
        + header.len();
    let window = &bytes[start..bytes.len().min(start + MAX_HEADER)];
    let keyword = find_all(window, b"stream").find(|&at| at < 3 || &window[at - 3..at] != b"end")?;
    let dict_text = &window[..keyword];
    if find_all(dict_text, b"endobj").next().is_some() {
        return None;
    }
    let mut content_start = start + keyword + b"stream".len();
    for eol in [&b"\r\n"[..], b"\n", b"\r"] {
        if bytes[content_start..].starts_with(eol) {
            content_start += eol.len();
            break;
        }
    }
    // A stream whose `endstream` was lost ends where its direct `/Length` says, as viewers read it.
    let rest = &bytes[content_start..];
    let next_object = find_all(rest, b"endobj").next().unwrap_or(rest.len());
    let end = content_start
        + match find_all(rest, b"endstream").next().filter(|&at| at < next_object) {
            Some(at) => at,
            None => direct_length(dict_text).filter(|&length| length <= next_object)?,
        };
    let content = bytes[content_start..end].strip_suffix(b"\n").unwrap_or(&bytes[content_start..end]);
    let content = content.strip_suffix(b"\r").unwrap_or(content);
    let mut dict = Dictionary::new();
    if let Some(filter) = single_filter(dict_text) {
        dict.set("Filter", Object::Name(filter));
    } else if find_all(dict_text, b"/Filter").next().is_some() {
        // A chain of filters cannot be told from the text alone.
        return None;
    }
    Some(Stream::new(dict, content.to_vec()))
}

/// The name after `/Filter`, when it is one name (`/Filter /FlateDecode`).
fn single_filter(dict_text: &[u8]) -> Option<Vec<u8>> {
    let at = find_all(dict_text, b"/Filter").next()? + b"/Filter".len();
    let rest = &dict_text[at..];
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let name = rest.strip_prefix(b"/")?;
    let len = name.iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(name.len());
    (len > 0).then(|| name[..len].to_vec())
}

/// The `/Length` written as a number in a stream's dictionary.
fn direct_length(dict_text: &[u8]) -> Option<usize> {
    let at = find_all(dict_text, b"/Length").next()? + b"/Length".len();
    let words = std::str::from_utf8(&dict_text[at..]).ok()?;
    let mut words = words.split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').filter(|w| !w.is_empty());
    let length = words.next()?.parse().ok()?;
    // `44 0 R` names an object that holds the length, not the length.
    let reference = words.next().is_some_and(|w| w.parse::<u16>().is_ok()) && words.next() == Some("R");
    (!reference).then_some(length)
}

fn find_all<'h>(haystack: &'h [u8], needle: &'h [u8]) -> impl Iterator<Item = usize> + 'h {
    memchr::memmem::find_iter(haystack, needle)
}

/// Reads the objects the file spells (`N G obj … endobj`) that `doc` lacks,
/// but those parcheck never reads; returns how many it found.
pub fn lost_objects(doc: &mut PdfDocument, bytes: &[u8], unread: fn(&Object) -> bool) -> usize {
    let mut found = 0;
    for at in find_all(bytes, b"obj") {
        let Some(id) = object_number_before(bytes, at) else { continue };
        if doc.objects.contains_key(&id) || bytes.get(at + 3).is_some_and(u8::is_ascii_alphanumeric) {
            continue;
        }
        let text = &bytes[at + 3..];
        let text = &text[..find_all(text, b"endobj").next().unwrap_or(text.len())];
        let keyword = find_all(text, b"stream").find(|&k| k < 3 || &text[k - 3..k] != b"end");
        let object = match keyword {
            Some(keyword) => parse_object(&text[..keyword]).and_then(|dict| {
                Some(Object::Stream(Stream::new(dict.as_dict().ok()?.clone(), raw_stream(bytes, id)?.content)))
            }),
            None => parse_object(text),
        };
        if let Some(object) = object.filter(|o| !unread(o)) {
            doc.objects.insert(id, object);
            found += 1;
        }
    }
    found
}

/// The `N G` before an `obj` keyword at `at`.
fn object_number_before(bytes: &[u8], at: usize) -> Option<ObjectId> {
    let mut end = at;
    let mut field = || {
        let stop = end;
        while end > 0 && bytes[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        let digits_end = end;
        while end > 0 && bytes[end - 1].is_ascii_digit() {
            end -= 1;
        }
        (end < digits_end && digits_end < stop)
            .then(|| std::str::from_utf8(&bytes[end..digits_end]).ok()?.parse().ok())?
    };
    let generation = u16::try_from(field()?).ok()?;
    let number = field()?;
    Some((number, generation))
}

/// One direct object as the file spells it, parsed as lopdf parses an
/// object stream's members.
pub fn parse_object(text: &[u8]) -> Option<Object> {
    let prefix = b"1 0 ";
    let mut dict = Dictionary::new();
    dict.set("N", 1);
    dict.set("First", prefix.len() as i64);
    let single = Stream::new(dict, [&prefix[..], text].concat());
    ObjectStream::new(&single).ok()?.objects.into_values().next()
}

/// The page objects of a file whose page tree leads to none (a `/Pages`
/// that is itself a page, kids lost), in object order, numbered from 1.
pub fn loose_pages(doc: &PdfDocument) -> BTreeMap<u32, ObjectId> {
    let is_page = |object: &Object| {
        object.as_dict().is_ok_and(|d| d.get(b"Type").and_then(Object::as_name).is_ok_and(|t| t == b"Page"))
    };
    doc.objects
        .iter()
        .filter(|(_, object)| is_page(object))
        .map(|(id, _)| *id)
        .zip(1u32..)
        .map(|(id, n)| (n, id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_whose_length_is_wrong_is_read_from_the_file() {
        let file = b"%PDF-1.3\n4 0 obj\n<< /Qength 44 >>\nstream\nBT /F1 24 Tf (Potato) Tj ET\nendstream\nendobj\n14 0 obj\n<< /Filter /FlateDecode >>\nstream\nxyz\r\nendstream\nendobj\n";
        let stream = raw_stream(file, (4, 0)).expect("found");
        assert_eq!(stream.content, b"BT /F1 24 Tf (Potato) Tj ET");
        assert!(stream.dict.get(b"Filter").is_err());
        let filtered = raw_stream(file, (14, 0)).expect("found");
        assert_eq!(filtered.dict.get(b"Filter").and_then(Object::as_name).ok(), Some(&b"FlateDecode"[..]));
        assert_eq!(filtered.content, b"xyz");
        assert!(raw_stream(file, (5, 0)).is_none());
    }

    #[test]
    fn objects_the_parser_lost_are_read_from_the_text() {
        let file = b"%PDF-1.3\n3 0 obj\n<< /Type /Page /Contents 4 0 R >>\nendobj\n4 0 obj\n<< /Length 5 >>\nstream\nBT ET\nendstream\nendobj\n12 0 obj << /Subtype /Link >> endobj\n";
        let mut doc = PdfDocument::new();
        let unread = |o: &Object| o.as_dict().is_ok_and(|d| d.has(b"Subtype"));
        assert_eq!(lost_objects(&mut doc, file, unread), 2);
        let page = doc.get_dictionary((3, 0)).expect("page read");
        assert_eq!(page.get(b"Contents").and_then(Object::as_reference).ok(), Some((4, 0)));
        let stream = doc.get_object((4, 0)).and_then(Object::as_stream).expect("stream read");
        assert_eq!(stream.content, b"BT ET");
        assert!(doc.get_object((12, 0)).is_err());
    }

    #[test]
    fn a_stream_without_endstream_ends_at_its_length() {
        let file = b"4 0 obj\n<< /Length 27 >>\nstream\nBT /F1 24 Tf (Potato) Tj ET\nenxstream\nendobj\n5 0 obj\n<< /Length 9 0 R >>\nstream\nxyz\nendobj\n";
        assert_eq!(raw_stream(file, (4, 0)).expect("found").content, b"BT /F1 24 Tf (Potato) Tj ET");
        assert!(raw_stream(file, (5, 0)).is_none());
    }
}
