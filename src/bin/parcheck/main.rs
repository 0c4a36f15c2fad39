//! The `parcheck` command line: parses arguments and wires the library.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use rust_decimal::Decimal;

use parcheck::batch::{self, OwnFiles, Progress, Settings};
use parcheck::config::{Limits, Options};
use parcheck::human::Reports;
use parcheck::isolate::Isolation;
use parcheck::state::{State, StateLock};

use output::{open_output, Staged};

mod memory;
mod output;
mod panics;
mod usage;

/// Exit status for usage errors.
const EXIT_USAGE: u8 = 2;
/// Exit status for a run that could not be carried out (state locked or corrupt, output not writable).
const EXIT_CANNOT_RUN: u8 = 3;
const MB: u64 = 1024 * 1024;

#[derive(Parser)]
#[command(
    name = "parcheck",
    version,
    about = "Đọc bảng điểm Chỉ số CCHC trong báo cáo .docx/.xlsx/PDF và kiểm tra số học",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Kiểm tra các tệp hoặc thư mục (duyệt đệ quy); ghi NDJSON, mỗi tài liệu một dòng, theo thứ tự đường dẫn.
    Check(Box<CheckArgs>),
    /// Xuất lại toàn bộ kết quả đã lưu trong một hay nhiều tệp trạng thái (các phần --shard), theo thứ tự đường dẫn.
    Export(ExportArgs),
    /// Gộp các tệp NDJSON của nhiều phần (--shard) thành một, mỗi tài liệu một lần, theo thứ tự đường dẫn.
    Merge(MergeArgs),
    /// Tiến trình con của --isolate (dùng nội bộ).
    #[command(hide = true)]
    Worker(WorkerArgs),
    /// In các bảng như parcheck đã đọc: ô, vai trò cột, loại dòng và mã tiêu chí.
    Tables(TablesArgs),
}

#[derive(Args)]
struct TablesArgs {
    /// Tệp cần xem.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Định dạng: text, csv hoặc json.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "csv", "json"])]
    format: String,
    /// Chỉ in (các) dòng của một tiêu chí (ví dụ 1.2.3), kèm nơi đọc từng giá trị: ô Excel,
    /// bảng/dòng/cột như Word đếm, trang và khung trên trang PDF, điểm ảnh trên ảnh quét.
    #[arg(long, value_name = "MÃ")]
    code: Option<String>,
    /// Ghi hình các trang của một tệp vào thư mục DIR: mỗi trang PDF một tệp SVG vẽ khung và giá trị
    /// từng ô đã đọc, mỗi trang quét một ảnh JPEG cắt quanh bảng có khung các ô; ô có phát hiện tô đỏ.
    #[arg(long, value_name = "DIR")]
    pages: Option<PathBuf>,
}

/// Options of a `--isolate` child: the document settings of its parent.
#[derive(Args)]
struct WorkerArgs {
    #[arg(long, value_parser = parse_tolerance)]
    tolerance: Decimal,
    #[arg(long)]
    framework: Option<String>,
    #[arg(long)]
    repair_codes: bool,
    #[arg(long)]
    memory_mb: u64,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    ocr: OcrArgs,
}

/// How scanned pages are read.
#[derive(Args)]
struct OcrArgs {
    /// Trang quét: nhận dạng ký tự bằng Tesseract (auto) hoặc bỏ qua (never).
    #[arg(long, value_enum, default_value = "auto")]
    ocr: OcrMode,
    /// Độ tin cậy OCR (0–100) dưới mức này thì giá trị được báo là không chắc chắn.
    #[arg(long, value_name = "N", default_value = "80", value_parser = parse_confidence)]
    ocr_min_confidence: f32,
    /// Thời gian thêm cho mỗi trang quét được nhận dạng (giây).
    #[arg(long, value_name = "S", default_value_t = 60)]
    ocr_seconds_per_page: u64,
}

impl OcrArgs {
    /// The document options, with these OCR settings over `limits`.
    fn options(&self, limits: Limits, tolerance: Decimal, framework: Option<String>, repair_codes: bool) -> Options {
        Options {
            limits: Limits {
                ocr: self.ocr == OcrMode::Auto,
                ocr_time_per_page: Duration::from_secs(self.ocr_seconds_per_page),
                ..limits
            },
            tolerance,
            framework,
            repair_codes,
            ocr_min_confidence: self.ocr_min_confidence,
        }
    }

    /// The same settings as `worker` arguments.
    fn worker_args(&self) -> Vec<String> {
        let mode = if self.ocr == OcrMode::Auto { "auto" } else { "never" };
        vec![
            "--ocr".into(),
            mode.into(),
            "--ocr-min-confidence".into(),
            self.ocr_min_confidence.to_string(),
            "--ocr-seconds-per-page".into(),
            self.ocr_seconds_per_page.to_string(),
        ]
    }
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
    #[command(flatten)]
    ocr: OcrArgs,
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
    nightly: NightlyArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Options of the unattended nightly run: identity root, lock, sharding.
#[derive(Args)]
struct NightlyArgs {
    /// Thư mục gốc của kho lưu trữ: đường dẫn trong kết quả và tệp trạng thái tính từ đây
    /// (mặc định: gốc đã lưu trong tệp trạng thái, hoặc thư mục chung của các PATH). Dùng khi kho được chuyển chỗ.
    #[arg(long, value_name = "DIR", requires = "state")]
    root: Option<PathBuf>,
    /// Thời gian chờ lớn nhất khi tệp trạng thái đang bị lần chạy khác giữ (giây).
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    lock_timeout: u64,
    /// Chỉ kiểm tra phần K trong N phần của kho (K tính từ 0), chia ổn định theo đường dẫn.
    #[arg(long, value_name = "K/N")]
    shard: Option<batch::Shard>,
    /// Đọc mỗi tài liệu trong một tiến trình con có giới hạn bộ nhớ và thời gian (an toàn hơn, chậm hơn).
    #[arg(long)]
    isolate: bool,
    /// Bộ nhớ lớn nhất của một tiến trình con --isolate (MB).
    #[arg(long, value_name = "MB", default_value_t = 2048, requires = "isolate")]
    isolate_memory_mb: u64,
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
    /// Tệp trạng thái SQLite (lặp lại để gộp nhiều phần).
    #[arg(long, value_name = "FILE", required = true)]
    state: Vec<PathBuf>,
    /// Ghi NDJSON vào tệp này thay vì stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct MergeArgs {
    /// Các tệp NDJSON do `check` hoặc `export` ghi.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
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
            ..d
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

/// Why a run stopped before doing its work: exit 2 (usage) or 3 (could not run).
#[derive(Debug)]
enum Stop {
    Usage(String),
    CannotRun(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Stop {
    fn from(e: E) -> Stop {
        Stop::CannotRun(e.into())
    }
}

/// The state of a `check` run, locked for its whole duration.
struct OpenState {
    state: State,
    root: PathBuf,
    _lock: StateLock,
}

fn open_state(path: &Path, args: &CheckArgs, settings: String, inputs: &batch::Inputs) -> Result<OpenState, Stop> {
    let timeout = Duration::from_secs(args.nightly.lock_timeout);
    let quiet = args.quiet;
    let lock = StateLock::acquire(path, timeout, |holder| {
        if !quiet {
            eprintln!(
                "parcheck: tệp trạng thái {} đang được {holder} dùng; đang chờ tối đa {} giây…",
                path.display(),
                timeout.as_secs()
            );
        }
    })?;
    let state = State::open(path, settings)?;
    let root = match &args.nightly.root {
        Some(root) => root
            .canonicalize()
            .map_err(|e| Stop::Usage(format!("không dùng được thư mục gốc {}: {e}", root.display())))?,
        None => match state.root()? {
            Some(root) => root,
            None => batch::common_root(inputs).map_or_else(std::env::current_dir, Ok)?,
        },
    };
    if state.root()?.as_deref() != Some(root.as_path()) {
        state.set_root(&root)?;
    }
    Ok(OpenState { state, root, _lock: lock })
}

fn check(args: CheckArgs) -> Result<ExitCode, Stop> {
    let options = args.ocr.options(args.limits.limits(), args.tolerance, args.framework.clone(), args.repair_codes);
    let outputs = [&args.out, &args.html, &args.xlsx, &args.state];
    let own = OwnFiles::new(outputs.iter().filter_map(|o| o.as_deref()));
    let mut inputs = batch::collect_inputs(&args.paths, &options.limits, &own);
    inputs.warnings.iter().for_each(|w| eprintln!("parcheck: cảnh báo: {w}"));
    let state = match &args.state {
        Some(path) => Some(open_state(path, &args, format!("{options:?}"), &inputs)?),
        None => None,
    };
    if let Some(open) = &state {
        batch::relative_to(&mut inputs, &open.root);
    }
    if let Some(shard) = args.nightly.shard {
        batch::keep_shard(&mut inputs, shard);
    }
    if let Some(open) = &state {
        batch::add_deleted(&mut inputs, open.state.known()?, &open.root, args.nightly.shard);
    }
    let named: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    let mut out_file = args.out.as_deref().map(Staged::new);
    let mut xlsx_file = args.xlsx.as_deref().map(Staged::new);
    let mut html_file = args.html.as_deref().map(Staged::new);
    let mut reports = Reports::create(
        xlsx_file.as_ref().map(|s| s.temp.as_path()),
        html_file.as_ref().map(|s| s.temp.as_path()),
        &named,
    )
    .context("không tạo được báo cáo")?;
    let mut out = open_output(out_file.as_ref())?;
    let jobs = args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |n| n as usize);
    let isolation = if args.nightly.isolate { Some(Arc::new(isolation(&args, &options)?)) } else { None };
    let settings = Settings { options, jobs, only_changed: args.only_changed, isolation };
    let mut progress = Progress::new(inputs.files.len(), args.quiet);
    let summary = batch::run(
        &inputs.files,
        &settings,
        state.as_ref().map(|s| &s.state),
        &mut out,
        reports.as_mut(),
        &mut progress,
    )?;
    drop(out);
    if let Some(reports) = reports {
        reports.finish().context("không ghi được báo cáo")?;
    }
    for staged in [&mut out_file, &mut xlsx_file, &mut html_file].into_iter().flatten() {
        staged.commit()?;
    }
    if let Some(open) = &state {
        open.state.delivered().context("không ghi được tệp trạng thái")?;
    }
    if !args.quiet {
        eprintln!("{summary}");
    }
    Ok(if args.fail_on_findings && summary.error_findings > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The worker pool of `--isolate`: this binary, re-executed with the same document settings.
fn isolation(args: &CheckArgs, options: &Options) -> Result<Isolation, Stop> {
    let program = std::env::current_exe().context("không tìm thấy chương trình parcheck để chạy tiến trình con")?;
    let l = &options.limits;
    let mut child: Vec<String> = vec!["worker".into(), "--tolerance".into(), options.tolerance.to_string()];
    if let Some(framework) = &options.framework {
        child.extend(["--framework".into(), framework.clone()]);
    }
    if options.repair_codes {
        child.push("--repair-codes".into());
    }
    child.extend(args.ocr.worker_args());
    let numbers = [
        ("--memory-mb", args.nightly.isolate_memory_mb),
        ("--max-file-mb", l.max_file_bytes / MB),
        ("--max-decompressed-mb", l.max_decompressed_bytes / MB),
        ("--max-zip-entries", l.max_zip_entries as u64),
        ("--max-compression-ratio", l.max_compression_ratio),
        ("--max-cells", l.max_cells as u64),
        ("--max-pages", l.max_pages as u64),
        ("--max-depth", l.max_depth as u64),
        ("--max-seconds", l.max_time.as_secs()),
    ];
    for (flag, value) in numbers {
        child.extend([flag.to_owned(), value.to_string()]);
    }
    let timeout = l.max_time + Duration::from_secs(5);
    Ok(Isolation::new(program, child.into_iter().map(Into::into).collect(), timeout, args.nightly.isolate_memory_mb))
}

fn worker(args: WorkerArgs) -> Result<ExitCode, Stop> {
    let options = args.ocr.options(args.limits.limits(), args.tolerance, args.framework, args.repair_codes);
    parcheck::isolate::serve(&options, args.memory_mb)?;
    Ok(ExitCode::SUCCESS)
}

fn export(args: ExportArgs) -> Result<ExitCode, Stop> {
    if let Some(missing) = args.state.iter().find(|s| !s.is_file()) {
        return Err(Stop::Usage(format!("không tìm thấy tệp trạng thái {}", missing.display())));
    }
    let mut staged = args.out.as_deref().map(Staged::new);
    let mut out = open_output(staged.as_ref())?;
    if let [only] = args.state.as_slice() {
        State::open(only, String::new())?.export(&mut out)?;
    } else {
        // Each state is exported beside the output, then the parts are merged in order.
        let dir = std::env::temp_dir();
        let mut parts = Vec::new();
        for (i, path) in args.state.iter().enumerate() {
            let part = dir.join(format!("parcheck-export-{}-{i}.ndjson", std::process::id()));
            let mut writer = BufWriter::new(File::create(&part).context("không tạo được tệp tạm")?);
            let exported = State::open(path, String::new())?.export(&mut writer);
            parts.push(part);
            exported?;
        }
        let merged = merge_files(&parts, &mut out);
        parts.iter().for_each(|p| drop(std::fs::remove_file(p)));
        merged?;
    }
    drop(out);
    if let Some(staged) = staged.as_mut() {
        staged.commit()?;
    }
    Ok(ExitCode::SUCCESS)
}

fn merge_files(files: &[PathBuf], out: &mut dyn Write) -> anyhow::Result<batch::MergeSummary> {
    let mut readers: Vec<Box<dyn std::io::BufRead>> = Vec::new();
    for file in files {
        let opened = File::open(file).with_context(|| format!("không mở được {}", file.display()))?;
        readers.push(Box::new(std::io::BufReader::new(opened)));
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    Ok(batch::merge_ndjson(readers, &names, out)?)
}

fn merge(args: MergeArgs) -> Result<ExitCode, Stop> {
    if let Some(missing) = args.files.iter().find(|s| !s.is_file()) {
        return Err(Stop::Usage(format!("không tìm thấy tệp {}", missing.display())));
    }
    let mut staged = args.out.as_deref().map(Staged::new);
    let mut out = open_output(staged.as_ref())?;
    let summary = merge_files(&args.files, &mut out)?;
    drop(out);
    if let Some(staged) = staged.as_mut() {
        staged.commit()?;
    }
    if summary.duplicates > 0 {
        eprintln!("parcheck: cảnh báo: bỏ {} dòng trùng tài liệu đã có", summary.duplicates);
    }
    Ok(ExitCode::SUCCESS)
}

fn tables(args: TablesArgs) -> Result<ExitCode, Stop> {
    use parcheck::human::tables::{run, OutputFormat};
    let format = OutputFormat::named(&args.format);
    if let Some(dir) = &args.pages {
        let [file] = args.files.as_slice() else {
            return Err(Stop::Usage("--pages chỉ dùng với một tệp".into()));
        };
        let written = parcheck::human::pages::write_pages(file, dir, &Default::default())?;
        written.iter().for_each(|path| println!("{}", path.display()));
        return Ok(ExitCode::SUCCESS);
    }
    run(&args.files, format, args.code.as_deref(), &mut open_output(None)?)?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    memory::without_huge_pages();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage::exit(error, EXIT_USAGE),
    };
    panics::install_hook(matches!(&cli.command, Command::Check(args) if args.quiet));
    let result = match cli.command {
        Command::Check(args) => check(*args),
        Command::Export(args) => export(args),
        Command::Merge(args) => merge(args),
        Command::Worker(args) => worker(args),
        Command::Tables(args) => tables(args),
    };
    result.unwrap_or_else(|stop| {
        let e = match stop {
            Stop::Usage(message) => {
                eprintln!("parcheck: {message}");
                return ExitCode::from(EXIT_USAGE);
            }
            Stop::CannotRun(e) => e,
        };
        // A reader that stopped early (`parcheck check … | head`) is not a failure.
        let closed_pipe = e.chain().any(|cause| {
            cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if closed_pipe {
            return ExitCode::SUCCESS;
        }
        // A batch that cannot run (unwritable output, unusable state file) is not "processed";
        // the staged outputs are dropped, so yesterday's files stay as they were.
        eprintln!("parcheck: không chạy được: {e:#}");
        ExitCode::from(EXIT_CANNOT_RUN)
    })
}
