"""The package's shape, kept by a test: layers that import only downwards, no import loop,
one module that talks HTTP, and every source complete.

Every import is read from the code itself (the ``ast``), function-level ones included, so an
import hidden inside a function cannot climb a layer unseen. When a test here fails, its
message says which file imports which and what to do instead; for a new source the message
is the checklist of "Adding a source" in the README.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from migrationdata import catalog, terms, vintages
from migrationdata.paths import REPO_DIR

PACKAGE = REPO_DIR / "src" / "migrationdata"
TESTS = REPO_DIR / "tests"

#: bottom to top; a module may import its own layer or any layer below it
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("migrationdata", "migrationdata.paths", "migrationdata.errors", "migrationdata.store")),
    (
        "declarations",
        (
            "migrationdata.catalog",
            "migrationdata.schemas",
            "migrationdata.countries",
            "migrationdata.vintages",
            "migrationdata.closures",
            "migrationdata.i18n",
            "migrationdata.terms",
        ),
    ),
    (
        "tables",
        (
            "migrationdata.processed",
            "migrationdata.changes",
            "migrationdata.revisions",
            "migrationdata.rdata",
        ),
    ),
    ("content", ("migrationdata.sources",)),
    # ingest and analysis stand side by side: neither may import the other
    ("ingest", ("migrationdata.fetch",)),
    (
        "analysis",
        (
            "migrationdata.crossings",
            "migrationdata.claims",
            "migrationdata.charts",
            "migrationdata.embeds",
            "migrationdata.draft",
            "migrationdata.digest",
        ),
    ),
    (
        "orchestration",
        (
            "migrationdata.build",
            "migrationdata.runner",
            "migrationdata.gallery",
            "migrationdata.update",
            "migrationdata.cli",
            "migrationdata.__main__",
        ),
    ),
]
SIDE_BY_SIDE = {"ingest": 4, "analysis": 4}
HTTP_LIBRARIES = ("requests", "urllib3")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> tuple[str, int]:
    best: tuple[str, int, int] | None = None  # name, rank, length of the matching prefix
    for rank, (name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            exact = prefix == "migrationdata"
            if (module == prefix if exact else module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[2]
            ):
                best = (name, SIDE_BY_SIDE.get(name, rank), len(prefix))
    if best is None:
        raise AssertionError(
            f"{module} belongs to no layer: add it to LAYERS in tests/test_layers.py (and to the README's "
            "Layout) in the layer whose modules it imports and that import it"
        )
    return best[0], best[1]


def _run_at_import(tree: ast.Module):
    """The statements a module runs when it is imported: its own (and those of its top-level
    ``try`` and ``if`` blocks, bar ``if TYPE_CHECKING``), not a function's or a class's body."""
    todo = list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody + [n for h in node.handlers for n in h.body]
        else:
            yield node


def imports_of(path: Path, module: str, at_import: bool = False) -> list[tuple[str, int]]:
    """Every module ``path`` imports (absolute names), with the line; with ``at_import``, only
    those it runs when it is imported (see :func:`_run_at_import`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in _run_at_import(tree) if at_import else ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from migrationdata import claims` imports the module migrationdata.claims; a
            # package whose names are all modules is only their way in, not a dependency
            modules = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
            found += [(m, node.lineno) for m in modules]
            if len(modules) < len(node.names):
                found.append((target, node.lineno))
    return found


def project_imports(module: str) -> list[tuple[str, int]]:
    out = []
    for target, line in imports_of(MODULES[module], module):
        if target == "migrationdata" or not target.startswith("migrationdata"):
            continue
        # `migrationdata.fetch.guards.redact` -> the module that holds it
        while target not in MODULES and "." in target:
            target = target.rpartition(".")[0]
        if target != module:
            out.append((target, line))
    return out


GRAPH = {m: sorted({t for t, _ in project_imports(m)}) for m in MODULES}


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def test_no_module_imports_a_layer_above_it():
    wrong = []
    for module in MODULES:
        name, rank = layer_of(module)
        for target, line in project_imports(module):
            t_name, t_rank = layer_of(target)
            if t_rank > rank or (name != t_name and {name, t_name} == {"ingest", "analysis"}):
                wrong.append(
                    f"{MODULES[module].relative_to(REPO_DIR)}:{line} ({name}) imports {target} ({t_name})"
                )
    assert not wrong, (
        "imports that go up a layer (or between ingest and analysis); move the shared code down, "
        "or declare a Protocol in the lower layer:\n  " + "\n  ".join(wrong)
    )


def test_sources_never_import_each_other():
    wrong = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.startswith("migrationdata.sources.")
        for target in targets
        if target.startswith("migrationdata.sources.")
    ]
    assert not wrong, "a source module must stand alone (shared code goes to a lower layer): " + "; ".join(
        wrong
    )


def test_the_import_graph_has_no_cycle():
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for t in GRAPH.get(m, []):
            if state.get(t) == 1:
                return stack[stack.index(t) :] + [t]
            if state.get(t) is None:
                found = visit(t)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in GRAPH:
        if m not in state:
            loop = visit(m)
            assert loop is None, "import loop: " + " -> ".join(loop)


def test_only_the_ingest_package_imports_the_http_libraries():
    wrong = []
    for module, path in MODULES.items():
        if module == "migrationdata.fetch" or module.startswith("migrationdata.fetch."):
            continue
        for target, line in imports_of(path, module):
            if target.split(".")[0] in HTTP_LIBRARIES:
                wrong.append(f"{path.relative_to(REPO_DIR)}:{line} imports {target}")
    assert not wrong, "only migrationdata.fetch talks HTTP: " + "; ".join(wrong)


def test_a_refresh_that_finds_nothing_new_imports_no_pandas():
    """The modules a refresh imports to know its sources (the fetch package, the catalog, every
    source module and what they import in turn) import pandas and numpy only when a parser or a
    table first needs them (``pd = lazy_loader.load("pandas")``), so that the morning refresh
    with nothing new never loads them (over a second; tests/fetch/test_refresh.py checks it)."""
    start = [
        "migrationdata.fetch",
        "migrationdata.catalog",
        *(f"migrationdata.sources.{s}" for s in catalog.SOURCE_IDS),
    ]
    seen, todo, wrong = set(), [m for m in start if m in MODULES], []
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for target, line in imports_of(MODULES[module], module, at_import=True):
            if target.split(".")[0] in ("pandas", "numpy"):
                wrong.append(f"{MODULES[module].relative_to(REPO_DIR)}:{line} imports {target}")
            while target not in MODULES and "." in target:
                target = target.rpartition(".")[0]
            if target in MODULES and target != "migrationdata":
                todo.append(target)
    assert "migrationdata.processed" in seen and "migrationdata.sources.cbp" in seen
    assert not wrong, (
        "a refresh imports these modules before it knows whether anything changed; load pandas "
        "and numpy there with `pd = lazy_loader.load('pandas')` (or inside the function that "
        "needs them), and keep module-level constants free of them: " + "; ".join(wrong)
    )


def test_the_fetch_package_names_its_public_face():
    import migrationdata.fetch as fetch

    assert fetch.__all__ and all(hasattr(fetch, name) for name in fetch.__all__)


def _reliability_targets() -> set[str]:
    text = (TESTS / "reliability" / "scenarios.py").read_text(encoding="utf-8")
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "TARGETS" for t in targets) and isinstance(
                node.value, ast.Dict
            ):
                return {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
    raise AssertionError("tests/reliability/scenarios.py no longer declares TARGETS")


@pytest.mark.parametrize("source_id", catalog.SOURCE_IDS)
def test_every_source_is_complete(source_id):
    """The "adding a source" checklist, checked."""
    missing = []
    module = f"migrationdata.sources.{source_id}"
    if module not in MODULES:
        missing.append(f"src/migrationdata/sources/{source_id}.py with a module-level SOURCE")
    else:
        source = catalog.get_source(source_id)
        if not source.tables:
            missing.append("at least one declared Table in SOURCE.tables")
    if source_id not in vintages.RELEASES:
        missing.append(
            f"its release lag in src/migrationdata/vintages.py RELEASES (or --as-of runs show {source_id} "
            "figures before they were published)"
        )
    if source_id not in _reliability_targets():
        missing.append(
            f"a fault target in tests/reliability/scenarios.py TARGETS (the scenarios must run for {source_id})"
        )
    if source_id not in terms.SOURCE_TERMS:
        missing.append(
            "its terms (licence, credit, what a newsroom may do) in src/migrationdata/terms.py "
            "SOURCE_TERMS (the README's reuse table and datapackage.json are made from them)"
        )
    fixtures = TESTS / "fixtures" / source_id
    if not fixtures.is_dir() or not any(fixtures.iterdir()):
        missing.append(f"small fixtures of its real format in tests/fixtures/{source_id}/")
    if not list(TESTS.rglob(f"test_{source_id}.py")):
        missing.append(f"tests in tests/sources/test_{source_id}.py")
    assert not missing, f"source {source_id!r} is missing:\n  - " + "\n  - ".join(missing)


def test_every_error_a_reporter_can_see_is_declared_in_errors_py():
    """One module holds the errors whose messages reach a person (``MigrationDataError`` and
    its kind); a module elsewhere may only raise them. ``NotCheckable`` is a verdict, not an
    error; ``CommitError`` (an OSError) and ``RunnerError`` are internal, and the refresh and the
    build turn them into a message of their own."""
    allowed = {"NotCheckable", "CommitError", "RunnerError"}
    wrong = []
    for module, path in MODULES.items():
        if module == "migrationdata.errors":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name not in allowed:
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                if node.name.endswith("Error") or any(b.endswith("Error") for b in bases):
                    wrong.append(f"{path.relative_to(REPO_DIR)}:{node.lineno} class {node.name}")
    assert not wrong, "declare these in src/migrationdata/errors.py and import them: " + "; ".join(wrong)
