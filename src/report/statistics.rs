//! The `statistics` array of the document object (docs/contract.md,
//! "Statistics in reports"): one entry per checked prose statement and per
//! annex table, built from [`crate::statistics`].

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{opt_decimal, Location};
use crate::statistics::{StatTable, Statement, Statistics};

/// One statement (`"source": "prose"`) or one table (`"source": "table"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum StatisticsEntry {
    Prose {
        label: String,
        #[serde(with = "rust_decimal::serde::arbitrary_precision")]
        value: Decimal,
        unit: String,
        parts: Vec<StatisticsPart>,
        #[serde(with = "opt_decimal")]
        percent: Option<Decimal>,
        location: ProseLocation,
    },
    Table {
        /// The title rows above the header, when the table has them.
        label: Option<String>,
        location: Location,
        total_rows: Vec<TotalRowEntry>,
        formulas: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatisticsPart {
    pub label: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub value: Decimal,
    #[serde(with = "opt_decimal", skip_serializing_if = "Option::is_none", default)]
    pub percent: Option<Decimal>,
}

/// Where a statement is: the 1-based paragraph of the prose and its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProseLocation {
    pub paragraph: usize,
    pub page: Option<u32>,
}

impl ProseLocation {
    /// "đoạn 12, trang 1": where a sentence is, in the words of the reports.
    pub fn describe(&self) -> String {
        match self.page {
            Some(page) => format!("đoạn {}, trang {page}", self.paragraph),
            None => format!("đoạn {}", self.paragraph),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalRowEntry {
    pub label: String,
    /// `total` (the rows above it), `subtotal` (followed by a grand total) or `grand`.
    pub row_kind: String,
    pub location: Location,
    /// The row's values by column number (or header when the table has no numbering row).
    pub values: BTreeMap<String, Number>,
}

/// An exact decimal written as a JSON number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Number(#[serde(with = "rust_decimal::serde::arbitrary_precision")] pub Decimal);

/// The entries of a document's statistics, statements first.
pub fn entries(statistics: &Statistics) -> Vec<StatisticsEntry> {
    let prose = statistics.statements.iter().map(prose_entry);
    prose.chain(statistics.tables.iter().map(table_entry)).collect()
}

fn prose_entry(s: &Statement) -> StatisticsEntry {
    StatisticsEntry::Prose {
        label: s.label.clone(),
        value: s.value.normalize(),
        unit: s.unit.clone(),
        parts: s
            .parts
            .iter()
            .map(|p| StatisticsPart {
                label: p.label.clone(),
                value: p.value.normalize(),
                percent: p.percent.map(|x| x.value.normalize()),
            })
            .collect(),
        percent: s.percent.map(|p| p.normalize()),
        location: ProseLocation { paragraph: s.paragraph, page: s.page },
    }
}

fn table_entry(t: &StatTable) -> StatisticsEntry {
    let grand_rows: Vec<usize> = t.totals.iter().filter(|x| x.grand).flat_map(|x| x.members.clone()).collect();
    let total_rows = t
        .totals
        .iter()
        .map(|total| {
            let row = &t.rows[total.row];
            let row_kind = if total.grand {
                "grand"
            } else if grand_rows.contains(&total.row) {
                "subtotal"
            } else {
                "total"
            };
            let values = t
                .columns
                .iter()
                .zip(&row.values)
                .filter_map(|(column, value)| {
                    let key = column.number.map_or_else(|| column.header.clone(), |n| n.to_string());
                    Some((key, Number(value.as_ref()?.value.normalize())))
                })
                .collect();
            TotalRowEntry {
                label: row.label.clone(),
                row_kind: row_kind.into(),
                location: (&row.location).into(),
                values,
            }
        })
        .collect();
    StatisticsEntry::Table {
        label: t.title.clone(),
        location: (&t.location).into(),
        total_rows,
        formulas: t.formulas.iter().map(|f| f.text.clone()).collect(),
    }
}
