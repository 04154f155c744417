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
# # Fact-check: the story's claims against the data
#
# The story (US–Mexico talks on migration and trade, 27 December 2023) makes a handful of
# statements that official statistics can settle. `data/claims.yaml` lists each one in our
# own words, the figure that tests it and the verdict we recorded; this notebook evaluates
# them twice:
#
# - **then**: only what the publishers had released by 28 December 2023 (Panama's monthly
#   tables ran through November; CBP's through November; trade through October);
# - **now**: the data as they stand today, revisions included.
#
# The same evaluation runs in CI (`migrationdata check`), which fails if a data revision flips
# a verdict. The full report, with sources and caveats, is `reports/factcheck.md`.

# %% tags=["parameters"]
as_of = None  # "YYYY-MM-DD": evaluate "now" as of this date instead of today's data
output = None  # unused here: this notebook draws no chart (the report links the others)

# %%
from datetime import date

import pandas as pd

from migrationdata import claims

now = claims.evaluate_all(claims.Vintage(date.fromisoformat(as_of) if as_of else None))
then = {r.id: r for r in claims.evaluate_all(claims.Vintage(claims.PUBLICATION_DAY))}

# %% [markdown]
# ## The ledger
#
# A verdict that differs from the recorded one is flagged in the last column.

# %%
ledger = pd.DataFrame(
    {
        "claim": [r.id for r in now],
        "then (28 Dec 2023)": [then[r.id].verdict for r in now],
        "now": [r.verdict for r in now],
        "figure now": [r.display for r in now],
        "chart": [f"figures/{r.chart}.png" if r.chart else "" for r in now],
        "as recorded": ["yes" if r.matches else f"NO (recorded {r.recorded})" for r in now],
    }
)
with pd.option_context("display.max_colwidth", 120):
    display(ledger)  # noqa: F821 - IPython's display

# %% [markdown]
# ## What changed between publication day and now
#
# The half-million claim could not be confirmed from Panama's published months on 28 December
# (January–November summed to just under 500,000); the December figure settled it in January.

# %%
changed = [r for r in now if then[r.id].verdict != r.verdict]
for r in changed:
    print(f"{r.id}: {then[r.id].verdict} -> {r.verdict}")
    print(f"    then: {then[r.id].display}")
    print(f"    now:  {r.display}")

# %%
assert all(r.matches for r in now), "a verdict differs from the ledger: see the table above"
