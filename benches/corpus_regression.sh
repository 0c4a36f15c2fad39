#!/usr/bin/env bash
# Corpus regression (issue 27): runs parcheck over a local copy of public
# document-library test corpora and compares every file's status with the
# committed list benches/corpus/files.tsv (repository, commit, path, sha256,
# expected status, why). Fails when a file's status changes, when a listed
# error/unsupported file has no reason, or when a PDF that pdftotext reads
# is refused without one.
#
# Usage: benches/corpus_regression.sh CORPUS_DIR [PARCHECK]
#   CORPUS_DIR holds one folder per repository, named after it (pdf.js, qpdf,
#   poi, …), each with the repository's files at their paths, e.g. made with
#   `git -C REPO archive COMMIT | tar -x -C CORPUS_DIR/NAME` at the listed commit.
#   PARCHECK defaults to target/release/parcheck.
# Writes the run to $OUT (default: a temporary file) and prints a summary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:?usage: corpus_regression.sh CORPUS_DIR [PARCHECK]}
parcheck=${2:-$here/../target/release/parcheck}
list=$here/corpus/files.tsv
out=${OUT:-$(mktemp --suffix=.ndjson)}
start=$(date +%s.%N)
"$parcheck" check "$corpus" --out "$out" --quiet --ocr never
end=$(date +%s.%N)
echo "parcheck: $(wc -l < "$out") objects in $(echo "$end - $start" | bc) s"
python3 - "$corpus" "$list" "$out" <<'PY'
import csv, hashlib, json, os, shutil, subprocess, sys
corpus, listing, out = sys.argv[1:4]
expected = {}
with open(listing, newline="") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        local = os.path.join(corpus, row["repository"].split("/")[1], row["path"])
        expected[os.path.realpath(local)] = row
seen, failures, missing = set(), [], 0
pdftotext = shutil.which("pdftotext")
for line in open(out):
    obj = json.loads(line)
    path = os.path.realpath(obj["source"]["path"])
    row = expected.get(path)
    if row is None:
        continue
    seen.add(path)
    if obj["source"]["sha256"] and obj["source"]["sha256"] != row["sha256"]:
        failures.append(f"{row['path']}: sha256 differs from the list (another version of the file)")
        continue
    status = obj["status"]
    if status != row["status"]:
        failures.append(f"{row['repository']} {row['path']}: {row['status']} -> {status}: {obj.get('error')}")
    if status in ("error", "unsupported"):
        if not row["why"].strip():
            failures.append(f"{row['path']}: {status} without a reason in the list")
        if not (obj.get("error") or "").count("hãy "):
            failures.append(f"{row['path']}: message without an action: {obj.get('error')}")
        if pdftotext and obj["source"]["format"] == "pdf" and not row["why"].startswith("pdftotext"):
            try:
                text = subprocess.run([pdftotext, "-q", path, "-"], capture_output=True, timeout=20).stdout
            except subprocess.TimeoutExpired:
                text = b""  # pdftotext itself cannot finish it
            if text.strip():
                failures.append(f"{row['path']}: pdftotext reads it but parcheck says {status}")
for path, row in expected.items():
    if path not in seen:
        missing += 1
print(f"listed {len(expected)}, checked {len(seen)}, absent from the local copy {missing}")
for failure in failures:
    print("FAIL", failure)
print(f"{len(seen) - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
PY
