#!/usr/bin/env python3
"""Writes a scoring sheet of about ROWS criterion rows (default 20,000: 80
sections of 251 rows, 20,080) as .xlsx: title rows, the header, then each
section's row and 25 groups of a parent whose scores are the sum of the nine
rows below it. Every criterion row has an evidence cell
citing documents the ways reports write them, every third title prints its
rubric as option lines with a deadline, so the whole check reads both.

    benches/big_sheet.py OUT.xlsx [ROWS]

Needs openpyxl (write-only mode). Used by benches/compare_calamine.py.
"""
import sys

import openpyxl

CITATIONS = [
    "Kế hoạch số {n}/KH-UBND ngày 28/12/2020 của UBND xã về thực hiện CCHC năm 2021",
    "Quyết định {n}/QĐ-UBND, 30/01/2021 về ban hành kế hoạch",
    "BC số {n}/BC-UBND ngày 30/9/2021; BC số {m}/BC-UBND ngày 15/11/2021",
    "bc {n} thực hiện khcchc",
    "Công văn số {n}/UBND-VP ngày 05.7.2021 của UBND xã",
]

RUBRIC = (
    "Ban hành kế hoạch {code} kịp thời (trước ngày 15/01 hàng năm):\n"
    "- Ban hành kịp thời thì đánh giá là: 1\n"
    "- Ban hành không kịp thời thì đánh giá là: 0,5\n"
    "- Không ban hành thì đánh giá là: 0"
)


def rows(sections):
    yield ["UBND XÃ AN BÌNH", None, None, None, None]
    yield ["BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021", None, None, None, None]
    yield ["An Bình, ngày 20 tháng 12 năm 2021", None, None, None, None]
    yield ["STT", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá", "Tài liệu kiểm chứng"]
    index = 0
    for section in range(1, sections + 1):
        # Codes have one or two digits a level: 25 groups of a parent and nine children.
        yield [str(section), f"Lĩnh vực {section}: thực hiện nhiệm vụ cải cách hành chính", 225, 187.5, None]
        for group in range(1, GROUPS + 1):
            for child in range(10):
                index += 1
                n = 100 + index
                evidence = CITATIONS[index % len(CITATIONS)].format(n=n, m=n + 1)
                if child == 0:
                    yield [f"{section}.{group}", f"Nhiệm vụ {section}.{group}: tổ chức thực hiện", 9, 7.5, evidence]
                    continue
                code = f"{section}.{group}.{child}"
                title = RUBRIC.format(code=code) if index % 3 == 0 else f"Tiêu chí {code}: thực hiện kế hoạch"
                # Nine children sum to their parent's 9 and 7.5.
                yield [code, title, 1, 0.5 if child <= 3 else 1, evidence]


GROUPS = 25
ROWS_PER_SECTION = 1 + GROUPS * 10


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Bieu")
    for row in rows(max(1, round(count / ROWS_PER_SECTION))):
        sheet.append(row)
    workbook.save(out)


if __name__ == "__main__":
    main()
