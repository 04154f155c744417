"""Every way a publisher's server can fail, and what each source's fetch must do about it.

A :class:`Scenario` says what the server does (in words, for docs/reliability.md), how to make
it do that, and what outcome is right:

- ``refused``: the fetch fails for that source with a message naming the source, the URL, what
  was expected, what arrived and what to do; every file under the data folder is unchanged;
- ``recovered``: a transient fault; starting from an empty data folder the fetch ends with
  exactly the tables a clean fetch gives;
- ``accepted``: a harmless difference (a re-compressed file): the fetch succeeds and the tables
  are byte-for-byte the same;
- ``tolerated``: like accepted, but the reporter is warned (an extra column).

A :class:`Target` says, per source, which file the faults hit and how to drift its layout.
Drifted files are made in the test from the mirror's bytes; none is committed.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import faultserver as fs

# ----------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    source: str
    file: str  # the file every fault hits (the others are served correctly)
    #: scenario id -> function of the true bytes giving the drifted bytes
    drift: dict[str, Callable[[bytes], bytes]]
    #: expected outcome of the "different text encoding" scenario and what it does
    encoding_outcome: str = "refused"
    encoding_what: str = ""
    #: a second source fetched in the same command, which must still succeed
    bystander: str | None = None
    #: a new, valid release of ``file`` (one count revised), for the interrupted commit
    revision: Callable[[bytes], bytes] | None = None
    #: scenario id -> another of the source's files, where that file fits the fault better
    overrides: dict[str, str] = field(default_factory=dict)
    #: the source's folder in the mirror, when it is not the source id
    folder: str = ""
    #: scenario id -> the outcome this source gives instead of the scenario's (with the reason
    #: in the source's docs, e.g. darien keeps an unknown code under a warning)
    expect: dict[str, str] = field(default_factory=dict)
    #: scenario id -> what the message says instead of the scenario's pattern
    says: dict[str, str] = field(default_factory=dict)
    #: scenario id -> why the scenario cannot apply to this source
    not_applicable: dict[str, str] = field(default_factory=dict)
    #: the publisher's address a live refresh starts from (for the scenarios run without a mirror)
    live_url: str = ""
    #: integrity scenarios (revision policy, encodings, resources): id -> function of the true
    #: bytes giving the bytes served; a scenario without one here does not apply to the source
    data: dict[str, Callable[[bytes], bytes]] = field(default_factory=dict)
    #: scenario id -> expected outcome where it differs by source ("per-source" scenarios)
    outcomes: dict[str, str] = field(default_factory=dict)
    #: scenario id -> what the scenario does for this source, where that differs by source
    whats: dict[str, str] = field(default_factory=dict)
    #: scenario id -> function of every file of the source ({name: true bytes}) giving the bytes
    #: of each, for sources whose files must agree with each other (a republisher releases them
    #: together): the fault is then a whole consistent release, which only the revision policy
    #: can judge (it takes precedence over ``drift`` and ``data`` for that scenario)
    together: dict[str, Callable[[dict[str, bytes]], dict[str, bytes]]] = field(default_factory=dict)

    def revised(self, data: bytes) -> bytes:
        """``revision`` of the mirror's bytes, made once per process: every integrity scenario
        of a source serves the same new release (for the R and Excel files a write is not
        byte for byte repeatable, and the scenarios need a valid release, not a new one each)."""
        key = (self.source, hashlib.sha256(data).hexdigest())
        if key not in _REVISED:
            assert self.revision is not None, f"{self.source} declares no revision"
            _REVISED.clear()  # one source's at a time: the BTS export is 46 MB
            _REVISED[key] = self.revision(data)
        return _REVISED[key]

    def transforms(self) -> dict[str, Callable[[bytes], bytes]]:
        return {**self.drift, **self.data}

    def release(self, scenario_id: str, mirror: Path) -> dict[str, bytes]:
        """Every file of the source as the scenario serves it ({name: bytes}), when the
        scenario changes several files together (``together``); {} otherwise."""
        if scenario_id not in self.together:
            return {}
        folder = mirror / self.mirror_folder
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix != ".md"}
        out = self.together[scenario_id](dict(files))
        assert set(out) == set(files) and out != files, f"{scenario_id} changes no file of {self.source}"
        return out

    def outcome(self, scenario_id: str) -> str:
        if scenario_id == "drift-encoding":
            return self.encoding_outcome
        return self.outcomes.get(scenario_id, "refused")

    def file_for(self, scenario_id: str) -> str:
        return self.overrides.get(scenario_id, self.file)

    @property
    def mirror_folder(self) -> str:
        return self.folder or self.source


_REVISED: dict[tuple[str, str], bytes] = {}


def corrupt(data: bytes, keep: int = 64, seed: int = 8) -> bytes:
    """The file's first bytes (so its signature still looks right), then noise of the same
    length: what a disk or proxy that mangles the body delivers."""
    rng = random.Random(seed)
    return data[:keep] + rng.randbytes(len(data) - keep)


# -- R data files (Darién) -----------------------------------------------------------


def _rda_edit(obj: str, edit: Callable, compress: str = "gzip") -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        import pyreadr

        with tempfile.TemporaryDirectory() as d:
            src, out = Path(d) / "in.rda", Path(d) / "out.rda"
            src.write_bytes(data)
            df = pyreadr.read_r(str(src))[obj]
            df = edit(df.copy())
            # gzip at level 1: a valid R file all the same, written several times faster
            pyreadr.write_rdata(str(out), df, df_name=obj, compress=compress, compresslevel=1)
            return out.read_bytes()

    return mutate


def _days(iso: str) -> float:
    import pandas as pd

    return float((pd.Timestamp(iso) - pd.Timestamp("1970-01-01")).days)


def _negate_one(df):
    i = df.index[(df["t"] == _days("2023-08-01")) & (df["nat"] == "VEN")][0]
    df.loc[i, "n"] = -df.loc[i, "n"]
    return df


def _counts_as_text(df):
    # what a republisher's spreadsheet export does: counts with thousands separators, as text
    df["n"] = [f"{int(v):,}" for v in df["n"]]
    return df


def _revise_2016(df):
    # an annual row (before 2020): the demographic file does not cover it, so it stays valid
    i = df.index[df["t"] == _days("2016-01-01")][0]
    df.loc[i, "n"] = df.loc[i, "n"] + 1
    return df


def _duplicate_one(df):
    import pandas as pd

    row = df[(df["t"] == _days("2023-08-01")) & (df["nat"] == "VEN")]
    return pd.concat([df, row], ignore_index=True)


def _unknown_code(df):
    # what a republisher's new mapping or a typo gives: a code that is no country
    i = df.index[(df["t"] == _days("2023-08-01")) & (df["nat"] == "VEN")][0]
    df.loc[i, "nat"] = "QQQ"
    return df


def _revise(when: str, nat: str = "VEN"):
    def edit(df):
        i = df.index[(df["t"] == _days(when)) & (df["nat"] == nat)][0]
        df.loc[i, "n"] = df.loc[i, "n"] + 1
        return df

    return edit


def _scale_largest(when: str, factor: int = 10):
    def edit(df):
        rows = df[df["t"] == _days(when)]
        i = rows["n"].idxmax()
        df.loc[i, "n"] = df.loc[i, "n"] * factor
        return df

    return edit


def _without_month(when: str, column: str = "t"):
    return lambda df: df[df[column] != _days(when)].reset_index(drop=True)


def _without_latest(column: str = "t"):
    return lambda df: df[df[column] != df[column].max()].reset_index(drop=True)


def rda_drift(obj: str, *, drop: str, row: dict, month: str, month_column: str = "t", count: str = "n"):
    """The drift scenarios for one R data frame: ``row`` (column -> value, dates as ISO
    strings) picks the row whose count is spoiled or repeated, ``month`` the month removed
    from the middle of the series."""
    import pandas as pd

    def pick(df):
        mask = pd.Series(True, index=df.index)
        for col, val in row.items():
            mask &= df[col] == (_days(val) if col in ("t", "m") else val)
        return df.index[mask][0]

    def negate(df):
        i = pick(df)
        df.loc[i, count] = -df.loc[i, count]
        return df

    def as_text(df):
        df[count] = [f"{int(v):,}" for v in df[count]]
        return df

    def repeat(df):
        return pd.concat([df, df.loc[[pick(df)]]], ignore_index=True)

    return {
        "drift-renamed-column": _rda_edit(obj, lambda df: df.rename(columns={count: "count"})),
        "drift-missing-column": _rda_edit(obj, lambda df: df.drop(columns=[drop])),
        "drift-extra-column": _rda_edit(obj, lambda df: df.assign(region="Americas")),
        "drift-non-numeric": _rda_edit(obj, as_text),
        "drift-negative": _rda_edit(obj, negate),
        "drift-duplicate-key": _rda_edit(obj, repeat),
        "drift-missing-month": _rda_edit(obj, _without_month(month, month_column)),
        "drift-latest-month-missing": _rda_edit(obj, _without_latest(month_column)),
        "drift-encoding": _rda_edit(obj, lambda df: df, compress="gzip"),
    }


RDA_ENCODING = "the same R data re-saved with gzip instead of bzip2 compression"

#: why a Latin-1 file cannot be staged from an R data file
RDA_LATIN1 = (
    "an R data file is binary, not text: R records each string's encoding in the file itself, so "
    "there is no Latin-1 copy of it to serve (the drift-encoding scenario re-saves it instead)"
)


def _blank_largest(when: str):
    def edit(df):
        rows = df[df["t"] == _days(when)]
        df.loc[rows["n"].idxmax(), "n"] = float("nan")
        return df

    return edit


def _keep_third_of_latest(df):
    import pandas as pd

    last = df["t"].max()
    latest = df[df["t"] == last]
    return pd.concat([df[df["t"] != last], latest.iloc[::3]]).reset_index(drop=True)


def _future_months(df):
    """The latest month's rows repeated for every month up to two months from today."""
    import pandas as pd

    last = df["t"].max()
    latest = df[df["t"] == last]
    start = pd.Timestamp("1970-01-01") + pd.Timedelta(days=last)
    end = pd.Timestamp.today().normalize().replace(day=1) + pd.DateOffset(months=2)
    extra = []
    for month in pd.date_range(start + pd.DateOffset(months=1), end, freq="MS"):
        day = _days(month.strftime("%Y-%m-%d"))
        extra.append(latest.assign(**{c: day for c in ("t", "q") if c in df.columns}))
    return pd.concat([df, *extra]).reset_index(drop=True)


def gzip_bomb(unpacked: int, line: bytes = b"", head: bytes = b"") -> bytes:
    """A gzip file that unpacks to ``unpacked`` bytes (zeros, or ``line`` repeated, which passes
    for text): about a thousandth of that on disk.

    One gzip member, as a compressor writes it, made in well under a second even for a
    gigabyte: each megabyte block is deflated once after a full flush (which makes the
    compressed block independent of what came before), and its bytes are repeated."""
    import struct
    import zlib

    block = (line * ((1 << 20) // len(line) + 1))[: 1 << 20] if line else b"\0" * (1 << 20)
    count = unpacked // len(block) + 1
    z = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the gzip frame is written below
    first = z.compress(head) + z.flush(zlib.Z_FULL_FLUSH)
    packed = z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)
    assert z.compress(block) + z.flush(zlib.Z_FULL_FLUSH) == packed, "the block did not repeat"
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    size = len(head) + count * len(block)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, no time
    trailer = struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)
    return header + first + packed * count + z.flush() + trailer


def bomb_response(unpacked: int):
    """A response compressed on the wire (Content-Encoding: gzip) that unpacks to the file's
    header line, then ``unpacked`` bytes of rows. The bomb is made now, before the request, so
    that the server answers at once; the header is a gzip member of its own in front of it."""
    import gzip

    bomb = gzip_bomb(unpacked, b"0,0,0,0\n")
    return fs.replaced(
        lambda body: gzip.compress(body.partition(b"\n")[0] + b"\n") + bomb, {"Content-Encoding": "gzip"}
    )


DARIEN = Target(
    source="darien",
    file="irreg_darien_nat.rda",
    drift={
        "drift-renamed-column": _rda_edit("irreg_darien_nat", lambda df: df.rename(columns={"n": "count"})),
        "drift-missing-column": _rda_edit("irreg_darien_nat", lambda df: df.drop(columns=["q"])),
        "drift-extra-column": _rda_edit("irreg_darien_nat", lambda df: df.assign(region="Americas")),
        "drift-non-numeric": _rda_edit("irreg_darien_nat", _counts_as_text),
        "drift-negative": _rda_edit("irreg_darien_nat", _negate_one),
        "drift-duplicate-key": _rda_edit("irreg_darien_nat", _duplicate_one),
        "drift-missing-month": _rda_edit(
            "irreg_darien_nat", lambda df: df[df["t"] != _days("2023-06-01")].reset_index(drop=True)
        ),
        "drift-latest-month-missing": _rda_edit(
            "irreg_darien_nat", lambda df: df[df["t"] != df["t"].max()].reset_index(drop=True)
        ),
        # R data files carry their own encoding; the one a republisher can change is the
        # compression (R saves with gzip, bzip2 or xz). Same data, other bytes.
        "drift-encoding": _rda_edit("irreg_darien_nat", lambda df: df, compress="gzip"),
        "drift-unknown-code": _rda_edit("irreg_darien_nat", _unknown_code),
    },
    # darien would keep a code it cannot name (under a warning and an "Unrecognised code"
    # label), but the real code's row then disappears from the table: the loss check refuses
    says={"drift-unknown-code": r"would remove 1 of the [\d,]+ rows of darien_monthly"},
    encoding_outcome="accepted",
    encoding_what="the same R data re-saved with gzip instead of bzip2 compression",
    revision=_rda_edit("irreg_darien_nat", _revise_2016),
    data={
        "value-times-ten": _rda_edit("irreg_darien_nat", _scale_largest("2023-08-01")),
        "value-withdrawn": _rda_edit("irreg_darien_nat", _blank_largest("2023-08-01")),
        "future-months": _rda_edit("irreg_darien_nat", _future_months),
        "cut-in-last-month": _rda_edit("irreg_darien_nat", _keep_third_of_latest),
        "new-month-cut-short": _rda_edit("irreg_darien_nat", _keep_third_of_latest),
        "header-only": _rda_edit("irreg_darien_nat", lambda df: df.iloc[0:0]),
        "compressed-bomb": lambda data: gzip_bomb(30_000_000),
    },
    whats={
        "compressed-bomb": "the R data file replaced by 30 KB of gzip that unpacks to 30 MB of zeros",
        "header-only": "an R data frame with its columns and no rows",
    },
    not_applicable={"latin-1": RDA_LATIN1},
)


# -- CSV files (CBP, BTS, trade) -------------------------------------------------------
# The mirror's CSVs have no quoted fields, so a row is its line split on commas (the
# helpers check that rather than assume it). They work line by line, splitting only the
# lines that can match, because the BTS export has 400,000 of them.


class CsvText:
    #: the lines of the last few files split (sha256 -> newline, lines, trailing): every
    #: scenario of a source starts from the same mirror file, split once per process
    _split: ClassVar[dict[str, tuple[str, tuple[str, ...], bool]]] = {}

    def __init__(self, data: bytes) -> None:
        key = hashlib.sha256(data).hexdigest()
        if key not in self._split:
            assert b'"' not in data, "quoted CSV: these helpers only split on commas"
            text = data.decode("utf-8")
            newline = "\r\n" if "\r\n" in text[:10_000] else "\n"
            lines = text.split(newline)
            trailing = lines[-1] == ""
            if trailing:
                lines.pop()
            while len(self._split) >= 4:
                del self._split[next(iter(self._split))]
            self._split[key] = (newline, tuple(lines), trailing)
        self.newline, lines, self.trailing = self._split[key]
        self.lines = list(lines)
        self.header = self.lines[0].split(",")

    def bytes(self) -> bytes:
        return (self.newline.join(self.lines) + (self.newline if self.trailing else "")).encode("utf-8")

    def matches(self, where: dict[str, str]) -> list[int]:
        """Line numbers of the rows whose columns hold the given values (``_`` in a column
        name stands for a space, unless the header has the name as written)."""
        want = {
            self.header.index(k if k in self.header else k.replace("_", " ")): v for k, v in where.items()
        }
        # substring tests first (each value in turn, longest first, over the lines still in
        # the running), then the cells of the few lines that hold every value
        lines = self.lines
        found = range(1, len(lines))
        for value in sorted(set(want.values()), key=len, reverse=True):
            found = [n for n in found if value in lines[n]]
        hits = []
        for n in found:
            cells = lines[n].split(",")
            if all(cells[i] == v for i, v in want.items()):
                hits.append(n)
        assert hits, f"no row matches {where}"
        return hits


def _csv(edit: Callable[[CsvText], None]) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        doc = CsvText(data)
        edit(doc)
        return doc.bytes()

    return mutate


def rename_column(old: str, new: str):
    def edit(doc: CsvText) -> None:
        doc.lines[0] = ",".join(new if c == old else c for c in doc.header)

    return _csv(edit)


def drop_column(name: str):
    def edit(doc: CsvText) -> None:
        i = doc.header.index(name)
        for n, line in enumerate(doc.lines):
            cells = line.split(",")
            del cells[i]
            doc.lines[n] = ",".join(cells)

    return _csv(edit)


def add_column(name: str, value: str):
    def edit(doc: CsvText) -> None:
        doc.lines = [doc.lines[0] + "," + name, *(line + "," + value for line in doc.lines[1:])]

    return _csv(edit)


def set_count(column: str, value: str, **where: str):
    """Put ``value`` in ``column`` of the first row matching ``where``."""

    def edit(doc: CsvText) -> None:
        n = doc.matches(where)[0]
        cells = doc.lines[n].split(",")
        cells[doc.header.index(column)] = value
        doc.lines[n] = ",".join(cells)

    return _csv(edit)


def revise_count(column: str, **where: str):
    """A publisher's revision: the first row matching ``where`` counts one more."""

    def edit(doc: CsvText) -> None:
        n = doc.matches(where)[0]
        cells = doc.lines[n].split(",")
        i = doc.header.index(column)
        cells[i] = str(int(float(cells[i])) + 1)
        doc.lines[n] = ",".join(cells)

    return _csv(edit)


def repeat_row(column: str | None = None, **where: str):
    """Append a copy of the first row matching ``where`` (with ``column`` changed, so the two
    rows disagree, when given)."""

    def edit(doc: CsvText) -> None:
        cells = doc.lines[doc.matches(where)[0]].split(",")
        if column:
            i = doc.header.index(column)
            cells[i] = str(int(float(cells[i])) + 1)
        doc.lines.append(",".join(cells))

    return _csv(edit)


def drop_rows(**where: str):
    def edit(doc: CsvText) -> None:
        gone = set(doc.matches(where))
        doc.lines = [line for n, line in enumerate(doc.lines) if n not in gone]

    return _csv(edit)


def scale_count(column: str, factor: int = 10, **where: str):
    """The largest count among the rows matching ``where``, multiplied by ``factor``."""

    def edit(doc: CsvText) -> None:
        i = doc.header.index(column)
        hits = doc.matches(where)
        n = max(hits, key=lambda k: float(doc.lines[k].split(",")[i] or 0))
        cells = doc.lines[n].split(",")
        value = float(cells[i]) * factor
        cells[i] = str(int(value)) if value.is_integer() and "." not in cells[i] else str(value)
        doc.lines[n] = ",".join(cells)

    return _csv(edit)


def blank_count(column: str, **where: str):
    """The largest count among the rows matching ``where`` left empty (a value withdrawn)."""

    def edit(doc: CsvText) -> None:
        i = doc.header.index(column)
        hits = doc.matches(where)
        n = max(hits, key=lambda k: float(doc.lines[k].split(",")[i] or 0))
        cells = doc.lines[n].split(",")
        cells[i] = ""
        doc.lines[n] = ",".join(cells)

    return _csv(edit)


def keep_third(**where: str):
    """Only every third row matching ``where`` kept: what a file cut inside its last month
    gives once the publisher's rows of that month are spread through it."""

    def edit(doc: CsvText) -> None:
        hits = doc.matches(where)
        gone = set(hits) - set(hits[::3])
        doc.lines = [line for n, line in enumerate(doc.lines) if n not in gone]

    return _csv(edit)


def header_only(data: bytes) -> bytes:
    """A release with its header line and no rows."""
    first, _, _ = data.partition(b"\n")
    return first + b"\n"


def latin1(data: bytes) -> bytes:
    """The file saved as Latin-1 (with a note column that has an accented word)."""
    return add_column("Notas", "revisión")(data).decode("utf-8").encode("latin-1")


def future_rows(calendar: tuple[Callable, Callable], **latest: str):
    """The latest month's rows repeated for every month after it up to two months from today.
    ``calendar`` is (month of a row's cells, write a month into a row's cells)."""
    month_of, relabel = calendar

    def edit(doc: CsvText) -> None:
        import pandas as pd

        cols = {name: i for i, name in enumerate(doc.header)}
        rows = [doc.lines[n].split(",") for n in doc.matches(latest)]
        end = pd.Timestamp.today().normalize().replace(day=1) + pd.DateOffset(months=2)
        for month in pd.date_range(month_of(rows[0], cols) + pd.DateOffset(months=1), end, freq="MS"):
            for cells in rows:
                new = list(cells)
                relabel(new, cols, month)
                doc.lines.append(",".join(new))

    return _csv(edit)


def utf16(data: bytes) -> bytes:
    """What Excel's "Unicode text" export gives: UTF-16 with a byte-order mark."""
    return data.decode("utf-8").encode("utf-16")


def csv_data(
    *, count: str, row: dict[str, str], latest: dict[str, str], calendar: tuple[Callable, Callable]
) -> dict[str, Callable[[bytes], bytes]]:
    """The integrity scenarios for a CSV: ``row`` picks the month whose largest count is spoiled,
    ``latest`` the rows of the last month, ``calendar`` reads and writes a row's month."""
    return {
        "value-times-ten": scale_count(count, 10, **row),
        "value-withdrawn": blank_count(count, **row),
        "future-months": future_rows(calendar, **latest),
        "cut-in-last-month": keep_third(**latest),
        "new-month-cut-short": keep_third(**latest),
        "header-only": header_only,
        "latin-1": latin1,
    }


FY_ABBR = ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP")


def _cbp_month(cells, cols):
    import pandas as pd

    fy = int(cells[cols["Fiscal Year"]][:4])
    return pd.Timestamp(year=fy - 1, month=10, day=1) + pd.DateOffset(
        months=FY_ABBR.index(cells[cols["Month (abbv)"]])
    )


def _cbp_relabel(cells, cols, month) -> None:
    cells[cols["Fiscal Year"]] = f"{month.year + (month.month >= 10)} (FYTD)"
    cells[cols["Month (abbv)"]] = month.strftime("%b").upper()


def _bts_month(cells, cols):
    import pandas as pd

    return pd.to_datetime(cells[cols["Date"]], format="%b %Y")


def _bts_relabel(cells, cols, month) -> None:
    cells[cols["Date"]] = month.strftime("%b %Y")


def _trade_month(cells, cols):
    import pandas as pd

    return pd.Timestamp(year=int(cells[cols["Year"]]), month=int(cells[cols["Month"]]), day=1)


def _trade_relabel(cells, cols, month) -> None:
    cells[cols["Year"]] = str(month.year)
    cells[cols["Month"]] = str(month.month)


def csv_drift(
    *,
    rename: tuple[str, str],
    drop: str,
    count: str,
    row: dict[str, str],
    month: dict[str, str],
    latest: dict[str, str],
    conflicting_duplicate: bool = True,
) -> dict[str, Callable[[bytes], bytes]]:
    """The drift scenarios for a CSV: ``row`` picks the row whose count is spoiled, ``month``
    the rows removed from the middle of the series, ``latest`` the rows of the last month (keys
    are column names, ``_`` standing for a space)."""
    return {
        "drift-renamed-column": rename_column(*rename),
        "drift-missing-column": drop_column(drop),
        "drift-extra-column": add_column("Notes", "provisional"),
        "drift-non-numeric": set_count(count, "N/A", **row),
        "drift-negative": set_count(count, "-5", **row),
        "drift-duplicate-key": repeat_row(count if conflicting_duplicate else None, **row),
        "drift-missing-month": drop_rows(**month),
        "drift-latest-month-missing": drop_rows(**latest),
        "drift-encoding": utf16,
    }


UTF16 = "the CSV saved as UTF-16 with a byte-order mark (Excel's 'Unicode text')"

CBP = Target(
    source="cbp",
    file="sbo-encounters-fy22-fy25-aug.csv",
    drift=csv_drift(
        rename=("Encounter Count", "Encounters"),
        drop="Title of Authority",
        count="Encounter Count",
        row={"Fiscal_Year": "2023", "Month_(abbv)": "DEC"},
        month={"Fiscal_Year": "2023", "Month_(abbv)": "JUN"},
        latest={"Fiscal_Year": "2025 (FYTD)", "Month_(abbv)": "AUG"},
        conflicting_duplicate=False,  # an exact repeat: it would double a count if summed
    ),
    encoding_what=UTF16,
    bystander="darien",
    overrides={
        "corrupt-file": "usbp_monthly_encounters_fy2000-fy2020.csv.gz",
        "compressed-bomb": "usbp_monthly_encounters_fy2000-fy2020.csv.gz",
    },
    # a month of the fiscal year still open in this release: CBP revises those (closed years
    # never move, and the revision policy refuses a change there)
    revision=revise_count(
        "Encounter Count",
        Fiscal_Year="2025 (FYTD)",
        Component="Office of Field Operations",
        Month_Grouping="FYTD",
    ),
    data={
        **csv_data(
            count="Encounter Count",
            row={"Fiscal_Year": "2023", "Month_(abbv)": "DEC"},
            latest={"Fiscal_Year": "2025 (FYTD)", "Month_(abbv)": "AUG"},
            calendar=(_cbp_month, _cbp_relabel),
        ),
        "compressed-bomb": lambda data: gzip_bomb(30_000_000),
    },
    outcomes={"latin-1": "tolerated"},
    not_applicable={
        "new-month-cut-short": "the Southwest release's last month (August 2025) is no longer the "
        "table's last: the state releases run to November 2025, so a release 'ending a month earlier' "
        "cannot be staged from this file (the scenario runs for every other source)",
    },
    # August 2025 is the last month this Southwest release splits into Border Patrol and ports of
    # entry (the later state releases do not): cut short, the split of that month empties, and the
    # policy refuses the withdrawn values before it looks at the month's size
    whats={
        "latin-1": "the CSV saved as Latin-1 (an accented word in a new column): CBP's parser reads "
        "Windows exports on purpose, and warns about the column",
        "compressed-bomb": "the gzipped history file replaced by 20 KB of gzip that unpacks to 30 MB of zeros",
    },
)

BTS = Target(
    source="bts",
    file="Border_Crossing_Entry_Data.csv",
    drift=csv_drift(
        rename=("Value", "Count"),
        drop="Port Code",
        count="Value",
        row={"Border": "US-Mexico Border", "Date": "Dec 2023"},
        month={"Border": "US-Mexico Border", "Date": "Jun 2023"},
        latest={"Border": "US-Mexico Border", "Date": "Feb 2025"},
    ),
    encoding_what=UTF16,
    bystander="darien",
    revision=revise_count("Value", Border="US-Mexico Border", Date="Dec 2023"),
    data=csv_data(
        count="Value",
        row={"Border": "US-Mexico Border", "Date": "Dec 2023"},
        latest={"Border": "US-Mexico Border", "Date": "Feb 2025"},
        calendar=(_bts_month, _bts_relabel),
    ),
)

TRADE = Target(
    source="trade",
    file="bts_transborder_monthly_trends_1993_2025.csv",
    drift=csv_drift(
        rename=("TradeValue", "Value"),
        drop="Mode",
        count="TradeValue",
        row={"Country": "Mexico", "Year": "2023", "Month": "12"},
        month={"Country": "Mexico", "Year": "2023", "Month": "6"},
        latest={"Country": "Mexico", "Year": "2025", "Month": "12"},
    ),
    encoding_what=UTF16,
    bystander="darien",
    revision=revise_count("TradeValue", Country="Mexico", Year="2023", Month="12"),
    data=csv_data(
        count="TradeValue",
        row={"Country": "Mexico", "Year": "2023", "Month": "12"},
        latest={"Country": "Mexico", "Year": "2025", "Month": "12"},
        calendar=(_trade_month, _trade_relabel),
    ),
)

# -- the route: Mexico, Honduras, IOM (R data files) and Banxico (CSV) -----------------


def _rda_read(data: bytes, obj: str):
    import pyreadr

    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "in.rda"
        src.write_bytes(data)
        return pyreadr.read_r(str(src))[obj]


def _rda_write(df, obj: str) -> bytes:
    import pyreadr

    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "out.rda"
        pyreadr.write_rdata(str(out), df, df_name=obj, compress="gzip", compresslevel=1)
        return out.read_bytes()


def _every_month_to_come(last_day: float):
    """The months after ``last_day`` (days since 1970) up to two months from today."""
    import pandas as pd

    start = pd.Timestamp("1970-01-01") + pd.Timedelta(days=last_day)
    end = pd.Timestamp.today().normalize().replace(day=1) + pd.DateOffset(months=2)
    return pd.date_range(start + pd.DateOffset(months=1), end, freq="MS")


def _latest_months_rows(df, column: str = "t"):
    return df[df[column] == df[column].max()]


MEXICO = Target(
    source="mexico",
    file="irreg_mexico_nat.rda",
    drift={
        **rda_drift(
            "irreg_mexico_nat", drop="nat", row={"t": "2023-08-01", "nat": "VEN"}, month="2023-06-01"
        ),
        "drift-unknown-code": _rda_edit("irreg_mexico_nat", _unknown_code),
    },
    encoding_outcome="accepted",
    encoding_what=RDA_ENCODING,
    bystander="darien",
    revision=_rda_edit("irreg_mexico_nat", _revise("2023-08-01")),
    data={
        "value-times-ten": _rda_edit("irreg_mexico_nat", _scale_largest("2023-08-01")),
        "value-withdrawn": _rda_edit("irreg_mexico_nat", _blank_largest("2023-08-01")),
        "future-months": _rda_edit("irreg_mexico_nat", _future_months),
        "cut-in-last-month": _rda_edit("irreg_mexico_nat", _keep_third_of_latest),
        "new-month-cut-short": _rda_edit("irreg_mexico_nat", _keep_third_of_latest),
        "header-only": _rda_edit("irreg_mexico_nat", lambda df: df.iloc[0:0]),
        "compressed-bomb": lambda data: gzip_bomb(30_000_000),
    },
    not_applicable={"latin-1": RDA_LATIN1},
    whats={
        "compressed-bomb": "the R data file replaced by 30 KB of gzip that unpacks to 30 MB of zeros",
        "header-only": "an R data frame with its columns and no rows",
        "new-month-cut-short": "the previous release ended in March 2025; the new one brings April 2025 "
        "with a third of its nationality rows (27 of 81, 1,277 of 5,898 events)",
    },
)


def _revise_total(df):
    # January 2016: before the nationality and demographic detail, so the files still agree
    i = df.index[df["t"] == _days("2016-01-01")][0]
    df.loc[i, "n"] = df.loc[i, "n"] + 1
    return df


#: Honduras' three files (file -> R object): the total, by nationality and by group, which
#: must add up month by month (the parser refuses a release where they do not)
HONDURAS_FILES = {
    "irreg_honduras.rda": "irreg_honduras",
    "irreg_honduras_nat.rda": "irreg_honduras_nat",
    "irreg_honduras_dmg.rda": "irreg_honduras_dmg",
}


def _honduras(edit):
    """A consistent Honduras release: ``edit(total, nationality, groups)`` changes the three
    frames together, so that they still add up and only the revision policy can judge it."""

    def release(files: dict[str, bytes]) -> dict[str, bytes]:
        frames = [_rda_read(files[f], obj) for f, obj in HONDURAS_FILES.items()]
        frames[0]["n"] = frames[0]["n"].astype(float)
        new = edit(*frames)
        return {**files, **{f: _rda_write(df, obj) for (f, obj), df in zip(HONDURAS_FILES.items(), new)}}

    return release


def _hn_times_ten(total, nat, dmg):
    # the largest nationality of August 2023 ten times over, and the total and the men with it
    when = _days("2023-08-01")
    i = nat[nat["t"] == when]["n"].idxmax()
    extra = nat.at[i, "n"] * 9
    nat.loc[i, "n"] = nat.at[i, "n"] * 10
    total.loc[total["t"] == when, "n"] += extra
    dmg.loc[(dmg["t"] == when) & (dmg["demog"] == "men"), "n"] += extra
    return total, nat, dmg


def _hn_without_latest(total, nat, dmg):
    last = total["t"].max()
    return tuple(df[df["t"] != last].reset_index(drop=True) for df in (total, nat, dmg))


def _hn_future(total, nat, dmg):
    import pandas as pd

    out = []
    for df in (total, nat, dmg):
        latest = _latest_months_rows(df)
        extra = [latest.assign(t=_days(f"{m:%Y-%m-%d}")) for m in _every_month_to_come(df["t"].max())]
        out.append(pd.concat([df, *extra]).reset_index(drop=True))
    return tuple(out)


def _hn_cut_latest(total, nat, dmg):
    """April 2025 with one nationality row in three (Cuba's 1,557 among them), the total and
    the groups brought down to match: what a scrape of INM's dashboard cut short gives."""
    import pandas as pd

    last = total["t"].max()
    rows = nat[nat["t"] == last]
    nat = pd.concat([nat[nat["t"] != last], rows.iloc[::3]]).reset_index(drop=True)
    new = rows.iloc[::3]["n"].sum()
    old = total.loc[total["t"] == last, "n"].sum()
    total.loc[total["t"] == last, "n"] = new
    groups = dmg["t"] == last
    scaled = (dmg.loc[groups, "n"] * new / old).apply(float.__floor__).astype(float)
    scaled[scaled.idxmax()] += new - scaled.sum()
    dmg.loc[groups, "n"] = scaled
    return total, nat, dmg


def _blank_total(when: str):
    def edit(df):
        df["n"] = df["n"].astype(float)
        df.loc[df.index[df["t"] == _days(when)][0], "n"] = float("nan")
        return df

    return edit


HONDURAS = Target(
    source="honduras",
    file="irreg_honduras.rda",
    drift={
        **rda_drift("irreg_honduras", drop="t", row={"t": "2023-08-01"}, month="2016-06-01"),
        "drift-unknown-code": _rda_edit("irreg_honduras_nat", _unknown_code),
    },
    overrides={"drift-unknown-code": "irreg_honduras_nat.rda"},
    encoding_outcome="accepted",
    encoding_what=RDA_ENCODING,
    bystander="darien",
    revision=_rda_edit("irreg_honduras", _revise_total),
    # the three files add up month by month: a fault in one alone is refused by that check
    # (the drift scenarios show it), so the policy scenarios serve a whole consistent release
    together={
        "drift-latest-month-missing": _honduras(_hn_without_latest),
        "value-times-ten": _honduras(_hn_times_ten),
        "future-months": _honduras(_hn_future),
        "cut-in-last-month": _honduras(_hn_cut_latest),
        "new-month-cut-short": _honduras(_hn_cut_latest),
    },
    data={
        "value-withdrawn": _rda_edit("irreg_honduras", _blank_total("2023-08-01")),
        "header-only": _rda_edit("irreg_honduras", lambda df: df.iloc[0:0]),
        "compressed-bomb": lambda data: gzip_bomb(30_000_000),
    },
    not_applicable={"latin-1": RDA_LATIN1},
    whats={
        "compressed-bomb": "the R data file replaced by 30 KB of gzip that unpacks to 30 MB of zeros",
        "header-only": "an R data frame with its columns and no rows",
        "drift-latest-month-missing": "April 2025 removed from all three files (a release that lost "
        "its latest month, the files still adding up)",
        "value-times-ten": "Cuba's August 2023 figure multiplied by ten in the nationality file, the "
        "total and the men's figure raised to match (the files still add up)",
        "value-withdrawn": "August 2023's total left empty",
        "future-months": "April 2025 repeated in all three files for every month up to two months from today",
        "cut-in-last-month": "April 2025 with one nationality row in three, the total and the groups "
        "brought down to match (a scrape of INM's dashboard cut short)",
        "new-month-cut-short": "the previous release ended in March 2025; the new one brings April "
        "2025 with 13 of its 38 nationality rows, the total and the groups brought down to match",
    },
)


def _revise_incident(df):
    # a recent incident gains one recorded death, as IOM's records do while information arrives
    i = df.index[(df["geo"] == "PAN") & (df["m"] == _days("2024-12-01"))][0]
    df.loc[i, "dead"] = df.loc[i, "dead"] + 1
    return df


def _unknown_incident_code(df):
    i = df.index[(df["geo"] == "PAN") & (df["m"] == _days("2016-09-01"))][0]
    df.loc[i, "nat"] = "QQQ"
    return df


def _mmp_largest_on_route(df, when: str = "2023-08-01"):
    """The row with the most dead and missing on the Central American Route in a month of 2023
    (27, Oaxaca, 7 August 2023): a row the project keeps."""
    rows = df[(df["m"] == _days(when)) & (df["route"] == "Central American Route")]
    return rows["dead"].idxmax()


def _mmp_times_ten(df):
    i = _mmp_largest_on_route(df)
    df.loc[i, "dead"] = df.loc[i, "dead"] * 10
    return df


def _mmp_withdrawn(df):
    df.loc[_mmp_largest_on_route(df), "dead"] = float("nan")
    return df


def _mmp_future(df):
    """The latest month's incidents again in every month up to two months from today, each on
    the same day of its month."""
    import pandas as pd

    last = df["m"].max()
    latest = df[df["m"] == last]
    first = pd.Timestamp("1970-01-01") + pd.Timedelta(days=last)
    extra = []
    for month in _every_month_to_come(last):
        k = (month.year - first.year) * 12 + month.month - first.month
        dates = [(pd.Timestamp(t) + pd.DateOffset(months=k)).date() for t in latest["t"]]
        extra.append(latest.assign(t=dates, m=_days(f"{month:%Y-%m-%d}")))
    return pd.concat([df, *extra]).reset_index(drop=True)


def _mmp_keep_third_of_latest(df):
    import pandas as pd

    last = df["m"].max()
    return pd.concat([df[df["m"] != last], df[df["m"] == last].iloc[::3]]).reset_index(drop=True)


_MMP = rda_drift(
    "iom_mmp",
    drop="cause",
    row={"geo": "PAN", "m": "2016-09-01"},
    month="2016-06-01",
    month_column="m",
    count="dead",
)
del _MMP["drift-duplicate-key"]
MISSING_MIGRANTS = Target(
    source="missing_migrants",
    file="iom_mmp.rda",
    folder="missing-migrants",
    drift={**_MMP, "drift-unknown-code": _rda_edit("iom_mmp", _unknown_incident_code)},
    not_applicable={
        "drift-duplicate-key": "IOM's database holds rows identical in every column that are separate "
        "incidents (708 in this vintage; the republished file has no incident ID), so a repeated "
        "row cannot be told from a real one",
        "new-month-cut-short": "IOM's database is a list of incidents, not a monthly series: its "
        "latest month is always partial at release (this vintage's April 2025 runs to the 20th, 11 "
        "incidents on the route) and fills in over later releases, so a new month with few "
        "incidents is a normal release; incidents that a later file loses are refused by the loss "
        "check (cut-in-last-month)",
        "latin-1": RDA_LATIN1,
    },
    encoding_outcome="accepted",
    encoding_what=RDA_ENCODING,
    bystander="darien",
    revision=_rda_edit("iom_mmp", _revise_incident),
    data={
        "value-times-ten": _rda_edit("iom_mmp", _mmp_times_ten),
        "value-withdrawn": _rda_edit("iom_mmp", _mmp_withdrawn),
        "future-months": _rda_edit("iom_mmp", _mmp_future),
        "cut-in-last-month": _rda_edit("iom_mmp", _mmp_keep_third_of_latest),
        "header-only": _rda_edit("iom_mmp", lambda df: df.iloc[0:0]),
        "compressed-bomb": lambda data: gzip_bomb(60_000_000),
    },
    whats={
        "value-times-ten": "the deadliest incident on the route in August 2023 (27 dead and missing, "
        "Oaxaca) given ten times as many",
        "value-withdrawn": "the dead and missing of that incident left empty",
        "future-months": "April 2025's incidents repeated in every month up to two months from today",
        "cut-in-last-month": "two incidents in three of April 2025 gone, worldwide",
        "compressed-bomb": "the R data file replaced by 60 KB of gzip that unpacks to 60 MB of zeros (past its 50 MB guard)",
        "header-only": "an R data frame with its columns and no rows",
    },
)


def _remittances_month(cells, cols):
    import pandas as pd

    return pd.Timestamp(cells[cols["PERIODO"]])


def _remittances_relabel(cells, cols, month) -> None:
    cells[cols["PERIODO"]] = f"{month:%Y-%m-%d}"


def shrink(columns: tuple[str, ...], factor: int = 3, **where: str):
    """The rows matching ``where`` with each of ``columns`` divided by ``factor`` (whole numbers)."""

    def edit(doc: CsvText) -> None:
        idx = [doc.header.index(c) for c in columns]
        for n in doc.matches(where):
            cells = doc.lines[n].split(",")
            for i in idx:
                cells[i] = str(int(cells[i]) // factor)
            doc.lines[n] = ",".join(cells)

    return _csv(edit)


REMITTANCES = Target(
    source="remittances",
    file="remesas_mensuales.csv",
    drift={
        **csv_drift(
            rename=("VALOR_USD", "VALOR"),
            drop="OPERACIONES",
            count="VALOR_USD",
            row={"PERIODO": "2023-12-01", "ID_FLUJO": "1"},
            month={"PERIODO": "2023-06-01"},
            latest={"PERIODO": "2026-05-01"},
        ),
        # the states file quotes "Washington, D.C.", so a plain text edit rather than CsvText
        "drift-unknown-code": lambda data: data.replace(b"2024-01-01,TX,Texas,", b"2024-01-01,QQ,Texas,", 1),
    },
    overrides={"drift-unknown-code": "remesas_usa.csv"},
    encoding_what=UTF16,
    bystander="darien",
    revision=revise_count("VALOR_USD", PERIODO="2023-12-01", ID_FLUJO="1"),
    data={
        **csv_data(
            count="VALOR_USD",
            row={"PERIODO": "2023-12-01"},
            latest={"PERIODO": "2026-05-01"},
            calendar=(_remittances_month, _remittances_relabel),
        ),
        # a month is two rows (inflows, outflows): one of them gone is the parser's refusal
        # (cut-in-last-month); a month cut short by content is one counted too early
        "new-month-cut-short": shrink(("OPERACIONES", "VALOR_USD"), 3, PERIODO="2026-05-01"),
    },
    whats={
        "value-times-ten": "December 2023's inflows (the larger of the month's two rows) multiplied by ten",
        "value-withdrawn": "December 2023's inflows left empty",
        "cut-in-last-month": "May 2026's outflow row gone (a file cut inside its last month: the "
        "month is two rows, inflows and outflows)",
        "new-month-cut-short": "the previous release ended in April 2026; the new one brings May 2026 "
        "with a third of its dollars and transfers (a month counted before every transfer was in)",
    },
    live_url="https://www.banxico.org.mx/SieAPIRest/service/v1/series/SE27803/datos",
)

TARGETS: dict[str, Target] = {
    "darien": DARIEN,
    "cbp": CBP,
    "bts": BTS,
    "trade": TRADE,
    "mexico": MEXICO,
    "honduras": HONDURAS,
    "missing_migrants": MISSING_MIGRANTS,
    "remittances": REMITTANCES,
}

# ----------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Context:
    """What a scenario's fault may need: the target, the servers, the file's size guard."""

    target: Target
    max_bytes: int
    http: fs.RunningServer
    https: fs.RunningServer | None


@dataclass(frozen=True)
class Scenario:
    id: str
    group: str
    what: str  # what the server does, in words
    expect: str  # refused / recovered / accepted / tolerated
    #: regex the failure message must match (what arrived), for refused
    says: str = ""
    fault: Callable[[Context], fs.Fault] | None = None
    #: bytes served instead of the file's (made before the request, as big files take a while)
    transform: Callable[[bytes], bytes] | None = None
    #: the mirror for this scenario, if not the plain loopback server
    mirror: Callable[[Context], str] | None = None
    extra: dict = field(default_factory=dict)


def _moved_path(ctx: Context) -> Callable[[fs.Handler], str]:
    return lambda h: f"/moved{h.path}"


SCENARIOS: list[Scenario] = [
    # -- the connection ----------------------------------------------------------------
    Scenario(
        "connection-refused",
        "connection",
        "nothing listens on the mirror's port (the connection is refused)",
        "refused",
        r"refused the connection",
        mirror=lambda ctx: f"http://127.0.0.1:{fs.dead_port()}",
    ),
    Scenario(
        "read-timeout",
        "connection",
        "accepts the connection and never answers",
        "refused",
        r"stopped sending data \(read timeout",
        fault=lambda ctx: fs.hang(),
        # a tenth of a second between bytes is the timeout being proved: the fetch gives up
        # after two silent reads, not after the hang's 30 s
        extra={"env": {"MIGRATIONDATA_TIMEOUT": "1,0.1"}, "max_seconds": 5.0},
    ),
    Scenario(
        "slow-trickle",
        "connection",
        "announces the whole file, then sends 16 bytes every 50 ms",
        "refused",
        r"trickling",
        fault=lambda ctx: fs.trickle(16, 0.05),
        # bytes keep coming (no read ever times out); the file's deadline stops it
        extra={"env": {"MIGRATIONDATA_DEADLINE": "0.25"}, "max_seconds": 5.0},
    ),
    # -- status codes ------------------------------------------------------------------
    Scenario(
        "500-then-200",
        "status",
        "answers HTTP 500 once, then serves the file",
        "recovered",
        fault=lambda ctx: fs.status_then_ok(500, 1),
    ),
    Scenario(
        "503-retry-after",
        "status",
        "answers HTTP 503 with Retry-After: 1 once, then serves the file",
        "recovered",
        fault=lambda ctx: fs.status_then_ok(503, 1, {"Retry-After": "1"}),
        extra={"min_seconds": 1.0},
    ),
    Scenario(
        "503-retry-after-a-day",
        "status",
        "answers HTTP 503 with Retry-After: 86400 (come back tomorrow)",
        "refused",
        r"HTTP 503.*wait 86,400 s",
        fault=lambda ctx: fs.always(503, {"Retry-After": "86400"}),
        extra={"max_seconds": 5.0, "requests": 1},
    ),
    Scenario(
        "429-rate-limited",
        "status",
        "answers HTTP 429 Too Many Requests every time",
        "refused",
        r"HTTP 429.*limiting",
        fault=lambda ctx: fs.always(429),
        extra={"requests": 3},  # MIGRATIONDATA_RETRIES=2: the first try and two retries
    ),
    Scenario(
        "404-moved",
        "status",
        "answers HTTP 404 Not Found (the file moved)",
        "refused",
        r"HTTP 404.*moved",
        fault=lambda ctx: fs.always(404),
    ),
    # -- the body ----------------------------------------------------------------------
    Scenario(
        "html-instead-of-data",
        "body",
        "status 200 with an HTML maintenance page (Content-Type text/html)",
        "refused",
        r"HTML page",
        fault=lambda ctx: fs.html_page(),
    ),
    Scenario(
        "html-mislabelled",
        "body",
        "status 200 with an HTML page labelled as the data's own Content-Type",
        "refused",
        r"HTML page arrived",
        fault=lambda ctx: lambda h, n, body: fs.html_page(fs.content_type(h.path))(h, n, body),
    ),
    Scenario(
        "empty-body",
        "body",
        "status 200 with an empty body",
        "refused",
        r"body is empty",
        fault=lambda ctx: fs.empty_body(),
    ),
    Scenario(
        "truncated-body",
        "body",
        "announces the whole file (Content-Length) and hangs up half-way",
        "refused",
        r"cut short",
        fault=lambda ctx: fs.truncated(0.5),
    ),
    Scenario(
        "corrupt-file",
        "body",
        "the file's first 64 bytes (a valid signature), then noise",
        "refused",
        r"not a readable|binary bytes|did not pass|not .*gzip|compressed",
        transform=corrupt,
    ),
    Scenario(
        "oversize-announced",
        "body",
        "announces a body ten times the source's size guard",
        "refused",
        r"size guard.*announces",
        fault=lambda ctx: fs.oversize(ctx.max_bytes, announce=True),
        extra={"max_seconds": 5.0},
    ),
    Scenario(
        "oversize-streamed",
        "body",
        "streams a body ten times the size guard without announcing its length",
        "refused",
        r"size guard.*passed",
        fault=lambda ctx: fs.oversize(ctx.max_bytes, announce=False),
    ),
    Scenario(
        "gzip-content-encoding",
        "body",
        "compresses the response on the fly (Content-Encoding: gzip)",
        "accepted",
        fault=lambda ctx: fs.gzip_on_the_fly(),
    ),
    # -- redirects ---------------------------------------------------------------------
    Scenario(
        "redirect-same-site",
        "redirect",
        "redirects (302) to a new path on the same host, which serves the file",
        "recovered",
        fault=lambda ctx: fs.redirect(_moved_path(ctx)),
    ),
    Scenario(
        "redirect-other-host",
        "redirect",
        "redirects (302) to the same path on another host name (localhost)",
        "refused",
        r"redirected to another host",
        fault=lambda ctx: fs.redirect(
            lambda h: f"http://localhost:{ctx.http.server.server_address[1]}{h.path}"
        ),
    ),
    Scenario(
        "redirect-https-to-http",
        "redirect",
        "an https mirror redirects (302) to plain http",
        "refused",
        r"redirected from https down to plain http",
        fault=lambda ctx: fs.redirect(lambda h: f"{ctx.http.base}{h.path}"),
        mirror=lambda ctx: ctx.https.base,
        extra={"needs_tls": True},
    ),
    # -- schema drift ------------------------------------------------------------------
    Scenario("drift-renamed-column", "drift", "a column renamed", "refused", r"did not pass"),
    Scenario("drift-missing-column", "drift", "a column removed", "refused", r"did not pass"),
    Scenario("drift-extra-column", "drift", "an extra column added", "tolerated"),
    Scenario(
        "drift-non-numeric",
        "drift",
        "a count replaced by text (N/A; in the R file, every count stored as text)",
        "refused",
        r"did not pass",
    ),
    Scenario("drift-negative", "drift", "one count made negative", "refused", r"did not pass"),
    Scenario(
        "drift-duplicate-key", "drift", "one row repeated (a duplicated key)", "refused", r"did not pass"
    ),
    Scenario(
        "drift-missing-month",
        "drift",
        "every row of one month in the middle of the series removed",
        "refused",
        r"did not pass",
    ),
    Scenario(
        "drift-latest-month-missing",
        "drift",
        "every row of the latest month removed (what a file cut short at a line boundary gives)",
        "refused",
        r"would remove",
    ),
    Scenario(
        "drift-encoding", "drift", "a different text encoding", "per-source", r"did not pass|encoded|UTF"
    ),
    Scenario(
        "drift-unknown-code",
        "drift",
        "a nationality code no country has (QQQ; for remittances, a state code) in place of a real one",
        "refused",
        r"did not pass.*unknown (nationality|state) codes",
    ),
    # -- credentials -------------------------------------------------------------------
    Scenario(
        "missing-token",
        "credentials",
        "a live refresh (no mirror) of a source whose publisher's API needs a token, with the "
        "token's environment variable unset",
        "refused",
        r"expected a .*token in the environment variable \w+, but it is not set",
        extra={"live": True},
    ),
]

#: what a release may carry that parses cleanly but is wrong (the revision policy), text that
#: is not what it claims, and files that unpack without end: served like the drift scenarios,
#: each source's bytes made by its target (``Target.data``)
POLICY = [
    Scenario(
        "value-times-ten",
        "policy",
        "one published value (the largest of a month in 2023) multiplied by ten",
        "refused",
        r"beyond the source's tolerance|did not pass",
    ),
    Scenario(
        "value-withdrawn",
        "policy",
        "one published value (the largest of a month in 2023) left empty",
        "refused",
        r"withdrawn|did not pass|would remove",
    ),
    Scenario(
        "future-months",
        "policy",
        "the latest month's rows repeated for every month up to two months from today",
        "refused",
        r"not yet published|did not pass",
    ),
    Scenario(
        "cut-in-last-month",
        "policy",
        "two rows in three of the latest month gone (a file cut inside its last month)",
        "refused",
        r"beyond the source's tolerance|withdrawn|incomplete|break|would remove|did not pass",
    ),
    Scenario(
        "new-month-cut-short",
        "policy",
        "the previous release ended a month earlier; the new one brings that month with a third of its rows",
        "refused",
        r"month incomplete|break in the series|did not pass",
        extra={"previous": "drift-latest-month-missing"},
    ),
    Scenario(
        "header-only",
        "encoding",
        "a release with its header line and no rows",
        "refused",
        r"header line and nothing else|no rows",
    ),
    Scenario(
        "latin-1",
        "encoding",
        "the CSV saved as Latin-1 (an accented word in a new column)",
        "per-source",
        r"utf-8|UTF-8",
    ),
    Scenario(
        "compressed-bomb",
        "resources",
        "a compressed body (Content-Encoding: gzip) that unpacks past the size guard; for a "
        "compressed raw file, the file itself",
        "refused",
        r"size guard",
        fault=lambda ctx: bomb_response(ctx.max_bytes + 5_000_000),
    ),
]

#: the groups whose bytes a target makes (drift and the integrity groups above)
DATA_GROUPS = ("drift", "policy", "encoding", "resources")

SCENARIOS = SCENARIOS + POLICY

SCENARIO_IDS = [s.id for s in SCENARIOS]

#: scenarios that found a real bug, and how it was fixed (for docs/reliability.md). The
#: "before" behaviour was checked against the fetch layer as first committed (c40ed1f).
BUGS_FOUND: dict[str, str] = {
    "slow-trickle": "a server sending a few bytes at a time kept the fetch running for ever: the "
    "read timeout applies to each socket read, and reading 64 KiB blocks waited for the whole "
    "chunk. Fixed in fetch.py: bodies are read with `read1` and each file has a deadline "
    "(`MIGRATIONDATA_DEADLINE`, 900 s by default).",
    "503-retry-after-a-day": "urllib3 obeyed Retry-After by sleeping (up to 6 hours a retry, four "
    "retries). Fixed in fetch.py: the fetcher retries 429/5xx itself and waits at most "
    "`MIGRATIONDATA_MAX_WAIT` (120 s); a longer Retry-After fails at once, saying when to try again.",
    "redirect-other-host": "every redirect was followed, to any host, and checked only afterwards. "
    "Fixed in fetch.py: redirects are followed one hop at a time, each checked before it is "
    "requested: same site only (or hosts a source lists in `extra['redirect_hosts']`).",
    "redirect-https-to-http": "a redirect from https down to plain http on this machine was "
    "accepted. Fixed with the same hop-by-hop check: never from https to http.",
    "gzip-content-encoding": "a server compressing a CSV on the fly with a Content-Length failed as "
    "'cut short' (the decompressed size was compared with the compressed length). Fixed in "
    "fetch.py: the length is checked against the bytes on the wire; already-compressed kinds ask "
    "for no compression and keep the publisher's bytes, unwrapping a compression layer only when "
    "what is inside is the expected file.",
    "drift-extra-column": "cbp, bts and trade dropped an unknown column without a word. Fixed in each "
    "parser (a warning naming the columns); fetch.py collects parser warnings in the report and "
    "`migrationdata fetch` prints them.",
    "drift-missing-month": "a month removed from the middle of a file was accepted: darien and bts "
    "filled it as 'no figure published', cbp quietly took that month from an older release. "
    "Fixed: darien refuses gaps other than April, May and July 2020; cbp refuses a hole inside a "
    "release; bts refuses a month with no row from any port while ports report the months around it.",
    "drift-latest-month-missing": "a release without its latest month (a download cut short at a "
    "line boundary parses cleanly) was committed, and the month silently vanished from every "
    "table. Fixed in fetch.py, for every source at once: before the commit each new table is "
    "compared with the one on disk by its primary key, and rows that would disappear refuse the "
    "source, naming the rows and months, unless `migrationdata fetch SOURCE --allow-loss` says "
    "the publisher really withdrew them.",
    "drift-non-numeric": "darien crashed with a TypeError on counts stored as text (reported as 'a "
    "bug in the project'). Fixed: such counts are refused with the offending rows.",
    "corrupt-file": "cbp let a damaged .csv.gz raise zlib.error (an 'unexpected' error). Fixed: "
    "unreadable gzip is a data error naming the file.",
    "value-times-ten": "a value multiplied by ten went through for bts and trade (issue 13: no "
    "check compared values, only keys). Fixed in changes.py: every refresh is held to the source's "
    "`policy`; darien and cbp are refused first by their parsers' cross-checks (the demographic "
    "file, OHSS's workbook).",
    "value-withdrawn": "issue 13 found a withdrawn value reported as a revision (the loss guard "
    "compared keys only). Here every parser refuses the empty count first; the policy now refuses "
    "an emptied cell in any table (shown in tests/test_revision_policy.py on darien_monthly).",
    "cut-in-last-month": "issue 13's example: trade's file cut inside December 2025 took the month "
    "from $70.5bn to $4.4bn and was committed as '5 values revised'. Fixed by the tolerance check; "
    "for bts and cbp the loss guard already refused it (the cut removes rows).",
    "new-month-cut-short": "a new month arriving with a third of its rows passed every check "
    "(nothing is lost, nothing revised). Fixed: a new month with under half the rows, or under "
    "half the total, of the six months before it is refused as incomplete.",
    "future-months": "months after the publisher could have released them were accepted. Fixed: "
    "each new month's release date (vintages.py's lags) must be on or before today.",
    "header-only": "cbp and darien crashed on a release with no rows (an 'unexpected ValueError: "
    "Neither start nor end can be NaT'). Fixed: a header-only CSV is refused before parsing, and "
    "darien refuses an empty R object.",
    "disk-full-download": "a write that failed in the staging folder (a full disk) was reported as "
    "a network failure ('the request failed (OSError)'). Fixed in fetch/http.py: local disk errors "
    "pass through and are worded as a full disk or a read-only folder.",
    "data-folder-read-only": "with data/ read-only but raw/ and processed/ writable, the raw file "
    "and tables were replaced, the manifest was not, and the message said the last good data was "
    "unchanged. Fixed in fetch/journal.py: every folder is checked before the first move, and a "
    "move that fails puts back every file already replaced.",
    "lock-held": "two refreshes at once both rewrote the manifest and one update was lost. Fixed: "
    "a lock on the data folder (filelock), and a message naming the other run.",
    "staging-symlink": "a symlinked data/raw/.staging let a refresh write into, and delete, "
    "folders outside the repository. Fixed: the staging folder must be a real folder inside "
    "the data folder, stale runs are never followed through links, and a journal may only move "
    "files from its own staging folder into its own data folder.",
    "hostile-file-name": "a file name taken from a landing page's link was used as a path. Fixed: "
    "names from the network must be plain base names.",
    "value-times-ten (darien, cbp)": "cross-check failures named the file that did not change (darien's "
    "demographic file, CBP's OHSS workbook) instead of the one that did. Fixed: the message names "
    "this run's new files first.",
    "new-month-cut-short (honduras)": "staging this scenario for the route's sources showed the policy "
    "refusing their real releases: Honduras' April 2025 (2,116 after 2,502 in March) was a 'break' "
    "against the six-month median (11,168) of a series emptying month by month. Fixed in changes.py: "
    "a break must also be a fall to under half of the month just before, so a steady decline passes "
    "and a cut month does not. Darién's April 2025 (73 after 194) and Mexico's (5,898 after 14,807) "
    "are still refused as sudden falls, for the desk to confirm with --accept-revisions.",
    "future-months (missing_migrants)": "a yearly table's year in progress (IOM's 2025 at the border: "
    "28 dead and missing in January-February, 45 by April) was held to the revision tolerance, so a "
    "normal release adding months to it would have been refused. Fixed in changes.py: the latest "
    "year of a yearly table may grow; its months are held to the policy in the table it is summed "
    "from, and earlier years still may not move.",
    "value-times-ten (honduras)": "Honduras' three files must add up month by month, so any fault in "
    "one file alone is refused by that cross-check before the policy sees it. The policy scenarios "
    "serve a whole consistent release instead (Target.together), and the policy refuses each.",
    "killed-mid-commit": "the commit moved raw files, wrote tables and then the manifest one by "
    "one; a process killed in between left them describing different downloads. Fixed in "
    "fetch.py: everything is staged, a journal lists the moves, and the next run (or the same one, "
    "after Ctrl-C) finishes an interrupted commit.",
}

#: run as a subprocess killed on purpose (test_interrupted.py)
INTERRUPTED = [
    Scenario(
        "killed-mid-transfer",
        "interrupted",
        "the fetch process is killed (SIGKILL) while the file is half downloaded",
        "nothing changed",
    ),
    Scenario(
        "killed-mid-commit",
        "interrupted",
        "the fetch process dies between two moves of its commit (a new, valid release)",
        "rolled forward",
    ),
]

#: the data folder itself misbehaves, or another run or a hostile name gets in the way
#: (test_integrity.py); each with a new, valid release to commit, so that only the fault stops it
INTEGRITY = [
    Scenario(
        "lock-held",
        "folder",
        "another refresh of the same data folder is running (it holds the lock)",
        "refused",
        r"another one is running",
    ),
    Scenario(
        "data-folder-read-only",
        "folder",
        "data/ is read-only while data/raw and data/processed are writable",
        "refused",
        r"read-only",
    ),
    Scenario(
        "processed-read-only",
        "folder",
        "data/processed is read-only",
        "refused",
        r"read-only",
    ),
    Scenario(
        "disk-full-download",
        "folder",
        "the disk fills up while the file is written into the staging folder",
        "refused",
        r"disk is full",
    ),
    Scenario(
        "disk-full-commit",
        "folder",
        "the disk fills up while the new tables are staged for the commit",
        "refused",
        r"disk is full",
    ),
    Scenario(
        "staging-symlink",
        "folder",
        "data/raw/.staging is a symbolic link to a folder outside the data folder",
        "refused",
        r"symbolic link",
    ),
    Scenario(
        "hostile-file-name",
        "folder",
        "a link's file name decodes to ../../<file> (a landing page crafted to escape data/raw)",
        "refused",
        r"plain file name",
    ),
    Scenario(
        "manifest-conflict",
        "folder",
        "data/manifest.json holds git conflict markers (a merge left both sides)",
        "refused",
        r"conflict markers",
    ),
    Scenario(
        "table-resaved-by-excel",
        "folder",
        "a processed table re-saved by a spreadsheet (byte-order mark, CRLF, dates as 12/1/2023)",
        "refused",
        r"re-saved by a spreadsheet",
    ),
]

#: the sources the issue requires, plus any other source with a target
MATRIX_SOURCES = sorted({"cbp", "darien", "bts", *TARGETS})
ALL_SCENARIO_IDS = SCENARIO_IDS + [s.id for s in INTERRUPTED] + [s.id for s in INTEGRITY]


def describe(scenario_id: str) -> dict:
    for s in SCENARIOS + INTERRUPTED + INTEGRITY:
        if s.id == scenario_id:
            return {"group": s.group, "what": s.what, "expect": s.expect}
    return {"group": "", "what": scenario_id, "expect": ""}


def _cell(row) -> str:
    if row is None:
        return "—"
    mark = {True: "ok", False: "**FAILED**", None: ""}[row.passed]
    if row.outcome == "not run":
        return "not run"
    return f"{row.outcome} ({mark})" if mark else row.outcome


def render_doc(rows: dict) -> str:
    """docs/reliability.md from the ledger: deterministic, so it only changes when an
    outcome or a message does."""
    sources = MATRIX_SOURCES
    lines = [
        "# Reliability: every way a publisher's server, its files or our own folder can fail",
        "",
        "Generated by the fault-injection suite (`tests/reliability/`, run by `make test`); do not",
        "edit by hand. Each scenario starts from a data folder holding the last good fetch, serves",
        "the mirror's files from a loopback HTTP server that injects one fault into one file, and",
        "runs `migrationdata fetch SOURCE OTHER --mirror http://127.0.0.1:PORT`. BTS's 46 MB export",
        "is served cut to the lines its parser keeps (the US-Mexico rows, and one month of US-Canada",
        "rows for the border filter to leave out): the tables parsed from it are byte for byte those",
        "of the whole file, and the memory budget still refreshes from the whole file. Then it checks:",
        "",
        "- **refused**: exit status 1, that source marked failed and the other source still",
        "  fetched; the message names the source, the URL, what was expected, what arrived and",
        "  what to do; every file under the data folder (raw files, `manifest.json`, processed",
        "  tables, `datapackage.json`) has the same sha256 as before; no staging folder is left.",
        "- **recovered**: a passing fault; the good copy of the faulted file is removed first, so",
        "  it must come through the fault, and the tables are byte-for-byte those of a clean fetch.",
        "- **accepted**: a harmless difference; the fetch succeeds and the tables are unchanged.",
        "- **tolerated**: accepted, with a warning printed for the reporter (an extra column).",
        "",
        "Beyond broken transports, the suite plays an adversary (issue 13), class by class:",
        "",
        "- **policy**: files that parse cleanly but are wrong (a value times ten, a value",
        "  withdrawn, months the publisher cannot have released yet, a file cut inside its last",
        "  month, a new month cut short). Each source declares a revision policy",
        "  (`Source.policy`: how far back and by how much its publisher revises); anything",
        "  beyond it is refused, listing the cells with old and new values, unless",
        '  `migrationdata fetch SOURCE --accept-revisions "REASON"` records the reason in',
        "  `data/manifest.json`. A parser's own cross-check may refuse the file first.",
        "- **encoding** and **resources**: a header-only release, a Latin-1 file, compressed",
        "  files or responses that unpack past the size guard (streamed, so memory stays flat).",
        "- **folder** (`test_integrity.py`): another refresh holding the lock, read-only folders",
        "  (`data/` alone, or `data/processed`), a full disk while downloading or staging the",
        "  commit, a symlinked staging folder, a file name that decodes to `../../`, a manifest",
        "  with git conflict markers, a table re-saved by Excel. A new, valid release is served",
        "  each time, so that only the fault can stop it; the machine runs the suite as root, so",
        "  read-only folders and full disks are simulated by failing the system calls that write",
        "  there (EACCES, ENOSPC).",
        "",
        "Settings during the suite: `MIGRATIONDATA_RETRIES=2`, `MIGRATIONDATA_BACKOFF=0.02`,",
        "`MIGRATIONDATA_TIMEOUT=1,0.5` (0.1 s between bytes in the read-timeout scenario),",
        "`MIGRATIONDATA_DEADLINE=20` (0.25 s in the trickle scenario),",
        "`MIGRATIONDATA_MAX_WAIT=5`",
        "(the defaults are 4 retries, 1 s backoff, 10 s to connect, 60 s between bytes, 900 s per",
        "file, and at most 120 s of waiting for a server's Retry-After).",
        "",
        "## Outcomes",
        "",
        "| scenario | what the server does | expected | " + " | ".join(sources) + " |",
        "| --- | --- | --- | " + " | ".join("---" for _ in sources) + " |",
    ]
    for s in SCENARIOS + INTERRUPTED + INTEGRITY:
        cells = [_cell(rows.get((src, s.id))) for src in sources]
        expect = s.expect if s.expect != "per-source" else "per source (below)"
        lines.append(f"| `{s.id}` | {s.what} | {expect} | " + " | ".join(cells) + " |")
    for src in sources:
        lines += ["", f"## `{src}`: what each fault produced", ""]
        target = TARGETS.get(src)
        if target:
            lines += [f"Faults hit `{src}/{target.file}`; the other files are served correctly.", ""]
        lines += [
            "| scenario | expected | outcome | data folder | message (what arrived) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for s in SCENARIOS + INTERRUPTED + INTEGRITY:
            row = rows.get((src, s.id))
            if row is None:
                continue
            detail = row.detail.replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| `{s.id}` | {row.expected or '—'} | {_cell(row)} | {row.kept or '—'} | {detail} |"
            )
        if target and target.encoding_what:
            lines += ["", f"`drift-encoding` for `{src}`: {target.encoding_what}."]
        if target and target.whats:
            lines += ["", f"What some scenarios serve for `{src}`:", ""]
            lines += [f"- `{sid}`: {what}" for sid, what in target.whats.items()]
        if target and target.together:
            names = ", ".join(f"`{k}`" for k in target.together)
            lines += [
                "",
                f"{names} serve every file of `{src}` together, changed to agree with each other "
                "(the parser refuses files that do not), so that the revision policy is what judges them.",
            ]
    lines += ["", "## Scenarios that found real bugs, and the fixes", ""]
    for sid, text in BUGS_FOUND.items():
        lines.append(f"- `{sid}`: {text}")
    lines += ["", "## Security checks (tests/reliability/test_security.py)", ""]
    lines += [f"- {text}" for text in SECURITY_CHECKS]
    return "\n".join(lines).rstrip() + "\n"


SECURITY_CHECKS = [
    "No `eval`, `exec`, `pickle`, `marshal`, `shelve`, unsafe `yaml.load` or `pd.read_pickle` "
    "anywhere in `src/` (an AST scan): downloaded bytes are only ever parsed as data.",
    "Archive members cannot escape their folder: `fetch.safe_extract_zip` refuses absolute "
    "paths, `..`, drive letters and symlinks, and archives that unpack past the size guard.",
    "Only https upstream: every declared URL and landing page is https; plain http is refused "
    "except for a mirror on this machine; no redirect may go from https to http.",
    "API keys and tokens come only from the environment; their values (and any `key=`/`token=` "
    "URL parameter) are replaced by REDACTED in error messages and in `manifest.json`.",
    "No committed secrets: every tracked file is scanned for private keys, cloud and GitHub "
    "tokens, and key-like assignments.",
    "Nothing of this machine in committed files: every tracked file is scanned for `file://` "
    "addresses, absolute home, work and temporary paths, the repository's own location and "
    "passwords in URLs; the manifest records the publisher's URL and, for a mirror, only "
    '`"mirror": "mirror"`.',
    "Spreadsheet-safe exports: every chart's CSV is checked for cells a spreadsheet would run "
    "as a formula (text beginning with =, +, -, @, tab or CR gets an apostrophe; numbers stay "
    "numbers) (`tests/test_spreadsheet_csv.py`).",
    "Spreadsheet-safe processed tables: `data/processed/*.csv` are opened by reporters too. A "
    "publisher's text that begins like a formula is written with a leading apostrophe (one more "
    "than the publisher wrote, so the loaders give the text back exactly) and the fetch warns "
    "naming the table, column and row; numbers stay numbers. Proved for every source's text "
    "columns, and through a real fetch of an IOM file whose place and cause are formulas.",
    "Bounded memory (`test_resources.py`): bts and cbp refresh within a peak-memory budget, "
    "and a gzip or R data file that unpacks to 1 GiB is refused at its guard in constant memory.",
]
