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
# # Encounters at the US–Mexico border: what "record" means
#
# **Claim in the story:** the Biden administration faced a "record-high influx of migrants"
# in late 2023.
#
# **Data:** U.S. Customs and Border Protection (CBP) publishes monthly "encounters" at the
# Southwest land border: Border Patrol (USBP) apprehensions between ports of entry, plus the
# Office of Field Operations' (OFO) inadmissibles at the ports, plus Title 42 expulsions by
# either from March 2020 to 11 May 2023 (`migrationdata.sources.cbp`). CBP's releases start
# in October 2019 (fiscal year 2020). For a longer view we use the Border Patrol alone:
# monthly since October 1999 (CBP's historical PDF, joined to the releases like for like)
# and yearly apprehensions since fiscal year 1960.
#
# **Caveats:** encounters count events, not people: under Title 42 many people were expelled
# and crossed again, each time counted. Fiscal years run October to September. CBP revises
# recent months until a fiscal year closes, so the latest release can differ slightly from
# the figure first announced (`cbp.revisions()` lists every change between releases). CBP's
# releases from September 2025 come by state only, without the Border Patrol / ports split.
# The months after CBP's latest release are a third party's provisional sums
# (`cbp.southwest_provisional()`): they are drawn apart, dashed, and never added to CBP's series.

# %% tags=["parameters"]
as_of = None  # "YYYY-MM-DD": draw the data as it stood then (only periods that had ended)
output = None  # folder for the charts; None means the repository's figures/
langs = None  # editions to draw ("en,es"); None: every edition

# %%
import pandas as pd

from migrationdata import charts
from migrationdata.sources import cbp

charts.setup("02-border-encounters", as_of=as_of, output=output, langs=langs)

# The order under Title 42 of the US Code let officers expel people without an asylum
# hearing from 20 March 2020 until it lapsed on 11 May 2023.
TITLE_42 = (pd.Timestamp("2020-03-20"), pd.Timestamp("2023-05-11"))

# %% [markdown]
# ## Southwest border encounters per month since October 2019

# %%
monthly = charts.ended_by_as_of(cbp.southwest_monthly(), source="cbp").reset_index(drop=True)
record = monthly.loc[monthly["total"].idxmax()]
runner_up = monthly.drop(index=monthly["total"].idxmax()).loc[lambda d: d["total"].idxmax()]
# the Border Patrol line stops where CBP's releases stop splitting the total (state releases)
split = monthly.dropna(subset=["usbp"])
split_note = (
    charts.t("southwest-monthly.note_split", month=split["month"].iloc[-1])
    if split["month"].iloc[-1] < monthly["month"].iloc[-1]
    else ""
)
print(
    f"record {record['month']:%B %Y}: {record['total']:,}; next {runner_up['month']:%B %Y}: {runner_up['total']:,}"
)

# %%
chart = charts.Chart(
    "southwest-monthly",
    # "on record" would overstate: CBP's series starts in October 2019, and the Border Patrol's
    # longer history (below) counts apprehensions only
    title=charts.t(
        "southwest-monthly.title",
        month=record["month"],
        start=monthly["month"].iloc[0],
        count=record["total"],
    ),
    subtitle=charts.t("encounters.subtitle"),
    tables=["cbp_southwest_monthly"],
    notes=[
        charts.join_words([charts.t("encounters.title_42_note"), charts.t("encounters.events")], sep=" "),
        charts.t("southwest-monthly.note_start"),
        split_note,
    ],
)
ax = chart.ax
charts.shade(ax, *TITLE_42, label=charts.t("encounters.title_42"))
ax.plot(monthly["month"], monthly["total"], color=charts.BLUE, lw=2.4)
ax.plot(split["month"], split["usbp"].astype(int), color=charts.GREY, lw=1.4)
charts.mark(
    ax,
    record["month"],
    record["total"],
    charts.t("common.month_count", month=record["month"], count=record["total"]),
    dx=-24,
    dy=8,
)
last = monthly.iloc[-1]
last_split = split.iloc[-1]
# both labels start right of the longer line's end: the Border Patrol line stops months earlier,
# and a label at its own end would sit on the other line
ends = [
    charts.label_end(ax, last["month"], last["total"], charts.t("southwest-monthly.all"), color=charts.BLUE),
    charts.label_end(
        ax,
        last["month"],
        int(last_split["usbp"]),
        charts.t("encounters.border_patrol"),
        color=charts.MUTED,
        fontweight="normal",
    ),
]
chart.keep_apart(ends)
ax.set_ylim(0, record["total"] * 1.12)
charts.number_axis(ax, style="compact")
charts.date_axis(ax)
chart.save(
    data=monthly[["month", "usbp", "ofo", "total"]].rename(
        columns={"usbp": "border_patrol", "ofo": "ports_of_entry"}
    ),
    alt_text=charts.t(
        "southwest-monthly.alt",
        last=last["month"],
        record=record["month"],
        record_count=record["total"],
        runner=runner_up["month"],
        runner_count=runner_up["total"],
        last_count=last["total"],
    ),
)

# %% [markdown]
# ## Through 2025, and the provisional months of 2026
#
# CBP's own series runs to its latest release. A third party (the GitHub repository
# govnumbers/political-dashboard) sums CBP's Southwest release each month and has figures for
# later months; no official file for them is in this data, so they are drawn dashed and
# lighter, labelled provisional, and their compiler is named in the source line.

# %%
START = pd.Timestamp("2024-01-01")
official = charts.ended_by_as_of(cbp.southwest_monthly(), source="cbp")
official = official.loc[official["month"] >= START, ["month", "total"]].reset_index(drop=True)
provisional = charts.ended_by_as_of(cbp.southwest_provisional(), source="cbp_provisional")
if not official.empty:
    provisional = provisional[provisional["month"] > official["month"].max()].reset_index(drop=True)
print(official.tail(3), provisional, sep="\n")

# %%
if official.empty:
    charts.not_drawn("southwest-2025-provisional-2026", f"CBP had not published {START:%B %Y} yet")
else:
    first, latest = official.iloc[0], official.iloc[-1]
    has_provisional = not provisional.empty
    words = {
        "first": first["month"],
        "first_count": first["total"],
        "latest": latest["month"],
        "latest_count": latest["total"],
    }
    title = charts.t("southwest-2025-provisional-2026.title", **words)
    notes = [charts.t("encounters.events")]
    if has_provisional:
        low, high = provisional["total"].min(), provisional["total"].max()
        provisional_period = charts.period_words(provisional["month"])
        words.update(period=provisional_period, low=low, high=high)
        title = charts.t("southwest-2025-provisional-2026.title_provisional", **words)
        notes.insert(0, charts.t("southwest-2025-provisional-2026.note", period=provisional_period))
    chart = charts.Chart(
        "southwest-2025-provisional-2026",
        title=title,
        subtitle=charts.t("encounters.subtitle"),
        tables=["cbp_southwest_monthly", *(["cbp_southwest_provisional"] if has_provisional else [])],
        notes=notes,
    )
    ax = chart.ax
    ax.plot(official["month"], official["total"], color=charts.BLUE, lw=2.4)
    top = official["total"].max()
    ends = []
    if has_provisional:
        half_month = pd.Timedelta(days=15)
        charts.shade(
            ax,
            provisional["month"].min() - half_month,
            provisional["month"].max() + half_month,
            label=charts.t("southwest-2025-provisional-2026.band"),
        )
        # the dashed line starts at CBP's last month, so the two read as one series, told apart
        bridge = pd.concat([official.tail(1), provisional[["month", "total"]]], ignore_index=True)
        ax.plot(bridge["month"], bridge["total"], color=charts.SKY, lw=2.2, ls=(0, (4, 2.5)))
        end = provisional.iloc[-1]
        ends.append(
            charts.label_end(
                ax,
                end["month"],
                end["total"],
                charts.t("southwest-2025-provisional-2026.line"),
                color=charts.MUTED,
            )
        )
        top = max(top, provisional["total"].max())
    # the first month's label sits above the line, placed in data units so that it clears the
    # line at the desktop and the mobile width alike
    charts.mark(ax, first["month"], first["total"], color=charts.BLUE)
    ax.annotate(
        charts.t("common.month_count", month=first["month"], count=first["total"]),
        (first["month"], first["total"]),
        xytext=(first["month"] + pd.Timedelta(days=50), top * 1.1),
        textcoords="data",
        ha="left",
        va="center",
        color=charts.BLUE,
        fontsize=10,
        fontweight="bold",
        arrowprops={"arrowstyle": "-", "color": charts.MUTED, "lw": 0.8, "shrinkA": 2, "shrinkB": 3},
    )
    charts.mark(
        ax,
        latest["month"],
        latest["total"],
        charts.t("common.month_count", month=latest["month"], count=latest["total"]),
        color=charts.HIGHLIGHT,
        dx=-6,
        dy=56,
        ha="center",
    )
    chart.keep_apart(ends)
    ax.set_ylim(0, top * 1.2)
    charts.number_axis(ax, style="compact")
    charts.date_axis(ax)
    plotted = pd.concat(
        [
            official.assign(status="CBP", source="U.S. Customs and Border Protection"),
            provisional[["month", "total"]].assign(
                status="provisional", source="govnumbers/political-dashboard (third party)"
            ),
        ],
        ignore_index=True,
    )
    alt = charts.t(
        "southwest-2025-provisional-2026.alt_provisional"
        if has_provisional
        else "southwest-2025-provisional-2026.alt",
        end=plotted["month"].iloc[-1],
        **words,
    )
    chart.save(data=plotted, alt_text=alt)

# %% [markdown]
# ## The Border Patrol alone, like for like since October 1999
#
# Ports of entry are not in the older series, so this is Border Patrol only. Before March 2020
# it counts Title 8 apprehensions; from then on, also Title 42 expulsions.

# %%
usbp = charts.ended_by_as_of(cbp.usbp_history(), source="cbp").reset_index(drop=True)
top = usbp.loc[usbp["encounters"].idxmax()]
before_2020 = usbp[usbp["month"] < "2020-03-01"]
old_peak = before_2020.loc[before_2020["encounters"].idxmax()]
rank = cbp.records("usbp", n=None)
print(rank.head(5))

# %%
chart = charts.Chart(
    "usbp-monthly-history",
    title=charts.t(
        "usbp-monthly-history.title", month=top["month"], count=top["encounters"], start=usbp["month"].iloc[0]
    ),
    subtitle=charts.t("usbp-monthly-history.subtitle"),
    tables=["usbp_southwest_monthly"],
    notes=[charts.t("usbp-monthly-history.note")],
)
ax = chart.ax
charts.shade(ax, *TITLE_42, label=charts.t("encounters.title_42"))
ax.plot(usbp["month"], usbp["encounters"], color=charts.BLUE, lw=1.6)
for row, color, dx in ((top, charts.HIGHLIGHT, -20), (old_peak, charts.MUTED, 24)):
    charts.mark(
        ax,
        row["month"],
        row["encounters"],
        charts.t("common.month_count", month=row["month"], count=row["encounters"]),
        color=color,
        ms=6,
        dx=dx,
        dy=8,
    )
ax.set_ylim(0, top["encounters"] * 1.15)
charts.number_axis(ax, style="compact")
charts.date_axis(ax)
chart.save(
    data=usbp.rename(columns={"encounters": "border_patrol_encounters"}),
    alt_text=charts.t(
        "usbp-monthly-history.alt",
        start=usbp["month"].iloc[0],
        end=usbp["month"].iloc[-1],
        top=top["month"],
        count=top["encounters"],
        old=old_peak["month"],
        old_count=old_peak["encounters"],
    ),
)

# %% [markdown]
# ## Sixty years of Border Patrol apprehensions
#
# Complete fiscal years only. The years of Title 42 (fiscal 2020–2023) count expulsions too.

# %%
annual = charts.ended_by_as_of(
    cbp.usbp_annual(), "fiscal_year", period="fiscal_year", source="cbp"
).reset_index(drop=True)
best = annual.loc[annual["apprehensions"].idxmax()]
pre = annual[annual["fiscal_year"] < 2020]
pre_best = pre.loc[pre["apprehensions"].idxmax()]
labelled = {int(best["fiscal_year"]), int(pre_best["fiscal_year"])}
first_year = int(annual["fiscal_year"].iloc[0])
print(annual.nlargest(6, "apprehensions"))

# %%
chart = charts.Chart(
    "usbp-annual-history",
    title=charts.t(
        "usbp-annual-history.title",
        best=best["fiscal_year"],
        first=first_year,
        old=pre_best["fiscal_year"],
        millions=pre_best["apprehensions"] / 1e6,
    ),
    subtitle=charts.t("usbp-annual-history.subtitle"),
    tables=["usbp_southwest_annual"],
    notes=[charts.t("usbp-annual-history.note")],
)
ax = chart.ax
t42 = annual["fiscal_year"].between(2020, 2023)
colors = [charts.BLUE if t else charts.GREY for t in t42]
colors = [
    charts.HIGHLIGHT if y == best["fiscal_year"] else c
    for y, c in zip(annual["fiscal_year"], colors, strict=True)
]
bars = ax.bar(annual["fiscal_year"], annual["apprehensions"], color=colors, width=0.8)
for y in sorted(labelled):
    v = int(annual.loc[annual["fiscal_year"] == y, "apprehensions"].iloc[0])
    ax.annotate(
        charts.t("usbp-annual-history.bar", millions=v / 1e6, year=y),
        (y, v),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=9.5,
        fontweight="bold",
        color=charts.HIGHLIGHT if y == best["fiscal_year"] else charts.TEXT,
    )
ax.text(
    2021.5,
    annual.loc[t42, "apprehensions"].max() * 1.13,
    charts.t("usbp-annual-history.years"),
    ha="center",
    va="bottom",
    fontsize=9.5,
    color=charts.BLUE,
)
ax.set_ylim(0, best["apprehensions"] * 1.28)
# room left of the first bar for its year's label, which met the y axis's 0 at the mobile width
ax.set_xlim(first_year - 3, annual["fiscal_year"].iloc[-1] + 1)
ax.tick_params(axis="x", length=0)
charts.number_axis(ax, style="compact")
chart.save(
    data=annual.assign(title_42=t42.values),
    alt_text=charts.t(
        "usbp-annual-history.alt",
        first=first_year,
        last=annual["fiscal_year"].iloc[-1],
        best=best["fiscal_year"],
        best_count=best["apprehensions"],
        old=pre_best["fiscal_year"],
        old_count=pre_best["apprehensions"],
    ),
)

# %% [markdown]
# ## Who was encountered in December 2023
#
# Citizenship is published in detail only in CBP's nationwide releases; the Southwest rows
# are summed here. "Other" gathers every country CBP does not name.

# %%
MONTH = pd.Timestamp("2023-12-01")
TOP = 9
cit = cbp.top_citizenships(MONTH, n=TOP)
total = int(cbp.southwest_monthly().set_index("month").loc[MONTH, "total"])
rest = total - int(cit["encounters"].sum())
OTHERS = charts.t("citizenship-dec-2023.others")
shown = pd.concat(
    [
        cit[["citizenship", "encounters", "share"]].assign(
            citizenship=[charts.country(c) for c in cit["citizenship"]]
        ),
        pd.DataFrame([{"citizenship": OTHERS, "encounters": rest, "share": rest / total}]),
    ],
    ignore_index=True,
)
first, second = shown.iloc[0], shown.iloc[1]
print(shown, total)

# %%
if charts.has_ended(MONTH, source="cbp"):
    chart = charts.Chart(
        "citizenship-dec-2023",
        title=charts.t(
            "citizenship-dec-2023.title",
            first=charts.country(first["citizenship"]),
            second=charts.country(second["citizenship"]),
            share=first["share"] + second["share"],
            total=total,
            month=MONTH,
        ),
        subtitle=charts.t("citizenship-dec-2023.subtitle", month=MONTH),
        tables=["cbp_encounters", "cbp_southwest_monthly"],
    )
    charts.ranked_bars(
        chart.ax,
        shown["citizenship"],
        shown["encounters"],
        shown["share"],
        highlight=[first["citizenship"], second["citizenship"]],
        rest=OTHERS,
        headroom=1.3,
    )
    chart.save(
        data=shown.assign(share=shown["share"].round(4)),
        alt_text=charts.t(
            "citizenship-dec-2023.alt",
            month=MONTH,
            first=charts.country(first["citizenship"]),
            first_count=first["encounters"],
            second=charts.country(second["citizenship"]),
            second_count=second["encounters"],
            total=total,
        ),
    )
else:
    charts.not_drawn("citizenship-dec-2023", f"CBP published its {MONTH:%B %Y} figures later")
