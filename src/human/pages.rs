//! `parcheck tables FILE --pages DIR`: what parcheck read on each page of one
//! document, drawn to a folder: an SVG per PDF page with the box of every
//! criterion cell read and its value, a JPEG per scanned page cut around the
//! table with those boxes framed; the cells findings rest on in red.

use std::path::{Path, PathBuf};

use super::visual::{crops, focus, svg};
use crate::config::Options;
use crate::model::{CellField, Status};
use crate::pipeline::{check_file, page_images};
use crate::report::DocumentReport;

/// Widest page crop written, in pixels: the whole table stays legible.
const PAGE_WIDTH: u32 = 1600;
const PAGE_HEIGHT: u32 = 4000;
const GRAY: [u8; 3] = [150, 150, 150];
const RED: [u8; 3] = [210, 20, 20];

/// Why no drawing was written.
#[derive(Debug, thiserror::Error)]
pub enum PagesError {
    #[error("không đọc được {0}: {1}")]
    Unreadable(String, String),
    #[error("tài liệu không có ô nào đọc từ trang PDF hay ảnh quét (--pages chỉ dùng cho PDF và ảnh quét)")]
    NoPages,
    #[error("không ghi được hình các trang vào thư mục")]
    Write(#[from] std::io::Error),
}

/// The cells the document's findings rest on.
fn marked(d: &DocumentReport) -> Vec<(usize, CellField)> {
    d.findings
        .iter()
        .filter_map(|f| focus(d, f))
        .flat_map(|f| f.cells(d).map(|(r, c, _)| (r, c)).collect::<Vec<_>>())
        .collect()
}

/// Reads `path` and writes its pages' drawings into `dir`; the files written.
pub fn write_pages(path: &Path, dir: &Path, options: &Options) -> Result<Vec<PathBuf>, PagesError> {
    let d = check_file(path, options);
    if matches!(d.status, Status::Error | Status::Unsupported) {
        return Err(PagesError::Unreadable(d.source.path, d.error.unwrap_or_default()));
    }
    let all = || d.criteria.iter().flat_map(|c| svg::DRAWN.iter().filter_map(|&f| c.cells.get(f)));
    let mut pages: Vec<u32> = all().filter(|at| at.bbox.is_some()).filter_map(|at| at.page).collect();
    pages.sort_unstable();
    pages.dedup();
    if pages.is_empty() {
        return Err(PagesError::NoPages);
    }
    std::fs::create_dir_all(dir)?;
    let marked = marked(&d);
    let scanned: Vec<u32> =
        pages.iter().copied().filter(|&p| all().any(|at| at.page == Some(p) && at.pixels.is_some())).collect();
    let images = page_images(&d, &scanned, options);
    let mut written = Vec::new();
    for page in pages {
        if let Some((_, image)) = images.iter().find(|(n, _)| *n == page) {
            let boxes: Vec<([u32; 4], [u8; 3])> = d
                .criteria
                .iter()
                .enumerate()
                .flat_map(|(r, c)| svg::DRAWN.iter().filter_map(move |&f| Some((r, f, c.cells.get(f)?))))
                .filter(|(_, _, at)| at.page == Some(page))
                .filter_map(|(r, f, at)| Some((at.pixels?, if marked.contains(&(r, f)) { RED } else { GRAY })))
                .collect();
            let Some(region) = crops::around(boxes.iter().map(|b| b.0)) else { continue };
            if let Some(crop) = crops::cut(image, page, region, (PAGE_WIDTH, PAGE_HEIGHT), &boxes) {
                let file = dir.join(format!("trang-{page}.jpg"));
                std::fs::write(&file, &crop.jpeg)?;
                written.push(file);
            }
        } else if let Some(drawing) = svg::page(&d, page, &marked) {
            let file = dir.join(format!("trang-{page}.svg"));
            std::fs::write(&file, drawing)?;
            written.push(file);
        }
    }
    Ok(written)
}
