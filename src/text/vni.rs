//! VNI-Windows, the encoding of the `VNI-…` fonts: a base letter followed by a
//! mark byte, plus a few letters written as one byte. Lowercase codes are
//! listed; each capital code is the lowercase code minus 0x20.

use super::letters::Tone;

/// What a mark byte adds to the vowel before it besides the tone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modifier {
    None,
    Circumflex,
    Breve,
}

/// Mark bytes (lowercase form): the modifier and tone they put on the preceding vowel.
pub const MARKS: [(u8, Modifier, Tone); 17] = [
    (0xF8, Modifier::None, Tone::Grave),
    (0xF9, Modifier::None, Tone::Acute),
    (0xFB, Modifier::None, Tone::Hook),
    (0xF5, Modifier::None, Tone::Tilde),
    (0xEF, Modifier::None, Tone::Dot),
    (0xE2, Modifier::Circumflex, Tone::Level),
    (0xE0, Modifier::Circumflex, Tone::Grave),
    (0xE1, Modifier::Circumflex, Tone::Acute),
    (0xE5, Modifier::Circumflex, Tone::Hook),
    (0xE3, Modifier::Circumflex, Tone::Tilde),
    (0xE4, Modifier::Circumflex, Tone::Dot),
    (0xEA, Modifier::Breve, Tone::Level),
    (0xE8, Modifier::Breve, Tone::Grave),
    (0xE9, Modifier::Breve, Tone::Acute),
    (0xFA, Modifier::Breve, Tone::Hook),
    (0xFC, Modifier::Breve, Tone::Tilde),
    (0xEB, Modifier::Breve, Tone::Dot),
];

/// Letters written as a single byte (lowercase form). ơ and ư also take tone marks.
pub const SINGLES: [(u8, char); 9] = [
    (0xF4, 'ơ'),
    (0xF6, 'ư'),
    (0xF1, 'đ'),
    (0xEC, 'ì'),
    (0xED, 'í'),
    (0xE6, 'ỉ'),
    (0xF3, 'ĩ'),
    (0xF2, 'ị'),
    (0xEE, 'ỵ'),
];

/// The distance from a lowercase code to its capital.
pub const CAPITAL_OFFSET: u8 = 0x20;
