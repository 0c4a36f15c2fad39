//! Where results are written: standard output, or a file staged under a
//! temporary name until the run succeeds.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// An output file written under a temporary name in its own folder and renamed
/// over the target only by `commit`: a failed or killed run leaves yesterday's file.
pub struct Staged {
    target: PathBuf,
    /// Where the file is written until `commit`.
    pub temp: PathBuf,
    committed: bool,
}

impl Staged {
    pub fn new(target: &Path) -> Staged {
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // Hidden (leading dot), so a walk of the same folder skips it.
        let temp = target.with_file_name(format!(".{name}.parcheck-{}.tmp", std::process::id()));
        Staged { target: target.to_owned(), temp, committed: false }
    }

    pub fn commit(&mut self) -> anyhow::Result<()> {
        std::fs::rename(&self.temp, &self.target)
            .with_context(|| format!("không ghi được {} (đổi tên tệp tạm)", self.target.display()))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temp);
            let mut spool = self.temp.clone().into_os_string();
            spool.push(".part");
            let _ = std::fs::remove_file(spool);
        }
    }
}

pub fn open_output(staged: Option<&Staged>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match staged {
        Some(s) => Box::new(BufWriter::new(
            File::create(&s.temp).with_context(|| format!("không tạo được tệp kết quả {}", s.target.display()))?,
        )),
        None => match unbuffered_stdout() {
            Some(file) => Box::new(BufWriter::new(file)),
            None => Box::new(BufWriter::new(std::io::stdout().lock())),
        },
    })
}

/// Standard output as a plain file, where it can be had: `Stdout` looks for
/// the last line break in all that is written to it (the whole of a big
/// sheet's 17 MB line), to flush by lines. Windows' console needs `Stdout`'s
/// own writing.
#[cfg(unix)]
fn unbuffered_stdout() -> Option<File> {
    use std::os::fd::AsFd;
    std::io::stdout().as_fd().try_clone_to_owned().ok().map(File::from)
}

#[cfg(not(unix))]
fn unbuffered_stdout() -> Option<File> {
    None
}
