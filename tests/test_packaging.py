"""The install layout: the top-level folders install as `credtrace.<folder>`, every
package folder listed, so an installed `graph` or `api` cannot clash with another
distribution's."""

from __future__ import annotations

import tomllib
from pathlib import Path

import credtrace.graph

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("graph", "ingest", "queries", "api", "viz")


def test_every_package_folder_installs_under_the_namespace() -> None:
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    folders = {"credtrace." + ".".join(init.parent.relative_to(ROOT).parts)
               for top in FOLDERS for init in (ROOT / top).rglob("__init__.py")}
    assert set(setup["packages"]) == folders
    assert setup["package-dir"] == {f"credtrace.{top}": top for top in FOLDERS}


def test_the_namespace_is_what_runs() -> None:
    assert Path(credtrace.graph.__file__).resolve().parent == ROOT / "graph"


def test_no_module_imports_a_folder_by_its_bare_name() -> None:
    bare = [f"{path.relative_to(ROOT)}:{number}"
            for top in (*FOLDERS, "tests", "bench", "scripts")
            for path in (ROOT / top).rglob("*.py")
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
            if line.lstrip().startswith(tuple(f"{word} {folder}" for word in ("from", "import")
                                              for folder in FOLDERS))
            and line.lstrip().split()[1].split(".")[0] in FOLDERS]
    assert bare == []
