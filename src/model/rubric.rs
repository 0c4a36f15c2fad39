//! What a report prints beside each score: the rubric that decides it, the
//! documents cited as evidence, and what a rubric or evidence finding rests on.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A criterion's rubric as the report prints it in the criterion's rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rubric {
    /// The option lines in the order written: the value each assigns and the line.
    pub lines: Vec<RubricLine>,
    pub formula: Option<Formula>,
    /// The deadline of the timely option (`trước ngày 15/01 hàng năm`).
    pub due: Option<DueDate>,
}

/// One option of a rubric: `- Ban hành kịp thời thì đánh giá là: 0,5`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubricLine {
    pub value: Decimal,
    /// The line as written, for messages.
    pub text: String,
}

/// `[Tỷ lệ % … × K / 100]`, applied from `from_percent` up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formula {
    pub coefficient: Decimal,
    pub from_percent: Option<Decimal>,
}

/// A day of a year the rubric names relative to the assessment year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueDate {
    pub day: u32,
    pub month: u32,
    pub year: DueYear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueYear {
    /// `hàng năm`: the assessment year.
    Assessment,
    /// `năm trước`: the year before it.
    Previous,
    /// A year written out.
    Fixed(i32),
}

impl DueDate {
    /// The date in assessment year `year`; `None` for a day that does not exist.
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        let year = match self.year {
            DueYear::Assessment => year,
            DueYear::Previous => year - 1,
            DueYear::Fixed(y) => y,
        };
        NaiveDate::from_ymd_opt(year, self.month, self.day)
    }
}

impl Rubric {
    /// The distinct option values, ascending (`0,50` and `0,5` are one).
    pub fn options(&self) -> Vec<Decimal> {
        let mut values: Vec<Decimal> = self.lines.iter().map(|l| l.value.normalize()).collect();
        values.sort();
        values.dedup();
        values
    }

    /// The most the rubric gives: its largest option, or the formula's coefficient when larger.
    pub fn highest(&self) -> Option<Decimal> {
        let options = self.lines.iter().map(|l| l.value);
        options.chain(self.formula.map(|f| f.coefficient)).max()
    }

    /// Whether the lines are items that add up to `max` (`0,25 + 0,25 + 0,5 = 1`)
    /// rather than alternatives: an appraiser sums them.
    pub fn is_checklist(&self, max: Decimal) -> bool {
        let positive: Vec<Decimal> =
            self.lines.iter().map(|l| l.value).filter(|v| v.is_sign_positive() && !v.is_zero()).collect();
        self.formula.is_none() && positive.len() >= 2 && positive.iter().copied().sum::<Decimal>() == max
    }

    /// The line that assigns `value`, the first one when several do.
    pub fn line_of(&self, value: Decimal) -> Option<&RubricLine> {
        self.lines.iter().find(|l| l.value == value)
    }

    /// The largest option below `value`.
    pub fn next_below(&self, value: Decimal) -> Option<Decimal> {
        self.options().into_iter().filter(|v| *v < value).max()
    }
}

/// The kinds of document an evidence cell cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentType {
    Plan,
    Report,
    Decision,
    Letter,
    Notice,
    Submission,
    Directive,
    Document,
    Conclusion,
    Invitation,
    Regulation,
    Resolution,
}

impl DocumentType {
    /// The type's name as the contract writes it (`"Kế hoạch"`).
    pub fn name(self) -> &'static str {
        match self {
            DocumentType::Plan => "Kế hoạch",
            DocumentType::Report => "Báo cáo",
            DocumentType::Decision => "Quyết định",
            DocumentType::Letter => "Công văn",
            DocumentType::Notice => "Thông báo",
            DocumentType::Submission => "Tờ trình",
            DocumentType::Directive => "Chỉ thị",
            DocumentType::Document => "Văn bản",
            DocumentType::Conclusion => "Kết luận",
            DocumentType::Invitation => "Giấy mời",
            DocumentType::Regulation => "Quy chế",
            DocumentType::Resolution => "Nghị quyết",
        }
    }
}

/// What a criterion's rows cite as evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Some evidence cell covering the criterion's rows has text (prose
    /// without a citation counts).
    pub present: bool,
    /// Every citation of those cells, in order; a cell merged over the rows counted once.
    pub citations: Vec<Citation>,
    /// The lowest OCR confidence of those cells, when read from a scan.
    pub confidence: Option<u8>,
    /// An empty cell among them may be part of a merged cell read elsewhere.
    pub unsure: bool,
}

/// A document cited as evidence: `Kế hoạch số 52/KH-UBND ngày 28/12/2020`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub kind: DocumentType,
    pub number: String,
    /// `KH-UBND`; `None` when only the number is written (`bc 1467`).
    pub symbol: Option<String>,
    /// The date written right after the number and symbol.
    pub date: Option<NaiveDate>,
    /// The date's year is written in two digits (`30/9/21`: 2021): certain
    /// as a date of this century, but not certain enough to say it is after
    /// the report's.
    pub short_year: bool,
    /// The citation as written.
    pub text: String,
}

/// What a rubric or evidence finding rests on, beyond `stated` and `expected` as numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Basis {
    /// The rubric's options: `expected` of `score_not_in_rubric`.
    pub options: Vec<Decimal>,
    /// The cited document's date and the report's: `stated` and `expected` of `evidence_after_report`.
    pub dates: Option<(NaiveDate, NaiveDate)>,
    /// The citation as written.
    pub citation: Option<String>,
    /// The deadline of the rubric's timely option (`late_for_deadline`).
    pub deadline: Option<NaiveDate>,
}
