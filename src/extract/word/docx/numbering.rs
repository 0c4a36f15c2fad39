//! Word list numbering rendered as Word shows it (ECMA-376 Part 1, §17.9).
//!
//! A numbered paragraph holds no label in its text: `w:numPr` (on the
//! paragraph or through its style) names a list instance (`w:num`) and a level,
//! `word/numbering.xml` defines the levels (`w:abstractNum`/`w:lvl`: start,
//! number format, `w:lvlText` such as `%1.%2.`, `w:lvlRestart`, `w:isLgl`,
//! `w:suff`), and the label is the result of counting every numbered paragraph
//! in document order. [`Numbering`] holds the definitions, [`ListCounters`]
//! the counting state of one pass over a part.
//!
//! Counting follows Word: list instances of one abstract definition share
//! their counters (a list continued under another `numId`), while an instance
//! with `w:lvlOverride` (what "Restart numbering" writes, usually with
//! `w:startOverride`) counts on its own from its overridden start values.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::attr;

/// Levels a list may have (`w:ilvl` 0–8).
const LEVELS: usize = 9;

/// How a level's number is written (`w:numFmt`); the formats met in reports,
/// every other one falls back to decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberFormat {
    Decimal,
    DecimalZero,
    UpperRoman,
    LowerRoman,
    UpperLetter,
    LowerLetter,
    DecimalEnclosedParen,
    /// No number (`none`): only the literal text of `lvlText`.
    Nothing,
    /// A bullet: a glyph, not a number; it carries no code, so no label is given.
    Bullet,
}

impl NumberFormat {
    fn parse(value: &str) -> Self {
        match value {
            "decimalZero" => Self::DecimalZero,
            "upperRoman" => Self::UpperRoman,
            "lowerRoman" => Self::LowerRoman,
            "upperLetter" => Self::UpperLetter,
            "lowerLetter" => Self::LowerLetter,
            "decimalEnclosedParen" => Self::DecimalEnclosedParen,
            "none" => Self::Nothing,
            "bullet" => Self::Bullet,
            _ => Self::Decimal,
        }
    }

    fn format(self, n: i64) -> String {
        match self {
            Self::Decimal | Self::Bullet => n.to_string(),
            Self::DecimalZero if (0..10).contains(&n) => format!("0{n}"),
            Self::DecimalZero => n.to_string(),
            Self::UpperRoman => roman(n).unwrap_or_else(|| n.to_string()),
            Self::LowerRoman => roman(n).map(|r| r.to_lowercase()).unwrap_or_else(|| n.to_string()),
            Self::UpperLetter => letters(n).unwrap_or_else(|| n.to_string()),
            Self::LowerLetter => letters(n).map(|r| r.to_lowercase()).unwrap_or_else(|| n.to_string()),
            Self::DecimalEnclosedParen => format!("({n})"),
            Self::Nothing => String::new(),
        }
    }
}

/// 1 → I … 3999 → MMMCMXCIX; other values have no Roman form.
pub(crate) fn roman(n: i64) -> Option<String> {
    if !(1..4000).contains(&n) {
        return None;
    }
    const TABLE: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut rest = n;
    let mut out = String::new();
    for (value, digits) in TABLE {
        while rest >= value {
            out.push_str(digits);
            rest -= value;
        }
    }
    Some(out)
}

/// Word's letter numbering: A … Z, then AA … ZZ, AAA … (the letter repeated).
fn letters(n: i64) -> Option<String> {
    if !(1..=780).contains(&n) {
        return None;
    }
    let letter = char::from(b'A' + ((n - 1) % 26) as u8);
    Some((0..=(n - 1) / 26).map(|_| letter).collect())
}

/// What follows the label (`w:suff`): a tab unless told otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Suffix {
    Tab,
    Space,
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Level {
    start: i64,
    format: NumberFormat,
    text: String,
    /// `w:lvlRestart`: one-based level whose use restarts this one; 0 never.
    restart: Option<usize>,
    legal: bool,
    suffix: Suffix,
    /// `w:pStyle`: paragraphs in this style are at this level.
    style: Option<String>,
}

impl Default for Level {
    fn default() -> Self {
        Level {
            start: 0,
            format: NumberFormat::Decimal,
            text: String::new(),
            restart: None,
            legal: false,
            suffix: Suffix::Tab,
            style: None,
        }
    }
}

impl Level {
    /// Whether using level `used` restarts this level `own` (§17.9.10): by
    /// default any shallower level does; `lvlRestart` names the deepest one
    /// that does (one-based), 0 none; a value not above `own` is ignored.
    fn restarts_after(&self, own: usize, used: usize) -> bool {
        match self.restart {
            Some(0) => false,
            Some(r) if r <= own => used < r,
            _ => used < own,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct AbstractNum {
    levels: [Option<Level>; LEVELS],
    /// `w:numStyleLink`: the definition lives in the list this numbering style names.
    num_style_link: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    /// `w:lvlOverride/w:startOverride` per level.
    start_overrides: [Option<i64>; LEVELS],
    /// `w:lvlOverride/w:lvl`: a level redefined for this instance.
    levels: [Option<Level>; LEVELS],
    overridden: bool,
}

/// The list definitions of `word/numbering.xml`.
#[derive(Debug, Clone, Default)]
pub struct Numbering {
    abstracts: HashMap<String, AbstractNum>,
    nums: HashMap<String, Num>,
    /// Numbering styles (`w:type="numbering"`) and the `numId` they carry,
    /// for `w:numStyleLink`; filled from styles.xml by [`Numbering::link_style`].
    style_nums: HashMap<String, String>,
}

/// Level definitions are parsed into this while their element is open.
enum Open {
    Abstract(String),
    Num(String),
    None,
}

impl Numbering {
    /// Parses `word/numbering.xml`; malformed XML ends the read with what was understood.
    pub fn parse(xml: &[u8]) -> Self {
        let mut numbering = Numbering::default();
        let mut reader = Reader::from_reader(xml);
        reader.config_mut().check_end_names = false;
        let mut buf = Vec::new();
        let mut open = Open::None;
        // The level being read, and the override level it belongs to, if any.
        let mut level: Option<(usize, Level)> = None;
        let mut override_level: Option<usize> = None;
        loop {
            let event = match reader.read_event_into(&mut buf) {
                Ok(Event::Eof) | Err(_) => break,
                Ok(event) => event,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    numbering.open(&e, &mut open, &mut level, &mut override_level);
                }
                Event::End(e) => match e.local_name().as_ref() {
                    "lvl" => {
                        if let Some((ilvl, lvl)) = level.take() {
                            numbering.store_level(&open, ilvl, lvl);
                        }
                    }
                    "lvlOverride" => override_level = None,
                    "abstractNum" | "num" => open = Open::None,
                    _ => {}
                },
                _ => {}
            }
            buf.clear();
        }
        numbering
    }

    fn open(
        &mut self,
        e: &BytesStart,
        open: &mut Open,
        level: &mut Option<(usize, Level)>,
        override_level: &mut Option<usize>,
    ) {
        let val = || attr(e, "val");
        let ilvl = || attr(e, "ilvl").and_then(|v| v.trim().parse::<usize>().ok()).filter(|&l| l < LEVELS);
        match e.local_name().as_ref() {
            "abstractNum" => {
                if let Some(id) = attr(e, "abstractNumId") {
                    self.abstracts.entry(id.clone()).or_default();
                    *open = Open::Abstract(id);
                }
            }
            "num" => {
                if let Some(id) = attr(e, "numId") {
                    self.nums.entry(id.clone()).or_default();
                    *open = Open::Num(id);
                }
            }
            "abstractNumId" => {
                if let (Open::Num(id), Some(v)) = (&*open, val()) {
                    if let Some(num) = self.nums.get_mut(id) {
                        num.abstract_id = v;
                    }
                }
            }
            "numStyleLink" => {
                if let Open::Abstract(id) = &*open {
                    if let Some(a) = self.abstracts.get_mut(id) {
                        a.num_style_link = val();
                    }
                }
            }
            "lvlOverride" => {
                *override_level = ilvl();
                if let Open::Num(id) = &*open {
                    if let Some(num) = self.nums.get_mut(id) {
                        num.overridden = true;
                    }
                }
            }
            "startOverride" => {
                if let (Open::Num(id), Some(l)) = (&*open, *override_level) {
                    let start = val().and_then(|v| v.trim().parse::<i64>().ok());
                    if let Some(num) = self.nums.get_mut(id) {
                        num.start_overrides[l] = start;
                    }
                }
            }
            "lvl" => {
                // An override's `w:lvl` may omit `w:ilvl`: it is the override's level.
                let l = ilvl().or(*override_level);
                *level = l.map(|l| (l, Level::default()));
            }
            name => {
                let Some((_, lvl)) = level.as_mut() else { return };
                match name {
                    "start" => lvl.start = val().and_then(|v| v.trim().parse().ok()).unwrap_or(0),
                    "numFmt" => lvl.format = NumberFormat::parse(val().as_deref().unwrap_or("decimal")),
                    "lvlText" => lvl.text = val().unwrap_or_default(),
                    "lvlRestart" => lvl.restart = val().and_then(|v| v.trim().parse().ok()),
                    "isLgl" => lvl.legal = !matches!(val().as_deref(), Some("0" | "false" | "off")),
                    "suff" => {
                        lvl.suffix = match val().as_deref() {
                            Some("space") => Suffix::Space,
                            Some("nothing") => Suffix::Nothing,
                            _ => Suffix::Tab,
                        }
                    }
                    "pStyle" => lvl.style = val(),
                    _ => {}
                }
            }
        }
    }

    fn store_level(&mut self, open: &Open, ilvl: usize, level: Level) {
        match open {
            Open::Abstract(id) => {
                if let Some(a) = self.abstracts.get_mut(id) {
                    a.levels[ilvl] = Some(level);
                }
            }
            Open::Num(id) => {
                if let Some(num) = self.nums.get_mut(id) {
                    num.levels[ilvl] = Some(level);
                }
            }
            Open::None => {}
        }
    }

    /// Records that numbering style `style` carries list `num_id` (styles.xml).
    pub fn link_style(&mut self, style: &str, num_id: &str) {
        self.style_nums.insert(style.to_owned(), num_id.to_owned());
    }

    pub fn is_empty(&self) -> bool {
        self.nums.is_empty()
    }

    /// The abstract definition a list instance uses, following `numStyleLink`
    /// through numbering styles (bounded: links may loop).
    fn abstract_of<'a>(&'a self, num: &'a Num) -> Option<(&'a str, &'a AbstractNum)> {
        let mut id = num.abstract_id.as_str();
        for _ in 0..8 {
            let abs = self.abstracts.get(id)?;
            let Some(link) = &abs.num_style_link else { return Some((id, abs)) };
            let linked = self.style_nums.get(link).and_then(|n| self.nums.get(n))?;
            id = linked.abstract_id.as_str();
        }
        None
    }

    /// The level a paragraph in `style` is at when a list level names that style (`w:lvl/w:pStyle`).
    pub fn level_of_style(&self, num_id: &str, style: &str) -> Option<usize> {
        let num = self.nums.get(num_id)?;
        let (_, abs) = self.abstract_of(num)?;
        (0..LEVELS).find(|&l| {
            num.levels[l].as_ref().or(abs.levels[l].as_ref()).and_then(|lvl| lvl.style.as_deref()) == Some(style)
        })
    }

    fn level<'a>(num: &'a Num, abs: &'a AbstractNum, ilvl: usize) -> Option<&'a Level> {
        num.levels[ilvl].as_ref().or(abs.levels[ilvl].as_ref())
    }
}

/// Counting state of one pass over a part: counters per list.
#[derive(Debug, Default)]
pub struct ListCounters {
    /// List key (abstract definition, or an overridden instance) → counter per level,
    /// `None` for a level not yet used since its last restart.
    lists: HashMap<String, [Option<i64>; LEVELS]>,
}

impl ListCounters {
    /// Counts one paragraph of list `num_id` at level `ilvl` and returns its
    /// label followed by its suffix, as Word shows it; `None` when the
    /// paragraph shows no number (`numId` 0, an undefined list or level, a bullet).
    pub fn next(&mut self, numbering: &Numbering, num_id: &str, ilvl: usize) -> Option<String> {
        let num = numbering.nums.get(num_id)?;
        let ilvl = ilvl.min(LEVELS - 1);
        let (abstract_id, abs) = numbering.abstract_of(num)?;
        let level = Numbering::level(num, abs, ilvl)?;
        let start = |l: usize| {
            num.start_overrides[l].or_else(|| Numbering::level(num, abs, l).map(|lvl| lvl.start)).unwrap_or(0)
        };
        let key = if num.overridden { format!("n{num_id}") } else { format!("a{abstract_id}") };
        let counters = self.lists.entry(key).or_insert([None; LEVELS]);
        counters[ilvl] = Some(counters[ilvl].map_or(start(ilvl), |c| c.saturating_add(1)));
        for (deeper, counter) in counters.iter_mut().enumerate().skip(ilvl + 1) {
            let restarts = match Numbering::level(num, abs, deeper) {
                Some(lvl) => lvl.restarts_after(deeper, ilvl),
                None => true,
            };
            if restarts {
                *counter = None;
            }
        }
        if level.format == NumberFormat::Bullet {
            return None;
        }
        let mut label = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            let referenced = match (c, chars.peek()) {
                ('%', Some(d)) => d.to_digit(10).filter(|d| (1..=LEVELS as u32).contains(d)),
                _ => None,
            };
            let Some(n) = referenced else {
                label.push(c);
                continue;
            };
            chars.next();
            let l = n as usize - 1;
            // A level never used shows its start value, as Word does.
            let value = counters[l].unwrap_or_else(|| start(l));
            let format = match Numbering::level(num, abs, l) {
                Some(_) if level.legal => NumberFormat::Decimal,
                Some(lvl) if lvl.format != NumberFormat::Bullet => lvl.format,
                _ => NumberFormat::Decimal,
            };
            label.push_str(&format.format(value));
        }
        if label.is_empty() {
            return None;
        }
        label.push_str(match level.suffix {
            Suffix::Tab => "\t",
            Suffix::Space => " ",
            Suffix::Nothing => "",
        });
        Some(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbering(body: &str) -> Numbering {
        Numbering::parse(format!(r#"<w:numbering xmlns:w="w">{body}</w:numbering>"#).as_bytes())
    }

    fn lvl(ilvl: usize, fmt: &str, text: &str, extra: &str) -> String {
        format!(
            r#"<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>{extra}</w:lvl>"#
        )
    }

    fn multilevel(extra2: &str) -> String {
        format!(
            r#"<w:abstractNum w:abstractNumId="0">{}{}{}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
            lvl(0, "decimal", "%1.", ""),
            lvl(1, "decimal", "%1.%2.", ""),
            lvl(2, "decimal", "%1.%2.%3.", extra2)
        )
    }

    fn labels(numbering: &Numbering, paragraphs: &[(&str, usize)]) -> Vec<String> {
        let mut counters = ListCounters::default();
        paragraphs
            .iter()
            .map(|(num, l)| counters.next(numbering, num, *l).unwrap_or_default().trim_end().to_owned())
            .collect()
    }

    #[test]
    fn deeper_levels_restart_when_a_shallower_one_is_used() {
        let n = numbering(&multilevel(""));
        assert_eq!(
            labels(&n, &[("1", 0), ("1", 1), ("1", 2), ("1", 2), ("1", 1), ("1", 2), ("1", 0), ("1", 2)]),
            ["1.", "1.1.", "1.1.1.", "1.1.2.", "1.2.", "1.2.1.", "2.", "2.1.1."]
        );
    }

    #[test]
    fn lvl_restart_zero_never_restarts_and_one_restarts_only_after_level_one() {
        let n = numbering(&multilevel(r#"<w:lvlRestart w:val="0"/>"#));
        // Level 2 keeps counting across level 1 and level 0.
        assert_eq!(
            labels(&n, &[("1", 0), ("1", 2), ("1", 1), ("1", 2), ("1", 0), ("1", 2)]),
            ["1.", "1.1.1.", "1.1.", "1.1.2.", "2.", "2.1.3."]
        );
        let n = numbering(&multilevel(r#"<w:lvlRestart w:val="1"/>"#));
        // Restarted by level 0 only, not by level 1.
        assert_eq!(
            labels(&n, &[("1", 0), ("1", 2), ("1", 1), ("1", 2), ("1", 0), ("1", 2)]),
            ["1.", "1.1.1.", "1.1.", "1.1.2.", "2.", "2.1.1."]
        );
    }

    #[test]
    fn formats_roman_letters_and_no_dot_texts() {
        let n = numbering(&format!(
            r#"<w:abstractNum w:abstractNumId="0">{}{}{}</w:abstractNum><w:num w:numId="7"><w:abstractNumId w:val="0"/></w:num>"#,
            lvl(0, "upperRoman", "%1.", ""),
            lvl(1, "decimal", "%2", ""),
            lvl(2, "lowerLetter", "%2.%3)", "")
        ));
        let got = labels(&n, &[("7", 0), ("7", 1), ("7", 2), ("7", 2), ("7", 0), ("7", 1), ("7", 0), ("7", 0)]);
        assert_eq!(got, ["I.", "1", "1.a)", "1.b)", "II.", "1", "III.", "IV."]);
        assert_eq!(letters(27).as_deref(), Some("AA"));
        assert_eq!(roman(1994).as_deref(), Some("MCMXCIV"));
    }

    #[test]
    fn legal_numbering_shows_every_level_in_decimal() {
        let n = numbering(&format!(
            r#"<w:abstractNum w:abstractNumId="0">{}{}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
            lvl(0, "upperRoman", "%1.", ""),
            lvl(1, "lowerLetter", "%1.%2.", "<w:isLgl/>")
        ));
        assert_eq!(labels(&n, &[("1", 0), ("1", 0), ("1", 1)]), ["I.", "II.", "2.1."]);
    }

    #[test]
    fn instances_share_counters_unless_overridden() {
        let n = numbering(&format!(
            r#"{}<w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
            <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>"#,
            multilevel("")
        ));
        // numId 2 continues numId 1; numId 3 restarts at 5 and counts on its own.
        assert_eq!(
            labels(&n, &[("1", 0), ("1", 1), ("2", 0), ("3", 0), ("3", 1), ("1", 0)]),
            ["1.", "1.1.", "2.", "5.", "5.1.", "3."]
        );
    }

    #[test]
    fn override_level_redefines_a_level_and_gaps_show_start_values() {
        let n = numbering(&format!(
            r#"{}<w:num w:numId="4"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="1"><w:lvl w:ilvl="1"><w:start w:val="3"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%2/"/><w:suff w:val="space"/></w:lvl></w:lvlOverride></w:num>"#,
            multilevel("")
        ));
        let mut counters = ListCounters::default();
        assert_eq!(counters.next(&n, "4", 1).as_deref(), Some("C/ "));
        // A level-2 paragraph with no level 0 before it: level 0 shows its start value.
        assert_eq!(labels(&n, &[("1", 2), ("1", 2)]), ["1.1.1.", "1.1.2."]);
        // numId 0 and unknown lists show nothing.
        assert_eq!(counters.next(&n, "0", 0), None);
        assert_eq!(counters.next(&n, "99", 0), None);
    }

    #[test]
    fn bullets_give_no_label_and_num_style_links_are_followed() {
        let mut n = numbering(
            r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl></w:abstractNum>
            <w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="Outline"/></w:abstractNum>
            <w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:pStyle w:val="Heading1"/></w:lvl></w:abstractNum>
            <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>"#,
        );
        n.link_style("Outline", "3");
        let mut counters = ListCounters::default();
        assert_eq!(counters.next(&n, "1", 0), None);
        assert_eq!(counters.next(&n, "2", 0).as_deref(), Some("1.\t"));
        assert_eq!(counters.next(&n, "3", 0).as_deref(), Some("2.\t"));
        assert_eq!(n.level_of_style("3", "Heading1"), Some(0));
    }
}
