"""Each generic metric on the committed tables (figures checked against the processed CSVs
and the PROVENANCE totals), its as-of cut, and the sources it cites from what it read."""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.claims import METRICS, Reader, evaluate_entry, parse_period
from migrationdata.claims.wording import render
from migrationdata.errors import StoryError
from migrationdata.vintages import Vintage


def run(metric, params, test, as_of=None):
    return evaluate_entry({"metric": metric, "params": params, "test": test}, as_of)


DARIEN_2023 = {"table": "darien_monthly", "column": "migrants", "period": "2023"}


def test_the_vocabulary_of_the_spec_is_registered():
    assert {
        "value",
        "change",
        "share",
        "rank",
        "rank_in_series",
        "change_rank",
        "change_months",
        "streak",
        "first_time",
        "closure",
        "closures_in_window",
    } <= set(METRICS)


# --- value ----------------------------------------------------------------------------------


def test_value_sums_a_calendar_year_and_cuts_to_what_was_published():
    now = run("value", DARIEN_2023, "more than 500,000")
    assert now.value == 520_085 and now.verdict == "supported" and now.figure.complete
    then = run("value", DARIEN_2023, "more than 500,000", date(2023, 12, 28))
    # January to November 2023: Panama had not yet released December
    assert then.value == 495_459 and not then.figure.complete and then.verdict == "not-checkable"
    assert then.data_through == "November 2023"


def test_value_fiscal_year_month_range_per_day_and_agg():
    fy = run(
        "value", {"table": "usbp_southwest_monthly", "column": "encounters", "period": "FY2024"}, "1,530,523"
    )
    assert fy.value == 1_530_523 and fy.verdict == "supported"  # = the annual table's FY2024
    rng = run(
        "value",
        {"table": "usbp_southwest_monthly", "column": "encounters", "period": "2024-10..2024-12"},
        "150,456",
    )
    assert rng.value == 56_520 + 46_612 + 47_324
    per_day = run(
        "value",
        {
            "table": "cbp_encounters",
            "column": "encounters",
            "where": {"component": "U.S. Border Patrol"},
            "period": "2024-03",
            "per": "day",
        },
        "4,488",
    )
    assert per_day.value == pytest.approx(139_124 / 31) and per_day.verdict == "supported"
    top = run(
        "value",
        {
            "table": "usbp_southwest_monthly",
            "column": "encounters",
            "period": "2025-02..2025-08",
            "agg": "max",
        },
        "fewer than 9,000",
    )
    assert top.value == 8_725
    low = run(
        "value",
        {
            "table": "usbp_southwest_annual",
            "column": "apprehensions",
            "period": "FY1971..FY2024",
            "agg": "min",
        },
        "more than 238,000",
    )
    assert low.value == 263_991


def test_value_where_lists_and_exclude():
    both = run(
        "value",
        {
            "table": "crossings_us_mexico",
            "column": "value",
            "period": "2023",
            "where": {"measure": "Trains", "port": ["Eagle Pass", "El Paso"]},
        },
        "4,162",
    )
    assert both.value == 4_162
    rest = run(
        "value",
        {
            "table": "crossings_us_mexico",
            "column": "value",
            "period": "2023",
            "where": {"measure": "Trains"},
            "exclude": {"port": ["Eagle Pass", "El Paso"]},
        },
        "6,610",
    )
    assert rest.value == 10_772 - 4_162


def test_annual_tables_are_cut_too():
    """An annual row counts as published with its last month (December; September for a fiscal year)."""
    p = {"table": "darien_annual", "column": "migrants", "period": "2024"}
    before = run("value", p, "302,203", date(2025, 1, 9))
    assert before.verdict == "not-checkable" and "no data yet for 2024" in before.note
    assert run("value", p, "302,203", date(2025, 1, 10)).value == 302_203
    fy = {"table": "usbp_southwest_annual", "column": "apprehensions", "period": "FY2024"}
    assert run("value", fy, "1,530,523", date(2024, 10, 19)).verdict == "not-checkable"
    assert run("value", fy, "1,530,523", date(2024, 10, 20)).value == 1_530_523


def test_no_data_yet_is_not_checkable_never_an_error():
    r = run("value", {"table": "darien_monthly", "column": "migrants", "period": "2026"}, "more than 0")
    assert r.verdict == "not-checkable" and "no data yet for 2026" in r.note and "April 2025" in r.note
    early = run("value", DARIEN_2023, "more than 0", date(2019, 1, 1))
    assert early.verdict == "not-checkable"
    # every metric, on a date before its table's first release: not-checkable, never an error
    ranked = run(
        "rank_in_series",
        {"table": "cbp_southwest_monthly", "column": "total", "freq": "fiscal_year", "period": "FY2023"},
        "the highest",
        date(1999, 1, 1),
    )
    assert ranked.verdict == "not-checkable" and "no rows to rank" in ranked.note


def test_latest_stands_in_for_an_unpublished_month():
    p = {"table": "darien_monthly", "column": "migrants", "period": "2023-12", "latest": True}
    then = run("value", p, "at least 2,000", date(2023, 12, 28))
    assert (
        then.value == 37_231 and "November 2023" in then.display and then.verdict == "supported-with-caveat"
    )
    assert run("value", p, "at least 2,000").value == 24_626


def test_a_total_over_parts_the_table_lacks_is_not_checkable(monkeypatch):
    p = {"table": "cbp_encounters", "column": "encounters", "period": "2025-03"}
    # the final FY2025 state release carries every region: the nationwide total is their sum
    assert run("value", p, "more than 0").value == 29_013
    # 11,012 in the August release, revised to 11,011 in the final one
    sw = run("value", {**p, "where": {"region": "Southwest Land Border"}}, "11,011")
    assert sw.value == 11_011 and sw.verdict == "supported"
    # a month missing a region (as the table was past September 2024 before the state releases
    # arrived) gives no silent Southwest-only "nationwide" total
    real = Reader.table

    def without_north(self, name):
        df = real(self, name)
        if name != "cbp_encounters":
            return df
        return df[~((df["region"] == "Northern Land Border") & (df["month"] == "2025-03-01"))]

    monkeypatch.setattr(Reader, "table", without_north)
    r = run("value", p, "more than 0")
    assert r.verdict == "not-checkable" and "Northern Land Border" in r.note


def test_a_part_the_publisher_did_not_break_down_reads_as_not_checkable_never_zero():
    """CBP's state releases lump Border Patrol and ports of entry together: a Border Patrol
    figure for such a month is not in the data, and must not read as 0."""
    p = {"table": "cbp_encounters", "column": "encounters", "where": {"component": "U.S. Border Patrol"}}
    r = run("value", {**p, "period": "2025-03"}, "more than 0")
    assert r.verdict == "not-checkable" and "does not break component down for March 2025" in r.note
    assert "Both components (not broken down)" in r.note
    # a month the area releases do split still gives its figure
    assert run("value", {**p, "period": "2024-03"}, "more than 0").value > 100_000


def test_a_record_over_parts_the_table_lacks_is_not_checkable(monkeypatch):
    """Nor a nationwide 'lowest month in history' ranked on months that lack a region, or on
    months whose rows do not split the part filtered on: such months are neither ranked nor
    compared with."""
    p = {"table": "cbp_encounters", "column": "encounters", "where": {"component": "U.S. Border Patrol"}}
    # from October 2024 the state releases lump Border Patrol with the ports: not a 0 to rank
    r = run("rank_in_series", {**p, "freq": "month", "period": "2025-03"}, "the lowest")
    assert r.verdict == "not-checkable" and "does not break component down for March 2025" in r.note
    assert run("first_time", {**p, "period": "2025-03"}, "true").verdict == "not-checkable"
    fy = run("rank_in_series", {**p, "freq": "fiscal_year", "period": "FY2025"}, "the lowest")
    assert fy.verdict == "not-checkable" and "October 2024" in fy.note
    # December 2023, the nationwide record, among the 60 whole months October 2019 - September 2024
    dec = run("rank_in_series", {**p, "freq": "month", "period": "2023-12"}, "the highest")
    assert (dec.verdict, dec.value, dec.figure.extra["count"]) == ("supported", 1, 60)
    assert dec.figure.extra["value"] == 251_178
    march = run("rank_in_series", {**p, "freq": "month", "period": "2024-03"}, "the highest")
    assert march.figure.extra["value"] == 139_124 and march.verdict == "not-supported"
    # a month missing a region (as the table was past September 2024 before the state releases
    # arrived) is neither ranked nor counted among the months a record is ranked against
    real = Reader.table

    def without_north(self, name):
        df = real(self, name)
        if name != "cbp_encounters":
            return df
        return df[~((df["region"] == "Northern Land Border") & (df["month"] == "2024-03-01"))]

    monkeypatch.setattr(Reader, "table", without_north)
    r = run("rank_in_series", {**p, "freq": "month", "period": "2024-03"}, "the lowest")
    assert r.verdict == "not-checkable" and "Northern Land Border" in r.note and "March 2024" in r.note
    assert run("first_time", {**p, "period": "2024-03"}, "true").verdict == "not-checkable"
    dec = run("rank_in_series", {**p, "freq": "month", "period": "2023-12"}, "the highest")
    assert (dec.verdict, dec.value, dec.figure.extra["count"]) == ("supported", 1, 59)


# --- change, share --------------------------------------------------------------------------


def test_change_percent_ratio_difference_and_then():
    p = {"table": "darien_monthly", "column": "migrants", "from": "2023", "to": "2024"}
    now = run("change", p, "down 42%")
    assert now.value == pytest.approx((302_203 / 520_085 - 1) * 100) and now.verdict == "supported"
    assert now.figure.extra["ratio"] == pytest.approx(302_203 / 520_085)
    then = run("change", p, "down 42%", date(2025, 1, 2))
    assert then.figure.extra["to"] == 297_354 and then.verdict == "not-checkable"
    ratio = run("change", {**p, "from": "2022", "to": "2023", "measure": "ratio"}, "doubled")
    assert ratio.value == pytest.approx(520_085 / 248_284) and ratio.verdict == "supported"
    diff = run("change", {**p, "measure": "difference"}, "fewer than 0")
    assert diff.value == 302_203 - 520_085


def test_change_between_two_filters():
    """Venezuelans against Colombians in the same year: 'about twelve times as many'."""
    p = {
        "table": "darien_monthly",
        "column": "migrants",
        "from": "2024",
        "to": "2024",
        "measure": "ratio",
        "where": {"nationality_iso3": "COL"},
        "to_where": {"nationality_iso3": "VEN"},
    }
    r = run("change", p, "about 12")
    assert r.value == pytest.approx(209_897 / 17_529) and r.verdict == "supported"


def test_share_of_a_filtered_total_and_within_a_sub_period():
    ven = run(
        "share",
        {
            "table": "darien_monthly",
            "column": "migrants",
            "where": {"nationality_iso3": "VEN"},
            "period": "2024",
        },
        "some 69%",
    )
    assert ven.value == pytest.approx(209_897 / 302_203 * 100) and ven.figure.unit == "percent"
    first3 = run(
        "share",
        {
            "table": "usbp_southwest_monthly",
            "column": "encounters",
            "period": "FY2025",
            "within": "2024-10..2024-12",
        },
        "more than 60%",
    )
    assert first3.value == pytest.approx(150_456 / 229_183 * 100)
    assert first3.verdict == "supported-with-caveat"  # September 2025 is not in the kit yet
    rail = run(
        "share",
        {
            "table": "crossings_us_mexico",
            "column": "value",
            "where": {"port": ["Eagle Pass", "El Paso"]},
            "of": {"measure": "Trains"},
            "period": "2023",
        },
        "at least 25%",
        date(2023, 12, 28),
    )
    assert rail.value == pytest.approx(3_121 / 8_062 * 100) and rail.data_through == "September 2023"


# --- ranks ----------------------------------------------------------------------------------


def test_rank_of_a_group_then_and_now():
    p = {
        "table": "darien_monthly",
        "column": "migrants",
        "by": "nationality_iso3",
        "group": "VEN",
        "period": "2023",
    }
    now = run("rank", p, "the highest")
    assert now.value == 1 and "328,650 of 520,085" in now.display
    then = run("rank", p, "the highest", date(2023, 12, 28))
    assert "317,145 of 495,459" in then.display and then.verdict == "supported-with-caveat"
    laredo = run(
        "rank",
        {
            "table": "crossings_us_mexico",
            "column": "value",
            "where": {"measure": "Trains"},
            "by": "port",
            "group": "Eagle Pass",
            "period": "2023",
        },
        "second-highest",
    )
    assert laredo.value == 2 and laredo.verdict == "supported" and "Laredo (4,415)" in laredo.display


def test_rank_of_an_unknown_group_is_not_checkable_and_lists_the_groups():
    r = run(
        "rank",
        {
            "table": "darien_monthly",
            "column": "migrants",
            "by": "nationality_iso3",
            "group": "XXX",
            "period": "2023",
        },
        "the highest",
    )
    assert r.verdict == "not-checkable" and "VEN" in r.note


def test_rank_in_series_record_lowest_since_and_cut():
    p = {"table": "usbp_southwest_monthly", "column": "encounters", "freq": "month", "period": "2025-07"}
    now = run("rank_in_series", p, "the lowest")
    assert now.figure.extra["rank_from_bottom"] == 1 and now.verdict == "supported"
    assert (
        run("rank_in_series", p, "the lowest", date(2025, 8, 19)).verdict == "not-checkable"
    )  # out on the 20th
    assert run("rank_in_series", p, "the lowest", date(2025, 8, 20)).figure.extra["count"] == 310
    # March 2025 was the lowest until June 2025; CBP released March on 14 April 2025
    march = {**p, "period": "2025-03"}
    assert run("rank_in_series", march, "the lowest", date(2025, 4, 14)).verdict == "supported"
    assert run("rank_in_series", march, "the lowest", date(2025, 4, 13)).verdict == "not-checkable"
    assert run("rank_in_series", march, "the lowest").verdict == "not-supported"
    # "the lowest since ..." ranks only from that period on
    feb = {**p, "period": "2025-02"}
    assert run("rank_in_series", {**feb, "through": "2025-02"}, "the lowest").verdict == "supported"
    aug24 = {**p, "period": "2024-09"}
    assert (
        run("rank_in_series", {**aug24, "through": "2024-09"}, "the lowest since 2024").verdict == "supported"
    )
    assert run("rank_in_series", {**aug24, "through": "2024-09"}, "the lowest").verdict == "not-supported"


TRADE_H1_2024 = {
    "table": "trade_us_mexico_monthly",
    "column": "total_usd",
    "freq": "year",
    "period": "2024-01..2024-06",
}


def test_rank_in_series_ranks_the_same_months_of_every_year():
    # FreightWaves, 12 August 2024: January to June 2024, $415.4 billion, "the highest total
    # ever recorded for the time period". Each year's January to June, from the processed CSV:
    # 2019 308.89, 2020 243.09, 2021 319.97, 2022 384.67, 2023 396.60, 2024 415.38,
    # 2025 432.55 ($ billions)
    then = run("rank_in_series", {**TRADE_H1_2024, "through": "2024"}, "a record")
    assert then.verdict == "supported" and then.value == 1
    assert then.figure.extra["value"] == 415_377_999_680 and then.figure.extra["count"] == 6
    assert then.display.startswith(
        "January 2024 to June 2024: $415.4 billion, the highest of 6 January-to-June periods from 2019 to 2024"
    )
    assert "lowest January 2020 to June 2020 ($243.1 billion)" in then.display
    # the English sentence is the English rendering of its words; the Spanish names the span
    assert render(then.figure.words, "en") == then.display
    es = render(then.figure.words, "es")
    assert es.startswith(
        "enero de 2024 a junio de 2024: 415.4 mil millones de dólares, el más alto de 6 periodos de enero a junio"
    )
    # on the story's day: Census had released June 2024 on 7 August
    on_the_day = run("rank_in_series", TRADE_H1_2024, "a record", date(2024, 8, 12))
    assert on_the_day.verdict == "supported" and on_the_day.figure.extra["count"] == 6
    # a week earlier only January to May 2024 was out: the span is not complete
    early = run("rank_in_series", TRADE_H1_2024, "a record", date(2024, 8, 6))
    assert not early.figure.complete and early.figure.extra["value"] == 345_448_300_674
    # today January to June 2025 ($432.6 billion) is higher
    now = run("rank_in_series", TRADE_H1_2024, "a record")
    assert now.value == 2 and now.verdict == "not-supported" and now.figure.extra["count"] == 7
    # one month of every year: June 2024 ($69.93 billion) against the other Junes, June 2025
    # ($72.98 billion) the highest
    june = run("rank_in_series", {**TRADE_H1_2024, "period": "2024-06"}, "second-highest")
    assert june.verdict == "supported" and june.figure.extra["value"] == 69_929_699_006
    assert "of 7 June months from 2019 to 2025" in june.display
    # fiscal years: October to December of each, FY2020 150.14 to FY2026 219.75; FY2024's
    # 199.04 is behind FY2025 (207.60) and FY2026
    q1 = {**TRADE_H1_2024, "freq": "fiscal_year", "period": "2023-10..2023-12"}
    fy = run("rank_in_series", q1, "third-highest")
    assert fy.verdict == "supported" and fy.value == 3 and fy.figure.extra["value"] == 199_038_396_611
    assert "October 2023 to December 2023" in fy.display and "from FY2020 to FY2026" in fy.display
    # a first, with the same months
    assert run("first_time", {**TRADE_H1_2024, "period": "2024-01..2024-06"} | {"freq": "year"}, "true").value
    # a span across two years cannot be ranked year on year
    bad = run("rank_in_series", {**TRADE_H1_2024, "period": "2023-07..2024-06"}, "a record")
    assert bad.verdict == "error" and "runs across years" in bad.note


def test_change_words_a_difference_in_dollars():
    # June 2024 against June 2023, US–Mexico trade: $68,488,149,299 -> $69,929,699,006
    p = {"table": "trade_us_mexico_monthly", "column": "total_usd", "from": "2023-06", "to": "2024-06"}
    r = run("change", p, "up 2.1%")
    assert r.verdict == "supported" and r.figure.extra["difference"] == 1_441_549_707
    assert "+2.1% (1.02×, +$1.4 billion)" in r.display
    assert render(r.figure.words, "en") == r.display
    assert "(1.02 veces, +1.4 mil millones de dólares)" in render(r.figure.words, "es")
    # a fall in dollars keeps its sign; a count's difference stays a count
    down = run("change", {**p, "from": "2024-06", "to": "2023-06"}, "down 2.1%")
    assert "-$1.4 billion" in down.display
    trucks = {
        "table": "crossings_us_mexico",
        "column": "value",
        "where": {"port": "Laredo", "measure": "Trucks"},
        "from": "2023-06",
        "to": "2024-06",
    }
    assert "(0.99×, -1,369)" in run("change", trucks, "down 1%").display


def test_value_per_column_is_an_average_per_item():
    # December 2025: $5,384,222,296 over 13,376,445 transfers = $402.52 a transfer (the story's
    # $408 was Banxico's first figure); December 2024: $5,258,990,736 / 14,099,611 = $372.99
    p = {"table": "remittances_monthly", "column": "inflows_usd", "per_column": "inflows_transfers"}
    dec = run("value", {**p, "period": "2025-12"}, "$408")
    assert dec.verdict == "not-supported"
    assert dec.figure.value == pytest.approx(5_384_222_296 / 13_376_445)
    assert dec.display.startswith("$403 per inflows_transfers in remittances_monthly — inflows_usd")
    assert run("value", {**p, "period": "2024-12"}, "$373").verdict == "supported"
    # a year: its dollars over its transfers, not the mean of twelve monthly averages
    year = run("value", {**p, "period": "2025"}, "about $394")
    assert year.verdict == "supported" and year.figure.value == pytest.approx(62_471_698_979 / 158_609_803)
    es = render(dec.figure.words, "es")
    assert es.startswith("403 dólares por envíos de remesas recibidos en México")
    # per_column divides a sum: with per or agg it is a ledger fault, named
    assert run("value", {**p, "period": "2025", "agg": "max"}, "$400").verdict == "error"
    assert (
        "no column 'transfers'"
        in run("value", {**p, "per_column": "transfers", "period": "2025"}, "$400").note
    )


def test_change_per_column_compares_the_averages_per_item():
    # June 2024: $6,225,876,502 over 14,904,297 transfers = $417.72; June 2025: $5,253,491,820
    # over 12,927,222 = $406.39: -2.7% (a story's -2.39% and $409 were Banxico's first figures)
    p = {"table": "remittances_monthly", "column": "inflows_usd", "per_column": "inflows_transfers"}
    fell = run("change", {**p, "from": "2024-06", "to": "2025-06"}, "down 2.7%")
    assert fell.verdict == "supported"
    assert fell.figure.extra["from"] == pytest.approx(6_225_876_502 / 14_904_297)
    assert fell.figure.extra["to"] == pytest.approx(5_253_491_820 / 12_927_222)
    assert fell.display.startswith(
        "$418 per inflows_transfers in remittances_monthly in June 2024 → $406 per"
    )
    assert run("change", {**p, "from": "2024-06", "to": "2025-06"}, "down 2.39%").verdict == "not-supported"
    # the totals fell much more (-15.6%): without per_column the same test fails
    total = {k: v for k, v in p.items() if k != "per_column"}
    assert (
        run("change", {**total, "from": "2024-06", "to": "2025-06"}, "down 2.7%").verdict == "not-supported"
    )
    assert render(fell.figure.words, "es").startswith("418 dólares por envíos de remesas recibidos en México")
    # a daily average of an average is a ledger fault, named
    with pytest.raises(StoryError, match="leave per out"):
        run("change", {**p, "from": "2024-06", "to": "2025-06", "per": "day"}, "down 2.7%")


def test_change_months_counts_the_months_that_fell_or_rose():
    # Banxico, each month of 2025 against the same month of 2024: January +2.5%, March +3.2% and
    # December +2.4% rose; April to November fell (-11.6% ... -5.1%): eight running to November
    r = {"table": "remittances_monthly", "column": "inflows_usd"}
    run_ = run("change_months", {**r, "period": "2025-11", "direction": "fall", "consecutive": True}, "8")
    assert run_.verdict == "supported" and run_.figure.extra["months"][0] == "2025-04"
    assert run_.display.startswith("8 months running fell against the same month a year earlier, April 2025")
    rose = run("change_months", {**r, "period": "2025", "direction": "rise"}, "3")
    assert rose.verdict == "supported"
    assert rose.figure.extra["months"] == ["2025-01", "2025-03", "2025-12"]
    es = render(rose.figure.words, "es")
    assert es.startswith("3 de 12 meses subieron frente al mismo mes del año anterior")
    # on 21 January 2026 December was not out: two of eleven, which later months could change
    early = run("change_months", {**r, "period": "2025", "direction": "rise"}, "3", date(2026, 1, 21))
    assert early.verdict == "not-checkable" and early.figure.value == 2
    # the month before instead: March 2025 against February
    prev = run("change_months", {**r, "period": "2025-03", "direction": "rise", "against": "previous"}, "1")
    assert prev.verdict == "supported"
    # a yearly table has no months to count
    assert run("change_months", {"table": "darien_annual", "column": "migrants", "period": "2023",
                                 "direction": "fall"}, "1").verdict == "error"  # fmt: skip


REMITTANCES_2025 = {"table": "remittances_monthly", "column": "inflows_usd", "freq": "year", "period": "2025"}


def test_change_rank_finds_the_biggest_annual_fall_since_a_year():
    # Banxico's inflows (PROVENANCE: 2024 $65.02 bn, 2025 $62.47 bn): 2025 fell 3.9%, the
    # deepest fall since 2009's 15.5% ("the biggest annual decline in 16 years")
    since = run("change_rank", {**REMITTANCES_2025, "since": "2010"}, "the lowest")
    assert since.verdict == "supported"
    assert since.figure.extra["count"] == 16 and since.figure.extra["rank_from_bottom"] == 1
    assert since.figure.extra["change"] == pytest.approx(-3.9146, abs=1e-4)
    assert "2025: -3.9% against 2024 ($62.5 billion against $65.0 billion)" in since.display
    assert "highest 2021 (+25.9%)" in since.display
    # the test's own 'since' does the same; over the whole series 2009 fell further
    assert run("change_rank", REMITTANCES_2025, "the lowest since 2010").verdict == "supported"
    whole = run("change_rank", REMITTANCES_2025, "the lowest")
    assert whole.verdict == "not-supported" and whole.figure.extra["rank_from_bottom"] == 2
    assert "lowest 2009 (-15.5%)" in whole.display and "30 years from 1996 to 2025" in whole.display
    # a difference instead of a percent: the Border Patrol's FY2024 fell by 515,315 (2,045,838
    # -> 1,530,523), the largest fall in the monthly table's fiscal years
    fy = run(
        "change_rank",
        {"table": "usbp_southwest_monthly", "column": "encounters", "freq": "fiscal_year",
         "period": "FY2024", "measure": "difference"},
        "the lowest",
    )  # fmt: skip
    assert fy.verdict == "supported" and fy.figure.extra["change"] == -515_315


def test_change_rank_months_against_a_year_before_or_the_month_before():
    june = {"table": "remittances_monthly", "column": "inflows_usd", "freq": "month", "period": "2025-06"}
    # June 2025 against June 2024: -15.6%; three months since October 2009 fell further
    yoy = run("change_rank", {**june, "since": "2009-10"}, "the lowest")
    assert yoy.verdict == "not-supported" and yoy.figure.extra["rank_from_bottom"] == 4
    assert yoy.figure.extra["change"] == pytest.approx(-15.618, abs=1e-3)
    assert "June 2025: -15.6% against June 2024" in yoy.display
    prev = run("change_rank", {**june, "against": "previous"}, "the lowest")
    assert "June 2025: -2.8% against May 2025" in prev.display
    # a year has no month before: against previous is a ledger fault, named
    wrong = run("change_rank", {**REMITTANCES_2025, "against": "previous"}, "the lowest")
    assert wrong.verdict == "error" and "use freq month" in wrong.note
    # the first year of the series has nothing to be measured from
    first = run("change_rank", {**REMITTANCES_2025, "period": "1995"}, "the lowest")
    assert first.verdict == "not-checkable" and "no complete 1994" in first.note


def test_change_rank_as_the_story_could_know_it():
    # on 21 January 2026 December 2025 was not out: the year is not complete, so a fall that
    # holds on eleven months is supported with a caveat, never a plain 'supported'
    early = run("change_rank", {**REMITTANCES_2025, "since": "2010"}, "the lowest", date(2026, 1, 21))
    assert early.verdict == "supported-with-caveat" and not early.figure.complete
    assert "not complete yet" in early.display
    es = render(early.figure.words, "es")
    assert "frente a 2024" in es and "el cambio más bajo de 16 años, de 2010 a 2025" in es


def test_rank_in_series_fiscal_years_ranks_only_complete_ones():
    p = {
        "table": "cbp_southwest_monthly",
        "column": "total",
        "freq": "fiscal_year",
        "period": "FY2023",
        "through": "2023-12",
    }
    r = run("rank_in_series", p, "the highest")
    assert r.value == 1 and "of 4 fiscal years" in r.display and "2,475,669" in r.display
    annual = run(
        "rank_in_series",
        {
            "table": "usbp_southwest_annual",
            "column": "apprehensions",
            "freq": "fiscal_year",
            "period": "FY2022",
        },
        "a record",
    )
    assert annual.verdict == "supported" and annual.figure.extra["count"] == 65  # FY1960-FY2024
    assert (
        run(
            "rank_in_series",
            {
                "table": "usbp_southwest_annual",
                "column": "apprehensions",
                "freq": "fiscal_year",
                "period": "FY2022",
            },
            "a record",
            date(2022, 10, 19),
        ).verdict
        == "not-checkable"
    )


def test_streak_and_its_cut():
    p = {
        "table": "darien_monthly",
        "column": "migrants",
        "by": "nationality_iso3",
        "group": "VEN",
        "through": "2023-12",
    }
    assert run("streak", p, "11").value == 11  # February to December 2023
    assert run("streak", {**p, "through": "2024-12"}, "23").value == 23
    assert run("streak", p, "11", date(2023, 12, 28)).verdict == "not-checkable"


def test_first_time_and_its_cut():
    p = {"table": "darien_annual", "column": "migrants", "period": "2023"}
    assert run("first_time", p, "for the first time").value is True
    assert run("first_time", {**p, "period": "2024"}, "true").verdict == "not-supported"
    assert run("first_time", p, "true", date(2023, 12, 28)).verdict == "not-checkable"


# --- closures -------------------------------------------------------------------------------


def test_closure_fields_and_the_ledger_as_known_then():
    p = {"id": "eagle-pass-rail-2023-12", "field": "duration_days"}
    assert run("closure", p, "5").value == 5
    early = run("closure", p, "5", date(2023, 12, 20))
    assert early.verdict == "not-checkable" and "no reopening reported" in early.note
    hours = run("closure", {**p, "field": "duration_hours"}, "about 100")
    assert 100 <= hours.value <= 101
    start = run("closure", {**p, "field": "start"}, "18 December 2023")
    assert start.value == date(2023, 12, 18) and start.verdict == "supported"
    assert run("closure", {**p, "field": "mode"}, "is rail").verdict == "supported"
    both = run("closure", {"mode": "rail", "on": "2023-12-20", "field": "duration_days"}, "5")
    assert both.value == 5 and {s["closure"] for s in both.sources} == {
        "eagle-pass-rail-2023-12",
        "el-paso-rail-2023-12",
    }


def test_closure_that_matches_rows_that_differ_is_an_error():
    r = run("closure", {"port": "Eagle Pass", "field": "start"}, "18 December 2023")
    assert r.verdict == "error" and "give one id" in r.error


def test_closures_in_window_then_and_now():
    p = {"start": "2023-12-01", "end": "2023-12-27", "mode": ["vehicle", "pedestrian", "whole port"]}
    now = run("closures_in_window", p, "at least 1")
    assert now.value == 4
    assert "04 Jan" not in now.display and "4 January 2024" in now.display
    then = run("closures_in_window", p, "at least 1", date(2023, 12, 28))
    assert then.value == 4 and "still closed then" in then.display
    assert run("closures_in_window", p, "at least 1", date(2023, 11, 26)).value == 1


# --- sources come from what was read --------------------------------------------------------


def test_sources_are_the_tables_and_ledger_rows_read():
    r = run("value", DARIEN_2023, "more than 500,000")
    assert {s["table"] for s in r.sources} == {"darien_monthly"}
    assert all(s["url"].startswith("https://") and s["sha256"] and s["retrieved_at"] for s in r.sources)
    two = evaluate_entry(
        {
            "metric": "change",
            "params": {
                "table": "darien_monthly",
                "column": "migrants",
                "from": "2022",
                "to": "2023",
                "measure": "ratio",
            },
            "test": "doubled",
            "also": [
                {
                    "metric": "rank_in_series",
                    "params": {
                        "table": "darien_annual",
                        "column": "migrants",
                        "freq": "year",
                        "period": "2022",
                        "through": "2022",
                    },
                    "test": "the highest",
                }
            ],
        },
        None,
    )
    assert {s["table"] for s in two.sources} == {"darien_monthly", "darien_annual"}
    rail = run(
        "closure", {"id": "eagle-pass-rail-2023-12", "field": "start"}, "18 December 2023", date(2023, 12, 28)
    )
    assert {s["closure"] for s in rail.sources} == {"eagle-pass-rail-2023-12"}
    # a citation dated after the as-of day (the reopening's) is not cited then
    assert all(s["date"] <= "2023-12-28" for s in rail.sources)


def test_a_hand_written_tables_list_must_agree():
    entry = {"metric": "value", "params": DARIEN_2023, "test": "more than 500,000"}
    assert evaluate_entry({**entry, "tables": ["darien_monthly"]}, None).verdict == "supported"
    wrong = evaluate_entry({**entry, "tables": ["darien_annual"]}, None)
    assert wrong.verdict == "error" and "read darien_monthly" in wrong.error


def test_reader_records_tables_and_cuts_every_one():
    reader = Reader(Vintage(date(2023, 12, 28)))
    df = reader.table("usbp_southwest_annual")
    assert df["fiscal_year"].max() == 2023 and reader.tables == ["usbp_southwest_annual"]
    assert reader.table("darien_monthly")["month"].max().strftime("%Y-%m") == "2023-11"


def test_periods():
    assert parse_period("FY2023").months()[0].strftime("%Y-%m") == "2022-10"
    assert len(parse_period("2023-01..2023-11").months()) == 11
    assert parse_period(date(2023, 12, 18)).day == date(2023, 12, 18)
    for bad in ("2023-13", "FY", "2024..2023", "last year"):
        with pytest.raises(ValueError):
            parse_period(bad)


def test_a_partial_sum_already_past_the_claim_is_refuted():
    """Later months can only add to a sum: 'fewer than 450,000 in 2023' was already false on
    28 December 2023, with eleven months published."""
    r = run("value", DARIEN_2023, "fewer than 450,000", date(2023, 12, 28))
    assert r.verdict == "not-supported" and "already exceed" in r.note
    # ... but a claim the rest of the year could still make true stays not-checkable
    assert run("value", DARIEN_2023, "more than 500,000", date(2023, 12, 28)).verdict == "not-checkable"
    assert run("value", DARIEN_2023, "520,085", date(2023, 12, 28)).verdict == "not-checkable"
    assert run("value", DARIEN_2023, "480,000", date(2023, 12, 28)).verdict == "not-supported"
