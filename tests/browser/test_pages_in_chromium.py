"""Every picture and the report in real headless Chromium, offline: the vis network holds
the expected nodes and edges of the example, physics stabilises and stops, nothing is
fetched from the network, the console has no errors, the screenshot is not blank and the
tooltips carry no ID number in full. The node cap keeps a 1,200-node picture drawable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from credtrace.graph.memory import MemoryStore
from credtrace.ingest import ingest_bundle
from credtrace.queries.accountability import propagate
from credtrace.viz.demo import write_demo
from credtrace.viz.pages import (
    render_accountability,
    render_ego,
    render_ownership,
    render_path,
    render_picture,
)
from credtrace.viz.picture import Picture
from credtrace.viz.report import write_report
from tests.browser.chromium import Browser, Visit, pixel_stats
from tests.conftest import EXAMPLE
from tests.test_viz import DAY, EXPECTED, MAIN, PERSONS, SHELL

Render = Callable[[MemoryStore], str]
VIEWS: dict[str, Render] = {
    "ego": lambda s: render_ego(s, MAIN, hops=2, as_of=DAY),
    "accountability": lambda s: render_accountability(s, MAIN, as_of=DAY),
    "ownership": lambda s: render_ownership(s, MAIN, as_of=DAY),
    "path": lambda s: render_path(s, MAIN, SHELL, as_of=DAY),
}
#: Rows of the report's tables for the example (2 hops, on DAY).
REPORT_ROWS = {"parties": 11, "roles": 7, "holdings": 9, "measures": 1, "evidence": 2,
               "metrics": 17}


@pytest.fixture(scope="module")
def example() -> MemoryStore:
    store = MemoryStore()
    ingest_bundle(store, EXAMPLE)
    return store


@pytest.fixture(scope="module")
def pages(example: MemoryStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    written = {}
    for name, render in VIEWS.items():
        written[name] = folder / f"{name}.html"
        written[name].write_text(render(example), encoding="utf-8")
    written["report"] = write_report(example, MAIN, folder, hops=2, as_of=DAY)
    return written


def check_page(visit: Visit, shot: Path) -> dict[str, int]:
    """What every page must do; returns the network's counts."""
    visit.wait_stable()
    counts = visit.counts()
    assert counts["physics"] is False, "physics must stop after stabilisation"
    assert visit.blocked == [], f"the page tried to fetch {visit.blocked}"
    assert visit.errors == []
    variance, colours = pixel_stats(visit.screenshot(shot))
    assert variance > 200 and colours > 100, f"blank-looking screenshot {shot}"
    titles = visit.page.evaluate(
        "() => JSON.stringify(network.body.data.nodes.get().map(n => n.title))")
    assert [p for p in PERSONS if p in titles] == []
    return counts


@pytest.mark.parametrize("view", list(VIEWS))
def test_view_in_chromium(browser: Browser, pages: dict[str, Path], shots: Path,
                          view: str) -> None:
    with browser.visit(pages[view]) as visit:
        counts = check_page(visit, shots / f"{view}.png")
        assert (counts["nodes"], counts["edges"]) == EXPECTED[view]
        assert visit.page.locator("h1").inner_text().startswith(
            {"ego": "关系网络", "accountability": "追责视图", "ownership": "股权穿透",
             "path": "关联路径"}[view])
        assert visit.page.locator(".ct-legend li").count() >= 4


def test_report_in_chromium(browser: Browser, pages: dict[str, Path], shots: Path) -> None:
    with browser.visit(pages["report"]) as visit:
        counts = check_page(visit, shots / "report.png")
        assert (counts["nodes"], counts["edges"]) == EXPECTED["ego"]
        rows = {name: visit.page.locator(f"#t-{name} tbody tr").count() for name in REPORT_ROWS}
        assert rows == REPORT_ROWS
        assert len(visit.page.locator("#content-hash").inner_text()) == 64
        assert "刘洋" in visit.page.locator("#t-summary").inner_text()
        visit.page.screenshot(path=str(shots / "report-full.png"), full_page=True)


def test_node_cap_keeps_a_big_picture_drawable(browser: Browser, tmp_path: Path,
                                               shots: Path) -> None:
    picture = Picture("ego", "大网络", "E", DAY)
    picture.node("E", "Enterprise", "大董事会有限公司")
    for i in range(1200):
        picture.node(f"p{i}", "Person", f"董事{i:04d}")
        picture.edge(f"p{i}", "E", "DIRECTOR", "董事")
    page = tmp_path / "big.html"
    page.write_text(render_picture(picture), encoding="utf-8")
    with browser.visit(page) as visit:
        visit.wait_stable(timeout_ms=60_000)
        counts = visit.counts()
        assert counts["nodes"] <= 500 and counts["physics"] is False
        labels = visit.page.evaluate(
            "() => network.body.data.nodes.get().map(n => n.label).filter(l => l[0] === '+')")
        assert labels == [f"+{1200 - counts['nodes'] + 2} more 董事"]
        visit.screenshot(shots / "capped.png")


def test_demo_outputs_open_offline(browser: Browser, tmp_path: Path, shots: Path) -> None:
    store = MemoryStore()
    ingest_bundle(store, EXAMPLE)
    result = write_demo(store, tmp_path, propagate(store))
    assert len(result.outputs) == 5
    for output in result.outputs:
        with browser.visit(output.path) as visit:
            counts = check_page(visit, shots / f"demo-{output.path.stem}.png")
            assert counts["nodes"] > 1 and counts["edges"] > 0
