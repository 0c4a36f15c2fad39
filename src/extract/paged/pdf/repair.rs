//! Slips in a file's syntax that viewers forgive and lopdf does not, mended
//! in the bytes before it parses them: stream filters written with the
//! abbreviations of inline images (`/Fl` for `/FlateDecode`), and an
//! encrypted file's trailer without the `/ID` its key is derived from (an
//! empty one, as poppler takes it), crypt filters given by reference,
//! which lopdf takes for absent (it then decrypts with no filter, to garbage),
//! and font names written with a blank (`/Arial,Unicode MS`), whose second
//! word makes lopdf drop the font's whole dictionary and its text mapping.

/// Abbreviated filter names and the names they stand for.
const ABBREVIATIONS: [(&[u8], &[u8]); 7] = [
    (b"AHx", b"ASCIIHexDecode"),
    (b"A85", b"ASCII85Decode"),
    (b"LZW", b"LZWDecode"),
    (b"Fl", b"FlateDecode"),
    (b"RL", b"RunLengthDecode"),
    (b"CCF", b"CCITTFaxDecode"),
    (b"DCT", b"DCTDecode"),
];

/// The file with every abbreviated name after `/Filter` spelled out; `None`
/// when it has none. Blanks after a name take the longer name's bytes, so a
/// file padded for it keeps its offsets (lopdf rebuilds those that move).
pub fn spelled_filters(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut mended = Vec::new();
    let mut copied = 0;
    // Inline images in content streams abbreviate rightly, and a stream's bytes must not move.
    let data = stream_data(bytes);
    for at in memchr::memmem::find_iter(bytes, b"/Filter") {
        if data.get(data.partition_point(|&(_, end)| end <= at)).is_some_and(|&(start, _)| start <= at) {
            continue;
        }
        let mut cursor = at + b"/Filter".len();
        let skip_blanks = |mut i: usize| {
            while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            i
        };
        cursor = skip_blanks(cursor);
        let in_array = bytes.get(cursor) == Some(&b'[');
        if in_array {
            cursor = skip_blanks(cursor + 1);
        }
        while bytes.get(cursor) == Some(&b'/') {
            let start = cursor + 1;
            let end =
                start + bytes[start..].iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(bytes.len() - start);
            cursor = skip_blanks(end);
            let Some(&(_, full)) = ABBREVIATIONS.iter().find(|(short, _)| *short == &bytes[start..end]) else {
                if !in_array {
                    break;
                }
                continue;
            };
            mended.extend_from_slice(&bytes[copied..start]);
            mended.extend_from_slice(full);
            // Padding the name can take, leaving one blank as a delimiter.
            let blanks = cursor - end;
            let grown = full.len() - (end - start);
            copied = if blanks > grown { end + grown } else { end };
            if !in_array {
                break;
            }
        }
    }
    (copied > 0).then(|| {
        mended.extend_from_slice(&bytes[copied..]);
        mended
    })
}

/// Where each stream's data lies, from its `stream` keyword to its `endstream`, in order.
fn stream_data(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&bytes[from..], b"stream").map(|at| from + at) {
        let start = at + b"stream".len();
        let Some(end) = memchr::memmem::find(&bytes[start..], b"endstream").map(|end| start + end) else { break };
        ranges.push((start, end));
        from = end + b"endstream".len();
    }
    ranges
}

/// The file with an empty `/ID` added to its last `trailer` dictionary when
/// that dictionary has `/Encrypt` and no `/ID`; `None` otherwise. The trailer
/// follows the cross-reference table, so no offset moves.
pub fn empty_id(bytes: &[u8]) -> Option<Vec<u8>> {
    let at = memchr::memmem::rfind(bytes, b"trailer")?;
    let open = at + memchr::memmem::find(&bytes[at..], b"<<")? + 2;
    let dict = &bytes[open..];
    let dict = &dict[..memchr::memmem::find(dict, b"startxref").unwrap_or(dict.len())];
    let has = |key: &[u8]| {
        memchr::memmem::find_iter(dict, key)
            .any(|i| dict.get(i + key.len()).is_some_and(|b| !b.is_ascii_alphanumeric()))
    };
    (has(b"/Encrypt") && !has(b"/ID")).then(|| [&bytes[..open], b" /ID [<> <>] ", &bytes[open..]].concat())
}

/// The file with the blanks inside font names (`/BaseFont /AASGAA+Arial,Unicode MS`)
/// made underscores; `None` when no font name has one. The bytes keep their
/// offsets, and the name only identifies the font.
pub fn joined_font_names(bytes: &[u8]) -> Option<Vec<u8>> {
    const KEYWORDS: [&[u8]; 8] = [b"R", b"obj", b"endobj", b"true", b"false", b"null", b"stream", b"endstream"];
    // Streams are found only when a name has a blank: most files have none.
    let mut data: Option<Vec<(usize, usize)>> = None;
    let mut mended: Option<Vec<u8>> = None;
    for key in [&b"/BaseFont"[..], b"/FontName"] {
        for at in memchr::memmem::find_iter(bytes, key) {
            let name = skip_blanks(bytes, at + key.len());
            if bytes.get(name) != Some(&b'/') {
                continue;
            }
            let mut end = name + 1 + bytes[name + 1..].iter().position(|&b| is_delimiter(b)).unwrap_or(0);
            // Each bare word after the name on its line belongs to it.
            loop {
                let word = end + bytes[end..].iter().take_while(|&&b| b == b' ').count();
                let len = bytes[word..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
                let word_end = word + len;
                let bare = len > 0 && word > end && bytes[word].is_ascii_alphabetic();
                if !bare
                    || KEYWORDS.contains(&&bytes[word..word_end])
                    || !bytes.get(word_end).is_none_or(|&b| is_delimiter(b))
                {
                    break;
                }
                let data = data.get_or_insert_with(|| stream_data(bytes));
                if data.get(data.partition_point(|&(_, end)| end <= at)).is_some_and(|&(start, _)| start <= at) {
                    break;
                }
                mended.get_or_insert_with(|| bytes.to_vec())[end..word].fill(b'_');
                end = word_end;
            }
        }
    }
    mended
}

/// Whitespace and the characters that end a PDF name.
fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b)
}

/// The file with its encryption dictionary's crypt filters (`/CF`, and each
/// filter in it) written in place of the references to them; `None` when
/// they are written there already. Offsets after it move; lopdf rebuilds them.
pub fn inline_crypt_filters(bytes: &[u8]) -> Option<Vec<u8>> {
    let key = memchr::memmem::find_iter(bytes, b"/Encrypt").find(|&at| reference(bytes, at + 8).is_some())?;
    let (number, generation, _) = reference(bytes, key + 8)?;
    let (start, end) = object_dict(bytes, number, generation)?;
    let encrypt = &bytes[start..end];
    let cf = (0..encrypt.len()).find(|&i| {
        encrypt[i..].starts_with(b"/CF") && encrypt.get(i + 3).is_some_and(|b| !b.is_ascii_alphanumeric())
    })?;
    let value = skip_blanks(encrypt, cf + 3);
    let (filters, value_end, mut changed) = match reference(encrypt, value) {
        Some((n, g, len)) => {
            let (from, to) = object_dict(bytes, n, g)?;
            (&bytes[from..to], value + len, true)
        }
        None => {
            let to = dict_end(encrypt, value)?;
            (&encrypt[value..to], to, false)
        }
    };
    // Each filter's dictionary in place of a reference to it.
    let mut inlined = Vec::with_capacity(filters.len());
    let mut at = 0;
    while at < filters.len() {
        if filters[at] == b'/' && at > 0 {
            let name_end = at + 1 + filters[at + 1..].iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(0);
            let value = skip_blanks(filters, name_end);
            if let Some((n, g, len)) = reference(filters, value) {
                let (from, to) = object_dict(bytes, n, g)?;
                inlined.extend_from_slice(&filters[at..value]);
                inlined.extend_from_slice(&bytes[from..to]);
                at = value + len;
                changed = true;
                continue;
            }
        }
        inlined.push(filters[at]);
        at += 1;
    }
    changed.then(|| [&bytes[..start + value], &inlined, &bytes[start + value_end..]].concat())
}

fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// An indirect reference `N G R` at `at` (after blanks): its numbers and length from `at`.
fn reference(bytes: &[u8], at: usize) -> Option<(u32, u16, usize)> {
    let digits = |from: usize| {
        let from = skip_blanks(bytes, from);
        let len = bytes.get(from..)?.iter().take_while(|b| b.is_ascii_digit()).count();
        let value = std::str::from_utf8(&bytes[from..from + len]).ok()?;
        Some((value, from + len))
    };
    let (number, after) = digits(at)?;
    let (generation, after) = digits(after)?;
    let r = skip_blanks(bytes, after);
    let delimited = bytes.get(r + 1).is_none_or(|b| !b.is_ascii_alphanumeric());
    (bytes.get(r) == Some(&b'R') && delimited).then_some(())?;
    Some((number.parse().ok()?, generation.parse().ok()?, r + 1 - at))
}

/// Where the dictionary of object `number generation` lies (its last definition).
fn object_dict(bytes: &[u8], number: u32, generation: u16) -> Option<(usize, usize)> {
    let header = format!("{number} {generation} obj");
    let at =
        memchr::memmem::rfind_iter(bytes, header.as_bytes()).find(|&at| at == 0 || !bytes[at - 1].is_ascii_digit())?;
    let start = skip_blanks(bytes, at + header.len());
    Some((start, dict_end(bytes, start)?))
}

/// The end (past `>>`) of the dictionary opening at `start`, strings and nested dictionaries skipped.
fn dict_end(bytes: &[u8], start: usize) -> Option<usize> {
    if !bytes.get(start..)?.starts_with(b"<<") {
        return None;
    }
    let (mut depth, mut at) = (0usize, start);
    while at < bytes.len() {
        match bytes[at] {
            b'<' if bytes.get(at + 1) == Some(&b'<') => {
                depth += 1;
                at += 2;
            }
            b'>' if bytes.get(at + 1) == Some(&b'>') => {
                depth -= 1;
                at += 2;
                if depth == 0 {
                    return Some(at);
                }
            }
            b'<' => at += bytes[at..].iter().position(|&b| b == b'>')? + 1,
            b'(' => {
                // A literal string: balanced parentheses, backslash escapes.
                let mut open = 0usize;
                while at < bytes.len() {
                    match bytes[at] {
                        b'\\' => at += 1,
                        b'(' => open += 1,
                        b')' => open -= 1,
                        _ => {}
                    }
                    at += 1;
                    if open == 0 {
                        break;
                    }
                }
            }
            _ => at += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviated_filters_are_spelled_out_in_their_padding() {
        let padded = b"<< /Length 3 /Filter /Fl          >>";
        let mended = spelled_filters(padded).expect("mended");
        assert_eq!(mended, b"<< /Length 3 /Filter /FlateDecode >>");
        let array = b"<</Filter [/AHx /Fl]>>";
        assert_eq!(spelled_filters(array).expect("mended"), b"<</Filter [/ASCIIHexDecode /FlateDecode]>>");
        assert!(spelled_filters(b"<< /Filter /FlateDecode /Fl 3 >>").is_none());
        let inline = b"<< /Length 30 >>\nstream\nBI /W 1 /H 1 /Filter /AHx ID 00> EI\nendstream";
        assert!(spelled_filters(inline).is_none());
    }

    #[test]
    fn an_encrypted_trailer_without_an_id_gets_an_empty_one() {
        let file = b"xref\n0 1\ntrailer << /Root 1 0 R /Encrypt 7 0 R >>\nstartxref\n5\n%%EOF";
        let mended = empty_id(file).expect("mended");
        assert!(memchr::memmem::find(&mended, b"<< /ID [<> <>]  /Root").is_some());
        assert!(empty_id(b"trailer << /Encrypt 7 0 R /ID [<01><01>] >>").is_none());
        assert!(empty_id(b"trailer << /Root 1 0 R >>").is_none());
    }

    #[test]
    fn crypt_filters_given_by_reference_are_written_in_place() {
        let file = b"6 0 obj\n<< /CF 7 0 R /Filter /Standard /O (a>>\\)b) /StmF /StdCF >>\nendobj\n\
            7 0 obj\n<<\n/StdCF 8 0 R\n>>\nendobj\n8 0 obj\n<< /CFM /AESV3 /Length 32 >>\nendobj\n\
            trailer << /Root 1 0 R /Encrypt 6 0 R >>";
        let mended = inline_crypt_filters(file).expect("mended");
        let mended = String::from_utf8(mended).unwrap();
        assert!(mended.starts_with("6 0 obj\n<< /CF <<\n/StdCF << /CFM /AESV3 /Length 32 >>\n>> /Filter /Standard"));
        let inline = b"6 0 obj << /CF << /StdCF << /CFM /AESV3 >> >> >> endobj trailer << /Encrypt 6 0 R >>";
        assert!(inline_crypt_filters(inline).is_none());
        assert!(inline_crypt_filters(b"trailer << /Root 1 0 R >>").is_none());
    }

    #[test]
    fn a_font_name_with_a_blank_is_joined_in_place() {
        let file = b"<<\n/BaseFont /AASGAA+Arial,Unicode MS\n/Type /Font >>\n<< /FontName /Times New Roman /Flags 4 >>";
        let mended = joined_font_names(file).expect("mended");
        assert_eq!(mended.len(), file.len());
        let mended = String::from_utf8(mended).unwrap();
        assert!(mended.contains("/BaseFont /AASGAA+Arial,Unicode_MS\n/Type"), "{mended}");
        assert!(mended.contains("/FontName /Times_New_Roman /Flags"), "{mended}");
        assert!(joined_font_names(b"<< /BaseFont /Helvetica /Encoding 5 0 R >>").is_none());
        assert!(joined_font_names(b"<< /BaseFont 12 0 R >>").is_none());
    }
}
