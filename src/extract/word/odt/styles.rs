//! The styles of an OpenDocument text: font faces (`office:font-face-decls`),
//! paragraph and text styles with their parents (font, hidden text), the
//! default paragraph style, and list styles with the number format of each
//! level, read from `styles.xml` and the automatic styles of `content.xml`.
//! Apart from the body reader because they are read in a pass of their own,
//! before the body, and the body only asks them questions.

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::attr_count;
use crate::extract::containers::xml::attr;
use crate::extract::word::docx::numbering::roman;

#[derive(Debug, Default, Clone)]
struct Style {
    parent: Option<String>,
    font: Option<String>,
    hidden: Option<bool>,
}

#[derive(Debug, Default, Clone)]
pub(super) struct ListLevel {
    /// `1`, `a`, `A`, `i`, `I`, or empty for no number (bullets are empty too).
    pub(super) format: String,
    pub(super) prefix: String,
    pub(super) suffix: String,
    pub(super) display_levels: usize,
    pub(super) start: u32,
}

#[derive(Debug, Default)]
pub(super) struct Styles {
    /// Font face name → font family.
    faces: HashMap<String, String>,
    /// (family, name) → style; family is `paragraph` or `text`.
    styles: HashMap<(String, String), Style>,
    default_paragraph: Style,
    /// List style name → its levels (index 0 = level 1).
    pub(super) lists: HashMap<String, Vec<ListLevel>>,
}

impl Styles {
    pub(super) fn parse(&mut self, xml: &[u8]) {
        let mut reader = Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut current: Option<(String, String, Style)> = None;
        let mut in_default_paragraph = false;
        let mut list: Option<String> = None;
        loop {
            let event = match reader.read_event_into(&mut buf) {
                Ok(Event::Eof) | Err(_) => break,
                Ok(event) => event,
            };
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    // The body holds no style definitions; stop before reading it.
                    "body" => break,
                    "font-face" => {
                        if let Some(name) = attr(&e, "name") {
                            let family = attr(&e, "font-family").map(|f| f.trim_matches(['\'', '"']).to_owned());
                            let family = family.filter(|f| !f.is_empty()).unwrap_or_else(|| name.clone());
                            self.faces.insert(name, family);
                        }
                    }
                    "style" => {
                        let family = attr(&e, "family").unwrap_or_default();
                        let style = Style { parent: attr(&e, "parent-style-name"), ..Style::default() };
                        current = attr(&e, "name").map(|n| (family, n, style));
                        if empty {
                            self.finish_style(&mut current);
                        }
                    }
                    "default-style" => in_default_paragraph = attr(&e, "family").as_deref() == Some("paragraph"),
                    "text-properties" => {
                        let font = attr(&e, "font-name").or_else(|| attr(&e, "font-family"));
                        let hidden = attr(&e, "display").map(|d| d == "none");
                        if let Some((_, _, style)) = current.as_mut() {
                            style.font = font.or(style.font.take());
                            style.hidden = hidden.or(style.hidden);
                        } else if in_default_paragraph {
                            self.default_paragraph.font = font;
                        }
                    }
                    "list-style" => list = attr(&e, "name"),
                    "list-level-style-number" | "list-level-style-bullet" | "list-level-style-image" => {
                        let Some(name) = list.as_ref() else { continue };
                        let level = attr_count(&e, "level", 10);
                        let numbered = e.local_name().as_ref() == "list-level-style-number";
                        let entry = ListLevel {
                            format: if numbered { attr(&e, "num-format").unwrap_or_default() } else { String::new() },
                            prefix: if numbered { attr(&e, "num-prefix").unwrap_or_default() } else { String::new() },
                            suffix: if numbered { attr(&e, "num-suffix").unwrap_or_default() } else { String::new() },
                            display_levels: attr_count(&e, "display-levels", 10),
                            start: attr(&e, "start-value").and_then(|v| v.parse().ok()).unwrap_or(1),
                        };
                        let levels = self.lists.entry(name.clone()).or_default();
                        if levels.len() < level {
                            levels.resize_with(level, ListLevel::default);
                        }
                        levels[level - 1] = entry;
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    "style" => self.finish_style(&mut current),
                    "default-style" => in_default_paragraph = false,
                    "list-style" => list = None,
                    _ => {}
                },
                _ => {}
            }
            buf.clear();
        }
    }

    fn finish_style(&mut self, current: &mut Option<(String, String, Style)>) {
        if let Some((family, name, style)) = current.take() {
            self.styles.insert((family, name), style);
        }
    }

    /// Walks a style and its parents (bounded; cycles stop) for the first value `pick` gives.
    fn inherited<T>(&self, family: &str, name: Option<&str>, pick: impl Fn(&Style) -> Option<T>) -> Option<T> {
        let mut name = name?;
        for _ in 0..16 {
            let style = self.styles.get(&(family.to_owned(), name.to_owned()))?;
            if let Some(v) = pick(style) {
                return Some(v);
            }
            name = style.parent.as_deref()?;
        }
        None
    }

    fn face(&self, font: String) -> String {
        self.faces.get(&font).cloned().unwrap_or(font)
    }

    pub(super) fn paragraph_font(&self, style: Option<&str>) -> Option<String> {
        let font =
            self.inherited("paragraph", style, |s| s.font.clone()).or_else(|| self.default_paragraph.font.clone());
        font.map(|f| self.face(f))
    }

    pub(super) fn text_font(&self, style: Option<&str>) -> Option<String> {
        self.inherited("text", style, |s| s.font.clone()).map(|f| self.face(f))
    }

    pub(super) fn paragraph_hidden(&self, style: Option<&str>) -> bool {
        self.inherited("paragraph", style, |s| s.hidden).unwrap_or(false)
    }

    pub(super) fn text_hidden(&self, style: Option<&str>) -> Option<bool> {
        self.inherited("text", style, |s| s.hidden)
    }
}

/// One number in a list label's format.
pub(super) fn format_number(n: u32, format: &str) -> String {
    match format {
        "a" | "A" => {
            let mut n = n.max(1);
            let mut letters = Vec::new();
            while n > 0 {
                n -= 1;
                letters.push((b'a' + (n % 26) as u8) as char);
                n /= 26;
            }
            let s: String = letters.into_iter().rev().collect();
            if format == "A" {
                s.to_uppercase()
            } else {
                s
            }
        }
        "i" | "I" => {
            // Word and ODF write Roman numerals alike; past 3999 the number stays Arabic.
            let roman = roman(i64::from(n)).unwrap_or_else(|| n.to_string());
            if format == "i" {
                roman.to_lowercase()
            } else {
                roman
            }
        }
        "" => String::new(),
        _ => n.to_string(),
    }
}
