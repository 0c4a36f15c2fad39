#!/usr/bin/env python3
"""Rubric and evidence the team has not seen: scoring tables rendered from
rubric lines, citations and report headings as real reports print them
(phrasing modelled on ../shared/seeds and the public rubric truth files,
SOURCE_TRUTH_DIR, whose option values and citation numbers seed the pool),
with planted faults of the six RUBRIC.md kinds in known rows, clean rows
elsewhere, and exact truth in the public truth format.

    benches/rubric_variants.py ../shared/samples3/rubric/truth OUT_DIR --seed N
    parcheck check OUT_DIR/docs --quiet > out.ndjson
    python3 ../shared/samples3/rubric/score_rubric.py out.ndjson OUT_DIR/truth -v
    python3 ../shared/samples/score.py out.ndjson OUT_DIR/truth

Twelve documents per seed (.docx with python-docx, .xlsx with openpyxl, .pdf
from a ruled .xlsx by `soffice --headless --convert-to pdf`), each ~20 leaf
criteria under sections and groups whose sums are right, so the v1 truth
has no findings. Everything is chosen by the seed alone.

What varies, and the truth rule of each variation:
* Rubric layout: option lines in the title cell (`- … thì đánh giá là: 0,5`,
  `+ …: 1 điểm`, `- … được 0,5 điểm`), in a column of its own (`Cách tính
  điểm`, `Hướng dẫn chấm điểm`), or as option rows under the criterion
  (`Ban hành kịp thời: 2`, no score). Options are the values the lines
  assign, as a set.
* Formula: `theo công thức: [Tỷ lệ % … × K / 100]`, `theo công thức: Tỷ lệ %
  … x K` (K with comma or dot) give coefficient K and `Từ P% đến 100%` gives
  from_percent P; a formula `… × điểm tối đa` has no readable K: the
  criterion's rubric is left out of the truth (not scored) and no rubric
  finding is expected on it.
* Deadline in the title: `trước ngày 15/01 hàng năm`, `trước 31/12 hàng năm`,
  `chậm nhất ngày 20/01 hàng năm`, `trước ngày 31 tháng 01 hàng năm` → that
  day of the assessment year; `trong Quý IV của năm trước` → 31/12 of the
  year before.
* Citations: full or abbreviated type (`Kế hoạch`/`KH`/`kh`, `QĐ`, `BC`,
  `Công văn`, `TB`, `TTr`), with or without `số`, symbol or none, date right
  after (`ngày 30/9/2021`, `, 30-09-2021`, `(30.9.2021)`, `ngày 30 tháng 9
  năm 2021`) or none. A citation without a date yields no date finding and
  date null. Several in one cell, separated by `;`, new lines, `-` or `+`
  bullets, each followed by what it is about; a date elsewhere in the cell
  (`số liệu tính đến 30/6/2021`) belongs to no citation.
* Evidence in a cell merged over several rows (two or three criteria of one
  group, or a criterion and its option rows) belongs to every row it covers.
  Prose without a citation counts as evidence.
* Report date in the heading (`Bút Sơn, ngày 25 tháng 12 năm 2021`) or blank
  (`ngày … tháng … năm 2021` → null; evidence_outside_period then also fires
  on a year ≥ Y + 2).
* An appraisal column in some tables (equal to the self score, or a lower
  option): score_not_in_rubric and late_for_deadline are per column; or the
  column printed but left blank (no appraisal yet): nothing on it.
* With option rows, the score printed on the chosen option row instead of the
  criterion's own (seed 001) when it is an option: it is the criterion's score.

Findings are computed from the rendered model by RUBRIC.md's rules (not only
the planted ones): score_not_in_rubric (options, no formula, a score not an
option), max_differs_from_rubric (max ≠ the largest option or K), missing_evidence
(leaf, self > 0, evidence cell empty), evidence_after_report (a date after the
report's), evidence_outside_period (year ≤ Y − 2, or ≥ Y + 2 without a report
date), late_for_deadline (deadline, score = top option, earliest dated Kế hoạch
or Quyết định after the deadline).
"""
import argparse
import datetime as dt
import json
import os
import random
import tempfile
from decimal import Decimal as D

import rubric_more as more
from rubric_render import write

# (title, [(option label, value)], formula (K, P, "bracket" | "plain" | "max": K unreadable),
#  deadline kind (a key of DEADLINES) or None, evidence type)
POOL = [
    ("Ban hành kế hoạch CCHC năm kịp thời", [("Ban hành kịp thời", "0.5"), ("Ban hành không kịp thời (trong Quý I năm đánh giá)", "0.25"), ("Không ban hành", "0")], None, "jan15", "KH"),
    ("Xác định đầy đủ các nhiệm vụ CCHC và bố trí kinh phí triển khai", [("Xác định đầy đủ nhiệm vụ và có bố trí kinh phí", "1"), ("Không xác định đầy đủ nhiệm vụ hoặc không bố trí kinh phí", "0")], None, None, "KH"),
    ("Mức độ hoàn thành kế hoạch CCHC", [("Hoàn thành dưới 80% kế hoạch", "0")], ("1.5", "80", "bracket"), None, "BC"),
    ("Thực hiện chế độ báo cáo định kỳ về CCHC", [("Báo cáo đầy đủ, đúng hạn", "1"), ("Không đầy đủ hoặc không đúng hạn", "0")], None, None, "BC"),
    ("Ban hành kế hoạch kiểm tra CCHC", [("Có kế hoạch và thực hiện đầy đủ", "1"), ("Có kế hoạch nhưng thực hiện chưa đầy đủ", "0.5"), ("Không có kế hoạch", "0")], None, None, "KH"),
    ("Ban hành kế hoạch tuyên truyền CCHC kịp thời", [("Ban hành kịp thời", "0.5"), ("Ban hành chậm", "0.25"), ("Không ban hành", "0")], None, "jan31", "KH"),
    ("Công khai đầy đủ, đúng quy định thủ tục hành chính tại Bộ phận một cửa", [("Công khai đầy đủ", "1"), ("Công khai chưa đầy đủ", "0.5"), ("Không công khai", "0")], None, None, "TB"),
    ("Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn", [("Dưới 90%", "0")], ("2", "90", "plain"), None, "BC"),
    ("Thực hiện quy chế làm việc của UBND", [("Thực hiện đầy đủ", "1"), ("Không thực hiện đầy đủ", "0")], None, None, "QĐ"),
    ("Bố trí công chức đúng vị trí việc làm", [("Bố trí đúng 100%", "1"), ("Bố trí đúng từ 80% đến dưới 100%", "0.5"), ("Dưới 80%", "0")], None, None, "QĐ"),
    ("Tổ chức đối thoại của người đứng đầu với nhân dân", [("Có tổ chức", "0.5"), ("Không tổ chức", "0")], None, None, "TB"),
    ("Ứng dụng phần mềm quản lý văn bản và điều hành", [("Sử dụng thường xuyên", "1"), ("Không sử dụng", "0")], None, None, "BC"),
    ("Cập nhật thông tin trên trang thông tin điện tử", [("Cập nhật đầy đủ, kịp thời", "0.75"), ("Cập nhật chưa đầy đủ", "0.5"), ("Không cập nhật", "0")], None, None, "CV"),
    ("Tỷ lệ cán bộ, công chức được đào tạo, bồi dưỡng theo kế hoạch", [("Dưới 50%", "0")], ("1", "50", "max"), None, "BC"),
    ("Ban hành kế hoạch kiểm soát TTHC kịp thời", [("Ban hành kịp thời", "1"), ("Ban hành không kịp thời", "0.5"), ("Không ban hành", "0")], None, "jan20", "KH"),
    ("Ban hành kế hoạch CCHC năm sau kịp thời", [("Ban hành kịp thời", "2"), ("Ban hành không kịp thời", "1"), ("Không ban hành", "0")], None, "q4", "QĐ"),
    ("Giải quyết phản ánh, kiến nghị của cá nhân, tổ chức", [("Giải quyết 100% đúng hạn", "1"), ("Có phản ánh giải quyết quá hạn", "0.5"), ("Không giải quyết", "0")], None, None, "BC"),
    ("Thực hiện cơ chế một cửa, một cửa liên thông", [("Thực hiện đúng quy định", "1"), ("Không đúng quy định", "0")], None, None, "QĐ"),
    ("Mức độ thực hiện kế hoạch tuyên truyền CCHC", [("Hoàn thành dưới 70% kế hoạch", "0")], ("1", "70", "bracket"), None, "BC"),
    ("Ban hành kế hoạch kiểm tra công vụ kịp thời", [("Ban hành kịp thời", "1"), ("Ban hành chậm", "0.5"), ("Không ban hành", "0")], None, "dec31", "KH"),
    ("Thực hiện số hóa kết quả giải quyết TTHC", [("Số hóa đầy đủ", "1.5"), ("Số hóa một phần", "0.75"), ("Không số hóa", "0")], None, None, "BC"),
]
SECTIONS = ["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", "CẢI CÁCH THỂ CHẾ", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
            "CẢI CÁCH TỔ CHỨC BỘ MÁY", "XÂY DỰNG CHÍNH QUYỀN ĐIỆN TỬ"]
GROUPS = ["Kế hoạch và thực hiện kế hoạch", "Kiểm tra, giám sát", "Công tác thông tin, tuyên truyền",
          "Kết quả thực hiện", "Tổ chức thực hiện"]
UNITS = [("UBND xã Quảng Phú", "Quảng Phú"), ("UBND phường Đông Vệ", "Đông Vệ"), ("UBND thị trấn Bút Sơn", "Bút Sơn"),
         ("UBND xã Hoằng Đạo", "Hoằng Đạo"), ("UBND huyện Nga Sơn", "Nga Sơn"), ("UBND thị xã Nghi Sơn", "Nghi Sơn")]
TYPES = {"KH": ("Kế hoạch", "KH-UBND"), "BC": ("Báo cáo", "BC-UBND"), "QĐ": ("Quyết định", "QĐ-UBND"),
         "TB": ("Thông báo", "TB-UBND"), "CV": ("Công văn", "UBND-VP"), "TTr": ("Tờ trình", "TTr-UBND")}
# Other issuers' symbols (a chairman's decision, a steering board's plan, an office's report).
MORE_SYMBOLS = {"QĐ": ["QĐ-CT"], "KH": ["KH-BCĐ"], "BC": ["BC-VP"], "CV": ["UBND-NV"]}
ABOUT = ["về thực hiện CCHC năm {y}", "của UBND về kết quả thực hiện", "về việc triển khai nhiệm vụ",
         "thực hiện khcchc", "kết quả tuyên truyền", "về kiểm tra công tác CCHC"]
DEADLINES = {"jan15": ("(trước ngày 15/01 hàng năm)", 1, 15, 0), "dec31": ("(trước 31/12 hàng năm)", 12, 31, 0),
             "jan20": ("(chậm nhất ngày 20/01 hàng năm)", 1, 20, 0), "jan31": ("(trước ngày 31 tháng 01 hàng năm)", 1, 31, 0),
             "q4": ("(trong Quý IV của năm trước liền kề năm kế hoạch)", 12, 31, -1)}
RUBRIC_HEADERS = ["Cách tính điểm", "Hướng dẫn chấm điểm", "Phương pháp chấm điểm", "Cách chấm điểm"]
EVIDENCE_HEADERS = ["Tài liệu kiểm chứng", "Văn bản, hồ sơ minh chứng", "TÀI LIỆU KIỂM CHỨNG/ GHI CHÚ",
                    "Hồ sơ, tài liệu kiểm chứng"]
# Symbols by type, filled from the public truth's citations (`main`).
SYMBOLS = {}
MORE = False  # `--more`: the variations of rubric_more.py


def vn(v, dot=False):
    """A decimal as a report prints it: `0,5`, `1`, or with a dot."""
    s = format(v.normalize(), "f")
    return s if dot else s.replace(".", ",")


def option_line(style, dot, label, value):
    """One option line in the criterion's one phrasing (`style`)."""
    v = vn(D(value), dot=dot)
    if style >= 6:
        return more.value_first(style, v, label)
    return [f"- {label} thì đánh giá là: {v}", f"+ {label}: {v} điểm", f"- {label} thì được {v} điểm",
            f"- {label}: {v}", f"- {label}: {v}đ;", f"- {label} thì đánh giá là {v} điểm (tối đa)"][style]


def formula_line(rng, k, p, phrasing):
    k = vn(D(k), dot=rng.random() < 0.5)
    if phrasing == "max":
        return f"- Từ {p}% đến 100% thì đánh giá theo công thức: Tỷ lệ % thực hiện × điểm tối đa"
    sign = rng.choice(["X", "x", "×", "*"])
    if phrasing == "bracket":
        return f"- Từ {p}% đến 100% thì đánh giá theo công thức: [Tỷ lệ % hoàn thành {sign} {k} / 100]"
    return f"- Từ {p}% đến 100% thì tính theo công thức: Tỷ lệ % hồ sơ đúng hạn {sign} {k}"


def date_text(rng, d):
    """A citation's date as written after its number, and whether `ngày` is in it."""
    form = rng.randrange(9 if MORE else 6)
    if form >= 6:
        return more.date_form(form, d)
    if form == 0:
        return f"ngày {d.day:02d}/{d.month:02d}/{d.year}"
    if form == 1:
        return f"ngày {d.day}/{d.month}/{d.year}"
    if form == 2:
        return f", {d.day:02d}-{d.month:02d}-{d.year}"
    if form == 3:
        return f"ngày {d.day}.{d.month}.{d.year}"
    if form == 4:
        return f"ngày {d.day} tháng {d.month:02d} năm {d.year}"
    return f"({d.day:02d}/{d.month:02d}/{d.year})"


def citation(rng, kind, number, d, dated=True):
    """(text as written in the cell, truth record)."""
    full, symbol = TYPES[kind]
    symbol = rng.choice(SYMBOLS.get(kind, [symbol]) + MORE_SYMBOLS.get(kind, []))
    heads = [full, kind, kind.lower() if kind in ("KH", "BC") else full]
    head = rng.choice(heads + (["Số"] if symbol.startswith(kind) else []))
    # `Số 1231/BC-UBND`: only the symbol says what the document is.
    with_symbol = dated or head == "Số" or rng.random() < 0.5
    body = f"{head} {number}" if head == "Số" else f"{head}{rng.choice([' số ', ' '])}{number}"
    body += f"/{symbol}" if with_symbol else ""
    text = written = body
    if dated:
        dtext = date_text(rng, d)
        written = body + ("" if dtext.startswith(",") else " ") + dtext
        # The closing bracket of `(30/01/2018)` ends no part of the citation.
        text = written.rstrip(")")
    record = {"type": full, "number": str(number), "symbol": symbol if with_symbol else None,
              "date": d.isoformat() if dated else None, "text": text}
    return written, record


def evidence_cell(rng, cites, year):
    """The cell's text from (written, record) citations, each followed by what it is about."""
    sep = rng.choice(["; ", "\n", "\n- ", "\n+ ", "numbered"] + (["\n• ", "\n* "] if MORE else []))
    parts = [w + " " + rng.choice(ABOUT).format(y=year) for w, _ in cites]
    if sep == "numbered":
        # `1. BC số 1035/BC-UBND ngày 30/9/2021;` as seed 003 lists them.
        return "\n".join(f"{i}. {p};" for i, p in enumerate(parts, 1))
    lead = sep[1:] if sep.startswith("\n") else ""
    text = lead + sep.join(parts)
    if rng.random() < 0.2:
        text += f"{sep if sep != '; ' else '; '}số liệu tính đến 30/6/{year}"
    return text


class Leaf:
    def __init__(self, tpl, rng):
        self.title, opts, self.formula, self.deadline, self.etype = tpl
        self.options = [(label, D(v)) for label, v in opts]
        top = max(v for _, v in self.options)
        if self.formula:
            top = max(top, D(self.formula[0]))
        self.max = top
        self.self = top
        self.appraisal = None
        self.evidence = None  # list of (written, record) or "prose"; None: empty
        self.merged = 1  # rows the evidence cell spans (on the first leaf)
        self.covered = False  # covered by the evidence cell of a leaf above
        self.rubric_certain = not (self.formula and self.formula[2] == "max")

    def top_option(self):
        return max(v for _, v in self.options)


def build(rng, year, n_leaves):
    """Sections → groups → leaves; every leaf clean."""
    pool = list(POOL)
    rng.shuffle(pool)
    leaves = [Leaf(pool[i % len(pool)], rng) for i in range(n_leaves)]
    tree, k = [], 0
    for s in range(rng.randint(3, 4)):
        groups = []
        for g in range(rng.randint(1, 2)):
            take = leaves[k:k + rng.randint(2, 4)]
            k += len(take)
            if take:
                groups.append((rng.choice(GROUPS), take))
        tree.append((SECTIONS[s], groups))
    rest = leaves[k:]
    if rest:
        tree[-1][1].append(("Các nhiệm vụ khác", rest))
    return tree, [leaf for _, gs in tree for _, ls in gs for leaf in ls]


def deadline_of(leaf, year):
    if not leaf.deadline:
        return None
    _, m, d, shift = DEADLINES[leaf.deadline]
    return dt.date(year + shift, m, d)


def clean_date(rng, year, report):
    last = report or dt.date(year, 12, 20)
    start = dt.date(year, 1, 2)
    return start + dt.timedelta(days=rng.randrange(max(1, (last - start).days)))


def fill(rng, leaves, year, report, appraisal, merge_ok):
    """Clean scores and evidence for every leaf."""
    number = rng.randrange(20, 900)
    for leaf in leaves:
        if leaf.formula:
            k, p = D(leaf.formula[0]), D(leaf.formula[1])
            rate = D(rng.choice([int(p) + 5, 95, 100]))
            leaf.self = (k * rate / 100).quantize(D("0.01")).normalize()
        elif rng.random() < 0.2:
            leaf.self = sorted(v for _, v in leaf.options)[-2]
        if appraisal:
            lower = [v for _, v in leaf.options if v < leaf.self]
            leaf.appraisal = rng.choice(lower) if lower and not leaf.formula and rng.random() < 0.2 else leaf.self
        if leaf.self == 0:
            continue
        if rng.random() < 0.1:
            leaf.evidence = "prose"
            continue
        cites = []
        due = deadline_of(leaf, year)
        for i in range(rng.choice([1, 1, 2, 3])):
            number += rng.randrange(1, 40)
            kind = leaf.etype if i == 0 else rng.choice(list(TYPES))
            d = clean_date(rng, year, report)
            if due and kind in ("KH", "QĐ"):
                d = due - dt.timedelta(days=rng.randrange(3, 40))
                if d.year <= year - 2:
                    d = dt.date(year - 1, 12, 20)
            cites.append(citation(rng, kind, number, d, dated=i == 0 or rng.random() < 0.7))
        leaf.evidence = cites
    # Merged evidence cells over two or three leaves of one group (never planted on).
    if merge_ok:
        for i in range(len(leaves) - 2):
            a, b = leaves[i], leaves[i + 1]
            if rng.random() < 0.12 and a.evidence not in (None, "prose") and not a.covered and a.group == b.group:
                a.merged = 2
                b.covered = True
                b.evidence = a.evidence


def plant(rng, leaves, year, report, kinds):
    """Puts one fault of each kind on a leaf of its own; returns [(desc, kind, code-less leaf, column)]."""
    free = [leaf for leaf in leaves if leaf.merged == 1 and not leaf.covered]
    rng.shuffle(free)
    planted = []

    def take(pred):
        leaf = next((leaf for leaf in free if pred(leaf)), None)
        return leaf and free.remove(leaf) or leaf

    for kind in kinds:
        if kind == "score_not_in_rubric":
            leaf = take(lambda l: not l.formula and l.top_option() > 0 and l.rubric_certain)
            if leaf:
                values = sorted(v for _, v in leaf.options)
                bad = (values[-1] + values[-2]) / 2 if len(values) > 1 else values[-1] / 2
                col = "appraisal_score" if leaf.appraisal is not None and rng.random() < 0.4 else "self_score"
                setattr(leaf, "appraisal" if col == "appraisal_score" else "self", bad.normalize())
                planted.append((f"score {vn(bad)} not an option", kind, leaf, col))
        elif kind == "max_differs_from_rubric":
            leaf = take(lambda l: l.rubric_certain)
            if leaf:
                leaf.max = leaf.max * 2
                planted.append((f"max {vn(leaf.max)}", kind, leaf, "max_points"))
        elif kind == "missing_evidence":
            leaf = take(lambda l: l.self > 0)
            if leaf:
                leaf.evidence = None
                planted.append(("evidence emptied", kind, leaf, "evidence"))
        elif kind in ("evidence_after_report", "evidence_outside_period"):
            if kind == "evidence_after_report" and not report:
                continue
            leaf = take(lambda l: isinstance(l.evidence, list) and not l.deadline)
            if leaf:
                written, rec = leaf.evidence[0]
                old = dt.date.fromisoformat(rec["date"])
                if kind == "evidence_after_report":
                    d = report + dt.timedelta(days=rng.randrange(2, 25))
                elif report or rng.random() < 0.5:
                    d = old.replace(year=year - rng.choice([2, 3]))
                else:
                    d = old.replace(year=year + 2)
                leaf.evidence[0] = citation(rng, leaf.etype, rec["number"], d)
                # A two-digit year after the report's date is not read for certain.
                while kind == "evidence_after_report" and more.short_year(leaf.evidence[0][1]["text"]):
                    leaf.evidence[0] = citation(rng, leaf.etype, rec["number"], d)
                planted.append((f"cites {leaf.evidence[0][0]}", kind, leaf, "evidence"))
        elif kind == "late_for_deadline":
            leaf = take(lambda l: l.deadline and l.deadline != "dec31" and isinstance(l.evidence, list)
                        and l.self == l.top_option())
            if leaf:
                due = deadline_of(leaf, year)
                d = due + dt.timedelta(days=rng.randrange(3, 30))
                rec = leaf.evidence[0][1]
                # The late plan is the earliest plan or decision the cell cites.
                others = [c for c in leaf.evidence[1:] if c[1]["type"] not in ("Kế hoạch", "Quyết định")]
                leaf.evidence = [citation(rng, leaf.etype, rec["number"], d)] + others
                planted.append((f"plan {leaf.evidence[0][0]} after {due}", kind, leaf, "self_score"))
    return planted


def findings_of(leaves, year, report):
    """RUBRIC.md's rules over the rendered leaves."""
    out = []
    for leaf in leaves:
        code = leaf.code
        cites = leaf.evidence if isinstance(leaf.evidence, list) else []
        if leaf.rubric_certain:
            options = sorted({v for _, v in leaf.options})
            top = max(options + ([D(leaf.formula[0])] if leaf.formula else []))
            scores = [("self_score", leaf.self), ("appraisal_score", leaf.appraisal)]
            for col, v in scores:
                if v is not None and not leaf.formula and v not in options:
                    out.append({"kind": "score_not_in_rubric", "code": code, "column": col, "severity": "warning",
                                "stated": float(v), "expected": [float(o) for o in options]})
            if leaf.max != top:
                out.append({"kind": "max_differs_from_rubric", "code": code, "column": "max_points",
                            "severity": "warning", "stated": float(leaf.max), "expected": float(top)})
            due = deadline_of(leaf, year)
            plans = [dt.date.fromisoformat(r["date"]) for _, r in cites
                     if r["date"] and r["type"] in ("Kế hoạch", "Quyết định")]
            if due and plans and min(plans) > due:
                for col, v in scores:
                    if v is not None and v == leaf.top_option():
                        out.append({"kind": "late_for_deadline", "code": code, "column": col, "severity": "warning"})
        if leaf.self > 0 and leaf.evidence is None:
            out.append({"kind": "missing_evidence", "code": code, "column": "evidence", "severity": "warning",
                        "stated": float(leaf.self)})
        for _, r in cites:
            if not r["date"]:
                continue
            d = dt.date.fromisoformat(r["date"])
            if report and d > report and not more.short_year(r["text"]):
                out.append({"kind": "evidence_after_report", "code": code, "column": "evidence", "severity": "error",
                            "citation": r["text"]})
            if d.year <= year - 2 or (not report and d.year >= year + 2):
                out.append({"kind": "evidence_outside_period", "code": code, "column": "evidence",
                            "severity": "warning", "citation": r["text"]})
    # One finding per (kind, code, column): the first.
    return list({(f["kind"], f["code"], f["column"]): f for f in reversed(out)}.values())[::-1]


def rows_of(rng, tree, layout, year, merge_ok=True):
    """The table's rows: dicts with code, title lines, rubric-column lines, values and evidence."""
    rows = []
    for s, (stitle, groups) in enumerate(tree, 1):
        section = {"code": str(s), "title": [stitle], "bold": True, "leaves": []}
        rows.append(section)
        for g, (gtitle, leaves) in enumerate(groups, 1):
            group = {"code": f"{s}.{g}", "title": [gtitle], "bold": True, "leaves": leaves}
            rows.append(group)
            section["leaves"] += leaves
            for n, leaf in enumerate(leaves, 1):
                leaf.code = f"{s}.{g}.{n}"
                title = leaf.title + (" " + DEADLINES[leaf.deadline][0] if leaf.deadline else "")
                style, dot = rng.randrange(9 if MORE else 6), rng.random() < 0.15
                lines = [option_line(style, dot, label, v) for label, v in leaf.options]
                if MORE and layout != "rows" and not leaf.formula and rng.random() < 0.2:
                    lines = [more.one_line(lines)]
                if leaf.formula:
                    lines.insert(0, formula_line(rng, *leaf.formula))
                row = {"code": leaf.code, "title": [title + ":"], "rubric": [], "leaf": leaf}
                if layout == "title":
                    row["title"] += lines
                    rows.append(row)
                elif layout == "column":
                    row["title"], row["rubric"] = [title], lines
                    rows.append(row)
                else:
                    rows.append(row)
                    values = ([None] if leaf.formula else []) + [v for _, v in leaf.options]
                    option_rows = [{"code": "", "title": [line.lstrip("-+ ")], "rubric": [], "option_of": leaf,
                                    "value": value} for line, value in zip(lines, values)]
                    rows += option_rows
                    # Evidence merged over the criterion and its option rows.
                    if rng.random() < 0.5 and merge_ok:
                        row["span"] = 1 + len(option_rows)
    return rows


def printed_on_option_row(leaf, score):
    """Whether the score is printed on the chosen option row (seed 001), not the criterion's."""
    return leaf.scored_rows and not leaf.formula and score in {v for _, v in leaf.options}


def scores_of(row, appraisal, printed=False):
    """The row's values; `printed`: as the table shows them, a score moved to its option row."""
    leaf = row.get("leaf")
    option_of = row.get("option_of")
    if printed and option_of:
        shown = lambda v: v if v == row["value"] and printed_on_option_row(option_of, v) else None
        vals = [None, shown(option_of.self)] + ([shown(option_of.appraisal)] if appraisal else [])
    elif leaf:
        vals = [leaf.max, leaf.self] + ([leaf.appraisal] if appraisal else [])
        if printed:
            vals[1:] = [None if printed_on_option_row(leaf, v) else v for v in vals[1:]]
    elif "leaves" in row:
        ls = row["leaves"]
        vals = [sum((l.max for l in ls), D(0)), sum((l.self for l in ls), D(0))] + ([sum((l.appraisal for l in ls), D(0))] if appraisal else [])
    else:
        vals = [None, None] + ([None] if appraisal else [])
    return ["" if v is None else vn(v) for v in vals]


def evidence_text(rng, leaf, year):
    if leaf is None or leaf.covered or leaf.evidence is None:
        return ""
    if leaf.evidence == "prose":
        return rng.choice(["Đã thực hiện đầy đủ, có hồ sơ lưu tại văn phòng", "Có sổ theo dõi, hồ sơ lưu"])
    return evidence_cell(rng, leaf.evidence, year)


def header_of(rng, layout, appraisal):
    h = ["STT", rng.choice(["Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "Tiêu chí, tiêu chí thành phần"])]
    if layout == "column":
        h.append(rng.choice(RUBRIC_HEADERS))
    h += [rng.choice(["Điểm tối đa", "Điểm chuẩn"]), rng.choice(["Điểm tự đánh giá", "Điểm tự chấm"])]
    if appraisal:
        h.append("Điểm thẩm định")
    h.append(rng.choice(EVIDENCE_HEADERS))
    return h


def table_cells(rng, rows, layout, appraisal, blank_appraisal, year):
    """Each row's cells as lists of lines, and the evidence spans [(first row, rows)]."""
    out, spans = [], []
    for i, row in enumerate(rows):
        leaf = row.get("leaf")
        cells = [[row["code"]], row["title"]]
        if layout == "column":
            cells.append(row.get("rubric", []))
        cells += [[v] for v in scores_of(row, appraisal, printed=True)]
        if blank_appraisal:
            cells.append([""])
        cells.append(evidence_text(rng, leaf, year).split("\n"))
        span = row.get("span") or (leaf.merged if leaf and leaf.merged > 1 else 1)
        if span > 1:
            # Leaves merged over each other sit in consecutive rows only in the title/column layouts.
            spans.append((i, span))
        out.append(cells)
    return out, spans


def rubric_truth(leaf, year):
    if not leaf.rubric_certain:
        return None
    due = deadline_of(leaf, year)
    formula = {"coefficient": float(D(leaf.formula[0])), "from_percent": float(D(leaf.formula[1]))} if leaf.formula else None
    return {"options": sorted(float(v) for v in {v for _, v in leaf.options}), "formula": formula,
            "deadline": due.isoformat() if due else None}


def document(rng, name, fmt, out_docs, tmp):
    year = rng.choice([2020, 2021, 2022, 2023])
    unit, place = rng.choice(UNITS)
    roll = rng.random()
    date = None if roll < 0.25 else dt.date(year + 1, 1, rng.randint(5, 20)) if roll < 0.35 else \
        dt.date(year, rng.choice([11, 12]), rng.randint(15, 28))
    layout = rng.choice(["title", "title", "column", "rows"])
    appraisal = rng.random() < 0.35
    # An appraisal column the appraisers have not filled in yet.
    blank_appraisal = not appraisal and rng.random() < 0.3
    scored_rows = layout == "rows" and rng.random() < 0.5
    tree, leaves = build(rng, year, rng.randint(16, 22))
    for ls in (ls for _, groups in tree for _, ls in groups):
        for leaf in ls:
            leaf.group, leaf.scored_rows = id(ls), scored_rows
    fill(rng, leaves, year, date, appraisal, merge_ok=layout != "rows" and fmt != "csv")
    kinds = ["score_not_in_rubric", "max_differs_from_rubric", "missing_evidence", "evidence_after_report",
             "evidence_outside_period", "late_for_deadline"]
    rows = rows_of(rng, tree, layout, year, merge_ok=fmt != "csv")
    planted = plant(rng, leaves, year, date, kinds + rng.sample(kinds, 2))
    info = {"unit": unit, "place": place, "date": date, "year": year, "number": rng.randrange(100, 999)}
    if MORE and date:  # the report's date only in the signature block after the table
        info["signed"] = rng.random() < 0.35
    header = header_of(rng, layout, appraisal or blank_appraisal)
    cells, spans = table_cells(rng, rows, layout, appraisal, blank_appraisal, year)
    total = ["", "TỔNG ĐIỂM"] + ([[""]] if layout == "column" else [])
    sums = [vn(sum(l.max for l in leaves)), vn(sum(l.self for l in leaves))] + \
        ([vn(sum(l.appraisal for l in leaves))] if appraisal else [""] if blank_appraisal else [])
    cells.append([[total[0]], [total[1]]] + total[2:] + [[v] for v in sums] + [[""]])
    file = f"{name}.{fmt}"
    write(fmt, name, out_docs, tmp, rng, (info, header, cells, spans), rubric_column=layout == "column")
    columns = ["max_points", "self_score"] + (["appraisal_score"] if appraisal else [])
    criteria = {}
    for row in rows:
        if not row["code"]:
            continue
        leaf = row.get("leaf")
        vals = scores_of(row, appraisal)
        num = lambda v: float(D(v.replace(",", "."))) if v else None
        c = {"max_points": num(vals[0]), "self_score": num(vals[1]),
             "appraisal_score": num(vals[2]) if appraisal else None, "lost_points": None}
        if leaf:
            r = rubric_truth(leaf, year)
            if r or leaf.rubric_certain:
                c["rubric"] = r
            c["evidence"] = [rec for _, rec in leaf.evidence] if isinstance(leaf.evidence, list) else []
        else:
            c["rubric"], c["evidence"] = None, []
        criteria[row["code"]] = c
    totals = {col: float(sum(getattr(l, {"max_points": "max", "self_score": "self",
                                          "appraisal_score": "appraisal"}[col]) for l in leaves)) for col in columns}
    return {
        "file": file, "format": fmt, "expected_status": "ok", "table_kind": "self_assessment", "columns": columns,
        "unit": unit, "year": year, "model": f"rubric_variants/{layout}", "style": layout, "criteria": criteria,
        "stated_total": None, "stated_total_column": None, "table_total": totals, "recalculated_total": totals,
        "expected_findings": [], "date": date.isoformat() if date else None,
        "expected_rubric_findings": findings_of(leaves, year, date), "tolerated_rubric_findings": [],
        "planted": [{"desc": f"{leaf.code}: {desc}", "findings": [[kind, leaf.code, col]]}
                    for desc, kind, leaf, col in planted],
        "note": f"layout {layout}, appraisal column {'blank' if blank_appraisal else appraisal}, "
                f"scores on option rows {scored_rows}, evidence merges {len(spans)}",
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source_truth")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--more", action="store_true", help="the variations and formats of rubric_more.py")
    a = ap.parse_args()
    global MORE
    MORE = a.more and more.widen(TYPES, RUBRIC_HEADERS, EVIDENCE_HEADERS)
    abbreviation = {v[0]: k for k, v in TYPES.items()}
    for fn in sorted(os.listdir(a.source_truth)):
        with open(os.path.join(a.source_truth, fn), encoding="utf-8") as f:
            for c in json.load(f)["criteria"].values():
                for e in c.get("evidence") or []:
                    kind, sym = abbreviation.get(e["type"]), e.get("symbol")
                    if kind and sym and " " not in sym and sym not in SYMBOLS.setdefault(kind, []):
                        SYMBOLS[kind].append(sym)
    rng = random.Random(a.seed)
    docs, truth = os.path.join(a.out, "docs"), os.path.join(a.out, "truth")
    os.makedirs(docs, exist_ok=True)
    os.makedirs(truth, exist_ok=True)
    formats = more.FORMATS if a.more else ["docx"] * 5 + ["xlsx"] * 4 + ["pdf"] * 3
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.count):
            fmt = formats[i % len(formats)]
            t = document(rng, f"rv{a.seed}_{i:02d}", fmt, docs, tmp)
            with open(os.path.join(truth, t["file"] + ".json"), "w", encoding="utf-8") as f:
                json.dump(t, f, ensure_ascii=False, indent=1)
            print(t["file"], t["note"], len(t["expected_rubric_findings"]), "findings")


if __name__ == "__main__":
    main()
