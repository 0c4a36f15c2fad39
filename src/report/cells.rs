//! `criteria[].cells`: where each value of a criterion was read, as Word,
//! Excel or a PDF viewer shows it.

use serde::{Deserialize, Serialize};

use crate::model::{CellField, CellLocation, CellLocations};

/// One cell as the contract writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellRef {
    pub table: usize,
    pub row: usize,
    pub column: u32,
    pub page: Option<u32>,
    /// Sheet name and A1 address (a range for a merged cell), in spreadsheets.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cell: Option<String>,
    /// [x0, y0, x1, y1] in PDF points, origin at the page's top-left corner, y down.
    #[serde(skip_serializing_if = "Option::is_none", default, with = "hundredths")]
    pub bbox: Option<[i64; 4]>,
    /// The same box in the page image's pixels, for scans.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pixels: Option<[u32; 4]>,
}

impl From<&CellLocation> for CellRef {
    fn from(at: &CellLocation) -> Self {
        CellRef {
            table: at.row.table,
            row: at.row.row,
            column: at.place.column,
            page: at.row.page,
            cell: at.sheet_cell(),
            bbox: at.place.bbox.map(|b| b.map(i64::from)),
            pixels: at.place.pixels,
        }
    }
}

/// The located values of a criterion, in the contract's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cells {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<CellRef>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<CellRef>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub max_points: Option<CellRef>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub self_score: Option<CellRef>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub appraisal_score: Option<CellRef>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lost_points: Option<CellRef>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub evidence: Option<CellRef>,
}

impl Cells {
    /// Where the value of `field` was read.
    pub fn get(&self, field: CellField) -> Option<&CellRef> {
        match field {
            CellField::Code => self.code.as_ref(),
            CellField::Title => self.title.as_ref(),
            CellField::MaxPoints => self.max_points.as_ref(),
            CellField::SelfScore => self.self_score.as_ref(),
            CellField::AppraisalScore => self.appraisal_score.as_ref(),
            CellField::LostPoints => self.lost_points.as_ref(),
            CellField::Evidence => self.evidence.as_ref(),
        }
    }
}

impl From<&CellLocations> for Cells {
    fn from(cells: &CellLocations) -> Self {
        let at = |field| cells.get(field).map(CellRef::from);
        Cells {
            code: at(CellField::Code),
            title: at(CellField::Title),
            max_points: at(CellField::MaxPoints),
            self_score: at(CellField::SelfScore),
            appraisal_score: at(CellField::AppraisalScore),
            lost_points: at(CellField::LostPoints),
            evidence: at(CellField::Evidence),
        }
    }
}

/// Coordinates kept in hundredths of a point, written as exact decimals (`72.35`).
mod hundredths {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<[i64; 4]>, s: S) -> Result<S::Ok, S::Error> {
        value.map(|b| b.map(|v| crate::report::ExactNumber(Decimal::new(v, 2)))).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[i64; 4]>, D::Error> {
        let Some(numbers) = Option::<[serde_json::Number; 4]>::deserialize(d)? else { return Ok(None) };
        let mut out = [0i64; 4];
        for (slot, n) in out.iter_mut().zip(numbers) {
            let value: Decimal = n.to_string().parse().map_err(serde::de::Error::custom)?;
            *slot = (value * Decimal::ONE_HUNDRED).round().try_into().map_err(serde::de::Error::custom)?;
        }
        Ok(Some(out))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::grid::{CellPlace, Location};

    #[test]
    fn a_sheet_cell_and_a_pdf_box_are_written_as_the_contract_says() {
        let sheet = Location { table: 1, row: 12, page: None, sheet: Some(Arc::from("Biểu")) };
        let place = CellPlace { column: 5, rows: 1, ..CellPlace::default() };
        let xlsx = CellRef::from(&CellLocation { row: sheet, place, columns: 1 });
        let json = serde_json::to_string(&xlsx).unwrap();
        assert_eq!(json, r#"{"table":1,"row":12,"column":5,"page":null,"cell":"Biểu!E12"}"#);
        let page = Location { table: 2, row: 3, page: Some(4), sheet: None };
        let place = CellPlace {
            column: 3,
            rows: 1,
            bbox: Some([7235, 10000, 9000, 11550]),
            pixels: Some([301, 416, 375, 481]),
        };
        let pdf = CellRef::from(&CellLocation { row: page, place, columns: 1 });
        let json = serde_json::to_string(&pdf).unwrap();
        assert_eq!(
            json,
            r#"{"table":2,"row":3,"column":3,"page":4,"bbox":[72.35,100,90,115.5],"pixels":[301,416,375,481]}"#
        );
        assert_eq!(serde_json::from_str::<CellRef>(&json).unwrap(), pdf);
    }
}
