#!/usr/bin/env python3
"""CPU time of parcheck's whole check of a big scoring sheet against
python-calamine's plain read of the same cells into Python lists, side by
side: the two processes run alternately, RUNS pairs, and each one's user+sys
CPU is taken from the kernel (getrusage of the finished child), process
start-up included on both sides.

    benches/compare_calamine.py [--rows N] [--runs N] [--bin PATH]

Writes the sheet with benches/big_sheet.py (20,000 rows, evidence column) to
target/compare_calamine/, builds nothing: --bin defaults to
$CARGO_TARGET_DIR/release/parcheck or target/release/parcheck.
Needs python-calamine and openpyxl (pip install python-calamine openpyxl).
Prints the machine, the medians and the ratio parcheck / calamine.
"""
import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READ = """import sys
from python_calamine import CalamineWorkbook
workbook = CalamineWorkbook.from_path(sys.argv[1])
rows = [workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names]
"""


def timed(command):
    """(CPU seconds, wall seconds) of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=15)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--bin", default=os.path.join(target, "release", "parcheck"))
    args = parser.parse_args()

    out = os.path.join(ROOT, "target", "compare_calamine")
    os.makedirs(out, exist_ok=True)
    sheet = os.path.join(out, f"sheet_{args.rows}.xlsx")
    if not os.path.exists(sheet):
        subprocess.run([sys.executable, os.path.join(ROOT, "benches", "big_sheet.py"), sheet, str(args.rows)], check=True)

    commands = {
        "parcheck": [args.bin, "check", "--quiet", sheet],
        "calamine": [sys.executable, "-c", READ, sheet],
    }
    for command in commands.values():
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)  # warm the page cache
    times = {name: [] for name in commands}
    for run in range(args.runs):
        # Alternate which goes first, so neither always meets the other's after-effects.
        order = list(commands) if run % 2 == 0 else list(reversed(commands))
        for name in order:
            times[name].append(timed(commands[name]))

    import importlib.metadata as metadata

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print(f"python {platform.python_version()}, python-calamine {metadata.version('python-calamine')}")
    print(f"sheet: {sheet} ({os.path.getsize(sheet)} bytes, about {args.rows} criterion rows), {args.runs} pairs")
    medians = {}
    for name, runs in times.items():
        cpu = statistics.median(c for c, _ in runs)
        wall = statistics.median(w for _, w in runs)
        medians[name] = cpu
        print(f"{name:9s} CPU (user+sys) median {cpu * 1000:7.1f} ms, min {min(c for c, _ in runs) * 1000:7.1f} ms; wall median {wall * 1000:7.1f} ms")
    ratios = sorted(p[0] / c[0] for p, c in zip(times["parcheck"], times["calamine"]))
    print(f"parcheck / calamine CPU: {medians['parcheck'] / medians['calamine']:.2f} (median of pair ratios {statistics.median(ratios):.2f})")


if __name__ == "__main__":
    main()
