//! The page model: what table assembly reads from one page, whatever made it.
//!
//! A [`PageLayout`] is a page in its upright reading frame (top-down points,
//! origin at the top-left corner as a reader sees the page): positioned
//! pieces of text ([`Glyph`], one character or a whole word) and straight
//! ruling lines ([`Segment`]). The PDF content interpreter fills it from a
//! content stream; an OCR engine can fill it from a page image (one `Glyph`
//! per recognised word, its box in points) and hand the pages to
//! [`super::Assembler`], which finds ruled, rule-less and continued tables
//! and the prose around them exactly as for text PDFs.

use std::rc::Rc;

use crate::grid::Reading;

/// One positioned piece of text: a character, a ligature or a whole word.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Left edge, points from the left of the page.
    pub x: f32,
    /// Baseline, measured down from the top of the page.
    pub y: f32,
    /// Advance along the baseline (points).
    pub width: f32,
    /// Font size (points): the height of a line of this text.
    pub size: f32,
    pub text: String,
    /// Font name (legacy Vietnamese encodings are recognised by it).
    pub font: Rc<str>,
    /// Direction of the baseline in the reading frame, in degrees counter-clockwise
    /// (0 = left to right as normal text; 90 = read bottom to top).
    pub angle: f32,
    /// Painted so that it does not cover what is under it: a light or
    /// transparent colour (watermarks, stamps). Never read into cells.
    pub faint: bool,
    /// How OCR read a word read from a scan.
    pub reading: Option<Reading>,
}

impl Glyph {
    /// Upright, normally painted text. Use this (and set `angle`/`faint` when
    /// they apply) rather than a struct literal, so that added fields keep
    /// callers compiling.
    pub fn new(x: f32, y: f32, width: f32, size: f32, text: impl Into<String>, font: Rc<str>) -> Self {
        Glyph { x, y, width, size, text: text.into(), font, angle: 0.0, faint: false, reading: None }
    }

    pub fn right(&self) -> f32 {
        self.x + self.width
    }

    pub fn is_space(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }

    /// Whether the text runs left to right, within a few degrees.
    pub fn is_upright(&self) -> bool {
        self.angle.abs() <= UPRIGHT_TOLERANCE
    }
}

/// Degrees a baseline may lean and still be read as upright text.
pub const UPRIGHT_TOLERANCE: f32 = 2.0;

/// A horizontal or vertical ruling line in the reading frame: `pos` is its y
/// (horizontal) or x (vertical); it runs from `from` to `to` along the other axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub horizontal: bool,
    pub pos: f32,
    pub from: f32,
    pub to: f32,
}

/// What one page shows, in its upright reading frame.
#[derive(Debug, Clone, Default)]
pub struct PageLayout {
    /// 1-based page number.
    pub number: u32,
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    /// Ruling lines (table borders, underlines); only axis-aligned ones.
    pub rulings: Vec<Segment>,
    /// Glyphs whose font gave no Unicode mapping (shown as U+FFFD).
    pub unmapped: usize,
    /// Images drawn on the page (a page with images and no text needs OCR).
    pub images: usize,
    /// Glyphs drawn invisibly (render mode 3): the text layer an OCR program
    /// leaves over a scan. Not read where the scan is (its columns come out
    /// mixed); the only text of a page without an image to read, it is.
    pub invisible: Vec<Glyph>,
    /// Pixels of the page image per point (x, y), for a page read by OCR.
    pub pixels_per_point: Option<(f32, f32)>,
}

impl PageLayout {
    pub fn new(number: u32, width: f32, height: f32) -> Self {
        PageLayout { number, width, height, ..PageLayout::default() }
    }
}
