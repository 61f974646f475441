"""The examples in the docstrings of the packages and of the test helpers, run as tests
(each package module imported under the `credtrace.` namespace it installs as, never a
second time by its folder's name)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import credtrace.api
import credtrace.graph
import credtrace.ingest
import credtrace.queries
import credtrace.viz
import tests

PACKAGES = (credtrace.graph, credtrace.ingest, credtrace.queries, credtrace.api, credtrace.viz,
            tests)


def _modules() -> list[str]:
    names: list[str] = []
    for package in PACKAGES:
        names.append(package.__name__)
        names += [info.name for info in pkgutil.walk_packages(package.__path__,
                                                              package.__name__ + ".")]
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert failed == 0, f"{failed} docstring example(s) of {name} failed (see above)"
