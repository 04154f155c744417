"""The ``migrationdata`` command: sources, fetch, build, check."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap

from migrationdata import __version__

DESCRIPTION = """\
Official migration and trade data, and fact-checks of the stories written from them.

  migrationdata sources          list every source, its publisher, URL and last retrieval
  migrationdata fetch [SOURCE]   download, check and process the official data
  migrationdata build            run the notebooks: every chart and the fact-check report
  migrationdata check            check each story's claims against the data (stories/)
  migrationdata metrics          the fact-check metrics, their parameters and examples
  migrationdata changes          what each refresh added, revised or withdrew
  migrationdata update           refresh, redraw, check, and write a digest of what changed
  migrationdata alert            what moved since a date: revisions, claims' figures and verdicts
  migrationdata draft TEXT       propose a fact-check ledger from a story's text

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
    s.add_argument(
        "--reuse-table",
        action="store_true",
        help="print the README's 'Reuse and licences' table (Markdown) instead",
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
        "--accept-revisions",
        metavar="REASON",
        default=None,
        help="accept a release that changes published figures beyond the source's revision policy "
        "(values withdrawn or moved more than the publisher's usual revisions, a month cut short); "
        "the reason is recorded in data/manifest.json",
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
        "--lang",
        choices=("en", "es"),
        default=None,
        help="write one edition only: en (figures/) or es (figures/es/); default: both",
    )
    b.add_argument(
        "--no-embeds",
        dest="embeds",
        action="store_false",
        help="static charts only, no interactive embeds (quicker while working on a chart); the "
        "embeds of charts that changed are removed until a build with embeds",
    )
    b.add_argument(
        "--kernel",
        action="store_true",
        help="run each notebook in a Jupyter kernel (nbclient) instead of a process forked from "
        "one that has already imported the libraries: slower, the same charts",
    )
    b.set_defaults(func=cmd_build)

    c = sub.add_parser(
        "check",
        help="check the stories' claims against the data",
        description="Evaluate the claims of every story in stories/ (or one, with --story) on each "
        "date a verdict is recorded for (publication day, any checked: dates, now) and print the "
        "verdicts. Exit status is 1 if a computed verdict differs from the recorded one or a story "
        "file has errors.",
    )
    which = c.add_mutually_exclusive_group()
    which.add_argument("--story", action="append", metavar="SLUG", help="check only this story (repeatable)")
    which.add_argument("--all", action="store_true", help="check every story (the default)")
    which.add_argument("--ledger", metavar="FILE", default=None, help="check one story.yaml anywhere on disk")
    c.add_argument("--json", action="store_true", help="print JSON instead of a table")
    c.add_argument(
        "--as-of", metavar="DATE", default=None, help="only data published by DATE (one date only)"
    )
    c.add_argument("--claim", action="append", metavar="ID", help="check only this claim (repeatable)")
    c.add_argument(
        "--lang",
        choices=("en", "es"),
        default="en",
        help="the listing's language: es prints the verdicts, claims and figures in Spanish (Mexico), "
        "as the Spanish report does (JSON and error messages stay as they are)",
    )
    c.set_defaults(func=cmd_check)

    g = sub.add_parser(
        "changes",
        help="what each refresh added, revised or withdrew (the revision log)",
        description="Read the permanent revision log, data/revisions/<source>.csv: every value a "
        "committed refresh added (its first print), revised (old and new value) or withdrew, "
        "with the release it came from and when it was retrieved.",
    )
    g.add_argument("--source", metavar="SOURCE", default=None, help="one source only")
    g.add_argument("--since", metavar="DATE", default=None, help="only refreshes retrieved on or after DATE")
    g.add_argument("--json", action="store_true", help="print JSON, one object per logged change")
    g.set_defaults(func=cmd_changes)

    u = sub.add_parser(
        "update",
        help="the scheduled refresh: fetch every source, redraw, check the stories, write a digest",
        description="Refresh every source (a failed one keeps its last good data), redraw every chart "
        "and report, check every story, and write a Markdown digest of what changed: sources updated, "
        "revisions logged, claims whose figure moved or whose verdict flipped. Exit status 1 if a "
        "source failed. scripts/refresh.sh runs it, by hand or on a schedule.",
    )
    u.add_argument(
        "--mirror",
        default=os.environ.get("MIGRATIONDATA_MIRROR") or None,
        metavar="DIR|URL",
        help="read a mirror instead of the publishers (default: $MIGRATIONDATA_MIRROR)",
    )
    u.add_argument(
        "--digest", metavar="FILE", default=None, help="write the digest to FILE (default: print it)"
    )
    u.add_argument("--no-build", action="store_true", help="refresh and report only; do not redraw")
    u.add_argument("--output", metavar="DIR", default=None, help="redraw into DIR/figures and DIR/reports")
    u.set_defaults(func=cmd_update)

    a = sub.add_parser(
        "alert",
        help="a digest of what changed: revisions logged since DATE, claims whose figure or verdict moved",
        description="Check every story now and compare each claim's figure and verdict with the ones "
        "the committed reports recorded (reports/<slug>/checks.json); list the revisions logged since "
        "DATE beyond 1%%; write it all as a short Markdown digest. Exit status 1 if a verdict flipped.",
    )
    a.add_argument(
        "--since", metavar="DATE", default=None, help="revisions retrieved on or after DATE (default: today)"
    )
    a.add_argument("--out", metavar="FILE", default=None, help="write the digest to FILE (default: print it)")
    a.set_defaults(func=cmd_alert)
    m = sub.add_parser(
        "metrics",
        help="list the fact-check metrics, their parameters and an example",
        description="The metric vocabulary of story ledgers (stories/<slug>/story.yaml): each metric, "
        "its parameters and an example entry. --write-docs regenerates docs/claims.md and "
        "stories/story.schema.json.",
    )
    m.add_argument("--json", action="store_true", help="print JSON")
    m.add_argument(
        "--write-docs", action="store_true", help="regenerate docs/claims.md and stories/story.schema.json"
    )
    m.set_defaults(func=cmd_metrics)
    d = sub.add_parser(
        "draft",
        help="spot the checkable figures in a story's text and propose its fact-check ledger",
        description="Read a story (plain text or Markdown, English or Spanish), find every "
        "sentence with a figure the data can test, and write a draft story.yaml: the series, "
        "period, metric and test for each (status: draft until an editor confirms it), what it "
        "could not map and why, and what no data can settle. --html writes the story with each "
        "figure marked and its verdict beside it.",
    )
    d.add_argument("text_file", metavar="TEXT_FILE", help="the story's text (.txt or .md)")
    d.add_argument("--published", required=True, metavar="DATE", help="the day the story ran (YYYY-MM-DD)")
    d.add_argument("--slug", default=None, help="the story's folder name (default: from the headline)")
    d.add_argument(
        "--out", default=None, metavar="FILE", help="where to write (default: stories/SLUG/story.yaml)"
    )
    d.add_argument("--html", default=None, metavar="FILE", help="also write the editor's page here")
    d.add_argument("--language", choices=("en", "es"), default=None, help="skip language detection")
    d.add_argument("--outlet", default=None, help="the outlet, for the ledger's header")
    d.add_argument("--url", default=None, help="the story's address, for the ledger's header")
    d.add_argument("--force", action="store_true", help="overwrite a ledger that has confirmed entries")
    d.set_defaults(func=cmd_draft)
    return p


def cmd_sources(args) -> int:
    from migrationdata.catalog import all_sources
    from migrationdata.store import read_manifest
    from migrationdata.terms import reuse_table, terms_for

    if args.reuse_table:
        print(reuse_table(), end="")
        return 0
    manifest = read_manifest()
    for src in all_sources():
        print(f"{src.id}: {src.title}")
        print(f"  publisher:    {src.publisher}")
        if src.carrier:
            print(f"  carried by:   {src.carrier}")
        print(f"  landing page: {src.landing_page}")
        print(f"  terms:        {terms_for(src.id).licence} ({terms_for(src.id).url})")
        print(f"  credit:       {terms_for(src.id).credit}")
        if terms_for(src.id).carrier:
            print(f"  copy read:    {terms_for(src.id).carrier}")
        print(f"  tables:       {', '.join(t.name for t in src.tables)}")
        for rf in src.files:
            entry = manifest.get("files", {}).get(f"{src.id}/{rf.name}")
            print(f"  - {rf.name}")
            print(f"      url:       {rf.url}")
            if entry:
                print(f"      retrieved: {entry['retrieved_at']}  sha256 {entry['sha256']}")
                if entry.get("mirror"):
                    print("      (copied from a mirror of that URL)")
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
    from migrationdata.fetch import redact

    reports = []
    for src in chosen:
        where = f"mirror {redact(args.mirror)}" if args.mirror else "publisher"
        print(f"fetching {src.id} from the {where} ...", file=sys.stderr, flush=True)
        try:
            rep = fetch_source(
                src,
                mirror=args.mirror,
                allow_loss=args.allow_loss,
                reprocess=args.reprocess,
                accept_revisions=args.accept_revisions,
            )
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
    """The fact-check in the terminal (the engine is migrationdata.claims)."""
    import datetime as dt
    import json
    import shutil
    import textwrap

    from migrationdata import claims, i18n
    from migrationdata.claims.report import Words
    from migrationdata.errors import MigrationDataError

    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            print(
                f"migrationdata check: --as-of expects a date like 2023-12-28, not {args.as_of!r}",
                file=sys.stderr,
            )
            return 2
    early = _before_any_data(args.as_of)
    if early:
        print(f"migrationdata check: {early}", file=sys.stderr)
        return 2
    errors: list = []
    if args.ledger:
        try:
            stories = [claims.load_story(args.ledger)]
        except claims.StoryError as exc:
            errors.append(exc)
            stories = []
    else:
        stories = claims.load_stories(errors=errors)
        if args.story:
            known = {s.slug for s in stories}
            missing = [x for x in args.story if x not in known]
            if missing:
                print(
                    f"migrationdata check: no story {', '.join(missing)}; stories: {', '.join(sorted(known))}",
                    file=sys.stderr,
                )
                return 2
            stories = [s for s in stories if s.slug in args.story]
            errors = [e for e in errors if e.path.parent.name in args.story]
    width = max(shutil.get_terminal_size((120, 20)).columns, 100)
    changed, broken, out_json = [], [], []
    for story in stories:
        w = Words(args.lang, story)
        dates = [(story.recorded_key(as_of), as_of)] if args.as_of else story.vintages
        for key, when in dates:
            try:
                results = claims.evaluate_story(story, when, args.claim)
            except MigrationDataError as exc:
                errors.append(exc)
                break
            if args.json:
                label = (
                    "now"
                    if when is None
                    else f"as of {when.isoformat()}" + (" (publication day)" if key == "publication" else "")
                )
                out_json.append({**claims.evaluate.results_json(story, results), "as_of": label})
            else:
                label = w.now_label_iso(when) + (
                    " " + w("cli.publication_day") if key == "publication" else ""
                )
                published = w.iso_date(story.published.isoformat())
                print(f"== {story.slug}: {story.headline} ({story.outlet}, {published}) — {label}")
                print()
                for r in results:
                    flag = "" if r.matches else "   " + w("cli.recorded", verdict=w.verdict(r.recorded))
                    if r.status == "draft":
                        flag += (
                            f"   [{w('cli.draft')}"
                            + (", " + w("cli.proposed", verdict=w.verdict(r.recorded)) if r.recorded else "")
                            + f": {w('cli.not_verified')}]"
                        )
                    print(f"{w.verdict(r.verdict).upper():<22} {r.id}{flag}")
                    text, original = w.claim(r)
                    text += f" ({w('original_text')})" if original else ""
                    for line in textwrap.wrap(text, width - 4):
                        print(f"    {line}")
                    if r.checkable:
                        figure = w.figure(r)
                        if not w.english and r.data_through:
                            figure += f" ({w('data_through', period=w.through(r))})"
                        for line in textwrap.wrap(w("cli.figure", figure=figure), width - 4):
                            print(f"    {line}")
                        for cond in r.conditions if w.english else ():
                            for line in textwrap.wrap(w("cli.and", condition=cond), width - 4):
                                print(f"    {line}")
                    if r.sources:
                        # a closure's citations are named as published (outlets, bylines), as in
                        # the report; a table's publisher in the edition's language
                        src = "; ".join(
                            sorted(
                                {
                                    (
                                        s["publisher"]
                                        if s.get("table") == "closures"
                                        else i18n.publisher(s["publisher"] or "", w.lang)
                                    )
                                    or s["title"]
                                    or ""
                                    for s in r.sources
                                }
                            )
                        )
                        print("    " + w("cli.source", source=src))
                    if r.error:
                        print("    " + w("cli.error", error=r.error))
                    elif not r.checkable:
                        why, original = w.reason(r)
                        why += f" ({w('original_text')})" if original else ""
                        print("    " + w("cli.why", note=why))
                        if w.detail(r):
                            detail = f"{w('detail_short')} {w('detail_lang')}: {w.detail(r)}"
                            for line in textwrap.wrap(detail, width - 4):
                                print(f"    {line}")
                    print()
                tally: dict[str, int] = {}
                for r in results:
                    tally[r.verdict] = tally.get(r.verdict, 0) + 1
                print(w.tally(tally.items(), none=False))
                if story.unmapped:
                    print(w("cli.unmapped", count=len(story.unmapped)))
                print()
            for r in results:
                if r.verdict == "error":
                    broken.append((story, label, r))
                elif not r.matches:
                    changed.append((story, label, r))
    if args.json:
        print(json.dumps(out_json, indent=2, ensure_ascii=False, default=str))
    for exc in errors:
        print(f"STORY FILE ERROR: {exc}", file=sys.stderr)
    for story, label, r in broken:
        print(f"CLAIM ERROR: {story.slug}/{r.id} ({label}): {r.error}", file=sys.stderr)
    for story, label, r in changed:
        print(
            f"VERDICT CHANGED: {story.slug}/{r.id} ({label}): recorded {r.recorded}, computed {r.verdict} "
            f"({r.display}). Update stories/{story.slug}/story.yaml only after checking the data.",
            file=sys.stderr,
        )
    return 1 if (errors or broken or changed) else 0


def cmd_metrics(args) -> int:
    import json

    from migrationdata import claims

    if args.write_docs:
        from migrationdata.claims.report import write_atomic

        print(f"wrote {claims.write_docs()}")
        write_atomic(claims.schema_path(), claims.schema_text().encode("utf-8"))
        print(f"wrote {claims.schema_path()}")
        return 0
    items = [claims.describe(name) for name in claims.METRICS]
    if args.json:
        print(json.dumps(items, indent=2, ensure_ascii=False, default=str))
        return 0
    for d in items:
        print(f"{d['name']}: {d['summary']}")
        print(f"  figure: {d['figure']}")
        for p in d["params"]:
            req = (
                "required"
                if p["required"]
                else f"optional{'' if p['default'] in (None, {}, []) else ', default ' + str(p['default'])}"
            )
            desc = f" — {p['description']}" if p["description"] else ""
            print(f"  - {p['name']} ({p['type']}, {req}){desc}")
        ex = d["example"]
        print(
            f"  example: metric: {ex['metric']}, params: {json.dumps(ex['params'], ensure_ascii=False)}, test: {ex['test']}"
        )
        print()
    return 0


def cmd_changes(args) -> int:
    import json
    from dataclasses import asdict
    from datetime import date

    from migrationdata import revisions

    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        print(
            f"migrationdata changes: --since wants a date as YYYY-MM-DD, not {args.since!r}", file=sys.stderr
        )
        return 2
    entries = revisions.read(args.source, since)
    if args.json:
        print(json.dumps([asdict(e) for e in entries], indent=1, ensure_ascii=False))
        return 0
    if not entries:
        print(
            "no logged changes"
            + (f" for {args.source}" if args.source else "")
            + (f" since {since}" if since else "")
        )
        return 0
    groups: dict[tuple[str, str, str, str], list] = {}
    for e in entries:
        groups.setdefault((e.retrieved_at, e.release, e.source, e.table), []).append(e)
    for (when, _, source, table), rows in groups.items():
        counts = {c: sum(r.change == c for r in rows) for c in revisions.CHANGES}
        said = ", ".join(f"{n:,} {c}" for c, n in counts.items() if n)
        print(f"{when}  {source}/{table}: {said}  [{rows[0].release}]")
        for r in [r for r in rows if r.change in ("revised", "withdrawn")][:20]:
            print(f"    {r.key}  {r.column}: {r.old_value or '(empty)'} -> {r.new_value or '(empty)'}")
        hidden = sum(r.change in ("revised", "withdrawn") for r in rows) - 20
        if hidden > 0:
            print(f"    ... and {hidden:,} more (--json for all)")
    return 0


def cmd_alert(args) -> int:
    from datetime import date
    from pathlib import Path

    from migrationdata import digest
    from migrationdata.store import write_bytes_atomic

    try:
        since = date.fromisoformat(args.since) if args.since else date.today()
    except ValueError:
        print(f"migrationdata alert: --since wants a date as YYYY-MM-DD, not {args.since!r}", file=sys.stderr)
        return 2
    d = digest.collect(since)
    d.claims = digest.claim_moves(digest.recorded_checks(), digest.current_checks())
    d.claims_checked = True
    text = digest.render(d)
    if args.out:
        write_bytes_atomic(Path(args.out), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return 1 if d.flips else 0


def cmd_update(args) -> int:
    from pathlib import Path

    from migrationdata import update

    code, _ = update.run(
        mirror=args.mirror,
        digest_path=Path(args.digest) if args.digest else None,
        build=not args.no_build,
        output=Path(args.output) if args.output else None,
        progress=lambda text: print(text, file=sys.stderr, flush=True),
    )
    return code


def cmd_draft(args) -> int:
    from migrationdata import draft

    return draft.run_cli(args)


def _before_any_data(as_of: str | None) -> str:
    """Why an --as-of date cannot be checked (no source had released a month by then), or ""."""
    from datetime import date

    import pandas as pd

    from migrationdata import processed
    from migrationdata.catalog import all_sources
    from migrationdata.vintages import RELEASES, Vintage

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        return ""  # the claims module words the bad-date message
    if day is None:
        return ""
    first = []
    for src in all_sources():
        for table in src.tables:
            path = processed.table_path(table.name)
            if "month" in table.column_names and path.exists() and src.id in RELEASES:
                month = pd.read_csv(path, usecols=["month"])["month"].min()
                if isinstance(month, str):
                    first.append((Vintage().released_on(src.id, pd.Timestamp(month)), src.id, month))
    if first and day < min(first)[0]:
        released, sid, month = min(first)
        return (
            f"--as-of {day.isoformat()} is before any data this project holds: the earliest month "
            f"({month[:7]}, {sid}) was released about {released:%d %b %Y}, so no claim can be checked "
            f"as of that day. Pick a date from {released.isoformat()} on."
        )
    return ""


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
