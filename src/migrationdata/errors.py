"""Errors a reporter can act on.

Every error says which source, which URL or file, what was expected, what arrived and what
to do. The CLI prints the message and nothing else; no stack trace reaches a reporter.
"""

from __future__ import annotations


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
