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
# # US–Mexico trade: what moves, and what a day of rail is worth
#
# **Context in the story:** Mexico's foreign minister called reopening the closed rail
# crossings a priority, citing the economic stakes of the border.
#
# **Data:** monthly US goods trade with Mexico, exports plus imports, by mode of transport:
# the Bureau of Transportation Statistics' TransBorder Freight Data, compiled from Census
# Bureau trade records (`migrationdata.sources.trade`). Nominal US dollars, not seasonally
# adjusted. Modes other than truck and rail (air, vessel, pipeline, mail, foreign-trade zones,
# unknown) are grouped.
#
# **Caveats:** the table does not split rail trade by port, so the value of one day of rail
# trade is for all US–Mexico rail crossings together, and only an order of magnitude for
# what two closed bridges held up. Held freight largely crossed after the reopening.

# %% tags=["parameters"]
as_of = None  # "YYYY-MM-DD": draw the data as it stood then (only periods that had ended)
output = None  # folder for the charts; None means the repository's figures/
langs = None  # editions to draw ("en,es"); None: every edition

# %%
import pandas as pd

from migrationdata import charts, closures, crossings
from migrationdata.sources import trade

charts.setup("04-trade", as_of=as_of, output=output, langs=langs)

# %% [markdown]
# ## Trade by month and mode

# %%
YEAR = 2023
monthly = charts.ended_by_as_of(trade.monthly(), source="trade").reset_index(drop=True)
monthly["other_usd"] = monthly["total_usd"] - monthly["rail_usd"] - monthly["truck_usd"]
assert (monthly["other_usd"] >= 0).all(), "rail and truck add up to more than the total"
year = trade.annual(YEAR)
in_year = monthly[monthly["month"].dt.year == YEAR]
PERIOD = charts.period_words(in_year["month"])
if charts.as_of() is not None:
    # only the months published by then: the loader sums the whole year
    total = in_year["total_usd"].sum()
    year = {
        "total_usd": total,
        "truck_share": in_year["truck_usd"].sum() / total,
        "rail_share": in_year["rail_usd"].sum() / total,
    }
print(
    f"{PERIOD}: ${year['total_usd'] / 1e9:.2f}bn; truck {year['truck_share']:.1%}, rail {year['rail_share']:.1%}"
)

# %%
bands = [
    ("truck_usd", charts.t("trade-by-mode.truck"), charts.BLUE),
    ("rail_usd", charts.t("trade-by-mode.rail"), charts.HIGHLIGHT),
    ("other_usd", charts.t("trade-by-mode.other"), charts.LIGHT_GREY),
]
chart = charts.Chart(
    "trade-by-mode",
    title=charts.t(
        "trade-by-mode.title",
        billions=year["total_usd"] / 1e9,
        period=PERIOD,
        truck=year["truck_share"],
        rail=year["rail_share"],
    ),
    subtitle=charts.t("trade-by-mode.subtitle"),
    tables=["trade_us_mexico_monthly"],
    notes=[charts.t("trade-by-mode.note")],
)
ax = chart.ax
x = monthly["month"]
ys = [monthly[col].astype(float) / 1e9 for col, _, _ in bands]
ax.stackplot(x, *ys, colors=[c for _, _, c in bands], lw=0)
cum = 0.0
ends = []
for (_col, label, color), y in zip(bands, ys, strict=True):
    mid = cum + y.iloc[-1] / 2
    cum += y.iloc[-1]
    ends.append(
        charts.label_end(
            ax, x.iloc[-1], mid, label, color=charts.TEXT if color == charts.LIGHT_GREY else color
        )
    )
chart.keep_apart(ends, min_gap=24)
ax.set_ylim(0, monthly["total_usd"].max() / 1e9 * 1.08)
charts.number_axis(ax, style="comma", prefix="$")
charts.date_axis(ax)
chart.save(
    data=monthly[["month", "truck_usd", "rail_usd", "other_usd", "total_usd"]],
    alt_text=charts.t(
        "trade-by-mode.alt",
        start=x.iloc[0],
        end=x.iloc[-1],
        period=PERIOD,
        billions=year["total_usd"] / 1e9,
        truck=year["truck_share"],
        rail=year["rail_share"],
    ),
)

# %% [markdown]
# ## What a day of rail trade is worth
#
# Rail trade in a month divided by the days in it, for all US–Mexico rail crossings.

# %%
CLOSURE_MONTH = pd.Timestamp("2023-12-01")
per_day = monthly[["month", "rail_usd"]].copy()
per_day["days"] = per_day["month"].dt.days_in_month
per_day["rail_per_day_usd"] = per_day["rail_usd"] / per_day["days"]
per_day = per_day[per_day["month"].dt.year.isin([CLOSURE_MONTH.year, CLOSURE_MONTH.year + 1])]
dec = trade.rail_daily_value(CLOSURE_MONTH)
rail_close = closures.duration("eagle-pass-rail-2023-12")
trains = crossings.port_shares("Trains", CLOSURE_MONTH.year)
share_two = trains[trains["port"].isin(["Eagle Pass", "El Paso"])]["share"].sum()
print(
    dec, f"two ports' share of {CLOSURE_MONTH.year} trains: {share_two:.1%}", rail_close["summary"], sep="\n"
)

# %%
if charts.has_ended(CLOSURE_MONTH, source="trade"):
    chart = charts.Chart(
        "rail-trade-per-day",
        title=charts.t("rail-trade-per-day.title", millions=dec["per_day_usd"] / 1e6, month=CLOSURE_MONTH),
        subtitle=charts.t("rail-trade-per-day.subtitle"),
        tables=["trade_us_mexico_monthly", "crossings_us_mexico"],
        inputs=[closures.ledger_path()],
        credits=[charts.t("rail-trade-per-day.credit")],
        notes=[
            charts.t(
                "rail-trade-per-day.note",
                days=charts.number_word(rail_close["days_closed"]),
                hours=round(rail_close["hours_closed"], -1),
                share=share_two,
                year=CLOSURE_MONTH.year,
            )
        ],
    )
    ax = chart.ax
    colors = [charts.HIGHLIGHT if m == CLOSURE_MONTH else charts.GREY for m in per_day["month"]]
    ax.bar(per_day["month"], per_day["rail_per_day_usd"] / 1e6, width=24, color=colors)
    charts.callout(
        ax,
        CLOSURE_MONTH,
        dec["per_day_usd"] / 1e6,
        charts.t("rail-trade-per-day.callout", month=CLOSURE_MONTH, millions=dec["per_day_usd"] / 1e6),
        dx=-30,
        dy=85,
        color=charts.HIGHLIGHT,
        fontweight="bold",
    )
    ax.set_ylim(0, per_day["rail_per_day_usd"].max() / 1e6 * 1.25)
    charts.number_axis(ax, style="comma", prefix="$")
    charts.date_axis(ax)
    chart.save(
        data=per_day.assign(rail_per_day_usd=per_day["rail_per_day_usd"].round(0)),
        alt_text=charts.t(
            "rail-trade-per-day.alt",
            start=per_day["month"].iloc[0],
            end=per_day["month"].iloc[-1],
            month=CLOSURE_MONTH,
            days=charts.number_word(rail_close["days_closed"]),
            hours=round(rail_close["hours_closed"], -1),
            millions=dec["per_day_usd"] / 1e6,
            billions=dec["rail_usd"] / 1e9,
            month_days=dec["days"],
        ),
    )
else:
    charts.not_drawn("rail-trade-per-day", f"the {CLOSURE_MONTH:%B %Y} trade figures came out later")
