"""Border crossings by port and month: one port's series, a port's share of the border, and
what a closure in the ledger did to the monthly counts.

Analysis over two inputs, the BTS table (:mod:`migrationdata.sources.bts`) and the closures
ledger (:mod:`migrationdata.closures`): ``crossings.port("Lukeville", "Personal Vehicles")``,
``crossings.port_shares("Trains", 2023)``, ``crossings.around("eagle-pass-rail-2023-12")``.
"""

from __future__ import annotations

import re

import pandas as pd

from migrationdata import closures
from migrationdata.sources.bts import MEASURES, us_mexico

__all__ = ["CLOSURE_MEASURES", "MEASURES", "around", "port", "port_shares", "us_mexico"]

#: the BTS measures that show each kind of closure in the ledger
CLOSURE_MEASURES = {
    "rail": ("Trains", "Rail Containers Loaded", "Rail Containers Empty"),
    "vehicle": ("Personal Vehicles", "Personal Vehicle Passengers"),
    "pedestrian": ("Pedestrians",),
    "whole port": ("Personal Vehicles", "Personal Vehicle Passengers", "Pedestrians", "Trucks"),
}


def _measure_name(measure: str) -> str:
    for m in MEASURES:
        if m.lower() == measure.strip().lower():
            return m
    raise ValueError(f"unknown measure {measure!r}; BTS measures are: {', '.join(MEASURES)}")


def _port_rows(df: pd.DataFrame, port: str) -> pd.DataFrame:
    key = str(port).strip()
    if re.fullmatch(r"\d{4}", key):
        hit = df[df["port_code"] == key]
    else:
        hit = df[df["port"].str.lower() == key.lower()]
    if hit.empty:
        ports = ", ".join(sorted(df["port"].unique()))
        raise ValueError(f"no US-Mexico port {port!r} in the BTS table; ports are: {ports}")
    return hit


def port(port: str, measure: str) -> pd.DataFrame:
    """One port's monthly series for one measure: month, port, port_code, state, measure,
    value. ``port`` is a BTS port name ("Eagle Pass") or code ("2303"); ``measure`` a BTS
    measure ("Trains", any case). Months BTS left out show as missing, not zero."""
    name = _measure_name(measure)
    rows = _port_rows(us_mexico(), port)
    out = rows[rows["measure"] == name]
    if out.empty:
        have = ", ".join(sorted(rows["measure"].unique()))
        raise ValueError(f"{rows['port'].iloc[0]} reports no {name!r}; it reports: {have}")
    return out.sort_values("month").reset_index(drop=True)


def port_shares(measure: str, year: int, months: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """Each port's share of all US-Mexico crossings of ``measure`` in ``year`` (e.g. how many
    of the trains entering from Mexico crossed at Eagle Pass): port, value, share, rank.
    ``months`` limits the year to those months (e.g. the ones published by a date)."""
    name = _measure_name(measure)
    df = us_mexico()
    df = df[(df["measure"] == name) & (df["month"].dt.year == year)].dropna(subset=["value"])
    if months is not None:
        df = df[df["month"].isin(months)]
    out = df.groupby("port", as_index=False)["value"].sum()
    out["share"] = out["value"] / out["value"].sum()
    out = out.sort_values(["value", "port"], ascending=[False, True]).reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    out.attrs["months"] = int(df["month"].nunique())
    out.attrs["last_month"] = df["month"].max()
    return out


def _pct(new, old):
    if pd.isna(new) or pd.isna(old) or old == 0:
        return float("nan")
    return (float(new) - float(old)) / float(old) * 100


def around(closure, measures: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The monthly counts a closure touched, against the month before it began and against
    the same month a year earlier.

    ``closure`` is a ledger id (``"lukeville-2023-12"``) or a row of
    :func:`migrationdata.closures.load`. ``measures`` defaults to those that fit the
    closure's mode (rail: trains and rail containers; vehicle: personal vehicles and their
    passengers; pedestrian: pedestrians; whole port: all of these and trucks).

    One row per measure and month touched, with ``days_closed`` of ``days_in_month``: a
    closure of 5 days out of 31 cannot move a monthly count much, and BTS counts the whole
    port, so one shut bridge is diluted by the others. ``attrs["note"]`` says so in words.
    """
    row = closures.get(closure) if isinstance(closure, str) else closure
    table = us_mexico()
    rows = _port_rows(table, row["port_code"])
    wanted = [_measure_name(m) for m in (measures or CLOSURE_MEASURES[row["mode"]])]
    wanted = [m for m in wanted if m in set(rows["measure"])]
    last_month = table["month"].max()
    start = row["closed_from"].to_period("M").to_timestamp()
    end = row["reopened_on"] if pd.notna(row["reopened_on"]) else last_month + pd.offsets.MonthEnd(0)
    touched = pd.date_range(start, min(end.to_period("M").to_timestamp(), last_month), freq="MS")
    before = start - pd.DateOffset(months=1)
    values = rows.set_index(["measure", "month"])["value"]

    def value(measure, month):
        return values.get((measure, month), pd.NA)

    records = []
    for measure in wanted:
        base = value(measure, before)
        for month in touched:
            now = value(measure, month)
            earlier = value(measure, month - pd.DateOffset(years=1))
            records.append(
                {
                    "closure_id": row["id"],
                    "port": rows["port"].iloc[0],
                    "port_code": row["port_code"],
                    "measure": measure,
                    "month": month,
                    "days_closed": closures.days_closed_in_month(row, month, end),
                    "days_in_month": month.days_in_month,
                    "value": now,
                    "month_before_closure": before,
                    "value_before": base,
                    "pct_vs_before": _pct(now, base),
                    "value_year_earlier": earlier,
                    "pct_vs_year_earlier": _pct(now, earlier),
                }
            )
    out = pd.DataFrame.from_records(records)
    for col in ("days_closed", "days_in_month", "value", "value_before", "value_year_earlier"):
        out[col] = out[col].astype("Int64")
    spans = "; ".join(
        f"{d} of {n} days in {m:%B %Y}"
        for m, d, n in out[["month", "days_closed", "days_in_month"]]
        .drop_duplicates()
        .itertuples(index=False)
    )
    out.attrs["note"] = (
        f"At {row['port']}, {row['crossing']} was closed {spans}. BTS counts inbound crossings per "
        f"month for the whole port of {rows['port'].iloc[0]}, all its crossings together, so a "
        "closure of part of a month or of one crossing is diluted; traffic held during a short "
        "closure can cross after it, inside the same month."
    )
    if out["value"].isna().any():
        out.attrs["note"] += " Empty values are months BTS published no figure for: missing, not zero."
    return out
