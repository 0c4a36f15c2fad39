//! The sample PDFs (LibreOffice exports of the .docx samples) must give the
//! same grid shape as their Word twins. Skipped when `../shared` is absent.
//! `PDF_DUMP=1 cargo test --test it pdf_samples:: -- --nocapture` prints the grids.

use std::path::Path;

use parcheck::config::Limits;
use parcheck::extract::paged::pdf;
use parcheck::extract::Budget;
use parcheck::grid::Document;

use crate::support;

/// The PDFs of `../shared/samples` (none, after a SKIPPED line, without it).
fn samples(test: &str) -> Vec<std::path::PathBuf> {
    let Some(shared) = support::shared_set(test, "samples") else { return Vec::new() };
    let Ok(entries) = std::fs::read_dir(shared.join("docs")) else { return Vec::new() };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    paths.sort();
    paths
}

fn read(path: &Path) -> Document {
    let bytes = std::fs::read(path).unwrap();
    let mut document = pdf::extract(&bytes, &mut Budget::new(Limits::default())).unwrap();
    parcheck::text::normalize_document(&mut document);
    document
}

#[test]
fn sample_pdfs_give_one_scoring_table() {
    for path in samples("sample_pdfs_give_one_scoring_table") {
        let document = read(&path);
        let dump = std::env::var_os("PDF_DUMP").is_some();
        if dump {
            println!("==== {}", path.display());
            for p in &document.prose {
                println!("P{:?}: {:?}", p.page, p.text);
            }
            for t in &document.tables {
                for r in &t.rows {
                    let cells: Vec<String> =
                        r.cells.iter().map(|c| format!("{}+{}:{:?}", c.col, c.col_span, c.text)).collect();
                    println!("T{} R{} p{:?} {}", r.location.table, r.location.row, r.location.page, cells.join(" | "));
                }
            }
            println!("notes: {:?}", document.notes);
        }
        let scoring: Vec<_> = document.tables.iter().filter(|t| t.rows.len() > 20).collect();
        assert_eq!(scoring.len(), 1, "{}", path.display());
        assert!(document.prose.iter().any(|p| p.text.contains("Tổng số điểm")), "{}", path.display());
    }
}
