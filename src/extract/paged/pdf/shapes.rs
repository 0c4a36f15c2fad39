//! Glyph-shape matching for fonts whose codes say nothing of their text
//! (subsets with codes assigned in order of use, no ToUnicode, no glyph
//! names): a subset keeps each glyph's outline as the full font has it, so
//! when the full font is installed on this machine (found by the base font
//! name among the system font folders) the outline names the character.
//! Without the installed font nothing is matched and the codes stay as the
//! encoding reads them.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// Where installed fonts are looked for.
const FONT_DIRS: [&str; 3] = ["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts"];
/// Larger font files are not read for matching.
const MAX_FONT_BYTES: u64 = 40 * 1024 * 1024;

/// Outline commands with coordinates, hashed: equal for the same glyph in a subset and in its full font.
struct OutlineHash(DefaultHasher);

impl ttf_parser::OutlineBuilder for OutlineHash {
    fn move_to(&mut self, x: f32, y: f32) {
        (0u8, x.to_bits(), y.to_bits()).hash(&mut self.0);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        (1u8, x.to_bits(), y.to_bits()).hash(&mut self.0);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        (2u8, x1.to_bits(), y1.to_bits(), x.to_bits(), y.to_bits()).hash(&mut self.0);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        (3u8, [x1, y1, x2, y2, x, y].map(f32::to_bits)).hash(&mut self.0);
    }
    fn close(&mut self) {
        4u8.hash(&mut self.0);
    }
}

fn outline_hash(face: &ttf_parser::Face, gid: ttf_parser::GlyphId) -> Option<u64> {
    let mut hasher = OutlineHash(DefaultHasher::new());
    face.outline_glyph(gid, &mut hasher)?;
    Some(hasher.0.finish())
}

fn folded(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Installed font files by folded file stem (several versions may be
/// installed side by side), listed once per process.
fn installed() -> &'static HashMap<String, Vec<PathBuf>> {
    static FONTS: OnceLock<HashMap<String, Vec<PathBuf>>> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut fonts = HashMap::new();
        for dir in FONT_DIRS {
            for entry in walkdir::WalkDir::new(dir).max_depth(5).into_iter().filter_map(Result::ok) {
                let path = entry.path();
                let is_font =
                    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ttf") || e.eq_ignore_ascii_case("otf"));
                if let (true, Some(stem)) = (is_font, path.file_stem().and_then(|s| s.to_str())) {
                    let key = folded(stem);
                    // "LiberationSerif-Regular.ttf" is the font PDFs name "LiberationSerif".
                    if let Some(plain) = key.strip_suffix("regular").filter(|p| !p.is_empty()) {
                        fonts.entry(plain.to_owned()).or_insert_with(Vec::new).push(path.to_path_buf());
                    }
                    fonts.entry(key).or_insert_with(Vec::new).push(path.to_path_buf());
                }
            }
        }
        fonts
    })
}

/// An installed font's characters, grouped by glyph advance, their outlines
/// hashed only when a subset glyph of that advance is looked up: a subset
/// keeps its glyphs' advances, so a lookup hashes a few dozen glyphs of the
/// full font, not all of its thousands.
#[derive(Default)]
struct Installed {
    files: Vec<Vec<u8>>,
    /// (file, glyph id, lowest character mapped to the glyph), by advance.
    by_advance: HashMap<u16, Vec<(usize, u16, char)>>,
    /// Outline hash → character, per advance hashed so far.
    groups: HashMap<u16, HashMap<u64, char>>,
    /// Every glyph's outline hash → character, once a lookup missed its group.
    all: Option<HashMap<u64, char>>,
}

impl Installed {
    /// The font named `key` (folded), from every installed file of that name.
    fn load(key: &str) -> Installed {
        let mut font = Installed::default();
        let mut glyphs: HashMap<(usize, u16), char> = HashMap::new();
        for path in installed().get(key).into_iter().flatten() {
            let Some(bytes) = read_font(path) else { continue };
            let Ok(face) = ttf_parser::Face::parse(&bytes, 0) else { continue };
            let file = font.files.len();
            for subtable in face.tables().cmap.into_iter().flat_map(|c| c.subtables).filter(|s| s.is_unicode()) {
                subtable.codepoints(|codepoint| {
                    let (Some(c), Some(gid)) = (char::from_u32(codepoint), subtable.glyph_index(codepoint)) else {
                        return;
                    };
                    glyphs.entry((file, gid.0)).and_modify(|old| *old = (*old).min(c)).or_insert(c);
                });
            }
            for (&(_, gid), &c) in glyphs.iter().filter(|((f, _), _)| *f == file) {
                let advance = face.glyph_hor_advance(ttf_parser::GlyphId(gid)).unwrap_or(0);
                font.by_advance.entry(advance).or_default().push((file, gid, c));
            }
            font.files.push(bytes);
        }
        for group in font.by_advance.values_mut() {
            group.sort_unstable();
        }
        font
    }

    /// Outline hash → lowest character, over the given glyphs.
    fn hash_glyphs<'g>(files: &[Vec<u8>], glyphs: impl Iterator<Item = &'g (usize, u16, char)>) -> HashMap<u64, char> {
        let faces: Vec<Option<ttf_parser::Face>> =
            files.iter().map(|bytes| ttf_parser::Face::parse(bytes, 0).ok()).collect();
        let mut shapes = HashMap::new();
        for &(file, gid, c) in glyphs {
            let face = faces.get(file).and_then(Option::as_ref);
            if let Some(hash) = face.and_then(|face| outline_hash(face, ttf_parser::GlyphId(gid))) {
                shapes.entry(hash).and_modify(|old: &mut char| *old = (*old).min(c)).or_insert(c);
            }
        }
        shapes
    }

    /// The character of a glyph with this outline hash and advance: among
    /// the glyphs of the same advance, else among all glyphs.
    fn char_of(&mut self, hash: u64, advance: Option<u16>) -> Option<char> {
        if let Some(advance) = advance {
            let group = self
                .groups
                .entry(advance)
                .or_insert_with(|| Self::hash_glyphs(&self.files, self.by_advance.get(&advance).into_iter().flatten()));
            if let Some(c) = group.get(&hash) {
                return Some(*c);
            }
        }
        let all = self.all.get_or_insert_with(|| Self::hash_glyphs(&self.files, self.by_advance.values().flatten()));
        all.get(&hash).copied()
    }
}

fn read_font(path: &std::path::Path) -> Option<Vec<u8>> {
    if std::fs::metadata(path).ok()?.len() > MAX_FONT_BYTES {
        return None;
    }
    std::fs::read(path).ok()
}

/// Runs `f` on the installed font named `name`, loaded once per process;
/// `None` when no such font is installed.
fn with_installed<T>(name: &str, f: impl FnOnce(&mut Installed) -> T) -> Option<T> {
    static CACHE: OnceLock<Mutex<HashMap<String, Installed>>> = OnceLock::new();
    let key = folded(name);
    let mut cache = CACHE.get_or_init(Default::default).lock().ok()?;
    let font = cache.entry(key.clone()).or_insert_with(|| Installed::load(&key));
    (!font.by_advance.is_empty()).then(|| f(font))
}

/// For a simple TrueType font: the character of each single-byte code whose
/// glyph outline matches one of the installed font named `base_name`.
pub fn simple_codes(program: &[u8], base_name: &str) -> HashMap<u8, char> {
    let mut codes = HashMap::new();
    let Ok(face) = ttf_parser::Face::parse(program, 0) else { return codes };
    let Some(cmap) = face.tables().cmap else { return codes };
    let (mut wanted, mut blank) = (Vec::new(), Vec::new());
    for code in 0u8..=255 {
        // Symbolic subsets map codes at 0xF000 + code (Windows) or at the code itself (Mac, Unicode).
        let gid = cmap
            .subtables
            .into_iter()
            .find_map(|s| s.glyph_index(u32::from(code)).or_else(|| s.glyph_index(0xF000 + u32::from(code))));
        let Some(gid) = gid.filter(|g| g.0 != 0) else { continue };
        match outline_hash(&face, gid) {
            Some(hash) => wanted.push((code, hash, face.glyph_hor_advance(gid))),
            // A glyph without an outline is a space.
            None => blank.push(code),
        }
    }
    with_installed(base_name, |font| {
        for (code, hash, advance) in wanted {
            if let Some(c) = font.char_of(hash, advance) {
                codes.insert(code, c);
            }
        }
    });
    if !codes.is_empty() {
        codes.extend(blank.into_iter().map(|code| (code, ' ')));
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_font_or_program_matches_nothing() {
        assert!(simple_codes(b"not a font", "NoSuchFont-Regular").is_empty());
        assert_eq!(folded("Liberation Serif-Bold"), "liberationserifbold");
    }

    #[test]
    fn a_glyph_is_found_in_its_advance_group_else_among_all() {
        let path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        let Ok(bytes) = std::fs::read(path) else {
            println!("skipped: {path} is not installed (Debian package fonts-dejavu-core)");
            return;
        };
        let face = ttf_parser::Face::parse(&bytes, 0).expect("DejaVuSans parses");
        let (seven, a) = (face.glyph_index('7').expect("has 7"), face.glyph_index('A').expect("has A"));
        let hash = outline_hash(&face, seven).expect("7 has an outline");
        let advance = face.glyph_hor_advance(seven).expect("7 has an advance");
        let mut font = Installed { files: vec![bytes.clone()], ..Installed::default() };
        font.by_advance.insert(advance, vec![(0, seven.0, '7')]);
        font.by_advance.insert(advance + 1, vec![(0, a.0, 'A')]);
        assert_eq!(font.char_of(hash, Some(advance)), Some('7'));
        assert_eq!(font.groups.len(), 1, "only the glyph's own advance is hashed");
        assert!(font.all.is_none());
        // A subset whose advance disagrees still finds the outline among all glyphs.
        assert_eq!(font.char_of(hash, Some(advance + 1)), Some('7'));
        assert_eq!(font.char_of(hash, None), Some('7'));
        assert_eq!(font.char_of(hash ^ 1, Some(advance)), None);
    }

    #[test]
    fn outlines_name_the_characters_of_an_installed_font() {
        let path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        let Ok(program) = std::fs::read(path) else {
            println!("skipped: {path} is not installed (Debian package fonts-dejavu-core)");
            return;
        };
        // The font as its own "subset": every code reaches its glyph through the cmap.
        let codes = simple_codes(&program, "DejaVuSans");
        assert_eq!(codes.get(&b'A'), Some(&'A'));
        assert_eq!(codes.get(&b'7'), Some(&'7'));
        assert_eq!(codes.get(&b' '), Some(&' '));
    }
}
