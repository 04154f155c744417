"""Numbers and tests as stories print them, in English and Spanish.

``parse_number("1.2 million") == 1_200_000``; ``parse_test("more than 500,000")`` gives a
:class:`Test` that a :class:`Figure` either passes or fails. The rules (what "about" and
"nearly" allow, how the printed precision sets the rounding) are written out in
``docs/claims.md``, which is generated from :data:`RULES` and the examples below.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from migrationdata.claims.wording import Num, Phrase, Value, When, tested_number_en
from migrationdata.errors import NumberError, TestTypeError

# ----------------------------------------------------------------------------- numbers

SCALES = {
    "en": {
        "thousand": 1e3,
        "k": 1e3,
        "million": 1e6,
        "millions": 1e6,
        "m": 1e6,
        "mn": 1e6,
        "billion": 1e9,
        "billions": 1e9,
        "bn": 1e9,
        "b": 1e9,
        "trillion": 1e12,
    },
    "es": {
        "mil millones": 1e9,
        "millardos": 1e9,
        "millardo": 1e9,
        "millones": 1e6,
        "millón": 1e6,
        "millon": 1e6,
        "mil": 1e3,
        "billones": 1e12,
    },
}
WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "uno": 1,
    "un": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "doce": 12,
}
_SCALE_ALT = "|".join(sorted({re.escape(k) for lang in SCALES.values() for k in lang}, key=len, reverse=True))
#: Mexico's "782 mil 176" (782,176), "29 mil 73" (29,073), "mil 541" (1,541) and "64 mil 745
#: millones" (64,745 million): "mil", one space and at most three digits, one number (not
#: "5 mil, 176" nor "10 mil 2023")
MEXICAN_THOUSANDS = r"(?<![\w.,])(?:\d{1,3}[ \u00a0])?mil[ \u00a0]\d{1,3}(?!\d)"
_MEXICAN = re.compile(r"(?:(\d{1,3})[ \u00a0])?mil[ \u00a0](\d{1,3})")
_NUMBER_RE = re.compile(
    r"^(?P<sign>[-−+])?\s*(?P<usd>(?:US)?\$|USD\s*)?\s*"
    r"(?P<digits>" + MEXICAN_THOUSANDS + r"|\d[\d.,\u00a0\u202f ]*\d|\d)"
    r"\s*(?P<scale>"
    + _SCALE_ALT
    + r")?\.?\s*(?P<pct>%|per ?cent|por ?ciento)?\s*(?:(?:US)?\$|USD|dollars|dólares)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    """A printed number: its value, the precision it was printed at, and its unit."""

    value: float
    precision: float  # the size of the last printed digit, scale included
    unit: str = ""  # "" | "%" | "$"
    text: str = ""


def read_digits(raw: str, lang: str = "en", scaled: bool = False) -> float:
    """The value of a printed digit string ("302,034", "1.234,5", "4.6", Mexico's "782 mil
    176"), as every test reads it; ``scaled`` when a scale word follows ("1.2 million")."""
    return _digits(raw, lang, scaled)[0]


def _digits(raw: str, lang: str, scaled: bool) -> tuple[float, float]:
    """The value of a digit string and the size of its last digit."""
    mexican = _MEXICAN.fullmatch(raw.strip())
    if mexican:  # "782 mil 176": thousands, then the three digits below them
        raw = f"{mexican.group(1) or 1},{int(mexican.group(2)):03d}"
        lang = "es"
    s = re.sub(r"[\u00a0\u202f ]", "", raw)
    seps = [(i, ch) for i, ch in enumerate(s) if ch in ".,"]
    decimal_at = None
    if seps:
        last_i, last_ch = seps[-1]
        tail = len(s) - last_i - 1
        kinds = {ch for _, ch in seps}
        if len(kinds) == 2:
            decimal_at = last_i  # 1,234.5 or 1.234,5: the last separator is the decimal mark
        elif len(seps) > 1:
            decimal_at = None  # 1,234,567 or 1.234.567: thousands only
        elif tail != 3:
            decimal_at = last_i  # 1.2, 1,2, 42.25
        elif lang == "en" and last_ch == "." and not scaled:
            decimal_at = last_i  # "1.234" in English is a decimal
        elif lang == "en" and last_ch == "." and scaled:
            decimal_at = last_i  # "1.234 million"
        else:
            # "302,034", "302.034" (es), thousands; in Spanish whichever mark it is, since Spain
            # and Mexico use opposite ones: "61,791 millones" is Mexico's 61,791 million
            decimal_at = None
    groups = re.split(r"[.,]", s[:decimal_at] if decimal_at is not None else s)
    if len(groups) > 1 and (not groups[0] or any(len(g) != 3 for g in groups[1:])):
        raise NumberError(f"cannot read the number {raw!r}: thousands come in groups of three digits")
    if decimal_at is None:
        whole = s.replace(".", "").replace(",", "")
        if not whole.isdigit():
            raise NumberError(f"cannot read the number {raw!r}")
        value = float(int(whole))
        stripped = whole.rstrip("0")
        zeros = len(whole) - len(stripped) if stripped else 0
        # a round number (209,000) is taken as printed to its last non-zero digit
        # (counts under 1,000 are exact: "10 days" is ten)
        precision = 10.0 ** min(zeros, max(len(whole) - 1, 0)) if value >= 1000 else 1.0
        return value, precision
    whole = s[:decimal_at].replace(".", "").replace(",", "")
    frac = s[decimal_at + 1 :]
    if not (whole.isdigit() or whole == "") or not frac.isdigit():
        raise NumberError(f"cannot read the number {raw!r}")
    return float(f"{whole or '0'}.{frac}"), 10.0 ** -len(frac)


def parse_quantity(text: str, lang: str = "en") -> Quantity:
    """``"$798.8 billion"`` → Quantity(798.8e9, 0.1e9, "$"); see :func:`parse_number`."""
    raw = str(text).strip()
    t = raw.lower().strip().rstrip(".")
    if t in WORDS:
        return Quantity(float(WORDS[t]), 1.0, "", raw)
    m = _NUMBER_RE.match(t)
    if not m:
        raise NumberError(
            f"cannot read {raw!r} as a number: expected digits with optional separators, %, $ and "
            "a scale word (thousand, million, billion; mil, millones, mil millones)"
        )
    scale_word = (m.group("scale") or "").lower()
    scale = SCALES["es"].get(scale_word) or SCALES["en"].get(scale_word) or 1.0
    value, precision = _digits(m.group("digits"), lang, bool(scale_word))
    sign = -1.0 if m.group("sign") in ("-", "−") else 1.0
    unit = (
        "%"
        if m.group("pct")
        else ("$" if m.group("usd") or "$" in t or "dollar" in t or "dólar" in t else "")
    )
    return Quantity(sign * value * scale, precision * scale, unit, raw)


def parse_number(text: str, lang: str = "en") -> float:
    """A number as a story prints it: ``"302,034"``, ``"1.2 million"``, ``"$798.8 billion"``,
    ``"42%"`` (→ 42.0), ``"500 mil"``, ``"1,2 millones"``, ``"302.034"`` (Spanish)."""
    return parse_quantity(text, lang).value


# ----------------------------------------------------------------------------- dates

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
_MONTH_ALT = "|".join(MONTHS)


def parse_date(text: str) -> date:
    """``2023-12-18``, ``18 December 2023``, ``December 18, 2023``, ``18 de diciembre de 2023``."""
    t = str(text).strip().lower().replace(",", "")
    try:
        return date.fromisoformat(t)
    except ValueError:
        pass
    m = re.fullmatch(rf"(\d{{1,2}}) (?:de )?({_MONTH_ALT}) (?:de )?(\d{{4}})", t)
    if m:
        return date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    m = re.fullmatch(rf"({_MONTH_ALT}) (\d{{1,2}}) (\d{{4}})", t)
    if m:
        return date(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)))
    raise NumberError(f"cannot read {text!r} as a date (use 2023-12-18 or 18 December 2023)")


def parse_period_words(text: str) -> str:
    """A 'since' in words as a period string: ``2020``, ``March 2000`` → ``2000-03``, ``FY2019``."""
    t = str(text).strip()
    if re.fullmatch(r"\d{4}(-\d{2})?|FY\d{4}", t, re.IGNORECASE):
        return t.upper() if t.lower().startswith("fy") else t
    m = re.fullmatch(rf"(?:de )?({_MONTH_ALT}) (?:de )?(\d{{4}})", t.lower())
    if m:
        return f"{m.group(2)}-{MONTHS[m.group(1)]:02d}"
    raise NumberError(f"cannot read {text!r} as a period (use 2020, March 2000 or FY2019)")


# ----------------------------------------------------------------------------- tests

THRESHOLDS = [
    # (prefixes, op) - longest first within each language
    (
        (
            "no fewer than",
            "no less than",
            "at least",
            "al menos",
            "por lo menos",
            "como mínimo",
            "como minimo",
        ),
        ">=",
    ),
    (("no more than", "at most", "up to", "como máximo", "como maximo", "hasta"), "<="),
    (
        (
            "more than",
            "greater than",
            "in excess of",
            "over",
            "above",
            "más de",
            "mas de",
            "por encima de",
            "superior a",
        ),
        ">",
    ),
    (("fewer than", "less than", "under", "below", "menos de", "por debajo de", "inferior a"), "<"),
]
APPROX = [
    (
        (
            "about",
            "around",
            "roughly",
            "approximately",
            "some",
            "an estimated",
            "close to",
            "cerca de",
            "alrededor de",
            "aproximadamente",
            "unos",
            "unas",
            "aprox.",
        ),
        "about",
    ),
    (("nearly", "almost", "just under", "casi", "poco menos de"), "nearly"),
    (("just over", "just above", "poco más de", "poco mas de"), "just-over"),
]
#: the ordinal words a test (or a story the draft reads) may use, by language, and the place
#: each names: "the second-highest", "the fourth month in a row", "el tercer mes consecutivo"
ORDINAL_WORDS = {
    "en": {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
           "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12},
    "es": {"segundo": 2, "segunda": 2, "tercer": 3, "tercero": 3, "tercera": 3, "cuarto": 4, "cuarta": 4,
           "quinto": 5, "quinta": 5, "sexto": 6, "sexta": 6, "séptimo": 7, "séptima": 7, "octavo": 8,
           "octava": 8, "noveno": 9, "novena": 9, "décimo": 10, "décima": 10},
}  # fmt: skip
ORDINALS = {**ORDINAL_WORDS["en"], **ORDINAL_WORDS["es"], "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
HIGH = (
    "highest",
    "largest",
    "biggest",
    "busiest",
    "most",
    "greatest",
    "top",
    "peak",
    "más alto",
    "más alta",
    "mayor",
    "más grande",
    "mas alto",
    "mas alta",
)
LOW = (
    "lowest",
    "smallest",
    "fewest",
    "least",
    "quietest",
    "más bajo",
    "más baja",
    "menor",
    "mas bajo",
    "mas baja",
)
CHANGE_WORDS = {
    # word: (measure the target is in, target, mode)
    "more than doubled": ("ratio", 2.0, ">"),
    "more than tripled": ("ratio", 3.0, ">"),
    "nearly doubled": ("ratio", 2.0, "nearly"),
    "almost doubled": ("ratio", 2.0, "nearly"),
    "nearly tripled": ("ratio", 3.0, "nearly"),
    "almost tripled": ("ratio", 3.0, "nearly"),
    "casi se duplicó": ("ratio", 2.0, "nearly"),
    "casi se duplico": ("ratio", 2.0, "nearly"),
    "casi se triplicó": ("ratio", 3.0, "nearly"),
    "casi se triplico": ("ratio", 3.0, "nearly"),
    "doubled": ("ratio", 2.0, "multiple"),
    "tripled": ("ratio", 3.0, "multiple"),
    "quadrupled": ("ratio", 4.0, "multiple"),
    "halved": ("ratio", 0.5, "multiple"),
    "less than half": ("ratio", 0.5, "<"),
    "fewer than half": ("ratio", 0.5, "<"),
    "menos de la mitad": ("ratio", 0.5, "<"),
    "fell by half": ("ratio", 0.5, "multiple"),
    "dropped by half": ("ratio", 0.5, "multiple"),
    "cut in half": ("ratio", 0.5, "multiple"),
    "se duplicó": ("ratio", 2.0, "multiple"),
    "se duplico": ("ratio", 2.0, "multiple"),
    "se triplicó": ("ratio", 3.0, "multiple"),
    "se triplico": ("ratio", 3.0, "multiple"),
    "se redujo a la mitad": ("ratio", 0.5, "multiple"),
    "cayó a la mitad": ("ratio", 0.5, "multiple"),
}
DOWN = (
    "down",
    "fell",
    "fell by",
    "dropped",
    "dropped by",
    "declined",
    "decreased",
    "plunged",
    "cayó",
    "cayo",
    "bajó",
    "bajo",
    "se redujo",
    "disminuyó",
    "disminuyo",
    "descendió",
)
UP = (
    "up",
    "rose",
    "rose by",
    "increased",
    "grew",
    "climbed",
    "jumped",
    "subió",
    "subio",
    "aumentó",
    "aumento",
    "creció",
    "crecio",
)
TRUE = ("true", "yes", "for the first time", "a first", "sí", "si", "por primera vez", "verdadero")
FALSE = ("false", "no", "falso")
#: how wide each kind of approximation is (documented in docs/claims.md)
ABOUT_RELATIVE = 0.05  # about / roughly / some: within 5% or the printed precision, whichever is wider
NEARLY_RELATIVE = 0.05  # nearly / almost: at most the figure printed, and within 5% below it
EPS = 1e-9  # float noise at the edge of a range
MULTIPLE_RELATIVE = 0.10  # doubled / tripled / halved: within 10% of 2x / 3x / 0.5x


@dataclass(frozen=True)
class Test:
    """What a figure must satisfy. ``kind`` is one of :data:`KINDS`."""

    __test__ = False  # not a pytest class

    kind: str
    text: str = ""
    op: str = ""  # threshold: > >= < <= ; equals: ==
    value: Any = None  # number, date, bool or text
    precision: float = 0.0
    unit: str = ""  # "%" or "$" when the story printed one
    mode: str = ""  # approx: about | nearly | just-over ; change: exact | about | nearly | > | multiple
    measure: str = ""  # change tests: ratio | percent
    side: str = ""  # rank: high | low
    n: int = 1  # rank: the rank ("second-highest": 2)
    within: bool = False  # rank: "among the top 3" (rank <= n)
    since: str = ""  # rank: "the lowest since 2020"
    lo: date | None = None  # date ranges
    hi: date | None = None
    tolerance: float | None = None  # absolute, in the figure's unit
    tolerance_relative: float | None = None  # a fraction of the test's value
    explain: str = ""
    extra: dict = field(default_factory=dict)

    def describe(self) -> str:
        if self.explain:
            return self.explain
        return f'"{self.text}"' if self.text else self.kind


KINDS = ("threshold", "approx", "equals", "rank", "change", "date", "bool", "text")


def _strip_prefix(t: str, prefixes) -> str | None:
    for p in sorted(prefixes, key=len, reverse=True):
        if t == p:
            return ""
        if t.startswith(p + " "):
            return t[len(p) + 1 :].strip()
    return None


def _number_count(word: str) -> int:
    word = word.strip().lower()
    if word in WORDS:
        return WORDS[word]
    if word.isdigit():
        return int(word)
    raise NumberError(f"cannot read {word!r} as a count")


def _rank(t: str) -> Test | None:
    since = ""
    m = re.search(r"\s+(?:since|desde)\s+(.+)$", t)
    if m:
        since = parse_period_words(m.group(1))
        t = t[: m.start()].strip()
    t = re.sub(r"^(the|a|an|el|la|un|una|lo)\s+", "", t)
    if t in (
        "record",
        "all-time high",
        "record high",
        "récord",
        "record",
        "máximo histórico",
        "maximo historico",
        "cifra récord",
    ):
        return Test("rank", side="high", n=1, since=since)
    if t in ("record low", "all-time low", "mínimo histórico", "minimo historico"):
        return Test("rank", side="low", n=1, since=since)
    m = re.fullmatch(
        r"(?:among the |in the |entre los |entre las )?(?:top|primeros|primeras) (\w+)", t
    ) or re.fullmatch(r"among the (\w+) (?:highest|largest|biggest)", t)
    if m:
        return Test("rank", side="high", n=_number_count(m.group(1)), within=True, since=since)
    m = re.fullmatch(r"among the (\w+) (?:lowest|smallest)", t)
    if m:
        return Test("rank", side="low", n=_number_count(m.group(1)), within=True, since=since)
    words = t.replace("-", " ").split()
    n = 1
    if words and words[0] in ORDINALS:
        n = ORDINALS[words[0]]
        words = words[1:]
    rest = " ".join(words)
    for side, names in (("high", HIGH), ("low", LOW)):
        if rest in names or (rest.startswith("más ") and rest in names):
            return Test("rank", side=side, n=n, since=since)
    if words and words[0] in ("first", "primero", "primera", "1st") and len(words) == 1:
        return Test("rank", side="high", n=1, since=since)
    return None


#: "eight times", "more than eight times", "casi cinco veces": a multiple of the earlier value
_TIMES = re.compile(
    r"(?:(?P<q>more than|over|nearly|almost|más de|mas de|casi) )?(?P<n>\w+) (?:times|veces)"
    r"(?: (?:as many|as much|over|the|más|mas|(?P<fewer>fewer|less|lower|menos)))?"
)


def _change(t: str, lang: str) -> Test | None:
    if t in CHANGE_WORDS:
        measure, target, mode = CHANGE_WORDS[t]
        op = mode if mode in (">", "<") else ""
        return Test("change", measure=measure, value=target, mode=mode, op=op)
    m = _TIMES.fullmatch(t)
    if m and (m.group("n") in WORDS or m.group("n").isdigit()) and _number_count(m.group("n")) > 1:
        q = m.group("q") or ""
        n = float(_number_count(m.group("n")))
        if m.group("fewer"):
            # "five times fewer": a fifth of the earlier value, within 10% of 0.2
            if q:
                raise NumberError(f"{t!r}: say 'N times fewer' alone; a qualifier on a fraction is ambiguous")
            return Test("change", measure="ratio", value=1 / n, mode="multiple")
        mode = ">" if q in ("more than", "over", "más de", "mas de") else "nearly" if q else "multiple"
        return Test(
            "change", measure="ratio", value=n, mode=mode,
            op=">" if mode == ">" else "",
        )  # fmt: skip
    # "down 42%", "fell by 42%", "a 42% decrease", "42% lower", "cayó 42%"
    direction, body = None, None
    for words, sign in ((DOWN, -1), (UP, 1)):
        rest = _strip_prefix(t, words)
        if rest is not None and rest:
            direction, body = sign, rest
            break
    if body is None:
        m = re.fullmatch(
            r"(?:an? )?(.+?%)\s+(decrease|drop|decline|fall|lower|fewer|less|increase|rise|higher|more|"
            r"menos|más|mas|de caída|de aumento)",
            t,
        )
        if not m:
            return None
        body = m.group(1)
        direction = (
            -1
            if m.group(2)
            in ("decrease", "drop", "decline", "fall", "lower", "fewer", "less", "menos", "de caída")
            else 1
        )
    body = re.sub(r"^(by|en|un|an?)\s+", "", body)
    mode = "exact"
    for prefixes, name in APPROX:
        rest = _strip_prefix(body, prefixes)
        if rest:
            mode, body = name, rest
            break
    for prefixes, op in THRESHOLDS:
        rest = _strip_prefix(body, prefixes)
        if rest:
            mode, body = op, rest
            break
    try:
        q = parse_quantity(body, lang)
    except NumberError:
        return None
    if q.unit != "%":
        raise NumberError(f"a change test needs a percentage ('down 42%'), not {body!r}")
    return Test(
        "change", measure="percent", value=direction * q.value, precision=q.precision, mode=mode, unit="%"
    )


def parse_test(text: str | dict, lang: str = "en") -> Test:
    """A test in newsroom language (see the module docstring and ``docs/claims.md``), or one of
    the older ``{kind: ...}`` dicts."""
    if isinstance(text, dict):
        return _from_dict(text)
    if isinstance(text, bool):
        return Test("bool", text=str(text).lower(), value=text)
    if isinstance(text, int | float):
        return parse_test(str(text), lang)
    if isinstance(text, date):
        return Test("date", text=text.isoformat(), lo=text, hi=text)
    raw = str(text).strip()
    t = re.sub(r"\s+", " ", raw.lower()).strip().rstrip(".")
    if not t:
        raise NumberError("the test is empty")
    if t.startswith(("is ", "es ")) and not re.search(r"\d", t):
        return Test("text", text=raw, value=raw.split(" ", 1)[1].strip().strip("'\""))
    if t in TRUE:
        return Test("bool", text=raw, value=True)
    if t in FALSE:
        return Test("bool", text=raw, value=False)
    # dates
    m = re.fullmatch(r"(?:between|entre) (.+?) (?:and|y) (.+)", t)
    if m and not re.fullmatch(r"[\d.,% ]+", m.group(1)):
        lo, hi = parse_date(m.group(1)), parse_date(m.group(2))
        if lo > hi:
            raise NumberError(f"{raw!r}: the first date is after the second")
        return Test("date", text=raw, lo=lo, hi=hi)
    for words, side in (
        (("on or before", "before", "by", "antes del", "antes de"), "hi"),
        (("on or after", "after", "después del", "despues del"), "lo"),
    ):
        rest = _strip_prefix(t, words)
        if rest:
            try:
                d = parse_date(rest)
            except NumberError:
                continue
            strict = words is not None and not t.startswith(("on or", "by"))
            if side == "hi":
                return Test("date", text=raw, hi=d, extra={"strict": strict})
            return Test("date", text=raw, lo=d, extra={"strict": strict})
    try:
        d = parse_date(t)
        return Test("date", text=raw, lo=d, hi=d)
    except NumberError:
        pass
    rank = _rank(t)
    if rank is not None:
        return replace(rank, text=raw)
    change = _change(t, lang)
    if change is not None:
        return replace(change, text=raw)
    for prefixes, op in THRESHOLDS:
        rest = _strip_prefix(t, prefixes)
        if rest:
            q = parse_quantity(rest, lang)
            return Test("threshold", text=raw, op=op, value=q.value, precision=q.precision, unit=q.unit)
    for prefixes, mode in APPROX:
        rest = _strip_prefix(t, prefixes)
        if rest:
            q = parse_quantity(rest, lang)
            return Test("approx", text=raw, mode=mode, value=q.value, precision=q.precision, unit=q.unit)
    try:
        # "el 70 %", "a 42%": an article before a bare number
        q = parse_quantity(re.sub(r"^(el|la|los|las|un|una|a|an)\s+(?=[\d$])", "", t), lang)
    except NumberError:
        raise NumberError(
            f"cannot read the test {raw!r}. Write it as a story would: 'more than 500,000', "
            "'about 42%', 'nearly 55,000', '$798.8 billion', 'the highest', 'second-highest', "
            "'the lowest since 2020', 'doubled', 'down 42%', '18 December 2023', 'between 1 "
            "December 2023 and 27 December 2023', 'true'; see docs/claims.md"
        ) from None
    return Test("equals", text=raw, op="==", value=q.value, precision=q.precision, unit=q.unit)


def _from_dict(d: dict) -> Test:
    """The older ``{kind: threshold|ratio|rank|equals|date-range|none}`` tests."""
    kind = d.get("kind")
    explain = str(d.get("explain") or "")
    try:
        if kind == "threshold":
            if d["op"] not in (">", ">=", "<", "<=", "=="):
                raise NumberError(f"op must be one of > >= < <= ==, not {d['op']!r}")
            value = d["value"] if isinstance(d["value"], int | float) else parse_number(str(d["value"]))
            return Test(
                "threshold", op=d["op"], value=float(value), explain=explain, text=f"{d['op']} {value}"
            )
        if kind == "ratio":
            tol = float(d["tolerance"])
            if tol < 0:
                raise NumberError("tolerance must be zero or more")
            return Test(
                "approx",
                mode="tolerance",
                value=float(d["target"]),
                tolerance=tol,
                explain=explain,
                text=f"{d['target']} ± {tol}",
            )
        if kind == "rank":
            return Test("rank", side="high", n=int(d["value"]), explain=explain, text=f"rank {d['value']}")
        if kind == "equals":
            v = d["value"]
            if isinstance(v, date):
                return Test("date", lo=v, hi=v, explain=explain, text=str(v))
            if isinstance(v, bool):
                return Test("bool", value=v, explain=explain, text=str(v))
            q = parse_quantity(str(v))
            return Test(
                "equals",
                op="==",
                value=q.value,
                precision=q.precision,
                unit=q.unit,
                explain=explain,
                text=str(v),
            )
        if kind == "date-range":
            lo, hi = parse_date(str(d["start"])), parse_date(str(d["end"]))
            if lo > hi:
                raise NumberError("start is after end")
            return Test("date", lo=lo, hi=hi, explain=explain, text=f"between {lo} and {hi}")
    except KeyError as exc:
        raise NumberError(f"a {kind} test needs {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise NumberError(f"malformed {kind} test: {exc}") from None
    raise NumberError(f"test kind {kind!r} is not one of threshold, ratio, rank, equals, date-range")


# ----------------------------------------------------------------------------- checking


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    return None


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or value is None or _as_date(value) is not None or isinstance(value, str):
        raise TestTypeError(f"the test {what} needs a number, but the figure is {value!r}")
    v = float(value)
    if math.isnan(v):
        raise TestTypeError(f"the test {what} needs a number, but the figure is missing")
    return v


def _half(precision: float) -> float:
    return precision / 2 if precision else 0.0


def _tolerance(test: Test, target: float) -> float:
    """The extra room a claim's ``tolerance:`` gives (absolute or relative)."""
    tol = 0.0
    if test.tolerance is not None:
        tol = max(tol, test.tolerance)
    if test.tolerance_relative is not None:
        tol = max(tol, abs(target) * test.tolerance_relative)
    return tol


def _compare(op: str, v: float, target: float) -> bool:
    return {">": v > target, ">=": v >= target, "<": v < target, "<=": v <= target, "==": v == target}[op]


def check(test: Test, figure) -> tuple[bool, str]:
    """Whether ``figure`` (a :class:`~migrationdata.claims.metrics.Figure`) passes ``test``, and
    the rule applied, in words. Raises :class:`TestTypeError` on a mismatch."""
    ok, how, _ = check_words(test, figure)
    return ok, how


_OP_WORDS = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "==": "eq"}


def check_words(test: Test, figure) -> tuple[bool, str, Phrase]:
    """As :func:`check`, with the rule applied also as a :class:`Phrase` (``reports.tests.how.*``)
    that any edition words from its catalog."""
    unit = getattr(figure, "unit", "")
    value = figure.value
    what = test.describe()
    how = "tests.how."
    if test.kind in ("threshold", "approx", "equals"):
        if test.unit == "%" and unit not in ("percent", "percent-change"):
            raise TestTypeError(f"the test {what} is a percentage but the figure is a {unit or 'number'}")
        if unit in ("date", "bool", "text"):
            raise TestTypeError(f"the test {what} needs a number, but the figure is a {unit}")
        v = _number(value, what)
        target = float(test.value)
        tol = _tolerance(test, target)
        nv, nt = Num(v, "test"), Num(target, "test")
        if test.kind == "threshold":
            ok = _compare(test.op, v, target)
            word = {">": "above", ">=": "at least", "<": "below", "<=": "at most", "==": "equal to"}[test.op]
            key = f"{how}{_OP_WORDS[test.op]}_{'yes' if ok else 'no'}"
            return (
                ok,
                f"{tested_number_en(v)} is {'' if ok else 'not '}{word} {tested_number_en(target)}",
                Phrase(key, value=nv, target=nt),
            )
        if test.kind == "equals":
            room = max(_half(test.precision), tol)
            lo, hi = target - room, target + room
            ok = lo <= v <= hi
            # the ledger's tolerance (for a revision) may set the window, not the printed precision
            widened = tol > _half(test.precision)
            passes, fails, key = (
                (
                    "is within the ledger's tolerance of",
                    "is not within the ledger's tolerance of",
                    "within_tolerance",
                )
                if widened
                else ("rounds to", "does not round to", "rounds")
            )
            return (
                ok,
                f"{tested_number_en(v)} {passes if ok else fails} {tested_number_en(target)} "
                f"(from {tested_number_en(lo)} to {tested_number_en(hi)})",
                Phrase(
                    how + (key if ok else f"{key}_no"),
                    value=nv,
                    target=nt,
                    lo=Num(lo, "test"),
                    hi=Num(hi, "test"),
                ),
            )
        if test.mode == "tolerance":
            return (
                abs(v - target) <= test.tolerance,
                f"{tested_number_en(v)} within {tested_number_en(target)} ± {tested_number_en(test.tolerance)}",
                Phrase(how + "tolerance", value=nv, target=nt, tolerance=Num(test.tolerance, "test")),
            )
        if test.mode == "about":
            room = max(abs(target) * ABOUT_RELATIVE, _half(test.precision), tol) + EPS
            return (
                abs(v - target) <= room,
                f"{tested_number_en(v)} within {tested_number_en(room)} of {tested_number_en(target)} (5% or the printed precision)",
                Phrase(how + "about", value=nv, target=nt, room=Num(room, "test")),
            )
        if test.mode == "nearly":
            lo = target - max(abs(target) * NEARLY_RELATIVE, tol)
            return (
                lo <= v <= target + tol,
                f"{tested_number_en(v)} from {tested_number_en(lo)} up to {tested_number_en(target)}",
                Phrase(how + "nearly", value=nv, target=nt, lo=Num(lo, "test")),
            )
        if test.mode == "just-over":
            hi = target + max(abs(target) * NEARLY_RELATIVE, tol)
            return (
                target < v <= hi,
                f"{tested_number_en(v)} above {tested_number_en(target)} and at most {tested_number_en(hi)}",
                Phrase(how + "just_over", value=nv, target=nt, hi=Num(hi, "test")),
            )
    if test.kind == "rank":
        if unit != "rank":
            raise TestTypeError(
                f"the test {what} is a rank, but the metric gives a {unit or 'number'} "
                "(use rank, rank_in_series or change_rank)"
            )
        extra = getattr(figure, "extra", {})
        r = int(value) if test.side == "high" else int(extra.get("rank_from_bottom", -1))
        if test.side == "low" and r < 0:
            raise TestTypeError(
                f"the test {what} needs the rank from the bottom, which this metric does not give"
            )
        ok = r <= test.n if test.within else r == test.n
        side = "highest" if test.side == "high" else "lowest"
        return (
            ok,
            f"rank {r} from the {'top' if test.side == 'high' else 'bottom'} ({side} = 1)",
            Phrase(how + ("rank_top" if test.side == "high" else "rank_bottom"), rank=r),
        )
    if test.kind == "change":
        extra = getattr(figure, "extra", {})
        if "ratio" not in extra:
            raise TestTypeError(f"the test {what} is a change, but the figure is not (use the change metric)")
        if test.measure == "ratio":
            r = float(extra["ratio"])
            if test.mode == ">":
                return (
                    r > test.value,
                    f"ratio {r:.2f} > {test.value:g}",
                    Phrase(how + "ratio_above", ratio=Num(r, "fixed", 2), target=Num(test.value, "g")),
                )
            if test.mode == "<":  # "less than half": below the fraction, however far
                return (
                    r < test.value,
                    f"ratio {r:.2f} < {test.value:g}",
                    Phrase(how + "ratio_below", ratio=Num(r, "fixed", 2), target=Num(test.value, "g")),
                )
            if test.mode == "nearly":  # "nearly doubled": short of the multiple, by 10% at most
                lo = test.value * (1 - MULTIPLE_RELATIVE)
                return (
                    lo <= r <= test.value,
                    f"ratio {r:.2f} from {lo:.2f} up to {test.value:g}",
                    Phrase(
                        how + "ratio_nearly", ratio=Num(r, "fixed", 2), lo=Num(lo, "fixed", 2),
                        target=Num(test.value, "g"),
                    ),
                )  # fmt: skip
            lo, hi = test.value * (1 - MULTIPLE_RELATIVE), test.value * (1 + MULTIPLE_RELATIVE)
            return (
                lo <= r <= hi,
                f"ratio {r:.2f} between {lo:.2f} and {hi:.2f}",
                Phrase(
                    how + "ratio_between",
                    ratio=Num(r, "fixed", 2),
                    lo=Num(lo, "fixed", 2),
                    hi=Num(hi, "fixed", 2),
                ),
            )
        p = float(extra["percent"])
        target = float(test.value)
        tol = _tolerance(test, target)
        change, goal = Num(p, "signed", 1), Num(target, "signed_g")
        if test.mode == "exact":
            room = max(_half(test.precision), tol)
            ok = abs(p - target) <= room
            if tol > _half(test.precision):  # the ledger's tolerance set the window
                return (
                    ok,
                    f"{p:+.1f}% {'is' if ok else 'is not'} within the ledger's tolerance of {target:+g}% "
                    f"({room:.1f} points)",
                    Phrase(
                        how + ("percent_within_tolerance" if ok else "percent_within_tolerance_no"),
                        change=change,
                        target=goal,
                        room=Num(room, "fixed", 1),
                    ),
                )
            return (
                ok,
                f"{p:+.1f}% {'rounds' if ok else 'does not round'} to {target:+g}%",
                Phrase(how + ("percent_rounds" if ok else "percent_rounds_no"), change=change, target=goal),
            )
        if test.mode == "about":
            room = max(abs(target) * ABOUT_RELATIVE, _half(test.precision), tol) + EPS
            return (
                abs(p - target) <= room,
                f"{p:+.1f}% within {room:.1f} points of {target:+g}%",
                Phrase(how + "percent_about", change=change, target=goal, room=Num(room, "fixed", 1)),
            )
        if test.mode == "nearly":
            ok = abs(target) * (1 - NEARLY_RELATIVE) <= abs(p) <= abs(target) and p * target > 0
            return (
                ok,
                f"{p:+.1f}% nearly {target:+g}%",
                Phrase(how + "percent_nearly", change=change, target=goal),
            )
        if test.mode in (">", ">=", "<", "<="):
            ok = p * target > 0 and _compare(test.mode, abs(p), abs(target))
            return (
                ok,
                f"{p:+.1f}% by {test.mode} {abs(target):g}%",
                Phrase(
                    f"{how}percent_by_{_OP_WORDS[test.mode]}", change=change, target=Num(abs(target), "g")
                ),
            )
        return False, f"{p:+.1f}%", Phrase(how + "percent", change=change)
    if test.kind == "date":
        d = _as_date(value)
        if d is None:
            raise TestTypeError(f"the test {what} is a date, but the figure is {value!r}")
        strict = test.extra.get("strict", False)
        ok = True
        if test.lo is not None:
            ok &= d > test.lo if strict else d >= test.lo
        if test.hi is not None:
            ok &= d < test.hi if strict else d <= test.hi
        return ok, f"{d.isoformat()}", Phrase(how + "date", date=When("iso", d))
    if test.kind == "bool":
        if not isinstance(value, bool):
            raise TestTypeError(f"the test {what} is true/false, but the figure is {value!r}")
        return value == test.value, str(value).lower(), Phrase(how + ("true" if value else "false"))
    if test.kind == "text":
        if not isinstance(value, str):
            raise TestTypeError(f"the test {what} is a text, but the figure is {value!r}")
        return (
            value.strip().lower() == str(test.value).lower(),
            value,
            Phrase(how + "text", value=Value("mode", value)),
        )
    raise TestTypeError(f"unknown test kind {test.kind!r}")


def upper_bound(test: Test) -> float | None:
    """The largest figure a number test can accept (None: no upper bound). A sum over a period
    can only grow as months are added, so a partial sum already above this refutes the claim."""
    if test.kind == "threshold":
        return float(test.value) if test.op in ("<", "<=", "==") else None
    if test.kind == "equals":
        return float(test.value) + max(_half(test.precision), _tolerance(test, float(test.value)))
    if test.kind == "approx":
        target = float(test.value)
        tol = _tolerance(test, target)
        if test.mode == "about":
            return target + max(abs(target) * ABOUT_RELATIVE, _half(test.precision), tol)
        if test.mode == "nearly":
            return target + tol
        if test.mode == "just-over":
            return target + max(abs(target) * NEARLY_RELATIVE, tol)
        if test.mode == "tolerance":
            return target + (test.tolerance or 0)
    return None


def parse_tolerance(value: Any, lang: str = "en") -> tuple[float | None, float | None]:
    """A claim's ``tolerance:``: ``50`` (absolute, the figure's unit) or ``"0.2%"`` (of the value)."""
    if value is None:
        return None, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise NumberError("tolerance must be zero or more")
        return float(value), None
    q = parse_quantity(str(value), lang)
    if q.value < 0:
        raise NumberError("tolerance must be zero or more")
    return (None, q.value / 100) if q.unit == "%" else (q.value, None)


#: what the tests mean, for docs/claims.md (kept next to the code that applies it)
RULES = [
    ("more than / over / above / más de", "strictly above the number"),
    ("at least / no fewer than / al menos", "the number or above"),
    ("fewer than / less than / under / below / menos de", "strictly below"),
    ("at most / no more than / como máximo", "the number or below"),
    (
        "a bare number (302,034; 1.2 million; 42%)",
        "equal at the precision printed: 302,034 means 302,033.5 to 302,034.5; 1.2 million means 1.15 to 1.25 million; "
        "a round number such as 209,000 is read to its last non-zero digit (208,500 to 209,500)",
    ),
    (
        "about / around / roughly / some / cerca de / unos",
        "within 5% of the number, or half the printed precision if that is wider",
    ),
    ("nearly / almost / casi", "at most the number, and no more than 5% below it"),
    ("just over / poco más de", "above the number, and no more than 5% above it"),
    ("the highest / a record / el más alto", "rank 1 from the top (rank, rank_in_series or change_rank)"),
    ("second-highest, third-highest / el segundo más alto", "rank 2, 3 from the top"),
    ("the lowest / a record low / el más bajo", "rank 1 from the bottom"),
    ("the lowest since 2020 / desde 2020", "as above, ranking only the periods from 2020 on"),
    ("among the top three / entre los tres primeros", "rank 3 or better"),
    ("doubled / tripled / halved / se duplicó", "the ratio to the earlier value within 10% of 2, 3 or 0.5"),
    ("more than doubled", "the ratio above 2"),
    (
        "eight times / ocho veces; more than eight times / más de ocho veces",
        "the ratio within 10% of 8; with 'more than', above 8; with 'nearly' / 'casi', from 10% under 8 up to 8",
    ),
    ("five times fewer / cinco veces menos", "the ratio within 10% of a fifth (0.2)"),
    ("less than half / menos de la mitad", "the ratio below 0.5"),
    ("nearly doubled / almost tripled / casi se duplicó", "the ratio from 10% under 2 (or 3) up to 2 (or 3)"),
    (
        "down 42% / fell 42% / a 42% decrease / cayó 42%",
        "the percent change is -42 at the printed precision (-42.5 to -41.5); 'down about 42%' allows 5%",
    ),
    ("up 12% / rose 12% / subió 12%", "the percent change is +12 at the printed precision"),
    ("2023-12-18 / 18 December 2023 / 18 de diciembre de 2023", "the date figure is that day"),
    ("between 1 December 2023 and 27 December 2023", "the date figure is in that range, both ends included"),
    ("true / for the first time / por primera vez", "a yes/no figure (first_time) is yes"),
    ("is rail", "a text figure (a closure's mode) equals the word"),
]
EXAMPLES_EN = [
    "more than 500,000",
    "over 1.2 million",
    "at least 300,000",
    "fewer than 55,000",
    "under 40%",
    "below $1 billion",
    "about 42%",
    "nearly 55,000",
    "almost 2 million",
    "roughly $798.8 billion",
    "some 300,000",
    "302,034",
    "the highest",
    "a record",
    "second-highest",
    "third-highest",
    "the lowest",
    "the lowest since 2020",
    "doubled",
    "tripled",
    "halved",
    "down 42%",
    "up 12%",
    "fell by half",
    "2023-12-18",
    "18 December 2023",
]
EXAMPLES_ES = [
    "más de 500 mil",
    "cerca de 42%",
    "casi 55 mil",
    "1,2 millones",
    "el más alto",
    "se duplicó",
    "más de ocho veces",
    "302.034",
    "782 mil 176",
    "cayó 42%",
    "18 de diciembre de 2023",
    "el más bajo desde 2020",
]
