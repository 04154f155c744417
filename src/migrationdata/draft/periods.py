"""The time a sentence speaks of, resolved against the day the story was published.

Written as the claims engine's period strings: ``"2023"`` (calendar year), ``"FY2023"`` (US
fiscal year, October to September), ``"2023-12"`` (a month), ``"2023-01..2023-11"`` (a month
range), ``"2023-12-18"`` (a day). Relative words ("last month", "in December", "this year",
"el año pasado", "el jueves") are read the way a reader on the publication day reads them: a
month named without a year is the latest such month up to the publication day.

Explicit rules rather than a general date parser: the claims need months and years, not
instants, and every rule here is listed and tested in both languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from migrationdata.draft.numbers import WORD_NUMBERS
from migrationdata.errors import DraftError

MONTHS = {
    "en": ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"],
}  # fmt: skip
MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
              "oct": 10, "nov": 11, "dec": 12, "setiembre": 9}  # fmt: skip
WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
}


@dataclass
class Period:
    spec: str  # the engine's period string; "" when the words name no period the data hold
    kind: str  # year | fiscal_year | month | range | day | since | previous | future | part
    text: str
    start: int
    end: int
    relative: bool = False  # resolved against the publication day
    by_days: bool = False  # named by its first and last days ("del 1 de enero al 31 de diciembre")

    @property
    def year(self) -> int | None:
        m = re.match(r"(?:FY)?(\d{4})", self.spec)
        return int(m.group(1)) if m else None


def parse_published(text: str) -> date:
    """``--published``: a date (2023-12-28) or an ISO datetime with its zone."""
    text = str(text).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise DraftError(
            f"--published {text!r} is not a date. Give the day the story ran as YYYY-MM-DD "
            "(e.g. 2023-12-28) or an ISO date and time such as 2023-12-28T09:30-06:00."
        ) from None


def fiscal_year(day: date) -> int:
    return day.year + 1 if day.month >= 10 else day.year


def _month_number(word: str, lang: str) -> int | None:
    word = word.lower().rstrip(".")
    if word in MONTHS[lang]:
        return MONTHS[lang].index(word) + 1
    return MONTH_ABBR.get(word[:4]) or MONTH_ABBR.get(word[:3]) if lang == "en" else MONTH_ABBR.get(word)


def latest_month(month: int, published: date) -> int:
    """The year of the latest ``month`` up to the publication day ("in December" read on 28
    December 2023 is December 2023; read in March 2024 it is December 2023 too)."""
    return published.year if month <= published.month else published.year - 1


def _months_alt(lang: str) -> str:
    names = MONTHS[lang] + ([k for k in MONTH_ABBR if k != "setiembre"] if lang == "en" else ["setiembre"])
    return "|".join(sorted(names, key=len, reverse=True))


def _rules(lang: str):
    M = _months_alt(lang)  # noqa: N806
    M_CAPITALISED = "|".join(m.capitalize() for m in MONTHS["en"])  # noqa: N806
    if lang == "es":
        return [
            (
                "same_period",
                r"\b(?:el|al|del)\s+mismo\s+(?:periodo|período|lapso|mes|trimestre|semestre)\s+(?:de(?:l)?\s+)?"
                r"(?:(?:año\s+)?(?P<y>(?:19|20)\d\d)|(?P<rel>año pasado|año anterior))\b",
            ),
            (
                "part_year",
                r"\b(?:(?:el|la|los)\s+)?(?:(?P<half>primer|segundo)\s+semestre|(?P<halfw>primera|segunda)\s+mitad|"
                r"(?P<quarter>primer|segundo|tercer|cuarto)\s+trimestre|primeros\s+(?P<n>dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once)\s+meses)"
                r"\s+(?:de(?:l)?\s+)?(?:(?:año\s+)?(?P<y>(?:19|20)\d\d)|(?P<rel>este año|el año pasado|año pasado))\b",
            ),
            (
                "vague_part",
                r"\b(?:a|hacia|para|al)\s+(?:(?:l[oa]s?|el)\s+)?(?:finales|fines|final|principios|inicios|comienzos|mediados|cierre)\s+"
                r"(?:de(?:l)?\s+)?(?:(?:año\s+)?(?:19|20)\d\d|este año|el año pasado|año pasado)\b",
            ),
            (
                "day_range",
                # "entre el 1 de enero y el 20 de septiembre"; "entre enero y el 25 de septiembre"
                # (from the first of January)
                rf"\b(?:entre|del|desde)\s+(?:(?:el\s+)?(?P<d1>\d{{1,2}})(?:\s+de\s+(?P<m1>{M}))?|(?P<m1c>{M}))"
                rf"(?:\s+(?:de|del)\s+(?P<y1>\d{{4}}))?"
                rf"\s+(?:y|al|a|hasta)\s+(?:el\s+)?(?P<d2>\d{{1,2}})\s+de\s+(?P<m2>{M})(?:\s+(?:de|del)\s+(?P<y2>\d{{4}}))?\b",
            ),
            (
                "range",
                rf"\b(?:de|entre|desde)\s+(?P<m1>{M})(?:\s+(?:de\s+)?(?P<y1>\d{{4}}))?\s+(?:a|y|hasta)\s+(?P<m2>{M})(?:\s+(?:de(?:l)?\s+)?(?P<y2>\d{{4}}))?\b",
            ),
            ("fiscal_year", r"\baño fiscal\s+(?:de\s+)?(?P<y>\d{4})\b|\bAF\s?(?P<y2>\d{4})\b"),
            (
                "fiscal_rel",
                r"\b(?P<which>el año fiscal pasado|el pasado año fiscal|este año fiscal|el año fiscal actual)\b",
            ),
            ("day", rf"\b(?P<d>\d{{1,2}})\s+de\s+(?P<m>{M})(?:\s+(?:de|del)\s+(?P<y>\d{{4}}))?\b"),
            ("month", rf"\b(?P<m>{M})\s+(?:de(?:l)?\s+)?(?P<y>\d{{4}})\b"),
            (
                "month_bare",
                rf"\b(?:en|de|durante|hasta|desde|que en|frente a|respecto a|a principios de|a finales de|a mediados de)\s+(?P<m>{M})\b",
            ),
            (
                "rel_month",
                r"\b(?P<which>el mes pasado|el pasado mes|este mes|a principios de (?:este|este) mes|en lo que va del mes|el mes anterior)\b",
            ),
            (
                "rel_year",
                r"\b(?P<which>el año pasado|el pasado año|este año|en lo que va del año|en lo que va de año|el año anterior|un año antes|el próximo año|el año próximo|el año que viene)\b",
            ),
            (
                "since",
                r"\bdesde\s+(?:(?:al menos|por lo menos)\s+)?(?:(?:el|la|los|las)\s+(?:[\w-]+\s+){1,6}?en\s+)?"
                r"(?:el\s+)?(?:(?P<fy>año fiscal|AF)\s+)?"
                r"(?P<y>(?:19|20)\d\d)\b",
            ),
            (
                "weekday",
                r"\b(?:el|este|el pasado)\s+(?P<w>lunes|martes|miércoles|jueves|viernes|sábado|domingo)\b",
            ),
            ("relday", r"\b(?P<which>ayer|hoy|anteayer)\b"),
            ("year", r"(?<![\d.,$])\b(?P<y>(?:19|20)\d\d)\b(?!\d|[.,]\d|%)"),
        ]
    return [
        (
            "same_period",
            r"\bthe\s+same\s+(?:period|month|months|quarter|half)\s+(?:of\s+|in\s+)?"
            r"(?:(?P<y>(?:19|20)\d\d)|(?P<rel>last year|the year before|a year earlier|the previous year))\b",
        ),
        (
            "part_year",
            r"\b(?:the\s+)?(?:(?P<half>first|second)\s+half|(?P<quarter>first|second|third|fourth)\s+quarter|"
            r"first\s+(?P<n>two|three|four|five|six|seven|eight|nine|ten|eleven)\s+months)"
            r"\s+of\s+(?:(?P<y>(?:19|20)\d\d)|(?P<rel>this year|last year|the year))\b|\bQ(?P<q>[1-4])\s+(?P<qy>(?:19|20)\d\d)\b",
        ),
        (
            "vague_part",
            r"\b(?:(?:at|by|toward|towards|until|near|in)\s+)?(?:the\s+)?(?:end|close|start|beginning|middle|turn)\s+of\s+"
            r"(?:(?:19|20)\d\d|this year|last year|the year)\b|\b(?:late|early|mid-?)\s*(?:19|20)\d\d\b",
        ),
        (
            "day_range",
            # "between January 1 and December 31", "from 1 January to 31 December 2023",
            # "between January and September 25" (from the first of January)
            rf"\b(?:from|between)\s+(?:(?P<m1>{M})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?|(?P<d1b>\d{{1,2}})\s+(?P<m1b>{M})|(?P<m1c>{M}))"
            rf"(?:,?\s+(?P<y1>\d{{4}}))?\s+(?:and|to|through|until)\s+"
            rf"(?:(?P<m2>{M})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?|(?P<d2b>\d{{1,2}})\s+(?P<m2b>{M}))(?:,?\s+(?P<y2>\d{{4}}))?\b",
        ),
        (
            "range",
            rf"\b(?:from|between)\s+(?P<m1>{M})\.?(?:\s+(?P<y1>\d{{4}}))?\s+(?:to|and|through|until)\s+(?P<m2>{M})\.?(?:,?\s+(?P<y2>\d{{4}}))?\b",
        ),
        (
            "fiscal_year",
            r"\bfiscal(?: year)?\s+(?P<y>\d{4})\b|\bFY\s?(?P<y2>\d{4}|\d{2})\b|\b(?P<y3>\d{4}) fiscal year\b",
        ),
        (
            "fiscal_rel",
            r"\b(?P<which>last fiscal year|the previous fiscal year|this fiscal year|the current fiscal year)\b",
        ),
        (
            "day",
            rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{M})\.?(?:,?\s+(?P<y>\d{{4}}))?\b|\b(?P<m2>{M})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>\d{{4}}))?",
        ),
        ("month", rf"\b(?P<m>{M})\.?\s+(?:of\s+)?(?P<y>\d{{4}})\b"),
        (
            "month_bare",
            rf"\b(?:in|during|since|until|through|by|for|from|than|early|late|mid-?)\s+(?P<m>{M})\b",
        ),
        # "February's tally": the month's own figure (capitalised: "may's" is no month)
        ("month_bare", rf"(?-i:\b(?P<m>{M_CAPITALISED})['’]s\b)"),
        (
            "rel_month",
            r"\b(?P<which>last month|this month|earlier this month|so far this month|the previous month|the month before|a month earlier)\b",
        ),
        (
            "rel_year",
            r"\b(?P<which>last year|this year|so far this year|the previous year|the year before|a year earlier|a year ago|next year|next year's|the coming year)\b",
        ),
        # "since 2000", "since at least fiscal year 2000", "since FY2000"
        (
            "since",
            # "since the COVID-19 border closures in 2020": an event, dated
            r"\bsince\s+(?:at\s+least\s+)?(?:the\s+(?:[\w-]+\s+){1,5}?(?:in|of)\s+)?"
            r"(?:(?P<fy>fiscal(?:\s+year)?|FY)\s?)?(?P<y>(?:19|20)\d\d)\b",
        ),
        (
            "weekday",
            r"\b(?:on|last|this)\s+(?P<w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        ),
        ("relday", r"\b(?P<which>yesterday|today|the day before)\b"),
        ("year", r"(?<![\d.,$])\b(?P<y>(?:19|20)\d\d)\b(?!\d|,\d|%|\.\d)"),
    ]


# "since" first: "since at least fiscal year 2000" is the start of a ranking, not fiscal 2000
_RULES = {
    lang: [
        (kind, re.compile(p, re.IGNORECASE))
        for kind, p in sorted(_rules(lang), key=lambda rule: rule[0] != "since")
    ]
    for lang in ("en", "es")
}


def find(sentence: str, published: date, lang: str = "en", carry: Period | None = None) -> list[Period]:
    """Every period the sentence names, left to right, longer phrases first where they overlap.
    ``carry``: the period the sentence before spoke of, which "the same month last year" repeats
    when this sentence names none before it."""
    found: list[Period] = []
    same: list[tuple[Period, int | None]] = []
    for kind, rx in _RULES[lang]:
        for m in rx.finditer(sentence):
            if any(m.start() < p.end and p.start < m.end() for p in found):
                continue
            if kind == "same_period":
                year = int(m.group("y")) if m.group("y") else None
                period = Period("", "range", m.group(0), m.start(), m.end(), relative=year is None)
                same.append((period, year))
            else:
                period = _resolve(kind, m, published, lang)
            if period is not None:
                found.append(period)
    for period, year in same:
        _same_period(period, year, found, carry)
    for period in found:
        if re.search(MONTH_BEFORE[lang], period.text, re.IGNORECASE):
            _month_before(period, found)
    return sorted((p for p in found if p.spec or p.kind != "range"), key=lambda p: p.start)


#: "a month earlier" after a month the sentence named is the month before that one, not the
#: month before the story ran ("17,000 in January, a third fewer than a month earlier")
MONTH_BEFORE = {
    "en": r"\b(?:a month earlier|the month before|the previous month)\b",
    "es": r"\b(?:el mes anterior)\b",
}


def _month_before(period: Period, found: list[Period]) -> None:
    named = [
        p
        for p in found
        if p.end <= period.start and p.kind == "month" and re.fullmatch(r"\d{4}-\d\d", p.spec)
    ]
    if not named:
        return  # read against the publication day, as before
    first = date.fromisoformat(named[-1].spec + "-01")
    before = first - timedelta(days=1)
    period.spec, period.kind = f"{before.year}-{before.month:02d}", "month"


def _same_period(period: Period, year: int | None, found: list[Period], carry: Period | None = None) -> None:
    """ "the same period of 2024", "el mismo periodo del año pasado": the months of the
    sentence's period named before it (else of the sentence before's), in that year (a year
    earlier when none is named)."""
    before = [
        p
        for p in found
        if p.end <= period.start and p.kind in ("month", "range") and p.spec and p is not period
    ]
    if not before and carry is not None and carry.kind in ("month", "range") and carry.spec:
        before = [carry]  # "This marks a 99% decrease compared to the same month last year"
    if not before:
        return  # no period to repeat: left out, the change says it has no base
    spec = before[-1].spec
    period.spec = shift_years(spec, year - int(spec[:4]) if year is not None else -1)
    period.kind = "range" if ".." in period.spec else "month"


def _resolve(kind: str, m: re.Match, published: date, lang: str) -> Period | None:
    g = m.groupdict()
    text, start, end = m.group(0), m.start(), m.end()

    def make(spec: str, k: str, relative: bool = False) -> Period:
        return Period(spec=spec, kind=k, text=text, start=start, end=end, relative=relative)

    if kind == "range":
        m1, m2 = _month_number(g["m1"], lang), _month_number(g["m2"], lang)
        y2 = int(g["y2"]) if g.get("y2") else (int(g["y1"]) if g.get("y1") else latest_month(m2, published))
        y1 = int(g["y1"]) if g.get("y1") else (y2 if m1 <= m2 else y2 - 1)
        return make(f"{y1}-{m1:02d}..{y2}-{m2:02d}", "range", not g.get("y2"))
    if kind == "day_range":
        return _day_range(g, published, lang, text, start, end)
    if kind == "part_year":
        return _part_of_year(g, published, make)
    if kind == "vague_part":
        # "at the end of 2023", "a finales de 2023": no month the tables can hold (see propose)
        return make("", "part")
    if kind == "fiscal_year":
        y = g.get("y") or g.get("y2") or g.get("y3")
        y = int(y) + (2000 if len(y) == 2 else 0)
        return make(f"FY{y}", "fiscal_year")
    if kind == "fiscal_rel":
        which = g["which"].lower()
        fy = fiscal_year(published)
        if any(w in which for w in ("last", "previous", "pasado")):
            fy -= 1
        return make(f"FY{fy}", "fiscal_year", True)
    if kind == "day":
        month = _month_number(g.get("m") or g.get("m2"), lang)
        day = int(g.get("d") or g.get("d2"))
        y = g.get("y") or g.get("y2")
        year = int(y) if y else latest_month(month, published)
        try:
            when = date(year, month, day)
        except ValueError:
            return None
        if not y and when > published:
            when = date(year - 1, month, day)
        return make(when.isoformat(), "day", not y)
    if kind == "month":
        month = _month_number(g["m"], lang)
        return make(f"{int(g['y'])}-{month:02d}", "month")
    if kind == "month_bare":
        month = _month_number(g["m"], lang)
        # "may" is a month and a verb: only "in May", never "may rise"
        return make(f"{latest_month(month, published)}-{month:02d}", "month", True)
    if kind == "rel_month":
        which = g["which"].lower()
        first = published.replace(day=1)
        if (
            any(w in which for w in ("last", "previous", "before", "earlier", "pasado", "anterior"))
            and "this" not in which
        ):
            prev = first - timedelta(days=1)
            return make(
                f"{prev.year}-{prev.month:02d}",
                "previous" if "previous" in which or "anterior" in which or "before" in which else "month",
                True,
            )
        return make(f"{published.year}-{published.month:02d}", "month", True)
    if kind == "rel_year":
        which = g["which"].lower()
        if any(w in which for w in ("next", "coming", "próximo", "que viene")):
            return make("", "future", True)
        if any(
            w in which
            for w in ("previous", "year before", "year earlier", "anterior", "un año antes", "a year ago")
        ):
            return make(str(published.year - 1), "previous", True)
        if any(w in which for w in ("last", "pasado")):
            return make(str(published.year - 1), "year", True)
        return make(str(published.year), "year", True)
    if kind == "since":
        return make(f"FY{g['y']}" if g.get("fy") else g["y"], "since")
    if kind == "weekday":
        target = WEEKDAYS[lang].index(g["w"].lower())
        back = (published.weekday() - target) % 7
        return make((published - timedelta(days=back)).isoformat(), "day", True)
    if kind == "relday":
        which = g["which"].lower()
        back = {"yesterday": 1, "today": 0, "the day before": 1, "ayer": 1, "hoy": 0, "anteayer": 2}[which]
        return make((published - timedelta(days=back)).isoformat(), "day", True)
    if kind == "year":
        return make(g["y"], "year")
    return None  # pragma: no cover


def _day_range(g: dict, published: date, lang: str, text: str, start: int, end: int) -> Period | None:
    """ "entre el 1 de enero y el 31 de diciembre", "between January 1 and December 31": whole
    months from the first day of one to the last of another are those months (the whole year
    when January to December), the latest such span up to the publication day when no year is
    named; a span that starts or ends inside a month has no period the monthly tables hold
    (``spec`` "", kind ``days``: its figures are left unmapped, saying so)."""
    m2 = _month_number(g.get("m2") or g.get("m2b"), lang)
    first_month = g.get("m1") or g.get("m1b") or g.get("m1c")
    m1 = _month_number(first_month, lang) if first_month else m2
    d1, d2 = int(g.get("d1") or g.get("d1b") or 1), int(g.get("d2") or g.get("d2b"))
    y2 = int(g["y2"]) if g.get("y2") else (int(g["y1"]) if g.get("y1") else None)
    if y2 is None:
        y2 = published.year if (m2, d2) <= (published.month, published.day) else published.year - 1
    y1 = int(g["y1"]) if g.get("y1") else (y2 if (m1, d1) <= (m2, d2) else y2 - 1)
    try:
        first, last = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        return None
    relative = not (g.get("y1") or g.get("y2"))
    whole = first.day == 1 and (last + timedelta(days=1)).day == 1 and first <= last
    if not whole:
        return Period("", "days", text, start, end, relative, by_days=True)
    a, b = f"{first.year}-{first.month:02d}", f"{last.year}-{last.month:02d}"
    if a == b:
        return Period(a, "month", text, start, end, relative, by_days=True)
    if first.month == 1 and last.month == 12 and first.year == last.year:
        return Period(str(first.year), "year", text, start, end, relative, by_days=True)
    return Period(f"{a}..{b}", "range", text, start, end, relative, by_days=True)


COUNTS = {**WORD_NUMBERS["en"], **WORD_NUMBERS["es"]}  # "the first six months", "los primeros seis meses"
ORDINAL_PART = {"first": 1, "second": 2, "third": 3, "fourth": 4, "primer": 1, "primera": 1, "segundo": 2,
                "segunda": 2, "tercer": 3, "cuarto": 4}  # fmt: skip


def _part_of_year(g: dict, published: date, make) -> Period:
    """ "the first half of 2025", "Q1 2025", "the first six months of this year", "el primer
    semestre de 2025": a range of months within one calendar year."""
    if g.get("q"):
        first, last, year = 3 * int(g["q"]) - 2, 3 * int(g["q"]), int(g["qy"])
    else:
        rel = (g.get("rel") or "").lower()
        year = int(g["y"]) if g.get("y") else published.year - (1 if "last" in rel or "pasado" in rel else 0)
        half = g.get("half") or g.get("halfw")
        if half:
            first = 1 if ORDINAL_PART[half.lower()] == 1 else 7
            last = first + 5
        elif g.get("quarter"):
            last = 3 * ORDINAL_PART[g["quarter"].lower()]
            first = last - 2
        else:
            first, last = 1, COUNTS[g["n"].lower()]
    relative = bool(g.get("rel"))
    return make(f"{year}-{first:02d}..{year}-{last:02d}", "range", relative)


def previous(spec: str) -> str:
    """The period before ``spec`` of the same length: 2023 → 2022, FY2023 → FY2022, 2023-12 →
    2022-12 (a month is compared with the same month a year earlier, as the publishers do)."""
    return shift_years(spec, -1)


def shift_years(spec: str, years: int) -> str:
    """``spec`` moved by whole years: the same months, year or fiscal year ("" for a day)."""
    if spec.startswith("FY"):
        return f"FY{int(spec[2:]) + years}"
    if re.fullmatch(r"\d{4}", spec):
        return str(int(spec) + years)
    if re.fullmatch(r"\d{4}-\d\d", spec):
        return f"{int(spec[:4]) + years}{spec[4:]}"
    if ".." in spec:
        a, b = spec.split("..")
        return f"{shift_years(a, years)}..{shift_years(b, years)}"
    return ""


def shift_months(spec: str, months: int) -> str:
    """A month ``YYYY-MM`` moved by whole months (2024-12, -8 → 2024-04)."""
    year, month = int(spec[:4]), int(spec[5:7])
    index = year * 12 + month - 1 + months
    return f"{index // 12}-{index % 12 + 1:02d}"


def month_span(spec: str) -> tuple[date, date] | None:
    """First and last day a period string covers (for windows such as closures')."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", spec):
        d = date.fromisoformat(spec)
        return d, d
    if re.fullmatch(r"\d{4}-\d\d", spec):
        first = date.fromisoformat(spec + "-01")
        nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        return first, nxt - timedelta(days=1)
    if re.fullmatch(r"\d{4}", spec):
        return date(int(spec), 1, 1), date(int(spec), 12, 31)
    if spec.startswith("FY"):
        y = int(spec[2:])
        return date(y - 1, 10, 1), date(y, 9, 30)
    if ".." in spec:
        a, b = spec.split("..")
        return month_span(a)[0], month_span(b)[1]
    return None
