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


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    return x if isinstance(x, str | int | float | bool | type(None)) else str(x)


def test_committed_stories_validate_against_the_schema():
    import json

    import jsonschema

    from migrationdata.claims.story import read_yaml

    schema = json.loads(schema_path().read_text())
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    for path in (REPO_DIR / "stories").glob("*/story.yaml"):
        errors = [e.message for e in validator.iter_errors(_jsonable(read_yaml(path)))]
        assert not errors, (path, errors[:3])
    bad = _jsonable(read_yaml(REPO_DIR / "stories" / "us-mexico-talks-2023-12" / "story.yaml"))
    bad["claims"][0]["params"]["colum"] = "x"
    assert any("colum" in e.message for e in validator.iter_errors(bad))
