"""Reading R data files (``.rda``) of monthly counts, with the checks every such file needs.

Several publishers' tables reach us as data frames saved by R (the ``gdidata`` package's
``data/*.rda``). This module reads one frame with a real R-data reader (pyreadr, no R code is
run), checks its columns, and turns R's day numbers and float counts into dates and whole
numbers, raising :class:`~migrationdata.errors.DataError` with the offending rows otherwise.
It also maps nationality codes to names, refusing a code nobody knows (a republisher that
starts writing names, or a new code, must be looked at before it reaches a chart).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import lazy_loader

from migrationdata import countries
from migrationdata.errors import DataError

# pandas loads on first use: a refresh that finds nothing new never needs it
pd = lazy_loader.load("pandas")


def read_frame(path: Path, expected_object: str, columns: list[str]) -> pd.DataFrame:
    """One data frame from an R data file, with exactly ``columns`` (extra ones warned about)."""
    import pyreadr

    try:
        result = pyreadr.read_r(str(path))
    except Exception as exc:  # pyreadr raises its own LibrdataError on bad bytes
        raise DataError(path.name, f"not a readable R data file ({exc}); it may be truncated") from None
    if expected_object not in result:
        raise DataError(path.name, f"expected an R object named {expected_object!r}, found {list(result)}")
    df = result[expected_object]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            path.name, f"columns {missing} are missing (found {list(df.columns)}): the layout changed"
        )
    extra = [c for c in df.columns if c not in columns]
    if extra:
        warnings.warn(f"{path.name}: ignoring unexpected columns {extra}", stacklevel=2)
    if df.empty:
        raise DataError(
            path.name, f"the R object {expected_object!r} has its columns but no rows (an empty release)"
        )
    return df[columns].copy()


def months(values: pd.Series, file: str) -> pd.Series:
    """R dates (days since 1970-01-01, or ``datetime.date``) -> Timestamps, each the first of a month."""
    if pd.api.types.is_numeric_dtype(values):
        out = pd.to_datetime(values, unit="D", origin="unix")
    else:
        out = pd.to_datetime(values, errors="coerce")
    bad = out.isna() | (out.dt.day != 1)
    if bad.any():
        raise DataError(file, "dates must be the first day of a month", values[bad].head(10).to_frame())
    return out


def whole_counts(df: pd.DataFrame, column: str, file: str) -> pd.Series:
    """``df[column]`` as non-negative whole numbers (int64); text, negatives or fractions refused."""
    n = df[column]
    if not pd.api.types.is_numeric_dtype(n):
        # R saves counts as numbers; text ("1,234") means the file was rebuilt some other way
        raise DataError(file, f"{column}: counts must be stored as numbers, found text", df.head(5))
    bad = n.isna() | (n < 0) | (n % 1 != 0)
    if bad.any():
        raise DataError(file, f"{column}: counts must be whole numbers of zero or more", df[bad].head(10))
    return n.astype("int64")


def no_gaps(month: pd.Series, file: str, what: str = "rows") -> None:
    """Every month between the first and the last has rows: a month lost in the middle of a
    series is a damaged file, never a silent zero."""
    present = pd.DatetimeIndex(month.unique())
    expected = pd.date_range(present.min(), present.max(), freq="MS")
    lost = expected.difference(present)
    if len(lost):
        raise DataError(
            file,
            f"no {what} for {', '.join(f'{m:%B %Y}' for m in lost[:12])}"
            f"{' and more' if len(lost) > 12 else ''}, inside the series "
            f"({present.min():%B %Y} to {present.max():%B %Y})",
        )


def nationality_codes(codes: pd.Series, file: str) -> pd.Series:
    """Codes stripped and checked: three capital letters that ISO 3166 or the project's list
    of extra codes (countries.NON_ISO) knows. Anything else is refused with the rows."""
    codes = codes.astype("string").str.strip()
    malformed = codes.isna() | ~codes.fillna("").str.fullmatch(r"[A-Z]{3}")
    if malformed.any():
        raise DataError(
            file, "nationality codes must be three capital letters", codes[malformed].head(10).to_frame()
        )
    unknown = sorted(c for c in codes.unique() if countries.english_name(c) is None)
    if unknown:
        raise DataError(
            file,
            f"unknown nationality codes {unknown}: neither ISO 3166 nor the extra codes in "
            "migrationdata/countries.py (NON_ISO) know them; add the code there with its names "
            "if it is genuine",
        )
    return codes.astype(str)


def with_names(df: pd.DataFrame, column: str = "nationality_iso3") -> pd.DataFrame:
    """Add ``nationality`` (English) and ``nationality_es`` (Spanish) beside a checked code column."""
    uniq = df[column].unique()
    en = {c: countries.english_name(c) for c in uniq}
    es = {c: countries.spanish_name(c) or en[c] for c in uniq}
    return df.assign(nationality=df[column].map(en), nationality_es=df[column].map(es))
