//! Many crops read in one Tesseract call: stacked into one column image,
//! each on its own line, and every word read traced back to its crop.

use std::time::Instant;

use super::engine::{Mode, Tesseract, Word};
use super::Gray;
use crate::extract::ExtractResult;

/// White margin around each crop: Tesseract finds text poorly at an image edge.
pub const MARGIN: usize = 8;

/// Tesseract refuses an image over 32,767 pixels a side (a page read
/// sideways has hundreds of small "cells"): stacks stay below it.
const MAX_SIDE: usize = 32_000;

/// The height a crop takes in a stack, with the white space after it.
fn stacked_height(crop: &Gray) -> usize {
    crop.height + (crop.height / 2).max(MARGIN * 2)
}

/// Reads crops in one Tesseract call, stacked into as many images as its
/// size limit needs; the words come back by crop, relative to its corner.
/// A crop over the limit on its own gets no words.
pub fn read_stacked(
    crops: &[&Gray],
    mode: Mode,
    engine: &Tesseract,
    deadline: Instant,
) -> ExtractResult<Vec<Vec<Word>>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut height = MAX_SIDE;
    for (i, crop) in crops.iter().enumerate() {
        let (across, down) = (crop.width + 2 * MARGIN, stacked_height(crop) + 2 * MARGIN);
        if across > MAX_SIDE || down > MAX_SIDE {
            continue;
        }
        if height + down > MAX_SIDE {
            groups.push(Vec::new());
            height = 2 * MARGIN;
        }
        if let Some(group) = groups.last_mut() {
            group.push(i);
            height += stacked_height(crop);
        }
    }
    let stacks: Vec<Stack> =
        groups.iter().map(|group| Stack::new(&group.iter().map(|&i| crops[i]).collect::<Vec<_>>())).collect();
    let images: Vec<Gray> = stacks.iter().map(|s| s.image.clone()).collect();
    let read = engine.recognize(&images, mode, deadline)?;
    let mut out = vec![Vec::new(); crops.len()];
    for ((group, stack), words) in groups.iter().zip(&stacks).zip(read) {
        for (&i, words) in group.iter().zip(stack.words_by_crop(words)) {
            out[i] = words;
        }
    }
    Ok(out)
}

/// Reads crops each as an image of its own, cut to its ink with a narrow
/// white margin, all in one Tesseract call as raw lines ([`Mode::NumericLine`]);
/// the words come back by crop, relative to its corner. A block-mode reading
/// of a stack (or of one crop with white around it) drops a lone thin digit
/// (a `1`) as noise; a raw line cut to the ink keeps it.
pub fn read_alone(crops: &[&Gray], engine: &Tesseract, deadline: Instant) -> ExtractResult<Vec<Vec<Word>>> {
    let (mut corners, mut images) = (Vec::with_capacity(crops.len()), Vec::new());
    for crop in crops {
        corners.push(cut_to_ink(crop).map(|(x, y, image)| {
            images.push(image);
            (x, y)
        }));
    }
    let mut read = engine.recognize(&images, Mode::NumericLine, deadline)?.into_iter();
    Ok(corners
        .iter()
        .map(|corner| {
            let Some((x, y)) = corner else { return Vec::new() };
            let (dx, dy) = (*x as i32 - MARGIN as i32, *y as i32 - MARGIN as i32);
            let words = read.next().unwrap_or_default();
            words.into_iter().map(|w| Word { left: w.left + dx, top: w.top + dy, ..w }).collect()
        })
        .collect())
}

/// The crop's ink (pixels darker than mid-gray) with `MARGIN` of white
/// around it, and where the ink starts in the crop; `None` without ink or
/// over Tesseract's size limit.
fn cut_to_ink(crop: &Gray) -> Option<(usize, usize, Gray)> {
    let dark = |x: usize, y: usize| crop.get(x, y) < 128;
    let rows: Vec<usize> = (0..crop.height).filter(|&y| (0..crop.width).any(|x| dark(x, y))).collect();
    let cols: Vec<usize> = (0..crop.width).filter(|&x| (0..crop.height).any(|y| dark(x, y))).collect();
    let (&y0, &y1, &x0, &x1) = (rows.first()?, rows.last()?, cols.first()?, cols.last()?);
    let (width, height) = (x1 - x0 + 1, y1 - y0 + 1);
    if width + 2 * MARGIN > MAX_SIDE || height + 2 * MARGIN > MAX_SIDE {
        return None;
    }
    let mut image = Gray::new(width + 2 * MARGIN, height + 2 * MARGIN, 255);
    for y in 0..height {
        for x in 0..width {
            image.set(MARGIN + x, MARGIN + y, crop.get(x0 + x, y0 + y));
        }
    }
    Some((x0, y0, image))
}

/// Crops stacked into one column image, each on its own line with white
/// space between: one Tesseract call reads them all, and each line it finds
/// is traced back to its crop by height.
pub struct Stack {
    pub image: Gray,
    /// Top of each crop in the stack and its height.
    pub slots: Vec<(usize, usize)>,
}

impl Stack {
    pub fn new(crops: &[&Gray]) -> Stack {
        let width = crops.iter().map(|c| c.width).max().unwrap_or(0) + 2 * MARGIN;
        let mut slots = Vec::with_capacity(crops.len());
        let mut top = MARGIN;
        for crop in crops {
            slots.push((top, crop.height));
            top += stacked_height(crop);
        }
        let mut image = Gray::new(width, top + MARGIN, 255);
        for (crop, &(y, _)) in crops.iter().zip(&slots) {
            for row in 0..crop.height {
                let at = (y + row) * width + MARGIN;
                image.data[at..at + crop.width].copy_from_slice(&crop.data[row * crop.width..(row + 1) * crop.width]);
            }
        }
        Stack { image, slots }
    }

    /// The crop a word found at `top`..`top + height` of the stack belongs to.
    pub fn slot_of(&self, top: i32, height: i32) -> Option<usize> {
        let middle = usize::try_from(top + height / 2).ok()?;
        self.slots.iter().position(|&(y, h)| middle + MARGIN >= y && middle < y + h + MARGIN)
    }

    /// The words read on the stack, by crop, with their boxes made relative
    /// to the crop's top-left corner.
    pub fn words_by_crop(&self, words: Vec<Word>) -> Vec<Vec<Word>> {
        let mut out = vec![Vec::new(); self.slots.len()];
        for mut w in words {
            if let Some(slot) = self.slot_of(w.top, w.height) {
                w.left -= MARGIN as i32;
                w.top -= self.slots[slot].0 as i32;
                out[slot].push(w);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crop_read_alone_is_cut_to_its_ink() {
        let mut crop = Gray::new(60, 40, 255);
        for y in 10..30 {
            for x in 20..24 {
                crop.set(x, y, 30);
            }
        }
        crop.set(50, 35, 200);
        let (x, y, image) = cut_to_ink(&crop).expect("ink");
        assert_eq!((x, y, image.width, image.height), (20, 10, 4 + 2 * MARGIN, 20 + 2 * MARGIN));
        assert_eq!(
            (image.get(MARGIN, MARGIN), image.get(MARGIN - 1, MARGIN), image.get(MARGIN + 3, MARGIN + 19)),
            (30, 255, 30)
        );
        assert!(cut_to_ink(&Gray::new(10, 10, 255)).is_none());
    }
}
