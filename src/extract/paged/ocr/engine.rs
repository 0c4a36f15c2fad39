//! Tesseract as a subprocess (`tesseract LIST OUT --psm N tsv`).
//!
//! A subprocess rather than a binding: a crash or hang of the OCR engine on a
//! hostile image is contained (the process is killed at the deadline and the
//! document gets an error status, the batch goes on), and the build needs no C
//! toolchain, Leptonica or Tesseract headers. Many crops go to one call through
//! a list file, so process start-up and model loading are paid once per batch.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::Gray;
use crate::extract::{ExtractError, ExtractResult};

/// What `--ocr auto` needs installed; named in the message when it is missing.
pub const MISSING: &str = "cần nhận dạng ký tự (OCR) nhưng chưa cài Tesseract tiếng Việt \
     (gói tesseract-ocr và tesseract-ocr-vie): hãy cài bằng apt-get install tesseract-ocr tesseract-ocr-vie rồi chạy lại";

/// How a batch of crops is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Vietnamese text, one block per crop (`--psm 6`).
    Text,
    /// Lines of digits, commas and dots (`--psm 6` with a whitelist): a
    /// stack of number cells, one a line.
    Numeric,
    /// One raw line of digits, commas and dots (`--psm 13` with the
    /// whitelist), no layout analysis: a crop read alone.
    NumericLine,
}

/// One recognised word, in the pixel coordinates of its crop.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub left: i32,
    pub top: i32,
    pub width: i32,
    pub height: i32,
    /// Block, paragraph and line numbers: words of one line share them.
    pub line: (u32, u32, u32),
    /// Tesseract's confidence, 0–100.
    pub confidence: f32,
    pub text: String,
}

/// The median height of `words` (the upper one of an even count), 0 for none:
/// the size of a crop's letters or digits, against which specks are told.
pub fn median_height<'w>(words: impl Iterator<Item = &'w Word>) -> i32 {
    let mut heights: Vec<i32> = words.map(|w| w.height).collect();
    heights.sort_unstable();
    heights.get(heights.len() / 2).copied().unwrap_or(0)
}

/// An installed Tesseract with Vietnamese data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tesseract {
    program: PathBuf,
    /// "tesseract 5.3.0", for the document's `extraction.ocr_engine`.
    pub version: String,
}

/// Runs a command with a deadline, killing it when it passes.
fn run(command: &mut Command, deadline: Instant) -> ExtractResult<bool> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ExtractError::unsupported(MISSING.into()).with_detail(e.to_string()))?;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status.success()),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ExtractError::limit(
                    "nhận dạng ký tự (OCR) vượt giới hạn thời gian xử lý một tài liệu".into(),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(ExtractError::corrupt("không chạy được Tesseract".into()).with_detail(e.to_string())),
        }
    }
}

fn probe(program: &str) -> Option<Tesseract> {
    let output = Command::new(program).arg("--version").stdin(Stdio::null()).output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    let version = text.lines().find(|l| l.starts_with("tesseract "))?.trim().to_string();
    let langs = Command::new(program).arg("--list-langs").stdin(Stdio::null()).output().ok()?;
    let langs = String::from_utf8_lossy(&langs.stdout).to_string();
    langs.lines().any(|l| l.trim() == "vie").then(|| Tesseract { program: program.into(), version })
}

impl Tesseract {
    /// The installed engine (`PARCHECK_TESSERACT` names another binary), probed once per process.
    pub fn detect() -> Option<&'static Tesseract> {
        static FOUND: OnceLock<Option<Tesseract>> = OnceLock::new();
        FOUND
            .get_or_init(|| probe(&std::env::var("PARCHECK_TESSERACT").unwrap_or_else(|_| "tesseract".into())))
            .as_ref()
    }

    /// Recognises each crop on its own; the result has one word list per crop.
    pub fn recognize(&self, crops: &[Gray], mode: Mode, deadline: Instant) -> ExtractResult<Vec<Vec<Word>>> {
        let mut results = vec![Vec::new(); crops.len()];
        if crops.is_empty() {
            return Ok(results);
        }
        let dir = TempDir::new()?;
        let mut list = String::new();
        for (i, crop) in crops.iter().enumerate() {
            let path = dir.0.join(format!("{i}.pgm"));
            write_pgm(&path, crop)?;
            list.push_str(&path.to_string_lossy());
            list.push('\n');
        }
        let list_path = dir.0.join("list.txt");
        fs::write(&list_path, list).map_err(io_error)?;
        let out = dir.0.join("out");
        let mut command = Command::new(&self.program);
        command.arg(&list_path).arg(&out).args(["-l", "vie"]);
        // One thread per process: pages already run in parallel, and OpenMP
        // threads competing for the same cores make Tesseract several times slower.
        command.env("OMP_THREAD_LIMIT", "1");
        match mode {
            Mode::Text => command.args(["--psm", "6"]),
            Mode::Numeric => command.args(["--psm", "6", "-c", "tessedit_char_whitelist=0123456789,."]),
            Mode::NumericLine => command.args(["--psm", "13", "-c", "tessedit_char_whitelist=0123456789,."]),
        };
        command.arg("tsv");
        if !run(&mut command, deadline)? {
            return Err(ExtractError::corrupt("Tesseract dừng vì lỗi khi nhận dạng một trang quét".into()));
        }
        let tsv = fs::read_to_string(dir.0.join("out.tsv")).map_err(io_error)?;
        for (page, word) in parse_tsv(&tsv) {
            if let Some(slot) = page.checked_sub(1).and_then(|i| results.get_mut(i)) {
                slot.push(word);
            }
        }
        Ok(results)
    }

    /// How far the page image must turn clockwise to stand upright (0, 90,
    /// 180 or 270) and Tesseract's confidence in it, from its orientation
    /// detection (`--psm 0`); `None` when it cannot tell (too little text, or
    /// the `osd` data not installed).
    pub fn orientation(&self, image: &Gray, deadline: Instant) -> ExtractResult<Option<(u16, f32)>> {
        let dir = TempDir::new()?;
        let path = dir.0.join("page.pgm");
        write_pgm(&path, image)?;
        let out = dir.0.join("out");
        let mut command = Command::new(&self.program);
        command.arg(&path).arg(&out).args(["--psm", "0"]).env("OMP_THREAD_LIMIT", "1");
        if !run(&mut command, deadline)? {
            return Ok(None);
        }
        Ok(fs::read_to_string(dir.0.join("out.osd")).ok().as_deref().and_then(parse_osd))
    }
}

/// The turn and confidence of Tesseract's `.osd` output.
fn parse_osd(osd: &str) -> Option<(u16, f32)> {
    let field = |name: &str| osd.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
    let turn: u16 = field("Rotate:")?.parse().ok()?;
    let confidence: f32 = field("Orientation confidence:")?.parse().ok()?;
    (turn.is_multiple_of(90) && turn < 360).then_some((turn, confidence))
}

/// Writes an image for Tesseract to read (buffered: a page is millions of bytes).
fn write_pgm(path: &std::path::Path, image: &Gray) -> ExtractResult<()> {
    let mut file = std::io::BufWriter::new(fs::File::create(path).map_err(io_error)?);
    image.write_pgm(&mut file).and_then(|()| std::io::Write::flush(&mut file)).map_err(io_error)
}

fn io_error(e: std::io::Error) -> ExtractError {
    ExtractError::corrupt("không ghi được tệp tạm cho OCR".into()).with_detail(e.to_string())
}

/// A scratch directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> ExtractResult<TempDir> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("parcheck-ocr-{}-{n}", std::process::id()));
        fs::create_dir_all(&path).map_err(io_error)?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // PARCHECK_OCR_KEEP=1 keeps the crops and Tesseract's output for inspection.
        if std::env::var_os("PARCHECK_OCR_KEEP").is_some() {
            return;
        }
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Word rows (level 5) of Tesseract's TSV, with the 1-based image they belong to.
pub fn parse_tsv(tsv: &str) -> Vec<(usize, Word)> {
    let mut out = Vec::new();
    for line in tsv.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let n = |i: usize| f[i].trim().parse::<i64>().unwrap_or(0);
        let text = f[11].trim();
        if text.is_empty() {
            continue;
        }
        let word = Word {
            left: n(6) as i32,
            top: n(7) as i32,
            width: n(8) as i32,
            height: n(9) as i32,
            line: (n(2) as u32, n(3) as u32, n(4) as u32),
            confidence: f[10].trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 100.0),
            text: text.to_string(),
        };
        out.push((n(1).max(0) as usize, word));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_is_the_clockwise_turn_that_sets_the_page_upright() {
        let osd =
            "Page number: 0\nOrientation in degrees: 90\nRotate: 270\nOrientation confidence: 10.06\nScript: Latin\n";
        assert_eq!(parse_osd(osd), Some((270, 10.06)));
        assert_eq!(parse_osd("Rotate: 45\nOrientation confidence: 3\n"), None);
        assert_eq!(parse_osd(""), None);
    }

    #[test]
    fn tsv_words_keep_image_box_and_confidence() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t150\t40\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t12\t8\t60\t22\t96.65\t1.9491\n\
                   5\t3\t1\t1\t1\t1\t10\t9\t20\t21\t91\t0,5\n\
                   5\t3\t1\t1\t1\t2\t40\t9\t20\t21\t-1\t \n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].0, 1);
        assert_eq!(words[0].1.text, "1.9491");
        assert_eq!((words[0].1.left, words[0].1.top, words[0].1.width), (12, 8, 60));
        assert!((words[0].1.confidence - 96.65).abs() < 0.01);
        assert_eq!((words[1].0, words[1].1.text.as_str()), (3, "0,5"));
    }
}
