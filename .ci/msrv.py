#!/usr/bin/env python3
"""Checks that Cargo.toml's rust-version is the true minimum: no dependency in
the lock file needs a newer Rust. (Our own code is held to it by clippy's
`incompatible_msrv` lint, which reads the same field.) Exit 1 on a mismatch."""
import json
import subprocess
import sys

meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1", "--locked"],
                                 check=True, capture_output=True, text=True).stdout)


def version(text):
    return tuple(int(x) for x in text.split(".")) + (0,) * (3 - len(text.split(".")))


ours = next(p for p in meta["packages"] if p["id"] in meta["workspace_members"])
declared = version(ours["rust_version"])
needed = max((version(p["rust_version"]), p["name"]) for p in meta["packages"]
             if p.get("rust_version") and p["id"] not in meta["workspace_members"])
print(f"rust-version {ours['rust_version']}; highest a dependency needs: {needed[1]} {'.'.join(map(str, needed[0]))}")
if declared != needed[0]:
    print("rust-version in Cargo.toml must equal the highest rust-version of the dependencies", file=sys.stderr)
    sys.exit(1)
