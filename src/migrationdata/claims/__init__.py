"""Fact-checking stories against the data: one ledger per story, in YAML, no Python.

``stories/<slug>/story.yaml`` lists a story's claims, each with a metric from the generic
vocabulary (:data:`METRICS`), a test in newsroom language ("more than 500,000", "the lowest
since 2020", "down 42%") and its recorded verdicts, for the day the story ran and now.
``migrationdata check`` recomputes them; ``migrationdata build`` writes a report per story.

- :mod:`.numbers`: the number and test parser (English and Spanish);
- :mod:`.metrics`: the metrics, their parameter models, the as-of cut of every table read;
- :mod:`.story`: the file model and its load-time checks, the JSON Schema;
- :mod:`.evaluate`: verdicts, and the sources cited from what each metric read;
- :mod:`.report`: Markdown, HTML and ClaimReview JSON-LD reports, ``docs/claims.md``.
"""

from migrationdata.claims.evaluate import Result, evaluate_claim, evaluate_entry, evaluate_story, sources_for
from migrationdata.claims.metrics import (
    METRICS,
    Figure,
    MetricError,
    NotCheckable,
    Period,
    Reader,
    describe,
    parse_period,
)
from migrationdata.claims.numbers import (
    NumberError,
    Test,
    TestTypeError,
    check,
    parse_number,
    parse_quantity,
    parse_test,
)
from migrationdata.claims.report import docs_markdown, write_docs, write_reports
from migrationdata.claims.story import (
    VERDICTS,
    Claim,
    Story,
    StoryError,
    json_schema,
    load_stories,
    load_story,
    schema_path,
    schema_text,
    stories_dir,
)

__all__ = [
    "METRICS",
    "VERDICTS",
    "Claim",
    "Figure",
    "MetricError",
    "NotCheckable",
    "NumberError",
    "Period",
    "Reader",
    "Result",
    "Story",
    "StoryError",
    "Test",
    "TestTypeError",
    "check",
    "describe",
    "docs_markdown",
    "evaluate_claim",
    "evaluate_entry",
    "evaluate_story",
    "json_schema",
    "load_stories",
    "load_story",
    "parse_number",
    "parse_period",
    "parse_quantity",
    "parse_test",
    "schema_path",
    "schema_text",
    "sources_for",
    "stories_dir",
    "write_docs",
    "write_reports",
]
