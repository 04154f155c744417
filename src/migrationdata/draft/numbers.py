"""Spotting the figures in a sentence, in English and Spanish.

A *figure* is anything a table can test: a count ("more than 500,000", "medio millón"), a share
("69%", "la mitad"), money ("$798.8 billion", "1.200 millones de dólares"), a change ("down
42%", "se duplicó"), a rank or record ("second-highest", "sin precedentes"), a duration ("for
five days"), or a vague quantity ("thousands", "miles"). Dates are periods, spotted by
:mod:`periods`; bare years are never counts.

Each figure carries the newsroom-language test the claims engine parses (always written in its
English form, the one every engine accepts), and its span in the sentence so the HTML report
can mark it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from migrationdata.claims.numbers import MEXICAN_THOUSANDS, ORDINAL_WORDS, read_digits
from migrationdata.claims.numbers import WORDS as ENGINE_WORDS

# --------------------------------------------------------------------------- vocabulary

WORD_NUMBERS = {
    "en": {
        "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
        "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
        "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
        "a dozen": 12, "dozen": 12, "half a": 0.5, "a quarter of a": 0.25,
    },
    "es": {
        "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
        "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
        "catorce": 14, "quince": 15, "dieciséis": 16, "diecisiete": 17, "dieciocho": 18,
        "diecinueve": 19, "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50,
        "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90, "cien": 100, "una docena": 12,
        "medio": 0.5, "mil": 1000,  # "mil millones de dólares", "mil personas"
    },
}  # fmt: skip

SCALES = {
    # "b" only after a currency sign, as headlines write it ("$415B"): see _quantities
    "en": {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6, "bn": 1e9, "b": 1e9},
    # Spanish counts in the long scale: "mil millones" is a US billion, "billón" a trillion
    "es": {"mil millones": 1e9, "millones": 1e6, "millón": 1e6, "mil": 1e3, "billones": 1e12, "billón": 1e12},
}

QUALIFIERS = {
    "en": [
        (r"more than|over|above|in excess of|upwards of|exceeding|surpassing|topping", "more than"),
        (r"at least|no fewer than|no less than|as many as", "at least"),
        (r"nearly|almost|close to|just under|just shy of|approaching", "nearly"),
        (r"about|around|roughly|some|approximately|an estimated|estimated|an average of|on average", "about"),
        (r"fewer than|less than|under|below", "fewer than"),
        (r"at most|up to|no more than", "at most"),
    ],
    "es": [
        (r"más de|por encima de|superior a|supera(?:ron|n)? los|supera(?:ron|n)?", "more than"),
        (r"al menos|por lo menos|como mínimo", "at least"),
        (r"casi|poco menos de", "nearly"),
        (r"cerca de|alrededor de|unos|unas|aproximadamente|en torno a|del orden de|aprox\.", "about"),
        (r"menos de|por debajo de|inferior a", "fewer than"),
        (r"hasta|como máximo|a lo sumo", "at most"),
    ],
}

UP = {
    "en": r"rose|rising|risen|increased|increasing|grew|growing|jumped|climbed|surged|soared|up|gained|higher|"
    r"leapt|leaped|spiked|skyrocketed|"
    r"rise|increase|jump|gain|surge",
    # "superan en un 188,6 % a los 188.858 de 2022": surpassing by a percentage is a rise from
    # what is surpassed (with "en": "superan los 500.000" is a qualifier, "más de")
    "es": r"aumentó|aumentaron|subió|subieron|creció|crecieron|se incrementó|se incrementaron|repuntó|alza|aumento|incremento|más|"
    r"saltó|saltaron|se disparó|se dispararon|"
    # a headline's present tense: "Se dispara 77% la migración irregular"
    r"se dispara|se disparan|salta|saltan|crece|crecen|aumenta|aumentan|sube|suben|"
    r"supera(?:n|ron)? en|superó en",
}
DOWN = {
    "en": r"fell|falling|fallen|dropped|dropping|declined|declining|decreased|down|plunged|slid|sank|lower|shrank|"
    r"drop|fall|decline|decrease|plunge",
    "es": r"cayó|cayeron|bajó|bajaron|disminuyó|disminuyeron|descendió|se redujo|se redujeron|retrocedió|retrocedieron|retroceso|caída|baja|descenso|reducción|disminución|menos|"
    r"cae|caen|disminuye|disminuyen|se reduce|se reducen",
}

#: "eight times", "ocho veces": multiples past four have no verb of their own ("more than eight
#: times": the ratio above eight)
TIMES = {
    "en": {"five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10},
    "es": {"cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10},
}
MULTIPLES = {
    "en": [
        *((rf"{word} times", float(n), f"{word} times") for word, n in TIMES["en"].items()),
        (r"quadrupl\w*|four times", 4.0, "quadrupled"),
        (r"tripl\w*|three times", 3.0, "tripled"),
        (r"doubl\w*|twice (?:as many|the)|two times", 2.0, "doubled"),
        # "less than half the number who crossed a year earlier": below half, however far
        (r"(?:less|fewer) than half(?: the| as many)?", 0.5, "less than half"),
        (r"halved|halving|fell by half|dropped by half|cut in half|half as many", 0.5, "halved"),
    ],
    "es": [
        *(
            (rf"{word} veces", float(n), f"{english} times")
            for (word, n), english in zip(TIMES["es"].items(), TIMES["en"], strict=True)
        ),
        (r"se cuadruplicó|cuadruplic\w*|cuatro veces", 4.0, "quadrupled"),
        (r"más del triple", 3.0, "more than tripled"),
        (r"más del doble", 2.0, "more than doubled"),
        (r"casi (?:se triplicó|se triplicaron|el triple)", 3.0, "nearly tripled"),
        (r"casi (?:se duplicó|se duplicaron|el doble)", 2.0, "nearly doubled"),
        (r"se triplicó|se triplicaron|triplic\w*|el triple", 3.0, "tripled"),
        (r"se duplicó|se duplicaron|duplic\w*|el doble|dos veces", 2.0, "doubled"),
        (r"menos de la mitad(?: de l[oa]s?| que)?", 0.5, "less than half"),
        (r"se redujo a la mitad|se redujeron a la mitad|la mitad que", 0.5, "halved"),
    ],
}

#: the English word for a place, for a rank's test ("the third-highest")
ENGLISH_ORDINAL = {n: word for word, n in ORDINAL_WORDS["en"].items()}
#: the ordinals a rank's pattern (RANKS) spots, as stems in Spanish to take either gender
ORDINALS = {
    "en": {"second": 2, "third": 3, "fourth": 4, "fifth": 5},
    "es": {"segund": 2, "tercer": 3, "cuart": 4, "quint": 5},
}

#: "among the lowest", "one of the highest", "entre los más bajos" with no number: read as
#: among the five (house rule, written in the caveat; confirm per story)
AMONG_LEAST = 5
AMONG_RULE = (
    "'{words}' read as among the five {side} (the draft's house rule for a rank given without a number; "
    "confirm per story)."
)
_COUNT = r"(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez)"
#: a rank among the first N: (pattern, side, the test's word for the side)
AMONG = {
    "en": [
        (
            rf"(?:among|one of) the (?:{_COUNT} )?(?:highest|largest|biggest|busiest|most)(?: on record| ever)?",
            "high",
            "highest",
        ),
        (
            rf"(?:among|one of) the (?:{_COUNT} )?(?:lowest|smallest|fewest)(?: on record| ever)?",
            "low",
            "lowest",
        ),
    ],
    "es": [
        (
            rf"(?:entre|uno de|una de) (?:los|las) (?:{_COUNT} )?(?:\w+ )?(?:más alt[oa]s|mayores)(?: de (?:la|su) historia| registrad[oa]s)?",
            "high",
            "highest",
        ),
        (
            rf"(?:entre|uno de|una de) (?:los|las) (?:{_COUNT} )?(?:\w+ )?(?:más baj[oa]s|menores)(?: de (?:la|su) historia| registrad[oa]s)?",
            "low",
            "lowest",
        ),
    ],
}

#: the change a superlative ranks when the noun follows it ("biggest annual decline", "la mayor
#: caída anual"): up to one qualifying word, then the noun
CHANGE_RANKED = {
    "en": r"(?:\s+(?:annual|yearly|monthly|year-on-year|year-over-year|single-month|one-month|one-year))?"
    r"\s+(?:increase|rise|jump|growth|gain|surge|drop|fall|decline|decrease|contraction|plunge|slump)s?",
    "es": r"\s+(?:caída|caida|baja|descenso|disminución|disminucion|contracción|contraccion|aumento|alza|"
    r"incremento|repunte|crecimiento|subida|salto)(?:\s+(?:anual|mensual|interanual))?",
}

#: a superlative of a change, the noun inside the rank's words
CHANGE_SUPERLATIVE = {
    "en": rf"(?:largest|biggest|steepest|sharpest|deepest|greatest|highest){CHANGE_RANKED['en']}",
    "es": rf"(?:el|la) mayor{CHANGE_RANKED['es']}",
}

RANKS = {
    # (pattern, position from the top (negative: from the bottom), test wording)
    "en": [
        (
            r"(second|third|fourth|fifth)[- ](?:highest|largest|biggest|busiest|most)(?:\s+\w+)?(?: on record| ever)?",
            None,
            "{ord}-highest",
        ),
        (r"(second|third|fourth|fifth)[- ](?:lowest|smallest|fewest)", None, "{ord}-lowest"),
        # a superlative of a change ("the biggest annual decline", "the steepest drop"): its noun
        # is part of the rank, so that "since 2009" after it is the ranking's start
        (CHANGE_SUPERLATIVE["en"], 1, "the highest"),
        (
            r"all[- ]time (?:high|record)|record[- ](?:high|level|number|numbers|year|month|setting|breaking)|"
            r"(?:(?:a|the|new|previous|its) )?record[- ](?:high|highs|level|levels|number|numbers)|(?:a|the|new|previous|its) record|unprecedented|never before|highest(?: ever)?|"
            r"(?:the )?(?:largest|biggest|most numerous) (?:group|nationality|number|share)|"
            # "on record" only qualifies the superlative beside it ("the lowest on record")
            r"the most ever|largest ever|first-ever|(?<!on )record|deadliest|busiest|"
            r"(?:(?:the|a|its) )?(?:previous|prior|former) (?:peak|high|record|record high)",
            1,
            "the highest",
        ),
        (
            r"(?:(?:a|the|new) )?record[- ]lows?|all[- ]time lows?|(?:the )?lowest|fewest|smallest",
            -1,
            "the lowest",
        ),
    ],
    "es": [
        (
            r"(segund|tercer|cuart|quint)[oa]? (?:más alt[oa]|mayor|más numeros[oa])(?: de la historia| registrad[oa])?",
            None,
            "{ord}-highest",
        ),
        (r"(segund|tercer|cuart|quint)[oa]? (?:más baj[oa]|menor)", None, "{ord}-lowest"),
        (CHANGE_SUPERLATIVE["es"], 1, "the highest"),
        (
            r"(?:cifra |nivel |máximo )?récord|sin precedentes|máximo histórico|nunca antes|"
            r"(?:el|la|los|las|su|sus)(?: (?!segund|tercer|cuart|quint)\w+){0,2} más alt[oa]s?(?: de (?:la|su) historia| registrad[oa])?|(?:el|la) mayor|(?:el grupo|la nacionalidad) más numeros[oa]|"
            r"(?:el|la) más numeros[oa]|(?:el|la|los|las)(?: \w+){0,2} más (?:mortífer[oa]|letal)(?:es|s)?|"
            r"(?:el |su )?(?:récord|máximo|pico) anterior",
            1,
            "the highest",
        ),
        (
            r"(?:el|la|los|las|su|sus)(?: (?!segund|tercer|cuart|quint)\w+){0,2} más baj[oa]s?(?: de (?:la|su) historia| registrad[oa])?|"
            r"mínimo histórico|(?:el|la) menor",
            -1,
            "the lowest",
        ),
    ],
}

VAGUE = {
    # the least a plural of the unit can mean: "thousands" is at least two thousand
    "en": [
        (r"hundreds of thousands", 200_000),
        (r"tens of thousands", 20_000),
        (r"millions", 2_000_000),
        (r"thousands", 2_000),
        (r"hundreds", 200),
        (r"dozens", 24),
    ],
    "es": [
        (r"cientos de miles", 200_000),
        (r"decenas de miles", 20_000),
        (r"millones de", 2_000_000),
        (r"miles", 2_000),
        (r"cientos|centenares", 200),
        (r"decenas", 20),
    ],
}

FRACTIONS = {
    "en": [(r"half of|half the", 50.0), (r"two[- ]thirds", 66.7), (r"a third of|one[- ]third", 33.3),
           (r"three[- ]quarters", 75.0), (r"a quarter of|one[- ]quarter", 25.0)],
    "es": [(r"la mitad de", 50.0), (r"dos tercios", 66.7), (r"un tercio", 33.3),
           (r"tres cuartas partes", 75.0), (r"una cuarta parte|un cuarto", 25.0)],
}  # fmt: skip

#: "most of them Venezuelans", "la mayoría de ellos venezolanos": a group's share over half
#: (read only with the group named right after it: see propose)
MAJORITY = {
    "en": r"most of them(?: were)?|most of whom(?: were)?|the majority of them(?: were)?|the majority(?: were)?|"
    r"mostly",
    "es": r"la mayoría de (?:ellos|ellas|los cuales|las cuales)(?: eran| son| fueron)?|la mayoría(?: eran| son| fueron)|"
    r"en su mayoría|mayoritariamente",
}

DURATION_UNITS = {
    "en": {"day": "days", "days": "days", "hour": "hours", "hours": "hours", "week": "weeks", "weeks": "weeks",
           "month": "months", "months": "months", "year": "years", "years": "years"},
    "es": {"día": "days", "días": "days", "hora": "hours", "horas": "hours", "semana": "weeks",
           "semanas": "weeks", "mes": "months", "meses": "months", "año": "years", "años": "years"},
}  # fmt: skip

# Numbers that are names, not quantities: "Title 42", "Bridge 1", "COVID-19"
NAME_BEFORE = re.compile(
    r"(?:Title|Bridge|Puente|Route|Highway|Interstate|Article|Artículo|Section|Gate|Garita|Terminal|"
    r"COVID|Covid|I|Level|Nivel|Phase|Fase|Chapter|Capítulo|No|Núm)[- .]?$"
)


# A wire story's dateline, "Tegucigalpa, 7 ene (EFE).-", "MEXICO CITY, Dec 27 (Reuters) -",
# "Ciudad de México, 3 de febrero de 2026 (AP) —": where and when it was filed, never a claim
_DATELINE_MONTH = (
    r"(?i:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|ene|abr|ago|set|dic)\.?"
)
DATELINE = re.compile(
    r"^\s*[A-ZÁÉÍÓÚÑ][\w.'’ -]{0,40}?,\s+"
    rf"(?:\d{{1,2}}\s+(?:de\s+)?{_DATELINE_MONTH}|{_DATELINE_MONTH}\s+\d{{1,2}})(?:,?\s+(?:de\s+)?\d{{4}})?"
    r"\s*\([A-Z][\w .&/-]{0,30}\)\s*[-–—.:]+"
)


def dateline_end(sentence: str) -> int:
    """Where a sentence's leading dateline ends (0 when it has none)."""
    m = DATELINE.match(sentence)
    return m.end() if m else 0


@dataclass
class Figure:
    kind: str  # count | percent | money | change | multiple | rank | duration | vague
    text: str  # the words as printed, qualifier included
    start: int
    end: int
    value: float | None = None  # count, percent, dollars, factor, rank position, duration
    unit: str = ""  # days/hours/... for durations, USD for money
    qualifier: str = ""  # more than | at least | nearly | about | fewer than | at most
    direction: str = ""  # up | down, for changes
    test: str = ""  # the newsroom-language test the engine parses
    spelled: bool = False  # a number written as a word with no scale ("two", "cinco")
    majority: bool = False  # "most of them": over half, of the group named after it
    rule: str = ""  # the house rule its test rests on, for the caveat ("among the lowest": five)
    room: float = 0.0  # extra room for its test, in its unit: "one in five" is 20% give or take 2.2 points

    def overlaps(self, other: Figure) -> bool:
        return self.start < other.end and other.start < self.end


# --------------------------------------------------------------------------- numbers


def _num_pattern(lang: str) -> str:
    if lang == "es":
        # Spain (1.234.567,5; 1 234 567) and Mexico (1,234,567.5) write Spanish numbers: either
        # mark may group thousands (see parse_digits)
        # and Mexico's "64 mil 745 millones" (64,745 million) and "782 mil 176" (782,176: "mil",
        # one space, up to three digits, then neither another digit nor a scale word, which
        # would make it part of a larger number)
        # ("mil 541" alone is 1,541: "son mil 541 más que en marzo")
        return (
            r"(?:\d{1,3}\s+|(?<![\w.,]))mil\s+\d{1,3}(?=\s+mill(?:ones|ón)\b)|"
            rf"{MEXICAN_THOUSANDS}(?![.,]\d)(?!\s+mil\b)|"
            r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
        )
    return r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def parse_digits(text: str, lang: str, scaled: bool = False) -> float:
    """A printed number as the claims engine reads it (:func:`claims.numbers.read_digits`: in
    Spanish as Spain or Mexico writes it, a single mark before exactly three digits grouping
    thousands), Mexico's "782 mil 176" as 782,176 and its "64 mil 745" (before "millones") as
    64,745."""
    if lang == "es" and "mil" in text:
        thousands, _, rest = text.partition("mil")
        return float(int(thousands.strip() or 1) * 1000 + int(rest))
    return read_digits(text, lang, scaled)


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


def _quantity_regex(lang: str) -> re.Pattern:
    num = _num_pattern(lang)
    words = _alt(WORD_NUMBERS[lang])
    scales = _alt(SCALES[lang])
    if lang == "es":
        scale_part = rf"(?:\s+(?P<scale>{scales})(?![\w]))?"
        word_scale = rf"(?:\s+(?P<wscale>{scales}|millón)(?![\w]))"
    else:
        scale_part = rf"(?:[\s-]*(?P<scale>{scales})(?![\w]))?"
        word_scale = rf"(?:[\s-]+(?P<wscale>{scales})(?![\w]))"
    return re.compile(
        rf"(?<![\w.,$])(?:(?P<cur>US\$|\$|USD\s?|€)\s?)?"
        rf"(?:(?P<num>{num}){scale_part}|(?P<word>{words})(?!\w){word_scale}?)"
        rf"(?P<pct>\s?%|\s(?:percent|per cent|por ciento)\b)?"
        rf"(?P<usd>\s+(?:de\s+)?(?:dollars|dólares|USD)\b)?",
        re.IGNORECASE,
    )


_QUANTITY = {lang: _quantity_regex(lang) for lang in ("en", "es")}
_QUALIFIER = {
    lang: re.compile(rf"(?:^|\W)(?P<q>{'|'.join(p for p, _ in pairs)})\s+$", re.IGNORECASE)
    for lang, pairs in QUALIFIERS.items()
}
_YEAR = re.compile(r"^(19|20)\d\d$")


def _qualifier(before: str, lang: str) -> tuple[str, int]:
    """The qualifier ending right before a number, and how many characters back it starts."""
    window = before[-40:]
    m = _QUALIFIER[lang].search(window)
    if not m:
        return "", 0
    if re.search(TOTALLED[lang], window[: m.start("q")], re.IGNORECASE) and m.group("q").lower() == "up to":
        return "", 0  # "added up to $415.4 billion": a total, not a ceiling
    return _canonical(m.group("q"), lang), len(window) - m.start("q")


#: a verb that makes "up to" a total: "added up to", "adds up to", "summed up to"
TOTALLED = {"en": r"\b(?:add(?:ed|s|ing)?|summ(?:ed|ing)|sums?|tot(?:al)?(?:l?ed|s)?)\s*$", "es": r"(?!)"}


def _canonical(said: str, lang: str) -> str:
    """A qualifier as the test language writes it: "over", "más de" → "more than"."""
    return next((c for pattern, c in QUALIFIERS[lang] if re.fullmatch(pattern, said, re.IGNORECASE)), "")


def _render(value: float, kind: str) -> str:
    """A number the way the engine's test language prints it: 500,000 · 1.2 million · $798.8 billion."""
    sign = "$" if kind == "money" else ""
    if kind == "percent":
        return f"{value:g}%"
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        scaled = value / size
        if abs(scaled) >= 1 and abs(scaled * 1000 - round(scaled * 1000)) < 1e-6:
            return f"{sign}{scaled:,.3f}".rstrip("0").rstrip(".") + f" {word}"
    if value == int(value):
        return f"{sign}{int(value):,}"
    return f"{sign}{value:,.2f}".rstrip("0").rstrip(".")


def spot(sentence: str, lang: str = "en") -> list[Figure]:
    """Every figure in one sentence, left to right, none overlapping."""
    found: list[Figure] = []
    found += _multiples(sentence, lang)
    found += _ranks(sentence, lang)
    found += _vague(sentence, lang)
    found += _fraction_changes(sentence, lang)
    found += _fractions(sentence, lang)
    found += _majorities(sentence, lang)
    found += _quantities(sentence, lang)
    # longer and more specific spans win: "down 42%" over "42%", "half a million" over "a"
    order = {
        "change": 0,
        "multiple": 1,
        "money": 2,
        "duration": 2,
        "percent": 3,
        "count": 4,
        "rank": 5,
        "vague": 6,
    }
    found.sort(key=lambda f: (-(f.end - f.start), order.get(f.kind, 9)))
    kept: list[Figure] = []
    for fig in found:
        if not any(fig.overlaps(k) for k in kept):
            kept.append(fig)
    kept.sort(key=lambda f: f.start)
    # "the highest monthly total on record" states one rank, not two
    ranks: set[str] = set()
    out = []
    for fig in kept:
        if fig.kind == "rank":
            if fig.test in ranks:
                continue
            ranks.add(fig.test)
        _reached(sentence, fig, out, lang)
        out.append(fig)
    return out


def _reached(sentence: str, fig: Figure, before: list[Figure], lang: str) -> None:
    """ "creció a más del doble, hasta 345 mil 941 casos": "hasta" right after a change gives
    the level reached ("to"), not a ceiling ("at most"); the count is read bare."""
    said = re.match(r"hasta\s+", fig.text, re.IGNORECASE)
    if lang != "es" or fig.qualifier != "at most" or not said:
        return
    if any(g.kind in ("change", "multiple") and 0 <= fig.start - g.end <= 40 for g in before):
        fig.start += said.end()
        fig.text, fig.qualifier = sentence[fig.start : fig.end], ""
        fig.test = _test_for(fig)


def _quantities(sentence: str, lang: str) -> list[Figure]:
    out = []
    for m in _QUANTITY[lang].finditer(sentence):
        num, word = m.group("num"), m.group("word")
        scale_word = (m.group("scale") or m.group("wscale") or "").lower()
        pct, cur, usd = m.group("pct"), m.group("cur"), m.group("usd")
        if word and not (scale_word or pct):
            value = WORD_NUMBERS[lang][word.lower()]
            if value < 1 or word.lower() in ("a", "an", "un", "una", "uno", "one"):
                # "a"/"one" alone is an article more often than a count; keep it only as a duration
                # of days to months ("un año" is the span of a change, "en un año")
                dur = _duration_after(sentence, m.end(), lang)
                if not dur or word.lower() in ("a", "an") or dur[0] == "years":
                    continue
        if num and not (scale_word or pct or cur or usd):
            if _YEAR.match(num) or NAME_BEFORE.search(sentence[: m.start()]):
                continue
            after = sentence[m.end() : m.end() + 2]
            if re.match(r"^[-–]\d|^[/:]\d|^\s?[ap]\.?m\b", after, re.IGNORECASE):
                continue  # ranges of years, times of day, fractions like 3/4
        if scale_word and scale_word.lower() == "b" and not cur:
            continue  # "3b" without a currency is a label ("Figure 3b"), not $3 billion
        base = parse_digits(num, lang, bool(scale_word)) if num else WORD_NUMBERS[lang][word.lower()]
        scale = SCALES[lang].get(scale_word, 1.0) if scale_word else 1.0
        if scale_word == "millón":
            scale = 1e6
        value = base * scale
        start, end = m.start(), m.end()
        text = sentence[start:end].rstrip()
        end = start + len(text)
        if pct:
            kind = "percent"
        elif cur or usd:
            kind = "money"
        else:
            kind = "count"
        unit = "USD" if kind == "money" else ""
        dur = _duration_after(sentence, end, lang) if kind == "count" else None
        if dur:
            unit, extra = dur
            kind = "duration"
            end += extra
            text = sentence[start:end]
        qual, qlen = _qualifier(sentence[:start], lang)
        direction = ""
        if kind == "percent":
            direction, dstart = _direction_before(sentence[:start], lang)
            if not direction and qual:  # "down more than 95%", "rose nearly 40%"
                direction, dstart = _direction_before(sentence[: start - qlen], lang)
            if not direction:
                direction = _direction_after(sentence[end:], lang)
                dstart = start
            if direction:
                kind = "change"
                start = min(start, dstart)
        if qual and kind != "change":
            start -= qlen
        text = sentence[start:end]
        fig = Figure(kind=kind, text=text, start=start, end=end, value=value, unit=unit, qualifier=qual)
        fig.spelled = bool(word) and not (scale_word or pct or cur or usd)
        fig.direction = direction
        fig.test = _test_for(fig)
        out.append(fig)
    return out


def _duration_after(sentence: str, end: int, lang: str) -> tuple[str, int] | None:
    m = re.match(r"[\s-]+(\w+)", sentence[end:])
    if m and m.group(1).lower() in DURATION_UNITS[lang]:
        return DURATION_UNITS[lang][m.group(1).lower()], m.end()
    return None


def _direction_before(before: str, lang: str) -> tuple[str, int]:
    window = before[-30:]
    for word, direction in ((UP[lang], "up"), (DOWN[lang], "down")):
        # "a drop of 93%", "una caída del 93 %", "la caída es del 93 %", "the fall was 93%"
        m = re.search(
            rf"\b({word})(?:\s+(?:by|of|en|un|en un|a|de|del|de un|es|fue|was|is))*\s+$",
            window,
            re.IGNORECASE,
        )
        if (
            m
            and m.group(1).lower() == "up"
            and re.search(r"\b(?:made|make|makes|making|add|adds|added|sum|sums)\s+up\b", window, re.I)
        ):
            continue  # "made up 42%" is a share, not a rise
        if m and re.match(r"(?:más|menos)\s+de\b", window[m.start(1) :], re.IGNORECASE):
            continue  # "más de 95%" is a qualifier ("more than"), not a rise
        if m:
            return direction, len(before) - len(window) + m.start(1)
    return "", 0


def _direction_after(after: str, lang: str) -> str:
    # "42% fewer", "12% more", "un 42% menos"
    m = re.match(r"\s+(\w+)", after)
    if not m:
        return ""
    word = m.group(1).lower()
    if word in ({"more", "higher", "increase", "rise"} if lang == "en" else {"más", "alza", "aumento"}):
        return "up"
    if word in (
        {"fewer", "less", "lower", "drop", "decline", "decrease"}
        if lang == "en"
        else {"menos", "caída", "baja"}
    ):
        return "down"
    return ""


def _test_for(fig: Figure) -> str:
    if fig.kind == "change":
        return f"{fig.direction} {fig.qualifier + ' ' if fig.qualifier else ''}{fig.value:g}%"
    if fig.kind == "duration":
        return f"{fig.value:g}"
    number = _render(fig.value, fig.kind)
    return f"{fig.qualifier} {number}" if fig.qualifier else number


def _multiples(sentence: str, lang: str) -> list[Figure]:
    out = []
    for pattern, factor, test in MULTIPLES[lang]:
        for m in re.finditer(rf"\b(?:{pattern})\b", sentence, re.IGNORECASE):
            qual, qlen = _qualifier(sentence[: m.start()], lang)
            start = m.start() - qlen if qual else m.start()
            # "more than double(d)" is a test of its own; the other qualifiers leave the multiple
            # for the editor to weigh ("nearly four times": within 10% of four)
            said = (
                f"{qual} {test}"
                if qual in ("more than", "nearly")
                and (test in ("doubled", "tripled") or test.endswith(" times"))
                else test
            )
            end = m.end()
            # "five times fewer", "cinco veces menos": a fifth, not five times as many
            fewer = re.match(r"\s+(fewer|less|lower|menos)\b", sentence[end:], re.IGNORECASE)
            if fewer and test.endswith(" times") and not qual:
                end += fewer.end()
                factor, said = 1 / factor, f"{test} fewer"
            out.append(
                Figure(
                    kind="multiple", text=sentence[start:end], start=start, end=end,
                    value=factor, qualifier=qual, test=said,
                )
            )  # fmt: skip
    return out


def _ranks(sentence: str, lang: str) -> list[Figure]:
    out = []
    for pattern, position, test in RANKS[lang]:
        for m in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", sentence, re.IGNORECASE):
            pos = position
            wording = test
            if pos is None:
                stem = m.group(1).lower()
                pos = ORDINALS[lang][stem]
                ordinal = ENGLISH_ORDINAL[pos]
                wording = test.format(ord=ordinal)
                if "lowest" in test:
                    pos = -pos
            since = re.match(r"\s+(?:since|desde)\s+((?:19|20)\d\d)", sentence[m.end() :], re.IGNORECASE)
            end = m.end()
            if since:
                wording += f" since {since.group(1)}"
                end += since.end()
            out.append(
                Figure(
                    kind="rank",
                    text=sentence[m.start() : end],
                    start=m.start(),
                    end=end,
                    value=pos,
                    test=wording,
                )
            )
    for pattern, side, word in AMONG[lang]:
        for m in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", sentence, re.IGNORECASE):
            said = m.group("n")
            n = count_word(said, lang) if said else AMONG_LEAST
            if n is None or n < 2:
                continue
            wording = f"among the {ENGLISH_COUNT.get(n, str(n))} {word}"
            rule = "" if said else AMONG_RULE.format(words=m.group(0), side=word)
            out.append(
                Figure(
                    kind="rank", text=m.group(0), start=m.start(), end=m.end(),
                    value=n if side == "high" else -n, test=wording, rule=rule,
                )
            )  # fmt: skip
    return out


#: the English word the engine's tests read for a count of places ("among the three lowest"):
#: the words its test grammar knows (claims.numbers.WORDS) that are English
ENGLISH_COUNT = {n: w for w, n in ENGINE_WORDS.items() if w in WORD_NUMBERS["en"] and n >= 2}


def count_word(word: str, lang: str) -> int | None:
    """A whole count written in digits or words ("9", "nine", "nueve"), else None."""
    if word.isdigit():
        return int(word)
    value = WORD_NUMBERS[lang].get(word.lower())
    return int(value) if value and value >= 1 and value == int(value) else None


def _vague(sentence: str, lang: str) -> list[Figure]:
    out = []
    for pattern, least in VAGUE[lang]:
        for m in re.finditer(rf"\b(?:{pattern})\b", sentence, re.IGNORECASE):
            before = sentence[: m.start()].rstrip()
            if re.search(r"(\d|\b(?:" + _alt(WORD_NUMBERS[lang]) + r"))$", before, re.IGNORECASE):
                continue  # "two millions", "tres mil": a number, not a vague plural
            out.append(
                Figure(
                    kind="vague", text=m.group(0), start=m.start(), end=m.end(), value=least,
                    qualifier="at least", test=f"at least {_render(least, 'count')}",
                )
            )  # fmt: skip
    return out


#: a change given as a fraction: "a third fewer", "dropped by more than half", "un tercio menos"
FRACTION_CHANGES = {
    "en": [
        (r"(?:a|one)[- ]third (?P<d>fewer|less|lower|more|higher)", 33.3),
        (r"(?:a|one)[- ]quarter (?P<d>fewer|less|lower|more|higher)", 25.0),
        (r"(?P<d>fell|dropped|declined|decreased|plunged|shrank) by (?P<q>more than|nearly|almost|about|over|roughly) half", 50.0),
    ],
    "es": [
        (r"un tercio (?P<d>menos|más)", 33.3),
        (r"una cuarta parte (?P<d>menos|más)", 25.0),
        (r"(?P<d>cayó|cayeron|bajó|bajaron|se redujo|se redujeron|disminuyó|disminuyeron) (?:en )?(?P<q>más de|casi|cerca de) la mitad", 50.0),
    ],
}  # fmt: skip


def _fraction_changes(sentence: str, lang: str) -> list[Figure]:
    out = []
    for pattern, pct in FRACTION_CHANGES[lang]:
        for m in re.finditer(rf"\b(?:{pattern})\b", sentence, re.IGNORECASE):
            word = m.group("d").lower()
            up = word in ("more", "higher", "más")
            qual = _canonical(m.groupdict().get("q") or "", lang) or "about"
            fig = Figure(
                kind="change", text=m.group(0), start=m.start(), end=m.end(), value=pct, qualifier=qual
            )
            fig.direction = "up" if up else "down"
            fig.test = _test_for(fig)
            out.append(fig)
    return out


#: "one in five", "uno de cada cinco": a share said as one of every N
ONE_IN = {
    "en": r"(?:one|1) (?:in|out of) (?P<n>two|three|four|five|six|seven|eight|nine|ten|\d{1,3})",
    "es": r"(?:uno|una|1) de cada (?P<n>dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|\d{1,3})",
}


def _fractions(sentence: str, lang: str) -> list[Figure]:
    out = []
    for m in re.finditer(rf"\b(?:{ONE_IN[lang]})\b", sentence, re.IGNORECASE):
        n = m.group("n").lower()
        every = int(n) if n.isdigit() else WORD_NUMBERS[lang][n]
        if every < 2:
            continue
        qual, qlen = _qualifier(sentence[: m.start()], lang)
        start = m.start() - qlen if qual else m.start()
        pct = round(100 / every, 1)
        fig = Figure(kind="percent", text=sentence[start : m.end()], start=start, end=m.end(), value=pct)
        fig.qualifier = qual or "about"
        fig.test = f"{fig.qualifier} {pct:g}%"
        # what still reads as one in N: from one in N + 1/2 to one in N - 1/2
        lo, hi = 100 / (every + 0.5), 100 / (every - 0.5)
        fig.room = round(hi - pct, 1)
        fig.rule = (
            f"{m.group(0)!r} read as {pct:g}%, with room for what still reads so: one in {every - 0.5:g} "
            f"to one in {every + 0.5:g}, {lo:.1f}% to {hi:.1f}% (tolerance {fig.room:g} points)."
        )
        out.append(fig)
    for pattern, pct in FRACTIONS[lang]:
        for m in re.finditer(rf"\b(?:{pattern})\b", sentence, re.IGNORECASE):
            qual, qlen = _qualifier(sentence[: m.start()], lang)
            start = m.start() - qlen if qual else m.start()
            fig = Figure(kind="percent", text=sentence[start : m.end()], start=start, end=m.end(), value=pct)
            fig.qualifier = qual or "about"
            fig.test = f"{fig.qualifier} {pct:g}%"
            out.append(fig)
    return out


def _majorities(sentence: str, lang: str) -> list[Figure]:
    out = []
    for m in re.finditer(rf"\b(?:{MAJORITY[lang]})\b", sentence, re.IGNORECASE):
        fig = Figure(kind="percent", text=m.group(0), start=m.start(), end=m.end(), value=50.0)
        fig.qualifier, fig.majority, fig.test = "more than", True, "more than 50%"
        out.append(fig)
    return out
