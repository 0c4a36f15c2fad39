//! Slips in a file's syntax that viewers forgive and lopdf does not, mended
//! in the bytes before it parses them: stream filters written with the
//! abbreviations of inline images (`/Fl` for `/FlateDecode`), and an
//! encrypted file's trailer without the `/ID` its key is derived from (an
//! empty one, as poppler takes it).

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
}
