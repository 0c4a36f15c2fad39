//! Opening OLE2 compound files (.doc, .xls, encrypted OOXML) as Word and
//! Excel open them: a file whose allocation table describes more sectors
//! than the file holds (older writers round it up) is read with the missing
//! sectors taken as empty, where the `cfb` crate refuses it whole.

use std::borrow::Cow;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A compound file over the bytes, borrowed, or padded when they had to be.
pub type Compound<'a> = cfb::CompoundFile<Cursor<Cow<'a, [u8]>>>;

/// Padding allowed beyond the file's own size.
const MAX_PADDING: usize = 16 * 1024 * 1024;

/// Opens a compound file; a panic inside `cfb` on a hostile header is an error.
pub fn open(bytes: &[u8]) -> std::io::Result<Compound<'_>> {
    match attempt(Cow::Borrowed(bytes)) {
        Ok(file) => Ok(file),
        Err(error) => match padded(bytes) {
            Some(padded) => attempt(Cow::Owned(padded)).map_err(|_| error),
            None => Err(error),
        },
    }
}

fn attempt(data: Cow<'_, [u8]>) -> std::io::Result<Compound<'_>> {
    catch_unwind(AssertUnwindSafe(|| cfb::CompoundFile::open(Cursor::new(data))))
        .unwrap_or_else(|_| Err(std::io::Error::other("cfb panicked")))
}

/// The file padded with empty sectors up to what its allocation table covers.
fn padded(bytes: &[u8]) -> Option<Vec<u8>> {
    let u32_at = |o: usize| bytes.get(o..o + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let shift = bytes.get(0x1E..0x20).map(|b| u16::from_le_bytes([b[0], b[1]]))?;
    if !(7..=16).contains(&shift) {
        return None;
    }
    let sector = 1usize << shift;
    let fat_sectors = u32_at(0x2C)? as usize;
    let wanted = fat_sectors.checked_mul(sector / 4)?.checked_add(1)?.checked_mul(sector)?;
    if wanted <= bytes.len() || wanted - bytes.len() > MAX_PADDING {
        return None;
    }
    let mut padded = bytes.to_vec();
    padded.resize(wanted, 0);
    Some(padded)
}
