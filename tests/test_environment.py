"""One dependency list: pyproject.toml, environment.yml and constraints.txt agree."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement

from migrationdata.paths import REPO_DIR


def _pyproject_reqs() -> dict[str, str]:
    meta = tomllib.loads((REPO_DIR / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"]) + list(meta["optional-dependencies"]["dev"])
    return {Requirement(r).name.lower().replace("_", "-"): str(Requirement(r).specifier) for r in reqs}


def _conda_reqs() -> dict[str, str]:
    env = yaml.safe_load((REPO_DIR / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", dep)
            name, spec = m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")
            if name not in ("python", "pip"):
                out[name] = spec
    return out


def test_environment_yml_matches_pyproject():
    assert _conda_reqs() == _pyproject_reqs()


def test_environment_yml_installs_the_package_with_pip():
    env = yaml.safe_load((REPO_DIR / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_every_dependency_is_pinned_within_its_bounds():
    pins = {}
    for line in (REPO_DIR / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    for name, spec in _pyproject_reqs().items():
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert Requirement(f"{name}{spec}").specifier.contains(pins[name]), (name, pins[name], spec)
