"""``migrationdata build``: run the notebooks headless and write every chart, the gallery and
the fact-check report.

Each notebook in ``notebooks/`` (``NN-name.py``, the jupytext text reviewers read, paired with
``NN-name.ipynb``) runs in its own kernel, several at once. The runner:

- injects the papermill-style parameters (``as_of``, ``output``) after the cell tagged
  ``parameters``, and a first cell that records which data files the notebook opens;
- sends the charts to a staging folder and copies them into ``figures/`` only when the whole
  notebook succeeded, so a failure never leaves half a set of charts behind;
- stops at the first failing notebook and names it and the failing cell;
- skips a notebook whose text, package code, parameters and the data files it read last time
  are all unchanged (and whose charts are still there), so a rebuild with nothing to do takes
  well under a second;
- writes ``figures/index.md`` and ``figures/index.html``, a gallery of every chart, and then
  the fact-check report through ``migrationdata.claims.write_reports``.

``output=DIR`` (``--output``) sends the charts to ``DIR/figures`` and the report to
``DIR/reports``. An ``as_of`` build shows the data as published by that date, so it never
writes into the committed ``figures/`` or ``reports/``: without ``output`` it goes to
``build/as-of-DATE/`` (git-ignored), and its gallery and report say at the top what they show.

The incremental state lives in ``.build-state/`` (git-ignored) whatever the output folder.
Heavy imports (nbclient, jupytext, pandas) happen only when a notebook actually has to run.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from migrationdata import paths
from migrationdata.errors import MigrationDataError

CHART_FILES = ("png", "svg", "csv", "json")
STATE_DIR = paths.REPO_DIR / ".build-state"
KERNEL_NAME = "migrationdata-build"
CELL_TIMEOUT = 600
#: where an as-of build goes when no output folder is given (git-ignored)
AS_OF_ROOT = paths.REPO_DIR / "build"
#: the folders committed to git, which only a build of today's data may write
COMMITTED = (paths.REPO_DIR / "figures", paths.REPO_DIR / "reports")


class BuildError(MigrationDataError):
    """A notebook failed; the message names it, the cell and the error."""


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


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError):
        return None


def library_versions() -> str:
    """The versions of the libraries that compute and draw: an upgrade redraws every chart."""
    from importlib import metadata

    out = []
    for lib in ("matplotlib", "pandas", "numpy", "pandera"):
        try:
            out.append(f"{lib}={metadata.version(lib)}")
        except metadata.PackageNotFoundError:  # pragma: no cover
            out.append(f"{lib}=missing")
    return ";".join(out)


def code_digest() -> str:
    """The whole package's code and style, and the library versions, in one hash."""
    h = hashlib.sha256(library_versions().encode())
    pkg = paths.PACKAGE_DIR
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".mplstyle") and "__pycache__" not in p.parts:
            h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _notebook_key(nb: Notebook, libraries: str, params: dict) -> str:
    # The package modules a notebook imports and the data it opens are recorded during the
    # run and checked separately, so an edit to an unrelated module reruns nothing.
    h = hashlib.sha256()
    for p in (nb.py, nb.ipynb):
        h.update((_sha(p) or "-").encode() if p else b"-")
    h.update(libraries.encode() + TRACE_CELL.encode() + MODULES_CELL.encode())
    h.update(json.dumps(params, sort_keys=True).encode())
    return h.hexdigest()


def _files_unchanged(recorded: dict[str, str | None]) -> bool:
    return all(_sha(Path(p)) == h for p, h in recorded.items())


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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


# ----------------------------------------------------------------------------- execution

# Runs first in every kernel: records, through Python's audit hooks, each data file the
# notebook opens for reading, however it opens it (loaders, pandas, plain open()).
TRACE_CELL = """\
def _migrationdata_trace(event, args, _roots={roots!r}, _log=open({log!r}, "a", encoding="utf-8"), _seen=set(),
                         _os=__import__("os")):
    if event != "open" or not isinstance(args[0], (str, _os.PathLike)):
        return
    mode = args[1] or "r"
    if "r" not in mode or any(c in mode for c in "wax+"):
        return
    path = _os.path.abspath(_os.fspath(args[0]))
    if path.startswith(_roots) and path not in _seen:
        _seen.add(path)
        _log.write(path + "\\n")
        _log.flush()
__import__("sys").addaudithook(_migrationdata_trace)
"""

# Runs last: the package modules the notebook used, so a change to one of them reruns it.
MODULES_CELL = """\
with open({log!r}, "a", encoding="utf-8") as _fh:
    for _m in list(__import__("sys").modules.values()):
        _f = getattr(_m, "__file__", None)
        if _f and str(getattr(_m, "__name__", "")).split(".")[0] == "migrationdata":
            _fh.write(__import__("os").path.abspath(_f) + "\\n")
"""


def _kernel_dir(state_dir: Path) -> Path:
    """A kernelspec that runs this very interpreter, so the notebooks see the same package
    and libraries as the runner whatever other kernels the machine has installed."""
    spec = state_dir / "kernels" / KERNEL_NAME / "kernel.json"
    want = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "migrationdata build",
        "language": "python",
    }
    if not spec.exists() or json.loads(spec.read_text(encoding="utf-8")) != want:
        spec.parent.mkdir(parents=True, exist_ok=True)
        spec.write_text(json.dumps(want, indent=1), encoding="utf-8")
    return spec.parent.parent


def _prepare(nb: Notebook, params: dict, trace_log: Path, data_root: Path):
    import jupytext
    import nbformat

    notebook = jupytext.read(nb.source)
    cells = notebook.cells
    user_index = {}  # position in the run -> (cell number as the reader counts, cell)
    for i, cell in enumerate(cells):
        user_index[id(cell)] = i + 1
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assigns = "\n".join(f"{k} = {v!r}" for k, v in params.items())
    injected = nbformat.v4.new_code_cell(
        "# Parameters injected by migrationdata build\n" + assigns,
        metadata={"tags": ["injected-parameters"]},
    )
    at = tagged[0] + 1 if tagged else 0
    cells.insert(at, injected)
    trace = nbformat.v4.new_code_cell(
        TRACE_CELL.format(
            roots=(str(data_root) + os.sep, str(paths.PACKAGE_DIR) + os.sep), log=str(trace_log)
        ),
        metadata={"tags": ["injected-trace"]},
    )
    cells.insert(0, trace)
    cells.append(
        nbformat.v4.new_code_cell(
            MODULES_CELL.format(log=str(trace_log)), metadata={"tags": ["injected-modules"]}
        )
    )
    return notebook, user_index


async def _run_one(nb: Notebook, params: dict, env: dict, state_dir: Path, trace_log: Path, data_root: Path):
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    notebook, user_index = _prepare(nb, params, trace_log, data_root)
    ksm = KernelSpecManager(kernel_dirs=[str(_kernel_dir(state_dir))], ensure_native_kernel=False)
    km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm)
    client = NotebookClient(
        notebook,
        km=km,
        timeout=CELL_TIMEOUT,
        kernel_name=KERNEL_NAME,
        # kernels running side by side must not share IPython's on-disk history database
        extra_arguments=["--HistoryManager.hist_file=:memory:"],
        resources={"metadata": {"path": str(nb.source.parent)}},
    )
    executed = state_dir / "executed" / f"{nb.name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    failure = None
    # the kernel's own chatter (transport warnings) goes to a log, not the reporter's terminal
    kernel_log = open(trace_log.with_name("kernel.log"), "w", encoding="utf-8")  # noqa: SIM115
    try:
        async with client.async_setup_kernel(
            env=env, cwd=str(nb.source.parent), stderr=kernel_log, stdout=kernel_log
        ):
            for index, cell in enumerate(notebook.cells):
                try:
                    await client.async_execute_cell(
                        cell, index, execution_count=client.code_cells_executed + 1
                    )
                except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
                    failure = (cell, exc)
                    break
    finally:
        kernel_log.close()
        import nbformat

        nbformat.write(notebook, executed)
    if failure:
        cell, exc = failure
        number = user_index.get(id(cell))
        first = next((ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
        where = f"cell {number}" if number else "an injected cell"
        what = (
            f"{exc.ename}: {exc.evalue}"
            if isinstance(exc, CellExecutionError)
            else f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        )
        raise BuildError(
            f"notebook {nb.source.relative_to(paths.REPO_DIR) if nb.source.is_relative_to(paths.REPO_DIR) else nb.source} "
            f"failed in {where} (`{first.strip()[:70]}`): {what}\n"
            f"The charts already in the figures folder are unchanged. The partly run notebook, with "
            f"its full traceback, is in {executed}; fix the cell and run `migrationdata build --only "
            f"{nb.name}`."
        )


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


def _commit_charts(staging: Path, figures: Path, nb: Notebook, log: Path) -> list[str]:
    """Copy a successful notebook's charts into the figures folder (only files whose bytes
    changed) and remove the charts it used to make but no longer does."""
    order = []
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            slug = json.loads(line)["slug"]
            if slug not in order:
                order.append(slug)
    made = sorted(p.stem for p in staging.glob("*.json"))
    order += [s for s in made if s not in order]
    figures.mkdir(parents=True, exist_ok=True)
    for slug in order:
        for name in _chart_files(staging, slug):
            src, dst = staging / name, figures / name
            if src.exists() and (not dst.exists() or dst.read_bytes() != src.read_bytes()):
                shutil.copyfile(src, dst)
    notebook_ref = f"notebooks/{nb.name}.ipynb"
    for side in figures.glob("*.json"):
        if side.stem in order:
            continue
        try:
            meta = json.loads(side.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(meta, dict) and meta.get("notebook") == notebook_ref:
            for name in _chart_files(figures, side.stem):
                (figures / name).unlink(missing_ok=True)
    return order


def _outputs(figures: Path, slugs: list[str]) -> dict[str, str | None]:
    return {str(figures / n): _sha(figures / n) for s in slugs for n in _chart_files(figures, s)}


async def _run_all(todo, params_for, env_for, state_dir, data_root, jobs, on_start, on_done):
    import asyncio

    sem = asyncio.Semaphore(jobs)

    async def one(nb):
        async with sem:
            on_start(nb)
            t0 = time.perf_counter()
            trace_log, staging = env_for(nb)
            await _run_one(
                nb, params_for(nb), _kernel_env(nb, trace_log, staging), state_dir, trace_log, data_root
            )
            on_done(nb, time.perf_counter() - t0)

    tasks = {asyncio.ensure_future(one(nb)): nb for nb in todo}
    pending = set(tasks)
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                if task.exception() is not None:
                    for other in pending:
                        other.cancel()
                    await asyncio.gather(*pending, return_exceptions=True)
                    raise task.exception()
    finally:
        for task in pending:
            task.cancel()


def _kernel_env(nb: Notebook, trace_log: Path, staging: Path) -> dict:
    env = dict(os.environ)
    env.update(
        MIGRATIONDATA_BUILD_LOG=str(staging / ".charts.log"),
        MIGRATIONDATA_FIGURES=str(staging),
        MPLBACKEND="agg",  # no inline images: the executed copies are for debugging only
        PYTHONHASHSEED="0",
        JPY_SESSION_NAME=str(nb.source),
    )
    return env


# ----------------------------------------------------------------------------- build


def default_jobs() -> int:
    """Twice the cores: a kernel spends part of its run starting up and waiting on files, so
    on two cores four notebooks at once finish sooner than two (measured by
    ``benchmarks/bench_build.py``)."""
    return 2 * (os.cpu_count() or 1)


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
) -> BuildReport:
    """Run the notebooks that need it, then write the gallery and the fact-check report.

    ``output`` is a folder for both (``output/figures``, ``output/reports``); ``figures`` alone
    moves only the charts. With ``as_of`` and neither, the build goes to
    ``build/as-of-DATE/``; an as-of build aimed at the committed folders is refused.

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
    state_dir = (state_dir or STATE_DIR).resolve()
    data_root = paths.data_dir().resolve()
    all_nbs = discover(notebooks)
    chosen = select(all_nbs, only)
    state_file = _state_path(state_dir, figures)
    state = _load_state(state_file)
    entries = state.setdefault("notebooks", {})
    libraries = library_versions()
    params = {"as_of": as_of, "output": str(figures)}

    outcomes: dict[str, Outcome] = {}
    todo = []
    for nb in chosen:
        key = _notebook_key(nb, libraries, params)
        entry = entries.get(nb.name)
        fresh = (
            not force
            and entry is not None
            and entry.get("key") == key
            and _files_unchanged(entry.get("reads", {}))
            and _files_unchanged(entry.get("outputs", {}))
        )
        if fresh:
            outcomes[nb.name] = Outcome(nb.name, "skipped", charts=list(entry.get("charts", [])))
        else:
            todo.append((nb, key))

    n = len(chosen)
    for i, nb in enumerate(chosen, 1):
        if outcomes.get(nb.name, Outcome("", "")).status == "skipped":
            say(f"[{i}/{n}] {nb.name}: up to date, skipped")

    if todo:
        jobs = max(1, jobs or default_jobs())
        work = state_dir / "work" / hashlib.sha256(str(figures).encode()).hexdigest()[:12]
        shutil.rmtree(work, ignore_errors=True)
        position = {nb.name: i for i, nb in enumerate(chosen, 1)}
        keys = dict((nb.name, key) for nb, key in todo)
        dirs = {}

        def env_for(nb):
            staging = work / nb.name / "figures"
            staging.mkdir(parents=True, exist_ok=True)
            trace = work / nb.name / "reads.txt"
            trace.write_text("", encoding="utf-8")
            dirs[nb.name] = (trace, staging)
            return trace, staging

        def params_for(nb):
            return {"as_of": as_of, "output": str(dirs[nb.name][1])}

        def on_start(nb):
            say(f"[{position[nb.name]}/{n}] {nb.name}: running ...")

        def on_done(nb, seconds):
            trace, staging = dirs[nb.name]
            slugs = _commit_charts(staging, figures, nb, staging / ".charts.log")
            # compiled caches stand for their .py files, which the modules cell lists
            lines = trace.read_text(encoding="utf-8").splitlines()
            reads = sorted({ln for ln in lines if ln and "__pycache__" not in ln})
            entries[nb.name] = {
                "key": keys[nb.name],
                "reads": {p: _sha(Path(p)) for p in reads},
                "charts": slugs,
                "outputs": _outputs(figures, slugs),
            }
            _save_state(state_file, state)  # a later failure keeps this notebook's success
            outcomes[nb.name] = Outcome(nb.name, "ran", seconds, slugs)
            say(f"[{position[nb.name]}/{n}] {nb.name}: done in {seconds:.1f}s, {len(slugs)} chart(s)")

        import asyncio

        try:
            asyncio.run(
                _run_all(
                    [nb for nb, _ in todo], params_for, env_for, state_dir, data_root, jobs, on_start, on_done
                )
            )
        except BuildError:
            _save_state(state_file, state)
            raise
        shutil.rmtree(work, ignore_errors=True)

    _save_state(state_file, state)
    report_status = "not asked"
    try:
        if reports:
            report_status = _write_reports(as_of, state, state_file, force, say, reports_out, figures)
    finally:
        # after the report, so a first build's gallery already links it; written even if the
        # report failed, since the charts are good
        gallery = write_gallery(figures, state, as_of=as_of, reports=reports_out)
        say(f"gallery: {_shown(gallery)}")
    ordered = [outcomes[nb.name] for nb in chosen]
    return BuildReport(
        ordered,
        gallery,
        report_status,
        time.perf_counter() - t_start,
        figures=figures,
        reports_folder=reports_out,
        output=output,
    )


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
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise BuildError(f"--as-of wants a date as YYYY-MM-DD (e.g. 2023-12-27); got {text!r}.") from None


def _write_reports(as_of, state, state_file, force, say, out: Path, figures: Path) -> str:
    """The fact-check report (:func:`migrationdata.claims.write_reports`); skipped when the
    code, the data, the as-of date and the folders are what they were at its last run."""
    import datetime as dt

    from migrationdata import claims

    data = paths.data_dir()
    h = hashlib.sha256(code_digest().encode() + json.dumps(as_of).encode())
    for p in sorted(data.rglob("*")):
        if p.is_file() and "raw" not in p.relative_to(data).parts:
            h.update(p.relative_to(data).as_posix().encode() + b"\0" + (_sha(p) or "").encode())
    # every story ledger (stories/<slug>/story.yaml, text.txt) is an input too
    stories = claims.stories_dir()
    for p in sorted(stories.rglob("*")) if stories.exists() else ():
        if p.is_file():
            h.update(p.relative_to(stories).as_posix().encode() + b"\0" + (_sha(p) or "").encode())
    # the report links the charts that exist in ``figures``
    h.update(str(out).encode() + b"\0" + str(figures).encode())
    h.update(" ".join(sorted(p.name for p in figures.glob("*.png"))).encode())
    key = h.hexdigest()
    previous = state.get("reports", {})
    if not force and previous.get("key") == key and _files_unchanged(previous.get("outputs", {})):
        say("fact-check report: up to date, skipped")
        return "skipped"
    say("fact-check report: writing ...")
    try:
        claims.write_reports(
            folder=out, as_of=dt.date.fromisoformat(as_of) if as_of else None, figures=figures
        )
    except MigrationDataError as exc:
        raise BuildError(f"the charts are built, but the fact-check report failed: {exc}") from exc
    outputs = {str(p): _sha(p) for p in sorted(out.rglob("*")) if p.is_file()} if out.exists() else {}
    state["reports"] = {"key": key, "outputs": outputs}
    _save_state(state_file, state)
    say(f"fact-check report: written to {_shown(out)}")
    return "written"


# ----------------------------------------------------------------------------- gallery


def _sidecars(figures: Path, state: dict) -> list[dict]:
    order = {}
    for entry in state.get("notebooks", {}).values():
        for i, slug in enumerate(entry.get("charts", [])):
            order[slug] = i
    metas = []
    for side in figures.glob("*.json"):
        try:
            meta = json.loads(side.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(meta, dict) and meta.get("slug") == side.stem and "alt_text" in meta:
            metas.append(meta)
    metas.sort(key=lambda m: (m.get("notebook") or "~", order.get(m["slug"], 999), m["slug"]))
    return metas


def _long_date(text: str) -> str:
    import datetime as dt

    d = dt.date.fromisoformat(text)
    return f"{d.day} {d:%B %Y}"


def as_of_notice(as_of: str) -> tuple[str, str]:
    """What an as-of gallery says first (a headline, then the detail): these charts are not
    today's data."""
    day = _long_date(as_of)
    return (
        f"As of {day}: these charts show the data as published by that date, not as they stand today.",
        f"Each source is cut to the months its publisher had released by {day} (today's revised "
        "values for those months); a chart about a month not yet published is left out, and the "
        "closures timeline shows only what had been reported by then. Today's charts are in the "
        "repository's figures/ folder.",
    )


def gallery_markdown(
    metas: list[dict], report: str | None = None, as_of: str | None = None, repo: str = ".."
) -> str:
    """The gallery as Markdown. ``repo`` is the repository's root relative to the gallery,
    for the links to the notebooks."""
    command = f"migrationdata build --as-of {as_of}" if as_of else "migrationdata build"
    lines = [f"# Charts as of {_long_date(as_of)}" if as_of else "# Charts", ""]
    if as_of:
        head, detail = as_of_notice(as_of)
        lines += [f"> **{head}** {detail}", ""]
    lines += [
        f"Every chart the notebooks draw, generated by `{command}` (do not edit by hand).",
        "Each has a PNG for the web (2x), an SVG with live text, the plotted data as CSV for",
        "Datawrapper, and a JSON sidecar with its alt text, source and input checksums.",
        "",
    ]
    if report:
        lines += [f"The stories' claims, checked against these data: [fact-check reports]({report}.md).", ""]
    notebook = None
    for m in metas:
        if m.get("notebook") != notebook:
            notebook = m.get("notebook")
            name = Path(notebook).stem if notebook else "other charts"
            lines += [f"## {name}", ""]
            if notebook:
                lines += [
                    f"Notebook: [`{notebook}`]({repo}/{notebook}) (reviewed as [`.py`]({repo}/{notebook[:-6]}.py))",
                    "",
                ]
        s = m["slug"]
        lines += [
            f"### {m['title']}",
            "",
            f"![{_md_escape(m['alt_text'])}]({s}.png)",
            "",
            f"*{m['subtitle']}*",
            "",
            f"- **Alt text:** {m['alt_text']}",
            f"- **Source:** {_strip_label(m['source'])}",
        ]
        for note in m.get("notes", []):
            lines.append(f"- **Note:** {note}")
        lines += [
            f"- **Files:** [PNG]({s}.png) · [SVG]({s}.svg) · [CSV]({s}.csv) · [JSON]({s}.json) · slug `{s}`",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _strip_label(source: str) -> str:
    return source.split(": ", 1)[1] if source.startswith(("Source: ", "Sources: ")) else source


def _md_escape(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")


GALLERY_CSS = """
:root { --ink: #222; --muted: #555; --rule: #ddd; --accent: #D55E00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #fafafa; }
header { padding: 24px 28px 8px; max-width: 1800px; margin: 0 auto; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: var(--muted); max-width: 70ch; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h2 a { color: inherit; }
main { padding: 0 28px 40px; max-width: 1800px; margin: 0 auto; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 20px; }
figure { margin: 0; background: #fff; border: 1px solid var(--rule); border-radius: 6px; padding: 12px;
         display: flex; flex-direction: column; }
figure img { width: 100%; height: auto; display: block; border: 1px solid #eee; background: #fff; }
figure img.broken { outline: 3px solid var(--accent); min-height: 80px; }
figcaption { margin-top: 10px; font-size: 14px; }
figcaption h3 { font-size: 16px; margin: 0 0 2px; }
figcaption .sub { color: var(--muted); margin: 0 0 8px; }
dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; }
dt { font-weight: 600; color: var(--muted); }
dd { margin: 0; }
.files a { margin-right: 10px; }
code { font-size: 13px; background: #f1f1f1; padding: 0 3px; border-radius: 3px; }
.as-of { margin: 12px 0 4px; padding: 10px 14px; max-width: 90ch; background: #fff4e5;
         border-left: 6px solid var(--accent); color: var(--ink); }
"""

# Flags images that failed to load (a stale link after a slug changed) so they stand out, and
# records the count on the page for the headless-browser test.
GALLERY_JS = """
window.addEventListener("load", function () {
  var broken = 0;
  document.querySelectorAll("figure img").forEach(function (img) {
    if (!img.complete || img.naturalWidth === 0) { img.classList.add("broken"); broken += 1; }
  });
  document.body.setAttribute("data-broken-images", String(broken));
  document.body.setAttribute("data-images", String(document.querySelectorAll("figure img").length));
});
"""


def gallery_html(
    metas: list[dict], report: str | None = None, as_of: str | None = None, repo: str = ".."
) -> str:
    e = html.escape
    heading = f"Charts as of {_long_date(as_of)}" if as_of else "Charts"
    command = f"migrationdata build --as-of {as_of}" if as_of else "migrationdata build"
    notice = ""
    if as_of:
        head, detail = as_of_notice(as_of)
        notice = f'<p class="as-of" role="note"><strong>{e(head)}</strong> {e(detail)}</p>'
    parts = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>migrationdata: {e(heading[0].lower() + heading[1:])}</title>",
        f"<style>{GALLERY_CSS}</style>",
        f"<script>{GALLERY_JS}</script>",
        "</head>",
        "<body>",
        f"<header><h1>{e(heading)}</h1>{notice}",
        f"<p>Every chart the notebooks draw, generated by <code>{e(command)}</code>. Each has a PNG "
        "for the web (2x), an SVG with live text, the plotted data as CSV for Datawrapper and a JSON "
        f"sidecar with its alt text, source and input checksums. {len(metas)} charts."
        + (
            f' The stories\' claims, checked: <a href="{e(report)}.html">fact-check reports</a>.'
            if report
            else ""
        )
        + "</p></header>",
        "<main>",
    ]
    groups: dict[str | None, list[dict]] = {}
    for m in metas:
        groups.setdefault(m.get("notebook"), []).append(m)
    for notebook, items in groups.items():
        name = Path(notebook).stem if notebook else "other charts"
        title = f'<a href="{e(repo)}/{e(notebook)}">{e(name)}</a>' if notebook else e(name)
        parts += [f'<section id="{e(name)}">', f"<h2>{title}</h2>", '<div class="grid">']
        for m in items:
            s = e(m["slug"])
            size = m.get("size", {})
            w, h = size.get("width", 850), size.get("height", 638)
            notes = "".join(f"<dt>Note</dt><dd>{e(n)}</dd>" for n in m.get("notes", []))
            parts.append(
                f'<figure id="{s}">'
                f'<a href="{s}.png"><img src="{s}.png" alt="{e(m["alt_text"])}" width="{w}" height="{h}" '
                f'loading="lazy"></a>'
                f"<figcaption><h3>{e(m['title'])}</h3>"
                f'<p class="sub">{e(m["subtitle"])}</p>'
                f"<dl><dt>Alt text</dt><dd>{e(m['alt_text'])}</dd>"
                f"<dt>Source</dt><dd>{e(_strip_label(m['source']))}</dd>{notes}"
                f'<dt>Files</dt><dd class="files"><a href="{s}.png">PNG</a><a href="{s}.svg">SVG</a>'
                f'<a href="{s}.csv">CSV</a><a href="{s}.json">JSON</a>{_mobile_link(m)} <code>{s}</code></dd></dl>'
                "</figcaption></figure>"
            )
        parts += ["</div>", "</section>"]
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _mobile_link(meta: dict) -> str:
    mobile = meta.get("files", {}).get("mobile_png")
    return f'<a href="{html.escape(mobile)}">mobile PNG</a>' if mobile else ""


def write_gallery(
    figures: Path, state: dict | None = None, as_of: str | None = None, reports: Path | None = None
) -> Path:
    """``index.md`` (rendered by the repository host) and ``index.html`` (open in a browser).

    ``as_of`` puts a notice at the top: the charts show the data as published by that date.
    ``reports`` is the fact-check report's folder, linked when it sits beside ``figures``."""
    figures.mkdir(parents=True, exist_ok=True)
    metas = _sidecars(figures, state or {})
    report = None
    reports = reports or paths.reports_dir()
    if (reports / "index.html").exists() and figures.parent == reports.parent:
        report = f"../{reports.name}/index"  # links only where the two folders sit side by side
    # Notebook links climb to the repository from wherever the gallery is (figures/ or
    # build/as-of-DATE/figures/); a folder outside the repository is linked as if it sat
    # beside notebooks/, as figures/ does.
    root = paths.REPO_DIR.resolve()
    where = figures.resolve()
    repo = Path(os.path.relpath(root, where)).as_posix() if where.is_relative_to(root) else ".."
    for name, text in (
        ("index.md", gallery_markdown(metas, report, as_of, repo)),
        ("index.html", gallery_html(metas, report, as_of, repo)),
    ):
        path = figures / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return figures / "index.html"


# ----------------------------------------------------------------------------- CLI


def run_cli(args) -> int:
    output = getattr(args, "output", None)
    try:
        report = build(
            jobs=args.jobs,
            only=args.only,
            as_of=args.as_of,
            force=args.force,
            output=Path(output) if output else None,
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
        where += f", showing the data as published by {_long_date(args.as_of)}"
    print(
        f"built {ran} notebook(s), {skipped} up to date; {charts} chart(s); "
        f"fact-check report {report.reports}; {report.seconds:.1f}s; {where}",
        file=sys.stderr,
    )
    return 0
