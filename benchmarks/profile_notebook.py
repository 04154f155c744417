"""Where one notebook's time goes: imports, data loading, drawing, layout, PNG, SVG, writing.

Runs a notebook's code cells in this process, as the build does (parameters injected after the
cell tagged ``parameters``, charts written to a temporary folder), with timers wrapped around
the functions that load data, lay charts out, render and write them. Each phase is counted
exclusively (time in a loader called from a layout counts as loading, not twice).

    .venv/bin/python benchmarks/profile_notebook.py [NOTEBOOK ...] [--repeat N]

Without a name it profiles every notebook in turn, in one process (as plain Python would run
them one after another), and prints one column per notebook.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_clock = {"stack": [], "totals": {}}


def _enter(category: str) -> None:
    now = time.perf_counter()
    stack = _clock["stack"]
    if stack:
        cat, since = stack[-1]
        _clock["totals"][cat] = _clock["totals"].get(cat, 0.0) + now - since
    stack.append([category, now])


def _leave() -> None:
    now = time.perf_counter()
    stack = _clock["stack"]
    cat, since = stack.pop()
    _clock["totals"][cat] = _clock["totals"].get(cat, 0.0) + now - since
    if stack:
        stack[-1][1] = now


def _wrap(owner, name: str, category: str, by_format: bool = False) -> None:
    original = getattr(owner, name)

    def timed(*args, **kw):
        cat = category
        if by_format:
            cat = f"{category} {kw.get('format', 'png')}"
        _enter(cat)
        try:
            return original(*args, **kw)
        finally:
            _leave()

    setattr(owner, name, timed)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", help="names, numbers or words (default: all)")
    args = ap.parse_args()

    os.environ.setdefault("MPLBACKEND", "agg")
    _enter("imports")
    import jupytext
    import matplotlib.figure
    import pandas as pd

    import migrationdata.charts as charts
    from migrationdata import build, processed

    _leave()
    imports = _clock["totals"].pop("imports")

    _wrap(processed, "read", "data loading")
    _wrap(processed, "provenance", "data loading")
    _wrap(processed, "sha256_of", "data loading")
    _wrap(pd, "read_csv", "data loading")
    _wrap(charts.Chart, "layout", "layout")
    _wrap(matplotlib.figure.Figure, "savefig", "savefig (drawing)", by_format=True)
    import PIL.Image

    _wrap(PIL.Image.Image, "save", "savefig png (Pillow's zlib encoding)")
    _wrap(charts, "_write_if_changed", "writing files")
    _wrap(pd.DataFrame, "to_csv", "writing files")

    chosen = build.select(build.discover(), args.notebooks or None)
    columns: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="profile-") as tmp:
        for nb in chosen:
            _clock["totals"] = {}
            t0 = time.perf_counter()
            cells = [c for c in jupytext.read(nb.source).cells if c.cell_type == "code"]
            tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
            at = tagged[0] + 1 if tagged else 0
            cells.insert(at, {"source": f"as_of = None\noutput = {str(Path(tmp) / nb.name)!r}"})
            namespace = {"__name__": "__main__", "display": print}
            cwd = os.getcwd()
            os.chdir(nb.source.parent)
            try:
                _enter("drawing and computing (the notebook's own code)")
                for cell in cells:
                    exec(compile(cell["source"], f"<{nb.name}>", "exec"), namespace)
                _leave()
            finally:
                os.chdir(cwd)
            import matplotlib.pyplot as plt

            plt.close("all")
            totals = dict(_clock["totals"])
            totals["total"] = time.perf_counter() - t0
            columns[nb.name] = totals

    rows = sorted({k for c in columns.values() for k in c if k != "total"})
    rows.sort(key=lambda r: -sum(c.get(r, 0) for c in columns.values()))
    names = list(columns)
    width = max(len(r) for r in rows + ["total"]) + 2
    print(f"{'seconds':<{width}}" + "".join(f"{n[:14]:>16}" for n in names) + f"{'all':>10}")
    for row in [*rows, "total"]:
        vals = [columns[n].get(row, 0.0) for n in names]
        print(f"{row:<{width}}" + "".join(f"{v:>16.2f}" for v in vals) + f"{sum(vals):>10.2f}")
    print(f"imports, once before the first notebook (pandas, matplotlib, charts, jupytext): {imports:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
