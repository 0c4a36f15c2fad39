//! Phone photos of a page: the sheet found in the frame, its perspective
//! and bow undone, its light evened, so that the later stages see it as a
//! flat scan.
//!
//! A photo shows the sheet as a bright region with background (desk, cloth)
//! on every side; a scan is paper to its edges and is left alone. The
//! sheet's four edges are found on a reduced image (the largest bright
//! region), refined at full resolution to the strongest step from
//! background to paper, and fitted as gently curved lines (a sheet that is
//! not flat bows its rows and its edges alike), robust to a hand's shadow
//! and a curled corner. The corners map the sheet by a homography to an
//! upright rectangle of A4 proportions (or its own), and each edge's bow,
//! left after the homography, is spread over the sheet between opposite
//! edges, which straightens the table rows between them.

use super::light::{even_light, sharpen, A4_LONG_INCHES};
use super::Gray;

/// What [`rectify`] made of a photo: the sheet alone and its resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Rectified {
    pub gray: Gray,
    pub dpi: f32,
    /// The sheet's corners in the photo: top-left, top-right, bottom-right, bottom-left.
    pub corners: [(f32, f32); 4],
}

/// Longest side of the reduced image the sheet is first looked for in.
const SEARCH_SIDE: usize = 480;
/// A frame side is background when at most this share of it is paper.
const MAX_PAPER_ON_SIDE: f32 = 0.5;
/// Share of the frame the sheet covers in a photo: less is no page, more is
/// a scan with a dark margin.
const MIN_FILL: f32 = 0.25;
const MAX_FILL: f32 = 0.95;
/// A4's long side over its short side, and the tolerance within which a
/// measured aspect is taken for it (perspective leaves a few percent).
const A4: f32 = std::f32::consts::SQRT_2;
const A4_TOLERANCE: f32 = 0.12;
/// The band along the rectified sheet's border painted paper: slivers of
/// background under a curled edge, where no print stands (page margins
/// are wider).
const BORDER_SHARE: f32 = 0.012;

/// The sheet of a phone photo, upright and flat; `None` for an image that
/// is no photo of a sheet (a scan, paper to its edges).
pub fn rectify(gray: &Gray) -> Option<Rectified> {
    let Sheet { corners, bows } = find(gray)?;
    let (width, height, dpi) = output_size(&corners);
    let mut out = warp(gray, &corners, bows, width, height);
    even_light(&mut out, dpi, 1);
    sharpen(&mut out);
    whiten_border(&mut out);
    Some(Rectified { gray: out, dpi, corners: corners.map(|(x, y)| (x as f32, y as f32)) })
}

type Point = (f64, f64);

/// A sheet's corners (top-left, top-right, bottom-right, bottom-left) and
/// the bow of its edges (top, right, bottom, left): the offset of each
/// edge's middle from the straight side, in the sheet's own coordinates
/// (the unit square the homography maps), positive down or right.
pub struct Sheet {
    corners: [Point; 4],
    bows: [f64; 4],
}

impl Sheet {
    /// Which pixels of a `width`×`height` frame lie on the sheet (within its corners).
    pub fn region(&self, width: usize, height: usize) -> Vec<bool> {
        let Some(inverse) = Homography::to_quad(&self.corners).and_then(|h| h.inverse()) else {
            return vec![false; width * height];
        };
        (0..width * height)
            .map(|i| {
                let (u, v) = inverse.map(((i % width) as f64 + 0.5, (i / width) as f64 + 0.5));
                (0.0..=1.0).contains(&u) && (0.0..=1.0).contains(&v)
            })
            .collect()
    }
}

/// An edge as a parabola `across = c0 + c1·t + c2·t²` of the position
/// `along` it, `t = (along − mid) / half`.
#[derive(Debug, Clone, Copy)]
struct Curve {
    c: [f64; 3],
    mid: f64,
    half: f64,
}

impl Curve {
    fn at(&self, along: f64) -> f64 {
        let t = (along - self.mid) / self.half;
        self.c[0] + self.c[1] * t + self.c[2] * t * t
    }

    /// Least-squares parabola (or line, `degree` 1) through `(along, across)` points.
    fn fit(points: &[Point], degree: usize) -> Option<Curve> {
        let (lo, hi) = points.iter().fold((f64::MAX, f64::MIN), |(l, h), p| (l.min(p.0), h.max(p.0)));
        let (mid, half) = ((lo + hi) / 2.0, ((hi - lo) / 2.0).max(1.0));
        let n = degree + 1;
        let mut a = [[0.0f64; 4]; 3];
        for &(along, across) in points {
            let t = (along - mid) / half;
            let powers = [1.0, t, t * t];
            for i in 0..n {
                for j in 0..n {
                    a[i][j] += powers[i] * powers[j];
                }
                a[i][3] += powers[i] * across;
            }
        }
        let mut c = [0.0; 3];
        c[..n].copy_from_slice(&solve(a, n)?);
        Some(Curve { c, mid, half })
    }

    /// The fit through the points that lie near it, repeated as outliers
    /// (a shadow's edge, a curled corner) fall away. `None` when too few
    /// points agree on one edge.
    fn robust(points: &[Point], tolerance: f64) -> Option<Curve> {
        if points.len() < 8 {
            return None;
        }
        // A line through two of the points that most others lie near starts the fit.
        let step = (points.len() / 24).max(1);
        let sample: Vec<Point> = points.iter().step_by(step).copied().collect();
        let mut best = (0usize, None);
        for (i, p) in sample.iter().enumerate() {
            for q in &sample[i + 1..] {
                if (q.0 - p.0).abs() < 1.0 {
                    continue;
                }
                let slope = (q.1 - p.1) / (q.0 - p.0);
                let near = points.iter().filter(|r| (p.1 + slope * (r.0 - p.0) - r.1).abs() <= tolerance * 3.0).count();
                if near > best.0 {
                    best = (near, Some((*p, slope)));
                }
            }
        }
        let (p, slope) = best.1?;
        let mut inliers: Vec<Point> =
            points.iter().filter(|r| (p.1 + slope * (r.0 - p.0) - r.1).abs() <= tolerance * 3.0).copied().collect();
        for _ in 0..3 {
            let curve = Curve::fit(&inliers, 2)?;
            inliers = points.iter().filter(|r| (curve.at(r.0) - r.1).abs() <= tolerance).copied().collect();
            if inliers.len() < 8 {
                return None;
            }
        }
        // Most of the edge must agree: a few points of a noisy boundary are no edge.
        (inliers.len() * 2 >= points.len()).then(|| Curve::fit(&inliers, 2)).flatten()
    }
}

/// Gaussian elimination of an `n`×`n` system in the first `n` columns, right side in column 3.
fn solve(mut a: [[f64; 4]; 3], n: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-9 {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col];
        for (_, row) in a.iter_mut().enumerate().take(n).filter(|(r, _)| *r != col) {
            let f = row[col] / pivot_row[col];
            row.iter_mut().zip(&pivot_row).skip(col).for_each(|(v, p)| *v -= f * p);
        }
    }
    Some((0..n).map(|i| a[i][3] / a[i][i]).collect())
}

/// Otsu's threshold of a histogram: the level that best splits it in two.
fn otsu(data: &[u8]) -> u8 {
    let mut hist = [0f64; 256];
    data.iter().for_each(|&v| hist[usize::from(v)] += 1.0);
    let total = data.len() as f64;
    let all: f64 = hist.iter().enumerate().map(|(i, n)| i as f64 * n).sum();
    let (mut below, mut below_sum, mut best) = (0.0, 0.0, (0.0, 128u8));
    for (level, n) in hist.iter().enumerate() {
        below += n;
        below_sum += level as f64 * n;
        let above = total - below;
        if below == 0.0 || above == 0.0 {
            continue;
        }
        let gap = below_sum / below - (all - below_sum) / above;
        let between = below * above * gap * gap;
        if between > best.0 {
            best = (between, level as u8);
        }
    }
    best.1
}

/// The largest 4-connected region of `inside` pixels, as a mask.
fn largest_region(inside: &[bool], w: usize) -> (Vec<bool>, usize) {
    let (label, count) = super::regions(inside, w);
    let mut sizes = vec![0usize; count as usize + 1];
    label.iter().for_each(|&l| sizes[l as usize] += 1);
    // Ties go to the region found first, as they always have.
    let (best, best_size) =
        sizes.iter().enumerate().skip(1).fold((0, 0), |(b, bs), (l, &n)| if n > bs { (l, n) } else { (b, bs) });
    (label.iter().map(|&l| l as usize == best && best != 0).collect(), best_size)
}

/// The sheet in a photo: `None` when the frame's sides are not background
/// or no four edges enclose a sheet.
pub fn find(gray: &Gray) -> Option<Sheet> {
    let factor = gray.width.max(gray.height).div_ceil(SEARCH_SIDE).max(1);
    let small = gray.reduced(factor);
    let (w, h) = (small.width, small.height);
    if w < 32 || h < 32 {
        return None;
    }
    let threshold = otsu(&small.data);
    let bright: Vec<bool> = small.data.iter().map(|&v| v > threshold).collect();
    // Every side of the frame shows background.
    let side_share = |pixels: &mut dyn Iterator<Item = usize>| {
        let (mut n, mut paper) = (0usize, 0usize);
        pixels.for_each(|i| (n, paper) = (n + 1, paper + usize::from(bright[i])));
        paper as f32 / n.max(1) as f32
    };
    let sides = [
        side_share(&mut (0..w)),
        side_share(&mut (0..w).map(|x| (h - 1) * w + x)),
        side_share(&mut (0..h).map(|y| y * w)),
        side_share(&mut (0..h).map(|y| y * w + w - 1)),
    ];
    if sides.iter().any(|&s| s > MAX_PAPER_ON_SIDE) {
        return None;
    }
    let (region, size) = largest_region(&bright, w);
    let fill = size as f32 / (w * h) as f32;
    if !(MIN_FILL..=MAX_FILL).contains(&fill) {
        return None;
    }
    let rough = rough_edges(&region, w, h)?;
    let scale = factor as f64;
    let edges = rough.map(|(curve, horizontal)| refine(gray, curve, horizontal, scale));
    let [top, right, bottom, left] = [edges[0]?, edges[1]?, edges[2]?, edges[3]?];
    let corners = [meet(&top, &left)?, meet(&top, &right)?, meet(&bottom, &right)?, meet(&bottom, &left)?];
    // Edges that meet outside the frame, or enclose much more or less than
    // the bright region, are no sheet's.
    let (fw, fh) = (gray.width as f64, gray.height as f64);
    let inside = |&(x, y): &Point| (-0.02 * fw..=1.02 * fw).contains(&x) && (-0.02 * fh..=1.02 * fh).contains(&y);
    let area =
        (0..4).map(|i| corners[i].0 * corners[(i + 1) % 4].1 - corners[(i + 1) % 4].0 * corners[i].1).sum::<f64>()
            / 2.0;
    let region_area = size as f64 * scale * scale;
    if !corners.iter().all(inside) || !(0.8 * region_area..=1.25 * region_area).contains(&area) {
        return None;
    }
    let homography = Homography::to_quad(&corners)?;
    let inverse = homography.inverse()?;
    let bows = [
        bow(&top, true, corners[0].0, corners[1].0, &inverse, false),
        bow(&right, false, corners[1].1, corners[2].1, &inverse, true),
        bow(&bottom, true, corners[3].0, corners[2].0, &inverse, true),
        bow(&left, false, corners[0].1, corners[3].1, &inverse, false),
    ];
    Some(Sheet { corners, bows })
}

/// The region's four edges, in the reduced image: top and bottom as curves
/// of x, right and left of y, each from the boundary points between the
/// corners (the extreme points of the region along the diagonals).
fn rough_edges(region: &[bool], w: usize, h: usize) -> Option<[(Curve, bool); 4]> {
    let points = || (0..w * h).filter(|&i| region[i]).map(|i| ((i % w) as f64, (i / w) as f64));
    let extreme = |key: &dyn Fn(Point) -> f64| points().max_by(|a, b| key(*a).total_cmp(&key(*b)));
    let tl = extreme(&|p| -(p.0 + p.1))?;
    let tr = extreme(&|p| p.0 - p.1)?;
    let br = extreme(&|p| p.0 + p.1)?;
    let bl = extreme(&|p| p.1 - p.0)?;
    let inner = |a: f64, b: f64| {
        let (lo, hi) = (a.min(b), a.max(b));
        let margin = (hi - lo) * 0.08;
        ((lo + margin).ceil() as usize, (hi - margin).floor().max(0.0) as usize)
    };
    let column = |x: usize, down: bool| {
        let mut ys = 0..h;
        let hit = |y: &usize| region[y * w + x];
        if down { ys.find(hit) } else { ys.rev().find(hit) }.map(|y| (x as f64, y as f64))
    };
    let row = |y: usize, right: bool| {
        let mut xs = 0..w;
        let hit = |x: &usize| region[y * w + x];
        if right { xs.rev().find(hit) } else { xs.find(hit) }.map(|x| (y as f64, x as f64))
    };
    let (x0, x1) = inner(tl.0, tr.0);
    let top: Vec<Point> = (x0..=x1.min(w - 1)).filter_map(|x| column(x, true)).collect();
    let (x0, x1) = inner(bl.0, br.0);
    let bottom: Vec<Point> = (x0..=x1.min(w - 1)).filter_map(|x| column(x, false)).collect();
    let (y0, y1) = inner(tl.1, bl.1);
    let left: Vec<Point> = (y0..=y1.min(h - 1)).filter_map(|y| row(y, false)).collect();
    let (y0, y1) = inner(tr.1, br.1);
    let right: Vec<Point> = (y0..=y1.min(h - 1)).filter_map(|y| row(y, true)).collect();
    Some([
        (Curve::robust(&top, 1.5)?, true),
        (Curve::robust(&right, 1.5)?, false),
        (Curve::robust(&bottom, 1.5)?, true),
        (Curve::robust(&left, 1.5)?, false),
    ])
}

/// An edge found in the reduced image, placed at full resolution: along it,
/// the strongest step between background and paper near the rough edge.
fn refine(gray: &Gray, rough: Curve, horizontal: bool, scale: f64) -> Option<Curve> {
    let (length, across_len) = if horizontal { (gray.width, gray.height) } else { (gray.height, gray.width) };
    let pixel = |along: usize, across: usize| -> i32 {
        i32::from(if horizontal { gray.get(along, across) } else { gray.get(across, along) })
    };
    let reach = (scale * 2.0 + 3.0) as i64;
    let lo = ((rough.mid - rough.half) * scale).max(0.0) as usize;
    let hi = (((rough.mid + rough.half) * scale) as usize).min(length.saturating_sub(1));
    let mut points = Vec::new();
    for along in (lo..=hi).step_by(4) {
        let guess = (rough.at(along as f64 / scale) + 0.5) * scale;
        let mut best = (0i32, None);
        for offset in -reach..=reach {
            let at = guess as i64 + offset;
            if at < 3 || at + 3 >= across_len as i64 {
                continue;
            }
            let at = at as usize;
            // The step across three pixels on either side: a sharp paper edge,
            // not the soft edge of a shadow.
            let before: i32 = (1..=3).map(|d| pixel(along, at - d)).sum();
            let after: i32 = (0..3).map(|d| pixel(along, at + d)).sum();
            let step = (after - before).abs();
            if step > best.0 {
                best = (step, Some(at as f64 - 0.5));
            }
        }
        if let (step, Some(at)) = best {
            if step >= 3 * 20 {
                points.push((along as f64, at));
            }
        }
    }
    Curve::robust(&points, 1.5 + scale * 0.25)
}

/// Where a horizontal edge (`across` = y of x) meets a vertical one (x of y).
fn meet(horizontal: &Curve, vertical: &Curve) -> Option<Point> {
    let (mut x, mut y) = (vertical.at(horizontal.c[0]), horizontal.c[0]);
    for _ in 0..20 {
        y = horizontal.at(x);
        x = vertical.at(y);
    }
    (x.is_finite() && y.is_finite()).then_some((x, y))
}

/// How far an edge bows from the straight side between its corners, in the
/// sheet's own coordinates: its offset fitted as `bow·4s(1 − s)` along the
/// side (`far_side`: the side at 1, not 0).
fn bow(edge: &Curve, horizontal: bool, from: f64, to: f64, inverse: &Homography, far_side: bool) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for i in 1..20 {
        let along = from + (to - from) * f64::from(i) / 20.0;
        let across = edge.at(along);
        let (u, v) = inverse.map(if horizontal { (along, across) } else { (across, along) });
        let (s, off) = if horizontal { (u, v) } else { (v, u) };
        let off = if far_side { off - 1.0 } else { off };
        let weight = 4.0 * s * (1.0 - s);
        num += off * weight;
        den += weight * weight;
    }
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

/// A plane projective map `(u, v) → (x, y)`.
#[derive(Debug, Clone, Copy)]
struct Homography([f64; 9]);

impl Homography {
    /// The map of the unit square's corners (0,0), (1,0), (1,1), (0,1) onto `quad`.
    fn to_quad(quad: &[Point; 4]) -> Option<Homography> {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = *quad;
        let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let den = dx1 * dy2 - dx2 * dy1;
        if den.abs() < 1e-9 {
            return None;
        }
        let g = (sx * dy2 - dx2 * sy) / den;
        let h = (dx1 * sy - sx * dy1) / den;
        Some(Homography([x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1.0]))
    }

    fn map(&self, (u, v): Point) -> Point {
        let m = &self.0;
        let w = m[6] * u + m[7] * v + m[8];
        ((m[0] * u + m[1] * v + m[2]) / w, (m[3] * u + m[4] * v + m[5]) / w)
    }

    fn inverse(&self) -> Option<Homography> {
        let [a, b, c, d, e, f, g, h, i] = self.0;
        let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        if det.abs() < 1e-12 {
            return None;
        }
        let adj = [
            e * i - f * h,
            c * h - b * i,
            b * f - c * e,
            f * g - d * i,
            a * i - c * g,
            c * d - a * f,
            d * h - e * g,
            b * g - a * h,
            a * e - b * d,
        ];
        Some(Homography(adj.map(|x| x / det)))
    }
}

/// The rectified sheet's size in pixels and its resolution: the sides'
/// proportions taken for A4 when close to it, the resolution the photo
/// gives the sheet along its better-resolved sides.
fn output_size(corners: &[Point; 4]) -> (usize, usize, f32) {
    let dist = |a: Point, b: Point| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt() as f32;
    let across = dist(corners[0], corners[1]).max(dist(corners[3], corners[2]));
    let down = dist(corners[0], corners[3]).max(dist(corners[1], corners[2]));
    let aspect = across / down.max(1.0);
    let aspect = if (aspect / A4 - 1.0).abs() < A4_TOLERANCE {
        A4
    } else if (aspect * A4 - 1.0).abs() < A4_TOLERANCE {
        1.0 / A4
    } else {
        aspect
    };
    // Inches, the longer side taken for A4's.
    let (width_in, height_in) = if aspect >= 1.0 {
        (A4_LONG_INCHES, A4_LONG_INCHES / aspect)
    } else {
        (A4_LONG_INCHES * aspect, A4_LONG_INCHES)
    };
    let dpi = (across / width_in).max(down / height_in);
    ((width_in * dpi).round() as usize, (height_in * dpi).round() as usize, dpi)
}

/// The sheet sampled onto a `width`×`height` rectangle: each pixel's place
/// on the sheet, its edges' bows spread between opposite edges, through the
/// homography into the photo (bilinear).
fn warp(gray: &Gray, corners: &[Point; 4], bows: [f64; 4], width: usize, height: usize) -> Gray {
    let mut out = Gray::new(width, height, 255);
    let Some(map) = Homography::to_quad(corners) else { return out };
    let [top, right, bottom, left] = bows;
    for y in 0..height {
        let v = (y as f64 + 0.5) / height as f64;
        let across = 4.0 * v * (1.0 - v);
        for x in 0..width {
            let u = (x as f64 + 0.5) / width as f64;
            let along = 4.0 * u * (1.0 - u);
            let su = u + across * ((1.0 - u) * left + u * right);
            let sv = v + along * ((1.0 - v) * top + v * bottom);
            let (px, py) = map.map((su, sv));
            out.set(x, y, sample(gray, px, py));
        }
    }
    out
}

/// Bilinear sample; paper white outside the image.
fn sample(gray: &Gray, x: f64, y: f64) -> u8 {
    let (x, y) = (x - 0.5, y - 0.5);
    if !(x >= 0.0 && y >= 0.0) || x + 1.0 >= gray.width as f64 || y + 1.0 >= gray.height as f64 {
        return 255;
    }
    let (x0, y0) = (x as usize, y as usize);
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let p = |xx: usize, yy: usize| f64::from(gray.get(xx, yy));
    let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
    let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
    (top * (1.0 - fy) + bottom * fy).round() as u8
}

/// Paints paper over a thin band along the border.
fn whiten_border(gray: &mut Gray) {
    let band = ((gray.width.min(gray.height) as f32 * BORDER_SHARE) as usize).max(2);
    for y in 0..gray.height {
        for x in 0..gray.width {
            if x < band || y < band || x + band >= gray.width || y + band >= gray.height {
                gray.set(x, y, 255);
            }
        }
    }
}

#[cfg(test)]
#[path = "photo_tests.rs"]
mod tests;
