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

/// Ink mask by a local mean threshold, so uneven scan lighting and shaded
/// rows keep their text. The window's sums come from running column sums
/// (one row of numbers) rather than an integral image of the page, which
/// took 8 bytes a pixel (70 MB for a 300-dpi page) on every call.
pub fn binarize(gray: &Gray, dpi: f32) -> Mask {
    let (w, h) = (gray.width, gray.height);
    let r = ((dpi * WINDOW_PER_DPI) as usize).max(4);
    let mut data = vec![false; w * h];
    // Sums down each column over the window's rows [top, bottom), and their prefix sums across.
    let mut columns = vec![0u64; w];
    let mut across = vec![0u64; w + 1];
    let (mut top, mut bottom) = (0, 0);
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for (row, add) in (bottom..y1).map(|row| (row, true)).chain((top..y0).map(|row| (row, false))) {
            let pixels = &gray.data[row * w..(row + 1) * w];
            for (sum, &v) in columns.iter_mut().zip(pixels) {
                if add {
                    *sum += u64::from(v);
                } else {
                    *sum -= u64::from(v);
                }
            }
        }
        (top, bottom) = (y0, y1);
        for x in 0..w {
            across[x + 1] = across[x] + columns[x];
        }
        let rows = (y1 - y0) as u64;
        for x in 0..w {
            let v = gray.get(x, y);
            if v > PAPER {
                continue;
            }
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let mean = ((across[x1] - across[x0]) / ((x1 - x0) as u64 * rows)) as i64;
            data[y * w + x] = i64::from(v) < mean - LOCAL_CONTRAST || v < 90;
        }
    }
    Mask { width: w, height: h, data }
}

/// Largest speck, as a share of the dpi: a blot up to this many pixels across
/// (4 at 200 dpi) is noise when nothing is inked around it.
const SPECK_PER_DPI: f32 = 0.02;
/// Clear margin around a speck, as a share of the dpi (5 pixels at 200 dpi).
const SPECK_CLEARANCE_PER_DPI: f32 = 0.025;
/// Reach to the left of a speck, on its own rows, within which a character
/// makes it a point after that character, as a share of the dpi (12 pixels at
/// 200 dpi): a period after a sans-serif `1` lies a third of an em from its stem.
const SPECK_OWNER_PER_DPI: f32 = 0.06;

/// Removes paper noise: specks of dust, fax and photocopier speckle, scanner
/// noise. A blot of ink is a speck when it is at most a few pixels across and
/// nothing else is inked within a clear margin around it, nor further left on
/// its rows, where the character it would end stands: a decimal point, a
/// period after a code, a tone mark stay, as do strokes. The image is
/// whitened where its mask was, so that Tesseract's page pass does not read
/// the specks either (it makes them `¬`, `.` or `'`, which break header
/// words and numbers apart).
pub fn despeckle(gray: &mut Gray, mask: &mut Mask, dpi: f32) {
    let (w, h) = (mask.width, mask.height);
    let side = ((dpi * SPECK_PER_DPI) as usize).max(2);
    let margin = ((dpi * SPECK_CLEARANCE_PER_DPI) as usize).max(2);
    let owner = ((dpi * SPECK_OWNER_PER_DPI) as usize).max(margin);
    // Ink counted over the small rectangles around a blot, pixel by pixel: only
    // blots a few pixels across are asked, and an integral image of the page
    // cost 4 bytes a pixel.
    let ink_in = |x0: usize, y0: usize, x1: usize, y1: usize| -> usize {
        (y0..y1).map(|y| mask.data[y * w + x0..y * w + x1.max(x0)].iter().filter(|&&inked| inked).count()).sum()
    };
    let alone = |b: &Blot| {
        let around = ink_in(
            b.x0.saturating_sub(margin),
            b.y0.saturating_sub(margin),
            (b.x1 + margin + 1).min(w),
            (b.y1 + margin + 1).min(h),
        );
        let before = ink_in(b.x0.saturating_sub(owner), b.y0, b.x0.saturating_sub(margin), b.y1 + 1);
        around == b.pixels.len() && before == 0
    };
    let specks: Vec<usize> =
        blots(mask, side - 1).into_iter().filter(|b| !b.pixels.is_empty() && alone(b)).flat_map(|b| b.pixels).collect();
    whiten(gray, mask, &specks);
}

/// A blot of ink: its box and, when it is small, its pixels.
pub(super) struct Blot {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
    /// Indices into the mask; empty for a blot over `blots`' `small_side`.
    pub pixels: Vec<usize>,
}

impl Blot {
    pub fn height(&self) -> usize {
        self.y1 - self.y0 + 1
    }

    pub fn width(&self) -> usize {
        self.x1 - self.x0 + 1
    }

    /// The larger of its box's width and height, in pixels.
    pub fn extent(&self) -> usize {
        self.width().max(self.height())
    }
}

/// The 8-connected blots of a mask; the pixels of those at most `small_side`
/// pixels across (box width and height less one) are kept.
pub(super) fn blots(mask: &Mask, small_side: usize) -> Vec<Blot> {
    let (w, h) = (mask.width, mask.height);
    let mut seen = vec![false; w * h];
    let mut pixels = Vec::new();
    let mut out = Vec::new();
    for start in 0..w * h {
        if seen[start] || !mask.data[start] {
            continue;
        }
        pixels.clear();
        pixels.push(start);
        seen[start] = true;
        let mut blot = Blot { x0: start % w, y0: start / w, x1: start % w, y1: start / w, pixels: Vec::new() };
        let mut next = 0;
        while next < pixels.len() {
            let (x, y) = (pixels[next] % w, pixels[next] / w);
            next += 1;
            (blot.x0, blot.y0, blot.x1, blot.y1) = (blot.x0.min(x), blot.y0.min(y), blot.x1.max(x), blot.y1.max(y));
            for ny in y.saturating_sub(1)..(y + 2).min(h) {
                for nx in x.saturating_sub(1)..(x + 2).min(w) {
                    let i = ny * w + nx;
                    if mask.data[i] && !seen[i] {
                        seen[i] = true;
                        pixels.push(i);
                    }
                }
            }
        }
        if blot.x1 - blot.x0 <= small_side && blot.y1 - blot.y0 <= small_side {
            blot.pixels = pixels.clone();
        }
        out.push(blot);
    }
    out
}

/// Turns the given mask pixels to paper, in the mask and the image.
fn whiten(gray: &mut Gray, mask: &mut Mask, pixels: &[usize]) {
    for &i in pixels {
        mask.data[i] = false;
        if let Some(p) = gray.data.get_mut(i) {
            *p = 255;
        }
    }
}

/// The blots of a number cell's crop (ink on white): all of them, the
/// digits' height, and which may be decimal points (no digit, low between
/// two digits); `None` for ink too small to be digits.
pub(super) fn number_blots(mask: &Mask) -> Option<(Vec<Blot>, usize, Vec<bool>)> {
    let all = blots(mask, usize::MAX);
    let digit = all.iter().map(Blot::height).max().unwrap_or(0);
    if digit < 8 {
        return None;
    }
    let digits: Vec<&Blot> = all.iter().filter(|b| b.height() * 2 >= digit).collect();
    let reach = digit / 2;
    let is_point = |s: &Blot| {
        let low = |d: &&&Blot| (s.y0 + s.y1) / 2 >= d.y0 + d.height() * 3 / 5 && s.y0 <= d.y1 + 2;
        let before = digits.iter().filter(low).any(|d| d.x1 < s.x0 && s.x0 - d.x1 <= reach);
        let after = digits.iter().filter(low).any(|d| d.x0 > s.x1 && d.x0 - s.x1 <= reach);
        before && after
    };
    let points = all.iter().map(|b| b.height() * 2 < digit && is_point(b)).collect();
    Some((all, digit, points))
}

/// Clears the specks left in a number cell's crop (fax speckle, dust next to
/// the digits), which a digits-only reading takes for separators or digits:
/// blots under a quarter of the digits' height, but for one that sits low
/// between two digits (a decimal point). The crop is ink on white.
pub fn clear_number_specks(crop: &mut Gray) {
    let mut mask = Mask { width: crop.width, height: crop.height, data: crop.data.iter().map(|&v| v < 128).collect() };
    let Some((all, digit, points)) = number_blots(&mask) else { return };
    let specks: Vec<usize> = all
        .iter()
        .zip(&points)
        .filter(|(b, &point)| b.extent() * 4 < digit && !point)
        .flat_map(|(b, _)| b.pixels.iter().copied())
        .collect();
    whiten(crop, &mut mask, &specks);
}

/// The one decimal separator a number crop shows (a point, or a comma
/// reaching below the digits, narrow), as the count of digit blots left of
/// it and of all digit blots (`(1, 2)` for `1,5`); `None` without exactly
/// one, or when other ink stands beside the digits.
pub fn decimal_point(crop: &Gray) -> Option<(usize, usize)> {
    let mask = Mask { width: crop.width, height: crop.height, data: crop.data.iter().map(|&v| v < 128).collect() };
    let (all, digit, points) = number_blots(&mask)?;
    let mut point = None;
    let (mut left, mut total) = (0, 0);
    for (blot, &is_point) in all.iter().zip(&points) {
        if is_point && blot.width() * 3 < digit {
            if point.replace(blot.x0).is_some() {
                return None;
            }
        } else if blot.height() * 2 >= digit {
            total += 1;
        } else {
            return None;
        }
    }
    let point = point?;
    for blot in all.iter().zip(&points).filter(|(b, &p)| !p && b.x1 < point).map(|(b, _)| b) {
        left += usize::from(blot.height() * 2 >= digit);
    }
    (left > 0 && left < total).then_some((left, total))
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

    /// Inks a rectangle black.
    fn ink(gray: &mut Gray, xs: std::ops::Range<usize>, ys: std::ops::Range<usize>) {
        for y in ys {
            for x in xs.clone() {
                gray.set(x, y, 0);
            }
        }
    }

    #[test]
    fn specks_go_and_strokes_and_points_stay() {
        let mut gray = Gray::new(60, 30, 250);
        ink(&mut gray, 2..3, 2..3); // a speck
        ink(&mut gray, 30..33, 3..6); // a 3×3 blot of fax speckle, alone
        ink(&mut gray, 50..52, 25..26); // a pair of specks
        ink(&mut gray, 10..13, 10..26); // a digit's stroke
        ink(&mut gray, 23..26, 22..25); // its 3×3 decimal point, 10 pixels right of it (a sans-serif `1.`)
        let mut mask = Mask { width: 60, height: 30, data: gray.data.iter().map(|&v| v < 128).collect() };
        despeckle(&mut gray, &mut mask, 200.0);
        let kept = mask.data.iter().filter(|&&m| m).count();
        assert_eq!(kept, 3 * 16 + 9);
        assert!(!mask.get(2, 2) && !mask.get(31, 4) && !mask.get(50, 25) && mask.get(24, 23) && mask.get(11, 20));
        assert_eq!((gray.get(2, 2), gray.get(31, 4), gray.get(24, 23)), (255, 255, 0));
    }

    #[test]
    fn number_crops_lose_their_specks_and_keep_their_decimal_point() {
        let mut crop = Gray::new(80, 40, 255);
        ink(&mut crop, 20..30, 8..32); // a digit
        ink(&mut crop, 33..36, 29..32); // a decimal point, low between the digits
        ink(&mut crop, 39..49, 8..32); // a digit
        ink(&mut crop, 31..33, 12..14); // a speck between the digits, high: no point
        ink(&mut crop, 60..63, 20..23); // a speck after the number
        ink(&mut crop, 5..7, 30..32); // a speck before it
        clear_number_specks(&mut crop);
        assert_eq!((crop.get(25, 20), crop.get(34, 30), crop.get(44, 20)), (0, 0, 0));
        assert_eq!((crop.get(32, 13), crop.get(61, 21), crop.get(6, 31)), (255, 255, 255));
        // What is left reads one digit, a point and one digit.
        assert_eq!(decimal_point(&crop), Some((1, 2)));
        ink(&mut crop, 60..70, 8..32);
        assert_eq!(decimal_point(&crop), Some((1, 3)));
        ink(&mut crop, 34..35, 8..30);
        assert_eq!(decimal_point(&crop), None);
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
