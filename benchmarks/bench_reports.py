"""The fact-check report step alone: ``claims.write_reports`` for the English edition only and
for every edition (English and Spanish), in one warm process, into a scratch folder.

The claims are evaluated once per story whatever the number of editions, so the Spanish
edition should add only its rendering. Times are the process's CPU time (wall time is given
too): on a shared machine the wall clock mostly measures the neighbours. Usage::

    .venv/bin/python benchmarks/bench_reports.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from migrationdata import claims, i18n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rows = {"English only": ("en",), "English and Spanish": i18n.LANGUAGES}
    times: dict[str, list[float]] = {k: [] for k in rows}
    walls: dict[str, list[float]] = {k: [] for k in rows}
    with tempfile.TemporaryDirectory() as tmp:
        claims.write_reports(Path(tmp) / "warm")  # imports, tables and catalogs loaded once
        for i in range(args.repeat):
            for name, langs in rows.items():  # in rounds, so both rows see the same load
                t, w = time.process_time(), time.perf_counter()
                claims.write_reports(Path(tmp) / f"{i}-{len(langs)}", langs=langs)
                times[name].append(time.process_time() - t)
                walls[name].append(time.perf_counter() - w)
    base = min(times["English only"])
    print("| editions | CPU median (s) | CPU best (s) | best vs English only | wall median (s) |")
    print("| --- | --- | --- | --- | --- |")
    for name, ts in times.items():
        print(
            f"| {name} | {statistics.median(ts):.2f} | {min(ts):.2f} | {min(ts) / base:.2f}× "
            f"| {statistics.median(walls[name]):.2f} |"
        )


if __name__ == "__main__":
    main()
