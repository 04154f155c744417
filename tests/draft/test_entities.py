"""Names of series, ports, sectors and nationalities, read from the committed data."""

from __future__ import annotations

import csv

import pytest

from migrationdata.draft.entities import (
    DECLARED_RESIDUALS,
    SERIES,
    main_series,
    mentions,
    same_institute,
    vocabulary,
)
from migrationdata.paths import processed_dir
from migrationdata.sources import cbp


def found(text, lang):
    return {(m.kind, m.key) for m in mentions(text, lang)}


def test_the_vocabulary_comes_from_the_processed_tables():
    vocab = vocabulary()
    # crossings_us_mexico's ports and the closures ledger's
    assert {"Eagle Pass", "El Paso", "Lukeville", "San Ysidro", "Laredo"} <= set(vocab.ports)
    # CBP's Southwest sectors and field offices
    assert {"Tucson Sector", "Rio Grande Valley Sector", "El Paso Sector", "Laredo Field Office"} <= set(
        vocab.areas
    )
    # nationalities: Panama's codes and CBP's names, matched through countries.py
    assert {"VEN", "ECU", "HTI", "CHN"} <= vocab.darien_nationalities
    assert vocab.cbp_citizenships["VEN"] == "Venezuela"
    assert vocab.country_names["HTI"][1] == "Haití"
    assert {r["id"] for r in vocab.closures} >= {"eagle-pass-rail-2023-12", "el-paso-rail-2023-12"}


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Half a million people crossed the Darien Gap jungle.", "en", {("series", "darien")}),
        ("Más de medio millón cruzó la selva del Darién.", "es", {("series", "darien")}),
        ("Encounters at the southern border hit a record.", "en", {("series", "southwest")}),
        ("Los encuentros en la frontera sur marcaron un récord.", "es", {("series", "southwest")}),
        ("Border Patrol apprehensions in the Tucson sector fell.", "en",
         {("series", "border-patrol"), ("sector", "Tucson Sector")}),
        ("Las aprehensiones de la Patrulla Fronteriza en el sector de Tucson bajaron.", "es",
         {("series", "border-patrol"), ("sector", "Tucson Sector")}),
        ("Trains at Eagle Pass carried less.", "en", {("port", "Eagle Pass"), ("measure", "Trains")}),
        ("Los trenes en Eagle Pass llevaron menos.", "es", {("port", "Eagle Pass"), ("measure", "Trains")}),
        ("Remittances reached a record.", "en", {("series", "remittances")}),
        ("Las remesas alcanzaron un récord.", "es", {("series", "remittances")}),
        ("Mexican authorities detained more migrants.", "en", {("series", "mexico-enforcement")}),
        ("US-Mexico trade reached $798 billion.", "en", {("series", "trade")}),
        ("El comercio entre ambos países creció.", "es", {("series", "trade")}),
    ],
)  # fmt: skip
def test_series_ports_and_sectors_in_both_languages(text, lang, expected):
    assert expected <= found(text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "code"),
    [
        ("Venezuelans were the largest group.", "en", "VEN"),
        ("a migrant from Venezuela", "en", "VEN"),
        ("Haitians and others", "en", "HTI"),
        ("los venezolanos fueron el grupo más numeroso", "es", "VEN"),
        ("una migrante de Haití", "es", "HTI"),
        ("los ecuatorianos", "es", "ECU"),
    ],
)
def test_nationalities_by_demonym_or_origin(text, lang, code):
    assert ("nationality", code) in found(text, lang)


def test_mexico_as_the_route_is_not_a_nationality_and_a_closed_door_is_not_a_closure():
    assert not any(
        k == "nationality" for k, _ in found("migrants entering the United States from Mexico", "en")
    )
    assert ("series", "closures") not in found("He led closed-door negotiations.", "en")
    assert ("series", "closures") in found("Authorities closed two rail crossings.", "en")
    assert ("series", "closures") in found("Las autoridades cerraron dos cruces ferroviarios.", "es")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Crossings fell, according to the government of Panama.", "en"),
        ("Los cruces cayeron, según el Servicio Nacional de Migración de Panamá.", "es"),
        ("Lo dijo el presidente de Panamá.", "es"),
    ],
)
def test_an_institutions_country_is_not_a_nationality(text, lang):
    assert [m for m in mentions(text, lang) if m.kind == "nationality"] == []


def test_migrants_with_no_series_named_are_read_from_the_sentence():
    assert (
        main_series(mentions("Thousands of migrants continue their journey northward.", "en")).key == "darien"
    )
    assert main_series(mentions("Record numbers of migrants try to enter the U.S.", "en")).key == "southwest"
    assert main_series(mentions("Miles de migrantes siguen rumbo al norte.", "es")).key == "darien"
    assert main_series(mentions("The weather was fine.", "en")) is None


def test_the_most_specific_series_wins():
    assert (
        main_series(mentions("Border Patrol encounters at the southern border fell.", "en")).key
        == "border-patrol"
    )


def test_residual_groups_are_the_publishers_whether_or_not_the_table_holds_them_today():
    # the draft names CBP's two residual groups without importing the source (and pandas)
    assert DECLARED_RESIDUALS[("cbp_encounters", "citizenship")] == (cbp.OTHER, cbp.GROUPED_OTHER)
    # "Other (grouped)" marks Southwest-only months, which the state releases now cover
    assert vocabulary().residual_groups[("cbp_encounters", "citizenship")] == ("Other", "Other (grouped)")


def test_every_series_with_a_table_names_a_column_of_it():
    for s in SERIES:
        if s.table == "closures" or not s.available():
            continue
        with (processed_dir() / f"{s.table}.csv").open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert s.column in header, (s.key, s.table, s.column, header)
        assert not s.per_item or s.per_item in header, (s.key, s.table, s.per_item, header)
    assert [s.key for s in SERIES if s.per_item] == ["remittances"]


def test_every_table_by_sex_and_age_holds_the_rows_its_people_are_read_as():
    from migrationdata.draft.entities import PEOPLE_ROWS

    assert {s.demographics for s in SERIES if s.demographics} == set(PEOPLE_ROWS)
    for table, (column, rows, _note) in PEOPLE_ROWS.items():
        with (processed_dir() / f"{table}.csv").open(encoding="utf-8") as fh:
            data = list(csv.DictReader(fh))
        assert column in data[0], (table, column)
        assert set(rows) == {"men", "women", "boys", "girls", "boys+girls", "men+women"}
        for key, where in rows.items():
            for col, wanted in where.items():
                held = {row[col] for row in data}
                assert set(wanted if isinstance(wanted, list) else [wanted]) <= held, (table, key, col, held)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("El Instituto Nacional de Migración (INM) de Honduras dio la cifra del año.", "es"),
        ("Los migrantes atravesaron Honduras camino del norte.", "es"),
        ("Medio millón de personas cruzaron Honduras.", "es"),
        ("Honduras' National Migration Institute gave the year's figure.", "en"),
        ("The INM of Honduras gave the year's figure.", "en"),
        ("Half a million people crossed Honduras.", "en"),
        ("Half a million people passed through Honduras.", "en"),
    ],
)
def test_honduras_institute_and_the_way_across_honduras_name_inm_honduras_count(text, lang):
    named = mentions(text, lang)
    assert main_series(named).key == "honduras"
    # Honduras is the publisher or the way, not the people's nationality
    assert not [m for m in named if m.kind == "nationality"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("El Instituto Nacional de Migración (INM) presentó a más extranjeros.", "es"),
        ("The National Migration Institute (INM) detained more foreigners.", "en"),
    ],
)
def test_the_institute_alone_is_mexico_s(text, lang):
    assert main_series(mentions(text, lang)).key == "mexico-enforcement"


def test_a_bare_inm_is_the_institute_the_story_named_with_its_country():
    first, institute = same_institute(mentions("El INM de Honduras dio la cifra.", "es"), None)
    assert institute == "honduras" and main_series(first).key == "honduras"
    later, institute = same_institute(mentions("Según el INM, entraron más.", "es"), institute)
    assert institute == "honduras" and main_series(later).key == "honduras"
    # a story that names no institute's country keeps the vocabulary's reading: Mexico's
    alone, institute = same_institute(mentions("Según el INM, entraron más.", "es"), None)
    assert institute is None and main_series(alone).key == "mexico-enforcement"
    # ...and one that goes on to Mexico's by name reads the bare one after as Mexico's again
    _, institute = same_institute(mentions("El INM de México detuvo a más.", "es"), "honduras")
    assert institute == "mexico-enforcement"


def test_migrants_from_honduras_are_a_nationality_and_a_listed_country_its_count():
    assert ("nationality", "HND") in found("Unos 20.000 migrantes de Honduras cruzaron el Darién.", "es")
    assert ("nationality", "HND") in found("Migrants from Honduras crossed the Darién.", "en")
    listed = [
        m.key for m in mentions("Detrás quedaron Cuba (85.969), Haití (82.249) y Guinea (12.902).", "es")
    ]
    assert listed == ["CUB", "HTI", "GIN"]
    # heading for the United States is the route, not a nationality
    assert not found("Cruzaron camino de Estados Unidos.", "es") & {("nationality", "USA")}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("La migración irregular en México creció un 77% en 2023 frente al año anterior.", "es"),
        ("Migración irregular en México saltó un 77% en 2023", "es"),
        ("El año cerró con 782 mil 176 eventos de personas en situación migratoria irregular.", "es"),
        ("Según la Unidad de Política Migratoria, fueron 782 mil 176.", "es"),
        ("La migración irregular creció 77%, según cifras que el gobierno mexicano difundió.", "es"),
        # "irregular crossings" are Border Patrol's, but not in Mexico
        ("Los cruces irregulares en México sumaron 500 mil en 2023.", "es"),
        ("Irregular migration in Mexico jumped 77% in 2023.", "en"),
        ("Mexico's Migration Policy Unit counted 782,176 irregular migrants in 2023.", "en"),
        ("Irregular crossings in Mexico reached 500,000 in 2023.", "en"),
    ],
)
def test_irregular_migration_in_mexico_is_upm_s_count(text, lang):
    assert main_series(mentions(text, lang)).key == "mexico-enforcement"


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("En diciembre se reportaron 10 mil cruces irregulares hacia Estados Unidos.", "es", "border-patrol"),
        ("Irregular crossings at the southern border fell in January.", "en", "border-patrol"),
        (
            "El gobierno mexicano dijo que la Patrulla Fronteriza detuvo a más migrantes.",
            "es",
            "border-patrol",
        ),
    ],
)
def test_irregular_crossings_elsewhere_stay_border_patrol_s(text, lang, key):
    assert main_series(mentions(text, lang)).key == key


@pytest.mark.parametrize(
    ("text", "lang", "regions"),
    [
        ("El mayor aumento fue el de los migrantes de África.", "es", {"Africa"}),
        ("La migración desde Centroamérica y el Caribe subió más de 17%.", "es", {"Central America", "the Caribbean"}),
        ("Entre los países sudamericanos, Venezuela tuvo el mayor repunte.", "es", {"South America"}),
        ("Llegaron 59 mil africanos y 20 mil asiáticos.", "es", {"Africa", "Asia"}),
        ("Migrants from Central America and Africans were detained.", "en", {"Central America", "Africa"}),
        # a country, or a region named as where people head, is not one
        ("Migrants from South Africa and the Central African Republic.", "en", set()),
        ("Más de 500.000 migrantes cruzaron el Darién rumbo a Norteamérica.", "es", set()),
        ("La Unión Europea aportó fondos.", "es", set()),
    ],
)  # fmt: skip
def test_regions_are_named_apart_from_nationalities(text, lang, regions):
    assert {key for kind, key in found(text, lang) if kind == "region"} == regions


def test_mexico_s_table_knows_its_nationalities():
    vocab = vocabulary()
    assert {"VEN", "HND", "GTM", "HTI"} <= vocab.mexico_nationalities
    assert vocab.residual_groups[("mexico_irregular_monthly", "nationality_iso3")] == ("OOO",)


@pytest.mark.parametrize(
    ("text", "lang", "nationalities"),
    [
        # the subject of its clause, with its count after "con"/"with"
        ("Entre los países sudamericanos, Venezuela tuvo el mayor repunte, con 222 mil 994.", "es", {"VEN"}),
        ("Among South American countries, Venezuela had the largest rise, with 222,994.", "en", {"VEN"}),
        # ...not a place in apposition, a publisher, or a country with no count after "con"
        ("Panamá, con 500 mil migrantes en el Darién, pidió ayuda.", "es", set()),
        ("Panamá registró, con 520 mil cruces en el Darién, un récord.", "es", set()),
        ("Venezuela firmó un acuerdo con Colombia.", "es", set()),
        ("Mexico agreed, with 10,000 troops, to patrol the border.", "en", set()),
    ],
)  # fmt: skip
def test_a_country_as_the_subject_with_its_count_is_a_nationality(text, lang, nationalities):
    assert {key for kind, key in found(text, lang) if kind == "nationality"} == nationalities
