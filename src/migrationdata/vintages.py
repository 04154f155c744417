"""What had been published by a given date: each publisher's release lag.

Official statistics come out weeks after the month they describe. To check a claim as it
could be checked on the day a story ran, or to draw a chart as it could have been drawn then,
every source is cut to the months its publisher had released by that date. The lags below
are the publishers' usual rhythm; where PROVENANCE gives a month's actual release date, that
date wins.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import lazy_loader

# pandas and numpy load on first use: a refresh that finds nothing new never needs them
np = lazy_loader.load("numpy")
pd = lazy_loader.load("pandas")

#: Months whose first release date is known (PROVENANCE, CBP's press releases): source ->
#: {month: release date}
KNOWN_RELEASES = {
    "cbp": {
        "2023-10-01": "2023-11-14",
        "2023-12-01": "2024-01-26",
        # CBP's "March 2025 monthly update" release (14 April 2025) published the month
        "2025-03-01": "2025-04-14",
        # FY2025's last month and FY2026's first two, the months the newer releases added.
        # September 2025 came out late (24 October 2025; DHS had only given preliminary
        # figures on 7 October), so the usual lag would show it four days too early.
        # October 2025: CBP's monthly update, carried on 15 November 2025 (30,573 nationwide);
        # November 2025: 16 December 2025 (30,375 nationwide, as in the release file).
        "2025-09-01": "2025-10-24",
        "2025-10-01": "2025-11-15",
        "2025-11-01": "2025-12-16",
    },
    # the third party's copy refreshes after CBP's monthly update: July 2026 was in the
    # snapshot of 22 August 2026
    "cbp_provisional": {
        "2026-07-01": "2026-08-22",
    },
    # INM Honduras gave 2023's whole-year count (545,043, the sum of the months here) on Friday
    # 5 January 2024, as EFE reported that day: December was out five days after it ended
    "honduras": {
        "2023-12-01": "2024-01-05",
        # ...and 2024's (369,258) on Tuesday 7 January 2025, as EFE reported that day
        "2024-12-01": "2025-01-07",
    },
    # Banxico's February 2025 remittances were out on 1 April 2025 (BBVA Research's note of that
    # day quotes them): a day before the usual lag from a 28-day month
    "remittances": {
        "2025-02-01": "2025-04-01",
    },
}


@dataclass(frozen=True)
class Release:
    """When a publisher releases a month's figures: ``lag_days`` after the month ends."""

    source: str
    publisher: str
    lag_days: int
    rule: str


RELEASES = {
    # SNM posts the month's PDF in the first days of the next month
    "darien": Release("darien", "Panama SNM", 10, "about the 10th of the following month"),
    # CBP's monthly update comes out mid-to-late the following month
    "cbp": Release("cbp", "CBP", 20, "about the 20th of the following month"),
    # a third party's monthly Southwest totals, summed from CBP's release once it is out
    "cbp_provisional": Release(
        "cbp_provisional",
        "govnumbers/political-dashboard (third party)",
        22,
        "a few days after CBP's monthly update, about the 22nd of the following month",
    ),
    # BTS border crossing data trail by about two months
    "bts": Release("bts", "BTS", 60, "about two months after the month ends"),
    # Census trade release for month M is early in month M+2
    "trade": Release("trade", "Census / BTS", 38, "about five weeks after the month ends"),
    # UPM's monthly bulletin for month M appears in the course of month M+2
    "mexico": Release("mexico", "Mexico UPM", 45, "about six weeks after the month ends"),
    # INM Honduras updates its dashboard in the first weeks of the next month
    "honduras": Release("honduras", "Honduras INM", 15, "about two weeks after the month ends"),
    # IOM records incidents as reports come in; a month is mostly complete a month later
    "missing_migrants": Release("missing_migrants", "IOM", 30, "about a month after the month ends"),
    # Banxico publishes month M's remittances on the first working days of month M+2
    "remittances": Release("remittances", "Banxico", 33, "early in the second month after"),
}


@functools.lru_cache(maxsize=65536)
def release_day(source: str, month: pd.Timestamp) -> date:
    """The day ``source`` published ``month``: the day on record (KNOWN_RELEASES), else the
    month's end plus the publisher's usual lag. Kept per month: a story's claims ask about the
    same months of the same tables on every date they are checked on."""
    known = KNOWN_RELEASES.get(source, {}).get(month.strftime("%Y-%m-%d"))
    if known:
        return date.fromisoformat(known)
    month_end = (month + pd.offsets.MonthEnd(0)).date()
    return month_end + pd.Timedelta(days=RELEASES[source].lag_days)


@dataclass(frozen=True)
class Vintage:
    """What had been published by ``as_of`` (None: everything in the data now)."""

    as_of: date | None = None

    @property
    def label(self) -> str:
        return "now" if self.as_of is None else self.as_of.isoformat()

    def released_on(self, source: str, month: pd.Timestamp) -> date:
        return release_day(source, pd.Timestamp(month))

    def published(self, source: str, month: pd.Timestamp) -> bool:
        return self.as_of is None or self.released_on(source, month) <= self.as_of

    def published_mask(self, source: str, months) -> np.ndarray:
        """For each month in ``months`` (a Series of month starts), whether it had been
        released by ``as_of``. Decided once per distinct month, so big tables stay fast."""
        months = pd.to_datetime(pd.Series(months))
        if self.as_of is None:
            return np.ones(len(months), dtype=bool)
        codes, distinct = pd.factorize(months, use_na_sentinel=False)
        decided = np.array([self.published(source, m) for m in distinct], dtype=bool)
        return decided[codes]

    def restrict(self, source: str, df: pd.DataFrame, column: str = "month") -> pd.DataFrame:
        """Keep the rows whose month had been released by ``as_of``."""
        if self.as_of is None or df.empty:
            return df
        return df[self.published_mask(source, df[column])]

    def known_by(self, published_on: date | None) -> bool:
        return self.as_of is None or published_on is None or published_on <= self.as_of
