#!/usr/bin/env bash
# parcheck against pdftotext on the same PDFs, on one core:
#   - parcheck: ONE release `parcheck check --jobs 1` process over all the PDFs
#     of a set (tables, checks and NDJSON included),
#   - pdftotext -layout (poppler; text only, no tables), one process per file,
# the two alternated run by run (so that load from other work hits both
# alike), each the median of RUNS runs, as wall time and as CPU time (user +
# system, less sensitive to a busy machine). The target is parcheck ≤ 0.7 ×
# pdftotext. Sets: the bundled PDFs (fixtures/samples), ../shared/samples and
# the PDFs of ../shared/samples2 that have a text layer (any font; pure image
# scans left out), then all of them in one process. parcheck runs with
# `--ocr never`: pdftotext reads text layers only, and a scan under an OCR
# program's invisible layer would otherwise be recognised again by Tesseract
# (benches/compare_ocr.sh times that path).
# Then the per-page time of a generated report (benches/long_report.py: a
# ruled table over 1, 10 and 75 pages), 150 pages each way: the cost of a
# page must not grow with the page count. CRITERION=1 also runs the in-process `cargo bench --bench
# pdf -- pdf/long`.
#
#   benches/compare_pdf.sh [DIR] [RUNS]   # DIR: one set of PDFs instead of the sets above
#
# Needs poppler-utils (pdftotext, pdfinfo, pdffonts).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${2:-5}
command -v pdftotext >/dev/null || { echo "pdftotext missing: apt-get install -y poppler-utils" >&2; exit 1; }
cargo build --release --quiet

echo "machine: $(nproc) CPUs; $(lscpu | sed -n 's/^Model name: *//p'); $(free -g | awk '/^Mem:/{print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RUNS" "${1:-}" <<'EOF'
import glob, os, resource, statistics, subprocess, sys, tempfile, time

runs, single = int(sys.argv[1]), sys.argv[2]

def pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return next((int(l.split()[-1]) for l in out.splitlines() if l.startswith("Pages:")), 0)

def has_fonts(path):
    out = subprocess.run(["pdffonts", path], capture_output=True, text=True).stdout
    return len(out.splitlines()) > 2

def timed(commands):
    """Wall and CPU (user + system) seconds of running the commands one after another."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    for command in commands:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

def compare(files):
    """Median (wall, cpu) of parcheck and of pdftotext, alternated run by run."""
    ours = [["target/release/parcheck", "check", "--jobs", "1", "--quiet", "--ocr", "never", *files]]
    theirs = [["pdftotext", "-layout", f, "/dev/null"] for f in files]
    a, b = [], []
    for run in range(runs):
        if run % 2 == 0:
            a.append(timed(ours)); b.append(timed(theirs))
        else:
            b.append(timed(theirs)); a.append(timed(ours))
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    return (med(a, 0), med(a, 1)), (med(b, 0), med(b, 1))

def report(name, files):
    total = sum(pages(f) for f in files)
    (pw, pc), (tw, tc) = compare(files)
    print(f"{name}: {len(files)} PDFs, {total} pages, median of {runs} alternated runs")
    print(f"  parcheck (one process): wall {pw:.3f} s ({pw / total * 1000:.2f} ms/page), cpu {pc:.3f} s")
    print(f"  pdftotext (per file):   wall {tw:.3f} s ({tw / total * 1000:.2f} ms/page), cpu {tc:.3f} s")
    ok = lambda r: "ok" if r <= 0.7 else "MISSED"
    print(f"  ratio parcheck / pdftotext: wall {pw / tw:.2f} ({ok(pw / tw)}), cpu {pc / tc:.2f} ({ok(pc / tc)})")

# The shared samples sit beside the checkout (../shared), or beside a worktree's parent folder.
shared = next((d for d in ("../shared", "../../shared") if os.path.isdir(d)), "../shared")
if single:
    sets = [(single, sorted(glob.glob(os.path.join(single, "**", "*.pdf"), recursive=True)))]
else:
    sets = [
        ("bundled (fixtures/samples)", sorted(glob.glob("fixtures/samples/*.pdf"))),
        ("../shared/samples", sorted(glob.glob(f"{shared}/samples/docs/*.pdf"))),
        ("../shared/samples2 PDFs with text", [f for f in sorted(glob.glob(f"{shared}/samples2/docs/*.pdf")) if has_fonts(f)]),
    ]
    sets = [(name, files) for name, files in sets if files]
    if len(sets) > 1:
        sets.append(("all of the above", [f for _, files in sets for f in files]))
if not sets or not any(files for _, files in sets):
    sys.exit("no PDFs found")
for name, files in sets:
    report(name, files)

# Per-page cost: 150 pages as 150 one-page, 15 ten-page or 2 seventy-five-page
# reports (distinct files), each set read by one parcheck process as above,
# so that process start-up does not blur the cost of a page.
with tempfile.TemporaryDirectory() as tmp:
    sizes, total, times = [1, 10, 75], 150, {}
    for n in sizes:
        path = os.path.join(tmp, f"long_{n}.pdf")
        subprocess.run([sys.executable, "benches/long_report.py", str(n), path], check=True)
        with open(path, "rb") as f:
            report_bytes = f.read()
        copies = []
        for i in range(total // n):
            # A trailing comment makes each copy a distinct file, read as its own document.
            copies.append(os.path.join(tmp, f"long_{n}_{i}.pdf"))
            with open(copies[-1], "wb") as f:
                f.write(report_bytes + b"%% copy %d\n" % i)
        times[n] = compare(copies)
    print(f"generated report (ruled table, 25 criteria a page), {total} pages a set, median of {runs} alternated runs:")
    for n in sizes:
        (pw, pc), (tw, tc) = times[n]
        print(f"  {total // n:3} x {n:2}-page reports: parcheck cpu {pc / total * 1000:5.2f} ms/page, "
              f"pdftotext cpu {tc / total * 1000:5.2f} ms/page")
EOF
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${CRITERION:-0}" = 1 ]; then
  cargo bench --quiet --bench pdf -- --noplot pdf/long 2>/dev/null | grep -E "^pdf/long|thrpt" || true
fi
