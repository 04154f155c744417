# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Fact-check: the stories' claims against the data
#
# Each story on the beat has a ledger, `stories/<slug>/story.yaml`: every statement the data
# can settle, in our own words, the metric that measures it, the test in newsroom language
# ("more than 500,000", "the lowest", "down 42%") and the verdicts we recorded. This notebook
# evaluates them on the day each story ran (only the figures then released: the seed story of
# 28 December 2023 saw Panama's and CBP's tables through November) and now.
#
# The same evaluation runs in CI (`migrationdata check --all`), which fails if a data revision
# flips a verdict. The reports, with sources and caveats, are in `reports/<slug>/`.

# %% tags=["parameters"]
as_of = None  # "YYYY-MM-DD": evaluate "now" as of this date instead of today's data
output = None  # unused here: this notebook draws no chart (the reports link the others)

# %%
from datetime import date

import pandas as pd

from migrationdata import claims

now_date = date.fromisoformat(as_of) if as_of else None
stories = claims.load_stories()
rows = []
for story in stories:
    then = {r.id: r for r in claims.evaluate_story(story, story.published)}
    for r in claims.evaluate_story(story, now_date):
        rows.append(
            {
                "story": story.slug,
                "claim": r.id,
                "then": then[r.id].verdict,
                "now": r.verdict,
                "figure now": r.display,
                "as recorded": "yes"
                if r.matches and then[r.id].matches
                else f"NO (recorded {r.recorded} / {then[r.id].recorded})",
            }
        )
ledger = pd.DataFrame(rows)

# %% [markdown]
# ## The ledgers
#
# A verdict that differs from the recorded one is flagged in the last column.

# %%
with pd.option_context("display.max_colwidth", 120, "display.max_rows", 200):
    display(ledger)  # noqa: F821 - IPython's display

# %% [markdown]
# ## What changed between publication day and now
#
# The seed story's half-million claim could not be confirmed from Panama's published months on
# 28 December 2023 (January–November summed to just under 500,000); the December figure settled
# it in January. Reuters' 2024 Darién totals, on 2 January 2025, rested the same way on a
# December not yet published.

# %%
changed = ledger[ledger["then"] != ledger["now"]]
with pd.option_context("display.max_colwidth", 120):
    display(changed[["story", "claim", "then", "now", "figure now"]])  # noqa: F821

# %%
assert (ledger["as recorded"] == "yes").all(), "a verdict differs from a ledger: see the table above"
