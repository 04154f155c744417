"""What a sentence is about: which of the kit's series, which port, sector or nationality.

Two sources of names. The *series vocabulary* below says, for each series a story may cite, the
words that name it in English and Spanish and the processed table and column that hold it. The
*data* give the rest: port names from ``crossings_us_mexico`` and the closures ledger, Border
Patrol sectors and CBP field offices from ``cbp_encounters``, nationalities from Panama's and
CBP's tables with their English and Spanish names from :mod:`migrationdata.countries`. A series
whose table the kit does not hold yet (today the IOM's missing migrants) is still recognised,
so the sentence is listed as unmapped with that reason instead of being skipped.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from migrationdata.countries import english_name, iso3_from_english, spanish_name
from migrationdata.paths import data_dir, processed_dir


@dataclass(frozen=True)
class Series:
    key: str
    label: str  # as an editor reads it
    topic: str  # the ledger's topic
    table: str  # the processed table (or the closures ledger, "closures")
    column: str
    freq: str  # the period the publisher reports in: year | fiscal_year | month
    cues: dict  # lang -> regex
    where: tuple = ()  # fixed filter, as (column, value) pairs
    record_table: str = ""  # the longest history, for records: table
    record_column: str = ""
    by: str = ""  # the column naming groups (nationalities) for shares and ranks
    group_where: tuple = ()  # extra filter when grouping
    priority: int = 0  # when several series are named, the most specific wins
    # records by frequency when a longer table holds that frequency: (freq, table, column)
    record_by_freq: tuple = ()
    # frequencies whose record table starts after the measure itself did: a record there is
    # "since the table began" (supported with a caveat saying since when), (freq, why)
    short_history: tuple = ()
    # a dollar series' count of items, for an average per item ("$408 per transfer"): the
    # column ``value``'s per_column divides by ("" when the table counts no items)
    per_item: str = ""
    # the table counting the same people by sex and age (a key of PEOPLE_ROWS), for "24,411
    # boys", "los niños, niñas y adolescentes" ("" when there is none)
    demographics: str = ""

    def record_source(self, freq: str) -> tuple[str, str]:
        """The table and column with the longest history of this series at a frequency."""
        for f, table, column in self.record_by_freq:
            if f == freq:
                return table, column
        table, column = self.record_table or self.table, self.record_column or self.column
        if freq == "month" and first_month(table) is None:
            # a yearly record table (the Darién's from 2010) holds no months to rank
            return self.table, self.column
        return table, column

    def history_caveat(self, freq: str) -> str:
        """Why a record at this frequency can only be checked since the table began ("" when
        the table is the publisher's whole series)."""
        return next((why for f, why in self.short_history if f in (freq, "*")), "")

    def available(self, root: Path | None = None) -> bool:
        if self.table == "closures":
            return (data_dir() / "closures.csv").is_file()
        return (processed_dir(root) / f"{self.table}.csv").is_file()


SERIES: tuple[Series, ...] = (
    Series(
        "darien", "Darién Gap crossings (Panama, SNM)", "Darién Gap", "darien_monthly", "migrants", "year",
        {"en": r"dari[eé]n", "es": r"dari[eé]n"},
        record_table="darien_annual", record_column="migrants", by="nationality_iso3", priority=3,
        demographics="darien_demographics",
    ),
    Series(
        "border-patrol", "Border Patrol apprehensions at the Southwest border", "US southern border",
        "usbp_southwest_monthly", "encounters", "fiscal_year",
        # "illegal crossings" and "southwest border crossings" are the crossings between ports
        {"en": r"border patrol|apprehensions|apprehended|between (?:the )?ports|"
               r"(?:illegal|unlawful|irregular|southwest(?:ern)?|southern) (?:border )?crossings",
         "es": r"patrulla fronteriza|aprehensiones|aprehendid[oa]s|entre (?:los )?puertos|cruces (?:ilegales|irregulares)"},
        record_table="usbp_southwest_monthly", record_column="encounters", priority=2,
        record_by_freq=(("fiscal_year", "usbp_southwest_annual", "apprehensions"),),
        short_history=(("month", "CBP publishes Border Patrol's monthly counts from October 1999 only; "
                                 "the annual series goes back to FY1960."),),
    ),
    Series(
        "ports-of-entry", "Encounters at Southwest ports of entry (CBP Office of Field Operations)",
        "US southern border", "cbp_southwest_monthly", "ofo", "fiscal_year",
        {"en": r"office of field operations|inadmissibles?|(?:encounters|migrants|apprehensions) at (?:official )?ports of entry|"
               r"\bports of entry\b(?=.*\bmigrants?\b)|\bCBP One\b",
         "es": r"oficina de operaciones de campo|inadmisibles?|(?:encuentros|migrantes) en (?:los )?puertos de entrada|"
               r"\bpuertos de entrada\b(?=.*\bmigrantes?\b)|\bCBP One\b"},
        record_table="cbp_southwest_monthly", record_column="ofo", priority=2,
        short_history=(("*", "CBP publishes encounters at ports of entry from FY2020 (October 2019) only."),),
    ),
    Series(
        "southwest", "Encounters at the Southwest border (CBP)", "US southern border", "cbp_southwest_monthly",
        "total", "fiscal_year",
        {"en": r"southern border|south(?:west(?:ern)?|-west) border|(?:U\.?S\.?|US|American|United States)[-–](?:Mexico|Mexican) border|"
               r"border with Mexico|(?:into|enter|entering|entry into) the (?:United States|U\.?S\.?|US)|encounters|at the border",
         "es": r"frontera (?:sur|suroeste|con méxico|méxico[- ]estados unidos|entre méxico y estados unidos|común|norte)|"
               r"(?:entrar|ingresar|llegar) a (?:los )?(?:estados unidos|ee\.? ?uu\.?)|encuentros|en la frontera"},
        record_table="cbp_southwest_monthly", record_column="total", by="citizenship",
        group_where=(("region", "Southwest Land Border"),), priority=1,
        short_history=(("*", "Total Southwest encounters (Border Patrol and ports of entry) are published "
                             "from FY2020 (October 2019) only; Border Patrol apprehensions alone go back to "
                             "FY1960."),),
    ),
    Series(
        "trade", "US–Mexico goods trade (BTS TransBorder)", "Trade", "trade_us_mexico_monthly", "total_usd", "year",
        {"en": r"\btrade\b|\btraded\b|\btrading partners?\b|commerce|\bgoods\b|exports|imports",
         "es": r"comercio|intercambio comercial|socios? comercial(?:es)?|exportaciones|importaciones|mercancías"},
        record_table="trade_us_mexico_monthly", record_column="total_usd", priority=2,
        short_history=(("*", "the kit's table starts in January 2019, while BTS TransBorder's file goes "
                             "back to April 1993 (with air and vessel trade from about 2004): earlier "
                             "years are checked by hand in that file."),),
    ),
    Series(
        # named by the ports and the kinds of traffic the data hold (see main_series)
        "crossings", "Inbound border crossings by port (BTS)", "Border crossings", "crossings_us_mexico", "value",
        "year", {"en": r"\binbound crossings\b|\bnorthbound crossings\b", "es": r"\bcruces hacia el norte\b"},
        record_table="crossings_us_mexico", record_column="value", priority=2,
    ),
    Series(
        "closures", "Port and rail-crossing closures (the project's ledger)", "Border closures", "closures", "",
        "month",
        # things that happened: "closed", "shut", "reopened" (not "closed-door", not "reopening")
        {"en": r"\b(?:closed(?!-door)|shut(?:tered)?|suspended|halted|reopened)\b",
         "es": r"\b(?:cerr(?:ó|aron|ad[oa]s?)|suspend(?:ió|ieron|id[oa]s?)|reabr(?:ió|ieron))\b"},
        priority=4,
    ),
    Series(
        # money received in Mexico (inflows_usd), not the much smaller sums sent from it
        "remittances", "Remittances to Mexico (Banco de México)", "Remittances", "remittances_monthly",
        "inflows_usd", "year",
        {"en": r"remittances?", "es": r"remesas?"}, priority=5, per_item="inflows_transfers",
    ),
    Series(
        # how many transfers brought the money ("el número de envíos bajó 14.3%"): named so, it
        # wins over the dollars the same sentence may name
        "remittance-transfers", "Remittance transfers to Mexico (Banco de México)", "Remittances",
        "remittances_monthly", "inflows_transfers", "year",
        {"en": r"number of (?:remittance )?(?:transfers|transactions|remittances)|remittance (?:transfers|transactions)",
         "es": r"número de (?:envíos|operaciones|transferencias|remesas)|(?:envíos|operaciones|transferencias) de remesas"},
        priority=6,
    ),
    Series(
        "mexico-enforcement", "Mexico's enforcement: foreigners detained or returned (UPM)", "Mexico's enforcement",
        "mexico_irregular_monthly", "events", "year",
        # "National Migration Institute" and "INM" alone are Mexico's unless the story named
        # Honduras' institute (see same_institute)
        # UPM's count is of "events of people in an irregular migratory situation": irregular
        # migration *in Mexico* is this count, not Border Patrol's "irregular crossings"
        {"en": r"mexic(?:o|an)(?:'s)? (?:authorities|immigration|(?:national )?(?:im)?migration institute|enforcement|detain\w*|detentions)|"
               r"(?:national migration institute|\bINM\b)(?: \(INM\))? (?:of|in) mexico|"
               r"national migration institute|\bINM\b|detained (?:in|by) mexico|"
               r"irregular (?:migration|migrants|crossings)(?: (?:detected|located|found|detained|rescued))? (?:in|through|across) mexico|"
               r"(?:mexico'?s? )?migration policy unit|(?:in an )?irregular migratory (?:situation|status)|"
               r"(?:mexican|mexico'?s?) government\b(?=.*\birregular (?:migration|migrants)\b)|"
               r"\birregular (?:migration|migrants)\b(?=.*\b(?:mexican|mexico'?s?) government\b)",
         "es": r"(?:instituto nacional de migración|\bINM\b)(?: \(INM\))? (?:de méxico|mexicano)|"
               r"instituto nacional de migración|\bINM\b|unidad de política migratoria|autoridades mexicanas|"
               r"detenid[oa]s en méxico|presentad[oa]s ante|"
               r"(?:migración|migrantes|personas|cruces) (?:en situación )?irregular(?:es)?"
               r"(?: (?:detectad|localizad|detenid|rescatad)[oa]s)? (?:en|por|a través de) méxico|"
               r"situación migratoria irregular|eventos de personas|"
               r"gobierno (?:mexicano|de méxico)\b(?=.*\b(?:migración|migrantes) irregular(?:es)?\b)|"
               r"\b(?:migración|migrantes) irregular(?:es)?\b(?=.*\bgobierno (?:mexicano|de méxico)\b)"},
        priority=5, demographics="mexico_irregular_demographics",
    ),
    Series(
        # the people Mexico sent back (UPM's deportations and assisted returns), a count of its
        # own: "las deportaciones desde México bajaron 25%" is not the count of people detained
        "mexico-returns", "Returns from Mexico: deportations and assisted returns (UPM)", "Mexico's enforcement",
        "mexico_returns_monthly", "events", "year",
        {"en": r"deport(?:ed|ations?) (?:from|by) mexico|mexic(?:o|an)(?:'s)? (?:deport\w*|returns?\b)|"
               r"(?:deport\w*|returned)\b(?=.*\b(?:INM|mexico'?s? (?:national )?(?:im)?migration institute|migration policy unit)\b)|"
               r"\b(?:INM|migration institute|migration policy unit)\b(?=.*\b(?:deport\w*|returned (?:them |\w+ )?to their (?:home )?countries)\b)",
         "es": r"deportaciones (?:desde|de) méxico|deportad[oa]s (?:por|desde) méxico|"
               r"(?:devolvió|devolvieron|retornó|retornaron|deportó|deportaron) a (?:sus países|su país)|"
               r"devuelt[oa]s a (?:sus países|su país)|\bdeportaciones\b(?=.*\b(?:INM|instituto nacional de migración|unidad de política migratoria)\b)|"
               r"\b(?:INM|instituto nacional de migración|unidad de política migratoria)\b(?=.*\bdeportaci\w+)"},
        priority=6, by="nationality_iso3",
    ),
    Series(
        # Honduras' count of people entering irregularly (INM Honduras); "from Honduras" is a
        # nationality, not this count
        "honduras", "Irregular entries into Honduras (INM)", "Honduras", "honduras_monthly", "migrants", "year",
        # Honduras' INM by name, a way across the country ("crossed Honduras", "atravesaron
        # Honduras"), or the country with an entry word after it
        {"en": r"\bhonduras'?s? (?:national )?migration institute(?: \(INM\))?|\bhonduran (?:national )?migration institute|"
               r"(?:national migration institute|\bINM\b)(?: \(INM\))? (?:of|in) honduras|\bhonduras'?s? INM\b|"
               r"\b(?:cross(?:ed|es|ing)?|passed through|pass(?:es|ing)? through|transit(?:ed|s|ing)?(?: through)?)\s+honduras\b|"
               r"(?<!from )(?<!of )\bhonduras\b(?=.*\b(?:entr(?:y|ies|ants?|ed)|irregular\w*|registered|recorded)\b)",
         "es": r"(?:instituto nacional de migración|\bINM\b)(?: \(INM\))? (?:de honduras|hondureñ[oa])|"
               r"\b(?:cruz(?:aron|an|ó|a|ar)|atraves(?:aron|aban|an|ó|ar)|transit(?:aron|an|ó|ar)(?: por)?|"
               r"pas(?:aron|an|ó|ar) por)\s+honduras\b|"
               r"(?<!de )(?<!desde )\bhonduras\b(?=.*\b(?:ingres\w*|entrad\w*|irregular\w*|registr\w*)\b)"},
        priority=4, demographics="honduras_demographics",
    ),
    Series(
        # the kit's two areas of IOM's data: the US-Mexico border (the default) and the Darién
        "missing-migrants", "Deaths and disappearances of migrants (IOM)", "Missing migrants",
        "missing_migrants_annual", "dead_and_missing", "year",
        # "the toll", "the deadliest route": a story about deaths often names them no other way
        {"en": r"\b(?:died|deaths?|dead|drowned|missing migrants|deadl(?:y|ier|iest)|disappearances|fatalities|(?:death )?toll)\b",
         "es": r"\b(?:murieron|muertes?|muert[oa]s|desaparecid[oa]s|desapariciones|ahogad[oa]s|fallecid[oa]s|mort[ií]fer[oa]s?|saldo mortal)\b"},
        priority=5,
    ),
)  # fmt: skip

# Who "migrants" are when a sentence names no series: a sentence about people crossing into the
# United States speaks of the Southwest border; one about the journey north, of the Darién.
# what a closure closes: without one of these, "closed" is not about the border
CLOSURE_TARGETS = {
    "en": r"\b(?:crossings?|bridges?|ports?|entry points?|border|rail(?:way|road)?|gates?|checkpoints?|lanes?)\b",
    "es": r"\b(?:cruces?|puentes?|garitas?|puertos?|puntos de entrada|frontera|v[ií]as?|ferroviari[oa]s?|carriles)\b",
}
MIGRANTS = {
    "en": r"\bmigra(?:nts?|tion)\b|asylum seekers|\bcrossings?\b",
    "es": r"\bmigra(?:ntes?|ción)\b|solicitantes de asilo|\bcruces\b",
}
NORTHWARD = {"en": r"\bnorth(?:ward|bound)?\b", "es": r"\bhacia el norte\b|\brumbo al norte\b"}
US = {"en": r"\b(?:U\.?S\.?|US|United States|America)\b", "es": r"\b(?:EE\.? ?UU\.?|Estados Unidos|EU)\b"}

# Nationalities as a story names its people; the names of the countries come from the data.
DEMONYMS = {
    "VEN": ("venezuelans?", "venezolan[oa]s?"), "ECU": ("ecuadorians?", "ecuatorian[oa]s?"),
    "HTI": ("haitians?", "haitian[oa]s?"), "CHN": ("chinese", "chin[oa]s"), "COL": ("colombians?", "colombian[oa]s?"),
    "CUB": ("cubans?", "cuban[oa]s?"), "MEX": ("mexicans", "mexican[oa]s"), "GTM": ("guatemalans?", "guatemaltec[oa]s?"),
    "HND": ("hondurans?", "hondureñ[oa]s?"), "SLV": ("salvadorans?", "salvadoreñ[oa]s?"),
    "NIC": ("nicaraguans?", "nicaragüenses?"), "PER": ("peruvians?", "peruan[oa]s?"), "BRA": ("brazilians?", "brasileñ[oa]s?"),
    "CHL": ("chileans?", "chilen[oa]s?"), "AFG": ("afghans?", "afgan[oa]s?"), "IND": ("indians", "indi[oa]s de la india"),
    "RUS": ("russians?", "rus[oa]s"), "TUR": ("turks|turkish", "turc[oa]s"), "UKR": ("ukrainians?", "ucranian[oa]s?"),
    "ROU": ("romanians?", "ruman[oa]s?"), "DOM": ("dominicans", "dominican[oa]s"), "SEN": ("senegalese", "senegaleses"),
}  # fmt: skip

#: continents and regions, which the kit's tables do not group nationalities by: a figure said
#: of one is not a nationality's, nor the table's total (see propose). As where people head
#: ("rumbo a Norteamérica") a region is not what a figure counts: see REGION_DESTINATION.
REGIONS = {
    "Africa": (r"(?<!south )(?<!central )africa(?:ns?)?(?! republic)", r"africa|african[oa]s"),
    "South America": (r"south americ(?:a|ans?)", r"sudamerica|suramerica|america del sur|sudamerican[oa]s|suramerican[oa]s"),
    "Central America": (r"central americ(?:a|ans?)", r"centroamerica|america central|centroamerican[oa]s"),
    "the Caribbean": (r"(?:the )?caribbean(?! (?:sea|coast))", r"(?:el )?caribe(?! mexicano)|caribeñ[oa]s"),
    "Asia": (r"asia(?:ns?)?(?! (?:minor|pacific))", r"asia|asiatic[oa]s"),
    "Europe": (r"europe(?:ans?)?(?! union)", r"europa|europe[oa]s"),
    "North America": (r"north america", r"norteamerica|america del norte"),
    "Oceania": (r"oceania", r"oceania"),
}  # fmt: skip
#: a region named as where people head: not whom a figure counts
REGION_DESTINATION = {
    "en": r"\b(?:to|toward|towards|into|bound for|heading for|for)\s+(?:the\s+)?$",
    "es": r"\b(?:hacia|rumbo a|camino (?:a|de)|con destino a|a)\s+(?:la\s+|el\s+)?$",
}

MEASURES = {
    # words that pick a BTS measure at a port
    "en": [(r"trains?|rail|railway|railroad", "Trains"), (r"trucks?|lorries", "Trucks"),
           (r"pedestrians?|on foot", "Pedestrians"), (r"buses", "Buses"),
           (r"(?:personal )?vehicles?|cars", "Personal Vehicles")],
    "es": [(r"trenes|tren|ferroviari[oa]s?|ferrocarril", "Trains"), (r"camiones|camión|tráileres", "Trucks"),
           (r"peatones|peatonal(?:es)?|a pie", "Pedestrians"), (r"autobuses", "Buses"), (r"vehículos|autos|coches", "Personal Vehicles")],
}  # fmt: skip

CLOSURE_MODES = {
    "en": {"rail": r"rail|railway|railroad|train"},
    "es": {"rail": r"ferroviari[oa]s?|ferrocarril|tren"},
}

_FOLD = str.maketrans("áéíóúüñÁÉÍÓÚÜÑ", "aeiouunAEIOUUN")


def fold(text: str) -> str:
    """Accents off, same length: offsets in the folded text are offsets in the original."""
    return text.translate(_FOLD)


@dataclass
class Mention:
    # series | nationality | region | people | port | sector | field-office | measure | closure-mode
    kind: str
    key: str  # series key, ISO-3, port name, area name, BTS measure, closure mode
    text: str
    start: int
    end: int


@dataclass
class Vocabulary:
    ports: list[str]
    areas: list[str]  # Border Patrol sectors and CBP field offices, as CBP names them
    cbp_citizenships: dict[str, str]  # ISO-3 -> CBP's name
    darien_nationalities: set[str]  # ISO-3 codes in Panama's table
    closures: list[dict]  # rows of data/closures.csv
    series: dict[str, Series] = field(default_factory=dict)
    country_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # ISO-3 -> (en, es)
    # (table, grouping column) -> the publisher's residual groups ("Other", "OOO"), left out of ranks
    residual_groups: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    honduras_nationalities: set[str] = field(default_factory=set)  # ISO-3 codes in INM Honduras' table
    mexico_nationalities: set[str] = field(default_factory=set)  # ISO-3 codes in UPM's table


def _distinct(table: str, columns: list[str], root: Path | None) -> dict[str, set[str]]:
    """The distinct values of some columns of a processed table (the csv module: a draft does
    not pay for importing pandas)."""
    out: dict[str, set[str]] = {c: set() for c in columns}
    path = processed_dir(root) / f"{table}.csv"
    if not path.is_file():
        return out
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        where = [(c, header.index(c)) for c in columns if c in header]
        for row in reader:
            for c, i in where:
                out[c].add(row[i])
    for values in out.values():
        values.discard("")
    return out


#: residual groups a publisher may print in a grouping column, whether or not today's table
#: holds them: CBP's "Other" (countries a nationwide file does not name) and "Other (grouped)"
#: (all but four countries, in months only a Southwest release covers; the names of
#: sources/cbp.py's OTHER and GROUPED_OTHER, which a draft does not import: pandas). A rank
#: leaves them out so that its entry means the same when a later release adds them.
DECLARED_RESIDUALS = {("cbp_encounters", "citizenship"): ("Other", "Other (grouped)")}


@cache
def first_month(table: str, root: Path | None = None) -> str | None:
    """The first month (YYYY-MM) a processed table holds, None without a month column."""
    months = _distinct(table, ["month"], root)["month"]
    return min(months)[:7] if months else None


@cache
def first_year(table: str, root: Path | None = None) -> int | None:
    """The first calendar year a processed table holds (by its month, year or fiscal year
    column: a fiscal year's first months are the calendar year before), None if it has none."""
    found = _distinct(table, ["month", "year", "fiscal_year"], root)
    if found["month"]:
        return int(min(found["month"])[:4])
    if found["year"]:
        return min(int(y) for y in found["year"])
    if found["fiscal_year"]:
        return min(int(y) for y in found["fiscal_year"]) - 1
    return None


@cache
def vocabulary(root: Path | None = None) -> Vocabulary:
    """The names the data hold, read once per process from the processed tables."""
    crossings = _distinct("crossings_us_mexico", ["port"], root)
    closures_path = data_dir() / "closures.csv"
    closures = []
    if closures_path.is_file():
        with closures_path.open(newline="", encoding="utf-8") as fh:
            closures = list(csv.DictReader(fh))
    ports = sorted(crossings["port"] | {r["port"] for r in closures if r.get("port")})
    cbp = _distinct("cbp_encounters", ["area", "citizenship"], root)
    areas = sorted(a for a in cbp["area"] if a.endswith(("Sector", "Field Office")))
    citizenships = {}
    residual = []
    for name in sorted(cbp["citizenship"]):
        code = iso3_from_english(name)
        if code:
            citizenships[code] = name
        elif name.lower().startswith("other"):
            residual.append(name)
    nationalities = _distinct("darien_monthly", ["nationality_iso3"], root)["nationality_iso3"]
    honduras = _distinct("honduras_monthly_nationality", ["nationality_iso3"], root)["nationality_iso3"]
    mexico = _distinct("mexico_irregular_monthly", ["nationality_iso3"], root)["nationality_iso3"]
    names = {}
    for code in set(citizenships) | nationalities | honduras | mexico:
        en, es = english_name(code), spanish_name(code)
        if en and code != "OOO":
            names[code] = (en, es or en)
    return Vocabulary(
        ports=ports,
        areas=areas,
        cbp_citizenships=citizenships,
        darien_nationalities=nationalities,
        closures=closures,
        series={s.key: s for s in SERIES},
        country_names=names,
        residual_groups={
            ("cbp_encounters", "citizenship"): tuple(
                sorted(set(residual) | set(DECLARED_RESIDUALS[("cbp_encounters", "citizenship")]))
            ),
            ("darien_monthly", "nationality_iso3"): tuple(sorted(nationalities & {"OOO"})),
            ("honduras_monthly_nationality", "nationality_iso3"): tuple(sorted(honduras & {"OOO"})),
            ("mexico_irregular_monthly", "nationality_iso3"): tuple(sorted(mexico & {"OOO"})),
        },
        honduras_nationalities=honduras,
        mexico_nationalities=mexico,
    )


@cache
def _rx(pattern: str) -> re.Pattern:
    # compiled once per process: the vocabulary's few hundred names overflow re's own cache
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=256)
def _fold_cached(text: str) -> str:
    return fold(text)


def _finditer(pattern: str, text: str):
    return _rx(pattern).finditer(_fold_cached(text))


def mentions(sentence: str, lang: str, vocab: Vocabulary | None = None) -> list[Mention]:
    """Everything in the sentence the kit has a name for."""
    vocab = vocab or vocabulary()
    found: list[Mention] = []
    for s in SERIES:
        if s.key == "closures" and not re.search(CLOSURE_TARGETS[lang], fold(sentence), re.IGNORECASE):
            continue
        for m in _finditer(fold(s.cues[lang]), sentence):
            found.append(Mention("series", s.key, sentence[m.start() : m.end()], m.start(), m.end()))
    for area in vocab.areas:
        place = area.rsplit(" ", 2 if area.endswith("Field Office") else 1)[0]
        kind = "field-office" if area.endswith("Field Office") else "sector"
        word = "field office" if kind == "field-office" else "sector"
        pattern = (
            rf"\b{re.escape(place)} {word}\b"
            if lang == "en"
            else rf"\b{'oficina de campo' if kind == 'field-office' else 'sector'} (?:de |del )?{re.escape(fold(place))}\b"
        )
        for m in _finditer(pattern, sentence):
            found.append(Mention(kind, area, sentence[m.start() : m.end()], m.start(), m.end()))
    for port in sorted(vocab.ports, key=len, reverse=True):
        for m in _finditer(rf"\b{re.escape(fold(port))}\b", sentence):
            if not any(f.start <= m.start() < f.end for f in found if f.kind in ("sector", "field-office")):
                found.append(Mention("port", port, sentence[m.start() : m.end()], m.start(), m.end()))
    found += _nationalities(sentence, lang, vocab)
    found += _regions(sentence, lang)
    found += _people(sentence, lang)
    for pattern, measure in MEASURES[lang]:
        for m in _finditer(rf"\b(?:{fold(pattern)})\b", sentence):
            found.append(Mention("measure", measure, sentence[m.start() : m.end()], m.start(), m.end()))
    for mode, pattern in CLOSURE_MODES[lang].items():
        for m in _finditer(rf"\b(?:{fold(pattern)})\b", sentence):
            found.append(Mention("closure-mode", mode, sentence[m.start() : m.end()], m.start(), m.end()))
    found = _outer(found)
    if not any(f.kind == "series" for f in found):
        found += _implied(sentence, lang)
    return sorted(found, key=lambda f: (f.start, -f.end))


def _outer(found: list[Mention]) -> list[Mention]:
    """The longer name wins: a series named inside another series' longer name ("INM" in
    "Instituto Nacional de Migración (INM) de Honduras") is that one's, and a country inside a
    series' name ("INM of Honduras") is the publisher's, not a nationality."""
    series = [f for f in found if f.kind == "series"]

    def inside(f: Mention) -> bool:
        return any(
            s is not f
            and s.key != f.key
            and s.start <= f.start
            and f.end <= s.end
            and s.end - s.start > f.end - f.start
            for s in series
        )

    return [f for f in found if f.kind not in ("series", "nationality") or not inside(f)]


#: the name Mexico's and Honduras' migration institutes both go by, said alone
INSTITUTE = r"(?:instituto nacional de migracion|national migration institute|INM)(?: \(INM\))?"


#: "encounters" alone, the word every CBP series counts in: in a story about one of CBP's two
#: components, the component's ("the previous peak of about 224,000 encounters" after "the
#: Border Patrol had nearly 250,000 encounters")...
BARE_ENCOUNTERS = {"en": r"encounters?", "es": r"encuentros?"}
#: ...unless the sentence says it means them all
ALL_ENCOUNTERS = {
    "en": r"\b(?:total|overall|in all|combined|altogether|CBP|customs|ports?|field operations)\b",
    "es": r"\b(?:total|totales|en conjunto|en total|CBP|aduanas|puertos?)\b",
}
COMPONENT_SERIES = ("border-patrol", "ports-of-entry")
#: "such encounters", "estos encuentros": the word points back at the story's own count,
#: whichever series that is (Mexico's "encounters with undocumented foreigners" too)
POINTING_BACK = {
    "en": r"\b(?:such|these|those|the same|similar)\s+$",
    "es": r"\b(?:estos|esos|aquellos|dichos|tales|los mismos|este tipo de)\s+$",
}


def bare_encounters(found: list[Mention], last: Series | None, sentence: str, lang: str) -> bool:
    """Does the sentence name CBP's encounters by the word alone, in a story whose last series
    was one component's (Border Patrol, or the ports of entry), or by the word pointing back
    ("such encounters") in a story about any series? Then the story goes on about that series:
    the sentence names no series of its own."""
    named = [m for m in found if m.kind == "series"]
    if (
        last is None
        or not named
        or not all(m.key == "southwest" and re.fullmatch(BARE_ENCOUNTERS[lang], m.text, re.I) for m in named)
        or any(m.kind in ("sector", "field-office") for m in found)
    ):
        return False
    if all(re.search(POINTING_BACK[lang], sentence[: m.start], re.I) for m in named):
        return True
    return last.key in COMPONENT_SERIES and not re.search(ALL_ENCOUNTERS[lang], sentence, re.I)


def same_institute(found: list[Mention], institute: str | None) -> tuple[list[Mention], str | None]:
    """ "El INM" said alone is the institute the story named with its country: Honduras' once
    the story named "el INM de Honduras", Mexico's otherwise (the series vocabulary's default).
    Returns the sentence's mentions, bare institutes read so, and the institute the story names
    from this sentence on."""
    for f in found:
        if f.kind != "series" or f.key not in ("honduras", "mexico-enforcement"):
            continue
        bare = re.fullmatch(INSTITUTE, fold(f.text), re.IGNORECASE)
        if f.key == "honduras" and re.search(r"\b(?:INM|institut[eo])\b", f.text, re.IGNORECASE):
            institute = "honduras"
        elif f.key == "mexico-enforcement" and not bare:
            institute = "mexico-enforcement"
    if institute != "honduras":
        return found, institute
    out = [
        Mention("series", "honduras", f.text, f.start, f.end)
        if f.kind == "series"
        and f.key == "mexico-enforcement"
        and re.fullmatch(INSTITUTE, fold(f.text), re.I)
        else f
        for f in found
    ]
    return out, institute


#: the words before "of <country>" / "de <país>" that make the country an institution's, not
#: the people's: "the government of Panama", "el Servicio Nacional de Migración de Panamá"
INSTITUTION = {
    "en": r"\b(?:government|ministry|minister|president|authorities|service|institute|agency|office|"
    r"embassy|migration|immigration|police|army|coast guard|capital|city)(?:\s*\([A-Z]{2,6}\))?\s*$",
    "es": r"\b(?:gobierno|ministerio|ministro|ministra|presidente|presidenta|autoridades|servicio|instituto|"
    r"agencia|oficina|embajada|migracion|inmigracion|policia|ejercito|cancilleria|capital|ciudad|defensoria)"
    r"(?:\s*\([A-Z]{2,6}\))?\s*$",  # with its acronym: "Instituto Nacional de Migración (INM) de Honduras"
}

#: ...or after it, in English's possessive: "figures from Panama's National Migration Service"
INSTITUTION_AFTER = {
    "en": r"^['’]s\s+(?:[^\W\d]+\s+){0,3}(?:government|ministry|minister|president|authorities|service|"
    r"institute|agency|office|embassy|police|army|coast guard)\b",
    "es": r"(?!)",
}


#: where a clause opens: the sentence's start, or after a comma, semicolon or colon
SUBJECT_START = r"(?:^|(?<=[,;:])\s+)"
#: ...and the count the subject has, later in its clause: "tuvo el mayor repunte, con 222 mil 994"
#: (a verb first: "Panamá, con 500 mil migrantes en el Darién" is a place in apposition)
SUBJECT_COUNT = {
    "en": r"(?=\s+[^\W\d][^\d.;:()]{0,60}?\bwith\s+(?:[^\W\d]+\s+){0,2}\d)",
    "es": r"(?=\s+[^\W\d][^\d.;:()]{0,60}?\bcon\s+(?:[^\W\d]+\s+){0,2}\d)",
}
#: countries whose institutes publish a series of the kit: as a subject, the publisher or the
#: place ("Panamá registró, con 520 mil cruces, un récord"), not a people
PUBLISHERS = ("PAN", "HND")


def _nationalities(sentence: str, lang: str, vocab: Vocabulary) -> list[Mention]:
    out = []
    idx = 0 if lang == "en" else 1
    for code, pair in DEMONYMS.items():
        for m in _finditer(rf"\b(?:{fold(pair[idx])})\b", sentence):
            out.append(Mention("nationality", code, sentence[m.start() : m.end()], m.start(), m.end()))
    for code, (en, es) in vocab.country_names.items():
        name = en if lang == "en" else es
        # a country is a nationality only as where people come from: "from Venezuela",
        # "de Venezuela", "nationals of Haiti"; Mexico is where everyone crosses from and the
        # United States where they head ("camino de Estados Unidos"), so either is the route,
        # not the people's nationality
        lead = (
            r"(?:from|of|nationals of|citizens of)"
            if lang == "en"
            else r"(?:de|procedentes de|originari[oa]s de)"
        )
        # or as a list gives them, each with its count in brackets: "Cuba (85.969), Haití (82.249)"
        listed = rf"\b(?P<n>{re.escape(fold(name))})(?=\s*\(\s*\d)"
        # or as the subject of its clause with its count after "con"/"with": "Entre los países
        # sudamericanos, Venezuela tuvo el mayor repunte, con 222 mil 994" (a clause's opening
        # word, never after a preposition: "en Panamá, con 500 mil" is a place)
        subject = rf"{SUBJECT_START}(?P<n>{re.escape(fold(name))})\b{SUBJECT_COUNT[lang]}"
        seen = set()
        for m in [
            *_finditer(rf"\b{lead}\s+(?P<n>{re.escape(fold(name))})\b", sentence),
            *_finditer(listed, sentence),
            *(_finditer(subject, sentence) if code not in PUBLISHERS else ()),
        ]:
            if code in ("MEX", "USA") or m.start("n") in seen:
                continue
            seen.add(m.start("n"))
            if re.search(INSTITUTION[lang], fold(sentence[: m.start()]), re.IGNORECASE) or re.match(
                INSTITUTION_AFTER[lang], sentence[m.end("n") :], re.IGNORECASE
            ):
                continue  # "Servicio Nacional de Migración de Panamá": a publisher, not a people
            out.append(
                Mention("nationality", code, sentence[m.start("n") : m.end("n")], m.start("n"), m.end("n"))
            )
    return out


#: people by sex and age, as the route's tables split them (men, women, boys, girls): the
#: words, longest first, and the groups they count. Spanish "niños" alone is the children of
#: both sexes, as Spanish uses it, unless the sentence names "niñas" apart
PEOPLE = {
    "en": (
        (r"children|minors|boys and girls|girls and boys|kids", "boys+girls"),
        (r"boys", "boys"),
        (r"girls", "girls"),
        (r"adults", "men+women"),
        (r"women", "women"),
        (r"men", "men"),
    ),
    "es": (
        (r"ni[nñ][oa]s,? ni[nñ][oa]s y adolescentes|ni[nñ]os y ni[nñ]as|ni[nñ]as y ni[nñ]os|"
         r"menores de edad|(?<=\blos )menores(?! (?:a|que)\b)|ni[nñ]ez|NNA", "boys+girls"),
        (r"ni[nñ]as", "girls"),
        (r"ni[nñ]os", "boys"),
        (r"adultos", "men+women"),
        (r"mujeres", "women"),
        (r"hombres", "men"),
    ),
}  # fmt: skip


#: each key of PEOPLE as a claim names those people
PEOPLE_WORDS = {"boys+girls": "children", "boys": "boys", "girls": "girls", "men": "men", "women": "women",
                "men+women": "adults"}  # fmt: skip
_GROUPS = tuple(PEOPLE_WORDS)
#: UPM's age bands under 18
_MINORS = ["12-17", "under 12, accompanied", "under 12, unaccompanied"]
#: the tables by sex and age: the column counted, the rows each key of PEOPLE counts, and what
#: an editor must know about reading them so
PEOPLE_ROWS: dict[str, tuple[str, dict[str, dict], str]] = {
    # Panama's and INM Honduras': four groups, men and women being adults
    **{
        table: ("migrants", {k: {"group": k.split("+") if "+" in k else k} for k in _GROUPS}, "")
        for table in ("darien_demographics", "honduras_demographics")
    },
    # Mexico's UPM: sex by age band
    "mexico_irregular_demographics": (
        "events",
        {
            "men": {"sex": "male", "age_group": "18+"},
            "women": {"sex": "female", "age_group": "18+"},
            "boys": {"sex": "male", "age_group": _MINORS},
            "girls": {"sex": "female", "age_group": _MINORS},
            "boys+girls": {"age_group": _MINORS},
            "men+women": {"age_group": "18+"},
        },
        "UPM counts events by sex and age band: men and women are read as 18 and over, boys, girls "
        "and children as under 18. Where the story counts every female or male, drop age_group.",
    ),
}


def _people(sentence: str, lang: str) -> list[Mention]:
    """Men, women, boys or girls named in the sentence (``key``: the groups, joined by "+")."""
    out: list[Mention] = []
    for pattern, key in PEOPLE[lang]:
        for m in _finditer(rf"\b(?:{fold(pattern)})\b", sentence):
            if any(o.start < m.end() and m.start() < o.end for o in out):
                continue  # "niños" inside "niños y niñas"
            out.append(Mention("people", key, sentence[m.start() : m.end()], m.start(), m.end()))
    if lang == "es" and not any(o.key == "girls" for o in out):
        out = [Mention(o.kind, "boys+girls", o.text, o.start, o.end) if o.key == "boys" else o for o in out]
    return sorted(out, key=lambda o: o.start)


def _regions(sentence: str, lang: str) -> list[Mention]:
    """Continents and regions named as where people come from ("migrantes de África",
    "Central Americans"), not as where they head ("rumbo a Norteamérica")."""
    idx = 0 if lang == "en" else 1
    out = []
    for key, pair in REGIONS.items():
        for m in _finditer(rf"\b(?:{fold(pair[idx])})\b", sentence):
            if re.search(REGION_DESTINATION[lang], fold(sentence[: m.start()]), re.IGNORECASE):
                continue
            out.append(Mention("region", key, sentence[m.start() : m.end()], m.start(), m.end()))
    return out


def _implied(sentence: str, lang: str) -> list[Mention]:
    """Migrants with no series named: heading north → the Darién route; into the US → the border."""
    m = re.search(MIGRANTS[lang], fold(sentence), re.IGNORECASE)
    if not m:
        return []
    if re.search(NORTHWARD[lang], fold(sentence), re.IGNORECASE):
        return [Mention("series", "darien", sentence[m.start() : m.end()], m.start(), m.end())]
    if re.search(US[lang], sentence):
        return [Mention("series", "southwest", sentence[m.start() : m.end()], m.start(), m.end())]
    return []


def main_series(found: list[Mention], vocab: Vocabulary | None = None) -> Series | None:
    """The series a sentence speaks of: the most specific one it names."""
    vocab = vocab or vocabulary()
    named = [vocab.series[f.key] for f in found if f.kind == "series"]
    if any(f.kind in ("port", "measure") for f in found) and not any(
        f.kind in ("sector", "field-office") for f in found
    ):
        named.append(vocab.series["crossings"])
    if not named:
        return None
    return max(named, key=lambda s: s.priority)
