"""Licences and reuse: the code's licence and citation file exist, every source declares its
terms, and the README's table and datapackage.json say the same as the declarations."""

from __future__ import annotations

import json

import yaml

from migrationdata import catalog, cli, terms
from migrationdata.paths import REPO_DIR


def test_the_code_has_a_licence_and_a_citation_file_that_agree_with_pyproject():
    assert (REPO_DIR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    cff = yaml.safe_load((REPO_DIR / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == "MIT"
    assert 'license = "MIT"' in (REPO_DIR / "pyproject.toml").read_text(encoding="utf-8")


def test_every_source_and_nothing_else_has_terms():
    assert set(terms.SOURCE_TERMS) == set(catalog.SOURCE_IDS)
    for sid, t in terms.SOURCE_TERMS.items():
        assert t.licence and t.credit and t.reuse, sid
        assert t.url.startswith("https://"), sid
        assert t.package_licence in ("other-pd", "other-at", "CC-BY-4.0"), sid


def test_the_federal_sources_are_public_domain_and_iom_is_cc_by():
    for sid in ("cbp", "bts", "trade"):
        assert terms.SOURCE_TERMS[sid].package_licence == "other-pd"
        assert "17 U.S.C. 105" in terms.SOURCE_TERMS[sid].licence
    assert terms.SOURCE_TERMS["missing_migrants"].package_licence == "CC-BY-4.0"
    assert "IOM's Missing Migrants Project" in terms.SOURCE_TERMS["missing_migrants"].reuse


def test_the_readme_table_is_the_one_the_declarations_print(capsys):
    assert cli.main(["sources", "--reuse-table"]) == 0
    printed = capsys.readouterr().out
    assert printed == terms.reuse_table()
    readme = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    assert printed in readme, (
        "README.md's 'Reuse and licences' table differs from src/migrationdata/terms.py: paste "
        "the output of `migrationdata sources --reuse-table` there"
    )
    for sid in catalog.SOURCE_IDS:
        assert f"| `{sid}` |" in printed


def test_datapackage_gives_each_resource_its_sources_terms_and_credit():
    package = json.loads((REPO_DIR / "data" / "processed" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    seen = set()
    for res in package["resources"]:
        t = terms.SOURCE_TERMS[res["source_id"]]
        seen.add(res["source_id"])
        assert res["credit"] == t.credit
        assert res["reuse"] == t.reuse
        if res["name"] == "cbp_southwest_provisional":
            # a third party's sums: its own (unstated) terms, not CBP's public domain
            assert res["licenses"][0]["name"] == "other"
            assert "not stated" in res["licenses"][0]["title"]
        else:
            assert res["licenses"] == [t.package_entry()], res["name"]
    assert seen == set(catalog.SOURCE_IDS)
