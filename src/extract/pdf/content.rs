//! Content-stream interpreter: runs a page's operators with graphics and text
//! state and records what the table builder needs — positioned glyphs and
//! axis-aligned ruling segments — in top-down page coordinates.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document as PdfDocument, Object, ObjectId};

use super::font::{Code, Font};
use super::{resolve, stream_bytes};
use crate::extract::{Budget, ExtractError, ExtractResult};

/// One shown character (or ligature) on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub x: f32,
    /// Baseline, measured down from the top of the page.
    pub y: f32,
    pub width: f32,
    pub size: f32,
    pub text: String,
    pub font: Rc<str>,
}

impl Glyph {
    pub fn right(&self) -> f32 {
        self.x + self.width
    }

    pub fn is_space(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
}

/// A horizontal or vertical ruling line: `pos` is its y (horizontal) or x
/// (vertical); it runs from `from` to `to` along the other axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub horizontal: bool,
    pub pos: f32,
    pub from: f32,
    pub to: f32,
}

/// What one page shows.
#[derive(Debug, Default)]
pub struct Page {
    pub number: u32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    pub segments: Vec<Segment>,
    /// Glyphs whose font gave no Unicode mapping (shown as U+FFFD).
    pub unmapped: usize,
    pub images: usize,
    /// Image XObjects drawn on the page (for OCR of scanned pages).
    pub image_objects: Vec<ObjectId>,
    /// Glyphs drawn invisibly (render mode 3): an OCR program's text layer.
    pub invisible: usize,
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` applied first, then `b`.
fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

#[derive(Debug, Clone)]
struct GraphicsState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    font_name: Rc<str>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    horizontal_scale: f32,
    leading: f32,
    rise: f32,
    render_mode: i32,
}

impl Default for GraphicsState {
    fn default() -> Self {
        GraphicsState {
            ctm: IDENTITY,
            font: None,
            font_name: Rc::from(""),
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            render_mode: 0,
        }
    }
}

/// Lines thinner than this (points) that are drawn as filled rectangles count as rulings.
const THIN_RECT: f32 = 2.5;
/// How far from axis-aligned a segment may be and still count as a ruling.
const AXIS_TOLERANCE: f32 = 0.5;
/// Pages with more operators than this are hostile or not reports.
const MAX_OPERATIONS: usize = 5_000_000;
/// Fonts loaded so far, by object id.
pub type FontCache = HashMap<ObjectId, Rc<Font>>;

pub struct Interpreter<'a> {
    doc: &'a PdfDocument,
    budget: &'a mut Budget,
    fonts: &'a mut FontCache,
    page: Page,
    /// Page box origin: (left, top) in user space.
    origin: (f32, f32),
    state: GraphicsState,
    saved: Vec<GraphicsState>,
    text_matrix: Matrix,
    line_matrix: Matrix,
    subpaths: Vec<Vec<(f32, f32)>>,
    operations: usize,
    codes: Vec<Code>,
}

fn numbers(operands: &[Object]) -> Vec<f32> {
    operands
        .iter()
        .filter_map(|o| match o {
            Object::Integer(i) => Some(*i as f32),
            Object::Real(r) => Some(*r),
            _ => None,
        })
        .collect()
}

impl<'a> Interpreter<'a> {
    pub fn new(
        doc: &'a PdfDocument,
        budget: &'a mut Budget,
        fonts: &'a mut FontCache,
        number: u32,
        media_box: [f32; 4],
    ) -> Self {
        let [x0, y0, x1, y1] = media_box;
        let page = Page { number, height: (y1 - y0).abs(), ..Page::default() };
        Interpreter {
            doc,
            budget,
            fonts,
            page,
            origin: (x0.min(x1), y0.max(y1)),
            state: GraphicsState::default(),
            saved: Vec::new(),
            text_matrix: IDENTITY,
            line_matrix: IDENTITY,
            subpaths: Vec::new(),
            operations: 0,
            codes: Vec::new(),
        }
    }

    pub fn finish(self) -> Page {
        self.page
    }

    /// Runs one content stream with the given resources. `depth` counts Form
    /// XObject nesting.
    pub fn run(&mut self, content: &[u8], resources: Option<&Dictionary>, depth: usize) -> ExtractResult<()> {
        if depth > self.budget.limits.max_depth {
            return Err(ExtractError::LimitExceeded(format!(
                "đối tượng PDF lồng nhau quá {} cấp",
                self.budget.limits.max_depth
            )));
        }
        // A syntax error ends the stream; what was read before it is kept, as viewers do.
        for operation in Content::decode_iter(content).map_while(Result::ok) {
            self.operations += 1;
            if self.operations > MAX_OPERATIONS {
                return Err(ExtractError::LimitExceeded("trang PDF có quá nhiều lệnh vẽ".into()));
            }
            if self.operations % 4096 == 0 {
                self.budget.check_time()?;
            }
            self.operate(&operation.operator, &operation.operands, resources, depth)?;
        }
        Ok(())
    }

    fn operate(
        &mut self,
        operator: &str,
        operands: &[Object],
        resources: Option<&Dictionary>,
        depth: usize,
    ) -> ExtractResult<()> {
        let n = numbers(operands);
        match (operator, n.as_slice()) {
            // Unbalanced saves past this depth are hostile; they are not kept.
            ("q", _) if self.saved.len() < 1024 => self.saved.push(self.state.clone()),
            ("Q", _) => {
                if let Some(state) = self.saved.pop() {
                    self.state = state;
                }
            }
            ("cm", [a, b, c, d, e, f]) => self.state.ctm = multiply(&[*a, *b, *c, *d, *e, *f], &self.state.ctm),
            ("BT", _) => {
                self.text_matrix = IDENTITY;
                self.line_matrix = IDENTITY;
            }
            ("Tf", [size]) => {
                self.state.size = *size;
                let name = operands.first().and_then(|o| o.as_name().ok()).unwrap_or_default();
                self.state.font = self.load_font(resources, name)?;
                self.state.font_name = Rc::from(self.state.font.as_ref().map_or("", |f| f.name.as_str()));
            }
            ("Tc", [v]) => self.state.char_spacing = *v,
            ("Tw", [v]) => self.state.word_spacing = *v,
            ("Tz", [v]) => self.state.horizontal_scale = *v / 100.0,
            ("TL", [v]) => self.state.leading = *v,
            ("Ts", [v]) => self.state.rise = *v,
            ("Td", [x, y]) => self.move_line(*x, *y),
            ("TD", [x, y]) => {
                self.state.leading = -*y;
                self.move_line(*x, *y);
            }
            ("Tm", [a, b, c, d, e, f]) => {
                self.text_matrix = [*a, *b, *c, *d, *e, *f];
                self.line_matrix = self.text_matrix;
            }
            ("T*", _) => self.move_line(0.0, -self.state.leading),
            ("Tj", _) => self.show_operand(operands.first()),
            ("'", _) => {
                self.move_line(0.0, -self.state.leading);
                self.show_operand(operands.first());
            }
            ("\"", [aw, ac, ..]) => {
                self.state.word_spacing = *aw;
                self.state.char_spacing = *ac;
                self.move_line(0.0, -self.state.leading);
                self.show_operand(operands.get(2));
            }
            ("TJ", _) => {
                if let Some(Object::Array(items)) = operands.first() {
                    for item in items {
                        match item {
                            Object::String(..) => self.show_operand(Some(item)),
                            Object::Integer(_) | Object::Real(_) => {
                                let adjust = numbers(std::slice::from_ref(item)).first().copied().unwrap_or(0.0);
                                let tx = -adjust / 1000.0 * self.state.size * self.state.horizontal_scale;
                                self.text_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &self.text_matrix);
                            }
                            _ => {}
                        }
                    }
                }
            }
            ("m", [x, y]) => {
                let point = apply(&self.state.ctm, *x, *y);
                self.subpaths.push(vec![point]);
            }
            ("l", [x, y]) => {
                let point = apply(&self.state.ctm, *x, *y);
                match self.subpaths.last_mut() {
                    Some(path) => path.push(point),
                    None => self.subpaths.push(vec![point]),
                }
            }
            ("h", _) => {
                if let Some(first) = self.subpaths.last().and_then(|p| p.first().copied()) {
                    if let Some(path) = self.subpaths.last_mut() {
                        path.push(first);
                    }
                }
            }
            ("re", [x, y, w, h]) => {
                let corners = [(*x, *y), (x + w, *y), (x + w, y + h), (*x, y + h), (*x, *y)];
                self.subpaths.push(corners.iter().map(|(px, py)| apply(&self.state.ctm, *px, *py)).collect());
            }
            ("S" | "s", _) => self.stroke_path(),
            ("B" | "B*" | "b" | "b*", _) => {
                self.fill_path();
                self.stroke_path();
            }
            ("f" | "F" | "f*", _) => self.fill_path(),
            ("n", _) => self.subpaths.clear(),
            ("Do", _) => {
                let name = operands.first().and_then(|o| o.as_name().ok()).unwrap_or_default();
                self.draw_xobject(resources, name, depth)?;
            }
            ("BI", _) => self.page.images += 1,
            ("Tr", [mode]) => self.state.render_mode = *mode as i32,
            _ => {}
        }
        Ok(())
    }

    fn move_line(&mut self, x: f32, y: f32) {
        self.line_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, x, y], &self.line_matrix);
        self.text_matrix = self.line_matrix;
    }

    fn load_font(&mut self, resources: Option<&Dictionary>, name: &[u8]) -> ExtractResult<Option<Rc<Font>>> {
        let fonts = resources.and_then(|r| resolve(self.doc, r.get(b"Font").ok())).and_then(|o| o.as_dict().ok());
        let Some(entry) = fonts.and_then(|f| f.get(name).ok()) else { return Ok(None) };
        if let Object::Reference(id) = entry {
            if let Some(font) = self.fonts.get(id) {
                return Ok(Some(Rc::clone(font)));
            }
        }
        let Some(dict) = resolve(self.doc, Some(entry)).and_then(|o| o.as_dict().ok()) else { return Ok(None) };
        let font = Rc::new(Font::load(self.doc, dict, self.budget)?);
        if let Object::Reference(id) = entry {
            self.fonts.insert(*id, Rc::clone(&font));
        }
        Ok(Some(font))
    }

    fn show_operand(&mut self, operand: Option<&Object>) {
        let Some(Object::String(bytes, _)) = operand else { return };
        let Some(font) = self.state.font.clone() else { return };
        let mut codes = std::mem::take(&mut self.codes);
        codes.clear();
        font.decode(bytes, &mut codes);
        let state = &self.state;
        for code in &codes {
            let render = multiply(
                &multiply(
                    &[state.size * state.horizontal_scale, 0.0, 0.0, state.size, 0.0, state.rise],
                    &self.text_matrix,
                ),
                &state.ctm,
            );
            let advance = (code.advance * state.size
                + state.char_spacing
                + if code.is_word_space { state.word_spacing } else { 0.0 })
                * state.horizontal_scale;
            let (x, y) = (render[4], render[5]);
            let size = render[2].hypot(render[3]);
            let width = code.advance * render[0].hypot(render[1]);
            let text = match &code.text {
                Some(text) => text.clone(),
                None => {
                    self.page.unmapped += 1;
                    '\u{FFFD}'.to_string()
                }
            };
            if state.render_mode == 3 {
                self.page.invisible += 1;
            } else if size > 0.0 && x.is_finite() && y.is_finite() {
                self.page.glyphs.push(Glyph {
                    x: x - self.origin.0,
                    y: self.origin.1 - y,
                    width,
                    size,
                    text,
                    font: Rc::clone(&state.font_name),
                });
            }
            self.text_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &self.text_matrix);
        }
        self.codes = codes;
    }

    fn push_segment(&mut self, (x0, y0): (f32, f32), (x1, y1): (f32, f32)) {
        let (x0, x1) = (x0 - self.origin.0, x1 - self.origin.0);
        let (y0, y1) = (self.origin.1 - y0, self.origin.1 - y1);
        let segment = if (y0 - y1).abs() <= AXIS_TOLERANCE && (x0 - x1).abs() > AXIS_TOLERANCE {
            Segment { horizontal: true, pos: (y0 + y1) / 2.0, from: x0.min(x1), to: x0.max(x1) }
        } else if (x0 - x1).abs() <= AXIS_TOLERANCE && (y0 - y1).abs() > AXIS_TOLERANCE {
            Segment { horizontal: false, pos: (x0 + x1) / 2.0, from: y0.min(y1), to: y0.max(y1) }
        } else {
            return;
        };
        if segment.pos.is_finite() && segment.from.is_finite() && segment.to.is_finite() {
            self.page.segments.push(segment);
        }
    }

    fn stroke_path(&mut self) {
        for path in std::mem::take(&mut self.subpaths) {
            for pair in path.windows(2) {
                self.push_segment(pair[0], pair[1]);
            }
        }
    }

    /// A filled shape counts as a ruling only when it is a thin bar (Word and
    /// Excel draw cell borders that way); large fills are shading.
    fn fill_path(&mut self) {
        for path in std::mem::take(&mut self.subpaths) {
            let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for (x, y) in &path {
                (x0, y0, x1, y1) = (x0.min(*x), y0.min(*y), x1.max(*x), y1.max(*y));
            }
            let (width, height) = (x1 - x0, y1 - y0);
            if height <= THIN_RECT && width > height {
                let y = (y0 + y1) / 2.0;
                self.push_segment((x0, y), (x1, y));
            } else if width <= THIN_RECT && height > width {
                let x = (x0 + x1) / 2.0;
                self.push_segment((x, y0), (x, y1));
            }
        }
    }

    fn draw_xobject(&mut self, resources: Option<&Dictionary>, name: &[u8], depth: usize) -> ExtractResult<()> {
        let xobjects = resources.and_then(|r| resolve(self.doc, r.get(b"XObject").ok())).and_then(|o| o.as_dict().ok());
        let entry = xobjects.and_then(|x| x.get(name).ok());
        let Some(stream) = resolve(self.doc, entry).and_then(|o| o.as_stream().ok()) else {
            return Ok(());
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => {
                self.page.images += 1;
                if let Some(Object::Reference(id)) = entry {
                    self.page.image_objects.push(*id);
                }
            }
            Ok(b"Form") => {
                let content = stream_bytes(stream, self.budget)?;
                let own = resolve(self.doc, stream.dict.get(b"Resources").ok()).and_then(|o| o.as_dict().ok());
                let matrix = match stream.dict.get(b"Matrix") {
                    Ok(Object::Array(m)) => match numbers(m).as_slice() {
                        [a, b, c, d, e, f] => [*a, *b, *c, *d, *e, *f],
                        _ => IDENTITY,
                    },
                    _ => IDENTITY,
                };
                let saved =
                    (self.state.clone(), std::mem::take(&mut self.subpaths), self.text_matrix, self.line_matrix);
                self.state.ctm = multiply(&matrix, &self.state.ctm);
                let result = self.run(&content, own.or(resources), depth + 1);
                (self.state, self.subpaths, self.text_matrix, self.line_matrix) = saved;
                result?;
            }
            _ => {}
        }
        Ok(())
    }
}
