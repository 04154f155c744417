"""Ingest: the only code in the project that talks to the network (``requests``/``urllib3``).

- ``guards``: https only, credentials hidden, HTML error pages and wrong file types caught,
  archives and compressed files bounded and kept inside their folder, names from the network
  plain, the staging folder real;
- ``http``: the session (timeouts, retries) and the ``Fetcher`` that stages one source's files;
- ``journal``: the journalled commit (checked first, undone on failure) and the record of what
  the tables were parsed from;
- ``refresh``: ``fetch_source``, one source end to end, one at a time (a lock), all or nothing,
  held to the source's revision policy.
"""

from migrationdata.changes import TableChange, compare_tables
from migrationdata.fetch.guards import (
    check_magic,
    check_name,
    check_staging,
    check_unpacked,
    check_url,
    looks_like_html,
    redact,
    redact_url,
    safe_extract_zip,
    secrets_from_env,
)
from migrationdata.fetch.http import USER_AGENT, Fetcher, FileResult, Mirror, make_session
from migrationdata.fetch.journal import JOURNAL, processing_fingerprint
from migrationdata.fetch.refresh import SourceReport, fetch_source
from migrationdata.store import read_manifest, sha256_file, write_bytes_atomic, write_json_atomic

__all__ = [
    "JOURNAL",
    "USER_AGENT",
    "Fetcher",
    "FileResult",
    "Mirror",
    "SourceReport",
    "TableChange",
    "check_magic",
    "check_name",
    "check_staging",
    "check_unpacked",
    "check_url",
    "compare_tables",
    "fetch_source",
    "looks_like_html",
    "make_session",
    "processing_fingerprint",
    "read_manifest",
    "redact",
    "redact_url",
    "safe_extract_zip",
    "secrets_from_env",
    "sha256_file",
    "write_bytes_atomic",
    "write_json_atomic",
]
