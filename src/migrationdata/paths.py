"""Where the project keeps its files.

The repository's ``data/`` folder by default; ``MIGRATIONDATA_DATA`` points elsewhere (the
tests use it to rebuild tables in a temporary folder without touching the committed ones).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent


def data_dir() -> Path:
    env = os.environ.get("MIGRATIONDATA_DATA")
    return Path(env).resolve() if env else REPO_DIR / "data"


def raw_dir(base: Path | None = None) -> Path:
    return (base or data_dir()) / "raw"


def processed_dir(base: Path | None = None) -> Path:
    return (base or data_dir()) / "processed"


def manifest_path(base: Path | None = None) -> Path:
    return (base or data_dir()) / "manifest.json"


def figures_dir() -> Path:
    env = os.environ.get("MIGRATIONDATA_FIGURES")
    return Path(env).resolve() if env else REPO_DIR / "figures"


def reports_dir() -> Path:
    env = os.environ.get("MIGRATIONDATA_REPORTS")
    return Path(env).resolve() if env else REPO_DIR / "reports"


def notebooks_dir() -> Path:
    return REPO_DIR / "notebooks"
