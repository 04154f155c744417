"""How long `migrationdata build` takes, against the floor: every notebook's code run as plain
Python, in one process, one after another.

From a warm environment (one untimed build first), each round of this script runs, side by side:

1. the floor: one ``python`` process that runs each notebook's code cells in turn (read with
   jupytext before the clock starts, the parameters set after the cell tagged ``parameters``,
   each notebook in a fresh namespace), writing its charts to a temporary folder;
2. ``migrationdata build --force`` (every notebook, the gallery and the fact-check report),
   and the same build without the report (``build.build(force=True, reports=False)``), which
   is the floor's work exactly;
3. a no-op ``migrationdata build`` (nothing changed, so everything is skipped);
4. with ``--kernel``, ``migrationdata build --force --kernel`` (each notebook in a Jupyter
   kernel through nbclient);
5. ``migrationdata build --force --lang en``: the English edition alone, beside the default
   build of both editions (issue 17: both within 1.5x of English alone, wall clock and CPU).

The floor draws the editions the build does (``--lang en`` for both: English only).

Memory is sampled from /proc every 50 ms over the command and all its child processes: the
peak of their summed PSS (proportional set size: pages shared by forked processes counted
once, split between them) and, for comparison, of their summed RSS (shared pages counted in
every process). CPU seconds are the command's and its descendants' (user and system), so a
busy machine shows in the wall-clock column but hardly in this one. Charts and reports go to a temporary folder; the repository's figures/ and
reports/ are not touched. ``--fresh-clone`` also times ``make figures`` in a fresh clone of the
repository (set-up with a warm package cache included).

    .venv/bin/python benchmarks/bench_build.py [--repeat N] [--jobs N] [--kernel] [--fresh-clone] [--lang en] [--json FILE]

Targets (issue 11) on the 2-core reference machine: build --force at most 0.7x the floor;
no-op build at most 0.3 s; peak memory of build --force under 1 GB; make figures in a fresh
clone at most 25 s. Issue 17: build --force of both editions (and the embeds) at most 1.5x
the English-only build, side by side.

Bytecode: this machine sets PYTHONDONTWRITEBYTECODE=1 and the virtual environment is installed
without compiled bytecode, so every Python process compiles pandas and matplotlib from source
(about 2.5 s). An ordinary Python install compiles them once and keeps the result; by default
every row here gets that, from one bytecode cache (PYTHONPYCACHEPREFIX) warmed by the untimed
runs. ``--no-bytecode`` keeps the environment as it is, for every row alike.
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

# Runs in its own process: each notebook's code, in order, as plain Python.
FLOOR = """\
import json, os, sys
os.environ.setdefault("MPLBACKEND", "agg")
for name, cwd, cells in json.load(open(sys.argv[1], encoding="utf-8")):
    os.chdir(cwd)
    namespace = {"__name__": "__main__", "display": print}
    for number, source in cells:
        exec(compile(source, f"{name} cell {number}", "exec"), namespace)
"""


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            out += [int(c) for c in Path(task.path, "children").read_text().split()]
    except OSError:
        pass
    return out


def _tree_memory(root: int) -> tuple[int, int]:
    """Summed (PSS, RSS) in bytes of a process and all its descendants."""
    pss, rss, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
        except (OSError, IndexError, ValueError):
            pass
        todo += _children(pid)
    return pss, rss


def measure(cmd: list[str], env: dict, cwd: Path = REPO) -> dict:
    """Wall-clock seconds and peak summed PSS and RSS (MB) of a command and its children."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_pss = peak_rss = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        pss, rss = _tree_memory(proc.pid)
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err[-3000:]}")
    # CPU time of the command and every descendant it waited for (kernels, forked notebooks)
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": seconds, "cpu": cpu, "pss_mb": peak_pss / 2**20, "rss_mb": peak_rss / 2**20}


def floor_script(tmp: Path, langs: str = "en,es") -> Path:
    """The notebooks' code cells, with parameters, as the floor process runs them."""
    import jupytext

    notebooks = []
    for py in sorted((REPO / "notebooks").glob("[0-9][0-9]-*.py")):
        nb = jupytext.read(py)
        cells = []
        for number, cell in enumerate(nb.cells, 1):
            if cell.cell_type != "code":
                continue
            cells.append((number, cell.source))
            if "parameters" in cell.metadata.get("tags", []):
                out = str(tmp / "floor-figures")
                cells.append((number, f"as_of = None\noutput = {out!r}\nlangs = {langs!r}"))
        notebooks.append((py.stem, str(py.parent), cells))
    data = tmp / "floor.json"
    data.write_text(json.dumps(notebooks), encoding="utf-8")
    return data


def fresh_clone(tmp: Path, env: dict) -> dict:
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    # a fresh clone has no build state: every notebook runs, into the clone's own figures/
    return measure(
        ["make", "figures"], dict(env, MIGRATIONDATA_FIGURES="", MIGRATIONDATA_REPORTS=""), cwd=clone
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="rounds (medians are reported; default 3)")
    ap.add_argument("--jobs", type=int, default=None, help="passed to migrationdata build --jobs")
    ap.add_argument("--kernel", action="store_true", help="also time build --force --kernel")
    ap.add_argument("--fresh-clone", action="store_true", help="also time make figures in a fresh clone")
    ap.add_argument(
        "--before",
        type=Path,
        default=None,
        metavar="DIR",
        help="also time the build of another checkout (e.g. `git worktree add DIR main`), side by side",
    )
    ap.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep the environment's PYTHONDONTWRITEBYTECODE: every process compiles its imports",
    )
    ap.add_argument(
        "--lang",
        choices=("en", "es"),
        default=None,
        help="build (and floor) one edition only; default: both, beside an English-only build row",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        tmp = Path(tmp)
        env = dict(os.environ, MIGRATIONDATA_REPORTS=str(tmp / "reports"))
        env.pop("MIGRATIONDATA_FIGURES", None)
        if not args.no_bytecode:
            # as an ordinary Python install does: imports compiled once and kept (here in a
            # cache of this run's, for every row alike, warmed by the untimed runs)
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        build_env = dict(env, MIGRATIONDATA_FIGURES=str(tmp / "figures"))
        build_cmd = [str(BIN / "migrationdata"), "build"] + (["--jobs", str(args.jobs)] if args.jobs else [])
        en_cmd = [*build_cmd, "--force", "--lang", "en"]
        if args.lang:
            build_cmd += ["--lang", args.lang]
        floor_cmd = [sys.executable, "-c", FLOOR, str(floor_script(tmp, args.lang or "en,es"))]

        print("warming up: one untimed build and one untimed plain run ...", file=sys.stderr)
        measure([*build_cmd, "--force"], build_env)
        measure(floor_cmd, build_env)

        # the same notebooks through the build's runner, without the fact-check report (which
        # the floor does not write): the runner against the floor, like for like
        langs = [args.lang] if args.lang else None
        notebooks_only = (
            "from migrationdata import build; "
            f"build.build(force=True, reports=False, jobs={args.jobs or 'None'}, langs={langs!r}, "
            "progress=lambda _: None)"
        )
        rows = {
            "floor": ("plain Python, one process, sequential", floor_cmd),
            "build": ("migrationdata build --force", [*build_cmd, "--force"]),
            "notebooks": (
                "build --force, notebooks only (no report)",
                [sys.executable, "-c", notebooks_only],
            ),
            "noop": ("migrationdata build (no-op)", build_cmd),
        }
        if not args.lang:
            rows["english"] = ("build --force --lang en (English alone)", en_cmd)
        envs = {name: build_env for name in rows}
        if args.kernel:
            rows["kernel"] = ("migrationdata build --force --kernel", [*build_cmd, "--force", "--kernel"])
            envs["kernel"] = build_env
        if args.before:
            # the other checkout's package first on the path; its own notebooks and data
            before_env = dict(
                build_env,
                PYTHONPATH=str(args.before.resolve() / "src"),
                MIGRATIONDATA_FIGURES=str(tmp / "before-figures"),
                MIGRATIONDATA_REPORTS=str(tmp / "before-reports"),
            )
            rows["before"] = (f"before ({args.before.name}): build --force", [*build_cmd, "--force"])
            rows["before_noop"] = (f"before ({args.before.name}): no-op build", build_cmd)
            envs["before"] = envs["before_noop"] = before_env
            measure([*build_cmd, "--force"], before_env)
        runs: dict[str, list[dict]] = {name: [] for name in rows}
        for i in range(args.repeat):
            for name, (label, cmd) in rows.items():
                print(f"round {i + 1}/{args.repeat}: {label} ...", file=sys.stderr)
                runs[name].append(measure(cmd, envs[name]))
        # a fresh clone as CI gets it: this machine's environment unchanged
        fresh = fresh_clone(tmp, dict(os.environ)) if args.fresh_clone else None

    result: dict = {
        name: {
            "seconds": round(statistics.median(r["seconds"] for r in rs), 2),
            "best": round(min(r["seconds"] for r in rs), 2),
            "seconds_all": [round(r["seconds"], 2) for r in rs],
            "cpu_seconds": round(statistics.median(r["cpu"] for r in rs), 2),
            "peak_pss_mb": round(max(r["pss_mb"] for r in rs)),
            "peak_rss_mb": round(max(r["rss_mb"] for r in rs)),
        }
        for name, rs in runs.items()
    }
    ratio = result["build"]["seconds"] / result["floor"]["seconds"]
    result["ratio"] = round(ratio, 2)
    result["cores"] = os.cpu_count()
    result["bytecode"] = not args.no_bytecode
    if fresh:
        result["fresh_clone"] = {"seconds": round(fresh["seconds"], 1)}

    cache = "no bytecode kept (each process compiles its imports)" if args.no_bytecode else "bytecode kept"
    print(f"\n{os.cpu_count()} cores; {cache}; median of {args.repeat} round(s), rows run side by side\n")
    print(f"{'measure':<44}{'median s':>9}{'best s':>8}{'CPU s':>8}{'peak PSS MB':>13}{'peak RSS MB':>13}")
    for name, (label, _) in rows.items():
        r = result[name]
        print(
            f"{label:<44}{r['seconds']:>9.2f}{r['best']:>8.2f}{r['cpu_seconds']:>8.1f}"
            f"{r['peak_pss_mb']:>13}{r['peak_rss_mb']:>13}"
        )
    # interference from other work on the machine only ever slows a run down, so the best of
    # the rounds is the better estimate of what the code itself takes (as timeit reports)
    result["best_ratio"] = round(result["build"]["best"] / result["floor"]["best"], 2)
    result["notebooks_ratio"] = round(result["notebooks"]["seconds"] / result["floor"]["seconds"], 2)
    result["notebooks_best_ratio"] = round(result["notebooks"]["best"] / result["floor"]["best"], 2)
    print(f"{'build --force / plain Python':<44}{ratio:>9.2f}{result['best_ratio']:>8.2f}  (x)")
    print(
        f"{'notebooks only / plain Python':<44}{result['notebooks_ratio']:>9.2f}"
        f"{result['notebooks_best_ratio']:>8.2f}  (x)"
    )
    if args.before:
        before_ratio = result["before"]["seconds"] / result["floor"]["seconds"]
        result["before_ratio"] = round(before_ratio, 2)
        result["before_best_ratio"] = round(result["before"]["best"] / result["floor"]["best"], 2)
        print(
            f"{'before: build --force / plain Python':<44}{before_ratio:>9.2f}{result['before_best_ratio']:>8.2f}  (x)"
        )
    if "english" in result:
        for key, which in (("seconds", "median"), ("best", "best"), ("cpu_seconds", "CPU")):
            result[f"editions_ratio_{which}"] = round(result["build"][key] / result["english"][key], 2)
        print(
            f"{'both editions / English alone (wall)':<44}{result['editions_ratio_median']:>9.2f}"
            f"{result['editions_ratio_best']:>8.2f}  (x)"
        )
        print(
            f"{'both editions / English alone (CPU)':<44}{result['editions_ratio_CPU']:>9.2f}  (x, median CPU)"
        )
    if fresh:
        print(f"{'make figures, fresh clone':<44}{fresh['seconds']:>9.1f}")
    targets = [
        ("build --force at most 0.7x plain Python (median)", ratio <= 0.7),
        ("build --force at most 0.7x plain Python (best of the rounds)", result["best_ratio"] <= 0.7),
        ("no-op build at most 0.3 s", result["noop"]["seconds"] <= 0.3),
        ("peak memory (PSS) of build --force under 1 GB", result["build"]["peak_pss_mb"] < 1024),
    ]
    if fresh:
        targets.append(("make figures in a fresh clone at most 25 s", fresh["seconds"] <= 25))
    if "english" in result:
        targets += [
            (
                "both editions at most 1.5x English alone (median wall)",
                result["editions_ratio_median"] <= 1.5,
            ),
            ("both editions at most 1.5x English alone (CPU)", result["editions_ratio_CPU"] <= 1.5),
        ]
    print()
    for text, ok in targets:
        print(f"  [{'ok' if ok else 'MISSED'}] {text}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
