use super::values::{excel_decimals, excel_number, rounded_text};
use super::*;

#[test]
fn percentages_read_as_excel_shows_them() {
    assert_eq!(percent_text(Decimal::new(125, 3), 1), "12.5%");
    assert_eq!(percent_text(Decimal::new(5, 1), 0), "50%");
    assert_eq!(percent_text(Decimal::new(12345, 5), 2), "12.35%");
}

#[test]
fn floats_read_as_excel_shows_them() {
    assert_eq!(excel_number(12.9491), "12.9491");
    assert_eq!(excel_number(0.1 + 0.2), "0.3");
    assert_eq!(excel_number(98.52), "98.52");
    assert_eq!(excel_number(100.0), "100");
    assert_eq!(excel_number(0.5), "0.5");
    assert_eq!(excel_number(-0.25), "-0.25");
    assert_eq!(excel_number(1.0 / 3.0), "0.333333333333333");
    assert_eq!(excel_number(-1e-7), "-0.0000001");
    assert_eq!(excel_number(123456789012.345), "123456789012.345");
    assert_eq!(excel_number(2.0f64.powi(60)), "1152921504606846976");
}

/// The fast path agrees with exact formatting to 15 significant digits.
#[test]
fn shortest_text_agrees_with_exact_rounding() {
    let exact = |value: f64| rounded_text(value, excel_decimals(value));
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..100_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let scale = 10f64.powi((x % 24) as i32 - 8);
        let value = (x >> 11) as f64 / (1u64 << 53) as f64 * scale * if x & 1 == 0 { 1.0 } else { -1.0 };
        let rounded = (value * 100.0).round() / 100.0;
        // Whole numbers of halves, quarters … 1/4096ths, small and large: the exact path and past it.
        let sign = if x & 2 == 0 { 1.0 } else { -1.0 };
        let small = ((x >> 11) % 1_000_000) as f64 / f64::from(1u32 << (x % 13)) * sign;
        let large = (x >> 11) as f64 / f64::from(1u32 << (x % 13)) * sign;
        for v in [value, rounded, small, large] {
            if v != 0.0 {
                assert_eq!(excel_number(v), exact(v), "{v:e}");
            }
            // The grid shows a number's decimal: it must print as Excel shows the float.
            if let Some(number) = decimal_of(&Data::Float(v)) {
                assert_eq!(decimal_text(number), excel_number(v), "{v:e}");
            }
        }
    }
}
