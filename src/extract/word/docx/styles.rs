//! What `word/styles.xml` says about runs and paragraphs that carry no
//! formatting of their own: the font (legacy encodings are recognised by
//! font), whether the text is hidden (`w:vanish`), and the list a paragraph
//! style numbers its paragraphs with (`w:numPr`), each resolved through the
//! `w:basedOn` chain and the document defaults.

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{attr, attr_usize, is_on, run_fonts_name};

#[derive(Debug, Default)]
struct Style {
    font: Option<String>,
    based_on: Option<String>,
    hidden: Option<bool>,
    num_id: Option<String>,
    ilvl: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Styles {
    default_font: Option<String>,
    default_hidden: bool,
    default_paragraph_style: Option<String>,
    styles: HashMap<String, Style>,
    /// Numbering styles (`w:type="numbering"`) and the list they carry, for `w:numStyleLink`.
    pub numbering_styles: Vec<(String, String)>,
}

/// Longest `basedOn` chain followed (cycles stop there).
const MAX_CHAIN: usize = 16;

impl Styles {
    pub fn parse(xml: &[u8]) -> Self {
        let mut styles = Styles::default();
        let mut reader = Reader::from_reader(xml);
        reader.config_mut().check_end_names = false;
        let mut buf = Vec::new();
        let mut in_defaults = false;
        let mut current: Option<(String, Style)> = None;
        let mut current_type = String::new();
        let mut current_is_default = false;
        loop {
            let event = match reader.read_event_into(&mut buf) {
                Ok(Event::Eof) | Err(_) => break,
                Ok(event) => event,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    "docDefaults" => in_defaults = true,
                    "style" => {
                        current_type = attr(&e, "type").unwrap_or_default();
                        current_is_default = attr(&e, "default").as_deref() == Some("1");
                        current = attr(&e, "styleId").map(|id| (id, Style::default()));
                    }
                    "basedOn" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.based_on = attr(&e, "val");
                        }
                    }
                    "rFonts" => {
                        let font = run_fonts_name(&e);
                        if let Some((_, s)) = current.as_mut() {
                            s.font = font;
                        } else if in_defaults {
                            styles.default_font = font;
                        }
                    }
                    "vanish" | "specVanish" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.hidden = Some(is_on(&e));
                        } else if in_defaults {
                            styles.default_hidden = is_on(&e);
                        }
                    }
                    "numId" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.num_id = attr(&e, "val");
                        }
                    }
                    "ilvl" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.ilvl = attr_usize(&e, "val");
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    "docDefaults" => in_defaults = false,
                    "style" => {
                        if let Some((id, style)) = current.take() {
                            if current_is_default && current_type == "paragraph" {
                                styles.default_paragraph_style = Some(id.clone());
                            }
                            if current_type == "numbering" {
                                if let Some(num) = &style.num_id {
                                    styles.numbering_styles.push((id.clone(), num.clone()));
                                }
                            }
                            styles.styles.insert(id, style);
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
            buf.clear();
        }
        styles
    }

    /// The first value `get` finds along `style`'s `basedOn` chain.
    fn inherited<T>(&self, style: &str, get: impl Fn(&Style) -> Option<T>) -> Option<T> {
        let mut id = style;
        for _ in 0..MAX_CHAIN {
            let style = self.styles.get(id)?;
            if let Some(value) = get(style) {
                return Some(value);
            }
            id = style.based_on.as_deref()?;
        }
        None
    }

    fn paragraph_style<'a>(&'a self, paragraph_style: Option<&'a str>) -> Option<&'a str> {
        paragraph_style.or(self.default_paragraph_style.as_deref())
    }

    /// The font of a run: its own, else its character style's, its paragraph style's, the default.
    pub fn font(
        &self,
        run_font: Option<&str>,
        run_style: Option<&str>,
        paragraph_style: Option<&str>,
    ) -> Option<String> {
        run_font
            .map(str::to_owned)
            .or_else(|| run_style.and_then(|s| self.inherited(s, |st| st.font.clone())))
            .or_else(|| self.paragraph_style(paragraph_style).and_then(|s| self.inherited(s, |st| st.font.clone())))
            .or_else(|| self.default_font.clone())
    }

    /// Whether a run is hidden, resolved in the same order as its font.
    pub fn hidden(&self, run_hidden: Option<bool>, run_style: Option<&str>, paragraph_style: Option<&str>) -> bool {
        run_hidden
            .or_else(|| run_style.and_then(|s| self.inherited(s, |st| st.hidden)))
            .or_else(|| self.paragraph_style(paragraph_style).and_then(|s| self.inherited(s, |st| st.hidden)))
            .unwrap_or(self.default_hidden)
    }

    /// A paragraph style and the styles it is based on, nearest first.
    pub fn chain<'a>(&'a self, paragraph_style: Option<&'a str>) -> Vec<&'a str> {
        let mut chain = Vec::new();
        let mut id = self.paragraph_style(paragraph_style);
        while let Some(style) = id.filter(|_| chain.len() < MAX_CHAIN) {
            chain.push(style);
            id = self.styles.get(style).and_then(|s| s.based_on.as_deref());
        }
        chain
    }

    /// The list (`numId`, and `ilvl` when the style gives one) a paragraph style numbers with.
    pub fn numbering(&self, paragraph_style: Option<&str>) -> Option<(String, Option<usize>)> {
        // Each property is inherited on its own: a style may set only the level of its base style's list.
        let style = self.paragraph_style(paragraph_style)?;
        let num_id = self.inherited(style, |st| st.num_id.clone())?;
        Some((num_id, self.inherited(style, |st| st.ilvl)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLES: &[u8] = br#"<w:styles xmlns:w="x"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman"/></w:rPr></w:rPrDefault></w:docDefaults>
        <w:style w:type="paragraph" w:styleId="Body"><w:basedOn w:val="Legacy"/></w:style>
        <w:style w:type="paragraph" w:styleId="Legacy"><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr></w:style>
        <w:style w:type="character" w:styleId="Hidden"><w:rPr><w:vanish/></w:rPr></w:style>
        <w:style w:type="character" w:styleId="Shown"><w:basedOn w:val="Hidden"/><w:rPr><w:vanish w:val="0"/></w:rPr></w:style>
        <w:style w:type="paragraph" w:styleId="Code2"><w:basedOn w:val="Code1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>
        <w:style w:type="paragraph" w:styleId="Code1"><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>
        <w:style w:type="numbering" w:styleId="Outline"><w:pPr><w:numPr><w:numId w:val="9"/></w:numPr></w:pPr></w:style></w:styles>"#;

    #[test]
    fn fonts_resolve_through_styles() {
        let styles = Styles::parse(STYLES);
        assert_eq!(styles.font(None, None, Some("Body")).as_deref(), Some(".VnTime"));
        assert_eq!(styles.font(Some("Arial"), None, Some("Body")).as_deref(), Some("Arial"));
        assert_eq!(styles.font(None, None, None).as_deref(), Some("Times New Roman"));
    }

    #[test]
    fn hidden_text_resolves_through_character_styles() {
        let styles = Styles::parse(STYLES);
        assert!(styles.hidden(None, Some("Hidden"), None));
        assert!(!styles.hidden(None, Some("Shown"), None));
        assert!(!styles.hidden(Some(false), Some("Hidden"), None));
        assert!(!styles.hidden(None, None, Some("Body")));
    }

    #[test]
    fn list_of_a_paragraph_style_is_inherited() {
        let styles = Styles::parse(STYLES);
        // Code2 inherits Code1's list and sets its own level.
        assert_eq!(styles.numbering(Some("Code1")), Some(("5".to_owned(), None)));
        assert_eq!(styles.numbering(Some("Code2")), Some(("5".to_owned(), Some(1))));
        assert_eq!(styles.numbering(Some("Body")), None);
        assert_eq!(styles.numbering_styles, vec![("Outline".to_owned(), "9".to_owned())]);
    }
}
