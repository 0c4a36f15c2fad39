//! Delimited text exports (.csv, .tsv, tab-separated .txt) from web portals.
//!
//! The bytes are decoded once and the separator sniffed as format sniffing
//! does ([`crate::sniff::delimited`]), and the records are read with the `csv` crate
//! (quoted fields may hold separators and line breaks). The file becomes one
//! table whose row numbers are the file's line numbers; the lines above the
//! header that hold a single field ("Đơn vị: …", "Năm đánh giá: …") are also
//! the document's prose. Decimal commas are left as written: the number
//! parser reads them.

use crate::extract::{Budget, ExtractError, ExtractResult};
use crate::grid::{Document, Paragraph, Row, RowBuilder, Run, TableBuilder, VerticalMerge};
use crate::sniff::delimited::{decode, sniff_separator};

pub fn extract(bytes: &[u8], budget: &mut Budget) -> ExtractResult<Document> {
    let text = decode(bytes);
    let (separator, _) = sniff_separator(&text)
        .ok_or_else(|| ExtractError::corrupt("tệp văn bản không có dạng bảng phân cách (CSV/TSV)".into()))?;
    let mut reader =
        csv::ReaderBuilder::new().delimiter(separator).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = TableBuilder::new(1).with_first_column(1);
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter { text: text.as_bytes(), at: 0, line: 1 };
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(reader.position().line(), |p| p.line());
                return Err(ExtractError::corrupt(format!("tệp CSV bị hỏng ở dòng {line}: {}", csv_error_kind(&e))));
            }
        }
        let line = lines.line_at(record.position().map_or(0, |p| p.byte() as usize));
        budget.spend_cells(record.len())?;
        let mut cells = RowBuilder::new(None);
        for (col, field) in record.iter().enumerate().filter(|(_, field)| !field.trim().is_empty()) {
            cells.push_at(col, 1, VerticalMerge::None, vec![Run::plain(field.to_owned())]);
        }
        if cells.cells().is_empty() {
            continue;
        }
        rows.push_numbered(line, cells);
    }
    let table = rows.finish();
    let prose = leading_single_field_rows(&table.rows);
    Ok(Document { tables: vec![table], prose, ..Document::default() })
}

/// The line a record starts on, as an editor numbers it. The csv crate puts a
/// record's position before the previous line's terminator; counting is
/// incremental since records come in order.
struct LineCounter<'t> {
    text: &'t [u8],
    at: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: usize) -> usize {
        let mut start = byte.min(self.text.len());
        while self.text.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        if start >= self.at {
            self.line += self.text[self.at..start].iter().filter(|&&b| b == b'\n').count();
            self.at = start;
        }
        self.line
    }
}

/// Lines above the header holding one field: metadata a portal writes before the table.
fn leading_single_field_rows(rows: &[Row]) -> Vec<Paragraph> {
    rows.iter()
        .take_while(|r| r.cells.len() == 1)
        .map(|r| Paragraph { row: Some(r.location.clone()), ..Paragraph::new(r.cells[0].runs.clone(), None) })
        .collect()
}

/// The csv crate's error, in the user's language.
fn csv_error_kind(e: &csv::Error) -> &'static str {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "ký tự không hợp lệ",
        csv::ErrorKind::Io(_) => "lỗi đọc dữ liệu",
        _ => "cấu trúc dòng không hợp lệ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;

    fn read(bytes: &[u8]) -> Document {
        extract(bytes, &mut Budget::new(Limits::default())).expect("readable")
    }

    fn texts(row: &Row) -> Vec<String> {
        row.cells.iter().map(|c| c.raw_text()).collect()
    }

    #[test]
    fn semicolons_with_bom_crlf_and_multiline_quotes() {
        let doc = read(
            "\u{feff}STT;Tên;Tối đa;Tự chấm\r\n1;\"Công tác; chỉ đạo\r\ndòng hai\";14;11,8\r\n1.1;Kế hoạch;3;3\r\n"
                .as_bytes(),
        );
        let rows = &doc.tables[0].rows;
        assert_eq!(rows.len(), 3);
        assert_eq!(texts(&rows[1]), ["1", "Công tác; chỉ đạo\r\ndòng hai", "14", "11,8"]);
        assert_eq!(rows[1].location.row, 2);
        // The quoted line break moves the next record to line 4.
        assert_eq!(rows[2].location.row, 4);
        assert!(doc.prose.is_empty());
    }

    #[test]
    fn tabs_with_metadata_lines_as_prose() {
        let doc = read(b"Don vi: UBND xa A\nNam: 2021\nMa\tNoi dung\tDiem\n1\tA, B, C\t0,5\n2\tD\t1\n");
        assert_eq!(doc.prose.len(), 2);
        assert_eq!(doc.prose[1].runs[0].text, "Nam: 2021");
        assert_eq!(texts(&doc.tables[0].rows[3]), ["1", "A, B, C", "0,5"]);
    }

    #[test]
    fn utf16_and_windows_1258_are_decoded() {
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("a;b\r\nđ;1\r\n".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(read(&utf16).tables[0].rows[1].cells[0].raw_text(), "đ");
        // 0xF0 is "đ" in Windows-1258; the bytes are not valid UTF-8.
        assert_eq!(read(b"a;b\n\xF0;1\n").tables[0].rows[1].cells[0].raw_text(), "đ");
    }

    #[test]
    fn a_single_line_is_no_table() {
        assert!(extract(b"just one line", &mut Budget::new(Limits::default())).is_err());
    }
}
