"""Shared fixtures.

- ``mirror``: the offline mirror of the official sources (``MIGRATIONDATA_MIRROR``, else
  ``../shared/data`` beside the repository). Tests that need it are skipped on a laptop
  without it, but FAIL when CI asks for it (``MIGRATIONDATA_REQUIRE_MIRROR=1`` or ``CI``).
- ``tmp_data``: a temporary data folder (``MIGRATIONDATA_DATA``), so a test can fetch and
  rebuild tables without touching the committed ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrationdata.paths import REPO_DIR


def _mirror_path() -> Path:
    env = os.environ.get("MIGRATIONDATA_MIRROR")
    return Path(env).resolve() if env else (REPO_DIR.parent / "shared" / "data").resolve()


def _mirror_required() -> bool:
    return bool(os.environ.get("MIGRATIONDATA_REQUIRE_MIRROR") or os.environ.get("CI"))


def _group(nodeid: str) -> str:
    """The group a test runs in when the suite is shared between workers: a fault-injection
    scenario with the other scenarios of its source (``[source-scenario]``, ``[source]``), so
    that one worker makes that source's clean fetch and keeps what it parsed instead of every
    worker; any other test with its module, so that a module's fixtures are made once."""
    module = nodeid.split("::")[0]
    if module.startswith("tests/reliability/") and "[" in nodeid:
        first = nodeid.rsplit("[", 1)[1].split("-")[0].rstrip("]")
        if first in _source_ids():
            return f"source {first}"
    return module


def _source_ids() -> set[str]:
    from migrationdata.catalog import all_sources

    return {s.id for s in all_sources()}


def pytest_collection_modifyitems(items):
    """Groups whose tests are slowest (whole builds and refreshes: marked ``slow``, and the
    build's tests) first, then the sources' fault scenarios, then the rest: the workers start
    on the long groups and end on quick tests, instead of one ending on a long one alone."""
    first = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    first.add("tests/test_build.py")

    def rank(item) -> int:
        group = _group(item.nodeid)
        return 0 if group in first else 1 if group.startswith("source ") else 2

    items.sort(key=rank)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With pytest-xdist's default distribution (``-n N``), workers take whole groups
    (:func:`_group`), in the order of the collection above."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid)

    config.option.loadscopereorder = False  # keep the order of the collection
    return GroupScheduling(config, log)


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = _mirror_path()
    if not (path / "README.md").exists():
        msg = f"the offline mirror is not at {path} (set MIGRATIONDATA_MIRROR)"
        if _mirror_required():
            pytest.fail(msg + "; CI requires it")
        pytest.skip(msg)
    return path


@pytest.fixture
def tmp_data(tmp_path, monkeypatch) -> Path:
    base = tmp_path / "data"
    (base / "processed").mkdir(parents=True)
    monkeypatch.setenv("MIGRATIONDATA_DATA", str(base))
    return base


@pytest.fixture
def make_source():
    """A throwaway source for fetch-layer tests: ``make_source(landing_page=..., extra=...)``.
    Only the fields a test names differ from a bare demo publisher."""
    from migrationdata.catalog import Source

    def make(**fields):
        base = dict(
            id="demo",
            title="demo",
            publisher="demo",
            landing_page="https://example.org",
            files=(),
            tables=(),
            process=lambda paths: {},
        )
        return Source(**{**base, **fields})

    return make
