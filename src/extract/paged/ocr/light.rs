//! The light and the focus of a photographed sheet: light falling unevenly
//! (a gradient, a hand's shadow, a warm lamp) divided out, and the blur of
//! a phone's lens and JPEG sharpened away, so that a photo's paper, print
//! and thin rulings look as a scan's do.

use super::Gray;

/// A4's long side, inches (a photo's frame is about the sheet's size).
pub const A4_LONG_INCHES: f32 = 11.69;

/// Side of the blocks the paper's light is measured in, inches.
const LIGHT_BLOCK_INCHES: f32 = 0.25;
/// The level paper is brought to.
const PAPER_LEVEL: u32 = 245;

/// The light on a photo evened in each colour channel ([`even_light`]):
/// paper lit by a warm lamp or tinted by a wooden desk comes out white, and
/// only ink keeps colour. Blocks are taken over twice the reach, so that
/// inside a seal the paper around it still gives the level.
pub fn even_colour_light(width: usize, rgb: &mut [u8]) {
    let height = rgb.len() / 3 / width.max(1);
    // The sheet fills most of the frame: the frame's long side is about A4's.
    let dpi = width.max(height) as f32 / A4_LONG_INCHES;
    for channel in 0..3 {
        let data = rgb.iter().skip(channel).step_by(3).copied().collect();
        let mut plane = Gray { width, height, data };
        even_light(&mut plane, dpi, 2);
        rgb.iter_mut().skip(channel).step_by(3).zip(&plane.data).for_each(|(c, &v)| *c = v);
    }
}

/// Divides out the light falling unevenly on the sheet (a gradient, a
/// hand's shadow): the paper's level in each block (a bright percentile, the
/// brightest of the block and its neighbours within `reach` blocks so that a
/// block of print still shows its paper), interpolated, brought to one level.
pub fn even_light(gray: &mut Gray, dpi: f32, reach: usize) {
    let block = ((dpi * LIGHT_BLOCK_INCHES) as usize).max(8);
    let (bw, bh) = (gray.width.div_ceil(block), gray.height.div_ceil(block));
    let mut level = vec![0u32; bw * bh];
    for by in 0..bh {
        for bx in 0..bw {
            let mut hist = [0u32; 256];
            let mut n = 0;
            for y in by * block..((by + 1) * block).min(gray.height) {
                for x in bx * block..((bx + 1) * block).min(gray.width) {
                    hist[usize::from(gray.get(x, y))] += 1;
                    n += 1;
                }
            }
            // The level a tenth of the block is brighter than.
            let mut seen = 0;
            let target = n / 10;
            level[by * bw + bx] = (0..256u32)
                .rev()
                .find(|&v| {
                    seen += hist[v as usize];
                    seen > target
                })
                .unwrap_or(255);
        }
    }
    let paper: Vec<u32> = (0..bw * bh)
        .map(|i| {
            let (bx, by) = (i % bw, i / bw);
            let mut best = 0;
            for ny in by.saturating_sub(reach)..(by + reach + 1).min(bh) {
                for nx in bx.saturating_sub(reach)..(bx + reach + 1).min(bw) {
                    best = best.max(level[ny * bw + nx]);
                }
            }
            best.max(64)
        })
        .collect();
    let half = block as f32 / 2.0;
    for y in 0..gray.height {
        let fy = ((y as f32 - half) / block as f32).clamp(0.0, (bh - 1) as f32);
        let (y0, ty) = (fy as usize, fy.fract());
        let y1 = (y0 + 1).min(bh - 1);
        for x in 0..gray.width {
            let fx = ((x as f32 - half) / block as f32).clamp(0.0, (bw - 1) as f32);
            let (x0, tx) = (fx as usize, fx.fract());
            let x1 = (x0 + 1).min(bw - 1);
            let at = |xx: usize, yy: usize| paper[yy * bw + xx] as f32;
            let light = (at(x0, y0) * (1.0 - tx) + at(x1, y0) * tx) * (1.0 - ty)
                + (at(x0, y1) * (1.0 - tx) + at(x1, y1) * tx) * ty;
            let v = f32::from(gray.get(x, y)) * PAPER_LEVEL as f32 / light;
            gray.set(x, y, v.round().min(255.0) as u8);
        }
    }
}

/// How much of its difference from its surroundings each pixel gains.
const SHARPEN: i32 = 3;

/// Unsharp masking against a 7-tap binomial blur: a phone's lens and JPEG
/// leave a thin ruling a faint gray band that the binarisation loses
/// beside bold text; sharpened, it is dark again, as are the strokes.
pub fn sharpen(gray: &mut Gray) {
    const TAPS: [i32; 7] = [1, 6, 15, 20, 15, 6, 1];
    let (w, h) = (gray.width, gray.height);
    let blur_line = |len: usize, at: &dyn Fn(usize) -> i32, out: &mut dyn FnMut(usize, i32)| {
        for i in 0..len {
            let sum: i32 = TAPS.iter().enumerate().map(|(k, t)| t * at((i + k).saturating_sub(3).min(len - 1))).sum();
            out(i, sum);
        }
    };
    // Rows then columns, in 64ths then 4096ths.
    let mut across = vec![0i32; w * h];
    for y in 0..h {
        blur_line(w, &|x| i32::from(gray.get(x, y)), &mut |x, v| across[y * w + x] = v);
    }
    let mut blurred = vec![0i32; w * h];
    for x in 0..w {
        blur_line(h, &|y| across[y * w + x], &mut |y, v| blurred[y * w + x] = v);
    }
    for (p, b) in gray.data.iter_mut().zip(&blurred) {
        let v = i32::from(*p);
        *p = (v + SHARPEN * (v * 4096 - b) / 2 / 4096).clamp(0, 255) as u8;
    }
}
