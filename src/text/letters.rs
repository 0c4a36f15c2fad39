//! The Vietnamese letters: twelve vowels in six tones, plus đ.

/// The six tones, in the column order of [`VOWELS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Level,
    Grave,
    Acute,
    Hook,
    Tilde,
    Dot,
}

pub const TONES: [Tone; 6] = [Tone::Level, Tone::Grave, Tone::Acute, Tone::Hook, Tone::Tilde, Tone::Dot];

/// Each vowel in the six tones (level, huyền, sắc, hỏi, ngã, nặng).
pub const VOWELS: [[char; 6]; 12] = [
    ['a', 'à', 'á', 'ả', 'ã', 'ạ'],
    ['ă', 'ằ', 'ắ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ầ', 'ấ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ề', 'ế', 'ể', 'ễ', 'ệ'],
    ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ồ', 'ố', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ờ', 'ớ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ừ', 'ứ', 'ử', 'ữ', 'ự'],
    ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'],
];

/// A vowel letter split into its toneless lowercase vowel, its tone and whether it is a capital.
pub fn split_vowel(c: char) -> Option<(char, Tone, bool)> {
    if c.is_ascii() && !matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y') {
        return None;
    }
    let lower = to_lower(c);
    VOWELS.iter().find_map(|row| {
        let col = row.iter().position(|&v| v == lower)?;
        Some((row[0], TONES[col], lower != c))
    })
}

/// The toned letter for a toneless lowercase vowel.
pub fn compose(vowel: char, tone: Tone) -> Option<char> {
    VOWELS.iter().find(|row| row[0] == vowel).map(|row| row[tone as usize])
}

/// Whether `c` is one of the Vietnamese letters that ASCII lacks (vowels with marks, đ).
/// Their code points listed: most letters of a report's text are tested.
pub fn is_vietnamese_letter(c: char) -> bool {
    matches!(c,
        'À'..='Ã' | 'È'..='Ê' | 'Ì' | 'Í' | 'Ò'..='Õ' | 'Ù' | 'Ú' | 'Ý'
        | 'à'..='ã' | 'è'..='ê' | 'ì' | 'í' | 'ò'..='õ' | 'ù' | 'ú' | 'ý'
        | 'Ă' | 'ă' | 'Đ' | 'đ' | 'Ĩ' | 'ĩ' | 'Ũ' | 'ũ' | 'Ơ' | 'ơ' | 'Ư' | 'ư'
        | '\u{1EA0}'..='\u{1EF9}')
}

/// Every Vietnamese vowel in every tone and đ, lowercase then capitals (146 letters;
/// the 134 that ASCII lacks plus a e i o u y and their capitals).
pub fn all_letters() -> impl Iterator<Item = char> {
    let lower = VOWELS.iter().flatten().copied().chain(['đ']);
    lower.clone().chain(lower.map(to_upper))
}

/// One-to-one case mappings (all Vietnamese letters have them).
pub fn to_lower(c: char) -> char {
    single(c.to_lowercase()).unwrap_or(c)
}

pub fn to_upper(c: char) -> char {
    single(c.to_uppercase()).unwrap_or(c)
}

fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
    let first = chars.next()?;
    chars.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listed_letters_are_the_marked_vowels_and_d() {
        let listed: Vec<char> = ('\u{80}'..='\u{2000}').filter(|&c| is_vietnamese_letter(c)).collect();
        let mut expected: Vec<char> = all_letters().filter(|c| !c.is_ascii()).collect();
        expected.sort_unstable();
        assert_eq!(listed, expected);
        assert_eq!(listed.len(), 134);
    }
}
