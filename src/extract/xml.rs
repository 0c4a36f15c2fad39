//! Small quick-xml helpers shared by the XML-based readers (.docx, .odt).

use quick_xml::events::BytesStart;
use quick_xml::XmlVersion;

/// Attribute value by local name (`w:val` → `val`, `table:style-name` →
/// `style-name`), whatever the prefix; a value that does not unescape is kept raw.
pub(crate) fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == local).map(|a| {
        a.normalized_value(XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| a.value.clone().into_owned())
    })
}

/// The five entities XML predefines; documents declare no others that matter.
pub(crate) fn predefined_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    })
}
