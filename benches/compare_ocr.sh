#!/usr/bin/env bash
# parcheck's OCR path against plain full-page Tesseract on the same scanned pages:
#   - parcheck: `parcheck check --jobs 1 FILE` per scanned PDF or image (clean-up,
#     rulings, the page pass and the stacked digit pass, tables, checks, NDJSON),
#   - plain: `tesseract PAGE out -l vie` on every page image of the same file
#     (taken out with pdfimages), text only, no table,
# alternated run by run, each the median of RUNS runs, reported as seconds per
# page and as the ratio parcheck / plain (target ≤ 1). Value accuracy of
# parcheck on the same files comes from score.py against their truth; plain
# Tesseract gives no table to score.
#
#   benches/compare_ocr.sh [DIR] [RUNS]   # DIR default: the scans of ../shared/samples2
#
# Needs tesseract-ocr, tesseract-ocr-vie and poppler-utils (pdfimages).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-../shared/samples2/docs}
RUNS=${2:-3}
for tool in tesseract pdfimages pdfinfo; do
  command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y tesseract-ocr tesseract-ocr-vie poppler-utils" >&2; exit 1; }
done
cargo build --release --quiet

echo "machine: $(nproc) CPUs; $(lscpu | sed -n 's/^Model name: *//p'); $(free -g | awk '/^Mem:/{print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$DIR" "$RUNS" <<'EOF'
import glob, os, statistics, subprocess, sys, tempfile, time

folder, runs = sys.argv[1], int(sys.argv[2])
# Scans: image files, and PDFs that draw at least one image per page.
def pages_of(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    return next((int(l.split()[1]) for l in info.splitlines() if l.startswith("Pages:")), 0)

def images_of(pdf):
    listing = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout
    return max(0, len(listing.splitlines()) - 2)

files = [f for f in sorted(glob.glob(os.path.join(folder, "*")))
         if f.lower().endswith((".jpg", ".jpeg", ".png", ".tif", ".tiff"))
         or (f.lower().endswith(".pdf") and 0 < pages_of(f) <= images_of(f))]
if not files:
    sys.exit(f"no scanned files in {folder}")

def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start

total_ours = total_plain = total_pages = 0.0
print(f"{'file':40} {'pages':>5} {'parcheck s/page':>16} {'tesseract s/page':>17} {'ratio':>6}")
for f in files:
    with tempfile.TemporaryDirectory() as tmp:
        if f.lower().endswith(".pdf"):
            subprocess.run(["pdfimages", "-all", f, os.path.join(tmp, "p")], check=True)
            pages = sorted(glob.glob(os.path.join(tmp, "p-*")))
        else:
            pages = [f]
        ours, plain = [], []
        for _ in range(runs):
            ours.append(timed(["target/release/parcheck", "check", "--jobs", "1", "--quiet", f]))
            plain.append(sum(timed(["tesseract", p, os.path.join(tmp, "out"), "-l", "vie"]) for p in pages))
        n = len(pages)
        o, p = statistics.median(ours), statistics.median(plain)
        total_ours, total_plain, total_pages = total_ours + o, total_plain + p, total_pages + n
        print(f"{os.path.basename(f)[:40]:40} {n:5} {o / n:16.2f} {p / n:17.2f} {o / p:6.2f}")
print(f"{'all':40} {int(total_pages):5} {total_ours / total_pages:16.2f} {total_plain / total_pages:17.2f} {total_ours / total_plain:6.2f}")
EOF
