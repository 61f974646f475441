"""Fixtures for the real-browser tests: one headless Chromium per session, and the
example's pages written once per module. Without Chromium the tests are skipped locally
and fail in CI (`make test` runs scripts/ensure-browser first)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.chromium import Browser, chromium_path, launch


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if chromium_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: scripts/ensure-browser must run before the tests")
        pytest.skip("chromium is not installed (run scripts/ensure-browser)")
    with launch() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $CREDTRACE_SCREENSHOTS, else a session temp folder."""
    folder = os.environ.get("CREDTRACE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
