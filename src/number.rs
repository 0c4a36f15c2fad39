//! Score numbers as clerks type them: `97,74`, `11.8`, `8,0`, `12,9491`,
//! `1.000,5`, `0,5 điểm`, with NBSP and stray spaces. Parsed exactly into
//! [`Decimal`]; never through binary floating point.

use rust_decimal::Decimal;
use std::str::FromStr;

/// Parses a cell that should hold one score. Returns `None` for empty cells,
/// dashes and anything that is not a single number (text, two numbers, dates).
pub fn parse_score(text: &str) -> Option<Decimal> {
    // Most score cells (and a rubric's options) are digits with at most one
    // `.` or `,` between digits (`7`, `0.5`, `0,5`): read without the copies
    // below, the separator a decimal one as `canonical_decimal` reads it once.
    let (int, frac) = text.split_once(['.', ',']).unwrap_or((text, ""));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let separated = int.len() < text.len();
    if digits(int) && (!separated || digits(frac)) {
        // Up to 18 digits the decimal is made from them as `from_str` makes
        // it (its scale the places written), without the parser or a copy.
        let value = if int.len() + frac.len() <= 18 {
            let mantissa = int.bytes().chain(frac.bytes()).fold(0, |m, b| m * 10 + i64::from(b - b'0'));
            Ok(Decimal::new(mantissa, frac.len() as u32))
        } else if text.as_bytes().get(int.len()) == Some(&b',') {
            Decimal::from_str(&format!("{int}.{frac}"))
        } else {
            Decimal::from_str(text)
        };
        return value.ok().filter(|v| *v < Decimal::from(ABSURD));
    }
    // Digits and separators alone (`1.000.000`, or a rubric's code `1.1.2`):
    // nothing to strip or join, no copies made to look for it.
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',') {
        return unsigned_value(text);
    }
    let spaced: String = text
        .chars()
        .map(|c| if matches!(c, '\u{00A0}' | '\u{202F}') { ' ' } else { c })
        .filter(|c| *c != '\u{200B}' && *c != '\u{FEFF}')
        .collect();
    // Two digit groups apart ("4 4") are two numbers, not one.
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    if tokens
        .windows(2)
        .any(|w| w[0].ends_with(|c: char| c.is_ascii_digit()) && w[1].starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    let mut s: String = tokens.concat();
    // A unit after the number: "0,5đ", "2 điểm", "98,52/100".
    for suffix in ["điểm", "Điểm", "ĐIỂM", "đ", "Đ", "/100"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = stripped.to_owned();
            break;
        }
    }
    // Wrapped in brackets or quotes by some converters: "(2)" stays text, "'0,5" is Excel's text prefix.
    let s = s.trim_start_matches('\'').trim_start_matches('+');
    if s.is_empty() {
        return None;
    }
    let (negative, body) = match s.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let value = unsigned_value(body)?;
    Some(if negative { -value } else { value })
}

/// The value of digits with `,`/`.` separators ([`canonical_decimal`]);
/// `None` for anything else.
fn unsigned_value(body: &str) -> Option<Decimal> {
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return None;
    }
    let canonical = canonical_decimal(body)?;
    let value = Decimal::from_str(&canonical).ok()?;
    // No score is near a trillion: such a cell is garbage, and summing values
    // near Decimal's limit (7.9·10²⁸) would overflow.
    (value < Decimal::from(ABSURD)).then_some(value)
}

/// The magnitude from which a "score" is not read as one (10¹²).
const ABSURD: i64 = 1_000_000_000_000;

/// Turns digits with `,`/`.` separators into `digits[.digits]`.
///
/// * both separators present: the last one is the decimal separator, the other
///   groups thousands (`1.000,5`, `1,000.5`);
/// * one kind, several times: thousands groups of three (`1.000.000`);
/// * one kind, once: the decimal separator (`97,74`, `11.8`, `1.000` = 1 — a
///   score is never a thousand).
fn canonical_decimal(body: &str) -> Option<String> {
    let commas = body.matches(',').count();
    let dots = body.matches('.').count();
    let (decimal_sep, group_sep) = match (commas, dots) {
        (0, 0) => return Some(body.to_owned()),
        (_, 0) if commas > 1 => (None, Some(',')),
        (0, _) if dots > 1 => (None, Some('.')),
        (_, 0) => (Some(','), None),
        (0, _) => (Some('.'), None),
        _ => {
            let last_comma = body.rfind(',')?;
            let last_dot = body.rfind('.')?;
            if last_comma > last_dot {
                (Some(','), Some('.'))
            } else {
                (Some('.'), Some(','))
            }
        }
    };
    let (int_part, frac_part) = match decimal_sep {
        Some(sep) => {
            let pos = body.rfind(sep)?;
            (&body[..pos], Some(&body[pos + 1..]))
        }
        None => (body, None),
    };
    let int_digits = match group_sep {
        Some(sep) => {
            let groups: Vec<&str> = int_part.split(sep).collect();
            let well_grouped = groups.len() > 1
                && !groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3);
            if !well_grouped {
                return None;
            }
            groups.concat()
        }
        None => int_part.to_owned(),
    };
    if !int_digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let int_digits = if int_digits.is_empty() { "0".to_owned() } else { int_digits };
    match frac_part {
        Some(f) if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) => None,
        Some(f) => Some(format!("{int_digits}.{f}")),
        None => Some(int_digits),
    }
}

/// Formats a decimal the way Vietnamese documents write it (`97,74`), for messages.
pub fn format_vi(value: Decimal) -> String {
    value.normalize().to_string().replace('.', ",")
}

/// `value.to_string()` written by hand: the formatter's machinery (its
/// padding alone) was most of the cost, and a big sheet's grid and report
/// print some 55,000 decimals. A mantissa past `u64` goes the usual way.
pub fn decimal_text(value: Decimal) -> String {
    let Ok(mut mantissa) = u64::try_from(value.mantissa().unsigned_abs()) else { return value.to_string() };
    let scale = value.scale() as usize;
    // The digits, last first: at most 20 of a u64, and zeros up to one before the point (scale ≤ 28).
    let mut reversed = [b'0'; 29];
    let mut len = 0;
    while mantissa > 0 {
        reversed[len] = b'0' + (mantissa % 10) as u8;
        mantissa /= 10;
        len += 1;
    }
    let len = len.max(scale + 1);
    let mut text = String::with_capacity(len + 2);
    // Negative zero too, as `Display` writes it.
    if value.is_sign_negative() {
        text.push('-');
    }
    for (i, &digit) in reversed[..len].iter().rev().enumerate() {
        if i == len - scale {
            text.push('.');
        }
        text.push(char::from(digit));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn reads_the_forms_seen_in_the_seeds() {
        assert_eq!(parse_score("97,74"), Some(d("97.74")));
        assert_eq!(parse_score("50000000000000000000000000000"), None, "absurd magnitude");
        assert_eq!(parse_score("-1000000000000"), None);
        assert_eq!(parse_score("999999999999"), Some(d("999999999999")));
        assert_eq!(parse_score("11.8"), Some(d("11.8")));
        assert_eq!(parse_score("0,81"), Some(d("0.81")));
        assert_eq!(parse_score("12,9491"), Some(d("12.9491")));
        assert_eq!(parse_score("8,0"), Some(d("8.0")));
        assert_eq!(parse_score(" 3,7 "), Some(d("3.7")));
        assert_eq!(parse_score("\u{00A0}1\u{00A0}"), Some(d("1")));
        assert_eq!(parse_score("1.000,5"), Some(d("1000.5")));
        assert_eq!(parse_score("1,000.5"), Some(d("1000.5")));
        assert_eq!(parse_score("1.000.000"), Some(d("1000000")));
        assert_eq!(parse_score("0,5 điểm"), Some(d("0.5")));
        assert_eq!(parse_score("98,52/100"), Some(d("98.52")));
        assert_eq!(parse_score(",5"), Some(d("0.5")));
        assert_eq!(parse_score("-0,25"), Some(d("-0.25")));
        // Digits and one dot are read as written, their decimal places kept.
        assert_eq!(parse_score("1.000").map(|v| v.scale()), Some(3));
        assert_eq!(parse_score("0.5"), Some(d("0.5")));
    }

    #[test]
    fn invisible_marks_around_a_number_are_dropped() {
        // Word and Excel exports leave zero-width spaces and byte-order marks in cells.
        assert_eq!(parse_score("\u{FEFF}2,5\u{200B}"), Some(d("2.5")));
        assert_eq!(parse_score("1\u{200B}0"), Some(d("10")));
    }

    #[test]
    fn comma_thousand_groups_read_like_dot_groups() {
        assert_eq!(parse_score("1,000,000"), Some(d("1000000")));
        assert_eq!(parse_score("1.000.000"), Some(d("1000000")));
        assert_eq!(parse_score("1,00,0"), None);
        // The first group has one to three digits, every later group exactly three.
        assert_eq!(parse_score("1000,000,000"), None);
        assert_eq!(parse_score("1234.567.890"), None);
        assert_eq!(parse_score(",000,000"), None);
        assert_eq!(parse_score("5,"), None);
    }

    #[test]
    fn only_digits_and_separators_make_a_number() {
        // rust_decimal itself would read "1_5" as 15 and "1e5" as scientific notation.
        for s in ["1_5", "1_000", "2e1", "0x10", "1 _5"] {
            assert_eq!(parse_score(s), None, "{s:?}");
        }
    }

    #[test]
    fn rejects_what_is_not_one_number() {
        for s in [
            "",
            " ",
            "-",
            "x",
            "4 4",
            "1.1.1",
            "12/11/2021",
            "UBND cấp huyện thực hiện",
            "1,2,3",
            "5.",
            "1.00.0",
            "2.5.3",
        ] {
            assert_eq!(parse_score(s), None, "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn decimal_comma_and_dot_read_alike(int in 0u32..1000, frac in 0u32..10000, width in 1usize..5) {
            let frac = format!("{:0width$}", frac % 10u32.pow(width as u32), width = width);
            let dot = format!("{int}.{frac}");
            let comma = format!("{int},{frac}");
            let expected = Decimal::from_str(&dot).unwrap();
            prop_assert_eq!(parse_score(&dot), Some(expected));
            prop_assert_eq!(parse_score(&comma), Some(expected));
            // The places written are kept, as the parser keeps them.
            prop_assert_eq!(parse_score(&comma).map(|v| v.scale()), Some(expected.scale()));
            prop_assert_eq!(parse_score(&int.to_string()).map(|v| v.scale()), Some(0));
            prop_assert_eq!(parse_score(&format!(" {comma}\u{00A0}")), Some(expected));
        }

        #[test]
        fn display_form_round_trips(v in -1_000_000i64..1_000_000, scale in 0u32..5) {
            let value = Decimal::new(v, scale);
            prop_assert_eq!(parse_score(&value.to_string()), Some(value));
            prop_assert_eq!(parse_score(&format_vi(value)), Some(value.normalize()));
        }

        #[test]
        fn decimals_are_written_as_display_writes_them(
            lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28, small in 0u64..100_000
        ) {
            let value = Decimal::from_parts(lo, mid, hi, negative, scale);
            prop_assert_eq!(decimal_text(value), value.to_string());
            let value = Decimal::from_parts(small as u32, 0, 0, negative, scale);
            prop_assert_eq!(decimal_text(value), value.to_string());
            let value = Decimal::from_parts(lo, mid, 0, negative, scale);
            prop_assert_eq!(decimal_text(value), value.to_string());
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = parse_score(&s);
        }
    }
}
