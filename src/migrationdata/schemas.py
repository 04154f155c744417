"""Building blocks for the processed tables' pandera schemas.

Each source module declares its own tables' schemas (beside the parser that fills them); the
checks every monthly table shares live here so they are written, and worded, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

# pandas loads on first use: a refresh that finds nothing new never needs it
pd = lazy_loader.load("pandas")

if TYPE_CHECKING:  # pandera is imported only when a table is validated, not by loaders
    import pandera.pandas as pa


def month_column(first: pd.Timestamp | None = None) -> pa.Column:
    """A ``month`` column: the first day of each month, from ``first`` on."""
    import pandera.pandas as pa

    checks = [pa.Check(lambda s: bool((s.dt.day == 1).all()), error="first day of a month")]
    if first is not None:
        checks.append(pa.Check.ge(first, error=f"no month before {first:%B %Y}"))
    return pa.Column("datetime64[ns]", checks=checks)


def contiguous_months(first: pd.Timestamp) -> pa.Check:
    """A table-level check: every month from ``first`` to the last one has rows (a month lost
    in the middle of a series is an error, never a silent zero)."""
    import pandera.pandas as pa

    def check(df: pd.DataFrame) -> bool:
        months = pd.DatetimeIndex(df["month"].unique())
        if months.empty:
            return False
        expected = pd.date_range(first, months.max(), freq="MS")
        return months.min() == first and expected.difference(months).empty

    return pa.Check(check, error=f"a month from {first:%B %Y} on has no rows")
