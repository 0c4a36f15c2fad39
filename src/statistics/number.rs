//! Counts as reports print them: `1.386` (thousands dot), `6.415,8` (decimal
//! comma), `02` (leading zero), `(12,5)` and `-` in tables. Unlike scores, a
//! count's single dot before three digits groups thousands; `1.2.3` is a code.

use std::str::FromStr;

use rust_decimal::Decimal;

/// A number as printed: its value and how many decimals it shows (the
/// precision a stated ratio is compared at).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printed {
    pub value: Decimal,
    pub decimals: u32,
}

impl Printed {
    /// Half a unit of the last printed digit: a difference within it is rounding.
    pub fn half_unit(&self) -> Decimal {
        Decimal::new(5, self.decimals + 1)
    }
}

/// The finest precision a printed number is compared at.
const MAX_DECIMALS: usize = 12;

/// Values this large are not counts (and would overflow a sum).
const ABSURD: i64 = 1_000_000_000_000_000;

/// Parses digits with Vietnamese separators (no sign, no unit). `None` for
/// codes (`1.2.3`), mixed groupings and anything that is not one number.
pub fn parse_count(text: &str) -> Option<Printed> {
    let t = text.trim();
    if t.is_empty() || !t.starts_with(|c: char| c.is_ascii_digit()) || !t.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if !t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let (int_part, frac) = match (t.matches(',').count(), t.matches('.').count()) {
        (0, 0) => (t.to_owned(), ""),
        // 1.234 / 1.234.567 (thousands), 6.415,8 (thousands and decimal comma).
        (0 | 1, _) if thousands(t.split(',').next()?) => {
            let mut parts = t.splitn(2, ',');
            (parts.next()?.replace('.', ""), parts.next().unwrap_or(""))
        }
        // 97,74 (decimal comma).
        (1, 0) => {
            let (i, f) = t.split_once(',')?;
            (i.to_owned(), f)
        }
        // 92.3 (a decimal dot, as some converters print): one dot, not three digits after it.
        (0, 1) => {
            let (i, f) = t.split_once('.')?;
            (i.to_owned(), f)
        }
        // 1,234,567 (thousands commas).
        (_, 0) if t.split(',').skip(1).all(|g| g.len() == 3) && t.split(',').next()?.len() <= 3 => {
            (t.replace(',', ""), "")
        }
        _ => return None,
    };
    let canonical = if frac.is_empty() { int_part } else { format!("{int_part}.{frac}") };
    let value = Decimal::from_str(&canonical).ok()?;
    if value >= Decimal::from(ABSURD) {
        return None;
    }
    // A raw spreadsheet float (0.307692307692308) shows its binary noise, not a precision.
    Some(Printed { value, decimals: frac.len().min(MAX_DECIMALS) as u32 })
}

/// `1.234` or `12.345.678`: thousands groups after a first group of one to three digits.
fn thousands(t: &str) -> bool {
    let mut groups = t.split('.');
    let first = groups.next().unwrap_or_default();
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && !first.is_empty()
        && first.len() <= 3
        && !first.starts_with('0')
        && rest.iter().all(|g| g.len() == 3)
}

/// A table cell's number: a count, `(12,5)` or `-12,5` negative, `-` zero,
/// a trailing `%` remembered. `None` for blank and for text.
pub fn parse_cell(text: &str) -> Option<CellNumber> {
    let t: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{200B}').collect();
    if matches!(t.as_str(), "-" | "–" | "—") {
        return Some(CellNumber { printed: Printed { value: Decimal::ZERO, decimals: 0 }, percent: false });
    }
    let (t, percent) = match t.strip_suffix('%') {
        Some(rest) => (rest, true),
        None => (t.as_str(), false),
    };
    let (body, negative) = if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        (inner, true)
    } else if let Some(rest) = t.strip_prefix(['-', '−']) {
        (rest, true)
    } else {
        (t, false)
    };
    let mut printed = parse_count(body)?;
    if negative {
        printed.value = -printed.value;
    }
    Some(CellNumber { printed, percent })
}

/// A number read from a table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellNumber {
    pub printed: Printed,
    /// The cell shows a `%` sign.
    pub percent: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<String> {
        parse_count(text).map(|p| p.value.to_string())
    }

    #[test]
    fn counts_follow_vietnamese_separators() {
        assert_eq!(value("1.386").as_deref(), Some("1386"));
        assert_eq!(value("6.415,8").as_deref(), Some("6415.8"));
        assert_eq!(value("97,74").as_deref(), Some("97.74"));
        assert_eq!(value("02").as_deref(), Some("2"));
        assert_eq!(value("92.3").as_deref(), Some("92.3"));
        assert_eq!(value("0.125").as_deref(), Some("0.125"));
        assert_eq!(value("1.234.567").as_deref(), Some("1234567"));
        assert_eq!(parse_count("6.415,8").map(|p| p.decimals), Some(1));
        let float = parse_count("0.3076923076923076923076923077").expect("a raw float");
        assert_eq!(float.decimals, 12);
        assert!(float.half_unit() > rust_decimal::Decimal::ZERO);
    }

    #[test]
    fn codes_and_odd_groupings_are_not_counts() {
        assert_eq!(value("1.2.3"), None);
        assert_eq!(value("3.1.3"), None);
        assert_eq!(value("1,2,3"), None);
        assert_eq!(value("12.34.5"), None);
        assert_eq!(value(""), None);
    }

    #[test]
    fn cells_read_dashes_brackets_and_percent_signs() {
        let cell = |t: &str| parse_cell(t).map(|c| (c.printed.value.to_string(), c.percent));
        assert_eq!(cell("-"), Some(("0".into(), false)));
        assert_eq!(cell("(3)"), Some(("-3".into(), false)));
        assert_eq!(cell("30.8%"), Some(("30.8".into(), true)));
        assert_eq!(cell("2.401"), Some(("2401".into(), false)));
        assert_eq!(cell(""), None);
        assert_eq!(cell("Tổng cộng"), None);
    }
}
