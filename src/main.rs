//! The `parcheck` command line: parses arguments and wires the library.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use rust_decimal::Decimal;

use parcheck::batch::{self, Progress, Settings};
use parcheck::extract::Limits;
use parcheck::human::Reports;
use parcheck::pipeline::Options;
use parcheck::state::State;

/// Exit status for usage errors and for a batch that could not run at all.
const EXIT_USAGE: u8 = 2;
const MB: u64 = 1024 * 1024;

#[derive(Parser)]
#[command(
    name = "parcheck",
    version,
    about = "Đọc bảng điểm Chỉ số CCHC trong báo cáo .docx/.xlsx/PDF và kiểm tra số học"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Kiểm tra các tệp hoặc thư mục (duyệt đệ quy); ghi NDJSON, mỗi tài liệu một dòng, theo thứ tự đường dẫn.
    Check(Box<CheckArgs>),
    /// Xuất lại toàn bộ kết quả đã lưu trong tệp trạng thái, theo thứ tự đường dẫn.
    Export(ExportArgs),
}

#[derive(Args)]
struct CheckArgs {
    /// Tệp hoặc thư mục cần kiểm tra.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Ghi NDJSON vào tệp này thay vì stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Số luồng xử lý song song (mặc định: số lõi CPU).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,
    /// Chênh lệch lớn nhất không coi là sai (ví dụ 0.005 hoặc 0,005).
    #[arg(long, value_name = "DEC", default_value = "0.005", value_parser = parse_tolerance)]
    tolerance: Decimal,
    /// Đối chiếu với bộ tiêu chí này (mã trong schemas/catalogs) thay vì bộ tự nhận ra.
    #[arg(long, value_name = "ID", value_parser = parse_framework)]
    framework: Option<String>,
    /// Sửa mã tiêu chí ghi sai (tên và vị trí khớp mã khác trong bộ tiêu chí) trước khi cộng điểm.
    #[arg(long)]
    repair_codes: bool,
    /// Trang quét: nhận dạng ký tự bằng Tesseract (auto) hoặc bỏ qua (never).
    #[arg(long, value_enum, default_value = "auto")]
    ocr: OcrMode,
    /// Độ tin cậy OCR (0–100) dưới mức này thì giá trị được báo là không chắc chắn.
    #[arg(long, value_name = "N", default_value = "80", value_parser = parse_confidence)]
    ocr_min_confidence: f32,
    /// Thoát với mã 1 nếu có phát hiện mức lỗi.
    #[arg(long)]
    fail_on_findings: bool,
    /// Tệp trạng thái SQLite cho lần chạy tăng dần (bỏ qua tài liệu không đổi).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Chỉ ghi kết quả của tài liệu mới hoặc đã thay đổi (cần --state).
    #[arg(long, requires = "state")]
    only_changed: bool,
    /// Ghi báo cáo Excel.
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
    /// Ghi báo cáo HTML (một trang, không cần mạng).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Không hiện tiến độ và tóm tắt.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Per-document limits; the defaults are those of `Limits::default()`.
#[derive(Args)]
struct LimitArgs {
    /// Dung lượng tệp lớn nhất (MB).
    #[arg(long, value_name = "MB")]
    max_file_mb: Option<u64>,
    /// Dữ liệu giải nén lớn nhất cho một tài liệu (MB).
    #[arg(long, value_name = "MB")]
    max_decompressed_mb: Option<u64>,
    /// Số mục lớn nhất trong một tệp nén (.docx/.xlsx).
    #[arg(long, value_name = "N")]
    max_zip_entries: Option<usize>,
    /// Tỉ lệ nén lớn nhất của một mục (chống bom nén).
    #[arg(long, value_name = "N")]
    max_compression_ratio: Option<u64>,
    /// Số ô bảng lớn nhất đọc từ một tài liệu.
    #[arg(long, value_name = "N")]
    max_cells: Option<usize>,
    /// Số trang PDF lớn nhất.
    #[arg(long, value_name = "N")]
    max_pages: Option<usize>,
    /// Độ sâu lồng nhau lớn nhất (PDF, XML).
    #[arg(long, value_name = "N")]
    max_depth: Option<usize>,
    /// Thời gian xử lý lớn nhất cho một tài liệu (giây).
    #[arg(long, value_name = "SECONDS")]
    max_seconds: Option<u64>,
}

#[derive(Args)]
struct ExportArgs {
    /// Tệp trạng thái SQLite.
    #[arg(long, value_name = "FILE")]
    state: PathBuf,
    /// Ghi NDJSON vào tệp này thay vì stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        let d = Limits::default();
        Limits {
            max_file_bytes: self.max_file_mb.map_or(d.max_file_bytes, |mb| mb.saturating_mul(MB)),
            max_decompressed_bytes: self
                .max_decompressed_mb
                .map_or(d.max_decompressed_bytes, |mb| mb.saturating_mul(MB)),
            max_zip_entries: self.max_zip_entries.unwrap_or(d.max_zip_entries),
            max_compression_ratio: self.max_compression_ratio.unwrap_or(d.max_compression_ratio),
            max_cells: self.max_cells.unwrap_or(d.max_cells),
            max_pages: self.max_pages.unwrap_or(d.max_pages),
            max_depth: self.max_depth.unwrap_or(d.max_depth),
            max_time: self.max_seconds.map_or(d.max_time, Duration::from_secs),
            ocr: d.ocr,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OcrMode {
    Auto,
    Never,
}

fn parse_confidence(text: &str) -> Result<f32, String> {
    match text.trim().replace(',', ".").parse::<f32>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!("'{text}' không phải độ tin cậy từ 0 đến 100")),
    }
}

fn parse_tolerance(text: &str) -> Result<Decimal, String> {
    let value: Decimal = text.replace(',', ".").parse().map_err(|_| format!("không phải số thập phân: {text}"))?;
    if value.is_sign_negative() {
        return Err("dung sai không được âm".into());
    }
    Ok(value)
}

fn parse_framework(id: &str) -> Result<String, String> {
    match parcheck::framework::find(id) {
        Some(catalog) => Ok(catalog.id.clone()),
        None => {
            let known: Vec<&str> = parcheck::framework::catalogs().iter().map(|c| c.id.as_str()).collect();
            Err(format!("không có bộ tiêu chí '{id}'; các bộ có sẵn: {}", known.join(", ")))
        }
    }
}

fn open_output(path: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(path) => {
            Box::new(BufWriter::new(File::create(path).with_context(|| format!("không tạo được {}", path.display()))?))
        }
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    })
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let options = Options {
        limits: Limits { ocr: args.ocr == OcrMode::Auto, ..args.limits.limits() },
        tolerance: args.tolerance,
        framework: args.framework,
        repair_codes: args.repair_codes,
        ocr_min_confidence: args.ocr_min_confidence,
    };
    let inputs = match batch::collect_inputs(&args.paths, &options.limits) {
        Ok(inputs) => inputs,
        Err(missing) => {
            eprintln!("parcheck: {missing}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    if !args.quiet {
        inputs.warnings.iter().for_each(|w| eprintln!("parcheck: {w}"));
    }
    let state = match &args.state {
        Some(path) => Some(
            State::open(path, format!("{options:?}"))
                .with_context(|| format!("không mở được tệp trạng thái {}", path.display()))?,
        ),
        None => None,
    };
    let mut reports = Reports::create(args.xlsx.as_deref(), args.html.as_deref())?;
    let mut out = open_output(args.out.as_deref())?;
    let jobs = args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |n| n as usize);
    let settings = Settings { options, jobs, only_changed: args.only_changed };
    let mut progress = Progress::new(inputs.files.len(), args.quiet);
    let summary = batch::run(&inputs.files, &settings, state.as_ref(), &mut out, reports.as_mut(), &mut progress)?;
    if let Some(reports) = reports {
        reports.finish().context("không ghi được báo cáo")?;
    }
    if !args.quiet {
        eprintln!("{summary}");
    }
    Ok(if args.fail_on_findings && summary.error_findings > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    if !args.state.is_file() {
        eprintln!("parcheck: không tìm thấy tệp trạng thái {}", args.state.display());
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let state = State::open(&args.state, String::new())
        .with_context(|| format!("không mở được tệp trạng thái {}", args.state.display()))?;
    state.export(&mut open_output(args.out.as_deref())?)?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(*args),
        Command::Export(args) => export(args),
    };
    result.unwrap_or_else(|e| {
        // A reader that stopped early (`parcheck check … | head`) is not a failure.
        let closed_pipe = e.chain().any(|cause| {
            cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if closed_pipe {
            return ExitCode::SUCCESS;
        }
        // A batch that cannot run (unwritable output, unusable state file) is not "processed".
        eprintln!("parcheck: {e:#}");
        ExitCode::from(EXIT_USAGE)
    })
}
