"""One fault at a time, for every source: the fetch either gets correct data or fails clearly
with the last good data intact. Scenarios and expectations: scenarios.py."""

from __future__ import annotations

import pytest
import scenarios as sc
from reliability_common import load_source

pytestmark = pytest.mark.mirror


@pytest.mark.parametrize("scenario", sc.SCENARIOS, ids=sc.SCENARIO_IDS)
@pytest.mark.parametrize("source", sc.MATRIX_SOURCES)
def test_fault(harness, source, scenario):
    harness.run(source, scenario)


def test_a_trimmed_file_gives_the_same_tables(good_data):
    """The fault suite serves BTS's export cut to the lines its parser keeps (conftest.TRIMMED):
    the tables parsed from it are, byte for byte, the committed ones, parsed from the whole
    46 MB file, so every BTS scenario still starts from the real last good data."""
    from conftest import TRIMMED

    from migrationdata import paths

    for folder, _file in TRIMMED:
        good_data.ensure(folder)
        for table in load_source(folder).tables:
            got = (good_data.base / "processed" / f"{table.name}.csv").read_bytes()
            assert got == (paths.REPO_DIR / "data" / "processed" / f"{table.name}.csv").read_bytes(), (
                table.name
            )
