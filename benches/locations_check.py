#!/usr/bin/env python3
"""Reads every located value of `parcheck check` output back from the original
file with independent readers and reports how many point at a cell holding
the stated value.

    python3 benches/locations_check.py OUT.ndjson [OUT2.ndjson …] [--show N]

Readers: openpyxl for .xlsx (`cell`: sheet and address, the range's first
cell), python-docx for .docx (`table`/`row`/`column`: every w:tbl in document
order, its w:tr but those deleted in tracked changes, the row's w:tc as Word
counts them), pdfplumber for text PDFs
(the characters whose centre is inside `bbox` on `page`). Scores must be a number in the cell, codes
and titles found in its text, evidence a non-empty cell. Other formats and
pages read by OCR are not checked (counted apart).

Needs: pip install openpyxl python-docx pdfplumber
"""
import json
import re
import sys
import unicodedata
from collections import Counter
from decimal import Decimal, InvalidOperation

SCORES = ("max_points", "self_score", "appraisal_score", "lost_points")


def norm(text):
    text = unicodedata.normalize("NFC", str(text or "")).lower()
    return re.sub(r"\s+", " ", text).strip()


def numbers_in(text):
    """Every number the text may mean: `2,5` and `2.5` both read as 2.5, `1.000` as 1000 too."""
    found = set()
    for token in re.findall(r"-?\d+(?:[.,]\d+)*", str(text)):
        for candidate in (token.replace(",", "."), token.replace(".", "").replace(",", "."), token.replace(",", "")):
            try:
                found.add(Decimal(candidate).normalize())
            except InvalidOperation:
                pass
    return found


def matches(field, criterion, text):
    if field in SCORES:
        value = Decimal(str(criterion[field])).normalize()
        return value in numbers_in(text) or (value == 0 and norm(text) in ("-", "0"))
    if field == "code":
        code = criterion["code"]
        digits = re.sub(r"\D", "", code)
        return norm(code) in norm(text).replace(" ", "") or (digits and digits in re.sub(r"\D", "", text)) or norm(code) in norm(text)
    if field == "title":
        title, cell = norm(criterion["title"]).replace(" ", ""), norm(text).replace(" ", "")
        head = title[:25]
        return bool(title) and (head in cell or cell in title)
    return bool(norm(text))


class NotComparable(Exception):
    """The independent reader cannot show this cell's text (an uncached
    formula, a legacy-font or unmapped text, a label Word numbers itself)."""


class Xlsx:
    def __init__(self, path):
        import openpyxl

        self.book = openpyxl.load_workbook(path, data_only=True)
        self.formulas = openpyxl.load_workbook(path, data_only=False)

    def text(self, at):
        sheet, address = at["cell"].rsplit("!", 1)
        first = address.split(":")[0]
        value = self.book[sheet][first].value
        if value is None and str(self.formulas[sheet][first].value or "").startswith("="):
            raise NotComparable("formula without a cached value")
        return "" if value is None else str(value)


class Docx:
    def __init__(self, path):
        import docx
        from docx.oxml.ns import qn
        from docx.table import Table

        document = docx.Document(path)
        self.qn = qn
        parts = [document.element.body]
        for section in document.sections:
            for part in (section.header, section.footer):
                if part is not None and not part.is_linked_to_previous:
                    parts.append(part._element)
        self.tables = [Table(tbl, document) for body in parts for tbl in body.iter(qn("w:tbl"))]

    def text(self, at):
        qn = self.qn
        table = self.tables[at["table"] - 1]
        # Rows deleted in tracked changes are hidden in Word's default view (Simple Markup).
        shown = [tr for tr in table._tbl.tr_lst if tr.find(f"{qn('w:trPr')}/{qn('w:del')}") is None]
        tr = shown[at["row"] - 1]
        tc = tr.tc_lst[at["column"] - 1]
        fonts = " ".join(f.get(qn("w:ascii")) or "" for f in tc.iter(qn("w:rFonts")))
        if re.search(r"(^|\s)(VNI|\.Vn|Vn|VISCII|VK)", fonts):
            raise NotComparable("legacy-font text")
        text = ""
        for run in tc.iter(qn("w:r")):
            hidden = run.find(f"{qn('w:rPr')}/{qn('w:vanish')}") is not None
            if not hidden:
                text += "".join(t.text or "" for t in run.iter(qn("w:t")))
        if not text.strip() and any(True for _ in tc.iter(qn("w:numPr"))):
            raise NotComparable("a list label Word numbers itself")
        return text


class Pdf:
    def __init__(self, path):
        import pdfplumber

        self.pdf = pdfplumber.open(path)
        # Pages whose fonts map glyphs to no Unicode: pdfplumber shows codes, not text.
        self.unmapped = {}

    def text(self, at):
        page = self.pdf.pages[at["page"] - 1]
        x0, y0, x1, y1 = at["bbox"]

        # A character is in the box when its centre is: text that overflows
        # a neighbouring cell's edge is not this cell's.
        def inside(obj):
            if obj.get("object_type") != "char":
                return False
            cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
            return x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1

        if at["page"] not in self.unmapped:
            self.unmapped[at["page"]] = "(cid:" in (page.extract_text() or "")
        text = page.filter(inside).extract_text() or ""
        if self.unmapped[at["page"]]:
            raise NotComparable("glyphs without a Unicode mapping")
        return text


READERS = {"xlsx": Xlsx, "docx": Docx, "pdf": Pdf}


def check(files, show):
    counts, skipped, failures = Counter(), Counter(), []
    for name in files:
        for line in open(name, encoding="utf-8"):
            doc = json.loads(line)
            criteria = doc.get("criteria") or []
            fmt = doc.get("source", {}).get("format")
            path = doc.get("source", {}).get("path")
            if not criteria:
                continue
            ocr_pages = (doc.get("extraction") or {}).get("ocr_pages") or 0
            if fmt not in READERS or (fmt == "pdf" and ocr_pages):
                skipped[f"{fmt}: format or OCR"] += sum(len(c.get("cells") or {}) for c in criteria)
                continue
            try:
                reader = READERS[fmt](path)
            except Exception as e:  # an unreadable file is every value failed
                failures.append((path, "open", str(e)))
                counts[(fmt, False)] += sum(len(c.get("cells") or {}) for c in criteria)
                continue
            for criterion in criteria:
                for field, at in (criterion.get("cells") or {}).items():
                    if field == "code" and criterion["code"] == "TOTAL":
                        continue
                    try:
                        text = reader.text(at)
                    except NotComparable as e:
                        skipped[f"{fmt}: {e}"] += 1
                        continue
                    except Exception as e:
                        text, ok = f"<{type(e).__name__}: {e}>", False
                    else:
                        ok = matches(field, criterion, text)
                    counts[(fmt, ok)] += 1
                    if not ok:
                        failures.append((path, f"{criterion['code']} {field} {at}", text[:80]))
    total = sum(counts.values())
    good = sum(n for (_, ok), n in counts.items() if ok)
    for fmt in sorted({f for f, _ in counts}):
        n_ok, n_bad = counts[(fmt, True)], counts[(fmt, False)]
        print(f"{fmt}: {n_ok}/{n_ok + n_bad} = {100.0 * n_ok / max(n_ok + n_bad, 1):.2f}%")
    print(f"all: {good}/{total} = {100.0 * good / max(total, 1):.2f}%")
    if skipped:
        print("not checked:", dict(skipped))
    for failure in failures[:show]:
        print("FAIL", *failure)
    return good, total


if __name__ == "__main__":
    args = sys.argv[1:]
    show = 20
    if "--show" in args:
        i = args.index("--show")
        show = int(args[i + 1])
        del args[i : i + 2]
    check(args, show)
