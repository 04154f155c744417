"""How well and how fast `migrationdata draft` reproduces the confirmed ledgers.

For the seed story (``$MIGRATIONDATA_MIRROR/../article/article.txt``, ledger
``stories/us-mexico-talks-2023-12/story.yaml``) and every story under
``stories/`` that has a ``text.txt`` beside its ``story.yaml``, prints:

- sentences with figures the draft found;
- confirmed entries spotted (the draft has something at their paragraph);
- checkable confirmed entries mapped to the right series and period (same kind of metric, one
  of the entry's tables, same period);
- same verdict as confirmed, the same figure (on the publication day and now), and both together,
  each out of the checkable entries (only when the claims engine is installed; the figure only
  for confirmed entries in the agreed format, which the engine can evaluate);
- seconds for the whole command (`migrationdata draft ... --html`, a fresh process: imports,
  reading the vocabularies from the data, drafting, writing both files), and seconds drafting
  in process (text to proposals, figures and verdicts included);
- once, what the command's imports cost (`python -X importtime`), package by package, since on
  a machine shared with others they are most of the command's time.

The command is timed as the environment runs it and, when that environment forbids Python's
bytecode cache (``PYTHONDONTWRITEBYTECODE``, so every start compiles pandas and the rest from
source), also as a reporter's shell runs it: with the cache, after one warm-up start.

    .venv/bin/python benchmarks/bench_draft.py [--json FILE]

Targets: on the seed story every confirmed claim spotted, at least 80% of the checkable ones
mapped with the confirmed figure and verdict; under 3 s per story.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from migrationdata.draft import engine
from migrationdata.draft.compare import load_ledger, score
from migrationdata.draft.periods import parse_published
from migrationdata.draft.sentences import detect_language, read_story
from migrationdata.draft.story import draft_story

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEED_PUBLISHED = "2023-12-28"


def stories() -> list[tuple[str, Path, Path, str]]:
    """(name, text, ledger, published) for every story with a text and a confirmed ledger."""
    found = []
    mirror = Path(os.environ.get("MIGRATIONDATA_MIRROR", REPO.parent / "shared" / "data"))
    seed = mirror.parent / "article" / "article.txt"
    seen_texts = set()
    for folder in sorted((REPO / "stories").glob("*/")):
        ledger = folder / "story.yaml"
        text = folder / "text.txt"
        if ledger.is_file() and text.is_file():
            head = yaml.safe_load(ledger.read_text(encoding="utf-8")) or {}
            found.append((folder.name, text, ledger, str(head.get("published", ""))[:10]))
            seen_texts.add(text.read_bytes())
    if seed.is_file() and seed.read_bytes() not in seen_texts:
        ledger = REPO / "stories" / "us-mexico-talks-2023-12" / "story.yaml"
        found.insert(0, ("seed", seed, ledger, SEED_PUBLISHED))
    return found


def import_profile(env: dict | None = None) -> tuple[float, list[tuple[str, float]]]:
    """Seconds the draft command's imports take in a fresh process, and the heaviest packages
    (their own time, summed over their modules)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import migrationdata.cli, migrationdata.draft"],
        capture_output=True,
        text=True,
        env=env,
    )
    by_package: dict[str, int] = {}
    total = 0
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        own, name = int(parts[0]), parts[2].strip()
        total += own
        root = name.split(".")[0]
        by_package[root] = by_package.get(root, 0) + own
    top = sorted(by_package.items(), key=lambda kv: -kv[1])[:6]
    return total / 1e6, [(k, v / 1e6) for k, v in top]


def cached_env() -> dict | None:
    """The environment with Python's bytecode cache allowed (None when it already is), warmed."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return None
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [sys.executable, "-c", "import migrationdata.cli, migrationdata.draft"], env=env, check=True
    )
    return env


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return time.perf_counter() - t0, done


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = ap.parse_args()
    rows = []
    warm = cached_env()
    for name, text, ledger, published in stories():
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [str(BIN / "migrationdata"), "draft", str(text), "--published", published]
            cmd += ["--out", f"{tmp}/story.yaml", "--html", f"{tmp}/draft.html"]
            seconds, done = timed(cmd)
            cached = timed([*cmd, "--force"], warm)[0] if warm is not None else None
        if done.returncode:
            print(f"{name}: draft failed: {done.stderr.strip()}", file=sys.stderr)
            continue
        body = read_story(text)
        t0 = time.perf_counter()
        draft = draft_story(body, parse_published(published), detect_language(body))
        in_process = time.perf_counter() - t0
        s = score(draft, load_ledger(ledger), evaluator=engine.evaluate if engine.available() else None)
        rows.append(
            {
                "story": name,
                "ledger": str(ledger.relative_to(REPO)) if ledger.is_relative_to(REPO) else str(ledger),
                "sentences_with_figures": draft.sentences_with_figures(),
                "confirmed": s.confirmed,
                "spotted": s.spotted,
                "checkable": s.checkable,
                "mapped": s.mapped,
                "same_verdict": s.same_verdict if engine.available() else None,
                "verdicts_compared": s.verdicts_compared,
                "same_figure": s.same_figure if engine.available() else None,
                "figures_compared": s.figures_compared,
                "matched": s.matched if engine.available() else None,
                "seconds": round(seconds, 2),
                "seconds_bytecode_cached": round(cached, 2) if cached is not None else None,
                "draft_seconds": round(in_process, 3),
                "missed": s.missed,
                "not_mapped": s.unmapped,
                "other_verdict": s.different,
                "other_figure": s.other_figure,
            }
        )
    if not rows:
        print("no story to draft: set MIGRATIONDATA_MIRROR or add stories/<slug>/text.txt", file=sys.stderr)
        return 1
    print(f"claims engine: {'installed' if engine.available() else 'not installed (no verdicts compared)'}")
    head = (
        f"{'story':<24} {'figures':>7} {'spotted':>9} {'mapped':>9} {'verdict':>9} {'figure':>9} "
        f"{'both':>9} {'command':>8} {'cached':>7} {'drafting':>9}"
    )
    print(head)

    def of_checkable(r: dict, key: str) -> str:
        return f"{r[key]}/{r['checkable']}" if r[key] is not None else "n/a"

    for r in rows:
        print(
            f"{r['story']:<24} {r['sentences_with_figures']:>7} {r['spotted']:>4}/{r['confirmed']:<4} "
            f"{r['mapped']:>4}/{r['checkable']:<4} {of_checkable(r, 'same_verdict'):>9} {of_checkable(r, 'same_figure'):>9} "
            f"{of_checkable(r, 'matched'):>9} {r['seconds']:>7.2f}s "
            + (
                f"{r['seconds_bytecode_cached']:>6.2f}s"
                if r["seconds_bytecode_cached"] is not None
                else f"{'-':>7}"
            )
            + f" {r['draft_seconds']:>8.3f}s"
        )
        for label, ids in (
            ("not spotted", r["missed"]),
            ("not mapped", r["not_mapped"]),
            ("other verdict", r["other_verdict"]),
            ("same verdict, other figure", r["other_figure"]),
        ):
            if ids:
                print(f"    {label}: {', '.join(ids)}")
    for label, env in (("as run here", None), ("bytecode cached", warm)):
        if label == "bytecode cached" and env is None:
            continue
        total, heaviest = import_profile(env)
        print(
            f"imports of the command (python -X importtime, {label}): {total:.2f}s; heaviest: "
            + ", ".join(f"{name} {sec:.2f}s" for name, sec in heaviest)
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
