"""The ``migrationdata`` command: sources, fetch, build, check."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap

from migrationdata import __version__

DESCRIPTION = """\
Data behind the story on US-Mexico talks about migration and trade (December 2023).

  migrationdata sources          list every source, its publisher, URL and last retrieval
  migrationdata fetch [SOURCE]   download, check and process the official data
  migrationdata build            run the notebooks: every chart and the fact-check report
  migrationdata check            check each of the story's claims against the data

Charts and tables are already committed: you need `fetch` only to refresh the data.
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="migrationdata",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"migrationdata {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser(
        "sources",
        help="list the sources with publisher, URL, last retrieval and checksum",
        description="List every source the project reads: who publishes it, where, under what "
        "terms, and when each file was last retrieved (with its sha256).",
    )
    s.set_defaults(func=cmd_sources)

    f = sub.add_parser(
        "fetch",
        help="download, check and process the official data",
        description=textwrap.dedent(
            """\
            Download each source's files (or copy them from a mirror), check them, and rebuild
            the processed tables in data/processed/. A source that fails leaves its last good
            data untouched; the others go on. Exit status is 1 if any source failed.

            What changed is listed per table (new months, revised values). A new release
            that would remove rows already in a table is refused, as a download cut short
            looks just like that; --allow-loss accepts it when the publisher really
            withdrew those rows."""
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    f.add_argument("sources", nargs="*", metavar="SOURCE", help="source ids (default: all)")
    f.add_argument(
        "--mirror",
        default=os.environ.get("MIGRATIONDATA_MIRROR") or None,
        metavar="DIR|URL",
        help="read <mirror>/<source>/<file> instead of the publishers' URLs: a folder, file:// "
        "or http(s):// base (default: $MIGRATIONDATA_MIRROR)",
    )
    f.add_argument(
        "--allow-loss",
        action="store_true",
        help="accept a release that removes rows from a processed table (the publisher withdrew "
        "them); without it such a release is refused",
    )
    f.add_argument(
        "--reprocess",
        action="store_true",
        help="parse the files again even when their bytes, the parsing code and the tables are "
        "unchanged (by default that parse is skipped: it could only give the same tables)",
    )
    f.set_defaults(func=cmd_fetch)

    b = sub.add_parser(
        "build",
        help="run the notebooks and write every chart and the fact-check report",
        description="Execute the notebooks headless (skipping those whose inputs are unchanged) "
        "and write figures/ and reports/. With --as-of the charts and the report show the data as "
        "published by that date and go to build/as-of-DATE/ (or --output), never to the committed "
        "figures/ and reports/.",
    )
    b.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        help="notebooks run at once (default: one per core; two per core with --kernel)",
    )
    b.add_argument("--only", action="append", metavar="NAME", help="run only this notebook (repeatable)")
    b.add_argument(
        "--as-of",
        metavar="DATE",
        default=None,
        help="only the data published by DATE (YYYY-MM-DD); written to build/as-of-DATE/ unless --output",
    )
    b.add_argument(
        "--output",
        metavar="DIR",
        default=None,
        help="write the charts to DIR/figures and the report to DIR/reports (default: figures/ and reports/)",
    )
    b.add_argument("--force", action="store_true", help="run even the notebooks that look up to date")
    b.add_argument(
        "--kernel",
        action="store_true",
        help="run each notebook in a Jupyter kernel (nbclient) instead of a process forked from "
        "one that has already imported the libraries: slower, the same charts",
    )
    b.set_defaults(func=cmd_build)

    c = sub.add_parser(
        "check",
        help="check the story's claims against the data",
        description="Evaluate every claim in data/claims.yaml and print its verdict. Exit status "
        "is 1 if a computed verdict differs from the recorded one.",
    )
    c.add_argument("--json", action="store_true", help="print JSON instead of a table")
    c.add_argument("--as-of", metavar="DATE", default=None, help="only data published by DATE")
    c.add_argument("--claim", action="append", metavar="ID", help="check only this claim (repeatable)")
    c.add_argument("--ledger", metavar="FILE", default=None, help="claims file (default: data/claims.yaml)")
    c.set_defaults(func=cmd_check)
    return p


def cmd_sources(args) -> int:
    from migrationdata.catalog import all_sources
    from migrationdata.fetch import read_manifest

    manifest = read_manifest()
    for src in all_sources():
        print(f"{src.id}: {src.title}")
        print(f"  publisher:    {src.publisher}")
        if src.carrier:
            print(f"  carried by:   {src.carrier}")
        print(f"  landing page: {src.landing_page}")
        print(f"  terms:        {src.licence}")
        print(f"  tables:       {', '.join(t.name for t in src.tables)}")
        for rf in src.files:
            entry = manifest.get("files", {}).get(f"{src.id}/{rf.name}")
            print(f"  - {rf.name}")
            print(f"      url:       {rf.url}")
            if entry:
                print(f"      retrieved: {entry['retrieved_at']}  sha256 {entry['sha256']}")
                if entry.get("mirror"):
                    print(f"      (from the mirror {entry['mirror']})")
            else:
                print("      retrieved: never")
        print()
    return 0


def cmd_fetch(args) -> int:
    from migrationdata.catalog import all_sources, get_source
    from migrationdata.errors import MigrationDataError
    from migrationdata.fetch import fetch_source

    try:
        chosen = [get_source(s) for s in args.sources] if args.sources else all_sources()
    except KeyError as exc:
        print(f"migrationdata fetch: {exc.args[0]}", file=sys.stderr)
        return 2
    reports = []
    for src in chosen:
        where = f"mirror {args.mirror}" if args.mirror else "publisher"
        print(f"fetching {src.id} from the {where} ...", file=sys.stderr, flush=True)
        try:
            rep = fetch_source(src, mirror=args.mirror, allow_loss=args.allow_loss, reprocess=args.reprocess)
        except MigrationDataError as exc:  # pragma: no cover - fetch_source catches its own
            print(str(exc), file=sys.stderr)
            return 1
        reports.append(rep)
        for warning in getattr(rep, "warnings", ()):
            print(f"  warning: {warning}", file=sys.stderr)
        if rep.error:
            print(f"  FAILED: {rep.error}", file=sys.stderr)
    print(f"{'source':<10} {'status':<10} {'rows':>9} {'time':>7}")
    for rep in reports:
        print(f"{rep.source:<10} {rep.status:<10} {rep.rows:>9,} {rep.seconds:>6.1f}s")
    changed = [(name, change) for rep in reports for name, change in rep.changes.items()]
    if changed:
        # what a data editor checks after a refresh: new months, revisions, anything removed
        print("\nWhat changed:")
        for name, change in changed:
            print(f"  {name}: {change}")
    failed = [r.source for r in reports if r.status == "failed"]
    if failed:
        print(
            f"\n{len(failed)} source(s) failed: {', '.join(failed)}. Their last good data is "
            "unchanged; see the messages above.",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_build(args) -> int:
    from migrationdata import build

    return build.run_cli(args)


def cmd_check(args) -> int:
    from migrationdata import claims

    return claims.run_cli(args)


def main(argv: list[str] | None = None) -> int:
    from migrationdata.errors import MigrationDataError

    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except MigrationDataError as exc:
        print(f"migrationdata {args.command}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader stopped early (e.g. `migrationdata sources | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
