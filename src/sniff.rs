//! Format sniffing by content, never by extension alone: a report saved by a
//! web portal as `.doc` is often HTML, an `.xls` may be an OOXML zip, and a
//! `.docx` may be anything. The extension only names the file in messages.

use serde::Serialize;
use std::io::{Cursor, Read};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Docx,
    Xlsx,
    Xls,
    Ods,
    Pdf,
    Html,
    /// Legacy Word 97-2003 binary (.doc).
    Doc,
    /// OpenDocument text (.odt).
    Odt,
    /// Rich Text Format.
    Rtf,
    /// Scanned page images, read by OCR.
    Jpeg,
    Png,
    /// TIFF, one page per image directory.
    Tiff,
    /// An OOXML file protected with a password (OLE2 `EncryptedPackage`).
    Encrypted,
    /// A zip or OLE2 container holding neither a document nor a workbook.
    Container,
    Empty,
    Unknown,
}

impl Format {
    /// The `source.format` value of the contract.
    pub fn name(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Doc => "doc",
            Format::Odt => "odt",
            Format::Rtf => "rtf",
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Tiff => "tiff",
            Format::Encrypted => "encrypted",
            Format::Container => "container",
            Format::Empty => "empty",
            Format::Unknown => "unknown",
        }
    }

    /// Why a format is not read, in the user's language.
    pub fn unsupported_message(self) -> String {
        match self {
            Format::Doc => "định dạng Word 97-2003 (.doc) chưa được hỗ trợ; hãy lưu lại thành .docx".into(),
            Format::Odt => "định dạng OpenDocument văn bản (.odt) chưa được hỗ trợ; hãy lưu lại thành .docx".into(),
            Format::Rtf => "định dạng RTF chưa được hỗ trợ; hãy lưu lại thành .docx".into(),
            Format::Encrypted => "tệp được bảo vệ bằng mật khẩu (mã hóa), không thể đọc".into(),
            Format::Container => "tệp nén không chứa văn bản Word hay bảng tính nào".into(),
            Format::Empty => "tệp rỗng".into(),
            _ => "không nhận dạng được định dạng tệp (không phải .docx, .xlsx, .xls, .ods, PDF hay HTML)".into(),
        }
    }
}

const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decides the format of a file from its first bytes and, for containers, the
/// names of the parts inside.
pub fn sniff(bytes: &[u8]) -> Format {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Format::Empty;
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Format::Jpeg;
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Format::Png;
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return Format::Tiff;
    }
    if find(head, b"%PDF-").is_some() {
        return Format::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes);
    }
    if bytes.starts_with(OLE2_MAGIC) {
        return sniff_ole2(bytes);
    }
    if bytes.starts_with(b"{\\rtf") {
        return Format::Rtf;
    }
    if looks_like_html(bytes) {
        return Format::Html;
    }
    Format::Unknown
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn sniff_zip(bytes: &[u8]) -> Format {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // A zip we cannot open: judge by the names in its local headers so that a
        // truncated .docx is still reported as a broken .docx, not an unknown file.
        if find(bytes, b"word/").is_some() {
            return Format::Docx;
        }
        if find(bytes, b"xl/").is_some() {
            return Format::Xlsx;
        }
        return Format::Container;
    };
    let names: Vec<String> = archive.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("word/document.xml") || names.iter().any(|n| n.starts_with("word/")) {
        return Format::Docx;
    }
    if has("xl/workbook.xml") || has("xl/workbook.bin") || names.iter().any(|n| n.starts_with("xl/")) {
        return Format::Xlsx;
    }
    if has("mimetype") {
        let mut mime = String::new();
        if let Ok(f) = archive.by_name("mimetype") {
            let _ = f.take(200).read_to_string(&mut mime);
        }
        if mime.contains("opendocument.spreadsheet") {
            return Format::Ods;
        }
        if mime.contains("opendocument.text") {
            return Format::Odt;
        }
    }
    if has("content.xml") && has("META-INF/manifest.xml") {
        return Format::Ods;
    }
    Format::Container
}

/// OLE2 compound files hold .xls workbooks, legacy .doc files, and password
/// protected OOXML. The stream names sit in the directory sectors as UTF-16LE.
fn sniff_ole2(bytes: &[u8]) -> Format {
    let utf16 = |s: &str| s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>();
    if find(bytes, &utf16("EncryptedPackage")).is_some() {
        return Format::Encrypted;
    }
    if find(bytes, &utf16("Workbook")).is_some() || find(bytes, &utf16("Book")).is_some() {
        return Format::Xls;
    }
    if find(bytes, &utf16("WordDocument")).is_some() {
        return Format::Doc;
    }
    Format::Container
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    // Word "Single File Web Page" (.mht) wraps the HTML in MIME parts.
    let markers: [&[u8]; 5] = [b"<html", b"<!doctype html", b"<table", b"<body", b"mime-version:"];
    markers.iter().any(|m| find(&lower, m).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_magic_numbers() {
        assert_eq!(sniff(b""), Format::Empty);
        assert_eq!(sniff(b"  \n"), Format::Empty);
        assert_eq!(sniff(b"%PDF-1.7\n..."), Format::Pdf);
        assert_eq!(sniff(b"{\\rtf1\\ansi"), Format::Rtf);
        assert_eq!(sniff(b"<html><body><table><tr><td>1</td></tr></table>"), Format::Html);
        assert_eq!(sniff(b"\xEF\xBB\xBF<!DOCTYPE html><html>"), Format::Html);
        assert_eq!(sniff(&[0x13, 0x37, 0x00, 0xff]), Format::Unknown);
    }

    #[test]
    fn ole2_streams_decide_between_xls_doc_and_encrypted() {
        let mut f = OLE2_MAGIC.to_vec();
        f.extend(std::iter::repeat(0).take(512));
        let name = |s: &str| s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>();
        let mut xls = f.clone();
        xls.extend(name("Workbook"));
        assert_eq!(sniff(&xls), Format::Xls);
        let mut doc = f.clone();
        doc.extend(name("WordDocument"));
        assert_eq!(sniff(&doc), Format::Doc);
        let mut enc = f;
        enc.extend(name("EncryptedPackage"));
        assert_eq!(sniff(&enc), Format::Encrypted);
    }
}
