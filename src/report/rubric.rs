//! The wire form of what the rubric and evidence rules read and compare
//! (`docs/contract.md`, "Rubric and evidence"): `criteria[].rubric`,
//! `criteria[].evidence`, and a finding's `stated`/`expected` when it is not
//! a single number (a rubric's options, a date).

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model;
use crate::report::ExactNumber;

/// `criteria[].rubric`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    /// Every value an option line assigns, ascending, each once.
    pub options: Vec<Value>,
    pub formula: Option<Formula>,
    /// The timely option's deadline in the assessment year, `YYYY-MM-DD`.
    pub deadline: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Formula {
    pub coefficient: Value,
    pub from_percent: Option<Value>,
}

/// One element of `criteria[].evidence`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// The type's name: borrowed from the names of the types, not copied
    /// for each of a big sheet's tens of thousands of citations.
    #[serde(rename = "type")]
    pub kind: Cow<'static, str>,
    pub number: String,
    pub symbol: Option<String>,
    pub date: Option<String>,
    pub text: String,
}

impl Rubric {
    /// The rubric with its deadline placed in the assessment `year`.
    pub fn new(rubric: &model::Rubric, year: Option<i32>) -> Rubric {
        Rubric {
            options: rubric.options().into_iter().map(Value::Number).collect(),
            formula: rubric.formula.map(|f| Formula {
                coefficient: Value::Number(f.coefficient.normalize()),
                from_percent: f.from_percent.map(|p| Value::Number(p.normalize())),
            }),
            deadline: rubric.due.zip(year).and_then(|(due, year)| due.in_year(year)).map(iso_date),
        }
    }
}

impl From<model::Citation> for Citation {
    fn from(c: model::Citation) -> Self {
        Citation {
            kind: Cow::Borrowed(c.kind.name()),
            number: c.number,
            symbol: c.symbol,
            date: c.date.map(iso_date),
            text: c.text,
        }
    }
}

/// `YYYY-MM-DD`, as chrono writes a date (its `to_string`), without the
/// formatting machinery for the years of four digits: a big sheet writes one
/// for each of its tens of thousands of citations. Other years are left to chrono.
pub fn iso_date(date: NaiveDate) -> String {
    let (year, month, day) = (date.year(), date.month(), date.day());
    let Ok(year @ 0..=9999) = u32::try_from(year) else { return date.to_string() };
    let digits = |n: u32, out: &mut String, width: u32| {
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
        }
    };
    let mut out = String::with_capacity(10);
    digits(year, &mut out, 4);
    out.push('-');
    digits(month, &mut out, 2);
    out.push('-');
    digits(day, &mut out, 2);
    out
}

/// A finding's `stated` or `expected`, and a rubric's numbers: an exact
/// number, a list of them (a rubric's options), or a date (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Number(Decimal),
    Numbers(Vec<Decimal>),
    Date(String),
}

impl Value {
    /// The number, when the value is one.
    pub fn number(&self) -> Option<Decimal> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn date(date: NaiveDate) -> Value {
        Value::Date(date.to_string())
    }

    /// `0,5`, `0; 0,5`, `2021-12-31`: the value as the human reports show it.
    pub fn display(&self) -> String {
        let vi = |n: &Decimal| crate::number::format_vi(*n);
        match self {
            Value::Number(n) => vi(n),
            Value::Numbers(all) => all.iter().map(vi).collect::<Vec<_>>().join("; "),
            Value::Date(d) => d.clone(),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Number(n) => ExactNumber(*n).serialize(s),
            Value::Numbers(all) => s.collect_seq(all.iter().map(|&n| ExactNumber(n))),
            Value::Date(d) => d.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let decimal = |n: &serde_json::Number| n.to_string().parse::<Decimal>().map_err(D::Error::custom);
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => Ok(Value::Number(decimal(&n)?)),
            serde_json::Value::String(s) => Ok(Value::Date(s)),
            serde_json::Value::Array(all) => all
                .iter()
                .map(|v| v.as_number().ok_or_else(|| D::Error::custom("not a number")).and_then(decimal))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Numbers),
            other => Err(D::Error::custom(format!("not a number, list or date: {other}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let mut date = NaiveDate::from_ymd_opt(-20, 1, 1).unwrap();
        while date.year() < 10_020 {
            assert_eq!(iso_date(date), date.to_string());
            date = date + chrono::Days::new(if (1990..2040).contains(&date.year()) { 1 } else { 97 });
        }
        assert_eq!(iso_date(NaiveDate::MIN), NaiveDate::MIN.to_string());
        assert_eq!(iso_date(NaiveDate::MAX), NaiveDate::MAX.to_string());
    }

    #[test]
    fn values_are_written_exactly_and_read_back() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        for (value, json) in [
            (Value::Number(d("0.50")), "0.5"),
            (Value::Numbers(vec![d("0"), d("0.25"), d("0.5")]), "[0,0.25,0.5]"),
            (Value::Date("2021-12-31".into()), "\"2021-12-31\""),
        ] {
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            let back: Value = serde_json::from_str(json).unwrap();
            assert_eq!(back.display(), value.display());
        }
        assert!(serde_json::from_str::<Value>("true").is_err());
    }
}
