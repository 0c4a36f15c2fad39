#!/usr/bin/env python3
"""Writes the generated report of benches/pdf.rs (`long_report`) as a file:
a ruled scoring table continued over PAGES pages, 25 criteria a page, the
header repeated on each page, Helvetica with WinAnsiEncoding.

    benches/long_report.py PAGES OUT.pdf
"""
import sys


def content(page):
    columns = [40.0, 90.0, 380.0, 450.0, 520.0]
    rows = [["TT", "Tieu chi", "Diem chuan", "Tu danh gia"]]
    for r in range(25):
        rows.append([f"{page + 1}.{r + 1}", f"Tieu chi thanh phan so {r} cua trang {page}", "1", "0,5"])
    out = ["0.5 w"]
    for i, row in enumerate(rows):
        y = 800.0 - 28.0 * i
        out.append(f"{columns[0]:g} {y:g} m {columns[4]:g} {y:g} l S")
        for c, cell in enumerate(row):
            out.append(f"BT /F1 9 Tf {columns[c] + 3:g} {y - 18:g} Td ({cell}) Tj ET")
    bottom = 800.0 - 28.0 * len(rows)
    out.append(f"{columns[0]:g} {bottom:g} m {columns[4]:g} {bottom:g} l S")
    for x in columns:
        out.append(f"{x:g} 800 m {x:g} {bottom:g} l S")
    return ("\n".join(out) + "\n").encode("ascii")


def report(pages):
    # Objects: 1 catalog, 2 page tree, 3 font, then a page and its content per page.
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    kids = []
    for page in range(pages):
        page_id, content_id = 4 + 2 * page, 5 + 2 * page
        data = content(page)
        objects[content_id] = b"<< /Length %d >>\nstream\n" % len(data) + data + b"endstream"
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>" % content_id
        )
        kids.append(b"%d 0 R" % page_id)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842] >>" % (b" ".join(kids), pages)
    out = bytearray(b"%PDF-1.5\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    count = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for number in range(1, count):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    return bytes(out)


if __name__ == "__main__":
    pages, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "wb") as f:
        f.write(report(pages))
