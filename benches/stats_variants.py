#!/usr/bin/env python3
"""Statistics the team has not seen: new PAR reports (6-month, 9-month, annual) whose prose
and annex tables state counts with their parts, percentages, total rows and numbering-row
formulas, with faults planted in known places, and exact truth in the format of
../shared/samples3/stats/truth (STATISTICS.md), so that parcheck's statistics reading can be
scored on text and tables nobody tuned on.

    benches/stats_variants.py OUT_DIR --seed N
    parcheck check OUT_DIR/docs --quiet > out.ndjson
    python3 ../shared/samples3/stats/score_stats.py out.ndjson OUT_DIR/truth -v

Twelve documents a seed: narratives (.docx, .pdf, and a .docx with a paragraph per printed
line), annexes (.docx, .xlsx, .pdf) and narratives with an annex; some clean. Needs python-docx, openpyxl and LibreOffice
(`soffice` with Writer and Calc: .docx -> .pdf, and the recalculation that gives .xlsx formulas cached values).

Every statement is built consistent, then faults change printed values; the truth is then
recomputed from what is printed, by these rules (STATISTICS.md and the public set's
conventions):
- parts: a whole whose parts add up to more than it is a `parts_mismatch` (label: the whole's
  label); to less, one only when the split is exhaustive (`gồm`, trước/đúng/quá hạn, chưa đến
  hạn/quá hạn, nam/nữ, cán bộ/công chức under "cán bộ, công chức"); below a non-exhaustive or
  uncertain split it is tolerated. Sub-count lines (`+ Trình độ …: x người = y%`) have their sum
  tolerated, never expected.
- percentages: a part's printed percentage against part / whole × 100, beyond half a unit of
  its last printed digit, is a `percent_mismatch` (label: the part's, label_alt: the whole's;
  stated: the printed percentage). A rate whose count is not printed ("tỷ lệ đúng hạn và trước
  hạn đạt 99,6%") and a percentage of a whole stated in another sentence are tolerated.
- totals: a row labelled Cộng / Tổng cộng / Tổng số / Cộng I / Cộng cán bộ / Tổng cộng (I+II)
  below its rows sums the data rows since the previous total; a grand total sums the
  subtotals (as printed). Ratio columns are never summed. A total printed above its rows is
  tolerated when it does not add up.
- formulas: every row's cell in a column the numbering row declares (`5=3+4`,
  `(5) = (3) - (4)`, `7 (6:3)`, `(7)=(6)/(3)`) against the operands as printed; a ratio agrees
  as a fraction or as a percentage within half a unit of its printed precision.
- distractors (years, dates, document numbers, ranks `3/19`, ratios `15/19 xã`, `tăng 5% so với
  cùng kỳ`, `đạt 100% kế hoạch`, percentages with no count) are printed and give no finding.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import tempfile
from decimal import Decimal, ROUND_HALF_UP

import docx
import openpyxl
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.shared import Pt
from openpyxl.utils import get_column_letter

D = Decimal


def rnd(x, k):
    return D(x).quantize(D(1).scaleb(-k), rounding=ROUND_HALF_UP)


def pct(part, whole, k):
    return rnd(D(part) * 100 / D(whole), k)


class Fmt:
    """How one document prints numbers: thousands dots, leading zeros, decimals."""

    def __init__(self, rng):
        self.zero = rng.random() < 0.5
        self.pdec = rng.choice([1, 1, 2, 0])

    def n(self, v):
        v = int(v)
        s = f"{v:,}".replace(",", ".")
        return f"0{v}" if self.zero and 0 < v < 10 else s

    @staticmethod
    def dec(v):
        s = str(v)
        if "." in s:
            i, f = s.split(".")
            return f"{int(i):,}".replace(",", ".") + "," + f
        return f"{int(s):,}".replace(",", ".")


# ----------------------------------------------------------------------------------- prose
class Stmt:
    """A whole and its parts: label, value, unit; parts [label, value, percent, decimals]."""

    def __init__(self, sid, label, value, unit, parts, exhaustive, sums=True, pdec=1):
        self.id, self.label, self.value, self.unit = sid, label, D(value), unit
        self.parts = [{"label": l, "value": D(v), "percent": None} for l, v in parts]
        self.exhaustive, self.sums, self.pdec = exhaustive, sums, pdec

    def with_percents(self, which=None):
        for i, p in enumerate(self.parts):
            if which is None or i in which:
                p["percent"] = pct(p["value"], self.value, self.pdec)
        return self


def split(rng, total, n, low=0):
    cuts = sorted(rng.randint(low, total) for _ in range(n - 1))
    out = [b - a for a, b in zip([0] + cuts, cuts + [total])]
    return out


def fault(rng, s, log):
    """Changes one printed value of a statement: a part, a percentage or the whole."""
    kinds = ["part", "whole"] if s.sums != "tolerated" else []
    kinds += ["percent"] if any(p["percent"] is not None for p in s.parts) else []
    if not kinds:
        return
    kind = rng.choice(kinds)
    if kind == "part":
        p = rng.choice(s.parts)
        d = rng.choice([1, 2, 3, 10, 20]) * rng.choice([1, -1]) if p["value"] > 25 else rng.choice([1, 2])
        log.append(f"{s.id}: {p['label']} {p['value']} -> {p['value'] + d}")
        p["value"] += d
    elif kind == "whole":
        d = rng.choice([1, 2, 5, 10, 20]) * rng.choice([1, -1])
        d = d if s.value + d > 0 else abs(d)
        log.append(f"{s.id}: whole {s.value} -> {s.value + d}")
        s.value += d
    else:
        p = rng.choice([p for p in s.parts if p["percent"] is not None])
        d = rng.choice([D(2), D(5), D(10), D("1.5")])
        new = p["percent"] + d if p["percent"] + d <= 100 else p["percent"] - d
        new = rnd(new, s.pdec)
        log.append(f"{s.id}: {p['label']} % {p['percent']} -> {new}")
        p["percent"] = new


def truth_of_stmt(s, expected, tolerated):
    total = sum(p["value"] for p in s.parts)
    if s.sums and s.parts and total != s.value:
        f = {"kind": "parts_mismatch", "severity": "error", "label": s.label, "stated": s.value,
             "recomputed": total, "column": None}
        if s.sums is True and (total > s.value or s.exhaustive is True):
            expected.append(f)
        else:
            tolerated.append(dict(f, why="parts below a split not certainly exhaustive, or a sub-count"))
    for p in s.parts:
        if p["percent"] is None or s.value <= 0:
            continue
        exact = p["value"] * 100 / s.value
        if abs(exact - p["percent"]) <= D(5).scaleb(-(s.pdec + 1)):
            continue
        if p["value"] > s.value and s.sums is False:
            # Tied by position only, a count above the one before it may not be its share.
            tolerated.append({"kind": "percent_mismatch", "label": p["label"], "label_alt": [s.label],
                              "why": "a share above its whole, tied by position only"})
        else:
            expected.append({"kind": "percent_mismatch", "severity": "warning", "label": p["label"],
                             "label_alt": [s.label], "stated": p["percent"], "recomputed": rnd(exact, 2),
                             "column": None})


def stmt_json(s, marker):
    return {"id": s.id, "source": "prose", "label": s.label, "value": s.value, "unit": s.unit,
            "parts": [{k: v for k, v in p.items() if v is not None} for p in s.parts], "marker": marker,
            "exhaustive": s.exhaustive, "sum_checked": s.sums}


def pc(f, p, k):
    """A printed percentage: '96,0' / '96'."""
    return Fmt.dec(rnd(p, k)) if k else str(int(p))


class Prose:
    """Builds the narrative of one document: paragraphs, statements, tolerated findings."""

    def __init__(self, rng, fmt, period):
        self.rng, self.f, self.period = rng, fmt, period
        self.paras, self.stmts, self.tolerated = [], [], []

    def add(self, *lines):
        self.paras.extend(lines)

    def st(self, s, marker):
        self.stmts.append((s, marker))
        return s

    # Each template draws consistent numbers, registers its statements and returns a
    # function that prints them (called after faults are planted).
    def received(self):
        rng, f = self.rng, self.f
        parts = [("tiếp nhận trực tiếp", "+ Số hồ sơ tiếp nhận trực tiếp: {} hồ sơ"),
                 ("trực tuyến một phần", "+ Số hồ sơ tiếp nhận trực tuyến một phần: {} hồ sơ"),
                 ("trực tuyến toàn trình", "+ Số hồ sơ tiếp nhận trực tuyến toàn trình: {} hồ sơ")]
        if rng.random() < 0.5:
            parts.append(("kỳ trước chuyển qua", "+ Số hồ sơ kỳ trước chuyển qua: {} hồ sơ"))
        n = rng.randint(300, 2600)
        gom = rng.random() < 0.35
        s = self.st(Stmt("HS_TN", "Tổng số hồ sơ đã tiếp nhận", n, "hồ sơ",
                         zip([p[0] for p in parts], split(rng, n, len(parts))), gom), "bullets")
        post = rng.randint(5, 90)
        head = rng.choice(["- Tổng số hồ sơ đã tiếp nhận: {} hồ sơ. Trong đó:",
                           "- Tổng số hồ sơ đã tiếp nhận trong kỳ là {} hồ sơ, trong đó:"])
        if gom:
            head = "- Tổng số hồ sơ đã tiếp nhận: {} hồ sơ, gồm:"
        aside = rng.random() < 0.5

        def out():
            self.add(head.format(f.n(s.value)))
            self.add(*[t.format(f.n(p["value"])) for (_, t), p in zip(parts, s.parts)])
            if aside:
                self.add(f"(Trong đó số hồ sơ tiếp nhận và trả qua bưu chính công ích: {f.n(post)} hồ sơ)")
        return out

    def solved(self):
        rng, f = self.rng, self.f
        n = rng.randint(300, 2500)
        late = rng.choice([0, 0, 1, 2, 3, 5])
        early = int(n * rng.uniform(0.5, 0.85))
        s = self.st(Stmt("HS_GQ", "Số hồ sơ đã giải quyết", n, "hồ sơ",
                         [("trước hạn", early), ("đúng hạn", n - early - late), ("quá hạn", late)], True,
                         pdec=f.pdec), "trong đó")
        style = rng.choice(["bullets", "inline", "aside", "bullets_pct"])
        rate = rng.random() < 0.6
        if style == "bullets_pct":
            s.with_percents([0, 1])
        if rate:
            self.tolerated.append({"kind": "percent_mismatch", "label": "đúng hạn và trước hạn",
                                   "why": "a rate whose count is not printed"})

        def out():
            v = [f.n(p["value"]) for p in s.parts]
            if style.startswith("bullets"):
                self.add(f"- Số hồ sơ đã giải quyết trả kết quả: {f.n(s.value)} hồ sơ. Trong đó:")
                for word, p, x in zip(["trước hạn", "đúng hạn", "quá hạn"], s.parts, v):
                    tail = f", đạt {pc(f, p['percent'], s.pdec)}%" if p["percent"] is not None else ""
                    self.add(f"+ Số hồ sơ đã giải quyết trả {word}: {x} hồ sơ{tail}")
            elif style == "inline":
                self.add(f"- Số hồ sơ đã giải quyết {f.n(s.value)} hồ sơ, trong đó: trước hạn {v[0]} hồ sơ, "
                         f"đúng hạn {v[1]} hồ sơ, quá hạn {v[2]} hồ sơ.")
            else:
                self.add(f"Số hồ sơ đã giải quyết là {f.n(s.value)} hồ sơ (trong đó: trước hạn {v[0]} hồ sơ, "
                         f"đúng hạn {v[1]} hồ sơ, quá hạn {v[2]} hồ sơ).")
            if rate:
                good = s.parts[0]["value"] + s.parts[1]["value"]
                self.add(f"- Tỷ lệ giải quyết hồ sơ đúng hạn và trước hạn đạt {pc(f, pct(good, s.value, 1), 1)}%.")
        return out

    def pending(self):
        rng, f = self.rng, self.f
        n = rng.randint(0, 40)
        late = rng.choice([0, 0, 1])
        s = self.st(Stmt("HS_DANG", "Số hồ sơ đang giải quyết", n, "hồ sơ",
                         [("chưa đến hạn", n - min(late, n)), ("quá hạn", min(late, n))], True), "trong đó")

        def out():
            self.add(f"- Số hồ sơ đang giải quyết: {f.n(s.value)} hồ sơ. Trong đó:",
                     f"+ Số hồ sơ đang giải quyết chưa đến hạn: {f.n(s.parts[0]['value'])} hồ sơ",
                     f"+ Số hồ sơ đang giải quyết quá hạn: {f.n(s.parts[1]['value'])} hồ sơ")
        return out

    def one_stop(self):
        rng, f = self.rng, self.f
        n = rng.randint(120, 320)
        a = rng.randint(n // 3, n - 20)
        tthc = rng.random() < 0.5
        unit = "TTHC" if tthc else "thủ tục"
        s = self.st(Stmt("TTHC", "cơ chế một cửa liên thông tại đơn vị" if not tthc else
                         "Tổng số TTHC thuộc thẩm quyền giải quyết của UBND xã", n, unit,
                         [("cơ chế một cửa", a), ("một cửa liên thông", n - a)], False), "trong đó")

        def out():
            if tthc:
                self.add(f"Tổng số TTHC thuộc thẩm quyền giải quyết của UBND xã là {f.n(s.value)} TTHC, trong đó "
                         f"{f.n(s.parts[0]['value'])} TTHC thực hiện theo cơ chế một cửa, "
                         f"{f.n(s.parts[1]['value'])} TTHC thực hiện theo cơ chế một cửa liên thông.")
            else:
                self.add(f"Số thủ tục hành chính đang thực hiện theo cơ chế một cửa, cơ chế một cửa liên thông "
                         f"tại đơn vị: {f.n(s.value)} thủ tục trong đó có {f.n(s.parts[0]['value'])} thủ tục được "
                         f"thực hiện theo cơ chế một cửa và có {f.n(s.parts[1]['value'])} thủ tục được thực "
                         f"hiện theo cơ chế một cửa liên thông.")
        return out

    def dvc(self):
        rng, f = self.rng, self.f
        n = rng.randint(90, 260)
        a = rng.randint(n // 4, n * 3 // 4)
        style = rng.choice(["levels", "full", "chiem"])
        if style == "chiem":
            s = self.st(Stmt("DVC", "Tổng số dịch vụ công trực tuyến đang cung cấp", n, "dịch vụ",
                             [("mức độ 4", a)], False, pdec=f.pdec).with_percents(), "trong đó")
        elif style == "levels":
            s = self.st(Stmt("DVC", "Số dịch vụ công trực tuyến", n, "dịch vụ",
                             [("mức độ 3", n - a), ("mức độ 4", a)], "uncertain", pdec=f.pdec).with_percents(),
                        "trong đó")
        else:
            s = self.st(Stmt("DVC", "Số thủ tục hành chính cung cấp dịch vụ công trực tuyến", n, "thủ tục",
                             [("toàn trình", a), ("một phần", n - a)], "uncertain", pdec=f.pdec).with_percents(),
                        "trong đó")

        def out():
            p = [(f.n(x["value"]), pc(f, x["percent"], s.pdec)) for x in s.parts]
            if style == "chiem":
                self.add(f"Tổng số dịch vụ công trực tuyến đang cung cấp là {f.n(s.value)} dịch vụ, trong đó có "
                         f"{p[0][0]} dịch vụ công trực tuyến mức độ 4, chiếm {p[0][1]}%.")
            elif style == "levels":
                self.add(f"- Số dịch vụ công trực tuyến: {f.n(s.value)} dịch vụ, trong đó: mức độ 3: {p[0][0]} "
                         f"dịch vụ (đạt {p[0][1]}%); mức độ 4: {p[1][0]} dịch vụ (đạt {p[1][1]}%).")
            else:
                self.add(f"- Số thủ tục hành chính cung cấp dịch vụ công trực tuyến: {f.n(s.value)} thủ tục, "
                         f"trong đó: toàn trình {p[0][0]} thủ tục ({p[0][1]}%), một phần {p[1][0]} thủ tục "
                         f"({p[1][1]}%).")
        return out

    def documents(self):
        rng, f = self.rng, self.f
        n = rng.randint(600, 3000)
        e = n - rng.randint(10, 120)
        s1 = self.st(Stmt("VB_DEN", "Tổng số văn bản đến", n, "văn bản",
                          [("văn bản điện tử", e), ("văn bản giấy", n - e)], True, pdec=f.pdec).with_percents(),
                     "gồm")
        m = rng.randint(150, 900)
        k = m - rng.randint(1, 30)
        s2 = self.st(Stmt("VB_DI", "Tổng số văn bản đi", m, "văn bản",
                          [("văn bản được ký số", k)], False, pdec=f.pdec).with_percents(), "trong đó")

        def out():
            a, b = s1.parts
            self.add(f"- Tổng số văn bản đến: {f.n(s1.value)} văn bản, gồm: văn bản điện tử {f.n(a['value'])} "
                     f"văn bản ({pc(f, a['percent'], s1.pdec)}%), văn bản giấy {f.n(b['value'])} văn bản "
                     f"({pc(f, b['percent'], s1.pdec)}%).")
            c = s2.parts[0]
            self.add(f"- Tổng số văn bản đi: {f.n(s2.value)} văn bản, trong đó văn bản được ký số và gửi trên "
                     f"môi trường điện tử {f.n(c['value'])} văn bản, đạt tỷ lệ {pc(f, c['percent'], s2.pdec)}%.")
        return out

    def inspections(self):
        rng, f = self.rng, self.f
        n = rng.randint(2, 9)
        a = rng.randint(1, n - 1)
        s1 = self.st(Stmt("KT", "cuộc kiểm tra", n, "cuộc", [("kiểm tra định kỳ", a), ("kiểm tra đột xuất", n - a)],
                          True), "gồm")
        m = rng.randint(4, 20)
        k = rng.randint(1, m)
        s2 = self.st(Stmt("VD", "phát hiện", m, "vấn đề", [("đã xử lý xong", k)], False, sums=False,
                          pdec=f.pdec).with_percents(), "trong đó")

        def out():
            self.add(f"Trong kỳ, UBND xã tổ chức {f.n(s1.value)} cuộc kiểm tra, gồm {f.n(s1.parts[0]['value'])} "
                     f"cuộc kiểm tra định kỳ và {f.n(s1.parts[1]['value'])} cuộc kiểm tra đột xuất tại các bộ phận "
                     f"chuyên môn. Qua kiểm tra phát hiện {f.n(s2.value)} vấn đề, đã xử lý xong "
                     f"{f.n(s2.parts[0]['value'])} vấn đề ({pc(f, s2.parts[0]['percent'], s2.pdec)}%), số còn lại "
                     f"đang tiếp tục xử lý.")
        return out

    def staff(self):
        """Seed 002: cán bộ and công chức with their degrees, each `= y%` of its own count."""
        rng, f = self.rng, self.f
        cb, cc = rng.randint(8, 12), rng.randint(10, 20)
        s = self.st(Stmt("CBCC", "thời điểm hiện tại", cb + cc, "người", [("Cán bộ", cb), ("Công chức", cc)], True),
                    "trong đó")
        subs = []
        for who, n in (("Cán bộ", cb), ("Công chức", cc)):
            for kind, names in (("Trình độ chuyên môn", ["Thạc sĩ", "Đại học"]),
                                ("Trình độ lý luận chính trị", ["Cao cấp", "Trung cấp"])):
                xs = split(rng, n, 2)
                sub = Stmt(f"{who}_{kind}", who, n, "người", list(zip(names, xs)), "uncertain", sums="tolerated",
                           pdec=0).with_percents()
                subs.append((who, kind, sub))
                self.st(sub, "bullets")
        aside = rng.random() < 0.5

        def out():
            extra = " ( Trong đó: Công chức được điều động lên huyện là 02 người, công chức biệt phái là 01 người)." \
                if aside else ""
            self.add(f"- Về cán bộ, công chức: Tổng số, chất lượng cán bộ, công chức đến thời điểm hiện tại là: "
                     f"{f.n(s.value)} người.{extra} Trong đó:")
            for i, who in enumerate(("Cán bộ", "Công chức")):
                self.add(f"* {who}: {f.n(s.parts[i]['value'])} người")
                for w, kind, sub in subs:
                    if w != who:
                        continue
                    # The degrees are shares of the count printed above them; a zero is not printed.
                    sub.value = s.parts[i]["value"]
                    sub.parts = [p for p in sub.parts if p["value"] > 0]
                    items = "; ".join(f"{p['label'] if j == 0 else p['label'].lower()}: {f.n(p['value'])} người = "
                                      f"{int(p['percent'])}%" for j, p in enumerate(sub.parts) if p["value"] > 0)
                    self.add(f"+ {kind}: {items}.")
        return out

    def gender(self):
        rng, f = self.rng, self.f
        n = rng.randint(15, 40)
        a = rng.randint(5, n - 5)
        s = self.st(Stmt("BC", "hiện có mặt", n, "người", [("nam", a), ("nữ", n - a)], True,
                         pdec=f.pdec).with_percents(), "trong đó")
        xs = split(rng, n, 3, 1)
        t = self.st(Stmt("TD", "hiện có mặt", n, "người", list(zip(["đại học", "cao đẳng", "trung cấp"], xs)),
                         "uncertain", sums="tolerated", pdec=f.pdec).with_percents(), "bullets")
        given = n + rng.randint(0, 4)

        def out():
            a, b = s.parts
            t.value = s.value
            self.add(f"- Tổng số biên chế được giao: {f.n(given)} người; hiện có mặt {f.n(s.value)} người, trong đó: "
                     f"nam {f.n(a['value'])} người ({pc(f, a['percent'], s.pdec)}%), nữ {f.n(b['value'])} người "
                     f"({pc(f, b['percent'], s.pdec)}%).")
            self.add("- Trình độ chuyên môn: " + "; ".join(
                f"{p['label']} {f.n(p['value'])} người = {pc(f, p['percent'], t.pdec)}%" for p in t.parts) + ".")
        return out

    def budget(self):
        rng, f = self.rng, self.f
        n = D(rng.randint(30000, 90000)) / 10
        a = rnd(n * D(rng.uniform(0.3, 0.8)), 1)
        s = self.st(Stmt("DT", "Tổng dự toán chi thường xuyên năm 2024 được giao", n, "triệu đồng",
                         [("đã thực hiện", a)], False, sums=False, pdec=1).with_percents(), "trong đó")

        def out():
            self.add(f"Tổng dự toán chi thường xuyên năm 2024 được giao {Fmt.dec(s.value)} triệu đồng; "
                     f"{self.period} đã thực hiện {Fmt.dec(s.parts[0]['value'])} triệu đồng, đạt "
                     f"{pc(f, s.parts[0]['percent'], 1)}% dự toán.")
        return out

    def online_share(self):
        """A whole in one sentence, its part and share in the next ("… hồ sơ. Trong đó, …, chiếm p%")."""
        rng, f = self.rng, self.f
        n = rng.randint(200, 3000)
        a = rng.randint(n // 5, n - 10)
        s = self.st(Stmt("TT", "Tổng số hồ sơ tiếp nhận trực tuyến", n, "hồ sơ", [("toàn trình", a)], False,
                         pdec=f.pdec).with_percents(), "trong đó")

        def out():
            p = s.parts[0]
            self.add(f"Tổng số hồ sơ tiếp nhận trực tuyến trên Hệ thống thông tin giải quyết TTHC của tỉnh là "
                     f"{f.n(s.value)} hồ sơ. Trong đó, hồ sơ trực tuyến toàn trình {f.n(p['value'])} hồ sơ, chiếm "
                     f"{pc(f, p['percent'], s.pdec)}%.")
        return out

    def two_clauses(self):
        """A split, then after `;` a clause of its own with a share of the same whole."""
        rng, f = self.rng, self.f
        n = rng.randint(300, 2000)
        a = rng.randint(n // 2, n - 20)
        done = n - rng.randint(0, 15)
        s1 = self.st(Stmt("TN2", "Tổng số hồ sơ tiếp nhận", n, "hồ sơ", [("trực tuyến", a)], False), "trong đó")
        s2 = self.st(Stmt("GQ2", "Tổng số hồ sơ tiếp nhận", n, "hồ sơ", [("đã giải quyết", done)], False, sums=False,
                          pdec=1).with_percents(), "position")
        last = rng.randint(20, 200)

        def out():
            s2.value = s1.value
            self.add(f"Năm 2024, tổng số hồ sơ tiếp nhận {f.n(s1.value)} hồ sơ, tăng {f.n(last)} hồ sơ so với cùng "
                     f"kỳ, trong đó trực tuyến {f.n(s1.parts[0]['value'])} hồ sơ; đã giải quyết "
                     f"{f.n(s2.parts[0]['value'])} hồ sơ, đạt {pc(f, s2.parts[0]['percent'], 1)}%.")
        return out

    def complaints(self):
        rng, f = self.rng, self.f
        n = rng.randint(3, 40)
        a = rng.randint(0, n)
        s = self.st(Stmt("DON", "tiếp nhận", n, "đơn", [("khiếu nại", a), ("kiến nghị, phản ánh", n - a)], False),
                    "trong đó")

        def out():
            self.add(f"Trong kỳ, UBND xã tiếp nhận {f.n(s.value)} đơn, trong đó {f.n(s.parts[0]['value'])} đơn khiếu "
                     f"nại, {f.n(s.parts[1]['value'])} đơn kiến nghị, phản ánh; đã giải quyết dứt điểm theo quy định.")
        return out

    def distractors(self):
        rng, f = self.rng, self.f
        k = rng.randint(2, 25)
        pool = [
            f"UBND xã đã ban hành Quyết định số {rng.randint(2, 300)}/QĐ-UBND ngày {rng.randint(1, 28):02d}/0"
            f"{rng.randint(1, 9)}/2024 về việc ban hành Kế hoạch cải cách hành chính năm 2024.",
            f"Chỉ số CCHC năm 2023 của xã đạt {rng.randint(78, 92)},{rng.randint(10, 99)} điểm, xếp thứ "
            f"{rng.randint(1, 19)}/19 xã, thị trấn của huyện.",
            f"Đến nay có {rng.randint(10, 18)}/19 xã, thị trấn triển khai số hóa kết quả giải quyết TTHC.",
            f"Số hồ sơ tiếp nhận trực tuyến tăng {rng.randint(3, 20)}% so với cùng kỳ năm 2023.",
            f"Hoàn thành 100% kế hoạch kiểm tra đề ra; 100% cán bộ, công chức được cấp chữ ký số cá nhân.",
            f"- Tỷ lệ hồ sơ thanh toán trực tuyến: {rng.randint(90, 99)},{rng.randint(10, 99)}%",
            "Thực hiện Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 và Nghị định số 107/2021/NĐ-CP ngày "
            "06/12/2021 của Chính phủ; duy trì hệ thống quản lý chất lượng theo TCVN ISO 9001:2015.",
            f"Có {f.n(k)} hồ sơ trực tuyến toàn trình, chiếm {rng.randint(5, 40)}% tổng số hồ sơ tiếp nhận trực tuyến.",
            f"Phấn đấu đến cuối năm 2024 tỷ lệ hồ sơ trực tuyến đạt trên {rng.choice([50, 60, 80])}%, giai đoạn "
            f"2021-2025 đạt 100% chỉ tiêu.",
            f"Toàn huyện có {19 + 2} đơn vị hành chính cấp xã, gồm 19 xã và 02 thị trấn.",
            f"Ban hành {f.n(k + 9)} văn bản chỉ đạo, điều hành về CCHC, gồm: 03 kế hoạch, {f.n(k)} công văn và 06 "
            f"quyết định.",
            f"Kết quả thực hiện đạt {rng.randint(10, 14)}/15 chỉ tiêu ({rng.randint(66, 93)}%) theo Nghị quyết của "
            f"HĐND xã.",
            f"Tại Kỳ họp thứ {rng.randint(5, 12)}, HĐND xã khóa XXI thông qua {rng.randint(4, 9)} nghị quyết.",
            f"Tỷ lệ hồ sơ được số hóa đạt {Fmt.dec(pct(k * 9, k * 10, 1))}% ({k * 9}/{k * 10} hồ sơ).",
            f"Tổ chức {rng.randint(2, 6)} lớp tập huấn cho {rng.randint(40, 200)} lượt cán bộ, công chức, tăng "
            f"{rng.randint(2, 15)}% so với năm trước.",
        ]
        return rng.sample(pool, 5)


SECTIONS = [
    ("1. Công tác chỉ đạo, điều hành và kiểm tra cải cách hành chính", ["inspections", "complaints"]),
    ("2. Cải cách thủ tục hành chính", ["one_stop", "received", "solved", "pending", "online_share", "two_clauses"]),
    ("3. Cải cách chế độ công vụ", ["staff", "gender"]),
    ("4. Cải cách tài chính công", ["budget"]),
    ("5. Xây dựng chính quyền điện tử, chính quyền số", ["documents", "dvc"]),
]


def narrative(rng, faults, clean):
    """The narrative of one report: (paragraphs, statements, tolerated, planted)."""
    period = rng.choice(["6 tháng đầu năm", "9 tháng đầu năm", "Trong năm"])
    p = Prose(rng, Fmt(rng), period)
    noise = p.distractors()
    outs = []
    for head, names in SECTIONS:
        chosen = [n for n in names if rng.random() < 0.75] or names[:1]
        if "staff" in chosen and "gender" in chosen:
            chosen.remove(rng.choice(["staff", "gender"]))
        outs.append((head, [getattr(p, n)() for n in chosen]))
    log = []
    if not clean:
        checkable = [s for s, _ in p.stmts if s.value > 0]
        for s in rng.sample(checkable, min(faults, len(checkable))):
            fault(rng, s, log)
    p.add("BÁO CÁO", f"Kết quả công tác cải cách hành chính {period.lower()} 2024", "I. KẾT QUẢ THỰC HIỆN")
    for (head, out), extra in zip(outs, noise):
        p.add(head, extra)
        for o in out:
            o()
    p.add("II. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
          "1. Tiếp tục đẩy mạnh tiếp nhận, giải quyết hồ sơ trực tuyến toàn trình; phấn đấu tỷ lệ hồ sơ trực "
          "tuyến đạt trên 80% vào cuối năm 2024.")
    expected, tolerated = [], list(p.tolerated)
    for s, _ in p.stmts:
        truth_of_stmt(s, expected, tolerated)
    statements = [stmt_json(s, m) for s, m in p.stmts]
    return p.paras, statements, expected, tolerated, log


# ----------------------------------------------------------------------------------- tables
LINH_VUC = ["Hộ tịch", "Chứng thực", "Đất đai", "Tư pháp", "Bảo trợ xã hội", "Người có công", "Giáo dục",
            "Thi đua - Khen thưởng", "Xây dựng", "Văn hóa", "Lao động", "Nông nghiệp",
            "Thành lập và hoạt động của hộ kinh doanh", "Lao động, thương binh và xã hội",
            "Phòng, chống tệ nạn xã hội", "Giải quyết khiếu nại, tố cáo"]


def dvc_table(rng):
    """Biểu DVC: Số TTHC | DVC trực tuyến (Một phần, Toàn trình, Tỷ lệ) | Hồ sơ (Tổng, Trực tuyến, Tỷ lệ)."""
    k = rng.choice([1, 2])
    frac = rng.random() < 0.3
    names = rng.sample(LINH_VUC, rng.randint(5, 8))
    rows = []
    for i, n in enumerate(names):
        t = rng.randint(5, 40)
        a, b = split(rng, t // 2 + 1, 2)
        h = rng.randint(50, 900)
        o = rng.randint(h // 3, h)
        rows.append({"stt": str(i + 1), "label": n, "v": {3: t, 4: a, 5: b, 7: h, 8: o}, "kind": "data"})
    cols = {3: "count", 4: "count", 5: "count", 6: ("ratio", 5, 3), 7: "count", 8: "count", 9: ("ratio", 8, 7)}
    leaf = {3: "Số TTHC", 4: "Một phần", 5: "Toàn trình", 6: "Tỷ lệ toàn trình (%)", 7: "Tổng số hồ sơ phát sinh",
            8: "Hồ sơ nộp trực tuyến", 9: "Tỷ lệ trực tuyến (%)"}
    group = {4: "Dịch vụ công trực tuyến", 5: "Dịch vụ công trực tuyến", 6: "Dịch vụ công trực tuyến",
             7: "Hồ sơ", 8: "Hồ sơ", 9: "Hồ sơ"}
    if frac:
        leaf[6], leaf[9] = "Tỷ lệ toàn trình", "Tỷ lệ trực tuyến"
    total = rng.choice(["Tổng cộng", "Cộng", "TỔNG CỘNG", "Tổng số", "Cộng:", "TỔNG SỐ"])
    rows.append({"stt": "", "label": total, "v": {}, "kind": "total"})
    return dict(title=["Biểu số 02", "KẾT QUẢ CUNG CẤP DỊCH VỤ CÔNG TRỰC TUYẾN"], cols=cols, leaf=leaf,
                group=group, rows=rows, pdec=k, frac=frac, sign=rng.random() < 0.3,
                first=("TT", "Lĩnh vực"), top=False)


def training_table(rng):
    """Đào tạo, bồi dưỡng: Cán bộ / Công chức groups with subtotals, a grand total, `3 = 4 + 5 + 6`."""
    rows = []
    groups = [("I", "Cán bộ", ["Bí thư, Phó Bí thư Đảng ủy", "Chủ tịch, Phó Chủ tịch HĐND",
                                "Chủ tịch, Phó Chủ tịch UBND", "Chủ tịch Ủy ban MTTQ"], "Cộng cán bộ"),
              ("II", "Công chức", ["Công chức Văn phòng - Thống kê", "Công chức Địa chính - Xây dựng",
                                    "Công chức Tư pháp - Hộ tịch", "Công chức Tài chính - Kế toán",
                                    "Công chức Văn hóa - Xã hội"], "Cộng công chức")]
    roman = rng.random() < 0.5
    for r, name, members, sub in groups:
        rows.append({"stt": r, "label": name, "v": {}, "kind": "group"})
        for i, m in enumerate(rng.sample(members, rng.randint(3, len(members)))):
            v = {4: rng.randint(0, 6), 5: rng.randint(0, 9), 6: rng.randint(0, 5)}
            rows.append({"stt": str(i + 1), "label": m, "v": v, "kind": "data"})
            if rng.random() < 0.25:
                # A breakdown under its row: no member of the total, its formula still holds.
                part = {c: rng.randint(0, x) for c, x in v.items()}
                rows.append({"stt": "", "label": "Trong đó: nữ", "v": part, "kind": "detail"})
        rows.append({"stt": "", "label": f"Cộng {r}" if roman else sub, "v": {}, "kind": "sub"})
    rows.append({"stt": "", "label": "Tổng cộng (I+II)" if roman else "Tổng số", "v": {}, "kind": "grand"})
    cols = {3: ("sum", [4, 5, 6]), 4: "count", 5: "count", 6: "count"}
    leaf = {3: "Tổng số lượt", 4: "Cấp tỉnh tổ chức", 5: "Cấp huyện tổ chức", 6: "Tại đơn vị"}
    group = {4: "Chia theo cấp tổ chức", 5: "Chia theo cấp tổ chức", 6: "Chia theo cấp tổ chức"}
    return dict(title=["THỐNG KÊ KẾT QUẢ ĐÀO TẠO, BỒI DƯỠNG CÁN BỘ, CÔNG CHỨC", "Đơn vị tính: lượt người"],
                cols=cols, leaf=leaf, group=group, rows=rows, pdec=1, frac=False, sign=False,
                first=("STT", "Đối tượng"), top=False)


def files_table(rng):
    """Hồ sơ by lĩnh vực: tiếp nhận, đã giải quyết (trước/đúng/quá hạn), đang giải quyết as a difference,
    the on-time rate; the total printed above or below the rows."""
    names = rng.sample(LINH_VUC, rng.randint(4, 7))
    rows = []
    for i, n in enumerate(names):
        recv = rng.randint(10, 400)
        done = recv - rng.randint(0, min(8, recv))
        late = rng.choice([0, 0, 0, 1])
        early = rng.randint(0, done - late)
        rows.append({"stt": str(i + 1), "label": n, "v": {3: recv, 5: early, 6: done - early - late, 7: late},
                     "kind": "data"})
    top = rng.random() < 0.35
    label = rng.choice(["Tổng số", "Tổng cộng", "Cộng", "TỔNG CỘNG"])
    if top:
        rows.insert(0, {"stt": "", "label": label, "v": {}, "kind": "total"})
    else:
        rows.append({"stt": "", "label": label, "v": {}, "kind": "total"})
    cols = {3: "count", 4: ("sum", [5, 6, 7]), 5: "count", 6: "count", 7: "count", 8: ("diff", 3, 4), 9: "count"}
    for r in rows:
        if r["kind"] == "data":
            r["v"][9] = rng.randint(0, r["v"][3])
    leaf = {3: "Tổng số hồ sơ tiếp nhận", 4: "Tổng số", 5: "Trước hạn", 6: "Đúng hạn", 7: "Quá hạn",
            8: "Đang giải quyết", 9: "Hồ sơ trực tuyến"}
    group = {4: "Số hồ sơ đã giải quyết", 5: "Số hồ sơ đã giải quyết", 6: "Số hồ sơ đã giải quyết",
             7: "Số hồ sơ đã giải quyết"}
    return dict(title=["Phụ lục", "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO LĨNH VỰC"], cols=cols, leaf=leaf,
                group=group, rows=rows, pdec=1, frac=False, sign=False, first=("STT", "Lĩnh vực"),
                top=top)


def documents_table(rng):
    """One column of counts: Roman groups holding the sum of their items, a total over the groups."""
    groups = [("I", "Văn bản đến", ["Văn bản điện tử", "Văn bản giấy"]),
              ("II", "Văn bản đi", ["Văn bản được ký số", "Văn bản giấy", "Văn bản mật"])]
    rows = []
    for roman, name, items in groups:
        rows.append({"stt": roman, "label": name, "v": {}, "kind": "head"})
        for i, item in enumerate(items[:rng.randint(2, len(items))]):
            rows.append({"stt": str(i + 1), "label": item, "v": {3: rng.randint(5, 1500)}, "kind": "data"})
    rows.append({"stt": "", "label": rng.choice(["Tổng cộng", "Tổng số", "Cộng"]), "v": {}, "kind": "total"})
    return dict(title=["Biểu số 03", "TÌNH HÌNH TIẾP NHẬN, XỬ LÝ VĂN BẢN"], cols={3: "count"},
                leaf={3: "Số lượng"}, group={}, rows=rows, pdec=1, frac=False, sign=False,
                first=("STT", "Loại văn bản"), top=False)


def numbering(rng, t):
    """The numbering row: each column's number (the grid column, or after two lettered columns
    "A | B | 1 | 2 | 3=1+2" the grid column less two) and the formulas in one of the usual styles."""
    letters = rng.random() < 0.2
    style = rng.choice(["plain", "spaced", "paren", "paren_spaced", "colon"])
    num = {c: c - 2 if letters else c for c in range(1, max(t["cols"]) + 1)}
    t["num"] = num
    wrap = (lambda n: f"({n})") if style.startswith("paren") else str
    eq = " = " if style.endswith("spaced") else "="
    cells = []
    for c in range(1, max(t["cols"]) + 1):
        kind = t["cols"].get(c)
        if c <= 2:
            cells.append("AB"[c - 1] if letters else wrap(c))
        elif isinstance(kind, tuple) and kind[0] == "ratio":
            if style == "colon":
                cells.append(f"{num[c]} ({num[kind[1]]}:{num[kind[2]]})")
            else:
                tail = "x100" if rng.random() < 0.2 and not t["frac"] else ""
                cells.append(f"{wrap(num[c])}{eq}{wrap(num[kind[1]])}/{wrap(num[kind[2]])}{tail}")
        elif isinstance(kind, tuple):
            terms = kind[1] if kind[0] == "sum" else [kind[1], kind[2]]
            op = (" + " if style.endswith("spaced") else "+") if kind[0] == "sum" else \
                (" - " if style.endswith("spaced") else "-")
            cells.append(f"{wrap(num[c])}{eq}" + op.join(wrap(num[x]) for x in terms))
        else:
            cells.append(wrap(num[c]))
    if t["note"]:
        cells.append(wrap(max(num.values()) + 1))
    return cells


def compute(t):
    """Fills derived columns and totals, exactly (ratios as Decimals, printed later)."""
    cols = t["cols"]
    data = [r for r in t["rows"] if r["kind"] == "data"]

    def derive(v):
        for c, kind in sorted(cols.items()):
            if isinstance(kind, tuple) and kind[0] == "sum":
                v[c] = sum(v[x] for x in kind[1])
            elif isinstance(kind, tuple) and kind[0] == "diff":
                v[c] = v[kind[1]] - v[kind[2]]
        for c, kind in cols.items():
            if isinstance(kind, tuple) and kind[0] == "ratio":
                v[c] = None if v[kind[2]] == 0 else D(v[kind[1]]) / D(v[kind[2]])
    for r in t["rows"]:
        if r["kind"] in ("data", "detail"):
            derive(r["v"])
    counts = [c for c, k in cols.items() if not (isinstance(k, tuple) and k[0] == "ratio")]
    heads = [r for r in t["rows"] if r["kind"] == "head"]
    head = None
    for r in t["rows"]:
        if r["kind"] == "head":
            head = r
            r["v"] = {c: 0 for c in counts}
        elif r["kind"] == "data" and head is not None:
            for c in counts:
                head["v"][c] += r["v"][c]
    run, subs = [], []
    for r in t["rows"]:
        if r["kind"] == "data":
            run.append(r)
        elif r["kind"] == "sub":
            r["v"] = {c: sum(x["v"][c] for x in run) for c in counts}
            derive(r["v"])
            subs.append(r)
            run = []
        elif r["kind"] in ("grand",):
            r["v"] = {c: sum(x["v"][c] for x in subs) for c in counts}
            derive(r["v"])
        elif r["kind"] == "total":
            r["v"] = {c: sum(x["v"][c] for x in heads or data) for c in counts}
            derive(r["v"])


def printed(t, c, v):
    """The printed text and value of a cell."""
    kind = t["cols"][c]
    ratio = isinstance(kind, tuple) and kind[0] == "ratio"
    if v is None:
        # A rate over nothing is printed "-" in some annexes; a group's heading row stays blank.
        return ("-" if t["dash"] and ratio else ""), None
    if isinstance(kind, tuple) and kind[0] == "ratio":
        if t["frac"]:
            x = rnd(v, 2)
            return Fmt.dec(x), x
        x = rnd(v * 100, t["pdec"])
        return Fmt.dec(x) + ("%" if t["sign"] else ""), x
    return f"{int(v):,}".replace(",", "."), D(v)


def table_faults(rng, t, n, log):
    """Changes n printed cells: a data count, a total, a ratio or a formula's target."""
    cells = []
    for i, r in enumerate(t["rows"]):
        for c, v in r["p"].items():
            if v is not None:
                cells.append((i, c))
    for i, c in rng.sample(cells, n):
        r = t["rows"][i]
        old = r["p"][c]
        kind = t["cols"][c]
        if isinstance(kind, tuple) and kind[0] == "ratio":
            step = D(1).scaleb(-t["pdec"]) if not t["frac"] else D("0.01")
            new = old + step * rng.choice([7, 12, 35, -9]) if old > step * 40 else old + step * 20
        else:
            new = old + rng.choice([1, 2, 3, 4, 20, -1, -2]) if old > 2 else old + rng.choice([1, 2, 4])
        log.append(f"row {r['label']!r} col {c}: {old} -> {new}")
        r["p"][c] = new
        r["s"][c] = Fmt.dec(new) if not (isinstance(kind, tuple) and kind[0] == "ratio") or not t["sign"] \
            else Fmt.dec(new) + "%"


def truth_of_table(t, index, letters):
    """Findings recomputed from the printed cells (module docstring)."""
    expected, tolerated = [], []
    cols = t["cols"]

    def col_fields(c):
        out = {"column": t["leaf"][c], "column_no": None if t["no_num"] else t["num"][c],
               "column_path": f"{t['group'][c]} / {t['leaf'][c]}" if c in t["group"] else t["leaf"][c]}
        if letters:
            out["column_alt"] = [get_column_letter(c)]
        return out
    ratio_cols = [c for c, k in cols.items() if isinstance(k, tuple) and k[0] == "ratio"]
    rows = t["rows"]
    run, subs = [], []
    for r in rows:
        if r["kind"] == "data":
            run.append(r)
            continue
        if r["kind"] in ("group", "detail", "head"):
            continue
        heads = [x for x in rows if x["kind"] == "head"]
        # A total under groups that hold their own sums adds the groups.
        members = heads if r["kind"] == "total" and heads else run if r["kind"] in ("sub", "total") else subs
        above = bool(members)
        for c in cols:
            if c in ratio_cols or r["p"].get(c) is None:
                continue
            s = sum(m["p"][c] for m in members if m["p"].get(c) is not None)
            if r["kind"] == "total" and not above:
                data = [x for x in rows if x["kind"] == "data"]
                s2 = sum(m["p"][c] for m in data)
                if s2 != r["p"][c]:
                    tolerated.append({"kind": "total_row_mismatch", "label": r["label"], **col_fields(c),
                                      "stated": r["p"][c], "why": "a total printed above its rows"})
                continue
            if s != r["p"][c]:
                expected.append({"kind": "total_row_mismatch", "severity": "error", "table": index,
                                 "label": r["label"], **col_fields(c), "stated": r["p"][c], "recomputed": s})
        if r["kind"] == "sub":
            subs.append(r)
        run = [] if r["kind"] in ("sub", "total") else run
    for r in rows if not t["no_num"] else []:
        if r["kind"] == "group":
            continue
        for c, kind in cols.items():
            if not isinstance(kind, tuple) or r["p"].get(c) is None:
                continue
            stated = r["p"][c]
            if kind[0] in ("sum", "diff"):
                got = sum(r["p"][x] for x in kind[1]) if kind[0] == "sum" else r["p"][kind[1]] - r["p"][kind[2]]
                if got == stated:
                    continue
                rec = got
            else:
                num, den = r["p"][kind[1]], r["p"][kind[2]]
                if den == 0:
                    continue
                frac = num / den
                half = D(5).scaleb(-(-stated.as_tuple().exponent + 1)) if stated.as_tuple().exponent < 0 else D("0.5")
                if abs(frac * 100 - stated) <= half or abs(frac - stated) <= half:
                    continue
                rec = rnd(frac if t["frac"] else frac * 100, 2)
            f = {"kind": "column_formula_mismatch", "severity": "error", "table": index, "label": r["label"],
                 **col_fields(c), "stated": stated, "recomputed": rec}
            if r["stt"]:
                f["label_alt"] = [r["stt"]]
            expected.append(f)
    return expected, tolerated


def build_table(rng, maker, faults, log):
    t = maker(rng)
    t["note"] = rng.random() < 0.3
    t["dash"] = rng.random() < 0.5
    # Some annexes print no numbering row: their totals are checked, no formula is declared.
    t["no_num"] = rng.random() < 0.15
    t["merged_total"] = rng.random() < 0.5
    t["numbering"] = numbering(rng, t)
    compute(t)
    for r in t["rows"]:
        r["p"], r["s"] = {}, {}
        for c in t["cols"]:
            s, v = printed(t, c, r["v"].get(c))
            r["p"][c], r["s"][c] = v, s
    if faults:
        table_faults(rng, t, faults, log)
    return t


def header_rows(t):
    """Two header rows: (text, col, colspan, rowspan) cells, grid columns from 1."""
    top, low = [(t["first"][0], 1, 1, 2), (t["first"][1], 2, 1, 2)], []
    c = 3
    last = max(t["cols"])
    while c <= last:
        g = t["group"].get(c)
        if g is None:
            top.append((t["leaf"][c], c, 1, 2))
            c += 1
            continue
        span = 1
        while t["group"].get(c + span) == g:
            span += 1
        top.append((g, c, span, 1))
        for k in range(c, c + span):
            low.append((t["leaf"][k], k, 1, 1))
        c += span
    if t["note"]:
        top.append(("Ghi chú", last + 1, 1, 2))
    return top, low


# ----------------------------------------------------------------------------------- writers
def wrapped(paras, width=85):
    """A Word paragraph per printed line, as a report converted from a PDF has them."""
    lines = []
    for p in paras:
        line = ""
        for word in p.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def docx_document(paras, tables, unit):
    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    head = d.add_table(rows=1, cols=2)
    head.cell(0, 0).text = f"ỦY BAN NHÂN DÂN\n{unit.upper()}\nSố:      /BC-UBND"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    index = 1
    for p in paras:
        d.add_paragraph(p)
    sig = d.add_table(rows=1, cols=2)
    sig.cell(0, 0).text = "Nơi nhận:\n- UBND huyện (b/c);\n- Lưu: VT."
    sig.cell(0, 1).text = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    index += 1
    indices = []
    if tables:
        # Annexes are printed on landscape pages of their own.
        section = d.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for t in tables:
        for line in t["title"]:
            d.add_paragraph(line)
        d.add_paragraph(f"({unit})")
        width = max(t["cols"]) + t["note"]
        top, low = header_rows(t)
        top_rows = 2 if t["no_num"] else 3
        nrows = top_rows + len(t["rows"])
        w = d.add_table(rows=nrows, cols=width)
        w.style = "Table Grid"
        for text, c, span, rspan in top:
            cell = w.cell(0, c - 1)
            if span > 1 or rspan > 1:
                cell = cell.merge(w.cell(rspan - 1, c + span - 2))
            cell.text = text
        for text, c, _, _ in low:
            w.cell(1, c - 1).text = text
        for c, text in enumerate([] if t["no_num"] else t["numbering"]):
            w.cell(2, c).text = text
        for i, r in enumerate(t["rows"]):
            if t["merged_total"] and r["kind"] in ("sub", "grand", "total"):
                w.cell(top_rows + i, 0).merge(w.cell(top_rows + i, 1)).text = r["label"]
            else:
                w.cell(top_rows + i, 0).text = r["stt"]
                w.cell(top_rows + i, 1).text = r["label"]
            if t["note"] and r["kind"] == "data" and i % 3 == 1:
                w.cell(top_rows + i, width - 1).text = "Chuyển kỳ sau 02 hồ sơ" if i % 2 else "Năm 2024"
            for c in t["cols"]:
                w.cell(top_rows + i, c - 1).text = r["s"].get(c) or ""
        index += 1
        indices.append(index)
    return d, indices


def xlsx_document(path, t, formulas, text_cells):
    """One sheet; with `formulas`, totals as =SUM and derived columns as formulas (LibreOffice
    computes their cached values); a planted fault stays a literal over the formula."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bieu"
    width = max(t["cols"]) + t["note"]
    for i, line in enumerate(t["title"]):
        ws.cell(i + 1, 1, line)
        ws.merge_cells(start_row=i + 1, start_column=1, end_row=i + 1, end_column=width)
    h = len(t["title"]) + 1
    top, low = header_rows(t)
    for text, c, span, rspan in top:
        ws.cell(h, c, text)
        if span > 1 or rspan > 1:
            ws.merge_cells(start_row=h, start_column=c, end_row=h + rspan - 1, end_column=c + span - 1)
    for text, c, _, _ in low:
        ws.cell(h + 1, c, text)
    for c, text in enumerate([] if t["no_num"] else t["numbering"]):
        ws.cell(h + 2, c + 1, text)
    first = h + 2 if t["no_num"] else h + 3
    rows = t["rows"]
    data_at = {}
    for i, r in enumerate(rows):
        data_at[id(r)] = first + i
    run, subs = [], []
    for i, r in enumerate(rows):
        at = first + i
        if t["merged_total"] and r["kind"] in ("sub", "grand", "total"):
            ws.cell(at, 1, r["label"])
            ws.merge_cells(start_row=at, start_column=1, end_row=at, end_column=2)
        else:
            ws.cell(at, 1, r["stt"] or None)
            ws.cell(at, 2, r["label"])
        if t["note"] and r["kind"] == "data" and i % 3 == 1:
            ws.cell(at, width, "Chuyển kỳ sau 02 hồ sơ" if i % 2 else "Năm 2024")
        for c, kind in t["cols"].items():
            v = r["p"].get(c)
            if v is None:
                continue
            ratio = isinstance(kind, tuple) and kind[0] == "ratio"
            clean = v == original(t, r, c)
            if text_cells:
                # Typed as text, as a table pasted from Word keeps its numbers.
                ws.cell(at, c, r["s"][c])
                continue
            value = float(v) if ratio else int(v)
            if ratio and not t["frac"]:
                value = float(v / 100)
            cell = ws.cell(at, c, value)
            if ratio:
                cell.number_format = "0." + "0" * t["pdec"] + "%" if not t["frac"] else "0.00"
            else:
                cell.number_format = "#,##0"
            if formulas and clean:
                L = get_column_letter
                if ratio:
                    cell.value = f"={L(kind[1])}{at}/{L(kind[2])}{at}"
                elif isinstance(kind, tuple) and kind[0] == "sum":
                    cell.value = "=" + "+".join(f"{L(x)}{at}" for x in kind[1])
                elif r["kind"] in ("total", "sub") and run:
                    cell.value = f"=SUM({L(c)}{data_at[id(run[0])]}:{L(c)}{data_at[id(run[-1])]})"
                elif r["kind"] == "grand":
                    cell.value = "=" + "+".join(f"{L(c)}{data_at[id(s)]}" for s in subs)
        if r["kind"] == "data":
            run.append(r)
        elif r["kind"] in ("sub", "total"):
            if r["kind"] == "sub":
                subs.append(r)
            run = []
    wb.save(path)
    if formulas:
        with tempfile.TemporaryDirectory() as tmp:
            soffice("xlsx", tmp, path)
            shutil.move(os.path.join(tmp, os.path.basename(path)), path)
        # The truth is what the sheet shows: formulas recomputed from the cells a fault changed.
        shown = openpyxl.load_workbook(path, data_only=True).active
        for i, r in enumerate(rows):
            for c, kind in t["cols"].items():
                v = shown.cell(first + i, c).value
                if r["p"].get(c) is None or not isinstance(v, (int, float)):
                    continue
                if isinstance(kind, tuple) and kind[0] == "ratio":
                    r["p"][c] = rnd(D(repr(v)), 2) if t["frac"] else rnd(D(repr(v)) * 100, t["pdec"])
                else:
                    r["p"][c] = D(round(v))


def original(t, r, c):
    s, v = printed(t, c, r["v"].get(c))
    return v


def soffice(to, out, path):
    """LibreOffice with a profile of its own, so that another soffice running does not swallow the call."""
    profile = "file://" + os.path.join(tempfile.gettempdir(), "stats_variants_lo")
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", to, "--outdir", out,
                    path], check=True, capture_output=True)
    if not os.path.exists(os.path.join(out, os.path.splitext(os.path.basename(path))[0] + "." + to)):
        raise SystemExit(f"soffice could not convert {path} to {to} (Writer and Calc are needed)")


def to_pdf(path):
    out = os.path.dirname(path)
    soffice("pdf", out, path)
    os.remove(path)
    return path[:-5] + ".pdf"


def jsonable(x):
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() and x.as_tuple().exponent >= 0 else float(x)
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    return x


# ----------------------------------------------------------------------------------- plan
UNITS = ["xã Quảng Hòa", "xã Tân Phong", "thị trấn Hậu Lộc", "xã Minh Sơn", "phường Ba Đình", "xã Hoằng Đạt",
         "xã Nga Thạch", "thị trấn Vĩnh Lộc", "xã Yên Lâm", "phường Đông Vệ"]
MAKERS = [dvc_table, training_table, files_table, documents_table]


def plan(rng):
    """(name, kind, format, prose faults, table makers with faults, clean)."""
    docs = [
        ("narr_a", "narrative", "docx", 2, []),
        ("narr_b", "narrative", "pdf", 1, []),
        ("narr_clean", "narrative", "docx", 0, []),
        ("narr_c", "narrative", "docx", 3, []),
        ("narr_wrapped", "narrative", "docx", 2, []),
        ("annex_a", "annex", "docx", 0, [(rng.choice(MAKERS), 2)]),
        ("annex_two", "annex", "docx", 0, [(dvc_table, 1), (training_table, 1)]),
        ("annex_b", "annex", "xlsx", 0, [(training_table, 2)]),
        ("annex_c", "annex", "pdf", 0, [(files_table, 2)]),
        ("annex_clean", "annex", "xlsx", 0, [(dvc_table, 0)]),
        ("mixed_a", "mixed", "docx", 1, [(rng.choice(MAKERS), 1)]),
        ("mixed_clean", "mixed", "pdf", 0, [(rng.choice(MAKERS), 0)]),
    ]
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    docs_dir, truth_dir = os.path.join(a.out, "docs"), os.path.join(a.out, "truth")
    os.makedirs(docs_dir, exist_ok=True)
    os.makedirs(truth_dir, exist_ok=True)
    for k, (name, kind, fmt, pf, tables) in enumerate(plan(rng)):
        unit = rng.choice(UNITS)
        log, expected, tolerated, statements = [], [], [], []
        paras = []
        if kind != "annex":
            paras, statements, e, tol, plog = narrative(rng, pf, pf == 0)
            paras = wrapped(paras) if name.endswith("wrapped") else paras
            expected += e
            tolerated += tol
            log += plog
        built = [build_table(rng, maker, n, log) for maker, n in tables]
        fname = f"S{a.seed:02d}_{k + 1:02d}_{name}.{fmt}"
        path = os.path.join(docs_dir, fname)
        table_truth = []
        if fmt == "xlsx":
            mode = rng.choice(["formulas", "formulas", "values", "text"])
            xlsx_document(path, built[0], mode == "formulas", mode == "text")
            indices = [1]
        else:
            d, indices = docx_document(paras, built, unit)
            d.save(path[:-4] + ".docx" if fmt == "pdf" else path)
            if fmt == "pdf":
                path = to_pdf(path[:-4] + ".docx")
        for t, index in zip(built, indices):
            e, tol = truth_of_table(t, index, fmt == "xlsx")
            expected += e
            tolerated += tol
            table_truth.append({"index": index, "title": " ".join(t["title"]), "kind": "annex",
                                "formulas": [x for x in t["numbering"] if "=" in x or ":" in x],
                                "total_rows": [r["label"] for r in t["rows"] if r["kind"] in ("sub", "grand", "total")]})
        truth = {"file": fname, "format": fmt, "expected_status": "ok", "table_kind": "statistics", "columns": [],
                 "criteria": {}, "stated_total": None, "expected_findings": [], "document_kind": kind,
                 "description": f"stats_variants seed {a.seed}", "expected_statistics_findings": expected,
                 "tolerated": tolerated, "statements": statements, "tables": table_truth, "planted": log}
        with open(os.path.join(truth_dir, fname + ".json"), "w", encoding="utf-8") as f:
            json.dump(jsonable(truth), f, ensure_ascii=False, indent=1)
        print(f"{fname}: {len(expected)} expected, {len(tolerated)} tolerated, planted {log}")


if __name__ == "__main__":
    main()
