"""From a trial on a freight newsletter's story of BTS's 2024 border-crossing data (FTR, 27
February 2025: truck crossings from Mexico up 2.8% in 2024; Laredo handled 51% of them, Otay
Mesa just under 18%). What the trial fixed: a port's share of a kind of crossing ("Laredo
handled 51% of all truck crossings") is the port's count over every port's of that kind, not
"a share of what?". On BTS's table the shares are 39.7% and 13.9% (3,026,632 and 1,059,759 of
7,617,207 trucks), and trucks rose 3.5% (7,356,659 in 2023): the draft finds the story's
figures not supported, which an editor checks against the count the newsletter used.
The text is a paraphrase; the figures are the story's.
"""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.draft.story import draft_story

PUBLISHED = date(2025, 2, 27)

STORY = """Truck crossings from Mexico reach new highs in 2024

The Bureau of Transportation Statistics released data showing that truck crossings from Mexico into the United States rose 2.8% in 2024 from the year before.

Laredo, Texas, handled 51% of all truck crossings from Mexico in 2024.

Otay Mesa, California, came a distant second with just under 18% of the trucks.
"""

TRUCKS = {"table": "crossings_us_mexico", "column": "value"}


def _claims(evaluator=None):
    draft = draft_story(STORY, PUBLISHED, "en", evaluator=evaluator)
    assert not draft.unmapped, [(p.words, p.reason) for p in draft.unmapped]
    return {p.test: p for p in draft.proposals if p.kind == "claim"}


def test_a_port_s_share_of_a_kind_of_crossing():
    claims = _claims()
    assert claims["up 2.8%"].params == {
        **TRUCKS,
        "where": {"measure": "Trucks"},
        "from": "2023",
        "to": "2024",
        "measure": "percent",
    }
    for test, port in (("51%", "Laredo"), ("nearly 18%", "Otay Mesa")):
        p = claims[test]
        assert p.metric == "share", test
        assert p.params == {
            **TRUCKS,
            "where": {"port": port, "measure": "Trucks"},
            "of": {"measure": "Trucks"},
            "period": "2024",
        }, test
    # the paragraph naming no year goes on in the story's
    assert "No period named: read as 2024" in claims["nearly 18%"].caveat


@pytest.mark.mirror
def test_bts_counts_a_smaller_share_for_laredo_than_the_story():
    from migrationdata.draft import engine

    claims = _claims(engine.evaluate)
    laredo = claims["51%"].evaluations["now"]
    assert laredo.verdict == "not-supported"
    assert laredo.figure.startswith("39.7% — 3,026,632 (port Laredo, measure Trucks) of 7,617,207")
    assert claims["nearly 18%"].evaluations["now"].figure.startswith("13.9% — 1,059,759")
    assert "+3.5%" in claims["up 2.8%"].evaluations["now"].figure
