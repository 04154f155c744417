"""The build runner on small notebooks of the tests' own: parameters, incremental skips,
fail-fast errors that name the notebook and cell, no partial charts, stale charts removed;
and the gallery, rendered in headless Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from migrationdata import build, gallery, paths

HEADER = """\
# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
as_of = None
output = None
"""


def write_notebook(folder: Path, name: str, *cells: str) -> Path:
    body = "".join(f"\n# %%\n{textwrap.dedent(c).strip()}\n" for c in cells)
    path = folder / f"{name}.py"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.fixture
def space(tmp_path):
    """Folders for one test's notebooks, charts and build state."""
    for sub in ("notebooks", "figures", "state"):
        (tmp_path / sub).mkdir()
    return tmp_path


def run(space, **kw):
    messages: list[str] = []
    report = build.build(
        notebooks=space / "notebooks",
        figures=space / "figures",
        state_dir=space / "state",
        reports=False,
        progress=messages.append,
        **kw,
    )
    return report, messages


def statuses(report):
    return {o.name: o.status for o in report.outcomes}


# ----------------------------------------------------------------------------- runner


@pytest.mark.parametrize("kernel", [False, True], ids=["forked", "kernel"])
def test_parameters_are_injected_and_charts_are_staged(space, kernel):
    record = space / "params.json"
    write_notebook(
        space / "notebooks",
        "01-params",
        f"""
        import json, os
        json.dump({{"as_of": as_of, "output": output, "cwd": os.getcwd()}}, open({str(record)!r}, "w"))
        """,
    )
    report, messages = run(space, as_of="2023-12-27", kernel=kernel)
    assert statuses(report) == {"01-params": "ran"}
    seen = json.loads(record.read_text())
    assert seen["as_of"] == "2023-12-27"
    # charts go to a staging folder and reach figures/ only after the notebook succeeded
    assert Path(seen["output"]).is_relative_to(space / "state") and seen["output"] != str(space / "figures")
    assert seen["cwd"] == str(space / "notebooks")
    assert any("01-params: done" in m for m in messages)


def test_a_notebook_reruns_only_when_its_text_data_or_parameters_change(space, tmp_data):
    table = tmp_data / "processed" / "numbers.csv"
    table.write_text("x\n1\n", encoding="utf-8")
    nb = write_notebook(
        space / "notebooks",
        "01-reads",
        """
        import os
        value = open(os.path.join(os.environ["MIGRATIONDATA_DATA"], "processed", "numbers.csv")).read()
        """,
    )
    assert statuses(run(space)[0]) == {"01-reads": "ran"}
    state = json.loads(next((space / "state").glob("state-*.json")).read_text())
    assert str(table.resolve()) in state["notebooks"]["01-reads"]["reads"]

    t0 = time.perf_counter()
    report, messages = run(space)
    assert statuses(report) == {"01-reads": "skipped"}
    assert time.perf_counter() - t0 < 1.0
    assert any("up to date, skipped" in m for m in messages)

    table.write_text("x\n2\n", encoding="utf-8")  # the data it read changed
    assert statuses(run(space)[0]) == {"01-reads": "ran"}
    assert statuses(run(space)[0]) == {"01-reads": "skipped"}

    nb.write_text(nb.read_text() + "\n# %%\nvalue = value.strip()\n", encoding="utf-8")  # its text changed
    assert statuses(run(space)[0]) == {"01-reads": "ran"}
    assert statuses(run(space, as_of="2023-12-27")[0]) == {"01-reads": "ran"}  # a parameter changed
    assert statuses(run(space, as_of="2023-12-27")[0]) == {"01-reads": "skipped"}
    assert statuses(run(space, as_of="2023-12-27", force=True)[0]) == {"01-reads": "ran"}


@pytest.mark.parametrize("kernel", [False, True], ids=["forked", "kernel"])
def test_a_failing_notebook_is_named_with_its_cell_and_leaves_no_charts(space, kernel):
    write_notebook(
        space / "notebooks",
        "01-broken",
        """
        from migrationdata import charts
        charts.setup("01-broken", as_of=as_of, output=output)
        chart = charts.Chart("half-done", title="A title", subtitle="A subtitle", tables=["darien_annual"])
        chart.ax.plot([1, 2], [3, 4])
        chart.save(data=__import__("pandas").DataFrame({"x": [1]}), alt_text="A line from 3 to 4.")
        """,
        "ratio = 1 / 0",
    )
    with pytest.raises(build.BuildError) as err:
        run(space, kernel=kernel)
    message = str(err.value)
    assert "01-broken" in message
    assert "cell 3" in message  # the parameters cell is 1, the chart 2, the division 3
    assert "ratio = 1 / 0" in message and "ZeroDivisionError" in message
    assert list((space / "figures").iterdir()) == []  # the chart saved before the error is not kept
    executed = space / "state" / "executed" / "01-broken.ipynb"
    assert "ZeroDivisionError" in executed.read_text(encoding="utf-8")


def test_the_first_failure_stops_the_others(space):
    write_notebook(space / "notebooks", "01-slow", "import time\ntime.sleep(120)")
    write_notebook(space / "notebooks", "02-fails", "raise RuntimeError('the data are wrong')")
    t0 = time.perf_counter()
    with pytest.raises(build.BuildError, match="02-fails.*RuntimeError: the data are wrong"):
        run(space, jobs=2)
    assert time.perf_counter() - t0 < 60


def test_a_chart_the_notebook_no_longer_makes_is_removed(space):
    nb = write_notebook(
        space / "notebooks",
        "01-charts",
        """
        import pandas as pd
        from migrationdata import charts
        charts.setup("01-charts", as_of=as_of, output=output)
        SLUG = "alpha"
        chart = charts.Chart(SLUG, title="A title", subtitle="A subtitle", tables=["darien_annual"], size="square")
        chart.ax.plot([1, 2], [3, 4])
        chart.save(data=pd.DataFrame({"x": [1, 2], "y": [3, 4]}), alt_text="A line from 3 to 4.")
        """,
    )
    report, _ = run(space)
    figures = space / "figures"
    assert report.outcomes[0].charts == ["alpha"]
    assert sorted(p.name for p in figures.iterdir()) == [
        "alpha.csv",
        "alpha.json",
        "alpha.png",
        "alpha.svg",
        "index.html",
        "index.md",
    ]
    nb.write_text(nb.read_text().replace('SLUG = "alpha"', 'SLUG = "beta"'), encoding="utf-8")
    run(space)
    assert not list(figures.glob("alpha.*"))
    assert (figures / "beta.svg").exists()
    assert (
        "beta.png" in (figures / "index.md").read_text() and "alpha" not in (figures / "index.md").read_text()
    )


CHART_NOTEBOOK = """
import pandas as pd
from migrationdata import charts
charts.setup("01-charts", as_of=as_of, output=output)
chart = charts.Chart("alpha", title="A title", subtitle="A subtitle", tables=["darien_annual"], size="square")
chart.ax.plot([1, 2], [3, 4])
chart.save(data=pd.DataFrame({"x": [1, 2], "y": [3, 4]}), alt_text="A line from 3 to 4.")
"""


def _committed_outputs() -> dict[str, tuple[str, int]]:
    """Every file in the committed figures/ and reports/, with its sha256 and mtime."""
    import hashlib

    out = {}
    for folder in build.COMMITTED:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                out[str(p)] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def as_of_build(tmp_path_factory):
    """`migrationdata build --as-of 2023-12-28` of a one-chart notebook, run once through the
    CLI; the tests below only read what it wrote. It must never touch the committed figures/
    and reports/ (a reviewer's as-of build once deleted five committed charts)."""
    import contextlib
    import io

    from migrationdata.cli import main

    space = tmp_path_factory.mktemp("as-of")
    (space / "notebooks").mkdir()
    write_notebook(space / "notebooks", "01-charts", CHART_NOTEBOOK)
    before = _committed_outputs()
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(err):
        mp.setattr(build, "AS_OF_ROOT", space / "build")
        mp.setattr(build, "STATE_DIR", space / "state")
        mp.setattr(paths, "notebooks_dir", lambda: space / "notebooks")
        status = main(["build", "--as-of", "2023-12-28"])
    return {
        "status": status,
        "out": space / "build" / "as-of-2023-12-28",
        "last_line": err.getvalue().strip().splitlines()[-1],
        "before": before,
        "after": _committed_outputs(),
    }


def test_an_as_of_build_goes_to_its_own_folder(as_of_build):
    assert as_of_build["status"] == 0
    assert as_of_build["after"] == as_of_build["before"]
    out, last_line = as_of_build["out"], as_of_build["last_line"]
    assert str(out) in last_line and "as published by 28 December 2023" in last_line
    side = json.loads((out / "figures" / "alpha.json").read_text(encoding="utf-8"))
    assert side["as_of"] == "2023-12-28"


def test_an_as_of_gallery_says_what_it_shows(as_of_build):
    out = as_of_build["out"]
    banner = "As of 28 December 2023: these charts show the data as published by that date"
    md = (out / "figures" / "index.md").read_text(encoding="utf-8")
    assert md.startswith("# Charts as of 28 December 2023\n\n> **" + banner)
    assert "[fact-check reports](../reports/index.md)" in md
    page = (out / "figures" / "index.html").read_text(encoding="utf-8")
    assert page.index(banner) < page.index("<main>")


def test_an_as_of_report_says_what_it_shows(as_of_build):
    out = as_of_build["out"]
    report = (out / "reports" / "us-mexico-talks-2023-12" / "factcheck.md").read_text(encoding="utf-8")
    assert report.startswith("# Fact-check as of 28 December 2023")
    # the link to the Spanish edition, then the banner
    assert report.splitlines()[2] == "[Versión en español](es/factcheck.md)"
    assert report.splitlines()[4].startswith(
        "> **As of 28 December 2023: the data as published by that date, not as they stand today.**"
    )
    html_report = (out / "reports" / "us-mexico-talks-2023-12" / "factcheck.html").read_text(encoding="utf-8")
    assert "<title>Fact-check as of 28 December 2023" in html_report
    assert "still closed then" in report and "reopened 04 Jan 2024" not in report
    assert not (out / ".reports-building").exists()


def test_a_failed_build_writes_no_report(space):
    """The report is written while the notebooks run, but reaches its folder only when they
    all succeeded."""
    write_notebook(space / "notebooks", "01-charts", CHART_NOTEBOOK)
    write_notebook(space / "notebooks", "02-fails", "import time\ntime.sleep(1)\nraise RuntimeError('bad')")
    with pytest.raises(build.BuildError, match="02-fails.*RuntimeError: bad"):
        build.build(
            notebooks=space / "notebooks",
            output=space / "out",
            state_dir=space / "state",
            progress=lambda _: None,
        )
    assert not (space / "out" / "reports").exists()
    assert not (space / "out" / ".reports-building").exists()


def test_a_build_with_nothing_to_do_imports_nothing_heavy(space):
    """The no-op check decides from hashes and the build state alone: no pandas, matplotlib,
    jupytext, Jinja2 or Jupyter in the process that decides."""
    write_notebook(space / "notebooks", "01-charts", CHART_NOTEBOOK)
    run(space)
    script = f"""
import sys
from pathlib import Path
from migrationdata import build
report = build.build(notebooks=Path({str(space / "notebooks")!r}), figures=Path({str(space / "figures")!r}),
                     state_dir=Path({str(space / "state")!r}), reports=False, progress=lambda _: None)
assert [o.status for o in report.outcomes] == ["skipped"], report.outcomes
heavy = ("pandas", "numpy", "matplotlib", "jupytext", "nbformat", "nbclient", "jinja2", "IPython")
print(sorted(m for m in heavy if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("where", ["output", "figures"])
def test_an_as_of_build_aimed_at_the_committed_folders_is_refused(space, where):
    target = {"output": paths.REPO_DIR, "figures": paths.REPO_DIR / "figures"}[where]
    write_notebook(space / "notebooks", "01-charts", CHART_NOTEBOOK)
    before = _committed_outputs()
    with pytest.raises(build.BuildError, match="does not write into figures/"):
        build.build(
            notebooks=space / "notebooks",
            state_dir=space / "state",
            as_of="2023-12-28",
            progress=lambda _: None,
            **{where: target},
        )
    assert _committed_outputs() == before


def test_output_holds_the_figures_and_the_reports(space):
    write_notebook(space / "notebooks", "01-charts", CHART_NOTEBOOK)
    report = build.build(
        notebooks=space / "notebooks",
        output=space / "out",
        state_dir=space / "state",
        reports=False,
        progress=lambda _: None,
    )
    assert report.figures == space / "out" / "figures" and report.reports_folder == space / "out" / "reports"
    assert (space / "out" / "figures" / "alpha.png").exists()
    # no as-of date: the gallery carries no banner
    assert (space / "out" / "figures" / "index.md").read_text(encoding="utf-8").startswith("# Charts\n")


def test_only_picks_notebooks_by_name_number_or_word():
    nbs = [build.Notebook(n, None, None) for n in ("01-darien-gap", "02-border-encounters", "04-trade")]
    assert [n.name for n in build.select(nbs, ["02"])] == ["02-border-encounters"]
    assert [n.name for n in build.select(nbs, ["trade", "01-darien-gap"])] == ["01-darien-gap", "04-trade"]
    with pytest.raises(build.BuildError, match="No notebook matches 'cbp'.*01-darien-gap, 02-border"):
        build.select(nbs, ["cbp"])


def test_as_of_must_be_a_date(space):
    with pytest.raises(build.BuildError, match="YYYY-MM-DD"):
        run(space, as_of="27/12/2023")


def test_repository_notebooks_are_discovered_in_order():
    names = [n.name for n in build.discover()]
    assert names[:5] == [
        "00-fact-check",
        "01-darien-gap",
        "02-border-encounters",
        "03-closures-and-crossings",
        "04-trade",
    ]
    assert all(n.py and n.ipynb for n in build.discover())


# ----------------------------------------------------------------------------- gallery

SIDECAR = {
    "slug": "darien-annual",
    "title": "Darién crossings more than doubled in 2023",
    "subtitle": "People per year",
    "alt_text": "Bar chart <with> 520,085 & more",
    "source": "Source: SNM (data to Apr 2025).",
    "notes": ["2020 covers nine months."],
    "size": {"name": "landscape", "width": 850, "height": 638},
    "files": {"png": "darien-annual.png", "svg": "darien-annual.svg", "csv": "darien-annual.csv"},
    "notebook": "notebooks/01-darien-gap.ipynb",
}


def test_gallery_lists_each_chart_with_its_words_and_files(tmp_path):
    (tmp_path / "darien-annual.json").write_text(json.dumps(SIDECAR), encoding="utf-8")
    (tmp_path / "not-a-chart.json").write_text("{}", encoding="utf-8")
    gallery.write_gallery(tmp_path)
    md = (tmp_path / "index.md").read_text(encoding="utf-8")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "### Darién crossings more than doubled in 2023" in md
    assert "[SVG](darien-annual.svg)" in md and "[CSV](darien-annual.csv)" in md
    assert "**Source:** SNM (data to Apr 2025)." in md and "**Note:** 2020 covers nine months." in md
    assert 'alt="Bar chart &lt;with&gt; 520,085 &amp; more"' in page
    assert '<a href="darien-annual.svg">SVG</a>' in page
    assert "not-a-chart" not in page


def test_the_gallery_says_what_data_its_charts_were_drawn_from():
    """Data as of, per table, from the charts' sidecars; the committed gallery links the
    revision log."""
    from migrationdata import gallery

    rows = {t["table"]: t for t in gallery.data_as_of(gallery.sidecars(paths.REPO_DIR / "figures"))}
    assert rows["cbp_southwest_monthly"]["data_to"] == "Nov 2025"
    assert rows["cbp_southwest_provisional"]["data_to"] == "Jul 2026"
    assert "third party" in rows["cbp_southwest_provisional"]["publisher"]
    md = (paths.REPO_DIR / "figures" / "index.md").read_text(encoding="utf-8")
    assert "## Data as of" in md and "[revision log](../data/revisions/)" in md


# ----------------------------------------------------------------------------- editions

EDITIONS_NOTEBOOK = """
import pandas as pd
from migrationdata import charts
charts.setup("01-charts", as_of=as_of, output=output, langs=langs)
chart = charts.Chart(
    "alpha",
    title=charts.t("darien-annual.title", change=charts.change_phrase(520085, 248284), year=2023, count=520085),
    subtitle=charts.t("darien-annual.subtitle"),
    tables=["darien_annual"],
    size="square",
)
chart.ax.plot([1, 2], [3, 4])
chart.save(data=pd.DataFrame({"x": [1, 2], "y": [3, 4]}), alt_text=charts.t(KEY, year=2024, count=302203))
"""


def test_both_editions_by_default_one_with_langs_and_the_state_knows_which(space):
    nb = write_notebook(
        space / "notebooks", "01-charts", 'KEY = "darien-annual.note_after"', EDITIONS_NOTEBOOK
    )
    figures = space / "figures"
    report, _ = run(space)
    en = json.loads((figures / "alpha.json").read_text(encoding="utf-8"))
    es = json.loads((figures / "es" / "alpha.json").read_text(encoding="utf-8"))
    assert (en["lang"], es["lang"]) == ("en", "es")
    assert en["title"] == "Darién crossings more than doubled in 2023, to 520,085"
    assert es["title"] == "Los cruces por el Darién se duplicaron con creces en 2023, hasta 520,085"
    assert es["alt_text"] == "En 2024 la cifra fue de 302,203."
    assert sorted(p.name for p in (figures / "es").iterdir()) == [
        "alpha.csv",
        "alpha.json",
        "alpha.png",
        "alpha.svg",
        "index.html",  # the Spanish gallery (alpha has no embed: it is not declared in embeds.py)
        "index.md",
    ]
    # one edition: the other is left alone, and the state tells the two builds apart
    english = {p.name: p.stat().st_mtime_ns for p in figures.glob("alpha.*")}
    (figures / "es" / "alpha.png").unlink()
    report, _ = run(space, langs=["es"])
    assert statuses(report) == {"01-charts": "ran"}
    assert (figures / "es" / "alpha.png").exists()
    assert {p.name: p.stat().st_mtime_ns for p in figures.glob("alpha.*")} == english
    assert statuses(run(space, langs=["es"])[0]) == {"01-charts": "skipped"}
    assert statuses(run(space)[0]) == {"01-charts": "ran"}  # built for es only until now
    assert statuses(run(space)[0]) == {"01-charts": "skipped"}
    # a text the catalogs lack fails the notebook, naming the key
    nb.write_text(nb.read_text().replace("note_after", "note_never_written"), encoding="utf-8")
    with pytest.raises(build.BuildError, match=r"charts\.darien-annual\.note_never_written"):
        run(space)
    with pytest.raises(build.BuildError, match="no 'fr' edition"):
        run(space, langs=["fr"])


def test_the_build_knows_the_editions_i18n_does():
    from migrationdata import i18n

    assert build.LANGUAGES == i18n.LANGUAGES


def test_no_embeds_and_one_editions_force_reach_the_embeds_step(space, monkeypatch):
    """build --no-embeds asks the embeds step for static charts only (it removes the embeds a
    changed chart has outgrown, tested in test_embeds.py); --force of one edition remakes that
    edition's embeds only."""
    from migrationdata import cli, embeds

    assert cli._parser().parse_args(["build", "--no-embeds"]).embeds is False
    assert cli._parser().parse_args(["build"]).embeds is True
    write_notebook(space / "notebooks", "01-charts", 'KEY = "darien-annual.note_after"', EDITIONS_NOTEBOOK)
    calls = []

    def spy(folder, state=None, cache_dir=None, say=None, force=False, static_only=False):
        calls.append((Path(folder).name, force, static_only))
        return {"written": [], "unchanged": [], "undeclared": [], "removed": []}

    monkeypatch.setattr(embeds, "write_embeds", spy)
    run(space, embeds=False)
    assert calls == [("figures", False, True), ("es", False, True)]
    calls.clear()
    run(space, force=True, langs=["es"])
    assert calls == [("figures", False, False), ("es", True, False)]
