#!/usr/bin/env bash
# Soak test of the nightly job (not run by `cargo test`): a 10,000-file archive
# built at run time from fixtures/docs, 1% of it hostile (far-away cell, zip bomb,
# deep HTML nesting, truncated package), checked with the release binary and
# default jobs. Passes when every file has exactly one object, the exit status is
# 0 and the peak RSS stays under 300 MB; prints documents/s and the peak.
#
#     benches/soak.sh                 # 10,000 files
#     SOAK_FILES=2000 benches/soak.sh
#     SOAK_ARGS=--isolate benches/soak.sh   # extra `check` options
#     SOAK_BIN=target/debug/parcheck benches/soak.sh   # another binary, not rebuilt
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${SOAK_FILES:-10000}
MAX_RSS_KB=$((300 * 1024))
BIN=${SOAK_BIN:-target/release/parcheck}
[ -n "${SOAK_BIN:-}" ] || cargo build --release --bin parcheck
[ -x /usr/bin/time ] || { echo "soak: /usr/bin/time (GNU time) is needed for the peak RSS" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ARCHIVE="$WORK/archive"
mkdir -p "$ARCHIVE"

python3 - "$ARCHIVE" "$FILES" <<'PY'
import io, os, shutil, sys, zipfile
archive, n = sys.argv[1], int(sys.argv[2])
fixtures = sorted(
    os.path.join("fixtures/docs", f) for f in os.listdir("fixtures/docs")
    if f.rsplit(".", 1)[-1] in ("docx", "xlsx", "xls", "ods", "pdf", "doc"))
good = [f for f in fixtures if open(f, "rb").read(4) != b""]
CT = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
      b'wordprocessingml.document.main+xml"/></Types>')
def far_cell(path):  # one cell at the last column and row an .xlsx can address
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
def bomb(path):  # word/document.xml inflating to 1 GiB of zeros
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = bytes(1 << 20)
            for _ in range(1024):
                part.write(chunk)
def deep(path):
    open(path, "w").write("<html><body>" + "<div>" * 50000 + "x" + "</div>" * 50000 + "</body></html>")
def truncated(path, source):
    data = open(source, "rb").read()
    open(path, "wb").write(data[: len(data) // 2])
bomb_once = os.path.join(archive, "bomb-template.docx")
bomb(bomb_once)
hostile = 0
for i in range(n):
    folder = os.path.join(archive, f"{i // 500:03d}")
    os.makedirs(folder, exist_ok=True)
    if i % 100 == 50:
        kind = (i // 100) % 4
        name = os.path.join(folder, f"{i:05d}-hostile")
        if kind == 0: far_cell(name + ".xlsx")
        elif kind == 1: shutil.copy(bomb_once, name + ".docx")
        elif kind == 2: deep(name + ".html")
        else: truncated(name + ".docx", good[i % len(good)])
        hostile += 1
        continue
    source = good[i % len(good)]
    shutil.copy(source, os.path.join(folder, f"{i:05d}-" + os.path.basename(source)))
os.remove(bomb_once)
print(f"soak: {n} files, {hostile} hostile", file=sys.stderr)
PY

OUT="$WORK/out.ndjson"
set +e
/usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" check --quiet ${SOAK_ARGS:-} --out "$OUT" "$ARCHIVE"
STATUS=$?
set -e
[ -s "$OUT" ] || { echo "soak: FAILED, exit status $STATUS and no output: the process died" >&2; exit 1; }
read -r SECONDS_TAKEN PEAK_KB < <(tail -1 "$WORK/time")
OBJECTS=$(wc -l < "$OUT")
UNIQUE=$(python3 -c 'import json,sys; print(len({json.loads(l)["source"]["path"] for l in open(sys.argv[1])}))' "$OUT")
RATE=$(python3 -c "print(f'{$FILES / max($SECONDS_TAKEN, 0.01):.0f}')")
echo "soak: exit $STATUS, $OBJECTS objects ($UNIQUE distinct) for $FILES files, ${SECONDS_TAKEN}s, $RATE documents/s, peak RSS $((PEAK_KB / 1024)) MB"
python3 -c 'import json,sys,collections; print("soak: statuses", dict(collections.Counter(json.loads(l)["status"] for l in open(sys.argv[1]))))' "$OUT"
[ "$STATUS" -eq 0 ] || { echo "soak: FAILED, exit status $STATUS" >&2; exit 1; }
[ "$OBJECTS" -eq "$FILES" ] && [ "$UNIQUE" -eq "$FILES" ] || { echo "soak: FAILED, not one object per file" >&2; exit 1; }
[ "$PEAK_KB" -lt "$MAX_RSS_KB" ] || { echo "soak: FAILED, peak RSS over 300 MB" >&2; exit 1; }
echo "soak: ok"
