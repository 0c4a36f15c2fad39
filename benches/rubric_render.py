"""Writing benches/rubric_variants.py's tables as .docx (python-docx) and
.xlsx (openpyxl): the heading lines, then one table whose cells are lists of
lines and whose evidence cells may be merged over several rows; the other
formats converted from them by LibreOffice."""
import os
import shutil
import subprocess

import openpyxl
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from openpyxl.styles import Alignment, Border, Side


def heading(doc_info):
    place, date, year = doc_info["place"], doc_info["date"], doc_info["year"]
    when = f"ngày {date.day:02d} tháng {date.month:02d} năm {date.year}" if date else f"ngày      tháng      năm {year}"
    sub = f"ngày {date.day:02d}/{date.month:02d}/{date.year}" if date else f"ngày    /    /{year}"
    # Signed reports date only their signature block.
    signed = doc_info.get("signed")
    return [doc_info["unit"].replace("UBND", "ỦY BAN NHÂN DÂN").upper(), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc"] + ([] if signed else [f"{place}, {when}"]) + [
            f"BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}",
            f"(Kèm theo Báo cáo số {doc_info['number']}/BC-UBND {'' if signed else sub + ' '}của {doc_info['unit']})"]


def signature(doc_info):
    """The signature block after the table (`--more` only), dated when the heading is not."""
    if "signed" not in doc_info:
        return []
    lines = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    when = doc_info["date"]
    if doc_info["signed"]:
        lines.insert(0, f"{doc_info['place']}, ngày {when.day:02d} tháng {when.month:02d} năm {when.year}")
    return lines


def write_docx(path, rng, info, header, cells, spans):
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for m in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, m, Cm(1.5))
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(10)
    for line in heading(info):
        doc.add_paragraph(line)
    table = doc.add_table(rows=1 + len(cells), cols=len(header))
    table.style = "Table Grid"
    widths = {"STT": 1.2}
    for j, h in enumerate(header):
        w = widths.get(h, 8.5 if j == 1 else 6.5 if j == len(header) - 1 else 4.5 if "điểm" in h and "Điểm" not in h[:4] else 1.8)
        for cell in table.columns[j].cells:
            cell.width = Cm(w)
        table.rows[0].cells[j].text = h
    as_paragraphs = rng.random() < 0.5
    for i, row in enumerate(cells, 1):
        for j, lines in enumerate(row):
            cell = table.rows[i].cells[j]
            lines = [l for l in lines if l != ""] or [""]
            if as_paragraphs:
                cell.paragraphs[0].text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
            else:
                cell.paragraphs[0].add_run("\n".join(lines))
    ev = len(header) - 1
    for first, span in spans:
        top = table.rows[first + 1].cells[ev]
        text = [p.text for p in top.paragraphs]
        merged = top.merge(table.rows[first + span].cells[ev])
        for p in merged.paragraphs[1:]:
            p._element.getparent().remove(p._element)
        merged.paragraphs[0].text = ""
        merged.paragraphs[0].add_run("\n".join(t for t in text if t))
    for line in signature(info):
        doc.add_paragraph(line)
    doc.save(path)


def write_xlsx(path, rng, info, header, cells, spans, ruled=False, rubric_column=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bảng điểm"
    for line in heading(info):
        ws.append([line])
        # Heading lines merged across the table's width, as sheets print them.
        if rng.random() < 0.5:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(header))
    ws.append(header)
    top = ws.max_row
    for row in cells:
        ws.append(["\n".join(l for l in lines if l) for lines in row])
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin")
    for r in ws.iter_rows(min_row=top):
        for c in r:
            c.alignment = wrap
            if ruled:
                c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    if ruled:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ev = len(header)
    for first, span in spans:
        ws.merge_cells(start_row=top + 1 + first, start_column=ev, end_row=top + first + span, end_column=ev)
    widths = [6, 50] + [12] * (len(header) - 3) + [45]
    if rubric_column:
        widths[2] = 45
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width = w
    # Row heights for the wrapped lines: without them a printed row clips or overlaps its text.
    for i, row in enumerate(cells):
        lines = max(sum(-(-len(line) // int(w * 0.95)) or 1 for line in lines) for lines, w in zip(row, widths))
        ws.row_dimensions[top + 1 + i].height = 14 * max(1, lines)
    ws.row_dimensions[top].height = 14 * 3
    for line in signature(info):
        ws.append([""] * (len(header) - 2) + [line])
    wb.save(path)


# The formats LibreOffice converts a written .docx (Writer) or .xlsx (Calc) into.
WRITER = {"odt": "odt", "rtf": "rtf", "doc": "doc"}
CALC = {"ods": "ods", "xls": "xls", "csv": "csv:Text - txt - csv (StarCalc):44,34,76,1", "pdf": "pdf"}


def write(fmt, name, out_docs, tmp, rng, table, rubric_column):
    """`name`.`fmt` in `out_docs` from `table` = (info, header, cells, spans)."""
    if fmt in ("docx", "xlsx"):
        path = os.path.join(out_docs, f"{name}.{fmt}")
        return write_docx(path, rng, *table) if fmt == "docx" else write_xlsx(path, rng, *table, rubric_column=rubric_column)
    src = os.path.join(tmp, f"{name}.{'docx' if fmt in WRITER else 'xlsx'}")
    if fmt in WRITER:
        write_docx(src, rng, *table)
    else:
        # A PDF is a ruled sheet LibreOffice Calc prints (Writer is not among the test tools).
        write_xlsx(src, rng, *table, ruled=fmt == "pdf", rubric_column=rubric_column)
    subprocess.run(["soffice", "--headless", "--convert-to", WRITER.get(fmt) or CALC[fmt], "--outdir", tmp, src],
                   check=True, capture_output=True, timeout=180)
    made = os.path.join(tmp, f"{name}.{fmt}")
    if not os.path.exists(made):
        raise SystemExit(f"soffice made no {made}")
    shutil.move(made, os.path.join(out_docs, f"{name}.{fmt}"))
