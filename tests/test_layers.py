"""Dependencies point one way: no module imports one of a layer above its own (docs/architecture.md).

The layers, lowest first: the shared vocabulary and contract, extraction, normalisation, the schema,
reprint matching, storage, and the Scrapy and command-line glue on top. The sample portals are no
part of the product: only the CLI's `demo` and `sample-portals` commands use them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Module name prefixes of each layer, lowest first (a longer prefix wins: `crawler.extract` over `crawler`).
LAYERS: list[tuple[str, ...]] = [
    ("crawler.vocabulary", "crawler.items", "crawler.scope"),
    ("crawler.extract", "crawler.profiles"),
    ("crawler.normalize",),
    ("crawler.models", "crawler.db"),
    ("crawler.reprints",),
    (
        "crawler.batches",
        "crawler.batchwrite",
        "crawler.writer",
        "crawler.queries",
        "crawler.recovery",
        "crawler.runs",
        "crawler.leases",
        "crawler.reports",
        "crawler.pagestore",
        "crawler.reextract",
        "crawler.rekey",
        "crawler.changes",
        "crawler.watch",
        "crawler.incremental",
    ),
    ("crawler", "pipelines"),  # the glue: spiders, middlewares, pipelines, settings, distributed, cli
]
#: The top-level packages (empty `__init__`s): `from crawler import db` is an import of `crawler.db` alone.
ROOT_PACKAGES = ("crawler", "pipelines")
#: Who may import the sample portals (lazily, in the commands that serve them).
SAMPLE_PORTAL_USERS = {"crawler.cli.demo"}


def layer(module: str) -> int:
    """The layer of `module`: the index in LAYERS of its longest matching prefix."""
    matches = [
        (len(prefix), index)
        for index, prefixes in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(matches)[1]


def product_modules() -> dict[str, Path]:
    modules = {}
    for package in ("crawler", "pipelines"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts and "versions" in path.parts:
                continue  # frozen migrations carry their own code
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module not in ROOT_PACKAGES:  # `from crawler import db` imports crawler.db, not more
                found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = product_modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_layer_above_its_own(module: str) -> None:
    upward = [
        name
        for name in sorted(imports_of(MODULES[module]))
        if name.split(".")[0] in ("crawler", "pipelines") and name in MODULES and layer(name) > layer(module)
    ]
    assert upward == [], f"{module} (layer {layer(module)}) imports from above: {upward}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_the_product_does_not_depend_on_the_sample_portals_or_tests(module: str) -> None:
    outside = {name for name in imports_of(MODULES[module]) if name.split(".")[0] in ("sampleportals", "tests")}
    if module in SAMPLE_PORTAL_USERS:
        outside = {name for name in outside if name.split(".")[0] == "tests"}
    assert outside == set(), f"{module} imports {sorted(outside)}"


def test_the_check_sees_an_upward_import() -> None:
    """The rule can fail: extraction importing the writer would be caught."""
    assert layer("crawler.extract.article") < layer("crawler.writer")
    assert layer("crawler.normalize.dates") < layer("crawler.reprints.index") < layer("pipelines.dedupe")
    assert "crawler.extract.urls" in imports_of(MODULES["crawler.extract.links"])


def test_no_test_module_imports_another() -> None:
    """Shared test code lives in conftest.py and helper modules (crawls, console, services, rows), not in tests."""
    imports = {
        path.name: sorted(name for name in imports_of(path) if name.startswith("tests.test_"))
        for path in (ROOT / "tests").glob("test_*.py")
    }
    assert {name: found for name, found in imports.items() if found} == {}
