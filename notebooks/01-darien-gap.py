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
# # The Darién Gap: a record year in 2023
#
# **Claim in the story:** over half a million migrants crossed the Darién jungle in 2023,
# doubling the previous year's record.
#
# **Data:** Panama's Servicio Nacional de Migración (SNM) counts the people its reception
# stations register after they cross from Colombia. SNM publishes PDFs; we read the same
# tables as republished in the `gdidata` R package (`migrationdata.sources.darien`). Years
# 2010–2019 are annual totals only; monthly detail by nationality starts in 2020, by age
# group in 2023. April, May and July 2020 have no published figure (the border was closed),
# so 2020 is a partial year.
#
# **Method:** annual totals as published; shares of a year's total by nationality; minors
# are SNM's boys plus girls. Every number below is computed from the processed tables.

# %% tags=["parameters"]
as_of = None  # "YYYY-MM-DD": draw the data as it stood then (only periods that had ended)
output = None  # folder for the charts; None means the repository's figures/
langs = None  # editions to draw ("en,es"); None: every edition

# %%
import pandas as pd

from migrationdata import charts
from migrationdata.sources import darien

charts.setup("01-darien-gap", as_of=as_of, output=output, langs=langs)

# %% [markdown]
# ## Crossings per year, 2010–2023
#
# The story's range ends in 2023. The 2023 total is compared with 2022, the previous record.

# %%
STORY_YEARS = range(2010, 2024)

annual = charts.ended_by_as_of(darien.annual(), "year", period="year", source="darien")
annual = annual[annual["year"].isin(STORY_YEARS)].reset_index(drop=True)
latest, previous = annual.iloc[-1], annual.iloc[-2]
record_before = annual.iloc[:-1]["migrants"].max()
ratio = latest["migrants"] / previous["migrants"]
after = darien.annual().set_index("year")["migrants"].get(int(latest["year"]) + 1)
print(f"{latest['year']}: {latest['migrants']:,}; {previous['year']}: {previous['migrants']:,}; x{ratio:.2f}")

# %%
is_record = latest["migrants"] > record_before
chart = charts.Chart(
    "darien-annual",
    title=charts.t(
        "darien-annual.title_record" if is_record else "darien-annual.title",
        change=charts.change_phrase(latest["migrants"], previous["migrants"]),
        year=latest["year"],
        count=latest["migrants"],
    ),
    subtitle=charts.t("darien-annual.subtitle"),
    tables=["darien_annual"],
    notes=[
        charts.join_words(
            [
                charts.t("darien-annual.note_2020"),
                charts.t("darien-annual.note_after", year=latest["year"] + 1, count=after)
                if after is not None and not charts.as_of()
                else "",
            ],
            sep=" ",
        )
    ],
)
ax = chart.ax
colors = [charts.HIGHLIGHT if y == latest["year"] else charts.GREY for y in annual["year"]]
bars = ax.bar(annual["year"], annual["migrants"], color=colors, width=0.72)
labels = [
    f"{m:,}" if y in (latest["year"], previous["year"]) else ""
    for y, m in zip(annual["year"], annual["migrants"], strict=True)
]
texts = charts.bar_labels(ax, bars, labels, fontweight="bold")
# the year before's label ends at its bar's right edge: centred, it runs into the record's bar
# at the mobile width
before = list(annual["year"]).index(previous["year"])
texts[before].set_horizontalalignment("right")
texts[before].xy = (bars[before].get_x() + bars[before].get_width(), bars[before].get_height())
ax.set_xticks([y for y in annual["year"] if y % 5 == 0 or y == latest["year"]])
ax.tick_params(axis="x", length=0)
charts.number_axis(ax, style="compact")
chart.save(
    data=annual[["year", "migrants", "months_reported", "coverage"]],
    alt_text=charts.t(
        "darien-annual.alt",
        first=annual["year"].iloc[0],
        year=latest["year"],
        previous=previous["migrants"],
        previous_year=previous["year"],
        count=latest["migrants"],
        ratio=ratio,
    ),
)

# %% [markdown]
# ## Month by month since 2021, and the running total for 2023
#
# When did 2023 overtake the whole of 2022?

# %%
YEAR = 2023
monthly = charts.ended_by_as_of(darien.monthly_totals(), source="darien")
monthly = monthly[monthly["month"] >= "2021-01-01"].reset_index(drop=True)
running = charts.ended_by_as_of(darien.cumulative(YEAR), source="darien")
prior_total = darien.year_total(YEAR - 1)
passed = running[running["cumulative"] > prior_total]
passed_month = passed["month"].iloc[0] if not passed.empty else None
year_total = int(running["cumulative"].iloc[-1])
peak = running.loc[running["migrants"].idxmax()]
print(
    f"{YEAR - 1}: {prior_total:,}; {YEAR} passed it in {passed_month:%B}; peak {peak['month']:%B} {peak['migrants']:,}"
)

# %%
chart = charts.Chart(
    "darien-monthly-2023",
    title=(
        charts.t("darien-monthly-2023.title", month=passed_month, year=YEAR, previous=YEAR - 1)
        if passed_month is not None
        else charts.t("darien-monthly-2023.title_plain", year=YEAR)
    ),
    subtitle=charts.t("darien-monthly-2023.subtitle", year=YEAR),
    tables=["darien_monthly"],
    size="portrait",
    nrows=2,
    gridspec_kw={"height_ratios": [1, 1], "hspace": 0.3},
)
top, bottom = chart.axes
in_year = monthly["month"].dt.year == YEAR
top.bar(
    monthly["month"],
    monthly["migrants"].astype(float),
    width=24,
    color=[charts.HIGHLIGHT if y else charts.GREY for y in in_year],
)
charts.number_axis(top, style="compact")
charts.date_axis(top)
top.set_title(charts.t("darien-monthly-2023.top"), loc="left", fontsize=11)
charts.callout(
    top,
    peak["month"],
    peak["migrants"],
    charts.t("darien-monthly-2023.peak", month=peak["month"], count=peak["migrants"]),
    dx=40,
    dy=-2,
    va="center",
)
top.set_ylim(0, peak["migrants"] * 1.12)

bottom.plot(running["month"], running["cumulative"], color=charts.HIGHLIGHT, marker="o", markersize=4)
bottom.axhline(prior_total, color=charts.MUTED, lw=1, ls="--")
bottom.text(
    running["month"].iloc[0],
    prior_total,
    charts.t("darien-monthly-2023.all_of", year=YEAR - 1, count=prior_total),
    va="bottom",
    ha="left",
    fontsize=10,
    color=charts.MUTED,
)
if passed_month is not None:
    charts.callout(
        bottom,
        passed_month,
        passed["cumulative"].iloc[0],
        charts.t("darien-monthly-2023.passed", month=passed_month, count=passed["cumulative"].iloc[0]),
        dx=-14,
        dy=26,
    )
charts.label_end(bottom, running["month"].iloc[-1], year_total, f"{year_total:,}", color=charts.HIGHLIGHT)
bottom.set_title(charts.t("darien-monthly-2023.bottom", year=YEAR), loc="left", fontsize=11)
bottom.set_ylim(0, year_total * 1.1)
charts.date_axis(bottom)
charts.number_axis(bottom, style="compact")

data = monthly.rename(columns={"migrants": "crossings"}).merge(
    running[["month", "cumulative"]].rename(columns={"cumulative": f"running_total_{YEAR}"}),
    on="month",
    how="left",
)
chart.save(
    data=data,
    alt_text=charts.t(
        "darien-monthly-2023.alt",
        peak=peak["month"],
        peak_count=peak["migrants"],
        year=YEAR,
        previous=YEAR - 1,
        prior=prior_total,
        passed=passed_month,
        total=year_total,
        last=running["month"].iloc[-1],
    ),
)

# %% [markdown]
# ## Who crossed in 2023
#
# The ten largest nationalities; the rest are grouped.

# %%
TOP = 10
nat = darien.by_nationality(YEAR)
months = charts.ended_by_as_of(darien.monthly_totals(), source="darien")
PERIOD = charts.period_words(months[months["month"].dt.year == YEAR]["month"])
if charts.as_of() is not None:
    # only the months published by then: the loader sums the whole year
    rows = charts.ended_by_as_of(darien.monthly(), source="darien")
    rows = rows[(rows["month"].dt.year == YEAR) & (rows["nationality_iso3"] != "")]
    nat = (
        rows.groupby("nationality", as_index=False)["migrants"].sum().sort_values("migrants", ascending=False)
    )
    nat["share"] = nat["migrants"] / nat["migrants"].sum()
shown = nat.head(TOP)[["nationality", "migrants", "share"]].copy()
shown["nationality"] = [charts.country(n) for n in shown["nationality"]]
rest = nat.iloc[TOP:]
others = charts.t("darien-nationality-2023.others", count=len(rest))
shown.loc[len(shown)] = [others, rest["migrants"].sum(), rest["share"].sum()]
leader = shown.iloc[0]
print(shown)

# %%
chart = charts.Chart(
    "darien-nationality-2023",
    title=charts.t(
        "darien-nationality-2023.title",
        nationality=leader["nationality"],
        share=leader["share"],
        period=PERIOD,
    ),
    subtitle=charts.t("darien-nationality-2023.subtitle", period=PERIOD),
    tables=["darien_monthly"],
    notes=[charts.t("darien-nationality-2023.note")],
)
charts.ranked_bars(
    chart.ax,
    shown["nationality"],
    shown["migrants"],
    shown["share"],
    highlight=[leader["nationality"]],
    rest=others,
    headroom=1.25,
)
chart.save(
    data=shown.assign(share=shown["share"].round(4)),
    alt_text=charts.t(
        "darien-nationality-2023.alt",
        period=PERIOD,
        first=leader["nationality"],
        first_count=leader["migrants"],
        share=leader["share"],
        second=shown.iloc[1]["nationality"],
        second_count=shown.iloc[1]["migrants"],
        third=shown.iloc[2]["nationality"],
        third_count=shown.iloc[2]["migrants"],
    ),
)

# %% [markdown]
# ## Children
#
# SNM counts boys and girls separately only from 2023; before that, minors were inside the
# men and women groups, so there is no comparable figure for earlier years.

# %%
kids = darien.children(YEAR)
groups = charts.ended_by_as_of(darien.demographics(), source="darien")
groups = groups[groups["month"] >= f"{YEAR}-01-01"]
wide = groups.pivot_table(index="month", columns="group", values="migrants", aggfunc="sum").fillna(0)
by_month = pd.DataFrame(
    {
        "month": wide.index,
        "children": (wide["boys"] + wide["girls"]).astype(int).values,
        "adults": (wide["men"] + wide["women"]).astype(int).values,
    }
)
in_year = groups[groups["month"].dt.year == YEAR]
KIDS_PERIOD = charts.period_words(in_year["month"])
if charts.as_of() is not None:
    # only the months published by then: the loader sums the whole year
    by = in_year.groupby("group")["migrants"].sum()
    minors, total = int(by["boys"] + by["girls"]), int(by.sum())
    kids = {"boys": int(by["boys"]), "girls": int(by["girls"]), "minors": minors, "total": total}
    kids["share"] = minors / total
print(KIDS_PERIOD, kids)

# %%
chart = charts.Chart(
    "darien-children",
    title=charts.t("darien-children.title", share=kids["share"], period=KIDS_PERIOD, minors=kids["minors"]),
    subtitle=charts.t("darien-children.subtitle"),
    tables=["darien_demographics"],
    notes=[charts.t("darien-children.note")],
)
ax = chart.ax
ax.bar(
    by_month["month"],
    by_month["children"],
    width=24,
    bottom=by_month["adults"],
    color=charts.BLUE,
    label=charts.t("darien-children.children"),
)
ax.bar(
    by_month["month"],
    by_month["adults"],
    width=24,
    color=charts.LIGHT_GREY,
    label=charts.t("darien-children.adults"),
)
charts.legend(ax)
charts.number_axis(ax, style="compact")
charts.date_axis(ax)
chart.save(
    data=by_month,
    alt_text=charts.t(
        "darien-children.alt",
        year=YEAR,
        period=KIDS_PERIOD,
        minors=kids["minors"],
        total=kids["total"],
        boys=kids["boys"],
        girls=kids["girls"],
        share=kids["share"],
    ),
)
