//! A fast reader of content-stream operations, equal to lopdf's
//! `Content::decode_iter` (stopping at its first error) on what producers
//! write: numbers, names, strings, arrays and dictionaries of those. lopdf's
//! combinator parser costs more per operation than everything the
//! interpreter does with it; this one reads the common syntax by hand and,
//! at the first operation it does not read exactly as lopdf would (comments,
//! inline images, references, `#` escapes, odd numbers, deep nesting),
//! hands that operation and the rest of the stream to lopdf.

use std::borrow::Cow;

use lopdf::content::Content;
use lopdf::{Dictionary, Object, StringFormat};

/// One operation: its operator (borrowed from the stream when read here) and operands.
#[derive(Debug)]
pub struct Operation<'a> {
    pub operator: Cow<'a, str>,
    pub operands: Vec<Object>,
}

impl From<lopdf::content::Operation> for Operation<'_> {
    fn from(operation: lopdf::content::Operation) -> Self {
        Operation { operator: Cow::Owned(operation.operator), operands: operation.operands }
    }
}

/// Nesting of arrays, dictionaries and parentheses read here; deeper goes to lopdf.
const MAX_NESTING: usize = 32;

fn is_whitespace(c: u8) -> bool {
    b" \t\n\r\0\x0C".contains(&c)
}

fn is_delimiter(c: u8) -> bool {
    b"()<>[]{}/%".contains(&c)
}

fn is_operator_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"*'\"".contains(&c)
}

/// The operations of a content stream, in order, up to the first syntax error.
pub fn operations(data: &[u8]) -> Operations<'_> {
    Operations { data, pos: 0, lopdf: None }
}

pub struct Operations<'a> {
    data: &'a [u8],
    pos: usize,
    /// lopdf's reader over the rest of the stream, once this one gave up.
    lopdf: Option<Box<dyn Iterator<Item = lopdf::content::Operation> + 'a>>,
}

impl<'a> Iterator for Operations<'a> {
    type Item = Operation<'a>;

    fn next(&mut self) -> Option<Operation<'a>> {
        if let Some(rest) = self.lopdf.as_mut() {
            return rest.next().map(Operation::from);
        }
        self.skip_whitespace();
        if self.pos >= self.data.len() {
            return None;
        }
        let start = self.pos;
        match self.operation() {
            Some(operation) => Some(operation),
            None => {
                let rest = self.data.get(start..).unwrap_or_default();
                let rest = self.lopdf.insert(Box::new(Content::decode_iter(rest).map_while(Result::ok)));
                rest.next().map(Operation::from)
            }
        }
    }
}

impl<'a> Operations<'a> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(is_whitespace) {
            self.pos += 1;
        }
    }

    /// One operation, or `None` where lopdf must decide.
    fn operation(&mut self) -> Option<Operation<'a>> {
        // Comments and inline images are lopdf's.
        if self.peek() == Some(b'%') || self.data.get(self.pos..self.pos + 2) == Some(&b"BI"[..]) {
            return None;
        }
        let mut operands = Vec::new();
        loop {
            match self.peek()? {
                c if c.is_ascii_alphabetic() || b"*'\"".contains(&c) => {
                    let word = self.word();
                    let keyword = [&b"true"[..], b"false", b"null"].into_iter().find(|k| word.starts_with(k));
                    match keyword {
                        // lopdf reads these operands as a prefix of any word.
                        Some(k) if word.len() != k.len() => return None,
                        Some(_) => operands.push(keyword_object(word)),
                        None => {
                            self.skip_whitespace();
                            let operator = Cow::Borrowed(std::str::from_utf8(word).ok()?);
                            return Some(Operation { operator, operands });
                        }
                    }
                }
                _ => operands.push(self.object(0)?),
            }
            self.skip_whitespace();
        }
    }

    fn word(&mut self) -> &'a [u8] {
        let (data, start) = (self.data, self.pos);
        while self.peek().is_some_and(is_operator_char) {
            self.pos += 1;
        }
        &data[start..self.pos]
    }

    /// An operand or an element of an array or dictionary (not followed by white space).
    fn object(&mut self, depth: usize) -> Option<Object> {
        if depth > MAX_NESTING {
            return None;
        }
        match self.peek()? {
            b'0'..=b'9' | b'+' | b'-' | b'.' => self.number(),
            b'/' => self.name().map(Object::Name),
            b'(' => self.literal_string().map(|s| Object::String(s, StringFormat::Literal)),
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => self.dictionary(depth).map(Object::Dictionary),
            b'<' => self.hex_string(),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_whitespace();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(Object::Array(items));
                    }
                    // An operator inside an array (`[(a) 0.0 Tc -250 (b)] TJ`) is dropped,
                    // its operands kept, as viewers and pdftotext read it.
                    if self.peek()?.is_ascii_alphabetic() {
                        let save = self.pos;
                        if ![&b"true"[..], b"false", b"null"].contains(&self.word()) {
                            continue;
                        }
                        self.pos = save;
                    }
                    items.push(self.element(depth + 1)?);
                }
            }
            _ => None,
        }
    }

    /// An element inside an array or dictionary: also `true`, `false`, `null`.
    fn element(&mut self, depth: usize) -> Option<Object> {
        if self.peek()?.is_ascii_alphabetic() {
            let word = self.word();
            return ([&b"true"[..], b"false", b"null"].contains(&word)).then(|| keyword_object(word));
        }
        let object = self.object(depth)?;
        // `1 0 R` is a reference in lopdf's reading.
        if let Object::Integer(_) = object {
            let save = self.pos;
            self.skip_whitespace();
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                let mut look = self.pos;
                while self.data.get(look).is_some_and(u8::is_ascii_digit) {
                    look += 1;
                }
                while self.data.get(look).copied().is_some_and(is_whitespace) {
                    look += 1;
                }
                if self.data.get(look) == Some(&b'R') {
                    return None;
                }
            }
            self.pos = save;
        }
        Some(object)
    }

    fn dictionary(&mut self, depth: usize) -> Option<Dictionary> {
        self.pos += 2;
        let mut dict = Dictionary::new();
        loop {
            self.skip_whitespace();
            match self.peek()? {
                b'>' if self.data.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return Some(dict);
                }
                b'/' => {
                    let key = self.name()?;
                    self.skip_whitespace();
                    let value = self.element(depth + 1)?;
                    dict.set(key, value);
                }
                _ => return None,
            }
        }
    }

    /// A number as lopdf reads it: a real has a point, an integer fits `i64`;
    /// anything else (`1-2`, `0.5.5`) is left to lopdf.
    fn number(&mut self) -> Option<Object> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || b"+-.".contains(&c)) {
            self.pos += 1;
        }
        let token = &self.data[start..self.pos];
        if self.peek().is_some_and(|c| !is_whitespace(c) && !is_delimiter(c)) {
            return None;
        }
        // A lone point or sign is zero to viewers (`. .59 .84 rg`, `(v)-(e)`); lopdf stops there.
        if !token.iter().any(u8::is_ascii_digit) {
            return Some(Object::Real(0.0));
        }
        let (negative, unsigned) = match token.split_first()? {
            (b'-', rest) => (true, rest),
            (b'+', rest) => (false, rest),
            _ => (false, token),
        };
        let (whole, fraction) = match unsigned.iter().position(|c| *c == b'.') {
            Some(dot) => (&unsigned[..dot], Some(&unsigned[dot + 1..])),
            None => (unsigned, None),
        };
        let digits = |d: &[u8]| d.iter().all(u8::is_ascii_digit);
        match fraction {
            Some(fraction) if digits(whole) && digits(fraction) => {
                std::str::from_utf8(token).ok()?.parse::<f32>().ok().map(Object::Real)
            }
            None if !whole.is_empty() && digits(whole) => {
                let magnitude =
                    whole.iter().try_fold(0u64, |v, d| v.checked_mul(10)?.checked_add(u64::from(d - b'0')))?;
                let value = if negative { 0i64.checked_sub_unsigned(magnitude) } else { i64::try_from(magnitude).ok() };
                value.map(Object::Integer)
            }
            _ => None,
        }
    }

    /// A name without `#` escapes.
    fn name(&mut self) -> Option<Vec<u8>> {
        self.pos += 1;
        let start = self.pos;
        while self.peek().is_some_and(|c| !is_whitespace(c) && !is_delimiter(c)) {
            if self.peek() == Some(b'#') {
                return None;
            }
            self.pos += 1;
        }
        Some(self.data[start..self.pos].to_vec())
    }

    fn literal_string(&mut self) -> Option<Vec<u8>> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 0usize;
        loop {
            let c = self.peek()?;
            self.pos += 1;
            match c {
                b'(' if depth >= MAX_NESTING => return None,
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' if depth == 0 => return Some(out),
                b')' => {
                    depth -= 1;
                    out.push(c);
                }
                b'\r' => {
                    // Any end-of-line marker reads as one line feed.
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                b'\\' => self.escape(&mut out)?,
                _ => out.push(c),
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let c = self.peek()?;
        self.pos += 1;
        match c {
            b'0'..=b'7' => {
                let mut value = u16::from(c - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            value = value * 8 + u16::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                // Overflow is ignored, as the standard says.
                out.push(value as u8);
            }
            b'\r' => {
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            b'\n' => {}
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(b'\x08'),
            b'f' => out.push(b'\x0C'),
            other => out.push(other),
        }
        Some(())
    }

    fn hex_string(&mut self) -> Option<Object> {
        self.pos += 1;
        let digits = self.data[self.pos..].iter().position(|c| *c == b'>').unwrap_or(0);
        let mut out: Vec<u8> = Vec::with_capacity(digits.div_ceil(2));
        let mut high = true;
        loop {
            let c = self.peek()?;
            self.pos += 1;
            if c == b'>' {
                return Some(Object::String(out, StringFormat::Hexadecimal));
            }
            if is_whitespace(c) {
                continue;
            }
            let value = (c as char).to_digit(16)? as u8;
            if high {
                out.push(value << 4);
            } else if let Some(last) = out.last_mut() {
                *last |= value;
            }
            high = !high;
        }
    }
}

fn keyword_object(word: &[u8]) -> Object {
    match word {
        b"true" => Object::Boolean(true),
        b"false" => Object::Boolean(false),
        _ => Object::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// lopdf's reading, up to its first error.
    fn reference(data: &[u8]) -> Vec<Operation<'_>> {
        Content::decode_iter(data).map_while(Result::ok).map(Operation::from).collect()
    }

    fn same(data: &[u8]) {
        let ours: Vec<Operation> = operations(data).collect();
        assert_eq!(format!("{ours:?}"), format!("{:?}", reference(data)), "stream {:?}", String::from_utf8_lossy(data));
    }

    #[test]
    fn common_syntax_reads_as_lopdf_does() {
        for stream in [
            &b"q 1 0 0 -1 0 842 cm BT /F1 9.5 Tf 40 700 Td (Ti\\352u ch\\(i\\)) Tj ET Q"[..],
            b"BT [(A) -120.5 (B) 3 <00410042> .5 (C)] TJ T* (x) ' 1 2 (y) \" ET",
            b"/Span << /MCID 0 /Alt (a) /K [1 2] /N null /B true >> BDC EMC",
            b"0.5 w +3 -4 m -.25 1. l S [3 2] 0 d 1 0 0 RG",
            b"(line\r\nbreak\rx\\\r\ny\\\nz\\0\\53\\0053\\777) Tj <4 1 a> Tj <> Tj () Tj",
            b"/F1 12 Tf(a)Tj/F2 1 Tf<41>Tj",
            b"10 20 30 40 re f* 1 g 0 0 1 rg /GS0 gs /Im1 Do d0 1 2 d1",
            b"   \n\t",
            b"",
        ] {
            same(stream);
        }
    }

    #[test]
    fn an_operator_inside_an_array_is_dropped_and_the_text_kept() {
        let ops: Vec<Operation> = operations(b"BT [(Grandes) 0.0 Tc -250.0 (Clients) ] TJ ET").collect();
        let operators: Vec<&str> = ops.iter().map(|o| o.operator.as_ref()).collect();
        assert_eq!(operators, ["BT", "TJ", "ET"]);
        let Some(Object::Array(items)) = ops[1].operands.first() else { panic!("{ops:?}") };
        assert_eq!(items.len(), 4, "{items:?}");
    }

    #[test]
    fn a_lone_point_or_sign_is_zero_and_the_text_after_it_is_read() {
        let ops: Vec<Operation> = operations(b"q BT /F1 15 Tf . .59 .84 rg 50 750 Td (Test) Tj ET Q").collect();
        let operators: Vec<&str> = ops.iter().map(|o| o.operator.as_ref()).collect();
        assert_eq!(operators, ["q", "BT", "Tf", "rg", "Td", "Tj", "ET", "Q"]);
        assert_eq!(ops[3].operands[0], Object::Real(0.0));
        let ops: Vec<Operation> = operations(b"BT [(v)-(e)] TJ ET").collect();
        let Some(Object::Array(items)) = ops[1].operands.first() else { panic!("{ops:?}") };
        assert_eq!(items.len(), 3, "{items:?}");
    }

    #[test]
    fn unusual_syntax_is_read_by_lopdf() {
        for stream in [
            // A comment inside the operands ends lopdf's reading; one before an operation does not.
            &b"1 0 0 RG % red\n2 w S"[..],
            b"% start\n1 w 2 % mid\n w S",
            b"BT (a) Tj ET BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI BT (b) Tj ET",
            b"[1 0 R] 0 d 0 0 m",
            b"/A#20B Do 1 w",
            b"0.00-4142502 1 m 1-2 3 l 5.5.5 w 99999999999999999999 w",
            b"nullx 1 truey",
            b"1 2 m 3",
            b"(unterminated Tj",
            b"<4G> Tj 1 w",
            b"{ } 1 w",
            b"1 w ) 2 w",
            b"<< /A 1 >> >> BDC",
        ] {
            same(stream);
        }
        let deep = format!("{}1{} w", "[".repeat(40), "]".repeat(40));
        same(deep.as_bytes());
        let nested = format!("{}x{} Tj", "(".repeat(40), ")".repeat(40));
        same(nested.as_bytes());
    }

    proptest::proptest! {
        /// Any mix of common and odd tokens reads exactly as lopdf reads it.
        #[test]
        fn token_soup_reads_as_lopdf(tokens in proptest::collection::vec(proptest::sample::select(vec![
            "1", "-2", "+3", ".5", "4.", "0.00-1", "1-2", "99999999999999999999", "0", "R", "Tj", "TJ", "'", "\"",
            "T*", "BT", "ET", "BI", "ID", "EI", "/F1", "/A#20B", "/", "(a)", "(b\\)c)", "(\\", "((x))", "(", ")",
            "<41>", "<4 1>", "<4G>", "<", ">", "<<", ">>", "[", "]", "{", "%c\n", "%", "true", "false", "null",
            "nullx", " ", "\n", "\r\n", "\t", "\x00", "\u{e9}",
        ]), 0..24)) {
            // Joined without spaces, keywords glue into words (`nulltrue`).
            if !word_in_array(&tokens, true) && !point_left_alone(&tokens.concat()) {
                same(tokens.concat().as_bytes());
            }
            if !word_in_array(&tokens, false) {
                same(tokens.join(" ").as_bytes());
            }
        }
    }

    /// Whether a word glued to a number took its digits and left its point
    /// alone (`R4.(a)` is `R4`, `.`, `(a)`): a lone point is zero to parcheck,
    /// as to viewers, where lopdf stops reading.
    fn point_left_alone(stream: &str) -> bool {
        let bytes = stream.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let start = at;
            while bytes.get(at).is_some_and(|&c| is_operator_char(c)) {
                at += 1;
            }
            let number_start = at;
            while bytes.get(at).is_some_and(|c| b"0123456789+-.".contains(c)) {
                at += 1;
            }
            let word = &bytes[start..number_start];
            let number = &bytes[number_start..at];
            if word.first().is_some_and(|c| !c.is_ascii_digit())
                && !number.is_empty()
                && !number.iter().any(u8::is_ascii_digit)
            {
                return true;
            }
            at = at.max(start + 1);
        }
        false
    }

    /// Whether an array may hold a bare word: there parcheck drops the
    /// operator and keeps the array (`[(a) 0.0 Tc (b)] TJ`, as viewers read
    /// it), where lopdf stops reading.
    fn word_in_array(tokens: &[&str], keywords_too: bool) -> bool {
        let Some(open) = tokens.iter().position(|t| *t == "[") else { return false };
        tokens[open..].iter().any(|t| {
            t.starts_with(|c: char| c.is_ascii_alphabetic())
                && (keywords_too || !matches!(*t, "true" | "false" | "null"))
        })
    }
}
