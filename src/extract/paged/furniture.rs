//! Overlays and page furniture, removed from the page model before tables are
//! read: text that does not run with the page (a diagonal watermark), text
//! painted light or transparent over the content (watermarks, stamps), text
//! far larger than the page's body text, and the running header/footer lines
//! that repeat at the same place on many pages. Vertical runs (a header cell
//! written bottom to top) become one upright word each, so they land in
//! their cell as a whole instead of as scattered letters.

use std::collections::HashMap;
use std::rc::Rc;

use super::layout;
use super::page::{Glyph, PageLayout, UPRIGHT_TOLERANCE};

/// Text this many times the page's typical size is a watermark or banner.
const OVERSIZE: f32 = 4.0;
/// Share of the page height, at the top and at the bottom, where running headers and footers live.
const FURNITURE_BAND: f32 = 0.12;
/// Baselines closer than this (points) are the same place on two pages.
const SAME_PLACE: f32 = 3.0;
/// Two glyphs of a vertical run farther apart than this many sizes are two runs.
const RUN_GAP: f32 = 1.5;

/// Counts of what was set aside, for the document's extraction note.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SetAside {
    /// Glyphs of overlays (rotated, faint or oversized text).
    pub overlay: usize,
    /// Running header/footer lines (summed over pages).
    pub furniture_lines: usize,
}

impl SetAside {
    /// Vietnamese notes for the document, empty when nothing was set aside.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.overlay > 0 {
            notes.push(format!(
                "bỏ qua {} ký tự in chồng lên trang PDF (chữ chìm, dấu, chữ xoay chéo hoặc quá lớn), không đọc vào bảng",
                self.overlay
            ));
        }
        if self.furniture_lines > 0 {
            notes.push(format!("bỏ qua {} dòng đầu trang/chân trang lặp lại trên các trang PDF", self.furniture_lines));
        }
        notes
    }
}

fn median_size(glyphs: &[Glyph]) -> f32 {
    let mut sizes: Vec<f32> = glyphs.iter().filter(|g| !g.is_space() && g.is_upright()).map(|g| g.size).collect();
    if sizes.is_empty() {
        return 0.0;
    }
    let middle = sizes.len() / 2;
    *sizes.select_nth_unstable_by(middle, f32::total_cmp).1
}

fn is_vertical(glyph: &Glyph) -> bool {
    (glyph.angle.abs() - 90.0).abs() <= UPRIGHT_TOLERANCE
}

/// Removes overlay glyphs and turns vertical runs into upright words; returns
/// how many glyphs were set aside.
fn clean_page(page: &mut PageLayout) -> usize {
    let typical = median_size(&page.glyphs);
    let mut vertical = Vec::new();
    let before = page.glyphs.len();
    let mut kept = Vec::with_capacity(before);
    for glyph in std::mem::take(&mut page.glyphs) {
        let oversized = typical > 0.0 && glyph.size > OVERSIZE * typical;
        if glyph.faint || oversized {
            if glyph.is_space() {
                continue;
            }
        } else if glyph.is_upright() {
            kept.push(glyph);
            continue;
        } else if is_vertical(&glyph) {
            vertical.push(glyph);
            continue;
        }
        if !glyph.is_space() {
            page.glyphs.push(glyph);
        }
    }
    let overlay = page.glyphs.len();
    kept.extend(vertical_runs(vertical));
    page.glyphs = kept;
    overlay
}

/// Groups vertical glyphs into runs (one column, consecutive along it) and
/// gives each run as one upright glyph over the run's box.
fn vertical_runs(mut glyphs: Vec<Glyph>) -> Vec<Glyph> {
    // Position across the run (the body's centre) and along it (in reading order).
    let across = |g: &Glyph| if g.angle > 0.0 { g.x - 0.4 * g.size } else { g.x + 0.4 * g.size };
    let along = |g: &Glyph| if g.angle > 0.0 { -g.y } else { g.y };
    glyphs.sort_by(|a, b| {
        (a.angle > 0.0).cmp(&(b.angle > 0.0)).then(across(a).total_cmp(&across(b))).then(along(a).total_cmp(&along(b)))
    });
    let mut runs: Vec<Vec<Glyph>> = Vec::new();
    for glyph in glyphs {
        let joins = runs.last().and_then(|r| r.last()).is_some_and(|last| {
            let same_way = (last.angle > 0.0) == (glyph.angle > 0.0);
            let gap = along(&glyph) - (along(last) + last.width);
            same_way && (across(last) - across(&glyph)).abs() <= 0.3 * last.size && gap <= RUN_GAP * last.size
        });
        match runs.last_mut() {
            Some(run) if joins => run.push(glyph),
            _ => runs.push(vec![glyph]),
        }
    }
    runs.into_iter()
        .filter_map(|run| {
            let size = run.iter().map(|g| g.size).fold(0.0, f32::max);
            let mut text = String::new();
            let mut end = f32::MIN;
            for glyph in &run {
                let gap = along(glyph) - end;
                if glyph.is_space() || (!text.is_empty() && gap > 0.2 * size && !text.ends_with(' ')) {
                    text.push(' ');
                }
                if !glyph.is_space() {
                    text.push_str(&glyph.text);
                }
                end = along(glyph) + glyph.width;
            }
            let text = text.trim().to_owned();
            let first = run.first()?;
            if text.is_empty() {
                return None;
            }
            let (start, stop) = (along(first), end);
            let middle = if first.angle > 0.0 { -(start + stop) / 2.0 } else { (start + stop) / 2.0 };
            let centre = across(first);
            Some(Glyph::new(centre - 0.4 * size, middle + 0.3 * size, 0.8 * size, size, text, Rc::clone(&first.font)))
        })
        .collect()
}

/// A line's text with digits folded, so "- 3 -" and "- 4 -" are the same
/// furniture, and accents and case folded: OCR reads the same running header
/// with different diacritics on each page of a scan ("Điểm", "Điếm").
fn furniture_key(text: &str) -> String {
    crate::text::fold(text).chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect()
}

/// A column header line of an unruled table repeated at the top of each page
/// is the table's, not furniture: it names criteria or two score columns.
fn looks_like_table_header(text: &str) -> bool {
    let folded = crate::text::fold(text);
    folded.contains("tieu chi") || folded.matches("diem").count() >= 2
}

/// The lines of a page's top and bottom bands outside its ruled area, as
/// (key, baseline, glyph indices).
fn band_lines(page: &PageLayout) -> Vec<(String, f32, Vec<usize>)> {
    let band = page.height * FURNITURE_BAND;
    // Text between the first and the last horizontal ruling is inside tables.
    let ruled = page.rulings.iter().filter(|s| s.horizontal).fold(None, |acc: Option<(f32, f32)>, s| {
        Some(acc.map_or((s.pos, s.pos), |(lo, hi)| (lo.min(s.pos), hi.max(s.pos))))
    });
    let in_band = |g: &Glyph| {
        (g.y < band || g.y > page.height - band) && !ruled.is_some_and(|(lo, hi)| g.y >= lo && g.y - g.size <= hi)
    };
    let candidates: Vec<&Glyph> = page.glyphs.iter().filter(|g| in_band(g)).collect();
    // A row's glyphs are references into `page.glyphs`: their address gives their index.
    let base = page.glyphs.as_ptr() as usize;
    let index_of = |g: &Glyph| (g as *const Glyph as usize - base) / std::mem::size_of::<Glyph>().max(1);
    layout::rows(&candidates)
        .into_iter()
        .filter_map(|row| {
            let text: String = layout::lines(&row, false).iter().map(layout::Line::text).collect();
            let key = furniture_key(&text);
            if key.trim().is_empty() || looks_like_table_header(&text) {
                return None;
            }
            let baseline = row.iter().find(|g| !g.is_space())?.y;
            Some((key, baseline, row.iter().map(|g| index_of(g)).collect()))
        })
        .collect()
}

/// Drops lines that repeat, with the same text (page numbers aside) at the
/// same height, on at least half of the pages (and on two at least).
fn drop_furniture(pages: &mut [PageLayout]) -> usize {
    if pages.len() < 2 {
        return 0;
    }
    let lines: Vec<Vec<(String, f32, Vec<usize>)>> = pages.iter().map(band_lines).collect();
    let mut seen: HashMap<(&str, i32), usize> = HashMap::new();
    let slot = |baseline: f32| (baseline / SAME_PLACE).round() as i32;
    for page_lines in &lines {
        let mut here: Vec<(&str, i32)> = page_lines.iter().map(|(k, b, _)| (k.as_str(), slot(*b))).collect();
        here.sort_unstable();
        here.dedup();
        for key in here {
            *seen.entry(key).or_default() += 1;
        }
    }
    let repeated = |key: &str, baseline: f32| {
        let near = [-1, 0, 1].iter().map(|d| seen.get(&(key, slot(baseline) + d)).copied().unwrap_or(0)).max();
        near.unwrap_or(0) >= 2.max(pages.len().div_ceil(2))
    };
    let mut dropped = 0;
    let drops: Vec<Vec<usize>> = lines
        .iter()
        .map(|page_lines| {
            let mut drop: Vec<usize> = Vec::new();
            for (key, baseline, glyphs) in page_lines {
                if repeated(key, *baseline) {
                    dropped += 1;
                    drop.extend(glyphs);
                }
            }
            drop
        })
        .collect();
    for (page, mut drop) in pages.iter_mut().zip(drops) {
        if drop.is_empty() {
            continue;
        }
        drop.sort_unstable();
        let mut next = drop.iter().peekable();
        let mut index = 0;
        page.glyphs.retain(|_| {
            let gone = next.peek().is_some_and(|d| **d == index);
            if gone {
                next.next();
            }
            index += 1;
            !gone
        });
    }
    dropped
}

/// Cleans all pages of a document; returns what was set aside.
pub fn prepare(pages: &mut [PageLayout]) -> SetAside {
    let overlay = pages.iter_mut().map(clean_page).sum();
    let furniture_lines = drop_furniture(pages);
    SetAside { overlay, furniture_lines }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::paged::layout::tests::glyphs;

    fn page(number: u32, lines: &[(&str, f32)]) -> PageLayout {
        let mut page = PageLayout::new(number, 595.0, 842.0);
        for (text, y) in lines {
            page.glyphs.extend(glyphs(text, 50.0, *y, 10.0));
        }
        page
    }

    fn text(page: &PageLayout) -> Vec<String> {
        let refs: Vec<&Glyph> = page.glyphs.iter().collect();
        layout::lines(&refs, false).iter().map(layout::Line::text).collect()
    }

    #[test]
    fn running_header_and_footer_are_dropped_body_kept() {
        let mut pages: Vec<PageLayout> = (1..=3)
            .map(|n| {
                let footer = format!("- {n} -");
                page(n, &[("UBND huyen - Bao cao 2021", 30.0), ("1.1 Ke hoach 0,5", 400.0), (&footer, 820.0)])
            })
            .collect();
        pages[0].glyphs.extend(glyphs("Tong diem: 97,74", 50.0, 60.0, 10.0));
        let set_aside = prepare(&mut pages);
        assert_eq!(set_aside.furniture_lines, 6);
        assert_eq!(text(&pages[0]), vec!["Tong diem: 97,74", "1.1 Ke hoach 0,5"]);
        assert_eq!(text(&pages[2]), vec!["1.1 Ke hoach 0,5"]);
    }

    #[test]
    fn running_footer_read_with_other_accents_is_dropped() {
        // OCR reads the same footer with other diacritics and case on each page.
        let footers = [
            "Xuất từ Hệ thống chấm điểm - 01/12/2021",
            "Xuât từ Hệ thông chấm điếm - 01/12/2021",
            "XUẤT TỪ hệ thống chấm điểm - 01/12/2021",
        ];
        let mut pages: Vec<PageLayout> =
            (1..=3).map(|n| page(n, &[("1.1 Ke hoach 0,5", 400.0), (footers[n as usize - 1], 820.0)])).collect();
        assert_eq!(prepare(&mut pages).furniture_lines, 3);
        assert!(pages.iter().all(|p| text(p) == vec!["1.1 Ke hoach 0,5"]));
    }

    #[test]
    fn diagonal_faint_and_huge_text_is_set_aside() {
        let mut page = page(1, &[("1.1 Ke hoach 0,5", 400.0)]);
        let mut mark = glyphs("BAN SAO", 100.0, 420.0, 10.0);
        for g in &mut mark {
            g.angle = 45.0;
        }
        let mut light = glyphs("x", 300.0, 400.0, 10.0);
        light[0].faint = true;
        let huge = glyphs("MAT", 100.0, 600.0, 60.0);
        page.glyphs.extend(mark.into_iter().chain(light).chain(huge));
        let set_aside = prepare(std::slice::from_mut(&mut page));
        assert_eq!(set_aside.overlay, "BANSAO".len() + 1 + 3);
        assert_eq!(text(&page), vec!["1.1 Ke hoach 0,5"]);
    }

    #[test]
    fn vertical_run_becomes_one_word() {
        let mut page = page(1, &[("Diem", 100.0)]);
        // "1739" written bottom to top at x = 200, glyphs 5pt apart.
        for (i, c) in "1739".chars().enumerate() {
            let mut g = Glyph::new(200.0, 300.0 - 5.0 * i as f32, 5.0, 10.0, c.to_string(), Rc::from("Times"));
            g.angle = 90.0;
            page.glyphs.push(g);
        }
        prepare(std::slice::from_mut(&mut page));
        let word = page.glyphs.iter().find(|g| g.text == "1739").expect("one word");
        assert!(word.is_upright() && word.x < 200.0 && word.y < 300.0 && word.y > 280.0, "{word:?}");
    }
}
