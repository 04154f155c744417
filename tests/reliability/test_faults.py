"""One fault at a time, for every source: the fetch either gets correct data or fails clearly
with the last good data intact. Scenarios and expectations: scenarios.py."""

from __future__ import annotations

import pytest
import scenarios as sc

pytestmark = pytest.mark.mirror


@pytest.mark.parametrize("scenario", sc.SCENARIOS, ids=sc.SCENARIO_IDS)
@pytest.mark.parametrize("source", sc.MATRIX_SOURCES)
def test_fault(harness, source, scenario):
    harness.run(source, scenario)
