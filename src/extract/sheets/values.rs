//! Cell values as Excel shows them: numbers rendered with Excel's 15
//! significant digits (a cached `0.30000000000000004` reads `0.3`), their
//! exact decimals, percentages at their format's decimals, and the text of
//! every other kind of cell (dates as dates, so they never pass for scores).

use std::str::FromStr;

use calamine::Data;
use chrono::Datelike;
use rust_decimal::{Decimal, RoundingStrategy};

/// A number as a percent cell shows it: 0.125 with "0.0%" reads "12.5%".
pub(super) fn percent_text(value: Decimal, decimals: u32) -> String {
    let shown = (value * Decimal::ONE_HUNDRED).round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    format!("{shown:.prec$}%", prec = decimals as usize)
}

/// A numeric cell as the decimal Excel shows.
pub(super) fn decimal_of(value: &Data) -> Option<Decimal> {
    match value {
        Data::Int(i) => Some(Decimal::from(*i)),
        Data::Float(f) => exact_decimal(*f).or_else(|| Decimal::from_str(&excel_number(*f)).ok()),
        _ => None,
    }
}

/// A float that is a whole number of 1/1024ths (most scores: 0.25, 0.75, 12.5)
/// as its exact decimal, when Excel shows all of its digits; `None` for the
/// others, which go through the text Excel shows.
pub(super) fn exact_decimal(value: f64) -> Option<Decimal> {
    // Multiplying by a power of two is exact; below 2^53 the product is a whole number or not.
    let scaled = value * 1024.0;
    if scaled.fract() != 0.0 || scaled.abs() >= 9.0e15 {
        return None;
    }
    // n / 2^10 with n a whole number is m / 2^k with m odd (or k = 0), which is
    // m · 5^k / 10^k: no 10 divides m · 5^k, so the decimal is normalized as it
    // is made (normalizing it, ten divisions of its 96 bits, was most of the cost).
    let n = scaled as i64;
    let twos = n.trailing_zeros().min(10);
    let k = 10 - twos;
    let exact = Decimal::from_i128_with_scale(i128::from(n >> twos) * 5i128.pow(k), k);
    (value == 0.0 || exact.scale() as usize <= excel_decimals(value)).then_some(exact)
}

/// The text a cell shows.
pub(super) fn cell_text(value: Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s,
        Data::Int(i) => i.to_string(),
        Data::Float(f) => excel_number(f),
        Data::Bool(b) => if b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
            None => dt.as_f64().to_string(),
        },
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A float as Excel displays it in a General cell: at most 15 significant
/// digits, no exponent for score-sized values, no trailing zeros.
pub fn excel_number(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    if value == 0.0 {
        return "0".to_owned();
    }
    let decimals = excel_decimals(value);
    // The shortest text that reads back as the same float is what rounding
    // to `decimals` places shows whenever it has no more places than that
    // (the float is within half an ulp of it); exact formatting is slow.
    if value.abs() < 1e15 {
        let shortest = value.to_string();
        if shortest.split_once('.').is_none_or(|(_, places)| places.len() <= decimals) {
            return shortest;
        }
    }
    rounded_text(value, decimals)
}

/// Places after the point that 15 significant digits leave to a nonzero value.
pub(super) fn excel_decimals(value: f64) -> usize {
    let magnitude = value.abs().log10().floor() as i32;
    (14 - magnitude).clamp(0, 20) as usize
}

/// The value rounded to `decimals` places, without trailing zeros.
pub(super) fn rounded_text(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    if text == "-0" {
        "0".to_owned()
    } else {
        text
    }
}
