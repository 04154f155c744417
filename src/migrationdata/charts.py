"""Charts in the house style, exported the way the graphics desk needs them.

A notebook draws a chart in three steps::

    charts.setup("01-darien-gap", as_of=as_of, output=output)   # once, at the top
    chart = charts.Chart("darien-annual", title=..., subtitle=..., tables=["darien_annual"])
    chart.ax.bar(...)                                             # ordinary matplotlib
    chart.save(data=plotted_frame, alt_text="...")

``Chart`` applies the house style (``house.mplstyle``), sizes the figure in CSS pixels, and
writes the title (the finding), the subtitle (measure and unit), the note line (caveats) and the
source line, which it builds from the processed tables' provenance so it cannot go stale.
``save`` lays the chart out and writes ``<slug>.png`` (2x), ``<slug>.svg`` (live text,
deterministic), ``<slug>.csv`` (the plotted data, for Datawrapper) and ``<slug>.json`` (title,
alt text, source, notes, the tables read with their sha256, and the notebook). A file is
rewritten only when its bytes change, so an unchanged chart keeps its timestamp.

Shapes that recur across the notebooks have a function each: :func:`closure_months` (a port's
monthly count with the closure shaded and its month marked), :func:`ranked_bars` (a ranking
labelled with counts and shares), :func:`monthly_line` and :func:`mark` (a dot and callout on
the value the title cites).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd

from migrationdata import paths, processed, store
from migrationdata.catalog import table_owner

STYLE = paths.PACKAGE_DIR / "house.mplstyle"

#: Export sizes in CSS pixels (width, height); the PNG is written at twice these.
SIZES = {
    "landscape": (850, 638),
    "portrait": (850, 1095),
    "square": (540, 540),
    "mobile": (540, 824),
}

# One inch is 96 CSS pixels, so an SVG written at 72 points per inch is exactly as wide as
# the size says, and a PNG at 192 dpi is exactly twice as wide.
PX_PER_INCH = 96
PNG_SCALE = 2

# Okabe & Ito's colour-blind-safe palette (without its yellow), plus greys for context.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
BLACK = "#000000"
GREY = "#8C8C8C"
LIGHT_GREY = "#D0D0D0"
SHADE = "#EFEFEF"
TEXT = "#222222"
MUTED = "#555555"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK)
#: the colour that marks what the title is about (the record, the closure, the share)
HIGHLIGHT = VERMILLION

# Type sizes in points and spacing in CSS pixels.
TITLE_SIZE = 16
SUBTITLE_SIZE = 11.5
FOOT_SIZE = 8.5
PAD_X = 18
PAD_TOP = 16
PAD_BOTTOM = 12
GAP_TITLE = 5
GAP_HEADER = 16
GAP_FOOTER = 12

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MOBILE_SUFFIX = "-mobile"


# ----------------------------------------------------------------------------- notebook setup


@dataclass
class _Settings:
    notebook: str | None = None
    as_of: pd.Timestamp | None = None
    output: Path | None = None


_settings = _Settings()


def setup(notebook: str, as_of: str | None = None, output: str | os.PathLike | None = None) -> None:
    """Call once at the top of a notebook, with its papermill parameters.

    ``notebook`` is the notebook's name (``"01-darien-gap"``), recorded in each chart's
    sidecar. ``as_of`` (``YYYY-MM-DD``) keeps only the periods that had ended by that date, so a
    chart can be redrawn as the data stood on the day a story ran. ``output`` is the folder the
    charts go to (default: the repository's ``figures/``, or ``MIGRATIONDATA_FIGURES``).
    """
    plt.style.use(STYLE)
    _settings.notebook = notebook
    _settings.as_of = pd.Timestamp(as_of) if as_of else None
    _settings.output = Path(output).resolve() if output else None


def as_of() -> pd.Timestamp | None:
    """The notebook's as-of date, or None when it shows all the data."""
    return _settings.as_of


def output_dir() -> Path:
    return _settings.output or paths.figures_dir()


def _vintage():
    from migrationdata.vintages import Vintage

    return Vintage(as_of().date() if as_of() is not None else None)


def ended_by_as_of(
    df: pd.DataFrame, column: str = "month", period: str = "month", source: str | None = None
) -> pd.DataFrame:
    """The rows that existed on the as-of date (every row when there is none).

    With ``source`` (``"darien"``, ``"cbp"``, ``"bts"``, ``"trade"``) a month counts once its
    publisher had released it (:mod:`migrationdata.vintages`), as in the fact-check; without
    it, once the period had ended. ``period`` is ``"month"`` (``column`` holds the first day of
    each month), ``"year"`` or ``"fiscal_year"`` (``column`` holds the year; US fiscal years end
    on 30 September): a year counts once its last month does.
    """
    cutoff = as_of()
    if cutoff is None:
        return df
    if period == "month":
        last_months = pd.to_datetime(df[column])
    elif period == "year":
        last_months = pd.to_datetime(df[column].astype(int).astype(str) + "-12-01")
    elif period == "fiscal_year":
        last_months = pd.to_datetime(df[column].astype(int).astype(str) + "-09-01")
    else:
        raise ValueError(f"period must be 'month', 'year' or 'fiscal_year', not {period!r}")
    if source is not None:
        return df[_vintage().published_mask(source, last_months)]
    return df[(last_months + pd.offsets.MonthBegin(1) <= cutoff).to_numpy()]


def has_ended(period_start, period: str = "month", source: str | None = None) -> bool:
    """Whether a month (or calendar year) existed on the as-of date; always true without one.
    With ``source``, whether its publisher had released it; without, whether it had ended. A
    chart about December 2023 is not drawn as of 27 December 2023: its figures did not exist."""
    cutoff = as_of()
    if cutoff is None:
        return True
    start = pd.Timestamp(period_start)
    last = start if period == "month" else start + pd.offsets.MonthBegin(11)
    if source is not None:
        return _vintage().published(source, last)
    return last + pd.offsets.MonthBegin(1) <= cutoff


def not_drawn(slug: str, why: str) -> None:
    """Say, in the notebook's output and the build log, why a chart was left out."""
    print(f"{slug}: not drawn as of {as_of():%-d %B %Y}: {why}")


def period_words(months: pd.Series) -> str:
    """``2023`` for a whole calendar year of months, else ``January to November 2023``."""
    months = pd.to_datetime(months).sort_values()
    first, last = months.iloc[0], months.iloc[-1]
    if first.year == last.year and first.month == 1 and last.month == 12:
        return f"{first.year}"
    if first.year == last.year:
        return f"{first:%B} to {last:%B %Y}"
    return f"{first:%B %Y} to {last:%B %Y}"


# ----------------------------------------------------------------------------- source line


def _short_carrier(carrier: str) -> str:
    # the catalog's carrier text explains itself at length; the chart needs only the name
    return re.split(r"[(,:;]", carrier, maxsplit=1)[0].strip() if carrier else ""


def _date_label(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts:%b %Y}"


def _last_month(table: str) -> pd.Timestamp | None:
    source, spec = table_owner(table)
    dates = [c.name for c in spec.columns if c.type == "date"]
    if not dates:
        return None
    col = pd.to_datetime(pd.read_csv(processed.table_path(table), usecols=[dates[0]])[dates[0]])
    if as_of() is not None:
        col = col[_vintage().published_mask(spec.vintage or source.id, col)]
    return col.max() if not col.empty else None


def latest_period(table: str) -> str:
    """How far the data behind a table reach, in words: ``Apr 2025`` (its last month), else
    the last month of its source's monthly tables (an annual table's final year may be a
    partial one), else ``FY2019`` or ``2019``."""
    source, spec = table_owner(table)
    last = _last_month(table)
    if last is None:
        months = [
            m
            for t in source.tables
            # a table compiled by someone else (a third party's provisional months) says
            # nothing about how far the publisher's own data reach
            if t.name != table and t.publisher == spec.publisher and processed.table_path(t.name).exists()
            for m in [_last_month(t.name)]
            if m is not None
        ]
        last = max(months) if months else None
    if last is not None:
        return f"{last:%b %Y}"
    for name, label in (("fiscal_year", "FY{}"), ("year", "{}")):
        if name in spec.column_names:
            years = pd.read_csv(processed.table_path(table), usecols=[name])[name].dropna().astype(int)
            return label.format(int(years.max()))
    return ""


def source_line(tables: Sequence[str], credits: Sequence[str] = ()) -> str:
    """``Source: <publisher>, via <carrier> (data to <period>, retrieved <date>)``, one
    entry per publisher, built from ``datapackage.json``; ``credits`` adds the project's own
    compilations (e.g. the hand-curated closures list)."""
    by_publisher: dict[str, dict] = {}
    for table in tables:
        prov = processed.provenance(table)
        entry = by_publisher.setdefault(
            prov["publisher"],
            {"via": _short_carrier(prov.get("carrier") or ""), "periods": [], "retrieved": []},
        )
        entry["periods"].append(latest_period(table))
        entry["retrieved"] += [s["retrieved_at"] for s in prov.get("sources", []) if s.get("retrieved_at")]
    parts = []
    for publisher, entry in by_publisher.items():
        text = publisher + (f", via {entry['via']}" if entry["via"] else "")
        details = []
        periods = sorted({p for p in entry["periods"] if p}, key=_period_sort_key)
        if periods:
            details.append(f"data to {periods[-1]}")
        if entry["retrieved"]:
            details.append(f"retrieved {_date_label(pd.Timestamp(max(entry['retrieved'])))}")
        if details:
            text += f" ({', '.join(details)})"
        parts.append(text)
    parts += list(credits)
    if not parts:
        return ""
    label = "Source" if len(parts) == 1 else "Sources"
    return f"{label}: " + "; ".join(parts) + "."


def _period_sort_key(label: str):
    try:
        return pd.Timestamp(label.removeprefix("FY") if label.startswith("FY") else label)
    except ValueError:
        return pd.Timestamp.min


# ----------------------------------------------------------------------------- number formats


def thousands(x: float) -> str:
    """520085 -> ``520,085``."""
    return f"{x:,.0f}"


def compact(x: float, decimals: int = 0) -> str:
    """520085 -> ``520k``; 2475669 -> ``2.5m``; 0 -> ``0``."""
    a = abs(x)
    if a >= 1e9:
        return f"{x / 1e9:.{max(decimals, 1) if a < 1e10 else decimals}f}bn".replace(".0bn", "bn")
    if a >= 1e6:
        return f"{x / 1e6:.{max(decimals, 1) if a < 1e7 else decimals}f}m".replace(".0m", "m")
    if a >= 1e3:
        return f"{x / 1e3:.{decimals}f}k"
    return f"{x:.0f}"


def number_word(n: int, capital: bool = False) -> str:
    """3 -> ``three``: style spells out counts under ten."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    text = words[n] if 0 <= n < 10 else f"{n:,}"
    return text[0].upper() + text[1:] if capital else text


def change_phrase(new: float, old: float) -> str:
    """How a headline says ``old`` became ``new``: ``more than doubled``, ``rose 40%``,
    ``fell by half``... computed, so a revised figure cannot leave a wrong verb behind."""
    if old <= 0:
        raise ValueError("change_phrase needs a positive starting value")
    r = new / old
    if r >= 2:
        whole = int(r)
        word = {2: "doubled", 3: "tripled", 4: "quadrupled"}.get(whole)
        if word is None:
            return f"grew {r:.0f}-fold"
        return f"more than {word}" if r - whole >= 0.05 else word
    if r >= 1.005:
        return f"rose {r - 1:.0%}"
    if r > 0.995:
        return "held steady"
    if 0.45 <= r <= 0.55:
        return "fell by about half"
    return f"fell {1 - r:.0%}"


def number_axis(ax, axis: str = "y", style: str = "comma", prefix: str = "", suffix: str = "") -> None:
    """Tick labels as ``100,000`` (comma), ``100k`` (compact) or ``$5bn`` (prefix/suffix)."""

    def fmt(v, _pos):
        body = thousands(v) if style == "comma" else compact(v)
        return f"{'-' if v < 0 else ''}{prefix}{body.lstrip('-')}{suffix}" if v else "0"

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(mticker.FuncFormatter(fmt))


def mid_month(months):
    """Where to plot a monthly count on a chart that also shades days (a closure): the 15th.

    A month's count covers the whole month, but it is dated the 1st; plotted there, December's
    point would sit before a closure shaded from 18 December. In the middle of its month it
    sits among the days it counts. Takes a month start or a column of them."""
    return pd.to_datetime(months) + pd.Timedelta(days=14)


def date_axis(ax, axis: str = "x", maxticks: int = 8) -> None:
    """Dates as ``Jan 2023 · Apr · Jul``: the year only where it changes."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=maxticks)
    formatter = mdates.ConciseDateFormatter(locator, show_offset=False)
    formatter.formats = ["%Y", "%b", "%d", "%H:%M", "%H:%M", "%S.%f"]
    formatter.zero_formats = ["", "%b\n%Y", "%b\n%d", "%H:%M", "%H:%M", "%S.%f"]
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(locator)
    target.set_major_formatter(formatter)


# ----------------------------------------------------------------------------- direct labels


def label_end(ax, x, y, text: str, color: str = TEXT, dx: float = 6, **kw):
    """A label just right of a line's last point, instead of a legend."""
    kw.setdefault("fontsize", 10)
    kw.setdefault("fontweight", "bold")
    return ax.annotate(
        text,
        (x, y),
        xytext=(dx, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        color=color,
        annotation_clip=False,
        **kw,
    )


def callout(ax, x, y, text: str, dx: float = -40, dy: float = 20, color: str = TEXT, **kw):
    """A note pointing at one value (the record month, the closure), with a thin leader line."""
    kw.setdefault("fontsize", 10)
    kw.setdefault("ha", "right" if dx < 0 else "left")
    kw.setdefault("va", "bottom" if dy >= 0 else "top")
    return ax.annotate(
        text,
        (x, y),
        xytext=(dx, dy),
        textcoords="offset points",
        color=color,
        arrowprops={"arrowstyle": "-", "color": MUTED, "lw": 0.8, "shrinkA": 2, "shrinkB": 3},
        annotation_clip=False,
        **kw,
    )


def mark(
    ax, x, y, text: str = "", color: str = HIGHLIGHT, ms: float = 7, dx: float = -40, dy: float = 20, **kw
):
    """A dot on the value the title is about (the record month, the closure month) and, given
    ``text``, a bold :func:`callout` in the same colour; ``dx``, ``dy`` and any other keywords
    (``ha``, ``va``) go to the callout. Returns the callout, if any."""
    ax.plot([x], [y], "o", color=color, ms=ms, zorder=5)
    if not text:
        return None
    kw.setdefault("fontweight", "bold")
    return callout(ax, x, y, text, dx=dx, dy=dy, color=color, **kw)


def bar_labels(ax, bars, labels: Iterable[str], inside: bool = False, color: str = TEXT, **kw):
    """Values written on (or just past) each bar, so no axis is needed to read them."""
    kw.setdefault("fontsize", 10)
    return ax.bar_label(
        bars, labels=list(labels), label_type="center" if inside else "edge", padding=3, color=color, **kw
    )


def _spread(ax, labels: Sequence, min_gap_pt: float) -> None:
    """Move end-of-line labels apart vertically, in points, so none overlaps its neighbour."""
    to_pt = 72 / ax.figure.dpi
    # x plays no part in the height, so a date axis needs no conversion here
    heights = [
        ax.transData.transform((0.0, float(ax.convert_yunits(lab.xy[1]))))[1] * to_pt for lab in labels
    ]
    items = sorted(zip(heights, labels, strict=True), key=lambda i: i[0])
    placed = [y for y, _ in items]
    for _ in range(100):  # push neighbours apart until every gap is wide enough
        moved = False
        for i in range(1, len(placed)):
            gap = placed[i] - placed[i - 1]
            if gap < min_gap_pt - 0.01:
                shift = (min_gap_pt - gap) / 2
                placed[i - 1] -= shift
                placed[i] += shift
                moved = True
        if not moved:
            break
    for (y, lab), y_new in zip(items, placed, strict=True):
        lab.xyann = (lab.xyann[0], y_new - y)


def legend(ax, **kw):
    """A key set in the plot's empty corner, for the charts where labels on the marks would
    collide (stacked bars); prefer :func:`label_end` or :func:`callout` where they fit."""
    kw.setdefault("loc", "upper right")
    kw.setdefault("handlelength", 1.0)
    kw.setdefault("handleheight", 1.0)
    kw.setdefault("fontsize", 10)
    return ax.legend(**kw)


def shade(ax, start, end, label: str = "", color: str = SHADE, label_y: float = 0.98, **kw):
    """A shaded period (Title 42, a closure) with its name at the top of the band."""
    span = ax.axvspan(start, end, color=color, zorder=0, lw=0)
    if label:
        kw.setdefault("fontsize", 9.5)
        kw.setdefault("color", MUTED)
        ax.text(
            start,
            label_y,
            " " + label,
            transform=ax.get_xaxis_transform(),
            ha="left",
            va="top",
            **kw,
        )
    return span


# ----------------------------------------------------------------------------- recurring charts


def monthly_line(ax, months, values, color: str = BLUE, ms: float = 3.5, **kw):
    """A monthly count as a line with a dot per month, each plotted mid-month (:func:`mid_month`)
    so that it lines up with shaded days. A missing month leaves a gap, not a zero."""
    return ax.plot(mid_month(months), pd.Series(values).astype(float), color=color, marker="o", ms=ms, **kw)


def closure_months(
    ax,
    months,
    values,
    closed: Iterable[tuple],
    month,
    value,
    text: str,
    *,
    numbers: str = "comma",
    headroom: float = 1.15,
    **callout_kw,
) -> None:
    """A port's monthly count around a closure: the days the crossing was shut shaded, the count
    as a :func:`monthly_line`, and the closure month marked with its value.

    ``closed`` lists the shaded periods as ``(first day, end)`` or ``(first day, end, label)``.
    ``month`` and ``value`` are the point the title cites and ``text`` its callout; ``dx``,
    ``dy``, ``ha`` and ``va`` go to :func:`callout`. The y axis starts at zero with ``headroom``
    above the highest month, its numbers in the ``numbers`` style of :func:`number_axis`.
    """
    for start, end, *label in closed:
        shade(ax, start, end, label=label[0] if label else "")
    monthly_line(ax, months, values)
    mark(ax, mid_month(month), value, text, **callout_kw)
    ax.set_ylim(0, pd.Series(values).max() * headroom)
    number_axis(ax, style=numbers)
    date_axis(ax)


def ranked_bars(
    ax,
    names,
    counts,
    shares,
    highlight: Iterable[str] = (),
    rest: str | None = None,
    headroom: float = 1.25,
):
    """Horizontal bars in the order given, the first at the top, each labelled with its count
    and share (``328,650  (63.2%)``), so the chart needs no x axis.

    ``highlight`` names the bars the title is about (drawn in HIGHLIGHT) and ``rest`` the
    catch-all row ("All others", light grey); the others are grey. The bars run to at most
    ``1 / headroom`` of the width, leaving room for the labels. Returns the bars.
    """
    names, counts, shares = list(names)[::-1], list(counts)[::-1], list(shares)[::-1]
    highlight = set(highlight)
    colors = [LIGHT_GREY if n == rest else HIGHLIGHT if n in highlight else GREY for n in names]
    bars = ax.barh(names, counts, color=colors, height=0.7)
    bar_labels(ax, bars, [f"{c:,}  ({s:.1%})" for c, s in zip(counts, shares, strict=True)])
    ax.grid(False)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, max(counts) * headroom)
    return bars


# ----------------------------------------------------------------------------- the chart


_WIDTHS: dict[tuple, float] = {}


def _width(text: str, prop, renderer) -> float:
    # Measuring text with FreeType costs about a millisecond a call, and wrapping measures
    # the same words again and again; a line's width is taken as the sum of its words and
    # spaces (kerning across a space is nil), which keeps a chart's layout well under a second.
    key = (text, hash(prop), renderer.dpi)
    if key not in _WIDTHS:
        _WIDTHS[key] = renderer.get_text_width_height_descent(text, prop, ismath=False)[0]
    return _WIDTHS[key]


def _wrap(text: str, width_px: float, prop, renderer) -> str:
    """Greedy word wrap measured with the real font, so lines never run off the chart."""
    space = _width("x x", prop, renderer) - _width("xx", prop, renderer)
    lines = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split():
            w = _width(word, prop, renderer)
            if line and used + space + w > width_px:
                lines.append(" ".join(line))
                line, used = [word], w
            else:
                used += (space if line else 0.0) + w
                line.append(word)
        lines.append(" ".join(line))
    return "\n".join(lines)


def _balanced_wrap(text: str, width_px: float, prop, renderer) -> str:
    """Wrap into as few lines as greedy wrapping needs, but of even length, so a title never
    ends on a lone word."""
    best = _wrap(text, width_px, prop, renderer)
    n = best.count("\n")
    if n == 0:
        return best
    lo, hi = width_px / (n + 1), width_px
    for _ in range(12):
        mid = (lo + hi) / 2
        candidate = _wrap(text, mid, prop, renderer)
        if candidate.count("\n") == n:
            best, hi = candidate, mid
        else:
            lo = mid
    return best


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _relpath(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.REPO_DIR).as_posix()
    except ValueError:
        return path.as_posix()


class Chart:
    """One chart: a figure in the house style with its title, subtitle, notes and source.

    ``tables`` names the processed tables the chart's numbers come from (their publishers and
    dates make the source line; their sha256 go in the sidecar). ``inputs`` lists other files
    read, such as the project's hand-curated ``data/closures.csv``, and ``credits`` the words
    the source line gives them. Extra keyword arguments go to ``plt.subplots``; ``chart.ax``
    is the axes (``chart.axes`` when there are several).
    """

    def __init__(
        self,
        slug: str,
        *,
        title: str,
        subtitle: str,
        tables: Sequence[str] = (),
        notes: Sequence[str] | str = (),
        size: str = "landscape",
        inputs: Sequence[str | os.PathLike] = (),
        credits: Sequence[str] = (),
        nrows: int = 1,
        ncols: int = 1,
        **subplots_kw,
    ):
        if not SLUG.match(slug) or slug.endswith(MOBILE_SUFFIX):
            raise ValueError(
                f"chart slug {slug!r}: use lower-case words joined by hyphens, e.g. darien-annual"
            )
        if size not in SIZES:
            raise ValueError(f"chart size {size!r} is not one of {', '.join(SIZES)}")
        if not title.strip() or not subtitle.strip():
            raise ValueError(f"chart {slug}: a title (the finding) and a subtitle (measure, unit) are needed")
        if not tables and not inputs:
            raise ValueError(f"chart {slug}: name the tables (or input files) its numbers come from")
        if _settings.notebook is None:
            setup("interactive")
        plt.style.use(STYLE)
        self.slug = slug
        self.size = size
        self.width, self.height = SIZES[size]
        self.title = title.strip()
        self.subtitle = subtitle.strip()
        self.notes = [notes] if isinstance(notes, str) else [n for n in notes if n]
        self.tables = list(tables)
        self.inputs = [Path(p) if Path(p).is_absolute() else paths.REPO_DIR / p for p in inputs]
        self.source = source_line(self.tables, credits)
        self.fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(self.width / PX_PER_INCH, self.height / PX_PER_INCH),
            dpi=PX_PER_INCH,
            **subplots_kw,
        )
        self.axes = axes
        self.ax = axes if nrows * ncols == 1 else axes.flat[0]
        self._title = self.fig.text(0, 1, "", fontsize=TITLE_SIZE, fontweight="bold", color=TEXT, va="top")
        self._subtitle = self.fig.text(0, 1, "", fontsize=SUBTITLE_SIZE, color="#444444", va="top")
        self._foot = self.fig.text(0, 0, "", fontsize=FOOT_SIZE, color=MUTED, va="bottom", linespacing=1.35)
        self._apart: list[tuple] = []

    def keep_apart(self, labels: Sequence, min_gap: float = 13) -> None:
        """Keep these end-of-line labels (from :func:`label_end`) at least ``min_gap`` points
        apart vertically; applied when the chart is laid out, once the axes have their size."""
        self._apart.append((labels, min_gap))

    # -- layout

    def layout(self) -> None:
        """Place the header and footer, wrapped to the width, and fit the axes between them."""
        fig = self.fig
        # Measure at the PNG's resolution: hinted glyphs are a few per cent wider there than
        # at 1x, and a title measured at 1x can run off the 2x image.
        fig.set_dpi(PX_PER_INCH * PNG_SCALE)
        renderer = fig.canvas.get_renderer()
        k = PNG_SCALE
        w, h = self.width * k, self.height * k
        text_w = (self.width - 2 * PAD_X) * k * 0.98

        def place(artist, text, top_px):
            artist.set_text(_balanced_wrap(text, text_w, artist.get_fontproperties(), renderer))
            artist.set_position((PAD_X * k / w, 1 - top_px / h))
            return artist.get_window_extent(renderer).height

        y = PAD_TOP * k
        y += place(self._title, self.title, y) + GAP_TITLE * k
        y += place(self._subtitle, self.subtitle, y)
        header = y + GAP_HEADER * k

        notes = " ".join(n.strip() for n in self.notes)
        foot_lines = [
            f"Note: {notes}" if notes and not notes.lower().startswith("note") else notes,
            self.source,
        ]
        wrapped = [_wrap(t, text_w, self._foot.get_fontproperties(), renderer) for t in foot_lines if t]
        self._foot.set_text("\n".join(wrapped))
        self._foot.set_position((PAD_X * k / w, PAD_BOTTOM * k / h))
        footer = (PAD_BOTTOM + GAP_FOOTER) * k + self._foot.get_window_extent(renderer).height

        # the box the axes, with their tick labels and direct labels, must fill
        box_l, box_r, box_b, box_t = PAD_X * k, w - PAD_X * k, footer, h - header
        left, right, bottom, top = box_l, box_r, box_b, box_t
        axes = list(fig.axes)
        for _ in range(5):
            fig.subplots_adjust(left=left / w, right=right / w, bottom=bottom / h, top=top / h)
            tight = [a.get_tightbbox(renderer) for a in axes]
            inner = [a.get_window_extent(renderer) for a in axes]
            over_l = min(i.x0 for i in inner) - min(t.x0 for t in tight)
            over_r = max(t.x1 for t in tight) - max(i.x1 for i in inner)
            over_b = min(i.y0 for i in inner) - min(t.y0 for t in tight)
            over_t = max(t.y1 for t in tight) - max(i.y1 for i in inner)
            new = (box_l + over_l, box_r - over_r, box_b + over_b, box_t - over_t)
            # labels far outside the axes must not squeeze the plot to nothing: it keeps at
            # least 40% of the box each way, and the labels may then run off the edge
            min_w, min_h = 0.4 * (box_r - box_l), 0.4 * (box_t - box_b)
            if new[1] - new[0] < min_w:
                shrink = (new[1] - new[0] - min_w) / 2
                new = (new[0] + shrink, new[1] - shrink, new[2], new[3])
            if new[3] - new[2] < min_h:
                shrink = (new[3] - new[2] - min_h) / 2
                new = (new[0], new[1], new[2] + shrink, new[3] - shrink)
            if all(abs(a - b) < 1 for a, b in zip(new, (left, right, bottom, top), strict=True)):
                break
            left, right, bottom, top = new
        for labels, gap in self._apart:
            if labels:
                _spread(labels[0].axes, labels, gap)

    # -- export

    def _render(self, alt: str) -> tuple[bytes, bytes]:
        self.layout()
        png = io.BytesIO()
        self.fig.savefig(png, format="png", dpi=PX_PER_INCH * PNG_SCALE, metadata={"Software": None})
        svg = io.BytesIO()
        self.fig.savefig(
            svg,
            format="svg",
            metadata={"Date": None, "Creator": "migrationdata", "Title": self.title, "Description": alt},
        )
        return png.getvalue(), svg.getvalue()

    def _resize(self, size: str) -> None:
        self.width, self.height = SIZES[size]
        self.fig.set_size_inches(self.width / PX_PER_INCH, self.height / PX_PER_INCH)

    def save(
        self,
        data: pd.DataFrame,
        alt_text: str,
        output: str | os.PathLike | None = None,
        mobile: bool = True,
    ) -> dict:
        """Lay out and write PNG, SVG, CSV and JSON; returns the sidecar as a dict.

        ``data`` is what the chart plots (one row per point or bar, a column per series),
        written as the CSV a graphics editor pastes into Datawrapper. ``alt_text`` is required:
        one or two sentences saying what the chart shows and its main number. Unless
        ``mobile=False`` (or the chart is already mobile-sized), the same chart is laid out
        again at the mobile size as ``<slug>-mobile.png`` and ``.svg``.
        """
        alt = (alt_text or "").strip()
        if not alt:
            raise ValueError(
                f"chart {self.slug}: alt text is required. Write one or two sentences saying what "
                "the chart shows and its main number, and pass it as alt_text=."
            )
        if not re.search(r"\d", alt):
            raise ValueError(
                f"chart {self.slug}: the alt text should state the chart's main number; got {alt!r}"
            )
        if not isinstance(data, pd.DataFrame) or data.empty:
            raise ValueError(f"chart {self.slug}: pass the plotted data as a non-empty DataFrame (data=)")
        out = Path(output).resolve() if output else output_dir()
        out.mkdir(parents=True, exist_ok=True)

        png, svg = self._render(alt)
        blobs = {f"{self.slug}.png": png, f"{self.slug}.svg": svg}
        self.mobile = mobile and self.size not in ("mobile", "square")
        if self.mobile:
            main = self.size
            self._resize("mobile")
            png_m, svg_m = self._render(alt)
            blobs[f"{self.slug}{MOBILE_SUFFIX}.png"] = png_m
            blobs[f"{self.slug}{MOBILE_SUFFIX}.svg"] = svg_m
            self._resize(main)
            if _shows_figures():
                self.layout()  # the notebook goes on showing the main layout
        # no cell a spreadsheet would run as a formula (store.spreadsheet_csv)
        blobs[f"{self.slug}.csv"] = store.spreadsheet_csv(data)
        sidecar = self.sidecar(alt)
        blobs[f"{self.slug}.json"] = (json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n").encode(
            "utf-8"
        )
        for name, blob in blobs.items():
            _write_if_changed(out / name, blob)
        _log_save(self.slug, out)
        if not _shows_figures():
            plt.close(self.fig)  # a script or a headless build: free the memory now
        return sidecar

    def files(self) -> dict[str, str]:
        """The chart's files by kind, as the sidecar lists them (the sidecar is ``<slug>.json``)."""
        out = {ext: f"{self.slug}.{ext}" for ext in ("png", "svg", "csv")}
        if getattr(self, "mobile", False):
            out.update(
                mobile_png=f"{self.slug}{MOBILE_SUFFIX}.png", mobile_svg=f"{self.slug}{MOBILE_SUFFIX}.svg"
            )
        return out

    def sidecar(self, alt: str) -> dict:
        tables = []
        for name in self.tables:
            prov = processed.provenance(name)
            retrieved = sorted(s["retrieved_at"] for s in prov.get("sources", []) if s.get("retrieved_at"))
            tables.append(
                {
                    "name": name,
                    "path": f"data/processed/{name}.csv",
                    "sha256": processed.sha256_of(name),
                    "publisher": prov["publisher"],
                    "retrieved_at": retrieved[-1] if retrieved else None,
                    "data_to": latest_period(name),
                }
            )
        inputs = [
            {"path": _relpath(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in self.inputs
        ]
        notebook = _settings.notebook
        return {
            "slug": self.slug,
            "title": self.title,
            "subtitle": self.subtitle,
            "alt_text": alt,
            "source": self.source,
            "notes": self.notes,
            "size": {"name": self.size, "width": SIZES[self.size][0], "height": SIZES[self.size][1]},
            "files": self.files(),
            "tables": tables,
            "inputs": inputs,
            "notebook": f"notebooks/{notebook}.ipynb" if notebook != "interactive" else None,
            "as_of": f"{as_of():%Y-%m-%d}" if as_of() is not None else None,
        }


def _shows_figures() -> bool:
    """True in a notebook or window that displays figures; false for Agg (scripts, the build)."""
    import matplotlib

    return matplotlib.get_backend().lower() not in ("agg", "svg", "pdf", "ps", "cairo", "template")


def _log_save(slug: str, out: Path) -> None:
    # The build runner sets this to learn, in order, which charts a notebook made.
    log = os.environ.get("MIGRATIONDATA_BUILD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"slug": slug, "output": str(out)}) + "\n")
