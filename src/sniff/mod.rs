//! Format sniffing by content, never by extension alone: a report saved by a
//! web portal as `.doc` is often HTML, an `.xls` may be an OOXML zip, and a
//! `.docx` may be anything. The extension only names the file in messages.

pub mod compound;
pub mod delimited;

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
    /// Delimited text exports: CSV, TSV, tab-separated .txt.
    Delimited,
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
            Format::Delimited => "csv",
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Tiff => "tiff",
            Format::Encrypted => "encrypted",
            Format::Container => "container",
            Format::Empty => "empty",
            Format::Unknown => "unknown",
        }
    }

    /// Why a format is not read and what to do, in the user's language
    /// (a container's message depends on its kind: [`container_message`]).
    pub fn unsupported_message(self) -> String {
        match self {
            Format::Encrypted => {
                "tệp Office được bảo vệ bằng mật khẩu (mã hóa), không thể đọc; hãy gỡ mật khẩu và gửi lại".into()
            }
            Format::Container => "tệp không chứa văn bản Word hay bảng tính nào; hãy lưu báo cáo thành .docx hoặc .xlsx rồi gửi lại".into(),
            Format::Empty => "tệp rỗng, không có nội dung; hãy kiểm tra lại tệp gốc và gửi lại".into(),
            _ => format!("không nhận dạng được định dạng tệp; hãy lưu báo cáo thành một định dạng parcheck đọc được ({READ_FORMATS}) rồi gửi lại"),
        }
    }
}

/// The formats parcheck reads, as messages list them.
pub const READ_FORMATS: &str =
    ".docx, .doc, .odt, .rtf, .xlsx, .xls, .ods, .csv, .pdf, HTML hoặc ảnh quét .jpg, .png, .tif";

/// Why a zip or OLE2 container that holds no document is not read, and what to do.
pub fn container_message(bytes: &[u8]) -> String {
    if bytes.starts_with(OLE2_MAGIC) {
        "tệp Office dạng OLE không chứa văn bản Word hay bảng tính Excel nào (có thể là tệp PowerPoint, Visio hay Outlook); hãy lưu báo cáo thành .docx, .doc, .xlsx hoặc .xls rồi gửi lại".into()
    } else {
        "tệp nén (zip) không chứa văn bản Word, bảng tính hay tài liệu OpenDocument nào; hãy lưu báo cáo thành .docx, .xlsx, .odt hoặc .ods rồi gửi lại".into()
    }
}

const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decides the format of a file from its first bytes and, for containers, the
/// names of the parts inside.
pub fn sniff(bytes: &[u8]) -> Format {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Format::Empty;
    }
    if looks_like_rtf(bytes) {
        return Format::Rtf;
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
    if find(head, b"%PDF-").is_some() || is_headerless_pdf(bytes) {
        return Format::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes);
    }
    if bytes.starts_with(OLE2_MAGIC) {
        return sniff_ole2(bytes);
    }
    if is_word2(bytes) {
        return Format::Doc;
    }
    if looks_like_html(bytes) {
        return Format::Html;
    }
    if delimited::looks_delimited(&bytes[..bytes.len().min(16 * 1024)]) {
        return Format::Delimited;
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
        // ODF stores its mimetype first and uncompressed, so it survives truncation.
        let head = &bytes[..bytes.len().min(256)];
        if find(head, b"mimetypeapplication/vnd.oasis.opendocument.text").is_some() {
            return Format::Odt;
        }
        if find(head, b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet").is_some() {
            return Format::Ods;
        }
        return Format::Container;
    };
    let raw_names: Vec<String> = archive.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
    // Part names are matched as Office matches them: any case, either slash.
    let names: Vec<String> =
        raw_names.iter().map(|n| n.trim_start_matches(['/', '\\']).replace('\\', "/").to_ascii_lowercase()).collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if names.iter().any(|n| n.starts_with("word/")) {
        return Format::Docx;
    }
    if names.iter().any(|n| n.starts_with("xl/")) {
        return Format::Xlsx;
    }
    // A minimal package keeps its parts anywhere: the content types name the main part.
    if let Some(at) = names.iter().position(|n| n == "[content_types].xml") {
        let mut types = String::new();
        if let Ok(f) = archive.by_name(&raw_names[at]) {
            let _ = f.take(256 * 1024).read_to_string(&mut types);
        }
        if let Some(format) = main_part_format(&types) {
            return format;
        }
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
    if has("content.xml") && has("meta-inf/manifest.xml") {
        // Without a mimetype member the manifest names the document type.
        let mut manifest = String::new();
        if let Ok(f) = archive.by_name("META-INF/manifest.xml") {
            let _ = f.take(64 * 1024).read_to_string(&mut manifest);
        }
        if manifest.contains("opendocument.text") && !manifest.contains("opendocument.spreadsheet") {
            return Format::Odt;
        }
        return Format::Ods;
    }
    Format::Container
}

/// A PDF whose `%PDF-` line was lost (viewers and pdftotext read it): it
/// starts with an indirect object and ends with a cross-reference trailer.
fn is_headerless_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let starts_with_object = head.windows(4).position(|w| w == b" obj").is_some_and(|at| at < 64);
    starts_with_object && find(tail, b"startxref").is_some() && find(tail, b"%%EOF").is_some()
}

/// The format a package's content types give its main part.
fn main_part_format(types: &str) -> Option<Format> {
    let has = |needles: &[&str]| needles.iter().any(|n| types.contains(n));
    if has(&["wordprocessingml.document.main", "wordprocessingml.template.main", "ms-word.document.macroEnabled.main"])
    {
        Some(Format::Docx)
    } else if has(&["spreadsheetml.sheet.main", "spreadsheetml.template.main", "ms-excel.sheet.macroEnabled.main"]) {
        Some(Format::Xlsx)
    } else {
        None
    }
}

/// OLE2 compound files hold .xls workbooks, legacy .doc files, and password
/// protected OOXML. The format is decided by the streams of the root storage,
/// read from the directory with `cfb`: searching the raw bytes for stream names
/// would also find them in font and style names ("Book Antiqua") and in
/// embedded objects, whose own storages (`ObjectPool`, `MBD…`) never decide.
fn sniff_ole2(bytes: &[u8]) -> Format {
    inspect_ole2(bytes).0
}

use compound::Compound;

/// The names of the root storage's streams, lowercased; `None` when the
/// directory cannot be read (sniffing must never fail).
fn root_streams(bytes: &[u8]) -> Option<(Vec<String>, Compound<'_>)> {
    let file = compound::open(bytes).ok()?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        file.read_root_storage().take(4096).filter(|e| e.is_stream()).map(|e| e.name().to_lowercase()).collect()
    }))
    .ok()
    .map(|names| (names, file))
}

/// Reads at most `max` bytes from the start of a stream of the compound file.
fn stream_head(file: &mut Compound, name: &str, max: u64) -> Option<Vec<u8>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let stream = file.open_stream(name).ok()?;
        let mut head = Vec::new();
        stream.take(max).read_to_end(&mut head).ok()?;
        Some(head)
    }))
    .ok()
    .flatten()
}

/// The format of an OLE2 file and, for a variant that is not read (encrypted,
/// older Word), why, in the user's language.
fn inspect_ole2(bytes: &[u8]) -> (Format, Option<String>) {
    let Some((names, mut file)) = root_streams(bytes) else {
        return (Format::Container, None);
    };
    let find = |wanted: &[&str]| names.iter().find(|n| wanted.contains(&n.as_str())).cloned();
    if find(&["encryptioninfo", "encryptedpackage"]).is_some() {
        return (Format::Encrypted, None);
    }
    if let Some(stream) = find(&["worddocument"]) {
        let obstacle = stream_head(&mut file, &stream, 64).and_then(|fib| word_obstacle(&fib));
        return (Format::Doc, obstacle);
    }
    if let Some(stream) = find(&["workbook", "book"]) {
        let obstacle = stream_head(&mut file, &stream, 64 * 1024).and_then(|biff| xls_obstacle(&biff));
        return (Format::Xls, obstacle);
    }
    (Format::Container, None)
}

/// Why a Word binary file is not read, judged from its FIB: encryption, or a
/// version older than Word 97 (nFib below 0xC0).
fn word_obstacle(fib: &[u8]) -> Option<String> {
    let word = |at: usize| fib.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let n_fib = word(2)?;
    if n_fib < 0xC0 {
        return Some(format!(
            "tệp {} (nFib {n_fib}) là định dạng cũ chưa được hỗ trợ; hãy mở bằng Word và lưu lại thành .docx",
            word_version_name(n_fib)
        ));
    }
    let flags = word(10)?;
    (flags & 0x0100 != 0).then(|| {
        "tệp Word 97-2003 (.doc) được bảo vệ bằng mật khẩu (mã hóa), không thể đọc; hãy gỡ mật khẩu và gửi lại".into()
    })
}

fn word_version_name(n_fib: u16) -> &'static str {
    match n_fib {
        0..=44 => "Word for Windows 1.0",
        45..=100 => "Word 2.0",
        101..=103 => "Word 6.0",
        _ => "Word 95",
    }
}

/// A password-protected workbook carries a FILEPASS record among the first
/// records of its globals substream, before the first sheet's BOF.
fn xls_obstacle(biff: &[u8]) -> Option<String> {
    const FILEPASS: u16 = 0x002F;
    const BOUNDSHEET: u16 = 0x0085;
    let mut at = 0usize;
    for _ in 0..512 {
        let header = biff.get(at..at + 4)?;
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = u16::from_le_bytes([header[2], header[3]]) as usize;
        if kind == FILEPASS {
            return Some(
                "bảng tính Excel 97-2003 (.xls) được bảo vệ bằng mật khẩu (mã hóa), không thể đọc; hãy gỡ mật khẩu và gửi lại"
                    .into(),
            );
        }
        if kind == BOUNDSHEET {
            return None;
        }
        at += 4 + len;
    }
    None
}

/// Files from Word for Windows 1.0 and 2.0 are not compound files: the FIB
/// starts the file, with its magic number (wIdent 0xA59B / 0xA5DB).
fn is_word2(bytes: &[u8]) -> bool {
    bytes.len() >= 32 && (bytes.starts_with(&[0x9B, 0xA5]) || bytes.starts_with(&[0xDB, 0xA5]))
}

/// Why a file of a format that is read is nonetheless not read: an encrypted
/// .doc or .xls, a Word version older than 97. Checked by the extractor
/// dispatch, so `source.format` still names the format.
pub fn unsupported_variant(format: Format, bytes: &[u8]) -> Option<String> {
    match format {
        Format::Doc if is_word2(bytes) => word_obstacle(bytes),
        Format::Doc | Format::Xls if bytes.starts_with(OLE2_MAGIC) => inspect_ole2(bytes).1,
        _ => None,
    }
}

/// RTF by content, whatever the name (Word's "Save as RTF" files are often named .doc):
/// `{\rtf` after an optional UTF-8 BOM and whitespace.
fn looks_like_rtf(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().take(512).position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    bytes.get(start..).is_some_and(|b| b.starts_with(b"{\\rtf"))
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
        assert_eq!(sniff(b"\xEF\xBB\xBF\r\n {\\rtf1 %PDF-1.4 <html>"), Format::Rtf);
        assert_eq!(sniff(b"<html><body><table><tr><td>1</td></tr></table>"), Format::Html);
        assert_eq!(sniff(b"\xEF\xBB\xBF<!DOCTYPE html><html>"), Format::Html);
        assert_eq!(sniff(&[0x13, 0x37, 0x00, 0xff]), Format::Unknown);
        assert_eq!(sniff("\u{feff}STT;Tên;Điểm\r\n1;A;1\r\n2;B;0,5\r\n".as_bytes()), Format::Delimited);
        assert_eq!(sniff(b"Ma\tTen\tDiem\n1\tA\t1\n2\tB\t2\n"), Format::Delimited);
        assert_eq!(sniff(b"plain words, nothing more\n"), Format::Unknown);
        assert_eq!(
            sniff(b"%\xe2\xe3\n1 0 obj <</Type /Catalog>> endobj\ntrailer <<>>\nstartxref\n9\n%%EOF\n"),
            Format::Pdf
        );
    }

    /// A compound file with the given streams (path, bytes) and empty storages.
    fn compound(storages: &[&str], streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
        use std::io::Write;
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("creates");
        for storage in storages {
            file.create_storage(storage).expect("storage");
        }
        for (path, data) in streams {
            file.create_stream(path).expect("stream").write_all(data).expect("writes");
        }
        file.flush().expect("flushes");
        file.into_inner().into_inner()
    }

    /// The first bytes of a Word FIB: wIdent, nFib, and the flags word.
    fn fib(n_fib: u16, flags: u16) -> Vec<u8> {
        let mut fib = vec![0u8; 64];
        fib[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
        fib[2..4].copy_from_slice(&n_fib.to_le_bytes());
        fib[10..12].copy_from_slice(&flags.to_le_bytes());
        fib
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    /// BIFF8 records: BOF, then `records`, then a BOUNDSHEET.
    fn biff(records: &[(u16, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut push = |kind: u16, data: &[u8]| {
            out.extend(kind.to_le_bytes());
            out.extend((data.len() as u16).to_le_bytes());
            out.extend(data);
        };
        push(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
        for (kind, data) in records {
            push(*kind, data);
        }
        push(0x0085, &[0; 8]);
        out
    }

    #[test]
    fn truncated_opendocument_keeps_its_format() {
        let odt = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/docs/merged_sections.odt")).unwrap();
        assert_eq!(sniff(&odt), Format::Odt);
        assert_eq!(sniff(&odt[..2000]), Format::Odt);
        let ods = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/docs/simple.ods")).unwrap();
        assert_eq!(sniff(&ods[..ods.len() / 2]), Format::Ods);
    }

    #[test]
    fn a_doc_whose_font_table_names_book_antiqua_is_a_doc() {
        let mut table = vec![0u8; 40];
        table.extend(utf16("Book Antiqua"));
        table.extend(utf16("Book Title"));
        let doc = compound(&[], &[("/WordDocument", fib(0xC1, 0x0200)), ("/1Table", table)]);
        assert_eq!(sniff(&doc), Format::Doc);
        assert_eq!(unsupported_variant(Format::Doc, &doc), None);
    }

    #[test]
    fn an_embedded_workbook_never_decides() {
        let storages = ["/ObjectPool", "/ObjectPool/_1234567890", "/MBD0001A2B3"];
        let streams = [
            ("/WordDocument", fib(0xC1, 0)),
            ("/0Table", vec![0; 16]),
            ("/ObjectPool/_1234567890/Workbook", biff(&[])),
            ("/MBD0001A2B3/Book", biff(&[])),
        ];
        assert_eq!(sniff(&compound(&storages, &streams)), Format::Doc);
        // Only embedded objects: a container, neither a workbook nor a document.
        let only_object = compound(&["/ObjectPool", "/ObjectPool/_1"], &[("/ObjectPool/_1/Workbook", biff(&[]))]);
        assert_eq!(sniff(&only_object), Format::Container);
    }

    #[test]
    fn workbook_stream_names_match_in_any_case() {
        assert_eq!(sniff(&compound(&[], &[("/WORKBOOK", biff(&[]))])), Format::Xls);
        assert_eq!(sniff(&compound(&[], &[("/BOOK", biff(&[]))])), Format::Xls);
        assert_eq!(sniff(&compound(&[], &[("/Workbook", biff(&[]))])), Format::Xls);
    }

    #[test]
    fn encrypted_files_are_named_and_refused_with_a_reason() {
        let package = compound(&[], &[("/EncryptionInfo", vec![4, 0, 4, 0]), ("/EncryptedPackage", vec![0; 64])]);
        assert_eq!(sniff(&package), Format::Encrypted);

        let xls = compound(&[], &[("/Workbook", biff(&[(0x00E1, &[0, 0]), (0x002F, &[1, 0, 1, 0])]))]);
        assert_eq!(sniff(&xls), Format::Xls);
        let reason = unsupported_variant(Format::Xls, &xls).expect("encrypted xls refused");
        assert!(reason.contains("mật khẩu"), "{reason}");
        let plain = compound(&[], &[("/Workbook", biff(&[(0x00E1, &[0, 0])]))]);
        assert_eq!(unsupported_variant(Format::Xls, &plain), None);

        let doc = compound(&[], &[("/WordDocument", fib(0xC1, 0x0100)), ("/0Table", vec![0; 16])]);
        assert_eq!(sniff(&doc), Format::Doc);
        assert!(unsupported_variant(Format::Doc, &doc).expect("encrypted doc refused").contains("mật khẩu"));
    }

    #[test]
    fn older_word_versions_are_named() {
        let word95 = compound(&[], &[("/WordDocument", fib(104, 0))]);
        assert_eq!(sniff(&word95), Format::Doc);
        assert!(unsupported_variant(Format::Doc, &word95).expect("refused").contains("Word 95"));
        let word6 = compound(&[], &[("/WordDocument", fib(101, 0))]);
        assert!(unsupported_variant(Format::Doc, &word6).expect("refused").contains("Word 6.0"));
        // Word 2.0 files are no compound files: the FIB starts the file.
        let mut word2 = vec![0xDB, 0xA5, 45, 0];
        word2.extend([0u8; 60]);
        assert_eq!(sniff(&word2), Format::Doc);
        assert!(unsupported_variant(Format::Doc, &word2).expect("refused").contains("Word 2.0"));
    }

    #[test]
    fn word_stream_names_match_in_any_case() {
        for name in ["/worddocument", "/WORDDOCUMENT", "/WordDocument"] {
            assert_eq!(sniff(&compound(&[], &[(name, fib(0xC1, 0)), ("/0Table", vec![0; 16])])), Format::Doc, "{name}");
        }
    }

    /// Older writers mark allocation-table entries past the end of the file
    /// as used (poi's 47950 files): Word opens them, and so does parcheck.
    #[test]
    fn a_fat_describing_sectors_past_the_end_is_read() {
        let mut doc = compound(&[], &[("/WordDocument", fib(0xC1, 0)), ("/0Table", vec![0; 16])]);
        let fat_sector = u32::from_le_bytes(doc[0x4C..0x50].try_into().unwrap()) as usize;
        let sector = 1usize << u16::from_le_bytes([doc[0x1E], doc[0x1F]]);
        // The FAT sector's last entry, far past the few sectors of the file.
        let entry = (fat_sector + 2) * sector - 4;
        doc[entry..entry + 4].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        assert!(cfb::CompoundFile::open(Cursor::new(&doc[..])).is_err(), "cfb alone refuses it");
        assert_eq!(sniff(&doc), Format::Doc);
    }

    #[test]
    fn a_container_is_named_by_its_kind_with_an_action() {
        let ole = compound(&[], &[("/PowerPoint Document", vec![0; 64])]);
        assert_eq!(sniff(&ole), Format::Container);
        let message = container_message(&ole);
        assert!(!message.contains("nén") && message.contains("OLE") && message.contains("hãy"), "{message}");
        assert!(container_message(b"PK\x03\x04").contains("tệp nén (zip)"));
    }

    #[test]
    fn a_minimal_package_is_named_by_its_content_types() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let types = r#"<Types><Override PartName="/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
        for (name, data) in
            [("[Content_Types].xml", types), ("workbook.xml", "<workbook/>"), ("sheet1.xml", "<worksheet/>")]
        {
            zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(data.as_bytes()).unwrap();
        }
        assert_eq!(sniff(&zip.finish().unwrap().into_inner()), Format::Xlsx);
    }

    #[test]
    fn damaged_compound_files_do_not_panic() {
        let doc = compound(&[], &[("/WordDocument", fib(0xC1, 0)), ("/1Table", vec![0; 4096])]);
        for cut in [8, 100, 512, 513, 1024, doc.len() / 2, doc.len() - 1] {
            let format = sniff(&doc[..cut]);
            assert!(matches!(format, Format::Container | Format::Doc), "{cut}: {format:?}");
        }
        let mut garbled = doc.clone();
        garbled[0x30..0x50].fill(0xFF);
        let _ = sniff(&garbled);
        let _ = unsupported_variant(Format::Doc, &garbled);
    }
}
