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


def pytest_collection_modifyitems(items):
    """The slowest tests (marked ``slow``: whole builds, whole refreshes) run first, so that on
    several workers (pytest-xdist) they start at once and the quick tests fill in around them,
    instead of one of them ending the run on one worker while the others wait."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


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
            licence="demo",
            files=(),
            tables=(),
            process=lambda paths: {},
        )
        return Source(**{**base, **fields})

    return make
