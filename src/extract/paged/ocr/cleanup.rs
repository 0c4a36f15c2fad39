//! Clean-up of a gray page: adaptive binarisation, skew estimation from the
//! long horizontal strokes (table rulings, text lines), rotation back to level.

use super::{Gray, Mask};

/// Half-size of the local window of the adaptive threshold, as a share of the dpi.
const WINDOW_PER_DPI: f32 = 0.08;
/// A pixel is ink when this much darker than its neighbourhood.
const LOCAL_CONTRAST: i64 = 25;
/// Never ink above this gray level, whatever the neighbourhood: a shaded
/// section row (light gray fill) is paper, its black text is ink.
const PAPER: u8 = 200;

/// Ink mask by a local mean threshold (integral image), so uneven scan
/// lighting and shaded rows keep their text.
pub fn binarize(gray: &Gray, dpi: f32) -> Mask {
    let (w, h) = (gray.width, gray.height);
    let mut integral = vec![0i64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0i64;
        for x in 0..w {
            row += i64::from(gray.get(x, y));
            integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
        }
    }
    let r = ((dpi * WINDOW_PER_DPI) as usize).max(4);
    let mut data = vec![false; w * h];
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let v = gray.get(x, y);
            if v > PAPER {
                continue;
            }
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let sum = integral[y1 * (w + 1) + x1] - integral[y0 * (w + 1) + x1] - integral[y1 * (w + 1) + x0]
                + integral[y0 * (w + 1) + x0];
            let mean = sum / ((x1 - x0) * (y1 - y0)) as i64;
            data[y * w + x] = i64::from(v) < mean - LOCAL_CONTRAST || v < 90;
        }
    }
    Mask { width: w, height: h, data }
}

/// Removes paper noise: ink pixels with at most one inked neighbour (specks
/// of dust, scanner noise). Strokes, and the decimal point of a 200 dpi scan
/// (a few pixels across), keep every pixel. The image is whitened where its
/// mask was, so that Tesseract's page pass does not read the specks either.
pub fn despeckle(gray: &mut Gray, mask: &mut Mask) {
    let (w, h) = (mask.width, mask.height);
    let mut specks = Vec::new();
    for y in 0..h {
        for x in (0..w).filter(|&x| mask.get(x, y)) {
            let mut neighbours = 0;
            for ny in y.saturating_sub(1)..(y + 2).min(h) {
                for nx in x.saturating_sub(1)..(x + 2).min(w) {
                    neighbours += usize::from((nx, ny) != (x, y) && mask.get(nx, ny));
                }
            }
            if neighbours <= 1 {
                specks.push(y * w + x);
            }
        }
    }
    for i in specks {
        mask.data[i] = false;
        if let Some(p) = gray.data.get_mut(i) {
            *p = 255;
        }
    }
}

/// Skew of the page in degrees (positive: content turned clockwise), searched
/// in ±3° by how sharply the ink, projected along each candidate angle,
/// concentrates into rows. Long rulings and text baselines dominate the score.
pub fn skew_angle(mask: &Mask) -> f32 {
    // Every second pixel along each row is plenty. Every row is kept: with
    // every second row, the level projection alone would fill only every
    // second bin and score twice what it should (every page read as level).
    let points: Vec<(f32, f32)> = (0..mask.height)
        .flat_map(|y| (0..mask.width).step_by(2).filter(move |&x| mask.get(x, y)).map(move |x| (x as f32, y as f32)))
        .collect();
    if points.len() < 50 {
        return 0.0;
    }
    let score = |degrees: f32| -> f64 {
        let t = degrees.to_radians().tan();
        let mut bins = vec![0u32; mask.height + mask.width / 8 + 8];
        let offset = (mask.width as f32 * 0.06) + 2.0;
        for &(x, y) in &points {
            let row = (y - x * t + offset) as isize;
            if let Some(b) = usize::try_from(row).ok().and_then(|r| bins.get_mut(r)) {
                *b += 1;
            }
        }
        bins.iter().map(|&b| f64::from(b) * f64::from(b)).sum()
    };
    let best_in = |from: f32, to: f32, step: f32| -> f32 {
        let mut best = (f64::MIN, 0.0f32);
        let mut a = from;
        while a <= to + 1e-6 {
            let s = score(a);
            // Angles too close to move any pixel to another row score the
            // same: the smallest of them is taken.
            if s > best.0 || (s == best.0 && a.abs() < best.1.abs()) {
                best = (s, a);
            }
            a += step;
        }
        best.1
    };
    let coarse = best_in(-3.0, 3.0, 0.25);
    best_in(coarse - 0.25, coarse + 0.25, 0.025)
}

/// The image turned by `-degrees` about its centre (bilinear, paper-white outside).
pub fn rotate(gray: &Gray, degrees: f32) -> Gray {
    if degrees.abs() < 0.02 {
        return gray.clone();
    }
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (gray.width as f32 / 2.0, gray.height as f32 / 2.0);
    let mut out = Gray::new(gray.width, gray.height, 255);
    for y in 0..gray.height {
        for x in 0..gray.width {
            // Source of the output pixel: rotate forward by the skew.
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let sx = cx + dx * cos - dy * sin;
            let sy = cy + dx * sin + dy * cos;
            if sx < 0.0 || sy < 0.0 {
                continue;
            }
            let (x0, y0) = (sx as usize, sy as usize);
            if x0 + 1 >= gray.width || y0 + 1 >= gray.height {
                continue;
            }
            let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
            let p = |xx: usize, yy: usize| f32::from(gray.get(xx, yy));
            let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
            let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
            out.set(x, y, (top * (1.0 - fy) + bottom * fy).round() as u8);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A white page with horizontal and vertical lines, turned by `degrees`.
    pub fn ruled_page(width: usize, height: usize, degrees: f32) -> Gray {
        let mut page = Gray::new(width, height, 245);
        for y in (40..height - 40).step_by(40) {
            for x in 30..width - 30 {
                for t in 0..3 {
                    page.set(x, y + t, 10);
                }
            }
        }
        for x in [30, width / 2, width - 33] {
            for y in 40..height - 40 {
                for t in 0..3 {
                    page.set(x + t, y, 10);
                }
            }
        }
        rotate(&page, -degrees)
    }

    #[test]
    fn skew_is_measured_and_undone() {
        for degrees in [0.0f32, 0.8, -1.5] {
            let page = ruled_page(600, 400, degrees);
            let angle = skew_angle(&binarize(&page, 100.0));
            assert!((angle - degrees).abs() < 0.1, "{degrees}° measured as {angle}°");
            let level = rotate(&page, angle);
            let again = skew_angle(&binarize(&level, 100.0));
            assert!(again.abs() < 0.1, "{degrees}°: {angle}° then {again}°");
        }
    }

    /// Lines of text-like ink (letters 12 px high) over most of the page:
    /// the page's own ink, not only its rulings, decides the angle.
    #[test]
    fn skew_of_a_page_of_text_is_measured() {
        let (width, height) = (800, 600);
        let mut page = Gray::new(width, height, 245);
        for top in (40..height - 60).step_by(28) {
            for x in (40..width - 40).filter(|x| x % 14 < 9) {
                for y in top..top + 12 {
                    page.set(x, y, 20);
                }
            }
        }
        for degrees in [0.7f32, -1.2] {
            let angle = skew_angle(&binarize(&rotate(&page, -degrees), 100.0));
            assert!((angle - degrees).abs() < 0.1, "{degrees}° measured as {angle}°");
        }
    }

    #[test]
    fn specks_go_and_strokes_and_points_stay() {
        let mut gray = Gray::new(20, 10, 250);
        for (x, y) in [(2, 2), (10, 5), (11, 5), (5, 8)] {
            gray.set(x, y, 0); // a speck, a pair of specks, a speck
        }
        for y in 0..3 {
            for x in 15..18 {
                gray.set(x, y, 0); // a 3×3 decimal point
            }
        }
        let mut mask = Mask { width: 20, height: 10, data: gray.data.iter().map(|&v| v < 128).collect() };
        despeckle(&mut gray, &mut mask);
        let ink: Vec<(usize, usize)> =
            (0..10).flat_map(|y| (0..20).map(move |x| (x, y))).filter(|&(x, y)| mask.get(x, y)).collect();
        assert_eq!(ink.len(), 9, "{ink:?}");
        assert!(!mask.get(2, 2) && !mask.get(5, 8) && !mask.get(10, 5) && mask.get(16, 1));
        assert_eq!((gray.get(2, 2), gray.get(11, 5), gray.get(16, 1)), (255, 255, 0));
    }

    #[test]
    fn shaded_background_is_paper_and_its_text_is_ink() {
        let mut page = Gray::new(100, 50, 250);
        for y in 10..40 {
            for x in 0..100 {
                page.set(x, y, 190);
            }
        }
        for y in 20..25 {
            for x in 40..60 {
                page.set(x, y, 30);
            }
        }
        let mask = binarize(&page, 100.0);
        assert!(!mask.get(10, 15) && !mask.get(10, 5));
        assert!(mask.get(50, 22));
    }
}
