//! Annotation appearances: the text of filled form fields and free-text
//! notes lives in each annotation's normal appearance stream (`/AP /N`), not
//! in the page's content. Viewers and pdftotext draw them; so does parcheck,
//! except annotations marked hidden or not for viewing. A text field or a
//! free-text note saved without an appearance has its value written in its
//! rectangle, as viewers generate one.

use lopdf::{Dictionary, Document as PdfDocument, Object, ObjectId, Stream};

use super::content::{apply, form_matrix, Matrix};
use super::resolve;

/// Annotation flags (`/F`): Hidden and NoView.
const HIDDEN: i64 = 1 << 1;
const NO_VIEW: i64 = 1 << 5;
/// Annotations looked at per page.
const MAX_ANNOTATIONS: usize = 4096;

/// One appearance to draw: its stream, its object id, and the matrix that
/// places its box on the annotation's rectangle.
pub struct Appearance<'a> {
    pub stream: &'a Stream,
    pub id: Option<ObjectId>,
    pub placement: Matrix,
}

/// The visible appearances of a page's annotations, in the page's order.
pub fn appearances<'a>(doc: &'a PdfDocument, page: &'a Dictionary) -> Vec<Appearance<'a>> {
    let Some(Object::Array(annotations)) = resolve(doc, page.get(b"Annots").ok()) else { return Vec::new() };
    annotations
        .iter()
        .take(MAX_ANNOTATIONS)
        .filter_map(|a| resolve(doc, Some(a))?.as_dict().ok())
        .filter_map(|annotation| appearance(doc, annotation))
        .collect()
}

/// The values of visible text fields and free-text notes that have no
/// appearance stream, with their rectangles.
pub fn unappeared_texts(doc: &PdfDocument, page: &Dictionary) -> Vec<(String, [f32; 4])> {
    let Some(Object::Array(annotations)) = resolve(doc, page.get(b"Annots").ok()) else { return Vec::new() };
    annotations
        .iter()
        .take(MAX_ANNOTATIONS)
        .filter_map(|a| resolve(doc, Some(a))?.as_dict().ok())
        .filter(|a| visible(doc, a) && appearance(doc, a).is_none())
        .filter_map(|a| {
            let subtype = a.get(b"Subtype").and_then(Object::as_name).ok()?;
            let text = match subtype {
                b"FreeText" => text_of(resolve(doc, a.get(b"Contents").ok())?)?,
                b"Widget" if inherited(doc, a, b"FT").and_then(|t| t.as_name().ok()) == Some(b"Tx") => {
                    text_of(inherited(doc, a, b"V")?)?
                }
                _ => return None,
            };
            Some((text, numbers(doc, a.get(b"Rect").ok())?))
        })
        .filter(|(text, _)| !text.trim().is_empty())
        .collect()
}

/// A field attribute, on the widget or the field it belongs to.
fn inherited<'a>(doc: &'a PdfDocument, annotation: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = annotation;
    for _ in 0..8 {
        if let Some(found) = resolve(doc, node.get(key).ok()) {
            return Some(found);
        }
        node = resolve(doc, node.get(b"Parent").ok())?.as_dict().ok()?;
    }
    None
}

/// A text string (UTF-16 with its byte-order mark, else PDFDocEncoding read as Latin-1).
fn text_of(object: &Object) -> Option<String> {
    let Object::String(bytes, _) = object else { return None };
    Some(match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => String::from_utf16_lossy(
            &utf16.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect::<Vec<_>>(),
        ),
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    })
}

fn visible(doc: &PdfDocument, annotation: &Dictionary) -> bool {
    let flags = resolve(doc, annotation.get(b"F").ok()).and_then(|f| f.as_i64().ok()).unwrap_or(0);
    flags & (HIDDEN | NO_VIEW) == 0
}

fn appearance<'a>(doc: &'a PdfDocument, annotation: &'a Dictionary) -> Option<Appearance<'a>> {
    if !visible(doc, annotation) {
        return None;
    }
    let normal_entry = resolve(doc, annotation.get(b"AP").ok())?.as_dict().ok()?.get(b"N").ok();
    // A field with states (check boxes) keeps one appearance per state, chosen by `/AS`.
    let (entry, stream) = match resolve(doc, normal_entry)? {
        Object::Stream(stream) => (normal_entry, stream),
        Object::Dictionary(states) => {
            let state = resolve(doc, annotation.get(b"AS").ok())?.as_name().ok()?;
            let entry = states.get(state).ok();
            (entry, resolve(doc, entry)?.as_stream().ok()?)
        }
        _ => return None,
    };
    let id = match entry {
        Some(Object::Reference(id)) => Some(*id),
        _ => None,
    };
    let rect = numbers(doc, annotation.get(b"Rect").ok())?;
    let bbox = numbers(doc, stream.dict.get(b"BBox").ok())?;
    Some(Appearance { stream, id, placement: placement(rect, bbox, &form_matrix(stream))? })
}

/// Four numbers of a rectangle array.
fn numbers(doc: &PdfDocument, object: Option<&Object>) -> Option<[f32; 4]> {
    let Object::Array(items) = resolve(doc, object)? else { return None };
    let values: Vec<f32> = items.iter().filter_map(|o| resolve(doc, Some(o))?.as_float().ok()).collect();
    values.try_into().ok()
}

/// The matrix that maps the form's box, transformed by its own matrix, onto
/// the annotation's rectangle (PDF 32000-1 §12.5.5).
fn placement(rect: [f32; 4], bbox: [f32; 4], matrix: &Matrix) -> Option<Matrix> {
    let corners = [(bbox[0], bbox[1]), (bbox[2], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[3])];
    let points: Vec<(f32, f32)> = corners.iter().map(|&(x, y)| apply(matrix, x, y)).collect();
    let (min_x, max_x) = points.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
    let (min_y, max_y) = points.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let (x0, x1) = (rect[0].min(rect[2]), rect[0].max(rect[2]));
    let (y0, y1) = (rect[1].min(rect[3]), rect[1].max(rect[3]));
    let (width, height) = (max_x - min_x, max_y - min_y);
    if !(width > 0.0 && height > 0.0 && width.is_finite() && height.is_finite()) {
        return None;
    }
    let (sx, sy) = ((x1 - x0) / width, (y1 - y0) / height);
    Some([sx, 0.0, 0.0, sy, x0 - min_x * sx, y0 - min_y * sy])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_appearance_box_is_placed_on_its_rectangle() {
        let m = placement([100.0, 200.0, 300.0, 250.0], [0.0, 0.0, 200.0, 50.0], &[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(m, Some([1.0, 0.0, 0.0, 1.0, 100.0, 200.0]));
        let scaled = placement([0.0, 0.0, 100.0, 100.0], [10.0, 10.0, 60.0, 60.0], &[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(scaled, Some([2.0, 0.0, 0.0, 2.0, -20.0, -20.0]));
        assert_eq!(placement([0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0], &[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]), None);
    }
}
