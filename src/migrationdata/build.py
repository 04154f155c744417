"""``migrationdata build``: run the notebooks headless and write every chart, the gallery and
the fact-check report.

Each notebook in ``notebooks/`` (``NN-name.py``, the jupytext text reviewers read, paired with
``NN-name.ipynb``) runs from a clean state, several at once (:mod:`migrationdata.runner`: a
process forked, for each notebook, from a server that has imported the heavy libraries once;
or, with ``kernel=True`` / ``--kernel``, a Jupyter kernel each). The build:

- injects the papermill-style parameters (``as_of``, ``output``, ``langs``) after the cell
  tagged ``parameters``, and records which data files and package modules the notebook used;
- draws each chart once and writes it in every edition asked for (``langs``, default both):
  English in ``figures/``, Spanish in ``figures/es/`` under the same names (a text missing from
  ``locales/es.toml`` fails the notebook with the key named);
- sends the charts to a staging folder and copies them into ``figures/`` only when the whole
  notebook succeeded, so a failure never leaves half a set of charts behind;
- stops at the first failing notebook and names it and the failing cell;
- skips a notebook whose text, parameters, library versions, the data files it read and the
  package modules it used last time are all unchanged (and whose charts are still there), so
  a rebuild with nothing to do imports nothing heavy and takes a fraction of a second;
- writes the fact-check report (``migrationdata.claims.write_reports``, in a child process
  while the notebooks run; written again at the end only if the charts it links changed),
  then ``figures/index.md`` and ``figures/index.html`` (:mod:`migrationdata.gallery`).

``output=DIR`` (``--output``) sends the charts to ``DIR/figures`` and the report to
``DIR/reports``. An ``as_of`` build shows the data as published by that date, so it never
writes into the committed ``figures/`` or ``reports/``: without ``output`` it goes to
``build/as-of-DATE/`` (git-ignored), and its gallery and report say at the top what they show.

The incremental state lives in ``.build-state/`` (git-ignored) whatever the output folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from migrationdata import gallery, paths, runner
from migrationdata.errors import BuildError, EmbedError

CHART_FILES = ("png", "svg", "csv", "json")
#: the editions, English first (i18n.LANGUAGES, repeated here so that a build with nothing to
#: do imports neither pandas nor Babel; tests/test_build.py checks they agree)
LANGUAGES = ("en", "es")
STATE_DIR = paths.REPO_DIR / ".build-state"
#: where an as-of build goes when no output folder is given (git-ignored)
AS_OF_ROOT = paths.REPO_DIR / "build"
#: the folders committed to git, which only a build of today's data may write
COMMITTED = (paths.REPO_DIR / "figures", paths.REPO_DIR / "reports")
REPORT = "fact-check report"
#: what the report's server imports before it forks the report's process
REPORT_PRELOAD = ("pandas", "yaml")


@dataclass(frozen=True)
class Notebook:
    name: str
    py: Path | None
    ipynb: Path | None

    @property
    def source(self) -> Path:
        # the .py is what reviewers read and diff, so it is what runs
        return self.py or self.ipynb  # type: ignore[return-value]


@dataclass
class Outcome:
    name: str
    status: str  # "ran", "skipped", "failed", "not run"
    seconds: float = 0.0
    charts: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class BuildReport:
    outcomes: list[Outcome]
    gallery: Path | None
    reports: str  # "written", "skipped" or "not asked"
    seconds: float
    figures: Path | None = None  # where the charts went
    reports_folder: Path | None = None  # where the fact-check report went (or would have)
    output: Path | None = None  # the folder holding both, when the build was given one

    @property
    def ok(self) -> bool:
        return all(o.status in ("ran", "skipped") for o in self.outcomes)


# ----------------------------------------------------------------------------- discovery


def discover(folder: Path | None = None) -> list[Notebook]:
    """The numbered notebooks (``NN-name``), in order."""
    folder = folder or paths.notebooks_dir()
    names = sorted(
        {p.stem for p in folder.glob("[0-9][0-9]-*.py")} | {p.stem for p in folder.glob("[0-9][0-9]-*.ipynb")}
    )
    out = []
    for name in names:
        py, nb = folder / f"{name}.py", folder / f"{name}.ipynb"
        out.append(Notebook(name, py if py.exists() else None, nb if nb.exists() else None))
    return out


def select(notebooks: list[Notebook], only: Sequence[str] | None) -> list[Notebook]:
    """``--only`` accepts a full name (``02-border-encounters``), its number (``02``) or a word
    of it (``border``)."""
    if not only:
        return notebooks
    chosen = []
    for want in only:
        hits = [n for n in notebooks if n.name == want or n.name.split("-", 1)[0] == want]
        hits = hits or [n for n in notebooks if want.lower() in n.name.lower()]
        if not hits:
            known = ", ".join(n.name for n in notebooks) or "(none)"
            raise BuildError(f"No notebook matches {want!r}. The notebooks are: {known}.")
        chosen += [h for h in hits if h not in chosen]
    return [n for n in notebooks if n in chosen]


# ----------------------------------------------------------------------------- fingerprints

# sha256 by path and stat (size, modification and change times, inode), kept in the build
# state: a file is hashed again only when it was touched, so a rebuild with nothing to do
# reads no file it does not have to
_hashes: dict[str, list] = {}


def _sha(path: Path) -> str | None:
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    known = _hashes.get(str(path))
    if known and known[:4] == stamp:
        return known[4]
    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError):
        return None
    _hashes[str(path)] = [*stamp, digest]
    return digest


def library_versions() -> str:
    """The versions of the libraries that compute and draw: an upgrade redraws every chart.

    Read from the names of their ``*.dist-info`` folders (``pandas-2.2.3.dist-info``), which
    is what an installer writes, without importing ``importlib.metadata``."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            stem = name[: -len(".dist-info")]
            if name.endswith(".dist-info") and stem.count("-") == 1:
                lib, version = stem.split("-")
                found.setdefault(lib.lower().replace("_", "-"), version)
    return ";".join(
        f"{lib}={found.get(lib, 'missing')}" for lib in ("matplotlib", "pandas", "numpy", "pandera")
    )


def code_digest(libraries: str | None = None) -> str:
    """The whole package's code, style, templates and message catalogs, and the library versions, in one hash."""
    h = hashlib.sha256((libraries or library_versions()).encode())
    pkg = paths.PACKAGE_DIR
    for p in sorted(pkg.rglob("*")):
        if (
            p.suffix in (".py", ".mplstyle", ".html", ".css", ".js", ".j2", ".toml")
            and "__pycache__" not in p.parts
        ):
            h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + (_sha(p) or "").encode() + b"\0")
    return h.hexdigest()


def _notebook_key(nb: Notebook, libraries: str, params: dict) -> str:
    # The package modules a notebook imports and the data it opens are recorded during the
    # run and checked separately, so an edit to an unrelated module reruns nothing.
    h = hashlib.sha256()
    for p in (nb.py, nb.ipynb):
        h.update((_sha(p) or "-").encode() if p else b"-")
    h.update(libraries.encode() + runner.TRACE_CELL.encode() + runner.MODULES_CELL.encode())
    h.update(json.dumps(params, sort_keys=True).encode())
    return h.hexdigest()


def _files_unchanged(recorded: dict[str, str | None]) -> bool:
    return all(_sha(Path(p)) == h for p, h in recorded.items())


def _report_key(as_of: str | None, libraries: str, out: Path, figures: Path) -> str:
    """What the fact-check report depends on: the code, the data, the as-of date, the folders
    and which charts exist in ``figures`` (it links them)."""
    data = paths.data_dir()
    h = hashlib.sha256(code_digest(libraries).encode() + json.dumps(as_of).encode())
    for p in sorted(data.rglob("*")):
        if p.is_file() and "raw" not in p.relative_to(data).parts:
            h.update(p.relative_to(data).as_posix().encode() + b"\0" + (_sha(p) or "").encode())
    # every story ledger (stories/<slug>/story.yaml, text.txt) is an input too
    stories = paths.REPO_DIR / "stories"
    for p in sorted(stories.rglob("*")) if stories.exists() else ():
        if p.is_file():
            h.update(p.relative_to(stories).as_posix().encode() + b"\0" + (_sha(p) or "").encode())
    h.update(str(out).encode() + b"\0" + str(figures).encode())
    # the charts it links: English ones, and each edition's (figures/<lang>/) in its report
    h.update(" ".join(sorted(p.relative_to(figures).as_posix() for p in figures.glob("*.png"))).encode())
    h.update(" ".join(sorted(p.relative_to(figures).as_posix() for p in figures.glob("*/*.png"))).encode())
    return h.hexdigest()


# ----------------------------------------------------------------------------- state


def _state_path(state_dir: Path, figures: Path) -> Path:
    tag = hashlib.sha256(str(figures.resolve()).encode()).hexdigest()[:12]
    return state_dir / f"state-{tag}.json"


def _load_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"notebooks": {}}


def _save_state(path: Path, state: dict) -> None:
    state["hashes"] = {p: h for p, h in sorted(_hashes.items()) if os.path.exists(p)}
    # one line, by the C encoder (an indented dump takes Python's, ten times slower); a build
    # that changed nothing leaves the file alone
    text = json.dumps(state, sort_keys=True, separators=(",", ":"))
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# ----------------------------------------------------------------------------- charts


def _chart_files(folder: Path, slug: str) -> list[str]:
    """A chart's files, as its sidecar lists them (PNG, SVG, CSV, mobile variants), and the
    sidecar itself."""
    try:
        meta = json.loads((folder / f"{slug}.json").read_text(encoding="utf-8"))
        names = [str(n) for n in meta.get("files", {}).values()]
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        names = [f"{slug}.{ext}" for ext in CHART_FILES if ext != "json"]
    # a sidecar names only files beside it
    return [n for n in names if "/" not in n and "\\" not in n] + [f"{slug}.json"]


def edition_dir(figures: Path, lang: str) -> Path:
    """Where an edition's charts go: English in the figures folder, another language in a
    folder of its code inside it (``figures/es/``)."""
    return figures if lang == LANGUAGES[0] else figures / lang


def _commit_charts(
    staging: Path, figures: Path, nb: Notebook, log: Path, langs: Sequence[str] = LANGUAGES
) -> list[str]:
    """Copy a successful notebook's charts, in each edition built, into the figures folder
    (only files whose bytes changed) and remove the charts it used to make but no longer does
    (in the editions built: ``--lang es`` leaves the English charts alone)."""
    order = []
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            slug = json.loads(line)["slug"]
            if slug not in order:
                order.append(slug)
    made = sorted({p.stem for lang in langs for p in edition_dir(staging, lang).glob("*.json")})
    order += [s for s in made if s not in order]
    notebook_ref = f"notebooks/{nb.name}.ipynb"
    for lang in langs:
        src_dir, dst_dir = edition_dir(staging, lang), edition_dir(figures, lang)
        here = {p.stem for p in src_dir.glob("*.json")}
        if here or lang == LANGUAGES[0]:
            dst_dir.mkdir(parents=True, exist_ok=True)
        for slug in order:
            for name in _chart_files(src_dir, slug):
                src, dst = src_dir / name, dst_dir / name
                if src.exists() and (not dst.exists() or dst.read_bytes() != src.read_bytes()):
                    shutil.copyfile(src, dst)
        for side in dst_dir.glob("*.json"):
            if side.stem in here:
                continue
            try:
                meta = json.loads(side.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(meta, dict) and meta.get("notebook") == notebook_ref:
                for name in _chart_files(dst_dir, side.stem):
                    (dst_dir / name).unlink(missing_ok=True)
    return order


def _outputs(figures: Path, slugs: list[str], langs: Sequence[str] = LANGUAGES) -> dict[str, str | None]:
    out = {}
    for lang in langs:
        folder = edition_dir(figures, lang)
        for s in slugs:
            if lang != LANGUAGES[0] and not (folder / f"{s}.json").exists():
                continue  # a chart drawn in English only (plain strings, outside the build)
            out.update({str(folder / n): _sha(folder / n) for n in _chart_files(folder, s)})
    return out


# ----------------------------------------------------------------------------- the report


def _adopt_report(staging: Path, out: Path) -> dict[str, str | None]:
    """Move the report written in ``staging`` into ``out`` (files whose bytes changed)."""
    out.mkdir(parents=True, exist_ok=True)
    for src in sorted(p for p in staging.rglob("*") if p.is_file()):  # one folder per story
        dst = out / src.relative_to(staging)
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
    shutil.rmtree(staging, ignore_errors=True)
    return {str(p): _sha(p) for p in sorted(out.rglob("*")) if p.is_file()}


def _failure(nb: Notebook, result: dict, executed: Path) -> BuildError:
    number = result.get("cell")
    source = result.get("source") or ""
    first = next((ln for ln in source.splitlines() if ln.strip() and not ln.startswith("#")), "")
    where = f"cell {number} (`{first.strip()[:70]}`)" if number else "an injected cell"
    hint = ""
    if result.get("ename") == "SyntaxError" and any(ln.lstrip()[:1] in "%!" for ln in source.splitlines()):
        hint = " (IPython's % and ! lines need a kernel: build with --kernel, or write them in Python)"
    return BuildError(
        f"notebook {_shown(nb.source)} failed in {where}: {result.get('ename')}: {result.get('evalue')}"
        f"{hint}\n"
        f"The charts already in the figures folder are unchanged. The partly run notebook, with "
        f"its full traceback, is in {executed}; fix the cell and run `migrationdata build --only "
        f"{nb.name}`."
    )


# ----------------------------------------------------------------------------- build


def default_jobs() -> int:
    """One notebook per core: a forked notebook computes from its first instruction (measured
    by ``benchmarks/bench_build.py``). Kernels spend part of their run starting up, so twice
    as many of them run at once."""
    return os.cpu_count() or 1


class _Run:
    """One build into one figures folder: its state, its work folder, its jobs."""

    def __init__(
        self,
        figures: Path,
        reports_out: Path,
        as_of: str | None,
        state_dir: Path,
        say,
        langs: Sequence[str] = LANGUAGES,
    ):
        self.figures, self.reports_out, self.as_of = figures, reports_out, as_of
        self.langs = tuple(langs)
        self.state_dir, self.say = state_dir, say
        self.state_file = _state_path(state_dir, figures)
        self.state = _load_state(self.state_file)
        _hashes.clear()
        _hashes.update(self.state.get("hashes", {}))
        self.entries = self.state.setdefault("notebooks", {})
        self.libraries = library_versions()
        self.work = state_dir / "work" / hashlib.sha256(str(figures).encode()).hexdigest()[:12]
        # the report is written beside its final folder, so its links to the charts are the same
        self.staging_report = reports_out.parent / f".{reports_out.name}-building"
        self.outcomes: dict[str, Outcome] = {}
        self.notebooks: dict[str, tuple[Notebook, str, dict]] = {}
        self.position: dict[str, str] = {}
        self.started: dict[str, float] = {}
        self.report_failed: dict | None = None
        self.server: runner.ForkServer | None = None  # the notebooks'
        self.report_server: runner.ForkServer | None = None
        self.report: runner.Job | None = None
        self.report_started_with: str | None = None  # the report key its job was started with

    def plan(self, chosen: list[Notebook], force: bool) -> list[tuple[Notebook, str]]:
        """The notebooks to run, with their keys; the others are marked skipped."""
        params = {"as_of": self.as_of, "output": str(self.figures), "langs": ",".join(self.langs)}
        todo = []
        for i, nb in enumerate(chosen, 1):
            self.position[nb.name] = f"[{i}/{len(chosen)}]"
            key = _notebook_key(nb, self.libraries, params)
            entry = self.entries.get(nb.name)
            if (
                not force
                and entry is not None
                and entry.get("key") == key
                and _files_unchanged(entry.get("reads", {}))
                and _files_unchanged(entry.get("outputs", {}))
            ):
                self.outcomes[nb.name] = Outcome(nb.name, "skipped", charts=list(entry.get("charts", [])))
                self.say(f"{self.position[nb.name]} {nb.name}: up to date, skipped")
            else:
                todo.append((nb, key))
        return todo

    def report_key(self) -> str:
        return _report_key(self.as_of, self.libraries, self.reports_out, self.figures)

    def notebook_job(self, nb: Notebook, key: str) -> runner.Job:
        doc = runner.read_cells(nb.source, self.state_dir / "cells")
        self.notebooks[nb.name] = (nb, key, doc)
        folder = self.work / nb.name
        staging = folder / "figures"
        staging.mkdir(parents=True)
        (folder / "reads.txt").write_text("", encoding="utf-8")
        return runner.Job(
            id=nb.name,
            cells=runner.code_cells(
                doc, {"as_of": self.as_of, "output": str(staging), "langs": ",".join(self.langs)}
            ),
            cwd=str(nb.source.parent),
            env={
                "MIGRATIONDATA_BUILD_LOG": str(staging / ".charts.log"),
                "MIGRATIONDATA_FIGURES": str(staging),
                "JPY_SESSION_NAME": str(nb.source),
            },
            result=str(folder / "result.json"),
            log=str(folder / "output.log"),
            trace_log=str(folder / "reads.txt"),
            roots=[str(paths.data_dir().resolve()) + os.sep, str(paths.PACKAGE_DIR) + os.sep],
        )

    def report_job(self) -> runner.Job:
        """The fact-check report as a job of its own, run like a one-cell notebook."""
        shutil.rmtree(self.staging_report, ignore_errors=True)
        self.staging_report.mkdir(parents=True)
        day = f"__import__('datetime').date.fromisoformat({self.as_of!r})" if self.as_of else "None"
        code = (
            "from migrationdata import claims\n"
            f"claims.write_reports(folder={str(self.staging_report)!r}, as_of={day}, "
            f"figures={str(self.figures)!r})\n"
        )
        folder = self.work / "report"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "result.json").unlink(missing_ok=True)
        self.report = runner.Job(
            id=REPORT,
            cells=[{"number": 1, "source": code}],
            cwd=str(paths.REPO_DIR),
            env={},
            result=str(folder / "result.json"),
            log=str(folder / "output.log"),
        )
        return self.report

    def on_start(self, job: runner.Job) -> None:
        self.started[job.id] = time.perf_counter()
        where = f"{REPORT}: writing" if job.id == REPORT else f"{self.position[job.id]} {job.id}: running"
        self.say(where + " ...")

    def on_done(self, job: runner.Job, code: int) -> None:
        result = runner.read_result(job, code)
        seconds = time.perf_counter() - self.started[job.id]
        if job.id == REPORT:
            self.report_failed = None if result["status"] == "ok" else result
            return
        nb, key, doc = self.notebooks[job.id]
        executed = self.state_dir / "executed" / f"{nb.name}.ipynb"
        executed.parent.mkdir(parents=True, exist_ok=True)
        executed.write_text(json.dumps(runner.executed_notebook(doc, result), indent=1), encoding="utf-8")
        if result["status"] != "ok":
            raise _failure(nb, result, executed)
        folder = self.work / nb.name
        slugs = _commit_charts(
            folder / "figures", self.figures, nb, folder / "figures" / ".charts.log", self.langs
        )
        # compiled caches stand for their .py files, which the modules list names
        lines = (folder / "reads.txt").read_text(encoding="utf-8").splitlines()
        reads = sorted({ln for ln in lines if ln and "__pycache__" not in ln})
        self.entries[nb.name] = {
            "key": key,
            "reads": {p: _sha(Path(p)) for p in reads},
            "charts": slugs,
            "outputs": _outputs(self.figures, slugs, self.langs),
            "seconds": round(seconds, 2),
        }
        _save_state(self.state_file, self.state)  # a later failure keeps this notebook's success
        self.outcomes[nb.name] = Outcome(nb.name, "ran", seconds, slugs)
        self.say(f"{self.position[nb.name]} {nb.name}: done in {seconds:.1f}s, {len(slugs)} chart(s)")

    def start_report(self, key: str) -> None:
        """Start writing the report, in a process of its own, with the charts as they are."""
        if self.report_server is None:
            # its own server, so it starts at once and fills the core the notebooks' server
            # leaves idle while it imports
            self.report_server = runner.ForkServer(self.state_dir / "runner-report.log", REPORT_PRELOAD)
        job = self.report_job()
        self.on_start(job)
        self.report_server.submit(job)
        self.report_started_with = key

    def execute(self, jobs: list[runner.Job], slots: int, kernel: bool) -> None:
        """Run the notebooks, longest first (as timed last time) so the last to end is a short
        one."""
        took = {name: e.get("seconds") for name, e in self.entries.items()}
        if any(not took.get(j.id) for j in jobs):
            # never timed (a fresh clone): the longer notebook is the slower, roughly
            took = {j.id: float(self.notebooks[j.id][0].source.stat().st_size) for j in jobs}
        jobs = sorted(jobs, key=lambda j: -(took.get(j.id) or 0))
        try:
            if kernel:
                runner.run_in_kernels(jobs, slots, self.state_dir, self.on_start, self.on_done)
            elif jobs:
                runner.run_forked(self.server, jobs, slots, self.on_start, self.on_done)  # type: ignore[arg-type]
        except runner.RunnerError as exc:
            raise BuildError(str(exc)) from None
        finally:
            _save_state(self.state_file, self.state)

    def finish_report(self, key_before: str) -> str:
        """Wait for the report; write it again if the charts it links changed while it was
        being written (or since it was last written). Returns "written" or "skipped"."""
        final_key = self.report_key() if self.notebooks else key_before
        if self.report_started_with is None and final_key == key_before:
            self.say(f"{REPORT}: up to date, skipped")
            return "skipped"
        try:
            if self.report_started_with is not None:
                self.on_done(self.report, runner.wait_for(self.report_server, REPORT))  # type: ignore[arg-type]
            if self.report_started_with != final_key:
                self.say(f"{REPORT}: the charts changed while it was written")
                self.start_report(final_key)
                self.on_done(self.report, runner.wait_for(self.report_server, REPORT))  # type: ignore[arg-type]
        except runner.RunnerError as exc:
            raise BuildError(str(exc)) from None
        if self.report_failed:
            raise BuildError(
                f"the charts are built, but the fact-check report failed: "
                f"{self.report_failed.get('ename')}: {self.report_failed.get('evalue')}"
            )
        outputs = _adopt_report(self.staging_report, self.reports_out)
        self.state["reports"] = {**self.state.get("reports", {}), "key": final_key, "outputs": outputs}
        self.say(f"{REPORT}: written to {_shown(self.reports_out)}")
        return "written"

    def close(self) -> None:
        for server in (self.server, self.report_server):
            if server is not None:
                server.close()


def build(
    *,
    jobs: int | None = None,
    only: Sequence[str] | None = None,
    as_of: str | None = None,
    force: bool = False,
    output: Path | None = None,
    figures: Path | None = None,
    notebooks: Path | None = None,
    state_dir: Path | None = None,
    reports: bool = True,
    progress: Callable[[str], None] | None = None,
    kernel: bool = False,
    langs: Sequence[str] | None = None,
    embeds: bool = True,
) -> BuildReport:
    """Run the notebooks that need it, then write the gallery and the fact-check report.

    ``output`` is a folder for both (``output/figures``, ``output/reports``); ``figures`` alone
    moves only the charts. With ``as_of`` and neither, the build goes to
    ``build/as-of-DATE/``; an as-of build aimed at the committed folders is refused.
    ``kernel`` runs each notebook in a Jupyter kernel instead of a forked process. ``langs``
    names the editions to write (default: every one, English in ``figures/`` and Spanish in
    ``figures/es/``); the incremental state keys each notebook by the editions it was built in.
    ``embeds=False`` writes the static charts only (see :func:`_publish`).

    Raises :class:`BuildError` naming the notebook and cell when one fails (the others are
    stopped; nothing of the failed notebook reaches ``figures``).
    """
    t_start = time.perf_counter()
    say = progress or (lambda s: print(s, file=sys.stderr, flush=True))
    if as_of:
        as_of = _check_date(as_of)
    if output is not None and figures is not None:
        raise BuildError("give the build an output folder or a figures folder, not both.")
    if as_of and output is None and figures is None:
        output = as_of_folder(as_of)
    if output is not None:
        output = Path(output).resolve()
        figures, reports_out = output / "figures", output / "reports"
    else:
        figures = (figures or paths.figures_dir()).resolve()
        # an as-of report belongs beside its charts, never in the committed reports/
        reports_out = (figures.parent / "reports" if as_of else paths.reports_dir()).resolve()
    if as_of:
        _refuse_committed(as_of, [figures] + ([reports_out] if reports else []))
    langs = _check_langs(langs)
    chosen = select(discover(notebooks), only)
    run = _Run(figures, reports_out, as_of, (state_dir or STATE_DIR).resolve(), say, langs)
    todo = run.plan(chosen, force)
    report_key = run.report_key() if reports else ""
    previous = run.state.get("reports", {})
    report_stale = reports and (
        force or previous.get("key") != report_key or not _files_unchanged(previous.get("outputs", {}))
    )
    report_status = "skipped" if reports else "not asked"
    charts_done = False
    try:
        if todo or report_stale:
            shutil.rmtree(run.work, ignore_errors=True)
            run.work.mkdir(parents=True)
        if report_stale:
            run.start_report(report_key)
        if todo and not kernel:
            # started before the notebooks are read, so its imports overlap with that
            run.server = runner.ForkServer(run.state_dir / "runner.log")
        job_list = [run.notebook_job(nb, key) for nb, key in todo]
        slots = max(1, jobs or (2 * default_jobs() if kernel else default_jobs()))
        run.execute(job_list, slots, kernel)
        charts_done = True
        if reports:
            report_status = run.finish_report(report_key)
        shutil.rmtree(run.work, ignore_errors=True)
    finally:
        run.close()
        shutil.rmtree(run.staging_report, ignore_errors=True)
        # after the report, so a first build's gallery already links it; written even if the
        # report failed, since the charts are good
        if charts_done:
            page = _publish(figures, run, as_of, reports_out, say, force, embeds)
        _save_state(run.state_file, run.state)
    return BuildReport(
        [run.outcomes[nb.name] for nb in chosen],
        page,
        report_status,
        time.perf_counter() - t_start,
        figures=figures,
        reports_folder=reports_out,
        output=output,
    )


def _publish(
    figures: Path, run: _Run, as_of: str | None, reports_out: Path, say, force: bool, with_embeds: bool = True
) -> Path:
    """After the notebooks: each edition's interactive embeds (:mod:`migrationdata.embeds`),
    then its gallery. The Spanish edition is the charts in ``figures/es/``, when there are any.
    Only the editions this build wrote have their embeds made (``--force`` of one edition does
    not remake the other's); ``with_embeds=False`` (``--no-embeds``) makes none and removes
    those of charts that changed, so that no gallery shows an embed its chart has outgrown."""
    from migrationdata import embeds

    page = None
    for folder in (figures, figures / "es"):
        if folder != figures and not folder.is_dir():
            say(f"gallery: no Spanish charts in {_shown(folder)}/, so no Spanish gallery")
            continue
        t0 = time.perf_counter()
        built = folder in {edition_dir(figures, lang) for lang in run.langs}
        try:
            made = embeds.write_embeds(
                folder,
                run.state,
                cache_dir=run.state_dir / "vega",
                say=say,
                force=force and built,
                static_only=not with_embeds,
            )
        except EmbedError as exc:
            raise BuildError(f"the charts are built, but their interactive embeds are not: {exc}") from None
        removed = f", {len(made['removed'])} removed (--no-embeds)" if made["removed"] else ""
        say(
            f"embeds: {len(made['written'])} written, {len(made['unchanged'])} up to date{removed} in "
            f"{_shown(folder)}/ ({time.perf_counter() - t0:.1f}s)"
        )
        written = gallery.write_gallery(folder, run.state, as_of=as_of, reports=reports_out)
        say(f"gallery: {_shown(written)}")
        page = page or written
    return page  # type: ignore[return-value]


def as_of_folder(as_of: str) -> Path:
    """Where ``migrationdata build --as-of DATE`` writes when given no ``--output``."""
    return AS_OF_ROOT / f"as-of-{as_of}"


def _refuse_committed(as_of: str, targets: list[Path]) -> None:
    for target in targets:
        for committed in COMMITTED:
            if target == committed or target.is_relative_to(committed):
                raise BuildError(
                    f"an --as-of build shows the data as published by {as_of}, so it does not write "
                    f"into {_shown(committed)}/, which holds the charts and report of today's data. "
                    f"Leave out --output (the build then goes to {_shown(as_of_folder(as_of))}/) or "
                    "give another folder."
                )


def _shown(path: Path) -> str:
    """A path as the reporter would type it: relative to the repository when inside it."""
    return str(path.relative_to(paths.REPO_DIR)) if path.is_relative_to(paths.REPO_DIR) else str(path)


def _check_date(text: str) -> str:
    """The date as YYYY-MM-DD (Python also reads 20231228), for folder names and notebooks."""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise BuildError(f"--as-of wants a date as YYYY-MM-DD (e.g. 2023-12-27); got {text!r}.") from None


# ----------------------------------------------------------------------------- CLI


def _check_langs(langs: Sequence[str] | None) -> tuple[str, ...]:
    if not langs:
        return LANGUAGES
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown:
        raise BuildError(
            f"no {', '.join(map(repr, unknown))} edition: the charts are written in "
            f"{', '.join(LANGUAGES)}. What to do: pass --lang with one of those."
        )
    return tuple(lang for lang in LANGUAGES if lang in langs)


def run_cli(args) -> int:
    output = getattr(args, "output", None)
    lang = getattr(args, "lang", None)
    try:
        report = build(
            jobs=args.jobs,
            only=args.only,
            as_of=args.as_of,
            force=args.force,
            output=Path(output) if output else None,
            kernel=getattr(args, "kernel", False),
            langs=[lang] if lang else None,
            embeds=getattr(args, "embeds", True),
        )
    except BuildError as exc:
        print(f"migrationdata build: {exc}", file=sys.stderr)
        return 1
    ran = sum(o.status == "ran" for o in report.outcomes)
    skipped = sum(o.status == "skipped" for o in report.outcomes)
    charts = sum(len(o.charts) for o in report.outcomes)
    if report.output is not None:
        where = f"in {_shown(report.output)}/ (figures/ and reports/)"
    else:
        where = f"in {_shown(report.figures)}/ and {_shown(report.reports_folder)}/"
    if args.as_of:
        where += f", showing the data as published by {gallery.long_date(args.as_of)}"
    print(
        f"built {ran} notebook(s), {skipped} up to date; {charts} chart(s); "
        f"fact-check report {report.reports}; {report.seconds:.1f}s; {where}",
        file=sys.stderr,
    )
    return 0
