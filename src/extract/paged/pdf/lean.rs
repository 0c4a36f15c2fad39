//! Objects parcheck never reads are left out while a PDF loads: lopdf parses
//! every object of the file into memory, and a tagged PDF or one with many
//! links holds tens of thousands of structure elements, link annotations and
//! actions (a page with 32,768 links took 270 MB). Dropped at load, each costs
//! its parse, not its place in memory; inside an object stream, which lopdf
//! parses whole, they are replaced by `null` before that parse. An object
//! stream whose `/Type` is wrong is read as one, as viewers read it.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use lopdf::{Dictionary, Object, ObjectId, Stream};

thread_local! {
    /// Decoded bytes an object stream may take, set from the document's budget for its load.
    static DECODE_LIMIT: Cell<usize> = const { Cell::new(0) };
    /// Object numbers of the object stream lopdf is expanding, whose members it passes next.
    static MEMBERS: RefCell<HashSet<u32>> = RefCell::new(HashSet::new());
}

/// Runs `load` with object streams decoded up to `limit` bytes.
pub fn with_decode_limit<T>(limit: usize, load: impl FnOnce() -> T) -> T {
    let before = DECODE_LIMIT.replace(limit);
    let loaded = load();
    DECODE_LIMIT.set(before);
    MEMBERS.take();
    loaded
}

/// lopdf's load filter: keeps what parcheck may read, and thins object streams.
/// lopdf keeps a top-level object as the filter left it and ignores what the
/// filter returns; a member of an object stream, which lopdf passes right
/// after its stream and which is never a stream itself, is kept as returned,
/// so it is moved out rather than copied (an array can be tens of megabytes).
pub fn keep(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if unread(object) {
        return None;
    }
    let Object::Stream(stream) = object else {
        let member = id.1 == 0 && MEMBERS.with_borrow_mut(|members| members.remove(&id.0));
        return Some((id, if member { std::mem::replace(object, Object::Null) } else { object.clone() }));
    };
    // A stream with an object stream's keys under another type is one still:
    // poppler reads its members where the cross-reference stream says.
    let keys = |key: &[u8]| stream.dict.get(key).and_then(Object::as_i64).is_ok();
    if keys(b"N") && keys(b"First") && !stream.dict.has(b"Subtype") && !stream.dict.has_type(b"XRef") {
        stream.dict.set("Type", Object::Name(b"ObjStm".to_vec()));
    }
    if stream.dict.has_type(b"ObjStm") {
        MEMBERS.take();
        if let Ok(content) = stream.get_plain_content_with_limit(DECODE_LIMIT.get()) {
            if let Some(index) = Index::of(stream, &content) {
                MEMBERS.set(index.entries.iter().map(|&(number, _)| number).collect());
                if let Some(thinned) = index.thinned(&content) {
                    stream.dict.set("N", thinned.count as i64);
                    stream.dict.set("First", thinned.first as i64);
                    stream.set_plain_content(thinned.content);
                }
            }
        }
    }
    Some((id, Object::Null))
}

/// Structure elements, actions, and link annotations without an appearance.
pub fn unread(object: &Object) -> bool {
    let Ok(dict) = object.as_dict() else { return false };
    let name = |key: &[u8]| dict.get(key).and_then(Object::as_name).ok();
    matches!(name(b"Type"), Some(b"StructElem" | b"Action")) || link_without_appearance(dict)
}

fn link_without_appearance(dict: &Dictionary) -> bool {
    dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|s| s == b"Link") && !dict.has(b"AP")
}

struct Thinned {
    content: Vec<u8>,
    count: usize,
    first: usize,
}

/// An object stream's index: each member's number and where it starts in the decoded content.
struct Index {
    entries: Vec<(u32, usize)>,
}

impl Index {
    fn of(stream: &Stream, content: &[u8]) -> Option<Index> {
        let first = usize::try_from(stream.dict.get(b"First").ok()?.as_i64().ok()?).ok()?;
        let index = std::str::from_utf8(content.get(..first)?).ok()?;
        let numbers: Vec<u32> = index.split_ascii_whitespace().map(str::parse).collect::<Result<_, _>>().ok()?;
        let entries = numbers.chunks_exact(2).map(|p| (p[0], first + p[1] as usize)).collect();
        Some(Index { entries })
    }

    /// The content with the objects [`unread`] names written as `null`;
    /// `None` when nothing is dropped or an offset lies outside the content
    /// (lopdf then reads it as it is, and reports what it finds).
    fn thinned(&self, content: &[u8]) -> Option<Thinned> {
        // An object runs to the next object's start (objects need not be in order).
        let mut starts: Vec<usize> = self.entries.iter().map(|&(_, at)| at).collect();
        starts.sort_unstable();
        starts.dedup();
        let end_of = |at: usize| starts.get(starts.partition_point(|&s| s <= at)).copied().unwrap_or(content.len());
        let mut body = Vec::new();
        let mut header = String::new();
        let mut dropped = 0;
        for &(number, at) in &self.entries {
            let bytes = content.get(at..end_of(at))?;
            header.push_str(&format!("{number} {} ", body.len()));
            if unread_text(bytes) {
                body.extend_from_slice(b"null\n");
                dropped += 1;
            } else {
                body.extend_from_slice(bytes);
                body.push(b'\n');
            }
        }
        if dropped == 0 {
            return None;
        }
        let first = header.len();
        Some(Thinned { content: [header.into_bytes(), body].concat(), count: self.entries.len(), first })
    }
}

/// [`unread`] for one object as an object stream spells it, parsed only
/// when its text names a kind that may be dropped.
fn unread_text(bytes: &[u8]) -> bool {
    let names = [&b"StructElem"[..], b"Action", b"Link"];
    names.iter().any(|name| memchr::memmem::find(bytes, name).is_some())
        && super::salvage::parse_object(bytes).is_some_and(|object| unread(&object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::ObjectStream;

    fn object_stream(objects: &[(u32, &str)]) -> Stream {
        let mut header = String::new();
        let mut body = String::new();
        for (number, text) in objects {
            header.push_str(&format!("{number} {} ", body.len()));
            body.push_str(text);
            body.push('\n');
        }
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"ObjStm".to_vec()));
        dict.set("N", objects.len() as i64);
        dict.set("First", header.len() as i64);
        Stream::new(dict, format!("{header}{body}").into_bytes())
    }

    #[test]
    fn links_structure_and_actions_become_null_in_an_object_stream() {
        let stream = object_stream(&[
            (1, "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"),
            (3, "<< /Type /Annot /Subtype /Link /Rect [0 0 1 1] /A << /S /URI /URI (https://x/) >> >>"),
            (4, "<< /Type /StructElem /S /Link /P 9 0 R >>"),
            (5, "<< /Type /Annot /Subtype /Link /AP << /N 7 0 R >> >>"),
            (6, "<< /Type /Annot /Subtype /Widget /FT /Tx /V (Link) /A << /Type /Action /S /JavaScript >> >>"),
        ]);
        let mut container = Object::Stream(stream);
        with_decode_limit(1 << 20, || keep((10, 0), &mut container)).expect("kept");
        let objects = ObjectStream::new(container.as_stream().expect("a stream")).expect("parses").objects;
        assert_eq!(objects.len(), 5);
        assert_eq!(objects[&(3, 0)], Object::Null);
        assert_eq!(objects[&(4, 0)], Object::Null);
        for kept in [1, 5, 6] {
            assert!(objects[&(kept, 0)].as_dict().is_ok(), "object {kept} kept");
        }
    }

    /// lopdf's side of the filter's contract: top-level objects kept as left,
    /// object-stream members as returned.
    #[test]
    fn a_document_saved_with_object_streams_loads_without_its_links() {
        let mut doc = lopdf::Document::with_version("1.5");
        let pages = doc.new_object_id();
        let link = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Annot".to_vec())),
            ("Subtype", Object::Name(b"Link".to_vec())),
        ]));
        let numbers = doc.add_object(Object::Array((0..1000).map(Object::Integer).collect()));
        let content = doc.add_object(Stream::new(Dictionary::new(), b"BT (x) Tj ET".to_vec()));
        let page = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Page".to_vec())),
            ("Parent", Object::Reference(pages)),
            ("Contents", Object::Reference(content)),
            ("Annots", Object::Array(vec![Object::Reference(link)])),
            ("Numbers", Object::Reference(numbers)),
        ]));
        doc.objects.insert(
            pages,
            Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"Pages".to_vec())),
                ("Kids", Object::Array(vec![Object::Reference(page)])),
                ("Count", Object::Integer(1)),
            ])),
        );
        let catalog = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Catalog".to_vec())),
            ("Pages", Object::Reference(pages)),
        ]));
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        let options = lopdf::SaveOptions::builder().use_object_streams(true).build();
        doc.save_with_options(&mut bytes, options).expect("saved");
        let options = lopdf::LoadOptions { filter: Some(keep), ..Default::default() };
        let loaded = with_decode_limit(1 << 20, || lopdf::Document::load_mem_with_options(&bytes, options));
        let loaded = loaded.expect("loads");
        assert_eq!(loaded.get_pages().len(), 1);
        assert!(loaded.get_object(link).map_or(true, |o| *o == Object::Null));
        assert_eq!(loaded.get_object(numbers).and_then(Object::as_array).map(Vec::len).ok(), Some(1000));
        let stream = loaded.get_object(content).and_then(Object::as_stream).expect("content kept");
        assert_eq!(stream.get_plain_content().ok().as_deref(), Some(&b"BT (x) Tj ET"[..]));
    }

    #[test]
    fn an_unread_object_outside_object_streams_is_not_kept() {
        let mut link = Object::Dictionary(Dictionary::from_iter([("Subtype", Object::Name(b"Link".to_vec()))]));
        assert!(keep((3, 0), &mut link).is_none());
        let mut page = Object::Dictionary(Dictionary::from_iter([("Type", Object::Name(b"Page".to_vec()))]));
        assert!(keep((2, 0), &mut page).is_some());
    }
}
