"""finnews runs from an installed wheel, outside the checkout; the product does not import the sample portals.

The wheel test (~20 s) builds the wheel from a copy of the sources (`pip wheel --no-deps`), installs it in a
fresh venv in a temporary folder whose dependencies come from this test's venv (a `.pth` line, so nothing is
downloaded, and the checkout's editable install is not seen there), then runs `finnews demo` and
`scrapy crawl portal` from folders that are no checkout.
"""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from sampleportals import SampleNetwork, loopback_arguments

PROJECT = Path(__file__).resolve().parent.parent
#: What a copy of the sources to build from leaves out: checkout state, caches, build output.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "data", "*.egg-info", "__pycache__", ".*_cache", "benchmarks", "tests"
)


# --- the benchmark scripts start as scripts -------------------------------------------------------


def test_no_benchmark_script_hides_an_installed_package() -> None:
    """README runs them as `python benchmarks/X.py`: the folder is then first on sys.path, and a script named
    like an installed package (Twisted imports `incremental`) would stand in for it."""
    installed = {module.name for module in pkgutil.iter_modules(sys.path[1:])}
    assert not {path.stem for path in (PROJECT / "benchmarks").glob("*.py")} & installed


# --- the product does not import the sample portals -----------------------------------------------


def imports_of(tree: ast.Module) -> list[tuple[str, str | None]]:
    """(module imported, enclosing top-level function or None) of every import in `tree`."""
    found: list[tuple[str, str | None]] = []
    for node in tree.body:
        scope = node.name if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else None
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                found += [(alias.name, scope) for alias in inner.names]
            elif isinstance(inner, ast.ImportFrom) and inner.module:
                found.append((inner.module, scope))
    return found


def test_the_product_imports_the_sample_portals_only_in_the_cli_commands_that_serve_them() -> None:
    allowed = {("crawler/cli/demo.py", "cmd_demo"), ("crawler/cli/demo.py", "cmd_sample_portals")}
    found = set()
    for package in ("crawler", "pipelines"):
        for path in sorted((PROJECT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            name = path.relative_to(PROJECT).as_posix()
            found |= {(name, scope) for module, scope in imports_of(tree) if module.split(".")[0] == "sampleportals"}
    assert found == allowed


# --- an installed wheel, outside the checkout -----------------------------------------------------


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    finnews: Path
    env: dict[str, str]


def run(command: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """finnews installed from its wheel in a fresh venv, with this venv's packages as its dependencies."""
    tmp = tmp_path_factory.mktemp("packaging")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINNEWS_", "SCRAPY_", "PYTHON", "VIRTUAL_ENV"))}
    source = tmp / "source"
    shutil.copytree(PROJECT, source, ignore=NOT_SOURCES)  # no stale build/ of the checkout in the wheel
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp / "dist", source], tmp, env, 300)
    [wheel] = (tmp / "dist").glob("finnews-*.whl")

    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], tmp, env)
    python = venv / "bin" / "python"
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env).strip())
    # The dependencies (Scrapy, SQLAlchemy, ...) from this venv: its folder on sys.path, after the venv's own
    # site-packages; its .pth files (the checkout's editable install) are not run from there.
    (purelib / "finnews_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
        tmp, env)  # fmt: skip
    return Installed(venv=venv, python=python, finnews=venv / "bin" / "finnews", env=env)


def test_the_installed_packages_are_the_wheels_not_the_checkout(installed: Installed, tmp_path: Path) -> None:
    code = (
        "import json, importlib.metadata as m, crawler, pipelines, sampleportals; "
        "print(json.dumps([crawler.__file__, pipelines.__file__, str(sampleportals.PROFILE_DIR), "
        "[e.value for e in m.entry_points(group='scrapy', name='settings')]]))"
    )
    *files, settings = json.loads(run([installed.python, "-c", code], tmp_path, installed.env))
    assert all(Path(file).is_relative_to(installed.venv) for file in files), files
    assert sorted(path.name for path in Path(files[2]).glob("*.toml")) == ["dede.toml", "phpcms.toml", "txjr.toml"]
    assert set(settings) == {"crawler.settings"}  # scrapyd finds the settings of a deployed finnews by it
    revision = run([installed.finnews, "db", "upgrade", "--db", "sqlite:///new.db"], tmp_path, installed.env)
    assert re.fullmatch(r"schema revision: (\w+) \(this finnews: \1\)\n", revision)  # migrations from the wheel


def test_finnews_demo_runs_anywhere_into_data_of_the_current_folder(installed: Installed, tmp_path: Path) -> None:
    output = run([installed.finnews, "demo", "--port", "0", "--articles", "30"], tmp_path, installed.env)
    stories = {json.loads(line)["group"] for line in (tmp_path / "data" / "sample-truth.jsonl").open(encoding="utf-8")}
    assert f"articles stored: {len(stories)} " in output and len(stories) == 30
    exported = run([installed.finnews, "export"], tmp_path, installed.env).splitlines()  # data/finnews.db here
    assert len(exported) == 30 and {json.loads(line)["site"] for line in exported} == {"dede", "phpcms", "txjr"}


def test_scrapy_crawl_with_the_installed_settings_from_another_folder(installed: Installed, tmp_path: Path) -> None:
    profile_dir = run([installed.python, "-c", "import sampleportals; print(sampleportals.PROFILE_DIR)"], tmp_path,
                      installed.env).strip()  # fmt: skip
    env = {**installed.env, "SCRAPY_SETTINGS_MODULE": "crawler.settings", "FINNEWS_PROFILE_DIRS": profile_dir}
    with SampleNetwork(articles=30, seed=3, port=0) as network:
        run([installed.python, "-m", "scrapy", "crawl", "portal", "-a", "site=all",
             "-a", "start_url=" + ",".join(network.start_urls.values()),
             "-s", "FINNEWS_DB_URL=sqlite:///crawl.db", "-s", "LOG_LEVEL=WARNING", *loopback_arguments()],
            tmp_path, env, 300)  # fmt: skip
        truth = network.truth()
    exported = [json.loads(line) for line in run([installed.finnews, "export", "--db", "sqlite:///crawl.db"],
                                                 tmp_path, installed.env).splitlines()]  # fmt: skip
    assert len(exported) == len({page["group"] for page in truth}) == 30
    pages = {page["url"]: page for page in truth}
    assert all(pages[record["url"]]["title"] == record["title"] for record in exported)
    assert {record["site"] for record in exported} == {"dede", "phpcms", "txjr"}  # named by their profiles
