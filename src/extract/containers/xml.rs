//! quick-xml helpers shared by the XML-based readers (.docx, .odt): the bounded
//! event loop, attributes and entities.

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::extract::{ExtractError, ExtractResult};

/// Attribute value by local name (`w:val` → `val`, `table:style-name` →
/// `style-name`), whatever the prefix; a value that does not unescape is kept raw.
pub(crate) fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == local).map(|a| {
        a.normalized_value(XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| a.value.clone().into_owned())
    })
}

/// The five entities XML predefines; documents declare no others that matter.
pub(crate) fn predefined_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    })
}

/// A run of text as the events would read it, references aside: `None` for
/// a `\r` to normalize, a `&` that opens no complete reference, bytes that
/// are not UTF-8.
fn plain_text(run: &[u8]) -> Option<&str> {
    // One pass: no `\r`, and each `&` closed by a `;` before the next `&`.
    let mut open = false;
    for &b in run {
        match b {
            b'\r' => return None,
            b'&' if open => return None,
            b'&' => open = true,
            b';' => open = false,
            _ => {}
        }
    }
    std::str::from_utf8(run).ok().filter(|_| !open)
}

/// Where the `>` that ends a tag is, past quoted attribute values (which may
/// hold one). A cell's tag is a few dozen bytes: one byte loop, not a
/// searcher set up for each quote and each stretch between them.
fn tag_end(tag: &[u8]) -> Option<usize> {
    let mut open_quote = None;
    tag.iter().position(|&b| match open_quote {
        Some(quote) => {
            if b == quote {
                open_quote = None;
            }
            false
        }
        None if b == b'"' || b == b'\'' => {
            open_quote = Some(b);
            false
        }
        None => b == b'>',
    })
}

/// The main XML event loop of the .docx and .odt readers: nesting deeper than
/// the limit is refused before the element is handled (hostile files nest
/// thousands deep), and a parse error becomes a Vietnamese [`ExtractError`]
/// naming its cause, the parser's text kept as detail.
pub(crate) struct BoundedReader<'x> {
    reader: Reader<&'x [u8]>,
    /// ".docx", ".odt": names the file type in messages.
    format: &'static str,
    depth: usize,
    max_depth: usize,
    /// The last event opened an element: the parser sits at its text.
    after_start: bool,
    /// The last event was a tag: the parser sits right after its `>`.
    after_tag: bool,
    /// Bytes taken by [`BoundedReader::text_run`] and [`BoundedReader::plain_leaf`],
    /// which the parser's offset misses.
    skipped: u64,
}

impl<'x> BoundedReader<'x> {
    pub(crate) fn new(xml: &'x [u8], format: &'static str, max_depth: usize) -> Self {
        let mut reader = Reader::from_reader(xml);
        // Word and LibreOffice files in the wild close elements loosely; structure comes from the events.
        reader.config_mut().check_end_names = false;
        BoundedReader { reader, format, depth: 0, max_depth, after_start: false, after_tag: false, skipped: 0 }
    }

    /// The next event; `Event::Eof` at the end.
    pub(crate) fn next(&mut self) -> ExtractResult<Event<'x>> {
        let event = match self.reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(self.parse_error(&e)),
        };
        self.after_start = matches!(event, Event::Start(_));
        self.after_tag = matches!(event, Event::Start(_) | Event::End(_) | Event::Empty(_));
        match &event {
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(ExtractError::limit(format!(
                        "cấu trúc {} lồng nhau quá sâu (hơn {} cấp)",
                        self.format, self.max_depth
                    )));
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Ok(event)
    }

    /// The text right after the element just opened, up to the next markup,
    /// as written (references unresolved), taken in one piece: the parser
    /// makes an event of each reference, and a sheet written with every
    /// non-ASCII letter as `&#7871;` has one for most letters. `None`, with
    /// nothing taken, where the events must read it: not just after an
    /// opening tag, no text, a `\r` to normalize, a `&` that opens no
    /// complete reference, bytes that are not UTF-8.
    pub(crate) fn text_run(&mut self) -> Option<&'x str> {
        if !std::mem::take(&mut self.after_start) {
            return None;
        }
        let rest: &'x [u8] = self.reader.get_ref();
        let end = memchr::memchr(b'<', rest).filter(|&end| end > 0)?;
        let text = plain_text(&rest[..end])?;
        self.take(rest, end);
        Some(text)
    }

    /// A whole element `<name …>` that holds one of `children` (the tags
    /// of each, `<v>` and `</v>`, without attributes) with text
    /// [`Self::text_run`] could take (empty too), then `</name>`, right after
    /// a tag: taken in one piece, the events of its tags left out (a big
    /// sheet has a hundred thousand such cells). Gives the content of its tag
    /// (for [`BytesStart::from_content`]), which child it holds and the
    /// child's text; `None`, with nothing taken, for anything else.
    pub(crate) fn plain_leaf(&mut self, name: &str, children: &[(&str, &str)]) -> Option<(&'x str, usize, &'x str)> {
        if !self.after_tag {
            return None;
        }
        let rest: &'x [u8] = self.reader.get_ref();
        let tag = rest.strip_prefix(b"<")?.strip_prefix(name.as_bytes())?;
        if !matches!(tag.first(), Some(b' ' | b'>')) {
            return None;
        }
        let content = &rest[1..1 + name.len() + tag_end(tag)?];
        // An empty element `<c …/>` is left to the events.
        if content.ends_with(b"/") {
            return None;
        }
        let after_tag = &rest[content.len() + 2..];
        let (child, inner) = children
            .iter()
            .enumerate()
            .find_map(|(child, (open, _))| Some((child, after_tag.strip_prefix(open.as_bytes())?)))?;
        let (open, close) = children[child];
        // Past the depth limit the element is refused by the events, as ever.
        if self.depth + 1 + open.bytes().filter(|&b| b == b'<').count() > self.max_depth {
            return None;
        }
        let end = memchr::memchr(b'<', inner)?;
        let text = plain_text(&inner[..end])?;
        let after = inner[end..]
            .strip_prefix(close.as_bytes())?
            .strip_prefix(b"</")?
            .strip_prefix(name.as_bytes())?
            .strip_prefix(b">")?;
        let content = std::str::from_utf8(content).ok()?;
        // Balanced: the parser's depth and its stack of open names are as they were.
        self.after_start = false;
        self.take(rest, rest.len() - after.len());
        Some((content, child, text))
    }

    /// Moves the parser, just past a tag, `len` bytes on: it reads on from
    /// there as it would have (a run of text, or whole elements).
    fn take(&mut self, rest: &'x [u8], len: usize) {
        *self.reader.get_mut() = &rest[len..];
        self.skipped += len as u64;
    }

    /// Out of line: the event loop's hot path stays small.
    #[cold]
    fn parse_error(&self, e: &quick_xml::Error) -> ExtractError {
        let position = self.reader.error_position() + self.skipped;
        ExtractError::corrupt(format!("nội dung {} bị hỏng (XML không hợp lệ: {})", self.format, xml_cause(e)))
            .with_detail(format!("{e} (byte {position})"))
    }
}

/// A character or predefined entity reference as text; others are dropped.
pub(crate) fn resolve_reference(r: &BytesRef) -> Option<String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c.to_string()),
        _ => predefined_entity(r).map(str::to_owned),
    }
}

/// Which of the parser's failures it was, in Vietnamese.
fn xml_cause(e: &quick_xml::Error) -> &'static str {
    use quick_xml::Error;
    match e {
        // Every syntax error is an unclosed construct: the part ends too early.
        Error::Syntax(_) => "phần nội dung kết thúc giữa chừng",
        Error::IllFormed(_) => "thẻ mở và thẻ đóng không khớp",
        Error::InvalidAttr(_) => "thuộc tính của thẻ sai cú pháp",
        Error::Encoding(_) => "ký tự không đúng mã hóa khai báo",
        Error::Escape(_) => "ký tự thoát (&…;) sai",
        Error::Namespace(_) => "không gian tên sai",
        Error::Io(_) => "không đọc được dữ liệu",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::ErrorKind;

    fn read_all(xml: &str, max_depth: usize) -> ExtractResult<usize> {
        let mut reader = BoundedReader::new(xml.as_bytes(), ".docx", max_depth);
        let mut starts = 0;
        loop {
            match reader.next()? {
                Event::Eof => return Ok(starts),
                Event::Start(_) => starts += 1,
                _ => {}
            }
        }
    }

    #[test]
    fn a_cut_off_part_names_its_cause_in_vietnamese_and_keeps_the_parser_text_apart() {
        let err = read_all("<w:body><w:p><w:r", 64).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Corrupt);
        assert!(
            err.message.starts_with(concat!(
                "nội dung .docx bị hỏng (XML không hợp lệ: phần nội dung kết thúc giữa chừng)",
                "; hãy "
            )),
            "{}",
            err.message
        );
        let detail = err.detail.expect("parser text kept");
        assert!(detail.contains("byte"), "{detail}");
        assert!(!err.message.contains("unclosed") && !err.message.contains("Syntax"));
    }

    #[test]
    fn text_taken_in_one_piece_leaves_the_events_and_errors_as_they_were() {
        let xml = "<c><t>caf&#233; &amp; b</t><t>x\r\ny</t></c><t>ok</t><a";
        let read = |take_runs: bool| {
            let mut reader = BoundedReader::new(xml.as_bytes(), ".xlsx", 8);
            let mut seen = Vec::new();
            loop {
                match reader.next() {
                    Err(e) => return (seen, e.detail),
                    Ok(Event::Eof) => return (seen, None),
                    Ok(Event::Start(_)) if take_runs => seen.extend(reader.text_run().map(str::to_owned)),
                    Ok(Event::End(e)) => seen.push(e.local_name().into_inner().to_owned()),
                    _ => {}
                }
            }
        };
        let (runs, error) = read(true);
        // A `\r` is left to the events.
        assert_eq!(runs, ["caf&#233; &amp; b", "t", "t", "c", "ok", "t"]);
        assert!(error.is_some());
        assert_eq!(error, read(false).1);
    }

    #[test]
    fn mismatched_tags_are_told_apart_from_a_cut_off_part() {
        let mut reader = BoundedReader::new(b"<a></b>", ".odt", 64);
        reader.reader.config_mut().check_end_names = true;
        let err = std::iter::from_fn(|| Some(reader.next())).find_map(Result::err).unwrap();
        assert!(
            err.message.starts_with(concat!(
                "nội dung .odt bị hỏng (XML không hợp lệ: thẻ mở và thẻ đóng không khớp)",
                "; hãy "
            )),
            "{}",
            err.message
        );
    }

    #[test]
    fn nesting_is_refused_one_level_past_the_limit() {
        assert_eq!(read_all("<a><b><c></c></b></a>", 3), Ok(3));
        let err = read_all("<a><b><c><d></d></c></b></a>", 3).unwrap_err();
        assert_eq!(err.kind, ErrorKind::LimitExceeded);
        assert!(
            err.message.starts_with(
                "cấu trúc .docx lồng nhau quá sâu (hơn 3 cấp); nếu đây đúng là báo cáo, hãy chạy lại với --max-depth"
            ),
            "{}",
            err.message
        );
        // Closed elements give their depth back: siblings never add up.
        assert_eq!(read_all("<r><a><b></b></a><a><b></b></a><a><b></b></a></r>", 3), Ok(7));
    }

    #[test]
    fn references_resolve_to_characters_or_predefined_entities_only() {
        let mut reader = BoundedReader::new(b"<a>&#x1EA0;&amp;&nbsp;</a>", ".odt", 8);
        let mut text = String::new();
        loop {
            match reader.next().unwrap() {
                Event::Eof => break,
                Event::GeneralRef(r) => text.push_str(&resolve_reference(&r).unwrap_or_else(|| "?".into())),
                _ => {}
            }
        }
        assert_eq!(text, "Ạ&?");
    }
}
