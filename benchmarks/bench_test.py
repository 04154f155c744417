"""`make test` on fresh clones of two commits, side by side: wall time and CPU seconds.

Each round clones both commits (default: the branch's merge base with ``main``, i.e. the old
main, and ``HEAD``) into a temporary folder and runs ``make test`` in each, one after the
other, with the environment `.ci/run` gives it (the mirror, and tests that need it failing
rather than skipping). The order of the two alternates from round to round, so that the
machine's drift hits both alike. Set-up (uv, warm package cache), lint and the whole suite are
in the figure, as a developer's first ``make test`` pays them.

On a shared machine the wall time depends on what the others run; the CPU seconds (user and
system, of ``make`` and every process it waited for) much less so, and the load average
before and after each run says how busy the machine was. The median of ``--repeat`` rounds is
the figure to quote.

    python3 benchmarks/bench_test.py [--before REF] [--after REF] [--repeat N] [--workers N] [--json FILE]

Target on the 2-core reference machine (issue "Seconds, not minutes"): ``make test`` on a fresh
clone in at most 90 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MIRROR = os.environ.get("MIGRATIONDATA_MIRROR") or str(REPO.parent / "shared" / "data")


def git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def clone(commit: str, into: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(into)], check=True)
    git("checkout", "--quiet", commit, cwd=into)
    return into


def children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def run_make_test(folder: Path, workers: str | None) -> dict:
    env = {**os.environ, "MIGRATIONDATA_MIRROR": MIRROR, "MIGRATIONDATA_REQUIRE_MIRROR": "1"}
    cmd = ["make", "test"] + ([f"TEST_WORKERS={workers}"] if workers else [])
    load_before = os.getloadavg()[0]
    cpu0, t0 = children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    if done.returncode != 0:
        sys.exit(f"make test failed in {folder}:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    # pytest's last line: "1132 passed, 44 skipped in 156.20s (0:02:36)"
    last = [ln for ln in done.stdout.splitlines() if re.search(r"\d+ passed", ln)][-1]
    passed = int(re.search(r"(\d+) passed", last).group(1))
    skipped = int(m.group(1)) if (m := re.search(r"(\d+) skipped", last)) else 0
    pytest_s = float(re.search(r" in ([\d.]+)s", last).group(1))
    return {
        "wall": round(seconds, 2),
        "cpu": round(cpu, 1),
        "pytest": pytest_s,
        "passed": passed,
        "skipped": skipped,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", default="", help="the old commit (default: merge base with main)")
    ap.add_argument("--after", default="HEAD")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--workers", default=None, help="TEST_WORKERS (default: make's, -n auto)")
    ap.add_argument("--only", choices=["before", "after"], help="run one side only")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    before = args.before or git("merge-base", "HEAD", "main")
    sides = {"before": git("rev-parse", before), "after": git("rev-parse", args.after)}
    if args.only:
        sides = {args.only: sides[args.only]}
    runs: dict[str, list[dict]] = {name: [] for name in sides}
    with tempfile.TemporaryDirectory(prefix="bench-test-") as tmp:
        for round_ in range(args.repeat):
            order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
            for name in order:
                folder = clone(sides[name], Path(tmp) / f"{name}-{round_}")
                try:
                    got = run_make_test(folder, args.workers)
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
                runs[name].append(got)
                print(f"round {round_ + 1} {name} {sides[name][:8]}: {json.dumps(got)}", flush=True)
    print()
    print("| `make test`, fresh clone | commit | wall s | CPU s | pytest s | tests passed | load avg |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, got in runs.items():
        loads = [r["load_before"] for r in got] + [r["load_after"] for r in got]
        print(
            f"| {name} | `{sides[name][:7]}` | {summary([r['wall'] for r in got])} | "
            f"{summary([r['cpu'] for r in got])} | {summary([r['pytest'] for r in got])} | "
            f"{got[-1]['passed']} (+{got[-1]['skipped']} skipped) | {min(loads):.1f}-{max(loads):.1f} |"
        )
    if len(runs) == 2:
        pairs = list(zip(runs["before"], runs["after"], strict=True))
        print(
            f"\nafter / before, pair by pair: wall {summary([a['wall'] / b['wall'] for b, a in pairs])}, "
            f"CPU {summary([a['cpu'] / b['cpu'] for b, a in pairs])}"
        )
    if args.json:
        args.json.write_text(json.dumps({"commits": sides, "runs": runs}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
