"""Every CSV meant for a spreadsheet (the charts' exports for Datawrapper and Excel, the committed
processed tables and revision logs) carries no
cell a spreadsheet would run as a formula (OWASP "CSV injection"): a text cell beginning with
=, +, -, @, a tab or a carriage return is written with a leading apostrophe. Numbers stay
numbers: -5 is written -5, in a numeric column or as text that is exactly a number."""

from __future__ import annotations

import csv
import io
import subprocess

import pandas as pd
import pytest

from migrationdata import charts, processed, store
from migrationdata.paths import REPO_DIR

HOSTILE = [
    '=HYPERLINK("https://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def formula_cells(text: str) -> list[str]:
    """Cells of a CSV text that a spreadsheet would evaluate (numbers excepted)."""
    bad = []
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            if cell.startswith(store.FORMULA_TRIGGERS) and not store._NUMBER.fullmatch(cell):
                bad.append(cell)
    return bad


def test_the_cell_rule():
    for cell in HOSTILE:
        assert store.neutralise_cell(cell) == "'" + cell.replace("\r", "\n")
    for number in ("-5", "+1.5", "-0.25", "-1e3", 7, -7, -2.5):
        assert store.neutralise_cell(number) == number
    assert store.neutralise_cell("Venezuela") == "Venezuela"
    assert store.neutralise_cell("-") == "'-"  # a dash alone is text (a formula start), not a number


def test_spreadsheet_csv_neutralises_text_and_keeps_numbers():
    df = pd.DataFrame(
        {
            "category": HOSTILE + ["Mexico", "-5"],
            "change": [-5, -12, 3, -1, 0, 8, -70_521_430_770, 2],
            "share": [-0.5, 0.25, -1e-3, 1.0, 2.0, -3.5, 0.0, -0.01],
            "month": pd.to_datetime(["2023-12-01"] * 8),
        }
    )
    text = store.spreadsheet_csv(df).decode("utf-8")
    assert formula_cells(text) == []
    back = pd.read_csv(io.StringIO(text))
    # numbers are read back as the same numbers (negative ones too), dates stay ISO
    assert back["change"].tolist() == df["change"].tolist()
    assert back["share"].tolist() == df["share"].tolist()
    assert set(back["month"]) == {"2023-12-01"}
    # text keeps its words behind the apostrophe; text that is a number is left a number
    assert back["category"].tolist()[:1] == ["'" + HOSTILE[0]]
    assert back["category"].tolist()[-2:] == ["Mexico", -5] or back["category"].tolist()[-2:] == [
        "Mexico",
        "-5",
    ]
    # a hostile column name is neutralised too
    named = store.spreadsheet_csv(pd.DataFrame({"=cmd()": [1]})).decode("utf-8")
    assert named.splitlines()[0] == "'=cmd()"


@pytest.fixture
def kit(tmp_path):
    charts.setup("99-test", output=tmp_path)
    yield tmp_path
    import matplotlib.pyplot as plt

    plt.close("all")


def test_a_chart_export_carries_no_formula(kit):
    """The path a notebook takes: Chart.save writes the CSV for Datawrapper."""
    annual = processed.read("darien_annual")
    annual = annual[annual["year"].between(2021, 2023)]
    chart = charts.Chart(
        "formula-test",
        title="Darién crossings doubled in 2023",
        subtitle="People crossing per year",
        tables=["darien_annual"],
    )
    chart.ax.bar(annual["year"], annual["migrants"])
    # a publisher's category value that begins like a formula, beside a negative change
    data = annual[["year", "migrants"]].assign(
        label=['=HYPERLINK("https://evil.example")', "@cmd", "Panama"],
        change=[-100, 12, -5],
    )
    chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    text = (kit / "formula-test.csv").read_text(encoding="utf-8")
    assert formula_cells(text) == []
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["change"] for r in rows] == ["-100", "12", "-5"]  # numbers, not '-100
    assert rows[0]["label"].startswith("'=") and rows[2]["label"] == "Panama"
    # PROVENANCE: 2023 520,085
    assert rows[-1]["migrants"] == "520085"


def test_a_processed_tables_text_is_inert_and_comes_back_exactly():
    """The tables layer: text that begins like a formula gains one apostrophe on the way out and
    loses it on the way in, whatever apostrophes the publisher wrote; numbers are untouched."""
    formulas = [*HOSTILE, "'=x", "''@y", "-"]
    plain = ["'plain", "-5", "+1.5", "Mexico", "a\rb", "Brooks county, Texas"]
    for value in formulas + plain:
        written = store.inert_text(value)
        text = value.replace("\r", "\n")
        assert written == ("'" + text if value in formulas else text), value
        assert store.restore_text(written) == value.replace("\r", "\n")
    assert store.inert_text("'=x") == "''=x" and store.inert_text("'plain") == "'plain"
    assert store.inert_text("-5") == "-5" and store.inert_text(-5) == -5


def test_every_processed_table_is_spreadsheet_safe_through_the_loader(tmp_path):
    """render() for every source's tables: a hostile value in each text column of a real row is
    written inert, and read() gives it back. (The committed tables hold no such cell, see the
    next test, so rendering leaves their bytes as they are.)"""
    import warnings

    from migrationdata.catalog import all_sources

    checked = 0
    (tmp_path / "processed").mkdir()
    for src in all_sources():
        for table in src.tables:
            texts = [c.name for c in table.columns if c.type == "string"]
            path = REPO_DIR / "data" / "processed" / f"{table.name}.csv"
            if not texts or not path.exists():
                continue
            # the table's first row, as written
            hostile = pd.read_csv(path, nrows=1, dtype=str, keep_default_na=False)
            assert processed.render(table, hostile).splitlines()[:2] == path.read_bytes().splitlines()[:2]
            for col in texts:
                hostile[col] = HOSTILE[0]
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                data = processed.render(table, hostile)
            assert formula_cells(data.decode("utf-8")) == [], table.name
            assert len(caught) == len(texts) and table.name in str(caught[0].message)
            (tmp_path / "processed" / f"{table.name}.csv").write_bytes(data)
            back = processed.read(table.name, tmp_path)
            assert back[texts].iloc[0].tolist() == [HOSTILE[0]] * len(texts), table.name
            checked += 1
    assert checked >= 8  # every source has text columns (names, categories, places)


def test_every_committed_csv_export_carries_no_formula():
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "figures", "reports", "build", "data/processed", "data/revisions"],
            cwd=REPO_DIR,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout ({exc})")
    exports = [REPO_DIR / n for n in listed.decode().split("\0") if n.endswith(".csv")]
    assert len(exports) >= 10, "the charts' CSV exports are missing"
    found = {p.name: formula_cells(p.read_text(encoding="utf-8")) for p in exports}
    assert {k: v for k, v in found.items() if v} == {}
