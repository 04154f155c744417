from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrationdata.paths import REPO_DIR


@pytest.fixture
def seed_text() -> Path:
    """The seed story, beside the mirror (``$MIGRATIONDATA_MIRROR/../article``), never copied
    into the repository. Skipped without it, failed when CI requires the mirror."""
    env = os.environ.get("MIGRATIONDATA_MIRROR")
    mirror = Path(env).resolve() if env else (REPO_DIR.parent / "shared" / "data").resolve()
    path = mirror.parent / "article" / "article.txt"
    if not path.is_file():
        msg = f"the seed story is not at {path} (set MIGRATIONDATA_MIRROR)"
        if os.environ.get("MIGRATIONDATA_REQUIRE_MIRROR") or os.environ.get("CI"):
            pytest.fail(msg + "; CI requires it")
        pytest.skip(msg)
    return path
