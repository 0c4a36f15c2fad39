//! The RTF tokenizer: bytes to groups, control words and symbols, text
//! bytes and `\binN` data. It knows RTF's syntax only (what a control word
//! is, where `\binN` data ends), nothing of what the words mean, so it sits
//! apart from the builder that gives them meaning.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token<'a> {
    GroupStart,
    GroupEnd,
    /// `\word` or `\wordN` (parameter as written, may be negative).
    Word(&'a [u8], Option<i32>),
    /// `\x` for a non-letter x (`\~`, `\*`, `\{` …); `\'hh` is [`Token::Byte`].
    Symbol(u8),
    /// One byte of text: `\'hh`, or a raw byte that is not syntax.
    Byte(u8),
    /// The data of `\binN`.
    Binary(&'a [u8]),
}

pub(super) struct Tokenizer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Tokenizer<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        Tokenizer { data, pos: 0 }
    }

    pub(super) fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            let b = *self.data.get(self.pos)?;
            self.pos += 1;
            return Some(match b {
                b'{' => Token::GroupStart,
                b'}' => Token::GroupEnd,
                // Line ends are not text in RTF; writers wrap long lines anywhere.
                b'\r' | b'\n' | 0 => continue,
                b'\\' => self.control(),
                _ => Token::Byte(b),
            });
        }
    }

    fn control(&mut self) -> Token<'a> {
        let Some(&first) = self.data.get(self.pos) else {
            return Token::Symbol(b'\\');
        };
        if !first.is_ascii_alphabetic() {
            self.pos += 1;
            return match first {
                b'\'' => {
                    let hex = self.data.get(self.pos..self.pos + 2).and_then(|h| std::str::from_utf8(h).ok());
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(v) => {
                            self.pos += 2;
                            Token::Byte(v)
                        }
                        None => Token::Symbol(b'\''),
                    }
                }
                // `\` before a line end is a paragraph mark.
                b'\r' | b'\n' => Token::Word(b"par", None),
                other => Token::Symbol(other),
            };
        }
        let name_start = self.pos;
        // Control words are at most 32 letters; longer runs are cut, not trusted.
        while self.pos - name_start < 32 && self.data.get(self.pos).is_some_and(u8::is_ascii_alphabetic) {
            self.pos += 1;
        }
        let name = &self.data[name_start..self.pos];
        let num_start = self.pos;
        if self.data.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        while self.pos - num_start < 11 && self.data.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        let digits = &self.data[num_start..self.pos];
        let param = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse::<i64>().ok())
            .map(|v| v.clamp(i32::MIN as i64, i32::MAX as i64) as i32);
        if param.is_none() {
            // A lone "-" is not a parameter.
            self.pos = num_start;
        }
        if self.data.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        if name == b"bin" {
            let len = param.unwrap_or(0).max(0) as usize;
            let end = self.pos.saturating_add(len).min(self.data.len());
            let data = &self.data[self.pos..end];
            self.pos = end;
            return Token::Binary(data);
        }
        Token::Word(name, param)
    }
}
