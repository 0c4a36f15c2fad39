//! Statistics outside the scoring table (`docs/contract.md`, "Statistics in reports"): the
//! counts a report states with their parts and percentages, in its prose
//! ([`prose`]) and in its annex tables ([`table`]). This stage only reads;
//! the rules that compare are in `crate::checks::statistics`.

pub mod number;
pub mod prose;
pub mod table;

use rust_decimal::Decimal;

use crate::grid::{Document, Location, Paragraph};
pub use number::Printed;

/// Everything read from one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statistics {
    pub statements: Vec<Statement>,
    pub tables: Vec<StatTable>,
}

impl Statistics {
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty() && self.tables.is_empty()
    }
}

/// A whole stated in prose with its parts ("Tổng số văn bản đến: 1.386 văn
/// bản, gồm: …"), or a count with the percentages of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// What the whole counts, as the text says it ("Tổng số văn bản đến").
    pub label: String,
    pub value: Decimal,
    pub unit: String,
    /// A percentage printed right after the whole.
    pub percent: Option<Decimal>,
    pub parts: Vec<Part>,
    /// The parts are all there is (`gồm`, or every member of a split named).
    pub exhaustive: bool,
    /// The parts' sum is compared with the whole (not for percentages tied
    /// by position only, nor for sub-counts).
    pub sum_checked: bool,
    /// The sentence, quoted in messages.
    pub text: String,
    /// 1-based paragraph of the document's prose.
    pub paragraph: usize,
    pub page: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub label: String,
    pub value: Decimal,
    /// The percentage printed with the part, at its printed precision.
    pub percent: Option<Printed>,
}

/// An annex table: its columns, rows, total rows and declared column formulas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatTable {
    /// Where the table starts (its first row).
    pub location: Location,
    pub title: Option<String>,
    pub columns: Vec<StatColumn>,
    pub rows: Vec<StatRow>,
    pub totals: Vec<TotalRow>,
    pub formulas: Vec<Formula>,
}

/// A column of numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatColumn {
    /// Grid column.
    pub index: usize,
    /// The number the numbering row gives it (`5` for "(5)" or "5=3+4").
    pub number: Option<i64>,
    /// The lowest header cell ("Toàn trình").
    pub header: String,
    /// The merged header path ("Dịch vụ công trực tuyến / Toàn trình").
    pub path: String,
    /// A ratio, rate or average: never summed in a total row.
    pub ratio: bool,
    /// The header or the cells say `%`.
    pub percent: bool,
}

impl StatColumn {
    /// How messages and findings name the column: "(5) Toàn trình".
    pub fn name(&self) -> String {
        match (self.number, self.header.is_empty()) {
            (Some(n), false) => format!("({n}) {}", self.header),
            (Some(n), true) => format!("({n})"),
            (None, _) => self.header.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    /// The row's name ("Bảo trợ xã hội", "Cộng cán bộ").
    pub label: String,
    /// Its number in the STT column, if any ("3", "II").
    pub number: String,
    /// Depth in the table's outline: Roman groups 0, numbered rows 1,
    /// sub-items deeper. Rows of one depth are summed together.
    pub level: u8,
    pub location: Location,
    /// The value of each of the table's columns (blank is `None`).
    pub values: Vec<Option<Printed>>,
    /// Columns whose cell holds text that is no number: sums over it are not checked.
    pub unreadable: Vec<usize>,
    pub is_total: bool,
}

/// A row labelled as a total and the rows it sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalRow {
    pub row: usize,
    pub members: Vec<usize>,
    /// A grand total over subtotals.
    pub grand: bool,
}

/// A column declared by the numbering row as computed from others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    /// The column it computes (index into the table's columns).
    pub target: usize,
    pub expr: Expr,
    /// As printed ("5=3+4", "7 (6:3)").
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Columns added (`true`) or subtracted (`false`).
    Sum(Vec<(bool, usize)>),
    /// Numerator and denominator columns.
    Ratio(usize, usize),
}

/// Reads the statistics of a document: its prose, and every table that is
/// not part of the scoring table (`scoring` lists their locations).
pub fn read(document: &Document, scoring: &[Location]) -> Statistics {
    let statements =
        if document.prose.is_empty() { prose::read(&text_rows(document)) } else { prose::read(&document.prose) };
    let tables = document
        .tables
        .iter()
        .filter(|t| {
            let first = t.rows.first().map(|r| &r.location);
            !first.is_some_and(|l| scoring.iter().any(|s| s.table == l.table && s.sheet == l.sheet))
        })
        .filter(|t| !table::is_scoring_like(t))
        .filter_map(table::read)
        .collect();
    Statistics { statements, tables }
}

/// A spreadsheet has no prose: its sentences are rows holding one text of a
/// few words (notes under a table, a narrative typed into column A).
fn text_rows(document: &Document) -> Vec<Paragraph> {
    let mut paragraphs = Vec::new();
    for row in document.tables.iter().flat_map(|t| &t.rows) {
        let mut texts = row.cells.iter().map(|c| c.text.trim()).filter(|t| !t.is_empty());
        if let (Some(text), None) = (texts.next(), texts.next()) {
            if text.split_whitespace().count() >= 6 {
                let mut paragraph = Paragraph::new(Vec::new(), row.location.page);
                paragraph.text = text.to_owned();
                paragraphs.push(paragraph);
            }
        }
    }
    paragraphs
}

/// Whether `percent` is `part / whole` in percent at its printed precision.
pub fn percent_agrees(part: Decimal, whole: Decimal, percent: Printed) -> bool {
    whole > Decimal::ZERO && (part * Decimal::ONE_HUNDRED / whole - percent.value).abs() <= percent.half_unit()
}
