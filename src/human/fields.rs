//! The PAR fields (lĩnh vực) of a document: the criteria a framework divides
//! its points into ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC" … "ĐIỀU TRA XÃ HỘI
//! HỌC"), named as the matched framework names them, else as the table writes
//! them. The reports give each field a column (Excel) or a filter (HTML).

use rust_decimal::Decimal;

use super::main_column;
use crate::report::DocumentReport;
use crate::text::fold;

/// One field of a document and the points of its main column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The code in the document ("3", "II", "VIII").
    pub code: String,
    /// The framework's name, else the table's title.
    pub name: String,
    pub points: Option<Decimal>,
}

impl Field {
    /// What makes two documents' fields the same column: the folded name,
    /// so the survey field is one column whether coded "II" or "VIII".
    pub fn key(&self) -> String {
        fold(&self.name).split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// A code without dots ("3", "II") that heads no other such code: in a
/// commune table "I" holds fields 1–7 and is not a field itself.
pub fn of(d: &DocumentReport) -> Vec<Field> {
    let catalog = d.metadata.framework.as_deref().and_then(crate::framework::find);
    let column = main_column(d);
    let plain = |code: &str| !code.contains('.') && code != crate::tree::TOTAL;
    d.criteria
        .iter()
        .filter(|c| plain(&c.code))
        .filter(|c| !d.criteria.iter().any(|o| plain(&o.code) && o.parent.as_deref() == Some(c.code.as_str())))
        .map(|c| {
            let framework_name = catalog.and_then(|k| k.criteria.iter().find(|f| f.code == c.code)).map(|f| &f.title);
            Field {
                code: c.code.clone(),
                name: framework_name.unwrap_or(&c.title).trim().to_owned(),
                points: c.scores().get(column),
            }
        })
        .collect()
}

/// The field a criterion code lies in: its own or nearest ancestor's field code.
pub fn field_of(d: &DocumentReport, fields: &[Field], code: &str) -> Option<usize> {
    let mut current = Some(code);
    // A parent chain is at most as long as the criteria list (a cycle cannot loop forever).
    for _ in 0..=d.criteria.len() {
        let code = current?;
        if let Some(i) = fields.iter().position(|f| f.code == code) {
            return Some(i);
        }
        current = d.criteria.iter().find(|c| c.code == code).and_then(|c| c.parent.as_deref());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_the_innermost_plain_codes() {
        let line = r#"{"code":"C","parent":P,"title":"T","max_points":null,"self_score":S,"appraisal_score":null,"lost_points":null,"location":{"table":1,"row":1,"page":null}}"#;
        let criterion = |code: &str, parent: Option<&str>, title: &str, score: &str| {
            line.replace("\"C\"", &format!("\"{code}\""))
                .replace('P', &parent.map_or("null".into(), |p| format!("\"{p}\"")))
                .replace("\"T\"", &format!("\"{title}\""))
                .replace('S', score)
        };
        let criteria = [
            criterion("I", None, "ĐÁNH GIÁ", "80"),
            criterion("1", Some("I"), "CÔNG TÁC CHỈ ĐẠO", "10"),
            criterion("1.1", Some("1"), "Kế hoạch", "2"),
            criterion("II", None, "Điều tra xã hội học", "17"),
        ];
        let json = format!(
            r#"{{"contract":1,"source":{{"path":"a.docx","sha256":"x","format":"docx","bytes":1}},"status":"ok","error":null,"table_kind":"self_assessment","unit":null,"year":null,"columns":["self_score"],"criteria":[{}],"totals":{{"table":null,"stated":null,"recalculated":null}},"findings":[],"metadata":{{}},"tool_version":"t","summary":{{"errors":0,"warnings":0,"infos":0}}}}"#,
            criteria.join(",")
        );
        let d: DocumentReport = serde_json::from_str(&json).expect("document");
        let fields = of(&d);
        let names: Vec<(&str, &str)> = fields.iter().map(|f| (f.code.as_str(), f.name.as_str())).collect();
        assert_eq!(names, [("1", "CÔNG TÁC CHỈ ĐẠO"), ("II", "Điều tra xã hội học")]);
        assert_eq!(fields[1].points, Some(Decimal::from(17)));
        assert_eq!(fields[1].key(), "dieu tra xa hoi hoc");
        assert_eq!(field_of(&d, &fields, "1.1"), Some(0));
        assert_eq!(field_of(&d, &fields, "I"), None);
    }
}
