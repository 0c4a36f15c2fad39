use super::parts::{builtin_style, custom_style};
use super::*;

#[test]
fn formats_tell_dates_durations_and_percentages_apart() {
    let kind = |code: &str| custom_style(code).kind;
    assert_eq!(kind("dd/mm/yyyy"), NumberKind::Date);
    assert_eq!(kind("H:MM:SS;@"), NumberKind::Date);
    assert_eq!(kind("[h]:mm:ss"), NumberKind::Duration);
    assert_eq!(kind("[$-42A]#,##0.00"), NumberKind::Number);
    assert_eq!(kind("#,##0\" ngày\""), NumberKind::Number);
    assert_eq!(kind("0.00\\h"), NumberKind::Number);
    assert_eq!(kind("[Red]0.00"), NumberKind::Number);
    assert_eq!(kind("General"), NumberKind::Number);
    let percent = |code: &str| custom_style(code).percent;
    assert_eq!(percent("0%"), Some(0));
    assert_eq!(percent("0.00%;[Red]-0.00%"), Some(2));
    assert_eq!(percent("0.0\"%\""), None);
    assert_eq!(percent("0.00"), None);
    assert_eq!(builtin_style("10").percent, Some(2));
    assert_eq!(builtin_style("14").kind, NumberKind::Date);
    assert_eq!(builtin_style("46").kind, NumberKind::Duration);
}

#[test]
fn a_sheet_of_empty_rows_or_plain_cells_still_stops_at_the_deadline() {
    let many = 3 * EVENTS_PER_TIME_CHECK;
    // Empty rows, and one row of cells read without events: both hold nothing a caller looks at.
    for (data, count) in [("<row/>".repeat(many), 0), (format!("<row>{}</row>", "<c><v>1</v></c>".repeat(many)), many)]
    {
        let mut parts = Parts::default();
        parts.insert(
            "xl/workbook.xml",
            br#"<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>"#.to_vec(),
        );
        parts.insert(
            "xl/_rels/workbook.xml.rels",
            br#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#.to_vec(),
        );
        parts
            .insert("xl/worksheets/sheet1.xml", format!("<worksheet><sheetData>{data}</sheetData></worksheet>").into());
        let read_all = |deadline: &Deadline| -> ExtractResult<usize> {
            let book = Workbook::open(&parts, 16, deadline)?.expect("a workbook");
            let mut reader = book.cells(0)?;
            let mut cells = 0;
            while reader.next_cell()?.is_some() {
                cells += 1;
            }
            Ok(cells)
        };
        assert_eq!(read_all(&Deadline::after(std::time::Duration::from_secs(60))), Ok(count));
        let passed = Deadline::after(std::time::Duration::ZERO);
        std::thread::sleep(std::time::Duration::from_millis(2));
        let err = read_all(&passed).unwrap_err();
        assert_eq!(err.kind, crate::extract::ErrorKind::LimitExceeded, "{err:?}");
    }
}

#[test]
fn references_and_escapes() {
    assert_eq!(cell_reference("A1"), Some((0, 0)));
    assert_eq!(cell_reference("XFD1048576"), Some((1_048_575, 16_383)));
    assert_eq!(cell_reference("c7"), Some((6, 2)));
    for bad in ["", "1", "A", "A0", "ABCD1", "A1B", "$A$1"] {
        assert_eq!(cell_reference(bad), None, "{bad}");
    }
    assert_eq!(range_reference("B2:D4"), Some(((1, 1), (3, 3))));
    assert_eq!(unescape_ooxml("a_x000D_b"), "a\rb");
    assert_eq!(unescape_ooxml("_xD83D__xDCF7_"), "📷");
    assert_eq!(unescape_ooxml("_x005F_x000D_"), "_x000D_");
    assert_eq!(unescape_ooxml("_xD800_z"), "\u{FFFD}z");
    assert_eq!(unescape_ooxml("Tiêu chí_x"), "Tiêu chí_x");
    assert_eq!(resolve_target("xl/", "../customXml/item1.xml"), "customXml/item1.xml");
    assert_eq!(resolve_target("xl/", "/xl/worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
}

#[test]
fn element_text_resolves_references_as_the_events_do() {
    let deadline = Deadline::none();
    let text = |inner: &str| {
        let xml = format!("<t>{inner}</t>");
        let mut reader = TimedReader::new(xml.as_bytes(), 8, &deadline);
        assert!(matches!(reader.next(), Ok(Event::Start(_))));
        text::element_text(&mut reader).map(|t| t.into_owned()).map_err(|e| e.kind)
    };
    assert_eq!(text("Ti&#234;u ch&#237;").as_deref(), Ok("Tiêu chí"));
    assert_eq!(text("&#7842;NG &#x1F600;&amp;&lt;&quot;").as_deref(), Ok("ẢNG 😀&<\""));
    // References to nothing: NUL, a surrogate, past Unicode, an unknown entity, none.
    assert_eq!(text("a&#0;&#55296;&#12345678;&#1114112;&nbsp;&;b").as_deref(), Ok("ab"));
    assert_eq!(text("&#00065;&#+65;&#1234567;&#65a;&#1048576;").as_deref(), Ok("A\u{100000}"));
    assert_eq!(text("a\r\nb&#233;\rc").as_deref(), Ok("a\nbé\nc"));
    assert_eq!(text("x<b>y</b>&#233;").as_deref(), Ok("xyé"));
    assert_eq!(text("").as_deref(), Ok(""));
    assert_eq!(text("a&b"), Err(crate::extract::ErrorKind::Corrupt));
}

#[test]
fn attributes_read_directly_as_quick_xml_reads_them() {
    let names = ["r", "s", "t"];
    for tag in [
        r#"<c r="A5" t="inlineStr">"#,
        r#"<c r='B7' s="3"   t="n">"#,
        r#"<c x:r="C1" s="1">"#,
        r#"<c r="D1"t="s">"#,
        r#"<c r="E1" r="E2">"#,
        r#"<c>"#,
        // Left to quick-xml: spaces around `=`, an unquoted or unclosed value, a key alone.
        r#"<c r = "F1" t="n">"#,
        r#"<c r=G1 t="n">"#,
        r#"<c r="H1 t="n>"#,
        r#"<c hidden r="I1">"#,
        r#"<c ="J1" r="J2">"#,
    ] {
        let mut reader = quick_xml::Reader::from_str(tag);
        let Ok(Event::Start(e)) = reader.read_event() else { panic!("{tag}") };
        let mut attributes = e.attributes();
        attributes.with_checks(false);
        let mut expected = [None, None, None];
        for a in attributes.flatten() {
            if let Some(i) = names.iter().position(|n| *n == a.key.local_name().as_ref()) {
                expected[i] = Some(a.value);
            }
        }
        assert_eq!(text::raw_attrs(&e, names), expected, "{tag}");
    }
}
