from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def seed_text() -> Path:
    """The seed story, read from the mirror's sibling folder (never copied into the repo)."""
    mirror = Path(
        os.environ.get("MIGRATIONDATA_MIRROR", Path(__file__).resolve().parents[3] / "shared" / "data")
    )
    path = mirror.parent / "article" / "article.txt"
    if not path.is_file():
        if os.environ.get("MIGRATIONDATA_REQUIRE_MIRROR"):
            pytest.fail(f"the seed story is missing: {path}")
        pytest.skip(f"the seed story is not here ({path}); set MIGRATIONDATA_MIRROR")
    return path
