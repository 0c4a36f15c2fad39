#!/usr/bin/env bash
# parcheck against pdftotext on the same PDFs, on one core:
#   - parcheck: ONE release `parcheck check --jobs 1` process over all the PDFs
#     (tables, checks and NDJSON included),
#   - pdftotext -layout (poppler; text only, no tables), one process per file,
# each the median of RUNS runs. The target is parcheck ≤ 0.7 × pdftotext.
# Then the in-process per-page time of a generated 5-page and 75-page report
# (`cargo bench --bench pdf -- pdf/long`): it must not grow with the page count.
#
#   benches/compare_pdf.sh [DIR] [RUNS]   # DIR: fixtures/samples + ../shared/samples{,2}/docs PDFs
#
# Needs poppler-utils (pdftotext, pdfinfo).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${2:-5}
command -v pdftotext >/dev/null || { echo "pdftotext missing: apt-get install -y poppler-utils" >&2; exit 1; }
cargo build --release --quiet
FILES=()
if [ -n "${1:-}" ]; then
  while IFS= read -r f; do FILES+=("$f"); done < <(find "$1" -name '*.pdf' | sort)
else
  for d in fixtures/samples ../shared/samples/docs ../shared/samples2/docs; do
    [ -d "$d" ] && while IFS= read -r f; do FILES+=("$f"); done < <(find "$d" -name '*.pdf' | sort)
  done
fi
[ ${#FILES[@]} -gt 0 ] || { echo "no PDFs found" >&2; exit 1; }

echo "machine: $(nproc) CPUs; $(lscpu | sed -n 's/^Model name: *//p'); load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RUNS" "${FILES[@]}" <<'EOF'
import statistics, subprocess, sys, time

runs, files = int(sys.argv[1]), sys.argv[2:]

def pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return next((int(l.split()[-1]) for l in out.splitlines() if l.startswith("Pages:")), 0)

def timed(commands):
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start

total = sum(pages(f) for f in files)
parcheck = statistics.median(timed([["target/release/parcheck", "check", "--jobs", "1", "--quiet", *files]]) for _ in range(runs))
poppler = statistics.median(timed([["pdftotext", "-layout", f, "/dev/null"] for f in files]) for _ in range(runs))
print(f"{len(files)} PDFs, {total} pages, median of {runs} runs")
print(f"parcheck check --jobs 1 (one process): {parcheck:.3f} s  ({parcheck / total * 1000:.2f} ms/page)")
print(f"pdftotext -layout (per file):          {poppler:.3f} s  ({poppler / total * 1000:.2f} ms/page)")
ratio = parcheck / poppler
print(f"ratio parcheck / pdftotext: {ratio:.2f} (target <= 0.70: {'ok' if ratio <= 0.7 else 'MISSED'})")
EOF
cargo bench --quiet --bench pdf -- --noplot pdf/long 2>/dev/null | grep -E "^pdf/long|thrpt" || true
