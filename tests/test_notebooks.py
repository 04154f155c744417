"""Every notebook runs headless on the committed data, through the runner, and redraws the
committed charts byte for byte; the notebook pairs are in sync, stripped, and free of plumbing."""

from __future__ import annotations

import json
import re

import jupytext
import nbformat
import pytest

from migrationdata import build, paths

FIGURES = paths.REPO_DIR / "figures"
NOTEBOOKS = build.discover()


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """Run every notebook once, in parallel, into a temporary figures folder."""
    out = tmp_path_factory.mktemp("figures")
    report = build.build(
        figures=out, state_dir=tmp_path_factory.mktemp("state"), reports=False, progress=print
    )
    return out, report


@pytest.mark.slow
def test_every_notebook_runs(rebuilt):
    _, report = rebuilt
    assert report.ok
    assert [o.name for o in report.outcomes] == [n.name for n in NOTEBOOKS]
    assert all(o.status == "ran" for o in report.outcomes)


@pytest.mark.slow
def test_rebuilding_gives_the_committed_charts_byte_for_byte(rebuilt):
    out, report = rebuilt
    made = {s for o in report.outcomes for s in o.charts}
    committed = {p.stem for p in FIGURES.glob("*.json") if not p.name.endswith(".vl.json")}
    assert made == committed, "figures/ is out of step with the notebooks: run `make figures`"
    # both editions: English in figures/, Spanish in figures/es/
    assert {p.stem for p in (FIGURES / "es").glob("*.json") if not p.name.endswith(".vl.json")} == committed
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.name.startswith("index.") or ".embed." in path.name:
            continue  # the galleries and the embeds' pages (git-ignored) are checked where they are made
        name = path.relative_to(out).as_posix()
        twin = FIGURES / name
        assert twin.exists(), f"{name} is made but not committed"
        assert path.read_bytes() == twin.read_bytes(), (
            f"figures/{name} differs from a fresh build: the data, the code or the notebook "
            "changed since it was committed (run `make figures`), or the export is not deterministic"
        )

    def gallery(folder):  # the link to the fact-check report is made only beside reports/
        lines = (folder / "index.md").read_text(encoding="utf-8").splitlines()
        return [
            ln for ln in lines if ln.strip() and "fact-check report" not in ln and "revision log" not in ln
        ]

    assert gallery(out) == gallery(FIGURES)


@pytest.mark.slow
def test_as_of_story_day_leaves_out_what_was_not_yet_published(tmp_path):
    """As of 27 December 2023 no December figure existed: those charts are not drawn, and the
    others end with November."""
    report = build.build(
        figures=tmp_path / "figures",
        state_dir=tmp_path / "state",
        only=["01", "02", "03", "04"],
        as_of="2023-12-27",
        reports=False,
        progress=print,
        langs=["en"],  # which months a chart shows does not depend on its language
    )
    made = {s for o in report.outcomes for s in o.charts}
    assert "citizenship-dec-2023" not in made and "rail-trade-per-day" not in made
    assert {"darien-annual", "southwest-monthly", "trade-by-mode"} <= made
    sw = json.loads((tmp_path / "figures" / "southwest-monthly.json").read_text(encoding="utf-8"))
    # before December's 301,981, the record month was September 2023 (PROVENANCE: 269,735)
    assert (
        sw["title"].startswith("September 2023 was the border's busiest month since CBP's series began")
        and "269,735" in sw["title"]
    )
    assert "data to Nov 2023" in sw["source"] and sw["as_of"] == "2023-12-27"
    darien = json.loads((tmp_path / "figures" / "darien-annual.json").read_text(encoding="utf-8"))
    assert darien["title"] == "Darién crossings rose 86% in 2022, to a record 248,284"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_pairs_match_and_are_committed_without_outputs(nb):
    assert nb.py and nb.ipynb, f"{nb.name} needs both a .py and an .ipynb (jupytext --sync)"
    text = jupytext.read(nb.py)
    stored = nbformat.read(nb.ipynb, as_version=4)
    assert [(c.cell_type, c.source.strip()) for c in text.cells] == [
        (c.cell_type, c.source.strip()) for c in stored.cells
    ], f"{nb.name}.ipynb and .py differ: run `jupytext --sync notebooks/{nb.name}.py`"
    for cell in stored.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{nb.name}.ipynb has outputs"
    assert stored.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    tagged = [c for c in stored.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and {"as_of", "output"} <= set(re.findall(r"^(\w+) =", tagged[0].source, re.M))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_notebooks_load_through_the_package(nb):
    code = "\n".join(c.source for c in jupytext.read(nb.py).cells if c.cell_type == "code")
    for forbidden in ("http://", "https://", "read_csv", "read_excel", "pyreadr", "data/raw", "requests"):
        assert forbidden not in code, f"{nb.name} should load through the package, not {forbidden!r}"
