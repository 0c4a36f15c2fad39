//! Reading parts of OOXML/ODF zip containers within the document's budget.
//!
//! Zip bombs are stopped before inflating: the entry count, each member's
//! declared size and compression ratio are checked, and the bytes actually
//! inflated are counted against the budget (declared sizes can lie).

use std::io::{Cursor, Read};

use crate::extract::{Budget, ErrorKind, ExtractError, ExtractResult};

pub struct GuardedZip<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
}

impl<'a> GuardedZip<'a> {
    pub fn open(bytes: &'a [u8], budget: &Budget) -> ExtractResult<Self> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| zip_error(&format!("tệp nén (zip) {}", zip_cause(&e)), e))?;
        if archive.len() > budget.limits.max_zip_entries {
            return Err(ExtractError::limit(format!(
                "tệp nén có {} mục, vượt giới hạn {}",
                archive.len(),
                budget.limits.max_zip_entries
            )));
        }
        Ok(GuardedZip { archive })
    }

    pub fn names(&self) -> Vec<String> {
        self.archive.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// Reads one member fully, or `Ok(None)` when it does not exist.
    pub fn read(&mut self, name: &str, budget: &mut Budget) -> ExtractResult<Option<Vec<u8>>> {
        let Some(index) = self.archive.index_for_name(name) else {
            return Ok(None);
        };
        let entry = self
            .archive
            .by_index(index)
            .map_err(|e| zip_error(&format!("không đọc được phần '{name}' trong tệp nén: {}", zip_cause(&e)), e))?;
        if entry.encrypted() {
            return Err(ExtractError::unsupported("tệp được mã hóa bằng mật khẩu, không thể đọc".into()));
        }
        let declared = entry.size();
        let compressed = entry.compressed_size().max(1);
        let ratio_limit = budget.limits.max_compression_ratio;
        // Tiny members compress extremely well in honest files; judge the ratio only past 1 MB.
        if declared > 1024 * 1024 && declared / compressed > ratio_limit {
            return Err(ExtractError::limit(format!(
                "phần '{name}' có tỉ lệ nén {}:1, vượt giới hạn {ratio_limit}:1 (nghi là bom nén)",
                declared / compressed
            )));
        }
        // Reserve the declared size first, then count what inflating really
        // yields: a member that lies about its size is cut off one byte past
        // what the budget still allows.
        budget.spend_bytes(declared)?;
        let mut data = Vec::with_capacity(declared.min(64 * 1024 * 1024) as usize);
        let cap = declared.saturating_add(budget.bytes_left()).saturating_add(1);
        entry.take(cap).read_to_end(&mut data).map_err(|e| {
            ExtractError::corrupt(format!("phần '{name}' trong tệp nén bị hỏng (dữ liệu nén không giải nén được)"))
                .with_detail(e)
        })?;
        budget.spend_bytes((data.len() as u64).saturating_sub(declared))?;
        Ok(Some(data))
    }

    /// The archive with one member's body replaced and every other member
    /// copied as it is (still compressed, in its place: ODF's `mimetype` stays first).
    pub fn with_member_replaced(&mut self, name: &str, body: &[u8]) -> ExtractResult<Vec<u8>> {
        use std::io::Write;
        let failed = |e: zip::result::ZipError| {
            ExtractError::corrupt("không ghi lại được tệp nén để bỏ phần vượt giới hạn".into()).with_detail(e)
        };
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..self.archive.len() {
            let entry = self.archive.by_index_raw(i).map_err(failed)?;
            if entry.name().is_ok_and(|n| n == name) {
                drop(entry);
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .large_file(body.len() as u64 >= u32::MAX as u64);
                out.start_file(name, options).map_err(failed)?;
                out.write_all(body).map_err(|e| failed(e.into()))?;
            } else {
                out.raw_copy_file(entry).map_err(failed)?;
            }
        }
        Ok(out.finish().map_err(failed)?.into_inner())
    }
}

/// A zip error as the document's error: the Vietnamese says which cause, the
/// library's text is the detail.
fn zip_error(message: &str, e: zip::result::ZipError) -> ExtractError {
    let kind = match &e {
        zip::result::ZipError::UnsupportedArchive(_) | zip::result::ZipError::CompressionMethodNotSupported(_) => {
            ErrorKind::Unsupported
        }
        zip::result::ZipError::InvalidPassword => ErrorKind::Encrypted,
        zip::result::ZipError::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => ErrorKind::Truncated,
        _ => ErrorKind::Corrupt,
    };
    ExtractError::new(kind, message).with_detail(e)
}

fn zip_cause(e: &zip::result::ZipError) -> &'static str {
    use zip::result::ZipError;
    match e {
        ZipError::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => "bị cắt cụt, thiếu phần cuối",
        ZipError::Io(_) => "không đọc được",
        ZipError::InvalidArchive(_) => "bị hỏng (cấu trúc thư mục nén không hợp lệ)",
        ZipError::UnsupportedArchive(_) => "dùng kiểu lưu trữ không được hỗ trợ",
        ZipError::CompressionMethodNotSupported(_) => "dùng phương pháp nén không được hỗ trợ",
        ZipError::InvalidPassword => "được bảo vệ bằng mật khẩu",
        ZipError::FileNotFound => "thiếu mục cần đọc",
        _ => "bị hỏng hoặc không đầy đủ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;

    #[test]
    fn a_damaged_container_says_which_cause_and_keeps_the_library_text_apart() {
        let budget = Budget::new(Limits::default());
        let err = GuardedZip::open(b"PK\x03\x04 not really a zip archive", &budget).err().unwrap();
        assert_eq!(err.kind, ErrorKind::Corrupt);
        assert!(
            err.message.starts_with(concat!("tệp nén (zip) bị hỏng (cấu trúc thư mục nén không hợp lệ)", "; hãy ")),
            "{}",
            err.message
        );
        assert!(err.detail.is_some_and(|d| !d.is_empty()));
    }

    #[test]
    fn causes_map_to_kinds() {
        use zip::result::ZipError;
        let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        assert_eq!(zip_error("x", ZipError::Io(eof)).kind, ErrorKind::Truncated);
        assert_eq!(zip_error("x", ZipError::CompressionMethodNotSupported(99)).kind, ErrorKind::Unsupported);
        assert_eq!(zip_error("x", ZipError::InvalidPassword).kind, ErrorKind::Encrypted);
        assert_eq!(zip_error("x", ZipError::FileNotFound).kind, ErrorKind::Corrupt);
        assert_eq!(zip_cause(&ZipError::CompressionMethodNotSupported(99)), "dùng phương pháp nén không được hỗ trợ");
    }
}
