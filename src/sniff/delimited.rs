//! Whether a file is delimited text (a portal's CSV/TSV export), and the
//! decoding and separator sniffing its reader
//! ([`crate::extract::sheets::delimited`]) shares: UTF-8 with or without BOM,
//! UTF-16 by its BOM, otherwise Windows-1258, the Vietnamese ANSI code page;
//! the separator among `;`, tab and `,` is the one that splits the most lines
//! into the same number of fields.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1258};

/// Separators tried, in the order that wins a tie (portals in Vietnam favour `;` and tab).
const SEPARATORS: [u8; 3] = [b';', b'\t', b','];

/// Records looked at when sniffing the separator.
const SNIFF_RECORDS: usize = 64;

/// Whether bytes are delimited text: decodable, no binary control bytes, and
/// a separator that splits several lines into the same number (≥ 2) of fields.
pub fn looks_delimited(head: &[u8]) -> bool {
    let text = decode(head);
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return false;
    }
    // Content alone must look like a table: several records of at least three fields.
    sniff_separator(&text).is_some_and(|(_, shape)| shape.records >= 3 && shape.fields >= 3)
}

/// The field count most records share, and how many share it.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub fields: usize,
    pub records: usize,
}

/// Text of the file: BOM first, then UTF-8 if valid, else Windows-1258.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return UTF_16LE.decode_without_bom_handling(rest).0.into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return UTF_16BE.decode_without_bom_handling(rest).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        // A head cut inside a multi-byte character is still UTF-8.
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
        Err(_) => WINDOWS_1258.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// The separator that gives the largest number of records sharing one field
/// count of at least 2; `None` when no separator makes two such records.
pub fn sniff_separator(text: &str) -> Option<(u8, Shape)> {
    let mut best: Option<(u8, Shape)> = None;
    for sep in SEPARATORS {
        let mut reader =
            csv::ReaderBuilder::new().delimiter(sep).has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut counts: Vec<(usize, usize)> = Vec::new();
        for record in reader.records().take(SNIFF_RECORDS) {
            // A head cut inside a quoted field ends the sample, it does not disqualify it.
            let Ok(record) = record else { break };
            if record.len() < 2 {
                continue;
            }
            match counts.iter_mut().find(|(n, _)| *n == record.len()) {
                Some((_, seen)) => *seen += 1,
                None => counts.push((record.len(), 1)),
            }
        }
        let Some(&(fields, records)) = counts.iter().max_by_key(|(fields, seen)| (*seen, *fields)) else { continue };
        let better = match best {
            None => true,
            Some((_, shape)) => records > shape.records,
        };
        if records >= 2 && better {
            best = Some((sep, Shape { fields, records }));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_and_binary_are_not_delimited() {
        assert!(!looks_delimited("Kính gửi: UBND huyện.\nNội dung báo cáo như sau.\n".as_bytes()));
        assert!(!looks_delimited(b"a;b\n\x00\x01;\x02\n"));
        assert!(looks_delimited(b"a,b,c\n1,2,3\n4,5,6\n"));
        assert!(!looks_delimited(b"a,b\n1,2\n"));
    }
}
