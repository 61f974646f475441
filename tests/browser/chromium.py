"""Drive the system's headless Chromium (Debian package `chromium`) through Playwright's
DevTools client, offline: every request that is not file:// or data: is blocked and
recorded, console errors and page errors are collected.

No browser is downloaded: Playwright launches `/usr/bin/chromium` (`scripts/ensure-browser`
installs it with apt-get).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("CREDTRACE_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


def chromium_path() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


@dataclass
class Visit:
    """A page opened offline, with what it tried to fetch and what it complained about."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def wait_stable(self, element: str = "ct-graph", timeout_ms: int = 30_000) -> None:
        """Wait until the network's physics has stabilised and been switched off."""
        self.page.wait_for_function(
            f"window.credtrace && window.credtrace.stable[{element!r}] === true",
            timeout=timeout_ms)

    def counts(self, element: str = "ct-graph") -> dict[str, int]:
        """Nodes and edges in the vis network's DataSets."""
        return self.page.evaluate(
            "(el) => { const n = window.credtrace.networks[el];"
            " return {nodes: n.body.data.nodes.length, edges: n.body.data.edges.length,"
            " physics: n.physics.options.enabled}; }", element)

    def screenshot(self, path: Path) -> bytes:
        data: bytes = self.page.screenshot(path=str(path), full_page=False)
        return data


class Browser:
    """One headless Chromium for a test session; `visit` opens a file offline."""

    def __init__(self, context: Any) -> None:
        self.context = context

    @contextmanager
    def visit(self, path: Path, width: int = 1400, height: int = 1000) -> Iterator[Visit]:
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        visit = Visit(page)

        def route(r: Any) -> None:
            if r.request.url.startswith(LOCAL_SCHEMES):
                r.continue_()
            else:
                visit.blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: visit.errors.append(str(e)))
        page.on("requestfailed", lambda r: None if r.url.startswith(LOCAL_SCHEMES)
                else visit.blocked.append(r.url))
        page.goto(path.resolve().as_uri(), wait_until="load")
        try:
            yield visit
        finally:
            page.close()


@contextmanager
def launch() -> Iterator[Browser]:
    """Headless Chromium with the flags the project runs it with, a throw-away profile."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("chromium not found: run scripts/ensure-browser")
    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="ct-chromium-") as profile:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=FLAGS,
            locale="zh-CN", device_scale_factor=1)
        try:
            yield Browser(context)
        finally:
            context.close()


def pixel_stats(png: bytes) -> tuple[float, int]:
    """(variance of grey levels, number of distinct colours) of a screenshot."""
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(png)).convert("RGB")
    grey = image.convert("L")
    colours = image.getcolors(maxcolors=1 << 20) or []
    return ImageStat.Stat(grey).var[0], len(colours)
