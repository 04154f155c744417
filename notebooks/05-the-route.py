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
# # The route: Mexico's enforcement, the dead and missing, and the money sent home
#
# **Context in the story:** at the December 2023 talks in Mexico City, Mexico agreed to do
# more to stop people heading north. The other notebooks show the two ends of the route (the
# Darién and the US border); this one shows the middle and the cost.
#
# **Data:** Mexico's Unidad de Política Migratoria (UPM) counts foreigners found in an
# irregular situation and the people it returned (`migrationdata.sources.mexico`); IOM's
# Missing Migrants Project records deaths and disappearances (`sources.missing_migrants`,
# with the Darién and the US–Mexico border defined by place, see the data dictionary); Banco
# de México publishes family remittances (`sources.remittances`).
#
# **Caveats:** UPM counts events, not people: someone detained twice counts twice. IOM's
# figures are minimums: many deaths are never found or reported. Remittances are in current
# dollars, not adjusted for inflation.

# %% tags=["parameters"]
as_of = None  # "YYYY-MM-DD": draw the data as it stood then (only periods that had ended)
output = None  # folder for the charts; None means the repository's figures/
langs = None  # editions to draw ("en,es"); None: every edition

# %%
import math

import pandas as pd

from migrationdata import charts
from migrationdata.sources import cbp, darien, honduras, mexico, missing_migrants, remittances

charts.setup("05-the-route", as_of=as_of, output=output, langs=langs)

TALKS = pd.Timestamp("2023-12-01")  # the talks were on 27 December 2023
EVENTS_NOTE = charts.t("route.events")

# %% [markdown]
# ## The route in one picture
#
# Four counts along the route, month by month from January 2021 to each one's latest month:
# people crossing the Darién into Panama, people entering Honduras irregularly, Mexico's
# events of foreigners in an irregular situation, and US Southwest border encounters. Their
# scales differ by an order of magnitude, so each gets its own panel and axis, all sharing
# one time axis with the December 2023 talks marked.

# %%
START = pd.Timestamp("2021-01-01")
ROUTE = [
    # (label, monthly frame with month and a value column, colour)
    (
        charts.t("route-one-picture.darien"),
        charts.ended_by_as_of(darien.monthly_totals(), source="darien").rename(columns={"migrants": "value"}),
        charts.ORANGE,
    ),
    (
        charts.t("route-one-picture.honduras"),
        charts.ended_by_as_of(honduras.monthly(), source="honduras").rename(columns={"migrants": "value"}),
        charts.GREEN,
    ),
    (
        charts.t("route-one-picture.mexico"),
        charts.ended_by_as_of(mexico.monthly_totals(), source="mexico").rename(columns={"events": "value"}),
        charts.VERMILLION,
    ),
    (
        charts.t("route-one-picture.us"),
        charts.ended_by_as_of(cbp.southwest_monthly(), source="cbp").rename(columns={"total": "value"}),
        charts.BLUE,
    ),
]
NAMES = {str(name): name for name, _, _ in ROUTE}  # the series' names in every language
route = pd.concat(
    [df.loc[df["month"] >= START, ["month", "value"]].dropna().assign(series=name) for name, df, _ in ROUTE],
    ignore_index=True,
)
route["value"] = route["value"].astype("int64")
talks_value = route[route["month"] == TALKS].set_index("series")["value"]
summary = route.groupby("series", sort=False).agg(
    peak=("value", "max"),
    latest_month=("month", "max"),
)
summary["peak_month"] = route.loc[route.groupby("series", sort=False)["value"].idxmax()].set_index("series")[
    "month"
]
summary["latest"] = route.sort_values("month").groupby("series", sort=False)["value"].last()
summary["talks"] = talks_value
summary["since_talks"] = summary["latest"] / summary["talks"] - 1
print(summary)

# %%
if len(summary) == len(ROUTE) and summary["talks"].notna().all():
    falls = summary["since_talks"]
    falls = summary["since_talks"]
    least = math.floor(-falls.max() * 100)
    smallest, largest = summary["latest"].idxmin(), summary["latest"].idxmax()
    chart = charts.Chart(
        "route-one-picture",
        title=(
            charts.t("route-one-picture.title", least=least)
            if (falls < 0).all()
            else charts.t("route-one-picture.title_plain")
        ),
        subtitle=charts.t("route-one-picture.subtitle"),
        tables=["darien_monthly", "honduras_monthly", "mexico_irregular_monthly", "cbp_southwest_monthly"],
        notes=[
            charts.t("route-one-picture.note_events"),
            charts.t(
                "route-one-picture.note_panels",
                low=summary.loc[smallest, "latest"],
                high=summary.loc[largest, "latest"],
            ),
            charts.t("route-one-picture.note_talks"),
        ],
        size="portrait",
        nrows=len(ROUTE),
        sharex=True,
        gridspec_kw={"hspace": 0.55},
    )
    for i, (ax, (name, _, color)) in enumerate(zip(chart.axes.flat, ROUTE, strict=True)):
        part = route[route["series"] == name]
        row = summary.loc[name]
        ax.plot(charts.mid_month(part["month"]), part["value"], color=color, lw=1.8)
        ax.axvline(charts.mid_month(TALKS), color=charts.MUTED, lw=0.9, ls="--", zorder=1)
        ax.set_ylim(0, row["peak"] * 1.35)
        charts.number_axis(ax, style="compact")
        # the panel's name above it, in the line's colour: no legend needed
        ax.text(
            0.0,
            1.06,
            name,
            transform=ax.transAxes,
            color=color,
            fontsize=10.5,
            fontweight="bold",
            va="bottom",
        )
        end = part.iloc[-1]
        ax.annotate(
            charts.t("route-one-picture.end", value=charts.compact(end["value"]), month=end["month"]),
            (charts.mid_month(end["month"]), end["value"]),
            xytext=(5, 2),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=9,
            fontweight="bold",
            color=color,
            annotation_clip=False,
        )
        ax.plot([charts.mid_month(TALKS)], [row["talks"]], "o", color=color, ms=5, zorder=5)
        # the December value at the top of the dashed line, where every panel has room
        ax.annotate(
            charts.t(
                "route-one-picture.talks_first" if i == 0 else "route-one-picture.talks",
                value=charts.compact(row["talks"]),
            ),
            (charts.mid_month(TALKS), 0.97),
            xycoords=("data", "axes fraction"),
            xytext=(5, 0),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=9,
            color=charts.TEXT,
        )
    charts.date_axis(chart.axes.flat[-1])
    chart.save(
        data=route.pivot(index="month", columns="series", values="value")[
            [n for n, _, _ in ROUTE]
        ].reset_index(),
        alt_text=charts.t(
            "route-one-picture.alt",
            series=charts.join_words(
                [
                    charts.t(
                        "route-one-picture.alt_series_peak"
                        if row["peak_month"] == TALKS
                        else "route-one-picture.alt_series",
                        name=NAMES[name],
                        talks=row["talks"],
                        peak=row["peak"],
                        peak_month=row["peak_month"],
                        latest=row["latest"],
                        latest_month=row["latest_month"],
                    )
                    for name, row in summary.iterrows()
                ],
                sep=" ",
            ),
        ),
    )
else:
    charts.not_drawn("route-one-picture", "one of the four series had no figure for December 2023")

# %% [markdown]
# ## Mexico's enforcement before and after the talks, by nationality
#
# The six months before December 2023 against the six months after; December itself, the
# month of the talks, is left out of both.

# %%
BEFORE = (pd.Timestamp("2023-06-01"), pd.Timestamp("2023-11-01"))
AFTER = (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-06-01"))
TOP = 8
nat = charts.ended_by_as_of(mexico.monthly(), source="mexico")


def window(df, span):
    part = df[df["month"].between(*span)]
    return part.groupby("nationality")["events"].sum()


if charts.has_ended(AFTER[1], source="mexico"):
    side = pd.DataFrame({"before": window(nat, BEFORE), "after": window(nat, AFTER)}).fillna(0).astype(int)
    totals = side.sum()
    side = side.sort_values("after", ascending=False)
    shown = side.head(TOP).copy()
    OTHERS = charts.t("mexico-enforcement-talks.others")
    shown.loc[OTHERS] = side.iloc[TOP:].sum()
    COUNTRIES = {n: charts.country(n) for n in shown.index if n != OTHERS}
    shown["change"] = shown["after"] / shown["before"] - 1
    first = shown.index[0]
    print(shown, totals, sep="\n")

# %%
if charts.has_ended(AFTER[1], source="mexico"):
    chart = charts.Chart(
        "mexico-enforcement-talks",
        title=charts.t(
            "mexico-enforcement-talks.title",
            change=charts.change_phrase(totals["after"], totals["before"]),
            count=totals["after"],
        ),
        subtitle=charts.t("mexico-enforcement-talks.subtitle"),
        tables=["mexico_irregular_monthly"],
        notes=[
            charts.join_words([EVENTS_NOTE, charts.t("mexico-enforcement-talks.note_who")], sep=" "),
            charts.t("mexico-enforcement-talks.note_december"),
        ],
        size="portrait",
    )
    ax = chart.ax
    names = list(shown.index)[::-1]
    y = range(len(names))
    h = 0.38
    ax.barh([i + h / 2 for i in y], shown["before"][::-1], height=h, color=charts.GREY)
    ax.barh([i - h / 2 for i in y], shown["after"][::-1], height=h, color=charts.HIGHLIGHT)
    for i, name in enumerate(names):
        after_n, before_n, change = (
            int(shown.loc[name, "after"]),
            int(shown.loc[name, "before"]),
            shown.loc[name, "change"],
        )
        # the top pair says which bar is which period, so no legend is needed
        top = name == first
        ax.annotate(
            charts.t("mexico-enforcement-talks.after_top", count=after_n, change=change)
            if top
            else f"{after_n:,} ({change:+.0%})",
            (after_n, i - h / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=charts.HIGHLIGHT,
            fontweight="bold",
        )
        ax.annotate(
            charts.t("mexico-enforcement-talks.before_top", count=before_n) if top else f"{before_n:,}",
            (before_n, i + h / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=charts.MUTED,
        )
    ax.set_yticks(list(y), names)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.grid(False)
    ax.set_xlim(0, shown[["before", "after"]].to_numpy().max() * 1.45)
    chart.save(
        data=shown.reset_index(names="nationality").assign(change=lambda d: d["change"].round(4)),
        alt_text=charts.t(
            "mexico-enforcement-talks.alt",
            before=totals["before"],
            after=totals["after"],
            first=COUNTRIES.get(first, first),
            first_before=shown.loc[first, "before"],
            first_after=shown.loc[first, "after"],
        ),
    )
else:
    charts.not_drawn("mexico-enforcement-talks", "the six months after the talks had not all been published")

# %% [markdown]
# ## Mexico's returns: deportations and assisted returns, by year
#
# Complete calendar years only. "Assisted returns" includes the returns of children.

# %%
ret = charts.ended_by_as_of(mexico.returns(), source="mexico")
ret = ret.assign(
    year=ret["month"].dt.year,
    kind=ret["return_type"].where(ret["return_type"] == "deportation", "assisted_return"),
)
by_year = ret.pivot_table(index="year", columns="kind", values="events", aggfunc="sum", fill_value=0)
months = ret.groupby("year")["month"].nunique()
by_year = by_year[months == 12].reindex(columns=["deportation", "assisted_return"], fill_value=0)
by_year["total"] = by_year.sum(axis=1)
by_year = by_year.reset_index()
last = by_year.iloc[-1]
peak = by_year.loc[by_year["total"].idxmax()]
fewest = last["total"] == by_year["total"].min()
print(by_year)

# %%
chart = charts.Chart(
    "mexico-returns",
    title=charts.t(
        "mexico-returns.title_fewest" if fewest else "mexico-returns.title",
        count=last["total"],
        year=last["year"],
        first=by_year["year"].iloc[0],
        peak=peak["total"],
        peak_year=peak["year"],
    ),
    subtitle=charts.t("mexico-returns.subtitle"),
    tables=["mexico_returns_monthly"],
    notes=[charts.t("mexico-returns.note")],
)
ax = chart.ax
x = by_year["year"]
ax.bar(x, by_year["assisted_return"], color=charts.SKY, width=0.75)
ax.bar(x, by_year["deportation"], bottom=by_year["assisted_return"], color=charts.BLUE, width=0.75)
for xi, total in zip(x, by_year["total"], strict=True):
    ax.annotate(
        charts.compact(total),
        (xi, total),
        xytext=(0, 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=9,
        color=charts.HIGHLIGHT if xi == last["year"] else charts.TEXT,
        fontweight="bold" if xi == last["year"] else "normal",
    )
first_year = by_year.iloc[0]
ax.annotate(
    charts.t("mexico-returns.assisted"),
    (first_year["year"], first_year["assisted_return"] / 2),
    ha="center",
    va="center",
    fontsize=9,
    color="white",
    fontweight="bold",
    rotation=90,
)
ax.annotate(
    charts.t(
        "mexico-returns.deportations",
        first=first_year["deportation"],
        first_year=first_year["year"],
        last=last["deportation"],
        last_year=last["year"],
    ),
    (first_year["year"] + 0.38, first_year["assisted_return"] + first_year["deportation"] / 2),
    xytext=(first_year["year"] + 1.6, by_year["total"].max() * 1.07),
    ha="left",
    va="center",
    fontsize=9.5,
    color=charts.BLUE,
    fontweight="bold",
    arrowprops={"arrowstyle": "-", "color": charts.MUTED, "lw": 0.8},
)
ax.set_ylim(0, by_year["total"].max() * 1.18)
ax.set_xticks(list(x))
ax.tick_params(axis="x", length=0)
charts.number_axis(ax, style="compact")
chart.save(
    data=by_year,
    alt_text=charts.t(
        "mexico-returns.alt",
        first=by_year["year"].iloc[0],
        year=last["year"],
        peak=peak["total"],
        peak_year=peak["year"],
        count=last["total"],
        deported=last["deportation"],
    ),
)

# %% [markdown]
# ## Dead and missing in the Darién and at the US–Mexico border
#
# Every row of IOM's database added once (split rows are parts of one incident; cumulative
# rows group deaths reported together). "In the Darién": incidents in Panama or Colombia in the
# jungle and the Gulf of Urabá crossings; "at the border": within 100 miles of the US–Mexico
# line, on either side.

# %%
deaths = missing_migrants.annual()
deaths = charts.ended_by_as_of(deaths, "year", period="year", source="missing_migrants")
deaths = deaths[deaths["complete"]]
wide = deaths.pivot(index="year", columns="area", values="dead_and_missing").reset_index()
darien_max = wide.loc[wide["darien"].idxmax()]
border_total = int(wide["us_mexico_border"].sum())
darien_total = int(wide["darien"].sum())
always_more = bool((wide["us_mexico_border"] > wide["darien"]).all())
print(wide, border_total, darien_total)

# %%
chart = charts.Chart(
    "route-deaths",
    title=charts.t(
        "route-deaths.title_always" if always_more else "route-deaths.title",
        border=border_total,
        darien=darien_total,
        year=darien_max["year"],
        count=darien_max["darien"],
    ),
    subtitle=charts.t("route-deaths.subtitle"),
    tables=["missing_migrants_annual"],
    notes=[charts.t("route-deaths.note")],
)
ax = chart.ax
x = wide["year"]
w = 0.4
ax.bar(x - w / 2, wide["us_mexico_border"], width=w, color=charts.BLUE)
ax.bar(x + w / 2, wide["darien"], width=w, color=charts.ORANGE)
for xi, v in zip(x, wide["us_mexico_border"], strict=True):
    ax.annotate(
        f"{v:,}",
        (xi - w / 2, v),
        xytext=(0, 2),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=8,
        color=charts.BLUE,
    )
for xi, v in zip(x, wide["darien"], strict=True):
    ax.annotate(
        f"{v:,}",
        (xi + w / 2, v),
        xytext=(2, 2),  # a little right: wider than its bar at the mobile width, it touched the blue one
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=8,
        color=charts.ORANGE,
        fontweight="bold" if xi == darien_max["year"] else "normal",
    )
# direct labels in the empty top-left corner, in the bars' colours
top = wide["us_mexico_border"].max() * 1.25
ax.text(
    x.iloc[0] - w,
    top * 0.95,
    charts.t("route-deaths.border"),
    color=charts.BLUE,
    fontsize=10.5,
    fontweight="bold",
    va="top",
)
ax.text(
    x.iloc[0] - w,
    top * 0.87,
    charts.t("route-deaths.darien"),
    color=charts.ORANGE,
    fontsize=10.5,
    fontweight="bold",
    va="top",
)
ax.set_ylim(0, top)
ax.set_xticks(list(x))
ax.tick_params(axis="x", length=0)
charts.number_axis(ax, style="comma")
chart.save(
    data=wide.rename(
        columns={"darien": "darien_dead_and_missing", "us_mexico_border": "border_dead_and_missing"}
    ),
    alt_text=charts.t(
        "route-deaths.alt",
        first=x.iloc[0],
        last=x.iloc[-1],
        low=wide["us_mexico_border"].min(),
        high=wide["us_mexico_border"].max(),
        peak=darien_max["darien"],
        year=darien_max["year"],
    ),
)

# %% [markdown]
# ## Remittances to Mexico, month by month
#
# The record year is the complete calendar year with the most inflows.

# %%
money = charts.ended_by_as_of(remittances.monthly(), source="remittances").reset_index(drop=True)
years = money.groupby(money["month"].dt.year)["inflows_usd"].agg(["sum", "size"])
full = years[years["size"] == 12]["sum"]
record_year = int(full.idxmax())
record = full.loc[record_year]
after = full[full.index > record_year]
print(full.tail(6))

# %%
fell = []
if len(after):
    fell.append(
        charts.t(
            "remittances-monthly.then",
            change=charts.change_phrase(after.iloc[0], record),
            year=after.index[0],
        )
    )
    # the last complete year before that one in which remittances fell
    drops = full[full.index < after.index[0]].pct_change().loc[lambda c: c < 0]
    if after.iloc[0] < record and len(drops):
        fell.append(charts.t("remittances-monthly.first_fall", year=drops.index[-1]))
chart = charts.Chart(
    "remittances-monthly",
    title=charts.t(
        "remittances-monthly.title",
        billions=record / 1e9,
        year=record_year,
        after=charts.join_words(fell, sep="") if fell else "",
    ),
    subtitle=charts.t("remittances-monthly.subtitle"),
    tables=["remittances_monthly"],
    notes=[charts.t("remittances-monthly.note")],
)
ax = chart.ax
start, end = pd.Timestamp(f"{record_year}-01-01"), pd.Timestamp(f"{record_year}-12-31")
charts.shade(ax, start, end, color="#FBE3D6")
ax.plot(money["month"], money["inflows_usd"] / 1e9, color=charts.BLUE, lw=1.6)
peak_month = money.loc[money["inflows_usd"].idxmax()]
charts.callout(
    ax,
    start,
    money.loc[money["month"].dt.year == record_year, "inflows_usd"].max() / 1e9,
    charts.t("remittances-monthly.callout", year=record_year, billions=record / 1e9),
    dx=-30,
    dy=18,
    color=charts.HIGHLIGHT,
    fontweight="bold",
)
ax.set_ylim(0, peak_month["inflows_usd"] / 1e9 * 1.2)
charts.number_axis(ax, style="comma", prefix="$")
charts.date_axis(ax)
chart.save(
    data=money[["month", "inflows_usd", "inflows_transfers"]],
    alt_text=charts.t(
        "remittances-monthly.alt",
        start=money["month"].iloc[0],
        end=money["month"].iloc[-1],
        first_millions=money["inflows_usd"].iloc[0] / 1e6,
        peak_billions=peak_month["inflows_usd"] / 1e9,
        peak=peak_month["month"],
        year=record_year,
        billions=record / 1e9,
    ),
)
