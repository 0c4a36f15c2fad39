#!/usr/bin/env bash
# Side by side, on the same files in one run, per-document wall time of:
#
#   parcheck (process)   the release binary, `parcheck check FILE`, process start included
#   parcheck (in-proc)   `pipeline::check_bytes` on bytes in memory, from the criterion
#                        bench `benches/extract.rs` (its `<format>/pipeline/<file>` median)
#   python-docx          `python3 -c ...` (the interpreter, not a shim) per .docx: open it and read the text of every
#                        table cell (nested tables too), process start and imports included
#   openpyxl             `python3 -c ...` per .xlsx: load_workbook(read_only=True,
#                        data_only=True) and read every cell of every sheet, same
#
# Usage:  benches/compare_python.sh [DIR]
#   DIR defaults to ../shared/samples/docs, or fixtures/samples when that is absent.
#   Needs: hyperfine, python3 with python-docx and openpyxl
#          (apt-get install hyperfine; pip install python-docx openpyxl).
#   Env:   RUNS (hyperfine runs per command, default 15), SKIP_CRITERION=1 to keep
#          the criterion results of the previous run (in-process column), OUT (raw
#          results, default target/compare_python).
# Prints the machine, a per-file table and the per-format medians with ratios.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
if [ $# -ge 1 ]; then DIR="$(cd "$1" && pwd)"
elif [ -d ../shared/samples/docs ]; then DIR="$(cd ../shared/samples/docs && pwd)"
else DIR="$ROOT/fixtures/samples"; fi
RUNS="${RUNS:-15}"
OUT="${OUT:-$ROOT/target/compare_python}"
rm -rf "$OUT/hyperfine"; mkdir -p "$OUT/hyperfine"

for tool in hyperfine python3 cargo; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
python3 -c 'import docx, openpyxl' 2>/dev/null \
  || { echo "missing python packages: pip install python-docx openpyxl" >&2; exit 2; }
# The interpreter itself, not a wrapper such as a pyenv shim (which adds ~100 ms
# of bash to every start and would flatter parcheck).
PY="$(python3 -c 'import sys; print(sys.executable)')"

shopt -s nullglob
DOCX=("$DIR"/*.docx); XLSX=("$DIR"/*.xlsx)
[ ${#DOCX[@]} -gt 0 ] || [ ${#XLSX[@]} -gt 0 ] || { echo "no .docx/.xlsx in $DIR" >&2; exit 2; }

PY_DOCX='import sys, docx
def cells(tables):
    n = 0
    for t in tables:
        for row in t.rows:
            for c in row.cells:
                n += len(c.text) + cells(c.tables)
    return n
cells(docx.Document(sys.argv[1]).tables)'
PY_XLSX='import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
n = 0
for ws in wb.worksheets:
    for row in ws.iter_rows(values_only=True):
        for v in row:
            n += v is not None
wb.close()'

{
  echo "== machine"
  echo "nproc: $(nproc)"
  lscpu | head -15
  echo "rustc: $(rustc --version)"
  echo "python: $PY, $($PY --version 2>&1), python-docx $(python3 -c 'import importlib.metadata as m; print(m.version("python-docx"))'), openpyxl $(python3 -c 'import openpyxl; print(openpyxl.__version__)')"
  echo "hyperfine: $(hyperfine --version)"
  echo "files: $DIR (${#DOCX[@]} docx, ${#XLSX[@]} xlsx)"
} | tee "$OUT/machine.txt"

echo "== building release binary" >&2
cargo build --release --quiet
BIN="$ROOT/target/release/parcheck"

if [ "${SKIP_CRITERION:-0}" != 1 ]; then
  echo "== criterion (in-process), docx and xlsx of $DIR" >&2
  CRITERION_HOME="$OUT/criterion" PARCHECK_BENCH_DIR="$DIR" \
    cargo bench --quiet --bench extract -- '^(docx|xlsx)/' >"$OUT/criterion.log" 2>&1 \
    || { cat "$OUT/criterion.log" >&2; exit 1; }
fi

echo "== hyperfine (process per document, $RUNS runs each)" >&2
# Python start-up alone, for reading the figures below.
hyperfine -N --warmup 2 --runs "$RUNS" --style none --export-json "$OUT/hyperfine/_baseline.json" \
  -n python-start "$PY -c pass" \
  -n python-import-docx "$PY -c 'import docx'" \
  -n python-import-openpyxl "$PY -c 'import openpyxl'" >/dev/null
for f in "${DOCX[@]}"; do
  hyperfine -N --warmup 2 --runs "$RUNS" --style none --export-json "$OUT/hyperfine/$(basename "$f").json" \
    -n parcheck "$BIN check '$f'" \
    -n python-docx "$PY -c '$PY_DOCX' '$f'" >/dev/null
done
for f in "${XLSX[@]}"; do
  hyperfine -N --warmup 2 --runs "$RUNS" --style none --export-json "$OUT/hyperfine/$(basename "$f").json" \
    -n parcheck "$BIN check '$f'" \
    -n openpyxl "$PY -c '$PY_XLSX' '$f'" >/dev/null
done

python3 - "$OUT" <<'EOF' | tee "$OUT/summary.md"
import json, os, statistics, sys
out = sys.argv[1]
hf = os.path.join(out, "hyperfine")

def inproc(fmt, name):
    p = os.path.join(out, "criterion", fmt, "pipeline", name, "new", "estimates.json")
    try:
        return json.load(open(p))["median"]["point_estimate"] / 1e6  # ns -> ms
    except OSError:
        return None

def ms(x):
    return "—" if x is None else (f"{x:.3f}" if x < 1 else f"{x:.1f}")

base = {r["command"]: r["median"] * 1e3 for r in json.load(open(os.path.join(hf, "_baseline.json")))["results"]}
print("python start-up alone (median ms): " + ", ".join(f"{k} {v:.1f}" for k, v in base.items()))
print()
for fmt, other in (("docx", "python-docx"), ("xlsx", "openpyxl")):
    rows = []
    for fn in sorted(os.listdir(hf)):
        if not fn.endswith("." + fmt + ".json"):
            continue
        name = fn[: -len(".json")]
        res = {r["command"]: r["median"] * 1e3 for r in json.load(open(os.path.join(hf, fn)))["results"]}
        rows.append((name, res["parcheck"], inproc(fmt, name), res[other]))
    if not rows:
        continue
    print(f"### {fmt}: per-document median wall time, ms")
    print()
    print(f"| file | parcheck process | parcheck in-process | {other} | {other} / parcheck process | {other} / in-process |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, p, i, o in rows:
        print(f"| {name} | {ms(p)} | {ms(i)} | {ms(o)} | {o / p:.1f}× | {'—' if i is None else f'{o / i:.0f}×'} |")
    med = lambda xs: statistics.median(xs) if xs and None not in xs else None
    P, I, O = med([r[1] for r in rows]), med([r[2] for r in rows]), med([r[3] for r in rows])
    print(f"| **median of {len(rows)}** | **{ms(P)}** | **{ms(I)}** | **{ms(O)}** | **{O / P:.1f}×** | **{'—' if I is None else f'{O / I:.0f}×'}** |")
    print()
EOF
echo "raw results: $OUT" >&2
