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
langs = None  # editions to draw ("en,es"); None: every edition

# %%
import pandas as pd

from migrationdata import charts, closures, crossings

charts.setup("03-closures-and-crossings", as_of=as_of, output=output, langs=langs)

LEDGER = closures.ledger_path()
LEDGER_CREDIT = charts.t("closures.credit")
STORY_DAY = pd.Timestamp("2023-12-27")  # the US-Mexico talks the story reports

# %% [markdown]
# ## Every closure, November 2023 to January 2024
#
# Drawn as of a date, the chart shows only what sources had reported by then, as the
# fact-check does: a reopening reported later leaves the closure open-ended, its bar running
# to the as-of date.

# %%
WINDOW = (pd.Timestamp("2023-11-01"), pd.Timestamp("2024-01-31"))
known_on = charts.as_of()  # None: the ledger as it stands today
ledger = closures.as_known_on(known_on)
if known_on is not None:
    # a suspension announced ahead of time had not begun: no bar for it yet
    ledger = ledger[ledger["closed_from"] <= known_on]
open_until = known_on if known_on is not None else WINDOW[1]
last_day = ledger["reopened_on"].fillna(open_until)
in_window = ledger[(ledger["closed_from"] <= WINDOW[1]) & (last_day >= WINDOW[0])].copy()
in_window["last_day"] = in_window["reopened_on"].fillna(open_until)
# Short names for the chart's rows, in the words of the coverage; the full crossing names are
# in the chart's CSV and in the ledger.
# (port, crossing) with the crossing's words in the catalogs; None: the whole port
SHORT_NAMES = {
    "pedwest": ("San Ysidro", "pedwest"),
    "morley-gate": ("Nogales", "morley_gate"),
    "eagle-pass-bridge-1": ("Eagle Pass", "bridge_1"),
    "lukeville": ("Lukeville", None),
    "eagle-pass-rail": ("Eagle Pass", "rail_bridge"),
    "el-paso-rail": ("El Paso", "rail_bridges"),
}
WORDS = {}  # a row's label -> (port, crossing), for the alt text


def crossing_label(cid, port, mode):
    port, crossing = SHORT_NAMES.get(cid.rsplit("-", 2)[0], (port, f"mode.{mode}"))
    crossing = charts.t(f"closures.{crossing}" if crossing else "closures.whole_port")
    label = charts.t("closures.label", port=port, crossing=crossing)
    WORDS[str(label)] = (port, crossing, cid.rsplit("-", 2)[0] == "lukeville")
    return label


in_window["crossing_label"] = [
    crossing_label(cid, port, mode)
    for cid, port, mode in zip(in_window["id"], in_window["port"], in_window["mode"], strict=True)
]
began_before = in_window[in_window["closed_from"] < WINDOW[0]]
# the day the most crossings were shut at once (or the as-of date, if that came first)
SNAPSHOT = min(pd.Timestamp("2023-12-20"), open_until)
shut_then = in_window[
    (in_window["closed_from"] <= SNAPSHOT) & (SNAPSHOT <= in_window["reopened_on"].fillna(pd.Timestamp.max))
]
rail = in_window[in_window["mode"] == "rail"]
# the story counts five calendar days; elapsed, 100 hours at El Paso and 101 at Eagle Pass
rail_hours = round(rail["hours_closed"].mean(), -1) if rail["hours_closed"].notna().any() else None
print(in_window[["id", "crossing_label", "mode", "closed_from", "reopened_on", "days_closed"]])
print(rail[["id", "closed_from", "reopened_on", "days_closed", "hours_closed"]])


def in_words(label):
    """ "San Ysidro: PedWest" -> "PedWest in San Ysidro", for the alt text."""
    port, crossing, whole = WORDS[label]
    return port if whole else charts.t("closures.in_words", crossing=crossing, port=port)


def still_closed(when):
    return (
        charts.t("closures.still_closed", day=when)
        if known_on is not None
        else charts.t("closures.no_reopening")
    )


# %%
# one row per closure: PedWest, shut twice, gets two rows
in_window = in_window.sort_values(["closed_from", "port"]).reset_index(drop=True)
n_crossings = in_window["crossing_label"].nunique()
rows = len(in_window)
rail_ports = rail["port"].drop_duplicates().tolist()
shut_rail = shut_then[shut_then["mode"] == "rail"]
rail_note = ""
if rail_hours is not None:
    rail_note = charts.t("closures-timeline.note_rail", hours=rail_hours)
elif not rail.empty:
    rail_note = charts.t("closures-timeline.note_rail_open", day=known_on)
shut_count = charts.number_word(len(shut_then), capital=True)
rail_ports = charts.join_words(shut_rail["port"]) if not shut_rail.empty else ""
chart = charts.Chart(
    "closures-timeline",
    title=charts.t(
        "closures-timeline.title_rail" if not shut_rail.empty else "closures-timeline.title",
        count=shut_count,
        day=SNAPSHOT,
        **({"ports": rail_ports} if not shut_rail.empty else {}),
    ),
    subtitle=(
        charts.t("closures-timeline.subtitle_as_of", day=known_on)
        if known_on is not None
        else charts.t("closures-timeline.subtitle")
    ),
    inputs=[LEDGER],
    credits=[LEDGER_CREDIT],
    notes=[
        charts.join_words(
            [
                charts.t("closures-timeline.note_days"),
                rail_note,
                *(
                    charts.t(
                        "closures-timeline.note_before", crossing=c["crossing_label"], day=c["closed_from"]
                    )
                    for _, c in began_before.iterrows()
                ),
            ],
            sep=" ",
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
    mode = charts.t(f"closures.bar_mode.{c['mode']}")
    if pd.notna(c["days_closed"]):
        label = charts.t("closures-timeline.bar_days", mode=mode, days=c["days_closed"])
    else:
        label = charts.t("closures-timeline.bar_open", mode=mode, still=still_closed(c["last_day"]))
    # a bar that ends just before the talks has its label on its left, off the talks' line
    before_talks = end < STORY_DAY < end + pd.Timedelta(days=15) and start - WINDOW[0] > pd.Timedelta(days=25)
    ax.text(
        start - pd.Timedelta(days=1) if before_talks else end + pd.Timedelta(days=1),
        y,
        label,
        va="center",
        ha="right" if before_talks else "left",
        fontsize=9,
        color=charts.TEXT,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
    )
ax.set_yticks(range(rows))
ax.set_yticklabels(in_window["crossing_label"].iloc[::-1], fontsize=10)
ax.tick_params(axis="y", length=0)
ax.axvline(STORY_DAY, color=charts.MUTED, lw=1, ls="--", zorder=0.5)
ax.text(
    STORY_DAY, rows - 0.45, charts.t("closures-timeline.talks"), fontsize=9, color=charts.MUTED, va="bottom"
)
ax.set_xlim(WINDOW[0], WINDOW[1] + pd.Timedelta(days=1))
ax.set_ylim(-0.6, rows - 0.1)
ax.grid(axis="y", visible=False)
ax.grid(axis="x", visible=True)
charts.date_axis(ax)
table = in_window[
    ["id", "port", "state", "crossing", "mode", "closed_from", "reopened_on", "days_closed", "hours_closed"]
]
# what became of the crossings shut on the snapshot day, in words: reopened (when) or not yet
fates = []
if not shut_rail.empty:
    if shut_rail["reopened_on"].notna().all():
        fates.append(
            charts.t(
                "closures-timeline.fate_rail",
                ports=rail_ports,
                start=shut_rail["closed_from"].min(),
                end=shut_rail["reopened_on"].max(),
                days=shut_rail["days_closed"].max(),
                hours=rail_hours,
            )
        )
    elif known_on is not None:
        fates.append(
            charts.t(
                "closures-timeline.fate_rail_open",
                ports=rail_ports,
                start=shut_rail["closed_from"].min(),
                day=known_on,
            )
        )
    else:
        fates.append(
            charts.t(
                "closures-timeline.fate_rail_unknown", ports=rail_ports, start=shut_rail["closed_from"].min()
            )
        )
others = shut_then[shut_then["mode"] != "rail"]
for reopened, group in others.groupby(others["reopened_on"].fillna(pd.Timestamp.max), sort=True):
    names = charts.join_words([in_words(label) for label in group["crossing_label"]])
    number = "one" if len(group) == 1 else "many"
    if reopened != pd.Timestamp.max:
        fates.append(charts.t(f"closures-timeline.fate_reopened_{number}", names=names, day=reopened))
    elif known_on is not None:
        fates.append(charts.t(f"closures-timeline.fate_open_{number}", names=names, day=known_on))
    else:
        fates.append(charts.t(f"closures-timeline.fate_unknown_{number}", names=names))
chart.save(
    data=table,
    alt_text=charts.t(
        "closures-timeline.alt",
        closures=len(in_window),
        crossings=n_crossings,
        reported=charts.t("closures-timeline.reported", day=known_on) if known_on is not None else "",
        day=SNAPSHOT,
        shut=len(shut_then),
        fates=charts.join_words(fates, sep="; "),
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
        title=charts.t(
            "lukeville-vehicles.title",
            closed=luke_close["closed_from"],
            pct=-dec["pct_vs_before"],
            month=dec["month"],
        ),
        subtitle=charts.t("lukeville-vehicles.subtitle"),
        tables=["crossings_us_mexico"],
        inputs=[LEDGER],
        credits=[LEDGER_CREDIT],
        notes=[
            charts.t(
                "lukeville-vehicles.note",
                closed=luke_close["closed_from"],
                reopened=luke_close["reopened_on"],
            )
        ],
    )
    charts.closure_months(
        chart.ax,
        luke["month"],
        luke["value"],
        closed=[
            (luke_close["closed_from"], luke_close["reopened_on"], charts.t("lukeville-vehicles.closed"))
        ],
        month=dec["month"],
        value=dec["value"],
        text=charts.t(
            "lukeville-vehicles.callout",
            month=dec["month"],
            value=dec["value"],
            before=dec["month_before_closure"],
            before_value=dec["value_before"],
        ),
        numbers="comma",
        dx=40,
        dy=-4,
        va="center",
        ha="left",
    )
    chart.save(
        data=luke[["month", "port", "measure", "value"]].rename(columns={"value": "personal_vehicles"}),
        alt_text=charts.t(
            "lukeville-vehicles.alt",
            start=luke["month"].iloc[0],
            before=dec["month_before_closure"],
            before_value=dec["value_before"],
            month=dec["month"],
            value=dec["value"],
        ),
    )
else:
    charts.not_drawn("lukeville-vehicles", "the December 2023 crossing counts came out later")

# %% [markdown]
# ## Eagle Pass and El Paso rail: a five-day shutdown in a monthly count
#
# Northbound trains per month at the two ports whose rail bridges CBP shut from 18 to 22
# December 2023: five calendar days counting both ends, as the story and the fact-check count
# them, or about 100 hours elapsed. Held trains crossed after the reopening, inside the same month, so
# December barely differs from its neighbours. This chart shows the limit of monthly data; it
# is not a measure of the closure's cost.

# %%
RAIL_PORTS = ("Eagle Pass", "El Paso")
trains = pd.concat([crossings.port(p, "Trains") for p in RAIL_PORTS], ignore_index=True)
trains = charts.ended_by_as_of(trains, source="bts")
trains = trains[trains["month"] >= SINCE]
wide = trains.pivot_table(index="month", columns="port", values="value", aggfunc="sum").reset_index()
RAIL_CLOSURES = ("eagle-pass-rail-2023-12", "el-paso-rail-2023-12")
rail_close = closures.get(RAIL_CLOSURES[0])
rail_lengths = [closures.duration(cid) for cid in RAIL_CLOSURES]
rail_days = charts.number_word(rail_lengths[0]["days_closed"])
# 101 hours at Eagle Pass, 100 at El Paso: "about 100 hours", as in the fact-check
rail_hours = round(sum(d["hours_closed"] for d in rail_lengths) / len(rail_lengths), -1)
rail_effect = pd.concat(
    [crossings.around(cid, measures=("Trains",)) for cid in RAIL_CLOSURES],
    ignore_index=True,
)
print(rail_effect[["port", "month", "days_closed", "value", "value_before", "pct_vs_before"]])

# %%
if charts.has_ended("2023-12-01", source="bts"):
    ep, elp = (rail_effect.set_index("port").loc[p] for p in RAIL_PORTS)
    chart = charts.Chart(
        "rail-eagle-pass-el-paso",
        title=charts.t("rail-eagle-pass-el-paso.title", days=rail_days, hours=rail_hours, count=ep["value"]),
        subtitle=charts.t("rail-eagle-pass-el-paso.subtitle"),
        tables=["crossings_us_mexico"],
        inputs=[LEDGER],
        credits=[LEDGER_CREDIT],
        notes=[charts.t("rail-eagle-pass-el-paso.note", days=rail_days, hours=rail_hours)],
    )
    ax = chart.ax
    charts.shade(
        ax, rail_close["closed_from"], rail_close["reopened_on"] + pd.Timedelta(days=1), color="#F6D5C0"
    )
    ends = []
    for port_name, color in zip(RAIL_PORTS, (charts.BLUE, charts.GREEN), strict=True):
        charts.monthly_line(ax, wide["month"], wide[port_name], color=color, ms=3)
        last = wide.dropna(subset=[port_name]).iloc[-1]
        ends.append(
            charts.label_end(ax, charts.mid_month(last["month"]), last[port_name], port_name, color=color)
        )
    chart.keep_apart(ends)
    charts.mark(
        ax,
        charts.mid_month(ep["month"]),
        ep["value"],
        charts.t(
            "rail-eagle-pass-el-paso.callout",
            count=ep["value"],
            before=ep["value_before"],
            days=rail_days,
            hours=rail_hours,
        ),
        dx=-40,
        dy=62,
    )
    charts.mark(ax, charts.mid_month(elp["month"]), elp["value"])
    ax.set_ylim(0, wide[list(RAIL_PORTS)].max().max() * 1.25)
    charts.date_axis(ax)
    chart.save(
        data=wide.rename(columns={p: f"{p.lower().replace(' ', '_')}_trains" for p in RAIL_PORTS}),
        alt_text=charts.t(
            "rail-eagle-pass-el-paso.alt",
            days=rail_days,
            hours=rail_hours,
            count=ep["value"],
            before=ep["value_before"],
            el_paso=elp["value"],
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
# each PedWest closure shaded to its reopening (or the as-of date); the first one named
ped_shut = [
    (
        c["closed_from"],
        c["reopened_on"] if pd.notna(c["reopened_on"]) else open_until,
        charts.t("san-ysidro-pedestrians.shut")
        if c["closed_from"].year == 2023 and c["closed_from"].month == 9
        else "",
    )
    for _, c in ped_closures.iterrows()
]
ped_effect = crossings.around("pedwest-2023-12", measures=("Pedestrians",))
pdec = ped_effect[ped_effect["month"] == "2023-12-01"].iloc[0]
missing = ped[ped["value"].isna()]["month"]
print(ped_effect[["month", "days_closed", "value", "value_before", "pct_vs_before", "value_year_earlier"]])

# %%
if charts.has_ended("2023-12-01", source="bts"):
    chart = charts.Chart(
        "san-ysidro-pedestrians",
        title=charts.t("san-ysidro-pedestrians.title", pct=-pdec["pct_vs_before"]),
        subtitle=charts.t("san-ysidro-pedestrians.subtitle"),
        tables=["crossings_us_mexico"],
        inputs=[LEDGER],
        credits=[LEDGER_CREDIT],
        notes=[
            charts.t("san-ysidro-pedestrians.note_missing", months=charts.months_words(missing))
            if len(missing)
            else charts.t("san-ysidro-pedestrians.note")
        ],
    )
    charts.closure_months(
        chart.ax,
        ped["month"],
        ped["value"],
        closed=ped_shut,
        month=pdec["month"],
        value=pdec["value"],
        text=charts.t("san-ysidro-pedestrians.callout", value=pdec["value"], before=pdec["value_before"]),
        numbers="compact",
        dx=24,
        dy=-70,
        va="top",
        ha="left",
    )
    chart.save(
        data=ped[["month", "port", "measure", "value"]].rename(columns={"value": "pedestrians"}),
        alt_text=charts.t(
            "san-ysidro-pedestrians.alt",
            start=ped["month"].iloc[0],
            value=pdec["value"],
            before=pdec["value_before"],
        ),
    )
else:
    charts.not_drawn("san-ysidro-pedestrians", "the December 2023 crossing counts came out later")
