"""Story ledgers: ``stories/<slug>/story.yaml``, read and checked when loaded.

A story file names the story (headline, outlet, URL, publication date and time), the extra
dates its verdicts are recorded for, and its claims. Everything that can be checked without
the data is checked on load: the shape of the file (pydantic), each claim's metric and its
parameters (the metric's own parameter model), its test (the newsroom-language parser), its
paragraph (against ``text.txt`` when the story's text is stored) and its recorded verdicts.
Each problem is reported with the file, the claim and the field; none is ever mistaken for a
changed verdict.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from migrationdata.claims.metrics import METRICS, Metric, Params
from migrationdata.claims.numbers import NumberError, Test, parse_test, parse_tolerance
from migrationdata.errors import StoryError
from migrationdata.paths import REPO_DIR

VERDICTS = ("supported", "supported-with-caveat", "not-supported", "not-checkable")
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
#: a story file expands to at most this many YAML nodes (aliases included): a small file
#: cannot balloon into millions of objects (the "billion laughs")
MAX_NODES = 20_000
MAX_BYTES = 1_000_000


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_DIR))
    except ValueError:
        return str(path)


def stories_dir() -> Path:
    import os

    env = os.environ.get("MIGRATIONDATA_STORIES")
    return Path(env).resolve() if env else REPO_DIR / "stories"


# ----------------------------------------------------------------------------- the file model


class Condition(BaseModel):
    """A further condition a claim needs ("about double the year before, which was itself a
    record"): another metric and test, all of which must pass."""

    model_config = ConfigDict(extra="forbid")
    metric: str
    params: dict[str, Any] = Field(default_factory=dict)
    test: str | int | float | date | dict
    tolerance: float | str | None = None


class ClaimEntry(BaseModel):
    """One claim (or context figure, or statement data cannot settle) in a story."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, description="lowercase slug, unique within the story")
    paragraph: int = Field(ge=1, description="blank-line block number in text.txt (headline = 1)")
    quote: str | None = Field(None, description="the words checked (only where the text's licence allows)")
    topic: str = ""
    claim: str = Field(min_length=1, description="the claim in our own words")
    kind: Literal["claim", "context", "not-checkable"] = "claim"
    metric: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    test: str | int | float | date | dict | None = Field(
        None, description="newsroom language, e.g. 'more than 500,000'"
    )
    tolerance: float | str | None = Field(None, description="extra room for a number test: 50 or '0.2%'")
    also: list[Condition] = Field(
        default_factory=list, description="further conditions, all of which must pass"
    )
    on_pass: Literal["supported", "supported-with-caveat"] = "supported"  # noqa: S105 - a verdict
    verdict: dict[str, Literal["supported", "supported-with-caveat", "not-supported", "not-checkable"]] = (
        Field(
            default_factory=dict,
            description="recorded verdicts: publication, now, and any date listed in checked (a draft may omit them)",
        )
    )
    caveat: str = ""
    reason: str = Field("", description="why the claim cannot be checked (kind: not-checkable)")
    chart: str | None = None
    status: Literal["confirmed", "draft"] = "confirmed"
    tables: list[str] | None = Field(None, description="optional: the tables the metric must read (checked)")
    context: bool = Field(False, description="older spelling of kind: context")
    # the Spanish edition's words, written by a person (never machine-translated); where one is
    # missing the Spanish report shows the English, labelled as the original text
    claim_es: str | None = Field(
        None, min_length=1, description="the claim in Spanish (Mexico), for the Spanish report"
    )
    caveat_es: str | None = Field(None, min_length=1, description="the caveat in Spanish (Mexico)")
    reason_es: str | None = Field(None, min_length=1, description="the reason in Spanish (Mexico)")

    @field_validator("verdict", mode="before")
    @classmethod
    def _verdict_keys(cls, v):
        if isinstance(v, dict):
            return {k.isoformat() if isinstance(k, date) else str(k): val for k, val in v.items()}
        return v


class Unmapped(BaseModel):
    """A figure in the story that no claim checks yet, and why (what ``migrationdata draft``
    could not place: no series for it, no period): listed so that nothing is silently skipped."""

    model_config = ConfigDict(extra="forbid")
    paragraph: int = Field(ge=1, description="blank-line block number in text.txt (headline = 1)")
    words: str = Field(min_length=1, description="the figure's words in the story")
    reason: str = Field(min_length=1, description="why no claim checks it yet")
    test: str | None = Field(None, description="the test it would take, if one was read")


class StoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    headline: str = Field(min_length=1)
    outlet: str = Field(min_length=1)
    outlet_es: str | None = Field(
        None, min_length=1, description="the outlet as the Spanish (Mexico) report words it (default: outlet)"
    )
    url: str = Field(
        pattern=r"^(https?://\S+|unknown: .+)$",
        description="the story's address; 'unknown: <why>' when the project never recorded it",
    )
    url_es: str | None = Field(
        None,
        pattern=r"^desconocida: .+$",
        description="for a story whose url is 'unknown: <why>', the same in Spanish: 'desconocida: <por qué>'",
    )
    published: date | datetime = Field(description="a date, or an ISO datetime with its zone")
    checked: list[date] = Field(default_factory=list, description="extra as-of dates with recorded verdicts")
    language: Literal["en", "es"] = "en"
    author: str | None = None
    text_licence: str | None = Field(
        None, description="why text.txt may be stored, or why only a paraphrase is"
    )
    notes: str | None = None
    notes_es: str | None = Field(
        None,
        min_length=1,
        description="the notes in Spanish (Mexico), written by a person, for the Spanish report",
    )
    claims: list[ClaimEntry]
    unmapped: list[Unmapped] = Field(
        default_factory=list, description="figures no claim checks yet, each with the reason"
    )

    @field_validator("published")
    @classmethod
    def _zone(cls, v):
        if isinstance(v, datetime) and v.tzinfo is None:
            raise ValueError("a publication time needs its zone, e.g. 2025-01-02T18:30:00-05:00")
        return v

    @model_validator(mode="after")
    def _address_es(self):
        if self.url_es and not self.url.startswith("unknown: "):
            raise ValueError(
                "url_es words an unknown address in Spanish; this story has an address (url), "
                "which both editions link: remove url_es"
            )
        if self.notes_es and not self.notes:
            raise ValueError(
                "notes_es renders the story's notes in Spanish; write the notes (in English) too"
            )
        return self


# ----------------------------------------------------------------------------- loaded objects


@dataclass
class Claim:
    """A claim as loaded: the entry, its parsed test and validated parameters."""

    entry: ClaimEntry
    test: Test | None
    params: dict
    also: list[tuple[str, dict, Test]] = field(default_factory=list)

    def __getattr__(self, name):  # the entry's fields read through
        entry = self.__dict__.get("entry")
        if entry is None:
            raise AttributeError(name)
        return getattr(entry, name)

    @property
    def is_context(self) -> bool:
        return self.entry.kind == "context" or self.entry.context

    @property
    def checkable(self) -> bool:
        return self.entry.kind != "not-checkable" and self.entry.metric is not None


@dataclass
class Story:
    slug: str
    path: Path
    headline: str
    outlet: str
    url: str
    published: date
    published_at: datetime | None
    checked: list[date]
    language: str
    claims: list[Claim]
    text_licence: str | None = None
    paragraphs: list[str] | None = None
    notes: str | None = None
    notes_es: str | None = None  # the notes as a person wrote them in Spanish
    unmapped: list[dict] = field(default_factory=list)  # paragraph, words, reason, [test]
    outlet_es: str | None = None  # the outlet as the Spanish report words it
    url_es: str | None = None  # for an unknown address, the why in Spanish

    @property
    def vintages(self) -> list[tuple[str, date | None]]:
        """(verdict key, as-of date) for every recorded verdict: publication, checked, now."""
        out: list[tuple[str, date | None]] = [("publication", self.published)]
        out += [(d.isoformat(), d) for d in self.checked]
        return out + [("now", None)]

    def recorded_key(self, as_of: date | None) -> str | None:
        if as_of is None:
            return "now"
        if as_of == self.published:
            return "publication"
        return as_of.isoformat() if as_of in self.checked else None

    def claim(self, cid: str) -> Claim:
        for c in self.claims:
            if c.id == cid:
                return c
        raise KeyError(cid)


# ----------------------------------------------------------------------------- YAML, safely


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # LibYAML's parser where PyYAML has it
    """Safe YAML where only true/false are booleans: ``on:``, ``no`` and ``yes`` stay words
    (``on: 2023-12-20`` is a parameter, and Norway's code is NO). Parsed by LibYAML when PyYAML
    was built with it (about ten times quicker than the pure-Python parser; the same nodes,
    resolved by the same rules)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _size(node, memo: dict, budget: list) -> int:
    key = id(node)
    if key in memo:
        n = memo[key]
    else:
        n = 1
        if isinstance(node, yaml.SequenceNode):
            n += sum(_size(c, memo, budget) for c in node.value)
        elif isinstance(node, yaml.MappingNode):
            n += sum(_size(k, memo, budget) + _size(v, memo, budget) for k, v in node.value)
        memo[key] = n
    if n > MAX_NODES:
        raise yaml.YAMLError(
            f"the file expands to more than {MAX_NODES:,} values (aliases repeated over and over?)"
        )
    return n


def read_yaml(path: Path) -> Any:
    """Safe YAML with a cap on size and on alias expansion."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoryError(path, [("", "", "the file is missing")]) from None
    if len(data) > MAX_BYTES:
        raise StoryError(
            path, [("", "", f"the file is larger than {MAX_BYTES:,} bytes; a story ledger is small")]
        )
    try:
        loader = _Loader(data.decode("utf-8"))
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _size(node, {}, [])
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except UnicodeDecodeError:
        raise StoryError(path, [("", "", "the file is not UTF-8 text")]) from None
    except yaml.YAMLError as exc:
        raise StoryError(path, [("", "", f"not valid YAML: {exc}")]) from None


# ----------------------------------------------------------------------------- loading


def paragraphs(text: str) -> list[str]:
    """Blank-line-separated blocks, the headline first (paragraph 1)."""
    return [re.sub(r"\s+", " ", b).strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]


def _claim_label(raw: Any, i: int) -> str:
    if isinstance(raw, dict) and raw.get("id"):
        return str(raw["id"])
    return f"entry {i}"


def _union_tag(x) -> bool:
    """pydantic's name for the member of a union it tried (not a field a reporter wrote)."""
    x = str(x)
    return x in ("date", "datetime", "str", "int", "float", "bool", "dict", "list", "none") or x.startswith(
        ("function-", "constrained-", "dict[", "list[", "literal[")
    )


def _pydantic_problems(exc: ValidationError, raw: dict) -> list[tuple[str, str, str]]:
    out = []
    seen = set()
    claims = raw.get("claims") if isinstance(raw, dict) else None
    for err in exc.errors():
        loc = list(err["loc"])
        claim = ""
        if loc and loc[0] == "claims" and len(loc) > 1 and isinstance(loc[1], int):
            idx = loc[1]
            claim = _claim_label(
                claims[idx] if isinstance(claims, list) and idx < len(claims) else None, idx + 1
            )
            loc = loc[2:]
        fld = ".".join(str(x) for x in loc if not _union_tag(x))
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "required, missing"
        elif err["type"] == "extra_forbidden":
            msg = "not a known field"
        elif err["type"] == "literal_error":
            msg = f"{err.get('input')!r} is not allowed: {msg.removeprefix('Input should be ')}"
        elif "input" in err and not isinstance(err["input"], dict | list):
            msg = f"{msg} (got {err['input']!r})"
        if (claim, fld) in seen:
            continue  # one message per field, not one per member of a union
        seen.add((claim, fld))
        out.append((claim, fld, msg))
    return out


def validate_params(metric_name: str | None, params: dict) -> tuple[Metric, dict]:
    """The metric and its parameters, checked; raises ValueError with a message naming the
    parameter and listing the allowed ones."""
    if metric_name not in METRICS:
        raise ValueError(f"unknown metric {metric_name!r}; known metrics: {', '.join(sorted(METRICS))}")
    m = METRICS[metric_name]
    try:
        model = m.params.model_validate(params or {})
    except ValidationError as exc:
        allowed = ", ".join(f.alias or n for n, f in m.params.model_fields.items())
        msgs = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            if err["type"] == "extra_forbidden":
                msgs.append(f"unknown parameter {loc!r} for {metric_name}; its parameters: {allowed}")
            elif err["type"] == "missing":
                msgs.append(f"{metric_name} needs the parameter {loc!r} (its parameters: {allowed})")
            else:
                text = err["msg"].removeprefix("Value error, ")
                msgs.append(
                    f"{loc + ': ' if loc else ''}{text}"
                    + (
                        f" (got {err['input']!r})"
                        if err["type"] != "value_error" and not isinstance(err.get("input"), dict)
                        else ""
                    )
                )
        raise ValueError("; ".join(msgs)) from None
    return m, _dump(model)


def _dump(model: Params) -> dict:
    return model.model_dump(by_alias=True, exclude_unset=True)


def _check_claim(
    e: ClaimEntry, lang: str, story: StoryFile, paras: list[str] | None
) -> tuple[Claim | None, list]:
    problems = []
    for name in ("caveat", "reason"):
        if getattr(e, f"{name}_es") and not getattr(e, name).strip():
            problems.append(
                (e.id, f"{name}_es", f"renders {name}, which is empty: write the English {name} first")
            )
    keys = {"publication", "now"} | {d.isoformat() for d in story.checked}
    missing = sorted(keys - set(e.verdict))
    extra = sorted(set(e.verdict) - keys)
    if missing and e.status != "draft":
        problems.append(
            (
                e.id,
                "verdict",
                f"no recorded verdict for {', '.join(missing)} (need {', '.join(sorted(keys))}); "
                "a new claim can say status: draft until then, and check prints what the data give",
            )
        )
    if extra:
        problems.append(
            (e.id, "verdict", f"{', '.join(extra)} is not publication, now or a date in checked:")
        )
    if paras is not None:
        if e.paragraph > len(paras):
            problems.append(
                (e.id, "paragraph", f"{e.paragraph} is past the end of text.txt ({len(paras)} paragraphs)")
            )
        elif e.quote and re.sub(r"\s+", " ", e.quote).strip() not in paras[e.paragraph - 1]:
            problems.append((e.id, "quote", f"not found in paragraph {e.paragraph} of text.txt"))
    if e.kind == "not-checkable" or (e.metric is None and e.test in (None, {"kind": "none"})):
        if not e.reason.strip():
            problems.append((e.id, "reason", "a claim the data cannot check needs a reason"))
        bad = {k: v for k, v in e.verdict.items() if v != "not-checkable"}
        if bad:
            problems.append(
                (e.id, "verdict", f"a not-checkable claim can only be recorded not-checkable, not {bad}")
            )
        return (
            Claim(e.model_copy(update={"kind": "not-checkable"}), None, {}) if not problems else None
        ), problems
    if e.metric is None:
        problems.append((e.id, "metric", f"missing; known metrics: {', '.join(sorted(METRICS))}"))
    if e.test is None:
        problems.append((e.id, "test", "missing: say what the figure must show, e.g. 'more than 500,000'"))
    if problems:
        return None, problems
    params, test, also = {}, None, []
    try:
        _, params = validate_params(e.metric, e.params)
    except ValueError as exc:
        problems.append((e.id, "metric" if str(exc).startswith("unknown metric") else "params", str(exc)))
    try:
        test = parse_test(e.test, lang)
        tol, rel = parse_tolerance(e.tolerance, lang)
        if tol is not None or rel is not None:
            test = test.__class__(**{**test.__dict__, "tolerance": tol, "tolerance_relative": rel})
    except NumberError as exc:
        problems.append((e.id, "test", str(exc)))
    if test is not None and e.metric in METRICS:
        problems += [(e.id, "test", m) for m in _fits(e.metric, test, params)]
    for j, cond in enumerate(e.also, start=1):
        try:
            _, cparams = validate_params(cond.metric, cond.params)
            ctest = parse_test(cond.test, lang)
            tol, rel = parse_tolerance(cond.tolerance, lang)
            if tol is not None or rel is not None:
                ctest = ctest.__class__(**{**ctest.__dict__, "tolerance": tol, "tolerance_relative": rel})
            fit = _fits(cond.metric, ctest, cparams)
            if fit:
                raise ValueError("; ".join(fit))
            also.append((cond.metric, cparams, ctest))
        except (ValueError, NumberError) as exc:
            problems.append((e.id, f"also.{j}", str(exc)))
    if e.tables is not None:
        from migrationdata.catalog import table_owner

        for t in e.tables:
            if t == "closures":
                continue
            try:
                table_owner(t)
            except KeyError:
                problems.append((e.id, "tables", f"unknown table {t!r}"))
    if problems:
        return None, problems
    return Claim(e, test, params, also), []


#: which tests each metric's figure can take
_FIGURE_TESTS = {
    "value": {"threshold", "approx", "equals"},
    "change": {"threshold", "approx", "equals", "change"},
    "share": {"threshold", "approx", "equals"},
    "rank": {"rank", "threshold", "equals"},
    "rank_in_series": {"rank", "threshold", "equals"},
    "change_rank": {"rank", "threshold", "equals"},
    "streak": {"threshold", "approx", "equals"},
    "change_months": {"threshold", "approx", "equals"},
    "first_time": {"bool"},
    "closures_in_window": {"threshold", "approx", "equals"},
}


def _fits(metric_name: str, test: Test, params: dict) -> list[str]:
    """Load-time check that the test can apply to what the metric gives."""
    if metric_name == "closure":
        fld = params.get("field")
        allowed = {"start": {"date"}, "end": {"date"}, "mode": {"text"}}.get(
            fld, {"threshold", "approx", "equals"}
        )
    else:
        allowed = _FIGURE_TESTS.get(metric_name)
    if allowed is None or test.kind in allowed:
        out = []
        if test.unit == "%" and test.kind != "change" and metric_name not in ("share", "change"):
            out.append(
                f"{test.describe()} is a percentage, but {metric_name} gives a count; use share or change"
            )
        if test.since and metric_name not in ("rank_in_series", "change_rank"):
            out.append(
                f"{test.describe()} ranks 'since' a date: only rank_in_series and change_rank take since"
            )
        return out
    return [
        f"{test.describe()} is a {test.kind} test, which {metric_name} cannot take "
        f"(it gives {METRICS[metric_name].figure}); tests it takes: {', '.join(sorted(allowed))}"
    ]


def load_story(path: Path | str) -> Story:
    """Read and check ``stories/<slug>/story.yaml`` (or a folder holding one)."""
    path = Path(path)
    if path.is_dir():
        path = path / "story.yaml"
    slug = path.parent.name
    problems: list[tuple[str, str, str]] = []
    if not re.match(SLUG, slug):
        problems.append(
            ("", "", f"the folder name {slug!r} is the story's slug: lowercase words joined by hyphens")
        )
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise StoryError(
            path, problems + [("", "", "expected a mapping with headline, outlet, url, published and claims")]
        )
    try:
        sf = StoryFile.model_validate(raw)
    except ValidationError as exc:
        raise StoryError(path, problems + _pydantic_problems(exc, raw)) from None
    paras = None
    text = path.parent / "text.txt"
    if text.exists():
        paras = paragraphs(text.read_text(encoding="utf-8"))
    claims, seen = [], set()
    for e in sf.claims:
        if e.id in seen:
            problems.append((e.id, "id", "used twice in this story"))
            continue
        seen.add(e.id)
        c, probs = _check_claim(e, sf.language, sf, paras)
        problems += probs
        if c is not None:
            claims.append(c)
    for i, u in enumerate(sf.unmapped):
        if paras is not None and u.paragraph > len(paras):
            problems.append(
                (
                    f"unmapped[{i}]",
                    "paragraph",
                    f"{u.paragraph} is past the end of text.txt ({len(paras)} paragraphs)",
                )
            )
    if problems:
        raise StoryError(path, problems)
    published_at = sf.published if isinstance(sf.published, datetime) else None
    return Story(
        slug=slug,
        path=path,
        headline=sf.headline,
        outlet=sf.outlet,
        outlet_es=sf.outlet_es,
        url=sf.url,
        url_es=sf.url_es,
        published=published_at.date() if published_at else sf.published,
        published_at=published_at,
        checked=list(sf.checked),
        language=sf.language,
        claims=claims,
        text_licence=sf.text_licence,
        paragraphs=paras,
        notes=sf.notes,
        notes_es=sf.notes_es,
        unmapped=[u.model_dump(exclude_none=True) for u in sf.unmapped],
    )


def load_stories(root: Path | str | None = None, errors: list | None = None) -> list[Story]:
    """Every story under ``root`` (default ``stories/``), sorted by publication date.

    With ``errors`` (a list), a story that fails to load is appended there as a
    :class:`StoryError` and the others are still returned; without it the first error is raised."""
    root = Path(root) if root is not None else stories_dir()
    out, seen = [], {}
    # well-formed slugs first, so that a look-alike folder (Darien-2024) is the one reported
    files = sorted(
        root.glob("*/story.yaml"), key=lambda f: (not re.match(SLUG, f.parent.name), f.parent.name)
    )
    for f in files:
        norm = f.parent.name.lower().replace("_", "-")
        if norm in seen:
            err = StoryError(
                f,
                [
                    (
                        "",
                        "",
                        f"the slug {norm!r} is already used by {_shown(seen[norm])}; "
                        "rename one of the folders",
                    )
                ],
            )
            if errors is None:
                raise err
            errors.append(err)
            continue
        seen[norm] = f
        try:
            out.append(load_story(f))
        except StoryError as exc:
            if errors is None:
                raise
            errors.append(exc)
    return sorted(out, key=lambda s: (s.published, s.slug))


# ----------------------------------------------------------------------------- JSON Schema


def json_schema() -> dict:
    """The JSON Schema of story.yaml, with each metric's parameters (for editors)."""
    schema = StoryFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "migrationdata story ledger (stories/<slug>/story.yaml)"
    defs = schema.setdefault("$defs", {})
    entry = defs["ClaimEntry"]
    entry["properties"]["metric"] = {
        "anyOf": [{"enum": sorted(METRICS)}, {"type": "null"}],
        "default": None,
        "description": "a metric of the vocabulary (migrationdata metrics)",
    }
    branches = []
    for name, m in sorted(METRICS.items()):
        ps = m.params.model_json_schema(by_alias=True, ref_template="#/$defs/" + name + "_{model}")
        for k, v in ps.pop("$defs", {}).items():
            defs[f"{name}_{k}"] = v
        defs[f"params_{name}"] = ps
        branches.append(
            {
                "if": {"properties": {"metric": {"const": name}}, "required": ["metric"]},
                "then": {"properties": {"params": {"$ref": f"#/$defs/params_{name}"}}},
            }
        )
    entry["allOf"] = branches
    return schema


def schema_path() -> Path:
    return REPO_DIR / "stories" / "story.schema.json"


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, default=str) + "\n"
