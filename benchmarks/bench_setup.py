"""Set-up, the two README commands and a refresh, timed on fresh clones, side by side.

Each row runs its commands in turn in one run of this script, so the machine's drift hits
both sides of a comparison alike:

1. ``make setup`` on a fresh clone with uv, against the same pins installed with pip
   (``make setup UV=no``), both with a warm package cache (one untimed install of each first);
2. ``make figures`` on a fresh clone (set-up included);
3. ``make test`` on a fresh clone (set-up, lint and the whole suite, on the mirror);
4. an unchanged refresh of every source from the mirror (``migrationdata fetch --mirror``),
   after one refresh that put the raw files in place; twice: as this machine runs Python
   (``PYTHONDONTWRITEBYTECODE=1``, so every run compiles pandas and the rest from source), and
   as an ordinary install does, its imports compiled once and kept (a bytecode cache in the
   clone's ``.venv``, warmed by the untimed refresh), which is how ``bench_build.py`` times
   every row.

Fresh clones are made from this repository's HEAD into a temporary folder; the checkout
itself is not touched. Times are wall-clock seconds; the median of ``--repeat`` runs is the
figure to quote (min and max show how noisy the machine was).

    python3 benchmarks/bench_setup.py [--repeat N] [--rows setup,figures,test,refresh] [--json FILE]

Targets on the 2-core reference machine (issue "Seconds, not minutes"): setup ≤ 8 s and ≥ 5x
faster than pip; figures ≤ 25 s; test ≤ 90 s; unchanged refresh of all sources ≤ 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MIRROR = os.environ.get("MIGRATIONDATA_MIRROR") or str(REPO.parent / "shared" / "data")


def clone(into: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(into)], check=True)
    return into


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed in {cwd}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def fresh(cmd: list[str], work: Path, name: str, env: dict | None = None) -> float:
    """``cmd`` in a new clone (removed afterwards)."""
    folder = clone(work / name)
    try:
        return timed(cmd, folder, env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rows", default="setup,figures,test,refresh")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = args.rows.split(",")
    out: dict[str, dict] = {}
    env = {"MIGRATIONDATA_MIRROR": MIRROR}
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as tmp:
        work = Path(tmp)
        if "setup" in rows:
            fresh(["make", "setup"], work, "warm-uv")  # fill the caches: not counted
            fresh(["make", "setup", "UV=no"], work, "warm-pip")
            uv, pip = [], []
            for i in range(args.repeat):
                uv.append(fresh(["make", "setup"], work, f"uv{i}"))
                pip.append(fresh(["make", "setup", "UV=no"], work, f"pip{i}"))
            out["make setup, uv"] = summary(uv)
            out["make setup, pip"] = summary(pip)
            out["setup: pip / uv"] = summary([p / u for p, u in zip(pip, uv, strict=True)])
        if "figures" in rows:
            out["make figures, fresh clone"] = summary(
                [fresh(["make", "figures"], work, f"fig{i}", env) for i in range(args.repeat)]
            )
        if "test" in rows:
            out["make test, fresh clone"] = summary(
                [
                    fresh(["make", "test"], work, f"test{i}", {**env, "MIGRATIONDATA_REQUIRE_MIRROR": "1"})
                    for i in range(max(1, args.repeat - 2))
                ]
            )
        if "refresh" in rows:
            folder = clone(work / "refresh")
            timed(["make", "setup"], folder)
            cmd = [str(folder / ".venv" / "bin" / "migrationdata"), "fetch", "--mirror", MIRROR]
            kept = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(folder / ".venv" / ".pycache")}
            timed(cmd, folder, kept)  # puts the raw files in place and compiles the imports once
            runs = {"compiled each run": [], "bytecode kept": []}
            for _ in range(args.repeat):  # side by side, round by round
                runs["compiled each run"].append(timed(cmd, folder))
                runs["bytecode kept"].append(timed(cmd, folder, kept))
            for how, times in runs.items():
                out[f"unchanged refresh, all sources ({how})"] = summary(times)

    width = max(len(k) for k in out)
    print(f"{'measure':<{width}}  {'median':>8}  {'min':>8}  {'max':>8}")
    for name, s in out.items():
        unit = "x" if "/" in name else "s"
        print(f"{name:<{width}}  {s['median']:>7.2f}{unit}  {s['min']:>7.2f}{unit}  {s['max']:>7.2f}{unit}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
