//! The wire form of what the rubric and evidence rules read and compare
//! (`docs/contract.md`, "Rubric and evidence"): `criteria[].rubric`,
//! `criteria[].evidence`, and a finding's `stated`/`expected` when it is not
//! a single number (a rubric's options, a date).

use chrono::NaiveDate;
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
    #[serde(rename = "type")]
    pub kind: String,
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
            deadline: rubric.due.zip(year).and_then(|(due, year)| due.in_year(year)).map(|d| d.to_string()),
        }
    }
}

impl From<model::Citation> for Citation {
    fn from(c: model::Citation) -> Self {
        Citation {
            kind: c.kind.name().to_owned(),
            number: c.number,
            symbol: c.symbol,
            date: c.date.map(|d| d.to_string()),
            text: c.text,
        }
    }
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
