"""The workbench (`/ui`) in real headless Chromium against a running server, on each store:
sign in, search in Chinese, open a party, expand a hub page by page, change the date and
see a role disappear, the paths between two clicked nodes (direction shown), the evidence
of an accountability highlighted, exports and a permalink; an analyst's key shows masked
tokens only. Every request stays on the server, the console stays clean and the
screenshots are not blank."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from credtrace.api.http.app import create_app
from credtrace.api.roles import Role
from credtrace.graph import Store
from credtrace.ingest import ingest_bundle
from tests.api.conftest import PERSON_IDS, settings_for
from tests.browser.chromium import Browser, pixel_stats
from tests.builders import Bundle
from tests.conftest import EXAMPLE
from tests.hub import AFTER, BEFORE, HUB_SIZE, load_hub

GRAPH = "window.workbench"


@dataclass
class Server:
    """A served app: its origin, one key per role, the hub bundle's keys."""

    origin: str
    keys: dict[Role, str]
    hub: Bundle


@pytest.fixture
def server(store: Store, tmp_path: Path) -> Iterator[Server]:
    assert ingest_bundle(store, EXAMPLE).rejected == 0
    hub = load_hub(store, tmp_path / "hub")
    app = create_app(settings_for(tmp_path), store=store)
    keys = {role: app.state.resources.keys.create(role, f"{role} ui")[1] for role in Role}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    served = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not served.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", keys, hub)
    served.should_exit = True
    thread.join(timeout=10)


@dataclass
class Session:
    """The workbench open in a tab, with what it tried to fetch elsewhere and its errors."""

    page: Any
    origin: str
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def wait(self, expression: str, timeout: float = 20) -> None:
        """Poll `expression` until true (the page's CSP forbids Playwright's evaluated
        predicates of `wait_for_function`, not `evaluate` itself)."""
        deadline = time.monotonic() + timeout
        while not self.js(expression):
            assert time.monotonic() < deadline, f"timed out waiting for {expression}"
            time.sleep(0.05)

    def idle(self) -> None:
        time.sleep(0.05)
        self.wait(f"window.workbench && {GRAPH}.pending === 0")
        assert self.js(f"{GRAPH}.lastError") is None

    def sign_in(self, key: str, purpose: str = "案件 2024-17") -> None:
        self.page.fill("#key", key)
        self.page.fill("#purpose", purpose)
        self.page.click("#signin button")
        self.page.wait_for_selector("#search", state="visible")

    def search_and_open(self, text: str, name: str) -> None:
        self.page.fill("#search", text)
        self.page.locator("#hits li", has_text=name).first.click()
        self.wait(f"window.workbench && {GRAPH}.nodes.length > 1")
        self.idle()

    def labels(self) -> list[str]:
        return list(self.js(f"() => {GRAPH}.nodes.get().map(n => n.label)"))

    def node_id(self, name: str) -> str:
        found = self.js(f"(name) => {GRAPH}.nodes.get().filter(n => "
                        f"({GRAPH}.state.info.get(n.id) || {{}}).name === name).map(n => n.id)",
                        name)
        assert len(found) == 1, (name, found)
        return str(found[0])

    def click_node(self, node: str, *, ctrl: bool = False) -> None:
        point = self.js(f"(id) => {{ const n = {GRAPH}.network;"
                        " n.focus(id, {scale: 1.0, animation: false});"
                        " return n.canvasToDOM(n.getPositions([id])[id]); }", node)
        box = self.page.locator("#graph").bounding_box()
        if ctrl:
            self.page.keyboard.down("Control")
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        if ctrl:
            self.page.keyboard.up("Control")
        self.idle()

    def edge_types(self) -> list[tuple[str, str, str]]:
        """(source name, type, target name) of every live relationship drawn."""
        return sorted(tuple(t) for t in self.js(
            f"() => {{ const s = {GRAPH}.state; return {GRAPH}.edges.getIds()"
            " .map(id => s.edgeInfo.get(id)).filter(e => e && !e.ended)"
            " .map(e => [s.info.get(e.source).name, e.type, s.info.get(e.target).name]); }"))

    def screenshot(self, path: Path) -> None:
        variance, colours = pixel_stats(self.page.screenshot(path=str(path)))
        assert variance > 200 and colours > 100, f"blank-looking screenshot {path}"

    def clean(self) -> None:
        assert self.outside == [], f"requests left the server: {self.outside}"
        assert self.errors == []


@contextmanager
def workbench(browser: Browser, origin: str) -> Iterator[Session]:
    page = browser.context.new_page()
    page.set_viewport_size({"width": 1500, "height": 950})
    session = Session(page, origin)

    def route(r: Any) -> None:
        if r.request.url.startswith(origin + "/"):
            r.continue_()
        else:
            session.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: session.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: session.errors.append(str(e)))
    page.goto(origin + "/ui", wait_until="load")
    try:
        yield session
    finally:
        page.close()


def test_investigator_explores_in_the_browser(browser: Browser, server: Server,
                                              shots: Path, tmp_path: Path) -> None:
    hub = server.hub
    with workbench(browser, server.origin) as ui:
        ui.sign_in(server.keys[Role.INVESTIGATOR])
        assert ui.js("sessionStorage.getItem('ct.key')") == server.keys[Role.INVESTIGATOR]
        assert ui.js("localStorage.length") == 0
        ui.page.fill("#date", AFTER)
        ui.page.dispatch_event("#date", "change")
        ui.search_and_open("王建", "王建国")
        # the hub: one page of 25 neighbours and a "+5 more 董事" node that opens the next
        assert len([label for label in ui.labels() if label.startswith("郑州枢纽")]) == 25
        assert "+5 more 董事" in ui.labels()
        ui.click_node(ui.js(f"() => {GRAPH}.nodes.get().find(n => n.label.startsWith('+')).id"))
        assert len([label for label in ui.labels() if label.startswith("郑州枢纽")]) == HUB_SIZE
        assert not [label for label in ui.labels() if label.startswith("+")]
        # the panel of the first enterprise, expanded by its roles
        first = ui.node_id("郑州枢纽00号有限公司")
        ui.click_node(first)
        ui.page.click("#panel .expand-role")
        ui.idle()
        assert ("李梅", "MANAGER", "郑州枢纽00号有限公司") in ui.edge_types()
        assert "◆ HUB-JP-1" in ui.page.locator("#panel").inner_text()
        ui.screenshot(shots / "workbench-hub.png")
        # back to 2022: the manager who came in 2023 goes, the legal representative is back
        ui.page.fill("#date", BEFORE)
        ui.page.dispatch_event("#date", "change")
        ui.idle()
        roles = ui.edge_types()
        assert ("李梅", "MANAGER", "郑州枢纽00号有限公司") not in roles
        assert ("王建国", "LEGAL_REPRESENTATIVE", "郑州枢纽00号有限公司") in roles
        diff = ui.page.locator("#diff").inner_text()
        assert "－ 李梅 →经理→ 郑州枢纽00号有限公司" in diff
        assert "＋ 王建国 →法定代表人→ 郑州枢纽00号有限公司" in diff
        assert ui.page.locator("[data-legend='mark:ended']").count() == 1
        # accountability on the conduct date's legal representative: evidence highlighted
        ui.click_node(first)
        ui.page.click("#panel .accountable")
        ui.idle()
        assert "王建国" in ui.page.locator("#answer").inner_text()
        evidence = ui.js(f"() => [...{GRAPH}.state.edgeInfo.values()]"
                         " .filter(e => e.highlight === 'evidence').map(e => e.type).sort()")
        assert evidence == ["IMPOSED_ON", "LEGAL_REPRESENTATIVE"]
        assert ui.page.locator("[data-legend='mark:evidence']").count() == 1
        ui.screenshot(shots / "workbench-evidence.png")
        # paths between two clicked nodes, with their direction
        ui.click_node(ui.node_id("郑州枢纽05号有限公司"))
        ui.click_node(ui.node_id("郑州枢纽07号有限公司"), ctrl=True)
        ui.page.click("#find-paths")
        ui.idle()
        assert ui.page.locator("#answer .path").all_inner_texts() == [
            "郑州枢纽05号有限公司 ←董事← 王建国 →董事→ 郑州枢纽07号有限公司"]
        # ownership of the third enterprise: through the second, up to the hub
        ui.click_node(ui.node_id("郑州枢纽02号有限公司"))
        ui.page.click("#panel .owners")
        ui.idle()
        owned = ui.js(f"() => {{ const s = {GRAPH}.state; return [...s.edgeInfo.values()]"
                      " .filter(e => e.highlight === 'ownership')"
                      " .map(e => s.info.get(e.source).name + '>' + s.info.get(e.target).name)"
                      " .sort(); }")
        assert owned == ["王建国>郑州枢纽01号有限公司", "郑州枢纽01号有限公司>郑州枢纽02号有限公司"]
        assert "王建国：有效持股 24" in ui.page.locator("#answer").inner_text()
        ui.page.click("#panel .score")
        ui.idle()
        assert "评分" in ui.page.locator("#answer").inner_text()
        # exports of the current view and a permalink that reopens it
        with ui.page.expect_download() as download:
            ui.page.click("#graphml")
        graphml = Path(download.value.path()).read_text(encoding="utf-8")
        assert "王建国" in graphml and hub.key("hub") in graphml
        with ui.page.expect_download() as download:
            ui.page.click("#json")
        view = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert (view["center"], view["as_of"]) == (hub.key("hub"), BEFORE)
        assert {n["name"] for n in view["nodes"]} >= {"王建国", "郑州枢纽29号有限公司"}
        assert {e["type"] for e in view["edges"]} >= {"DIRECTOR", "LEGAL_REPRESENTATIVE"}
        with ui.page.expect_download() as download:
            ui.page.click("#png")
        assert Path(download.value.path()).read_bytes()[:4] == b"\x89PNG"
        link = ui.page.locator("#link").input_value()
        assert f"party={hub.key('hub')}" in link and f"date={BEFORE}" in link
        assert f"{first}~role~1" in link
        ui.page.goto("about:blank")
        ui.page.goto(link)
        ui.wait(f"window.workbench && {GRAPH}.nodes.length > {HUB_SIZE}")
        ui.idle()
        assert ("王建国", "LEGAL_REPRESENTATIVE", "郑州枢纽00号有限公司") in ui.edge_types()
        # pin one enterprise, collapse the hub: only the hub and the pinned node stay
        pinned = ui.node_id("郑州枢纽05号有限公司")
        ui.click_node(pinned)
        ui.page.click("#panel .pin")
        ui.click_node(ui.node_id("王建国"))
        ui.page.click("#panel .collapse")
        ui.idle()
        assert sorted(ui.js(f"() => {GRAPH}.nodes.getIds()")) == sorted([hub.key("hub"), pinned])
        ui.clean()


def test_analyst_sees_tokens_only(browser: Browser, server: Server, shots: Path) -> None:
    with workbench(browser, server.origin) as ui:
        # the way `credtrace ui` hands a key over: in the hash, which the page clears
        ui.page.goto("about:blank")
        ui.page.goto(f"{server.origin}/ui#key={server.keys[Role.ANALYST]}")
        assert ui.page.input_value("#key") == server.keys[Role.ANALYST]
        assert "key=" not in ui.page.url
        ui.page.fill("#purpose", "分析 2024-3")
        ui.page.click("#signin button")
        ui.page.wait_for_selector("#search", state="visible")
        ui.page.fill("#date", AFTER)
        ui.page.dispatch_event("#date", "change")
        ui.search_and_open("华信商贸", "郑州华信商贸有限公司")
        ui.page.click("#panel .expand-role")
        ui.idle()
        shown = ui.js(f"() => JSON.stringify([{GRAPH}.nodes.get(), {GRAPH}.edges.get(),"
                      f" [...{GRAPH}.state.info.values()]])") + ui.page.content()
        assert "李娜" in shown
        assert [p for p in PERSON_IDS if p in shown] == []
        assert "~" in ui.node_id("李娜")
        ui.click_node(ui.node_id("李娜"))
        assert "掩码" in ui.page.locator("#panel").inner_text()
        ui.screenshot(shots / "workbench-masked.png")
        ui.clean()


def test_a_key_without_the_explore_scope_is_refused(browser: Browser, server: Server) -> None:
    with workbench(browser, server.origin) as ui:
        ui.page.fill("#key", server.keys[Role.SANCTION_SYSTEM])
        ui.page.fill("#purpose", "采购")
        ui.page.click("#signin button")
        ui.wait("document.getElementById('signin-error').textContent")
        assert "登录失败" in ui.page.locator("#signin-error").inner_text()
        assert ui.js("sessionStorage.getItem('ct.key')") is None
        assert ui.page.locator("#work").is_hidden()
        assert ui.outside == []
        assert ui.errors == ["Failed to load resource: the server responded with a status of "
                             "403 (Forbidden)"]  # the browser's own line for the refusal
