//! What a batch tells the person running it on stderr: the progress bar and
//! the closing summary line, in Vietnamese.

use std::fmt;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::model::Status;

use super::{Origin, Outcome};

/// Counts for the closing line of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub ok: usize,
    pub no_table: usize,
    pub unsupported: usize,
    pub errors: usize,
    pub error_findings: usize,
    pub unchanged: usize,
    pub same_content: usize,
    /// Documents the state knew that are gone.
    pub deleted: usize,
    pub elapsed: Duration,
}

impl Summary {
    pub(super) fn add(&mut self, outcome: &Outcome) {
        let Some(status) = outcome.status else {
            self.deleted += 1;
            return;
        };
        self.documents += 1;
        match status {
            Status::Ok => self.ok += 1,
            Status::NoTable => self.no_table += 1,
            Status::Unsupported => self.unsupported += 1,
            Status::Error => self.errors += 1,
        }
        self.error_findings += outcome.error_findings;
        match outcome.origin {
            Origin::Checked | Origin::Deleted => {}
            Origin::Unchanged => self.unchanged += 1,
            Origin::SameContent { .. } => self.same_content += 1,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Đã kiểm tra {} tài liệu: {} đọc được (bảng điểm hoặc số liệu thống kê), {} có lỗi đọc, {} không có bảng điểm, {} định dạng chưa hỗ trợ; {} phát hiện mức lỗi",
            self.documents, self.ok, self.errors, self.no_table, self.unsupported, self.error_findings
        )?;
        if self.unchanged + self.same_content > 0 {
            write!(f, "; {} không đổi, {} trùng nội dung (dùng lại kết quả cũ)", self.unchanged, self.same_content)?;
        }
        if self.deleted > 0 {
            write!(f, "; {} tài liệu đã bị xoá khỏi thư mục", self.deleted)?;
        }
        let secs = self.elapsed.as_secs_f64();
        write!(f, " — {secs:.1} giây, {:.1} tài liệu/giây", self.documents as f64 / secs.max(1e-3))
    }
}

/// Progress on stderr: a bar on a terminal, a line every few seconds otherwise.
pub struct Progress {
    display: ProgressDisplay,
    total: usize,
    done: usize,
    started: Instant,
    last_line: Instant,
}

enum ProgressDisplay {
    Hidden,
    Bar(ProgressBar),
    Lines,
}

impl Progress {
    const LINE_EVERY: Duration = Duration::from_secs(10);

    pub fn new(total: usize, quiet: bool) -> Progress {
        let display = if quiet {
            ProgressDisplay::Hidden
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} tài liệu · {per_sec:.1} · còn {eta} · {wide_msg}")
            {
                bar.set_style(style);
            }
            ProgressDisplay::Bar(bar)
        } else {
            ProgressDisplay::Lines
        };
        let now = Instant::now();
        Progress { display, total, done: 0, started: now, last_line: now }
    }

    pub(super) fn tick(&mut self, path: &str) {
        self.done += 1;
        match &self.display {
            ProgressDisplay::Hidden => {}
            ProgressDisplay::Bar(bar) => {
                bar.set_message(path.to_owned());
                bar.inc(1);
            }
            ProgressDisplay::Lines => {
                if self.last_line.elapsed() >= Self::LINE_EVERY {
                    self.last_line = Instant::now();
                    let rate = self.done as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
                    let eta = (self.total - self.done) as f64 / rate.max(1e-3);
                    eprintln!(
                        "Đang kiểm tra: {}/{} tài liệu, {rate:.1} tài liệu/giây, còn khoảng {eta:.0} giây",
                        self.done, self.total
                    );
                }
            }
        }
    }

    pub(super) fn finish(&self) {
        if let ProgressDisplay::Bar(bar) = &self.display {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_in_vietnamese() {
        let summary = Summary {
            documents: 3,
            ok: 2,
            errors: 1,
            error_findings: 4,
            elapsed: Duration::from_secs(2),
            ..Default::default()
        };
        assert!(
            summary
                .to_string()
                .starts_with("Đã kiểm tra 3 tài liệu: 2 đọc được (bảng điểm hoặc số liệu thống kê), 1 có lỗi đọc,"),
            "{summary}"
        );
        assert!(summary.to_string().contains("4 phát hiện mức lỗi"));
    }
}
