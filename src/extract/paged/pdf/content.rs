//! Content-stream interpreter: runs a page's operators with graphics and text
//! state and records what the table builder needs — positioned glyphs and
//! axis-aligned ruling segments — in top-down page coordinates.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::{Dictionary, Document as PdfDocument, Object, ObjectId};

use super::bands::DrawnImage;
use super::font::{Code, Font};
use super::{resolve, stream_bytes};
use crate::extract::paged::page::{Glyph, PageLayout, Segment};
use crate::extract::{Budget, ExtractError, ExtractResult};

pub type Matrix = [f32; 6];
pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

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

pub fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

/// User space → the upright reading frame (top-down, origin at the top-left
/// as a reader sees the page), from the page box and its `/Rotate` (clockwise
/// quarter turns); also returns the frame's width and height.
pub fn reading_frame(media_box: [f32; 4], rotate: i64) -> (Matrix, f32, f32) {
    let [a, b, c, d] = media_box;
    let (x0, y0, x1, y1) = (a.min(c), b.min(d), a.max(c), b.max(d));
    let (width, height) = (x1 - x0, y1 - y0);
    match rotate.rem_euclid(360) {
        90 => ([0.0, 1.0, 1.0, 0.0, -y0, -x0], height, width),
        180 => ([-1.0, 0.0, 0.0, 1.0, x1, -y0], width, height),
        270 => ([0.0, -1.0, -1.0, 0.0, y1, x1], height, width),
        _ => ([1.0, 0.0, 0.0, -1.0, -x0, y1], width, height),
    }
}

/// Perceived lightness (0 black … 1 white) of a fill colour given as gray,
/// RGB or CMYK components; `None` for other colour spaces (patterns, indexed).
fn lightness(components: &[f32]) -> Option<f32> {
    match components {
        [gray] => Some(*gray),
        [r, g, b] => Some(0.299 * r + 0.587 * g + 0.114 * b),
        [c, m, y, k] => {
            Some(0.299 * (1.0 - c) * (1.0 - k) + 0.587 * (1.0 - m) * (1.0 - k) + 0.114 * (1.0 - y) * (1.0 - k))
        }
        _ => None,
    }
}

/// Text filled lighter than this, or more transparent, does not hide the text under it:
/// a watermark or stamp, not content. White and near-white text is left alone: it is
/// header text on a dark cell fill.
const FAINT_LIGHTNESS: f32 = 0.75;
const WHITE_TEXT: f32 = 0.97;
const FAINT_ALPHA: f32 = 0.6;

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
    /// Lightness of the fill colour (text is filled), 0 = black.
    fill_lightness: f32,
    /// Constant fill alpha from the ExtGState (`/ca`).
    fill_alpha: f32,
    /// Text rendering mode (`Tr`); 3 paints nothing (an OCR program's text layer).
    render_mode: i64,
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
            fill_lightness: 0.0,
            fill_alpha: 1.0,
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
    page: PageLayout,
    /// User space → reading frame.
    frame: Matrix,
    state: GraphicsState,
    saved: Vec<GraphicsState>,
    text_matrix: Matrix,
    line_matrix: Matrix,
    subpaths: Vec<Vec<(f32, f32)>>,
    operations: usize,
    codes: Vec<Code>,
    /// Form XObjects being drawn (a form that draws itself is a cycle).
    forms: Vec<ObjectId>,
    /// Form streams that could not be read or that loop; each costs only itself.
    broken: usize,
    /// Image XObjects drawn on the page (a scanned page is read from them by OCR).
    image_objects: Vec<DrawnImage>,
}

/// The numeric operands of an operation, without allocating: no operator
/// takes more than 8, and more than 8 match no operator's pattern either.
struct Numbers {
    values: [f32; 8],
    len: usize,
}

impl Numbers {
    fn as_slice(&self) -> &[f32] {
        &self.values[..self.len]
    }
}

fn numbers(operands: &[Object]) -> Numbers {
    let mut n = Numbers { values: [0.0; 8], len: 0 };
    let values = operands.iter().filter_map(|o| match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    });
    for (slot, value) in n.values.iter_mut().zip(values) {
        *slot = value;
        n.len += 1;
    }
    n
}

impl<'a> Interpreter<'a> {
    pub fn new(
        doc: &'a PdfDocument,
        budget: &'a mut Budget,
        fonts: &'a mut FontCache,
        number: u32,
        media_box: [f32; 4],
        rotate: i64,
    ) -> Self {
        let (frame, width, height) = reading_frame(media_box, rotate);
        let page = PageLayout::new(number, width, height);
        Interpreter {
            doc,
            budget,
            fonts,
            page,
            frame,
            state: GraphicsState::default(),
            saved: Vec::new(),
            text_matrix: IDENTITY,
            line_matrix: IDENTITY,
            subpaths: Vec::new(),
            operations: 0,
            codes: Vec::new(),
            forms: Vec::new(),
            broken: 0,
            image_objects: Vec::new(),
        }
    }

    /// The page, the number of its form streams that were damaged or cyclic,
    /// and the image XObjects it draws.
    pub fn finish(self) -> (PageLayout, usize, Vec<DrawnImage>) {
        (self.page, self.broken, self.image_objects)
    }

    /// Runs one content stream with the given resources. `depth` counts Form
    /// XObject nesting.
    pub fn run(&mut self, content: &[u8], resources: Option<&Dictionary>, depth: usize) -> ExtractResult<()> {
        if depth > self.budget.limits.max_depth {
            return Err(ExtractError::limit(format!(
                "đối tượng PDF lồng nhau quá {} cấp",
                self.budget.limits.max_depth
            )));
        }
        // A syntax error ends the stream; what was read before it is kept, as viewers do.
        for operation in super::ops::operations(content) {
            self.operations += 1;
            if self.operations > MAX_OPERATIONS {
                return Err(ExtractError::limit("trang PDF có quá nhiều lệnh vẽ".into()));
            }
            if self.operations.is_multiple_of(4096) {
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
                                let adjust =
                                    numbers(std::slice::from_ref(item)).as_slice().first().copied().unwrap_or(0.0);
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
            ("g" | "rg" | "k", _) => self.state.fill_lightness = lightness(n.as_slice()).unwrap_or(0.0),
            ("sc" | "scn", _) => self.state.fill_lightness = lightness(n.as_slice()).unwrap_or(0.0),
            ("cs", _) => self.state.fill_lightness = 0.0,
            ("Tr", [mode]) => self.state.render_mode = *mode as i64,
            ("gs", _) => {
                let name = operands.first().and_then(|o| o.as_name().ok()).unwrap_or_default();
                self.set_graphics_state(resources, name);
            }
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
        for code in codes.drain(..) {
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
            let (x, y) = apply(&self.frame, render[4], render[5]);
            let size = render[2].hypot(render[3]);
            let width = code.advance * render[0].hypot(render[1]);
            // The baseline direction in the reading frame (its y axis points down).
            let (du, dv) = (
                render[0] * self.frame[0] + render[1] * self.frame[2],
                render[0] * self.frame[1] + render[1] * self.frame[3],
            );
            let angle = (-dv).atan2(du).to_degrees();
            let text = match code.text {
                Some(text) => text,
                None => {
                    self.page.unmapped += 1;
                    '\u{FFFD}'.to_string()
                }
            };
            if size > 0.0 && x.is_finite() && y.is_finite() {
                let mut glyph = Glyph::new(x, y, width, size, text, Rc::clone(&state.font_name));
                glyph.angle = if angle.is_finite() { angle } else { 0.0 };
                glyph.faint =
                    (FAINT_LIGHTNESS..WHITE_TEXT).contains(&state.fill_lightness) || state.fill_alpha < FAINT_ALPHA;
                if state.render_mode == 3 {
                    self.page.invisible.push(glyph);
                } else {
                    self.page.glyphs.push(glyph);
                }
            }
            self.text_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &self.text_matrix);
        }
        self.codes = codes;
    }

    fn push_segment(&mut self, (x0, y0): (f32, f32), (x1, y1): (f32, f32)) {
        let (x0, y0) = apply(&self.frame, x0, y0);
        let (x1, y1) = apply(&self.frame, x1, y1);
        let segment = if (y0 - y1).abs() <= AXIS_TOLERANCE && (x0 - x1).abs() > AXIS_TOLERANCE {
            Segment { horizontal: true, pos: (y0 + y1) / 2.0, from: x0.min(x1), to: x0.max(x1) }
        } else if (x0 - x1).abs() <= AXIS_TOLERANCE && (y0 - y1).abs() > AXIS_TOLERANCE {
            Segment { horizontal: false, pos: (x0 + x1) / 2.0, from: y0.min(y1), to: y0.max(y1) }
        } else {
            return;
        };
        if segment.pos.is_finite() && segment.from.is_finite() && segment.to.is_finite() {
            self.page.rulings.push(segment);
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

    /// Applies the fill alpha of a named ExtGState.
    fn set_graphics_state(&mut self, resources: Option<&Dictionary>, name: &[u8]) {
        let states = resources.and_then(|r| resolve(self.doc, r.get(b"ExtGState").ok())).and_then(|o| o.as_dict().ok());
        let Some(state) = states.and_then(|s| resolve(self.doc, s.get(name).ok())).and_then(|o| o.as_dict().ok())
        else {
            return;
        };
        if let Some(alpha) = resolve(self.doc, state.get(b"ca").ok()).and_then(|o| o.as_float().ok()) {
            self.state.fill_alpha = alpha;
        }
    }

    fn draw_xobject(&mut self, resources: Option<&Dictionary>, name: &[u8], depth: usize) -> ExtractResult<()> {
        let xobjects = resources.and_then(|r| resolve(self.doc, r.get(b"XObject").ok())).and_then(|o| o.as_dict().ok());
        let entry = xobjects.and_then(|x| x.get(name).ok());
        let Some(stream) = resolve(self.doc, entry).and_then(|o| o.as_stream().ok()) else {
            return Ok(());
        };
        let id = match entry {
            Some(Object::Reference(id)) => Some(*id),
            _ => None,
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => {
                self.page.images += 1;
                let placement = multiply(&self.state.ctm, &self.frame);
                self.image_objects.extend(id.map(|id| DrawnImage::new(id, &placement)));
            }
            Ok(b"Form") => self.draw_form(stream, id, resources, depth)?,
            _ => {}
        }
        Ok(())
    }

    /// Runs a Form XObject's content in its own resources (else the caller's).
    fn draw_form(
        &mut self,
        stream: &lopdf::Stream,
        id: Option<ObjectId>,
        resources: Option<&Dictionary>,
        depth: usize,
    ) -> ExtractResult<()> {
        if id.is_some_and(|id| self.forms.contains(&id)) || depth >= self.budget.limits.max_depth {
            self.broken += 1;
            return Ok(());
        }
        let content = match stream_bytes(stream, self.budget) {
            Ok(content) => content,
            Err(ExtractError { kind: crate::extract::ErrorKind::Corrupt, .. }) => {
                self.broken += 1;
                return Ok(());
            }
            Err(other) => return Err(other),
        };
        self.forms.extend(id);
        let own = resolve(self.doc, stream.dict.get(b"Resources").ok()).and_then(|o| o.as_dict().ok());
        let matrix = form_matrix(stream);
        let saved = (self.state.clone(), std::mem::take(&mut self.subpaths), self.text_matrix, self.line_matrix);
        self.state.ctm = multiply(&matrix, &self.state.ctm);
        let result = self.run(&content, own.or(resources), depth + 1);
        (self.state, self.subpaths, self.text_matrix, self.line_matrix) = saved;
        if id.is_some() {
            self.forms.pop();
        }
        result
    }

    /// Writes a form field's value in its rectangle, one glyph per character
    /// in a nominal font, as a viewer generates the missing appearance.
    pub fn place_text(&mut self, text: &str, rect: [f32; 4]) {
        let (x0, y0) = (rect[0].min(rect[2]), rect[1].min(rect[3]));
        let height = (rect[1] - rect[3]).abs();
        let size = (height * 0.7).clamp(4.0, 12.0);
        let font: Rc<str> = Rc::from("Helvetica");
        let mut x = x0 + 2.0;
        let baseline = y0 + (height - size) / 2.0 + size * 0.2;
        for c in text.chars() {
            if c == '\r' || c == '\n' {
                continue;
            }
            let (fx, fy) = apply(&self.frame, x, baseline);
            let width = size * 0.5;
            self.page.glyphs.push(Glyph::new(fx, fy, width, size, c.to_string(), Rc::clone(&font)));
            x += width;
        }
    }

    /// Draws an annotation's appearance (a filled form field, a free-text
    /// note) where the page puts it: `placement` maps the form's box onto
    /// the annotation's rectangle, from a clean graphics state.
    pub fn draw_appearance(
        &mut self,
        stream: &lopdf::Stream,
        id: Option<ObjectId>,
        placement: Matrix,
    ) -> ExtractResult<()> {
        let saved = std::mem::replace(&mut self.state, GraphicsState { ctm: placement, ..GraphicsState::default() });
        let result = self.draw_form(stream, id, None, 0);
        self.state = saved;
        result
    }
}

/// A form's `/Matrix` (identity when absent or malformed).
pub fn form_matrix(stream: &lopdf::Stream) -> Matrix {
    match stream.dict.get(b"Matrix") {
        Ok(Object::Array(m)) => match numbers(m).as_slice() {
            [a, b, c, d, e, f] => [*a, *b, *c, *d, *e, *f],
            _ => IDENTITY,
        },
        _ => IDENTITY,
    }
}
