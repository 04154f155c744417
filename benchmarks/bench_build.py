"""How long `migrationdata build` takes, against running the notebooks one by one.

From a warm environment (one untimed build first), in one run of this script:

1. the naive baseline: each notebook executed in turn with ``jupyter nbconvert --execute``;
2. a full ``migrationdata build --force`` (every notebook, in parallel, plus the gallery and
   the fact-check report);
3. a no-op ``migrationdata build`` (nothing changed, so everything is skipped).

Peak memory is the largest total resident memory of the command and all its child processes
(the kernels), sampled from /proc every 20 ms. Charts and reports go to a temporary folder;
the repository's figures/ and reports/ are not touched.

    .venv/bin/python benchmarks/bench_build.py [--repeat N] [--jobs N] [--json FILE]

Targets on the 2-core reference machine: full build at least 1.5x faster than the baseline
and under 60 s; no-op rebuild under 2 s; peak memory under 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _tree_rss(root: int) -> int:
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
        todo += tree.get(pid, [])
    return total


def measure(cmd: list[str], env: dict) -> tuple[float, int]:
    """Wall-clock seconds and peak resident bytes of a command and its children."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr.read().decode()[-3000:]}")
    return seconds, peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1, help="timed runs of each (the median is reported)")
    ap.add_argument("--jobs", type=int, default=None, help="passed to migrationdata build --jobs")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        tmp = Path(tmp)
        env = dict(os.environ, MIGRATIONDATA_REPORTS=str(tmp / "reports"))
        build_env = dict(env, MIGRATIONDATA_FIGURES=str(tmp / "figures"))
        base_env = dict(env, MIGRATIONDATA_FIGURES=str(tmp / "baseline-figures"))
        build_cmd = [str(BIN / "migrationdata"), "build"] + (["--jobs", str(args.jobs)] if args.jobs else [])
        notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))

        print(f"warming up: one untimed build of {len(notebooks)} notebooks ...", file=sys.stderr)
        measure([*build_cmd, "--force"], build_env)

        runs: dict[str, list[tuple[float, int]]] = {"baseline": [], "build": [], "noop": []}
        for i in range(args.repeat):
            print(f"run {i + 1}/{args.repeat}: baseline (nbconvert, one by one) ...", file=sys.stderr)
            total, peak = 0.0, 0
            for nb in notebooks:
                s, p = measure(
                    [
                        str(BIN / "jupyter"),
                        "nbconvert",
                        "--to",
                        "notebook",
                        "--execute",
                        "--output-dir",
                        str(tmp / "executed"),
                        str(nb),
                    ],
                    base_env,
                )
                total, peak = total + s, max(peak, p)
            runs["baseline"].append((total, peak))
            print(f"run {i + 1}/{args.repeat}: migrationdata build --force ...", file=sys.stderr)
            runs["build"].append(measure([*build_cmd, "--force"], build_env))
            print(f"run {i + 1}/{args.repeat}: migrationdata build (nothing to do) ...", file=sys.stderr)
            runs["noop"].append(measure(build_cmd, build_env))

    result = {
        name: {
            "seconds": round(statistics.median(s for s, _ in r), 2),
            "peak_mb": round(max(p for _, p in r) / 2**20),
        }
        for name, r in runs.items()
    }
    result["speedup"] = round(result["baseline"]["seconds"] / result["build"]["seconds"], 2)
    result["cores"] = os.cpu_count()
    result["notebooks"] = len(notebooks)

    targets = [
        ("full build at least 1.5x faster than the baseline", result["speedup"] >= 1.5),
        ("full build under 60 s", result["build"]["seconds"] < 60),
        ("no-op rebuild under 2 s", result["noop"]["seconds"] < 2),
        ("peak memory under 1.5 GB", result["build"]["peak_mb"] < 1536),
    ]
    print(f"\n{len(notebooks)} notebooks, {result['cores']} cores, median of {args.repeat} run(s)")
    print(f"{'':<34}{'seconds':>9}{'peak MB':>9}")
    labels = {
        "baseline": "nbconvert --execute, one by one",
        "build": "migrationdata build --force",
        "noop": "migrationdata build (no-op)",
    }
    for name, label in labels.items():
        print(f"{label:<34}{result[name]['seconds']:>9.2f}{result[name]['peak_mb']:>9}")
    print(f"speed-up of the build over the baseline: {result['speedup']:.2f}x\n")
    for text, ok in targets:
        print(f"  [{'ok' if ok else 'MISSED'}] {text}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
