"""The demo source's fixture, shared by the refresh and revision-log tests."""

from __future__ import annotations

import pytest
from test_refresh import DEMO, YEAR, publish, rows

from migrationdata.fetch import fetch_source


@pytest.fixture
def demo(tmp_path, tmp_data):
    """A mirror folder holding a year of demo data, already fetched once into ``tmp_data``."""
    mirror = tmp_path / "mirror"
    publish(mirror, rows(YEAR))
    rep = fetch_source(DEMO, mirror=str(mirror), base=tmp_data)
    assert rep.status == "updated", rep.error
    return mirror
