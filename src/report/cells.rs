//! `criteria[].cells`: where each value of a criterion was read, as Word,
//! Excel or a PDF viewer shows it.

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

/// The located values of a criterion, in the contract's order: only those
/// located, written as an object of them (`{"code": …, "title": …}`). A list
/// rather than a slot for each of the seven: a big sheet's criteria locate
/// four or five, and the empty slots took 3 MB of its report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells(Vec<(CellField, CellRef)>);

impl Cells {
    /// Where the value of `field` was read.
    pub fn get(&self, field: CellField) -> Option<&CellRef> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, at)| at)
    }

    /// The located values in the contract's order.
    pub fn iter(&self) -> impl Iterator<Item = (CellField, &CellRef)> {
        self.0.iter().map(|(f, at)| (*f, at))
    }
}

/// From located values in any order; of a field given twice, the last counts.
impl FromIterator<(CellField, CellRef)> for Cells {
    fn from_iter<I: IntoIterator<Item = (CellField, CellRef)>>(located: I) -> Self {
        let mut cells: Vec<(CellField, CellRef)> = located.into_iter().collect();
        cells.reverse();
        cells.sort_by_key(|(f, _)| *f as usize);
        cells.dedup_by_key(|(f, _)| *f as usize);
        Cells(cells)
    }
}

impl From<&CellLocations> for Cells {
    fn from(cells: &CellLocations) -> Self {
        // Already one a field, in the contract's order.
        Cells(cells.iter().map(|(field, at)| (field, CellRef::from(at))).collect())
    }
}

impl Serialize for Cells {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (field, at) in &self.0 {
            map.serialize_entry(field.name(), at)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Cells {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Cells;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the located values of a criterion")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cells, A::Error> {
                let mut located = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    match CellField::ALL.into_iter().find(|f| f.name() == name) {
                        Some(field) => located.extend(map.next_value::<Option<CellRef>>()?.map(|at| (field, at))),
                        // Fields of a later contract are skipped, as for the other objects.
                        None => drop(map.next_value::<IgnoredAny>()?),
                    }
                }
                Ok(located.into_iter().collect())
            }
        }
        d.deserialize_map(Fields)
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
