"""Fixtures for the fault-injection suite.

- ``servers``: loopback HTTP and HTTPS servers serving the mirror, each able to misbehave;
- ``good_data``: one clean fetch per source from the mirror folder (the "last good data");
- ``harness``: seeds a temporary data folder, injects one fault, runs ``migrationdata fetch``
  in-process and checks the outcome, recording it in the ledger;
- the ledger becomes ``docs/reliability.md`` at the end of a run that covered every scenario.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import faultserver as fs
import pytest
import scenarios as sc
from reliability_common import FAST, Row, load_source, snapshot

from migrationdata.fetch.journal import PROCESSED_STATE
from migrationdata.paths import REPO_DIR

DOC = REPO_DIR / "docs" / "reliability.md"


@pytest.fixture(autouse=True)
def fast_network(monkeypatch):
    for k, v in FAST.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("MIGRATIONDATA_MIRROR", raising=False)


# ----------------------------------------------------------------------------- servers


@dataclass
class Servers:
    http: fs.RunningServer
    https: fs.RunningServer | None
    cert: Path | None

    def reset(self) -> None:
        self.http.server.reset()
        if self.https:
            self.https.server.reset()


#: the publisher's files the fault suite serves cut down to the rows their parser keeps, where
#: a scenario's fault does not depend on the file's size: (folder, file) -> what each kept
#: line holds (the header is always kept)
TRIMMED = {
    # BTS's export is 46 MB, four-fifths of it the US-Canada border, which the parser leaves
    # out; one month of those rows stays, so that the border filter still has rows to drop
    ("bts", "Border_Crossing_Entry_Data.csv"): (b",US-Mexico Border,", b",US-Canada Border,Jan 2024,"),
}


@pytest.fixture(scope="session")
def fault_mirror(mirror, tmp_path_factory) -> Path:
    """The mirror the fault suite serves and takes its good data from: a copy of the mirror (the
    fault server serves nothing that resolves outside its folder), with the files in
    :data:`TRIMMED` cut to the lines that hold the rows their parser
    keeps (the publisher's own lines, byte for byte, in their order). The tables parsed from
    them are those of the whole file (checked in ``test_a_trimmed_file_gives_the_same_tables``).
    The memory budget (``test_resources.py``) still refreshes from the whole mirror."""
    out = tmp_path_factory.mktemp("fault-mirror")
    for item in sorted(p for p in mirror.iterdir() if not p.is_dir()):
        shutil.copyfile(item, out / item.name)
    for folder in sorted(p for p in mirror.iterdir() if p.is_dir()):
        trims = {file: keep for (f, file), keep in TRIMMED.items() if f == folder.name}
        (out / folder.name).mkdir()
        for item in folder.iterdir():
            if item.name not in trims:
                shutil.copyfile(item, out / folder.name / item.name)
                continue
            keep = trims[item.name]
            with item.open("rb") as f, (out / folder.name / item.name).open("wb") as w:
                w.write(f.readline())
                w.writelines(line for line in f if any(k in line for k in keep))
    return out


@pytest.fixture(scope="session")
def servers(fault_mirror, tmp_path_factory):
    http = fs.start(fault_mirror)
    https, cert = None, None
    pair = fs.self_signed(tmp_path_factory.mktemp("tls"))
    if pair:
        cert = pair[0]
        https = fs.start(fault_mirror, fs.tls_context(*pair))
    yield Servers(http, https, cert)
    http.stop()
    if https:
        https.stop()


# ----------------------------------------------------------------------------- parsed files

#: per-file readers of the sources that read many files in one refresh (CBP: ten), whose
#: result depends on the file's name and bytes only
PER_FILE_PARSERS = {
    "cbp": (
        "parse_release",
        "parse_usbp_monthly_history",
        "parse_southwest_annual_history",
        "parse_ohss_workbook",
        "parse_derived_totals",
    ),
}
_parsed: dict[tuple[str, str, str], tuple[object, list[tuple[str, type[Warning]]]]] = {}


@pytest.fixture(autouse=True)
def parsed_once(monkeypatch):
    """A scenario faults one file of a source; its other files arrive with the mirror's bytes,
    which the clean fetch of the same worker already read. Their reader's result (and the
    warnings it gave) is kept per file name and sha256 and handed back as a deep copy; the
    faulted file, whose bytes differ, is always read, and combining, checking, validating and
    committing the tables always run."""
    import copy
    import importlib
    import warnings

    for source, names in PER_FILE_PARSERS.items():
        module = importlib.import_module(f"migrationdata.sources.{source}")
        for name in names:
            real = getattr(module, name)

            def once(path, *args, _real=real, _name=name, **kwargs):
                if args or kwargs:
                    return _real(path, *args, **kwargs)
                path = Path(path)
                key = (_name, path.name, hashlib.sha256(path.read_bytes()).hexdigest())
                if key not in _parsed:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        result = _real(path)
                    _parsed[key] = (result, [(str(w.message), w.category) for w in caught])
                result, said = _parsed[key]
                for message, category in said:
                    warnings.warn(message, category, stacklevel=2)
                return copy.deepcopy(result)

            monkeypatch.setattr(module, name, once)


# ----------------------------------------------------------------------------- good data


class GoodData:
    """One clean fetch of each source from the mirror folder, made once per session."""

    def __init__(self, mirror: Path, base: Path) -> None:
        self.mirror = mirror
        self.base = base
        self.done: set[str] = set()
        self.warnings: dict[str, set[str]] = {}

    def ensure(self, source_id: str) -> None:
        from migrationdata.fetch import fetch_source

        if source_id in self.done:
            return
        rep = fetch_source(load_source(source_id), mirror=str(self.mirror), base=self.base)
        assert rep.status in ("updated", "unchanged"), rep.error
        self.warnings[source_id] = set(rep.warnings)  # what even the good files warn about
        self.done.add(source_id)

    def tables(self, source_id: str) -> dict[str, str]:
        src = load_source(source_id)
        return {
            t.name: hashlib.sha256((self.base / "processed" / f"{t.name}.csv").read_bytes()).hexdigest()
            for t in src.tables
        }

    def seed(self, dest: Path, sources: list[str]) -> None:
        """Copy the good raw files, tables and manifest of ``sources`` into ``dest``, with the
        record of which bytes the tables were parsed from: a scenario whose file arrives with
        the good bytes after all (a transient fault that recovered) takes the refresh's own
        skip-the-parse path, as a reporter's refresh would."""
        for sid in sources:
            self.ensure(sid)
        keep = {*sources, PROCESSED_STATE}

        def ignore(folder: str, names: list[str]) -> set[str]:
            if Path(folder) == self.base / "raw":
                return {n for n in names if n not in keep}
            return set()

        shutil.copytree(self.base, dest, ignore=ignore, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def good_data(fault_mirror, tmp_path_factory) -> GoodData:
    return GoodData(fault_mirror, tmp_path_factory.mktemp("good") / "data")


# ----------------------------------------------------------------------------- ledger


class Ledger:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Row] = {}

    def add(self, row: Row) -> None:
        self.rows[(row.source, row.scenario)] = row

    def complete(self) -> bool:
        wanted = {(s, c) for s in sc.MATRIX_SOURCES for c in sc.ALL_SCENARIO_IDS}
        return wanted <= set(self.rows)


def _write_doc(rows: dict[tuple[str, str], Row]) -> None:
    book = Ledger()
    book.rows = rows
    if book.complete():
        DOC.parent.mkdir(exist_ok=True)
        text = sc.render_doc(book.rows)
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            DOC.write_text(text, encoding="utf-8")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist: every worker leaves its rows in one folder; the controller joins them."""
    folder = getattr(node.config, "_reliability_rows", None)
    if folder is None:
        folder = node.config._reliability_rows = Path(tempfile.mkdtemp(prefix="reliability-rows-"))
    node.workerinput["reliability_rows"] = str(folder)


def pytest_sessionfinish(session):
    folder = getattr(session.config, "_reliability_rows", None)
    if folder is None or hasattr(session.config, "workerinput"):
        return
    rows: dict[tuple[str, str], Row] = {}
    for part in sorted(folder.glob("*.json")):
        for item in json.loads(part.read_text(encoding="utf-8")):
            row = Row(**item)
            rows[(row.source, row.scenario)] = row
    shutil.rmtree(folder, ignore_errors=True)
    _write_doc(rows)


@pytest.fixture(scope="session")
def ledger(request):
    book = Ledger()
    yield book
    worker = getattr(request.config, "workerinput", None)
    if worker and "reliability_rows" in worker:
        out = Path(worker["reliability_rows"]) / f"{worker['workerid']}.json"
        out.write_text(json.dumps([dataclasses.asdict(r) for r in book.rows.values()]), encoding="utf-8")
    else:
        _write_doc(book.rows)


@pytest.fixture(autouse=True)
def _record_skips(request, ledger):
    """A skipped scenario still gets its row, so the table says what was not run and why."""
    yield
    rep = getattr(request.node, "rep_call", None) or getattr(request.node, "rep_setup", None)
    params = getattr(request.node, "callspec", None)
    if rep is None or params is None or not rep.skipped:
        return
    source, scenario = params.params.get("source"), params.params.get("scenario")
    if source is None or scenario is None:
        return
    sid = scenario.id if isinstance(scenario, sc.Scenario) else str(scenario)
    reason = str(rep.longrepr[-1]) if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
    meta = sc.describe(sid)
    ledger.add(
        Row(source, sid, meta["group"], meta["what"], "", "not run", "", reason.removeprefix("Skipped: "))
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    params = getattr(item, "callspec", None)
    if rep.when == "call" and params is not None and "source" in params.params:
        scenario = params.params.get("scenario")
        sid = scenario.id if isinstance(scenario, sc.Scenario) else str(scenario)
        row = (
            item.funcargs.get("ledger").rows.get((params.params["source"], sid))
            if "ledger" in item.funcargs
            else None
        )
        if row is not None:
            row.passed = rep.passed
    return rep


# ----------------------------------------------------------------------------- harness


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    seconds: float
    status: dict[str, str]  # source -> updated/unchanged/failed, from the summary table
    message: str  # the FAILED message for the faulted source ("" if none)
    before: dict[str, str]
    after: dict[str, str]


def normalise(text: str, mirror_url: str, servers: Servers) -> str:
    """Ports and temporary paths vary from run to run; the doc should not."""
    text = text.replace(mirror_url, "<mirror>")
    for srv in (servers.http, servers.https):
        if srv:
            text = text.replace(srv.base, "<mirror>")
            text = text.replace(f"localhost:{srv.server.server_address[1]}", "localhost:<port>")
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", text)
    text = re.sub(r"/tmp/\S+?/data/", "<data>/", text)
    # byte counts that depend on timing (how far a trickle or a stream got)
    text = re.sub(r"passed [\d,]+ bytes", "passed <n> bytes", text)
    text = re.sub(r"only [\d,]+ bytes arrived", "only <n> bytes arrived", text)
    text = re.sub(r"cut short at [\d,]+ bytes", "cut short at <n> bytes", text)
    return text


def excerpt(message: str, source: str) -> str:
    """The problem sentence(s) of a failure message, without the URL and the advice."""
    body = message.split(" What to do:")[0]
    body = re.sub(rf"^\[{source}\] \S+( \(mirror of \S+\))?: ", "", body)
    # a message naming several files: cut to what was expected
    body = re.sub(rf"^\[{source}\] .*?: (?=expected)", "", body, flags=re.S)
    body = body.split(" (details:")[0].split(" Offending rows:")[0]
    body = " ".join(body.split())
    return body if len(body) <= 220 else body[:217] + "..."


class Harness:
    def __init__(self, servers: Servers, good: GoodData, ledger: Ledger, tmp_data: Path, capsys, monkeypatch):
        self.servers = servers
        self.good = good
        self.ledger = ledger
        self.base = tmp_data
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def fetch(self, sources: list[str], mirror_url: str, *options: str) -> tuple[int, str, str, float]:
        from migrationdata import cli

        self.capsys.readouterr()
        t0 = time.monotonic()
        code = cli.main(["fetch", *sources, "--mirror", mirror_url, *options])
        seconds = time.monotonic() - t0
        out, err = self.capsys.readouterr()
        return code, out, err, seconds

    @staticmethod
    def statuses(stdout: str) -> dict[str, str]:
        found = {}
        for line in stdout.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[1] in ("updated", "unchanged", "failed"):
                found[parts[0]] = parts[1]
        return found

    @staticmethod
    def failure(stderr: str, source: str) -> str:
        m = re.search(
            rf"FAILED: (\[{source}\].*?)(?=\nfetching |\n  warning:|\n  FAILED:|\n\n|\Z)", stderr, re.S
        )
        return m.group(1).strip() if m else ""

    def run(self, source: str, scenario: sc.Scenario) -> Result:
        src = load_source(source)
        target = sc.TARGETS.get(source)
        if target is None:
            pytest.skip(f"no fault target declared for {source} yet")
        file = target.file_for(scenario.id)
        rf = next((f for f in src.files if f.name == file), None)
        assert rf is not None, f"{source} no longer declares {file}"
        expect = scenario.expect if scenario.expect != "per-source" else target.outcome(scenario.id)
        expect = target.expect.get(scenario.id, expect)
        if scenario.id in target.not_applicable:
            pytest.skip(f"does not apply to {source}: {target.not_applicable[scenario.id]}")
        if scenario.extra.get("live"):
            return self.run_live(source, src, target, scenario, expect)
        if scenario.extra.get("needs_tls") and self.servers.https is None:
            pytest.skip("the openssl command is not available to make a loopback certificate")
        self.servers.reset()
        ctx = sc.Context(target, rf.max_bytes, self.servers.http, self.servers.https)
        folder = target.mirror_folder
        true_bytes = (self.good.mirror / folder / file).read_bytes()
        served = true_bytes
        transforms = target.transforms()
        # files released together (Target.together): the scenario serves every one of them
        release = target.release(scenario.id, self.good.mirror)
        if release:
            transforms = {**transforms, scenario.id: lambda _: release[file]}
        if scenario.group in sc.DATA_GROUPS and scenario.id in transforms:
            served = transforms[scenario.id](true_bytes)
            assert served != true_bytes
        elif scenario.group in sc.DATA_GROUPS and scenario.fault is None:
            pytest.skip(f"{scenario.id} does not apply to {source}")
        elif scenario.transform is not None:
            served = scenario.transform(true_bytes)
        if served is not true_bytes:
            for srv in (self.servers.http, self.servers.https):
                if srv:
                    srv.serve_body(folder, file, served)
        self.serve_release(folder, release)
        if scenario.fault is not None and scenario.id not in transforms:
            server = (
                self.servers.https
                if scenario.mirror and scenario.extra.get("needs_tls")
                else self.servers.http
            )
            server.inject(folder, file, scenario.fault(ctx))
        if self.servers.cert:
            self.monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(self.servers.cert))
        for k, v in scenario.extra.get("env", {}).items():
            self.monkeypatch.setenv(k, v)
        mirror_url = scenario.mirror(ctx) if scenario.mirror else self.servers.http.base
        # a refused connection takes the whole mirror host down: no bystander can succeed
        bystander = [target.bystander] if target.bystander and scenario.id != "connection-refused" else []
        for sid in bystander:
            load_source(sid)
        self.good.seed(self.base, [source, *bystander])
        if expect == "recovered":
            # the faulted file must come through the fault: forget the good copy of it
            (self.base / "raw" / source / file).unlink()
            manifest = json.loads((self.base / "manifest.json").read_text())
            del manifest["files"][f"{source}/{file}"]
            (self.base / "manifest.json").write_text(json.dumps(manifest))
        previous = scenario.extra.get("previous")
        if previous:
            # the release before this one: the publisher had not yet put out the latest month
            earlier = target.release(previous, self.good.mirror)
            for srv in (self.servers.http, self.servers.https):
                if srv:
                    srv.serve_body(
                        folder, file, earlier[file] if earlier else transforms[previous](true_bytes)
                    )
            self.serve_release(folder, earlier)
            code, out, err, _ = self.fetch([source], mirror_url, "--allow-loss")
            assert code == 0, err
            for srv in (self.servers.http, self.servers.https):
                if srv:
                    srv.serve_body(folder, file, served)
            self.serve_release(
                folder, release or {n: (self.good.mirror / folder / n).read_bytes() for n in earlier}
            )
        before = snapshot(self.base)
        code, out, err, seconds = self.fetch([source, *bystander], mirror_url)
        after = snapshot(self.base)
        status = self.statuses(out)
        message = self.failure(err, source)
        result = Result(code, out, err, seconds, status, message, before, after)

        outcome = {
            "failed": "refused",
            "updated": "recovered" if expect == "recovered" else "accepted",
            "unchanged": "accepted",
        }.get(status.get(source, ""), f"no result (exit {code})")
        baseline = set().union(*(self.good.warnings.get(s, set()) for s in [source, *bystander]))
        new_warnings = [w for w in re.findall(r"  warning: (.*)", err) if w not in baseline]
        if outcome == "accepted" and new_warnings:
            outcome = "tolerated"
        if message and "unexpected" in message:
            outcome = "refused, but as an unexpected error"
        kept = "unchanged" if before == after else "changed"
        if expect == "recovered":
            kept = "n/a (the file was fetched anew)"
        detail = excerpt(message, source) if message else ""
        if outcome == "tolerated":
            detail = "warning: " + " ".join(new_warnings)[:200]
        if outcome in ("recovered", "accepted") and scenario.extra.get("min_seconds"):
            detail = f"succeeded after waiting the {scenario.extra['min_seconds']:g} s the server asked for"
        what = target.whats.get(scenario.id, scenario.what)
        if scenario.id == "drift-encoding":
            what = target.encoding_what
        self.ledger.add(
            Row(
                source,
                scenario.id,
                scenario.group,
                what,
                expect,
                outcome,
                kept,
                normalise(detail, mirror_url, self.servers),
            )
        )
        self.check(
            source, scenario, expect, result, mirror_url, file, served, bystander, new_warnings, target
        )
        return result

    def serve_release(self, folder: str, files: dict[str, bytes]) -> None:
        """Serve each of a release's files (``Target.release``) as given."""
        for srv in (self.servers.http, self.servers.https):
            for name, body in files.items() if srv else ():
                srv.serve_body(folder, name, body)

    def run_live(self, source: str, src, target: sc.Target, scenario: sc.Scenario, expect: str) -> Result:
        """A scenario about the publisher itself, run without a mirror: the fetch must stop
        before any request (nothing here can reach the internet) and change nothing."""
        from migrationdata import cli

        env = src.extra.get("credential_env")
        if not env:
            pytest.skip(f"{source}'s publisher needs no credential")
        self.monkeypatch.delenv(env, raising=False)
        self.good.seed(self.base, [source])
        before = snapshot(self.base)
        self.capsys.readouterr()
        t0 = time.monotonic()
        code = cli.main(["fetch", source])
        seconds = time.monotonic() - t0
        out, err = self.capsys.readouterr()
        after = snapshot(self.base)
        result = Result(code, out, err, seconds, self.statuses(out), self.failure(err, source), before, after)
        outcome = "refused" if result.status.get(source) == "failed" else f"no refusal (exit {code})"
        if result.message and "unexpected" in result.message:
            outcome = "refused, but as an unexpected error"
        self.ledger.add(
            Row(
                source,
                scenario.id,
                scenario.group,
                scenario.what,
                expect,
                outcome,
                "unchanged" if before == after else "changed",
                excerpt(result.message, source) if result.message else "",
            )
        )
        self.check(source, scenario, expect, result, "", "", b"", [], [], target, where=target.live_url)
        return result

    def check(
        self,
        source,
        scenario,
        expect,
        r: Result,
        mirror_url,
        file,
        served,
        bystander,
        new_warnings,
        target: sc.Target,
        where: str = "",
    ):
        where = where or f"{mirror_url}/{quote(target.mirror_folder)}/{quote(file)}"
        says = target.says.get(scenario.id, scenario.says)
        for sid in bystander:
            assert r.status.get(sid) in ("updated", "unchanged"), (sid, r.stderr)
        staging = self.base / "raw" / ".staging"
        assert not staging.exists() or not any(staging.iterdir()), "a staging folder was left behind"
        if expect == "refused":
            assert r.code == 1, (r.code, r.stderr)
            assert r.status.get(source) == "failed", r.stdout
            msg = r.message
            assert msg, r.stderr
            assert msg.startswith(f"[{source}]"), msg
            assert where in msg, f"the message does not name {where}: {msg}"
            assert "expected" in msg, f"the message does not say what was expected: {msg}"
            assert "What to do:" in msg, msg
            assert "unexpected" not in msg, f"an exception escaped the checks: {msg}"
            assert re.search(says, msg, re.S), f"{says!r} not in: {msg}"
            assert r.after == r.before, sorted(
                k for k in set(r.after) | set(r.before) if r.after.get(k) != r.before.get(k)
            )
        else:
            assert r.code == 0, r.stderr
            assert r.status.get(source) in ("updated", "unchanged"), r.stdout
            good = self.good.tables(source)
            now = {
                name: hashlib.sha256((self.base / "processed" / f"{name}.csv").read_bytes()).hexdigest()
                for name in good
            }
            assert now == good, "the tables differ from a clean fetch's"
            raw = self.base / "raw" / source / file
            served_sha = hashlib.sha256(served).hexdigest()
            assert hashlib.sha256(raw.read_bytes()).hexdigest() == served_sha
            manifest = json.loads((self.base / "manifest.json").read_text())
            entry = manifest["files"][f"{source}/{file}"]
            assert entry["sha256"] == served_sha
            if expect == "tolerated":
                assert new_warnings, f"no warning for the reporter: {r.stderr}"
            if expect in ("accepted", "recovered"):
                assert not new_warnings, new_warnings
        if "requests" in scenario.extra:
            assert self.servers.http.requests_for(target.mirror_folder, file) == scenario.extra["requests"]
        if "min_seconds" in scenario.extra:
            assert r.seconds >= scenario.extra["min_seconds"]
        if "max_seconds" in scenario.extra:
            assert r.seconds < scenario.extra["max_seconds"], f"took {r.seconds:.1f} s"


@pytest.fixture
def harness(servers, good_data, ledger, tmp_data, capsys, monkeypatch) -> Harness:
    return Harness(servers, good_data, ledger, tmp_data, capsys, monkeypatch)
