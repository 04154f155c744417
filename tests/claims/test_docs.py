"""docs/claims.md and stories/story.schema.json are generated from the code and kept current."""

from __future__ import annotations

from migrationdata.claims import METRICS, docs_markdown, schema_path, schema_text
from migrationdata.claims.report import docs_path
from migrationdata.paths import REPO_DIR


def test_docs_claims_md_is_current():
    assert docs_path().read_text() == docs_markdown(), "run `migrationdata metrics --write-docs`"


def test_docs_cover_every_metric_and_the_rules():
    text = docs_markdown()
    for name in METRICS:
        assert f"### `{name}`" in text
    for phrase in (
        "nearly / almost / casi",
        "the highest / a record",
        "not-checkable",
        "## Worked example",
        "stories/<slug>/story.yaml",
    ):
        assert phrase in text


def test_story_schema_is_current():
    assert schema_path().read_text() == schema_text(), "run `migrationdata metrics --write-docs`"


def test_every_story_points_editors_at_the_schema():
    for path in (REPO_DIR / "stories").glob("*/story.yaml"):
        assert path.read_text().startswith("# yaml-language-server: $schema=../story.schema.json"), path
