"""Remittances to and from Mexico (Banco de México).

Figures checked against ../shared/data/remittances/PROVENANCE.md: inflows of $63.32 billion in
2023, $65.02 billion in 2024 and $62.47 billion in 2025 (totals of the monthly series). The
fixtures are four months of the monthly file and two quarters of three states, copied from the
mirror, and an SIE API answer written in the API's documented shape with the same months'
inflows in millions (the last month "N/E", as SIE marks a figure not yet available).
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import secrets
import threading
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

from migrationdata.errors import DataError, FetchError
from migrationdata.fetch import fetch_source
from migrationdata.paths import REPO_DIR
from migrationdata.sources import remittances as rem

FIXTURES = Path(__file__).parents[1] / "fixtures" / "remittances"
FILES = (rem.MONTHLY_FILE, rem.STATES_FILE)


# --- the committed tables, through the loaders --------------------------------------------


def test_annual_inflows_match_provenance():
    annual = rem.annual().set_index("year")
    billions = (annual["inflows_usd"] / 1e9).round(2)
    assert (billions[2023], billions[2024], billions[2025]) == (63.32, 65.02, 62.47)
    assert billions[2026] == 25.29 and annual.loc[2026, "months"] == 5  # January to May 2026
    assert rem.record_year() == 2024  # 2025 was the first fall in over a decade


def test_monthly_series_shape():
    df = rem.monthly()
    assert df["month"].min() == pd.Timestamp("1995-01-01")
    assert df["month"].max() == pd.Timestamp("2026-05-01")
    jan95 = df.iloc[0]
    assert (jan95["inflows_usd"], jan95["inflows_transfers"]) == (254_572_352, 767_893)
    before = df[df["month"] < pd.Timestamp("2013-01-01")]
    assert before["outflows_usd"].isna().all()  # outflows are published from 2013
    assert df.loc[df["month"] >= pd.Timestamp("2013-01-01"), "outflows_usd"].notna().all()


def test_states_add_up_to_most_of_the_inflows():
    states = rem.by_state()
    q = states.groupby("quarter")["usd"].sum()
    m = rem.monthly()
    national = m.groupby(m["month"].dt.to_period("Q").dt.start_time)["inflows_usd"].sum()
    share = q / national[q.index]
    assert share.between(0.93, 0.99).all()  # the rest comes from outside the United States
    top = states[states["quarter"].dt.year == 2024].groupby("state")["usd"].sum().idxmax()
    assert top == "California"


def test_fetch_from_mirror_reproduces_committed_tables(mirror, tmp_data):
    report = fetch_source(rem.SOURCE, mirror=str(mirror), base=tmp_data)
    assert report.status == "updated", report.error
    for table in rem.SOURCE.tables:
        fresh = (tmp_data / "processed" / f"{table.name}.csv").read_bytes()
        assert fresh == (REPO_DIR / "data" / "processed" / f"{table.name}.csv").read_bytes(), table.name
    t0 = time.monotonic()  # an unchanged refresh re-reads nothing it need not: under 2 s
    assert fetch_source(rem.SOURCE, mirror=str(mirror), base=tmp_data).status == "unchanged"
    assert time.monotonic() - t0 < 2.0


def test_urls_publisher_first_and_pinned():
    assert rem.SOURCE.landing_page.startswith("https://www.banxico.org.mx/")
    assert rem.SOURCE.download is not None  # a live refresh starts at Banxico's API
    for rf in rem.SOURCE.files:
        assert f"/{rem.REMESAS_COMMIT}/" in rf.url


# --- parsers on fixtures ------------------------------------------------------------------


@pytest.fixture
def from_october_2024(monkeypatch):
    monkeypatch.setattr(rem, "FIRST_MONTH", pd.Timestamp("2024-10-01"))


def test_parsers_on_fixtures():
    m = rem.parse_monthly(FIXTURES / rem.MONTHLY_FILE)
    assert len(m) == 4 and m["outflows_transfers"].notna().all()
    s = rem.parse_states(FIXTURES / rem.STATES_FILE)
    assert (
        s.set_index(["quarter", "state_code"]).loc[(pd.Timestamp("2025-01-01"), "XX"), "state"]
        == "Not identified"
    )


def test_sie_answer_checks_and_extends(from_october_2024):
    sie = rem.parse_sie(FIXTURES / rem.SIE_FILE)
    assert len(sie) == 5  # March 2025 is N/E: not yet available, left out
    assert sie.iloc[0]["value"] == 5_765.50
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the API and the table agree: no warning
        tables = rem.process({**{f: FIXTURES / f for f in FILES}, rem.SIE_FILE: FIXTURES / rem.SIE_FILE})
    m = tables["remittances_monthly"].set_index("month")
    feb = m.loc[pd.Timestamp("2025-02-01")]
    assert feb["inflows_usd"] == 4_490_900_000 and pd.isna(feb["outflows_usd"])
    assert m.loc[pd.Timestamp("2025-01-01"), "inflows_usd"] == 4_697_875_942  # the table's own figure


def test_sie_disagreement_is_reported(tmp_path, from_october_2024):
    doc = json.loads((FIXTURES / rem.SIE_FILE).read_text())
    doc["bmx"]["series"][0]["datos"][1]["dato"] = "5,900.00"  # November 2024 revised up
    sie = tmp_path / rem.SIE_FILE
    sie.write_text(json.dumps(doc))
    with pytest.warns(UserWarning, match="2024-11"):
        rem.process({**{f: FIXTURES / f for f in FILES}, rem.SIE_FILE: sie})


# --- bad input --------------------------------------------------------------------------


def _edit(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (FIXTURES / name).read_text()
    assert old in text
    out = tmp_path / name
    out.write_text(text.replace(old, new))
    return out


def test_html_page_instead_of_csv(tmp_path):
    bad = tmp_path / rem.MONTHLY_FILE
    bad.write_text("<html><body>Servicio no disponible</body></html>\n")
    with pytest.raises(DataError, match="columns .* are missing"):
        rem.parse_monthly(bad)


def test_renamed_column(tmp_path):
    bad = _edit(tmp_path, rem.MONTHLY_FILE, "VALOR_USD", "VALOR")
    with pytest.raises(DataError, match=r"columns \['VALOR_USD'\] are missing"):
        rem.parse_monthly(bad)


def test_unknown_state_code(tmp_path):
    bad = _edit(tmp_path, rem.STATES_FILE, "2025-01-01,TX,Texas", "2025-01-01,TJ,Tejas")
    with pytest.raises(DataError, match=r"unknown state codes \['TJ'\]"):
        rem.parse_states(bad)


def test_month_withdrawn_from_the_middle(tmp_path):
    text = (FIXTURES / rem.MONTHLY_FILE).read_text()
    bad = tmp_path / rem.MONTHLY_FILE
    bad.write_text("".join(line for line in text.splitlines(True) if not line.startswith("2024-11")))
    with pytest.raises(DataError, match="no rows for November 2024"):
        rem.parse_monthly(bad)


def test_counts_as_text(tmp_path):
    bad = _edit(tmp_path, rem.MONTHLY_FILE, ",5765495879", ",N/D")
    with pytest.raises(DataError, match="whole numbers"):
        rem.parse_monthly(bad)


def test_not_a_sie_answer(tmp_path):
    bad = tmp_path / rem.SIE_FILE
    bad.write_text('{"error": {"mensaje": "Token inválido"}}')
    with pytest.raises(DataError, match="not a Banxico SIE API answer"):
        rem.parse_sie(bad)


# --- the token ------------------------------------------------------------------------------


def test_no_token_is_a_clear_stop_before_any_download(monkeypatch, tmp_data):
    monkeypatch.delenv(rem.ENV_VARIABLE, raising=False)
    with pytest.raises(FetchError) as caught:
        rem.token()
    msg = str(caught.value)
    assert msg.startswith("[remittances] https://www.banxico.org.mx/SieAPIRest/")
    assert "BANXICO_TOKEN" in msg and rem.SIE_SIGNUP_PAGE in msg and "What to do:" in msg
    # through the whole fetch: refused, nothing written
    report = fetch_source(rem.SOURCE, base=tmp_data)
    assert report.status == "failed" and "BANXICO_TOKEN" in report.error
    assert not any(p.is_file() for p in (tmp_data / "processed").rglob("*.csv"))
    assert not (tmp_data / "manifest.json").exists()


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[bytes, str]] = {}
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        path = self.path.split("?")[0]
        body, ctype = self.routes.get(path, (b"", ""))
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", ctype or "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def banxico_on_loopback():
    """Banxico's API and the republished files, served on this machine."""
    _Handler.routes = {
        "/series/SE27803/datos": ((FIXTURES / rem.SIE_FILE).read_bytes(), "application/json"),
        **{f"/data/{f}": ((FIXTURES / f).read_bytes(), "text/csv") for f in FILES},
    }
    _Handler.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_live_refresh_reads_the_api_and_never_keeps_the_token(
    banxico_on_loopback, monkeypatch, tmp_data, from_october_2024
):
    base = banxico_on_loopback
    secret = secrets.token_hex(32)  # the shape of a SIE token
    monkeypatch.setenv(rem.ENV_VARIABLE, secret)
    files = tuple(dataclasses.replace(rf, url=f"{base}/data/{rf.name}") for rf in rem.SOURCE.files)

    def download(fetcher):
        return rem.download_from(fetcher, api=f"{base}/series/{{series}}/datos", files=files)

    source = dataclasses.replace(rem.SOURCE, files=files, download=download)
    report = fetch_source(source, base=tmp_data)
    assert report.status == "updated", report.error
    assert any(f"token={secret}" in p for p in _Handler.seen)  # the API got it
    for path in tmp_data.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path
    manifest = json.loads((tmp_data / "manifest.json").read_text())
    assert manifest["files"]["remittances/sie_se27803.json"]["url"] == f"{base}/series/SE27803/datos"
    monthly = pd.read_csv(tmp_data / "processed" / "remittances_monthly.csv")
    assert monthly["month"].tolist()[-1] == "2025-02-01"  # the month only the API had

    # a failing API names its URL without the token
    _Handler.routes.pop("/series/SE27803/datos")
    failed = fetch_source(source, base=tmp_data)
    assert failed.status == "failed" and "HTTP 404" in failed.error
    assert secret not in failed.error
    assert failed.error.startswith(f"[remittances] {base}/series/SE27803/datos: ")
