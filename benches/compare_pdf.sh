#!/usr/bin/env bash
# Side by side, in one run on the same PDFs: per-page median time of
#   - parcheck: the release `parcheck check FILE` (process start included),
#   - pdftotext -layout (poppler; text only, no tables — the speed ceiling),
#   - pdfplumber: extract_tables() on every page (a Python process per file),
# each timed per file including its process start, plus parcheck's in-process
# per-page figure from `cargo bench --bench pdf` on the same folder.
#
#   benches/compare_pdf.sh [DIR] [RUNS]     # DIR defaults to ../shared/samples/docs
#
# Needs poppler-utils (pdftotext) and `pip install pdfplumber`.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=$(realpath "${1:-../shared/samples/docs}")
RUNS=${2:-5}
command -v pdftotext >/dev/null || { echo "pdftotext missing: apt-get install -y poppler-utils" >&2; exit 1; }
python3 -c 'import pdfplumber' 2>/dev/null || { echo "pdfplumber missing: pip install pdfplumber" >&2; exit 1; }
cargo build --release --quiet
export PARCHECK=target/release/parcheck

echo "machine: $(nproc) CPUs; $(lscpu | sed -n 's/^Model name: *//p')"
PARCHECK_BENCH_DIR="$DIR" cargo bench --quiet --bench pdf -- --noplot pdf/all >/tmp/compare_pdf_bench.log 2>&1

python3 - "$DIR" "$RUNS" <<'EOF'
import glob, json, os, statistics, subprocess, sys, time

directory, runs = sys.argv[1], int(sys.argv[2])
files = sorted(glob.glob(os.path.join(directory, "*.pdf")))
plumber = "import sys, pdfplumber\nwith pdfplumber.open(sys.argv[1]) as pdf:\n    [p.extract_tables() for p in pdf.pages]"
tools = {
    "parcheck check": lambda f: [os.environ["PARCHECK"], "check", f],
    "pdftotext -layout": lambda f: ["pdftotext", "-layout", f, os.devnull],
    "pdfplumber extract_tables": lambda f: [sys.executable, "-c", plumber, f],
}

def pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return int(next(l.split()[-1] for l in out.splitlines() if l.startswith("Pages:")))

counts = {f: pages(f) for f in files}
total = sum(counts.values())
print(f"{len(files)} PDFs, {total} pages, median of {runs} runs per file")
per_page = {}
for name, command in tools.items():
    # Per file: median wall time of `runs` runs; per page: sum over files / pages.
    medians = []
    for f in files:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command(f), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - start)
        medians.append(statistics.median(times))
    per_page[name] = sum(medians) / total * 1000

estimates = "target/criterion/pdf/all/new/estimates.json"
if os.path.exists(estimates):
    with open(estimates) as e:
        per_page["parcheck in-process (bench)"] = json.load(e)["median"]["point_estimate"] / 1e6 / total

base = per_page["parcheck check"]
print(f"{'tool':<30}{'ms/page':>10}{'× parcheck check':>20}")
for name, ms in per_page.items():
    print(f"{name:<30}{ms:>10.3f}{ms / base:>20.1f}")
EOF
