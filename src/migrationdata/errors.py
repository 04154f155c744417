"""Errors a reporter can act on.

Every error says which source, which URL or file, what was expected, what arrived and what
to do. The CLI prints the message and nothing else; no stack trace reaches a reporter.
"""

from __future__ import annotations

from pathlib import Path

from migrationdata.paths import REPO_DIR


def shown(path: Path | str) -> str:
    """A path as a reporter reads it: relative to the repository when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO_DIR))
    except ValueError:
        return str(path)


class MigrationDataError(Exception):
    """Base class: an error whose message is meant to be read by a person."""


class FetchError(MigrationDataError):
    """A download failed or delivered something that is not the expected file."""

    def __init__(self, source: str, url: str, problem: str, remedy: str = "") -> None:
        self.source = source
        self.url = url
        self.problem = problem
        self.remedy = remedy or (
            "Try again later; if it keeps failing, check the URL in a browser or fetch "
            "from a mirror with --mirror DIR|URL. The last good data is unchanged."
        )
        super().__init__(f"[{source}] {url}: {problem} What to do: {self.remedy}")


class DataError(MigrationDataError):
    """A file arrived but its content is not what the parser expects (schema drift,
    negative counts, duplicate keys, unknown months...)."""

    def __init__(self, file: str, problem: str, rows: object | None = None) -> None:
        self.file = file
        self.problem = problem
        self.rows = rows
        detail = f" Offending rows:\n{rows}" if rows is not None and str(rows) else ""
        super().__init__(f"{file}: {problem}{detail}")


class LoadError(MigrationDataError):
    """A processed table is missing or unreadable."""


class DraftError(MigrationDataError):
    """A story text handed to ``migrationdata draft`` cannot be read as a story (empty, not
    text, too long, not English or Spanish) or its publication date does not parse."""


class BuildError(MigrationDataError):
    """A notebook failed; the message names it, the cell and the error."""


class StoryError(MigrationDataError):
    """A story file is wrong. ``problems`` lists (claim id or "", field, message)."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str, str]]) -> None:
        self.path = Path(path)
        self.problems = problems
        lines = [f"{shown(self.path)}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"]
        for claim, fld, msg in problems:
            where = " ".join(
                x for x in (f"claim {claim!r}" if claim else "", f"field {fld!r}" if fld else "") if x
            )
            lines.append(f"  - {where + ': ' if where else ''}{msg}")
        super().__init__("\n".join(lines))


class ReportError(MigrationDataError):
    """Some stories could not be reported; the others were written."""


class MetricError(MigrationDataError):
    """A metric was asked something its table cannot answer (an unknown column or group)."""


class NumberError(MigrationDataError, ValueError):
    """A number or a test the parser cannot read."""


class TestTypeError(MigrationDataError, TypeError):
    """A test that cannot apply to the figure (a percentage test on a count, a rank test on
    a sum, a date test on a number): an error in the ledger, never a quiet "not-supported"."""

    __test__ = False  # not a pytest class


class TranslationError(MigrationDataError):
    """A text has no translation in an edition's message catalog, or its fields differ from
    the English; the message names the key, the language and the catalog file."""


class EmbedError(MigrationDataError):
    """A chart's interactive embed cannot be made: no declaration for its slug, a column the
    declaration plots is missing from the chart's CSV, or the Vega-Lite library is missing."""
