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
# # Closed crossings, and what the monthly counts can and cannot show
#
# **Claim in the story:** earlier in December 2023, US border authorities temporarily closed
# key rail crossings for five days and shuttered other entry points.
#
# **Data:** the closures are the project's own ledger, `data/closures.csv`: every suspension
# in force between November 2023 and January 2024, each row with the CBP statements and news
# reports that support it (`migrationdata.closures`). Traffic is the Bureau of Transportation
# Statistics' count of inbound (northbound) crossings by port and month, from CBP's records
# (`migrationdata.crossings`).
#
# **Caveats:** BTS counts a whole port per month. A closure of one crossing, or of a few days,
# is diluted by the port's other crossings and the month's other days, and traffic held back
# during a short closure can cross after it within the same month. Read the charts as "did the
# month look different", never as the closure's measured effect.

# %% tags=["parameters"]
as_of = None  # "YYYY-MM-DD": draw the data as it stood then (only periods that had ended)
output = None  # folder for the charts; None means the repository's figures/

# %%
import pandas as pd

from migrationdata import charts, closures, crossings

charts.setup("03-closures-and-crossings", as_of=as_of, output=output)

LEDGER = closures.ledger_path()
LEDGER_CREDIT = (
    "CBP statements and news reports, compiled in the project's closures ledger (data/closures.csv)"
)
STORY_DAY = pd.Timestamp("2023-12-27")  # the US-Mexico talks the story reports

# %% [markdown]
# ## Every closure, November 2023 to January 2024

# %%
WINDOW = (pd.Timestamp("2023-11-01"), pd.Timestamp("2024-01-31"))
ledger = closures.load()
if charts.as_of() is not None:
    ledger = ledger[ledger["closed_from"] <= charts.as_of()]
last_day = ledger["reopened_on"].fillna(WINDOW[1])
in_window = ledger[(ledger["closed_from"] <= WINDOW[1]) & (last_day >= WINDOW[0])].copy()
in_window["last_day"] = in_window["reopened_on"].fillna(WINDOW[1])
# Short names for the chart's rows, in the words of the coverage; the full crossing names are
# in the chart's CSV and in the ledger.
SHORT_NAMES = {
    "pedwest": "San Ysidro: PedWest",
    "morley-gate": "Nogales: Morley Gate",
    "eagle-pass-bridge-1": "Eagle Pass: Bridge 1",
    "lukeville": "Lukeville: whole port",
    "eagle-pass-rail": "Eagle Pass: rail bridge",
    "el-paso-rail": "El Paso: rail bridges",
}
in_window["crossing_label"] = [
    SHORT_NAMES.get(cid.rsplit("-", 2)[0], f"{port}: {mode}")
    for cid, port, mode in zip(in_window["id"], in_window["port"], in_window["mode"], strict=True)
]
began_before = in_window[in_window["closed_from"] < WINDOW[0]]
december = closures.active_on("2023-12-20")
rail = in_window[in_window["mode"] == "rail"]
rail_length = closures.duration(rail["id"].iloc[0])
print(in_window[["id", "crossing_label", "mode", "closed_from", "reopened_on", "days_closed"]])
print(rail_length["summary"])

# %%
# one row per closure: PedWest, shut twice, gets two rows
in_window = in_window.sort_values(["closed_from", "port"]).reset_index(drop=True)
n_crossings = in_window["crossing_label"].nunique()
rows = len(in_window)
rail_ports = rail["port"].tolist()
chart = charts.Chart(
    "closures-timeline",
    title=f"{charts.number_word(len(december), capital=True)} US–Mexico crossings were shut on "
    f"{pd.Timestamp('2023-12-20'):%-d %B %Y}, among them the rail bridges at {' and '.join(rail_ports)}",
    subtitle="Suspensions of crossings at the US–Mexico border, November 2023 to January 2024",
    inputs=[LEDGER],
    credits=[LEDGER_CREDIT],
    notes=[
        f"Days are calendar days, counting both ends. The rail bridges were shut for about "
        f"{rail_length['hours_closed']:.0f} hours ({rail_length['hours_closed'] / 24:.1f} days) from 8 a.m. "
        "on 18 December. "
        + " ".join(
            f"{c['crossing_label']} was shut from {c['closed_from']:%-d %B}."
            for _, c in began_before.iterrows()
        )
    ],
    size="landscape",
)
ax = chart.ax
for i, c in in_window.iterrows():
    start = max(c["closed_from"], WINDOW[0])
    end = min(c["last_day"], WINDOW[1]) + pd.Timedelta(days=1)  # the reopening day is drawn whole
    color = charts.HIGHLIGHT if c["mode"] == "rail" else charts.BLUE
    y = rows - 1 - i
    ax.barh(y, end - start, left=start, height=0.55, color=color)
    label = f"{c['mode']}, {c['days_closed']} days"
    ax.text(
        end + pd.Timedelta(days=1),
        y,
        label,
        va="center",
        ha="left",
        fontsize=9,
        color=charts.TEXT,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
    )
ax.set_yticks(range(rows))
ax.set_yticklabels(in_window["crossing_label"].iloc[::-1], fontsize=10)
ax.tick_params(axis="y", length=0)
ax.axvline(STORY_DAY, color=charts.MUTED, lw=1, ls="--", zorder=0.5)
ax.text(STORY_DAY, rows - 0.45, " US–Mexico talks, 27 Dec", fontsize=9, color=charts.MUTED, va="bottom")
ax.set_xlim(WINDOW[0], WINDOW[1] + pd.Timedelta(days=1))
ax.set_ylim(-0.6, rows - 0.1)
ax.grid(axis="y", visible=False)
ax.grid(axis="x", visible=True)
charts.date_axis(ax)
table = in_window[
    ["id", "port", "state", "crossing", "mode", "closed_from", "reopened_on", "days_closed", "hours_closed"]
]
chart.save(
    data=table,
    alt_text=(
        f"Timeline of {len(in_window)} closures at {n_crossings} US–Mexico crossings from November 2023 "
        f"to January 2024. On 20 December {len(december)} were shut at once. The Eagle Pass and El Paso "
        f"rail bridges closed from 18 to 22 December ({rail_length['days_closed']} calendar days); "
        "Lukeville, PedWest in San Ysidro, Eagle Pass Bridge 1 and Nogales's Morley Gate reopened on "
        "4 January 2024."
    ),
)

# %% [markdown]
# ## Lukeville, Arizona: the whole port closed for a month
#
# Personal vehicles entering the US each month.

# %%
SINCE = "2022-01-01"
luke = charts.ended_by_as_of(crossings.port("Lukeville", "Personal Vehicles"), source="bts")
luke = luke[luke["month"] >= SINCE].reset_index(drop=True)
luke_close = closures.get("lukeville-2023-12")
effect = crossings.around("lukeville-2023-12", measures=("Personal Vehicles",))
dec = effect[effect["month"] == "2023-12-01"].iloc[0]
print(effect[["month", "days_closed", "value", "value_before", "pct_vs_before"]])

# %%
if charts.has_ended("2023-12-01", source="bts"):
    chart = charts.Chart(
        "lukeville-vehicles",
        title=f"With Lukeville shut from {luke_close['closed_from']:%-d %B}, its vehicle crossings fell "
        f"{-dec['pct_vs_before']:.0f}% in {dec['month']:%B %Y}",
        subtitle="Personal vehicles entering the US at Lukeville, Arizona, per month",
        tables=["crossings_us_mexico"],
        inputs=[LEDGER],
        credits=[LEDGER_CREDIT],
        notes=[
            f"The port closed on {luke_close['closed_from']:%-d %B %Y} and reopened on "
            f"{luke_close['reopened_on']:%-d %B %Y}. Monthly counts of inbound crossings."
        ],
    )
    ax = chart.ax
    charts.shade(ax, luke_close["closed_from"], luke_close["reopened_on"], label="Closed")
    ax.plot(luke["month"], luke["value"].astype(float), color=charts.BLUE, marker="o", ms=3.5)
    ax.plot([dec["month"]], [dec["value"]], "o", color=charts.HIGHLIGHT, ms=7, zorder=5)
    charts.callout(
        ax,
        dec["month"],
        dec["value"],
        f"{dec['month']:%b %Y}: {dec['value']:,}\n{dec['month_before_closure']:%b}: {dec['value_before']:,}",
        dx=40,
        dy=-4,
        va="center",
        ha="left",
        color=charts.HIGHLIGHT,
        fontweight="bold",
    )
    ax.set_ylim(0, luke["value"].max() * 1.15)
    charts.number_axis(ax, style="comma")
    charts.date_axis(ax)
    chart.save(
        data=luke[["month", "port", "measure", "value"]].rename(columns={"value": "personal_vehicles"}),
        alt_text=(
            f"Line chart of personal vehicles entering the US at Lukeville, Arizona, per month since "
            f"{luke['month'].iloc[0]:%B %Y}. They fell from {dec['value_before']:,} in "
            f"{dec['month_before_closure']:%B %Y} to {dec['value']:,} in {dec['month']:%B %Y}, "
            "when the port was closed, and recovered in 2024."
        ),
    )
else:
    charts.not_drawn("lukeville-vehicles", "the December 2023 crossing counts came out later")

# %% [markdown]
# ## Eagle Pass and El Paso rail: a four-day closure in a monthly count
#
# Northbound trains per month at the two ports whose rail bridges CBP shut from 18 to 22
# December 2023. Held trains crossed after the reopening, inside the same month, so
# December barely differs from its neighbours. This chart shows the limit of monthly data; it
# is not a measure of the closure's cost.

# %%
RAIL_PORTS = ("Eagle Pass", "El Paso")
trains = pd.concat([crossings.port(p, "Trains") for p in RAIL_PORTS], ignore_index=True)
trains = charts.ended_by_as_of(trains, source="bts")
trains = trains[trains["month"] >= SINCE]
wide = trains.pivot_table(index="month", columns="port", values="value", aggfunc="sum").reset_index()
rail_close = closures.get("eagle-pass-rail-2023-12")
rail_effect = pd.concat(
    [
        crossings.around(cid, measures=("Trains",))
        for cid in ("eagle-pass-rail-2023-12", "el-paso-rail-2023-12")
    ],
    ignore_index=True,
)
print(rail_effect[["port", "month", "days_closed", "value", "value_before", "pct_vs_before"]])

# %%
if charts.has_ended("2023-12-01", source="bts"):
    ep = rail_effect.set_index("port").loc["Eagle Pass"]
    chart = charts.Chart(
        "rail-eagle-pass-el-paso",
        title=f"A {rail_length['hours_closed'] / 24:.0f}-day rail closure barely shows in monthly counts: "
        f"Eagle Pass had {ep['value']:,} trains in December 2023, against {ep['value_before']:,} in November",
        subtitle="Northbound trains entering the US per month at Eagle Pass and El Paso, Texas",
        tables=["crossings_us_mexico"],
        inputs=[LEDGER],
        credits=[LEDGER_CREDIT],
        notes=[
            "Both ports' rail bridges were shut from 18 to 22 December 2023 (shaded). Trains held during "
            "the closure crossed later in the month."
        ],
    )
    ax = chart.ax
    charts.shade(
        ax, rail_close["closed_from"], rail_close["reopened_on"] + pd.Timedelta(days=1), color="#F6D5C0"
    )
    ends = []
    for port_name, color in zip(RAIL_PORTS, (charts.BLUE, charts.GREEN), strict=True):
        ax.plot(wide["month"], wide[port_name].astype(float), color=color, marker="o", ms=3)
        last = wide.dropna(subset=[port_name]).iloc[-1]
        ends.append(charts.label_end(ax, last["month"], last[port_name], port_name, color=color))
    chart.keep_apart(ends)
    for _, r in rail_effect.iterrows():
        ax.plot([r["month"]], [r["value"]], "o", color=charts.HIGHLIGHT, ms=7, zorder=5)
    charts.callout(
        ax,
        ep["month"],
        ep["value"],
        f"Dec 2023, bridges\nshut 4 days: {ep['value']:,}",
        dx=-40,
        dy=62,
        color=charts.HIGHLIGHT,
        fontweight="bold",
    )
    ax.set_ylim(0, wide[list(RAIL_PORTS)].max().max() * 1.25)
    charts.date_axis(ax)
    chart.save(
        data=wide.rename(columns={p: f"{p.lower().replace(' ', '_')}_trains" for p in RAIL_PORTS}),
        alt_text=(
            "Line chart of northbound trains per month at Eagle Pass and El Paso, Texas, since January 2022. "
            f"December 2023, when both rail bridges were shut for about four days, shows {ep['value']:,} "
            f"trains at Eagle Pass against {ep['value_before']:,} in November, and "
            f"{rail_effect.set_index('port').loc['El Paso', 'value']:,} at El Paso: no visible dip."
        ),
    )
else:
    charts.not_drawn("rail-eagle-pass-el-paso", "the December 2023 crossing counts came out later")

# %% [markdown]
# ## San Ysidro: pedestrians, with PedWest closed twice
#
# PedWest is one of San Ysidro's two pedestrian crossings; BTS counts both together. BTS has no
# January 2024 pedestrian figure for San Ysidro (among other gaps that month), so that point is
# missing, not zero.

# %%
ped = charts.ended_by_as_of(crossings.port("San Ysidro", "Pedestrians"), source="bts")
ped = ped[ped["month"] >= SINCE].reset_index(drop=True)
ped_closures = ledger[ledger["id"].str.startswith("pedwest")]
ped_effect = crossings.around("pedwest-2023-12", measures=("Pedestrians",))
pdec = ped_effect[ped_effect["month"] == "2023-12-01"].iloc[0]
missing = ped[ped["value"].isna()]["month"]
print(ped_effect[["month", "days_closed", "value", "value_before", "pct_vs_before", "value_year_earlier"]])

# %%
if charts.has_ended("2023-12-01", source="bts"):
    chart = charts.Chart(
        "san-ysidro-pedestrians",
        title=f"San Ysidro's pedestrian count slipped {-pdec['pct_vs_before']:.0f}% in December 2023, "
        "when PedWest closed again",
        subtitle="Pedestrians entering the US at San Ysidro, California, per month",
        tables=["crossings_us_mexico"],
        inputs=[LEDGER],
        credits=[LEDGER_CREDIT],
        notes=[
            "PedWest closures shaded. BTS counts San Ysidro's two pedestrian crossings together"
            + (f"; it has no figure for {', '.join(f'{m:%B %Y}' for m in missing)}." if len(missing) else ".")
        ],
    )
    ax = chart.ax
    for _, c in ped_closures.iterrows():
        charts.shade(
            ax,
            c["closed_from"],
            c["reopened_on"],
            label="PedWest shut" if c["closed_from"].year == 2023 and c["closed_from"].month == 9 else "",
        )
    ax.plot(ped["month"], ped["value"].astype(float), color=charts.BLUE, marker="o", ms=3.5)
    ax.plot([pdec["month"]], [pdec["value"]], "o", color=charts.HIGHLIGHT, ms=7, zorder=5)
    charts.callout(
        ax,
        pdec["month"],
        pdec["value"],
        f"Dec 2023: {pdec['value']:,}\nNov: {pdec['value_before']:,}",
        dx=24,
        dy=-70,
        va="top",
        ha="left",
        color=charts.HIGHLIGHT,
        fontweight="bold",
    )
    ax.set_ylim(0, ped["value"].max() * 1.15)
    charts.number_axis(ax, style="compact")
    charts.date_axis(ax)
    chart.save(
        data=ped[["month", "port", "measure", "value"]].rename(columns={"value": "pedestrians"}),
        alt_text=(
            f"Line chart of pedestrians entering the US at San Ysidro per month since "
            f"{ped['month'].iloc[0]:%B %Y}. In December 2023, with PedWest closed from the 9th, the count "
            f"was {pdec['value']:,}, down from {pdec['value_before']:,} in November; January 2024 is missing."
        ),
    )
else:
    charts.not_drawn("san-ysidro-pedestrians", "the December 2023 crossing counts came out later")
