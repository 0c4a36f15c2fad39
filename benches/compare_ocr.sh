#!/usr/bin/env bash
# parcheck's OCR path against plain full-page Tesseract on the same scanned pages:
#   - parcheck: `parcheck check --jobs 1 FILE` per scanned PDF or image (clean-up,
#     rulings, the page pass and the stacked digit pass, tables, checks, NDJSON),
#   - plain: `tesseract PAGE out -l vie` on every page image of the same file
#     (taken out with pdfimages; pages stored in an encoding Tesseract does not
#     open, CCITT fax, JBIG2 or JPEG 2000, are taken out as PNG), text only, no table,
# alternated run by run, each the median of RUNS runs, reported as CPU seconds
# (user + system of the finished child, all its threads) and wall seconds per
# page, and as the ratios parcheck / plain (target ≤ 1 in CPU). Plain Tesseract
# runs as a user types it (OpenMP threads, whose waiting counts as CPU) and with
# OMP_THREAD_LIMIT=1 (its least CPU, and how parcheck runs it); the CPU ratio is
# taken against the second. Value accuracy of
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
import glob, os, resource, statistics, subprocess, sys, tempfile, time

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

def timed(cmd, env=None):
    """(CPU seconds, wall seconds) of one run of cmd."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall

def page_images(pdf, tmp):
    subprocess.run(["pdfimages", "-all", pdf, os.path.join(tmp, "p")], check=True)
    pages = sorted(glob.glob(os.path.join(tmp, "p-*")))
    if any(not p.lower().endswith((".jpg", ".png", ".tif", ".pbm", ".pgm", ".ppm")) for p in pages):
        for p in pages:
            os.remove(p)
        subprocess.run(["pdfimages", "-png", pdf, os.path.join(tmp, "p")], check=True)
        pages = sorted(glob.glob(os.path.join(tmp, "p-*")))
    return pages

ONE_THREAD = dict(os.environ, OMP_THREAD_LIMIT="1")
sides = ("parcheck", "tesseract", "tesseract 1 thread")
totals = {side: [0.0, 0.0] for side in sides}
total_pages = 0
print(f"{'':40} {'':>5} {'CPU s/page':^34} {'CPU':>6} {'wall':>6}")
print(f"{'file':40} {'pages':>5} {'parcheck':>10} {'tesseract':>10} {'1 thread':>12} {'ratio':>6} {'ratio':>6}")
for f in files:
    with tempfile.TemporaryDirectory() as tmp:
        pages = page_images(f, tmp) if f.lower().endswith(".pdf") else [f]
        samples = {side: [] for side in sides}
        for _ in range(runs):
            samples["parcheck"].append(timed(["target/release/parcheck", "check", "--jobs", "1", "--quiet", f]))
            for side, env in (("tesseract", None), ("tesseract 1 thread", ONE_THREAD)):
                per_page = [timed(["tesseract", p, os.path.join(tmp, "out"), "-l", "vie"], env) for p in pages]
                samples[side].append(tuple(map(sum, zip(*per_page))))
        n = len(pages)
        medians = {side: [statistics.median(r[i] for r in samples[side]) for i in (0, 1)] for side in sides}
        for side in sides:
            totals[side] = [t + m for t, m in zip(totals[side], medians[side])]
        total_pages += n
        ours, plain, single = (medians[side] for side in sides)
        print(f"{os.path.basename(f)[:40]:40} {n:5} {ours[0] / n:10.2f} {plain[0] / n:10.2f} {single[0] / n:12.2f} "
              f"{ours[0] / single[0]:6.2f} {ours[1] / plain[1]:6.2f}")
ours, plain, single = (totals[side] for side in sides)
n = total_pages
print(f"{'all':40} {n:5} {ours[0] / n:10.2f} {plain[0] / n:10.2f} {single[0] / n:12.2f} "
      f"{ours[0] / single[0]:6.2f} {ours[1] / plain[1]:6.2f}")
EOF
