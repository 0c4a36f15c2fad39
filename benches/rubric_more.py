"""The variations benches/rubric_variants.py adds with `--more` (seeds 31 on),
drawn only then, so the seeds built without it stay as they were:

* Option lines written value first (`- 1 điểm: Có kế hoạch`, `0,5 điểm –
  Ban hành đúng hạn`, `+ 0 điểm: Không ban hành`), and a criterion's options
  on one line separated by `;`. Options are the values, as a set.
* Citation dates with a two-digit year (`ngày 28/12/20`, `30/9/21`: 20YY)
  and `ngày 05 tháng 3 năm 2021`; a two-digit year that would fall after the
  report's date is not read for certain, so no evidence_after_report is
  expected on it (none is planted so).
* Citations of `Chỉ thị` and `Nghị quyết` besides the other types; cells
  listing them with `•` or `*` bullets, or one citation a line.
* Rubric columns headed `Hướng dẫn chấm`, evidence columns `Tài liệu minh
  chứng` or `Ghi chú`.
* The report's date only in the signature block after the table (the
  heading has no place-and-date line): it is the report's date.
* Every format parcheck reads tables from: .docx converted to .odt, .rtf and
  .doc, .xlsx to .ods, .xls and .csv (`soffice --headless --convert-to`).
  A .csv keeps no merged cells, so its tables merge no evidence cell.
"""
import re

MORE_TYPES = {"CT": ("Chỉ thị", "CT-UBND"), "NQ": ("Nghị quyết", "NQ-HĐND")}
MORE_RUBRIC_HEADERS = ["Hướng dẫn chấm", "Cách tính điểm"]
MORE_EVIDENCE_HEADERS = ["Tài liệu minh chứng", "Ghi chú", "Tài liệu kiểm chứng"]
# Twelve documents: each format once or more; the converted ones from .docx or .xlsx.
FORMATS = ["docx", "odt", "rtf", "doc", "xlsx", "ods", "xls", "csv", "pdf", "docx", "xlsx", "csv"]


def value_first(style, v, label):
    """An option line written value first (styles 6–8 of option_line)."""
    return [f"- {v} điểm: {label}", f"{v} điểm – {label}", f"+ {v} điểm: {label}"][style - 6]


def one_line(lines):
    """A criterion's option lines on one line, separated by `;`."""
    return "; ".join(line.lstrip("-+ ").rstrip(";") for line in lines)


def date_form(form, d):
    """Date forms 6–8 of date_text."""
    if form == 6:
        return f"ngày {d.day:02d}/{d.month:02d}/{d.year % 100:02d}"
    if form == 7:
        return f"{d.day}/{d.month}/{d.year % 100:02d}"
    return f"ngày {d.day:02d} tháng {d.month} năm {d.year}"


def short_year(text):
    """Whether a citation's date is written with a two-digit year."""
    return re.search(r"\d/\d{1,2}/\d{2}$", text) is not None


def widen(types, rubric_headers, evidence_headers):
    """The generator's pools with this module's additions; True."""
    types.update(MORE_TYPES)
    rubric_headers[:] = MORE_RUBRIC_HEADERS
    evidence_headers.extend(MORE_EVIDENCE_HEADERS)
    return True
