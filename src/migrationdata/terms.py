"""The terms each source's numbers come under, and what a newsroom may do with what this kit
makes of them.

The code is MIT-licensed (``LICENSE``). The numbers are not ours: each source's publisher sets
the terms of its statistics, and a republisher we read a copy from (a GitHub repository, an R
package) may add its own licence to the files. For each source, :data:`SOURCE_TERMS` says:

- ``licence``: the publisher's terms, in a line, as far as this project has established them
  (where no licence is stated, it says so rather than guessing);
- ``url``: where those terms are stated, or the publisher's page when none are;
- ``credit``: the credit line a table, chart or story should carry;
- ``reuse``: what a partner newsroom may do with the processed tables and the charts;
- ``carrier``: the licence of the copy we read, when we read a republisher's copy;
- ``package_licence``: the licence's name in a Data Package (Open Definition identifiers:
  ``other-pd`` public domain, ``other-at`` other with attribution, ``CC-BY-4.0``).

:data:`PROJECT_TERMS` covers what the project writes itself: the charts, the reports, the
hand-kept closures ledger and the story files. The README's "Reuse and licences" table and
``datapackage.json`` are both made from these declarations, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Terms:
    licence: str
    url: str
    credit: str
    reuse: str
    package_licence: str = "other-at"
    carrier: str = ""

    def package_entry(self) -> dict:
        """The ``licenses`` entry of a Data Package resource."""
        entry = {"name": self.package_licence, "path": self.url, "title": self.licence}
        return entry if self.url else {k: v for k, v in entry.items() if k != "path"}


_US_FEDERAL = "Public domain: a work of the US federal government (17 U.S.C. 105)"
_US_COPYRIGHT_PAGE = "https://www.usa.gov/government-copyright"
_NO_PERMISSION = (
    "No permission needed: republish the processed tables and the charts freely; credit the "
    "publisher as a matter of accuracy."
)
_FIGURES_WITH_CREDIT = (
    "Quote and chart the figures with the credit line; the processed tables and the charts may "
    "be republished with it. No licence is stated, so ask the publisher before redistributing "
    "its files wholesale, and never imply that it endorses a story."
)
_GDIDATA = "MIT (the gdidata R package, iom/gdidata on GitHub; not affiliated with the publisher)"

SOURCE_TERMS: dict[str, Terms] = {
    "darien": Terms(
        licence="No licence stated: official statistics Panama publishes for public information",
        url="https://www.migracion.gob.pa/estadisticas/",
        credit="Servicio Nacional de Migración de Panamá (SNM)",
        reuse=_FIGURES_WITH_CREDIT,
        carrier=_GDIDATA,
    ),
    "cbp": Terms(
        licence=_US_FEDERAL,
        url=_US_COPYRIGHT_PAGE,
        credit="U.S. Customs and Border Protection (CBP)",
        reuse=_NO_PERMISSION
        + " The provisional months a third party summed (table cbp_southwest_provisional) are "
        "labelled provisional and credited to their compiler, whose repository states no licence.",
        package_licence="other-pd",
        carrier="copies on public GitHub repositories, several with no licence stated; the figures "
        "in them are CBP's own",
    ),
    "bts": Terms(
        licence=_US_FEDERAL,
        url=_US_COPYRIGHT_PAGE,
        credit="Bureau of Transportation Statistics (BTS), US Department of Transportation",
        reuse=_NO_PERMISSION,
        package_licence="other-pd",
        carrier="a copy on a public GitHub repository with no licence stated; the figures are BTS's",
    ),
    "trade": Terms(
        licence=_US_FEDERAL,
        url=_US_COPYRIGHT_PAGE,
        credit="U.S. Census Bureau; BTS TransBorder Freight Data",
        reuse=_NO_PERMISSION,
        package_licence="other-pd",
        carrier="a copy on a public GitHub repository (a university dashboard); the figures are "
        "the federal government's",
    ),
    "mexico": Terms(
        licence="Mexican federal statistics; Mexico's open-data terms (Libre Uso MX) allow free "
        "reuse, commercial included, with attribution",
        url="https://datos.gob.mx/libreusomx",
        credit="Unidad de Política Migratoria, Registro e Identidad de Personas (UPMRIP), SEGOB",
        reuse="Republish the processed tables and the charts with the credit line and a note that "
        "the figures were reorganised; do not imply that the Mexican government endorses a story.",
        carrier=_GDIDATA,
    ),
    "honduras": Terms(
        licence="No licence stated: official statistics Honduras publishes for public information",
        url="https://www.inm.gob.hn/",
        credit="Instituto Nacional de Migración de Honduras (INM)",
        reuse=_FIGURES_WITH_CREDIT,
        carrier=_GDIDATA,
    ),
    "missing_migrants": Terms(
        licence="Creative Commons Attribution 4.0 International (CC BY 4.0)",
        url="https://creativecommons.org/licenses/by/4.0/",
        credit="IOM's Missing Migrants Project",
        reuse="Share and adapt freely, commercial use included, crediting \"IOM's Missing Migrants "
        'Project", saying that the data were changed (filtered to the route, summed by year) '
        "and linking to missingmigrants.iom.int where the medium allows.",
        package_licence="CC-BY-4.0",
        carrier=_GDIDATA,
    ),
    "remittances": Terms(
        licence="No open licence identified: Banco de México's statistics (SIE) are public and "
        'reproduced with the credit "Fuente: Banco de México"',
        url="https://www.banxico.org.mx/SieInternet/",
        credit="Banco de México (Banxico)",
        reuse="Quote and chart the figures with the credit line; the processed table and the charts "
        "may be republished with it. Check Banxico's terms before redistributing the full series.",
        carrier="MIT (lapanquecita/remesas on GitHub)",
    ),
}

#: what the project itself writes, and the terms it offers them under
PROJECT_TERMS: dict[str, Terms] = {
    "code": Terms(
        licence="MIT",
        url="LICENSE",
        credit="migrationdata contributors",
        reuse="Use, change and redistribute, keeping the copyright notice (LICENSE).",
        package_licence="MIT",
    ),
    "charts, reports, closures ledger and story files": Terms(
        licence="Creative Commons Attribution 4.0 International (CC BY 4.0)",
        url="https://creativecommons.org/licenses/by/4.0/",
        credit="migrationdata, with each chart's own source line",
        reuse="Republish, embed, translate and adapt, commercial use included, keeping the chart's "
        "source line (it credits the publishers) and crediting migrationdata; say what you changed.",
        package_licence="CC-BY-4.0",
    ),
}


#: what a source without declared terms is published under: nothing is assumed (a real
#: source cannot lack them: tests/test_layers.py checks the "Adding a source" list)
UNDECLARED = Terms(
    licence="No terms declared in migrationdata/terms.py",
    url="",
    credit="the publisher",
    reuse="Check the publisher's terms before any reuse.",
    package_licence="other",
)


def terms_for(source_id: str) -> Terms:
    """A source's terms, or :data:`UNDECLARED`."""
    return SOURCE_TERMS.get(source_id, UNDECLARED)


def reuse_table() -> str:
    """The README's "Reuse and licences" table, in Markdown, one row per source and project part."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    rows = [
        "| What | Terms | Credit | What a newsroom may do | Copy we read |",
        "| --- | --- | --- | --- | --- |",
    ]
    for sid, t in SOURCE_TERMS.items():
        rows.append(
            f"| `{sid}` | [{cell(t.licence)}]({t.url}) | {cell(t.credit)} | {cell(t.reuse)} | "
            f"{cell(t.carrier) or 'the publisher'} |"
        )
    for part, t in PROJECT_TERMS.items():
        rows.append(f"| {part} | [{cell(t.licence)}]({t.url}) | {cell(t.credit)} | {cell(t.reuse)} | — |")
    return "\n".join(rows) + "\n"
