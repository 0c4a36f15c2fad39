//! A small spreadsheet formula evaluator for cells saved without a cached
//! value (workbooks written by scripts and portals: `=SUM(D5:D9)`, `=D5+D6`).
//!
//! It covers what scoring tables use: numbers, cell and range references on
//! the same or another sheet (`D5`, `$D$5`, `'Bảng 2'!D5:D9`), `+ - * /`,
//! unary minus, parentheses, `SUM`, `ROUND`, `MIN`, `MAX`; blank cells count
//! as 0. Arithmetic is exact (`rust_decimal`). Anything else (other functions,
//! text operands, division by zero, reference cycles, nesting past the depth
//! limit, more cell visits than the work limit) is a [`Failure`]: the caller
//! leaves the cell empty and says so, it never guesses.
//!
//! A maintained engine (IronCalc's `ironcalc_base`) was considered: it brings
//! a full function library and its own workbook model, far more build time
//! than these few operators need on a 2-core machine.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// Why a formula was not computed; the caller words the note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Syntax or a function/operator outside the supported set.
    Unsupported,
    /// A referenced sheet that does not exist.
    UnknownSheet,
    /// A text operand, an error value, division by zero, overflow.
    Value,
    /// The formula refers back to itself.
    Cycle,
    /// Nesting or the total work exceeded the limits.
    TooDeep,
}

impl Failure {
    /// The reason in the user's language.
    pub fn message(&self) -> &'static str {
        match self {
            Failure::Unsupported => "công thức có hàm hoặc phép toán chưa hỗ trợ",
            Failure::UnknownSheet => "công thức tham chiếu trang tính không tồn tại",
            Failure::Value => "công thức gặp ô chữ, ô lỗi hoặc phép chia cho 0",
            Failure::Cycle => "công thức tham chiếu vòng tròn",
            Failure::TooDeep => "công thức lồng quá sâu hoặc quá nhiều ô",
        }
    }
}

/// What a cell holds, as the evaluator needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Content<'a> {
    Blank,
    Number(Decimal),
    Text(&'a str),
    /// An error value or anything not usable as a number.
    Error,
    /// A formula without a cached value (text without the leading `=`).
    Formula(&'a str),
}

/// The workbook as the evaluator sees it. Positions are 0-based (row, column).
pub trait Cells {
    fn sheet_index(&self, name: &str) -> Option<usize>;
    fn content(&self, sheet: usize, pos: (u32, u32)) -> Content<'_>;
    /// The used cells inside the rectangle with their contents, in any order;
    /// bounded by the used cells (a range over a whole column costs what it holds).
    fn used_in(&self, sheet: usize, from: (u32, u32), to: (u32, u32)) -> Vec<((u32, u32), Content<'_>)>;
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Number(Decimal),
    Range { sheet: usize, from: (u32, u32), to: (u32, u32) },
}

/// Evaluates formulas of one workbook, remembering each computed cell.
pub struct Evaluator<'c, C: Cells> {
    cells: &'c C,
    memo: HashMap<(usize, (u32, u32)), Result<Decimal, Failure>>,
    in_progress: Vec<(usize, (u32, u32))>,
    max_depth: usize,
    work_left: usize,
}

impl<'c, C: Cells> Evaluator<'c, C> {
    /// `max_depth` bounds nesting of references and parentheses; `max_work`
    /// the cell visits for the whole workbook.
    pub fn new(cells: &'c C, max_depth: usize, max_work: usize) -> Self {
        Evaluator { cells, memo: HashMap::new(), in_progress: Vec::new(), max_depth, work_left: max_work }
    }

    /// The value of a formula cell without a cached value.
    pub fn cell(&mut self, sheet: usize, pos: (u32, u32)) -> Result<Decimal, Failure> {
        match self.cells.content(sheet, pos) {
            Content::Formula(text) => self.formula_at(sheet, pos, text),
            other => number_of(&other),
        }
    }

    /// Evaluates `text` (without `=`) as if it were written on `sheet`.
    pub fn formula(&mut self, sheet: usize, text: &str) -> Result<Decimal, Failure> {
        let mut parser = Parser { src: text.as_bytes(), at: 0, sheet, depth: 0 };
        let value = parser.expr(self)?;
        parser.skip_spaces();
        if parser.at != parser.src.len() {
            return Err(Failure::Unsupported);
        }
        self.number(value)
    }

    fn formula_at(&mut self, sheet: usize, pos: (u32, u32), text: &str) -> Result<Decimal, Failure> {
        let key = (sheet, pos);
        if let Some(done) = self.memo.get(&key) {
            return done.clone();
        }
        if self.in_progress.contains(&key) {
            return Err(Failure::Cycle);
        }
        if self.in_progress.len() >= self.max_depth {
            return Err(Failure::TooDeep);
        }
        self.in_progress.push(key);
        let result = self.formula(sheet, text);
        self.in_progress.pop();
        self.memo.insert(key, result.clone());
        result
    }

    fn spend(&mut self, n: usize) -> Result<(), Failure> {
        self.work_left = self.work_left.checked_sub(n).ok_or(Failure::TooDeep)?;
        Ok(())
    }

    fn number(&mut self, value: Value) -> Result<Decimal, Failure> {
        match value {
            Value::Number(n) => Ok(n),
            // A single-cell range used as a number is that cell.
            Value::Range { sheet, from, to } if from == to => {
                self.spend(1)?;
                self.cell(sheet, from)
            }
            Value::Range { .. } => Err(Failure::Value),
        }
    }

    /// Numbers of a SUM/MIN/MAX argument: text and blanks inside ranges are skipped, as Excel does.
    fn numbers(&mut self, value: Value, out: &mut Vec<Decimal>) -> Result<(), Failure> {
        match value {
            Value::Number(n) => out.push(n),
            Value::Range { sheet, from, to } => {
                let cells = self.cells;
                let used = cells.used_in(sheet, from, to);
                self.spend(used.len().max(1))?;
                for (pos, content) in used {
                    match content {
                        Content::Number(n) => out.push(n),
                        Content::Formula(text) => out.push(self.formula_at(sheet, pos, text)?),
                        Content::Error => return Err(Failure::Value),
                        Content::Blank | Content::Text(_) => {}
                    }
                }
            }
        }
        Ok(())
    }
}

/// A literal cell as a number: blank is 0, numeric text is its number.
fn number_of(content: &Content<'_>) -> Result<Decimal, Failure> {
    match content {
        Content::Blank => Ok(Decimal::ZERO),
        Content::Number(n) => Ok(*n),
        Content::Text(t) => Decimal::from_str(t.trim()).map_err(|_| Failure::Value),
        Content::Error | Content::Formula(_) => Err(Failure::Value),
    }
}

struct Parser<'s> {
    src: &'s [u8],
    at: usize,
    sheet: usize,
    depth: usize,
}

impl Parser<'_> {
    fn skip_spaces(&mut self) {
        while self.src.get(self.at).is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_spaces();
        self.src.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expr<C: Cells>(&mut self, ev: &mut Evaluator<'_, C>) -> Result<Value, Failure> {
        self.depth += 1;
        if self.depth > ev.max_depth {
            return Err(Failure::TooDeep);
        }
        let mut left = self.term(ev)?;
        while let Some(op @ (b'+' | b'-')) = self.peek() {
            self.at += 1;
            let right = self.term(ev)?;
            let (a, b) = (ev.number(left)?, ev.number(right)?);
            let sum = if op == b'+' { a.checked_add(b) } else { a.checked_sub(b) };
            left = Value::Number(sum.ok_or(Failure::Value)?);
        }
        self.depth -= 1;
        Ok(left)
    }

    fn term<C: Cells>(&mut self, ev: &mut Evaluator<'_, C>) -> Result<Value, Failure> {
        let mut left = self.unary(ev)?;
        while let Some(op @ (b'*' | b'/')) = self.peek() {
            self.at += 1;
            let right = self.unary(ev)?;
            let (a, b) = (ev.number(left)?, ev.number(right)?);
            let product = if op == b'*' { a.checked_mul(b) } else { a.checked_div(b) };
            left = Value::Number(product.ok_or(Failure::Value)?);
        }
        Ok(left)
    }

    fn unary<C: Cells>(&mut self, ev: &mut Evaluator<'_, C>) -> Result<Value, Failure> {
        if self.eat(b'-') {
            let value = self.unary(ev)?;
            return Ok(Value::Number(-ev.number(value)?));
        }
        if self.eat(b'+') {
            return self.unary(ev);
        }
        self.primary(ev)
    }

    fn primary<C: Cells>(&mut self, ev: &mut Evaluator<'_, C>) -> Result<Value, Failure> {
        match self.peek() {
            Some(b'(') => {
                self.at += 1;
                let value = self.expr(ev)?;
                if !self.eat(b')') {
                    return Err(Failure::Unsupported);
                }
                Ok(value)
            }
            Some(b) if b.is_ascii_digit() || b == b'.' => self.number_literal(),
            Some(_) => self.reference_or_call(ev),
            None => Err(Failure::Unsupported),
        }
    }

    fn number_literal(&mut self) -> Result<Value, Failure> {
        let start = self.at;
        while self.src.get(self.at).is_some_and(|b| b.is_ascii_digit() || *b == b'.') {
            self.at += 1;
        }
        let text = std::str::from_utf8(&self.src[start..self.at]).map_err(|_| Failure::Unsupported)?;
        Decimal::from_str(text).map(Value::Number).map_err(|_| Failure::Unsupported)
    }

    fn reference_or_call<C: Cells>(&mut self, ev: &mut Evaluator<'_, C>) -> Result<Value, Failure> {
        let (sheet, word) = if self.peek() == Some(b'\'') {
            let name = self.quoted_sheet()?;
            (Some(name), self.word())
        } else {
            let word = self.word();
            if self.src.get(self.at) == Some(&b'!') {
                self.at += 1;
                (Some(word), self.word())
            } else {
                (None, word)
            }
        };
        let sheet = match sheet {
            Some(name) => ev.cells.sheet_index(&name).ok_or(Failure::UnknownSheet)?,
            None => self.sheet,
        };
        if word.is_empty() {
            return Err(Failure::Unsupported);
        }
        if self.peek() == Some(b'(') {
            self.at += 1;
            return self.call(ev, &word);
        }
        let from = cell_position(&word).ok_or(Failure::Unsupported)?;
        if self.eat(b':') {
            let end = self.word();
            let to = cell_position(&end).ok_or(Failure::Unsupported)?;
            let (top, bottom) = (from.0.min(to.0), from.0.max(to.0));
            let (left, right) = (from.1.min(to.1), from.1.max(to.1));
            return Ok(Value::Range { sheet, from: (top, left), to: (bottom, right) });
        }
        Ok(Value::Range { sheet, from, to: from })
    }

    /// `'Sheet name'!` with `''` standing for a quote.
    fn quoted_sheet(&mut self) -> Result<String, Failure> {
        self.at += 1;
        let mut name = Vec::new();
        loop {
            match self.src.get(self.at) {
                Some(b'\'') if self.src.get(self.at + 1) == Some(&b'\'') => {
                    name.push(b'\'');
                    self.at += 2;
                }
                Some(b'\'') => {
                    self.at += 1;
                    break;
                }
                Some(&b) => {
                    name.push(b);
                    self.at += 1;
                }
                None => return Err(Failure::Unsupported),
            }
        }
        if self.src.get(self.at) != Some(&b'!') {
            return Err(Failure::Unsupported);
        }
        self.at += 1;
        String::from_utf8(name).map_err(|_| Failure::Unsupported)
    }

    /// A name, function name or cell reference (letters, digits, `$`, `_`, `.`, non-ASCII).
    fn word(&mut self) -> String {
        self.skip_spaces();
        let start = self.at;
        while self
            .src
            .get(self.at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'$' | b'_' | b'.') || *b >= 0x80)
        {
            self.at += 1;
        }
        String::from_utf8_lossy(&self.src[start..self.at]).into_owned()
    }

    fn call<C: Cells>(&mut self, ev: &mut Evaluator<'_, C>, name: &str) -> Result<Value, Failure> {
        let mut args = Vec::new();
        if !self.eat(b')') {
            loop {
                args.push(self.expr(ev)?);
                if self.eat(b')') {
                    break;
                }
                if !self.eat(b',') && !self.eat(b';') {
                    return Err(Failure::Unsupported);
                }
            }
        }
        let name = name.to_ascii_uppercase();
        let name = name.strip_prefix("_XLFN.").unwrap_or(&name);
        match name {
            "SUM" | "MIN" | "MAX" => {
                let mut numbers = Vec::new();
                for arg in args {
                    ev.numbers(arg, &mut numbers)?;
                }
                let result = match name {
                    "SUM" => numbers.iter().try_fold(Decimal::ZERO, |acc, n| acc.checked_add(*n)),
                    "MIN" => Some(numbers.iter().copied().min().unwrap_or(Decimal::ZERO)),
                    _ => Some(numbers.iter().copied().max().unwrap_or(Decimal::ZERO)),
                };
                result.map(Value::Number).ok_or(Failure::Value)
            }
            "ROUND" => {
                let [value, digits] = args[..] else { return Err(Failure::Unsupported) };
                let (value, digits) = (ev.number(value)?, ev.number(digits)?);
                round(value, digits).map(Value::Number)
            }
            _ => Err(Failure::Unsupported),
        }
    }
}

/// Excel's ROUND: half away from zero; negative digits round to tens, hundreds …
fn round(value: Decimal, digits: Decimal) -> Result<Decimal, Failure> {
    let digits = i32::try_from(digits.trunc().mantissa()).map_err(|_| Failure::Value)?.clamp(-20, 20);
    if digits >= 0 {
        return Ok(value.round_dp_with_strategy(digits as u32, RoundingStrategy::MidpointAwayFromZero));
    }
    let scale = Decimal::from(10i64.pow(digits.unsigned_abs()));
    let scaled = value.checked_div(scale).ok_or(Failure::Value)?;
    scaled.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).checked_mul(scale).ok_or(Failure::Value)
}

/// `D5`, `$D$5`, `xfd1048576` → 0-based (row, column).
pub fn cell_position(reference: &str) -> Option<(u32, u32)> {
    let text = reference.replace('$', "");
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let col = letters.bytes().fold(0u32, |acc, b| acc * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)) - 1;
    let row: u32 = digits.parse().ok()?;
    ((1..=1_048_576).contains(&row) && col < 16_384).then(|| (row - 1, col))
}

/// 0-based (row, column) → `D5`.
pub fn cell_name(pos: (u32, u32)) -> String {
    let mut col = pos.1 + 1;
    let mut letters = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        letters.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), pos.0 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Sheets of literal text: numbers, `=formulas`, other text.
    type SheetText = BTreeMap<(u32, u32), String>;
    struct Book(Vec<(String, SheetText)>);

    impl Book {
        fn new(sheets: &[(&str, &[(&str, &str)])]) -> Self {
            Book(
                sheets
                    .iter()
                    .map(|(name, cells)| {
                        let cells = cells.iter().map(|(r, v)| (cell_position(r).unwrap(), v.to_string())).collect();
                        (name.to_string(), cells)
                    })
                    .collect(),
            )
        }
    }

    impl Cells for Book {
        fn sheet_index(&self, name: &str) -> Option<usize> {
            self.0.iter().position(|(n, _)| n == name)
        }
        fn content(&self, sheet: usize, pos: (u32, u32)) -> Content<'_> {
            match self.0[sheet].1.get(&pos) {
                None => Content::Blank,
                Some(v) if v.starts_with('=') => Content::Formula(&v[1..]),
                Some(v) if v.starts_with('#') => Content::Error,
                Some(v) => Decimal::from_str(v).map(Content::Number).unwrap_or(Content::Text(v)),
            }
        }
        fn used_in(&self, sheet: usize, from: (u32, u32), to: (u32, u32)) -> Vec<((u32, u32), Content<'_>)> {
            self.0[sheet]
                .1
                .keys()
                .filter(|(r, c)| (from.0..=to.0).contains(r) && (from.1..=to.1).contains(c))
                .map(|&pos| (pos, self.content(sheet, pos)))
                .collect()
        }
    }

    fn eval(book: &Book, cell: &str) -> Result<Decimal, Failure> {
        Evaluator::new(book, 64, 10_000).cell(0, cell_position(cell).unwrap())
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn sums_chains_and_exact_decimals() {
        let book = Book::new(&[(
            "Bảng",
            &[
                ("D5", "0.1"),
                ("D6", "0.2"),
                ("D7", "tiêu chí"),
                ("D9", "=SUM(D5:D8)"),
                ("D10", "=D9+$D$5*2-(D6/4)"),
                ("D11", "=ROUND(D10/3, 2)"),
                ("D12", "=-D5 + MAX(D5:D6) - MIN(D5,D6)"),
                ("D13", "=ROUND(1234.5, -2)"),
                ("D14", "=round(2.5;0)"),
            ],
        )]);
        assert_eq!(eval(&book, "D9"), Ok(dec("0.3")));
        assert_eq!(eval(&book, "D10"), Ok(dec("0.45")));
        assert_eq!(eval(&book, "D11"), Ok(dec("0.15")));
        assert_eq!(eval(&book, "D12"), Ok(dec("0.0")));
        assert_eq!(eval(&book, "D13"), Ok(dec("1200")));
        assert_eq!(eval(&book, "D14"), Ok(dec("3")));
        // A blank reference counts as 0.
        assert_eq!(Evaluator::new(&book, 64, 100).formula(0, "D5+Z99"), Ok(dec("0.1")));
    }

    #[test]
    fn other_sheets_by_plain_and_quoted_names() {
        let book = Book::new(&[
            ("Tổng hợp", &[("B1", "='Bảng điểm'!C2+Data!A1"), ("B2", "=SUM('Bảng điểm'!C1:C3)")]),
            ("Bảng điểm", &[("C1", "1.5"), ("C2", "2"), ("C3", "=C1*2")]),
            ("Data", &[("A1", "10")]),
        ]);
        assert_eq!(eval(&book, "B1"), Ok(dec("12")));
        assert_eq!(eval(&book, "B2"), Ok(dec("6.5")));
        assert_eq!(Evaluator::new(&book, 64, 100).formula(0, "Khác!A1"), Err(Failure::UnknownSheet));
    }

    #[test]
    fn what_cannot_be_computed_fails() {
        let book = Book::new(&[(
            "S",
            &[
                ("A1", "=A2"),
                ("A2", "=A1+1"),
                ("A3", "=IF(A4>1,1,0)"),
                ("A4", "chữ"),
                ("A5", "=A4+1"),
                ("A6", "=1/0"),
                ("A7", "=#REF!+1"),
                ("A8", "=SUM(A9)"),
                ("A9", "#DIV/0!"),
                ("A10", "=1+"),
            ],
        )]);
        assert_eq!(eval(&book, "A1"), Err(Failure::Cycle));
        assert_eq!(eval(&book, "A3"), Err(Failure::Unsupported));
        assert_eq!(eval(&book, "A5"), Err(Failure::Value));
        assert_eq!(eval(&book, "A6"), Err(Failure::Value));
        assert!(eval(&book, "A7").is_err());
        assert_eq!(eval(&book, "A8"), Err(Failure::Value));
        assert_eq!(eval(&book, "A10"), Err(Failure::Unsupported));
    }

    #[test]
    fn depth_and_work_are_bounded() {
        let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
        let book = Book::new(&[("S", &[("A1", "1")])]);
        assert_eq!(Evaluator::new(&book, 64, 100).formula(0, &deep), Err(Failure::TooDeep));
        let chain: Vec<(String, String)> = (2..200).map(|r| (format!("A{r}"), format!("=A{}+1", r - 1))).collect();
        let refs: Vec<(&str, &str)> = chain.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let book = Book::new(&[("S", &refs)]);
        assert_eq!(eval(&book, "A199"), Err(Failure::TooDeep));
        assert_eq!(Evaluator::new(&book, 64, 1).formula(0, "SUM(A1:A5)"), Err(Failure::TooDeep));
    }

    #[test]
    fn cell_names_round_trip() {
        assert_eq!(cell_position("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_name((1_048_575, 16_383)), "XFD1048576");
        assert_eq!(cell_name((4, 3)), "D5");
        assert_eq!(cell_position("$AA$10"), Some((9, 26)));
        assert_eq!(cell_position("XFE1"), None);
        assert_eq!(cell_position("A0"), None);
    }
}
