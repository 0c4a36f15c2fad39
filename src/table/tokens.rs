//! Words, numbers and marks of a cell's text with their places in it, for
//! the rubric and citation readers: they match on folded words but quote the
//! text as written.

use crate::text::fold_word_into;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters (`Quyết`, `KH`, `đánh`).
    Word,
    /// Digits, with inner `.`/`,` groups (`52`, `0,5`, `1.00`, `28.12.2020`).
    Number,
    /// Any other visible character, one per token (`/`, `-`, `:`, `×`, `%`).
    Mark,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    /// Lowercase without diacritics for words (`đánh` → `danh`), the text
    /// itself otherwise: borrowed from the text where nothing changes, else
    /// from the one buffer the caller lends [`tokenize`].
    pub folded: &'a str,
    /// A line break comes between this token and the next.
    pub line_end: bool,
    /// Whitespace comes between this token and the next.
    pub space_after: bool,
}

impl Token<'_> {
    pub fn is_word(&self, folded: &str) -> bool {
        self.kind == Kind::Word && self.folded == folded
    }

    pub fn is_mark(&self, mark: char) -> bool {
        self.kind == Kind::Mark && self.folded.starts_with(mark)
    }

    /// Plain digits (`1035`), no decimal part.
    pub fn is_integer(&self) -> bool {
        self.kind == Kind::Number && self.folded.bytes().all(|b| b.is_ascii_digit())
    }

    pub fn integer(&self) -> Option<u32> {
        if self.is_integer() && self.folded.len() <= 9 {
            self.folded.parse().ok()
        } else {
            None
        }
    }
}

/// Splits `text` into tokens; the words whose folded form differs from the
/// text are folded into `buffer` (one allocation a cell, not one a word).
pub fn tokenize<'a>(text: &'a str, buffer: &'a mut String) -> Vec<Token<'a>> {
    buffer.clear();
    // Room made once for what most cells need, not doubled up to it push by
    // push (the buffer and the folded words' list had grown three times a
    // cell: 40 M instructions of a 20,000-row sheet). Folded words are no
    // longer than the text.
    buffer.reserve(text.len());
    // About one token in four bytes of Vietnamese text.
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 4);
    // (token, range in `buffer`) of each word folded there: most words of
    // Vietnamese text are, each with a space or mark beside it.
    let mut refolded: Vec<(usize, usize, usize)> = Vec::with_capacity(text.len() / 4);
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            if let Some(last) = tokens.last_mut() {
                last.space_after = true;
                last.line_end |= c == '\n';
            }
            continue;
        }
        let mut end = start + c.len_utf8();
        let kind = if c.is_ascii_digit() {
            while let Some(&(i, d)) = chars.peek() {
                let continues = d.is_ascii_digit()
                    || (matches!(d, '.' | ',') && text[i + 1..].starts_with(|n: char| n.is_ascii_digit()));
                if !continues {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            Kind::Number
        } else if is_letter(c) {
            while let Some(&(i, d)) = chars.peek() {
                if !is_letter(d) {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            Kind::Word
        } else {
            Kind::Mark
        };
        let raw = &text[start..end];
        let folded = if kind == Kind::Word && !raw.bytes().all(|b| b.is_ascii_lowercase()) {
            let from = buffer.len();
            fold_word_into(raw, buffer);
            refolded.push((tokens.len(), from, buffer.len()));
            ""
        } else {
            raw
        };
        tokens.push(Token { kind, start, end, folded, line_end: false, space_after: false });
    }
    let buffer: &'a String = buffer;
    for (t, from, to) in refolded {
        tokens[t].folded = &buffer[from..to];
    }
    tokens
}

/// A letter of a word: alphabetic, or a combining mark of decomposed Vietnamese.
fn is_letter(c: char) -> bool {
    // Vietnamese letters first: the general lookups were a good part of reading a cell.
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        0xC0..=0x24F => c != '×' && c != '÷',
        0x1E00..=0x1EFF => true,
        _ => c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_numbers_and_marks_keep_their_places() {
        let text = "KH số 52/KH-UBND ngày 28.12.2020:\n0,5 điểm";
        let mut buffer = String::new();
        let tokens = tokenize(text, &mut buffer);
        let shown: Vec<(&str, Kind)> = tokens.iter().map(|t| (t.folded, t.kind)).collect();
        use Kind::*;
        assert_eq!(
            shown,
            [
                ("kh", Word),
                ("so", Word),
                ("52", Number),
                ("/", Mark),
                ("kh", Word),
                ("-", Mark),
                ("ubnd", Word),
                ("ngay", Word),
                ("28.12.2020", Number),
                (":", Mark),
                ("0,5", Number),
                ("diem", Word)
            ]
        );
        assert_eq!(&text[tokens[1].start..tokens[1].end], "số");
        assert!(tokens[9].line_end && !tokens[8].line_end);
        assert!(tokens[0].space_after && !tokens[2].space_after);
        // A full stop after a number ends the sentence, it is no decimal point.
        let mut buffer = String::new();
        let tokens = tokenize("là 1. Tiếp", &mut buffer);
        assert_eq!(tokens[1].folded, "1");
        assert!(tokens[2].is_mark('.'));
    }

    #[test]
    fn letters_by_their_ranges_are_the_letters_unicode_says() {
        for c in (0..0x2000).filter_map(char::from_u32) {
            let slow = c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c);
            assert_eq!(is_letter(c), slow, "U+{:04X}", c as u32);
        }
    }
}
