"""Running notebooks: each from a clean state, with the heavy imports paid once.

The build hands this module *jobs*: a notebook's code cells in order (the parameters already
injected after the cell tagged ``parameters``), the folder to run in, environment variables,
and where to write the outcome. Two ways to run them:

- **forked** (the default): :class:`ForkServer` starts one server process
  (``python -m migrationdata.runner``) that imports pandas, matplotlib and the other heavy
  libraries once, then forks a fresh child for each job. A child starts from that state and
  nothing else (no other notebook ran in it, no data is loaded, no project module imported),
  runs the cells in order in a fresh namespace, as a kernel would (the value of a cell's last
  expression is shown, ``display()`` works), and writes what each cell printed, the error and
  the traceback, to a result file. Several children run at once.
- **in a Jupyter kernel** (``migrationdata build --kernel``): :func:`run_in_kernel`, one
  ipykernel per notebook through nbclient, exactly as ``jupyter nbconvert --execute`` would.

Either way the data files a notebook opens (through Python's audit hooks) and the package
modules it used are written to its trace log, so the build knows when to run it again.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import json
import linecache
import os
import selectors
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: imported once by the server, before it forks; third-party only, so that the package modules
#: a notebook records are the ones it imported itself
PRELOAD = (
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "PIL.Image",
    "PIL.PngImagePlugin",
    "yaml",
)
CELL_TIMEOUT = 600
KERNEL_NAME = "migrationdata-build"


@dataclass
class Job:
    """One notebook (or the fact-check report) to run.

    ``cells`` are ``{"number": n, "source": text}`` in order; ``number`` is the cell's place
    in the notebook as a reader counts it (markdown included), None for a cell the build
    injected. ``result`` is the JSON file the outcome goes to, ``log`` the file that takes
    anything written straight to the process's stdout and stderr."""

    id: str
    cells: list[dict]
    cwd: str
    env: dict[str, str]
    result: str
    log: str
    trace_log: str | None = None
    roots: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- reading notebooks


def read_cells(source: Path, cache: Path) -> dict:
    """A notebook's cells and metadata as a plain dict (nbformat v4 shape), read by jupytext.

    Parsed once per content: the result is kept in ``cache`` under the hash of the file's
    bytes and jupytext's version, so a rebuild of unchanged notebooks does not import jupytext.
    """
    from importlib import metadata

    data = source.read_bytes()
    version = metadata.version("jupytext")
    key = hashlib.sha256(data + b"\0" + version.encode() + b"\0" + source.suffix.encode()).hexdigest()
    path = cache / f"{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        pass
    import jupytext

    notebook = jupytext.reads(data.decode("utf-8"), fmt=source.suffix[1:])
    doc = {
        "metadata": dict(notebook.metadata),
        "cells": [
            {"cell_type": c.cell_type, "source": c.source, "metadata": dict(c.get("metadata", {}))}
            for c in notebook.cells
        ],
    }
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.replace(tmp, path)
    return doc


def code_cells(doc: dict, params: dict) -> list[dict]:
    """The cells a job runs: the code cells in order, and after the one tagged ``parameters``
    (or first, when none is) a cell setting the build's parameters, as papermill does."""
    assigns = "\n".join(f"{k} = {v!r}" for k, v in params.items())
    injected = {"number": None, "source": "# Parameters injected by migrationdata build\n" + assigns}
    cells: list[dict] = []
    tagged = False
    for number, cell in enumerate(doc["cells"], 1):
        if cell["cell_type"] != "code":
            continue
        cells.append({"number": number, "source": cell["source"]})
        if not tagged and "parameters" in cell.get("metadata", {}).get("tags", []):
            cells.append(injected)
            tagged = True
    return cells if tagged else [injected, *cells]


def executed_notebook(doc: dict, result: dict) -> dict:
    """The notebook as run, with each cell's outputs: what a reader opens to debug a failure."""
    outputs = result.get("outputs", {})
    cells = []
    for number, cell in enumerate(doc["cells"], 1):
        item = {
            "id": f"cell-{number}",
            "cell_type": cell["cell_type"],
            "metadata": cell.get("metadata", {}),
            "source": cell["source"],
        }
        if cell["cell_type"] == "code":
            item["outputs"] = outputs.get(str(number), [])
            item["execution_count"] = None
        cells.append(item)
    return {"cells": cells, "metadata": doc.get("metadata", {}), "nbformat": 4, "nbformat_minor": 5}


# ----------------------------------------------------------------------------- the fork server


class RunnerError(Exception):
    """The server process stopped without reporting (its log says why)."""


class ForkServer:
    """The parent's handle on the server: :meth:`submit` a job, :meth:`wait` for one to end.

    The server and its children share a process group of their own, so :meth:`close` stops
    every notebook still running at once, whatever it is doing."""

    def __init__(self, log: Path, preload: tuple[str, ...] = PRELOAD, env: dict[str, str] | None = None):
        env = dict(os.environ if env is None else env)
        # as the kernels had: no window, and the same hashing in every run
        env.update(MPLBACKEND="agg", PYTHONHASHSEED="0")
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log
        with open(log, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "migrationdata.runner", *preload],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                env=env,
                start_new_session=True,
            )

    def submit(self, job: Job) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(asdict(job)).encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise RunnerError(self._died()) from None

    def wait(self) -> tuple[str, int]:
        """The next job to end: its id and exit code (0 when its result file says how it went)."""
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RunnerError(self._died())
            event = json.loads(line)
            if "exit" in event:
                return event["exit"], event["code"]

    def _died(self) -> str:
        code = self.proc.wait()
        tail = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        return f"the notebook runner stopped (exit code {code}): " + (" | ".join(tail) or "no message")

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _serve(preload: list[str]) -> None:
    """The server's loop: read jobs on stdin, fork a child for each, report each child's end."""
    import importlib

    for name in preload:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    if "PIL.Image" in sys.modules:
        sys.modules["PIL.Image"].preinit()  # the image plugins, imported at the first save
    import gc

    # what the server holds is shared with every child; frozen, the children's garbage
    # collections leave it alone instead of copying the pages they would touch
    gc.collect()
    gc.freeze()

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    stdin = sys.stdin.buffer.fileno()
    sel = selectors.DefaultSelector()
    sel.register(stdin, selectors.EVENT_READ)
    sel.register(wake_r, selectors.EVENT_READ)
    out = sys.stdout.buffer

    def send(event: dict) -> None:
        out.write(json.dumps(event).encode() + b"\n")
        out.flush()

    send({"ready": os.getpid()})
    running: dict[int, str] = {}
    pending = b""
    open_input = True
    while open_input or running:
        for key, _ in sel.select():
            if key.fd == wake_r:
                with contextlib.suppress(BlockingIOError):
                    while os.read(wake_r, 512):
                        pass
                continue
            chunk = os.read(stdin, 1 << 16)
            if not chunk:
                open_input = False
                sel.unregister(stdin)
                continue
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if not line.strip():
                    continue
                job = Job(**json.loads(line))
                pid = os.fork()
                if pid == 0:
                    sel.close()
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    os.close(wake_r)
                    os.close(wake_w)
                    os._exit(_child(job))
                running[pid] = job.id
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            send({"exit": running.pop(pid), "code": os.waitstatus_to_exitcode(status)})


# ----------------------------------------------------------------------------- one child


class CellTimeout(Exception):
    pass


def _child(job: Job) -> int:
    """Run one job in this (forked) process; returns the exit code. Never raises."""
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        log = os.open(job.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.chdir(job.cwd)
        os.environ.update(job.env)
        if job.trace_log:
            _trace_reads(job.roots, job.trace_log)
        result = _run_cells(job)
        if job.trace_log:
            _record_modules(job.trace_log)
        code = 0
    except BaseException as exc:  # noqa: BLE001 - the parent must hear of anything
        result = {"status": "failed", "cell": None, "ename": type(exc).__name__, "evalue": str(exc)}
        result["traceback"] = traceback.format_exc()
        code = 1
    try:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        tmp = job.result + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(result, fh)
        os.replace(tmp, job.result)
    except BaseException:  # noqa: BLE001
        return 2
    return code


def _trace_reads(roots: list[str], log_path: str) -> None:
    """Log each file under ``roots`` the job opens for reading, however it opens it."""
    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - open for the process's life
    prefixes = tuple(roots)
    seen: set[str] = set()

    def hook(event: str, args: tuple) -> None:
        if event != "open" or not isinstance(args[0], (str, os.PathLike)):
            return
        mode = args[1] or "r"
        if "r" not in mode or any(c in mode for c in "wax+"):
            return
        path = os.path.abspath(os.fspath(args[0]))
        if path.startswith(prefixes) and path not in seen:
            seen.add(path)
            log.write(path + "\n")
            log.flush()

    sys.addaudithook(hook)


def _record_modules(log_path: str) -> None:
    """The package modules the job used, so that a change to one of them runs it again."""
    with open(log_path, "a", encoding="utf-8") as fh:
        for module in list(sys.modules.values()):
            name = str(getattr(module, "__name__", ""))
            file = getattr(module, "__file__", None)
            if file and name.split(".")[0] == "migrationdata":
                fh.write(os.path.abspath(file) + "\n")


def _timeout(*_):
    raise CellTimeout(f"the cell ran longer than {CELL_TIMEOUT} s")


def _run_cells(job: Job) -> dict:
    """Run the cells in order in one fresh namespace; stop at the first error."""
    namespace: dict = {"__name__": "__main__", "__builtins__": __builtins__}
    outputs: dict[str, list[dict]] = {}
    signal.signal(signal.SIGALRM, _timeout)
    t0 = time.perf_counter()
    for index, cell in enumerate(job.cells):
        number = cell["number"]
        cell_outputs = outputs.setdefault(str(number), []) if number is not None else []
        namespace["display"] = lambda *objs, _out=cell_outputs: _display(_out, objs)
        stdout, stderr = io.StringIO(), io.StringIO()
        filename = f"<{job.id} cell {number if number is not None else f'injected {index}'}>"
        source = cell["source"]
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        signal.alarm(CELL_TIMEOUT)
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                _exec_cell(source, filename, namespace, cell_outputs)
        except BaseException as exc:  # noqa: BLE001 - a notebook's error is its result
            signal.alarm(0)
            _streams(cell_outputs, stdout, stderr)
            tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
            # the frames of this runner are not the notebook's
            tb = [tb[0]] + [t for t in tb[1:] if __file__ not in t]
            cell_outputs.append(
                {
                    "output_type": "error",
                    "ename": type(exc).__name__,
                    "evalue": str(exc),
                    "traceback": "".join(tb).splitlines(),
                }
            )
            return {
                "status": "failed",
                "cell": number,
                "source": source,
                "ename": type(exc).__name__,
                "evalue": str(exc),
                "traceback": "".join(tb),
                "outputs": outputs,
                "seconds": time.perf_counter() - t0,
            }
        signal.alarm(0)
        _streams(cell_outputs, stdout, stderr)
    return {"status": "ok", "outputs": outputs, "seconds": time.perf_counter() - t0}


def _exec_cell(source: str, filename: str, namespace: dict, outputs: list) -> None:
    """As IPython does: run the statements, then show the value of a last bare expression."""
    tree = ast.parse(source, filename)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 - running the notebook is the point
    if last is not None:
        # the value of the last bare expression, bound to a name the notebook cannot use
        shown = ast.Module(
            body=[ast.Assign(targets=[ast.Name("__migrationdata_shown__", ast.Store())], value=last.value)],
            type_ignores=[],
        )
        exec(compile(ast.fix_missing_locations(shown), filename, "exec"), namespace)  # noqa: S102
        value = namespace.pop("__migrationdata_shown__", None)
        if value is not None:
            outputs.append(
                {"output_type": "execute_result", "data": {"text/plain": repr(value)}, "metadata": {}}
            )


def _display(outputs: list, objs: tuple) -> None:
    for obj in objs:
        outputs.append({"output_type": "display_data", "data": {"text/plain": repr(obj)}, "metadata": {}})


def _streams(outputs: list, stdout: io.StringIO, stderr: io.StringIO) -> None:
    for name, buf in (("stdout", stdout), ("stderr", stderr)):
        if buf.getvalue():
            outputs.append({"output_type": "stream", "name": name, "text": buf.getvalue()})


# ----------------------------------------------------------------------------- in a Jupyter kernel

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


async def run_in_kernel(job: Job, state_dir: Path) -> None:
    """Run a job's cells in a fresh ipykernel through nbclient; the outcome goes to
    ``job.result`` in the same shape as a forked child's."""
    import nbformat
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    new = nbformat.v4.new_code_cell
    cells = [new(c["source"]) for c in job.cells]
    numbers = [c["number"] for c in job.cells]
    if job.trace_log:
        cells.insert(0, new(TRACE_CELL.format(roots=tuple(job.roots), log=job.trace_log)))
        cells.append(new(MODULES_CELL.format(log=job.trace_log)))
        numbers = [None, *numbers, None]
    notebook = nbformat.v4.new_notebook(cells=cells)
    ksm = KernelSpecManager(kernel_dirs=[str(_kernel_dir(state_dir))], ensure_native_kernel=False)
    km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm)
    client = NotebookClient(
        notebook,
        km=km,
        timeout=CELL_TIMEOUT,
        kernel_name=KERNEL_NAME,
        # kernels running side by side must not share IPython's on-disk history database
        extra_arguments=["--HistoryManager.hist_file=:memory:"],
        resources={"metadata": {"path": job.cwd}},
    )
    env = dict(os.environ, **job.env, MPLBACKEND="agg", PYTHONHASHSEED="0")
    failure: dict = {}
    # the kernel's own chatter (transport warnings) goes to a log, not the reporter's terminal
    with open(job.log, "w", encoding="utf-8") as log:
        async with client.async_setup_kernel(env=env, cwd=job.cwd, stderr=log, stdout=log):
            for index, cell in enumerate(notebook.cells):
                try:
                    await client.async_execute_cell(cell, index, execution_count=index + 1)
                except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
                    ename, evalue = (
                        (exc.ename, exc.evalue)
                        if isinstance(exc, CellExecutionError)
                        else (type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
                    )
                    failure = {
                        "cell": numbers[index],
                        "source": cell.source,
                        "ename": ename,
                        "evalue": evalue,
                    }
                    failure["traceback"] = str(exc)
                    break
    outputs: dict[str, list] = {}
    for number, cell in zip(numbers, notebook.cells, strict=True):
        if number is not None:
            outputs.setdefault(str(number), []).extend(json.loads(json.dumps(cell.outputs)))
    result = {"status": "failed" if failure else "ok", "outputs": outputs, **failure}
    Path(job.result).write_text(json.dumps(result), encoding="utf-8")


# ----------------------------------------------------------------------------- scheduling


def read_result(job: Job, code: int) -> dict:
    """A job's outcome, from its result file (or, when the process died first, its exit)."""
    try:
        return json.loads(Path(job.result).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        return {
            "status": "failed",
            "cell": None,
            "ename": "ProcessDied",
            "evalue": f"the process stopped ({how})",
        }


def run_forked(server: ForkServer, jobs: list[Job], slots: int, on_start, on_done) -> None:
    """Keep ``slots`` jobs running on the server, in the order given, until all have ended.
    ``on_done(job, exit_code)`` may raise to stop: the caller then closes the server."""
    pending, running = list(jobs), {}
    while pending or running:
        while pending and len(running) < slots:
            job = pending.pop(0)
            on_start(job)
            server.submit(job)
            running[job.id] = job
        ended, code = server.wait()
        on_done(running.pop(ended), code)


def wait_for(server: ForkServer, job_id: str) -> int:
    """Wait for one job to end; its exit code."""
    while True:
        ended, code = server.wait()
        if ended == job_id:
            return code


def run_in_kernels(jobs: list[Job], slots: int, state_dir: Path, on_start, on_done) -> None:
    """As :func:`run_forked`, each job in a Jupyter kernel of its own."""
    import asyncio

    async def main() -> None:
        sem = asyncio.Semaphore(slots)

        async def one(job: Job) -> None:
            async with sem:
                on_start(job)
                await run_in_kernel(job, state_dir)
                on_done(job, 0)

        tasks = [asyncio.ensure_future(one(job)) for job in jobs]
        try:
            pending = set(tasks)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
                for task in done:
                    if task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())


if __name__ == "__main__":
    _serve(sys.argv[1:])
