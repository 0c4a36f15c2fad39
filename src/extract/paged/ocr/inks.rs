//! Colour separation of a scanned page: the gray the black print alone would
//! give, with seal and signature ink divided out.
//!
//! Whitening every coloured pixel is not enough: where a red seal or a blue
//! signature lies over a score, the digits under it are coloured too (black
//! through red is dark red) and would be erased with the ink. Instead each
//! pixel is taken as paper × print × ink, multiplied per channel: print is
//! neutral (it darkens every channel alike), and ink covering a share `a` of
//! the pixel passes `1 − a·k` of each channel, `k` its absorption there (ink
//! pressed unevenly, as a stamp is, covers a pixel only in part). Each hue
//! family of coloured pixels on the page (30° of hue: red seal, violet or
//! blue signature, whatever the page holds) gets its ink's absorption fitted
//! from its most saturated pixels, full ink on bare paper. In every pixel of
//! that hue the cover follows from the ratio of the channel the ink absorbs
//! most to the one it absorbs least (print changes no ratio); JPEG keeps
//! colour at half the resolution of brightness, so a thin stroke of ink is
//! darker than its colour tells, and a pixel of ink is first given as much
//! cover as its darkness asks (up to full); only a pixel darker than full
//! ink, which holds print, has its cover told more and more by its colour
//! alone as it nears black, so the print under a stroke keeps its weight. The ink is divided out and the luma of what
//! remains is the print. Pixels without colour, or with a trace of it away
//! from any ink, are plain luma, untouched.

use super::Gray;

/// Max − min of the channels below which a pixel is colour-free (paper,
/// print, JPEG noise on a gray scan).
const NEUTRAL_CHROMA: u8 = 24;
/// Below [`NEUTRAL_CHROMA`], a trace of colour that is still ink when it
/// lies this close (pixels) to a coloured pixel: the blurred edge of a stroke.
const TRACE_CHROMA: u8 = 12;
const TRACE_REACH: usize = 6;
/// Hue families: sectors of 30°, the first centred on red.
const SECTORS: usize = 12;
/// Coloured pixels a hue family needs on the page for its ink to be fitted;
/// fewer are specks or colour fringes, left as luma.
const MIN_PIXELS: usize = 150;
/// The most saturated share (percent) of a family's pixels taken as full ink.
const STRONG_SHARE: usize = 10;
/// An ink whose absorption barely varies over the channels is as gray as
/// print and cannot be told from it.
const MIN_COLOUR: f32 = 0.1;

/// One fitted ink: its absorption per channel at full cover, and the
/// channels it absorbs most and least.
#[derive(Debug, Clone, Copy)]
struct Ink {
    absorption: [f32; 3],
    most: usize,
    least: usize,
    /// Absorption of brightness (luma) at full cover, and the paper's luma.
    luma_absorption: f32,
    paper_luma: f32,
}

impl Ink {
    fn new(transmittance: [f32; 3], paper: [f32; 3]) -> Option<Ink> {
        let absorption = transmittance.map(|t| (1.0 - t).clamp(0.0, 0.95));
        let order = |a: &usize, b: &usize| absorption[*a].total_cmp(&absorption[*b]);
        let most = (0..3).max_by(order)?;
        let least = (0..3).min_by(order)?;
        let weigh = |v: [f32; 3]| 0.299 * v[0] + 0.587 * v[1] + 0.114 * v[2];
        let (luma_absorption, paper_luma) = (weigh(absorption), weigh(paper).max(1.0));
        (absorption[most] - absorption[least] >= MIN_COLOUR).then_some(Ink {
            absorption,
            most,
            least,
            luma_absorption,
            paper_luma,
        })
    }

    /// The pixel with this ink divided out: its cover from the ratio of the
    /// two telling channels, each channel brightened by what that cover absorbs.
    fn divided_out(&self, p: &[u8]) -> [u8; 3] {
        let (k_most, k_least) = (self.absorption[self.most], self.absorption[self.least]);
        // most / least = (1 − a·k_most) / (1 − a·k_least), solved for a.
        let ratio = (f32::from(p[self.most]) + 0.5) / (f32::from(p[self.least]) + 0.5);
        let below = k_most - ratio * k_least;
        let by_colour = if below > 1e-6 { (1.0 - ratio) / below } else { 1.0 };
        let brightness = f32::from(luma(p[0], p[1], p[2])) / self.paper_luma;
        let by_darkness = (1.0 - brightness) / self.luma_absorption.max(0.05);
        // Darker than full ink: print is there, and the darker, the more the
        // colour alone is trusted (at black, only the colour tells the cover).
        let trust_darkness = (2.0 - by_darkness).clamp(0.0, 1.0);
        let by_colour = by_colour.clamp(0.0, 1.0);
        let cover = by_colour.max(by_darkness.min(1.0) * trust_darkness).clamp(0.0, 1.0);
        [0, 1, 2].map(|i| (f32::from(p[i]) / (1.0 - cover * self.absorption[i])).round().min(255.0) as u8)
    }
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000) as u8
}

fn chroma(p: &[u8]) -> u8 {
    p[0].max(p[1]).max(p[2]) - p[0].min(p[1]).min(p[2])
}

/// The hue family of a coloured pixel.
fn sector(p: &[u8]) -> usize {
    let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let span = (max - min).max(1.0);
    let hue = if max == r {
        60.0 * ((g - b) / span)
    } else if max == g {
        60.0 * ((b - r) / span + 2.0)
    } else {
        60.0 * ((r - g) / span + 4.0)
    };
    ((hue + 360.0 + 15.0) / 30.0) as usize % SECTORS
}

/// The value at `share` percent from the top of a histogram.
fn percentile_from_top(histogram: &[usize; 256], share: usize) -> usize {
    let total: usize = histogram.iter().sum();
    let wanted = (total * share).div_ceil(100).max(1);
    let mut seen = 0;
    for v in (0..256).rev() {
        seen += histogram[v];
        if seen >= wanted {
            return v;
        }
    }
    0
}

/// The inks of the page, one per hue family that has enough pixels.
fn fit(rgb: &[u8]) -> [Option<Ink>; SECTORS] {
    let mut paper = [[0usize; 256]; 3];
    let mut saturation = [[0usize; 256]; SECTORS];
    for p in rgb.chunks_exact(3) {
        let c = chroma(p);
        if c < NEUTRAL_CHROMA {
            (0..3).for_each(|i| paper[i][usize::from(p[i])] += 1);
        } else {
            saturation[sector(p)][usize::from(c)] += 1;
        }
    }
    // Paper: a bright value each channel reaches on much of the page.
    let paper = paper.map(|h| percentile_from_top(&h, 20).max(1) as f32);
    let count = |s: usize| saturation[s].iter().sum::<usize>();
    let floor: [usize; SECTORS] = std::array::from_fn(|s| {
        if count(s) >= MIN_PIXELS {
            percentile_from_top(&saturation[s], STRONG_SHARE)
        } else {
            usize::MAX
        }
    });
    if floor.iter().all(|&f| f == usize::MAX) {
        return [None; SECTORS];
    }
    let mut sums = [([0f64; 3], 0usize); SECTORS];
    for p in rgb.chunks_exact(3) {
        let c = chroma(p);
        if c < NEUTRAL_CHROMA {
            continue;
        }
        let s = sector(p);
        if usize::from(c) >= floor[s] {
            (0..3).for_each(|i| sums[s].0[i] += f64::from((f32::from(p[i]) / paper[i]).min(1.0)));
            sums[s].1 += 1;
        }
    }
    let fitted: [Option<Ink>; SECTORS] = std::array::from_fn(|s| {
        let (sum, n) = sums[s];
        (n > 0).then(|| Ink::new(sum.map(|t| (t / n as f64) as f32), paper)).flatten()
    });
    // A family's stray pixels in a neighbouring sector take its ink.
    std::array::from_fn(|s| {
        let (before, after) = ((s + SECTORS - 1) % SECTORS, (s + 1) % SECTORS);
        fitted[s].or_else(|| {
            let neighbours = [before, after].into_iter().filter(|&n| fitted[n].is_some());
            neighbours.max_by_key(|&n| count(n)).and_then(|n| fitted[n])
        })
    })
}

/// The page in gray as the black print alone would give it: colour-free
/// pixels are plain luma, coloured ones have their hue family's ink divided out.
pub fn print_gray(width: usize, height: usize, rgb: &[u8]) -> Gray {
    let rgb = &rgb[..(width * height * 3).min(rgb.len() / 3 * 3)];
    let neutral = without_background(width, rgb);
    let rgb = neutral.as_deref().unwrap_or(rgb);
    let inks = fit(rgb);
    let mut out = Gray::new(width, height, 255);
    let near = if inks.iter().any(Option::is_some) {
        near_colour(width, rgb.len() / 3 / width.max(1), rgb)
    } else {
        Vec::new()
    };
    for (i, p) in rgb.chunks_exact(3).enumerate() {
        let c = chroma(p);
        let inked = c >= NEUTRAL_CHROMA || c >= TRACE_CHROMA && near.get(i).copied().unwrap_or(false);
        out.data[i] = match inks[sector(p)] {
            Some(ink) if inked => {
                let [r, g, b] = ink.divided_out(p);
                luma(r, g, b)
            }
            _ => luma(p[0], p[1], p[2]),
        };
    }
    out
}

/// A phone photo's pixels with the light on the sheet evened per channel
/// (paper under coloured light is no ink) and the background around the
/// sheet (a desk, a cloth, wood) made colour-free: it is no ink either, and
/// fitted as one it would be whitened into something like paper. `None` for
/// an image that is no photo of a sheet.
fn without_background(width: usize, rgb: &[u8]) -> Option<Vec<u8>> {
    let height = rgb.len() / 3 / width.max(1);
    let gray = Gray { width, height, data: rgb.chunks_exact(3).map(|p| luma(p[0], p[1], p[2])).collect() };
    let on_sheet = super::photo::find(&gray)?.region(width, height);
    let mut out = rgb.to_vec();
    super::light::even_colour_light(width, &mut out);
    // The background keeps its own gray, which tells the sheet from it again.
    for ((p, on), &level) in out.chunks_exact_mut(3).zip(&on_sheet).zip(&gray.data) {
        if !on {
            p.fill(level);
        }
    }
    Some(out)
}

/// Whether each pixel lies within [`TRACE_REACH`] of a coloured pixel.
fn near_colour(width: usize, height: usize, rgb: &[u8]) -> Vec<bool> {
    // Each row's coloured pixels are found as the row is reached (a plane of them cost a byte a pixel).
    let mut coloured = vec![false; width];
    let mut across = vec![false; width * height];
    for y in 0..height {
        for (c, p) in coloured.iter_mut().zip(rgb[y * width * 3..(y + 1) * width * 3].chunks_exact(3)) {
            *c = chroma(p) >= NEUTRAL_CHROMA;
        }
        for x in 0..width {
            let (x0, x1) = (x.saturating_sub(TRACE_REACH), (x + TRACE_REACH + 1).min(width));
            across[y * width + x] = coloured[x0..x1].iter().any(|&c| c);
        }
    }
    let mut near = vec![false; width * height];
    for y in 0..height {
        let (y0, y1) = (y.saturating_sub(TRACE_REACH), (y + TRACE_REACH + 1).min(height));
        for x in 0..width {
            near[y * width + x] = (y0..y1).any(|yy| across[yy * width + x]);
        }
    }
    near
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAPER: [u8; 3] = [238, 234, 230];

    /// A page of paper with `n` pixels of each given colour after it.
    fn page(colours: &[([u8; 3], usize)]) -> (usize, Vec<u8>) {
        let mut rgb: Vec<u8> = std::iter::repeat_n(PAPER, 2000).flatten().collect();
        for &(colour, n) in colours {
            rgb.extend(std::iter::repeat_n(colour, n).flatten());
        }
        (rgb.len() / 3, rgb)
    }

    /// `colour` seen through ink of transmittance `t`.
    fn through(colour: [u8; 3], t: [f32; 3]) -> [u8; 3] {
        [0, 1, 2].map(|i| (f32::from(colour[i]) * t[i]).round() as u8)
    }

    #[test]
    fn red_ink_turns_to_paper_and_print_under_it_stays_dark() {
        let red = [0.85, 0.42, 0.48];
        let print = [40, 40, 40];
        let (n, rgb) = page(&[(through(PAPER, red), 600), (through(print, red), 50), (print, 50)]);
        let gray = print_gray(n, 1, &rgb);
        let on_paper = gray.data[2000];
        let under = gray.data[2600];
        assert!(on_paper >= 225, "red ink alone: {on_paper}");
        assert!(under <= 60, "black under red: {under}");
        assert_eq!(gray.data[2650], 40);
        // A lighter stroke of the same ink is removed too.
        let light = through(PAPER, [0.93, 0.7, 0.74]);
        let (n, rgb) = page(&[(through(PAPER, red), 600), (light, 10)]);
        assert!(print_gray(n, 1, &rgb).data[2600] >= 225);
    }

    #[test]
    fn blue_ink_turns_to_paper() {
        let blue = [0.47, 0.5, 0.72];
        let (n, rgb) = page(&[(through(PAPER, blue), 600), (through([90, 90, 90], blue), 20)]);
        let gray = print_gray(n, 1, &rgb);
        assert!(gray.data[2000] >= 225, "blue ink alone: {}", gray.data[2000]);
        assert!(gray.data[2600] <= 110, "print under blue: {}", gray.data[2600]);
    }

    #[test]
    fn inks_of_any_hue_are_fitted_each_on_its_own() {
        // A violet seal and a green highlighter on one page, print under both.
        let (violet, green) = ([0.62, 0.4, 0.8], [0.75, 0.92, 0.55]);
        let (n, rgb) = page(&[
            (through(PAPER, violet), 400),
            (through(PAPER, green), 400),
            (through([40, 40, 40], violet), 10),
            (through([40, 40, 40], green), 10),
        ]);
        let gray = print_gray(n, 1, &rgb);
        assert!(gray.data[2000] >= 225 && gray.data[2400] >= 225, "{} {}", gray.data[2000], gray.data[2400]);
        assert!(gray.data[2800] <= 90 && gray.data[2810] <= 90, "{} {}", gray.data[2800], gray.data[2810]);
        // Samples short of the size given are no panic: the rest is paper.
        assert_eq!(print_gray(n, 2, &rgb).data[n], 255);
    }

    #[test]
    fn colour_free_pixels_are_plain_luma() {
        let (n, rgb) = page(&[([128, 128, 128], 5), ([20, 24, 30], 5), ([200, 40, 50], 3)]);
        let gray = print_gray(n, 1, &rgb);
        assert_eq!(gray.data[0], luma(PAPER[0], PAPER[1], PAPER[2]));
        assert_eq!(gray.data[2000], 128);
        assert_eq!(gray.data[2005], luma(20, 24, 30));
        // Too few red pixels for an ink to be fitted: they are left as luma.
        assert_eq!(gray.data[2010], luma(200, 40, 50));
    }
}
